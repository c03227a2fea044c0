#!/usr/bin/env python3
"""File-level call graph of clio_fdw, read from the built objects.

Usage: tools/callgraph.py [BUILD_DIR]   (default: the source tree)

For every object of the Makefile's OBJS, `nm` gives the symbols the file
defines and the ones it needs from elsewhere.  A file A calls a file B when
A needs a symbol that B defines.  The script prints one line per file with
the files it calls, then checks two things and exits non-zero if either
fails:
  - no cycle: a lower file never calls, directly or through others, a file
    that calls it;
  - the layers: a file calls only files of lower layers (LAYERS below).

It reads nothing but `nm` output; it never changes a file.
"""
import os
import re
import subprocess
import sys

# Lower number: lower layer.  A file may call only files of a lower layer.
LAYERS = {
    "clio_fdw": 9,          # the face: _PG_init, handler, planner hook, IMPORT
    "clio_count": 8,        # count(*) as meta.records: plans on the scan's planning
    "clio_plan": 7,         # planning a scan: size, paths, costs, the plan
    "clio_scan": 7,         # running a scan, and its EXPLAIN
    "clio_join": 7,         # lookup joins: the path (the plan is the scan's)
    "clio_modify": 7,
    "clio_analyze": 7,
    "clio_functions": 7,
    "clio_import": 7,       # IMPORT FOREIGN SCHEMA: tables, custom field columns, comments
    "clio_mirror": 7,
    "clio_xact": 6,         # writes that stay applied: transactions, partial failures
    "clio_deparse": 6,      # what is pushed
    "clio_custom": 6,       # custom fields: definitions (read through the client), filters, values
    "clio_client": 5,       # send, status -> error (builds OAuth through request)
    "clio_request": 4,      # the one builder: pure text, sends nothing
    "clio_column": 3,
    "clio_option": 2,
    "clio_catalog": 1,
    "clio_catalog_data": 0,
    "clio_http": 0,         # the transport: calls no other file
    "clio_json": 0,
    "clio_json_body": 1,    # request bodies: the JSON layer's writing half, on its reader
    "clio_url": 0,
    "clio_text": -1,        # server text: a body's pre-scan, quoting for messages
}


def objects(top):
    """The objects the Makefile links, from `make print-objs`-free parsing."""
    with open(os.path.join(top, "Makefile")) as f:
        text = f.read()
    m = re.search(r"^OBJS\s*=\s*((?:.*\\\n)*.*)$", text, re.M)
    if not m:
        sys.exit("callgraph: no OBJS in the Makefile")
    names = re.findall(r"[\w/.-]+\.o", m.group(1))
    return [os.path.join(top, n) for n in names]


def symbols(obj):
    out = subprocess.run(["nm", obj], check=True, capture_output=True,
                         text=True).stdout
    defined, undefined = set(), set()
    for line in out.splitlines():
        parts = line.split()
        if len(parts) == 2 and parts[0] == "U":
            undefined.add(parts[1])
        elif len(parts) == 3 and parts[1] in "TDBRCGSV":
            defined.add(parts[2])
    return defined, undefined


def main():
    top = sys.argv[1] if len(sys.argv) > 1 else \
        os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    objs = objects(top)
    missing = [o for o in objs if not os.path.exists(o)]
    if missing:
        sys.exit("callgraph: not built: " + ", ".join(missing))
    defs, needs = {}, {}
    for o in objs:
        name = os.path.splitext(os.path.basename(o))[0]
        defs[name], needs[name] = symbols(o)
    owner = {}
    for name, syms in defs.items():
        for s in syms:
            owner[s] = name
    graph = {}
    for name in defs:
        graph[name] = sorted({owner[s] for s in needs[name]
                              if s in owner and owner[s] != name})

    for name in sorted(graph, key=lambda n: (-LAYERS.get(n, 99), n)):
        print("%-18s -> %s" % (name, " ".join(graph[name]) or "-"))

    failed = False
    # cycles: depth-first search with colours
    state = {}
    stack = []

    def visit(n):
        nonlocal failed
        state[n] = 1
        stack.append(n)
        for m in graph[n]:
            if state.get(m) == 1:
                cyc = stack[stack.index(m):] + [m]
                print("callgraph: cycle: " + " -> ".join(cyc))
                failed = True
            elif m not in state:
                visit(m)
        stack.pop()
        state[n] = 2

    for n in sorted(graph):
        if n not in state:
            visit(n)

    for n, callees in graph.items():
        if n not in LAYERS:
            print("callgraph: %s has no layer in tools/callgraph.py" % n)
            failed = True
            continue
        for m in callees:
            if m in LAYERS and LAYERS[m] >= LAYERS[n]:
                print("callgraph: %s calls %s, which is not below it" % (n, m))
                failed = True
    if failed:
        return 1
    print("callgraph: no cycle, every call goes down a layer")
    return 0


if __name__ == "__main__":
    sys.exit(main())
