-- ===================================================================
-- clio_mirror_cron: pg_cron runs a scheduled clio_refresh.  Needs pg_cron
-- in shared_preload_libraries (scripts/test.sh loads it when it is
-- installed); without it, the variant expected output says so.
-- ===================================================================
\getenv abs_srcdir PG_ABS_SRCDIR
\set clio_env :abs_srcdir '/sql/include/clio_env.sql'
\i :clio_env
\set VERBOSITY terse
SELECT current_setting('shared_preload_libraries') LIKE '%pg_cron%' AS have_cron \gset
\if :have_cron
SET client_min_messages = warning;
CREATE EXTENSION pg_cron;
RESET client_min_messages;
CALL sandbox.reset();
SELECT clio_mirror('clio.matters', 'cron_matters') AS mirror;
CALL clio_refresh('clio_mirror.cron_matters');
SELECT sandbox.call('POST', '/_sandbox/mutate',
         '{"collection":"matters","id":20000001,"fields":{"description":"changed for pg_cron"}}') IS NOT NULL AS mutated;
-- every second where pg_cron can (1.5 and later), else every minute
SELECT extversion >= '1.5' AS seconds FROM pg_extension WHERE extname = 'pg_cron' \gset
\if :seconds
SELECT cron.schedule('clio-matters', '1 seconds', $$CALL clio_refresh('clio_mirror.cron_matters')$$) > 0 AS scheduled;
\else
SELECT cron.schedule('clio-matters', '* * * * *', $$CALL clio_refresh('clio_mirror.cron_matters')$$) > 0 AS scheduled;
\endif
-- wait (up to 90 s) for a run that succeeded
DO $$
BEGIN
  FOR i IN 1..900 LOOP
    EXIT WHEN EXISTS (SELECT FROM cron.job_run_details d JOIN cron.job j USING (jobid)
                       WHERE j.jobname = 'clio-matters' AND d.status = 'succeeded');
    PERFORM pg_sleep(0.1);
  END LOOP;
END $$;
SELECT d.status, d.return_message FROM cron.job_run_details d JOIN cron.job j USING (jobid)
 WHERE j.jobname = 'clio-matters' ORDER BY d.runid LIMIT 1;
SELECT cron.unschedule('clio-matters');
SELECT description FROM clio_mirror.cron_matters WHERE id = 20000001;
SELECT last_error, in_progress, refreshed_at IS NOT NULL AS refreshed FROM clio_mirrors
 WHERE target = 'clio_mirror.cron_matters'::regclass;
SELECT clio_mirror_drop('clio_mirror.cron_matters');
DROP EXTENSION pg_cron;
\else
\echo pg_cron is not loaded in this server: the scheduled refresh is not tested
\endif
