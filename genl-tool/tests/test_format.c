// SPDX-License-Identifier: GPL-2.0
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "format.h"
#include "harness.h"
#include "prom.h"

static void fmt_bytes_units(void)
{
	char b[32];

	nfo_fmt_bytes(0, b, sizeof(b));
	CHECK_STR(b, "0 B");
	nfo_fmt_bytes(1023, b, sizeof(b));
	CHECK_STR(b, "1023 B");
	nfo_fmt_bytes(1024, b, sizeof(b));
	CHECK_STR(b, "1.00 KiB");
	nfo_fmt_bytes(1536, b, sizeof(b));
	CHECK_STR(b, "1.50 KiB");
	nfo_fmt_bytes(3355443, b, sizeof(b));
	CHECK_STR(b, "3.20 MiB");
	nfo_fmt_bytes(5ULL << 30, b, sizeof(b));
	CHECK_STR(b, "5.00 GiB");
	nfo_fmt_bytes(UINT64_MAX, b, sizeof(b));
	CHECK_STR(b, "16.00 EiB");
}

static void fmt_ages(void)
{
	char b[32];

	nfo_fmt_age(0, b, sizeof(b));
	CHECK_STR(b, "0.0 s ago");
	nfo_fmt_age(3200, b, sizeof(b));
	CHECK_STR(b, "3.2 s ago");
	nfo_fmt_age(59999, b, sizeof(b));
	CHECK_STR(b, "59.9 s ago");
	nfo_fmt_age(60000, b, sizeof(b));
	CHECK_STR(b, "1 min 0 s ago");
	nfo_fmt_age(3599000, b, sizeof(b));
	CHECK_STR(b, "59 min 59 s ago");
	nfo_fmt_age(3600000, b, sizeof(b));
	CHECK_STR(b, "1 h 0 min ago");
	nfo_fmt_age(90061000, b, sizeof(b));
	CHECK_STR(b, "1 d 1 h ago");
	nfo_fmt_age(NFO_IDLE_NEVER, b, sizeof(b));
	CHECK_STR(b, "never");
}

static struct nfo_addr addr(int family, const char *s)
{
	struct nfo_addr a = { .family = (sa_family_t)family };

	inet_pton(family, s, a.a);
	return a;
}

static void fmt_endpoints(void)
{
	struct nfo_addr v4 = addr(AF_INET, "192.0.2.1");
	struct nfo_addr v6 = addr(AF_INET6, "fe80::1");
	struct nfo_addr none = { 0 };
	char b[80];

	nfo_fmt_endpoint(&v4, 0, 1194, b, sizeof(b));
	CHECK_STR(b, "192.0.2.1:1194");
	nfo_fmt_endpoint(&v6, 0, 1194, b, sizeof(b));
	CHECK_STR(b, "[fe80::1]:1194");
	nfo_fmt_endpoint(&v6, 3, 1194, b, sizeof(b));
	CHECK_STR(b, "[fe80::1%3]:1194");
	nfo_fmt_endpoint(&none, 0, 53, b, sizeof(b));
	CHECK_STR(b, "*:53");
	nfo_fmt_addr(&none, b, sizeof(b));
	CHECK_STR(b, "-");
	CHECK_STR(nfo_reason_name(NF_OVPN_DEL_EXPIRED), "expired");
	CHECK_STR(nfo_reason_name(999), "unknown");
	CHECK_STR(nfo_cipher_name(NF_OVPN_CIPHER_CHACHA20_POLY1305),
		  "CHACHA20-POLY1305");
	CHECK(nfo_stat_name(NF_OVPN_A_STATS_PAD) == NULL);
	CHECK_STR(nfo_stat_name(NF_OVPN_A_STATS_DROP_REPLAY), "drop_replay");
	CHECK_STR(nfo_stat_name(NF_OVPN_A_STATS_DROP_LOOP), "drop_loop");
	CHECK_STR(nfo_stat_name(NF_OVPN_A_STATS_DROP_FRAGMENTS),
		  "drop_fragments");
	CHECK_STR(nfo_stat_name(NF_OVPN_A_STATS_DROP_FLOAT), "drop_float");
}

