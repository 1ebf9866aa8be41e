// SPDX-License-Identifier: GPL-2.0
/*
 * nf_ovpn: an in-kernel fast path for the OpenVPN data channel, built on
 * netfilter and conntrack.  This file only wires the parts together: the
 * per-netns state, the conntrack helper, the generic netlink family and the
 * device notifier, and takes them down in reverse.
 */

#include <linux/delay.h>
#include <linux/module.h>
#include <linux/netdevice.h>
#include <linux/rtnetlink.h>
#include <net/net_namespace.h>
#include <net/netns/generic.h>

#include "compat.h"
#include "ct.h"
#include "instance.h"
#include "key.h"
#include "peer.h"
#include "netlink.h"
#include "nf_ovpn.h"

unsigned int nf_ovpn_net_id __read_mostly;
struct workqueue_struct *nf_ovpn_wq;

static int __net_init nf_ovpn_net_init(struct net *net)
{
	struct nf_ovpn_net *on = nf_ovpn_pernet(net);

	mutex_init(&on->lock);
	INIT_LIST_HEAD(&on->instances);
	on->net = net;
	return 0;
}

/* the namespace goes away: its instances go first (their tun devices are
 * unregistered after this)
 */
static void __net_exit nf_ovpn_net_pre_exit(struct net *net)
{
	nf_ovpn_inst_flush(nf_ovpn_pernet(net), NF_OVPN_DEL_DEVICE_GONE);
}

/*
 * Last call before the core frees this netns' nf_ovpn_net (also for every
 * netns at rmmod, from unregister_pernet_subsys()).  Peer work queued
 * before pre_exit removed the peers still holds a peer reference and locks
 * on->lock when it runs: it must have run before @on is freed.  Nothing
 * queues new work by now: every peer of @net is dead.
 */
static void __net_exit nf_ovpn_net_exit(struct net *net)
{
	struct nf_ovpn_net *on = nf_ovpn_pernet(net);

	flush_workqueue(nf_ovpn_wq);
	WARN_ON_ONCE(!list_empty(&on->instances));
}

static struct pernet_operations nf_ovpn_net_ops = {
	.init = nf_ovpn_net_init,
	.pre_exit = nf_ovpn_net_pre_exit,
	.exit = nf_ovpn_net_exit,
	.id = &nf_ovpn_net_id,
	.size = sizeof(struct nf_ovpn_net),
};

/* a tun device with an instance is going away: the instance goes too and
 * drops its device reference, so unregistration never waits on us
 */
static int nf_ovpn_netdev_event(struct notifier_block *nb, unsigned long event,
				void *ptr)
{
	struct net_device *dev = netdev_notifier_info_to_dev(ptr);
	struct nf_ovpn_net *on;
	struct nf_ovpn_inst *inst;

	if (event != NETDEV_UNREGISTER)
		return NOTIFY_DONE;
	on = nf_ovpn_pernet(dev_net(dev));
	mutex_lock(&on->lock);
	inst = nf_ovpn_inst_by_ifindex(on, dev->ifindex);
	if (inst && inst->dev == dev)
		nf_ovpn_inst_remove(inst, NF_OVPN_DEL_DEVICE_GONE);
	mutex_unlock(&on->lock);
	return NOTIFY_DONE;
}

static struct notifier_block nf_ovpn_netdev_notifier = {
	.notifier_call = nf_ovpn_netdev_event,
};

/* rmmod: every instance in every netns goes, telling its owner (the
 * notification hands the keys' packet-ids back)
 */
static void nf_ovpn_flush_all(void)
{
	struct net *net;

	down_read(&net_rwsem);
	for_each_net(net)
		nf_ovpn_inst_flush(nf_ovpn_pernet(net), NF_OVPN_DEL_MODULE_UNLOAD);
	up_read(&net_rwsem);
}

static int __init nf_ovpn_init(void)
{
	int err;

	nf_ovpn_wq = alloc_workqueue("nf_ovpn", NF_OVPN_WQ_PERCPU, 0);
	if (!nf_ovpn_wq)
		return -ENOMEM;
	err = register_pernet_subsys(&nf_ovpn_net_ops);
	if (err)
		goto err_destroy_wq;
	err = nf_ovpn_ct_init();
	if (err)
		goto err_unregister_pernet;
	err = register_netdevice_notifier(&nf_ovpn_netdev_notifier);
	if (err)
		goto err_ct_exit;
	/* last: from here on userspace can create instances */
	err = nf_ovpn_nl_init();
	if (err)
		goto err_unregister_netdev;

	pr_info("loaded, version %s\n", NF_OVPN_VERSION);
	return 0;

err_unregister_netdev:
	unregister_netdevice_notifier(&nf_ovpn_netdev_notifier);
err_ct_exit:
	nf_ovpn_ct_exit();
err_unregister_pernet:
	unregister_pernet_subsys(&nf_ovpn_net_ops);
err_destroy_wq:
	destroy_workqueue(nf_ovpn_wq);
	return err;
}

static bool nf_ovpn_objects_left(void)
{
	return atomic_read(&nf_ovpn_nr_instances) ||
	       atomic_read(&nf_ovpn_nr_peers) || atomic_read(&nf_ovpn_nr_keys);
}

static void __exit nf_ovpn_exit(void)
{
	int i;

	nf_ovpn_flush_all();
	nf_ovpn_nl_exit();
	/* instances created while the family was still registered */
	nf_ovpn_flush_all();
	unregister_netdevice_notifier(&nf_ovpn_netdev_notifier);
	nf_ovpn_ct_exit();
	unregister_pernet_subsys(&nf_ovpn_net_ops);
	/* every netns' exit flushed the peer work; RCU callbacks still run
	 * module code (waited for below)
	 */
	destroy_workqueue(nf_ovpn_wq);
	/* every packet in async crypto holds a key reference: wait for those
	 * completions (bounded; a leak is reported below).  RCU callbacks
	 * chain (a peer's frees the last instance reference, which queues the
	 * instance's), and one rcu_barrier() waits for one level only: go on
	 * until every object is gone, then once more for the callback that
	 * freed the last one to return.
	 */
	for (i = 0; i < 250 && nf_ovpn_objects_left(); i++) {
		rcu_barrier();
		if (nf_ovpn_objects_left())
			msleep(20);
	}
	rcu_barrier();
	/* every object is gone by now; anything left is a leak (the tests
	 * fail on this WARN)
	 */
	WARN(nf_ovpn_objects_left(),
	     "nf_ovpn: leaked %d instances, %d peers, %d keys\n",
	     atomic_read(&nf_ovpn_nr_instances), atomic_read(&nf_ovpn_nr_peers),
	     atomic_read(&nf_ovpn_nr_keys));
	pr_info("unloaded\n");
}

module_init(nf_ovpn_init);
module_exit(nf_ovpn_exit);

MODULE_LICENSE("GPL");
MODULE_AUTHOR("nf_ovpn developers");
MODULE_DESCRIPTION("OpenVPN data channel fast path for netfilter/conntrack");
MODULE_VERSION(NF_OVPN_VERSION);
