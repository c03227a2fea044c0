#!/usr/bin/env python3
"""Judge a storm run (test/long/storm.sh): for each query, what the
storm server served (served.jsonl, one line per response, tagged with the
query number) against what PostgreSQL answered (results.jsonl).

A query may end in an ERROR (any SQLSTATE) or in a result; a result must be
the one the served bodies imply, column by column, under clio_fdw's
documented conversions (JSON value -> text -> the column type's input
function).  Where a value's meaning is not decidable here (a date in an odd
form, duplicate keys) the result is "unjudged", not wrong.

Usage: storm_check.py DIR WALL_SECONDS SESSIONS
Exit status 1 on a wrong result, an error on a fully valid answer, an
internal error (XX000) or a crash."""
import collections
import datetime
import decimal
import json
import math
import os
import re
import sys

D = decimal.Decimal


class Judge(Exception):
    """The expected outcome cannot be a result: 'error' (clio_fdw must
    fail) or 'unjudged' (cannot tell)."""

    def __init__(self, what, why=""):
        super().__init__(what)
        self.what = what
        self.why = why


def fdw_num_text(d):
    """clio_format_number()"""
    if math.isinf(d):
        # PostgreSQL's own snprintf spells infinity out
        return "Infinity" if d > 0 else "-Infinity"
    if d == math.floor(d) and abs(d) < 1e15:
        return "%.0f" % d
    s = "%.15g" % d
    if float(s) != d:
        s = "%.17g" % d
    return s


def as_double(text):
    try:
        return float(text)
    except (OverflowError, ValueError):
        return float("inf") if not text.strip().startswith("-") else float("-inf")


INT_RE = re.compile(r"^\s*[+-]?\d+\s*$")
NUM_RE = re.compile(r"^\s*[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?\s*$")
SPECIAL_NUM = {"nan": "NaN", "infinity": "Infinity", "+infinity": "Infinity", "-infinity": "-Infinity",
               "inf": "Infinity", "+inf": "Infinity", "-inf": "-Infinity"}


