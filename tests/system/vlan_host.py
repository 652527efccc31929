#!/usr/bin/env python3
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
"""A host on one VLAN of a trunk, in user space (for kernels without
802.1Q devices): answers ARP, IPv6 neighbour solicitations and ICMP/ICMPv6
echo requests for its addresses, and pings.  Frames are sent with the tag
in the data (the receiving kernel moves it into the skb's VLAN metadata);
received frames carry it in PACKET_AUXDATA.

  vlan_host.py serve IFACE VLAN MAC IP4 IP6 SECONDS
  vlan_host.py ping  IFACE VLAN MAC IP4 IP6 DST [SECONDS]   (exit 0: a reply)
"""
import ipaddress, socket, struct, sys, time

SOL_PACKET, PACKET_AUXDATA, TP_STATUS_VLAN_VALID = 263, 8, 0x10


def mac(s):
    return bytes(int(b, 16) for b in s.split(":"))


def csum(b):
    if len(b) % 2:
        b += b"\0"
    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    s = (s >> 16) + (s & 0xffff)
    s += s >> 16
    return ~s & 0xffff


class Host:
    def __init__(self, ifc, vlan, hwaddr, ip4, ip6):
        self.vlan, self.mac = int(vlan), mac(hwaddr)
        self.ip4 = socket.inet_aton(ip4)
        self.ip6 = socket.inet_pton(socket.AF_INET6, ip6)
        self.s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(3))
        self.s.setsockopt(SOL_PACKET, PACKET_AUXDATA, 1)
        self.s.bind((ifc, 0))
        self.s.settimeout(0.1)
        self.neigh = {}

    def send(self, dst, etype, payload):
        f = dst + self.mac + struct.pack("!HHH", 0x8100, self.vlan, etype) + payload
        self.s.send(f + b"\0" * max(0, 64 - len(f)))

    def recv(self):
        """(src mac, ethertype, payload) of a frame on our VLAN to us, or None."""
        try:
            f, anc, _, a = self.s.recvmsg(4096, 64)
        except socket.timeout:
            return None
        if a[2] == socket.PACKET_OUTGOING or len(f) < 14:
            return None
        vid = None
        for lvl, typ, data in anc:
            if lvl == SOL_PACKET and typ == PACKET_AUXDATA:
                st, _, _, _, _, tci = struct.unpack("IIIHHH", data[:18])
                if st & TP_STATUS_VLAN_VALID:
                    vid = tci & 0xfff
        etype = struct.unpack("!H", f[12:14])[0]
        if vid is None and etype == 0x8100:
            vid = struct.unpack("!H", f[14:16])[0] & 0xfff
            etype = struct.unpack("!H", f[16:18])[0]
            f = f[:12] + f[16:]
        if vid != self.vlan or f[:6] not in (self.mac, b"\xff" * 6) and f[0] != 0x33:
            return None
        return f[6:12], etype, f[14:]

    def ip4_pkt(self, dst, proto, body):
        h = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(body), 1, 0, 64, proto, 0, self.ip4, dst)
        return h[:10] + struct.pack("!H", csum(h)) + h[12:] + body

    def ip6_pkt(self, dst, body, hlim=64):
        pseudo = self.ip6 + dst + struct.pack("!I3xB", len(body), 58)
        body = body[:2] + struct.pack("!H", csum(pseudo + body)) + body[4:]
        return struct.pack("!IHBB", 0x60000000, len(body), 58, hlim) + self.ip6 + dst + body

    def handle(self, src, etype, p):
        """Answer what is for us; return (kind, src ip) of replies we got."""
        if etype == 0x0806 and len(p) >= 28:
            op, sha, spa, tpa = struct.unpack("!6xH6s4s6x4s", p[:28])
            self.neigh[spa] = sha
            if op == 1 and tpa == self.ip4:
                self.send(sha, 0x0806, struct.pack("!HHBBH6s4s6s4s", 1, 0x0800, 6, 4, 2,
                                                   self.mac, self.ip4, sha, spa))
        elif etype == 0x0800 and len(p) >= 28 and p[9] == 1 and p[16:20] == self.ip4:
            ihl = (p[0] & 15) * 4
            icmp = p[ihl:struct.unpack("!H", p[2:4])[0]]
            if icmp[0] == 8:
                r = b"\0\0\0\0" + icmp[4:]
                r = r[:2] + struct.pack("!H", csum(r)) + r[4:]
                self.send(src, 0x0800, self.ip4_pkt(p[12:16], 1, r))
            elif icmp[0] == 0:
                return ("echo4", p[12:16])
        elif etype == 0x86dd and len(p) >= 48 and p[6] == 58:
            s6, d6, icmp = p[8:24], p[24:40], p[40:]
            if icmp[0] == 135 and icmp[8:24] == self.ip6:
                self.neigh[s6] = src
                na = struct.pack("!BBHI16sBB6s", 136, 0, 0, 0x60000000, self.ip6, 2, 1, self.mac)
                self.send(src, 0x86dd, self.ip6_pkt(s6, na, 255))
            elif icmp[0] == 136:
                self.neigh[icmp[8:24]] = src
            elif icmp[0] == 128 and d6 == self.ip6:
                self.send(src, 0x86dd, self.ip6_pkt(s6, b"\x81\0\0\0" + icmp[4:]))
            elif icmp[0] == 129:
                return ("echo6", s6)
        return None

    def ping(self, dst, secs):
        v6 = ":" in dst
        d = socket.inet_pton(socket.AF_INET6 if v6 else socket.AF_INET, dst)
        end, last = time.time() + secs, 0
        while time.time() < end:
            if time.time() - last > 0.5:
                last = time.time()
                if d not in self.neigh and v6:
                    sn = ipaddress.ip_address(dst).packed
                    sol = b"\xff\x02" + b"\0" * 9 + b"\x01\xff" + sn[13:]
                    ns = struct.pack("!BBHI16sBB6s", 135, 0, 0, 0, d, 1, 1, self.mac)
                    self.send(b"\x33\x33\xff" + sn[13:], 0x86dd, self.ip6_pkt(sol, ns, 255))
                elif d not in self.neigh:
                    self.send(b"\xff" * 6, 0x0806, struct.pack("!HHBBH6s4s6s4s", 1, 0x0800, 6, 4, 1,
                                                               self.mac, self.ip4, b"\0" * 6, d))
                elif v6:
                    self.send(self.neigh[d], 0x86dd, self.ip6_pkt(d, b"\x80\0\0\0\0\x01\0\x01pingpong"))
                else:
                    e = b"\x08\0\0\0\0\x01\0\x01pingpong"
                    e = e[:2] + struct.pack("!H", csum(e)) + e[4:]
                    self.send(self.neigh[d], 0x0800, self.ip4_pkt(d, 1, e))
            r = self.recv()
            if r and self.handle(*r) == ("echo6" if v6 else "echo4", d):
                return True
        return False


def main():
    mode, ifc, vlan, hw, ip4, ip6 = sys.argv[1:7]
    h = Host(ifc, vlan, hw, ip4, ip6)
    if mode == "ping":
        sys.exit(0 if h.ping(sys.argv[7], float(sys.argv[8]) if len(sys.argv) > 8 else 5) else 1)
    end = time.time() + float(sys.argv[7])
    while time.time() < end:
        r = h.recv()
        if r:
            h.handle(*r)


main()
