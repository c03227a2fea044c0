#!/usr/bin/env python3
"""Generate clio_fdw's resource catalog from Clio's OpenAPI description.

Usage:
    tools/gen_catalog.py [path/to/clio_openapi_v4.json]

Writes two files, both committed so that building needs no Python:

    catalog/clio_catalog.json   read by the sandbox, the benchmark and the docs
    src/clio_catalog_data.c     the same catalog as static C data

A new spec version is one run of this script away.  The few things the spec
cannot tell (which collections need a fixed filter, row estimates, which
range filters stand for which column comparison, Clio's quirks) live in the
tables at the top of this file and reach the C code as flags of the
catalog: the C code never tests a collection's name.
"""

import json
import os
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.dirname(HERE)
DEFAULT_SPEC = os.path.join(TOP, "..", "shared", "reference", "clio_openapi_v4.json")

# The API minor version the catalog is built from: the spec's default.
# Found in info.description ("**This is the default version**").

# Collections whose list endpoint needs a parameter that is not a column
# condition are split into one table per value of that parameter.
SPLIT = {
    "notes": [
        ("matter_notes", {"type": "Matter"}),
        ("contact_notes", {"type": "Contact"}),
    ],
}

# Collections left out, and why (printed into the JSON for the README).
SKIP = {
    "lauk_expense_categories": "needs a `region` parameter that is not a field of its records",
    "calendar_entry_event_types": "the spec describes its list response as a single record",
    "timer": "a singleton (the current user's timer), not a collection",
    "trust_requests": "has no list endpoint",
    "document_archives": "has no list endpoint",
}

# Fields the spec still describes but that minor versions up to the default
# removed (info.description, "Minor Versions"): Clio answers 400 to them.
REMOVED_FIELDS = {
    ("Document", "document_versions"): "4.0.6",
    ("Bill", "matter_balances"): "4.0.5",
}

# Rough sizes of a small firm's collections: the planner's default estimate.
ROW_ESTIMATES = {
    "activities": 50000, "matters": 1000, "contacts": 3000, "tasks": 5000,
    "calendar_entries": 5000, "documents": 10000, "bills": 3000,
    "communications": 10000, "matter_notes": 5000, "contact_notes": 2000,
    "line_items": 30000, "users": 20, "practice_areas": 20,
    "log_entries": 100000, "relationships": 2000, "custom_field_sets": 20,
    "custom_fields": 50, "folders": 5000,
}
DEFAULT_ROWS = 1000

# Range filters: (collection, filter) -> (column, operators it stands for, kind)
# kind: 'since'   value is the lower bound of a date-time (>=)
#       'from'    lower bound (>=), 'to' upper bound (<=)
#       'after'   strict lower bound (>), 'before' strict upper bound (<)
#       'opdate'  operator-prefixed array filter (>=DATE, <DATE, ...)
# created_since/updated_since exist on almost every collection and are added
# for each automatically.
RANGE_FILTERS = {
    ("activities", "start_date"): ("date", "from"),
    ("activities", "end_date"): ("date", "to"),
    ("matters", "open_date[]"): ("open_date", "opdate"),
    ("matters", "close_date[]"): ("close_date", "opdate"),
    ("matters", "pending_date[]"): ("pending_date", "opdate"),
    ("tasks", "due_at_from"): ("due_at", "from"),
    ("tasks", "due_at_to"): ("due_at", "to"),
    ("bills", "due_after"): ("due_at", "after"),
    ("bills", "due_before"): ("due_at", "before"),
    ("bills", "issued_after"): ("issued_at", "after"),
    ("bills", "issued_before"): ("issued_at", "before"),
    ("calendar_entries", "from"): ("end_at", "from"),
    ("calendar_entries", "to"): ("start_at", "to"),
    ("communications", "received_since"): ("received_at", "from"),
    ("communications", "received_before"): ("received_at", "before"),
}

