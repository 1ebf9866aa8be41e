// SPDX-License-Identifier: GPL-2.0
/*
 * nf_ovpn: the "nf_ovpn" generic netlink family, as written down in
 * Documentation/netlink/specs/nf_ovpn.yaml.  Every configuration request
 * runs in process context under nf_ovpn_net.lock of the requester's netns;
 * that lock is what orders them against each other and against removal by
 * keepalive expiry, socket release and device unregistration.
 */

#include <linux/inetdevice.h>
#include <linux/rtnetlink.h>
#include <net/genetlink.h>
#include <net/ipv6.h>

#include "compat.h"
#include "instance.h"
#include "key.h"
#include "netlink.h"
#include "peer.h"

static struct genl_family nf_ovpn_family;

enum { NF_OVPN_MCGRP_PEERS_ID };

/* The notifications carry clients' real addresses and replay state: only
 * a listener with CAP_NET_ADMIN over the netns's user namespace (the same
 * right the requests need) may join.
 */
static const struct genl_multicast_group nf_ovpn_mcgrps[] = {
	[NF_OVPN_MCGRP_PEERS_ID] = { .name = NF_OVPN_MCGRP_PEERS,
				     .flags = GENL_MCAST_CAP_NET_ADMIN },
};

/* ---- policies ---- */

/* not const: 6.1 policies point at mutable range structs */
static struct netlink_range_validation peer_id_range = {
	.max = NF_OVPN_PEER_ID_MAX - 1,	/* 0xFFFFFF means "no peer-id" */
};

static struct netlink_range_validation keepalive_range = {
	.max = 86400,
};

static const struct nla_policy inst_policy[NF_OVPN_A_INST_MAX + 1] = {
	[NF_OVPN_A_INST_MODE] = NLA_POLICY_MAX(NLA_U8, NF_OVPN_MODE_P2P),
	[NF_OVPN_A_INST_LOCAL_IPV4] = NLA_POLICY_EXACT_LEN(sizeof(__be32)),
	[NF_OVPN_A_INST_LOCAL_IPV6] = NLA_POLICY_EXACT_LEN(sizeof(struct in6_addr)),
	[NF_OVPN_A_INST_LOCAL_PORT] = { .type = NLA_BE16 },
	[NF_OVPN_A_INST_PERSIST] = { .type = NLA_FLAG },
	[NF_OVPN_A_INST_MARK] = { .type = NLA_U32 },
	[NF_OVPN_A_INST_BIND_IFINDEX] = { .type = NLA_U32 },
};

static const struct nla_policy iroute_policy[NF_OVPN_A_IROUTE_MAX + 1] = {
	[NF_OVPN_A_IROUTE_IPV4] = NLA_POLICY_EXACT_LEN(sizeof(__be32)),
	[NF_OVPN_A_IROUTE_IPV6] = NLA_POLICY_EXACT_LEN(sizeof(struct in6_addr)),
	[NF_OVPN_A_IROUTE_PREFIXLEN] = NLA_POLICY_MAX(NLA_U8, 128),
};

static const struct nla_policy peer_policy[NF_OVPN_A_PEER_MAX + 1] = {
	[NF_OVPN_A_PEER_ID] = NLA_POLICY_FULL_RANGE(NLA_U32, &peer_id_range),
	[NF_OVPN_A_PEER_REMOTE_IPV4] = NLA_POLICY_EXACT_LEN(sizeof(__be32)),
	[NF_OVPN_A_PEER_REMOTE_IPV6] = NLA_POLICY_EXACT_LEN(sizeof(struct in6_addr)),
	[NF_OVPN_A_PEER_REMOTE_IPV6_SCOPE_ID] = { .type = NLA_U32 },
	[NF_OVPN_A_PEER_REMOTE_PORT] = { .type = NLA_BE16 },
	[NF_OVPN_A_PEER_LOCAL_IPV4] = NLA_POLICY_EXACT_LEN(sizeof(__be32)),
	[NF_OVPN_A_PEER_LOCAL_IPV6] = NLA_POLICY_EXACT_LEN(sizeof(struct in6_addr)),
	[NF_OVPN_A_PEER_VPN_IPV4] = NLA_POLICY_EXACT_LEN(sizeof(__be32)),
	[NF_OVPN_A_PEER_VPN_IPV6] = NLA_POLICY_EXACT_LEN(sizeof(struct in6_addr)),
	[NF_OVPN_A_PEER_IROUTE] = NLA_POLICY_NESTED(iroute_policy),
	[NF_OVPN_A_PEER_KEEPALIVE_INTERVAL] = NLA_POLICY_FULL_RANGE(NLA_U32, &keepalive_range),
	[NF_OVPN_A_PEER_KEEPALIVE_TIMEOUT] = NLA_POLICY_FULL_RANGE(NLA_U32, &keepalive_range),
};

static const struct nla_policy keydir_policy[NF_OVPN_A_KEYDIR_MAX + 1] = {
	[NF_OVPN_A_KEYDIR_CIPHER_KEY] = NLA_POLICY_RANGE(NLA_BINARY, 16,
							 NF_OVPN_KEY_MAX_LEN),
	[NF_OVPN_A_KEYDIR_NONCE_TAIL] = NLA_POLICY_EXACT_LEN(NF_OVPN_NONCE_TAIL_LEN),
};

static const struct nla_policy keyconf_policy[NF_OVPN_A_KEYCONF_MAX + 1] = {
	[NF_OVPN_A_KEYCONF_PEER_ID] = NLA_POLICY_FULL_RANGE(NLA_U32, &peer_id_range),
	[NF_OVPN_A_KEYCONF_SLOT] = NLA_POLICY_MAX(NLA_U32, NF_OVPN_KEY_SLOT_SECONDARY),
	[NF_OVPN_A_KEYCONF_KEY_ID] = NLA_POLICY_MAX(NLA_U32, NF_OVPN_KEY_ID_MAX),
	[NF_OVPN_A_KEYCONF_CIPHER_ALG] =
		NLA_POLICY_RANGE(NLA_U32, NF_OVPN_CIPHER_AES_GCM,
				 NF_OVPN_CIPHER_CHACHA20_POLY1305),
	[NF_OVPN_A_KEYCONF_ENCRYPT_DIR] = NLA_POLICY_NESTED(keydir_policy),
	[NF_OVPN_A_KEYCONF_DECRYPT_DIR] = NLA_POLICY_NESTED(keydir_policy),
	[NF_OVPN_A_KEYCONF_TX_PKTID] = NLA_POLICY_MIN(NLA_U32, 1),
	[NF_OVPN_A_KEYCONF_RX_PKTID] = { .type = NLA_U32 },
	[NF_OVPN_A_KEYCONF_RX_WINDOW] = { .type = NLA_BINARY,
					   .len = NF_OVPN_REPLAY_BYTES },
};

static const struct nla_policy nf_ovpn_policy[NF_OVPN_A_MAX + 1] = {
	[NF_OVPN_A_IFINDEX] = NLA_POLICY_MIN(NLA_U32, 1),
	[NF_OVPN_A_INST] = NLA_POLICY_NESTED(inst_policy),
	[NF_OVPN_A_PEER] = NLA_POLICY_NESTED(peer_policy),
	[NF_OVPN_A_KEYCONF] = NLA_POLICY_NESTED(keyconf_policy),
};

/* ---- helpers ---- */

static struct nf_ovpn_net *info_pernet(struct genl_info *info)
{
	return nf_ovpn_pernet(genl_info_net(info));
}

