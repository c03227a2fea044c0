#!/usr/bin/env python3
"""A hostile Clio for test/long/storm.sh.

Every API request is forwarded to the Clio sandbox; the sandbox's real
answer is then (with probability --share) replaced by a generated bad
response: random bytes, JSON cut off at a random point of the real page,
values of the wrong type, deep nesting, multi-MB strings, numbers like
1e400, invalid UTF-8, NUL bytes, a `data` that is not an array, a
`meta.paging.next` of the wrong type or on another host, duplicate keys,
broken HTTP framing, lying headers...  Python standard library only.

What was served is appended to --log as one JSON line per response: the
query tag (set by GET /_storm/tag?q=N), the request, the mutation, whether
the body is valid JSON, and a digest of the records it carries (the fields
the request asked for; strings over 1,000 characters as md5 and length),
so that storm_check.py can tell a correct result from a wrong one.

Control (loopback, not logged): GET /_storm/tag?q=N, GET /_storm/stats.
"""
import argparse
import decimal
import gzip
import hashlib
import http.client
import json
import os
import random
import socket
import sys
import threading
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

BIG = 1000  # strings longer than this are digested


# ----------------------------------------------------------------------
# digests of what a body carries
# ----------------------------------------------------------------------
class Bad:
    pass


def digest_value(v, depth=0):
    """A JSON-able form of a parsed value that keeps what the checker needs:
    exact numbers (Decimal as {"$num": text}), long strings as md5+length,
    strings that are not valid Unicode (invalid UTF-8, lone surrogates)
    marked."""
    if isinstance(v, bool) or v is None:
        return v
    if isinstance(v, int):
        return {"$num": str(v)}
    if isinstance(v, decimal.Decimal) and not v.is_finite():
        return {"$other": "nan"}
    if isinstance(v, decimal.Decimal):
        return {"$num": str(v)}
    if isinstance(v, str):
        try:
            b = v.encode("utf-8")
        except UnicodeEncodeError:
            return {"$badutf": True, "len": len(v)}
        if len(v) > BIG:
            return {"$big": hashlib.md5(b).hexdigest(), "len": len(v)}
        return v
    if isinstance(v, (list, dict)) and depth > 40:
        return {"$deep": depth}
    if isinstance(v, list):
        if len(v) > 200:
            return {"$bigjson": len(v)}
        return [digest_value(x, depth + 1) for x in v]
    if isinstance(v, dict):
        if len(v) > 200:
            return {"$bigjson": len(v)}
        return {"$obj": [[k if isinstance(k, str) else str(k), digest_value(x, depth + 1)] for k, x in v.items()]}
    return {"$other": repr(type(v))}


def depth_of(v, limit=64):
    d = 0
    stack = [(v, 1)]
    while stack:
        x, n = stack.pop()
        if n > d:
            d = n
        if d > limit:
            return d
        if isinstance(x, list):
            stack.extend((y, n + 1) for y in x)
        elif isinstance(x, dict):
            stack.extend((y, n + 1) for y in x.values())
    return d


def parse_body(body):
    """(value, flags) with Python's reading of a body; value is Bad when it
    is not JSON even leniently.  flags: 'lenient' reasons."""
    flags = []
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        text = body.decode("utf-8", "surrogateescape")
        flags.append("invalid-utf8")
    if text.startswith("\ufeff"):
        # RFC 8259: a parser MAY ignore a byte order mark
        flags.append("bom")
        text = text[1:]
    dec = json.JSONDecoder(parse_float=decimal.Decimal, parse_int=decimal.Decimal,
                           parse_constant=lambda c: (_ for _ in ()).throw(ValueError(c)),
                           strict=False)
    try:
        value, end = dec.raw_decode(text.lstrip(" \t\r\n"))
    except (ValueError, RecursionError):
        return Bad, flags
    rest = text.lstrip(" \t\r\n")[end:]
    if rest.strip(" \t\r\n"):
        flags.append("trailing")
    try:
        json.JSONDecoder(strict=True, parse_float=decimal.Decimal).raw_decode(text.lstrip(" \t\r\n"))
    except (ValueError, RecursionError):
        flags.append("control-chars")
    if "\x00" in text:
        flags.append("nul")
    return value, flags


