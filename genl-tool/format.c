// SPDX-License-Identifier: GPL-2.0
#include <arpa/inet.h>
#include <inttypes.h>
#include <string.h>

#include "format.h"
#include "json.h"

#define LABEL_WIDTH 15

void nfo_fmt_bytes(uint64_t bytes, char *buf, size_t len)
{
	static const char *const units[] = { "KiB", "MiB", "GiB", "TiB",
					     "PiB", "EiB" };
	double v = (double)bytes;
	int u = -1;

	if (bytes < 1024) {
		snprintf(buf, len, "%" PRIu64 " B", bytes);
		return;
	}
	while (v >= 1024 && u < 5) {
		v /= 1024;
		u++;
	}
	snprintf(buf, len, "%.2f %s", v, units[u]);
}

void nfo_fmt_age(uint32_t ms, char *buf, size_t len)
{
	uint32_t s = ms / 1000;

	if (ms == NFO_IDLE_NEVER)
		snprintf(buf, len, "never");
	else if (ms < 60000)
		snprintf(buf, len, "%u.%u s ago", s, ms % 1000 / 100);
	else if (s < 3600)
		snprintf(buf, len, "%u min %u s ago", s / 60, s % 60);
	else if (s < 86400)
		snprintf(buf, len, "%u h %u min ago", s / 3600, s % 3600 / 60);
	else
		snprintf(buf, len, "%u d %u h ago", s / 86400, s % 86400 / 3600);
}

void nfo_fmt_addr(const struct nfo_addr *a, char *buf, size_t len)
{
	if (!a->family || !inet_ntop(a->family, a->a, buf, (socklen_t)len))
		snprintf(buf, len, "-");
}

void nfo_fmt_endpoint(const struct nfo_addr *a, uint32_t scope_id,
		      uint16_t port, char *buf, size_t len)
{
	char addr[INET6_ADDRSTRLEN];

	if (!a->family) {
		snprintf(buf, len, "*:%u", port);
		return;
	}
	nfo_fmt_addr(a, addr, sizeof(addr));
	if (a->family == AF_INET)
		snprintf(buf, len, "%s:%u", addr, port);
	else if (scope_id)
		snprintf(buf, len, "[%s%%%u]:%u", addr, scope_id, port);
	else
		snprintf(buf, len, "[%s]:%u", addr, port);
}

const char *nfo_mode_name(uint8_t mode)
{
	switch (mode) {
	case NF_OVPN_MODE_SERVER:
		return "server";
	case NF_OVPN_MODE_P2P:
		return "p2p";
	}
	return "unknown";
}

const char *nfo_cipher_name(uint32_t cipher)
{
	switch (cipher) {
	case NF_OVPN_CIPHER_NONE:
		return "none";
	case NF_OVPN_CIPHER_AES_GCM:
		return "AES-GCM";
	case NF_OVPN_CIPHER_CHACHA20_POLY1305:
		return "CHACHA20-POLY1305";
	}
	return "unknown";
}

const char *nfo_slot_name(uint32_t slot)
{
	switch (slot) {
	case NF_OVPN_KEY_SLOT_PRIMARY:
		return "primary";
	case NF_OVPN_KEY_SLOT_SECONDARY:
		return "secondary";
	}
	return "unknown";
}

const char *nfo_reason_name(uint32_t reason)
{
	switch (reason) {
	case NF_OVPN_DEL_USERSPACE:
		return "userspace";
	case NF_OVPN_DEL_EXPIRED:
		return "expired";
	case NF_OVPN_DEL_TRANSPORT_ERROR:
		return "transport_error";
	case NF_OVPN_DEL_MODULE_UNLOAD:
		return "module_unload";
	case NF_OVPN_DEL_RELEASED:
		return "released";
	case NF_OVPN_DEL_DEVICE_GONE:
		return "device_gone";
	}
	return "unknown";
}

