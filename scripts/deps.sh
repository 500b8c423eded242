#!/usr/bin/env bash
# Configure apt and install what building and testing the series needs.
# Idempotent: sources are written once, packages already present are skipped.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

[ "$(id -u)" = 0 ] || die deps "must run as root (apt-get install); re-run as root or install the packages listed in scripts/deps.sh yourself"

SRC=/etc/apt/sources.list.d/qemu-hotswap.sources
want_src='Types: deb-src
URIs: http://deb.debian.org/debian
Suites: sid
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb
URIs: http://deb.debian.org/debian
Suites: bookworm-backports
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg'

updated=0
if [ ! -f "$SRC" ] || [ "$(cat "$SRC")" != "$want_src" ]; then
    step deps "adding deb-src sid and bookworm-backports to $SRC"
    printf '%s\n' "$want_src" > "$SRC"
    apt-get update -q || die deps "apt-get update failed: check network access to the Debian mirror"
    updated=1
fi

# Packages from bookworm proper
PKGS="build-essential pkg-config git dpkg-dev xz-utils ca-certificates
      libglib2.0-dev libpixman-1-dev libslirp-dev zlib1g-dev libfdt-dev
      flex bison ninja-build python3-venv python3-setuptools
      qemu-system-data ipxe-qemu"
# Not here, on purpose: the guest's kernel and busybox are Debian packages
# that scripts/guest-assets.sh downloads (apt-get download) and never
# installs on the host; matplotlib, for make bench's plot, is optional.
# Packages wanted from bookworm-backports (meson >= 1.5; seabios >= 1.16.3:
# with bookworm's 1.16.2, QEMU's own bios-tables-test finds the memory and
# 64-bit PCI windows where that older SeaBIOS puts them, not where the
# tests' expected ACPI tables have them)
BPO_PKGS="meson python3-pycotap seabios"

missing=""
for p in $PKGS; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing="$missing $p"
done
meson_ok=0
if dpkg-query -W -f='${Version}' meson 2>/dev/null | grep -q . && \
   dpkg --compare-versions "$(dpkg-query -W -f='${Version}' meson)" ge 1.5; then
    meson_ok=1
fi
pycotap_ok=0
dpkg-query -W -f='${Status}' python3-pycotap 2>/dev/null | grep -q 'install ok installed' && pycotap_ok=1
seabios_ok=0
if dpkg-query -W -f='${Version}' seabios 2>/dev/null | grep -q . && \
   dpkg --compare-versions "$(dpkg-query -W -f='${Version}' seabios)" ge 1.16.3; then
    seabios_ok=1
fi

if [ -z "$missing" ] && [ $meson_ok = 1 ] && [ $pycotap_ok = 1 ] && [ $seabios_ok = 1 ]; then
    step deps "all packages present"
    exit 0
fi

if [ $updated = 0 ]; then
    apt-get update -q || die deps "apt-get update failed: check network access to the Debian mirror"
fi
export DEBIAN_FRONTEND=noninteractive
if [ -n "$missing" ]; then
    step deps "installing:$missing"
    apt-get install -y -q --no-install-recommends $missing \
        || die deps "apt-get install failed for:$missing"
fi
if [ $meson_ok = 0 ] || [ $pycotap_ok = 0 ] || [ $seabios_ok = 0 ]; then
    step deps "installing from bookworm-backports: $BPO_PKGS"
    apt-get install -y -q --no-install-recommends -t bookworm-backports $BPO_PKGS \
        || die deps "apt-get install -t bookworm-backports $BPO_PKGS failed"
fi
step deps "done"
