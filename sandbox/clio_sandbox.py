#!/usr/bin/env python3
"""Clio sandbox: a Clio Manage API v4 look-alike for clio_fdw's tests and benchmarks.

Serves every collection of catalog/clio_catalog.json at /api/v4/<collection>
(and at /clio/api/v4/... as the Maton gateway does), with Clio's envelope,
`fields` language, cursor and offset paging, filters, ETags, rate limits,
X-API-VERSION handling and error bodies, over deterministic sample data of a
small law firm.  It also plays the Maton control API (/connections), Clio's
OAuth token endpoint (/oauth/token) and the file storage that document
downloads redirect to (a second listener).  Tests drive it through an admin
API under /_sandbox/ (request log, fault injection, config, reset, raw
records, concurrent mutations).

Python 3 standard library only.  See sandbox/README.md.

    python3 sandbox/clio_sandbox.py --port 0 --port-file /tmp/clio.port
"""

import argparse
import calendar
import collections
import gc
import gzip
import hashlib
import hmac
import http.server
import json
import math
import os
import re
import secrets
import select
import signal
import socket
import sys
import threading
import time
import traceback
import urllib.parse
import uuid

HERE = os.path.dirname(os.path.abspath(__file__))
if HERE not in sys.path:
    sys.path.insert(0, HERE)

from sbx_catalog import Catalog, compile_fields, full_plan  # noqa: E402
from sbx_dataset import Dataset  # noqa: E402
from sbx_util import (
    ApiError,
    bad_request,
    http_date,
    not_found,  # noqa: E402
    parse_http_date,
    parse_ts,
)
from sbx_writes import Writer  # noqa: E402

CLIO_HOST = "https://app.clio.com"
UNLIMITED = 100000
SECOND_FIRM_SCALE = 0.1

# Seeded Maton connections: (id, status, creation time, firm served)
SEED_CONNECTIONS = [
    ("21fd90f9-5935-43cd-b6c8-bde9d915ca80", "ACTIVE", "2025-12-08T07:20:53.488460Z", 0),
    ("6a3e1c44-8f0b-4b7e-9d52-0c1e2f3a4b5c", "ACTIVE", "2026-02-14T16:05:11.120934Z", 1),
    ("9b7d2e10-3c4f-4a8b-b1e6-7f8a9b0c1d2e", "PENDING", "2026-10-01T09:00:00.000000Z", None),
    ("c0ffee00-1234-4abc-8def-0123456789ab", "FAILED", "2026-06-30T12:30:00.000000Z", None),
]
OAUTH_CLIENT_ID = "sandbox-client-id"
OAUTH_CLIENT_SECRET = "sandbox-client-secret"
OAUTH_REFRESH_TOKEN = "sandbox-refresh-token"
OAUTH_AUTH_CODE = "sandbox-auth-code"
DEFAULT_TOKEN_LIFETIME = 30 * 86400

JSON_TYPE = "application/json; charset=utf-8"
MAX_REQUEST_LINE = 8192
MAX_FIRED = 10000  # fired-fault records kept for GET /_sandbox/faults


def dumps(obj):
    """JSON as Rails writes it: UTF-8, with <, > and & escaped."""
    s = json.dumps(obj, separators=(",", ":"), ensure_ascii=False)
    if "&" in s or "<" in s or ">" in s:
        s = s.replace("&", "\\u0026").replace("<", "\\u003c").replace(">", "\\u003e")
    return s.encode("utf-8")


def error_body(etype, message):
    return dumps({"error": {"type": etype, "message": message}})


class Response:
    __slots__ = ("status", "body", "headers", "ctype")

    def __init__(self, status, body=b"", headers=None, ctype=JSON_TYPE):
        self.status = status
        self.body = body
        self.headers = headers or {}
        self.ctype = ctype


def api_error(err):
    return Response(err.status, error_body(err.etype, err.message), dict(err.headers))


# ------------------------------------------------------------ request log


class RequestLog:
    def __init__(self, max_entries, path=None):
        self.entries = collections.deque(maxlen=max_entries)
        self.seq = 0
        self.lock = threading.Lock()
        self.file = open(path, "a", encoding="utf-8") if path else None

    def add(self, entry):
        with self.lock:
            self.seq += 1
            entry["seq"] = self.seq
            self.entries.append(entry)
            if self.file:
                self.file.write(json.dumps(entry, ensure_ascii=False) + "\n")
                self.file.flush()

    def since(self, seq):
        with self.lock:
            return [e for e in self.entries if e["seq"] > seq]

    def clear(self):
        with self.lock:
            self.entries.clear()


# ------------------------------------------------------------ faults

FAULT_ACTIONS = (
    "429",
    "500",
    "502",
    "503",
    "drop",
    "slow",
    "truncate",
    "malformed",
    "stall",
    "mutate",
)