# Clio's quirks, as catalog flags.
# A create that names this association may be answered 404: the record is
# created without it, then linked by a PATCH (collection -> body key).
LINK_AFTER_CREATE = {"calendar_entries": "matter"}
# A status filter that stands for billing flags rather than a status field
# (collection -> filter): "unbilled" is not billed, not on a bill and
# billable; "billable" and "non_billable" are the non_billable flag.
BILLING_STATUS = {"activities": "status"}
# Typed references: associations whose id means something only with its
# type (Clio writes and filters them as {"id", "type"}), beyond those whose
# write body the spec already describes so.  Polymorphic schemas, and the
# calendar owner, which the spec documents with an id only but Clio refuses
# without its type.  Each gets an X_type column next to X_id.
TYPED_REF_SCHEMAS = {"PolymorphicObject_base", "Participant", "LinkedFolder_base"}
TYPED_REF_FIELDS = {("calendar_entries", "calendar_owner")}
# Columns Clio never leaves null, on every collection that has them (and
# each collection's scalar fields that a create requires).
NEVER_NULL = {"id", "created_at", "updated_at"}


def plural(name):
    return name + ("es" if name.endswith("s") else "s")


# Preference for the subfields a nested association column asks for.
NESTED_NAME_FIELDS = ["display_number", "name", "description", "summary",
                      "subject", "number", "identifier", "filename"]


def fail(msg):
    sys.stderr.write("gen_catalog: %s\n" % msg)
    sys.exit(1)


class Spec:
    def __init__(self, path):
        with open(path) as f:
            self.doc = json.load(f)
        self.schemas = self.doc["components"]["schemas"]
        self.paths = self.doc["paths"]

    def ref_name(self, ref):
        return ref.rsplit("/", 1)[1]

    def props(self, name):
        """Flattened properties of a component schema (allOf merged)."""
        s = self.schemas[name]
        out = {}
        self._collect(s, out)
        return out

    def _collect(self, s, out):
        if "$ref" in s:
            self._collect(self.schemas[self.ref_name(s["$ref"])], out)
        for part in s.get("allOf", []):
            self._collect(part, out)
        for k, v in s.get("properties", {}).items():
            out[k] = v

    def api_versions(self):
        d = self.doc["info"]["description"]
        vers = re.findall(r"^- (4\.\d+\.\d+)", d, re.M)
        default = None
        m = re.search(r"- (4\.\d+\.\d+)\s+\*\*This is the default version\*\*", d)
        if m:
            default = m.group(1)
        if not vers or not default:
            fail("cannot find the minor versions in info.description")
        return vers, default


def scalar_type(p):
    t = p.get("type")
    f = p.get("format")
    if t == "integer":
        return "int4" if f == "int32" else "int8"
    if t == "number":
        return "numeric"
    if t == "boolean":
        return "bool"
    if t == "string":
        if f == "date":
            return "date"
        if f == "date-time":
            return "timestamptz"
        return "text"
    if t == "object":
        return "jsonb"
    return None


def field_info(spec, name, p):
    """Describe one property of a record schema."""
    if "$ref" in p:
        ref = spec.ref_name(p["$ref"])
        sub = spec.props(ref)
        return {"name": name, "kind": "object", "ref": ref,
                "has_id": "id" in sub, "type": "jsonb"}
    t = p.get("type")
    if t == "array":
        items = p.get("items", {})
        if "$ref" in items:
            return {"name": name, "kind": "array", "ref": spec.ref_name(items["$ref"]),
                    "type": "jsonb"}
        if items.get("type") == "string":
            info = {"name": name, "kind": "scalar", "type": "text[]"}
            if "enum" in items:
                info["enum"] = items["enum"]
            return info
        return {"name": name, "kind": "scalar", "type": "jsonb"}
    st = scalar_type(p)
    if st is None:
        st = "jsonb"
    info = {"name": name, "kind": "scalar", "type": st}
    if "enum" in p:
        info["enum"] = p["enum"]
    return info