def top_fields(fields_param):
    """Top-level names of Clio's fields parameter (id,client{id,name})."""
    out, depth, cur = [], 0, ""
    for ch in fields_param or "":
        if ch == "{":
            depth += 1
        elif ch == "}":
            depth -= 1
        elif ch == "," and depth == 0:
            out.append(cur)
            cur = ""
            continue
        if depth == 0 and ch not in "{}":
            cur += ch
    if cur:
        out.append(cur)
    return out


def digest_body(body, fields):
    value, flags = parse_body(body)
    d = {"flags": flags}
    if value is Bad:
        d["json"] = False
        return d
    d["json"] = True
    if not isinstance(value, dict):
        d["shape"] = "not-object"
        return d
    if "meta" in value and isinstance(value["meta"], dict):
        paging = value["meta"].get("paging")
        if isinstance(paging, dict) and "next" in paging:
            d["next"] = digest_value(paging["next"])
    data = value.get("data", Bad)
    if data is Bad:
        d["shape"] = "no-data"
        return d

    def rec(r):
        if fields:
            return {"$obj": [[k, digest_value(v)] for k, v in r.items() if k in fields]}
        return digest_value(r)

    if isinstance(data, list):
        if all(isinstance(r, dict) for r in data):
            d["shape"] = "list"
            d["records"] = [rec(r) for r in data]
        else:
            d["shape"] = "list-bad-element"
    elif isinstance(data, dict):
        d["shape"] = "record"
        d["records"] = [rec(data)]
    else:
        d["shape"] = "data-" + type(data).__name__
    return d


# ----------------------------------------------------------------------
# mutations
# ----------------------------------------------------------------------
def enc(v):
    return json.dumps(v, ensure_ascii=False, separators=(",", ":")).encode()


WRONG_VALUES = [
    "12", " 42 ", "-7", "abc", "", "1.5", "true", "2026-13-45", "2026-02-30", "tomorrow",
    "{a,b}", "{\"x\"}", "null", "\u00e9\u4e2d\U0001F600", "0x1F", "1e3", "NaN", "Infinity",
    "9223372036854775808", "-9223372036854775809", "2026-07-01T17:03:11-04:00",
    {"a": 1}, {}, {"id": "x"}, [1, 2], [], [[]], ["a", None, "b\"c"], [{"a": 1}],
    0, -1, 1.5, 2 ** 31, 2 ** 63, -(2 ** 63) - 1, 9007199254740993, 12345678901234567890123,
    True, False, None,
]
RAW_NUMBERS = [
    "1e400", "-1e400", "1e-400", "123456789012345678901234567890", "9007199254740993",
    "-0", "1E+2", "0.1e1", "1.7976931348623157e308", "4.9e-324", "2e308", "-2e308",
    "0.30000000000000004", "100000000000000000000000000000000000000000000000000",
    # not JSON (cJSON may still accept some)
    "0012", "+1", ".5", "1.", "NaN", "Infinity", "-Infinity", "0x10", "1e", "--1", "1.2.3",
]
INVALID_UTF8 = [b"\xff", b"\xfe\xff", b"\xc0\xaf", b"\xed\xa0\x80", b"\xe2\x82", b"\xf4\x90\x80\x80",
                b"\x80", b"caf\xe9", b"\xf0\x9f\x98"]
