"""Record storage, indexes and rendering for the Clio sandbox.

A Store holds one URL collection.  Seeded records are not kept as dicts:
each store has a sorted array of seeded ids and a builder that makes the
full record for the i-th seeded id on demand (from compact per-record data
computed at startup).  Writes go to an overlay dict; deletes to a set.  So a
reset is instant and 500,000 activities fit in a few arrays.

Equality and range indexes are built the first time a filter needs them and
are then kept up to date on every write.
"""

import bisect
from array import array

from sbx_catalog import DEFAULTS, SCALAR
from sbx_util import parse_ts

CACHE_MAX = 4096
# fast keys of these types are normalised (epoch, ids), not the field value
PARTIAL_UNSAFE = ("timestamptz", "jsonb", None)


class Ref:
    """A reference from one record to another (rendered on output)."""

    __slots__ = ("coll", "id")

    def __init__(self, coll, id_):
        self.coll = coll
        self.id = id_

    def __eq__(self, other):
        return isinstance(other, Ref) and other.coll == self.coll and other.id == self.id

    def __hash__(self):
        return hash((self.coll, self.id))

    def __repr__(self):
        return "Ref(%r, %r)" % (self.coll, self.id)


def norm_key(value, ftype):
    """The comparable key of a field value, as filters and indexes see it."""
    if value is None:
        return None
    if isinstance(value, Ref):
        return value.id
    if isinstance(value, list):
        return tuple(norm_key(v, None) for v in value)
    if ftype == "timestamptz" and isinstance(value, str):
        return parse_ts(value)
    if isinstance(value, dict):
        return value.get("id")
    return value


