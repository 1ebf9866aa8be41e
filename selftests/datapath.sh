#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The fast path end to end: RX decrypt -> tun, TX tun -> encrypt, for
# every cipher, P_DATA_V1 and V2, IPv4 and IPv6 outside and inside.
#
#   netns srv                                  netns cli
#   +---------------------------------+        +------------------------------+
#   | tun0 10.8.0.1/24 fd00:8::1/64   |        | tun1 10.8.0.2/24 fd00:8::2/64|
#   |  held by tunhold.py (OpenVPN's  |        |  ovpn-peer tunnel --swap     |
#   |  fd: sees only the slow path)   |        |  (the remote OpenVPN, user-  |
#   |  nf_ovpn instance tun0 :1194    |        |  space crypto, key-file of   |
#   |  peer 1, vpn-ip .2 / ::2        |        |  the kernel swapped)         |
#   | ovpn-peer sink [::]:1194        |        |  :1195                       |
#   |  (holds the port as OpenVPN     |        |                              |
#   |   would; gets what the kernel   |        |                              |
#   |   leaves to userspace)          |        |                              |
#   | veth0 192.0.2.1/24 2001:db8::1  |========| veth1 192.0.2.2 2001:db8::2  |
#   +---------------------------------+        +------------------------------+
#
# Then TCP transfers with sha256 compared, a key swap in the middle of
# one, and a leak check: every object gone (nfovpn status 0/0/0) and a
# clean kernel log.  Crafted bad input and p2p mode are in datapath_bad.sh,
# the firewall and a transmit loop in datapath_guard.sh (same topology).

source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/datapath_lib.sh"

dp_setup

# --- one case per cipher / opcode / outer family ---------------------------
# run_case CIPHER V OUTER
run_case() {
	local cipher=$1 v=$2 outer=$3 tag="$1 $2 outer IPv$3"
	local key=$TMP/key-$cipher rxp txp rxb txo irx

	"$OVPN_PEER" genkey "$cipher" >"$key"
	check "$tag: peer added" add_peer "$outer"
	check "$tag: key installed" \
		nfo key add tun0 1 slot primary key-id 0 key-file "$key"
	start_cli "$key" "$v" "$outer"
	check_eq "$tag: client tunnel up" 0 $?

	check "$tag: cli -> srv ping IPv4 inside" \
		ns cli ping -c 2 -i 0.3 -W 3 $VPN4_S
	check "$tag: cli -> srv ping IPv6 inside" \
		ns cli ping -6 -c 2 -i 0.3 -W 3 $VPN6_S
	check "$tag: srv -> cli ping IPv4 (server-initiated)" \
		ns srv ping -c 2 -i 0.3 -W 3 $VPN4_C
	check "$tag: srv -> cli ping IPv6 (server-initiated)" \
		ns srv ping -6 -c 2 -i 0.3 -W 3 $VPN6_C

	read -r rxp txp rxb txo < <(counters 1 rx_packets tx_packets \
				     rx_bytes tx_outer_bytes)
	irx=$(stat - rx_packets)
	check "$tag: fast path counted (rx $rxp, tx $txp, instance rx $irx)" \
		test "${rxp:-0}" -gt 3 -a "${txp:-0}" -gt 3 -a "${rxb:-0}" -gt 0 \
		-a "${txo:-0}" -gt 0 -a "${irx:-0}" -ge "${rxp:-1}"

	stop_cli
	check "$tag: peer removed" nfo peer del tun0 1
}

# bound to the "any" addresses, as OpenVPN's socket on [::] and 0.0.0.0
check "instance on tun0 port $PORT, any address" \
	nfo instance add tun0 port $PORT local 0.0.0.0 local ::
run_case AES-128-GCM v2 4
run_case AES-256-GCM v2 6
run_case CHACHA20-POLY1305 v1 4
check "the slow path saw no ICMP echo" \
	bash -c "! grep -q '^4 proto 1 ' '$TMP/slow.log'"

# --- a multihomed server answers from the address the client sent to ------
# (the client hears only that address, as OpenVPN without --float does)
KM=$TMP/km
"$OVPN_PEER" genkey AES-256-GCM >"$KM"
check "multihome: second address 192.0.2.3 on veth0" \
	ip -n srv addr add 192.0.2.3/24 dev veth0
check "multihome: peer added" add_peer 4
check "multihome: key installed" \
	nfo key add tun0 1 slot primary key-id 0 key-file "$KM"