BAD_NEXT = [
    5, 1.5, True, {}, {"url": "x"}, [], ["https://app.clio.com/api/v4/matters.json?page_token=x"], "",
    "not a url", "https://evil.example.com/api/v4/matters.json?page_token=stolen",
    "http://127.0.0.1:9/api/v4/matters.json?page_token=x", "https://app.clio.com/api/v4/matters.json",
    "https://app.clio.com/api/v4/matters.json?page_token=", "https://app.clio.com/api/v4/matters.json?page_token=%00",
    "https://app.clio.com/api/v4/matters.json?offset=-5", "https://app.clio.com/api/v4/matters.json?offset=99999999999999999999",
    "https://app.clio.com/api/v4/matters.json?page_token=a&page_token=b", "https://user:pw@evil.example.com/x?page_token=1",
    "//evil.example.com/?page_token=1", "javascript:alert(1)", "https://app.clio.com/" + "a" * 100000,
    "https://app.clio.com/api/v4/matters.json?page_token=" + "%41" * 5000, "\u0000",
]


class Mutator:
    def __init__(self, seed, share, big_share):
        self.rng = random.Random(seed)
        self.share = share
        self.big_share = big_share
        kinds = [
            ("random_bytes", 6), ("truncate", 10), ("truncate_garbage", 4), ("wrong_type", 16),
            ("deep_nesting", 5), ("huge_string", 0), ("huge_number", 8), ("invalid_utf8", 6),
            ("nul", 5), ("data_not_array", 6), ("bad_next", 8), ("duplicate_keys", 5),
            ("unicode_escapes", 4), ("control_chars", 2), ("trailing_garbage", 3), ("bom", 1),
            ("missing_id", 3), ("many_records", 1), ("many_keys", 1), ("bad_meta", 2),
            ("http_framing", 4), ("bad_headers", 4), ("error_status", 4), ("empty", 2),
        ]
        self.kinds = [k for k, _ in kinds]
        self.weights = [w for _, w in kinds]

    # helpers ------------------------------------------------------------
    def pick_record_field(self, doc, fields):
        data = doc.get("data") if isinstance(doc, dict) else None
        recs = data if isinstance(data, list) else ([data] if isinstance(data, dict) else [])
        recs = [r for r in recs if isinstance(r, dict)]
        if not recs:
            return None, None
        r = self.rng.choice(recs)
        keys = [k for k in r if (not fields or k in fields)] or list(r)
        if not keys:
            return r, None
        return r, self.rng.choice(keys)

    def nested(self, depth, obj=False):
        if obj:
            return ('{"a":' * depth + "1" + "}" * depth).encode()
        return ("[" * depth + "1" + "]" * depth).encode()

    def mutate(self, req, status, headers, body):
        """-> (kind, detail, status, headers(list), body bytes, framing)"""
        if status >= 300 or self.rng.random() >= self.share:
            return "passthrough", "", status, headers, body, None
        kind = self.rng.choices(self.kinds, self.weights)[0]
        if self.rng.random() < self.big_share:
            kind = "huge_string"
        fields = top_fields(req["params"].get("fields", [""])[0])
        try:
            doc = json.loads(body)
        except ValueError:
            doc = None
        r = self.rng
        detail = ""
        hdrs = [h for h in headers if h[0].lower() in ("content-type", "x-api-version", "etag")]
        framing = None

        def with_value(value_bytes, what):
            """the real body with one requested field of one record replaced
            by raw JSON text value_bytes"""
            nonlocal detail
            rec, key = self.pick_record_field(doc, fields)
            if rec is None or key is None:
                detail = "no record; whole body " + what
                return value_bytes
            marker = "\u2603MARK%d\u2603" % r.randrange(10 ** 9)
            rec[key] = marker
            detail = "%s = %s" % (key, what)
            return enc(doc).replace(enc(marker), value_bytes, 1)

        if kind == "random_bytes":
            n = r.choice([1, 2, 7, 64, 512, 4096, 65536])
            body = bytes(r.getrandbits(8) for _ in range(n))
            detail = "%d bytes" % n
        elif kind == "truncate":
            cut = r.randrange(0, max(1, len(body)))
            detail = "at %d of %d" % (cut, len(body))
            body = body[:cut]
        elif kind == "truncate_garbage":
            cut = r.randrange(0, max(1, len(body)))
            tail = r.choice([b"}", b"]}", b"\"}", b"\x00", b"null", b"}]}}", bytes(r.getrandbits(8) for _ in range(16))])
            detail = "at %d + %r" % (cut, tail)
            body = body[:cut] + tail
        elif kind == "wrong_type":
            v = r.choice(WRONG_VALUES)
            body = with_value(enc(v), "%r" % (v,))
        elif kind == "deep_nesting":
            depth = r.choice([100, 500, 999, 1000, 1001, 2000, 5000, 100000])
            as_obj = r.random() < 0.5
            where = r.choice(["field", "body", "data", "next"])
            if where == "body" or doc is None:
                body = self.nested(depth, as_obj)
            elif where == "data":
                body = b'{"data":' + self.nested(depth, as_obj) + b"}"
            elif where == "next":
                body = b'{"data":[],"meta":{"paging":{"next":' + self.nested(depth, as_obj) + b"}}}"
            else:
                body = with_value(self.nested(depth, as_obj), "nested")
            detail = "%s depth %d %s" % (where, depth, "objects" if as_obj else "arrays")
        elif kind == "huge_string":
            mb = r.choice([1, 2, 4, 8])
            ch = r.choice(["x", "\u00e9", "\u4e2d", "\\u00e9", "\\\"", "\\ud83d\\ude00"])
            n = mb * 1024 * 1024 // max(1, len(ch.encode()))
            body = with_value(b'"' + (ch * n).encode() + b'"', "%d MB string of %r" % (mb, ch))
        elif kind == "huge_number":
            t = r.choice(RAW_NUMBERS)
            body = with_value(t.encode(), t)
        elif kind == "invalid_utf8":
            bad = r.choice(INVALID_UTF8)
            body = with_value(b'"ab' + bad + b'cd"', "string with %r" % bad)
        elif kind == "nul":
            how = r.choice(["escape", "raw-in-string", "raw-outside", "key"])
            if how == "escape":
                body = with_value(b'"ab\\u0000cd"', "\"ab\\u0000cd\"")
            elif how == "raw-in-string":
                body = with_value(b'"ab\x00cd"', "raw NUL in a string")
            elif how == "key":
                body = with_value(b'{"a\\u0000b":1}', "object with a NUL in a key")
            else:
                cut = r.randrange(0, max(1, len(body)))
                body = body[:cut] + b"\x00" + body[cut:]
                detail = "raw NUL at %d" % cut
        elif kind == "data_not_array":
            v = r.choice(['{}', '{"id":1}', '"x"', '1', 'null', 'true', '[1,2]', '[[{"id":1}]]',
                          '[null]', '["a"]', '[{"id":1},2]', 'MISSING'])
            if isinstance(doc, dict):
                if v == "MISSING":
                    doc.pop("data", None)
                    body = enc(doc)
                else:
                    doc["data"] = "\u2603D\u2603"
                    body = enc(doc).replace(enc("\u2603D\u2603"), v.encode(), 1)
            else:
                body = b'{"data":' + (b"null" if v == "MISSING" else v.encode()) + b"}"
            detail = "data = " + v
        elif kind == "bad_next":
            v = r.choice(BAD_NEXT + ["SAME"])
            if not isinstance(doc, dict):
                doc = {"data": []}
            if v == "SAME":
                tok = req["params"].get("page_token", [None])[0]
                v = "https://app.clio.com%s?page_token=%s" % (req["path"], urllib.parse.quote(tok or "x"))
                detail = "next = the same page"
            else:
                detail = "next = %r" % (v if not isinstance(v, str) or len(v) < 80 else v[:60] + "...",)
            doc.setdefault("meta", {})
            if not isinstance(doc["meta"], dict):
                doc["meta"] = {}
            doc["meta"]["paging"] = {"next": v}
            body = enc(doc)
        elif kind == "duplicate_keys":
            how = r.choice(["data-first-empty", "data-last-empty", "field"])
            if how == "data-first-empty" and body.startswith(b"{"):
                body = b'{"data":[],' + body[1:]
            elif how == "data-last-empty" and body.endswith(b"}"):
                body = body[:-1] + b',"data":[]}'
            else:
                rec, key = self.pick_record_field(doc, fields)
                if rec is not None and key is not None:
                    marker = "\u2603DUP\u2603"
                    rec[key] = marker
                    other = r.choice(WRONG_VALUES)
                    body = enc(doc).replace(enc(marker), b'"first"' + b',' + enc(key) + b':' + enc(other), 1)
                    how = "%s: \"first\" then %r" % (key, other)
            detail = how
        elif kind == "unicode_escapes":
            how = r.choice(["ascii-escaped", "lone-high", "lone-low", "pair", "overlong-escape"])
            if how == "ascii-escaped" and doc is not None:
                body = json.dumps(doc, ensure_ascii=True).encode().replace(b"a", b"\\u0061")
            else:
                v = {"lone-high": b'"x\\ud800y"', "lone-low": b'"x\\udc00y"', "pair": b'"x\\ud83d\\ude00y"',
                     "overlong-escape": b'"x\\u00zzy"', "ascii-escaped": b'"\\u0061"'}[how]
                body = with_value(v, how)
            detail = detail or how
        elif kind == "control_chars":
            c = r.choice([b"\x01", b"\t", b"\n", b"\x1f", b"\x7f"])
            body = with_value(b'"a' + c + b'b"', "string with raw %r" % c)
        elif kind == "trailing_garbage":
            tail = r.choice([b"garbage", b"{}", b"]", b"\x00\x01", b", 1", b"\n\n{\"data\":[]}"])
            body = body + tail
            detail = "+ %r" % tail
        elif kind == "bom":
            body = b"\xef\xbb\xbf" + body
        elif kind == "missing_id":
            data = doc.get("data") if isinstance(doc, dict) else None
            recs = data if isinstance(data, list) else ([data] if isinstance(data, dict) else [])
            how = r.choice(["drop", "null", "string", "object", "float", "negative", "zero", "dup"])
            for rec in recs[:3]:
                if isinstance(rec, dict):
                    if how == "drop":
                        rec.pop("id", None)
                    elif how == "dup" and len(recs) > 1 and isinstance(recs[0], dict):
                        rec["id"] = recs[0].get("id")
                    else:
                        rec["id"] = {"null": None, "string": "x%s" % rec.get("id"), "object": {"id": 1},
                                     "float": 1.5, "negative": -1, "zero": 0, "dup": rec.get("id")}[how]
            body = enc(doc) if doc is not None else body
            detail = "id " + how
        elif kind == "many_records":
            n = r.choice([1000, 20000, 100000])
            rec = '{"id":%d}'
            body = ('{"data":[' + ",".join(rec % (i + 1) for i in range(n)) + ']}').encode()
            detail = "%d records" % n
        elif kind == "many_keys":
            n = r.choice([1000, 50000])
            rec, key = self.pick_record_field(doc, fields)
            if rec is not None:
                for i in range(n):
                    rec["k%d" % i] = i
                body = enc(doc)
            detail = "%d extra keys" % n
        elif kind == "bad_meta":
            v = r.choice(['{"records":-1}', '{"records":"x"}', '{"records":1e400}', '{"paging":[]}',
                          '[]', '"x"', '{"paging":{"next":null,"previous":5}}', '{"records":99999999999999999999}'])
            if isinstance(doc, dict):
                doc["meta"] = "\u2603M\u2603"
                body = enc(doc).replace(enc("\u2603M\u2603"), v.encode(), 1)
            detail = "meta = " + v
        elif kind == "http_framing":
            framing = r.choice(["short-length", "no-length-close", "bad-chunked", "gzip-lie", "gzip-bomb",
                                "gzip-truncated", "huge-length"])
            detail = framing
        elif kind == "bad_headers":
            how = r.choice(["content-type-html", "no-content-type", "ratelimit-garbage", "ratelimit-zero-soon",
                            "long-header", "etag-garbage", "many-headers"])
            if how == "content-type-html":
                hdrs = [h for h in hdrs if h[0].lower() != "content-type"] + [("Content-Type", "text/html")]
            elif how == "no-content-type":
                hdrs = [h for h in hdrs if h[0].lower() != "content-type"]
            elif how == "ratelimit-garbage":
                hdrs += [("X-RateLimit-Limit", "abc"), ("X-RateLimit-Remaining", "-5"),
                         ("X-RateLimit-Reset", "99999999999999999999999")]
            elif how == "ratelimit-zero-soon":
                import time
                hdrs += [("X-RateLimit-Limit", "50"), ("X-RateLimit-Remaining", "0"),
                         ("X-RateLimit-Reset", str(int(time.time()) + 1))]
            elif how == "long-header":
                hdrs += [("X-Long", "a" * 60000)]
            elif how == "etag-garbage":
                hdrs = [h for h in hdrs if h[0].lower() != "etag"] + [("ETag", "\x01\x02")]
            else:
                hdrs += [("X-H%d" % i, "v") for i in range(500)]
            detail = how
        elif kind == "error_status":
            st = r.choice([500, 502, 503, 429, 400, 404, 422, 418, 301, 204, 304])
            eb = r.choice([b"", b"<html>oops</html>", b'{"error":', b'{"error":{"type":1,"message":{"a":[]}}}',
                           b'{"error":{"message":"' + b"m" * 100000 + b'"}}', bytes(range(256)),
                           b'{"error":{"type":"X","message":"bad \xff utf8 \x00 nul"}}'])
            status = st
            hdrs = [("Content-Type", "application/json")]
            if st == 429:
                hdrs.append(("Retry-After", r.choice(["abc", "-1", "0", "99999999999", "Wed, 21 Oct 2015 07:28:00 GMT", "1.5", ""])))
            if st == 301:
                hdrs.append(("Location", "https://evil.example.com/steal"))
            body = eb if st not in (204, 304) else b""
            detail = "%d with %r" % (st, eb[:40])
        elif kind == "empty":
            body = b""
        return kind, detail, status, hdrs, body, framing


