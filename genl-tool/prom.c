// SPDX-License-Identifier: GPL-2.0
/*
 * Prometheus text format for the counters of every instance and peer.
 *
 * Per peer:     nf_ovpn_<counter>_total{instance="tun0",peer="1"}
 *               nf_ovpn_drops_total{instance="tun0",peer="1",reason="auth"}
 * Per instance: nf_ovpn_instance_<counter>_total{instance="tun0"} (all of
 *               the instance's traffic, peers gone or unknown included: it
 *               is not the sum of the peer series, so it is a family of
 *               its own and a sum() over nf_ovpn_* never counts twice),
 *               nf_ovpn_instance_drops_total{instance,reason},
 *               nf_ovpn_instance_peers{instance} (gauge).
 * Samples of one family stay together, after its HELP and TYPE lines.
 */
#include <string.h>

#include "format.h"
#include "prom.h"

struct counter {
	int type;		/* NF_OVPN_A_STATS_* */
	const char *help;
};

static const struct counter counters[] = {
	{ NF_OVPN_A_STATS_RX_PACKETS, "Packets decrypted by the kernel." },
	{ NF_OVPN_A_STATS_RX_BYTES, "Inner bytes decrypted by the kernel." },
	{ NF_OVPN_A_STATS_RX_OUTER_BYTES, "Outer (UDP payload) bytes decrypted by the kernel." },
	{ NF_OVPN_A_STATS_TX_PACKETS, "Packets encrypted by the kernel." },
	{ NF_OVPN_A_STATS_TX_BYTES, "Inner bytes encrypted by the kernel." },
	{ NF_OVPN_A_STATS_TX_OUTER_BYTES, "Outer (UDP payload) bytes sent by the kernel." },
	{ NF_OVPN_A_STATS_RX_SLOW, "Datagrams handed to userspace OpenVPN." },
	{ NF_OVPN_A_STATS_TX_SLOW, "Packets left to the tun device (userspace OpenVPN)." },
	{ NF_OVPN_A_STATS_KEEPALIVE_RX, "Keepalive pings received and consumed by the kernel." },
	{ NF_OVPN_A_STATS_KEEPALIVE_TX, "Keepalive pings sent by the kernel." },
};

static const int drops[] = {
	NF_OVPN_A_STATS_DROP_AUTH, NF_OVPN_A_STATS_DROP_REPLAY,
	NF_OVPN_A_STATS_DROP_MALFORMED, NF_OVPN_A_STATS_DROP_NO_KEY,
	NF_OVPN_A_STATS_DROP_SPOOF, NF_OVPN_A_STATS_DROP_MTU,
	NF_OVPN_A_STATS_DROP_NO_ROUTE, NF_OVPN_A_STATS_DROP_NOMEM,
	NF_OVPN_A_STATS_DROP_LOOP, NF_OVPN_A_STATS_DROP_FRAGMENTS,
	NF_OVPN_A_STATS_DROP_FLOAT,
};

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

/* a label value: backslash, double quote and newline escaped */
static void label(FILE *f, const char *name, const char *v, bool first)
{
	fprintf(f, "%s%s=\"", first ? "" : ",", name);
	for (; *v; v++) {
		if (*v == '\\' || *v == '"')
			fprintf(f, "\\%c", *v);
		else if (*v == '\n')
			fputs("\\n", f);
		else
			fputc(*v, f);
	}
	fputc('"', f);
}

static const char *ifname(const struct nfo_inst *in)
{
	return in->ifname[0] ? in->ifname : "?";
}

static void header(FILE *f, const char *name, const char *help,
		   const char *type)
{
	fprintf(f, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

/* one sample; @peer NULL for the instance, @reason NULL but for drops */
static void sample(FILE *f, const char *name, const struct nfo_inst *in,
		   const struct nfo_peer *peer, const char *reason, uint64_t v)
{
	char id[16];

	fprintf(f, "%s{", name);
	label(f, "instance", ifname(in), true);
	if (peer) {
		snprintf(id, sizeof(id), "%u", peer->id);
		label(f, "peer", id, false);
	}
	if (reason)
		label(f, "reason", reason, false);
	fprintf(f, "} %llu\n", (unsigned long long)v);
}

static void counter_family(FILE *f, const struct nfo_inst *insts, size_t n,
			   bool per_peer, const struct counter *c)
{
	char name[96];
	size_t i, k;

	snprintf(name, sizeof(name), "nf_ovpn_%s%s_total",
		 per_peer ? "" : "instance_", nfo_stat_name(c->type));
	header(f, name, c->help, "counter");
	for (i = 0; i < n; i++) {
		if (!per_peer) {
			if (insts[i].stats.present)
				sample(f, name, &insts[i], NULL, NULL,
				       insts[i].stats.v[c->type]);
			continue;
		}
		for (k = 0; k < insts[i].n_peers; k++)
			if (insts[i].peers[k].stats.present)
				sample(f, name, &insts[i], &insts[i].peers[k],
				       NULL, insts[i].peers[k].stats.v[c->type]);
	}
}

static void drop_family(FILE *f, const struct nfo_inst *insts, size_t n,
			bool per_peer)
{
	const char *name = per_peer ? "nf_ovpn_drops_total" :
			   "nf_ovpn_instance_drops_total";
	size_t i, k, d;

	header(f, name, "Packets the kernel dropped, by reason.", "counter");
	for (i = 0; i < n; i++) {
		const struct nfo_inst *in = &insts[i];

		for (d = 0; d < ARRAY_LEN(drops); d++) {
			/* "drop_auth" -> "auth" */
			const char *reason = nfo_stat_name(drops[d]) + 5;

			if (!per_peer) {
				if (in->stats.present)
					sample(f, name, in, NULL, reason,
					       in->stats.v[drops[d]]);
				continue;
			}
			for (k = 0; k < in->n_peers; k++)
				if (in->peers[k].stats.present)
					sample(f, name, in, &in->peers[k],
					       reason,
					       in->peers[k].stats.v[drops[d]]);
		}
	}
}

void nfo_print_prometheus(FILE *f, const struct nfo_inst *insts, size_t n)
{
	size_t i, c;
	int level;

	/* the peers' families first, then the instances' */
	for (level = 1; level >= 0; level--) {
		for (c = 0; c < ARRAY_LEN(counters); c++)
			counter_family(f, insts, n, level, &counters[c]);
		drop_family(f, insts, n, level);
	}
	header(f, "nf_ovpn_instance_peers",
	       "Peers installed in the instance.", "gauge");
	for (i = 0; i < n; i++) {
		fputs("nf_ovpn_instance_peers{", f);
		label(f, "instance", ifname(&insts[i]), true);
		fprintf(f, "} %zu\n", insts[i].n_peers);
	}
}
