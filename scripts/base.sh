#!/usr/bin/env bash
# Download Debian's qemu source package (pinned by sha256), extract it with
# dpkg-source -x into build/src/qemu.  The download is cached in build/cache,
# so a second run is offline.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

CACHE=$BUILD/cache
SRC=$BUILD/src/qemu
PINS=$ROOT/base.sha256
mkdir -p "$CACHE" "$BUILD/src"

if [ -f "$SRC/.extracted" ]; then
    step base "QEMU $QEMU_VERSION already extracted in build/src/qemu"
    exit 0
fi

files=$(awk '{ print $2 }' "$PINS")
need=0
for f in $files; do [ -f "$CACHE/$f" ] || need=1; done
if [ $need = 1 ]; then
    command -v apt-get >/dev/null || die base "apt-get not found: this needs a Debian machine"
    step base "downloading qemu $QEMU_VERSION source package"
    (cd "$CACHE" && apt-get source -q --download-only "qemu=$QEMU_VERSION") \
        || die base "apt-get source qemu=$QEMU_VERSION failed: run 'make deps' (it adds deb-src sid) and check the mirror"
fi

step base "verifying sha256 against base.sha256"
(cd "$CACHE" && sha256sum --quiet -c "$PINS") \
    || die base "checksum mismatch in build/cache (see above): delete build/cache and re-run 'make base'; if it persists the mirror serves different files than the ones pinned"

step base "extracting with dpkg-source -x"
rm -rf "$SRC" "$SRC.tmp"
dsc=$(awk '/\.dsc$/ { print $2 }' "$PINS")
(cd "$BUILD/src" && dpkg-source --no-check -x "$CACHE/$dsc" qemu.tmp >/dev/null) \
    || die base "dpkg-source -x failed (is dpkg-dev installed? run 'make deps')"
mv "$BUILD/src/qemu.tmp" "$SRC"
touch "$SRC/.extracted"
step base "done: build/src/qemu"
