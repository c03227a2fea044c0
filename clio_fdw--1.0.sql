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

-- Maton connections of the caller's account (the server's ctrl_url; the
-- caller's user mapping's api_key).  With connection_id, that one only.
CREATE FUNCTION clio_connections(
    server name,
    status text DEFAULT NULL,
    connection_id text DEFAULT NULL)
RETURNS TABLE (
    connection_id text,
    status text,
    creation_time timestamptz,
    last_updated_time timestamptz,
    app text,
    url text,
    metadata jsonb)
AS 'MODULE_PATHNAME', 'clio_connections'
LANGUAGE C CALLED ON NULL INPUT VOLATILE;

-- Start a new Clio connection: open its url in a browser to authorize it.
CREATE FUNCTION clio_create_connection(server name)
RETURNS TABLE (
    connection_id text,
    status text,
    creation_time timestamptz,
    last_updated_time timestamptz,
    app text,
    url text,
    metadata jsonb)
AS 'MODULE_PATHNAME', 'clio_create_connection'
LANGUAGE C STRICT VOLATILE;

-- Delete a connection; false when there is none of that id.
CREATE FUNCTION clio_delete_connection(server name, connection_id text)
RETURNS boolean
AS 'MODULE_PATHNAME', 'clio_delete_connection'
LANGUAGE C STRICT VOLATILE;

-- The Clio user the caller's credentials act as.
CREATE FUNCTION clio_who_am_i(server name)
RETURNS TABLE (
    id bigint,
    name text,
    first_name text,
    last_name text,
    email text,
    enabled boolean,
    subscription_type text,
    time_zone text,
    roles text[])
AS 'MODULE_PATHNAME', 'clio_who_am_i'
LANGUAGE C STRICT VOLATILE;

-- A document's bytes (Clio redirects to file storage; that request carries
-- no credential).
CREATE FUNCTION clio_document_download(server name, document_id bigint)
RETURNS bytea
AS 'MODULE_PATHNAME', 'clio_document_download'
LANGUAGE C STRICT VOLATILE;

-- A new document in a matter's or a contact's folder; returns its id.
CREATE FUNCTION clio_document_upload(
    server name,
    parent_type text,
    parent_id bigint,
    filename text,
    content bytea)
RETURNS bigint
AS 'MODULE_PATHNAME', 'clio_document_upload'
LANGUAGE C STRICT VOLATILE;

COMMENT ON FOREIGN DATA WRAPPER clio_fdw IS 'Clio Manage API v4 as foreign tables';
