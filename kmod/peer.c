// SPDX-License-Identifier: GPL-2.0
/*
 * nf_ovpn: peers.
 *
 * Lifetime: a peer is created by PEER_NEW and published in inst->peers.
 * It leaves the table in nf_ovpn_peer_remove(), always under
 * nf_ovpn_net.lock and exactly once (peer->dead), whoever asks: PEER_DEL,
 * keepalive expiry (through peer->work), instance removal (INST_DEL, the
 * owner's socket closing, the tun device going, netns exit, rmmod).
 * References: the table holds one; the keepalive timer and the work item
 * each hold one while pending; the datapath takes one with
 * nf_ovpn_peer_hold() only when it leaves RCU for async crypto.  The last
 * put frees through RCU, after the key slots have been released.
 */

#include <linux/slab.h>
#include <net/ipv6.h>

#include "datapath.h"
#include "quota.h"
#include "netlink.h"
#include "compat.h"
#include "peer.h"

atomic_t nf_ovpn_nr_peers = ATOMIC_INIT(0);
static atomic_t nf_ovpn_peer_gen = ATOMIC_INIT(0);

static void peer_free_rcu(struct rcu_head *head)
{
	struct nf_ovpn_peer *peer = container_of(head, struct nf_ovpn_peer, rcu);

	dst_cache_destroy(&peer->dst_cache);
	nf_ovpn_stats_free(peer->stats);
	nf_ovpn_inst_put(peer->inst);
	kfree(peer);
	atomic_dec(&nf_ovpn_nr_peers);
}

void nf_ovpn_peer_put(struct nf_ovpn_peer *peer)
{
	if (refcount_dec_and_test(&peer->refcnt))
		call_rcu(&peer->rcu, peer_free_rcu);
}

struct nf_ovpn_peer *nf_ovpn_peer_by_id_rcu(struct nf_ovpn_inst *inst, u32 id)
{
	return xa_load(&inst->peers, id);
}

struct nf_ovpn_peer *nf_ovpn_peer_by_id(struct nf_ovpn_inst *inst, u32 id)
{
	lockdep_assert_held(&inst->on->lock);
	return xa_load(&inst->peers, id);
}

struct nf_ovpn_peer *nf_ovpn_peer_p2p_rcu(struct nf_ovpn_inst *inst)
{
	unsigned long id = 0;

	if (inst->mode != NF_OVPN_MODE_P2P)
		return NULL;
	return xa_find(&inst->peers, &id, ULONG_MAX, XA_PRESENT);
}

/* ---- routes (VPN addresses + iroutes) ---- */

/* a route of @peer, in no table yet (on @list) */
static int route_prepare(struct nf_ovpn_peer *peer, struct list_head *list,
			 u8 family, const void *addr, u8 prefixlen)
{
	struct nf_ovpn_route *r;

	r = kzalloc(sizeof(*r), GFP_KERNEL_ACCOUNT);
	if (!r)
		return -ENOMEM;
	r->peer_id = peer->id;
	r->family = family;
	r->prefixlen = prefixlen;
	if (family == AF_INET)
		r->addr.ip4 = *(const __be32 *)addr;
	else
		r->addr.ip6 = *(const struct in6_addr *)addr;
	list_add_tail(&r->peer_node, list);
	return 0;
}

static void routes_free(struct list_head *list)
{
	struct nf_ovpn_route *r, *tmp;

	list_for_each_entry_safe(r, tmp, list, peer_node) {
		list_del(&r->peer_node);
		kfree(r);
	}
}

/* @r is one of the peer's VPN addresses (not an iroute) */
bool nf_ovpn_peer_route_is_vpn(const struct nf_ovpn_peer *peer,
			       const struct nf_ovpn_route *r)
{
	if (r->family == AF_INET)
		return r->prefixlen == 32 && peer->has_vpn4 &&
		       r->addr.ip4 == peer->vpn4;
	return r->prefixlen == 128 && peer->has_vpn6 &&
	       ipv6_addr_equal(&r->addr.ip6, &peer->vpn6);
}

