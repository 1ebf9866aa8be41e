#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Shared by datapath.sh and datapath_bad.sh (sourced after lib.sh): the
# two-namespace topology drawn in datapath.sh, and helpers to read the
# module's counters.

need_root
need_cmd ip modprobe insmod ping python3 jq ss
[ -x "$NFOVPN" ] || skip_all "nfovpn not built: $NFOVPN"
[ -x "$OVPN_PEER" ] || skip_all "ovpn-peer not built: $OVPN_PEER"

TMP=$(mktemp -d)
SRV4=192.0.2.1 CLI4=192.0.2.2
SRV6=2001:db8::1 CLI6=2001:db8::2
VPN4_S=10.8.0.1 VPN4_C=10.8.0.2
VPN6_S=fd00:8::1 VPN6_C=fd00:8::2
PORT=1194 CPORT=1195
K0=$TMP/k0
HOLD_PID='' SINK_PID='' TUN_PID=''

cleanup() {
	local p
	for p in $TUN_PID $SINK_PID $HOLD_PID; do
		kill "$p" 2>/dev/null && wait "$p" 2>/dev/null
	done
	ip netns exec srv "$NFOVPN" instance del tun0 >/dev/null 2>&1
	ip netns del srv 2>/dev/null
	ip netns del cli 2>/dev/null
	rm -rf "$TMP"
}
trap cleanup EXIT

nfo() { ns srv "$NFOVPN" "$@"; }

# stat WHO NAME: a counter of tun0 from "nfovpn --json stats"; WHO is a
# peer-id or "-" for the instance
stat() {
	nfo --json stats tun0 | jq -r --arg who "$1" --arg n "$2" '
		.instances[] | select(.ifname == "tun0") |
		if $who == "-" then .stats[$n]
		else .peers[] | select((.id | tostring) == $who) | .stats[$n]
		end'
}

# counters WHO NAME...: several counters of WHO on one line, in order
counters() {
	local who=$1
	shift
	local fields
	fields=$(printf '.%s,' "$@")
	nfo --json stats tun0 | jq -r --arg who "$who" '
		.instances[] | select(.ifname == "tun0") |
		if $who == "-" then .stats
		else .peers[] | select((.id | tostring) == $who) | .stats
		end | ['"${fields%,}"'] | map(tostring) | join(" ")'
}

# around_cmd WHO NAME CMD...: run CMD (quietly, then let the datapath
# settle) and set $before and $after to counter NAME of WHO around it
around_cmd() {
	local who=$1 name=$2
	shift 2
	before=$(stat "$who" "$name")
	"$@" >/dev/null 2>&1
	sleep 0.3
	after=$(stat "$who" "$name")
}

# check_inc DESC WHO NAME CMD...: CMD must raise counter NAME of WHO
check_inc() {
	local desc=$1 name=$3 before after
	around_cmd "$2" "$3" "${@:4}"
	if [ -n "$before" ] && [ -n "$after" ] && [ "$after" -gt "$before" ]; then
		tap_ok "$desc"
	else
		tap_fail "$desc ($name $before -> $after)"
	fi
}

# check_delta DESC WHO NAME N CMD...: CMD raises the counter by exactly N
check_delta() {
	local desc=$1 name=$3 n=$4 before after
	around_cmd "$2" "$3" "${@:5}"
	if [ -n "$before" ] && [ -n "$after" ] && [ $((after - before)) = "$n" ]; then
		tap_ok "$desc"
	else
		tap_fail "$desc ($name $before -> $after, want +$n)"
	fi
}

# counter_gt DESC WHO NAME MIN: the counter is above MIN
counter_gt() {
	local v
	v=$(stat "$2" "$3")
	if [ -n "$v" ] && [ "$v" -gt "$4" ]; then
		tap_ok "$1"
	else
		tap_fail "$1 ($3 = '$v', want > $4)"
	fi
}

wait_udp() {	# wait_udp NS PORT: until a socket has the port (connected too)
	local _
	for _ in $(seq 50); do
		ns "$1" ss -Haun "sport = :$2" | grep -q . && return 0
		sleep 0.1
	done
	return 1
}


wait_dev() {	# wait_dev NS DEV
	local _
	for _ in $(seq 50); do
		ip -n "$1" link show "$2" >/dev/null 2>&1 && return 0
		sleep 0.1
	done
	return 1
}

