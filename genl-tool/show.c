// SPDX-License-Identifier: GPL-2.0
/* show / stats / status: gather instances and peers, then format. */
#include <errno.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmds.h"
#include "format.h"
#include "msg.h"
#include "parse.h"
#include "prom.h"

#define DUMP_RETRIES 3

struct gather {
	uint32_t ifindex;	/* requested instance, 0 = all */
	struct nfo_inst *insts;
	size_t n;
};

static int on_inst(const struct nlmsghdr *nlh, void *arg)
{
	struct gather *g = arg;
	struct nfo_inst *arr;

	arr = realloc(g->insts, (g->n + 1) * sizeof(*arr));
	if (!arr)
		return -ENOMEM;
	g->insts = arr;
	if (nfo_parse_inst_msg(nlh, &g->insts[g->n]))
		return -EPROTO;
	if (!g->insts[g->n].ifindex)
		g->insts[g->n].ifindex = g->ifindex;
	if (!g->insts[g->n].ifindex)
		return -EPROTO;
	if (!g->insts[g->n].ifname[0])
		if_indextoname(g->insts[g->n].ifindex, g->insts[g->n].ifname);
	g->n++;
	return 0;
}

static int on_peer(const struct nlmsghdr *nlh, void *arg)
{
	struct gather *g = arg;
	struct nfo_peer peer, *arr;
	struct nfo_inst *in = NULL;
	size_t i;

	if (nfo_parse_peer_msg(nlh, &peer))
		return -EPROTO;
	if (!peer.ifindex)
		peer.ifindex = g->ifindex;
	for (i = 0; i < g->n; i++)
		if (g->insts[i].ifindex == peer.ifindex)
			in = &g->insts[i];
	if (!in) {
		/* instance created after our instance dump: skip */
		nfo_peer_free(&peer);
		return 0;
	}
	arr = realloc(in->peers, (in->n_peers + 1) * sizeof(*arr));
	if (!arr) {
		nfo_peer_free(&peer);
		return -ENOMEM;
	}
	in->peers = arr;
	in->peers[in->n_peers++] = peer;
	return 0;
}

static int cmp_inst(const void *a, const void *b)
{
	const struct nfo_inst *x = a, *y = b;

	return x->ifindex < y->ifindex ? -1 : x->ifindex > y->ifindex;
}

static int cmp_peer(const void *a, const void *b)
{
	const struct nfo_peer *x = a, *y = b;

	return x->id < y->id ? -1 : x->id > y->id;
}

static void gather_reset(struct gather *g)
{
	nfo_inst_array_free(g->insts, g->n);
	g->insts = NULL;
	g->n = 0;
}

/* one request, reporting errors in the context of a (possibly adjusted) cmd */
static int request(struct nfo_nl *nl, const struct nfo_cmd *ctx, uint8_t gcmd,
		   bool dump, uint32_t ifindex, bool with_peer,
		   nfo_reply_fn fn, struct gather *g, struct nfo_nl_err *err)
{
	struct nl_msg *msg = nfo_nl_msg(nl, gcmd, dump);
	int ret;

	if (!msg) {
		err->code = ENOMEM;
		return -ENOMEM;
	}
	if (with_peer)
		ret = nfo_msg_peer(msg, ifindex, ctx->peer_id, NULL, 0);
	else if (ifindex)
		ret = nfo_msg_ifindex(msg, ifindex);
	else
		ret = 0;
	if (ret) {
		nlmsg_free(msg);
		memset(err, 0, sizeof(*err));
		err->code = ENOMEM;
		return -ENOMEM;
	}
	ret = nfo_nl_request(nl, msg, fn, g, err);
	nlmsg_free(msg);
	return ret;
}

static int gather(struct nfo_nl *nl, const struct nfo_cmd *cmd,
		  uint32_t ifindex, struct gather *g)
{
	struct nfo_cmd inst_ctx = *cmd;
	struct nfo_nl_err err;
	int ret;

	/* a missing instance must not read as "no such peer" */
	inst_ctx.has_peer_id = false;
	ret = request(nl, &inst_ctx, NF_OVPN_CMD_INST_GET, !ifindex, ifindex,
		      false, on_inst, g, &err);
	if (ret) {
		if (ret != -EAGAIN)
			nfo_report(&inst_ctx, &err);
		return ret;
	}
	if (cmd->has_peer_id)
		ret = request(nl, cmd, NF_OVPN_CMD_PEER_GET, false, ifindex,
			      true, on_peer, g, &err);
	else
		ret = request(nl, cmd, NF_OVPN_CMD_PEER_GET, true, ifindex,
			      false, on_peer, g, &err);
	if (ret && ret != -EAGAIN)
		nfo_report(cmd, &err);
	return ret;
}

int nfo_run_show(struct nfo_nl *nl, const struct nfo_cmd *cmd)
{
	struct gather g = { 0 };
	uint32_t ifindex = 0;
	size_t i;
	int ret, tries = 0;

	if (cmd->has_dev && nfo_dev_index(cmd, &ifindex))
		return NFO_EXIT_FAIL;
	g.ifindex = ifindex;
	do {
		gather_reset(&g);
		ret = gather(nl, cmd, ifindex, &g);
	} while (ret == -EAGAIN && ++tries < DUMP_RETRIES);
	if (ret) {
		if (ret == -EAGAIN)
			fprintf(stderr, "nfovpn: %s: state kept changing during the dump, try again\n",
				nfo_verb_name(cmd->verb));
		gather_reset(&g);
		return NFO_EXIT_FAIL;
	}

	qsort(g.insts, g.n, sizeof(*g.insts), cmp_inst);
	for (i = 0; i < g.n; i++)
		qsort(g.insts[i].peers, g.insts[i].n_peers,
		      sizeof(*g.insts[i].peers), cmp_peer);
	if (cmd->verb == NFO_VERB_STATS && cmd->prometheus)
		nfo_print_prometheus(stdout, g.insts, g.n);
	else if (cmd->verb == NFO_VERB_STATS)
		nfo_print_stats(stdout, g.insts, g.n, cmd->json);
	else
		nfo_print_show(stdout, g.insts, g.n, cmd->json);
	gather_reset(&g);
	return NFO_EXIT_OK;
}

static int on_status(const struct nlmsghdr *nlh, void *arg)
{
	return nfo_parse_status_msg(nlh, arg) ? -EPROTO : 0;
}

int nfo_run_status(struct nfo_nl *nl, const struct nfo_cmd *cmd)
{
	struct nfo_status st = { 0 };
	struct nfo_nl_err err;
	struct nl_msg *msg;
	int ret;

	msg = nfo_nl_msg(nl, NF_OVPN_CMD_STATUS_GET, false);
	if (!msg) {
		fprintf(stderr, "nfovpn: out of memory\n");
		return NFO_EXIT_FAIL;
	}
	ret = nfo_nl_request(nl, msg, on_status, &st, &err);
	nlmsg_free(msg);
	if (ret) {
		nfo_report(cmd, &err);
		return NFO_EXIT_FAIL;
	}
	if (!st.has_instances && !st.has_peers && !st.has_keys) {
		fprintf(stderr, "nfovpn: status: the kernel sent no status\n");
		return NFO_EXIT_FAIL;
	}
	nfo_print_status(stdout, &st, cmd->json);
	return NFO_EXIT_OK;
}
