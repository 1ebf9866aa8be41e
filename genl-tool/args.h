/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Command line grammar of nfovpn: argv -> struct nfo_cmd.  No netlink and
 * no system lookups here (device names are resolved later), so every rule
 * can be unit tested.
 */
#ifndef NFOVPN_ARGS_H
#define NFOVPN_ARGS_H

#include <stdio.h>

#include "model.h"

enum nfo_verb {
	NFO_VERB_NONE,		/* top level: only for help */
	NFO_VERB_SHOW,
	NFO_VERB_STATS,
	NFO_VERB_STATUS,
	NFO_VERB_MONITOR,
	NFO_VERB_INSTANCE,	/* "instance" without a sub-verb: only for help */
	NFO_VERB_INST_ADD,
	NFO_VERB_INST_DEL,
	NFO_VERB_PEER,		/* help only */
	NFO_VERB_PEER_ADD,
	NFO_VERB_PEER_SET,
	NFO_VERB_PEER_DEL,
	NFO_VERB_KEY,		/* help only */
	NFO_VERB_KEY_ADD,
	NFO_VERB_KEY_SWAP,
	NFO_VERB_KEY_DEL,
	NFO_VERB_KEY_GET,
	NFO_VERB_VERSION,
	__NFO_VERB_COUNT
};

enum nfo_action {
	NFO_RUN,		/* execute cmd.verb */
	NFO_HELP,		/* print help for cmd.verb on stdout, exit 0 */
	NFO_USAGE_ERROR,	/* print cmd.err + usage of cmd.verb, exit 2 */
};

struct nfo_peer_opts {
	bool has_remote;
	struct nfo_addr remote;
	uint16_t remote_port;
	char remote_scope[IF_NAMESIZE];	/* "fe80::1%eth0": "eth0" or "3" */
	struct nfo_addr local;
	struct nfo_addr vpn4, vpn6;
	struct nfo_iroute iroutes[NF_OVPN_MAX_IROUTES];
	size_t n_iroutes;
	bool has_keepalive;
	uint32_t ka_interval, ka_timeout;
};

struct nfo_key_opts {
	uint32_t slot;
	uint32_t key_id;
	bool has_tx_pktid, has_rx_pktid;
	uint32_t tx_pktid, rx_pktid;
	const char *key_file;		/* "-" = stdin; points into argv */
};

struct nfo_inst_opts {
	uint8_t mode;
	uint16_t port;
	struct nfo_addr local4, local6;
	uint32_t mark;			/* 0 = none */
	char bind_dev[IF_NAMESIZE];	/* "" = not bound */
};

struct nfo_cmd {
	enum nfo_verb verb;
	bool json;
	bool prometheus;		/* stats only */
	bool has_dev, has_peer_id;
	char dev[IF_NAMESIZE];
	uint32_t peer_id;
	struct nfo_inst_opts inst;
	struct nfo_peer_opts peer;
	struct nfo_key_opts key;
	char err[256];			/* set on NFO_USAGE_ERROR */
};

/* argv[0] is the program name */
enum nfo_action nfo_args_parse(int argc, char *const argv[],
			       struct nfo_cmd *cmd);

/* help text for one verb (NFO_VERB_NONE: the whole tool) */
void nfo_args_usage(FILE *f, enum nfo_verb verb);

/* "peer add" etc., for messages */
const char *nfo_verb_name(enum nfo_verb verb);

/* shared by the key-file parser and tests */
int nfo_parse_u32(const char *s, uint32_t max, uint32_t *out);
int nfo_parse_addr(const char *s, struct nfo_addr *out);

#endif /* NFOVPN_ARGS_H */
