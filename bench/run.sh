#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make bench: one TCG guest runs bench/guest-bench.sh (every data path,
# rounds interleaved), then bench/render.py writes build/bench/bench.md,
# bench.json and bench.png.  Settings from the environment:
#   BENCH_ROUNDS (3), BENCH_SECS (6), BENCH_CIPHERS, BENCH_PATHS
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
out=$top/build/bench
rounds=${BENCH_ROUNDS:-3}
secs=${BENCH_SECS:-6}
ciphers=${BENCH_CIPHERS:-AES-256-GCM CHACHA20-POLY1305}
paths=${BENCH_PATHS:-veth userspace dco nf nf-server}
kver=${KVER:-$(scripts/kver.sh)}

n=$((rounds * $(wc -w <<<"$ciphers") * $(wc -w <<<"$paths")))
# per path: about 30 s to connect under TCG, 7 figures of SECS and pings
timeout=$((n * (40 + 9 * secs) + 300))
rm -rf "$out"
mkdir -p "$out"
echo "bench: $n path runs ($rounds rounds, $secs s per figure), at most $((timeout / 60)) min"
rc=0
selftests/vm/run-vm.sh --timeout "$timeout" --name bench -- \
	bash bench/guest-bench.sh --out "$out" --rounds "$rounds" \
	--secs "$secs" --ciphers "$ciphers" --paths "$paths" || rc=$?
cat "$out/paths.log" 2>/dev/null || true
title="nf_ovpn bench $(date -u +%F): guest $kver (TCG, 2 vCPU), host $(nproc) cores, $rounds rounds of $secs s"
python3 bench/render.py "$out" --title "$title" || rc=1
[ $rc = 0 ] || echo "bench: some path failed (see above and build/vm/bench/)" >&2
exit $rc
