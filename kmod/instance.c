// SPDX-License-Identifier: GPL-2.0
/*
 * nf_ovpn: instances (one per OpenVPN process and tun device) and their
 * address table (VPN addresses and iroutes -> peer-id, longest prefix).
 *
 * Lifetime: an instance is created by INST_NEW and sits on
 * nf_ovpn_net.instances until INST_DEL, the owning netlink socket closing,
 * its tun device going away, netns exit or rmmod; all of these run in
 * process context under nf_ovpn_net.lock and end in nf_ovpn_inst_remove().
 * Readers (the hooks) find it under RCU; the memory is freed by RCU after
 * the last reference (list, peers, in-flight crypto) is gone.
 */

#include <linux/etherdevice.h>
#include <linux/hash.h>
#include <linux/idr.h>
#include <linux/if_arp.h>
#include <linux/inetdevice.h>
#include <linux/random.h>
#include <linux/slab.h>
#include <net/ipv6.h>

#include "datapath.h"
#include "instance.h"
#include "quota.h"
#include "netlink.h"
#include "peer.h"

static DEFINE_IDA(nf_ovpn_inst_ida);
atomic_t nf_ovpn_nr_instances = ATOMIC_INIT(0);

static void inst_free_rcu(struct rcu_head *head)
{
	struct nf_ovpn_inst *inst = container_of(head, struct nf_ovpn_inst, rcu);

	nf_ovpn_stats_free(inst->stats);
	ida_free(&nf_ovpn_inst_ida, inst->id);
	kfree(inst);
	atomic_dec(&nf_ovpn_nr_instances);
}

void nf_ovpn_inst_put(struct nf_ovpn_inst *inst)
{
	if (refcount_dec_and_test(&inst->refcnt))
		call_rcu(&inst->rcu, inst_free_rcu);
}

struct nf_ovpn_inst *nf_ovpn_inst_by_ifindex(struct nf_ovpn_net *on,
					     int ifindex)
{
	struct nf_ovpn_inst *inst;

	lockdep_assert_held(&on->lock);
	list_for_each_entry(inst, &on->instances, node)
		if (inst->ifindex == ifindex)
			return inst;
	return NULL;
}

/* instances of one netns */
/**
 * nf_ovpn_net_count - what one netns has installed
 * @on: the netns' state
 * @c: filled with its instances, their peers and the keys in their slots
 *
 * Walks the tables under nf_ovpn_net.lock (a control-plane query, not a
 * fast path); unlike the module-wide counters it sees only what is
 * installed, not objects whose release is still pending.
 */
void nf_ovpn_net_count(struct nf_ovpn_net *on, struct nf_ovpn_counts *c)
{
	struct nf_ovpn_inst *inst;
	struct nf_ovpn_peer *peer;
	unsigned long id;
	unsigned int slot;

	memset(c, 0, sizeof(*c));
	mutex_lock(&on->lock);
	list_for_each_entry(inst, &on->instances, node) {
		c->instances++;
		xa_for_each(&inst->peers, id, peer) {
			c->peers++;
			for (slot = 0; slot < ARRAY_SIZE(peer->keys); slot++)
				if (nf_ovpn_peer_key_slot(peer, slot))
					c->keys++;
		}
	}
	mutex_unlock(&on->lock);
}

static unsigned int inst_count(struct nf_ovpn_net *on)
{
	struct nf_ovpn_inst *inst;
	unsigned int n = 0;

	lockdep_assert_held(&on->lock);
	list_for_each_entry(inst, &on->instances, node)
		n++;
	return n;
}

/*
 * Which destination addresses of one family an instance takes, as the
 * OpenVPN socket it stands for would: an explicit address, the family's
 * "any" address (0.0.0.0, ::), or no address at all for either family
 * (any); bound to the other family only: none.
 */
enum bind_scope { BIND_NONE, BIND_ONE, BIND_ANY };

static enum bind_scope bind_scope4(bool has_ip4, __be32 ip4, bool has_ip6)
{
	if (has_ip4)
		return ip4 ? BIND_ONE : BIND_ANY;
	return has_ip6 ? BIND_NONE : BIND_ANY;
}

static enum bind_scope bind_scope6(bool has_ip6, const struct in6_addr *ip6,
				   bool has_ip4)
{
	if (has_ip6)
		return ipv6_addr_any(ip6) ? BIND_ANY : BIND_ONE;
	return has_ip4 ? BIND_NONE : BIND_ANY;
}

static bool bind_overlap(enum bind_scope a, enum bind_scope b, bool same)
{
	if (a == BIND_NONE || b == BIND_NONE)
		return false;
	return a == BIND_ANY || b == BIND_ANY || same;
}

