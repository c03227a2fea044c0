-- ===================================================================
-- clio_write_xact: writes and transactions -- the WARNING inside a
-- transaction block, the transactional_writes option (warn, refuse,
-- allow) -- and partial failures: how many rows Clio applied, which, and
-- how to finish without applying them twice.
-- ===================================================================
\getenv abs_srcdir PG_ABS_SRCDIR
\set clio_env :abs_srcdir '/sql/include/clio_env.sql'
\i :clio_env
CALL sandbox.reset();

CREATE VIEW xact_sent AS
  SELECT method, regexp_replace(path, '/[0-9]+\.json$', '/{id}.json') AS path,
         status
    FROM sandbox.requests() ORDER BY seq;
CREATE PROCEDURE xact_faults(rules text) LANGUAGE plpgsql AS $$
BEGIN
  PERFORM sandbox.call('DELETE', '/_sandbox/faults');
  PERFORM sandbox.call('POST', '/_sandbox/faults', rules::jsonb);
  PERFORM sandbox.call('DELETE', '/_sandbox/log');
END $$;

-- -------------------------------------------------------------------
-- a write inside a transaction block: a WARNING, once per transaction
-- -------------------------------------------------------------------
BEGIN;
INSERT INTO clio.contacts (type, name) VALUES ('Company', 'Xact One Ltd');
INSERT INTO clio.contacts (type, name) VALUES ('Company', 'Xact Two Ltd');   -- no second warning
UPDATE clio.contacts SET title = 'Rolled back?' WHERE name = 'Xact One Ltd';
ROLLBACK;
-- ROLLBACK did not undo them
SELECT name, title FROM clio.contacts WHERE name LIKE 'Xact%' ORDER BY name;
-- the next transaction is warned again; a savepoint's rollback changes nothing
BEGIN;
SAVEPOINT s;
UPDATE clio.contacts SET title = 'Once' WHERE name = 'Xact One Ltd';
ROLLBACK TO SAVEPOINT s;
UPDATE clio.contacts SET title = 'Twice' WHERE name = 'Xact One Ltd';
COMMIT;
-- a statement that writes nothing is not warned
BEGIN;
UPDATE clio.contacts SET title = 'x' WHERE name = 'No Such Contact Ltd';
COMMIT;
-- outside a transaction block: no warning, nor in a function or DO block
-- run as a statement of its own (an implicit transaction, not a block)
UPDATE clio.contacts SET title = 'Plain' WHERE name = 'Xact One Ltd';
CREATE FUNCTION retitle(t text) RETURNS bigint LANGUAGE plpgsql AS $$
DECLARE
  n bigint;
BEGIN
  UPDATE clio.contacts SET title = t WHERE name = 'Xact One Ltd';
  GET DIAGNOSTICS n = ROW_COUNT;
  RETURN n;
END $$;
SELECT retitle('From a function');
DO $$ BEGIN PERFORM retitle('From a DO block'); END $$;
-- an exception block is a subtransaction, not a transaction block
SELECT sqlstate_of($$SELECT retitle('From an exception block')$$);
-- but a function called inside a block is warned
BEGIN;
SELECT retitle('In a block');
COMMIT;
-- COMMIT AND CHAIN begins a new block: warned again
START TRANSACTION;
SELECT retitle('Before the chain');
COMMIT AND CHAIN;
SELECT retitle('After the chain');
COMMIT;
SELECT title FROM clio.contacts WHERE name = 'Xact One Ltd';

-- -------------------------------------------------------------------
-- transactional_writes
-- -------------------------------------------------------------------
ALTER SERVER clio OPTIONS (ADD transactional_writes 'sometimes');
ALTER SERVER clio OPTIONS (ADD transactional_writes 'refuse');
CALL sandbox.clear();
BEGIN;
INSERT INTO clio.contacts (type, name) VALUES ('Company', 'Xact Refused Ltd');
ROLLBACK;
BEGIN;
UPDATE clio.contacts SET title = 'Refused' WHERE name = 'Xact One Ltd';   -- reads first
ROLLBACK;
BEGIN;
UPDATE clio.contacts SET title = 'Refused' WHERE id = 10000001;           -- direct modify
ROLLBACK;
BEGIN;
DELETE FROM clio.contacts WHERE name = 'Xact Two Ltd';
ROLLBACK;
BEGIN;
SELECT sqlstate_of($$SELECT retitle('Refused')$$);
ROLLBACK;
-- not one request was sent
SELECT * FROM xact_sent;
-- reading in a block is fine, and so is EXPLAIN
BEGIN;
SELECT title FROM clio.contacts WHERE name = 'Xact One Ltd';
EXPLAIN (COSTS OFF) UPDATE clio.contacts SET title = 'x' WHERE id = 10000001;
COMMIT;
-- outside a block the write goes
SELECT retitle('Outside a block');
ALTER SERVER clio OPTIONS (SET transactional_writes 'allow');
BEGIN;
SELECT retitle('Allowed');                                  -- no warning
COMMIT;
ALTER SERVER clio OPTIONS (SET transactional_writes 'warn');
BEGIN;
SELECT retitle('Warned');
COMMIT;
ALTER SERVER clio OPTIONS (DROP transactional_writes);
SELECT title FROM clio.contacts WHERE name = 'Xact One Ltd';