/* drop every route of @peer */
static void peer_routes_flush(struct nf_ovpn_peer *peer)
{
	struct nf_ovpn_route *r, *tmp;

	list_for_each_entry_safe(r, tmp, &peer->routes, peer_node) {
		list_del(&r->peer_node);
		nf_ovpn_inst_route_del(peer->inst, r);
	}
}

/* what a config makes of the peer's routes: all of them, built aside */
struct peer_routes {
	struct list_head list;
	bool has_vpn4, has_vpn6;
	__be32 vpn4;
	struct in6_addr vpn6;
};

static bool routes_change(const struct nf_ovpn_peer_config *cfg)
{
	return cfg->has_vpn4 || cfg->has_vpn6 || cfg->has_iroutes;
}

/*
 * The complete route set @cfg gives @peer, allocated and checked before
 * anything changes, so that a refused or failed PEER_NEW/PEER_SET leaves
 * the peer as it was: the VPN addresses (given, or kept), then the
 * iroutes (given ones replace all, else kept).  A route another peer of
 * the instance has is refused: two owners would leave it to list order
 * which client gets the traffic.
 */
static int peer_routes_prepare(struct nf_ovpn_peer *peer,
			       const struct nf_ovpn_peer_config *cfg,
			       struct peer_routes *pr,
			       struct netlink_ext_ack *extack)
{
	struct nf_ovpn_route *r;
	unsigned int i;
	int err = 0, owner;

	INIT_LIST_HEAD(&pr->list);
	pr->has_vpn4 = cfg->has_vpn4 || peer->has_vpn4;
	pr->vpn4 = cfg->has_vpn4 ? cfg->vpn4 : peer->vpn4;
	pr->has_vpn6 = cfg->has_vpn6 || peer->has_vpn6;
	pr->vpn6 = cfg->has_vpn6 ? cfg->vpn6 : peer->vpn6;

	if (pr->has_vpn4)
		err = route_prepare(peer, &pr->list, AF_INET, &pr->vpn4, 32);
	if (!err && pr->has_vpn6)
		err = route_prepare(peer, &pr->list, AF_INET6, &pr->vpn6, 128);
	if (cfg->has_iroutes) {
		for (i = 0; i < cfg->n_iroutes && !err; i++)
			err = route_prepare(peer, &pr->list, cfg->iroutes[i].family,
					    &cfg->iroutes[i].addr,
					    cfg->iroutes[i].prefixlen);
	} else {
		list_for_each_entry(r, &peer->routes, peer_node) {
			if (err)
				break;
			if (!nf_ovpn_peer_route_is_vpn(peer, r))
				err = route_prepare(peer, &pr->list, r->family,
						    &r->addr, r->prefixlen);
		}
	}
	if (err) {
		NL_SET_ERR_MSG_MOD(extack, "cannot allocate the peer's routes");
		goto err_free;
	}
	list_for_each_entry(r, &pr->list, peer_node) {
		owner = nf_ovpn_inst_route_owner(peer->inst, r);
		if (owner >= 0 && owner != (int)peer->id) {
			NL_SET_ERR_MSG_MOD(extack,
					   "VPN address or iroute already belongs to another peer");
			err = -EEXIST;
			goto err_free;
		}
	}
	return 0;

err_free:
	routes_free(&pr->list);
	return err;
}

/* install what peer_routes_prepare() built; cannot fail */
static void peer_routes_commit(struct nf_ovpn_peer *peer,
			       struct peer_routes *pr)
{
	struct nf_ovpn_route *r, *tmp;

	/* the new routes first, so no address is without its route
	 * meanwhile (the old ones of the same peer are harmless doubles)
	 */
	list_for_each_entry(r, &pr->list, peer_node)
		nf_ovpn_inst_route_add(peer->inst, r);
	list_for_each_entry_safe(r, tmp, &peer->routes, peer_node) {
		list_del(&r->peer_node);
		nf_ovpn_inst_route_del(peer->inst, r);
	}
	list_splice_init(&pr->list, &peer->routes);
	peer->has_vpn4 = pr->has_vpn4;
	peer->vpn4 = pr->vpn4;
	peer->has_vpn6 = pr->has_vpn6;
	peer->vpn6 = pr->vpn6;
}

