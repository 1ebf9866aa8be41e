#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Datagrams in the shapes a UDP socket never sends by itself.

  udpcraft.py capture PORT N FILE
      receive N datagrams on 127.0.0.1:PORT (5 s at most), one hex line
      each into FILE: what `ovpn-peer send --remote 127.0.0.1:PORT` built
  udpcraft.py pad SRC SPORT DST DPORT PADLEN FILE
      send each datagram of FILE from SRC:SPORT to DST:DPORT (IPv4) through
      a raw socket, with PADLEN zero bytes after it inside the IP packet
      (IP total length > UDP length, as a padding middlebox would leave it)
  udpcraft.py gso SRC SPORT DST DPORT FILE
      send all datagrams of FILE (all of one size) in one UDP_SEGMENT
      write: a GSO train that a veth passes to its peer unsplit
"""
import socket
import struct
import sys

UDP_SEGMENT = 103


def read_hex(path):
    with open(path) as f:
        return [bytes.fromhex(line.strip()) for line in f if line.strip()]


def capture(port, n, path):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind(("127.0.0.1", int(port)))
    s.settimeout(5)
    got = []
    try:
        while len(got) < int(n):
            got.append(s.recv(65535))
    except socket.timeout:
        pass
    with open(path, "w") as f:
        for d in got:
            f.write(d.hex() + "\n")
    if len(got) != int(n):
        sys.exit("udpcraft: captured %d of %s datagrams" % (len(got), n))


def csum(data):
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF


def pad(src, sport, dst, dport, padlen, path):
    s = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_RAW)
    saddr, daddr = socket.inet_aton(src), socket.inet_aton(dst)
    for payload in read_hex(path):
        ulen = 8 + len(payload)
        udp = struct.pack("!HHHH", int(sport), int(dport), ulen, 0) + payload
        pseudo = saddr + daddr + struct.pack("!BBH", 0, 17, ulen)
        c = csum(pseudo + udp) or 0xFFFF
        udp = udp[:6] + struct.pack("!H", c) + udp[8:]
        total = 20 + ulen + int(padlen)
        # the kernel fills in the IP checksum (and the id, left 0)
        ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, total, 0, 0, 64, 17, 0,
                         saddr, daddr)
        s.sendto(ip + udp + bytes(int(padlen)), (dst, 0))


def gso(src, sport, dst, dport, path):
    grams = read_hex(path)
    size = len(grams[0])
    if any(len(g) != size for g in grams):
        sys.exit("udpcraft: gso needs datagrams of one size")
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind((src, int(sport)))
    s.setsockopt(socket.IPPROTO_UDP, UDP_SEGMENT, size)
    s.sendto(b"".join(grams), (dst, int(dport)))


def main(argv):
    cmds = {"capture": (capture, 3), "pad": (pad, 6), "gso": (gso, 5)}
    if len(argv) < 2 or argv[1] not in cmds or len(argv) - 2 != cmds[argv[1]][1]:
        sys.exit(__doc__)
    fn, _ = cmds[argv[1]]
    fn(*argv[2:])


if __name__ == "__main__":
    main(sys.argv)
