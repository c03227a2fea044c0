-- ===================================================================
-- clio_write_spi: the rows a write reports as processed, on every path
-- that counts them -- PL/pgSQL (INTO, GET DIAGNOSTICS, FOUND, FOR loops,
-- EXECUTE), SQL functions, CTEs, prepared statements and the top level;
-- INSERT, UPDATE and DELETE, direct modify and not, with and without
-- RETURNING -- and what the sandbox was sent for each.
-- ===================================================================
\getenv abs_srcdir PG_ABS_SRCDIR
\set clio_env :abs_srcdir '/sql/include/clio_env.sql'
\i :clio_env
CALL sandbox.reset();

-- every request since the last sandbox.clear(), ids folded
CREATE VIEW spi_sent AS
  SELECT method, regexp_replace(path, '/[0-9]+\.json$', '/{id}.json') AS path,
         status
    FROM sandbox.requests() ORDER BY seq;

-- -------------------------------------------------------------------
-- PL/pgSQL: UPDATE ... RETURNING ... INTO, direct modify (one PATCH)
-- -------------------------------------------------------------------
CREATE FUNCTION upd_into(matter bigint, loc text)
RETURNS TABLE (got text, row_count bigint, was_found boolean) LANGUAGE plpgsql AS $$
DECLARE
  n bigint;
BEGIN
  UPDATE clio.matters SET location = loc WHERE id = matter RETURNING location INTO got;
  GET DIAGNOSTICS n = ROW_COUNT;
  row_count := n;
  was_found := FOUND;
  RETURN NEXT;
END $$;
EXPLAIN (VERBOSE, COSTS OFF)
UPDATE clio.matters SET location = 'Room 9' WHERE id = 20000001 RETURNING location;
CALL sandbox.clear();
SELECT * FROM upd_into(20000001, 'Room 9');
SELECT * FROM spi_sent;
SELECT location FROM clio.matters WHERE id = 20000001;
-- no such matter: no row, FOUND false
CALL sandbox.clear();
SELECT * FROM upd_into(20999999, 'Room 9');
SELECT * FROM spi_sent;

-- constants in the statement, as a person writes it
CREATE FUNCTION upd_const()
RETURNS TABLE (got text, row_count bigint, was_found boolean) LANGUAGE plpgsql AS $$
DECLARE
  n bigint;
BEGIN
  UPDATE clio.matters SET location = 'Room 9' WHERE id = 20000001 RETURNING location INTO got;
  GET DIAGNOSTICS n = ROW_COUNT;
  row_count := n;
  was_found := FOUND;
  RETURN NEXT;
END $$;
SELECT * FROM upd_const();
SELECT * FROM upd_const();
-- RETURNING that reads no column still returns the row
CREATE FUNCTION upd_ret_const(matter bigint)
RETURNS TABLE (got int, row_count bigint, was_found boolean) LANGUAGE plpgsql AS $$
DECLARE
  n bigint;
BEGIN
  UPDATE clio.matters SET location = 'Room 9' WHERE id = matter RETURNING 1 INTO got;
  GET DIAGNOSTICS n = ROW_COUNT;
  row_count := n;
  was_found := FOUND;
  RETURN NEXT;
END $$;
CALL sandbox.clear();
SELECT * FROM upd_ret_const(20000001);
SELECT * FROM upd_ret_const(20999999);
SELECT * FROM spi_sent;
UPDATE clio.matters SET location = 'Room 9' WHERE id = 20000001 RETURNING 42 AS answer;
\echo :ROW_COUNT

-- the same without RETURNING
CREATE FUNCTION upd_count(matter bigint, loc text)
RETURNS TABLE (row_count bigint, was_found boolean) LANGUAGE plpgsql AS $$
DECLARE
  n bigint;
BEGIN
  UPDATE clio.matters SET location = loc WHERE id = matter;
  GET DIAGNOSTICS n = ROW_COUNT;
  row_count := n;
  was_found := FOUND;
  RETURN NEXT;
END $$;
SELECT * FROM upd_count(20000001, 'Room 10');
SELECT * FROM upd_count(20999999, 'Room 10');

-- not direct: the row is read first (a second condition)
CREATE FUNCTION upd_read_into(matter bigint, loc text)
RETURNS TABLE (got text, row_count bigint, was_found boolean) LANGUAGE plpgsql AS $$
DECLARE
  n bigint;
BEGIN
  UPDATE clio.matters SET location = loc WHERE id = matter AND status = 'Closed'
  RETURNING location INTO got;
  GET DIAGNOSTICS n = ROW_COUNT;
  row_count := n;
  was_found := FOUND;
  RETURN NEXT;
END $$;
CALL sandbox.clear();
SELECT * FROM upd_read_into(20000001, 'Room 11');
SELECT * FROM spi_sent;

-- -------------------------------------------------------------------
-- PL/pgSQL: INSERT ... RETURNING ... INTO, then DELETE both ways
-- -------------------------------------------------------------------
CREATE FUNCTION ins_into(nm text)
RETURNS TABLE (got bigint, row_count bigint, was_found boolean) LANGUAGE plpgsql AS $$
DECLARE
  n bigint;