/* the peer owns @addr if one of its routes covers it */
bool nf_ovpn_peer_owns_addr_rcu(struct nf_ovpn_peer *peer, u8 family,
				const void *addr)
{
	return nf_ovpn_inst_route_lookup_rcu(peer->inst, family, addr) ==
	       (int)peer->id;
}

/* ---- endpoints and float ---- */

bool nf_ovpn_endpoint_equal(const struct nf_ovpn_endpoint *a,
			    const struct nf_ovpn_endpoint *b)
{
	if (a->family != b->family || a->port != b->port)
		return false;
	if (a->family == AF_INET)
		return a->addr.ip4 == b->addr.ip4;
	return ipv6_addr_equal(&a->addr.ip6, &b->addr.ip6);
}

void nf_ovpn_peer_endpoints(struct nf_ovpn_peer *peer,
			    struct nf_ovpn_endpoint *remote,
			    struct nf_ovpn_endpoint *local)
{
	unsigned int seq;

	do {
		seq = read_seqcount_begin(&peer->ep_seq);
		*remote = peer->remote;
		*local = peer->local;
	} while (read_seqcount_retry(&peer->ep_seq, seq));
}

/* ---- the remote endpoint table (inst->remote_hash) ---- */

static struct hlist_head *remote_bucket(struct nf_ovpn_inst *inst,
					const struct nf_ovpn_endpoint *ep)
{
	struct {
		struct in6_addr addr;
		__be16 port;
		u8 family;
	} __aligned(SIPHASH_ALIGNMENT) k;

	memset(&k, 0, sizeof(k));	/* padding is hashed too */
	if (ep->family == AF_INET)
		k.addr.s6_addr32[0] = ep->addr.ip4;
	else
		k.addr = ep->addr.ip6;
	k.port = ep->port;
	k.family = ep->family;
	return &inst->remote_hash[siphash(&k, sizeof(k), &inst->remote_key) &
				  (ARRAY_SIZE(inst->remote_hash) - 1)];
}

/* caller holds inst->remote_lock */
static struct nf_ovpn_peer *remote_lookup(struct nf_ovpn_inst *inst,
					  const struct nf_ovpn_endpoint *ep)
{
	struct nf_ovpn_peer *peer;

	lockdep_assert_held(&inst->remote_lock);
	hlist_for_each_entry(peer, remote_bucket(inst, ep), remote_node)
		if (nf_ovpn_endpoint_equal(&peer->remote, ep))
			return peer;
	return NULL;
}

/* set the peer's remote and its place in the table; caller holds
 * inst->remote_lock with BH off.  Returns true if the remote changed.
 */
static bool remote_move(struct nf_ovpn_peer *peer,
			const struct nf_ovpn_endpoint *ep)
{
	struct nf_ovpn_inst *inst = peer->inst;
	bool changed;

	lockdep_assert_held(&inst->remote_lock);
	spin_lock(&peer->lock);
	changed = !nf_ovpn_endpoint_equal(&peer->remote, ep);
	if (changed) {
		write_seqcount_begin(&peer->ep_seq);
		peer->remote = *ep;
		/* the old local address may not reach the new remote */
		if (peer->local.family != ep->family)
			memset(&peer->local, 0, sizeof(peer->local));
		write_seqcount_end(&peer->ep_seq);
		dst_cache_reset(&peer->dst_cache);
	}
	spin_unlock(&peer->lock);
	if (peer->remote_hashed && (changed || !ep->family)) {
		hlist_del(&peer->remote_node);
		peer->remote_hashed = false;
	}
	if (!peer->remote_hashed && ep->family && !READ_ONCE(peer->dead)) {
		hlist_add_head(&peer->remote_node, remote_bucket(inst, ep));
		peer->remote_hashed = true;
	}
	return changed;
}

