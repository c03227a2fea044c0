#!/usr/bin/env bash
# Storm: real clio_fdw queries (scans of several types, LIMIT, count, id
# look-ups, a parameterized join, INSERT ... RETURNING) against a hostile
# Clio (storm_server.py) that forwards each request to the sandbox and
# replaces most answers with generated bad responses.  At least
# STORM_TARGET (10,000) bad responses are served.  Every query must end in
# an ERROR or in a correct result (storm_check.py compares each result with
# what was served); the backend must never crash; the session must stay
# usable after each error.  Not part of CI.
#
# Usage: test/long/storm.sh [target bad responses, default 10000]
# Env:   STORM_SEED (default 1), STORM_SHARE (share of responses replaced,
#        default 0.7), STORM_BIG_SHARE (share of multi-MB strings, default
#        0.01), CLIO_KEEP_TMP=1 keeps the served log and the results.
set -u
. "$(dirname "$0")/common.sh"

TARGET=${1:-10000}
SEED=${STORM_SEED:-1}
SHARE=${STORM_SHARE:-0.7}
BIG_SHARE=${STORM_BIG_SHARE:-0.01}
BATCH=100

long_prepare
clio_start_sandbox
python3 "$LONG_DIR/storm_server.py" --sandbox "$CLIO_SANDBOX_URL" --port-file "$CLIO_TMP/storm.port" \
    --log "$CLIO_TMP/served.jsonl" --seed "$SEED" --share "$SHARE" --big-share "$BIG_SHARE" \
    >"$CLIO_TMP/storm_server.log" 2>&1 &
STORM_PID=$!
for _ in $(seq 1 100); do [ -s "$CLIO_TMP/storm.port" ] && break; sleep 0.1; done
[ -s "$CLIO_TMP/storm.port" ] || clio_die "the storm server did not start"
STORM_URL="http://127.0.0.1:$(cat "$CLIO_TMP/storm.port")"
export STORM_URL
storm_stop() { kill "$STORM_PID" 2>/dev/null; wait "$STORM_PID" 2>/dev/null; }
trap 'st=$?; storm_stop; (exit $st); clio_cleanup' EXIT

CLIO_PG_EXTRA_CONF="log_min_messages = warning" clio_start_postgres
long_psql -v storm_url="$STORM_URL" -v key="$CLIO_SANDBOX_KEY" <<'SQL' || clio_die "setup failed"
SET client_min_messages = warning;
CREATE EXTENSION clio_fdw;
CREATE EXTENSION plpython3u;
CREATE SERVER storm FOREIGN DATA WRAPPER clio_fdw
    OPTIONS (base_url :'storm_url', max_retries '1', max_rate_limit_wait '2s',
             request_timeout '10s', connect_timeout '2s');
CREATE USER MAPPING FOR CURRENT_USER SERVER storm OPTIONS (api_key :'key');
CREATE SCHEMA storm;
CREATE FOREIGN TABLE storm.matters (
    id bigint, number integer, display_number text, description text, status text,
    billable boolean, open_date date, created_at timestamptz,
    client_name text OPTIONS (field 'client.name'), client jsonb, currency jsonb
) SERVER storm OPTIONS (resource 'matters', page_size '20');
CREATE FOREIGN TABLE storm.activities (
    id bigint, type text, date date, quantity numeric, price numeric, total numeric,
    note text, billed boolean, matter_id bigint, created_at timestamptz
) SERVER storm OPTIONS (resource 'activities', page_size '20');
CREATE FOREIGN TABLE storm.calendar_entries (
    id text, summary text, start_at timestamptz, all_day boolean,
    time_entries_count integer, attendees jsonb
) SERVER storm OPTIONS (resource 'calendar_entries', page_size '20');
CREATE FOREIGN TABLE storm.bills (
    id bigint, number text, total numeric, available_state_transitions text[],
    issued_at date, state text
) SERVER storm OPTIONS (resource 'bills', page_size '20');
CREATE FOREIGN TABLE storm.contacts (
    id bigint, name text, type text, etag text, email_addresses jsonb, is_client boolean
) SERVER storm OPTIONS (resource 'contacts', page_size '20');

