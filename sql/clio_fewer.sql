-- ===================================================================
-- clio_fewer: the report shapes that cost Clio the fewest requests --
-- count(*) answered by meta.records, "latest N" with the order sent to
-- Clio.  Every result is compared with the same query on a local copy.
-- ===================================================================
\getenv abs_srcdir PG_ABS_SRCDIR
\set clio_env :abs_srcdir '/sql/include/clio_env.sql'
\i :clio_env
\set hostile_env :abs_srcdir '/sql/include/hostile_env.sql'
\i :hostile_env
CALL sandbox.reset();
CREATE TEMP TABLE acts AS SELECT * FROM clio.activities;
CREATE TEMP TABLE mats AS SELECT * FROM clio.matters;
-- a matter with activities, and a half year with some
SELECT matter_id AS busy_matter FROM acts WHERE matter_id IS NOT NULL GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 1 \gset
SELECT date_trunc('year', max(date))::date AS year_start FROM acts \gset
CALL sandbox.clear();

-- count(*) by meta.records.  count_pushdown 'verify' (the default): the
-- first count of a session asks for one record and also counts by pages;
-- they agree, so later counts are one request each.
SELECT count(*) FROM clio.activities;
SELECT count(*) AS local FROM acts;
SELECT count(*) AS requests, count(*) FILTER (WHERE params->'limit'->>0 = '1') AS one_record
FROM sandbox.requests();
CALL sandbox.clear();
SELECT count(*) FROM clio.activities WHERE type = 'TimeEntry';
SELECT count(*) AS local FROM acts WHERE type = 'TimeEntry';
SELECT method, path, params FROM sandbox.requests();
EXPLAIN (VERBOSE, COSTS OFF) SELECT count(*) FROM clio.activities WHERE type = 'TimeEntry';
SELECT line FROM explain_analyze($$SELECT count(*) FROM clio.activities WHERE type = 'TimeEntry'$$) AS line
WHERE line ~ 'Clio (Requests|Count)';

-- conditions Clio filters exactly: one request each, the same counts
CALL sandbox.clear();
SELECT (SELECT count(*) FROM clio.activities WHERE matter_id = :busy_matter) AS clio,
       (SELECT count(*) FROM acts WHERE matter_id = :busy_matter) AS local;
SELECT (SELECT count(*) FROM clio.activities WHERE date >= :'year_start' AND date < :'year_start'::date + 181) AS clio,
       (SELECT count(*) FROM acts WHERE date >= :'year_start' AND date < :'year_start'::date + 181) AS local;
SELECT (SELECT count(*) FROM clio.activities WHERE NOT billed AND NOT on_bill AND NOT non_billable) AS clio,
       (SELECT count(*) FROM acts WHERE NOT billed AND NOT on_bill AND NOT non_billable) AS local;
SELECT (SELECT count(*) FROM clio.matters WHERE status = 'Open') AS clio,
       (SELECT count(*) FROM mats WHERE status = 'Open') AS local;
SELECT (SELECT count(*) * 2 + 1 FROM clio.matters) AS clio, (SELECT count(*) * 2 + 1 FROM mats) AS local;
SELECT (SELECT count(*) FROM clio.matters WHERE status = 'Closed' AND billable) AS clio,
       (SELECT count(*) FROM mats WHERE status = 'Closed' AND billable) AS local;
SELECT count(*) AS requests, bool_and(params->'limit'->>0 = '1') AS all_one_record FROM sandbox.requests();
SELECT (SELECT string_agg(k || '=' || CASE WHEN k LIKE '%date' THEN '(a date)' ELSE params->k->>0 END, '&' ORDER BY k)
        FROM jsonb_object_keys(params - 'fields' - 'limit') k) AS filters
FROM sandbox.requests() ORDER BY seq;

-- what is not exact is counted by pages, with the same result:
-- an enum in another case (Clio would count the open matters; SQL none),
-- text, a local condition, GROUP BY, count(column), FILTER, DISTINCT
CALL sandbox.clear();
SELECT (SELECT count(*) FROM clio.matters WHERE status = 'open') AS clio,
       (SELECT count(*) FROM mats WHERE status = 'open') AS local;
SELECT (SELECT count(*) FROM clio.matters WHERE description LIKE '%a%') AS clio,
       (SELECT count(*) FROM mats WHERE description LIKE '%a%') AS local;
SELECT status, count(*) FROM clio.matters GROUP BY 1 ORDER BY 1;
SELECT count(close_date) FROM clio.matters;
SELECT count(*) FILTER (WHERE billable) FROM clio.matters;
SELECT count(close_date) AS local FROM mats;
SELECT count(*) AS requests, count(*) FILTER (WHERE params->'limit'->>0 = '1') AS one_record
FROM sandbox.requests();
CREATE FUNCTION pg_temp.clio_counts(q text) RETURNS boolean LANGUAGE plpgsql AS $$
DECLARE
  line text;
BEGIN
  FOR line IN EXECUTE 'EXPLAIN (COSTS OFF) ' || q LOOP
    IF line ~ 'Clio Count' THEN RETURN true; END IF;
  END LOOP;
  RETURN false;
