#!/usr/bin/env bash
# Run every clio_fdw test on this machine, from scratch:
#   - install the Debian packages that are missing (apt-get; needs root),
#   - build and install the extension,
#   - start a throwaway PostgreSQL cluster and the Clio sandbox on free ports,
#   - run the sandbox's own tests, the pg_regress suites and the other tests,
#   - stop everything, remove the temporary files,
#   - exit non-zero if anything failed.
#
# Usage: scripts/test.sh [--pg MAJOR] [pg_regress test names...]
#   --pg 15   Debian 12's PostgreSQL 15 (the default)
#   --pg 17, --pg 18, --pg 19
#             that major, built once from Debian's source package by
#             scripts/pg-build.sh and cached in /var/cache/clio_fdw
# CLIO_KEEP_TMP=1 keeps the temporary directory (logs, regression diffs).
set -u
. "$(dirname "$0")/lib.sh"

pg_major=
if [ "${1:-}" = "--pg" ]; then
    [ -n "${2:-}" ] || clio_die "--pg needs a major version (15, 17, 18 or 19)"
    pg_major=$2
    shift 2
fi

clio_install_packages
clio_pg_bindir "$pg_major"
clio_lock_install
clio_build
clio_setup_tmp

failed=()

clio_log "sandbox unit tests"
if ! (cd "$CLIO_TOP" && python3 -m unittest discover -s sandbox -p 'test_*.py' \
        >"$CLIO_TMP/sandbox-tests.log" 2>&1); then
    tail -n 40 "$CLIO_TMP/sandbox-tests.log" >&2
    failed+=("sandbox unit tests")
fi
tail -n 1 "$CLIO_TMP/sandbox-tests.log" >&2

# A key of this run's own, so that the suite can look for it everywhere it
# must not be.
CLIO_SANDBOX_KEY="sbx-$(od -An -N8 -tx1 /dev/urandom | tr -d ' \n')"
export CLIO_SANDBOX_KEY
clio_start_sandbox
# pg_cron, when it is installed for this PostgreSQL: the clio_mirror_cron
# suite schedules a refresh with it (its expected output has a variant for
# a PostgreSQL without it).  The cluster listens on a socket only, so jobs
# run in background workers rather than over a connection.
extra_conf="log_min_messages = debug1"
if [ -f "$("$PG_CONFIG" --pkglibdir)/pg_cron.so" ]; then
    extra_conf="$extra_conf
shared_preload_libraries = 'pg_cron'
cron.database_name = 'contrib_regression'
cron.use_background_workers = on
max_worker_processes = 16"
fi
CLIO_PG_EXTRA_CONF="$extra_conf" clio_start_postgres

clio_log "pg_regress"
# pg_regress writes its results next to the sources; keep them in $CLIO_TMP.
rm -rf "$CLIO_TMP/regress" && mkdir -p "$CLIO_TMP/regress"
tests=("$@")
if [ ${#tests[@]} -eq 0 ]; then
    read -r -a tests <<<"$(make -s -C "$CLIO_TOP" --no-print-directory print-regress 2>/dev/null)"
fi
if ! "$("$PG_CONFIG" --pkglibdir)/pgxs/src/test/regress/pg_regress" \
        --inputdir="$CLIO_TOP" --outputdir="$CLIO_TMP/regress" \
        --bindir="$PG_BINDIR" --dbname=contrib_regression "${tests[@]}"; then
    failed+=("pg_regress")
    if [ -f "$CLIO_TMP/regress/regression.diffs" ]; then
        head -n 200 "$CLIO_TMP/regress/regression.diffs" >&2
    fi
fi

clio_log "the key in outputs and logs"
if grep -rlF -- "$CLIO_SANDBOX_KEY" "$CLIO_TMP/regress/results" "$CLIO_PGLOG" >&2; then
    failed+=("the API key appeared in an output or a log line")
fi

clio_log "fuzzers (test/fuzz, 15 s each)"
if ! "$CLIO_TOP/test/fuzz/run.sh" 15 >"$CLIO_TMP/fuzz.log" 2>&1; then
    tail -n 40 "$CLIO_TMP/fuzz.log" >&2
    failed+=("fuzzers")
fi

if [ ${#failed[@]} -gt 0 ]; then
    clio_log "FAILED: ${failed[*]}"
    exit 1
fi
clio_log "all tests passed"
