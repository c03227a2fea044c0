-- ===================================================================
-- clio_options: every option, every way of getting one wrong.
-- Nothing here reaches the network.
-- ===================================================================
\getenv abs_srcdir PG_ABS_SRCDIR
\set clio_env :abs_srcdir '/sql/include/clio_env.sql'
\i :clio_env
\set VERBOSITY default
CALL sandbox.clear();

-- -------------------------------------------------------------------
-- server options
-- -------------------------------------------------------------------
CREATE SERVER s1 FOREIGN DATA WRAPPER clio_fdw;          -- all defaults
CREATE SERVER s2 FOREIGN DATA WRAPPER clio_fdw OPTIONS (
    base_url 'https://eu.app.clio.com/',
    connection_id '21fd90f9-5935-43cd-b6c8-bde9d915ca80',
    api_version '4.0.10',
    page_size '50',
    connect_timeout '5',
    request_timeout '2min');
ALTER SERVER s2 OPTIONS (SET connect_timeout '1500ms', SET request_timeout '90s');
ALTER SERVER s2 OPTIONS (SET connect_timeout '0.5');
SELECT srvname, srvoptions FROM pg_foreign_server WHERE srvname IN ('s1', 's2') ORDER BY 1;

-- plain http only to this machine
CREATE SERVER s3 FOREIGN DATA WRAPPER clio_fdw OPTIONS (base_url 'http://localhost:8080/clio');
CREATE SERVER s4 FOREIGN DATA WRAPPER clio_fdw OPTIONS (base_url 'http://127.0.0.1:9');
CREATE SERVER s5 FOREIGN DATA WRAPPER clio_fdw OPTIONS (base_url 'http://[::1]:9/');
CREATE SERVER bad FOREIGN DATA WRAPPER clio_fdw OPTIONS (base_url 'http://gateway.maton.ai/clio');
CREATE SERVER bad FOREIGN DATA WRAPPER clio_fdw OPTIONS (base_url 'http://localhost.evil.example/');
CREATE SERVER bad FOREIGN DATA WRAPPER clio_fdw OPTIONS (base_url 'ftp://app.clio.com');
CREATE SERVER bad FOREIGN DATA WRAPPER clio_fdw OPTIONS (base_url 'gateway.maton.ai/clio');
CREATE SERVER bad FOREIGN DATA WRAPPER clio_fdw OPTIONS (base_url 'https://');
CREATE SERVER bad FOREIGN DATA WRAPPER clio_fdw OPTIONS (base_url 'https://user:secret@app.clio.com');
CREATE SERVER bad FOREIGN DATA WRAPPER clio_fdw OPTIONS (base_url 'https://app.clio.com/?x=1');
CREATE SERVER bad FOREIGN DATA WRAPPER clio_fdw OPTIONS (base_url E'https://app.clio.com\r\nX-Evil: 1');

-- page_size: 1 to 200
CREATE SERVER bad FOREIGN DATA WRAPPER clio_fdw OPTIONS (page_size '0');
CREATE SERVER bad FOREIGN DATA WRAPPER clio_fdw OPTIONS (page_size '201');
CREATE SERVER bad FOREIGN DATA WRAPPER clio_fdw OPTIONS (page_size 'ten');
ALTER SERVER s2 OPTIONS (SET page_size '-5');

-- durations: seconds or a number with a unit, positive
CREATE SERVER bad FOREIGN DATA WRAPPER clio_fdw OPTIONS (connect_timeout '0');
CREATE SERVER bad FOREIGN DATA WRAPPER clio_fdw OPTIONS (connect_timeout '-1');
CREATE SERVER bad FOREIGN DATA WRAPPER clio_fdw OPTIONS (request_timeout 'soon');
CREATE SERVER bad FOREIGN DATA WRAPPER clio_fdw OPTIONS (request_timeout '10 parsecs');

-- api_version: 4.X.Y
CREATE SERVER bad FOREIGN DATA WRAPPER clio_fdw OPTIONS (api_version '5.0.0');
CREATE SERVER bad FOREIGN DATA WRAPPER clio_fdw OPTIONS (api_version 'latest');
CREATE SERVER bad FOREIGN DATA WRAPPER clio_fdw OPTIONS (api_version '4.0');

-- header-bound values cannot carry line breaks or be empty
CREATE SERVER bad FOREIGN DATA WRAPPER clio_fdw OPTIONS (connection_id E'abc\r\nAuthorization: Bearer x');
CREATE SERVER bad FOREIGN DATA WRAPPER clio_fdw OPTIONS (connection_id '');

