/* clio_fdw--1.0--1.1.sql: local mirrors with incremental refresh */

-- complain if script is sourced in psql, rather than via ALTER EXTENSION
\echo Use "ALTER EXTENSION clio_fdw UPDATE TO '1.1'" to load this file. \quit

-- Clio's own count of a collection's records (one request), for the
-- progress of a first copy.
CREATE FUNCTION @extschema@.clio_mirror_count(source regclass)
RETURNS bigint
AS 'MODULE_PATHNAME', 'clio_mirror_count'
LANGUAGE C STRICT VOLATILE;

-- One row per mirror.  Rows are visible to, and changed by, the owners of
-- the mirror tables (row-level security); pg_dump keeps them.
CREATE TABLE @extschema@.clio_mirror_registry (
    target regclass PRIMARY KEY,
    source regclass NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    copied boolean NOT NULL DEFAULT false,  -- the first copy is complete
    watermark timestamptz,                  -- the updated_at caught up to
    rows bigint NOT NULL DEFAULT 0,
    refreshed_at timestamptz,               -- last successful refresh
    last_requests integer,
    last_error text,
    started_at timestamptz                  -- a refresh began and has not ended
);
SELECT pg_catalog.pg_extension_config_dump('@extschema@.clio_mirror_registry', '');
ALTER TABLE @extschema@.clio_mirror_registry ENABLE ROW LEVEL SECURITY;
CREATE POLICY clio_mirror_owner ON @extschema@.clio_mirror_registry
    USING (pg_catalog.pg_has_role(current_user,
                                  (SELECT c.relowner FROM pg_catalog.pg_class c
                                    WHERE c.oid = target), 'USAGE'))
    WITH CHECK (pg_catalog.pg_has_role(current_user,
                                       (SELECT c.relowner FROM pg_catalog.pg_class c
                                         WHERE c.oid = target), 'USAGE'));
GRANT SELECT, INSERT, UPDATE, DELETE ON @extschema@.clio_mirror_registry TO PUBLIC;

-- The advisory lock a refresh holds (in_progress); the two halves of the
-- key are 'clio' and the mirror table's oid.
CREATE FUNCTION @extschema@.clio_mirror_lock_key(target regclass)
RETURNS bigint
LANGUAGE sql IMMUTABLE STRICT
AS $$ SELECT (1668049263::bigint << 32) | target::oid::bigint $$;

CREATE VIEW clio_mirrors WITH (security_invoker = true) AS
SELECT r.target,
       r.source,
       r.rows,
       r.refreshed_at,
       r.watermark,
       r.last_requests,
       CASE WHEN r.last_error IS NULL AND r.started_at IS NOT NULL AND NOT l.held
            THEN 'the refresh that started at ' || r.started_at
                 || ' did not finish (its session ended)'
            ELSE r.last_error END AS last_error,
       l.held AS in_progress
FROM @extschema@.clio_mirror_registry r
CROSS JOIN LATERAL (
    SELECT EXISTS (SELECT FROM pg_catalog.pg_locks k
                    WHERE k.locktype = 'advisory'
                      AND k.database = (SELECT d.oid FROM pg_catalog.pg_database d
                                         WHERE d.datname = current_database())
                      AND k.classid = 1668049263::oid
                      AND k.objid = r.target::oid
                      AND k.objsubid = 1
                      AND k.granted) AS held) l;
GRANT SELECT ON clio_mirrors TO PUBLIC;

-- Refuse a caller that is neither the table's owner (or a member of the
-- owning role) nor a superuser.
CREATE FUNCTION @extschema@.clio_mirror_check_owner(target regclass, action text)
RETURNS void
LANGUAGE plpgsql STABLE
AS $$
BEGIN
  IF NOT pg_catalog.pg_has_role(current_user,
                                (SELECT c.relowner FROM pg_catalog.pg_class c
                                  WHERE c.oid = target), 'USAGE') THEN
    RAISE EXCEPTION 'must be owner of table % to % it', target, action
      USING ERRCODE = 'insufficient_privilege';
  END IF;