/* two instances: one busy server with two peers, one idle p2p */
static struct nfo_inst *sample(size_t *n)
{
	struct nfo_inst *in = calloc(2, sizeof(*in));
	struct nfo_peer *p;

	in[0].ifindex = 5;
	strcpy(in[0].ifname, "tun0");
	in[0].has_mode = in[0].has_port = in[0].has_id = true;
	in[0].has_peer_count = true;
	in[0].mode = NF_OVPN_MODE_SERVER;
	in[0].port = 1194;
	in[0].local4 = addr(AF_INET, "0.0.0.0");
	in[0].local6 = addr(AF_INET6, "::");
	in[0].id = 1;
	in[0].peer_count = 2;
	in[0].stats.present = true;
	in[0].stats.v[NF_OVPN_A_STATS_RX_PACKETS] = 1234;
	in[0].stats.v[NF_OVPN_A_STATS_RX_BYTES] = 3355443;
	in[0].stats.v[NF_OVPN_A_STATS_TX_PACKETS] = 99;
	in[0].stats.v[NF_OVPN_A_STATS_TX_BYTES] = 1536;
	in[0].stats.v[NF_OVPN_A_STATS_DROP_AUTH] = 3;
	in[0].stats.v[NF_OVPN_A_STATS_DROP_REPLAY] = 1;
	in[0].stats.v[NF_OVPN_A_STATS_DROP_LOOP] = 4;
	in[0].n_peers = 2;
	in[0].peers = calloc(2, sizeof(*p));

	p = &in[0].peers[0];
	p->ifindex = 5;
	p->has_id = true;
	p->id = 7;
	p->remote = addr(AF_INET, "192.0.2.10");
	p->has_remote_port = true;
	p->remote_port = 50000;
	p->local4 = addr(AF_INET, "192.0.2.1");
	p->vpn4 = addr(AF_INET, "10.8.0.6");
	p->vpn6 = addr(AF_INET6, "fd00::6");
	p->n_iroutes = 2;
	p->iroutes = calloc(2, sizeof(*p->iroutes));
	p->iroutes[0].addr = addr(AF_INET, "10.1.0.0");
	p->iroutes[0].prefixlen = 24;
	p->iroutes[1].addr = addr(AF_INET6, "fd00:1::");
	p->iroutes[1].prefixlen = 64;
	p->has_ka_interval = p->has_ka_timeout = true;
	p->ka_interval = 10;
	p->ka_timeout = 60;
	p->has_rx_idle = p->has_tx_idle = true;
	p->rx_idle_ms = 3200;
	p->tx_idle_ms = NFO_IDLE_NEVER;
	p->stats.present = true;
	p->stats.v[NF_OVPN_A_STATS_RX_PACKETS] = 1000;
	p->stats.v[NF_OVPN_A_STATS_DROP_NO_KEY] = 2;
	p->n_keys = 2;
	p->keys[0] = (struct nfo_key){ .has_slot = true, .has_key_id = true,
		.has_cipher = true, .has_tx_pktid = true, .has_rx_pktid = true,
		.slot = NF_OVPN_KEY_SLOT_PRIMARY, .key_id = 1,
		.cipher = NF_OVPN_CIPHER_AES_GCM, .tx_pktid = 4242,
		.rx_pktid = 17 };
	p->keys[1] = (struct nfo_key){ .has_slot = true, .has_key_id = true,
		.has_cipher = true, .slot = NF_OVPN_KEY_SLOT_SECONDARY,
		.key_id = 0, .cipher = NF_OVPN_CIPHER_CHACHA20_POLY1305 };

	p = &in[0].peers[1];
	p->ifindex = 5;
	p->id = 8;
	p->remote = addr(AF_INET6, "fe80::99");
	p->remote_scope_id = 3;
	p->has_remote_port = true;
	p->remote_port = 1194;

	in[1].ifindex = 9;
	strcpy(in[1].ifname, "tun\"x");	/* exercise JSON escaping */
	in[1].has_mode = in[1].has_port = true;
	in[1].mode = NF_OVPN_MODE_P2P;
	in[1].port = 1195;
	*n = 2;
	return in;
}

/* run fn into a string; the caller frees */
static char *capture(void (*fn)(FILE *f, const void *arg), const void *arg)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	fn(f, arg);
	fclose(f);
	return buf;
}

