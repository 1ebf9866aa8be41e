// SPDX-License-Identifier: GPL-2.0
#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>

#include <netlink/attr.h>
#include <netlink/genl/genl.h>

#include "parse.h"

static int get_u32(const struct nlattr *a, uint32_t *v)
{
	if (nla_len(a) != sizeof(uint32_t))
		return -1;
	memcpy(v, nla_data(a), sizeof(*v));
	return 0;
}

static int get_u8(const struct nlattr *a, uint8_t *v)
{
	if (nla_len(a) != sizeof(uint8_t))
		return -1;
	*v = *(const uint8_t *)nla_data(a);
	return 0;
}

static int get_be16(const struct nlattr *a, uint16_t *v)
{
	uint16_t be;

	if (nla_len(a) != sizeof(be))
		return -1;
	memcpy(&be, nla_data(a), sizeof(be));
	*v = ntohs(be);
	return 0;
}

static int get_addr(const struct nlattr *a, sa_family_t family,
		    struct nfo_addr *out)
{
	int len = family == AF_INET ? 4 : 16;

	if (nla_len(a) != len)
		return -1;
	memset(out, 0, sizeof(*out));
	out->family = family;
	memcpy(out->a, nla_data(a), (size_t)len);
	return 0;
}

static int get_str(const struct nlattr *a, char *buf, size_t len)
{
	const char *s = nla_data(a);
	int n = nla_len(a);

	if (n <= 0 || s[n - 1] != '\0')
		return -1;
	snprintf(buf, len, "%s", s);
	return 0;
}

int nfo_parse_stats(const struct nlattr *nest, struct nfo_stats *out)
{
	const struct nlattr *a;
	int rem;

	memset(out, 0, sizeof(*out));
	out->present = true;
	nla_for_each_nested(a, nest, rem) {
		int t = nla_type(a);

		if (t <= 0 || t > NF_OVPN_A_STATS_MAX ||
		    t == NF_OVPN_A_STATS_PAD)
			continue;
		if (nla_len(a) != sizeof(uint64_t))
			return -1;
		out->v[t] = nla_get_u64((struct nlattr *)a);
	}
	return 0;
}

int nfo_parse_keyconf(const struct nlattr *nest, struct nfo_key *k)
{
	const struct nlattr *a;
	int rem, err = 0;

	memset(k, 0, sizeof(*k));
	nla_for_each_nested(a, nest, rem) {
		switch (nla_type(a)) {
		case NF_OVPN_A_KEYCONF_PEER_ID:
			err = get_u32(a, &k->peer_id);
			k->has_peer_id = true;
			break;
		case NF_OVPN_A_KEYCONF_SLOT:
			err = get_u32(a, &k->slot);
			k->has_slot = true;
			break;
		case NF_OVPN_A_KEYCONF_KEY_ID:
			err = get_u32(a, &k->key_id);
			k->has_key_id = true;
			break;
		case NF_OVPN_A_KEYCONF_CIPHER_ALG:
			err = get_u32(a, &k->cipher);
			k->has_cipher = true;
			break;
		case NF_OVPN_A_KEYCONF_TX_PKTID:
			err = get_u32(a, &k->tx_pktid);
			k->has_tx_pktid = true;
			break;
		case NF_OVPN_A_KEYCONF_RX_PKTID:
			err = get_u32(a, &k->rx_pktid);
			k->has_rx_pktid = true;
			break;
		case NF_OVPN_A_KEYCONF_RX_WINDOW:
			if (nla_len(a) <= 0 ||
			    (size_t)nla_len(a) > sizeof(k->rx_window))
				return -1;
			k->rx_window_len = (size_t)nla_len(a);
			memcpy(k->rx_window, nla_data(a), k->rx_window_len);
			break;
		default:
			/* ENCRYPT_DIR/DECRYPT_DIR never come back; ignore */
			break;
		}
		if (err)
			return -1;
	}
	return 0;
}

static int parse_iroute(const struct nlattr *nest, struct nfo_peer *p)
{
	struct nfo_iroute r = { 0 }, *arr;
	const struct nlattr *a;
	bool has_len = false;
	int rem, err = 0;

	nla_for_each_nested(a, nest, rem) {
		switch (nla_type(a)) {
		case NF_OVPN_A_IROUTE_IPV4:
			err = get_addr(a, AF_INET, &r.addr);
			break;
		case NF_OVPN_A_IROUTE_IPV6:
			err = get_addr(a, AF_INET6, &r.addr);
			break;
		case NF_OVPN_A_IROUTE_PREFIXLEN:
			err = get_u8(a, &r.prefixlen);
			has_len = true;
			break;
		}
		if (err)
			return -1;
	}
	if (!r.addr.family)
		return -1;
	if (!has_len)
		r.prefixlen = r.addr.family == AF_INET ? 32 : 128;
	arr = realloc(p->iroutes, (p->n_iroutes + 1) * sizeof(*arr));
	if (!arr)
		return -1;
	p->iroutes = arr;
	p->iroutes[p->n_iroutes++] = r;
	return 0;
}

