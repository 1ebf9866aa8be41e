// SPDX-License-Identifier: GPL-2.0
/*
 * nf_ovpn: the netfilter hooks, per network namespace, and the few
 * helpers the RX, TX and tagging hooks share.
 *
 * Priorities, and why:
 *   LOCAL_IN and POST_ROUTING  CONNTRACK_CONFIRM - 2   tag new inner
 *                flows that came out of a tun (ct.c): last thing before
 *                confirm, so that a ruleset's conntrack helper (ftp, sip,
 *                ...), attached anywhere before, keeps the helper area.
 *   LOCAL_IN     CONNTRACK_CONFIRM - 1     after every INPUT chain a
 *                ruleset can have (iptables, firewalld's nftables chain
 *                at filter + 10, nft chains at any priority up to
 *                INT_MAX - 2), after DNAT and the security table: stock
 *                OpenVPN's socket is subject to all of them, so the
 *                kernel's data path must be too.  A priority shared with
 *                a ruleset's chain would not do: among equals the later
 *                registration runs first, so the order would depend on
 *                who registered first and flip on a firewall reload.
 *                Just before confirm (rx.c confirms itself before
 *                stealing).
 *   POST_ROUTING CONNTRACK_CONFIRM - 1     after SNAT/masquerade and
 *                every filter, just before confirm (tx.c confirms
 *                itself before stealing).
 */

#include <linux/netfilter_ipv4.h>
#include <linux/netfilter_ipv6.h>
#include <net/netfilter/nf_conntrack.h>

#include "ct.h"
#include "datapath.h"
#include "instance.h"
#include "peer.h"
#include "proto.h"
#include "stats.h"

static const struct nf_hook_ops nf_ovpn_hook_ops[] = {
	{
		.hook		= nf_ovpn_ct_in_hook,
		.pf		= NFPROTO_IPV4,
		.hooknum	= NF_INET_LOCAL_IN,
		.priority	= NF_IP_PRI_CONNTRACK_CONFIRM - 2,
	},
	{
		.hook		= nf_ovpn_ct_in_hook,
		.pf		= NFPROTO_IPV6,
		.hooknum	= NF_INET_LOCAL_IN,
		.priority	= NF_IP6_PRI_LAST - 2,
	},
	{
		.hook		= nf_ovpn_ct_in_hook,
		.pf		= NFPROTO_IPV4,
		.hooknum	= NF_INET_POST_ROUTING,
		.priority	= NF_IP_PRI_CONNTRACK_CONFIRM - 2,
	},
	{
		.hook		= nf_ovpn_ct_in_hook,
		.pf		= NFPROTO_IPV6,
		.hooknum	= NF_INET_POST_ROUTING,
		.priority	= NF_IP6_PRI_LAST - 2,
	},
	{
		.hook		= nf_ovpn_rx_hook,
		.pf		= NFPROTO_IPV4,
		.hooknum	= NF_INET_LOCAL_IN,
		.priority	= NF_IP_PRI_CONNTRACK_CONFIRM - 1,
	},
	{
		.hook		= nf_ovpn_rx_hook,
		.pf		= NFPROTO_IPV6,
		.hooknum	= NF_INET_LOCAL_IN,
		.priority	= NF_IP6_PRI_LAST - 1,
	},
	{
		.hook		= nf_ovpn_tx_hook,
		.pf		= NFPROTO_IPV4,
		.hooknum	= NF_INET_POST_ROUTING,
		.priority	= NF_IP_PRI_CONNTRACK_CONFIRM - 1,
	},
	{
		.hook		= nf_ovpn_tx_hook,
		.pf		= NFPROTO_IPV6,
		.hooknum	= NF_INET_POST_ROUTING,
		.priority	= NF_IP6_PRI_LAST - 1,
	},
};

/**
 * nf_ovpn_hooks_register - turn the datapath on in @net
 * @net: the namespace getting its first instance
 *
 * Conntrack first (the hooks rely on it), then the hooks.  Process
 * context, caller holds nf_ovpn_net.lock.
 *
 * Return: 0 or -errno.
 */
int nf_ovpn_hooks_register(struct net *net)
{
	int err;

	err = nf_ct_netns_get(net, NFPROTO_INET);
	if (err)
		return err;
	err = nf_register_net_hooks(net, nf_ovpn_hook_ops,
				    ARRAY_SIZE(nf_ovpn_hook_ops));
	if (err)
		goto err_ct_put;
	return 0;

err_ct_put:
	nf_ct_netns_put(net, NFPROTO_INET);
	return err;
}

/* after the last instance in @net is gone; in reverse */
void nf_ovpn_hooks_unregister(struct net *net)
{
	nf_unregister_net_hooks(net, nf_ovpn_hook_ops,
				ARRAY_SIZE(nf_ovpn_hook_ops));
	nf_ct_netns_put(net, NFPROTO_INET);
}

struct nf_ovpn_peer *nf_ovpn_dp_peer_by_addr_rcu(struct nf_ovpn_inst *inst,
						 u8 family, const void *addr)
{
	int id;

	if (inst->mode == NF_OVPN_MODE_P2P)
		return nf_ovpn_peer_p2p_rcu(inst);

	id = nf_ovpn_inst_route_lookup_rcu(inst, family, addr);
	if (id < 0)
		return NULL;
	return nf_ovpn_peer_by_id_rcu(inst, id);
}

void nf_ovpn_dp_count(struct nf_ovpn_inst *inst, struct nf_ovpn_peer *peer,
		      unsigned int idx, u64 val)
{
	nf_ovpn_stats_add(inst->stats, idx, val);
	if (peer)
		nf_ovpn_stats_add(peer->stats, idx, val);
}