/* the instance named by NF_OVPN_A_IFINDEX; under nf_ovpn_net.lock */
static struct nf_ovpn_inst *info_inst(struct genl_info *info)
{
	struct nf_ovpn_inst *inst;

	if (GENL_REQ_ATTR_CHECK(info, NF_OVPN_A_IFINDEX))
		return ERR_PTR(-EINVAL);
	inst = nf_ovpn_inst_by_ifindex(info_pernet(info),
				       nla_get_u32(info->attrs[NF_OVPN_A_IFINDEX]));
	if (!inst) {
		NL_SET_ERR_MSG_MOD(info->extack, "no nf_ovpn instance on this device");
		NL_SET_BAD_ATTR(info->extack, info->attrs[NF_OVPN_A_IFINDEX]);
		return ERR_PTR(-ENODEV);
	}
	return inst;
}

/* parse the nest @type into @tb with @policy; missing nest is an error */
static int info_nest(struct genl_info *info, int type, struct nlattr **tb,
		     int maxtype, const struct nla_policy *policy)
{
	if (GENL_REQ_ATTR_CHECK(info, type))
		return -EINVAL;
	return nla_parse_nested(tb, maxtype, info->attrs[type], policy,
				info->extack);
}

/* the peer named inside nest @nest_type by @id_type; under nf_ovpn_net.lock */
static struct nf_ovpn_peer *info_peer(struct genl_info *info, int nest_type,
				      struct nlattr **tb, int id_type,
				      struct nf_ovpn_inst **instp)
{
	struct nf_ovpn_inst *inst = info_inst(info);
	struct nf_ovpn_peer *peer;

	if (IS_ERR(inst))
		return ERR_CAST(inst);
	*instp = inst;
	if (NL_REQ_ATTR_CHECK(info->extack, info->attrs[nest_type], tb, id_type))
		return ERR_PTR(-EINVAL);
	peer = nf_ovpn_peer_by_id(inst, nla_get_u32(tb[id_type]));
	if (!peer) {
		NL_SET_ERR_MSG_ATTR(info->extack, tb[id_type], "no such peer");
		return ERR_PTR(-ENOENT);
	}
	return peer;
}

/* a reply to @info with command @cmd; NULL on allocation failure */
static struct sk_buff *reply_new(struct genl_info *info, u8 cmd, void **hdr,
				 size_t size)
{
	struct sk_buff *msg = nlmsg_new(size, GFP_KERNEL);

	if (!msg)
		return NULL;
	*hdr = genlmsg_put_reply(msg, info, &nf_ovpn_family, 0, cmd);
	if (!*hdr) {
		nlmsg_free(msg);
		return NULL;
	}
	return msg;
}

static int put_stats(struct sk_buff *skb, int type,
		     struct nf_ovpn_pcpu_stats __percpu *pcpu)
{
	u64 v[NF_OVPN_NSTATS];
	struct nlattr *nest;
	unsigned int i;

	nf_ovpn_stats_fold(pcpu, v);
	nest = nla_nest_start(skb, type);
	if (!nest)
		return -EMSGSIZE;
	for (i = NF_OVPN_A_STATS_RX_PACKETS; i < NF_OVPN_NSTATS; i++)
		if (i != NF_OVPN_A_STATS_PAD &&
		    nla_put_u64_64bit(skb, i, v[i], NF_OVPN_A_STATS_PAD))
			goto err;
	nla_nest_end(skb, nest);
	return 0;
err:
	nla_nest_cancel(skb, nest);
	return -EMSGSIZE;
}

/* what put_keyconf() tells of a key (never its material) */
enum keyconf_detail {
	KEYCONF_SUMMARY,	/* dumps: ids and packet-ids */
	KEYCONF_WINDOW,		/* KEY_GET: and the replay bitmap */
	KEYCONF_FINAL,		/* the key left the kernel: its last state */
};

static int put_keyconf(struct sk_buff *skb, int type, u32 peer_id,
		       unsigned int slot, struct nf_ovpn_key *key,
		       enum keyconf_detail detail)
{
	u8 bitmap[NF_OVPN_REPLAY_BYTES];
	struct nlattr *nest;
	u32 tx, rx;

	nf_ovpn_key_export(key, &tx, &rx, bitmap, detail == KEYCONF_FINAL);
	nest = nla_nest_start(skb, type);
	if (!nest)
		return -EMSGSIZE;
	if (nla_put_u32(skb, NF_OVPN_A_KEYCONF_PEER_ID, peer_id) ||
	    nla_put_u32(skb, NF_OVPN_A_KEYCONF_SLOT, slot) ||
	    nla_put_u32(skb, NF_OVPN_A_KEYCONF_KEY_ID, key->key_id) ||
	    nla_put_u32(skb, NF_OVPN_A_KEYCONF_CIPHER_ALG, key->cipher) ||
	    nla_put_u32(skb, NF_OVPN_A_KEYCONF_TX_PKTID, tx) ||
	    nla_put_u32(skb, NF_OVPN_A_KEYCONF_RX_PKTID, rx))
		goto err;
	if (detail != KEYCONF_SUMMARY &&
	    nla_put(skb, NF_OVPN_A_KEYCONF_RX_WINDOW, sizeof(bitmap), bitmap))
		goto err;
	nla_nest_end(skb, nest);
	return 0;
err:
	nla_nest_cancel(skb, nest);
	return -EMSGSIZE;
}

static int put_endpoint(struct sk_buff *skb, const struct nf_ovpn_endpoint *ep,
			int a4, int a6, int aport, int ascope)
{
	if (ep->family == AF_INET) {
		if (nla_put_in_addr(skb, a4, ep->addr.ip4))
			return -EMSGSIZE;
	} else if (ep->family == AF_INET6) {
		if (nla_put_in6_addr(skb, a6, &ep->addr.ip6))
			return -EMSGSIZE;
		if (ascope && ep->scope_id &&
		    nla_put_u32(skb, ascope, ep->scope_id))
			return -EMSGSIZE;
	} else {
		return 0;
	}
	if (aport && ep->port && nla_put_be16(skb, aport, ep->port))
		return -EMSGSIZE;
	return 0;
}

static int put_routes(struct sk_buff *skb, struct nf_ovpn_peer *peer)
{
	struct nf_ovpn_route *r;
	struct nlattr *nest;

	list_for_each_entry(r, &peer->routes, peer_node) {
		if (nf_ovpn_peer_route_is_vpn(peer, r))
			continue;
		nest = nla_nest_start(skb, NF_OVPN_A_PEER_IROUTE);
		if (!nest)
			return -EMSGSIZE;
		if ((r->family == AF_INET ?
		     nla_put_in_addr(skb, NF_OVPN_A_IROUTE_IPV4, r->addr.ip4) :
		     nla_put_in6_addr(skb, NF_OVPN_A_IROUTE_IPV6, &r->addr.ip6)) ||
		    nla_put_u8(skb, NF_OVPN_A_IROUTE_PREFIXLEN, r->prefixlen)) {
			nla_nest_cancel(skb, nest);
			return -EMSGSIZE;
		}
		nla_nest_end(skb, nest);
	}
	return 0;
}

static u32 idle_ms(unsigned long last)
{
	return jiffies_to_msecs(jiffies - READ_ONCE(last));
}

