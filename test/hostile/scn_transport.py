"""Scenarios of the transport: rate-limit headers that would make a client
loop or wait forever, redirect locations of every length and shape, a
server that keeps Nagle's algorithm on, slow bodies, gzip bombs and huge
error messages.  Used by sql/clio_hostile_transport.sql."""
import hashlib
import json
import socket
import threading
import time
from email.utils import formatdate

RECORD = {"id": 1, "display_number": "M-1"}


def _count(req):
    st = req.state()
    st["n"] = st.get("n", 0) + 1
    return st["n"]


def _page(req, headers=None, **kw):
    req.page([dict(RECORD)], headers=headers, **kw)


def _rfc850(t):
    """The obsolete RFC 850 form of an HTTP-date (two-digit year)."""
    return time.strftime("%A, %d-%b-%y %H:%M:%S GMT", time.gmtime(t))


def _asctime(t):
    """The obsolete asctime() form: day of month space-padded."""
    g = time.gmtime(t)
    return time.strftime("%a %b ", g) + ("%2d" % g.tm_mday) + time.strftime(" %H:%M:%S %Y", g)


# --- 429s ------------------------------------------------------------------

def ra_zero(req):
    """Every answer a 429 with Retry-After: 0."""
    _count(req)
    req.send(429, {"error": {"type": "RateLimited", "message": "slow down"}},
             headers={"Retry-After": "0"})


def ra_frac(req):
    """Every answer a 429 with Retry-After: 0.5."""
    _count(req)
    req.send(429, {"error": {"type": "RateLimited", "message": "slow down"}},
             headers={"Retry-After": "0.5"})


def _ra_date(ahead, form="imf", ok_after=0):
    """A 429 whose Retry-After is an HTTP-date `ahead` seconds away (IMF
    fixdate, or the obsolete RFC 850 or asctime form); from request
    ok_after on (0: never), the page."""
    def fn(req):
        n = _count(req)
        if ok_after and n >= ok_after:
            return _page(req)
        when = time.time() + ahead
        value = (_rfc850(when) if form == "rfc850" else _asctime(when) if form == "asctime"
                 else formatdate(when, usegmt=True))
        req.send(429, {"error": {"type": "RateLimited", "message": "slow down"}},
                 headers={"Retry-After": value})
    return fn


def ra_five(req):
    """A 429 with Retry-After: 5, then the page."""
    if _count(req) == 1:
        req.send(429, {"error": {"type": "RateLimited", "message": "slow down"}},
                 headers={"Retry-After": "5"})
    else:
        _page(req)


def rl_five(req):
    """The first answer spends the window for 5 seconds; then the page."""
    if _count(req) == 1:
        _page(req, headers={"X-RateLimit-Limit": "50", "X-RateLimit-Remaining": "0",
                            "X-RateLimit-Reset": str(int(time.time()) + 6)})
    else:
        _page(req)


# --- X-RateLimit windows ---------------------------------------------------

def rl_far(req):
    """The first answer says the window is spent until 31 years from now;
    every answer is the page."""
    n = _count(req)
    h = {"X-RateLimit-Limit": "50", "X-RateLimit-Remaining": "49",
         "X-RateLimit-Reset": str(int(time.time()) + 60)}
    if n == 1:
        h["X-RateLimit-Remaining"] = "0"
        h["X-RateLimit-Reset"] = str(int(time.time()) + 31 * 365 * 86400)
    _page(req, headers=h)


def rl_spent(req):
    """The first answer says the window is spent for two minutes (a plausible
    window); then Clio has forgiven: every answer is the page."""
    n = _count(req)
    h = {"X-RateLimit-Limit": "50", "X-RateLimit-Remaining": "49",
         "X-RateLimit-Reset": str(int(time.time()) + 60)}
    if n == 1:
        h["X-RateLimit-Remaining"] = "0"
        h["X-RateLimit-Reset"] = str(int(time.time()) + 120)
    _page(req, headers=h)


# --- redirects -------------------------------------------------------------

