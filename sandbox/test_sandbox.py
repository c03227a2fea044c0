"""Tests of the Clio sandbox itself.

Run from the repository root:
    python3 -m unittest discover -s sandbox -p 'test_*.py'
"""

import gzip
import http.client
import json
import operator
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


CF_VALUE_FIELDS = (
    "custom_field_values{id,etag,field_name,created_at,updated_at,field_type,field_required,"
    "field_displayed,field_display_order,value,soft_deleted,custom_field,picklist_option,"
    "matter,contact}"
)
CF_DEF_FIELDS = (
    "id,etag,name,parent_type,field_type,displayed,deleted,required,display_order,"
    "picklist_options{id,etag,option,deleted_at,created_at,updated_at}"
)
CF_TYPES = (
    "checkbox contact currency date time email matter numeric picklist text_area text_line url"
).split()
CF_VALUE_RES = {
    "checkbox": r"^(true|false)$",
    "currency": r"^-?\d+\.\d{1,2}$",
    "numeric": r"^-?\d+\.\d+$",
    "date": r"^\d{4}-\d{2}-\d{2}$",
    "time": r"^\d{2}:\d{2}:\d{2}$",
    "email": r"^[^@\s]+@[^@\s]+\.[a-z]+$",
    "url": r"^https?://\S+$",
    "picklist": r"^\d+$",
    "contact": r"^\d+$",
    "matter": r"^\d+$",
    "text_line": r"^.+$",
    "text_area": r"(?s)^.+$",
}


