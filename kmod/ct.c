// SPDX-License-Identifier: GPL-2.0
/*
 * nf_ovpn: conntrack tagging through a conntrack helper's private area.
 *
 * The "ovpn" helper does nothing for packets; it exists so the module
 * owns nf_conn_help.data of the conntracks it attaches itself to.  It is
 * never attached by a tuple (no auto-assignment, protocol number 0 so
 * xt_CT / nft cannot name it for TCP or UDP), only by
 * nf_ovpn_ct_tag_set() on a conntrack that is still unconfirmed and has
 * no other helper.
 *
 * A tag holds ids only.  Helper destroy() is not called for every
 * conntrack, and the peer a tag names may be gone: readers look the peer
 * up by id and compare its generation, so a stale tag misses and the
 * packet takes the slow path.  After the helper is unregistered (module
 * exit) no tag is trusted: it is detached from every conntrack, or, where
 * the core keeps a dead copy attached (compat.h), a reloaded module's
 * helper is another object, so tag_of() does not match.
 */

#include <net/netfilter/nf_conntrack_core.h>
#include <net/netfilter/nf_conntrack_helper.h>

#include "compat.h"
#include "ct.h"
#include "datapath.h"
#include "instance.h"
#include "peer.h"

static int ovpn_help(struct sk_buff *skb, unsigned int protoff,
		     struct nf_conn *ct, enum ip_conntrack_info ctinfo)
{
	return NF_ACCEPT;
}

static const struct nf_conntrack_expect_policy ovpn_exp_policy = {
	.max_expected	= 0,
	.timeout	= 1,
};

/* ovpn_helper_tmpl is what the module registers; ovpn_helper the helper
 * conntracks point at (the template itself, or the core's copy of it:
 * compat.h).  Set once at init, before any hook runs.
 */
static struct nf_conntrack_helper ovpn_helper_tmpl;
static struct nf_conntrack_helper *ovpn_helper __read_mostly;

/* before anything can tag: module init, before the pernet ops */
int nf_ovpn_ct_init(void)
{
	BUILD_BUG_ON(sizeof(struct nf_ovpn_ct_tag) >
		     sizeof_field(struct nf_conn_help, data));
	return nf_ovpn_helper_register(&ovpn_helper_tmpl, &ovpn_helper,
				       "ovpn", &ovpn_exp_policy, ovpn_help,
				       sizeof(struct nf_ovpn_ct_tag));
}

/* module exit, after every hook is gone; strips the helper everywhere */
void nf_ovpn_ct_exit(void)
{
	nf_conntrack_helper_unregister(ovpn_helper);
}

static struct nf_ovpn_ct_tag *tag_of(const struct nf_conn *ct)
{
	struct nf_conn_help *help = nfct_help(ct);

	if (!help || rcu_access_pointer(help->helper) != ovpn_helper)
		return NULL;
	return (struct nf_ovpn_ct_tag *)help->data;
}

int nf_ovpn_ct_tag_set(struct nf_conn *ct, const struct nf_ovpn_ct_tag *tag)
{
	struct nf_conn_help *help;
	struct nf_ovpn_ct_tag *t;

	/* extensions can only be added before the conntrack is in the hash,
	 * when the one skb carrying it is its only user
	 */
	if (nf_ct_is_confirmed(ct) || nf_ct_is_template(ct))
		return -EBUSY;

	help = nfct_help(ct);
	if (help && rcu_access_pointer(help->helper))
		return -EBUSY;
	/* the reference @ct owns on the helper where the core counts them */
	if (!nf_ovpn_helper_hold(ovpn_helper))
		return -ENOENT;
	if (help) {
		set_bit(IPS_HELPER_BIT, &ct->status);
	} else {
		help = nf_ct_helper_ext_add(ct, GFP_ATOMIC);
		if (!help) {
			nf_ovpn_helper_drop(ovpn_helper);
			return -ENOMEM;
		}
	}
	t = (struct nf_ovpn_ct_tag *)help->data;
	*t = *tag;
	t->magic = NF_OVPN_CT_MAGIC;
	rcu_assign_pointer(help->helper, ovpn_helper);
	return 0;
}

