"""Tests of the Clio sandbox itself.

Run from the repository root:
    python3 -m unittest discover -s sandbox -p 'test_*.py'
"""

import gzip
import http.client
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
import unittest
import urllib.parse

HERE = os.path.dirname(os.path.abspath(__file__))
if HERE not in sys.path:
    sys.path.insert(0, HERE)

import clio_sandbox  # noqa: E402

KEY = "sandbox-key"


class Client:
    def __init__(self, port):
        self.port = port

    def request(
        self,
        method,
        path,
        params=None,
        body=None,
        headers=None,
        key=KEY,
        port=None,
        raw=False,
        timeout=10,
    ):
        if params:
            path += ("&" if "?" in path else "?") + urllib.parse.urlencode(params)
        h = {}
        if key is not None:
            h["Authorization"] = "Bearer " + key
        if body is not None and not isinstance(body, (bytes, str)):
            body = json.dumps(body)
            h["Content-Type"] = "application/json"
        h.update(headers or {})
        conn = http.client.HTTPConnection("127.0.0.1", port or self.port, timeout=timeout)
        try:
            conn.request(method, path, body=body, headers=h)
            resp = conn.getresponse()
            data = resp.read()
            hdrs = {k.lower(): v for k, v in resp.getheaders()}
        finally:
            conn.close()
        if raw:
            return resp.status, hdrs, data
        doc = (
            json.loads(data)
            if data and hdrs.get("content-type", "").startswith("application/json")
            else data
        )
        return resp.status, hdrs, doc

    def get(self, path, params=None, **kw):
        return self.request("GET", path, params, **kw)

    def admin(self, method, path, body=None):
        return self.request(method, "/_sandbox/" + path, body=body, key=None)


