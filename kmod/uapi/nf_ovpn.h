/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * nf_ovpn generic netlink ABI, shared by the kernel module, the nfovpn CLI
 * and the OpenVPN patch.  Documentation/netlink/specs/nf_ovpn.yaml is the
 * written-down form of this file; keep the two in step.
 *
 * Object model: netns -> instance (one per tun device, keyed by ifindex)
 * -> peer (24-bit peer-id) -> key slots (primary, secondary).
 */
#ifndef _UAPI_LINUX_NF_OVPN_H
#define _UAPI_LINUX_NF_OVPN_H

#define NF_OVPN_FAMILY_NAME	"nf_ovpn"
#define NF_OVPN_FAMILY_VERSION	1
#define NF_OVPN_MCGRP_PEERS	"peers"

#define NF_OVPN_PEER_ID_MAX	0xFFFFFF
#define NF_OVPN_KEY_ID_MAX	7
#define NF_OVPN_NONCE_TAIL_LEN	8
#define NF_OVPN_KEY_MAX_LEN	32
/* bitmap of the RX replay window as handed over / handed back */
#define NF_OVPN_REPLAY_WINDOW	2048
#define NF_OVPN_MAX_IROUTES	256

enum nf_ovpn_mode {
	NF_OVPN_MODE_SERVER,	/* many peers, P_DATA_V2 peer-ids */
	NF_OVPN_MODE_P2P,	/* one peer (client or p2p) */
};

enum nf_ovpn_cipher {
	NF_OVPN_CIPHER_NONE,
	NF_OVPN_CIPHER_AES_GCM,		/* key length selects 128/192/256 */
	NF_OVPN_CIPHER_CHACHA20_POLY1305,
};

enum nf_ovpn_key_slot {
	NF_OVPN_KEY_SLOT_PRIMARY,
	NF_OVPN_KEY_SLOT_SECONDARY,
};

enum nf_ovpn_del_reason {
	NF_OVPN_DEL_USERSPACE,		/* PEER_DEL or INST_DEL */
	NF_OVPN_DEL_EXPIRED,		/* keepalive timeout */
	NF_OVPN_DEL_TRANSPORT_ERROR,
	NF_OVPN_DEL_MODULE_UNLOAD,	/* rmmod / netns exit */
	NF_OVPN_DEL_RELEASED,		/* owning netlink socket closed */
	NF_OVPN_DEL_DEVICE_GONE,	/* tun device unregistered */
};

enum nf_ovpn_cmd {
	NF_OVPN_CMD_UNSPEC,
	NF_OVPN_CMD_INST_NEW,
	NF_OVPN_CMD_INST_DEL,
	NF_OVPN_CMD_INST_GET,
	NF_OVPN_CMD_PEER_NEW,
	NF_OVPN_CMD_PEER_SET,
	NF_OVPN_CMD_PEER_GET,
	NF_OVPN_CMD_PEER_DEL,
	NF_OVPN_CMD_KEY_NEW,
	NF_OVPN_CMD_KEY_SWAP,
	NF_OVPN_CMD_KEY_DEL,
	NF_OVPN_CMD_KEY_GET,
	NF_OVPN_CMD_STATUS_GET,		/* module-wide live object counts */
	/* multicast notifications (group "peers") */
	NF_OVPN_CMD_PEER_DEL_NTF,
	NF_OVPN_CMD_KEY_SWAP_NTF,	/* TX packet-id near exhaustion */
	NF_OVPN_CMD_PEER_FLOAT_NTF,

	__NF_OVPN_CMD_MAX,
	NF_OVPN_CMD_MAX = __NF_OVPN_CMD_MAX - 1
};

/* top level: every request/reply carries the instance and one object nest */
enum nf_ovpn_a {
	NF_OVPN_A_UNSPEC,
	NF_OVPN_A_IFINDEX,		/* u32: tun device = instance key */
	NF_OVPN_A_INST,			/* nest: nf_ovpn_a_inst */
	NF_OVPN_A_PEER,			/* nest: nf_ovpn_a_peer */
	NF_OVPN_A_KEYCONF,		/* nest: nf_ovpn_a_keyconf */
	NF_OVPN_A_STATUS,		/* nest: nf_ovpn_a_status */

	__NF_OVPN_A_MAX,
	NF_OVPN_A_MAX = __NF_OVPN_A_MAX - 1
};

