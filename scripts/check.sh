#!/usr/bin/env bash
# make check: set up whatever is missing, then checkpatch every patch and
# run, through QEMU's own harness (meson test, as make check-qtest and
# make check-functional do), the existing NVMe qtests, every qtest and
# qos-test case the series adds or changes and the functional test it
# adds (a Linux guest), with the normal build and again with an ASan/UBSan
# build.
# Before that it builds the whole tree (every default target of the
# x86_64 configuration) and compiles the files the series changes for
# the other targets that use them.
# Ends with "N passed, N failed", counting test cases.
set -uo pipefail
. "$(dirname "$0")/lib.sh"

LOGDIR=$BUILD/check-logs
passed=0
failed=0
failures=()

pass() { passed=$((passed + 1)); }
fail() { failed=$((failed + 1)); failures+=("$1"); echo "FAIL: $1"; }

# Set-up: any failure here is fatal and says which step failed.
if [ "$(id -u)" = 0 ]; then
    "$ROOT/scripts/deps.sh" || exit 1
fi
"$ROOT/scripts/base.sh" || exit 1
"$ROOT/scripts/tree.sh" --if-needed || exit 1
guest_assets
export QEMU_TEST_CACHE_DIR=${QEMU_TEST_CACHE_DIR:-$BUILD/cache/functional}

builds=(default)
[ "${CHECK_ASAN:-1}" = 1 ] && builds+=(asan)
qtests=$(series_qtests)
# The default build is the whole configured tree (tools such as
# qemu-storage-daemon, which link blockdev.c without qdev, and every
# qtest); the sanitizer build only what the tests below run.
"$ROOT/scripts/build.sh" default all || exit 1
[ "${CHECK_ASAN:-1}" = 1 ] && { "$ROOT/scripts/build.sh" asan series-tests || exit 1; }
# Each file the series changes, compiled for the other targets that
# compile it (arm virt's ACPI GED, other machines' compat lists).
[ "${CHECK_CROSS:-1}" = 1 ] && { "$ROOT/scripts/build.sh" cross || exit 1; }

mkdir -p "$LOGDIR"

# 1. checkpatch on every patch of the series
for p in $(series_patches); do
    log=$LOGDIR/checkpatch-${p//\//_}.log
    if (cd "$TREE" && ./scripts/checkpatch.pl -q "$ROOT/patches/$p") > "$log" 2>&1; then
        pass
        echo "ok checkpatch $p"
    else
        cat "$log"
        fail "checkpatch $p"
    fi
done

export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=0:abort_on_error=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}

# meson_test NAME BUILD_DIR MESON_TEST_ARGUMENT...: run tests with meson
# test in BUILD_DIR and count their TAP results (test cases, not programs).
meson_test() {
    local name=$1 dir=$2 logbase json counts ok nok rc mult=1
    shift 2
    logbase=check-$(echo "$name" | tr -c 'a-zA-Z0-9\n' '-')
    json=$dir/meson-logs/$logbase.json
    # meson test names its log after the test setup too, if one is given
    [ "${1:-}" = --setup ] && json=$dir/meson-logs/$logbase-$2.json
    [ "$dir" = "$TREE/build-asan" ] && mult=4
    echo "==> [check] $name"
    rm -f "$json"
    (cd "$dir" && ./pyvenv/bin/meson test --no-rebuild --print-errorlogs \
        --num-processes 1 --timeout-multiplier $mult --logbase "$logbase" "$@") \
        > "$LOGDIR/$logbase.log" 2>&1
    rc=$?
    counts=$(tap_counts "$json" "$LOGDIR/$logbase-failed.txt")
    ok=${counts% *}
    nok=${counts#* }
    passed=$((passed + ok))
    failed=$((failed + nok))
    [ "$nok" = 0 ] || { sed 's/^/FAIL: /' "$LOGDIR/$logbase-failed.txt"; failures+=("$name"); }
    if [ $rc != 0 ] && [ "$nok" = 0 ]; then
        tail -30 "$LOGDIR/$logbase.log"
        fail "$name: meson test exited with status $rc (log: ${LOGDIR#$ROOT/}/$logbase.log)"
    fi
    echo "    $ok passed, $nok failed"
}

PCI=/x86_64/pc/i440FX-pcihost/pci-bus-pc/pci-bus
qtest_names=$(for t in $qtests; do echo "qtest-x86_64/$(basename "$t")"; done)
functional_names=$(for t in $(added_functional); do
                       t=$(basename "$t" .py); echo "func-x86_64-${t#test_}"; done)

for b in "${builds[@]}"; do
    dir=$TREE/build
    [ "$b" = asan ] && dir=$TREE/build-asan
    suffix=""
    [ "$b" = asan ] && suffix=" (asan)"
    # 2. the NVMe, virtio-blk and virtio-scsi cases of qos-test
    # (one a run: qos-test prints a TAP plan for each -p, which meson's
    # TAP parser refuses)
    for p in $(series_qos_paths "$dir"); do
        meson_test "qos-test ${p#"$PCI"/}$suffix" "$dir" \
            qtest-x86_64/qos-test --test-args "-p $p"
    done
    # 3. every qtest the series adds or changes
    # shellcheck disable=SC2086
    meson_test "qtests of the series$suffix" "$dir" $qtest_names
    # 4. every functional test it adds (suite func-thorough, so with the
    # setup make check-functional uses); its guest packages were put in
    # the test cache by guest-assets.sh
    # shellcheck disable=SC2086
    meson_test "functional tests of the series$suffix" "$dir" \
        --setup thorough $functional_names
done

echo
if [ $failed != 0 ]; then
    echo "failed: ${failures[*]}"
fi
echo "$passed passed, $failed failed"
[ $failed = 0 ]
