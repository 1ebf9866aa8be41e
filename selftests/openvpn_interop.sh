#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The patched OpenVPN server (--nf-fastpath, dual-stack --proto udp6)
# against several stock, unmodified Debian OpenVPN 2.6.14 clients at once.
#
#  netns lan (LAN behind the server)        netns lan3 (iroute LAN behind c3)
#  lan1 10.70.0.2 fd00:70::2                lan1 10.60.0.2 fd00:60::2
#   |                                         |
#  lan0 10.70.0.1 fd00:70::1                 lan0 10.60.0.1 fd00:60::1
#  netns srv: patched openvpn --nf-fastpath   netns c3 (ip_forward on)
#   tun0 10.8.0.1/24 fd00:8::1/64, ip_forward on, nf_ovpn instance :1194
#   br0 192.0.2.1/24 2001:db8::1/64   <- tcpdump for the whole run
#    |-- c1 192.0.2.11  AES-128-GCM        IPv4 transport   VPN 10.8.0.11
#    |-- c2 2001:db8::12 AES-256-GCM       IPv6 transport   VPN 10.8.0.12
#    |-- c3 192.0.2.13  CHACHA20-POLY1305  IPv4, iroute 10.60.0.0/24, fd00:60::/64
#    |-- c4 192.0.2.14  AES-256-GCM        the 20 MiB transfer, --reneg-sec 15
#    |-- c5 192.0.2.15  CHACHA20-POLY1305  floats (SNAT in its netns), --reneg-bytes
#    `-- c6 192.0.2.16  AES-256-GCM        stock client with ovpn-dco-v2
#  (VPN IPv6 fd00:8::1N; c1..c5 run --disable-dco)
#
# All client traffic between clients and LANs is routed by the server
# netns' kernel (no --client-to-client), so nf_ovpn must carry it both
# ways.  The server's outer packets are captured for the whole run and
# tools/pdata-nonces.py checks that no (destination, key-id, packet-id)
# the server sent repeats within one key (a key starts with a reset the
# server sends): the AEAD nonce must never repeat.
#
# c5 floats: userspace OpenVPN never sees the data packet that would float
# the client (the kernel takes it), so it must follow nf_ovpn's PEER_FLOAT
# notification, or the client's next soft reset from the new port finds
# no instance.

source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/openvpn_lib.sh"

need_cmd tcpdump python3 nft conntrack sha256sum
PY=$(command -v python3)
NONCES="$PY $SELFTESTS/tools/pdata-nonces.py"
XFER_MIB=${XFER_MIB:-20}
SRV6=2001:db8::1
ALL="c1 c2 c3 c4 c5 c6"
CLIENTS="c1 c2 c3 c5 c6"	# c4 comes later, for the transfer
declare -A CIPHER=([c1]=AES-128-GCM [c2]=AES-256-GCM [c3]=CHACHA20-POLY1305
		   [c4]=AES-256-GCM [c5]=CHACHA20-POLY1305 [c6]=AES-256-GCM)
declare -A PID=()
DUMP_PID=''
DCO=0
T_START=$SECONDS

