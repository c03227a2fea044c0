-- ===================================================================
-- clio_scan: reading every seed collection, id look-ups, nested columns,
-- NULLs, conversion errors, joins, LIMIT, rescans, EXPLAIN -- and what
-- Clio was sent.
-- ===================================================================
\getenv abs_srcdir PG_ABS_SRCDIR
\set clio_env :abs_srcdir '/sql/include/clio_env.sql'
\i :clio_env
CALL sandbox.reset();

-- -------------------------------------------------------------------
-- full reads across page boundaries, compared with the sandbox's data
-- -------------------------------------------------------------------
SELECT count(id) FROM clio.matters;
SELECT * FROM sandbox.compare('clio.matters', 'matters');
SELECT count(id) FROM clio.contacts;
SELECT * FROM sandbox.compare('clio.contacts', 'contacts');
SELECT count(id) FROM clio.activities;
SELECT * FROM sandbox.compare('clio.activities', 'activities');
SELECT count(id) FROM clio.tasks;
SELECT * FROM sandbox.compare('clio.tasks', 'tasks');
SELECT count(id) FROM clio.calendar_entries;
SELECT * FROM sandbox.compare('clio.calendar_entries', 'calendar_entries');
SELECT count(id) FROM clio.documents;
-- (trashed documents are listed only with include_deleted)
SELECT * FROM sandbox.compare('clio.documents', 'documents', $$r->>'deleted_at' IS NULL$$);
SELECT count(id) FROM clio.users;
SELECT * FROM sandbox.compare('clio.users', 'users');
SELECT count(id) FROM clio.bills;
SELECT * FROM sandbox.compare('clio.bills', 'bills');
SELECT count(id) FROM clio.matter_notes;
SELECT * FROM sandbox.compare('clio.matter_notes', 'matter_notes');
SELECT count(id) FROM clio.contact_notes;
SELECT * FROM sandbox.compare('clio.contact_notes', 'contact_notes');
SELECT count(id) FROM clio.practice_areas;
SELECT * FROM sandbox.compare('clio.practice_areas', 'practice_areas');
-- a generic collection too
SELECT count(id) FROM clio.webhooks;

-- what Clio was sent for one full read: 3 pages of 200, the bearer on each,
-- only base_url's host, and never the host of meta.paging.next
CALL sandbox.clear();
SELECT count(id) FROM clio.matters;
SELECT seq - min(seq) OVER () AS n, method, path,
       params->'fields' AS fields, params->'limit' AS lim, params ? 'page_token' AS token
  FROM sandbox.requests();
SELECT count(*) AS requests,
       count(*) FILTER (WHERE headers->>'authorization' = 'Bearer ' || current_setting('clio_test.key')) AS with_key,
       count(*) FILTER (WHERE host NOT LIKE '127.0.0.1:%') AS elsewhere,
       count(DISTINCT headers->>'x-api-version') AS versions,
       min(headers->>'x-api-version') AS version,
       bool_and(headers->>'accept-encoding' LIKE '%gzip%') AS gzip,
       min(headers->>'user-agent') AS agent
  FROM sandbox.requests();

-- -------------------------------------------------------------------
-- fields: exactly what the query uses
-- -------------------------------------------------------------------
CALL sandbox.clear();
SELECT display_number FROM clio.matters WHERE description LIKE 'Family%' ORDER BY 1 LIMIT 3;
SELECT count(id) FROM clio.matters;
SELECT client_id, count(*) FROM clio.activities a JOIN clio.matters m ON m.id = a.matter_id GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT 1;
SELECT practice_area->>'name' AS area, practice_area_id FROM clio.matters WHERE id = 20000001;
SELECT DISTINCT path, params->'fields' AS fields FROM sandbox.requests() ORDER BY 1, 2;

