-- ===================================================================
-- clio_hostile_values: what a hostile server's values become -- numbers
-- from their exact text (never through a double), \u0000 and invalid
-- UTF-8 refused, messages valid UTF-8 and bounded, the memory a page may
-- take bounded by a multiple of its body, deep nesting, duplicate keys,
-- numbers JSON does not allow (test/hostile/scn_values.py)
-- ===================================================================
\getenv abs_srcdir PG_ABS_SRCDIR
\set clio_env :abs_srcdir '/sql/include/clio_env.sql'
\i :clio_env
\set hostile_env :abs_srcdir '/sql/include/hostile_env.sql'
\i :hostile_env
-- (hostile_env sets the hostile server's address only in the session that
-- first creates its schema; run after another hostile suite, this session
-- needs it too)
\set ECHO none
\getenv hostile_url CLIO_HOSTILE_URL
SELECT set_config('clio_test.hostile_url', :'hostile_url', false) IS NOT NULL AS hostile_url_set \gset
\set ECHO all

-- a server on one scenario, without the imported tables (the tables are
-- written by hand below), and a table of activities with the given columns
CREATE PROCEDURE vtable(scenario text, cols text)
LANGUAGE plpgsql SET client_min_messages = warning AS $$
BEGIN
  EXECUTE format('DROP SERVER IF EXISTS %I CASCADE', 'h_' || scenario);
  EXECUTE format('CREATE SERVER %I FOREIGN DATA WRAPPER clio_fdw OPTIONS (base_url %L, count_pushdown ''off'')',
                 'h_' || scenario, current_setting('clio_test.hostile_url') || '/' || scenario);
  EXECUTE format('CREATE USER MAPPING FOR CURRENT_USER SERVER %I OPTIONS (api_key %L)',
                 'h_' || scenario, 'hostile-key');
  EXECUTE format('CREATE FOREIGN TABLE %I (%s) SERVER %I OPTIONS (resource %L)',
                 scenario, cols, 'h_' || scenario, 'activities');
END $$;
-- the error of a statement: SQLSTATE and message, for errors whose
-- context would repeat a long value
CREATE FUNCTION error_of(stmt text) RETURNS TABLE (state text, message text, detail text)
LANGUAGE plpgsql AS $$
BEGIN
  EXECUTE stmt;
  state := 'ok';
  RETURN NEXT;
EXCEPTION WHEN OTHERS THEN
  GET STACKED DIAGNOSTICS state = RETURNED_SQLSTATE, message = MESSAGE_TEXT,
                          detail = PG_EXCEPTION_DETAIL;
  RETURN NEXT;
END $$;

