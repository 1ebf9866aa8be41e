#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# A short run of the benchmark (bench/guest-bench.sh: one round, one
# cipher, 2 s per figure): every data path comes up and moves data the
# intended way (nf_ovpn's kernel counters, the ovpn-dco device); one path
# yields every figure, the others TCP 1 stream.  The figures themselves
# are not judged here: make bench.

source "$(dirname "$0")/lib.sh"
need_root
need_cmd iperf3 jq
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

# every figure on one path (the code of each measurement runs), TCP 1
# stream on the others (each path comes up and carries its traffic): the
# whole table for every path is make bench's, and takes minutes more
full=nf-server
paths="veth userspace dco nf nf-scaled"
# ovpn-dco-v2 (openvpn-dco-dkms) builds for Debian 12's 6.1 only; newer
# kernels have the in-tree ovpn instead, which OpenVPN 2.6 cannot drive
if ! modprobe -n -q ovpn-dco-v2 2>/dev/null; then
	paths="veth userspace nf nf-scaled"
	tap_ok "dco path # SKIP ovpn-dco-v2 not available for Linux $(uname -r)"
fi
bash "$TOP/bench/guest-bench.sh" --out "$out/full" --rounds 1 --secs 2 \
	--ciphers AES-256-GCM --paths "$full" >/dev/null 2>&1
rc=$?
bash "$TOP/bench/guest-bench.sh" --out "$out/quick" --rounds 1 --secs 2 \
	--ciphers AES-256-GCM --paths "$paths" --figures tcp1 >/dev/null 2>&1
rc=$((rc | $?))
cat "$out/full/paths.log" "$out/quick/paths.log" >"$out/paths.log"
cat "$out/full/results.jsonl" "$out/quick/results.jsonl" >"$out/results.jsonl"
sed 's/^/#   /' "$out/paths.log"
check_eq "the bench script ran through" 0 "$rc"
for p in $full $paths; do
	figures="tcp1 cpu_per_gb"
	[ "$p" = "$full" ] && figures="tcp1 tcp4 udp1400 udp64_pps rtt_idle_median rtt_idle_p99 rtt_load_median rtt_load_p99 cpu_per_gb"
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
	tap_ok "$p: its figures measured ($figures)"
done
for f in mem_per_peer mem_per_key; do
	check "nf-scaled: $f measured" jq -s -e --arg f "$f" \
		'any(.[]; .path == "nf-scaled" and .figure == $f and .value > 0)' \
		"$out/results.jsonl"
done
check "render.py makes the table" bash -c \
	"python3 '$TOP/bench/render.py' '$out' >/dev/null && grep -q '^| TCP 1 stream' '$out/bench.md'"
tap_done