def _storage_answer(req):
    """What the storage host answers: which URL it was asked for, as a
    digest, so that a test sees whether the whole location was followed."""
    full = req.path + ("?" + req.handler.path.split("?", 1)[1] if "?" in req.handler.path else "")
    req.send(200, "storage %d %s" % (len(full), hashlib.sha256(full.encode()).hexdigest()[:12]),
             content_type="application/octet-stream")


def _location_for(req, doc):
    """Location of document doc: a path of a length the test chose."""
    lengths = {1: 600, 2: 8000, 3: 12000, 4: 20000}
    path = "/storage/doc%d/" % doc
    pad = lengths.get(doc, 100) - len(path)
    return path + "s" * max(pad, 0)


def redir(req):
    """GET documents/N/download: a 302 to file storage on the same server.
    Documents 1-4 have locations of 600, 8000, 12,000 and 20,000 bytes
    (path only, relative to this scenario); 5: to another host name
    (localhost, the same port) under scenario redir_sink; 6: plain http to a
    host that is not this machine; 7: a location folded over two lines; 8:
    two Location headers; 9: a location with a NUL byte; 10: ftp; 11: an
    absolute https URL (the hop is tried and fails: nothing listens there);
    12: another port of this machine, where a one-shot listener records the
    header names it was sent (GET /redir/captured shows them)."""
    if req.path.startswith("/storage/"):
        return _storage_answer(req)
    if req.path == "/captured":
        return req.send(200, json.dumps(CAPTURED.get("other_port")))
    parts = req.path.strip("/").split("/")
    doc = int(parts[3]) if len(parts) > 3 and parts[3].isdigit() else 0
    port = req.handler.server.server_address[1]
    if doc in (1, 2, 3, 4):
        loc = req.base_url + _location_for(req, doc)
    elif doc == 5:
        loc = "http://localhost:%d/redir_sink/storage/doc5?X-Amz-Signature=abc" % port
    elif doc == 6:
        loc = "http://192.0.2.7/storage/doc6"
    elif doc == 7:
        head = ("HTTP/1.1 302 Found\r\nLocation: %s/storage/doc7/part1\r\n"
                "\t/part2\r\nContent-Length: 0\r\n\r\n" % req.base_url)
        return req.raw(head.encode())
    elif doc == 8:
        head = ("HTTP/1.1 302 Found\r\nLocation: %s/storage/doc8a\r\n"
                "Location: %s/storage/doc8b\r\nContent-Length: 0\r\n\r\n"
                % (req.base_url, req.base_url))
        return req.raw(head.encode())
    elif doc == 9:
        head = ("HTTP/1.1 302 Found\r\nLocation: %s/storage/doc9\x00/secret\r\n"
                "Content-Length: 0\r\n\r\n" % req.base_url)
        return req.raw(head.encode())
    elif doc == 10:
        loc = "ftp://127.0.0.1/storage/doc10"
    elif doc == 11:
        loc = "https://127.0.0.1:1/storage/doc11"
    elif doc == 12:
        CAPTURED.pop("other_port", None)
        loc = _other_port(req.base_url)
    else:
        return req.send(404, {"error": {"type": "NotFound", "message": "no such document"}})
    req.send(302, b"", headers={"Location": loc}, content_type="text/plain")


CAPTURED = {}


def _other_port(base_url):
    """A one-shot listener on another loopback port: it records the header
    names of the one request it gets (in CAPTURED) and answers 200."""
    srv = socket.socket()
    srv.bind(("127.0.0.1", 0))
    srv.listen(1)
    srv.settimeout(10)

    def serve():
        try:
            conn, _ = srv.accept()
            conn.settimeout(10)
            data = b""
            while b"\r\n\r\n" not in data:
                chunk = conn.recv(65536)
                if not chunk:
                    break
                data += chunk
            lines = data.decode("latin-1").split("\r\n")
            CAPTURED["other_port"] = {
                "request_line": lines[0].split(" ")[0] + " " + lines[0].split(" ")[1].split("?")[0],
                "headers": sorted(l.split(":", 1)[0].lower() for l in lines[1:] if ":" in l),
            }
            body = b"other port"
            conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\nConnection: close\r\n\r\n%s"
                         % (len(body), body))
            conn.close()
        except OSError:
            pass
        finally:
            srv.close()

    threading.Thread(target=serve, daemon=True).start()
    return "http://127.0.0.1:%d/storage/doc12" % srv.getsockname()[1]


