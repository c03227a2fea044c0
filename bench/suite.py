"""The benchmark's report queries: each one as clio_fdw runs it, the same
report written on top of the PL/Python function clio_get(), and the fewest
requests Clio's API allows for it, with the reason.

Values that depend on the data (a matter with activities, a user, ids) are
picked from the sandbox at run time (bench.py: pick_values) and substituted
for {{name}} in the SQL.  The data's "today" is 2026-11-28 (a Saturday):
dates are fixed, never now(), so that every run asks for the same records.

fewest: a list of
    ("list", collection, params)  one filtered list request; it costs
                                  max(1, ceil(meta.records / 200)) pages
                                  (meta.records asked of the sandbox with
                                  limit=1 before the query; not counted)
    ("fixed", n, why)             n requests whatever the data

Optional keys: py_from (the PL/Python run of another query, same rows),
cause (why clio_fdw sends more than the fewest, when it does), scan,
projection, memory (bench.py), and for the count(*) rows count_mode (the
count_pushdown in force: "off", "verify" or "on"; the report puts those rows
side by side) and fresh_session (clio_fdw's probe and each timed run in a
new backend, after one id look-up that loads the library and opens the
connection: what a session that counts once pays).  The tables with
count_pushdown 'off' and 'on' are clio_count_off.activities and
clio_count_on.activities (bench.py: setup); clio.* has the server's
default, 'verify', and bench.py's warm-up count(*) of users is the suite
session's check, so later counts in that session are trusted.
"""

TODAY = "2026-11-28"
PAGE = 200


def lst(collection, **params):
    return ("list", collection, params)


def fixed(n, why):
    return ("fixed", n, why)


def nov_count(key, title, schema, mode, py=None, reason="as Q18", **extra):
    """count(*) of November 2026's time entries from one schema's
    activities (clio, or those with count_pushdown 'off' or 'on'); the rows
    after the first take Q18's PL/Python run."""
    return dict(
        key=key,
        title=title,
        fdw="""
SELECT count(*) AS time_entries
FROM %s.activities
WHERE type = 'TimeEntry' AND date >= '2026-11-01' AND date < '2026-12-01'""" % schema,
        py=py,
        py_from=None if py else "Q18",
        fewest=[fixed(1, "type, start_date, end_date, limit=1: Clio's meta.records")],
        reason=reason,
        count_mode=mode,
        **extra
    )


# PL/Python: clio_get(path, fields, params jsonb, max_pages int) RETURNS SETOF
# jsonb -- GET <base>/api/v4/<path>.json?fields=...&limit=200&<params> with
# Authorization: Bearer, then the same request with the page_token of
# meta.paging.next until there is none (bench.py: PLPYTHON).

