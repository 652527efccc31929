#!/usr/bin/env python3
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
"""Differential test: `ovnbpfctl trace --json` against real `ovn-trace`.

    harness.py [-t FILTER] [--dump] [--results] [TOPO_FILE...]

For each topology file (tests/diff/topo/*.topo by default) start a private
OVN central (scripts/ovn-local.sh), build the topology with its ovn-nbctl /
ovn-sbctl lines, then for each case run ovn-trace, convert its output
(ovntrace_json.py) and, if `ovnbpfctl trace` is built, compare its --json
verdict with ovn-trace's.  Prints one TAP line per case (and per setup
failure).  --dump prints each case's oracle JSON; --results rewrites
tests/diff/RESULTS.md.  Case syntax: tests/diff/README.md.
"""

import argparse
import collections
import glob
import ipaddress
import json
import re
import os
import shlex
import shutil
import signal
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, HERE)
import ovntrace_json  # noqa: E402

FEATURES = ("l2", "acl", "ct", "lb", "router", "ecmp", "policy", "nat")
BUILDDIR = os.environ.get("OVNBPF_BUILDDIR", os.path.join(TOP, "build"))
OVNBPFCTL = os.path.join(BUILDDIR, "ovnbpfctl")
TRACE_TIMEOUT = 30


class TopoError(Exception):
    pass


class Case:
    def __init__(self, topo, line_no, name, features, datapath, opts,
                 microflow):
        self.topo = topo
        self.line_no = line_no
        self.name = name
        self.features = features
        self.datapath = datapath
        self.microflow = microflow
        self.ct = []
        self.expect = None
        self.hdr = {}
        self.xfail = None
        self.lb_dst = None
        self.select_id = None
        self.oracle_bug = None
        for k, v in opts:
            if k == "ct":
                self.ct.append(v)
            elif k == "expect":
                self.expect = v
            elif k.startswith("hdr."):
                self.hdr[k[4:]] = v.split("|")
            elif k in ("differs", "xfail"):
                # expected to differ until issue #N lands: "#N what"
                if not re.match(r"#\d+\b", v):
                    raise TopoError("%s:%d: %s=%r must name the issue that "
                                    "will fix it: \"#N what\""
                                    % (topo.path, line_no, k, v))
                self.xfail = v
            elif k == "lb-dst":
                self.lb_dst = v
            elif k == "select-id":
                self.select_id = v
            elif k == "ovn-trace-bug":
                self.oracle_bug = v
            else:
                raise TopoError("%s:%d: unknown case option %r"
                                % (topo.path, line_no, k))

    @property
    def label(self):
        return "diff/%s: %s [%s]" % (self.topo.name, self.name,
                                     ",".join(self.features))

    def ct_args(self):
        return ["--ct=" + c for c in self.ct]


class Topology:
    def __init__(self, path):
        self.path = path
        self.name = os.path.splitext(os.path.basename(path))[0]
        self.setup = []
        self.cases = []
        self.description = []
        self._parse()

    def _parse(self):
        with open(self.path) as f:
            raw = f.read().split("\n")
        # join continuation lines, remember where each logical line started
        lines = []
        buf, start = "", 0
        for no, ln in enumerate(raw, 1):
            if not buf:
                start = no
            if ln.endswith("\\"):
                buf += ln[:-1] + " "
                continue
            buf += ln
            lines.append((start, buf))
            buf = ""
        if buf:
            lines.append((start, buf))
        seen = set()
        for no, ln in lines:
            s = ln.strip()
            if not s:
                continue
            if s.startswith("#"):
                if not self.setup and not self.cases:
                    self.description.append(s.lstrip("# ").rstrip())
                continue
            if not s.startswith("case "):
                if self.cases:
                    raise TopoError("%s:%d: setup line after the cases"
                                    % (self.path, no))
                self.setup.append(s)
                continue
            if " :: " not in s:
                raise TopoError("%s:%d: case without ' :: MICROFLOW'"
                                % (self.path, no))
            left, micro = s.split(" :: ", 1)
            words = shlex.split(left)
            if len(words) < 4:
                raise TopoError("%s:%d: case NAME FEATURES DATAPATH "
                                "[OPTS] :: MICROFLOW" % (self.path, no))
            _, name, feats, dp = words[:4]
            feats = feats.split(",")
            for ft in feats:
                if ft not in FEATURES:
                    raise TopoError("%s:%d: unknown feature %r (one of %s)"
                                    % (self.path, no, ft, ", ".join(FEATURES)))
            opts = []
            for w in words[4:]:
                if "=" not in w:
                    raise TopoError("%s:%d: option %r is not KEY=VALUE"
                                    % (self.path, no, w))
                opts.append(tuple(w.split("=", 1)))
            if name in seen:
                raise TopoError("%s:%d: duplicate case name %s"
                                % (self.path, no, name))
            seen.add(name)
            self.cases.append(Case(self, no, name, feats, dp, opts,
                                   " ".join(micro.split())))


