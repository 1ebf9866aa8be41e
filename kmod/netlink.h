/* SPDX-License-Identifier: GPL-2.0 */
/*
 * nf_ovpn: the generic netlink family (netlink.c).
 */
#ifndef _NF_OVPN_NETLINK_H
#define _NF_OVPN_NETLINK_H

struct nf_ovpn_peer;
struct nf_ovpn_key;
struct genl_info;

int nf_ovpn_nl_init(void);
void nf_ovpn_nl_exit(void);

/* notifications; process context, under nf_ovpn_net.lock.  @info: also
 * answer this PEER_DEL request with the same content (may be NULL)
 */
void nf_ovpn_nl_notify_peer_del(struct nf_ovpn_peer *peer, u8 reason,
				struct nf_ovpn_key *keys[2],
				struct genl_info *info);
void nf_ovpn_nl_notify_float(struct nf_ovpn_peer *peer);
void nf_ovpn_nl_notify_key_wrap(struct nf_ovpn_peer *peer);

#endif /* _NF_OVPN_NETLINK_H */