# ----------------------------------------------------------------------
# the server
# ----------------------------------------------------------------------
class State:
    def __init__(self, args):
        self.args = args
        self.lock = threading.Lock()
        self.tag = 0
        self.seq = 0
        self.counts = {}
        self.mutated = 0
        self.log = open(args.log, "a", buffering=1)
        self.mut = Mutator(args.seed, args.share, args.big_share)
        up = urllib.parse.urlsplit(args.sandbox)
        self.up_host, self.up_port = up.hostname, up.port
        self.local = threading.local()

    def upstream(self):
        c = getattr(self.local, "conn", None)
        if c is None:
            c = self.local.conn = http.client.HTTPConnection(self.up_host, self.up_port, timeout=60)
        return c

    def forward(self, method, path, headers, body):
        for attempt in (1, 2):
            c = self.upstream()
            try:
                c.request(method, path, body=body, headers=headers)
                resp = c.getresponse()
                data = resp.read()
                return resp.status, resp.getheaders(), data
            except (http.client.HTTPException, OSError):
                c.close()
                self.local.conn = None
                if attempt == 2:
                    raise


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "storm"

    def log_message(self, *a):
        pass

    def do_GET(self):
        self.handle_any("GET")

    def do_POST(self):
        self.handle_any("POST")

    def do_PATCH(self):
        self.handle_any("PATCH")

    def do_DELETE(self):
        self.handle_any("DELETE")

    def do_PUT(self):
        self.handle_any("PUT")

    def send_raw(self, status, headers, body, framing=None):
        st = self.server.state
        reason = {200: "OK", 201: "Created"}.get(status, "X")
        head = ["HTTP/1.1 %d %s" % (status, reason)]
        names = {h[0].lower() for h in headers}
        close = False
        if framing is None:
            head += ["%s: %s" % h for h in headers]
            if status not in (204, 304):
                head.append("Content-Length: %d" % len(body))
        elif framing == "short-length":
            head += ["%s: %s" % h for h in headers] + ["Content-Length: %d" % (len(body) + 100)]
            close = True
        elif framing == "huge-length":
            head += ["%s: %s" % h for h in headers] + ["Content-Length: 99999999999999999999"]
            close = True
        elif framing == "no-length-close":
            head += ["%s: %s" % h for h in headers] + ["Connection: close"]
            close = True
        elif framing == "bad-chunked":
            head += ["%s: %s" % h for h in headers] + ["Transfer-Encoding: chunked"]
            body = b"zz\r\n" + body[:10] + b"\r\n0\r\n\r\n"
            close = True
        elif framing in ("gzip-lie", "gzip-bomb", "gzip-truncated"):
            if framing == "gzip-bomb":
                body = gzip.compress(b'{"data":[{"id":1,"x":"' + b"a" * (150 * 1024 * 1024) + b'"}]}', 1)
            elif framing == "gzip-truncated":
                z = gzip.compress(body)
                body = z[: max(1, len(z) // 2)]
            head += ["%s: %s" % h for h in headers] + ["Content-Encoding: gzip", "Content-Length: %d" % len(body)]
        if "content-type" not in names and framing is None and status not in (204, 304):
            pass
        data = ("\r\n".join(head) + "\r\n\r\n").encode("latin-1") + body
        try:
            self.wfile.write(data)
            self.wfile.flush()
        except OSError:
            pass
        if close:
            self.close_connection = True
            try:
                self.connection.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass

    def handle_any(self, method):
        st = self.server.state
        u = urllib.parse.urlsplit(self.path)
        length = int(self.headers.get("Content-Length") or 0)
        reqbody = self.rfile.read(length) if length else None
        if u.path.startswith("/_storm/"):
            q = urllib.parse.parse_qs(u.query)
            if u.path == "/_storm/tag":
                with st.lock:
                    st.tag = int(q["q"][0])
                out = b"{}"
            else:
                with st.lock:
                    out = enc({"seq": st.seq, "mutated": st.mutated, "kinds": st.counts})
            self.send_raw(200, [("Content-Type", "application/json")], out)
            return
        params = urllib.parse.parse_qs(u.query, keep_blank_values=True)
        fwd_headers = {k: v for k, v in self.headers.items()
                       if k.lower() in ("authorization", "x-api-version", "content-type", "if-match",
                                        "maton-connection", "accept")}
        try:
            status, headers, body = st.forward(method, self.path, fwd_headers, reqbody)
        except Exception as e:  # the sandbox failed: a 502
            status, headers, body = 502, [("Content-Type", "text/plain")], str(e).encode()
        req = {"method": method, "path": u.path, "params": params}
        with st.lock:
            st.seq += 1
            seq, tag = st.seq, st.tag
            kind, detail, status, headers, body, framing = st.mut.mutate(req, status, headers, body)
            st.counts[kind] = st.counts.get(kind, 0) + 1
            if kind != "passthrough":
                st.mutated += 1
        fields = top_fields(params.get("fields", [""])[0])
        entry = {"seq": seq, "tag": tag, "method": method, "path": u.path,
                 "params": {k: v for k, v in params.items() if k != "fields"},
                 "host": self.headers.get("Host"), "auth": (self.headers.get("Authorization") or "")[:7],
                 "kind": kind, "detail": detail[:200], "status": status, "framing": framing,
                 "bytes": len(body)}
        if 200 <= status < 300:
            entry["digest"] = digest_body(body, fields)
        st.log.write(json.dumps(entry) + "\n")
        self.send_raw(status, headers, body, framing)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--sandbox", required=True)
    ap.add_argument("--port-file", required=True)
    ap.add_argument("--log", required=True)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--share", type=float, default=0.7)
    ap.add_argument("--big-share", type=float, default=0.01)
    args = ap.parse_args()
    sys.setrecursionlimit(10000)
    srv = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    srv.daemon_threads = True
    srv.state = State(args)
    with open(args.port_file + ".tmp", "w") as f:
        f.write("%d\n" % srv.server_address[1])
    os.rename(args.port_file + ".tmp", args.port_file)
    srv.serve_forever()


if __name__ == "__main__":
    main()