END $$;
SELECT q, pg_temp.clio_counts(q) FROM (VALUES
  ($$SELECT count(*) FROM clio.matters WHERE status = 'Open'$$),
  ($$SELECT count(*) FROM clio.matters WHERE status = 'open'$$),
  ($$SELECT count(*) FROM clio.matters WHERE description LIKE '%a%'$$),
  ($$SELECT count(*) FROM clio.matters WHERE description = 'x'$$),
  ($$SELECT count(*) FROM clio.activities WHERE updated_at >= '2026-01-01 00:00+00'$$),
  ($$SELECT status, count(*) FROM clio.matters GROUP BY 1$$),
  ($$SELECT count(*) FROM clio.matters HAVING count(*) > 1$$),
  ($$SELECT count(close_date) FROM clio.matters$$),
  ($$SELECT count(DISTINCT status) FROM clio.matters$$),
  ($$SELECT count(*), max(id) FROM clio.matters$$),
  ($$SELECT count(*) FROM clio.matters m JOIN clio.contacts c ON c.id = m.client_id$$),
  ($$SELECT count(*) FROM clio.tasks WHERE status IN ('pending', 'complete')$$),
  ($$SELECT count(*) FROM clio.matters WHERE id IN (1, 2)$$)) v(q);

-- a value known only at execution (a generic plan's parameter)
SET plan_cache_mode = force_generic_plan;
PREPARE c(bigint) AS SELECT count(*) FROM clio.activities WHERE matter_id = $1;
EXPLAIN (COSTS OFF) EXECUTE c(:busy_matter);
SELECT (SELECT count(*) FROM acts WHERE matter_id = :busy_matter) AS local;
EXECUTE c(:busy_matter);
DEALLOCATE c;
RESET plan_cache_mode;

-- count_pushdown 'off' on a table: counted by pages
ALTER FOREIGN TABLE clio.tasks OPTIONS (ADD count_pushdown 'off');
EXPLAIN (COSTS OFF) SELECT count(*) FROM clio.tasks;
ALTER FOREIGN TABLE clio.tasks OPTIONS (SET count_pushdown 'on');
EXPLAIN (VERBOSE, COSTS OFF) SELECT count(*) FROM clio.tasks;
ALTER FOREIGN TABLE clio.tasks OPTIONS (DROP count_pushdown);
ALTER SERVER clio OPTIONS (ADD count_pushdown 'sometimes');

-- A Clio whose meta.records is not the count of its records: 'verify'
-- notices, counts by pages for the rest of the session; 'on' believes it
CALL hostile.serve('count_lies', 'count_pushdown ''verify''');
SELECT count(*) FROM h_count_lies.matters;
SELECT count(*) FROM h_count_lies.matters;
SELECT count(*) AS requests, count(*) FILTER (WHERE query LIKE '%limit=1%') AS one_record
FROM hostile.log('count_lies');
ALTER SERVER h_count_lies OPTIONS (SET count_pushdown 'on');
SELECT count(*) FROM h_count_lies.matters;
-- no meta.records at all: counted by pages
CALL hostile.serve('count_none', 'count_pushdown ''verify''');
SELECT count(*) FROM h_count_none.matters;

-- Latest N: the order goes to Clio when the column cannot be null --
-- activities' date is required on create; IS NOT NULL rules nulls out
CALL sandbox.clear();
SELECT id, date FROM clio.activities WHERE type = 'TimeEntry' ORDER BY date DESC, id LIMIT 0;
SELECT array_agg(date ORDER BY n) AS clio_dates FROM (
  SELECT date, row_number() OVER () AS n FROM (
    SELECT date FROM clio.activities WHERE type = 'TimeEntry' ORDER BY date DESC LIMIT 20) s) t \gset
SELECT :'clio_dates'::date[] = ARRAY(SELECT date FROM acts WHERE type = 'TimeEntry' ORDER BY date DESC LIMIT 20) AS same_dates;
SELECT count(*) AS requests, min(params->>'order') AS order, min(params->>'limit') AS limit
FROM sandbox.requests() WHERE path LIKE '%activities%';
EXPLAIN (VERBOSE, COSTS OFF)
SELECT id, date FROM clio.activities WHERE type = 'TimeEntry' ORDER BY date DESC LIMIT 20;
CALL sandbox.clear();
SELECT array_agg(close_date) AS clio_close FROM (
  SELECT close_date FROM clio.matters WHERE close_date IS NOT NULL ORDER BY close_date DESC LIMIT 5) s \gset
SELECT :'clio_close'::date[] = ARRAY(SELECT close_date FROM mats WHERE close_date IS NOT NULL
                                     ORDER BY close_date DESC LIMIT 5) AS same_close_dates;
SELECT min(params->>'order') AS order FROM sandbox.requests();
-- without IS NOT NULL a nullable column is sorted locally
EXPLAIN (COSTS OFF) SELECT close_date FROM clio.matters ORDER BY close_date DESC LIMIT 5;