def nested_defaults(spec, ref):
    sub = spec.props(ref)
    out = []
    if "id" not in sub:
        # No identity to point at: the column holds the whole object.
        return list(sub)
    out.append("id")
    picked = 0
    for n in NESTED_NAME_FIELDS:
        if n in sub and picked < 2:
            out.append(n)
            picked += 1
    if "type" in sub:
        out.append("type")
    return out


def body_props(spec, op):
    if not op or "requestBody" not in op:
        return None, []
    content = op["requestBody"]["content"]
    sch = list(content.values())[0]["schema"]
    data = sch.get("properties", {}).get("data", {})
    props = {}
    spec._collect(data, props)
    return props, data.get("required", [])


def write_enum(post_props, patch_props, name):
    """The values a create or change body takes for `name`, or None: the
    POST body's enum, then what the PATCH body's adds."""
    out = []
    for props in (post_props, patch_props):
        p = (props or {}).get(name, {})
        for v in p.get("enum") or p.get("items", {}).get("enum") or []:
            if v not in out:
                out.append(v)
    return out or None


def polymorphic(props, name):
    """Whether a write body takes association `name` as {"id", "type"}."""
    p = (props or {}).get(name, {})
    sub = p.get("properties", {})
    return p.get("type") == "object" and "id" in sub and "type" in sub


def param_info(p):
    sch = p.get("schema", {})
    t = sch.get("type")
    f = sch.get("format")
    if t == "integer":
        vt = "int32" if f == "int32" else "int64"
    elif t == "boolean":
        vt = "bool"
    elif t == "string" and f in ("date", "date-time"):
        vt = f
    else:
        vt = "string"
    info = {"name": p["name"], "type": vt, "array": p["name"].endswith("[]"),
            "required": bool(p.get("required"))}
    if "enum" in sch:
        info["enum"] = sch["enum"]
    desc = p.get("description", "")
    if "comma-separated" in desc:
        info["comma_list"] = True
    if "keyword `null` to match" in desc:
        info["null_keyword"] = True
    return info


def ascii_text(text):
    """A description as plain ASCII text: markdown emphasis and links
    dropped, typographic punctuation as ASCII, other characters left out
    (a comment must be valid in any server encoding)."""
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", text or "")
    text = text.replace("*", "").replace("`", "")
    for a, b in (("\u2019", "'"), ("\u2018", "'"), ("\u201c", '"'),
                 ("\u201d", '"'), ("\u2013", "-"), ("\u2014", "-"),
                 ("\u00a0", " ")):
        text = text.replace(a, b)
    text = "".join(ch for ch in text if " " <= ch < "\x7f")
    return re.sub(r"\s+", " ", text).strip()


def column_comment(col, props, by_name):
    """The comment of a column: what Clio says of its field, and what the
    column holds of it."""
    f = by_name.get(col["field"], {})
    desc = ascii_text(props.get(col["field"], {}).get("description", ""))
    ref = (f.get("ref") or "record").replace("_base", "")
    if col["kind"] == "search":
        return ("Not a field: WHERE search = 'text' sends Clio's free-text "
                "search (query=text); the column gives the text back.")
    if col["kind"] == "nested_id":
        return "The id of %s (a %s)." % (col["field"], ref)
    if col["kind"] == "nested_type":
        return "The type of %s: what %s_id refers to." % (col["field"], col["field"])
    if col["kind"] == "nested":
        return "The %s (a %s), as jsonb: %s." % (
            col["field"], ref, ", ".join(col.get("subfields") or ["id"]))
    if col["kind"] == "nested_array":
        return "The %s (a list of %s), as a jsonb array." % (col["field"], ref)
    text = desc or col["field"]
    if not text.endswith("."):
        text += "."
    if col.get("enum"):
        text += " One of: %s." % ", ".join(col["enum"])
    return text


