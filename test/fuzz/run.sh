#!/usr/bin/env bash
# Build the libFuzzer targets (clang, outside the server) and run each for a
# while.  Usage: test/fuzz/run.sh [seconds per target, default 30]
# A crash, a leak or a broken property fails the run (non-zero exit).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
secs=${1:-30}
PG_CONFIG=${PG_CONFIG:-pg_config}
inc=$("$PG_CONFIG" --includedir-server)
lib=$("$PG_CONFIG" --libdir)
pkglib=$("$PG_CONFIG" --pkglibdir)
out=${CLIO_FUZZ_OUT:-$(mktemp -d /tmp/clio_fuzz.XXXXXX)}
mkdir -p "$out"
libs=""
for d in "$pkglib" "$lib" "$(dirname "$pkglib")"; do
    [ -f "$d/libpgcommon.a" ] && { libs="$d/libpgcommon.a $d/libpgport.a"; break; }
done
[ -n "$libs" ] || { echo "libpgcommon.a not found" >&2; exit 1; }
cflags="-g -O1 -Wno-format-nonliteral -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined -DFRONTEND -I$top/include -I$inc $(pkg-config --cflags libcjson)"
clang $cflags -o "$out/fuzz_page" "$here/fuzz_page.c" "$top/src/clio_json.c" "$top/src/clio_text.c" "$top/src/clio_url.c" $libs $(pkg-config --libs libcjson)
clang $cflags -o "$out/fuzz_url" "$here/fuzz_url.c" "$top/src/clio_url.c" $libs
for t in fuzz_page fuzz_url; do
    mkdir -p "$out/corpus_$t"
    cp "$here"/corpus/"$t"/* "$out/corpus_$t/" 2>/dev/null || true
    echo "== $t for ${secs}s"
    if ! (cd "$out" && ./"$t" -max_total_time="$secs" -max_len=65536 \
            -print_final_stats=1 "corpus_$t" >"$out/$t.log" 2>&1); then
        tail -n 40 "$out/$t.log" >&2
        echo "$t failed; the input is in $out" >&2
        exit 1
    fi
    grep -E "^stat::number_of_executed_units|^Done" "$out/$t.log" || true
done
[ -n "${CLIO_FUZZ_OUT:-}" ] || rm -rf "$out"