static int peer_attr(const struct nlattr *a, struct nfo_peer *p)
{
	switch (nla_type(a)) {
	case NF_OVPN_A_PEER_ID:
		p->has_id = true;
		return get_u32(a, &p->id);
	case NF_OVPN_A_PEER_REMOTE_IPV4:
		return get_addr(a, AF_INET, &p->remote);
	case NF_OVPN_A_PEER_REMOTE_IPV6:
		return get_addr(a, AF_INET6, &p->remote);
	case NF_OVPN_A_PEER_REMOTE_IPV6_SCOPE_ID:
		return get_u32(a, &p->remote_scope_id);
	case NF_OVPN_A_PEER_REMOTE_PORT:
		p->has_remote_port = true;
		return get_be16(a, &p->remote_port);
	case NF_OVPN_A_PEER_LOCAL_IPV4:
		return get_addr(a, AF_INET, &p->local4);
	case NF_OVPN_A_PEER_LOCAL_IPV6:
		return get_addr(a, AF_INET6, &p->local6);
	case NF_OVPN_A_PEER_VPN_IPV4:
		return get_addr(a, AF_INET, &p->vpn4);
	case NF_OVPN_A_PEER_VPN_IPV6:
		return get_addr(a, AF_INET6, &p->vpn6);
	case NF_OVPN_A_PEER_IROUTE:
		return parse_iroute(a, p);
	case NF_OVPN_A_PEER_KEEPALIVE_INTERVAL:
		p->has_ka_interval = true;
		return get_u32(a, &p->ka_interval);
	case NF_OVPN_A_PEER_KEEPALIVE_TIMEOUT:
		p->has_ka_timeout = true;
		return get_u32(a, &p->ka_timeout);
	case NF_OVPN_A_PEER_DEL_REASON:
		p->has_del_reason = true;
		return get_u32(a, &p->del_reason);
	case NF_OVPN_A_PEER_RX_IDLE_MS:
		p->has_rx_idle = true;
		return get_u32(a, &p->rx_idle_ms);
	case NF_OVPN_A_PEER_TX_IDLE_MS:
		p->has_tx_idle = true;
		return get_u32(a, &p->tx_idle_ms);
	case NF_OVPN_A_PEER_STATS:
		return nfo_parse_stats(a, &p->stats);
	case NF_OVPN_A_PEER_KEYCONF:
		if (p->n_keys == NFO_MAX_KEYS)
			return 0;	/* more slots than we know: ignore */
		return nfo_parse_keyconf(a, &p->keys[p->n_keys++]);
	}
	return 0;
}

int nfo_parse_peer(const struct nlattr *nest, struct nfo_peer *p)
{
	const struct nlattr *a;
	int rem;

	memset(p, 0, sizeof(*p));
	nla_for_each_nested(a, nest, rem) {
		if (peer_attr(a, p)) {
			nfo_peer_free(p);
			return -1;
		}
	}
	return 0;
}

int nfo_parse_inst(const struct nlattr *nest, struct nfo_inst *in)
{
	const struct nlattr *a;
	int rem, err = 0;

	nla_for_each_nested(a, nest, rem) {
		switch (nla_type(a)) {
		case NF_OVPN_A_INST_IFNAME:
			err = get_str(a, in->ifname, sizeof(in->ifname));
			break;
		case NF_OVPN_A_INST_MODE:
			err = get_u8(a, &in->mode);
			in->has_mode = true;
			break;
		case NF_OVPN_A_INST_LOCAL_IPV4:
			err = get_addr(a, AF_INET, &in->local4);
			break;
		case NF_OVPN_A_INST_LOCAL_IPV6:
			err = get_addr(a, AF_INET6, &in->local6);
			break;
		case NF_OVPN_A_INST_LOCAL_PORT:
			err = get_be16(a, &in->port);
			in->has_port = true;
			break;
		case NF_OVPN_A_INST_ID:
			err = get_u32(a, &in->id);
			in->has_id = true;
			break;
		case NF_OVPN_A_INST_PEER_COUNT:
			err = get_u32(a, &in->peer_count);
			in->has_peer_count = true;
			break;
		case NF_OVPN_A_INST_MARK:
			err = get_u32(a, &in->mark);
			break;
		case NF_OVPN_A_INST_BIND_IFINDEX:
			err = get_u32(a, &in->bind_ifindex);
			break;
		case NF_OVPN_A_INST_STATS:
			err = nfo_parse_stats(a, &in->stats);
			break;
		}
		if (err)
			return -1;
	}
	return 0;
}

/* top-level attributes of a genetlink message */
#define for_each_top_attr(a, nlh, rem)					\
	nla_for_each_attr(a, genlmsg_attrdata(nlmsg_data(nlh), 0),	\
			  genlmsg_attrlen(nlmsg_data(nlh), 0), rem)

