-- ===================================================================
-- clio_enums: enum values round-trip -- what a read gives is what a
-- write takes (in the spelling Clio's write enum wants), a value in
-- neither enum is refused before any request, and a condition that asks
-- for a value Clio never gives says so and sends nothing.
-- ===================================================================
\getenv abs_srcdir PG_ABS_SRCDIR
\set clio_env :abs_srcdir '/sql/include/clio_env.sql'
\i :clio_env
CALL sandbox.reset();

CREATE VIEW enums_sent AS
  SELECT method, regexp_replace(path, '/[0-9]+\.json$', '/{id}.json') AS path,
         params - 'fields' - 'limit' - 'page_token' AS params,
         body::jsonb->'data' AS data, status
    FROM sandbox.requests() ORDER BY seq;

-- -------------------------------------------------------------------
-- matters' status reads Pending, Open, Closed; Clio writes open, closed,
-- pending: a value read is written back in the write's spelling
-- -------------------------------------------------------------------
SELECT id AS m, status FROM clio.matters WHERE status = 'Open' ORDER BY id LIMIT 1 \gset
SELECT :'status' AS read_as;
CALL sandbox.clear();
UPDATE clio.matters SET status = status WHERE id = :m;
UPDATE clio.matters SET status = 'Open' WHERE id = :m RETURNING status;
UPDATE clio.matters SET status = 'open' WHERE id = :m;
UPDATE clio.matters SET status = 'OPEN' WHERE id = :m;
SELECT method, path, data, status FROM enums_sent WHERE method <> 'GET';
-- every row of a statement, read and written back
CALL sandbox.clear();
UPDATE clio.matters SET status = status WHERE id IN (:m, :m + 1, :m + 2);
SELECT method, path, data, status FROM enums_sent WHERE method <> 'GET';
-- a create, in the read's spelling
CALL sandbox.clear();
INSERT INTO clio.matters (description, status, client_id)
VALUES ('Enum round trip', 'Pending', 10000001) RETURNING status, pending_date IS NOT NULL AS pended;
SELECT method, path, data, status FROM enums_sent;
SELECT id AS new_matter FROM clio.matters WHERE description = 'Enum round trip' \gset
UPDATE clio.matters SET status = 'Closed' WHERE id = :new_matter RETURNING status;

-- a value in neither enum: an error naming the values, and no request
CALL sandbox.clear();
INSERT INTO clio.matters (description, status, client_id) VALUES ('x', 'Archived', 10000001);
UPDATE clio.matters SET status = 'archived' WHERE id = :m;
UPDATE clio.matters SET status = 'Opened' WHERE id IN (:m, :m + 1);
SELECT sqlstate_of($$UPDATE clio.matters SET status = 'Archived' WHERE id = 1$$);
-- a bad value after rows Clio applied: which, and how to finish
UPDATE clio.matters SET status = CASE WHEN id = :m THEN 'Closed' ELSE 'Shut' END
 WHERE id IN (:m, :m + 1);
SELECT count(*) AS requests FROM sandbox.requests() WHERE method <> 'GET';

-- -------------------------------------------------------------------
-- conditions: a value Clio never gives (compared as SQL compares text)
-- gets a NOTICE at planning, and the scan sends nothing
-- -------------------------------------------------------------------
CALL sandbox.clear();
SELECT count(*) FROM clio.matters WHERE status = 'open';
SELECT id FROM clio.matters WHERE status IN ('open', 'Archived');
SELECT count(*) FROM clio.matters WHERE status = ANY ('{closed}') AND billable;
SELECT count(*) AS requests FROM sandbox.requests();
EXPLAIN (COSTS OFF) SELECT id FROM clio.matters WHERE status = 'open';
-- in a join, and in a write's condition
SELECT count(*) FROM clio.activities a JOIN clio.matters m ON m.id = a.matter_id
 WHERE m.status = 'closed';
UPDATE clio.matters SET location = 'Nowhere' WHERE status = 'pending';
DELETE FROM clio.matters WHERE status = 'Gone';
SELECT count(*) AS requests FROM sandbox.requests();
-- a value given and one never given: a NOTICE for the one, a request for
-- the other
CALL sandbox.clear();
SELECT count(*) FROM clio.matters WHERE status IN ('Open', 'closed');
SELECT method, path, params FROM enums_sent;
-- the values Clio gives: no NOTICE; a column without an enum: none
CALL sandbox.clear();
SELECT count(*) > 0 AS some FROM clio.matters WHERE status = 'Closed';
SELECT count(*) FROM clio.matters WHERE description = 'open';
SELECT count(*) AS requests FROM sandbox.requests();

-- -------------------------------------------------------------------
-- the other columns whose write enum is not the read one
-- -------------------------------------------------------------------
-- tasks' permission: no read enum, written private or public
CALL sandbox.clear();
INSERT INTO clio.tasks (name, description, permission, assignee_id, assignee_type)
VALUES ('Enum task', 'check the case', 'Public', 1003, 'User') RETURNING permission;
UPDATE clio.tasks SET permission = 'PRIVATE' WHERE name = 'Enum task' RETURNING permission;
UPDATE clio.tasks SET permission = 'secret' WHERE name = 'Enum task';
SELECT method, path, data, status FROM enums_sent WHERE method <> 'GET';
DELETE FROM clio.tasks WHERE name = 'Enum task';
-- line items' kind: reads Service or Expense, written Expense, Service or Product
SELECT id AS li, kind FROM clio.line_items ORDER BY id LIMIT 1 \gset
CALL sandbox.clear();
UPDATE clio.line_items SET kind = lower(kind) WHERE id = :li RETURNING kind;
UPDATE clio.line_items SET kind = 'Product' WHERE id = :li RETURNING kind;
UPDATE clio.line_items SET kind = 'Fee' WHERE id = :li;
SELECT method, path, data, status FROM enums_sent WHERE method <> 'GET';
-- expense categories' entry_type, and a report schedule's time zone (more
-- values than a hint lists)
CALL sandbox.clear();
INSERT INTO clio.expense_categories (name, rate, entry_type) VALUES ('Enum cost', 5, 'SOFT_COST')
RETURNING entry_type;
INSERT INTO clio.expense_categories (name, rate, entry_type) VALUES ('Enum cost', 5, 'hard');
INSERT INTO clio.report_schedules (time_zone) VALUES ('europe/londn');
SELECT method, path, data, status FROM enums_sent WHERE method <> 'GET';
DELETE FROM clio.expense_categories WHERE name = 'Enum cost';