SRV4_TO=192.0.2.3 start_cli "$KM" v2 4 --connect
check_eq "multihome: client tunnel up, to 192.0.2.3" 0 $?
check "multihome: cli -> srv ping, answered from 192.0.2.3" \
	ns cli ping -c 2 -i 0.3 -W 3 $VPN4_S
check "multihome: srv -> cli ping" ns srv ping -c 2 -i 0.3 -W 3 $VPN4_C
# the address goes away: the kernel sends from another one (which this
# client ignores) instead of failing to route
tx0=$(stat 1 tx_packets)
ip -n srv addr del 192.0.2.3/24 dev veth0
ns srv ping -c 2 -i 0.3 -W 1 $VPN4_C >/dev/null 2>&1
check "multihome: address gone, the kernel still sends (tx $tx0 -> $(stat 1 tx_packets))" \
	test "$(stat 1 tx_packets)" -ge $((tx0 + 2))
stop_cli
check "multihome: peer removed" nfo peer del tun0 1

# --- TCP both ways, then a key swap in the middle of a transfer ------------
K0=$TMP/k0 K1=$TMP/k1
"$OVPN_PEER" genkey AES-256-GCM >"$K0"
"$OVPN_PEER" genkey CHACHA20-POLY1305 >"$K1"
check "tcp: peer added" add_peer 4
check "tcp: key-id 0 primary" \
	nfo key add tun0 1 slot primary key-id 0 key-file "$K0"
check "tcp: key-id 1 secondary" \
	nfo key add tun0 1 slot secondary key-id 1 key-file "$K1"
start_cli "$K0" v2 4 --key-id 0 --key2 "$K1" --key-id2 1
check_eq "tcp: client tunnel up (both keys)" 0 $?

tx0=$(stat 1 tx_packets)
check "tcp: srv -> cli 512 KiB over IPv4, sha256 equal" \
	xfer srv cli $VPN4_C 524288
check "tcp: cli -> srv 512 KiB over IPv6, sha256 equal" \
	xfer cli srv $VPN6_S 524288
counter_gt "tcp: the fast path carried it (tx_packets)" 1 tx_packets \
	$((tx0 + 300))
check "tcp: no TCP segment reached tun0 (slow path)" \
	bash -c "! grep -q '^4 proto 6 ' '$TMP/slow.log'"

# the server promotes key-id 1, the peer helper follows on SIGUSR1
swap_keys() {
	nfo key swap tun0 1
	kill -USR1 "$TUN_PID"
}
check "key swap mid-transfer: sha256 equal" \
	at_half srv cli $VPN4_C 524288 swap_keys
kill -USR2 "$TUN_PID"
sleep 0.3
check_eq "key swap: client now sends with key-id 1" 1 \
	"$(sed -n 's/^tx_key //p' "$TMP/cli.count")"
check_eq "key swap: kernel primary is key-id 1" 1 \
	"$(nfo --json show tun0 | jq -r '.instances[].peers[] |
		select(.id == 1) | .keys[] | select(.slot == "primary") |
		.key_id')"
check "key swap: traffic still flows" ns cli ping -c 2 -i 0.3 -W 3 $VPN4_S

# --- a decrypted packet is hashed on its own flow, not on the outer one -----
# RPS on veth0 (two CPUs) hashes the outer datagrams; the decrypted packets
# are routed on to fqa, whose fq qdisc sorts packets without a socket into
# flows by that same hash.  16 inner flows in one outer flow: had they kept
# the outer hash, fq would see one flow.  A per-flow maxrate (far above
# what the guest moves) keeps fq off its fast path for an idle qdisc
# (6.7+), which queues packets without making flows.
hash_setup() {
	echo 3 | ns srv tee /sys/class/net/veth0/queues/rx-0/rps_cpus >/dev/null &&
	ip -n srv link add fqa type veth peer name fqb &&
	ip -n srv link set fqa arp off up && ip -n srv link set fqb up &&
	ns srv tc qdisc add dev fqa root fq maxrate 10gbit &&
	ip -n srv route add 10.9.0.0/24 dev fqa &&
	ns srv sysctl -qw net.ipv4.ip_forward=1 &&
	ip -n cli route add 10.9.0.0/24 dev tun1
}
fq_flows() { ns srv tc -s qdisc show dev fqa | sed -n 's/^ *flows \([0-9]*\) .*/\1/p'; }
if check "rxhash: RPS on veth0, fq on a route past tun0" hash_setup; then
	rx0=$(stat 1 rx_packets)
	ns cli python3 -c "
import socket
for port in range(40000, 40016):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind(('$VPN4_C', port))
    s.sendto(b'x' * 32, ('10.9.0.9', 9))
