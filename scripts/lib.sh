# Shared by scripts/test.sh, scripts/demo.sh and bench/run.sh: install what
# is missing, build, and start a throwaway PostgreSQL cluster and the Clio
# sandbox.  Sourced, not run.  Everything started here is stopped, and
# every temporary file removed, by clio_cleanup (installed as an EXIT trap
# by clio_setup_tmp).

CLIO_TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# What every run needs, and what PostgreSQL 15 (Debian 12's own) adds; the
# other majors are built by scripts/pg-build.sh, which installs its own
# build dependencies.
CLIO_PACKAGES="libcurl4-openssl-dev libcjson-dev pkg-config make gcc python3 clang \
libclang-rt-14-dev"
CLIO_PACKAGES_PG15="postgresql-15 postgresql-server-dev-15 postgresql-plpython3-15 \
postgresql-15-cron"

clio_log() { printf '%s\n' "== $*" >&2; }
clio_die() { printf '%s\n' "error: $*" >&2; exit 1; }

# Install the Debian packages that are missing (needs root), for the major
# given (default 15).
clio_install_packages() {
    local missing=() p list=$CLIO_PACKAGES
    [ "${1:-15}" = 15 ] && list="$list $CLIO_PACKAGES_PG15"
    for p in $list; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" \
            || missing+=("$p")
    done
    [ ${#missing[@]} -eq 0 ] && return 0
    [ "$(id -u)" -eq 0 ] || clio_die "missing packages (${missing[*]}); run as root to install them"
    clio_log "installing ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >/dev/null || clio_die "apt-get update failed"
    apt-get install -y -qq "${missing[@]}" >/dev/null || clio_die "apt-get install failed"
}

# Choose the PostgreSQL to build for and test on.  With no argument (or 15)
# it is Debian 12's own PostgreSQL 15, or whatever PG_CONFIG names; with 17,
# 18 or 19 it is that major built from Debian's source package by
# scripts/pg-build.sh (cached outside the checkout).
clio_pg_bindir() {
    local major=${1:-}
    if [ -n "$major" ] && [ "$major" != 15 ]; then
        PG_CONFIG=$("$CLIO_TOP/scripts/pg-build.sh" "$major") \
            || clio_die "could not build PostgreSQL $major"
    else
        PG_CONFIG=${PG_CONFIG:-$(command -v pg_config || echo /usr/lib/postgresql/15/bin/pg_config)}
    fi
    export PG_CONFIG
    PG_BINDIR=$("$PG_CONFIG" --bindir)
    PG_MAJOR=$("$PG_CONFIG" --version | sed -E 's/^PostgreSQL ([0-9]+).*/\1/')
    export PG_BINDIR PG_MAJOR
    export PATH="$PG_BINDIR:$PATH"
}

# Take the install lock of this PostgreSQL for as long as the calling script
# runs, so that two checkouts never install over each other's build while
# one of them is testing it.  The lock is held by a background flock whose
# life ends with this shell.
clio_lock_install() {
    local key
    key=$(printf '%s' "$PG_CONFIG" | cksum | cut -d' ' -f1)
    CLIO_LOCKFILE="/tmp/clio_fdw-install-$key.lock"
    exec 8>"$CLIO_LOCKFILE"
    if ! flock -n 8; then
        clio_log "waiting for another clio_fdw run on $PG_CONFIG to finish"
        flock 8
    fi
}

# Build and install the extension.  The build happens in a fresh copy of the
# tracked sources (under $CLIO_BUILD_DIR), so that objects built for one
# PostgreSQL major are never installed into another.
clio_build() {
    clio_log "building clio_fdw for PostgreSQL $PG_MAJOR"
    CLIO_BUILD_DIR=$(mktemp -d /tmp/clio_fdw-build.XXXXXX)
    (cd "$CLIO_TOP" && git ls-files -co --exclude-standard -z 2>/dev/null \
        || find . -path ./.git -prune -o -type f -print0) \
        | (cd "$CLIO_TOP" && tar --null --ignore-failed-read -T - -cf - 2>/dev/null) \
        | tar -C "$CLIO_BUILD_DIR" -xf - || clio_die "could not copy the sources"
    if ! make -s -C "$CLIO_BUILD_DIR" PG_CONFIG="$PG_CONFIG" >"$CLIO_BUILD_DIR/build.log" 2>&1; then
        cat "$CLIO_BUILD_DIR/build.log" >&2
        clio_die "build failed"
    fi
    # The build must be free of warnings on every supported major.
    if grep -q "warning:" "$CLIO_BUILD_DIR/build.log"; then
        cat "$CLIO_BUILD_DIR/build.log" >&2
        clio_die "the build printed warnings"
    fi
    # The file-level call graph of the built objects (tools/callgraph.py):
    # kept for scripts/test.sh, which fails on a cycle.
    CLIO_CALLGRAPH_RC=0
    CLIO_CALLGRAPH=$(python3 "$CLIO_BUILD_DIR/tools/callgraph.py" "$CLIO_BUILD_DIR" 2>&1) \
        || CLIO_CALLGRAPH_RC=$?
    make -s -C "$CLIO_BUILD_DIR" PG_CONFIG="$PG_CONFIG" install >/dev/null || clio_die "install failed"
    rm -rf "$CLIO_BUILD_DIR"
}

clio_free_port() {
    python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}

clio_cleanup() {
    local rc=$?
    if [ -n "${CLIO_SANDBOX_PID:-}" ]; then
        kill "$CLIO_SANDBOX_PID" 2>/dev/null
        wait "$CLIO_SANDBOX_PID" 2>/dev/null
    fi
    if [ -n "${CLIO_HOSTILE_PID:-}" ]; then
        kill "$CLIO_HOSTILE_PID" 2>/dev/null
        wait "$CLIO_HOSTILE_PID" 2>/dev/null
    fi
    if [ -n "${CLIO_PGDATA:-}" ] && [ -f "$CLIO_PGDATA/postmaster.pid" ]; then
        runuser -u postgres -- "$PG_BINDIR/pg_ctl" -D "$CLIO_PGDATA" -m immediate stop >/dev/null 2>&1
    fi
    if [ -n "${CLIO_TMP:-}" ] && [ -z "${CLIO_KEEP_TMP:-}" ]; then
        rm -rf "$CLIO_TMP"
    fi
    exit $rc
}

clio_setup_tmp() {
    CLIO_TMP=$(mktemp -d /tmp/clio_fdw.XXXXXX)
    chmod 755 "$CLIO_TMP"
    export CLIO_TMP
    trap clio_cleanup EXIT
    trap 'exit 130' INT TERM
}

# Start the sandbox on a free loopback port; sets CLIO_SANDBOX_URL.
# Extra arguments go to the sandbox (e.g. --scale 125 --latency-ms 50).
clio_start_sandbox() {
    local portfile="$CLIO_TMP/sandbox.port"
    python3 "$CLIO_TOP/sandbox/clio_sandbox.py" --host 127.0.0.1 --port 0 \
        --port-file "$portfile" --api-key "${CLIO_SANDBOX_KEY:-sandbox-key}" "$@" \
        >"$CLIO_TMP/sandbox.log" 2>&1 &
    CLIO_SANDBOX_PID=$!
    local i
    for i in $(seq 1 600); do
        [ -s "$portfile" ] && break
        kill -0 "$CLIO_SANDBOX_PID" 2>/dev/null || { cat "$CLIO_TMP/sandbox.log" >&2; clio_die "the sandbox did not start"; }
        sleep 0.1
    done
    [ -s "$portfile" ] || clio_die "the sandbox did not start in time"
    CLIO_SANDBOX_PORT=$(python3 -c 'import json,sys; t=open(sys.argv[1]).read().strip(); print(json.loads(t)["port"] if t.startswith("{") else t)' "$portfile")
    CLIO_SANDBOX_URL="http://127.0.0.1:$CLIO_SANDBOX_PORT"
    export CLIO_SANDBOX_URL CLIO_SANDBOX_PORT
    export CLIO_SANDBOX_KEY=${CLIO_SANDBOX_KEY:-sandbox-key}
}

# Start the hostile server (test/hostile) on a free loopback port; sets
# CLIO_HOSTILE_URL.
clio_start_hostile() {
    local portfile="$CLIO_TMP/hostile.port" i
    python3 "$CLIO_TOP/test/hostile/hostile_server.py" --host 127.0.0.1 --port 0 \
        --port-file "$portfile" >"$CLIO_TMP/hostile.log" 2>&1 &
    CLIO_HOSTILE_PID=$!
    for i in $(seq 1 100); do
        [ -s "$portfile" ] && break
        kill -0 "$CLIO_HOSTILE_PID" 2>/dev/null || { cat "$CLIO_TMP/hostile.log" >&2; clio_die "the hostile server did not start"; }
        sleep 0.1
    done
    [ -s "$portfile" ] || clio_die "the hostile server did not start in time"
    CLIO_HOSTILE_URL="http://127.0.0.1:$(cat "$portfile")"
    export CLIO_HOSTILE_URL
}

# Start a throwaway cluster as the postgres user, socket in $CLIO_TMP.
# Sets PGHOST, PGPORT, PGUSER for the clients that follow.
clio_start_postgres() {
    command -v runuser >/dev/null || clio_die "runuser is needed to start PostgreSQL as the postgres user"
    CLIO_PGDATA="$CLIO_TMP/pgdata"
    local port
    port=$(clio_free_port)
    mkdir -p "$CLIO_PGDATA" && chown postgres: "$CLIO_PGDATA" "$CLIO_TMP"
    runuser -u postgres -- "$PG_BINDIR/initdb" -D "$CLIO_PGDATA" -U postgres \
        --auth=trust --encoding=UTF8 --locale=C.UTF-8 >"$CLIO_TMP/initdb.log" 2>&1 \
        || { cat "$CLIO_TMP/initdb.log" >&2; clio_die "initdb failed"; }
    cat >>"$CLIO_PGDATA/postgresql.conf" <<EOF
port = $port
listen_addresses = ''
unix_socket_directories = '$CLIO_TMP'
fsync = off
synchronous_commit = off
full_page_writes = off
logging_collector = off
log_min_messages = warning
lc_messages = 'C'
timezone = 'UTC'
${CLIO_PG_EXTRA_CONF:-}
EOF
    # The server's environment carries the sandbox's (and the hostile
    # server's) address, so that test
    # helpers running inside the backend can reach its admin API.
    runuser -u postgres -- env CLIO_SANDBOX_URL="${CLIO_SANDBOX_URL:-}" \
        CLIO_HOSTILE_URL="${CLIO_HOSTILE_URL:-}" \
        "$PG_BINDIR/pg_ctl" -D "$CLIO_PGDATA" -l "$CLIO_TMP/postgres.log" -w start >/dev/null \
        || { cat "$CLIO_TMP/postgres.log" >&2; clio_die "PostgreSQL did not start"; }
    export PGHOST="$CLIO_TMP" PGPORT="$port" PGUSER=postgres
    export CLIO_PGLOG="$CLIO_TMP/postgres.log"
}
