-- ===================================================================
-- clio_write: INSERT/UPDATE/DELETE as POST/PATCH/DELETE, RETURNING,
-- If-Match, direct modify, Clio's quirks, errors -- and the bodies Clio
-- was sent.
-- ===================================================================
\getenv abs_srcdir PG_ABS_SRCDIR
\set clio_env :abs_srcdir '/sql/include/clio_env.sql'
\i :clio_env
CALL sandbox.reset();

-- the last request's method, path, body and If-Match
CREATE VIEW last_request AS
  SELECT method, path, params->'fields'->>0 AS fields, body::jsonb AS body,
         headers->>'if-match' IS NOT NULL AS if_match
    FROM sandbox.requests() ORDER BY seq DESC LIMIT 1;
CREATE VIEW all_requests AS
  SELECT method, regexp_replace(path, '/[0-9]+\.json$', '/{id}.json') AS path,
         params->'fields'->>0 AS fields, body::jsonb AS body,
         headers->>'if-match' IS NOT NULL AS if_match, status
    FROM sandbox.requests() ORDER BY seq;

-- -------------------------------------------------------------------
-- matters: insert, read back, update, read back, delete
-- -------------------------------------------------------------------
INSERT INTO clio.matters (description, status, client_id, practice_area_id, open_date)
VALUES ('Estate of J. Smith', 'open', 10000001, 2003, '2026-11-01')
RETURNING display_number IS NOT NULL AS numbered, status, client->>'name' AS client,
          practice_area_id, open_date, created_at IS NOT NULL AS stamped;
SELECT method, path, fields, body FROM last_request;
SELECT id AS new_matter FROM clio.matters WHERE description = 'Estate of J. Smith' \gset
SELECT description, status, client_id FROM clio.matters WHERE id = :new_matter;
CALL sandbox.clear();
UPDATE clio.matters SET description = 'Estate of John Smith', client_reference = 'JS-1'
 WHERE id = :new_matter RETURNING description, client_reference;
SELECT method, path, fields, body, if_match FROM all_requests;
SELECT description, client_reference FROM clio.matters WHERE id = :new_matter;
-- an UPDATE that reads the row first sends the row's etag
CALL sandbox.clear();
UPDATE clio.matters SET location = 'Room ' || id::text WHERE id = :new_matter AND status = 'Open';
SELECT method, path, fields, body, if_match FROM all_requests;
CALL sandbox.clear();
DELETE FROM clio.matters WHERE id = :new_matter;
SELECT method, path, body FROM all_requests;
SELECT count(*) FROM clio.matters WHERE id = :new_matter;
DELETE FROM clio.matters WHERE id = :new_matter;                -- already gone: 0 rows

-- -------------------------------------------------------------------
-- contacts: a person with email addresses, a company
-- -------------------------------------------------------------------
CALL sandbox.clear();
INSERT INTO clio.contacts (type, name, first_name, last_name, email_addresses)
VALUES ('Person', 'Ada Quill', 'Ada', 'Quill',
        '[{"name": "Work", "address": "ada@quill.example", "default_email": true}]')
RETURNING name, primary_email_address, type;
INSERT INTO clio.contacts (type, name) VALUES ('Company', 'Quill & Daughters Ltd')
RETURNING name, type, id IS NOT NULL AS has_id;
SELECT method, body FROM all_requests;
UPDATE clio.contacts SET title = 'Counsel' WHERE last_name = 'Quill' AND type = 'Person' RETURNING name, title;
SELECT name, title FROM clio.contacts WHERE last_name = 'Quill';
DELETE FROM clio.contacts WHERE name IN ('Ada Quill', 'Quill & Daughters Ltd') RETURNING name;

-- -------------------------------------------------------------------
-- activities: a time entry and an expense, many rows from a local table
-- -------------------------------------------------------------------
CREATE TEMP TABLE timesheet (day date, seconds int, note text);
INSERT INTO timesheet VALUES ('2026-11-02', 3600, 'research'), ('2026-11-03', 5400, 'drafting');
CALL sandbox.clear();
INSERT INTO clio.activities (type, date, quantity, matter_id, note)
SELECT 'TimeEntry', day, seconds, 20000082, note FROM timesheet
RETURNING type, date, quantity, quantity_in_hours, matter_id, note;
INSERT INTO clio.activities (type, date, price, quantity, matter_id, note)
VALUES ('ExpenseEntry', '2026-11-04', 42.50, 1, 20000082, 'courier')
RETURNING type, total;
SELECT method, body FROM all_requests;
UPDATE clio.activities SET note = note || ' (revised)'
 WHERE matter_id = 20000082 AND date >= '2026-11-02' AND date <= '2026-11-04'
