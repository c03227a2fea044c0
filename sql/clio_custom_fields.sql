-- ===================================================================
-- clio_custom_fields: custom fields as typed columns -- import, read,
-- filter, write.
-- ===================================================================
\getenv abs_srcdir PG_ABS_SRCDIR
\set clio_env :abs_srcdir '/sql/include/clio_env.sql'
\i :clio_env
CALL sandbox.reset();

CREATE VIEW cf_sent AS
  SELECT method, regexp_replace(path, '/[0-9]+\.json$', '/{id}.json') AS path,
         params - 'fields' AS params, params->'fields'->>0 AS fields,
         body::jsonb AS body, status
    FROM sandbox.requests() ORDER BY seq;

SELECT a.attnum > 57 AS custom, a.attname, format_type(a.atttypid, a.atttypmod),
       a.attfdwoptions, col_description(a.attrelid, a.attnum)
  FROM pg_attribute a
 WHERE a.attrelid = 'clio.matters'::regclass AND a.attfdwoptions IS NOT NULL
 ORDER BY a.attnum;
SELECT id, opposing_party, case_value, referral_source FROM clio.matters
 WHERE referral_source IS NOT NULL ORDER BY id LIMIT 5;
SELECT * FROM cf_sent;
CALL sandbox.clear();
EXPLAIN (VERBOSE, COSTS OFF)
SELECT id, referral_source FROM clio.matters WHERE referral_source = 'Website';
SELECT count(*) FROM clio.matters WHERE referral_source = 'Website';
SELECT * FROM cf_sent;
