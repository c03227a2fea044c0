-- ===================================================================
-- clio_custom_fields: custom fields as typed columns -- import, read,
-- filter and write them like any other column (issue 16).
-- ===================================================================
\getenv abs_srcdir PG_ABS_SRCDIR
\set clio_env :abs_srcdir '/sql/include/clio_env.sql'
\i :clio_env
CALL sandbox.reset();

CREATE VIEW cf_sent AS
  SELECT method, regexp_replace(path, '/[0-9]+\.json$', '/{id}.json') AS path,
         params - 'fields' - 'page_token' AS params,
         params->'fields'->>0 AS fields, body::jsonb AS body, status
    FROM sandbox.requests() ORDER BY seq;

-- A custom field's value in a record's custom_field_values, and a
-- picklist option's name
CREATE FUNCTION cfv(vals jsonb, cf int) RETURNS text LANGUAGE sql AS $$
  SELECT v->>'value' FROM jsonb_array_elements(vals) v
   WHERE (v->'custom_field'->>'id')::int = cf $$;
CREATE FUNCTION cfv_option(vals jsonb, cf int) RETURNS text LANGUAGE sql AS $$
  SELECT v->'picklist_option'->>'option' FROM jsonb_array_elements(vals) v
   WHERE (v->'custom_field'->>'id')::int = cf $$;

-- -------------------------------------------------------------------
-- IMPORT FOREIGN SCHEMA: one column per custom field that is not deleted
-- -------------------------------------------------------------------
-- names (accents folded, clashes suffixed _cf), types, the option, comments
SELECT c.relname, a.attname, format_type(a.atttypid, a.atttypmod) AS type,
       a.attfdwoptions, col_description(a.attrelid, a.attnum)
  FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
 WHERE a.attrelid IN ('clio.matters'::regclass, 'clio.contacts'::regclass)
   AND a.attfdwoptions IS NOT NULL
 ORDER BY c.relname, a.attnum;
-- they come after the built-in columns; deleted fields (8008, 8029) have none
SELECT count(*) FILTER (WHERE attfdwoptions IS NULL AND attnum >
                        (SELECT min(attnum) FROM pg_attribute
                          WHERE attrelid = 'clio.matters'::regclass
                            AND attfdwoptions IS NOT NULL)) AS builtin_after
  FROM pg_attribute WHERE attrelid = 'clio.matters'::regclass AND attnum > 0;

-- custom_fields 'false': none, and no request for them
CALL sandbox.clear();
CREATE SCHEMA bare;
IMPORT FOREIGN SCHEMA clio LIMIT TO (matters, contacts, tasks)
  FROM SERVER clio INTO bare OPTIONS (custom_fields 'false');
SELECT count(*) FROM pg_attribute
 WHERE attrelid IN ('bare.matters'::regclass, 'bare.contacts'::regclass)
   AND attfdwoptions IS NOT NULL;
SELECT count(*) AS requests FROM cf_sent;
-- a table without custom fields sends no request either
IMPORT FOREIGN SCHEMA clio LIMIT TO (practice_areas) FROM SERVER clio INTO bare;
SELECT count(*) AS requests FROM cf_sent;
IMPORT FOREIGN SCHEMA clio LIMIT TO (users) FROM SERVER clio INTO bare
  OPTIONS (custom_fields 'maybe');
DROP SCHEMA bare CASCADE;

-- the option on a hand-written table, and what it refuses
CREATE FOREIGN TABLE cf_hand (
  id bigint,
  worth numeric OPTIONS (custom_field '8002'),
  source text OPTIONS (custom_field '8004')
) SERVER clio OPTIONS (resource 'matters');
SELECT id, worth, source FROM cf_hand WHERE id = 20000001;
ALTER FOREIGN TABLE cf_hand ALTER COLUMN worth OPTIONS (ADD field 'description');
ALTER FOREIGN TABLE cf_hand ALTER COLUMN worth OPTIONS (SET custom_field 'x8002');
ALTER FOREIGN TABLE cf_hand ALTER COLUMN worth OPTIONS (SET custom_field '0');
CREATE FOREIGN TABLE cf_bad (id bigint, nothing text OPTIONS (custom_field '99999'))
  SERVER clio OPTIONS (resource 'matters');
SELECT id, nothing FROM cf_bad WHERE id = 20000001;
CREATE FOREIGN TABLE cf_other (id bigint, vip boolean OPTIONS (custom_field '8018'))
  SERVER clio OPTIONS (resource 'matters');
SELECT id, vip FROM cf_other WHERE id = 20000001;
CREATE FOREIGN TABLE cf_tasks (id bigint, x text OPTIONS (custom_field '8001'))
  SERVER clio OPTIONS (resource 'tasks');
SELECT id, x FROM cf_tasks LIMIT 1;
DROP FOREIGN TABLE cf_bad, cf_other, cf_tasks;