END $$;

-- A local table for a clio_fdw foreign table, registered as its mirror.
-- Sends no request.
CREATE FUNCTION clio_mirror(source regclass, target text DEFAULT NULL)
RETURNS regclass
LANGUAGE plpgsql VOLATILE
AS $$
DECLARE
  parts text[];
  nsp text;
  rel text;
  cols text;
  tgt regclass;
BEGIN
  IF NOT EXISTS (SELECT FROM pg_catalog.pg_foreign_table ft
                   JOIN pg_catalog.pg_foreign_server s ON s.oid = ft.ftserver
                   JOIN pg_catalog.pg_foreign_data_wrapper w ON w.oid = s.srvfdw
                  WHERE ft.ftrelid = source AND w.fdwname = 'clio_fdw') THEN
    RAISE EXCEPTION 'table % is not a clio_fdw foreign table', source
      USING ERRCODE = 'wrong_object_type';
  END IF;
  IF NOT EXISTS (SELECT FROM pg_catalog.pg_attribute a
                  WHERE a.attrelid = source AND a.attname = 'id'
                    AND a.attnum > 0 AND NOT a.attisdropped) THEN
    RAISE EXCEPTION 'foreign table % has no id column', source
      USING ERRCODE = 'undefined_column',
            HINT = 'A mirror upserts by id: the foreign table needs the column id.';
  END IF;

  IF target IS NULL THEN
    nsp := 'clio_mirror';
    SELECT c.relname INTO rel FROM pg_catalog.pg_class c WHERE c.oid = source;
  ELSE
    parts := pg_catalog.parse_ident(target);
    IF array_length(parts, 1) = 1 THEN
      nsp := 'clio_mirror';
      rel := parts[1];
    ELSIF array_length(parts, 1) = 2 THEN
      nsp := parts[1];
      rel := parts[2];
    ELSE
      RAISE EXCEPTION 'invalid mirror name "%"', target
        USING ERRCODE = 'invalid_name',
              DETAIL = 'A mirror is named table or schema.table.';
    END IF;
  END IF;

  tgt := pg_catalog.to_regclass(pg_catalog.format('%I.%I', nsp, rel));
  IF tgt IS NOT NULL AND EXISTS (SELECT FROM @extschema@.clio_mirror_registry r WHERE r.target = tgt) THEN
    RAISE EXCEPTION 'table % is already a mirror of %', tgt,
      (SELECT r.source FROM @extschema@.clio_mirror_registry r WHERE r.target = tgt)
      USING ERRCODE = 'duplicate_object';
  END IF;

  IF nsp = 'clio_mirror' AND pg_catalog.to_regnamespace('clio_mirror') IS NULL THEN
    EXECUTE 'CREATE SCHEMA clio_mirror';
  END IF;

  SELECT pg_catalog.string_agg(pg_catalog.format('%I %s', a.attname,
                                                 pg_catalog.format_type(a.atttypid, a.atttypmod))
                               || CASE WHEN a.attcollation <> t.typcollation
                                       THEN pg_catalog.format(' COLLATE %I.%I', cn.nspname, co.collname)
                                       ELSE '' END,
                               ', ' ORDER BY a.attnum)
    INTO cols
    FROM pg_catalog.pg_attribute a
    JOIN pg_catalog.pg_type t ON t.oid = a.atttypid
    LEFT JOIN pg_catalog.pg_collation co ON co.oid = a.attcollation
    LEFT JOIN pg_catalog.pg_namespace cn ON cn.oid = co.collnamespace
   WHERE a.attrelid = source AND a.attnum > 0 AND NOT a.attisdropped;

  EXECUTE pg_catalog.format('CREATE TABLE %I.%I (%s, PRIMARY KEY (id))', nsp, rel, cols);
  tgt := pg_catalog.format('%I.%I', nsp, rel)::regclass;
  EXECUTE pg_catalog.format('COMMENT ON TABLE %s IS %L', tgt,
                            'clio_fdw mirror of ' || source::text || ' (CALL clio_refresh to update it)');
  INSERT INTO @extschema@.clio_mirror_registry (target, source) VALUES (tgt, source);
  RETURN tgt;
