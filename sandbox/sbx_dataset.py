"""One firm's Clio account: its stores, reference views and list queries."""

import bisect
import threading
from collections import OrderedDict

from sbx_catalog import compile_fields, full_plan
from sbx_custom import cf_id_of, live_value
from sbx_query import (
    QueryBuilder,
    Tokens,
    check_offset_cap,
    match,
    offset_mode,
    parse_paging,
    sort_ids,
    validate_params,
)
from sbx_seed import seed_dataset
from sbx_store import Ref, Renderer
from sbx_util import bad_request, not_found

RESULT_CACHE_SIZE = 64

POLY_TYPES = {
    "tasks": "Task",
    "calendar_entries": "CalendarEntry",
    "matters": "Matter",
    "contacts": "Contact",
    "users": "User",
    "credit_memos": "CreditMemo",
    "activities": "Activity",
    "bills": "Bill",
    "documents": "Document",
}


def _identifier(coll, rec):
    for k in ("display_number", "name", "summary", "subject", "number"):
        v = rec.get(k)
        if v:
            return v
    return str(rec.get("id"))


def participant_view(ds, ref, rec):
    if ref.coll == "users":
        return {
            "id": rec["id"],
            "etag": rec["etag"],
            "created_at": rec["created_at"],
            "updated_at": rec["updated_at"],
            "type": "User",
            "identifier": rec["name"],
            "secondary_identifier": rec["email"],
            "enabled": rec["enabled"],
            "name": rec["name"],
            "initials": rec["initials"],
            "job_title_name": (rec.get("job_title") or {}).get("name"),
            "avatar": None,
        }
    return {
        "id": rec["id"],
        "etag": rec["etag"],
        "created_at": rec["created_at"],
        "updated_at": rec["updated_at"],
        "type": rec.get("type"),
        "identifier": rec.get("name"),
        "secondary_identifier": rec.get("primary_email_address"),
        "enabled": None,
        "name": rec.get("name"),
        "initials": rec.get("initials"),
        "job_title_name": rec.get("title"),
        "avatar": None,
    }


def polymorphic_view(ds, ref, rec):
    t = POLY_TYPES.get(ref.coll, ref.coll)
    if ref.coll == "notes":
        t = "MatterNote" if rec.get("type") == "Matter" else "ContactNote"
    return {
        "id": rec["id"],
        "type": t,
        "identifier": _identifier(ref.coll, rec),
        "secondary_identifier": None,
        "tertiary_identifier": None,
    }


def creator_view(ds, ref, rec):
    out = dict(rec)
    out["type"] = "ManageUser"
    return out


VIEWS = {
    "Participant": participant_view,
    "UnredactedParticipant_base": participant_view,
    "PolymorphicObject_base": polymorphic_view,
    "ClioCreator_base": creator_view,
}


