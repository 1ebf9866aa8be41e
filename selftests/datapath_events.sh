#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Datapath events that userspace is told about (same topology as
# datapath.sh, see datapath_lib.sh):
#
#   srv: tun0 + instance :1194, peer 1       cli: ovpn-peer tunnel
#        nfovpn monitor --json (recording)        :1195, then :1196 (float)
#
# * float: the client moves to a new source port mid-session; the kernel
#   follows it (TX goes to the new port) and notifies peer_float;
# * TX packet-id near exhaustion: a key handed over at 0xFEFFFFFE asks for a
#   renegotiation (key_swap event) once it crosses 0xFF000000;
# * TX packet-id never wraps: a key at 0xFFFFFFFF sends exactly one more
#   packet, then drops (no_key) instead of reusing a nonce.

source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/datapath_lib.sh"

dp_setup
MON_PID=''
trap 'kill $MON_PID 2>/dev/null; cleanup' EXIT
ns srv "$NFOVPN" monitor --json >"$TMP/monitor" 2>&1 &
MON_PID=$!

wait_grep() {	# wait_grep FILE REGEX: bounded poll
	local _
	for _ in $(seq 50); do
		grep -Eq "$2" "$1" && return 0
		sleep 0.2
	done
	return 1
}
remote_port() { nfo show --json | jq -r '.instances[0].peers[0].remote_port'; }

"$OVPN_PEER" genkey AES-256-GCM >"$TMP/key"
check "instance" nfo instance add tun0 port $PORT
check "peer 1" add_peer 4

# --- float -------------------------------------------------------------------
check "key" nfo key add tun0 1 slot primary key-id 0 key-file "$TMP/key"
start_cli "$TMP/key" v2 4
check "client up on :$CPORT" ns cli ping -c 2 -i 0.3 -W 3 $VPN4_S
check_eq "peer remote port is $CPORT" $CPORT "$(remote_port)"
stop_cli
CPORT=1196
# the client's next packets continue its packet-ids, as a floating
# OpenVPN client's would (the replay window would drop a restart from 1)
start_cli "$TMP/key" v2 4 --pktid-start 1000
check "client reaches the server from :$CPORT" ns cli ping -c 2 -i 0.3 -W 3 $VPN4_S
check_eq "kernel followed the float" $CPORT "$(remote_port)"
check "server-initiated traffic reaches the new port" ns srv ping -c 2 -i 0.3 -W 3 $VPN4_C
check "monitor saw peer_float to :$CPORT" \
	wait_grep "$TMP/monitor" "\"event\":\"peer_float\".*\"peer_id\":1.*\"remote_port\":$CPORT"
stop_cli
check "key deleted" nfo key del tun0 1 slot primary

# --- near exhaustion -> key_swap event ---------------------------------------
check "key handed over at TX packet-id 0xFEFFFFFE" \
	nfo key add tun0 1 slot primary key-id 1 tx-pktid 4278190078 key-file "$TMP/key"
start_cli "$TMP/key" v2 4 --key-id 1 --pktid-start 2000
check "traffic still flows near the end of the packet-id space" \
	ns cli ping -c 3 -i 0.3 -W 3 $VPN4_S
check "monitor saw key_swap for key-id 1" \
	wait_grep "$TMP/monitor" '"event":"key_swap".*"peer_id":1.*"key_id":1'
stop_cli
check "key deleted" nfo key del tun0 1 slot primary

# --- exhaustion: never wrap --------------------------------------------------
check "key handed over at TX packet-id 0xFFFFFFFF" \
	nfo key add tun0 1 slot primary key-id 2 tx-pktid 4294967295 key-file "$TMP/key"
start_cli "$TMP/key" v2 4 --key-id 2 --pktid-start 3000
before=$(stat 1 drop_no_key)
ns cli ping -c 4 -i 0.3 -W 1 $VPN4_S >"$TMP/ping" 2>&1
replies=$(grep -c 'bytes from' "$TMP/ping")
check "at most one reply after the last packet-id (got $replies)" test "$replies" -le 1
check "later TX dropped as no_key, never wrapped" \
	test "$(stat 1 drop_no_key)" -gt "${before:-0}"
check_eq "key get reports the key used up (tx_pktid 0)" 0 \
	"$(nfo key get tun0 1 slot primary --json | jq -r .tx_pktid)"
stop_cli

check "instance removed" nfo instance del tun0
check "all objects freed" objects_gone
check "kernel log clean" dmesg_clean
tap_done
