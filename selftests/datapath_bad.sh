#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
#
# Bad input at a live instance, and p2p mode.  Topology as in datapath.sh
# (datapath_lib.sh), the client's tunnel only running for p2p.
#
#   cli: ovpn-peer send  --crafted datagram-->  srv: LOCAL_IN hook
#        (--swap key)                                |-> dropped, counted
#                                                    |-> or left to the sink
#
# Every datagram must change exactly the counter it is meant for: a bad
# tag DROP_AUTH, a replayed / too old / zero packet-id DROP_REPLAY, a
# truncated header or a non-IP payload DROP_MALFORMED, a foreign inner
# source DROP_SPOOF; unknown peer-ids, key-ids and control opcodes reach
# the socket (userspace) untouched.

source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/datapath_lib.sh"

dp_setup
check "instance on tun0 port $PORT" nfo instance add tun0 port $PORT
K1=$TMP/k1
"$OVPN_PEER" genkey AES-256-GCM >"$K1"
check "peer added" add_peer 4
check "key-id 1 primary" \
	nfo key add tun0 1 slot primary key-id 1 key-file "$K1"

# --- crafted input ---------------------------------------------------------
SEND=("$OVPN_PEER" send --local "$CLI4:$((CPORT + 1))" --remote "$SRV4:$PORT"
      --key "$K1" --swap --key-id 1 --peer-id 1)
ping4=(--inner-ping "$VPN4_C" "$VPN4_S")
sink_lines() { grep -vc '^#' "$TMP/sink.log"; }

check_inc "valid packet: decrypted (rx_packets)" 1 rx_packets \
	ns cli "${SEND[@]}" --pktid 100000 "${ping4[@]}"
check_inc "keepalive: consumed (keepalive_rx)" 1 keepalive_rx \
	ns cli "${SEND[@]}" --pktid 100001 --ping
check_inc "truncated data header: drop_malformed" - drop_malformed \
	ns cli "${SEND[@]}" --pktid 100002 "${ping4[@]}" --truncate 12
check_inc "bad tag: drop_auth" 1 drop_auth \
	ns cli "${SEND[@]}" --pktid 100003 "${ping4[@]}" --corrupt-tag
check_inc "replayed packet-id: drop_replay" 1 drop_replay \
	ns cli "${SEND[@]}" --pktid 100000 "${ping4[@]}"
check_inc "packet-id behind the window: drop_replay" 1 drop_replay \
	ns cli "${SEND[@]}" --pktid 5 "${ping4[@]}"
check_inc "packet-id 0: drop_replay" 1 drop_replay \
	ns cli "${SEND[@]}" --pktid 0 "${ping4[@]}"
check_inc "non-IP payload: drop_malformed" 1 drop_malformed \
	ns cli "${SEND[@]}" --pktid 100004 \
	--payload-hex 0102030405060708090a0b0c0d0e0f101112131415161718
# OpenVPN's OCC exit message (--explicit-exit-notify): 17 bytes, not IP,
# must reach OpenVPN's socket untouched
n0=$(sink_lines)
check_inc "OCC exit message: slow path (rx_slow_packets)" 1 rx_slow_packets \
	ns cli "${SEND[@]}" --pktid 100014 \
	--payload-hex 287f346bd4ef7a812d56b8d3afc5459c06
check "OCC exit message: reached the socket" test "$(sink_lines)" -gt "$n0"
check_inc "spoofed inner source: drop_spoof" 1 drop_spoof \
	ns cli "${SEND[@]}" --pktid 100005 --inner-ping 10.9.9.9 $VPN4_S

# a datagram in IP fragments: a few are decrypted as usual, a datagram in
# more pieces than the AEAD takes is dropped before any allocation
ip4_udp() {	# ip4_udp LEN FILE: an IPv4/UDP packet, client -> server
	python3 - "$1" "$2" "$VPN4_C" "$VPN4_S" <<'EOF'
import socket, struct, sys
n, out, src, dst = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4]
udp = struct.pack("!HHHH", 40000, 9, n - 20, 0) + bytes(n - 28)
ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, n, 1, 0, 64, 17, 0,
                 socket.inet_aton(src), socket.inet_aton(dst))