def pg_input(text, typ):
    """The value PostgreSQL's input function makes of text, as the checker
    compares it; Judge('error') where it must fail."""
    if "\x00" in text:
        text = text[: text.index("\x00")]
    if typ in ("int8", "int4"):
        if not INT_RE.match(text):
            raise Judge("error", "not an integer: %r" % text[:40])
        v = int(text)
        lim = 2 ** 63 if typ == "int8" else 2 ** 31
        if not -lim <= v < lim:
            raise Judge("error", "out of range")
        return ("int", v)
    if typ == "numeric":
        t = text.strip().lower()
        if t in SPECIAL_NUM:
            return ("num", SPECIAL_NUM[t])
        if not NUM_RE.match(text):
            raise Judge("error", "not a number: %r" % text[:40])
        return ("num", D(text.strip()))
    if typ == "text":
        return ("text", text)
    if typ == "bool":
        t = text.strip().lower()
        if t in ("1",):
            return ("bool", True)
        if t in ("0",):
            return ("bool", False)
        if t and any(w.startswith(t) for w in ("true", "yes")) and t not in ("o",):
            return ("bool", True)
        if t and (any(w.startswith(t) for w in ("false", "no")) or t in ("off", "of")):
            return ("bool", False)
        if t == "on":
            return ("bool", True)
        raise Judge("error", "not a boolean: %r" % text[:40])
    if typ == "date":
        if re.match(r"^\d{4}-\d{2}-\d{2}$", text):
            try:
                return ("date", datetime.date.fromisoformat(text).isoformat())
            except ValueError:
                raise Judge("error", "bad date")
        raise Judge("unjudged", "date in another form")
    if typ == "timestamptz":
        if re.match(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$", text):
            try:
                t = datetime.datetime.fromisoformat(text.replace("Z", "+00:00"))
            except ValueError:
                raise Judge("error", "bad timestamp")
            return ("ts", t.timestamp())
        raise Judge("unjudged", "timestamp in another form")
    if typ == "text[]":
        raise Judge("unjudged", "array literal from a string")
    raise Judge("unjudged", "type " + typ)


def to_plain(v, lossy):
    """A digest value as the JSON clio_fdw would print (cJSON: numbers
    through doubles, inf/nan as null, strings cut at NUL)."""
    if isinstance(v, dict):
        if "$num" in v:
            d = as_double(v["$num"])
            if math.isinf(d):
                lossy.add("inf-became-null")
                return None
            if D(v["$num"]) != D(repr(d)):
                lossy.add("double-precision")
            return d
        if "$obj" in v:
            out = {}
            for k, x in v["$obj"]:
                if "\x00" in k:
                    k = k[: k.index("\x00")]
                    lossy.add("nul-truncated")
                if k not in out:   # cJSON prints both; jsonb keeps the last
                    pass
                out[k] = to_plain(x, lossy)
            return out
        if "$badutf" in v:
            raise Judge("error", "invalid UTF-8 in a value")
        if "$big" in v:
            # a long string inside a JSON column: cannot compare (digest)
            raise Judge("unjudged", "big string in json")
        raise Judge("unjudged", "big or deep value")
    if isinstance(v, list):
        return [to_plain(x, lossy) for x in v]
    if isinstance(v, str) and "\x00" in v:
        lossy.add("nul-truncated")
        return v[: v.index("\x00")]
    return v


def convert(v, typ, lossy):
    """A served field value -> what the column must hold (a comparable
    tuple, or None for SQL NULL)."""
    if v is None:
        return None
    if isinstance(v, dict) and "$big" in v:
        if typ == "text":
            return ("text", "$big:%s:%d" % (v["$big"], v["len"]))
        if typ == "jsonb":
            raise Judge("unjudged", "big jsonb")
        raise Judge("error", "multi-MB string in a %s column" % typ)
    if isinstance(v, dict) and "$badutf" in v:
        raise Judge("error", "invalid UTF-8")
    if isinstance(v, dict) and ("$bigjson" in v or "$deep" in v):
        if typ in ("jsonb", "text", "text[]"):
            raise Judge("unjudged", "big json")
        raise Judge("error", "big json in a %s column" % typ)
    if typ == "jsonb":
        return ("json", to_plain(v, lossy))
    if isinstance(v, bool):
        return pg_input("true" if v else "false", typ)
    if isinstance(v, dict) and "$num" in v:
        d = as_double(v["$num"])
        t = fdw_num_text(d)
        # an integral double in range goes straight into an integer column
        lim = {"int8": 2 ** 63, "int4": 2 ** 31}.get(typ)
        if lim and not math.isinf(d) and d == math.floor(d) and -lim <= d < lim:
            if D(v["$num"]) != D(int(d)):
                lossy.add("double-precision")
            return ("int", int(d))
        if typ in ("int8", "int4", "numeric") and not math.isinf(d):
            if D(v["$num"]) != D(t) and D(v["$num"]) == D(v["$num"]).to_integral_value() \
                    and D(t) == D(t).to_integral_value():
                lossy.add("double-precision")
            elif typ == "numeric" and D(v["$num"]) != D(t):
                lossy.add("double-precision")
        if math.isinf(d) and typ == "numeric":
            lossy.add("1e400-became-infinity")
        return pg_input(t, typ)
    if isinstance(v, str):
        if "\x00" in v:
            lossy.add("nul-truncated")
        return pg_input(v, typ)
    if isinstance(v, (list, dict)):
        if typ == "text[]" and isinstance(v, list):
            els = []
            for x in v:
                if x is None:
                    els.append(None)
                elif isinstance(x, bool):
                    els.append("true" if x else "false")
                elif isinstance(x, dict) and "$num" in x:
                    els.append(fdw_num_text(as_double(x["$num"])))
                elif isinstance(x, str):
                    if "\x00" in x:
                        lossy.add("nul-truncated")
                        x = x[: x.index("\x00")]
                    els.append(x)
                elif isinstance(x, dict) and "$badutf" in x:
                    raise Judge("error", "invalid UTF-8")
                elif isinstance(x, dict) and ("$big" in x or "$bigjson" in x):
                    raise Judge("unjudged", "big element")
                else:
                    els.append(("json", to_plain(x, lossy)))
            return ("arr", els)
        if typ == "text":
            return ("jsontext", to_plain(v, lossy))
        if typ == "text[]":
            raise Judge("unjudged", "object in an array column")
        raise Judge("error", "object/array in a %s column" % typ)
    raise Judge("unjudged", "value %r" % (v,))


def from_pg(v, typ):
    """A value of PostgreSQL's to_jsonb(row) as a comparable tuple."""
    if v is None:
        return None
    if typ in ("int8", "int4"):
        return ("int", int(v))
    if typ == "numeric":
        if isinstance(v, str):
            return ("num", v)
        return ("num", D(str(v)))
    if typ == "text":
        return ("text", v)
    if typ == "bool":
        return ("bool", v)
    if typ == "date":
        return ("date", v)
    if typ == "timestamptz":
        return ("ts", datetime.datetime.fromisoformat(v).timestamp())
    if typ == "jsonb":
        return ("json", v)
    if typ == "text[]":
        return ("arr", v)
    return ("?", v)


def norm_json(x):
    if isinstance(x, bool) or x is None or isinstance(x, str):
        return x
    if isinstance(x, float):
        return D(repr(x))
    if isinstance(x, (int, D)):
        return D(str(x))
    if isinstance(x, list):
        return [norm_json(y) for y in x]
    if isinstance(x, dict):
        return {k: norm_json(y) for k, y in x.items()}
    return x


def approx_json(a, b, lossy):
    """jsonb values: numbers equal, or equal to 15 significant digits
    (cJSON prints doubles with %.15g when that reads back within its
    epsilon) -- the latter is recorded as lossy."""
    if isinstance(a, D) and isinstance(b, D):
        if a == b:
            return True
        if a != 0 and abs(a - b) <= abs(a) * D("1e-14"):
            lossy.add("jsonb-number-15-digits")
            return True
        return False
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(approx_json(x, y, lossy) for x, y in zip(a, b))
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(approx_json(a[k], b[k], lossy) for k in a)
    return a == b


def same(exp, got, lossy=None):
    lossy = set() if lossy is None else lossy
    if exp is None or got is None:
        return exp is None and got is None
    if exp[0] == "jsontext" and got[0] == "text":
        try:
            return approx_json(norm_json(exp[1]), norm_json(json.loads(got[1], parse_float=D)), lossy)
        except ValueError:
            return False
    if exp[0] != got[0]:
        return False
    if exp[0] == "num":
        if isinstance(exp[1], str) or isinstance(got[1], str):
            return str(exp[1]) == str(got[1])
        return exp[1] == got[1]
    if exp[0] == "json":
        return approx_json(norm_json(exp[1]), norm_json(got[1]), lossy)
    if exp[0] == "arr":
        if len(exp[1]) != len(got[1]):
            return False
        for e, g in zip(exp[1], got[1]):
            if isinstance(e, tuple):
                try:
                    if norm_json(json.loads(g, parse_float=D)) != norm_json(e[1]):
                        return False
                except (ValueError, TypeError):
                    return False
            elif e != g:
                return False
        return True
    if exp[0] == "ts":
        return abs(exp[1] - got[1]) < 1e-6
    return exp[1] == got[1]


def record_fields(rec):
    if isinstance(rec, dict) and "$obj" in rec:
        out = {}
        for k, v in rec["$obj"]:
            out.setdefault(k, v)   # clio_fdw reads the first of duplicate keys
        return out
    return None


def field_value(rec, col):
    f = record_fields(rec)
    v = f.get(col["field"])
    if col["sub"]:
        if v is None:
            return None
        if not (isinstance(v, dict) and "$obj" in v):
            raise Judge("error", "%s is not an object" % col["field"])
        sub = record_fields(v)
        return sub.get(col["sub"])
    return v


def convert_record(rec, cols, lossy):
    if record_fields(rec) is None:
        raise Judge("unjudged", "record digest")
    return {c["name"]: convert(field_value(rec, c), c["type"], lossy) for c in cols}


# ----------------------------------------------------------------------
def expected(q, arg, entries, lossy):
    """The rows the query must return given the served entries, or raises
    Judge."""
    mode, cols = q["mode"], q["cols"]
    # A body whose HTTP framing is broken (short, bad chunks, a gzip that
    # does not decode) is no page: clio_fdw must fail or ask again.  A body
    # ended by closing the connection (no or unparseable Content-Length) is
    # complete.
    pages = [e for e in entries if "digest" in e
             and e.get("framing") in (None, "no-length-close", "huge-length")]
    for e in entries:
        if e.get("kind") == "duplicate_keys":
            raise Judge("unjudged", "duplicate keys")
    for e in pages:
        d = e["digest"]
        if not d["json"]:
            raise Judge("error", "invalid JSON served (%s)" % e["kind"])
        single = mode in ("lookup", "lookup_contact", "insert")
        shape = d.get("shape")
        if single and shape != "record":
            raise Judge("error", "shape %s for a record request" % shape)
        if not single and shape != "list":
            raise Judge("error", "shape %s for a list request" % shape)
        nx = d.get("next")
        if not single and nx is not None and not isinstance(nx, str) \
                and not (isinstance(nx, dict) and "$big" in nx):
            raise Judge("error", "next of a wrong type")
    if not pages:
        raise Judge("error", "no 2xx answer")
    if mode == "count":
        n = sum(len(e["digest"]["records"]) for e in pages)
        return [{"n": ("int", min(n, q["arg"]))}], {"n": "int8"}
    types = {c["name"]: c["type"] for c in cols}
    if mode == "limit":
        rows = []
        for e in pages:
            for rec in e["digest"]["records"]:
                if len(rows) >= q["arg"]:
                    break
                rows.append(convert_record(rec, cols, lossy))
        return rows, types
    if mode in ("lookup", "lookup_contact"):
        rows = []
        for e in pages:
            for rec in e["digest"]["records"]:
                r = convert_record(rec, cols, lossy)
                if r["id"] == ("int", arg):
                    rows.append(r)
        return rows, types
    if mode == "insert":
        rows = [convert_record(rec, cols, lossy) for e in pages for rec in e["digest"]["records"]]
        return rows, types
    if mode == "join":
        rows = []
        for e in pages:
            m = int(e["params"].get("matter_id", ["-1"])[0])
            for rec in e["digest"]["records"]:
                r = convert_record(rec, cols, lossy)
                if r["matter_id"] == ("int", m):
                    rows.append({"pid": ("int", m), "id": r["id"], "total": r["total"], "matter_id": r["matter_id"]})
        key = lambda r: json.dumps({k: (None if v is None else str(v)) for k, v in r.items()}, sort_keys=True)
        return sorted(rows, key=key), dict(types, pid="int8")
    raise Judge("unjudged", "mode " + mode)


def compare(q, exp_rows, types, got, lossy):
    got_rows = [{k: from_pg(v, types.get(k, "?")) for k, v in r.items()} for r in got]
    if q["mode"] == "join":
        key = lambda r: json.dumps({k: (None if v is None else str(v)) for k, v in r.items()}, sort_keys=True)
        got_rows = sorted(got_rows, key=key)
    if len(exp_rows) != len(got_rows):
        return "row count %d, expected %d" % (len(got_rows), len(exp_rows))
    for i, (e, g) in enumerate(zip(exp_rows, got_rows)):
        for k, ev in e.items():
            if not same(ev, g.get(k), lossy):
                return "row %d column %s: got %.120r, expected %.120r" % (i, k, g.get(k), ev)
    return None


def main():
    d, wall, sessions = sys.argv[1], float(sys.argv[2]), int(sys.argv[3])
    queries = {}
    for line in open(os.path.join(d, "queries.jsonl")):
        q = json.loads(line)
        q["cols"] = q["cols"] if isinstance(q["cols"], list) else json.loads(q["cols"])
        queries[q["q"]] = q
    by_tag = collections.defaultdict(list)
    kinds = collections.Counter()
    served = 0
    bad_served = 0
    for line in open(os.path.join(d, "served.jsonl")):
        e = json.loads(line)
        by_tag[e["tag"]].append(e)
        kinds[e["kind"]] += 1
        served += 1
        bad_served += e["kind"] != "passthrough"
    results = [json.loads(l) for l in open(os.path.join(d, "results.jsonl"))]
    stats = json.load(open(os.path.join(d, "stats.json")))

    states = collections.Counter()
    classes = collections.Counter()
    by_query = collections.defaultdict(collections.Counter)
    state_by_kind = collections.defaultdict(collections.Counter)
    lossy_count = collections.Counter()
    examples = collections.defaultdict(list)
    messages = collections.defaultdict(collections.Counter)
    problems = []
    for r in results:
        q = queries[r["q"]]
        entries = by_tag.get(r["i"], [])
        ekinds = sorted({e["kind"] for e in entries}) or ["(no request)"]
        mk = "+".join(k for k in ekinds if k != "passthrough") or "passthrough"
        state = r["state"]
        states[state] += 1
        by_query["%d %s %s" % (q["q"], q["mode"], q["tbl"])][state] += 1
        for k in ekinds:
            state_by_kind[k][state if state == "ok" else "error"] += 1
        if state != "ok":
            messages[state][re.sub(r"\d+", "N", (r["message"] or ""))[:90]] += 1
            if state == "XX000":
                problems.append(("internal error", r, entries))
            if state == "57014":
                problems.append(("statement cancelled (a hang?)", r, entries))
            if not entries:
                classes["error-before-any-request"] += 1
                prev = by_tag.get(r["i"] - 1, [])
                examples["error before any request (previous query was served: %s)"
                         % "+".join(sorted({e["kind"] for e in prev}))].append((r["message"], r, prev))
            elif all(e["kind"] == "passthrough" for e in entries):
                classes["error-on-valid-answers"] += 1
                problems.append(("error on valid answers", r, entries))
            else:
                classes["error"] += 1
            continue
        lossy = set()
        try:
            exp_rows, types = expected(q, r["arg"], entries, lossy)
        except Judge as j:
            if j.what == "error":
                classes["ok-but-should-have-failed"] += 1
                why = re.sub(r"[:(].*", "", j.why).strip()
                kinds_here = "+".join(sorted({e["kind"] for e in entries if e["kind"] != "passthrough"}))
                examples["ok-but-should-have-failed: %s [%s]" % (why, kinds_here)].append((j.why, r, entries))
            else:
                classes["ok-unjudged"] += 1
                examples["ok-unjudged"].append((j.why, r, entries))
            continue
        diff = compare(q, exp_rows, types, r["result"] or [], lossy)
        flags = sorted({f for e in entries if "digest" in e for f in e["digest"].get("flags", []) if f != "invalid-utf8"})
        if diff is None:
            if lossy:
                classes["ok-lossy"] += 1
                for l in lossy:
                    lossy_count[l] += 1
                    examples["lossy " + l].append((l, r, entries))
            elif flags:
                classes["ok-lenient-json"] += 1
                for f in flags:
                    examples["lenient " + f].append((f, r, entries))
            else:
                classes["ok-correct"] += 1
        else:
            if lossy:
                classes["ok-lossy-mismatch"] += 1
                for l in lossy:
                    lossy_count[l] += 1
                    examples["lossy " + l].append((diff, r, entries))
            else:
                classes["WRONG"] += 1
                problems.append(("wrong result: " + diff, r, entries))

    n = len(results)
    print("\nstorm: %d queries in %d psql sessions, %.0f s; %d responses served, %d of them bad (%s)"
          % (n, sessions, wall, served, bad_served, "target met" if bad_served >= 10000 else "below 10,000"))
    print("\nbad responses by kind:")
    for k, c in sorted(kinds.items(), key=lambda x: -x[1]):
        print("  %-18s %6d   queries that met it: %s" % (k, c, dict(state_by_kind[k])))
    print("\noutcomes by SQLSTATE:")
    for s, c in states.most_common():
        print("  %-6s %6d" % (s, c))
        for m, mc in messages[s].most_common(4):
            print("           %6d  %s" % (mc, m))
    print("\noutcomes by query:")
    for k in sorted(by_query):
        print("  %-28s %s" % (k, dict(by_query[k].most_common())))
    print("\njudgement:")
    for c, k in classes.most_common():
        print("  %-26s %6d" % (c, k))
    if lossy_count:
        print("  lossy conversions: %s" % dict(lossy_count))

    def show(title, items, limit=3):
        print("\n%s (%d), e.g.:" % (title, len(items)))
        for why, r, entries in items[:limit]:
            print("  query %d (%s): %s" % (r["i"], queries[r["q"]]["sql"][:90], why))
            for e in entries[:4]:
                print("     served %s %s -> %s %s %s" % (e["method"], e["path"], e["status"], e["kind"], e["detail"][:100]))
            if r["result"] is not None:
                print("     result: %.300s" % json.dumps(r["result"]))

    for key in sorted(examples):
        show(key, examples[key], 2 if key == "ok-unjudged" else 3)
    if problems:
        print("\nPROBLEMS:")
        for what, r, entries in problems[:30]:
            print("- %s" % what)
            print("  query %d: %s  [state %s: %s]" % (r["i"], queries[r["q"]]["sql"][:140].replace("$ARG", str(r["arg"])),
                                                     r["state"], (r["message"] or "")[:160]))
            for e in entries[:6]:
                print("     served %s %s %s -> %s %s %s" % (e["method"], e["path"], json.dumps(e["params"])[:80], e["status"],
                                                          e["kind"], e["detail"][:120]))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
