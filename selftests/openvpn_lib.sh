#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Shared by the patched-server tests and the demo (sourced after lib.sh):
# the patched OpenVPN server with --nf-fastpath and a stock Debian client
# in two namespaces joined by a veth, with a throw-away ECDSA PKI.

source "$(dirname "${BASH_SOURCE[0]}")/openvpn_pki.sh"

OVPN_SRV=${OVPN_SRV:-$TOP/build/openvpn-src/src/openvpn/openvpn}
OVPN_CLI=${OVPN_CLI:-/usr/sbin/openvpn}

need_root
need_cmd ip modprobe insmod ping jq openssl
[ -x "$NFOVPN" ] || skip_all "nfovpn not built: $NFOVPN"
[ -x "$OVPN_SRV" ] || skip_all "patched openvpn not built (make openvpn): $OVPN_SRV"
[ -x "$OVPN_CLI" ] || skip_all "stock openvpn not installed: $OVPN_CLI"

TMP=$(mktemp -d)
SRV4=192.0.2.1 CLI4=192.0.2.2
VPN4_S=10.8.0.1 VPN6_S=fd00:8::1
PORT=1194
SRV_PID='' CLI_PID='' TUN2_PID=''

cleanup() {
	local p
	for p in $TUN2_PID $CLI_PID $SRV_PID; do
		kill -9 "$p" 2>/dev/null && wait "$p" 2>/dev/null
	done
	ip netns del srv 2>/dev/null
	ip netns del cli 2>/dev/null
	rm -rf "$TMP"
}
trap cleanup EXIT

nfo() { ns srv "$NFOVPN" "$@"; }

# peer_stat NAME: a counter of the (only) peer of tun0
peer_stat() {
	nfo --json show tun0 | jq -r --arg n "$1" \
		'.instances[] | select(.ifname == "tun0") | .peers[0].stats[$n] // empty'
}

# npeers: how many peers the kernel holds on the server's tun0
npeers() { nfo --json show tun0 | jq '.instances[0].peers | length'; }

# srv_log_has LINE PATTERN: the server logged PATTERN after line LINE
srv_log_has() { tail -n +"$1" "$TMP/srv.log" | grep -q -- "$2"; }


# --- topology ----------------------------------------------------------------
setup() { veth_pair $SRV4 $CLI4; }

# start_server [OPTION...]: further server options, after the defaults
# (OpenVPN takes the last of a repeated option, e.g. --proto udp6)
start_server() {
	local p=$TMP/pki
	# ip netns exec execs openvpn: $! is openvpn itself
	ip netns exec srv "$OVPN_SRV" --mode server --tls-server --dev tun0 --dev-type tun \
		--topology subnet --proto udp --port $PORT \
		--server 10.8.0.0 255.255.255.0 --server-ipv6 fd00:8::/64 \
		--ca "$p/ca.crt" --cert "$p/server.crt" --key "$p/server.key" \
		--dh none --data-ciphers AES-256-GCM:AES-128-GCM:CHACHA20-POLY1305 \
		--keepalive 2 10 --nf-fastpath --status "$TMP/status" 1 \
		--status-version 2 --verb 4 "$@" >"$TMP/srv.log" 2>&1 &
	SRV_PID=$!
	wait_for 60 grep -q "Initialization Sequence Completed" "$TMP/srv.log"
}

# start_client CIPHER [OPTION...]: further client options after the defaults;
# the server's address is $SRV4_TO if set
start_client() {
	local p=$TMP/pki c=$1
	shift
	: >"$TMP/cli.log"
	ip netns exec cli "$OVPN_CLI" --client --dev tun1 --dev-type tun --proto udp \
		--remote "${SRV4_TO:-$SRV4}" $PORT --nobind --disable-dco \
		--ca "$p/ca.crt" --cert "$p/client.crt" --key "$p/client.key" \
		--remote-cert-tls server --data-ciphers "$c" \
		--verb 3 "$@" >"$TMP/cli.log" 2>&1 &
	CLI_PID=$!
	wait_for 60 grep -q "Initialization Sequence Completed" "$TMP/cli.log"
}

