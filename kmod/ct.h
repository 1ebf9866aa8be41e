/* SPDX-License-Identifier: GPL-2.0 */
/*
 * nf_ovpn: conntrack tagging.  Modules cannot add conntrack extensions
 * since 5.18, so per-flow state rides in the private area of a conntrack
 * helper ("ovpn") that this module registers and attaches itself.  Only
 * ids live there, never pointers: a stale tag simply misses.
 */
#ifndef _NF_OVPN_CT_H
#define _NF_OVPN_CT_H

#include <linux/types.h>
#include <net/netfilter/nf_conntrack.h>

#define NF_OVPN_CT_MAGIC	0x6f76706eU	/* "ovpn" */

enum nf_ovpn_ct_role {
	NF_OVPN_CT_OUTER = 1,	/* the UDP flow carrying the tunnel */
	NF_OVPN_CT_INNER,	/* a flow inside the tunnel */
};

struct nf_ovpn_ct_tag {
	u32 magic;
	u8 role;
	u8 pad[3];
	u32 inst_id;
	u32 peer_id;
	u32 peer_gen;
	/* INNER: the conntrack direction (IP_CT_DIR_*) whose packets go to
	 * the peer.  A flow first seen coming out of the tunnel (PREROUTING
	 * on tun) has the peer as originator: its REPLY goes to the peer.
	 * A flow first seen going into the tunnel (POST_ROUTING) goes to
	 * the peer in its ORIGINAL direction.  Traffic hairpinned from one
	 * peer to another thus never follows the tag back to its source.
	 */
	u8 peer_dir;
	/* INNER: the instance's route_gen when the peer was looked up; any
	 * route change since (PEER_SET moving an address or iroute, a peer
	 * coming or going) makes the tag stale.  Written after the peer
	 * fields, read before them (smp_wmb/smp_rmb in ct.c).
	 */
	u32 route_gen;
};

int nf_ovpn_ct_init(void);
void nf_ovpn_ct_exit(void);

/* tag an unconfirmed conntrack; -EBUSY if confirmed or owned by another
 * helper.  Any context.
 */
int nf_ovpn_ct_tag_set(struct nf_conn *ct, const struct nf_ovpn_ct_tag *tag);
/* the same, from its fields */
int nf_ovpn_ct_tag_new(struct nf_conn *ct, u8 role, u32 inst_id, u32 peer_id,
		       u32 peer_gen, u32 route_gen, u8 peer_dir);
/* copy the tag out; false if @ct carries none of ours */
bool nf_ovpn_ct_tag_get(const struct nf_conn *ct, struct nf_ovpn_ct_tag *tag);
/* re-point a tag of ours (also on a confirmed conntrack) at another peer;
 * readers may see old and new fields mixed, which the gen check rejects.
 * Any context.
 */
void nf_ovpn_ct_tag_update(struct nf_conn *ct, u32 peer_id, u32 peer_gen,
			   u32 route_gen);

/* LOCAL_IN/POST_ROUTING hook, before confirm: tag new inner flows that
 * came out of an instance's tun
 */
unsigned int nf_ovpn_ct_in_hook(void *priv, struct sk_buff *skb,
				const struct nf_hook_state *state);

#endif /* _NF_OVPN_CT_H */