/* the peer nest; under nf_ovpn_net.lock */
static int put_peer(struct sk_buff *skb, struct nf_ovpn_peer *peer)
{
	struct nf_ovpn_endpoint remote, local;
	struct nf_ovpn_key *key;
	struct nlattr *nest;
	unsigned int slot;

	nest = nla_nest_start(skb, NF_OVPN_A_PEER);
	if (!nest)
		return -EMSGSIZE;
	nf_ovpn_peer_endpoints(peer, &remote, &local);
	if (nla_put_u32(skb, NF_OVPN_A_PEER_ID, peer->id) ||
	    put_endpoint(skb, &remote, NF_OVPN_A_PEER_REMOTE_IPV4,
			 NF_OVPN_A_PEER_REMOTE_IPV6, NF_OVPN_A_PEER_REMOTE_PORT,
			 NF_OVPN_A_PEER_REMOTE_IPV6_SCOPE_ID) ||
	    put_endpoint(skb, &local, NF_OVPN_A_PEER_LOCAL_IPV4,
			 NF_OVPN_A_PEER_LOCAL_IPV6, 0, 0) ||
	    (peer->has_vpn4 &&
	     nla_put_in_addr(skb, NF_OVPN_A_PEER_VPN_IPV4, peer->vpn4)) ||
	    (peer->has_vpn6 &&
	     nla_put_in6_addr(skb, NF_OVPN_A_PEER_VPN_IPV6, &peer->vpn6)) ||
	    put_routes(skb, peer) ||
	    nla_put_u32(skb, NF_OVPN_A_PEER_KEEPALIVE_INTERVAL,
			peer->ka_interval / HZ) ||
	    nla_put_u32(skb, NF_OVPN_A_PEER_KEEPALIVE_TIMEOUT,
			peer->ka_timeout / HZ) ||
	    nla_put_u32(skb, NF_OVPN_A_PEER_RX_IDLE_MS, idle_ms(peer->last_rx)) ||
	    nla_put_u32(skb, NF_OVPN_A_PEER_TX_IDLE_MS, idle_ms(peer->last_tx)) ||
	    put_stats(skb, NF_OVPN_A_PEER_STATS, peer->stats))
		goto err;
	for (slot = 0; slot < ARRAY_SIZE(peer->keys); slot++) {
		key = nf_ovpn_peer_key_slot(peer, slot);
		if (key && put_keyconf(skb, NF_OVPN_A_PEER_KEYCONF, peer->id,
				       slot, key, KEYCONF_SUMMARY))
			goto err;
	}
	nla_nest_end(skb, nest);
	return 0;
err:
	nla_nest_cancel(skb, nest);
	return -EMSGSIZE;
}

static bool ifindex_exists(struct net *net, int ifindex)
{
	bool found;

	rcu_read_lock();
	found = dev_get_by_index_rcu(net, ifindex);
	rcu_read_unlock();
	return found;
}

static int put_inst(struct sk_buff *skb, struct nf_ovpn_inst *inst)
{
	struct nlattr *nest;

	if (nla_put_u32(skb, NF_OVPN_A_IFINDEX, inst->ifindex))
		return -EMSGSIZE;
	nest = nla_nest_start(skb, NF_OVPN_A_INST);
	if (!nest)
		return -EMSGSIZE;
	if (nla_put_string(skb, NF_OVPN_A_INST_IFNAME, inst->dev->name) ||
	    nla_put_u8(skb, NF_OVPN_A_INST_MODE, inst->mode) ||
	    (inst->has_ip4 &&
	     nla_put_in_addr(skb, NF_OVPN_A_INST_LOCAL_IPV4, inst->local_ip4)) ||
	    (inst->has_ip6 &&
	     nla_put_in6_addr(skb, NF_OVPN_A_INST_LOCAL_IPV6, &inst->local_ip6)) ||
	    nla_put_be16(skb, NF_OVPN_A_INST_LOCAL_PORT, inst->local_port) ||
	    nla_put_u32(skb, NF_OVPN_A_INST_ID, inst->id) ||
	    nla_put_u32(skb, NF_OVPN_A_INST_PEER_COUNT, inst->npeers) ||
	    (!inst->portid && nla_put_flag(skb, NF_OVPN_A_INST_PERSIST)) ||
	    (inst->mark && nla_put_u32(skb, NF_OVPN_A_INST_MARK, inst->mark)) ||
	    (inst->bind_ifindex &&
	     nla_put_u32(skb, NF_OVPN_A_INST_BIND_IFINDEX, inst->bind_ifindex)) ||
	    put_stats(skb, NF_OVPN_A_INST_STATS, inst->stats)) {
		nla_nest_cancel(skb, nest);
		return -EMSGSIZE;
	}
	nla_nest_end(skb, nest);
	return 0;
}

/* ---- instance ops ---- */

static int nl_inst_new(struct sk_buff *skb, struct genl_info *info)
{
	struct nf_ovpn_net *on = info_pernet(info);
	struct nlattr *tb[NF_OVPN_A_INST_MAX + 1];
	struct nf_ovpn_inst_config cfg = {};
	struct nf_ovpn_inst *inst;
	int err;

	if (GENL_REQ_ATTR_CHECK(info, NF_OVPN_A_IFINDEX))
		return -EINVAL;
	err = info_nest(info, NF_OVPN_A_INST, tb, NF_OVPN_A_INST_MAX, inst_policy);
	if (err)
		return err;
	if (NL_REQ_ATTR_CHECK(info->extack, info->attrs[NF_OVPN_A_INST], tb,
			      NF_OVPN_A_INST_LOCAL_PORT))
		return -EINVAL;
	cfg.ifindex = nla_get_u32(info->attrs[NF_OVPN_A_IFINDEX]);
	cfg.local_port = nla_get_be16(tb[NF_OVPN_A_INST_LOCAL_PORT]);
	if (!cfg.local_port) {
		NL_SET_ERR_MSG_ATTR(info->extack, tb[NF_OVPN_A_INST_LOCAL_PORT],
				    "local port must not be 0");
		return -EINVAL;
	}
	if (tb[NF_OVPN_A_INST_MODE])
		cfg.mode = nla_get_u8(tb[NF_OVPN_A_INST_MODE]);
	if (tb[NF_OVPN_A_INST_LOCAL_IPV4]) {
		cfg.has_ip4 = true;
		cfg.local_ip4 = nla_get_in_addr(tb[NF_OVPN_A_INST_LOCAL_IPV4]);
	}
	if (tb[NF_OVPN_A_INST_LOCAL_IPV6]) {
		cfg.has_ip6 = true;
		cfg.local_ip6 = nla_get_in6_addr(tb[NF_OVPN_A_INST_LOCAL_IPV6]);
	}
	if (tb[NF_OVPN_A_INST_MARK])
		cfg.mark = nla_get_u32(tb[NF_OVPN_A_INST_MARK]);
	if (tb[NF_OVPN_A_INST_BIND_IFINDEX]) {
		cfg.bind_ifindex = nla_get_u32(tb[NF_OVPN_A_INST_BIND_IFINDEX]);
		if (cfg.bind_ifindex < 0 ||
		    (cfg.bind_ifindex &&
		     !ifindex_exists(genl_info_net(info), cfg.bind_ifindex))) {
			NL_SET_ERR_MSG_ATTR(info->extack,
					    tb[NF_OVPN_A_INST_BIND_IFINDEX],
					    "no such device to bind to");
			return -ENODEV;
		}
	}
	/* owned by the requesting socket unless asked to persist */
	if (!nla_get_flag(tb[NF_OVPN_A_INST_PERSIST]))
		cfg.portid = info->snd_portid;

	mutex_lock(&on->lock);
	inst = nf_ovpn_inst_new(genl_info_net(info), &cfg, info->extack);
	mutex_unlock(&on->lock);
	if (IS_ERR(inst)) {
		if (PTR_ERR(inst) == -ENODEV)
			NL_SET_BAD_ATTR(info->extack, info->attrs[NF_OVPN_A_IFINDEX]);
		return PTR_ERR(inst);
	}
	return 0;
}