# --- helpers in python: a tun holder and a TCP transfer --------------------
cat >"$TMP/tunhold.py" <<'EOF'
# tunhold.py DEV LOG: create tun DEV (IFF_TUN|IFF_NO_PI) and keep its fd,
# as OpenVPN would; log every packet that reaches it (the slow path).
import fcntl, os, struct, sys
fd = os.open("/dev/net/tun", os.O_RDWR)
fcntl.ioctl(fd, 0x400454ca, struct.pack("16sH", sys.argv[1].encode(), 0x1001))
log = open(sys.argv[2], "w", buffering=1)
while True:
    p = os.read(fd, 65536)
    if p and p[0] >> 4 == 4 and len(p) >= 20:
        log.write("4 proto %d dst %s len %d\n" % (p[9], ".".join(map(str, p[16:20])), len(p)))
    elif p and p[0] >> 4 == 6 and len(p) >= 40:
        log.write("6 proto %d len %d\n" % (p[6], len(p)))
    else:
        log.write("? len %d\n" % len(p))
EOF


# tun_hold: (re)create tun0 in srv, held by tunhold.py, addressed and up
tun_hold() {
	ip netns exec srv python3 "$TMP/tunhold.py" tun0 "$TMP/slow.log" 2>"$TMP/hold.err" &
	HOLD_PID=$!
	wait_dev srv tun0 || return 1
	ip -n srv addr add $VPN4_S/24 dev tun0
	ip -n srv addr add $VPN6_S/64 dev tun0 nodad
	ip -n srv link set tun0 mtu 1400 up
}

# dp_setup: both namespaces, tun0 held, the sink on the port
dp_setup() {
	dmesg_mark
	load_module || skip_all "cannot load nf_ovpn"
	modprobe -q nf_tables 2>/dev/null

	ip netns add srv
	ip netns add cli
	ip -n srv link set lo up
	ip -n cli link set lo up
	ip link add veth0 netns srv type veth peer name veth1 netns cli
	ip -n srv addr add $SRV4/24 dev veth0
	ip -n cli addr add $CLI4/24 dev veth1
	ip -n srv addr add $SRV6/64 dev veth0 nodad
	ip -n cli addr add $CLI6/64 dev veth1 nodad
	ip -n srv link set veth0 up
	ip -n cli link set veth1 up

	tun_hold
	check "srv: tun0 held like OpenVPN holds it" test $? = 0

	"$OVPN_PEER" genkey AES-256-GCM >"$K0"
	ip netns exec srv "$OVPN_PEER" sink --local "[::]:$PORT" --timeout 3600 >"$TMP/sink.log" &
	SINK_PID=$!
	check "srv: sink holds UDP $PORT" wait_udp srv $PORT
}

# objects_gone: nfovpn status back to 0 instances, 0 peers, 0 keys (keys
# are freed after an RCU grace period: poll a little)
objects_gone() {
	local _
	for _ in $(seq 30); do
		nfo status | grep -Eq '^instances: +0$' &&
		nfo status | grep -Eq '^peers: +0$' &&
		nfo status | grep -Eq '^keys: +0$' && return 0
		sleep 0.2
	done
	nfo status
	return 1
}

# start_cli KEYFILE V OUTER [EXTRA...]: the remote end over OUTER (4|6),
# to $SRV4_TO instead of $SRV4 if set
start_cli() {
	local key=$1 v=$2 outer=$3 laddr raddr
	shift 3
	if [ "$outer" = 4 ]; then
		laddr=$CLI4:$CPORT raddr=${SRV4_TO:-$SRV4}:$PORT
	else
		laddr="[$CLI6]:$CPORT" raddr="[$SRV6]:$PORT"
	fi
	ip netns exec cli "$OVPN_PEER" tunnel --tun tun1 --local "$laddr" \
		--remote "$raddr" --key "$key" --swap "--$v" --peer-id 1 \
		--count-file "$TMP/cli.count" "$@" >>"$TMP/cli.log" 2>&1 &
	TUN_PID=$!
	wait_dev cli tun1 || return 1
	ip -n cli addr add $VPN4_C/24 dev tun1
	ip -n cli addr add $VPN6_C/64 dev tun1 nodad
	ip -n cli link set tun1 mtu 1400 up
	wait_udp cli $CPORT
}

stop_cli() {
	[ -n "$TUN_PID" ] && kill "$TUN_PID" 2>/dev/null && wait "$TUN_PID" 2>/dev/null
	TUN_PID=
	ip -n cli link del tun1 2>/dev/null
	true
}

# inst_up: the instance on tun0, peer 1 (the client, over IPv4) with key
# $K0 (dp_setup made it) as its primary
inst_up() {
	nfo instance add tun0 port $PORT && add_peer 4 &&
	nfo key add tun0 1 slot primary key-id 0 key-file "$K0"
}

# add_peer OUTER: peer 1 at the client's outer address
add_peer() {
	local addr=$CLI4
	[ "$1" = 6 ] && addr=$CLI6
	nfo peer add tun0 1 remote $addr $CPORT vpn-ip $VPN4_C vpn-ip $VPN6_C
}


