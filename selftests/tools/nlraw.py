#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Send one hand-built nf_ovpn generic netlink request and print the answer.

Used by selftests/netlink_bad.sh to feed the module requests the nfovpn CLI
would never build (missing, oversized, truncated or unknown attributes, bad
key lengths, unknown ciphers).  Attribute trees are given as a small
expression language on the command line:

    nlraw.py [--hold] CMD ATTR...
    nlraw.py --notify CMD ATTR...
    nlraw.py --join
    nlraw.py --reserved N CMD ATTR...
    nlraw.py --hex [--dump] CMD ATTR...
    ATTR := TYPE=u8:N | TYPE=u16:N | TYPE=be16:N | TYPE=u32:N | TYPE=hex:HEX
          | TYPE=str:TEXT | TYPE=flag | TYPE={ ATTR... } | raw:HEX
TYPE is a number or a NAME from kmod/uapi/nf_ovpn.h without its prefix
(e.g. IFINDEX, INST, INST_LOCAL_PORT).  Prints `errno=N msg=TEXT` (N = 0
on success) and exits 0; exits 2 on usage errors.  --hold keeps the socket
open afterwards (until killed), to test what the socket owns.
--notify multicasts the message to the family's "peers" group instead, as
the kernel sends its notifications (needs CAP_NET_ADMIN): what a listener
such as the patched OpenVPN makes of a notification the kernel would send
only in a rare race.  Prints `sent to group N`.
--join tries to join the "peers" group and prints `errno=N msg=...`.
--reserved N puts N into the generic netlink header's reserved field.
--hex prints every message of the answer in hex, a line each, before
the errno line; --dump (after --hex) asks for a dump.

    nlraw.py --lines
