#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Runs inside the test guest (bench/run.sh boots it): the same topology as
# the selftests, server and client namespaces over a veth, and each data
# path in turn, the rounds interleaved (A B C D E, A B C D E, ...):
#
#   veth       plain veth, no tunnel (the ceiling)
#   userspace  stock OpenVPN both ends, --disable-dco
#   dco        stock OpenVPN both ends with ovpn-dco-v2
#   nf         patched OpenVPN --nf-fastpath both ends (server and client)
#   nf-server  patched server --nf-fastpath, stock userspace client
#   nf-scaled  the same with 1,000 more peers (and keys) installed in the
#              server's instance and 10,000 tagged inner flows in
#              conntrack, the traffic through the one real client; also
#              records the slab memory each peer and each key takes
#
# Figures per path and cipher: TCP throughput with 1 and 4 streams, UDP
# 1400-byte throughput, 64-byte UDP packets received per second, ping RTT
# (median and p99) idle and under a TCP load, and guest CPU time per GB
# moved.  Every path must also show that it moved data the intended way
# (nf_ovpn's kernel counters, the ovpn-dco device), else its figures are
# not recorded and the run fails.
#
# Usage: guest-bench.sh --out DIR [--rounds N] [--secs S]
#                       [--ciphers "AES-256-GCM ..."] [--paths "veth ..."]
#                       [--figures tcp1]  (only TCP 1 stream and its CPU/GB)
# Writes DIR/results.jsonl (one line per measurement) and DIR/paths.log.

set -u
BENCH=$(cd "$(dirname "$0")" && pwd)
source "$BENCH/../selftests/lib.sh"
source "$BENCH/../selftests/openvpn_pki.sh"

OUT='' ROUNDS=3 SECS=6 FIGURES=all
CIPHERS="AES-256-GCM CHACHA20-POLY1305"
PATHS="veth userspace dco nf nf-server nf-scaled"
while [ $# -gt 0 ]; do
	case $1 in
	--out) OUT=$2; shift 2 ;;
	--rounds) ROUNDS=$2; shift 2 ;;
	--secs) SECS=$2; shift 2 ;;
	--ciphers) CIPHERS=$2; shift 2 ;;
	--paths) PATHS=$2; shift 2 ;;
	--figures) FIGURES=$2; shift 2 ;;
	*) echo "guest-bench: unknown option $1" >&2; exit 2 ;;
	esac
done
case $FIGURES in
all|tcp1) ;;
*) echo "guest-bench: --figures takes all or tcp1" >&2; exit 2 ;;
esac
[ -n "$OUT" ] || { echo "guest-bench: --out DIR is required" >&2; exit 2; }

OVPN_PATCHED=$TOP/build/openvpn-src/src/openvpn/openvpn
OVPN_STOCK=/usr/sbin/openvpn
PEERS=$TOP/selftests/tools/peers.py
need_root
need_cmd ip iperf3 ping jq openssl conntrack
for b in "$OVPN_PATCHED" "$OVPN_STOCK" "$NFOVPN"; do
	[ -x "$b" ] || { echo "guest-bench: $b missing (make module userspace openvpn)" >&2; exit 2; }
done

TMP=$(mktemp -d)
SRV4=192.0.2.1 CLI4=192.0.2.2 PORT=1194
SRV_PID='' CLI_PID='' IPERF_PID=''
mkdir -p "$OUT"
RES=$OUT/results.jsonl LOG=$OUT/paths.log
: >"$RES"
: >"$LOG"

cleanup() {
	stop_path
	ip netns del srv 2>/dev/null
	ip netns del cli 2>/dev/null
	rm -rf "$TMP"
}
trap cleanup EXIT

log() { echo "# $*" | tee -a "$LOG"; }

# record PATH CIPHER ROUND FIGURE VALUE UNIT
record() {
	jq -cn --arg p "$1" --arg c "$2" --argjson r "$3" --arg f "$4" \
		--arg v "$5" --arg u "$6" \
		'{path: $p, cipher: $c, round: $r, figure: $f, value: ($v | tonumber), unit: $u}' >>"$RES"
}

topology() { veth_pair $SRV4 $CLI4; }