static int nl_inst_del(struct sk_buff *skb, struct genl_info *info)
{
	struct nf_ovpn_net *on = info_pernet(info);
	struct nf_ovpn_inst *inst;
	int err = 0;

	mutex_lock(&on->lock);
	inst = info_inst(info);
	if (IS_ERR(inst))
		err = PTR_ERR(inst);
	else
		nf_ovpn_inst_remove(inst, NF_OVPN_DEL_USERSPACE);
	mutex_unlock(&on->lock);
	return err;
}

static int nl_inst_get(struct sk_buff *skb, struct genl_info *info)
{
	struct nf_ovpn_net *on = info_pernet(info);
	struct nf_ovpn_inst *inst;
	struct sk_buff *msg;
	void *hdr;
	int err;

	msg = reply_new(info, NF_OVPN_CMD_INST_GET, &hdr, NLMSG_DEFAULT_SIZE);
	if (!msg)
		return -ENOMEM;
	mutex_lock(&on->lock);
	inst = info_inst(info);
	if (IS_ERR(inst))
		err = PTR_ERR(inst);
	else
		err = put_inst(msg, inst);
	mutex_unlock(&on->lock);
	if (err)
		goto err_free;
	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);
err_free:
	nlmsg_free(msg);
	return err;
}

static int nl_inst_dump(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct nf_ovpn_net *on = nf_ovpn_pernet(sock_net(cb->skb->sk));
	struct nf_ovpn_inst *inst;
	long idx = 0, start = cb->args[0];
	void *hdr;

	mutex_lock(&on->lock);
	list_for_each_entry(inst, &on->instances, node) {
		if (idx++ < start)
			continue;
		hdr = genlmsg_put(skb, NETLINK_CB(cb->skb).portid,
				  cb->nlh->nlmsg_seq, &nf_ovpn_family,
				  NLM_F_MULTI, NF_OVPN_CMD_INST_GET);
		if (!hdr)
			break;
		if (put_inst(skb, inst)) {
			genlmsg_cancel(skb, hdr);
			idx--;
			break;
		}
		genlmsg_end(skb, hdr);
	}
	mutex_unlock(&on->lock);
	cb->args[0] = idx;
	return skb->len;
}

/* ---- peer ops ---- */

static int parse_iroutes(struct genl_info *info, struct nlattr *peer_nest,
			 struct nf_ovpn_peer_config *cfg)
{
	struct nlattr *tb[NF_OVPN_A_IROUTE_MAX + 1];
	struct nf_ovpn_route *r;
	struct nlattr *a;
	int rem, n = 0, err;

	nla_for_each_nested(a, peer_nest, rem)
		if (nla_type(a) == NF_OVPN_A_PEER_IROUTE)
			n++;
	if (!n)
		return 0;
	if (n > NF_OVPN_MAX_IROUTES) {
		NL_SET_ERR_MSG_MOD(info->extack, "too many iroutes");
		return -E2BIG;
	}
	cfg->iroutes = kcalloc(n, sizeof(*cfg->iroutes), GFP_KERNEL_ACCOUNT);
	if (!cfg->iroutes)
		return -ENOMEM;
	cfg->has_iroutes = true;
	nla_for_each_nested(a, peer_nest, rem) {
		if (nla_type(a) != NF_OVPN_A_PEER_IROUTE)
			continue;
		err = nla_parse_nested(tb, NF_OVPN_A_IROUTE_MAX, a, iroute_policy,
				       info->extack);
		if (err)
			return err;
		r = &cfg->iroutes[cfg->n_iroutes];
		if (!tb[NF_OVPN_A_IROUTE_PREFIXLEN] ||
		    !!tb[NF_OVPN_A_IROUTE_IPV4] == !!tb[NF_OVPN_A_IROUTE_IPV6]) {
			NL_SET_ERR_MSG_ATTR(info->extack, a,
					    "iroute needs one address and a prefix length");
			return -EINVAL;
		}
		r->prefixlen = nla_get_u8(tb[NF_OVPN_A_IROUTE_PREFIXLEN]);
		if (tb[NF_OVPN_A_IROUTE_IPV4]) {
			r->family = AF_INET;
			r->addr.ip4 = nla_get_in_addr(tb[NF_OVPN_A_IROUTE_IPV4]);
			if (r->prefixlen > 32) {
				NL_SET_ERR_MSG_ATTR(info->extack, a,
						    "IPv4 prefix length above 32");
				return -EINVAL;
			}
			r->addr.ip4 &= inet_make_mask(r->prefixlen);
		} else {
			struct in6_addr a6;

			r->family = AF_INET6;
			a6 = nla_get_in6_addr(tb[NF_OVPN_A_IROUTE_IPV6]);
			ipv6_addr_prefix(&r->addr.ip6, &a6, r->prefixlen);
		}
		cfg->n_iroutes++;
	}
	return 0;
}

static int parse_peer(struct genl_info *info, struct nlattr **tb,
		      struct nf_ovpn_peer_config *cfg, bool is_new)
{
	struct nlattr *nest = info->attrs[NF_OVPN_A_PEER];

	if (NL_REQ_ATTR_CHECK(info->extack, nest, tb, NF_OVPN_A_PEER_ID))
		return -EINVAL;
	cfg->id = nla_get_u32(tb[NF_OVPN_A_PEER_ID]);

