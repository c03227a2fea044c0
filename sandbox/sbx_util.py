"""Small helpers shared by the Clio sandbox modules.

Time handling (the sandbox firm lives in US Eastern time, like many Clio
accounts, so timestamps carry -05:00 or -04:00 offsets), deterministic
hashing, and the API error type.
"""

import calendar
import datetime
import email.utils
import hashlib
import re
import time

# The fixed "today" of the seeded data.  Nothing in the data depends on the
# wall clock; filters that need "today" (overdue bills) use this date too.
REF_DATE = datetime.date(2026, 11, 28)
REF_ORDINAL = REF_DATE.toordinal()
ACCOUNT_TIME_ZONE = "Eastern Time (US & Canada)"

M64 = (1 << 64) - 1


class ApiError(Exception):
    """An error answered with Clio's error body {"error":{type,message}}."""

    def __init__(self, status, etype, message, headers=None):
        Exception.__init__(self, message)
        self.status = status
        self.etype = etype
        self.message = message
        self.headers = headers or {}


def bad_request(message):
    return ApiError(400, "BadRequest", message)


def not_found(message="The requested resource was not found"):
    return ApiError(404, "RecordNotFound", message)


def unprocessable(message, etype="ValidationError"):
    return ApiError(422, etype, message)


# ------------------------------------------------------------ hashing


def mix64(x):
    """splitmix64 finaliser: a well-spread 64-bit hash of an integer."""
    x = (x + 0x9E3779B97F4A7C15) & M64
    x = ((x ^ (x >> 30)) * 0xBF58476D1CE4E5B9) & M64
    x = ((x ^ (x >> 27)) * 0x94D049BB133111EB) & M64
    return x ^ (x >> 31)


def salt_of(*parts):
    """A stable 64-bit integer from strings/ints (independent of PYTHONHASHSEED)."""
    h = hashlib.sha256(":".join(str(p) for p in parts).encode()).digest()
    return int.from_bytes(h[:8], "big")


def etag_for(*parts):
    """Clio-style etag: a quoted hex digest."""
    return '"%s"' % hashlib.md5(":".join(str(p) for p in parts).encode()).hexdigest()


# ------------------------------------------------------------ time


def _nth_sunday(year, month, n):
    d = datetime.date(year, month, 1)
    d += datetime.timedelta(days=(6 - d.weekday()) % 7)
    return d + datetime.timedelta(weeks=n - 1)


_DST = {}


def _dst_bounds(year):
    b = _DST.get(year)
    if b is None:
        start = _nth_sunday(year, 3, 2)
        end = _nth_sunday(year, 11, 1)
        # 02:00 local standard time = 07:00 UTC; 02:00 local daylight = 06:00 UTC
        b = (
            calendar.timegm((year, 3, start.day, 7, 0, 0)),
            calendar.timegm((year, 11, end.day, 6, 0, 0)),
        )
        _DST[year] = b
    return b


def eastern_offset(epoch):
    """UTC offset in seconds of US Eastern time at the given instant."""
    year = time.gmtime(epoch)[0]
    start, end = _dst_bounds(year)
    return -14400 if start <= epoch < end else -18000


_HOUR_CACHE = {}


def fmt_ts(epoch):
    """ISO-8601 timestamp in the account's time zone, as Clio writes them."""
    epoch = int(epoch)
    hour = epoch // 3600
    h = _HOUR_CACHE.get(hour)
    if h is None:
        # DST switches on whole UTC hours, so one UTC hour has one offset
        off = eastern_offset(hour * 3600)
        t = time.gmtime(hour * 3600 + off)
        h = (
            "%04d-%02d-%02dT%02d:" % (t[0], t[1], t[2], t[3]),
            "-04:00" if off == -14400 else "-05:00",
        )
        if len(_HOUR_CACHE) > 200000:
            _HOUR_CACHE.clear()
        _HOUR_CACHE[hour] = h
    rest = epoch - hour * 3600
    return "%s%02d:%02d%s" % (h[0], rest // 60, rest % 60, h[1])


def local_epoch(ordinal, seconds_of_day):
    """Epoch of a local (Eastern) wall-clock time on a given day."""
    d = datetime.date.fromordinal(ordinal)
    guess = calendar.timegm((d.year, d.month, d.day, 0, 0, 0)) + seconds_of_day
    return guess - eastern_offset(guess + 18000)


_DATE_CACHE = {}


def fmt_date(ordinal):
    s = _DATE_CACHE.get(ordinal)
    if s is None:
        s = datetime.date.fromordinal(ordinal).isoformat()
        _DATE_CACHE[ordinal] = s
    return s


_TS_RE = re.compile(
    r"^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(\.\d+)?)?"
    r"(Z|[+-]\d{2}(?::?\d{2})?)?$"
)
_DATE_RE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")


def parse_date(text):
    """'YYYY-MM-DD' -> ordinal, or None if invalid."""
    m = _DATE_RE.match(text or "")
    if not m:
        return None
    try:
        return datetime.date(int(m.group(1)), int(m.group(2)), int(m.group(3))).toordinal()
    except ValueError:
        return None


def parse_ts(text):
    """ISO-8601 timestamp -> epoch seconds (float), or None if invalid.

    A timestamp without an offset is read as UTC.
    """
    m = _TS_RE.match(text or "")
    if not m:
        return None
    y, mo, d, hh, mi = (int(m.group(i)) for i in range(1, 6))
    ss = int(m.group(6) or 0)
    try:
        datetime.datetime(y, mo, d, hh, mi, ss)
    except ValueError:
        return None
    epoch = calendar.timegm((y, mo, d, hh, mi, ss))
    if m.group(7):
        epoch += float(m.group(7))
    tz = m.group(8)
    if tz and tz != "Z":
        sign = -1 if tz[0] == "-" else 1
        digits = tz[1:].replace(":", "")
        hours = int(digits[:2])
        minutes = int(digits[2:4] or 0)
        epoch -= sign * (hours * 3600 + minutes * 60)
    return epoch


def http_date(epoch):
    return email.utils.formatdate(epoch, usegmt=True)


def parse_http_date(text):
    try:
        t = email.utils.parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    if t is None:
        return None
    if t.tzinfo is None:
        t = t.replace(tzinfo=datetime.timezone.utc)
    return t.timestamp()


def now_ts():
    """The current time formatted like Clio (used only by writes)."""
    return fmt_ts(time.time())


def version_tuple(v):
    try:
        return tuple(int(p) for p in v.split("."))
    except (AttributeError, ValueError):
        return None