/* save a JSON sample for run.sh to check with jq */
static void save(const char *name, const char *text)
{
	char path[512];
	FILE *f;

	mkdir(t_outdir, 0755);
	snprintf(path, sizeof(path), "%s/%s", t_outdir, name);
	f = fopen(path, "w");
	CHECK(f != NULL);
	if (!f)
		return;
	fputs(text, f);
	fclose(f);
}

struct sample_arg {
	const struct nfo_inst *in;
	size_t n;
	bool json;
};

static void show_fn(FILE *f, const void *arg)
{
	const struct sample_arg *a = arg;

	nfo_print_show(f, a->in, a->n, a->json);
}

static void stats_fn(FILE *f, const void *arg)
{
	const struct sample_arg *a = arg;

	nfo_print_stats(f, a->in, a->n, a->json);
}

static void fmt_show_human(void)
{
	struct sample_arg a = { 0 };
	struct nfo_inst *in;
	char *out;

	in = sample(&a.n);
	a.in = in;
	out = capture(show_fn, &a);
	CHECK(strstr(out, "instance: tun0\n") != NULL);
	CHECK(strstr(out, "  listening:     0.0.0.0:1194, [::]:1194\n"));
	CHECK(strstr(out, "  mode:          server\n"));
	CHECK(strstr(out, "  peer: 7\n"));
	CHECK(strstr(out, "    remote:        192.0.2.10:50000\n"));
	CHECK(strstr(out, "    vpn addresses: 10.8.0.6, fd00::6\n"));
	CHECK(strstr(out, "    iroutes:       10.1.0.0/24, fd00:1::/64\n"));
	CHECK(strstr(out, "    latest rx:     3.2 s ago\n"));
	CHECK(strstr(out, "    latest tx:     never\n"));
	CHECK(strstr(out, "    keepalive:     every 10 s, timeout 60 s\n"));
	CHECK(strstr(out, "    key primary:   key-id 1, AES-GCM, tx packet-id 4242, rx packet-id 17\n"));
	CHECK(strstr(out, "    key secondary: key-id 0, CHACHA20-POLY1305\n"));
	CHECK(strstr(out, "  fast path:     rx 3.20 MiB (1234 pkts), tx 1.50 KiB (99 pkts)\n"));
	CHECK(strstr(out, "  drops:         auth 3, replay 1, loop 4\n"));
	CHECK(strstr(out, "    drops:         no_key 2\n"));
	CHECK(strstr(out, "    remote:        [fe80::99%3]:1194\n"));
	CHECK(strstr(out, "    keys:          none\n"));
	CHECK(strstr(out, "instance: tun\"x\n"));
	CHECK(strstr(out, "  listening:     *:1195\n"));
	free(out);

	a.json = true;
	out = capture(show_fn, &a);
	save("show.json", out);
	CHECK(strstr(out, "\"ifname\": \"tun\\\"x\"") != NULL);
	CHECK(strstr(out, "\"iroutes\": [") != NULL);
	CHECK(strstr(out, "\"tx_idle_ms\": null") != NULL);
	CHECK(strstr(out, "\"drop_auth\": 3") != NULL);
	free(out);

	a.n = 0;
	out = capture(show_fn, &a);
	save("show-empty.json", out);
	CHECK_STR(out, "{\n  \"instances\": []\n}\n");
	free(out);
	nfo_inst_array_free(in, 2);
}

/* keepalive with only one half set (OpenVPN sets only the interval) */
static void fmt_keepalive_halves(void)
{
	struct sample_arg a = { 0 };
	struct nfo_inst *in;
	char *out;

	in = sample(&a.n);
	a.in = in;
	in[0].peers[0].ka_timeout = 0;
	out = capture(show_fn, &a);
	CHECK(strstr(out, "    keepalive:     every 10 s, no expiry in the kernel\n"));
	CHECK(!strstr(out, "timeout 0 s"));
	free(out);

	in[0].peers[0].ka_interval = 0;
	in[0].peers[0].ka_timeout = 60;
	out = capture(show_fn, &a);
	CHECK(strstr(out, "    keepalive:     no pings, timeout 60 s\n"));
	free(out);

	in[0].peers[0].ka_timeout = 0;
	out = capture(show_fn, &a);
	CHECK(strstr(out, "    keepalive:     off\n"));
	free(out);
	nfo_inst_array_free(in, 2);
}