static void remote_unhash(struct nf_ovpn_peer *peer)
{
	struct nf_ovpn_inst *inst = peer->inst;

	spin_lock_bh(&inst->remote_lock);
	if (peer->remote_hashed)
		hlist_del(&peer->remote_node);
	peer->remote_hashed = false;
	spin_unlock_bh(&inst->remote_lock);
}

struct nf_ovpn_peer *nf_ovpn_peer_by_remote_rcu(struct nf_ovpn_inst *inst,
						const struct nf_ovpn_endpoint *ep)
{
	struct nf_ovpn_peer *peer;

	spin_lock_bh(&inst->remote_lock);
	peer = remote_lookup(inst, ep);
	spin_unlock_bh(&inst->remote_lock);
	return peer;
}

/*
 * Answer from the address the peer sent to, as OpenVPN does with
 * --multihome and WireGuard always does: on a host with several addresses
 * routing may pick another source, which a client without --float drops.
 * Caller holds peer->lock.
 */
static void peer_learn_local(struct nf_ovpn_peer *peer,
			     const struct nf_ovpn_endpoint *to)
{
	if (likely(nf_ovpn_endpoint_equal(&peer->local, to) &&
		   peer->local.scope_id == to->scope_id))
		return;
	write_seqcount_begin(&peer->ep_seq);
	peer->local = *to;
	write_seqcount_end(&peer->ep_seq);
	dst_cache_reset(&peer->dst_cache);
}

/* the packet came from the peer's remote to its local address */
static bool peer_endpoints_match(struct nf_ovpn_peer *peer,
				 const struct nf_ovpn_endpoint *from,
				 const struct nf_ovpn_endpoint *to,
				 bool *same_remote)
{
	unsigned int seq;
	bool remote, local;

	do {
		seq = read_seqcount_begin(&peer->ep_seq);
		remote = nf_ovpn_endpoint_equal(&peer->remote, from);
		local = nf_ovpn_endpoint_equal(&peer->local, to) &&
			peer->local.scope_id == to->scope_id;
	} while (read_seqcount_retry(&peer->ep_seq, seq));
	*same_remote = remote;
	return remote && local;
}

/* an authenticated packet arrived from @from: follow the peer if it moved,
 * unless another peer is there
 */
bool nf_ovpn_peer_rx_from(struct nf_ovpn_peer *peer,
			  const struct nf_ovpn_endpoint *from,
			  const struct nf_ovpn_endpoint *to)
{
	struct nf_ovpn_inst *inst = peer->inst;
	struct nf_ovpn_peer *other;
	bool moved, same;

	/* nearly every packet: nothing moved, no lock taken */
	if (likely(peer_endpoints_match(peer, from, to, &same))) {
		WRITE_ONCE(peer->last_rx, jiffies);
		return true;
	}
	if (same) {
		spin_lock_bh(&peer->lock);
		peer_learn_local(peer, to);
		spin_unlock_bh(&peer->lock);
		WRITE_ONCE(peer->last_rx, jiffies);
		return true;
	}

	spin_lock_bh(&inst->remote_lock);
	other = remote_lookup(inst, from);
	if (other && other != peer) {
		spin_unlock_bh(&inst->remote_lock);
		return false;
	}
	moved = remote_move(peer, from);
	spin_unlock_bh(&inst->remote_lock);
	spin_lock_bh(&peer->lock);
	peer_learn_local(peer, to);
	spin_unlock_bh(&peer->lock);
	WRITE_ONCE(peer->last_rx, jiffies);
	if (moved)
		nf_ovpn_peer_schedule(peer, NF_OVPN_PEER_WORK_FLOAT);
	return true;
}

void nf_ovpn_peer_forget_local(struct nf_ovpn_peer *peer)
{
	spin_lock_bh(&peer->lock);
	write_seqcount_begin(&peer->ep_seq);
	memset(&peer->local, 0, sizeof(peer->local));
	write_seqcount_end(&peer->ep_seq);
	dst_cache_reset(&peer->dst_cache);
	spin_unlock_bh(&peer->lock);
}

/* ---- deferred work and keepalive ---- */

