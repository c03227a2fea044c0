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
# (its release candidate) from experimental.  The suite's source list lives
# in a private apt directory, so that the machine's own apt configuration
# is never changed.  Needs root for apt-get (build dependencies).
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
if [ -x "$prefix/bin/pg_config" ] && [ -f "$prefix/.complete" ]; then
    echo "$prefix/bin/pg_config"
    exit 0
fi

log() { printf '%s\n' "== $*" >&2; }

# What building PostgreSQL (and PL/Python, used by the test helpers) needs.
deps="build-essential bison flex dpkg-dev libreadline-dev zlib1g-dev libssl-dev \
libicu-dev python3-dev pkg-config"
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

# A private apt tree that knows only the one suite's sources.
apt_dir="$cache/apt-$suite"
mkdir -p "$apt_dir/lists/partial" "$apt_dir/archives/partial"
cat >"$apt_dir/sources.list" <<EOF
deb-src [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://deb.debian.org/debian $suite main
EOF
apt_opts=(-o "Dir::Etc::SourceList=$apt_dir/sources.list"
          -o "Dir::Etc::SourceParts=-"
          -o "Dir::State::Lists=$apt_dir/lists"
          -o "Dir::Cache::Archives=$apt_dir/archives"
          -o "APT::Sandbox::User=root")
log "fetching the postgresql-$major source package ($suite)"
apt-get "${apt_opts[@]}" update -qq >/dev/null

src="$cache/src$major"
rm -rf "$src" && mkdir -p "$src"
(cd "$src" && apt-get "${apt_opts[@]}" source --download-only -qq "postgresql-$major" >/dev/null)
orig=$(ls "$src"/postgresql-"$major"_*.orig.tar.* | head -n 1)
[ -n "$orig" ] || { echo "no upstream tarball in $src" >&2; exit 1; }
mkdir -p "$src/build"
tar -xf "$orig" -C "$src/build" --strip-components=1

log "building PostgreSQL $major into $prefix (several minutes the first time)"
cd "$src/build"
./configure --prefix="$prefix" --with-openssl --with-python --without-icu \
    --without-llvm --enable-debug >"$src/configure.log" 2>&1 \
    || { tail -n 30 "$src/configure.log" >&2; exit 1; }
make -s -j"$(nproc)" world-bin >"$src/make.log" 2>&1 \
    || { tail -n 30 "$src/make.log" >&2; exit 1; }
make -s install-world-bin >"$src/install.log" 2>&1 \
    || { tail -n 30 "$src/install.log" >&2; exit 1; }
touch "$prefix/.complete"
rm -rf "$src/build"
echo "$prefix/bin/pg_config"
