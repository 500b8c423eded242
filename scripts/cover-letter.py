#!/usr/bin/env python3
"""cover-letter.py NEW OLD: finish a cover letter git format-patch wrote.

NEW is the 0000-cover-letter.patch of --cover-letter, with "*** SUBJECT
HERE ***" and "*** BLURB HERE ***" placeholders; OLD is the topic's cover
letter from the previous export, if it exists.  The subject and the text
above the shortlog are taken from OLD, the shortlog and diffstat stay as
git wrote them.  From: is the exporter ($EXPORT_NAME, $EXPORT_EMAIL) and
Date: is $COVER_DATE, so an unchanged topic exports unchanged.
"""
import email.utils
import os
import re
import sys

SUBJECT = '*** SUBJECT HERE ***'
BLURB = '*** BLURB HERE ***'


def parts(text):
    """(header lines, blurb, tail): tail starts at the shortlog, the first
    line that looks like 'Name (N):'."""
    head, _, body = text.partition('\n\n')
    m = re.search(r'^.+ \(\d+\):$', body, re.M)
    if not m:
        raise ValueError('no shortlog in the cover letter')
    return head.split('\n'), body[:m.start()], body[m.start():]


def subject_of(head):
    """The text after '[PATCH nn/nn] ' of the Subject: header, unfolded."""
    for i, line in enumerate(head):
        if line.startswith('Subject:'):
            j = i + 1
            while j < len(head) and head[j][:1] in (' ', '\t'):
                j += 1
            value = ' '.join(x.strip() for x in head[i:j])[len('Subject:'):]
            return re.sub(r'^\s*\[[^]]*\]\s*', '', value), i, j
    raise ValueError('no Subject: header')


def main():
    new_path, old_path = sys.argv[1:3]
    with open(new_path, encoding='utf-8') as f:
        head, blurb, tail = parts(f.read())
    subject, blurb_text = SUBJECT, BLURB + '\n\n'
    if os.path.exists(old_path):
        with open(old_path, encoding='utf-8') as f:
            old_head, blurb_text, _ = parts(f.read())
        subject = subject_of(old_head)[0]

    _, i, j = subject_of(head)
    prefix = re.match(r'Subject:\s*(\[[^]]*\])', head[i]).group(1)
    head[i:j] = [f'Subject: {prefix} {subject}']
    # unfold: git folds a long From: header onto a second line
    unfolded = []
    for line in head:
        if line[:1] in (' ', '\t') and unfolded:
            unfolded[-1] += ' ' + line.strip()
        else:
            unfolded.append(line)
    head = unfolded
    for k, line in enumerate(head):
        if line.startswith('From:'):
            head[k] = 'From: ' + email.utils.formataddr(
                (os.environ['EXPORT_NAME'], os.environ['EXPORT_EMAIL']))
        elif line.startswith('Date:'):
            head[k] = 'Date: ' + os.environ['COVER_DATE']
    # the patches are the exporter's (sign-patch.py): so is the shortlog
    tail = re.sub(r'^.+( \(\d+\):)$',
                  lambda m: os.environ['EXPORT_NAME'] + m.group(1),
                  tail, count=1, flags=re.M)
    with open(new_path, 'w', encoding='utf-8') as f:
        f.write('\n'.join(head) + '\n\n' + blurb_text + tail)


if __name__ == '__main__':
    main()
