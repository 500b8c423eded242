#!/usr/bin/env python3
"""sign-patch.py FILE: make a git format-patch file the exporter's.

The exporter's identity ($EXPORT_NAME, $EXPORT_EMAIL) replaces the author
in the From: header (RFC 2047-encoded and quoted as mail needs), in the
author's Signed-off-by: lines, and its name in the copyright lines the
patch adds ("Copyright (c) 2026 Name" naming the author); it gets a
Signed-off-by: of its own if it has none.  Other trailers are kept, and
the rest of the diff byte for byte.
"""
import email.header
import email.utils
import re
import os
import sys


def header_value(lines, name):
    """The value of header name, unfolded, and the span of its lines."""
    for i, line in enumerate(lines):
        if line.lower().startswith(name.lower().encode('ascii') + b':'):
            j = i + 1
            while j < len(lines) and lines[j][:1] in (b' ', b'\t'):
                j += 1
            value = b' '.join(x.strip() for x in lines[i:j])[len(name) + 1:]
            return value.strip().decode('ascii'), i, j
    raise ValueError(f'no {name}: header')


def decoded(value):
    """'Name <email>' from a From: header value, as git writes trailers."""
    name, addr = email.utils.parseaddr(
        str(email.header.make_header(email.header.decode_header(value))))
    return f'{name} <{addr}>'


def sign(data, name, addr):
    head, sep, body = data.partition(b'\n\n')
    if not sep:
        raise ValueError('no mail header')
    lines = head.split(b'\n')
    value, i, j = header_value(lines, 'From')
    author = decoded(value).encode('utf-8')
    ident = f'{name} <{addr}>'.encode('utf-8')
    lines[i:j] = [b'From: ' + email.utils.formataddr(
        (name, addr), charset='utf-8').encode('ascii')]

    # the commit message ends at the first '---' line (git am's rule)
    msg, dashes, rest = (b'\n' + body).partition(b'\n---\n')
    if not dashes:
        raise ValueError('no --- line after the commit message')
    msg_lines = [b'Signed-off-by: ' + ident
                 if line == b'Signed-off-by: ' + author else line
                 for line in msg.split(b'\n')]
    if b'Signed-off-by: ' + ident not in msg_lines:
        # a trailer block is separated from the text by a blank line
        while len(msg_lines) > 1 and not msg_lines[-1]:
            msg_lines.pop()
        if not re.match(rb'^[A-Za-z-]+: ', msg_lines[-1]):
            msg_lines.append(b'')
        msg_lines.append(b'Signed-off-by: ' + ident)
    msg = b'\n'.join(msg_lines)[1:]
    if any(b > 127 for b in ident) and b'Content-Type:' not in head:
        lines += [b'MIME-Version: 1.0',
                  b'Content-Type: text/plain; charset=UTF-8',
                  b'Content-Transfer-Encoding: 8bit']
    # whoever signs the patch off holds the copyright of what it adds
    author_name = email.utils.parseaddr(author.decode('utf-8'))[0]
    rest = b'\n'.join(line.replace(author_name.encode('utf-8'),
                                    name.encode('utf-8'))
                       if author_name and line.startswith(b'+') and
                       b'Copyright' in line
                       else line for line in rest.split(b'\n'))
    return b'\n'.join(lines) + b'\n\n' + msg + dashes + rest


def main():
    path = sys.argv[1]
    with open(path, 'rb') as f:
        data = sign(f.read(), os.environ['EXPORT_NAME'],
                    os.environ['EXPORT_EMAIL'])
    with open(path, 'wb') as f:
        f.write(data)


if __name__ == '__main__':
    main()
