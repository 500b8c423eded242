#!/usr/bin/env bash
# Rewrite patches/*.patch and patches/series from build/qemu base..HEAD.
# Output is stable: zeroed commit ids, no signature, no numbering in subjects,
# so exporting an unchanged tree leaves git status clean.
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

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
git -C "$TREE" format-patch -q --zero-commit --no-signature -N --no-renames \
    --subject-prefix=PATCH -o "$tmp" base..HEAD
for f in "$tmp"/*.patch; do
    [ -e "$f" ] || continue
    EXPORT_NAME=$name EXPORT_EMAIL=$email python3 "$ROOT/scripts/sign-patch.py" "$f" ||
        die export "could not sign $(basename "$f")"
done
rm -f "$ROOT"/patches/[0-9][0-9][0-9][0-9]-*.patch
{
    echo "# QEMU hot-swap series, applied in this order on QEMU $QEMU_UPSTREAM"
    echo "# (Debian qemu $QEMU_VERSION).  Written by 'make export'."
    for f in "$tmp"/*.patch; do
        [ -e "$f" ] || continue
        cp "$f" "$ROOT/patches/"
        basename "$f"
    done
} > "$ROOT/patches/series"
step export "$(ls "$tmp" | grep -c '\.patch$' || true) patch(es) written to patches/"
