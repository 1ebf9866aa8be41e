#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Module lifetime, no traffic.
#
#   init netns     ns1          ns2
#   nf_ovpn.ko     (pernet)     (pernet)
#
# load, unload, reload with namespaces created before and after, unload
# while namespaces are still alive, and a clean kernel log throughout.

source "$(dirname "$0")/lib.sh"
need_root
need_cmd ip modprobe insmod rmmod

cleanup() {
	ip netns del ns1 2>/dev/null
	ip netns del ns2 2>/dev/null
	ip netns del ns3 2>/dev/null
}
trap cleanup EXIT

dmesg_mark
unload_module

check "module loads" load_module
check "module is listed" module_loaded
check "load message logged" bash -c "dmesg | grep -q 'nf_ovpn: loaded'"
check "netns ns1 created with module loaded" ip netns add ns1
check "netns ns2 created with module loaded" ip netns add ns2
check "loopback up in ns1" ip -n ns1 link set lo up
check "netns ns1 deleted while loaded" ip netns del ns1
check "unload with ns2 still alive" rmmod nf_ovpn
check_not "module gone after unload" module_loaded
check "reload with ns2 alive" load_module
check "netns ns3 created after reload" ip netns add ns3
check "unload again" rmmod nf_ovpn
check "netns ns2 deleted after unload" ip netns del ns2
check "netns ns3 deleted after unload" ip netns del ns3
for i in 1 2 3; do
	load_module && rmmod nf_ovpn || break
done
check_not "three load/unload cycles leave it unloaded" module_loaded
check "unloaded message logged" bash -c "dmesg | grep -q 'nf_ovpn: unloaded'"
check "kernel log clean" dmesg_clean
tap_done
