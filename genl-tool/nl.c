// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <linux/genetlink.h>
#include <netlink/attr.h>
#include <netlink/genl/ctrl.h>
#include <netlink/genl/genl.h>
#include <netlink/netlink.h>

#include "../kmod/uapi/nf_ovpn.h"
#include "attrnames.h"
#include "msg.h"
#include "nl.h"

#ifndef SOL_NETLINK
#define SOL_NETLINK 270
#endif

/* state of one request while its replies come in */
struct req_state {
	const struct nlmsghdr *req;
	uint32_t seq;
	bool done;
	bool interrupted;
	nfo_reply_fn fn;
	void *arg;
	struct nfo_nl_err *err;
};

static void set_opt(struct nl_sock *sk, int opt)
{
	int one = 1;

	/* old kernels lack these: not fatal, we only lose detail */
	setsockopt(nl_socket_get_fd(sk), SOL_NETLINK, opt, &one, sizeof(one));
}

int nfo_nl_connect(struct nfo_nl *nl)
{
	int ret;

	nl->sk = nl_socket_alloc();
	if (!nl->sk) {
		fprintf(stderr, "nfovpn: out of memory\n");
		return -1;
	}
	ret = genl_connect(nl->sk);
	if (ret < 0) {
		fprintf(stderr, "nfovpn: cannot open generic netlink socket: %s\n",
			nl_geterror(ret));
		nl_socket_free(nl->sk);
		nl->sk = NULL;
		return -1;
	}
	set_opt(nl->sk, NETLINK_EXT_ACK);
	set_opt(nl->sk, NETLINK_CAP_ACK);
	nl_socket_enable_msg_peek(nl->sk);
	return 0;
}

int nfo_nl_open(struct nfo_nl *nl)
{
	if (nfo_nl_connect(nl))
		return -1;
	nl->family = genl_ctrl_resolve(nl->sk, NF_OVPN_FAMILY_NAME);
	if (nl->family < 0) {
		if (nl->family == -NLE_OBJ_NOTFOUND)
			fprintf(stderr, "nfovpn: %s family not found: is the module loaded? try: modprobe nf_ovpn\n",
				NF_OVPN_FAMILY_NAME);
		else
			fprintf(stderr, "nfovpn: cannot resolve the %s family: %s\n",
				NF_OVPN_FAMILY_NAME, nl_geterror(nl->family));
		nfo_nl_close(nl);
		return -1;
	}
	/* we ask for ACKs ourselves, per request */
	nl_socket_disable_auto_ack(nl->sk);
	return 0;
}

void nfo_nl_close(struct nfo_nl *nl)
{
	if (nl->sk)
		nl_socket_free(nl->sk);
	nl->sk = NULL;
}

int nfo_nl_fd(const struct nfo_nl *nl)
{
	return nl_socket_get_fd(nl->sk);
}

struct nl_msg *nfo_nl_msg(const struct nfo_nl *nl, uint8_t cmd, bool dump)
{
	struct nl_msg *msg = nlmsg_alloc_size(NFO_MSG_SIZE);

	if (!msg)
		return NULL;
	if (!genlmsg_put(msg, NL_AUTO_PORT, NL_AUTO_SEQ, nl->family, 0,
			 dump ? NLM_F_DUMP : NLM_F_ACK, cmd,
			 NF_OVPN_FAMILY_VERSION)) {
		nlmsg_free(msg);
		return NULL;
	}
	return msg;
}

/* --- extended ACK --- */

static void parse_tlvs(const struct nlattr *head, int len,
		       const struct nlmsghdr *req, struct nfo_nl_err *err)
{
	uint32_t miss_type = 0, miss_nest = 0;
	bool has_miss = false;
	const struct nlattr *a;
	int rem;

	nla_for_each_attr(a, head, len, rem) {
		switch (nla_type(a)) {
		case NLMSGERR_ATTR_MSG:
			if (nla_len(a) > 0)
				snprintf(err->msg, sizeof(err->msg), "%.*s",
					 nla_len(a), (const char *)nla_data(a));
			break;
		case NLMSGERR_ATTR_OFFS:
			if (nla_len(a) == 4 && req)
				nfo_attr_at(req, nla_get_u32((struct nlattr *)a),
					    err->attr, sizeof(err->attr));
			break;
		case NLMSGERR_ATTR_MISS_TYPE:
			if (nla_len(a) == 4) {
				miss_type = nla_get_u32((struct nlattr *)a);
				has_miss = true;
			}
			break;
		case NLMSGERR_ATTR_MISS_NEST:
			if (nla_len(a) == 4)
				miss_nest = nla_get_u32((struct nlattr *)a);
			break;
		}
	}
	if (has_miss && req)
		nfo_attr_missing(req, miss_nest, miss_type, err->missing,
				 sizeof(err->missing));
}

