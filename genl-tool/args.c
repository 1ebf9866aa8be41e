// SPDX-License-Identifier: GPL-2.0
/*
 * nfovpn command line grammar, ip(8)/wg(8) style:
 *
 *   nfovpn [-j|--json] OBJECT VERB ARGS...      (options may appear anywhere)
 *
 * Keywords are whole words; every value follows its keyword.  Errors are
 * written to cmd->err and reported by the caller with exit code 2.
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "args.h"

struct cursor {
	char *const *w;
	int n;
	int i;
	struct nfo_cmd *cmd;
};

static int fail(struct nfo_cmd *cmd, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static int fail(struct nfo_cmd *cmd, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(cmd->err, sizeof(cmd->err), fmt, ap);
	va_end(ap);
	return -1;
}

int nfo_parse_u32(const char *s, uint32_t max, uint32_t *out)
{
	unsigned long long v;
	char *end;

	if (!s || !isdigit((unsigned char)s[0]))
		return -1;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno || *end || v > max)
		return -1;
	*out = (uint32_t)v;
	return 0;
}

int nfo_parse_addr(const char *s, struct nfo_addr *out)
{
	memset(out, 0, sizeof(*out));
	if (inet_pton(AF_INET, s, out->a) == 1) {
		out->family = AF_INET;
		return 0;
	}
	if (inet_pton(AF_INET6, s, out->a) == 1) {
		out->family = AF_INET6;
		return 0;
	}
	return -1;
}

static const char *next(struct cursor *c)
{
	return c->i < c->n ? c->w[c->i++] : NULL;
}

static bool more(const struct cursor *c)
{
	return c->i < c->n;
}

/* the value that must follow keyword @kw */
static int value(struct cursor *c, const char *kw, const char **out)
{
	*out = next(c);
	if (!*out)
		return fail(c->cmd, "'%s' needs a value", kw);
	return 0;
}

/* same rules as the kernel's dev_valid_name() */
static int parse_dev(struct cursor *c)
{
	const char *s = next(c);
	const char *p;

	if (!s)
		return fail(c->cmd, "missing DEV (the tun device name)");
	if (!*s || strlen(s) >= IF_NAMESIZE || !strcmp(s, ".") ||
	    !strcmp(s, ".."))
		return fail(c->cmd, "invalid device name '%s'", s);
	for (p = s; *p; p++)
		if (*p == '/' || *p == ':' || isspace((unsigned char)*p))
			return fail(c->cmd, "invalid device name '%s'", s);
	strcpy(c->cmd->dev, s);
	c->cmd->has_dev = true;
	return 0;
}

static int parse_peer_id(struct cursor *c, const char *s)
{
	if (!s)
		return fail(c->cmd, "missing PEER-ID");
	if (nfo_parse_u32(s, NF_OVPN_PEER_ID_MAX, &c->cmd->peer_id))
		return fail(c->cmd, "invalid peer id '%s' (0..%u)", s,
			    NF_OVPN_PEER_ID_MAX);
	c->cmd->has_peer_id = true;
	return 0;
}

static int parse_port(struct cursor *c, const char *s, uint16_t *port)
{
	uint32_t v;

	if (nfo_parse_u32(s, 65535, &v) || v == 0)
		return fail(c->cmd, "invalid port '%s' (1..65535)", s);
	*port = (uint16_t)v;
	return 0;
}

static int parse_num(struct cursor *c, const char *kw, uint32_t max,
		     uint32_t *out)
{
	const char *s;

	if (value(c, kw, &s))
		return -1;
	if (nfo_parse_u32(s, max, out))
		return fail(c->cmd, "invalid %s '%s' (0..%u)", kw, s, max);
	return 0;
}

static int parse_slot(struct cursor *c, uint32_t *slot)
{
	const char *s;

	if (value(c, "slot", &s))
		return -1;
	if (!strcmp(s, "primary"))
		*slot = NF_OVPN_KEY_SLOT_PRIMARY;
	else if (!strcmp(s, "secondary"))
		*slot = NF_OVPN_KEY_SLOT_SECONDARY;
	else
		return fail(c->cmd, "invalid slot '%s' (primary|secondary)",
			    s);
	return 0;
}

