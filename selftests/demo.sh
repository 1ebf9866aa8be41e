#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The demo, run inside the guest by `make demo`.
#
#   netns srv                                    netns cli
#   tun0 10.8.0.1 (held open, as OpenVPN does)   tun1 10.8.0.2
#   nf_ovpn instance :1194, peer 1, AES-256-GCM  ovpn-peer: an OpenVPN 2.6
#   UDP :1194 held by a stand-in socket          data channel in userspace
#   veth0 192.0.2.1 ------------------------------ veth1 192.0.2.2
#
# Until the OpenVPN patch lands (issue #5), the server's control plane is
# played by `nfovpn` and the client by the project's OpenSSL test peer; the
# kernel side is exactly what OpenVPN will drive.
set -uo pipefail
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/datapath_lib.sh"

step() { printf '\n=== %s\n' "$*"; }
run() { printf '$ %s\n' "$*"; "$@"; }

step "kernel $(uname -r): loading nf_ovpn"
dp_setup >/dev/null
lsmod | grep -E '^(nf_ovpn|nf_conntrack) '
dmesg | grep 'nf_ovpn:' | tail -n 1

step "server: register the OpenVPN socket, the client and its key"
"$OVPN_PEER" genkey AES-256-GCM > "$TMP/key"
run ip netns exec srv "$NFOVPN" instance add tun0 port $PORT
run ip netns exec srv "$NFOVPN" peer add tun0 1 remote $CLI4 $CPORT vpn-ip $VPN4_C keepalive 10 60
run ip netns exec srv "$NFOVPN" key add tun0 1 slot primary key-id 0 key-file "$TMP/key"

step "client: an OpenVPN data channel peer with the same key"
start_cli "$TMP/key" v2 4 || { echo "client did not start"; exit 1; }
echo "client up: tun1 $VPN4_C -> $SRV4:$PORT"

step "traffic through the fast path"
run ip netns exec cli ping -c 5 -i 0.2 $VPN4_S
run ip netns exec srv ping -c 3 -i 0.2 $VPN4_C
echo "TCP 1 MiB client -> server, sha256 compared:"
xfer cli srv $VPN4_S 1048576 || { echo "transfer FAILED"; exit 1; }

step "what the kernel did"
run ip netns exec srv "$NFOVPN" show
echo
echo "packets that reached userspace (slow path) on tun0: $(wc -l < "$TMP/slow.log")"
echo "fast-path RX packets: $(stat 1 rx_packets), TX packets: $(stat 1 tx_packets)"

step "cleanup: instance removed, objects freed"
stop_cli
run ip netns exec srv "$NFOVPN" instance del tun0
objects_gone && run "$NFOVPN" status
rmmod nf_ovpn
dmesg | grep 'nf_ovpn:' | tail -n 1
dmesg_clean || exit 1
