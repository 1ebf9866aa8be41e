#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# One network namespace's nf_ovpn state is invisible and untouchable from
# another; a process without CAP_NET_ADMIN over a namespace (a user
# without it, or root of an unprivileged user namespace that does not own
# the netns) can neither read nor change its peers and keys nor hear its
# notifications; and key material never leaves the kernel: not in a dump,
# a reply, a notification, the CLI's output or the kernel log.
#
#   ns iA: tun0 [instance :1194] -- peer 1 (key K), peer 2
#   ns iB: tun0, no instance       (root of another netns)
#   unshare -Urn                   (a user namespace with a netns of its own)
#   unshare -Ur, in iA             (a user namespace, iA's netns not its own)

source "$(dirname "$0")/lib.sh"
need_root
need_cmd ip python3 jq unshare setpriv
[ -x "$NFOVPN" ] || skip_all "nfovpn not built"
[ -x "$OVPN_PEER" ] || skip_all "ovpn-peer not built: $OVPN_PEER"
NLRAW=$SELFTESTS/tools/nlraw.py

TMP=$(mktemp -d)
MON_A='' MON_B='' MON_U=''
cleanup() {
	local p
	for p in $MON_A $MON_B $MON_U; do
		kill "$p" 2>/dev/null && wait "$p" 2>/dev/null
	done
	ip netns del iA 2>/dev/null
	ip netns del iB 2>/dev/null
	rm -rf "$TMP"
}
trap cleanup EXIT

nfa() { ns iA "$NFOVPN" "$@"; }
nfb() { ns iB "$NFOVPN" "$@"; }
errno_of() { sed -n 's/^errno=\([-0-9a-z]*\).*/\1/p' | tail -n 1; }
EPERM=1 ENODEV=19

dmesg_mark
check "module loads" load_module
for n in iA iB; do
	ip netns add $n && ip -n $n link set lo up &&
	ip -n $n tuntap add dev tun0 mode tun && ip -n $n link set tun0 up
done
"$OVPN_PEER" genkey AES-256-GCM >"$TMP/k"
KEYHEX=$(sed -n 's/^encrypt-key //p' "$TMP/k")
RXKEYHEX=$(sed -n 's/^decrypt-key //p' "$TMP/k")
setup_a() {
	nfa instance add tun0 port 1194 &&
	nfa peer add tun0 1 remote 10.0.0.2 1194 vpn-ip 10.8.0.2 &&
	nfa peer add tun0 2 remote 10.0.0.3 1194 vpn-ip 10.8.0.3 &&
	nfa key add tun0 1 slot primary key-id 0 key-file "$TMP/k" &&
	nfa key add tun0 2 slot primary key-id 0 key-file "$TMP/k"
}
check "iA: instance, peers 1 and 2, their keys" setup_a
tunA=$(ip -n iA -o link show tun0 | cut -d: -f1)

# --- another netns ------------------------------------------------------------
check_eq "iB: sees no instance" 0 "$(nfb --json show | jq '.instances | length')"
check_eq "iB: status counts nothing of iA's" "netns 0 0 0" \
	"$(nfb --json status | jq -r '"\(.scope) \(.instances) \(.peers) \(.keys)"')"
# iA's ifindex means iB's own device there, or none: never iA's instance
# answers LABEL WANT RUNNER...: each request of REQS (one nlraw.py --lines
# for all: a Python start costs seconds in the guest) answered errno WANT
answers() {
	local label=$1 want=$2 i
	shift 2
	mapfile -t got < <(printf '%s\n' "${REQS[@]}" |
		"$@" python3 "$NLRAW" --lines 2>&1)
	for i in "${!REQS[@]}"; do
		check_eq "$label: ${REQS[$i]%%IFINDEX*}" "$want" \
			"$(errno_of <<<"${got[$i]:-none}")"
	done
}
REQS=("PEER_DEL IFINDEX=u32:$tunA PEER={ PEER_ID=u32:1 }"
      "KEY_DEL IFINDEX=u32:$tunA KEYCONF={ KEYCONF_PEER_ID=u32:1 KEYCONF_SLOT=u32:0 }"
      "PEER_GET IFINDEX=u32:$tunA PEER={ PEER_ID=u32:1 }"
      "INST_DEL IFINDEX=u32:$tunA")
answers "iB, with iA's ifindex: ENODEV" $ENODEV ns iB
check_eq "iA: untouched (2 peers, 2 keys)" "2 2" \
	"$(nfa --json status | jq -r '"\(.peers) \(.keys)"')"

# --- an unprivileged user namespace with its own netns -------------------------
# it administers its own netns (tun, instance, peer) and sees only that
userns_own() {
	unshare -Urn bash -c "
		ip link set lo up && ip tuntap add dev tun0 mode tun &&
		ip link set tun0 up &&
		$NFOVPN instance add tun0 port 1194 &&
		$NFOVPN peer add tun0 5 remote 10.0.0.5 1194 &&
		$NFOVPN --json show | jq -e '.instances | length == 1 and
			(.[0].peers | length == 1) and .[0].peers[0].id == 5'"
}
check "userns with its own netns: manages its own instance, sees only it" \
	userns_own