-- -------------------------------------------------------------------
-- reading: every type, and only the fields a query uses
-- -------------------------------------------------------------------
CALL sandbox.clear();
SELECT id, opposing_party, case_value, statute_date, referral_source,
       conflict_check_done, reference_interne, description_cf, case_value_cf,
       "2nd_chair", hearing_time, notice_email, related_matter, court_website
  FROM clio.matters WHERE id IN (20000001, 20000145, 20000184) ORDER BY id;
SELECT id, title_cf, vip, referred_by, credit_limit, intake_date,
       best_time_to_call, billing_email, primary_matter, dependents, language,
       notes_for_staff, linkedin_profile, preferred_contact_method,
       date_of_first_contact
  FROM clio.contacts WHERE id IN (10000005, 10000472, 10001074) ORDER BY id;
-- just those fields' values are asked for; a query without them asks none
SELECT count(case_value) FROM clio.matters;
SELECT count(id) FROM clio.matters;
SELECT method, path, params->'custom_field_ids[]' AS custom_field_ids,
       fields LIKE '%custom_field_values%' AS asks_values
  FROM cf_sent;

-- every value of every type, against the record's own custom_field_values
SELECT count(*) AS matters,
       count(*) FILTER (WHERE
         opposing_party IS DISTINCT FROM cfv(custom_field_values, 8001)
         OR case_value IS DISTINCT FROM cfv(custom_field_values, 8002)::numeric
         OR statute_date IS DISTINCT FROM cfv(custom_field_values, 8003)::date
         OR referral_source IS DISTINCT FROM cfv_option(custom_field_values, 8004)
         OR conflict_check_done IS DISTINCT FROM cfv(custom_field_values, 8005)::boolean
         OR reference_interne IS DISTINCT FROM cfv(custom_field_values, 8009)
         OR description_cf IS DISTINCT FROM cfv(custom_field_values, 8010)
         OR case_value_cf IS DISTINCT FROM cfv(custom_field_values, 8011)::numeric
         OR "2nd_chair" IS DISTINCT FROM cfv(custom_field_values, 8012)::bigint
         OR hearing_time IS DISTINCT FROM cfv(custom_field_values, 8013)::time
         OR notice_email IS DISTINCT FROM cfv(custom_field_values, 8014)
         OR related_matter IS DISTINCT FROM cfv(custom_field_values, 8015)::bigint
         OR court_website IS DISTINCT FROM cfv(custom_field_values, 8016)) AS differ,
       count(case_value) AS with_case_value, count(hearing_time) AS with_time
  FROM clio.matters;
SELECT count(*) AS contacts,
       count(*) FILTER (WHERE
         vip IS DISTINCT FROM cfv(custom_field_values, 8018)::boolean
         OR credit_limit IS DISTINCT FROM cfv(custom_field_values, 8020)::numeric
         OR intake_date IS DISTINCT FROM cfv(custom_field_values, 8021)::date
         OR best_time_to_call IS DISTINCT FROM cfv(custom_field_values, 8022)::time
         OR language IS DISTINCT FROM cfv_option(custom_field_values, 8026)
         OR primary_matter IS DISTINCT FROM cfv(custom_field_values, 8024)::bigint
         OR dependents IS DISTINCT FROM cfv(custom_field_values, 8025)::numeric) AS differ,
       count(*) FILTER (WHERE language = 'Portuguese') AS deleted_option
  FROM clio.contacts;

-- -------------------------------------------------------------------
-- filtering: pushed as custom_field_values[<id>], still checked locally
-- -------------------------------------------------------------------
CREATE TEMP TABLE l_matters AS SELECT * FROM clio.matters;
CREATE TEMP TABLE l_contacts AS SELECT * FROM clio.contacts;
CREATE FUNCTION cf_check(tbl text, cond text)
RETURNS TABLE (remote bigint, local bigint, sent jsonb) LANGUAGE plpgsql AS $$
BEGIN
  CALL sandbox.clear();
  EXECUTE format('SELECT count(*) FROM clio.%I WHERE %s', tbl, cond) INTO remote;
  EXECUTE format('SELECT count(*) FROM l_%s WHERE %s', tbl, cond) INTO local;
  SELECT jsonb_agg(s.params - 'limit') INTO sent FROM cf_sent s;
  RETURN NEXT;
END $$;
SELECT c.cond, r.*
  FROM (VALUES ('matters', 'conflict_check_done'),
               ('matters', 'NOT conflict_check_done'),
               ('matters', 'conflict_check_done = false'),
               ('matters', 'case_value = 200000'),
               ('matters', 'case_value > 100000'),
               ('matters', '100000 <= case_value'),
               ('matters', 'case_value BETWEEN 1000 AND 50000'),
               ('matters', 'statute_date < ''2024-01-01'''),
               ('matters', 'hearing_time >= ''14:00'''),
               ('matters', 'hearing_time > ''09:30:00.5'''),
               ('matters', 'referral_source = ''Website'''),
               ('matters', 'opposing_party = ''Trident Capital LLC'''),
               ('matters', 'opposing_party = ''trident capital llc'''),
               ('matters', 'opposing_party = ''<none>'''),
               ('matters', 'related_matter = 20000002'),
               ('matters', 'case_value_cf >= 300 AND case_value > 1000'),
               ('contacts', 'vip AND language = ''Spanish'''),
               ('contacts', 'credit_limit <= 5000'),
               ('contacts', 'intake_date >= ''2023-06-01'' AND intake_date < ''2024-01-01'''),
               ('contacts', 'language = ''Portuguese''')) AS c(tbl, cond),
       LATERAL cf_check(c.tbl, c.cond) r;
