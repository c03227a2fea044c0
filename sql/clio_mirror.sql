-- ===================================================================
-- clio_mirror: local mirrors of foreign tables, refreshed incrementally
-- (clio_mirror, clio_refresh, clio_mirrors, clio_mirror_drop), asserted
-- against the requests the sandbox received.
-- ===================================================================
\getenv abs_srcdir PG_ABS_SRCDIR
\set clio_env :abs_srcdir '/sql/include/clio_env.sql'
\i :clio_env
\set VERBOSITY terse
CALL sandbox.reset();

-- The upgrade from 1.0 gives the objects of a fresh 1.1, definitions and all
SELECT current_database() AS home \gset
CREATE DATABASE clio_upgrade;
CREATE DATABASE clio_fresh;
\c clio_upgrade
SET client_min_messages = warning;
CREATE EXTENSION clio_fdw VERSION '1.0';
ALTER EXTENSION clio_fdw UPDATE;
SELECT extversion FROM pg_extension WHERE extname = 'clio_fdw';
-- every object of the extension, with a digest of its definition
\set objects 'SELECT string_agg(pg_describe_object(classid, objid, 0) || coalesce(md5(CASE WHEN classid = ''pg_proc''::regclass THEN pg_get_functiondef(objid) WHEN classid = ''pg_class''::regclass THEN (SELECT string_agg(attname || format_type(atttypid, atttypmod), '','' ORDER BY attnum) FROM pg_attribute WHERE attrelid = objid AND attnum > 0) || coalesce(pg_get_viewdef(objid), '''') END), ''''), E''\\n'' ORDER BY 1) FROM pg_depend WHERE refclassid = ''pg_extension''::regclass AND deptype = ''e'' AND refobjid = (SELECT oid FROM pg_extension WHERE extname = ''clio_fdw'')'
SELECT (:objects) AS objects \gset upgraded_
SELECT polname, pg_get_expr(polqual, polrelid) AS qual FROM pg_policy \gset upgraded_
\c clio_fresh
SET client_min_messages = warning;
CREATE EXTENSION clio_fdw;
SELECT (:objects) = :'upgraded_objects' AS same_objects,
       (SELECT polname || pg_get_expr(polqual, polrelid) FROM pg_policy) = :'upgraded_polname' || :'upgraded_qual' AS same_policy,
       (SELECT extconfig = ARRAY['clio_mirror_registry'::regclass]::oid[] FROM pg_extension WHERE extname = 'clio_fdw') AS dumped;
\c :home
DROP DATABASE clio_upgrade;
DROP DATABASE clio_fresh;
\set VERBOSITY terse

-- Options of the refresh are validated like the others
SELECT sqlstate_of($$ALTER SERVER clio OPTIONS (ADD refresh_reserve '-1')$$) AS negative_reserve,
       sqlstate_of($$ALTER SERVER clio OPTIONS (ADD refresh_batch '20000')$$) AS batch_past_cap,
       sqlstate_of($$ALTER FOREIGN TABLE clio.activities OPTIONS (ADD refresh_batch '1000')$$) AS table_option;

-- A mirror: the source's columns and types, a primary key, and no request
CALL sandbox.clear();
SELECT clio_mirror('clio.activities');
SELECT count(*) AS requests FROM sandbox.requests();
SELECT (SELECT string_agg(attname || ' ' || format_type(atttypid, atttypmod), ', ' ORDER BY attnum)
          FROM pg_attribute WHERE attrelid = 'clio.activities'::regclass AND attnum > 0) =
       (SELECT string_agg(attname || ' ' || format_type(atttypid, atttypmod), ', ' ORDER BY attnum)
          FROM pg_attribute WHERE attrelid = 'clio_mirror.activities'::regclass AND attnum > 0) AS same_columns,
       (SELECT pg_get_constraintdef(oid) FROM pg_constraint WHERE conrelid = 'clio_mirror.activities'::regclass AND contype = 'p') AS key;
SELECT target, source, rows, refreshed_at, watermark, last_requests, last_error, in_progress FROM clio_mirrors;

