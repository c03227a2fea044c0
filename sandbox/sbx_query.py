"""List queries: parameter validation, filters, order and paging.

Every query parameter of a list request must be one the collection
declares (or fields/limit/page_token/order/offset), with a value of the
declared type; anything else is a 400, as Clio answers.  Declared filters
are turned into conditions (equality, range, id set or predicate);
equality and range conditions are answered from the store's indexes.
"""

import base64
import bisect
import hashlib
import hmac
import json
import re
import time

from sbx_catalog import RESERVED_PARAMS
from sbx_custom import filter_test
from sbx_store import Ref, norm_key
from sbx_util import (
    REF_ORDINAL,
    ApiError,
    bad_request,
    eastern_offset,
    fmt_date,
    fmt_ts,
    local_epoch,
    parse_date,
    parse_ts,
)

MAX_LIMIT = 200
OFFSET_CAP = 10000
INT_RE = re.compile(r"^-?\d+$")
OPDATE_RE = re.compile(r"^(>=|<=|>|<|=)(\d{4}-\d{2}-\d{2})$")
CFV_RE = re.compile(r"^custom_field_values\[(\d+)\]$")


# ------------------------------------------------------------ conditions


class Eq:
    """field's key is one of `keys` (None matches a null/absent association)."""

    def __init__(self, field, keys):
        self.field = field
        self.keys = frozenset(keys)
        self.sig = ("eq", field, tuple(sorted(self.keys, key=repr)))


class Range:
    def __init__(self, field, lo=None, lo_inc=True, hi=None, hi_inc=True):
        self.field = field
        self.lo, self.lo_inc, self.hi, self.hi_inc = lo, lo_inc, hi, hi_inc
        self.sig = ("range", field, lo, lo_inc, hi, hi_inc)


class IdSet:
    def __init__(self, ids, negate=False):
        self.ids = frozenset(ids)
        self.negate = negate
        self.sig = ("ids", negate, tuple(sorted(self.ids)))


class Pred:
    """An arbitrary test on the record; sig must describe it uniquely."""

    def __init__(self, sig, fn, idfn=None):
        self.sig = ("pred",) + tuple(sig)
        self.fn = fn
        self.idfn = idfn  # optional test on (store, id) that avoids building the record


NOTHING = Pred(("nothing",), lambda rec: False)


# ------------------------------------------------------------ value parsing


def _bool(name, v):
    if v == "true":
        return True
    if v == "false":
        return False
    raise bad_request("Invalid value for %s: %r (expected true or false)" % (name, v))


def _int(name, v, null_ok):
    if v == "null":
        if null_ok:
            return None
        raise bad_request(
            "Invalid value for %s: the keyword null is not valid for this field" % name
        )
    if not INT_RE.match(v):
        raise bad_request("Invalid value for %s: %r is not an integer" % (name, v))
    n = int(v)
    if not -(1 << 63) <= n < (1 << 63):
        raise bad_request("Invalid value for %s: %r is out of range" % (name, v))
    return n


def validate_params(res, pairs):
    """Check every parameter of a list request; returns {name: [values]}."""
    params = {}
    for name, value in pairs:
        params.setdefault(name, []).append(value)
    for name, values in params.items():
        if name in RESERVED_PARAMS:
            continue
        spec = res.filters.get(name)
        if spec is None and CFV_RE.match(name) and "custom_field_values" in res.filters:
            for v in values:
                if not v:
                    raise bad_request("Invalid value for %s" % name)
            continue
        if spec is None:
            raise bad_request(
                "Invalid parameter: %s is not a valid parameter for %s" % (name, res.path)
            )
        for v in values if spec["array"] else values[-1:]:
            check_value(res, spec, v)
    for name, spec in res.filters.items():
        if spec.get("required") and name not in params:
            raise bad_request("Missing required parameter: %s" % name)
    return params


