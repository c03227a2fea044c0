#!/usr/bin/python3
"""The clio_fdw benchmark driver: run by bench/run.sh once PostgreSQL (PGHOST,
PGPORT, PGUSER in the environment) and the sandbox are up.

For every query of suite.py:
  1. the fewest requests the API allows, from the sandbox's meta.records of
     the filtered requests (asked with limit=1 at 0 ms latency; the request
     log is cleared afterwards, so these are never counted);
  2. EXPLAIN (VERBOSE, COSTS OFF): the request clio_fdw plans;
  3. a probe at 0 ms latency: EXPLAIN (ANALYZE, VERBOSE, TIMING OFF, FORMAT
     JSON), for the records each scan received and the planner's estimates
     (it also warms the sandbox's per-filter caches, which a real Clio does
     not need); bounded by --probe-timeout;
  4. timed runs at the configured latency, clio_fdw and PL/Python in turn,
     each in its own long-lived session: the sandbox request log (cleared
     before each run) gives requests, bytes and the sandbox's own time; the
     backend's /proc/<pid>/stat gives its CPU time (utime + stime).
Then peak memory of a 10,000-row and a full scan in fresh backends, and the
report (Markdown) and raw results (JSON).
"""
import argparse
import datetime
import json
import math
import os
import platform
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from decimal import Decimal

import psycopg2
import psycopg2.errors
import psycopg2.extensions

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import report  # noqa: E402
import suite  # noqa: E402

TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CLK_TCK = os.sysconf("SC_CLK_TCK")
# queries expected to take longer than this (requests x latency) run once
SHORT_QUERY_S = 20.0

PLPYTHON = r"""
CREATE FUNCTION clio_get(path text, fields text, params jsonb DEFAULT '{}',
                         max_pages int DEFAULT NULL)
RETURNS SETOF jsonb LANGUAGE plpython3u AS $fn$
# Pages through a Clio list the way the Maton skill's examples do: GET with
# Authorization: Bearer, the fields parameter, limit=200, then the same
# request with the page_token of meta.paging.next until there is none.  A
# path with an id (matters/123) is one record.
import json, urllib.parse, urllib.request
if "clio" not in GD:
    r = plpy.execute("SELECT current_setting('bench.clio_url') AS url, "
                     "current_setting('bench.clio_key') AS key")[0]
    GD["clio"] = (r["url"], r["key"])
base, key = GD["clio"]
single = "/" in path
query = [("fields", fields)]
extra = json.loads(params) if params else {}
if not single and "limit" not in extra:
    query.append(("limit", "200"))
for name, value in extra.items():
    for v in value if isinstance(value, list) else [value]:
        query.append((name, ("true" if v else "false") if isinstance(v, bool) else str(v)))
first = "%s/api/v4/%s.json?%s" % (base, path, urllib.parse.urlencode(query))
url = first
pages = 0
while True:
    req = urllib.request.Request(url)
    req.add_header("Authorization", "Bearer %s" % key)
    with urllib.request.urlopen(req) as resp:
        page = json.load(resp)
    pages += 1
    data = page["data"]
    if isinstance(data, dict):
        GD["rows"] = GD.get("rows", 0) + 1
        yield json.dumps(data)
        break
    GD["rows"] = GD.get("rows", 0) + len(data)
    for rec in data:
        yield json.dumps(rec)
    nxt = page.get("meta", {}).get("paging", {}).get("next")
    if not nxt or (max_pages and pages >= max_pages):
        break
    q = urllib.parse.parse_qs(urllib.parse.urlsplit(nxt).query)
    if "page_token" in q:
        url = first + "&" + urllib.parse.urlencode({"page_token": q["page_token"][0]})
    else:   # offset paging (an order other than id)
        url = first + "&" + urllib.parse.urlencode({"offset": q["offset"][0]})
$fn$;

-- records clio_get received in this session, for CPU per record
CREATE FUNCTION clio_get_rows(reset boolean DEFAULT false) RETURNS bigint
LANGUAGE plpython3u AS $fn$
n = GD.get("rows", 0)
if reset:
    GD["rows"] = 0
return n
$fn$;
"""


