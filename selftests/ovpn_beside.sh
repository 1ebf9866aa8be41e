#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# nf_ovpn beside the kernel's own ovpn driver (Linux 6.16+, in Debian's 7.x
# kernels), both at work at the same time in separate namespaces:
#
#   srv -- veth -- cli     patched OpenVPN 2.6.14 --nf-fastpath server and
#   192.0.2.1/.2           a stock 2.6 client: nf_ovpn carries the tunnel
#   o1  -- veth -- o2      OpenVPN 2.7.8 server and client with DCO on:
#   198.51.100.1/.2        the ovpn driver carries that one
#
# OpenVPN 2.7 runs from the trixie build root (scripts/trixie-root.sh), which
# the guest sees in the work tree; it is started by chroot.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/openvpn_lib.sh"

TROOT=$TOP/build/trixie-root
OVPN27=$TROOT/usr/sbin/openvpn
modprobe ovpn 2>/dev/null ||
	skip_all "Linux $(uname -r) has no ovpn driver (it came with 6.16)"
[ -x "$OVPN27" ] ||
	skip_all "no OpenVPN 2.7 in $TROOT (scripts/trixie-root.sh KVER openvpn)"

O_PIDS=''
# what the chroot'ed OpenVPN needs: devices, proc, and this test's files
CHROOT_TMP=$TROOT/tmp/nfovpn-beside.$$
beside_cleanup() {
	local p
	for p in $O_PIDS; do
		kill -9 "$p" 2>/dev/null && wait "$p" 2>/dev/null
	done
	ip netns del o1 2>/dev/null
	ip netns del o2 2>/dev/null
	umount "$CHROOT_TMP" "$TROOT/proc" "$TROOT/dev" 2>/dev/null
	rmdir "$CHROOT_TMP" 2>/dev/null
	cleanup
}
trap beside_cleanup EXIT
mkdir -p "$CHROOT_TMP"
{ mount --bind /dev "$TROOT/dev" && mount -t proc proc "$TROOT/proc" &&
	mount --bind "$TMP" "$CHROOT_TMP"; } || skip_all "cannot prepare the trixie root"

# ovpn27 NETNS LOG OPTION...: OpenVPN 2.7 in NETNS, DCO on (its default)
ovpn27() {
	local n=$1 log=$2
	shift 2
	ip netns exec "$n" chroot "$TROOT" /usr/sbin/openvpn \
		--ca "${CHROOT_TMP#"$TROOT"}/pki/ca.crt" --dh none \
		--data-ciphers AES-256-GCM --keepalive 2 10 --verb 4 "$@" \
		> "$TMP/$log" 2>&1 &
	O_PIDS="$O_PIDS $!"
	wait_for 60 grep -q "Initialization Sequence Completed" "$TMP/$log"
}

dmesg_mark
check "module loads" load_module
check "certificates" gen_certs
check "namespaces srv and cli" setup

# --- 1. nf_ovpn's tunnel ---------------------------------------------------------
up_offloaded AES-256-GCM
tx0=$(peer_stat tx_packets)
check "nf_ovpn: client -> server ping" ns cli ping -c 3 -i 0.3 -W 3 $VPN4_S
check "nf_ovpn: the kernel counters rose" test "$(peer_stat tx_packets)" -gt "${tx0:-0}"

# --- 2. the ovpn driver's tunnel, beside it -----------------------------------------
ip netns add o1 && ip netns add o2 &&
	ip link add ov0 netns o1 type veth peer name ov1 netns o2 &&
	ip -n o1 addr add 198.51.100.1/24 dev ov0 &&
	ip -n o2 addr add 198.51.100.2/24 dev ov1 &&
	ip -n o1 link set ov0 up && ip -n o2 link set ov1 up &&
	ip -n o1 link set lo up && ip -n o2 link set lo up
check "namespaces o1 and o2" ip -n o2 link show ov1
pki=${CHROOT_TMP#"$TROOT"}/pki
check "OpenVPN 2.7 server with DCO in o1" ovpn27 o1 o1.log \
	--mode server --tls-server --dev tun0 --proto udp --port 1194 \
	--server 10.9.0.0 255.255.255.0 \
	--cert "$pki/server.crt" --key "$pki/server.key"
check "OpenVPN 2.7 client with DCO in o2" ovpn27 o2 o2.log \
	--client --dev tun0 --proto udp --remote 198.51.100.1 1194 --nobind \
	--cert "$pki/client.crt" --key "$pki/client.key" --remote-cert-tls server
check "both ends' devices are ovpn's" bash -c \
	"ip -n o1 -d link show tun0 | grep -qw ovpn && ip -n o2 -d link show tun0 | grep -qw ovpn"
check "lsmod shows nf_ovpn and ovpn together" \
	bash -c "lsmod | grep -q '^nf_ovpn ' && lsmod | grep -q '^ovpn '"
check "ovpn: client -> server ping" ns o2 ping -c 3 -i 0.3 -W 3 10.9.0.1
check "nf_ovpn holds nothing of the ovpn tunnel" \
	test "$(nfo --json show | jq '[.instances[].peers[]] | length')" = 1

# --- 3. both at once ----------------------------------------------------------------
tx0=$(peer_stat tx_packets)
# not in check(): wait needs the background job in this shell
ns o2 ping -c 20 -i 0.1 -W 3 10.9.0.1 > "$TMP/o-ping" 2>&1 &
opid=$!
check "nf_ovpn: ping while ovpn carries traffic" ns cli ping -c 10 -i 0.1 -W 3 $VPN4_S
wait "$opid"
orc=$?
check_eq "ovpn: ping while nf_ovpn carries traffic" 0 "$orc"
[ "$orc" = 0 ] || sed 's/^/#   /' "$TMP/o-ping"
check "nf_ovpn: the kernel counters rose again" test "$(peer_stat tx_packets)" -gt "${tx0:-0}"

# --- 4. apart again -------------------------------------------------------------------
stop_client
stop_server
for p in $O_PIDS; do
	kill "$p" 2>/dev/null && wait "$p" 2>/dev/null
done
O_PIDS=''
check "nf_ovpn unloads with ovpn still loaded" unload_module
check "ovpn unloads" bash -c "sleep 1; rmmod ovpn"
check "kernel log clean" dmesg_clean
[ "$__tap_fail" = 0 ] || { dump_logs; tail -n 30 "$TMP/o1.log" | sed 's/^/#   o1: /'; }
tap_done