static int addr_value(struct cursor *c, const char *kw, struct nfo_addr *a)
{
	const char *s;

	if (value(c, kw, &s))
		return -1;
	if (nfo_parse_addr(s, a))
		return fail(c->cmd, "invalid %s address '%s'", kw, s);
	return 0;
}

/* "ADDR" or "ADDR/LEN"; host bits must be clear, like ip-route */
static int parse_prefix(struct cursor *c, const char *s, struct nfo_iroute *r)
{
	char buf[INET6_ADDRSTRLEN + 8];
	uint32_t len, max, bit;
	char *slash;

	if (strlen(s) >= sizeof(buf))
		return fail(c->cmd, "invalid iroute '%s'", s);
	strcpy(buf, s);
	slash = strchr(buf, '/');
	if (slash)
		*slash = '\0';
	if (nfo_parse_addr(buf, &r->addr))
		return fail(c->cmd, "invalid iroute '%s'", s);
	max = r->addr.family == AF_INET ? 32 : 128;
	len = max;
	if (slash && nfo_parse_u32(slash + 1, max, &len))
		return fail(c->cmd, "invalid prefix length in iroute '%s' (0..%u)",
			    s, max);
	for (bit = len; bit < max; bit++)
		if (r->addr.a[bit / 8] & (0x80 >> (bit % 8)))
			return fail(c->cmd,
				    "iroute '%s' has host bits set beyond /%u",
				    s, len);
	r->prefixlen = (uint8_t)len;
	return 0;
}

static bool addr_eq(const struct nfo_addr *a, const struct nfo_addr *b)
{
	return a->family == b->family && !memcmp(a->a, b->a, sizeof(a->a));
}

static int parse_remote(struct cursor *c, struct nfo_peer_opts *p)
{
	char buf[INET6_ADDRSTRLEN + IF_NAMESIZE + 2];
	const char *s, *port;
	char *pct;

	if (p->has_remote)
		return fail(c->cmd, "'remote' given twice");
	if (value(c, "remote", &s))
		return -1;
	port = next(c);
	if (!port)
		return fail(c->cmd, "'remote' needs ADDR and PORT");
	if (strlen(s) >= sizeof(buf))
		return fail(c->cmd, "invalid remote address '%s'", s);
	strcpy(buf, s);
	pct = strchr(buf, '%');
	if (pct) {
		*pct++ = '\0';
		if (!*pct || strlen(pct) >= IF_NAMESIZE)
			return fail(c->cmd, "invalid scope in '%s'", s);
		strcpy(p->remote_scope, pct);
	}
	if (nfo_parse_addr(buf, &p->remote))
		return fail(c->cmd, "invalid remote address '%s'", s);
	if (pct && p->remote.family != AF_INET6)
		return fail(c->cmd, "a scope (%%IF) needs an IPv6 address: '%s'",
			    s);
	if (parse_port(c, port, &p->remote_port))
		return -1;
	p->has_remote = true;
	return 0;
}

static int parse_vpn_ip(struct cursor *c, struct nfo_peer_opts *p)
{
	struct nfo_addr a, *slot;

	if (addr_value(c, "vpn-ip", &a))
		return -1;
	slot = a.family == AF_INET ? &p->vpn4 : &p->vpn6;
	if (slot->family)
		return fail(c->cmd, "at most one IPv4 and one IPv6 vpn-ip");
	*slot = a;
	return 0;
}

static int parse_iroute(struct cursor *c, struct nfo_peer_opts *p)
{
	struct nfo_iroute r;
	const char *s;
	size_t i;

	if (value(c, "iroute", &s) || parse_prefix(c, s, &r))
		return -1;
	if (p->n_iroutes == NF_OVPN_MAX_IROUTES)
		return fail(c->cmd, "too many iroutes (max %d)",
			    NF_OVPN_MAX_IROUTES);
	for (i = 0; i < p->n_iroutes; i++)
		if (p->iroutes[i].prefixlen == r.prefixlen &&
		    addr_eq(&p->iroutes[i].addr, &r.addr))
			return fail(c->cmd, "iroute '%s' given twice", s);
	p->iroutes[p->n_iroutes++] = r;
	return 0;
}

