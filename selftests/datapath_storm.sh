#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# 100,000 random and mutated datagrams at a live instance while a
# checksummed transfer runs through it (tools/storm.py: replays, flipped
# bytes, wrong lengths, wrong peer-ids and key-ids, IP padding, fragments,
# bad UDP lengths and checksums, garbage, IPv4 and IPv6).  Topology as in
# datapath.sh (datapath_lib.sh).  Nothing may crash or leak, the transfer
# must arrive intact, and every datagram that reached the instance's port
# must be accounted for: decrypted, a keepalive, a drop by reason, or
# handed to the socket (userspace, or the UDP stack's own drop).
#
# The seeds are valid data packets of a second key (key-id 1) the client
# does not use, so their first copies are accepted without moving the
# client's replay window, and they come from the client's own address and
# port, so an authentic one floats no one.

source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/datapath_lib.sh"
need_cmd nft
STORM=$SELFTESTS/tools/storm.py
UDPCRAFT=$SELFTESTS/tools/udpcraft.py
N=${STORM_PACKETS:-100000}

dp_setup
K1=$TMP/k1
"$OVPN_PEER" genkey AES-256-GCM >"$K1"
two_keys() {
	inst_up && nfo key add tun0 1 slot secondary key-id 1 key-file "$K1"
}
check "instance, peer 1, keys 0 (the client's) and 1 (the seeds')" two_keys
start_cli "$K0" v2 4
check_eq "client tunnel up" 0 $?
check "tunnel works" ns cli ping -c 2 -i 0.3 -W 3 $VPN4_S

# 32 seeds: pings to the server, key-id 1, packet-ids 1..32
seeds() {
	local i
	ns cli python3 "$UDPCRAFT" capture 7000 32 "$TMP/seeds" &
	local pid=$!
	wait_udp cli 7000 || return 1
	for ((i = 1; i <= 32; i++)); do
		ns cli "$OVPN_PEER" send --remote 127.0.0.1:7000 --key "$K1" \
			--swap --key-id 1 --peer-id 1 --pktid $i \
			--inner-ping $VPN4_C $VPN4_S >/dev/null || return 1
	done
	wait $pid && [ "$(wc -l <"$TMP/seeds")" = 32 ]
}
check "32 valid seed datagrams crafted" seeds

# every datagram to the port, before the instance sees it
ns srv nft -f - <<EOF
table inet storm {
	chain input { type filter hook input priority 0; udp dport $PORT counter; }
}
EOF
check "counter on udp/$PORT in input" test $? = 0
arrived() {
	ns srv nft -j list table inet storm |
		jq '[.nftables[] | .rule? | select(.) | .expr[] | .counter? | select(.) | .packets] | add'
}
# what the module counted for the instance's RX, summed
RXSUM='.rx_packets + .keepalive_rx + .drop_auth + .drop_replay +
	.drop_malformed + .drop_no_key + .drop_spoof + .drop_no_route +
	.drop_nomem + .drop_fragments + .drop_float + .drop_mtu + .drop_loop'
module_rx() {
	nfo --json stats tun0 | jq -r ".instances[] | select(.ifname == \"tun0\") |
		.stats | $RXSUM"
}
# what the UDP stack got (delivered, or dropped and counted)
udp_in() {
	ns srv awk '
		/^Udp: [0-9]/ { split(hdr, h); for (i = 2; i <= NF; i++)
			if (h[i] == "InDatagrams" || h[i] == "InErrors") s += $i }
		/^Udp: [A-Z]/ { hdr = $0 }
		END { print s + 0 }' /proc/net/snmp
}
udp6_in() {
	ns srv awk '$1 == "Udp6InDatagrams" || $1 == "Udp6InErrors" { s += $2 }
		END { print s + 0 }' /proc/net/snmp6
}

a0=$(arrived) m0=$(module_rx) u0=$(udp_in) v0=$(udp6_in)
read -r auth0 replay0 mal0 slow0 < <(counters - drop_auth drop_replay \
	drop_malformed rx_slow_packets)

# the transfer, paced so it spans the storm
XFER_PACE=2.5 XFER_TIMEOUT=300 xfer cli srv $VPN4_S 2097152 >"$TMP/xfer.out" 2>&1 &
xpid=$!
sleep 1
start=$SECONDS
out=$(ns cli python3 "$STORM" $CLI4 $CPORT $SRV4 $PORT "$TMP/seeds" "$N" \
	--seed 42 --dst6 $SRV6 2>&1)
check "storm: $N datagrams sent in $((SECONDS - start)) s ($out)" \
	grep -q '^replay=' <<<"$out"
wait $xpid
xrc=$?
check "storm: the transfer through it arrived intact ($(cat "$TMP/xfer.out"))" \
	test $xrc = 0
sleep 1	# async decryptions still in flight

a1=$(arrived) m1=$(module_rx) u1=$(udp_in) v1=$(udp6_in)
arr=$((a1 - a0)) mod=$((m1 - m0)) udp=$((u1 - u0 + v1 - v0))
check "storm: $arr datagrams reached the port (>= $N)" test "$arr" -ge "$N"
check_eq "storm: every one accounted for (module $mod + UDP stack $udp)" \
	"$arr" $((mod + udp))
read -r auth1 replay1 mal1 slow1 < <(counters - drop_auth drop_replay \
	drop_malformed rx_slow_packets)
check "storm: drop_auth rose ($auth0 -> $auth1)" test $((auth1 - auth0)) -gt 3000
check "storm: drop_replay rose ($replay0 -> $replay1)" \
	test $((replay1 - replay0)) -gt 1000
check "storm: drop_malformed rose ($mal0 -> $mal1)" test $((mal1 - mal0)) -gt 100
check "storm: handed to userspace (rx_slow $slow0 -> $slow1)" \
	test $((slow1 - slow0)) -gt 1000
check "storm: the peer did not move" \
	bash -c "ip netns exec srv $NFOVPN --json show tun0 |
		jq -e '.instances[0].peers[0] | .remote_address == \"$CLI4\" and .remote_port == $CPORT'"
check "after the storm: tunnel works" ns cli ping -c 2 -i 0.3 -W 3 $VPN4_S
check "after the storm: server-initiated too" ns srv ping -c 2 -i 0.3 -W 3 $VPN4_C

ns srv nft delete table inet storm
stop_cli
check "instance removed" nfo instance del tun0
check "every object gone" objects_gone
check "kernel log clean" dmesg_clean
tap_done
