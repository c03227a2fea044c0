"""The Clio resource catalog as the sandbox sees it, and the `fields` language.

Reads catalog/clio_catalog.json (generated from Clio's OpenAPI spec) and
sandbox/spec_extract.json (request bodies and show parameters from the same
spec), and groups the catalog's tables by URL collection: `notes` is one
URL collection serving the matter_notes and contact_notes tables.

The `fields` parameter is parsed, validated and compiled here into a small
render plan, exactly as Clio documents it: without `fields` only `id` and
`etag` come back; `matter{id,display_number}` picks subfields of a nested
resource; a nested resource named without braces returns its default fields
(`id` and `etag` where it has them); a second-level nested resource may be
named inside braces and returns its defaults, but giving it braces is a 400.
"""

import json
import os

from sbx_util import bad_request, version_tuple

HERE = os.path.dirname(os.path.abspath(__file__))
CATALOG_PATH = os.path.join(HERE, "..", "catalog", "clio_catalog.json")
EXTRACT_PATH = os.path.join(HERE, "spec_extract.json")

# Fields whose presence depends on the X-API-VERSION (from the spec's
# minor-version changelog).  (schema, field) -> (first version, last version)
# with None meaning unbounded.
VERSIONED_FIELDS = {
    ("Document", "document_versions"): (None, (4, 0, 5)),  # removed in 4.0.6
    ("Activity", "quantity_redacted"): ((4, 0, 8), None),  # added in 4.0.8
}

# Their shapes, for catalogs that drop the removed ones.
OLD_VERSION_FIELDS = {
    ("Document", "document_versions"): {
        "kind": "array",
        "ref": "DocumentVersion_base",
        "type": "jsonb",
    },
}

# Nested schemas that are not a collection's own schema, mapped to the URL
# collection whose records they describe.
REF_COLLECTIONS = {
    "Activity_CalendarEntry_base": "calendar_entries",
    "Activity_Task_base": "tasks",
    "Activity_TextMessageConversation_base": "conversations",
    "LinkedFolder_base": "folders",
    "ClioCreator_base": "users",
    "Note_base": "notes",
    "CalendarEntry_base": "calendar_entries",
    "UnredactedParticipant_base": None,
    "Participant": None,
    "PolymorphicObject_base": None,
}

RESERVED_PARAMS = ("fields", "limit", "page_token", "order", "offset")


class Field:
    __slots__ = (
        "name",
        "kind",
        "type",
        "ref",
        "enum",
        "insertable",
        "updatable",
        "default_subfields",
        "has_id",
    )

    def __init__(self, d):
        self.name = d["name"]
        self.kind = d["kind"]  # scalar | object | array
        self.type = d["type"]
        self.ref = d.get("ref")
        self.enum = d.get("enum")
        self.insertable = d.get("insertable", False)
        self.updatable = d.get("updatable", False)
        self.default_subfields = d.get("default_subfields")
        self.has_id = d.get("has_id", False)


class Resource:
    """One URL collection (e.g. `matters`, `notes`)."""

    def __init__(self, path, tables, extract):
        first = tables[0]
        self.path = path
        self.tables = [t["table"] for t in tables]
        self.schema = first["schema"]
        self.record_get = first["record_get"]
        self.methods = dict(first["methods"])
        self.post_required = list(first["post_required"])
        self.fields = {}
        for f in first["fields"]:
            self.fields[f["name"]] = Field(f)
        self.field_order = [f["name"] for f in first["fields"]]
        # Fields of older minor versions that a catalog built for the default
        # version may leave out.
        for (schema, name), d in OLD_VERSION_FIELDS.items():
            if schema == self.schema and name not in self.fields:
                self.fields[name] = Field(dict(d, name=name))
                self.field_order.append(name)
        self.filters = {}
        for t in tables:
            for p in t["filters"]:
                self.filters.setdefault(p["name"], p)
        # A parameter fixed per table (notes: type=Matter|Contact) becomes a
        # required filter of the URL collection.
        self.fixed = {}
        for t in tables:
            for k, v in t["fixed_params"].items():
                self.fixed.setdefault(k, []).append(v)
        for k, vals in self.fixed.items():
            self.filters[k] = {
                "name": k,
                "type": "string",
                "array": False,
                "required": True,
                "enum": vals,
            }
        self.orders = list(first["orders"])
        self.ranges = {}
        for t in tables:
            for r in t["ranges"]:
                self.ranges[r["filter"]] = r
        self.id_is_text = self.fields["id"].type == "text"
        ex = extract.get(path, {})
        self.post_body = ex.get("post")
        self.patch_body = ex.get("patch")
        self.show_params = ex.get("show_params", ["fields"])

    def field_available(self, name, version):
        rng = VERSIONED_FIELDS.get((self.schema, name))
        if rng is None:
            return name in self.fields
        lo, hi = rng
        if lo is not None and version < lo:
            return False
        if hi is not None and version > hi:
            return False
        return True


