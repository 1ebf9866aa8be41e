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

stop_client
stop_server
check "server gone: no instance left" \
	wait_for 10 eval '[ "$(nf_count)" = 0 ]'
check "kernel log clean" dmesg_clean
[ "$__tap_fail" = 0 ] || dump_logs
tap_done
