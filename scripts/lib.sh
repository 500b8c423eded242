# Shared helpers for the project's scripts (sourced, not run).
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD=$ROOT/build
TREE=$BUILD/qemu
QEMU_VERSION=1:10.2.2+ds-1
QEMU_UPSTREAM=10.2.2

# The guest kernel package guest-assets.sh took when the pinned one was no
# longer in the archive.
GUEST_KERNEL_FALLBACK=$BUILD/cache/guest-kernel-fallback.deb

# guest_assets: the guest's packages in the test cache; if the kernel is
# the fallback, the functional test, demo and bench boot it
# ($QEMU_TEST_NVME_KERNEL_DEB, which a user may also set to a kernel .deb).
guest_assets() {
    "$ROOT/scripts/guest-assets.sh" || exit 1
    if [ -f "$GUEST_KERNEL_FALLBACK" ]; then
        export QEMU_TEST_NVME_KERNEL_DEB=${QEMU_TEST_NVME_KERNEL_DEB:-$GUEST_KERNEL_FALLBACK}
    fi
}

step() { printf '==> [%s] %s\n' "$1" "$2"; }
die() { printf 'ERROR [%s]: %s\n' "$1" "$2" >&2; exit 1; }

# The patch files named by patches/series, in order (comments and blanks skipped).
series_patches() {
    [ -f "$ROOT/patches/series" ] || return 0
    sed -e 's/#.*//' -e 's/[[:space:]]*$//' "$ROOT/patches/series" | awk 'NF { print $1 }'
}

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

# Everything up to a built QEMU with the series: deps (as root), the base
# source, the tree and the default build, saying first if it will be long.
prepare_build() {
    [ "$(id -u)" = 0 ] && { "$ROOT/scripts/deps.sh" || exit 1; }
    "$ROOT/scripts/base.sh" || exit 1
    "$ROOT/scripts/tree.sh" --if-needed || exit 1
    build_note "$TREE" "$TREE/build"
    "$ROOT/scripts/build.sh" default || exit 1
}
