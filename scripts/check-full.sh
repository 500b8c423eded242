#!/usr/bin/env bash
# make check-full [UNPATCHED=1] [JOBS=N]: QEMU's own check-qtest-x86_64 (what
# "make check-qtest-x86_64" runs: the qtest-x86_64 suite at quick speed) on
# the whole tree built with the series, or with UNPATCHED=1 on the base
# without it.  A test program that fails with the series is run again on
# the unpatched base, so that a failure the series did not cause is named
# as such.  Ends with "N passed, N failed", counting test cases.
set -uo pipefail
. "$(dirname "$0")/lib.sh"

variant=default
dir=$TREE/build
if [ "${UNPATCHED:-0}" = 1 ]; then
    variant=unpatched
    dir=$BUILD/qemu-unpatched/build
fi
LOGDIR=$BUILD/check-logs
mkdir -p "$LOGDIR"
[ "$(id -u)" = 0 ] && { "$ROOT/scripts/deps.sh" || exit 1; }
"$ROOT/scripts/base.sh" || exit 1
"$ROOT/scripts/tree.sh" --if-needed || exit 1
"$ROOT/scripts/build.sh" "$variant" all || exit 1

logbase=check-full-$variant
step check-full "check-qtest-x86_64 ($variant), ${JOBS:-1} at a time; log: ${LOGDIR#$ROOT/}/$logbase.log"
start=$(date +%s)
(cd "$dir" && ./pyvenv/bin/meson test --no-rebuild --print-errorlogs \
    --num-processes "${JOBS:-1}" --suite qtest-x86_64 --logbase "$logbase") \
    > "$LOGDIR/$logbase.log" 2>&1
counts=$(tap_counts "$dir/meson-logs/$logbase.json" "$LOGDIR/$logbase-failed.txt")
step check-full "took $(( ($(date +%s) - start) / 60 )) min"

if [ "$variant" = default ] && [ -s "$LOGDIR/$logbase-failed.txt" ]; then
    # Which failing programs fail on the base too?
    progs=$(sed -n 's/^\(qtest-x86_64\/[^:]*\):.*/\1/p' "$LOGDIR/$logbase-failed.txt" |
            sort -u | sed 's,^qtest-x86_64/,,')
    ub=$BUILD/qemu-unpatched/build
    # shellcheck disable=SC2046
    "$ROOT/scripts/build.sh" unpatched $(printf 'tests/qtest/%s ' $progs) >/dev/null || exit 1
    for p in $progs; do
        if (cd "$ub" && ./pyvenv/bin/meson test --no-rebuild --num-processes 1 \
                --logbase "check-full-base-$p" "qtest-x86_64/$p") >/dev/null 2>&1; then
            echo "FAIL (only with the series): qtest-x86_64/$p"
        else
            echo "FAIL (also without the series): qtest-x86_64/$p"
        fi
    done
fi
sed 's/^/FAIL: /' "$LOGDIR/$logbase-failed.txt"
echo "${counts% *} passed, ${counts#* } failed"
[ "${counts#* }" = 0 ]
