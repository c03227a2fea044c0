\set ECHO none
-- ===================================================================
-- clio_env: what every suite needs -- the extension, a server on the
-- Clio sandbox, the imported tables in schema clio, and the helpers that
-- read what the sandbox was sent.  Each suite starts with
--   \getenv abs_srcdir PG_ABS_SRCDIR
--   \set clio_env :abs_srcdir '/sql/include/clio_env.sql'
--   \i :clio_env
-- so that it runs alone (scripts/test.sh clio_write) as well as after the
-- others.  Set up once per database; silent: the line above is all the
-- output shows of it.
-- ===================================================================
SELECT to_regnamespace('sandbox') IS NULL AS clio_env_needed \gset
\if :clio_env_needed
\getenv sandbox_url CLIO_SANDBOX_URL
\getenv sandbox_key CLIO_SANDBOX_KEY
SET client_min_messages = warning;

CREATE EXTENSION clio_fdw;
CREATE EXTENSION plpython3u;

-- The sandbox's admin API, from inside the server (the server's environment
-- carries CLIO_SANDBOX_URL).
CREATE SCHEMA sandbox;
CREATE FUNCTION sandbox.call(method text, path text, body jsonb DEFAULT NULL)
RETURNS jsonb LANGUAGE plpython3u AS $$
import json, os, urllib.request
url = os.environ["CLIO_SANDBOX_URL"] + path
data = body.encode() if body is not None else None
req = urllib.request.Request(url, data=data, method=method,
                             headers={"Content-Type": "application/json"})
with urllib.request.urlopen(req, timeout=30) as r:
    text = r.read().decode()
return text if text else None
$$;

-- Every request the sandbox received since the last sandbox.clear()
CREATE FUNCTION sandbox.requests()
RETURNS TABLE (seq int, method text, path text, params jsonb, headers jsonb,
               status int, body text, host text, listener text)
LANGUAGE sql AS $$
  SELECT (e->>'seq')::int, e->>'method', e->>'path', e->'params', e->'headers',
         (e->>'status')::int, e->>'body', e->>'host', e->>'listener'
  FROM jsonb_array_elements(sandbox.call('GET', '/_sandbox/log')->'entries') e
  ORDER BY 1
$$;
CREATE PROCEDURE sandbox.clear() LANGUAGE sql AS $$
  SELECT sandbox.call('DELETE', '/_sandbox/log'); SELECT sandbox.call('DELETE', '/_sandbox/faults');
$$;
-- The sandbox's data as seeded, its log and faults cleared
CREATE PROCEDURE sandbox.reset() LANGUAGE sql AS $$
  SELECT sandbox.call('POST', '/_sandbox/reset'); SELECT sandbox.call('DELETE', '/_sandbox/log');
  SELECT sandbox.call('DELETE', '/_sandbox/faults');
$$;
-- No fault rules
CREATE PROCEDURE sandbox.clear_faults() LANGUAGE sql AS $$
  SELECT sandbox.call('DELETE', '/_sandbox/faults');
$$;
-- EXPLAIN ANALYZE without what differs between runs and majors: timings,
-- buffers (on by default from 18) and the decimals 18 gives row counts
CREATE FUNCTION explain_analyze(q text, with_output boolean DEFAULT false)
RETURNS SETOF text LANGUAGE plpgsql AS $$
DECLARE
  line text;
BEGIN
  FOR line IN EXECUTE format('EXPLAIN (ANALYZE, VERBOSE %s, COSTS OFF, TIMING OFF, SUMMARY OFF, BUFFERS OFF) %s',
                             CASE WHEN with_output THEN 'on' ELSE 'off' END, q) LOOP
    RETURN NEXT regexp_replace(line, 'rows=(\d+)\.00 ', 'rows=\1 ', 'g');
  END LOOP;
END $$;
CREATE FUNCTION sqlstate_of(stmt text) RETURNS text LANGUAGE plpgsql AS $$
BEGIN
  EXECUTE stmt;
  RETURN 'ok';
EXCEPTION WHEN OTHERS THEN
  RETURN SQLSTATE;
END $$;

-- the key, for tests that check where it went (never printed)
SELECT format('ALTER DATABASE %I SET clio_test.key = %L', current_database(), :'sandbox_key') \gexec
-- (for the sessions to come; and for this one, which began before it)
SELECT set_config('clio_test.key', :'sandbox_key', false) IS NOT NULL AS clio_key_set \gset

