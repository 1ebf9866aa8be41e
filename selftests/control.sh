#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Control plane and object lifetimes, no traffic.
#
#   ns c1: tun0 [instance :1194] -- peer 1 (vpn 10.8.0.2, iroute 192.168.50.0/24)
#          tun1 [instance :1195, owned by a netlink socket that gets SIGKILL]
#   ns c2: tun0 [instance, peer, key] -- deleted with the netns alive objects
#   ns c3: tun0 [instance, peer, key] -- still there at rmmod
#
# Keys, swap, hand-over and hand-back of packet-ids, keepalive expiry, owner
# socket release, tun deletion, netns deletion and rmmod with live objects;
# the module's live object counts return to zero and the kernel log stays
# clean.

source "$(dirname "$0")/lib.sh"
need_root
need_cmd ip jq python3
[ -x "$NFOVPN" ] || skip_all "nfovpn not built"
[ -x "$OVPN_PEER" ] || skip_all "ovpn-peer not built"

tmp=$(mktemp -d)
cleanup() {
	[ -n "${mon_pid:-}" ] && kill "$mon_pid" 2>/dev/null
	[ -n "${hold_pid:-}" ] && kill -9 "$hold_pid" 2>/dev/null
	for n in c1 c2 c3 c4; do ip netns del "$n" 2>/dev/null; done
	rm -rf "$tmp"
}
trap cleanup EXIT

nf() { ns c1 "$NFOVPN" "$@"; }
status_field() { "$NFOVPN" status --json | jq -r ".$1"; }
peer_json() { nf show --json | jq -c ".instances[] | select(.ifname==\"$1\") | .peers[] | select(.id==$2)"; }
no_peer() { [ -z "$(peer_json "$1" "$2")" ]; }
mk_ns() {	# mk_ns NAME: a namespace with a tun0
	ip netns add "$1" && ip -n "$1" link set lo up &&
	ip -n "$1" tuntap add dev tun0 mode tun &&
	ip -n "$1" addr add 10.8.0.1/24 dev tun0 && ip -n "$1" link set tun0 up
}

for c in AES-128-GCM AES-256-GCM CHACHA20-POLY1305; do
	"$OVPN_PEER" genkey "$c" > "$tmp/$c.key"
done

dmesg_mark
check "module loads" load_module
check_eq "no objects at start" "0 0 0" \
	"$(status_field instances) $(status_field peers) $(status_field keys)"
check "namespace c1 with tun0" mk_ns c1
check "tun1 in c1" bash -c "ip -n c1 tuntap add dev tun1 mode tun && ip -n c1 link set tun1 up"

# monitor every notification of c1 for the rest of the test
ns c1 "$NFOVPN" monitor --json > "$tmp/monitor" 2>&1 &
mon_pid=$!
sleep 0.5

check "instance add" nf instance add tun0 port 1194 local 10.0.0.1
check_not "second instance on the same device refused" nf instance add tun0 port 1196
check "peer add with vpn-ip, iroute, keepalive" \
	nf peer add tun0 1 remote 10.0.0.2 1194 vpn-ip 10.8.0.2 \
	vpn-ip fd00::2 iroute 192.168.50.0/24 keepalive 10 120
check_not "duplicate peer-id refused" nf peer add tun0 1 remote 10.0.0.3 1194
check_eq "peer shows its VPN address" 10.8.0.2 "$(peer_json tun0 1 | jq -r .vpn_ipv4)"
check_eq "peer shows its iroute" '["192.168.50.0/24"]' "$(peer_json tun0 1 | jq -c .iroutes)"
check_eq "peer shows keepalive" "10 120" \
	"$(peer_json tun0 1 | jq -r '"\(.keepalive_interval) \(.keepalive_timeout)"')"

for c in AES-128-GCM AES-256-GCM CHACHA20-POLY1305; do
	check "key add primary $c" nf key add tun0 1 slot primary key-id 1 key-file "$tmp/$c.key"
done
check "key add secondary with handed-over packet-ids" \
	nf key add tun0 1 slot secondary key-id 2 tx-pktid 1000 rx-pktid 500 key-file "$tmp/AES-256-GCM.key"
check_not "same key-id in both slots refused" \
	nf key add tun0 1 slot secondary key-id 1 key-file "$tmp/AES-256-GCM.key"
check_eq "two keys live" 2 "$(status_field keys)"
check_eq "key get: handed-over TX packet-id" 1000 \
	"$(nf key get tun0 1 slot secondary --json | jq -r .tx_pktid)"
check_eq "key get: handed-over RX packet-id" 500 \
	"$(nf key get tun0 1 slot secondary --json | jq -r .rx_pktid)"
check "key swap" nf key swap tun0 1
check_eq "after swap the primary is key-id 2" 2 \
	"$(peer_json tun0 1 | jq -r '.keys[] | select(.slot=="primary") | .key_id')"
# keepalive pings (interval 10 s) may have used a few packet-ids since
check "key del hands back the TX packet-id (>= the handed-over 1000)" \
	test "$(nf key del tun0 1 slot primary --json | jq -r .tx_pktid)" -ge 1000
