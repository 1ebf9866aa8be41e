#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# A ruleset's conntrack helpers (ALGs) keep working for VPN clients.  The
# module tags inner flows through the conntrack helper area too, so it
# must leave that area to a helper the ruleset attaches ("ct helper set",
# iptables CT --helper), and such flows must still be carried by the
# kernel.  Test: active FTP from the VPN client to a server behind the VPN
# server's masquerade; nf_nat_ftp must rewrite the client's PORT command
# and the ftp helper's expectation must bring the server's data
# connection back through the tunnel.  Topology as in datapath.sh
# (datapath_lib.sh), plus netns ext:
#
#   netns cli                 netns srv                      netns ext
#   tun1 10.8.0.2 ovpn-peer   tun0 10.8.0.1 instance :1194
#     route 203.0.113.0/24    ip_forward, masquerade out of veth2
#     via tun1                veth2 203.0.113.1 ============ veth3 203.0.113.2
#   veth1 192.0.2.2 ========= veth0 192.0.2.1                ftpmini server :21

source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/datapath_lib.sh"
need_cmd nft conntrack
FTP=$SELFTESTS/tools/ftpmini.py
EXT4=203.0.113.2 GW4=203.0.113.1

trap 'ip netns del ext 2>/dev/null; cleanup' EXIT
if ! modprobe -q nf_conntrack_ftp || ! modprobe -q nf_nat_ftp; then
	skip_all "nf_conntrack_ftp / nf_nat_ftp not available"
fi

dp_setup
check "instance, peer 1 and its key" inst_up
start_cli "$K0" v2 4
check_eq "client tunnel up" 0 $?

ip netns add ext
ip link add veth2 netns srv type veth peer name veth3 netns ext
ip -n srv addr add $GW4/24 dev veth2
ip -n ext addr add $EXT4/24 dev veth3
ip -n srv link set veth2 up
ip -n ext link set veth3 up
ip -n ext link set lo up
ns srv sysctl -qw net.ipv4.ip_forward=1
ip -n cli route add 203.0.113.0/24 dev tun1
check "cli -> ext through the tunnel, no NAT yet" \
	ns cli ping -c 1 -W 3 $GW4

# ruleset HOOK: the helper attached in a filter chain at HOOK, masquerade
ruleset() {
	ns srv nft -f - <<EOF
table ip alg {
	ct helper ftp-std { type "ftp" protocol tcp; }
	chain attach { type filter hook $1 priority 0; tcp dport 21 ct helper set "ftp-std"; }
	chain nat { type nat hook postrouting priority 100; oifname "veth2" masquerade; }
}
EOF
}

# slow-path TCP packets tun0's reader (OpenVPN's place) has seen
slow_tcp() { grep -c '^4 proto 6 ' "$TMP/slow.log"; }

# ftp_case DESC: one active FTP exchange from cli to ext
ftp_case() {
	local desc=$1 rx0 tx0 slow0 out
	rx0=$(stat 1 rx_packets) tx0=$(stat 1 tx_packets) slow0=$(slow_tcp)
	ns ext timeout 40 python3 "$FTP" server $EXT4 21 "$TMP/ftp.log" &
	local spid=$!
	wait_tcp ext 21
	out=$(ns cli timeout 30 python3 "$FTP" client $EXT4 21 $VPN4_C 10000 2>&1)
	check "$desc: the data connection came back through the tunnel ($out)" \
		grep -q '^data from ' <<<"$out"
	wait $spid
	check "$desc: nf_nat_ftp rewrote PORT to the masquerade address" \
		grep -q '^PORT 203,0,113,1,' "$TMP/ftp.log"
	check "$desc: the control flow carries the ftp helper" \
		output_has 'dport=21 .*helper=ftp' ns srv conntrack -L -p tcp
	check "$desc: the kernel carried it (rx $rx0 -> $(stat 1 rx_packets), tx $tx0 -> $(stat 1 tx_packets))" \
		test "$(stat 1 rx_packets)" -ge $((rx0 + 5)) -a \
		"$(stat 1 tx_packets)" -ge $((tx0 + 5))
	check_eq "$desc: no TCP packet of it went to userspace" "$slow0" \
		"$(slow_tcp)"
}

for hook in prerouting forward; do
	check "ruleset: ct helper set in $hook, masquerade" ruleset $hook
	ftp_case "helper set in $hook"
	ns srv conntrack -F >/dev/null 2>&1
	ns srv nft delete table ip alg
done

# iptables' CT target attaches the helper through a template, before the
# flow exists
if command -v iptables-nft >/dev/null 2>&1; then
	ns srv iptables-nft -t raw -A PREROUTING -p tcp --dport 21 \
		-j CT --helper ftp
	ns srv iptables-nft -t nat -A POSTROUTING -o veth2 -j MASQUERADE
	ftp_case "iptables CT --helper ftp"
	ns srv iptables-nft -t raw -F
	ns srv iptables-nft -t nat -F
	ns srv conntrack -F >/dev/null 2>&1
else
	tap_ok "iptables CT --helper ftp # SKIP iptables-nft not installed"
fi

# flows without a ruleset helper are still tagged, through NAT as well
check "ruleset again, for the untagged case" ruleset prerouting
ns cli ping -c 2 -i 0.3 -W 3 $EXT4 >/dev/null
check "a masqueraded flow from the tunnel is tagged (helper=ovpn)" \
	output_has 'dst=203.0.113.2 .*helper=ovpn' ns srv conntrack -L -p icmp
ns cli ping -c 2 -i 0.3 -W 3 $VPN4_S >/dev/null
check "a flow from the tunnel to this host is tagged (helper=ovpn)" \
	output_has 'dst=10.8.0.1 .*helper=ovpn' ns srv conntrack -L -p icmp
check "replies of tagged flows went through the kernel" \
	ns cli ping -c 2 -i 0.3 -W 3 $EXT4
ns srv nft delete table ip alg

stop_cli
check "instance removed" nfo instance del tun0
check "every object gone" objects_gone
check "kernel log clean" dmesg_clean
tap_done