static int parse_keepalive(struct cursor *c, struct nfo_peer_opts *p)
{
	if (p->has_keepalive)
		return fail(c->cmd, "'keepalive' given twice");
	if (parse_num(c, "keepalive", UINT32_MAX, &p->ka_interval))
		return -1;
	if (!more(c))
		return fail(c->cmd, "'keepalive' needs INTERVAL and TIMEOUT");
	if (parse_num(c, "keepalive", UINT32_MAX, &p->ka_timeout))
		return -1;
	p->has_keepalive = true;
	return 0;
}

/* peer add / peer set options, in any order */
static int parse_peer_opts(struct cursor *c)
{
	struct nfo_peer_opts *p = &c->cmd->peer;
	bool any = false;
	const char *kw;
	int err;

	while ((kw = next(c))) {
		if (!strcmp(kw, "remote")) {
			err = parse_remote(c, p);
		} else if (!strcmp(kw, "local")) {
			if (p->local.family)
				return fail(c->cmd, "'local' given twice");
			err = addr_value(c, "local", &p->local);
		} else if (!strcmp(kw, "vpn-ip")) {
			err = parse_vpn_ip(c, p);
		} else if (!strcmp(kw, "iroute")) {
			err = parse_iroute(c, p);
		} else if (!strcmp(kw, "keepalive")) {
			err = parse_keepalive(c, p);
		} else {
			return fail(c->cmd, "unknown peer option '%s'", kw);
		}
		if (err)
			return err;
		any = true;
	}
	if (c->cmd->verb == NFO_VERB_PEER_ADD && !p->has_remote)
		return fail(c->cmd, "'peer add' needs 'remote ADDR PORT'");
	if (c->cmd->verb == NFO_VERB_PEER_SET && !any)
		return fail(c->cmd, "'peer set' needs at least one option");
	if (p->has_remote && p->local.family &&
	    p->local.family != p->remote.family)
		return fail(c->cmd,
			    "'local' and 'remote' must be the same address family");
	return 0;
}

static int parse_inst_add(struct cursor *c)
{
	struct nfo_inst_opts *o = &c->cmd->inst;
	bool has_mode = false;
	struct nfo_addr a;
	const char *kw, *s;

	o->mode = NF_OVPN_MODE_SERVER;
	while ((kw = next(c))) {
		if (!strcmp(kw, "port")) {
			if (o->port)
				return fail(c->cmd, "'port' given twice");
			if (value(c, kw, &s) || parse_port(c, s, &o->port))
				return -1;
		} else if (!strcmp(kw, "local")) {
			struct nfo_addr *slot;

			if (addr_value(c, kw, &a))
				return -1;
			slot = a.family == AF_INET ? &o->local4 : &o->local6;
			if (slot->family)
				return fail(c->cmd,
					    "at most one IPv4 and one IPv6 'local'");
			*slot = a;
		} else if (!strcmp(kw, "mark")) {
			unsigned long long v;
			char *end;

			if (value(c, kw, &s))
				return -1;
			errno = 0;
			v = strtoull(s, &end, 0);
			if (!isdigit((unsigned char)s[0]) || *end || errno ||
			    v > UINT32_MAX)
				return fail(c->cmd,
					    "invalid mark '%s' (0..%u, 0x.. for hex)",
					    s, UINT32_MAX);
			o->mark = (uint32_t)v;
		} else if (!strcmp(kw, "bind-dev")) {
			if (value(c, kw, &s))
				return -1;
			if (!s[0] || strlen(s) >= sizeof(o->bind_dev))
				return fail(c->cmd, "invalid device name '%s'", s);
			strcpy(o->bind_dev, s);
		} else if (!strcmp(kw, "mode")) {
			if (has_mode)
				return fail(c->cmd, "'mode' given twice");
			if (value(c, kw, &s))
				return -1;
			if (!strcmp(s, "server"))
				o->mode = NF_OVPN_MODE_SERVER;
			else if (!strcmp(s, "p2p"))
				o->mode = NF_OVPN_MODE_P2P;
			else
				return fail(c->cmd,
					    "invalid mode '%s' (server|p2p)", s);
			has_mode = true;
		} else {
			return fail(c->cmd, "unknown instance option '%s'", kw);
		}
	}
	if (!o->port)
		return fail(c->cmd, "'instance add' needs 'port PORT'");
	return 0;
}