check_eq "one key left" 1 "$(status_field keys)"
check_not "key get on the emptied slot fails" nf key get tun0 1 slot primary
check "peer set changes the VPN address" nf peer set tun0 1 vpn-ip 10.8.0.3
check_eq "new VPN address shown" 10.8.0.3 "$(peer_json tun0 1 | jq -r .vpn_ipv4)"
check "peer del" nf peer del tun0 1
check "monitor saw peer 1 removed by userspace" \
	wait_for 5 grep -q '"event":"peer_del".*"peer_id":1,.*"reason":"userspace"' "$tmp/monitor"
check_eq "peer's key freed with it" 0 "$(status_field keys)"

# keepalive expiry: no traffic, timeout 2 s
check "peer 2 with keepalive 1/2" \
	nf peer add tun0 2 remote 10.0.0.2 1194 vpn-ip 10.8.0.4 keepalive 1 2
check "key for peer 2" nf key add tun0 2 slot primary key-id 0 key-file "$tmp/AES-128-GCM.key"
check "peer 2 expires after its keepalive timeout" wait_for 8 no_peer tun0 2
check "monitor saw peer 2 expire" \
	wait_for 5 grep -q '"peer_id":2,.*"reason":"expired"' "$tmp/monitor"

# an instance owned by a netlink socket dies with it (OpenVPN killed -9)
tun1=$(ip -n c1 -o link show tun1 | cut -d: -f1)
# not through ns(): $! must be python itself (ip netns exec execs it)
ip netns exec c1 python3 "$SELFTESTS/tools/nlraw.py" --hold INST_NEW IFINDEX=u32:"$tun1" \
	INST={ INST_LOCAL_PORT=be16:1195 } > "$tmp/hold" 2>&1 &
hold_pid=$!
check "socket-owned instance created" wait_for 30 grep -q 'errno=0' "$tmp/hold"
check "it is listed" bash -c "$(declare -f nf ns); NFOVPN=$NFOVPN; nf show --json | jq -e '.instances[] | select(.ifname==\"tun1\")'"
kill -9 "$hold_pid"
wait "$hold_pid" 2>/dev/null
hold_pid=
check "killing its owner removes it" wait_for 5 bash -c \
	"! ip netns exec c1 $NFOVPN show --json | jq -e '.instances[] | select(.ifname==\"tun1\")'"

# deleting the tun device takes the instance, peer and keys with it
check "peer 3 with a key" bash -c "ip netns exec c1 $NFOVPN peer add tun0 3 remote 10.0.0.2 1194 vpn-ip 10.8.0.5 && ip netns exec c1 $NFOVPN key add tun0 3 slot primary key-id 0 key-file $tmp/CHACHA20-POLY1305.key"
check "tun0 deleted with a live instance" ip -n c1 link del tun0
check "instance freed with the device" wait_for 10 bash -c \
	"[ \"\$($NFOVPN status --json | jq -r .instances)\" = 0 ]"
check "monitor saw peer 3 go with its device" \
	wait_for 5 grep -q '"peer_id":3,.*"reason":"device_gone"' "$tmp/monitor"

# a namespace deleted with live objects
check "namespace c2 with instance, peer and key" bash -c "
	$(declare -f mk_ns); mk_ns c2 &&
	ip netns exec c2 $NFOVPN instance add tun0 port 1194 &&
	ip netns exec c2 $NFOVPN peer add tun0 7 remote 10.0.0.9 1194 vpn-ip 10.8.0.7 &&
	ip netns exec c2 $NFOVPN key add tun0 7 slot primary key-id 3 key-file $tmp/AES-128-GCM.key"
# status counts: module-wide for the host's admin only; any other caller,
# root of another netns or of a user namespace, sees its own netns alone
scope_counts() { jq -r '"\(.scope) \(.instances) \(.peers) \(.keys)"'; }
# (wait: tun0's objects above may still be on their way out)
check "status in the initial netns: module-wide" wait_for 10 bash -c \
	"[ \"\$($NFOVPN status --json | jq -r '\"\\(.scope) \\(.instances) \\(.peers) \\(.keys)\"')\" = 'module 1 1 1' ]"
check_eq "status in c2: its own instance, peer and key" "netns 1 1 1" \
	"$(ip netns exec c2 "$NFOVPN" status --json | scope_counts)"
check_eq "status in c1: nothing of c2's" "netns 0 0 0" \
	"$(nf status --json | scope_counts)"
check_eq "status from an unprivileged user namespace: nothing of c2's" \
	"netns 0 0 0" "$(unshare -Urn "$NFOVPN" status --json | scope_counts)"
check "status text names its scope" bash -c \
	"ip netns exec c2 $NFOVPN status | grep -qx 'scope: *netns (this network namespace only)'"
check "namespace c2 deleted" ip netns del c2
check "its objects are freed" wait_for 10 bash -c "[ \"\$($NFOVPN status --json | jq -r '.instances+.peers+.keys')\" = 0 ]"