class Faults:
    def __init__(self):
        self.lock = threading.Lock()
        self.clear()

    def clear(self):
        with self.lock:
            self.rules = []
            self.fired = []
            self.next_id = 1

    def add(self, rules):
        added = []
        with self.lock:
            for r in rules:
                if (
                    not isinstance(r, dict)
                    or "path" not in r
                    or r.get("action") not in FAULT_ACTIONS
                ):
                    raise bad_request(
                        "each rule needs a path and an action in %s" % ", ".join(FAULT_ACTIONS)
                    )
                try:
                    regex = re.compile(r["path"])
                except re.error as e:
                    raise bad_request("bad path regex %r: %s" % (r["path"], e))
                if r["action"] == "mutate" and not isinstance(r.get("mutate"), dict):
                    raise bad_request("a mutate rule needs a mutate object")
                rule = dict(r)
                rule["id"] = self.next_id
                rule.setdefault("nth", 1)
                rule.setdefault("count", 1)
                rule["matched"] = 0
                rule["fired"] = 0
                rule["_re"] = regex
                self.next_id += 1
                self.rules.append(rule)
                added.append(rule)
        return [self.public(r) for r in added]

    @staticmethod
    def public(rule):
        return {k: v for k, v in rule.items() if not k.startswith("_")}

    def match(self, method, path):
        with self.lock:
            for rule in self.rules:
                if rule.get("method") and rule["method"].upper() != method:
                    continue
                if not rule["_re"].search(path):
                    continue
                rule["matched"] += 1
                k = rule["matched"]
                nth, count = int(rule["nth"]), int(rule["count"])
                if k < nth or (count > 0 and k >= nth + count):
                    continue
                rule["fired"] += 1
                if len(self.fired) >= MAX_FIRED:
                    del self.fired[: MAX_FIRED // 2]
                self.fired.append(
                    {
                        "rule": rule["id"],
                        "action": rule["action"],
                        "method": method,
                        "path": path,
                        "time": time.time(),
                    }
                )
                return rule
        return None

    def state(self):
        with self.lock:
            return {"rules": [self.public(r) for r in self.rules], "fired": list(self.fired)}


# ------------------------------------------------------------ rate limits


class RateLimiter:
    def __init__(self):
        self.lock = threading.Lock()
        self.windows = {}

    def reset(self):
        with self.lock:
            self.windows = {}

    def hit(self, key, limit, window):
        """Count a request; returns (headers, retry_after or None)."""
        now = time.time()
        with self.lock:
            w = self.windows.get(key)
            if w is None or now >= w[0] + window:
                w = [now, 0]
                self.windows[key] = w
            w[1] += 1
            end = w[0] + window
            eff = limit if limit > 0 else UNLIMITED
            headers = {
                "X-RateLimit-Limit": str(eff),
                "X-RateLimit-Remaining": str(max(0, eff - w[1])),
                "X-RateLimit-Reset": str(int(math.ceil(end))),
            }
            if limit > 0 and w[1] > limit:
                return headers, max(1, int(math.ceil(end - now)))
            return headers, None


# ------------------------------------------------------------ file storage


class Storage:
    """Signed URLs on the storage listener (an S3 look-alike)."""

    def __init__(self, server):
        self.server = server
        self.key = secrets.token_bytes(32)

    def base(self):
        return "http://%s:%d" % (self.server.public_host, self.server.storage_port)

    def sign(self, method, path, expires):
        msg = "%s\n%s\n%d" % (method, path, expires)
        return hmac.new(self.key, msg.encode(), hashlib.sha256).hexdigest()

    def url(self, method, path):
        ttl = int(self.server.config["url_ttl"])
        now = int(time.time())
        expires = now + ttl
        q = urllib.parse.urlencode(
            [
                ("X-Amz-Algorithm", "AWS4-HMAC-SHA256"),
                ("X-Amz-Date", time.strftime("%Y%m%dT%H%M%SZ", time.gmtime(now))),
                ("X-Amz-Expires", str(ttl)),
                ("X-Amz-SignedHeaders", "host"),
                ("X-Amz-Signature", self.sign(method, path, expires)),
            ]
        )
        return "%s%s?%s" % (self.base(), path, q)

    def check(self, method, path, params):
        try:
            start = calendar.timegm(time.strptime(params["X-Amz-Date"][-1], "%Y%m%dT%H%M%SZ"))
            ttl = int(params["X-Amz-Expires"][-1])
            sig = params["X-Amz-Signature"][-1]
        except (KeyError, ValueError, IndexError):
            return "AccessDenied", "Query-string authentication requires the X-Amz parameters"
        expires = int(start) + ttl
        if not hmac.compare_digest(sig, self.sign(method, path, expires)):
            return (
                "SignatureDoesNotMatch",
                "The request signature we calculated does not match the signature you provided.",
            )
        if time.time() > expires:
            return "AccessDenied", "Request has expired"
        return None


class FirmStorage:
    """What a Dataset needs to make upload URLs (bound to one firm)."""

    def __init__(self, storage, firm):
        self.storage = storage
        self.firm = firm

    def put_url(self, uid):
        return self.storage.url("PUT", "/uploads/%d/%s" % (self.firm, uid))

    def put_headers(self, ctype):
        return [
            {"name": "Content-Type", "value": ctype},
            {"name": "x-amz-server-side-encryption", "value": "AES256"},
        ]


def s3_error(status, code, message):
    body = (
        '<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>%s</Code><Message>%s</Message>'
        "<RequestId>%s</RequestId></Error>" % (code, message, uuid.uuid4().hex[:16].upper())
    )
    return Response(status, body.encode(), ctype="application/xml")


# ------------------------------------------------------------ the sandbox


class Sandbox:
    def __init__(self, args):
        self.args = args
        self.catalog = Catalog()
        self.datasets = [
            Dataset(self.catalog, args.seed, args.scale, 0),
            Dataset(self.catalog, args.seed, SECOND_FIRM_SCALE, 1),
        ]
        self.writers = [Writer(ds) for ds in self.datasets]
        self.api_keys = list(args.api_key or ["sandbox-key"])
        self.initial_config = {
            "latency_ms": args.latency_ms,
            "rate_limit": args.rate_limit,
            "rate_window": args.rate_window,
            "token_lifetime": args.token_lifetime,
            "url_ttl": 300,
        }
        self.config = dict(self.initial_config)
        self.log = RequestLog(args.log_max, args.log_file)
        self.faults = Faults()
        self.rates = RateLimiter()
        self.lock = threading.Lock()
        self.public_host = "127.0.0.1" if args.host in ("0.0.0.0", "", "::") else args.host
        self.port = 0
        self.storage_port = 0
        self.storage = Storage(self)
        for ds in self.datasets:
            ds.storage = FirmStorage(self.storage, ds.firm)
        self.reset_auth()

    def reset_auth(self):
        with self.lock:
            self.connections = collections.OrderedDict()
            for cid, status, created, firm in SEED_CONNECTIONS:
                self.connections[cid] = {
                    "connection_id": cid,
                    "status": status,
                    "creation_time": created,
                    "last_updated_time": created,
                    "url": "https://connect.maton.ai/?session_token=%s"
                    % hashlib.sha256(cid.encode()).hexdigest()[:32],
                    "app": "clio",
                    "metadata": {},
                    "_firm": firm,
                }
            self.tokens = {}

    def reset(self):
        for ds in self.datasets:
            ds.reset()
        self.log.clear()
        self.faults.clear()
        self.rates.reset()
        self.config = dict(self.initial_config)
        self.reset_auth()

    # -------------------------------------------------------- auth
    def bearer(self, headers):
        h = headers.get("authorization")
        if not h:
            return None
        parts = h.split(None, 1)
        if len(parts) != 2 or parts[0].lower() != "bearer":
            return None
        return parts[1].strip()

    def check_clio_token(self, token):
        """None if valid, else an ApiError (401)."""
        if token is None:
            return ApiError(
                401,
                "Unauthorized",
                "An access token is required",
                {"WWW-Authenticate": 'Bearer realm="Clio"'},
            )
        if token in self.api_keys:
            return None
        t = self.tokens.get(token)
        if t is None or t.get("revoked"):
            return ApiError(
                401,
                "Unauthorized",
                "The access token is invalid",
                {
                    "WWW-Authenticate": 'Bearer realm="Clio", error="invalid_token", '
                    'error_description="The access token is invalid"'
                },
            )
        if t["expires"] <= time.time():
            return ApiError(
                401,
                "Unauthorized",
                "The access token expired",
                {
                    "WWW-Authenticate": 'Bearer realm="Clio", error="invalid_token", '
                    'error_description="The access token expired"'
                },
            )
        return None


# ------------------------------------------------------------ HTTP handling


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "ClioSandbox/1.0"
    listener = "api"

    def log_message(self, fmt, *args):
        pass

    def setup(self):
        http.server.BaseHTTPRequestHandler.setup(self)
        try:
            self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        except OSError:
            pass

    def do_GET(self):
        self.dispatch("GET")

    def do_POST(self):
        self.dispatch("POST")

    def do_PATCH(self):
        self.dispatch("PATCH")

    def do_PUT(self):
        self.dispatch("PUT")

    def do_DELETE(self):
        self.dispatch("DELETE")

    def do_HEAD(self):
        self.dispatch("HEAD")

    # -------------------------------------------------------- plumbing
    def read_body(self):
        te = self.headers.get("Transfer-Encoding", "")
        if "chunked" in te.lower():
            chunks = []
            while True:
                line = self.rfile.readline()
                size = int(line.split(b";")[0].strip() or b"0", 16)
                if size == 0:
                    while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                        pass
                    break
                chunks.append(self.rfile.read(size))
                self.rfile.readline()
            return b"".join(chunks)
        n = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(n) if n > 0 else b""

    def dispatch(self, method):
        """Handle one request: admin, or logged (latency, faults, routing)."""
        sb = self.server.sandbox
        started = time.time()
        parsed = urllib.parse.urlsplit(self.path)
        path, query = parsed.path, parsed.query
        pairs = urllib.parse.parse_qsl(query, keep_blank_values=True)
        headers = {}
        for k, v in self.headers.items():
            k = k.lower()
            headers[k] = v if k not in headers else headers[k] + ", " + v
        try:
            body = self.read_body()
        except (ValueError, OSError):
            self.close_connection = True
            return
        if self.listener == "api" and path.startswith("/_sandbox/"):
            self.send(self.admin(method, path, pairs, body), method)
            return
        entry = {
            "time": round(started, 3),
            "method": method,
            "path": path,
            "query": query,
            "params": self.params_dict(pairs),
            "headers": headers,
            "body": self.body_text(body),
            "status": None,
            "bytes": 0,
            "host": headers.get("host"),
            "listener": self.listener,
        }

        def log(status, nbytes):
            # logged before the response goes out, so that a client's next
            # request is always logged after this one
            entry["status"] = status
            entry["bytes"] = nbytes
            entry["duration_ms"] = round((time.time() - started) * 1000, 1)
            sb.log.add(entry)

        if len(self.requestline) > MAX_REQUEST_LINE:
            # like a front-end proxy with an 8 KB header buffer
            resp = Response(
                414,
                b"<html><body><h1>414 Request-URI Too Large</h1></body></html>",
                ctype="text/html",
            )
            self.send(resp, method, on_ready=lambda n: log(414, n))
            return
        if sb.config["latency_ms"]:
            time.sleep(sb.config["latency_ms"] / 1000.0)
        rule = sb.faults.match(method, path)
        if rule is not None:
            entry["fault"] = rule["action"]
            if rule["action"] == "mutate":
                try:
                    self.apply_mutation(rule["mutate"])
                except ApiError:
                    pass
                rule = None
            elif rule["action"] in ("drop", "stall"):
                log(0, 0)
                self.hang_up(rule)
                return
            elif rule["action"] == "slow" and rule.get("delay_ms"):
                time.sleep(float(rule["delay_ms"]) / 1000.0)
        resp = self.fault_or_route(rule, method, path, pairs, headers, body, entry)
        mode = rule if rule is not None and rule["action"] in ("truncate", "slow") else None
        self.send(resp, method, headers, mode, lambda n: log(resp.status, n))

    def fault_or_route(self, rule, method, path, pairs, headers, body, entry):
        if rule is not None and rule["action"] in ("429", "500", "502", "503"):
            return self.fault_response(rule, headers)
        if rule is not None and rule["action"] == "malformed":
            body = rule["body"] if rule.get("body") is not None else '{"data":[{"id":1,"etag":"\\"x'
            return Response(int(rule.get("status") or 200), body.encode())
        try:
            return self.route(method, path, pairs, headers, body, entry)
        except ApiError as e:
            return api_error(e)
        except Exception as e:  # a sandbox bug: answer 500 and say why
            traceback.print_exc()
            return Response(500, error_body("InternalServerError", "sandbox error: %r" % e))

    def hang_up(self, rule):
        """drop: close at once; stall: hold the connection, then close."""
        if rule["action"] == "stall":
            self.stall(float(rule.get("delay_ms") or 600000) / 1000.0)
        self.close_connection = True
        try:
            self.connection.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass

    @staticmethod
    def params_dict(pairs):
        out = {}
        for k, v in pairs:
            out.setdefault(k, []).append(v)
        return out

    @staticmethod
    def body_text(body):
        if not body:
            return None
        if len(body) > 1 << 20:
            return "<%d bytes>" % len(body)
        try:
            return body.decode("utf-8")
        except UnicodeDecodeError:
            return "<binary: %d bytes>" % len(body)

    def send(self, resp, method, req_headers=None, mode=None, on_ready=None):
        """Write the response; on_ready(bytes of body to send) is called first."""
        body = resp.body
        hdrs = dict(resp.headers)
        if body and req_headers is not None and resp.status != 304 and self.listener == "api":
            ae = req_headers.get("accept-encoding", "")
            if "gzip" in ae and not re.search(r"gzip\s*;\s*q=0(\.0*)?\s*(,|$)", ae):
                body = gzip.compress(body, 5)
                hdrs["Content-Encoding"] = "gzip"
                hdrs["Vary"] = "Accept-Encoding"
        try:
            self.send_response(resp.status)
            if body or resp.status not in (204, 304):
                hdrs.setdefault("Content-Type", resp.ctype)
            hdrs["Content-Length"] = str(len(body))
            for k, v in hdrs.items():
                self.send_header(k, v)
            # headers and body in one write: two small writes would meet the
            # client's delayed ACK (Nagle) and cost ~40 ms per request
            self._headers_buffer.append(b"\r\n")
            if method == "HEAD" or not body:
                if on_ready:
                    on_ready(0)
                self.flush_headers()
                return 0
            truncate = mode is not None and mode["action"] == "truncate"
            cut = max(0, min(len(body) - 1, len(body) // 2)) if truncate else len(body)
            if on_ready:
                on_ready(cut)
            if truncate:
                self._headers_buffer.append(body[:cut])
                self.flush_headers()
                self.close_connection = True
                try:
                    self.connection.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
                return cut
            if mode is not None and mode["action"] == "slow" and mode.get("trickle_ms"):
                self.flush_headers()
                step = int(mode.get("chunk_bytes") or 1024)
                for i in range(0, len(body), step):
                    self.wfile.write(body[i : i + step])
                    self.wfile.flush()
                    time.sleep(float(mode["trickle_ms"]) / 1000.0)
                return len(body)
            self._headers_buffer.append(body)
            self.flush_headers()
            return len(body)
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True
            return 0

    def stall(self, max_seconds):
        """Hold the connection without answering until the client gives up."""
        deadline = time.time() + max_seconds
        sock = self.connection
        while time.time() < deadline and not self.server.stopping:
            try:
                r, _, _ = select.select([sock], [], [], 0.2)
                if r and not sock.recv(1, socket.MSG_PEEK):
                    return
            except OSError:
                return

    def fault_response(self, rule, req_headers):
        sb = self.server.sandbox
        status = int(rule["action"])
        names = {
            429: ("RateLimited", "Too many requests"),
            500: ("InternalServerError", "Internal server error"),
            502: ("BadGateway", "Bad gateway"),
            503: ("ServiceUnavailable", "Service unavailable"),
        }
        etype, msg = names[status]
        body = rule["body"].encode() if rule.get("body") is not None else error_body(etype, msg)
        hdrs = {}
        if rule.get("retry_after") is not None or status == 429:
            hdrs["Retry-After"] = str(rule.get("retry_after", 1))
        token = sb.bearer(req_headers)
        if self.listener == "api":
            rl, _ = sb.rates.hit(
                token or "anonymous", sb.config["rate_limit"], sb.config["rate_window"]
            )
            if status == 429:
                rl["X-RateLimit-Remaining"] = "0"
            hdrs.update(rl)
        return Response(status, body, hdrs)

    # -------------------------------------------------------- routing
    def route(self, method, path, pairs, headers, body, entry):
        sb = self.server.sandbox
        if self.listener == "storage":
            return self.storage_request(method, path, pairs, headers, body)
        if path == "/oauth/token" and method == "POST":
            return self.oauth_token(headers, body)
        if path == "/oauth/deauthorize" and method == "POST":
            return self.oauth_deauthorize(headers, body)
        if path == "/connections" or path.startswith("/connections/"):
            return self.maton_connections(method, path, pairs, headers, body)
        gateway = path.startswith("/clio/api/v4/")
        if not gateway and not path.startswith("/api/v4/"):
            return api_error(not_found("No route matches [%s] %r" % (method, path)))
        token = sb.bearer(headers)
        rate_headers, retry = sb.rates.hit(
            token or "anonymous", sb.config["rate_limit"], sb.config["rate_window"]
        )
        firm = 0
        if gateway:
            if token is None or token not in sb.api_keys:
                return self.with_headers(
                    Response(
                        401,
                        dumps(
                            {"error": {"code": 401, "message": "Invalid or missing Maton API key"}}
                        ),
                    ),
                    rate_headers,
                )
            conn_id = headers.get("maton-connection")
            conn = self.pick_connection(conn_id)
            if conn is None:
                msg = (
                    "Connection %s is not an active clio connection" % conn_id
                    if conn_id
                    else "No active connection found for app clio"
                )
                return self.with_headers(
                    Response(400, dumps({"error": {"code": 400, "message": msg}})), rate_headers
                )
            firm = conn["_firm"]
            entry["connection"] = conn["connection_id"]
        else:
            err = sb.check_clio_token(token)
            if err is not None:
                return self.with_headers(api_error(err), rate_headers)
        if retry is not None:
            h = dict(rate_headers)
            h["Retry-After"] = str(retry)
            return Response(
                429,
                error_body("RateLimited", "Rate limit exceeded. Retry in %d seconds." % retry),
                h,
            )
        ver = sb.catalog.version(headers.get("x-api-version"))
        if ver is None:
            return self.with_headers(
                api_error(
                    ApiError(
                        410,
                        "Gone",
                        "API version %r is invalid or no longer supported"
                        % headers.get("x-api-version"),
                    )
                ),
                rate_headers,
            )
        rest = path[len("/clio/api/v4/") if gateway else len("/api/v4/") :]
        try:
            resp = self.api(method, rest, pairs, headers, body, firm, ver)
        except ApiError as e:
            resp = api_error(e)
        resp.headers.update(rate_headers)
        if 200 <= resp.status < 300 or resp.status in (303, 304):
            resp.headers["X-API-VERSION"] = ver[0]
        return resp

    @staticmethod
    def with_headers(resp, headers):
        resp.headers.update(headers)
        return resp

    def pick_connection(self, conn_id):
        sb = self.server.sandbox
        with sb.lock:
            if conn_id:
                c = sb.connections.get(conn_id.strip())
                return c if c and c["status"] == "ACTIVE" and c["_firm"] is not None else None
            active = [
                c
                for c in sb.connections.values()
                if c["status"] == "ACTIVE" and c["_firm"] is not None
            ]
            active.sort(key=lambda c: c["creation_time"])
            return active[0] if active else None

    def api(self, method, rest, pairs, headers, body, firm, ver):
        sb = self.server.sandbox
        ds = sb.datasets[firm]
        writer = sb.writers[firm]
        segs = [s for s in rest.split("/") if s]
        if segs and segs[-1].endswith(".json"):
            segs[-1] = segs[-1][:-5]
        if not segs:
            raise not_found("No route matches")
        res = sb.catalog.resources.get(segs[0])
        if res is None:
            raise not_found("No route matches [%s] /api/v4/%s" % (method, rest))
        vtuple = ver[1]
        if len(segs) == 2 and segs[0] == "users" and segs[1] == "who_am_i":
            if method not in ("GET", "HEAD"):
                raise not_found("No route matches [%s] /api/v4/%s" % (method, rest))
            self.check_show_params(res, pairs)
            with ds.lock:
                rec = ds.get_one(res, ds.who_am_i)
                return self.one(ds, res, rec, pairs, headers, vtuple)
        if len(segs) == 1:
            if method in ("GET", "HEAD"):
                data, total, paging, params = ds.query(res, pairs, vtuple)
                meta_paging = {}
                for k, (pname, pval) in paging.items():
                    meta_paging[k] = self.page_url(res.path, pairs, pname, pval)
                return Response(
                    200, dumps({"data": data, "meta": {"paging": meta_paging, "records": total}})
                )
            if method == "POST" and res.methods["post"]:
                plan, cf_ids = self.write_plan(res, pairs, vtuple)
                with ds.lock:
                    rec = writer.create(res, body)
                    return Response(201, dumps({"data": ds.render(rec, plan, cf_ids)}))
            raise not_found("No route matches [%s] /api/v4/%s" % (method, rest))
        id_ = self.parse_id(segs[1])
        if (
            len(segs) == 3
            and segs[0] == "documents"
            and segs[2] == "download"
            and method in ("GET", "HEAD")
        ):
            return self.download(ds, res, id_, pairs)
        if len(segs) != 2 or id_ is None:
            raise not_found("No route matches [%s] /api/v4/%s" % (method, rest))
        if method in ("GET", "HEAD") and res.record_get:
            self.check_show_params(res, pairs)
            with ds.lock:
                rec = ds.get_one(res, id_)
                return self.one(ds, res, rec, pairs, headers, vtuple)
        if method == "PATCH" and res.methods["patch"]:
            plan, cf_ids = self.write_plan(res, pairs, vtuple)
            with ds.lock:
                rec = writer.update(res, id_, body, headers.get("if-match"))
                return self.with_etag(
                    Response(200, dumps({"data": ds.render(rec, plan, cf_ids)})), rec
                )
        if method == "DELETE" and res.methods["delete"]:
            with ds.lock:
                writer.delete(res, id_, headers.get("if-match"))
            return Response(204)
        raise not_found("No route matches [%s] /api/v4/%s" % (method, rest))

    @staticmethod
    def parse_id(text):
        if not text.isdigit():
            return None
        n = int(text)
        return n if n < (1 << 63) else None

    def write_plan(self, res, pairs, vtuple):
        """(render plan, custom field ids or None) of a write's response."""
        sb = self.server.sandbox
        params = self.params_dict(pairs)
        for name in params:
            if name not in res.show_params:
                raise bad_request("Invalid parameter: %s" % name)
        plan = compile_fields(sb.catalog, res, params.get("fields", [None])[-1], vtuple)
        return plan, self.cf_ids(params)

    @staticmethod
    def cf_ids(params):
        """custom_field_ids[] (repeatable) as a set, or None when not given."""
        if "custom_field_ids[]" not in params:
            return None
        try:
            return {int(x) for x in params["custom_field_ids[]"]}
        except ValueError:
            raise bad_request("Invalid value for custom_field_ids[]")

    def check_show_params(self, res, pairs):
        for name, _ in pairs:
            if name not in res.show_params:
                raise bad_request(
                    "Invalid parameter: %s is not a valid parameter for a single %s"
                    % (name, res.schema)
                )

    def one(self, ds, res, rec, pairs, headers, vtuple):
        params = self.params_dict(pairs)
        plan = compile_fields(
            self.server.sandbox.catalog, res, params.get("fields", [None])[-1], vtuple
        )
        etag = rec.get("etag")
        inm = headers.get("if-none-match")
        if inm and etag and (etag in [t.strip() for t in inm.split(",")] or inm.strip() == "*"):
            return self.with_etag(Response(304), rec)
        ims = headers.get("if-modified-since")
        upd = parse_ts(rec.get("updated_at") or "")
        if ims and not inm and upd is not None:
            since = parse_http_date(ims)
            if since is not None and int(upd) <= int(since):
                return self.with_etag(Response(304), rec)
        cf_ids = self.cf_ids(params)
        return self.with_etag(Response(200, dumps({"data": ds.render(rec, plan, cf_ids)})), rec)

    @staticmethod
    def with_etag(resp, rec):
        if rec.get("etag"):
            resp.headers["ETag"] = rec["etag"]
        upd = parse_ts(rec.get("updated_at") or "")
        if upd is not None:
            resp.headers["Last-Modified"] = http_date(upd)
        return resp

    @staticmethod
    def page_url(path, pairs, pname, pval):
        kept = [(k, v) for k, v in pairs if k not in ("page_token", "offset")]
        kept.append((pname, str(pval)))
        return "%s/api/v4/%s.json?%s" % (CLIO_HOST, path, urllib.parse.urlencode(kept))

    # -------------------------------------------------------- documents
    def download(self, ds, res, id_, pairs):
        sb = self.server.sandbox
        version_id = None
        for name, v in pairs:
            if name != "document_version_id":
                raise bad_request("Invalid parameter: %s" % name)
            if not v.isdigit():
                raise bad_request("Invalid value for document_version_id")
            version_id = int(v)
        with ds.lock:
            doc = ds.get_one(res, id_)
            data, ver = ds.document_bytes(doc, version_id)
            if ver is None:
                raise not_found("DocumentVersion %s was not found" % version_id)
            if data is None:
                raise not_found("The document has no uploaded content")
        url = sb.storage.url("GET", "/files/%d/%d/%d" % (ds.firm, id_, ver["id"]))
        return Response(303, b"", {"Location": url})

    def storage_request(self, method, path, pairs, headers, body):
        sb = self.server.sandbox
        params = self.params_dict(pairs)
        if headers.get("authorization"):
            return s3_error(
                400,
                "InvalidArgument",
                "Only one auth mechanism allowed; only the X-Amz-Algorithm query parameter, "
                "Signature query string parameter or the Authorization header should be specified",
            )
        m = re.match(r"^/files/(\d+)/(\d+)/(\d+)$", path)
        if m and method in ("GET", "HEAD"):
            err = sb.storage.check("GET", path, params)
            if err:
                return s3_error(403, err[0], err[1])
            firm, doc_id, ver_id = (int(x) for x in m.groups())
            ds = sb.datasets[firm]
            with ds.lock:
                doc = ds.stores["documents"].get(doc_id)
                data, ver = ds.document_bytes(doc, ver_id) if doc else (None, None)
            if data is None:
                return s3_error(404, "NoSuchKey", "The specified key does not exist.")
            fname = ver.get("filename") or "file"
            return Response(
                200,
                data,
                {
                    "ETag": '"%s"' % hashlib.md5(data).hexdigest(),
                    "Content-Disposition": "attachment; filename=\"%s\"; filename*=UTF-8''%s"
                    % (
                        fname.encode("ascii", "replace").decode().replace('"', "'"),
                        urllib.parse.quote(fname),
                    ),
                    "Last-Modified": http_date(parse_ts(ver["updated_at"]) or 0),
                },
                ctype=ver.get("content_type") or "application/octet-stream",
            )
        m = re.match(r"^/uploads/(\d+)/([0-9a-f-]+)$", path)
        if m and method == "PUT":
            err = sb.storage.check("PUT", path, params)
            if err:
                return s3_error(403, err[0], err[1])
            ds = sb.datasets[int(m.group(1))]
            with ds.lock:
                up = ds.pending_uploads.get(m.group(2))
                if up is None:
                    return s3_error(404, "NoSuchUpload", "The specified upload does not exist.")
                for name, value in up["headers"].items():
                    if headers.get(name) != value:
                        return s3_error(
                            403,
                            "SignatureDoesNotMatch",
                            "The request signature we calculated does not match the signature "
                            "you provided. Missing or wrong signed header: %s" % name,
                        )
                up["data"] = body
            return Response(200, b"", {"ETag": '"%s"' % hashlib.md5(body).hexdigest()})
        return s3_error(
            405 if m else 404,
            "MethodNotAllowed" if m else "NoSuchKey",
            "The specified method is not allowed against this resource."
            if m
            else "The specified key does not exist.",
        )

    # -------------------------------------------------------- OAuth
    def oauth_token(self, headers, body):
        sb = self.server.sandbox
        form = dict(
            urllib.parse.parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True)
        )

        def err(status, code, desc):
            return Response(
                status,
                dumps({"error": code, "error_description": desc}),
                {"Cache-Control": "no-store", "Pragma": "no-cache"},
            )

        gt = form.get("grant_type")
        if not gt:
            return err(
                400, "invalid_request", "The request is missing a required parameter: grant_type."
            )
        if gt not in ("refresh_token", "authorization_code"):
            return err(
                400, "unsupported_grant_type", "The authorization grant type is not supported."
            )
        if (
            form.get("client_id") != OAUTH_CLIENT_ID
            or form.get("client_secret") != OAUTH_CLIENT_SECRET
        ):
            return err(
                401,
                "invalid_client",
                "Client authentication failed due to unknown client, "
                "no client authentication included, or unsupported authentication method.",
            )
        if gt == "refresh_token":
            if form.get("refresh_token") != OAUTH_REFRESH_TOKEN:
                return err(
                    400,
                    "invalid_grant",
                    "The provided authorization grant is invalid, expired, "
                    "revoked, does not match the redirection URI used in the authorization "
                    "request, "
                    "or was issued to another client.",
                )
        elif form.get("code") != OAUTH_AUTH_CODE:
            return err(
                400,
                "invalid_grant",
                "The provided authorization grant is invalid, expired, revoked, "
                "does not match the redirection URI used in the authorization request, "
                "or was issued to another client.",
            )
        token = secrets.token_hex(20)
        lifetime = int(sb.config["token_lifetime"])
        with sb.lock:
            sb.tokens[token] = {"expires": time.time() + lifetime, "revoked": False}
        return Response(
            200,
            dumps(
                {
                    "access_token": token,
                    "token_type": "bearer",
                    "expires_in": lifetime,
                    "refresh_token": OAUTH_REFRESH_TOKEN,
                }
            ),
            {"Cache-Control": "no-store", "Pragma": "no-cache"},
        )

    def oauth_deauthorize(self, headers, body):
        sb = self.server.sandbox
        form = dict(urllib.parse.parse_qsl(body.decode("utf-8", "replace")))
        token = form.get("token") or sb.bearer(headers)
        with sb.lock:
            t = sb.tokens.get(token)
            if t is None:
                return Response(
                    400, dumps({"error": "invalid_request", "error_description": "Unknown token"})
                )
            t["revoked"] = True
        return Response(200, b"{}")

    # -------------------------------------------------------- Maton control API
    def maton_connections(self, method, path, pairs, headers, body):
        sb = self.server.sandbox
        token = sb.bearer(headers)
        if token is None or token not in sb.api_keys:
            return Response(
                401, dumps({"error": {"code": 401, "message": "Invalid or missing API key"}})
            )
        parts = [p for p in path.split("/") if p]
        with sb.lock:
            if len(parts) == 1 and method == "GET":
                params = self.params_dict(pairs)
                out = []
                for c in sorted(sb.connections.values(), key=lambda c: c["creation_time"]):
                    if "app" in params and c["app"] != params["app"][-1]:
                        continue
                    if "status" in params and c["status"] != params["status"][-1].upper():
                        continue
                    out.append(self.public_conn(c))
                return Response(200, dumps({"connections": out}))
            if len(parts) == 1 and method == "POST":
                try:
                    req = json.loads(body or b"{}")
                except ValueError:
                    return Response(
                        400, dumps({"error": {"code": 400, "message": "Invalid JSON body"}})
                    )
                if not isinstance(req, dict) or not req.get("app"):
                    return Response(
                        400, dumps({"error": {"code": 400, "message": "app is required"}})
                    )
                cid = str(uuid.uuid4())
                now = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime()) + ".000000Z"
                c = {
                    "connection_id": cid,
                    "status": "PENDING",
                    "creation_time": now,
                    "last_updated_time": now,
                    "url": "https://connect.maton.ai/?session_token=%s" % secrets.token_hex(16),
                    "app": req["app"],
                    "metadata": {},
                    "_firm": None,
                }
                sb.connections[cid] = c
                return Response(200, dumps({"connection": self.public_conn(c)}))
            if len(parts) == 2:
                c = sb.connections.get(parts[1])
                if c is None:
                    return Response(
                        404, dumps({"error": {"code": 404, "message": "Connection not found"}})
                    )
                if method == "GET":
                    return Response(200, dumps({"connection": self.public_conn(c)}))
                if method == "DELETE":
                    del sb.connections[parts[1]]
                    return Response(200, dumps({}))
        return Response(404, dumps({"error": {"code": 404, "message": "Not found"}}))

    @staticmethod
    def public_conn(c):
        return {k: v for k, v in c.items() if not k.startswith("_")}

    # -------------------------------------------------------- admin API
    def admin(self, method, path, pairs, body):
        sb = self.server.sandbox
        ip = self.client_address[0]
        if not (ip.startswith("127.") or ip == "::1" or ip == "::ffff:127.0.0.1"):
            return Response(403, dumps({"error": "the admin API is loopback only"}))
        params = self.params_dict(pairs)
        try:
            doc = json.loads(body) if body else {}
        except ValueError:
            return Response(400, dumps({"error": "invalid JSON"}))
        try:
            return self.admin_route(sb, method, path, params, doc)
        except ApiError as e:
            return Response(e.status, dumps({"error": e.message}))

    def admin_route(self, sb, method, path, params, doc):
        ok = Response(200, dumps({"ok": True}))
        if path == "/_sandbox/log":
            if method == "GET":
                since = int(params.get("since", ["0"])[-1] or 0)
                return Response(
                    200, dumps({"entries": sb.log.since(since), "last_seq": sb.log.seq})
                )
            if method == "DELETE":
                sb.log.clear()
                return ok
        if path == "/_sandbox/faults":
            if method == "GET":
                return Response(200, dumps(sb.faults.state()))
            if method == "POST":
                return Response(200, dumps({"rules": sb.faults.add(doc.get("rules", []))}))
            if method == "DELETE":
                sb.faults.clear()
                return ok
        if path == "/_sandbox/config":
            if method == "POST":
                for k in ("latency_ms", "rate_limit", "rate_window", "token_lifetime", "url_ttl"):
                    if k in doc:
                        v = doc[k]
                        if not isinstance(v, (int, float)) or isinstance(v, bool) or v < 0:
                            raise bad_request("%s must be a non-negative number" % k)
                        sb.config[k] = v
                unknown = set(doc) - {
                    "latency_ms",
                    "rate_limit",
                    "rate_window",
                    "token_lifetime",
                    "url_ttl",
                }
                if unknown:
                    raise bad_request("unknown config keys: %s" % ", ".join(sorted(unknown)))
                if "rate_limit" in doc or "rate_window" in doc:
                    sb.rates.reset()
            if method in ("GET", "POST"):
                out = dict(sb.config)
                out.update(
                    port=sb.port,
                    storage_port=sb.storage_port,
                    seed=sb.args.seed,
                    scale=sb.args.scale,
                    api_keys=sb.api_keys,
                    api_version=sb.catalog.api_version,
                )
                return Response(200, dumps(out))
        if path == "/_sandbox/reset" and method == "POST":
            sb.reset()
            return ok
        if path == "/_sandbox/expire_tokens" and method == "POST":
            with sb.lock:
                for t in sb.tokens.values():
                    t["expires"] = 0
            return ok
        if path == "/_sandbox/info" and method == "GET":
            return Response(200, dumps(self.info(sb)))
        m = re.match(r"^/_sandbox/connections/([^/]+)/(activate|fail)$", path)
        if m and method == "POST":
            with sb.lock:
                c = sb.connections.get(m.group(1))
                if c is None:
                    raise not_found("no such connection")
                c["status"] = "ACTIVE" if m.group(2) == "activate" else "FAILED"
                if c["status"] == "ACTIVE" and c["_firm"] is None:
                    c["_firm"] = int(doc.get("firm", 0))
                c["last_updated_time"] = (
                    time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime()) + ".000000Z"
                )
            return Response(200, dumps({"connection": self.public_conn(c)}))
        m = re.match(r"^/_sandbox/records/([a-z_]+)(?:/(\d+))?$", path)
        if m and method == "GET":
            return self.admin_records(sb, m.group(1), m.group(2), params)
        if path == "/_sandbox/mutate" and method == "POST":
            rec = self.apply_mutation(doc)
            return Response(
                200, dumps({"etag": rec.get("etag"), "updated_at": rec.get("updated_at")})
            )
        return Response(404, dumps({"error": "unknown admin endpoint %s %s" % (method, path)}))

    def admin_records(self, sb, name, id_text, params):
        cat = sb.catalog
        table = None
        path = name
        if name in cat.table_path:
            table = name
            path = cat.table_path[name]
        res = cat.resources.get(path)
        if res is None:
            raise not_found("no collection %s" % name)
        firm = int(params.get("firm", ["0"])[-1])
        ds = sb.datasets[firm]
        ver = cat.version(params.get("version", [None])[-1])[1]
        fields = params.get("fields", [None])[-1]
        if id_text is not None:
            with ds.lock:
                rec = ds.stores[path].get(int(id_text))
                if rec is None:
                    raise not_found("no record %s/%s" % (name, id_text))
                plan = (
                    compile_fields(cat, res, fields, ver) if fields else full_plan(cat, res, ver)
                )
                return Response(200, dumps({"data": ds.render(rec, plan)}))
        data = ds.full_records(res, ver, table if table != path else None, fields)
        return Response(200, dumps({"data": data, "count": len(data)}))

    def apply_mutation(self, doc):
        sb = self.server.sandbox
        if not isinstance(doc, dict) or "collection" not in doc or "id" not in doc:
            raise bad_request("mutate needs collection, id and fields")
        name = doc["collection"]
        path = sb.catalog.table_path.get(name, name)
        res = sb.catalog.resources.get(path)
        if res is None:
            raise not_found("no collection %s" % name)
        firm = int(doc.get("firm", 0))
        ds = sb.datasets[firm]
        with ds.lock:
            at = doc.get("at")
            if at is not None and not isinstance(at, (int, float)):
                raise bad_request("at is a unix time")
            return sb.writers[firm].update(
                res, int(doc["id"]), doc.get("fields") or {}, None, mutate=True, at=at
            )

    def info(self, sb):
        out = {
            "port": sb.port,
            "storage_port": sb.storage_port,
            "who_am_i": [],
            "counts": [],
            "connections": [self.public_conn(c) for c in sb.connections.values()],
        }
        for ds in sb.datasets:
            out["who_am_i"].append(ds.who_am_i)
            out["counts"].append({p: len(s.ids) for p, s in sorted(ds.stores.items())})
        return out


