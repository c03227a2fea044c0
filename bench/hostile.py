"""The hostile-server profile of the benchmark (bench/run.sh --hostile): a
scan of 200 pages from a server that answers each request after a latency
and, in one profile, keeps Nagle's algorithm on and writes each response's
headers and body in two writes (what a bare Python or Ruby server does),
against the same pages written at once.  The server is test/hostile's
(scenarios bench_nagle and bench_plain in test/hostile/scn_transport.py).

On a reused connection the second write waits for the client's ACK of the
first, which Linux delays by up to 40 ms unless the client asks for it at
once (clio_fdw sets TCP_QUICKACK when a response's headers have arrived).
The profile reports wall / (requests x latency) for both servers.

Writes the section "Hostile server" of bench/RESULTS.md (between the
markers below; the rest of the file is left as it is), one row per commit
measured (a run replaces its commit's rows), and the raw figures to
bench/out/hostile.json.
"""
import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import time
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import bench  # noqa: E402
from bench import connect  # noqa: E402

BEGIN = "<!-- hostile section: bench/hostile.py -->"
END = "<!-- end of the hostile section -->"
# what the scenarios serve (test/hostile/scn_transport.py)
PAGES = 200
LATENCY_MS = 50
PROFILES = [
    ("bench_nagle", "Nagle on, headers and body in two writes"),
    ("bench_plain", "each response in one write"),
]


def hostile(url, method, path):
    req = urllib.request.Request(url + path, method=method)
    with urllib.request.urlopen(req, timeout=30) as r:
        return json.loads(r.read().decode() or "null")


def requests_of(url, scenario):
    return len(hostile(url, "GET", "/_hostile/log?scenario=" + scenario)["entries"])


def commit():
    top = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    try:
        out = subprocess.run(["git", "-C", top, "log", "-1", "--format=%h %s"],
                             capture_output=True, text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown", ""
    sha, _, subject = out.partition(" ")
    return sha, subject


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--hostile", required=True, help="the hostile server's URL")
    p.add_argument("--reps", type=int, default=3)
    p.add_argument("--out", required=True)
    p.add_argument("--json", required=True)
    p.add_argument("--commit", help="the commit to name (default: the checkout's HEAD)")
    a = p.parse_args()

    c0 = connect("postgres")
    c0.cursor().execute("DROP DATABASE IF EXISTS bench_hostile")
    c0.cursor().execute("CREATE DATABASE bench_hostile")
    c0.close()
    conn = connect("bench_hostile")
    cur = conn.cursor()
    cur.execute("SET client_min_messages = warning")
    cur.execute("CREATE EXTENSION clio_fdw")
    for scenario, _ in PROFILES:
        cur.execute("CREATE SERVER %s FOREIGN DATA WRAPPER clio_fdw OPTIONS (base_url %%s)"
                    % scenario, (a.hostile + "/" + scenario,))
        cur.execute("CREATE USER MAPPING FOR CURRENT_USER SERVER %s OPTIONS (api_key 'bench')"
                    % scenario)
        cur.execute("CREATE SCHEMA %s" % scenario)
        cur.execute("IMPORT FOREIGN SCHEMA clio LIMIT TO (matters) FROM SERVER %s INTO %s"
                    % (scenario, scenario))

    sha, subject = commit()
    if a.commit:
        sha, subject = a.commit, "(given)"
    run = dict(commit=sha, subject=subject, date=time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
               pages=PAGES, latency_ms=LATENCY_MS, reps=a.reps, profiles=[])
    for scenario, label in PROFILES:
        sql = "SELECT count(*) FROM %s.matters" % scenario
        cur.execute(sql)          # warm: the connection is open, as in a session
        walls, reqs = [], []
        for _ in range(a.reps):
            hostile(a.hostile, "DELETE", "/_hostile/log")
            t0 = time.monotonic()
            cur.execute(sql)
            rows = cur.fetchone()[0]
            walls.append(time.monotonic() - t0)
            reqs.append(requests_of(a.hostile, scenario))
            if rows != PAGES:
                raise SystemExit("%s: %d rows, expected %d" % (scenario, rows, PAGES))
        wall = statistics.median(walls)
        n = reqs[walls.index(wall)] if wall in walls else reqs[0]
        prof = dict(scenario=scenario, label=label, wall=wall, requests=n, walls=walls,
                    ms_per_request=1000.0 * wall / n,
                    ratio=1000.0 * wall / (n * LATENCY_MS))
        run["profiles"].append(prof)
        print("%-12s %d requests, %.2f s (median of %d), %.1f ms a request, wall / (req x %d ms) = %.2f"
              % (scenario, n, wall, a.reps, prof["ms_per_request"], LATENCY_MS, prof["ratio"]),
              flush=True)
    conn.close()

    with open(a.json, "w") as f:
        json.dump(run, f, indent=1)
    write_section(a.out, run)


ROW = re.compile(r"^\| `([^`]+)` ")


def write_section(path, run):
    text = open(path).read() if os.path.exists(path) else ""
    old_rows = []
    if BEGIN in text and END in text:
        old = text[text.index(BEGIN):text.index(END)]
        old_rows = [l for l in old.splitlines()
                    if ROW.match(l) and ROW.match(l).group(1) != run["commit"]]
    rows = []
    for prof in run["profiles"]:
        rows.append("| `%s` | %s | %s | %d | %.2f s | %.1f | %.2f |" % (
            run["commit"], run["date"], prof["label"], prof["requests"], prof["wall"],
            prof["ms_per_request"], prof["ratio"]))
    lines = [BEGIN, "", "## Hostile server", "",
             "`bench/run.sh --hostile`: a scan of %d pages of one record from test/hostile's "
             "server, each answered %d ms after it was asked, on one kept-alive connection; "
             "median of %d runs in a warm session.  With Nagle's algorithm on and a response's "
             "headers and body in two writes, the body waits for the client's ACK of the "
             "headers, which Linux delays by up to 40 ms on a reused connection unless the "
             "client acknowledges at once (clio_fdw sets `TCP_QUICKACK` when the headers have "
             "arrived).  Each run adds its commit's rows; the rows of other commits are kept." % (
                 run["pages"], run["latency_ms"], run["reps"]),
             "",
             "| commit | date | server | requests | wall | ms / request | wall ÷ (requests × %d ms) |"
             % run["latency_ms"],
             "|---|---|---|--:|--:|--:|--:|"]
    lines += old_rows + rows
    lines += ["", END, ""]
    bench.write_section(path, BEGIN, END, lines)


if __name__ == "__main__":
    main()
