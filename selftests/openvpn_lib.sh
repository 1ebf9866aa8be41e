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
SRV_PID='' CLI_PID=''

cleanup() {
	local p
	for p in $CLI_PID $SRV_PID; do
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

# srv_log_has LINE PATTERN: the server logged PATTERN after line LINE
srv_log_has() { tail -n +"$1" "$TMP/srv.log" | grep -q -- "$2"; }


# --- topology ----------------------------------------------------------------
setup() {
	ip netns add srv && ip netns add cli &&
	ip link add veth0 netns srv type veth peer name veth1 netns cli &&
	ip -n srv addr add $SRV4/24 dev veth0 &&
	ip -n cli addr add $CLI4/24 dev veth1 &&
	ip -n srv link set veth0 up && ip -n cli link set veth1 up &&
	ip -n srv link set lo up && ip -n cli link set lo up
}

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

# start_client CIPHER
start_client() {
	local p=$TMP/pki
	: >"$TMP/cli.log"
	ip netns exec cli "$OVPN_CLI" --client --dev tun1 --dev-type tun --proto udp \
		--remote $SRV4 $PORT --nobind --disable-dco \
		--ca "$p/ca.crt" --cert "$p/client.crt" --key "$p/client.key" \
		--remote-cert-tls server --data-ciphers "$1" \
		--verb 3 >"$TMP/cli.log" 2>&1 &
	CLI_PID=$!
	wait_for 60 grep -q "Initialization Sequence Completed" "$TMP/cli.log"
}

stop_client() {
	kill "$CLI_PID" 2>/dev/null && wait "$CLI_PID" 2>/dev/null
	CLI_PID=''
}

dump_logs() {
	echo "# --- server log (tail)"
	tail -n 40 "$TMP/srv.log" | sed 's/^/#   /'
	echo "# --- client log (tail)"
	tail -n 20 "$TMP/cli.log" | sed 's/^/#   /'
}

