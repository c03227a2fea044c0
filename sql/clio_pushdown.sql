-- ===================================================================
-- clio_pushdown: which conditions become which parameters, LIMIT,
-- ORDER BY, parameterized joins -- each checked against what Clio was
-- sent, and each result against the same condition evaluated locally.
--
-- expected/clio_pushdown_1.out is the same output as PostgreSQL 18 prints
-- it: 18 shows the join condition of a parameterized scan the other way
-- round ("a.matter_id = b.matter_id" where 15 has "b.matter_id =
-- a.matter_id"); nothing else differs.
-- ===================================================================
\getenv abs_srcdir PG_ABS_SRCDIR
\set clio_env :abs_srcdir '/sql/include/clio_env.sql'
\i :clio_env
CALL sandbox.reset();
SET timezone = 'UTC';
SET datestyle = 'ISO, YMD';

-- local copies: the reference results
CREATE TEMP TABLE l_matters AS SELECT * FROM clio.matters;
CREATE TEMP TABLE l_activities AS SELECT * FROM clio.activities;
CREATE TEMP TABLE l_tasks AS SELECT * FROM clio.tasks;
CREATE TEMP TABLE l_bills AS SELECT * FROM clio.bills;
CREATE TEMP TABLE l_calendar AS SELECT * FROM clio.calendar_entries;
CREATE TEMP TABLE l_contacts AS SELECT * FROM clio.contacts;
CREATE TEMP TABLE budget_like (matter_id bigint, cap numeric);
INSERT INTO budget_like VALUES (20000082, 100), (20000152, 50), (20000001, 10);
ANALYZE budget_like;

-- run a count through the FDW and locally; show what was sent
CREATE FUNCTION check_pushdown(tbl text, cond text)
RETURNS TABLE (same boolean, rows bigint, requests bigint, sent jsonb)
LANGUAGE plpgsql AS $$
DECLARE
  remote bigint;
  local bigint;
BEGIN
  CALL sandbox.clear();
  EXECUTE format('SELECT count(*) FROM clio.%I WHERE %s', tbl, cond) INTO remote;
  EXECUTE format('SELECT count(*) FROM %I WHERE %s',
                 CASE tbl WHEN 'calendar_entries' THEN 'l_calendar' ELSE 'l_' || tbl END, cond) INTO local;
  same := remote = local;
  rows := remote;
  SELECT count(*), (SELECT params - 'fields' - 'limit' - 'page_token'
                      FROM sandbox.requests() ORDER BY seq LIMIT 1)
    INTO requests, sent FROM sandbox.requests();
  RETURN NEXT;
END $$;

-- -------------------------------------------------------------------
-- equality: the filter of the same name, spelt as Clio wants
-- -------------------------------------------------------------------
SELECT * FROM check_pushdown('matters', $$status = 'Open'$$);
SELECT * FROM check_pushdown('matters', $$status = 'open'$$);       -- SQL says no row
SELECT * FROM check_pushdown('matters', $$practice_area_id = 2008 AND billable$$);
SELECT * FROM check_pushdown('matters', $$NOT billable$$);
SELECT * FROM check_pushdown('matters', $$client_id = 10000028$$);
SELECT * FROM check_pushdown('activities', $$type = 'ExpenseEntry' AND user_id = 1003$$);
SELECT * FROM check_pushdown('activities', $$matter_id = 20000082$$);
SELECT * FROM check_pushdown('tasks', $$priority = 'High' AND status = 'pending'$$);
SELECT * FROM check_pushdown('tasks', $$assignee_id = 1005 AND assignee_type = 'User'$$);
SELECT * FROM check_pushdown('tasks', $$assignee_id = 1005$$);   -- Clio needs the type too
SELECT * FROM check_pushdown('bills', $$state = 'awaiting_payment'$$);
SELECT * FROM check_pushdown('contacts', $$type = 'Company'$$);
-- a value that is none of the filter's: not sent, checked locally
SELECT * FROM check_pushdown('matters', $$status = 'Archived'$$);

-- IN lists
SELECT * FROM check_pushdown('matters', $$status IN ('Open', 'Pending')$$);
SELECT * FROM check_pushdown('tasks', $$status IN ('pending', 'in_progress')$$);
SELECT * FROM check_pushdown('activities', $$type IN ('HardCostEntry', 'SoftCostEntry')$$);  -- no list filter

-- NULL: the keyword where Clio allows it
SELECT * FROM check_pushdown('activities', $$matter_id IS NULL$$);
SELECT * FROM check_pushdown('matters', $$client_id IS NULL$$);  -- Clio does not allow it

-- ranges
SELECT * FROM check_pushdown('matters', $$updated_at >= '2026-06-01 00:00:00+00'$$);
SELECT * FROM check_pushdown('matters', $$created_at > '2026-01-01'::date$$);
SELECT * FROM check_pushdown('activities', $$date BETWEEN '2026-10-01' AND '2026-10-31'$$);
SELECT * FROM check_pushdown('activities', $$date = '2026-10-15'$$);
SELECT * FROM check_pushdown('matters', $$open_date >= '2025-01-01' AND open_date < '2026-01-01'$$);
SELECT * FROM check_pushdown('matters', $$close_date = '2024-06-28'$$);
SELECT * FROM check_pushdown('tasks', $$due_at >= '2026-11-23' AND due_at <= '2026-11-29'$$);
SELECT * FROM check_pushdown('bills', $$due_at < '2026-11-28' AND issued_at >= '2026-01-01'$$);
SELECT * FROM check_pushdown('calendar_entries', $$start_at <= '2026-12-31 00:00+00' AND end_at >= '2026-12-01 00:00+00'$$);

-- a strict bound on a date by a date: the inclusive bound a day in
SELECT * FROM check_pushdown('activities', $$date > '2026-10-01' AND date < '2026-10-31'$$);
-- by a timestamp: its day, not shifted (the timestamp may fall inside it)
SELECT * FROM check_pushdown('activities', $$date < '2026-10-31 12:00'::timestamp$$);

-- activities have no status field; Clio's status filter names
-- combinations of their billing flags
SELECT * FROM check_pushdown('activities', $$NOT billed AND NOT on_bill AND NOT non_billable$$);
SELECT * FROM check_pushdown('activities', $$non_billable AND type = 'TimeEntry'$$);
SELECT * FROM check_pushdown('activities', $$NOT non_billable AND billed$$);
SELECT * FROM check_pushdown('activities', $$NOT billed AND NOT on_bill$$);   -- no status says only this

-- conditions Clio has no filter for: checked locally only
SELECT * FROM check_pushdown('matters', $$status <> 'Closed'$$);
SELECT * FROM check_pushdown('matters', $$description LIKE '%Estate%'$$);
SELECT * FROM check_pushdown('matters', $$location IS NULL$$);
SELECT * FROM check_pushdown('activities', $$quantity > 36000$$);
SELECT * FROM check_pushdown('matters', $$status = 'Open' OR status = 'Pending'$$);

-- text search: what Clio's search returns
CALL sandbox.clear();
SELECT count(*) > 0 AS found, bool_and(search = 'Reyes') AS search_column
  FROM clio.contacts WHERE search = 'Reyes';
SELECT params->'query' AS query FROM sandbox.requests();

-- values known at execution: $1, now(), a subquery
CALL sandbox.clear();
PREPARE by_status(text) AS SELECT count(*) FROM clio.matters WHERE status = $1;
SET plan_cache_mode = force_generic_plan;
EXPLAIN (VERBOSE, COSTS OFF) EXECUTE by_status('Pending');
EXECUTE by_status('Pending');
EXECUTE by_status(NULL);
RESET plan_cache_mode;
SELECT count(*) FROM clio.tasks WHERE due_at <= (SELECT date '2026-11-28') AND status = 'pending';
SELECT count(*) FROM clio.activities WHERE user_id = (SELECT min(id) FROM clio.users WHERE enabled);
SELECT path, params - 'fields' - 'limit' - 'page_token' AS sent FROM sandbox.requests() ORDER BY seq;

-- -------------------------------------------------------------------
-- EXPLAIN shows the filters
-- -------------------------------------------------------------------
EXPLAIN (VERBOSE, COSTS OFF)
SELECT id FROM clio.activities
 WHERE date >= '2026-10-01' AND type = 'TimeEntry' AND matter_id = 20000082 AND updated_at > '2026-01-01 00:00+00';
EXPLAIN (VERBOSE, COSTS OFF)
SELECT id FROM clio.matters WHERE status IN ('Open', 'Pending') AND description ILIKE '%trust%';

-- -------------------------------------------------------------------
-- LIMIT
-- -------------------------------------------------------------------
CALL sandbox.clear();
SELECT count(*) FROM (SELECT id FROM clio.matters WHERE status = 'Open' LIMIT 7) s;
SELECT params->'limit' AS lim, params->'status' AS status FROM sandbox.requests();
-- a local condition: no limit in the request, and never too few rows
CALL sandbox.clear();
SELECT count(*) FROM (SELECT id FROM clio.matters WHERE description LIKE '%a%' LIMIT 250) s;
SELECT count(*) AS requests, min(params->'limit'->>0) AS lim FROM sandbox.requests();
-- a superset filter (since is widened) with LIMIT: still exactly N rows
CALL sandbox.clear();
SELECT count(*) FROM (SELECT id FROM clio.activities WHERE updated_at >= '2025-01-01 00:00+00' LIMIT 300) s;
SELECT params->'limit' AS lim FROM sandbox.requests() ORDER BY seq;
-- joins and aggregates stand between: no limit
EXPLAIN (VERBOSE, COSTS OFF)
SELECT m.id FROM clio.matters m JOIN budget_like b ON true LIMIT 3;
EXPLAIN (VERBOSE, COSTS OFF)
SELECT status, count(*) FROM clio.matters GROUP BY status LIMIT 1;

-- -------------------------------------------------------------------
-- ORDER BY
-- -------------------------------------------------------------------
CALL sandbox.clear();
SELECT id FROM clio.matters ORDER BY id LIMIT 3;                              -- Clio's own order
SELECT id FROM clio.matters ORDER BY id DESC LIMIT 3;                         -- id(desc)
SELECT id, open_date FROM clio.matters WHERE open_date >= '2020-01-01' ORDER BY open_date DESC, id LIMIT 3;
SELECT id, open_date FROM clio.matters WHERE open_date >= '2020-01-01' ORDER BY open_date DESC LIMIT 3;
SELECT params->'order' AS "order", params->'limit' AS lim FROM sandbox.requests() ORDER BY seq;
-- not pushed: text (collation), NULLs possible, many records, undeclared
EXPLAIN (VERBOSE, COSTS OFF) SELECT id FROM clio.matters ORDER BY display_number LIMIT 3;
EXPLAIN (VERBOSE, COSTS OFF) SELECT id FROM clio.matters ORDER BY close_date LIMIT 3;
EXPLAIN (VERBOSE, COSTS OFF) SELECT id FROM clio.activities WHERE date IS NOT NULL ORDER BY date;
EXPLAIN (VERBOSE, COSTS OFF) SELECT id FROM clio.activities WHERE date >= '2020-01-01' ORDER BY date DESC LIMIT 10;
-- no LIMIT, or one that a local condition stands before: the rows read
-- are not known to fit under Clio's cap, so they are sorted locally
EXPLAIN (VERBOSE, COSTS OFF) SELECT id FROM clio.matters WHERE open_date >= '2020-01-01' ORDER BY open_date DESC;
EXPLAIN (VERBOSE, COSTS OFF) SELECT id FROM clio.matters WHERE open_date >= '2020-01-01' AND description LIKE '%a%' ORDER BY open_date DESC LIMIT 3;
-- unless Clio counted them (use_remote_estimate)
ALTER FOREIGN TABLE clio.matters OPTIONS (ADD use_remote_estimate 'true');
EXPLAIN (VERBOSE, COSTS OFF) SELECT id FROM clio.matters WHERE open_date >= '2020-01-01' ORDER BY open_date DESC;
ALTER FOREIGN TABLE clio.matters OPTIONS (DROP use_remote_estimate);
-- Clio stops custom orders at 10,000 records: past that, an error, not a
-- wrong or partial result (a next link that would go past it)
SELECT sandbox.call('POST', '/_sandbox/faults',
  '{"rules": [{"path": "^/api/v4/matters", "action": "malformed",
               "body": "{\"data\": [{\"id\": 1, \"open_date\": \"2026-01-01\"}], \"meta\": {\"paging\": {\"next\": \"https://app.clio.com/api/v4/matters.json?order=open_date(desc)&offset=10000\"}}}"}]}') IS NOT NULL AS rule;
