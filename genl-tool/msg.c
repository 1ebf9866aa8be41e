// SPDX-License-Identifier: GPL-2.0
#include <arpa/inet.h>

#include <netlink/attr.h>

#include "msg.h"

/* strict kernel validation wants NLA_F_NESTED on every nest */
static struct nlattr *nest_start(struct nl_msg *m, int type)
{
	return nla_nest_start(m, type | NLA_F_NESTED);
}

static int put_addr(struct nl_msg *m, int type4, int type6,
		    const struct nfo_addr *a)
{
	if (a->family == AF_INET)
		return nla_put(m, type4, 4, a->a);
	if (a->family == AF_INET6)
		return nla_put(m, type6, 16, a->a);
	return 0;
}

static int put_be16(struct nl_msg *m, int type, uint16_t v)
{
	return nla_put_u16(m, type, htons(v));
}

int nfo_msg_ifindex(struct nl_msg *m, uint32_t ifindex)
{
	return nla_put_u32(m, NF_OVPN_A_IFINDEX, ifindex) ? -1 : 0;
}

int nfo_msg_inst_new(struct nl_msg *m, uint32_t ifindex,
		     const struct nfo_inst_opts *o, uint32_t bind_ifindex)
{
	struct nlattr *nest;

	if (nfo_msg_ifindex(m, ifindex))
		return -1;
	nest = nest_start(m, NF_OVPN_A_INST);
	if (!nest ||
	    nla_put_u8(m, NF_OVPN_A_INST_MODE, o->mode) ||
	    put_addr(m, NF_OVPN_A_INST_LOCAL_IPV4, NF_OVPN_A_INST_LOCAL_IPV6,
		     &o->local4) ||
	    put_addr(m, NF_OVPN_A_INST_LOCAL_IPV4, NF_OVPN_A_INST_LOCAL_IPV6,
		     &o->local6) ||
	    put_be16(m, NF_OVPN_A_INST_LOCAL_PORT, o->port) ||
	    (o->mark && nla_put_u32(m, NF_OVPN_A_INST_MARK, o->mark)) ||
	    (bind_ifindex &&
	     nla_put_u32(m, NF_OVPN_A_INST_BIND_IFINDEX, bind_ifindex)) ||
	    /* the CLI exits right away: the instance must outlive its socket */
	    nla_put_flag(m, NF_OVPN_A_INST_PERSIST))
		return -1;
	nla_nest_end(m, nest);
	return 0;
}

static int put_iroute(struct nl_msg *m, const struct nfo_iroute *r)
{
	struct nlattr *nest = nest_start(m, NF_OVPN_A_PEER_IROUTE);

	if (!nest ||
	    put_addr(m, NF_OVPN_A_IROUTE_IPV4, NF_OVPN_A_IROUTE_IPV6,
		     &r->addr) ||
	    nla_put_u8(m, NF_OVPN_A_IROUTE_PREFIXLEN, r->prefixlen))
		return -1;
	nla_nest_end(m, nest);
	return 0;
}

static int put_peer_opts(struct nl_msg *m, const struct nfo_peer_opts *o,
			 uint32_t scope_id)
{
	size_t i;

	if (o->has_remote) {
		if (put_addr(m, NF_OVPN_A_PEER_REMOTE_IPV4,
			     NF_OVPN_A_PEER_REMOTE_IPV6, &o->remote) ||
		    put_be16(m, NF_OVPN_A_PEER_REMOTE_PORT, o->remote_port))
			return -1;
		if (scope_id && nla_put_u32(m,
				NF_OVPN_A_PEER_REMOTE_IPV6_SCOPE_ID, scope_id))
			return -1;
	}
	if (put_addr(m, NF_OVPN_A_PEER_LOCAL_IPV4, NF_OVPN_A_PEER_LOCAL_IPV6,
		     &o->local) ||
	    put_addr(m, NF_OVPN_A_PEER_VPN_IPV4, NF_OVPN_A_PEER_VPN_IPV6,
		     &o->vpn4) ||
	    put_addr(m, NF_OVPN_A_PEER_VPN_IPV4, NF_OVPN_A_PEER_VPN_IPV6,
		     &o->vpn6))
		return -1;
	for (i = 0; i < o->n_iroutes; i++)
		if (put_iroute(m, &o->iroutes[i]))
			return -1;
	if (o->has_keepalive &&
	    (nla_put_u32(m, NF_OVPN_A_PEER_KEEPALIVE_INTERVAL,
			 o->ka_interval) ||
	     nla_put_u32(m, NF_OVPN_A_PEER_KEEPALIVE_TIMEOUT, o->ka_timeout)))
		return -1;
	return 0;
}

