#!/usr/bin/env bash
# Soak: full scans of >= 20,000 activities while the sandbox answers ~30% of
# the requests with 429 (Retry-After: 1) or 500/502/503.  Every scan must
# return every activity exactly once.  Not part of CI.
#
# Usage: test/long/soak.sh [scans, default 5] [fault share, default 0.30]
# Env:   SOAK_SCALE (sandbox --scale, default 5 = 20,000 activities),
#        SOAK_SEED (fault schedule seed, default 1), CLIO_KEEP_TMP=1.
set -u
. "$(dirname "$0")/common.sh"

SCANS=${1:-5}
SHARE=${2:-0.30}
SCALE=${SOAK_SCALE:-5}
SEED=${SOAK_SEED:-1}

long_prepare
clio_log "sandbox --scale $SCALE"
clio_start_sandbox --scale "$SCALE"
clio_start_postgres
long_create_server "max_retries '10', max_rate_limit_wait '120s'" || clio_die "setup failed"

# The reference: every activity id, from the sandbox's own records
long_sbx GET '/_sandbox/records/activities?fields=id' \
    | python3 -c 'import json,sys; [print(r["id"]) for r in json.load(sys.stdin)["data"]]' \
    >"$CLIO_TMP/ref_ids" || clio_die "could not read the sandbox's records"
nref=$(wc -l <"$CLIO_TMP/ref_ids")
[ "$nref" -ge 20000 ] || clio_die "only $nref activities at --scale $SCALE (need >= 20000)"
long_psql -c "CREATE TABLE ref (id bigint PRIMARY KEY)" \
    -c "\\copy ref FROM '$CLIO_TMP/ref_ids'" || clio_die "could not load the reference"
clio_log "reference: $nref activities"

# A fault schedule: each of the first $max requests of a scan fails with
# probability SHARE (429 / 500 / 502 / 503 in equal parts).  A rule's
# counter skips the requests an earlier rule of the list fired on, so the
# j-th rule (0-based) that is to fire on request K gets nth = K - j.
fault_rules() {
    python3 - "$1" "$SHARE" <<'PY'
import json, random, sys
rng = random.Random(int(sys.argv[1]))
share = float(sys.argv[2])
rules = []
for k in range(1, 400):
    if rng.random() < share:
        action = rng.choice(["429", "500", "502", "503"])
        r = {"path": "^/api/v4/activities", "method": "GET", "nth": k - len(rules),
             "count": 1, "action": action}
        if action == "429":
            r["retry_after"] = 1
        rules.append(r)
print(json.dumps({"rules": rules}))
PY
}

failed=0
printf '%s\n' "scan rows distinct missing extra http_requests faults 429 5xx fdw_requests fdw_retries fdw_429 fdw_waited_s wall_s ok" \
    >"$CLIO_TMP/soak.txt"
for i in $(seq 1 "$SCANS"); do
    long_sbx DELETE /_sandbox/faults >/dev/null
    long_sbx DELETE /_sandbox/log >/dev/null
    long_sbx POST /_sandbox/faults "$(fault_rules "$((SEED * 1000 + i))")" >/dev/null \
        || clio_die "could not add the fault rules"
    t0=$(long_now)
    # one session per scan: clio_fdw_stats() is that scan's
    out=$(long_psql -F ' ' <<'SQL'
CREATE TEMP TABLE s AS SELECT id FROM clio.activities;
SELECT (SELECT count(*) FROM s),
       (SELECT count(DISTINCT id) FROM s),
       (SELECT count(*) FROM (SELECT id FROM ref EXCEPT SELECT id FROM s) x),
       (SELECT count(*) FROM (SELECT id FROM s EXCEPT SELECT id FROM ref) x),
       requests, retries, rate_limited, round((waited_ms / 1000)::numeric, 1)
  FROM clio_fdw_stats();
SQL
    )
    rc=$?
    t1=$(long_now)
    wall=$(long_elapsed "$t0" "$t1")
    log=$(long_sbx GET /_sandbox/log | python3 -c '
import json, sys
e = [x for x in json.load(sys.stdin)["entries"] if x["path"].startswith("/api/v4/activities")]
print(len(e), sum(1 for x in e if x.get("fault")), sum(1 for x in e if x["status"] == 429),
      sum(1 for x in e if x["status"] >= 500))')
    if [ $rc -ne 0 ] || [ -z "$out" ]; then
        echo "scan $i: the query failed (rc $rc)" >&2
        failed=1
        echo "$i - - - - $log - - - - $wall FAIL" >>"$CLIO_TMP/soak.txt"
        continue
    fi
    read -r rows distinct missing extra fdw_req fdw_retries fdw_429 fdw_wait <<<"$out"
    ok=ok
    if [ "$rows" != "$nref" ] || [ "$distinct" != "$nref" ] || [ "$missing" != 0 ] || [ "$extra" != 0 ]; then
        ok=FAIL; failed=1
    fi
    echo "$i $rows $distinct $missing $extra $log $fdw_req $fdw_retries $fdw_429 $fdw_wait $wall $ok" >>"$CLIO_TMP/soak.txt"
    clio_log "scan $i: $(tail -n 1 "$CLIO_TMP/soak.txt")"
done

if long_crash_lines >&2; then
    echo "the server log shows a crash" >&2
    failed=1
fi

python3 - "$CLIO_TMP/soak.txt" "$SCALE" "$SHARE" <<'PY'
import sys
rows = [l.split() for l in open(sys.argv[1])]
head, data = rows[0], rows[1:]
print("\nsoak: sandbox --scale %s, fault share %s, %d scans\n" % (sys.argv[2], sys.argv[3], len(data)))
print("| " + " | ".join(head) + " |")
print("|" + "---|" * len(head))
for r in data:
    print("| " + " | ".join(r) + " |")
def tot(col, f=int):
    i = head.index(col)
    try:
        return sum(f(r[i]) for r in data)
    except ValueError:
        return "-"
t = {c: tot(c) for c in ("rows", "http_requests", "faults", "429", "5xx", "fdw_requests", "fdw_retries", "fdw_429")}
t["fdw_waited_s"] = tot("fdw_waited_s", float)
t["wall_s"] = tot("wall_s", float)
print("\ntotal: " + ", ".join("%s %s" % (k, (("%.1f" % v) if isinstance(v, float) else v)) for k, v in t.items()))
if isinstance(t["faults"], int) and t["http_requests"]:
    print("faults / requests: %.1f%%" % (100.0 * t["faults"] / t["http_requests"]))
print("scans ok: %d / %d" % (sum(1 for r in data if r[-1] == "ok"), len(data)))
PY

if [ $failed -ne 0 ]; then
    clio_log "soak FAILED"
    exit 1
fi
clio_log "soak passed"