void nf_ovpn_peer_schedule(struct nf_ovpn_peer *peer, int bit)
{
	set_bit(bit, &peer->work_flags);
	if (READ_ONCE(peer->dead) || !nf_ovpn_peer_hold(peer))
		return;
	if (!queue_work(nf_ovpn_wq, &peer->work))
		nf_ovpn_peer_put(peer);
}

static void peer_work(struct work_struct *work)
{
	struct nf_ovpn_peer *peer = container_of(work, struct nf_ovpn_peer, work);
	struct nf_ovpn_net *on = peer->inst->on;

	mutex_lock(&on->lock);
	if (!peer->dead) {
		if (test_and_clear_bit(NF_OVPN_PEER_WORK_FLOAT, &peer->work_flags))
			nf_ovpn_nl_notify_float(peer);
		if (test_and_clear_bit(NF_OVPN_PEER_WORK_KEY_WRAP,
				       &peer->work_flags))
			nf_ovpn_nl_notify_key_wrap(peer);
		if (test_and_clear_bit(NF_OVPN_PEER_WORK_EXPIRE,
				       &peer->work_flags))
			nf_ovpn_peer_remove(peer, NF_OVPN_DEL_EXPIRED);
	}
	mutex_unlock(&on->lock);
	nf_ovpn_peer_put(peer);
}

static void peer_ka_arm(struct nf_ovpn_peer *peer)
{
	/* the pending timer holds a reference (dropped by the handler or
	 * by whoever deletes the timer)
	 */
	if (!peer->ka_interval && !peer->ka_timeout)
		return;
	if (!nf_ovpn_peer_hold(peer))
		return;
	if (mod_timer(&peer->ka_timer, jiffies + HZ))
		nf_ovpn_peer_put(peer);	/* was already pending */
}

static void peer_ka_timer(struct timer_list *t)
{
	struct nf_ovpn_peer *peer = timer_container_of(peer, t, ka_timer);
	unsigned long now = jiffies;

	if (READ_ONCE(peer->dead))
		goto out;
	if (peer->ka_timeout &&
	    time_after_eq(now, READ_ONCE(peer->last_rx) + peer->ka_timeout)) {
		nf_ovpn_peer_schedule(peer, NF_OVPN_PEER_WORK_EXPIRE);
		goto out;
	}
	/* one ping per interval of TX silence, whether or not it could be
	 * sent (no route, no key): as OpenVPN's ping timer does
	 */
	if (peer->ka_interval &&
	    time_after_eq(now, READ_ONCE(peer->last_tx) + peer->ka_interval) &&
	    time_after_eq(now, peer->last_ping + peer->ka_interval)) {
		peer->last_ping = now;
		nf_ovpn_tx_keepalive(peer);
	}
	peer_ka_arm(peer);
out:
	nf_ovpn_peer_put(peer);
}

/* ---- create / update / remove ---- */

/* @peer is in inst->peers (so removal unhashes it) */
static void peer_apply_endpoints(struct nf_ovpn_peer *peer,
				 const struct nf_ovpn_peer_config *cfg)
{
	struct nf_ovpn_inst *inst = peer->inst;

	spin_lock_bh(&inst->remote_lock);
	if (cfg->has_remote)
		remote_move(peer, &cfg->remote);
	spin_lock(&peer->lock);
	if (cfg->has_local) {
		write_seqcount_begin(&peer->ep_seq);
		peer->local = cfg->local;
		write_seqcount_end(&peer->ep_seq);
	}
	dst_cache_reset(&peer->dst_cache);
	spin_unlock(&peer->lock);
	spin_unlock_bh(&inst->remote_lock);
}

static void peer_apply_keepalive(struct nf_ovpn_peer *peer,
				 const struct nf_ovpn_peer_config *cfg)
{
	if (!cfg->has_keepalive)
		return;
	peer->ka_interval = cfg->ka_interval * HZ;
	peer->ka_timeout = cfg->ka_timeout * HZ;
	/* a new or changed timeout counts from now, as in OpenVPN */
	WRITE_ONCE(peer->last_rx, jiffies);
	peer_ka_arm(peer);
}