enum nf_ovpn_a_inst {
	NF_OVPN_A_INST_UNSPEC,
	NF_OVPN_A_INST_IFNAME,		/* string, reply only */
	NF_OVPN_A_INST_MODE,		/* u8: enum nf_ovpn_mode */
	NF_OVPN_A_INST_LOCAL_IPV4,	/* binary 4: 0.0.0.0 or absent = any */
	NF_OVPN_A_INST_LOCAL_IPV6,	/* binary 16: :: or absent = any */
	NF_OVPN_A_INST_LOCAL_PORT,	/* be16: the OpenVPN UDP socket's port */
	NF_OVPN_A_INST_ID,		/* u32, reply only: id used in conntrack tags */
	NF_OVPN_A_INST_PEER_COUNT,	/* u32, reply only */
	NF_OVPN_A_INST_STATS,		/* nest: nf_ovpn_a_stats, reply only */
	NF_OVPN_A_INST_PAD,
	NF_OVPN_A_INST_PERSIST,		/* flag: not owned by the requesting
					 * socket; lives until INST_DEL, its
					 * device or netns goes (CLI, tests)
					 */
	NF_OVPN_A_INST_MARK,		/* u32: the socket's SO_MARK */
	NF_OVPN_A_INST_BIND_IFINDEX,	/* u32: the socket's SO_BINDTODEVICE */

	__NF_OVPN_A_INST_MAX,
	NF_OVPN_A_INST_MAX = __NF_OVPN_A_INST_MAX - 1
};

enum nf_ovpn_a_peer {
	NF_OVPN_A_PEER_UNSPEC,
	NF_OVPN_A_PEER_ID,		/* u32, 0..0xFFFFFF */
	NF_OVPN_A_PEER_REMOTE_IPV4,	/* binary 4 */
	NF_OVPN_A_PEER_REMOTE_IPV6,	/* binary 16 */
	NF_OVPN_A_PEER_REMOTE_IPV6_SCOPE_ID, /* u32 */
	NF_OVPN_A_PEER_REMOTE_PORT,	/* be16 */
	NF_OVPN_A_PEER_LOCAL_IPV4,	/* binary 4: source for TX (optional) */
	NF_OVPN_A_PEER_LOCAL_IPV6,	/* binary 16: source for TX (optional) */
	NF_OVPN_A_PEER_VPN_IPV4,	/* binary 4 */
	NF_OVPN_A_PEER_VPN_IPV6,	/* binary 16 */
	NF_OVPN_A_PEER_IROUTE,		/* nest: nf_ovpn_a_iroute, multi-attr */
	NF_OVPN_A_PEER_KEEPALIVE_INTERVAL, /* u32 seconds, 0 = off */
	NF_OVPN_A_PEER_KEEPALIVE_TIMEOUT, /* u32 seconds, 0 = off */
	NF_OVPN_A_PEER_DEL_REASON,	/* u32: enum nf_ovpn_del_reason */
	NF_OVPN_A_PEER_RX_IDLE_MS,	/* u32, reply only */
	NF_OVPN_A_PEER_TX_IDLE_MS,	/* u32, reply only */
	NF_OVPN_A_PEER_STATS,		/* nest: nf_ovpn_a_stats, reply only */
	NF_OVPN_A_PEER_KEYCONF,		/* nest: nf_ovpn_a_keyconf, multi, reply
					 * only, never carries key material
					 */
	NF_OVPN_A_PEER_PAD,

	__NF_OVPN_A_PEER_MAX,
	NF_OVPN_A_PEER_MAX = __NF_OVPN_A_PEER_MAX - 1
};

enum nf_ovpn_a_iroute {
	NF_OVPN_A_IROUTE_UNSPEC,
	NF_OVPN_A_IROUTE_IPV4,		/* binary 4 */
	NF_OVPN_A_IROUTE_IPV6,		/* binary 16 */
	NF_OVPN_A_IROUTE_PREFIXLEN,	/* u8 */

	__NF_OVPN_A_IROUTE_MAX,
	NF_OVPN_A_IROUTE_MAX = __NF_OVPN_A_IROUTE_MAX - 1
};