# instances sharing a port: they clash when both would take one packet,
# by IPv4 or by IPv6 address; 0.0.0.0 and :: are "any" of their family
c4() { ip netns exec c4 "$NFOVPN" "$@"; }
clash() {	# clash CMD...: fails, and for the address and port
	local out
	! out=$("$@" 2>&1) &&
		grep -q "another instance uses this local address and port" <<<"$out"
}
check "namespace c4 with tun0..tun3" bash -c "
	ip netns add c4 && for i in 0 1 2 3; do
		ip -n c4 tuntap add dev tun\$i mode tun || exit 1
	done"
check "port 2000 on 0.0.0.0 (any IPv4)" c4 instance add tun0 port 2000 local 0.0.0.0
check "port 2000 on 192.0.2.1 refused: 0.0.0.0 takes it" \
	clash c4 instance add tun1 port 2000 local 192.0.2.1
check "port 2000 on 2001:db8::1 (IPv6 only): no clash with IPv4" \
	c4 instance add tun1 port 2000 local 2001:db8::1
check "port 2000 on 2001:db8::1 again refused" \
	clash c4 instance add tun2 port 2000 local 2001:db8::1
check "port 2000 on :: refused: 2001:db8::1 has it" \
	clash c4 instance add tun2 port 2000 local ::
check "port 2000 on 2001:db8::2: another IPv6 address" \
	c4 instance add tun2 port 2000 local 2001:db8::2
check "port 2000 on every address refused" clash c4 instance add tun3 port 2000
check "port 2001 on every address" c4 instance add tun3 port 2001

# the most iroutes a peer may have (256, IPv6: the largest) still show
routes=$(for i in $(seq 0 255); do printf 'iroute fd00:%x::/64 ' "$i"; done)
# shellcheck disable=SC2086 # one word per argument
check "peer with 256 IPv6 iroutes" \
	c4 peer add tun3 1 remote 192.0.2.9 1194 vpn-ip 10.8.0.9 $routes
check_eq "nfovpn show lists all 256 of them" 256 \
	"$(c4 show --json | jq '.instances[] | select(.ifname == "tun3") | .peers[0].iroutes | length')"
# shellcheck disable=SC2086
check_not "a 257th is refused" \
	c4 peer set tun3 1 $routes iroute fd01::/64
check "setting its VPN address keeps its iroutes" \
	c4 peer set tun3 1 vpn-ip 10.8.0.19
p3() { c4 show --json | jq -c ".instances[] | select(.ifname == \"tun3\") | .peers[] | select(.id == $1) | $2"; }
check_eq "... all 256 of them" 256 "$(p3 1 '.iroutes | length')"

# a route belongs to one peer; a refused PEER_NEW/PEER_SET changes nothing
owned() {	# owned CMD...: fails, because another peer has the route
	local out
	! out=$("$@" 2>&1) &&
		grep -q "VPN address or iroute already belongs to another peer" <<<"$out"
}
check "a second peer with peer 1's VPN address is refused" \
	owned c4 peer add tun3 2 remote 192.0.2.10 1194 vpn-ip 10.8.0.19
check "... or with one of its iroutes" \
	owned c4 peer add tun3 2 remote 192.0.2.10 1194 vpn-ip 10.8.0.20 iroute fd00:5::/64
check_eq "... and is not there" "" "$(p3 2 .id)"
check "peer 2 with addresses of its own" \
	c4 peer add tun3 2 remote 192.0.2.10 1194 vpn-ip 10.8.0.20 iroute 10.20.0.0/16
check "PEER_SET to peer 1's iroute refused" \
	owned c4 peer set tun3 2 remote 192.0.2.99 1195 iroute 10.30.0.0/16 iroute fd00:7::/64
check_eq "... and peer 2 kept its remote and iroutes" \
	'"192.0.2.10" 1194 ["10.20.0.0/16"]' \
	"$(p3 2 '.remote_address, .remote_port, .iroutes' | tr '\n' ' ' | sed 's/ $//')"
check "namespace c4 deleted" ip netns del c4

# rmmod with live objects, then back
check "namespace c3 with instance, peer and key" bash -c "
	$(declare -f mk_ns); mk_ns c3 &&
	ip netns exec c3 $NFOVPN instance add tun0 port 1194 &&
	ip netns exec c3 $NFOVPN peer add tun0 9 remote 10.0.0.9 1194 vpn-ip 10.8.0.9 keepalive 1 30 &&
	ip netns exec c3 $NFOVPN key add tun0 9 slot primary key-id 3 key-file $tmp/AES-256-GCM.key"
kill "$mon_pid" 2>/dev/null
wait "$mon_pid" 2>/dev/null
mon_pid=
check "rmmod with live objects" rmmod nf_ovpn
check "tun0 of c3 can be deleted after rmmod" ip -n c3 link del tun0
check "module loads again" load_module
check_eq "no objects after reload" "0 0 0" \
	"$(status_field instances) $(status_field peers) $(status_field keys)"
check "kernel log clean" dmesg_clean
tap_done
