#!/usr/bin/env python3
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
"""Count the frames an interface receives for a while:
count_frames.py IFACE SECONDS [--udp-dport N] [--ready FILE] [--dump].

Counts only what the filter selects (--udp-dport: IPv4 UDP to that port),
so a test can ask "did this pod get copies of that traffic" without the
noise of ARP probes and other frames a kernel sends on its own.  Prints
the count on stdout; --dump also prints each counted frame's first 64
bytes in hex on stderr (for a failing test's log).  --ready FILE is
created once the socket is open, so the caller knows when to send."""
import argparse
import select
import socket
import struct
import sys
import time

ETH_P_ALL = 0x0003
PACKET_OUTGOING = 4


def wanted(frame, dport):
    if dport is None:
        return True
    if len(frame) < 14 + 20 + 8 or frame[12:14] != b"\x08\x00":
        return False
    ihl = (frame[14] & 0x0F) * 4
    if frame[14 + 9] != 17 or len(frame) < 14 + ihl + 4:
        return False
    return struct.unpack("!H", frame[14 + ihl + 2:14 + ihl + 4])[0] == dport


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("iface")
    ap.add_argument("seconds", type=float)
    ap.add_argument("--udp-dport", type=int)
    ap.add_argument("--ready")
    ap.add_argument("--dump", action="store_true")
    a = ap.parse_args()

    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(ETH_P_ALL))
    s.bind((a.iface, 0))
    if a.ready:
        open(a.ready, "w").close()
    n = 0
    end = time.monotonic() + a.seconds
    while True:
        left = end - time.monotonic()
        if left <= 0:
            break
        if not select.select([s], [], [], left)[0]:
            continue
        frame, addr = s.recvfrom(65535)
        if addr[2] == PACKET_OUTGOING or not wanted(frame, a.udp_dport):
            continue
        n += 1
        if a.dump:
            print(frame[:64].hex(), file=sys.stderr)
    print(n)


if __name__ == "__main__":
    main()
