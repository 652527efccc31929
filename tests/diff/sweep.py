#!/usr/bin/env python3
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
"""Sweep: microflows generated from a Southbound DB, ovnbpfctl vs ovn-trace.

    sweep.py --sb FILE.sb.db [--max N] [--seed S] [--jobs J] [-v]
    sweep.py --topo tests/diff/topo/NN-x.topo [--max N] ...

Where tests/diff/topo/*.topo cases are written by hand, this reads the SB
itself (Datapath_Binding, Port_Binding, Load_Balancer) and generates the
traffic a topology can see: VIF to VIF on one switch, ARP/ND for ports and
router IPs, gateway pings, routed traffic to every other subnet, load
balancer VIPs (TCP/UDP), outside addresses, broadcast, unknown unicast,
traffic entering a router port; IPv4 and IPv6 where the ports have them;
with and without `--ct=new` for the stateful ones.  A fixed-seed sample of
--max of them runs through real ovn-trace (harness.oracle) and through
`ovnbpfctl trace --json` (harness.ours / harness.compare).  Disagreements
are grouped by cause: the first stage where the two paths part (or, on the
same path, the kind of difference), most frequent first.  Exit status 1 if
any flow disagrees.
"""

import argparse
import collections
import concurrent.futures
import ipaddress
import json
import os
import random
import re
import signal
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import harness  # noqa: E402

TOP = harness.TOP
MAC_RE = re.compile(r"^[0-9a-fA-F]{2}(:[0-9a-fA-F]{2}){5}$")
OUT_MAC = "00:00:5e:00:53:01"     # an outside host (documentation range)
OUT_IP4, OUT_IP6 = "198.51.100.7", "2001:db8:ffff::7"


class Flow:
    """Duck-types harness.Case for harness.oracle/ours."""

    def __init__(self, kind, datapath, microflow, ct=()):
        self.kind = kind
        self.datapath = datapath
        self.microflow = " ".join(microflow.split())
        self.ct = list(ct)
        self.lb_dst = None
        self.select_id = None

    def ct_args(self):
        return ["--ct=" + c for c in self.ct]

    def __str__(self):
        return "%s %s%s '%s'" % (self.kind, self.datapath,
                                 "".join(" --ct=" + c for c in self.ct),
                                 self.microflow)


# ---------------------------------------------------------------------------
# The SB as plain Python.

def ovsdb_val(v):
    if isinstance(v, list) and len(v) == 2 and isinstance(v[0], str):
        if v[0] == "set":
            return [ovsdb_val(x) for x in v[1]]
        if v[0] == "map":
            return {ovsdb_val(a): ovsdb_val(b) for a, b in v[1]}
        if v[0] in ("uuid", "named-uuid"):
            return v[1]
    return v


def sb_table(env, table, cols):
    r = subprocess.run(["ovn-sbctl", "--format=json", "--data=json",
                        "--columns=" + ",".join(cols), "list", table],
                       env=env, capture_output=True, text=True, timeout=60)
    if r.returncode:
        raise RuntimeError("ovn-sbctl list %s: %s" % (table, r.stderr))
    j = json.loads(r.stdout)
    return [dict(zip(j["headings"], (ovsdb_val(x) for x in row)))
            for row in j["data"]]


def as_list(v):
    if v is None:
        return []
    return v if isinstance(v, list) else [v]


class Port:
    def __init__(self, name, dp, ptype, macs, options):
        self.name, self.dp, self.type, self.options = name, dp, ptype, options
        self.mac = None
        self.ip4, self.ip6 = [], []      # (address, network or None)
        for entry in macs:
            for tok in entry.split():
                if MAC_RE.match(tok) and self.mac is None:
                    self.mac = tok.lower()
                    continue
                try:
                    itf = ipaddress.ip_interface(tok)
                except ValueError:
                    continue
                net = itf.network if "/" in tok else None
                (self.ip4 if itf.version == 4 else self.ip6).append(
                    (str(itf.ip), net))


