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

# status_refreshes SECONDS: how many different times the --status file
# showed when read once a second for SECONDS seconds
status_refreshes() {
	local i
	for i in $(seq "$1"); do
		sed -n 's/^TIME,.*,\([0-9]*\)$/\1/p' "$TMP/status"
		sleep 1
	done | sort -u | wc -l
}

# --- one client per cipher ---------------------------------------------------
# run_case CIPHER
run_case() {
	local c=$1 rx0 tx0 rx1 tx1 from n
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
		test "$(npeers)" = 1

	rx0=$(peer_stat rx_packets) tx0=$(peer_stat tx_packets)
	check "$c: cli -> srv ping IPv4 inside" ns cli ping -c 3 -i 0.3 -W 3 $VPN4_S
	check "$c: cli -> srv ping IPv6 inside" ns cli ping -6 -c 3 -i 0.3 -W 3 $VPN6_S
	check "$c: srv -> cli ping IPv4 inside" ns srv ping -c 3 -i 0.3 -W 3 10.8.0.2
	rx1=$(peer_stat rx_packets) tx1=$(peer_stat tx_packets)
	check "$c: fast path carried it (rx $rx0 -> $rx1, tx $tx0 -> $tx1)" \
		test "${rx1:-0}" -ge $((${rx0:-0} + 9)) -a "${tx1:-0}" -ge $((${tx0:-0} + 9))

	if ! check "$c: status file shows the client and its fast-path counters" \
		wait_for 10 bash -c "grep -q '^CLIENT_LIST,client,' '$TMP/status' &&
			grep -Eq '^NF_FASTPATH,client,[0-9]+,[1-9][0-9]*,[0-9]+,[1-9][0-9]*,' '$TMP/status'"; then
		sed 's/^/#   status: /' "$TMP/status"
		tail -n +$from "$TMP/srv.log" | grep -E 'nf-fastpath|WARN|error' |
			tail -n 20 | sed 's/^/#   /'
	fi
	# the kernel carries data and pings, so nothing wakes userspace: it
	# must still wake each second for --status 1 and the notifications
	n=$(status_refreshes 6)
	check "$c: status file rewritten every second while idle ($n times in 6 s)" \
		test "$n" -ge 4
	echo "# $c: packets userspace would have sent with an offloaded key:" \
		"$(tail -n +$from "$TMP/srv.log" | grep -c 'nf-fastpath: dropping a packet')"

	stop_client
	# the stock client leaves silently (explicit-exit-notify travels in
	# the data channel): the server's --ping-restart, fed by the kernel's
	# rx-idle time while the client was there, must now expire it
	check "$c: server expired the silent client" \
		wait_for 40 srv_log_has $from "Inactivity timeout (--ping-restart)"
	check "$c: its peer left the kernel" \
		wait_for 5 eval '[ "$(npeers)" = 0 ]'
}

load_module || { echo "1..0 # SKIP cannot load nf_ovpn"; exit $ksft_skip; }
check "certificates generated" gen_certs cbc
check "topology up" setup

server_up
check "server created its nf_ovpn instance" \
	grep -q "nf-fastpath: nf_ovpn instance on tun0" "$TMP/srv.log"
check "nfovpn shows the instance" \
	bash -c "ip netns exec srv $NFOVPN --json show | jq -e '.instances[] | select(.ifname == \"tun0\")'"

for cipher in AES-256-GCM AES-128-GCM CHACHA20-POLY1305; do
	run_case $cipher
done

stop_server
check "server killed -9: no instance left" \
	wait_for 10 eval '[ "$(nf_count)" = 0 ]'

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
stop_server

# --- a CBC client stays in userspace while an AEAD client is offloaded --------
mixed_case "mixed" cbc AES-256-CBC \
	"nf-fastpath: cbc/.* stays in userspace (cipher not supported by the kernel, cipher AES-256-CBC)" \
	--data-ciphers AES-256-GCM:AES-256-CBC

[ "$__tap_fail" = 0 ] || dump_logs
tap_done
