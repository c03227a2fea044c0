-- ===================================================================
-- clio_hostile_transport: the transport against a hostile server
-- (test/hostile/scn_transport.py) -- Retry-After of 0, a fraction or an
-- HTTP-date; rate-limit windows that would outlive a statement; redirect
-- locations long, folded, doubled or pointing elsewhere; a server that
-- keeps Nagle's algorithm on; slow bodies, gzip bombs, huge messages
-- ===================================================================
\getenv abs_srcdir PG_ABS_SRCDIR
\set clio_env :abs_srcdir '/sql/include/clio_env.sql'
\i :clio_env
\set hostile_env :abs_srcdir '/sql/include/hostile_env.sql'
\i :hostile_env
-- (hostile_env sets the server's address for the session that first runs
-- it; after another hostile suite in the same database, set it here)
\getenv hostile_url CLIO_HOSTILE_URL
SELECT set_config('clio_test.hostile_url', :'hostile_url', false) IS NOT NULL AS hostile_url_set \gset

-- a statement's outcome: its SQLSTATE (or ok), its error and how long it took
CREATE FUNCTION transport_outcome(stmt text, OUT state text, OUT message text, OUT detail text,
                        OUT hint text, OUT seconds numeric)
LANGUAGE plpgsql AS $$
DECLARE
  t0 timestamptz := clock_timestamp();
BEGIN
  state := 'ok';
  BEGIN
    EXECUTE stmt;
  EXCEPTION WHEN OTHERS THEN
    GET STACKED DIAGNOSTICS state = RETURNED_SQLSTATE, message = MESSAGE_TEXT,
                            detail = PG_EXCEPTION_DETAIL, hint = PG_EXCEPTION_HINT;
  END;
  seconds := round(extract(epoch FROM clock_timestamp() - t0)::numeric, 3);
END $$;
-- what a storage host answers for a path: its length and digest
CREATE FUNCTION transport_storage_answer(path text) RETURNS text LANGUAGE sql AS $$
  SELECT 'storage ' || length(path) || ' '
         || left(encode(sha256(convert_to(path, 'UTF8')), 'hex'), 12)
$$;
-- a bound for the statements below that would loop on the old code
SET statement_timeout = '15s';

-- -------------------------------------------------------------------
-- 429 with Retry-After 0 or a fraction: each wait counts (at least a
-- second), so max_rate_limit_wait 3s ends it after 4 requests
-- -------------------------------------------------------------------
CALL hostile.serve('ra_zero', 'max_rate_limit_wait ''3s''');
SELECT state, message, hint, seconds BETWEEN 2.5 AND 6 AS about_3_s
  FROM transport_outcome('SELECT count(*) FROM h_ra_zero.matters');
SELECT count(*) AS requests FROM hostile.log('ra_zero');
CALL hostile.serve('ra_frac', 'max_rate_limit_wait ''3s''');
SELECT state, seconds BETWEEN 2.5 AND 6 AS about_3_s
  FROM transport_outcome('SELECT count(*) FROM h_ra_frac.matters');
SELECT count(*) AS requests FROM hostile.log('ra_frac');
SELECT rate_limited >= 8 AS counted FROM clio_fdw_stats();

-- an HTTP-date Retry-After is a date: 30 s away passes a 5 s wait at once
CALL hostile.serve('ra_date', 'max_rate_limit_wait ''5s''');
SELECT state, hint ~ '^Clio asks to wait (29|30) more seconds' AS hint_names_the_wait,
       seconds < 1 AS at_once
  FROM transport_outcome('SELECT count(*) FROM h_ra_date.matters');
SELECT count(*) AS requests FROM hostile.log('ra_date');
-- the obsolete forms too (RFC 850, asctime)
CALL hostile.serve('ra_date_rfc850', 'max_rate_limit_wait ''5s''');
SELECT state, seconds < 1 AS at_once FROM transport_outcome('SELECT count(*) FROM h_ra_date_rfc850.matters');
CALL hostile.serve('ra_date_asctime', 'max_rate_limit_wait ''5s''');
SELECT state, seconds < 1 AS at_once FROM transport_outcome('SELECT count(*) FROM h_ra_date_asctime.matters');
SELECT count(*) AS requests FROM hostile.log('ra_date_rfc850')
UNION ALL SELECT count(*) FROM hostile.log('ra_date_asctime');
-- a date 2.5 s ahead is waited out (2 or 3 s: a date has whole seconds)
CALL hostile.serve('ra_date_soon', 'max_rate_limit_wait ''10s''');
SELECT state, seconds BETWEEN 1.8 AND 4 AS waited_for_the_date
  FROM transport_outcome('SELECT count(*) FROM h_ra_date_soon.matters');