s = sum(struct.unpack("!10H", ip))
s = (s & 0xffff) + (s >> 16)
ip = ip[:10] + struct.pack("!H", ~s & 0xffff) + ip[12:]
open(out, "wb").write(ip + udp)
EOF
}
ip4_udp 2000 "$TMP/ip2000"
ip4_udp 30000 "$TMP/ip30000"
# a route MTU, not the link's: below 1280 the link would lose its IPv6
ip -n cli route add $SRV4/32 dev veth1 mtu lock 296
check_inc "8 IP fragments: decrypted (rx_packets)" 1 rx_packets \
	ns cli "${SEND[@]}" --pktid 100008 --payload-file "$TMP/ip2000"
check_inc "110 IP fragments: dropped before crypto (drop_fragments)" 1 \
	drop_fragments \
	ns cli "${SEND[@]}" --pktid 100009 --payload-file "$TMP/ip30000"
ip -n cli route del $SRV4/32 dev veth1

# --- datagrams the UDP stack reshapes: IP padding, GSO trains -------------
# The kernel decrypts (or drops) them itself: userspace's replay window does
# not follow the kernel's, so a data packet of a key the kernel holds that
# reached the socket could be a replay the kernel already refused.
UDPCRAFT=$(dirname "$0")/tools/udpcraft.py
craft() {	# craft FILE KEY-ID PKTID N: N datagrams with ping payloads
	local i
	ns cli python3 "$UDPCRAFT" capture 7000 "$4" "$1" &
	local pid=$!
	wait_udp cli 7000
	for ((i = 0; i < $4; i++)); do
		ns cli "$OVPN_PEER" send --remote 127.0.0.1:7000 --key "$K1" \
			--swap --key-id "$2" --peer-id 1 --pktid $(($3 + i)) \
			"${ping4[@]}" >/dev/null
	done
	wait $pid
}
FROM=("$CLI4" $((CPORT + 1)) "$SRV4" "$PORT")
check "padded datagram crafted" craft "$TMP/pad" 1 100030 1
n0=$(sink_lines)
check_delta "padded datagram: decrypted (rx_packets +1)" 1 rx_packets 1 \
	ns cli python3 "$UDPCRAFT" pad "${FROM[@]}" 16 "$TMP/pad"
check_delta "padded datagram again: drop_replay" 1 drop_replay 1 \
	ns cli python3 "$UDPCRAFT" pad "${FROM[@]}" 7 "$TMP/pad"
check_eq "padded datagrams: none reached the socket" "$n0" "$(sink_lines)"
check "GSO train crafted" craft "$TMP/gso" 1 100040 4
check_delta "GSO train of 4: each decrypted (rx_packets +4)" 1 rx_packets 4 \
	ns cli python3 "$UDPCRAFT" gso "${FROM[@]}" "$TMP/gso"
check_delta "GSO train again: drop_replay +4" 1 drop_replay 4 \
	ns cli python3 "$UDPCRAFT" gso "${FROM[@]}" "$TMP/gso"
check_eq "GSO trains of a held key: none reached the socket" "$n0" \
	"$(sink_lines)"
check "GSO train of an unknown key-id crafted" craft "$TMP/gso5" 5 100050 3
check_delta "GSO train of an unknown key-id: slow path +3" 1 \
	rx_slow_packets 3 ns cli python3 "$UDPCRAFT" gso "${FROM[@]}" "$TMP/gso5"
check_eq "GSO train of an unknown key-id: 3 datagrams at the socket" \
	$((n0 + 3)) "$(sink_lines)"

n0=$(sink_lines)
check_inc "unknown peer-id: slow path (rx_slow_packets)" - rx_slow_packets \
	ns cli "$OVPN_PEER" send --local "$CLI4:$((CPORT + 1))" \
	--remote "$SRV4:$PORT" --key "$K1" --swap --key-id 1 --peer-id 77 \
	--pktid 100006 "${ping4[@]}"
n1=$(sink_lines)
check "unknown peer-id: reached the socket" test "$n1" -gt "$n0"
check_inc "unknown key-id: slow path (rx_slow_packets)" 1 rx_slow_packets \
	ns cli "${SEND[@]}" --key-id 5 --pktid 100007 "${ping4[@]}"
n2=$(sink_lines)
check "unknown key-id: reached the socket" test "$n2" -gt "$n1"
n3=$(sink_lines)
ns cli "$OVPN_PEER" send --remote "$SRV4:$PORT" --raw-hex 38000000 \
	>/dev/null 2>&1
