/* SPDX-License-Identifier: GPL-2.0 */
/*
 * nf_ovpn: per-CPU counters for instances and peers.  Counter i is the
 * uapi attribute NF_OVPN_A_STATS_i, so netlink dumps them by index; the
 * slot of NF_OVPN_A_STATS_PAD (an attribute type, not a counter: newer
 * counters follow it) is never counted nor dumped.
 */
#ifndef _NF_OVPN_STATS_H
#define _NF_OVPN_STATS_H

#include <linux/percpu.h>
#include <linux/u64_stats_sync.h>

#include "uapi/nf_ovpn.h"

#define NF_OVPN_NSTATS	(__NF_OVPN_A_STATS_MAX)

struct nf_ovpn_pcpu_stats {
	u64_stats_t c[NF_OVPN_NSTATS];
	struct u64_stats_sync syncp;
};

struct nf_ovpn_pcpu_stats __percpu *nf_ovpn_stats_alloc(void);
void nf_ovpn_stats_free(struct nf_ovpn_pcpu_stats __percpu *stats);
void nf_ovpn_stats_fold(struct nf_ovpn_pcpu_stats __percpu *stats,
			u64 out[NF_OVPN_NSTATS]);

/* any context: BH is disabled around the per-CPU update */
static inline void nf_ovpn_stats_add(struct nf_ovpn_pcpu_stats __percpu *stats,
				     unsigned int idx, u64 val)
{
	struct nf_ovpn_pcpu_stats *s;
	unsigned long flags;

	if (!stats)
		return;
	local_irq_save(flags);
	s = this_cpu_ptr(stats);
	u64_stats_update_begin(&s->syncp);
	u64_stats_add(&s->c[idx], val);
	u64_stats_update_end(&s->syncp);
	local_irq_restore(flags);
}

#endif /* _NF_OVPN_STATS_H */