-- -------------------------------------------------------------------
-- id look-ups: one GET; a missing id is no row; parameters
-- -------------------------------------------------------------------
CALL sandbox.clear();
SELECT id, display_number, status, client->>'name' AS client FROM clio.matters WHERE id = 20000001;
SELECT id FROM clio.matters WHERE id = 20000002;            -- no such matter
SELECT id, summary IS NOT NULL AS has_summary FROM clio.calendar_entries WHERE id = '40000001';
PREPARE one(bigint) AS SELECT id, display_number FROM clio.matters WHERE id = $1;
EXECUTE one(20000003);
EXECUTE one(20000002);
EXECUTE one(NULL);
SELECT method, path, params FROM sandbox.requests();

-- id IN (...) and = ANY: the ids[] filter, duplicates and NULLs dropped
CALL sandbox.clear();
SELECT id FROM clio.matters WHERE id IN (20000001, 20000003, 20000001, 20000002, NULL) ORDER BY id;
SELECT id FROM clio.matters WHERE id = ANY ('{}'::bigint[]);
SELECT path, params->'ids[]' AS ids FROM sandbox.requests();
-- more than a page of ids: one request per 200
CALL sandbox.clear();
SELECT count(id) FROM clio.activities
 WHERE id = ANY (ARRAY(SELECT (r->>'id')::bigint FROM jsonb_array_elements(
                   sandbox.call('GET', '/_sandbox/records/activities?fields=id')->'data') r LIMIT 450));
SELECT count(*) AS requests, sum(jsonb_array_length(params->'ids[]')) AS ids FROM sandbox.requests();

-- -------------------------------------------------------------------
-- nested columns, NULLs, types
-- -------------------------------------------------------------------
SELECT id, assignee, assignee_id, assignee_type, matter, matter_id, priority, due_at
  FROM clio.tasks WHERE id = 30000001;
SELECT id, email_addresses IS NOT NULL AS emails, jsonb_typeof(email_addresses) AS kind,
       primary_email_address, date_of_birth, company
  FROM clio.contacts WHERE id IN (10000001, 10000002) ORDER BY id;
SELECT roles, subscription_type, enabled FROM clio.users WHERE id IN (1001, 1012) ORDER BY id;
SELECT pg_typeof(id), pg_typeof(quantity), pg_typeof(date), pg_typeof(created_at), pg_typeof(currency)
  FROM clio.activities LIMIT 1;
-- absent or null fields are NULL
SELECT count(*) FILTER (WHERE close_date IS NULL) AS open_or_pending,
       count(*) FILTER (WHERE status = 'Closed') AS closed,
       count(*) FILTER (WHERE status <> 'Closed' AND close_date IS NULL) AS consistent
  FROM clio.matters;

-- hand-written tables: a subset, other names, dotted fields, other types
CREATE FOREIGN TABLE open_work (
    id          bigint,
    number      text OPTIONS (field 'display_number'),
    client_name text OPTIONS (field 'client.name'),
    opened      date OPTIONS (field 'open_date'),
    num         numeric OPTIONS (field 'number'),
    raw_status  varchar(10) OPTIONS (field 'status')
) SERVER clio OPTIONS (resource 'matters', page_size '50');
CALL sandbox.clear();
SELECT * FROM open_work WHERE id = 20000001;
SELECT count(id) FROM open_work;
SELECT count(*) AS requests, min(params->'fields'->>0) AS fields, min(params->'limit'->>0) AS lim
  FROM sandbox.requests() WHERE params ? 'limit';

-- a value that does not convert names the column, the table and the record
CREATE FOREIGN TABLE bad_types (id bigint, description integer) SERVER clio OPTIONS (resource 'matters');
SELECT * FROM bad_types WHERE id = 20000001;
CREATE FOREIGN TABLE bad_types2 (id bigint, status boolean) SERVER clio OPTIONS (resource 'matters');
SELECT status FROM bad_types2 LIMIT 1;
DROP FOREIGN TABLE bad_types, bad_types2;

