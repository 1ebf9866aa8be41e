/* SPDX-License-Identifier: GPL-2.0 */
/*
 * nf_ovpn netlink replies and notifications -> model.h structs.  Unknown
 * attributes are ignored (newer module), attributes of the wrong size make
 * the message malformed (-1).
 */
#ifndef NFOVPN_PARSE_H
#define NFOVPN_PARSE_H

#include <netlink/msg.h>

#include "model.h"

/* IFINDEX + INST nest */
int nfo_parse_inst_msg(const struct nlmsghdr *nlh, struct nfo_inst *out);
/* IFINDEX + PEER nest; out->iroutes must be freed with nfo_peer_free() */
int nfo_parse_peer_msg(const struct nlmsghdr *nlh, struct nfo_peer *out);
/* IFINDEX + KEYCONF nest */
int nfo_parse_key_msg(const struct nlmsghdr *nlh, uint32_t *ifindex,
		      struct nfo_key *out);
/* STATUS nest */
int nfo_parse_status_msg(const struct nlmsghdr *nlh, struct nfo_status *out);
/* a multicast notification (ifname is left empty) */
int nfo_parse_event_msg(const struct nlmsghdr *nlh, struct nfo_event *out);

/* the single nests, for tests and for reuse */
int nfo_parse_stats(const struct nlattr *nest, struct nfo_stats *out);
int nfo_parse_keyconf(const struct nlattr *nest, struct nfo_key *out);
int nfo_parse_peer(const struct nlattr *nest, struct nfo_peer *out);
int nfo_parse_inst(const struct nlattr *nest, struct nfo_inst *out);

#endif /* NFOVPN_PARSE_H */
