#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The nfovpn CLI against the live module: every verb, its JSON, its error
# messages and exit codes (0 ok, 1 kernel/netlink error, 2 usage error).
#
#   init netns (no instances)      netns nfocli-$$
#                                  tun0 10.8.0.1/24   instance, port 1194
#                                    |- peer 1  remote 192.0.2.2:1194
#                                    |    vpn 10.8.0.2 fd00::2
#                                    |    iroutes 10.1.0.0/24 fd00:1::/64
#                                    |    keepalive 10 3600, keys primary+secondary
#                                    '- peer 2  remote [2001:db8::2]:1194
#                                  v0 (veth, not a tun: must be refused)
#
# Control plane only, no traffic.  Ends with the leak check: `nfovpn
# status` back to the counts it started from (0/0/0 on a fresh module).

source "$(dirname "$0")/lib.sh"
need_root
need_cmd ip jq od insmod
[ -x "$NFOVPN" ] || skip_all "nfovpn not built: $NFOVPN"

NS=nfocli-$$
TMP=$(mktemp -d)
MON_PID=

cleanup() {
	[ -n "$MON_PID" ] && kill "$MON_PID" 2>/dev/null
	ip netns del "$NS" 2>/dev/null
	rm -rf "$TMP"
}
trap cleanup EXIT

nf() { ip netns exec "$NS" "$NFOVPN" "$@"; }

# exits CODE DESC CMD...: CMD must exit with CODE
exits() {
	local want=$1 desc=$2 rc
	shift 2
	"$@" >"$TMP/out" 2>"$TMP/err"
	rc=$?
	if [ "$rc" = "$want" ]; then
		tap_ok "$desc"
	else
		tap_fail "$desc (exit $rc, expected $want)"
		cat "$TMP/out" "$TMP/err" | tail -n 10 | sed 's/^/#   /'
	fi
}

# says REGEX DESC CMD...: stdout or stderr of CMD must match REGEX
says() {
	local re=$1 desc=$2
	shift 2
	"$@" >"$TMP/out" 2>"$TMP/err"
	if cat "$TMP/out" "$TMP/err" | grep -Eq -- "$re"; then
		tap_ok "$desc"
	else
		tap_fail "$desc (no match for '$re')"
		cat "$TMP/out" "$TMP/err" | tail -n 10 | sed 's/^/#   /'
	fi
}

# jq_ok FILTER DESC CMD...: CMD succeeds and its JSON satisfies FILTER
jq_ok() {
	local filter=$1 desc=$2
	shift 2
	if "$@" >"$TMP/out" 2>"$TMP/err" &&
	   jq -e "$filter" "$TMP/out" >/dev/null 2>&1; then
		tap_ok "$desc"
	else
		tap_fail "$desc (jq: $filter)"
		cat "$TMP/out" "$TMP/err" | tail -n 20 | sed 's/^/#   /'
	fi
}

hex() { od -An -tx1 -N"$1" /dev/urandom | tr -d ' \n'; }

# keyfile CIPHER KEYLEN FILE
keyfile() {
	cat >"$3" <<-KEY
	# test key, $1
	cipher $1
	encrypt-key $(hex "$2")
	encrypt-nonce-tail $(hex 8)
	decrypt-key $(hex "$2")
	decrypt-nonce-tail $(hex 8)
	KEY
}

# without CAP_NET_ADMIN: setpriv (util-linux) or capsh
nocap() {
	if command -v setpriv >/dev/null 2>&1; then
		setpriv --inh-caps=-all --bounding-set=-net_admin -- "$@"
	else
		capsh --drop=cap_net_admin -- -c '"$@"' nocap "$@"
	fi
}

# --- before the module is loaded --------------------------------------------

# an earlier test in the same guest may have left it loaded: this check
# needs it gone (rmmod fails only while something holds it)
module_loaded && rmmod nf_ovpn 2>/dev/null
if module_loaded; then
	tap_ok "family-not-found message # SKIP module in use, cannot unload"
elif modprobe -n -q nf_ovpn 2>/dev/null; then
	# an installed module is autoloaded by the family lookup itself
	tap_ok "family-not-found message # SKIP nf_ovpn is installed (autoload)"
