-- ===================================================================
-- clio_account: Maton connections, connection_id per user mapping,
-- direct Clio with OAuth refresh, who am I, documents.
-- ===================================================================
\getenv abs_srcdir PG_ABS_SRCDIR
\set clio_env :abs_srcdir '/sql/include/clio_env.sql'
\i :clio_env
\getenv sandbox_url CLIO_SANDBOX_URL
\getenv sandbox_key CLIO_SANDBOX_KEY
CALL sandbox.reset();

-- -------------------------------------------------------------------
-- Maton: the gateway's paths, the connection API
-- -------------------------------------------------------------------
SELECT :'sandbox_url' || '/clio' AS gateway_url \gset
CREATE SERVER maton FOREIGN DATA WRAPPER clio_fdw
  OPTIONS (base_url :'gateway_url', ctrl_url :'sandbox_url');
CREATE USER MAPPING FOR CURRENT_USER SERVER maton OPTIONS (api_key :'sandbox_key');
SELECT connection_id, status, app, url IS NOT NULL AS has_url
  FROM clio_connections('maton') ORDER BY creation_time;
SELECT connection_id FROM clio_connections('maton', status => 'ACTIVE') ORDER BY 1;
SELECT connection_id, status FROM clio_connections('maton', connection_id => '9b7d2e10-3c4f-4a8b-b1e6-7f8a9b0c1d2e');
SELECT count(*) FROM clio_connections('maton', connection_id => '00000000-0000-0000-0000-000000000000');
SELECT status, app, url LIKE 'https://connect.maton.ai/%' AS browser_url FROM clio_create_connection('maton');
SELECT clio_delete_connection('maton', connection_id)
  FROM clio_connections('maton', status => 'PENDING') WHERE creation_time > '2026-11-01';
SELECT clio_delete_connection('maton', '00000000-0000-0000-0000-000000000000');
SELECT method, regexp_replace(path, '/[0-9a-f]{8}-[0-9a-f-]{27}$', '/{id}') AS path, params,
       headers->>'authorization' = 'Bearer ' || current_setting('clio_test.key') AS key
  FROM sandbox.requests() ORDER BY seq;

-- the default (oldest) connection; one per user mapping; the server's
CREATE FOREIGN TABLE maton_matters (id bigint, display_number text)
  SERVER maton OPTIONS (resource 'matters');
SELECT count(*), min(id) FROM maton_matters;
CREATE ROLE regress_clio_second;
GRANT USAGE ON FOREIGN SERVER maton TO regress_clio_second;
GRANT SELECT ON maton_matters TO regress_clio_second;
CREATE USER MAPPING FOR regress_clio_second SERVER maton
  OPTIONS (api_key :'sandbox_key', connection_id '6a3e1c44-8f0b-4b7e-9d52-0c1e2f3a4b5c');
SET ROLE regress_clio_second;
SELECT count(*), min(id) FROM maton_matters;          -- the second firm
RESET ROLE;
CALL sandbox.clear();
SELECT count(id) FROM maton_matters;
SET ROLE regress_clio_second;
SELECT count(id) FROM maton_matters;
RESET ROLE;
SELECT path, headers->'maton-connection' AS connection FROM sandbox.requests() ORDER BY seq;
-- writes through the gateway carry the same headers
CREATE FOREIGN TABLE maton_contacts (id bigint, type text, name text)
  SERVER maton OPTIONS (resource 'contacts');
GRANT INSERT, SELECT, DELETE ON maton_contacts TO regress_clio_second;
CALL sandbox.clear();
SET ROLE regress_clio_second;
INSERT INTO maton_contacts (type, name) VALUES ('Company', 'Gateway Ltd') RETURNING name;
DELETE FROM maton_contacts WHERE name = 'Gateway Ltd';
RESET ROLE;
SELECT method, regexp_replace(path, '[0-9]+', 'N', 'g') AS path, headers->>'maton-connection' AS connection,
       headers->>'x-api-version' AS version,
       headers->>'authorization' = 'Bearer ' || current_setting('clio_test.key') AS key
  FROM sandbox.requests() ORDER BY seq;
-- a connection that is not active: Maton's 400, with a hint
ALTER SERVER maton OPTIONS (ADD connection_id 'c0ffee00-1234-4abc-8def-0123456789ab');
SELECT count(id) FROM maton_matters;
SET ROLE regress_clio_second;
SELECT count(id) FROM maton_matters;                    -- the user mapping's wins
RESET ROLE;
ALTER SERVER maton OPTIONS (DROP connection_id);
-- a wrong Maton key
CREATE SERVER maton_bad FOREIGN DATA WRAPPER clio_fdw OPTIONS (base_url :'gateway_url', ctrl_url :'sandbox_url');
CREATE USER MAPPING FOR CURRENT_USER SERVER maton_bad OPTIONS (api_key 'wrong');
SELECT * FROM clio_connections('maton_bad');
SELECT * FROM clio_connections('no_such_server');

-- -------------------------------------------------------------------
-- direct Clio: region, OAuth access tokens and their refresh
-- -------------------------------------------------------------------
CREATE SERVER clio_us FOREIGN DATA WRAPPER clio_fdw OPTIONS (region 'us');
SELECT srvoptions FROM pg_foreign_server WHERE srvname = 'clio_us';
CREATE SERVER bad FOREIGN DATA WRAPPER clio_fdw OPTIONS (region 'mars');
CREATE SERVER bad FOREIGN DATA WRAPPER clio_fdw OPTIONS (region 'eu', base_url 'https://eu.app.clio.com');
CREATE USER MAPPING FOR CURRENT_USER SERVER clio_us OPTIONS (api_key 'a', access_token 'b');
CREATE USER MAPPING FOR CURRENT_USER SERVER clio_us OPTIONS (access_token 'b', refresh_token 'c');