-- -------------------------------------------------------------------
-- partial failures: row 4 fails after Clio applied rows 1..3
-- -------------------------------------------------------------------
INSERT INTO clio.contacts (type, name)
SELECT 'Company', 'Part ' || i || ' Ltd' FROM generate_series(1, 6) i;
CREATE TEMP TABLE part AS
  SELECT id, name FROM clio.contacts WHERE name LIKE 'Part % Ltd' ORDER BY id;
SELECT count(*) FROM part;
-- UPDATE: a 500 on the fourth PATCH
CALL xact_faults('{"rules": [{"path": "^/api/v4/contacts/[0-9]+", "method": "PATCH", "nth": 4, "action": "500"}]}');
UPDATE clio.contacts SET title = 'Updated' WHERE name LIKE 'Part % Ltd';
SELECT method, path, status FROM xact_sent WHERE method <> 'GET';
SELECT name, title FROM clio.contacts WHERE name LIKE 'Part % Ltd' ORDER BY id;
-- the hint finishes the job without changing rows 1..3 twice
CALL sandbox.clear_faults();
CALL sandbox.clear();
SELECT format('UPDATE clio.contacts SET title = %L WHERE name LIKE %L AND id NOT IN (%s)',
              'Updated', 'Part % Ltd', string_agg(id::text, ', ' ORDER BY id))
  FROM (SELECT id FROM part ORDER BY id LIMIT 3) f \gexec
SELECT count(*) AS patches FROM xact_sent WHERE method = 'PATCH';
SELECT count(*) FILTER (WHERE title = 'Updated') AS updated, count(*) AS of
  FROM clio.contacts WHERE name LIKE 'Part % Ltd';
-- UPDATE: a record changed by someone else between read and write (412)
SELECT id AS fourth FROM part ORDER BY id OFFSET 3 LIMIT 1 \gset
SELECT format('{"rules": [{"path": "^/api/v4/contacts/%s", "method": "PATCH", "action": "mutate",
               "mutate": {"collection": "contacts", "id": %s, "fields": {"title": "By a colleague"}}}]}',
              :fourth, :fourth) AS rule \gset
CALL xact_faults(:'rule');
UPDATE clio.contacts SET title = 'Again' WHERE name LIKE 'Part % Ltd';
CALL sandbox.clear_faults();
-- DELETE: the hint says running it again is safe
CALL xact_faults('{"rules": [{"path": "^/api/v4/contacts/[0-9]+", "method": "DELETE", "nth": 3, "action": "503"}]}');
DELETE FROM clio.contacts WHERE name LIKE 'Part % Ltd';
CALL sandbox.clear_faults();
DELETE FROM clio.contacts WHERE name LIKE 'Part % Ltd';
SELECT count(*) FROM clio.contacts WHERE name LIKE 'Part % Ltd';
-- INSERT: the third POST fails
CALL xact_faults('{"rules": [{"path": "^/api/v4/contacts.json", "method": "POST", "nth": 3, "action": "500"}]}');
INSERT INTO clio.contacts (type, name)
SELECT 'Company', 'Ins ' || i || ' Ltd' FROM generate_series(1, 5) i;
CALL sandbox.clear_faults();
SELECT name FROM clio.contacts WHERE name LIKE 'Ins % Ltd' ORDER BY id;
-- more applied rows than the error lists: the first 20, and the server log
-- has them all
INSERT INTO clio.contacts (type, name)
SELECT 'Company', 'Many ' || i || ' Ltd' FROM generate_series(1, 25) i;
CALL xact_faults('{"rules": [{"path": "^/api/v4/contacts/[0-9]+", "method": "PATCH", "nth": 24, "action": "500"}]}');
SET client_min_messages = log;
UPDATE clio.contacts SET title = 'Many' WHERE name LIKE 'Many % Ltd';
RESET client_min_messages;
CALL sandbox.clear_faults();
