#!/usr/bin/env python3
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
"""Send one unsolicited IPv6 Neighbour Advertisement (to ff02::1, override
flag, target link-layer address option): send_na.py IFACE MAC IP6."""
import socket
import struct
import sys


def csum(data):
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF


def main():
    iface, mac, ip6 = sys.argv[1:4]
    smac = bytes.fromhex(mac.replace(":", ""))
    src = socket.inet_pton(socket.AF_INET6, ip6)
    dst = socket.inet_pton(socket.AF_INET6, "ff02::1")
    # type 136, code 0, flags: override (0x20000000), target, TLL option
    body = struct.pack("!BBHI", 136, 0, 0, 0x20000000) + src + bytes([2, 1]) + smac
    pseudo = src + dst + struct.pack("!I3xB", len(body), 58)
    body = body[:2] + struct.pack("!H", csum(pseudo + body)) + body[4:]
    ip = struct.pack("!IHBB", 0x60000000, len(body), 58, 255) + src + dst
    eth = bytes.fromhex("333300000001") + smac + b"\x86\xdd"
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
    s.bind((iface, 0))
    s.send(eth + ip + body)


if __name__ == "__main__":
    main()
