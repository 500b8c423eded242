#!/usr/bin/env bash
# Put the Linux guest's two Debian packages into the functional test cache
# ($QEMU_TEST_CACHE_DIR/download/<sha256>, here build/cache/functional), so
# that test_nvme_hotswap.py, make demo and make bench find them offline.
# They come from apt (the versions pinned below, as in the test's Asset
# declarations); a file is only accepted if its sha256 matches.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

CACHE=${QEMU_TEST_CACHE_DIR:-$BUILD/cache/functional}
DEBS=$BUILD/cache/debs
# package=version sha256
ASSETS="linux-image-6.1.0-56-amd64=6.1.192-2 a86e2049672f52354c4536a089203b6c82639420424d31c91cf31a181fd4d8f1
busybox-static=1:1.35.0-4+deb12u1+b1 3d3fdbe91d4660c873e14b092c213fe81c1da6362daa236eb25d0171eb108744"

mkdir -p "$CACHE/download" "$DEBS"
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
        (cd "$DEBS" && apt-get download -q "$pkgver") >/dev/null 2>&1 ||
            die guest "apt-get download $pkgver failed (is the version still in the archive? see scripts/deps.sh)"
        deb=$(ls "$DEBS/${pkg}_"*"${ver#*:}_amd64.deb" | head -1)
    fi
    echo "$sha  $deb" | sha256sum -c --status ||
        die guest "$deb does not have the pinned sha256 $sha"
    cp "$deb" "$dst.tmp" && mv "$dst.tmp" "$dst"
    step guest "cached $(basename "$deb")"
done <<< "$ASSETS"