class SB:
    def __init__(self, env):
        dps = sb_table(env, "Datapath_Binding", ["_uuid", "external_ids"])
        self.dp_name, self.is_router = {}, {}
        for d in dps:
            ext = d["external_ids"] or {}
            self.dp_name[d["_uuid"]] = ext.get("name", d["_uuid"])
            self.is_router[d["_uuid"]] = "logical-router" in ext
        self.ports = []
        for p in sb_table(env, "Port_Binding", ["logical_port", "datapath",
                                                "type", "mac", "options"]):
            self.ports.append(Port(p["logical_port"], p["datapath"], p["type"],
                                   as_list(p["mac"]), p["options"] or {}))
        self.by_name = {p.name: p for p in self.ports}
        groups = {g["_uuid"]: as_list(g["datapaths"]) for g in
                  sb_table(env, "Logical_DP_Group", ["_uuid", "datapaths"])}
        self.lbs = []      # (set of dp uuids, proto, vip, port or None)
        for lb in sb_table(env, "Load_Balancer",
                           ["datapaths", "datapath_group", "protocol",
                            "vips"]):
            dps = set(as_list(lb["datapaths"]))
            for g in as_list(lb.get("datapath_group")):
                dps.update(groups.get(g, []))
            proto = as_list(lb["protocol"])
            proto = proto[0] if proto else "tcp"
            for vip in (lb["vips"] or {}):
                m = re.match(r"^\[?([0-9a-fA-F.:]+?)\]?(?::(\d+))?$", vip)
                if m:
                    self.lbs.append((dps, proto, m.group(1),
                                     int(m.group(2)) if m.group(2) else None))

        # addresses a router translates (NAT external IPs, router LB VIPs):
        # the lr_in_dnat / lr_in_unsnat matches name them
        self.nat_ips = collections.defaultdict(set)
        # ports with DHCPv4 / DHCPv6 options: ls_in_dhcp_options names them
        self.dhcp4, self.dhcp6 = set(), set()
        self.router_vips = collections.defaultdict(set)
        for lf in sb_table(env, "Logical_Flow", ["logical_datapath",
                                                 "logical_dp_group",
                                                 "external_ids", "match"]):
            st = (lf["external_ids"] or {}).get("stage-name", "")
            if st == "ls_in_dhcp_options":
                m = re.search(r'inport == "([^"]+)"', lf["match"])
                if m:
                    (self.dhcp6 if "ip6" in lf["match"] else
                     self.dhcp4).add(m.group(1))
                continue
            if st not in ("lr_in_dnat", "lr_in_unsnat"):
                continue
            dps = set(as_list(lf["logical_datapath"]))
            for g in as_list(lf["logical_dp_group"]):
                dps.update(groups.get(g, []))
            for m in re.finditer(r"ip[46]\.dst == ([0-9a-fA-F.:]+)\b",
                                 lf["match"]):
                for d in dps:
                    self.nat_ips[d].add(m.group(1))
            # a router's load balancer VIPs (SB Load_Balancer lists only
            # the switches of a balancer)
            m = re.search(r"ip[46]\.dst == ([0-9a-fA-F.:]+) && (tcp|udp) && "
                          r"\2\.dst == (\d+)", lf["match"])
            if st == "lr_in_dnat" and m:
                for d in dps:
                    self.router_vips[d].add((m.group(2), m.group(1),
                                             int(m.group(3))))

    def switch_vifs(self, dp):
        return [p for p in self.ports if p.dp == dp and p.type == ""
                and p.mac]

    def router_of_switch(self, dp):
        """[(switch-side port, router Port)] for routers attached to dp."""
        res = []
        for p in self.ports:
            if p.dp != dp or p.type not in ("patch", "router", "l3gateway"):
                continue
            peer = self.by_name.get(p.options.get("peer") or
                                    p.options.get("router-port") or "")
            if peer and self.is_router.get(peer.dp) and peer.mac:
                res.append((p, peer))
        return res


