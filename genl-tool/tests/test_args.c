// SPDX-License-Identifier: GPL-2.0
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

#include "args.h"
#include "harness.h"

/* split "a b c" on spaces into argv (after "nfovpn") and parse it */
static enum nfo_action parse(const char *line, struct nfo_cmd *cmd)
{
	static char buf[4096];
	char *argv[128], *tok, *save;
	int argc = 0;

	snprintf(buf, sizeof(buf), "%s", line);
	argv[argc++] = "nfovpn";
	for (tok = strtok_r(buf, " ", &save); tok && argc < 127;
	     tok = strtok_r(NULL, " ", &save))
		argv[argc++] = tok;
	argv[argc] = NULL;
	return nfo_args_parse(argc, argv, cmd);
}

static bool addr_is(const struct nfo_addr *a, int family, const char *s)
{
	uint8_t want[16] = { 0 };

	return a->family == family && inet_pton(family, s, want) == 1 &&
	       !memcmp(a->a, want, family == AF_INET ? 4 : 16);
}

static const struct {
	const char *line;
	enum nfo_action action;
	enum nfo_verb verb;
} good[] = {
	{ "", NFO_RUN, NFO_VERB_SHOW },
	{ "show", NFO_RUN, NFO_VERB_SHOW },
	{ "show tun0", NFO_RUN, NFO_VERB_SHOW },
	{ "show tun0 5 --json", NFO_RUN, NFO_VERB_SHOW },
	{ "-j show", NFO_RUN, NFO_VERB_SHOW },
	{ "stats", NFO_RUN, NFO_VERB_STATS },
	{ "stats tun0 0 -j", NFO_RUN, NFO_VERB_STATS },
	{ "status", NFO_RUN, NFO_VERB_STATUS },
	{ "status --json", NFO_RUN, NFO_VERB_STATUS },
	{ "monitor", NFO_RUN, NFO_VERB_MONITOR },
	{ "--json monitor", NFO_RUN, NFO_VERB_MONITOR },
	{ "--version", NFO_RUN, NFO_VERB_VERSION },
	{ "-V", NFO_RUN, NFO_VERB_VERSION },
	{ "instance add tun0 port 1194", NFO_RUN, NFO_VERB_INST_ADD },
	{ "instance add tun0 port 1194 mark 4294967295 bind-dev veth0", NFO_RUN,
	  NFO_VERB_INST_ADD },
	{ "instance add tun0 mode p2p local 192.0.2.1 local 2001:db8::1 port 1",
	  NFO_RUN, NFO_VERB_INST_ADD },
	{ "instance del tun0", NFO_RUN, NFO_VERB_INST_DEL },
	{ "peer add tun0 5 remote 192.0.2.1 1194", NFO_RUN,
	  NFO_VERB_PEER_ADD },
	{ "peer add tun0 16777215 remote fe80::1%eth0 65535 local fe80::2 vpn-ip 10.8.0.6 vpn-ip fd00::6 iroute 10.1.0.0/24 iroute fd00:1::/64 iroute 10.2.0.1 iroute 0.0.0.0/0 keepalive 10 60",
	  NFO_RUN, NFO_VERB_PEER_ADD },
	{ "peer set tun0 5 keepalive 0 0", NFO_RUN, NFO_VERB_PEER_SET },
	{ "peer set tun0 5 remote 2001:db8::9 1194", NFO_RUN,
	  NFO_VERB_PEER_SET },
	{ "peer del tun0 5", NFO_RUN, NFO_VERB_PEER_DEL },
	{ "peer del tun0 5 --json", NFO_RUN, NFO_VERB_PEER_DEL },
	{ "key add tun0 5 slot primary key-id 7 key-file -", NFO_RUN,
	  NFO_VERB_KEY_ADD },
	{ "key add tun0 5 key-file /k slot secondary key-id 0 tx-pktid 100 rx-pktid 0",
	  NFO_RUN, NFO_VERB_KEY_ADD },
	{ "key swap tun0 5", NFO_RUN, NFO_VERB_KEY_SWAP },
	{ "key del tun0 5 slot secondary", NFO_RUN, NFO_VERB_KEY_DEL },
	{ "key get tun0 5 slot primary --json", NFO_RUN, NFO_VERB_KEY_GET },
	/* help: anywhere, for the verb recognised so far */
	{ "--help", NFO_HELP, NFO_VERB_NONE },
	{ "-h", NFO_HELP, NFO_VERB_NONE },
	{ "help", NFO_HELP, NFO_VERB_NONE },
	{ "peer add --help", NFO_HELP, NFO_VERB_PEER_ADD },
	{ "peer add tun0 -h", NFO_HELP, NFO_VERB_PEER_ADD },
	{ "help key", NFO_HELP, NFO_VERB_KEY },
	{ "-h instance del", NFO_HELP, NFO_VERB_INST_DEL },
	{ "monitor --help", NFO_HELP, NFO_VERB_MONITOR },
	{ "bogus --help", NFO_HELP, NFO_VERB_NONE },
};

