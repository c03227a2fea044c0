#!/usr/bin/env bash
# Page memory: the peak memory of a backend that reads one large page from
# the hostile server (test/hostile/scn_values.py), for bodies of tiny
# records ({} by the million) and of real-looking records, 8 MB and 95 MB
# (the default max_response_size is 100 MB).  Each case runs in a fresh
# session; the figure is the backend's VmHWM (peak resident set) from
# /proc/self/status after the query, and its outcome (rows or SQLSTATE).
# Not part of CI (the 95 MB bodies take a while to generate and send).
#
# Usage: test/long/page_memory.sh [case...]
#   cases: bomb8 rich8 bomb95 rich95 (default: all four)
set -u
. "$(dirname "$0")/common.sh"

cases=("$@")
[ ${#cases[@]} -gt 0 ] || cases=(bomb8 rich8 bomb95 rich95)

# the install lock, held to the end: the extension installed is this tree's
clio_install_packages
clio_pg_bindir
clio_lock_install
clio_build
clio_setup_tmp
clio_start_hostile
clio_start_postgres
long_psql <<'SQL' || clio_die "setup failed"
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS clio_fdw;
SQL
for c in "${cases[@]}"; do
    long_psql <<SQL || clio_die "setup of $c failed"
SET client_min_messages = warning;
CREATE SERVER h_$c FOREIGN DATA WRAPPER clio_fdw
    OPTIONS (base_url '$CLIO_HOSTILE_URL/v_$c', request_timeout '300s');
CREATE USER MAPPING FOR CURRENT_USER SERVER h_$c OPTIONS (api_key 'hostile-key');
CREATE FOREIGN TABLE t_$c (id bigint, note text, price numeric, matter jsonb)
    SERVER h_$c OPTIONS (resource 'activities');
SQL
done

printf '%-8s %12s %14s %12s %s\n' case body_bytes vmhwm_kb seconds outcome
for c in "${cases[@]}"; do
    size=$(curl -sS -o /dev/null -w '%{size_download}' "$CLIO_HOSTILE_URL/v_$c/api/v4/activities.json")
    t0=$(long_now)
    out=$(long_psql 2>&1 <<SQL
CREATE TEMP TABLE o (what text);
DO \$\$
DECLARE n bigint;
BEGIN
  SELECT count(*) INTO n FROM t_$c;
  INSERT INTO o VALUES (n || ' rows');
EXCEPTION WHEN OTHERS THEN
  INSERT INTO o VALUES ('ERROR ' || SQLSTATE);
END \$\$;
SELECT (regexp_match(pg_read_file('/proc/self/status'), 'VmHWM:\s+(\d+)'))[1] || ' ' || what FROM o;
SQL
)
    t1=$(long_now)
    printf '%-8s %12s %14s %12s %s\n' "$c" "$size" "${out%% *}" "$(long_elapsed "$t0" "$t1")" "${out#* }"
done
long_crash_lines && clio_die "a backend crashed"
exit 0