# ---------------------------------------------------------------------------

class OVN:
    """A private NB/SB/northd for one topology."""

    def __init__(self, workdir, name):
        self.dir = os.path.join(workdir, name)
        self.env = None

    def start(self):
        r = subprocess.run([os.path.join(TOP, "scripts/ovn-local.sh"),
                            "start", self.dir], capture_output=True,
                           text=True, timeout=120)
        if r.returncode:
            raise TopoError("ovn-local.sh start failed: %s"
                            % (r.stderr.strip() or r.stdout.strip()))
        env = dict(os.environ)
        with open(os.path.join(self.dir, "env.sh")) as f:
            for ln in f:
                ln = ln.strip()
                if ln.startswith("export ") and "=" in ln:
                    k, v = ln[7:].split("=", 1)
                    env[k] = v
        self.env = env

    def stop(self):
        subprocess.run([os.path.join(TOP, "scripts/ovn-local.sh"), "stop",
                        self.dir], capture_output=True, timeout=60)

    @property
    def sb(self):
        return self.env["OVN_SB_DB"]


def build_topology(ovn, topo):
    script = "set -eo pipefail\n" + "\n".join(topo.setup) + \
        "\novn-nbctl --timeout=30 --wait=sb sync\n"
    r = subprocess.run(["bash", "-c", script], env=ovn.env,
                       capture_output=True, text=True, timeout=120)
    if r.returncode:
        raise TopoError("setup failed (status %d): %s"
                        % (r.returncode, (r.stderr or r.stdout).strip()))


# ---------------------------------------------------------------------------
# The oracle side.

class OracleError(Exception):
    def __init__(self, msg, text=""):
        super().__init__(msg)
        self.text = text


def ovn_trace(ovn, case, extra=(), forms=("--detailed", "--summary",
                                          "--minimal")):
    cmd = ["ovn-trace", "--db=" + ovn.sb] + list(forms) + case.ct_args() + \
        list(extra) + [case.datapath, case.microflow]
    r = subprocess.run(cmd, env=ovn.env, capture_output=True, text=True,
                       timeout=TRACE_TIMEOUT)
    if r.returncode:
        raise OracleError("ovn-trace exited %d: %s"
                          % (r.returncode, r.stderr.strip()), r.stdout)
    return r.stdout


def oracle(ovn, case):
    """-> list of alternatives {"choice", "result", "text"}: every verdict
    ovn-trace can give for this case (one, unless it chooses at random)."""
    extra = []
    if case.lb_dst:
        extra.append("--lb-dst=" + case.lb_dst)
    if case.select_id:
        extra.append("--select-id=" + case.select_id)

    def one(ex, lb):
        text = ovn_trace(ovn, case, ex)
        try:
            return text, ovntrace_json.convert(text, case.microflow, lb)
        except ovntrace_json.ParseError as e:
            raise OracleError("cannot parse ovn-trace output: %s" % e, text)

    text, res = one(extra, case.lb_dst)
    if not res.get("nondeterministic"):
        return [{"choice": {}, "result": res, "text": text}]
    ch = res["choices"]
    alts = []
    for lb in ch.get("lb_dst", [case.lb_dst]):
        for sid in ch.get("select_id", [case.select_id]):
            ex = []
            if lb:
                ex.append("--lb-dst=" + lb)
            if sid is not None:
                ex.append("--select-id=%s" % sid)
            t, r = one(ex, lb)
            if r.get("nondeterministic"):
                raise OracleError("ovn-trace still chooses at random with %s "
                                  "(choices %s): nested choices are not "
                                  "supported" % (" ".join(ex), r["choices"]),
                                  t)
            choice = {}
            if lb:
                choice["lb_dst"] = lb
            if sid is not None:
                choice["select_id"] = sid
            alts.append({"choice": choice, "result": r, "text": t})
    return alts


