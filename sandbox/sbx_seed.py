"""Deterministic sample data for the Clio sandbox: a small law firm.

Everything here is a pure function of (seed, scale, firm).  Big
collections keep only compact per-record data (arrays) computed at startup;
the full record dicts are built on demand by each store's builder, so
--scale 125 (about 500,000 activities) starts in seconds and stays small.

Referential integrity holds: every association points at a record that
exists, clients are created before their matters, activities fall inside
their matter's open period, bills total their activities, line items
mirror billed activities, and so on.
"""

import bisect
import datetime as _dt
import math
import random
from array import array
from decimal import Decimal

from sbx_custom import decimal_text, value_record
from sbx_names import (
    ACTIVITY_DESCRIPTIONS,
    CALENDAR_SUMMARIES,
    CITIES,
    COMMUNICATION_SUBJECTS,
    COMPANY_FIRST,
    COMPANY_SECOND,
    COMPANY_SUFFIX,
    DOCUMENT_CATEGORIES,
    DOCUMENT_KINDS,
    DOCUMENT_NAMES,
    EXPENSE_CATEGORIES,
    EXPENSE_NOTES,
    FIRMS,
    FIRST_NAMES,
    GROUPS,
    JOB_TITLES,
    LAST_NAMES,
    LOCATIONS,
    MIDDLE_NAMES,
    NOTE_SUBJECTS,
    PRACTICE_AREAS,
    RELATIONSHIP_DESCRIPTIONS,
    STAGES,
    STREETS,
    TASK_NAMES,
    TASK_TYPES,
    TIME_NOTES,
)
from sbx_store import Ref, Store
from sbx_util import (
    ACCOUNT_TIME_ZONE,
    REF_ORDINAL,
    etag_for,
    fmt_date,
    fmt_ts,
    local_epoch,
    mix64,
    parse_date,
    salt_of,
)

# First ids of each collection (firm 0).  The second firm adds FIRM_ID_OFFSET.
ID_BASES = {
    "currencies": 1,
    "users": 1001,
    "practice_areas": 2001,
    "groups": 3001,
    "task_types": 4001,
    "activity_descriptions": 5001,
    "expense_categories": 6001,
    "calendars": 7001,
    "custom_fields": 8001,
    "document_categories": 9001,
    "matter_stages": 9501,
    "contacts": 10000001,
    "matters": 20000001,
    "tasks": 30000001,
    "calendar_entries": 40000001,
    "documents": 50000001,
    "bills": 60000001,
    "notes": 70000001,
    "communications": 80000001,
    "relationships": 90000001,
    "line_items": 100000001,
    "folders": 110000001,
    "activities": 3000000001,
}
GENERIC_BASE = 200000001
GENERIC_STEP = 1000000
FIRM_ID_OFFSET = 700000000

DAY = 86400
START_ORDINAL = REF_ORDINAL - 730  # activities cover the last two years
REF_END = local_epoch(REF_ORDINAL, 20 * 3600)

# Base counts at --scale 1
COUNTS = {
    "contacts": 800,
    "matters": 500,
    "activities": 4000,
    "tasks": 1500,
    "calendar_entries": 600,
    "documents": 400,
    "matter_notes": 400,
    "contact_notes": 200,
    "communications": 400,
    "relationships": 300,
}

ATTENDEE = "Calendar"

# Custom field definitions (id 8001 + k): (name, parent_type, field_type,
# picklist options).  8001-8008 are the original ones; every field type
# appears on both parent types from 8009 on.
CF_DEFS = [
    ("Opposing Party", "Matter", "text_line", None),
    ("Case Value", "Matter", "currency", None),
    ("Statute Date", "Matter", "date", None),
    (
        "Referral Source",
        "Matter",
        "picklist",
        ["Website", "Past client", "Attorney referral", "Bar association"],
    ),
    ("Conflict Check Done", "Matter", "checkbox", None),
    ("Preferred Contact Method", "Contact", "picklist", ["Email", "Phone", "Text"]),
    ("Date of First Contact", "Contact", "date", None),
    ("Legacy File Number", "Matter", "text_line", None),
    ("Référence Interne", "Matter", "text_line", None),
    ("Description", "Matter", "text_area", None),
    ("Case-Value!", "Matter", "numeric", None),
    ("2nd Chair", "Matter", "contact", None),
    ("Hearing Time", "Matter", "time", None),
    ("Notice Email", "Matter", "email", None),
    ("Related Matter", "Matter", "matter", None),
    ("Court Website", "Matter", "url", None),
    ("Title", "Contact", "text_line", None),
    ("VIP", "Contact", "checkbox", None),
    ("Referred By", "Contact", "contact", None),
    ("Credit Limit", "Contact", "currency", None),
    ("Intake Date", "Contact", "date", None),
    ("Best Time to Call", "Contact", "time", None),
    ("Billing Email", "Contact", "email", None),
    ("Primary Matter", "Contact", "matter", None),
    ("Dependents", "Contact", "numeric", None),
    ("Language", "Contact", "picklist", ["English", "Spanish", "Portuguese", "French"]),
    ("Notes for Staff", "Contact", "text_area", None),
    ("LinkedIn Profile", "Contact", "url", None),
    ("Old Client Code", "Contact", "text_line", None),
]
CF_DELETED = {7, 28}  # Legacy File Number, Old Client Code
CF_HIDDEN = {26}  # Notes for Staff: displayed false
CF_DELETED_OPTIONS = {(25, "Portuguese")}
CF_COURTS = [
    "https://www.mass.gov/orgs/superior-court",
    "https://www.mass.gov/orgs/probate-and-family-court",
    "https://www.mass.gov/orgs/housing-court",
    "https://www.mass.gov/orgs/land-court",
    "https://www.uscourts.gov/court-locator/district-massachusetts",
    "https://www.courts.ri.gov/Courts/SuperiorCourt",
]
CF_TITLES = [
    "Esq.",
    "CPA",
    "Trustee",
    "Executor of the Estate",
    "Guardian ad litem",
    "Registered Agent",
    "Président-directeur général",
]
CF_STAFF_NOTES = [
    "Prefers morning calls.\nDo not leave voicemail.",
    "Needs an interpreter for meetings.",
    "Pays by check; send paper invoices.\nAsk for Jo at reception.",
    "Hard of hearing: speak slowly on the phone.",
]


def money(cents):
    return round(cents / 100.0, 2)


