#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# What guards the host from the fast path: the firewall still decides,
# and two instances cannot drive the kernel into a transmit loop.
# Topology as in datapath.sh (datapath_lib.sh), plus a second instance on
# tun9 in srv for the loop:
#
#   netns srv                                   netns cli
#   tun0 10.8.0.1/24  instance :1194            tun1 10.8.0.2  ovpn-peer
#     peer 1 -> 192.0.2.2:1195 (the client)       tunnel (the client)
#     peer 2 -> 10.9.0.2:1195, vpn-ip 10.8.0.3
#   tun9 10.9.0.1/24  instance :1196
#     peer 2 -> 10.8.0.3:1195, vpn-ip 10.9.0.2
#   veth0 192.0.2.1  ===========================  veth1 192.0.2.2
#
# Firewall: a rule dropping udp/1194 in an input chain must stop the
# tunnel whatever the chain's priority (-300 .. 300) and whether the chain
# was there before the instance or came after it, as it does for stock
# OpenVPN; iptables too (nft and legacy backends).
#
# Float: a peer may not float onto another peer's address and port.
#
# Route change: a flow tagged with peer 1 follows its address when
# PEER_SET moves it to peer 2.
#
# Loop: peer 2 of each instance has its endpoint inside the other's VPN
# network, so every outer packet is routed into the other tun and
# encrypted again.  The kernel must stop at its nesting bound, drop and
# count (drop_loop), and stay up.

source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/datapath_lib.sh"
need_cmd nft

dp_setup

check "instance, peer 1 and its key" inst_up
start_cli "$K0" v2 4
check_eq "client tunnel up" 0 $?
check "tunnel works" ns cli ping -c 2 -i 0.3 -W 3 $VPN4_S

# --- the firewall decides -----------------------------------------------------
drop_chain() {	# drop_chain PRIO: inet table fwtest, input chain, drop udp/1194
	ns srv nft add table inet fwtest &&
	ns srv nft add chain inet fwtest input \
		"{ type filter hook input priority $1; }" &&
	ns srv nft add rule inet fwtest input udp dport $PORT drop
}

# the tunnel must be stopped behind a rule, and come back without it
blocked() {	# blocked DESC
	local rx0
	rx0=$(stat 1 rx_packets)
	check_not "$1: the tunnel is stopped" \
		ns cli ping -c 1 -W 1 $VPN4_S
	check_eq "$1: nothing decrypted behind the rule" "$rx0" \
		"$(stat 1 rx_packets)"
}

unblocked() {	# unblocked DESC
	check "$1: rule gone, tunnel back" ns cli ping -c 2 -i 0.3 -W 3 $VPN4_S
}

for prio in -300 0 10 100 300; do
	check "fw prio $prio, chain after the instance: added" drop_chain "$prio"
	blocked "fw prio $prio, chain after the instance"
	ns srv nft delete table inet fwtest
	unblocked "fw prio $prio, chain after the instance"

	# the hooks go with the last instance and come back with the next
	check "fw prio $prio, chain before the instance: instance gone" \
		nfo instance del tun0
	check "fw prio $prio, chain before the instance: added" \
		drop_chain "$prio"
	check "fw prio $prio, chain before the instance: instance back" inst_up
	# the new instance's key sends from packet-id 1 again, which the
	# client has seen: a new client session, as OpenVPN would start
	stop_cli
	start_cli "$K0" v2 4
	blocked "fw prio $prio, chain before the instance"
	ns srv nft delete table inet fwtest
	unblocked "fw prio $prio, chain before the instance"
done

for ipt in iptables-nft iptables-legacy; do
	if ! command -v $ipt >/dev/null 2>&1; then
		tap_ok "fw $ipt # SKIP not installed"
		continue
	fi
	check "fw $ipt: INPUT drop rule added" \
		ns srv $ipt -I INPUT -p udp --dport $PORT -j DROP
	blocked "fw $ipt"
	ns srv $ipt -D INPUT -p udp --dport $PORT -j DROP
	unblocked "fw $ipt"
done

# --- a moved address takes its flows along --------------------------------------
# peer 2 at a second address of the client's netns; a UDP flow from the
# server to 10.8.0.2 is tagged with peer 1 in conntrack.  When PEER_SET
# moves 10.8.0.2 to peer 2, the same flow (same conntrack) must go to peer
# 2 from its next packet on: peer 1 must not get another byte of it.
udp_flow() {	# udp_flow N: N datagrams 10.8.0.1:5555 -> 10.8.0.2:9
	ns srv python3 -c '
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("10.8.0.1", 5555))
for _ in range(int(sys.argv[1])):
    s.sendto(b"x" * 100, ("10.8.0.2", 9))
' "$1"
}
ip -n cli addr add 192.0.2.3/24 dev veth1
check "peer 2 at 192.0.2.3, vpn-ip 10.8.0.5" \
	nfo peer add tun0 2 remote 192.0.2.3 1195 vpn-ip 10.8.0.5
