-- ===================================================================
-- clio_hostile_guards: paging that loops (the same token, two that
-- alternate, a long loop, ever new tokens, empty pages, an offset that
-- does not move) is an error after a few requests, in scans and ANALYZE;
-- next links naming another host, collection or fields change nothing;
-- option values with separators, control and non-ASCII characters are
-- refused or sent exactly; records without an id or with one twice; the
-- SQL functions' USAGE check, their user mapping, EXECUTE, and no OAuth
-- token to Maton's control host (test/hostile/scn_guards.py).
-- ===================================================================
\getenv abs_srcdir PG_ABS_SRCDIR
\set clio_env :abs_srcdir '/sql/include/clio_env.sql'
\i :clio_env
\set hostile_env :abs_srcdir '/sql/include/hostile_env.sql'
\i :hostile_env
\getenv sandbox_url CLIO_SANDBOX_URL
\getenv sandbox_key CLIO_SANDBOX_KEY
-- (hostile_env sets the scenarios' address in the session that creates
-- its schema only: after another hostile suite, in this one too)
\getenv hostile_url CLIO_HOSTILE_URL
SELECT set_config('clio_test.hostile_url', :'hostile_url', false) IS NOT NULL AS hostile_url_set \gset
CALL sandbox.reset();
-- a loop that is not caught ends here instead of running on
SET statement_timeout = '10s';

-- -------------------------------------------------------------------
-- paging loops: an error naming the table, after a few requests
-- -------------------------------------------------------------------
CALL hostile.serve('g_same');
CALL hostile.clear();
SELECT id FROM h_g_same.matters;
SELECT count(*) AS requests, count(DISTINCT query) AS distinct_requests FROM hostile.log('g_same');
CALL hostile.serve('g_alt');
CALL hostile.clear();
SELECT id FROM h_g_alt.matters;
SELECT seq, query FROM hostile.log('g_alt') WHERE seq <= 5;
-- a loop of 40 tokens, beyond the 8 remembered: caught by the mark
-- (Brent) within three times its length, though meta.records says a million
CALL hostile.serve('g_long');
CALL hostile.clear();
SELECT count(*) FROM h_g_long.matters;
SELECT count(*) BETWEEN 41 AND 130 AS caught_soon FROM hostile.log('g_long');
-- never a repeat, but far more pages than Clio's count of 5 records
CALL hostile.serve('g_endless');
CALL hostile.clear();
SELECT count(*) FROM h_g_endless.matters;
SELECT count(*) AS requests FROM hostile.log('g_endless');
CALL hostile.serve('g_empty');
CALL hostile.clear();
SELECT count(*) FROM h_g_empty.matters;
SELECT count(*) AS requests FROM hostile.log('g_empty');
CALL hostile.serve('g_offset');
CALL hostile.clear();
SELECT count(*) FROM h_g_offset.matters;
SELECT seq, query FROM hostile.log('g_offset') WHERE seq <= 5;
-- the SQLSTATE is HV000 (fdw_error), never retried
CALL hostile.clear();
SELECT sqlstate_of('SELECT id FROM h_g_same.matters');
SELECT count(*) AS requests FROM hostile.log('g_same');
-- ANALYZE, which reads a small table whole, page after page
CREATE FOREIGN TABLE h_g_same.few (id bigint, display_number text)
  SERVER h_g_same OPTIONS (resource 'matters');
CREATE FOREIGN TABLE h_g_empty.few (id bigint, display_number text)
  SERVER h_g_empty OPTIONS (resource 'matters');
CALL hostile.clear();
ANALYZE h_g_same.few;
SELECT count(*) AS requests FROM hostile.log('g_same');
CALL hostile.clear();
ANALYZE h_g_empty.few;
SELECT count(*) AS requests FROM hostile.log('g_empty');
-- a mirror refresh pages through the scan: the same error, recorded
CREATE FOREIGN TABLE h_g_alt.few (id bigint, display_number text)
  SERVER h_g_alt OPTIONS (resource 'matters');
SELECT clio_mirror('h_g_alt.few', 'h_g_alt.few_mirror');
CALL hostile.clear();
CALL clio_refresh('h_g_alt.few_mirror');
SELECT last_error FROM clio_mirrors WHERE target = 'h_g_alt.few_mirror'::regclass;
SELECT count(*) AS requests FROM hostile.log('g_alt');
SELECT clio_mirror_drop('h_g_alt.few_mirror');