static void fmt_stats(void)
{
	struct sample_arg a = { 0 };
	struct nfo_inst *in;
	char *out;

	in = sample(&a.n);
	a.in = in;
	out = capture(stats_fn, &a);
	CHECK(strstr(out, "tun0 - rx_packets 1234\n") != NULL);
	CHECK(strstr(out, "tun0 7 drop_no_key 2\n") != NULL);
	CHECK(strstr(out, "tun0 8 ") == NULL);	/* no stats nest: no lines */
	free(out);
	a.json = true;
	out = capture(stats_fn, &a);
	save("stats.json", out);
	free(out);
	nfo_inst_array_free(in, 2);
}

static void prom_fn(FILE *f, const void *arg)
{
	const struct sample_arg *a = arg;

	nfo_print_prometheus(f, a->in, a->n);
}

static void fmt_prometheus(void)
{
	struct sample_arg a = { 0 };
	struct nfo_inst *in;
	char *out;

	in = sample(&a.n);
	a.in = in;
	out = capture(prom_fn, &a);
	CHECK(strstr(out, "# TYPE nf_ovpn_rx_packets_total counter\n") != NULL);
	CHECK(strstr(out, "nf_ovpn_rx_packets_total{instance=\"tun0\",peer=\"7\"} 1000\n") != NULL);
	CHECK(strstr(out, "nf_ovpn_drops_total{instance=\"tun0\",peer=\"7\",reason=\"no_key\"} 2\n") != NULL);
	CHECK(strstr(out, "nf_ovpn_instance_rx_packets_total{instance=\"tun0\"} 1234\n") != NULL);
	CHECK(strstr(out, "nf_ovpn_instance_drops_total{instance=\"tun0\",reason=\"loop\"} 4\n") != NULL);
	CHECK(strstr(out, "nf_ovpn_instance_peers{instance=\"tun0\"} 2\n") != NULL);
	/* a quote in a device name is escaped; no stats, no samples */
	CHECK(strstr(out, "nf_ovpn_instance_peers{instance=\"tun\\\"x\"} 0\n") != NULL);
	CHECK(strstr(out, "peer=\"8\"") == NULL);
	CHECK(strstr(out, "instance=\"tun\\\"x\",") == NULL);
	save("stats.prom", out);
	free(out);
	nfo_inst_array_free(in, 2);
}

static void status_fn(FILE *f, const void *arg)
{
	nfo_print_status(f, arg, true);
}

static void fmt_status_and_keys(void)
{
	struct nfo_status st = { .has_instances = true, .has_peers = true,
				 .has_keys = true, .instances = 1,
				 .peers = 2, .keys = 3 };
	struct nfo_key k = { .has_peer_id = true, .has_slot = true,
			     .has_key_id = true, .has_cipher = true,
			     .has_tx_pktid = true, .has_rx_pktid = true,
			     .peer_id = 7, .key_id = 2, .tx_pktid = 100,
			     .rx_pktid = 90, .rx_window_len = 4,
			     .rx_window = { 0xff, 0x01, 0x00, 0x80 },
			     .cipher = NF_OVPN_CIPHER_AES_GCM };
	char *buf = NULL;
	size_t len = 0;
	FILE *f;

	strcpy(st.version, "1.0 \"dev\"\t\x01");
	buf = capture(status_fn, &st);
	save("status.json", buf);
	CHECK(strstr(buf, "\\\"dev\\\"\\t\\u0001") != NULL);
	/* no scope attribute: a module that always counted module-wide */
	CHECK(strstr(buf, "\"scope\": \"module\"") != NULL);
	free(buf);

	st.has_scope = true;
	st.scope = NF_OVPN_STATUS_SCOPE_NETNS;
	buf = capture(status_fn, &st);
	CHECK(strstr(buf, "\"scope\": \"netns\"") != NULL);
	free(buf);
	f = open_memstream(&buf, &len);
	nfo_print_status(f, &st, false);
	fclose(f);
	CHECK(strstr(buf, "scope:     netns (this network namespace only)\n") != NULL);
	free(buf);

	f = open_memstream(&buf, &len);
	nfo_print_key(f, "tun0", &k, false);
	fclose(f);
	CHECK_STR(buf, "tun0 peer 7 slot primary: key-id 2, AES-GCM, tx-pktid 100, rx-pktid 90, rx-window 4 bytes\n");
	free(buf);

	f = open_memstream(&buf, &len);
	nfo_print_key(f, "tun0", &k, true);
	fclose(f);
	save("key.json", buf);
	CHECK(strstr(buf, "\"rx_window\": \"ff010080\"") != NULL);
	free(buf);
}

