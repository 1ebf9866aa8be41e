#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Malformed and refused netlink requests, built by hand (tools/nlraw.py) so
# they are nothing the nfovpn CLI would send.  Each must fail with the
# expected errno and, where the module explains itself, an extack message;
# nothing may be created, and the kernel log stays clean.
#
#   ns nb: tun0 [instance :1194] -- peer 1
#          lo  (not a tun device)

source "$(dirname "$0")/lib.sh"
need_root
need_cmd ip python3 jq setpriv
[ -x "$NFOVPN" ] || skip_all "nfovpn not built"

TMP=$(mktemp -d)
RAW_PID=
cleanup() {
	[ -n "$RAW_PID" ] && kill "$RAW_PID" 2>/dev/null
	ip netns del nb 2>/dev/null
	rm -rf "$TMP"
}
trap cleanup EXIT

# one nlraw.py for the whole test (--lines): a Python start costs seconds
# in the guest.  Requests go to fd 3, answers come from fd 4.
raw_start() {
	mkfifo "$TMP/req" "$TMP/ans" || return 1
	ip netns exec nb python3 "$SELFTESTS/tools/nlraw.py" --lines \
		<"$TMP/req" >"$TMP/ans" 2>"$TMP/raw.err" &
	RAW_PID=$!
	exec 3>"$TMP/req" 4<"$TMP/ans"
}
raw() {
	local line
	printf '%q ' "$@" >&3
	echo >&3
	IFS= read -r -t 60 line <&4 || line="errno=none msg=nlraw.py did not answer"
	printf '%s\n' "$line"
}
# expect DESC ERRNO MSG-REGEX CMD ATTR...
expect() {
	local desc=$1 errno=$2 re=$3 out
	shift 3
	out=$(raw "$@" 2>&1)
	if [[ "$out" =~ ^errno=$errno\ msg=.*$re ]]; then
		tap_ok "$desc"
	else
		tap_fail "$desc (want errno=$errno /$re/, got: $out)"
	fi
}

K16=00112233445566778899aabbccddeeff
K32=$K16$K16
N8=0102030405060708
EINVAL=22 ENODEV=19 ENOENT=2 ERANGE=34 EEXIST=17 EOPNOTSUPP=95 EPERM=1 ENOSPC=28

dmesg_mark
check "module loads" load_module
check "namespace with tun0" bash -c "ip netns add nb && ip -n nb link set lo up &&
	ip -n nb tuntap add dev tun0 mode tun && ip -n nb link set tun0 up"
raw_start	# not in check's subshell: the descriptors are this shell's
check "one nlraw.py serves the requests" kill -0 "$RAW_PID"
tun=$(ip -n nb -o link show tun0 | cut -d: -f1)
lo=$(ip -n nb -o link show lo | cut -d: -f1)

expect "INST_NEW without ifindex" $EINVAL "" INST_NEW INST={ INST_LOCAL_PORT=be16:1194 }
expect "INST_NEW without the inst nest" $EINVAL "" INST_NEW IFINDEX=u32:$tun
expect "INST_NEW without a port" $EINVAL "" INST_NEW IFINDEX=u32:$tun INST={ INST_MODE=u8:0 }
expect "INST_NEW with port 0" $EINVAL "port must not be 0" \
	INST_NEW IFINDEX=u32:$tun INST={ INST_LOCAL_PORT=be16:0 }
expect "INST_NEW with mode 9" $ERANGE "" \
	INST_NEW IFINDEX=u32:$tun INST={ INST_MODE=u8:9 INST_LOCAL_PORT=be16:1194 }
expect "INST_NEW with a 3-byte IPv4 address" $ERANGE "size out of range" \
	INST_NEW IFINDEX=u32:$tun INST={ INST_LOCAL_IPV4=hex:0a0000 INST_LOCAL_PORT=be16:1194 }
expect "INST_NEW with a reply-only attribute" $EINVAL "" \
	INST_NEW IFINDEX=u32:$tun INST={ INST_ID=u32:5 INST_LOCAL_PORT=be16:1194 }
expect "INST_NEW on a device that is not tun" $EOPNOTSUPP "not a tun" \
	INST_NEW IFINDEX=u32:$lo INST={ INST_LOCAL_PORT=be16:1194 }