END $$;

-- Unregister a mirror and drop its table.
CREATE FUNCTION clio_mirror_drop(target regclass)
RETURNS void
LANGUAGE plpgsql VOLATILE
AS $$
DECLARE
  key bigint := @extschema@.clio_mirror_lock_key(target);
BEGIN
  PERFORM @extschema@.clio_mirror_check_owner(target, 'drop');
  IF NOT EXISTS (SELECT FROM @extschema@.clio_mirror_registry r WHERE r.target = clio_mirror_drop.target) THEN
    RAISE EXCEPTION 'table % is not a clio_fdw mirror', target
      USING ERRCODE = 'wrong_object_type';
  END IF;
  IF NOT pg_catalog.pg_try_advisory_xact_lock(key) THEN
    RAISE EXCEPTION 'mirror % is being refreshed', target
      USING ERRCODE = 'lock_not_available',
            HINT = 'Drop it when the refresh has ended, or cancel the refresh.';
  END IF;
  DELETE FROM @extschema@.clio_mirror_registry r WHERE r.target = clio_mirror_drop.target;
  EXECUTE pg_catalog.format('DROP TABLE %s', target);
END $$;

-- Bring a mirror up to date: the first call copies every record, later
-- ones what changed since (updated_since, with an overlap), upserting by
-- id without rewriting unchanged rows; reconcile also deletes the rows
-- whose records are gone.  Commits as it goes: it must be CALLed outside
-- a transaction block.
CREATE PROCEDURE clio_refresh(target regclass, reconcile boolean DEFAULT false)
LANGUAGE plpgsql
AS $$
DECLARE
  -- records re-read before the watermark: Clio's bound may be exclusive,
  -- and its servers' clocks drift
  overlap constant interval := '5 minutes';
  key bigint := @extschema@.clio_mirror_lock_key(target);
  t0 timestamptz := pg_catalog.clock_timestamp();
  req0 bigint;
  src regclass;
  reg record;
  reserve text;
  cols text;
  sets text;
  olds text;
  news text;
  upsert text;
  plan text;
  has_updated boolean;
  batched boolean;
  first_copy boolean;
  batch integer;
  total bigint;
  lower timestamptz;
  stmt text;
  n_src bigint;
  n_ins bigint;
  n_upd bigint;
  n_del bigint := 0;
  max_upd timestamptz;
  tot_ins bigint := 0;
  tot_upd bigint := 0;
  next_pct integer := 10;
  failed boolean := false;
  e_state text;
  e_msg text;
  e_detail text;
  e_hint text;
