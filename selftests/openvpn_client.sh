#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The patched OpenVPN client (--client --nf-fastpath) against the stock
# Debian server in userspace (--disable-dco).
#
#   netns srv                                  netns cli
#   +---------------------------------+        +--------------------------------+
#   | /usr/sbin/openvpn (stock)       |        | patched openvpn --client       |
#   |  --mode server --disable-dco    |        |  --nf-fastpath                 |
#   |  --keepalive 2 10, udp6 :1194   |        |  nf_ovpn p2p instance on tun1  |
#   |  tun0 10.8.0.1/24 fd00:8::1/64  |        |  tun1 10.8.0.2 fd00:8::1000    |
#   | veth0 192.0.2.1 fd00:192::1     |========| veth1 192.0.2.2 fd00:192::2    |
#   +---------------------------------+        +--------------------------------+
#
# Per AEAD cipher (IPv4 and IPv6 transport): pings both ways, IPv4 and
# IPv6 inside, carried by the client's kernel peer.  A SIGUSR1 restart
# re-creates the instance; the kernel's pings from the server keep
# --ping-restart quiet while the tunnel idles.  A paced TCP transfer both
# ways across forced renegotiations (server --reneg-sec 4), sha256 equal,
# the kernel carrying more than 99% of the data packets.  The kernel sends
# the pushed pings; with the server gone the client's --ping-restart fires
# and its kernel state goes, with the server back it is offloaded again.
# A CBC cipher and TCP stay in userspace with one log line and still work,
# and so does everything without the module.  kill -9 of the client leaves
# no nf_ovpn object.

source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/openvpn_pki.sh"

OVPN_CLI=${OVPN_CLIENT_BIN:-$TOP/build/openvpn-src/src/openvpn/openvpn}
OVPN_SRV=${OVPN_SRV:-/usr/sbin/openvpn}

need_root
need_cmd ip modprobe insmod ping jq openssl python3
[ -x "$NFOVPN" ] || skip_all "nfovpn not built: $NFOVPN"
[ -x "$OVPN_CLI" ] || skip_all "patched openvpn not built (make openvpn): $OVPN_CLI"
[ -x "$OVPN_SRV" ] || skip_all "stock openvpn not installed: $OVPN_SRV"

TMP=$(mktemp -d)
SRV4=192.0.2.1 CLI4=192.0.2.2 SRV6=fd00:192::1 CLI6=fd00:192::2
VPN4_S=10.8.0.1 VPN6_S=fd00:8::1 VPN4_C=10.8.0.2 VPN6_C=fd00:8::1000
PORT=1194
SRV_PID='' CLI_PID=''

