"""bench/RESULTS.md from the results bench.py gathered (also runnable alone:
python3 bench/report.py bench/out/results.json > RESULTS.md)."""
import json
import re
import statistics
import sys

OK, MISS, NA = "✓", "✗", "–"

TARGET_WALL = 1.10
TARGET_CPU = 5.0
TARGET_MEM_KB = 10 * 1024
CPU_MIN_RECORDS = 1000


def med(runs, key):
    vals = [r[key] for r in runs if r.get(key) is not None]
    return statistics.median(vals) if vals else None


def num(n):
    return "–" if n is None else "{:,}".format(n)


def kb(nbytes):
    if nbytes is None:
        return "–"
    if nbytes >= 10 * 1024 * 1024:
        return "%.0f MB" % (nbytes / 1048576)
    if nbytes >= 1024 * 1024:
        return "%.1f MB" % (nbytes / 1048576)
    if nbytes >= 1024:
        return "%.0f kB" % (nbytes / 1024)
    return "%d B" % nbytes


def secs(s):
    if s is None:
        return "–"
    return "%.2f s" % s if s < 100 else "%.0f s" % s


def fmt(x, f="%.2f"):
    return "–" if x is None else f % x


def metrics(r, lat_s):
    """Medians and derived numbers of one query."""
    m = dict(key=r["key"])
    f, p = r["fdw_runs"], r["py_runs"]
    m["f_req"] = f[0]["requests"] if f else r["probe"]["requests"]
    m["f_req_vary"] = len({x["requests"] for x in f}) > 1
    m["f_bytes"] = med(f, "bytes")
    m["f_wall"] = med(f, "wall")
    m["f_cpu"] = med(f, "cpu_ms")
    m["f_server"] = med(f, "server_ms")
    m["f_err"] = next((x["error"] for x in f if x["error"]), None) or r["probe"].get("error")
    m["f_rec"] = r["probe"].get("records")
    m["timed"] = bool(f)
    m["p_req"] = p[0]["requests"] if p else None
    m["p_bytes"] = med(p, "bytes")
    m["p_wall"] = med(p, "wall")
    m["p_cpu"] = med(p, "cpu_ms")
    m["p_rec"] = p[0].get("records") if p else None
    m["p_err"] = next((x["error"] for x in p if x["error"]), None)
    # requests
    if m["f_err"] or r["probe"]["timed_out"]:
        m["req_ok"] = False
    else:
        m["req_ok"] = m["f_req"] <= r["fewest"]
    # wall
    m["ratio"] = None
    if m["f_wall"] is not None and m["f_req"]:
        m["ratio"] = m["f_wall"] / (m["f_req"] * lat_s)
    m["server_per_req"] = m["f_server"] / m["f_req"] if m["f_server"] is not None and m["f_req"] else None
    m["client_per_req"] = (
        (m["f_wall"] * 1000 - m["f_server"]) / m["f_req"]
        if m["f_wall"] is not None and m["f_server"] is not None and m["f_req"]
        else None
    )
    m["ratio_client"] = None
    if m["f_wall"] is not None and m["f_server"] is not None and m["f_req"]:
        m["ratio_client"] = 1 + (m["f_wall"] * 1000 - m["f_server"]) / (m["f_req"] * lat_s * 1000)
    m["p_server_per_req"] = (med(p, "server_ms") / m["p_req"]
                             if p and m["p_req"] and med(p, "server_ms") is not None else None)
    m["wall_client_ok"] = None
    if r["scan"] and m["timed"] and m["ratio_client"] is not None and not m["f_err"]:
        m["wall_client_ok"] = m["ratio_client"] <= TARGET_WALL
    if not r["scan"] or not m["timed"] or m["f_err"]:
        m["wall_ok"] = None
    elif m["ratio"] is None or m["f_err"]:
        m["wall_ok"] = False
    else:
        m["wall_ok"] = m["ratio"] <= TARGET_WALL
    # cpu per record
    m["f_cpu_k"] = (m["f_cpu"] / (m["f_rec"] / 1000)
                    if m["f_cpu"] is not None and (m["f_rec"] or 0) >= CPU_MIN_RECORDS else None)
    m["p_cpu_k"] = (m["p_cpu"] / (m["p_rec"] / 1000)
                    if m["p_cpu"] is not None and (m["p_rec"] or 0) >= CPU_MIN_RECORDS else None)
    m["cpu_ratio"] = None
    m["cpu_ok"] = None
    if m["f_cpu_k"] is not None and m["p_cpu_k"] is not None:
        if m["f_cpu_k"] > 0:
            m["cpu_ratio"] = m["p_cpu_k"] / m["f_cpu_k"]
        if not m["f_err"]:
            m["cpu_ok"] = m["cpu_ratio"] is None or m["cpu_ratio"] >= TARGET_CPU
    m["wall_x"] = m["p_wall"] / m["f_wall"] if m["p_wall"] and m["f_wall"] and not m["f_err"] else None
    return m


