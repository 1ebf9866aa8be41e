#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# What the patched server (--nf-fastpath) cannot offload stays in
# userspace, says so in one line, and works as stock OpenVPN does.
#
#   netns srv                                  netns cli
#   +---------------------------------+        +------------------------------+
#   | patched openvpn --mode server   |        | stock openvpn --client (x2)  |
#   |  tun0 10.8.0.1/24               |        |  tun1 "client", tun2 "comp"  |
#   | veth0 192.0.2.1/24              |========| veth1 192.0.2.2/24           |
#   +---------------------------------+        +------------------------------+
#
# - module not loaded when the server starts: the tunnel works in
#   userspace; insmod later and the connected client is offloaded.
# - a client with compression framing (its client-config-dir file) stays
#   in userspace while a second client of the same server is offloaded.
# - --allow-compression asym and --fragment (server-wide): the client
#   stays in userspace; a TCP server creates no instance at all.
# - --passtos, which the kernel ignores for what it sends: the client
#   stays in userspace; --mark, --bind-dev and --multihome it honours: the
#   client is offloaded (and marked packets, replies from the address the
#   client sent to).
#   (--shaper and --socks-proxy are client/p2p options: see
#   openvpn_client.sh.)

source "$(dirname "$0")/lib.sh"

source "$(dirname "$0")/openvpn_lib.sh"

# pings_both_ways LABEL: the tunnel carries IPv4 both ways
pings_both_ways() {
	check "$1: client -> server ping" ns cli ping -I tun1 -c 3 -i 0.3 -W 3 $VPN4_S
	check "$1: server -> client ping" ns srv ping -c 3 -i 0.3 -W 3 10.8.0.2
}

