#!/usr/bin/env bash
# make demo: build if needed, boot a small Linux guest on the patched QEMU
# and narrate an NVMe hot-swap (scripts/demo.py): namespace hot-add and
# hot-remove, drive_del, drive_insert and an AER reset, each with the
# monitor command, what the guest sees and how long it took to notice.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

# build_note SRC DIR: scripts/build.sh is silent while it compiles, so say
# beforehand if it has work to do: no build yet, or sources in SRC newer
# than the binary (a hint from mtimes, not ninja's exact answer).
build_note() {
    local src=$1 dir=$2 bin=$2/qemu-system-x86_64 newer
    if [ ! -f "$dir/build.ninja" ] || [ ! -x "$bin" ]; then
        step build "QEMU is not built in ${dir#$ROOT/} yet: configuring and building may take ~5 minutes (more on a slow machine)"
        return 0
    fi
    newer=$(find "$src" \( -path "$src/build" -o -path "$src/build-asan" -o -path "$src/.git" \) \
            -prune -o -type f -newer "$bin" -print -quit 2>/dev/null || true)
    if [ -n "$newer" ]; then
        step build "sources changed since the last build (e.g. ${newer#$src/}): rebuilding may take ~5 minutes"
    fi
}

[ "$(id -u)" = 0 ] && { "$ROOT/scripts/deps.sh" || exit 1; }
"$ROOT/scripts/base.sh" || exit 1
"$ROOT/scripts/tree.sh" --if-needed || exit 1
build_note "$TREE" "$TREE/build"
"$ROOT/scripts/build.sh" default || exit 1
"$ROOT/scripts/guest-assets.sh" || exit 1

PY=$TREE/build/pyvenv/bin/python3
[ -x "$PY" ] || die demo "$PY missing: the QEMU build did not create its python venv (run make build)"
step demo "booting the guest and swapping drives (about 15 s under TCG)"
exec "$PY" "$ROOT/scripts/demo.py" "$TREE/build"
