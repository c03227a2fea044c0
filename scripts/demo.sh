#!/usr/bin/env bash
# The clio_fdw demo: build and install the extension, start a throwaway
# PostgreSQL cluster, connect it to Clio, import every Clio collection as a
# foreign table and print a report.
#
# By default Clio is the project's sandbox (a Clio-compatible server with the
# data of a small firm).  With MATON_API_KEY set, the demo talks to your real
# Clio account through the Maton gateway (MATON_CONNECTION picks the
# connection, when you have several).
#
# At the end you get a psql prompt on the cluster (when run from a terminal);
# everything is stopped and removed when you leave it.  --keep leaves the
# cluster and sandbox running and prints how to reach them.
set -u
. "$(dirname "$0")/lib.sh"

keep=
for arg in "$@"; do
    case "$arg" in
        --keep) keep=1 ;;
        -h|--help) sed -n '2,14p' "$0"; exit 0 ;;
        *) clio_die "unknown argument: $arg" ;;
    esac
done

clio_install_packages
clio_pg_bindir
clio_build
clio_setup_tmp
[ -n "$keep" ] && CLIO_KEEP_TMP=1

if [ -n "${MATON_API_KEY:-}" ]; then
    clio_log "using your Clio account through the Maton gateway"
    server_opts=""
    [ -n "${MATON_CONNECTION:-}" ] && server_opts="connection_id '${MATON_CONNECTION//\'/\'\'}'"
    key=$MATON_API_KEY
else
    clio_log "starting the Clio sandbox"
    clio_start_sandbox
    server_opts="base_url '$CLIO_SANDBOX_URL'"
    key=$CLIO_SANDBOX_KEY
fi
clio_log "starting a throwaway PostgreSQL"
clio_start_postgres

psql_q() { psql -X -q -v ON_ERROR_STOP=1 -d postgres "$@"; }

clio_log "connecting PostgreSQL to Clio"
psql_q -v key="$key" <<EOF || clio_die "setup failed"
CREATE EXTENSION clio_fdw;
CREATE SERVER clio FOREIGN DATA WRAPPER clio_fdw ${server_opts:+OPTIONS ($server_opts)};
CREATE USER MAPPING FOR CURRENT_USER SERVER clio OPTIONS (api_key :'key');
CREATE SCHEMA clio;
IMPORT FOREIGN SCHEMA clio FROM SERVER clio INTO clio;
EOF
echo
psql_q -c "SELECT count(*) AS tables_imported FROM information_schema.foreign_tables WHERE foreign_table_schema = 'clio'"

clio_log "report: open matters by practice area, with the hours logged on them"
psql_q <<'EOF'
\echo
\echo 'SELECT ... FROM clio.matters m LEFT JOIN clio.activities a ON a.matter_id = m.id ...'
SELECT coalesce(m.practice_area->>'name', '(none)')       AS practice_area,
       count(DISTINCT m.id)                               AS open_matters,
       round(coalesce(sum(a.quantity), 0) / 3600.0, 1)    AS hours_logged,
       round(coalesce(sum(a.total), 0), 2)                AS value
FROM clio.matters m
LEFT JOIN clio.activities a ON a.matter_id = m.id AND a.type = 'TimeEntry'
WHERE m.status = 'Open'
GROUP BY 1
ORDER BY hours_logged DESC;
SELECT requests AS clio_requests, bytes_received FROM clio_fdw_stats();
\echo
\echo 'Custom fields are columns: open matters worth more than 100,000, by how they came in'
SELECT referral_source, count(*) AS matters, sum(case_value) AS value
  FROM clio.matters
 WHERE status = 'Open' AND case_value > 100000
 GROUP BY referral_source ORDER BY value DESC;
\echo 'The request the matters scan sends (EXPLAIN VERBOSE):'
EXPLAIN (VERBOSE, COSTS OFF)
SELECT id, display_number, practice_area, case_value FROM clio.matters
 WHERE status = 'Open' AND case_value > 100000;
EOF

conn="psql -h $PGHOST -p $PGPORT -U postgres postgres"
if [ -n "$keep" ]; then
    trap - EXIT
    echo
    echo "The cluster and the sandbox keep running.  Connect with:"
    echo "    $conn"
    echo "Stop them with:"
    echo "    kill ${CLIO_SANDBOX_PID:-}; runuser -u postgres -- $PG_BINDIR/pg_ctl -D $CLIO_PGDATA stop; rm -rf $CLIO_TMP"
elif [ -t 0 ] && [ -t 1 ]; then
    echo
    echo "A psql prompt on the demo database (the tables are in schema clio; \\q ends the demo):"
    PGOPTIONS='-c search_path=clio,public' psql -X -d postgres
else
    echo
    echo "(Run from a terminal for a psql prompt, or with --keep to keep the cluster: $conn)"
fi
