#!/usr/bin/env bash
# Run every clio_fdw test on this machine, from scratch:
#   - install the Debian packages that are missing (apt-get; needs root),
#   - build and install the extension,
#   - start a throwaway PostgreSQL cluster and the Clio sandbox on free ports,
#   - check the call graph of the C files (tools/callgraph.py: no cycle),
#   - run the sandbox's own tests, the pg_regress suites and the other tests,
#   - stop everything, remove the temporary files,
#   - exit non-zero if anything failed.
#
# Usage: scripts/test.sh [--pg MAJOR|all] [--each] [pg_regress test names...]
#   (none)    PostgreSQL 15 and 18, one after the other (what CI runs)
#   --pg 15   Debian 12's PostgreSQL 15 only
#   --pg 17, --pg 18, --pg 19
#             that major only, built once from Debian's source package by
#             scripts/pg-build.sh and cached in /var/cache/clio_fdw (about
#             ten minutes on two cores the first time)
#   --pg all  15, 17, 18 and 19
#   --each    run every suite alone, each in a database of its own (what
#             "scripts/test.sh clio_write" does for one), instead of all of
#             them in one database one after the other
# CLIO_KEEP_TMP=1 keeps the temporary directory (logs, regression diffs).
set -u
. "$(dirname "$0")/lib.sh"

majors="15 18"
if [ "${1:-}" = "--pg" ]; then
    [ -n "${2:-}" ] || clio_die "--pg needs a major version (15, 17, 18, 19 or all)"
    majors=$2
    [ "$majors" = all ] && majors="15 17 18 19"
    shift 2
fi
each=
if [ "${1:-}" = "--each" ]; then
    each=1
    shift
fi

# Several majors: one run of this script for each, then a summary.
if [ "$majors" != "${majors%% *}" ]; then
    passed=0 failed_runs=()
    for m in $majors; do
        clio_log "PostgreSQL $m"
        if "$0" --pg "$m" ${each:+--each} "$@"; then
            passed=$((passed + 1))
        else
            failed_runs+=("$m")
        fi
    done
    [ ${#failed_runs[@]} -gt 0 ] && clio_log "FAILED on PostgreSQL ${failed_runs[*]}"
    echo "majors: $passed passed, ${#failed_runs[@]} failed"
    [ ${#failed_runs[@]} -eq 0 ]
    exit
fi
pg_major=$majors

clio_install_packages "$pg_major"
clio_pg_bindir "$pg_major"
clio_lock_install
clio_build
clio_setup_tmp

failed=()

clio_log "call graph of the C files (tools/callgraph.py)"
printf '%s\n' "$CLIO_CALLGRAPH" >&2
if [ "$CLIO_CALLGRAPH_RC" -ne 0 ]; then
    failed+=("call graph")
fi

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
clio_start_hostile
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
# one pg_regress run: clio_regress OUTPUTDIR SUITE...
clio_regress() {
    local out=$1
    shift
    mkdir -p "$out"
    if ! "$("$PG_CONFIG" --pkglibdir)/pgxs/src/test/regress/pg_regress" \
            --inputdir="$CLIO_TOP" --outputdir="$out" \
            --bindir="$PG_BINDIR" --dbname=contrib_regression "$@"; then
        failed+=("pg_regress $*")
        if [ -f "$out/regression.diffs" ]; then
            head -n 200 "$out/regression.diffs" >&2
        fi
    fi
}
if [ -n "$each" ]; then
    for t in "${tests[@]}"; do
        clio_regress "$CLIO_TMP/regress/$t" "$t"
    done
else
    clio_regress "$CLIO_TMP/regress" "${tests[@]}"
fi

clio_log "the key in outputs and logs"
if grep -rlF -- "$CLIO_SANDBOX_KEY" "$CLIO_TMP/regress" "$CLIO_PGLOG" >&2; then
    failed+=("the API key appeared in an output or a log line")
fi

clio_log "fuzzers (test/fuzz, 15 s each)"
if ! "$CLIO_TOP/test/fuzz/run.sh" 15 >"$CLIO_TMP/fuzz.log" 2>&1; then
    tail -n 40 "$CLIO_TMP/fuzz.log" >&2
    failed+=("fuzzers")
fi

if [ ${#failed[@]} -gt 0 ]; then
    clio_log "FAILED on PostgreSQL $PG_MAJOR: ${failed[*]}"
    exit 1
fi
clio_log "all tests passed on PostgreSQL $PG_MAJOR"
