#!/usr/bin/env bash
# make apply QEMU_SRC=/path/to/qemu [SERIES=topic]: apply the series, or
# one topic series with the ones it builds on, to your own QEMU git
# checkout with git am (3-way), or say clearly why it does not apply.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

src=${1:-}
topic=${2:-}
[ -n "$src" ] || die apply "usage: make apply QEMU_SRC=/path/to/qemu [SERIES=${TOPICS[*]// /|}] (a git checkout of QEMU)"
if [ -n "$topic" ] && ! is_topic "$topic"; then
    die apply "no topic series '$topic': SERIES is one of ${TOPICS[*]} (each applies with the ones before it)"
fi
git -C "$src" rev-parse --git-dir >/dev/null 2>&1 || die apply "$src is not a git checkout"
[ -f "$src/hw/nvme/ctrl.c" ] || die apply "$src does not look like a QEMU source tree (no hw/nvme/ctrl.c)"
[ -z "$(git -C "$src" status --porcelain --untracked-files=no)" ] \
    || die apply "$src has uncommitted changes: commit or stash them first"
[ -d "$(git -C "$src" rev-parse --git-dir)/rebase-apply" ] \
    && die apply "$src is in the middle of git am/rebase: finish or abort it first"

if [ -n "$topic" ] && [ "$topic" != "${TOPICS[0]}" ]; then
    before=()
    for t in "${TOPICS[@]}"; do [ "$t" = "$topic" ] && break; before+=("$t"); done
    step apply "topic '$topic' builds on ${before[*]}: applying those first"
fi
orig=$(git -C "$src" rev-parse HEAD)
if ! am_series "$src" "$topic" -3; then
    cat "$BUILD/am.log" >&2
    git -C "$src" reset -q --hard "$orig"
    die apply "patch $AM_FAILED does not apply to $src (see git's message above); $src is back at $orig. The series is made against QEMU $QEMU_UPSTREAM (Debian's $QEMU_VERSION tree; see README)."
fi
step apply "applied $AM_PATCHES patch(es)${topic:+ (up to the end of topic '$topic')} to $src"
