#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Check an OpenVPN server's AEAD nonces in a pcap, count data packets.

In OpenVPN's AEAD data channel the 32-bit packet-id is the variable part of
the nonce, so a key must never send one packet-id twice.  Keys are not
visible on the wire; what is visible is the key-id (0..7) and the resets
that start a new key: a P_CONTROL_SOFT_RESET_V1 (opcode 3) with key-id K
the server sends starts a new key K for that destination, a
P_CONTROL_HARD_RESET_SERVER_V2 (opcode 8) a new TLS session whose keys
are all new.  Within one such key epoch, and as long as no destination
renegotiated more than 7 times between resets seen (key-ids never wrap),
(destination address:port, epoch, key-id, packet-id) must be unique over
every P_DATA_V1/P_DATA_V2 packet the server sent.  Only resets the server
itself sent count, so a client cannot hide a repeat by sending resets.

  pdata-nonces.py [options] FILE.pcap
    --server-port N     the server's UDP port (source of what it sent)
    --server ADDR       the server's outer address (repeatable)
    --duplicate-one     feed the first server-sent data packet twice
                        (the check must then fail: proves it can)
    --count ADDR:PORT,T0,T1
                        also print the P_DATA packets from and to this
                        client endpoint with T0 <= time <= T1 (seconds
                        since the epoch) as "count ADDR:PORT to_client N
                        from_client M to_keyids I,.. from_keyids J,.."
                        (repeatable)
    --selftest          build pcaps in memory with and without a
                        repeated nonce and check both verdicts

