"""The mirror section of the benchmark (bench/run.sh --mirror): what a mirror
of activities and matters costs in requests and time against the sandbox
with Clio's rate limit (50 a minute) and a latency, and what the report
queries cost answered from the mirror rather than live.

Writes the section "Mirrors" of bench/RESULTS.md (between the markers
below; the rest of the file is left as it is) and the raw figures to
bench/out/mirror.json.
"""
import argparse
import json
import math
import os
import random
import re
import sys
import time

import psycopg2

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import bench  # noqa: E402
from bench import Sandbox, connect  # noqa: E402
import suite  # noqa: E402

BEGIN = "<!-- mirror section: bench/mirror.py -->"
END = "<!-- end of the mirror section -->"
PAGE = 200


def requests_of(sb):
    return [e for e in sb.log() if e.get("listener") == "api"]


def call(conn, sql, sb):
    """Run sql, return (seconds, requests, notices)."""
    sb.clear_log()
    del conn.notices[:]
    t0 = time.monotonic()
    with conn.cursor() as cur:
        cur.execute(sql)
    wall = time.monotonic() - t0
    return wall, len(requests_of(sb)), [n.strip() for n in conn.notices]


def mutate(sb, ids, note):
    for i in ids:
        sb.admin("POST", "/_sandbox/mutate",
                 {"collection": "activities", "id": i, "fields": {"note": note}})


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--sandbox", required=True)
    p.add_argument("--key", required=True)
    p.add_argument("--scale", type=float, required=True)
    p.add_argument("--latency-ms", type=int, required=True)
    p.add_argument("--rate-limit", type=int, required=True)
    p.add_argument("--out", required=True)
    p.add_argument("--json", required=True)
    a = p.parse_args()
    sb = Sandbox(a.sandbox, a.key)
    res = dict(scale=a.scale, latency_ms=a.latency_ms, rate_limit=a.rate_limit)

    c0 = connect("postgres")
    c0.cursor().execute("DROP DATABASE IF EXISTS bench_mirror")
    c0.cursor().execute("CREATE DATABASE bench_mirror")
    c0.close()
    conn = connect("bench_mirror")
    cur = conn.cursor()
    cur.execute("SET client_min_messages = warning")
    cur.execute("CREATE EXTENSION clio_fdw")
    # a refresh may wait a whole window for its reset
    cur.execute("CREATE SERVER clio FOREIGN DATA WRAPPER clio_fdw OPTIONS "
                "(base_url %s, max_rate_limit_wait '120s')", (a.sandbox,))
    cur.execute("CREATE USER MAPPING FOR CURRENT_USER SERVER clio OPTIONS (api_key %s)", (a.key,))
    cur.execute("CREATE SCHEMA clio")
    cur.execute("IMPORT FOREIGN SCHEMA clio FROM SERVER clio INTO clio")
    cur.execute("SET client_min_messages = notice")
    cur.execute("SELECT clio_mirror('clio.activities'), clio_mirror('clio.matters')")

    total = sb.count("activities", {})
    res["activities"] = total
    res["matters"] = sb.count("matters", {})
    print("== %d activities, %d matters" % (total, res["matters"]), flush=True)

    # the first copies, at the rate limit
    for t in ("matters", "activities"):
        wall, n, notes = call(conn, "CALL clio_refresh('clio_mirror.%s')" % t, sb)
        recs = res[t]
        res["first_" + t] = dict(wall=wall, requests=n, floor=math.ceil(recs / PAGE), notices=notes)
        print("== first copy of %s: %d requests (floor %d), %.0f s" % (t, n, math.ceil(recs / PAGE), wall),
              flush=True)

    # refreshes after 1%, 0.01% and no change
    with conn.cursor() as c:
        c.execute("SELECT id FROM clio_mirror.activities")
        ids = [r[0] for r in c.fetchall()]
    rnd = random.Random(42)
    for label, share in (("1%", 0.01), ("0.01%", 0.0001), ("none", 0.0)):
        k = int(round(len(ids) * share))
        mutate(sb, rnd.sample(ids, k), "bench change %s" % label)
        wall, n, notes = call(conn, "CALL clio_refresh('clio_mirror.activities')", sb)
        res["refresh_" + label] = dict(changed=k, wall=wall, requests=n,
                                       floor=max(1, math.ceil(k / PAGE)), notices=notes)
        print("== refresh after %s (%d records): %d requests, %.1f s" % (label, k, n, wall), flush=True)

    # the reconcile
    wall, n, notes = call(conn, "CALL clio_refresh('clio_mirror.activities', reconcile => true)", sb)
    res["reconcile"] = dict(wall=wall, requests=n, floor=math.ceil(total / PAGE) + 1, notices=notes)
    print("== reconcile: %d requests, %.0f s" % (n, wall), flush=True)

    # the report queries that need no picked value: from the mirror, then
    # live (the rate limit lifted, so that the live side finishes in the
    # run's time: its time at 50 a minute is requests / 50 minutes)
    reports = []
    sb.admin("POST", "/_sandbox/config", {"rate_limit": 0})
    for q in suite.QUERIES:
        sql = q["fdw"]
        if "{{" in sql or not re.search(r"clio\.(activities|matters)\b", sql):
            continue
        if re.search(r"clio\.(?!activities\b|matters\b)\w+", sql):
            continue
        msql = re.sub(r"clio\.(activities|matters)\b", r"clio_mirror.\1", sql)
        try:
            mw, mn, _ = call(conn, msql, sb)
        except psycopg2.Error:
            continue  # needs what bench.py sets up (budget, picked values)
        lw, ln, _ = call(conn, sql, sb)
        reports.append(dict(key=q["key"], title=q["title"], mirror_wall=mw, mirror_requests=mn,
                            live_wall=lw, live_requests=ln))
        print("== %s: mirror %d requests %.3f s, live %d requests %.1f s" % (q["key"], mn, mw, ln, lw),
              flush=True)
    sb.admin("POST", "/_sandbox/config", {"rate_limit": a.rate_limit})
    res["reports"] = reports
    conn.close()

    with open(a.json, "w") as f:
        json.dump(res, f, indent=1)
    write_section(a.out, res)