static const char *const bad[] = {
	"bogus",
	"--bogus",
	"show tun0 5 extra",
	"show tun0 abc",
	"show tun0 16777216",
	"show tun0 -1",
	"show a/b",
	"show 0123456789abcdef",
	"status extra",
	"monitor extra",
	"--version show",
	"version --json",
	"instance",
	"instance frob tun0",
	"instance add",
	"instance add tun0",
	"instance add tun0 port",
	"instance add tun0 port 0",
	"instance add tun0 port 65536",
	"instance add tun0 port 1194x",
	"instance add tun0 port 1 port 2",
	"instance add tun0 port 1194 mode bogus",
	"instance add tun0 port 1194 mark",
	"instance add tun0 port 1194 mark 0x1ffffffff",
	"instance add tun0 port 1194 mark ten",
	"instance add tun0 port 1194 bind-dev 0123456789abcdefXYZ",
	"instance add tun0 port 1194 mode p2p mode server",
	"instance add tun0 port 1194 local 1.2.3",
	"instance add tun0 port 1194 local 1.1.1.1 local 2.2.2.2",
	"instance add tun0 port 1194 extra",
	"instance add tun0 port 1194 --json",
	"instance del",
	"instance del tun0 extra",
	"peer",
	"peer add",
	"peer add tun0",
	"peer add tun0 1",
	"peer add tun0 x remote 1.2.3.4 1194",
	"peer add tun0 16777216 remote 1.2.3.4 1194",
	"peer add tun0 1 remote 1.2.3.4",
	"peer add tun0 1 remote 1.2.3.4 0",
	"peer add tun0 1 remote 1.2.3.4 1194 remote 1.2.3.5 1194",
	"peer add tun0 1 remote 1.2.3.4%eth0 1194",
	"peer add tun0 1 remote fe80::1% 1194",
	"peer add tun0 1 remote host.example 1194",
	"peer add tun0 1 remote 1.2.3.4 1194 local ::1",
	"peer add tun0 1 remote 1.2.3.4 1194 local 1.1.1.1 local 1.1.1.2",
	"peer add tun0 1 remote 1.2.3.4 1194 vpn-ip 10.0.0.1 vpn-ip 10.0.0.2",
	"peer add tun0 1 remote 1.2.3.4 1194 vpn-ip",
	"peer add tun0 1 remote 1.2.3.4 1194 iroute 10.0.0.1/24",
	"peer add tun0 1 remote 1.2.3.4 1194 iroute 10.0.0.0/33",
	"peer add tun0 1 remote 1.2.3.4 1194 iroute fd00::/129",
	"peer add tun0 1 remote 1.2.3.4 1194 iroute 10.0.0.0/",
	"peer add tun0 1 remote 1.2.3.4 1194 iroute 10.0.0.0/8 iroute 10.0.0.0/8",
	"peer add tun0 1 remote 1.2.3.4 1194 keepalive 10",
	"peer add tun0 1 remote 1.2.3.4 1194 keepalive x 10",
	"peer add tun0 1 remote 1.2.3.4 1194 keepalive 10 4294967296",
	"peer add tun0 1 remote 1.2.3.4 1194 bogus",
	"peer set tun0 1",
	"peer set tun0 1 --json",
	"peer del tun0",
	"peer del tun0 1 2",
	"key",
	"key add tun0 1 key-id 0 key-file f",
	"key add tun0 1 slot primary key-file f",
	"key add tun0 1 slot primary key-id 0",
	"key add tun0 1 slot primary key-id 8 key-file f",
	"key add tun0 1 slot tertiary key-id 0 key-file f",
	"key add tun0 1 slot primary key-id 0 key-file f tx-pktid 0",
	"key add tun0 1 slot primary key-id 0 key-file f tx-pktid 4294967296",
	"key add tun0 1 slot primary key-id 0 key-file f key-file g",
	"key add tun0 1 slot primary key-id 0 key-file f bogus",
	"key add tun0 1 slot primary key-id 0 key-file",
	"key swap tun0",
	"key swap tun0 1 extra",
	"key del tun0 1",
	"key del tun0 1 slot",
	"key del tun0 1 nonslot primary",
	"key del tun0 1 slot primary extra",
	"key get tun0 1 slot x",
};