BEGIN
  -- outside a transaction block, before anything is taken
  COMMIT;
  PERFORM @extschema@.clio_mirror_check_owner(target, 'refresh');
  SELECT r.* INTO reg FROM @extschema@.clio_mirror_registry r WHERE r.target = clio_refresh.target;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'table % is not a clio_fdw mirror', target
      USING ERRCODE = 'wrong_object_type',
            HINT = 'clio_mirror() creates a mirror of a clio_fdw foreign table.';
  END IF;
  src := reg.source;

  -- a lock this session kept from an interrupted refresh is let go
  WHILE EXISTS (SELECT FROM pg_catalog.pg_locks k
                 WHERE k.pid = pg_catalog.pg_backend_pid() AND k.locktype = 'advisory'
                   AND k.classid = 1668049263::oid AND k.objid = target::oid
                   AND k.objsubid = 1) LOOP
    PERFORM pg_catalog.pg_advisory_unlock(key);
  END LOOP;
  IF NOT pg_catalog.pg_try_advisory_lock(key) THEN
    RAISE EXCEPTION 'mirror % is already being refreshed', target
      USING ERRCODE = 'lock_not_available';
  END IF;

  BEGIN
    req0 := (@extschema@.clio_fdw_stats()).requests;
    -- the server's refresh_reserve (default 5) and refresh_batch (9000:
    -- under Clio's offset cap of 10,000 with room for the records clio_fdw
    -- reads from the second before the bound and filters out itself)
    SELECT coalesce(max(o.option_value) FILTER (WHERE o.option_name = 'refresh_reserve'), '5'),
           coalesce(max(o.option_value) FILTER (WHERE o.option_name = 'refresh_batch'), '9000')::integer
      INTO reserve, batch
      FROM pg_catalog.pg_foreign_table ft
      JOIN pg_catalog.pg_foreign_server s ON s.oid = ft.ftserver
      LEFT JOIN LATERAL pg_catalog.pg_options_to_table(s.srvoptions) o ON true
     WHERE ft.ftrelid = src;
    PERFORM pg_catalog.set_config('clio_fdw.rate_limit_reserve', reserve, true);

    SELECT pg_catalog.string_agg(pg_catalog.quote_ident(a.attname), ', ' ORDER BY a.attnum),
           pg_catalog.string_agg(pg_catalog.format('%1$I = EXCLUDED.%1$I', a.attname), ', ' ORDER BY a.attnum)
             FILTER (WHERE a.attname <> 'id'),
           pg_catalog.string_agg(pg_catalog.format('m.%I', a.attname), ', ' ORDER BY a.attnum)
             FILTER (WHERE a.attname <> 'id'),
           pg_catalog.string_agg(pg_catalog.format('EXCLUDED.%I', a.attname), ', ' ORDER BY a.attnum)
             FILTER (WHERE a.attname <> 'id'),
           bool_or(a.attname = 'updated_at')
      INTO cols, sets, olds, news, has_updated
      FROM pg_catalog.pg_attribute a
     WHERE a.attrelid = target AND a.attnum > 0 AND NOT a.attisdropped;
    upsert := pg_catalog.format('INSERT INTO %s AS m (%s) SELECT %s FROM src ON CONFLICT (id) DO ',
                                target, cols, cols)
              || CASE WHEN sets IS NULL THEN 'NOTHING'
                      ELSE pg_catalog.format('UPDATE SET %s WHERE ROW(%s) IS DISTINCT FROM ROW(%s)',
                                             sets, olds, news) END
              || ' RETURNING (m.xmax = 0) AS inserted';

    first_copy := NOT reg.copied;
    IF has_updated AND reg.watermark IS NOT NULL THEN
      lower := CASE WHEN reg.copied THEN reg.watermark - overlap ELSE reg.watermark END;
    ELSIF has_updated THEN
      lower := '1970-01-01 00:00:00+00';
    END IF;

    -- batches in updated_at order when Clio can give that order (the plan
    -- sorts nothing itself); else one statement
    batched := false;
    IF has_updated THEN
      EXECUTE pg_catalog.format('EXPLAIN (FORMAT JSON) SELECT %s FROM %s WHERE updated_at >= %L ORDER BY updated_at LIMIT %s',
                                cols, src, lower, batch) INTO plan;
      batched := pg_catalog.strpos(plan, '"Node Type": "Sort"') = 0;
    END IF;

    IF first_copy THEN
      total := @extschema@.clio_mirror_count(src);
      IF reg.watermark IS NOT NULL THEN
        RAISE NOTICE 'resuming the first copy of % into % (% of % records copied)',
          src, target, reg.rows, coalesce(total::text, 'an unknown number of');
      ELSE
        RAISE NOTICE 'first copy of % into %: % records%', src, target,
          coalesce(total::text, 'an unknown number of'),
          CASE WHEN batched THEN pg_catalog.format(', in batches of %s', batch)
               ELSE ', in one statement' END;
      END IF;
    ELSIF has_updated THEN
      RAISE NOTICE 'refreshing % from %: records updated since the last refresh', target, src;
    ELSE
      RAISE NOTICE 'refreshing % from %: every record (the collection has no updated_at)', target, src;
    END IF;

    UPDATE @extschema@.clio_mirror_registry r SET started_at = pg_catalog.now(), last_error = NULL
     WHERE r.target = clio_refresh.target;
  EXCEPTION WHEN OTHERS OR query_canceled THEN
    GET STACKED DIAGNOSTICS e_state = RETURNED_SQLSTATE, e_msg = MESSAGE_TEXT, e_detail = PG_EXCEPTION_DETAIL, e_hint = PG_EXCEPTION_HINT;
  END;
  failed := e_state IS NOT NULL;
  IF NOT failed THEN
    COMMIT;
    PERFORM pg_catalog.set_config('clio_fdw.rate_limit_reserve', reserve, true);
  END IF;

  -- the copy, or the changes: each batch commits with the progress it makes
  WHILE NOT failed LOOP
    IF batched THEN
      stmt := pg_catalog.format('SELECT %s FROM %s WHERE updated_at >= %L ORDER BY updated_at LIMIT %s',
                                cols, src, lower, batch);
    ELSIF has_updated AND NOT first_copy THEN
      stmt := pg_catalog.format('SELECT %s FROM %s WHERE updated_at >= %L', cols, src, lower);
    ELSE
      stmt := pg_catalog.format('SELECT %s FROM %s', cols, src);
    END IF;
    BEGIN
      EXECUTE 'WITH src AS MATERIALIZED (' || stmt || '), up AS (' || upsert || ') '
              || 'SELECT (SELECT count(*) FROM src), '
              || CASE WHEN has_updated THEN '(SELECT max(updated_at) FROM src), '
                      ELSE 'NULL::timestamptz, ' END
              || '(SELECT count(*) FILTER (WHERE inserted) FROM up), '
              || '(SELECT count(*) FILTER (WHERE NOT inserted) FROM up)'
        INTO n_src, max_upd, n_ins, n_upd;
      tot_ins := tot_ins + n_ins;
      tot_upd := tot_upd + n_upd;
      UPDATE @extschema@.clio_mirror_registry r
         SET rows = r.rows + n_ins,
             watermark = CASE WHEN max_upd IS NULL THEN r.watermark
                              ELSE greatest(r.watermark, max_upd) END
       WHERE r.target = clio_refresh.target
      RETURNING r.rows INTO reg.rows;
    EXCEPTION WHEN OTHERS OR query_canceled THEN
      GET STACKED DIAGNOSTICS e_state = RETURNED_SQLSTATE, e_msg = MESSAGE_TEXT, e_detail = PG_EXCEPTION_DETAIL, e_hint = PG_EXCEPTION_HINT;
    END;
    IF e_state = '54000' AND batched AND batch > 200 THEN
      -- the batch reached Clio's offset cap: smaller batches from here
      RAISE NOTICE 'a batch of % records reached Clio''s offset cap: batches of % from here',
        batch, greatest(200, batch / 2 / 200 * 200);
      batch := greatest(200, batch / 2 / 200 * 200);
      e_state := NULL;
      CONTINUE;
    END IF;
    failed := e_state IS NOT NULL;
    EXIT WHEN failed;
    COMMIT;
    PERFORM pg_catalog.set_config('clio_fdw.rate_limit_reserve', reserve, true);

    IF first_copy AND total > 0 AND reg.rows * 100 >= next_pct::bigint * total
       AND reg.rows < total THEN
      RAISE NOTICE 'first copy of %: % of % records (%)', src, reg.rows, total,
        (reg.rows * 100 / total)::text || '%';
      next_pct := ((reg.rows * 100 / total) / 10 + 1) * 10;
    END IF;

    EXIT WHEN NOT batched OR n_src < batch;
    IF max_upd <= lower THEN
      -- a whole batch shares one updated_at: take the rest in one statement
      RAISE NOTICE 'all % records of a batch share one updated_at: the rest in one statement', n_src;
      batched := false;
      first_copy := false;
    END IF;
    lower := max_upd;
  END LOOP;

  IF NOT failed THEN
    BEGIN
      UPDATE @extschema@.clio_mirror_registry r SET copied = true
       WHERE r.target = clio_refresh.target;
      IF reconcile THEN
        -- ids only (fields=id): the records Clio still has
        EXECUTE pg_catalog.format('CREATE TEMP TABLE clio_reconcile_ids ON COMMIT DROP AS SELECT id FROM %s', src);
        EXECUTE pg_catalog.format('DELETE FROM %s m WHERE NOT EXISTS (SELECT FROM pg_temp.clio_reconcile_ids i WHERE i.id = m.id)', target);
        GET DIAGNOSTICS n_del = ROW_COUNT;
      END IF;
      UPDATE @extschema@.clio_mirror_registry r
         SET rows = r.rows - n_del,
             refreshed_at = pg_catalog.now(),
             last_requests = ((@extschema@.clio_fdw_stats()).requests - req0)::integer,
             last_error = NULL,
             started_at = NULL
       WHERE r.target = clio_refresh.target;
    EXCEPTION WHEN OTHERS OR query_canceled THEN
      GET STACKED DIAGNOSTICS e_state = RETURNED_SQLSTATE, e_msg = MESSAGE_TEXT, e_detail = PG_EXCEPTION_DETAIL, e_hint = PG_EXCEPTION_HINT;
    END;
    failed := e_state IS NOT NULL;
  END IF;

  IF failed THEN
    UPDATE @extschema@.clio_mirror_registry r
       SET last_error = e_msg,
           started_at = NULL,
           last_requests = ((@extschema@.clio_fdw_stats()).requests - coalesce(req0, 0))::integer
     WHERE r.target = clio_refresh.target;
    COMMIT;
    PERFORM pg_catalog.pg_advisory_unlock(key);
    RAISE NOTICE 'refresh of % stopped: % rows inserted, % updated before the error; the next refresh goes on from there',
      target, tot_ins, tot_upd;
    IF e_detail <> '' AND e_hint <> '' THEN
      RAISE EXCEPTION USING ERRCODE = e_state, MESSAGE = e_msg, DETAIL = e_detail, HINT = e_hint;
    ELSIF e_detail <> '' THEN
      RAISE EXCEPTION USING ERRCODE = e_state, MESSAGE = e_msg, DETAIL = e_detail;
    ELSIF e_hint <> '' THEN
      RAISE EXCEPTION USING ERRCODE = e_state, MESSAGE = e_msg, HINT = e_hint;
    ELSE
      RAISE EXCEPTION USING ERRCODE = e_state, MESSAGE = e_msg;
    END IF;
  END IF;
  COMMIT;
  PERFORM pg_catalog.pg_advisory_unlock(key);
  RAISE NOTICE 'refreshed %: % rows inserted, % updated, % deleted, % requests',
    target, tot_ins, tot_upd, n_del, (@extschema@.clio_fdw_stats()).requests - req0
    USING DETAIL = pg_catalog.format('It took %s s.',
                                     round(extract(epoch FROM pg_catalog.clock_timestamp() - t0)::numeric, 1));
END $$;

-- The functions that read or change what a Clio or Maton account holds are
-- not every role's: EXECUTE is for whom the database owner grants it (see
-- the README's Security section).  Each also checks USAGE on the server it
-- is given, before any request.  clio_fdw_stats (this session's counters)
-- stays PUBLIC.
REVOKE EXECUTE ON FUNCTION
    @extschema@.clio_connections(name, text, text),
    @extschema@.clio_create_connection(name),
    @extschema@.clio_delete_connection(name, text),
    @extschema@.clio_who_am_i(name),
    @extschema@.clio_document_download(name, bigint),
    @extschema@.clio_document_upload(name, text, bigint, text, bytea)
  FROM PUBLIC;