static int parse_key_add(struct cursor *c)
{
	struct nfo_key_opts *k = &c->cmd->key;
	bool has_slot = false, has_key_id = false;
	const char *kw;

	while ((kw = next(c))) {
		if (!strcmp(kw, "slot")) {
			if (has_slot)
				return fail(c->cmd, "'slot' given twice");
			if (parse_slot(c, &k->slot))
				return -1;
			has_slot = true;
		} else if (!strcmp(kw, "key-id")) {
			if (has_key_id)
				return fail(c->cmd, "'key-id' given twice");
			if (parse_num(c, kw, NF_OVPN_KEY_ID_MAX, &k->key_id))
				return -1;
			has_key_id = true;
		} else if (!strcmp(kw, "tx-pktid")) {
			if (k->has_tx_pktid)
				return fail(c->cmd, "'tx-pktid' given twice");
			if (parse_num(c, kw, UINT32_MAX, &k->tx_pktid))
				return -1;
			if (!k->tx_pktid)
				return fail(c->cmd, "tx-pktid 0 is invalid (packet-ids start at 1)");
			k->has_tx_pktid = true;
		} else if (!strcmp(kw, "rx-pktid")) {
			if (k->has_rx_pktid)
				return fail(c->cmd, "'rx-pktid' given twice");
			if (parse_num(c, kw, UINT32_MAX, &k->rx_pktid))
				return -1;
			k->has_rx_pktid = true;
		} else if (!strcmp(kw, "key-file")) {
			if (k->key_file)
				return fail(c->cmd, "'key-file' given twice");
			if (value(c, kw, &k->key_file))
				return -1;
		} else {
			return fail(c->cmd, "unknown key option '%s'", kw);
		}
	}
	if (!has_slot)
		return fail(c->cmd, "'key add' needs 'slot primary|secondary'");
	if (!has_key_id)
		return fail(c->cmd, "'key add' needs 'key-id N'");
	if (!k->key_file)
		return fail(c->cmd, "'key add' needs 'key-file FILE|-'");
	return 0;
}

static int parse_slot_only(struct cursor *c)
{
	const char *kw = next(c);

	if (!kw)
		return fail(c->cmd, "missing 'slot primary|secondary'");
	if (strcmp(kw, "slot"))
		return fail(c->cmd, "unknown key option '%s'", kw);
	return parse_slot(c, &c->cmd->key.slot);
}

static int no_more(struct cursor *c)
{
	if (more(c))
		return fail(c->cmd, "unexpected argument '%s'", c->w[c->i]);
	return 0;
}

struct verb_desc {
	enum nfo_verb verb;
	const char *object;	/* first word */
	const char *sub;	/* second word or NULL */
};

static const struct verb_desc verbs[] = {
	{ NFO_VERB_SHOW, "show", NULL },
	{ NFO_VERB_STATS, "stats", NULL },
	{ NFO_VERB_STATUS, "status", NULL },
	{ NFO_VERB_MONITOR, "monitor", NULL },
	{ NFO_VERB_VERSION, "version", NULL },
	{ NFO_VERB_INSTANCE, "instance", NULL },
	{ NFO_VERB_INST_ADD, "instance", "add" },
	{ NFO_VERB_INST_DEL, "instance", "del" },
	{ NFO_VERB_PEER, "peer", NULL },
	{ NFO_VERB_PEER_ADD, "peer", "add" },
	{ NFO_VERB_PEER_SET, "peer", "set" },
	{ NFO_VERB_PEER_DEL, "peer", "del" },
	{ NFO_VERB_KEY, "key", NULL },
	{ NFO_VERB_KEY_ADD, "key", "add" },
	{ NFO_VERB_KEY_SWAP, "key", "swap" },
	{ NFO_VERB_KEY_DEL, "key", "del" },
	{ NFO_VERB_KEY_GET, "key", "get" },
};

const char *nfo_verb_name(enum nfo_verb verb)
{
	static char buf[32];
	size_t i;

	for (i = 0; i < sizeof(verbs) / sizeof(verbs[0]); i++) {
		if (verbs[i].verb != verb)
			continue;
		snprintf(buf, sizeof(buf), "%s%s%s", verbs[i].object,
			 verbs[i].sub ? " " : "",
			 verbs[i].sub ? verbs[i].sub : "");
		return buf;
	}
	return "nfovpn";
}

