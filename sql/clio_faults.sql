-- ===================================================================
-- clio_faults: rate limits, retries, cancellation, error mapping,
-- malformed responses -- every result checked row for row.
-- ===================================================================
\getenv abs_srcdir PG_ABS_SRCDIR
\set clio_env :abs_srcdir '/sql/include/clio_env.sql'
\i :clio_env
\getenv sandbox_url CLIO_SANDBOX_URL
\getenv sandbox_key CLIO_SANDBOX_KEY
CALL sandbox.reset();

-- the reference: every activity id once
CREATE TEMP TABLE ref AS SELECT id FROM clio.activities;
CREATE PROCEDURE faults(rules text) LANGUAGE plpgsql AS $$
BEGIN
  PERFORM sandbox.call('DELETE', '/_sandbox/faults');
  PERFORM sandbox.call('POST', '/_sandbox/faults', rules::jsonb);
  PERFORM sandbox.call('DELETE', '/_sandbox/log');
END $$;
-- a scan compared with the reference: same ids, each exactly once
CREATE FUNCTION scan_ok() RETURNS TABLE (rows bigint, exact boolean, requests bigint, statuses text)
LANGUAGE sql AS $$
  WITH s AS (SELECT id FROM clio.activities)
  SELECT (SELECT count(*) FROM s),
         (SELECT count(*) FROM s) = (SELECT count(DISTINCT id) FROM s)
           AND NOT EXISTS (SELECT id FROM ref EXCEPT SELECT id FROM s),
         (SELECT count(*) FROM sandbox.requests()),
         (SELECT string_agg(status::text, ',' ORDER BY seq) FROM sandbox.requests()
           WHERE status <> 200)
$$;

-- -------------------------------------------------------------------
-- transient failures on GET: retried, every row exactly once
-- -------------------------------------------------------------------
CALL faults('{"rules": [{"path": "^/api/v4/activities", "nth": 3, "action": "503"}]}');
SELECT * FROM scan_ok();
CALL faults('{"rules": [{"path": "^/api/v4/activities", "nth": 1, "count": 2, "action": "500"}]}');
SELECT * FROM scan_ok();
CALL faults('{"rules": [{"path": "^/api/v4/activities", "nth": 5, "action": "drop"}]}');
SELECT * FROM scan_ok();
CALL faults('{"rules": [{"path": "^/api/v4/activities", "nth": 7, "action": "truncate"}]}');
SELECT * FROM scan_ok();
CALL faults('{"rules": [{"path": "^/api/v4/activities", "nth": 2, "action": "502"},
                          {"path": "^/api/v4/activities", "nth": 9, "action": "drop"},
                          {"path": "^/api/v4/activities", "nth": 14, "action": "503"}]}');
SELECT * FROM scan_ok();
-- the same page is asked for again: same page_token
CALL faults('{"rules": [{"path": "^/api/v4/activities", "nth": 3, "action": "503"}]}');
SELECT count(id) FROM clio.activities;
SELECT count(*) AS requests, count(DISTINCT coalesce(params->'page_token'->>0, '')) AS pages
  FROM sandbox.requests();
-- EXPLAIN ANALYZE shows the retries
CALL faults('{"rules": [{"path": "^/api/v4/matters", "nth": 2, "action": "503"}]}');
SELECT explain_analyze('SELECT id FROM clio.matters');
-- more failures than max_retries: an error, and the session goes on
ALTER SERVER clio OPTIONS (ADD max_retries '1');
CALL faults('{"rules": [{"path": "^/api/v4/activities", "nth": 2, "count": 2, "action": "503"}]}');
SELECT count(id) FROM clio.activities;
-- (libcurl itself sends a GET again once on a reused connection found closed)
CALL faults('{"rules": [{"path": "^/api/v4/activities", "nth": 2, "count": 4, "action": "drop"}]}');
SELECT count(id) FROM clio.activities;
ALTER SERVER clio OPTIONS (DROP max_retries);
CALL faults('{"rules": []}');
SELECT count(id) FROM clio.activities;

