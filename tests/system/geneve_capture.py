#!/usr/bin/env python3
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
"""Capture Geneve packets on IFACE for SECS seconds (AF_PACKET, run inside
the node's netns) and print one line per packet:

    vni=N optlen=BYTES crit=0|1 opts=CLASS/TYPE/LEN:DATA,... inner_src=MAC inner_dst=MAC

CLASS, TYPE, DATA in hex; LEN in 4-byte words as on the wire.  Only IPv4
UDP to port 6081 is looked at."""
import socket
import struct
import sys
import time

iface, secs = sys.argv[1], float(sys.argv[2])
s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(0x0003))
s.bind((iface, 0))
s.settimeout(0.2)
end = time.time() + secs
while time.time() < end:
    try:
        f = s.recv(65535)
    except socket.timeout:
        continue
    if len(f) < 14 + 20 + 8 + 8 or f[12:14] != b"\x08\x00":
        continue
    ihl = (f[14] & 0xF) * 4
    if f[14 + 9] != 17:
        continue
    u = 14 + ihl
    dport = struct.unpack("!H", f[u + 2:u + 4])[0]
    if dport != 6081:
        continue
    g = u + 8
    optlen = (f[g] & 0x3F) * 4
    crit = (f[g + 1] >> 6) & 1
    vni = int.from_bytes(f[g + 4:g + 7], "big")
    opts, o = [], g + 8
    while o + 4 <= g + 8 + optlen:
        cls, typ, ln = struct.unpack("!HBB", f[o:o + 4])
        ln &= 0x1F
        data = f[o + 4:o + 4 + ln * 4].hex()
        opts.append("%04x/%02x/%d:%s" % (cls, typ, ln, data))
        o += 4 + ln * 4
    inner = g + 8 + optlen
    dst = f[inner:inner + 6].hex(":")
    src = f[inner + 6:inner + 12].hex(":")
    print("vni=%d optlen=%d crit=%d opts=%s inner_src=%s inner_dst=%s"
          % (vni, optlen, crit, ",".join(opts), src, dst), flush=True)