# userspace_case LABEL LOG-LINE SERVER-OPTIONS -- CLIENT-OPTIONS: one client
# that must stay in userspace with LOG-LINE in the server's log
userspace_case() {
	local label=$1 line=$2 sopts=() copts=()
	shift 2
	while [ $# -gt 0 ] && [ "$1" != -- ]; do
		sopts+=("$1")
		shift
	done
	shift
	copts=("$@")
	if start_server "${sopts[@]}" && start_client AES-256-GCM "${copts[@]}"; then
		tap_ok "$label: server and stock client up"
		check "$label: one line says why the client stays in userspace" \
			wait_for 10 srv_log_has 1 "$line"
		check_eq "$label: the kernel has no peer" 0 \
			"$($NFOVPN status --json | jq -r .peers)"
		pings_both_ways "$label"
	else
		tap_fail "$label: server and stock client up"
		dump_logs
	fi
	stop_client
	stop_server
}

load_module || { echo "1..0 # SKIP cannot load nf_ovpn"; exit $ksft_skip; }
check "certificates generated" gen_certs comp
check "topology up" setup

# --- no module at start: stock behaviour, offloaded once it is loaded --------
check "module unloaded" unload_module
if start_server && start_client AES-256-GCM; then
	tap_ok "no module: server and stock client up"
	check "no module: one line says so" \
		srv_log_has 1 "nf-fastpath: nf_ovpn module not loaded, running in userspace"
	pings_both_ways "no module"
	from=$(($(wc -l <"$TMP/srv.log") + 1))
	check "module loaded" load_module
	check "the server offloads the connected client once the module is there" \
		wait_for 20 srv_log_has $from "nf-fastpath: client/.* offloaded (peer-id"
	check "its key went to the kernel" \
		wait_for 5 srv_log_has $from "key-id 0 (AES-256-GCM) in the kernel, primary slot"
	tx0=$(peer_stat tx_packets)
	pings_both_ways "offloaded later"
	check "the kernel carried them (tx_packets ${tx0:-?} -> $(peer_stat tx_packets))" \
		test "$(peer_stat tx_packets)" -gt "${tx0:-0}"
else
	tap_fail "no module: server and stock client up"
	dump_logs
fi
stop_client
stop_server
check "module loaded" load_module

# --- compression for one client, the other offloaded ------------------------
# The compressing client gets "compress stub-v2" (compression framing, as
# a stock client accepts with its default --allow-compression no) from its
# client-config-dir file.
mkdir -p "$TMP/ccd"
echo "compress stub-v2" >"$TMP/ccd/comp"
mixed_case "compression" comp AES-256-GCM \
	"nf-fastpath: comp/.* stays in userspace (compression, cipher AES-256-GCM)" \
	--client-config-dir "$TMP/ccd"

# --allow-compression other than "no" lets any client compress at will:
# as with DCO, no client of such a server is offloaded
userspace_case "--allow-compression asym" \
	"nf-fastpath: client/.* stays in userspace (compression, cipher AES-256-GCM)" \
	--allow-compression asym --

# --- --fragment, TCP ----------------------------------------------------------
userspace_case "--fragment" \
	"nf-fastpath: client/.* stays in userspace (--fragment, cipher AES-256-GCM)" \
	--fragment 1300 -- --fragment 1300
# a socket option the kernel does not honour for what it sends
userspace_case "--passtos" \
	"nf-fastpath: client/.* stays in userspace (--passtos, cipher AES-256-GCM)" \
	--passtos --
# socket options the kernel honours: --mark (outer packets carry it),
# --bind-dev, --multihome (answers from the address the client sent to:
# a stock client without --float drops anything else)
marked_data() {	# P_DATA_V2 packets with mark 5 sent from the server's port
	ns srv nft -j list table inet mk 2>/dev/null |
		jq '[.nftables[] | .rule? // empty | .expr[] | .counter? // empty | .packets] | add // 0'
}
kernel_case() {	# kernel_case LABEL SERVER-OPTION...
	local label=$1 tx0 m0
	shift
	if start_server "$@" && start_client AES-256-GCM; then
		tap_ok "$label: server and stock client up"
		check "$label: the client is offloaded" \
			wait_for 10 srv_log_has 1 "nf-fastpath: .* offloaded (peer-id"
		check_not "$label: no line keeps it in userspace" \
			srv_log_has 1 "stays in userspace"
		tx0=$(peer_stat tx_packets) m0=$(marked_data)
		pings_both_ways "$label"
		check "$label: the kernel carried the pings (tx ${tx0:-?} -> $(peer_stat tx_packets))" \
			test "$(peer_stat tx_packets)" -ge $((${tx0:-0} + 3))
		MARKED=$(($(marked_data) - ${m0:-0}))
	else
		tap_fail "$label: server and stock client up"
		dump_logs
	fi
	stop_client
	stop_server
}
check "--mark: nft counts marked data packets from the server's port" ns srv nft \
	"add table inet mk; add chain inet mk out { type filter hook output priority 0; };
	 add rule inet mk out meta mark 5 udp sport $PORT @th,64,5 9 counter"
MARKED=0
kernel_case "--mark 5" --mark 5
check "--mark 5: the data packets the kernel sent carried the mark ($MARKED)" \
	test "$MARKED" -ge 6
ns srv nft delete table inet mk
kernel_case "--bind-dev veth0" --bind-dev veth0
check "--multihome: a second address 192.0.2.3 on the server" \
	ip -n srv addr add 192.0.2.3/24 dev veth0
SRV4_TO=192.0.2.3 kernel_case "--multihome, client to 192.0.2.3" --multihome
ip -n srv addr del 192.0.2.3/24 dev veth0
# a TCP server has no instance at all
userspace_case "TCP" \
	"nf-fastpath: needs a tun device and a UDP socket, running in userspace" \
	--proto tcp-server -- --proto tcp-client

check "no nf_ovpn object left" \
	wait_for 10 eval '[ "$(nf_count)" = 0 ]'
check "kernel log clean" dmesg_clean
tap_done
