-- ===================================================================
-- clio_setup: the extension, a server on the Clio sandbox, and helpers
-- that let the other suites read what the sandbox was sent.
-- Runs first; the suites after it share the database it prepares.
-- ===================================================================
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
               status int, body text, host text)
LANGUAGE sql AS $$
  SELECT (e->>'seq')::int, e->>'method', e->>'path', e->'params', e->'headers',
         (e->>'status')::int, e->>'body', e->>'host'
  FROM jsonb_array_elements(sandbox.call('GET', '/_sandbox/log')->'entries') e
  ORDER BY 1
$$;
CREATE FUNCTION sandbox.clear() RETURNS void LANGUAGE sql AS $$
  SELECT sandbox.call('DELETE', '/_sandbox/log'); SELECT sandbox.call('DELETE', '/_sandbox/faults');
$$;
-- The SQLSTATE a statement fails with, or 'ok'
CREATE FUNCTION sqlstate_of(stmt text) RETURNS text LANGUAGE plpgsql AS $$
BEGIN
  EXECUTE stmt;
  RETURN 'ok';
EXCEPTION WHEN OTHERS THEN
  RETURN SQLSTATE;
END $$;

CREATE SERVER clio FOREIGN DATA WRAPPER clio_fdw OPTIONS (base_url :'sandbox_url');
CREATE USER MAPPING FOR CURRENT_USER SERVER clio OPTIONS (api_key :'sandbox_key');
SELECT sandbox.clear();
