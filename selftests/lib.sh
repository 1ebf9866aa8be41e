#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Shared helpers for the nf_ovpn selftests (sourced).  TAP output:
# `ok N - desc` / `not ok N - desc`, exit 0 pass, 1 fail, 4 skip.

ksft_skip=4
SELFTESTS=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
TOP=$(cd "$SELFTESTS/.." && pwd)
# the module built in place when it is for the running kernel, else the
# copy scripts/kbuild.sh --copy built for it
if [ -z "${NFOVPN_KO:-}" ]; then
	NFOVPN_KO=$TOP/kmod/nf_ovpn.ko
	case "$(modinfo -F vermagic "$NFOVPN_KO" 2>/dev/null)" in
	"$(uname -r) "*) ;;
	*) [ -f "$TOP/build/ko/$(uname -r)/kmod/nf_ovpn.ko" ] &&
		NFOVPN_KO=$TOP/build/ko/$(uname -r)/kmod/nf_ovpn.ko ;;
	esac
fi
NFOVPN=${NFOVPN:-$TOP/genl-tool/nfovpn}
OVPN_PEER=${OVPN_PEER:-$TOP/selftests/tools/ovpn-peer}
XFER=$SELFTESTS/tools/xfer.py

__tap_n=0
__tap_fail=0

tap_ok() {
	__tap_n=$((__tap_n + 1))
	echo "ok $__tap_n - $*"
}

tap_fail() {
	__tap_n=$((__tap_n + 1))
	__tap_fail=$((__tap_fail + 1))
	echo "not ok $__tap_n - $*"
	# when, for failures that only show under load
	echo "#   (${SECONDS}s into the test, $(date +%T))"
}

# check DESC CMD...: one assertion, its output shown only on failure;
# returns 1 when it failed, so a caller can add what explains it
check() {
	local desc=$1 out
	shift
	if out=$("$@" 2>&1); then
		tap_ok "$desc"
	else
		tap_fail "$desc"
		printf '%s\n' "$out" | tail -n 20 | sed 's/^/#   /'
		return 1
	fi
}

# check_not DESC CMD...: the command must fail
check_not() {
	local desc=$1 out
	shift
	if out=$("$@" 2>&1); then
		tap_fail "$desc (unexpectedly succeeded)"
		printf '%s\n' "$out" | tail -n 20 | sed 's/^/#   /'
		return 1
	else
		tap_ok "$desc"
	fi
}

# check_eq DESC EXPECTED ACTUAL
check_eq() {
	if [ "$2" = "$3" ]; then
		tap_ok "$1"
	else
		tap_fail "$1 (expected '$2', got '$3')"
	fi
}

skip_all() {
	echo "1..0 # SKIP $*"
	exit $ksft_skip
}

need_root() {
	[ "$(id -u)" = 0 ] || skip_all "must run as root"
}

need_cmd() {
	local c
	for c in "$@"; do
		command -v "$c" >/dev/null 2>&1 || skip_all "$c not installed"
	done
}

tap_done() {
	echo "1..$__tap_n"
	[ "$__tap_fail" = 0 ]
}

# the kernel modules the fast path needs, then nf_ovpn itself
load_module() {
	local m
	# the guest has no udev to load the CPU's crypto drivers: without
	# them gcm(aes) would be aes-generic
	for m in nf_conntrack tun veth udp_tunnel ip6_udp_tunnel \
		 aesni_intel chacha20-x86_64 poly1305-x86_64; do
		modprobe -q "$m" || true
	done
	if ! lsmod | grep -q '^nf_ovpn '; then
		[ -f "$NFOVPN_KO" ] || skip_all "module not built: $NFOVPN_KO"
		insmod "$NFOVPN_KO" || return 1
	fi
}

unload_module() {
	if lsmod | grep -q '^nf_ovpn '; then
		rmmod nf_ovpn
	fi
}

# nf_count: instances + peers + keys the module holds, in every netns
nf_count() { "$NFOVPN" status --json | jq -r '.instances+.peers+.keys'; }

