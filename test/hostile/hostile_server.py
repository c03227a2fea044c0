#!/usr/bin/env python3
"""A deliberately hostile Clio for the clio_hostile_* suites.

Each scenario is a path prefix: a foreign server whose base_url is
http://127.0.0.1:PORT/<scenario> gets every request answered by that
scenario's function, which may answer anything at all (odd headers,
paging loops, bombs, slow bodies, broken framing).  Scenarios live in
the scn_*.py files next to this one; each defines SCENARIOS, a dict of
name -> function(req).  A function gets a Request and answers through it
(req.send(...), or req.raw(bytes) for what HTTP would not allow).

Control, not counted: GET /_hostile/log[?scenario=NAME] gives what each
scenario was sent (method, path, query, header names and a digest of the
Authorization header), DELETE /_hostile/log clears it.

Python 3 standard library only.

    python3 test/hostile/hostile_server.py --port 0 --port-file /tmp/h.port
"""
import argparse
import glob
import gzip
import hashlib
import importlib.util
import json
import os
import socket
import sys
import threading
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

HERE = os.path.dirname(os.path.abspath(__file__))

LOCK = threading.Lock()
LOG = []            # one dict per request served by a scenario
STATE = {}          # per-scenario state, for scenarios that count or page


class Request:
    """What a scenario sees of one request, and how it answers."""

    def __init__(self, handler, scenario, path, query, body):
        self.handler = handler
        self.scenario = scenario
        self.method = handler.command
        self.path = path                  # after the scenario prefix
        self.query = query                # dict: name -> list of values
        self.headers = handler.headers
        self.body = body
        self.server_url = "http://%s:%d" % handler.server.server_address[:2]
        self.base_url = self.server_url + "/" + scenario

    def state(self):
        """A dict kept for this scenario until the log is cleared."""
        with LOCK:
            return STATE.setdefault(self.scenario, {})

    def param(self, name, default=None):
        v = self.query.get(name)
        return v[0] if v else default

    def send(self, status, body=b"", headers=None, content_type="application/json",
             split=False, gzip_body=False):
        """An HTTP/1.1 answer.  body: bytes, str or a JSON-able value.
        split=True writes the headers and the body in two separate writes
        with Nagle's algorithm on (what a bare Python server does)."""
        if not isinstance(body, (bytes, str)):
            body = json.dumps(body)
        if isinstance(body, str):
            body = body.encode()
        if gzip_body:
            body = gzip.compress(body)
        h = self.handler
        head = ["HTTP/1.1 %d %s" % (status, h.responses.get(status, ("X",))[0])]
        hdrs = {"Content-Type": content_type, "Content-Length": str(len(body))}
        if gzip_body:
            hdrs["Content-Encoding"] = "gzip"
        hdrs.update(headers or {})
        for k, v in hdrs.items():
            if v is not None:
                head.append("%s: %s" % (k, v))
        head_bytes = ("\r\n".join(head) + "\r\n\r\n").encode("latin-1")
        if split:
            h.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 0)
            h.wfile.write(head_bytes)
            h.wfile.flush()
            h.wfile.write(body)
        else:
            h.wfile.write(head_bytes + body)
        h.wfile.flush()

    def raw(self, data, close=True):
        """Bytes written as they are, then (by default) the connection closed."""
        self.handler.wfile.write(data)
        self.handler.wfile.flush()
        if close:
            self.handler.close_connection = True

    def page(self, records, next_url=None, total=None, headers=None, **kw):
        """A Clio list page: {"data": records, "meta": {...}}."""
        meta = {"records": len(records) if total is None else total}
        if next_url:
            meta["paging"] = {"next": next_url}
        self.send(200, {"data": records, "meta": meta}, headers=headers, **kw)


def load_scenarios():
    scenarios = {}
    for path in sorted(glob.glob(os.path.join(HERE, "scn_*.py"))):
        name = os.path.splitext(os.path.basename(path))[0]
        spec = importlib.util.spec_from_file_location(name, path)
        mod = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(mod)
        for k, fn in getattr(mod, "SCENARIOS", {}).items():
            if k in scenarios:
                raise SystemExit("scenario %s defined twice (%s)" % (k, path))
            scenarios[k] = fn
    return scenarios


SCENARIOS = {}


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, fmt, *args):
        pass

    def _control(self, url):
        if url.path == "/_hostile/log":
            if self.command == "DELETE":
                with LOCK:
                    LOG.clear()
                    STATE.clear()
                out = {"ok": True}
            else:
                q = urllib.parse.parse_qs(url.query)
                want = q.get("scenario", [None])[0]
                with LOCK:
                    out = {"entries": [e for e in LOG if want is None or e["scenario"] == want]}
            body = json.dumps(out).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
            return
        self.send_error(404)

    def _any(self):
        url = urllib.parse.urlsplit(self.path)
        n = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(n) if n > 0 else b""
        if url.path.startswith("/_hostile/"):
            return self._control(url)
        parts = url.path.split("/", 2)
        scenario = parts[1] if len(parts) > 1 else ""
        fn = SCENARIOS.get(scenario)
        if fn is None:
            self.send_error(404, "no scenario %r" % scenario)
            return
        rest = "/" + (parts[2] if len(parts) > 2 else "")
        query = urllib.parse.parse_qs(url.query, keep_blank_values=True)
        auth = self.headers.get("Authorization")
        with LOCK:
            LOG.append({
                "scenario": scenario,
                "seq": len(LOG) + 1,
                "method": self.command,
                "path": rest,
                "query": url.query,
                "host": self.headers.get("Host"),
                "headers": sorted(k.lower() for k in self.headers.keys()),
                "authorization": hashlib.sha256(auth.encode()).hexdigest()[:16] if auth else None,
            })
        try:
            fn(Request(self, scenario, rest, query, body))
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True

    do_GET = do_POST = do_PATCH = do_DELETE = do_PUT = do_HEAD = _any


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=0)
    p.add_argument("--port-file")
    args = p.parse_args()
    SCENARIOS.update(load_scenarios())
    srv = ThreadingHTTPServer((args.host, args.port), Handler)
    srv.daemon_threads = True
    port = srv.server_address[1]
    if args.port_file:
        tmp = args.port_file + ".tmp"
        with open(tmp, "w") as f:
            f.write(str(port))
        os.replace(tmp, args.port_file)
    print("hostile server on %s:%d, %d scenarios" % (args.host, port, len(SCENARIOS)), flush=True)
    srv.serve_forever()


if __name__ == "__main__":
    main()