	if (tb[NF_OVPN_A_PEER_REMOTE_IPV4] && tb[NF_OVPN_A_PEER_REMOTE_IPV6]) {
		NL_SET_ERR_MSG_ATTR(info->extack, tb[NF_OVPN_A_PEER_REMOTE_IPV6],
				    "remote is IPv4 or IPv6, not both");
		return -EINVAL;
	}
	if (tb[NF_OVPN_A_PEER_REMOTE_IPV4]) {
		cfg->remote.family = AF_INET;
		cfg->remote.addr.ip4 = nla_get_in_addr(tb[NF_OVPN_A_PEER_REMOTE_IPV4]);
	} else if (tb[NF_OVPN_A_PEER_REMOTE_IPV6]) {
		cfg->remote.family = AF_INET6;
		cfg->remote.addr.ip6 = nla_get_in6_addr(tb[NF_OVPN_A_PEER_REMOTE_IPV6]);
		if (tb[NF_OVPN_A_PEER_REMOTE_IPV6_SCOPE_ID])
			cfg->remote.scope_id =
				nla_get_u32(tb[NF_OVPN_A_PEER_REMOTE_IPV6_SCOPE_ID]);
	}
	if (cfg->remote.family) {
		if (NL_REQ_ATTR_CHECK(info->extack, nest, tb,
				      NF_OVPN_A_PEER_REMOTE_PORT))
			return -EINVAL;
		cfg->remote.port = nla_get_be16(tb[NF_OVPN_A_PEER_REMOTE_PORT]);
		if (!cfg->remote.port) {
			NL_SET_ERR_MSG_ATTR(info->extack,
					    tb[NF_OVPN_A_PEER_REMOTE_PORT],
					    "remote port must not be 0");
			return -EINVAL;
		}
		cfg->has_remote = true;
	} else if (is_new) {
		NL_SET_ERR_MSG_ATTR(info->extack, nest,
				    "a new peer needs a remote address");
		return -EINVAL;
	}
	if (tb[NF_OVPN_A_PEER_LOCAL_IPV4]) {
		cfg->local.family = AF_INET;
		cfg->local.addr.ip4 = nla_get_in_addr(tb[NF_OVPN_A_PEER_LOCAL_IPV4]);
		cfg->has_local = true;
	} else if (tb[NF_OVPN_A_PEER_LOCAL_IPV6]) {
		cfg->local.family = AF_INET6;
		cfg->local.addr.ip6 = nla_get_in6_addr(tb[NF_OVPN_A_PEER_LOCAL_IPV6]);
		cfg->has_local = true;
	}
	if (tb[NF_OVPN_A_PEER_VPN_IPV4]) {
		cfg->has_vpn4 = true;
		cfg->vpn4 = nla_get_in_addr(tb[NF_OVPN_A_PEER_VPN_IPV4]);
	}
	if (tb[NF_OVPN_A_PEER_VPN_IPV6]) {
		cfg->has_vpn6 = true;
		cfg->vpn6 = nla_get_in6_addr(tb[NF_OVPN_A_PEER_VPN_IPV6]);
	}
	if (!!tb[NF_OVPN_A_PEER_KEEPALIVE_INTERVAL] !=
	    !!tb[NF_OVPN_A_PEER_KEEPALIVE_TIMEOUT]) {
		NL_SET_ERR_MSG_ATTR(info->extack, nest,
				    "keepalive needs both interval and timeout");
		return -EINVAL;
	}
	if (tb[NF_OVPN_A_PEER_KEEPALIVE_INTERVAL]) {
		cfg->has_keepalive = true;
		cfg->ka_interval = nla_get_u32(tb[NF_OVPN_A_PEER_KEEPALIVE_INTERVAL]);
		cfg->ka_timeout = nla_get_u32(tb[NF_OVPN_A_PEER_KEEPALIVE_TIMEOUT]);
	}
	return parse_iroutes(info, nest, cfg);
}

static int nl_peer_new_set(struct sk_buff *skb, struct genl_info *info)
{
	bool is_new = info->genlhdr->cmd == NF_OVPN_CMD_PEER_NEW;
	struct nf_ovpn_net *on = info_pernet(info);
	struct nlattr *tb[NF_OVPN_A_PEER_MAX + 1];
	struct nf_ovpn_peer_config cfg = {};
	struct nf_ovpn_inst *inst;
	struct nf_ovpn_peer *peer;
	int err;

	err = info_nest(info, NF_OVPN_A_PEER, tb, NF_OVPN_A_PEER_MAX, peer_policy);
	if (err)
		return err;
	err = parse_peer(info, tb, &cfg, is_new);
	if (err)
		goto out;

	mutex_lock(&on->lock);
	inst = info_inst(info);
	if (IS_ERR(inst)) {
		err = PTR_ERR(inst);
	} else if (is_new) {
		peer = nf_ovpn_peer_new(inst, &cfg, info->extack);
		err = PTR_ERR_OR_ZERO(peer);
	} else {
		peer = nf_ovpn_peer_by_id(inst, cfg.id);
		if (!peer) {
			NL_SET_ERR_MSG_ATTR(info->extack, tb[NF_OVPN_A_PEER_ID],
					    "no such peer");
			err = -ENOENT;
		} else {
			err = nf_ovpn_peer_set(peer, &cfg, info->extack);
		}
	}
	mutex_unlock(&on->lock);
out:
	kfree(cfg.iroutes);
	return err;
}

static int nl_peer_del(struct sk_buff *skb, struct genl_info *info)
{
	struct nf_ovpn_net *on = info_pernet(info);
	struct nlattr *tb[NF_OVPN_A_PEER_MAX + 1];
	struct nf_ovpn_inst *inst;
	struct nf_ovpn_peer *peer;
	int err;

	err = info_nest(info, NF_OVPN_A_PEER, tb, NF_OVPN_A_PEER_MAX, peer_policy);
	if (err)
		return err;
	mutex_lock(&on->lock);
	peer = info_peer(info, NF_OVPN_A_PEER, tb, NF_OVPN_A_PEER_ID, &inst);
	if (IS_ERR(peer))
		err = PTR_ERR(peer);
	else
		nf_ovpn_peer_remove_reply(peer, NF_OVPN_DEL_USERSPACE, info);
	mutex_unlock(&on->lock);
	return err;
}

/*
 * Room for the largest peer message: everything but the iroutes fits in
 * NLMSG_GOODSIZE, and each of at most NF_OVPN_MAX_IROUTES iroutes takes a
 * nest, an IPv6 address and a prefix length.  A peer never spans two
 * messages, so a dump must be able to put one peer into an empty skb.
 */
#define NF_OVPN_PEER_MSG_SIZE \
	(NLMSG_GOODSIZE + NF_OVPN_MAX_IROUTES * \
	 (nla_total_size(0) + nla_total_size(sizeof(struct in6_addr)) + \
	  nla_total_size(sizeof(u8))))

static int nl_peer_get(struct sk_buff *skb, struct genl_info *info)
{
	struct nf_ovpn_net *on = info_pernet(info);
	struct nlattr *tb[NF_OVPN_A_PEER_MAX + 1];
	struct nf_ovpn_inst *inst;
	struct nf_ovpn_peer *peer;
	struct sk_buff *msg;
	void *hdr;
	int err;

	err = info_nest(info, NF_OVPN_A_PEER, tb, NF_OVPN_A_PEER_MAX, peer_policy);
	if (err)
		return err;
	msg = reply_new(info, NF_OVPN_CMD_PEER_GET, &hdr, NF_OVPN_PEER_MSG_SIZE);
	if (!msg)
		return -ENOMEM;
	mutex_lock(&on->lock);
	peer = info_peer(info, NF_OVPN_A_PEER, tb, NF_OVPN_A_PEER_ID, &inst);
	if (IS_ERR(peer))
		err = PTR_ERR(peer);
	else
		err = nla_put_u32(msg, NF_OVPN_A_IFINDEX, inst->ifindex) ?:
		      put_peer(msg, peer);
	mutex_unlock(&on->lock);
	if (err)
		goto err_free;
	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);
err_free:
	nlmsg_free(msg);
	return err;
}

static int nl_peer_dump_start(struct netlink_callback *cb)
{
	cb->min_dump_alloc = NF_OVPN_PEER_MSG_SIZE;
	return 0;
}

/*
 * Dump peers of one instance (IFINDEX given) or of all.  cb->args[0]:
 * instance position, cb->args[1]: next peer-id to send.
 */