-- unknown names get the closest valid one
CREATE SERVER bad FOREIGN DATA WRAPPER clio_fdw OPTIONS (baseurl 'https://app.clio.com');
CREATE SERVER bad FOREIGN DATA WRAPPER clio_fdw OPTIONS (page_sise '10');
CREATE SERVER bad FOREIGN DATA WRAPPER clio_fdw OPTIONS (colour 'blue');
-- options that belong elsewhere say where
CREATE SERVER bad FOREIGN DATA WRAPPER clio_fdw OPTIONS (api_key 'secret');
CREATE SERVER bad FOREIGN DATA WRAPPER clio_fdw OPTIONS (resource 'matters');
-- and the wrapper itself takes none
ALTER FOREIGN DATA WRAPPER clio_fdw OPTIONS (ADD page_size '10');

-- the other server options: region (not with base_url), the Maton
-- control API, retries, waits, sizes, ETags, estimates and costs
CREATE SERVER s6 FOREIGN DATA WRAPPER clio_fdw OPTIONS (
    region 'eu', ctrl_url 'https://ctrl.maton.ai/', max_retries '5',
    max_rate_limit_wait '2min', max_response_size '10MB', etag_check 'off',
    use_remote_estimate 'true', fdw_startup_cost '500', fdw_page_cost '250.5',
    fdw_tuple_cost '0');
SELECT srvoptions FROM pg_foreign_server WHERE srvname = 's6';
CREATE SERVER bad FOREIGN DATA WRAPPER clio_fdw OPTIONS (region 'antarctica');
CREATE SERVER bad FOREIGN DATA WRAPPER clio_fdw OPTIONS (region 'us', base_url 'https://app.clio.com');
CREATE SERVER bad FOREIGN DATA WRAPPER clio_fdw OPTIONS (ctrl_url 'http://ctrl.maton.ai');
CREATE SERVER bad FOREIGN DATA WRAPPER clio_fdw OPTIONS (max_retries '11');
CREATE SERVER bad FOREIGN DATA WRAPPER clio_fdw OPTIONS (max_retries 'many');
CREATE SERVER bad FOREIGN DATA WRAPPER clio_fdw OPTIONS (max_rate_limit_wait '0');
CREATE SERVER bad FOREIGN DATA WRAPPER clio_fdw OPTIONS (max_response_size '100');
CREATE SERVER bad FOREIGN DATA WRAPPER clio_fdw OPTIONS (max_response_size '2GB');
CREATE SERVER bad FOREIGN DATA WRAPPER clio_fdw OPTIONS (max_response_size 'big');
CREATE SERVER bad FOREIGN DATA WRAPPER clio_fdw OPTIONS (etag_check 'perhaps');
CREATE SERVER bad FOREIGN DATA WRAPPER clio_fdw OPTIONS (use_remote_estimate 'sometimes');
CREATE SERVER bad FOREIGN DATA WRAPPER clio_fdw OPTIONS (fdw_startup_cost '-1');
CREATE SERVER bad FOREIGN DATA WRAPPER clio_fdw OPTIONS (fdw_tuple_cost 'NaN');
CREATE SERVER bad FOREIGN DATA WRAPPER clio_fdw OPTIONS (fdw_page_cost 'cheap');

-- -------------------------------------------------------------------
-- user mapping options
-- -------------------------------------------------------------------
CREATE USER MAPPING FOR CURRENT_USER SERVER s1 OPTIONS (api_key 'k1');
ALTER USER MAPPING FOR CURRENT_USER SERVER s1 OPTIONS (SET api_key E'k1\nX-Evil: 1');
ALTER USER MAPPING FOR CURRENT_USER SERVER s1 OPTIONS (SET api_key '');
CREATE USER MAPPING FOR PUBLIC SERVER s1 OPTIONS (base_url 'https://app.clio.com');
CREATE USER MAPPING FOR PUBLIC SERVER s1 OPTIONS (apikey 'x');
-- an option cannot be given twice
ALTER USER MAPPING FOR CURRENT_USER SERVER s1 OPTIONS (ADD api_key 'k2');
-- Clio OAuth instead of a Maton key; connection_id per user mapping
CREATE USER MAPPING FOR CURRENT_USER SERVER s6 OPTIONS (
    access_token 't', refresh_token 'r', client_id 'c', client_secret 's',
    connection_id '6a3e1c44-8f0b-4b7e-9d52-0c1e2f3a4b5c');
