#!/usr/bin/env python3
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
"""A stand-in for `ovnbpfctl trace`, for testing the diff harness itself
(harness_selftest.sh) before the real one exists.  It answers with
ovn-trace's own verdict (so every case must agree), optionally damaged:

    FAKE_MODE=echo      ovn-trace's verdict, first choice for ct_lb/select
    FAKE_MODE=lastchoice  same, but the last choice (another backend/hop)
    FAKE_MODE=ttl       every output's ip.ttl one lower
    FAKE_MODE=drop      always drop in stage "ls_in_check_port_sec"
    FAKE_MODE=garbage   not JSON
"""

import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import ovntrace_json  # noqa: E402


def main(argv):
    if len(argv) < 2 or argv[1] != "trace":
        print("fake ovnbpfctl: only 'trace'", file=sys.stderr)
        return 2
    if "--help" in argv:
        print("usage: ovnbpfctl trace [--ovnsb-db=REMOTE] [--ct=FLAGS]... "
              "[--detailed|--summary] [--json] DATAPATH MICROFLOW")
        return 0
    db, ct, fmt, pos = None, [], "--detailed", []
    for a in argv[2:]:
        if a.startswith("--ovnsb-db="):
            db = a.split("=", 1)[1]
        elif a.startswith("--ct="):
            ct.append(a)
        elif a in ("--json", "--detailed", "--summary"):
            fmt = a
        else:
            pos.append(a)
    if len(pos) != 2:
        print("fake ovnbpfctl: DATAPATH MICROFLOW", file=sys.stderr)
        return 2
    dp, micro = pos
    mode = os.environ.get("FAKE_MODE", "echo")

    def trace(extra, forms):
        r = subprocess.run(["ovn-trace", "--db=" + db] + forms + ct + extra +
                           [dp, micro], capture_output=True, text=True)
        if r.returncode:
            sys.stderr.write(r.stderr)
            sys.exit(1)
        return r.stdout

    forms = ["--detailed", "--summary", "--minimal"]
    res = ovntrace_json.convert(trace([], forms), micro)
    extra, lb = [], None
    if res.get("nondeterministic"):
        pick = -1 if mode == "lastchoice" else 0
        ch = res["choices"]
        if "lb_dst" in ch:
            lb = ch["lb_dst"][pick]
            extra.append("--lb-dst=" + lb)
        if "select_id" in ch:
            extra.append("--select-id=%s" % ch["select_id"][pick])
        res = ovntrace_json.convert(trace(extra, forms), micro, lb)
    if fmt != "--json":
        sys.stdout.write("fake ovnbpfctl (FAKE_MODE=%s)\n" % mode)
        sys.stdout.write(trace(extra, [fmt]))
        return 0
    if mode == "garbage":
        print("this is not JSON")
        return 0
    if mode == "drop":
        res = {"outputs": [], "drop": {"stage": "ls_in_check_port_sec",
                                       "reason": "fake"}}
    if mode == "ttl":
        for o in res["outputs"]:
            if "ip.ttl" in o["headers"]:
                o["headers"]["ip.ttl"] -= 1
    for k in ("nondeterministic", "choices", "corrections", "errors"):
        res.pop(k, None)
    print(ovntrace_json.json.dumps(res))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
