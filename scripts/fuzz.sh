#!/usr/bin/env bash
# fuzz.sh: build QEMU's libFuzzer binary (clang, ASan, UBSan) in
# build/qemu/build-fuzz and run its nvme-hotplug-fuzz target: NVMe
# namespace and controller hotplug and drive swaps interleaved with guest
# register, doorbell and command traffic.
#   SECS     seconds to fuzz (default 600)
#   TREE     the QEMU tree to build (default build/qemu)
#   FUZZ_ARGS  more libFuzzer options (e.g. -seed=1)
# The corpus stays in build/fuzz-corpus/nvme-hotplug between runs and starts
# from the seeds of tests/fuzz-seeds/nvme-hotplug; crash, timeout and OOM
# inputs go to build/fuzz-crashes; the run's log to build/fuzz-logs.
# The build also carries clang's source coverage, so that fuzz-coverage.sh
# can compare what the corpus and the qtests reach on the same binaries.
set -euo pipefail
tree_env=${TREE:-}
. "$(dirname "$0")/lib.sh"
TREE=${tree_env:-$TREE}

SECS=${SECS:-600}
[[ $SECS =~ ^[0-9]+$ ]] && [ "$SECS" -gt 0 ] || die fuzz "SECS must be a number of seconds, not '$SECS'"
TARGET=nvme-hotplug-fuzz
PKGS="clang-16 libclang-rt-16-dev llvm-16"

# clang 16 and its sanitizer and libFuzzer runtimes (bookworm has them)
missing=""
for p in $PKGS; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing="$missing $p"
done
if [ -n "$missing" ]; then
    [ "$(id -u)" = 0 ] || die fuzz "missing packages:$missing; run as root or apt-get install them"
    step fuzz "installing:$missing"
    apt-get update -q >/dev/null || die fuzz "apt-get update failed: check network access to the Debian mirror"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends $missing \
        || die fuzz "apt-get install failed for:$missing"
fi

if [ -z "$tree_env" ]; then
    "$ROOT/scripts/tree.sh" --if-needed || exit 1
fi
[ -f "$TREE/configure" ] || die fuzz "no QEMU tree in $TREE"

B=$TREE/build-fuzz
CONF=(--python=/usr/bin/python3 --target-list=x86_64-softmmu
      --disable-download --disable-install-blobs --disable-docs
      --firmwarepath=/usr/share/seabios:/usr/share/qemu:/usr/lib/ipxe/qemu
      --enable-fuzzing --enable-asan --enable-ubsan --disable-werror
      "--extra-cflags=-fprofile-instr-generate -fcoverage-mapping"
      "--extra-cxxflags=-fprofile-instr-generate -fcoverage-mapping"
      --extra-ldflags=-fprofile-instr-generate)
stamp=$B/.configure-args
want="CC=clang-16 CXX=clang++-16 ${CONF[*]}"
if [ ! -f "$B/build.ninja" ] || [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
    step fuzz "configuring the fuzzing build in $B"
    mkdir -p "$B"
    (cd "$B" && CC=clang-16 CXX=clang++-16 ../configure "${CONF[@]}" > configure.log 2>&1) || {
        tail -20 "$B/configure.log" >&2
        die fuzz "configure failed (full log: $B/configure.log)"
    }
    # configure makes warnings errors in a git checkout through the
    # native file, and meson takes that back over --disable-werror each time
    # it regenerates the build (after a meson.build changes): clang warns
    # where gcc does not, so drop it.
    sed -i '/^werror = true$/d' "$B/config-meson.cross"
    echo "$want" > "$stamp"
fi

# One build at a time on the project's tree (2 cores)
lock=()
[ "$TREE" = "$BUILD/qemu" ] && lock=(flock "$BUILD/.build-lock")
if [ ! -x "$B/qemu-fuzz-x86_64" ]; then
    step fuzz "building qemu-fuzz-x86_64 in $B: the first build takes long (~40 minutes on 2 cores)"
else
    step fuzz "updating qemu-fuzz-x86_64 in $B if the sources changed"
fi
"${lock[@]}" nice -n 19 ninja -C "$B" -j2 qemu-fuzz-x86_64 > "$B/ninja.log" 2>&1 || {
    grep -E 'error|Error' "$B/ninja.log" | head -20 >&2
    die fuzz "compilation failed (full log: $B/ninja.log)"
}

# A build-dir QEMU looks for firmware under qemu-bundle/<firmwarepath>
for d in /usr/share/seabios /usr/share/qemu /usr/lib/ipxe/qemu; do
    mkdir -p "$B/qemu-bundle$(dirname "$d")"
    [ -e "$B/qemu-bundle$d" ] || ln -sfn "$d" "$B/qemu-bundle$d"
done

CORPUS=$BUILD/fuzz-corpus/nvme-hotplug
SEEDS=$BUILD/fuzz-seeds/nvme-hotplug
CRASHES=$BUILD/fuzz-crashes
LOGS=$BUILD/fuzz-logs
mkdir -p "$CORPUS" "$SEEDS" "$CRASHES" "$LOGS"
python3 "$ROOT/tests/fuzz-seeds/nvme-hotplug/gen-seeds.py" "$SEEDS" ||
    die fuzz "could not write the seed corpus"
log=$LOGS/$TARGET-$(date -u +%Y%m%dT%H%M%SZ).log
before=$(ls "$CRASHES" | wc -l)

step fuzz "fuzzing $TARGET for $SECS s (corpus ${CORPUS#$ROOT/}, log ${log#$ROOT/})"
rc=0
(cd "$CRASHES" &&
 LLVM_PROFILE_FILE=$B/fuzz-run.profraw \
 ASAN_OPTIONS=detect_leaks=0:abort_on_error=0:symbolize=1 \
 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
 nice -n 19 "$B/qemu-fuzz-x86_64" --fuzz-target=$TARGET \
    -max_total_time="$SECS" -timeout=30 -rss_limit_mb=4096 -max_len=4096 \
    -detect_leaks=0 -print_final_stats=1 -artifact_prefix="$CRASHES/" \
    ${FUZZ_ARGS:-} "$CORPUS" "$SEEDS") > "$log" 2>&1 || rc=$?

last=$(grep -E '^#[0-9]+' "$log" | tail -1 || true)
execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
step fuzz "last status: ${last:-none}"
step fuzz "executions: ${execs:-?}, corpus: $(ls "$CORPUS" | wc -l) files in ${CORPUS#$ROOT/}"
after=$(ls "$CRASHES" | wc -l)
if [ "$rc" != 0 ] || [ "$after" != "$before" ]; then
    grep -E 'ERROR: (AddressSanitizer|libFuzzer)|runtime error|SUMMARY' "$log" | head -5 >&2 || true
    die fuzz "the fuzzer stopped on a crash (exit $rc): inputs in ${CRASHES#$ROOT/}, log ${log#$ROOT/}; reproduce with $B/qemu-fuzz-x86_64 --fuzz-target=$TARGET FILE"
fi
step fuzz "done: no crash"
