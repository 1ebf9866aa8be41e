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
#include <net/udp_tunnel.h>
#include <net/ipv6_stubs.h>

/* NF_OVPN_KV: the target kernel as MAJOR * 100 + MINOR, from Kbuild */
#ifndef NF_OVPN_KV
#error "NF_OVPN_KV is set by kmod/Kbuild"
#endif

#if NF_OVPN_KV >= 604
#include <net/gso.h>		/* skb_gso_segment() moved here in 6.4 */
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
 * Per-CPU software counters of the tun device.  tun keeps them in
 * dev->tstats (6.1: allocated by tun itself; 6.6+: by the core through
 * pcpu_stat_type).  Only touch them when the device reports through
 * dev_get_tstats64(), i.e. when they are known to exist.
 */
static inline bool nf_ovpn_dev_has_tstats(const struct net_device *dev)
{
	return dev->netdev_ops &&
	       dev->netdev_ops->ndo_get_stats64 == dev_get_tstats64 &&
	       dev->tstats;
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
 * it.  6.1's udp_tunnel_xmit_skb()/udp_tunnel6_xmit_skb() accept that.
 */
static inline void nf_ovpn_udp4_xmit(struct rtable *rt, struct sk_buff *skb,
				     __be32 src, __be32 dst, u8 ttl,
				     __be16 sport, __be16 dport)
{
	udp_tunnel_xmit_skb(rt, NULL, skb, src, dst, 0, ttl, 0, sport, dport,
			    false, false);
}

#if IS_ENABLED(CONFIG_IPV6)
static inline void nf_ovpn_udp6_xmit(struct dst_entry *dst,
				     struct sk_buff *skb,
				     struct in6_addr *src, struct in6_addr *dst6,
				     u8 ttl, __be16 sport, __be16 dport)
{
	udp_tunnel6_xmit_skb(dst, NULL, skb, NULL, src, dst6, 0, ttl, 0,
			     sport, dport, false);
}

static inline struct dst_entry *nf_ovpn_ip6_route(struct net *net,
						  struct flowi6 *fl6)
{
	return ipv6_stub->ipv6_dst_lookup_flow(net, NULL, fl6, NULL);
}
#endif

#endif /* _NF_OVPN_COMPAT_H */