# start_tun2_client CN CIPHER [OPTION...]: a second stock client in netns
# cli (certificate CN, device tun2, log $TMP/CN.log, pid TUN2_PID).  Both
# clients share the netns: what leaves from tun2's VPN address (TUN2_IP)
# is routed out through tun2.
start_tun2_client() {
	local p=$TMP/pki cn=$1 c=$2
	shift 2
	ip netns exec cli "$OVPN_CLI" --client --dev tun2 --dev-type tun --proto udp \
		--remote "${SRV4_TO:-$SRV4}" $PORT --nobind --disable-dco \
		--ca "$p/ca.crt" --cert "$p/$cn.crt" --key "$p/$cn.key" \
		--remote-cert-tls server --data-ciphers "$c" \
		--route-noexec --verb 3 "$@" >"$TMP/$cn.log" 2>&1 &
	TUN2_PID=$!
	wait_for 60 grep -q "Initialization Sequence Completed" "$TMP/$cn.log" ||
		return 1
	TUN2_IP=$(ip -n cli -4 -o addr show dev tun2 | awk '{print $4}' | cut -d/ -f1)
	ip -n cli rule add from "${TUN2_IP:-10.8.0.255}" lookup 102 &&
		ip -n cli route add 10.8.0.0/24 dev tun2 table 102
}

stop_tun2_client() {
	kill "$TUN2_PID" 2>/dev/null && wait "$TUN2_PID" 2>/dev/null
	TUN2_PID=''
	ip -n cli rule del lookup 102 2>/dev/null
	ip -n cli route flush table 102 2>/dev/null
}

# server_up [OPTION...]: start_server, or end the test failed
server_up() {
	if ! start_server "$@"; then
		tap_fail "patched server started"
		dump_logs
		tap_done
		exit 1
	fi
	tap_ok "patched server started"
}

# up_offloaded CIPHER: the patched server and a stock client, the client
# offloaded with its first key in the kernel; ends the test when either
# does not start
up_offloaded() {
	server_up
	if ! start_client "$1"; then
		tap_fail "stock client connected"
		dump_logs
		tap_done
		exit 1
	fi
	tap_ok "stock client connected"
	check "client offloaded" \
		wait_for 10 srv_log_has 1 "nf-fastpath: .* offloaded (peer-id"
	check "its key is in the kernel" \
		wait_for 5 srv_log_has 1 "key-id 0 ($1) in the kernel, primary slot"
}

stop_client() {
	kill "$CLI_PID" 2>/dev/null && wait "$CLI_PID" 2>/dev/null
	CLI_PID=''
}

# stop_server: kill -9, as a crash would; the kernel's state must go too
stop_server() {
	kill -9 "$SRV_PID" 2>/dev/null && wait "$SRV_PID" 2>/dev/null
	SRV_PID=''
}

# mixed_case LABEL CN CIPHER LOG-LINE SERVER-OPTION... [-- CLIENT-OPTION...]:
# two stock clients of one server.  "client" (AES-256-GCM, tun1) must be
# offloaded; CN (CIPHER, tun2) must stay in userspace, the server saying so
# in LOG-LINE; both must work.
mixed_case() {
	local label=$1 cn=$2 cipher=$3 line=$4 sopts=() tx0
	shift 4
	while [ $# -gt 0 ] && [ "$1" != -- ]; do
		sopts+=("$1")
		shift
	done
	[ $# -gt 0 ] && shift
	if start_server "${sopts[@]}" && start_client AES-256-GCM &&
	   start_tun2_client "$cn" "$cipher" "$@"; then
		tap_ok "$label: an offloaded and a userspace client connected"
		check "$label: one line says why $cn stays in userspace" \
			wait_for 10 srv_log_has 1 "$line"
		check "$label: the other client is offloaded" \
			srv_log_has 1 "nf-fastpath: client/.* offloaded (peer-id .*cipher AES-256-GCM)"
		check_eq "$label: the kernel has exactly one peer" 1 "$(npeers)"
		check "$label: $cn -> server ping (userspace)" \
			ns cli ping -I tun2 -c 3 -i 0.3 -W 3 $VPN4_S
		check "$label: server -> $cn ping (userspace)" \
			ns srv ping -c 3 -i 0.3 -W 3 "${TUN2_IP:-10.8.0.255}"
		tx0=$(peer_stat tx_packets)
		check "$label: offloaded client -> server ping" \
			ns cli ping -I tun1 -c 3 -i 0.3 -W 3 $VPN4_S
		check "$label: the kernel carried the offloaded client's traffic" \
			test "$(peer_stat tx_packets)" -gt "${tx0:-0}"
	else
		tap_fail "$label: an offloaded and a userspace client connected"
		tail -n 20 "$TMP/$cn.log" 2>/dev/null | sed 's/^/#   /'
		dump_logs
	fi
	stop_tun2_client
	stop_client
	stop_server
}

dump_logs() {
	echo "# --- server log (tail)"
	tail -n 40 "$TMP/srv.log" | sed 's/^/#   /'
	echo "# --- client log (tail)"
	tail -n 20 "$TMP/cli.log" | sed 's/^/#   /'
}