# ---------------------------------------------------------------- sandbox
class Sandbox:
    def __init__(self, url, key):
        self.url = url.rstrip("/")
        self.key = key

    def admin(self, method, path, body=None):
        data = json.dumps(body).encode() if body is not None else None
        req = urllib.request.Request(
            self.url + path, data=data, method=method, headers={"Content-Type": "application/json"}
        )
        with urllib.request.urlopen(req, timeout=300) as r:
            text = r.read()
        return json.loads(text) if text else None

    def clear_log(self):
        self.admin("DELETE", "/_sandbox/log")

    def log(self):
        return [e for e in self.admin("GET", "/_sandbox/log")["entries"] if e.get("listener") == "api"]

    def set_latency(self, ms):
        self.admin("POST", "/_sandbox/config", {"latency_ms": ms})

    def count(self, collection, params):
        """meta.records of a filtered list request (limit=1)."""
        query = [("fields", "id"), ("limit", "1")]
        for k, v in params.items():
            for x in v if isinstance(v, list) else [v]:
                query.append((k, str(x)))
        req = urllib.request.Request(
            "%s/api/v4/%s.json?%s" % (self.url, collection, urllib.parse.urlencode(query)),
            headers={"Authorization": "Bearer " + self.key},
        )
        with urllib.request.urlopen(req, timeout=300) as r:
            return json.load(r)["meta"]["records"]


# ---------------------------------------------------------------- /proc
def proc_cpu(pid):
    """(utime + stime in clock ticks, time on CPU in ns from schedstat)"""
    with open("/proc/%d/stat" % pid) as f:
        s = f.read()
    fields = s[s.rindex(")") + 2 :].split()
    ticks = int(fields[11]) + int(fields[12])
    try:
        with open("/proc/%d/schedstat" % pid) as f:
            ns = int(f.read().split()[0])
    except OSError:
        ns = None
    return ticks, ns


def proc_status(pid):
    out = {}
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            k, _, v = line.partition(":")
            if v.strip().endswith("kB"):
                out[k] = int(v.split()[0])
    return out


# ---------------------------------------------------------------- helpers
def subst(text, values):
    def one(m):
        return str(values[m.group(1)])

    if isinstance(text, str):
        return re.sub(r"\{\{(\w+)\}\}", one, text)
    if isinstance(text, list):
        return [subst(t, values) for t in text]
    if isinstance(text, dict):
        return {k: subst(v, values) for k, v in text.items()}
    return text


def norm(v):
    if v is None:
        return "NULL"
    if isinstance(v, Decimal):
        return format(v.normalize(), "f") if v.is_finite() else str(v)
    return str(v)


def normalized(rows):
    return sorted(tuple(norm(v) for v in r) for r in rows)


def query_string(params):
    pairs = []
    for k, v in params.items():
        for x in v if isinstance(v, list) else [v]:
            pairs.append("%s=%s" % (k, x))
    return "&".join(pairs)


def sh(cmd):
    try:
        return subprocess.run(cmd, shell=True, capture_output=True, text=True, timeout=30).stdout.strip()
    except Exception:
        return ""


def write_section(path, begin, end, lines):
    """Put lines (which start with begin and end with end) in place of the
    section between those markers of the file at path, or at its end."""
    text = open(path).read() if os.path.exists(path) else ""
    if begin in text and end in text:
        text = text[:text.index(begin)] + "\n".join(lines) + text[text.index(end) + len(end) + 1:]
    else:
        text = text.rstrip("\n") + "\n\n" + "\n".join(lines)
    with open(path, "w") as f:
        f.write(text)


def connect(dbname):
    conn = psycopg2.connect(dbname=dbname)
    conn.autocommit = True
    return conn


def backend_pid(conn):
    with conn.cursor() as cur:
        cur.execute("SELECT pg_backend_pid()")
        return cur.fetchone()[0]


def scan_relation(node):
    """What a Foreign Scan of an EXPLAIN (FORMAT JSON) plan reads: its
    table, or for a scan of no table of its own the join it stands for (a
    lookup join) or the collection it counts (count(*) as meta.records)."""
    if node.get("Relation Name"):
        return "%s.%s" % (node.get("Schema"), node.get("Relation Name"))
    if node.get("Clio Lookup Join"):
        return node["Clio Lookup Join"].split(", read from ")[0]
    m = re.search(r"/api/v4/([^.?]+)\.json", node.get("Clio Request") or "")
    if node.get("Clio Count") and m:
        return "count(*) of %s" % m.group(1)
    return "?"


def log_line(entry):
    """A request of the sandbox log as 'GET /path?query' (decoded)."""
    q = urllib.parse.unquote_plus(entry.get("query") or "")
    return "%s %s%s" % (entry["method"], entry["path"], "?" + q if q else "")