int nf_ovpn_ct_tag_new(struct nf_conn *ct, u8 role, u32 inst_id, u32 peer_id,
		       u32 peer_gen, u32 route_gen, u8 peer_dir)
{
	struct nf_ovpn_ct_tag tag = {
		.role = role,
		.inst_id = inst_id,
		.peer_id = peer_id,
		.peer_gen = peer_gen,
		.peer_dir = peer_dir,
		.route_gen = route_gen,
	};

	return nf_ovpn_ct_tag_set(ct, &tag);
}

bool nf_ovpn_ct_tag_get(const struct nf_conn *ct, struct nf_ovpn_ct_tag *tag)
{
	const struct nf_ovpn_ct_tag *t = tag_of(ct);

	if (!t || READ_ONCE(t->magic) != NF_OVPN_CT_MAGIC)
		return false;
	memset(tag, 0, sizeof(*tag));
	tag->magic = NF_OVPN_CT_MAGIC;
	tag->route_gen = READ_ONCE(t->route_gen);
	/* pairs with the smp_wmb() in nf_ovpn_ct_tag_update(): a reader
	 * that sees the new route_gen sees the peer it goes with
	 */
	smp_rmb();
	tag->role = READ_ONCE(t->role);
	tag->inst_id = READ_ONCE(t->inst_id);
	tag->peer_id = READ_ONCE(t->peer_id);
	tag->peer_gen = READ_ONCE(t->peer_gen);
	tag->peer_dir = READ_ONCE(t->peer_dir);
	return true;
}

void nf_ovpn_ct_tag_update(struct nf_conn *ct, u32 peer_id, u32 peer_gen,
			   u32 route_gen)
{
	struct nf_ovpn_ct_tag *t = tag_of(ct);

	if (!t || READ_ONCE(t->magic) != NF_OVPN_CT_MAGIC)
		return;
	WRITE_ONCE(t->peer_id, peer_id);
	WRITE_ONCE(t->peer_gen, peer_gen);
	smp_wmb();	/* see nf_ovpn_ct_tag_get() */
	WRITE_ONCE(t->route_gen, route_gen);
}

/*
 * LOCAL_IN and POST_ROUTING, just before confirm: the first packet of a
 * flow that came out of the tunnel (decrypted by rx.c, or written to tun
 * by userspace OpenVPN) names the peer by its inner source address as
 * conntrack first saw it, before any NAT.  Replies going back into the
 * tunnel then find that peer from the tag (tx.c).
 *
 * As late as this and no earlier: the helper area holds one helper, and
 * every ruleset (nft "ct helper set", iptables CT --helper) must have had
 * its chance to attach an ALG (ftp, sip, tftp, ...) first; such a flow
 * keeps its ALG and goes untagged, its packets found by address instead.
 */
unsigned int nf_ovpn_ct_in_hook(void *priv, struct sk_buff *skb,
				const struct nf_hook_state *state)
{
	const struct nf_conntrack_tuple *orig;
	enum ip_conntrack_info ctinfo;
	struct nf_ovpn_peer *peer;
	struct nf_ovpn_inst *inst;
	struct nf_conn *ct;
	u32 route_gen;
	u8 family;

	ct = nf_ct_get(skb, &ctinfo);
	if (!ct || nf_ct_is_confirmed(ct) || nf_ct_is_template(ct) ||
	    nfct_help(ct))
		return NF_ACCEPT;

	/* POST_ROUTING has no input device: the arrival one is skb_iif */
	if (state->in)
		inst = nf_ovpn_inst_by_dev_rcu(state->in);
	else
		inst = nf_ovpn_inst_by_ifindex_rcu(state->net, skb->skb_iif);
	if (!inst)
		return NF_ACCEPT;

	orig = &ct->tuplehash[IP_CT_DIR_ORIGINAL].tuple;
	family = nf_ct_l3num(ct) == NFPROTO_IPV4 ? AF_INET : AF_INET6;
	route_gen = smp_load_acquire(&inst->route_gen);	/* see tx_peer_rcu() */
	peer = nf_ovpn_dp_peer_by_addr_rcu(inst, family, &orig->src.u3);
	if (!peer)
		return NF_ACCEPT;

	nf_ovpn_ct_tag_new(ct, NF_OVPN_CT_INNER, inst->id, peer->id, peer->gen,
			   route_gen, IP_CT_DIR_REPLY);
	return NF_ACCEPT;
}
