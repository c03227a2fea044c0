"""Scenarios every hostile suite can lean on: a well-behaved Clio of three
matters, to show a suite's setup works before it turns hostile."""


def matters(req):
    """Three matters with whatever top-level fields were asked for."""
    fields = [f for f in (req.param("fields") or "id").split(",") if f and "{" not in f]
    recs = []
    for i in (1, 2, 3):
        r = {}
        for f in fields:
            r[f] = i if f == "id" else ("%s %d" % (f, i))
        recs.append(r)
    req.page(recs)


SCENARIOS = {"ok": matters}
