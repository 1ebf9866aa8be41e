/* SPDX-License-Identifier: GPL-2.0 */
/*
 * nf_ovpn: state shared by every part of the module.
 */
#ifndef _NF_OVPN_H
#define _NF_OVPN_H

#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/workqueue.h>
#include <net/net_namespace.h>
#include <net/netns/generic.h>

#define NF_OVPN_VERSION "0.1"

/* per network namespace state */
struct nf_ovpn_net {
	struct net *net;
	/* protects instances (writers); readers use RCU */
	struct mutex lock;
	struct list_head instances;
};

extern unsigned int nf_ovpn_net_id;

/* deferred peer work (expiry, notifications); drained at module exit */
extern struct workqueue_struct *nf_ovpn_wq;

static inline struct nf_ovpn_net *nf_ovpn_pernet(const struct net *net)
{
	return net_generic(net, nf_ovpn_net_id);
}

#endif /* _NF_OVPN_H */