RETURNING note;
DELETE FROM clio.activities WHERE matter_id = 20000082 AND date >= '2026-11-02' AND date <= '2026-11-04';

-- -------------------------------------------------------------------
-- tasks: assignee as jsonb, or as assignee_id + assignee_type
-- -------------------------------------------------------------------
CALL sandbox.clear();
INSERT INTO clio.tasks (name, description, assignee, matter_id, due_at, priority)
VALUES ('Review contract', 'First pass', '{"id": 1005, "type": "User"}', 20000082, '2026-12-15', 'High')
RETURNING name, assignee_id, assignee_type, status, priority, due_at;
INSERT INTO clio.tasks (name, description, assignee_id, assignee_type)
VALUES ('Call client', 'Follow up', 1003, 'User')
RETURNING name, assignee->>'name' AS assignee;
SELECT body FROM all_requests;
UPDATE clio.tasks SET status = 'complete' WHERE name IN ('Review contract', 'Call client')
RETURNING name, status, completed_at IS NOT NULL AS completed;
DELETE FROM clio.tasks WHERE name IN ('Review contract', 'Call client');

-- -------------------------------------------------------------------
-- calendar entries: the matter is linked by a PATCH after the POST
-- -------------------------------------------------------------------
CALL sandbox.clear();
INSERT INTO clio.calendar_entries (summary, start_at, end_at, calendar_owner_id, calendar_owner_type, matter_id)
VALUES ('Client meeting', '2026-12-01 10:00+00', '2026-12-01 11:00+00', 7001, 'UserCalendar', 20000082)
RETURNING summary, matter_id, calendar_owner_id, calendar_owner_type, start_at;
SELECT method, path, fields, body FROM all_requests;
INSERT INTO clio.calendar_entries (summary, start_at, end_at, calendar_owner_id, calendar_owner_type)
VALUES ('Internal', '2026-12-02 10:00+00', '2026-12-02 10:30+00', 7001, 'UserCalendar')
RETURNING summary, matter_id;
SELECT count(*) AS requests FROM sandbox.requests();
EXPLAIN (VERBOSE, COSTS OFF)
INSERT INTO clio.calendar_entries (summary, start_at, end_at, calendar_owner_id, calendar_owner_type, matter_id)
VALUES ('x', now(), now(), 7001, 'UserCalendar', 20000082);
DELETE FROM clio.calendar_entries WHERE summary IN ('Client meeting', 'Internal');

-- -------------------------------------------------------------------
-- direct modify: WHERE id = value and nothing else is one request
-- -------------------------------------------------------------------
CALL sandbox.clear();
EXPLAIN (VERBOSE, COSTS OFF) UPDATE clio.contacts SET title = 'Partner' WHERE id = 10000001;
EXPLAIN (VERBOSE, COSTS OFF) DELETE FROM clio.tasks WHERE id = 30000001;
UPDATE clio.contacts SET title = 'Partner' WHERE id = 10000001;
SELECT method, path, body, if_match FROM all_requests;
PREPARE upd(bigint, text) AS UPDATE clio.contacts SET title = $2 WHERE id = $1 RETURNING id, title;
EXECUTE upd(10000001, 'Senior Partner');
EXECUTE upd(10000002, 'Nobody');                              -- no such contact: 0 rows
CALL sandbox.clear();
DELETE FROM clio.tasks WHERE id = 30000001;
SELECT method, path FROM all_requests;
DELETE FROM clio.tasks WHERE id = 30000001;                   -- gone already: 0 rows
-- not direct when the row must be read: a second condition, SET from the row
EXPLAIN (VERBOSE, COSTS OFF) UPDATE clio.contacts SET title = 'x' WHERE id = 10000001 AND title = 'y';
EXPLAIN (VERBOSE, COSTS OFF) UPDATE clio.contacts SET title = last_name WHERE id = 10000001;

-- -------------------------------------------------------------------
-- If-Match: a record changed in Clio between read and write -> 40001
-- -------------------------------------------------------------------
SELECT sandbox.call('POST', '/_sandbox/faults',
  '{"rules": [{"path": "^/api/v4/matters/20000005", "method": "PATCH", "action": "mutate",
               "mutate": {"collection": "matters", "id": 20000005, "fields": {"description": "changed by a colleague"}}}]}')
  IS NOT NULL AS rule;
