// SPDX-License-Identifier: GPL-2.0
/* instance / peer / key verbs: build one request, print what comes back. */
#include <errno.h>
#include <net/if.h>
#include <stdio.h>
#include <string.h>

#include "cmds.h"
#include "format.h"
#include "msg.h"
#include "parse.h"

/* "fe80::1%eth0" or "%3" */
static int scope_index(const struct nfo_cmd *cmd, uint32_t *scope)
{
	const char *s = cmd->peer.remote_scope;

	*scope = 0;
	if (!s[0])
		return 0;
	if (!nfo_parse_u32(s, UINT32_MAX, scope))
		return 0;
	*scope = if_nametoindex(s);
	if (!*scope) {
		fprintf(stderr, "nfovpn: scope device \"%s\" does not exist\n",
			s);
		return -1;
	}
	return 0;
}

static int bind_index(const struct nfo_cmd *cmd, uint32_t *bind)
{
	*bind = 0;
	if (!cmd->inst.bind_dev[0])
		return 0;
	*bind = if_nametoindex(cmd->inst.bind_dev);
	if (!*bind) {
		fprintf(stderr, "nfovpn: bind-dev device \"%s\" does not exist\n",
			cmd->inst.bind_dev);
		return -1;
	}
	return 0;
}

static int build(const struct nfo_cmd *cmd, struct nl_msg *msg,
		 uint32_t ifindex, const struct nfo_keyfile *kf)
{
	uint32_t scope, bind;

	switch (cmd->verb) {
	case NFO_VERB_INST_ADD:
		if (bind_index(cmd, &bind))
			return -2;
		return nfo_msg_inst_new(msg, ifindex, &cmd->inst, bind);
	case NFO_VERB_INST_DEL:
		return nfo_msg_ifindex(msg, ifindex);
	case NFO_VERB_PEER_ADD:
	case NFO_VERB_PEER_SET:
		if (scope_index(cmd, &scope))
			return -2;
		return nfo_msg_peer(msg, ifindex, cmd->peer_id, &cmd->peer,
				    scope);
	case NFO_VERB_PEER_DEL:
		return nfo_msg_peer(msg, ifindex, cmd->peer_id, NULL, 0);
	case NFO_VERB_KEY_ADD:
		return nfo_msg_key_new(msg, ifindex, cmd->peer_id, &cmd->key,
				       kf);
	case NFO_VERB_KEY_SWAP:
		return nfo_msg_keyconf(msg, ifindex, cmd->peer_id, false, 0);
	case NFO_VERB_KEY_DEL:
	case NFO_VERB_KEY_GET:
		return nfo_msg_keyconf(msg, ifindex, cmd->peer_id, true,
				       cmd->key.slot);
	default:
		return -1;
	}
}

static uint8_t genl_cmd(enum nfo_verb verb)
{
	switch (verb) {
	case NFO_VERB_INST_ADD:
		return NF_OVPN_CMD_INST_NEW;
	case NFO_VERB_INST_DEL:
		return NF_OVPN_CMD_INST_DEL;
	case NFO_VERB_PEER_ADD:
		return NF_OVPN_CMD_PEER_NEW;
	case NFO_VERB_PEER_SET:
		return NF_OVPN_CMD_PEER_SET;
	case NFO_VERB_PEER_DEL:
		return NF_OVPN_CMD_PEER_DEL;
	case NFO_VERB_KEY_ADD:
		return NF_OVPN_CMD_KEY_NEW;
	case NFO_VERB_KEY_SWAP:
		return NF_OVPN_CMD_KEY_SWAP;
	case NFO_VERB_KEY_DEL:
		return NF_OVPN_CMD_KEY_DEL;
	case NFO_VERB_KEY_GET:
		return NF_OVPN_CMD_KEY_GET;
	default:
		return NF_OVPN_CMD_UNSPEC;
	}
}

/* what a reply may carry back: a peer (peer del) or a key (key del/get) */
struct ctl_reply {
	enum nfo_verb verb;
	bool has_peer, has_key;
	struct nfo_peer peer;
	struct nfo_key key;
};

static int on_reply(const struct nlmsghdr *nlh, void *arg)
{
	struct ctl_reply *r = arg;
	uint32_t ifindex;

	if (r->verb == NFO_VERB_PEER_DEL && !r->has_peer) {
		if (nfo_parse_peer_msg(nlh, &r->peer))
			return -EPROTO;
		r->has_peer = true;
	} else if ((r->verb == NFO_VERB_KEY_DEL ||
		    r->verb == NFO_VERB_KEY_GET) && !r->has_key) {
		if (nfo_parse_key_msg(nlh, &ifindex, &r->key))
			return -EPROTO;
		r->has_key = true;
	}
	return 0;
}

static int print_reply(const struct nfo_cmd *cmd, struct ctl_reply *r)
{
	switch (cmd->verb) {
	case NFO_VERB_PEER_DEL:
		if (!r->has_peer) {
			r->peer.id = cmd->peer_id;
			r->has_peer = true;
		}
		if (r->peer.n_keys || cmd->json)
			nfo_print_peer_del(stdout, cmd->dev, &r->peer,
					   cmd->json);
		return NFO_EXIT_OK;
	case NFO_VERB_KEY_DEL:
	case NFO_VERB_KEY_GET:
		if (!r->has_key) {
			fprintf(stderr, "nfovpn: %s: the kernel sent no key state\n",
				nfo_verb_name(cmd->verb));
			return cmd->verb == NFO_VERB_KEY_GET ? NFO_EXIT_FAIL :
			       NFO_EXIT_OK;
		}
		if (!r->key.has_peer_id) {
			r->key.peer_id = cmd->peer_id;
			r->key.has_peer_id = true;
		}
		nfo_print_key(stdout, cmd->dev, &r->key, cmd->json);
		return NFO_EXIT_OK;
	default:
		return NFO_EXIT_OK;
	}
}

int nfo_run_ctl(struct nfo_nl *nl, const struct nfo_cmd *cmd,
		const struct nfo_keyfile *kf)
{
	struct ctl_reply reply = { .verb = cmd->verb };
	struct nfo_nl_err err;
	uint32_t ifindex;
	struct nl_msg *msg;
	int ret = NFO_EXIT_FAIL;

	if (nfo_dev_index(cmd, &ifindex))
		return NFO_EXIT_FAIL;
	msg = nfo_nl_msg(nl, genl_cmd(cmd->verb), false);
	if (!msg) {
		fprintf(stderr, "nfovpn: out of memory\n");
		return NFO_EXIT_FAIL;
	}
	switch (build(cmd, msg, ifindex, kf)) {
	case 0:
		break;
	case -2:		/* already reported */
		goto out_free;
	default:
		fprintf(stderr, "nfovpn: request too large\n");
		goto out_free;
	}

	if (nfo_nl_request(nl, msg, on_reply, &reply, &err)) {
		nfo_report(cmd, &err);
		goto out_reply;
	}
	ret = print_reply(cmd, &reply);
out_reply:
	nfo_peer_free(&reply.peer);
out_free:
	/* key material lives in the request buffer too */
	explicit_bzero(nlmsg_hdr(msg), nlmsg_hdr(msg)->nlmsg_len);
	nlmsg_free(msg);
	return ret;
}