def norm_hdr(name, v):
    """A header value from either side in canonical form (or None)."""
    kind = ovntrace_json.FIELDS.get(name, (None, "int", None))[1]
    try:
        if isinstance(v, bool):
            return int(v)
        if isinstance(v, int):
            if kind == "ip4":
                return str(ipaddress.IPv4Address(v))
            return v
        return ovntrace_json.norm_value(kind, str(v))
    except (ValueError, TypeError):
        return v


def check_expect(case, alts):
    """The case's own claims about the oracle (expect=, hdr.X=).  A failure
    means the topology or case is wrong, not ovnbpf."""
    errs = []
    for a in alts:
        r = a["result"]
        where = (" with %s" % a["choice"]) if a["choice"] else ""
        if case.expect:
            kind, _, arg = case.expect.partition(":")
            if kind == "drop":
                if r["outputs"]:
                    errs.append("expected drop%s, ovn-trace outputs to %s"
                                % (where, [o["outport"] for o in r["outputs"]]))
                elif arg and (r["drop"] or {}).get("stage") != arg:
                    errs.append("expected drop in %s%s, ovn-trace drops in %s"
                                % (arg, where, (r["drop"] or {}).get("stage")))
            elif kind == "out":
                # out:P1,P2 (a multiset), out:A|B (one of them)
                got = sorted(o["outport"] for o in r["outputs"])
                alts_ok = [sorted(p for p in x.replace("+", ",").split(",")
                                  if p) for x in arg.split("|")]
                if got not in alts_ok:
                    errs.append("expected output to %s%s, ovn-trace: %s%s"
                                % (arg, where, got,
                                   " (drop in %s)" % r["drop"]["stage"]
                                   if r["drop"] else ""))
            else:
                errs.append("bad expect=%s (drop[:STAGE] or out:P1,P2)"
                            % case.expect)
        for f, vals in case.hdr.items():
            want = [norm_hdr(f, v) for v in vals]
            for o in r["outputs"]:
                got = o["headers"].get(f)
                if got not in want:
                    errs.append("expected %s=%s at %s%s, ovn-trace: %s"
                                % (f, "|".join(vals), o["outport"], where,
                                   got))
    return errs


# ---------------------------------------------------------------------------
# Our side.

def ovnbpfctl_available():
    if not os.access(OVNBPFCTL, os.X_OK):
        return False
    try:
        r = subprocess.run([OVNBPFCTL, "trace", "--help"],
                           capture_output=True, timeout=10)
    except (OSError, subprocess.TimeoutExpired):
        return False
    return r.returncode == 0


def ours(ovn, case, fmt):
    cmd = [OVNBPFCTL, "trace", "--ovnsb-db=" + ovn.sb] + fmt + \
        case.ct_args() + [case.datapath, case.microflow]
    try:
        return subprocess.run(cmd, env=ovn.env, capture_output=True,
                              text=True, timeout=TRACE_TIMEOUT)
    except subprocess.TimeoutExpired:
        return subprocess.CompletedProcess(cmd, 124, "", "timed out after "
                                           "%d s" % TRACE_TIMEOUT)


def match_outputs(want, got):
    """Multiset match: each oracle output pairs with one of ours with the
    same datapath and port whose headers agree on every header the oracle
    lists.  Returns (ok, list of problems)."""
    problems = []
    used = [False] * len(got)

    def agrees(o, b):
        if o["datapath"] != b.get("datapath") or \
                o["outport"] != b.get("outport"):
            return False
        bh = b.get("headers") or {}
        for k, v in o["headers"].items():
            if norm_hdr(k, bh.get(k)) != v:
                return False
        return True

    def solve(i):
        if i == len(want):
            return True
        for j, b in enumerate(got):
            if not used[j] and agrees(want[i], b):
                used[j] = True
                if solve(i + 1):
                    return True
                used[j] = False
        return False

    if len(want) != len(got):
        problems.append("%d outputs, ovn-trace has %d" % (len(got), len(want)))
    if solve(0) and len(want) == len(got):
        return True, []
    # explain: per oracle output, the closest of ours
    for o in want:
        same = [b for b in got if b.get("datapath") == o["datapath"]
                and b.get("outport") == o["outport"]]
        if not same:
            problems.append("no output to %s/%s" % (o["datapath"],
                                                   o["outport"]))
            continue
        bh = same[0].get("headers") or {}
        diffs = ["%s=%s (ovn-trace %s)" % (k, bh.get(k), v)
                 for k, v in o["headers"].items()
                 if norm_hdr(k, bh.get(k)) != v]
        if diffs:
            problems.append("at %s/%s: %s" % (o["datapath"], o["outport"],
                                             ", ".join(diffs)))
    for b in got:
        if not any(o["datapath"] == b.get("datapath")
                   and o["outport"] == b.get("outport") for o in want):
            problems.append("extra output to %s/%s" % (b.get("datapath"),
                                                      b.get("outport")))
    return False, problems