def check_value(res, spec, v):
    name = spec["name"]
    t = spec["type"]
    if t in ("int64", "int32"):
        _int(name, v, spec.get("null_keyword"))
        return
    if t == "bool":
        _bool(name, v)
        return
    if t == "date":
        if parse_date(v) is None:
            raise bad_request("Invalid value for %s: %r is not an ISO-8601 date" % (name, v))
        return
    if t == "date-time":
        rng = res.ranges.get(name)
        col = res.fields.get(rng["column"]) if rng else None
        if col is not None and col.type == "date" and parse_date(v) is not None:
            return
        if parse_ts(v) is None:
            raise bad_request("Invalid value for %s: %r is not an ISO-8601 timestamp" % (name, v))
        return
    rng = res.ranges.get(name)
    if rng is not None and rng["kind"] == "opdate":
        m = OPDATE_RE.match(v)
        if not m or parse_date(m.group(2)) is None:
            raise bad_request(
                "Invalid value for %s: %r (expected an operator and a date, e.g. >=2024-01-01)"
                % (name, v)
            )
        return
    enum = spec.get("enum")
    if enum and name != "custom_field_values":
        vals = v.split(",") if spec.get("comma_list") else [v]
        for x in vals:
            if x not in enum:
                raise bad_request(
                    "Invalid value for %s: %r is not one of %s" % (name, x, ", ".join(enum))
                )


# ------------------------------------------------------------ filters -> conditions


def _canon(res, field, value):
    """The record's spelling of an enum value given in lower case."""
    f = res.fields.get(field)
    if f is not None and f.enum:
        for e in f.enum:
            if e.lower() == value.lower():
                return e
    return value


def _text_pred(sig_name, query, fields):
    q = query.casefold()

    def fn(rec):
        for f in fields:
            v = rec
            for part in f.split("."):
                v = v.get(part) if isinstance(v, dict) else None
                if v is None:
                    break
            if isinstance(v, str) and q in v.casefold():
                return True
        return False

    return Pred((sig_name, query, tuple(fields)), fn)


def _date_bounds_epoch(date_text):
    o = parse_date(date_text)
    return local_epoch(o, 0), local_epoch(o + 1, 0)


QUERY_FIELDS = {
    "activities": ["note"],
    "matters": [
        "display_number",
        "description",
        "_number",
        "client.first_name",
        "client.last_name",
        "client.name",
    ],
    "contacts": [
        "name",
        "title",
        "primary_email_address",
        "secondary_email_address",
        "primary_phone_number",
        "secondary_phone_number",
        "_addresses",
        "_websites",
        "company.name",
    ],
    "tasks": ["name", "description"],
    "calendar_entries": ["summary", "description", "location"],
    "documents": ["name"],
    "folders": ["name"],
    "notes": ["subject", "detail"],
    "communications": ["body", "subject"],
    "custom_fields": ["name"],
    "groups": ["name"],
    "line_items": ["description", "note"],
    "expense_categories": ["name"],
    "task_types": ["name"],
    "document_categories": ["name"],
}
GENERIC_QUERY_FIELDS = [
    "name",
    "description",
    "subject",
    "note",
    "summary",
    "message",
    "body",
    "label",
    "display_number",
    "filename",
]


