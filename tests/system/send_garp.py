#!/usr/bin/env python3
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
"""Send one gratuitous ARP request (sender = target = IP, to the broadcast
address), as keepalived does when it takes a virtual address over:
send_garp.py IFACE MAC IP."""
import socket
import struct
import sys


def main():
    iface, mac, ip = sys.argv[1:4]
    smac = bytes.fromhex(mac.replace(":", ""))
    spa = socket.inet_aton(ip)
    # htype 1, ptype IPv4, hlen 6, plen 4, op 1 (request)
    arp = struct.pack("!HHBBH", 1, 0x0800, 6, 4, 1) + smac + spa + bytes(6) + spa
    eth = b"\xff" * 6 + smac + b"\x08\x06"
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
    s.bind((iface, 0))
    s.send(eth + arp + bytes(18))


if __name__ == "__main__":
    main()
