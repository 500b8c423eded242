#!/usr/bin/env bash
# build.sh VARIANT [NINJA_TARGET...]: configure and build QEMU.
#   default    build/qemu/build, x86_64-softmmu: qemu-system-x86_64, qemu-img
#              and the NINJA_TARGETs given ("all": the whole configured tree,
#              tools such as qemu-storage-daemon and every qtest included;
#              "series-tests": qos-test and the qtests the series adds
#              or changes)
#   asan       the same in build/qemu/build-asan, with ASan and UBSan
#   unpatched  the base commit without the series (tag 'unpatched', the same
#              commit as 'base') in build/qemu-unpatched/build, for benchmarks
#              and for comparing QEMU's own tests against the series
#   cross      build/qemu/build-cross, the other targets that compile code the
#              series touches (aarch64 and loongarch64: ACPI GED, with and
#              without ACPI PCI hotplug; m68k, ppc64, s390x: machine compat
#              lists): compiles each C file the series changes for every
#              target that compiles it, and links the NINJA_TARGETs given
#              (e.g. qemu-system-aarch64)
# Firmware comes from Debian's seabios, qemu-system-data and ipxe-qemu.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

variant=${1:-default}
shift || true
# SeaBIOS first: Debian's qemu-system-data ships bios-microvm.bin as a link
# to qboot.rom, which boots no disk boot sector; QEMU's own tests (the
# microvm cases of bios-tables-test) expect the SeaBIOS build upstream ships.
FIRMWARE_DIRS="/usr/share/seabios /usr/share/qemu /usr/lib/ipxe/qemu"
CROSS_TARGETS=aarch64-softmmu,loongarch64-softmmu,m68k-softmmu,ppc64-softmmu,s390x-softmmu
CONF=(--python=/usr/bin/python3 --target-list=x86_64-softmmu
      --disable-download --disable-install-blobs --disable-docs
      "--firmwarepath=$(echo $FIRMWARE_DIRS | tr ' ' ':')")
src=$TREE
case $variant in
    default) dir=build ;;
    asan)    dir=build-asan
             CONF+=(--enable-asan --enable-ubsan --disable-werror) ;;
    unpatched) dir=build; src=$BUILD/qemu-unpatched ;;
    cross)   dir=build-cross
             CONF=("${CONF[@]/--target-list=*/--target-list=$CROSS_TARGETS}"
                   --disable-tools) ;;
    *)       die build "unknown build variant '$variant' (default, asan, unpatched or cross)" ;;
esac

[ -d "$TREE/.git" ] || "$ROOT/scripts/tree.sh" || exit 1
if [ "$variant" = unpatched ]; then
    # A plain copy of the base commit, refreshed if the base changes.
    rev=$(git -C "$TREE" rev-parse base)
    if [ "$(cat "$src/.unpatched-rev" 2>/dev/null)" != "$rev" ]; then
        step build "extracting the unpatched base into build/qemu-unpatched"
        rm -rf "$src" && mkdir -p "$src"
        git -C "$TREE" archive base | tar -x -C "$src"
        echo "$rev" > "$src/.unpatched-rev"
    fi
fi
B=$src/$dir
stamp=$B/.configure-args
want="${CONF[*]}"
if [ ! -f "$B/build.ninja" ] || [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
    step build "configuring $variant in ${B#$ROOT/}"
    mkdir -p "$B"
    (cd "$B" && ../configure "${CONF[@]}" > configure.log 2>&1) || {
        tail -20 "$B/configure.log" >&2
        die build "configure failed (full log: ${B#$ROOT/}/configure.log); 'make deps' installs what it needs"
    }
    echo "$want" > "$stamp"
fi

if [ "$variant" = cross ]; then
    # the objects of every C file the series changes, for each target;
    # compile_commands.json is current once build.ninja is
    flock "$BUILD/.build-lock" ninja -C "$B" build.ninja > "$B/ninja.log" 2>&1 ||
        die build "meson could not regenerate ${B#$ROOT/} (log: ${B#$ROOT/}/ninja.log)"
    targets="$* $(git -C "$TREE" diff --no-renames --name-only --diff-filter=AM base..HEAD -- '*.c' |
                  python3 "$ROOT/scripts/objects-of.py" "$B/compile_commands.json")"
    # no target at all would make ninja build every emulator
    [ -n "${targets// /}" ] || { step build "done ($variant): nothing the series changes is compiled there"; exit 0; }
else
    # "series-tests": qos-test and every qtest the series adds
    targets="qemu-system-x86_64 qemu-img"
    for t in "$@"; do
        if [ "$t" = series-tests ]; then
            targets="$targets tests/qtest/qos-test $(series_qtests | tr '\n' ' ')"
        else
            targets="$targets $t"
        fi
    done
fi
step build "building ($variant): $(echo $targets | cut -c1-200)"
# One build at a time on this tree (2 cores): wait for any other holder.
flock "$BUILD/.build-lock" ninja -C "$B" $targets > "$B/ninja.log" 2>&1 || {
    grep -E 'error|Error' "$B/ninja.log" | head -20 >&2
    die build "compilation failed (full log: ${B#$ROOT/}/ninja.log)"
}

# A build-dir QEMU looks for firmware under qemu-bundle/<firmwarepath>.
[ "$variant" = cross ] && { step build "done ($variant)"; exit 0; }
for d in $FIRMWARE_DIRS; do
    mkdir -p "$B/qemu-bundle$(dirname "$d")"
    link=$B/qemu-bundle$d
    if [ -d "$link" ] && [ ! -L "$link" ]; then
        for f in "$d"/*; do
            [ -e "$link/$(basename "$f")" ] || ln -s "$f" "$link/"
        done
    else
        ln -sfn "$d" "$link"
    fi
done
step build "done ($variant)"
