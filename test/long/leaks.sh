#!/usr/bin/env bash
# Leaks: (a) memory of one backend over 1,000 iterations of scans, id
# look-ups, parameterized joins, writes with RETURNING and caught errors,
# sampled every 100 iterations (VmRSS and pg_backend_memory_contexts);
# (b) the pg_regress suites with the server under valgrind memcheck, every
# leak or memory error with a clio_fdw frame reported.  Not part of CI.
#
# Usage: test/long/leaks.sh [memory|valgrind|all]     (default: all)
# Env:   LEAKS_ITERATIONS (default 1000), LEAKS_SUITES (pg_regress tests for
#        the valgrind part, default every suite), CLIO_KEEP_TMP=1 keeps the
#        logs (valgrind logs in $CLIO_TMP/valgrind).
set -u
. "$(dirname "$0")/common.sh"

part=${1:-all}
if [ "$part" = all ]; then
    rc=0
    "$0" memory || rc=1
    "$0" valgrind || rc=1
    exit $rc
fi

# ---------------------------------------------------------------------
# (a) memory over 1,000 iterations in one session
# ---------------------------------------------------------------------
run_memory() {
    local iters=${LEAKS_ITERATIONS:-1000}
    long_prepare
    clio_start_sandbox
    clio_start_postgres
    long_create_server || clio_die "setup failed"
    long_psql <<'SQL' || clio_die "setup failed"
CREATE FUNCTION sqlstate_of(stmt text) RETURNS text LANGUAGE plpgsql AS $$
BEGIN
  EXECUTE stmt;
  RETURN 'ok';
EXCEPTION WHEN OTHERS THEN
  RETURN SQLSTATE;
END $$;
-- a 400 from Clio (unknown field), and a value that does not convert
CREATE FOREIGN TABLE bad_field (id bigint, x text OPTIONS (field 'client.shoe_size'))
    SERVER clio OPTIONS (resource 'matters');
CREATE FOREIGN TABLE bad_type (id bigint, display_number integer)
    SERVER clio OPTIONS (resource 'matters');
-- outer rows of the parameterized join: three matters per k
CREATE TABLE pick (k int, id bigint);
INSERT INTO pick SELECT (n / 3) % 10, id
  FROM (SELECT row_number() OVER (ORDER BY id) - 1 AS n, id FROM clio.matters ORDER BY id LIMIT 30) s;
ANALYZE pick;
CREATE TABLE matter_ids AS SELECT row_number() OVER (ORDER BY id) AS n, id FROM clio.matters;
CREATE TABLE outcomes (it int, what text, state text);
-- VmRSS counts the shared buffers the backend has touched (it grows with
-- the tables written here); RssAnon is the backend's private memory.
CREATE TABLE samples (it int, rss_kb bigint, anon_kb bigint, ctx_total bigint, ctx_used bigint, at timestamptz);
CREATE FUNCTION sample(it int) RETURNS void LANGUAGE sql AS $$
  INSERT INTO samples
  SELECT it, (regexp_match(pg_read_file('/proc/self/status'), 'VmRSS:\s+(\d+)'))[1]::bigint,
         (regexp_match(pg_read_file('/proc/self/status'), 'RssAnon:\s+(\d+)'))[1]::bigint,
         (SELECT sum(total_bytes) FROM pg_backend_memory_contexts),
         (SELECT sum(used_bytes) FROM pg_backend_memory_contexts),
         clock_timestamp()
$$;
SQL
    # a malformed answer on every practice_areas request
    long_sbx POST /_sandbox/faults \
        '{"rules":[{"path":"^/api/v4/practice_areas","action":"malformed","count":0}]}' >/dev/null
    clio_log "the join's plan"
    long_psql -c "EXPLAIN (COSTS OFF) SELECT count(*) FROM pick p JOIN clio.activities a ON a.matter_id = p.id WHERE p.k = 1" >&2

    # The session's script: $iters iterations, a sample every 100.
    python3 - "$iters" >"$CLIO_TMP/leaks.sql" <<'PY'
import sys
n = int(sys.argv[1])
out = ["\\set ON_ERROR_STOP 1", "SELECT sample(0);"]
for it in range(1, n + 1):
    out.append(f"""SELECT count(*), sum(length(display_number)) FROM clio.matters \\g /dev/null
SELECT id, display_number, client, status FROM clio.matters WHERE id = (SELECT id FROM matter_ids WHERE n = {it % 500 + 1}) \\g /dev/null
SELECT count(*), sum(a.total) FROM pick p JOIN clio.activities a ON a.matter_id = p.id WHERE p.k = {it % 10} \\g /dev/null
INSERT INTO clio.contacts (type, name) VALUES ('Company', 'Leak {it}') RETURNING id AS cid \\gset
UPDATE clio.contacts SET name = 'Leak {it} b' WHERE id = :cid RETURNING id, name, etag \\g /dev/null
DELETE FROM clio.contacts WHERE id = :cid \\g /dev/null
INSERT INTO outcomes VALUES ({it}, 'bad_field', sqlstate_of('SELECT x FROM bad_field')),
                            ({it}, 'malformed', sqlstate_of('SELECT count(*) FROM clio.practice_areas')),
                            ({it}, 'bad_type', sqlstate_of('SELECT display_number FROM bad_type'));""")
    if it % 100 == 0:
        out.append(f"SELECT sample({it});")
print("\n".join(out))
PY
    clio_log "memory: $iters iterations in one session"
    local t0 t1
    t0=$(long_now)
    long_psql -f "$CLIO_TMP/leaks.sql" >/dev/null || clio_die "the session failed"
    t1=$(long_now)
    long_psql -F ' ' -c "SELECT it, rss_kb, anon_kb, ctx_total, ctx_used FROM samples ORDER BY it" >"$CLIO_TMP/samples.txt"
    long_psql -F ' ' -c "SELECT what, state, count(*) FROM outcomes GROUP BY 1, 2 ORDER BY 1, 2" >"$CLIO_TMP/outcomes.txt"
    local requests
    requests=$(long_sbx GET /_sandbox/log | python3 -c 'import json,sys; print(json.load(sys.stdin)["last_seq"])')
    local crash=0
    if long_crash_lines >&2; then crash=1; fi
    python3 - "$CLIO_TMP/samples.txt" "$CLIO_TMP/outcomes.txt" "$(long_elapsed "$t0" "$t1")" "$requests" "$crash" <<'PY'
import sys
samples = [tuple(int(x) for x in l.split()) for l in open(sys.argv[1]) if l.strip()]
outcomes = [l.split() for l in open(sys.argv[2]) if l.strip()]
wall, requests, crash = float(sys.argv[3]), sys.argv[4], sys.argv[5] == "1"
print("\nmemory: %d iterations in one session, %.0f s, %s requests to the sandbox\n"
      % (samples[-1][0], wall, requests))
print("| iteration | VmRSS kB | RssAnon kB | contexts total kB | contexts used kB |")
print("|---|---|---|---|---|")
for it, rss, anon, tot, used in samples:
    print("| %d | %d | %d | %d | %d |" % (it, rss, anon, tot // 1024, used // 1024))
print("\noutcomes of the caught errors: " + ", ".join("%s %s x%s" % tuple(o) for o in outcomes))

def verdict(name, series, threshold):
    """After warm-up (the sample at iteration 200, or the second one),
    growth beyond threshold that is also steady (most steps up) fails."""
    base = 2 if len(series) > 4 else 1
    s = series[base:]
    growth = s[-1][1] - s[0][1]
    steps = [b[1] - a[1] for a, b in zip(s, s[1:])]
    ups = sum(1 for d in steps if d > 0)
    n = len(s)
    mx = sum(x for x, _ in s) / n
    my = sum(y for _, y in s) / n
    den = sum((x - mx) ** 2 for x, _ in s) or 1
    slope = sum((x - mx) * (y - my) for x, y in s) / den
    steady = steps and ups >= 0.75 * len(steps)
    if threshold is None:
        print("%s: %+d bytes from iteration %d to %d (%d of %d steps up, slope %.1f bytes/iteration): not judged"
              % (name, growth, s[0][0], s[-1][0], ups, len(steps), slope))
        return False
    bad = growth > threshold and steady
    print("%s: %+d bytes from iteration %d to %d (%d of %d steps up, slope %.1f bytes/iteration, threshold %d): %s"
          % (name, growth, s[0][0], s[-1][0], ups, len(steps), slope, threshold, "GROWS" if bad else "flat"))
    return bad

verdict("VmRSS (incl. shared buffers touched; not judged)", [(it, rss * 1024) for it, rss, _, _, _ in samples], None)
bad = verdict("RssAnon (private memory)", [(it, anon * 1024) for it, _, anon, _, _ in samples], 1024 * 1024)
bad |= verdict("memory contexts (total)", [(it, tot) for it, _, _, tot, _ in samples], 256 * 1024)
bad |= verdict("memory contexts (used)", [(it, used) for it, _, _, _, used in samples], 256 * 1024)
expected = {"bad_field": "22023", "malformed": "HV004", "bad_type": "22P02"}
for what, state, count in outcomes:
    if expected.get(what) != state:
        print("unexpected outcome: %s %s x%s" % (what, state, count))
        bad = True
if crash:
    print("the server log shows a crash")
    bad = True
sys.exit(1 if bad else 0)
PY
}

# ---------------------------------------------------------------------
# (b) the pg_regress suites under valgrind memcheck
# ---------------------------------------------------------------------
run_valgrind() {
    CLIO_PACKAGES="$CLIO_PACKAGES valgrind"
    long_prepare
    local real_bindir=$PG_BINDIR vgdir="$CLIO_TMP/valgrind" vgbin="$CLIO_TMP/vgbin"
    mkdir -p "$vgdir" "$vgbin"
    chmod 777 "$vgdir"
    cp "$LONG_DIR/valgrind.supp" "$CLIO_TMP/valgrind.supp"
    # pg_ctl (a copy, so that it looks for "postgres" beside itself) starts
    # this wrapper, which runs the real server under valgrind.
    ln -s "$real_bindir/initdb" "$real_bindir/psql" "$vgbin/"
    cp "$real_bindir/pg_ctl" "$vgbin/pg_ctl"
    cat >"$vgbin/postgres" <<WRAP
#!/bin/sh
case "\${1:-}" in -V|--version) exec "$real_bindir/postgres" "\$@";; esac
export PYTHONMALLOC=malloc
exec valgrind --quiet --trace-children=yes --leak-check=full \\
    --show-leak-kinds=definite,indirect,possible --errors-for-leak-kinds=definite \\
    --num-callers=40 --suppressions="$CLIO_TMP/valgrind.supp" --read-inline-info=yes \\
    --log-file="$vgdir/vg.%p.log" "$real_bindir/postgres" "\$@"
WRAP
    chmod 755 "$vgbin" "$vgbin/postgres" "$vgbin/pg_ctl"
    CLIO_SANDBOX_KEY="sbx-$(od -An -N8 -tx1 /dev/urandom | tr -d ' \n')"
    export CLIO_SANDBOX_KEY
    clio_start_sandbox
    PG_BINDIR=$vgbin
    export PGCTLTIMEOUT=900
    clio_log "PostgreSQL under valgrind (slow to start)"
    CLIO_PG_EXTRA_CONF="autovacuum = off
jit = off
max_worker_processes = 2
max_parallel_workers_per_gather = 0
max_wal_senders = 0
log_min_messages = warning" clio_start_postgres
    PG_BINDIR=$real_bindir

    local tests=()
    if [ -n "${LEAKS_SUITES:-}" ]; then
        read -r -a tests <<<"$LEAKS_SUITES"
    else
        read -r -a tests <<<"$(make -s -C "$CLIO_TOP" --no-print-directory print-regress 2>/dev/null)"
    fi
    clio_log "pg_regress under valgrind: ${tests[*]}"
    mkdir -p "$CLIO_TMP/regress"
    local t0 t1
    t0=$(long_now)
    timeout 5400 "$("$PG_CONFIG" --pkglibdir)/pgxs/src/test/regress/pg_regress" \
        --inputdir="$CLIO_TOP" --outputdir="$CLIO_TMP/regress" \
        --bindir="$real_bindir" --dbname=contrib_regression "${tests[@]}" \
        >"$CLIO_TMP/regress.log" 2>&1
    t1=$(long_now)
    cat "$CLIO_TMP/regress.log" >&2
    clio_log "pg_regress took $(long_elapsed "$t0" "$t1") s (diffs are expected under valgrind: timing)"
    # A clean stop, so that every process runs valgrind's leak check.
    runuser -u postgres -- "$real_bindir/pg_ctl" -D "$CLIO_PGDATA" -m fast -t 600 stop >/dev/null 2>&1
    sleep 2
    local crash=0
    if long_crash_lines >&2; then crash=1; fi
    python3 "$LONG_DIR/vg_report.py" "$vgdir" || crash=1
    [ $crash -eq 0 ]
}

case "$part" in
    memory) run_memory ;;
    valgrind) run_valgrind ;;
    *) clio_die "usage: $0 [memory|valgrind|all]" ;;
esac
