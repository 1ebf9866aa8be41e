#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Every netlink attribute path under mutation (tools/nlfuzz.py): 20,000
# requests made from valid ones (instance, peers, keys of every cipher,
# swap, set, get, dump, delete) with bytes flipped, cut short, lengths and
# types rewritten, attributes duplicated or added, commands and the dump
# flag changed.  The kernel must answer each one, stay consistent (the CLI
# still reads it), free everything when the namespace goes, unload, and
# log nothing.
#
#   ns nz: tun0 -- the instance and peers the requests create and break

source "$(dirname "$0")/lib.sh"
need_root
need_cmd ip python3 jq
[ -x "$NFOVPN" ] || skip_all "nfovpn not built"
N=${NLFUZZ_REQUESTS:-20000}

cleanup() { ip netns del nz 2>/dev/null; }
trap cleanup EXIT

dmesg_mark
check "module loads" load_module
check "namespace with tun0" bash -c "ip netns add nz && ip -n nz link set lo up &&
	ip -n nz tuntap add dev tun0 mode tun && ip -n nz link set tun0 up"
tun=$(ip -n nz -o link show tun0 | cut -d: -f1)

start=$SECONDS
out=$(ns nz python3 "$SELFTESTS/tools/nlfuzz.py" "$tun" "$N" --seed 7 2>&1)
rc=$?
check "$N mutated requests, each answered, in $((SECONDS - start)) s ($(tail -n 1 <<<"$out"))" \
	test $rc = 0
[ $rc = 0 ] || printf '%s\n' "$out" | tail -n 5 | sed 's/^/#   /'
check "the CLI still reads the state it left" \
	bash -c "ip netns exec nz $NFOVPN --json show | jq -e '.instances | length <= 1'"
check "the kernel still takes a valid request" \
	bash -c "ip netns exec nz $NFOVPN instance del tun0 >/dev/null 2>&1;
		 ip netns exec nz $NFOVPN instance add tun0 port 1194 &&
		 ip netns exec nz $NFOVPN peer add tun0 9 remote 10.0.0.9 1194"
ip netns del nz
check_eq "the namespace gone: every object freed" 0 \
	"$(nf_count_settled)"
check "the module unloads" unload_module
check "kernel log clean" dmesg_clean
tap_done
