/* SPDX-License-Identifier: GPL-2.0 */
/*
 * nf_ovpn: every kernel version difference the module cares about, in
 * one place, so a new kernel is a build target and not a port.  The rest
 * of the module calls only what this file provides for these areas.
 *
 * Written against Debian 12's 6.1; the other branches follow the changes
 * named beside them.
 */
#ifndef _NF_OVPN_COMPAT_H
#define _NF_OVPN_COMPAT_H

#include <linux/crypto.h>
#include <linux/netdevice.h>
#include <linux/skbuff.h>
#include <linux/ip.h>
#include <linux/netfilter_ipv6.h>
#include <linux/workqueue.h>
#include <net/genetlink.h>
#include <net/ip.h>
#include <net/ip6_route.h>
#include <net/ipv6.h>
#include <net/netfilter/nf_conntrack_core.h>
#include <net/netfilter/nf_conntrack_helper.h>
#include <net/udp_tunnel.h>

/* NF_OVPN_KV: the target kernel as MAJOR * 100 + MINOR, from Kbuild */
#ifndef NF_OVPN_KV
#error "NF_OVPN_KV is set by kmod/Kbuild"
#endif

#if NF_OVPN_KV >= 604
#include <net/gso.h>		/* skb_gso_segment() moved here in 6.4 */
#endif
#if NF_OVPN_KV < 702
#include <net/ipv6_stubs.h>	/* gone by 7.2: IPv6 calls are direct */
#endif

/*
 * Crypto completion callbacks.  Up to 6.2 they get the request and find
 * their data in req->data; since 6.3 ("crypto: api - Use data directly in
 * completion function") they get the data pointer itself.
 * NF_OVPN_CRYPTO_DONE(name, fn) defines a callback @name of the right type
 * that calls void fn(void *data, int err).
 */
#if NF_OVPN_KV < 603
#define NF_OVPN_CRYPTO_DONE(name, fn)					\
static void name(struct crypto_async_request *areq, int err)		\
{									\
	fn(areq->data, err);						\
}
#else
#define NF_OVPN_CRYPTO_DONE(name, fn)					\
static void name(void *data, int err)					\
{									\
	fn(data, err);							\
}
#endif

/*
 * Confirm the skb's conntrack as the CONFIRM hook would (helpers, seqadj,
 * then the hash insert) before a hook of ours steals the packet: a stolen
 * packet never reaches that hook.  @state is the hook's own (LOCAL_IN or
 * POST_ROUTING), skb->data at the network header.  Returns the verdict.
 *
 * Up to 6.1 each family has its own confirm hook around
 * nf_confirm(skb, protoff, ct, ctinfo); since 6.2 ("netfilter: merge
 * ipv4+ipv6 confirm functions") nf_confirm() is the hook function itself.
 */