class TestCustomFields(SandboxCase):
    """Custom fields as sandbox/README.md's "Custom fields" describes them."""

    def defs(self, params=None):
        params = dict({"fields": CF_DEF_FIELDS}, **(params or {}))
        return self.ok("/api/v4/custom_fields.json", params)["data"]

    def by_id(self):
        return {cf["id"]: cf for cf in self.records("custom_fields")}

    def values(self, rec, cf_id):
        return [v for v in rec["custom_field_values"] if v["custom_field"]["id"] == cf_id]

    def write(self, method, coll, id_, data, params=None):
        path = "/api/v4/%s.json" % coll if id_ is None else "/api/v4/%s/%s.json" % (coll, id_)
        return self.c.request(method, path, params, body={"data": data})

    # ---------------------------------------------------------- definitions
    def test_definitions(self):
        defs = self.defs()
        self.assertEqual([cf["id"] for cf in defs], list(range(8001, 8030)))
        for cf in defs:
            self.assertEqual(
                set(cf),
                {"id", "etag", "name", "parent_type", "field_type", "displayed", "deleted"}
                | {"required", "display_order", "picklist_options"},
            )
            self.assertIn(cf["parent_type"], ("Matter", "Contact"))
            self.assertIn(cf["field_type"], CF_TYPES)
            if cf["field_type"] != "picklist":
                self.assertEqual(cf["picklist_options"], [])
        for parent in ("Matter", "Contact"):
            live = {
                cf["field_type"]
                for cf in defs
                if cf["parent_type"] == parent and not cf["deleted"]
            }
            self.assertEqual(live, set(CF_TYPES), parent)
        named = {cf["name"]: cf for cf in defs}
        for name, parent, ftype in [
            ("Référence Interne", "Matter", "text_line"),
            ("Description", "Matter", "text_area"),
            ("Case Value", "Matter", "currency"),
            ("Case-Value!", "Matter", "numeric"),
            ("2nd Chair", "Matter", "contact"),
            ("Title", "Contact", "text_line"),
        ]:
            cf = named[name]
            self.assertEqual((cf["parent_type"], cf["field_type"]), (parent, ftype))
        self.assertEqual(
            [(cf["id"], cf["parent_type"]) for cf in defs if cf["deleted"]],
            [(8008, "Matter"), (8029, "Contact")],
        )
        lang = named["Language"]
        gone = [o for o in lang["picklist_options"] if o["deleted_at"] is not None]
        self.assertEqual([o["option"] for o in gone], ["Portuguese"])
        for o in lang["picklist_options"]:
            self.assertEqual(
                set(o), {"id", "etag", "option", "deleted_at", "created_at", "updated_at"}
            )
        d = self.ok("/api/v4/custom_fields/8026.json", {"fields": CF_DEF_FIELDS})
        self.assertEqual(d["data"], lang)
        # the list filters
        self.assertEqual(
            {cf["id"] for cf in self.defs({"parent_type": "contact"})},
            {cf["id"] for cf in defs if cf["parent_type"] == "Contact"},
        )
        self.assertEqual(
            [cf["id"] for cf in self.defs({"parent_type": "matter", "field_type": "text_line"})],
            [8001, 8008, 8009],
        )
        self.assertEqual([cf["id"] for cf in self.defs({"deleted": "true"})], [8008, 8029])
        self.assertEqual(len(self.defs({"deleted": "false"})), 27)
        self.assertEqual(
            [cf["name"] for cf in self.defs({"query": "case"})], ["Case Value", "Case-Value!"]
        )
        self.assertEqual([cf["id"] for cf in self.defs({"visible_and_required": "true"})], [8005])
        for bad in ({"parent_type": "Matter"}, {"field_type": "string"}, {"deleted": "yes"}):
            s, _, d = self.get("/api/v4/custom_fields.json", bad)
            self.assertError(s, d, 400)

    # ---------------------------------------------------------- values as read
    def check_value(self, coll, rec, v, cf, stores):
        import re

        self.assertEqual(set(v), set(CF_VALUE_FIELDS[len("custom_field_values{") : -1].split(",")))
        ftype = cf["field_type"]
        self.assertRegex(v["id"], r"^%s-\d+$" % ftype)
        self.assertEqual(v["field_type"], ftype)
        self.assertEqual(v["field_name"], cf["name"])
        self.assertEqual(v["field_required"], cf["required"])
        self.assertEqual(v["field_displayed"], cf["displayed"])
        self.assertEqual(v["field_display_order"], cf["display_order"])
        self.assertEqual(v["soft_deleted"], cf["deleted"])
        self.assertEqual(v["custom_field"], {"id": cf["id"], "etag": cf["etag"]})
        self.assertEqual(cf["parent_type"], {"matters": "Matter", "contacts": "Contact"}[coll])
        self.assertIsInstance(v["value"], str)
        self.assertRegex(v["value"], CF_VALUE_RES[ftype])
        if ftype == "currency":
            self.assertNotRegex(v["value"], r"\.\d0$")  # "1500.5", not "1500.50"
        if ftype == "time":
            self.assertTrue(re.match(r"^([01]\d|2[0-3]):[0-5]\d:[0-5]\d$", v["value"]))
        if ftype == "picklist":
            opt = [o for o in cf["picklist_options"] if str(o["id"]) == v["value"]]
            self.assertEqual(len(opt), 1)
            self.assertEqual(
                v["picklist_option"],
                {"id": opt[0]["id"], "etag": opt[0]["etag"], "option": opt[0]["option"]},
            )
        else:
            self.assertIsNone(v["picklist_option"])
        if ftype == "matter":
            m = stores["matters"][int(v["value"])]
            self.assertEqual(v["matter"], {"id": m["id"], "display_number": m["display_number"]})
        else:
            self.assertIsNone(v["matter"])
        if ftype == "contact":
            c = stores["contacts"][int(v["value"])]
            self.assertEqual(v["contact"], {"id": c["id"], "etag": c["etag"]})
        else:
            self.assertIsNone(v["contact"])

    def test_read_shape_of_every_type(self):
        defs = self.by_id()
        stores = {c: {r["id"]: r for r in self.records(c)} for c in ("matters", "contacts")}
        for coll in ("matters", "contacts"):
            recs, _, _ = self.scan(coll, {"fields": "id," + CF_VALUE_FIELDS})
            self.assertEqual(len(recs), len(stores[coll]))
            seen, ids = {}, set()
            for r in recs:
                self.assertEqual(
                    r["custom_field_values"], stores[coll][r["id"]]["custom_field_values"]
                )
                fields = [v["custom_field"]["id"] for v in r["custom_field_values"]]
                self.assertEqual(len(fields), len(set(fields)), r["id"])  # one value per field
                for v in r["custom_field_values"]:
                    cf = defs[v["custom_field"]["id"]]
                    self.check_value(coll, r, v, cf, stores)
                    self.assertNotIn(v["id"], ids)
                    ids.add(v["id"])
                    seen[cf["id"]] = seen.get(cf["id"], 0) + 1
            parent = "Matter" if coll == "matters" else "Contact"
            mine = {i for i, cf in defs.items() if cf["parent_type"] == parent}
            self.assertEqual(set(seen), mine)  # values of every field, deleted ones too
            for cf_id, n in seen.items():
                self.assertGreater(n, len(recs) // 10, cf_id)
                self.assertLess(n, len(recs), cf_id)  # and records without one
        # the values 8001/8004 had at first are unchanged and still come first
        m = stores["matters"][20000001]
        self.assertEqual(
            [(v["id"], v["value"]) for v in m["custom_field_values"][:2]],
            [("text_line-700000001", "Trident Capital LLC"), ("picklist-700000004", "8500034")],
        )
        # a value of a deleted option is still read, with its option
        lang = [v for r in stores["contacts"].values() for v in self.values(r, 8026)]
        self.assertIn("Portuguese", {v["picklist_option"]["option"] for v in lang})
        # default subfields of a value
        d = self.ok("/api/v4/matters/20000001.json", {"fields": "custom_field_values"})
        self.assertEqual(set(d["data"]["custom_field_values"][0]), {"id", "etag"})

    def test_custom_field_ids(self):
        m = self.records("matters")[0]
        self.assertGreater(len({v["custom_field"]["id"] for v in m["custom_field_values"]}), 2)
        params = [
            ("fields", "id,custom_field_values{value,custom_field}"),
            ("custom_field_ids[]", "8001"),
            ("custom_field_ids[]", "8005"),
        ]
        d = self.ok("/api/v4/matters/%d.json" % m["id"], params)
        self.assertEqual(
            [v["custom_field"]["id"] for v in d["data"]["custom_field_values"]], [8001, 8005]
        )
        d = self.ok("/api/v4/matters.json", params + [("ids[]", str(m["id"]))])
        self.assertEqual(
            [v["custom_field"]["id"] for v in d["data"][0]["custom_field_values"]], [8001, 8005]
        )
        s, _, d = self.get("/api/v4/matters/%d.json" % m["id"], {"custom_field_ids[]": "x"})
        self.assertError(s, d, 400)

    def test_definition_changed_later(self):
        """Values follow their definition as it is now: renamed, then deleted."""
        m = [r for r in self.records("matters") if self.values(r, 8009)][0]
        change = {"collection": "custom_fields", "id": 8009, "fields": {"name": "Ref"}}
        self.assertEqual(self.c.admin("POST", "mutate", change)[0], 200)
        d = self.ok("/api/v4/matters/%d.json" % m["id"], {"fields": CF_VALUE_FIELDS})
        (v,) = self.values(d["data"], 8009)
        self.assertEqual((v["field_name"], v["soft_deleted"]), ("Ref", False))
        change = {"collection": "custom_fields", "id": 8009, "fields": {"deleted": True}}
        self.assertEqual(self.c.admin("POST", "mutate", change)[0], 200)
        d = self.ok("/api/v4/matters/%d.json" % m["id"], {"fields": CF_VALUE_FIELDS})
        (v,) = self.values(d["data"], 8009)
        self.assertEqual((v["value"], v["soft_deleted"]), (self.values(m, 8009)[0]["value"], True))
        s, _, d = self.get("/api/v4/matters.json", {"custom_field_values[8009]": v["value"]})
        self.assertError(s, d, 400)
        s, _, d = self.write(
            "PATCH", "matters", m["id"], {"custom_field_values": [{"id": v["id"], "value": "x"}]}
        )
        self.assertError(s, d, 422)
        self.assertIn("Ref (8009) is deleted", d["error"]["message"])
        s, _, d = self.write(
            "PATCH",
            "matters",
            m["id"],
            {"custom_field_values": [{"id": v["id"], "_destroy": True}]},
            {"fields": "custom_field_values{custom_field}"},
        )
        self.assertEqual(s, 200, d)
        self.assertNotIn(8009, [x["custom_field"]["id"] for x in d["data"]["custom_field_values"]])

    # ---------------------------------------------------------- filters
    def seeded(self, coll):
        """The seeded records (filter tests write nothing)."""
        cache = self.__dict__.setdefault("_seeded", {})
        if coll not in cache:
            cache[coll] = self.records(coll)
        return cache[coll]

    def expect(self, coll, cf_id, text, test):
        """The filter's result equals the records whose live value passes `test`."""
        want = [
            r["id"]
            for r in self.seeded(coll)
            if any(test(v["value"]) and not v["soft_deleted"] for v in self.values(r, cf_id))
        ]
        got, _, n = self.scan(coll, {"custom_field_values[%d]" % cf_id: text, "fields": "id"})
        self.assertEqual([r["id"] for r in got], want, (coll, cf_id, text))
        self.assertEqual(n, len(want))
        return want

    def some_value(self, coll, cf_id, k=0):
        vals = sorted({v["value"] for r in self.seeded(coll) for v in self.values(r, cf_id)})
        return vals[k % len(vals)]

    def test_filter_single_operator_types(self):
        for coll, cf_id in [
            ("matters", 8001),
            ("matters", 8009),
            ("matters", 8010),
            ("matters", 8014),
            ("matters", 8016),
            ("contacts", 8017),
            ("contacts", 8023),
            ("contacts", 8027),
            ("contacts", 8028),
        ]:
            want = self.some_value(coll, cf_id, 3)
            # text types: the whole value, case-insensitively
            hits = self.expect(
                coll, cf_id, want.upper(), lambda v: v.casefold() == want.casefold()
            )
            self.assertTrue(hits)
            self.assertEqual(self.expect(coll, cf_id, want[:-1], lambda v: False), [])
        for coll, cf_id in [("matters", 8005), ("contacts", 8018)]:
            for b in ("true", "false"):
                self.assertTrue(self.expect(coll, cf_id, b, lambda v: v == b))
        for coll, cf_id in [("matters", 8004), ("contacts", 8006), ("contacts", 8026)]:
            for o in self.by_id()[cf_id]["picklist_options"]:
                # a deleted option (Portuguese) still finds the values that have it
                want = str(o["id"])
                self.assertTrue(self.expect(coll, cf_id, want, lambda v: v == want))
        for coll, cf_id in [
            ("matters", 8012),
            ("matters", 8015),
            ("contacts", 8019),
            ("contacts", 8024),
        ]:
            want = self.some_value(coll, cf_id, 5)
            self.assertTrue(self.expect(coll, cf_id, want, lambda v: v == want))
            self.assertEqual(self.expect(coll, cf_id, "1", lambda v: False), [])

    def test_filter_multi_operator_types(self):
        import datetime
        from decimal import Decimal

        def num(v):
            return Decimal(v)

        def day(v):
            return datetime.date.fromisoformat(v)

        def tod(v):
            return datetime.time.fromisoformat(v)

        names = ("=", "<", ">", "<=", ">=")
        ops = dict(zip(names, (operator.eq, operator.lt, operator.gt, operator.le, operator.ge)))
        cases = [
            ("matters", 8002, num, ["25000", "25000.0", "100000.5", "0.01"]),
            ("contacts", 8020, num, ["5000", "12500.5", "0.5"]),
            ("matters", 8011, num, ["37.25", "-12.5", "0"]),
            ("contacts", 8025, num, ["2", "2.0"]),
            ("matters", 8003, day, ["2025-06-30", "2027-01-01"]),
            ("contacts", 8007, day, ["2020-01-01"]),
            ("contacts", 8021, day, ["2023-05-05"]),
            ("matters", 8013, tod, ["09:30", "12:00:00", "08:00"]),
            ("contacts", 8022, tod, ["10:30", "13:00:00"]),
        ]
        for coll, cf_id, conv, samples in cases:
            # and one below every value, so that "<" finds nothing
            low = {num: "-1000", day: "1900-01-01", tod: "00:00"}[conv]
            samples = samples + [self.some_value(coll, cf_id, 7), low]
            nonempty = set()
            for s in samples:
                for op in ("", "=", "<", ">", "<=", ">="):
                    fn = ops[op or "="]
                    got = self.expect(
                        coll, cf_id, op + s, lambda v, fn=fn, s=s: fn(conv(v), conv(s))
                    )
                    nonempty.add(bool(got))
            self.assertEqual(nonempty, {True, False}, (coll, cf_id))
            lo_t, hi_t = sorted(
                (self.some_value(coll, cf_id, 1), self.some_value(coll, cf_id, 9)), key=conv
            )
            for form in ("[>=%s, <=%s]", "[>=%s,<=%s]", "[ >%s , <%s ]"):
                text = form % (lo_t, hi_t)
                strict = "[ >" in text
                got = self.expect(
                    coll,
                    cf_id,
                    text,
                    lambda v, strict=strict: (conv(lo_t) < conv(v) < conv(hi_t))
                    if strict
                    else (conv(lo_t) <= conv(v) <= conv(hi_t)),
                )
                if not strict:
                    self.assertTrue(got, (coll, cf_id, text))
        # several fields at once are ANDed
        a = set(self.expect("matters", 8005, "true", lambda v: v == "true"))
        b = set(self.expect("matters", 8002, ">=100000", lambda v: num(v) >= 100000))
        got, _, _ = self.scan(
            "matters",
            {"custom_field_values[8005]": "true", "custom_field_values[8002]": ">=100000"},
        )
        self.assertEqual({r["id"] for r in got}, a & b)
        self.assertTrue(a & b and a - b and b - a)

    def test_filter_errors(self):
        cases = [
            ("matters", 9999, "x"),  # no such field
            ("matters", 8006, "8500051"),  # a contact field
            ("contacts", 8001, "x"),  # a matter field
            ("matters", 8008, "LF-00001"),  # deleted
            ("contacts", 8029, "OC-0001"),  # deleted
            ("matters", 8001, ">x"),  # operators a single-operator type does not take
            ("matters", 8001, "<x"),
            ("matters", 8014, ">=a@b.com"),
            ("contacts", 8028, "<=https://x.com"),
            ("matters", 8016, "[=https://x.com]"),
            ("matters", 8005, ">true"),
            ("matters", 8005, "yes"),  # checkbox: true or false
            ("matters", 8005, "=true"),
            ("matters", 8004, "8500051"),  # another field's option
            ("matters", 8004, "Website"),  # the option's name, not its id
            ("contacts", 8026, ">=8500251"),
            ("matters", 8012, "abc"),  # contact: an id
            ("contacts", 8024, "-1"),  # matter: an id
            ("matters", 8012, "[10000001]"),
            ("matters", 8002, "abc"),  # numbers
            ("matters", 8002, ">=abc"),
            ("matters", 8002, "=>5"),
            ("matters", 8011, "1e3"),
            ("matters", 8002, "[>=1, 5]"),  # array: each with its operator
            ("matters", 8002, "[>=1, <=5"),
            ("matters", 8002, "[]"),
            ("matters", 8002, "[>=1,, <=5]"),
            ("matters", 8003, "2024-13-01"),  # dates
            ("matters", 8003, "2024/01/01"),
            ("matters", 8003, ">=2024-01-01T00:00:00Z"),
            ("contacts", 8022, "25:00"),  # times
            ("contacts", 8022, "9:30"),
            ("matters", 8013, "[>=09:00, <=noon]"),
        ]
        for coll, cf_id, text in cases:
            s, _, d = self.get("/api/v4/%s.json" % coll, {"custom_field_values[%d]" % cf_id: text})
            self.assertError(s, d, 400)
            self.assertIn("custom_field_values[%d]" % cf_id, d["error"]["message"], text)
        s, _, d = self.get("/api/v4/matters.json", {"custom_field_values[8001]": ""})
        self.assertError(s, d, 400)

    # ---------------------------------------------------------- writes
    def new_values(self, parent):
        """A value of every live field of `parent` (JSON strings as written)."""
        m = self.records("matters")[3]["id"]
        c = self.records("contacts")[4]["id"]
        defs = self.by_id()
        text = {
            "checkbox": "true",
            "contact": str(c),
            "currency": "1000",
            "date": "2027-03-01",
            "time": "09:30",
            "email": "new@example.com",
            "matter": str(m),
            "numeric": "2.50",
            "text_area": "Line one\nLine two",
            "text_line": "Ünïcode & <text>",
            "url": "https://example.com/a?b=c",
        }
        out = {}
        for cf in defs.values():
            if cf["parent_type"] != parent or cf["deleted"]:
                continue
            if cf["field_type"] == "picklist":
                live = [o for o in cf["picklist_options"] if not o["deleted_at"]]
                out[cf["id"]] = str(live[-1]["id"])
            else:
                out[cf["id"]] = text[cf["field_type"]]
        return out

    STORED = {"1000": "1000.0", "2.50": "2.5", "09:30": "09:30:00"}

    def test_post_values_of_every_type(self):
        defs = self.by_id()
        stores = {c: {r["id"]: r for r in self.records(c)} for c in ("matters", "contacts")}
        client = self.records("contacts")[0]["id"]
        for coll, parent, base in [
            ("matters", "Matter", {"description": "cf", "client": {"id": client}}),
            ("contacts", "Contact", {"name": "CF Person", "type": "Person"}),
        ]:
            vals = self.new_values(parent)
            items = [{"custom_field": {"id": k}, "value": v} for k, v in vals.items()]
            body = dict(base, custom_field_values=items)
            params = {"fields": "id,etag,updated_at," + CF_VALUE_FIELDS}
            s, _, d = self.write("POST", coll, None, body, params)
            self.assertEqual(s, 201, d)
            got = d["data"]["custom_field_values"]
            self.assertEqual([v["custom_field"]["id"] for v in got], list(vals))
            self.assertEqual(len({v["id"] for v in got}), len(got))
            for v in got:
                self.check_value(coll, d["data"], v, defs[v["custom_field"]["id"]], stores)
                written = vals[v["custom_field"]["id"]]
                self.assertEqual(v["value"], self.STORED.get(written, written))
                self.assertEqual(v["created_at"], d["data"]["updated_at"])
            path = "/api/v4/%s/%d.json" % (coll, d["data"]["id"])
            s, _, d2 = self.get(path, {"fields": CF_VALUE_FIELDS})
            self.assertEqual(d2["data"]["custom_field_values"], got)
            # a new record's values are found by the filters
            cf_id = [k for k in vals if defs[k]["field_type"] == "currency"][0]
            found, _, _ = self.scan(
                coll, {"custom_field_values[%d]" % cf_id: "[>=999.99, <=1000]"}
            )
            self.assertIn(d["data"]["id"], [r["id"] for r in found])

    def test_patch_change_add_destroy(self):
        fields = {"fields": "id,etag,updated_at," + CF_VALUE_FIELDS}
        for coll, change_id, add_id in [("matters", 8001, 8016), ("contacts", 8006, 8028)]:
            recs = self.records(coll)
            rec = [
                r
                for r in recs
                if self.values(r, change_id)
                and not self.values(r, add_id)
                and len(r["custom_field_values"]) > 2
            ][0]
            before = rec["custom_field_values"]
            old = self.values(rec, change_id)[0]
            gone = [v for v in before if v["custom_field"]["id"] != change_id][-1]
            if coll == "matters":
                new_value, add_value = "Other Side LLC", "https://example.org/court"
            else:
                opt = self.by_id()[8006]["picklist_options"]
                new_value = [str(o["id"]) for o in opt if str(o["id"]) != old["value"]][0]
                add_value = "https://www.linkedin.com/in/someone"
            body = {
                "custom_field_values": [
                    {"id": old["id"], "custom_field": {"id": change_id}, "value": new_value},
                    {"custom_field": {"id": add_id}, "value": add_value},
                    {"id": gone["id"], "_destroy": True},
                ]
            }
            s, _, d = self.write("PATCH", coll, rec["id"], body, fields)
            self.assertEqual(s, 200, d)
            after = d["data"]["custom_field_values"]
            self.assertNotEqual(d["data"]["etag"], rec["etag"])
            self.assertNotEqual(d["data"]["updated_at"], rec["updated_at"])
            kept = [v for v in before if v["id"] not in (old["id"], gone["id"])]
            self.assertEqual([v for v in after if v["id"] in {k["id"] for k in kept}], kept)
            changed = [v for v in after if v["id"] == old["id"]][0]
            self.assertEqual(changed["value"], new_value)
            self.assertNotEqual(changed["etag"], old["etag"])
            self.assertEqual(changed["created_at"], old["created_at"])
            self.assertEqual(changed["updated_at"], d["data"]["updated_at"])
            if coll == "contacts":
                self.assertEqual(str(changed["picklist_option"]["id"]), new_value)
            added = after[-1]
            self.assertEqual((added["custom_field"]["id"], added["value"]), (add_id, add_value))
            self.assertNotIn(added["id"], {v["id"] for v in before})
            self.assertNotIn(gone["id"], {v["id"] for v in after})
            self.assertEqual(len(after), len(before))
            # the response honours custom_field_ids[]
            s, _, d = self.write(
                "PATCH",
                coll,
                rec["id"],
                {"custom_field_values": [{"id": changed["id"], "value": new_value}]},
                [
                    ("fields", "id,custom_field_values{id,value}"),
                    ("custom_field_ids[]", str(add_id)),
                ],
            )
            self.assertEqual(s, 200, d)
            self.assertEqual(
                d["data"]["custom_field_values"], [{"id": added["id"], "value": add_value}]
            )

    def test_write_errors(self):
        recs = self.records("matters")
        m = [r for r in recs if self.values(r, 8001) and self.values(r, 8016)][0]
        other = [r for r in recs if r["id"] != m["id"] and self.values(r, 8001)][0]
        client = self.records("contacts")[0]["id"]
        # records without values, for the checks of each type
        base = {"description": "x", "client": {"id": client}}
        s, _, d = self.write("POST", "matters", None, base)
        fresh = {"matters": d["data"]["id"]}
        s, _, d = self.write("POST", "contacts", None, {"name": "Fresh", "type": "Company"})
        fresh["contacts"] = d["data"]["id"]
        v8001 = self.values(m, 8001)[0]["id"]
        lang = self.by_id()[8026]["picklist_options"]
        dead = [str(o["id"]) for o in lang if o["deleted_at"]][0]
        ref = self.by_id()[8004]["picklist_options"][0]["id"]

        def new(cf_id, value):
            return {"custom_field": {"id": cf_id}, "value": value}

        cases = [
            ("matters", [new(8002, 1000)], "must be a JSON string"),
            ("matters", [new(8002, None)], "must be a JSON string"),
            ("matters", [new(8002, "12.345")], "Case Value (8002)"),
            ("matters", [new(8002, "abc")], "not a number"),
            ("matters", [new(8011, "1,5")], "Case-Value! (8011)"),
            ("matters", [new(8003, "2027-02-30")], "not a date"),
            ("matters", [new(8013, "24:00")], "not a time"),
            ("matters", [new(8014, "not-an-email")], "not an email"),
            ("matters", [new(8016, "ftp://example.com")], "URL"),
            ("matters", [new(8009, "x" * 256)], "255"),
            ("matters", [new(8009, "")], "blank"),
            ("matters", [new(8012, "99")], "contacts 99 does not exist"),
            ("matters", [new(8015, "20000002")], "matters 20000002 does not exist"),
            ("matters", [new(8015, "x")], "not an id"),
            ("contacts", [new(8018, "yes")], "VIP (8018)"),
            ("contacts", [new(8026, dead)], "not an option"),
            ("contacts", [new(8026, str(ref))], "not an option"),
            ("contacts", [new(8026, "English")], "not an id"),
            ("matters", [new(9999, "x")], "9999 does not exist"),
            ("matters", [new(8006, str(ref))], "a Contact field"),
            ("contacts", [new(8001, "x")], "a Matter field"),
            ("matters", [new(8008, "LF-1")], "deleted"),
            ("contacts", [new(8029, "OC-1")], "deleted"),
            ("matters", [new(8001, "again")], "has already been taken"),
            ("matters", [new(8016, "https://b.com")], "has already been taken"),
            ("matters", [new(8016, "https://a.com")] * 2, "has already been taken"),
            (
                "matters",
                [{"id": self.values(other, 8001)[0]["id"], "value": "x"}],
                "is not a custom field value of this Matter",
            ),
            ("matters", [{"id": 700000001, "value": "x"}], "is not a custom field value"),
            (
                "matters",
                [{"id": v8001, "custom_field": {"id": 8004}, "value": "x"}],
                "does not match",
            ),
            ("matters", [{"id": v8001, "value": "a"}, {"id": v8001, "value": "b"}], "once"),
            ("matters", [{"_destroy": True}], "_destroy needs the id"),
            ("matters", [{"custom_field": {"id": 8001}, "_destroy": True}], "needs the id"),
            ("matters", [{"id": v8001, "_destroy": "yes"}], "_destroy"),
            ("matters", [{"id": v8001}], "value is required"),
            ("matters", [{"value": "x"}], "custom_field is required"),
            ("matters", [{"custom_field": {"id": "x"}, "value": "x"}], "integer"),
            ("matters", [{"custom_field": {"id": 8001, "name": "x"}, "value": "x"}], "only an id"),
            ("matters", [dict(new(8016, "https://a.com"), colour="red")], "colour"),
            ("matters", ["x"], "must be an object"),
            ("matters", {"custom_field": {"id": 8016}}, "must be an array"),
        ]
        for coll, items, msg in cases:
            uses_m = "already been taken" in msg or any(
                isinstance(i, dict) and "id" in i for i in items
            )
            id_ = m["id"] if uses_m else fresh[coll]
            etag = self.ok("/api/v4/%s/%d.json" % (coll, id_))["data"]["etag"]
            s, _, d = self.write(
                "PATCH",
                coll,
                id_,
                {"custom_field_values": items},
                {"fields": "id,etag," + CF_VALUE_FIELDS},
            )
            self.assertError(s, d, 422)
            self.assertIn(msg, d["error"]["message"], items)
            # nothing changed
            self.assertEqual(self.ok("/api/v4/%s/%d.json" % (coll, id_))["data"]["etag"], etag)
        # POST: no existing values to change or remove, and the same type checks
        for items in (
            [{"id": v8001, "value": "x"}],
            [{"id": v8001, "_destroy": True}],
            [new(8002, "12.345")],
            [new(8006, "1")],
        ):
            n = len(self.records("matters"))
            s, _, d = self.write("POST", "matters", None, dict(base, custom_field_values=items))
            self.assertError(s, d, 422)
            self.assertEqual(len(self.records("matters")), n)
        # a 422 spends no value ids: the next new value gets the first one
        s, _, d = self.write(
            "PATCH",
            "matters",
            fresh["matters"],
            {"custom_field_values": [new(8016, "https://a.com")]},
            {"fields": "custom_field_values{id}"},
        )
        self.assertEqual(d["data"]["custom_field_values"], [{"id": "url-790000001"}])


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