-- -------------------------------------------------------------------
-- a next link naming another host, collection and fields: only its
-- page_token is taken; the request stays on base_url with the scan's
-- own fields (and the token's '&' and '=' stay inside the token)
-- -------------------------------------------------------------------
CALL hostile.serve('g_away');
CALL hostile.clear();
SELECT id, display_number FROM h_g_away.matters;
SELECT seq, path, query, host = split_part(current_setting('clio_test.hostile_url'), '/', 3) AS same_host
  FROM hostile.log('g_away');

-- -------------------------------------------------------------------
-- option values: control characters are refused where they would reach
-- a header; anything else is sent exactly
-- -------------------------------------------------------------------
CALL hostile.serve('g_echo');
ALTER USER MAPPING FOR CURRENT_USER SERVER h_g_echo OPTIONS (SET api_key E'k\r\nX-Evil: 1');
ALTER USER MAPPING FOR CURRENT_USER SERVER h_g_echo OPTIONS (SET api_key E'k\nX');
ALTER USER MAPPING FOR CURRENT_USER SERVER h_g_echo OPTIONS (ADD connection_id E'c\r\nX-Evil: 1');
ALTER SERVER h_g_echo OPTIONS (ADD connection_id E'c\rX');
ALTER SERVER h_g_echo OPTIONS (ADD api_version E'4.0.9\r\nX-Evil: 1');
ALTER SERVER h_g_echo OPTIONS (SET base_url 'http://127.0.0.1:1/a b');
ALTER SERVER h_g_echo OPTIONS (SET base_url 'http://127.0.0.1:1/a?fields=secret');
ALTER SERVER h_g_echo OPTIONS (SET base_url 'http://127.0.0.1:1/a#x');
ALTER SERVER h_g_echo OPTIONS (SET base_url E'http://127.0.0.1:1/a\nb');
ALTER FOREIGN TABLE h_g_echo.matters ALTER COLUMN description OPTIONS (ADD field 'description,secret');
ALTER FOREIGN TABLE h_g_echo.matters ALTER COLUMN description OPTIONS (ADD field 'client{secret}');
ALTER FOREIGN TABLE h_g_echo.matters OPTIONS (ADD page_size '10&x=1');
-- accepted: separators, spaces, '%', braces, non-ASCII
ALTER USER MAPPING FOR CURRENT_USER SERVER h_g_echo
  OPTIONS (SET api_key 'k&e=y#z%41,{a} b é€', ADD connection_id 'c&d=e#f%2C,{g} h ü');
SELECT description::jsonb->>'authorization' = 'Bearer k&e=y#z%41,{a} b é€' AS key_exact,
       description::jsonb->>'maton_connection' = 'c&d=e#f%2C,{g} h ü' AS connection_exact,
       description::jsonb->'headers' AS headers
  FROM h_g_echo.matters;
-- values in conditions and ids: percent-encoded, never a new parameter or path
CALL hostile.clear();
SELECT count(*) FROM h_g_echo.matters WHERE status = 'Open&fields=secret#x é';
SELECT count(*) FROM h_g_echo.calendar_entries WHERE id = '1/../../contacts/7.json?fields=x#y';
SELECT seq, path, query FROM hostile.log('g_echo');

-- -------------------------------------------------------------------
-- records without an id, and an id twice in one page: rows as Clio sent
-- them (no structure grows with a scan's rows); a write that needs the id
-- is refused before it is sent; a mirror refuses both (its primary key)
-- -------------------------------------------------------------------
CALL hostile.serve('g_noid');
CALL hostile.clear();
CREATE FOREIGN TABLE h_g_noid.few (id bigint, display_number text)
  SERVER h_g_noid OPTIONS (resource 'matters');
SELECT id, display_number FROM h_g_noid.few;
UPDATE h_g_noid.few SET display_number = 'x';
DELETE FROM h_g_noid.few;
SELECT method, count(*) FROM hostile.log('g_noid') GROUP BY 1 ORDER BY 1;
SELECT clio_mirror('h_g_noid.few', 'h_g_noid.few_mirror');
CALL clio_refresh('h_g_noid.few_mirror');
SELECT clio_mirror_drop('h_g_noid.few_mirror');
CALL hostile.serve('g_dupid');
CALL hostile.clear();
SELECT id, display_number FROM h_g_dupid.matters ORDER BY id;
CREATE FOREIGN TABLE h_g_dupid.few (id bigint, display_number text)
  SERVER h_g_dupid OPTIONS (resource 'matters');
SELECT clio_mirror('h_g_dupid.few', 'h_g_dupid.few_mirror');
CALL clio_refresh('h_g_dupid.few_mirror');
SELECT clio_mirror_drop('h_g_dupid.few_mirror');
RESET statement_timeout;

-- -------------------------------------------------------------------
-- privileges of the SQL functions: EXECUTE revoked from PUBLIC where a
-- function exposes data; USAGE on the server checked before any request,
-- whatever user mapping the role could use
-- -------------------------------------------------------------------
SELECT p.proname, has_function_privilege('public', p.oid, 'EXECUTE') AS public_execute
  FROM pg_proc p JOIN pg_depend d ON d.objid = p.oid AND d.classid = 'pg_proc'::regclass
  JOIN pg_extension e ON e.oid = d.refobjid AND e.extname = 'clio_fdw'
 WHERE p.proname LIKE 'clio\_%' AND p.prokind = 'f'
   AND p.proname NOT IN ('clio_fdw_handler', 'clio_fdw_validator', 'clio_mirror_lock_key',
                         'clio_mirror_check_owner')
 ORDER BY 1;
CREATE SERVER g_priv FOREIGN DATA WRAPPER clio_fdw
  OPTIONS (base_url :'sandbox_url', ctrl_url :'sandbox_url');
CREATE FOREIGN TABLE g_priv_matters (id bigint) SERVER g_priv OPTIONS (resource 'matters');
CREATE ROLE regress_guard_user;
GRANT EXECUTE ON FUNCTION clio_connections(name, text, text), clio_create_connection(name),
  clio_delete_connection(name, text), clio_who_am_i(name), clio_document_download(name, bigint),
  clio_document_upload(name, text, bigint, text, bytea) TO regress_guard_user;
-- each function as the role, as its SQLSTATE
CREATE FUNCTION g_each(srv text) RETURNS TABLE (fn text, sqlstate text) LANGUAGE sql AS $$
  VALUES ('clio_connections', sqlstate_of(format('SELECT * FROM clio_connections(%L)', srv))),
         ('clio_create_connection', sqlstate_of(format('SELECT * FROM clio_create_connection(%L)', srv))),
         ('clio_delete_connection', sqlstate_of(format('SELECT clio_delete_connection(%L, %L)', srv, '00000000-0000-0000-0000-000000000000'))),
         ('clio_who_am_i', sqlstate_of(format('SELECT * FROM clio_who_am_i(%L)', srv))),
         ('clio_document_download', sqlstate_of(format('SELECT clio_document_download(%L, 50000001)', srv))),
         ('clio_document_upload', sqlstate_of(format('SELECT clio_document_upload(%L, %L, 1, %L, %L::bytea)', srv, 'Matter', 'a.txt', 'x'))),
         ('clio_mirror_count', sqlstate_of('SELECT clio_mirror_count(''g_priv_matters'')'))
$$;
-- (a) a PUBLIC user mapping, no USAGE
CREATE USER MAPPING FOR PUBLIC SERVER g_priv OPTIONS (api_key :'sandbox_key');
CALL sandbox.clear();
SET ROLE regress_guard_user;
SELECT * FROM clio_who_am_i('g_priv');
SELECT count(*) FROM clio_connections('g_priv');
SELECT clio_mirror_count('g_priv_matters');
SELECT * FROM g_each('g_priv');
RESET ROLE;
SELECT count(*) AS requests FROM sandbox.requests();
-- with USAGE the PUBLIC mapping is used, as PostgreSQL allows
GRANT USAGE ON FOREIGN SERVER g_priv TO regress_guard_user;
GRANT SELECT ON g_priv_matters TO regress_guard_user;
SET ROLE regress_guard_user;
SELECT id, name FROM clio_who_am_i('g_priv');
SELECT clio_mirror_count('g_priv_matters') > 0 AS counted;
RESET ROLE;
SELECT method, path, headers->>'authorization' = 'Bearer ' || current_setting('clio_test.key') AS public_key
  FROM sandbox.requests() ORDER BY seq;
-- (b) the role's own mapping, left after USAGE was revoked
CREATE USER MAPPING FOR regress_guard_user SERVER g_priv OPTIONS (api_key :'sandbox_key');
REVOKE USAGE ON FOREIGN SERVER g_priv FROM regress_guard_user;
REVOKE SELECT ON g_priv_matters FROM regress_guard_user;
CALL sandbox.clear();
SET ROLE regress_guard_user;
SELECT * FROM g_each('g_priv');
RESET ROLE;
SELECT count(*) AS requests FROM sandbox.requests();
-- without EXECUTE, PostgreSQL's own refusal
REVOKE EXECUTE ON FUNCTION clio_who_am_i(name) FROM regress_guard_user;
SET ROLE regress_guard_user;
SELECT * FROM clio_who_am_i('g_priv');
RESET ROLE;

-- -------------------------------------------------------------------
-- an OAuth user mapping (straight to Clio) never reaches ctrl_url: the
-- connection functions refuse it before any request
-- -------------------------------------------------------------------
CREATE SERVER g_oauth FOREIGN DATA WRAPPER clio_fdw
  OPTIONS (base_url :'sandbox_url', ctrl_url :'sandbox_url');
CREATE USER MAPPING FOR CURRENT_USER SERVER g_oauth OPTIONS (access_token 'g-oauth-token');
CALL sandbox.clear();
SELECT * FROM clio_connections('g_oauth');
SELECT * FROM g_each('g_oauth') WHERE fn LIKE '%connection%';
ALTER USER MAPPING FOR CURRENT_USER SERVER g_oauth OPTIONS (DROP access_token,
  ADD refresh_token 'g-refresh', ADD client_id 'g-id', ADD client_secret 'g-secret');
SELECT * FROM g_each('g_oauth') WHERE fn LIKE '%connection%';
-- (g_each calls the other functions too, which go to base_url; Maton's
-- control API is /connections)
SELECT count(*) FILTER (WHERE path LIKE '/connections%') AS sent_to_ctrl_url FROM sandbox.requests();

DROP FUNCTION g_each(text);
DROP SERVER g_priv CASCADE;
DROP SERVER g_oauth CASCADE;
REVOKE ALL ON FUNCTION clio_connections(name, text, text), clio_create_connection(name),
  clio_delete_connection(name, text), clio_document_download(name, bigint),
  clio_document_upload(name, text, bigint, text, bytea) FROM regress_guard_user;
DROP ROLE regress_guard_user;
