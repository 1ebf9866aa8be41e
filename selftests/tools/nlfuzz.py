#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Mutated nf_ovpn generic netlink requests, many, at the live module.

  nlfuzz.py IFINDEX N [--seed S]

Valid requests for the tun device IFINDEX (an instance, peers with
addresses, iroutes and keepalive, keys of every cipher, swaps, sets, gets,
dumps, deletes) are the seeds; each of the N requests is one of them,
mutated: bytes flipped, cut short, attribute lengths or types rewritten,
attributes duplicated, random attributes and nests appended, the command
or the dump flag changed.  Every so often the valid requests are sent
unmutated, so that peers and keys exist for the mutated ones to reach.
The attribute language is nlraw.py's.

Every request must be answered (an ACK, an error, or a dump ending in
DONE).  Prints one line, `requests=N answered=N errors={errno: count}`,
and exits 1 if any request went unanswered.
"""
import os
import random
import socket
import struct
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import nlraw  # noqa: E402

NLM_F_DUMP = 0x300
NLMSG_DONE = 3

K16 = "00112233445566778899aabbccddeeff"
K32 = K16 + K16
N8 = "0102030405060708"


def seeds(ifx):
    i = "IFINDEX=u32:%d" % ifx

    def peer(pid, extra=""):
        return ("PEER_NEW %s PEER={ PEER_ID=u32:%d PEER_REMOTE_IPV4=hex:0a0000%02x "
                "PEER_REMOTE_PORT=be16:1194 PEER_VPN_IPV4=hex:0a0800%02x %s }"
                % (i, pid, pid, pid, extra))

    def key(pid, slot, kid, alg, k):
        return ("KEY_NEW %s KEYCONF={ KEYCONF_PEER_ID=u32:%d KEYCONF_SLOT=u32:%d "
                "KEYCONF_KEY_ID=u32:%d KEYCONF_CIPHER_ALG=u32:%d "
                "KEYCONF_ENCRYPT_DIR={ KEYDIR_CIPHER_KEY=hex:%s KEYDIR_NONCE_TAIL=hex:%s } "
                "KEYCONF_DECRYPT_DIR={ KEYDIR_CIPHER_KEY=hex:%s KEYDIR_NONCE_TAIL=hex:%s } }"
                % (i, pid, slot, kid, alg, k, N8, k, N8))

    return [
        "INST_NEW %s INST={ INST_LOCAL_PORT=be16:1194 INST_PERSIST=flag }" % i,
        peer(1),
        peer(2, "PEER_KEEPALIVE_INTERVAL=u32:10 PEER_KEEPALIVE_TIMEOUT=u32:60 "
             "PEER_IROUTE={ IROUTE_IPV4=hex:c0a80000 IROUTE_PREFIXLEN=u8:24 }"),
        peer(3, "PEER_VPN_IPV6=hex:fd000008000000000000000000000003"),
        key(1, 0, 0, 1, K16),
        key(1, 1, 1, 1, K32),
        key(2, 0, 3, 2, K32),
        key(3, 0, 0, 1, K16),
        "KEY_SWAP %s KEYCONF={ KEYCONF_PEER_ID=u32:1 }" % i,
        "KEY_GET %s KEYCONF={ KEYCONF_PEER_ID=u32:1 KEYCONF_SLOT=u32:0 }" % i,
        "KEY_DEL %s KEYCONF={ KEYCONF_PEER_ID=u32:1 KEYCONF_SLOT=u32:1 }" % i,
        "PEER_SET %s PEER={ PEER_ID=u32:2 PEER_VPN_IPV4=hex:0a080009 }" % i,
        "PEER_GET %s PEER={ PEER_ID=u32:1 }" % i,
        "PEER_GET %s" % i,
        "INST_GET %s" % i,
        "STATUS_GET",
        "PEER_DEL %s PEER={ PEER_ID=u32:3 }" % i,
    ]


def compile_seed(text):
    tok = text.split()
    cmd = nlraw.NAMES["NF_OVPN_CMD_" + tok[0]]
    return cmd, nlraw.parse(tok[1:]), tok[0].endswith("_GET")


def attr_offsets(payload):
    """offsets of the top-level attribute headers that parse"""
    off, out = 0, []
    while off + 4 <= len(payload):
        alen = struct.unpack_from("=H", payload, off)[0]
        if alen < 4:
            break
        out.append(off)
        off += (alen + 3) & ~3
    return out


def mutate(rng, payload):
    p = bytearray(payload)
    for _ in range(rng.randint(1, 3)):
        m = rng.randrange(7)
        offs = attr_offsets(bytes(p))
        if m == 0 and p:                       # flip bytes
            for _ in range(rng.randint(1, 8)):
                p[rng.randrange(len(p))] ^= 1 << rng.randrange(8)
        elif m == 1 and p:                     # cut short
            p = p[:rng.randrange(len(p))]
        elif m == 2 and offs:                  # rewrite an attribute length
            o = rng.choice(offs)
            struct.pack_into("=H", p, o, rng.choice(
                [0, 1, 3, 4, 5, 7, 8, rng.randrange(65536)]))
        elif m == 3 and offs:                  # rewrite an attribute type
            o = rng.choice(offs)
            struct.pack_into("=H", p, o + 2, rng.randrange(65536))
        elif m == 4 and offs:                  # duplicate an attribute
            o = rng.choice(offs)
            alen = struct.unpack_from("=H", p, o)[0]
            p += p[o:o + ((alen + 3) & ~3)]
        elif m == 5:                           # a random attribute
            body = rng.randbytes(rng.choice([0, 1, 2, 4, 8, 16, 32, 33, 300]))
            p += nlraw.attr(rng.randrange(64), body, rng.random() < 0.3)
        else:                                  # a nest of random attributes
            inner = b"".join(nlraw.attr(rng.randrange(16),
                                        rng.randbytes(rng.randrange(40)))
                             for _ in range(rng.randint(1, 4)))
            p += nlraw.attr(rng.randrange(16), inner, True)
    return bytes(p)


def send(sock, fam, cmd, payload, flags, seq):
    """send one request; the errno of its answer, or None if none came"""
    genl = struct.pack("=BBH", cmd, 1, 0)
    hdr = struct.pack("=IHHII", 20 + len(payload), fam, flags, seq, 0)
    sock.send(hdr + genl + payload)
    while True:
        try:
            data = sock.recv(1 << 20)
        except socket.timeout:
            return None
        off = 0
        while off + 16 <= len(data):
            length, mtype, _, rseq, _ = struct.unpack_from("=IHHII", data, off)
            if length < 16:
                break
            if rseq == seq:
                if mtype == nlraw.NLMSG_ERROR:
                    return -struct.unpack_from("=i", data, off + 16)[0]
                if mtype == NLMSG_DONE:
                    return 0
            off += (length + 3) & ~3


def main(argv):
    args = argv[1:]
    seed = 1
    if "--seed" in args:
        i = args.index("--seed")
        seed = int(args[i + 1])
        del args[i:i + 2]
    if len(args) != 2:
        sys.exit(__doc__)
    ifx, n = int(args[0]), int(args[1])
    rng = random.Random(seed)
    sock = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, nlraw.NETLINK_GENERIC)
    sock.setsockopt(nlraw.SOL_NETLINK, nlraw.NETLINK_EXT_ACK, 1)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1 << 20)
    sock.bind((0, 0))
    sock.settimeout(10)
    fam, _ = nlraw.family(sock)
    base = [compile_seed(s) for s in seeds(ifx)]
    errors, answered, seq = {}, 0, 100

    for k in range(n):
        if k % 200 == 0:        # the objects the mutations should reach
            for cmd, payload, _ in base:
                seq += 1
                send(sock, fam, cmd, payload, nlraw.NLM_F_REQUEST | nlraw.NLM_F_ACK, seq)
        cmd, payload, can_dump = rng.choice(base)
        payload = mutate(rng, payload)
        if rng.random() < 0.05:
            cmd = rng.randrange(20)
        flags = nlraw.NLM_F_REQUEST | nlraw.NLM_F_ACK
        if can_dump and rng.random() < 0.3 or rng.random() < 0.03:
            flags |= NLM_F_DUMP
        seq += 1
        err = send(sock, fam, cmd, payload, flags, seq)
        if err is None:
            print("request %d (cmd %d, flags %#x, %s) unanswered"
                  % (k, cmd, flags, payload.hex()))
            continue
        answered += 1
        errors[err] = errors.get(err, 0) + 1
    print("requests=%d answered=%d errors=%s"
          % (n, answered, dict(sorted(errors.items()))))
    return 0 if answered == n else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
