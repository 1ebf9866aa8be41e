#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The patched OpenVPN server (--nf-fastpath) against the stock Debian
# client, in userspace (--disable-dco), one run per AEAD cipher.
#
#   netns srv                                  netns cli
#   +---------------------------------+        +------------------------------+
#   | build/openvpn-src/.../openvpn   |        | /usr/sbin/openvpn --client   |
#   |  --mode server --nf-fastpath    |        |  --disable-dco (stock)       |
#   |  tun0 10.8.0.1/24 fd00:8::1/64  |        |  tun1 10.8.0.2 fd00:8::1000  |
#   |  nf_ovpn instance tun0 :1194    |        |                              |
#   | veth0 192.0.2.1/24              |========| veth1 192.0.2.2/24           |
#   +---------------------------------+        +------------------------------+
#
# Pings both ways, inside IPv4 and IPv6, must be carried by the kernel
# (the peer's rx/tx packet counters rise, the server's --status file
# shows them); killing the server with -9 must leave no nf_ovpn object.

source "$(dirname "$0")/lib.sh"

source "$(dirname "$0")/openvpn_lib.sh"

# --- one client per cipher ---------------------------------------------------
# run_case CIPHER
run_case() {
	local c=$1 rx0 tx0 rx1 tx1 from
	from=$(($(wc -l <"$TMP/srv.log") + 1))

	if ! start_client "$c"; then
		tap_fail "$c: stock client connected"
		dump_logs
		stop_client
		return
	fi
	tap_ok "$c: stock client connected"
	check "$c: server offloaded the client" \
		wait_for 10 srv_log_has $from "nf-fastpath: .* offloaded (peer-id .*cipher $c)"
	check "$c: key in the kernel" \
		srv_log_has $from "nf-fastpath: peer-id .*: key-id .* ($c) in the kernel, primary slot"
	check "$c: nfovpn shows the peer" \
		bash -c "[ \"\$(ip netns exec srv $NFOVPN --json show tun0 | jq '.instances[0].peers | length')\" = 1 ]"

	rx0=$(peer_stat rx_packets) tx0=$(peer_stat tx_packets)
	check "$c: cli -> srv ping IPv4 inside" ns cli ping -c 3 -i 0.3 -W 3 $VPN4_S
	check "$c: cli -> srv ping IPv6 inside" ns cli ping -6 -c 3 -i 0.3 -W 3 $VPN6_S
	check "$c: srv -> cli ping IPv4 inside" ns srv ping -c 3 -i 0.3 -W 3 10.8.0.2
	rx1=$(peer_stat rx_packets) tx1=$(peer_stat tx_packets)
	check "$c: fast path carried it (rx $rx0 -> $rx1, tx $tx0 -> $tx1)" \
		test "${rx1:-0}" -ge $((${rx0:-0} + 9)) -a "${tx1:-0}" -ge $((${tx0:-0} + 9))

	check "$c: status file shows the client and its fast-path counters" \
		wait_for 5 bash -c "grep -q '^CLIENT_LIST,client,' '$TMP/status' &&
			grep -Eq '^NF_FASTPATH,client,[0-9]+,[1-9][0-9]*,[0-9]+,[1-9][0-9]*,' '$TMP/status'"
	echo "# $c: packets userspace would have sent with an offloaded key:" \
		"$(tail -n +$from "$TMP/srv.log" | grep -c 'nf-fastpath: dropping a packet')"

	stop_client
	# the stock client leaves silently (explicit-exit-notify travels in
	# the data channel): the server's --ping-restart, fed by the kernel's
	# rx-idle time while the client was there, must now expire it
	check "$c: server expired the silent client" \
		wait_for 40 srv_log_has $from "Inactivity timeout (--ping-restart)"
	check "$c: its peer left the kernel" \
		wait_for 5 bash -c "[ \"\$(ip netns exec srv $NFOVPN --json show tun0 | jq '.instances[0].peers | length')\" = 0 ]"
}

load_module || { echo "1..0 # SKIP cannot load nf_ovpn"; exit $ksft_skip; }
check "certificates generated" gen_certs cbc
check "topology up" setup

if ! start_server; then
	tap_fail "patched server started"
	dump_logs
	tap_done
	exit 1
fi
tap_ok "patched server started"
check "server created its nf_ovpn instance" \
	grep -q "nf-fastpath: nf_ovpn instance on tun0" "$TMP/srv.log"
check "nfovpn shows the instance" \
	bash -c "ip netns exec srv $NFOVPN --json show | jq -e '.instances[] | select(.ifname == \"tun0\")'"

for cipher in AES-256-GCM AES-128-GCM CHACHA20-POLY1305; do
	run_case $cipher
done