def compare(oracle_res, ours_res):
    """-> list of problems (empty: agree)."""
    if not isinstance(ours_res, dict) or "outputs" not in ours_res:
        return ["our JSON has no 'outputs'"]
    outs = ours_res.get("outputs") or []
    drop = ours_res.get("drop")
    if not oracle_res["outputs"]:
        if outs:
            return ["we output to %s, ovn-trace drops in %s"
                    % ([o.get("outport") for o in outs],
                       oracle_res["drop"]["stage"])]
        st = oracle_res["drop"].get("stages") or [oracle_res["drop"]["stage"]]
        if st != [None] and isinstance(drop, dict) and drop.get("stage") \
                and drop.get("stage") not in st:
            return ["we drop in %s, ovn-trace in %s"
                    % (drop.get("stage"), " or ".join(st))]
        return []
    if not outs:
        return ["we drop (%s), ovn-trace outputs to %s"
                % (json.dumps(drop), [o["outport"]
                                      for o in oracle_res["outputs"]])]
    ok, problems = match_outputs(oracle_res["outputs"], outs)
    return [] if ok else problems


def side_by_side(left, right, width=78):
    ll, rl = left.rstrip("\n").split("\n"), right.rstrip("\n").split("\n")
    out = ["# %-*s | %s" % (width, "ovn-trace --detailed", "ovnbpfctl trace"),
           "# %s-+-%s" % ("-" * width, "-" * width)]

    def wrap(lines):
        res = []
        for ln in lines:
            ln = ln.expandtabs()
            while len(ln) > width:
                res.append(ln[:width])
                ln = "  " + ln[width:]
            res.append(ln)
        return res

    ll, rl = wrap(ll), wrap(rl)
    for i in range(max(len(ll), len(rl))):
        a = ll[i] if i < len(ll) else ""
        b = rl[i] if i < len(rl) else ""
        out.append(("# %-*s | %s" % (width, a, b)).rstrip())
    return "\n".join(out)


# ---------------------------------------------------------------------------

def check_ours_claims(ovn, case):
    """expect= and hdr.X= checked against our verdict (for a case with no
    oracle).  None when they hold, else what fails."""
    r = ours(ovn, case, ["--json"])
    if r.returncode:
        return "ovnbpfctl trace exited %d: %s" % (r.returncode,
                                                  r.stderr.strip()[:300])
    try:
        res = json.loads(r.stdout)
    except ValueError as e:
        return "ovnbpfctl trace --json printed no JSON (%s)" % e
    errs = check_expect(case, [{"result": res, "choice": None}])
    return "; ".join(e.replace("ovn-trace", "ours") for e in errs) or None


