#!/usr/bin/env bash
# make demo: build if needed, boot a small Linux guest on the patched QEMU
# and narrate an NVMe hot-swap (demo/demo.py): namespace hot-add and
# hot-remove, drive_del, drive_insert and an AER reset, each with the
# monitor command, what the guest sees and how long it took to notice.
set -euo pipefail
. "$(dirname "$0")/../scripts/lib.sh"

prepare_build
guest_assets

PY=$TREE/build/pyvenv/bin/python3
[ -x "$PY" ] || die demo "$PY missing: the QEMU build did not create its python venv (run make build)"
step demo "booting the guest and swapping drives (about 10 s under TCG)"
exec "$PY" "$ROOT/demo/demo.py" "$TREE/build"