-- -------------------------------------------------------------------
-- numbers: from their text, digit for digit
-- -------------------------------------------------------------------
CALL vtable('v_numbers', 'id bigint, n numeric OPTIONS (field ''price''),
  n_text text OPTIONS (field ''price''), big numeric OPTIONS (field ''total''),
  i bigint OPTIONS (field ''quantity_in_hours''), j jsonb OPTIONS (field ''currency''),
  t text[] OPTIONS (field ''tax_setting''), one bigint OPTIONS (field ''quantity''),
  e3 integer OPTIONS (field ''rounded_quantity_in_hours''), s text OPTIONS (field ''note'')');
-- ids and money exactly; 1e400 into numeric is 1e400
SELECT id, n, n_text, big = 1e400::numeric AS big_exact, i, one, e3
  FROM v_numbers ORDER BY id;
-- jsonb keeps every number's text: 2^53 + 1, 1e400, the money
SELECT j->>'a' AS a, (j->'b')::numeric = 1e400::numeric AS b_exact, j->>'c' AS c,
       j->'d' AS d, j->'e' AS e
  FROM v_numbers WHERE id > 0;
SELECT t FROM v_numbers ORDER BY id;
-- an id look-up by 2^53 + 1: the request names it, the answer keeps it
SELECT id, n FROM v_numbers WHERE id = 9007199254740993;
SELECT path FROM hostile.log('v_numbers') WHERE path LIKE '%9007199254740993%';
-- what does not fit is an error, never Infinity nor a rounded value
CREATE FOREIGN TABLE v_numbers_f8 (id bigint, big float8 OPTIONS (field 'total'))
  SERVER h_v_numbers OPTIONS (resource 'activities');
SELECT big FROM v_numbers_f8 WHERE id > 0;
CREATE FOREIGN TABLE v_numbers_f8b (id bigint, neg float8 OPTIONS (field 'non_billable_total'),
  tiny float8 OPTIONS (field 'rounded_quantity')) SERVER h_v_numbers OPTIONS (resource 'activities');
SELECT neg FROM v_numbers_f8b WHERE id > 0;
SELECT tiny FROM v_numbers_f8b WHERE id > 0;
CREATE FOREIGN TABLE v_numbers_int (id bigint, big bigint OPTIONS (field 'total'))
  SERVER h_v_numbers OPTIONS (resource 'activities');
SELECT big FROM v_numbers_int WHERE id > 0;
CREATE FOREIGN TABLE v_numbers_frac (id bigint, frac integer OPTIONS (field 'quantity_redacted'))
  SERVER h_v_numbers OPTIONS (resource 'activities');
SELECT frac FROM v_numbers_frac WHERE id > 0;
CREATE FOREIGN TABLE v_numbers_i4 (id bigint, i integer OPTIONS (field 'quantity_in_hours'))
  SERVER h_v_numbers OPTIONS (resource 'activities');
SELECT i FROM v_numbers_i4 WHERE id > 0;
-- float8 reads the text as float8in does
CREATE FOREIGN TABLE v_numbers_f8c (id bigint, n float8 OPTIONS (field 'price'),
  frac float8 OPTIONS (field 'quantity_redacted')) SERVER h_v_numbers OPTIONS (resource 'activities');
SELECT n, frac FROM v_numbers_f8c ORDER BY id;
-- RETURNING reads Clio's answer the same way
INSERT INTO v_numbers (s) VALUES ('new') RETURNING id, n, i, j->>'a' AS a;
-- meta.records beyond any count is no count
CALL vtable('v_meta', 'id bigint');
SELECT id FROM v_meta;

-- -------------------------------------------------------------------
-- \u0000: an error naming the field, where a value is converted
-- -------------------------------------------------------------------
CALL vtable('v_nul', 'id bigint, name text OPTIONS (field ''note''), j jsonb OPTIONS (field ''currency''),
  jk jsonb OPTIONS (field ''bill''), t text[] OPTIONS (field ''tax_setting''),
  clean text OPTIONS (field ''reference''), esc text OPTIONS (field ''type''),
  k text OPTIONS (field ''matter.description'')');
SELECT id, clean, esc FROM v_nul;
SELECT name FROM v_nul;
SELECT j FROM v_nul;
SELECT jk FROM v_nul;
SELECT t FROM v_nul;
SELECT k FROM v_nul;
CREATE FOREIGN TABLE v_nul_json (id bigint, j json OPTIONS (field 'currency')) SERVER h_v_nul
  OPTIONS (resource 'activities');
SELECT j FROM v_nul_json;

-- -------------------------------------------------------------------
-- invalid UTF-8 anywhere in a body: an error at the byte
-- -------------------------------------------------------------------
CALL vtable('v_utf8_ff', 'id bigint, name text OPTIONS (field ''note'')');
SELECT id, name FROM v_utf8_ff;
CALL vtable('v_utf8_overlong', 'id bigint, bad text OPTIONS (field ''reference'')');
SELECT id, bad FROM v_utf8_overlong;
CALL vtable('v_utf8_surrogate', 'id bigint, bad text OPTIONS (field ''reference'')');
SELECT id, bad FROM v_utf8_surrogate;
CALL vtable('v_utf8_cut', 'id bigint');
SELECT id FROM v_utf8_cut;

-- -------------------------------------------------------------------
-- messages: a record id quoted, valid UTF-8, cut on a character
-- -------------------------------------------------------------------
CALL vtable('v_ids', 'id text, n bigint OPTIONS (field ''quantity'')');
SELECT id, n FROM v_ids;
CALL vtable('v_ids_long', 'id text, n bigint OPTIONS (field ''quantity'')');
SELECT id, n FROM v_ids_long;
CALL vtable('v_ids_ctl', 'id text, n bigint OPTIONS (field ''quantity'')');
SELECT id, n FROM v_ids_ctl;
-- a page_token of bytes that are not UTF-8, in the request an error shows
CALL vtable('v_token_bad', 'id bigint');
ALTER SERVER h_v_token_bad OPTIONS (ADD max_retries '0');
DO $$
DECLARE
  ctx text;
BEGIN
  PERFORM count(id) FROM v_token_bad;
EXCEPTION WHEN OTHERS THEN
  GET STACKED DIAGNOSTICS ctx = PG_EXCEPTION_CONTEXT;
  RAISE NOTICE '%', substring(ctx from 'Clio request: [^\n]*');
END $$;
-- Clio's own message: at most 1,000 characters, valid UTF-8
CALL vtable('v_bigerror', 'id bigint');
SELECT state, message, length(detail) < 1100 AS bounded, right(detail, 8) AS ends,
       convert_to(detail, 'UTF8') IS NOT NULL AS utf8
  FROM error_of('SELECT id FROM v_bigerror');

-- -------------------------------------------------------------------
-- memory: a page may take a bounded multiple of its body
-- -------------------------------------------------------------------
-- 8 MB of {} records (2.8 million records): refused
CALL vtable('v_bomb', 'id bigint');
SELECT count(*) FROM v_bomb;
-- 5 MB of real-looking records (12,000 time entries): read
CALL vtable('v_rich', 'id bigint, note text, quantity numeric, price numeric, matter jsonb,
  date date, created_at timestamptz, billed boolean, user_id bigint');
SELECT count(*), sum(quantity), max(price), count(DISTINCT matter->>'id'), max(date),
       count(*) FILTER (WHERE billed), sum(user_id)
  FROM v_rich;

-- -------------------------------------------------------------------
-- nesting: 100,000 levels is an error, not a crash; 400 levels read
-- -------------------------------------------------------------------
CALL vtable('v_deep', 'id bigint, deep jsonb OPTIONS (field ''currency'')');
SELECT id FROM v_deep;
CALL vtable('v_deep_body', 'id bigint');
SELECT id FROM v_deep_body;
CALL vtable('v_deep_600', 'id bigint, deep jsonb OPTIONS (field ''currency'')');
SELECT id FROM v_deep_600;
CALL vtable('v_deep_400', 'id bigint, deep jsonb OPTIONS (field ''currency'')');
SELECT id, length(deep::text) FROM v_deep_400;
SELECT 1 AS still_here;

-- -------------------------------------------------------------------
-- a key twice in one object: the last one counts, as in jsonb
-- -------------------------------------------------------------------
CALL vtable('v_dups', 'id bigint, note text, matter jsonb, matter_id bigint,
  "user" jsonb, user_id bigint');
SELECT * FROM v_dups;

-- -------------------------------------------------------------------
-- numbers JSON does not allow, and bytes after the JSON: errors
-- -------------------------------------------------------------------
CALL vtable('v_lex_01', 'id bigint');
SELECT id FROM v_lex_01;
CALL vtable('v_lex_plus', 'id bigint');
SELECT id FROM v_lex_plus;
CALL vtable('v_lex_dot', 'id bigint');
SELECT id FROM v_lex_dot;
CALL vtable('v_lex_nan', 'id bigint');
SELECT id FROM v_lex_nan;
CALL vtable('v_trailing', 'id bigint');
SELECT id FROM v_trailing;