check "userns gone: its objects freed, iA's kept" wait_for 10 bash -c \
	"[ \"\$($NFOVPN --json status | jq -r '\"\\(.instances) \\(.peers) \\(.keys)\"')\" = '1 2 2' ]"

# --- no CAP_NET_ADMIN over iA: neither read nor write ---------------------------
# unshare -Ur in iA: root of a user namespace that does not own iA's netns
REQS=("INST_GET IFINDEX=u32:$tunA"
      "PEER_GET IFINDEX=u32:$tunA PEER={ PEER_ID=u32:1 }"
      "--hex --dump PEER_GET IFINDEX=u32:$tunA"
      "KEY_GET IFINDEX=u32:$tunA KEYCONF={ KEYCONF_PEER_ID=u32:1 KEYCONF_SLOT=u32:0 }"
      "PEER_NEW IFINDEX=u32:$tunA PEER={ PEER_ID=u32:9 PEER_REMOTE_IPV4=hex:0a000009 PEER_REMOTE_PORT=be16:1194 }"
      "KEY_SWAP IFINDEX=u32:$tunA KEYCONF={ KEYCONF_PEER_ID=u32:1 }"
      "PEER_DEL IFINDEX=u32:$tunA PEER={ PEER_ID=u32:2 }"
      "--join")
answers "userns not owning iA, refused" $EPERM ns iA unshare -Ur
answers "iA without CAP_NET_ADMIN, refused" $EPERM ns iA setpriv \
	--inh-caps=-all --bounding-set=-net_admin --reuid=65534 --regid=65534 \
	--clear-groups
check_eq "iA: still untouched (2 peers, 2 keys)" "2 2" \
	"$(nfa --json status | jq -r '"\(.peers) \(.keys)"')"

# --- notifications stay in their netns ----------------------------------------
# not through nfa/nfb: $! must be nfovpn itself (ip netns exec execs it),
# or a monitor left running would keep its netns alive after the test
ip netns exec iA "$NFOVPN" --json monitor >"$TMP/monA" 2>&1 &
MON_A=$!
ip netns exec iB "$NFOVPN" --json monitor >"$TMP/monB" 2>&1 &
MON_B=$!
unshare -Urn "$NFOVPN" --json monitor >"$TMP/monU" 2>&1 &
MON_U=$!
sleep 1
check "iA: peer 2 deleted" nfa peer del tun0 2
check "iA's monitor heard it" wait_for 5 grep -q '"peer_id":2' "$TMP/monA"
sleep 0.5
check_eq "iB's monitor heard nothing" 0 "$(grep -c peer_id "$TMP/monB")"
check_eq "the user namespace's monitor heard nothing" 0 \
	"$(grep -c peer_id "$TMP/monU")"

# --- key material never leaves the kernel ---------------------------------------
# every way state comes out: the CLI (text and JSON), raw replies and
# dumps, the key hand-back of KEY_DEL and PEER_DEL, notifications, dmesg
{
	nfa show; nfa --json show; nfa show tun0 1; nfa --json show tun0 1
	nfa key get tun0 1 slot primary; nfa --json key get tun0 1 slot primary
	nfa stats; nfa --json stats
	ns iA python3 "$NLRAW" --hex --dump PEER_GET IFINDEX=u32:$tunA
	ns iA python3 "$NLRAW" --hex INST_GET IFINDEX=u32:$tunA
	ns iA python3 "$NLRAW" --hex KEY_GET IFINDEX=u32:$tunA \
		KEYCONF={ KEYCONF_PEER_ID=u32:1 KEYCONF_SLOT=u32:0 }
	ns iA python3 "$NLRAW" --hex KEY_DEL IFINDEX=u32:$tunA \
		KEYCONF={ KEYCONF_PEER_ID=u32:1 KEYCONF_SLOT=u32:0 }
	ns iA python3 "$NLRAW" --hex PEER_DEL IFINDEX=u32:$tunA \
		PEER={ PEER_ID=u32:1 }
} >"$TMP/out" 2>&1
sleep 0.5
cat "$TMP/monA" >>"$TMP/out"
dmesg >>"$TMP/out"
check "the outputs were collected ($(wc -l <"$TMP/out") lines)" \
	grep -q 'errno=0' "$TMP/out"
check_eq "no key (either direction, any case) in any of it" 0 \
	"$(grep -ciE "$KEYHEX|$RXKEYHEX" "$TMP/out")"

for p in $MON_A $MON_B $MON_U; do
	kill "$p" 2>/dev/null && wait "$p" 2>/dev/null
done
MON_A='' MON_B='' MON_U=''
check "iA deleted" ip netns del iA
check_eq "every object freed" 0 \
	"$(nf_count_settled)"
check "kernel log clean" dmesg_clean
tap_done