class Catalog:
    def __init__(self, path=CATALOG_PATH, extract_path=EXTRACT_PATH):
        with open(path) as f:
            doc = json.load(f)
        with open(extract_path) as f:
            extract = json.load(f)["collections"]
        self.api_version = doc["api_version"]
        self.api_versions = list(doc["api_versions"])
        self.nested = doc["nested"]
        self.tables = {c["table"]: c for c in doc["collections"]}
        grouped = {}
        for c in doc["collections"]:
            grouped.setdefault(c["path"], []).append(c)
        self.resources = {p: Resource(p, ts, extract) for p, ts in grouped.items()}
        self.table_path = {c["table"]: c["path"] for c in doc["collections"]}
        self.schema_path = {r.schema: p for p, r in self.resources.items()}
        # Second-level names: for a nested schema that is a collection's
        # _base shape, the associations of the full record are valid too
        # (Clio's own example: matter{id,description,client}).
        self._second = {}
        for ref, subs in self.nested.items():
            names = {n for n, t in subs.items() if t == "jsonb"}
            path = self.ref_path(ref)
            res = self.resources.get(path) if path else None
            if res is not None and (ref == res.schema + "_base" or ref == res.schema):
                names |= {f.name for f in res.fields.values() if f.kind != "scalar"}
            self._second[ref] = names

    def ref_path(self, ref):
        """URL collection holding the records a nested schema describes."""
        if ref in REF_COLLECTIONS:
            return REF_COLLECTIONS[ref]
        base = ref[:-5] if ref.endswith("_base") else ref
        return self.schema_path.get(base)

    def subfield_names(self, ref):
        return set(self.nested.get(ref, {})) | self._second.get(ref, set())

    def is_second_level(self, ref, name):
        return name in self._second.get(ref, ())

    def default_keys(self, ref):
        """Default fields of a nested resource: id and etag where present."""
        subs = self.nested.get(ref)
        if subs is None:
            return None
        keys = [k for k in ("id", "etag") if k in subs]
        return keys or None

    def version(self, header):
        """Validate X-API-VERSION; returns (string, tuple) or None if invalid."""
        if header is None:
            return self.api_version, version_tuple(self.api_version)
        header = header.strip()
        if header not in self.api_versions:
            return None
        return header, version_tuple(header)


# ------------------------------------------------------------ fields language


def parse_fields(text):
    """Parse `a,b{c,d},e` into [(name, None | [(name, sub)...]), ...]."""
    pos = 0
    n = len(text)

    def parse_list(depth):
        nonlocal pos
        items = []
        while True:
            start = pos
            while pos < n and text[pos] not in ",{}":
                pos += 1
            name = text[start:pos]
            if not name:
                raise bad_request("Invalid fields parameter: empty field name in %r" % text)
            sub = None
            if pos < n and text[pos] == "{":
                pos += 1
                sub = parse_list(depth + 1)
                if pos >= n or text[pos] != "}":
                    raise bad_request("Invalid fields parameter: unbalanced braces in %r" % text)
                pos += 1
            items.append((name, sub))
            if pos < n and text[pos] == ",":
                pos += 1
                continue
            if pos < n and text[pos] == "}":
                if depth == 0:
                    raise bad_request("Invalid fields parameter: unbalanced braces in %r" % text)
                return items
            if pos >= n:
                if depth > 0:
                    raise bad_request("Invalid fields parameter: unbalanced braces in %r" % text)
                return items
            raise bad_request("Invalid fields parameter %r" % text)

    if text == "":
        raise bad_request("Invalid fields parameter: empty")
    return parse_list(0)


# Render plan entry modes
SCALAR, DEFAULTS, SUBFIELDS = 0, 1, 2


def compile_fields(catalog, res, text, version):
    """Validate `fields` for a resource and return a render plan.

    The plan is a list of (name, mode, ref, subplan) where subplan is a list
    of (subname, is_second_level).
    """
    if text is None:
        return [("id", SCALAR, None, None), ("etag", SCALAR, None, None)]
    items = parse_fields(text)
    plan = []
    seen = set()
    invalid = []
    for name, sub in items:
        f = res.fields.get(name)
        if f is None or not res.field_available(name, version):
            invalid.append(name)
            continue
        if name in seen:
            continue
        seen.add(name)
        if f.kind == "scalar":
            if sub is not None:
                raise bad_request("The field '%s' has no nested fields" % name)
            plan.append((name, SCALAR, None, None))
            continue
        if sub is None:
            plan.append((name, DEFAULTS, f.ref, None))
            continue
        valid = catalog.subfield_names(f.ref)
        subplan = []
        subseen = set()
        for sname, ssub in sub:
            if sname not in valid:
                invalid.append("%s{%s}" % (name, sname))
                continue
            second = catalog.is_second_level(f.ref, sname)
            if ssub is not None:
                if second:
                    raise bad_request(
                        "Fields of second-level nested resources cannot be requested: %s{%s{...}}"
                        % (name, sname)
                    )
                raise bad_request("The field '%s{%s}' has no nested fields" % (name, sname))
            if sname in subseen:
                continue
            subseen.add(sname)
            subplan.append((sname, second))
        plan.append((name, SUBFIELDS, f.ref, subplan))
    if invalid:
        raise bad_request("Invalid fields requested: %s" % ", ".join(invalid))
    return plan


def full_plan(catalog, res, version):
    """Every field; objects with the catalog's default subfields, arrays with
    every subfield of their nested schema (used by /_sandbox/records)."""
    plan = []
    for name in res.field_order:
        if not res.field_available(name, version):
            continue
        f = res.fields[name]
        if f.kind == "scalar":
            plan.append((name, SCALAR, None, None))
        elif f.kind == "object" and f.default_subfields:
            plan.append(
                (
                    name,
                    SUBFIELDS,
                    f.ref,
                    [(s, catalog.is_second_level(f.ref, s)) for s in f.default_subfields],
                )
            )
        else:
            subs = list(catalog.nested.get(f.ref, {}))
            if subs:
                plan.append(
                    (
                        name,
                        SUBFIELDS,
                        f.ref,
                        [(s, catalog.is_second_level(f.ref, s)) for s in subs],
                    )
                )
            else:
                plan.append((name, DEFAULTS, f.ref, None))
    return plan