# nf_count_settled: nf_count once it reached 0, or after 6 s (objects are
# freed after an RCU grace period, netns teardown is deferred)
nf_count_settled() {
	local n _
	for _ in $(seq 30); do
		n=$(nf_count)
		[ "$n" = 0 ] && break
		sleep 0.2
	done
	echo "$n"
}

# slab_kb: the kernel's slab memory in kB; settle first for a steady figure
slab_kb() { awk '/^Slab:/ { print $2 }' /proc/meminfo; }
settle() { sync; echo 2 >/proc/sys/vm/drop_caches; sleep 1; }

# veth_pair SRV_ADDR CLI_ADDR: namespaces srv and cli joined by veth0 (srv)
# and veth1 (cli), each with its /24 address, links and lo up
veth_pair() {
	ip netns add srv && ip netns add cli &&
	ip link add veth0 netns srv type veth peer name veth1 netns cli &&
	ip -n srv addr add "$1/24" dev veth0 &&
	ip -n cli addr add "$2/24" dev veth1 &&
	ip -n srv link set veth0 up && ip -n cli link set veth1 up &&
	ip -n srv link set lo up && ip -n cli link set lo up
}

module_loaded() {
	lsmod | grep -q '^nf_ovpn '
}

# run in a namespace: ns NAME CMD...
ns() {
	local n=$1
	shift
	ip netns exec "$n" "$@"
}

# the kernel log since the last mark must be free of bug reports
dmesg_mark() {
	dmesg -c > /dev/null
}

dmesg_clean() {
	dmesg | "$SELFTESTS/vm/dmesg-check.sh"
}

wait_tcp() {	# wait_tcp NS PORT: until a TCP socket listens there (10 s)
	local _
	for _ in $(seq 100); do
		ns "$1" ss -Hltn "sport = :$2" | grep -q . && return 0
		sleep 0.1
	done
	return 1
}

# at_half FROM TO ADDR SIZE CMD...: an xfer that stops half way until CMD
# has run (CMD's own output and status are ignored; the transfer's count)
at_half() {
	local from=$1 to=$2 addr=$3 size=$4 d=$TMP/sync
	shift 4
	mkdir -p "$d"
	rm -f "$d/half" "$d/go"
	( for _ in $(seq 600); do
		[ -e "$d/half" ] && break
		sleep 0.1
	  done
	  "$@" >/dev/null 2>&1
	  touch "$d/go" ) &
	xfer "$from" "$to" "$addr" "$size" "$d"
}

# xfer FROM TO ADDR SIZE [SYNCDIR]: TCP from netns FROM to ADDR:5001 in
# netns TO; the sha256 sent must equal the sha256 received.  XFER_PACE=SEC
# sleeps SEC after every 64 KiB sent; XFER_TIMEOUT=SEC (default 90) bounds
# the whole transfer.
xfer() {
	local from=$1 to=$2 addr=$3 size=$4 got sent rpid
	local t=${XFER_TIMEOUT:-90} sync=()

	[ -n "${5:-}" ] && sync=(--sync "$5")
	[ -n "${XFER_PACE:-}" ] && sync+=(--pace "$XFER_PACE")
	ns "$to" timeout $((t + 10)) python3 "$XFER" recv "$addr" 5001 \
		>"$TMP/recv.sum" &
	rpid=$!
	wait_tcp "$to" 5001
	sent=$(ns "$from" timeout "$t" python3 "$XFER" send "$addr" 5001 \
		"$size" "${sync[@]}")
	wait $rpid
	got=$(cat "$TMP/recv.sum")
	echo "sent $sent got $got"
	[ -n "$sent" ] && [ "$sent" = "$got" ]
}

# output_has REGEX CMD...: CMD's output (shown) matches REGEX, any case
output_has() {
	local pat=$1 out
	shift
	out=$("$@" 2>&1)
	printf '%s\n' "$out"
	grep -Eiq "$pat" <<<"$out"
}

# wait_for SECONDS CMD...: until CMD succeeds (polls every 0.3 s)
wait_for() {
	local end=$((SECONDS + $1))
	shift
	until "$@" >/dev/null 2>&1; do
		[ $SECONDS -lt $end ] || return 1
		sleep 0.3
	done
}
