/* SPDX-License-Identifier: GPL-2.0 */
/*
 * nf_ovpn: a peer is one OpenVPN client instance (server mode) or the one
 * remote (p2p/client mode): its transport address, its VPN addresses and
 * iroutes, its key slots, keepalive and counters.
 */
#ifndef _NF_OVPN_PEER_H
#define _NF_OVPN_PEER_H

#include <linux/in6.h>
#include <linux/refcount.h>
#include <linux/spinlock.h>
#include <linux/timer.h>
#include <linux/workqueue.h>
#include <net/dst_cache.h>
#include <net/genetlink.h>

#include "instance.h"
#include "key.h"

/* a transport endpoint (remote or local UDP address of a peer) */
struct nf_ovpn_endpoint {
	u8 family;		/* AF_INET, AF_INET6, 0 = unset */
	__be16 port;
	u32 scope_id;
	union {
		__be32 ip4;
		struct in6_addr ip6;
	} addr;
};

struct nf_ovpn_peer {
	struct nf_ovpn_inst *inst;	/* holds a reference */
	u32 id;
	u32 gen;		/* module-wide, so stale conntrack tags miss */
	/* one reference for inst->peers, one for a pending timer or work,
	 * one per datapath user that leaves RCU (async crypto)
	 */
	refcount_t refcnt;
	struct rcu_head rcu;
	/* set once under nf_ovpn_net.lock when the peer leaves inst->peers;
	 * timers and work check it and stop
	 */
	bool dead;
	u8 del_reason;
	/* removal: keys taken from the slots, and the batch of peers that
	 * share one grace period (peer.c, under nf_ovpn_net.lock)
	 */
	struct nf_ovpn_key *gone_keys[2];
	struct list_head gone_node;

	/* protects remote and local (float updates from the RX path);
	 * remote changes also hold inst->remote_lock, outside this one
	 */
	spinlock_t lock;
	/* remote and local: written under lock inside a write section of
	 * ep_seq, read locklessly per packet (RX source check, TX)
	 */
	seqcount_spinlock_t ep_seq;
	struct nf_ovpn_endpoint remote;
	/* in inst->remote_hash while live and remote is set */
	struct hlist_node remote_node;
	bool remote_hashed;
	struct nf_ovpn_endpoint local;
	struct dst_cache dst_cache;

	bool has_vpn4, has_vpn6;
	__be32 vpn4;
	struct in6_addr vpn6;
	/* routes (VPN addresses + iroutes) owned by this peer; under
	 * nf_ovpn_net.lock
	 */
	struct list_head routes;

	/* key slots: written under nf_ovpn_net.lock, read under RCU */
	struct nf_ovpn_key __rcu *keys[2];

	/* keepalive, in jiffies; 0 = off */
	unsigned long ka_interval, ka_timeout;
	unsigned long last_rx, last_tx;	/* READ_ONCE/WRITE_ONCE */
	unsigned long last_ping;	/* keepalive timer only */
	struct timer_list ka_timer;
	/* deferred work from atomic context: expiry, notifications */
	struct work_struct work;
	unsigned long work_flags;	/* NF_OVPN_PEER_WORK_* bits */

	struct nf_ovpn_pcpu_stats __percpu *stats;
};

enum {
	NF_OVPN_PEER_WORK_EXPIRE,	/* keepalive timeout: remove */
	NF_OVPN_PEER_WORK_FLOAT,	/* remote changed: notify */
	NF_OVPN_PEER_WORK_KEY_WRAP,	/* TX pktid near wrap: notify */
};

/* configuration as parsed from netlink (PEER_NEW / PEER_SET) */
struct nf_ovpn_peer_config {
	u32 id;
	struct nf_ovpn_endpoint remote, local;
	bool has_remote, has_local;
	bool has_vpn4, has_vpn6;
	__be32 vpn4;
	struct in6_addr vpn6;
	bool has_iroutes;	/* replace the iroute list */
	unsigned int n_iroutes;
	struct nf_ovpn_route *iroutes;	/* n_iroutes entries, caller frees */
	bool has_keepalive;
	u32 ka_interval, ka_timeout;	/* seconds */
};

