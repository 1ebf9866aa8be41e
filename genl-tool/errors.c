// SPDX-License-Identifier: GPL-2.0
/* Turning errno + extended ACK into messages a user can act on. */
#include <errno.h>
#include <net/if.h>
#include <stdio.h>
#include <string.h>

#include "cmds.h"
#include "format.h"

int nfo_dev_index(const struct nfo_cmd *cmd, uint32_t *ifindex)
{
	unsigned int idx = if_nametoindex(cmd->dev);

	if (!idx) {
		fprintf(stderr, "nfovpn: device \"%s\" does not exist%s\n",
			cmd->dev,
			errno == ENODEV ? " in this network namespace" : "");
		return -1;
	}
	*ifindex = idx;
	return 0;
}

static bool is_peer_verb(enum nfo_verb v)
{
	return v == NFO_VERB_PEER_SET || v == NFO_VERB_PEER_DEL ||
	       v == NFO_VERB_KEY_ADD || v == NFO_VERB_KEY_SWAP ||
	       v == NFO_VERB_KEY_DEL || v == NFO_VERB_KEY_GET ||
	       v == NFO_VERB_SHOW || v == NFO_VERB_STATS;
}

static bool starts_with(const char *s, const char *prefix)
{
	return !strncmp(s, prefix, strlen(prefix));
}

void nfo_describe_error(const struct nfo_cmd *cmd,
			const struct nfo_nl_err *err, char *buf, size_t len)
{
	const char *attr = err->attr;
	const char *dev = cmd->dev;
	uint32_t id = cmd->peer_id;

	if (err->local[0]) {
		snprintf(buf, len, "%s", err->local);
		return;
	}
	switch (err->code) {
	case EPERM:
	case EACCES:
		snprintf(buf, len,
			 "%s: CAP_NET_ADMIN is required (run as root, or grant CAP_NET_ADMIN in this network namespace)",
			 strerror(err->code));
		return;
	case ENODEV:
		if (cmd->verb == NFO_VERB_INST_ADD)
			break;	/* the device itself; extack says more */
		snprintf(buf, len, "no nf_ovpn instance on %s", dev);
		return;
	case ENOENT:
		if (starts_with(attr, "IFINDEX") || !cmd->has_peer_id ||
		    cmd->verb == NFO_VERB_INST_DEL) {
			snprintf(buf, len, "no nf_ovpn instance on %s", dev);
		} else if (!strcmp(attr, "KEYCONF.SLOT")) {
			snprintf(buf, len, "no key in slot %s of peer %u on %s",
				 nfo_slot_name(cmd->key.slot), id, dev);
		} else if (is_peer_verb(cmd->verb)) {
			snprintf(buf, len, "no such peer %u on %s", id, dev);
		} else {
			snprintf(buf, len, "%s", strerror(err->code));
		}
		return;
	case EEXIST:
		if (cmd->verb == NFO_VERB_INST_ADD)
			snprintf(buf, len,
				 "%s already has an nf_ovpn instance (or port %u is taken)",
				 dev, cmd->inst.port);
		else if (cmd->verb == NFO_VERB_PEER_ADD)
			snprintf(buf, len, "peer %u already exists on %s", id,
				 dev);
		else
			snprintf(buf, len, "%s", strerror(err->code));
		return;
	}
	snprintf(buf, len, "%s", strerror(err->code));
}

void nfo_report(const struct nfo_cmd *cmd, const struct nfo_nl_err *err)
{
	char buf[512];

	nfo_describe_error(cmd, err, buf, sizeof(buf));
	fprintf(stderr, "nfovpn: %s: %s\n", nfo_verb_name(cmd->verb), buf);
	if (!err->msg[0] && !err->attr[0] && !err->missing[0])
		return;
	fprintf(stderr, "nfovpn: kernel: %s", err->msg[0] ? err->msg :
		"(no message)");
	if (err->attr[0])
		fprintf(stderr, " (attribute %s)", err->attr);
	if (err->missing[0])
		fprintf(stderr, " (missing attribute %s)", err->missing);
	fputc('\n', stderr);
}
