#!/usr/bin/env bash
# make demo: build if needed, start QEMU with an NVMe subsystem, a controller
# and a namespace, hot-add and hot-remove a second namespace over QMP and
# show the controllers and namespaces after each step.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

[ "$(id -u)" = 0 ] && { "$ROOT/scripts/deps.sh" || exit 1; }
"$ROOT/scripts/base.sh" || exit 1
"$ROOT/scripts/tree.sh" --if-needed || exit 1
"$ROOT/scripts/build.sh" default || exit 1

exec /usr/bin/python3 "$ROOT/scripts/demo.py" "$TREE/build"
