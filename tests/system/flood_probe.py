#!/usr/bin/env python3
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
"""Probes for tests/system/flood_reject.sh: frames sent raw on a pod's
eth0, and a capture that says what came back.

  flood_probe.py send IFACE KIND SRCMAC SRCIP DSTMAC DSTIP NONCE
      KIND: udp4 | udp6 | tcp6.  UDP carries NONCE (8 ASCII bytes) and
      1200 more bytes, so an ICMP error (which quotes at most 548 / 1232
      bytes) cannot stand in for the original; tcp6 is a SYN whose source
      port is int(NONCE[-4:]).  Every checksum is computed here.
  flood_probe.py capture IFACE SECONDS READY_FILE
      prints one line per frame received that a probe explains:
        orig NONCE          a probe frame, whole, every checksum valid
        icmp4 NONCE / icmp6 NONCE   port unreachable quoting that probe
        rst PORT            a TCP RST|ACK to PORT (IPv6), checksum valid
"""
import socket
import struct
import sys
import time

ETH_P_ALL = 0x0003
PACKET_OUTGOING = 4
PAD = bytes(range(256)) * 5


def csum(b):
    if len(b) % 2:
        b += b"\0"
    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF


def mac(s):
    return bytes(int(x, 16) for x in s.split(":"))


def ph4(src, dst, proto, n):
    return src + dst + struct.pack("!BBH", 0, proto, n)


def ph6(src, dst, proto, n):
    return src + dst + struct.pack("!IxxxB", n, proto)


def build(kind, smac, sip, dmac, dip, nonce):
    eth = mac(dmac) + mac(smac)
    if kind == "udp4":
        s, d = socket.inet_aton(sip), socket.inet_aton(dip)
        data = nonce + PAD[:1200]
        u = struct.pack("!HHHH", 33000, 5656, 8 + len(data), 0) + data
        c = csum(ph4(s, d, 17, len(u)) + u) or 0xFFFF
        u = u[:6] + struct.pack("!H", c) + u[8:]
        ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(u), 1, 0, 64, 17, 0, s, d)
        ip = ip[:10] + struct.pack("!H", csum(ip)) + ip[12:]
        return eth + b"\x08\x00" + ip + u
    s, d = socket.inet_pton(socket.AF_INET6, sip), socket.inet_pton(socket.AF_INET6, dip)
    if kind == "udp6":
        data = nonce + PAD[:1200]
        l4 = struct.pack("!HHHH", 33000, 5656, 8 + len(data), 0) + data
        c = csum(ph6(s, d, 17, len(l4)) + l4) or 0xFFFF
        l4 = l4[:6] + struct.pack("!H", c) + l4[8:]
        nh = 17
    else:
        sport = int(nonce[-4:])
        l4 = struct.pack("!HHIIBBHHH", sport, 5656, 7, 0, 5 << 4, 0x02, 65535, 0, 0)
        c = csum(ph6(s, d, 6, len(l4)) + l4)
        l4 = l4[:16] + struct.pack("!H", c) + l4[18:]
        nh = 6
    ip = struct.pack("!IHBB", 0x60000000, len(l4), nh, 64) + s + d
    return eth + b"\x86\xdd" + ip + l4


def classify(f):
    """What a received frame is, or None."""
    if len(f) < 14:
        return None
    et = f[12:14]
    if et == b"\x08\x00" and len(f) >= 34:
        ip = f[14:]
        ihl = (ip[0] & 15) * 4
        tot = struct.unpack("!H", ip[2:4])[0]
        ip = ip[:tot]
        if csum(ip[:ihl]) != 0:
            return None
        l4 = ip[ihl:]
        if ip[9] == 17 and len(l4) >= 16:
            if csum(ph4(ip[12:16], ip[16:20], 17, len(l4)) + l4) == 0 and l4[8:16].startswith(b"n"):
                if l4[16:] == PAD[:len(l4) - 16]:
                    return "orig " + l4[8:16].decode()
            return None
        if ip[9] == 1 and len(l4) >= 8 and l4[0] == 3 and l4[1] == 3 and csum(l4) == 0:
            q = l4[8:]
            qihl = (q[0] & 15) * 4
            return "icmp4 " + q[qihl + 8:qihl + 16].decode(errors="replace")
        return None
    if et == b"\x86\xdd" and len(f) >= 54:
        ip = f[14:]
        plen = struct.unpack("!H", ip[4:6])[0]
        l4 = ip[40:40 + plen]
        s, d = ip[8:24], ip[24:40]
        if ip[6] == 17 and len(l4) >= 16:
            if csum(ph6(s, d, 17, len(l4)) + l4) == 0 and l4[8:16].startswith(b"n"):
                if l4[16:] == PAD[:len(l4) - 16]:
                    return "orig " + l4[8:16].decode()
            return None
        if ip[6] == 58 and len(l4) >= 8 and l4[0] == 1 and l4[1] == 4 and \
                csum(ph6(s, d, 58, len(l4)) + l4) == 0:
            q = l4[8:]
            return "icmp6 " + q[48:56].decode(errors="replace")
        if ip[6] == 6 and len(l4) >= 20 and csum(ph6(s, d, 6, len(l4)) + l4) == 0:
            sport, dport, seq, ack, off, fl = struct.unpack("!HHIIBB", l4[:14])
            if fl == 0x02 and dport == 5656:
                return "orig n%07d" % sport
            if fl == 0x14 and ack == 8:
                return "rst %d" % dport
        return None
    return None


def main():
    if sys.argv[1] == "send":
        iface, kind, smac, sip, dmac, dip, nonce = sys.argv[2:9]
        s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
        s.bind((iface, 0))
        s.send(build(kind, smac, sip, dmac, dip, nonce.encode()))
        return
    iface, secs, ready = sys.argv[2], float(sys.argv[3]), sys.argv[4]
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(ETH_P_ALL))
    s.bind((iface, 0))
    open(ready, "w").close()
    end = time.monotonic() + secs
    while True:
        left = end - time.monotonic()
        if left <= 0:
            break
        s.settimeout(left)
        try:
            f, addr = s.recvfrom(65535)
        except socket.timeout:
            break
        if addr[2] == PACKET_OUTGOING:
            continue
        c = classify(f)
        if c:
            print(c, flush=True)


if __name__ == "__main__":
    main()