ALTER USER MAPPING FOR CURRENT_USER SERVER s6 OPTIONS (ADD api_key 'k');
ALTER USER MAPPING FOR CURRENT_USER SERVER s6 OPTIONS (DROP client_secret);
ALTER USER MAPPING FOR CURRENT_USER SERVER s6 OPTIONS (SET connection_id E'x\ny');
ALTER USER MAPPING FOR CURRENT_USER SERVER s6 OPTIONS (SET refresh_token '');
-- secrets on a server or a table are refused, whichever
CREATE SERVER bad FOREIGN DATA WRAPPER clio_fdw OPTIONS (access_token 'x');
CREATE SERVER bad FOREIGN DATA WRAPPER clio_fdw OPTIONS (client_secret 'x');

-- -------------------------------------------------------------------
-- foreign table and column options
-- -------------------------------------------------------------------
CREATE FOREIGN TABLE t_ok (id bigint, name text OPTIONS (field 'display_number'))
    SERVER s1 OPTIONS (resource 'matters', page_size '10');
CREATE FOREIGN TABLE t_bad (id bigint) SERVER s1 OPTIONS (resource 'mattres');
CREATE FOREIGN TABLE t_bad (id bigint) SERVER s1 OPTIONS (resource 'invoices');
CREATE FOREIGN TABLE t_bad (id bigint) SERVER s1 OPTIONS (resource 'matters', page_size '500');
CREATE FOREIGN TABLE t_bad (id bigint) SERVER s1 OPTIONS (resource 'matters', base_url 'https://x');
CREATE FOREIGN TABLE t_bad (id bigint) SERVER s1 OPTIONS (resource 'matters', api_key 'x');
ALTER FOREIGN TABLE t_ok OPTIONS (ADD etag_check 'false', ADD use_remote_estimate 'on');
ALTER FOREIGN TABLE t_ok OPTIONS (SET etag_check 'maybe');
CREATE FOREIGN TABLE t_bad (id bigint) SERVER s1 OPTIONS (resourse 'matters');
CREATE FOREIGN TABLE t_bad (id bigint OPTIONS (field 'matter id')) SERVER s1 OPTIONS (resource 'matters');
CREATE FOREIGN TABLE t_bad (id bigint OPTIONS (field '')) SERVER s1 OPTIONS (resource 'matters');
CREATE FOREIGN TABLE t_bad (id bigint OPTIONS (feild 'id')) SERVER s1 OPTIONS (resource 'matters');
ALTER FOREIGN TABLE t_ok ALTER COLUMN name OPTIONS (SET field 'client.name');
ALTER FOREIGN TABLE t_ok OPTIONS (SET resource 'contacts');

-- A table without a resource is named after one; planning checks it
-- (EXPLAIN without ANALYZE sends no request).
CREATE FOREIGN TABLE matters (id bigint, display_number text) SERVER s1;
EXPLAIN (COSTS OFF) SELECT * FROM matters;
CREATE FOREIGN TABLE mattres (id bigint) SERVER s1;
EXPLAIN (COSTS OFF) SELECT * FROM mattres;
-- columns must name a field of the resource
CREATE FOREIGN TABLE t_col (id bigint, titel text) SERVER s1 OPTIONS (resource 'matters');
EXPLAIN (COSTS OFF) SELECT titel FROM t_col;
ALTER FOREIGN TABLE t_col ALTER COLUMN titel OPTIONS (ADD field 'status.x');
EXPLAIN (COSTS OFF) SELECT titel FROM t_col;
ALTER FOREIGN TABLE t_col ALTER COLUMN titel OPTIONS (SET field 'client.nosuch.deep');
ALTER FOREIGN TABLE t_col ALTER COLUMN titel OPTIONS (SET field 'client.name');
EXPLAIN (COSTS OFF) SELECT titel FROM t_col;

-- errors carry the SQLSTATEs an application can test for
SELECT sqlstate_of($$CREATE SERVER e FOREIGN DATA WRAPPER clio_fdw OPTIONS (nosuch '1')$$) AS unknown_option,
       sqlstate_of($$CREATE SERVER e FOREIGN DATA WRAPPER clio_fdw OPTIONS (page_size '0')$$) AS bad_value,
       sqlstate_of($$CREATE SERVER e FOREIGN DATA WRAPPER clio_fdw OPTIONS (api_key 'x')$$) AS secret_on_server;

-- none of this sent a request
SELECT count(*) AS requests FROM sandbox.requests();

SET client_min_messages = warning;
DROP SERVER s1, s2, s3, s4, s5, s6 CASCADE;