# ---------------------------------------------------------------------------
# Microflows.

def l3(src_ip, dst_ip, ttl=64):
    v = 6 if ":" in src_ip else 4
    return "ip%d.src == %s && ip%d.dst == %s && ip.ttl == %d" % (
        v, src_ip, v, dst_ip, ttl)


def l4(proto, dport, v):
    if proto == "icmp":
        return "icmp4 && icmp4.type == 8 && icmp4.code == 0" if v == 4 else \
            "icmp6 && icmp6.type == 128 && icmp6.code == 0"
    return "%s && %s.src == 40000 && %s.dst == %d" % (proto, proto, proto,
                                                      dport)


def pick_ip(addrs, v):
    return [a for a, _ in addrs] if addrs else []


def solicited(ip6):
    b = ipaddress.IPv6Address(ip6).packed
    return str(ipaddress.IPv6Address(bytes.fromhex("ff0200000000000000000001ff")
                                     + b[13:]))


def sol_mac(ip6):
    b = ipaddress.IPv6Address(ip6).packed
    return "33:33:ff:%02x:%02x:%02x" % (b[13], b[14], b[15])


def lla(mac):
    """The EUI-64 link-local address of a MAC."""
    b = bytes.fromhex(mac.replace(":", ""))
    eui = bytes([b[0] ^ 2]) + b[1:3] + b"\xff\xfe" + b[3:]
    return str(ipaddress.IPv6Address(b"\xfe\x80" + b"\0" * 6 + eui))


