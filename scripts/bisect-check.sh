#!/usr/bin/env bash
# make bisect-check: build every commit of the series in build/qemu on its
# own and run the series' qtests against it; the tree is put back on its
# branch afterwards.  Prints one line per patch.  At the end of each topic
# it builds the whole tree (every default target: tools included), links
# qemu-system-aarch64 and qemu-system-loongarch64 (ACPI GED with and
# without ACPI PCI hotplug) and compiles the files the series changes for
# m68k, ppc64 and s390x too (scripts/build.sh cross).
# make topic-check (--topics): the same at the end of each topic series
# only, with its functional tests too: each topic passes its own tests
# without the ones after it.
set -uo pipefail
. "$(dirname "$0")/lib.sh"

topics=0
[ "${1:-}" = "--topics" ] && topics=1

[ -d "$TREE/.git" ] || die bisect-check "build/qemu does not exist: run 'make tree' first"
[ -z "$(git -C "$TREE" status --porcelain --untracked-files=no)" ] \
    || die bisect-check "build/qemu has uncommitted edits: commit or discard them first"
branch=$(git -C "$TREE" symbolic-ref -q --short HEAD) \
    || die bisect-check "build/qemu is not on a branch"
trap 'git -C "$TREE" checkout -q "$branch"' EXIT

check_topic_refs bisect-check
# configured, so that each commit below is an incremental build
"$ROOT/scripts/build.sh" default >/dev/null || die bisect-check "the build of HEAD failed: see build/qemu/build/ninja.log"
LOGS=$BUILD/bisect-logs
rm -rf "$LOGS" && mkdir -p "$LOGS"

if [ $topics = 1 ]; then
    "$ROOT/scripts/tree.sh" --if-needed >/dev/null || exit 1
    guest_assets
    export QEMU_TEST_CACHE_DIR=${QEMU_TEST_CACHE_DIR:-$BUILD/cache/functional}
    commits=""
    for t in "${TOPICS[@]:0:${#TOPICS[@]}-1}"; do
        commits+=" $(git -C "$TREE" rev-parse "topic/$t")"
    done
    commits+=" $(git -C "$TREE" rev-parse "$branch")"
else
    commits=$(git -C "$TREE" rev-list --reverse base..HEAD)
fi
# the last commit of each topic: there the whole tree is built, and the
# other targets that compile files of the series
ends=" "
for t in "${TOPICS[@]:0:${#TOPICS[@]}-1}"; do
    ends+="$(git -C "$TREE" rev-parse "topic/$t") "
done
ends+="$(git -C "$TREE" rev-parse "$branch") "

B=$TREE/build
bad=0
n=0
# count_run NAME STATUS: add the TAP results in $out of a program that
# exited with STATUS, as make check counts them, and print its failures
count_run() {
    local counts
    printf '%s\n' "$out" > "$LOGS/last.tap"
    counts=$(python3 "$ROOT/scripts/tap-counts.py" --tap "$1" "$LOGS/last.tap" "$2" "$LOGS/last-failed.txt")
    ok=$((ok + ${counts% *}))
    nok=$((nok + ${counts#* }))
    cat "$LOGS/last-failed.txt"
}
for c in $commits; do
    n=$((n + 1))
    git -C "$TREE" checkout -q "$c" || die bisect-check "cannot check out $c in build/qemu"
    subj=$(git -C "$TREE" log -1 --format=%s)
    tests=$(series_qtests "$c")
    log=$LOGS/$(printf '%03d' $n)-build.log
    if ! flock "$BUILD/.build-lock" ninja -C "$B" qemu-system-x86_64 \
            qemu-img $tests > "$log" 2>&1; then
        echo "ERROR [bisect-check]: build failed (log: ${log#$ROOT/})  $subj"; bad=1; continue
    fi
    if [[ $ends == *" $c "* ]]; then
        if ! "$ROOT/scripts/build.sh" default all >> "$log" 2>&1; then
            echo "ERROR [bisect-check]: whole-tree build failed (log: ${log#$ROOT/})  $subj"; bad=1; continue
        fi
        if ! "$ROOT/scripts/build.sh" cross qemu-system-aarch64 qemu-system-loongarch64 >> "$log" 2>&1; then
            echo "ERROR [bisect-check]: cross build failed (log: ${log#$ROOT/})  $subj"; bad=1; continue
        fi
    fi
    ok=0; nok=0
    tlog=$LOGS/$(printf '%03d' $n)-tests.log
    : > "$tlog"
    for t in $tests; do
        out=$(cd "$B" && QTEST_QEMU_BINARY=./qemu-system-x86_64 \
              QTEST_QEMU_IMG=./qemu-img timeout 600 "./$t" --tap 2>&1)
        count_run "$t" $?
        printf '%s\n' "$out" >> "$tlog"
    done
    if [ $topics = 1 ]; then
        for t in $(added_functional "$c"); do
            out=$(QEMU_TEST_QEMU_BINARY="$B/qemu-system-x86_64" \
                  QEMU_TEST_QEMU_IMG="$B/qemu-img" QEMU_BUILD_ROOT="$B" \
                  PYTHONPATH="$TREE/python:$TREE/tests/functional" \
                  timeout 1200 "$B/pyvenv/bin/python3" "$TREE/$t" 2>&1)
            count_run "$t" $?
        done
    fi
    [ $nok = 0 ] || bad=1
    printf '%3d passed, %d failed  %s\n' $ok $nok "$subj"
done
exit $bad