PERF_CATEGORIES = [
    ("memory allocation: malloc, free (libc)",
     r"^(_int_malloc|_int_free|malloc|cfree|free|malloc_consolidate|unlink_chunk|realloc|calloc"
     r"|tcache|__libc_malloc|__libc_free)"),
    ("printing numbers: printf of doubles (libc)",
     r"(printf_fp|vfprintf|hack_digit|__mpn_|localeconv|__printf|_IO_|__GI___printf|snprintf|"
     r"vsnprintf|outstring|__strchrnul)"),
    ("reading numbers: strtod, strtol (libc)",
     r"(strtod|strtoll|strtol|str_to_mpn|round_and_return|____strtod)"),
    ("string compare and length (libc)", r"(strcmp|strncmp|strlen|strcasecmp|strncasecmp|memchr)"),
]


def perf_categories(funcs):
    """Self time of the profile's functions summed by kind (libc's by what
    it does, the others by library)."""
    out = {}
    for pct, lib, sym in funcs:
        name = None
        if lib.startswith("libc"):
            for label, pattern in PERF_CATEGORIES:
                if sym and re.search(pattern, sym):
                    name = label
                    break
            name = name or "other libc"
        elif lib.startswith("libz"):
            name = "gzip: zlib"
        elif lib.startswith("libcurl"):
            name = "HTTP: libcurl"
        elif lib.startswith("libcjson"):
            name = "JSON parsing: cJSON"
        elif lib == "postgres":
            name = "PostgreSQL (type input, tuples, executor)"
        elif lib.startswith("clio_fdw"):
            name = "clio_fdw.so"
        elif "kernel" in lib:
            name = "kernel (sockets, scheduling)"
        else:
            name = "other"
        out[name] = out.get(name, 0.0) + pct
    return sorted(out.items(), key=lambda kv: -kv[1])


def say(*args):
    print(*args, file=sys.stderr, flush=True)