# --- bringing a path up and down -----------------------------------------
# start_pair SERVER-BIN CLIENT-BIN CIPHER SERVER-OPTS -- CLIENT-OPTS
start_pair() {
	local sbin=$1 cbin=$2 c=$3 p=$TMP/pki sopts=() copts=()
	shift 3
	while [ $# -gt 0 ] && [ "$1" != -- ]; do sopts+=("$1"); shift; done
	shift
	copts=("$@")
	ip netns exec srv "$sbin" --mode server --tls-server --dev tun0 \
		--dev-type tun --topology subnet --proto udp --port $PORT \
		--server 10.8.0.0 255.255.255.0 --ca "$p/ca.crt" \
		--cert "$p/server.crt" --key "$p/server.key" --dh none \
		--data-ciphers "$c" --keepalive 10 60 --verb 3 "${sopts[@]}" \
		>"$TMP/srv.log" 2>&1 &
	SRV_PID=$!
	wait_for 60 grep -q "Initialization Sequence Completed" "$TMP/srv.log" ||
		return 1
	ip netns exec cli "$cbin" --client --dev tun1 --dev-type tun \
		--proto udp --remote $SRV4 $PORT --nobind --ca "$p/ca.crt" \
		--cert "$p/client.crt" --key "$p/client.key" \
		--remote-cert-tls server --data-ciphers "$c" --verb 3 \
		"${copts[@]}" >"$TMP/cli.log" 2>&1 &
	CLI_PID=$!
	wait_for 60 grep -q "Initialization Sequence Completed" "$TMP/cli.log" &&
		wait_for 10 ns cli ping -c 1 -W 1 10.8.0.1
}

stop_path() {
	local p
	for p in $IPERF_PID $CLI_PID $SRV_PID; do
		kill "$p" 2>/dev/null && wait "$p" 2>/dev/null
	done
	IPERF_PID='' CLI_PID='' SRV_PID=''
}

# up PATH CIPHER: bring PATH up; sets DST (the server's address for it)
up() {
	case $1 in
	veth)
		DST=$SRV4 ;;
	userspace)
		DST=10.8.0.1
		start_pair "$OVPN_STOCK" "$OVPN_STOCK" "$2" --disable-dco -- --disable-dco ;;
	dco)
		DST=10.8.0.1
		modprobe ovpn-dco-v2 || return 1
		start_pair "$OVPN_STOCK" "$OVPN_STOCK" "$2" -- ;;
	nf)
		DST=10.8.0.1
		start_pair "$OVPN_PATCHED" "$OVPN_PATCHED" "$2" --disable-dco \
			--nf-fastpath -- --disable-dco --nf-fastpath ;;
	nf-server)
		DST=10.8.0.1
		start_pair "$OVPN_PATCHED" "$OVPN_STOCK" "$2" --disable-dco \
			--nf-fastpath -- --disable-dco ;;
	nf-scaled)
		DST=10.8.0.1
		start_pair "$OVPN_PATCHED" "$OVPN_STOCK" "$2" --disable-dco \
			--nf-fastpath -- --disable-dco && scale_up "$2" ;;
	esac
}


# scale_up CIPHER: 1,000 peers with keys beside the real client in the
# server's instance (ids 50000.., nothing OpenVPN knows), then 10,000
# inner flows to the client, each tagged in conntrack by its first packet
scale_up() {
	local ifx s0 s1 s2 n
	wait_for 20 bash -c "ip netns exec srv $NFOVPN --json show tun0 |
		jq -e '.instances[0].peers | length >= 1'" || return 1
	ifx=$(ip -n srv -o link show tun0 | cut -d: -f1)
	settle; s0=$(slab_kb)
	ns srv python3 "$PEERS" add "$ifx" 50000 1000 >/dev/null || return 1
	settle; s1=$(slab_kb)
	ns srv python3 "$PEERS" keys "$ifx" 50000 1000 >/dev/null || return 1
	settle; s2=$(slab_kb)
	record nf-scaled "$1" "$r" mem_per_peer $(((s1 - s0) * 1024 / 1000)) B
	record nf-scaled "$1" "$r" mem_per_key $(((s2 - s1) * 1024 / 1000)) B
	ns srv python3 -c '
import socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("10.8.0.1", 0))
for port in range(20000, 30000):
    s.sendto(b"x", ("10.8.0.2", port))
'
	n=$(ns srv conntrack -L 2>/dev/null | grep -c 'helper=ovpn')
	log "nf-scaled: 1000 extra peers and keys, $n tagged flows," \
		"slab $s0 -> $s1 -> $s2 kB"
	[ "$n" -ge 10000 ]
}

# the packets the intended path carried so far (a counter that only the
# intended path moves): nf_ovpn's kernel counters, ovpn-dco's device
path_count() {
	case $1 in
	veth)
		ns srv cat /sys/class/net/veth0/statistics/rx_packets ;;
	userspace)
		# what OpenVPN wrote to its tun device
		ns srv cat /sys/class/net/tun0/statistics/rx_packets ;;
	dco)
		ip -n srv -d link show tun0 | grep -q ovpn-dco || { echo 0; return; }
		ns srv cat /sys/class/net/tun0/statistics/rx_packets ;;
	nf|nf-server|nf-scaled)
		ns srv "$NFOVPN" --json stats tun0 |
			jq '[.instances[0].stats | .rx_packets, .tx_packets] | add // 0' ;;
	esac
}

# --- figures -----------------------------------------------------------
iperf_srv() {	# one iperf3 server for one test, listening before we go on
	ns srv iperf3 -s -D -1 -B "$DST" --logfile "$TMP/iperf-srv.log" >/dev/null 2>&1
	wait_for 10 bash -c "ip netns exec srv ss -Hltn 'sport = :5201' | grep -q ."
}