class Store:
    def __init__(
        self,
        path,
        seed_ids,
        builder,
        field_types,
        fast_keys=None,
        first_new_id=None,
        fast_columns=None,
    ):
        self.path = path
        # field -> (array of raw values per seeded record, raw value -> key):
        # lets indexes be built by grouping raw values, without a call per record
        self.fast_columns = fast_columns or {}
        self.seed_ids = seed_ids if isinstance(seed_ids, array) else array("q", seed_ids)
        self.builder = builder
        self.field_types = field_types
        self.fast_keys = fast_keys or {}
        if first_new_id is None:
            first_new_id = (self.seed_ids[-1] if len(self.seed_ids) else 0) + 1
        self.first_new_id = first_new_id
        self.reset()

    def reset(self):
        pristine = (
            getattr(self, "overlay", None) == {}
            and not self.deleted
            and self.next_id == self.first_new_id
        )
        self.overlay = {}
        self.deleted = set()
        self.ids = array("q", self.seed_ids)
        self.next_id = self.first_new_id
        self.cache = {}
        if not pristine:
            # indexes follow every write; they only need rebuilding after some
            self.eq_indexes = {}
            self.range_indexes = {}

    # -------------------------------------------------------- reads
    def seed_index(self, id_):
        sid = self.seed_ids
        i = bisect.bisect_left(sid, id_)
        if i < len(sid) and sid[i] == id_:
            return i
        return -1

    def get(self, id_):
        rec = self.overlay.get(id_)
        if rec is not None:
            return rec
        rec = self.cache.get(id_)
        if rec is not None:
            return rec
        if id_ in self.deleted:
            return None
        i = self.seed_index(id_)
        if i < 0:
            return None
        rec = self.builder(i)
        if len(self.cache) >= CACHE_MAX:
            self.cache.clear()
        self.cache[id_] = rec
        return rec

    def exists(self, id_):
        if id_ in self.overlay:
            return True
        if id_ in self.deleted:
            return False
        return self.seed_index(id_) >= 0

    def key(self, id_, field):
        if id_ not in self.overlay:
            fk = self.fast_keys.get(field)
            if fk is not None:
                i = self.seed_index(id_)
                if i >= 0:
                    return fk(i)
        rec = self.get(id_)
        if rec is None:
            return None
        return norm_key(rec.get(field), self.field_types.get(field))

    def partial(self, id_, names):
        """Some scalar fields of a seeded record without building it, or None."""
        if id_ in self.overlay or id_ in self.deleted:
            return None
        fk = self.fast_keys
        for n in names:
            if n not in fk or self.field_types.get(n) in PARTIAL_UNSAFE:
                return None
        i = self.seed_index(id_)
        if i < 0:
            return None
        return {n: fk[n](i) for n in names}

    def _all_keys(self, field):
        """(id, key) for every live record."""
        fk = self.fast_keys.get(field)
        if fk is not None and not self.overlay and not self.deleted:
            sid = self.seed_ids
            return [(sid[i], fk(i)) for i in range(len(sid))]
        return [(i, self.key(i, field)) for i in self.ids]

    # -------------------------------------------------------- indexes
    def _column_groups(self, field):
        """{key: [ids]} straight from a raw column, or None if not possible."""
        fc = self.fast_columns.get(field)
        if fc is None or self.overlay or self.deleted:
            return None
        col, decode = fc
        sid = self.seed_ids
        groups = {}
        for i, v in enumerate(col):
            g = groups.get(v)
            if g is None:
                groups[v] = g = []
            g.append(sid[i])
        return {decode(v): ids for v, ids in groups.items()}

    def eq_index(self, field):
        idx = self.eq_indexes.get(field)
        if idx is None:
            idx = self._column_groups(field)
        if idx is not None and field not in self.eq_indexes:
            self.eq_indexes[field] = idx
            return idx
        if idx is None:
            idx = {}
            for id_, k in self._all_keys(field):
                if isinstance(k, tuple):
                    if not k:
                        idx.setdefault(None, []).append(id_)
                    for e in set(k):
                        idx.setdefault(e, []).append(id_)
                else:
                    idx.setdefault(k, []).append(id_)
            self.eq_indexes[field] = idx
        return idx

    def range_index(self, field):
        idx = self.range_indexes.get(field)
        if idx is None and field in self.fast_columns and not self.overlay and not self.deleted:
            col, decode = self.fast_columns[field]
            order = sorted(range(len(col)), key=col.__getitem__)
            sid = self.seed_ids
            keys = [decode(col[i]) for i in order]
            if None not in keys:
                idx = (keys, [sid[i] for i in order])
                self.range_indexes[field] = idx
            else:
                idx = None
        if idx is None:
            pairs = [(k, i) for i, k in self._all_keys(field) if k is not None]
            pairs.sort()
            idx = ([p[0] for p in pairs], [p[1] for p in pairs])
            self.range_indexes[field] = idx
        return idx

    def _index_remove(self, id_, rec):
        for field, idx in self.eq_indexes.items():
            k = norm_key(rec.get(field), self.field_types.get(field))
            keys = (set(k) or {None}) if isinstance(k, tuple) else {k}
            for e in keys:
                lst = idx.get(e)
                if lst:
                    j = bisect.bisect_left(lst, id_)
                    if j < len(lst) and lst[j] == id_:
                        del lst[j]
        for field, (ks, ids) in self.range_indexes.items():
            k = norm_key(rec.get(field), self.field_types.get(field))
            if k is None:
                continue
            j = bisect.bisect_left(ks, k)
            while j < len(ks) and ks[j] == k:
                if ids[j] == id_:
                    del ks[j]
                    del ids[j]
                    break
                j += 1

    def _index_add(self, id_, rec):
        for field, idx in self.eq_indexes.items():
            k = norm_key(rec.get(field), self.field_types.get(field))
            keys = (set(k) or {None}) if isinstance(k, tuple) else {k}
            for e in keys:
                bisect.insort(idx.setdefault(e, []), id_)
        for field, (ks, ids) in self.range_indexes.items():
            k = norm_key(rec.get(field), self.field_types.get(field))
            if k is None:
                continue
            j = bisect.bisect_right(ks, k)
            ks.insert(j, k)
            ids.insert(j, id_)

    # -------------------------------------------------------- writes
    def new_id(self):
        id_ = self.next_id
        self.next_id += 1
        return id_

    def put(self, id_, rec):
        """Insert or replace a record (rec must be a fresh dict)."""
        old = self.get(id_)
        if old is not None:
            self._index_remove(id_, old)
        else:
            j = bisect.bisect_left(self.ids, id_)
            self.ids.insert(j, id_)
            self.deleted.discard(id_)
        self.cache.pop(id_, None)
        self.overlay[id_] = rec
        self._index_add(id_, rec)

    def delete(self, id_):
        old = self.get(id_)
        if old is None:
            return False
        self._index_remove(id_, old)
        self.overlay.pop(id_, None)
        self.cache.pop(id_, None)
        self.deleted.add(id_)
        j = bisect.bisect_left(self.ids, id_)
        if j < len(self.ids) and self.ids[j] == id_:
            del self.ids[j]
        return True