static void fmt_events(void)
{
	struct nfo_event ev = { 0 };
	char *buf = NULL;
	size_t len = 0;
	FILE *f, *jf;

	jf = open_memstream(&buf, &len);

	ev.cmd = NF_OVPN_CMD_PEER_DEL_NTF;
	ev.ifindex = 5;
	strcpy(ev.ifname, "tun0");
	ev.has_peer = true;
	ev.peer.id = 7;
	ev.peer.has_del_reason = true;
	ev.peer.del_reason = NF_OVPN_DEL_EXPIRED;
	ev.peer.n_keys = 1;
	ev.peer.keys[0] = (struct nfo_key){ .has_slot = true,
		.has_key_id = true, .has_tx_pktid = true,
		.has_rx_pktid = true, .key_id = 1, .tx_pktid = 50,
		.rx_pktid = 40 };
	nfo_print_event(jf, &ev, true);

	{
		char *h = NULL;
		size_t hl = 0;

		f = open_memstream(&h, &hl);
		nfo_print_event(f, &ev, false);
		fclose(f);
		CHECK_STR(h, "peer-del tun0 peer 7 reason expired [primary key-id 1 tx-pktid 50 rx-pktid 40]\n");
		free(h);
	}

	memset(&ev, 0, sizeof(ev));
	ev.cmd = NF_OVPN_CMD_KEY_SWAP_NTF;
	ev.ifindex = 6;		/* device gone: no name */
	ev.has_key = true;
	ev.key = (struct nfo_key){ .has_peer_id = true, .has_slot = true,
		.has_key_id = true, .peer_id = 3,
		.slot = NF_OVPN_KEY_SLOT_SECONDARY, .key_id = 4 };
	nfo_print_event(jf, &ev, true);

	memset(&ev, 0, sizeof(ev));
	ev.cmd = NF_OVPN_CMD_PEER_FLOAT_NTF;
	ev.ifindex = 5;
	strcpy(ev.ifname, "tun0");
	ev.peer.id = 9;
	ev.peer.remote = addr(AF_INET6, "2001:db8::5");
	ev.peer.has_remote_port = true;
	ev.peer.remote_port = 4000;
	nfo_print_event(jf, &ev, true);
	ev.cmd = 99;
	nfo_print_event(jf, &ev, true);
	nfo_print_lost(jf, true);
	fclose(jf);
	save("events.jsonl", buf);
	/* one object per line */
	CHECK(strstr(buf, "{\"event\":\"peer_del\",\"ifindex\":5,\"ifname\":\"tun0\",\"peer_id\":7,\"reason\":\"expired\",\"reason_code\":1,") == buf);
	CHECK(strstr(buf, "\"event\":\"key_swap\",\"ifindex\":6,\"ifname\":null,\"peer_id\":3,\"slot\":\"secondary\",\"key_id\":4}\n") != NULL);
	CHECK(strstr(buf, "\"remote_address\":\"2001:db8::5\",\"remote_port\":4000") != NULL);
	CHECK(strstr(buf, "{\"event\":\"lost\"}\n") != NULL);
	free(buf);
}

void test_format(void)
{
	RUN(fmt_bytes_units);
	RUN(fmt_ages);
	RUN(fmt_endpoints);
	RUN(fmt_show_human);
	RUN(fmt_keepalive_halves);
	RUN(fmt_stats);
	RUN(fmt_prometheus);
	RUN(fmt_status_and_keys);
	RUN(fmt_events);
}
