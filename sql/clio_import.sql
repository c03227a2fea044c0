-- ===================================================================
-- clio_import: IMPORT FOREIGN SCHEMA, the tables and their columns.
-- Importing sends no request.
-- ===================================================================
\getenv abs_srcdir PG_ABS_SRCDIR
\set clio_env :abs_srcdir '/sql/include/clio_env.sql'
\i :clio_env
CALL sandbox.clear();

CREATE SCHEMA imported;
IMPORT FOREIGN SCHEMA clio FROM SERVER clio INTO imported;
SELECT count(*) AS tables FROM information_schema.foreign_tables WHERE foreign_table_schema = 'imported';
SELECT foreign_table_name FROM information_schema.foreign_tables
 WHERE foreign_table_schema = 'imported' ORDER BY 1;

-- every table names its resource
SELECT c.relname, ft.ftoptions FROM pg_foreign_table ft JOIN pg_class c ON c.oid = ft.ftrelid
 WHERE c.relnamespace = 'imported'::regnamespace AND c.relname IN ('matters', 'matter_notes', 'contact_notes')
 ORDER BY 1;

-- column types of the main tables
SELECT table_name, column_name, data_type
  FROM information_schema.columns
 WHERE table_schema = 'imported' AND table_name IN ('matters', 'tasks', 'calendar_entries', 'users')
 ORDER BY table_name, ordinal_position;

-- comments: the table's, and every column's from Clio's description of it
SELECT obj_description('imported.matters'::regclass, 'pg_class') AS table_comment;
SELECT attname, col_description(attrelid, attnum)
  FROM pg_attribute WHERE attrelid = 'imported.matters'::regclass AND attnum > 0
   AND attname IN ('id', 'status', 'client', 'client_id', 'custom_field_values',
                   'search', 'case_value')
 ORDER BY attnum;
SELECT count(*) AS columns, count(col_description(a.attrelid, a.attnum)) AS with_comment
  FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
 WHERE c.relnamespace = 'imported'::regnamespace AND a.attnum > 0;

-- LIMIT TO and EXCEPT
CREATE SCHEMA part;
IMPORT FOREIGN SCHEMA clio LIMIT TO (matters, contacts) FROM SERVER clio INTO part;
SELECT foreign_table_name FROM information_schema.foreign_tables WHERE foreign_table_schema = 'part' ORDER BY 1;
CREATE SCHEMA most;
IMPORT FOREIGN SCHEMA clio EXCEPT (activities, log_entries) FROM SERVER clio INTO most;
SELECT count(*) AS tables,
       count(*) FILTER (WHERE foreign_table_name IN ('activities', 'log_entries')) AS excepted
  FROM information_schema.foreign_tables WHERE foreign_table_schema = 'most';

-- mistakes
IMPORT FOREIGN SCHEMA public FROM SERVER clio INTO part;
IMPORT FOREIGN SCHEMA clio LIMIT TO (mattres) FROM SERVER clio INTO part;
IMPORT FOREIGN SCHEMA clio EXCEPT (nothing_like_this) FROM SERVER clio INTO part;
IMPORT FOREIGN SCHEMA clio FROM SERVER clio INTO part OPTIONS (nested 'flat');
IMPORT FOREIGN SCHEMA clio LIMIT TO (matters) FROM SERVER clio INTO part;  -- exists already

-- what the imports sent: the account's custom fields, once for each import
-- that makes matters or contacts (the last one fails after reading them)
SELECT method, path, count(*) AS requests FROM sandbox.requests()
 GROUP BY 1, 2 ORDER BY 2;
SET client_min_messages = warning;
DROP SCHEMA part CASCADE;
DROP SCHEMA most CASCADE;
DROP SCHEMA imported CASCADE;