class SandboxCase(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        args = clio_sandbox.parse_args(
            ["--port", "0", "--api-key", KEY, "--api-key", "second-key"]
        )
        cls.sb, cls.api, cls.storage = clio_sandbox.serve(args)
        cls.c = Client(cls.sb.port)

    @classmethod
    def tearDownClass(cls):
        for srv in (cls.api, cls.storage):
            srv.stopping = True
            srv.shutdown()
            srv.server_close()

    def setUp(self):
        status, _, _ = self.c.admin("POST", "reset")
        self.assertEqual(status, 200)

    def get(self, path, params=None, **kw):
        return self.c.get(path, params, **kw)

    def ok(self, path, params=None, **kw):
        status, hdrs, doc = self.c.get(path, params, **kw)
        self.assertEqual(status, 200, doc)
        return doc

    def records(self, coll):
        status, _, doc = self.c.admin("GET", "records/" + coll)
        self.assertEqual(status, 200)
        return doc["data"]

    def assertError(self, status, doc, want):
        self.assertEqual(status, want, doc)
        self.assertIsInstance(doc, dict)
        self.assertIn("type", doc["error"])
        self.assertIn("message", doc["error"])

    def scan(self, coll, params):
        """Follow meta.paging.next to the end; returns (records, pages)."""
        out = []
        pages = 0
        path = "/api/v4/%s.json" % coll
        while True:
            doc = self.ok(path, params)
            pages += 1
            out.extend(doc["data"])
            nxt = doc["meta"]["paging"].get("next")
            if not nxt:
                return out, pages, doc["meta"]["records"]
            u = urllib.parse.urlsplit(nxt)
            self.assertEqual(u.scheme + "://" + u.netloc, "https://app.clio.com")
            path = u.path
            params = urllib.parse.parse_qsl(u.query, keep_blank_values=True)


class TestAuthAndHeaders(SandboxCase):
    def test_missing_and_wrong_key(self):
        s, h, d = self.get("/api/v4/matters.json", key=None)
        self.assertError(s, d, 401)
        s, h, d = self.get("/api/v4/matters.json", key="nope")
        self.assertError(s, d, 401)
        self.assertIn("x-ratelimit-limit", h)
        s, h, d = self.get("/api/v4/matters.json", key="second-key")
        self.assertEqual(s, 200)

    def test_default_fields_and_headers(self):
        s, h, d = self.get("/api/v4/matters.json")
        self.assertEqual(s, 200)
        self.assertEqual(set(d["data"][0]), {"id", "etag"})
        self.assertEqual(h["x-api-version"], "4.0.9")
        for k in ("x-ratelimit-limit", "x-ratelimit-remaining", "x-ratelimit-reset"):
            self.assertIn(k, h)
        self.assertEqual(h["x-ratelimit-limit"], "100000")
        self.assertGreater(int(h["x-ratelimit-reset"]), time.time())
        self.assertTrue(h["content-type"].startswith("application/json"))

    def test_api_version(self):
        s, h, d = self.get("/api/v4/matters.json", headers={"X-API-VERSION": "4.0.5"})
        self.assertEqual(s, 200)
        self.assertEqual(h["x-api-version"], "4.0.5")
        s, h, d = self.get("/api/v4/matters.json", headers={"X-API-VERSION": "4.0.1"})
        self.assertError(s, d, 410)
        s, h, d = self.get("/api/v4/matters.json", headers={"X-API-VERSION": "banana"})
        self.assertError(s, d, 410)

    def test_versioned_fields(self):
        s, _, d = self.get("/api/v4/documents.json", {"fields": "id,document_versions"})
        self.assertError(s, d, 400)
        s, _, d = self.get(
            "/api/v4/documents.json",
            {"fields": "id,document_versions"},
            headers={"X-API-VERSION": "4.0.5"},
        )
        self.assertEqual(s, 200)
        s, _, d = self.get(
            "/api/v4/activities.json",
            {"fields": "id,quantity_redacted"},
            headers={"X-API-VERSION": "4.0.7"},
        )
        self.assertError(s, d, 400)

    def test_gzip(self):
        s, h, raw = self.c.request(
            "GET",
            "/api/v4/activities.json",
            {"fields": "id,note"},
            headers={"Accept-Encoding": "gzip"},
            raw=True,
        )
        self.assertEqual(s, 200)
        self.assertEqual(h["content-encoding"], "gzip")
        self.assertEqual(int(h["content-length"]), len(raw))
        doc = json.loads(gzip.decompress(raw))
        self.assertEqual(len(doc["data"]), 200)
        s, h, raw = self.c.request("GET", "/api/v4/activities.json", raw=True)
        self.assertNotIn("content-encoding", h)

    def test_unknown_paths(self):
        s, _, d = self.get("/api/v4/nonsense.json")
        self.assertError(s, d, 404)
        s, _, d = self.c.request("POST", "/api/v4/users.json", body={"data": {}})
        self.assertError(s, d, 404)

    def test_rails_json_escaping(self):
        d = self.ok("/api/v4/groups.json", {"fields": "id,name"})
        self.assertIn("Hartwell & Moss LLP", [g["name"] for g in d["data"]])
        s, h, raw = self.c.request("GET", "/api/v4/groups.json", {"fields": "id,name"}, raw=True)
        self.assertIn(b"Hartwell \\u0026 Moss", raw)


class TestFields(SandboxCase):
    def test_scalar_and_nested(self):
        d = self.ok(
            "/api/v4/activities.json",
            {"fields": "id,date,matter{id,display_number},user", "limit": 5},
        )
        a = d["data"][0]
        self.assertEqual(set(a), {"id", "date", "matter", "user"})
        self.assertEqual(set(a["user"]), {"id", "etag"})
        if a["matter"] is not None:
            self.assertEqual(set(a["matter"]), {"id", "display_number"})

    def test_second_level(self):
        d = self.ok("/api/v4/activities.json", {"fields": "id,matter{id,client}", "limit": 50})
        withm = [a for a in d["data"] if a["matter"]]
        self.assertTrue(withm)
        self.assertEqual(set(withm[0]["matter"]["client"]), {"id", "etag"})
        s, _, doc = self.get("/api/v4/activities.json", {"fields": "id,matter{client{name}}"})
        self.assertError(s, doc, 400)

    def test_unknown_fields(self):
        s, _, d = self.get("/api/v4/matters.json", {"fields": "id,bogus"})
        self.assertError(s, d, 400)
        self.assertIn("bogus", d["error"]["message"])
        s, _, d = self.get("/api/v4/matters.json", {"fields": "id,client{bogus}"})
        self.assertError(s, d, 400)
        self.assertIn("bogus", d["error"]["message"])
        for bad in ("id,", "id,{name}", "client{id", "id}", "id{x}"):
            s, _, d = self.get("/api/v4/matters.json", {"fields": bad})
            self.assertError(s, d, 400)

    def test_calendar_entry_ids_are_strings(self):
        d = self.ok(
            "/api/v4/calendar_entries.json",
            {"fields": "id,summary,calendar_owner{id}", "limit": 3},
        )
        self.assertIsInstance(d["data"][0]["id"], str)
        self.assertIsInstance(d["data"][0]["calendar_owner"]["id"], int)
        one = self.ok("/api/v4/calendar_entries/%s.json" % d["data"][0]["id"])
        self.assertEqual(one["data"]["id"], d["data"][0]["id"])

    def test_all_fields_of_every_collection(self):
        cat = self.sb.catalog
        for path, res in cat.resources.items():
            params = {
                "fields": ",".join(
                    n for n in res.field_order if res.field_available(n, (4, 0, 9))
                ),
                "limit": 5,
            }
            if path == "notes":
                params["type"] = "Matter"
            for name, f in res.filters.items():
                if f.get("required") and name != "type":
                    params[name] = "1"
            s, _, d = self.get("/api/v4/%s.json" % path, params)
            self.assertEqual(s, 200, (path, d))
            for rec in d["data"]:
                self.assertEqual(list(rec), params["fields"].split(","))


class TestPaging(SandboxCase):
    def test_cursor_paging(self):
        recs, pages, total = self.scan("activities", {"fields": "id", "limit": 200})
        self.assertEqual(total, 4000)
        self.assertEqual(len(recs), 4000)
        self.assertEqual(pages, 20)
        ids = [r["id"] for r in recs]
        self.assertEqual(ids, sorted(ids))
        self.assertEqual(len(set(ids)), len(ids))
        self.assertTrue(all(i > 2**31 for i in ids))

    def test_next_keeps_params_and_last_page_has_none(self):
        d = self.ok("/api/v4/matters.json", {"fields": "id,status", "status": "open", "limit": 50})
        nxt = d["meta"]["paging"]["next"]
        self.assertTrue(nxt.startswith("https://app.clio.com/api/v4/matters.json?"))
        q = urllib.parse.parse_qs(urllib.parse.urlsplit(nxt).query)
        self.assertEqual(q["status"], ["open"])
        self.assertEqual(q["fields"], ["id,status"])
        self.assertIn("page_token", q)
        d = self.ok("/api/v4/practice_areas.json")
        self.assertEqual(d["meta"]["paging"], {})
        self.assertEqual(d["meta"]["records"], 10)

    def test_gateway_next_is_still_clio(self):
        d = self.ok("/clio/api/v4/contacts", {"limit": 10})
        self.assertTrue(
            d["meta"]["paging"]["next"].startswith("https://app.clio.com/api/v4/contacts.json?")
        )

    def test_limit_bounds(self):
        for bad in ("0", "201", "-1", "abc"):
            s, _, d = self.get("/api/v4/matters.json", {"limit": bad})
            self.assertError(s, d, 400)
        self.assertEqual(len(self.ok("/api/v4/matters.json", {"limit": 1})["data"]), 1)
        self.assertEqual(len(self.ok("/api/v4/matters.json")["data"]), 200)

    def test_bad_page_token(self):
        s, _, d = self.get("/api/v4/matters.json", {"page_token": "garbage"})
        self.assertError(s, d, 400)

    def test_order_and_offset(self):
        d = self.ok(
            "/api/v4/matters.json",
            {"fields": "id,display_number", "order": "display_number(desc)", "limit": 100},
        )
        nums = [m["display_number"] for m in d["data"]]
        self.assertEqual(nums, sorted(nums, key=str.casefold, reverse=True))
        nxt = d["meta"]["paging"]["next"]
        q = urllib.parse.parse_qs(urllib.parse.urlsplit(nxt).query)
        self.assertEqual(q["offset"], ["100"])
        self.assertNotIn("page_token", q)
        s, _, d = self.get("/api/v4/matters.json", {"order": "bogus(asc)"})
        self.assertError(s, d, 400)
        s, _, d = self.get(
            "/api/v4/activities.json", {"order": "date(asc)", "offset": "9900", "limit": 200}
        )
        self.assertError(s, d, 422)
        self.assertEqual(d["error"]["type"], "ArgumentError")
        d = self.ok(
            "/api/v4/activities.json",
            {"order": "date(asc)", "offset": "3990", "fields": "id,date"},
        )
        self.assertEqual(len(d["data"]), 10)
        dates = [a["date"] for a in d["data"]]
        self.assertEqual(dates, sorted(dates))

    def test_offset_scan_matches_cursor_scan(self):
        recs, _, _ = self.scan("tasks", {"fields": "id", "order": "id(desc)"})
        self.assertEqual(len(recs), 1500)
        self.assertEqual([r["id"] for r in recs], sorted((r["id"] for r in recs), reverse=True))

    def test_undeclared_param(self):
        s, _, d = self.get("/api/v4/matters.json", {"nonsense": "1"})
        self.assertError(s, d, 400)
        s, _, d = self.get("/api/v4/matters.json", {"ids": "1"})
        self.assertError(s, d, 400)
        s, _, d = self.get(
            "/api/v4/matters/%d.json" % self.records("matters")[0]["id"], {"status": "open"}
        )
        self.assertError(s, d, 400)


class TestFilters(SandboxCase):
    def test_matter_status(self):
        allm = self.records("matters")
        d = self.ok("/api/v4/matters.json", {"status": "open", "fields": "id,status"})
        self.assertEqual(d["meta"]["records"], sum(m["status"] == "Open" for m in allm))
        self.assertTrue(all(m["status"] == "Open" for m in d["data"]))
        d = self.ok(
            "/api/v4/matters.json", {"status": "open,pending", "fields": "id,status", "limit": 1}
        )
        self.assertEqual(
            d["meta"]["records"], sum(m["status"] in ("Open", "Pending") for m in allm)
        )
        s, _, d = self.get("/api/v4/matters.json", {"status": "Open"})
        self.assertError(s, d, 400)
        s, _, d = self.get("/api/v4/matters.json", {"status": "open,bogus"})
        self.assertError(s, d, 400)

    def test_matter_dates(self):
        allm = self.records("matters")
        want = [
            m["id"]
            for m in allm
            if m["open_date"] and "2024-01-01" <= m["open_date"] < "2025-01-01"
        ]
        got, _, total = self.scan(
            "matters", [("open_date[]", ">=2024-01-01"), ("open_date[]", "<2025-01-01")]
        )
        self.assertEqual([m["id"] for m in got], want)
        s, _, d = self.get("/api/v4/matters.json", {"open_date[]": "2024-01-01"})
        self.assertError(s, d, 400)

    def test_activity_filters(self):
        acts = self.records("activities")
        mid = acts[0]["matter"]["id"]
        got, _, total = self.scan("activities", {"matter_id": mid, "fields": "id,matter{id}"})
        self.assertEqual(
            [a["id"] for a in got],
            [a["id"] for a in acts if a["matter"] and a["matter"]["id"] == mid],
        )
        got, _, _ = self.scan("activities", {"matter_id": "null"})
        self.assertEqual(len(got), sum(1 for a in acts if a["matter"] is None))
        got, _, _ = self.scan(
            "activities", {"user_id": 1003, "start_date": "2026-01-01", "end_date": "2026-03-31"}
        )
        want = [
            a["id"]
            for a in acts
            if a["user"]["id"] == 1003 and "2026-01-01" <= a["date"] <= "2026-03-31"
        ]
        self.assertEqual([a["id"] for a in got], want)
        self.assertTrue(want)
        got, _, _ = self.scan("activities", {"type": "ExpenseEntry"})
        self.assertEqual(len(got), sum(a["type"] == "ExpenseEntry" for a in acts))
        got, _, _ = self.scan("activities", {"status": "billed"})
        self.assertEqual(len(got), sum(a["billed"] for a in acts))
        got, _, _ = self.scan("activities", {"query": "DEPOSITION"})
        self.assertEqual(
            len(got), sum(1 for a in acts if a["note"] and "deposition" in a["note"].lower())
        )
        for bad in (
            {"matter_id": "abc"},
            {"start_date": "2026-13-01"},
            {"type": "timeentry"},
            {"flat_rate": "yes"},
        ):
            s, _, d = self.get("/api/v4/activities.json", bad)
            self.assertError(s, d, 400)

    def test_updated_since(self):
        acts = self.records("activities")
        cut = sorted(a["updated_at"] for a in acts)[3000]
        got, _, total = self.scan("activities", {"updated_since": cut, "fields": "id,updated_at"})
        import sbx_util

        want = [
            a["id"] for a in acts if sbx_util.parse_ts(a["updated_at"]) >= sbx_util.parse_ts(cut)
        ]
        self.assertEqual([a["id"] for a in got], want)
        s, _, d = self.get("/api/v4/activities.json", {"updated_since": "yesterday"})
        self.assertError(s, d, 400)

    def test_ids(self):
        ms = self.records("matters")
        ids = [ms[3]["id"], ms[7]["id"], 1]
        d = self.ok("/api/v4/matters.json", [("ids[]", ids[0]), ("ids[]", ids[1]), ("ids[]", 1)])
        self.assertEqual([m["id"] for m in d["data"]], sorted(ids[:2]))

    def test_task_filters(self):
        tasks = self.records("tasks")
        got, _, _ = self.scan("tasks", {"priority": "high", "fields": "id,priority"})
        self.assertEqual(len(got), sum(t["priority"] == "High" for t in tasks))
        s, _, d = self.get("/api/v4/tasks.json", {"priority": "High"})
        self.assertError(s, d, 400)
        got, _, _ = self.scan("tasks", {"assignee_id": 1002, "assignee_type": "user"})
        self.assertEqual(len(got), sum(t["assignee"]["id"] == 1002 for t in tasks))
        s, _, d = self.get("/api/v4/tasks.json", {"assignee_id": 1002})
        self.assertError(s, d, 400)
        got, _, _ = self.scan("tasks", {"due_at_from": "2026-01-01", "due_at_to": "2026-01-31"})
        self.assertEqual(
            len(got),
            sum(1 for t in tasks if t["due_at"] and "2026-01-01" <= t["due_at"] <= "2026-01-31"),
        )
        ms = {m["id"]: m for m in self.records("matters")}
        client = ms[tasks[0]["matter"]["id"]]["client"]["id"] if tasks[0]["matter"] else None
        if client:
            got, _, _ = self.scan("tasks", {"client_id": client})
            self.assertEqual(
                len(got),
                sum(
                    1
                    for t in tasks
                    if t["matter"] and ms[t["matter"]["id"]]["client"]["id"] == client
                ),
            )

    def test_bill_filters(self):
        bills = self.records("bills")
        got, _, _ = self.scan("bills", {"state": "paid"})
        self.assertEqual(len(got), sum(b["state"] == "paid" for b in bills))
        got, _, _ = self.scan("bills", {"overdue_only": "true"})
        want = [
            b
            for b in bills
            if b["state"] == "awaiting_payment" and b["due_at"] < "2026-11-28" and b["balance"] > 0
        ]
        self.assertEqual(len(got), len(want))
        self.assertTrue(want)
        got, _, _ = self.scan("bills", {"due_after": "2026-01-01", "due_before": "2026-06-30"})
        self.assertEqual(
            len(got), sum(1 for b in bills if "2026-01-01" < b["due_at"] < "2026-06-30")
        )

    def test_notes_need_type(self):
        s, _, d = self.get("/api/v4/notes.json")
        self.assertError(s, d, 400)
        s, _, d = self.get("/api/v4/notes.json", {"type": "matter"})
        self.assertError(s, d, 400)
        d = self.ok(
            "/api/v4/notes.json", {"type": "Contact", "fields": "id,type,contact{id}", "limit": 5}
        )
        self.assertTrue(all(n["type"] == "Contact" and n["contact"] for n in d["data"]))
        self.assertEqual(d["meta"]["records"], len(self.records("contact_notes")))

    def test_contacts_and_users(self):
        cs = self.records("contacts")
        got, _, _ = self.scan("contacts", {"type": "Company"})
        self.assertEqual(len(got), sum(c["type"] == "Company" for c in cs))
        got, _, _ = self.scan("contacts", {"client_only": "true"})
        self.assertEqual(len(got), sum(c["is_client"] for c in cs))
        d = self.ok(
            "/api/v4/users.json",
            {"subscription_type": "attorney", "fields": "id,subscription_type"},
        )
        self.assertTrue(d["data"])
        self.assertTrue(all(u["subscription_type"] == "Attorney" for u in d["data"]))

    def test_documents_hide_trashed(self):
        docs = self.records("documents")
        d = self.ok("/api/v4/documents.json", {"limit": 1})
        self.assertEqual(d["meta"]["records"], sum(1 for x in docs if not x["deleted_at"]))
        d = self.ok("/api/v4/documents.json", {"limit": 1, "include_deleted": "true"})
        self.assertEqual(d["meta"]["records"], len(docs))


class TestRecords(SandboxCase):
    def test_record_get_and_404(self):
        m = self.records("matters")[0]
        s, h, d = self.get("/api/v4/matters/%d.json" % m["id"], {"fields": "id,display_number"})
        self.assertEqual(s, 200)
        self.assertEqual(d["data"], {"id": m["id"], "display_number": m["display_number"]})
        self.assertEqual(h["etag"], m["etag"])
        self.assertIn("last-modified", h)
        s, h, d = self.get("/api/v4/matters/%d" % m["id"])
        self.assertEqual(s, 200)
        s, _, d = self.get("/api/v4/matters/999.json")
        self.assertError(s, d, 404)
        s, _, d = self.get("/api/v4/matters/abc.json")
        self.assertError(s, d, 404)
        s, h, d = self.get(
            "/api/v4/matters/%d.json" % m["id"], headers={"If-None-Match": m["etag"]}
        )
        self.assertEqual(s, 304)

    def test_who_am_i(self):
        d = self.ok("/api/v4/users/who_am_i.json", {"fields": "id,name,account_owner"})
        self.assertEqual(d["data"]["id"], 1001)
        self.assertTrue(d["data"]["account_owner"])

    def test_referential_integrity(self):
        index = {}
        for coll in (
            "matters",
            "contacts",
            "users",
            "practice_areas",
            "activities",
            "tasks",
            "bills",
        ):
            index[coll] = {r["id"]: r for r in self.records(coll)}
        for m in index["matters"].values():
            self.assertIn(m["client"]["id"], index["contacts"])
            self.assertIn(m["responsible_attorney"]["id"], index["users"])
            self.assertIn(m["practice_area"]["id"], index["practice_areas"])
            self.assertTrue(m["display_number"].startswith("%05d-" % m["number"]))
            if m["status"] == "Closed":
                self.assertTrue(m["close_date"] and m["open_date"] <= m["close_date"])
            if m["status"] == "Pending":
                self.assertIsNone(m["open_date"])
        for a in index["activities"].values():
            self.assertLessEqual(a["date"], "2026-11-28")
            if a["matter"]:
                m = index["matters"][a["matter"]["id"]]
                self.assertGreaterEqual(a["date"], m["pending_date"] or m["open_date"])
                if m["close_date"]:
                    self.assertLessEqual(a["date"], m["close_date"])
            if a["bill"]:
                self.assertIn(a["bill"]["id"], index["bills"])
            if a["type"] == "TimeEntry":
                self.assertAlmostEqual(
                    a["total"], round(a["price"] * a["rounded_quantity"] / 3600, 2), 2
                )

    def test_admin_records_notes_tables(self):
        mn = self.records("matter_notes")
        cn = self.records("contact_notes")
        self.assertTrue(all(n["type"] == "Matter" for n in mn))
        self.assertTrue(all(n["type"] == "Contact" for n in cn))
        self.assertEqual(len(self.records("notes")), len(mn) + len(cn))


class TestWrites(SandboxCase):
    def post(self, coll, data, params=None, **kw):
        return self.c.request("POST", "/api/v4/%s.json" % coll, params, body={"data": data}, **kw)

    def patch(self, coll, id_, data, params=None, **kw):
        return self.c.request(
            "PATCH", "/api/v4/%s/%s.json" % (coll, id_), params, body={"data": data}, **kw
        )

    def test_matter_lifecycle(self):
        client = self.records("contacts")[0]["id"]
        s, _, d = self.post(
            "matters",
            {"description": "New matter", "client": {"id": client}, "status": "pending"},
            {"fields": "id,etag,status,client{id},display_number,pending_date"},
        )
        self.assertEqual(s, 201, d)
        m = d["data"]
        self.assertEqual(m["status"], "Pending")
        self.assertEqual(m["client"]["id"], client)
        s, _, d = self.post("matters", {"description": "x", "client": {"id": client}})
        self.assertEqual(set(d["data"]), {"id", "etag"})
        # PATCH with the right etag, then a stale one
        s, h, d = self.patch(
            "matters",
            m["id"],
            {"status": "open"},
            {"fields": "id,etag,status,updated_at"},
            headers={"If-Match": m["etag"]},
        )
        self.assertEqual(s, 200, d)
        self.assertEqual(d["data"]["status"], "Open")
        self.assertNotEqual(d["data"]["etag"], m["etag"])
        s, _, d2 = self.patch(
            "matters", m["id"], {"description": "y"}, headers={"If-Match": m["etag"]}
        )
        self.assertError(s, d2, 412)
        s, _, d2 = self.c.request(
            "DELETE", "/api/v4/matters/%d.json" % m["id"], headers={"If-Match": m["etag"]}
        )
        self.assertError(s, d2, 412)
        s, _, body = self.c.request("DELETE", "/api/v4/matters/%d.json" % m["id"])
        self.assertEqual(s, 204)
        self.assertFalse(body)
        s, _, d = self.get("/api/v4/matters/%d.json" % m["id"])
        self.assertError(s, d, 404)

    def test_validation(self):
        client = self.records("contacts")[0]["id"]
        cases = [
            {"client": {"id": client}},  # missing description
            {"description": "x", "client": {"id": 1}},  # client does not exist
            {"description": "x", "client": {"id": client}, "status": "Open"},  # enum is lower case
            {"description": 5, "client": {"id": client}},  # wrong type
            {"description": "x", "client": {"id": client}, "number": 5},  # not writable
            {"description": "x", "client": {"id": client}, "open_date": "yesterday"},
        ]
        for data in cases:
            s, _, d = self.post("matters", data)
            self.assertError(s, d, 422)
        s, _, d = self.c.request("POST", "/api/v4/matters.json", body="{not json")
        self.assertError(s, d, 400)

    def test_activity_create_computes_totals(self):
        m = self.records("matters")[0]["id"]
        s, _, d = self.post(
            "activities",
            {
                "type": "TimeEntry",
                "date": "2026-11-27",
                "quantity": 5400,
                "matter": {"id": m},
                "note": "Research",
            },
            {"fields": "id,price,total,quantity_in_hours,user{id},matter{id}"},
        )
        self.assertEqual(s, 201, d)
        a = d["data"]
        self.assertEqual(a["user"]["id"], 1001)
        self.assertEqual(a["quantity_in_hours"], 1.5)
        self.assertEqual(a["total"], round(a["price"] * 1.5, 2))
        d = self.ok("/api/v4/activities.json", {"ids[]": a["id"], "fields": "id"})
        self.assertEqual(d["meta"]["records"], 1)
        d = self.ok("/api/v4/activities.json", {"matter_id": m, "fields": "id", "limit": 200})
        self.assertIn(a["id"], [x["id"] for x in d["data"]])

    def test_task_assignee(self):
        s, _, d = self.post("tasks", {"name": "t", "description": "d", "assignee": {"id": 1002}})
        self.assertError(s, d, 422)
        s, _, d = self.post(
            "tasks",
            {
                "name": "t",
                "description": "d",
                "assignee": {"id": 1002, "type": "User"},
                "priority": "High",
                "due_at": "2026-12-15T17:00:00Z",
            },
            {"fields": "id,assignee{id,type},priority,due_at,status"},
        )
        self.assertEqual(s, 201, d)
        self.assertEqual(d["data"]["assignee"], {"id": 1002, "type": "User"})
        self.assertEqual(d["data"]["due_at"], "2026-12-15")
        self.assertEqual(d["data"]["status"], "pending")

    def test_calendar_owner_needs_type(self):
        base = {
            "summary": "Meeting",
            "start_at": "2026-12-01T10:00:00-05:00",
            "end_at": "2026-12-01T11:00:00-05:00",
            "calendar_owner": {"id": 7001},
        }
        s, _, d = self.post("calendar_entries", base)
        self.assertError(s, d, 422)
        self.assertIn("calendar_owner.type is required", json.dumps(d))

    def test_calendar_quirk(self):
        m = self.records("matters")[0]["id"]
        base = {
            "summary": "Meeting",
            "start_at": "2026-12-01T10:00:00-05:00",
            "end_at": "2026-12-01T11:00:00-05:00",
            "calendar_owner": {"id": 7001, "type": "User"},
        }
        s, _, d = self.post("calendar_entries", dict(base, matter={"id": m}))
        self.assertError(s, d, 404)
        s, _, d = self.post("calendar_entries", base, {"fields": "id,calendar_owner{id}"})
        self.assertEqual(s, 201, d)
        ce = d["data"]["id"]
        self.assertIsInstance(ce, str)
        s, _, d = self.patch(
            "calendar_entries", ce, {"matter": {"id": m}}, {"fields": "id,matter{id}"}
        )
        self.assertEqual(s, 200, d)
        self.assertEqual(d["data"]["matter"]["id"], m)
        s, _, d = self.post(
            "calendar_entries",
            {"summary": "x", "start_at": "2026-12-01T10:00:00Z", "end_at": "2026-12-01T11:00:00Z"},
        )
        self.assertError(s, d, 422)

    def test_mutate_at(self):
        m = self.records("matters")[6]
        at = 1893456000  # 2030-01-01T00:00:00Z
        s, _, d = self.c.admin(
            "POST", "mutate", {"collection": "matters", "id": m["id"], "fields": {}, "at": at}
        )
        self.assertEqual(s, 200)
        got = self.ok("/api/v4/matters/%d.json" % m["id"], {"fields": "updated_at"})
        self.assertEqual(got["data"]["updated_at"], d["updated_at"])
        self.assertTrue(d["updated_at"].startswith("2029-12-31T19:00:00"), d)
        s, _, d = self.c.admin(
            "POST", "mutate", {"collection": "matters", "id": m["id"], "fields": {}, "at": "x"}
        )
        self.assertEqual(s, 400)

    def test_mutate_then_stale_patch(self):
        m = self.records("matters")[5]
        s, _, d = self.c.admin(
            "POST",
            "mutate",
            {
                "collection": "matters",
                "id": m["id"],
                "fields": {"description": "changed elsewhere"},
            },
        )
        self.assertEqual(s, 200)
        self.assertNotEqual(d["etag"], m["etag"])
        s, _, d = self.patch(
            "matters", m["id"], {"description": "mine"}, headers={"If-Match": m["etag"]}
        )
        self.assertError(s, d, 412)
        got = self.ok("/api/v4/matters/%d.json" % m["id"], {"fields": "description"})
        self.assertEqual(got["data"]["description"], "changed elsewhere")

    def test_methods_not_allowed(self):
        b = self.records("bills")[0]["id"]
        s, _, d = self.post("bills", {"number": "1"})
        self.assertError(s, d, 404)
        s, _, d = self.c.request("DELETE", "/api/v4/users/1001.json")
        self.assertError(s, d, 404)
        s, _, d = self.patch("bills", b, {"memo": "hello"}, {"fields": "id,memo"})
        self.assertEqual(s, 200, d)

    def test_reset_restores(self):
        m = self.records("matters")[0]
        self.c.request("DELETE", "/api/v4/matters/%d.json" % m["id"])
        self.c.admin("POST", "reset")
        self.assertEqual(self.records("matters")[0], m)


class TestWritesEverywhere(SandboxCase):
    """A minimal valid body for every collection that takes POST: no 5xx anywhere."""

    def sample(self, node, key, path):
        t = node.get("t")
        stores = self.sb.datasets[0].stores
        if node.get("enum"):
            return node["enum"][0]
        if t == "string":
            return {"date": "2026-11-20", "date-time": "2026-11-20T10:00:00-05:00"}.get(
                node.get("f"), "x"
            )
        if t == "integer":
            return {
                "matter_id": stores["matters"].ids[0],
                "medical_provider_id": stores["contacts"].ids[0],
                "report_preset_id": stores["report_presets"].ids[0],
            }.get(key, 1)
        if t == "number":
            return 1.5
        if t == "boolean":
            return True
        if t == "object":
            props = node.get("p", {})
            if "id" in props:
                if props.get("type", {}).get("enum"):
                    ty = props["type"]["enum"][0]
                    coll = {
                        "User": "users",
                        "Contact": "contacts",
                        "Matter": "matters",
                        "Folder": "folders",
                        "Document": "documents",
                        "CalendarEntry": "calendar_entries",
                    }.get(ty, "tasks")
                    return {"id": stores[coll].ids[0], "type": ty}
                f = self.sb.catalog.resources[path].fields.get(key)
                target = self.sb.catalog.ref_path(f.ref) if f is not None and f.ref else None
                if target in stores and len(stores[target].ids):
                    return {"id": stores[target].ids[0]}
                return {"id": 1}
            return {k: self.sample(v, k, path) for k, v in props.items() if k in node.get("r", [])}
        return [] if t == "array" else None

    def test_no_server_errors(self):
        for path, res in sorted(self.sb.catalog.resources.items()):
            if not res.methods["post"] or not res.post_body:
                continue
            node = res.post_body
            body = {k: self.sample(node["p"][k], k, path) for k in node.get("r", [])}
            if path == "notes":
                body = {
                    "type": "Matter",
                    "matter": {"id": self.sb.datasets[0].stores["matters"].ids[0]},
                }
            if path == "calendar_entries":
                # the owner's type, which Clio requires though the spec omits it
                body["calendar_owner"]["type"] = "UserCalendar"
            s, _, d = self.c.request("POST", "/api/v4/%s.json" % path, body={"data": body})
            self.assertEqual(s, 201, (path, body, d))
            id_ = d["data"]["id"]
            if res.methods["patch"] and res.patch_body:
                pb = {k: self.sample(v, k, path) for k, v in list(res.patch_body["p"].items())[:3]}
                s, _, d = self.c.request(
                    "PATCH", "/api/v4/%s/%s.json" % (path, id_), body={"data": pb}
                )
                self.assertIn(s, (200, 422), (path, pb, d))
            if res.methods["delete"]:
                s, _, d = self.c.request("DELETE", "/api/v4/%s/%s.json" % (path, id_))
                self.assertEqual(s, 204, (path, d))


class TestMore(SandboxCase):
    def test_previous_links(self):
        d = self.ok("/api/v4/contacts.json", {"limit": 100})
        self.assertNotIn("previous", d["meta"]["paging"])
        u = urllib.parse.urlsplit(d["meta"]["paging"]["next"])
        d2 = self.ok(u.path, urllib.parse.parse_qsl(u.query))
        p = urllib.parse.urlsplit(d2["meta"]["paging"]["previous"])
        d3 = self.ok(p.path, urllib.parse.parse_qsl(p.query))
        self.assertEqual(d3["data"], d["data"])
        d = self.ok("/api/v4/contacts.json", {"limit": 100, "order": "name(asc)", "offset": 100})
        q = urllib.parse.parse_qs(urllib.parse.urlsplit(d["meta"]["paging"]["previous"]).query)
        self.assertEqual(q["offset"], ["0"])

    def test_custom_field_value_filter(self):
        ms = self.records("matters")
        opt = self.records("custom_fields")[3]["picklist_options"][0]
        self.assertEqual(opt["option"], "Website")
        want = [
            m["id"]
            for m in ms
            if any(
                v["custom_field"]["id"] == 8004
                and v["picklist_option"]
                and v["picklist_option"]["id"] == opt["id"]
                for v in m["custom_field_values"]
            )
        ]
        got, _, _ = self.scan("matters", {"custom_field_values[8004]": str(opt["id"])})
        self.assertEqual([m["id"] for m in got], want)
        self.assertTrue(want)
        d = self.ok(
            "/api/v4/matters/%d.json" % want[0],
            [("fields", "custom_field_values{id,value}"), ("custom_field_ids[]", "8001")],
        )
        self.assertEqual(len(d["data"]["custom_field_values"]), 1)

    def test_second_firm_records(self):
        s, _, d = self.c.admin("GET", "records/users?firm=1")
        self.assertEqual([u["id"] for u in d["data"]][:1], [700001001])
        s, _, info = self.c.admin("GET", "info")
        self.assertEqual(info["who_am_i"], [1001, 700001001])
        self.assertEqual(info["counts"][0]["activities"], 4000)

    def test_trickle(self):
        self.c.admin(
            "POST",
            "faults",
            {
                "rules": [
                    {
                        "path": "^/api/v4/users",
                        "action": "slow",
                        "trickle_ms": 20,
                        "chunk_bytes": 200,
                    }
                ]
            },
        )
        t = time.time()
        d = self.ok("/api/v4/users.json", {"fields": "id,name,email"})
        self.assertEqual(len(d["data"]), 12)
        self.assertGreater(time.time() - t, 0.04)

    def test_document_new_version(self):
        doc = self.records("documents")[1]
        old = self.ok(
            "/api/v4/documents/%d.json" % doc["id"],
            {"fields": "latest_document_version{version_number}"},
        )["data"]
        old = old["latest_document_version"]["version_number"]
        s, _, d = self.c.request(
            "POST",
            "/api/v4/documents.json",
            {"fields": "id,latest_document_version{version_number,fully_uploaded}"},
            body={"data": {"name": doc["name"], "parent": {"id": doc["id"], "type": "Document"}}},
        )
        self.assertEqual(s, 201, d)
        self.assertEqual(d["data"]["id"], doc["id"])
        self.assertFalse(d["data"]["latest_document_version"]["fully_uploaded"])
        self.assertEqual(d["data"]["latest_document_version"]["version_number"], old + 1)

    def test_long_urls(self):
        ids = [("ids[]", str(3000000001 + i)) for i in range(200)]
        self.assertEqual(self.get("/api/v4/activities.json", ids)[0], 200)
        s, _, _ = self.get("/api/v4/activities.json", ids * 3)
        self.assertEqual(s, 414)
        d = self.ok("/_sandbox/records/matters/%d" % self.records("matters")[0]["id"], key=None)
        self.assertEqual(d["data"]["number"], 1)

    def test_head_and_conditional(self):
        m = self.records("matters")[0]
        s, h, body = self.c.request("HEAD", "/api/v4/matters/%d.json" % m["id"], raw=True)
        self.assertEqual((s, body), (200, b""))
        from sbx_util import http_date, parse_ts

        s, _, _ = self.get(
            "/api/v4/matters/%d.json" % m["id"],
            headers={"If-Modified-Since": http_date(parse_ts(m["updated_at"]) + 5)},
        )
        self.assertEqual(s, 304)


class TestRateLimitsAndFaults(SandboxCase):
    def test_rate_limit(self):
        self.c.admin("POST", "config", {"rate_limit": 3, "rate_window": 60})
        for i in range(3):
            s, h, d = self.get("/api/v4/users.json")
            self.assertEqual(s, 200)
            self.assertEqual(h["x-ratelimit-limit"], "3")
            self.assertEqual(h["x-ratelimit-remaining"], str(2 - i))
        s, h, d = self.get("/api/v4/users.json")
        self.assertError(s, d, 429)
        self.assertGreaterEqual(int(h["retry-after"]), 1)
        s, h, d = self.get("/api/v4/users.json", key="second-key")
        self.assertEqual(s, 200)
        self.c.admin("POST", "config", {"rate_limit": 2, "rate_window": 3})
        self.get("/api/v4/users.json")
        self.get("/api/v4/users.json")
        s, h, d = self.get("/api/v4/users.json")
        self.assertEqual(s, 429)
        time.sleep(int(h["retry-after"]) + 0.1)
        s, h, d = self.get("/api/v4/users.json")
        self.assertEqual(s, 200)

    def test_fault_rules(self):
        self.c.admin(
            "POST",
            "faults",
            {
                "rules": [
                    {"path": "^/api/v4/matters", "action": "503", "nth": 2, "retry_after": 7},
                    {"path": "^/api/v4/contacts", "action": "malformed"},
                    {"path": "^/api/v4/users", "action": "429", "count": 2},
                ]
            },
        )
        self.assertEqual(self.get("/api/v4/matters.json")[0], 200)
        s, h, d = self.get("/api/v4/matters.json")
        self.assertError(s, d, 503)
        self.assertEqual(h["retry-after"], "7")
        self.assertEqual(self.get("/api/v4/matters.json")[0], 200)
        s, h, raw = self.c.request("GET", "/api/v4/contacts.json", raw=True)
        self.assertEqual(s, 200)
        self.assertRaises(ValueError, json.loads, raw)
        self.assertEqual(self.get("/api/v4/users.json")[0], 429)
        self.assertEqual(self.get("/api/v4/users.json")[0], 429)
        self.assertEqual(self.get("/api/v4/users.json")[0], 200)
        s, _, state = self.c.admin("GET", "faults")
        self.assertEqual([r["fired"] for r in state["rules"]], [1, 1, 2])
        self.assertEqual(len(state["fired"]), 4)
        self.c.admin("DELETE", "faults")
        self.assertEqual(self.c.admin("GET", "faults")[2]["rules"], [])

    def test_drop_truncate_stall_slow(self):
        self.c.admin(
            "POST",
            "faults",
            {
                "rules": [
                    {"path": "^/api/v4/matters", "action": "drop"},
                    {"path": "^/api/v4/contacts", "action": "truncate"},
                    {"path": "^/api/v4/users", "action": "stall"},
                    {"path": "^/api/v4/practice_areas", "action": "slow", "delay_ms": 300},
                ]
            },
        )
        self.assertRaises(
            (http.client.RemoteDisconnected, ConnectionError), self.get, "/api/v4/matters.json"
        )
        self.assertRaises(http.client.IncompleteRead, self.get, "/api/v4/contacts.json")
        import socket

        self.assertRaises(socket.timeout, self.c.request, "GET", "/api/v4/users.json", timeout=0.5)
        t = time.time()
        self.assertEqual(self.get("/api/v4/practice_areas.json")[0], 200)
        self.assertGreaterEqual(time.time() - t, 0.3)

    def test_mutate_fault(self):
        m = self.records("matters")[2]
        self.c.admin(
            "POST",
            "faults",
            {
                "rules": [
                    {
                        "path": "^/api/v4/matters/",
                        "method": "PATCH",
                        "action": "mutate",
                        "mutate": {
                            "collection": "matters",
                            "id": m["id"],
                            "fields": {"location": "Elsewhere"},
                        },
                    }
                ]
            },
        )
        s, _, d = self.c.request(
            "PATCH",
            "/api/v4/matters/%d.json" % m["id"],
            body={"data": {"location": "Here"}},
            headers={"If-Match": m["etag"]},
        )
        self.assertError(s, d, 412)

    def test_latency(self):
        self.c.admin("POST", "config", {"latency_ms": 150})
        t = time.time()
        self.get("/api/v4/users.json")
        self.assertGreaterEqual(time.time() - t, 0.15)
        t = time.time()
        self.c.admin("GET", "config")
        self.assertLess(time.time() - t, 0.15)

    def test_log(self):
        self.c.admin("DELETE", "log")
        self.get(
            "/api/v4/matters.json",
            {"fields": "id,status", "status": "open"},
            headers={"X-Test": "yes"},
        )
        self.c.request("POST", "/api/v4/notes.json", body={"data": {"type": "Matter"}})
        s, _, d = self.c.admin("GET", "log")
        self.assertEqual(len(d["entries"]), 2)
        e = d["entries"][0]
        self.assertEqual(e["method"], "GET")
        self.assertEqual(e["path"], "/api/v4/matters.json")
        self.assertEqual(e["params"], {"fields": ["id,status"], "status": ["open"]})
        self.assertEqual(e["headers"]["x-test"], "yes")
        self.assertEqual(e["headers"]["authorization"], "Bearer " + KEY)
        self.assertEqual(e["status"], 200)
        self.assertGreater(e["bytes"], 0)
        self.assertIn("status=open", e["query"])
        self.assertEqual(d["entries"][1]["status"], 422)
        self.assertIn('"type"', d["entries"][1]["body"])
        s, _, d2 = self.c.admin("GET", "log?since=%d" % e["seq"])
        self.assertEqual(len(d2["entries"]), 1)


class TestMatonAndOAuth(SandboxCase):
    def test_connections(self):
        s, _, d = self.get("/connections", {"app": "clio", "status": "ACTIVE"})
        self.assertEqual(s, 200)
        ids = [c["connection_id"] for c in d["connections"]]
        self.assertEqual(
            ids, ["21fd90f9-5935-43cd-b6c8-bde9d915ca80", "6a3e1c44-8f0b-4b7e-9d52-0c1e2f3a4b5c"]
        )
        s, _, d = self.c.request("POST", "/connections", body={"app": "clio"})
        self.assertEqual(d["connection"]["status"], "PENDING")
        self.assertTrue(
            d["connection"]["url"].startswith("https://connect.maton.ai/?session_token=")
        )
        cid = d["connection"]["connection_id"]
        self.assertEqual(self.get("/connections/" + cid)[2]["connection"]["connection_id"], cid)
        self.assertEqual(self.c.request("DELETE", "/connections/" + cid)[0], 200)
        self.assertEqual(self.get("/connections/" + cid)[0], 404)
        self.assertEqual(self.get("/connections", key="bad")[0], 401)

    def test_gateway_connection_choice(self):
        a = self.ok("/clio/api/v4/users/who_am_i", {"fields": "id,name"})
        b = self.ok(
            "/clio/api/v4/users/who_am_i",
            {"fields": "id,name"},
            headers={"Maton-Connection": "6a3e1c44-8f0b-4b7e-9d52-0c1e2f3a4b5c"},
        )
        self.assertEqual(a["data"]["id"], 1001)
        self.assertNotEqual(a["data"], b["data"])
        s, _, d = self.get(
            "/clio/api/v4/matters",
            headers={"Maton-Connection": "9b7d2e10-3c4f-4a8b-b1e6-7f8a9b0c1d2e"},
        )
        self.assertEqual(s, 400)
        s, _, d = self.get("/clio/api/v4/matters", headers={"Maton-Connection": "nope"})
        self.assertEqual(s, 400)
        small = self.ok(
            "/clio/api/v4/matters.json",
            {"limit": 1},
            headers={"Maton-Connection": "6a3e1c44-8f0b-4b7e-9d52-0c1e2f3a4b5c"},
        )
        self.assertEqual(small["meta"]["records"], 50)

    def test_oauth(self):
        form = urllib.parse.urlencode(
            {
                "grant_type": "refresh_token",
                "refresh_token": "sandbox-refresh-token",
                "client_id": "sandbox-client-id",
                "client_secret": "sandbox-client-secret",
            }
        )
        ctype = {"Content-Type": "application/x-www-form-urlencoded"}
        s, _, d = self.c.request("POST", "/oauth/token", body=form, headers=ctype, key=None)
        self.assertEqual(s, 200, d)
        self.assertEqual(d["token_type"], "bearer")
        token = d["access_token"]
        self.assertEqual(self.get("/api/v4/users/who_am_i.json", key=token)[0], 200)
        self.assertEqual(self.get("/clio/api/v4/users/who_am_i.json", key=token)[0], 401)
        self.c.admin("POST", "expire_tokens")
        s, h, d = self.get("/api/v4/users/who_am_i.json", key=token)
        self.assertError(s, d, 401)
        self.assertIn("expired", h["www-authenticate"])
        bad = form.replace("sandbox-refresh-token", "wrong")
        s, _, d = self.c.request("POST", "/oauth/token", body=bad, headers=ctype, key=None)
        self.assertEqual((s, d["error"]), (400, "invalid_grant"))
        bad = form.replace("sandbox-client-secret", "wrong")
        s, _, d = self.c.request("POST", "/oauth/token", body=bad, headers=ctype, key=None)
        self.assertEqual((s, d["error"]), (401, "invalid_client"))


class TestDocuments(SandboxCase):
    def storage_get(self, location, headers=None):
        u = urllib.parse.urlsplit(location)
        conn = http.client.HTTPConnection(u.hostname, u.port, timeout=10)
        conn.request("GET", u.path + "?" + u.query, headers=headers or {})
        try:
            r = conn.getresponse()
            return r.status, dict((k.lower(), v) for k, v in r.getheaders()), r.read()
        finally:
            conn.close()

    def test_download(self):
        docs = [d for d in self.records("documents") if not d["deleted_at"]]
        doc = docs[0]
        s, h, body = self.c.request(
            "GET", "/api/v4/documents/%d/download.json" % doc["id"], raw=True
        )
        self.assertEqual(s, 303)
        loc = h["location"]
        self.assertIn(":%d/" % self.sb.storage_port, loc)
        s, h2, data = self.storage_get(loc)
        self.assertEqual(s, 200)
        self.assertEqual(len(data), doc["size"])
        self.assertEqual(h2["content-type"], doc["content_type"])
        s, _, _ = self.storage_get(loc, {"Authorization": "Bearer " + KEY})
        self.assertEqual(s, 400)
        s, _, _ = self.storage_get(loc.replace("Signature=", "Signature=0"))
        self.assertEqual(s, 403)
        log = self.c.admin("GET", "log")[2]["entries"]
        storage = [e for e in log if e["listener"] == "storage"]
        self.assertEqual(len(storage), 3)
        self.assertNotIn("authorization", storage[0]["headers"])
        self.assertIn("authorization", storage[1]["headers"])
        s, _, d = self.c.get("/api/v4/documents/1/download")
        self.assertError(s, d, 404)

    def test_sizes_and_binary(self):
        docs = self.records("documents")
        sizes = [d["size"] for d in docs]
        self.assertIn(0, sizes)
        self.assertGreater(max(sizes), 3 * 1024 * 1024)
        self.assertGreater(len({d["content_type"] for d in docs}), 5)

    def test_upload_flow(self):
        m = self.records("matters")[0]["id"]
        s, _, d = self.c.request(
            "POST",
            "/api/v4/documents.json",
            {"fields": "id,latest_document_version{uuid,put_url,put_headers,fully_uploaded}"},
            body={"data": {"name": "notes.txt", "parent": {"id": m, "type": "Matter"}}},
        )
        self.assertEqual(s, 201, d)
        doc = d["data"]
        ver = doc["latest_document_version"]
        self.assertFalse(ver["fully_uploaded"])
        # not listed until complete
        lst = self.ok("/api/v4/documents.json", {"ids[]": doc["id"]})
        self.assertEqual(lst["meta"]["records"], 0)
        s, _, d = self.c.request(
            "PATCH",
            "/api/v4/documents/%d.json" % doc["id"],
            body={"data": {"uuid": ver["uuid"], "fully_uploaded": True}},
        )
        self.assertError(s, d, 422)
        payload = "héllo wörld\n".encode() * 100
        u = urllib.parse.urlsplit(ver["put_url"])
        hdrs = {h["name"]: h["value"] for h in ver["put_headers"]}
        conn = http.client.HTTPConnection(u.hostname, u.port, timeout=10)
        conn.request(
            "PUT", u.path + "?" + u.query, body=payload, headers={"Content-Type": "text/plain"}
        )
        self.assertEqual(conn.getresponse().status, 403)  # a signed header is missing
        conn.close()
        conn = http.client.HTTPConnection(u.hostname, u.port, timeout=10)
        conn.request("PUT", u.path + "?" + u.query, body=payload, headers=hdrs)
        self.assertEqual(conn.getresponse().status, 200)
        conn.close()
        s, _, d = self.c.request(
            "PATCH",
            "/api/v4/documents/%d.json" % doc["id"],
            {"fields": "id,size,latest_document_version{fully_uploaded}"},
            body={"data": {"uuid": ver["uuid"], "fully_uploaded": True}},
        )
        self.assertEqual(s, 200, d)
        self.assertEqual(d["data"]["size"], len(payload))
        s, h, _ = self.c.request("GET", "/api/v4/documents/%d/download" % doc["id"], raw=True)
        self.assertEqual(s, 303)
        s, _, data = self.storage_get(h["location"])
        self.assertEqual(data, payload)


class TestDeterminismAndCli(unittest.TestCase):
    def test_same_seed_same_data(self):
        from sbx_catalog import Catalog
        from sbx_dataset import Dataset

        cat = Catalog()
        a, b, c = Dataset(cat, 42, 1), Dataset(cat, 42, 1), Dataset(cat, 7, 1)
        for coll in ("matters", "activities", "contacts", "documents", "bills", "tasks"):
            ra = a.full_records(cat.resources[coll], (4, 0, 9))
            rb = b.full_records(cat.resources[coll], (4, 0, 9))
            self.assertEqual(json.dumps(ra), json.dumps(rb))
        self.assertNotEqual(
            json.dumps(a.full_records(cat.resources["matters"], (4, 0, 9))),
            json.dumps(c.full_records(cat.resources["matters"], (4, 0, 9))),
        )
        self.assertEqual(
            a.seed_content(a.stores["documents"].seed_ids[0], 1),
            b.seed_content(b.stores["documents"].seed_ids[0], 1),
        )

    def test_cli(self):
        with tempfile.TemporaryDirectory() as tmp:
            pf = os.path.join(tmp, "port")
            p = subprocess.Popen(
                [
                    sys.executable,
                    os.path.join(HERE, "clio_sandbox.py"),
                    "--port",
                    "0",
                    "--port-file",
                    pf,
                    "--latency-ms",
                    "1",
                ],
                stdout=subprocess.PIPE,
                text=True,
            )
            try:
                line = p.stdout.readline()
                self.assertRegex(line, r"^clio sandbox listening on http://127\.0\.0\.1:\d+")
                with open(pf) as f:
                    port = int(f.read())
                self.assertIn(":%d" % port, line)
                s, _, d = Client(port).get("/api/v4/users/who_am_i.json")
                self.assertEqual(s, 200)
                p.send_signal(signal.SIGTERM)
                self.assertEqual(p.wait(10), 0)
            finally:
                if p.poll() is None:
                    p.kill()
                    p.wait()
                p.stdout.close()


if __name__ == "__main__":
    unittest.main()
