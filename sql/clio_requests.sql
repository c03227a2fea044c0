-- ===================================================================
-- clio_requests: the request EXPLAIN VERBOSE shows is the request that
-- is sent (the sandbox's log), for every kind of write; and the request
-- a SQL function's error names is the request it sent.  One builder
-- (src/clio_request.c) makes both texts.
-- ===================================================================
\getenv abs_srcdir PG_ABS_SRCDIR
\set clio_env :abs_srcdir '/sql/include/clio_env.sql'
\i :clio_env
\getenv sandbox_url CLIO_SANDBOX_URL
\getenv sandbox_key CLIO_SANDBOX_KEY
CALL sandbox.reset();

-- The requests the sandbox received since its log was cleared, as
-- "METHOD path?query", decoded
CREATE FUNCTION sent_requests() RETURNS SETOF text LANGUAGE plpython3u AS $$
import json, urllib.parse
log = plpy.execute("SELECT sandbox.call('GET', '/_sandbox/log') AS l")[0]["l"]
for e in sorted(json.loads(log)["entries"], key=lambda e: e["seq"]):
    q = urllib.parse.unquote(e["query"]) if e["query"] else ""
    yield e["method"] + " " + urllib.parse.unquote(e["path"]) + ("?" + q if q else "")
$$;

-- Each request EXPLAIN VERBOSE shows for stmt ("Clio Request" and
-- "Clio Then"), and whether stmt, run, sent it: the same text, with
-- {id} and $n standing for the value known at execution.  The last row
-- says whether every request sent is one EXPLAIN shows (a scan's later
-- pages are its first request with Clio's page_token added).
CREATE FUNCTION explained_and_sent(stmt text)
RETURNS TABLE (explained text, sent boolean) LANGUAGE plpython3u AS $$
import re
plpy.execute("SELECT sandbox.call('DELETE', '/_sandbox/log')")
shown = []
for r in plpy.execute("EXPLAIN (VERBOSE, COSTS OFF) " + stmt):
    m = re.search(r"Clio (?:Request|Then): (.*)$", r["QUERY PLAN"])
    if m:
        shown.append(re.sub(r" \(when .*\)$", "", m.group(1)))
plpy.execute(stmt)
sent = [re.sub(r"&(page_token|offset)=[^&]*$", "", r["r"])
        for r in plpy.execute("SELECT sent_requests() AS r")]
pats = [re.compile("^" + re.sub(r"\\\{id\\\}|\\\$[0-9]+", "[^/&?]+", re.escape(s)) + "$")
        for s in shown]
for s, p in zip(shown, pats):
    yield (s, any(p.match(x) for x in sent))
yield ("(every request sent is shown)", all(any(p.match(x) for p in pats) for x in sent))
$$;

-- The request a failing call's error names ("Clio request: ..." in its
-- context), and whether it is the last request sent
CREATE FUNCTION named_and_sent(stmt text, fault jsonb)
RETURNS TABLE (named text, sent boolean) LANGUAGE plpgsql AS $$
DECLARE
  ctx text;
BEGIN
  PERFORM sandbox.call('DELETE', '/_sandbox/faults');
  PERFORM sandbox.call('POST', '/_sandbox/faults', jsonb_build_object('rules', jsonb_build_array(fault)));
  PERFORM sandbox.call('DELETE', '/_sandbox/log');
  BEGIN
    EXECUTE stmt;
  EXCEPTION WHEN OTHERS THEN
    GET STACKED DIAGNOSTICS ctx = PG_EXCEPTION_CONTEXT;
  END;
  PERFORM sandbox.call('DELETE', '/_sandbox/faults');
  named := substring(ctx from 'Clio request: ([^\n]*)');
  sent := named = (SELECT r FROM sent_requests() WITH ORDINALITY AS t(r, n)
                    ORDER BY n DESC LIMIT 1);
  RETURN NEXT;
END $$;

-- -------------------------------------------------------------------
-- writes: INSERT, UPDATE, DELETE, each planned and direct
-- -------------------------------------------------------------------
CREATE FOREIGN TABLE req_matters (id bigint, etag text, description text,
  location text, client_id bigint) SERVER clio OPTIONS (resource 'matters');
CREATE FOREIGN TABLE req_entries (id bigint, etag text, summary text,
  start_at timestamptz, end_at timestamptz, calendar_owner_id bigint,
  calendar_owner_type text, matter_id bigint) SERVER clio OPTIONS (resource 'calendar_entries');
SELECT * FROM explained_and_sent($$
  INSERT INTO req_matters (description, client_id) VALUES ('Requests 1', 10000001)
  RETURNING id, description$$);
SELECT * FROM explained_and_sent($$
  INSERT INTO req_matters (description, client_id) VALUES ('Requests 2', 10000001)$$);
SELECT * FROM explained_and_sent($$
  UPDATE req_matters SET location = 'Room 1' WHERE description = 'Requests 1'
  RETURNING location$$);
SELECT * FROM explained_and_sent($$
  DELETE FROM req_matters WHERE description = 'Requests 2'$$);
SELECT id AS req_matter FROM req_matters WHERE description = 'Requests 1' \gset
-- direct: one request, the id constant, then a parameter
SELECT * FROM explained_and_sent($$
  UPDATE req_matters SET location = 'Room 2' WHERE id = 20000001 RETURNING location$$);
SET plan_cache_mode = force_generic_plan;
PREPARE req_upd(bigint) AS UPDATE req_matters SET location = 'Room 3' WHERE id = $1;
SELECT * FROM explained_and_sent(format('EXECUTE req_upd(%s)', :req_matter));
PREPARE req_del(bigint) AS DELETE FROM req_matters WHERE id = $1;
SELECT * FROM explained_and_sent(format('EXECUTE req_del(%s)', :req_matter));
RESET plan_cache_mode;
-- a calendar entry with a matter: a POST that asks nothing back, then the
-- PATCH that links the matter and asks for what RETURNING reads
SELECT * FROM explained_and_sent($$
  INSERT INTO req_entries (summary, start_at, end_at, calendar_owner_id, calendar_owner_type, matter_id)
  VALUES ('Requests', '2026-12-01 10:00+00', '2026-12-01 11:00+00', 7001, 'UserCalendar', 20000082)
  RETURNING summary, matter_id$$);
SELECT * FROM explained_and_sent($$
  DELETE FROM req_entries WHERE summary = 'Requests' RETURNING summary$$);
-- without the matter: the POST alone, with its fields
SELECT * FROM explained_and_sent($$
  INSERT INTO req_entries (summary, start_at, end_at, calendar_owner_id, calendar_owner_type)
  VALUES ('Requests', '2026-12-01 10:00+00', '2026-12-01 11:00+00', 7001, 'UserCalendar')
  RETURNING summary$$);
SELECT * FROM explained_and_sent($$
  DELETE FROM req_entries WHERE summary = 'Requests'$$);

-- -------------------------------------------------------------------
-- SQL functions: the request an error names is the one sent
-- -------------------------------------------------------------------
CREATE SERVER req_maton FOREIGN DATA WRAPPER clio_fdw
  OPTIONS (base_url :'sandbox_url', ctrl_url :'sandbox_url');
CREATE USER MAPPING FOR CURRENT_USER SERVER req_maton OPTIONS (api_key :'sandbox_key');
SELECT * FROM named_and_sent($$SELECT * FROM clio_who_am_i('clio')$$,
  '{"path": "who_am_i", "action": "malformed", "status": 422}');
SELECT * FROM named_and_sent($$SELECT * FROM clio_connections('req_maton', status => 'ACTIVE')$$,
  '{"path": "^/connections", "action": "malformed", "status": 422}');
SELECT * FROM named_and_sent($$SELECT * FROM clio_connections('req_maton', connection_id => 'a b&c')$$,
  '{"path": "^/connections", "action": "malformed", "status": 422}');
SELECT * FROM named_and_sent($$SELECT * FROM clio_create_connection('req_maton')$$,
  '{"path": "^/connections", "action": "malformed", "status": 422}');
SELECT * FROM named_and_sent($$SELECT clio_delete_connection('req_maton', 'a b&c')$$,
  '{"path": "^/connections", "action": "malformed", "status": 422}');
SELECT * FROM named_and_sent($$SELECT clio_document_download('clio', 50000001)$$,
  '{"path": "download", "action": "malformed", "status": 422}');
SELECT * FROM named_and_sent($$SELECT clio_document_upload('clio', 'Matter', 20000082, 'r.txt', 'x')$$,
  '{"path": "documents", "method": "POST", "action": "malformed", "status": 422}');
SELECT * FROM named_and_sent($$SELECT clio_document_upload('clio', 'Matter', 20000082, 'r.txt', 'x')$$,
  '{"path": "documents/", "method": "PATCH", "action": "malformed", "status": 422}');

SET client_min_messages = warning;
DROP SERVER req_maton CASCADE;
DROP FOREIGN TABLE req_matters, req_entries;
RESET client_min_messages;
