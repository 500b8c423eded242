#!/usr/bin/env python3
"""tap-counts.py JSON FAILED: count the test cases of a meson test log.

JSON is the meson-logs/<logbase>.json that meson test wrote (one JSON
object a line, one a test program).  Prints "PASSED FAILED", counting the
TAP "ok" and "not ok" lines of each program's output; a program that
failed without a "not ok" line (a crash, a timeout, a bail out) counts as
one failed case.  FAILED gets a line for each failure.
"""
import json
import re
import sys


def main():
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
        out = t.get('stdout') or ''
        oks = re.findall(r'^ok \d+', out, re.M)
        bad = re.findall(r'^not ok .*', out, re.M)
        ok += len(oks)
        nok += len(bad)
        failures += [f"{t['name']}: {b}" for b in bad]
        if t.get('result') not in ('OK', 'SKIP', 'EXPECTEDFAIL') and not bad:
            nok += 1
            failures.append(f"{t['name']}: {t.get('result')} "
                            f"(exit status {t.get('returncode')})")
    with open(failed_path, 'w', encoding='utf-8') as f:
        f.write(''.join(x + '\n' for x in failures))
    print(ok, nok + (1 if not lines else 0))


if __name__ == '__main__':
    main()