class Dataset:
    def __init__(self, catalog, seed, scale, firm=0):
        self.catalog = catalog
        self.seed = seed
        self.scale = scale
        self.firm = firm
        self.stores = {}
        self.special_views = VIEWS
        self.dict_views = {"CustomFieldValue": live_value}
        self.who_am_i = None
        self.seed_content = None
        self.storage = None  # set by the server (signed file URLs)
        self.lock = threading.RLock()
        self.renderer = Renderer(self)
        self.tokens = Tokens("%s:%s" % (seed, firm))
        seed_dataset(self, seed, scale, firm)
        self.reset()

    def reset(self):
        with self.lock:
            for st in self.stores.values():
                st.reset()
            self.version = 0
            self.results = OrderedDict()
            self.blobs = {}  # (document id, version id) -> bytes (uploads)
            self.pending_uploads = {}  # uuid -> {"document", "version", "data", "headers"}
            self.version_counter = 0
            self.cfv_counter = 0

    def next_version_id(self):
        self.version_counter += 1
        return 690000000 + self.firm * 700000000 + self.version_counter

    def document_bytes(self, doc, version_id=None):
        """Bytes of a document version (latest by default), or None."""
        ver = doc.get("latest_document_version") or {}
        if version_id is not None and version_id != ver.get("id"):
            vers = [v for v in doc.get("document_versions") or [] if v.get("id") == version_id]
            if not vers:
                return None, None
            ver = vers[0]
        if not ver.get("fully_uploaded"):
            return None, ver
        blob = self.blobs.get(ver["id"])
        if blob is not None:
            return blob, ver
        return self.seed_content(int(doc["id"]), ver["version_number"]), ver

    def next_cfv_id(self, field_type):
        """A fresh custom field value id ("<field_type>-<number>")."""
        self.cfv_counter += 1
        return "%s-%d" % (field_type, 790000000 + self.firm * 700000000 + self.cfv_counter)

    def bump(self):
        self.version += 1

    def view(self, ref, schema):
        st = self.stores.get(ref.coll)
        if st is None:
            return None
        rec = st.get(ref.id)
        if rec is None:
            return None
        fn = VIEWS.get(schema) if schema else None
        return fn(self, ref, rec) if fn else rec

    def folder_descendants(self, folder_id):
        st = self.stores["folders"]
        idx = st.eq_index("parent")
        out = {folder_id}
        todo = [folder_id]
        while todo:
            f = todo.pop()
            for child in idx.get(f, ()):
                if child not in out:
                    out.add(child)
                    todo.append(child)
        return out

    # ------------------------------------------------------------ reads
    def record(self, path, id_):
        st = self.stores[path]
        return st.get(id_)

    def render(self, rec, plan, cf_ids=None):
        out = self.renderer.render(rec, plan)
        if cf_ids is not None and "custom_field_values" in out and out["custom_field_values"]:
            out["custom_field_values"] = [
                v
                for v, raw in zip(out["custom_field_values"], rec.get("custom_field_values") or [])
                if cf_id_of(raw) in cf_ids
            ]
        return out

    def query(self, res, pairs, version):
        """A list request.  Returns (data, meta) or raises ApiError."""
        with self.lock:
            params = validate_params(res, pairs)
            plan = compile_fields(self.catalog, res, params.get("fields", [None])[-1], version)
            limit, field, desc, offset, token = parse_paging(res, params)
            store = self.stores[res.path]
            qb = QueryBuilder(self, res, params)
            conds = qb.build()
            key = (res.path, tuple(sorted(repr(c.sig) for c in conds)), field, desc)
            hit = self.results.get(key)
            if hit is not None and hit[0] == self.version:
                ids = hit[1]
                self.results.move_to_end(key)
            else:
                ids = match(self, store, conds)
                if field != "id" or desc:
                    ids = sort_ids(self, res, store, ids, field, desc)
                self.results[key] = (self.version, ids)
                if len(self.results) > RESULT_CACHE_SIZE:
                    self.results.popitem(last=False)
            total = len(ids)
            paging = {}
            if offset_mode(field, desc, offset):
                if token is not None:
                    raise bad_request("page_token cannot be used with offset pagination")
                start = offset or 0
                check_offset_cap(start, limit)
                page = ids[start : start + limit]
                if start + limit < total:
                    paging["next"] = ("offset", start + limit)
                if start > 0:
                    paging["previous"] = ("offset", max(0, start - limit))
            else:
                if token is None:
                    start = 0
                else:
                    kind, tid = self.tokens.read(token)
                    if kind == "a":
                        start = bisect.bisect_right(ids, tid)
                    else:
                        start = max(0, bisect.bisect_left(ids, tid) - limit)
                page = ids[start : start + limit]
                if start + limit < total and page:
                    paging["next"] = ("page_token", self.tokens.make("a", page[-1]))
                if start > 0 and page:
                    paging["previous"] = ("page_token", self.tokens.make("b", page[0]))
            cf_ids = None
            if "custom_field_ids[]" in params:
                cf_ids = {int(x) for x in params["custom_field_ids[]"]}
            get = store.get
            render = self.render
            data = [render(get(i), plan, cf_ids) for i in page]
            return data, total, paging, params

    def full_records(self, res, version, table=None, fields=None):
        with self.lock:
            store = self.stores[res.path]
            if fields:
                plan = compile_fields(self.catalog, res, fields, version)
            else:
                plan = full_plan(self.catalog, res, version)
            out = []
            for i in store.ids:
                rec = store.get(i)
                if table is not None and res.fixed:
                    want = self.catalog.tables[table]["fixed_params"]
                    if any(rec.get(k) != v for k, v in want.items()):
                        continue
                out.append(self.render(rec, plan))
            return out

    def get_one(self, res, id_):
        rec = self.stores[res.path].get(id_)
        if rec is None:
            raise not_found("%s %s was not found" % (res.schema, id_))
        return rec
