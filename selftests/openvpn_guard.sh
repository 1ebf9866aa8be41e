#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# What the patched server must survive from the kernel's side of the
# notification channel.  Same topology as openvpn_server.sh
# (openvpn_lib.sh): the patched server in netns srv, a stock client in cli.
#
# Buffer: with net.core.rmem_max at 64 KiB the notification socket still
# gets its 4 MiB (SO_RCVBUFFORCE), and the server says so.
#
# Float to where the client already is: the kernel reports a float to the
# client's current address when userspace floated first (a control packet
# from the new address came before the notification was read) or when a
# notification in between was lost (A -> B -> A).  Both are races; the
# test sends that notification itself to the "peers" group
# (tools/nlraw.py --notify), exactly as the kernel would build it.  The
# server must log it as already there, keep running, and the client must
# keep working through the kernel.
#
# No key in the kernel: a client offloaded whose first KEY_NEW failed must
# still get userspace's pings.

source "$(dirname "$0")/lib.sh"

source "$(dirname "$0")/openvpn_lib.sh"

VPN4_C=10.8.0.2

# peer_field NAME: a field of the (only) peer of tun0
peer_field() {
	nfo --json show tun0 | jq -r --arg n "$1" \
		'.instances[] | select(.ifname == "tun0") | .peers[0][$n] // empty'
}

