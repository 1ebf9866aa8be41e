/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Generic netlink plumbing: one socket per command run (nothing is cached
 * across runs, so network namespaces need nothing special), family
 * resolution, extended ACK decoding, doit and dump requests.
 */
#ifndef NFOVPN_NL_H
#define NFOVPN_NL_H

#include <stdbool.h>
#include <stdint.h>

#include <netlink/msg.h>
#include <netlink/socket.h>

struct nfo_nl {
	struct nl_sock *sk;
	int family;
};

/* what went wrong with a request */
struct nfo_nl_err {
	int code;		/* positive errno */
	char local[128];	/* our own description, overrides strerror */
	char msg[256];		/* kernel extack message, "" if none */
	char attr[96];		/* offending attribute path, "" if none */
	char missing[96];	/* missing attribute path, "" if none */
};

/* reply handler: return 0, or a negative errno to fail the request */
typedef int (*nfo_reply_fn)(const struct nlmsghdr *nlh, void *arg);

/* open + resolve the family; prints its own errors; 0 or -1 */
int nfo_nl_open(struct nfo_nl *nl);
void nfo_nl_close(struct nfo_nl *nl);
/* socket + NETLINK_EXT_ACK/CAP_ACK only, family left to the caller */
int nfo_nl_connect(struct nfo_nl *nl);

/* a request with genetlink header for cmd; NULL on ENOMEM */
struct nl_msg *nfo_nl_msg(const struct nfo_nl *nl, uint8_t cmd, bool dump);

/*
 * Send msg and process replies until the ACK / NLMSG_DONE.  Returns 0 or
 * a negative errno; on error err is filled.  msg stays owned by the caller.
 */
int nfo_nl_request(struct nfo_nl *nl, struct nl_msg *msg, nfo_reply_fn fn,
		   void *arg, struct nfo_nl_err *err);

/* join the multicast group, make the socket ready for nfo_nl_recv_events */
int nfo_nl_join(struct nfo_nl *nl, const char *group);

/*
 * Read what is queued (non-blocking).  Returns 0, -EAGAIN when nothing
 * more is queued, -ENOBUFS when notifications were lost, other -errno.
 */
int nfo_nl_recv_events(struct nfo_nl *nl, nfo_reply_fn fn, void *arg);

int nfo_nl_fd(const struct nfo_nl *nl);

/* decode an extended ACK (NLMSG_ERROR or NLMSG_DONE) against request req */
void nfo_nl_parse_extack(const struct nlmsghdr *ack,
			 const struct nlmsghdr *req, struct nfo_nl_err *err);

#endif /* NFOVPN_NL_H */