class Seeder:
    def __init__(self, ds, seed, scale, firm):
        self.ds = ds
        self.cat = ds.catalog
        self.seed = seed
        self.scale = scale
        self.firm_no = firm
        self.firm = FIRMS[firm]
        self.off = firm * FIRM_ID_OFFSET
        self.day_epochs = {}

    # ------------------------------------------------------------ helpers
    def rng(self, name):
        return random.Random("%s:%s:%s" % (self.seed, self.firm_no, name))

    def salt(self, name):
        return salt_of(self.seed, self.firm_no, name)

    def count(self, name):
        return max(1, int(round(COUNTS[name] * self.scale)))

    def base(self, path):
        return ID_BASES[path] + self.off

    def make_ids(self, path, n, gaps=True):
        base = self.base(path)
        if not gaps:
            return array("q", range(base, base + n))
        rng = self.rng(path + ":ids")
        out = array("q")
        cur = base
        rnd = rng.random
        for _ in range(n):
            out.append(cur)
            cur += 1 if rnd() < 0.6 else (2 if rnd() < 0.7 else 3)
        return out

    def template(self, path):
        res = self.cat.resources[path]
        t = {}
        for name in res.field_order:
            f = res.fields[name]
            if f.kind == "array" or f.type == "text[]":
                t[name] = []
            else:
                t[name] = None
        return t

    def add(self, path, ids, builder, fast_keys=None, fast_columns=None):
        res = self.cat.resources[path]
        types = {n: f.type for n, f in res.fields.items()}
        store = Store(path, ids, builder, types, fast_keys, fast_columns=fast_columns)
        self.ds.stores[path] = store
        return store

    def add_records(self, path, records):
        ids = array("q", [r["_id"] for r in records])
        for r in records:
            del r["_id"]
        return self.add(path, ids, records.__getitem__)

    def day_epoch(self, ordinal):
        e = self.day_epochs.get(ordinal)
        if e is None:
            e = local_epoch(ordinal, 0)
            self.day_epochs[ordinal] = e
        return e

    def etag(self, path, *parts):
        return etag_for(self.seed, self.firm_no, path, *parts)

    def ts(self, ordinal, seconds):
        return fmt_ts(self.day_epoch(ordinal) + seconds)

    # ------------------------------------------------------------ run
    def run(self):
        self.reference_data()
        self.contacts()
        self.matters()
        self.folders_pre()
        self.tasks()
        self.calendar_entries()
        self.activities()
        self.bills()
        self.line_items()
        self.notes()
        self.communications()
        self.relationships()
        self.documents()
        self.folders()
        self.generic()
        self.ds.who_am_i = self.user_ids[0]

    # ------------------------------------------------------------ small reference collections
    def reference_data(self):
        firm = self.firm
        domain = firm["domain"]
        # currencies
        recs = []
        currencies = [("USD", "$"), ("CAD", "$"), ("EUR", "€"), ("GBP", "£")]
        for k, (code, sign) in enumerate(currencies):
            id_ = self.base("currencies") + k
            r = self.template("currencies")
            r.update(
                _id=id_,
                id=id_,
                etag=self.etag("currencies", id_),
                code=code,
                sign=sign,
                created_at=self.ts(737060, 9 * 3600),
                updated_at=self.ts(737060, 9 * 3600),
            )
            recs.append(r)
        self.usd_id = self.base("currencies")
        self.usd = {"id": self.usd_id, "code": "USD", "sign": "$"}
        self.add_records("currencies", recs)

        # groups (users filled in below)
        self.group_ids = [self.base("groups") + k for k in range(len(GROUPS))]

        # users
        users = firm["users"]
        self.user_ids = [self.base("users") + k for k in range(len(users))]
        self.user_names = ["%s %s" % (u[0], u[1]) for u in users]
        self.user_rates = [u[3] for u in users]
        self.attorneys = [k for k, u in enumerate(users) if u[2] == "Attorney" and u[5]]
        self.staff = [k for k, u in enumerate(users) if u[2] != "Attorney" and u[5]]
        self.enabled_users = [k for k, u in enumerate(users) if u[5]]
        self.calendar_ids = [self.base("calendars") + k for k in range(len(users) + 2)]
        recs = []
        for k, (first, last, sub, rate, roles, enabled) in enumerate(users):
            id_ = self.user_ids[k]
            created = 736700 + k * 37
            email = "%s.%s@%s" % (first.lower(), last.lower(), domain)
            r = self.template("users")
            groups = [Ref("groups", self.group_ids[0])]
            if sub == "Attorney":
                groups.append(Ref("groups", self.group_ids[1 + k % 2]))
            if "billing" in roles:
                groups.append(Ref("groups", self.group_ids[3]))
            r.update(
                _id=id_,
                id=id_,
                etag=self.etag("users", id_),
                account_owner=(k == 0),
                clio_connect=False,
                court_rules_default_attendee=(sub == "Attorney" and k < 3),
                created_at=self.ts(created, 10 * 3600 + k * 61),
                updated_at=self.ts(REF_ORDINAL - 40 - 3 * k, 11 * 3600),
                default_calendar_id=self.calendar_ids[k],
                email=email,
                enabled=enabled,
                first_name=first,
                last_name=last,
                name="%s %s" % (first, last),
                initials=first[0] + last[0],
                phone_number="(617) 555-01%02d" % (10 + k),
                rate=rate,
                roles=list(roles),
                subscription_type=sub,
                time_zone=ACCOUNT_TIME_ZONE,
                default_activity_description=None,
                notification_methods=[],
                account={
                    "id": 900001 + self.off,
                    "etag": self.etag("account", 1),
                    "name": firm["name"],
                    "state": "active",
                    "created_at": self.ts(736690, 9 * 3600),
                    "updated_at": self.ts(REF_ORDINAL - 100, 9 * 3600),
                },
                avatar=None,
                contact=None,
                job_title={
                    "id": 910001 + self.off + k,
                    "etag": self.etag("job_title", k),
                    "name": ("Partner" if k < 2 else "Associate")
                    if sub == "Attorney"
                    else ("Paralegal" if k % 2 else "Legal Assistant"),
                    "initials": None,
                },
                groups=groups,
            )
            recs.append(r)
        self.add_records("users", recs)

        # groups
        recs = []
        for k, (name, gtype) in enumerate(GROUPS):
            id_ = self.group_ids[k]
            if k == 0:
                name = firm["name"] if gtype == "AccountGroup" else name
                members = list(range(len(users)))
            elif k in (1, 2):
                members = [
                    u for u in range(len(users)) if users[u][2] == "Attorney" and 1 + u % 2 == k
                ]
            else:
                members = [u for u in range(len(users)) if "billing" in users[u][4]]
            r = self.template("groups")
            r.update(
                _id=id_,
                id=id_,
                etag=self.etag("groups", id_),
                name=name,
                type=gtype,
                client_connect_user=False,
                updated_at=self.ts(737100 + k * 10, 9 * 3600),
                users=[Ref("users", self.user_ids[u]) for u in members],
            )
            recs.append(r)
        self.add_records("groups", recs)

        # practice areas and stages
        self.pa_ids = [self.base("practice_areas") + k for k in range(len(PRACTICE_AREAS))]
        recs = []
        for k, (name, category, code, _) in enumerate(PRACTICE_AREAS):
            id_ = self.pa_ids[k]
            r = self.template("practice_areas")
            r.update(
                _id=id_,
                id=id_,
                etag=self.etag("practice_areas", id_),
                name=name,
                category=category,
                code=code,
                created_at=self.ts(736720 + k, 9 * 3600),
                updated_at=self.ts(737200 + k, 9 * 3600),
            )
            recs.append(r)
        self.add_records("practice_areas", recs)
        recs = []
        self.stage_ids = []
        for k in range(len(PRACTICE_AREAS)):
            ids = []
            for j, sname in enumerate(STAGES[:3] if k % 2 else STAGES[:1] + STAGES[2:5]):
                id_ = self.base("matter_stages") + len(recs)
                r = self.template("matter_stages")
                r.update(
                    _id=id_,
                    id=id_,
                    etag=self.etag("matter_stages", id_),
                    practice_area_id=str(self.pa_ids[k]),
                    name=sname,
                    order=j + 1,
                    created_at=self.ts(737300 + k, 9 * 3600),
                    updated_at=self.ts(737300 + k, 9 * 3600),
                )
                recs.append(r)
                ids.append(id_)
            self.stage_ids.append(ids)
        self.add_records("matter_stages", recs)

        # task types
        self.task_type_ids = [self.base("task_types") + k for k in range(len(TASK_TYPES))]
        recs = []
        for k, name in enumerate(TASK_TYPES):
            id_ = self.task_type_ids[k]
            r = self.template("task_types")
            r.update(
                _id=id_,
                id=id_,
                etag=self.etag("task_types", id_),
                name=name,
                deleted_at=None,
                created_at=self.ts(737400 + k, 9 * 3600),
                updated_at=self.ts(737400 + k, 9 * 3600),
            )
            recs.append(r)
        self.add_records("task_types", recs)

        # activity descriptions
        self.ad_ids = [
            self.base("activity_descriptions") + k for k in range(len(ACTIVITY_DESCRIPTIONS))
        ]
        recs = []
        for k, name in enumerate(ACTIVITY_DESCRIPTIONS):
            id_ = self.ad_ids[k]
            r = self.template("activity_descriptions")
            r.update(
                _id=id_,
                id=id_,
                etag=self.etag("activity_descriptions", id_),
                name=name,
                visible_to_co_counsel=k % 3 == 0,
                default=(k == 0),
                type="clio",
                utbms_activity_id=None,
                utbms_task_name=None,
                utbms_task_id=None,
                xero_service_code=None,
                accessible_to_user=True,
                category_type="Billable",
                currency=dict(self.usd),
                created_at=self.ts(737000 + k, 9 * 3600),
                updated_at=self.ts(737500 + k, 9 * 3600),
                groups=[Ref("groups", self.group_ids[0])],
                rate={
                    "amount": 0.0,
                    "non_billable_amount": 0.0,
                    "type": "User",
                    "hierarchy": "User",
                },
                utbms_task=None,
                utbms_activity=None,
            )
            recs.append(r)
        self.add_records("activity_descriptions", recs)

        # expense categories
        self.ec_ids = [self.base("expense_categories") + k for k in range(len(EXPENSE_CATEGORIES))]
        recs = []
        for k, (name, rate, etype) in enumerate(EXPENSE_CATEGORIES):
            id_ = self.ec_ids[k]
            r = self.template("expense_categories")
            r.update(
                _id=id_,
                id=id_,
                etag=self.etag("expense_categories", id_),
                name=name,
                rate=rate,
                entry_type=etype,
                xero_expense_code=None,
                accessible_to_user=True,
                tax_setting="no_tax",
                currency=dict(self.usd),
                groups=[],
                utbms_code=None,
                created_at=self.ts(737000 + k, 10 * 3600),
                updated_at=self.ts(737000 + k, 10 * 3600),
            )
            recs.append(r)
        self.add_records("expense_categories", recs)

        # calendars: one per user, the firm calendar and a court calendar
        colors = self.cat.resources["calendars"].fields["color"].enum or ["#367B9C"]
        light = [
            "#5DA5C7",
            "#F95957",
            "#209412",
            "#FF7715",
            "#DE649D",
            "#FF6B02",
            "#56C4FC",
            "#00B177",
            "#50D19B",
            "#F14A8C",
            "#A3A2A2",
            "#84AB3B",
            "#B091EE",
            "#BD9E69",
            "#F2A000",
            "#00A5CA",
            "#CB5A3D",
            "#959CD0",
            "#B0B0B0",
            "#7BA6CD",
        ]
        recs = []
        for k, id_ in enumerate(self.calendar_ids):
            r = self.template("calendars")
            if k < len(users):
                name, ctype, creator = self.user_names[k], "UserCalendar", k
                perm = "owner" if k == 0 else ("editor" if k < 4 else "viewer")
            elif k == len(users):
                name, ctype, creator, perm = firm["name"], "AccountCalendar", 0, "owner"
            else:
                name, ctype, creator, perm = "Court Dates", "AdhocCalendar", 0, "owner"
            r.update(
                _id=id_,
                id=id_,
                etag=self.etag("calendars", id_),
                color=colors[k % len(colors)],
                light_color=light[k % len(light)],
                court_rules_default_calendar=(k == len(users) + 1),
                name=name,
                permission=perm,
                type=ctype,
                visible=k < len(users) + 2 and users[min(k, len(users) - 1)][5],
                source="web",
                created_at=self.ts(736800 + k, 9 * 3600),
                updated_at=self.ts(737600 + k, 9 * 3600),
                creator=Ref("users", self.user_ids[creator]),
            )
            recs.append(r)
        self.add_records("calendars", recs)

        # custom fields: 8001-8008 first (other suites quote them), then one of
        # every field type on each parent type, with names that fold alike
        self.cf_defs = CF_DEFS
        self.cf_ids = [self.base("custom_fields") + k for k in range(len(self.cf_defs))]
        self.picklist_ids = {}
        recs = []
        for k, (name, ptype, ftype, options) in enumerate(self.cf_defs):
            id_ = self.cf_ids[k]
            r = self.template("custom_fields")
            opts = []
            for j, o in enumerate(options or []):
                oid = 8500001 + self.off + k * 10 + j
                self.picklist_ids[(k, o)] = oid
                gone = (k, o) in CF_DELETED_OPTIONS
                opts.append(
                    {
                        "id": oid,
                        "etag": self.etag("picklist", oid),
                        "created_at": self.ts(737700, 9 * 3600),
                        "updated_at": self.ts(739000 if gone else 737700, 9 * 3600),
                        "option": o,
                        "deleted_at": self.ts(739000, 9 * 3600) if gone else None,
                    }
                )
            r.update(
                _id=id_,
                id=id_,
                etag=self.etag("custom_fields", id_),
                name=name,
                parent_type=ptype,
                field_type=ftype,
                displayed=k not in CF_HIDDEN,
                deleted=k in CF_DELETED,
                required=(k == 4),
                display_order=k + 1,
                picklist_options=opts,
                created_at=self.ts(737700 + k, 9 * 3600),
                updated_at=self.ts(737700 + k, 9 * 3600),
            )
            recs.append(r)
        self.cf_recs = recs
        self.add_records("custom_fields", recs)

        # document categories
        self.doccat_ids = [
            self.base("document_categories") + k for k in range(len(DOCUMENT_CATEGORIES))
        ]
        recs = []
        for k, name in enumerate(DOCUMENT_CATEGORIES):
            id_ = self.doccat_ids[k]
            r = self.template("document_categories")
            r.update(
                _id=id_,
                id=id_,
                etag=self.etag("document_categories", id_),
                name=name,
                created_at=self.ts(737800 + k, 9 * 3600),
                updated_at=self.ts(737800 + k, 9 * 3600),
            )
            recs.append(r)
        self.add_records("document_categories", recs)

    # ------------------------------------------------------------ contacts
    def contacts(self):
        n = self.count("contacts")
        rng = self.rng("contacts")
        rnd = rng.random
        start = 736330  # 2017-01-01
        span = REF_ORDINAL - 3 - start
        created = sorted(
            self.day_epoch(start + int((rnd() ** 0.8) * span)) + 8 * 3600 + int(rnd() * 36000)
            for _ in range(n)
        )
        ctype = bytearray(n)
        fi = array("H", bytes(2 * n))
        li = array("H", bytes(2 * n))
        mi = array("h", bytes(2 * n))
        cname = array("i", bytes(4 * n))
        comp = array("i", bytes(4 * n))
        flags = bytearray(n)
        companies = []
        for i in range(n):
            comp[i] = -1
            mi[i] = -1
            if rnd() < 0.25:
                ctype[i] = 1
                cname[i] = (
                    int(rnd() * len(COMPANY_FIRST)) * 100 + int(rnd() * len(COMPANY_SECOND))
                ) * 10 + int(rnd() * len(COMPANY_SUFFIX))
                companies.append(i)
            else:
                fi[i] = int(rnd() * len(FIRST_NAMES))
                li[i] = int(rnd() * len(LAST_NAMES))
                if rnd() < 0.3:
                    mi[i] = int(rnd() * len(MIDDLE_NAMES))
                if companies and rnd() < 0.2:
                    comp[i] = companies[int(rnd() * len(companies))]
                f = 0
                if rnd() < 0.4:
                    f |= 2  # date of birth
                if rnd() < 0.3:
                    f |= 4  # prefix
                if rnd() < 0.2:
                    f |= 8  # title
                flags[i] = f
            if rnd() < 0.02:
                flags[i] |= 16  # Clio for Clients user
            if rnd() < 0.01:
                flags[i] |= 32  # co-counsel
        self.contact_ids = self.make_ids("contacts", n)
        self.contact_created = array("q", created)
        self.contact_type = ctype
        self.contact_flags = flags
        self.contact_companies = companies
        ids = self.contact_ids
        seed_salt = self.salt("contacts:cosmetic")
        etag = self.etag
        ts = fmt_ts
        tmpl = self.template("contacts")
        usd = self.usd
        prefixes = ["Mr.", "Ms.", "Dr.", "Mrs."]
        domains = ["gmail.com", "yahoo.com", "outlook.com", "icloud.com", "comcast.net"]

        def name_of(i):
            if ctype[i]:
                c = cname[i]
                parts = [
                    COMPANY_FIRST[c // 1000],
                    COMPANY_SECOND[(c // 10) % 100],
                    COMPANY_SUFFIX[c % 10],
                ]
                return " ".join(p for p in parts if p)
            return "%s %s" % (FIRST_NAMES[fi[i]], LAST_NAMES[li[i]])

        self.contact_name = name_of

        def last_of(i):
            if ctype[i]:
                return COMPANY_FIRST[cname[i] // 1000].split()[0]
            return LAST_NAMES[li[i]]

        self.contact_last = last_of
        contact_cf_values = self.contact_cf_values(name_of, ctype)

        def slug(s):
            return "".join(ch for ch in s.lower() if ch.isascii() and ch.isalnum())

        def build(i):
            id_ = ids[i]
            h = mix64(seed_salt + i)
            c_ts = ts(created[i])
            u_ts = (
                ts(created[i] + (h % 400) * DAY)
                if created[i] + (h % 400) * DAY < REF_END
                else c_ts
            )
            r = dict(tmpl)
            person = not ctype[i]
            name = name_of(i)
            r["id"] = id_
            r["etag"] = etag("contacts", id_)
            r["name"] = name
            r["type"] = "Person" if person else "Company"
            r["created_at"] = c_ts
            r["updated_at"] = u_ts
            f = flags[i]
            if person:
                first, last = FIRST_NAMES[fi[i]], LAST_NAMES[li[i]]
                r["first_name"] = first
                r["last_name"] = last
                r["middle_name"] = MIDDLE_NAMES[mi[i]] if mi[i] >= 0 else None
                r["initials"] = first[0] + last[0]
                r["prefix"] = prefixes[h % 4] if f & 4 else None
                r["title"] = JOB_TITLES[(h >> 4) % len(JOB_TITLES)] if f & 8 else None
                if f & 2:
                    r["date_of_birth"] = fmt_date(711000 + (h >> 8) % 18000)
                mail_user = "%s.%s%d" % (slug(first), slug(last), (h >> 12) % 100)
                mail_dom = domains[(h >> 20) % len(domains)]
                r["company"] = Ref("contacts", ids[comp[i]]) if comp[i] >= 0 else None
            else:
                r["first_name"] = None
                r["last_name"] = None
                r["middle_name"] = None
                r["initials"] = "".join(w[0] for w in name.split()[:2])
                mail_user = "info"
                mail_dom = (
                    slug(name.split()[0])
                    + slug(name.split()[1] if len(name.split()) > 1 else "")
                    + ".com"
                )
                r["company"] = None
            emails = []
            ne = 0 if (h >> 24) % 10 == 0 else (1 if (h >> 28) % 3 else 2)
            for j in range(ne):
                addr = (
                    mail_user + "@" + mail_dom
                    if j == 0
                    else "%s@%s" % (mail_user, domains[(h >> 30) % len(domains)])
                )
                if j == 1 and addr == emails[0]["address"]:
                    addr = "work." + addr
                eid = 600000001 + self_off + i * 4 + j
                emails.append(
                    {
                        "id": eid,
                        "etag": etag("email", eid),
                        "address": addr,
                        "name": "Work" if (j == 0) != person else ("Home" if person else "Other"),
                        "primary": j == 0,
                        "created_at": c_ts,
                        "updated_at": c_ts,
                    }
                )
            r["email_addresses"] = emails
            r["primary_email_address"] = emails[0]["address"] if emails else None
            r["secondary_email_address"] = emails[1]["address"] if len(emails) > 1 else None
            phones = []
            npn = 1 + (h >> 34) % 2 if (h >> 33) % 8 else 0
            for j in range(npn):
                pid = 620000001 + self_off + i * 4 + j
                area = ("617", "508", "781", "978", "401", "860", "212")[(h >> (36 + j * 3)) % 7]
                phones.append(
                    {
                        "id": pid,
                        "etag": etag("phone", pid),
                        "number": "(%s) 555-01%02d" % (area, (h >> (40 + j * 5)) % 100),
                        "name": ("Work", "Personal", "Other")[(j + (0 if person else 0)) % 3]
                        if person
                        else "Work",
                        "primary": j == 0,
                        "created_at": c_ts,
                        "updated_at": c_ts,
                    }
                )
            r["phone_numbers"] = phones
            r["primary_phone_number"] = phones[0]["number"] if phones else None
            r["secondary_phone_number"] = phones[1]["number"] if len(phones) > 1 else None
            addrs = []
            na = (h >> 46) % 3 if person else 1 + (h >> 46) % 2
            for j in range(na):
                aid = 640000001 + self_off + i * 4 + j
                city, state, zip3 = CITIES[(h >> (48 + j)) % len(CITIES)]
                addrs.append(
                    {
                        "id": aid,
                        "etag": etag("address", aid),
                        "street": "%d %s"
                        % (1 + (h >> (50 + j)) % 990, STREETS[(h >> (52 + j)) % len(STREETS)]),
                        "city": city,
                        "province": state,
                        "postal_code": "%s%02d" % (zip3, (h >> (56 + j)) % 100),
                        "country": "US",
                        "name": (
                            ("Home", "Work", "Billing") if person else ("Work", "Billing", "Other")
                        )[j],
                        "created_at": c_ts,
                        "updated_at": c_ts,
                        "primary": j == 0,
                    }
                )
            r["addresses"] = addrs
            r["primary_address"] = dict(addrs[0]) if addrs else None
            r["secondary_address"] = dict(addrs[1]) if len(addrs) > 1 else None
            work = [a for a in addrs if a["name"] == "Work"]
            r["primary_work_address"] = dict(work[0]) if work else None
            if not person and (h >> 60) % 2:
                wid = 660000001 + self_off + i
                site = {
                    "id": wid,
                    "etag": etag("web", wid),
                    "address": "https://www." + mail_dom,
                    "name": "Work",
                    "default_web_site": True,
                    "created_at": c_ts,
                    "updated_at": c_ts,
                }
                r["web_sites"] = [site]
                r["primary_web_site"] = dict(site)
            is_client = bool(f & 1)
            r["is_client"] = is_client
            r["is_bill_recipient"] = is_client
            r["is_co_counsel"] = bool(f & 32)
            r["is_clio_for_client_user"] = bool(f & 16)
            r["has_clio_for_clients_permission"] = bool(f & 16)
            r["clio_connect_email"] = r["primary_email_address"] if f & 16 else None
            r["locked_clio_connect_email"] = False
            r["currency"] = dict(usd)
            r["custom_field_values"] = contact_cf_values(i, c_ts)
            return r

        self_off = self.off
        self.add(
            "contacts",
            ids,
            build,
            fast_keys={
                "type": lambda i: "Company" if ctype[i] else "Person",
                "id": ids.__getitem__,
                "etag": lambda i: etag("contacts", ids[i]),
                "name": name_of,
                "is_client": lambda i: bool(flags[i] & 1),
                "created_at": created.__getitem__,
            },
        )

    # ------------------------------------------------------------ matters
    def matters(self):
        n = self.count("matters")
        rng = self.rng("matters")
        rnd = rng.random
        rows = []
        ccreated = self.contact_created
        for _ in range(n):
            s = rnd()
            pa = int(rnd() * len(PRACTICE_AREAS))
            if s < 0.55:
                status = 0  # Open
                opened = REF_ORDINAL - 7 - int((rnd() ** 1.6) * (REF_ORDINAL - 7 - 737425))
                pending = opened - 1 - int(rnd() * 30) if rnd() < 0.4 else 0
                closed = 0
            elif s < 0.67:
                status = 1  # Pending
                pending = REF_ORDINAL - 1 - int(rnd() * 120)
                opened = closed = 0
            else:
                status = 2  # Closed
                opened = 737060 + int(rnd() * (REF_ORDINAL - 60 - 737060))
                closed = min(REF_ORDINAL - 1, opened + 30 + int(rnd() * 870))
                pending = opened - 1 - int(rnd() * 20) if rnd() < 0.3 else 0
            first_day = pending or opened
            created = self.day_epoch(first_day) + 8 * 3600 + int(rnd() * 32400)
            # the client existed before the matter was opened
            limit = bisect.bisect_right(ccreated, created)
            if limit == 0:
                limit = 1
            if rnd() < 0.3 and rows:
                client = rows[int(rnd() * len(rows))][0]  # a repeat client
                if ccreated[client] > created:
                    client = int(rnd() * limit)
            else:
                client = int(rnd() * limit)
            resp = self.attorneys[int(rnd() * len(self.attorneys))]
            orig = self.attorneys[int(rnd() * len(self.attorneys))] if rnd() < 0.85 else -1
            b = rnd()
            billing = 0 if b < 0.8 else (1 if b < 0.92 else 2)  # hourly, flat, contingency
            billable = 1 if rnd() < 0.92 else 0
            desc = int(rnd() * 7)
            intensity = 0.3 + rnd() * 1.7
            rows.append(
                (
                    client,
                    pa,
                    resp,
                    orig,
                    status,
                    opened,
                    pending,
                    closed,
                    created,
                    billing,
                    billable,
                    desc,
                    intensity,
                )
            )
        rows.sort(key=lambda t: t[8])
        self.matter_ids = ids = self.make_ids("matters", n)
        cols = list(zip(*rows))
        self.m_client = m_client = array("i", cols[0])
        self.m_pa = m_pa = array("b", cols[1])
        self.m_resp = m_resp = array("b", cols[2])
        self.m_orig = m_orig = array("b", cols[3])
        self.m_status = m_status = array("b", cols[4])
        self.m_open = m_open = array("i", cols[5])
        self.m_pending = m_pending = array("i", cols[6])
        self.m_close = m_close = array("i", cols[7])
        self.m_created = m_created = array("q", cols[8])
        m_billing = array("b", cols[9])
        self.m_billable = m_billable = array("b", cols[10])
        m_desc = array("b", cols[11])
        self.m_intensity = list(cols[12])
        for c in m_client:
            self.contact_flags[c] |= 1
        self.client_first_matter = {}
        for k in range(n):
            self.client_first_matter.setdefault(m_client[k], k)
        # filled in by later generators
        self.m_last_activity = array("i", bytes(4 * n))
        self.m_has_tasks = bytearray(n)
        self.m_statute = {}
        self.m_relationships = {}
        self.m_folder = {}
        self.matter_client_last = [self.contact_last(c) for c in m_client]
        cosmetic = self.salt("matters:cosmetic")
        etag = self.etag
        tmpl = self.template("matters")
        contact_ids = self.contact_ids
        user_ids = self.user_ids
        pa_ids = self.pa_ids
        stage_ids = self.stage_ids
        group_ids = self.group_ids
        usd = self.usd
        cf_recs = self.cf_recs
        self_off = self.off
        contact_name = self.contact_name
        statuses = ("Open", "Pending", "Closed")
        billing_methods = ("hourly", "flat", "contingency")
        nums = [k + 1 for k in range(n)]
        self.matter_display = display = [
            "%05d-%s" % (nums[k], self.matter_client_last[k]) for k in range(n)
        ]
        descs = [
            PRACTICE_AREAS[m_pa[k]][3][m_desc[k] % len(PRACTICE_AREAS[m_pa[k]][3])]
            .replace(
                "{company}",
                COMPANY_FIRST[mix64(cosmetic + k) % len(COMPANY_FIRST)]
                + " "
                + COMPANY_SECOND[(mix64(cosmetic + k) >> 8) % len(COMPANY_SECOND)],
            )
            .replace("{street}", STREETS[(mix64(cosmetic + k) >> 16) % len(STREETS)])
            for k in range(n)
        ]
        self.matter_desc = descs
        matter_cf_values = self.matter_cf_values(nums)
        m_folder = self.m_folder
        m_statute = self.m_statute
        m_rel = self.m_relationships
        m_last = self.m_last_activity
        m_has_tasks = self.m_has_tasks

        def build(i):
            id_ = ids[i]
            h = mix64(cosmetic + i)
            r = dict(tmpl)
            st = m_status[i]
            created = m_created[i]
            upd = created
            if m_close[i]:
                upd = max(upd, self.day_epoch(m_close[i]) + 17 * 3600)
            if m_last[i]:
                upd = max(upd, self.day_epoch(m_last[i]) + 18 * 3600)
            upd = min(upd, REF_END)
            c_ts = fmt_ts(created)
            r["id"] = id_
            r["etag"] = etag("matters", id_)
            r["number"] = nums[i]
            r["display_number"] = display[i]
            r["custom_number"] = None
            r["currency"] = dict(usd)
            r["description"] = descs[i]
            r["status"] = statuses[st]
            r["location"] = CITIES[h % len(CITIES)][0] if h % 3 == 0 else None
            r["client_reference"] = "CR-%04d" % ((h >> 8) % 10000) if (h >> 20) % 5 == 0 else None
            r["client_id"] = contact_ids[m_client[i]]
            r["billable"] = bool(m_billable[i])
            r["maildrop_address"] = "%d.%d@maildrop.clio.com" % (id_, (h >> 24) % 100000)
            r["billing_method"] = billing_methods[m_billing[i]]
            r["open_date"] = fmt_date(m_open[i]) if m_open[i] else None
            r["close_date"] = fmt_date(m_close[i]) if m_close[i] else None
            r["pending_date"] = fmt_date(m_pending[i]) if m_pending[i] else None
            r["created_at"] = c_ts
            r["updated_at"] = fmt_ts(upd)
            r["shared"] = (h >> 30) % 20 == 0
            r["has_tasks"] = bool(m_has_tasks[i])
            r["last_activity_date"] = fmt_date(m_last[i]) if m_last[i] else None
            stages = stage_ids[m_pa[i]]
            stage = stages[(h >> 32) % len(stages)] if st != 1 else stages[0]
            r["matter_stage_updated_at"] = c_ts
            r["client"] = Ref("contacts", contact_ids[m_client[i]])
            r["contingency_fee"] = None
            r["custom_rate"] = None
            r["evergreen_retainer"] = None
            r["folder"] = Ref("folders", m_folder[i]) if i in m_folder else None
            r["group"] = Ref("groups", group_ids[0])
            r["matter_budget"] = None
            r["matter_stage"] = Ref("matter_stages", stage)
            r["originating_attorney"] = (
                Ref("users", user_ids[m_orig[i]]) if m_orig[i] >= 0 else None
            )
            r["practice_area"] = Ref("practice_areas", pa_ids[m_pa[i]])
            r["responsible_attorney"] = Ref("users", user_ids[m_resp[i]])
            r["statute_of_limitations"] = Ref("tasks", m_statute[i]) if i in m_statute else None
            r["user"] = Ref("users", user_ids[m_orig[i] if m_orig[i] >= 0 else m_resp[i]])
            r["legal_aid_uk_matter"] = None
            cfv = []
            if (h >> 36) % 10 < 3:
                pairs = [
                    (0, "text_line", contact_name((i * 7 + 3) % len(contact_ids))),
                    (3, "picklist", None),
                ]
                for k, ftype, value in pairs:
                    popt = None
                    if ftype == "picklist":
                        opts = self.cf_defs[k][3]
                        value, popt = self.picklist_value(k, opts[(h >> 40) % len(opts)])
                    cfv.append(
                        value_record(
                            "%s-%d" % (ftype, 700000001 + self_off + i * 4 + k),
                            etag("cfv", i, k),
                            cf_recs[k],
                            value,
                            c_ts,
                            c_ts,
                            popt=popt,
                        )
                    )
            cfv.extend(matter_cf_values(i, c_ts))
            r["custom_field_values"] = cfv
            r["relationships"] = [Ref("relationships", x) for x in m_rel.get(i, ())]
            return r

        self.add(
            "matters",
            ids,
            build,
            fast_keys={
                "id": ids.__getitem__,
                "etag": lambda i: etag("matters", ids[i]),
                "display_number": display.__getitem__,
                "description": descs.__getitem__,
                "number": nums.__getitem__,
                "client": lambda i: contact_ids[m_client[i]],
                "client_id": lambda i: contact_ids[m_client[i]],
                "responsible_attorney": lambda i: user_ids[m_resp[i]],
                "originating_attorney": lambda i: user_ids[m_orig[i]] if m_orig[i] >= 0 else None,
                "practice_area": lambda i: pa_ids[m_pa[i]],
                "status": lambda i: statuses[m_status[i]],
                "open_date": lambda i: fmt_date(m_open[i]) if m_open[i] else None,
                "close_date": lambda i: fmt_date(m_close[i]) if m_close[i] else None,
                "pending_date": lambda i: fmt_date(m_pending[i]) if m_pending[i] else None,
                "created_at": m_created.__getitem__,
                "billable": lambda i: bool(m_billable[i]),
            },
        )

    # ------------------------------------------------------------ custom field values
    def cf_value_maker(self, salt_name, base, etag_name):
        """(add, share): add(out, i, k, value, created, popt, ref) appends the
        k-th field's value on the i-th record, with an id and etag of its own;
        share(i, k, pct) is 56 bits of the record's hash for that field on
        pct % of the records, else None."""
        cf_recs = self.cf_recs
        etag = self.etag
        off = self.off
        salt = self.salt(salt_name)

        def share(i, k, pct):
            hk = mix64(salt + i * 64 + k)
            return hk >> 8 if hk % 100 < pct else None

        def add(out, i, k, value, created, popt=None, ref=None):
            cf = cf_recs[k]
            out.append(
                value_record(
                    "%s-%d" % (cf["field_type"], base + off + i * 32 + k),
                    etag(etag_name, i, k),
                    cf,
                    value,
                    created,
                    created,
                    popt=popt,
                    ref=ref,
                )
            )

        return add, share

    def picklist_value(self, k, option):
        oid = self.picklist_ids[(k, option)]
        return str(oid), {"id": oid, "etag": self.etag("picklist", oid), "option": option}

    def matter_cf_values(self, nums):
        """The i-th matter's values of the fields that had none at first
        (appended after 8001/8004): each field on its own share of matters."""
        add, share = self.cf_value_maker("matters:custom_fields", 720000001, "cfv")
        contact_ids, matter_ids = self.contact_ids, self.matter_ids
        m_open, m_pending, m_status = self.m_open, self.m_pending, self.m_status
        domain = self.firm["domain"]
        nc = len(contact_ids)

        def values(i, c_ts):
            out = []
            v = share(i, 1, 45)
            if v is not None:
                cents = 250000 * (1 + v % 200) + (0 if (v >> 8) % 3 else 1 + (v >> 10) % 99)
                add(out, i, 1, decimal_text(Decimal(cents) / 100), c_ts)
            v = share(i, 2, 40)
            if v is not None:
                add(out, i, 2, fmt_date((m_pending[i] or m_open[i]) + 730 + v % 365), c_ts)
            v = share(i, 4, 65)
            if v is not None:
                add(out, i, 4, "false" if v % 6 == 0 else "true", c_ts)
            v = share(i, 7, 12)
            if v is not None:
                add(out, i, 7, "LF-%05d" % (v % 100000), c_ts)
            v = share(i, 8, 35)
            if v is not None:
                add(out, i, 8, "Réf. %d/%04d" % (2019 + v % 8, (v >> 4) % 10000), c_ts)
            v = share(i, 9, 25)
            if v is not None:
                text = "%s.\nClient's follow-up: %s." % (
                    NOTE_SUBJECTS[v % len(NOTE_SUBJECTS)],
                    TIME_NOTES[(v >> 8) % len(TIME_NOTES)],
                )
                add(out, i, 9, text, c_ts)
            v = share(i, 10, 40)
            if v is not None:
                add(out, i, 10, decimal_text(Decimal(v % 2000 - 200) / 4), c_ts)
            v = share(i, 11, 30)
            if v is not None:
                cid = contact_ids[v % nc]
                add(out, i, 11, str(cid), c_ts, ref=Ref("contacts", cid))
            v = share(i, 12, 30)
            if v is not None:
                add(out, i, 12, "%02d:%02d:00" % (8 + v % 9, 15 * ((v >> 4) % 4)), c_ts)
            v = share(i, 13, 35)
            if v is not None:
                add(out, i, 13, "docket+%05d@%s" % (nums[i], domain), c_ts)
            v = share(i, 14, 20)
            if v is not None and i > 0:
                mid = matter_ids[v % i]
                add(out, i, 14, str(mid), c_ts, ref=Ref("matters", mid))
            v = share(i, 15, 30)
            if v is not None and m_status[i] != 1:
                add(out, i, 15, CF_COURTS[v % len(CF_COURTS)], c_ts)
            return out

        return values

    def contact_cf_values(self, name_of, ctype):
        """The i-th contact's custom field values (contacts had none at first)."""
        add, share = self.cf_value_maker("contacts:custom_fields", 740000001, "cfv-contact")
        contact_ids = self.contact_ids
        nc = len(contact_ids)
        picklist = self.picklist_value

        def slug(s):
            return "".join(ch if ch.isascii() and ch.isalnum() else "-" for ch in s.lower())

        def values(i, c_ts):
            out = []
            v = share(i, 5, 50)
            if v is not None:
                value, popt = picklist(5, CF_DEFS[5][3][v % 3])
                add(out, i, 5, value, c_ts, popt=popt)
            v = share(i, 6, 30)
            if v is not None:
                add(out, i, 6, c_ts[:10], c_ts)
            v = share(i, 16, 25)
            if v is not None:
                add(out, i, 16, CF_TITLES[v % len(CF_TITLES)], c_ts)
            v = share(i, 17, 50)
            if v is not None:
                add(out, i, 17, "true" if v % 5 == 0 else "false", c_ts)
            v = share(i, 18, 20)
            if v is not None:
                j = v % nc
                cid = contact_ids[j if j != i else (j + 1) % nc]
                add(out, i, 18, str(cid), c_ts, ref=Ref("contacts", cid))
            v = share(i, 19, 30)
            if v is not None:
                amount = Decimal(500 * (1 + v % 60)) + Decimal((v >> 8) % 2) / 2
                add(out, i, 19, decimal_text(amount), c_ts)
            v = share(i, 20, 40)
            if v is not None:
                add(out, i, 20, fmt_date(min(REF_ORDINAL, parse_date(c_ts[:10]) + v % 30)), c_ts)
            v = share(i, 21, 30)
            if v is not None:
                add(out, i, 21, "%02d:%02d:00" % (9 + v % 8, 30 * ((v >> 4) % 2)), c_ts)
            v = share(i, 22, 30)
            if v is not None:
                add(out, i, 22, "billing.%04d@example.com" % (v % 10000), c_ts)
            first = self.client_first_matter.get(i)
            v = share(i, 23, 70)
            if v is not None and first is not None:
                mid = self.matter_ids[first]
                add(out, i, 23, str(mid), c_ts, ref=Ref("matters", mid))
            v = share(i, 24, 30)
            if v is not None and not ctype[i]:
                add(out, i, 24, decimal_text(Decimal(v % 5)), c_ts)
            v = share(i, 25, 40)
            if v is not None:
                r = v % 20  # English 50 %, Spanish 25 %, Portuguese (deleted) 10 %
                lang = "English" if r < 10 else "Spanish" if r < 15 else "Portuguese"
                value, popt = picklist(25, "French" if r >= 17 else lang)
                add(out, i, 25, value, c_ts, popt=popt)
            v = share(i, 26, 15)
            if v is not None:
                add(out, i, 26, CF_STAFF_NOTES[v % len(CF_STAFF_NOTES)], c_ts)
            v = share(i, 27, 25)
            if v is not None:
                url = "https://www.linkedin.com/in/%s-%d" % (slug(name_of(i)), v % 1000)
                add(out, i, 27, url, c_ts)
            v = share(i, 28, 20)
            if v is not None:
                add(out, i, 28, "OC-%04d" % (v % 10000), c_ts)
            return out

        return values

    def folders_pre(self):
        """Folder ids: the root, one per matter, then contact folders as needed."""
        self.folder_rows = [("root", -1)]
        for k in range(len(self.matter_ids)):
            self.folder_rows.append(("matter", k))
        self.folder_id_base = self.base("folders")
        for k in range(len(self.matter_ids)):
            self.m_folder[k] = self.folder_id_base + 1 + k
        self.contact_folder = {}

    # ------------------------------------------------------------ tasks
    def tasks(self):
        n = self.count("tasks")
        rng = self.rng("tasks")
        rnd = rng.random
        nm = len(self.matter_ids)
        rows = []
        for _ in range(n):
            m = int(rnd() * nm) if rnd() < 0.9 else -1
            if m >= 0:
                first = self.m_pending[m] or self.m_open[m]
                last = self.m_close[m] or REF_ORDINAL
                st = self.m_status[m]
            else:
                first, last, st = REF_ORDINAL - 400, REF_ORDINAL, 0
            cday = first + int(rnd() * max(1, last - first + 1))
            cday = min(cday, REF_ORDINAL)
            created = self.day_epoch(cday) + 8 * 3600 + int(rnd() * 34000)
            if st == 2:
                status = 3
            else:
                s = rnd()
                status = 0 if s < 0.55 else (1 if s < 0.7 else (2 if s < 0.75 else 3))
            p = rnd()
            prio = 0 if p < 0.2 else (1 if p < 0.8 else 2)
            due = cday + 3 + int(rnd() * 60) if rnd() < 0.85 else 0
            completed = 0
            if status == 3:
                cd = min(REF_ORDINAL, cday + int(rnd() * 45))
                completed = self.day_epoch(cd) + 9 * 3600 + int(rnd() * 30000)
                completed = max(completed, created + 600)
                completed = min(completed, REF_END)
            if rnd() < 0.9:
                pool = self.attorneys if rnd() < 0.5 else self.staff
                assignee = ("u", pool[int(rnd() * len(pool))])
            else:
                assignee = (
                    "c",
                    self.m_client[m] if m >= 0 else int(rnd() * len(self.contact_ids)),
                )
            assigner = (
                self.m_resp[m]
                if m >= 0 and rnd() < 0.7
                else self.enabled_users[int(rnd() * len(self.enabled_users))]
            )
            rows.append(
                (
                    m,
                    assignee,
                    assigner,
                    status,
                    prio,
                    due,
                    created,
                    completed,
                    int(rnd() * len(self.task_type_ids)) if rnd() < 0.7 else -1,
                    int(rnd() * len(TASK_NAMES)),
                    rnd() < 0.02 and m >= 0,
                    rnd() < 0.15,
                )
            )
        rows.sort(key=lambda t: t[6])
        self.task_ids = ids = self.make_ids("tasks", n)
        self.task_matter = array("i", [t[0] for t in rows])
        self.task_time_entries = {}
        task_matter = self.task_matter
        self.matter_tasks = {}
        for k, t in enumerate(rows):
            if t[0] >= 0:
                self.m_has_tasks[t[0]] = 1
                self.matter_tasks.setdefault(t[0], []).append(k)
                if t[10] and t[0] not in self.m_statute:
                    self.m_statute[t[0]] = ids[k]
        statute_ids = set(self.m_statute.values())
        statuses = ("pending", "in_progress", "in_review", "complete")
        prios = ("High", "Normal", "Low")
        etag = self.etag
        tmpl = self.template("tasks")
        matter_ids = self.matter_ids
        user_ids = self.user_ids
        contact_ids = self.contact_ids
        tt_ids = self.task_type_ids
        display = self.matter_display
        cosmetic = self.salt("tasks:cosmetic")
        tte = self.task_time_entries

        def build(i):
            (
                m,
                assignee,
                assigner,
                status,
                prio,
                due,
                created,
                completed,
                tt,
                name,
                statute,
                private,
            ) = rows[i]
            id_ = ids[i]
            h = mix64(cosmetic + i)
            r = dict(tmpl)
            upd = max(created, completed)
            r["id"] = id_
            r["etag"] = etag("tasks", id_)
            nm_ = TASK_NAMES[name]
            r["name"] = "Statute of limitations" if id_ in statute_ids else nm_
            r["status"] = statuses[status]
            r["description"] = (
                ("%s for matter %s." % (nm_, display[m]))
                if m >= 0
                else ("%s (firm administration)." % nm_)
                if h % 4
                else ""
            )
            r["description_text_type"] = "plain_text"
            r["priority"] = prios[prio]
            r["due_at"] = fmt_date(due) if due else None
            r["permission"] = "private" if private else "public"
            r["completed_at"] = fmt_ts(completed) if completed else None
            r["notify_completion"] = (h >> 8) % 4 == 0
            r["statute_of_limitations"] = id_ in statute_ids
            r["time_estimated"] = ((h >> 12) % 16) * 900 if (h >> 20) % 3 == 0 else None
            r["created_at"] = fmt_ts(created)
            r["updated_at"] = fmt_ts(upd)
            entries = tte.get(i, ())
            r["time_entries_count"] = len(entries)
            r["time_entries"] = [Ref("activities", a) for a in entries]
            r["task_type"] = Ref("task_types", tt_ids[tt]) if tt >= 0 else None
            r["assigner"] = Ref("users", user_ids[assigner])
            r["matter"] = Ref("matters", matter_ids[m]) if m >= 0 else None
            if assignee[0] == "u":
                r["assignee"] = Ref("users", user_ids[assignee[1]])
            else:
                r["assignee"] = Ref("contacts", contact_ids[assignee[1]])
            r["reminders"] = []
            return r

        self.add(
            "tasks",
            ids,
            build,
            fast_keys={
                "matter": lambda i: matter_ids[task_matter[i]] if task_matter[i] >= 0 else None,
                "status": lambda i: statuses[rows[i][3]],
                "priority": lambda i: prios[rows[i][4]],
                "due_at": lambda i: fmt_date(rows[i][5]) if rows[i][5] else None,
                "created_at": lambda i: rows[i][6],
            },
        )

    # ------------------------------------------------------------ calendar entries
    def calendar_entries(self):
        n = self.count("calendar_entries")
        rng = self.rng("calendar_entries")
        rnd = rng.random
        nm = len(self.matter_ids)
        rows = []
        nusers = len(self.user_ids)
        for _ in range(n):
            m = int(rnd() * nm) if rnd() < 0.6 else -1
            day = REF_ORDINAL - 540 + int(rnd() * 660)
            if rnd() < 0.1:
                allday = True
                start = self.day_epoch(day)
                end = self.day_epoch(day + 1)
            else:
                allday = False
                start = (
                    self.day_epoch(day)
                    + (8 + int(rnd() * 9)) * 3600
                    + (1800 if rnd() < 0.3 else 0)
                )
                end = start + (1 + int(rnd() * 6)) * 1800
            owner = (
                self.enabled_users[int(rnd() * len(self.enabled_users))]
                if rnd() < 0.85
                else nusers + (0 if rnd() < 0.6 else 1)
            )
            created = min(start - int(rnd() * 30) * DAY - 3600, REF_END - 3600)
            created = max(created, self.day_epoch(REF_ORDINAL - 720))
            rows.append(
                (
                    m,
                    owner,
                    start,
                    end,
                    allday,
                    int(rnd() * len(CALENDAR_SUMMARIES)),
                    int(rnd() * len(LOCATIONS)),
                    rnd() < 0.05,
                    created,
                    rnd(),
                )
            )
        rows.sort(key=lambda t: t[8])
        self.calendar_entry_ids = ids = self.make_ids("calendar_entries", n)
        etag = self.etag
        tmpl = self.template("calendar_entries")
        matter_ids = self.matter_ids
        cal_ids = self.calendar_ids
        user_ids = self.user_ids
        display = self.matter_display
        cal_names = self.user_names + [self.firm["name"], "Court Dates"]
        domain = self.firm["domain"]
        users = self.firm["users"]
        contact_ids = self.contact_ids
        m_client = self.m_client
        contact_name = self.contact_name

        def build(i):
            m, owner, start, end, allday, summ, loc, recurring, created, x = rows[i]
            id_ = ids[i]
            r = dict(tmpl)
            summary = CALENDAR_SUMMARIES[summ]
            if m >= 0:
                summary = "%s – %s" % (summary, display[m])
            c_ts = fmt_ts(created)
            r["id"] = str(id_)
            r["etag"] = etag("calendar_entries", id_)
            r["summary"] = summary
            r["description"] = (
                ("Regarding matter %s." % display[m]) if m >= 0 and x < 0.7 else None
            )
            r["location"] = LOCATIONS[loc]
            r["start_at"] = fmt_ts(start)
            r["end_at"] = fmt_ts(end)
            r["all_day"] = allday
            r["recurrence_rule"] = "FREQ=WEEKLY;INTERVAL=1;BYDAY=MO" if recurring else None
            r["parent_calendar_entry_id"] = None
            r["court_rule"] = owner == len(user_ids) + 1 and x < 0.3
            r["created_at"] = c_ts
            r["updated_at"] = c_ts
            r["permission"] = "owner" if owner == 0 else "editor"
            r["calendar_owner_id"] = cal_ids[owner]
            r["start_at_time_zone"] = "America/New_York"
            r["time_entries_count"] = 0
            r["time_entries"] = []
            r["conference_meeting"] = None
            r["matter"] = Ref("matters", matter_ids[m]) if m >= 0 else None
            r["matter_docket"] = None
            r["calendar_owner"] = Ref("calendars", cal_ids[owner])
            r["parent_calendar_entry"] = None
            r["calendar_entry_event_type"] = None
            att = []
            if owner < len(user_ids):
                u = users[owner]
                att.append(
                    {
                        "id": cal_ids[owner],
                        "etag": etag("attendee", id_, 0),
                        "type": ATTENDEE,
                        "name": cal_names[owner],
                        "enabled": u[5],
                        "email": "%s.%s@%s" % (u[0].lower(), u[1].lower(), domain),
                        "created_at": c_ts,
                        "updated_at": c_ts,
                    }
                )
            if m >= 0 and x < 0.5:
                c = m_client[m]
                att.append(
                    {
                        "id": contact_ids[c],
                        "etag": etag("attendee", id_, 1),
                        "type": "Contact",
                        "name": contact_name(c),
                        "enabled": None,
                        "email": None,
                        "created_at": c_ts,
                        "updated_at": c_ts,
                    }
                )
            r["attendees"] = att
            r["calendars"] = [Ref("calendars", cal_ids[owner])]
            r["reminders"] = []
            r["external_properties"] = []
            return r

        self.add(
            "calendar_entries",
            ids,
            build,
            fast_keys={
                "matter": lambda i: matter_ids[rows[i][0]] if rows[i][0] >= 0 else None,
                "start_at": lambda i: rows[i][2],
                "end_at": lambda i: rows[i][3],
                "calendar_owner": lambda i: cal_ids[rows[i][1]],
            },
        )

    # ------------------------------------------------------------ activities
    def activities(self):
        n = self.count("activities")
        rng = self.rng("activities")
        rnd = rng.random
        nm = len(self.matter_ids)
        # each matter's window of work within the last two years
        ws = [0] * nm
        we = [0] * nm
        weights = [0.0] * nm
        for m in range(nm):
            a = max(self.m_pending[m] or self.m_open[m], START_ORDINAL)
            b = self.m_close[m] or REF_ORDINAL
            if self.m_status[m] == 1:
                b = REF_ORDINAL
            if b >= a:
                ws[m], we[m] = a, b
                weights[m] = (
                    (b - a + 1) * self.m_intensity[m] * (0.3 if self.m_status[m] == 1 else 1.0)
                )
        n_nomatter = int(n * 0.02)
        n_matter = n - n_nomatter
        total_w = sum(weights) or 1.0
        counts = [int(n_matter * w / total_w) for w in weights]
        rem = n_matter - sum(counts)
        live = [m for m in range(nm) if weights[m] > 0]
        if live:
            for m in rng.choices(live, weights=[weights[m] for m in live], k=rem):
                counts[m] += 1
        mat = array("i")
        usr = array("b")
        day = array("i")
        typ = array("b")
        qty = array("i")
        price = array("i")
        flg = array("B")
        desc = array("b")
        ecat = array("b")
        task = array("i")
        note = array("h")
        created = array("q")
        vendor = array("i")
        attorneys, staff = self.attorneys, self.staff
        rates = self.user_rates
        n_ad, n_ec = len(self.ad_ids), len(EXPENSE_CATEGORIES)
        n_tn, n_en = len(TIME_NOTES), len(EXPENSE_NOTES)
        hours_choices = (
            360,
            360,
            720,
            1080,
            1080,
            1800,
            1800,
            2880,
            3600,
            3600,
            5400,
            7200,
            9000,
            10800,
            14400,
            21600,
            27000,
        )
        odd_choices = (900, 1188, 1512, 2700, 4320, 612)
        day_epoch = self.day_epoch
        companies = self.contact_companies
        matter_tasks = self.matter_tasks
        for m in list(range(nm)) + [-1]:
            if m >= 0:
                cnt = counts[m]
                if not cnt:
                    continue
                a, b = ws[m], we[m]
                resp = self.m_resp[m]
                billable_matter = self.m_billable[m]
                mtasks = matter_tasks.get(m)
            else:
                cnt = n_nomatter
                a, b = START_ORDINAL, REF_ORDINAL
                resp = -1
                billable_matter = 0
                mtasks = None
            span = b - a + 1
            for _ in range(cnt):
                d = a + int(rnd() * span)
                wd = (d - 1) % 7
                if wd >= 5 and rnd() < 0.85:
                    d = d - (wd - 4) if d - (wd - 4) >= a else d + (7 - wd)
                    if d > b:
                        d = b
                r = rnd()
                if resp >= 0 and r < 0.5:
                    u = resp
                elif r < 0.75:
                    u = staff[int(rnd() * len(staff))]
                else:
                    u = attorneys[int(rnd() * len(attorneys))]
                t = rnd()
                f = 0
                if t < 0.85:
                    ty = 0
                    q = (
                        hours_choices[int(rnd() * len(hours_choices))]
                        if rnd() < 0.9
                        else odd_choices[int(rnd() * len(odd_choices))]
                    )
                    p = int(rates[u] * 100)
                    de = int(rnd() * n_ad) if rnd() < 0.75 else -1
                    ec = -1
                    nt = int(rnd() * n_tn) if rnd() < 0.97 else -1
                    v = -1
                else:
                    ty = 1 if t < 0.97 else (2 if t < 0.99 else 3)
                    q = 1 if rnd() < 0.85 else 2 + int(rnd() * 3)
                    p = 500 + int((rnd() ** 3) * 150000)
                    de = -1
                    ec = int(rnd() * n_ec)
                    nt = int(rnd() * n_en) if rnd() < 0.95 else -1
                    v = companies[int(rnd() * len(companies))] if companies and rnd() < 0.3 else -1
                if not billable_matter or rnd() < 0.07:
                    f |= 1  # non-billable
                elif rnd() < 0.01:
                    f |= 2  # no charge
                if ty == 0 and rnd() < 0.01:
                    f |= 4  # flat rate
                tk = -1
                if mtasks and rnd() < 0.05:
                    tk = mtasks[int(rnd() * len(mtasks))]
                lag = 0 if rnd() < 0.85 else 1 + int(rnd() * 9)
                c = day_epoch(min(d + lag, REF_ORDINAL)) + 17 * 3600 + int(rnd() * 10000)
                if c > REF_END:
                    c = REF_END - int(rnd() * 3600)
                mat.append(m)
                usr.append(u)
                day.append(d)
                typ.append(ty)
                qty.append(q)
                price.append(p)
                flg.append(f)
                desc.append(de)
                ecat.append(ec)
                task.append(tk)
                note.append(nt)
                created.append(c)
                vendor.append(v)
        order = sorted(range(len(created)), key=created.__getitem__)

        def reorder(col):
            return array(col.typecode, [col[k] for k in order])

        self.a_mat = mat = reorder(mat)
        self.a_usr = usr = reorder(usr)
        self.a_day = day = reorder(day)
        self.a_typ = typ = reorder(typ)
        self.a_qty = qty = reorder(qty)
        self.a_price = price = reorder(price)
        self.a_flg = flg = reorder(flg)
        desc = reorder(desc)
        ecat = reorder(ecat)
        task = reorder(task)
        note = reorder(note)
        self.a_created = created = reorder(created)
        vendor = reorder(vendor)
        total = len(created)
        self.activity_ids = ids = self.make_ids("activities", total)
        # totals in cents, from the rounded quantity (6-minute increments)
        self.a_total = a_total = array("q", bytes(8 * total))
        for k in range(total):
            if typ[k] == 0:
                rq = -(-qty[k] // 360) * 360
                a_total[k] = (price[k] * rq + 1800) // 3600
            else:
                a_total[k] = price[k] * qty[k]
        self.a_bill = array("i", [-1]) * total
        self.a_updated = array("q", created)
        m_last = self.m_last_activity
        tte = self.task_time_entries
        for k in range(total):
            m = mat[k]
            if m >= 0 and day[k] > m_last[m]:
                m_last[m] = day[k]
            if task[k] >= 0:
                tte.setdefault(task[k], []).append(ids[k])

        tmpl = self.template("activities")
        matter_ids = self.matter_ids
        user_ids = self.user_ids
        ad_ids = self.ad_ids
        ec_ids = self.ec_ids
        task_ids = self.task_ids
        contact_ids = self.contact_ids
        bill_ids_ref = self  # bills are numbered after activities
        a_bill = self.a_bill
        a_updated = self.a_updated
        usd_ref_id = self.usd_id
        types = ("TimeEntry", "ExpenseEntry", "HardCostEntry", "SoftCostEntry")
        fmt = fmt_ts
        fdate = fmt_date

        def note_of(k):
            nt = note[k]
            if nt < 0:
                return None
            return TIME_NOTES[nt] if typ[k] == 0 else EXPENSE_NOTES[nt]

        user_refs = [Ref("users", u) for u in user_ids]
        ad_refs = [Ref("activity_descriptions", x) for x in ad_ids]
        ec_refs = [Ref("expense_categories", x) for x in ec_ids]
        currency_ref = Ref("currencies", usd_ref_id)
        etag_salt = self.salt("activities:etag")

        def fast_etag(id_, updated):
            # as unique as an md5 of (id, updated_at) and much cheaper
            return '"%016x%016x"' % (
                mix64(etag_salt ^ id_),
                mix64(etag_salt + updated * 7919 + id_),
            )

        def build(k):
            id_ = ids[k]
            r = dict(tmpl)
            ty = typ[k]
            q = qty[k]
            p = price[k]
            f = flg[k]
            tot = a_total[k]
            b = a_bill[k]
            r["id"] = id_
            r["etag"] = fast_etag(id_, a_updated[k])
            r["type"] = types[ty]
            r["date"] = fdate(day[k])
            if ty == 0:
                rq = -(-q // 360) * 360
                r["quantity_in_hours"] = round(q / 3600.0, 4)
                r["rounded_quantity_in_hours"] = round(rq / 3600.0, 4)
                r["quantity"] = float(q)
                r["rounded_quantity"] = float(rq)
            else:
                r["quantity_in_hours"] = float(q)
                r["rounded_quantity_in_hours"] = float(q)
                r["quantity"] = float(q)
                r["rounded_quantity"] = float(q)
            r["quantity_redacted"] = False
            r["price"] = p / 100.0
            r["note"] = note_of(k)
            r["flat_rate"] = bool(f & 4)
            r["billed"] = bool(f & 8)
            r["on_bill"] = bool(f & 16)
            r["total"] = tot / 100.0
            r["contingency_fee"] = False
            r["created_at"] = fmt(created[k])
            r["updated_at"] = fmt(a_updated[k])
            r["reference"] = None
            r["non_billable"] = bool(f & 1)
            r["non_billable_total"] = tot / 100.0 if f & 1 else 0.0
            r["no_charge"] = bool(f & 2)
            r["tax_setting"] = "no_tax"
            r["currency"] = currency_ref
            r["activity_description"] = ad_refs[desc[k]] if desc[k] >= 0 else None
            r["expense_category"] = ec_refs[ecat[k]] if ecat[k] >= 0 else None
            r["bill"] = Ref("bills", bill_ids_ref.bill_ids[b]) if b >= 0 else None
            m = mat[k]
            r["matter"] = Ref("matters", matter_ids[m]) if m >= 0 else None
            tk = task[k]
            r["task"] = Ref("tasks", task_ids[tk]) if tk >= 0 else None
            r["subject"] = Ref("tasks", task_ids[tk]) if tk >= 0 else None
            r["user"] = user_refs[usr[k]]
            r["vendor"] = Ref("contacts", contact_ids[vendor[k]]) if vendor[k] >= 0 else None
            return r

        self.add(
            "activities",
            ids,
            build,
            fast_keys={
                "matter": lambda k: matter_ids[mat[k]] if mat[k] >= 0 else None,
                "user": lambda k: user_ids[usr[k]],
                "date": lambda k: fdate(day[k]),
                "type": lambda k: types[typ[k]],
                "created_at": created.__getitem__,
                "updated_at": a_updated.__getitem__,
                "billed": lambda k: bool(flg[k] & 8),
                "on_bill": lambda k: bool(flg[k] & 16),
                "non_billable": lambda k: bool(flg[k] & 1),
                "no_charge": lambda k: bool(flg[k] & 2),
                "flat_rate": lambda k: bool(flg[k] & 4),
                "activity_description": lambda k: ad_ids[desc[k]] if desc[k] >= 0 else None,
                "expense_category": lambda k: ec_ids[ecat[k]] if ecat[k] >= 0 else None,
                "task": lambda k: task_ids[task[k]] if task[k] >= 0 else None,
                "bill": lambda k: bill_ids_ref.bill_ids[a_bill[k]] if a_bill[k] >= 0 else None,
                "note": note_of,
                "price": lambda k: price[k] / 100.0,
                "total": lambda k: a_total[k] / 100.0,
                "communication": lambda k: None,
                "calendar_entry": lambda k: None,
                "matter_note": lambda k: None,
                "contact_note": lambda k: None,
                "vendor": lambda k: contact_ids[vendor[k]] if vendor[k] >= 0 else None,
            },
            fast_columns={
                "matter": (mat, lambda v: matter_ids[v] if v >= 0 else None),
                "user": (usr, user_ids.__getitem__),
                "date": (day, fdate),
                "type": (typ, types.__getitem__),
                "created_at": (created, int),
            },
        )
        # the benchmark's usual filters are indexed before the first request
        store = self.ds.stores["activities"]
        for f in ("matter", "user", "type"):
            store.eq_index(f)
        store.range_index("date")

    # ------------------------------------------------------------ bills
    def bills(self):
        rng = self.rng("bills")
        rnd = rng.random
        mat, day, flg, typ = self.a_mat, self.a_day, self.a_flg, self.a_typ
        by_matter = {}
        for k in range(len(mat)):
            m = mat[k]
            if m >= 0 and not flg[k] & 1:
                by_matter.setdefault(m, []).append(k)
        rows = []
        for m in sorted(by_matter):
            acts = by_matter[m]
            buckets = {}
            for k in acts:
                # half-year buckets by calendar date
                dt = fmt_date(day[k])
                key = (int(dt[:4]), 0 if int(dt[5:7]) <= 6 else 1)
                buckets.setdefault(key, []).append(k)
            for (year, half), ks in sorted(buckets.items()):
                bstart = _dt.date(year, 1 if half == 0 else 7, 1).toordinal()
                bend = (
                    _dt.date(year, 6, 30).toordinal()
                    if half == 0
                    else _dt.date(year, 12, 31).toordinal()
                )
                if bend + 10 <= REF_ORDINAL:
                    if rnd() > 0.4:
                        continue
                    issued = min(REF_ORDINAL - 1, bend + 3 + int(rnd() * 12))
                else:
                    if self.m_status[m] != 0 or rnd() > 0.25:
                        continue
                    old = [k for k in ks if day[k] <= REF_ORDINAL - 45]
                    if not old:
                        continue
                    ks = old
                    bend = REF_ORDINAL - 45
                    issued = REF_ORDINAL - 1 - int(rnd() * 10)
                age = REF_ORDINAL - issued
                s = rnd()
                if age > 120:
                    state = "paid" if s < 0.85 else ("awaiting_payment" if s < 0.95 else "void")
                elif age > 30:
                    state = "paid" if s < 0.5 else "awaiting_payment"
                else:
                    state = (
                        "awaiting_payment"
                        if s < 0.6
                        else ("awaiting_approval" if s < 0.8 else "draft")
                    )
                created = self.day_epoch(issued) + 10 * 3600 + int(rnd() * 20000)
                rows.append([m, bstart, bend, issued, state, created, ks, rnd(), rnd()])
        rows.sort(key=lambda t: t[5])
        self.bill_ids = ids = self.make_ids("bills", len(rows))
        a_bill, a_total, a_updated = self.a_bill, self.a_total, self.a_updated
        totals = []
        for b, row in enumerate(rows):
            m, bstart, bend, issued, state, created, ks, x, y = row
            services = 0
            total = 0
            for k in ks:
                if state != "void":
                    a_bill[k] = b
                    flg[k] |= 16
                    if state in ("awaiting_payment", "paid"):
                        flg[k] |= 8
                    if created > a_updated[k]:
                        a_updated[k] = created
                if not flg[k] & 2:
                    total += a_total[k]
                    if typ[k] == 0:
                        services += a_total[k]
            if state == "paid":
                paid = total
            elif state == "awaiting_payment" and x < 0.2:
                paid = int(total * y * 0.9)
            else:
                paid = 0
            totals.append((total, services, paid))
        self.bill_rows = rows
        self.bill_activities = {}
        etag = self.etag
        tmpl = self.template("bills")
        matter_ids = self.matter_ids
        contact_ids = self.contact_ids
        user_ids = self.user_ids
        m_client = self.m_client
        m_resp = self.m_resp
        usd_id = self.usd_id
        transitions = {
            "draft": ["awaiting_approval", "awaiting_payment", "deleted"],
            "awaiting_approval": ["awaiting_payment", "deleted"],
            "awaiting_payment": ["paid", "void"],
            "paid": ["void"],
            "void": [],
            "deleted": [],
        }
        contact_store = self.ds.stores["contacts"]

        def build(b):
            m, bstart, bend, issued, state, created, ks, x, y = rows[b]
            total, services, paid = totals[b]
            id_ = ids[b]
            r = dict(tmpl)
            due_ord = issued + 30
            sent = state in ("awaiting_payment", "paid")
            paid_at = None
            upd = created
            if state == "paid":
                pday = min(REF_ORDINAL, issued + 5 + int(x * 40))
                pe = self.day_epoch(pday) + 14 * 3600
                paid_at = fmt_ts(pe)
                upd = max(upd, pe)
            r["id"] = id_
            r["etag"] = etag("bills", id_)
            r["number"] = str(1001 + b)
            r["issued_at"] = fmt_date(issued)
            r["created_at"] = fmt_ts(created)
            r["due_at"] = fmt_date(due_ord)
            r["tax_rate"] = 0.0
            r["secondary_tax_rate"] = 0.0
            r["updated_at"] = fmt_ts(min(upd, REF_END))
            r["subject"] = None
            r["purchase_order"] = None
            r["type"] = "MatterBill"
            r["memo"] = "Thank you for your business." if x < 0.5 else None
            r["start_at"] = fmt_date(bstart)
            r["end_at"] = fmt_date(bend)
            bal = total - paid if state not in ("void", "deleted") else 0
            r["balance"] = money(bal)
            r["state"] = state
            r["kind"] = "revenue_kind"
            r["total"] = money(total)
            r["paid"] = money(paid)
            r["paid_at"] = paid_at
            r["pending"] = 0.0
            r["due"] = money(bal)
            r["discount_services_only"] = None
            r["can_update"] = state in ("draft", "awaiting_approval")
            r["credits_issued"] = 0.0
            r["shared"] = sent and y < 0.3
            r["last_sent_at"] = fmt_ts(created + 3600) if sent else None
            r["services_secondary_tax"] = 0.0
            r["services_sub_total"] = money(services)
            r["services_tax"] = 0.0
            r["services_taxable_sub_total"] = 0
            r["services_secondary_taxable_sub_total"] = 0
            r["taxable_sub_total"] = 0
            r["secondary_taxable_sub_total"] = 0
            r["sub_total"] = money(total)
            r["tax_sum"] = 0.0
            r["secondary_tax_sum"] = 0.0
            r["total_tax"] = 0.0
            r["available_state_transitions"] = list(transitions[state])
            r["user"] = Ref("users", user_ids[m_resp[m]])
            r["client"] = Ref("contacts", contact_ids[m_client[m]])
            r["matters"] = [Ref("matters", matter_ids[m])]
            r["currency"] = Ref("currencies", usd_id)
            r["balances"] = [
                {
                    "id": matter_ids[m],
                    "amount": money(bal),
                    "type": "Matter",
                    "interest_amount": 0.0,
                    "due": money(bal),
                }
            ]
            r["matter_totals"] = [{"id": matter_ids[m], "amount": money(total)}]
            client = contact_store.get(contact_ids[m_client[m]])
            addr = client.get("primary_address") if client else None
            r["client_addresses"] = [dict(addr)] if addr else []
            return r

        self.add(
            "bills",
            ids,
            build,
            fast_keys={
                "state": lambda b: rows[b][4],
                "client": lambda b: contact_ids[m_client[rows[b][0]]],
                "matters": lambda b: (matter_ids[rows[b][0]],),
                "issued_at": lambda b: fmt_date(rows[b][3]),
                "due_at": lambda b: fmt_date(rows[b][3] + 30),
            },
        )

    # ------------------------------------------------------------ line items
    def line_items(self):
        li_act = array("i")
        li_bill = array("i")
        for b, row in enumerate(self.bill_rows):
            if row[4] == "void":
                continue
            for k in sorted(row[6]):
                li_act.append(k)
                li_bill.append(b)
        ids = self.make_ids("line_items", len(li_act))
        etag = self.etag
        tmpl = self.template("line_items")
        act_store = self.ds.stores["activities"]
        bill_store = self.ds.stores["bills"]
        a_ids = self.activity_ids
        bill_ids = self.bill_ids
        rows = self.bill_rows
        typ, flg = self.a_typ, self.a_flg

        def build(j):
            k = li_act[j]
            b = li_bill[j]
            a = act_store.builder(k)
            bill = bill_store.builder(b)
            id_ = ids[j]
            r = dict(tmpl)
            desc = a["activity_description"] or a["expense_category"]
            r["id"] = id_
            r["etag"] = etag("line_items", id_)
            r["type"] = "NoChargeLineItem" if flg[k] & 2 else "ActivityLineItem"
            if desc is not None:
                dstore = self.ds.stores[desc.coll]
                r["description"] = dstore.get(desc.id)["name"]
            else:
                r["description"] = a["note"] or a["type"]
            r["date"] = a["date"]
            r["price"] = a["price"]
            r["taxable"] = False
            r["kind"] = "Service" if typ[k] == 0 else "Expense"
            r["note"] = a["note"]
            r["secondary_taxable"] = False
            total = 0.0 if flg[k] & 2 else a["total"]
            r["total"] = total
            r["tax"] = 0.0
            r["secondary_tax"] = 0.0
            r["sub_total"] = total
            r["quantity"] = a["rounded_quantity_in_hours"]
            r["group_ordering"] = 1
            r["created_at"] = bill["created_at"]
            r["updated_at"] = bill["created_at"]
            r["bill"] = Ref("bills", bill_ids[b])
            r["activity"] = Ref("activities", a_ids[k])
            r["matter"] = a["matter"]
            r["user"] = a["user"]
            r["discount"] = None
            r["included_line_item_totals"] = None
            return r

        self.add(
            "line_items",
            ids,
            build,
            fast_keys={
                "bill": lambda j: bill_ids[li_bill[j]],
                "activity": lambda j: a_ids[li_act[j]],
                "matter": lambda j: self.matter_ids[rows[li_bill[j]][0]],
            },
        )

    # ------------------------------------------------------------ notes
    def notes(self):
        nmat = self.count("matter_notes")
        ncon = self.count("contact_notes")
        rng = self.rng("notes")
        rnd = rng.random
        rows = []
        nm = len(self.matter_ids)
        for k in range(nmat + ncon):
            if k < nmat:
                m = int(rnd() * nm)
                first = self.m_pending[m] or self.m_open[m]
                last = self.m_close[m] or REF_ORDINAL
                d = first + int(rnd() * max(1, last - first + 1))
                target = ("Matter", m)
                author = (
                    self.m_resp[m]
                    if rnd() < 0.6
                    else self.enabled_users[int(rnd() * len(self.enabled_users))]
                )
            else:
                c = int(rnd() * len(self.contact_ids))
                first = (self.contact_created[c] - self.day_epoch(719163)) // DAY + 719163
                d = min(REF_ORDINAL, first + int(rnd() * max(1, REF_ORDINAL - first)))
                target = ("Contact", c)
                author = self.enabled_users[int(rnd() * len(self.enabled_users))]
            d = min(d, REF_ORDINAL)
            created = min(self.day_epoch(d) + 9 * 3600 + int(rnd() * 30000), REF_END)
            rows.append((target, author, d, created, int(rnd() * len(NOTE_SUBJECTS)), rnd()))
        rows.sort(key=lambda t: t[3])
        ids = self.make_ids("notes", len(rows))
        etag = self.etag
        tmpl = self.template("notes")
        matter_ids = self.matter_ids
        contact_ids = self.contact_ids
        user_ids = self.user_ids
        display = self.matter_display
        contact_name = self.contact_name

        def build(i):
            (ntype, x), author, d, created, subj, y = rows[i]
            id_ = ids[i]
            r = dict(tmpl)
            c_ts = fmt_ts(created)
            r["id"] = id_
            r["etag"] = etag("notes", id_)
            r["type"] = ntype
            r["subject"] = NOTE_SUBJECTS[subj]
            who = display[x] if ntype == "Matter" else contact_name(x)
            if y < 0.15:
                r["detail_text_type"] = "rich_text"
                r["detail"] = (
                    "<p><b>%s</b> &ndash; notes for %s.</p><ul><li>Follow up next week</li></ul>"
                    % (NOTE_SUBJECTS[subj], who)
                )
            else:
                r["detail_text_type"] = "plain_text"
                r["detail"] = "%s for %s.\nDiscussed next steps and timeline." % (
                    NOTE_SUBJECTS[subj],
                    who,
                )
            r["date"] = fmt_date(d)
            r["created_at"] = c_ts
            r["updated_at"] = c_ts
            r["time_entries_count"] = 0
            r["matter"] = Ref("matters", matter_ids[x]) if ntype == "Matter" else None
            r["contact"] = Ref("contacts", contact_ids[x]) if ntype == "Contact" else None
            r["author"] = Ref("users", user_ids[author])
            r["time_entries"] = []
            r["notification_event_subscribers"] = []
            return r

        self.add(
            "notes",
            ids,
            build,
            fast_keys={
                "type": lambda i: rows[i][0][0],
                "matter": lambda i: matter_ids[rows[i][0][1]]
                if rows[i][0][0] == "Matter"
                else None,
                "contact": lambda i: contact_ids[rows[i][0][1]]
                if rows[i][0][0] == "Contact"
                else None,
            },
        )

    # ------------------------------------------------------------ communications
    def communications(self):
        n = self.count("communications")
        rng = self.rng("communications")
        rnd = rng.random
        nm = len(self.matter_ids)
        rows = []
        for _ in range(n):
            m = int(rnd() * nm) if rnd() < 0.85 else -1
            if m >= 0:
                first = max(self.m_pending[m] or self.m_open[m], REF_ORDINAL - 900)
                last = self.m_close[m] or REF_ORDINAL
            else:
                first, last = REF_ORDINAL - 500, REF_ORDINAL
            d = min(REF_ORDINAL, first + int(rnd() * max(1, last - first + 1)))
            received = self.day_epoch(d) + 8 * 3600 + int(rnd() * 36000)
            created = min(received + int(rnd() * 7200), REF_END)
            u = self.enabled_users[int(rnd() * len(self.enabled_users))]
            c = self.m_client[m] if m >= 0 else int(rnd() * len(self.contact_ids))
            rows.append(
                (
                    m,
                    u,
                    c,
                    d,
                    received,
                    created,
                    rnd() < 0.7,
                    int(rnd() * len(COMMUNICATION_SUBJECTS)),
                    rnd(),
                )
            )
        rows.sort(key=lambda t: t[5])
        ids = self.make_ids("communications", n)
        etag = self.etag
        tmpl = self.template("communications")
        matter_ids = self.matter_ids
        contact_ids = self.contact_ids
        user_ids = self.user_ids
        display = self.matter_display

        def build(i):
            m, u, c, d, received, created, email, subj, x = rows[i]
            id_ = ids[i]
            r = dict(tmpl)
            r["id"] = id_
            r["etag"] = etag("communications", id_)
            r["type"] = "EmailCommunication" if email else "PhoneCommunication"
            r["subject"] = COMMUNICATION_SUBJECTS[subj] if email else "Phone call"
            r["body"] = (
                (
                    "Hello,\n\nPlease see below regarding %s.\n\nBest regards"
                    % (display[m] if m >= 0 else "your file")
                )
                if email
                else "Spoke with client about %s."
                % (display[m] if m >= 0 else "general questions")
            )
            r["date"] = fmt_date(d)
            r["received_at"] = fmt_ts(received)
            r["time_entries_count"] = 0
            r["created_at"] = fmt_ts(created)
            r["updated_at"] = fmt_ts(created)
            r["user"] = Ref("users", user_ids[u])
            r["matter"] = Ref("matters", matter_ids[m]) if m >= 0 else None
            r["communication_eml_file"] = None
            inbound = x < 0.5
            user_p = Ref("users", user_ids[u])
            contact_p = Ref("contacts", contact_ids[c])
            r["senders"] = [contact_p] if inbound else [user_p]
            r["receivers"] = [user_p] if inbound else [contact_p]
            r["external_properties"] = []
            r["time_entries"] = []
            r["documents"] = []
            r["notification_event_subscribers"] = []
            return r

        self.comm_rows = rows
        self.add(
            "communications",
            ids,
            build,
            fast_keys={
                "matter": lambda i: matter_ids[rows[i][0]] if rows[i][0] >= 0 else None,
                "user": lambda i: user_ids[rows[i][1]],
            },
        )

    # ------------------------------------------------------------ relationships
    def relationships(self):
        n = self.count("relationships")
        rng = self.rng("relationships")
        rnd = rng.random
        nm = len(self.matter_ids)
        nc = len(self.contact_ids)
        rows = []
        seen = set()
        for _ in range(n):
            m = int(rnd() * nm)
            c = int(rnd() * nc)
            if c == self.m_client[m] or (m, c) in seen:
                c = (c + 1) % nc
                if c == self.m_client[m] or (m, c) in seen:
                    continue
            seen.add((m, c))
            created = min(
                max(self.m_created[m], self.contact_created[c]) + int(rnd() * 30) * DAY, REF_END
            )
            rows.append((m, c, created, int(rnd() * len(RELATIONSHIP_DESCRIPTIONS))))
        rows.sort(key=lambda t: t[2])
        ids = self.make_ids("relationships", len(rows))
        for k, row in enumerate(rows):
            self.m_relationships.setdefault(row[0], []).append(ids[k])
        etag = self.etag
        tmpl = self.template("relationships")
        matter_ids = self.matter_ids
        contact_ids = self.contact_ids

        def build(i):
            m, c, created, d = rows[i]
            id_ = ids[i]
            r = dict(tmpl)
            r["id"] = id_
            r["etag"] = etag("relationships", id_)
            r["description"] = RELATIONSHIP_DESCRIPTIONS[d]
            r["created_at"] = fmt_ts(created)
            r["updated_at"] = fmt_ts(created)
            r["matter"] = Ref("matters", matter_ids[m])
            r["contact"] = Ref("contacts", contact_ids[c])
            return r

        self.add(
            "relationships",
            ids,
            build,
            fast_keys={
                "matter": lambda i: matter_ids[rows[i][0]],
                "contact": lambda i: contact_ids[rows[i][1]],
            },
        )

    # ------------------------------------------------------------ documents
    def documents(self):
        n = self.count("documents")
        rng = self.rng("documents")
        rnd = rng.random
        nm = len(self.matter_ids)
        kinds = DOCUMENT_KINDS
        kind_weights = [k[4] for k in kinds]
        rows = []
        for k in range(n):
            if rnd() < 0.75:
                parent = ("Matter", int(rnd() * nm))
                first = self.m_pending[parent[1]] or self.m_open[parent[1]]
            else:
                c = self.m_client[int(rnd() * nm)]
                parent = ("Contact", c)
                first = (self.contact_created[c] - self.day_epoch(719163)) // DAY + 719163
            first = max(first, REF_ORDINAL - 1500)
            d = min(REF_ORDINAL, first + int(rnd() * max(1, REF_ORDINAL - first + 1)))
            kind = rng.choices(range(len(kinds)), weights=kind_weights)[0]
            lo, hi = kinds[kind][2], kinds[kind][3]
            size = int(math.exp(math.log(lo) + rnd() * (math.log(hi) - math.log(lo))))
            if k == 3:
                kind, size = 2, 0  # an empty text file
            if k == 5:
                kind, size = 0, 3 * 1024 * 1024 + 12345  # a large PDF
            created = min(self.day_epoch(d) + 9 * 3600 + int(rnd() * 30000), REF_END)
            v = rnd()
            versions = 1 if v < 0.8 else (2 if v < 0.95 else 3)
            deleted = rnd() < 0.03 and k not in (3, 5)
            rows.append(
                (
                    parent,
                    kind,
                    size,
                    created,
                    versions,
                    deleted,
                    rnd() < 0.02,
                    int(rnd() * len(DOCUMENT_NAMES)),
                    int(rnd() * len(self.doccat_ids)) if rnd() < 0.6 else -1,
                    self.enabled_users[int(rnd() * len(self.enabled_users))],
                    rnd(),
                )
            )
        rows.sort(key=lambda t: t[3])
        ids = self.make_ids("documents", n)
        self.doc_rows = rows
        for k, row in enumerate(rows):
            if row[0][0] == "Contact" and row[0][1] not in self.contact_folder:
                self.contact_folder[row[0][1]] = self.folder_id_base + len(self.folder_rows)
                self.folder_rows.append(("contact", row[0][1]))
        etag = self.etag
        tmpl = self.template("documents")
        matter_ids = self.matter_ids
        contact_ids = self.contact_ids
        user_ids = self.user_ids
        doccat_ids = self.doccat_ids
        m_folder = self.m_folder
        c_folder = self.contact_folder
        last_of = self.contact_last
        mlast = self.matter_client_last
        self_seed = (self.seed, self.firm_no)
        version_base = 650000001 + self.off

        def version_dict(i, v, created, name, size, ctype, creator):
            vid = version_base + i * 4 + v
            vts = fmt_ts(created + (v - 1) * 3 * DAY)
            return {
                "id": vid,
                "document_id": ids[i],
                "etag": etag("docver", vid),
                "uuid": "%08x-%04x-4%03x-a%03x-%012x"
                % (
                    mix64(vid) >> 32,
                    mix64(vid) & 0xFFFF,
                    mix64(vid + 1) & 0xFFF,
                    mix64(vid + 2) & 0xFFF,
                    mix64(vid + 3) & 0xFFFFFFFFFFFF,
                ),
                "created_at": vts,
                "updated_at": vts,
                "filename": name,
                "size": size if v == 1 else size,
                "version_number": v,
                "content_type": ctype,
                "received_at": vts,
                "put_url": None,
                "fully_uploaded": True,
                "creator": Ref("users", user_ids[creator]),
                "put_headers": [],
                "multiparts": [],
            }

        def build(i):
            parent, kind, size, created, versions, deleted, locked, nm_, cat, creator, x = rows[i]
            id_ = ids[i]
            ext, ctype = kinds[kind][0], kinds[kind][1]
            who = mlast[parent[1]] if parent[0] == "Matter" else last_of(parent[1])
            name = "%s - %s.%s" % (DOCUMENT_NAMES[nm_], who, ext)
            if i == 5:
                name = "Deposition Transcript (full) - %s.pdf" % who
            r = dict(tmpl)
            vers = [
                version_dict(i, v, created, name, size, ctype, creator)
                for v in range(1, versions + 1)
            ]
            latest = vers[-1]
            r["id"] = id_
            r["etag"] = etag("documents", id_)
            r["created_at"] = fmt_ts(created)
            r["updated_at"] = latest["updated_at"]
            r["deleted_at"] = fmt_ts(min(created + 20 * DAY, REF_END)) if deleted else None
            r["type"] = "Document"
            r["locked"] = locked
            r["name"] = name
            r["received_at"] = fmt_ts(created)
            r["filename"] = name
            r["size"] = size
            r["content_type"] = ctype
            if parent[0] == "Matter":
                r["parent"] = Ref("folders", m_folder[parent[1]])
                r["matter"] = Ref("matters", matter_ids[parent[1]])
                r["contact"] = None
            else:
                r["parent"] = Ref("folders", c_folder[parent[1]])
                r["matter"] = None
                r["contact"] = Ref("contacts", contact_ids[parent[1]])
            r["document_category"] = (
                Ref("document_categories", doccat_ids[cat]) if cat >= 0 else None
            )
            r["creator"] = Ref("users", user_ids[creator])
            r["latest_document_version"] = latest
            r["group"] = None
            r["external_properties"] = []
            r["document_versions"] = [
                {k: v for k, v in d.items() if k not in ("creator", "put_headers", "multiparts")}
                for d in vers
            ]
            return r

        def content(i, version):
            parent, kind, size, created, versions, *_ = rows[i]
            return document_bytes(self_seed, ids[i], version, kinds[kind][0], size)

        self.ds.seed_content = lambda doc_id, version_no: (
            content(self.ds.stores["documents"].seed_index(doc_id), version_no)
        )
        self.add(
            "documents",
            ids,
            build,
            fast_keys={
                "matter": lambda i: matter_ids[rows[i][0][1]]
                if rows[i][0][0] == "Matter"
                else None,
                "contact": lambda i: contact_ids[rows[i][0][1]]
                if rows[i][0][0] == "Contact"
                else None,
                "deleted_at": lambda i: None if not rows[i][5] else rows[i][3] + 20 * DAY,
            },
        )

    # ------------------------------------------------------------ folders
    def folders(self):
        rows = self.folder_rows
        ids = array("q", range(self.folder_id_base, self.folder_id_base + len(rows)))
        etag = self.etag
        tmpl = self.template("folders")
        matter_ids = self.matter_ids
        contact_ids = self.contact_ids
        display = self.matter_display
        m_created = self.m_created
        c_created = self.contact_created
        contact_name = self.contact_name
        root_ts = self.ts(736700, 9 * 3600)

        def build(i):
            kind, x = rows[i]
            id_ = ids[i]
            r = dict(tmpl)
            r["id"] = id_
            r["etag"] = etag("folders", id_)
            r["type"] = "Folder"
            r["locked"] = False
            r["deleted_at"] = None
            if kind == "root":
                r["name"] = "Root"
                r["root"] = True
                r["parent"] = None
                r["created_at"] = r["updated_at"] = root_ts
                r["creator"] = Ref("users", self.user_ids[0])
            elif kind == "matter":
                r["name"] = display[x]
                r["root"] = False
                r["parent"] = Ref("folders", ids[0])
                r["matter"] = Ref("matters", matter_ids[x])
                r["created_at"] = r["updated_at"] = fmt_ts(m_created[x])
                r["creator"] = Ref("users", self.user_ids[self.m_resp[x]])
            else:
                r["name"] = contact_name(x)
                r["root"] = False
                r["parent"] = Ref("folders", ids[0])
                r["contact"] = Ref("contacts", contact_ids[x])
                r["created_at"] = r["updated_at"] = fmt_ts(c_created[x])
                r["creator"] = Ref("users", self.user_ids[0])
            r["external_properties"] = []
            return r

        self.add("folders", ids, build)

    # ------------------------------------------------------------ everything else
    def generic(self):
        """A few records for each remaining collection, from the field types."""
        done = set(self.ds.stores)
        paths = [p for p in self.cat.resources if p not in done]
        for k, path in enumerate(sorted(paths)):
            self.generic_collection(path, GENERIC_BASE + self.off + k * GENERIC_STEP)

    def pick(self, path, h):
        store = self.ds.stores.get(path)
        if store is None or not len(store.seed_ids):
            return None
        return store.seed_ids[h % min(len(store.seed_ids), 200)]

    def generic_collection(self, path, base):
        res = self.cat.resources[path]
        rng = self.rng("generic:" + path)
        recs = []
        label = path.replace("_", " ").rstrip("s").title()
        for j in range(5):
            id_ = base + j * 2
            r = self.template(path)
            r["_id"] = id_
            day = REF_ORDINAL - 400 + int(rng.random() * 390)
            c_ts = self.ts(day, 9 * 3600 + int(rng.random() * 30000))
            for name in res.field_order:
                f = res.fields[name]
                h = mix64(salt_of(self.seed, path, name, j))
                if name == "id":
                    r[name] = str(id_) if f.type == "text" else id_
                elif name == "etag":
                    r[name] = self.etag(path, id_)
                elif name in ("created_at", "updated_at"):
                    r[name] = c_ts
                elif f.kind == "object":
                    target = self.cat.ref_path(f.ref) if f.ref else None
                    if f.ref in ("Participant", "UnredactedParticipant_base"):
                        r[name] = Ref("users", self.user_ids[h % len(self.user_ids)])
                    elif f.ref == "PolymorphicObject_base":
                        mid = self.pick("matters", h)
                        r[name] = Ref("matters", mid) if mid else None
                    elif target and target in self.ds.stores and target != path:
                        tid = self.pick(target, h)
                        r[name] = Ref(target, tid) if tid is not None else None
                    else:
                        r[name] = None
                elif f.kind == "array":
                    r[name] = []
                elif f.enum:
                    r[name] = (
                        f.enum[h % len(f.enum)]
                        if f.type != "text[]"
                        else [f.enum[h % len(f.enum)]]
                    )
                elif f.type == "bool":
                    r[name] = bool(h & 1)
                elif f.type in ("int8", "int4"):
                    if name.endswith("_id"):
                        tp = name[:-3] + "s"
                        alias = {
                            "contacts": "contacts",
                            "co_counsel_contacts": "contacts",
                            "medical_provider": "contacts",
                            "bank_accounts": "bank_accounts",
                        }
                        tp = alias.get(tp, tp)
                        if name == "medical_provider_id":
                            tp = "contacts"
                        tid = self.pick(tp, h) if tp in self.ds.stores else None
                        r[name] = tid if tid is not None else (h % 9000) + 1000
                    else:
                        r[name] = h % 100
                elif f.type == "numeric":
                    r[name] = round((h % 500000) / 100.0, 2)
                elif f.type == "date":
                    r[name] = fmt_date(day - h % 60)
                elif f.type == "timestamptz":
                    r[name] = self.ts(day - h % 60, 10 * 3600) if h % 3 else None
                elif f.type == "text":
                    if name in (
                        "name",
                        "label",
                        "subject",
                        "description",
                        "title",
                        "message",
                        "body",
                    ):
                        r[name] = "%s %d" % (label, j + 1)
                    elif name in ("url", "target_url"):
                        r[name] = "https://example.com/%s/%d" % (path, j + 1)
                    elif "currency" in name:
                        r[name] = "USD"
                    else:
                        r[name] = None if h % 4 == 0 else "%s-%d" % (name, j + 1)
                elif f.type == "text[]":
                    r[name] = []
                else:
                    r[name] = None
            recs.append(r)
        self.add_records(path, recs)


# ------------------------------------------------------------ file contents

_LOREM = (
    "Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor "
    "incididunt ut labore et dolore magna aliqua. Ut enim ad minim veniam, quis nostrud "
    "exercitation ullamco laboris nisi ut aliquip ex ea commodo consequat. "
)


def document_bytes(seed, doc_id, version, ext, size):
    """Deterministic file content of exactly `size` bytes for a seeded document."""
    if size <= 0:
        return b""
    rng = random.Random("%s:%s:doc:%d:%d" % (seed[0], seed[1], doc_id, version))
    if ext in ("txt", "csv", "eml"):
        if ext == "csv":
            head = "date,description,amount\n"
            line = "%s,Line item %%d,%%d.%%02d\n" % fmt_date(REF_ORDINAL)
            parts = [head]
            k = 0
            total = len(head)
            while total < size:
                s = line % (k, rng.randrange(1000), rng.randrange(100))
                parts.append(s)
                total += len(s)
                k += 1
            data = "".join(parts).encode()
        elif ext == "eml":
            head = (
                "From: client@example.com\r\nTo: office@example.com\r\n"
                "Subject: Document %d v%d\r\n"
                "Content-Type: text/plain; charset=utf-8\r\n\r\n" % (doc_id, version)
            )
            data = (head + _LOREM * (size // len(_LOREM) + 1)).encode()
        else:
            head = "Document %d, version %d – café ✓\n" % (doc_id, version)
            data = (head + _LOREM * (size // len(_LOREM) + 1)).encode()
        return data[:size]
    headers = {
        "pdf": b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n",
        "docx": b"PK\x03\x04\x14\x00\x06\x00",
        "xlsx": b"PK\x03\x04\x14\x00\x06\x00",
        "jpg": b"\xff\xd8\xff\xe0\x00\x10JFIF\x00",
        "png": b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",
    }
    head = headers.get(ext, b"")
    body = rng.randbytes(max(0, size - len(head)))
    return (head + body)[:size]


def seed_dataset(ds, seed, scale, firm):
    Seeder(ds, seed, scale, firm).run()