-- long values come back as md5 and length (the served log keeps the same)
CREATE FUNCTION clip(t text) RETURNS text IMMUTABLE LANGUAGE sql AS $$
  SELECT CASE WHEN length(t) > 1000 THEN '$big:' || md5(t) || ':' || length(t) ELSE t END $$;
CREATE FUNCTION clipj(j jsonb) RETURNS jsonb IMMUTABLE LANGUAGE sql AS $$
  SELECT CASE WHEN octet_length(j::text) > 20000 THEN '"$bigjson"'::jsonb ELSE j END $$;
SELECT format('ALTER DATABASE %I SET storm.url = %L', current_database(), :'storm_url') \gexec
CREATE FUNCTION storm_tag(i int) RETURNS void LANGUAGE plpython3u AS $$
import urllib.request
if "url" not in SD:
    SD["url"] = plpy.execute("SELECT current_setting('storm.url') AS u")[0]["u"]
urllib.request.urlopen(SD["url"] + "/_storm/tag?q=%d" % i, timeout=10).read()
$$;

-- ids for the look-ups and the join (read through the sandbox, no faults:
-- the storm server's share is applied, so read them from a plain server)
CREATE TABLE matter_ids (n int, id bigint);
CREATE TABLE contact_ids (n int, id bigint);
CREATE TABLE pick (k int, id bigint);
CREATE TABLE queries (q int PRIMARY KEY, mode text, arg int, tbl text, cols jsonb, sql text);
CREATE TABLE results (i int PRIMARY KEY, q int, arg bigint, state text, message text, result jsonb, ms float8);

CREATE FUNCTION storm_batch(first int, cnt int) RETURNS int LANGUAGE plpgsql AS $$
DECLARE
  i int; qq record; res jsonb; st text; msg text; chk int; arg bigint; stmt text; t0 timestamptz;
  nq int := (SELECT count(*) FROM queries);
BEGIN
  FOR i IN first .. first + cnt - 1 LOOP
    SELECT * INTO qq FROM queries WHERE q = i % nq;
    arg := CASE qq.mode
             WHEN 'lookup' THEN (SELECT m.id FROM matter_ids m WHERE m.n = i % 500)
             WHEN 'lookup_contact' THEN (SELECT c.id FROM contact_ids c WHERE c.n = i % 800)
             WHEN 'join' THEN i % 10
             ELSE i END;
    stmt := replace(qq.sql, '$ARG', arg::text);
    PERFORM storm_tag(i);
    t0 := clock_timestamp();
    BEGIN
      EXECUTE stmt INTO res;
      st := 'ok'; msg := NULL;
    EXCEPTION WHEN OTHERS THEN
      GET STACKED DIAGNOSTICS st = RETURNED_SQLSTATE, msg = MESSAGE_TEXT;
      res := NULL;
    END;
    -- the session goes on: a plain query after every statement
    SELECT count(*) INTO STRICT chk FROM pg_class WHERE relname = 'results';
    INSERT INTO results VALUES (i, qq.q, arg, st, left(msg, 300), res,
                                extract(epoch FROM clock_timestamp() - t0) * 1000);
  END LOOP;
  RETURN cnt;
END $$;
-- the join as a parameterized foreign scan per outer row (one filtered
-- request each), not a hash join over every activity
SELECT format('ALTER DATABASE %I SET enable_hashjoin = off', current_database()) \gexec
SELECT format('ALTER DATABASE %I SET enable_mergejoin = off', current_database()) \gexec
SQL

# the ids, from a server on the sandbox itself
long_psql -v url="$CLIO_SANDBOX_URL" -v key="$CLIO_SANDBOX_KEY" <<'SQL' || clio_die "setup failed"
SET client_min_messages = warning;
CREATE SERVER plain FOREIGN DATA WRAPPER clio_fdw OPTIONS (base_url :'url');
CREATE USER MAPPING FOR CURRENT_USER SERVER plain OPTIONS (api_key :'key');
CREATE FOREIGN TABLE plain_matters (id bigint) SERVER plain OPTIONS (resource 'matters');
CREATE FOREIGN TABLE plain_contacts (id bigint) SERVER plain OPTIONS (resource 'contacts');
INSERT INTO matter_ids SELECT row_number() OVER (ORDER BY id) - 1, id FROM plain_matters;
INSERT INTO contact_ids SELECT row_number() OVER (ORDER BY id) - 1, id FROM plain_contacts;
INSERT INTO pick SELECT n / 3 % 10, id FROM matter_ids WHERE n < 30;
ANALYZE pick;
SQL

# The queries: mode (how storm_check.py derives the expected result), the
# table, the columns read (name, type, field, subfield) and the SQL.
python3 - <<'PY' >"$CLIO_TMP/queries.sql"
import json
M = [("id", "int8", "id", None), ("number", "int4", "number", None), ("display_number", "text", "display_number", None),
     ("description", "text", "description", None), ("status", "text", "status", None), ("billable", "bool", "billable", None),
     ("open_date", "date", "open_date", None), ("created_at", "timestamptz", "created_at", None),
     ("client_name", "text", "client", "name"), ("client", "jsonb", "client", None), ("currency", "jsonb", "currency", None)]
A = [("id", "int8", "id", None), ("type", "text", "type", None), ("date", "date", "date", None),
     ("quantity", "numeric", "quantity", None), ("price", "numeric", "price", None), ("total", "numeric", "total", None),
     ("note", "text", "note", None), ("billed", "bool", "billed", None), ("matter_id", "int8", "matter", "id"),
     ("created_at", "timestamptz", "created_at", None)]
CE = [("id", "text", "id", None), ("summary", "text", "summary", None), ("start_at", "timestamptz", "start_at", None),
      ("all_day", "bool", "all_day", None), ("time_entries_count", "int4", "time_entries_count", None),
      ("attendees", "jsonb", "attendees", None)]
B = [("id", "int8", "id", None), ("number", "text", "number", None), ("total", "numeric", "total", None),
     ("available_state_transitions", "text[]", "available_state_transitions", None),
     ("issued_at", "date", "issued_at", None), ("state", "text", "state", None)]
C = [("id", "int8", "id", None), ("name", "text", "name", None), ("type", "text", "type", None), ("etag", "text", "etag", None),
     ("email_addresses", "jsonb", "email_addresses", None), ("is_client", "bool", "is_client", None)]

def sel(cols):
    out = []
    for name, typ, _, _ in cols:
        if typ == "text":
            out.append("clip(%s) AS %s" % (name, name))
        elif typ == "jsonb":
            out.append("clipj(%s) AS %s" % (name, name))
        else:
            out.append(name)
    return ", ".join(out)

def agg(inner):
    return "SELECT coalesce(jsonb_agg(to_jsonb(x)), '[]') FROM (%s) x" % inner

Q = [
    ("limit", 100, "matters", M, agg("SELECT %s FROM storm.matters LIMIT 100" % sel(M))),
    ("count", 60, "matters", [], agg("SELECT count(*) AS n FROM (SELECT 1 FROM storm.matters LIMIT 60) s")),
    ("limit", 60, "activities", A, agg("SELECT %s FROM storm.activities LIMIT 60" % sel(A))),
    ("lookup", 0, "matters", M, agg("SELECT %s FROM storm.matters WHERE id = $ARG" % sel(M))),
    ("join", 0, "activities", [("matter_id", "int8", "matter", "id"), ("id", "int8", "id", None), ("total", "numeric", "total", None)],
     agg("SELECT p.id AS pid, a.id, a.total, a.matter_id FROM pick p JOIN storm.activities a ON a.matter_id = p.id WHERE p.k = $ARG")),
    ("limit", 40, "calendar_entries", CE, agg("SELECT %s FROM storm.calendar_entries LIMIT 40" % sel(CE))),
    ("limit", 40, "bills", B, agg("SELECT %s FROM storm.bills LIMIT 40" % sel(B))),
    ("insert", 0, "contacts", C,
     "WITH x AS (INSERT INTO storm.contacts (type, name) VALUES ('Company', 'Storm $ARG') RETURNING %s) "
     "SELECT coalesce(jsonb_agg(to_jsonb(x)), '[]') FROM x" % sel(C)),
    ("lookup_contact", 0, "contacts", C, agg("SELECT %s FROM storm.contacts WHERE id = $ARG" % sel(C))),
]
def lit(s):
    return "'" + s.replace("'", "''") + "'"
for i, (mode, arg, tbl, cols, sql) in enumerate(Q):
    c = [{"name": n, "type": t, "field": f, "sub": s} for n, t, f, s in cols]
    print("INSERT INTO queries VALUES (%d, %s, %d, %s, %s, %s);" % (i, lit(mode), arg, lit(tbl), lit(json.dumps(c)), lit(sql)))
PY
long_psql -f "$CLIO_TMP/queries.sql" || clio_die "setup failed"
clio_log "the join's plan (a parameterized foreign scan per outer row)"
long_psql -c "EXPLAIN (COSTS OFF, VERBOSE) SELECT p.id, a.id FROM pick p JOIN storm.activities a ON a.matter_id = p.id WHERE p.k = 1" >&2

stats() { curl -sS "$STORM_URL/_storm/stats"; }
mutated() { stats | python3 -c 'import json,sys; print(json.load(sys.stdin)["mutated"])'; }

clio_log "storm: until $TARGET bad responses have been served"
t0=$(long_now)
next=1
crashes=0
sessions=0
: >"$CLIO_TMP/crashes.txt"
while [ "$(mutated)" -lt "$TARGET" ]; do
    # one session runs 20 batches; each batch is followed by a plain query
    script=$(echo "SET statement_timeout = '10min';"; for b in $(seq 0 19); do
        echo "SELECT storm_batch($((next + b * BATCH)), $BATCH);"
        echo "SELECT 1;"
    done)
    sessions=$((sessions + 1))
    if ! out=$(long_psql <<<"$script" 2>&1); then
        if printf '%s' "$out" | grep -qiE "server closed the connection|terminated abnormally|connection to server .* lost|no connection to the server"; then
            crashes=$((crashes + 1))
            tag=$(stats >/dev/null; grep -o '"tag": [0-9]*' "$CLIO_TMP/served.jsonl" | tail -n 1 | grep -o '[0-9]*$')
            echo "query $tag: $(printf '%s' "$out" | tail -n 3 | tr '\n' ' ')" >>"$CLIO_TMP/crashes.txt"
            clio_log "CRASH at query $tag"
            # wait for the server to come back (crash recovery)
            for _ in $(seq 1 60); do long_psql -c 'SELECT 1' >/dev/null 2>&1 && break; sleep 1; done
            next=$((tag + 1))
            continue
        fi
        printf '%s\n' "$out" >&2
        clio_die "the session failed without a crash"
    fi
    last=$(long_psql -c "SELECT coalesce(max(i), 0) FROM results")
    [ "$last" -ge "$next" ] || clio_die "no progress: $out"
    next=$((last + 1))
    clio_log "$(long_psql -c "SELECT count(*) FROM results") queries, $(mutated) bad responses"
done
t1=$(long_now)
wall=$(long_elapsed "$t0" "$t1")

# (psql's unaligned output keeps the JSON as it is; COPY would escape it)
long_psql -c "SELECT row_to_json(r) FROM results r ORDER BY i" >"$CLIO_TMP/results.jsonl"
long_psql -c "SELECT row_to_json(qq) FROM queries qq ORDER BY qq.q" >"$CLIO_TMP/queries.jsonl"
stats >"$CLIO_TMP/stats.json"
long_crash_lines >"$CLIO_TMP/crash_lines.txt"
storm_stop

python3 "$LONG_DIR/storm_check.py" "$CLIO_TMP" "$wall" "$sessions"
rc=$?
if [ -s "$CLIO_TMP/crash_lines.txt" ] || [ -s "$CLIO_TMP/crashes.txt" ]; then
    echo "CRASHES:" >&2
    cat "$CLIO_TMP/crashes.txt" "$CLIO_TMP/crash_lines.txt" >&2
    rc=1
fi
[ $rc -eq 0 ] && clio_log "storm passed" || clio_log "storm FAILED"
exit $rc