class StorageHandler(Handler):
    listener = "storage"


class Server(http.server.ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 256

    def __init__(self, addr, handler, sandbox):
        self.sandbox = sandbox
        self.stopping = False
        family = socket.AF_INET6 if ":" in addr[0] else socket.AF_INET
        self.address_family = family
        http.server.ThreadingHTTPServer.__init__(self, addr, handler)


def parse_args(argv=None):
    p = argparse.ArgumentParser(description="Clio Manage API v4 sandbox for clio_fdw")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=0)
    p.add_argument("--port-file", help="write the API port here once listening")
    p.add_argument("--info-file", help="write {host, port, storage_port, pid} as JSON here")
    p.add_argument(
        "--api-key", action="append", help="accepted bearer key (repeatable; default sandbox-key)"
    )
    p.add_argument("--seed", type=int, default=42)
    p.add_argument("--scale", type=float, default=1.0)
    p.add_argument("--latency-ms", type=float, default=0)
    p.add_argument(
        "--rate-limit", type=int, default=0, help="requests per window and key (0 = not enforced)"
    )
    p.add_argument("--rate-window", type=float, default=60)
    p.add_argument("--storage-port", type=int, default=0)
    p.add_argument(
        "--token-lifetime",
        type=int,
        default=DEFAULT_TOKEN_LIFETIME,
        help="seconds OAuth access tokens stay valid",
    )
    p.add_argument("--log-file", help="also append each logged request here as a JSON line")
    p.add_argument(
        "--log-max", type=int, default=100000, help="request log entries kept in memory"
    )
    args = p.parse_args(argv)
    if args.scale <= 0:
        p.error("--scale must be positive")
    return args