def write_section(path, r):
    lines = [BEGIN, "", "## Mirrors", "",
             "`bench/run.sh --mirror`: the sandbox at `--scale %g` (%d activities, %d matters), "
             "%d ms a request, rate limit %d requests a minute (Clio's); the server's "
             "`refresh_reserve` is its default, 5. One run." % (
                 r["scale"], r["activities"], r["matters"], r["latency_ms"], r["rate_limit"]),
             "",
             "| step | requests | floor | time |", "|---|---|---|---|"]

    def row(name, d):
        lines.append("| %s | %d | %d | %.1f s |" % (name, d["requests"], d["floor"], d["wall"]))
    row("first copy of matters (count + batches)", r["first_matters"])
    row("first copy of activities (count + batches)", r["first_activities"])
    for label in ("1%", "0.01%", "none"):
        d = r["refresh_" + label]
        row("refresh after %s of activities changed (%d records)" % (label, d["changed"]), d)
    row("reconcile of activities (a refresh + id pages)", r["reconcile"])
    lines += ["", "The floor of a copy is ceil(records / 200); of a refresh, ceil(changed / 200) "
              "(at least one); of a reconcile, ceil(records / 200) id pages and the refresh.  "
              "A copy's extra requests are Clio's count (one) and the records re-read where a batch "
              "ends (records of the last `updated_at` of a batch begin the next one).",
              "",
              "A 5-minute schedule with nothing changed costs %d request%s a run: %d an hour, "
              "%.1f%% of the hourly budget of %d." % (
                  r["refresh_none"]["requests"], "" if r["refresh_none"]["requests"] == 1 else "s",
                  12 * r["refresh_none"]["requests"],
                  100.0 * 12 * r["refresh_none"]["requests"] / (60 * r["rate_limit"]),
                  60 * r["rate_limit"]),
              "",
              "Report queries of the suite that read only activities and matters and need no "
              "picked value, answered from the mirror and live (live with the rate limit lifted so "
              "that the run ends; at 50 a minute a live query takes at least requests / 50 minutes):",
              "",
              "| query | mirror: requests | mirror: time | live: requests | live: time (50 ms) | live at 50/min, at least |",
              "|---|---|---|---|---|---|"]
    for q in r["reports"]:
        lines.append("| %s %s | %d | %.3f s | %d | %.1f s | %.1f min |" % (
            q["key"], q["title"], q["mirror_requests"], q["mirror_wall"], q["live_requests"],
            q["live_wall"], q["live_requests"] / float(r["rate_limit"])))
    if r["first_activities"]["notices"]:
        lines += ["", "NOTICEs of the first copy of activities:", "", "```"]
        lines += r["first_activities"]["notices"]
        lines += ["```"]
    lines += ["", END, ""]
    bench.write_section(path, BEGIN, END, lines)


if __name__ == "__main__":
    main()
