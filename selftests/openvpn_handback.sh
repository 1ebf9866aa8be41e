#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Hand-back: the patched server (--nf-fastpath) serves a stock client
# through the kernel; nf_ovpn is unloaded in the middle of a transfer.  The
# kernel hands every key back with its packet-ids and replay window, and
# OpenVPN goes on with the same session in userspace: the transfer
# completes intact, with no reconnect and no renegotiation.  When the
# module is loaded again the server offloads the client again, continuing
# from the packet-ids userspace reached.  A capture of everything the
# server sent shows no (key-id, packet-id) twice, fast path or not.
#
# Same topology as openvpn_server.sh (openvpn_lib.sh).

source "$(dirname "$0")/lib.sh"

source "$(dirname "$0")/openvpn_lib.sh"

need_cmd tcpdump python3
VPN4_C=10.8.0.2
CAP_PID=''

stop_capture() {
	[ -n "$CAP_PID" ] || return 0
	kill -INT "$CAP_PID" 2>/dev/null && wait "$CAP_PID" 2>/dev/null
	CAP_PID=''
}

# log_count FILE PATTERN: lines of FILE matching PATTERN
log_count() { grep -c -- "$2" "$1"; }

# check_inc DESC COUNTER CMD...: CMD raises the peer's COUNTER
check_inc() {
	local desc=$1 name=$2 before after
	shift 2
	before=$(peer_stat "$name")
	"$@" >/dev/null 2>&1
	after=$(peer_stat "$name")
	check "$desc ($name ${before:-?} -> ${after:-?})" \
		test "${after:-0}" -gt "${before:-0}"
}

load_module || skip_all "cannot load nf_ovpn"
dmesg_mark
check "certificates" gen_certs
check "topology" setup

# ip netns exec execs tcpdump: $! is tcpdump itself
ip netns exec srv tcpdump -i veth0 -U -n -w "$TMP/srv.pcap" "udp and src port $PORT" \
	2>"$TMP/tcpdump.err" &
CAP_PID=$!
check "capture of the server's packets started" \
	wait_for 20 grep -q "listening on" "$TMP/tcpdump.err"

up_offloaded AES-256-GCM
check_inc "fast path carries server -> client" tx_packets \
	ns srv ping -c 3 -i 0.2 -W 3 $VPN4_C

# --- rmmod under traffic -------------------------------------------------------
from=$(($(wc -l <"$TMP/srv.log") + 1))
ns cli ping -c 40 -i 0.25 -W 2 $VPN4_S >"$TMP/ping.log" 2>&1 &
ping_pid=$!
XFER_PACE=0.02
check "rmmod mid-transfer (server -> client): sha256 equal" \
	at_half srv cli $VPN4_C 3145728 unload_module
XFER_PACE=
check "the module is gone" bash -c "! lsmod | grep -q '^nf_ovpn '"
check "server took the client back into userspace" \
	srv_log_has $from "back in userspace (1 key(s) handed back)"
check "server noticed the instance is gone" \
	srv_log_has $from "nf_ovpn instance is gone"
check "userspace still carries client -> server" \
	ns cli ping -c 3 -i 0.2 -W 3 $VPN4_S
check "userspace still carries server -> client" \
	ns srv ping -c 3 -i 0.2 -W 3 $VPN4_C
check "transfer client -> server in userspace: sha256 equal" \
	xfer cli srv $VPN4_S 1048576
wait $ping_pid
echo "# ping across the rmmod: $(grep -E 'packets transmitted' "$TMP/ping.log")"
# idle in userspace for longer than the client's --ping-restart (10 s):
# only the server's keepalive pings, which the kernel sent until the
# hand-back, keep the client from restarting
sleep 13
check_not "idle 13 s in userspace: the client heard the server's pings" \
	grep -q 'Inactivity timeout' "$TMP/cli.log"
check_not "no renegotiation after the hand-back" \
	srv_log_has $from 'soft reset'
if ! check_not "no client reconnected" \
	srv_log_has $from 'Peer Connection Initiated'; then
	# why the client restarted: its own words, and the server's
	grep -E -B4 'SIGUSR1|Restart|Inactivity|AUTH_FAILED|error' "$TMP/cli.log" |
		tail -n 30 | sed 's/^/#   client: /'
	tail -n +$from "$TMP/srv.log" | grep -E -B2 -A2 'SIGUSR1|Inactivity|restart|gone|nf-fastpath' |
		head -n 40 | sed 's/^/#   server: /'
fi

back=$(grep -n 'back in userspace' "$TMP/srv.log" | head -n 1 | cut -d: -f1)
check "userspace sent with the handed-back key right away (no drops after line ${back:-?})" \
	bash -c "[ -n '$back' ] && ! tail -n +'$back' '$TMP/srv.log' | grep -q 'dropping a packet for key-id'"

# --- insmod: offloaded again -------------------------------------------------
from=$(($(wc -l <"$TMP/srv.log") + 1))
check "module loaded again" load_module
check "server offloaded the client again" \
	wait_for 15 srv_log_has $from "nf-fastpath: .* offloaded (peer-id"
check "the key went back to the kernel after the packet-ids userspace used" \
	bash -c "tail -n +$from '$TMP/srv.log' | grep -Eq 'key-id 0 \\(AES-256-GCM\\) in the kernel, primary slot, from packet-id [0-9]{3,}'"
check_inc "fast path carries server -> client again" tx_packets \
	ns srv ping -c 3 -i 0.2 -W 3 $VPN4_C
check_inc "fast path carries client -> server again" rx_packets \
	ns cli ping -c 3 -i 0.2 -W 3 $VPN4_S
tx0=$(peer_stat tx_packets)
check "transfer server -> client after re-offload: sha256 equal" \
	xfer srv cli $VPN4_C 2097152
tx1=$(peer_stat tx_packets)
check "the kernel carried it (tx_packets ${tx0:-?} -> ${tx1:-?})" \
	test "${tx1:-0}" -ge $((${tx0:-0} + 1000))

# --- one session all along -----------------------------------------------------
check_eq "the client connected once" 1 \
	"$(log_count "$TMP/cli.log" 'Initialization Sequence Completed')"
check_eq "the client never restarted" 0 \
	"$(log_count "$TMP/cli.log" 'SIGUSR1')"

stop_capture
NONCES=$SELFTESTS/tools/pdata-nonces.py
check "no (key-id, packet-id) sent twice, fast path and userspace" \
	python3 "$NONCES" --server-port $PORT "$TMP/srv.pcap"
check_not "the nonce check catches a packet sent twice" \
	python3 "$NONCES" --server-port $PORT --duplicate-one "$TMP/srv.pcap"
n=$(python3 "$NONCES" --server-port $PORT "$TMP/srv.pcap" |
	sed -n 's/.*server-sent P_DATA_V2 \([0-9]*\).*/\1/p')
check "the capture holds the run (${n:-0} data packets sent)" \
	test "${n:-0}" -ge 3000

# --- kill -9: nothing left -------------------------------------------------------
kill -9 "$SRV_PID" 2>/dev/null
wait "$SRV_PID" 2>/dev/null
SRV_PID=''
check "kill -9 of the server leaves no nf_ovpn object" \
	wait_for 10 eval '[ "$(nf_count)" = 0 ]'
check "kernel log clean" dmesg_clean
dump_logs
tap_done
