#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# A short run of the benchmark (bench/guest-bench.sh: one round, one
# cipher, 2 s per figure): every data path comes up, moves data the
# intended way (nf_ovpn's kernel counters, the ovpn-dco device) and yields
# every figure.  The figures themselves are not judged here: make bench.

source "$(dirname "$0")/lib.sh"
need_root
need_cmd iperf3 jq
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

paths="veth userspace dco nf nf-server"
figures="tcp1 tcp4 udp1400 udp64_pps rtt_idle_median rtt_idle_p99 rtt_load_median rtt_load_p99 cpu_per_gb"
bash "$TOP/bench/guest-bench.sh" --out "$out" --rounds 1 --secs 2 \
	--ciphers AES-256-GCM --paths "$paths" >/dev/null 2>&1
rc=$?
sed 's/^/#   /' "$out/paths.log"
check_eq "the bench script ran through" 0 "$rc"
for p in $paths; do
	check "$p: came up and the intended path carried the traffic" \
		grep -q "round 1 AES-256-GCM $p: ok, intended path moved" "$out/paths.log"
	got=$(jq -r --arg p "$p" 'select(.path == $p and .value > 0) | .figure' \
		"$out/results.jsonl" | sort -u | tr '\n' ' ')
	for f in $figures; do
		case " $got " in
		*" $f "*) ;;
		*) tap_fail "$p: figure $f missing or zero (have: $got)"; continue 2 ;;
		esac
	done
	tap_ok "$p: every figure measured"
done
check "render.py makes the table" bash -c \
	"python3 '$TOP/bench/render.py' '$out' >/dev/null && grep -q '^| TCP 1 stream' '$out/bench.md'"
tap_done
