#!/usr/bin/env python3
"""coverage-compare.py TREE FUZZ.lcov QTEST.lcov SERIES.diff

Compare two lcov exports of the same sources (llvm-cov export
-format=lcov): which lines and functions each reaches that the other
does not, per file, over whole files and over the lines SERIES.diff
(git diff -U0) adds.  Prints a markdown report."""
import os
import re
import sys


def read_lcov(path, tree):
    files = {}
    cur = None
    for line in open(path):
        line = line.rstrip('\n')
        if line.startswith('SF:'):
            name = os.path.relpath(os.path.realpath(line[3:]),
                                   os.path.realpath(tree))
            cur = files.setdefault(name, {'lines': {}, 'fns': {}, 'fnline': {}})
        elif line.startswith('DA:') and cur is not None:
            ln, cnt = line[3:].split(',')[:2]
            ln = int(ln)
            cur['lines'][ln] = max(cur['lines'].get(ln, 0), int(cnt))
        elif line.startswith('FN:') and cur is not None:
            ln, name = line[3:].split(',', 1)
            cur['fnline'][name] = int(ln)
        elif line.startswith('FNDA:') and cur is not None:
            cnt, name = line[5:].split(',', 1)
            cur['fns'][name] = max(cur['fns'].get(name, 0), int(cnt))
    return files


def added_lines(diff):
    added = {}
    cur = None
    for line in open(diff):
        if line.startswith('+++ '):
            p = line[4:].strip()
            cur = p[2:] if p.startswith('b/') else None
            continue
        m = re.match(r'@@ -\S+ \+(\d+)(?:,(\d+))? @@', line)
        if m and cur:
            start, n = int(m.group(1)), int(m.group(2) or 1)
            added.setdefault(cur, set()).update(range(start, start + n))
    return added


def pct(a, b):
    return f'{100.0 * a / b:.0f}%' if b else '-'


def table(title, rows):
    out = [f'### {title}', '',
           '| file | lines | fuzz corpus | qtests | fuzz only | qtests only | neither |',
           '|---|---:|---:|---:|---:|---:|---:|']
    tot = [0] * 6
    for name, n, f, q, fo, qo, ne in rows:
        out.append(f'| {name} | {n} | {f} ({pct(f, n)}) | {q} ({pct(q, n)}) '
                   f'| {fo} | {qo} | {ne} |')
        for i, v in enumerate((n, f, q, fo, qo, ne)):
            tot[i] += v
    n, f, q, fo, qo, ne = tot
    out.append(f'| **all** | {n} | {f} ({pct(f, n)}) | {q} ({pct(q, n)}) '
               f'| {fo} | {qo} | {ne} |')
    return out + ['']


def main():
    if len(sys.argv) != 5:
        sys.exit('usage: coverage-compare.py TREE FUZZ.lcov QTEST.lcov '
                 'SERIES.diff')
    tree, flcov, qlcov, diff = sys.argv[1:5]
    fz = read_lcov(flcov, tree)
    qt = read_lcov(qlcov, tree)
    if not fz or not qt:
        sys.exit('coverage-compare.py: no source file in %s' %
                 (flcov if not fz else qlcov))
    added = added_lines(diff)
    if not added:
        sys.exit('coverage-compare.py: no added line in %s' % diff)
    names = sorted(set(fz) | set(qt))
    whole, series = [], []
    fn_fuzz_only, fn_qtest_only = [], []
    for name in names:
        fl = fz.get(name, {'lines': {}})['lines']
        ql = qt.get(name, {'lines': {}})['lines']
        lines = set(fl) | set(ql)
        for rows, sel in ((whole, lines), (series, lines & added.get(name, set()))):
            if not sel:
                continue
            f = {ln for ln in sel if fl.get(ln, 0) > 0}
            q = {ln for ln in sel if ql.get(ln, 0) > 0}
            rows.append((name, len(sel), len(f), len(q), len(f - q),
                         len(q - f), len(sel - f - q)))
        ff = fz.get(name, {'fns': {}})['fns']
        qf = qt.get(name, {'fns': {}})['fns']
        fnline = dict(qt.get(name, {}).get('fnline', {}))
        fnline.update(fz.get(name, {}).get('fnline', {}))
        for fn in sorted(set(ff) | set(qf), key=lambda x: fnline.get(x, 0)):
            short = fn.split(':')[-1]
            if ff.get(fn, 0) > 0 and qf.get(fn, 0) == 0:
                fn_fuzz_only.append(f'{name}:{short}')
            elif qf.get(fn, 0) > 0 and ff.get(fn, 0) == 0:
                fn_qtest_only.append(f'{name}:{short}')
    out = ['# Coverage: nvme-hotplug-fuzz corpus and qtests, same build', '',
           'Lines are lines with code (llvm-cov regions); "fuzz only" is '
           'reached by the corpus and by no qtest, and the other way round.', '']
    out += table('Whole files', whole)
    out += table('Lines the series adds', series)
    for title, fns in (('Functions only the fuzz corpus reaches', fn_fuzz_only),
                       ('Functions only the qtests reach', fn_qtest_only)):
        out += [f'### {title} ({len(fns)})', '']
        out += [f'- {f}' for f in fns] or ['- none']
        out.append('')
    print('\n'.join(out))


if __name__ == '__main__':
    main()