def run_case(ovn, case, have_ours, args):
    """Report one case; returns its status for RESULTS.md."""
    try:
        alts = oracle(ovn, case)
    except OracleError as e:
        if case.oracle_bug:
            print("ok - %s # SKIP ovn-trace cannot trace it: %s"
                  % (case.label, case.oracle_bug))
            return "oracle-bug"
        print("not ok - %s: ovn-trace side: %s" % (case.label, e))
        for ln in e.text.rstrip().split("\n")[:80]:
            print("#   " + ln)
        return "oracle-error"
    except subprocess.TimeoutExpired:
        print("not ok - %s: ovn-trace timed out" % case.label)
        return "oracle-error"
    if args.dump:
        for a in alts:
            print("# oracle%s: %s" % (" " + json.dumps(a["choice"])
                                      if a["choice"] else "",
                                      json.dumps(a["result"])))
    errs = check_expect(case, alts)
    if case.oracle_bug:
        if errs:
            # No oracle, but the case's claims say what OVS does: ours
            # must meet them.
            bad = check_ours_claims(ovn, case) if have_ours else None
            if bad:
                print("not ok - %s: ovn-trace cannot trace it, and ours "
                      "fails the case's claims: %s" % (case.label, bad))
                return "differ"
            print("ok - %s # SKIP ovn-trace cannot trace it: %s"
                  % (case.label, case.oracle_bug))
            return "oracle-bug"
        print("not ok - %s: ovn-trace traces it as expected now: remove "
              "ovn-trace-bug (%s)" % (case.label, case.oracle_bug))
        return "oracle-error"
    if errs:
        print("not ok - %s: case expectation fails on ovn-trace: %s"
              % (case.label, "; ".join(errs)))
        for ln in alts[0]["text"].rstrip().split("\n"):
            print("#   " + ln)
        return "oracle-error"
    if not have_ours:
        print("ok - %s # SKIP ovnbpfctl trace not built yet" % case.label)
        return "not-built"

    r = ours(ovn, case, ["--json"])
    problems = []
    ours_res = None
    if r.returncode:
        problems = ["ovnbpfctl trace exited %d: %s"
                    % (r.returncode, r.stderr.strip()[:500])]
    else:
        try:
            ours_res = json.loads(r.stdout)
        except ValueError as e:
            problems = ["ovnbpfctl trace --json printed no JSON (%s)" % e]
    best = alts[0]
    if ours_res is not None:
        for a in alts:
            p = compare(a["result"], ours_res)
            if not p:
                problems = []
                best = a
                break
            if not problems or len(p) < len(problems):
                problems, best = p, a
    agree = not problems
    if case.xfail:
        if agree:
            print("not ok - %s: now agrees: flip it (remove differs=\"%s\")"
                  % (case.label, case.xfail))
            return "xpass"
        print("ok - %s # SKIP expected to differ: %s (%s)"
              % (case.label, case.xfail, "; ".join(problems)[:200]))
        return "xfail"
    if agree:
        print("ok - %s" % case.label)
        return "agree"
    print("not ok - %s: %s" % (case.label, "; ".join(problems)))
    if best["choice"]:
        print("# closest ovn-trace run: %s" % json.dumps(best["choice"]))
    detailed = best["text"].split("# Summary trace.")[0]
    mine = ours(ovn, case, ["--detailed"])
    print(side_by_side(detailed, mine.stdout if mine.returncode == 0
                       else "(exit %d) %s%s" % (mine.returncode, mine.stdout,
                                                mine.stderr)))
    print("# ovn-trace: %s" % json.dumps(best["result"]))
    print("# ovnbpfctl: %s" % (json.dumps(ours_res) if ours_res is not None
                               else r.stdout.strip()[:2000]))
    return "differ"