static int nl_peer_dump(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct nf_ovpn_net *on = nf_ovpn_pernet(sock_net(cb->skb->sk));
	struct nlattr *ifattr = nf_ovpn_dump_attrs(cb)[NF_OVPN_A_IFINDEX];
	struct nf_ovpn_inst *inst;
	struct nf_ovpn_peer *peer;
	long pos = 0;
	unsigned long id;
	void *hdr;
	int err = 0;

	mutex_lock(&on->lock);
	list_for_each_entry(inst, &on->instances, node) {
		if (ifattr && inst->ifindex != nla_get_u32(ifattr))
			continue;
		if (pos++ < cb->args[0])
			continue;
		id = cb->args[1];
		xa_for_each_start(&inst->peers, id, peer, id) {
			hdr = genlmsg_put(skb, NETLINK_CB(cb->skb).portid,
					  cb->nlh->nlmsg_seq, &nf_ovpn_family,
					  NLM_F_MULTI, NF_OVPN_CMD_PEER_GET);
			if (!hdr) {
				err = -EMSGSIZE;
				break;
			}
			if (nla_put_u32(skb, NF_OVPN_A_IFINDEX, inst->ifindex) ||
			    put_peer(skb, peer)) {
				genlmsg_cancel(skb, hdr);
				err = -EMSGSIZE;
				break;
			}
			genlmsg_end(skb, hdr);
		}
		if (err) {
			cb->args[1] = id;
			pos--;
			break;
		}
		cb->args[1] = 0;
	}
	mutex_unlock(&on->lock);
	cb->args[0] = pos;
	if (err && !skb->len)
		return err;
	return skb->len;
}

/* ---- key ops ---- */

static int parse_keydir(struct genl_info *info, struct nlattr *attr,
			struct nf_ovpn_key_dir *dir)
{
	struct nlattr *tb[NF_OVPN_A_KEYDIR_MAX + 1];
	int err;

	err = nla_parse_nested(tb, NF_OVPN_A_KEYDIR_MAX, attr, keydir_policy,
			       info->extack);
	if (err)
		return err;
	if (NL_REQ_ATTR_CHECK(info->extack, attr, tb, NF_OVPN_A_KEYDIR_CIPHER_KEY) ||
	    NL_REQ_ATTR_CHECK(info->extack, attr, tb, NF_OVPN_A_KEYDIR_NONCE_TAIL))
		return -EINVAL;
	dir->key_len = nla_len(tb[NF_OVPN_A_KEYDIR_CIPHER_KEY]);
	memcpy(dir->key, nla_data(tb[NF_OVPN_A_KEYDIR_CIPHER_KEY]), dir->key_len);
	memcpy(dir->nonce_tail, nla_data(tb[NF_OVPN_A_KEYDIR_NONCE_TAIL]),
	       NF_OVPN_NONCE_TAIL_LEN);
	/* the request skb may linger (e.g. in a tap); wipe the copy there */
	memzero_explicit(nla_data(tb[NF_OVPN_A_KEYDIR_CIPHER_KEY]), dir->key_len);
	memzero_explicit(nla_data(tb[NF_OVPN_A_KEYDIR_NONCE_TAIL]),
			 NF_OVPN_NONCE_TAIL_LEN);
	return 0;
}

static int parse_keyconf(struct genl_info *info, struct nlattr **tb,
			 struct nf_ovpn_key_config *kc)
{
	struct nlattr *nest = info->attrs[NF_OVPN_A_KEYCONF];
	int err;

	if (NL_REQ_ATTR_CHECK(info->extack, nest, tb, NF_OVPN_A_KEYCONF_SLOT) ||
	    NL_REQ_ATTR_CHECK(info->extack, nest, tb, NF_OVPN_A_KEYCONF_KEY_ID) ||
	    NL_REQ_ATTR_CHECK(info->extack, nest, tb, NF_OVPN_A_KEYCONF_CIPHER_ALG) ||
	    NL_REQ_ATTR_CHECK(info->extack, nest, tb, NF_OVPN_A_KEYCONF_ENCRYPT_DIR) ||
	    NL_REQ_ATTR_CHECK(info->extack, nest, tb, NF_OVPN_A_KEYCONF_DECRYPT_DIR))
		return -EINVAL;
	kc->key_id = nla_get_u32(tb[NF_OVPN_A_KEYCONF_KEY_ID]);
	kc->cipher = nla_get_u32(tb[NF_OVPN_A_KEYCONF_CIPHER_ALG]);
	err = parse_keydir(info, tb[NF_OVPN_A_KEYCONF_ENCRYPT_DIR], &kc->enc);
	if (err)
		return err;
	err = parse_keydir(info, tb[NF_OVPN_A_KEYCONF_DECRYPT_DIR], &kc->dec);
	if (err)
		return err;
	kc->tx_pktid = tb[NF_OVPN_A_KEYCONF_TX_PKTID] ?
		       nla_get_u32(tb[NF_OVPN_A_KEYCONF_TX_PKTID]) : 1;
	if (tb[NF_OVPN_A_KEYCONF_RX_PKTID])
		kc->rx_pktid = nla_get_u32(tb[NF_OVPN_A_KEYCONF_RX_PKTID]);
	if (tb[NF_OVPN_A_KEYCONF_RX_WINDOW]) {
		kc->rx_window = nla_data(tb[NF_OVPN_A_KEYCONF_RX_WINDOW]);
		kc->rx_window_len = nla_len(tb[NF_OVPN_A_KEYCONF_RX_WINDOW]);
	}
	return 0;
}

static int nl_key_new(struct sk_buff *skb, struct genl_info *info)
{
	struct nf_ovpn_net *on = info_pernet(info);
	struct nlattr *tb[NF_OVPN_A_KEYCONF_MAX + 1];
	struct nf_ovpn_key_config kc = {};
	struct nf_ovpn_inst *inst;
	struct nf_ovpn_peer *peer;
	struct nf_ovpn_key *key;
	int err;

	err = info_nest(info, NF_OVPN_A_KEYCONF, tb, NF_OVPN_A_KEYCONF_MAX,
			keyconf_policy);
	if (err)
		return err;
	err = parse_keyconf(info, tb, &kc);
	if (err)
		goto out;

	mutex_lock(&on->lock);
	peer = info_peer(info, NF_OVPN_A_KEYCONF, tb, NF_OVPN_A_KEYCONF_PEER_ID,
			 &inst);
	if (IS_ERR(peer)) {
		err = PTR_ERR(peer);
		goto out_unlock;
	}
	key = nf_ovpn_key_new(&kc, info->extack);
	if (IS_ERR(key)) {
		err = PTR_ERR(key);
		goto out_unlock;
	}
	err = nf_ovpn_peer_key_install(peer,
				       nla_get_u32(tb[NF_OVPN_A_KEYCONF_SLOT]), key);
	if (err) {
		NL_SET_ERR_MSG_ATTR(info->extack, tb[NF_OVPN_A_KEYCONF_KEY_ID],
				    "key-id already used by the other slot");
		nf_ovpn_key_put(key);
	}
out_unlock:
	mutex_unlock(&on->lock);
out:
	memzero_explicit(&kc, sizeof(kc));
	return err;
}

static int nl_key_swap(struct sk_buff *skb, struct genl_info *info)
{
	struct nf_ovpn_net *on = info_pernet(info);
	struct nlattr *tb[NF_OVPN_A_KEYCONF_MAX + 1];
	struct nf_ovpn_inst *inst;
	struct nf_ovpn_peer *peer;
	int err;

	err = info_nest(info, NF_OVPN_A_KEYCONF, tb, NF_OVPN_A_KEYCONF_MAX,
			keyconf_policy);
	if (err)
		return err;
	mutex_lock(&on->lock);
	peer = info_peer(info, NF_OVPN_A_KEYCONF, tb, NF_OVPN_A_KEYCONF_PEER_ID,
			 &inst);
	if (IS_ERR(peer)) {
		err = PTR_ERR(peer);
	} else {
		err = nf_ovpn_peer_key_swap(peer);
		if (err)
			NL_SET_ERR_MSG_MOD(info->extack, "peer has no keys to swap");
	}
	mutex_unlock(&on->lock);
	return err;
}

