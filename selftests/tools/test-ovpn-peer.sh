#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Self-test of ovpn-peer, no kernel module needed:
#
#   1. "ovpn-peer selftest": every cipher x P_DATA_V1/V2 round trip,
#      tamper, replay, plus byte-exact vectors captured from OpenVPN 2.6.14
#   2. over 127.0.0.1: send (remote end, --swap) -> recv (kernel's view),
#      for every cipher and V1/V2: IPv4 ping, IPv6 ping, keepalive, replay,
#      bad tag, truncation, pktid 0, unknown key-id; send --raw-hex -> sink
#   3. as root with /dev/net/tun: a tunnel loop through the local stack
#
#      send --swap --inner-ping 10.77.0.2 -> 10.77.0.1
#        |  UDP 127.0.0.1:$T
#        v
#      tunnel (tun ovpt$$, 10.77.0.1/30) -> kernel answers the echo
#        |  UDP 127.0.0.1:$R, encrypted with the kernel-view key
#        v
#      recv --swap: "icmp 10.77.0.1 10.77.0.2 ok"
#
# TAP-style output; the last line is "N passed, N failed".
set -u
cd "$(dirname "$0")"
PEER=./ovpn-peer
TMP=$(mktemp -d)
TUN=ovpt$$
TPID=
n=0
failed=0

cleanup() {
	[ -n "$TPID" ] && kill "$TPID" 2>/dev/null
	ip link del "$TUN" 2>/dev/null
	rm -rf "$TMP"
}
trap cleanup EXIT

report() {	# report OK? DESCRIPTION
	n=$((n + 1))
	if [ "$1" = 0 ]; then
		echo "ok $n - $2"
	else
		echo "not ok $n - $2"
		failed=$((failed + 1))
	fi
}

# a free-ish UDP port per test
port=$((20000 + $$ % 20000))
next_port() { port=$((port + 1)); }

# wait until a UDP port is bound (recv/sink/tunnel started)
wait_bound() {
	local i
	for i in $(seq 50); do
		ss -Hlun "sport = :$1" 2>/dev/null | grep -q . && return 0
		sleep 0.05
	done
	sleep 0.2	# no ss: just give it time
}

# --- 1: built-in ---------------------------------------------------------
$PEER selftest >"$TMP/st" 2>&1
while read -r line; do
	case "$line" in
	"ok "*) report 0 "selftest: ${line#ok * - }" ;;
	"not ok "*) report 1 "selftest: ${line#not ok * - }" ;;
	esac
done <"$TMP/st"
grep -Eq '^[0-9]+ passed, 0 failed$' "$TMP/st"
report $? "selftest completed"

# --- 2: send -> recv over loopback ----------------------------------------
for cipher in AES-128-GCM AES-192-GCM AES-256-GCM CHACHA20-POLY1305; do
	for v in v1 v2; do
		key="$TMP/$cipher.key"
		$PEER genkey $cipher >"$key"
		next_port
		P=127.0.0.1:$port
		$PEER recv --local $P --key "$key" --key-id 2 --count 9 \
			--timeout 5 >"$TMP/out" 2>&1 &
		rpid=$!
		wait_bound $port
		S="$PEER send --remote $P --key $key --swap --$v --key-id 2 --peer-id 4711"
		{
			$S --pktid 1 --inner-ping 10.1.0.2 10.1.0.1
			$S --pktid 2 --inner-ping fd00::2 fd00::1
			$S --pktid 5 --ping
			$S --pktid 1 --inner-ping 10.1.0.2 10.1.0.1
			$S --pktid 6 --payload-hex 00112233 --corrupt-tag
			$S --pktid 7 --payload-hex 00112233 --truncate 20
			$S --pktid 0 --payload-hex 00112233
			$S --pktid 8 --payload-hex 00112233 --key-id 3
			$S --pktid 6 --payload-hex 00112233
		} >/dev/null 2>"$TMP/err"
		wait $rpid
		rc=$?
		[ $rc = 1 ] && ! [ -s "$TMP/err" ]
		report $? "$cipher $v: send/recv ran (recv exit 1: bad ones seen)"
		op=$([ $v = v1 ] && echo "6 2 -" || echo "9 2 4711")
		want=$(cat <<-EOF
		$op 1 60 icmp 10.1.0.2 10.1.0.1 ok
		$op 2 80 icmp6 fd00::2 fd00::1 ok
		$op 5 16 keepalive - - keepalive
		$op 1 60 - - - replay
		$op 6 4 - - - auth-fail
		$([ $v = v1 ] && echo "6 2 - - 20 - - - malformed" || echo "9 2 - - 20 - - - malformed")
		$op 0 4 - - - replay
		$([ $v = v1 ] && echo "6 3 - 8 4 - - - no-key" || echo "9 3 4711 8 4 - - - no-key")
		$op 6 4 non-ip - - ok
		EOF
		)
		got=$(grep -v '^#' "$TMP/out")
		if [ "$got" = "$want" ]; then
			report 0 "$cipher $v: recv lines as expected"
		else
			report 1 "$cipher $v: recv lines as expected"
			diff <(echo "$want") <(echo "$got") | sed 's/^/# /'
		fi
		grep -q '^# received 9 ok 4 bad 5$' "$TMP/out"
		report $? "$cipher $v: recv summary"
	done
done

