#!/usr/bin/env python3
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
"""Raw clients for the pinctrl answers ovnbpfd gives (tests/system/dhcp6_ra.sh).

  pinctrl_client.py solicit|request|inforeq IFACE MAC   DHCPv6 from fe80::MAC
  pinctrl_client.py rs IFACE MAC                          ICMPv6 Router Solicitation
  pinctrl_client.py dns SERVER NAME TYPE                  UDP DNS query (A/AAAA/PTR)

Sends one request and prints the answer as JSON (fields parsed from the
wire, checksums verified), or {"none": true} after the timeout."""
import json
import socket
import struct
import sys
import time


def csum(data):
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return ~s & 0xffff


def l4_csum6(ip6, l4, proto):
    pseudo = ip6[8:40] + struct.pack("!IxxxB", len(l4), proto)
    return csum(pseudo + l4)


def mac_bytes(m):
    return bytes(int(x, 16) for x in m.split(":"))


def lla(mac):
    b = bytearray(mac_bytes(mac))
    b[0] ^= 2
    return b"\xfe\x80" + b"\0" * 6 + bytes(b[:3]) + b"\xff\xfe" + bytes(b[3:])


def ip6_frame(mac, dst_mac, src, dst, proto, hlim, l4):
    ip6 = struct.pack("!IHBB", 6 << 28, len(l4), proto, hlim) + src + dst
    return dst_mac + mac + b"\x86\xdd" + ip6 + l4


def dhcp6(kind, iface, mac):
    src, dst = lla(mac), socket.inet_pton(socket.AF_INET6, "ff02::1:2")
    mtype = {"solicit": 1, "request": 3, "inforeq": 11}[kind]
    duid = struct.pack("!HH", 3, 1) + mac_bytes(mac)
    opts = struct.pack("!HH", 1, len(duid)) + duid
    if kind != "inforeq":
        opts += struct.pack("!HHIII", 3, 12, 0x0a0b0c0d, 0, 0)
    opts += struct.pack("!HHH", 8, 2, 0)
    msg = bytes([mtype, 0x11, 0x22, 0x33]) + opts
    udp = struct.pack("!HHHH", 546, 547, 8 + len(msg), 0) + msg
    ip6 = struct.pack("!IHBB", 6 << 28, len(udp), 17, 1) + src + dst
    c = l4_csum6(ip6, udp, 17)
    udp = udp[:6] + struct.pack("!H", c) + udp[8:]
    frame = ip6_frame(mac_bytes(mac), b"\x33\x33\x00\x01\x00\x02", src, dst, 17, 1, udp)

    def match(f):
        return f[12:14] == b"\x86\xdd" and f[20] == 17 and f[56:58] == b"\x02\x22"

    f = exchange(iface, frame, match)
    if f is None:
        return {"none": True}
    ip6, udp = f[14:54], f[54:54 + struct.unpack("!H", f[18:20])[0]]
    out = {"eth_src": f[6:12].hex(":"), "eth_dst": f[0:6].hex(":"),
           "ip6_src": socket.inet_ntop(socket.AF_INET6, ip6[8:24]),
           "ip6_dst": socket.inet_ntop(socket.AF_INET6, ip6[24:40]),
           "udp_src": struct.unpack("!H", udp[0:2])[0],
           "udp_len_ok": struct.unpack("!H", udp[4:6])[0] == len(udp),
           "csum_ok": l4_csum6(ip6, udp, 17) == 0,
           "type": udp[8], "xid": udp[9:12].hex()}
    o, opts = udp[12:], {}
    while len(o) >= 4:
        code, ln = struct.unpack("!HH", o[:4])
        opts[code] = o[4:4 + ln]
        o = o[4 + ln:]
    out["client_id_ok"] = opts.get(1) == duid
    if 2 in opts:
        out["server_duid"] = opts[2].hex()
    if 3 in opts:
        iaid, _, _ = struct.unpack("!III", opts[3][:12])
        out["iaid"] = "%08x" % iaid
        sub = opts[3][12:]
        if len(sub) >= 20 and struct.unpack("!H", sub[:2])[0] == 5:
            out["ia_addr"] = socket.inet_ntop(socket.AF_INET6, sub[4:20])
    if 23 in opts:
        out["dns"] = [socket.inet_ntop(socket.AF_INET6, opts[23][i:i + 16])
                      for i in range(0, len(opts[23]), 16)]
    if 24 in opts:
        names, d, cur = [], opts[24], []
        while d:
            ln, d = d[0], d[1:]
            if not ln:
                names.append(".".join(cur))
                cur = []
                continue
            cur.append(d[:ln].decode())
            d = d[ln:]
        out["domains"] = names
    return out


