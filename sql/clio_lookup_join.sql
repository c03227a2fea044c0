-- ===================================================================
-- clio_lookup_join: a join of A to B on A.x_id = B.id, every column of B
-- the query reads being a field Clio nests in A's association x, is one
-- request on A with x{...} (src/clio_join.c).  For each shape: the
-- requests sent (one on A, none on B), the rows (the same join on local
-- copies of both tables, EXCEPT ALL both ways empty), for INNER and LEFT
-- joins with matters whose practice_area is NULL; the fallback when a
-- column of B is not in the nested shape; EXPLAIN VERBOSE.
-- ===================================================================
\getenv abs_srcdir PG_ABS_SRCDIR
\set clio_env :abs_srcdir '/sql/include/clio_env.sql'
\i :clio_env
CALL sandbox.reset();

-- The requests stmt sends, per collection: how many, and the association
-- fields of the first (the part of "fields" with braces)
CREATE FUNCTION lookup_requests(stmt text)
RETURNS TABLE (path text, requests bigint, nested text) LANGUAGE plpgsql AS $$
BEGIN
  CALL sandbox.clear();
  EXECUTE stmt;
  RETURN QUERY
    SELECT r.path, count(*),
           (SELECT string_agg(m[1], ',' ORDER BY m[1])
              FROM regexp_matches(min(r.params->>'fields'), '([a-z_]+\{[^}]*\})', 'g') m)
      FROM sandbox.requests() r GROUP BY r.path ORDER BY r.path;
END $$;

-- EXPLAIN VERBOSE of stmt without the Output lines
CREATE FUNCTION lookup_explain(stmt text) RETURNS SETOF text LANGUAGE plpgsql AS $$
DECLARE
  line text;
BEGIN
  FOR line IN EXECUTE 'EXPLAIN (VERBOSE, COSTS OFF) ' || stmt LOOP
    IF line !~ '^\s*Output: ' THEN
      RETURN NEXT line;
    END IF;
  END LOOP;
END $$;

-- Rows of stmt (on clio.*) and of the same statement on local copies
-- (l_*) that are on one side only: 0 and 0 is the same result
CREATE FUNCTION lookup_differs(stmt text)
RETURNS TABLE (remote_only bigint, local_only bigint) LANGUAGE plpgsql AS $$
DECLARE
  local_stmt text := replace(stmt, 'clio.', 'l_');
BEGIN
  EXECUTE format('SELECT count(*) FROM ((%s) EXCEPT ALL (%s)) d', stmt, local_stmt) INTO remote_only;
  EXECUTE format('SELECT count(*) FROM ((%s) EXCEPT ALL (%s)) d', local_stmt, stmt) INTO local_only;
  RETURN NEXT;
END $$;

-- Two matters without a practice area (the seed gives every matter one)
INSERT INTO clio.matters (description, status, client_id)
VALUES ('No area one', 'open', 10000001), ('No area two', 'pending', 10000001);
SELECT count(*) FILTER (WHERE practice_area_id IS NULL) AS without_area,
       count(*) FILTER (WHERE practice_area_id IS NOT NULL) > 0 AS with_area
  FROM clio.matters;

-- Local copies of both sides of every shape
CREATE TEMP TABLE l_matters AS SELECT * FROM clio.matters;
CREATE TEMP TABLE l_practice_areas AS SELECT * FROM clio.practice_areas;
CREATE TEMP TABLE l_users AS SELECT * FROM clio.users;
CREATE TEMP TABLE l_contacts AS SELECT * FROM clio.contacts;
CREATE TEMP TABLE l_activities AS SELECT * FROM clio.activities WHERE type = 'ExpenseEntry';
CREATE TEMP TABLE l_tasks AS SELECT * FROM clio.tasks WHERE status = 'pending';

-- -------------------------------------------------------------------
-- matter -> practice_area, the report of issue 17
-- -------------------------------------------------------------------
\set q1 'SELECT pa.name, count(*) FROM clio.matters m LEFT JOIN clio.practice_areas pa ON pa.id = m.practice_area_id WHERE m.status = ''Open'' GROUP BY 1'
SELECT * FROM lookup_requests(:'q1');
SELECT * FROM lookup_differs(:'q1');
-- the groups, the NULL one (the matter without an area) included
SELECT name IS NULL AS no_area, count > 0 AS counted FROM (:q1) r WHERE name IS NULL;
EXPLAIN (VERBOSE, COSTS OFF) SELECT pa.name, count(*) FROM clio.matters m LEFT JOIN clio.practice_areas pa ON pa.id = m.practice_area_id WHERE m.status = 'Open' GROUP BY 1;
SELECT * FROM lookup_explain('SELECT m.display_number, pa.id, pa.name FROM clio.matters m JOIN clio.practice_areas pa ON pa.id = m.practice_area_id WHERE m.status = ''Open''');

