-- ===================================================================
-- clio_write_types: values a person can write back -- typed references
-- (X_id with X_type), the column option field naming no Clio field.
-- ===================================================================
\getenv abs_srcdir PG_ABS_SRCDIR
\set clio_env :abs_srcdir '/sql/include/clio_env.sql'
\i :clio_env
CALL sandbox.reset();

CREATE VIEW types_sent AS
  SELECT method, regexp_replace(path, '/[0-9]+\.json$', '/{id}.json') AS path,
         params->'fields'->>0 AS fields, body::jsonb AS body, status
    FROM sandbox.requests() ORDER BY seq;

-- -------------------------------------------------------------------
-- typed references: every one has X_type next to X_id
-- -------------------------------------------------------------------
SELECT c.relname AS table_name, a.attname AS type_column,
       (SELECT b.attname FROM pg_attribute b
         WHERE b.attrelid = a.attrelid AND b.attnum = a.attnum - 1) AS before_it
  FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
  JOIN pg_namespace n ON n.oid = c.relnamespace
 WHERE n.nspname = 'clio' AND a.attnum > 0 AND a.attname LIKE '%\_type'
   AND EXISTS (SELECT FROM pg_attribute i WHERE i.attrelid = a.attrelid
                AND i.attname = left(a.attname, -5) || '_id')
 ORDER BY 1, 2;

-- read: the calendar owner's id and type
SELECT calendar_owner_id, calendar_owner_type, calendar_owner->>'type' AS in_jsonb
  FROM clio.calendar_entries ORDER BY id LIMIT 3;
SELECT subject_type, count(*) FROM clio.activities WHERE subject_id IS NOT NULL
 GROUP BY 1 ORDER BY 1;

-- write: a calendar owner needs its type (Clio refuses the id alone)
CALL sandbox.clear();
INSERT INTO clio.calendar_entries (summary, start_at, end_at, calendar_owner_id)
VALUES ('Owner only', '2026-12-03 10:00+00', '2026-12-03 11:00+00', 7001);
-- what a read returns is what the write takes
SELECT calendar_owner_id AS owner_id, calendar_owner_type AS owner_type
  FROM clio.calendar_entries ORDER BY id LIMIT 1 \gset
INSERT INTO clio.calendar_entries (summary, start_at, end_at, calendar_owner_id, calendar_owner_type)
VALUES ('Typed owner', '2026-12-03 10:00+00', '2026-12-03 11:00+00', :owner_id, :'owner_type')
RETURNING summary, calendar_owner_id, calendar_owner_type;
SELECT method, path, body, status FROM types_sent;
SELECT id AS typed_entry FROM clio.calendar_entries WHERE summary = 'Typed owner' \gset
SELECT summary, calendar_owner_id, calendar_owner_type
  FROM clio.calendar_entries WHERE id = :'typed_entry';
-- changing the owner sends both
CALL sandbox.clear();
UPDATE clio.calendar_entries SET calendar_owner_id = 7002, calendar_owner_type = 'UserCalendar'
 WHERE id = :'typed_entry' RETURNING calendar_owner_id, calendar_owner_type;
SELECT method, path, body, status FROM types_sent;
DELETE FROM clio.calendar_entries WHERE id = :'typed_entry';

-- filter: Clio filters a task's assignee_id only with its assignee_type
CALL sandbox.clear();
SELECT count(*) > 0 AS some FROM clio.tasks WHERE assignee_id = 1005 AND assignee_type = 'User';
SELECT method, path, params - 'limit' - 'fields' AS params FROM sandbox.requests() ORDER BY seq;
-- the spec describes an allocation's parent_type filter as an integer: a
-- type name stays a local condition (no 400), and so does parent_id, which
-- Clio takes only with it
CALL sandbox.clear();
SELECT count(*) AS allocations FROM clio.allocations
 WHERE parent_id = 20000001 AND parent_type = 'Payment';
SELECT method, path, params - 'limit' - 'fields' AS params FROM sandbox.requests() ORDER BY seq;

-- -------------------------------------------------------------------
-- one id type per collection: calendar entries' ids are text, and so is
-- every column that refers to one
-- -------------------------------------------------------------------
SELECT attrelid::regclass AS table_name, attname, format_type(atttypid, atttypmod)
  FROM pg_attribute
 WHERE attrelid IN ('clio.calendar_entries'::regclass, 'clio.activities'::regclass)
   AND attname IN ('id', 'calendar_entry_id', 'parent_calendar_entry_id')
 ORDER BY 1, 2;
-- joins both ways, without a cast
SELECT c.id AS entry FROM clio.calendar_entries c ORDER BY c.id LIMIT 1 \gset
INSERT INTO clio.activities (type, date, quantity, calendar_entry_id, note)
VALUES ('TimeEntry', '2026-11-05', 1800, :'entry', 'prep for the meeting')
RETURNING calendar_entry_id = :'entry' AS linked;
SELECT a.note, c.id = :'entry' AS same_entry
  FROM clio.activities a JOIN clio.calendar_entries c ON c.id = a.calendar_entry_id
 WHERE a.note = 'prep for the meeting';
CALL sandbox.clear();
SELECT c.id = :'entry' AS same_entry, a.note
  FROM clio.calendar_entries c JOIN clio.activities a ON a.calendar_entry_id = c.id
 WHERE c.id = :'entry' AND a.note = 'prep for the meeting';
SELECT method, regexp_replace(path, '/[0-9]+\.json$', '/{id}.json') AS path,
       params->'calendar_entry_id' AS calendar_entry_id
  FROM sandbox.requests() ORDER BY seq;
DELETE FROM clio.activities WHERE note = 'prep for the meeting';

-- -------------------------------------------------------------------
-- the column option field naming no Clio field: the bad value, and the
-- closest field
-- -------------------------------------------------------------------
CREATE FOREIGN TABLE field_typo (id bigint, opened date OPTIONS (field 'open_dat'))
  SERVER clio OPTIONS (resource 'matters');
SELECT opened FROM field_typo WHERE id = 20000001;
ALTER FOREIGN TABLE field_typo ALTER COLUMN opened OPTIONS (SET field 'nothing_like_it');
SELECT opened FROM field_typo WHERE id = 20000001;
ALTER FOREIGN TABLE field_typo ALTER COLUMN opened OPTIONS (SET field 'open_date');
SELECT opened FROM field_typo WHERE id = 20000001;
-- a column without the option keeps its message
CREATE FOREIGN TABLE column_typo (id bigint, open_dat date)
  SERVER clio OPTIONS (resource 'matters');
SELECT open_dat FROM column_typo WHERE id = 20000001;