check "peer 2: key" nfo key add tun0 2 slot primary key-id 0 key-file "$K0"
# --- no float onto another peer's address ----------------------------------------
# peer 1 is moved to a free port of the client's address; peer 2 then
# sends an authenticated packet from exactly there.  OpenVPN refuses such
# a float: the kernel must drop it (drop_float) and move no one.  From a
# free address peer 2 still floats.
remote_of() {	# remote_of ID: the peer's remote ADDR:PORT in the kernel
	nfo --json show tun0 | jq -r --arg id "$1" '.instances[0].peers[] |
		select((.id | tostring) == $id) |
		"\(.remote_address):\(.remote_port)"'
}
send2() {	# send2 LOCAL-PORT PKTID: peer 2's ping from the client's address
	ns cli "$OVPN_PEER" send --local "$CLI4:$1" --remote "$SRV4:$PORT" \
		--key "$K0" --swap --key-id 0 --peer-id 2 --pktid "$2" \
		--inner-ping 10.8.0.5 $VPN4_S
}
# the client stops meanwhile: its own packets would float peer 1 back
stop_cli
check "peer 1 to $CLI4:$((CPORT + 2))" \
	nfo peer set tun0 1 remote $CLI4 $((CPORT + 2))
check_inc "peer 2 from peer 1's address: refused (drop_float)" 2 drop_float \
	send2 $((CPORT + 2)) 1
check_eq "peer 2 did not move" "192.0.2.3:1195" "$(remote_of 2)"
check_eq "peer 1 still there" "$CLI4:$((CPORT + 2))" "$(remote_of 1)"
check_inc "peer 2 from a free address: decrypted" 2 rx_packets \
	send2 $((CPORT + 3)) 2
check_eq "and floated there" "$CLI4:$((CPORT + 3))" "$(remote_of 2)"
check "peer 2 back to 192.0.2.3" nfo peer set tun0 2 remote 192.0.2.3 1195
check "peer 1 back to the client" nfo peer set tun0 1 remote $CLI4 $CPORT
# the server's replay window for peer 1 has seen the old session's ids
start_cli "$K0" v2 4 --pktid-start 1000000
check_eq "client tunnel up again" 0 $?

# --- a moved address takes its flows along (cont.) ---------------------------------
p1=$(stat 1 tx_packets) p2=$(stat 2 tx_packets)
udp_flow 3
check "flow to 10.8.0.2 goes to peer 1 (tx $p1 -> $(stat 1 tx_packets))" \
	test "$(stat 1 tx_packets)" -ge $((p1 + 3))
check "peer 1 gives up 10.8.0.2" nfo peer set tun0 1 vpn-ip 10.8.0.9
check "peer 2 takes 10.8.0.2" nfo peer set tun0 2 vpn-ip 10.8.0.2
p1=$(stat 1 tx_packets) p2=$(stat 2 tx_packets)
udp_flow 5
check_eq "moved: peer 1 gets nothing more of the flow" "$p1" "$(stat 1 tx_packets)"
check "moved: the flow follows to peer 2 (tx $p2 -> $(stat 2 tx_packets))" \
	test "$(stat 2 tx_packets)" -ge $((p2 + 5))
check "peer 2 removed" nfo peer del tun0 2
check "peer 1 gets its address back" nfo peer set tun0 1 vpn-ip $VPN4_C
ip -n cli addr del 192.0.2.3/24 dev veth1
check "tunnel works again" ns cli ping -c 2 -i 0.3 -W 3 $VPN4_S

# --- two instances routing into each other ------------------------------------
ip netns exec srv python3 "$TMP/tunhold.py" tun9 "$TMP/slow9.log" \
	2>"$TMP/hold9.err" &
HOLD9_PID=$!
trap 'kill $HOLD9_PID 2>/dev/null; cleanup' EXIT
check "tun9 held" wait_dev srv tun9
ip -n srv addr add 10.9.0.1/24 dev tun9
ip -n srv link set tun9 mtu 1400 up
check "instance on tun9 port 1196" nfo instance add tun9 port 1196
check "tun0 peer 2: endpoint in tun9's network" \
	nfo peer add tun0 2 remote 10.9.0.2 1195 vpn-ip 10.8.0.3
check "tun9 peer 2: endpoint in tun0's network" \
	nfo peer add tun9 2 remote 10.8.0.3 1195 vpn-ip 10.9.0.2
check "tun0 peer 2: key" \
	nfo key add tun0 2 slot primary key-id 0 key-file "$K0"
check "tun9 peer 2: key" \
	nfo key add tun9 2 slot primary key-id 0 key-file "$K0"

loop_drops() {
	nfo --json stats | jq '[.instances[].stats.drop_loop // 0] | add'
}
check_not "loop: a ping into it gets nowhere" \
	ns srv ping -c 3 -i 0.3 -W 1 10.8.0.3
drops=$(loop_drops)
check "loop: stopped at the nesting bound and counted (drop_loop $drops)" \
	test "${drops:-0}" -ge 3
check "loop: the kernel is still up, the real tunnel works" \
	ns cli ping -c 2 -i 0.3 -W 3 $VPN4_S
check "loop: tun9 instance removed" nfo instance del tun9
kill "$HOLD9_PID" 2>/dev/null
wait "$HOLD9_PID" 2>/dev/null
stop_cli

# --- everything gone ----------------------------------------------------------
check "instance removed" nfo instance del tun0
check "nfovpn status: 0 instances, 0 peers, 0 keys" objects_gone
check "kernel log clean" dmesg_clean
tap_done