BEGIN
  INSERT INTO clio.contacts (type, name) VALUES ('Company', nm) RETURNING id INTO got;
  GET DIAGNOSTICS n = ROW_COUNT;
  row_count := n;
  was_found := FOUND;
  RETURN NEXT;
END $$;
CALL sandbox.clear();
SELECT got IS NOT NULL AS has_id, row_count, was_found FROM ins_into('Spi One Ltd');
SELECT * FROM spi_sent;
SELECT id AS spi_one FROM clio.contacts WHERE name = 'Spi One Ltd' \gset

-- DELETE, direct (no RETURNING): one DELETE
CREATE FUNCTION del_count(contact bigint)
RETURNS TABLE (row_count bigint, was_found boolean) LANGUAGE plpgsql AS $$
DECLARE
  n bigint;
BEGIN
  DELETE FROM clio.contacts WHERE id = contact;
  GET DIAGNOSTICS n = ROW_COUNT;
  row_count := n;
  was_found := FOUND;
  RETURN NEXT;
END $$;
CALL sandbox.clear();
SELECT * FROM del_count(:spi_one);
SELECT * FROM spi_sent;
SELECT * FROM del_count(:spi_one);               -- gone: 0 rows

-- DELETE ... RETURNING ... INTO (read first, since Clio's DELETE answers no body)
SELECT got AS spi_two FROM ins_into('Spi Two Ltd') \gset
CREATE FUNCTION del_into(contact bigint)
RETURNS TABLE (got text, row_count bigint, was_found boolean) LANGUAGE plpgsql AS $$
DECLARE
  n bigint;
BEGIN
  DELETE FROM clio.contacts WHERE id = contact RETURNING name INTO got;
  GET DIAGNOSTICS n = ROW_COUNT;
  row_count := n;
  was_found := FOUND;
  RETURN NEXT;
END $$;
CALL sandbox.clear();
SELECT * FROM del_into(:spi_two);
SELECT * FROM spi_sent;
SELECT * FROM del_into(:spi_two);                -- gone: no row

-- -------------------------------------------------------------------
-- PL/pgSQL: FOR ... IN UPDATE ... RETURNING, and EXECUTE ... INTO
-- -------------------------------------------------------------------
-- (a FOR loop sets FOUND; ROW_COUNT stays the previous statement's, as
-- for any table)
CREATE FUNCTION upd_loop(matter bigint, loc text)
RETURNS TABLE (got text, loops int, was_found boolean) LANGUAGE plpgsql AS $$
DECLARE
  r record;
BEGIN
  loops := 0;
  FOR r IN UPDATE clio.matters SET location = loc WHERE id = matter RETURNING location LOOP
    loops := loops + 1;
    got := r.location;
  END LOOP;
  was_found := FOUND;
  RETURN NEXT;
END $$;
SELECT * FROM upd_loop(20000005, 'Room 12');
SELECT * FROM upd_loop(20999999, 'Room 12');

CREATE FUNCTION upd_execute(matter bigint, loc text)
RETURNS TABLE (got text, row_count bigint) LANGUAGE plpgsql AS $$
DECLARE
  n bigint;
BEGIN
  EXECUTE 'UPDATE clio.matters SET location = $2 WHERE id = $1 RETURNING location'
     INTO got USING matter, loc;
  GET DIAGNOSTICS n = ROW_COUNT;
  row_count := n;
  RETURN NEXT;
END $$;
SELECT * FROM upd_execute(20000005, 'Room 13');

-- -------------------------------------------------------------------
-- SQL functions
-- -------------------------------------------------------------------
CREATE FUNCTION sql_upd(matter bigint, loc text) RETURNS text LANGUAGE sql AS $$
  UPDATE clio.matters SET location = loc WHERE id = matter RETURNING location
$$;
CREATE FUNCTION sql_upd_set(matter bigint, loc text) RETURNS SETOF text LANGUAGE sql AS $$
  UPDATE clio.matters SET location = loc WHERE id = matter RETURNING location
$$;
CREATE FUNCTION sql_ins(nm text) RETURNS bigint LANGUAGE sql AS $$
  INSERT INTO clio.contacts (type, name) VALUES ('Company', nm) RETURNING id
$$;
CREATE FUNCTION sql_del(contact bigint) RETURNS void LANGUAGE sql AS $$
  DELETE FROM clio.contacts WHERE id = contact
$$;
CREATE FUNCTION sql_del_ret(contact bigint) RETURNS text LANGUAGE sql AS $$
  DELETE FROM clio.contacts WHERE id = contact RETURNING name
$$;
CALL sandbox.clear();
SELECT sql_ins('Spi Five Ltd') AS spi_five \gset
SELECT sql_del(:spi_five);
SELECT sql_ins('Spi Six Ltd') AS spi_six \gset
SELECT sql_del_ret(:spi_six);
SELECT sql_del_ret(:spi_six);
SELECT * FROM spi_sent;
CALL sandbox.clear();
SELECT sql_upd(20000003, 'Room 14');
SELECT * FROM sql_upd_set(20000003, 'Room 15');
SELECT sql_upd(20999999, 'Room 15');
SELECT * FROM spi_sent;

-- -------------------------------------------------------------------
-- CTEs
-- -------------------------------------------------------------------
CALL sandbox.clear();
WITH u AS (UPDATE clio.matters SET location = 'Room 16' WHERE id = 20000003 RETURNING id, location)
SELECT * FROM u;
WITH u AS (UPDATE clio.matters SET location = 'Room 17' WHERE id = 20000003 RETURNING id, location)
SELECT count(*) FROM u;
WITH d AS (DELETE FROM clio.tasks WHERE id = 30000002 RETURNING id)
SELECT count(*) FROM d;
WITH i AS (INSERT INTO clio.contacts (type, name) VALUES ('Company', 'Spi Seven Ltd') RETURNING name)
SELECT * FROM i;
SELECT * FROM spi_sent;
-- only the outer statement counts: psql's ROW_COUNT is the SELECT's
WITH u AS (UPDATE clio.matters SET location = 'Room 18' WHERE id = 20000003 RETURNING id)
SELECT 'one row' AS r FROM u;
\echo :ROW_COUNT
WITH u AS (UPDATE clio.matters SET location = 'Room 19' WHERE id = 20000003)
SELECT 'one row' AS r;
\echo :ROW_COUNT
WITH d AS (DELETE FROM clio.tasks WHERE id = 30000004)
SELECT 'one row' AS r;
\echo :ROW_COUNT
-- and in PL/pgSQL, SELECT ... INTO from a CTE that writes
CREATE FUNCTION cte_into(matter bigint, loc text)
RETURNS TABLE (got text, row_count bigint, was_found boolean) LANGUAGE plpgsql AS $$
DECLARE
  n bigint;
BEGIN
  WITH u AS (UPDATE clio.matters SET location = loc WHERE id = matter RETURNING location)
  SELECT location INTO got FROM u;
  GET DIAGNOSTICS n = ROW_COUNT;
  row_count := n;
  was_found := FOUND;
  RETURN NEXT;
END $$;
SELECT * FROM cte_into(20000003, 'Room 20');
SELECT * FROM cte_into(20999999, 'Room 20');
CREATE FUNCTION cte_plain_count(matter bigint, loc text)
RETURNS TABLE (got bigint, row_count bigint) LANGUAGE plpgsql AS $$
DECLARE
  n bigint;
BEGIN
  WITH u AS (UPDATE clio.matters SET location = loc WHERE id = matter)
  SELECT count(*) INTO got FROM clio.matters WHERE id = matter;
  GET DIAGNOSTICS n = ROW_COUNT;
  row_count := n;
  RETURN NEXT;
END $$;
SELECT * FROM cte_plain_count(20000003, 'Room 21');
CREATE FUNCTION cte_delete(contact bigint)
RETURNS TABLE (got text, row_count bigint) LANGUAGE plpgsql AS $$
DECLARE
  n bigint;
BEGIN
  WITH d AS (DELETE FROM clio.contacts WHERE id = contact)
  SELECT 'deleted' INTO got;
  GET DIAGNOSTICS n = ROW_COUNT;
  row_count := n;
  RETURN NEXT;
END $$;
SELECT id AS spi_seven FROM clio.contacts WHERE name = 'Spi Seven Ltd' \gset
CALL sandbox.clear();
SELECT * FROM cte_delete(:spi_seven);
SELECT * FROM spi_sent;

-- -------------------------------------------------------------------
-- prepared statements and the top level: psql's ROW_COUNT
-- -------------------------------------------------------------------
PREPARE p_upd(bigint, text) AS
  UPDATE clio.matters SET location = $2 WHERE id = $1 RETURNING location;
EXECUTE p_upd(20000004, 'Room 18');
\echo :ROW_COUNT
EXECUTE p_upd(20999999, 'Room 18');
\echo :ROW_COUNT
PREPARE p_upd_plain(bigint, text) AS
  UPDATE clio.matters SET location = $2 WHERE id = $1;
EXECUTE p_upd_plain(20000004, 'Room 19');
\echo :ROW_COUNT
UPDATE clio.matters SET location = 'Room 20' WHERE id = 20000004 RETURNING location;
\echo :ROW_COUNT
UPDATE clio.matters SET location = 'Room 21' WHERE id = 20000004;
\echo :ROW_COUNT
DELETE FROM clio.tasks WHERE id = 30000003;
\echo :ROW_COUNT
DELETE FROM clio.tasks WHERE id = 30000003;
\echo :ROW_COUNT
INSERT INTO clio.contacts (type, name) VALUES ('Company', 'Spi Three Ltd'), ('Company', 'Spi Four Ltd')
RETURNING name;
\echo :ROW_COUNT
DELETE FROM clio.contacts WHERE name IN ('Spi Three Ltd', 'Spi Four Ltd') RETURNING name;
\echo :ROW_COUNT