static const char *const stat_names[NF_OVPN_A_STATS_MAX + 1] = {
	[NF_OVPN_A_STATS_RX_PACKETS] = "rx_packets",
	[NF_OVPN_A_STATS_RX_BYTES] = "rx_bytes",
	[NF_OVPN_A_STATS_RX_OUTER_BYTES] = "rx_outer_bytes",
	[NF_OVPN_A_STATS_TX_PACKETS] = "tx_packets",
	[NF_OVPN_A_STATS_TX_BYTES] = "tx_bytes",
	[NF_OVPN_A_STATS_TX_OUTER_BYTES] = "tx_outer_bytes",
	[NF_OVPN_A_STATS_RX_SLOW] = "rx_slow_packets",
	[NF_OVPN_A_STATS_TX_SLOW] = "tx_slow_packets",
	[NF_OVPN_A_STATS_KEEPALIVE_RX] = "keepalive_rx",
	[NF_OVPN_A_STATS_KEEPALIVE_TX] = "keepalive_tx",
	[NF_OVPN_A_STATS_DROP_AUTH] = "drop_auth",
	[NF_OVPN_A_STATS_DROP_REPLAY] = "drop_replay",
	[NF_OVPN_A_STATS_DROP_MALFORMED] = "drop_malformed",
	[NF_OVPN_A_STATS_DROP_NO_KEY] = "drop_no_key",
	[NF_OVPN_A_STATS_DROP_SPOOF] = "drop_spoof",
	[NF_OVPN_A_STATS_DROP_MTU] = "drop_mtu",
	[NF_OVPN_A_STATS_DROP_NO_ROUTE] = "drop_no_route",
	[NF_OVPN_A_STATS_DROP_NOMEM] = "drop_nomem",
	[NF_OVPN_A_STATS_DROP_LOOP] = "drop_loop",
	[NF_OVPN_A_STATS_DROP_FRAGMENTS] = "drop_fragments",
	[NF_OVPN_A_STATS_DROP_FLOAT] = "drop_float",
};

const char *nfo_stat_name(int type)
{
	if (type <= 0 || type > NF_OVPN_A_STATS_MAX)
		return NULL;
	return stat_names[type];
}

/* ---- human output ---- */

static void label(FILE *f, int indent, const char *name)
{
	fprintf(f, "%*s%-*s", indent, "", LABEL_WIDTH, name);
}

static void human_stats(FILE *f, int ind, const struct nfo_stats *st)
{
	const uint64_t *v = st->v;
	char rx[32], tx[32];
	bool any_drop = false;
	int t;

	if (!st->present)
		return;
	nfo_fmt_bytes(v[NF_OVPN_A_STATS_RX_BYTES], rx, sizeof(rx));
	nfo_fmt_bytes(v[NF_OVPN_A_STATS_TX_BYTES], tx, sizeof(tx));
	label(f, ind, "fast path:");
	fprintf(f, "rx %s (%" PRIu64 " pkts), tx %s (%" PRIu64 " pkts)\n",
		rx, v[NF_OVPN_A_STATS_RX_PACKETS], tx,
		v[NF_OVPN_A_STATS_TX_PACKETS]);
	nfo_fmt_bytes(v[NF_OVPN_A_STATS_RX_OUTER_BYTES], rx, sizeof(rx));
	nfo_fmt_bytes(v[NF_OVPN_A_STATS_TX_OUTER_BYTES], tx, sizeof(tx));
	label(f, ind, "on the wire:");
	fprintf(f, "rx %s, tx %s\n", rx, tx);
	label(f, ind, "slow path:");
	fprintf(f, "rx %" PRIu64 " pkts, tx %" PRIu64 " pkts\n",
		v[NF_OVPN_A_STATS_RX_SLOW], v[NF_OVPN_A_STATS_TX_SLOW]);
	label(f, ind, "keepalives:");
	fprintf(f, "rx %" PRIu64 ", tx %" PRIu64 "\n",
		v[NF_OVPN_A_STATS_KEEPALIVE_RX],
		v[NF_OVPN_A_STATS_KEEPALIVE_TX]);
	label(f, ind, "drops:");
	for (t = NF_OVPN_A_STATS_DROP_AUTH; t <= NF_OVPN_A_STATS_MAX; t++) {
		if (!v[t] || !stat_names[t])
			continue;
		/* "drop_no_key" -> "no_key" */
		fprintf(f, "%s%s %" PRIu64, any_drop ? ", " : "",
			stat_names[t] + 5, v[t]);
		any_drop = true;
	}
	fputs(any_drop ? "\n" : "none\n", f);
}