Exit status: 0 no repeated nonce, 1 a repeated nonce, 2 usage/format error.
Reads classic pcap (not pcapng), link types Ethernet, raw IP and Linux
cooked (SLL).
"""

import argparse
import ipaddress
import struct
import sys

P_CONTROL_SOFT_RESET_V1 = 3
P_DATA_V1 = 6
P_CONTROL_HARD_RESET_SERVER_V2 = 8
P_DATA_V2 = 9
LINKTYPE_ETHERNET = 1
LINKTYPE_RAW = 101
LINKTYPE_LINUX_SLL = 113


def records(data):
    """Yield (timestamp, linktype, frame) of a classic pcap."""
    if len(data) < 24:
        raise ValueError("short pcap header")
    magic = data[:4]
    if magic in (b"\xd4\xc3\xb2\xa1", b"\x4d\x3c\xb2\xa1"):
        end = "<"
    elif magic in (b"\xa1\xb2\xc3\xd4", b"\xa1\xb2\x3c\x4d"):
        end = ">"
    else:
        raise ValueError("not a classic pcap file (pcapng?)")
    nano = magic in (b"\x4d\x3c\xb2\xa1", b"\xa1\xb2\x3c\x4d")
    linktype = struct.unpack(end + "I", data[20:24])[0] & 0xFFFFFFF
    off = 24
    while off + 16 <= len(data):
        sec, frac, incl, _orig = struct.unpack(end + "IIII", data[off:off + 16])
        off += 16
        if off + incl > len(data):
            break  # truncated last record (capture still running)
        ts = sec + frac / (1e9 if nano else 1e6)
        yield ts, linktype, data[off:off + incl]
        off += incl


def udp_of(linktype, frame):
    """(src, sport, dst, dport, payload) of a UDP frame, else None."""
    if linktype == LINKTYPE_ETHERNET:
        if len(frame) < 14:
            return None
        etype = struct.unpack("!H", frame[12:14])[0]
        off = 14
        while etype in (0x8100, 0x88A8) and len(frame) >= off + 4:
            etype = struct.unpack("!H", frame[off + 2:off + 4])[0]
            off += 4
        ip = frame[off:]
    elif linktype == LINKTYPE_LINUX_SLL:
        if len(frame) < 16:
            return None
        etype = struct.unpack("!H", frame[14:16])[0]
        ip = frame[16:]
    elif linktype == LINKTYPE_RAW:
        ip = frame
        etype = 0x0800 if ip and ip[0] >> 4 == 4 else 0x86DD
    else:
        raise ValueError("unsupported link type %d" % linktype)

    if etype == 0x0800 and len(ip) >= 20 and ip[0] >> 4 == 4:
        ihl = (ip[0] & 15) * 4
        frag = struct.unpack("!H", ip[6:8])[0]
        if ip[9] != 17 or frag & 0x1FFF:
            return None  # not UDP, or not the first fragment
        src = ipaddress.ip_address(ip[12:16])
        dst = ipaddress.ip_address(ip[16:20])
        udp = ip[ihl:]
    elif etype == 0x86DD and len(ip) >= 40 and ip[0] >> 4 == 6:
        if ip[6] != 17:
            return None  # extension headers are not used in these tests
        src = ipaddress.ip_address(ip[8:24])
        dst = ipaddress.ip_address(ip[24:40])
        udp = ip[40:]
    else:
        return None
    if len(udp) < 8:
        return None
    sport, dport = struct.unpack("!HH", udp[:4])
    return src, sport, dst, dport, udp[8:]


def pdata(payload):
    """(opcode, key-id, packet-id) of a data packet, else None."""
    if not payload:
        return None
    op, kid = payload[0] >> 3, payload[0] & 7
    if op == P_DATA_V2 and len(payload) >= 8:
        return op, kid, struct.unpack("!I", payload[4:8])[0]
    if op == P_DATA_V1 and len(payload) >= 5:
        return op, kid, struct.unpack("!I", payload[1:5])[0]
    return None


def endpoint(addr, port):
    return "[%s]:%d" % (addr, port) if addr.version == 6 else "%s:%d" % (addr, port)


def check(data, server_port, servers, duplicate_one=False, counts=()):
    """Return (ok, report lines)."""
    seen = {}
    dups = []
    epoch = {}		# (dest, key-id) -> number of resets the server sent
    n_resets = 0
    src_kids = {}
    n_udp = n_v1 = n_v2 = n_in = 0
    per_dest = {}
    counted = {c: [0, 0, set(), set()] for c in counts}
    injected = False
    for ts, lt, frame in records(data):
        u = udp_of(lt, frame)
        if not u:
            continue
        src, sport, dst, dport, payload = u
        n_udp += 1
        sent = sport == server_port and (not servers or src in servers)
        if sent and payload and payload[0] >> 3 in (P_CONTROL_SOFT_RESET_V1,
                                                     P_CONTROL_HARD_RESET_SERVER_V2):
            dest = endpoint(dst, dport)
            kids = [payload[0] & 7]
            if payload[0] >> 3 == P_CONTROL_HARD_RESET_SERVER_V2:
                kids = range(8)
            for k in kids:
                epoch[(dest, k)] = epoch.get((dest, k), 0) + 1
            n_resets += 1
            continue
        d = pdata(payload)
        if not d:
            continue
        op, kid, pid = d
        for c in counted:
            ep, t0, t1 = c
            if not t0 <= ts <= t1:
                continue
            if sent and endpoint(dst, dport) == ep:
                counted[c][0] += 1
                counted[c][2].add(kid)
            elif (dport == server_port and (not servers or dst in servers)
                  and endpoint(src, sport) == ep):
                counted[c][1] += 1
                counted[c][3].add(kid)
        if not sent:
            n_in += 1
            if dport == server_port and (not servers or dst in servers):
                src_kids.setdefault(endpoint(src, sport), set()).add(kid)
            continue
        reps = 1
        if duplicate_one and not injected:
            reps, injected = 2, True
        for _ in range(reps):
            if op == P_DATA_V2:
                n_v2 += 1
            else:
                n_v1 += 1
            dest = endpoint(dst, dport)
            key = (dest, kid, pid, epoch.get((dest, kid), 0))
            per_dest.setdefault(dest, set()).add(kid)
            if key in seen:
                dups.append((ts, key, seen[key]))
            else:
                seen[key] = ts

    out = ["udp packets %d, server-sent P_DATA_V2 %d, P_DATA_V1 %d, "
           "received P_DATA %d, server-sent resets %d, unique (dest, epoch, "
           "key-id, packet-id) %d, repeated %d"
           % (n_udp, n_v2, n_v1, n_in, n_resets, len(seen), len(dups))]
    for dest in sorted(per_dest):
        out.append("dest %s key-ids %s" % (dest, ",".join(map(str, sorted(per_dest[dest])))))
    for src in sorted(src_kids):
        out.append("src %s key-ids %s" % (src, ",".join(map(str, sorted(src_kids[src])))))
    for ts, key, first in dups[:10]:
        out.append("REPEATED nonce: dest %s key-id %d packet-id %d (epoch %d) at %.6f "
                   "(first at %.6f)" % (key[0], key[1], key[2], key[3], ts, first))
    for c, (to_c, from_c, to_k, from_k) in counted.items():
        out.append("count %s to_client %d from_client %d to_keyids %s from_keyids %s"
                   % (c[0], to_c, from_c, ",".join(map(str, sorted(to_k))) or "-",
                      ",".join(map(str, sorted(from_k))) or "-"))
    if duplicate_one and not injected:
        out.append("--duplicate-one: no server-sent data packet to repeat")
        return False, out
    return not dups, out


# --- a crafted capture for --selftest -------------------------------------

def _pcap(frames):
    out = [struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, LINKTYPE_RAW)]
    for i, f in enumerate(frames):
        out.append(struct.pack("<IIII", 1000 + i, 0, len(f), len(f)))
        out.append(f)
    return b"".join(out)


def _udp4(src, sport, dst, dport, payload):
    udp = struct.pack("!HHHH", sport, dport, 8 + len(payload), 0) + payload
    hdr = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(udp), 0, 0x4000, 64, 17, 0,
                      ipaddress.ip_address(src).packed, ipaddress.ip_address(dst).packed)
    return hdr + udp


def _udp6(src, sport, dst, dport, payload):
    udp = struct.pack("!HHHH", sport, dport, 8 + len(payload), 0) + payload
    return (struct.pack("!IHBB", 0x60000000, len(udp), 17, 64)
            + ipaddress.ip_address(src).packed + ipaddress.ip_address(dst).packed + udp)


def _v2(kid, peer, pid):
    return bytes([P_DATA_V2 << 3 | kid]) + peer.to_bytes(3, "big") + struct.pack("!I", pid) + b"\0" * 24


def _v1(kid, pid):
    return bytes([P_DATA_V1 << 3 | kid]) + struct.pack("!I", pid) + b"\0" * 24


def selftest():
    s4, c4, s6, c6 = "192.0.2.1", "192.0.2.2", "2001:db8::1", "2001:db8::2"
    good = [
        _udp4(s4, 1194, c4, 5000, _v2(0, 1, 1)),
        _udp4(s4, 1194, c4, 5000, _v2(0, 1, 2)),
        _udp4(s4, 1194, c4, 5000, _v2(1, 1, 1)),   # new key-id: pid restarts
        _udp4(s4, 1194, c4, 5001, _v2(1, 1, 1)),   # other destination
        _udp4(c4, 5000, s4, 1194, _v2(0, 1, 1)),   # client-sent: not checked
        _udp4(c4, 5000, s4, 1194, _v2(0, 1, 1)),
        _udp6(s6, 1194, c6, 5000, _v1(0, 1)),
        _udp6(s6, 1194, c6, 5000, _v1(0, 2)),
        _udp4(s4, 1194, c4, 5000, b"\x38" + b"\0" * 20),  # control: ignored
    ]
    servers = {ipaddress.ip_address(s4), ipaddress.ip_address(s6)}
    verdicts = []
    for name, frames, want in (
            ("clean", good, True),
            ("repeated V2", good + [_udp4(s4, 1194, c4, 5000, _v2(0, 1, 2))], False),
            ("repeated V1", good + [_udp6(s6, 1194, c6, 5000, _v1(0, 1))], False),
            ("new key after a server soft reset", good + [
                _udp4(s4, 1194, c4, 5000, bytes([P_CONTROL_SOFT_RESET_V1 << 3 | 1]) + b"\0" * 20),
                _udp4(s4, 1194, c4, 5000, _v2(1, 1, 1))], True),
            ("new session after a server hard reset", good + [
                _udp4(s4, 1194, c4, 5000, bytes([P_CONTROL_HARD_RESET_SERVER_V2 << 3]) + b"\0" * 20),
                _udp4(s4, 1194, c4, 5000, _v2(0, 1, 1))], True),
            ("a client's reset does not excuse a repeat", good + [
                _udp4(c4, 5000, s4, 1194, bytes([P_CONTROL_SOFT_RESET_V1 << 3 | 1]) + b"\0" * 20),
                _udp4(s4, 1194, c4, 5000, _v2(1, 1, 1))], False)):
        ok, out = check(_pcap(frames), 1194, servers)
        verdicts.append(ok == want)
        print("selftest %s: %s (%s)" % (name, "as expected" if ok == want else "WRONG", out[0]))
    ok, out = check(_pcap(good), 1194, servers, duplicate_one=True)
    verdicts.append(not ok)
    print("selftest --duplicate-one: %s" % ("as expected" if not ok else "WRONG"))
    return all(verdicts)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("pcap", nargs="?")
    ap.add_argument("--server-port", type=int, default=1194)
    ap.add_argument("--server", action="append", default=[])
    ap.add_argument("--duplicate-one", action="store_true")
    ap.add_argument("--count", action="append", default=[])
    ap.add_argument("--selftest", action="store_true")
    a = ap.parse_args()
    if a.selftest:
        return 0 if selftest() else 1
    if not a.pcap:
        ap.error("a pcap file is needed")
    counts = []
    for c in a.count:
        ep, t0, t1 = c.rsplit(",", 2)
        counts.append((ep, float(t0), float(t1)))
    try:
        with open(a.pcap, "rb") as f:
            data = f.read()
        ok, out = check(data, a.server_port,
                        {ipaddress.ip_address(s) for s in a.server},
                        a.duplicate_one, counts)
    except (OSError, ValueError) as e:
        print("pdata-nonces: %s" % e, file=sys.stderr)
        return 2
    print("\n".join(out))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
