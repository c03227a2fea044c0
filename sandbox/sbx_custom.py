"""Custom fields of matters and contacts: values by field type, the
`custom_field_values[<id>]` list filter and the `custom_field_values` of a
write body.

A custom field value is always a JSON string, whatever the field's type:
checkbox "true"/"false"; currency and numeric a decimal ("1500.5",
"25000.0"); date "YYYY-MM-DD"; time "HH:MM:SS"; email, url, text_line and
text_area the text; picklist the option's id; contact and matter the
referenced record's id.  Where Clio's behaviour is unknown this module is
the strict reading documented in sandbox/README.md ("Custom fields").
"""

import re
from decimal import Decimal

from sbx_store import Ref
from sbx_util import bad_request, etag_for, fmt_ts, parse_date, unprocessable

FIELD_TYPES = (
    "checkbox",
    "contact",
    "currency",
    "date",
    "time",
    "email",
    "matter",
    "numeric",
    "picklist",
    "text_area",
    "text_line",
    "url",
)
# Types whose filter takes an operator (=, <, >, <=, >=) and the array form.
MULTI_OP = ("currency", "numeric", "date", "time")
TEXT_TYPES = ("email", "text_area", "text_line", "url")
# URL collection -> the parent_type of its custom fields
PARENT_TYPE = {"matters": "Matter", "contacts": "Contact"}
REF_COLLECTION = {"contact": "contacts", "matter": "matters"}

NUMBER_RE = re.compile(r"^-?\d+(\.\d+)?$")
INT_RE = re.compile(r"^\d+$")
TIME_RE = re.compile(r"^(\d{2}):(\d{2})(?::(\d{2}))?$")
EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s.]+(\.[^@\s.]+)+$")
URL_RE = re.compile(r"^https?://[^\s/?#@]+\.[^\s/?#@]+([/?#]\S*)?$")
OP_RE = re.compile(r"^(<=|>=|=|<|>)(.*)$", re.S)
TEXT_LINE_MAX = 255
OPS = {
    "=": lambda a, b: a == b,
    "<": lambda a, b: a < b,
    ">": lambda a, b: a > b,
    "<=": lambda a, b: a <= b,
    ">=": lambda a, b: a >= b,
}


class Invalid(Exception):
    """A value that does not fit its field's type (the message says why)."""


def cf_id_of(value):
    """The custom field id a stored value belongs to (a Ref, or a dict after
    an admin mutation), or None."""
    cf = value.get("custom_field") if isinstance(value, dict) else None
    if isinstance(cf, Ref):
        return cf.id
    if isinstance(cf, dict):
        return cf.get("id")
    return None


def decimal_text(d):
    """A decimal as Clio writes a number value: at least one decimal ("25000.0")."""
    t = format(d, "f")
    if "." in t:
        t = t.rstrip("0")
        return t + "0" if t.endswith(".") else t
    return t + ".0"


def time_seconds(text):
    m = TIME_RE.match(text)
    if not m:
        return None
    h, mi, s = int(m.group(1)), int(m.group(2)), int(m.group(3) or 0)
    if h > 23 or mi > 59 or s > 59:
        return None
    return h * 3600 + mi * 60 + s


def ordered_key(ftype, text):
    """The comparable key of a currency/numeric/date/time text, or None."""
    if not isinstance(text, str):
        return None
    if ftype in ("currency", "numeric"):
        return Decimal(text) if NUMBER_RE.match(text) else None
    if ftype == "date":
        return parse_date(text)
    return time_seconds(text)


def option_ids(cf, live_only):
    return {
        o["id"]
        for o in cf.get("picklist_options") or ()
        if not live_only or o.get("deleted_at") is None
    }


def describe(cf):
    return "%s (%s)" % (cf["name"], cf["id"])


def definition(ds, cf_id):
    return ds.stores["custom_fields"].get(cf_id) if isinstance(cf_id, int) else None


# ------------------------------------------------------------ the list filter


