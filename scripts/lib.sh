# Shared helpers for the project's scripts (sourced, not run).
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD=$ROOT/build
TREE=$BUILD/qemu
QEMU_VERSION=1:10.2.2+ds-1
QEMU_UPSTREAM=10.2.2

step() { printf '==> [%s] %s\n' "$1" "$2"; }
die() { printf 'ERROR [%s]: %s\n' "$1" "$2" >&2; exit 1; }

# The patch files named by patches/series, in order (comments and blanks skipped).
series_patches() {
    [ -f "$ROOT/patches/series" ] || return 0
    sed -e 's/#.*//' -e 's/[[:space:]]*$//' "$ROOT/patches/series" | awk 'NF { print $1 }'
}
