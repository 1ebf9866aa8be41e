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
 * packet takes the slow path.  Unregistering the helper (module exit)
 * detaches it from every conntrack, after which no tag is trusted.
 */

#include <linux/ip.h>
#include <linux/ipv6.h>
#include <net/ip.h>
#include <net/ipv6.h>
#include <net/netfilter/nf_conntrack_core.h>
#include <net/netfilter/nf_conntrack_helper.h>

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

static struct nf_conntrack_helper ovpn_helper __read_mostly = {
	.name			= "ovpn",
	.me			= THIS_MODULE,
	.help			= ovpn_help,
	.expect_policy		= &ovpn_exp_policy,
	.expect_class_max	= 0,
	.data_len		= sizeof(struct nf_ovpn_ct_tag),
	.tuple.src.l3num	= NFPROTO_UNSPEC,
	.tuple.dst.protonum	= 0,
};

/* before anything can tag: module init, before the pernet ops */
int nf_ovpn_ct_init(void)
{
	BUILD_BUG_ON(sizeof(struct nf_ovpn_ct_tag) >
		     sizeof_field(struct nf_conn_help, data));
	return nf_conntrack_helper_register(&ovpn_helper);
}

/* module exit, after every hook is gone; strips the helper everywhere */
void nf_ovpn_ct_exit(void)
{
	nf_conntrack_helper_unregister(&ovpn_helper);
}

static struct nf_ovpn_ct_tag *tag_of(const struct nf_conn *ct)
{
	struct nf_conn_help *help = nfct_help(ct);

	if (!help || rcu_access_pointer(help->helper) != &ovpn_helper)
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
	if (help) {
		if (rcu_access_pointer(help->helper))
			return -EBUSY;
		set_bit(IPS_HELPER_BIT, &ct->status);
	} else {
		help = nf_ct_helper_ext_add(ct, GFP_ATOMIC);
		if (!help)
			return -ENOMEM;
	}

	t = (struct nf_ovpn_ct_tag *)help->data;
	*t = *tag;
	t->magic = NF_OVPN_CT_MAGIC;
	rcu_assign_pointer(help->helper, &ovpn_helper);
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

/* what ipv4_confirm() / ipv6_confirm() do at NF_IP_PRI_CONNTRACK_CONFIRM;
 * skb->data is at the network header (LOCAL_IN, POST_ROUTING)
 */
unsigned int nf_ovpn_ct_confirm(struct sk_buff *skb, u8 pf)
{
	enum ip_conntrack_info ctinfo;
	struct nf_conn *ct;
	int protoff;

	ct = nf_ct_get(skb, &ctinfo);
	if (!ct || ctinfo == IP_CT_RELATED_REPLY)
		return nf_conntrack_confirm(skb);

	if (pf == NFPROTO_IPV4) {
		protoff = skb_network_offset(skb) + ip_hdrlen(skb);
	} else {
		u8 nexthdr = ipv6_hdr(skb)->nexthdr;
		__be16 frag_off;

		protoff = ipv6_skip_exthdr(skb, skb_network_offset(skb) +
					   sizeof(struct ipv6hdr),
					   &nexthdr, &frag_off);
		if (protoff < 0 || (frag_off & htons(~0x7)) != 0)
			return nf_conntrack_confirm(skb);
	}
	return nf_confirm(skb, protoff, ct, ctinfo);
}

/*
 * PREROUTING, after conntrack: the first packet of a flow coming out of
 * the tunnel (decrypted by rx.c, or written to tun by userspace OpenVPN)
 * names the peer by its inner source address.  Replies going back into
 * the tunnel then find that peer from the tag (tx.c).
 */
unsigned int nf_ovpn_ct_in_hook(void *priv, struct sk_buff *skb,
				const struct nf_hook_state *state)
{
	enum ip_conntrack_info ctinfo;
	struct nf_ovpn_peer *peer;
	struct nf_ovpn_inst *inst;
	struct nf_conn *ct;
	const void *saddr;
	u32 route_gen;
	u8 family;

	ct = nf_ct_get(skb, &ctinfo);
	if (!ct || nf_ct_is_confirmed(ct) || nf_ct_is_template(ct) ||
	    nfct_help(ct))
		return NF_ACCEPT;

	inst = nf_ovpn_inst_by_dev_rcu(state->in);
	if (!inst)
		return NF_ACCEPT;

	if (state->pf == NFPROTO_IPV4) {
		family = AF_INET;
		saddr = &ip_hdr(skb)->saddr;
	} else {
		family = AF_INET6;
		saddr = &ipv6_hdr(skb)->saddr;
	}
	route_gen = smp_load_acquire(&inst->route_gen);	/* see tx_peer_rcu() */
	peer = nf_ovpn_dp_peer_by_addr_rcu(inst, family, saddr);
	if (!peer)
		return NF_ACCEPT;

	nf_ovpn_ct_tag_new(ct, NF_OVPN_CT_INNER, inst->id, peer->id, peer->gen,
			   route_gen, IP_CT_DIR_REPLY);
	return NF_ACCEPT;
}