def filter_test(ds, path, cf_id, text):
    """(signature, fn(rec) -> bool) for `custom_field_values[cf_id]=text` on a
    list of `path`; raises a 400 for what Clio refuses."""
    name = "custom_field_values[%d]" % cf_id
    cf = definition(ds, cf_id)
    if cf is None:
        raise bad_request(
            "Invalid value for %s: there is no custom field with id %d" % (name, cf_id)
        )
    parent = PARENT_TYPE.get(path)
    if parent is not None and cf["parent_type"] != parent:
        raise bad_request(
            "Invalid value for %s: custom field %s is a %s field, not a %s field"
            % (name, describe(cf), cf["parent_type"], parent)
        )
    if cf.get("deleted"):
        raise bad_request(
            "Invalid value for %s: custom field %s is deleted" % (name, describe(cf))
        )
    ftype = cf["field_type"]
    if ftype in MULTI_OP:
        conds = _multi_conditions(name, cf, text)

        def test(value):
            k = ordered_key(ftype, value)
            return k is not None and all(OPS[op](k, want) for op, want in conds)

        sig = tuple(conds)
    else:
        want = _single_value(name, cf, text)
        if ftype in TEXT_TYPES:

            def test(value):
                return isinstance(value, str) and value.casefold() == want

        else:

            def test(value):
                return value == want

        sig = (want,)

    def fn(rec):
        for v in rec.get("custom_field_values") or ():
            if cf_id_of(v) == cf_id and not v.get("soft_deleted") and test(v.get("value")):
                return True
        return False

    return ("cfv", cf_id, ftype) + sig, fn


def _single_value(name, cf, text):
    """The value a single-operator type compares with `=`, as given."""
    ftype = cf["field_type"]
    if text[:1] in ("<", ">", "["):
        raise bad_request(
            "Invalid value for %s: custom field %s is of type %s, which supports "
            "only the = operator (%r)" % (name, describe(cf), ftype, text)
        )
    if ftype == "checkbox":
        if text not in ("true", "false"):
            raise bad_request(
                "Invalid value for %s: %r (a checkbox takes true or false)" % (name, text)
            )
        return text
    if ftype in ("contact", "matter", "picklist"):
        if not INT_RE.match(text):
            raise bad_request(
                "Invalid value for %s: %r is not an id (custom field %s is of type %s)"
                % (name, text, describe(cf), ftype)
            )
        if ftype == "picklist" and int(text) not in option_ids(cf, False):
            raise bad_request(
                "Invalid value for %s: %s is not an option of custom field %s"
                % (name, text, describe(cf))
            )
        return str(int(text))
    return text.casefold()


def _multi_conditions(name, cf, text):
    """[(operator, key)] of a currency/numeric/date/time filter value."""
    if text.startswith("["):
        if not text.endswith("]") or not text[1:-1].strip():
            raise bad_request(
                "Invalid value for %s: %r (expected [<op><value>, <op><value>...])"
                % (name, text)
            )
        out = []
        for part in text[1:-1].split(","):
            part = part.strip()
            m = OP_RE.match(part)
            if not m:
                raise bad_request(
                    "Invalid value for %s: %r in %r has no operator (=, <, >, <=, >=)"
                    % (name, part, text)
                )
            out.append((m.group(1), _ordered(name, cf, m.group(2))))
        return out
    m = OP_RE.match(text)
    if m:
        return [(m.group(1), _ordered(name, cf, m.group(2)))]
    return [("=", _ordered(name, cf, text))]


def _ordered(name, cf, text):
    k = ordered_key(cf["field_type"], text)
    if k is None:
        expected = {
            "currency": "a number",
            "numeric": "a number",
            "date": "a date (YYYY-MM-DD)",
            "time": "a time (HH:MM or HH:MM:SS)",
        }[cf["field_type"]]
        raise bad_request(
            "Invalid value for %s: %r is not %s (custom field %s is of type %s)"
            % (name, text, expected, describe(cf), cf["field_type"])
        )
    return k


# ------------------------------------------------------------ stored values


def value_record(id_, etag, cf, value, created, updated, soft_deleted=None, popt=None, ref=None):
    """A custom field value as stored (rendered as the spec's CustomFieldValue)."""
    ftype = cf["field_type"]
    return {
        "id": id_,
        "etag": etag,
        "field_name": cf["name"],
        "created_at": created,
        "updated_at": updated,
        "field_type": ftype,
        "field_required": bool(cf["required"]),
        "field_displayed": bool(cf["displayed"]),
        "field_display_order": cf["display_order"],
        "value": value,
        "soft_deleted": bool(cf["deleted"]) if soft_deleted is None else soft_deleted,
        "custom_field": Ref("custom_fields", cf["id"]),
        "picklist_option": popt,
        "matter": ref if ftype == "matter" else None,
        "contact": ref if ftype == "contact" else None,
    }