static void human_key(FILE *f, const struct nfo_key *k)
{
	fprintf(f, "key-id %u, %s", k->key_id, nfo_cipher_name(k->cipher));
	if (k->has_tx_pktid)
		fprintf(f, ", tx packet-id %u", k->tx_pktid);
	if (k->has_rx_pktid)
		fprintf(f, ", rx packet-id %u", k->rx_pktid);
	fputc('\n', f);
}

static void human_peer(FILE *f, const struct nfo_peer *p)
{
	char buf[INET6_ADDRSTRLEN + 32], age[32];
	size_t i;

	fprintf(f, "\n  peer: %u\n", p->id);
	if (p->remote.family) {
		nfo_fmt_endpoint(&p->remote, p->remote_scope_id,
				 p->remote_port, buf, sizeof(buf));
		label(f, 4, "remote:");
		fprintf(f, "%s\n", buf);
	}
	if (p->local4.family || p->local6.family) {
		label(f, 4, "local:");
		if (p->local4.family) {
			nfo_fmt_addr(&p->local4, buf, sizeof(buf));
			fprintf(f, "%s%s", buf, p->local6.family ? ", " : "");
		}
		if (p->local6.family) {
			nfo_fmt_addr(&p->local6, buf, sizeof(buf));
			fputs(buf, f);
		}
		fputc('\n', f);
	}
	if (p->vpn4.family || p->vpn6.family) {
		label(f, 4, "vpn addresses:");
		if (p->vpn4.family) {
			nfo_fmt_addr(&p->vpn4, buf, sizeof(buf));
			fprintf(f, "%s%s", buf, p->vpn6.family ? ", " : "");
		}
		if (p->vpn6.family) {
			nfo_fmt_addr(&p->vpn6, buf, sizeof(buf));
			fputs(buf, f);
		}
		fputc('\n', f);
	}
	if (p->n_iroutes) {
		label(f, 4, "iroutes:");
		for (i = 0; i < p->n_iroutes; i++) {
			nfo_fmt_addr(&p->iroutes[i].addr, buf, sizeof(buf));
			fprintf(f, "%s%s/%u", i ? ", " : "", buf,
				p->iroutes[i].prefixlen);
		}
		fputc('\n', f);
	}
	if (p->has_rx_idle) {
		nfo_fmt_age(p->rx_idle_ms, age, sizeof(age));
		label(f, 4, "latest rx:");
		fprintf(f, "%s\n", age);
	}
	if (p->has_tx_idle) {
		nfo_fmt_age(p->tx_idle_ms, age, sizeof(age));
		label(f, 4, "latest tx:");
		fprintf(f, "%s\n", age);
	}
	if (p->has_ka_interval || p->has_ka_timeout) {
		label(f, 4, "keepalive:");
		/* OpenVPN's patch sets only the interval: it keeps the
		 * timeout (--ping-restart) in userspace */
		if (!p->ka_interval && !p->ka_timeout)
			fputs("off\n", f);
		else if (!p->ka_timeout)
			fprintf(f, "every %u s, no expiry in the kernel\n",
				p->ka_interval);
		else if (!p->ka_interval)
			fprintf(f, "no pings, timeout %u s\n", p->ka_timeout);
		else
			fprintf(f, "every %u s, timeout %u s\n",
				p->ka_interval, p->ka_timeout);
	}
	for (i = 0; i < p->n_keys; i++) {
		snprintf(buf, sizeof(buf), "key %s:",
			 nfo_slot_name(p->keys[i].slot));
		label(f, 4, buf);
		human_key(f, &p->keys[i]);
	}
	if (!p->n_keys) {
		label(f, 4, "keys:");
		fputs("none\n", f);
	}
	human_stats(f, 4, &p->stats);
}

