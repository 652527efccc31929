#!/usr/bin/env python3
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
"""UDP load for tests/system/qos.sh.

qos_traffic.py recv PORT SECONDS READY_FILE
    count UDP datagrams to PORT for SECONDS after the first one arrives;
    print "packets bytes dscp" (dscp of the last one, -1 if none; read
    with IP_RECVTOS, no capture needed).
qos_traffic.py send DST PORT MBPS SECONDS SIZE
    send SIZE-byte datagrams to DST:PORT paced at MBPS of payload for
    SECONDS; print "packets bytes".
"""
import socket
import sys
import time


def recv(port, seconds, ready):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4 << 20)
    s.setsockopt(socket.IPPROTO_IP, socket.IP_RECVTOS, 1)
    s.bind(("0.0.0.0", port))
    open(ready, "w").close()
    n = b = 0
    dscp = -1
    end = None
    s.settimeout(0.2)
    while True:
        now = time.monotonic()
        if end is not None and now >= end:
            break
        try:
            data, anc, _, _ = s.recvmsg(65536, socket.CMSG_SPACE(4))
        except socket.timeout:
            if end is None and now > time.monotonic() + 30:
                break
            continue
        if end is None:
            end = time.monotonic() + seconds
        n += 1
        b += len(data)
        for level, kind, val in anc:
            if level == socket.IPPROTO_IP and kind == socket.IP_TOS and val:
                dscp = val[0] >> 2
    print(n, b, dscp)


def send(dst, port, mbps, seconds, size):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    payload = b"q" * size
    pps = mbps * 1e6 / 8 / size
    tick = 0.005
    per_tick = max(1, int(pps * tick))
    n = 0
    start = time.monotonic()
    nxt = start
    while time.monotonic() - start < seconds:
        for _ in range(per_tick):
            try:
                s.sendto(payload, (dst, port))
                n += 1
            except OSError:
                pass
        nxt += tick
        d = nxt - time.monotonic()
        if d > 0:
            time.sleep(d)
    print(n, n * size)


if __name__ == "__main__":
    if sys.argv[1] == "recv":
        recv(int(sys.argv[2]), float(sys.argv[3]), sys.argv[4])
    else:
        send(sys.argv[2], int(sys.argv[3]), float(sys.argv[4]), float(sys.argv[5]),
             int(sys.argv[6]))