def live_value(ds, value):
    """A stored value as read: the field's name, flags and order, and
    soft_deleted, are the definition's as it is now (renamed or deleted
    since the value was written)."""
    cf = definition(ds, cf_id_of(value))
    if cf is None:
        return value
    return dict(
        value,
        field_name=cf["name"],
        field_required=bool(cf["required"]),
        field_displayed=bool(cf["displayed"]),
        field_display_order=cf["display_order"],
        soft_deleted=bool(cf["deleted"]),
    )


def picklist_option(cf, option_id):
    for o in cf.get("picklist_options") or ():
        if o["id"] == option_id:
            return {"id": o["id"], "etag": o["etag"], "option": o["option"]}
    return None


def normalise(ds, cf, value):
    """(stored text, picklist option, reference) of a written value; raises
    Invalid saying what is wrong with it."""
    if not isinstance(value, str):
        raise Invalid("the value must be a JSON string")
    if value == "":
        raise Invalid("the value can't be blank (remove a value with _destroy)")
    ftype = cf["field_type"]
    if ftype == "checkbox":
        if value not in ("true", "false"):
            raise Invalid("%r is not true or false" % value)
        return value, None, None
    if ftype in ("currency", "numeric"):
        if not NUMBER_RE.match(value):
            raise Invalid("%r is not a number" % value)
        d = Decimal(value)
        if ftype == "currency" and d != d.quantize(Decimal("0.01")):
            raise Invalid("%r has more than two decimal places" % value)
        return decimal_text(d), None, None
    if ftype == "date":
        if parse_date(value) is None:
            raise Invalid("%r is not a date (YYYY-MM-DD)" % value)
        return value, None, None
    if ftype == "time":
        s = time_seconds(value)
        if s is None:
            raise Invalid("%r is not a time (HH:MM or HH:MM:SS)" % value)
        return "%02d:%02d:%02d" % (s // 3600, s // 60 % 60, s % 60), None, None
    if ftype == "email":
        if not EMAIL_RE.match(value):
            raise Invalid("%r is not an email address" % value)
        return value, None, None
    if ftype == "url":
        if not URL_RE.match(value):
            raise Invalid("%r is not an http or https URL" % value)
        return value, None, None
    if ftype == "text_line" and len(value) > TEXT_LINE_MAX:
        raise Invalid("the text is longer than %d characters" % TEXT_LINE_MAX)
    if ftype in TEXT_TYPES:
        return value, None, None
    if not INT_RE.match(value):
        raise Invalid("%r is not an id" % value)
    n = int(value)
    if ftype == "picklist":
        if n not in option_ids(cf, True):
            raise Invalid(
                "%s is not an option of this field (options: %s)"
                % (
                    value,
                    ", ".join(
                        "%d %s" % (o["id"], o["option"])
                        for o in cf.get("picklist_options") or ()
                        if o.get("deleted_at") is None
                    ),
                )
            )
        return str(n), picklist_option(cf, n), None
    coll = REF_COLLECTION[ftype]
    if not ds.stores[coll].exists(n):
        raise Invalid("%s %d does not exist" % (coll, n))
    return str(n), None, Ref(coll, n)


# ------------------------------------------------------------ writes

POST_KEYS = ("custom_field", "value")
PATCH_KEYS = ("id", "custom_field", "value", "_destroy")


def written_values(ds, path, old_values, items, now, create):
    """The record's custom_field_values after a write's `custom_field_values`
    (a new list); raises a 422 naming the item, the field and the problem.
    Nothing changes (no value id is spent) unless every item is valid."""
    parent = PARENT_TYPE[path]
    if not isinstance(items, list):
        raise unprocessable("custom_field_values must be an array")
    by_id = {v.get("id"): v for v in old_values}
    taken = {cf_id_of(v) for v in old_values}
    errors = []
    plan = []  # (kind, item index, definition, old value or None, normalised value)
    seen_ids = set()
    for j, item in enumerate(items):
        where = "custom_field_values[%d]" % j
        if not isinstance(item, dict):
            errors.append("%s must be an object" % where)
            continue
        allowed = POST_KEYS if create else PATCH_KEYS
        unknown = [k for k in item if k not in allowed]
        if unknown:
            errors.append(
                "%s: %s is not a known attribute" % (where, ", ".join(sorted(unknown)))
            )
            continue
        destroy = item.get("_destroy", False)
        if not isinstance(destroy, bool):
            errors.append("%s._destroy must be true or false" % where)
            continue
        ref = item.get("custom_field")
        cf_id = None
        if ref is not None:
            if not isinstance(ref, dict) or set(ref) != {"id"}:
                errors.append("%s.custom_field must be an object with only an id" % where)
                continue
            cf_id = ref["id"]
            if isinstance(cf_id, str) and INT_RE.match(cf_id):
                cf_id = int(cf_id)
            if isinstance(cf_id, bool) or not isinstance(cf_id, int):
                errors.append("%s.custom_field.id must be an integer" % where)
                continue
        vid = item.get("id")
        old = None
        if vid is not None:
            old = by_id.get(vid) if isinstance(vid, str) else None
            if old is None:
                errors.append(
                    "%s.id: %s is not a custom field value of this %s"
                    % (where, _show(vid), parent)
                )
                continue
            if vid in seen_ids:
                errors.append("%s.id: %s is given more than once" % (where, _show(vid)))
                continue
            seen_ids.add(vid)
            if cf_id is not None and cf_id != cf_id_of(old):
                errors.append(
                    "%s.custom_field.id: %d does not match the field of value %s (%s)"
                    % (where, cf_id, vid, cf_id_of(old))
                )
                continue
            cf_id = cf_id_of(old)
        elif destroy:
            errors.append("%s: _destroy needs the id of the value to remove" % where)
            continue
        elif cf_id is None:
            errors.append("%s.custom_field is required for a new value" % where)
            continue
        if destroy:
            plan.append(("destroy", j, None, old, None))
            continue
        cf = definition(ds, cf_id)
        if cf is None:
            errors.append("%s: custom field %s does not exist" % (where, cf_id))
            continue
        if cf["parent_type"] != parent:
            errors.append(
                "%s: custom field %s is a %s field, not a %s field"
                % (where, describe(cf), cf["parent_type"], parent)
            )
            continue
        if cf.get("deleted"):
            errors.append("%s: custom field %s is deleted" % (where, describe(cf)))
            continue
        if "value" not in item:
            errors.append("%s: custom field %s: value is required" % (where, describe(cf)))
            continue
        if old is None:
            if cf_id in taken:
                errors.append(
                    "%s: custom field %s has already been taken (the %s has a value for it: "
                    "change it with its id)" % (where, describe(cf), parent)
                )
                continue
            taken.add(cf_id)
        try:
            norm = normalise(ds, cf, item["value"])
        except Invalid as e:
            errors.append("%s: custom field %s: %s" % (where, describe(cf), e))
            continue
        plan.append(("change" if old is not None else "new", j, cf, old, norm))
    if errors:
        raise unprocessable("; ".join(errors))
    ts = fmt_ts(now)
    gone = {id(p[3]) for p in plan if p[0] == "destroy"}
    changed = {id(p[3]): p for p in plan if p[0] == "change"}
    out = []
    for v in old_values:
        if id(v) in gone:
            continue
        p = changed.get(id(v))
        if p is not None:
            _, j, cf, _, (text, popt, ref) = p
            v = value_record(
                v["id"],
                etag_for("cfv-write", v["id"], now, j),
                cf,
                text,
                v.get("created_at") or ts,
                ts,
                popt=popt,
                ref=ref,
            )
        out.append(v)
    for kind, j, cf, _, norm in plan:
        if kind == "new":
            text, popt, ref = norm
            id_ = ds.next_cfv_id(cf["field_type"])
            out.append(
                value_record(
                    id_, etag_for("cfv-write", id_, now, j), cf, text, ts, ts, popt=popt, ref=ref
                )
            )
    return out


def _show(v):
    return "%r" % (v,) if not isinstance(v, str) else '"%s"' % v
