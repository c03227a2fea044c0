"""Scenarios for clio_hostile_values: bodies whose values clio_fdw must read
exactly or refuse -- numbers beyond a double, \\u0000, invalid UTF-8, ids
that would break a message, bombs of tiny records, deep nesting, duplicate
keys, numbers JSON does not allow, bytes after the JSON.

Every scenario answers any GET with one fixed body, written as bytes (JSON
libraries cannot spell 1e400 or a duplicate key); a GET of one record
(.../activities/ID.json), a POST or a PATCH gets the body's first record
back as {"data": record}.  v_bigerror answers a 400 with a long message."""

BIG = "9007199254740993"                # 2^53 + 1
MONEY = "12345678901234567.89"


def _page(records_json):
    return ('{"data":[%s],"meta":{"records":%d}}'
            % (",".join(records_json), len(records_json))).encode()


_CACHE = {}


def _cached(name, make):
    if name not in _CACHE:
        _CACHE[name] = make()
    return _CACHE[name]


def _records_of(body):
    """The first record of a page body, for a write's answer."""
    start = body.index(b"[") + 1
    depth = 0
    for i in range(start, len(body)):
        c = body[i:i + 1]
        if c in (b"{", b"["):
            depth += 1
        elif c in (b"}", b"]"):
            depth -= 1
            if depth == 0:
                return body[start:i + 1]
    return b"{}"


def fixed(make):
    def scenario(req):
        body = _cached(req.scenario, make)
        last = req.path.rstrip("/").rsplit("/", 1)[-1]
        if req.method == "GET" and last.endswith(".json") and last[:-5].lstrip("-").isdigit():
            req.send(200, b'{"data":' + _records_of(body) + b'}')
        elif req.method in ("POST", "PATCH"):
            req.send(200 if req.method == "PATCH" else 201,
                     b'{"data":' + _records_of(body) + b'}')
        else:
            req.send(200, body)
    return scenario


# item 7: numbers as their text (the names are activities' fields; the
# suite's tables give them the column types under test)
NUMBERS = _page([
    '{"id":%s,"price":%s,"total":1e400,"non_billable_total":-1e400,"rounded_quantity":1e-400,'
    '"quantity_in_hours":%s,"quantity":1.0,"rounded_quantity_in_hours":1e3,"quantity_redacted":1.5,'
    '"currency":{"a":%s,"b":1e400,"c":%s,"d":-0,"e":[%s,1.5e-7]},'
    '"tax_setting":["x",1e400,%s,true,null],"note":"%s"}' % (BIG, MONEY, BIG, BIG, MONEY, BIG, MONEY, BIG),
    '{"id":-9223372036854775808,"price":0.1,"total":0,"non_billable_total":0,"rounded_quantity":0,'
    '"quantity_in_hours":9223372036854775807,"quantity":2,"rounded_quantity_in_hours":-0,'
    '"quantity_redacted":2,"currency":{},"tax_setting":[],"note":"plain"}',
])

# item 5: \u0000
NUL = _page([
    r'{"id":1,"note":"ab\u0000cd","currency":{"k":"x\u0000y"},"bill":{"a\u0000b":1},'
    r'"tax_setting":["ok","\u0000secret"],"reference":"fine","type":"a\\u0000b",'
    r'"matter":{"id":1,"description":"x\u0000y"}}',
])


# invalid UTF-8 in a string: each is its own scenario
def _bad_utf8(raw):
    return lambda: b'{"data":[{"id":1,"note":"ok","reference":"x' + raw + b'y"}],"meta":{"records":1}}'


# item 6: ids that would break a message (a value that does not convert)
LONGID = ("a" * 49) + "\u00e9" + "tail"
IDS = _page([
    '{"id":"%s","quantity":"not a number"}' % LONGID,
])
LONGID2 = "\u4e2d" * 400
IDS2 = _page([
    '{"id":"%s","quantity":"not a number"}' % LONGID2,
])
IDS3 = _page([
    '{"id":"id\\nwith\\u0007controls\\\\","quantity":"not a number"}',
])


def big_error(req):
    """A 400 whose message is 100,000 characters (and a cut multibyte one)."""
    msg = ("\u00e9" * 50000) + "end"
    req.send(400, ('{"error":{"type":"BadRequest","message":"%s"}}' % msg).encode())