reads requests from stdin, one per line, each the arguments above in shell
quoting, and answers each with one line: Python starts once for a whole
test, which matters in a slow guest.
"""
import os
import signal
import re
import shlex
import socket
import struct
import sys

NETLINK_GENERIC = 16
GENL_ID_CTRL = 16
CTRL_CMD_GETFAMILY = 3
CTRL_ATTR_FAMILY_ID = 1
CTRL_ATTR_FAMILY_NAME = 2
CTRL_ATTR_MCAST_GROUPS = 7
CTRL_ATTR_MCAST_GRP_NAME = 1
CTRL_ATTR_MCAST_GRP_ID = 2
NLM_F_REQUEST = 1
NLM_F_ACK = 4
NLMSG_ERROR = 2
NLMSG_DONE = 3
NLM_F_DUMP = 0x300
NETLINK_EXT_ACK = 11
NETLINK_ADD_MEMBERSHIP = 1
NLMSGERR_ATTR_MSG = 1
SOL_NETLINK = 270

HERE = os.path.dirname(os.path.abspath(__file__))
UAPI = os.path.join(HERE, "..", "..", "kmod", "uapi", "nf_ovpn.h")


def load_names():
    """enum constants of the uapi header, by their name without prefix"""
    names = {}
    text = open(UAPI).read()
    for body in re.findall(r"enum\s+\w+\s*{(.*?)};", text, re.S):
        val = 0
        for item in re.sub(r"/\*.*?\*/", "", body, flags=re.S).split(","):
            item = item.strip()
            if not item:
                continue
            if "=" in item:
                name, expr = [x.strip() for x in item.split("=", 1)]
                # NAME = OTHER - 1 style expressions: not needed, skip
                try:
                    val = names[expr] if expr in names else int(expr, 0)
                except ValueError:
                    continue
            else:
                name = item
            names[name] = val
            val += 1
    return names


NAMES = load_names()


def attr(atype, payload, nested=False):
    hdr = struct.pack("=HH", 4 + len(payload), atype | (0x8000 if nested else 0))
    pad = b"\0" * ((4 - len(payload) % 4) % 4)
    return hdr + payload + pad


def type_of(name):
    if name.isdigit():
        return int(name)
    for prefix in ("NF_OVPN_A_", "NF_OVPN_"):
        if prefix + name in NAMES:
            return NAMES[prefix + name]
    raise SystemExit("nlraw: unknown attribute %s" % name)


def parse(tokens):
    out = b""
    while tokens:
        tok = tokens.pop(0)
        if tok == "}":
            return out
        if tok.startswith("raw:"):
            out += bytes.fromhex(tok[4:])
            continue
        name, _, spec = tok.partition("=")
        atype = type_of(name)
        if spec == "{":
            out += attr(atype, parse(tokens), nested=True)
            continue
        kind, _, val = spec.partition(":")
        if kind == "u8":
            payload = struct.pack("=B", int(val, 0))
        elif kind == "u16":
            payload = struct.pack("=H", int(val, 0))
        elif kind == "be16":
            payload = struct.pack(">H", int(val, 0))
        elif kind == "u32":
            payload = struct.pack("=I", int(val, 0))
        elif kind == "hex":
            payload = bytes.fromhex(val)
        elif kind == "str":
            payload = val.encode() + b"\0"
        elif kind == "flag":
            payload = b""
        else:
            raise SystemExit("nlraw: bad attribute spec %s" % tok)
        out += attr(atype, payload)
    return out


def request(sock, family, cmd, payload, seq, reserved=0, flags=0, replies=None):
    """send, wait for the ACK or error (or a dump's DONE); the messages
    before it go to @replies when given"""
    genl = struct.pack("=BBH", cmd, 1, reserved)
    msg = genl + payload
    hdr = struct.pack("=IHHII", 16 + len(msg), family,
                      NLM_F_REQUEST | NLM_F_ACK | flags, seq, 0)
    sock.send(hdr + msg)
    while True:
        data = sock.recv(1 << 20)
        off = 0
        while off < len(data):
            length, mtype, mflags, rseq, _ = struct.unpack_from("=IHHII", data, off)
            if mtype == NLMSG_ERROR:
                err = -struct.unpack_from("=i", data, off + 16)[0]
                return err, extack_msg(data[off:off + length], mflags)
            if mtype == NLMSG_DONE:
                return 0, "done"
            if replies is not None:
                replies.append(data[off:off + length])
            off += (length + 3) & ~3


def extack_msg(msg, flags):
    # error header (16) + errno (4) + original header (16, capped) [+ payload]
    orig_len = struct.unpack_from("=I", msg, 20)[0]
    off = 20 + (16 if flags & 0x100 else orig_len)  # NLM_F_CAPPED
    off = (off + 3) & ~3
    while off + 4 <= len(msg):
        alen, atype = struct.unpack_from("=HH", msg, off)
        if alen < 4:
            break
        if atype == NLMSGERR_ATTR_MSG:
            return msg[off + 4:off + alen].rstrip(b"\0").decode()
        off += (alen + 3) & ~3
    return ""


def attrs(data, off, end):
    """(type, payload) of the attributes in data[off:end]"""
    while off + 4 <= end:
        alen, atype = struct.unpack_from("=HH", data, off)
        if alen < 4:
            break
        yield atype & 0x3fff, data[off + 4:off + alen]
        off += (alen + 3) & ~3


def family(sock):
    """the family's id and its multicast groups by name"""
    payload = attr(CTRL_ATTR_FAMILY_NAME, b"nf_ovpn\0")
    genl = struct.pack("=BBH", CTRL_CMD_GETFAMILY, 1, 0)
    hdr = struct.pack("=IHHII", 20 + len(payload), GENL_ID_CTRL, NLM_F_REQUEST, 1, 0)
    sock.send(hdr + genl + payload)
    data = sock.recv(65536)
    mtype = struct.unpack_from("=H", data, 4)[0]
    if mtype == NLMSG_ERROR:
        raise SystemExit("nlraw: nf_ovpn family not found")
    fam, groups = None, {}
    for atype, val in attrs(data, 20, struct.unpack_from("=I", data, 0)[0]):
        if atype == CTRL_ATTR_FAMILY_ID:
            fam = struct.unpack_from("=H", val)[0]
        elif atype == CTRL_ATTR_MCAST_GROUPS:
            for _, grp in attrs(val, 0, len(val)):
                g = dict(attrs(grp, 0, len(grp)))
                if CTRL_ATTR_MCAST_GRP_NAME in g and CTRL_ATTR_MCAST_GRP_ID in g:
                    name = g[CTRL_ATTR_MCAST_GRP_NAME].rstrip(b"\0").decode()
                    groups[name] = struct.unpack("=I", g[CTRL_ATTR_MCAST_GRP_ID])[0]
    if fam is None:
        raise SystemExit("nlraw: no family id in reply")
    return fam, groups


def notify(sock, fam, groups, cmd, payload):
    grp = groups.get("peers")
    if grp is None:
        raise SystemExit("nlraw: the family has no \"peers\" group")
    if not 1 <= grp <= 32:
        raise SystemExit("nlraw: group id %d cannot be addressed by bitmask" % grp)
    genl = struct.pack("=BBH", cmd, 1, 0)
    hdr = struct.pack("=IHHII", 20 + len(payload), fam, 0, 0, 0)
    # no NLM_F_REQUEST: the copy to the kernel is not a request
    sock.sendto(hdr + genl + payload, (0, 1 << (grp - 1)))
    print("sent to group %d" % grp, flush=True)


def join(sock, groups):
    try:
        sock.setsockopt(SOL_NETLINK, NETLINK_ADD_MEMBERSHIP, groups["peers"])
    except OSError as e:
        print("errno=%d msg=%s" % (e.errno, e.strerror), flush=True)
        return 0
    print("errno=0 msg=joined group %d" % groups["peers"], flush=True)
    return 0


def lines():
    """--lines: one request per line of stdin, one answer line each"""
    for line in sys.stdin:
        args = shlex.split(line)
        if not args:
            continue
        if args[0] in ("--lines", "--hold"):
            print("errno=usage msg=%s not in --lines mode" % args[0], flush=True)
            continue
        try:
            if main(["nlraw.py"] + args) == 2:
                print("errno=usage msg=bad request", flush=True)
        except SystemExit as e:
            print("errno=exit msg=%s" % e, flush=True)
        except (ValueError, KeyError, IndexError) as e:
            print("errno=usage msg=%s" % e, flush=True)
    return 0


def main(argv):
    if len(argv) == 2 and argv[1] == "--lines":
        return lines()
    mode, reserved, flags = None, 0, 0
    if len(argv) > 2 and argv[1] == "--hex" and argv[2] == "--dump":
        flags = NLM_F_DUMP
        argv = argv[:2] + argv[3:]
    if len(argv) > 1 and argv[1] in ("--hold", "--notify", "--join", "--hex"):
        mode = argv[1]
        argv = argv[1:]
    elif len(argv) > 2 and argv[1] == "--reserved":
        reserved = int(argv[2], 0)
        argv = argv[2:]
    sock = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, NETLINK_GENERIC)
    sock.setsockopt(SOL_NETLINK, NETLINK_EXT_ACK, 1)
    sock.bind((0, 0))
    sock.settimeout(10)
    if mode == "--join":
        return join(sock, family(sock)[1])
    if len(argv) < 2:
        print(__doc__, file=sys.stderr)
        return 2
    cmd = argv[1]
    cmdno = int(cmd) if cmd.isdigit() else NAMES.get("NF_OVPN_CMD_" + cmd)
    if cmdno is None:
        print("nlraw: unknown command %s" % cmd, file=sys.stderr)
        return 2
    payload = parse(list(argv[2:]))
    fam, groups = family(sock)
    if mode == "--notify":
        notify(sock, fam, groups, cmdno, payload)
        return 0
    try:
        replies = [] if mode == "--hex" else None
        err, msg = request(sock, fam, cmdno, payload, 2, reserved, flags,
                           replies)
    except socket.timeout:
        print("errno=timeout msg=no answer within 10 s", flush=True)
        return 1
    for r in replies or []:
        print(r.hex())
    print("errno=%d msg=%s" % (err, msg), flush=True)
    while mode == "--hold":
        signal.pause()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