-- JSON to values: the common forms (ISO dates and timestamps, integral
-- numbers, booleans, strings) are read directly, everything else by the
-- type's input function; both give what the input function gives
CREATE FOREIGN TABLE conv_text (id bigint, date text, created_at text, updated_at text, billed text,
                                matter_id text, quantity text, total text)
  SERVER clio OPTIONS (resource 'activities');
SELECT count(*) AS rows,
       count(*) FILTER (WHERE a.date IS NOT DISTINCT FROM t.date::date
                          AND a.created_at = t.created_at::timestamptz
                          AND a.updated_at = t.updated_at::timestamptz
                          AND a.billed = t.billed::boolean
                          AND a.matter_id IS NOT DISTINCT FROM t.matter_id::bigint
                          AND a.quantity IS NOT DISTINCT FROM t.quantity::numeric
                          AND a.total IS NOT DISTINCT FROM t.total::numeric
                          AND scale(a.total) IS NOT DISTINCT FROM scale(t.total::numeric)) AS same
  FROM clio.activities a JOIN conv_text t USING (id);
CREATE FOREIGN TABLE conv_edge (id bigint, d date OPTIONS (field 'open_date'),
                                d_text text OPTIONS (field 'open_date'),
                                ts timestamptz OPTIONS (field 'created_at'),
                                ts_text text OPTIONS (field 'created_at'),
                                i bigint OPTIONS (field 'number'), i_text text OPTIONS (field 'number'),
                                num numeric OPTIONS (field 'number'),
                                n double precision OPTIONS (field 'description'),
                                n_text text OPTIONS (field 'description'),
                                b boolean OPTIONS (field 'billable'), t text OPTIONS (field 'display_number'))
  SERVER clio OPTIONS (resource 'matters');
SET timezone = 'UTC';
SELECT sandbox.call('POST', '/_sandbox/faults', '{"rules": [{"path": "^/api/v4/matters", "action": "malformed", "body": "{\"data\": [{\"id\": 1, \"open_date\": \"2024-02-29\", \"created_at\": \"2026-11-28T10:00:00.123456-05:30\", \"number\": 10000000000000000, \"description\": 3.5, \"billable\": true, \"display_number\": \"\\u00e9t\\u00e9\"}, {\"id\": 2, \"open_date\": \"2026-11-28\", \"created_at\": \"2026-11-28T10:00:00.1234567Z\", \"number\": 0, \"description\": -0.0, \"billable\": false, \"display_number\": \"\"}, {\"id\": 3, \"open_date\": \"2026-1-5\", \"created_at\": \"2026-11-28 10:00:00+00\", \"number\": -42, \"description\": 1e+300, \"billable\": null, \"display_number\": \"x\"}, {\"id\": 4, \"open_date\": \"20261128\", \"created_at\": \"2026-11-28T23:59:59+15:00\", \"number\": 1.0, \"description\": 0.1, \"billable\": true, \"display_number\": \"a\\\"b\"}, {\"id\": 5, \"open_date\": \"1999-12-31\", \"created_at\": \"1999-12-31T23:59:60Z\", \"number\": 9007199254740993, \"description\": 12345678901234567890, \"billable\": false, \"display_number\": null}], \"meta\": {\"records\": 5, \"paging\": {}}}"}]}') IS NOT NULL AS rule;
SELECT id, d, d = d_text::date AS d_same, ts, ts = ts_text::timestamptz AS ts_same,
       i, i_text, num, num = i_text::numeric AS num_same, n, n_text, b, t FROM conv_edge;
-- out of range for the type: the input function's error, with the column
CREATE FOREIGN TABLE conv_bad (id bigint, d date OPTIONS (field 'open_date'),
                               i integer OPTIONS (field 'number')) SERVER clio OPTIONS (resource 'matters');