def generate(sb):
    """Every microflow the SB suggests, in a deterministic order."""
    flows = []

    def add(kind, dp, mf, ct=()):
        flows.append(Flow(kind, sb.dp_name[dp], mf, ct))

    ct_variants = [(), ("new",) * 6]
    all_vifs = [p for p in sb.ports if p.type == "" and p.mac
                and not sb.is_router.get(p.dp)]
    for dp in sorted(sb.dp_name, key=lambda d: sb.dp_name[d]):
        if sb.is_router[dp]:
            continue
        vifs = sb.switch_vifs(dp)
        routers = sb.router_of_switch(dp)
        lbs = [lb for lb in sb.lbs if dp in lb[0]]
        for p in vifs:
            inp = 'inport == "%s" && eth.src == %s' % (p.name, p.mac)
            for v, mine in ((4, p.ip4), (6, p.ip6)):
                for src, _ in mine[:1]:
                    # same switch
                    for q in vifs:
                        if q is p:
                            continue
                        for dst, _ in (q.ip4 if v == 4 else q.ip6)[:1]:
                            for ct in ct_variants:
                                add("l2-%s-udp%d" % ("ctnew" if ct else "ct",
                                                     v), dp,
                                    "%s && eth.dst == %s && %s && %s"
                                    % (inp, q.mac, l3(src, dst),
                                       l4("udp", 53, v)), ct)
                            if v == 4:
                                add("arp-req-port", dp,
                                    "%s && eth.dst == ff:ff:ff:ff:ff:ff && "
                                    "arp.op == 1 && arp.sha == %s && "
                                    "arp.spa == %s && arp.tha == "
                                    "00:00:00:00:00:00 && arp.tpa == %s"
                                    % (inp, p.mac, src, dst))
                            else:
                                add("nd-ns-port", dp,
                                    "%s && eth.dst == %s && ip6.src == %s && "
                                    "ip6.dst == %s && ip.ttl == 255 && "
                                    "icmp6.type == 135 && icmp6.code == 0 && "
                                    "nd.target == %s && nd.sll == %s"
                                    % (inp, sol_mac(dst), src, solicited(dst),
                                       dst, p.mac))
                    # the reply of an established VIF-to-VIF flow
                    for q in vifs[:4]:
                        if q is p:
                            continue
                        for dst, _ in (q.ip4 if v == 4 else q.ip6)[:1]:
                            add("l2-reply-udp%d" % v, dp,
                                "%s && eth.dst == %s && %s && %s"
                                % (inp, q.mac, l3(src, dst),
                                   l4("udp", 53, v)), ("est,rpl",) * 6)
                    # unknown unicast, broadcast
                    add("unknown-ucast%d" % v, dp,
                        "%s && eth.dst == 00:00:5e:00:53:99 && %s && %s"
                        % (inp, l3(src, OUT_IP4 if v == 4 else OUT_IP6),
                           l4("udp", 53, v)))
                    if v == 4:
                        add("bcast-udp4", dp,
                            "%s && eth.dst == ff:ff:ff:ff:ff:ff && %s && %s"
                            % (inp, l3(src, "255.255.255.255"),
                               l4("udp", 9, 4)))
                    # routers
                    for lsp, lrp in routers:
                        gws = [a for a, _ in (lrp.ip4 if v == 4 else lrp.ip6)]
                        for gw in gws[:1]:
                            add("gw-ping%d" % v, dp,
                                "%s && eth.dst == %s && %s && %s"
                                % (inp, lrp.mac, l3(src, gw),
                                   l4("icmp", 0, v)))
                            if v == 4:
                                add("gw-arp", dp,
                                    "%s && eth.dst == ff:ff:ff:ff:ff:ff && "
                                    "arp.op == 1 && arp.sha == %s && "
                                    "arp.spa == %s && arp.tha == "
                                    "00:00:00:00:00:00 && arp.tpa == %s"
                                    % (inp, p.mac, src, gw))
                            else:
                                add("gw-nd-ns", dp,
                                    "%s && eth.dst == %s && ip6.src == %s && "
                                    "ip6.dst == %s && ip.ttl == 255 && "
                                    "icmp6.type == 135 && icmp6.code == 0 "
                                    "&& nd.target == %s && nd.sll == %s"
                                    % (inp, sol_mac(gw), src, solicited(gw),
                                       gw, p.mac))
                        # every router port's address of other subnets
                        for rp in sb.ports:
                            if rp.dp != lrp.dp or rp is lrp or not rp.mac:
                                continue
                            for a, _ in (rp.ip4 if v == 4 else rp.ip6)[:1]:
                                add("other-gw-ping%d" % v, dp,
                                    "%s && eth.dst == %s && %s && %s"
                                    % (inp, lrp.mac, l3(src, a),
                                       l4("icmp", 0, v)))
                        # across the router to VIFs of other switches
                        for q in all_vifs:
                            if q.dp == dp:
                                continue
                            for dst, _ in (q.ip4 if v == 4 else q.ip6)[:1]:
                                for ct in ct_variants:
                                    add("routed-tcp%d%s" % (
                                        v, "-ctnew" if ct else ""), dp,
                                        "%s && eth.dst == %s && %s && %s"
                                        % (inp, lrp.mac, l3(src, dst),
                                           l4("tcp", 80, v)), ct)
                        # the reply of a flow from another subnet
                        for q in [q for q in all_vifs if q.dp != dp][:4]:
                            for dst, _ in (q.ip4 if v == 4 else q.ip6)[:1]:
                                add("routed-reply-tcp%d" % v, dp,
                                    "%s && eth.dst == %s && %s && %s"
                                    % (inp, lrp.mac, l3(src, dst),
                                       l4("tcp", 80, v)), ("est,rpl",) * 6)
                        # VIPs of load balancers on the router or on
                        # other switches, through the router
                        vips = sorted(sb.router_vips.get(lrp.dp, ())) + \
                            [(proto, vip, port) for dps, proto, vip, port
                             in sb.lbs if dp not in dps]
                        for proto, vip, port in vips:
                            if (":" in vip) != (v == 6) or port is None or \
                                    proto not in ("tcp", "udp"):
                                continue
                            for ct in ct_variants:
                                add("lb-routed-%s%d%s" % (
                                    proto, v, "-ctnew" if ct else ""), dp,
                                    "%s && eth.dst == %s && %s && %s"
                                    % (inp, lrp.mac, l3(src, vip),
                                       l4(proto, port, v)), ct)
                        # outside
                        for ct in ct_variants:
                            add("outside-tcp%d%s" % (v, "-ctnew" if ct
                                                     else ""), dp,
                                "%s && eth.dst == %s && %s && %s"
                                % (inp, lrp.mac,
                                   l3(src, OUT_IP4 if v == 4 else OUT_IP6),
                                   l4("tcp", 443, v)), ct)
                        add("ttl1-%d" % v, dp,
                            "%s && eth.dst == %s && %s && %s"
                            % (inp, lrp.mac,
                               l3(src, OUT_IP4 if v == 4 else OUT_IP6, 1),
                               l4("udp", 33434, v)))
                    # load balancers
                    for _, proto, vip, port in lbs:
                        if (":" in vip) != (v == 6):
                            continue
                        if proto not in ("tcp", "udp") or port is None:
                            continue
                        dmac = routers[0][1].mac if routers else \
                            "00:00:5e:00:53:98"
                        for ct in ct_variants:
                            add("lb-%s%d%s" % (proto, v, "-ctnew" if ct
                                               else ""), dp,
                                "%s && eth.dst == %s && %s && %s"
                                % (inp, dmac, l3(src, vip),
                                   l4(proto, port, v)), ct)
        # DHCP requests (ports with dhcpv4_options / dhcpv6_options)
        for p in vifs:
            inp = 'inport == "%s" && eth.src == %s' % (p.name, p.mac)
            if p.name in sb.dhcp4:
                add("dhcp4-discover", dp,
                    "%s && eth.dst == ff:ff:ff:ff:ff:ff && %s && %s"
                    % (inp, l3("0.0.0.0", "255.255.255.255"),
                       "udp && udp.src == 68 && udp.dst == 67"))
            if p.name in sb.dhcp6:
                add("dhcp6-solicit", dp,
                    "%s && eth.dst == 33:33:00:01:00:02 && %s && %s"
                    % (inp, l3(lla(p.mac), "ff02::1:2", 1),
                       "udp && udp.src == 546 && udp.dst == 547"))
        # traffic entering the switch from its router ports (routed from
        # elsewhere) and from its localnet ports (the physical network)
        for lsp in sb.ports:
            if lsp.dp != dp or lsp.type not in ("patch", "router",
                                                "l3gateway", "localnet"):
                continue
            if lsp.type == "localnet":
                smac = OUT_MAC
            else:
                peer = [r for l, r in routers if l is lsp]
                if not peer:
                    continue
                smac = peer[0].mac
            for q in vifs:
                for v in (4, 6):
                    for dst, _ in (q.ip4 if v == 4 else q.ip6)[:1]:
                        for ct in ct_variants:
                            add("from-%s-tcp%d%s" % (
                                "localnet" if lsp.type == "localnet"
                                else "rtr", v, "-ctnew" if ct else ""), dp,
                                'inport == "%s" && eth.src == %s && '
                                'eth.dst == %s && %s && %s'
                                % (lsp.name, smac, q.mac,
                                   l3(OUT_IP4 if v == 4 else OUT_IP6, dst,
                                      63), l4("tcp", 22, v)), ct)
            if lsp.type == "localnet":
                for q in vifs:
                    for a, _ in q.ip4[:1]:
                        add("from-localnet-arp", dp,
                            'inport == "%s" && eth.src == %s && eth.dst == '
                            'ff:ff:ff:ff:ff:ff && arp.op == 1 && arp.sha == '
                            '%s && arp.spa == %s && arp.tha == '
                            '00:00:00:00:00:00 && arp.tpa == %s'
                            % (lsp.name, OUT_MAC, OUT_MAC, OUT_IP4, a))
    # traffic entering a router through one of its ports
    for lrp in sb.ports:
        if not sb.is_router.get(lrp.dp) or not lrp.mac or \
                lrp.type == "chassisredirect":
            continue
        dp = lrp.dp
        inp = 'inport == "%s" && eth.src == %s && eth.dst == %s' % (
            lrp.name, OUT_MAC, lrp.mac)
        for v in (4, 6):
            mine = lrp.ip4 if v == 4 else lrp.ip6
            if not mine:
                continue
            own, net = mine[0]
            src = OUT_IP4 if v == 4 else OUT_IP6
            if net is not None:
                hosts = list(zip(range(3), net.hosts()))
                for _, h in hosts:
                    if str(h) != own:
                        src = str(h)
                        break
            add("rtr-in-ping%d" % v, dp,
                "%s && %s && %s" % (inp, l3(src, own), l4("icmp", 0, v)))
            if v == 4:
                add("rtr-in-arp", dp,
                    'inport == "%s" && eth.src == %s && eth.dst == '
                    'ff:ff:ff:ff:ff:ff && arp.op == 1 && arp.sha == %s && '
                    'arp.spa == %s && arp.tha == 00:00:00:00:00:00 && '
                    'arp.tpa == %s' % (lrp.name, OUT_MAC, OUT_MAC, src, own))
            for a in sorted(sb.nat_ips.get(dp, ())):
                if (":" in a) != (v == 6):
                    continue
                for ct in ct_variants:
                    for proto in ("tcp", "udp", "icmp"):
                        add("rtr-in-nat-%s%d%s" % (proto, v, "-ctnew" if ct
                                                   else ""), dp,
                            "%s && %s && %s" % (inp, l3(OUT_IP4 if v == 4
                                                        else OUT_IP6, a),
                                                l4(proto, 80, v)), ct)
            for q in all_vifs:
                for dst, _ in (q.ip4 if v == 4 else q.ip6)[:1]:
                    for ct in ct_variants:
                        add("rtr-in-tcp%d%s" % (v, "-ctnew" if ct else ""),
                            dp, "%s && %s && %s" % (inp, l3(src, dst),
                                                    l4("tcp", 22, v)), ct)
    return flows


