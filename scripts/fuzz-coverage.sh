#!/usr/bin/env bash
# make fuzz-coverage: what the nvme-hotplug-fuzz corpus reaches and what
# the qtests reach, measured with clang's source coverage on the same
# build (build/qemu/build-fuzz, which make fuzz configures with
# -fprofile-instr-generate): the corpus replayed once by the fuzzer
# binary, and the qtests run against that build's qemu-system-x86_64.
# Writes build/fuzz-coverage/report.md: lines and functions of hw/nvme/
# and of the drive-insert and hotplug monitor code that each reaches and
# the other does not, over whole files and over the lines the series adds.
#   QTESTS   qtest programs to run (default: qos-test's NVMe
#            cases and the qtests the series adds or changes)
set -euo pipefail
. "$(dirname "$0")/lib.sh"

B=$TREE/build-fuzz
TARGET=nvme-hotplug-fuzz
CORPUS=$BUILD/fuzz-corpus/nvme-hotplug
OUT=$BUILD/fuzz-coverage
PROFDATA=llvm-profdata-16
COV=llvm-cov-16

[ -x "$B/qemu-fuzz-x86_64" ] || die fuzz-coverage "no fuzzing build in $B: run 'make fuzz' first"
grep -q -- '-fprofile-instr-generate' "$B/.configure-args" 2>/dev/null ||
    die fuzz-coverage "$B has no source coverage: run 'make fuzz' to reconfigure it"
[ -n "$(ls "$CORPUS" 2>/dev/null)" ] || die fuzz-coverage "no corpus in ${CORPUS#$ROOT/}: run 'make fuzz' first"
for tool in $COV $PROFDATA; do
    command -v $tool >/dev/null || die fuzz-coverage "$tool is missing (package llvm-16)"
done

lock=()
[ "$TREE" = "$BUILD/qemu" ] && lock=(flock "$BUILD/.build-lock")
step fuzz-coverage "building qemu-fuzz-x86_64 and qemu-system-x86_64 in $B"
"${lock[@]}" nice -n 19 ninja -C "$B" -j2 qemu-fuzz-x86_64 qemu-system-x86_64 > "$B/ninja.log" 2>&1 ||
    die fuzz-coverage "compilation failed (full log: $B/ninja.log)"
prepare_build
"$ROOT/scripts/build.sh" default series-tests >/dev/null || exit 1

rm -rf "$OUT"
mkdir -p "$OUT/fuzz" "$OUT/qtest"
export ASAN_OPTIONS=detect_leaks=0:abort_on_error=0
export UBSAN_OPTIONS=halt_on_error=0

step fuzz-coverage "replaying $(ls "$CORPUS" | wc -l) corpus inputs"
(cd "$OUT" && LLVM_PROFILE_FILE=$OUT/fuzz/%4m.profraw QEMU_FUZZ_COVERAGE=1 \
    "$B/qemu-fuzz-x86_64" --fuzz-target=$TARGET -runs=0 -timeout=60 \
    -max_len=4096 -detect_leaks=0 "$CORPUS") > "$OUT/fuzz.log" 2>&1 ||
    die fuzz-coverage "the corpus replay failed (log: ${OUT#$ROOT/}/fuzz.log)"

qtests=${QTESTS:-"tests/qtest/qos-test $(series_qtests | tr '\n' ' ')"}
step fuzz-coverage "running the qtests against $B/qemu-system-x86_64"
for t in $qtests; do
    args=()
    if [ "$(basename "$t")" = qos-test ]; then
        for p in $(series_qos_paths "$TREE/build"); do args+=(-p "$p"); done
    fi
    (cd "$TREE/build" && LLVM_PROFILE_FILE=$OUT/qtest/%4m.profraw \
        QTEST_QEMU_BINARY=$B/qemu-system-x86_64 QTEST_QEMU_IMG=./qemu-img \
        "./$t" --tap -k "${args[@]}") > "$OUT/qtest-$(basename "$t").log" 2>&1 ||
        step fuzz-coverage "note: $(basename "$t") had failures under this build (log: ${OUT#$ROOT/}/qtest-$(basename "$t").log)"
done

step fuzz-coverage "merging profiles"
for side in fuzz qtest; do
    ls "$OUT/$side"/*.profraw >/dev/null 2>&1 ||
        die fuzz-coverage "no $side profile in ${OUT#$ROOT/}/$side: is $B built with -fprofile-instr-generate?"
done
$PROFDATA merge -sparse -o "$OUT/fuzz.profdata" "$OUT"/fuzz/*.profraw
$PROFDATA merge -sparse -o "$OUT/qtest.profdata" "$OUT"/qtest/*.profraw
FILES=(hw/nvme/ctrl.c hw/nvme/ns.c hw/nvme/subsys.c hw/nvme/dif.c
       block/qapi-system.c block/block-backend.c blockdev.c
       block/monitor/block-hmp-cmds.c system/qdev-monitor.c
       hw/core/qdev-hotplug.c)
srcs=()
for f in "${FILES[@]}"; do srcs+=("$TREE/$f"); done
$COV export -format=lcov -instr-profile="$OUT/fuzz.profdata" \
    "$B/qemu-fuzz-x86_64" "${srcs[@]}" > "$OUT/fuzz.lcov"
$COV export -format=lcov -instr-profile="$OUT/qtest.profdata" \
    "$B/qemu-system-x86_64" "${srcs[@]}" > "$OUT/qtest.lcov"
# the working tree is what was built; fixed prefixes whatever the git config
git -C "$TREE" diff --no-color --no-ext-diff --src-prefix=a/ --dst-prefix=b/ \
    -U0 base -- "${FILES[@]}" > "$OUT/series.diff"
python3 "$ROOT/scripts/coverage-compare.py" "$TREE" "$OUT/fuzz.lcov" \
    "$OUT/qtest.lcov" "$OUT/series.diff" > "$OUT/report.md"
cat "$OUT/report.md"
step fuzz-coverage "report: ${OUT#$ROOT/}/report.md"