/*
 * Find the verb from the first one or two words.  Returns -1 if the first
 * word is unknown; an object without (or with an unknown) sub-verb yields
 * the object's help-only verb and -2.
 */
static int lookup_verb(struct cursor *c, enum nfo_verb *verb)
{
	const char *obj = next(c), *sub;
	size_t i;

	*verb = NFO_VERB_NONE;
	if (!obj)
		return -1;
	for (i = 0; i < sizeof(verbs) / sizeof(verbs[0]); i++) {
		if (strcmp(verbs[i].object, obj) || verbs[i].sub)
			continue;
		*verb = verbs[i].verb;
		if (*verb != NFO_VERB_INSTANCE && *verb != NFO_VERB_PEER &&
		    *verb != NFO_VERB_KEY)
			return 0;
		break;
	}
	if (*verb == NFO_VERB_NONE)
		return fail(c->cmd, "unknown command '%s'", obj);
	sub = next(c);
	if (!sub)
		return fail(c->cmd, "'%s' needs a sub-command", obj) - 1;
	for (i = 0; i < sizeof(verbs) / sizeof(verbs[0]); i++) {
		if (!strcmp(verbs[i].object, obj) && verbs[i].sub &&
		    !strcmp(verbs[i].sub, sub)) {
			*verb = verbs[i].verb;
			return 0;
		}
	}
	return fail(c->cmd, "unknown command '%s %s'", obj, sub) - 1;
}

static int parse_verb_args(struct cursor *c)
{
	struct nfo_cmd *cmd = c->cmd;

	switch (cmd->verb) {
	case NFO_VERB_SHOW:
	case NFO_VERB_STATS:
		if (more(c) && parse_dev(c))
			return -1;
		if (more(c) && parse_peer_id(c, next(c)))
			return -1;
		return no_more(c);
	case NFO_VERB_STATUS:
	case NFO_VERB_MONITOR:
	case NFO_VERB_VERSION:
		return no_more(c);
	case NFO_VERB_INST_ADD:
		return parse_dev(c) || parse_inst_add(c);
	case NFO_VERB_INST_DEL:
		return parse_dev(c) || no_more(c);
	case NFO_VERB_PEER_ADD:
	case NFO_VERB_PEER_SET:
		return parse_dev(c) || parse_peer_id(c, next(c)) ||
		       parse_peer_opts(c);
	case NFO_VERB_PEER_DEL:
	case NFO_VERB_KEY_SWAP:
		return parse_dev(c) || parse_peer_id(c, next(c)) ||
		       no_more(c);
	case NFO_VERB_KEY_ADD:
		return parse_dev(c) || parse_peer_id(c, next(c)) ||
		       parse_key_add(c);
	case NFO_VERB_KEY_DEL:
	case NFO_VERB_KEY_GET:
		return parse_dev(c) || parse_peer_id(c, next(c)) ||
		       parse_slot_only(c) || no_more(c);
	default:
		return fail(cmd, "internal error: verb %d", cmd->verb);
	}
}

static bool json_allowed(enum nfo_verb verb)
{
	switch (verb) {
	case NFO_VERB_SHOW:
	case NFO_VERB_STATS:
	case NFO_VERB_STATUS:
	case NFO_VERB_MONITOR:
	case NFO_VERB_PEER_DEL:
	case NFO_VERB_KEY_DEL:
	case NFO_VERB_KEY_GET:
		return true;
	default:
		return false;
	}
}

enum nfo_action nfo_args_parse(int argc, char *const argv[],
			       struct nfo_cmd *cmd)
{
	char *words[argc > 0 ? argc : 1];
	bool help = false, version = false;
	struct cursor c = { .w = words, .cmd = cmd };
	int i, r;

	memset(cmd, 0, sizeof(*cmd));
	/* options may appear anywhere; "-" alone is a value (stdin) */
	for (i = 1; i < argc; i++) {
		const char *a = argv[i];

		if (!strcmp(a, "-j") || !strcmp(a, "--json"))
			cmd->json = true;
		else if (!strcmp(a, "--prometheus"))
			cmd->prometheus = true;
		else if (!strcmp(a, "-h") || !strcmp(a, "--help"))
			help = true;
		else if (!strcmp(a, "-V") || !strcmp(a, "--version"))
			version = true;
		else if (a[0] == '-' && a[1] && !isdigit((unsigned char)a[1])) {
			fail(cmd, "unknown option '%s'", a);
			return NFO_USAGE_ERROR;
		} else
			words[c.n++] = argv[i];
	}