class QueryBuilder:
    """Turns validated list parameters into conditions for one collection."""

    def __init__(self, ds, res, params):
        self.ds = ds
        self.res = res
        self.params = params
        self.conds = []
        self.ignored = []
        self.no_association = []

    def one(self, name):
        return self.params[name][-1]

    def build(self):
        res = self.res
        handler = getattr(self, "f_" + res.path, None)
        for name in sorted(self.params):
            if name in RESERVED_PARAMS:
                continue
            values = self.params[name]
            if handler is not None and handler(name, values):
                continue
            self.generic(name, values)
        defaults = getattr(self, "d_" + res.path, None)
        if defaults is not None:
            defaults()
        return self.conds

    # ---------------------------------------------------------- generic rules
    def generic(self, name, values):
        res = self.res
        spec = res.filters.get(name)
        if spec is None:
            m = CFV_RE.match(name)
            if m:
                self.custom_field_value(int(m.group(1)), values)
            return
        v = values[-1]
        if name == "ids[]":
            self.conds.append(IdSet(int(x) for x in values))
            return
        if name == "exclude_ids[]":
            self.conds.append(IdSet((int(x) for x in values), negate=True))
            return
        rng = res.ranges.get(name)
        if rng is not None:
            self.range(rng, values)
            return
        if name == "query":
            fields = QUERY_FIELDS.get(res.path)
            if fields is None:
                fields = [f for f in GENERIC_QUERY_FIELDS if f in res.fields]
            self.conds.append(self.query_pred(v, fields))
            return
        if name.endswith("_id") and spec["type"] in ("int64", "int32"):
            base = name[:-3]
            f = res.fields.get(base)
            key = _int(name, v, True)
            if f is not None and f.kind in ("object", "array"):
                self.conds.append(Eq(base, [key]))
                return
            if name in res.fields:
                self.conds.append(Eq(name, [key]))
                return
            self.ignore(name, key)
            return
        f = res.fields.get(name)
        if f is not None and f.kind == "scalar":
            if spec["type"] == "bool":
                self.conds.append(Eq(name, [_bool(name, v)]))
            elif spec["type"] in ("int64", "int32"):
                self.conds.append(Eq(name, [_int(name, v, True)]))
            elif spec["type"] == "date":
                self.conds.append(Eq(name, [v]))
            elif spec["type"] == "date-time":
                self.conds.append(Eq(name, [parse_ts(v)]))
            else:
                vals = v.split(",") if spec.get("comma_list") else [v]
                self.conds.append(Eq(name, [_canon(res, name, x) for x in vals]))
            return
        self.ignored.append(name)

    def ignore(self, name, key):
        """A filter on an association the records do not have: the keyword
        null matches everything, an id matches nothing."""
        self.no_association.append(name)
        if key is not None:
            self.conds.append(NOTHING)

    def query_pred(self, q, fields):
        special = [f for f in fields if f.startswith("_")]
        plain = [f for f in fields if not f.startswith("_")]
        dotted = [f for f in plain if "." in f]
        simple = [f for f in plain if "." not in f]
        ds = self.ds
        qf = q.casefold()

        def fn(rec):
            for f in simple:
                v = rec.get(f)
                if isinstance(v, str) and qf in v.casefold():
                    return True
            for f in dotted:
                a, b = f.split(".", 1)
                ref = rec.get(a)
                if isinstance(ref, Ref):
                    t = ds.view(ref, None)
                    v = t.get(b) if t else None
                    if isinstance(v, str) and qf in v.casefold():
                        return True
            for f in special:
                if f == "_number" and qf in str(rec.get("number")):
                    return True
                if f == "_addresses":
                    for a in rec.get("addresses") or ():
                        text = " ".join(
                            str(a.get(k) or "")
                            for k in ("street", "city", "province", "postal_code")
                        )
                        if qf in text.casefold():
                            return True
                if f == "_websites":
                    for a in rec.get("web_sites") or ():
                        if qf in (a.get("address") or "").casefold():
                            return True
            return False

        idfn = None
        store = ds.stores.get(self.res.path) if ds is not None else None
        if (
            not special
            and not dotted
            and store is not None
            and all(f in store.fast_keys for f in simple)
        ):

            def idfn(st, i):
                for f in simple:
                    v = st.key(i, f)
                    if isinstance(v, str) and qf in v.casefold():
                        return True
                return False

        return Pred(("query", q, tuple(fields)), fn, idfn)

    def range(self, rng, values):
        col = rng["column"]
        ftype = self.res.fields[col].type
        kind = rng["kind"]
        if kind == "opdate":
            for v in values:
                m = OPDATE_RE.match(v)
                op, d = m.group(1), m.group(2)
                if op == "=":
                    self.conds.append(Range(col, d, True, d, True))
                elif op in (">", ">="):
                    self.conds.append(Range(col, lo=d, lo_inc=op == ">="))
                else:
                    self.conds.append(Range(col, hi=d, hi_inc=op == "<="))
            return
        v = values[-1]
        if ftype == "date":
            key = v[:10] if parse_date(v[:10]) is not None else v
            if parse_date(v) is None:
                # a timestamp given for a date column: compare its local date
                ts = parse_ts(v)
                t = time.gmtime(ts + eastern_offset(ts))
                key = "%04d-%02d-%02d" % (t[0], t[1], t[2])
        else:
            if parse_ts(v) is not None:
                key = parse_ts(v)
            else:
                lo, hi = _date_bounds_epoch(v)
                key = lo if kind in ("since", "from", "before") else hi
                if kind == "to":
                    self.conds.append(Range(col, hi=hi, hi_inc=False))
                    return
                if kind == "after":
                    self.conds.append(Range(col, lo=hi, lo_inc=True))
                    return
        if kind in ("since", "from"):
            self.conds.append(Range(col, lo=key, lo_inc=True))
        elif kind == "after":
            self.conds.append(Range(col, lo=key, lo_inc=False))
        elif kind == "to":
            self.conds.append(Range(col, hi=key, hi_inc=True))
        elif kind == "before":
            self.conds.append(Range(col, hi=key, hi_inc=False))

    def custom_field_value(self, cf_id, values):
        # not an array parameter: the last value given counts, as in Rails
        sig, fn = filter_test(self.ds, self.res.path, cf_id, values[-1])
        self.conds.append(Pred(sig, fn))

    def matter_ids_where(self, field, key):
        """Ids of the matters whose `field` key is `key` (for joins through matter)."""
        st = self.ds.stores["matters"]
        return st.eq_index(field).get(key, [])

    # ---------------------------------------------------------- activities
    def f_activities(self, name, values):
        v = values[-1]
        if name == "status":
            status_conds = {
                "billed": [Eq("billed", [True])],
                "unbilled": [
                    Eq("billed", [False]),
                    Eq("on_bill", [False]),
                    Eq("non_billable", [False]),
                ],
                "draft": [Eq("on_bill", [True]), Eq("billed", [False])],
                "non_billable": [Eq("non_billable", [True])],
                "billable": [Eq("non_billable", [False])],
                "written_off": [NOTHING],
            }
            self.conds.extend(status_conds[v])
            return True
        if name == "only_unaccounted_for":
            if _bool(name, v):
                self.conds.append(Eq("bill", [None]))
            return True
        if name == "grant_id":
            self.ignore(name, _int(name, v, True))
            return True
        if name == "flat_rate":
            self.conds.append(Eq("flat_rate", [_bool(name, v)]))
            return True
        return False

    # ---------------------------------------------------------- matters
    def f_matters(self, name, values):
        v = values[-1]
        if name == "status":
            self.conds.append(Eq("status", [_canon(self.res, "status", x) for x in v.split(",")]))
            return True
        if name == "client_id":
            self.conds.append(Eq("client", [_int(name, v, False)]))
            return True
        if name in (
            "grant_id",
            "responsible_staff_id",
            "subscriber_user_id",
            "notification_event_subscriber_user_id",
        ):
            self.ignore(name, _int(name, v, True))
            return True
        if name == "custom_field_ids[]":
            return True  # shapes custom_field_values in the output
        return False

    # ---------------------------------------------------------- contacts
    def f_contacts(self, name, values):
        v = values[-1]
        if name == "client_only":
            if _bool(name, v):
                self.conds.append(Eq("is_client", [True]))
            return True
        if name == "clio_connect_only":
            if _bool(name, v):
                self.conds.append(Eq("is_clio_for_client_user", [True]))
            return True
        if name == "email_only":
            if _bool(name, v):
                self.conds.append(Pred(("has_email",), lambda r: bool(r.get("email_addresses"))))
            return True
        if name == "initial":
            letter = v.casefold()

            def fn(rec):
                n = rec.get("last_name") if rec.get("type") == "Person" else rec.get("name")
                return bool(n) and n.casefold().startswith(letter)

            self.conds.append(Pred(("initial", letter), fn))
            return True
        if name == "shared_resource_id":
            self.ignore(name, _int(name, v, False))
            return True
        if name == "custom_field_ids[]":
            return True
        return False

    # ---------------------------------------------------------- tasks
    def f_tasks(self, name, values):
        v = values[-1]
        p = self.params
        if name == "assignee_id":
            if "assignee_type" not in p:
                raise bad_request("assignee_type must be passed when filtering by assignee_id")
            key = _int(name, v, True)
            self.conds.append(Eq("assignee", [key]))
            if key is not None:
                coll = "users" if self.one("assignee_type") == "user" else "contacts"
                self.conds.append(
                    Pred(
                        ("assignee_type", coll),
                        lambda r: isinstance(r.get("assignee"), Ref)
                        and r["assignee"].coll == coll,
                    )
                )
            return True
        if name == "assignee_type":
            return True
        if name == "client_id":
            key = _int(name, v, True)
            if key is None:
                self.conds.append(Eq("matter", [None]))
            else:
                self.conds.append(Eq("matter", self.matter_ids_where("client", key)))
            return True
        if name == "responsible_attorney_id":
            key = _int(name, v, False)
            self.conds.append(Eq("matter", self.matter_ids_where("responsible_attorney", key)))
            return True
        if name == "complete":
            if _bool(name, v):
                self.conds.append(Eq("status", ["complete"]))
            else:
                self.conds.append(Eq("status", ["pending", "in_progress", "in_review"]))
            return True
        if name == "due_at_present":
            if _bool(name, v):
                self.conds.append(Pred(("due_present",), lambda r: r.get("due_at") is not None))
            else:
                self.conds.append(Eq("due_at", [None]))
            return True
        if name == "priority":
            self.conds.append(Eq("priority", [_canon(self.res, "priority", v)]))
            return True
        if name == "statuses[]":
            self.conds.append(Eq("status", values))
            return True
        if name == "time_entries_present":
            want = _bool(name, v)
            self.conds.append(
                Pred(("te_present", want), lambda r: bool(r.get("time_entries_count")) == want)
            )
            return True
        if name == "cascading_source_id":
            self.conds.append(NOTHING)
            return True
        return False

    # ---------------------------------------------------------- calendar entries
    def f_calendar_entries(self, name, values):
        v = values[-1]
        if name == "calendar_id":
            self.conds.append(Eq("calendars", [_int(name, v, False)]))
            return True
        if name == "has_court_rule":
            self.conds.append(Eq("court_rule", [_bool(name, v)]))
            return True
        if name == "is_all_day":
            self.conds.append(Eq("all_day", [_bool(name, v)]))
            return True
        if name in ("external_property_name", "external_property_value"):
            return self.external_property(name)
        if name in ("expanded", "owner_entries_across_all_users", "source", "visible"):
            self.ignored.append(name)
            return True
        return False

    def external_property(self, name):
        if name == "external_property_value":
            if "external_property_name" not in self.params:
                raise bad_request("external_property_value requires external_property_name")
            return True
        pname = self.one("external_property_name")
        pvalue = self.params.get("external_property_value", [None])[-1]

        def fn(rec):
            for e in rec.get("external_properties") or ():
                if e.get("name") == pname and (pvalue is None or e.get("value") == pvalue):
                    return True
            return False

        self.conds.append(Pred(("extprop", pname, pvalue), fn))
        return True

    # ---------------------------------------------------------- documents / folders
    def f_documents(self, name, values):
        v = values[-1]
        if name in ("include_deleted", "show_uncompleted"):
            _bool(name, v)
            return True
        if name in ("external_property_name", "external_property_value"):
            return self.external_property(name)
        if name == "scope":
            return True
        if name == "parent_id":
            key = _int(name, v, True)
            if self.params.get("scope", ["children"])[-1] == "descendants" and key is not None:
                self.conds.append(Eq("parent", self.ds.folder_descendants(key)))
            else:
                self.conds.append(Eq("parent", [key]))
            return True
        return False

    def d_documents(self):
        if self.params.get("include_deleted", ["false"])[-1] != "true":
            self.conds.append(Eq("deleted_at", [None]))
        if self.params.get("show_uncompleted", ["false"])[-1] != "true":
            # seeded documents are all complete: only written ones can be uploading
            store = self.ds.stores["documents"]
            uploading = [
                i
                for i, r in store.overlay.items()
                if (r.get("latest_document_version") or {}).get("fully_uploaded") is False
            ]
            if uploading:
                self.conds.append(IdSet(uploading, negate=True))

    def f_folders(self, name, values):
        return self.f_documents(name, values)

    def d_folders(self):
        if self.params.get("include_deleted", ["false"])[-1] != "true":
            self.conds.append(Eq("deleted_at", [None]))

    # ---------------------------------------------------------- bills
    def f_bills(self, name, values):
        v = values[-1]
        if name == "client_id":
            self.conds.append(Eq("client", [_int(name, v, False)]))
            return True
        if name == "matter_id":
            self.conds.append(Eq("matters", [_int(name, v, True)]))
            return True
        if name in ("originating_attorney_id", "responsible_attorney_id"):
            key = _int(name, v, True)
            field = name[:-3]
            if key is None:
                self.conds.append(Eq("matters", self.matter_ids_where(field, None)))
            else:
                self.conds.append(Eq("matters", self.matter_ids_where(field, key)))
            return True
        if name == "status":
            if v == "overdue":
                self.conds.append(self.overdue())
            return True
        if name == "overdue_only":
            if _bool(name, v):
                self.conds.append(self.overdue())
            return True
        if name == "type":
            self.conds.append(Eq("kind", ["revenue_kind" if v == "revenue" else "trust_kind"]))
            return True
        if name == "currency_id":
            self.conds.append(Eq("currency", [_int(name, v, False)]))
            return True
        if name == "query":
            q = v
            self.conds.append(Pred(("billno", q), lambda r: q in (r.get("number") or "")))
            return True
        if name in ("last_sent_start_date", "last_sent_end_date"):
            lo, hi = _date_bounds_epoch(v)
            if name == "last_sent_start_date":
                self.conds.append(Range("last_sent_at", lo=lo, lo_inc=True))
            else:
                self.conds.append(Range("last_sent_at", hi=hi, hi_inc=False))
            return True
        if name == "custom_field_values":
            return True
        return False

    def overdue(self):
        today = fmt_date(REF_ORDINAL)
        return Pred(
            ("overdue",),
            lambda r: r.get("state") == "awaiting_payment"
            and (r.get("due_at") or "9999") < today
            and (r.get("balance") or 0) > 0,
        )

    # ---------------------------------------------------------- users
    def f_users(self, name, values):
        v = values[-1]
        if name == "subscription_type":
            self.conds.append(Eq("subscription_type", [_canon(self.res, "subscription_type", v)]))
            return True
        if name == "role":
            self.conds.append(Pred(("role", v), lambda r: v in (r.get("roles") or ())))
            return True
        if name == "pending_setup":
            if _bool(name, v):
                self.conds.append(NOTHING)
            return True
        if name == "include_co_counsel":
            _bool(name, v)
            return True
        return False

    # ---------------------------------------------------------- communications
    def f_communications(self, name, values):
        v = values[-1]
        if name == "contact_id":
            key = _int(name, v, False)

            def fn(rec):
                for p in (rec.get("senders") or []) + (rec.get("receivers") or []):
                    if isinstance(p, Ref) and p.coll == "contacts" and p.id == key:
                        return True
                return False

            self.conds.append(Pred(("comm_contact", key), fn))
            return True
        if name == "received_at":
            day = fmt_ts(parse_ts(v))[:10]
            self.conds.append(Eq("date", [day]))
            return True
        if name == "having_time_entries":
            want = _bool(name, v)
            self.conds.append(
                Pred(("te", want), lambda r: bool(r.get("time_entries_count")) == want)
            )
            return True
        if name in ("external_property_name", "external_property_value"):
            return self.external_property(name)
        return False

    # ---------------------------------------------------------- notes
    def f_notes(self, name, values):
        if name == "has_time_entries":
            want = _bool(name, values[-1])
            self.conds.append(
                Pred(("te", want), lambda r: bool(r.get("time_entries_count")) == want)
            )
            return True
        return False

    # ---------------------------------------------------------- smaller collections
    def f_custom_fields(self, name, values):
        v = values[-1]
        if name == "parent_type":
            self.conds.append(Eq("parent_type", [_canon(self.res, "parent_type", v)]))
            return True
        if name == "visible_and_required":
            if _bool(name, v):
                self.conds.append(Eq("displayed", [True]))
                self.conds.append(Eq("required", [True]))
            return True
        return False

    def f_groups(self, name, values):
        v = values[-1]
        if name == "user_id":
            self.conds.append(Eq("users", [_int(name, v, False)]))
            return True
        if name == "archived":
            if _bool(name, v):
                self.conds.append(NOTHING)
            return True
        return False

    def f_line_items(self, name, values):
        v = values[-1]
        if name == "display":
            _bool(name, v)
            return True
        if name == "kind":
            self.conds.append(Eq("kind", [_canon(self.res, "kind", v)]))
            return True
        return False

    def f_calendars(self, name, values):
        v = values[-1]
        if name == "owner":
            if _bool(name, v):
                self.conds.append(Eq("creator", [self.ds.who_am_i]))
            return True
        if name == "writeable":
            if _bool(name, v):
                self.conds.append(Eq("permission", ["owner", "editor"]))
            return True
        if name == "filter_inactive_users":
            _bool(name, v)
            return True
        return False

    def f_activity_descriptions(self, name, values):
        v = values[-1]
        if name == "type":
            self.conds.append(Eq("type", [v]))
            return True
        if name in ("flat_rate", "user_id", "rate_for[matter_id]", "rate_for[user_id]"):
            self.ignored.append(name)
            return True
        return False

    def f_task_types(self, name, values):
        if name == "enabled":
            if _bool(name, values[-1]):
                self.conds.append(Eq("deleted_at", [None]))
            else:
                self.conds.append(Pred(("deleted",), lambda r: r.get("deleted_at") is not None))
            return True
        return False

    def f_matter_stages(self, name, values):
        if name == "practice_area_id":
            self.conds.append(Eq("practice_area_id", [str(_int(name, values[-1], False))]))
            return True
        return False

    def f_billable_clients(self, name, values):
        if name == "client_id":
            self.conds.append(IdSet([_int(name, values[-1], False)]))
            return True
        return False

    def f_billable_matters(self, name, values):
        if name == "matter_id":
            self.conds.append(IdSet([_int(name, values[-1], False)]))
            return True
        return False

    def f_practice_areas(self, name, values):
        if name == "matter_id":
            _int(name, values[-1], False)
            self.ignored.append(name)
            return True
        return False