-- -------------------------------------------------------------------
-- rate limits: 429 waited out; a spent window waited for before a 429
-- -------------------------------------------------------------------
CALL faults('{"rules": [{"path": "^/api/v4/activities", "nth": 4, "count": 2, "action": "429", "retry_after": 1}]}');
SELECT * FROM scan_ok();
SELECT rate_limited >= 2 AS saw_429, waited_ms >= 1900 AS waited FROM clio_fdw_stats();
SELECT sandbox.call('POST', '/_sandbox/config', '{"rate_limit": 6, "rate_window": 2}') IS NOT NULL AS limited;
CALL faults('{"rules": []}');
SELECT * FROM scan_ok();
SELECT ratelimit_limit, ratelimit_remaining IS NOT NULL AS remaining, ratelimit_reset IS NOT NULL AS reset
  FROM clio_fdw_stats();
-- a limit that outlasts max_rate_limit_wait: an error naming the option
ALTER SERVER clio OPTIONS (ADD max_rate_limit_wait '1s');
SELECT sandbox.call('POST', '/_sandbox/config', '{"rate_limit": 2, "rate_window": 30}') IS NOT NULL AS limited;
-- (the seconds left are the clock's: 30 or a little more)
DO $$
DECLARE
  m text;
  d text;
  h text;
BEGIN
  PERFORM count(id) FROM clio.activities;
EXCEPTION WHEN OTHERS THEN
  GET STACKED DIAGNOSTICS m = MESSAGE_TEXT, d = PG_EXCEPTION_DETAIL, h = PG_EXCEPTION_HINT;
  RAISE NOTICE '% | % | %', regexp_replace(m, 'for 3[0-3] more', 'for 30-33 more'), d, h;
END $$;
SELECT sqlstate_of('SELECT count(id) FROM clio.activities');
ALTER SERVER clio OPTIONS (DROP max_rate_limit_wait);
SELECT sandbox.call('POST', '/_sandbox/config', '{"rate_limit": 0, "rate_window": 60}') IS NOT NULL AS unlimited;

-- -------------------------------------------------------------------
-- cancel and statement_timeout end a transfer or a wait at once
-- -------------------------------------------------------------------
CALL faults('{"rules": [{"path": "^/api/v4/matters", "action": "stall", "delay_ms": 20000}]}');
SET statement_timeout = '500ms';
SELECT * FROM cancel_delay('SELECT count(id) FROM clio.matters');
RESET statement_timeout;
-- during a Retry-After wait
CALL faults('{"rules": [{"path": "^/api/v4/matters", "action": "429", "retry_after": 30}]}');
SET statement_timeout = '500ms';
SELECT * FROM cancel_delay('SELECT count(id) FROM clio.matters');
RESET statement_timeout;
-- during a slow body
CALL faults('{"rules": [{"path": "^/api/v4/activities", "action": "slow", "trickle_ms": 200, "chunk_bytes": 100}]}');
SET statement_timeout = '500ms';
SELECT * FROM cancel_delay('SELECT count(id) FROM clio.activities');
RESET statement_timeout;
CALL sandbox.clear_faults();
-- the connection is fine afterwards
SELECT count(id) FROM clio.matters;
-- the wait shows in pg_stat_activity, by clio_fdw's own name where the
-- major lets an extension name its waits (PostgreSQL 17 on)
CREATE EXTENSION dblink;
CREATE FUNCTION wait_seen(fault text, name_17 text)
RETURNS TABLE (wait_event_type text, named_as_the_major_allows boolean)
LANGUAGE plpgsql AS $$
BEGIN
  CALL sandbox.clear_faults();
  PERFORM dblink_connect('waiter', format('host=%s port=%s dbname=%s user=%s',
            current_setting('unix_socket_directories'), current_setting('port'),
            current_database(), current_user));
  CALL faults(fault);
  PERFORM dblink_send_query('waiter', 'SELECT count(id) FROM clio.matters /* waiting */');
  PERFORM pg_sleep(0.5);
  RETURN QUERY
    SELECT a.wait_event_type,
           a.wait_event = CASE WHEN current_setting('server_version_num')::int >= 170000
                               THEN name_17 ELSE 'Extension' END
      FROM pg_stat_activity a
     WHERE a.query LIKE '%/* waiting */' AND a.pid <> pg_backend_pid();
  PERFORM dblink_cancel_query('waiter');
  PERFORM dblink_disconnect('waiter');
END $$;
-- a request in flight
SELECT * FROM wait_seen('{"rules": [{"path": "^/api/v4/matters", "action": "stall", "delay_ms": 10000}]}',
                        'ClioResponse');
-- a rate-limit wait
SELECT * FROM wait_seen('{"rules": [{"path": "^/api/v4/matters", "action": "429", "retry_after": 30}]}',
                        'ClioRateLimit');
CALL sandbox.clear_faults();
-- request_timeout ends a request that never answers
ALTER SERVER clio OPTIONS (ADD request_timeout '300ms', ADD max_retries '0');
CALL faults('{"rules": [{"path": "^/api/v4/matters", "action": "stall", "delay_ms": 5000}]}');
\set VERBOSITY terse
SELECT count(id) FROM clio.matters;
\set VERBOSITY default
ALTER SERVER clio OPTIONS (DROP request_timeout, DROP max_retries);
CALL sandbox.clear_faults();

-- -------------------------------------------------------------------
-- malformed responses: an error naming the request; the session goes on
-- -------------------------------------------------------------------
CALL faults('{"rules": [{"path": "^/api/v4/matters", "action": "malformed"}]}');
SELECT count(id) FROM clio.matters;
CALL faults('{"rules": [{"path": "^/api/v4/matters", "action": "malformed", "body": "{\"data\": {\"id\": 1}}"}]}');
SELECT count(id) FROM clio.matters;
CALL faults('{"rules": [{"path": "^/api/v4/matters", "action": "malformed", "body": "{\"data\": [1, 2]}"}]}');
SELECT count(id) FROM clio.matters;
CALL faults('{"rules": [{"path": "^/api/v4/matters", "action": "malformed", "body": "{\"data\": [{\"id\": \"x\"}]}"}]}');
SELECT count(id) FROM clio.matters;
CALL faults('{"rules": [{"path": "^/api/v4/matters", "action": "malformed", "body": "{\"data\": [], \"meta\": {\"paging\": {\"next\": 5}}}"}]}');
SELECT count(id) FROM clio.matters;
CALL faults('{"rules": [{"path": "^/api/v4/matters", "action": "malformed", "body": "{\"data\": [{\"id\": 1}], \"meta\": {\"paging\": {\"next\": \"https://app.clio.com/api/v4/matters.json?limit=200\"}}}"}]}');
SELECT count(id) FROM clio.matters;
CALL faults('{"rules": [{"path": "^/api/v4/matters", "action": "malformed", "body": "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]"}]}');
SELECT count(id) FROM clio.matters;
CALL sandbox.clear_faults();
SELECT count(id) FROM clio.matters;
-- a response larger than max_response_size
ALTER SERVER clio OPTIONS (ADD max_response_size '4kB');
SELECT max(description) FROM clio.matters;
ALTER SERVER clio OPTIONS (DROP max_response_size);

-- -------------------------------------------------------------------
-- each HTTP outcome has its SQLSTATE
-- -------------------------------------------------------------------
CREATE SERVER wrongkey FOREIGN DATA WRAPPER clio_fdw OPTIONS (base_url :'sandbox_url');
CREATE USER MAPPING FOR CURRENT_USER SERVER wrongkey OPTIONS (api_key 'not-the-key');
CREATE FOREIGN TABLE wk_matters (id bigint) SERVER wrongkey OPTIONS (resource 'matters');
SELECT count(id) FROM wk_matters;
CREATE SERVER oldversion FOREIGN DATA WRAPPER clio_fdw OPTIONS (base_url :'sandbox_url', api_version '4.0.1');
CREATE USER MAPPING FOR CURRENT_USER SERVER oldversion OPTIONS (api_key :'sandbox_key');
CREATE FOREIGN TABLE ov_matters (id bigint) SERVER oldversion OPTIONS (resource 'matters');
SELECT count(id) FROM ov_matters;
CREATE FOREIGN TABLE bad_field (id bigint, x text OPTIONS (field 'client.shoe_size')) SERVER clio OPTIONS (resource 'matters');
SELECT x FROM bad_field;
CREATE SERVER nomapping FOREIGN DATA WRAPPER clio_fdw OPTIONS (base_url :'sandbox_url');
CREATE USER MAPPING FOR CURRENT_USER SERVER nomapping;
CREATE FOREIGN TABLE nm_matters (id bigint) SERVER nomapping OPTIONS (resource 'matters');
SELECT count(id) FROM nm_matters;
CREATE SERVER nowhere FOREIGN DATA WRAPPER clio_fdw OPTIONS (base_url 'http://127.0.0.1:9', connect_timeout '2s', max_retries '0');
CREATE USER MAPPING FOR CURRENT_USER SERVER nowhere OPTIONS (api_key 'x');
CREATE FOREIGN TABLE nw_matters (id bigint) SERVER nowhere OPTIONS (resource 'matters');
\set VERBOSITY terse
SELECT count(id) FROM nw_matters;
\set VERBOSITY default
SELECT sqlstate_of('SELECT count(id) FROM wk_matters') AS "401",
       sqlstate_of('SELECT count(id) FROM ov_matters') AS "410",
       sqlstate_of('SELECT x FROM bad_field') AS "400",
       sqlstate_of('SELECT count(id) FROM nw_matters') AS unreachable,
       sqlstate_of('SELECT count(id) FROM nm_matters') AS no_key;
CALL faults('{"rules": [{"path": "^/api/v4/matters", "action": "500"}]}');
ALTER SERVER clio OPTIONS (ADD max_retries '0');
SELECT sqlstate_of('SELECT count(id) FROM clio.matters') AS "500";
CALL faults('{"rules": [{"path": "^/api/v4/matters", "action": "503"}]}');
SELECT sqlstate_of('SELECT count(id) FROM clio.matters') AS "503";
ALTER SERVER clio OPTIONS (DROP max_retries);

-- writes are not sent twice: a 503 or a dropped connection after sending
CALL faults('{"rules": [{"path": "^/api/v4/contacts", "method": "POST", "action": "503"}]}');
INSERT INTO clio.contacts (type, name) VALUES ('Company', 'Twice Ltd');
CALL faults('{"rules": [{"path": "^/api/v4/contacts", "method": "POST", "action": "drop"}]}');
INSERT INTO clio.contacts (type, name) VALUES ('Company', 'Twice Ltd');
SELECT count(*) FILTER (WHERE method = 'POST') AS posts FROM sandbox.requests();
DELETE FROM clio.contacts WHERE name = 'Twice Ltd';
-- a write Clio accepts with no record in the answer: fine without
-- RETURNING; with it, an error (the record exists, its id is unknown)
CALL faults('{"rules": [{"path": "^/api/v4/contacts", "method": "POST", "action": "malformed", "status": 201, "body": "", "count": 2}]}');
INSERT INTO clio.contacts (type, name) VALUES ('Company', 'Silent Ltd');
INSERT INTO clio.contacts (type, name) VALUES ('Company', 'Silent Ltd') RETURNING id;
CALL sandbox.clear_faults();
SET client_min_messages = warning;
DROP SERVER wrongkey, oldversion, nomapping, nowhere CASCADE;
