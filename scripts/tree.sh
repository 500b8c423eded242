#!/usr/bin/env bash
# Create build/qemu: a git repo whose first commit (tag 'base') is the
# extracted Debian source, with patches/series applied on top by git am.
# Never clobbers work: refuses if build/qemu holds edits or commits that are
# not in patches/.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

# --if-needed: used by build/check; a tree holding work that is not in
# patches/ is then used as it is, with a note, instead of refused.
if_needed=0
[ "${1:-}" = "--if-needed" ] && if_needed=1

git_t() { git -C "$TREE" "$@"; }

refuse() {
    if [ $if_needed = 1 ]; then
        step tree "note: $1; using build/qemu as it is"
        exit 0
    fi
    die tree "$1"
}

# patch-ids of the series files, one a line
series_ids() {
    local p
    for p in $(series_patches); do
        [ -f "$ROOT/patches/$p" ] || die tree "patches/series names $p, which does not exist"
        git patch-id --stable < "$ROOT/patches/$p" | cut -d' ' -f1
    done
}

tree_ids() {
    local c
    for c in $(git_t rev-list --reverse base..HEAD); do
        git_t show "$c" | git patch-id --stable | cut -d' ' -f1
    done
}

# mark_topics: the branch topic/<name> marks the last commit of each topic
# but the last (which ends at HEAD) in build/qemu (from the topic sizes in patches/series); export reads the
# topics' ranges from them, and rebases move them along.
mark_topics() {
    local t n
    git_t config rebase.updateRefs true
    for t in "${TOPICS[@]:0:${#TOPICS[@]}-1}"; do
        n=$(series_patches "$t" | wc -l)
        git_t branch -f "topic/$t" "$(git_t rev-list --reverse base..HEAD | sed -n "${n}p")"
    done
}

apply_series() {
    if ! am_series "$TREE" "" --keep-cr; then
        git_t reset -q --hard base
        cat "$BUILD/am.log" >&2
        die tree "patch $AM_FAILED does not apply; build/qemu was reset to 'base'. Fix the patch (or patches/series) and re-run 'make tree'"
    fi
    mark_topics
    step tree "applied $AM_PATCHES patch(es) on top of 'base' (topics: ${TOPICS[*]})"
}

if [ -d "$TREE/.git" ]; then
    git_t rev-parse -q --verify base >/dev/null \
        || die tree "build/qemu exists but has no 'base' tag; move it away and re-run 'make tree'"
    # 'unpatched' names the same commit as 'base' (the project's tools
    # know it as 'base'); trees made before it existed get it here
    git_t rev-parse -q --verify unpatched >/dev/null || git_t tag unpatched base
    if [ -n "$(git_t status --porcelain --untracked-files=no)" ]; then
        refuse "build/qemu has uncommitted edits (commit them and 'make export', or discard them)"
    fi
    if [ -d "$TREE/.git/rebase-apply" ]; then
        die tree "build/qemu is in the middle of git am/rebase; finish or abort it first"
    fi
    s=$(series_ids); t=$(tree_ids)
    if [ "$s" = "$t" ]; then
        git_t rev-parse -q --verify "topic/${TOPICS[0]}" >/dev/null || mark_topics
        step tree "build/qemu already matches patches/series ($(echo -n "$t" | grep -c . || true) patches)"
        exit 0
    fi
    # Every commit in the tree must be in patches/, or we would lose it.
    for id in $t; do
        if ! grep -qx "$id" <<<"$s"; then
            refuse "build/qemu has commits that are not in patches/ (run 'make export' to keep them, or reset build/qemu to 'base' to drop them)"
        fi
    done
    step tree "re-applying patches/series on 'base'"
    git_t reset -q --hard base
    apply_series
    exit 0
fi

[ -f "$BUILD/src/qemu/.extracted" ] || "$ROOT/scripts/base.sh"

step tree "creating build/qemu from the extracted source"
rm -rf "$TREE.tmp"
cp -a "$BUILD/src/qemu" "$TREE.tmp"
rm -rf "$TREE.tmp/.pc" "$TREE.tmp/.extracted"
(
    cd "$TREE.tmp"
    git init -q -b master .
    # New commits are yours: the identity make export signs with, if set
    git config user.name "${GIT_AUTHOR_NAME:-$(git -C "$ROOT" config user.name || echo 'QEMU hot-swap series')}"
    git config user.email "${GIT_AUTHOR_EMAIL:-$(git -C "$ROOT" config user.email || echo hotswap@localhost)}"
    git config core.autocrlf false
    printf '%s\n' /build-asan/ /build-cross/ >> .git/info/exclude
    git add -A -f .
    # Fixed identity and date: the base commit hash is the same on every machine.
    GIT_AUTHOR_NAME="Debian qemu $QEMU_VERSION" GIT_AUTHOR_EMAIL=pkg-qemu-devel@lists.alioth.debian.org \
    GIT_COMMITTER_NAME="Debian qemu $QEMU_VERSION" GIT_COMMITTER_EMAIL=pkg-qemu-devel@lists.alioth.debian.org \
    GIT_AUTHOR_DATE="2000-01-01T00:00:00Z" GIT_COMMITTER_DATE="2000-01-01T00:00:00Z" \
        git commit -q -m "QEMU $QEMU_UPSTREAM from Debian source package qemu $QEMU_VERSION"
    git tag base
    git tag unpatched
) || die tree "could not create the git repository in build/qemu.tmp"
mv "$TREE.tmp" "$TREE"
apply_series