# ---------------------------------------------------------------- bench
class Bench:
    def __init__(self, args):
        self.args = args
        self.sb = Sandbox(args.sandbox, args.key)
        self.latency = args.latency_ms
        self.values = {}
        self.results = []

    # -- setup --------------------------------------------------------
    def setup(self):
        c0 = connect("postgres")
        cur = c0.cursor()
        cur.execute("DROP DATABASE IF EXISTS bench")
        cur.execute("CREATE DATABASE bench")
        c0.close()
        conn = connect("bench")
        cur = conn.cursor()
        cur.execute("SET client_min_messages = warning")
        cur.execute("CREATE EXTENSION clio_fdw")
        cur.execute("CREATE EXTENSION plpython3u")
        cur.execute(
            "CREATE SERVER clio FOREIGN DATA WRAPPER clio_fdw OPTIONS (base_url %s)",
            (self.args.sandbox,),
        )
        cur.execute(
            "CREATE USER MAPPING FOR CURRENT_USER SERVER clio OPTIONS (api_key %s)", (self.args.key,)
        )
        cur.execute("CREATE SCHEMA clio")
        cur.execute("IMPORT FOREIGN SCHEMA clio FROM SERVER clio INTO clio")
        # the same two tables, analyzed (Q07)
        cur.execute("CREATE SCHEMA clio_an")
        cur.execute(
            "IMPORT FOREIGN SCHEMA clio LIMIT TO (matters, activities) FROM SERVER clio INTO clio_an"
        )
        # activities with count_pushdown 'off' and 'on' (Q19, Q20); clio.*
        # has the server's default, 'verify'
        for mode in ("off", "on"):
            cur.execute("CREATE SCHEMA clio_count_%s" % mode)
            cur.execute(
                "IMPORT FOREIGN SCHEMA clio LIMIT TO (activities) FROM SERVER clio INTO clio_count_%s"
                % mode
            )
            cur.execute(
                "ALTER FOREIGN TABLE clio_count_%s.activities OPTIONS (ADD count_pushdown %%s)" % mode,
                (mode,),
            )
        cur.execute("ALTER DATABASE bench SET bench.clio_url = %s", (self.args.sandbox,))
        cur.execute("ALTER DATABASE bench SET bench.clio_key = %s", (self.args.key,))
        cur.execute(PLPYTHON)
        cur.execute("CREATE TABLE budget (matter_id bigint PRIMARY KEY, budget_hours numeric)")
        self.sb.set_latency(0)
        try:
            self.analyze = {}
            for table in ("matters", "activities"):
                self.sb.clear_log()
                cur.execute("ANALYZE clio_an.%s" % table)
                log = self.sb.log()
                self.analyze[table] = dict(
                    requests=len(log),
                    offsets=sorted(int(e["params"].get("offset", ["0"])[0]) for e in log),
                    since=sorted(e["params"]["created_since"][0] for e in log
                                 if "created_since" in e["params"]),
                )
            self.pick_values(cur)
            cur.execute("ANALYZE budget")
        finally:
            self.sb.set_latency(self.latency)
        conn.close()

    def pick_values(self, cur):
        """Values from the data: a matter with activities, budget matters,
        a user, a list of ids (all at 0 ms latency; the log is cleared)."""
        sb = self.sb
        recs = sb.admin(
            "GET", "/_sandbox/records/matters?fields=id,status,open_date,last_activity_date"
        )["data"]
        opened = [r for r in recs if r["status"] == "Open"]
        cands = sorted(
            (r for r in opened if (r.get("last_activity_date") or "") >= "2026-11-01"),
            key=lambda r: (r["open_date"] or "", r["id"]),
        )[:12]
        counts = {r["id"]: sb.count("activities", {"matter_id": r["id"]}) for r in cands}
        one = max(cands, key=lambda r: (counts[r["id"]], -r["id"]))
        budget = [r["id"] for r in cands if r["id"] != one["id"]][:5]
        hours = [40, 25, 60, 15, 30]
        cur.executemany(
            "INSERT INTO budget VALUES (%s, %s)", [(m, h) for m, h in zip(budget, hours)]
        )
        users = {
            u: sb.count(
                "activities",
                {
                    "user_id": u,
                    "type": "TimeEntry",
                    "start_date": "2026-10-01",
                    "end_date": "2026-10-31",
                },
            )
            for u in range(1001, 1008)
        }
        user = max(users, key=lambda u: (users[u], -u))
        step = max(1, len(opened) // 50)
        in_ids = [r["id"] for r in opened[::step]][:50]
        info = sb.admin("GET", "/_sandbox/info")
        self.counts = info["counts"][0]
        self.values = dict(
            one_matter=one["id"],
            one_matter_activities=counts[one["id"]],
            budget=budget,
            user_id=user,
            user_entries=users[user],
            in_ids=", ".join(str(i) for i in in_ids),
        )
        sb.clear_log()

    # -- fewest -------------------------------------------------------
    def fewest(self, q):
        spec = q["fewest"]
        if spec == "budget":
            spec = [
                suite.lst("activities", matter_id=m, type="TimeEntry") for m in self.values["budget"]
            ]
        total = 0
        parts = []
        for s in spec:
            if s[0] == "fixed":
                n = s[1]
                if q["key"] == "S1":  # a small scale may have fewer than 10,000
                    n = math.ceil(min(10000, self.counts["activities"]) / suite.PAGE)
                total += n
                parts.append(dict(kind="fixed", requests=n, why=s[2]))
            else:
                params = subst(s[2], self.values)
                records = self.sb.count(s[1], params)
                pages = max(1, math.ceil(records / suite.PAGE))
                total += pages
                parts.append(
                    dict(
                        kind="list",
                        request="GET /api/v4/%s.json?%s" % (s[1], query_string(params)),
                        records=records,
                        requests=pages,
                    )
                )
        return total, parts

    # -- one query ----------------------------------------------------
    def explain(self, cur, sql):
        cur.execute("EXPLAIN (VERBOSE, COSTS OFF) " + sql)
        lines = [r[0] for r in cur.fetchall()]
        return lines

    def probe(self, cur, sql):
        """The query once at 0 ms latency under EXPLAIN ANALYZE."""
        out = dict(timed_out=False, error=None, plan=None)
        self.sb.set_latency(0)
        self.sb.clear_log()
        t0 = time.perf_counter()
        try:
            cur.execute("SET statement_timeout = %s", ("%ds" % self.args.probe_timeout,))
            cur.execute("EXPLAIN (ANALYZE, VERBOSE, TIMING OFF, FORMAT JSON) " + sql)
            out["plan"] = cur.fetchone()[0][0]
        except psycopg2.errors.QueryCanceled:
            out["timed_out"] = True
        except psycopg2.Error as e:
            out["error"] = str(e).strip().splitlines()[0]
        finally:
            out["seconds"] = time.perf_counter() - t0
            cur.execute("SET statement_timeout = 0")
            self.sb.set_latency(self.latency)
        log = self.sb.log()
        out["requests"] = len(log)
        out["request_lines"] = [log_line(e) for e in log[:3]]
        out["scans"] = []
        if out["plan"]:
            def walk(node):
                if node.get("Node Type") == "Foreign Scan":
                    out["scans"].append(
                        dict(
                            relation=scan_relation(node),
                            alias=node.get("Alias"),
                            plan_rows=node.get("Plan Rows"),
                            actual_rows=node.get("Actual Rows"),
                            loops=node.get("Actual Loops"),
                            requests=node.get("Clio Requests"),
                            records=node.get("Clio Records"),
                            parameterized="$" in (node.get("Clio Request") or ""),
                        )
                    )
                for child in node.get("Plans", []):
                    walk(child)

            walk(out["plan"]["Plan"])
            out["records"] = sum(s["records"] or 0 for s in out["scans"])
            out["jit_functions"] = (out["plan"].get("JIT") or {}).get("Functions", 0)
            out["plan"] = None  # not kept
        return out

    def fresh_fdw(self):
        """A new backend for a query that must run as a session's first
        (fresh_session): one id look-up loads the library and opens the
        connection (before the log is cleared, so never counted)."""
        conn = connect("bench")
        with conn.cursor() as cur:
            cur.execute("SELECT id FROM clio.activities WHERE id = 3000000001")
            cur.fetchall()
        return conn, backend_pid(conn)

    def timed(self, conn, pid, sql, plpython=False):
        cur = conn.cursor()
        if plpython:
            cur.execute("SELECT clio_get_rows(true)")
        self.sb.clear_log()
        rows = None
        err = None
        c0, n0 = proc_cpu(pid)
        t0 = time.perf_counter()
        try:
            cur.execute(sql)
            rows = cur.fetchall()
        except psycopg2.Error as e:
            err = str(e).strip().splitlines()[0]
        t1 = time.perf_counter()
        c1, n1 = proc_cpu(pid)
        log = self.sb.log()
        run = dict(
            wall=t1 - t0,
            cpu_ms=(c1 - c0) * 1000.0 / CLK_TCK,
            cpu_ns_ms=(n1 - n0) / 1e6 if n0 is not None and n1 is not None else None,
            requests=len(log),
            bytes=sum(e.get("bytes") or 0 for e in log),
            server_ms=sum(e.get("duration_ms") or 0 for e in log),
            statuses=sorted({e.get("status") for e in log}),
            first_request=log_line(log[0]) if log else None,
            error=err,
            nrows=len(rows) if rows is not None else None,
        )
        if plpython:
            cur.execute("SELECT clio_get_rows()")
            run["records"] = cur.fetchone()[0]
        cur.close()
        return run, rows

    def run_query(self, q):
        key = q["key"]
        r = dict(key=key, title=q["title"], reason=q["reason"], cause=q.get("cause"),
                 projection=q.get("projection"), count_mode=q.get("count_mode"),
                 fresh_session=bool(q.get("fresh_session")))
        r["fdw_sql"] = subst(q["fdw"], self.values).strip()
        r["py_sql"] = subst(q["py"], self.values).strip() if q.get("py") else None
        r["py_from"] = q.get("py_from")
        say("== %s %s" % (key, q["title"]))

        self.sb.set_latency(0)
        try:
            r["fewest"], r["fewest_parts"] = self.fewest(q)
        finally:
            self.sb.set_latency(self.latency)
        self.sb.clear_log()

        cur = self.fdw.cursor()
        r["explain"] = self.explain(cur, r["fdw_sql"])
        cur.execute("EXPLAIN (VERBOSE, FORMAT JSON) " + r["fdw_sql"])
        r["estimates"] = []

        def walk_est(node):
            if node.get("Node Type") == "Foreign Scan":
                r["estimates"].append(dict(
                    relation=scan_relation(node),
                    plan_rows=node.get("Plan Rows"), total_cost=node.get("Total Cost")))
            for child in node.get("Plans", []):
                walk_est(child)

        walk_est(cur.fetchone()[0][0]["Plan"])
        r["clio_requests"] = [
            l.strip()[len("Clio Request: "):] for l in r["explain"] if "Clio Request:" in l
        ]
        if r["fresh_session"]:
            pconn, _ = self.fresh_fdw()
            try:
                r["probe"] = self.probe(pconn.cursor(), r["fdw_sql"])
            finally:
                pconn.close()
        else:
            r["probe"] = self.probe(cur, r["fdw_sql"])
        cur.close()
        say(
            "   fewest %d; probe: %d requests in %.1f s%s"
            % (
                r["fewest"],
                r["probe"]["requests"],
                r["probe"]["seconds"],
                " (timed out)" if r["probe"]["timed_out"] else "",
            )
        )

        est = max(r["fewest"], r["probe"]["requests"]) * self.latency / 1000.0
        nrep = self.args.reps if est <= SHORT_QUERY_S else 1
        r["reps"] = nrep
        r["scan"] = bool(q.get("scan")) or r["fewest"] >= 2
        r["fdw_runs"], r["py_runs"] = [], []
        fdw_rows = py_rows = None
        fdw_est = r["probe"]["requests"] * self.latency / 1000.0
        fdw_timed = not r["probe"]["timed_out"] and fdw_est <= self.args.max_query_s
        r["not_timed"] = None
        if r["probe"]["timed_out"]:
            r["not_timed"] = "the probe at 0 ms latency was stopped after %d s" % self.args.probe_timeout
        elif not fdw_timed:
            r["not_timed"] = ("%d requests × %g ms ≈ %.0f s, over --max-query-s %d" % (
                r["probe"]["requests"], self.latency, fdw_est, self.args.max_query_s))
        sides = []
        if fdw_timed:
            sides.append(("fdw ", self.fdw, self.fdw_pid, r["fdw_sql"], False, "fdw_runs"))
        if r["py_sql"]:
            sides.append(("plpy", self.py, self.py_pid, r["py_sql"], True, "py_runs"))
        first_rows = {}
        for i in range(nrep):
            for name, conn, pid, sql, plpython, runs in sides:
                fresh = None
                if r["fresh_session"] and not plpython:
                    fresh = self.fresh_fdw()
                    conn, pid = fresh
                try:
                    run, rows = self.timed(conn, pid, sql, plpython=plpython)
                finally:
                    if fresh:
                        fresh[0].close()
                if not plpython:
                    run["records"] = r["probe"].get("records")
                r[runs].append(run)
                first_rows.setdefault(runs, rows)
                say("   %s #%d: %d requests, %.2f s, cpu %.0f ms%s" % (
                    name, i + 1, run["requests"], run["wall"], run["cpu_ms"],
                    ", ERROR " + run["error"] if run["error"] else ""))
        if fdw_rows is None:
            fdw_rows = first_rows.get("fdw_runs")
        if py_rows is None:
            py_rows = first_rows.get("py_runs")
        if r["py_from"]:
            src = next(x for x in self.results if x["key"] == r["py_from"])
            r["py_runs"] = src["py_runs"]
            r["py_sql"] = src["py_sql"]
            py_rows = src.get("_py_rows")
        r["_py_rows"] = py_rows
        # same rows?
        if fdw_rows is not None and py_rows is not None:
            a, b = normalized(fdw_rows), normalized(py_rows)
            if a == b:
                r["compare"] = dict(equal=True, rows=len(a))
            else:
                sa, sb_ = set(a), set(b)
                r["compare"] = dict(
                    equal=False,
                    fdw_rows=len(a),
                    py_rows=len(b),
                    only_fdw=[list(x) for x in sorted(sa - sb_)[:3]],
                    only_py=[list(x) for x in sorted(sb_ - sa)[:3]],
                    n_only_fdw=len(sa - sb_),
                    n_only_py=len(sb_ - sa),
                )
        else:
            r["compare"] = None
        r["result_rows"] = len(fdw_rows) if fdw_rows is not None else (
            len(py_rows) if py_rows is not None else None)
        self.results.append(r)

    # -- memory -------------------------------------------------------
    def memory(self, q, jit):
        """Peak memory of a scan in a fresh backend: reset the high-water
        mark (clear_refs 5) after a warm-up request, then VmHWM after the
        query minus VmRSS before it."""
        self.sb.set_latency(0)
        conn = connect("bench")
        try:
            pid = backend_pid(conn)
            cur = conn.cursor()
            cur.execute("SET jit = %s" % ("on" if jit else "off"))
            cur.execute("SELECT id FROM clio.activities WHERE id = 3000000001")
            cur.fetchall()
            before = proc_status(pid)
            reset = True
            try:
                with open("/proc/%d/clear_refs" % pid, "w") as f:
                    f.write("5")
            except OSError:
                reset = False
            start = proc_status(pid)
            t0 = time.perf_counter()
            cur.execute(subst(q["fdw"], self.values))
            rows = cur.fetchall()
            secs = time.perf_counter() - t0
            after = proc_status(pid)
            base = start["VmRSS"] if reset else before["VmHWM"]
            return dict(
                key=q["key"],
                jit=jit,
                rows=rows[0][0],
                seconds=secs,
                hwm_reset=reset,
                rss_before_kb=start["VmRSS"],
                hwm_after_kb=after["VmHWM"],
                peak_kb=after["VmHWM"] - base,
                anon_before_kb=start.get("RssAnon"),
                anon_after_kb=after.get("RssAnon"),
                file_before_kb=start.get("RssFile"),
                file_after_kb=after.get("RssFile"),
            )
        finally:
            conn.close()
            self.sb.set_latency(self.latency)

    # -- where the CPU goes -------------------------------------------
    def cpu_breakdown(self):
        """CPU per 1,000 records of the parts of a scan, at 0 ms latency,
        from /proc/<pid>/schedstat (ns): clio_fdw reading only ids, the scan
        query, the same SQL over a local table of the same rows, and the
        PL/Python counterparts; each the fastest of 3 runs."""
        n = min(50000, self.counts["activities"])
        pages = math.ceil(n / suite.PAGE)
        agg = "count(*), sum(quantity), sum(total), max(date), sum(length(note))"
        pyagg = ("count(*), sum((r->>'quantity')::numeric), sum((r->>'total')::numeric), "
                 "max((r->>'date')::date), sum(length(r->>'note'))")
        self.sb.set_latency(0)
        fconn, pconn = connect("bench"), connect("bench")
        try:
            fpid, ppid = backend_pid(fconn), backend_pid(pconn)
            fcur, pcur = fconn.cursor(), pconn.cursor()
            for c in (fcur, pcur):
                c.execute("SET jit = off")
            fcur.execute(
                "CREATE TEMP TABLE local_activities AS "
                "SELECT quantity, total, date, note FROM clio.activities LIMIT %d" % n
            )
            pcur.execute("SELECT count(*) FROM clio_get('users', 'id')")
            variants = [
                ("fdw_ids", fcur, fpid, None,
                 "SELECT count(*) FROM (SELECT id FROM clio.activities LIMIT %d) s" % n),
                ("fdw_query", fcur, fpid, None,
                 "SELECT %s FROM (SELECT * FROM clio.activities LIMIT %d) s" % (agg, n)),
                ("fdw_query_jit", fcur, fpid, "on",
                 "SELECT %s FROM (SELECT * FROM clio.activities LIMIT %d) s" % (agg, n)),
                ("local_query", fcur, fpid, None, "SELECT %s FROM local_activities" % agg),
                ("py_ids", pcur, ppid, None,
                 "SELECT count(*) FROM clio_get('activities', 'id', '{}', %d) r" % pages),
                ("py_query", pcur, ppid, None,
                 "SELECT %s FROM clio_get('activities', 'id,quantity,total,date,note', '{}', %d) r"
                 % (pyagg, pages)),
            ]
            out = dict(records=n)
            for name, cur, pid, jit, sql in variants:
                if jit:
                    cur.execute("SET jit = %s" % jit)
                best = None
                for _ in range(3):
                    t0, ns0 = proc_cpu(pid)
                    cur.execute(sql)
                    cur.fetchall()
                    t1, ns1 = proc_cpu(pid)
                    ms = (ns1 - ns0) / 1e6 if ns0 is not None else (t1 - t0) * 1000.0 / CLK_TCK
                    best = ms if best is None else min(best, ms)
                if jit:
                    cur.execute("SET jit = off")
                out[name] = best
                out[name + "_sql"] = sql
                say("   %s: %.0f ms" % (name, best))
            out["perf"] = self.perf_profile(fcur, fpid, variants[1][4])
            return out
        finally:
            fconn.close()
            pconn.close()
            self.sb.set_latency(self.latency)

    def perf_profile(self, cur, pid, sql):
        """Where the backend's CPU goes in a query, by library and by
        function (self time), with perf when it is installed."""
        if not shutil.which("perf"):
            return None
        tmp = tempfile.mkdtemp(prefix="clio_bench_perf.")
        data = os.path.join(tmp, "perf.data")
        try:
            p = subprocess.Popen(
                ["perf", "record", "-F", "1999", "-o", data, "-p", str(pid)],
                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            )
            time.sleep(1.0)
            for _ in range(3):
                cur.execute(sql)
                cur.fetchall()
            p.send_signal(signal.SIGINT)
            p.wait(timeout=60)

            def report(sort):
                txt = subprocess.run(
                    ["perf", "report", "-i", data, "--no-children", "--sort", sort,
                     "--stdio", "-g", "none"],
                    capture_output=True, text=True, timeout=120,
                ).stdout
                rows = []
                for line in txt.splitlines():
                    m = re.match(r"^\s+([\d.]+)%\s+(\S+)(?:\s+\[.\]\s+(\S+))?", line)
                    if m:
                        rows.append((float(m.group(1)), m.group(2), m.group(3)))
                return rows

            funcs = report("dso,symbol")
            return dict(by_library=report("dso")[:10], by_function=funcs[:20],
                        categories=perf_categories(funcs))
        except Exception as e:  # perf is optional
            say("   perf failed: %s" % e)
            return None
        finally:
            shutil.rmtree(tmp, ignore_errors=True)

    # -- environment --------------------------------------------------
    def environment(self):
        cpu = ""
        try:
            with open("/proc/cpuinfo") as f:
                for line in f:
                    if line.startswith("model name"):
                        cpu = line.split(":", 1)[1].strip()
                        break
        except OSError:
            pass
        try:
            with open("/proc/meminfo") as f:
                mem_total = f.readline().split()[1]
        except OSError:
            mem_total = "?"
        with self.fdw.cursor() as cur:
            cur.execute("SELECT version(), current_setting('jit'), current_setting('work_mem')")
            version, jit, work_mem = cur.fetchone()
        commit = sh("git -C %s rev-parse --short HEAD" % TOP)
        try:
            with open("/proc/loadavg") as f:
                load = " ".join(f.read().split()[:3])
        except OSError:
            load = "?"
        dirty = sh("git -C %s status --porcelain --untracked-files=no -- '*.c' '*.h' "
                   "'*.sql' '*.control' Makefile sandbox catalog" % TOP)
        return dict(
            date=datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
            uname=" ".join(platform.uname()),
            uname_a=sh("uname -a"),
            cpu=cpu,
            cores=os.cpu_count(),
            mem_total_kb=mem_total,
            pg_version=version,
            jit=jit,
            work_mem=work_mem,
            commit=commit + (" (with uncommitted changes)" if dirty else ""),
            sandbox=self.sb.admin("GET", "/_sandbox/config"),
            counts=self.counts,
            clk_tck=CLK_TCK,
            load_start=load,
            analyze=self.analyze,
        )

    # -- all ----------------------------------------------------------
    def run(self):
        t0 = time.time()
        self.setup()
        self.fdw = connect("bench")
        self.py = connect("bench")
        self.fdw_pid = backend_pid(self.fdw)
        self.py_pid = backend_pid(self.py)
        # warm both sessions: the extension and its connection, the Python
        # interpreter (not counted).  The count(*) of users is also the fdw
        # session's count_pushdown 'verify' check (one record and a paged
        # count, which agree), so its later counts are one request; Q21
        # measures a session's first count in new backends
        self.sb.set_latency(0)
        with self.fdw.cursor() as cur:
            cur.execute("SELECT count(*) FROM clio.users")
        with self.py.cursor() as cur:
            cur.execute("SELECT count(*) FROM clio_get('users', 'id')")
        self.sb.set_latency(self.latency)
        env = self.environment()
        only = set(self.args.only.split(",")) if self.args.only else None
        for q in suite.QUERIES:
            if only and q["key"] not in only:
                continue
            if q.get("py_from") and only and q["py_from"] not in only:
                q = dict(q, py_from=None, py=next(x for x in suite.QUERIES if x["key"] == q["py_from"])["py"])
            self.run_query(q)
        memory = []
        for jit in (True, False):
            for q in suite.QUERIES:
                if q.get("memory") and (not only or q["key"] in only):
                    say("== memory: %s, jit %s" % (q["title"], "on" if jit else "off"))
                    memory.append(self.memory(q, jit))
                    say("   peak %d kB" % memory[-1]["peak_kb"])
        say("== where the CPU goes")
        breakdown = self.cpu_breakdown()
        for r in self.results:
            r.pop("_py_rows", None)
        env["seconds"] = time.time() - (self.args.started or t0)
        try:
            with open("/proc/loadavg") as f:
                env["load_end"] = " ".join(f.read().split()[:3])
        except OSError:
            env["load_end"] = "?"
        out = dict(
            env=env,
            args=vars(self.args),
            values=self.values,
            results=self.results,
            memory=memory,
            breakdown=breakdown,
        )
        with open(self.args.json, "w") as f:
            json.dump(out, f, indent=1, default=str)
        text = report.render(out)
        # the mirror and hostile sections (bench/mirror.py, bench/hostile.py)
        # of earlier runs are kept, from the first of them on
        if os.path.exists(self.args.out):
            old = open(self.args.out).read()
            begins = [old.index(b) for b in ("<!-- mirror section: bench/mirror.py -->",
                                             "<!-- hostile section: bench/hostile.py -->")
                      if b in old]
            if begins:
                text = text.rstrip("\n") + "\n\n" + old[min(begins):]
        with open(self.args.out, "w") as f:
            f.write(text)
        say("wrote %s and %s" % (self.args.out, self.args.json))


def main():
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--sandbox", required=True)
    p.add_argument("--key", required=True)
    p.add_argument("--scale", type=float, required=True)
    p.add_argument("--latency-ms", type=float, required=True)
    p.add_argument("--reps", type=int, default=3)
    p.add_argument("--probe-timeout", type=int, default=60)
    p.add_argument("--max-query-s", type=int, default=300)
    p.add_argument("--out", required=True)
    p.add_argument("--json", required=True)
    p.add_argument("--only", default="")
    p.add_argument("--quick", action="store_true")
    p.add_argument("--started", type=float, default=0)
    args = p.parse_args()
    Bench(args).run()


if __name__ == "__main__":
    main()