SELECT id FROM clio.matters WHERE open_date >= '2020-01-01' ORDER BY open_date DESC LIMIT 300;
CALL sandbox.clear_faults();
-- the pushed order gives the same rows as a local sort
SELECT (SELECT array_agg(id) FROM (SELECT id FROM clio.matters WHERE open_date > '2020-01-01' ORDER BY open_date DESC, id DESC LIMIT 20) a)
     = (SELECT array_agg(id) FROM (SELECT id FROM l_matters WHERE open_date > '2020-01-01' ORDER BY open_date DESC, id DESC LIMIT 20) b) AS same_order;

-- -------------------------------------------------------------------
-- parameterized joins
-- -------------------------------------------------------------------
EXPLAIN (VERBOSE, COSTS OFF)
SELECT b.matter_id, sum(a.quantity) FROM budget_like b JOIN clio.activities a ON a.matter_id = b.matter_id GROUP BY 1;
CALL sandbox.clear();
SELECT b.matter_id, sum(a.quantity) AS seconds FROM budget_like b JOIN clio.activities a ON a.matter_id = b.matter_id GROUP BY 1 ORDER BY 1;
SELECT count(*) AS requests, array_agg(params->'matter_id'->>0 ORDER BY seq) AS matters FROM sandbox.requests();
SELECT b.matter_id, sum(a.quantity) AS seconds FROM budget_like b JOIN l_activities a ON a.matter_id = b.matter_id GROUP BY 1 ORDER BY 1;
-- a matter by id joined to its activities: two requests
CALL sandbox.clear();
SELECT m.display_number, count(a.id) FROM clio.matters m JOIN clio.activities a ON a.matter_id = m.id
 WHERE m.id = 20000082 GROUP BY 1;