def describe_filters(catalog):
    """{path: {filter: 'implemented' | 'ignored' | 'no association'}} for the README."""
    out = {}
    for path, res in sorted(catalog.resources.items()):
        qb = QueryBuilder(None, res, {})
        handler = getattr(qb, "f_" + path, None)
        row = {}
        for name, spec in sorted(res.filters.items()):
            status = "implemented"
            qb.no_association = []
            if handler is not None:
                qb.ignored = []
                try:
                    qb.params = {
                        name: [_sample(spec)],
                        "assignee_type": ["user"],
                        "external_property_name": ["x"],
                    }
                    qb.conds = []
                    handled = handler(name, qb.params[name])
                except Exception:
                    handled = True
                if handled:
                    row[name] = (
                        "ignored"
                        if name in qb.ignored
                        else ("no association" if name in qb.no_association else status)
                    )
                    continue
            qb.ignored = []
            qb.conds = []
            qb.params = {name: [_sample(spec)]}
            try:
                qb.generic(name, [_sample(spec)])
            except Exception:
                pass
            row[name] = (
                "ignored"
                if name in qb.ignored
                else ("no association" if name in qb.no_association else status)
            )
        out[path] = row
    return out


def _sample(spec):
    t = spec["type"]
    if spec.get("enum"):
        return spec["enum"][0]
    return {
        "int64": "1",
        "int32": "1",
        "bool": "true",
        "date": "2024-01-01",
        "date-time": "2024-01-01T00:00:00Z",
    }.get(t, ">=2024-01-01" if spec["name"].endswith("date[]") else "x")


