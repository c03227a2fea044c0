"""Scenarios of the clio_hostile_guards suite: paging that loops, next links
that point elsewhere, records without an id or with one twice, and an echo of
what was sent (for option values that must arrive exactly)."""
import json

LIST = "/api/v4/matters.json"


def _one(req, i):
    """Record i with the top-level fields asked for."""
    fields = [f for f in (req.param("fields") or "id").split(",") if f and "{" not in f]
    return {f: (i if f == "id" else "%s %d" % (f, i)) for f in fields}


def _next(req, **params):
    return req.base_url + LIST + "?" + "&".join("%s=%s" % kv for kv in params.items())


def same_token(req):
    """Every page links to page_token=A: the same page again and again."""
    n = req.state().setdefault("n", [0])
    n[0] += 1
    req.page([_one(req, n[0])], _next(req, page_token="A"), total=3)


def alternate(req):
    """A links to B, B to A."""
    tok = req.param("page_token")
    req.page([_one(req, 1 if tok != "A" else 2)],
             _next(req, page_token="B" if tok == "A" else "A"), total=3)


def long_loop(req):
    """A loop of 40 tokens, longer than the latest cursors a scan remembers;
    meta.records says a million, so only the loop itself can tell."""
    tok = req.param("page_token")
    i = int(tok[1:]) if tok else 0
    req.page([_one(req, i + 1)], _next(req, page_token="T%d" % ((i + 1) % 40)),
             total=1000000)


def endless(req):
    """A new token on every page, never a repeat; meta.records says 5."""
    tok = req.param("page_token")
    i = int(tok[1:]) if tok else 0
    req.page([_one(req, i + 1)], _next(req, page_token="N%d" % (i + 1)), total=5)


def empty_pages(req):
    """One record, then empty pages with a new token each, for ever."""
    tok = req.param("page_token")
    i = int(tok[1:]) if tok else 0
    req.page([_one(req, 1)] if i == 0 else [], _next(req, page_token="E%d" % (i + 1)),
             total=1000)


def same_offset(req):
    """Offset paging that never moves on."""
    req.page([_one(req, 1)], _next(req, offset="200", limit="200"), total=3)


def elsewhere(req):
    """The first page's next link names another host, another collection and
    other fields, and a page_token holding '&' and '=': only the token may
    be taken from it.  The second page is the last."""
    if req.param("page_token") is None:
        req.page([_one(req, 1)],
                 "https://evil.example.com:8443/other/api/v4/contacts.json"
                 "?fields=secret%2Cemail&limit=1&ids%5B%5D=7&page_token=P2%26fields%3Dx",
                 total=2)
    else:
        req.page([_one(req, 2)], None, total=2)


def echo(req):
    """One matter whose description is what the request carried: the
    Authorization, Maton-Connection and X-API-VERSION headers as UTF-8, the
    query string, and the header names."""
    def h(name):
        v = req.headers.get(name)
        return v.encode("latin-1").decode("utf-8", "replace") if v is not None else None
    rec = {"id": 1, "description": json.dumps({
        "authorization": h("Authorization"),
        "maton_connection": h("Maton-Connection"),
        "api_version": h("X-API-VERSION"),
        "query": req.handler.path.split("?", 1)[1] if "?" in req.handler.path else "",
        "headers": sorted(k.lower() for k in req.headers.keys()),
    }, sort_keys=True)}
    if req.path.startswith(LIST):
        req.page([rec])
    else:
        req.send(200, {"data": rec})


def no_id(req):
    """Records without an id (the scan asked for it)."""
    recs = []
    for i in (1, 2):
        r = _one(req, i)
        r.pop("id", None)
        recs.append(r)
    if req.method == "GET":
        req.page(recs)
    else:
        req.send(500, {"error": {"message": "no write expected"}})


def dup_id(req):
    """One page holding id 1 twice."""
    req.page([_one(req, 1), _one(req, 1), _one(req, 2)])


SCENARIOS = {
    "g_same": same_token,
    "g_alt": alternate,
    "g_long": long_loop,
    "g_endless": endless,
    "g_empty": empty_pages,
    "g_offset": same_offset,
    "g_away": elsewhere,
    "g_echo": echo,
    "g_noid": no_id,
    "g_dupid": dup_id,
}
