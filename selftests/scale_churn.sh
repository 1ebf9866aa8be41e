#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Scale and churn, the load at which ovpn-dco once corrupted its lists:
# 10,000 peers with keys on one instance beside the real client, then for
# SCALE_SECS (default 30; a long run: SCALE_SECS=600) under a checksummed
# transfer: two workers deleting and re-adding peers, adding, swapping and deleting keys and
# changing addresses at random; a third creating socket-owned instances
# with 50 peers each and closing their sockets; 300 peers expiring by
# keepalive in the same second.  Then teardown with 10,000 peers under
# traffic: the tun device deleted, and rmmod with everything live.
# Object counts and slab usage go back to their start; the kernel log
# stays clean (no "waiting for tun0 to become free").  Topology as in
# datapath.sh (datapath_lib.sh), plus tun9 in srv for the owned instances.

source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/datapath_lib.sh"
PEERS=$SELFTESTS/tools/peers.py
N=${SCALE_PEERS:-10000}
SECS=${SCALE_SECS:-30}

dp_setup
peers_are() { [ "$(nfo --json status | jq -r .peers)" = "$1" ]; }
instances_are() { [ "$(nfo --json status | jq -r .instances)" = "$1" ]; }
# refill: the instance again, on whatever tun0 is now, with N peers and keys
refill() {
	inst_up && ns srv python3 "$PEERS" add \
		"$(ip -n srv -o link show tun0 | cut -d: -f1)" 2 "$N" --key
}

settle
s0=$(slab_kb)
check "instance, the client as peer 1 and its key" inst_up
start_cli "$K0" v2 4
check_eq "client tunnel up" 0 $?
tun0=$(ip -n srv -o link show tun0 | cut -d: -f1)

start=$SECONDS
check "$N peers added through one socket" \
	ns srv python3 "$PEERS" add "$tun0" 2 "$N"
settle
s1=$(slab_kb)
check "a key for each" ns srv python3 "$PEERS" keys "$tun0" 2 "$N"
settle
s2=$(slab_kb)
echo "# $N peers and keys in $((SECONDS - start)) s; slab per peer" \
	"$(((s1 - s0) * 1024 / N)) B, per key $(((s2 - s1) * 1024 / N)) B"
check_eq "status: $((N + 1)) peers, $((N + 1)) keys" "$((N + 1)) $((N + 1))" \
	"$(nfo --json status | jq -r '"\(.peers) \(.keys)"')"
check "the client's tunnel works beside them" \
	ns cli ping -c 2 -i 0.3 -W 3 $VPN4_S

# --- churn under traffic --------------------------------------------------------
ip netns exec srv ip tuntap add dev tun9 mode tun
ip -n srv link set tun9 up
tun9=$(ip -n srv -o link show tun9 | cut -d: -f1)
XFER_PACE=$(echo "$SECS" | awk '{ print $1 / 32 }') XFER_TIMEOUT=$((SECS + 120)) \
	xfer cli srv $VPN4_S 2097152 >"$TMP/xfer.out" 2>&1 &
xpid=$!
workers=()
ns srv python3 "$PEERS" churn "$tun0" 2 "$N" "$SECS" --seed 1 >"$TMP/w1" 2>&1 &
workers+=($!)
ns srv python3 "$PEERS" churn "$tun0" 2 "$N" "$SECS" --seed 2 >"$TMP/w2" 2>&1 &
workers+=($!)
ns srv python3 "$PEERS" owners "$tun9" "$SECS" >"$TMP/w3" 2>&1 &
workers+=($!)
sleep $((SECS / 2))
check "300 peers with keepalive 1 s / 2 s added mid-churn" \
	ns srv python3 "$PEERS" add "$tun0" 20001 300 --key --keepalive 1 2
for w in 0 1 2; do
	wait "${workers[$w]}"
	rc=$?
	check_eq "churn worker $((w + 1)) ($(tail -n 1 "$TMP/w$((w + 1))"))" 0 $rc
done
wait $xpid
rc=$?
check "the transfer through the churn arrived intact ($(cat "$TMP/xfer.out"))" \
	test $rc = 0
check "the 300 expired: $((N + 1)) peers left" \
	wait_for 15 peers_are $((N + 1))
check "the CLI reads all of it" \
	bash -c "ip netns exec srv $NFOVPN --json show tun0 | jq -e '.instances[0].peers | length == $((N + 1))'"
check "the owned instances went with their sockets" \
	bash -c "! ip netns exec srv $NFOVPN --json show | jq -e '.instances[] | select(.ifname == \"tun9\")'"
check "the client's tunnel still works" ns cli ping -c 2 -i 0.3 -W 3 $VPN4_S

check "instance removed with $N peers" nfo instance del tun0
check "every object gone" objects_gone
settle
s3=$(slab_kb)
# back to within a tenth of what the peers and keys took
check "slab back to its start ($s0 kB -> $s2 kB with the peers -> $s3 kB)" \
	test $((s3 - s0)) -lt $(((s2 - s0) / 10 + 512))

# --- teardown under traffic ----------------------------------------------------
check "again: instance, $N peers with keys" refill
ns cli ping -f -w 10 $VPN4_S >/dev/null 2>&1 &
fpid=$!
sleep 2
kill "$HOLD_PID"
wait "$HOLD_PID" 2>/dev/null
HOLD_PID=
check "tun0 gone under traffic (its holder killed): instance freed" \
	wait_for 15 instances_are 0
wait $fpid
tun_hold
check "again, on a new tun0, with $N peers" refill
ns cli ping -f -w 10 $VPN4_S >/dev/null 2>&1 &
fpid=$!
sleep 2
check "rmmod under traffic with $((N + 1)) peers live" rmmod nf_ovpn
wait $fpid
check "kernel log clean" dmesg_clean
tap_done