expect "INST_NEW on a missing device" $ENODEV "no such device" \
	INST_NEW IFINDEX=u32:9999 INST={ INST_LOCAL_PORT=be16:1194 }
expect "INST_NEW with a truncated attribute" $EINVAL "" \
	INST_NEW IFINDEX=u32:$tun raw:0c000200
expect "INST_DEL of no instance" $ENODEV "no nf_ovpn instance" INST_DEL IFINDEX=u32:$tun
expect "valid INST_NEW (persistent)" 0 "" INST_NEW IFINDEX=u32:$tun \
	INST={ INST_LOCAL_PORT=be16:1194 INST_PERSIST=flag }
expect "second INST_NEW on the same device" $EEXIST "already has an instance" \
	INST_NEW IFINDEX=u32:$tun INST={ INST_LOCAL_PORT=be16:1194 }

expect "PEER_NEW without an id" $EINVAL "" \
	PEER_NEW IFINDEX=u32:$tun PEER={ PEER_REMOTE_IPV4=hex:0a000002 PEER_REMOTE_PORT=be16:1194 }
expect "PEER_NEW with id 0x1000000" $ERANGE "" \
	PEER_NEW IFINDEX=u32:$tun PEER={ PEER_ID=u32:0x1000000 PEER_REMOTE_IPV4=hex:0a000002 PEER_REMOTE_PORT=be16:1194 }
expect "PEER_NEW with the reserved id 0xFFFFFF" $ERANGE "" \
	PEER_NEW IFINDEX=u32:$tun PEER={ PEER_ID=u32:0xffffff PEER_REMOTE_IPV4=hex:0a000002 PEER_REMOTE_PORT=be16:1194 }
expect "PEER_NEW without a remote" $EINVAL "needs a remote" \
	PEER_NEW IFINDEX=u32:$tun PEER={ PEER_ID=u32:1 }
expect "PEER_NEW with IPv4 and IPv6 remotes" $EINVAL "not both" \
	PEER_NEW IFINDEX=u32:$tun PEER={ PEER_ID=u32:1 PEER_REMOTE_IPV4=hex:0a000002 PEER_REMOTE_IPV6=hex:$K16 PEER_REMOTE_PORT=be16:1194 }
expect "PEER_NEW with remote port 0" $EINVAL "port must not be 0" \
	PEER_NEW IFINDEX=u32:$tun PEER={ PEER_ID=u32:1 PEER_REMOTE_IPV4=hex:0a000002 PEER_REMOTE_PORT=be16:0 }
expect "PEER_NEW with a keepalive interval only" $EINVAL "both interval and timeout" \
	PEER_NEW IFINDEX=u32:$tun PEER={ PEER_ID=u32:1 PEER_REMOTE_IPV4=hex:0a000002 PEER_REMOTE_PORT=be16:1194 PEER_KEEPALIVE_INTERVAL=u32:10 }
expect "PEER_NEW with an iroute /33" $EINVAL "above 32" \
	PEER_NEW IFINDEX=u32:$tun PEER={ PEER_ID=u32:1 PEER_REMOTE_IPV4=hex:0a000002 PEER_REMOTE_PORT=be16:1194 PEER_IROUTE={ IROUTE_IPV4=hex:c0a80000 IROUTE_PREFIXLEN=u8:33 } }
expect "PEER_NEW with an iroute without address" $EINVAL "one address" \
	PEER_NEW IFINDEX=u32:$tun PEER={ PEER_ID=u32:1 PEER_REMOTE_IPV4=hex:0a000002 PEER_REMOTE_PORT=be16:1194 PEER_IROUTE={ IROUTE_PREFIXLEN=u8:24 } }
expect "valid PEER_NEW" 0 "" PEER_NEW IFINDEX=u32:$tun \
	PEER={ PEER_ID=u32:1 PEER_REMOTE_IPV4=hex:0a000002 PEER_REMOTE_PORT=be16:1194 PEER_VPN_IPV4=hex:0a080002 }
