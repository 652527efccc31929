#!/usr/bin/env python3
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
"""ovsdb_dump_cmp.py A B: compare two `ovsdb-client -f json dump` files.

Both files hold one JSON object per line ({"caption": "T table", "data":
[...], "headings": [...]}).  Values are compared as OVSDB values: a bare
atom equals a one-element set, set and map order does not matter, rows are
matched by _uuid.  Exit 0 if equal, 1 with the first differences listed.
"""
import json
import sys


def atom(v):
    if isinstance(v, list) and len(v) == 2 and v[0] == "uuid":
        return ("uuid", v[1])
    if isinstance(v, bool):
        return ("bool", v)
    if isinstance(v, (int, float)):
        return ("num", float(v))
    return ("str", v)


def value(v):
    if isinstance(v, list) and len(v) == 2 and v[0] == "set":
        return tuple(sorted(atom(a) for a in v[1]))
    if isinstance(v, list) and len(v) == 2 and v[0] == "map":
        return ("map",) + tuple(sorted((atom(k), atom(x)) for k, x in v[1]))
    return (atom(v),)


def load(path):
    db = {}
    with open(path) as f:
        for line in f:
            line = line.strip()
            if not line:
                continue
            t = json.loads(line)
            name = t["caption"].rsplit(" table", 1)[0]
            heads = t["headings"]
            rows = {}
            for r in t["data"]:
                d = dict(zip(heads, r))
                uuid = d.pop("_uuid")[1]
                d.pop("_version", None)
                rows[uuid] = {k: value(x) for k, x in d.items()}
            db[name] = rows
    return db


def main():
    a, b = load(sys.argv[1]), load(sys.argv[2])
    diffs = []
    if set(a) != set(b):
        diffs.append("tables differ: only in A %s, only in B %s"
                     % (sorted(set(a) - set(b)), sorted(set(b) - set(a))))
    for t in sorted(set(a) & set(b)):
        ra, rb = a[t], b[t]
        for u in sorted(set(ra) - set(rb)):
            diffs.append("%s %s only in A" % (t, u))
        for u in sorted(set(rb) - set(ra)):
            diffs.append("%s %s only in B" % (t, u))
        for u in sorted(set(ra) & set(rb)):
            if ra[u] != rb[u]:
                cols = sorted(k for k in set(ra[u]) | set(rb[u])
                              if ra[u].get(k) != rb[u].get(k))
                for c in cols:
                    diffs.append("%s %s column %s: %r != %r"
                                 % (t, u, c, ra[u].get(c), rb[u].get(c)))
    for d in diffs[:20]:
        print(d)
    if len(diffs) > 20:
        print("... %d differences" % len(diffs))
    sys.exit(1 if diffs else 0)


if __name__ == "__main__":
    main()