def build(spec):
    versions, default_version = spec.api_versions()
    collections = []
    schemas_used = set()
    for path in sorted(spec.paths):
        if path.count("/") != 1:
            continue
        coll = path[1:-len(".json")]
        ops = spec.paths[path]
        if coll in SKIP:
            continue
        get = ops.get("get")
        if not get:
            fail("%s has no GET and is not in SKIP" % coll)
        resp = list(get["responses"]["200"]["content"].values())[0]["schema"]
        lst = resp.get("$ref", "")
        if not lst.endswith("_List"):
            fail("%s does not list records and is not in SKIP" % coll)
        list_schema = spec.ref_name(lst)
        item_ref = spec.schemas[list_schema]["properties"]["data"]["items"]["$ref"]
        rec = spec.ref_name(item_ref)
        props = spec.props(rec)
        one = spec.paths.get("/%s/{id}.json" % coll, {})

        params = [param_info(p) for p in get.get("parameters", []) if p["in"] == "query"]
        orders = []
        filters = []
        for p in params:
            if p["name"] == "order":
                orders = p.get("enum", [])
            elif p["name"] in ("fields", "limit", "page_token"):
                continue
            else:
                filters.append(p)

        post_props, post_required = body_props(spec, ops.get("post"))
        patch_props, _ = body_props(spec, one.get("patch"))

        fields = []
        for name, p in props.items():
            if (rec, name) in REMOVED_FIELDS:
                continue
            fi = field_info(spec, name, p)
            if fi["kind"] in ("object", "array"):
                schemas_used.add(fi["ref"])
                if fi["kind"] == "object":
                    fi["default_subfields"] = nested_defaults(spec, fi["ref"])
            fi["insertable"] = bool(post_props and name in post_props)
            fi["updatable"] = bool(patch_props and name in patch_props)
            fields.append(fi)

        # The SQL columns: scalars as they are; an association X gives X
        # (jsonb) and X_id (bigint) unless a scalar X_id exists.
        names = {f["name"] for f in fields}
        by_name = {f["name"]: f for f in fields}
        columns = []
        typed = []
        for f in fields:
            col = {"name": f["name"], "field": f["name"], "type": f["type"],
                   "kind": "scalar" if f["kind"] == "scalar" else "nested",
                   "insertable": f["insertable"], "updatable": f["updatable"]}
            # A scalar X_id beside an association X is written as X: {id}.
            base = f["name"][:-3] if f["name"].endswith("_id") else None
            if (f["kind"] == "scalar" and base and base in by_name
                    and by_name[base]["kind"] == "object" and by_name[base]["has_id"]):
                col["write_nested"] = base
                col["insertable"] = by_name[base]["insertable"]
                col["updatable"] = by_name[base]["updatable"]
            if f["name"] == "id":
                col["type"] = "text" if props["id"].get("type") == "string" else "int8"
            if f["kind"] == "object":
                col["subfields"] = f["default_subfields"]
                # The kind of record it holds: its schema, without _base
                # (matters' client: Contact_base, a contact).
                ref = f["ref"]
                col["target"] = ref[:-5] if ref.endswith("_base") else ref
            if f["kind"] == "array":
                col["kind"] = "nested_array"
                # Without subfields Clio returns only id and etag of each
                # item; the column holds the items as Clio describes them.
                col["subfields"] = list(spec.props(f["ref"]))
            if "enum" in f:
                col["enum"] = f["enum"]
            # Clio's write enum, where it is not the read one: matters'
            # status reads Open and is written open.  A write maps a value
            # to the write spelling (case aside) and refuses one in
            # neither enum.
            wenum = write_enum(post_props, patch_props, f["name"])
            if (f["kind"] == "scalar" and wenum
                    and set(wenum) != set(f.get("enum") or [])):
                if f["type"] != "text":
                    fail("%s.%s: a write enum on a %s column" % (coll, f["name"], f["type"]))
                col["write_enum"] = wenum
            columns.append(col)
            if f["kind"] == "object" and f["has_id"] and (f["name"] + "_id") not in names:
                columns.append({"name": f["name"] + "_id", "field": f["name"],
                                "type": "int8", "kind": "nested_id",
                                "insertable": f["insertable"],
                                "updatable": f["updatable"]})
            # A typed association (written as {"id", "type"}) also gives
            # X_type, so that X_id and X_type can be read, filtered on and
            # set as columns; it goes right after X_id.
            if (f["kind"] == "object" and f["has_id"]
                    and (f["name"] + "_type") not in names
                    and (polymorphic(post_props, f["name"])
                         or polymorphic(patch_props, f["name"])
                         or f["ref"] in TYPED_REF_SCHEMAS
                         or (coll, f["name"]) in TYPED_REF_FIELDS)):
                typed.append({"name": f["name"] + "_type", "field": f["name"],
                              "type": "text", "kind": "nested_type",
                              "insertable": f["insertable"],
                              "updatable": f["updatable"]})
        for t in typed:
            at = [i for i, c in enumerate(columns) if c["name"] == t["field"] + "_id"]
            columns.insert(at[0] + 1 if at else len(columns), t)
        # An id that points at a collection whose ids are strings (calendar
        # entries) is text, as that collection's own id column, so that the
        # two join without a cast.
        for c in columns:
            base = c["field"] if c["kind"] == "nested_id" else c.get("write_nested")
            if base and base in by_name and by_name[base].get("ref"):
                if spec.props(by_name[base]["ref"]).get("id", {}).get("type") == "string":
                    c["type"] = "text"

        # Clio's free-text search, as a column: WHERE search = 'smith'
        # sends query=smith, and the column gives back the text searched.
        if any(p["name"] == "query" for p in filters) and "search" not in names:
            columns.append({"name": "search", "field": "query", "type": "text",
                            "kind": "search", "insertable": False,
                            "updatable": False})

        # An array filter that takes a column's values (tasks: status ->
        # statuses[]), and an association's id filter that Clio takes only
        # with the association's type (assignee_id needs assignee_type).
        by_filter = {p["name"]: p for p in filters}
        for c in columns:
            p = by_filter.get(plural(c["name"]) + "[]") or by_filter.get(c["name"] + "[]")
            if p and p["array"] and "array_of" not in p:
                p["array_of"] = c["name"]
            # Clio sets its timestamps and refuses a create without a
            # required field: those columns hold no null.
            if c["name"] in NEVER_NULL or (
                    c["kind"] == "scalar" and c["name"] in post_required):
                c["never_null"] = True
        for p in filters:
            if p["name"].endswith("_id") and p["name"][:-3] + "_type" in by_filter:
                p["needs"] = p["name"][:-3] + "_type"

        # What \d+ shows: a comment per column, from the spec's
        # description of the field (IMPORT FOREIGN SCHEMA writes them).
        for c in columns:
            c["comment"] = column_comment(c, props, by_name)

        required_filters = [p["name"] for p in filters if p["required"]]
        variants = SPLIT.get(coll, [(coll, {})])
        for table, fixed in variants:
            tfilters = [p for p in filters if p["name"] not in fixed]
            entry = {
                "table": table,
                "path": coll,
                "schema": rec,
                "comment": "Clio's %s records (GET /api/v4/%s.json%s)." % (
                    rec, coll, "?" + "&".join("%s=%s" % kv for kv in sorted(fixed.items()))
                    if fixed else ""),
                "fixed_params": fixed,
                "record_get": "get" in one,
                "methods": {
                    "post": "post" in ops,
                    "patch": "patch" in one,
                    "delete": "delete" in one,
                },
                "post_required": post_required,
                "link_after_create": LINK_AFTER_CREATE.get(coll),
                "billing_status": BILLING_STATUS.get(coll),
                "rows": ROW_ESTIMATES.get(table, DEFAULT_ROWS),
                "columns": columns,
                "fields": fields,
                "filters": tfilters,
                "orders": orders,
                "required_filters": [r for r in required_filters if r not in fixed],
                "ranges": [],
            }
            for p in tfilters:
                key = (coll, p["name"])
                if key in RANGE_FILTERS:
                    col, kind = RANGE_FILTERS[key]
                    entry["ranges"].append({"filter": p["name"], "column": col, "kind": kind})
                elif p["name"] == "created_since" and "created_at" in names:
                    entry["ranges"].append({"filter": p["name"], "column": "created_at", "kind": "since"})
                elif p["name"] == "updated_since" and "updated_at" in names:
                    entry["ranges"].append({"filter": p["name"], "column": "updated_at", "kind": "since"})
            collections.append(entry)

    # Nested schemas: which subfields exist (for `X{a,b}` validation).
    nested = {}
    todo = sorted(schemas_used)
    for ref in todo:
        nested[ref] = {n: field_info(spec, n, p)["type"] for n, p in spec.props(ref).items()}

    return {
        "generated_from": "Clio API v4 OpenAPI description",
        "api_version": default_version,
        "api_versions": versions,
        "skipped": SKIP,
        "collections": collections,
        "nested": nested,
    }


