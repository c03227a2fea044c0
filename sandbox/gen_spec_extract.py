#!/usr/bin/env python3
"""Extract what the Clio sandbox needs from Clio's OpenAPI spec.

The sandbox reads catalog/clio_catalog.json for the record schemas, filters
and orders.  The catalog does not describe request bodies, so this script
pulls the POST/PATCH body schemas (types, enums, required keys, nested
shapes) and the query parameters of the single-record GET out of the spec
into sandbox/spec_extract.json, which is committed so that the sandbox
never needs the spec at run time.

Usage:
    python3 sandbox/gen_spec_extract.py [path/to/clio_openapi_v4.json]
"""

import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_SPEC = os.path.join(HERE, "..", "..", "shared", "reference", "clio_openapi_v4.json")
OUT = os.path.join(HERE, "spec_extract.json")


class Spec:
    def __init__(self, path):
        with open(path) as f:
            self.doc = json.load(f)
        self.schemas = self.doc["components"]["schemas"]

    def resolve(self, node, out):
        """Merge the properties/required of node (following $ref/allOf)."""
        if "$ref" in node:
            self.resolve(self.schemas[node["$ref"].rsplit("/", 1)[1]], out)
        for part in node.get("allOf", []):
            self.resolve(part, out)
        out.setdefault("properties", {}).update(node.get("properties", {}))
        if node.get("required"):
            out.setdefault("required", []).extend(node["required"])
        for key in ("type", "format", "enum", "items"):
            if key in node and key not in out:
                out[key] = node[key]
        return out

    def compact(self, node, depth=0):
        """A small description of a body schema node."""
        full = self.resolve(node, {})
        t = full.get("type")
        if t is None and full.get("properties"):
            t = "object"
        out = {"t": t or "any"}
        if full.get("format"):
            out["f"] = full["format"]
        if full.get("enum"):
            out["enum"] = full["enum"]
        if t == "object" and depth < 6:
            out["p"] = {
                k: self.compact(v, depth + 1) for k, v in full.get("properties", {}).items()
            }
            if full.get("required"):
                out["r"] = full["required"]
        if t == "array" and "items" in full:
            out["i"] = self.compact(full["items"], depth + 1)
        return out


def body(spec, op):
    if not op or "requestBody" not in op:
        return None
    content = op["requestBody"]["content"]
    schema = content.get("application/json") or list(content.values())[0]
    data = schema["schema"].get("properties", {}).get("data", {})
    return spec.compact(data)


def main():
    path = sys.argv[1] if len(sys.argv) > 1 else DEFAULT_SPEC
    spec = Spec(path)
    out = {"generated_from": "Clio API v4 OpenAPI description", "collections": {}}
    for p in sorted(spec.doc["paths"]):
        if p.count("/") != 1 or not p.endswith(".json"):
            continue
        coll = p[1 : -len(".json")]
        ops = spec.doc["paths"][p]
        one = spec.doc["paths"].get("/%s/{id}.json" % coll, {})
        entry = {}
        post = body(spec, ops.get("post"))
        if post:
            entry["post"] = post
        patch = body(spec, one.get("patch"))
        if patch:
            entry["patch"] = patch
        if "get" in one:
            entry["show_params"] = sorted(
                q["name"] for q in one["get"].get("parameters", []) if q["in"] == "query"
            )
        if entry:
            out["collections"][coll] = entry
    with open(OUT, "w") as f:
        json.dump(out, f, indent=None, sort_keys=True, separators=(",", ":"))
        f.write("\n")
    print("wrote %s (%d collections)" % (OUT, len(out["collections"])))


if __name__ == "__main__":
    main()