-- Refusals
CREATE TABLE local_table (id bigint);
CREATE FOREIGN TABLE clio.no_id (etag text) SERVER clio OPTIONS (resource 'activities');
SELECT clio_mirror('local_table');
SELECT clio_mirror('clio.no_id');
SELECT clio_mirror('clio.activities');
SELECT clio_mirror('clio.activities', 'a.b.c');
CALL clio_refresh('local_table');
SELECT clio_mirror_drop('local_table');
BEGIN;
CALL clio_refresh('clio_mirror.activities');
ROLLBACK;
DROP TABLE local_table;
DROP FOREIGN TABLE clio.no_id;

-- The first copy, in batches of 1000 in updated_at order (the server's
-- refresh_batch), is cut by a network failure in its second batch (every
-- request answered 503 after the first 7; one retry): the first batch
-- stays, the error is recorded, nothing is left in progress.
ALTER SERVER clio OPTIONS (ADD refresh_batch '1000', ADD max_retries '1');
CALL sandbox.clear();
SELECT jsonb_array_length(sandbox.call('POST', '/_sandbox/faults',
  '{"rules":[{"path":"^/api/v4/activities","nth":8,"count":0,"action":"503","retry_after":0}]}')->'rules') AS rules;
CALL clio_refresh('clio_mirror.activities');
SELECT count(*) AS mirrored, count(DISTINCT id) = count(*) AS no_duplicates FROM clio_mirror.activities;
SELECT rows, refreshed_at, watermark IS NOT NULL AS has_watermark, last_requests, last_error, in_progress
  FROM clio_mirrors WHERE target = 'clio_mirror.activities'::regclass;
-- what was sent: the count, then pages of updated_at >= watermark in that order
SELECT row_number() OVER (ORDER BY seq) AS n, status, params->'updated_since' AS updated_since, params->'order' AS "order",
       params->'offset' AS "offset", params->'limit' AS "limit"
  FROM sandbox.requests() ORDER BY seq;

-- The next refresh goes on from the watermark, not from the start
CALL sandbox.clear();
CALL clio_refresh('clio_mirror.activities');
SELECT count(*) AS requests, min(params->'updated_since'->>0) > '1970' AS from_the_watermark,
       bool_and(params->'order'->>0 = 'updated_at(asc)' OR params->'limit'->>0 = '1') AS ordered
  FROM sandbox.requests();
SELECT rows, refreshed_at IS NOT NULL AS refreshed, last_requests, last_error, in_progress
  FROM clio_mirrors WHERE target = 'clio_mirror.activities'::regclass;

-- The mirror is the foreign table, row for row, every column (jsonb,
-- text[], timestamps, numerics)
SELECT (SELECT count(*) FROM (SELECT * FROM clio.activities EXCEPT SELECT * FROM clio_mirror.activities) d) AS missing,
       (SELECT count(*) FROM (SELECT * FROM clio_mirror.activities EXCEPT SELECT * FROM clio.activities) d) AS extra,
       (SELECT count(*) FROM clio_mirror.activities) AS mirrored;

-- Changes in Clio: three records changed by another user, one created.
-- The refresh asks for updated_since (the watermark less the overlap) and
-- rewrites exactly those rows.
CREATE TEMP TABLE before AS SELECT id, xmin::text AS x FROM clio_mirror.activities;
SELECT sandbox.call('POST', '/_sandbox/mutate',
         jsonb_build_object('collection', 'activities', 'id', id,
                            'fields', jsonb_build_object('note', 'changed in Clio ' || n))) IS NOT NULL AS mutated
  FROM (SELECT id, row_number() OVER (ORDER BY id) AS n FROM clio_mirror.activities ORDER BY id LIMIT 3) a;
INSERT INTO clio.activities (type, date, quantity, note, matter_id)
  VALUES ('TimeEntry', '2026-11-30', 3600, 'created for the mirror', 20000001);
