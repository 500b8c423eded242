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

# The series is five topic series, applied in this order; each has its
# directory under patches/ with a cover letter, and needs the ones before it.
TOPICS=(pcie nvme drive-insert hotplug-state stress)

# is_topic NAME: NAME is one of TOPICS
is_topic() {
    local t
    for t in "${TOPICS[@]}"; do [ "$t" = "$1" ] && return 0; done
    return 1
}

# series_patches [TOPIC]: the patch files named by patches/series (paths
# relative to patches/), in order; with TOPIC, only up to the end of that
# topic.  Comments and blank lines are skipped.
series_patches() {
    [ -f "$ROOT/patches/series" ] || return 0
    sed -e 's/#.*//' -e 's/[[:space:]]*$//' "$ROOT/patches/series" |
        awk -v upto="${1:-}" 'NF { split($1, p, "/")
                                   # read to the end: an early exit would
                                   # make sed die of SIGPIPE (pipefail)
                                   if (upto != "" && done && p[1] != upto) stop = 1
                                   if (p[1] == upto) done = 1
                                   if (!stop) print $1 }'
}

# am_series DIR TOPIC GIT_AM_OPTION...: git am the series, up to the end of
# TOPIC (all of it if TOPIC is empty), into the git checkout DIR.  Sets
# AM_PATCHES to the number applied.  On a patch that does not apply,
# aborts the git am, sets AM_FAILED to "N (PATCH)" and returns 1; DIR is
# left for the caller to reset.
am_series() {
    local dir=$1 upto=$2 p
    shift 2
    AM_PATCHES=0
    AM_FAILED=""
    for p in $(series_patches "$upto"); do
        AM_PATCHES=$((AM_PATCHES + 1))
        if ! git -C "$dir" am -q "$@" "$ROOT/patches/$p" >/dev/null 2>"$BUILD/am.log"; then
            git -C "$dir" am --abort >/dev/null 2>&1 || true
            AM_FAILED="$AM_PATCHES ($p)"
            return 1
        fi
    done
}

# series_qtests [REV]: the qtest programs (build-relative paths, no .c)
# the series adds or changes in build/qemu between base and REV (HEAD if
# not given).  A changed file that is part of qos-test (listed with its
# .c in tests/qtest/meson.build) is not a program of its own: check.sh
# runs qos-test's cases apart.
series_qtests() {
    local f meson
    meson=$(git -C "$TREE" show "${1:-HEAD}:tests/qtest/meson.build")
    git -C "$TREE" diff --name-only --diff-filter=AM "base..${1:-HEAD}" -- \
        'tests/qtest/*-test.c' | while read -r f; do
        case $meson in
        *"'$(basename "$f" .c)'"*) echo "${f%.c}" ;;
        esac
    done
}

# series_qos_paths BUILD_DIR: the qos-test cases make check runs (on the
# pc machine, as qos-test -l of that build lists them): every NVMe case,
# and each case whose name a qos_add_test() line of the series adds.
series_qos_paths() {
    local added
    added=$(git -C "$TREE" diff base..HEAD -- 'tests/qtest/*.c' |
            sed -n 's/^+.*qos_add_test("\([^"]*\)".*/\1/p' | sort -u)
    QTEST_QEMU_BINARY=$1/qemu-system-x86_64 "$1/tests/qtest/qos-test" -l |
        awk -v added="$added" '
            BEGIN { n = split(added, a, "\n"); for (i = 1; i <= n; i++) want[a[i]] = 1 }
            !/^\/x86_64\/pc\/i440FX-pcihost\// { next }
            /\/nvme\// { print; next }
            { k = $0; sub(/.*\//, "", k); if (k in want) print }'
}

# tap_counts MESON_JSON_LOG FAILED_FILE: "PASSED FAILED" test cases of a
# meson test run; FAILED_FILE gets a line for each failure.
tap_counts() {
    python3 "$ROOT/scripts/tap-counts.py" "$1" "$2"
}

# added_functional [REV]: the functional test files the series adds.
added_functional() {
    git -C "$TREE" diff --name-only --diff-filter=A "base..${1:-HEAD}" -- \
        'tests/functional/*/test_*.py'
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

# check_topic_refs: each topic but the last ends at the branch topic/<name>
# in build/qemu, and the branches are in order between base and HEAD;
# dies, saying which, otherwise.
check_topic_refs() {
    local prev=base t end
    for t in "${TOPICS[@]:0:${#TOPICS[@]}-1}"; do
        end=topic/$t
        git -C "$TREE" rev-parse -q --verify "$end" >/dev/null ||
            die "${1:-topics}" "build/qemu has no branch $end marking the end of topic '$t' (git branch $end <its last commit>)"
        git -C "$TREE" merge-base --is-ancestor "$prev" "$end" &&
            git -C "$TREE" merge-base --is-ancestor "$end" HEAD ||
            die "${1:-topics}" "$end is not between $prev and HEAD: move it to the last commit of topic '$t' (rebase with rebase.updateRefs keeps it there)"
        prev=$end
    done
}