next_port
$PEER sink --local 127.0.0.1:$port --timeout 5 --count 2 >"$TMP/sink" &
spid=$!
wait_bound $port
$PEER send --remote 127.0.0.1:$port --raw-hex 3800112233 >/dev/null
$PEER send --remote 127.0.0.1:$port --raw-hex "" >/dev/null
wait $spid
grep -v '^#' "$TMP/sink" | awk '{print $1, $2, $3, $4}' >"$TMP/sink2"
printf '5 0x38 7 0\n0 - - -\n' | cmp -s - "$TMP/sink2"
report $? "sink: raw control packet and empty datagram"

$PEER genkey AES-256-GCM >"$TMP/k"
next_port
$PEER recv --local "[::1]:$port" --key "$TMP/k" --count 1 --timeout 5 \
	>"$TMP/out6" 2>&1 &
rpid=$!
wait_bound $port
$PEER send --remote "[::1]:$port" --key "$TMP/k" --swap --pktid 77 \
	--inner-ping 10.9.0.1 10.9.0.2 >/dev/null 2>&1
wait $rpid
[ $? = 0 ] && grep -q '^9 0 0 77 60 icmp 10.9.0.1 10.9.0.2 ok$' "$TMP/out6"
report $? "send/recv over IPv6 outer transport"
$PEER send --remote 127.0.0.1:1 --key "$TMP/k" >/dev/null 2>&1
[ $? = 2 ]
report $? "send without --pktid is a usage error"
printf 'cipher AES-256-GCM\nencrypt-key 00\n' >"$TMP/bad"
$PEER send --remote 127.0.0.1:1 --key "$TMP/bad" --pktid 1 >/dev/null 2>&1
[ $? = 2 ]
report $? "incomplete key file rejected"

# --- 3: tunnel ------------------------------------------------------------
if [ "$(id -u)" != 0 ] || ! [ -c /dev/net/tun ] ||
   ! ip tuntap add dev "$TUN" mode tun 2>/dev/null; then
	echo "ok $((n + 1)) - tunnel loop # SKIP needs root and /dev/net/tun"
else
	next_port; T=$port
	next_port; R=$port
	key="$TMP/t.key"
	key2="$TMP/t2.key"
	$PEER genkey AES-256-GCM >"$key"
	$PEER genkey CHACHA20-POLY1305 >"$key2"
	# no IPv6 autoconf chatter through the tunnel
	echo 1 >/proc/sys/net/ipv6/conf/"$TUN"/disable_ipv6 2>/dev/null
	ip addr add 10.77.0.1/30 dev "$TUN"
	ip link set "$TUN" up
	$PEER tunnel --tun "$TUN" --local 127.0.0.1:$T \
		--remote 127.0.0.1:$R --key "$key" --peer-id 9 \
		--key2 "$key2" --key-id2 1 --count-file "$TMP/cnt" &
	TPID=$!
	wait_bound $T
	$PEER recv --local 127.0.0.1:$R --key "$key" --swap \
		--key2 "$key2" --key-id2 1 --count 2 --timeout 5 >"$TMP/tout" &
	rpid=$!
	wait_bound $R
	S="$PEER send --remote 127.0.0.1:$T --swap --peer-id 9"
	$S --key "$key" --pktid 1 --inner-ping 10.77.0.2 10.77.0.1 >/dev/null
	$S --key "$key" --pktid 1 --inner-ping 10.77.0.2 10.77.0.1 >/dev/null
	$S --key "$key" --pktid 2 --ping >/dev/null
	$S --key "$key" --pktid 3 --payload-hex 4500 --corrupt-tag >/dev/null
	sleep 0.3
	kill -USR1 $TPID	# TX -> key2
	sleep 0.2
	$S --key "$key2" --key-id 1 --pktid 1 \
		--inner-ping 10.77.0.2 10.77.0.1 >/dev/null
	wait $rpid
	report $? "tunnel: echo replies came back through the tunnel"
	grep -Eq '^9 0 9 1 [0-9]+ icmp 10.77.0.1 10.77.0.2 ok$' "$TMP/tout"
	report $? "tunnel: reply on key-id 0 before SIGUSR1"
	grep -Eq '^9 1 9 1 [0-9]+ icmp 10.77.0.1 10.77.0.2 ok$' "$TMP/tout"
	report $? "tunnel: reply on key-id 1 after SIGUSR1"
	kill -TERM $TPID
	wait $TPID
	report $? "tunnel: clean exit on SIGTERM"
	TPID=
	want=$(printf '%s\n' "rx_ok 2" "rx_keepalive 1" "rx_auth_fail 1" \
		"rx_replay 1" "tx 2" "tx_key 1")
	got=$(grep -E '^(rx_ok|rx_keepalive|rx_auth_fail|rx_replay|tx|tx_key) ' \
		"$TMP/cnt")
	[ "$got" = "$want" ]
	report $? "tunnel: counters"
	[ "$got" = "$want" ] || sed 's/^/# /' "$TMP/cnt"

	# --keepalive: a ping when nothing was sent for 1 s
	next_port; R=$port
	$PEER tunnel --tun "$TUN" --local 127.0.0.1:$T \
		--remote 127.0.0.1:$R --key "$key" --keepalive 1 &
	TPID=$!
	$PEER recv --local 127.0.0.1:$R --key "$key" --swap --count 1 \
		--timeout 4 >"$TMP/kout"
	report $? "tunnel: --keepalive sends a ping when idle"
	kill -TERM $TPID
	wait $TPID
	TPID=
	grep -Eq '^9 0 0 1 16 keepalive - - keepalive$' "$TMP/kout"
	report $? "tunnel: keepalive ping carries the magic, pktid 1"
fi

echo "1..$n"
echo "$((n - failed)) passed, $failed failed"
[ $failed = 0 ]