SELECT path, params - 'fields' - 'limit' AS sent FROM sandbox.requests() ORDER BY seq;
-- a large outer side: one full scan, not a request per row
EXPLAIN (COSTS OFF)
SELECT count(*) FROM clio.matters m JOIN clio.activities a ON a.matter_id = m.id;
-- before ANALYZE an enumerated filter counts as its share of the values
-- (status = 'Open' is one of three), not as a handful of rows: open
-- matters' recent activities come in one scan, not a request per matter
EXPLAIN SELECT id FROM clio.matters WHERE status = 'Open';
EXPLAIN (COSTS OFF)
SELECT m.id, max(a.date) FROM clio.matters m
  LEFT JOIN clio.activities a ON a.matter_id = m.id AND a.date >= '2026-08-30'
 WHERE m.status = 'Open' GROUP BY 1;
-- and a few local rows still make one request each
EXPLAIN (COSTS OFF)
SELECT b.matter_id, sum(a.quantity) FROM budget_like b JOIN clio.activities a ON a.matter_id = b.matter_id
 WHERE a.type = 'TimeEntry' GROUP BY 1;

-- -------------------------------------------------------------------
-- estimates: ANALYZE and use_remote_estimate
-- -------------------------------------------------------------------
CALL sandbox.clear();
ANALYZE clio.matters;
SELECT reltuples FROM pg_class WHERE oid = 'clio.matters'::regclass;
SELECT count(*) AS requests, bool_and(params ? 'fields') AS fields FROM sandbox.requests();
EXPLAIN SELECT * FROM clio.matters WHERE status = 'Open';
ALTER FOREIGN TABLE clio.activities OPTIONS (ADD use_remote_estimate 'true');
CALL sandbox.clear();
EXPLAIN SELECT id FROM clio.activities WHERE matter_id = 20000082;
EXPLAIN SELECT id FROM clio.activities WHERE matter_id = 20000082;   -- cached
SELECT count(*) AS requests, min(params->'limit'->>0) AS lim FROM sandbox.requests();
ALTER FOREIGN TABLE clio.activities OPTIONS (DROP use_remote_estimate);