"
	sleep 1
	check "rxhash: the kernel decrypted the 16 flows" \
		test "$(stat 1 rx_packets)" -ge $((rx0 + 16))
	flows=$(fq_flows)
	check "rxhash: fq told the 16 decrypted flows apart ($flows flows)" \
		test "${flows:-0}" -ge 8
fi
ip -n srv link del fqa 2>/dev/null
ip -n cli route del 10.9.0.0/24 2>/dev/null

stop_cli

# --- the socket's mark and bound device (--mark, --bind-dev) ---------------
MK=$TMP/mk
"$OVPN_PEER" genkey AES-128-GCM >"$MK"
# (not bound to a device here: a failed lookup with an output device
# given is taken as "on link", which would hide the blackhole below)
check "mark: instance again, with mark 0x20" bash -c \
	"ip netns exec srv $NFOVPN instance del tun0 &&
	 ip netns exec srv $NFOVPN instance add tun0 port $PORT mark 0x20"
check "mark: nfovpn shows it" bash -c \
	"ip netns exec srv $NFOVPN show tun0 | grep -q 'mark: *0x20'"
check "mark: peer added" add_peer 4
check "mark: key installed" nfo key add tun0 1 slot primary key-id 0 key-file "$MK"
start_cli "$MK" v2 4
check_eq "mark: client tunnel up" 0 $?
check "mark: nft counts marked outer packets" ns srv nft \
	"add table inet mk; add chain inet mk out { type filter hook output priority 0; };
	 add rule inet mk out meta mark 0x20 udp sport $PORT counter"
check "mark: cli -> srv ping" ns cli ping -c 3 -i 0.3 -W 3 $VPN4_S
marked=$(ns srv nft -j list table inet mk |
	jq '[.nftables[] | .rule? // empty | .expr[] | .counter? // empty | .packets] | add')
check "mark: the kernel's outer packets carried the mark ($marked)" \
	test "${marked:-0}" -ge 3
# routed by the mark: a rule for it that blackholes the client
nr0=$(stat - drop_no_route)
ip -n srv rule add fwmark 0x20 table 120
ip -n srv route add blackhole 192.0.2.2/32 table 120
ns srv ping -c 2 -i 0.3 -W 1 $VPN4_C >/dev/null 2>&1
check "mark: routed by it (fwmark rule to a blackhole: drop_no_route $nr0 -> $(stat - drop_no_route))" \
	test "$(stat - drop_no_route)" -ge $((nr0 + 2))
ip -n srv rule del fwmark 0x20 table 120
check "mark: without the rule the tunnel works again" \
	ns srv ping -c 2 -i 0.3 -W 3 $VPN4_C
ns srv nft delete table inet mk
# bound to veth0: the tunnel works; bound to another device: what arrives
# on veth0 is not the socket's
bind_to() {	# bind_to DEV: instance, peer and key again, bound to DEV
	ns srv "$NFOVPN" instance del tun0 &&
	ns srv "$NFOVPN" instance add tun0 port $PORT bind-dev "$1" &&
	ns srv "$NFOVPN" peer add tun0 1 remote $CLI4 $CPORT vpn-ip $VPN4_C &&
	ns srv "$NFOVPN" key add tun0 1 slot primary key-id 0 key-file "$MK"
}
check "bind-dev: instance bound to veth0" bind_to veth0
# a new key for the kernel: the client starts over with it too
stop_cli
start_cli "$MK" v2 4
check "bind-dev: nfovpn shows the device" bash -c \
	"ip netns exec srv $NFOVPN show tun0 | grep -q 'bound to: *veth0'"
rx0=$(stat - rx_packets)
check "bind-dev: cli -> srv ping" ns cli ping -c 2 -i 0.3 -W 3 $VPN4_S
check "bind-dev: through the kernel" test "$(stat - rx_packets)" -ge $((rx0 + 2))
ip -n srv link add bda type veth peer name bdb
check "bind-dev: instance bound to another device" bind_to bda
rx0=$(stat - rx_packets)
ns cli ping -c 2 -i 0.3 -W 1 $VPN4_S >/dev/null 2>&1
check_eq "bind-dev: packets on veth0 are left alone" "$rx0" "$(stat - rx_packets)"
check_not "bind-dev: a device that does not exist is refused" \
	nfo instance add tun1 port 1 bind-dev nosuchdev0
stop_cli
ip -n srv link del bda 2>/dev/null

# --- everything gone ---------------------------------------------------------
check "instance removed" nfo instance del tun0
check "nfovpn status: 0 instances, 0 peers, 0 keys" objects_gone
check "kernel log clean" dmesg_clean
tap_done
