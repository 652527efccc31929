#!/usr/bin/env python3
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
"""name_srv.py [--per-conn] [--peer] [--port P] [--udp PORT] [NAME]

The backend of the load-balancer system tests: tells the client who
answered.  TCP on port P (8080) over IPv4 and IPv6: every line a client
sends is answered with NAME, or with --per-conn NAME is sent once on
accept and the connection closed.  --udp PORT: every IPv4 datagram on PORT
is answered with NAME too.  --peer: answer with the client's address as
this end sees it instead of NAME (hairpin SNAT checks).
"""
import argparse
import socket
import threading


def answer(args, peer):
    return (peer if args.peer else args.name).encode()


def serve_lines(args, c, peer):
    try:
        for _ in c.makefile("rb"):
            c.sendall(answer(args, peer) + b"\n")
    except OSError:
        pass
    c.close()


def tcp(args, fam, addr):
    s = socket.socket(fam, socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    if fam == socket.AF_INET6:
        s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
    try:
        s.bind((addr, args.port))
    except OSError:
        return  # no IPv6 in this namespace: IPv4 only
    s.listen(128)
    while True:
        c, peer = s.accept()
        if args.per_conn:
            try:
                c.sendall(answer(args, peer[0]) + b"\n")
            except OSError:
                pass
            c.close()
        else:
            threading.Thread(target=serve_lines, args=(args, c, peer[0]),
                             daemon=True).start()


def udp(args):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind(("0.0.0.0", args.udp))
    while True:
        _, peer = s.recvfrom(100)
        s.sendto(answer(args, peer[0]), peer)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("name", nargs="?", default="")
    ap.add_argument("--per-conn", action="store_true")
    ap.add_argument("--peer", action="store_true")
    ap.add_argument("--port", type=int, default=8080)
    ap.add_argument("--udp", type=int)
    args = ap.parse_args()
    threads = [threading.Thread(target=tcp, args=(args, f, a), daemon=True)
               for f, a in ((socket.AF_INET, "0.0.0.0"), (socket.AF_INET6, "::"))]
    for t in threads:
        t.start()
    if args.udp:
        udp(args)
    for t in threads:
        t.join()


if __name__ == "__main__":
    main()