-- Whether a statement was cancelled (by a statement_timeout of 500ms), and
-- ended less than a second after that
CREATE FUNCTION cancel_delay(stmt text) RETURNS TABLE (canceled boolean, within_a_second boolean)
LANGUAGE plpgsql AS $$
DECLARE
  t0 timestamptz := clock_timestamp();
BEGIN
  canceled := false;
  BEGIN
    EXECUTE stmt;
  EXCEPTION WHEN query_canceled THEN
    canceled := true;
  END;
  -- statement_timeout is 500ms: the statement ends less than a second later
  within_a_second := clock_timestamp() - t0 < interval '1500 ms';
  RETURN NEXT;
END $$;

CREATE SERVER clio FOREIGN DATA WRAPPER clio_fdw OPTIONS (base_url :'sandbox_url');
CREATE USER MAPPING FOR CURRENT_USER SERVER clio OPTIONS (api_key :'sandbox_key');

-- every collection, for the suites that follow
CREATE SCHEMA clio;
IMPORT FOREIGN SCHEMA clio FROM SERVER clio INTO clio;
CALL sandbox.clear();

-- Compare a foreign table, read in full, with the sandbox's own records of
-- the collection: the rows missing on either side, and per column the rows
-- whose value differs.  No rows back means identical.
CREATE FUNCTION sandbox.compare(tbl regclass, coll text, keep text DEFAULT 'true')
RETURNS TABLE (what text, differences bigint)
LANGUAGE plpgsql AS $$
DECLARE
  first jsonb;
  col record;
  expr text;
  n bigint;
BEGIN
  SET LOCAL client_min_messages = warning;
  DROP TABLE IF EXISTS pg_temp.sandbox_recs;
  CREATE TEMP TABLE sandbox_recs AS
    SELECT r FROM jsonb_array_elements(sandbox.call('GET', '/_sandbox/records/' || coll)->'data') r;
  EXECUTE format('DELETE FROM sandbox_recs WHERE NOT (%s)', keep);
  DROP TABLE IF EXISTS pg_temp.sandbox_rows;
  EXECUTE format('CREATE TEMP TABLE sandbox_rows AS SELECT * FROM %s', tbl);
  SELECT r INTO first FROM sandbox_recs LIMIT 1;

  SELECT count(*) INTO n FROM sandbox_rows t FULL JOIN sandbox_recs s ON (s.r->>'id') = t.id::text
   WHERE t.id IS NULL OR s.r IS NULL;
  IF n > 0 THEN what := 'rows on one side only'; differences := n; RETURN NEXT; END IF;

  FOR col IN SELECT a.attname::text AS name, format_type(a.atttypid, a.atttypmod) AS type
               FROM pg_attribute a WHERE a.attrelid = tbl AND a.attnum > 0 AND NOT a.attisdropped
  LOOP
    IF first ? col.name THEN
      IF col.type = 'jsonb' THEN
        expr := format('t.%I IS DISTINCT FROM nullif(s.r->%L, ''null''::jsonb)', col.name, col.name);
      ELSIF col.type = 'text[]' THEN
        expr := format('t.%I IS DISTINCT FROM CASE WHEN jsonb_typeof(s.r->%L) = ''array'' THEN ARRAY(SELECT jsonb_array_elements_text(s.r->%L)) END',
                       col.name, col.name, col.name);
      ELSE
        expr := format('t.%I IS DISTINCT FROM (s.r->>%L)::%s', col.name, col.name, col.type);
      END IF;
    ELSIF col.name LIKE '%\_id' AND first ? left(col.name, -3) THEN
      expr := format('t.%I IS DISTINCT FROM (s.r->%L->>''id'')::%s', col.name, left(col.name, -3), col.type);
    ELSIF col.name LIKE '%\_type' AND first ? left(col.name, -5) THEN
      expr := format('t.%I IS DISTINCT FROM s.r->%L->>''type''', col.name, left(col.name, -5));
    ELSE
      CONTINUE;   -- not a field (search)
    END IF;
    EXECUTE format('SELECT count(*) FROM sandbox_rows t JOIN sandbox_recs s ON (s.r->>''id'') = t.id::text WHERE %s', expr) INTO n;
    IF n > 0 THEN what := col.name; differences := n; RETURN NEXT; END IF;
  END LOOP;
END $$;
RESET client_min_messages;
\endif
\set ECHO all
