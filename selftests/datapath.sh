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

check "instance on tun0 port $PORT" nfo instance add tun0 port $PORT
run_case AES-128-GCM v2 4
run_case AES-256-GCM v2 6
run_case CHACHA20-POLY1305 v1 4
check "the slow path saw no ICMP echo" \
	bash -c "! grep -q '^4 proto 1 ' '$TMP/slow.log'"

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

stop_cli

# --- everything gone ---------------------------------------------------------
check "instance removed" nfo instance del tun0
check "nfovpn status: 0 instances, 0 peers, 0 keys" objects_gone
check "kernel log clean" dmesg_clean
tap_done