#if NF_OVPN_KV < 602
static inline unsigned int nf_ovpn_ct_confirm(struct sk_buff *skb,
					      const struct nf_hook_state *state)
{
	enum ip_conntrack_info ctinfo;
	struct nf_conn *ct;
	int protoff;

	ct = nf_ct_get(skb, &ctinfo);
	if (!ct || ctinfo == IP_CT_RELATED_REPLY)
		return nf_conntrack_confirm(skb);

	if (state->pf == NFPROTO_IPV4) {
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
#else
static inline unsigned int nf_ovpn_ct_confirm(struct sk_buff *skb,
					      const struct nf_hook_state *state)
{
	return nf_confirm(NULL, skb, state);
}
#endif

/*
 * The request attributes of a dump.  6.2 ("genetlink: add struct
 * genl_info to struct genl_dumpit_info") moved them into dinfo->info.
 */
static inline struct nlattr **nf_ovpn_dump_attrs(struct netlink_callback *cb)
{
#if NF_OVPN_KV < 602
	return genl_dumpit_info(cb)->attrs;
#else
	return genl_dumpit_info(cb)->info.attrs;
#endif
}

/*
 * Timers: 6.2 renamed del_timer_sync() to timer_delete_sync() (the old
 * name is gone by 7.x), 6.16 renamed from_timer() to timer_container_of().
 * The module uses the new names.
 */
#if NF_OVPN_KV < 602
#define timer_delete_sync(t)	del_timer_sync(t)
#endif
#if NF_OVPN_KV < 616
#define timer_container_of(var, t, field)	from_timer(var, t, field)
#endif

/*
 * Workqueues: 6.17 added WQ_PERCPU, and later kernels WARN when a queue
 * names neither it nor WQ_UNBOUND.  The module's queue stays per-CPU as
 * it always was; before 6.17 that is the default (no flag).
 */
#if NF_OVPN_KV < 617
#define NF_OVPN_WQ_PERCPU	0
#else
#define NF_OVPN_WQ_PERCPU	WQ_PERCPU
#endif

/*
 * The conntrack helper whose private area carries the module's tag.
 *
 * Up to 7.1 the registered helper is the caller's own struct, and
 * unregistering it detaches it from every conntrack.  By 7.2 the core
 * registers a copy (nf_conntrack_helper_register() returns it), each
 * conntrack holds a reference on its help->helper, and unregistering
 * leaves conntracks pointing at the dead copy (its help() cleared) until
 * they go.  7.3 changed nf_ct_helper_init() (no ports, no id) with
 * helper->tuple giving way to nfproto/l4proto.
 *
 * nf_ovpn_helper_register() fills @tmpl, registers it and sets *@live to
 * the helper conntracks will point at; nf_ovpn_helper_hold() takes the
 * reference a conntrack owns when the module attaches @live to it, and
 * nf_ovpn_helper_drop() gives it back when attaching fails.
 */
typedef int (*nf_ovpn_help_fn)(struct sk_buff *skb, unsigned int protoff,
			       struct nf_conn *ct,
			       enum ip_conntrack_info ctinfo);

static inline int
nf_ovpn_helper_register(struct nf_conntrack_helper *tmpl,
			struct nf_conntrack_helper **live, const char *name,
			const struct nf_conntrack_expect_policy *policy,
			nf_ovpn_help_fn help, u16 data_len)
{
#if NF_OVPN_KV < 703
	nf_ct_helper_init(tmpl, NFPROTO_UNSPEC, 0, name, 0, 0, 0, policy, 0,
			  help, NULL, THIS_MODULE);
#else
	nf_ct_helper_init(tmpl, NFPROTO_UNSPEC, 0, name, policy, 0, help,
			  NULL, THIS_MODULE);
#endif
	tmpl->data_len = data_len;
#if NF_OVPN_KV < 702
	*live = tmpl;
	return nf_conntrack_helper_register(tmpl);
#else
	return nf_conntrack_helper_register(tmpl, live);
#endif
}

static inline bool nf_ovpn_helper_hold(struct nf_conntrack_helper *live)
{
#if NF_OVPN_KV < 702
	return true;
#else
	return refcount_inc_not_zero(&live->ct_refcnt);
#endif
}

/* gives back a reference nf_ovpn_helper_hold() took and did not hand to a
 * conntrack; the registration's own reference keeps the count above zero
 */
static inline void nf_ovpn_helper_drop(struct nf_conntrack_helper *live)
{
#if NF_OVPN_KV >= 702
	refcount_dec(&live->ct_refcnt);
#endif
}

/*
 * Per-CPU software counters of the tun device.  tun keeps them in
 * dev->tstats (6.1: allocated by tun itself; later by the core through
 * pcpu_stat_type).  Only touch them when they are known to be tstats.
 */
static inline bool nf_ovpn_dev_has_tstats(const struct net_device *dev)
{
	if (!dev->tstats)
		return false;
#if NF_OVPN_KV >= 607
	/* the core allocated them (6.7: "net: Move {l,t,d}stats allocation
	 * to core"); tun reports them through a wrapper of its own by 7.x
	 */
	if (dev->pcpu_stat_type == NETDEV_PCPU_STAT_TSTATS)
		return true;
#endif
	return dev->netdev_ops &&
	       dev->netdev_ops->ndo_get_stats64 == dev_get_tstats64;
}

static inline void nf_ovpn_dev_rx_add(struct net_device *dev,
				      unsigned int len)
{
	if (nf_ovpn_dev_has_tstats(dev))
		dev_sw_netstats_rx_add(dev, len);
}

static inline void nf_ovpn_dev_tx_add(struct net_device *dev,
				      unsigned int len)
{
	if (nf_ovpn_dev_has_tstats(dev))
		dev_sw_netstats_tx_add(dev, 1, len);
}

/*
 * UDP tunnel transmit.  The outer packet is built without a socket (sk
 * NULL): the OpenVPN socket lives in userspace and the module never holds
 * it.  6.16 added an IPCB/IP6CB flags argument (for multicast routing of
 * the tunnel's underlay), 0 here as before.
 */
static inline void nf_ovpn_udp4_xmit(struct rtable *rt, struct sk_buff *skb,
				     __be32 src, __be32 dst, u8 ttl,
				     __be16 sport, __be16 dport)
{
#if NF_OVPN_KV < 616
	udp_tunnel_xmit_skb(rt, NULL, skb, src, dst, 0, ttl, 0, sport, dport,
			    false, false);
#else
	udp_tunnel_xmit_skb(rt, NULL, skb, src, dst, 0, ttl, 0, sport, dport,
			    false, false, 0);
#endif
}

#if IS_ENABLED(CONFIG_IPV6)
static inline void nf_ovpn_udp6_xmit(struct dst_entry *dst,
				     struct sk_buff *skb,
				     struct in6_addr *src, struct in6_addr *dst6,
				     u8 ttl, __be16 sport, __be16 dport)
{
#if NF_OVPN_KV < 616
	udp_tunnel6_xmit_skb(dst, NULL, skb, NULL, src, dst6, 0, ttl, 0,
			     sport, dport, false);
#else
	udp_tunnel6_xmit_skb(dst, NULL, skb, NULL, src, dst6, 0, ttl, 0,
			     sport, dport, false, 0);
#endif
}

/*
 * IPv6 route lookup.  While IPv6 could be a module, code outside it went
 * through ipv6_stub; by 7.2 the stub is gone and the call is direct.
 */
static inline struct dst_entry *nf_ovpn_ip6_route(struct net *net,
						  struct flowi6 *fl6)
{
#if NF_OVPN_KV < 702
	return ipv6_stub->ipv6_dst_lookup_flow(net, NULL, fl6, NULL);
#else
	return ip6_dst_lookup_flow(net, NULL, fl6, NULL);
#endif
}
#endif

/*
 * IPv6 fragmentation of an skb the module sends.  While IPv6 could be a
 * module it was reached through nf_ipv6_ops (NULL when IPv6 is not
 * loaded); by 7.2 IPv6 is always built in and ip6_fragment() is called
 * directly.  -EAFNOSUPPORT: no IPv6, the skb is still the caller's.
 */
typedef int (*nf_ovpn_output_fn)(struct net *net, struct sock *sk,
				 struct sk_buff *skb);

static inline int nf_ovpn_ip6_fragment(struct net *net, struct sock *sk,
				       struct sk_buff *skb,
				       nf_ovpn_output_fn output)
{
#if NF_OVPN_KV < 702
	const struct nf_ipv6_ops *v6ops = nf_get_ipv6_ops();

	if (!v6ops || !v6ops->fragment)
		return -EAFNOSUPPORT;
	return v6ops->fragment(net, sk, skb, output);
#else
	return ip6_fragment(net, sk, skb, output);
#endif
}

#endif /* _NF_OVPN_COMPAT_H */
