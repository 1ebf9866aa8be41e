// SPDX-License-Identifier: GPL-2.0
/*
 * nf_ovpn: per-CPU counters.
 */

#include <linux/slab.h>

#include "stats.h"

struct nf_ovpn_pcpu_stats __percpu *nf_ovpn_stats_alloc(void)
{
	struct nf_ovpn_pcpu_stats __percpu *stats;
	int cpu;

	stats = alloc_percpu_gfp(struct nf_ovpn_pcpu_stats, GFP_KERNEL_ACCOUNT);
	if (!stats)
		return NULL;
	for_each_possible_cpu(cpu)
		u64_stats_init(&per_cpu_ptr(stats, cpu)->syncp);
	return stats;
}

void nf_ovpn_stats_free(struct nf_ovpn_pcpu_stats __percpu *stats)
{
	free_percpu(stats);
}

void nf_ovpn_stats_fold(struct nf_ovpn_pcpu_stats __percpu *stats,
			u64 out[NF_OVPN_NSTATS])
{
	unsigned int start, i;
	int cpu;

	memset(out, 0, sizeof(u64) * NF_OVPN_NSTATS);
	for_each_possible_cpu(cpu) {
		const struct nf_ovpn_pcpu_stats *s = per_cpu_ptr(stats, cpu);
		u64 tmp[NF_OVPN_NSTATS];

		do {
			start = u64_stats_fetch_begin(&s->syncp);
			for (i = 1; i < NF_OVPN_NSTATS; i++)
				tmp[i] = u64_stats_read(&s->c[i]);
		} while (u64_stats_fetch_retry(&s->syncp, start));
		for (i = 1; i < NF_OVPN_NSTATS; i++)
			out[i] += tmp[i];
	}
}