# ------------------------------------------------------------ matching


def match(ds, store, conds):
    """Sorted ids of the records that satisfy every condition."""
    cands = None
    rest = []
    for c in conds:
        if isinstance(c, Eq):
            idx = store.eq_index(c.field)
            if len(c.keys) == 1:
                (k,) = c.keys
                s = idx.get(k, [])
            else:
                merged = set()
                for k in c.keys:
                    merged.update(idx.get(k, ()))
                s = sorted(merged)
        elif isinstance(c, Range):
            ks, ids = store.range_index(c.field)
            lo = (
                0
                if c.lo is None
                else (bisect.bisect_left(ks, c.lo) if c.lo_inc else bisect.bisect_right(ks, c.lo))
            )
            hi = (
                len(ks)
                if c.hi is None
                else (bisect.bisect_right(ks, c.hi) if c.hi_inc else bisect.bisect_left(ks, c.hi))
            )
            s = sorted(ids[lo:hi]) if hi > lo else []
        elif isinstance(c, IdSet) and not c.negate:
            s = sorted(i for i in c.ids if store.exists(i))
        else:
            rest.append(c)
            continue
        if cands is None:
            cands = s
        else:
            if len(cands) > len(s):
                cands, s = s, cands
            other = set(s)
            cands = [i for i in cands if i in other]
    if cands is None:
        cands = store.ids
    for c in rest:
        if isinstance(c, IdSet):
            cands = [i for i in cands if i not in c.ids]
        elif c.idfn is not None:
            idfn = c.idfn
            cands = [i for i in cands if idfn(store, i)]
        else:
            get = store.get
            fn = c.fn
            cands = [i for i in cands if fn(get(i))]
    return cands