SELECT count(*) AS requests FROM hostile.log('ra_date_soon');

-- a wait of 5 s or more is told, once: for a Retry-After, and for a spent
-- window (its seconds and reset are the clock's: shown by its SQLSTATE)
CALL hostile.serve('ra_five', 'max_rate_limit_wait ''20s''');
SELECT count(*) FROM h_ra_five.matters;
CALL hostile.serve('rl_five', 'max_rate_limit_wait ''20s''');
SELECT count(*) FROM h_rl_five.matters;
\set VERBOSITY sqlstate
SELECT count(*) FROM h_rl_five.matters;
\set VERBOSITY default
SELECT count(*) AS requests FROM hostile.log('rl_five');

-- -------------------------------------------------------------------
-- a rate-limit window never outlives the statement that hears of it
-- -------------------------------------------------------------------
-- a reset 31 years ahead is not believed: the next statement sends
CALL hostile.serve('rl_far');
SELECT count(*) FROM h_rl_far.matters;
SELECT state, message FROM transport_outcome('SELECT count(*) FROM h_rl_far.matters');
SELECT state FROM transport_outcome('SELECT count(*) FROM h_rl_far.matters');
SELECT count(*) AS requests FROM hostile.log('rl_far');
-- a plausible spent window (two minutes) past max_rate_limit_wait: an error
-- for that statement, which sends nothing; the next one asks Clio again
CALL hostile.serve('rl_spent', 'max_rate_limit_wait ''2s''');
SELECT count(*) FROM h_rl_spent.matters;
SELECT state, message ~ '^Clio''s rate limit is spent for 1[12][0-9] more seconds$' AS spent,
       seconds < 1 AS at_once
  FROM transport_outcome('SELECT count(*) FROM h_rl_spent.matters');
SELECT count(*) AS requests FROM hostile.log('rl_spent');
SELECT state FROM transport_outcome('SELECT count(*) FROM h_rl_spent.matters');
SELECT count(*) AS requests FROM hostile.log('rl_spent');

-- -------------------------------------------------------------------
-- redirects of a document download
-- -------------------------------------------------------------------
CALL hostile.serve('redir');
-- locations of 600, 8,000 and 12,000 bytes are followed whole
SELECT d AS document,
       convert_from(clio_document_download('h_redir', d), 'UTF8')
         = transport_storage_answer('/storage/doc' || d || '/' || repeat('s', len - length('/storage/doc' || d || '/')))
         AS whole_location_followed
  FROM (VALUES (1, 600), (2, 8000), (3, 12000)) v(d, len);
-- the storage host got no credential and no Clio header
SELECT path ~ '^/storage/doc[123]/s+$' AS storage, auth IS NULL AS no_key,
       NOT headers ?| array['x-api-version', 'maton-connection'] AS no_clio_header
  FROM hostile.log('redir') WHERE path LIKE '/storage/%' ORDER BY seq;
-- past 16 kB: an error, never a download of a cut URL
SELECT state, message, detail FROM transport_outcome('SELECT clio_document_download(''h_redir'', 4)');
-- a location folded over two lines, two locations, a NUL byte: errors
SELECT d AS document, o.state, o.message, o.detail
  FROM (VALUES (7), (8), (9)) v(d),
       LATERAL transport_outcome(format('SELECT clio_document_download(%L, %s)', 'h_redir', d)) o;
SELECT count(*) AS storage_requests FROM hostile.log('redir') WHERE path LIKE '/storage/doc%';
-- another host name (same port): followed, without the key
CALL hostile.clear();
SELECT convert_from(clio_document_download('h_redir', 5), 'UTF8')
       = transport_storage_answer('/storage/doc5?X-Amz-Signature=abc') AS followed;
SELECT path, query, host ~ '^localhost:' AS other_host, auth IS NULL AS no_key,
       NOT headers ?| array['x-api-version', 'maton-connection', 'authorization'] AS no_clio_header
  FROM hostile.log('redir_sink');
SELECT path, auth IS NOT NULL AS key_to_base_url FROM hostile.log('redir');
-- another port of this machine: followed, without the key
SELECT convert_from(clio_document_download('h_redir', 12), 'UTF8') AS other_port;
SELECT hostile.call('GET', '/redir/captured') AS what_the_other_port_got;
-- plain http to another machine, ftp: refused; https: tried
SELECT d AS document, o.state, o.message
  FROM (VALUES (6), (10), (11)) v(d),
       LATERAL transport_outcome(format('SELECT clio_document_download(%L, %s)', 'h_redir', d)) o;

-- -------------------------------------------------------------------
-- a server that keeps Nagle on and writes headers and body apart: no
-- delayed-ACK stall (~40 ms) on each request of a reused connection
-- -------------------------------------------------------------------
CALL hostile.serve('nagle');
CALL hostile.serve('nagle_off');
SELECT count(*) FROM h_nagle_off.matters;
SELECT count(*) FROM h_nagle.matters;
CREATE TEMP TABLE nagle_ms AS
SELECT (SELECT seconds FROM transport_outcome('SELECT count(*) FROM h_nagle.matters')) * 1000 / 200 AS split,
       (SELECT seconds FROM transport_outcome('SELECT count(*) FROM h_nagle_off.matters')) * 1000 / 200 AS one_write;
-- the figures, for the server log (CLIO_KEEP_TMP=1 keeps it)
DO $$
DECLARE r record;
BEGIN
  SELECT * INTO r FROM nagle_ms;
  RAISE LOG 'clio_hostile_transport: ms per request, headers and body apart with Nagle on: %; in one write: %',
    r.split, r.one_write;
END $$;
SELECT split < 15 AS no_stall FROM nagle_ms;
SELECT count(*) AS requests FROM hostile.log('nagle');
-- the body in three writes after the headers: no stall either
CALL hostile.serve('nagle_parts');
SELECT count(*) FROM h_nagle_parts.matters;
CREATE TEMP TABLE nagle_parts_ms AS
SELECT (SELECT seconds FROM transport_outcome('SELECT count(*) FROM h_nagle_parts.matters')) * 1000 / 200 AS parts;
DO $$
BEGIN
  RAISE LOG 'clio_hostile_transport: ms per request, headers then the body in three writes with Nagle on: %',
    (SELECT parts FROM nagle_parts_ms);
END $$;
SELECT parts < 15 AS no_stall FROM nagle_parts_ms;

-- -------------------------------------------------------------------
-- slow senders: request_timeout bounds a request, retries included
-- -------------------------------------------------------------------
CALL hostile.serve('slow_body', 'request_timeout ''1s'', max_retries ''0''');
SELECT state, message, seconds < 2 AS within_the_timeout
  FROM transport_outcome('SELECT count(*) FROM h_slow_body.matters');
-- with two retries: (1 + 2) x request_timeout in all, backoff included
ALTER SERVER h_slow_body OPTIONS (SET max_retries '2');
CALL hostile.clear();
SELECT state, message, seconds < 3.5 AS within_three_timeouts
  FROM transport_outcome('SELECT count(*) FROM h_slow_body.matters');
-- (a third attempt only if the backoff left room for it)
SELECT count(*) BETWEEN 2 AND 3 AS retried FROM hostile.log('slow_body');
-- statement_timeout ends it within a second
ALTER SERVER h_slow_body OPTIONS (SET request_timeout '30s');
SET statement_timeout = '500ms';
SELECT * FROM cancel_delay('SELECT count(*) FROM h_slow_body.matters');
SET statement_timeout = '15s';

-- -------------------------------------------------------------------
-- a gzip bomb: max_response_size counts the inflated bytes
-- -------------------------------------------------------------------
CALL hostile.serve('gzip_bomb', 'max_response_size ''100kB''');
SELECT state, message, detail FROM transport_outcome('SELECT count(*) FROM h_gzip_bomb.matters');
ALTER SERVER h_gzip_bomb OPTIONS (SET max_response_size '4MB');
SELECT count(*) FROM h_gzip_bomb.matters;

-- -------------------------------------------------------------------
-- Clio's message goes into an error cut to 1,000 characters
-- -------------------------------------------------------------------
CALL hostile.serve('big_error');
SELECT state, message, length(detail) AS detail_chars,
       left(detail, 1011) = 'Clio says: ' || repeat('é', 1000) AS first_1000_characters,
       substr(detail, 1012) AS then
  FROM transport_outcome('SELECT count(*) FROM h_big_error.matters');

RESET statement_timeout;