QUERIES = [
    dict(
        key="Q01",
        title="Open matters by practice area",
        fdw="""
SELECT coalesce(practice_area->>'name', '(none)') AS practice_area, count(*) AS open_matters
FROM clio.matters
WHERE status = 'Open'
GROUP BY 1 ORDER BY 2 DESC, 1""",
        py="""
SELECT coalesce(r->'practice_area'->>'name', '(none)') AS practice_area, count(*) AS open_matters
FROM clio_get('matters', 'id,practice_area{name}', '{"status": "open"}') r
GROUP BY 1 ORDER BY 2 DESC, 1""",
        fewest=[lst("matters", status="open")],
        reason="ceil(open matters / 200): one status=open list",
    ),
    dict(
        key="Q02",
        title="Unbilled hours per attorney, November 2026",
        fdw="""
SELECT "user"->>'name' AS attorney, count(*) AS entries, round(sum(quantity) / 3600.0, 1) AS hours
FROM clio.activities
WHERE type = 'TimeEntry' AND date BETWEEN '2026-11-01' AND '2026-11-30'
  AND NOT billed AND NOT on_bill AND NOT non_billable
GROUP BY 1 ORDER BY 3 DESC, 1""",
        py="""
SELECT r->'user'->>'name' AS attorney, count(*) AS entries,
       round(sum((r->>'quantity')::numeric) / 3600.0, 1) AS hours
FROM clio_get('activities', 'id,quantity,user{name}',
              '{"type": "TimeEntry", "start_date": "2026-11-01", "end_date": "2026-11-30", "status": "unbilled"}') r
GROUP BY 1 ORDER BY 3 DESC, 1""",
        fewest=[
            lst(
                "activities",
                type="TimeEntry",
                start_date="2026-11-01",
                end_date="2026-11-30",
                status="unbilled",
            )
        ],
        reason="ceil(unbilled time entries of November / 200): type=TimeEntry, "
        "start_date, end_date and status=unbilled (Clio's 'unbilled' is not billed, "
        "not on a bill and billable: the three conditions of the WHERE clause)",
        cause="Clio's activities filter `status=unbilled` has no column: the table has "
        "`billed`, `on_bill` and `non_billable`, for which Clio has no filter of the same "
        "name, so those three conditions are checked locally only and the request "
        "carries type and the dates alone.",
    ),
    dict(
        key="Q03",
        title="One matter's activities",
        fdw="""
SELECT id, date, type, quantity, total, note
FROM clio.activities
WHERE matter_id = {{one_matter}}
ORDER BY date, id""",
        py="""
SELECT (r->>'id')::bigint AS id, (r->>'date')::date AS date, r->>'type' AS type,
       (r->>'quantity')::numeric AS quantity, (r->>'total')::numeric AS total, r->>'note' AS note
FROM clio_get('activities', 'id,date,type,quantity,total,note', '{"matter_id": {{one_matter}}}') r
ORDER BY 2, 1""",
        fewest=[lst("activities", matter_id="{{one_matter}}")],
        reason="ceil(the matter's activities / 200): matter_id filter",
    ),
    dict(
        key="Q04",
        title="Open tasks due this week, per assignee",
        fdw="""
SELECT assignee_type, assignee->>'name' AS assignee, count(*) AS tasks
FROM clio.tasks
WHERE due_at BETWEEN '2026-11-23' AND '2026-11-29' AND status IN ('pending', 'in_progress')
GROUP BY 1, 2 ORDER BY 3 DESC, 1, 2""",
        py="""
SELECT r->'assignee'->>'type' AS assignee_type, r->'assignee'->>'name' AS assignee, count(*) AS tasks
FROM clio_get('tasks', 'id,assignee{name,type}',
              '{"due_at_from": "2026-11-23", "due_at_to": "2026-11-29",
                "statuses[]": ["pending", "in_progress"]}') r
GROUP BY 1, 2 ORDER BY 3 DESC, 1, 2""",
        fewest=[
            lst(
                "tasks",
                due_at_from="2026-11-23",
                due_at_to="2026-11-29",
                **{"statuses[]": ["pending", "in_progress"]},
            )
        ],
        reason="ceil(matching tasks / 200): due_at_from, due_at_to, statuses[]",
    ),
    dict(
        key="Q05",
        title="Overdue bills (awaiting payment, due before today)",
        fdw="""
SELECT id, number, client->>'name' AS client, due_at, balance
FROM clio.bills
WHERE state = 'awaiting_payment' AND due_at < '2026-11-28'
ORDER BY due_at, id""",
        py="""
SELECT (r->>'id')::bigint AS id, r->>'number' AS number, r->'client'->>'name' AS client,
       (r->>'due_at')::date AS due_at, (r->>'balance')::numeric AS balance
FROM clio_get('bills', 'id,number,client{name},due_at,balance',
              '{"state": "awaiting_payment", "due_before": "2026-11-28"}') r
ORDER BY 4, 1""",
        fewest=[lst("bills", state="awaiting_payment", due_before=TODAY)],
        reason="ceil(overdue bills / 200): state=awaiting_payment, due_before=2026-11-28 (strict)",
    ),
    dict(
        key="Q06",
        title="Open matters without activity in 90 days (LEFT JOIN), fresh import",
        fdw="""
SELECT m.id, m.display_number
FROM clio.matters m
LEFT JOIN clio.activities a ON a.matter_id = m.id AND a.date >= '2026-08-30'
WHERE m.status = 'Open' AND a.id IS NULL
ORDER BY m.id""",
        py="""
WITH m AS MATERIALIZED (
  SELECT (r->>'id')::bigint AS id, r->>'display_number' AS display_number
  FROM clio_get('matters', 'id,display_number', '{"status": "open"}') r),
a AS MATERIALIZED (
  SELECT DISTINCT (r->'matter'->>'id')::bigint AS matter_id
  FROM clio_get('activities', 'id,matter{id}', '{"start_date": "2026-08-30"}') r)
SELECT m.id, m.display_number FROM m LEFT JOIN a ON a.matter_id = m.id
WHERE a.matter_id IS NULL ORDER BY m.id""",
        fewest=[lst("matters", status="open"), lst("activities", start_date="2026-08-30")],
        reason="ceil(open matters / 200) + ceil(activities since 2026-08-30 / 200): "
        "each side read once with its filter, joined locally",
        cause="Right after IMPORT FOREIGN SCHEMA the planner has no statistics: it takes "
        "matters' catalog default (1,000 rows) times the default selectivity of "
        "`status = 'Open'`, expects a handful of open matters, and picks a nested loop "
        "whose inner side is the parameterized activities scan: one request per open "
        "matter.  Q07 is the same query after ANALYZE.",
        projection="nested",
        scan=True,
    ),
    dict(
        key="Q07",
        title="Same as Q06, after ANALYZE of both tables",
        fdw="""
SELECT m.id, m.display_number
FROM clio_an.matters m
LEFT JOIN clio_an.activities a ON a.matter_id = m.id AND a.date >= '2026-08-30'
WHERE m.status = 'Open' AND a.id IS NULL
ORDER BY m.id""",
        py=None,
        py_from="Q06",
        fewest=[lst("matters", status="open"), lst("activities", start_date="2026-08-30")],
        reason="as Q06",
        scan=True,
    ),
    dict(
        key="Q08",
        title="Budget vs hours: join with a local table of 5 matters",
        fdw="""
SELECT b.matter_id, b.budget_hours, count(a.id) AS entries,
       round(coalesce(sum(a.quantity), 0) / 3600.0, 1) AS hours
FROM budget b
LEFT JOIN clio.activities a ON a.matter_id = b.matter_id AND a.type = 'TimeEntry'
GROUP BY 1, 2 ORDER BY 1""",
        py="""
SELECT b.matter_id, b.budget_hours, count(r) AS entries,
       round(coalesce(sum((r->>'quantity')::numeric), 0) / 3600.0, 1) AS hours
FROM budget b
LEFT JOIN LATERAL clio_get('activities', 'id,quantity',
                           jsonb_build_object('matter_id', b.matter_id, 'type', 'TimeEntry')) r ON true
GROUP BY 1, 2 ORDER BY 1""",
        fewest="budget",
        reason="one matter_id + type=TimeEntry request per budget row (ceil(entries / 200) "
        "each, at least 1): Clio has no filter for several matters at once",
        cause="Without statistics the planner takes activities' catalog default (50,000 "
        "rows) times the default selectivity of `type = 'TimeEntry'`: it expects 250 time "
        "entries, two pages, which in its cost model (1,000 per request) is cheaper than one "
        "parameterized request per budget row, so it reads every time entry once and "
        "hash-joins them locally.",
    ),
    dict(
        key="Q09",
        title="Contact search: 'smith'",
        fdw="""
SELECT id, name, type, primary_email_address
FROM clio.contacts
WHERE search = 'smith'
ORDER BY id""",
        py="""
SELECT (r->>'id')::bigint AS id, r->>'name' AS name, r->>'type' AS type,
       r->>'primary_email_address' AS primary_email_address
FROM clio_get('contacts', 'id,name,type,primary_email_address', '{"query": "smith"}') r
ORDER BY 1""",
        fewest=[lst("contacts", query="smith")],
        reason="ceil(search results / 200): query=smith",
    ),
    dict(
        key="Q10",
        title="One matter by id",
        fdw="""
SELECT id, display_number, description, status, client->>'name' AS client, open_date
FROM clio.matters
WHERE id = {{one_matter}}""",
        py="""
SELECT (r->>'id')::bigint AS id, r->>'display_number' AS display_number, r->>'description' AS description,
       r->>'status' AS status, r->'client'->>'name' AS client, (r->>'open_date')::date AS open_date
FROM clio_get('matters/{{one_matter}}', 'id,display_number,description,status,client{name},open_date') r""",
        fewest=[fixed(1, "GET /matters/<id>.json")],
        reason="1: GET /api/v4/matters/<id>.json",
    ),
    dict(
        key="Q11",
        title="Matters changed in the last 7 days",
        fdw="""
SELECT id, display_number, status, updated_at
FROM clio.matters
WHERE updated_at >= '2026-11-21 00:00:00+00'
ORDER BY updated_at DESC, id""",
        py="""
SELECT (r->>'id')::bigint AS id, r->>'display_number' AS display_number, r->>'status' AS status,
       (r->>'updated_at')::timestamptz AS updated_at
FROM clio_get('matters', 'id,display_number,status,updated_at',
              '{"updated_since": "2026-11-21T00:00:00Z"}') r
ORDER BY 4 DESC, 1""",
        fewest=[lst("matters", updated_since="2026-11-21T00:00:00Z")],
        reason="ceil(matters updated since 2026-11-21T00:00:00Z / 200): updated_since (inclusive)",
    ),
    dict(
        key="Q12",
        title="A list of 50 matter ids (IN)",
        fdw="""
SELECT id, display_number, status
FROM clio.matters
WHERE id IN ({{in_ids}})
ORDER BY id""",
        py="""
SELECT (r->>'id')::bigint AS id, r->>'display_number' AS display_number, r->>'status' AS status
FROM clio_get('matters', 'id,display_number,status', '{"ids[]": [{{in_ids}}]}') r
ORDER BY 1""",
        fewest=[fixed(1, "ids[] x 50")],
        reason="ceil(50 ids / 200) = 1: ids[]",
    ),
    dict(
        key="Q13",
        title="Top 10: latest bills issued this year",
        fdw="""
SELECT id, number, issued_at, total
FROM clio.bills
WHERE issued_at >= '2026-01-01'
ORDER BY issued_at DESC
LIMIT 10""",
        py="""
SELECT (r->>'id')::bigint AS id, r->>'number' AS number, (r->>'issued_at')::date AS issued_at,
       (r->>'total')::numeric AS total
FROM clio_get('bills', 'id,number,issued_at,total',
              '{"issued_after": "2025-12-31", "order": "issued_at(desc)", "limit": 10}', 1) r""",
        fewest=[fixed(1, "order=issued_at(desc)&limit=10")],
        reason="1: issued_after, order=issued_at(desc), limit=10",
    ),
    dict(
        key="Q14",
        title="One user's time entries in October 2026, per day",
        fdw="""
SELECT date, count(*) AS entries, round(sum(quantity) / 3600.0, 1) AS hours
FROM clio.activities
WHERE user_id = {{user_id}} AND type = 'TimeEntry' AND date >= '2026-10-01' AND date < '2026-11-01'
GROUP BY 1 ORDER BY 1""",
        py="""
SELECT (r->>'date')::date AS date, count(*) AS entries,
       round(sum((r->>'quantity')::numeric) / 3600.0, 1) AS hours
FROM clio_get('activities', 'id,date,quantity',
              '{"user_id": {{user_id}}, "type": "TimeEntry", "start_date": "2026-10-01", "end_date": "2026-10-31"}') r
GROUP BY 1 ORDER BY 1""",
        fewest=[
            lst(
                "activities",
                user_id="{{user_id}}",
                type="TimeEntry",
                start_date="2026-10-01",
                end_date="2026-10-31",
            )
        ],
        reason="ceil(the user's October time entries / 200): user_id, type, start_date, end_date",
    ),
    dict(
        key="Q15",
        title="Calendar: the next two weeks",
        fdw="""
SELECT id, summary, start_at, end_at, matter->>'display_number' AS matter
FROM clio.calendar_entries
WHERE end_at >= '2026-11-28 00:00:00+00' AND start_at < '2026-12-12 00:00:00+00'
ORDER BY start_at, id""",
        py="""
SELECT r->>'id' AS id, r->>'summary' AS summary, (r->>'start_at')::timestamptz AS start_at,
       (r->>'end_at')::timestamptz AS end_at, r->'matter'->>'display_number' AS matter
FROM clio_get('calendar_entries', 'id,summary,start_at,end_at,matter{display_number}',
              '{"from": "2026-11-28T00:00:00Z", "to": "2026-12-11T23:59:59Z"}') r
ORDER BY 3, 1""",
        fewest=[lst("calendar_entries", **{"from": "2026-11-28T00:00:00Z", "to": "2026-12-11T23:59:59Z"})],
        reason="ceil(entries overlapping the two weeks / 200): from, to",
    ),
    dict(
        key="Q16",
        title="Activities per day, October-November 2026",
        fdw="""
SELECT date, count(*) AS entries, sum(total) AS value
FROM clio.activities
WHERE date >= '2026-10-01' AND date < '2026-12-01'
GROUP BY 1 ORDER BY 1""",
        py="""
SELECT (r->>'date')::date AS date, count(*) AS entries, sum((r->>'total')::numeric) AS value
FROM clio_get('activities', 'id,date,total', '{"start_date": "2026-10-01", "end_date": "2026-11-30"}') r
GROUP BY 1 ORDER BY 1""",
        fewest=[lst("activities", start_date="2026-10-01", end_date="2026-11-30")],
        reason="ceil(activities of October and November / 200): start_date, end_date",
        cause="The planner estimates the date range at far fewer than 10,000 records (no "
        "statistics), so it sends `order=date(asc)` to get the rows sorted for the "
        "GroupAggregate.  Any order but id pages by offset, and Clio stops at offset "
        "10,000: past that the scan raises an error instead of returning the rows.",
    ),
    dict(
        key="Q17",
        title="count(*) of every matter",
        fdw="""
SELECT count(*) AS matters
FROM clio.matters""",
        py="""
SELECT count(*) AS matters
FROM clio_get('matters', 'id') r""",
        fewest=[fixed(1, "limit=1: Clio's meta.records")],
        reason="1: GET /api/v4/matters.json?limit=1, whose meta.records is the count",
        count_mode="verify",
    ),
    nov_count(
        "Q18",
        "count(*) of November's time entries (conditions sent)",
        "clio",
        "verify",
        py="""
SELECT count(*) AS time_entries
FROM clio_get('activities', 'id',
              '{"type": "TimeEntry", "start_date": "2026-11-01", "end_date": "2026-11-30"}') r""",
        reason="1: type=TimeEntry, start_date, end_date and limit=1, whose meta.records is the count",
    ),
    nov_count(
        "Q19",
        "Same as Q18, count_pushdown 'off'",
        "clio_count_off",
        "off",
        cause="The table has `count_pushdown 'off'`: clio_fdw does not take Clio's "
        "`meta.records` for a count and counts the records page by page, as configured.",
    ),
    nov_count("Q20", "Same as Q18, count_pushdown 'on'", "clio_count_on", "on"),
    nov_count(
        "Q21",
        "Same as Q18, count_pushdown 'verify', a new session each run",
        "clio",
        "verify",
        cause="With `count_pushdown 'verify'` (the default) the first count of a session for "
        "a user mapping asks for one record and also counts page by page, and trusts "
        "`meta.records` for the rest of the session only when the two agree: a session that "
        "counts once (a cron job, a script that connects for one report) pays the paged "
        "count plus one request every time.",
        fresh_session=True,
    ),
    dict(
        key="Q22",
        title="Open matters by practice area, LEFT JOIN practice_areas",
        fdw="""
SELECT pa.name AS practice_area, count(*) AS open_matters
FROM clio.matters m
LEFT JOIN clio.practice_areas pa ON pa.id = m.practice_area_id
WHERE m.status = 'Open'
GROUP BY 1 ORDER BY 2 DESC, 1""",
        py="""
SELECT r->'practice_area'->>'name' AS practice_area, count(*) AS open_matters
FROM clio_get('matters', 'id,practice_area{name}', '{"status": "open"}') r
GROUP BY 1 ORDER BY 2 DESC, 1""",
        fewest=[lst("matters", status="open")],
        reason="ceil(open matters / 200): one status=open list, each matter carrying "
        "practice_area{name}; no request on practice_areas",
    ),
    dict(
        key="Q23",
        title="One user's October hours per matter, JOIN matters",
        fdw="""
SELECT m.display_number, count(*) AS entries, round(sum(a.quantity) / 3600.0, 1) AS hours
FROM clio.activities a
JOIN clio.matters m ON m.id = a.matter_id
WHERE a.user_id = {{user_id}} AND a.type = 'TimeEntry' AND a.date >= '2026-10-01' AND a.date < '2026-11-01'
GROUP BY 1 ORDER BY 1""",
        py="""
SELECT r->'matter'->>'display_number' AS display_number, count(*) AS entries,
       round(sum((r->>'quantity')::numeric) / 3600.0, 1) AS hours
FROM clio_get('activities', 'id,quantity,matter{id,display_number}',
              '{"user_id": {{user_id}}, "type": "TimeEntry", "start_date": "2026-10-01", "end_date": "2026-10-31"}') r
WHERE r->'matter'->>'id' IS NOT NULL
GROUP BY 1 ORDER BY 1""",
        fewest=[
            lst(
                "activities",
                user_id="{{user_id}}",
                type="TimeEntry",
                start_date="2026-10-01",
                end_date="2026-10-31",
            )
        ],
        reason="ceil(the user's October time entries / 200): user_id, type, start_date, "
        "end_date, each entry carrying matter{display_number}; no request on matters",
    ),
    dict(
        key="Q24",
        title="Latest 20 time entries (ORDER BY date DESC LIMIT 20)",
        fdw="""
SELECT id, date, quantity, note
FROM clio.activities
WHERE type = 'TimeEntry'
ORDER BY date DESC
LIMIT 20""",
        py="""
SELECT (r->>'id')::bigint AS id, (r->>'date')::date AS date, (r->>'quantity')::numeric AS quantity,
       r->>'note' AS note
FROM clio_get('activities', 'id,date,quantity,note',
              '{"type": "TimeEntry", "order": "date(desc)", "limit": 20}', 1) r""",
        fewest=[fixed(1, "type=TimeEntry&order=date(desc)&limit=20")],
        reason="1: type=TimeEntry, order=date(desc), limit=20 (Clio fills every activity's date)",
    ),
    dict(
        key="Q25",
        title="The 10 newest matters (ORDER BY created_at DESC LIMIT 10)",
        fdw="""
SELECT id, display_number, status, created_at
FROM clio.matters
ORDER BY created_at DESC
LIMIT 10""",
        py="""
SELECT (r->>'id')::bigint AS id, r->>'display_number' AS display_number, r->>'status' AS status,
       (r->>'created_at')::timestamptz AS created_at
FROM clio_get('matters', 'id,display_number,status,created_at',
              '{"order": "created_at(desc)", "limit": 10}', 1) r""",
        fewest=[fixed(1, "order=created_at(desc)&limit=10")],
        reason="1: order=created_at(desc), limit=10 (Clio sets created_at on every record)",
    ),
    dict(
        key="Q26",
        title="The 10 activities changed last (ORDER BY updated_at DESC LIMIT 10)",
        fdw="""
SELECT id, type, date, updated_at
FROM clio.activities
ORDER BY updated_at DESC
LIMIT 10""",
        py="""
SELECT (r->>'id')::bigint AS id, r->>'type' AS type, (r->>'date')::date AS date,
       (r->>'updated_at')::timestamptz AS updated_at
FROM clio_get('activities', 'id,type,date,updated_at',
              '{"order": "updated_at(desc)", "limit": 10}', 1) r""",
        fewest=[fixed(1, "order=updated_at(desc)&limit=10")],
        reason="1: order=updated_at(desc), limit=10 (Clio sets updated_at on every record; "
        "activities cannot be ordered by created_at)",
    ),
    dict(
        key="Q27",
        title="Open matters per responsible attorney, LEFT JOIN users (a role-named association)",
        fdw="""
SELECT u.name AS attorney, count(*) AS open_matters
FROM clio.matters m
LEFT JOIN clio.users u ON u.id = m.responsible_attorney_id
WHERE m.status = 'Open'
GROUP BY 1 ORDER BY 2 DESC, 1""",
        py="""
SELECT r->'responsible_attorney'->>'name' AS attorney, count(*) AS open_matters
FROM clio_get('matters', 'id,responsible_attorney{name}', '{"status": "open"}') r
GROUP BY 1 ORDER BY 2 DESC, 1""",
        fewest=[lst("matters", status="open")],
        reason="ceil(open matters / 200): one status=open list, each matter carrying "
        "responsible_attorney{name}; no request on users",
    ),
    dict(
        key="Q28",
        title="Open matters with their client's name, JOIN contacts (matters' own client_id)",
        fdw="""
SELECT m.display_number, c.name AS client
FROM clio.matters m
JOIN clio.contacts c ON c.id = m.client_id
WHERE m.status = 'Open'""",
        py="""
SELECT r->>'display_number' AS display_number, r->'client'->>'name' AS client
FROM clio_get('matters', 'id,display_number,client{id,name}', '{"status": "open"}') r
WHERE r->'client'->>'id' IS NOT NULL""",
        fewest=[lst("matters", status="open")],
        reason="ceil(open matters / 200): one status=open list, each matter carrying "
        "client{name}; no request on contacts",
    ),
    dict(
        key="S1",
        title="Scan of 10,000 activities (LIMIT)",
        fdw="""
SELECT count(*), sum(quantity) AS quantity, sum(total) AS total, max(date) AS last, sum(length(note)) AS note_chars
FROM (SELECT * FROM clio.activities LIMIT 10000) s""",
        py="""
SELECT count(*), sum((r->>'quantity')::numeric) AS quantity, sum((r->>'total')::numeric) AS total,
       max((r->>'date')::date) AS last, sum(length(r->>'note')) AS note_chars
FROM clio_get('activities', 'id,quantity,total,date,note', '{}', 50) r""",
        fewest=[fixed(50, "10,000 / 200")],
        reason="ceil(10,000 / 200) = 50 pages",
        scan=True,
        memory="10k",
    ),
    dict(
        key="S2",
        title="Scan of every activity",
        fdw="""
SELECT count(*), sum(quantity) AS quantity, sum(total) AS total, max(date) AS last, sum(length(note)) AS note_chars
FROM clio.activities""",
        py="""
SELECT count(*), sum((r->>'quantity')::numeric) AS quantity, sum((r->>'total')::numeric) AS total,
       max((r->>'date')::date) AS last, sum(length(r->>'note')) AS note_chars
FROM clio_get('activities', 'id,quantity,total,date,note') r""",
        fewest=[lst("activities")],
        reason="ceil(activities / 200): every page of the collection",
        scan=True,
        memory="all",
    ),
]