CALL sandbox.clear();
CALL clio_refresh('clio_mirror.activities');
SELECT count(*) AS requests, bool_and(params ? 'updated_since') AS updated_since,
       bool_and(params->'updated_since'->>0 < to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS')) AS before_now
  FROM sandbox.requests();
SELECT m.note, b.id IS NULL AS is_new
  FROM clio_mirror.activities m LEFT JOIN before b ON b.id = m.id
 WHERE b.id IS NULL OR b.x <> m.xmin::text ORDER BY m.id;
SELECT (SELECT count(*) FROM (SELECT * FROM clio.activities EXCEPT SELECT * FROM clio_mirror.activities) d) AS missing,
       (SELECT count(*) FROM (SELECT * FROM clio_mirror.activities EXCEPT SELECT * FROM clio.activities) d) AS extra;

-- No change in Clio: one request, and no row rewritten (same xmin, no
-- dead tuple)
DROP TABLE before;
CREATE TEMP TABLE before AS SELECT id, xmin::text AS x FROM clio_mirror.activities;
SELECT pg_stat_force_next_flush();
SELECT n_tup_upd AS updates_before FROM pg_stat_user_tables WHERE relid = 'clio_mirror.activities'::regclass \gset
CALL sandbox.clear();
CALL clio_refresh('clio_mirror.activities');
SELECT count(*) AS requests FROM sandbox.requests();
SELECT count(*) AS rewritten FROM clio_mirror.activities m JOIN before b USING (id) WHERE b.x <> m.xmin::text;
SELECT pg_stat_force_next_flush();
SELECT n_tup_upd - :updates_before AS updates FROM pg_stat_user_tables WHERE relid = 'clio_mirror.activities'::regclass;
SELECT last_requests FROM clio_mirrors WHERE target = 'clio_mirror.activities'::regclass;

-- Deleted in Clio: a refresh does not see it, a reconcile removes it,
-- reading ids only, 200 a page
SELECT id AS deleted_id FROM clio_mirror.activities WHERE note = 'created for the mirror' \gset
DELETE FROM clio.activities WHERE id = :deleted_id;
CALL clio_refresh('clio_mirror.activities');
SELECT count(*) AS still_there FROM clio_mirror.activities WHERE id = :deleted_id;
CALL sandbox.clear();
CALL clio_refresh('clio_mirror.activities', reconcile => true);
SELECT count(*) AS still_there FROM clio_mirror.activities WHERE id = :deleted_id;
SELECT params->'fields'->>0 AS fields, params->'limit'->>0 AS "limit", count(*) AS requests
  FROM sandbox.requests() WHERE NOT params ? 'updated_since' GROUP BY 1, 2;
SELECT (SELECT count(*) FROM (SELECT * FROM clio.activities EXCEPT SELECT * FROM clio_mirror.activities) d) AS missing,
       (SELECT count(*) FROM (SELECT * FROM clio_mirror.activities EXCEPT SELECT * FROM clio.activities) d) AS extra;
SELECT rows = (SELECT count(*) FROM clio_mirror.activities) AS rows_counted FROM clio_mirrors
 WHERE target = 'clio_mirror.activities'::regclass;

-- More records than a batch share one updated_at (one bulk action in
-- Clio): with batches of 200, the 250 records changed in one second are all
-- taken, and the refresh ends (the rest in one statement, in id order)
ALTER SERVER clio OPTIONS (SET refresh_batch '200');
SELECT count(*) AS mutated
  FROM (SELECT sandbox.call('POST', '/_sandbox/mutate',
                 jsonb_build_object('collection', 'activities', 'id', id, 'at', 1893456000,
                                    'fields', jsonb_build_object('note', 'bulk')))
          FROM (SELECT id FROM clio_mirror.activities ORDER BY id DESC LIMIT 250) a) m;
CALL sandbox.clear();
CALL clio_refresh('clio_mirror.activities');
SELECT count(*) AS bulk FROM clio_mirror.activities WHERE note = 'bulk';
SELECT count(*) AS requests, count(*) FILTER (WHERE params ? 'order') AS ordered FROM sandbox.requests();
SELECT (SELECT count(*) FROM (SELECT * FROM clio.activities EXCEPT SELECT * FROM clio_mirror.activities) d) AS missing,
       (SELECT count(*) FROM (SELECT * FROM clio_mirror.activities EXCEPT SELECT * FROM clio.activities) d) AS extra;
ALTER SERVER clio OPTIONS (SET refresh_batch '1000');

-- A collection Clio cannot order by updated_at (contacts) is copied in one
-- statement; into a table of another schema.  The reserve: with 6
-- requests a 2-second window and a reserve of 5, the refresh waits for the
-- window rather than take the last requests, and says so; no 429.
CREATE SCHEMA reports;
SELECT clio_mirror('clio.contacts', 'reports.clients');
ALTER SERVER clio OPTIONS (ADD refresh_reserve '5');
CALL sandbox.clear();
SELECT sandbox.call('POST', '/_sandbox/config', '{"rate_limit": 6, "rate_window": 2}') IS NOT NULL AS limited;
CALL clio_refresh('reports.clients');
SELECT sandbox.call('POST', '/_sandbox/config', '{"rate_limit": 0, "rate_window": 60}') IS NOT NULL AS unlimited;
SELECT count(*) AS requests, count(*) FILTER (WHERE status = 429) AS rate_limited,
       bool_or(params ? 'order') AS ordered
  FROM sandbox.requests();
SELECT (SELECT count(*) FROM (SELECT * FROM clio.contacts EXCEPT SELECT * FROM reports.clients) d) AS missing,
       (SELECT count(*) FROM (SELECT * FROM reports.clients EXCEPT SELECT * FROM clio.contacts) d) AS extra,
       (SELECT count(*) FROM reports.clients) AS mirrored;
ALTER SERVER clio OPTIONS (DROP refresh_reserve);

-- A statement_timeout in the middle (a page that takes 3 s): cancelled
-- cleanly, recorded, and the next refresh completes
SELECT sandbox.call('POST', '/_sandbox/mutate',
         '{"collection":"contacts","id":10000001,"fields":{"title":"Changed"}}') IS NOT NULL AS mutated;
SELECT jsonb_array_length(sandbox.call('POST', '/_sandbox/faults',
  '{"rules":[{"path":"^/api/v4/contacts","action":"slow","delay_ms":3000}]}')->'rules') AS rules;
SET statement_timeout = '1s';
CALL clio_refresh('reports.clients');
RESET statement_timeout;
CALL sandbox.clear();
SELECT last_error, in_progress FROM clio_mirrors WHERE target = 'reports.clients'::regclass;
CALL clio_refresh('reports.clients');
SELECT title FROM reports.clients WHERE id = 10000001;
SELECT last_error, in_progress FROM clio_mirrors WHERE target = 'reports.clients'::regclass;

-- Permissions: another role neither refreshes nor drops a mirror it does
-- not own, and does not see it; its own mirror refreshes with its own user
-- mapping (here a key Clio refuses)
CREATE ROLE clio_mirror_other;
GRANT USAGE ON SCHEMA clio, clio_mirror TO clio_mirror_other;
GRANT CREATE ON SCHEMA clio_mirror TO clio_mirror_other;
GRANT SELECT ON clio.matters TO clio_mirror_other;
GRANT USAGE ON FOREIGN SERVER clio TO clio_mirror_other;
CREATE USER MAPPING FOR clio_mirror_other SERVER clio OPTIONS (api_key 'not-a-key-of-clio');
CALL sandbox.clear();
SET ROLE clio_mirror_other;
CALL clio_refresh('clio_mirror.activities');
SELECT clio_mirror_drop('clio_mirror.activities');
SELECT count(*) AS visible FROM clio_mirrors;
SELECT clio_mirror('clio.matters');
CALL clio_refresh('clio_mirror.matters');
RESET ROLE;
SELECT count(*) AS requests, bool_and(status = 401) AS refused FROM sandbox.requests();
SELECT target, rows, last_error, in_progress FROM clio_mirrors ORDER BY target::text;
SET ROLE clio_mirror_other;
SELECT clio_mirror_drop('clio_mirror.matters');
RESET ROLE;
DROP USER MAPPING FOR clio_mirror_other SERVER clio;
REVOKE ALL ON SCHEMA clio, clio_mirror FROM clio_mirror_other;
REVOKE ALL ON clio.matters FROM clio_mirror_other;
REVOKE ALL ON FOREIGN SERVER clio FROM clio_mirror_other;
DROP ROLE clio_mirror_other;

-- Every mirror, and a drop
SELECT target, source, rows, refreshed_at IS NOT NULL AS refreshed, watermark IS NOT NULL AS has_watermark,
       last_requests, last_error, in_progress FROM clio_mirrors ORDER BY target::text;
SELECT clio_mirror_drop('reports.clients');
SELECT to_regclass('reports.clients') AS dropped, count(*) AS mirrors FROM clio_mirrors;
DROP SCHEMA reports;
ALTER SERVER clio OPTIONS (DROP refresh_batch, DROP max_retries);
CALL sandbox.clear();
