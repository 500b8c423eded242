#!/usr/bin/env bash
# make check-full [UNPATCHED=1] [JOBS=N] [KVM=1]: QEMU's own
# check-qtest-x86_64 (what "make check-qtest-x86_64" runs: the
# qtest-x86_64 suite at quick speed) on the whole tree built with the
# series, or with UNPATCHED=1 on the base without it.  Each test case that
# fails with the series is looked for among the failures of the same
# program on the unpatched base, so that a failure the series did not
# cause is named as such.  Ends with "N passed, N failed", counting test
# cases; exits non-zero only for failures that the base does not share.
set -uo pipefail
. "$(dirname "$0")/lib.sh"

variant=default
dir=$TREE/build
if [ "${UNPATCHED:-0}" = 1 ]; then
    variant=unpatched
    dir=$BUILD/qemu-unpatched/build
fi
ub=$BUILD/qemu-unpatched/build
LOGDIR=$BUILD/check-logs
mkdir -p "$LOGDIR"
[ "$(id -u)" = 0 ] && { "$ROOT/scripts/deps.sh" || exit 1; }
"$ROOT/scripts/base.sh" || exit 1
"$ROOT/scripts/tree.sh" --if-needed || exit 1
"$ROOT/scripts/build.sh" "$variant" all || exit 1

# hidden_kvm CMD...: run CMD where /dev/kvm is a read-only empty file (in
# a mount namespace of its own), so that the qtests find no usable KVM and
# run under TCG, as upstream's CI containers do.  The qtests use KVM
# whenever /dev/kvm is there, and nested KVM on these machines fails in
# early boot (pxe-test's "internal-error", bios-tables-test's FACP,
# migration-test's dirty ring).  KVM=1 leaves /dev/kvm as it is.
hidden_kvm() {
    local nokvm
    if [ "${KVM:-0}" = 1 ] || [ ! -e /dev/kvm ]; then
        "$@"
        return
    fi
    nokvm=$(mktemp)
    if unshare -m true 2>/dev/null; then
        unshare -m sh -c 'mount --bind "$0" /dev/kvm &&
                          mount -o remount,bind,ro /dev/kvm && exec "$@"' \
            "$nokvm" "$@"
    else
        "$@"
    fi
    local rc=$?
    rm -f "$nokvm"
    return $rc
}

# run_suite BUILD_DIR LOGBASE [MESON_TEST_ARGS...]: meson test in
# BUILD_DIR; writes LOGBASE.log and LOGBASE-failed.txt in LOGDIR and
# prints "PASSED FAILED"
run_suite() {
    local d=$1 log=$2 rc counts
    shift 2
    rm -f "$d/meson-logs/$log.json" "$LOGDIR/$log-failed.txt"
    (cd "$d" && hidden_kvm ./pyvenv/bin/meson test --no-rebuild --print-errorlogs \
        --num-processes "${JOBS:-1}" --logbase "$log" "$@") > "$LOGDIR/$log.log" 2>&1
    rc=$?
    counts=$(tap_counts "$d/meson-logs/$log.json" "$LOGDIR/$log-failed.txt")
    if [ $rc != 0 ] && [ "${counts#* }" = 0 ]; then
        echo "meson test exited with status $rc (log: ${LOGDIR#$ROOT/}/$log.log)" \
            >> "$LOGDIR/$log-failed.txt"
        counts="${counts% *} 1"
    fi
    echo "$counts"
}

if [ "${KVM:-0}" != 1 ] && [ -e /dev/kvm ] && ! unshare -m true 2>/dev/null; then
    step check-full "cannot hide /dev/kvm (unshare -m needs root): the qtests will use KVM"
fi

logbase=check-full-$variant
step check-full "check-qtest-x86_64 ($variant), ${JOBS:-1} at a time; log: ${LOGDIR#$ROOT/}/$logbase.log"
start=$(date +%s)
counts=$(run_suite "$dir" "$logbase" --suite qtest-x86_64)
step check-full "took $(( ($(date +%s) - start) / 60 )) min"

# A failure is "PROGRAM: not ok N /case" or "PROGRAM: RESULT (exit status)"
# for a program that failed without a failing case (crash, timeout).
# Programs the series adds have no base to compare with.
new=0
if [ "$variant" = default ] && [ -s "$LOGDIR/$logbase-failed.txt" ]; then
    progs=$(sed -n 's,^.*qtest-x86_64/\([A-Za-z0-9_-]*\):.*,\1,p' \
                "$LOGDIR/$logbase-failed.txt" | sort -u)
    old_progs=""
    for p in $progs; do
        git -C "$TREE" cat-file -e "base:tests/qtest/$p.c" 2>/dev/null && old_progs+=" $p"
    done
    base_failed=$LOGDIR/check-full-base-of-failures-failed.txt
    rm -f "$base_failed"
    if [ -n "$old_progs" ]; then
        if "$ROOT/scripts/build.sh" unpatched all >&2; then
            # shellcheck disable=SC2046,SC2086
            run_suite "$ub" check-full-base-of-failures \
                $(printf 'qtest-x86_64/%s ' $old_progs) >/dev/null
        else
            echo "the unpatched base did not build: every failure counts as new" >&2
        fi
    fi
    # the same failure in both runs: the program's name and the case
    # without its number (which may differ)
    key() {
        sed -e 's,^.*qtest-x86_64/\([A-Za-z0-9_-]*\): ,\1: ,' \
            -e 's/not ok [0-9]* /not ok /'
    }
    base_keys=$(key < "$base_failed" 2>/dev/null)
    while IFS= read -r f; do
        p=$(sed -n 's,^.*qtest-x86_64/\([A-Za-z0-9_-]*\):.*,\1,p' <<<"$f")
        if [ -n "$p" ] && [[ " $old_progs " != *" $p "* ]]; then
            echo "FAIL (only with the series, a test it adds): $f"
            new=$((new + 1))
        elif [ -n "$base_keys" ] && grep -qxF -- "$(key <<<"$f")" <<<"$base_keys"; then
            echo "FAIL (also without the series): $f"
        else
            echo "FAIL (only with the series): $f"
            new=$((new + 1))
        fi
    done < "$LOGDIR/$logbase-failed.txt"
else
    sed 's/^/FAIL: /' "$LOGDIR/$logbase-failed.txt" 2>/dev/null
    new=${counts#* }
fi
echo "${counts% *} passed, ${counts#* } failed"
[ "$new" = 0 ]