# the bounds on what a netns may create (module parameters)
PARAMS=/sys/module/nf_ovpn/parameters
echo 1 >$PARAMS/max_peers
expect "PEER_NEW beyond max_peers" $ENOSPC "max_peers" \
	PEER_NEW IFINDEX=u32:$tun PEER={ PEER_ID=u32:2 PEER_REMOTE_IPV4=hex:0a000003 PEER_REMOTE_PORT=be16:1194 }
echo 65536 >$PARAMS/max_peers
expect "max_peers back: PEER_NEW works again" 0 "" PEER_NEW IFINDEX=u32:$tun \
	PEER={ PEER_ID=u32:2 PEER_REMOTE_IPV4=hex:0a000003 PEER_REMOTE_PORT=be16:1194 }
expect "and that peer goes again" 0 "" PEER_DEL IFINDEX=u32:$tun PEER={ PEER_ID=u32:2 }
ip -n nb tuntap add dev tun1 mode tun
tun1=$(ip -n nb -o link show tun1 | cut -d: -f1)
echo 1 >$PARAMS/max_instances
expect "INST_NEW beyond max_instances" $ENOSPC "max_instances" \
	INST_NEW IFINDEX=u32:$tun1 INST={ INST_LOCAL_PORT=be16:1195 }
echo 256 >$PARAMS/max_instances
ip -n nb link del tun1
expect "PEER_SET of an unknown peer" $ENOENT "no such peer" \
	PEER_SET IFINDEX=u32:$tun PEER={ PEER_ID=u32:2 PEER_VPN_IPV4=hex:0a080003 }

kc() {	# a KEYCONF nest for peer 1 with the given extra/override attributes
	echo KEYCONF={ KEYCONF_PEER_ID=u32:1 KEYCONF_SLOT=u32:0 KEYCONF_KEY_ID=u32:0 "$@" }
}
dir() { echo "$1={" KEYDIR_CIPHER_KEY=hex:$2 KEYDIR_NONCE_TAIL=hex:$3 "}"; }
expect "KEY_NEW with an unknown cipher" $ERANGE "" KEY_NEW IFINDEX=u32:$tun \
	$(kc KEYCONF_CIPHER_ALG=u32:7 $(dir KEYCONF_ENCRYPT_DIR $K16 $N8) $(dir KEYCONF_DECRYPT_DIR $K16 $N8))
expect "KEY_NEW with cipher NONE" $ERANGE "" KEY_NEW IFINDEX=u32:$tun \
	$(kc KEYCONF_CIPHER_ALG=u32:0 $(dir KEYCONF_ENCRYPT_DIR $K16 $N8) $(dir KEYCONF_DECRYPT_DIR $K16 $N8))
expect "KEY_NEW with a 20-byte AES key" $EINVAL "key" KEY_NEW IFINDEX=u32:$tun \
	$(kc KEYCONF_CIPHER_ALG=u32:1 $(dir KEYCONF_ENCRYPT_DIR ${K16}00112233 $N8) $(dir KEYCONF_DECRYPT_DIR $K16 $N8))
expect "KEY_NEW with a 16-byte ChaCha20 key" $EINVAL "key" KEY_NEW IFINDEX=u32:$tun \
	$(kc KEYCONF_CIPHER_ALG=u32:2 $(dir KEYCONF_ENCRYPT_DIR $K16 $N8) $(dir KEYCONF_DECRYPT_DIR $K16 $N8))
expect "KEY_NEW with a 40-byte key" $ERANGE "" KEY_NEW IFINDEX=u32:$tun \
	$(kc KEYCONF_CIPHER_ALG=u32:1 $(dir KEYCONF_ENCRYPT_DIR ${K32}0011223344556677 $N8) $(dir KEYCONF_DECRYPT_DIR $K16 $N8))
expect "KEY_NEW with a 7-byte nonce tail" $ERANGE "size out of range" KEY_NEW IFINDEX=u32:$tun \
	$(kc KEYCONF_CIPHER_ALG=u32:1 $(dir KEYCONF_ENCRYPT_DIR $K16 01020304050607) $(dir KEYCONF_DECRYPT_DIR $K16 $N8))