/* two instances on one port must not both take a packet */
static bool inst_sock_clash(struct nf_ovpn_net *on,
			    const struct nf_ovpn_inst_config *cfg)
{
	enum bind_scope c4 = bind_scope4(cfg->has_ip4, cfg->local_ip4,
					 cfg->has_ip6);
	enum bind_scope c6 = bind_scope6(cfg->has_ip6, &cfg->local_ip6,
					 cfg->has_ip4);
	struct nf_ovpn_inst *inst;

	list_for_each_entry(inst, &on->instances, node) {
		if (inst->local_port != cfg->local_port)
			continue;
		if (bind_overlap(bind_scope4(inst->has_ip4, inst->local_ip4,
					     inst->has_ip6), c4,
				 inst->local_ip4 == cfg->local_ip4) ||
		    bind_overlap(bind_scope6(inst->has_ip6, &inst->local_ip6,
					     inst->has_ip4), c6,
				 ipv6_addr_equal(&inst->local_ip6,
						 &cfg->local_ip6)))
			return true;
	}
	return false;
}

struct nf_ovpn_inst *nf_ovpn_inst_new(struct net *net,
				      const struct nf_ovpn_inst_config *cfg,
				      struct netlink_ext_ack *extack)
{
	struct nf_ovpn_net *on = nf_ovpn_pernet(net);
	struct nf_ovpn_inst *inst;
	struct net_device *dev;
	int err, i;

	lockdep_assert_held(&on->lock);

	if (nf_ovpn_inst_by_ifindex(on, cfg->ifindex)) {
		NL_SET_ERR_MSG_MOD(extack, "device already has an instance");
		return ERR_PTR(-EEXIST);
	}
	if (inst_sock_clash(on, cfg)) {
		NL_SET_ERR_MSG_MOD(extack,
				   "another instance uses this local address and port");
		return ERR_PTR(-EADDRINUSE);
	}
	if (inst_count(on) >= READ_ONCE(nf_ovpn_max_instances)) {
		NL_SET_ERR_MSG_MOD(extack,
				   "netns is at its max_instances module parameter");
		return ERR_PTR(-ENOSPC);
	}
	inst = kzalloc(sizeof(*inst), GFP_KERNEL_ACCOUNT);
	if (!inst)
		return ERR_PTR(-ENOMEM);
	err = ida_alloc_min(&nf_ovpn_inst_ida, 1, GFP_KERNEL);
	if (err < 0)
		goto err_free;
	inst->id = err;
	atomic_inc(&nf_ovpn_nr_instances);
	refcount_set(&inst->refcnt, 1);
	inst->on = on;
	inst->net = net;
	inst->portid = cfg->portid;
	inst->ifindex = cfg->ifindex;
	inst->mode = cfg->mode;
	inst->has_ip4 = cfg->has_ip4;
	inst->local_ip4 = cfg->local_ip4;
	inst->has_ip6 = cfg->has_ip6;
	inst->local_ip6 = cfg->local_ip6;
	inst->local_port = cfg->local_port;
	inst->mark = cfg->mark;
	inst->bind_ifindex = cfg->bind_ifindex;
	xa_init_flags(&inst->peers, XA_FLAGS_LOCK_BH);
	spin_lock_init(&inst->vpn_lock);
	spin_lock_init(&inst->remote_lock);
	get_random_bytes(&inst->remote_key, sizeof(inst->remote_key));
	for (i = 0; i < ARRAY_SIZE(inst->remote_hash); i++)
		INIT_HLIST_HEAD(&inst->remote_hash[i]);
	for (i = 0; i < ARRAY_SIZE(inst->vpn_hash); i++)
		INIT_HLIST_HEAD(&inst->vpn_hash[i]);
	INIT_LIST_HEAD(&inst->iroutes);

	inst->stats = nf_ovpn_stats_alloc();
	if (!inst->stats) {
		err = -ENOMEM;
		goto err_put;
	}

	dev = dev_get_by_index(net, cfg->ifindex);
	if (!dev) {
		NL_SET_ERR_MSG_MOD(extack, "no such device");
		err = -ENODEV;
		goto err_put;
	}
	if (dev->type != ARPHRD_NONE) {
		/* tun in IFF_TUN mode; tap/ethernet would need L2 framing */
		NL_SET_ERR_MSG_MOD(extack, "device is not a tun (layer 3) device");
		dev_put(dev);
		err = -EOPNOTSUPP;
		goto err_put;
	}
	/* dev_get_by_index()'s reference becomes the instance's, tracked */
	inst->dev = dev;
	netdev_tracker_alloc(dev, &inst->dev_tracker, GFP_KERNEL);
	err = gro_cells_init(&inst->gro_cells, dev);
	if (err)
		goto err_dev;