def mark(ok):
    return NA if ok is None else (OK if ok else MISS)


def short_request(line):
    """A request line with a long run of ids[] shortened."""
    if not line:
        return line
    ids = re.findall(r"ids\[\]=([^&]+)", line)
    if len(ids) > 3:
        line = re.sub(r"(&?ids\[\]=[^&]+)+", "&ids[]=%s&ids[]=…(%d ids)" % (ids[0], len(ids)), line, count=1)
        line = line.replace("?&", "?")
    return line


def same_rows(c):
    """Whether both sides returned the same rows, and how many."""
    if c is None:
        return NA
    if c["equal"]:
        return "%s (%s rows)" % (OK, num(c["rows"]))
    return "%s (%s vs %s rows)" % (MISS, num(c["fdw_rows"]), num(c["py_rows"]))


def render(out):
    env, res, mem, vals = out["env"], out["results"], out["memory"], out["values"]
    lat_ms = out["args"]["latency_ms"]
    lat_s = lat_ms / 1000.0
    ms = {r["key"]: metrics(r, lat_s) for r in res}
    sbcfg = env["sandbox"]
    counts = env["counts"]
    L = []
    w = L.append

    w("# clio_fdw benchmark results")
    w("")
    w("Written by `bench/run.sh`%s (see [README.md](README.md)); do not edit by hand."
      % (" --quick" if out["args"].get("quick") else ""))
    w("")
    w("| | |")
    w("|---|---|")
    w("| date | %s (the whole run took %.1f min) |" % (env["date"], env["seconds"] / 60))
    w("| machine | `%s` |" % env["uname_a"])
    w("| CPU | %s, %d cores, %.0f GB memory; load average %s at the start, %s at the end |" % (
        env["cpu"], env["cores"], int(env["mem_total_kb"]) / 1048576, env.get("load_start", "?"),
        env.get("load_end", "?")))
    w("| PostgreSQL | %s; `jit = %s`, `work_mem = %s` (defaults) |" % (env["pg_version"], env["jit"], env["work_mem"]))
    w("| clio_fdw | commit %s |" % env["commit"])
    w("| sandbox | `--scale %g --latency-ms %g` (seed %s): %s activities, %s matters, %s contacts, %s tasks, %s bills, %s calendar entries |" % (
        sbcfg.get("scale"), lat_ms, sbcfg.get("seed"), num(counts.get("activities")), num(counts.get("matters")),
        num(counts.get("contacts")), num(counts.get("tasks")), num(counts.get("bills")), num(counts.get("calendar_entries"))))
    w("| runs | each query timed %d× when it takes under 20 s, else once (medians shown); clio_fdw and PL/Python in turn, each in its own warm session |" % out["args"]["reps"])
    w("| values picked from the data | one matter: %s (%s activities); budget matters: %s; user: %s (%s time entries in October 2026) |" % (
        vals["one_matter"], vals["one_matter_activities"], ", ".join(str(b) for b in vals["budget"]),
        vals["user_id"], vals["user_entries"]))
    w("")
    w("How each number is measured: **requests** and **bytes** (response bodies as sent, "
      "gzip-compressed when the client asks for it, which clio_fdw does and urllib does not) come "
      "from the sandbox's request log, cleared before each run; **fewest** is what the API allows "
      "for the same rows, computed before the query from the sandbox's `meta.records` of the "
      "filtered request (`limit=1`, at 0 ms latency, log cleared after); **records** is what the "
      "foreign scans received (`Clio Records` of an `EXPLAIN ANALYZE` run at 0 ms latency) or what "
      "`clio_get()` yielded; **wall** is measured by the driver around execute + fetch; "
      "**sandbox ms/req** is the sandbox's own time per request (latency included, from its log) and "
      "**client ms/req** the rest of the wall time per request: what clio_fdw, PostgreSQL and the "
      "loopback add; **CPU** is the backend's utime + stime from `/proc/<pid>/stat` "
      "(%d ticks a second) before and after the query." % env["clk_tck"])
    w("")

    # ---- targets
    req_rows = [m for m in ms.values()]
    req_miss = [m["key"] for m in req_rows if not m["req_ok"]]
    wall_j = [m for m in req_rows if m["wall_ok"] is not None]
    wall_miss = [m["key"] for m in wall_j if not m["wall_ok"]]
    wallc_j = [m for m in req_rows if m["wall_client_ok"] is not None]
    wallc_miss = [m["key"] for m in wallc_j if not m["wall_client_ok"]]
    cpu_j = [m for m in req_rows if m["cpu_ok"] is not None]
    cpu_miss = [m["key"] for m in cpu_j if not m["cpu_ok"]]
    mem_pairs = {}
    for x in mem:
        mem_pairs.setdefault(x["jit"], []).append(x)
    mem_ok = {}
    for jit, pair in mem_pairs.items():
        if len(pair) == 2:
            mem_ok[jit] = abs(pair[1]["peak_kb"] - pair[0]["peak_kb"]) <= TARGET_MEM_KB
    w("## Targets")
    w("")
    w("| target | met | missed |")
    w("|---|---|---|")
    w("| requests = the fewest the API allows, every query | %d of %d | %s |" % (
        len(req_rows) - len(req_miss), len(req_rows), ", ".join(req_miss) or "none"))
    w("| wall ≤ %.2f × requests × latency, on scans (fewest ≥ 2) | %d of %d | %s |" % (
        TARGET_WALL, len(wall_j) - len(wall_miss), len(wall_j), ", ".join(wall_miss) or "none"))
    w("| the same with the sandbox's own time as the network: (wall − time inside the sandbox) ≤ %.2f × requests × latency, on scans | %d of %d | %s |" % (
        TARGET_WALL - 1, len(wallc_j) - len(wallc_miss), len(wallc_j), ", ".join(wallc_miss) or "none"))
    w("| CPU per record ≥ %g× lower than PL/Python (queries where both read ≥ %s records) | %d of %d | %s |" % (
        TARGET_CPU, num(CPU_MIN_RECORDS), len(cpu_j) - len(cpu_miss), len(cpu_j), ", ".join(cpu_miss) or "none"))
    for jit in (True, False):
        pair = mem_pairs.get(jit)
        if pair and len(pair) == 2:
            w("| peak memory of the %s-row and the %s-row scans within 10 MB, %s | %s | %s |" % (
                num(pair[0]["rows"]), num(pair[1]["rows"]),
                "defaults (`jit = on`)" if jit else "`jit = off`", mark(mem_ok[jit]),
                "%s apart" % kb(abs(pair[1]["peak_kb"] - pair[0]["peak_kb"]) * 1024)))
    w("")
    w("Each miss is explained under [Misses, measured](#misses-measured).")
    w("")

    # ---- table 1
    w("## clio_fdw: requests, time, CPU")
    w("")
    w("| | query | rows | records | requests | fewest | | bytes | wall | wall ÷ (req × %g ms) | | sandbox ms/req | client ms/req | client ÷ (req × %g ms) | | CPU ms | CPU ms / 1k records |" % (lat_ms, lat_ms))
    w("|---|---|--:|--:|--:|--:|---|--:|--:|--:|---|--:|--:|--:|---|--:|--:|")
    for r in res:
        m = ms[r["key"]]
        if r["probe"]["timed_out"]:
            req = "≥ %s (not timed)" % num(r["probe"]["requests"])
        elif r.get("not_timed"):
            req = "%s (not timed)" % num(r["probe"]["requests"])
        elif m["f_err"]:
            req = "%s, then ERROR" % num(m["f_req"])
        else:
            req = num(m["f_req"]) + (" (varied)" if m["f_req_vary"] else "")
        w("| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |" % (
            r["key"], r["title"], num(r["result_rows"]) if m["timed"] and not m["f_err"] else "–",
            num(m["f_rec"]), req, num(r["fewest"]), mark(m["req_ok"]),
            kb(m["f_bytes"]), secs(m["f_wall"]), fmt(m["ratio"]), mark(m["wall_ok"]),
            fmt(m["server_per_req"], "%.1f"), fmt(m["client_per_req"], "%.1f"),
            fmt(m["ratio_client"] - 1 if m["ratio_client"] is not None else None), mark(m["wall_client_ok"]),
            fmt(m["f_cpu"], "%.0f"), fmt(m["f_cpu_k"], "%.1f")))
    w("")
    w("*rows*: rows the query returns; *records*: records its foreign scans received; "
      "*client ms/req*: wall time not spent inside the sandbox, per request.  CPU per 1,000 "
      "records is shown from %s records on (below that, the 10 ms ticks say little)." % num(CPU_MIN_RECORDS))
    w("")

    # ---- table 2
    w("## clio_fdw vs PL/Python (`clio_get()`, urllib)")
    w("")
    w("| | query | requests fdw / PL/Py | bytes fdw / PL/Py | wall fdw / PL/Py | PL/Py ÷ fdw wall | CPU ms / 1k records fdw / PL/Py | PL/Py ÷ fdw CPU per record | | same rows |")
    w("|---|---|--:|--:|--:|--:|--:|--:|---|---|")
    for r in res:
        m = ms[r["key"]]
        same = same_rows(r.get("compare"))
        w("| %s | %s | %s / %s | %s / %s | %s / %s | %s | %s / %s | %s | %s | %s |" % (
            r["key"], r["title"] + (" (PL/Py: %s's)" % r["py_from"] if r.get("py_from") else ""),
            num(m["f_req"]) if m["timed"] else "–", num(m["p_req"]),
            kb(m["f_bytes"]), kb(m["p_bytes"]), secs(m["f_wall"]), secs(m["p_wall"]),
            fmt(m["wall_x"], "%.2f×"), fmt(m["f_cpu_k"], "%.1f"), fmt(m["p_cpu_k"], "%.1f"),
            fmt(m["cpu_ratio"], "%.1f×"), mark(m["cpu_ok"]), same))
    w("")
    tot_f = [m for m in ms.values() if m["f_cpu"] is not None and m["p_cpu"] is not None and m["f_rec"] and m["p_rec"] and not m["f_err"]]
    if tot_f:
        fc = sum(m["f_cpu"] for m in tot_f)
        fr = sum(m["f_rec"] for m in tot_f)
        pc = sum(m["p_cpu"] for m in tot_f)
        pr = sum(m["p_rec"] for m in tot_f)
        if fc and fr and pr:
            w("Over the queries both sides completed: clio_fdw %.1f ms of CPU per 1,000 records "
              "(%s records), PL/Python %.1f ms (%s records): %.1f× less with clio_fdw." % (
                  fc / fr * 1000, num(fr), pc / pr * 1000, num(pr), (pc / pr) / (fc / fr)))
            w("")

    # ---- count(*) by count_pushdown
    counts_ = [r for r in res if r.get("count_mode")]
    if counts_:
        w("## count(*) by `count_pushdown`")
        w("")
        w("`off` counts the records page by page; `verify` (the default) asks for one record and "
          "also counts page by page the first time a session counts for a user mapping, and trusts "
          "Clio's `meta.records` for the rest of the session when the two agree; `on` always asks "
          "for one record. The suite's session made its check in its warm-up (a `count(*)` of "
          "users, not counted); *a new session each run* is a new backend per run, after one id "
          "look-up.")
        w("")
        w("| | query | count_pushdown | session | requests | fewest | | wall | PL/Py requests | PL/Py wall | PL/Py ÷ fdw wall | same rows |")
        w("|---|---|---|---|--:|--:|---|--:|--:|--:|--:|---|")
        for r in counts_:
            m = ms[r["key"]]
            w("| %s | %s | `%s` | %s | %s | %s | %s | %s | %s | %s | %s | %s |" % (
                r["key"], r["title"], r["count_mode"],
                "a new session each run" if r.get("fresh_session") else "the suite's",
                num(m["f_req"]), num(r["fewest"]), mark(m["req_ok"]), secs(m["f_wall"]),
                num(m["p_req"]), secs(m["p_wall"]), fmt(m["wall_x"], "%.2f×"),
                same_rows(r.get("compare"))))
        w("")
        for r in counts_:
            group = [x for x in counts_ if x is r or x.get("py_from") == r["key"]]
            if r.get("py_from") or len(group) < 2:
                continue
            w("Requests for %s's count: %s; PL/Python %s." % (
                r["key"], "; ".join("`%s`%s %s" % (
                    x["count_mode"], " in a new session" if x.get("fresh_session") else "",
                    num(ms[x["key"]]["f_req"])) for x in group), num(ms[r["key"]]["p_req"])))
            w("")

    # ---- memory
    w("## Memory")
    w("")
    w("Each scan runs in a fresh backend: one id look-up first (loads the library, opens the "
      "connection), then the peak RSS is reset (`echo 5 > /proc/<pid>/clear_refs`) and the scan "
      "runs; peak = `VmHWM` after the query − `VmRSS` before it (0 ms latency: memory does not "
      "depend on it).  Once with the defaults, once with `SET jit = off`.")
    w("")
    w("| scan | jit | rows | peak over the baseline | RSS before | VmHWM after | RssAnon before → after | RssFile before → after |")
    w("|---|---|--:|--:|--:|--:|--:|--:|")
    for x in mem:
        w("| %s | %s | %s | %s | %s | %s | %s → %s | %s → %s |" % (
            x["key"], "on" if x["jit"] else "off", num(x["rows"]), kb(x["peak_kb"] * 1024),
            kb(x["rss_before_kb"] * 1024), kb(x["hwm_after_kb"] * 1024),
            kb((x["anon_before_kb"] or 0) * 1024), kb((x["anon_after_kb"] or 0) * 1024),
            kb((x.get("file_before_kb") or 0) * 1024), kb((x.get("file_after_kb") or 0) * 1024)))
    w("")
    for jit in (True, False):
        pair = mem_pairs.get(jit)
        if pair and len(pair) == 2:
            w("- %s: the two peaks are %s apart %s (target: within 10 MB)." % (
                "defaults (`jit = on`)" if jit else "`jit = off`",
                kb(abs(pair[1]["peak_kb"] - pair[0]["peak_kb"]) * 1024), mark(mem_ok[jit])))
    if mem and not all(x["hwm_reset"] for x in mem):
        w("")
        w("(clear_refs was not writable: peak = VmHWM after − VmHWM before, a lower bound.)")
    w("")

    # ---- cpu breakdown
    bd = out.get("breakdown")
    if bd:
        k = bd["records"] / 1000.0
        w("## Where the CPU goes")
        w("")
        w("%s activities read at 0 ms latency in fresh sessions with `jit = off` (unless said), "
          "backend CPU from `/proc/<pid>/schedstat` (ns), the fastest of 3 runs, per 1,000 records:" % num(bd["records"]))
        w("")
        w("| | what | CPU ms / 1k records |")
        w("|---|---|--:|")
        rows_bd = [
            ("fdw_ids", "clio_fdw, `count(*)` of a scan that asks only for `id`"),
            ("fdw_query", "clio_fdw, the scan query (S1's: 5 columns, 5 aggregates)"),
            ("fdw_query_jit", "the same with `jit = on`"),
            ("local_query", "the same aggregates over a local table of the same rows (the SQL on top)"),
            ("py_ids", "PL/Python, `count(*)` of `clio_get()` asking only for `id`"),
            ("py_query", "PL/Python, the scan query"),
        ]
        for key, what in rows_bd:
            if bd.get(key) is not None:
                w("| `%s` | %s | %.1f |" % (key, what, bd[key] / k))
        w("")
        fq, lq, pq = bd.get("fdw_query"), bd.get("local_query"), bd.get("py_query")
        if fq and lq is not None and pq:
            w("The scan itself (query − the same SQL over a local table): clio_fdw %.1f ms, "
              "PL/Python %.1f ms per 1,000 records (%.1f×); whole queries %.1f×.  JIT added %.0f ms "
              "to the clio_fdw query (%.1f ms per 1,000 records)." % (
                  (fq - lq) / k, (pq - lq) / k, (pq - lq) / (fq - lq) if fq > lq else 0, pq / fq,
                  (bd.get("fdw_query_jit") or fq) - fq, ((bd.get("fdw_query_jit") or fq) - fq) / k))
            w("")
        pf = bd.get("perf")
        if pf:
            w("The clio_fdw scan query under `perf record` (self time; `jit = off`), by library "
              "and the top functions:")
            w("")
            w("| library | share |")
            w("|---|--:|")
            for pct, lib, _ in pf["by_library"]:
                w("| `%s` | %.1f %% |" % (lib, pct))
            w("")
            if pf.get("categories"):
                w("The same samples by what the code does:")
                w("")
                w("| kind | share |")
                w("|---|--:|")
                for name, pct in pf["categories"]:
                    w("| %s | %.1f %% |" % (name, pct))
                w("")
            if pf.get("categories") and fq and lq is not None and pq:
                top = pf["categories"][:4]
                w("So clio_fdw's scan costs %.1f ms of CPU per 1,000 records and the PL/Python "
                  "way %.1f ms: %.1f×, not %g×.  The largest parts of clio_fdw's: %s." % (
                      (fq - lq) / k, (pq - lq) / k, (pq - lq) / (fq - lq) if fq > lq else 0,
                      TARGET_CPU, "; ".join("%s %.0f %%" % (n, p) for n, p in top)))
                w("")
            w("| function | library | share |")
            w("|---|---|--:|")
            for pct, lib, sym in pf["by_function"]:
                w("| `%s` | `%s` | %.1f %% |" % (sym, lib, pct))
            w("")

    # ---- misses
    w("## Misses, measured")
    w("")
    any_miss = False
    for r in res:
        m = ms[r["key"]]
        notes = []
        if not m["req_ok"]:
            notes.append(request_miss(r, m, lat_ms))
        if m["wall_ok"] is False:
            notes.append(wall_miss_text(r, m, lat_ms))
        if m["cpu_ok"] is False:
            notes.append("CPU per record: clio_fdw %.1f ms per 1,000 records, PL/Python %.1f: only %.1f× less (target %g×)%s" % (
                m["f_cpu_k"], m["p_cpu_k"], m["cpu_ratio"] or 0, TARGET_CPU,
                "; the plan was JIT-compiled (%d functions), which costs the backend CPU that does not grow with the rows" % r["probe"]["jit_functions"]
                if r["probe"].get("jit_functions") else "") + "; see [Where the CPU goes](#where-the-cpu-goes).")
        if notes:
            any_miss = True
            w("**%s %s**" % (r["key"], r["title"]))
            w("")
            for n in notes:
                w("- " + n)
            w("")
    for jit, ok in mem_ok.items():
        if not ok:
            any_miss = True
            pair = mem_pairs[jit]
            off = mem_pairs.get(False)
            w("**Memory, %s**: the %s-row scan peaked %s over its baseline, the %s-row scan %s.%s" % (
                "defaults (`jit = on`)" if jit else "`jit = off`", num(pair[0]["rows"]),
                kb(pair[0]["peak_kb"] * 1024), num(pair[1]["rows"]), kb(pair[1]["peak_kb"] * 1024),
                (" With `jit = off` the same scans peak at %s and %s: the difference is the JIT "
                 "compiler (RssFile %s → %s: LLVM's libraries mapped in; RssAnon %s → %s), which "
                 "PostgreSQL starts when a plan costs more than `jit_above_cost` (100,000); clio_fdw "
                 "costs 1,000 per expected request, so any scan it expects to take 100 pages or more "
                 "is JIT-compiled." % (
                     kb(off[0]["peak_kb"] * 1024), kb(off[1]["peak_kb"] * 1024),
                     kb(pair[1]["file_before_kb"] * 1024), kb(pair[1]["file_after_kb"] * 1024),
                     kb(pair[1]["anon_before_kb"] * 1024), kb(pair[1]["anon_after_kb"] * 1024))
                 if jit and off and len(off) == 2 and mem_ok.get(False) else "")))
            w("")
    if not any_miss:
        w("None.")
        w("")

    # ---- findings
    w("## Findings")
    w("")
    findings = []
    estimates = []
    for r in res:
        m = ms[r["key"]]
        if not m["req_ok"] and not m["f_err"]:
            sent = r["probe"]["requests"]
            if r["probe"]["timed_out"] and r.get("projection") == "nested" and r["fewest_parts"]:
                fp0 = r["fewest_parts"][0]
                sent_txt = "≥ %s (stopped), by its plan %s" % (num(sent), num(fp0["requests"] + fp0["records"]))
            else:
                sent_txt = num(m["f_req"])
            findings.append("**%s** %s: clio_fdw sends %s requests where %s are enough (details under "
                            "[Misses](#misses-measured)). %s" % (
                                r["key"], r["title"], sent_txt, num(r["fewest"]), r.get("cause") or ""))
    for r in res:
        m = ms[r["key"]]
        lists = [p for p in r["fewest_parts"] if p["kind"] == "list"]
        if (m["req_ok"] and lists and len(lists) == len(r["fewest_parts"]) and m["f_rec"]
                and m["f_rec"] > sum(p["records"] for p in lists)):
            need = sum(p["records"] for p in lists)
            findings.append("**%s**: the requests are the fewest, but clio_fdw received %s records "
                            "where %s match (%s more): it sent %s, the fewest is %s." % (
                                r["key"], num(m["f_rec"]), num(need), num(m["f_rec"] - need),
                                "; ".join("`%s`" % x for x in r["clio_requests"]),
                                "; ".join("`%s`" % p["request"] for p in lists)))
    for r in res:
        m = ms[r["key"]]
        c = r.get("compare")
        if c is not None and not c["equal"]:
            findings.append("**%s**: clio_fdw and PL/Python return different rows (%s vs %s; %d only in clio_fdw's, e.g. %s; %d only in PL/Python's, e.g. %s)." % (
                r["key"], num(c["fdw_rows"]), num(c["py_rows"]), c["n_only_fdw"], c["only_fdw"][:1],
                c["n_only_py"], c["only_py"][:1]))
        if m["f_err"]:
            findings.append("**%s** fails in clio_fdw: `%s` (after %s requests; PL/Python reads the same %s records in %s requests)." % (
                r["key"], m["f_err"], num(m["f_req"]), num(m["p_rec"]), num(m["p_req"])))
        for sc in r["probe"].get("scans", []):
            if sc["plan_rows"] and sc["actual_rows"] is not None and sc["loops"]:
                actual = sc["actual_rows"] * sc["loops"]
                if actual > 0 and actual / sc["plan_rows"] >= 100:
                    estimates.append("%s `%s`: %s expected, %s" % (
                        r["key"], sc["relation"], num(round(sc["plan_rows"])), num(round(actual))))
    if estimates:
        findings.append("Row estimates off by 100× or more (planner's rows vs rows the scan "
                        "returned, from the EXPLAIN ANALYZE probe): " + "; ".join(estimates) + ".")
    an = env.get("analyze") or {}
    if an.get("activities") and an["activities"].get("since"):
        a = an["activities"]
        findings.append(
            "ANALYZE of `clio_an.activities` (%s records) sent %d requests: the first page, one "
            "for the oldest record's `created_at`, and %d pages from random moments between it "
            "and now (`created_since` %s … %s), so the sample spreads over the table's history "
            "rather than its 10,000 oldest records (Clio's offset cap)." % (
                num(counts.get("activities")), a["requests"], len(a["since"]),
                a["since"][0], a["since"][-1]))
    elif an.get("activities"):
        a = an["activities"]
        findings.append(
            "ANALYZE of `clio_an.activities` (%s records) sent %d requests at offsets %s: a sample of "
            "the %s oldest records only (Clio's offset cap is 10,000), so the statistics describe "
            "those and not the table." % (
                num(counts.get("activities")), a["requests"], a["offsets"],
                num(min(10000, counts.get("activities") or 0))))
    if findings:
        for f in findings:
            w("- " + f)
    else:
        w("None.")
    w("")

    # ---- requests of each side
    w("## What each side sends")
    w("")
    w("clio_fdw: the `Clio Request:` lines of `EXPLAIN (VERBOSE, COSTS OFF)` (`$n`: a value known at "
      "execution); PL/Python: its first request, from the sandbox's log.")
    w("")
    w("| | clio_fdw | PL/Python |")
    w("|---|---|---|")
    for r in res:
        py_first = r["py_runs"][0]["first_request"] if r.get("py_runs") else None
        w("| %s | %s | %s |" % (
            r["key"], "<br>".join("`%s`" % x for x in r["clio_requests"]) or "–",
            "`%s`" % short_request(py_first) if py_first else "–"))
    w("")

    # ---- details
    w("## The queries")
    w("")
    for r in res:
        m = ms[r["key"]]
        w("### %s %s" % (r["key"], r["title"]))
        w("")
        w("```sql")
        w(r["fdw_sql"])
        w("```")
        w("")
        w("Fewest: **%s** — %s." % (num(r["fewest"]), r["reason"]))
        for p in r["fewest_parts"]:
            if p["kind"] == "list":
                w("- `%s`: %s records → %s" % (p["request"], num(p["records"]), num(p["requests"])))
            else:
                w("- %s → %s" % (p["why"], num(p["requests"])))
        w("")
        w("clio_fdw's plan (`EXPLAIN (VERBOSE, COSTS OFF)`, `Output:` lines left out):")
        w("")
        w("```")
        for line in r["explain"]:
            if line.strip().startswith("Output:"):
                continue
            w(line)
        w("```")
        w("")
        if r["probe"].get("scans"):
            w("| foreign scan | planner's rows | rows | loops | requests | records |")
            w("|---|--:|--:|--:|--:|--:|")
            for s in r["probe"]["scans"]:
                w("| %s%s | %s | %s | %s | %s | %s |" % (
                    s["relation"], " (parameterized)" if s["parameterized"] else "",
                    num(round(s["plan_rows"])) if s["plan_rows"] is not None else "–",
                    num(round(s["actual_rows"] * (s["loops"] or 1))) if s["actual_rows"] is not None else "–",
                    num(s["loops"]), num(s["requests"]), num(s["records"])))
            w("")
        if r["probe"]["timed_out"] or r["probe"].get("error"):
            w("Probe at 0 ms latency: %s after %.0f s and %s requests; first requests:" % (
                "stopped (statement_timeout)" if r["probe"]["timed_out"] else "ERROR `%s`" % r["probe"]["error"],
                r["probe"]["seconds"], num(r["probe"]["requests"])))
            w("")
            for line in r["probe"]["request_lines"]:
                w("    " + line)
            w("")
        if r.get("py_sql"):
            w("PL/Python%s:" % (" (the run of %s)" % r["py_from"] if r.get("py_from") else ""))
            w("")
            w("```sql")
            w(r["py_sql"])
            w("```")
            w("")
            if r["py_runs"] and r["py_runs"][0]["first_request"]:
                w("Its first request: `%s`" % short_request(r["py_runs"][0]["first_request"]))
                w("")
        c = r.get("compare")
        if c is not None:
            w("Rows: %s" % ("the same on both sides (%s)." % num(c["rows"]) if c["equal"] else
                            "**differ**: %s only in clio_fdw's (e.g. %s), %s only in PL/Python's (e.g. %s)." % (
                                num(c["n_only_fdw"]), c["only_fdw"][:2], num(c["n_only_py"]), c["only_py"][:2])))
            w("")
    return "\n".join(L) + "\n"