int nfo_msg_peer(struct nl_msg *m, uint32_t ifindex, uint32_t peer_id,
		 const struct nfo_peer_opts *o, uint32_t scope_id)
{
	struct nlattr *nest;

	if (nfo_msg_ifindex(m, ifindex))
		return -1;
	nest = nest_start(m, NF_OVPN_A_PEER);
	if (!nest || nla_put_u32(m, NF_OVPN_A_PEER_ID, peer_id))
		return -1;
	if (o && put_peer_opts(m, o, scope_id))
		return -1;
	nla_nest_end(m, nest);
	return 0;
}

static int put_keydir(struct nl_msg *m, int type, const struct nfo_keydir *d)
{
	struct nlattr *nest = nest_start(m, type);

	if (!nest ||
	    nla_put(m, NF_OVPN_A_KEYDIR_CIPHER_KEY, (int)d->key_len, d->key) ||
	    nla_put(m, NF_OVPN_A_KEYDIR_NONCE_TAIL, NF_OVPN_NONCE_TAIL_LEN,
		    d->nonce_tail))
		return -1;
	nla_nest_end(m, nest);
	return 0;
}

int nfo_msg_key_new(struct nl_msg *m, uint32_t ifindex, uint32_t peer_id,
		    const struct nfo_key_opts *o, const struct nfo_keyfile *kf)
{
	struct nlattr *nest;

	if (nfo_msg_ifindex(m, ifindex))
		return -1;
	nest = nest_start(m, NF_OVPN_A_KEYCONF);
	if (!nest ||
	    nla_put_u32(m, NF_OVPN_A_KEYCONF_PEER_ID, peer_id) ||
	    nla_put_u32(m, NF_OVPN_A_KEYCONF_SLOT, o->slot) ||
	    nla_put_u32(m, NF_OVPN_A_KEYCONF_KEY_ID, o->key_id) ||
	    nla_put_u32(m, NF_OVPN_A_KEYCONF_CIPHER_ALG, kf->cipher) ||
	    put_keydir(m, NF_OVPN_A_KEYCONF_ENCRYPT_DIR, &kf->encrypt) ||
	    put_keydir(m, NF_OVPN_A_KEYCONF_DECRYPT_DIR, &kf->decrypt))
		return -1;
	if (o->has_tx_pktid &&
	    nla_put_u32(m, NF_OVPN_A_KEYCONF_TX_PKTID, o->tx_pktid))
		return -1;
	if (o->has_rx_pktid &&
	    nla_put_u32(m, NF_OVPN_A_KEYCONF_RX_PKTID, o->rx_pktid))
		return -1;
	nla_nest_end(m, nest);
	return 0;
}

int nfo_msg_keyconf(struct nl_msg *m, uint32_t ifindex, uint32_t peer_id,
		    bool has_slot, uint32_t slot)
{
	struct nlattr *nest;

	if (nfo_msg_ifindex(m, ifindex))
		return -1;
	nest = nest_start(m, NF_OVPN_A_KEYCONF);
	if (!nest || nla_put_u32(m, NF_OVPN_A_KEYCONF_PEER_ID, peer_id))
		return -1;
	if (has_slot && nla_put_u32(m, NF_OVPN_A_KEYCONF_SLOT, slot))
		return -1;
	nla_nest_end(m, nest);
	return 0;
}