CREATE SERVER direct FOREIGN DATA WRAPPER clio_fdw OPTIONS (base_url :'sandbox_url');
CREATE USER MAPPING FOR CURRENT_USER SERVER direct OPTIONS (
  access_token 'an-expired-token', refresh_token 'sandbox-refresh-token',
  client_id 'sandbox-client-id', client_secret 'sandbox-client-secret');
CREATE FOREIGN TABLE direct_users (id bigint, name text) SERVER direct OPTIONS (resource 'users');
CALL sandbox.clear();
SELECT count(id) FROM direct_users;                     -- 401, refresh, again
SELECT count(id) FROM direct_users;                     -- the new token is kept
SELECT method, path, status,
       headers->>'authorization' = 'Bearer an-expired-token' AS old_token,
       headers ? 'authorization' AS bearer,
       body LIKE 'grant_type=refresh_token&%' AS refresh
  FROM sandbox.requests() ORDER BY seq;
-- the token expires: refreshed again, once
SELECT sandbox.call('POST', '/_sandbox/expire_tokens') IS NOT NULL AS expired;
CALL sandbox.clear();
SELECT count(id) FROM direct_users;
SELECT method, path, status FROM sandbox.requests() ORDER BY seq;
-- changing the user mapping forgets the refreshed token
ALTER USER MAPPING FOR CURRENT_USER SERVER direct OPTIONS (SET refresh_token 'revoked-token');
SELECT count(id) FROM direct_users;
SELECT sqlstate_of('SELECT count(id) FROM direct_users');
-- a refresh token alone is enough
ALTER USER MAPPING FOR CURRENT_USER SERVER direct
  OPTIONS (DROP access_token, SET refresh_token 'sandbox-refresh-token');
CALL sandbox.clear();
SELECT count(id) FROM direct_users;
SELECT method, path, status FROM sandbox.requests() ORDER BY seq;
-- no secret in any of it
SELECT count(*) AS leaks FROM sandbox.requests()
 WHERE path LIKE '%sandbox-client-secret%' OR path LIKE '%refresh-token%';

-- -------------------------------------------------------------------
-- who am I
-- -------------------------------------------------------------------
SELECT id, name, email, enabled, subscription_type FROM clio_who_am_i('clio');
-- not PUBLIC's (see clio_hostile_guards): granted, with USAGE on the server
GRANT EXECUTE ON FUNCTION clio_who_am_i(name) TO regress_clio_second;
SET ROLE regress_clio_second;
SELECT id, name FROM clio_who_am_i('maton');
RESET ROLE;
REVOKE EXECUTE ON FUNCTION clio_who_am_i(name) FROM regress_clio_second;

-- -------------------------------------------------------------------
-- documents: download (a redirect to storage, without the credential)
-- -------------------------------------------------------------------
CALL sandbox.clear();
SELECT length(clio_document_download('clio', 50000001)) > 0 AS bytes;
SELECT length(clio_document_download('clio', 50000141)) AS empty_document;
SELECT length(clio_document_download('clio', 50000281)) > 3000000 AS three_mb;
SELECT method, regexp_replace(path, '[0-9]+', 'N', 'g') AS path, status, listener,
       headers ? 'authorization' AS with_credential,
       headers ? 'x-api-version' AS clio_header
  FROM sandbox.requests() ORDER BY seq;
SELECT clio_document_download('clio', 59999999);
-- a download can be cancelled mid-way
SELECT sandbox.call('POST', '/_sandbox/faults',
  '{"rules": [{"path": "^/files/", "action": "slow", "trickle_ms": 200, "chunk_bytes": 1024}]}') IS NOT NULL AS slow;
SET statement_timeout = '500ms';
SELECT * FROM cancel_delay($$SELECT length(clio_document_download('clio', 50000281))$$);
RESET statement_timeout;
CALL sandbox.clear_faults();

-- upload: create, PUT to storage, mark fully uploaded; round trips
CREATE FUNCTION round_trip(content bytea, filename text) RETURNS TABLE (same boolean, size bigint)
LANGUAGE plpgsql AS $$
DECLARE
  id bigint;
  back bytea;
BEGIN
  id := clio_document_upload('clio', 'Matter', 20000082, filename, content);
  back := clio_document_download('clio', id);
  same := back = content;
  size := length(back);
  RETURN NEXT;
END $$;
CALL sandbox.clear();
SELECT * FROM round_trip('', 'empty.txt');
SELECT method, regexp_replace(regexp_replace(path, '^/(uploads|files)/.*', '/\1/...'), '[0-9]+', 'N', 'g') AS path,
       status, listener, headers ? 'authorization' AS with_credential
  FROM sandbox.requests() ORDER BY seq;
SELECT * FROM round_trip('\x00', 'one.bin');
SELECT * FROM round_trip('\xfffe00d8c3280a0d', 'not-utf8.bin');
SELECT * FROM round_trip(convert_to(repeat('clio_fdw ', 400000), 'UTF8'), 'big.txt');
SELECT * FROM round_trip(convert_to('Tomás Álvarez — engagement', 'UTF8'), 'Álvarez engagement.txt');
SELECT name, parent_id, content_type IS NOT NULL AS typed FROM clio.documents
 WHERE name IN ('one.bin', 'Álvarez engagement.txt') ORDER BY name;
SELECT clio_document_upload('clio', 'Planet', 1, 'x', '');
SELECT clio_document_upload('clio', 'Matter', 20000002, 'x', '');

SET client_min_messages = warning;
DROP SERVER maton, maton_bad, clio_us, direct CASCADE;
DROP ROLE regress_clio_second;