interop_cleanup() {
	local c p
	if [ -n "${INTEROP_KEEP:-}" ]; then	# a directory for the logs and the capture
		mkdir -p "$INTEROP_KEEP" && cp "$TMP"/*.log "$TMP"/*.pcap "$TMP/nonces" "$INTEROP_KEEP"/ 2>/dev/null
	fi
	for c in "${!PID[@]}"; do
		p=${PID[$c]}
		kill -CONT "$p" 2>/dev/null
		kill -9 "$p" 2>/dev/null && wait "$p" 2>/dev/null
	done
	[ -n "$DUMP_PID" ] && kill "$DUMP_PID" 2>/dev/null && wait "$DUMP_PID" 2>/dev/null
	for c in $ALL lan lan3; do
		ip netns del $c 2>/dev/null
	done
	cleanup	# openvpn_lib.sh: server, srv netns, $TMP
}
trap interop_cleanup EXIT

n() { echo "${1#c}"; }		# c3 -> 3
vpn4() { echo "10.8.0.1$(n "$1")"; }
vpn6() { echo "fd00:8::1$(n "$1")"; }

# mk_lan NS ROUTER NET4 NET6: netns NS with lan1 NET4.2/24 NET6::2/64,
# joined to ROUTER's lan0 (NET4.1, NET6::1), which is its default route
mk_lan() {
	local lan=$1 r=$2 v4=$3 v6=$4
	ip netns add "$lan" || return 1
	ip -n "$lan" link set lo up
	ip link add lan0 netns "$r" type veth peer name lan1 netns "$lan" || return 1
	ip -n "$r" addr add "$v4.1/24" dev lan0
	ip -n "$r" addr add "$v6::1/64" dev lan0 nodad
	ip -n "$r" link set lan0 up
	ip -n "$lan" addr add "$v4.2/24" dev lan1
	ip -n "$lan" addr add "$v6::2/64" dev lan1 nodad
	ip -n "$lan" link set lan1 up
	ip -n "$lan" route add default via "$v4.1" &&
	ip -n "$lan" -6 route add default via "$v6::1"
}

echo "# [${SECONDS}s]"
# --- topology ------------------------------------------------------------------
topology() {
	local c i
	ip netns add srv || return 1
	ip -n srv link set lo up
	ip -n srv link add br0 type bridge || return 1
	ip -n srv addr add $SRV4/24 dev br0
	ip -n srv addr add $SRV6/64 dev br0 nodad
	ip -n srv link set br0 up
	ns srv sysctl -qw net.ipv4.ip_forward=1 net.ipv6.conf.all.forwarding=1 || return 1
	for c in $ALL; do
		i=$(n $c)
		ip netns add $c || return 1
		ip -n $c link set lo up
		ip link add v$c netns srv type veth peer name eth0 netns $c || return 1
		ip -n srv link set v$c master br0 up
		ip -n $c addr add 192.0.2.1$i/24 dev eth0
		ip -n $c addr add 2001:db8::1$i/64 dev eth0 nodad
		ip -n $c link set eth0 up
	done
	# the LAN behind the server, and the one behind client c3 (its iroute)
	mk_lan lan srv 10.70.0 fd00:70 || return 1
	mk_lan lan3 c3 10.60.0 fd00:60 || return 1
	ns c3 sysctl -qw net.ipv4.ip_forward=1 net.ipv6.conf.all.forwarding=1
}

# fixed VPN addresses per certificate name; c3 owns the LAN behind it
write_ccd() {
	local c d=$TMP/ccd
	mkdir -p $d
	for c in $ALL; do
		printf 'ifconfig-push %s 255.255.255.0\nifconfig-ipv6-push %s/64 %s\n' \
			"$(vpn4 $c)" "$(vpn6 $c)" "$VPN6_S" >$d/$c
	done
	printf 'iroute 10.60.0.0 255.255.255.0\niroute-ipv6 fd00:60::/64\n' >>$d/c3
}

# start_stock CLIENT [OPTION...]: the stock client, in the background
start_stock() {
	local c=$1 p=$TMP/pki proto=udp remote=$SRV4
	shift
	[ $c = c2 ] && proto=udp6 remote=$SRV6
	ip netns exec $c "$OVPN_CLI" --client --dev tun0 --dev-type tun \
		--proto $proto --remote $remote $PORT --nobind \
		--ca "$p/ca.crt" --cert "$p/$c.crt" --key "$p/$c.key" \
		--remote-cert-tls server --data-ciphers "${CIPHER[$c]}" \
		--verb 3 "$@" >"$TMP/$c.log" 2>&1 &
	PID[$c]=$!
}

connected() { grep -q "Initialization Sequence Completed" "$TMP/$1.log"; }

# the kernel's view of the peer with VPN address $1: field $2 (or stats.$2)
pfield() {
	nfo --json show tun0 | jq -r --arg ip "$1" --arg f "$2" \
		'.instances[0].peers[] | select(.vpn_ipv4 == $ip) | .[$f] // .stats[$f] // empty'
}
pstat() { pfield "$(vpn4 "$1")" "$2"; }
peer_id_of() {	# from the server's "offloaded" line
	sed -n "s|.*nf-fastpath: $1/.* offloaded (peer-id \([0-9]*\),.*|\1|p" \
		"$TMP/srv.log" | tail -n 1
}

# counters SPEC: "CLIENT:COUNTER..." -> their values, one nfovpn call
counters() {
	local cv q=''
	for cv in $1; do
		q+="(.[] | select(.vpn_ipv4 == \"$(vpn4 "${cv%%:*}")\") | .stats.${cv#*:}), "
	done
	nfo --json show tun0 | jq -r ".instances[0].peers | [${q%, }] | map(tostring) | join(\" \")"
}

# rises DESC "CLIENT:COUNTER..." CMD...: CMD succeeds and raises each counter
rises() {
	local desc=$1 spec=$2 cv c k before=() after=() i=0 bad='' out
	shift 2
	read -r -a before < <(counters "$spec")
	if ! out=$("$@" 2>&1); then
		tap_fail "$desc (command failed)"
		printf '%s\n' "$out" | tail -n 5 | sed 's/^/#   /'
		return
	fi
	read -r -a after < <(counters "$spec")
	for cv in $spec; do
		c=${cv%%:*} k=${cv#*:}
		if ! [ "${after[i]:-0}" -gt "${before[i]:-0}" ] 2>/dev/null; then
			bad+=" $c.$k ${before[i]}->${after[i]}"
		fi
		i=$((i + 1))
	done
	if [ -z "$bad" ]; then
		tap_ok "$desc"
	else
		tap_fail "$desc (not carried by the kernel:$bad)"
	fi
}

pings() {	# pings NS [-6] DEST
	local n=$1
	shift
	ns $n ping -c 3 -i 0.3 -W 3 "$@"
}

dump_all() {
	local c
	echo "# --- server log (tail)"
	tail -n 60 "$TMP/srv.log" | sed 's/^/#   /'
	for c in $ALL; do
		[ -f "$TMP/$c.log" ] || continue
		echo "# --- $c log (tail)"
		tail -n 12 "$TMP/$c.log" | sed 's/^/#   /'
	done
	nfo show 2>&1 | sed 's/^/#   /'
}

# ================================================================================
load_module || skip_all "cannot load nf_ovpn"
for m in nf_nat nft_chain_nat nf_conntrack_netlink bridge; do
	modprobe -q $m || true
done

check "certificates for six clients" gen_certs $ALL
check "topology: server, 6 clients, 2 LANs" topology
write_ccd

ns srv tcpdump -i br0 -U -s 128 -B 16384 -w "$TMP/outer.pcap" udp port $PORT \
	>"$TMP/tcpdump.log" 2>&1 &
DUMP_PID=$!
wait_for 10 grep -q "listening on" "$TMP/tcpdump.log" ||
	echo "# tcpdump did not say it listens: $(cat "$TMP/tcpdump.log")"

# dual stack: udp6 bound to :: takes IPv4 clients as v4-mapped addresses
# --hand-window 30: OpenVPN (either end) may keep sending with the old key
# until the new key is hand-window seconds old (tls_select_encryption_key),
# 60 s by default; shorter, so the kernel sends with renegotiated keys
# within c4's life.  Not shorter: handshakes under the 20 MiB load in TCG
# took more than 10 and once more than 20 s.
if ! start_server --proto udp6 --hand-window 30 --client-config-dir "$TMP/ccd" \
	--route 10.60.0.0 255.255.255.0 --route-ipv6 fd00:60::/64 \
	--push "route 10.70.0.0 255.255.255.0" --push "route-ipv6 fd00:70::/64" \
	--push "route 10.60.0.0 255.255.255.0" --push "route-ipv6 fd00:60::/64"; then
	tap_fail "patched server started (udp6, dual stack)"
	dump_all
	tap_done
	exit 1
fi
tap_ok "patched server started (udp6, dual stack)"
check "server's nf_ovpn instance: port $PORT, no local address (dual stack)" \
	bash -c "ip netns exec srv $NFOVPN --json show tun0 | jq -e '.instances[0] |
		select(.local_port == $PORT and .local_ipv4 == null and .local_ipv6 == null)'"

echo "# [${SECONDS}s]"
# --- 1. six stock clients at once ---------------------------------------------------
if modprobe ovpn-dco-v2 2>"$TMP/dco.err" && [ -d /sys/module/ovpn_dco_v2 ]; then
	DCO=1
else
	echo "# ovpn-dco-v2 cannot be loaded in the guest: $(cat "$TMP/dco.err")"
fi

# c3 must not route its own LAN into the tunnel.  c5 renegotiates after
# 256 KiB, triggered by an upload after its float (the stock client checks
# --reneg-bytes only when its TLS timer runs, but within the hand-window).
start_stock c1 --disable-dco
start_stock c2 --disable-dco
start_stock c3 --disable-dco --pull-filter ignore "route 10.60." \
	--pull-filter ignore "route-ipv6 fd00:60:"
start_stock c5 --disable-dco --reneg-bytes 262144 --hand-window 20
if [ $DCO = 1 ]; then
	start_stock c6
else
	CLIENTS="c1 c2 c3 c5"
fi
UP=()
for c in $CLIENTS; do
	if wait_for 90 connected $c; then
		UP+=("$c")
		tap_ok "$c (${CIPHER[$c]}) connected"
	else
		tap_fail "$c (${CIPHER[$c]}) connected"
	fi
done
for c in $CLIENTS; do
	check "$c: server offloaded it (${CIPHER[$c]})" wait_for 10 grep -q \
		"nf-fastpath: $c/.* offloaded (peer-id .*, cipher ${CIPHER[$c]})" "$TMP/srv.log"
	check "$c: nfovpn lists it with its VPN addresses and a primary key" \
		wait_for 10 bash -c "ip netns exec srv $NFOVPN --json show tun0 | jq -e '
			.instances[0].peers[] | select(.vpn_ipv4 == \"$(vpn4 $c)\" and
			.vpn_ipv6 == \"$(vpn6 $c)\") | .keys[] | select(.slot == \"primary\")'"
done
check_eq "nfovpn lists ${#UP[@]} peers at once" "${#UP[@]}" "$(npeers)"
[ ${#UP[@]} -ge 4 ] && tap_ok "four or more stock clients at once (${UP[*]})" ||
	tap_fail "four or more stock clients at once (${UP[*]})"

echo "# [${SECONDS}s]"
# --- 2. transport IPv4 and IPv6, inner IPv4 and IPv6 ---------------------------
check "c2: the kernel peer's endpoint is IPv6 ($SRV6 <- 2001:db8::12)" \
	test "$(pstat c2 remote_address)" = 2001:db8::12
check "c1: v4 client on the udp6 socket is an IPv4 endpoint in the kernel" \
	test "$(pstat c1 remote_address)" = 192.0.2.11
for c in $CLIENTS; do
	rises "$c -> server ping, IPv4 inside" "$c:rx_packets $c:tx_packets" \
		pings $c $VPN4_S
	rises "$c -> server ping, IPv6 inside" "$c:rx_packets $c:tx_packets" \
		pings $c -6 $VPN6_S
done
rises "server -> c2 ping, IPv6 inside over IPv6 transport" "c2:tx_packets c2:rx_packets" \
	pings srv -6 "$(vpn6 c2)"

echo "# [${SECONDS}s]"
# --- 8. the ovpn-dco client -----------------------------------------------------
if [ $DCO = 1 ]; then
	grep -iE 'dco' "$TMP/c6.log" | head -n 5 | sed 's/^/# c6: /'
	check "c6: stock client uses ovpn-dco (log and device type)" bash -c "
		grep -qE 'DCO version: [0-9v]|type ovpn-dco' '$TMP/c6.log' &&
		! grep -q 'disabling data channel offload' '$TMP/c6.log' &&
		ip -n c6 -d link show tun0 | grep -q ovpn-dco"
	rises "c6 (ovpn-dco) <-> c1 through the server's fast path" \
		"c6:rx_packets c1:tx_packets c1:rx_packets c6:tx_packets" \
		pings c6 "$(vpn4 c1)"
else
	tap_ok "stock client with ovpn-dco # SKIP ovpn-dco-v2 not loadable in the guest"
fi

echo "# [${SECONDS}s]"
# --- 3. client to client, LAN behind the server, iroute LAN behind c3 ----------
check "server netns forwards (ip_forward=1)" \
	test "$(ns srv sysctl -n net.ipv4.ip_forward)" = 1
rises "c1 -> c2 (client to client, IPv4), both peers' counters" \
	"c1:rx_packets c2:tx_packets c2:rx_packets c1:tx_packets" pings c1 "$(vpn4 c2)"
rises "c2 -> c1 (client to client, IPv6), both peers' counters" \
	"c2:rx_packets c1:tx_packets c1:rx_packets c2:tx_packets" pings c2 -6 "$(vpn6 c1)"
rises "c1 -> LAN behind the server (pushed route), IPv4" \
	"c1:rx_packets c1:tx_packets" pings c1 10.70.0.2
rises "c1 -> LAN behind the server (pushed route), IPv6" \
	"c1:rx_packets c1:tx_packets" pings c1 -6 fd00:70::2
rises "LAN behind the server -> c1, IPv4" "c1:tx_packets c1:rx_packets" \
	pings lan "$(vpn4 c1)"
rises "LAN behind the server -> c2, IPv6" "c2:tx_packets c2:rx_packets" \
	pings lan -6 "$(vpn6 c2)"
rises "server -> iroute LAN behind c3, IPv4" "c3:tx_packets c3:rx_packets" \
	pings srv 10.60.0.2
rises "server -> iroute LAN behind c3, IPv6" "c3:tx_packets c3:rx_packets" \
	pings srv -6 fd00:60::2
rises "LAN behind the server -> iroute LAN behind c3" \
	"c3:tx_packets c3:rx_packets" pings lan 10.60.0.2
rises "iroute LAN behind c3 -> c1 (client's LAN to client)" \
	"c3:rx_packets c1:tx_packets c1:rx_packets c3:tx_packets" \
	pings lan3 "$(vpn4 c1)"
rises "c2 -> iroute LAN behind c3, IPv6" \
	"c2:rx_packets c3:tx_packets c3:rx_packets c2:tx_packets" \
	pings c2 -6 fd00:60::2

echo "# [${SECONDS}s]"
# --- 6. client float (c5 changes its source port) --------------------------------
C5_PORT0=$(pstat c5 remote_port)
C5_ID=$(peer_id_of c5)
FLOAT_LINE=$(($(wc -l <"$TMP/srv.log") + 1))
cat >"$TMP/float.nft" <<EOF
table ip float {
	chain post {
		type nat hook postrouting priority srcnat;
		udp dport $PORT snat to 192.0.2.15:40000
	}
	# after the flush, the server's next keepalive would create an
	# inbound conntrack that the client's packets then match un-NATed:
	# only the client may open the new flow
	chain in {
		type filter hook input priority filter;
		ip saddr $SRV4 udp sport $PORT ct state new drop
	}
}
EOF
check "c5: SNAT to a new source port, conntrack flushed" \
	bash -c "ip netns exec c5 nft -f '$TMP/float.nft' && ip netns exec c5 conntrack -F"
rises "c5 -> server ping after the float" "c5:rx_packets c5:tx_packets" \
	pings c5 $VPN4_S
check "c5: the kernel peer followed it (port $C5_PORT0 -> 40000)" \
	test "$(pstat c5 remote_port)" = 40000
rises "server -> c5 ping after the float" "c5:tx_packets c5:rx_packets" \
	pings srv "$(vpn4 c5)"
# 512 KiB through c5 crosses its --reneg-bytes: a renegotiation after the
# float, over the control channel that userspace OpenVPN must follow to the
# new port
check "c5: 512 KiB upload after the float, sha256 equal" \
	xfer c5 srv $VPN4_S 524288

echo "# [${SECONDS}s]"
# --- 4. 20 MiB across renegotiations, the kernel carried > 99% ---------------------
# Method: the outer capture runs all along with pcap timestamps from the
# guest's clock.  Around the transfer we read c4's kernel counters at T0
# and T1 and count, in the capture, the P_DATA packets (any key-id) between
# the server's port and c4's endpoint in [T0, T1].  Everything the kernel
# did not carry was sent or received by userspace OpenVPN and is in the
# capture too, so kernel tx / captured to-c4 and kernel rx / captured
# from-c4 are the fast path's shares.  (Keepalive pings are P_DATA on the
# wire and counted by the kernel as well.)
# c4 joins now, the sixth client: it renegotiates every 15 s (a stock
# client checks --reneg-bytes too lazily to rely on it), and lives about a
# minute before it is stopped: fewer than 7 renegotiations, checked below.
# It moves its sending to a new key min(hand-window, reneg-sec/2) = 7 s
# after each renegotiation began; the server when its userspace promotes
# the key (seen from at once to a minute later).
start_stock c4 --disable-dco --reneg-sec 15 --hand-window 30
if wait_for 90 connected c4; then
	tap_ok "c4 (${CIPHER[c4]}) connected, the sixth client"
else
	tap_fail "c4 (${CIPHER[c4]}) connected, the sixth client"
fi
CLIENTS+=" c4"
check "c4: server offloaded it (${CIPHER[c4]})" wait_for 10 grep -q \
	"nf-fastpath: c4/.* offloaded (peer-id .*, cipher ${CIPHER[c4]})" "$TMP/srv.log"
check_eq "nfovpn lists $(wc -w <<<"$CLIENTS") peers at once" "$(wc -w <<<"$CLIENTS")" "$(npeers)"
rises "c4 -> server ping, IPv4 inside" "c4:rx_packets c4:tx_packets" pings c4 $VPN4_S
C4_EP="$(pstat c4 remote_address):$(pstat c4 remote_port)"
C4_ID=$(peer_id_of c4)
KEYS_C4="nf-fastpath: peer-id $C4_ID: key-id [0-7] .* in the kernel"
REN0=$(grep -c "$KEYS_C4" "$TMP/srv.log")
T0=$(date +%s.%N)
TX0=$(pstat c4 tx_packets) RX0=$(pstat c4 rx_packets)
RXS0=$(pstat c4 rx_slow_packets)
T_X=$SECONDS
# from the LAN behind the server: forwarded by the server's kernel
XFER_TIMEOUT=300
check "$XFER_MIB MiB LAN -> c4, sha256 equal on both ends" \
	xfer lan c4 "$(vpn4 c4)" $((XFER_MIB << 20))
XFER_TIMEOUT=
TX1=$(pstat c4 tx_packets) RX1=$(pstat c4 rx_packets)
RXS1=$(pstat c4 rx_slow_packets)
T1=$(date +%s.%N)
echo "# $XFER_MIB MiB took $((SECONDS - T_X)) s"
REN=$(($(grep -c "$KEYS_C4" "$TMP/srv.log") - REN0))
check "c4 renegotiated during the transfer ($REN new keys in the kernel)" test "$REN" -ge 1

# both ends move their data to the new key hand-window (20 s) after the
# renegotiation began: the kernel must decrypt c4's packets with it, and
# the server must hand its sending to the kernel's new key (key swap)
c4key() {
	nfo --json show tun0 | jq -e --arg ip "$(vpn4 c4)" \
		".instances[0].peers[] | select(.vpn_ipv4 == \$ip) | .keys[] | select($1)"
}
check "c4: the kernel decrypts c4's data under a renegotiated key" \
	wait_for 40 c4key '.key_id != 0 and .rx_pktid > 0'
check "c4: the kernel sends to c4 with a renegotiated key (primary slot)" \
	wait_for 60 c4key '.slot == "primary" and .key_id != 0 and .tx_pktid > 1'
nfo --json show tun0 | jq -c --arg ip "$(vpn4 c4)" '.instances[0].peers[] |
	select(.vpn_ipv4 == $ip) | .keys[]' | sed 's/^/# c4 key: /'

echo "# [${SECONDS}s]"
# --- 7. c4 stopped silently: the server expires it --------------------------------
C4_RXSLOW=$(pstat c4 rx_slow_packets)
EXPIRE_LINE=$(($(wc -l <"$TMP/srv.log") + 1))
kill -STOP "${PID[c4]}"

# 4. (cont.) the capture, while c4's expiry runs
sleep 1		# tcpdump -U has written all of [T0, T1]
$NONCES --server-port $PORT --server $SRV4 --server $SRV6 \
	--count "$C4_EP,$T0,$T1" "$TMP/outer.pcap" >"$TMP/xfer.count" 2>&1
read -r CAP_TO CAP_FROM < <(awk '/^count /{print $4, $6}' "$TMP/xfer.count")
DTX=$((${TX1:-0} - ${TX0:-0})) DRX=$((${RX1:-0} - ${RX0:-0}))
echo "# c4 $C4_EP in the transfer: kernel tx $DTX rx $DRX; capture to c4 ${CAP_TO:-?} from c4 ${CAP_FROM:-?}"
echo "# c4 slow-path counters: tx_slow $(pstat c4 tx_slow_packets) rx_slow $(pstat c4 rx_slow_packets)"
check "capture saw the transfer (>= 10000 P_DATA to c4)" test "${CAP_TO:-0}" -ge 10000
check "kernel sent > 99% of P_DATA to c4 ($DTX of ${CAP_TO:-?})" \
	test $((DTX * 100)) -gt $((${CAP_TO:-0} * 99))
# From c4 come the transfer's ACKs.  Some arrive under a key the kernel
# does not hold (yet or any more) and go to userspace (rx_slow): OpenVPN
# 2.6 generates a renegotiated key when its handshake completes, the
# client a moment before the server, and a client whose new key is older
# than its hand-window sends with it at once (TCG handshakes take
# seconds); and a third overlapping key pushes the oldest out of the
# kernel's two slots (as with DCO).  Seen at 0.2-1.6% of the ACKs in one
# guest, and up to 10% with two guests sharing the host's two cores (the
# server's handshake then lags the client's by a second or more, about
# 100 ACKs per renegotiation; the same with the patch series before the
# replay fix, so it is OpenVPN's timing, not the module).  What the server
# has no key for yet is dropped as stock OpenVPN does; the strict count
# is the next check.
DRXS=$((${RXS1:-0} - ${RXS0:-0}))
check "kernel received > 85% of P_DATA from c4 ($DRX of ${CAP_FROM:-?}, to userspace $DRXS)" \
	test $((DRX * 100)) -gt $((${CAP_FROM:-0} * 85)) -a "${CAP_FROM:-0}" -gt 0
check "kernel + userspace took > 99.5% of P_DATA from c4 ($((DRX + DRXS)) of ${CAP_FROM:-?})" \
	test $(((DRX + DRXS) * 1000)) -gt $((${CAP_FROM:-0} * 995))
echo "# key-ids in the transfer: to c4 $(awk '/^count /{print $8}' "$TMP/xfer.count")," \
	"from c4 $(awk '/^count /{print $10}' "$TMP/xfer.count")"

echo "# [${SECONDS}s]"
# --- 6. (cont.) the renegotiation after the float ------------------------------------
# the new key shows up in the server log as installed in the kernel for
# c5's peer-id, after the float
check "c5: renegotiation after the float: new key in the kernel (peer-id $C5_ID)" \
	wait_for 5 srv_log_has $FLOAT_LINE "nf-fastpath: peer-id $C5_ID: key-id [1-7] .* in the kernel"
if ! srv_log_has $FLOAT_LINE "nf-fastpath: peer-id $C5_ID: key-id [1-7] .* in the kernel"; then
	echo "# c5 after the float, server log:"
	tail -n +$FLOAT_LINE "$TMP/srv.log" | grep -E "c5/|peer-id $C5_ID|40000" | tail -n 15 | sed 's/^/#   /'
	echo "# c5 log:"
	tail -n 15 "$TMP/c5.log" | sed 's/^/#   /'
	echo "# the kernel's peers:"
	nfo show tun0 2>&1 | sed 's/^/#   /'
fi
rises "c5 -> server ping after its renegotiation" "c5:rx_packets c5:tx_packets" \
	pings c5 $VPN4_S

echo "# [${SECONDS}s]"
# --- 7. (cont.) --------------------------------------------------------------
check "c4 (stopped): server expired it (--ping-restart)" \
	wait_for 45 srv_log_has $EXPIRE_LINE "c4/.*Inactivity timeout (--ping-restart)"
check "c4: its kernel peer is gone" \
	wait_for 10 bash -c "! ip netns exec srv $NFOVPN --json show tun0 | jq -e '.instances[0].peers[] | select(.vpn_ipv4 == \"$(vpn4 c4)\")'"
N=$(grep -c "$KEYS_C4" "$TMP/srv.log")
check "c4's key-ids did not wrap over its life ($N keys, <= 7 per the capture's check)" \
	test "$N" -le 7
# c5 is left out: what happens to it after its float is checked above
check "no other client was expired" bash -c "! tail -n +$EXPIRE_LINE '$TMP/srv.log' |
	grep 'Inactivity timeout' | grep -v -e 'c4/' -e 'c5/'"
for c in $CLIENTS; do
	[ $c = c4 ] || [ $c = c5 ] && continue
	rises "$c unaffected: ping the server" "$c:rx_packets $c:tx_packets" pings $c $VPN4_S
done

echo "# [${SECONDS}s]"
# --- 5. nonces: no (destination, key-id, packet-id) sent twice ---------------------
kill "$DUMP_PID" 2>/dev/null && wait "$DUMP_PID" 2>/dev/null
DUMP_PID=''
grep -E "captured|dropped" "$TMP/tcpdump.log" | sed 's/^/# tcpdump: /'
$NONCES --server-port $PORT --server $SRV4 --server $SRV6 "$TMP/outer.pcap" >"$TMP/nonces" 2>&1
rc=$?
sed 's/^/# /' "$TMP/nonces" | head -n 25
check_eq "no repeated AEAD nonce in the server's data packets" 0 $rc
check "the capture holds server-sent P_DATA to every client" bash -c "
	[ \$(grep -c '^dest ' '$TMP/nonces') -ge ${#UP[@]} ]"
# TX: the server moves to the new key hand-window seconds after the
# renegotiation began, at the client instance's next wakeup in userspace
# RX: the client moves to the new key 20 s after the renegotiation began
C4_KIDS=$(awk -v d="dest $C4_EP" '$1 " " $2 == d {print $4}' "$TMP/nonces")
C4_RKIDS=$(awk -v d="src $C4_EP" '$1 " " $2 == d {print $4}' "$TMP/nonces")
check "the kernel sent to c4 with more than one key (key-ids ${C4_KIDS:-?})" \
	bash -c "[[ '$C4_KIDS' == *,* ]]"
check "c4 sent with more than one key (key-ids ${C4_RKIDS:-?}; kernel rx_slow ${C4_RXSLOW:-?})" \
	bash -c "[[ '$C4_RKIDS' == *,* ]]"
grep -E "peer-id $C4_ID: (key-id .* in the kernel|swapping keys)" "$TMP/srv.log" |
	cut -d' ' -f2,5- | sed 's/^/# c4 keys: /'
check "pdata-nonces.py self-test (crafted pcaps with repeated nonces)" $NONCES --selftest
check_not "pdata-nonces.py catches a repeated packet in the real capture" \
	$NONCES --server-port $PORT --server $SRV4 --server $SRV6 --duplicate-one "$TMP/outer.pcap"

echo "# packets userspace would have sent with an offloaded key:" \
	"$(grep -c 'nf-fastpath: dropping a packet' "$TMP/srv.log")"

echo "# [${SECONDS}s]"
# --- 9. the end: clients, then the server, leave nothing behind ---------------------
for c in "${!PID[@]}"; do
	kill -CONT "${PID[$c]}" 2>/dev/null
	kill "${PID[$c]}" 2>/dev/null && wait "${PID[$c]}" 2>/dev/null
	unset "PID[$c]"
done
kill "$SRV_PID" && wait "$SRV_PID" 2>/dev/null
SRV_PID=''
check "server stopped: nfovpn status counts 0" \
	wait_for 10 bash -c "[ \"\$($NFOVPN status --json | jq -r '.instances+.peers+.keys')\" = 0 ]"
check "server log has no nf-fastpath warning" bash -c "! grep -E 'nf-fastpath: .*(failed|cannot)' '$TMP/srv.log'"
[ $DCO = 1 ] && rmmod ovpn_dco_v2 2>/dev/null

echo "# openvpn_interop.sh took $((SECONDS - T_START)) s"
[ "$__tap_fail" = 0 ] || dump_all
tap_done
