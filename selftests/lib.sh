#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Shared helpers for the nf_ovpn selftests (sourced).  TAP output:
# `ok N - desc` / `not ok N - desc`, exit 0 pass, 1 fail, 4 skip.

ksft_skip=4
SELFTESTS=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
TOP=$(cd "$SELFTESTS/.." && pwd)
NFOVPN_KO=${NFOVPN_KO:-$TOP/kmod/nf_ovpn.ko}
NFOVPN=${NFOVPN:-$TOP/genl-tool/nfovpn}
OVPN_PEER=${OVPN_PEER:-$TOP/selftests/tools/ovpn-peer}

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
}

# check DESC CMD...: one assertion, its output shown only on failure
check() {
	local desc=$1 out
	shift
	if out=$("$@" 2>&1); then
		tap_ok "$desc"
	else
		tap_fail "$desc"
		printf '%s\n' "$out" | tail -n 20 | sed 's/^/#   /'
	fi
}

# check_not DESC CMD...: the command must fail
check_not() {
	local desc=$1 out
	shift
	if out=$("$@" 2>&1); then
		tap_fail "$desc (unexpectedly succeeded)"
		printf '%s\n' "$out" | tail -n 20 | sed 's/^/#   /'
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
