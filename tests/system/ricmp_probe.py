#!/usr/bin/env python3
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
"""Send one probe and print what comes back, for router_icmp.sh.

  ricmp_probe.py ttl DST [PORT [SIZE]]
                                  UDP with TTL / hop limit 1 (SIZE bytes of
                                  payload: then also "len=" of the ICMP
                                  message and "csum=ok|bad")
  ricmp_probe.py udp DST PORT     UDP to a port nobody listens on
  ricmp_probe.py proto DST        IP protocol 253 (no transport the router knows)
  ricmp_probe.py tcp DST PORT     TCP SYN
  ricmp_probe.py arp IFACE MAC IP [TPA]
                                  broadcast ARP request from (MAC, IP) for
                                  TPA; without TPA a gratuitous one (TPA=IP)

ICMP answers print as "icmp src=S type=T code=C inner_dst=D inner_proto=P
[inner_dport=N]" (the quoted packet inside the error); a TCP answer as
"tcp src=S sport=N flags=rst|..."; nothing within the timeout as "none".
"""
import os
import select
import socket
import struct
import sys
import time

TIMEOUT = 1.5
PROBE_PORT = 33434


def is6(addr):
    return ":" in addr


def inner_v4(data):
    """The quoted IPv4 header (+ first 8 bytes) of an ICMP error."""
    ihl = (data[0] & 0xF) * 4
    proto = data[9]
    dst = socket.inet_ntop(socket.AF_INET, data[16:20])
    out = "inner_dst=%s inner_proto=%d" % (dst, proto)
    if proto in (6, 17) and len(data) >= ihl + 4:
        out += " inner_dport=%d" % struct.unpack("!H", data[ihl + 2:ihl + 4])[0]
    return out


def inner_v6(data):
    proto = data[6]
    dst = socket.inet_ntop(socket.AF_INET6, data[24:40])
    out = "inner_dst=%s inner_proto=%d" % (dst, proto)
    if proto in (6, 17) and len(data) >= 44:
        out += " inner_dport=%d" % struct.unpack("!H", data[42:44])[0]
    return out


def icmp_socket(v6):
    if v6:
        return socket.socket(socket.AF_INET6, socket.SOCK_RAW, socket.IPPROTO_ICMPV6)
    return socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_ICMP)


def csum16(data):
    if len(data) % 2:
        data += b"\0"
    total = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while total >> 16:
        total = (total & 0xFFFF) + (total >> 16)
    return total


def wait_icmp(sock, v6, dst, show_len=False):
    """First ICMP error (not echo / ND) whose quoted packet went to dst."""
    end = time.time() + TIMEOUT
    while True:
        left = end - time.time()
        if left <= 0:
            return "none"
        r, _, _ = select.select([sock], [], [], left)
        if not r:
            return "none"
        data, addr = sock.recvfrom(4096)
        if v6:
            src = addr[0]
            typ, code = data[0], data[1]
            if typ >= 128:
                continue
            quoted = inner_v6(data[8:])
            if show_len:
                # Pseudo header: the error comes to the quoted packet's source.
                ph = socket.inet_pton(socket.AF_INET6, src) + data[16:32] \
                    + struct.pack("!I3xB", len(data), 58)
                quoted += " len=%d csum=%s" % (
                    len(data), "ok" if csum16(ph + data) == 0xFFFF else "bad")
        else:
            ihl = (data[0] & 0xF) * 4
            src = socket.inet_ntop(socket.AF_INET, data[12:16])
            typ, code = data[ihl], data[ihl + 1]
            if typ not in (3, 11, 12):
                continue
            quoted = inner_v4(data[ihl + 8:])
            if show_len:
                msg = data[ihl:]
                quoted += " len=%d csum=%s" % (len(msg), "ok" if csum16(msg) == 0xFFFF else "bad")
        if "inner_dst=%s " % dst not in quoted + " ":
            continue
        return "icmp src=%s type=%d code=%d %s" % (src, typ, code, quoted)


def probe_udp(dst, port, ttl, size=0):
    v6 = is6(dst)
    fam = socket.AF_INET6 if v6 else socket.AF_INET
    ic = icmp_socket(v6)
    s = socket.socket(fam, socket.SOCK_DGRAM)
    if ttl:
        if v6:
            s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_UNICAST_HOPS, ttl)
        else:
            s.setsockopt(socket.IPPROTO_IP, socket.IP_TTL, ttl)
    s.sendto(b"x" * size if size else b"ricmp-probe", (dst, port))
    return wait_icmp(ic, v6, dst, size > 0)


def probe_proto(dst):
    v6 = is6(dst)
    fam = socket.AF_INET6 if v6 else socket.AF_INET
    ic = icmp_socket(v6)
    s = socket.socket(fam, socket.SOCK_RAW, 253)
    s.sendto(b"ricmp-probe-payload", (dst, 0))
    return wait_icmp(ic, v6, dst)


def probe_tcp(dst, port):
    v6 = is6(dst)
    fam = socket.AF_INET6 if v6 else socket.AF_INET
    raw = socket.socket(fam, socket.SOCK_RAW, socket.IPPROTO_TCP)
    s = socket.socket(fam, socket.SOCK_STREAM)
    s.setblocking(False)
    try:
        s.connect((dst, port))
    except BlockingIOError:
        pass
    end = time.time() + TIMEOUT
    while True:
        left = end - time.time()
        if left <= 0:
            return "none"
        r, _, _ = select.select([raw], [], [], left)
        if not r:
            return "none"
        data, addr = raw.recvfrom(4096)
        if v6:
            src, tcp = addr[0], data     # IPv6 raw sockets strip the header
        else:
            ihl = (data[0] & 0xF) * 4
            src, tcp = socket.inet_ntop(socket.AF_INET, data[12:16]), data[ihl:]
        sport = struct.unpack("!H", tcp[0:2])[0]
        if sport != port or src != dst:
            continue
        fl = tcp[13]
        names = [n for b, n in ((0x04, "rst"), (0x02, "syn"), (0x10, "ack")) if fl & b]
        return "tcp src=%s sport=%d flags=%s" % (src, sport, "|".join(names))


def send_arp(iface, mac, ip, tpa):
    sha = bytes.fromhex(mac.replace(":", ""))
    arp = struct.pack("!HHBBH", 1, 0x0800, 6, 4, 1) + sha + socket.inet_aton(ip) \
        + b"\0" * 6 + socket.inet_aton(tpa)
    frame = b"\xff" * 6 + sha + b"\x08\x06" + arp + b"\0" * 18
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
    s.bind((iface, 0))
    s.send(frame)
    return "sent"


def main():
    mode, dst = sys.argv[1], sys.argv[2]
    if mode == "arp":
        args = sys.argv[2:]
        print(send_arp(args[0], args[1], args[2], args[3] if len(args) > 3 else args[2]))
        return
    port = int(sys.argv[3]) if len(sys.argv) > 3 else PROBE_PORT
    if mode == "ttl":
        size = int(sys.argv[4]) if len(sys.argv) > 4 else 0
        print(probe_udp(dst, port, 1, size))
    elif mode == "udp":
        print(probe_udp(dst, port, 0))
    elif mode == "proto":
        print(probe_proto(dst))
    elif mode == "tcp":
        print(probe_tcp(dst, port))
    else:
        sys.exit("unknown mode " + mode)
    sys.stdout.flush()
    os._exit(0)


if __name__ == "__main__":
    main()