static void human_inst(FILE *f, const struct nfo_inst *in)
{
	char buf[INET6_ADDRSTRLEN + 32];
	size_t i;

	fprintf(f, "instance: %s\n", in->ifname[0] ? in->ifname : "?");
	if (in->has_id) {
		label(f, 2, "id:");
		fprintf(f, "%u\n", in->id);
	}
	label(f, 2, "ifindex:");
	fprintf(f, "%u\n", in->ifindex);
	if (in->has_mode) {
		label(f, 2, "mode:");
		fprintf(f, "%s\n", nfo_mode_name(in->mode));
	}
	if (in->has_port) {
		label(f, 2, "listening:");
		if (!in->local4.family && !in->local6.family) {
			fprintf(f, "*:%u\n", in->port);
		} else {
			if (in->local4.family) {
				nfo_fmt_endpoint(&in->local4, 0, in->port, buf,
						 sizeof(buf));
				fprintf(f, "%s%s", buf,
					in->local6.family ? ", " : "");
			}
			if (in->local6.family) {
				nfo_fmt_endpoint(&in->local6, 0, in->port, buf,
						 sizeof(buf));
				fputs(buf, f);
			}
			fputc('\n', f);
		}
	}
	if (in->mark) {
		label(f, 2, "mark:");
		fprintf(f, "0x%x\n", in->mark);
	}
	if (in->bind_ifindex) {
		char name[IF_NAMESIZE];

		label(f, 2, "bound to:");
		fprintf(f, "%s\n", if_indextoname(in->bind_ifindex, name) ?
			name : "?");
	}
	if (in->has_peer_count) {
		label(f, 2, "peers:");
		fprintf(f, "%u\n", in->peer_count);
	}
	human_stats(f, 2, &in->stats);
	for (i = 0; i < in->n_peers; i++)
		human_peer(f, &in->peers[i]);
}

/* ---- JSON output ---- */

static void json_addr(struct json *j, const char *key,
		      const struct nfo_addr *a)
{
	char buf[INET6_ADDRSTRLEN];

	if (!a->family) {
		json_null(j, key);
		return;
	}
	nfo_fmt_addr(a, buf, sizeof(buf));
	json_str(j, key, buf);
}

static void json_opt_u64(struct json *j, const char *key, bool has,
			 uint64_t v)
{
	if (has)
		json_u64(j, key, v);
	else
		json_null(j, key);
}

static void json_stats(struct json *j, const struct nfo_stats *st)
{
	int t;

	if (!st->present) {
		json_null(j, "stats");
		return;
	}
	json_obj_open(j, "stats");
	for (t = 1; t <= NF_OVPN_A_STATS_MAX; t++)
		if (stat_names[t])
			json_u64(j, stat_names[t], st->v[t]);
	json_obj_close(j);
}

static void json_hex(struct json *j, const char *key, const uint8_t *b,
		     size_t len)
{
	char buf[2 * sizeof(((struct nfo_key *)0)->rx_window) + 1];
	size_t i;

	for (i = 0; i < len && i < sizeof(buf) / 2; i++)
		snprintf(buf + 2 * i, 3, "%02x", b[i]);
	buf[2 * i] = '\0';
	json_str(j, key, buf);
}

/* fields of one key slot; with_window adds the replay bitmap */
static void json_key_fields(struct json *j, const struct nfo_key *k,
			    bool with_window)
{
	json_str(j, "slot", k->has_slot ? nfo_slot_name(k->slot) : NULL);
	json_opt_u64(j, "key_id", k->has_key_id, k->key_id);
	json_str(j, "cipher", k->has_cipher ? nfo_cipher_name(k->cipher) :
		 NULL);
	json_opt_u64(j, "tx_pktid", k->has_tx_pktid, k->tx_pktid);
	json_opt_u64(j, "rx_pktid", k->has_rx_pktid, k->rx_pktid);
	if (!with_window)
		return;
	if (k->rx_window_len)
		json_hex(j, "rx_window", k->rx_window, k->rx_window_len);
	else
		json_null(j, "rx_window");
}

static void json_keys(struct json *j, const struct nfo_peer *p,
		      bool with_window)
{
	size_t i;

	json_arr_open(j, "keys");
	for (i = 0; i < p->n_keys; i++) {
		json_obj_open(j, NULL);
		json_key_fields(j, &p->keys[i], with_window);
		json_obj_close(j);
	}
	json_arr_close(j);
}

static void json_idle(struct json *j, const char *key, bool has, uint32_t v)
{
	json_opt_u64(j, key, has && v != NFO_IDLE_NEVER, v);
}

