"""Scenarios for clio_fewer: a Clio whose meta.records is not the count of
what it lists (count_lies), and one that gives no meta.records at all
(count_none), so that count(*)'s check and its fallback can be seen."""


def _three(req, total):
    n = int(req.param("limit") or 200)
    recs = [{"id": i} for i in (1, 2, 3)][:n]
    nxt = None
    if n < 3:
        nxt = req.base_url + "/api/v4/matters.json?page_token=p2&limit=%d" % n
    if req.param("page_token") == "p2":
        recs = [{"id": i} for i in (2, 3)]
        nxt = None
    body = {"data": recs, "meta": {"paging": {"next": nxt} if nxt else {}}}
    if total is not None:
        body["meta"]["records"] = total
    req.send(200, body)


SCENARIOS = {
    "count_lies": lambda req: _three(req, 999),
    "count_none": lambda req: _three(req, None),
}
