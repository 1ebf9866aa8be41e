#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Many peers and keys through one netlink socket (a CLI run per peer
would take an hour in a slow guest), and churn on them.

  peers.py add IFINDEX FIRST N [--key] [--keepalive I T]
      peers FIRST .. FIRST+N-1: remote 10.200.x.y:1194 and VPN address
      10.100.x.y (x.y from the peer-id), each with an AES-256-GCM primary
      key (--key), keepalive I T seconds (--keepalive)
  peers.py keys IFINDEX FIRST N
      an AES-256-GCM primary key for each of those peers
  peers.py del IFINDEX FIRST N
  peers.py churn IFINDEX FIRST N SECONDS [--seed S]
      for SECONDS, at random among peers FIRST .. FIRST+N-1: delete and
      add again, add a secondary key and swap, delete a key, change the
      VPN address and keepalive
  peers.py owners IFINDEX SECONDS
      for SECONDS: open a socket, create an instance on IFINDEX owned by
      it with 50 peers and keys, close the socket (the instance goes)

Prints one summary line, `op=N ... errors={errno: count}`; exits 1 on a
request that went unanswered or an errno outside what the operation can
meet (a peer or key another worker just took away, a full table).
"""
import os
import random
import socket
import struct
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import nlraw  # noqa: E402

ENOENT, EEXIST, ENOSPC, ENODEV = 2, 17, 28, 19
K32 = bytes(range(32))
TAIL = bytes(range(8))


def A(name, payload, nested=False):
    return nlraw.attr(nlraw.type_of(name), payload, nested)


def u32(v):
    return struct.pack("=I", v)


def be16(v):
    return struct.pack(">H", v)


def addr(base, pid):
    return bytes([base[0], base[1], (pid >> 8) & 0xff, pid & 0xff])


def peer_attrs(pid, keepalive=None, vpn=(10, 100)):
    p = (A("PEER_ID", u32(pid)) + A("PEER_REMOTE_IPV4", addr((10, 200), pid)) +
         A("PEER_REMOTE_PORT", be16(1194)) + A("PEER_VPN_IPV4", addr(vpn, pid)))
    if keepalive:
        p += (A("PEER_KEEPALIVE_INTERVAL", u32(keepalive[0])) +
              A("PEER_KEEPALIVE_TIMEOUT", u32(keepalive[1])))
    return A("PEER", p, True)


def key_attrs(pid, slot, kid):
    d = A("KEYDIR_CIPHER_KEY", K32) + A("KEYDIR_NONCE_TAIL", TAIL)
    kc = (A("KEYCONF_PEER_ID", u32(pid)) + A("KEYCONF_SLOT", u32(slot)) +
          A("KEYCONF_KEY_ID", u32(kid)) +
          A("KEYCONF_CIPHER_ALG", u32(nlraw.NAMES["NF_OVPN_CIPHER_AES_GCM"])) +
          A("KEYCONF_ENCRYPT_DIR", d, True) + A("KEYCONF_DECRYPT_DIR", d, True))
    return A("KEYCONF", kc, True)


class Conn:
    def __init__(self):
        self.sock = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW,
                                  nlraw.NETLINK_GENERIC)
        self.sock.setsockopt(nlraw.SOL_NETLINK, nlraw.NETLINK_EXT_ACK, 1)
        self.sock.bind((0, 0))
        self.sock.settimeout(30)
        self.fam, _ = nlraw.family(self.sock)
        self.seq = 1
        self.counts = {}
        self.errors = {}

    def do(self, op, cmd, payload, ok=()):
        self.seq += 1
        err, msg = nlraw.request(self.sock, self.fam,
                                 nlraw.NAMES["NF_OVPN_CMD_" + cmd], payload,
                                 self.seq)
        self.counts[op] = self.counts.get(op, 0) + 1
        if err:
            self.errors[err] = self.errors.get(err, 0) + 1
            if err not in ok:
                raise SystemExit("peers.py: %s: errno %d (%s)" % (op, err, msg))
        return err

    def summary(self):
        return " ".join("%s=%d" % kv for kv in sorted(self.counts.items())) + \
            " errors=%s" % dict(sorted(self.errors.items()))


def cmd_add(c, ifx, first, n, key, keepalive):
    i = A("IFINDEX", u32(ifx))
    for pid in range(first, first + n):
        c.do("peer_new", "PEER_NEW", i + peer_attrs(pid, keepalive))
        if key:
            c.do("key_new", "KEY_NEW", i + key_attrs(pid, 0, 0))


def cmd_keys(c, ifx, first, n):
    i = A("IFINDEX", u32(ifx))
    for pid in range(first, first + n):
        c.do("key_new", "KEY_NEW", i + key_attrs(pid, 0, 0))


def cmd_del(c, ifx, first, n):
    i = A("IFINDEX", u32(ifx))
    for pid in range(first, first + n):
        c.do("peer_del", "PEER_DEL", i + A("PEER", A("PEER_ID", u32(pid)), True),
             ok=(ENOENT,))


def cmd_churn(c, ifx, first, n, secs, seed):
    rng = random.Random(seed)
    i = A("IFINDEX", u32(ifx))
    gone = (ENOENT, EEXIST, ENOSPC)
    end = time.monotonic() + secs
    while time.monotonic() < end:
        pid = rng.randrange(first, first + n)
        op = rng.randrange(5)
        peer = i + A("PEER", A("PEER_ID", u32(pid)), True)
        if op == 0:
            c.do("peer_del", "PEER_DEL", peer, ok=gone)
            c.do("peer_new", "PEER_NEW", i + peer_attrs(pid), ok=gone)
            c.do("key_new", "KEY_NEW", i + key_attrs(pid, 0, 0), ok=gone)
        elif op == 1:
            c.do("key_new", "KEY_NEW", i + key_attrs(pid, 1, rng.randrange(1, 8)),
                 ok=gone)
            c.do("key_swap", "KEY_SWAP",
                 i + A("KEYCONF", A("KEYCONF_PEER_ID", u32(pid)), True), ok=gone)
        elif op == 2:
            kc = A("KEYCONF_PEER_ID", u32(pid)) + A("KEYCONF_SLOT", u32(1))
            c.do("key_del", "KEY_DEL", i + A("KEYCONF", kc, True), ok=gone)
        elif op == 3:
            c.do("peer_set", "PEER_SET",
                 i + peer_attrs(pid, (rng.randint(1, 30), 3600),
                                vpn=(10, 101)), ok=gone)
        else:
            c.do("peer_get", "PEER_GET", peer, ok=gone)


def cmd_owners(ifx, secs):
    end = time.monotonic() + secs
    total = Conn()
    while time.monotonic() < end:
        c = Conn()
        i = A("IFINDEX", u32(ifx))
        err = c.do("inst_new", "INST_NEW",
                   i + A("INST", A("INST_LOCAL_PORT", be16(1300)), True),
                   ok=(EEXIST,))
        if not err:
            cmd_add(c, ifx, 1, 50, True, None)
        for k, v in c.counts.items():
            total.counts[k] = total.counts.get(k, 0) + v
        for k, v in c.errors.items():
            total.errors[k] = total.errors.get(k, 0) + v
        c.sock.close()             # the instance, peers and keys go with it
        total.counts["closed"] = total.counts.get("closed", 0) + 1
    return total


def main(argv):
    args = argv[1:]
    opts = {}
    for flag, nargs in (("--key", 0), ("--keepalive", 2), ("--seed", 1)):
        if flag in args:
            j = args.index(flag)
            opts[flag] = args[j + 1:j + 1 + nargs]
            del args[j:j + 1 + nargs]
    if not args:
        sys.exit(__doc__)
    what, rest = args[0], [int(x) for x in args[1:]]
    if what == "owners" and len(rest) == 2:
        print(cmd_owners(*rest).summary())
        return 0
    c = Conn()
    if what == "add" and len(rest) == 3:
        ka = [int(x) for x in opts["--keepalive"]] if "--keepalive" in opts else None
        cmd_add(c, *rest, "--key" in opts, ka)
    elif what == "keys" and len(rest) == 3:
        cmd_keys(c, *rest)
    elif what == "del" and len(rest) == 3:
        cmd_del(c, *rest)
    elif what == "churn" and len(rest) == 4:
        cmd_churn(c, *rest, int(opts.get("--seed", ["1"])[0]))
    else:
        sys.exit(__doc__)
    print(c.summary())
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