	if (c.n > 0 && !strcmp(words[0], "help")) {
		c.i = 1;
		help = true;
	}
	if (c.i == c.n) {
		/* no command: "nfovpn" alone shows, like wg(8) */
		cmd->verb = version ? NFO_VERB_VERSION :
			    help ? NFO_VERB_NONE : NFO_VERB_SHOW;
		return help && !version ? NFO_HELP : NFO_RUN;
	}

	r = lookup_verb(&c, &cmd->verb);
	if (help)
		return NFO_HELP;	/* best match so far, even on error */
	if (r)
		return NFO_USAGE_ERROR;
	if (version && cmd->verb != NFO_VERB_VERSION) {
		fail(cmd, "--version takes no command");
		return NFO_USAGE_ERROR;
	}
	if (cmd->json && !json_allowed(cmd->verb)) {
		fail(cmd, "--json is not supported by '%s'",
		     nfo_verb_name(cmd->verb));
		return NFO_USAGE_ERROR;
	}
	if (cmd->prometheus && cmd->verb != NFO_VERB_STATS) {
		fail(cmd, "--prometheus is only for 'stats'");
		return NFO_USAGE_ERROR;
	}
	if (cmd->prometheus && cmd->json) {
		fail(cmd, "--prometheus and --json exclude each other");
		return NFO_USAGE_ERROR;
	}
	if (parse_verb_args(&c))
		return NFO_USAGE_ERROR;
	return NFO_RUN;
}

/* ---- help texts ---- */

static const char usage_show[] =
	"Usage: nfovpn show [DEV [PEER-ID]] [--json]\n"
	"Show instances, peers, key slots and counters (no key material).\n";
static const char usage_stats[] =
	"Usage: nfovpn stats [DEV [PEER-ID]] [--json | --prometheus]\n"
	"Print counters only, one per line: DEV PEER-ID|- COUNTER VALUE.\n";
static const char usage_status[] =
	"Usage: nfovpn status [--json]\n"
	"Print the module's live object counts (instances, peers, keys).\n";
static const char usage_monitor[] =
	"Usage: nfovpn monitor [--json]\n"
	"Print peer/key notifications, one per line, until SIGINT/SIGTERM.\n";
static const char usage_version[] =
	"Usage: nfovpn --version\n";
static const char usage_inst_add[] =
	"Usage: nfovpn instance add DEV port PORT [local ADDR]... [mode server|p2p]\n"
	"                           [mark MARK] [bind-dev IFNAME]\n"
	"Attach the fast path to tun device DEV for the OpenVPN UDP socket\n"
	"on PORT (optionally bound to one IPv4 and/or one IPv6 ADDR).\n"
	"Default mode: server.  mark and bind-dev: the socket's SO_MARK and\n"
	"SO_BINDTODEVICE (OpenVPN's --mark and --bind-dev).\n";
static const char usage_inst_del[] =
	"Usage: nfovpn instance del DEV\n";
static const char usage_peer_opts[] =
	"PEER-OPTS := [remote ADDR[%IF] PORT] [local ADDR] [vpn-ip ADDR]...\n"
	"             [iroute PREFIX[/LEN]]... [keepalive INTERVAL TIMEOUT]\n"
	"PEER-ID is 0..16777215; vpn-ip: at most one IPv4 and one IPv6;\n"
	"keepalive in seconds (0 0 = off).\n";
static const char usage_peer_add[] =
	"Usage: nfovpn peer add DEV PEER-ID remote ADDR[%IF] PORT [PEER-OPTS]\n";
static const char usage_peer_set[] =
	"Usage: nfovpn peer set DEV PEER-ID PEER-OPTS\n"
	"Any iroute given replaces all of the peer's iroutes.\n";
static const char usage_peer_del[] =
	"Usage: nfovpn peer del DEV PEER-ID [--json]\n"
	"Prints the key state handed back by the kernel, if any.\n";
