/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Plain C views of nf_ovpn objects, filled from netlink replies (parse.c)
 * and printed by format.c.  Nothing here knows about sockets, so the
 * formatting and parsing code can be unit tested on hand-made values.
 */
#ifndef NFOVPN_MODEL_H
#define NFOVPN_MODEL_H

#include <net/if.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include "../kmod/uapi/nf_ovpn.h"

/* family == AF_UNSPEC means "absent" */
struct nfo_addr {
	sa_family_t family;
	uint8_t a[16];
};

struct nfo_iroute {
	struct nfo_addr addr;
	uint8_t prefixlen;
};

/* v[] is indexed by enum nf_ovpn_a_stats; unknown counters are ignored */
struct nfo_stats {
	bool present;
	uint64_t v[NF_OVPN_A_STATS_MAX + 1];
};

struct nfo_key {
	bool has_peer_id, has_slot, has_key_id, has_cipher;
	bool has_tx_pktid, has_rx_pktid;
	uint32_t peer_id;
	uint32_t slot;
	uint32_t key_id;
	uint32_t cipher;
	uint32_t tx_pktid;
	uint32_t rx_pktid;
	size_t rx_window_len;		/* 0 = absent */
	uint8_t rx_window[NF_OVPN_REPLAY_WINDOW / 8];
};

#define NFO_MAX_KEYS 2			/* primary + secondary */

struct nfo_peer {
	uint32_t ifindex;
	bool has_id;
	uint32_t id;
	struct nfo_addr remote;
	uint32_t remote_scope_id;	/* 0 = none */
	bool has_remote_port;
	uint16_t remote_port;		/* host order */
	struct nfo_addr local4, local6;
	struct nfo_addr vpn4, vpn6;
	struct nfo_iroute *iroutes;	/* malloc'd, see nfo_peer_free() */
	size_t n_iroutes;
	bool has_ka_interval, has_ka_timeout;
	uint32_t ka_interval, ka_timeout;
	bool has_rx_idle, has_tx_idle;
	uint32_t rx_idle_ms, tx_idle_ms;
	bool has_del_reason;
	uint32_t del_reason;
	struct nfo_stats stats;
	struct nfo_key keys[NFO_MAX_KEYS];
	size_t n_keys;
};

struct nfo_inst {
	uint32_t ifindex;
	char ifname[IF_NAMESIZE];	/* "" when unknown */
	bool has_mode, has_port, has_id, has_peer_count;
	uint8_t mode;
	struct nfo_addr local4, local6;
	uint16_t port;			/* host order */
	uint32_t id;
	uint32_t peer_count;
	uint32_t mark, bind_ifindex;	/* 0 = none */
	struct nfo_stats stats;
	struct nfo_peer *peers;		/* malloc'd, see nfo_inst_free() */
	size_t n_peers;
};

struct nfo_status {
	bool has_instances, has_peers, has_keys, has_scope;
	uint32_t instances, peers, keys;
	uint32_t scope;			/* enum nf_ovpn_status_scope */
	char version[64];
};

/* a multicast notification */
struct nfo_event {
	uint8_t cmd;			/* NF_OVPN_CMD_*_NTF */
	uint32_t ifindex;
	char ifname[IF_NAMESIZE];	/* filled by the caller, "" if gone */
	bool has_peer, has_key;
	struct nfo_peer peer;
	struct nfo_key key;
};

void nfo_peer_free(struct nfo_peer *p);
void nfo_inst_free(struct nfo_inst *in);
void nfo_inst_array_free(struct nfo_inst *arr, size_t n);

#endif /* NFOVPN_MODEL_H */