def request_miss(r, m, lat_ms):
    fp = r["fewest_parts"]
    fewest_req = "; ".join(
        "`%s` (%s records → %s)" % (p["request"], num(p["records"]), num(p["requests"]))
        for p in fp if p["kind"] == "list") or ", ".join(p["why"] for p in fp)
    sent = "; ".join("`%s`" % x for x in r["clio_requests"])
    if r.get("not_timed") and not r["probe"]["timed_out"]:
        text = ("Requests: %s sent (the probe at 0 ms latency; not timed: %s), fewest %s. clio_fdw sent %s "
                "and received %s records; the fewest is %s." % (
                    num(r["probe"]["requests"]), r["not_timed"], num(r["fewest"]), sent,
                    num(m["f_rec"]), fewest_req))
    elif r["probe"]["timed_out"]:
        text = ("Requests: not timed — the probe at 0 ms latency was stopped after %.0f s, having sent "
                "%s requests (first: %s). clio_fdw plans %s. The fewest is %s: %s." % (
                    r["probe"]["seconds"], num(r["probe"]["requests"]),
                    ", ".join("`%s`" % x for x in r["probe"]["request_lines"][:2]), sent,
                    num(r["fewest"]), fewest_req))
        if r.get("projection") == "nested" and fp and fp[0]["kind"] == "list":
            total = fp[0]["requests"] + fp[0]["records"]
            text += (" The plan is a nested loop whose inner side is a parameterized scan "
                     "(`$1`): one request per outer row, so %s + %s = **%s requests**, about "
                     "%.0f min at %g ms each." % (
                         num(fp[0]["requests"]), num(fp[0]["records"]), num(total),
                         total * lat_ms / 60000.0, lat_ms))
    elif m["f_err"]:
        text = ("Requests: the query fails after %s requests (`%s`); the fewest for its rows is %s: %s. "
                "clio_fdw sent %s." % (num(m["f_req"]), m["f_err"], num(r["fewest"]), fewest_req, sent))
        if r.get("estimates"):
            text += " The planner expected %s." % "; ".join(
                "%s rows from `%s`" % (num(round(e["plan_rows"])), e["relation"]) for e in r["estimates"])
    else:
        text = ("Requests: %s sent, fewest %s. clio_fdw sent %s and received %s records; the fewest is %s." % (
            num(m["f_req"]), num(r["fewest"]), sent, num(m["f_rec"]), fewest_req))
    if r.get("cause"):
        text += " Why: " + r["cause"]
    return text


def wall_miss_text(r, m, lat_ms):
    if m["f_err"] or m["ratio"] is None:
        return "Wall: not comparable (%s)." % ("the query failed" if m["f_err"] else "not timed")
    server = m["server_per_req"]
    client = m["client_per_req"]
    return ("Wall: %.2f s for %s requests = %.2f × (requests × %g ms). The sandbox itself spent "
            "%.1f ms per request (%g ms of latency + %.1f ms building, serialising and "
            "compressing the page), %.2f × the latency on its own; clio_fdw, PostgreSQL and the "
            "loopback added %.1f ms per request (%.2f × the latency)." % (
                m["f_wall"], num(m["f_req"]), m["ratio"], lat_ms, server, lat_ms, server - lat_ms,
                server / lat_ms, client, client / lat_ms))


if __name__ == "__main__":
    with open(sys.argv[1]) as f:
        sys.stdout.write(render(json.load(f)))