# ---------------------------------------------------------------------------
# Running and grouping.

STAGE_RE = re.compile(r"^\s*(\d+)\. (\w+)(?: \([^)]*\))?: (.*), priority "
                      r"(\d+), uuid ([0-9a-f]+)")
DP_RE = re.compile(r'^(ingress|egress)\(dp="([^"]+)"')


def stage_path(text, ours):
    """[(datapath, pipeline, stage, uuid8)] of a --detailed trace.  Ours
    lists the priority-0 `next;` stages that ovn-trace leaves out: skip
    them."""
    path, dp = [], ("?", "?")
    lines = text.split("\n")
    for i, ln in enumerate(lines):
        m = DP_RE.match(ln)
        if m:
            dp = (m.group(2), m.group(1))
            continue
        m = STAGE_RE.match(ln)
        if not m:
            continue
        if ours and m.group(4) == "0" and i + 1 < len(lines) and \
                lines[i + 1].strip() == "next;":
            continue
        path.append((dp[0], dp[1], m.group(2), m.group(5)[:8]))
    return path


def cause_of(flow, ovn, alt, problems):
    """A short key naming where the two paths part."""
    mine = harness.ours(ovn, flow, ["--detailed"])
    a = stage_path(alt["text"].split("# Summary trace.")[0], False)
    b = stage_path(mine.stdout, True)
    kind = re.sub(r"[0-9a-f]{2}(:[0-9a-f]{2}){5}|\d+(\.\d+){3}|"
                  r"'[^']*'|\[[^]]*\]|\"[^\"]*\"|\d+", "N",
                  problems[0])[:70] if problems else "?"
    for i in range(max(len(a), len(b))):
        x = a[i] if i < len(a) else None
        y = b[i] if i < len(b) else None
        if x != y:
            st = x or y
            return "%s/%s (ovn-trace %s, ours %s): %s" % (
                st[1], st[2], x[3] if x else "-", y[3] if y else "-", kind)
    return "same path: %s" % kind