static const char usage_key_add[] =
	"Usage: nfovpn key add DEV PEER-ID slot primary|secondary key-id N\n"
	"                      [tx-pktid N] [rx-pktid N] key-file FILE|-\n"
	"key-id is 0..7; tx-pktid is the next packet-id to send (default 1);\n"
	"FILE holds cipher, keys and nonce tails (see nfovpn(8)); - = stdin.\n";
static const char usage_key_swap[] =
	"Usage: nfovpn key swap DEV PEER-ID\n";
static const char usage_key_del[] =
	"Usage: nfovpn key del DEV PEER-ID slot primary|secondary [--json]\n"
	"Prints the handed-back TX and RX packet-ids.\n";
static const char usage_key_get[] =
	"Usage: nfovpn key get DEV PEER-ID slot primary|secondary [--json]\n";

static const char usage_top[] =
	"Usage: nfovpn [-j|--json] COMMAND [ARGS]...\n"
	"       nfovpn -h|--help | -V|--version\n"
	"Commands:\n"
	"  show [DEV [PEER-ID]]          human-readable state (default command)\n"
	"  stats [DEV [PEER-ID]]         counters only\n"
	"  status                        module object counts\n"
	"  monitor                       print notifications until interrupted\n"
	"  instance add DEV port PORT [local ADDR]... [mode server|p2p]\n"
	"  instance del DEV\n"
	"  peer add DEV PEER-ID remote ADDR PORT [PEER-OPTS]\n"
	"  peer set DEV PEER-ID PEER-OPTS\n"
	"  peer del DEV PEER-ID\n"
	"  key add DEV PEER-ID slot SLOT key-id N [tx-pktid N] [rx-pktid N]\n"
	"          key-file FILE|-\n"
	"  key swap DEV PEER-ID\n"
	"  key del DEV PEER-ID slot SLOT\n"
	"  key get DEV PEER-ID slot SLOT\n"
	"Run 'nfovpn COMMAND --help' for details.  Exit status: 0 ok,\n"
	"1 kernel/netlink error, 2 usage error.  See nfovpn(8).\n";

void nfo_args_usage(FILE *f, enum nfo_verb verb)
{
	switch (verb) {
	case NFO_VERB_SHOW:
		fputs(usage_show, f);
		break;
	case NFO_VERB_STATS:
		fputs(usage_stats, f);
		break;
	case NFO_VERB_STATUS:
		fputs(usage_status, f);
		break;
	case NFO_VERB_MONITOR:
		fputs(usage_monitor, f);
		break;
	case NFO_VERB_VERSION:
		fputs(usage_version, f);
		break;
	case NFO_VERB_INSTANCE:
		fputs(usage_inst_add, f);
		fputs(usage_inst_del, f);
		break;
	case NFO_VERB_INST_ADD:
		fputs(usage_inst_add, f);
		break;
	case NFO_VERB_INST_DEL:
		fputs(usage_inst_del, f);
		break;
	case NFO_VERB_PEER:
		fputs(usage_peer_add, f);
		fputs(usage_peer_set, f);
		fputs(usage_peer_del, f);
		fputs(usage_peer_opts, f);
		break;
	case NFO_VERB_PEER_ADD:
		fputs(usage_peer_add, f);
		fputs(usage_peer_opts, f);
		break;
	case NFO_VERB_PEER_SET:
		fputs(usage_peer_set, f);
		fputs(usage_peer_opts, f);
		break;
	case NFO_VERB_PEER_DEL:
		fputs(usage_peer_del, f);
		break;
	case NFO_VERB_KEY:
		fputs(usage_key_add, f);
		fputs(usage_key_swap, f);
		fputs(usage_key_del, f);
		fputs(usage_key_get, f);
		break;
	case NFO_VERB_KEY_ADD:
		fputs(usage_key_add, f);
		break;
	case NFO_VERB_KEY_SWAP:
		fputs(usage_key_swap, f);
		break;
	case NFO_VERB_KEY_DEL:
		fputs(usage_key_del, f);
		break;
	case NFO_VERB_KEY_GET:
		fputs(usage_key_get, f);
		break;
	default:
		fputs(usage_top, f);
		break;
	}
}