def write_results(results, have_ours, path):
    lines = ["# Differential test results", "",
             "Generated by `tests/diff/run.sh --results` on %s: each case's "
             "verdict (outputs, ports, final headers or drop stage) from "
             "`ovnbpfctl trace --json` compared with real `ovn-trace` "
             "(%s) on the same Southbound DB."
             % (time.strftime("%Y-%m-%d"), ovn_trace_version()), ""]
    if not have_ours:
        lines += ["**0 cases agree: `ovnbpfctl trace` is not built yet** "
                  "(`%s trace --help` fails).  The ovn-trace side of every "
                  "case runs and parses; each case reports "
                  "`ok ... # SKIP ovnbpfctl trace not built yet`."
                  % os.path.relpath(OVNBPFCTL, TOP), ""]
    cols = [("agree", "agree"), ("xfail", "expected to differ"),
            ("differ", "differ"), ("xpass", "agree but marked to differ"),
            ("not-built", "not compared (no ovnbpfctl trace)"),
            ("oracle-bug", "ovn-trace cannot trace it"),
            ("broken", "ovn-trace side or setup broken")]
    lines += ["| topology | cases | " + " | ".join(c[1] for c in cols) + " |",
              "|---" * (len(cols) + 2) + "|"]
    tot = collections.Counter()
    feat = collections.defaultdict(collections.Counter)
    for topo, cases in results:
        c = collections.Counter(st for _, st in cases)
        c["broken"] = c["oracle-error"] + c["setup-error"]
        c["total"] = len(cases)
        tot.update(c)
        for case, st in cases:
            for f in case.features:
                feat[f]["total"] += 1
                feat[f][st] += 1
        lines.append("| %s | %d | %s |" % (topo.name, len(cases), " | ".join(
            str(c[k]) for k, _ in cols)))
    lines.append("| **total** | %d | %s |" % (tot["total"], " | ".join(
        str(tot[k]) for k, _ in cols)))
    lines += ["", "## By feature", "",
              "A case counts once for each feature it needs.", "",
              "| feature | cases | agree |", "|---|---|---|"]
    for f in FEATURES:
        if feat[f]["total"]:
            lines.append("| %s | %d | %d |" % (f, feat[f]["total"],
                                             feat[f]["agree"]))
    lines += ["", "## Cases", ""]
    for topo, cases in results:
        lines.append("- **%s**: %s" % (topo.name, topo.description[0]
                                       if topo.description else ""))
        for case, st in cases:
            lines.append("  - `%s` [%s] — %s%s"
                         % (case.name, ",".join(case.features),
                            {"not-built": "not compared (ovnbpfctl trace not "
                             "built)", "agree": "agrees",
                             "xfail": "differs as expected",
                             "differ": "DIFFERS",
                             "xpass": "AGREES although marked to differ: "
                             "flip it",
                             "oracle-error": "ovn-trace side broken",
                             "oracle-bug": "not compared: ovn-trace cannot "
                             "trace it",
                             "setup-error": "topology setup failed"}[st],
                            " (expected to differ: %s)" % case.xfail
                            if case.xfail
                            else ""))
    with open(path, "w") as f:
        f.write("\n".join(lines) + "\n")


def ovn_trace_version():
    try:
        r = subprocess.run(["ovn-trace", "--version"], capture_output=True,
                           text=True, timeout=10)
        return r.stdout.split("\n")[0].strip()
    except OSError:
        return "ovn-trace not found"


def main():
    ap = argparse.ArgumentParser(
        description="ovnbpfctl trace vs ovn-trace, per topology and case")
    ap.add_argument("-t", dest="filter", default="",
                    help="only topologies/cases whose label contains this")
    ap.add_argument("--dump", action="store_true",
                    help="print each case's ovn-trace verdict as JSON")
    ap.add_argument("--results", action="store_true",
                    help="rewrite tests/diff/RESULTS.md")
    ap.add_argument("topos", nargs="*",
                    help="topology files (default tests/diff/topo/*.topo)")
    args = ap.parse_args()

    # a timeout's SIGTERM must still stop the OVN daemons (finally below)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    if shutil.which("ovn-trace") is None:
        print("ok - diff: all # SKIP ovn-trace not installed (make deps)")
        return 0
    files = args.topos or sorted(glob.glob(os.path.join(HERE, "topo",
                                                        "*.topo")))
    have_ours = ovnbpfctl_available()
    workdir = tempfile.mkdtemp(prefix="ovnbpf-diff.",
                               dir=os.environ.get("OVNBPF_DIFF_WORKDIR"))
    results = []
    failed = False
    try:
        for path in files:
            try:
                topo = Topology(path)
            except (TopoError, ValueError) as e:
                print("not ok - diff/%s: %s" % (os.path.basename(path), e))
                failed = True
                continue
            cases = [c for c in topo.cases if args.filter in c.label]
            if not cases:
                continue
            ovn = OVN(workdir, topo.name)
            res = []
            try:
                ovn.start()
                build_topology(ovn, topo)
            except (TopoError, subprocess.TimeoutExpired) as e:
                print("not ok - diff/%s: %s" % (topo.name, e))
                failed = True
                res = [(c, "setup-error") for c in cases]
            else:
                for c in cases:
                    st = run_case(ovn, c, have_ours, args)
                    res.append((c, st))
                    if st in ("oracle-error", "differ", "xpass"):
                        failed = True
            finally:
                ovn.stop()
            results.append((topo, res))
    finally:
        if not failed:
            shutil.rmtree(workdir, ignore_errors=True)
        else:
            print("# OVN run directories (logs) kept in %s" % workdir)
    if args.results:
        write_results(results, have_ours, os.path.join(HERE, "RESULTS.md"))
        print("# wrote %s" % os.path.relpath(os.path.join(HERE, "RESULTS.md"),
                                            TOP))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