	if (list_empty(&on->instances)) {
		err = nf_ovpn_hooks_register(net);
		if (err) {
			NL_SET_ERR_MSG_MOD(extack, "cannot register netfilter hooks");
			goto err_dev;
		}
	}
	list_add_tail_rcu(&inst->node, &on->instances);
	return inst;

err_dev:
	gro_cells_destroy(&inst->gro_cells);
	netdev_put(inst->dev, &inst->dev_tracker);
	inst->dev = NULL;
err_put:
	nf_ovpn_inst_put(inst);
	return ERR_PTR(err);
err_free:
	kfree(inst);
	return ERR_PTR(err);
}

/*
 * Remove @inst and every peer of it.  Called under nf_ovpn_net.lock from
 * every removal path; the instance may still be referenced by packets in
 * flight, which see inst->dead / the empty peer table and give up.
 */
void nf_ovpn_inst_remove(struct nf_ovpn_inst *inst, u8 reason)
{
	struct nf_ovpn_net *on = inst->on;

	lockdep_assert_held(&on->lock);
	if (inst->dead)
		return;
	inst->dead = true;

	nf_ovpn_peer_remove_all(inst, reason);

	list_del_rcu(&inst->node);
	if (list_empty(&on->instances))
		nf_ovpn_hooks_unregister(inst->net);
	/* hooks that still see the instance finish under RCU before the
	 * device reference is dropped: rx/tx only touch inst->dev under RCU
	 */
	synchronize_net();
	gro_cells_destroy(&inst->gro_cells);
	netdev_put(inst->dev, &inst->dev_tracker);
	nf_ovpn_inst_put(inst);
}

void nf_ovpn_inst_flush(struct nf_ovpn_net *on, u8 reason)
{
	struct nf_ovpn_inst *inst, *tmp;

	mutex_lock(&on->lock);
	list_for_each_entry_safe(inst, tmp, &on->instances, node)
		nf_ovpn_inst_remove(inst, reason);
	mutex_unlock(&on->lock);
}

/* the netlink socket @portid closed: remove what it owned */
void nf_ovpn_inst_release_portid(struct net *net, u32 portid)
{
	struct nf_ovpn_net *on = nf_ovpn_pernet(net);
	struct nf_ovpn_inst *inst, *tmp;

	mutex_lock(&on->lock);
	list_for_each_entry_safe(inst, tmp, &on->instances, node)
		if (inst->portid == portid)
			nf_ovpn_inst_remove(inst, NF_OVPN_DEL_RELEASED);
	mutex_unlock(&on->lock);
}

static bool inst_matches_sock(const struct nf_ovpn_inst *inst, u8 family,
			      const void *daddr)
{
	enum bind_scope scope;

	if (family == AF_INET) {
		scope = bind_scope4(inst->has_ip4, inst->local_ip4,
				    inst->has_ip6);
		return scope == BIND_ANY ||
		       (scope == BIND_ONE &&
			inst->local_ip4 == *(const __be32 *)daddr);
	}
	scope = bind_scope6(inst->has_ip6, &inst->local_ip6, inst->has_ip4);
	return scope == BIND_ANY ||
	       (scope == BIND_ONE && ipv6_addr_equal(&inst->local_ip6, daddr));
}

/* a socket bound to a device hears only what arrives on it (a VRF
 * device: on any of its ports)
 */
static bool inst_hears_dev(const struct nf_ovpn_inst *inst,
			   const struct net_device *in)
{
	return !inst->bind_ifindex ||
	       (in && (in->ifindex == inst->bind_ifindex ||
		       l3mdev_master_ifindex_rcu(in) == inst->bind_ifindex));
}

struct nf_ovpn_inst *nf_ovpn_inst_by_sock_rcu(struct net *net,
					      const struct net_device *in,
					      u8 family, const void *daddr,
					      __be16 dport)
{
	struct nf_ovpn_net *on = nf_ovpn_pernet(net);
	struct nf_ovpn_inst *inst;

	list_for_each_entry_rcu(inst, &on->instances, node)
		if (inst->local_port == dport &&
		    inst_matches_sock(inst, family, daddr) &&
		    inst_hears_dev(inst, in))
			return inst;
	return NULL;
}

struct nf_ovpn_inst *nf_ovpn_inst_by_dev_rcu(const struct net_device *dev)
{
	struct nf_ovpn_net *on = nf_ovpn_pernet(dev_net(dev));
	struct nf_ovpn_inst *inst;