-- a collection larger than offset paging reaches (the first page says
-- 50,000 records): ANALYZE reads its other pages from random points in
-- time, by created_since, not from the first 10,000 records
CREATE SCHEMA an;
IMPORT FOREIGN SCHEMA clio LIMIT TO (activities) FROM SERVER clio INTO an;
CALL sandbox.clear();
SELECT sandbox.call('POST', '/_sandbox/faults',
  '{"rules": [{"path": "^/api/v4/activities", "action": "malformed",
               "body": "{\"data\": [{\"id\": 1}], \"meta\": {\"records\": 50000, \"paging\": {}}}"}]}') IS NOT NULL AS rule;
ANALYZE an.activities;
SELECT reltuples FROM pg_class WHERE oid = 'an.activities'::regclass;
SELECT count(*) AS requests,
       count(*) FILTER (WHERE params ? 'created_since') AS by_time,
       count(*) FILTER (WHERE params ? 'offset') AS by_offset,
       count(*) FILTER (WHERE params->'fields'->>0 = 'id,created_at' AND params->'limit'->>0 = '1') AS oldest
  FROM sandbox.requests();
-- the sample reaches past the first 10,000 records' dates
SELECT (SELECT max(v::date) FROM pg_stats, unnest(histogram_bounds::text::text[]) v
         WHERE schemaname = 'an' AND tablename = 'activities' AND attname = 'date')
       > (SELECT min(date) + 30 FROM l_activities) AS spread;