static void args_good(void)
{
	struct nfo_cmd cmd;
	size_t i;

	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		enum nfo_action a = parse(good[i].line, &cmd);

		if (a != good[i].action || cmd.verb != good[i].verb)
			printf("# '%s': action %d verb %d err '%s'\n",
			       good[i].line, a, cmd.verb, cmd.err);
		CHECK(a == good[i].action);
		CHECK(cmd.verb == good[i].verb);
	}
}

static void args_bad_is_usage_error(void)
{
	struct nfo_cmd cmd;
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		enum nfo_action a = parse(bad[i], &cmd);

		if (a != NFO_USAGE_ERROR)
			printf("# '%s' was accepted\n", bad[i]);
		CHECK(a == NFO_USAGE_ERROR);
		CHECK(cmd.err[0] != '\0');
	}
}

static void args_show_values(void)
{
	struct nfo_cmd cmd;

	CHECK(parse("show tun0 77 --json", &cmd) == NFO_RUN);
	CHECK(cmd.has_dev && !strcmp(cmd.dev, "tun0"));
	CHECK(cmd.has_peer_id && cmd.peer_id == 77);
	CHECK(cmd.json);
	CHECK(parse("stats", &cmd) == NFO_RUN);
	CHECK(!cmd.has_dev && !cmd.has_peer_id && !cmd.json);
}

static void args_instance_values(void)
{
	struct nfo_cmd cmd;

	CHECK(parse("instance add tun0 port 1194", &cmd) == NFO_RUN);
	CHECK(cmd.inst.port == 1194);
	CHECK(cmd.inst.mode == NF_OVPN_MODE_SERVER);
	CHECK(!cmd.inst.local4.family && !cmd.inst.local6.family);

	CHECK(parse("instance add tun1 local 2001:db8::1 mode p2p port 65535 local 192.0.2.1",
		    &cmd) == NFO_RUN);
	CHECK_STR(cmd.dev, "tun1");
	CHECK(cmd.inst.port == 65535);
	CHECK(cmd.inst.mode == NF_OVPN_MODE_P2P);
	CHECK(addr_is(&cmd.inst.local4, AF_INET, "192.0.2.1"));
	CHECK(addr_is(&cmd.inst.local6, AF_INET6, "2001:db8::1"));
}

static void args_peer_values(void)
{
	struct nfo_peer_opts *p;
	struct nfo_cmd cmd;

	CHECK(parse("peer add tun0 16777215 remote fe80::1%eth0 443 local fe80::2 vpn-ip 10.8.0.6 vpn-ip fd00::6 iroute 10.1.0.0/24 iroute fd00:1::/64 iroute 10.2.0.1 keepalive 10 60",
		    &cmd) == NFO_RUN);
	p = &cmd.peer;
	CHECK(cmd.peer_id == 16777215);
	CHECK(p->has_remote);
	CHECK(addr_is(&p->remote, AF_INET6, "fe80::1"));
	CHECK_STR(p->remote_scope, "eth0");
	CHECK(p->remote_port == 443);
	CHECK(addr_is(&p->local, AF_INET6, "fe80::2"));
	CHECK(addr_is(&p->vpn4, AF_INET, "10.8.0.6"));
	CHECK(addr_is(&p->vpn6, AF_INET6, "fd00::6"));
	CHECK(p->n_iroutes == 3);
	CHECK(addr_is(&p->iroutes[0].addr, AF_INET, "10.1.0.0"));
	CHECK(p->iroutes[0].prefixlen == 24);
	CHECK(addr_is(&p->iroutes[1].addr, AF_INET6, "fd00:1::"));
	CHECK(p->iroutes[1].prefixlen == 64);
	CHECK(p->iroutes[2].prefixlen == 32);	/* host route */
	CHECK(p->has_keepalive && p->ka_interval == 10 &&
	      p->ka_timeout == 60);

	CHECK(parse("peer set tun0 0 iroute 0.0.0.0/0", &cmd) == NFO_RUN);
	CHECK(cmd.peer_id == 0 && cmd.has_peer_id);
	CHECK(!cmd.peer.has_remote && !cmd.peer.has_keepalive);
	CHECK(cmd.peer.n_iroutes == 1 && cmd.peer.iroutes[0].prefixlen == 0);
}