SELECT sandbox.call('POST', '/_sandbox/faults', '{"rules": [{"path": "^/api/v4/matters", "action": "malformed", "body": "{\"data\": [{\"id\": 6, \"open_date\": \"2023-02-29\"}]}"}, {"path": "^/api/v4/matters", "action": "malformed", "nth": 2, "body": "{\"data\": [{\"id\": 7, \"number\": 2147483648}]}"}]}') IS NOT NULL AS rule;
SELECT d FROM conv_bad;
SELECT i FROM conv_bad;
CALL sandbox.clear();
RESET timezone;
DROP FOREIGN TABLE conv_text, conv_edge, conv_bad;

-- -------------------------------------------------------------------
-- LIMIT and early exits stop paging; joins with local tables; rescans
-- -------------------------------------------------------------------
CALL sandbox.clear();
SELECT id FROM clio.activities LIMIT 5;
SELECT EXISTS (SELECT 1 FROM clio.activities WHERE quantity > 0) AS any_time;
SELECT count(*) AS requests FROM sandbox.requests();

CREATE TEMP TABLE budget (matter_id bigint PRIMARY KEY, hours numeric);
INSERT INTO budget VALUES (20000001, 10), (20000082, 20), (20000152, 30), (20000002, 5);
ANALYZE budget;
SELECT b.matter_id, b.hours, m.display_number, m.status
  FROM budget b JOIN clio.matters m ON m.id = b.matter_id ORDER BY 1;
CALL sandbox.clear();
SELECT b.matter_id, (SELECT count(id) FROM clio.activities a WHERE a.matter_id = b.matter_id) AS entries
  FROM budget b ORDER BY 1;
-- one filtered request per outer row, each with its own value
SELECT params->'matter_id' AS matter_id FROM sandbox.requests() ORDER BY 1;
SELECT (SELECT count(id) FROM clio.activities WHERE matter_id = 20000082) AS direct_count;
-- the same query twice in one statement: the inner side is rescanned
CALL sandbox.clear();
SELECT b.matter_id, (SELECT m.display_number FROM clio.matters m WHERE m.id = b.matter_id)
  FROM budget b ORDER BY 1;
SELECT count(*) AS requests, count(DISTINCT path) AS paths FROM sandbox.requests();
-- rescans of an unparameterized inner side give the same rows each time
SET enable_hashjoin = off; SET enable_mergejoin = off; SET enable_material = off;
SELECT b.matter_id, p.name FROM budget b, clio.practice_areas p
 WHERE p.id = (SELECT practice_area_id FROM clio.matters WHERE id = b.matter_id) ORDER BY 1;
RESET enable_hashjoin; RESET enable_mergejoin; RESET enable_material;
-- a cursor reads pages as it goes
BEGIN;
DECLARE c CURSOR FOR SELECT id FROM clio.activities ORDER BY id;
CALL sandbox.clear();
FETCH 3 FROM c;
SELECT count(*) AS requests_after_3 FROM sandbox.requests();
MOVE 400 IN c;
SELECT count(*) AS requests_after_403 FROM sandbox.requests();
COMMIT;

-- -------------------------------------------------------------------
-- EXPLAIN: the request, never a credential; ANALYZE: what it cost
-- -------------------------------------------------------------------
CALL sandbox.clear();
EXPLAIN (VERBOSE, COSTS OFF) SELECT id, display_number FROM clio.matters;
EXPLAIN (VERBOSE, COSTS OFF) SELECT id, client FROM clio.matters WHERE id = 20000001;
EXPLAIN (VERBOSE, COSTS OFF) EXECUTE one(20000003);
EXPLAIN (VERBOSE, COSTS OFF) SELECT count(id) FROM clio.matter_notes WHERE id = 70000001;
SELECT count(*) AS requests_for_explain FROM sandbox.requests();
SELECT explain_analyze('SELECT id, display_number FROM clio.matters', with_output => true);
SELECT explain_analyze('SELECT id FROM clio.matters WHERE id = 20000002');
