#!/usr/bin/env bash
# make bisect-check: build every commit of the series in build/qemu on its
# own and run the series' qtests against it; the tree is put back on its
# branch afterwards.  Prints one line per patch.
set -uo pipefail
. "$(dirname "$0")/lib.sh"

[ -d "$TREE/.git" ] || die bisect-check "build/qemu does not exist: run 'make tree' first"
[ -z "$(git -C "$TREE" status --porcelain --untracked-files=no)" ] \
    || die bisect-check "build/qemu has uncommitted edits: commit or discard them first"
branch=$(git -C "$TREE" symbolic-ref -q --short HEAD) \
    || die bisect-check "build/qemu is not on a branch"
trap 'git -C "$TREE" checkout -q "$branch"' EXIT

bad=0
for c in $(git -C "$TREE" rev-list --reverse base..HEAD); do
    git -C "$TREE" checkout -q "$c"
    subj=$(git -C "$TREE" log -1 --format=%s)
    tests=$(git -C "$TREE" diff --name-only --diff-filter=A base.."$c" -- \
            'tests/qtest/*-test.c' | sed -e 's,\.c$,,')
    if ! flock "$BUILD/.build-lock" ninja -C "$TREE/build" qemu-system-x86_64 \
            qemu-img $tests > "$BUILD/bisect-build.log" 2>&1; then
        echo "BUILD FAILED  $subj"; bad=1; continue
    fi
    ok=0; nok=0
    for t in $tests; do
        out=$(cd "$TREE/build" && QTEST_QEMU_BINARY=./qemu-system-x86_64 \
              QTEST_QEMU_IMG=./qemu-img timeout 600 "./$t" --tap 2>&1)
        ok=$((ok + $(grep -c '^ok ' <<<"$out")))
        nok=$((nok + $(grep -cE '^not ok |^Bail out' <<<"$out")))
    done
    [ $nok = 0 ] || bad=1
    printf '%3d passed, %d failed  %s\n' $ok $nok "$subj"
done
exit $bad