expect "KEY_NEW without a decrypt direction" $EINVAL "" KEY_NEW IFINDEX=u32:$tun \
	$(kc KEYCONF_CIPHER_ALG=u32:1 $(dir KEYCONF_ENCRYPT_DIR $K16 $N8))
expect "KEY_NEW with key-id 8" $ERANGE "" KEY_NEW IFINDEX=u32:$tun \
	KEYCONF={ KEYCONF_PEER_ID=u32:1 KEYCONF_SLOT=u32:0 KEYCONF_KEY_ID=u32:8 KEYCONF_CIPHER_ALG=u32:1 \
	$(dir KEYCONF_ENCRYPT_DIR $K16 $N8) $(dir KEYCONF_DECRYPT_DIR $K16 $N8) }
expect "KEY_NEW with TX packet-id 0" $ERANGE "" KEY_NEW IFINDEX=u32:$tun \
	$(kc KEYCONF_CIPHER_ALG=u32:1 KEYCONF_TX_PKTID=u32:0 $(dir KEYCONF_ENCRYPT_DIR $K16 $N8) $(dir KEYCONF_DECRYPT_DIR $K16 $N8))
expect "KEY_NEW with a 300-byte replay window" $ERANGE "" KEY_NEW IFINDEX=u32:$tun \
	$(kc KEYCONF_CIPHER_ALG=u32:1 KEYCONF_RX_WINDOW=hex:$(printf '00%.0s' $(seq 300)) $(dir KEYCONF_ENCRYPT_DIR $K16 $N8) $(dir KEYCONF_DECRYPT_DIR $K16 $N8))
expect "KEY_NEW for an unknown peer" $ENOENT "no such peer" KEY_NEW IFINDEX=u32:$tun \
	KEYCONF={ KEYCONF_PEER_ID=u32:5 KEYCONF_SLOT=u32:0 KEYCONF_KEY_ID=u32:0 KEYCONF_CIPHER_ALG=u32:1 \
	$(dir KEYCONF_ENCRYPT_DIR $K16 $N8) $(dir KEYCONF_DECRYPT_DIR $K16 $N8) }
expect "KEY_SWAP with no keys" -?[0-9]+ "no keys" KEY_SWAP IFINDEX=u32:$tun KEYCONF={ KEYCONF_PEER_ID=u32:1 }
expect "KEY_DEL of an empty slot" $ENOENT "no key in this slot" \
	KEY_DEL IFINDEX=u32:$tun KEYCONF={ KEYCONF_PEER_ID=u32:1 KEYCONF_SLOT=u32:1 }
expect "KEY_GET with slot 2" $ERANGE "" \
	KEY_GET IFINDEX=u32:$tun KEYCONF={ KEYCONF_PEER_ID=u32:1 KEYCONF_SLOT=u32:2 }
expect "unknown command 200" -?[0-9]+ "" 200
check_eq "no key was created by any of it" 0 "$("$NFOVPN" status --json | jq -r .keys)"

expect_eperm() {
	local out
	out=$(ip netns exec nb setpriv --inh-caps=-all --bounding-set=-net_admin \
		--reuid=65534 --regid=65534 --clear-groups \
		python3 "$SELFTESTS/tools/nlraw.py" "$@" 2>&1)
	[[ "$out" =~ ^errno=$EPERM ]] || { echo "$out"; return 1; }
}
check "INST_DEL without CAP_NET_ADMIN refused" expect_eperm INST_DEL IFINDEX=u32:$tun
check "STATUS_GET without CAP_NET_ADMIN refused" expect_eperm STATUS_GET
check "joining the notification group without CAP_NET_ADMIN refused" \
	expect_eperm --join
expect "joining the notification group with CAP_NET_ADMIN" 0 "joined" --join
expect "generic netlink header with reserved bits set" $EINVAL "reserved" \
	--reserved 1 STATUS_GET
check "the instance survived the refused request" \
	bash -c "ip netns exec nb $NFOVPN show --json | jq -e '.instances[0].peer_count == 1'"
expect "valid INST_DEL" 0 "" INST_DEL IFINDEX=u32:$tun
check_eq "everything freed" 0 "$("$NFOVPN" status --json | jq -r '.instances+.peers+.keys')"
check "kernel log clean" dmesg_clean
tap_done