-- LEFT: the NULL-extended rows are the matters without an area
\set q2 'SELECT m.id, m.display_number, pa.id AS pa_id, pa.name FROM clio.matters m LEFT JOIN clio.practice_areas pa ON m.practice_area_id = pa.id'
SELECT * FROM lookup_requests(:'q2');
SELECT * FROM lookup_differs(:'q2');
SELECT count(*) AS null_extended FROM (:q2) r WHERE pa_id IS NULL;
-- INNER: no row for them
\set q3 'SELECT m.id, pa.name FROM clio.matters m JOIN clio.practice_areas pa ON pa.id = m.practice_area_id'
SELECT * FROM lookup_requests(:'q3');
SELECT * FROM lookup_differs(:'q3');
SELECT (SELECT count(*) FROM (:q3) r) = (SELECT count(*) FROM l_matters WHERE practice_area_id IS NOT NULL) AS inner_rows;
-- the other order, and a RIGHT JOIN with the lookup on the nullable side
\set q4 'SELECT m.id, pa.name FROM clio.practice_areas pa JOIN clio.matters m ON m.practice_area_id = pa.id'
SELECT * FROM lookup_requests(:'q4');
SELECT * FROM lookup_differs(:'q4');
\set q5 'SELECT m.id, pa.name FROM clio.practice_areas pa RIGHT JOIN clio.matters m ON m.practice_area_id = pa.id'
SELECT * FROM lookup_requests(:'q5');
SELECT * FROM lookup_differs(:'q5');
-- conditions on B: checked on the joined row (inner), and above a left join
\set q6 'SELECT m.id, pa.name FROM clio.matters m JOIN clio.practice_areas pa ON pa.id = m.practice_area_id WHERE pa.name NOT LIKE ''%Tax%'' AND m.status <> ''Closed'''
SELECT * FROM lookup_requests(:'q6');
SELECT * FROM lookup_differs(:'q6');
\set q7 'SELECT m.id, pa.name FROM clio.matters m LEFT JOIN clio.practice_areas pa ON pa.id = m.practice_area_id WHERE coalesce(pa.name, ''none'') NOT LIKE ''%Tax%'''
SELECT * FROM lookup_requests(:'q7');
SELECT * FROM lookup_differs(:'q7');
-- IS NULL above a left join (an anti join), NOT EXISTS and EXISTS
\set q7a 'SELECT m.id FROM clio.matters m LEFT JOIN clio.practice_areas pa ON pa.id = m.practice_area_id WHERE pa.id IS NULL'
SELECT * FROM lookup_requests(:'q7a');
SELECT * FROM lookup_differs(:'q7a');
SELECT count(*) AS no_area FROM (:q7a) r;
\set q7b 'SELECT m.id FROM clio.matters m WHERE NOT EXISTS (SELECT 1 FROM clio.practice_areas pa WHERE pa.id = m.practice_area_id)'
SELECT * FROM lookup_requests(:'q7b');
SELECT * FROM lookup_differs(:'q7b');
\set q7c 'SELECT m.id FROM clio.matters m WHERE EXISTS (SELECT 1 FROM clio.practice_areas pa WHERE pa.id = m.practice_area_id AND pa.name NOT LIKE ''%Tax%'')'
SELECT * FROM lookup_requests(:'q7c');
SELECT * FROM lookup_differs(:'q7c');
SELECT * FROM lookup_explain(:'q7c');
-- a condition of B inside a left join's ON clause: not a lookup (B's
-- filter would NULL-extend the row), the tables' own scans
\set q8 'SELECT m.id, pa.name FROM clio.matters m LEFT JOIN clio.practice_areas pa ON pa.id = m.practice_area_id AND pa.name LIKE ''%Law%'''
SELECT * FROM lookup_requests(:'q8');
SELECT * FROM lookup_differs(:'q8');

-- -------------------------------------------------------------------
-- activity -> user
-- -------------------------------------------------------------------
\set q9 'SELECT a.id, a.total, u.id AS uid, u.name FROM clio.activities a LEFT JOIN clio.users u ON u.id = a.user_id WHERE a.type = ''ExpenseEntry'''
SELECT * FROM lookup_requests(:'q9');
SELECT * FROM lookup_differs(:'q9');
-- (inner: on one matter's activities; on all of them, the planner's
-- estimates before ANALYZE prefer one request per user)
SELECT matter_id AS amatter FROM l_activities WHERE matter_id IS NOT NULL GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 1 \gset
\set q10 'SELECT u.name, count(*) FROM clio.activities a JOIN clio.users u ON u.id = a.user_id WHERE a.type = ''ExpenseEntry'' AND a.matter_id = ' :amatter ' GROUP BY 1'
SELECT * FROM lookup_requests(:'q10');
SELECT * FROM lookup_differs(:'q10');

