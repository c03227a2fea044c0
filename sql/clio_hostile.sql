-- ===================================================================
-- clio_hostile: the hostile server itself (test/hostile) answers as a
-- well-behaved Clio on its "ok" scenario, so that what the other
-- clio_hostile_* suites see is the scenario's doing, not the harness's
-- ===================================================================
\getenv abs_srcdir PG_ABS_SRCDIR
\set clio_env :abs_srcdir '/sql/include/clio_env.sql'
\i :clio_env
\set hostile_env :abs_srcdir '/sql/include/hostile_env.sql'
\i :hostile_env

CALL hostile.serve('ok');
SELECT id, display_number FROM h_ok.matters ORDER BY id;
SELECT method, path, query, auth IS NOT NULL AS has_key FROM hostile.log('ok');
CALL hostile.clear();
SELECT count(*) FROM hostile.log('ok');
