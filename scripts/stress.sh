#!/usr/bin/env bash
# make stress [SEEDS=1,2,3] [OPS=10000] [ASAN=1] [TESTS="nvme medium"]:
# long runs of the seeded stress qtests against the ASan/UBSan build
# (ASAN=0: the normal one): nvme-stress-test (NVMe namespace hotplug) and
# medium-stress-test (medium swaps on nvme-ns, virtio-blk, scsi-hd and
# ide-hd).  make check runs a few short seeds of the same tests; a failure
# prints the seed and operation to replay with SEEDS=<seed>.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

SEEDS=${SEEDS:-1,2,3}
OPS=${OPS:-10000}
ASAN=${ASAN:-1}
TESTS=${TESTS:-nvme medium}
case $OPS in ''|*[!0-9]*) die stress "OPS must be a number of operations, not '$OPS'" ;; esac
case $SEEDS in ""|*[!0-9,-]*) die stress "SEEDS must be seeds and ranges separated by commas (7 or 1,5,9-12), not '$SEEDS'" ;; esac
progs=()
for t in $TESTS; do
    case $t in
        nvme|medium) progs+=("tests/qtest/$t-stress-test") ;;
        *) die stress "TESTS names 'nvme' and/or 'medium', not '$t'" ;;
    esac
done
[ ${#progs[@]} -gt 0 ] || die stress "TESTS is empty: name 'nvme' and/or 'medium'"

prepare_build
"$ROOT/scripts/build.sh" default "${progs[@]}" || exit 1
qemu=./qemu-system-x86_64
if [ "$ASAN" = 1 ]; then
    "$ROOT/scripts/build.sh" asan || exit 1
    qemu=$TREE/build-asan/qemu-system-x86_64
fi

cd "$TREE/build"
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=0:abort_on_error=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
rc=0
for p in "${progs[@]}"; do
    step stress "$(basename "$p"): seeds $SEEDS, $OPS operations each, $( [ "$ASAN" = 1 ] && echo "ASan/UBSan" || echo normal) build"
    NVME_STRESS_SEEDS=$SEEDS NVME_STRESS_OPS=$OPS \
    MEDIUM_STRESS_SEEDS=$SEEDS MEDIUM_STRESS_OPS=$OPS QTEST_QEMU_BINARY=$qemu \
        QTEST_QEMU_IMG=./qemu-img "./$p" --tap || rc=1
done
exit $rc