static void json_peer(struct json *j, const struct nfo_peer *p)
{
	char buf[INET6_ADDRSTRLEN + 8];
	size_t i;

	json_obj_open(j, NULL);
	json_u64(j, "id", p->id);
	json_addr(j, "remote_address", &p->remote);
	json_opt_u64(j, "remote_port", p->has_remote_port, p->remote_port);
	json_opt_u64(j, "remote_scope_id", p->remote_scope_id != 0,
		     p->remote_scope_id);
	json_addr(j, "local_ipv4", &p->local4);
	json_addr(j, "local_ipv6", &p->local6);
	json_addr(j, "vpn_ipv4", &p->vpn4);
	json_addr(j, "vpn_ipv6", &p->vpn6);
	json_arr_open(j, "iroutes");
	for (i = 0; i < p->n_iroutes; i++) {
		size_t n;

		nfo_fmt_addr(&p->iroutes[i].addr, buf, sizeof(buf));
		n = strlen(buf);
		snprintf(buf + n, sizeof(buf) - n, "/%u",
			 p->iroutes[i].prefixlen);
		json_str(j, NULL, buf);
	}
	json_arr_close(j);
	json_opt_u64(j, "keepalive_interval", p->has_ka_interval,
		     p->ka_interval);
	json_opt_u64(j, "keepalive_timeout", p->has_ka_timeout,
		     p->ka_timeout);
	json_idle(j, "rx_idle_ms", p->has_rx_idle, p->rx_idle_ms);
	json_idle(j, "tx_idle_ms", p->has_tx_idle, p->tx_idle_ms);
	json_keys(j, p, false);
	json_stats(j, &p->stats);
	json_obj_close(j);
}

static void json_inst(struct json *j, const struct nfo_inst *in)
{
	size_t i;

	json_obj_open(j, NULL);
	json_str(j, "ifname", in->ifname[0] ? in->ifname : NULL);
	json_u64(j, "ifindex", in->ifindex);
	json_opt_u64(j, "id", in->has_id, in->id);
	json_str(j, "mode", in->has_mode ? nfo_mode_name(in->mode) : NULL);
	json_addr(j, "local_ipv4", &in->local4);
	json_addr(j, "local_ipv6", &in->local6);
	json_opt_u64(j, "local_port", in->has_port, in->port);
	json_opt_u64(j, "peer_count", in->has_peer_count, in->peer_count);
	json_opt_u64(j, "mark", in->mark, in->mark);
	json_opt_u64(j, "bind_ifindex", in->bind_ifindex, in->bind_ifindex);
	json_stats(j, &in->stats);
	json_arr_open(j, "peers");
	for (i = 0; i < in->n_peers; i++)
		json_peer(j, &in->peers[i]);
	json_arr_close(j);
	json_obj_close(j);
}

void nfo_print_show(FILE *f, const struct nfo_inst *insts, size_t n,
		    bool json)
{
	struct json j;
	size_t i;

	if (!json) {
		for (i = 0; i < n; i++) {
			if (i)
				fputc('\n', f);
			human_inst(f, &insts[i]);
		}
		return;
	}
	json_init(&j, f, true);
	json_obj_open(&j, NULL);
	json_arr_open(&j, "instances");
	for (i = 0; i < n; i++)
		json_inst(&j, &insts[i]);
	json_arr_close(&j);
	json_obj_close(&j);
	json_end(&j);
}

/* "tun0 - rx_packets 12" / "tun0 7 rx_packets 12" */
static void text_stats(FILE *f, const char *dev, const char *who,
		       const struct nfo_stats *st)
{
	int t;

	if (!st->present)
		return;
	for (t = 1; t <= NF_OVPN_A_STATS_MAX; t++)
		if (stat_names[t])
			fprintf(f, "%s %s %s %" PRIu64 "\n", dev, who,
				stat_names[t], st->v[t]);
}

void nfo_print_stats(FILE *f, const struct nfo_inst *insts, size_t n,
		     bool json)
{
	struct json j;
	size_t i, k;

	if (!json) {
		for (i = 0; i < n; i++) {
			const struct nfo_inst *in = &insts[i];
			const char *dev = in->ifname[0] ? in->ifname : "?";
			char id[16];

			text_stats(f, dev, "-", &in->stats);
			for (k = 0; k < in->n_peers; k++) {
				snprintf(id, sizeof(id), "%u",
					 in->peers[k].id);
				text_stats(f, dev, id, &in->peers[k].stats);
			}
		}
		return;
	}
	json_init(&j, f, true);
	json_obj_open(&j, NULL);
	json_arr_open(&j, "instances");
	for (i = 0; i < n; i++) {
		json_obj_open(&j, NULL);
		json_str(&j, "ifname",
			 insts[i].ifname[0] ? insts[i].ifname : NULL);
		json_u64(&j, "ifindex", insts[i].ifindex);
		json_stats(&j, &insts[i].stats);
		json_arr_open(&j, "peers");
		for (k = 0; k < insts[i].n_peers; k++) {
			json_obj_open(&j, NULL);
			json_u64(&j, "id", insts[i].peers[k].id);
			json_stats(&j, &insts[i].peers[k].stats);
			json_obj_close(&j);
		}
		json_arr_close(&j);
		json_obj_close(&j);
	}
	json_arr_close(&j);
	json_obj_close(&j);
	json_end(&j);
}

