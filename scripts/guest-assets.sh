#!/usr/bin/env bash
# Put the Linux guest's two Debian packages into the functional test cache
# ($QEMU_TEST_CACHE_DIR/download/<sha256>, here build/cache/functional), so
# that test_nvme_hotswap.py, make demo and make bench find them offline.
# They come from apt (the versions nvme_guest.py pins, which the test's
# Asset declarations use too); a file is only accepted if its sha256
# matches.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

CACHE=${QEMU_TEST_CACHE_DIR:-$BUILD/cache/functional}
DEBS=$BUILD/cache/debs
# "package=version sha256" of each package, read from the one place that
# pins them, the functional test's nvme_guest.py (parsed, not imported);
# GUEST_KERNEL_PIN overrides the kernel's package=version (to test the
# fallback below with a version that does not exist)
PINS=$TREE/tests/functional/x86_64/nvme_guest.py
[ -f "$PINS" ] || die guest "${PINS#$ROOT/} not found: run 'make tree' first"
ASSETS=$(python3 - "$PINS" <<'PY'
import ast
import sys

for node in ast.parse(open(sys.argv[1]).read()).body:
    if (isinstance(node, ast.Assign) and len(node.targets) == 1 and
            getattr(node.targets[0], 'id', '') in ('KERNEL_DEB', 'BUSYBOX_DEB')):
        package, version, _, sha256 = map(ast.literal_eval, node.value.args)
        print(f'{package}={version} {sha256}')
PY
) || die guest "could not read the guest package pins from ${PINS#$ROOT/}"
[ "$(grep -c . <<<"$ASSETS")" = 2 ] ||
    die guest "${PINS#$ROOT/} does not pin KERNEL_DEB and BUSYBOX_DEB"
if [ -n "${GUEST_KERNEL_PIN:-}" ]; then
    ASSETS=$(sed -e "/^linux-image-/s/^[^ ]*/$GUEST_KERNEL_PIN/" <<<"$ASSETS")
fi

# Debian drops superseded kernel packages from its archive.  When the
# pinned one is gone, take the kernel that linux-image-amd64 of the same
# release depends on now: apt checks it against the signed archive, not
# against a pin, and the tests find it through $GUEST_KERNEL_FALLBACK.
kernel_fallback() {
    local pinned=$1 cur ver deb
    cur=$(apt-cache depends linux-image-amd64 2>/dev/null </dev/null |
          awk '/Depends: linux-image-[0-9]/ { print $2; exit }' || true)
    [ -n "$cur" ] ||
        die guest "apt-get download $pinned failed, and apt knows no linux-image-amd64 to fall back to (run make deps, check the network)"
    ver=$(apt-cache policy "$cur" 2>/dev/null </dev/null |
          awk '/Candidate:/ { print $2; exit }' || true)
    deb=$(ls "$DEBS/${cur}_${ver#*:}_amd64.deb" 2>/dev/null || true)
    if [ -z "$deb" ]; then
        (cd "$DEBS" && apt-get download -q "$cur") >/dev/null 2>&1 </dev/null ||
            die guest "apt-get download $pinned failed, and so did apt-get download $cur (check the network)"
        deb=$(ls "$DEBS/${cur}_"*_amd64.deb 2>/dev/null | head -1 || true)
    fi
    [ -n "$deb" ] || die guest "apt-get download $cur wrote no .deb in ${DEBS#$ROOT/}"
    cp "$deb" "$GUEST_KERNEL_FALLBACK.tmp" &&
        mv "$GUEST_KERNEL_FALLBACK.tmp" "$GUEST_KERNEL_FALLBACK"
    step guest "$pinned could not be downloaded (no longer in the archive?): using $(basename "$deb"), the kernel linux-image-amd64 depends on now (verified by apt, not by the pin)"
}

mkdir -p "$CACHE/download" "$DEBS"
rm -f "$GUEST_KERNEL_FALLBACK"
while read -r pkgver sha; do
    dst=$CACHE/download/$sha
    if [ -f "$dst" ] && echo "$sha  $dst" | sha256sum -c --status; then
        continue
    fi
    pkg=${pkgver%%=*}
    ver=${pkgver#*=}
    # apt names the file with the version's epoch colon escaped
    deb=$(ls "$DEBS/${pkg}_"*"${ver#*:}_amd64.deb" 2>/dev/null | head -1 || true)
    if [ -z "$deb" ] || ! echo "$sha  $deb" | sha256sum -c --status; then
        step guest "downloading $pkgver with apt"
        if ! (cd "$DEBS" && apt-get download -q "$pkgver") >/dev/null 2>&1 </dev/null; then
            case $pkg in
            linux-image-*) kernel_fallback "$pkgver"; continue ;;
            esac
            die guest "apt-get download $pkgver failed (is the version still in the archive? see scripts/deps.sh)"
        fi
        deb=$(ls "$DEBS/${pkg}_"*"${ver#*:}_amd64.deb" | head -1)
    fi
    echo "$sha  $deb" | sha256sum -c --status ||
        die guest "$deb does not have the pinned sha256 $sha"
    cp "$deb" "$dst.tmp" && mv "$dst.tmp" "$dst"
    step guest "cached $(basename "$deb")"
done <<< "$ASSETS"
