#!/usr/bin/env bash
# make apply QEMU_SRC=/path/to/qemu: apply the series to your own QEMU git
# checkout with git am (3-way), or say clearly why it does not apply.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

src=${1:-}
[ -n "$src" ] || die apply "usage: make apply QEMU_SRC=/path/to/qemu (a git checkout of QEMU)"
git -C "$src" rev-parse --git-dir >/dev/null 2>&1 || die apply "$src is not a git checkout"
[ -f "$src/hw/nvme/ctrl.c" ] || die apply "$src does not look like a QEMU source tree (no hw/nvme/ctrl.c)"
[ -z "$(git -C "$src" status --porcelain --untracked-files=no)" ] \
    || die apply "$src has uncommitted changes: commit or stash them first"
[ -d "$(git -C "$src" rev-parse --git-dir)/rebase-apply" ] \
    && die apply "$src is in the middle of git am/rebase: finish or abort it first"

orig=$(git -C "$src" rev-parse HEAD)
n=0
for p in $(series_patches); do
    n=$((n + 1))
    if ! git -C "$src" am -3 -q "$ROOT/patches/$p"; then
        git -C "$src" am --abort >/dev/null 2>&1 || true
        git -C "$src" reset -q --hard "$orig"
        die apply "patch $n ($p) does not apply to $src (see git's message above); $src is back at $orig. The series is made against QEMU $QEMU_UPSTREAM."
    fi
done
step apply "applied $n patch(es) to $src"