# ------------------------------------------------------------ order

ORDER_RE = re.compile(r"^([a-z_.]+)\((asc|desc)\)$")
ORDER_ALIASES = {
    ("activities", "display_number"): "matter.display_number",
    ("bills", "client_name"): "client.name",
    ("bills", "matter_display_number"): "matters.display_number",
    ("notes", "author"): "author.name",
    ("communications", "matter"): "matter.display_number",
    ("tasks", "due_at_strict"): "due_at",
    ("document_templates", "category.name"): "document_category.name",
    ("document_templates", "last_modified"): "updated_at",
    ("report_presets", "last_modified_at"): "updated_at",
}
PRIORITY_RANK = {"High": 0, "Normal": 1, "Low": 2}


def order_key_fn(ds, res, store, field):
    field = ORDER_ALIASES.get((res.path, field), field)
    if "." in field:
        a, b = field.split(".", 1)

        def fn(id_):
            rec = store.get(id_)
            v = rec.get(a) if rec else None
            if isinstance(v, list):
                v = v[0] if v else None
            if isinstance(v, Ref):
                t = ds.view(v, None)
                return t.get(b) if t else None
            return None

        return fn
    if field == "priority" and res.path in ("tasks", "task_templates"):
        return lambda id_: PRIORITY_RANK.get((store.get(id_) or {}).get("priority"))
    if field in res.fields and res.fields[field].kind == "scalar":
        if field in store.fast_keys:
            return lambda id_: store.key(id_, field)
        ftype = res.fields[field].type

        def fn(id_):
            rec = store.get(id_)
            return norm_key(rec.get(field), ftype) if rec else None

        return fn
    return None  # no such field on the records: order by id