struct nf_ovpn_peer *nf_ovpn_peer_new(struct nf_ovpn_inst *inst,
				      const struct nf_ovpn_peer_config *cfg,
				      struct netlink_ext_ack *extack)
{
	struct nf_ovpn_peer *peer;
	struct peer_routes pr;
	int err;

	lockdep_assert_held(&inst->on->lock);
	if (inst->mode == NF_OVPN_MODE_P2P && inst->npeers) {
		NL_SET_ERR_MSG_MOD(extack, "a p2p instance has only one peer");
		return ERR_PTR(-EBUSY);
	}
	if (inst->npeers >= READ_ONCE(nf_ovpn_max_peers)) {
		NL_SET_ERR_MSG_MOD(extack,
				   "instance is at its max_peers module parameter");
		return ERR_PTR(-ENOSPC);
	}
	peer = kzalloc(sizeof(*peer), GFP_KERNEL_ACCOUNT);
	if (!peer)
		return ERR_PTR(-ENOMEM);
	atomic_inc(&nf_ovpn_nr_peers);
	nf_ovpn_inst_hold(inst);
	peer->inst = inst;
	peer->id = cfg->id;
	peer->gen = atomic_inc_return(&nf_ovpn_peer_gen);
	refcount_set(&peer->refcnt, 1);
	spin_lock_init(&peer->lock);
	seqcount_spinlock_init(&peer->ep_seq, &peer->lock);
	INIT_LIST_HEAD(&peer->routes);
	timer_setup(&peer->ka_timer, peer_ka_timer, 0);
	INIT_WORK(&peer->work, peer_work);
	peer->last_rx = jiffies;
	peer->last_tx = jiffies;
	peer->last_ping = jiffies;
	err = dst_cache_init(&peer->dst_cache, GFP_KERNEL_ACCOUNT);
	if (err)
		goto err_put;
	peer->stats = nf_ovpn_stats_alloc();
	if (!peer->stats) {
		err = -ENOMEM;
		goto err_put;
	}
	if (xa_load(&inst->peers, peer->id)) {
		NL_SET_ERR_MSG_MOD(extack, "peer-id already in use");
		err = -EEXIST;
		goto err_put;
	}
	err = peer_routes_prepare(peer, cfg, &pr, extack);
	if (err)
		goto err_put;
	err = xa_insert_bh(&inst->peers, peer->id, peer, GFP_KERNEL_ACCOUNT);
	if (err) {
		routes_free(&pr.list);
		goto err_put;
	}
	inst->npeers++;
	peer_apply_endpoints(peer, cfg);
	peer_routes_commit(peer, &pr);
	peer_apply_keepalive(peer, cfg);
	return peer;

err_put:
	/* dst_cache_destroy copes with a cache that was never set up */
	nf_ovpn_peer_put(peer);
	return ERR_PTR(err);
}

int nf_ovpn_peer_set(struct nf_ovpn_peer *peer,
		     const struct nf_ovpn_peer_config *cfg,
		     struct netlink_ext_ack *extack)
{
	struct peer_routes pr;
	int err;

	lockdep_assert_held(&peer->inst->on->lock);
	/* all that can fail comes first: a refused PEER_SET changes nothing */
	if (routes_change(cfg)) {
		err = peer_routes_prepare(peer, cfg, &pr, extack);
		if (err)
			return err;
	}
	peer_apply_endpoints(peer, cfg);
	if (routes_change(cfg))
		peer_routes_commit(peer, &pr);
	peer_apply_keepalive(peer, cfg);
	return 0;
}

/*
 * Removal runs in two phases around one grace period.  Phase one takes the
 * peer out of every table and empties its key slots; after the grace
 * period no packet can take a TX packet-id from those keys any more (the
 * datapath finds keys only through the slots), so phase two hands their
 * final state back to userspace in the notification and drops the
 * references.  Removing many peers at once (instance removal) shares the
 * one grace period.  Both phases under nf_ovpn_net.lock.
 */