# tcp STREAMS: Mbit/s received
tcp() {
	iperf_srv
	ns cli iperf3 -c "$DST" -t "$SECS" -P "$1" -J 2>/dev/null |
		jq '.end.sum_received.bits_per_second / 1e6'
}

# udp LEN: "Mbit/s received" and "packets/s received" (offered unpaced)
udp() {
	iperf_srv
	ns cli iperf3 -c "$DST" -u -b 0 -l "$1" -t "$SECS" -J 2>/dev/null |
		jq -r --argjson s "$SECS" '.end.sum | "\(.bits_per_second * (1 - .lost_percent / 100) / 1e6) \((.packets - .lost_packets) / $s)"'
}

# rtt: "median p99" in ms of 40 pings 50 ms apart
rtt() {
	ns cli ping -c 40 -i 0.05 -W 2 -q -n "$DST" >/dev/null 2>&1 # warm
	ns cli ping -c 40 -i 0.05 -W 2 -n "$DST" 2>/dev/null |
		sed -n 's/.*time=\([0-9.]*\) ms/\1/p' | sort -n |
		awk '{ v[NR] = $1 } END {
			if (!NR) { print "0 0"; exit }
			m = v[int((NR + 1) / 2)]; p = v[int(NR * 0.99 + 0.999)]
			print m, (p ? p : v[NR]) }'
}

# busy jiffies of the guest (all CPUs)
cpu_busy() { awk '/^cpu / { print $2 + $3 + $4 + $7 + $8 }' /proc/stat; }

measure() {	# measure PATH CIPHER ROUND
	local p=$1 c=$2 r=$3 v b0 b1 mbit hz
	hz=$(getconf CLK_TCK)
	b0=$(cpu_busy)
	mbit=$(tcp 1)
	b1=$(cpu_busy)
	record "$p" "$c" "$r" tcp1 "${mbit:-0}" Mbit/s
	# CPU seconds per GB moved in that transfer
	if [ -n "$mbit" ] && awk "BEGIN { exit !($mbit > 0) }"; then
		record "$p" "$c" "$r" cpu_per_gb \
			"$(awk -v d=$((b1 - b0)) -v hz="$hz" -v m="$mbit" -v s="$SECS" \
				'BEGIN { printf "%.2f", (d / hz) / (m * s / 8 / 1000) }')" s/GB
	fi
	[ "$FIGURES" = tcp1 ] && return 0
	record "$p" "$c" "$r" tcp4 "$(tcp 4)" Mbit/s
	read -r v b0 < <(udp 1400)
	record "$p" "$c" "$r" udp1400 "${v:-0}" Mbit/s
	read -r v b0 < <(udp 64)
	record "$p" "$c" "$r" udp64_pps "${b0:-0}" packets/s
	read -r v b0 < <(rtt)
	record "$p" "$c" "$r" rtt_idle_median "${v:-0}" ms
	record "$p" "$c" "$r" rtt_idle_p99 "${b0:-0}" ms
	iperf_srv
	ns cli iperf3 -c "$DST" -t $((SECS + 2)) >/dev/null 2>&1 &
	IPERF_PID=$!
	sleep 1
	read -r v b0 < <(rtt)
	wait "$IPERF_PID" 2>/dev/null
	IPERF_PID=''
	record "$p" "$c" "$r" rtt_load_median "${v:-0}" ms
	record "$p" "$c" "$r" rtt_load_p99 "${b0:-0}" ms
}

# --- the run -------------------------------------------------------------
for m in nf_conntrack tun veth udp_tunnel ip6_udp_tunnel aesni_intel \
	 chacha20-x86_64 poly1305-x86_64; do
	modprobe -q "$m" || true
done
lsmod | grep -q '^nf_ovpn ' || insmod "$NFOVPN_KO" || exit 2
gen_certs >/dev/null 2>&1 || { echo "guest-bench: cannot make certificates" >&2; exit 2; }
topology || { echo "guest-bench: cannot build the topology" >&2; exit 2; }

failed=0
for r in $(seq 1 "$ROUNDS"); do
	for c in $CIPHERS; do
		for p in $PATHS; do
			if ! up "$p" "$c"; then
				log "round $r $c $p: did not come up"
				sed 's/^/#   srv: /' "$TMP/srv.log" | tail -n 15 >>"$LOG"
				sed 's/^/#   cli: /' "$TMP/cli.log" | tail -n 15 >>"$LOG"
				failed=1
				stop_path
				continue
			fi
			n0=$(path_count "$p")
			measure "$p" "$c" "$r"
			n1=$(path_count "$p")
			if [ "${n1:-0}" -gt $((${n0:-0} + 1000)) ]; then
				log "round $r $c $p: ok, intended path moved $((n1 - n0)) packets"
			else
				log "round $r $c $p: the intended path did not carry the traffic ($n0 -> $n1)"
				failed=1
			fi
			stop_path
		done
	done
done
exit $failed