# item 4: a bomb of tiny records, and a page of real-looking ones as large
def _bomb(mb):
    def make():
        n = (mb * 1024 * 1024) // 3
        return b'{"data":[' + b"{}," * (n - 1) + b'{}],"meta":{"records":%d}}' % n
    return make


def _rich(count):
    return lambda: _rich_page(count)


def _rich_page(count):
    recs = []
    for i in range(1, count + 1):
        recs.append(
            '{"id":%d,"etag":"\\"%032x\\"","type":"TimeEntry","date":"2024-03-%02d",'
            '"quantity":%d.25,"price":%d.5,"total":%d.75,"note":"Review of the file, call with client %d",'
            '"billed":%s,"on_bill":false,"created_at":"2024-03-01T10:%02d:00-05:00",'
            '"updated_at":"2024-03-02T11:%02d:00Z","matter":{"id":%d,"display_number":"%05d-Smith",'
            '"description":"Estate of Smith"},"user":{"id":%d,"name":"Ann Lee"},'
            '"activity_description":{"id":%d,"name":"Research"}}'
            % (i, i, 1 + i % 28, i % 9, 100 + i, 1000 + i, i, "true" if i % 2 else "false",
               i % 60, i % 60, 5000 + i % 300, i % 300, 7 + i % 5, 90 + i % 7))
    return _page(recs)


def _deep(n):
    return lambda: b'{"data":[{"id":1,"currency":' + b"[" * n + b"]" * n + b'}],"meta":{"records":1}}'


def _deep_body():
    n = 100000
    return b"[" * n + b"]" * n


# duplicate keys in one record
DUPS = (b'{"data":[{"id":1,"note":"first","note":"second","matter":{"id":1,"id":2},'
        b'"user":{"id":1},"user":{"id":2}}],"meta":{"records":1}}')

def token_bad(req):
    """A next link whose page_token is bytes that are not UTF-8; the page
    it names is an error, whose context shows the request."""
    if req.param("page_token") is None:
        req.page([{"id": 1}], total=2, next_url=req.base_url +
                 "/api/v4/activities.json?page_token=%FF%FEab&limit=200")
    else:
        req.send(503, {"error": {"type": "x", "message": "down"}})


SCENARIOS = {
    "v_token_bad": token_bad,
    "v_numbers": fixed(lambda: NUMBERS),
    "v_nul": fixed(lambda: NUL),
    "v_utf8_ff": fixed(_bad_utf8(b"\xff")),
    "v_utf8_overlong": fixed(_bad_utf8(b"\xc0\xaf")),
    "v_utf8_surrogate": fixed(_bad_utf8(b"\xed\xa0\x80")),
    "v_utf8_cut": fixed(_bad_utf8(b"\xe4\xb8")),
    "v_ids": fixed(lambda: IDS),
    "v_ids_long": fixed(lambda: IDS2),
    "v_ids_ctl": fixed(lambda: IDS3),
    "v_bigerror": big_error,
    "v_bomb": fixed(_bomb(8)),
    "v_rich": fixed(_rich(12000)),
    # for test/long/page_memory.sh
    "v_bomb8": fixed(_bomb(8)),
    "v_rich8": fixed(_rich(17000)),
    "v_bomb95": fixed(_bomb(95)),
    "v_rich95": fixed(_rich(200000)),
    "v_deep": fixed(_deep(100000)),
    "v_deep_body": fixed(_deep_body),
    "v_deep_600": fixed(_deep(600)),
    "v_deep_400": fixed(_deep(400)),
    "v_dups": fixed(lambda: DUPS),
    "v_lex_01": fixed(lambda: b'{"data":[{"id":01}],"meta":{"records":1}}'),
    "v_lex_plus": fixed(lambda: b'{"data":[{"id":+1}],"meta":{"records":1}}'),
    "v_lex_dot": fixed(lambda: b'{"data":[{"id":1.}],"meta":{"records":1}}'),
    "v_lex_nan": fixed(lambda: b'{"data":[{"id":NaN}],"meta":{"records":1}}'),
    "v_trailing": fixed(lambda: b'{"data":[{"id":1}],"meta":{"records":1}} trailing'),
    "v_meta": fixed(lambda: b'{"data":[{"id":1}],"meta":{"records":1e400}}'),
}
