/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Request attributes for each nf_ovpn command, built from the parsed
 * command line.  The genetlink header is put by nl.c; these only append
 * attributes, so they can be unit tested without a socket.
 * All return 0, or -1 when the message ran out of room.
 */
#ifndef NFOVPN_MSG_H
#define NFOVPN_MSG_H

#include <netlink/msg.h>

#include "args.h"
#include "keyfile.h"

/* every message buffer is this large: 256 IPv6 iroutes need ~8 KiB */
#define NFO_MSG_SIZE 65536

int nfo_msg_ifindex(struct nl_msg *m, uint32_t ifindex);
/* @bind_ifindex: the device of o->bind_dev, 0 if none */
int nfo_msg_inst_new(struct nl_msg *m, uint32_t ifindex,
		     const struct nfo_inst_opts *o, uint32_t bind_ifindex);
/* PEER nest with ID; o == NULL for peer del / peer get */
int nfo_msg_peer(struct nl_msg *m, uint32_t ifindex, uint32_t peer_id,
		 const struct nfo_peer_opts *o, uint32_t scope_id);
int nfo_msg_key_new(struct nl_msg *m, uint32_t ifindex, uint32_t peer_id,
		    const struct nfo_key_opts *o, const struct nfo_keyfile *kf);
/* KEYCONF{PEER_ID[, SLOT]} for key swap / del / get */
int nfo_msg_keyconf(struct nl_msg *m, uint32_t ifindex, uint32_t peer_id,
		    bool has_slot, uint32_t slot);

#endif /* NFOVPN_MSG_H */
