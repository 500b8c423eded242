#!/usr/bin/env bash
# Rewrite patches/<topic>/*.patch and patches/series from build/qemu
# base..HEAD.  The series is five topic series, one after the other
# (TOPICS in lib.sh); in build/qemu the branch topic/<name> marks the last
# commit of each topic but the last, which ends at HEAD.  Each topic gets
# a cover letter whose subject and text are kept from the previous export.
# Output is stable: zeroed commit ids, no signature, dates from the
# commits, so exporting an unchanged tree leaves git status clean.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

[ -d "$TREE/.git" ] || die export "build/qemu does not exist: run 'make tree' first"
git -C "$TREE" rev-parse -q --verify base >/dev/null || die export "build/qemu has no 'base' tag"
if [ -n "$(git -C "$TREE" status --porcelain --untracked-files=no)" ]; then
    die export "build/qemu has uncommitted edits: commit them first (they would not be exported)"
fi

# Whoever exports signs the patches (the DCO): From: and Signed-off-by:
# are the exporting user's git identity, not the working tree's.
name=$(git -C "$ROOT" config user.name || true)
email=$(git -C "$ROOT" config user.email || true)
[ -n "$name" ] && [ -n "$email" ] || die export "git config user.name and \
user.email are not set: the exported patches carry your From: and \
Signed-off-by:. Set them (git config --global user.name 'Your Name'; \
git config --global user.email you@example.org) and re-run 'make export'"

# The topics' ranges: base..topic/<first>, ..., topic/<last but one>..HEAD
ranges=()
prev=base
last=${TOPICS[${#TOPICS[@]}-1]}
for t in "${TOPICS[@]}"; do
    if [ "$t" = "$last" ]; then
        end=HEAD
    else
        end=topic/$t
        git -C "$TREE" rev-parse -q --verify "$end" >/dev/null ||
            die export "build/qemu has no branch $end marking the end of topic '$t' (git branch $end <its last commit>)"
    fi
    git -C "$TREE" merge-base --is-ancestor "$prev" "$end" &&
        git -C "$TREE" merge-base --is-ancestor "$end" HEAD ||
        die export "$end is not between $prev and HEAD: move it to the last commit of topic '$t' (rebase with rebase.updateRefs keeps it there)"
    [ -n "$(git -C "$TREE" rev-list "$prev..$end")" ] || die export "topic '$t' ($prev..$end) is empty"
    ranges+=("$prev..$end")
    prev=$end
done

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
i=0
for t in "${TOPICS[@]}"; do
    range=${ranges[$i]}
    i=$((i + 1))
    out=$tmp/$t
    git -C "$TREE" format-patch -q --zero-commit --no-signature --no-renames \
        --cover-letter --subject-prefix=PATCH -o "$out" "$range"
    for f in "$out"/*.patch; do
        case $f in */0000-cover-letter.patch) continue ;; esac
        EXPORT_NAME=$name EXPORT_EMAIL=$email python3 "$ROOT/scripts/sign-patch.py" "$f" ||
            die export "could not sign $t/$(basename "$f")"
    done
    EXPORT_NAME=$name EXPORT_EMAIL=$email \
    COVER_DATE=$(git -C "$TREE" log -1 --format=%aD "${range#*..}") \
        python3 "$ROOT/scripts/cover-letter.py" "$out/0000-cover-letter.patch" \
        "$ROOT/patches/$t/0000-cover-letter.patch" ||
        die export "could not write the cover letter of topic '$t'"
done

python3 "$ROOT/scripts/series-file.py" "$ROOT/patches/series" "$tmp" "${TOPICS[@]}" \
    > "$tmp/series" || die export "could not write patches/series"
rm -f "$ROOT"/patches/[0-9][0-9][0-9][0-9]-*.patch
for t in "${TOPICS[@]}"; do
    rm -rf "${ROOT:?}/patches/$t"
    mkdir -p "$ROOT/patches/$t"
    cp "$tmp/$t"/*.patch "$ROOT/patches/$t/"
done
cp "$tmp/series" "$ROOT/patches/series"
step export "$(series_patches | wc -l) patch(es) in ${#TOPICS[@]} topic series written to patches/"
grep -l '\*\*\* \(SUBJECT\|BLURB\) HERE \*\*\*' "$ROOT"/patches/*/0000-cover-letter.patch 2>/dev/null |
    while read -r f; do step export "note: ${f#$ROOT/} has no text yet: write its subject and blurb"; done || true
exit 0