UPDATE clio.matters SET location = 'Annex' WHERE id = 20000005 AND status = 'Closed';
SELECT sandbox.call('POST', '/_sandbox/faults',
  '{"rules": [{"path": "^/api/v4/matters/20000005", "method": "PATCH", "action": "mutate",
               "mutate": {"collection": "matters", "id": 20000005, "fields": {"description": "changed again"}}}]}')
  IS NOT NULL AS rule;
SELECT sqlstate_of($$UPDATE clio.matters SET location = 'Annex' WHERE id = 20000005 AND status = 'Closed'$$);
-- read again, it goes through
UPDATE clio.matters SET location = 'Annex' WHERE id = 20000005 AND status = 'Closed';
SELECT description, location FROM clio.matters WHERE id = 20000005;
-- with etag_check off the PATCH goes without If-Match
ALTER FOREIGN TABLE clio.matters OPTIONS (ADD etag_check 'false');
CALL sandbox.clear();
UPDATE clio.matters SET location = 'Annex' WHERE id = 20000005 AND status = 'Closed';
SELECT method, if_match FROM all_requests WHERE method = 'PATCH';
ALTER FOREIGN TABLE clio.matters OPTIONS (DROP etag_check);

-- -------------------------------------------------------------------
-- what Clio does not allow, and read-only columns: before any request
-- -------------------------------------------------------------------
CALL sandbox.clear();
INSERT INTO clio.users (name) VALUES ('x');
UPDATE clio.users SET name = 'x' WHERE id = 1001;
INSERT INTO clio.bills (subject) VALUES ('x');
INSERT INTO clio.matters (id, description) VALUES (1, 'x');
INSERT INTO clio.matters (description, created_at) VALUES ('x', now());
UPDATE clio.matters SET etag = 'x' WHERE id = 20000001;
UPDATE clio.matters SET number = 5 WHERE id = 20000001;
-- a column reading a dotted field (the open_work of clio_scan, made here
-- too so that this suite runs alone)
SET client_min_messages = warning;
CREATE FOREIGN TABLE IF NOT EXISTS open_work (
    id          bigint,
    client_name text OPTIONS (field 'client.name')
) SERVER clio OPTIONS (resource 'matters', page_size '50');
RESET client_min_messages;
INSERT INTO open_work (client_name) VALUES ('x');
SELECT count(*) AS requests FROM sandbox.requests();

-- -------------------------------------------------------------------
-- Clio's validation errors, and the rows it had already accepted
-- -------------------------------------------------------------------
INSERT INTO clio.matters (description, status) VALUES ('x', 'archived');
INSERT INTO clio.tasks (name, description, assignee_id) VALUES ('x', 'y', 1003);
CALL sandbox.clear();
INSERT INTO clio.contacts (type, name) VALUES ('Company', 'First Ok'), ('Company', 'Second Ok'), ('Robot', 'Third Bad');
SELECT count(*) AS accepted FROM clio.contacts WHERE name IN ('First Ok', 'Second Ok');
DELETE FROM clio.contacts WHERE name IN ('First Ok', 'Second Ok');

-- -------------------------------------------------------------------
-- writes are not transactional; PREPARE TRANSACTION is refused
-- -------------------------------------------------------------------
BEGIN;
INSERT INTO clio.contacts (type, name) VALUES ('Company', 'Rolled Back Inc');
ROLLBACK;
SELECT count(*) AS still_in_clio FROM clio.contacts WHERE name = 'Rolled Back Inc';
BEGIN;
DELETE FROM clio.contacts WHERE name = 'Rolled Back Inc';
PREPARE TRANSACTION 'clio';
SELECT count(*) AS gone FROM clio.contacts WHERE name = 'Rolled Back Inc';

-- the updatability PostgreSQL reports follows what Clio allows
SELECT table_name, is_insertable_into FROM information_schema.tables
 WHERE table_schema = 'clio' AND table_name IN ('users', 'matters', 'bills') ORDER BY 1;
SELECT relname, pg_relation_is_updatable(oid, false) AS events FROM pg_class
 WHERE relnamespace = 'clio'::regnamespace AND relname IN ('users', 'matters', 'bills') ORDER BY 1;