def stratified(flows, n, seed):
    """n flows, taken round-robin over the kinds (each kind shuffled with
    the seed), so that rare kinds are not drowned by the quadratic ones."""
    rnd = random.Random(seed)
    by_kind = collections.OrderedDict()
    for f in flows:
        by_kind.setdefault(f.kind, []).append(f)
    for lst in by_kind.values():
        rnd.shuffle(lst)
    res = []
    while len(res) < n:
        for lst in by_kind.values():
            if lst and len(res) < n:
                res.append(lst.pop())
    return res


def run_one(ovn, flow):
    """-> (status, detail): agree | differ | oracle-error | ours-error."""
    try:
        alts = harness.oracle(ovn, flow)
    except harness.OracleError as e:
        return "oracle-error", str(e)[:200], None
    except subprocess.TimeoutExpired:
        return "oracle-error", "ovn-trace timed out", None
    r = harness.ours(ovn, flow, ["--json"])
    if r.returncode:
        return "ours-error", "exit %d: %s" % (r.returncode,
                                              r.stderr.strip()[:200]), None
    try:
        res = json.loads(r.stdout)
    except ValueError as e:
        return "ours-error", "no JSON: %s" % e, None
    best, problems = alts[0], None
    for a in alts:
        p = harness.compare(a["result"], res)
        if not p:
            return "agree", "", None
        if problems is None or len(p) < len(problems):
            best, problems = a, p
    bug = oracle_bug(best["text"], problems)
    if bug:
        return "oracle-bug", "%s (%s)" % (bug, "; ".join(problems)), None
    return "differ", "; ".join(problems), cause_of(flow, ovn, best, problems)