/* KEY_GET and KEY_DEL: both answer with the slot's state */
static int nl_key_get_del(struct sk_buff *skb, struct genl_info *info)
{
	bool del = info->genlhdr->cmd == NF_OVPN_CMD_KEY_DEL;
	struct nf_ovpn_net *on = info_pernet(info);
	struct nlattr *tb[NF_OVPN_A_KEYCONF_MAX + 1];
	struct nf_ovpn_key *key = NULL;
	struct nf_ovpn_inst *inst;
	struct nf_ovpn_peer *peer;
	unsigned int slot;
	struct sk_buff *msg;
	void *hdr;
	int err;

	err = info_nest(info, NF_OVPN_A_KEYCONF, tb, NF_OVPN_A_KEYCONF_MAX,
			keyconf_policy);
	if (err)
		return err;
	if (NL_REQ_ATTR_CHECK(info->extack, info->attrs[NF_OVPN_A_KEYCONF], tb,
			      NF_OVPN_A_KEYCONF_SLOT))
		return -EINVAL;
	slot = nla_get_u32(tb[NF_OVPN_A_KEYCONF_SLOT]);
	msg = reply_new(info, info->genlhdr->cmd, &hdr, NLMSG_DEFAULT_SIZE);
	if (!msg)
		return -ENOMEM;

	mutex_lock(&on->lock);
	peer = info_peer(info, NF_OVPN_A_KEYCONF, tb, NF_OVPN_A_KEYCONF_PEER_ID,
			 &inst);
	if (IS_ERR(peer)) {
		err = PTR_ERR(peer);
		goto err_unlock;
	}
	key = nf_ovpn_peer_key_slot(peer, slot);
	if (!key) {
		NL_SET_ERR_MSG_ATTR(info->extack, tb[NF_OVPN_A_KEYCONF_SLOT],
				    "no key in this slot");
		err = -ENOENT;
		goto err_unlock;
	}
	if (del) {
		/* no packet takes a packet-id from it after the grace period,
		 * so the state handed back is final
		 */
		nf_ovpn_peer_key_take(peer, slot);
		synchronize_net();
	}
	err = nla_put_u32(msg, NF_OVPN_A_IFINDEX, inst->ifindex) ?:
	      put_keyconf(msg, NF_OVPN_A_KEYCONF, peer->id, slot, key,
			  del ? KEYCONF_FINAL : KEYCONF_WINDOW);
	if (del)
		nf_ovpn_key_put(key);
	mutex_unlock(&on->lock);
	if (err)
		goto err_free;
	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);

err_unlock:
	mutex_unlock(&on->lock);
err_free:
	nlmsg_free(msg);
	return err;
}

/* ---- status ---- */

/*
 * The module-wide counters tell about every netns, so only the host's own
 * administrator (CAP_NET_ADMIN in the initial user namespace, asking from
 * the initial netns) gets them; anyone else, root of a container included,
 * gets the counts of the netns they ask from.
 */
static bool status_module_wide(struct sk_buff *skb, struct genl_info *info)
{
	return net_eq(genl_info_net(info), &init_net) &&
	       netlink_capable(skb, CAP_NET_ADMIN);
}

static int nl_status_get(struct sk_buff *skb, struct genl_info *info)
{
	struct nf_ovpn_counts c;
	struct nlattr *nest;
	struct sk_buff *msg;
	u32 scope;
	void *hdr;

	if (status_module_wide(skb, info)) {
		scope = NF_OVPN_STATUS_SCOPE_MODULE;
		c.instances = atomic_read(&nf_ovpn_nr_instances);
		c.peers = atomic_read(&nf_ovpn_nr_peers);
		c.keys = atomic_read(&nf_ovpn_nr_keys);
	} else {
		scope = NF_OVPN_STATUS_SCOPE_NETNS;
		nf_ovpn_net_count(nf_ovpn_pernet(genl_info_net(info)), &c);
	}

	msg = reply_new(info, NF_OVPN_CMD_STATUS_GET, &hdr, NLMSG_DEFAULT_SIZE);
	if (!msg)
		return -ENOMEM;
	nest = nla_nest_start(msg, NF_OVPN_A_STATUS);
	if (!nest ||
	    nla_put_u32(msg, NF_OVPN_A_STATUS_INSTANCES, c.instances) ||
	    nla_put_u32(msg, NF_OVPN_A_STATUS_PEERS, c.peers) ||
	    nla_put_u32(msg, NF_OVPN_A_STATUS_KEYS, c.keys) ||
	    nla_put_string(msg, NF_OVPN_A_STATUS_VERSION, NF_OVPN_VERSION) ||
	    nla_put_u32(msg, NF_OVPN_A_STATUS_SCOPE, scope))
		goto err;
	nla_nest_end(msg, nest);
	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);
err:
	nlmsg_free(msg);
	return -EMSGSIZE;
}

/* ---- notifications ---- */

static struct sk_buff *ntf_start(struct nf_ovpn_inst *inst, u8 cmd, void **hdr)
{
	struct sk_buff *msg;

	msg = genlmsg_new(NLMSG_DEFAULT_SIZE, GFP_KERNEL);
	if (!msg)
		return NULL;
	*hdr = genlmsg_put(msg, 0, 0, &nf_ovpn_family, 0, cmd);
	if (!*hdr || nla_put_u32(msg, NF_OVPN_A_IFINDEX, inst->ifindex)) {
		nlmsg_free(msg);
		return NULL;
	}
	return msg;
}

static void ntf_send(struct nf_ovpn_inst *inst, struct sk_buff *msg, void *hdr)
{
	genlmsg_end(msg, hdr);
	genlmsg_multicast_netns(&nf_ovpn_family, inst->net, msg, 0,
				NF_OVPN_MCGRP_PEERS_ID, GFP_KERNEL);
}

/* the peer-gone message: id, reason and the key state handed back */
static int fill_peer_gone(struct sk_buff *msg, struct nf_ovpn_peer *peer,
			  u8 reason, struct nf_ovpn_key *keys[2])
{
	struct nlattr *nest;
	unsigned int slot;

	nest = nla_nest_start(msg, NF_OVPN_A_PEER);
	if (!nest || nla_put_u32(msg, NF_OVPN_A_PEER_ID, peer->id) ||
	    nla_put_u32(msg, NF_OVPN_A_PEER_DEL_REASON, reason))
		return -EMSGSIZE;
	for (slot = 0; slot < 2; slot++)
		if (keys[slot] &&
		    put_keyconf(msg, NF_OVPN_A_PEER_KEYCONF, peer->id, slot,
				keys[slot], KEYCONF_FINAL))
			return -EMSGSIZE;
	nla_nest_end(msg, nest);
	return 0;
}

void nf_ovpn_nl_notify_peer_del(struct nf_ovpn_peer *peer, u8 reason,
				struct nf_ovpn_key *keys[2],
				struct genl_info *info)
{
	struct nf_ovpn_inst *inst = peer->inst;
	struct sk_buff *msg;
	void *hdr;