# notify_float ID ADDR PORT: a PEER_FLOAT_NTF for tun0's peer ID
notify_float() {
	local ifindex hex
	ifindex=$(ip -n srv -j link show tun0 | jq '.[0].ifindex')
	hex=$(printf '%02x' ${2//./ })
	ns srv python3 "$SELFTESTS/tools/nlraw.py" --notify PEER_FLOAT_NTF \
		IFINDEX=u32:"$ifindex" PEER={ PEER_ID=u32:"$1" \
		PEER_REMOTE_IPV4=hex:"$hex" PEER_REMOTE_PORT=be16:"$3" }
}

load_module || skip_all "cannot load nf_ovpn"
dmesg_mark
check "certificates" gen_certs
check "topology" setup

# a small net.core.rmem_max must not shrink the notification socket's
# buffer (an rmmod announces every peer at once)
RMEM=$(sysctl -n net.core.rmem_max)
trap 'sysctl -qw net.core.rmem_max="$RMEM"; cleanup' EXIT
sysctl -qw net.core.rmem_max=65536
up_offloaded AES-256-GCM
sysctl -qw net.core.rmem_max="$RMEM"
check "notification socket buffer past rmem_max (4 MiB)" \
	srv_log_has 1 "nf-fastpath: notification socket buffer 4194304 bytes"

# --- a float to the current address --------------------------------------------
id=$(peer_field id)
addr=$(peer_field remote_address)
port=$(peer_field remote_port)
check_eq "the kernel has the client at its address" "$CLI4" "$addr"
from=$(($(wc -l <"$TMP/srv.log") + 1))
check "float notification to $addr:$port sent" notify_float "$id" "$addr" "$port"
check "server took it as already there" \
	wait_for 5 srv_log_has $from "peer-id $id: float to .*$addr.*: already there"
check "server still running" kill -0 "$SRV_PID"
check_not "server closed no instance" \
	srv_log_has $from "closing instance"
check "the kernel still has the client there" \
	test "$(peer_field remote_address):$(peer_field remote_port)" = "$addr:$port"
rx0=$(peer_stat rx_packets)
check "client -> server ping" ns cli ping -c 3 -i 0.3 -W 3 $VPN4_S
check "server -> client ping" ns srv ping -c 3 -i 0.3 -W 3 $VPN4_C
check "through the kernel (rx_packets $rx0 -> $(peer_stat rx_packets))" \
	test "$(peer_stat rx_packets)" -ge $((rx0 + 3))

# --- a replayed data packet of a key the kernel holds --------------------
# The kernel decrypts padded datagrams of its keys itself (a replay is
# dropped there), and userspace, whose replay window for a kernel-held key
# is stale, accepts no data packet of it: not when the kernel lost the key
# behind its back either.  The inner packet (an echo request) must never
# reach tun0 again, and the client must not move.
UDPCRAFT=$SELFTESTS/tools/udpcraft.py
capture_data() {	# capture_data FILE: "SPORT HEX" of one client data packet
	ns srv python3 - "$1" <<'EOF'
import socket, sys
s = socket.socket(socket.AF_PACKET, socket.SOCK_DGRAM, socket.htons(0x0800))
s.settimeout(15)
while True:
    pkt = s.recv(65535)
    ihl = (pkt[0] & 15) * 4
    udp = pkt[ihl:]
    if pkt[9] != 17 or int.from_bytes(udp[2:4], "big") != 1194:
        continue
    if udp[8] >> 3 != 9:	# P_DATA_V2
        continue
    open(sys.argv[1], "w").write("%d %s\n" % (int.from_bytes(udp[0:2], "big"),
                                              udp[8:].hex()))
    break
EOF
}
echo_count() {
	ns srv nft -j list chain inet rp in |
		jq '[.nftables[] | select(.rule) | .rule.expr[] | select(.counter) | .counter.packets][0]'
}
ns srv nft add table inet rp
ns srv nft add chain inet rp in '{ type filter hook input priority 0; }'
ns srv nft add rule inet rp in iifname tun0 icmp type echo-request counter
capture_data "$TMP/cap" &
cap_pid=$!
sleep 1
ns cli ping -c 3 -i 0.3 -W 3 $VPN4_S >/dev/null
wait $cap_pid
check "a client data packet captured" test -s "$TMP/cap"
read -r sport hex <"$TMP/cap"
echo "$hex" >"$TMP/replay.hex"
ip -n cli addr add 192.0.2.9/24 dev veth1
replay() {	# replay SRC PADLEN
	ns cli python3 "$UDPCRAFT" pad "$1" "$sport" $SRV4 $PORT "$2" "$TMP/replay.hex"
	sleep 0.5
}
e0=$(echo_count)
r0=$(peer_stat drop_replay)
replay $CLI4 16
check_eq "padded replay from the client: not in tun0" "$e0" "$(echo_count)"
check "padded replay from the client: drop_replay ($r0 -> $(peer_stat drop_replay))" \
	test "$(peer_stat drop_replay)" -gt "$r0"
replay 192.0.2.9 16
check_eq "padded replay from a third address: not in tun0" "$e0" "$(echo_count)"
check_eq "the client did not move" "$CLI4" "$(peer_field remote_address)"
from=$(($(wc -l <"$TMP/srv.log") + 1))
check "the kernel loses the key behind OpenVPN's back" \
	nfo key del tun0 "$id" slot primary
replay $CLI4 0
replay 192.0.2.9 0
check_eq "replay to userspace: not in tun0" "$e0" "$(echo_count)"
check "userspace dropped it: the kernel keeps that window" \
	srv_log_has $from "nf-fastpath: dropping a received packet for key-id"
check_not "userspace floated no client" srv_log_has $from "float"
check "server still running" kill -0 "$SRV_PID"

stop_client
stop_server
check "server gone: no instance left" \
	wait_for 10 eval '[ "$(nf_count)" = 0 ]'

# --- offloaded, but no key in the kernel: userspace keeps pinging ---------
# The kernel pings only with a primary key.  When the first KEY_NEW fails
# (the patched server's test hook NF_FASTPATH_TEST_FAIL makes it), the
# client stays a kernel peer without keys, and userspace must keep sending
# the pings, or the idle client (ping-restart 10, pushed by --keepalive
# 2 10) restarts.
export NF_FASTPATH_TEST_FAIL=key_new:1
server_up
unset NF_FASTPATH_TEST_FAIL
check "stock client connected" start_client AES-256-GCM
check "client offloaded" wait_for 10 srv_log_has 1 "nf-fastpath: .* offloaded (peer-id"
check "its first KEY_NEW failed (the test hook)" \
	srv_log_has 1 "installing a key failed on purpose"
check_eq "the kernel holds no key for it" 0 \
	"$(nfo --json show tun0 | jq '[.instances[0].peers[0].keys[]?] | length')"
tx0=$(peer_stat keepalive_tx)
sleep 16
check_not "the idle client did not run into its ping-restart" \
	grep -q "Inactivity timeout" "$TMP/cli.log"
check "the tunnel works, in userspace" ns cli ping -c 2 -i 0.3 -W 3 $VPN4_S
check_eq "the kernel sent no ping (it has no key)" "$tx0" "$(peer_stat keepalive_tx)"
stop_client
stop_server
check "server gone again: no instance left" \
	wait_for 10 eval '[ "$(nf_count)" = 0 ]'
check "kernel log clean" dmesg_clean
[ "$__tap_fail" = 0 ] || dump_logs
tap_done
