/* clio_fdw--1.0.sql */

-- complain if script is sourced in psql, rather than via CREATE EXTENSION
\echo Use "CREATE EXTENSION clio_fdw" to load this file. \quit

CREATE FUNCTION clio_fdw_handler()
RETURNS fdw_handler
AS 'MODULE_PATHNAME'
LANGUAGE C STRICT;

CREATE FUNCTION clio_fdw_validator(text[], oid)
RETURNS void
AS 'MODULE_PATHNAME'
LANGUAGE C STRICT;

CREATE FOREIGN DATA WRAPPER clio_fdw
  HANDLER clio_fdw_handler
  VALIDATOR clio_fdw_validator;

-- This backend's counters: what its Clio requests cost, and the latest
-- rate-limit headers Clio sent.
CREATE FUNCTION clio_fdw_stats(
    OUT requests bigint,
    OUT bytes_received bigint,
    OUT retries bigint,
    OUT rate_limited bigint,
    OUT network_ms double precision,
    OUT waited_ms double precision,
    OUT ratelimit_limit bigint,
    OUT ratelimit_remaining bigint,
    OUT ratelimit_reset timestamptz)
RETURNS record
AS 'MODULE_PATHNAME'
LANGUAGE C STRICT VOLATILE;

COMMENT ON FOREIGN DATA WRAPPER clio_fdw IS 'Clio Manage API v4 as foreign tables';