static bool peer_unlink(struct nf_ovpn_peer *peer, u8 reason)
{
	struct nf_ovpn_inst *inst = peer->inst;
	unsigned int slot;

	lockdep_assert_held(&inst->on->lock);
	if (peer->dead)
		return false;
	WRITE_ONCE(peer->dead, true);
	peer->del_reason = reason;
	xa_erase_bh(&inst->peers, peer->id);
	remote_unhash(peer);
	inst->npeers--;
	peer_routes_flush(peer);
	for (slot = 0; slot < ARRAY_SIZE(peer->gone_keys); slot++)
		peer->gone_keys[slot] = nf_ovpn_peer_key_take(peer, slot);
	return true;
}

static void peer_finish(struct nf_ovpn_peer *peer, struct genl_info *info)
{
	unsigned int slot;

	nf_ovpn_nl_notify_peer_del(peer, peer->del_reason, peer->gone_keys, info);
	/* a running handler re-arms only while !dead */
	if (timer_delete_sync(&peer->ka_timer))
		nf_ovpn_peer_put(peer);
	for (slot = 0; slot < ARRAY_SIZE(peer->gone_keys); slot++) {
		if (peer->gone_keys[slot])
			nf_ovpn_key_put(peer->gone_keys[slot]);
		peer->gone_keys[slot] = NULL;
	}
	nf_ovpn_peer_put(peer);
}

void nf_ovpn_peer_remove_reply(struct nf_ovpn_peer *peer, u8 reason,
			       struct genl_info *info)
{
	if (!peer_unlink(peer, reason))
		return;
	synchronize_net();
	peer_finish(peer, info);
}

void nf_ovpn_peer_remove(struct nf_ovpn_peer *peer, u8 reason)
{
	nf_ovpn_peer_remove_reply(peer, reason, NULL);
}

void nf_ovpn_peer_remove_all(struct nf_ovpn_inst *inst, u8 reason)
{
	struct nf_ovpn_peer *peer, *tmp;
	unsigned long id;
	LIST_HEAD(gone);

	/* erasing the current entry during xa_for_each is allowed */
	xa_for_each(&inst->peers, id, peer)
		if (peer_unlink(peer, reason))
			list_add_tail(&peer->gone_node, &gone);
	if (list_empty(&gone))
		return;
	synchronize_net();
	list_for_each_entry_safe(peer, tmp, &gone, gone_node) {
		list_del(&peer->gone_node);
		peer_finish(peer, NULL);
	}
}

/* ---- key slots (under nf_ovpn_net.lock) ---- */

struct nf_ovpn_key *nf_ovpn_peer_key_slot(struct nf_ovpn_peer *peer,
					  unsigned int slot)
{
	return rcu_dereference_protected(peer->keys[slot],
					 lockdep_is_held(&peer->inst->on->lock));
}

/* install @key (its reference moves to the slot); the old key goes */
int nf_ovpn_peer_key_install(struct nf_ovpn_peer *peer, unsigned int slot,
			     struct nf_ovpn_key *key)
{
	struct nf_ovpn_key *old = nf_ovpn_peer_key_slot(peer, slot);
	struct nf_ovpn_key *other = nf_ovpn_peer_key_slot(peer, !slot);

	if (other && other->key_id == key->key_id)
		return -EEXIST;
	rcu_assign_pointer(peer->keys[slot], key);
	if (old)
		nf_ovpn_key_put(old);
	return 0;
}

int nf_ovpn_peer_key_swap(struct nf_ovpn_peer *peer)
{
	struct nf_ovpn_key *primary = nf_ovpn_peer_key_slot(peer, 0);
	struct nf_ovpn_key *secondary = nf_ovpn_peer_key_slot(peer, 1);

	if (!primary && !secondary)
		return -ENOKEY;
	rcu_assign_pointer(peer->keys[0], secondary);
	rcu_assign_pointer(peer->keys[1], primary);
	return 0;
}

/* empty @slot; the caller owns the returned reference */
struct nf_ovpn_key *nf_ovpn_peer_key_take(struct nf_ovpn_peer *peer,
					  unsigned int slot)
{
	struct nf_ovpn_key *key = nf_ovpn_peer_key_slot(peer, slot);

	RCU_INIT_POINTER(peer->keys[slot], NULL);
	return key;
}