def sort_ids(ds, res, store, ids, field, desc):
    if field == "id":
        return list(reversed(ids)) if desc else list(ids)
    if (
        field in store.fast_columns
        and res.fields.get(field) is not None
        and res.fields[field].type in ("date", "int8", "int4", "numeric", "timestamptz")
    ):
        keys, rids = store.range_index(field)
        if len(rids) == len(store.ids):  # no NULL keys: the index is the order
            if ids is not store.ids:
                member = set(ids)
                pairs = [(k, i) for k, i in zip(keys, rids) if i in member]
            else:
                pairs = list(zip(keys, rids))
            if not desc:
                return [i for _, i in pairs]
            out = []
            j = len(pairs)
            while j > 0:
                k = j - 1
                while k > 0 and pairs[k - 1][0] == pairs[j - 1][0]:
                    k -= 1
                out.extend(i for _, i in pairs[k:j])
                j = k
            return out
    fn = order_key_fn(ds, res, store, field)
    if fn is None:
        return list(reversed(ids)) if desc else list(ids)
    keyed = []
    for i in ids:
        k = fn(i)
        if isinstance(k, str):
            k = k.casefold()
        keyed.append((k is not None, k if k is not None else 0, i))
    # NULLs sort first ascending and last descending (as MySQL does); ties by id
    try:
        keyed.sort(key=lambda t: (t[0], t[1]), reverse=desc)
    except TypeError:
        keyed.sort(key=lambda t: (t[0], str(t[1])), reverse=desc)
    if desc:
        # keep id ascending within equal keys
        out = []
        j = 0
        while j < len(keyed):
            k = j
            while k < len(keyed) and keyed[k][:2] == keyed[j][:2]:
                k += 1
            out.extend(sorted(t[2] for t in keyed[j:k]))
            j = k
        return out
    return [t[2] for t in keyed]