/* what the counts cover; a module older than the scope attribute always
 * counted module-wide.  @human: the text form, else the JSON one.
 */
static const char *status_scope_name(const struct nfo_status *st, bool human)
{
	uint32_t scope = st->has_scope ? st->scope : NF_OVPN_STATUS_SCOPE_MODULE;

	if (scope == NF_OVPN_STATUS_SCOPE_MODULE)
		return human ? "module (every network namespace)" : "module";
	if (scope == NF_OVPN_STATUS_SCOPE_NETNS)
		return human ? "netns (this network namespace only)" : "netns";
	return "unknown";
}

void nfo_print_status(FILE *f, const struct nfo_status *st, bool json)
{
	struct json j;

	if (!json) {
		fprintf(f, "instances: %u\npeers:     %u\nkeys:      %u\n",
			st->instances, st->peers, st->keys);
		fprintf(f, "scope:     %s\n", status_scope_name(st, true));
		if (st->version[0])
			fprintf(f, "version:   %s\n", st->version);
		return;
	}
	json_init(&j, f, true);
	json_obj_open(&j, NULL);
	json_opt_u64(&j, "instances", st->has_instances, st->instances);
	json_opt_u64(&j, "peers", st->has_peers, st->peers);
	json_opt_u64(&j, "keys", st->has_keys, st->keys);
	json_str(&j, "scope", status_scope_name(st, false));
	json_str(&j, "version", st->version[0] ? st->version : NULL);
	json_obj_close(&j);
	json_end(&j);
}

/* "tun0 peer 5 slot primary: key-id 0, AES-GCM, tx-pktid 9, rx-pktid 3" */
static void human_key_line(FILE *f, const char *dev, uint32_t peer_id,
			   const struct nfo_key *k)
{
	fprintf(f, "%s peer %u slot %s:", dev, peer_id,
		k->has_slot ? nfo_slot_name(k->slot) : "?");
	if (k->has_key_id)
		fprintf(f, " key-id %u,", k->key_id);
	if (k->has_cipher)
		fprintf(f, " %s,", nfo_cipher_name(k->cipher));
	fprintf(f, " tx-pktid %s%u, rx-pktid %s%u",
		k->has_tx_pktid ? "" : "?", k->has_tx_pktid ? k->tx_pktid : 0,
		k->has_rx_pktid ? "" : "?", k->has_rx_pktid ? k->rx_pktid : 0);
	if (k->rx_window_len)
		fprintf(f, ", rx-window %zu bytes", k->rx_window_len);
	fputc('\n', f);
}

void nfo_print_key(FILE *f, const char *dev, const struct nfo_key *k,
		   bool json)
{
	struct json j;

	if (!json) {
		human_key_line(f, dev, k->peer_id, k);
		return;
	}
	json_init(&j, f, true);
	json_obj_open(&j, NULL);
	json_str(&j, "ifname", dev);
	json_opt_u64(&j, "peer_id", k->has_peer_id, k->peer_id);
	json_key_fields(&j, k, true);
	json_obj_close(&j);
	json_end(&j);
}

void nfo_print_peer_del(FILE *f, const char *dev, const struct nfo_peer *p,
			bool json)
{
	struct json j;
	size_t i;

	if (!json) {
		for (i = 0; i < p->n_keys; i++)
			human_key_line(f, dev, p->id, &p->keys[i]);
		return;
	}
	json_init(&j, f, true);
	json_obj_open(&j, NULL);
	json_str(&j, "ifname", dev);
	json_u64(&j, "peer_id", p->id);
	json_keys(&j, p, true);
	json_obj_close(&j);
	json_end(&j);
}

/* ---- notifications ---- */

