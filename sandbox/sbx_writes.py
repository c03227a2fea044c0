"""POST / PATCH / DELETE for the Clio sandbox.

Bodies use Clio's envelope {"data": {...}} and are checked against the
request-body schemas of Clio's spec (sandbox/spec_extract.json): unknown
keys, wrong types, values outside an enum, missing required keys and
references to records that do not exist are 422s with Clio's error body.
"""

import datetime
import json
import mimetypes
import time
import uuid

from sbx_custom import PARENT_TYPE, written_values
from sbx_store import Ref
from sbx_util import (
    ApiError,
    bad_request,
    etag_for,
    fmt_date,
    fmt_ts,
    not_found,
    parse_date,
    parse_ts,
    unprocessable,
    eastern_offset,
)

# Where the spec's body schema differs from what Clio accepts in practice.
BODY_PATCHES = {
    # calendar_owner is documented with `id` only; Maton's examples send
    # {"id": .., "type": "User"} and Clio accepts it.
    ("calendar_entries", "calendar_owner"): {"type": {"t": "string"}},
}
# References Clio refuses without these keys (as Clio does: "must have both
# an id and a type").
BODY_REQUIRED = {
    ("calendar_entries", "calendar_owner"): ["id", "type"],
}
# Polymorphic references: the `type` in the body picks the collection.
POLY_TYPES = {
    "User": "users",
    "Contact": "contacts",
    "Matter": "matters",
    "Folder": "folders",
    "Document": "documents",
    "Calendar": "calendars",
}


def now_epoch():
    return time.time()


def parse_body(raw):
    if not raw:
        raise bad_request("A request body is required")
    try:
        doc = json.loads(raw)
    except (ValueError, UnicodeDecodeError):
        raise bad_request("The request body is not valid JSON")
    if not isinstance(doc, dict) or "data" not in doc:
        raise bad_request("param is missing or the value is empty: data")
    data = doc["data"]
    if not isinstance(data, dict):
        raise unprocessable("data must be an object")
    return data


def check_node(node, value, where, errors):
    """Type-check a body value against a compact schema node."""
    if value is None:
        return
    t = node.get("t", "any")
    if t == "string":
        if not isinstance(value, str):
            errors.append("%s must be a string" % where)
            return
        if node.get("enum") and value not in node["enum"]:
            errors.append("%s must be one of %s" % (where, ", ".join(node["enum"])))
        f = node.get("f")
        if f == "date" and parse_date(value) is None:
            errors.append("%s must be an ISO-8601 date" % where)
        if f == "date-time" and parse_ts(value) is None and parse_date(value) is None:
            errors.append("%s must be an ISO-8601 timestamp" % where)
    elif t == "integer":
        # a reference's id may come as its text (calendar entries' ids are
        # strings in Clio's answers, integers in its bodies)
        if where.endswith(".id") and isinstance(value, str) and value.isdigit():
            return
        if isinstance(value, bool) or not isinstance(value, int):
            errors.append("%s must be an integer" % where)
    elif t == "number":
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            errors.append("%s must be a number" % where)
    elif t == "boolean":
        if not isinstance(value, bool):
            errors.append("%s must be true or false" % where)
    elif t == "object":
        if not isinstance(value, dict):
            errors.append("%s must be an object" % where)
            return
        props = node.get("p")
        if props:
            for k, v in value.items():
                if k not in props:
                    errors.append("%s.%s is not a known attribute" % (where, k))
                else:
                    check_node(props[k], v, "%s.%s" % (where, k), errors)
            for k in node.get("r", ()):
                if value.get(k) is None:
                    errors.append("%s.%s is required" % (where, k))
    elif t == "array":
        if not isinstance(value, list):
            errors.append("%s must be an array" % where)
            return
        item = node.get("i")
        if item:
            for j, v in enumerate(value):
                check_node(item, v, "%s[%d]" % (where, j), errors)


