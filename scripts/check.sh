#!/usr/bin/env bash
# make check: set up whatever is missing, then checkpatch every patch, run
# the existing NVMe qtests, every qtest the series adds and the functional
# tests it adds (Linux guest), also against an ASan/UBSan build of QEMU.
# Ends with "N passed, N failed".
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

B=$TREE/build
BA=$TREE/build-asan
added_qtests=$(git -C "$TREE" diff --name-only --diff-filter=A base..HEAD -- \
               'tests/qtest/*-test.c' | sed -e 's,\.c$,,')
"$ROOT/scripts/build.sh" default tests/qtest/qos-test $added_qtests || exit 1
if [ "${CHECK_ASAN:-1}" = 1 ]; then
    "$ROOT/scripts/build.sh" asan || exit 1
fi

mkdir -p "$LOGDIR"

# 1. checkpatch on every patch of the series
for p in $(series_patches); do
    if (cd "$TREE" && ./scripts/checkpatch.pl -q "$ROOT/patches/$p") \
            > "$LOGDIR/checkpatch-$p.log" 2>&1; then
        pass
        echo "ok checkpatch $p"
    else
        cat "$LOGDIR/checkpatch-$p.log"
        fail "checkpatch $p"
    fi
done

# Run a TAP-speaking test program; count its results.
# run_tap NAME QEMU_BINARY COMMAND...
run_tap() {
    local name=$1 qemu=$2 log ok nok rc
    shift 2
    log=$LOGDIR/$(echo "$name" | tr '/ ' '__').log
    echo "==> [check] $name"
    (cd "$B" && QTEST_QEMU_BINARY=$qemu QTEST_QEMU_IMG=./qemu-img \
        QTEST_QEMU_STORAGE_DAEMON_BINARY=./storage-daemon/qemu-storage-daemon \
        timeout 1200 "$@") > "$log" 2>&1
    rc=$?
    ok=$(grep -c '^ok ' "$log")
    nok=$(grep -c '^not ok ' "$log")
    passed=$((passed + ok))
    grep '^not ok ' "$log" | while read -r line; do echo "FAIL: $name: $line"; done
    failed=$((failed + nok))
    [ "$nok" = 0 ] || failures+=("$name")
    if [ $rc != 0 ] && [ "$nok" = 0 ]; then
        tail -30 "$log"
        fail "$name exited with status $rc (log: ${log#$ROOT/})"
    fi
    echo "    $ok passed, $nok failed"
}

# 2. the existing NVMe qtests (part of qos-test)
NVME=/x86_64/pc/i440FX-pcihost/pci-bus-pc/pci-bus/nvme
run_tap "qos-test nvme" ./qemu-system-x86_64 ./tests/qtest/qos-test \
    -p $NVME/nvme-tests/reg-read -p $NVME/nvme-tests/oob-cmb-access \
    -p $NVME/nvme-tests/pmr-test-access -p $NVME/pci-device/pci-device-tests/nop \
    --tap

export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=0:abort_on_error=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}

# 2b. the qos-test cases the series adds to the virtio-blk and virtio-scsi
# tests, with the normal and the ASan/UBSan QEMU
PCI=/x86_64/pc/i440FX-pcihost/pci-bus-pc/pci-bus
VBLK=$PCI/virtio-blk-pci/virtio-blk/virtio-blk-tests
VSCSI=$PCI/virtio-scsi-pci/virtio-scsi/virtio-scsi-tests
qos_added="-p $VBLK/config-after-drive-del
           -p $VBLK/medium-swap -p $VBLK/medium-swap-fails-held-write
           -p $VSCSI/medium-swap-unit-attention
           -p $VSCSI/medium-swap-capacity-unit-attentions
           -p $VSCSI/medium-swap-fails-held-write"
# shellcheck disable=SC2086
run_tap "qos-test medium swap" ./qemu-system-x86_64 ./tests/qtest/qos-test \
    $qos_added --tap
if [ "${CHECK_ASAN:-1}" = 1 ]; then
    # shellcheck disable=SC2086
    run_tap "qos-test medium swap (asan)" "$BA/qemu-system-x86_64" \
        ./tests/qtest/qos-test $qos_added --tap
fi

# 3. every qtest the series adds, with the normal and the ASan/UBSan QEMU
for t in $added_qtests; do
    run_tap "$(basename "$t")" ./qemu-system-x86_64 "./$t" --tap
    if [ "${CHECK_ASAN:-1}" = 1 ]; then
        run_tap "$(basename "$t") (asan)" "$BA/qemu-system-x86_64" "./$t" --tap
    fi
done

# 4. every functional test the series adds (a Linux guest), with both QEMUs;
# its guest packages were put in the test cache by guest-assets.sh
export QEMU_TEST_CACHE_DIR=${QEMU_TEST_CACHE_DIR:-$BUILD/cache/functional}
added_functional=$(git -C "$TREE" diff --name-only --diff-filter=A base..HEAD \
                   -- 'tests/functional/*/test_*.py')
run_functional() {
    local name=$1 build=$2 test=$3
    run_tap "$name" "$build/qemu-system-x86_64" env \
        QEMU_TEST_QEMU_BINARY="$build/qemu-system-x86_64" \
        QEMU_TEST_QEMU_IMG="$B/qemu-img" QEMU_BUILD_ROOT="$build" \
        PYTHONPATH="$TREE/python:$TREE/tests/functional" \
        "$B/pyvenv/bin/python3" "$TREE/$test"
}
for t in $added_functional; do
    run_functional "$(basename "$t" .py)" "$B" "$t"
    if [ "${CHECK_ASAN:-1}" = 1 ]; then
        run_functional "$(basename "$t" .py) (asan)" "$BA" "$t"
    fi
done

echo
if [ $failed != 0 ]; then
    echo "failed: ${failures[*]}"
fi
echo "$passed passed, $failed failed"
[ $failed = 0 ]