DROP SCHEMA an CASCADE;

-- JIT is decided on the plan's cost without Clio's round trips (1,000 a
-- request): a scan of many pages is not compiled for nothing; a plan whose
-- own work passes jit_above_cost still is
CREATE FUNCTION jit_planned(q text) RETURNS boolean LANGUAGE plpgsql AS $$
DECLARE
  line text;
BEGIN
  FOR line IN EXECUTE 'EXPLAIN ' || q LOOP
    IF line LIKE 'JIT:%' THEN
      RETURN true;
    END IF;
  END LOOP;
  RETURN false;
END $$;
-- (a count of rows, not Clio's count: the scan is the point)
ALTER FOREIGN TABLE clio.activities OPTIONS (ADD count_pushdown 'off');
SET jit = on;
SET jit_above_cost = 100000;
EXPLAIN SELECT count(*) FROM clio.activities;
SELECT jit_planned('SELECT count(*) FROM clio.activities') AS fdw_scan,
       jit_planned('SELECT count(*) FROM l_activities a, generate_series(1, 100000) g') AS local_work;
SET jit_above_cost = 10;
SELECT jit_planned('SELECT count(*) FROM clio.activities') AS fdw_scan_low_threshold;
RESET jit_above_cost;
RESET jit;
ALTER FOREIGN TABLE clio.activities OPTIONS (DROP count_pushdown);