# ---------------------------------------------------------------- C output

PG_TYPES = {
    "int8": "INT8OID", "int4": "INT4OID", "numeric": "NUMERICOID",
    "bool": "BOOLOID", "date": "DATEOID", "timestamptz": "TIMESTAMPTZOID",
    "text": "TEXTOID", "jsonb": "JSONBOID", "text[]": "TEXTARRAYOID",
}
SQL_TYPES = {
    "int8": "bigint", "int4": "integer", "numeric": "numeric", "bool": "boolean",
    "date": "date", "timestamptz": "timestamp with time zone", "text": "text",
    "jsonb": "jsonb", "text[]": "text[]",
}
KINDS = {"scalar": "CLIO_COL_SCALAR", "nested": "CLIO_COL_NESTED",
         "nested_id": "CLIO_COL_NESTED_ID", "nested_type": "CLIO_COL_NESTED_TYPE",
         "nested_array": "CLIO_COL_NESTED_ARRAY", "search": "CLIO_COL_SEARCH"}
PTYPES = {"int64": "CLIO_PARAM_INT", "int32": "CLIO_PARAM_INT", "bool": "CLIO_PARAM_BOOL",
          "date": "CLIO_PARAM_DATE", "date-time": "CLIO_PARAM_TIMESTAMP",
          "string": "CLIO_PARAM_STRING"}