def rs(iface, mac):
    src, dst = lla(mac), socket.inet_pton(socket.AF_INET6, "ff02::2")
    icmp = struct.pack("!BBHI", 133, 0, 0, 0) + b"\x01\x01" + mac_bytes(mac)
    ip6 = struct.pack("!IHBB", 6 << 28, len(icmp), 58, 255) + src + dst
    c = l4_csum6(ip6, icmp, 58)
    icmp = icmp[:2] + struct.pack("!H", c) + icmp[4:]
    frame = ip6_frame(mac_bytes(mac), b"\x33\x33\x00\x00\x00\x02", src, dst, 58, 255, icmp)

    def match(f):
        return f[12:14] == b"\x86\xdd" and f[20] == 58 and f[54] == 134

    f = exchange(iface, frame, match)
    if f is None:
        return {"none": True}
    ip6, ra = f[14:54], f[54:54 + struct.unpack("!H", f[18:20])[0]]
    out = {"eth_src": f[6:12].hex(":"), "eth_dst": f[0:6].hex(":"),
           "ip6_src": socket.inet_ntop(socket.AF_INET6, ip6[8:24]),
           "ip6_dst": socket.inet_ntop(socket.AF_INET6, ip6[24:40]),
           "hlim": ip6[7], "csum_ok": l4_csum6(ip6, ra, 58) == 0,
           "cur_hop_limit": ra[4], "flags": ra[5],
           "lifetime": struct.unpack("!H", ra[6:8])[0], "prefixes": []}
    o = ra[16:]
    while len(o) >= 8 and o[1]:
        t, ln = o[0], o[1] * 8
        if t == 1:
            out["slla"] = o[2:8].hex(":")
        elif t == 5:
            out["mtu"] = struct.unpack("!I", o[4:8])[0]
        elif t == 3:
            out["prefixes"].append({"prefix": socket.inet_ntop(socket.AF_INET6, o[16:32]) +
                                    "/%d" % o[2], "flags": o[3]})
        o = o[ln:]
    return out


def exchange(iface, frame, match, timeout=3.0):
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(0x86dd))
    s.bind((iface, 0))
    s.settimeout(0.3)
    end = time.time() + timeout
    sent = 0
    while time.time() < end:
        if time.time() > sent + 1.0:
            s.send(frame)
            sent = time.time()
        try:
            f, addr = s.recvfrom(2048)
        except socket.timeout:
            continue
        if addr[2] != socket.PACKET_OUTGOING and match(f):
            return f
    return None


def dns(server, name, qtype):
    fam = socket.AF_INET6 if ":" in server else socket.AF_INET
    t = {"A": 1, "AAAA": 28, "PTR": 12}[qtype]
    q = struct.pack("!HHHHHH", 0x4242, 0x0100, 1, 0, 0, 0)
    for label in name.split("."):
        q += bytes([len(label)]) + label.encode()
    q += b"\0" + struct.pack("!HH", t, 1)
    s = socket.socket(fam, socket.SOCK_DGRAM)
    s.settimeout(1.0)
    for _ in range(3):
        s.sendto(q, (server, 53))
        try:
            r, peer = s.recvfrom(2048)
            break
        except socket.timeout:
            continue
    else:
        return {"none": True}
    qid, flags, qd, an = struct.unpack("!HHHH", r[:8])
    out = {"peer": peer[0], "id_ok": qid == 0x4242, "qr": bool(flags & 0x8000),
           "ancount": an, "answers": []}
    o = 12 + len(q) - 12
    for _ in range(an):
        while r[o]:
            o += 1 + r[o]
        o += 1
        rt, _, ttl, rl = struct.unpack("!HHIH", r[o:o + 10])
        rd = r[o + 10:o + 10 + rl]
        o += 10 + rl
        if rt == 1:
            out["answers"].append(socket.inet_ntop(socket.AF_INET, rd))
        elif rt == 28:
            out["answers"].append(socket.inet_ntop(socket.AF_INET6, rd))
        elif rt == 12:
            labels, i = [], 0
            while rd[i]:
                labels.append(rd[i + 1:i + 1 + rd[i]].decode())
                i += 1 + rd[i]
            out["answers"].append(".".join(labels))
        out["ttl"] = ttl
    return out


def main():
    kind = sys.argv[1]
    if kind in ("solicit", "request", "inforeq"):
        res = dhcp6(kind, sys.argv[2], sys.argv[3])
    elif kind == "rs":
        res = rs(sys.argv[2], sys.argv[3])
    else:
        res = dns(sys.argv[2], sys.argv[3], sys.argv[4])
    print(json.dumps(res, sort_keys=True))


if __name__ == "__main__":
    main()
