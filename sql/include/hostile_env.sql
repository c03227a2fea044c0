\set ECHO none
-- ===================================================================
-- hostile_env: what the clio_hostile_* suites need on top of clio_env --
-- the hostile server's address (CLIO_HOSTILE_URL, test/hostile), and
--   CALL hostile.serve('name')   a server h_name on the scenario "name",
--                                its user mapping (key 'hostile-key') and
--                                the imported tables in schema h_name
--                                (count_pushdown 'off' unless the options
--                                given name it: count(*) pages)
--   hostile.log('name')          what the scenario was sent
--   CALL hostile.clear()         forget the log and the scenarios' state
-- Each hostile suite starts with the clio_env lines, then
--   \set hostile_env :abs_srcdir '/sql/include/hostile_env.sql'
--   \i :hostile_env
-- Silent, as clio_env is.
-- ===================================================================
SELECT to_regnamespace('hostile') IS NULL AS hostile_env_needed \gset
\if :hostile_env_needed
SET client_min_messages = warning;
CREATE SCHEMA hostile;
CREATE FUNCTION hostile.call(method text, path text)
RETURNS jsonb LANGUAGE plpython3u AS $$
import os, urllib.request
req = urllib.request.Request(os.environ["CLIO_HOSTILE_URL"] + path, method=method)
with urllib.request.urlopen(req, timeout=30) as r:
    text = r.read().decode()
return text if text else None
$$;
CREATE FUNCTION hostile.log(scenario text)
RETURNS TABLE (seq int, method text, path text, query text, host text,
               headers jsonb, auth text)
LANGUAGE sql AS $$
  SELECT (e->>'seq')::int, e->>'method', e->>'path', e->>'query', e->>'host',
         e->'headers', e->>'authorization'
  FROM jsonb_array_elements(hostile.call('GET', '/_hostile/log?scenario=' || scenario)->'entries') e
  ORDER BY 1
$$;
CREATE PROCEDURE hostile.clear() LANGUAGE sql AS $$
  SELECT hostile.call('DELETE', '/_hostile/log');
$$;
-- A server on one scenario, its user mapping and its tables
CREATE PROCEDURE hostile.serve(scenario text, server_options text DEFAULT '')
LANGUAGE plpgsql SET client_min_messages = warning AS $$
DECLARE
  srv text := 'h_' || scenario;
BEGIN
  EXECUTE format('DROP SERVER IF EXISTS %I CASCADE', srv);
  EXECUTE format('DROP SCHEMA IF EXISTS %I CASCADE', srv);
  -- count(*) pages, as a scan does, unless a suite asks for Clio's count
  IF server_options NOT LIKE '%count_pushdown%' THEN
    server_options := concat_ws(', ', nullif(server_options, ''), 'count_pushdown ''off''');
  END IF;
  EXECUTE format('CREATE SERVER %I FOREIGN DATA WRAPPER clio_fdw OPTIONS (base_url %L%s)',
                 srv, current_setting('clio_test.hostile_url') || '/' || scenario,
                 CASE WHEN server_options <> '' THEN ', ' || server_options ELSE '' END);
  EXECUTE format('CREATE USER MAPPING FOR CURRENT_USER SERVER %I OPTIONS (api_key %L)',
                 srv, 'hostile-key');
  EXECUTE format('CREATE SCHEMA %I', srv);
  -- a hostile server serves its scenario's pages, not custom field
  -- definitions: the tables without custom fields' columns
  EXECUTE format('IMPORT FOREIGN SCHEMA clio FROM SERVER %I INTO %I OPTIONS (custom_fields ''false'')', srv, srv);
END $$;
CALL hostile.clear();
RESET client_min_messages;
\endif
-- the address, for this session (every suite's, not only the first's)
\getenv hostile_url CLIO_HOSTILE_URL
SELECT set_config('clio_test.hostile_url', :'hostile_url', false) IS NOT NULL AS hostile_url_set \gset
\set ECHO all
