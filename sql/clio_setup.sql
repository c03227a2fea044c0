-- ===================================================================
-- clio_setup: the environment every suite shares (sql/include/clio_env.sql:
-- the extension, a server on the Clio sandbox, the imported tables and the
-- helpers that read what the sandbox was sent), checked once.
-- ===================================================================
\getenv abs_srcdir PG_ABS_SRCDIR
\set clio_env :abs_srcdir '/sql/include/clio_env.sql'
\i :clio_env
SELECT count(*) > 50 AS tables_imported FROM pg_foreign_table ft
  JOIN pg_class c ON c.oid = ft.ftrelid WHERE c.relnamespace = 'clio'::regnamespace;
SELECT count(*) AS requests_logged FROM sandbox.requests();