# ------------------------------------------------------------ paging tokens


class Tokens:
    def __init__(self, secret):
        self.key = hashlib.sha256(("clio-sandbox-page-token:%s" % secret).encode()).digest()

    def make(self, kind, id_):
        body = base64.urlsafe_b64encode(json.dumps([kind, id_]).encode()).decode().rstrip("=")
        sig = hmac.new(self.key, body.encode(), hashlib.sha256).hexdigest()[:16]
        return "%s.%s" % (body, sig)

    def read(self, token):
        try:
            body, sig = token.split(".")
            want = hmac.new(self.key, body.encode(), hashlib.sha256).hexdigest()[:16]
            if not hmac.compare_digest(sig, want):
                raise ValueError
            kind, id_ = json.loads(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))
            if kind not in ("a", "b") or not isinstance(id_, int):
                raise ValueError
            return kind, id_
        except (ValueError, TypeError, UnicodeDecodeError, json.JSONDecodeError):
            raise bad_request("Invalid page_token")


def parse_paging(res, params):
    """-> (limit, order_field, desc, offset or None, page_token or None)"""
    limit = MAX_LIMIT
    if "limit" in params:
        v = params["limit"][-1]
        if not INT_RE.match(v) or not 1 <= int(v) <= MAX_LIMIT:
            raise bad_request(
                "Invalid value for limit: %r (must be between 1 and %d)" % (v, MAX_LIMIT)
            )
        limit = int(v)
    field, desc = "id", False
    if "order" in params:
        v = params["order"][-1]
        if v not in res.orders:
            raise bad_request("Invalid value for order: %r" % v)
        m = ORDER_RE.match(v)
        field, desc = m.group(1), m.group(2) == "desc"
    offset = None
    if "offset" in params:
        v = params["offset"][-1]
        if not INT_RE.match(v) or int(v) < 0:
            raise bad_request("Invalid value for offset: %r" % v)
        offset = int(v)
    token = params.get("page_token", [None])[-1]
    return limit, field, desc, offset, token


def offset_mode(field, desc, offset):
    return offset is not None or field != "id" or desc


def check_offset_cap(offset, limit):
    if offset + limit > OFFSET_CAP:
        raise ApiError(
            422,
            "ArgumentError",
            "Offset pagination is limited to %d records; use cursor pagination "
            "(order=id(asc) without offset) to page further" % OFFSET_CAP,
        )
