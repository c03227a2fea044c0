#!/usr/bin/env python3
"""Read the valgrind logs of test/long/leaks.sh (one vg.<pid>.log per
process) and report every leak record and memory error that has a clio_fdw
frame; count the rest (PostgreSQL, Python, libcurl, OpenSSL) as noise.
Exit status 1 when clio_fdw has a leak or an error.

Usage: vg_report.py DIR"""
import collections
import glob
import os
import re
import sys

PREFIX = re.compile(r"^==(\d+)== ?(.*)$")
LEAK = re.compile(r"([\d,]+) (?:\([\d,]+ direct, [\d,]+ indirect\) )?bytes in ([\d,]+) blocks are (definitely|indirectly|possibly) lost")
CLIO_FRAME = re.compile(r"clio_fdw\.so\)|\(clio_[a-z_]+\.[ch]:\d+\)|\(clio_fdw\.c:\d+\)")
ALLOC = re.compile(r": (?:malloc|calloc|realloc|free|strdup|strndup|posix_memalign|aligned_alloc|operator new|memcpy|memmove|strlen|__GI_\w+|__memcpy\w*) ")
PYTHON = re.compile(r"libpython3|plpython3\.so")


def is_ours(block):
    """A record is clio_fdw's when, walking its stack from the top (past
    the allocator), a clio_fdw frame comes before any Python frame (the
    suites' plpython helpers are called from inside clio_fdw's parameter
    evaluation, and their allocations are not clio_fdw's)."""
    for l in block:
        l = l.strip()
        if not l.startswith(("at ", "by ")):
            continue
        if CLIO_FRAME.search(l):
            return True
        if PYTHON.search(l):
            return False
    return False


def records(path):
    """The blocks of a log, split at empty lines."""
    block = []
    with open(path, errors="replace") as f:
        for line in f:
            m = PREFIX.match(line.rstrip("\n"))
            if not m:
                continue
            text = m.group(2)
            if text.strip() == "":
                if block:
                    yield block
                block = []
            else:
                block.append(text)
    if block:
        yield block


def origin(block):
    """The library (or program) of the first frame past the allocator."""
    for l in block:
        l = l.strip()
        if not l.startswith(("at ", "by ")) or "vgpreload" in l:
            continue
        m = re.search(r"\(in ([^)]+)\)", l)
        if m:
            return os.path.basename(m.group(1))
        m = re.search(r"\(([^):]+):\d+\)", l)
        return m.group(1) if m else l[:80]
    return "?"


def top_frames(block, n=4):
    frames = [l.strip() for l in block if l.strip().startswith(("at ", "by "))]
    return frames[:n]


def main():
    d = sys.argv[1]
    logs = sorted(glob.glob(os.path.join(d, "vg.*.log")))
    procs_with_clio = 0
    ours = []           # (kind, bytes, pid, block)
    noise = collections.Counter()
    noise_bytes = collections.Counter()
    summaries = collections.Counter()
    for path in logs:
        pid = path.rsplit(".", 2)[-2]
        text = open(path, errors="replace").read()
        if "clio_fdw" in text:
            procs_with_clio += 1   # a stack mentions clio_fdw
        for block in records(path):
            head = block[0]
            if head.startswith(("HEAP SUMMARY", "LEAK SUMMARY", "ERROR SUMMARY", "For lists", "For counts",
                                "Rerun with", "All heap blocks", "Use --track-origins")):
                continue
            if head.startswith(("in use at exit", "total heap usage")):
                continue
            m = LEAK.search(head)
            kind = ("leak " + m.group(3)) if m else head
            nbytes = int(m.group(1).replace(",", "")) if m else 0
            if m is None and not any(l.strip().startswith(("at ", "by ")) for l in block):
                summaries[head.split(":")[0]] += 1
                continue
            if is_ours(block):
                ours.append((kind, nbytes, pid, block))
            else:
                key = (kind, origin(block))
                noise[key] += 1
                noise_bytes[key] += nbytes

    print("\nvalgrind: %d process logs, %d of them with clio_fdw frames in some stack" % (len(logs), procs_with_clio))
    if not ours:
        print("no leak and no memory error reported in clio_fdw code")
    else:
        # group identical stacks
        groups = collections.OrderedDict()
        for kind, nbytes, pid, block in ours:
            stack = tuple(l.strip() for l in block if l.strip().startswith(("at ", "by ")))
            g = groups.setdefault((kind, stack), {"n": 0, "bytes": 0, "pids": set(), "head": block[0]})
            g["n"] += 1
            g["bytes"] += nbytes
            g["pids"].add(pid)
        print("%d record(s) with a clio_fdw frame, %d distinct stack(s):" % (len(ours), len(groups)))
        for (kind, stack), g in groups.items():
            print("\n--- %s: %d time(s), %d bytes in all, %d process(es); e.g. %s"
                  % (kind, g["n"], g["bytes"], len(g["pids"]), g["head"]))
            for l in stack[:25]:
                print("    " + l)
    if noise:
        print("\nnot clio_fdw (noise), by kind and where the stack starts (records, bytes):")
        for (kind, lib), n in noise.most_common(20):
            print("  %6d  %10d  %-22s %s" % (n, noise_bytes[(kind, lib)], kind[:60], lib))
    # definitely lost only fails the run; possibly lost is reported
    bad = any(k.startswith("leak definitely") or k.startswith("leak indirectly") or not k.startswith("leak")
              for k, _, _, _ in ours)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
