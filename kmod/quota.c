// SPDX-License-Identifier: GPL-2.0
/*
 * nf_ovpn: how much one netns may make the module allocate.  Instances and
 * peers are created on behalf of whoever has CAP_NET_ADMIN over a netns,
 * which an unprivileged user gets in a user namespace of their own, so
 * both are bounded (and charged to the caller's memory cgroup, see the
 * GFP_KERNEL_ACCOUNT allocations).  Root may change the bounds at runtime
 * through /sys/module/nf_ovpn/parameters; a new bound applies to the next
 * creation, nothing existing is removed.
 */

#include <linux/cache.h>
#include <linux/module.h>

#include "quota.h"

unsigned int nf_ovpn_max_instances __read_mostly = NF_OVPN_DEFAULT_MAX_INSTANCES;
module_param_named(max_instances, nf_ovpn_max_instances, uint, 0644);
MODULE_PARM_DESC(max_instances, "instances per network namespace (default "
		 __stringify(NF_OVPN_DEFAULT_MAX_INSTANCES) ")");

unsigned int nf_ovpn_max_peers __read_mostly = NF_OVPN_DEFAULT_MAX_PEERS;
module_param_named(max_peers, nf_ovpn_max_peers, uint, 0644);
MODULE_PARM_DESC(max_peers, "peers per instance (default "
		 __stringify(NF_OVPN_DEFAULT_MAX_PEERS) ")");