enum nf_ovpn_a_keyconf {
	NF_OVPN_A_KEYCONF_UNSPEC,
	NF_OVPN_A_KEYCONF_PEER_ID,	/* u32 */
	NF_OVPN_A_KEYCONF_SLOT,		/* u32: enum nf_ovpn_key_slot */
	NF_OVPN_A_KEYCONF_KEY_ID,	/* u32, 0..7 */
	NF_OVPN_A_KEYCONF_CIPHER_ALG,	/* u32: enum nf_ovpn_cipher */
	NF_OVPN_A_KEYCONF_ENCRYPT_DIR,	/* nest: nf_ovpn_a_keydir */
	NF_OVPN_A_KEYCONF_DECRYPT_DIR,	/* nest: nf_ovpn_a_keydir */
	NF_OVPN_A_KEYCONF_TX_PKTID,	/* u32: next packet-id to send */
	NF_OVPN_A_KEYCONF_RX_PKTID,	/* u32: highest packet-id accepted */
	NF_OVPN_A_KEYCONF_RX_WINDOW,	/* binary <= 256: replay bitmap, bit i
					 * (byte i/8, bit i%8) = RX_PKTID - i seen
					 */
	NF_OVPN_A_KEYCONF_PAD,

	__NF_OVPN_A_KEYCONF_MAX,
	NF_OVPN_A_KEYCONF_MAX = __NF_OVPN_A_KEYCONF_MAX - 1
};

enum nf_ovpn_a_keydir {
	NF_OVPN_A_KEYDIR_UNSPEC,
	NF_OVPN_A_KEYDIR_CIPHER_KEY,	/* binary 16, 24 or 32 */
	NF_OVPN_A_KEYDIR_NONCE_TAIL,	/* binary 8 */

	__NF_OVPN_A_KEYDIR_MAX,
	NF_OVPN_A_KEYDIR_MAX = __NF_OVPN_A_KEYDIR_MAX - 1
};

/* every counter is a u64 */
enum nf_ovpn_a_stats {
	NF_OVPN_A_STATS_UNSPEC,
	NF_OVPN_A_STATS_RX_PACKETS,	/* decrypted by the fast path */
	NF_OVPN_A_STATS_RX_BYTES,	/* inner bytes */
	NF_OVPN_A_STATS_RX_OUTER_BYTES,
	NF_OVPN_A_STATS_TX_PACKETS,	/* encrypted by the fast path */
	NF_OVPN_A_STATS_TX_BYTES,
	NF_OVPN_A_STATS_TX_OUTER_BYTES,
	NF_OVPN_A_STATS_RX_SLOW,	/* handed to userspace */
	NF_OVPN_A_STATS_TX_SLOW,	/* left to tun/userspace */
	NF_OVPN_A_STATS_KEEPALIVE_RX,
	NF_OVPN_A_STATS_KEEPALIVE_TX,
	NF_OVPN_A_STATS_DROP_AUTH,
	NF_OVPN_A_STATS_DROP_REPLAY,
	NF_OVPN_A_STATS_DROP_MALFORMED,
	NF_OVPN_A_STATS_DROP_NO_KEY,
	NF_OVPN_A_STATS_DROP_SPOOF,
	NF_OVPN_A_STATS_DROP_MTU,
	NF_OVPN_A_STATS_DROP_NO_ROUTE,
	NF_OVPN_A_STATS_DROP_NOMEM,
	NF_OVPN_A_STATS_PAD,
	NF_OVPN_A_STATS_DROP_LOOP,	/* TX nested too deep (tunnel loop) */
	NF_OVPN_A_STATS_DROP_FRAGMENTS,	/* RX datagram in too many pieces */
	NF_OVPN_A_STATS_DROP_FLOAT,	/* RX from another peer's address */

	__NF_OVPN_A_STATS_MAX,
	NF_OVPN_A_STATS_MAX = __NF_OVPN_A_STATS_MAX - 1
};

/* NF_OVPN_A_STATUS_SCOPE: what the counts of a STATUS_GET reply cover */
enum nf_ovpn_status_scope {
	NF_OVPN_STATUS_SCOPE_NETNS,	/* installed in the caller's netns */
	NF_OVPN_STATUS_SCOPE_MODULE,	/* live in the module (host admin) */
};

/* object counts: module-wide live objects (for leak checks) to the host's
 * admin, the caller's netns to anyone else
 */
enum nf_ovpn_a_status {
	NF_OVPN_A_STATUS_UNSPEC,
	NF_OVPN_A_STATUS_INSTANCES,	/* u32 */
	NF_OVPN_A_STATUS_PEERS,		/* u32 */
	NF_OVPN_A_STATUS_KEYS,		/* u32 */
	NF_OVPN_A_STATUS_VERSION,	/* string */
	NF_OVPN_A_STATUS_SCOPE,		/* u32, enum nf_ovpn_status_scope */

	__NF_OVPN_A_STATUS_MAX,
	NF_OVPN_A_STATUS_MAX = __NF_OVPN_A_STATUS_MAX - 1
};

#endif /* _UAPI_LINUX_NF_OVPN_H */
