#!/usr/bin/env python3
"""sign-patch.py FILE: make a git format-patch file the exporter's.

The exporter's identity ("Name <email>", from $EXPORT_IDENT) replaces the
author in the From: header and in the author's Signed-off-by: lines, and
gets a Signed-off-by: of its own if it has none.  Other trailers are kept.
"""
import os
import sys


def sign(text, ident):
    head, sep, body = text.partition('\n\n')
    if not sep:
        raise ValueError('no mail header')
    lines = head.split('\n')
    author = None
    for i, line in enumerate(lines):
        if line.startswith('From: '):
            author = line[len('From: '):]
            lines[i] = 'From: ' + ident
            break
    if author is None:
        raise ValueError('no From: header')

    msg, dashes, rest = body.partition('\n---\n')
    if not dashes:
        raise ValueError('no --- line after the commit message')
    msg_lines = [('Signed-off-by: ' + ident
                  if line == 'Signed-off-by: ' + author else line)
                 for line in msg.split('\n')]
    if 'Signed-off-by: ' + ident not in msg_lines:
        msg_lines.append('Signed-off-by: ' + ident)
    return '\n'.join(lines) + '\n\n' + '\n'.join(msg_lines) + dashes + rest


def main():
    path = sys.argv[1]
    ident = os.environ['EXPORT_IDENT']
    with open(path, encoding='utf-8') as f:
        text = f.read()
    with open(path, 'w', encoding='utf-8') as f:
        f.write(sign(text, ident))


if __name__ == '__main__':
    main()
