#!/usr/bin/env python3
"""tap-counts.py JSON FAILED: count the test cases of a meson test log.
tap-counts.py --tap NAME OUTPUT STATUS FAILED: the same for the TAP
output of one test program run by hand, which exited with STATUS.

JSON is the meson-logs/<logbase>.json that meson test wrote (one JSON
object a line, one a test program).  Prints "PASSED FAILED", counting the
TAP "ok" and "not ok" lines of each program's output; a program that
failed without a "not ok" line (a crash, a timeout, a bail out) counts as
one failed case.  FAILED gets a line for each failure.
"""
import json
import re
import sys


def count(name, out, result, status):
    """(ok, not ok, failure lines) of one program's TAP output."""
    oks = re.findall(r'^ok \d+', out, re.M)
    bad = re.findall(r'^not ok .*', out, re.M)
    failures = [f"{name}: {b}" for b in bad]
    if result not in ('OK', 'SKIP', 'EXPECTEDFAIL') and not bad:
        failures.append(f"{name}: {result} (exit status {status})")
    return len(oks), len(failures), failures


def write_failures(path, failures):
    with open(path, 'w', encoding='utf-8') as f:
        f.write(''.join(x + '\n' for x in failures))


def main_tap():
    name, out_path, status, failed_path = sys.argv[2:6]
    out = open(out_path, encoding='utf-8', errors='replace').read()
    ok, nok, failures = count(name, out, 'OK' if status == '0' else 'FAIL',
                              status)
    write_failures(failed_path, failures)
    print(ok, nok)


def main():
    if sys.argv[1] == '--tap':
        main_tap()
        return
    log, failed_path = sys.argv[1:3]
    ok = nok = 0
    failures = []
    try:
        lines = open(log, encoding='utf-8', errors='replace').read().splitlines()
    except OSError:
        lines = []
        failures.append(f'no meson test log {log}: nothing ran')
    for line in lines:
        t = json.loads(line)
        o, n, f = count(t['name'], t.get('stdout') or '', t.get('result'),
                        t.get('returncode'))
        ok += o
        nok += n
        failures += f
    write_failures(failed_path, failures)
    print(ok, nok + (1 if not lines else 0))


if __name__ == '__main__':
    main()