cleanup() {
	local p
	for p in $CLI_PID $SRV_PID; do
		kill -9 "$p" 2>/dev/null && wait "$p" 2>/dev/null
	done
	ip netns del srv 2>/dev/null
	ip netns del cli 2>/dev/null
	# debugging: OVPN_KEEP_LOGS=DIR keeps the last connection's logs
	[ -n "${OVPN_KEEP_LOGS:-}" ] && cp "$TMP"/*.log "$OVPN_KEEP_LOGS"/ 2>/dev/null
	rm -rf "$TMP"
}
trap cleanup EXIT

nfc() { ns cli "$NFOVPN" "$@"; }


# cli_stat NAME: a counter of the client's (only) kernel peer, on tun1
cli_stat() {
	nfc --json show tun1 | jq -r --arg n "$1" \
		'.instances[] | select(.ifname == "tun1") | .peers[0].stats[$n] // empty'
}

# cli_peer FIELD: a field of that peer
cli_peer() {
	nfc --json show tun1 | jq -r --arg n "$1" \
		'.instances[] | select(.ifname == "tun1") | .peers[0][$n] // empty'
}

# tun1_tx: packets that reached the client's tun fd, i.e. userspace
tun1_tx() { ns cli cat /sys/class/net/tun1/statistics/tx_packets; }


# cli_log_has LINE PATTERN: the client logged PATTERN after line LINE
cli_log_has() { tail -n +"$1" "$TMP/cli.log" | grep -q -- "$2"; }
cli_log_count() { tail -n +"$1" "$TMP/cli.log" | grep -c -- "$2"; }
cli_lines() { echo $(($(wc -l <"$TMP/cli.log") + 1)); }

setup() {
	ip netns add srv && ip netns add cli &&
	ip link add veth0 netns srv type veth peer name veth1 netns cli &&
	ip -n srv addr add $SRV4/24 dev veth0 &&
	ip -n cli addr add $CLI4/24 dev veth1 &&
	ip -n srv addr add $SRV6/64 dev veth0 nodad &&
	ip -n cli addr add $CLI6/64 dev veth1 nodad &&
	ip -n srv link set veth0 up && ip -n cli link set veth1 up &&
	ip -n srv link set lo up && ip -n cli link set lo up
}

# start_server CIPHERS [EXTRA...]: the stock server, dual-stack socket
start_server() {
	local p=$TMP/pki c=$1
	shift
	ip netns exec srv "$OVPN_SRV" --mode server --tls-server --dev tun0 \
		--dev-type tun --topology subnet --proto udp6 --port $PORT \
		--server 10.8.0.0 255.255.255.0 --server-ipv6 fd00:8::/64 \
		--ca "$p/ca.crt" --cert "$p/server.crt" --key "$p/server.key" \
		--dh none --data-ciphers "$c" --keepalive 2 10 --disable-dco \
		--verb 3 "$@" >>"$TMP/srv.log" 2>&1 &
	SRV_PID=$!
	wait_for 60 grep -q "Initialization Sequence Completed" "$TMP/srv.log"
}

stop_server() {
	kill -9 "$SRV_PID" 2>/dev/null && wait "$SRV_PID" 2>/dev/null
	SRV_PID=''
	: >"$TMP/srv.log"
}

# start_client PROTO REMOTE CIPHERS [EXTRA...]: the patched client
start_client() {
	local p=$TMP/pki proto=$1 remote=$2 c=$3
	shift 3
	: >"$TMP/cli.log"
	ip netns exec cli "$OVPN_CLI" --client --dev tun1 --dev-type tun \
		--proto "$proto" --remote "$remote" $PORT --nobind \
		--ca "$p/ca.crt" --cert "$p/client.crt" --key "$p/client.key" \
		--remote-cert-tls server --data-ciphers "$c" --nf-fastpath \
		--verb 4 "$@" >"$TMP/cli.log" 2>&1 &
	CLI_PID=$!
	wait_for 60 grep -q "Initialization Sequence Completed" "$TMP/cli.log"
}

stop_client() {
	kill "$CLI_PID" 2>/dev/null && wait "$CLI_PID" 2>/dev/null
	CLI_PID=''
}

dump_logs() {
	echo "# --- server log (tail)"
	tail -n 25 "$TMP/srv.log" | sed 's/^/#   /'
	echo "# --- client log (tail)"
	tail -n 40 "$TMP/cli.log" | grep -v 'dropping a packet' | sed 's/^/#   /'
}

# restart_why: the lines of both logs that tell why a client reconnected
restart_why() {
	local re='restart\|Inactivity\|TLS Error\|SIGUSR1\|SIGTERM\|AUTH_FAILED\|nf-fastpath: [^p]\|Initialization Sequence'
	echo "# --- client log: restarts and nf-fastpath events"
	grep -- "$re" "$TMP/cli.log" | grep -v 'dropping a' | tail -n 40 | sed 's/^/#   /'
	echo "# --- server log: the same"
	grep -- "$re" "$TMP/srv.log" | grep -v 'dropping a' | tail -n 30 | sed 's/^/#   /'
}

# pings both ways, IPv4 and IPv6 inside, and the kernel peer counted them
# pings TAG
pings() {
	local t=$1 rx0 tx0 rx1 tx1
	rx0=$(cli_stat rx_packets) tx0=$(cli_stat tx_packets)
	check "$t: cli -> srv ping IPv4 inside" ns cli ping -c 3 -i 0.3 -W 3 $VPN4_S
	check "$t: cli -> srv ping IPv6 inside" ns cli ping -6 -c 3 -i 0.3 -W 3 $VPN6_S
	check "$t: srv -> cli ping IPv4 inside" ns srv ping -c 3 -i 0.3 -W 3 $VPN4_C
	check "$t: srv -> cli ping IPv6 inside" ns srv ping -6 -c 3 -i 0.3 -W 3 $VPN6_C
	rx1=$(cli_stat rx_packets) tx1=$(cli_stat tx_packets)
	check "$t: client kernel carried it (rx $rx0 -> $rx1, tx $tx0 -> $tx1)" \
		test "${rx1:-0}" -ge $((${rx0:-0} + 12)) -a "${tx1:-0}" -ge $((${tx0:-0} + 12))
}

# up TAG CIPHER PROTO REMOTE [CLIENT_OPTION...]: the stock server (with
# the options in SRV_EXTRA, which is reset) and the patched client; false,
# with both stopped, if the client did not connect
SRV_EXTRA=()
CLI_EXTRA=()
up() {
	local t=$1 c=$2 proto=$3 remote=$4 extra=("${SRV_EXTRA[@]}")
	shift 4
	SRV_EXTRA=()
	if ! start_server "$c" "${extra[@]}" ||
	   ! start_client "$proto" "$remote" "$c" "$@"; then
		tap_fail "$t: client connected"
		dump_logs
		stop_client; stop_server
		return 1
	fi
	tap_ok "$t: client connected"
}

# offloaded TAG CIPHER FROM: the client logged its offload after line FROM
# and nfovpn shows one p2p instance with one peer and a key
offloaded() {
	check "$1: client offloaded its data channel" \
		wait_for 10 cli_log_has "$3" "nf-fastpath: data channel to .* offloaded (peer-id .*cipher $2)"
	check "$1: key in the kernel" \
		cli_log_has "$3" "nf-fastpath: peer-id .*: key-id .* ($2) in the kernel, primary slot"
	check "$1: nfovpn shows a p2p instance on tun1 with one peer" \
		bash -c "[ \"\$(ip netns exec cli $NFOVPN --json show tun1 |
			jq -r '.instances[0] | .mode == \"p2p\" and (.peers | length) == 1 and (.peers[0].keys | length) >= 1')\" = true ]"
}


# share KERNEL SLOW: the kernel carried more than 99% of KERNEL + SLOW
share() {
	echo "# kernel $1 slow $2"
	[ "$1" -gt 0 ] && [ $(($2 * 100)) -lt $(($1 + $2)) ]
}

# --- one connection per cipher / transport -----------------------------------
# basic_case CIPHER PROTO REMOTE
basic_case() {
	local c=$1 t="$1 over $2"
	up "$t" "$c" "$2" "$3" || return
	offloaded "$t" "$c" 1
	check "$t: kernel peer remote is the server" \
		bash -c "[ \"\$(ip netns exec cli $NFOVPN --json show tun1 | jq -r '.instances[0].peers[0].remote_address')\" = $3 ]"
	pings "$t"
	stop_client
	check "$t: client gone, no nf_ovpn object left" wait_for 10 eval '[ "$(nf_count)" = 0 ]'
	stop_server
}

# --- renegotiations, transfer, keepalive, server restart, kill -9 ------------
reneg_case() {
	local c=AES-256-GCM t="reneg" from start k0 s0 u0 r0 rs0 k1 s1 u1 r1 rs1 ka0
	SRV_EXTRA=(--reneg-sec 4)
	up "$t" "$c" udp $SRV4 --persist-tun || return
	offloaded "$t" "$c" 1
	check_eq "$t: kernel peer has the pushed keepalive interval" 2 "$(cli_peer keepalive_interval)"

	from=$(cli_lines) start=$SECONDS
	k0=$(cli_stat tx_packets) s0=$(cli_stat tx_slow_packets) u0=$(tun1_tx)
	r0=$(cli_stat rx_packets) rs0=$(cli_stat rx_slow_packets)
	XFER_PACE=0.2
	check "$t: cli -> srv 4 MiB paced over ~13 s, sha256 equal" \
		xfer cli srv $VPN4_S 4194304
	XFER_PACE=
	check "$t: srv -> cli 2 MiB over IPv6 inside, sha256 equal" \
		xfer srv cli $VPN6_C 2097152
	k1=$(cli_stat tx_packets) s1=$(cli_stat tx_slow_packets) u1=$(tun1_tx)
	r1=$(cli_stat rx_packets) rs1=$(cli_stat rx_slow_packets)
	check "$t: keys renegotiated and swapped in the kernel during the transfers" \
		cli_log_has "$from" "nf-fastpath: peer-id .*: swapping keys"
	echo "# $t: $((SECONDS - start)) s, $(cli_log_count "$from" 'swapping keys') key swaps," \
		"$(cli_log_count "$from" 'nf-fastpath: dropping a packet') packets dropped by userspace"
	share $((${k1:-0} - ${k0:-0})) $((${s1:-0} - ${s0:-0} + ${u1:-0} - ${u0:-0}))
	check "$t: kernel sent >99% of the data packets" \
		share $((${k1:-0} - ${k0:-0})) $((${s1:-0} - ${s0:-0} + ${u1:-0} - ${u0:-0}))
	share $((${r1:-0} - ${r0:-0})) $((${rs1:-0} - ${rs0:-0}))
	check "$t: kernel received >99% of the data packets" \
		share $((${r1:-0} - ${r0:-0})) $((${rs1:-0} - ${rs0:-0}))
	check "$t: no kernel decrypt failures" test "$(cli_stat drop_auth)" = 0

	ka0=$(cli_stat keepalive_tx)
	check "$t: the kernel sends the pings while idle" \
		wait_for 15 bash -c "[ \"\$(ip netns exec cli $NFOVPN --json show tun1 |
			jq -r '.instances[0].peers[0].stats.keepalive_tx')\" -ge $((${ka0:-0} + 2)) ]"
	check_not "$t: no ping-restart while the server is there" \
		cli_log_has 1 "Inactivity timeout (--ping-restart)"

	# the server vanishes: the client's ping-restart must fire
	from=$(cli_lines)
	stop_server
	check "$t: server gone, client's --ping-restart fires" \
		wait_for 40 cli_log_has "$from" "Inactivity timeout (--ping-restart)"
	check "$t: client restarting, no nf_ovpn object left" \
		wait_for 10 eval '[ "$(nf_count)" = 0 ]'
	check "$t: tun1 persisted" ns cli ip link show tun1

	if start_server "$c" --reneg-sec 4; then
		tap_ok "$t: server restarted"
	else
		tap_fail "$t: server restarted"
	fi
	check "$t: client reconnected" \
		wait_for 90 cli_log_has "$from" "Initialization Sequence Completed"
	offloaded "$t: after reconnect" "$c" "$from"
	pings "$t: after reconnect"

	check_eq "$t: one instance, one peer before kill -9" 2 \
		"$("$NFOVPN" status --json | jq -r '.instances+.peers')"
	kill -9 "$CLI_PID"
	wait "$CLI_PID" 2>/dev/null
	CLI_PID=''
	check "$t: client killed -9, no nf_ovpn object left" \
		wait_for 10 eval '[ "$(nf_count)" = 0 ]'
	stop_server
}

# --- SIGUSR1 restart re-creates the kernel state -----------------------------
usr1_case() {
	local c=AES-128-GCM t="SIGUSR1" from ka0
	up "$t" "$c" udp $SRV4 || return
	offloaded "$t" "$c" 1
	from=$(cli_lines)
	kill -USR1 "$CLI_PID"
	check "$t: client reconnected" \
		wait_for 60 cli_log_has "$from" "Initialization Sequence Completed"
	offloaded "$t: after restart" "$c" "$from"
	check_eq "$t: one instance, one peer" 2 \
		"$("$NFOVPN" status --json | jq -r '.instances+.peers')"
	pings "$t: after restart"

	# no renegotiation here, so userspace hears nothing from the server:
	# its --ping-restart 10 must ask the kernel, which takes the pings
	ka0=$(cli_stat keepalive_rx)
	check "$t: kernel took 7 server pings (more than --ping-restart 10 s)" \
		wait_for 60 bash -c "[ \"\$(ip netns exec cli $NFOVPN --json show tun1 |
			jq -r '.instances[0].peers[0].stats.keepalive_rx')\" -ge $((${ka0:-0} + 7)) ]"
	check_not "$t: no ping-restart meanwhile" \
		cli_log_has 1 "Inactivity timeout (--ping-restart)"
	stop_client
	stop_server
}

# --- rmmod under traffic: the client goes on in userspace, then back ---------
rmmod_case() {
	local c=CHACHA20-POLY1305 t="rmmod" from n
	up "$t" "$c" udp $SRV4 || return
	offloaded "$t" "$c" 1
	from=$(cli_lines)
	XFER_PACE=0.05
	check "$t: rmmod mid-transfer (cli -> srv 2 MiB), sha256 equal" \
		at_half cli srv $VPN4_S 2097152 unload_module
	XFER_PACE=
	check "$t: the client took its key back" \
		cli_log_has "$from" "nf-fastpath: data channel back in userspace (1 key(s) handed back)"
	check "$t: srv -> cli ping in userspace" ns srv ping -c 3 -i 0.3 -W 3 $VPN4_C
	check "$t: module loaded again" load_module
	check "$t: the client offloaded again" \
		wait_for 15 cli_log_has "$from" "nf-fastpath: data channel to .* offloaded"
	check "$t: its key went on from the packet-ids userspace used" \
		cli_log_has "$from" "($c) in the kernel, primary slot, from packet-id [1-9][0-9]"
	pings "$t: after the module came back"
	n=$(cli_log_count 1 'Initialization Sequence Completed')
	check_eq "$t: one connection all along" 1 "$n"
	[ "$n" = 1 ] || restart_why
	stop_client
	stop_server
}

# --- --inactive counts what the kernel carried ---------------------------------
inactive_case() {
	local c=AES-256-GCM t="--inactive 6"
	up "$t" "$c" udp $SRV4 --inactive 6 || return
	offloaded "$t" "$c" 1
	check "$t: 10 s of pings, all through the kernel" \
		ns cli ping -c 20 -i 0.5 -W 2 $VPN4_S
	check_not "$t: no inactivity exit while the kernel carried traffic" \
		cli_log_has 1 "Inactivity timeout (--inactive)"
	check "$t: the client exits once the tunnel is idle" \
		wait_for 30 cli_log_has 1 "Inactivity timeout (--inactive), exiting"
	stop_client
	stop_server
}

# --- fallbacks: the tunnel works in userspace, one line says why --------------
# fallback_case TAG CIPHER CLIENT_PROTO LINE [SERVER_OPTION...]
fallback_case() {
	local t=$1 c=$2 proto=$3 line=$4
	shift 4
	SRV_EXTRA=("$@")
	local cli_extra=("${CLI_EXTRA[@]}")
	CLI_EXTRA=()
	up "$t" "$c" "$proto" $SRV4 "${cli_extra[@]}" || return
	check_eq "$t: exactly one fallback line" 1 "$(cli_log_count 1 "$line")"
	if module_loaded; then
		check_eq "$t: no nf_ovpn object" 0 "$(nf_count)"
	else
		check_not "$t: the module is really absent" "$NFOVPN" status
	fi
	check "$t: cli -> srv ping IPv4 inside (userspace)" ns cli ping -c 3 -i 0.3 -W 3 $VPN4_S
	check "$t: srv -> cli ping IPv6 inside (userspace)" ns srv ping -6 -c 3 -i 0.3 -W 3 $VPN6_C
	stop_client
	stop_server
}

load_module || { echo "1..0 # SKIP cannot load nf_ovpn"; exit $ksft_skip; }
check "certificates generated" gen_certs
check "topology up" setup
: >"$TMP/srv.log"

basic_case AES-128-GCM udp $SRV4
basic_case AES-256-GCM udp6 $SRV6
basic_case CHACHA20-POLY1305 udp6 $SRV6
usr1_case
reneg_case
rmmod_case
inactive_case
fallback_case AES-256-CBC AES-256-CBC udp \
	'nf-fastpath: data channel stays in userspace (cipher not supported by the kernel, cipher AES-256-CBC)'
# a socket option the kernel does not honour for what it sends
CLI_EXTRA=(--shaper 1000000)
fallback_case --shaper AES-256-GCM udp \
	'nf-fastpath: data channel stays in userspace (--shaper, cipher AES-256-GCM)'
fallback_case TCP AES-256-GCM tcp-client \
	'nf-fastpath: data channel stays in userspace (TCP transport, cipher AES-256-GCM)' \
	--proto tcp6-server

check_eq "end: no nf_ovpn object left" 0 "$(nf_count)"
if check "module unloaded" unload_module; then
	fallback_case "no module" AES-256-GCM udp \
		'nf-fastpath: nf_ovpn module not loaded, running in userspace'
fi
[ "$__tap_fail" = 0 ] || dump_logs
tap_done
