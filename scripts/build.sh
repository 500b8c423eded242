#!/usr/bin/env bash
# Configure and build QEMU in build/qemu/build (or build/qemu/build-asan with
# "asan"): qemu-system-x86_64, qemu-img and the qtests the project runs.
# "unpatched" builds the base commit without the series (tag 'unpatched',
# the same commit as 'base') in build/qemu-unpatched/build, for benchmarks
# that compare the series against it.
# Firmware comes from Debian's seabios, qemu-system-data and ipxe-qemu.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

variant=${1:-default}
shift || true
FIRMWARE_DIRS="/usr/share/qemu /usr/share/seabios /usr/lib/ipxe/qemu"
CONF=(--python=/usr/bin/python3 --target-list=x86_64-softmmu
      --disable-download --disable-install-blobs --disable-docs
      "--firmwarepath=$(echo $FIRMWARE_DIRS | tr ' ' ':')")
src=$TREE
case $variant in
    default) dir=build ;;
    asan)    dir=build-asan
             CONF+=(--enable-asan --enable-ubsan --disable-werror) ;;
    unpatched) dir=build; src=$BUILD/qemu-unpatched ;;
    *)       die build "unknown build variant '$variant' (default, asan or unpatched)" ;;
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

targets="qemu-system-x86_64 qemu-img $*"
step build "building ($variant): $targets"
# One build at a time on this tree (2 cores): wait for any other holder.
flock "$BUILD/.build-lock" ninja -C "$B" $targets > "$B/ninja.log" 2>&1 || {
    grep -E 'error|Error' "$B/ninja.log" | head -20 >&2
    die build "compilation failed (full log: ${B#$ROOT/}/ninja.log)"
}

# A build-dir QEMU looks for firmware under qemu-bundle/<firmwarepath>.
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
