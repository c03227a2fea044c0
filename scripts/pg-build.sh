#!/usr/bin/env bash
# Build one PostgreSQL major from Debian's source package into a cache
# outside the checkout, so that scripts/test.sh --pg N can run the suite
# against it.  A second run finds the cache and does nothing.
#
# Usage: scripts/pg-build.sh MAJOR          (17, 18 or 19)
# Prints the path of that major's pg_config on standard output.
#
# Debian 12 ships only PostgreSQL 15 as binaries; the other majors come as
# source packages from later Debian suites: 17 from trixie, 18 from sid, 19
# (its release candidate) from experimental.  Each suite's source list
# lives in a private apt directory, so that the machine's own apt
# configuration is never changed.  Needs root for apt-get.
#
# pg_cron is not built here: Debian's mirrors reachable from this project's
# machines carry only PostgreSQL's own source packages, not pg-cron's, so
# pg_cron exists for PostgreSQL 15 only (the postgresql-15-cron package).
#
# CLIO_PG_CACHE overrides the cache folder (default /var/cache/clio_fdw).
set -eu -o pipefail

major=${1:-}
case "$major" in
    17) suite=trixie ;;
    18) suite=sid ;;
    19) suite=experimental ;;
    *) echo "usage: $0 17|18|19" >&2; exit 2 ;;
esac

cache=${CLIO_PG_CACHE:-/var/cache/clio_fdw}
prefix="$cache/pg$major"

log() { printf '%s\n' "== $*" >&2; }

# Sets apt_opts: a private apt tree that knows only one suite's sources.
apt_opts_for() {
    local s=$1 dir="$cache/apt-$1"
    mkdir -p "$dir/lists/partial" "$dir/archives/partial"
    printf 'deb-src [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://deb.debian.org/debian %s main\n' \
        "$s" >"$dir/sources.list"
    apt_opts=(-o "Dir::Etc::SourceList=$dir/sources.list"
              -o "Dir::Etc::SourceParts=-"
              -o "Dir::State::Lists=$dir/lists"
              -o "Dir::Cache::Archives=$dir/archives"
              -o "APT::Sandbox::User=root")
    if [ ! -f "$dir/.updated" ] || [ -n "$(find "$dir/.updated" -mmin +1440)" ]; then
        apt-get "${apt_opts[@]}" update -qq >/dev/null
        touch "$dir/.updated"
    fi
}

# fetch_source PACKAGE DEST SUITE: the upstream tarball, unpacked in DEST/build
fetch_source() {
    local package=$1 dest=$2 s=$3 orig
    apt_opts_for "$s"
    rm -rf "$dest" && mkdir -p "$dest"
    (cd "$dest" && apt-get "${apt_opts[@]}" source --download-only -qq "$package" \
        >/dev/null 2>&1) || return 1
    orig=$(ls "$dest"/*.orig.tar.* 2>/dev/null | head -n 1)
    [ -n "$orig" ] || return 1
    mkdir -p "$dest/build"
    tar -xf "$orig" -C "$dest/build" --strip-components=1
}

if [ -x "$prefix/bin/pg_config" ] && [ -f "$prefix/.complete" ]; then
    echo "$prefix/bin/pg_config"
    exit 0
fi

# What building PostgreSQL (and PL/Python, used by the test helpers) needs.
deps="build-essential bison flex dpkg-dev libreadline-dev zlib1g-dev libssl-dev \
python3-dev pkg-config llvm-14-dev clang-14"
missing=()
for p in $deps; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" \
        || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
    log "installing ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >/dev/null
    apt-get install -y -qq "${missing[@]}" >/dev/null
fi

log "fetching the postgresql-$major source package ($suite)"
src="$cache/src$major"
fetch_source "postgresql-$major" "$src" "$suite" \
    || { echo "could not fetch postgresql-$major from $suite" >&2; exit 1; }

log "building PostgreSQL $major into $prefix (several minutes the first time)"
cd "$src/build"
./configure --prefix="$prefix" --with-openssl --with-python --without-icu \
    --with-llvm LLVM_CONFIG=/usr/bin/llvm-config-14 CLANG=/usr/bin/clang-14 --enable-debug >"$src/configure.log" 2>&1 \
    || { tail -n 30 "$src/configure.log" >&2; exit 1; }
make -s -j"$(nproc)" world-bin >"$src/make.log" 2>&1 \
    || { tail -n 30 "$src/make.log" >&2; exit 1; }
make -s install-world-bin >"$src/install.log" 2>&1 \
    || { tail -n 30 "$src/install.log" >&2; exit 1; }
touch "$prefix/.complete"
cd "$cache"
rm -rf "$src/build"
echo "$prefix/bin/pg_config"
