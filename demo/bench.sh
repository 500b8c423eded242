#!/usr/bin/env bash
# make bench: build the series and the unpatched base if needed, boot a
# small Linux guest and measure (demo/bench.py): namespace vs controller
# hotplug latency, device_del with reads in flight, sequential-read
# throughput against the base, QEMU RSS over 1000 add/remove cycles.
# Writes build/bench/results.md, results.json and bench.png.
set -euo pipefail
. "$(dirname "$0")/../scripts/lib.sh"

prepare_build
if [ "$(cat "$BUILD/qemu-unpatched/.unpatched-rev" 2>/dev/null)" != "$(git -C "$TREE" rev-parse base)" ]; then
    step build "the unpatched base is not built yet: this may take ~5 minutes (more on a slow machine)"
else
    build_note "$BUILD/qemu-unpatched" "$BUILD/qemu-unpatched/build"
fi
"$ROOT/scripts/build.sh" unpatched || exit 1
guest_assets

PY=$TREE/build/pyvenv/bin/python3
[ -x "$PY" ] || die bench "$PY missing: the QEMU build did not create its python venv (run make build)"
step bench "measuring (about 9 minutes under TCG; progress below)"
exec "$PY" "$ROOT/demo/bench.py" "$TREE/build" "$BUILD/qemu-unpatched/build"