def serve(args):
    """Start both listeners; returns (sandbox, api server, storage server)."""
    sb = Sandbox(args)
    gc.collect()
    gc.freeze()
    api = Server((args.host, args.port), Handler, sb)
    storage = Server((args.host, args.storage_port), StorageHandler, sb)
    sb.port = api.server_address[1]
    sb.storage_port = storage.server_address[1]
    for srv in (api, storage):
        threading.Thread(
            target=srv.serve_forever, kwargs={"poll_interval": 0.2}, daemon=True
        ).start()
    return sb, api, storage


def main(argv=None):
    args = parse_args(argv)
    sb, api, storage = serve(args)
    host = sb.public_host if args.host in ("0.0.0.0", "", "::") else args.host
    if args.port_file:
        tmp = args.port_file + ".tmp"
        with open(tmp, "w") as f:
            f.write("%d\n" % sb.port)
        os.replace(tmp, args.port_file)
    if args.info_file:
        tmp = args.info_file + ".tmp"
        with open(tmp, "w") as f:
            json.dump(
                {
                    "host": host,
                    "port": sb.port,
                    "storage_port": sb.storage_port,
                    "pid": os.getpid(),
                },
                f,
            )
        os.replace(tmp, args.info_file)
    print(
        "clio sandbox listening on http://%s:%d (storage on http://%s:%d)"
        % (host, sb.port, host, sb.storage_port),
        flush=True,
    )
    stop = threading.Event()

    def on_signal(signum, frame):
        stop.set()

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    while not stop.wait(0.5):
        pass
    for srv in (api, storage):
        srv.stopping = True
        srv.shutdown()
        srv.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
