/* SPDX-License-Identifier: GPL-2.0 */
/*
 * nf_ovpn: the netfilter hooks (rx.c, tx.c, ct.c) as the rest of the
 * module sees them.
 */
#ifndef _NF_OVPN_DATAPATH_H
#define _NF_OVPN_DATAPATH_H

#include <linux/netfilter.h>
#include <net/net_namespace.h>

struct nf_ovpn_inst;
struct nf_ovpn_peer;

/* per netns, while it has at least one instance; process context, under
 * nf_ovpn_net.lock.  Also takes/releases nf_ct_netns_get().
 */
int nf_ovpn_hooks_register(struct net *net);
void nf_ovpn_hooks_unregister(struct net *net);

/* send one keepalive ping to @peer with its primary key; softirq or
 * process context.  0, or -ENOKEY / -ENOMEM / -ENOENT; drops are counted
 * in the peer's and instance's stats here, not by the caller
 */
int nf_ovpn_tx_keepalive(struct nf_ovpn_peer *peer);

/* ---- inside the datapath (rx.c, tx.c, ct.c, hooks.c) ---- */

/* NF_INET_LOCAL_IN, IPv4 and IPv6: OpenVPN data packets -> tun (rx.c) */
unsigned int nf_ovpn_rx_hook(void *priv, struct sk_buff *skb,
			     const struct nf_hook_state *state);
/* NF_INET_POST_ROUTING, IPv4 and IPv6: out == tun -> peer (tx.c) */
unsigned int nf_ovpn_tx_hook(void *priv, struct sk_buff *skb,
			     const struct nf_hook_state *state);

/* the peer that owns inner address @addr (AF_INET/AF_INET6): the only
 * peer in p2p mode, else the VPN address / iroute table.  RCU, no
 * reference taken.
 */
struct nf_ovpn_peer *nf_ovpn_dp_peer_by_addr_rcu(struct nf_ovpn_inst *inst,
						 u8 family, const void *addr);

/* count @idx (NF_OVPN_A_STATS_*) on the instance and, if known, the peer */
void nf_ovpn_dp_count(struct nf_ovpn_inst *inst, struct nf_ovpn_peer *peer,
		      unsigned int idx, u64 val);

#endif /* _NF_OVPN_DATAPATH_H */