kill -9 "$SRV_PID"
wait "$SRV_PID" 2>/dev/null
SRV_PID=''
check "server killed -9: no instance left" \
	wait_for 10 bash -c "[ \"\$($NFOVPN status --json | jq -r '.instances+.peers+.keys')\" = 0 ]"

# --- --reneg-bytes counts what the kernel carried ------------------------------
# Userspace never sees the bulk of the data: the kernel's counters must feed
# OpenVPN's byte count, or --reneg-bytes would never renegotiate.
if start_server --reneg-bytes 1000000 && start_client AES-128-GCM; then
	tap_ok "reneg-bytes: server and client up"
	check "reneg-bytes: 3 MiB through the kernel, sha256 equal" \
		xfer srv cli 10.8.0.2 3145728
	check "reneg-bytes: the server renegotiated on the kernel's bytes" \
		wait_for 30 srv_log_has 1 "TLS: soft reset sec=[0-9]*/[0-9]* bytes=[0-9]\{7,\}/1000000"
	check "reneg-bytes: the new key went to the kernel" \
		wait_for 10 srv_log_has 1 "key-id 1 (AES-128-GCM) in the kernel, secondary slot"
	check "reneg-bytes: and became the primary key there" \
		wait_for 10 srv_log_has 1 "swapping keys, primary key-id 1"
	check "reneg-bytes: the tunnel works with the new key" \
		ns cli ping -c 3 -i 0.2 -W 3 $VPN4_S
else
	tap_fail "reneg-bytes: server and client up"
	dump_logs
fi
stop_client
kill -9 "$SRV_PID"
wait "$SRV_PID" 2>/dev/null
SRV_PID=''

# --- a CBC client stays in userspace while an AEAD client is offloaded --------
# start_cbc_client: a second stock client (CN cbc, tun2) that only speaks
# AES-256-CBC, which the kernel cannot serve
start_cbc_client() {
	local p=$TMP/pki
	ip netns exec cli "$OVPN_CLI" --client --dev tun2 --dev-type tun --proto udp \
		--remote $SRV4 $PORT --nobind --disable-dco \
		--ca "$p/ca.crt" --cert "$p/cbc.crt" --key "$p/cbc.key" \
		--remote-cert-tls server --data-ciphers AES-256-CBC \
		--route-noexec --verb 3 >"$TMP/cbc.log" 2>&1 &
	CBC_PID=$!
	wait_for 60 grep -q "Initialization Sequence Completed" "$TMP/cbc.log"
}
CBC_PID=''
if start_server --data-ciphers AES-256-GCM:AES-256-CBC && start_client AES-256-GCM &&
   start_cbc_client; then
	tap_ok "mixed: an AES-256-GCM and an AES-256-CBC client connected"
	check "mixed: one line says the CBC client stays in userspace" \
		wait_for 10 srv_log_has 1 "nf-fastpath: cbc/.* stays in userspace (cipher not supported by the kernel, cipher AES-256-CBC)"
	check "mixed: the GCM client is offloaded" \
		srv_log_has 1 "nf-fastpath: client/.* offloaded (peer-id .*cipher AES-256-GCM)"
	check_eq "mixed: the kernel has exactly one peer" 1 \
		"$(nfo --json show tun0 | jq '.instances[0].peers | length')"
	cbc_ip=$(ip -n cli -4 -o addr show dev tun2 | awk '{print $4}' | cut -d/ -f1)
	# both clients sit in one netns: what leaves from the CBC client's
	# address must leave through its tun2
	ip -n cli rule add from "${cbc_ip:-10.8.0.255}" lookup 102
	ip -n cli route add 10.8.0.0/24 dev tun2 table 102
	check "mixed: CBC client -> server ping (userspace)" \
		ns cli ping -I tun2 -c 3 -i 0.3 -W 3 $VPN4_S
	check "mixed: server -> CBC client ping (userspace)" \
		ns srv ping -c 3 -i 0.3 -W 3 "${cbc_ip:-10.8.0.255}"
	tx0=$(peer_stat tx_packets)
	check "mixed: GCM client -> server ping" \
		ns cli ping -I tun1 -c 3 -i 0.3 -W 3 $VPN4_S
	check "mixed: the kernel carried the GCM client's traffic" \
		test "$(peer_stat tx_packets)" -gt "${tx0:-0}"
else
	tap_fail "mixed: an AES-256-GCM and an AES-256-CBC client connected"
	tail -n 20 "$TMP/cbc.log" | sed 's/^/#   /'
	dump_logs
fi
kill "$CBC_PID" 2>/dev/null && wait "$CBC_PID" 2>/dev/null
stop_client
kill -9 "$SRV_PID"
wait "$SRV_PID" 2>/dev/null
SRV_PID=''

[ "$__tap_fail" = 0 ] || dump_logs
tap_done