static void args_peer_too_many_iroutes(void)
{
	char line[16384];
	struct nfo_cmd cmd;
	size_t n;
	int i;

	n = (size_t)snprintf(line, sizeof(line), "peer add tun0 1 remote 1.2.3.4 1");
	for (i = 0; i <= NF_OVPN_MAX_IROUTES; i++)
		n += (size_t)snprintf(line + n, sizeof(line) - n,
				      " iroute 10.%d.%d.0/24", i / 256, i % 256);
	/* parse() is limited to 128 words: build argv here */
	{
		char *argv[2 * NF_OVPN_MAX_IROUTES + 16], *save, *tok;
		int argc = 0;

		argv[argc++] = "nfovpn";
		for (tok = strtok_r(line, " ", &save); tok;
		     tok = strtok_r(NULL, " ", &save))
			argv[argc++] = tok;
		CHECK(nfo_args_parse(argc, argv, &cmd) == NFO_USAGE_ERROR);
		CHECK(strstr(cmd.err, "too many") != NULL);
		/* exactly the maximum is fine */
		CHECK(nfo_args_parse(argc - 2, argv, &cmd) == NFO_RUN);
		CHECK(cmd.peer.n_iroutes == NF_OVPN_MAX_IROUTES);
	}
}

static void args_key_values(void)
{
	struct nfo_cmd cmd;

	CHECK(parse("key add tun0 5 key-file /k slot secondary key-id 3 tx-pktid 100 rx-pktid 50",
		    &cmd) == NFO_RUN);
	CHECK(cmd.peer_id == 5);
	CHECK(cmd.key.slot == NF_OVPN_KEY_SLOT_SECONDARY);
	CHECK(cmd.key.key_id == 3);
	CHECK(cmd.key.has_tx_pktid && cmd.key.tx_pktid == 100);
	CHECK(cmd.key.has_rx_pktid && cmd.key.rx_pktid == 50);
	CHECK_STR(cmd.key.key_file, "/k");

	CHECK(parse("key add tun0 5 slot primary key-id 0 key-file -", &cmd) ==
	      NFO_RUN);
	CHECK(cmd.key.slot == NF_OVPN_KEY_SLOT_PRIMARY);
	CHECK(!cmd.key.has_tx_pktid && !cmd.key.has_rx_pktid);
	CHECK_STR(cmd.key.key_file, "-");

	CHECK(parse("key del tun0 9 slot secondary", &cmd) == NFO_RUN);
	CHECK(cmd.peer_id == 9 && cmd.key.slot == NF_OVPN_KEY_SLOT_SECONDARY);
}

static void args_errors_are_specific(void)
{
	struct nfo_cmd cmd;

	parse("peer add tun0 1 remote 1.2.3.4 1194 iroute 10.0.0.1/24", &cmd);
	CHECK(strstr(cmd.err, "host bits") != NULL);
	parse("key add tun0 1 slot primary key-id 9 key-file f", &cmd);
	CHECK(strstr(cmd.err, "key-id") != NULL);
	parse("instance add tun0", &cmd);
	CHECK(strstr(cmd.err, "port") != NULL);
	CHECK(cmd.verb == NFO_VERB_INST_ADD);	/* usage of the right verb */
	parse("peer frob", &cmd);
	CHECK(cmd.verb == NFO_VERB_PEER);
}

static void args_usage_texts(void)
{
	char buf[4096];
	FILE *f;
	int v;

	for (v = NFO_VERB_NONE; v < __NFO_VERB_COUNT; v++) {
		f = fmemopen(buf, sizeof(buf), "w");
		nfo_args_usage(f, (enum nfo_verb)v);
		fclose(f);
		CHECK(!strncmp(buf, "Usage: nfovpn", 13));
	}
}

void test_args(void)
{
	RUN(args_good);
	RUN(args_bad_is_usage_error);
	RUN(args_show_values);
	RUN(args_instance_values);
	RUN(args_peer_values);
	RUN(args_peer_too_many_iroutes);
	RUN(args_key_values);
	RUN(args_errors_are_specific);
	RUN(args_usage_texts);
}