/* control plane: process context, caller holds nf_ovpn_net.lock */
struct nf_ovpn_peer *nf_ovpn_peer_new(struct nf_ovpn_inst *inst,
				      const struct nf_ovpn_peer_config *cfg,
				      struct netlink_ext_ack *extack);
int nf_ovpn_peer_set(struct nf_ovpn_peer *peer,
		     const struct nf_ovpn_peer_config *cfg,
		     struct netlink_ext_ack *extack);
void nf_ovpn_peer_remove(struct nf_ovpn_peer *peer, u8 reason);
/* every peer of @inst, sharing one grace period */
void nf_ovpn_peer_remove_all(struct nf_ovpn_inst *inst, u8 reason);
/* ... and answer the PEER_DEL request @info with the handed-back state */
void nf_ovpn_peer_remove_reply(struct nf_ovpn_peer *peer, u8 reason,
			       struct genl_info *info);
struct nf_ovpn_peer *nf_ovpn_peer_by_id(struct nf_ovpn_inst *inst, u32 id);
int nf_ovpn_peer_key_install(struct nf_ovpn_peer *peer, unsigned int slot,
			     struct nf_ovpn_key *key);
int nf_ovpn_peer_key_swap(struct nf_ovpn_peer *peer);
struct nf_ovpn_key *nf_ovpn_peer_key_take(struct nf_ovpn_peer *peer,
					  unsigned int slot);
struct nf_ovpn_key *nf_ovpn_peer_key_slot(struct nf_ovpn_peer *peer,
					  unsigned int slot);

bool nf_ovpn_peer_route_is_vpn(const struct nf_ovpn_peer *peer,
			       const struct nf_ovpn_route *r);

/* module-wide live peer count */
extern atomic_t nf_ovpn_nr_peers;

/* datapath: peer by id under rcu_read_lock(), no reference taken */
struct nf_ovpn_peer *nf_ovpn_peer_by_id_rcu(struct nf_ovpn_inst *inst,
					    u32 id);
/* the only peer of a p2p instance, or NULL */
struct nf_ovpn_peer *nf_ovpn_peer_p2p_rcu(struct nf_ovpn_inst *inst);

static inline bool __must_check nf_ovpn_peer_hold(struct nf_ovpn_peer *peer)
{
	return refcount_inc_not_zero(&peer->refcnt);
}

void nf_ovpn_peer_put(struct nf_ovpn_peer *peer);

/* defer @bit (NF_OVPN_PEER_WORK_*) to process context; any context */
void nf_ovpn_peer_schedule(struct nf_ovpn_peer *peer, int bit);

/* the RX path saw an authenticated packet from @from to local address
 * @to: float if it moved, and answer from @to from now on.  False when
 * @from is another live peer's endpoint: the float is refused (as OpenVPN
 * refuses it) and the caller drops the packet.
 */
bool nf_ovpn_peer_rx_from(struct nf_ovpn_peer *peer,
			  const struct nf_ovpn_endpoint *from,
			  const struct nf_ovpn_endpoint *to);
/* the local address went away: routing picks one until the next RX */
void nf_ovpn_peer_forget_local(struct nf_ovpn_peer *peer);

/* the live peer whose remote endpoint is @ep, or NULL; no reference taken,
 * caller holds rcu_read_lock().  Any context.
 */
struct nf_ovpn_peer *nf_ovpn_peer_by_remote_rcu(struct nf_ovpn_inst *inst,
						const struct nf_ovpn_endpoint *ep);

bool nf_ovpn_endpoint_equal(const struct nf_ovpn_endpoint *a,
			    const struct nf_ovpn_endpoint *b);

/* snapshot of the remote/local endpoints for TX */
void nf_ovpn_peer_endpoints(struct nf_ovpn_peer *peer,
			    struct nf_ovpn_endpoint *remote,
			    struct nf_ovpn_endpoint *local);

/* true when @family/@addr is one of the peer's VPN addresses or iroutes */
bool nf_ovpn_peer_owns_addr_rcu(struct nf_ovpn_peer *peer, u8 family,
				const void *addr);

#endif /* _NF_OVPN_PEER_H */
