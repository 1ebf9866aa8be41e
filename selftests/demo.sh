#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The demo, run inside the guest by `make demo`.
#
#   netns srv                                  netns cli
#   patched OpenVPN 2.6.14 --nf-fastpath       stock Debian OpenVPN 2.6.14
#   (--mode server, tun0 10.8.0.1)             (--client --disable-dco, tun1)
#   nf_ovpn.ko: instance, peer, keys           userspace crypto
#   veth0 192.0.2.1 ------------------------------ veth1 192.0.2.2
#
# The server's OpenVPN keeps TLS, auth and push; it hands the client's
# address and data-channel keys to nf_ovpn, which then carries the traffic.
set -uo pipefail
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/openvpn_lib.sh"

step() { printf '\n=== %s\n' "$*"; }
run() { printf '$ %s\n' "$*"; "$@"; }
fail() { echo "demo FAILED: $*"; dump_logs; exit 1; }

step "kernel $(uname -r): loading nf_ovpn"
load_module || fail "cannot load nf_ovpn"
lsmod | grep -E '^(nf_ovpn|nf_conntrack) '
dmesg | grep 'nf_ovpn:' | tail -n 1

step "certificates and the two namespaces"
gen_certs >/dev/null 2>&1 || fail "certificates"
setup || fail "topology"
echo "srv: veth0 $SRV4   cli: veth1 $CLI4"

step "server: patched OpenVPN with --nf-fastpath"
start_server || fail "server did not start"
grep 'nf-fastpath' "$TMP/srv.log" | sed 's/^[^ ]* [^ ]* [^ ]* [^ ]* [^ ]* //' | head -n 3

step "client: stock /usr/sbin/openvpn --disable-dco, AES-256-GCM"
start_client AES-256-GCM || fail "client did not connect"
grep -E 'Initialization Sequence Completed|Data Channel: cipher' "$TMP/cli.log" |
	sed 's/^[^ ]* [^ ]* [^ ]* [^ ]* [^ ]* //'
wait_for 10 grep -q "nf-fastpath: .* offloaded" "$TMP/srv.log" || fail "not offloaded"
grep -E 'nf-fastpath: .*(offloaded|in the kernel)' "$TMP/srv.log" |
	sed 's/^[^ ]* [^ ]* [^ ]* [^ ]* [^ ]* //'

step "traffic through the tunnel"
run ip netns exec cli ping -c 5 -i 0.2 $VPN4_S || fail "ping"
run ip netns exec cli ping -6 -c 3 -i 0.2 $VPN6_S || fail "ping6"
run ip netns exec srv ping -c 3 -i 0.2 10.8.0.2 || fail "ping from the server"

sleep 1.5	# the status file is rewritten every second
step "what the kernel carried (nfovpn show on the server)"
run ip netns exec srv "$NFOVPN" show
echo
echo "the server's OpenVPN status file:"
grep -E '^(CLIENT_LIST|NF_FASTPATH|HEADER,NF_FASTPATH)' "$TMP/status"

step "server killed -9: its kernel state goes with its netlink socket"
kill -9 "$SRV_PID"
wait "$SRV_PID" 2>/dev/null
SRV_PID=''
wait_for 10 bash -c "[ \"\$($NFOVPN status --json | jq -r '.instances+.peers+.keys')\" = 0 ]" ||
	fail "objects left behind"
run "$NFOVPN" status
rmmod nf_ovpn
dmesg | grep 'nf_ovpn:' | tail -n 1
dmesg_clean || exit 1