else
	exits 1 "no module: exit 1" "$NFOVPN" status
	says 'nf_ovpn family not found: is the module loaded\? try: modprobe nf_ovpn' \
		"no module: says so and how to fix it" "$NFOVPN" status
fi

load_module || skip_all "cannot load nf_ovpn"
module_loaded || skip_all "nf_ovpn not loaded"

base=$("$NFOVPN" status --json) || base='{}'
B_INST=$(echo "$base" | jq '.instances // 0')
B_PEERS=$(echo "$base" | jq '.peers // 0')
B_KEYS=$(echo "$base" | jq '.keys // 0')

check "netns" ip netns add "$NS"
check "loopback up" ip -n "$NS" link set lo up
check "tun0 created" ip -n "$NS" tuntap add dev tun0 mode tun
check "tun0 address" ip -n "$NS" addr add 10.8.0.1/24 dev tun0
check "tun0 up" ip -n "$NS" link set tun0 up

# --- usage errors (exit 2, nothing sent) ------------------------------------

exits 2 "unknown command: exit 2" nf frobnicate
exits 2 "peer add without remote: exit 2" nf peer add tun0 1
exits 2 "bad peer id: exit 2" nf peer del tun0 16777216
exits 2 "iroute with host bits: exit 2" \
	nf peer add tun0 1 remote 192.0.2.2 1194 iroute 10.1.0.1/24
exits 0 "peer add --help: exit 0" nf peer add --help
says 'Usage: nfovpn key add' "key add --help prints its usage" nf key add --help
says '^nfovpn [0-9]' "--version" nf --version

# --- instance ---------------------------------------------------------------

check "instance add" nf instance add tun0 port 1194 local 0.0.0.0 mode server
exits 1 "instance add twice: exit 1" nf instance add tun0 port 1194
exits 1 "unknown device: exit 1" nf instance add nosuch0 port 1194
says 'device "nosuch0" does not exist' "unknown device is named" \
	nf show nosuch0
check "veth for the non-tun case" \
	ip -n "$NS" link add v0 type veth peer name v1
exits 1 "instance on a non-tun device: exit 1" nf instance add v0 port 1195
says '^nfovpn: kernel: ' "non-tun device: kernel extack printed" \
	nf instance add v0 port 1195
jq_ok '.instances | length == 0' "instance invisible from the init netns" \
	"$NFOVPN" show --json

# --- peers ------------------------------------------------------------------

# no packet ever reaches this peer: the hour-long timeout keeps the kernel
# from expiring it however slowly a loaded guest runs the steps below
check "peer 1 with iroutes and keepalive" \
	nf peer add tun0 1 remote 192.0.2.2 1194 vpn-ip 10.8.0.2 \
		vpn-ip fd00::2 iroute 10.1.0.0/24 iroute fd00:1::/64 \
		keepalive 10 3600
check "peer 2 with an IPv6 remote" \
	nf peer add tun0 2 remote 2001:db8::2 1194 vpn-ip 10.8.0.3
exits 1 "duplicate peer id: exit 1" \
	nf peer add tun0 1 remote 192.0.2.9 1194
says 'peer 1 already exists on tun0|^nfovpn: kernel: ' \
	"duplicate peer id: explained" nf peer add tun0 1 remote 192.0.2.9 1194

# --- keys: one add/get/del round per cipher, in the secondary slot ----------

for c in AES-128-GCM:16 AES-192-GCM:24 AES-256-GCM:32 CHACHA20-POLY1305:32; do
	name=${c%%:*}
	keyfile "$name" "${c##*:}" "$TMP/$name.key"
	check "key add $name" nf key add tun0 1 slot secondary key-id 3 \
		key-file "$TMP/$name.key"
	jq_ok '.key_id == 3 and .slot == "secondary" and .tx_pktid == 1' \
		"key get $name" nf key get tun0 1 slot secondary --json
	check "key del $name" nf key del tun0 1 slot secondary
done
exits 1 "key get of an empty slot: exit 1" nf key get tun0 1 slot secondary