class Writer:
    def __init__(self, ds):
        self.ds = ds
        self.cat = ds.catalog

    # ------------------------------------------------------------ helpers
    def body_schema(self, res, method):
        node = res.post_body if method == "post" else res.patch_body
        if node is None:
            return None
        node = json.loads(json.dumps(node))
        for (path, key), extra in BODY_PATCHES.items():
            if path == res.path and key in node.get("p", {}):
                node["p"][key].setdefault("p", {}).update(extra)
        for (path, key), keys in BODY_REQUIRED.items():
            if path == res.path and key in node.get("p", {}):
                node["p"][key]["r"] = list(keys)
        return node

    def validate(self, res, data, method):
        node = self.body_schema(res, method)
        errors = []
        props = node.get("p", {})
        for k, v in data.items():
            if k not in props:
                errors.append("%s is not a writable attribute of %s" % (k, res.schema))
                continue
            if k == "custom_field_values" and res.path in PARENT_TYPE:
                continue  # checked against the record and the fields (sbx_custom)
            check_node(props[k], v, k, errors)
            f = res.fields.get(k)
            if (
                f is not None
                and f.enum
                and isinstance(v, str)
                and not props[k].get("enum")
                and v not in f.enum
            ):
                errors.append("%s must be one of %s" % (k, ", ".join(f.enum)))
        if method == "post":
            required = list(node.get("r", ()))
            if res.path == "notes":
                required = ["type"]
                if data.get("type") == "Matter":
                    required.append("matter")
                elif data.get("type") == "Contact":
                    required.append("contact")
            for k in required:
                if data.get(k) in (None, ""):
                    errors.append("%s is required" % k)
        if errors:
            raise unprocessable("; ".join(errors))

    def ref_target(self, res, key, value):
        """(collection, id) a body reference points at, or None if not a reference."""
        if not isinstance(value, dict) or "id" not in value:
            return None
        if isinstance(value["id"], str) and value["id"].isdigit():
            # Clio takes an id as a number or as its text (calendar entries'
            # ids are strings in its answers)
            value = dict(value, id=int(value["id"]))
        f = res.fields.get(key)
        if value.get("type") in POLY_TYPES and (
            f is None
            or f.ref in ("Participant", "LinkedFolder_base", None)
            or key in ("parent", "assignee")
        ):
            return POLY_TYPES[value["type"]], value["id"]
        if f is None or f.kind != "object" or not f.ref:
            return None
        coll = self.cat.ref_path(f.ref)
        if coll is None:
            return None
        return coll, value["id"]

    def check_refs(self, res, data):
        errors = []
        for k, v in data.items():
            if k == "parent" and res.path in ("documents", "folders"):
                continue
            t = self.ref_target(res, k, v)
            if t is None or t[1] is None:
                continue
            coll, id_ = t
            st = self.ds.stores.get(coll)
            if st is None or not isinstance(id_, int) or not st.exists(id_):
                errors.append("%s: %s %s does not exist" % (k, coll, id_))
        for k in ("matter_id", "medical_provider_id", "report_preset_id"):
            if k in data and isinstance(data[k], int) and not isinstance(data[k], bool):
                coll = {
                    "matter_id": "matters",
                    "medical_provider_id": "contacts",
                    "report_preset_id": "report_presets",
                }[k]
                if not self.ds.stores[coll].exists(data[k]):
                    errors.append("%s: %s %s does not exist" % (k, coll, data[k]))
        if errors:
            raise unprocessable("; ".join(errors))

    def convert(self, res, key, value, now):
        """Body value -> stored value for record field `key`."""
        f = res.fields.get(key)
        if value is None:
            return [] if f is not None and f.kind == "array" else None
        t = self.ref_target(res, key, value)
        if t is not None:
            return Ref(t[0], t[1]) if t[1] is not None else None
        if f is None:
            return value
        if f.kind == "array" and isinstance(value, list):
            out = []
            for j, item in enumerate(value):
                if isinstance(item, dict):
                    item = dict(item)
                    if item.get("id") is None and self.cat.nested.get(f.ref, {}).get("id"):
                        item["id"] = int(now * 1000) % 1000000000 + j
                    if "etag" in self.cat.nested.get(f.ref, {}):
                        item.setdefault("etag", etag_for("item", key, item["id"], now))
                    if "created_at" in self.cat.nested.get(f.ref, {}):
                        item.setdefault("created_at", fmt_ts(now))
                        item.setdefault("updated_at", fmt_ts(now))
                    if key == "email_addresses" and "default_email" in item:
                        item["primary"] = bool(item.pop("default_email"))
                    if key == "phone_numbers" and "default_number" in item:
                        item["primary"] = bool(item.pop("default_number"))
                    if key == "web_sites" and "default_web_site" not in item:
                        item["default_web_site"] = j == 0
                    if (
                        key in ("senders", "receivers", "attendees")
                        and item.get("type") in POLY_TYPES
                        and key != "attendees"
                    ):
                        item = Ref(POLY_TYPES[item["type"]], item["id"])
                out.append(item)
            return out
        if f.type == "numeric" and isinstance(value, int):
            return float(value)
        if f.type == "date" and isinstance(value, str) and parse_date(value) is None:
            ts = parse_ts(value)
            if ts is not None:
                t2 = time.gmtime(ts + eastern_offset(ts))
                return "%04d-%02d-%02d" % (t2[0], t2[1], t2[2])
        if f.type == "timestamptz" and isinstance(value, str):
            ts = parse_ts(value)
            if ts is None and parse_date(value) is not None:
                ts = parse_ts(value + "T00:00:00Z")
            return fmt_ts(ts) if ts is not None else value
        if f.enum and isinstance(value, str) and value not in f.enum:
            for e in f.enum:
                if e.lower() == value.lower():
                    return e
        return value

    def apply(self, res, rec, data, now):
        for k, v in data.items():
            if k in res.fields:
                rec[k] = self.convert(res, k, v, now)
            elif (
                k.endswith("_id") and k[:-3] in res.fields and res.fields[k[:-3]].kind == "object"
            ):
                coll = self.cat.ref_path(res.fields[k[:-3]].ref)
                if k == "medical_provider_id":
                    coll = "contacts"
                rec[k[:-3]] = Ref(coll, v) if v is not None and coll else None

    def plain_keys(self, res, data):
        """Body keys that are copied onto the record as they are."""
        if res.path in PARENT_TYPE:
            return {k: v for k, v in data.items() if k != "custom_field_values"}
        if res.path == "documents":
            return {
                k: v
                for k, v in data.items()
                if k
                not in (
                    "parent",
                    "uuid",
                    "fully_uploaded",
                    "multiparts",
                    "filename",
                    "content_type",
                    "copy_version",
                    "restore",
                    "communication_id",
                )
            }
        return data

    def new_etag(self, res, id_, now):
        return etag_for("write", res.path, id_, now, uuid.uuid4().hex)

    def check_if_match(self, rec, if_match):
        if if_match is None:
            return
        tags = [t.strip() for t in if_match.split(",")]
        if "*" in tags or rec.get("etag") in tags:
            return
        raise ApiError(
            412,
            "PreconditionFailed",
            "The resource has been modified (ETag mismatch); fetch it again and retry",
        )

    # ------------------------------------------------------------ operations
    def create(self, res, raw):
        data = parse_body(raw)
        if res.path == "calendar_entries" and data.get("matter") is not None:
            # Clio answers 404 when a calendar entry is created with a matter;
            # the matter has to be linked afterwards with a PATCH.
            raise not_found("Matter could not be found")
        self.validate(res, data, "post")
        self.check_refs(res, data)
        if res.path == "documents" and data["parent"].get("type") == "Document":
            return self.add_document_version(res, data)
        now = now_epoch()
        cfv = self.custom_field_values(res, [], data, now, True)
        store = self.ds.stores[res.path]
        id_ = store.new_id()
        rec = {}
        for name in res.field_order:
            f = res.fields[name]
            rec[name] = [] if f.kind == "array" or f.type == "text[]" else None
        rec["id"] = str(id_) if res.id_is_text else id_
        if "created_at" in rec:
            rec["created_at"] = fmt_ts(now)
        if "updated_at" in rec:
            rec["updated_at"] = fmt_ts(now)
        if "etag" in rec:
            rec["etag"] = self.new_etag(res, id_, now)
        hook = getattr(self, "pre_" + res.path, None)
        if hook is not None:
            hook(rec, data, now, True)
        self.apply(res, rec, self.plain_keys(res, data), now)
        hook = getattr(self, "post_" + res.path, None)
        if hook is not None:
            hook(rec, data, now, True)
        if cfv is not None:
            rec["custom_field_values"] = cfv
        store.put(id_, rec)
        self.ds.bump()
        return rec

    def update(self, res, id_, raw, if_match, mutate=False, at=None):
        store = self.ds.stores[res.path]
        old = store.get(id_)
        if old is None:
            raise not_found("%s %s was not found" % (res.schema, id_))
        data = raw if mutate else parse_body(raw)
        self.check_if_match(old, if_match)
        if not mutate:
            self.validate(res, data, "patch")
            self.check_refs(res, data)
        # a mutation may give its time (records changed in one bulk action
        # share their updated_at second)
        now = now_epoch() if at is None else at
        cfv = None
        if not mutate:
            cfv = self.custom_field_values(
                res, old.get("custom_field_values") or [], data, now, False
            )
        rec = dict(old)
        hook = getattr(self, "pre_" + res.path, None)
        if hook is not None and not mutate:
            hook(rec, data, now, False)
        if mutate:
            for k, v in data.items():
                if k not in res.fields:
                    raise bad_request("%s is not a field of %s" % (k, res.schema))
            self.apply(res, rec, data, now)
        else:
            self.apply(res, rec, self.plain_keys(res, data), now)
        hook = getattr(self, "post_" + res.path, None)
        if hook is not None and not mutate:
            hook(rec, data, now, False)
        if cfv is not None:
            rec["custom_field_values"] = cfv
        if "updated_at" in rec:
            rec["updated_at"] = fmt_ts(now)
        if "etag" in rec:
            rec["etag"] = self.new_etag(res, id_, now)
        store.put(id_, rec)
        self.ds.bump()
        return rec

    def custom_field_values(self, res, old_values, data, now, create):
        """The record's new custom_field_values, or None when the body has none."""
        if res.path not in PARENT_TYPE or "custom_field_values" not in data:
            return None
        return written_values(
            self.ds, res.path, old_values, data["custom_field_values"], now, create
        )

    def delete(self, res, id_, if_match):
        store = self.ds.stores[res.path]
        old = store.get(id_)
        if old is None:
            raise not_found("%s %s was not found" % (res.schema, id_))
        self.check_if_match(old, if_match)
        if res.path == "bills" and old.get("state") not in ("draft", "awaiting_approval", "void"):
            raise unprocessable("Only draft, awaiting approval or void bills can be deleted")
        store.delete(id_)
        self.ds.bump()

    # ------------------------------------------------------------ per-collection rules
    def who(self):
        return Ref("users", self.ds.who_am_i)

    def usd(self):
        st = self.ds.stores["currencies"]
        return st.ids[0] if len(st.ids) else None

    def pre_matters(self, rec, data, now, create):
        if create:
            st = self.ds.stores["matters"]
            rec["number"] = len(st.seed_ids) + (st.next_id - st.first_new_id)
            rec["status"] = "Open"
            rec["billable"] = True
            rec["billing_method"] = "hourly"
            rec["shared"] = False
            rec["has_tasks"] = False
            rec["currency"] = {"id": self.usd(), "code": "USD", "sign": "$"}
            rec["user"] = self.who()
            rec["group"] = None

    def post_matters(self, rec, data, now, create):
        today = fmt_date(_today_ordinal(now))
        if isinstance(rec.get("client"), Ref):
            rec["client_id"] = rec["client"].id
        if "status" in data:
            st = rec["status"]
            if st == "Open" and not rec.get("open_date"):
                rec["open_date"] = today
            if st == "Pending" and not rec.get("pending_date"):
                rec["pending_date"] = today
            if st == "Closed" and not rec.get("close_date"):
                rec["close_date"] = today
        elif create and not rec.get("open_date"):
            rec["open_date"] = today
        if create and not data.get("display_number"):
            client = (
                self.ds.view(rec["client"], None) if isinstance(rec.get("client"), Ref) else None
            )
            last = (client or {}).get("last_name") or (
                (client or {}).get("name") or "Matter"
            ).split()[0]
            rec["display_number"] = "%05d-%s" % (rec["number"], last)
        rec["matter_stage_updated_at"] = rec.get("matter_stage_updated_at") or fmt_ts(now)

    def pre_contacts(self, rec, data, now, create):
        if create:
            rec["is_client"] = False
            rec["is_bill_recipient"] = False
            rec["is_co_counsel"] = False
            rec["is_clio_for_client_user"] = False
            rec["has_clio_for_clients_permission"] = False
            rec["locked_clio_connect_email"] = False
            rec["currency"] = {"id": self.usd(), "code": "USD", "sign": "$"}

    def post_contacts(self, rec, data, now, create):
        if rec.get("type") == "Person":
            first, last = rec.get("first_name") or "", rec.get("last_name") or ""
            if ("first_name" in data or "last_name" in data) and "name" not in data:
                rec["name"] = ("%s %s" % (first, last)).strip() or rec.get("name")
            rec["initials"] = ((first[:1] + last[:1]) or (rec.get("name") or "")[:1]) or None
        else:
            rec["initials"] = "".join(w[0] for w in (rec.get("name") or "").split()[:2]) or None
        emails = rec.get("email_addresses") or []
        prim = [e for e in emails if e.get("primary")] or emails[:1]
        rec["primary_email_address"] = prim[0].get("address") if prim else None
        others = [e for e in emails if e is not (prim[0] if prim else None)]
        rec["secondary_email_address"] = others[0].get("address") if others else None
        phones = rec.get("phone_numbers") or []
        prim = [p for p in phones if p.get("primary")] or phones[:1]
        rec["primary_phone_number"] = prim[0].get("number") if prim else None
        others = [p for p in phones if p is not (prim[0] if prim else None)]
        rec["secondary_phone_number"] = others[0].get("number") if others else None
        addrs = rec.get("addresses") or []
        rec["primary_address"] = dict(addrs[0]) if addrs else None
        rec["secondary_address"] = dict(addrs[1]) if len(addrs) > 1 else None
        work = [a for a in addrs if a.get("name") == "Work"]
        rec["primary_work_address"] = dict(work[0]) if work else None

    def pre_activities(self, rec, data, now, create):
        if create:
            rec["user"] = self.who()
            rec["quantity"] = 0.0
            rec["quantity_redacted"] = False
            rec["flat_rate"] = False
            rec["billed"] = False
            rec["on_bill"] = False
            rec["contingency_fee"] = False
            rec["non_billable"] = False
            rec["no_charge"] = False
            rec["tax_setting"] = "no_tax"
            rec["currency"] = Ref("currencies", self.usd())
        elif rec.get("billed") and set(data) & {"quantity", "price", "date", "matter", "type"}:
            raise unprocessable("Billed activities cannot be changed")

    def post_activities(self, rec, data, now, create):
        if create and "user" in data and data["user"] is None:
            rec["user"] = self.who()
        if rec.get("price") is None:
            if rec.get("type") == "TimeEntry" and isinstance(rec.get("user"), Ref):
                u = self.ds.view(rec["user"], None)
                rec["price"] = float(u["rate"]) if u and u.get("rate") is not None else 0.0
            else:
                rec["price"] = 0.0
        q = float(rec.get("quantity") or 0.0)
        rec["quantity"] = q
        if rec.get("type") == "TimeEntry":
            rq = -(-q // 360) * 360
            rec["rounded_quantity"] = float(rq)
            rec["quantity_in_hours"] = round(q / 3600.0, 4)
            rec["rounded_quantity_in_hours"] = round(rq / 3600.0, 4)
            rec["total"] = round(rec["price"] * rq / 3600.0, 2)
        else:
            rec["rounded_quantity"] = q
            rec["quantity_in_hours"] = q
            rec["rounded_quantity_in_hours"] = q
            rec["total"] = round(rec["price"] * q, 2)
        rec["non_billable_total"] = rec["total"] if rec.get("non_billable") else 0.0
        task = rec.get("task")
        rec["subject"] = task if isinstance(task, Ref) else rec.get("subject")

    def pre_tasks(self, rec, data, now, create):
        if create:
            rec["status"] = "pending"
            rec["priority"] = "Normal"
            rec["permission"] = "public"
            rec["notify_completion"] = False
            rec["statute_of_limitations"] = False
            rec["time_entries_count"] = 0
            rec["description_text_type"] = "plain_text"
            rec["assigner"] = self.who()

    def post_tasks(self, rec, data, now, create):
        if "status" in data:
            if rec.get("status") == "complete":
                rec["completed_at"] = rec.get("completed_at") or fmt_ts(now)
            else:
                rec["completed_at"] = None

    def pre_calendar_entries(self, rec, data, now, create):
        if create:
            rec["all_day"] = False
            rec["court_rule"] = False
            rec["permission"] = "owner"
            rec["start_at_time_zone"] = "America/New_York"
            rec["time_entries_count"] = 0

    def post_calendar_entries(self, rec, data, now, create):
        owner = rec.get("calendar_owner")
        if isinstance(owner, Ref):
            if owner.coll != "calendars":
                owner = Ref("calendars", owner.id)
                rec["calendar_owner"] = owner
            rec["calendar_owner_id"] = owner.id
            rec["calendars"] = [owner]
        s, e = parse_ts(rec.get("start_at") or ""), parse_ts(rec.get("end_at") or "")
        if s is not None and e is not None and e < s:
            raise unprocessable("end_at must be after start_at")

    def pre_notes(self, rec, data, now, create):
        if create:
            rec["author"] = self.who()
            rec["detail_text_type"] = "plain_text"
            rec["time_entries_count"] = 0
            rec["date"] = fmt_date(_today_ordinal(now))

    def pre_communications(self, rec, data, now, create):
        if create:
            rec["user"] = self.who()
            rec["time_entries_count"] = 0
            rec["date"] = fmt_date(_today_ordinal(now))
            rec["received_at"] = fmt_ts(now)

    def pre_bills(self, rec, data, now, create):
        new = data.get("state")
        if (
            new is not None
            and new != rec.get("state")
            and new not in (rec.get("available_state_transitions") or [])
        ):
            raise unprocessable("A bill in state %s cannot move to %s" % (rec.get("state"), new))

    def post_bills(self, rec, data, now, create):
        if "state" in data:
            transitions = {
                "draft": ["awaiting_approval", "awaiting_payment", "deleted"],
                "awaiting_approval": ["awaiting_payment", "deleted"],
                "awaiting_payment": ["paid", "void"],
                "paid": ["void"],
                "void": [],
                "deleted": [],
            }
            rec["available_state_transitions"] = transitions.get(rec["state"], [])
            rec["can_update"] = rec["state"] in ("draft", "awaiting_approval")
            if rec["state"] == "paid":
                rec["paid"] = rec.get("total")
                rec["balance"] = 0.0
                rec["due"] = 0.0
                rec["paid_at"] = fmt_ts(now)

    # ------------------------------------------------------------ documents
    # Upload flow (as Clio documents it): POST /documents with a name and a
    # parent returns latest_document_version{uuid,put_url,put_headers}; the
    # client PUTs the bytes to put_url with put_headers; then PATCH
    # /documents/<id> {"uuid":..,"fully_uploaded":true} completes it.
    def folder_for(self, parent):
        ptype, pid = parent.get("type"), parent.get("id")
        folders = self.ds.stores["folders"]
        if ptype == "Folder":
            f = folders.get(pid) if isinstance(pid, int) else None
            if f is None:
                raise unprocessable("parent: Folder %s does not exist" % pid)
            return Ref("folders", pid), f.get("matter"), f.get("contact")
        coll = {"Matter": "matters", "Contact": "contacts"}.get(ptype)
        if coll is None or not isinstance(pid, int) or not self.ds.stores[coll].exists(pid):
            raise unprocessable("parent: %s %s does not exist" % (ptype, pid))
        field = "matter" if ptype == "Matter" else "contact"
        existing = folders.eq_index(field).get(pid)
        if existing:
            fid = existing[0]
        else:
            now = now_epoch()
            fid = folders.new_id()
            target = self.ds.stores[coll].get(pid)
            rec = {
                "id": fid,
                "etag": self.new_etag(self.cat.resources["folders"], fid, now),
                "created_at": fmt_ts(now),
                "updated_at": fmt_ts(now),
                "deleted_at": None,
                "type": "Folder",
                "locked": False,
                "name": target.get("display_number") or target.get("name"),
                "root": False,
                "parent": Ref("folders", folders.seed_ids[0]) if len(folders.seed_ids) else None,
                "matter": Ref("matters", pid) if coll == "matters" else None,
                "contact": Ref("contacts", pid) if coll == "contacts" else None,
                "document_category": None,
                "creator": self.who(),
                "latest_document_version": None,
                "group": None,
                "external_properties": [],
            }
            folders.put(fid, rec)
        ref = Ref(coll, pid)
        return (
            Ref("folders", fid),
            (ref if coll == "matters" else None),
            (ref if coll == "contacts" else None),
        )

    def new_version(self, doc_id, number, filename, ctype, now):
        uid = str(uuid.uuid4())
        vid = self.ds.next_version_id()
        storage = self.ds.storage
        headers = storage.put_headers(ctype) if storage else []
        ver = {
            "id": vid,
            "document_id": doc_id,
            "etag": etag_for("docver", vid, now),
            "uuid": uid,
            "created_at": fmt_ts(now),
            "updated_at": fmt_ts(now),
            "filename": filename,
            "size": 0,
            "version_number": number,
            "content_type": ctype,
            "received_at": fmt_ts(now),
            "put_url": storage.put_url(uid) if storage else None,
            "fully_uploaded": False,
            "creator": self.who(),
            "put_headers": headers,
            "multiparts": [],
        }
        self.ds.pending_uploads[uid] = {
            "document": doc_id,
            "version": vid,
            "data": None,
            "headers": {h["name"].lower(): h["value"] for h in headers},
        }
        return ver

    def pre_documents(self, rec, data, now, create):
        parent = data.get("parent")
        if create:
            folder, matter, contact = self.folder_for(parent)
            rec["parent"], rec["matter"], rec["contact"] = folder, matter, contact
            rec["type"] = "Document"
            rec["locked"] = False
            rec["creator"] = self.who()
            name = data.get("filename") or data.get("name")
            ctype = (
                data.get("content_type")
                or mimetypes.guess_type(name)[0]
                or "application/octet-stream"
            )
            rec["filename"] = name
            rec["content_type"] = ctype
            rec["size"] = 0
            doc_id = int(rec["id"])
            ver = self.new_version(doc_id, 1, name, ctype, now)
            rec["latest_document_version"] = ver
            rec["document_versions"] = [
                {k: v for k, v in ver.items() if k not in ("creator", "put_headers", "multiparts")}
            ]
            return
        if parent is not None:
            folder, matter, contact = self.folder_for(parent)
            rec["parent"], rec["matter"], rec["contact"] = folder, matter, contact
        if data.get("fully_uploaded"):
            ver = dict(rec.get("latest_document_version") or {})
            if not data.get("uuid"):
                raise unprocessable("uuid is required to mark a document fully uploaded")
            if data["uuid"] != ver.get("uuid"):
                raise unprocessable("uuid does not match the document's latest version")
            if ver.get("fully_uploaded"):
                raise unprocessable("The document is already marked as fully uploaded")
            up = self.ds.pending_uploads.get(data["uuid"])
            if up is None or up["data"] is None:
                raise unprocessable("The file is not successfully uploaded")
            blob = up["data"]
            self.ds.blobs[ver["id"]] = blob
            del self.ds.pending_uploads[data["uuid"]]
            ver.update(
                fully_uploaded=True,
                size=len(blob),
                put_url=None,
                put_headers=[],
                updated_at=fmt_ts(now),
            )
            rec["latest_document_version"] = ver
            rec["size"] = len(blob)
            rec["content_type"] = ver["content_type"]
            rec["document_versions"] = [
                {
                    k: v
                    for k, v in (ver if d.get("id") == ver["id"] else d).items()
                    if k not in ("creator", "put_headers", "multiparts")
                }
                for d in rec.get("document_versions") or []
            ]

    def add_document_version(self, res, data):
        """POST /documents with parent {type: Document}: a new version."""
        store = self.ds.stores["documents"]
        doc_id = data["parent"].get("id")
        old = store.get(doc_id) if isinstance(doc_id, int) else None
        if old is None:
            raise unprocessable("parent: Document %s does not exist" % doc_id)
        now = now_epoch()
        rec = dict(old)
        latest = old.get("latest_document_version") or {}
        name = data.get("filename") or data.get("name") or old.get("filename")
        ctype = (
            data.get("content_type") or mimetypes.guess_type(name)[0] or old.get("content_type")
        )
        ver = self.new_version(doc_id, (latest.get("version_number") or 0) + 1, name, ctype, now)
        rec["latest_document_version"] = ver
        rec["document_versions"] = list(old.get("document_versions") or []) + [
            {k: v for k, v in ver.items() if k not in ("creator", "put_headers", "multiparts")}
        ]
        if data.get("name"):
            rec["name"] = data["name"]
        rec["updated_at"] = fmt_ts(now)
        rec["etag"] = self.new_etag(res, doc_id, now)
        store.put(doc_id, rec)
        self.ds.bump()
        return rec


def _today_ordinal(now):
    t = time.gmtime(now + eastern_offset(now))
    return datetime.date(t[0], t[1], t[2]).toordinal()