-- a picklist name that is no option: a NOTICE naming the options; checked locally
EXPLAIN (VERBOSE, COSTS OFF)
SELECT id FROM clio.matters WHERE referral_source = 'website';
-- a parameter (a generic plan) is checked locally only
SET plan_cache_mode = force_generic_plan;
PREPARE cf_p(numeric) AS SELECT count(id) FROM clio.matters WHERE case_value > $1;
EXPLAIN (VERBOSE, COSTS OFF) EXECUTE cf_p(100000);
EXECUTE cf_p(100000);
DEALLOCATE cf_p;
RESET plan_cache_mode;
EXPLAIN (VERBOSE, COSTS OFF)
SELECT id, case_value FROM clio.matters WHERE case_value > 100000 AND status = 'Open';

-- -------------------------------------------------------------------
-- writing: new values, changed values (by their id), NULL removes
-- -------------------------------------------------------------------
CALL sandbox.clear();
INSERT INTO clio.matters (description, status, client_id, case_value,
                          referral_source, conflict_check_done, statute_date,
                          hearing_time, "2nd_chair", notice_email, opposing_party)
VALUES ('Custom intake', 'open', 10000001, 1250.5, 'Past client', true,
        '2027-03-31', '10:15', 10000472, 'court@example.com', NULL)
RETURNING description, case_value, referral_source, conflict_check_done,
          statute_date, hearing_time, "2nd_chair", notice_email, opposing_party;
SELECT method, path, jsonb_pretty(body->'data'->'custom_field_values') AS values
  FROM cf_sent WHERE method = 'POST';

-- matter 20000001 has 8001, 8004, 8005 and 8011; not 8002
SELECT opposing_party, case_value, referral_source, conflict_check_done
  FROM clio.matters WHERE id = 20000001;
CALL sandbox.clear();
UPDATE clio.matters
   SET case_value = 1000, referral_source = 'Website', opposing_party = NULL
 WHERE id = 20000001
RETURNING opposing_party, case_value, referral_source, conflict_check_done;
SELECT method, path, params, body->'data' AS data FROM cf_sent;
SELECT opposing_party, case_value, referral_source, conflict_check_done
  FROM clio.matters WHERE id = 20000001;
-- the value once set changes in place: one value, same id
CALL sandbox.clear();
UPDATE clio.matters SET case_value = case_value * 2 WHERE id = 20000001;
SELECT method, body->'data' AS data FROM cf_sent WHERE method = 'PATCH';
SELECT count(*) AS values_of_8002
  FROM clio.matters, jsonb_array_elements(custom_field_values) v
 WHERE id = 20000001 AND v->'custom_field'->>'id' = '8002';
-- NULL where the record has no value: nothing to remove
CALL sandbox.clear();
UPDATE clio.matters SET court_website = NULL WHERE id = 20000184;
SELECT method, body->'data' AS data FROM cf_sent WHERE method = 'PATCH';
-- contacts too, through a non-direct UPDATE (a condition Clio cannot take)
UPDATE clio.contacts SET vip = NOT coalesce(vip, false), language = 'French',
       credit_limit = 2500.25
 WHERE id = 10000005 AND name IS NOT NULL
RETURNING id, vip, language, credit_limit;

-- refused before any request: an unknown picklist name, a deleted option,
-- a fractional time,
-- both the list and a field's column
CALL sandbox.clear();
UPDATE clio.matters SET referral_source = 'Billboard' WHERE id = 20000001;
UPDATE clio.contacts SET language = 'Portuguese' WHERE id = 10000472;
UPDATE clio.matters SET hearing_time = '10:00:00.25' WHERE id = 20000001;
UPDATE clio.matters SET custom_field_values = '[]', case_value = 1 WHERE id = 20000001;
SELECT count(*) AS requests FROM cf_sent WHERE method <> 'GET';
-- what Clio refuses is Clio's error
UPDATE clio.matters SET notice_email = 'not an address' WHERE id = 20000001;

-- -------------------------------------------------------------------
-- a field deleted in Clio: an error naming it, never wrong data
-- -------------------------------------------------------------------
SELECT sandbox.call('POST', '/_sandbox/mutate',
  '{"collection": "custom_fields", "id": 8002, "fields": {"deleted": true}}') IS NOT NULL AS deleted;
-- in this session (definitions read before): the values Clio marks deleted
SELECT id, case_value FROM clio.matters WHERE id = 20000005;
\c
-- in a new session: when the query is planned
SELECT id, case_value FROM clio.matters WHERE id = 20000005;
-- the other columns read as before
SELECT id, referral_source FROM clio.matters WHERE id = 20000001;
CALL sandbox.reset();