RKINDS = {"since": "CLIO_RANGE_SINCE", "from": "CLIO_RANGE_FROM", "to": "CLIO_RANGE_TO",
          "after": "CLIO_RANGE_AFTER", "before": "CLIO_RANGE_BEFORE",
          "opdate": "CLIO_RANGE_OPDATE"}


def c_str(s):
    if s is None:
        return "NULL"
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


def emit_c(cat):
    out = []
    w = out.append
    w("/*-------------------------------------------------------------------------")
    w(" *")
    w(" * clio_catalog_data.c")
    w(" *\t\t  The Clio collections, their fields, filters and orders, as data")
    w(" *")
    w(" * GENERATED by tools/gen_catalog.py from Clio's OpenAPI description of")
    w(" * API v4 (default minor version %s).  Do not edit by hand: change the" % cat["api_version"])
    w(" * generator and run it again.")
    w(" *")
    w(" * IDENTIFICATION")
    w(" *\t\t  src/clio_catalog_data.c")
    w(" *")
    w(" *-------------------------------------------------------------------------")
    w(" */")
    w('#include "postgres.h"')
    w("")
    w('#include "catalog/pg_type_d.h"')
    w('#include "clio_catalog.h"')
    w("")
    w("const char *const clio_catalog_api_version = %s;" % c_str(cat["api_version"]))
    w("")
    w("const char *const clio_catalog_api_versions[] = {")
    for v in cat["api_versions"]:
        w("\t%s," % c_str(v))
    w("\tNULL")
    w("};")
    w("")
    for c in cat["collections"]:
        t = c["table"]
        fields_by_name = {f["name"]: f for f in c["fields"]}
        w("/* %s: %s */" % (t, c["schema"]))
        w("static const ClioColumn %s_columns[] = {" % t)
        for col in c["columns"]:
            sub = ",".join(col.get("subfields", [])) or None
            enum = col.get("enum")
            enumstr = "|".join(enum) if enum else None
            wenum = col.get("write_enum")
            w("\t{%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s}," % (
                c_str(col["name"]), c_str(col["field"]), PG_TYPES[col["type"]],
                KINDS[col["kind"]], c_str(sub), c_str(col.get("write_nested")),
                "true" if col["insertable"] else "false",
                "true" if col["updatable"] else "false",
                c_str(enumstr),
                "true" if col.get("never_null") else "false",
                c_str("|".join(wenum) if wenum else None),
                c_str(col.get("target") if col["kind"] == "nested" else None)))
        w("};")
        w("static const char *const %s_comments[] = {" % t)
        for col in c["columns"]:
            w("\t%s," % c_str(col["comment"]))
        w("};")
        w("static const ClioFilter %s_filters[] = {" % t)
        for p in c["filters"]:
            enum = p.get("enum")
            w("\t{%s, %s, %s, %s, %s, %s, %s, %s, %s}," % (
                c_str(p["name"]), PTYPES[p["type"]],
                "true" if p["array"] else "false",
                "true" if p.get("comma_list") else "false",
                "true" if p.get("null_keyword") else "false",
                "true" if p["required"] else "false",
                c_str("|".join(enum) if enum else None),
                c_str(p.get("array_of")), c_str(p.get("needs"))))
        if not c["filters"]:
            w("\t{NULL}")
        w("};")
        w("static const ClioRange %s_ranges[] = {" % t)
        for r in c["ranges"]:
            w("\t{%s, %s, %s}," % (c_str(r["filter"]), c_str(r["column"]), RKINDS[r["kind"]]))
        if not c["ranges"]:
            w("\t{NULL}")
        w("};")
        w("static const char *const %s_orders[] = {" % t)
        for o in c["orders"]:
            w("\t%s," % c_str(o))
        w("\tNULL")
        w("};")
        fixed = "&".join("%s=%s" % kv for kv in sorted(c["fixed_params"].items())) or None
        w("")
    w("const ClioCollection clio_collections[] = {")
    for c in cat["collections"]:
        t = c["table"]
        fixed = "&".join("%s=%s" % kv for kv in sorted(c["fixed_params"].items())) or None
        w("\t{")
        w("\t\t%s, %s, %s, %s," % (c_str(t), c_str(c["path"]), c_str(c["schema"]), c_str(fixed)))
        w("\t\t%s, %s, %s, %s," % tuple("true" if x else "false" for x in (
            c["record_get"], c["methods"]["post"], c["methods"]["patch"], c["methods"]["delete"])))
        w("\t\t%s, %s," % (c_str(c["link_after_create"]), c_str(c["billing_status"])))
        w("\t\t%d," % c["rows"])
        w("\t\t%s_columns, lengthof(%s_columns)," % (t, t))
        w("\t\t%s_filters, %d," % (t, len(c["filters"])))
        w("\t\t%s_ranges, %d," % (t, len(c["ranges"])))
        w("\t\t%s_orders, %d," % (t, len(c["orders"])))
        w("\t\t%s," % c_str(c["comment"]))
        w("\t\t%s_comments" % t)
        w("\t},")
    w("};")
    w("")
    w("const int\tclio_ncollections = lengthof(clio_collections);")
    return "\n".join(out) + "\n"


def main():
    spec_path = sys.argv[1] if len(sys.argv) > 1 else DEFAULT_SPEC
    spec = Spec(spec_path)
    cat = build(spec)
    with open(os.path.join(TOP, "catalog", "clio_catalog.json"), "w") as f:
        json.dump(cat, f, indent=1, sort_keys=False)
        f.write("\n")
    with open(os.path.join(TOP, "src", "clio_catalog_data.c"), "w") as f:
        f.write(emit_c(cat))
    print("gen_catalog: %d tables, API version %s" % (len(cat["collections"]), cat["api_version"]))


if __name__ == "__main__":
    main()