sleep 0.3
check "control opcode: reached the socket" test "$(sink_lines)" -gt "$n3"

# --- a tun MTU near 64 KiB: no outer datagram beyond IP's 16-bit length -----
# 65483 bytes inside fill an outer IPv4 datagram to 65535 exactly: a bigger
# packet is refused with "fragmentation needed" (DF) or fragmented inside
check "64K: tun0 MTU 65535" ip -n srv link set tun0 mtu 65535
around_cmd - drop_mtu ns srv ping -M do -c 1 -W 1 -s 65480 $VPN4_C
check "64K: 65508 bytes with DF refused (drop_mtu $before -> $after)" \
	test "${after:-0}" -gt "${before:-0}"
check "64K: the sender was told the largest that fits (65483)" bash -c \
	"ip netns exec srv ping -M do -c 1 -W 1 -s 65480 $VPN4_C 2>&1 | grep -q 'mtu *= *65483'"
around_cmd 1 tx_packets ns srv ping -M dont -c 1 -W 1 -s 65480 $VPN4_C
check "64K: 65508 bytes without DF: two encrypted fragments (tx $before -> $after)" \
	test "${after:-0}" -ge $((${before:-0} + 2))
around_cmd 1 tx_packets ns srv ping -M do -c 1 -W 1 -s 65455 $VPN4_C
check "64K: 65483 bytes with DF: one packet (tx $before -> $after)" \
	test "${after:-0}" -eq $((${before:-0} + 1))
check "64K: tun0 MTU back to 1400" ip -n srv link set tun0 mtu 1400

# --- p2p mode: the one peer, client sends P_DATA_V1 -----------------------
# (peer-id 0xFFFFFF, "none", is refused by netlink, so the kernel answers
# with V2 and the peer's id; RX takes V1 from the p2p peer)
check "p2p: instance removed" nfo instance del tun0
check "p2p: instance in p2p mode" nfo instance add tun0 port $PORT mode p2p
"$OVPN_PEER" genkey CHACHA20-POLY1305 >"$TMP/kp"
check "p2p: peer 5, no VPN address" nfo peer add tun0 5 remote $CLI6 $CPORT
check "p2p: key installed" \
	nfo key add tun0 5 slot primary key-id 2 key-file "$TMP/kp"
start_cli "$TMP/kp" v1 6 --key-id 2
check_eq "p2p: client tunnel up" 0 $?
check "p2p: cli -> srv ping" ns cli ping -c 2 -i 0.3 -W 3 $VPN4_S
check "p2p: srv -> cli ping IPv6" ns srv ping -6 -c 2 -i 0.3 -W 3 $VPN6_C
read -r rxp txp < <(counters 5 rx_packets tx_packets)
check "p2p: fast path both ways (rx $rxp, tx $txp)" \
	test "${rxp:-0}" -ge 2 -a "${txp:-0}" -ge 2

# multicast and broadcast out of tun0 stay on the slow path: the copy the
# stack loops back to this host's listener is not encrypted to the peer,
# and the packet itself reaches OpenVPN (tun0's reader)
group_case() {	# group_case DEST
	local tx0 slow0
	tx0=$(stat 5 tx_packets) slow0=$(stat - tx_slow_packets)
	check "p2p: $1 from this host: its own listener gets the looped copy" \
		ns srv python3 "$SELFTESTS/tools/grouploop.py" tun0 "$1"
	check "p2p: $1 reached the slow path (tun0's reader)" \
		wait_for 3 grep -q "dst $1 " "$TMP/slow.log"
	check_eq "p2p: $1 not encrypted to the peer" "$tx0" "$(stat 5 tx_packets)"
	check "p2p: $1 counted tx_slow" test "$(stat - tx_slow_packets)" -gt "${slow0:-0}"
}
group_case 239.1.2.3
group_case 10.8.0.255
check "p2p: ff05::4242 from this host: its own listener gets the looped copy" \
	ns srv python3 "$SELFTESTS/tools/grouploop.py" tun0 ff05::4242
stop_cli

# --- everything gone ---------------------------------------------------------
check "instance removed" nfo instance del tun0
check "nfovpn status: 0 instances, 0 peers, 0 keys" objects_gone
check "kernel log clean" dmesg_clean
tap_done