static int check_genl(const struct nlmsghdr *nlh)
{
	return genlmsg_valid_hdr((struct nlmsghdr *)nlh, 0) ? 0 : -1;
}

int nfo_parse_inst_msg(const struct nlmsghdr *nlh, struct nfo_inst *in)
{
	struct nlattr *a;
	bool seen = false;
	int rem;

	memset(in, 0, sizeof(*in));
	if (check_genl(nlh))
		return -1;
	for_each_top_attr(a, nlh, rem) {
		if (nla_type(a) == NF_OVPN_A_IFINDEX) {
			if (get_u32(a, &in->ifindex))
				return -1;
		} else if (nla_type(a) == NF_OVPN_A_INST) {
			if (nfo_parse_inst(a, in))
				return -1;
			seen = true;
		}
	}
	return seen ? 0 : -1;	/* a missing IFINDEX is the caller's call */
}

int nfo_parse_peer_msg(const struct nlmsghdr *nlh, struct nfo_peer *p)
{
	uint32_t ifindex = 0;
	struct nlattr *a;
	bool seen = false;
	int rem;

	memset(p, 0, sizeof(*p));
	if (check_genl(nlh))
		return -1;
	for_each_top_attr(a, nlh, rem) {
		if (nla_type(a) == NF_OVPN_A_IFINDEX) {
			if (get_u32(a, &ifindex))
				goto err;
		} else if (nla_type(a) == NF_OVPN_A_PEER && !seen) {
			if (nfo_parse_peer(a, p))
				return -1;
			seen = true;
		}
	}
	p->ifindex = ifindex;
	return seen ? 0 : -1;
err:
	nfo_peer_free(p);
	return -1;
}

int nfo_parse_key_msg(const struct nlmsghdr *nlh, uint32_t *ifindex,
		      struct nfo_key *k)
{
	struct nlattr *a;
	bool seen = false;
	int rem;

	memset(k, 0, sizeof(*k));
	*ifindex = 0;
	if (check_genl(nlh))
		return -1;
	for_each_top_attr(a, nlh, rem) {
		if (nla_type(a) == NF_OVPN_A_IFINDEX) {
			if (get_u32(a, ifindex))
				return -1;
		} else if (nla_type(a) == NF_OVPN_A_KEYCONF) {
			if (nfo_parse_keyconf(a, k))
				return -1;
			seen = true;
		}
	}
	return seen ? 0 : -1;
}

int nfo_parse_status_msg(const struct nlmsghdr *nlh, struct nfo_status *st)
{
	struct nlattr *a, *b;
	bool seen = false;
	int rem, rem2, err = 0;

	memset(st, 0, sizeof(*st));
	if (check_genl(nlh))
		return -1;
	for_each_top_attr(a, nlh, rem) {
		if (nla_type(a) != NF_OVPN_A_STATUS)
			continue;
		seen = true;
		nla_for_each_nested(b, a, rem2) {
			switch (nla_type(b)) {
			case NF_OVPN_A_STATUS_INSTANCES:
				err = get_u32(b, &st->instances);
				st->has_instances = true;
				break;
			case NF_OVPN_A_STATUS_PEERS:
				err = get_u32(b, &st->peers);
				st->has_peers = true;
				break;
			case NF_OVPN_A_STATUS_KEYS:
				err = get_u32(b, &st->keys);
				st->has_keys = true;
				break;
			case NF_OVPN_A_STATUS_VERSION:
				err = get_str(b, st->version,
					      sizeof(st->version));
				break;
			case NF_OVPN_A_STATUS_SCOPE:
				err = get_u32(b, &st->scope);
				st->has_scope = true;
				break;
			}
			if (err)
				return -1;
		}
	}
	return seen ? 0 : -1;
}

int nfo_parse_event_msg(const struct nlmsghdr *nlh, struct nfo_event *ev)
{
	struct nlattr *a;
	int rem;

	memset(ev, 0, sizeof(*ev));
	if (check_genl(nlh))
		return -1;
	ev->cmd = ((struct genlmsghdr *)nlmsg_data(nlh))->cmd;
	for_each_top_attr(a, nlh, rem) {
		switch (nla_type(a)) {
		case NF_OVPN_A_IFINDEX:
			if (get_u32(a, &ev->ifindex))
				goto err;
			break;
		case NF_OVPN_A_PEER:
			if (ev->has_peer || nfo_parse_peer(a, &ev->peer))
				goto err;
			ev->has_peer = true;
			break;
		case NF_OVPN_A_KEYCONF:
			if (nfo_parse_keyconf(a, &ev->key))
				goto err;
			ev->has_key = true;
			break;
		}
	}
	ev->peer.ifindex = ev->ifindex;
	return 0;
err:
	nfo_peer_free(&ev->peer);
	return -1;
}
