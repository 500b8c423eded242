#!/usr/bin/env python3
"""series-file.py OLD_SERIES DIR TOPIC...: print the new patches/series.

The patches are DIR/<topic>/*.patch (cover letters left out), listed as
<topic>/<file> in topic order.  Comment lines of OLD_SERIES are kept:
the block at the top stays at the top, and a comment written above a
patch stays above that patch, found again by its name without the number
(patches are renumbered when the series changes).  Lines starting with
'# ==' are the topic headings this script writes; they are rewritten.
"""
import os
import re
import sys

HEADING = '# =='
DEFAULT_TOP = [
    '# The QEMU hot-swap series, in the order git am applies it, on QEMU',
    '# 10.2.2 (Debian qemu 1:10.2.2+ds-1): four topic series, each with',
    '# a cover letter in its directory.  Written by make export; comment',
    '# lines are kept.',
]


def key(path):
    """A patch's name without topic directory and number."""
    return re.sub(r'^\d{4}-', '', os.path.basename(path))


def read_old(path):
    top, above, pending, seen_patch = [], {}, [], False
    if os.path.exists(path):
        for line in open(path, encoding='utf-8').read().splitlines():
            s = line.strip()
            if s.startswith(HEADING):
                continue
            if s.startswith('#') or not s:
                if not seen_patch and not pending and s:
                    top.append(line)
                elif s:
                    pending.append(line)
                continue
            seen_patch = True
            above[key(s.split()[0])] = pending
            pending = []
    return top or DEFAULT_TOP, above


def main():
    old, outdir, topics = sys.argv[1], sys.argv[2], sys.argv[3:]
    top, above = read_old(old)
    lines = list(top)
    for t in topics:
        files = sorted(f for f in os.listdir(os.path.join(outdir, t))
                       if f.endswith('.patch') and not f.startswith('0000-'))
        lines += ['', f'{HEADING} {t}: {len(files)} patches, cover letter '
                  f'{t}/0000-cover-letter.patch']
        for f in files:
            lines += above.get(key(f), [])
            lines.append(f'{t}/{f}')
    print('\n'.join(lines))


if __name__ == '__main__':
    main()