void nfo_nl_parse_extack(const struct nlmsghdr *ack,
			 const struct nlmsghdr *req, struct nfo_nl_err *err)
{
	uint32_t off = NLMSG_HDRLEN;

	if (!(ack->nlmsg_flags & NLM_F_ACK_TLVS))
		return;
	if (ack->nlmsg_type == NLMSG_ERROR) {
		const struct nlmsgerr *e = nlmsg_data(ack);

		if (ack->nlmsg_len < NLMSG_HDRLEN + sizeof(*e))
			return;
		off += NLMSG_ALIGN(sizeof(*e));
		if (!(ack->nlmsg_flags & NLM_F_CAPPED) &&
		    e->msg.nlmsg_len >= NLMSG_HDRLEN)
			off += NLMSG_ALIGN(e->msg.nlmsg_len - NLMSG_HDRLEN);
	} else {
		off += NLMSG_ALIGN(sizeof(int));	/* NLMSG_DONE */
	}
	if (ack->nlmsg_len <= off)
		return;
	parse_tlvs((const struct nlattr *)((const uint8_t *)ack + off),
		   (int)(ack->nlmsg_len - off), req, err);
}

/* --- request/reply --- */

static int cb_seq(struct nl_msg *msg, void *arg)
{
	struct req_state *st = arg;

	return nlmsg_hdr(msg)->nlmsg_seq == st->seq ? NL_OK : NL_SKIP;
}

static int cb_valid(struct nl_msg *msg, void *arg)
{
	struct req_state *st = arg;
	int ret;

	if (!st->fn)
		return NL_OK;
	ret = st->fn(nlmsg_hdr(msg), st->arg);
	if (ret < 0) {
		st->err->code = -ret;
		if (ret == -EPROTO)
			snprintf(st->err->local, sizeof(st->err->local),
				 "malformed reply from the kernel (module/tool version mismatch?)");
		st->done = true;
		return NL_STOP;
	}
	return NL_OK;
}

static int cb_ack(struct nl_msg *msg, void *arg)
{
	struct req_state *st = arg;
	struct nfo_nl_err warn = { 0 };

	/* a successful ACK may still carry a warning */
	nfo_nl_parse_extack(nlmsg_hdr(msg), st->req, &warn);
	if (warn.msg[0])
		fprintf(stderr, "nfovpn: kernel warning: %s\n", warn.msg);
	st->done = true;
	return NL_STOP;
}

static int cb_finish(struct nl_msg *msg, void *arg)
{
	struct nlmsghdr *nlh = nlmsg_hdr(msg);
	struct req_state *st = arg;
	int code = 0;

	if (nlh->nlmsg_len >= NLMSG_HDRLEN + sizeof(int))
		memcpy(&code, nlmsg_data(nlh), sizeof(code));
	if (code < 0) {
		st->err->code = -code;
		nfo_nl_parse_extack(nlh, st->req, st->err);
	}
	st->done = true;
	return NL_STOP;
}

static int cb_dump_intr(struct nl_msg *msg, void *arg)
{
	struct req_state *st = arg;

	(void)msg;
	st->interrupted = true;
	return NL_OK;
}

static int cb_error(struct sockaddr_nl *nla, struct nlmsgerr *e, void *arg)
{
	const struct nlmsghdr *nlh = (const void *)((uint8_t *)e - NLMSG_HDRLEN);
	struct req_state *st = arg;

	(void)nla;
	if (e->msg.nlmsg_seq != st->seq)
		return NL_SKIP;
	st->err->code = -e->error;
	nfo_nl_parse_extack(nlh, st->req, st->err);
	st->done = true;
	return NL_STOP;
}

