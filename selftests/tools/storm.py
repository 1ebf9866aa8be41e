#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""A storm of random and mutated OpenVPN datagrams at a live instance.

  storm.py SRC SPORT DST DPORT SEEDS N [--seed S] [--dst6 ADDR]

SEEDS holds valid data-channel datagrams (UDP payloads, one hex line
each: udpcraft.py capture).  N datagrams are sent to DST:DPORT, each one
of the shapes below, picked at random (reproducibly: --seed).  Valid
originals and their mutations leave from SRC:SPORT (the peer's own
endpoint, through a raw socket), so an original that authenticates does
not float the peer; the rest leave from random ports.  With --dst6, one in
ten goes to [ADDR]:DPORT over IPv6 (plain UDP socket) instead.

  replay    an original, again
  flip      1-4 bytes of an original flipped
  trunc     an original cut short (0 .. len-1 bytes)
  extend    an original with 1-64 random bytes appended
  peerid    an original with a random peer-id
  keyid     an original with a random key-id
  opcode    an original with a random first byte
  garbage   0-1400 random bytes
  frag      an original grown to 1600-4000 bytes: IP fragments
  pad       an original with 1-32 bytes of IP padding after the datagram
  udplen    UDP length beyond the IP payload (the UDP stack's to drop)
  csum      a wrong UDP checksum (the UDP stack's to drop)

Half of the flip, extend and frag datagrams also get a fresh packet-id, so
that they pass the replay check and fail authentication instead.  Prints
one line: the count of each shape sent.
"""
import os
import random
import socket
import struct
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from udpcraft import csum  # noqa: E402

SHAPES = ["replay", "flip", "trunc", "extend", "peerid", "keyid", "opcode",
          "garbage", "frag", "pad", "udplen", "csum"]


def udp_csum(src, dst, udp):
    pseudo = socket.inet_aton(src) + socket.inet_aton(dst) + \
        struct.pack("!BBH", 0, 17, len(udp))
    c = csum(pseudo + udp)
    return c or 0xffff


def ip_udp(src, sport, dst, dport, payload, pad=0, ulen_extra=0,
           bad_csum=False):
    ulen = 8 + len(payload)
    udp = struct.pack("!HHHH", sport, dport, ulen, 0) + payload
    c = udp_csum(src, dst, udp)
    if bad_csum:
        c ^= 0x5a5a
    udp = struct.pack("!HHHH", sport, dport, ulen + ulen_extra, c) + payload
    total = 20 + len(udp) + pad
    ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, total, 0, 0x4000, 64, 17, 0,
                     socket.inet_aton(src), socket.inet_aton(dst))
    return ip + udp + b"\0" * pad


def main(argv):
    args = argv[1:]
    seed, dst6 = 1, None
    while "--seed" in args:
        i = args.index("--seed")
        seed = int(args[i + 1])
        del args[i:i + 2]
    while "--dst6" in args:
        i = args.index("--dst6")
        dst6 = args[i + 1]
        del args[i:i + 2]
    if len(args) != 6:
        sys.exit(__doc__)
    src, sport, dst, dport, seeds, n = args
    sport, dport, n = int(sport), int(dport), int(n)
    with open(seeds) as f:
        originals = [bytes.fromhex(x.strip()) for x in f if x.strip()]
    if not originals:
        sys.exit("storm.py: no seed datagrams in %s" % seeds)
    rng = random.Random(seed)

    raw = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_RAW)
    raw.setsockopt(socket.IPPROTO_IP, socket.IP_HDRINCL, 1)
    plain = []
    for _ in range(8):
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        s.bind((src, 0))
        plain.append(s)
    plain6 = []
    if dst6:
        for _ in range(4):
            s = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
            s.bind(("::", 0))
            plain6.append(s)
    sent = dict((s, 0) for s in SHAPES)
    sent["ipv6"] = 0

    for _ in range(n):
        shape = rng.choice(SHAPES)
        p = bytearray(rng.choice(originals))
        pad = extra = 0
        bad = False
        # half of the mutations carry a fresh packet-id, so that they
        # reach the AEAD (and fail there) instead of the replay check
        if shape in ("flip", "extend", "frag") and rng.random() < 0.5 and \
                len(p) >= 8:
            at = 4 if p[0] >> 3 == 9 else 1
            p[at:at + 4] = struct.pack("!I", rng.randint(1 << 16, 0xffffffff))
        if shape == "flip":
            for _ in range(rng.randint(1, 4)):
                p[rng.randrange(len(p))] ^= 1 << rng.randrange(8)
        elif shape == "trunc":
            p = p[:rng.randrange(len(p))]
        elif shape == "extend":
            p += rng.randbytes(rng.randint(1, 64))
        elif shape == "peerid" and len(p) >= 4:
            p[1:4] = rng.randbytes(3)
        elif shape == "keyid":
            p[0] = (p[0] & 0xf8) | rng.randrange(8)
        elif shape == "opcode":
            p[0] = rng.randrange(256)
        elif shape == "garbage":
            p = bytearray(rng.randbytes(rng.randint(0, 1400)))
        elif shape == "frag":
            p += rng.randbytes(rng.randint(1600, 4000) - len(p))
        elif shape == "pad":
            pad = rng.randint(1, 32)
        elif shape == "udplen":
            extra = rng.randint(1, 200)
        elif shape == "csum":
            bad = True
        p = bytes(p)
        if dst6 and rng.randrange(10) == 0:
            rng.choice(plain6).sendto(p, (dst6, dport))
            sent["ipv6"] += 1
        elif shape in ("frag", "garbage"):
            rng.choice(plain).sendto(p, (dst, dport))
        else:
            raw.sendto(ip_udp(src, sport, dst, dport, p, pad, extra, bad),
                       (dst, 0))
        sent[shape] += 1
    print(" ".join("%s=%d" % kv for kv in sent.items()))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