	list_for_each_entry_rcu(inst, &on->instances, node)
		if (inst->dev == dev)
			return inst;
	return NULL;
}

struct nf_ovpn_inst *nf_ovpn_inst_by_ifindex_rcu(struct net *net, int ifindex)
{
	struct nf_ovpn_net *on = nf_ovpn_pernet(net);
	struct nf_ovpn_inst *inst;

	if (!ifindex)
		return NULL;
	list_for_each_entry_rcu(inst, &on->instances, node)
		if (inst->ifindex == ifindex)
			return inst;
	return NULL;
}

/* ---- address table ---- */

static u32 route_hash(u8 family, const void *addr)
{
	if (family == AF_INET)
		return hash_32((__force u32)*(const __be32 *)addr, 8);
	return hash_32(ipv6_addr_hash(addr), 8);
}

static bool prefix_match(const struct nf_ovpn_route *r, const void *addr)
{
	if (r->family == AF_INET) {
		__be32 mask = inet_make_mask(r->prefixlen);

		return !((r->addr.ip4 ^ *(const __be32 *)addr) & mask);
	}
	return ipv6_prefix_equal(&r->addr.ip6, addr, r->prefixlen);
}

static bool route_is_host(const struct nf_ovpn_route *r)
{
	return r->prefixlen == (r->family == AF_INET ? 32 : 128);
}

int nf_ovpn_inst_route_lookup_rcu(struct nf_ovpn_inst *inst, u8 family,
				  const void *addr)
{
	struct nf_ovpn_route *r;

	hlist_for_each_entry_rcu(r, &inst->vpn_hash[route_hash(family, addr)],
				 hnode)
		if (r->family == family && prefix_match(r, addr))
			return r->peer_id;
	/* longest prefix first: the first match wins */
	list_for_each_entry_rcu(r, &inst->iroutes, lnode)
		if (r->family == family && prefix_match(r, addr))
			return r->peer_id;
	return -ENOENT;
}

/**
 * nf_ovpn_inst_route_owner - who already has the very route @want
 * @inst: the instance
 * @want: family, prefix and length to look for (in no table)
 *
 * Caller holds nf_ovpn_net.lock (which every table change also holds).
 * Return: the peer-id of the route's owner, or -ENOENT.
 */
int nf_ovpn_inst_route_owner(struct nf_ovpn_inst *inst,
			     const struct nf_ovpn_route *want)
{
	struct nf_ovpn_route *r;
	int owner = -ENOENT;

	lockdep_assert_held(&inst->on->lock);
	rcu_read_lock();
	if (route_is_host(want)) {
		hlist_for_each_entry_rcu(r, &inst->vpn_hash[route_hash(want->family,
								       &want->addr)],
					 hnode)
			if (r->family == want->family && route_is_host(r) &&
			    r->prefixlen == want->prefixlen &&
			    prefix_match(r, &want->addr)) {
				owner = r->peer_id;
				break;
			}
	} else {
		list_for_each_entry_rcu(r, &inst->iroutes, lnode)
			if (r->family == want->family &&
			    r->prefixlen == want->prefixlen &&
			    prefix_match(r, &want->addr)) {
				owner = r->peer_id;
				break;
			}
	}
	rcu_read_unlock();
	return owner;
}

/* under nf_ovpn_net.lock; @r is owned by the table afterwards */
void nf_ovpn_inst_route_add(struct nf_ovpn_inst *inst, struct nf_ovpn_route *r)
{
	struct nf_ovpn_route *pos;

	spin_lock_bh(&inst->vpn_lock);
	if (route_is_host(r)) {
		hlist_add_head_rcu(&r->hnode,
				   &inst->vpn_hash[route_hash(r->family, &r->addr)]);
	} else {
		list_for_each_entry(pos, &inst->iroutes, lnode)
			if (pos->prefixlen < r->prefixlen)
				break;
		list_add_tail_rcu(&r->lnode, &pos->lnode);
	}
	/* after the table change: pairs with the acquire in tx_peer_rcu() */
	smp_store_release(&inst->route_gen, inst->route_gen + 1);
	spin_unlock_bh(&inst->vpn_lock);
}

void nf_ovpn_inst_route_del(struct nf_ovpn_inst *inst, struct nf_ovpn_route *r)
{
	spin_lock_bh(&inst->vpn_lock);
	if (route_is_host(r))
		hlist_del_rcu(&r->hnode);
	else
		list_del_rcu(&r->lnode);
	/* after the table change: pairs with the acquire in tx_peer_rcu() */
	smp_store_release(&inst->route_gen, inst->route_gen + 1);
	spin_unlock_bh(&inst->vpn_lock);
	kfree_rcu(r, rcu);
}