int nfo_nl_request(struct nfo_nl *nl, struct nl_msg *msg, nfo_reply_fn fn,
		   void *arg, struct nfo_nl_err *err)
{
	struct req_state st = { .fn = fn, .arg = arg, .err = err };
	struct nl_cb *cb;
	int ret;

	memset(err, 0, sizeof(*err));
	cb = nl_cb_alloc(NL_CB_CUSTOM);
	if (!cb) {
		err->code = ENOMEM;
		return -ENOMEM;
	}
	nl_cb_set(cb, NL_CB_SEQ_CHECK, NL_CB_CUSTOM, cb_seq, &st);
	nl_cb_set(cb, NL_CB_VALID, NL_CB_CUSTOM, cb_valid, &st);
	nl_cb_set(cb, NL_CB_ACK, NL_CB_CUSTOM, cb_ack, &st);
	nl_cb_set(cb, NL_CB_FINISH, NL_CB_CUSTOM, cb_finish, &st);
	nl_cb_set(cb, NL_CB_DUMP_INTR, NL_CB_CUSTOM, cb_dump_intr, &st);
	nl_cb_err(cb, NL_CB_CUSTOM, cb_error, &st);

	ret = nl_send_auto(nl->sk, msg);
	if (ret < 0) {
		err->code = EIO;
		snprintf(err->local, sizeof(err->local), "send failed: %s",
			 nl_geterror(ret));
		goto out;
	}
	st.req = nlmsg_hdr(msg);
	st.seq = st.req->nlmsg_seq;

	while (!st.done) {
		ret = nl_recvmsgs(nl->sk, cb);
		if (ret < 0 && !st.done) {
			err->code = EIO;
			snprintf(err->local, sizeof(err->local),
				 "netlink receive failed: %s",
				 nl_geterror(ret));
			break;
		}
	}
	if (!err->code && st.interrupted) {
		err->code = EAGAIN;
		snprintf(err->local, sizeof(err->local),
			 "dump interrupted by a concurrent change, try again");
	}
out:
	nl_cb_put(cb);
	return -err->code;
}

/* --- notifications --- */

static int cb_event(struct nl_msg *msg, void *arg)
{
	struct req_state *st = arg;

	if (st->fn(nlmsg_hdr(msg), st->arg) < 0)
		fprintf(stderr, "nfovpn: ignoring malformed notification\n");
	return NL_OK;
}

static int cb_noseq(struct nl_msg *msg, void *arg)
{
	(void)msg;
	(void)arg;
	return NL_OK;
}

int nfo_nl_join(struct nfo_nl *nl, const char *group)
{
	int grp, ret;

	grp = genl_ctrl_resolve_grp(nl->sk, NF_OVPN_FAMILY_NAME, group);
	if (grp < 0) {
		fprintf(stderr, "nfovpn: the %s family has no '%s' multicast group: %s\n",
			NF_OVPN_FAMILY_NAME, group, nl_geterror(grp));
		return -1;
	}
	ret = nl_socket_add_membership(nl->sk, grp);
	if (ret < 0) {
		fprintf(stderr, "nfovpn: cannot join multicast group '%s': %s\n",
			group, nl_geterror(ret));
		return -1;
	}
	/* room for bursts (mass peer expiry); losses are still reported */
	nl_socket_set_buffer_size(nl->sk, 4 << 20, 0);
	ret = nl_socket_set_nonblocking(nl->sk);
	if (ret < 0) {
		fprintf(stderr, "nfovpn: %s\n", nl_geterror(ret));
		return -1;
	}
	return 0;
}

int nfo_nl_recv_events(struct nfo_nl *nl, nfo_reply_fn fn, void *arg)
{
	struct nfo_nl_err err = { 0 };
	struct req_state st = { .fn = fn, .arg = arg, .err = &err };
	struct nl_cb *cb;
	int ret;

	cb = nl_cb_alloc(NL_CB_CUSTOM);
	if (!cb)
		return -ENOMEM;
	nl_cb_set(cb, NL_CB_SEQ_CHECK, NL_CB_CUSTOM, cb_noseq, NULL);
	nl_cb_set(cb, NL_CB_VALID, NL_CB_CUSTOM, cb_event, &st);
	ret = nl_recvmsgs(nl->sk, cb);
	nl_cb_put(cb);
	switch (ret) {
	case 0:
		return 0;
	case -NLE_AGAIN:
		return -EAGAIN;
	case -NLE_NOMEM:	/* ENOBUFS from recvmsg: the queue overflowed */
		return -ENOBUFS;
	case -NLE_INTR:
		return -EINTR;
	}
	return -EIO;
}
