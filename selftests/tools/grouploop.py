#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""grouploop.py DEV DEST: send one UDP datagram to the multicast or
broadcast address DEST out of DEV, and report whether this host's own
listener got the copy the stack loops back ("looped") or not ("lost").

A multicast DEST is joined on DEV first; a broadcast one is received by a
socket bound to the port on any address.  Exit 0 when looped, 1 when lost,
2 on a usage or setup error.
"""
import ipaddress
import select
import socket
import struct
import sys

PORT = 4242


def main():
    if len(sys.argv) != 3:
        sys.exit("usage: grouploop.py DEV DEST")
    dev, dest = sys.argv[1], ipaddress.ip_address(sys.argv[2])
    try:
        ifindex = socket.if_nametoindex(dev)
    except OSError as e:
        print("grouploop: %s: %s" % (dev, e), file=sys.stderr)
        return 2
    fam = socket.AF_INET6 if dest.version == 6 else socket.AF_INET
    rx = socket.socket(fam, socket.SOCK_DGRAM)
    tx = socket.socket(fam, socket.SOCK_DGRAM)
    rx.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    if fam == socket.AF_INET6:
        rx.bind(("::", PORT))
        mreq = dest.packed + struct.pack("@I", ifindex)
        rx.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_JOIN_GROUP, mreq)
        tx.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_MULTICAST_IF, ifindex)
        tx.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_MULTICAST_LOOP, 1)
    else:
        rx.bind(("0.0.0.0", PORT))
        if dest.is_multicast:
            mreqn = dest.packed + bytes(4) + struct.pack("@i", ifindex)
            rx.setsockopt(socket.IPPROTO_IP, socket.IP_ADD_MEMBERSHIP, mreqn)
            tx.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_IF, mreqn)
            tx.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_LOOP, 1)
        else:
            tx.setsockopt(socket.SOL_SOCKET, socket.SO_BROADCAST, 1)
            tx.setsockopt(socket.SOL_SOCKET, socket.SO_BINDTODEVICE,
                          dev.encode())
    payload = b"grouploop"
    tx.sendto(payload, (str(dest), PORT))
    r, _, _ = select.select([rx], [], [], 2.0)
    if r and rx.recv(64) == payload:
        print("looped")
        return 0
    print("lost")
    return 1


if __name__ == "__main__":
    sys.exit(main())
