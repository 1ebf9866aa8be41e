#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The fuzzers' seed corpus, made fresh: real data-channel datagrams as
# selftests/tools/ovpn-peer builds them (every cipher, V1 and V2, inner
# IPv4 and IPv6 packets, keepalive pings, OpenVPN's own short messages),
# captured off loopback with selftests/tools/udpcraft.py; and a few replay
# window programs (in order, out of order, far jumps, imports).
# Usage: seeds.sh OUTDIR   (OUTDIR/proto, OUTDIR/replay)
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
out=$1
peer=$top/selftests/tools/ovpn-peer
craft=$top/selftests/tools/udpcraft.py
[ -x "$peer" ] || make -s -C "$top/selftests/tools" >/dev/null
mkdir -p "$out/proto" "$out/replay"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

port=$((20000 + RANDOM % 20000))
sends=()
for c in AES-128-GCM AES-256-GCM CHACHA20-POLY1305; do
	"$peer" genkey $c >"$tmp/$c"
	for v in v1 v2; do
		for what in "--inner-ping 10.8.0.2 10.8.0.1" "--ping" \
			    "--payload-hex 287f346bd4ef7a812d56b8d3afc5459c"; do
			sends+=("--key $tmp/$c --$v --peer-id 7 --key-id 2 --pktid $((${#sends[@]} + 1)) $what")
		done
	done
done
python3 "$craft" capture "$port" ${#sends[@]} "$tmp/hex" &
pid=$!
for _ in $(seq 50); do
	ss -Hlun "sport = :$port" | grep -q . && break
	sleep 0.1
done
for s in "${sends[@]}"; do
	# shellcheck disable=SC2086
	"$peer" send --remote 127.0.0.1:$port $s >/dev/null
done
wait $pid
n=$(python3 - "$tmp/hex" "$out/proto" <<'PY'
import os, sys
lines = [l.strip() for l in open(sys.argv[1]) if l.strip()]
for i, h in enumerate(lines, 1):
    with open(os.path.join(sys.argv[2], "captured-%d" % i), "wb") as f:
        f.write(bytes.fromhex(h))
print(len(lines))
PY
)
[ "$n" -ge 1 ] || { echo "seeds.sh: no datagram captured" >&2; exit 1; }

python3 - "$out/replay" <<'PY'
import os, struct, sys
d = sys.argv[1]
def prog(name, steps):
    with open(os.path.join(d, name), "wb") as f:
        for op, arg in steps:
            f.write(struct.pack("!BI", op, arg & 0xffffffff))
prog("in-order", [(0, 1)] * 64 + [(5, 0)])
prog("out-of-order", [(0, d_) for d_ in (5, -3 & 0xffff, 1, 2000, -2047 & 0xffff,
                                          -2048 & 0xffff, 0)] + [(5, 0)])
prog("far", [(2, 1), (2, 0xffffffff), (2, 0xfffff000), (2, 0), (5, 0)])
prog("import", [(4, (64 << 16) | 100)] + [(0, -i & 0xffff) for i in range(70)] + [(5, 0)])
prog("update", [(3, 10), (3, -5000 & 0xffff), (0, -10 & 0xffff), (5, 0)])
PY
echo "seeds: $n datagrams, $(ls "$out/replay" | wc -l) replay programs"
