/* SPDX-License-Identifier: GPL-2.0 */
/*
 * nf_ovpn: an instance is one OpenVPN process's data channel in one netns:
 * its tun device, its UDP socket's local address/port and its peers.
 */
#ifndef _NF_OVPN_INSTANCE_H
#define _NF_OVPN_INSTANCE_H

#include <linux/in6.h>
#include <linux/netdevice.h>
#include <linux/rculist.h>
#include <linux/refcount.h>
#include <linux/siphash.h>
#include <linux/spinlock.h>
#include <linux/xarray.h>
#include <net/gro_cells.h>

#include "nf_ovpn.h"
#include "stats.h"

struct nf_ovpn_peer;

#define NF_OVPN_REMOTE_HASH_BITS	9

struct nf_ovpn_inst {
	/* in nf_ovpn_net.instances: written under nf_ovpn_net.lock, read
	 * under RCU by the hooks
	 */
	struct list_head node;
	struct rcu_head rcu;
	/* one reference for the instances list, one per peer, and one per
	 * datapath user that leaves RCU (async crypto)
	 */
	refcount_t refcnt;
	struct nf_ovpn_net *on;
	struct net *net;	/* not refcounted: the instance dies with it */
	u32 id;			/* module-wide, used in conntrack tags */
	u32 portid;		/* owning netlink socket, 0 = none */
	bool dead;		/* set under nf_ovpn_net.lock on removal */

	/* the tun device: held (dev_tracker) until the instance is removed,
	 * which at the latest happens on its NETDEV_UNREGISTER
	 */
	struct net_device *dev;
	netdevice_tracker dev_tracker;
	/* decrypted packets enter the stack through these per-CPU NAPI
	 * contexts on dev, so that GRO merges them (as a tunnel driver's
	 * own RX would); set up with dev, torn down after the last RCU
	 * reader of a removed instance
	 */
	struct gro_cells gro_cells;
	int ifindex;

	u8 mode;		/* enum nf_ovpn_mode */
	__be32 local_ip4;	/* 0 = any */
	struct in6_addr local_ip6;	/* :: = any */
	bool has_ip4, has_ip6;
	__be16 local_port;
	/* the OpenVPN socket's SO_MARK and SO_BINDTODEVICE (0 = none): what
	 * the kernel sends carries and is routed by them, RX takes only
	 * packets that arrived on the bound device (or in its VRF)
	 */
	u32 mark;
	int bind_ifindex;

	/* peer-id -> peer; writes under nf_ovpn_net.lock (xa_lock inside),
	 * reads under RCU
	 */
	struct xarray peers;
	unsigned int npeers;	/* under nf_ovpn_net.lock */

	/* protects the VPN address / iroute table below (writers, BH) */
	spinlock_t vpn_lock;
	struct hlist_head vpn_hash[256];	/* host addresses, RCU */
	struct list_head iroutes;	/* prefixes, longest first, RCU */
	/* bumped (under vpn_lock, release) after every change of the two
	 * tables above; inner-flow tags remember it (ct.h)
	 */
	u32 route_gen;

	/* peers by remote endpoint (transport address), for P_DATA_V1 and
	 * for refusing a float onto another peer's address.  remote_lock
	 * (BH) protects the table and every write of a peer's remote;
	 * lookups take it too (one lock per lookup, whatever the number of
	 * peers), so they see whole endpoints (peer.c).  Keyed
	 * with a random key per instance: senders cannot aim at a bucket.
	 */
	spinlock_t remote_lock;
	siphash_key_t remote_key;
	struct hlist_head remote_hash[1 << NF_OVPN_REMOTE_HASH_BITS];

	struct nf_ovpn_pcpu_stats __percpu *stats;
};

/* one address or prefix routed to a peer (VPN address or iroute) */
struct nf_ovpn_route {
	struct hlist_node hnode;	/* vpn_hash, host routes */
	struct list_head lnode;		/* iroutes, prefixes */
	struct list_head peer_node;	/* nf_ovpn_peer.routes */
	struct rcu_head rcu;
	u32 peer_id;
	u8 family;		/* AF_INET / AF_INET6 */
	u8 prefixlen;
	union {
		__be32 ip4;
		struct in6_addr ip6;
	} addr;
};

struct nf_ovpn_inst_config {
	int ifindex;
	u8 mode;
	bool has_ip4, has_ip6;
	__be32 local_ip4;
	struct in6_addr local_ip6;
	__be16 local_port;
	u32 mark;
	int bind_ifindex;
	u32 portid;
};

struct nf_ovpn_inst *nf_ovpn_inst_new(struct net *net,
				      const struct nf_ovpn_inst_config *cfg,
				      struct netlink_ext_ack *extack);
void nf_ovpn_inst_remove(struct nf_ovpn_inst *inst, u8 reason);
void nf_ovpn_inst_flush(struct nf_ovpn_net *on, u8 reason);

/* STATUS_GET for one netns */
struct nf_ovpn_counts {
	u32 instances, peers, keys;
};

void nf_ovpn_net_count(struct nf_ovpn_net *on, struct nf_ovpn_counts *c);
void nf_ovpn_inst_release_portid(struct net *net, u32 portid);

/* control plane lookups: caller holds nf_ovpn_net.lock */
struct nf_ovpn_inst *nf_ovpn_inst_by_ifindex(struct nf_ovpn_net *on,
					     int ifindex);

/* datapath lookups: caller holds rcu_read_lock(); no reference taken */
struct nf_ovpn_inst *nf_ovpn_inst_by_sock_rcu(struct net *net,
					      const struct net_device *in,
					      u8 family, const void *daddr,
					      __be16 dport);
struct nf_ovpn_inst *nf_ovpn_inst_by_dev_rcu(const struct net_device *dev);
/* the same by the device's ifindex in @net (0: none) */
struct nf_ovpn_inst *nf_ovpn_inst_by_ifindex_rcu(struct net *net, int ifindex);

/* peer-id of the peer owning @addr (longest prefix), or -ENOENT */
int nf_ovpn_inst_route_lookup_rcu(struct nf_ovpn_inst *inst, u8 family,
				  const void *addr);

/* address table writers: caller holds nf_ovpn_net.lock */
int nf_ovpn_inst_route_owner(struct nf_ovpn_inst *inst,
			     const struct nf_ovpn_route *want);
void nf_ovpn_inst_route_add(struct nf_ovpn_inst *inst, struct nf_ovpn_route *r);
void nf_ovpn_inst_route_del(struct nf_ovpn_inst *inst, struct nf_ovpn_route *r);

void nf_ovpn_inst_put(struct nf_ovpn_inst *inst);

/* module-wide live instance count */
extern atomic_t nf_ovpn_nr_instances;

static inline void nf_ovpn_inst_hold(struct nf_ovpn_inst *inst)
{
	refcount_inc(&inst->refcnt);
}

#endif /* _NF_OVPN_INSTANCE_H */