keyfile AES-256-GCM 32 "$TMP/primary.key"
keyfile CHACHA20-POLY1305 32 "$TMP/secondary.key"
check "primary key with tx-pktid 100" nf key add tun0 1 slot primary \
	key-id 0 tx-pktid 100 rx-pktid 50 key-file "$TMP/primary.key"
check "secondary key from stdin" bash -c \
	"ip netns exec $NS $NFOVPN key add tun0 1 slot secondary key-id 1 key-file - < $TMP/secondary.key"
jq_ok ".instances == $B_INST + 1 and .peers == $B_PEERS + 2 and .keys == $B_KEYS + 2" \
	"status counts 1 instance, 2 peers, 2 keys" nf status --json

# key files: refused before the kernel sees them
printf 'cipher AES-256-GCM\nencrypt-key xyz\n' >"$TMP/bad.key"
exits 2 "bad key file: exit 2" nf key add tun0 2 slot primary key-id 0 \
	key-file "$TMP/bad.key"
says 'line 2' "bad key file: line named" nf key add tun0 2 slot primary \
	key-id 0 key-file "$TMP/bad.key"
keyfile CHACHA20-POLY1305 16 "$TMP/short.key"
exits 2 "key length wrong for the cipher: exit 2" nf key add tun0 2 \
	slot primary key-id 0 key-file "$TMP/short.key"
exits 1 "key for an unknown peer: exit 1" nf key add tun0 99 slot primary \
	key-id 0 key-file "$TMP/primary.key"

# --- show / stats -----------------------------------------------------------

says '^instance: tun0' "show: instance" nf show
says 'listening: +0\.0\.0\.0:1194' "show: listening address" nf show tun0
says 'iroutes: +10\.1\.0\.0/24, fd00:1::/64' "show: iroutes" nf show tun0
says 'keepalive: +every 10 s, timeout 3600 s' "show: keepalive" nf show tun0 1
# keepalive pings may have taken a few packet-ids after the handed-over 100
says 'key primary: +key-id 0, AES-GCM, tx packet-id 1[0-9][0-9]' "show: key slot" \
	nf show tun0 1
says 'vpn addresses: +10\.8\.0\.2, fd00::2' "show: vpn addresses" nf show tun0 1
key_hex=$(sed -n 's/^encrypt-key //p' "$TMP/primary.key")
check_not "show never prints key material" ip netns exec "$NS" bash -c \
	"{ $NFOVPN show; $NFOVPN show --json; $NFOVPN stats;
	   $NFOVPN key get tun0 1 slot primary --json; } | grep -qi $key_hex"
jq_ok '.instances[0].ifname == "tun0" and (.instances[0].peers | length) == 2' \
	"show --json" nf show --json
jq_ok '.instances[0].peers[0].iroutes == ["10.1.0.0/24", "fd00:1::/64"]' \
	"show --json: iroutes" nf show tun0 --json
jq_ok '.instances[0].peers[0] | .keepalive_interval == 10 and .keepalive_timeout == 3600 and (.keys | length) == 2' \
	"show --json: keepalive and keys" nf show tun0 --json
jq_ok '.instances[0].peers | map(.id) == [2]' "show DEV PEER-ID: one peer" \
	nf show tun0 2 --json
jq_ok '.instances[0].peers[1].remote_address == "2001:db8::2"' \
	"show --json: IPv6 remote" nf show tun0 --json
jq_ok '.instances[0].stats.rx_packets >= 0 and .instances[0].peers[0].stats.drop_replay >= 0' \
	"stats --json" nf stats --json
says '^tun0 - rx_packets [0-9]+$' "stats: one counter per line" nf stats tun0
says '^tun0 1 drop_auth [0-9]+$' "stats: peer counters" nf stats tun0 1
says '^nf_ovpn_drops_total\{instance="tun0",peer="1",reason="auth"\} [0-9]+$' \
	"stats --prometheus: per-peer drops by reason" nf stats --prometheus
prom_parses() {
	nf stats --prometheus >"$TMP/stats.prom" &&
	/usr/bin/python3 "$TOP/genl-tool/tests/prom_parse.py" --live "$TMP/stats.prom"
}
if /usr/bin/python3 -c 'import prometheus_client' 2>/dev/null; then
	check "stats --prometheus: Prometheus' own parser takes it" prom_parses
