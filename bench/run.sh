#!/usr/bin/env bash
# The clio_fdw benchmark (not part of CI): report queries of a law firm run
# through clio_fdw and, side by side, through a PL/Python function that pages
# through the API with urllib, against the Clio sandbox with its data scaled
# up and a per-request latency.  Writes bench/RESULTS.md (see bench/README.md).
#
#   bench/run.sh                 full run: --scale 125 (~500,000 activities),
#                                50 ms per request, 3 repetitions of the
#                                short queries; about 12-15 minutes
#   bench/run.sh --quick         smoke test: --scale 5, 1 repetition,
#                                results in bench/out/RESULTS-quick.md
#   bench/run.sh --mirror        the mirror section (bench/mirror.py) only:
#                                --scale 25 (~100,000 activities), Clio's
#                                rate limit of 50 a minute, 50 ms; writes the
#                                section "Mirrors" of the report; ~30 minutes
#   bench/run.sh --hostile       the hostile-server profile (bench/hostile.py)
#                                only: 200 pages at 50 ms from test/hostile's
#                                server with Nagle on and two writes per
#                                response, and in one write; writes the
#                                section "Hostile server"; about a minute
#
# Options (or environment variables):
#   --scale X        BENCH_SCALE        sandbox --scale (default 125; quick 5)
#   --latency-ms N   BENCH_LATENCY_MS   sandbox --latency-ms (default 50)
#   --reps N         BENCH_REPS         repetitions of queries that take
#                                       under 20 s (default 3; quick 1)
#   --probe-timeout S BENCH_PROBE_TIMEOUT  limit of the unthrottled probe run
#                                       of each query (default 60 s)
#   --max-query-s S  BENCH_MAX_QUERY_S  a clio_fdw query whose probe sent more
#                                       requests than fit in S seconds at the
#                                       latency is not timed (default 300;
#                                       quick 30)
#   --out FILE       BENCH_OUT          the report (default bench/RESULTS.md;
#                                       quick: bench/out/RESULTS-quick.md)
#   --only Q01,Q02   BENCH_ONLY         run only these queries
#   BENCH_COMMIT     (--hostile) the commit to name in the report when the
#                    tree is not HEAD's (e.g. an older src/ checked out)
#
# Needs root for apt-get when packages are missing.  CLIO_KEEP_TMP=1 keeps the
# temporary directory (PostgreSQL and sandbox logs).
set -u
. "$(dirname "$0")/../scripts/lib.sh"

quick=
mirror=
hostile=
scale=${BENCH_SCALE:-}
latency=${BENCH_LATENCY_MS:-50}
reps=${BENCH_REPS:-}
probe_timeout=${BENCH_PROBE_TIMEOUT:-60}
max_query_s=${BENCH_MAX_QUERY_S:-}
out=${BENCH_OUT:-}
only=${BENCH_ONLY:-}
while [ $# -gt 0 ]; do
    case "$1" in
        --quick) quick=1 ;;
        --mirror) mirror=1 ;;
        --hostile) hostile=1 ;;
        --scale) scale=$2; shift ;;
        --latency-ms) latency=$2; shift ;;
        --reps) reps=$2; shift ;;
        --probe-timeout) probe_timeout=$2; shift ;;
        --max-query-s) max_query_s=$2; shift ;;
        --out) out=$2; shift ;;
        --only) only=$2; shift ;;
        -h|--help) sed -n '2,40p' "$0"; exit 0 ;;
        *) clio_die "unknown argument: $1 (see bench/run.sh --help)" ;;
    esac
    shift
done
if [ -n "$mirror" ]; then
    scale=${scale:-25}
    out=${out:-$CLIO_TOP/bench/RESULTS.md}
elif [ -n "$hostile" ]; then
    reps=${reps:-3}
    out=${out:-$CLIO_TOP/bench/RESULTS.md}
elif [ -n "$quick" ]; then
    scale=${scale:-5}
    reps=${reps:-1}
    max_query_s=${max_query_s:-30}
    out=${out:-$CLIO_TOP/bench/out/RESULTS-quick.md}
else
    scale=${scale:-125}
    reps=${reps:-3}
    max_query_s=${max_query_s:-300}
    out=${out:-$CLIO_TOP/bench/RESULTS.md}
fi
mkdir -p "$CLIO_TOP/bench/out"

# The driver is Python 3 with Debian's psycopg2 (/usr/bin/python3, not
# whatever python3 comes first on PATH); PL/Python runs the comparison.
CLIO_PACKAGES="$CLIO_PACKAGES python3-psycopg2"
clio_install_packages
/usr/bin/python3 -c 'import psycopg2' 2>/dev/null \
    || clio_die "/usr/bin/python3 cannot import psycopg2 (apt-get install python3-psycopg2)"
clio_pg_bindir
# the same lock as scripts/test.sh: no other checkout installs over this build
clio_lock_install
clio_build
clio_setup_tmp

started=$(date +%s)
if [ -n "$mirror" ]; then
    clio_log "starting the sandbox (--scale $scale --latency-ms $latency --rate-limit 50)"
    clio_start_sandbox --scale "$scale" --latency-ms "$latency" --rate-limit 50
    clio_start_postgres
    /usr/bin/python3 "$CLIO_TOP/bench/mirror.py" \
        --sandbox "$CLIO_SANDBOX_URL" --key "$CLIO_SANDBOX_KEY" \
        --scale "$scale" --latency-ms "$latency" --rate-limit 50 \
        --out "$out" --json "$CLIO_TOP/bench/out/mirror.json" \
        || clio_die "the mirror benchmark failed"
    clio_log "results: $out"
    exit 0
fi
if [ -n "$hostile" ]; then
    clio_log "starting the hostile server (test/hostile)"
    clio_start_hostile
    clio_start_postgres
    /usr/bin/python3 "$CLIO_TOP/bench/hostile.py" --hostile "$CLIO_HOSTILE_URL" \
        --reps "$reps" --out "$out" --json "$CLIO_TOP/bench/out/hostile.json" \
        ${BENCH_COMMIT:+--commit "$BENCH_COMMIT"} \
        || clio_die "the hostile-server benchmark failed"
    clio_log "results: $out"
    exit 0
fi
clio_log "starting the sandbox (--scale $scale --latency-ms $latency)"
clio_start_sandbox --scale "$scale" --latency-ms "$latency"
clio_log "sandbox up after $(( $(date +%s) - started )) s"
clio_start_postgres

clio_log "running the suite"
/usr/bin/python3 "$CLIO_TOP/bench/bench.py" \
    --sandbox "$CLIO_SANDBOX_URL" --key "$CLIO_SANDBOX_KEY" \
    --scale "$scale" --latency-ms "$latency" --reps "$reps" \
    --probe-timeout "$probe_timeout" --max-query-s "$max_query_s" --out "$out" \
    --json "$CLIO_TOP/bench/out/results$([ -n "$quick" ] && echo -quick).json" \
    ${only:+--only "$only"} ${quick:+--quick} \
    --started "$started" || clio_die "the benchmark failed"
clio_log "results: $out"