-- -------------------------------------------------------------------
-- Associations named for their role: Clio's schema of the association
-- (matters' client: Contact, responsible_attorney: User) names the kind
-- of record it holds
-- -------------------------------------------------------------------
\set q13 'SELECT m.id, c.name FROM clio.matters m JOIN clio.contacts c ON c.id = m.client_id'
SELECT * FROM lookup_requests(:'q13');
SELECT * FROM lookup_differs(:'q13');
\set q15 'SELECT m.id, u.name FROM clio.matters m JOIN clio.users u ON u.id = m.responsible_attorney_id'
SELECT * FROM lookup_requests(:'q15');
SELECT * FROM lookup_differs(:'q15');
-- LEFT: the two matters made above have no responsible attorney
\set q15a 'SELECT m.id, u.id AS uid, u.name FROM clio.matters m LEFT JOIN clio.users u ON u.id = m.responsible_attorney_id'
SELECT * FROM lookup_requests(:'q15a');
SELECT * FROM lookup_differs(:'q15a');
SELECT count(*) AS null_extended FROM (:q15a) r WHERE uid IS NULL;
-- two roles of the same kind in one statement: each join its own request
-- shape, the rows the same
\set q15b 'SELECT u.name AS responsible, o.name AS originating, count(*) FROM clio.matters m LEFT JOIN clio.users u ON u.id = m.responsible_attorney_id LEFT JOIN clio.users o ON o.id = m.originating_attorney_id GROUP BY 1, 2'
SELECT * FROM lookup_differs(:'q15b');
SELECT * FROM lookup_explain('SELECT m.id, c.name FROM clio.matters m JOIN clio.contacts c ON c.id = m.client_id');

-- -------------------------------------------------------------------
-- No lookup: the tables' own scans, and the same rows
-- -------------------------------------------------------------------
-- a column of B that Clio does not nest in practice_area
\set q11 'SELECT m.id, pa.name, pa.created_at FROM clio.matters m LEFT JOIN clio.practice_areas pa ON pa.id = m.practice_area_id'
SELECT * FROM lookup_requests(:'q11');
SELECT * FROM lookup_differs(:'q11');
\set q12 'SELECT m.id, pa.name FROM clio.matters m JOIN clio.practice_areas pa ON pa.id = m.practice_area_id WHERE pa.code IS NOT NULL'
SELECT * FROM lookup_requests(:'q12');
SELECT * FROM lookup_differs(:'q12');
-- task -> assignee: polymorphic (a user or a contact), never a lookup
\set q14 'SELECT t.id, u.name FROM clio.tasks t JOIN clio.users u ON u.id = t.assignee_id WHERE t.status = ''pending'''
SELECT * FROM lookup_requests(:'q14');
SELECT * FROM lookup_differs(:'q14');
-- an association of another kind of record (a user is no practice area)
\set q16 'SELECT m.id, pa.name FROM clio.matters m JOIN clio.practice_areas pa ON pa.id = m.user_id'
SELECT * FROM lookup_requests(:'q16');
SELECT * FROM lookup_differs(:'q16');
-- a whole row of B
SELECT * FROM lookup_requests('SELECT m.id, pa FROM clio.matters m JOIN clio.practice_areas pa ON pa.id = m.practice_area_id');
-- a row lock needs the tables' own rows
SELECT path, requests FROM lookup_requests('SELECT m.id, pa.name FROM clio.matters m JOIN clio.practice_areas pa ON pa.id = m.practice_area_id WHERE m.id = 20000001 FOR UPDATE OF m');
SELECT * FROM lookup_explain(:'q11');

-- -------------------------------------------------------------------
-- Parameterized and ordinary scans of the tables still work
-- -------------------------------------------------------------------
-- a join the planner reads the other way (few practice areas by estimate):
-- one request for them, then one for each one's matters, here fewer than
-- the lookup's pages of matters
\set q17 'SELECT m.id, pa.name FROM clio.matters m JOIN clio.practice_areas pa ON pa.id = m.practice_area_id WHERE pa.name LIKE ''%Law%'''
SELECT * FROM lookup_requests(:'q17');
SELECT * FROM lookup_differs(:'q17');
SELECT * FROM lookup_explain(:'q17');
SELECT * FROM lookup_requests('SELECT m.id FROM clio.matters m WHERE m.practice_area_id = (SELECT min(id) FROM clio.practice_areas)');
-- one matter by id, its practice area read from it
\set q18 'SELECT m.id, pa.name FROM clio.practice_areas pa JOIN clio.matters m ON m.practice_area_id = pa.id AND m.id = 20000001'
SELECT * FROM lookup_requests(:'q18');
SELECT * FROM lookup_differs(:'q18');