def redir_sink(req):
    """The other host of redir's document 5: answers what it was asked."""
    _storage_answer(req)


# --- Nagle -----------------------------------------------------------------

def _paged_parts(pages):
    """pages pages of one record each, linked by next; each written as its
    headers, then its body in three writes, Nagle's algorithm on."""
    def fn(req):
        tok = int(req.param("page_token", "0"))
        meta = {"records": pages}
        if tok + 1 < pages:
            meta["paging"] = {"next": "%s/api/v4/matters.json?page_token=%d" % (req.base_url, tok + 1)}
        body = json.dumps({"data": [{"id": tok + 1, "display_number": "M-%d" % (tok + 1)}],
                           "meta": meta}).encode()
        h = req.handler
        h.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 0)
        h.wfile.write(("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                       "Content-Length: %d\r\n\r\n" % len(body)).encode())
        h.wfile.flush()
        third = len(body) // 3
        for part in (body[:third], body[third:2 * third], body[2 * third:]):
            h.wfile.write(part)
            h.wfile.flush()
    return fn


def _paged(pages, split, latency_ms=0):
    """pages pages of one record each, linked by next; each answered
    latency_ms after it was asked, its headers and body in two writes with
    Nagle's algorithm on when split (what a bare Python server does)."""
    def fn(req):
        tok = int(req.param("page_token", "0"))
        nxt = None
        if tok + 1 < pages:
            nxt = "%s/api/v4/matters.json?page_token=%d" % (req.base_url, tok + 1)
        if latency_ms:
            time.sleep(latency_ms / 1000.0)
        req.page([{"id": tok + 1, "display_number": "M-%d" % (tok + 1)}], next_url=nxt,
                 total=pages, split=split)
    return fn


# --- slow senders, bombs, huge messages ------------------------------------

def slow_body(req):
    """Headers at once, then the body one byte every 100 ms (at most 20 s)."""
    _count(req)
    body = b'{"data": [], "meta": {"records": 0}}' + b" " * 200
    h = req.handler
    h.wfile.write(("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                   "Content-Length: %d\r\n\r\n" % len(body)).encode())
    h.wfile.flush()
    for i in range(len(body)):
        h.wfile.write(body[i:i + 1])
        h.wfile.flush()
        time.sleep(0.1)


def gzip_bomb(req):
    """A page of 2 MB of spaces, gzip-compressed to a few kB."""
    body = b'{"data": [{"id": 1}], "meta": {"records": 1}}' + b" " * (2 * 1024 * 1024)
    req.send(200, body, gzip_body=True)


def big_error(req):
    """A 422 whose message is 200,000 characters of 'é' (400 kB)."""
    req.send(422, {"error": {"type": "ValidationError", "message": "\u00e9" * 200000}})


SCENARIOS = {
    "ra_zero": ra_zero,
    "ra_five": ra_five,
    "rl_five": rl_five,
    "ra_frac": ra_frac,
    # an HTTP-date 30 s ahead, in each form; 2 s ahead, then the page
    "ra_date": _ra_date(30),
    "ra_date_rfc850": _ra_date(30, "rfc850"),
    "ra_date_asctime": _ra_date(30, "asctime"),
    "ra_date_soon": _ra_date(2.5, ok_after=2),
    "rl_far": rl_far,
    "rl_spent": rl_spent,
    "redir": redir,
    "redir_sink": redir_sink,
    # 200 pages, no latency: the suite's measure
    "nagle": _paged(200, True),
    "nagle_off": _paged(200, False),
    "nagle_parts": _paged_parts(200),
    # 200 pages, 50 ms each: bench/run.sh --hostile (bench/hostile.py)
    "bench_nagle": _paged(200, True, 50),
    "bench_plain": _paged(200, False, 50),
    "slow_body": slow_body,
    "gzip_bomb": gzip_bomb,
    "big_error": big_error,
}