	/* PEER_DEL's own answer first, so the requester has it for sure */
	if (info) {
		msg = reply_new(info, NF_OVPN_CMD_PEER_DEL, &hdr,
				NLMSG_DEFAULT_SIZE);
		if (msg && !nla_put_u32(msg, NF_OVPN_A_IFINDEX, inst->ifindex) &&
		    !fill_peer_gone(msg, peer, reason, keys)) {
			genlmsg_end(msg, hdr);
			genlmsg_reply(msg, info);
		} else {
			nlmsg_free(msg);
		}
	}
	msg = ntf_start(inst, NF_OVPN_CMD_PEER_DEL_NTF, &hdr);
	if (!msg)
		goto err;
	if (fill_peer_gone(msg, peer, reason, keys))
		goto err_free;
	ntf_send(inst, msg, hdr);
	return;
err_free:
	nlmsg_free(msg);
err:
	net_warn_ratelimited("nf_ovpn: cannot notify removal of peer %u\n",
			     peer->id);
}

void nf_ovpn_nl_notify_float(struct nf_ovpn_peer *peer)
{
	struct nf_ovpn_endpoint remote, local;
	struct nlattr *nest;
	struct sk_buff *msg;
	void *hdr;

	msg = ntf_start(peer->inst, NF_OVPN_CMD_PEER_FLOAT_NTF, &hdr);
	if (!msg)
		return;
	nf_ovpn_peer_endpoints(peer, &remote, &local);
	nest = nla_nest_start(msg, NF_OVPN_A_PEER);
	if (!nest || nla_put_u32(msg, NF_OVPN_A_PEER_ID, peer->id) ||
	    put_endpoint(msg, &remote, NF_OVPN_A_PEER_REMOTE_IPV4,
			 NF_OVPN_A_PEER_REMOTE_IPV6, NF_OVPN_A_PEER_REMOTE_PORT,
			 NF_OVPN_A_PEER_REMOTE_IPV6_SCOPE_ID)) {
		nlmsg_free(msg);
		return;
	}
	nla_nest_end(msg, nest);
	ntf_send(peer->inst, msg, hdr);
}

void nf_ovpn_nl_notify_key_wrap(struct nf_ovpn_peer *peer)
{
	struct nf_ovpn_key *key = nf_ovpn_peer_key_slot(peer, 0);
	struct nlattr *nest;
	struct sk_buff *msg;
	void *hdr;

	if (!key)
		return;
	msg = ntf_start(peer->inst, NF_OVPN_CMD_KEY_SWAP_NTF, &hdr);
	if (!msg)
		return;
	nest = nla_nest_start(msg, NF_OVPN_A_KEYCONF);
	if (!nest || nla_put_u32(msg, NF_OVPN_A_KEYCONF_PEER_ID, peer->id) ||
	    nla_put_u32(msg, NF_OVPN_A_KEYCONF_SLOT, NF_OVPN_KEY_SLOT_PRIMARY) ||
	    nla_put_u32(msg, NF_OVPN_A_KEYCONF_KEY_ID, key->key_id)) {
		nlmsg_free(msg);
		return;
	}
	nla_nest_end(msg, nest);
	ntf_send(peer->inst, msg, hdr);
}

/* ---- family ---- */

/* Every command, reads included, needs CAP_NET_ADMIN over the user
 * namespace owning the netns (GENL_UNS_ADMIN_PERM), not over the initial
 * one (GENL_ADMIN_PERM): an OpenVPN in a container owns its netns and must
 * be able to offload there, as it can create its tun device there.  What
 * one netns holds is reachable only from a socket in that netns, so such a
 * container sees and changes nothing of the host's or of its neighbours'.
 */
static const struct genl_ops nf_ovpn_ops[] = {
	{ .cmd = NF_OVPN_CMD_INST_NEW, .doit = nl_inst_new,
	  .flags = GENL_UNS_ADMIN_PERM },
	{ .cmd = NF_OVPN_CMD_INST_DEL, .doit = nl_inst_del,
	  .flags = GENL_UNS_ADMIN_PERM },
	{ .cmd = NF_OVPN_CMD_INST_GET, .doit = nl_inst_get,
	  .dumpit = nl_inst_dump, .flags = GENL_UNS_ADMIN_PERM },
	{ .cmd = NF_OVPN_CMD_PEER_NEW, .doit = nl_peer_new_set,
	  .flags = GENL_UNS_ADMIN_PERM },
	{ .cmd = NF_OVPN_CMD_PEER_SET, .doit = nl_peer_new_set,
	  .flags = GENL_UNS_ADMIN_PERM },
	{ .cmd = NF_OVPN_CMD_PEER_GET, .doit = nl_peer_get,
	  .start = nl_peer_dump_start, .dumpit = nl_peer_dump,
	  .flags = GENL_UNS_ADMIN_PERM },
	{ .cmd = NF_OVPN_CMD_PEER_DEL, .doit = nl_peer_del,
	  .flags = GENL_UNS_ADMIN_PERM },
	{ .cmd = NF_OVPN_CMD_KEY_NEW, .doit = nl_key_new,
	  .flags = GENL_UNS_ADMIN_PERM },
	{ .cmd = NF_OVPN_CMD_KEY_SWAP, .doit = nl_key_swap,
	  .flags = GENL_UNS_ADMIN_PERM },
	{ .cmd = NF_OVPN_CMD_KEY_DEL, .doit = nl_key_get_del,
	  .flags = GENL_UNS_ADMIN_PERM },
	{ .cmd = NF_OVPN_CMD_KEY_GET, .doit = nl_key_get_del,
	  .flags = GENL_UNS_ADMIN_PERM },
	{ .cmd = NF_OVPN_CMD_STATUS_GET, .doit = nl_status_get,
	  .flags = GENL_UNS_ADMIN_PERM },
};

static struct genl_family nf_ovpn_family __ro_after_init = {
	.name = NF_OVPN_FAMILY_NAME,
	.version = NF_OVPN_FAMILY_VERSION,
	.maxattr = NF_OVPN_A_MAX,
	.policy = nf_ovpn_policy,
	.netnsok = true,
	.module = THIS_MODULE,
	.ops = nf_ovpn_ops,
	.n_ops = ARRAY_SIZE(nf_ovpn_ops),
	.mcgrps = nf_ovpn_mcgrps,
	.n_mcgrps = ARRAY_SIZE(nf_ovpn_mcgrps),
};

/* the owner of instances closed its netlink socket (OpenVPN exited or
 * was killed): remove what it owned.  Blocking notifier, process context.
 */
static int nf_ovpn_nl_release(struct notifier_block *nb, unsigned long event,
			      void *ptr)
{
	struct netlink_notify *n = ptr;

	if (event == NETLINK_URELEASE && n->protocol == NETLINK_GENERIC &&
	    n->portid)
		nf_ovpn_inst_release_portid(n->net, n->portid);
	return NOTIFY_DONE;
}

static struct notifier_block nf_ovpn_nl_notifier = {
	.notifier_call = nf_ovpn_nl_release,
};

int nf_ovpn_nl_init(void)
{
	int err;

	err = genl_register_family(&nf_ovpn_family);
	if (err)
		return err;
	err = netlink_register_notifier(&nf_ovpn_nl_notifier);
	if (err)
		goto err_unregister_family;
	return 0;

err_unregister_family:
	genl_unregister_family(&nf_ovpn_family);
	return err;
}

void nf_ovpn_nl_exit(void)
{
	netlink_unregister_notifier(&nf_ovpn_nl_notifier);
	genl_unregister_family(&nf_ovpn_family);
}

MODULE_ALIAS_GENL_FAMILY(NF_OVPN_FAMILY_NAME);