# ovn-trace 23.03 behaviours that are not ovn-controller's, recognised in
# its --detailed text (tests/diff/README.md "Where ovn-trace's model is not
# ovn-controller's").  A flow whose trace shows one is not compared: it is
# counted apart, with the reason, never as agreeing.
def oracle_bug(text, problems):
    detailed, _, summary = text.partition("# Summary trace.")
    lines = [ln for ln in detailed.split("\n")
             if ln.strip() and not ln.startswith("#")]
    # ovn-trace zeroes flags between a router's ingress and egress, so
    # flags.force_snat_for_lb set by lr_in_dnat never reaches lr_out_snat;
    # ovn-controller keeps it (reg10 is not cleared) and SNATs.  Only a
    # source address difference is put down to it.
    if "flags.force_snat_for_lb = 1;" in detailed and problems and all(
            re.search(r": ip[46]\.src=", p) for p in problems):
        return "ovn-trace-bug: flags.force_snat_for_lb does not reach " \
            "lr_out_snat in ovn-trace"
    # ovn-trace's nd_ns leaves the packet as it was (the IP payload and
    # destination) but for eth.dst: flooded back into the router (the
    # flood carries flags.loopback), it is routed again and solicits
    # again, until the depth limit; and a member's egress port security
    # sees a unicast to the routed address, not the NS's solicited-node
    # multicast, and drops it.  A real NS for another address is dropped
    # by the router and passes port security.
    if summary.count("nd_ns {") >= 3:
        return "ovn-trace-bug: its nd_ns keeps the routed packet's IP " \
            "header (the NS loops router -> switch flood -> router, " \
            "port security sees a unicast)"
    # execute_ct_nat() returns at once for "ct_snat;" (no address) on a
    # datapath with a local l3gateway port: the trace stops there, where
    # ovn-controller's ct(nat, table=next) goes on to the next stage.
    for i, ln in enumerate(lines):
        m = STAGE_RE.match(ln)
        if m and m.group(2) == "lr_in_unsnat" and i + 1 < len(lines) and \
                lines[i + 1].strip() == "ct_snat;" and i + 2 == len(lines):
            return "ovn-trace-bug: ct_snat; on a gateway router ends the " \
                "trace in lr_in_unsnat"
    return None


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    src = ap.add_mutually_exclusive_group(required=True)
    src.add_argument("--sb", help="an SB database file (served read-only)")
    src.add_argument("--topo", help="a tests/diff topology file")
    ap.add_argument("--max", type=int, default=200,
                    help="microflows to run (fixed-seed sample; 0 = all)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--kind", default="",
                    help="only flows whose kind contains this")
    ap.add_argument("-v", action="store_true",
                    help="print every disagreeing flow")
    ap.add_argument("--list", action="store_true",
                    help="print the sampled flows, run nothing")
    args = ap.parse_args()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))

    workdir = tempfile.mkdtemp(prefix="ovnbpf-sweep.")
    ovn = harness.OVN(workdir, "ovn")
    try:
        if args.sb:
            r = subprocess.run([os.path.join(TOP, "scripts/ovn-local.sh"),
                                "start-sb", ovn.dir, args.sb],
                               capture_output=True, text=True, timeout=120)
            if r.returncode:
                print("sweep: start-sb failed: %s" % r.stderr.strip())
                return 2
            ovn.env = dict(os.environ)
            ovn.env["OVN_SB_DB"] = "unix:%s/sb.sock" % ovn.dir
            ovn.env.pop("OVN_NB_DB", None)
        else:
            ovn.start()
            harness.build_topology(ovn, harness.Topology(args.topo))
        sb = SB(ovn.env)
        flows = [f for f in generate(sb) if args.kind in f.kind]
        total = len(flows)
        if args.max and len(flows) > args.max:
            flows = stratified(flows, args.max, args.seed)
        print("# %s: %d microflows generated, running %d (seed %d)"
              % (args.sb or args.topo, total, len(flows), args.seed))
        if args.list:
            for f in flows:
                print(f)
            return 0
        if not harness.ovnbpfctl_available():
            print("sweep: %s trace not available" % harness.OVNBPFCTL)
            return 2
        with concurrent.futures.ThreadPoolExecutor(args.jobs) as ex:
            results = list(ex.map(lambda f: (f,) + run_one(ovn, f), flows))
    finally:
        ovn.stop()
        subprocess.run(["rm", "-rf", workdir])

    stat = collections.Counter(r[1] for r in results)
    causes = collections.defaultdict(list)
    for f, st, detail, cause in results:
        if st == "differ":
            causes[cause].append((f, detail))
        elif st == "oracle-bug":
            causes[detail.split(" (")[0]].append((f, detail))
        elif st in ("oracle-error", "ours-error"):
            causes["%s: %s" % (st, re.sub(r"\d+", "N", detail)[:80])].append(
                (f, detail))
    print("# agree %d, differ %d, ovn-trace failed %d, ovn-trace-bug %d, "
          "ovnbpfctl failed %d (of %d)"
          % (stat["agree"], stat["differ"], stat["oracle-error"],
             stat["oracle-bug"], stat["ours-error"], len(results)))
    for cause, fl in sorted(causes.items(), key=lambda kv: -len(kv[1])):
        kinds = collections.Counter(f.kind for f, _ in fl)
        print("\n## %d x %s\n#   kinds: %s" % (len(fl), cause, ", ".join(
            "%s %d" % kv for kv in kinds.most_common())))
        for f, detail in fl[:len(fl) if args.v else 2]:
            print("#   %s\n#     -> %s" % (f, detail[:300]))
    return 1 if stat["differ"] or stat["ours-error"] else 0


if __name__ == "__main__":
    sys.exit(main())