static const char *event_name(uint8_t cmd, bool json)
{
	switch (cmd) {
	case NF_OVPN_CMD_PEER_DEL_NTF:
		return json ? "peer_del" : "peer-del";
	case NF_OVPN_CMD_KEY_SWAP_NTF:
		return json ? "key_swap" : "key-swap";
	case NF_OVPN_CMD_PEER_FLOAT_NTF:
		return json ? "peer_float" : "peer-float";
	}
	return "unknown";
}

static void human_event(FILE *f, const struct nfo_event *ev)
{
	const struct nfo_peer *p = &ev->peer;
	const struct nfo_key *k = &ev->key;
	char buf[INET6_ADDRSTRLEN + 32];
	size_t i;

	fputs(event_name(ev->cmd, false), f);
	if (ev->ifname[0])
		fprintf(f, " %s", ev->ifname);
	else
		fprintf(f, " ifindex %u", ev->ifindex);

	switch (ev->cmd) {
	case NF_OVPN_CMD_PEER_DEL_NTF:
		fprintf(f, " peer %u", p->id);
		if (p->has_del_reason)
			fprintf(f, " reason %s", nfo_reason_name(p->del_reason));
		for (i = 0; i < p->n_keys; i++)
			fprintf(f, " [%s key-id %u tx-pktid %u rx-pktid %u]",
				nfo_slot_name(p->keys[i].slot),
				p->keys[i].key_id, p->keys[i].tx_pktid,
				p->keys[i].rx_pktid);
		break;
	case NF_OVPN_CMD_KEY_SWAP_NTF:
		fprintf(f, " peer %u", k->peer_id);
		if (k->has_slot)
			fprintf(f, " slot %s", nfo_slot_name(k->slot));
		if (k->has_key_id)
			fprintf(f, " key-id %u", k->key_id);
		break;
	case NF_OVPN_CMD_PEER_FLOAT_NTF:
		fprintf(f, " peer %u", p->id);
		if (p->remote.family) {
			nfo_fmt_endpoint(&p->remote, p->remote_scope_id,
					 p->remote_port, buf, sizeof(buf));
			fprintf(f, " remote %s", buf);
		}
		break;
	default:
		fprintf(f, " cmd %u", ev->cmd);
		break;
	}
	fputc('\n', f);
}

static void json_event(FILE *f, const struct nfo_event *ev)
{
	const struct nfo_peer *p = &ev->peer;
	const struct nfo_key *k = &ev->key;
	struct json j;

	json_init(&j, f, false);
	json_obj_open(&j, NULL);
	json_str(&j, "event", event_name(ev->cmd, true));
	json_u64(&j, "ifindex", ev->ifindex);
	json_str(&j, "ifname", ev->ifname[0] ? ev->ifname : NULL);
	switch (ev->cmd) {
	case NF_OVPN_CMD_PEER_DEL_NTF:
		json_u64(&j, "peer_id", p->id);
		json_str(&j, "reason", p->has_del_reason ?
			 nfo_reason_name(p->del_reason) : NULL);
		json_opt_u64(&j, "reason_code", p->has_del_reason,
			     p->del_reason);
		json_keys(&j, p, true);
		break;
	case NF_OVPN_CMD_KEY_SWAP_NTF:
		json_opt_u64(&j, "peer_id", k->has_peer_id, k->peer_id);
		json_str(&j, "slot", k->has_slot ? nfo_slot_name(k->slot) :
			 NULL);
		json_opt_u64(&j, "key_id", k->has_key_id, k->key_id);
		break;
	case NF_OVPN_CMD_PEER_FLOAT_NTF:
		json_u64(&j, "peer_id", p->id);
		json_addr(&j, "remote_address", &p->remote);
		json_opt_u64(&j, "remote_port", p->has_remote_port,
			     p->remote_port);
		json_opt_u64(&j, "remote_scope_id", p->remote_scope_id != 0,
			     p->remote_scope_id);
		break;
	default:
		json_u64(&j, "cmd", ev->cmd);
		break;
	}
	json_obj_close(&j);
	json_end(&j);
}

void nfo_print_event(FILE *f, const struct nfo_event *ev, bool json)
{
	if (json)
		json_event(f, ev);
	else
		human_event(f, ev);
}

void nfo_print_lost(FILE *f, bool json)
{
	if (json)
		fputs("{\"event\":\"lost\"}\n", f);
	else
		fputs("lost notifications (receive buffer overrun): state may be stale, re-read with 'nfovpn show'\n",
		      f);
}