else
	tap_ok "stats --prometheus parsed # SKIP python3-prometheus-client not installed"
fi
exits 1 "show of an unknown peer: exit 1" nf show tun0 99
says 'no such peer 99 on tun0' "show of an unknown peer: named" nf show tun0 99

# --- key swap / del ---------------------------------------------------------

jq_ok '.tx_pktid >= 100 and .rx_pktid == 50' "key get: handed-over packet-ids" \
	nf key get tun0 1 slot primary --json
check "key swap" nf key swap tun0 1
jq_ok '.key_id == 1' "key swap: key-id 1 is primary" \
	nf key get tun0 1 slot primary --json
says 'tun0 peer 1 slot secondary: key-id 0, AES-GCM, tx-pktid [0-9]+, rx-pktid 50' \
	"key del prints the handed-back packet-ids" \
	nf key del tun0 1 slot secondary

# --- peer set ---------------------------------------------------------------

check "peer set: keepalive and iroutes" \
	nf peer set tun0 1 keepalive 5 30 iroute 10.2.0.0/16
jq_ok '.instances[0].peers[0] | .iroutes == ["10.2.0.0/16"] and .keepalive_timeout == 30 and .vpn_ipv4 == "10.8.0.2"' \
	"peer set replaced the iroutes, kept the rest" nf show tun0 1 --json
check "peer set: new remote" nf peer set tun0 1 remote 192.0.2.7 1195
jq_ok '.instances[0].peers[0] | .remote_address == "192.0.2.7" and .remote_port == 1195' \
	"peer set: remote changed" nf show tun0 1 --json
exits 1 "peer set of an unknown peer: exit 1" nf peer set tun0 99 keepalive 1 2

# --- monitor ----------------------------------------------------------------

# not through nf(): $! must be nfovpn itself (ip netns exec execs it)
ip netns exec "$NS" "$NFOVPN" monitor --json >"$TMP/mon" 2>"$TMP/mon.err" &
MON_PID=$!
sleep 1
check "peer del (with the monitor listening)" nf peer del tun0 2
sleep 1
kill -INT "$MON_PID"
wait "$MON_PID"
mon_rc=$?
MON_PID=
check_eq "monitor exits 0 on SIGINT" 0 "$mon_rc"
check "monitor saw the PEER_DEL_NTF" \
	jq -e -s 'map(select(.event == "peer_del" and .peer_id == 2 and .ifname == "tun0")) | length == 1' "$TMP/mon"
check "monitor --json lines all parse" jq -e . "$TMP/mon"

# --- error paths ------------------------------------------------------------

exits 1 "peer del of an unknown peer: exit 1" nf peer del tun0 99
says 'no such peer 99 on tun0' "unknown peer: named" nf peer del tun0 99
if command -v setpriv >/dev/null 2>&1 || command -v capsh >/dev/null 2>&1; then
	exits 1 "without CAP_NET_ADMIN: exit 1" \
		ip netns exec "$NS" bash -c "$(declare -f nocap); nocap $NFOVPN peer add tun0 3 remote 192.0.2.3 1194"
	says 'CAP_NET_ADMIN' "without CAP_NET_ADMIN: says so" \
		ip netns exec "$NS" bash -c "$(declare -f nocap); nocap $NFOVPN peer add tun0 3 remote 192.0.2.3 1194"
else
	tap_ok "EPERM checks # SKIP neither setpriv nor capsh"
fi

# --- teardown and leak check ------------------------------------------------

check "peer del 1 (keys handed back or not)" nf peer del tun0 1
check "instance del" nf instance del tun0
exits 1 "instance del twice: exit 1" nf instance del tun0
says 'no nf_ovpn instance on tun0' "missing instance: named" \
	nf instance del tun0
jq_ok ".instances == $B_INST and .peers == $B_PEERS and .keys == $B_KEYS" \
	"status back to where it started (leak check)" "$NFOVPN" status --json
says '^instances: +[0-9]+$' "status: human output" "$NFOVPN" status

tap_done