# ------------------------------------------------------------ rendering


# Second-level resources whose defaults are more than id and etag:
# (nested schema, field) -> the keys rendered.
SECOND_LEVEL_KEYS = {
    ("CustomFieldValue", "picklist_option"): ("id", "etag", "option"),
    ("CustomFieldValue", "matter"): ("id", "display_number"),
}


class Renderer:
    """Turns stored records into response dicts following a render plan."""

    def __init__(self, dataset):
        self.ds = dataset
        self.catalog = dataset.catalog
        self._subinfo = {}  # id(subplan) -> (subplan, names, has second-level names)

    def render(self, rec, plan):
        out = {}
        for name, mode, ref, subplan in plan:
            v = rec.get(name)
            if mode == SCALAR:
                out[name] = v
            elif v is None:
                out[name] = None
            elif mode == DEFAULTS:
                out[name] = self.defaults(v, ref)
            else:
                out[name] = self.nested(v, ref, subplan)
        return out

    def defaults(self, v, ref, keys=None):
        if v is None:
            return None
        if isinstance(v, list):
            return [self.defaults(x, ref, keys) for x in v]
        if isinstance(v, Ref):
            target = self.ds.view(v, ref)
            if target is None:
                return None
            if keys is not None:
                return {k: target.get(k) for k in keys}
            keys = self.catalog.default_keys(ref) if ref else None
            if keys is None:
                keys = [k for k in ("id", "etag") if k in target]
            if not keys:
                return self.plain(target)
            return {k: target.get(k) for k in keys}
        if isinstance(v, dict):
            if keys is not None:
                return {k: v.get(k) for k in keys}
            keys = self.catalog.default_keys(ref) if ref else None
            if keys is None:
                keys = [k for k in ("id", "etag") if k in v]
            if not keys:
                return self.plain(v)
            return {k: v.get(k) for k in keys}
        return v

    def plain(self, v):
        """A value with every reference replaced by its defaults."""
        if isinstance(v, dict):
            return {k: self.plain(x) for k, x in v.items()}
        if isinstance(v, list):
            return [self.plain(x) for x in v]
        if isinstance(v, Ref):
            return self.defaults(v, None)
        return v

    def nested(self, v, ref, subplan):
        if isinstance(v, list):
            return [self.nested(x, ref, subplan) for x in v]
        if isinstance(v, Ref):
            target = None
            info = self._subinfo.get(id(subplan))
            if info is None or info[0] is not subplan:
                info = (subplan, tuple(s for s, _ in subplan), any(sec for _, sec in subplan))
                if len(self._subinfo) > 4096:
                    self._subinfo.clear()
                self._subinfo[id(subplan)] = info
            if not info[2] and ref not in self.ds.special_views:
                st = self.ds.stores.get(v.coll)
                if st is not None and st.fast_keys:
                    target = st.partial(v.id, info[1])
            if target is None:
                target = self.ds.view(v, ref)
            if target is None:
                return None
        elif isinstance(v, dict):
            view = self.ds.dict_views.get(ref)
            target = view(self.ds, v) if view else v
        else:
            return v
        out = {}
        for sname, second in subplan:
            x = target.get(sname)
            if second:
                out[sname] = self.defaults(x, None, SECOND_LEVEL_KEYS.get((ref, sname)))
            elif isinstance(x, (Ref, dict, list)):
                out[sname] = self.plain(x)
            else:
                out[sname] = x
        return out
