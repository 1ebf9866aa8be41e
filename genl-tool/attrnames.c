// SPDX-License-Identifier: GPL-2.0
#include <stdio.h>
#include <string.h>

#include <linux/genetlink.h>

#include "../kmod/uapi/nf_ovpn.h"
#include "attrnames.h"

struct attr_set {
	int max;
	const char *const *names;
	const struct attr_set *const *nests;	/* NULL: no nests */
};

#define SET(n, max_, nests_) { .max = (max_), .names = (n), .nests = (nests_) }

static const char *const keydir_names[NF_OVPN_A_KEYDIR_MAX + 1] = {
	[NF_OVPN_A_KEYDIR_CIPHER_KEY] = "CIPHER_KEY",
	[NF_OVPN_A_KEYDIR_NONCE_TAIL] = "NONCE_TAIL",
};
static const struct attr_set keydir_set =
	SET(keydir_names, NF_OVPN_A_KEYDIR_MAX, NULL);

static const char *const keyconf_names[NF_OVPN_A_KEYCONF_MAX + 1] = {
	[NF_OVPN_A_KEYCONF_PEER_ID] = "PEER_ID",
	[NF_OVPN_A_KEYCONF_SLOT] = "SLOT",
	[NF_OVPN_A_KEYCONF_KEY_ID] = "KEY_ID",
	[NF_OVPN_A_KEYCONF_CIPHER_ALG] = "CIPHER_ALG",
	[NF_OVPN_A_KEYCONF_ENCRYPT_DIR] = "ENCRYPT_DIR",
	[NF_OVPN_A_KEYCONF_DECRYPT_DIR] = "DECRYPT_DIR",
	[NF_OVPN_A_KEYCONF_TX_PKTID] = "TX_PKTID",
	[NF_OVPN_A_KEYCONF_RX_PKTID] = "RX_PKTID",
	[NF_OVPN_A_KEYCONF_RX_WINDOW] = "RX_WINDOW",
	[NF_OVPN_A_KEYCONF_PAD] = "PAD",
};
static const struct attr_set *const keyconf_nests[NF_OVPN_A_KEYCONF_MAX + 1] = {
	[NF_OVPN_A_KEYCONF_ENCRYPT_DIR] = &keydir_set,
	[NF_OVPN_A_KEYCONF_DECRYPT_DIR] = &keydir_set,
};
static const struct attr_set keyconf_set =
	SET(keyconf_names, NF_OVPN_A_KEYCONF_MAX, keyconf_nests);

static const char *const iroute_names[NF_OVPN_A_IROUTE_MAX + 1] = {
	[NF_OVPN_A_IROUTE_IPV4] = "IPV4",
	[NF_OVPN_A_IROUTE_IPV6] = "IPV6",
	[NF_OVPN_A_IROUTE_PREFIXLEN] = "PREFIXLEN",
};
static const struct attr_set iroute_set =
	SET(iroute_names, NF_OVPN_A_IROUTE_MAX, NULL);

static const char *const peer_names[NF_OVPN_A_PEER_MAX + 1] = {
	[NF_OVPN_A_PEER_ID] = "ID",
	[NF_OVPN_A_PEER_REMOTE_IPV4] = "REMOTE_IPV4",
	[NF_OVPN_A_PEER_REMOTE_IPV6] = "REMOTE_IPV6",
	[NF_OVPN_A_PEER_REMOTE_IPV6_SCOPE_ID] = "REMOTE_IPV6_SCOPE_ID",
	[NF_OVPN_A_PEER_REMOTE_PORT] = "REMOTE_PORT",
	[NF_OVPN_A_PEER_LOCAL_IPV4] = "LOCAL_IPV4",
	[NF_OVPN_A_PEER_LOCAL_IPV6] = "LOCAL_IPV6",
	[NF_OVPN_A_PEER_VPN_IPV4] = "VPN_IPV4",
	[NF_OVPN_A_PEER_VPN_IPV6] = "VPN_IPV6",
	[NF_OVPN_A_PEER_IROUTE] = "IROUTE",
	[NF_OVPN_A_PEER_KEEPALIVE_INTERVAL] = "KEEPALIVE_INTERVAL",
	[NF_OVPN_A_PEER_KEEPALIVE_TIMEOUT] = "KEEPALIVE_TIMEOUT",
	[NF_OVPN_A_PEER_DEL_REASON] = "DEL_REASON",
	[NF_OVPN_A_PEER_RX_IDLE_MS] = "RX_IDLE_MS",
	[NF_OVPN_A_PEER_TX_IDLE_MS] = "TX_IDLE_MS",
	[NF_OVPN_A_PEER_STATS] = "STATS",
	[NF_OVPN_A_PEER_KEYCONF] = "KEYCONF",
	[NF_OVPN_A_PEER_PAD] = "PAD",
};
static const struct attr_set *const peer_nests[NF_OVPN_A_PEER_MAX + 1] = {
	[NF_OVPN_A_PEER_IROUTE] = &iroute_set,
	[NF_OVPN_A_PEER_KEYCONF] = &keyconf_set,
};
static const struct attr_set peer_set =
	SET(peer_names, NF_OVPN_A_PEER_MAX, peer_nests);

static const char *const inst_names[NF_OVPN_A_INST_MAX + 1] = {
	[NF_OVPN_A_INST_IFNAME] = "IFNAME",
	[NF_OVPN_A_INST_MODE] = "MODE",
	[NF_OVPN_A_INST_LOCAL_IPV4] = "LOCAL_IPV4",
	[NF_OVPN_A_INST_LOCAL_IPV6] = "LOCAL_IPV6",
	[NF_OVPN_A_INST_LOCAL_PORT] = "LOCAL_PORT",
	[NF_OVPN_A_INST_MARK] = "MARK",
	[NF_OVPN_A_INST_BIND_IFINDEX] = "BIND_IFINDEX",
	[NF_OVPN_A_INST_ID] = "ID",
	[NF_OVPN_A_INST_PEER_COUNT] = "PEER_COUNT",
	[NF_OVPN_A_INST_STATS] = "STATS",
	[NF_OVPN_A_INST_PAD] = "PAD",
};
static const struct attr_set inst_set =
	SET(inst_names, NF_OVPN_A_INST_MAX, NULL);

static const char *const status_names[NF_OVPN_A_STATUS_MAX + 1] = {
	[NF_OVPN_A_STATUS_INSTANCES] = "INSTANCES",
	[NF_OVPN_A_STATUS_PEERS] = "PEERS",
	[NF_OVPN_A_STATUS_KEYS] = "KEYS",
	[NF_OVPN_A_STATUS_VERSION] = "VERSION",
	[NF_OVPN_A_STATUS_SCOPE] = "SCOPE",
};
static const struct attr_set status_set =
	SET(status_names, NF_OVPN_A_STATUS_MAX, NULL);

static const char *const top_names[NF_OVPN_A_MAX + 1] = {
	[NF_OVPN_A_IFINDEX] = "IFINDEX",
	[NF_OVPN_A_INST] = "INST",
	[NF_OVPN_A_PEER] = "PEER",
	[NF_OVPN_A_KEYCONF] = "KEYCONF",
	[NF_OVPN_A_STATUS] = "STATUS",
};
static const struct attr_set *const top_nests[NF_OVPN_A_MAX + 1] = {
	[NF_OVPN_A_INST] = &inst_set,
	[NF_OVPN_A_PEER] = &peer_set,
	[NF_OVPN_A_KEYCONF] = &keyconf_set,
	[NF_OVPN_A_STATUS] = &status_set,
};
static const struct attr_set top_set =
	SET(top_names, NF_OVPN_A_MAX, top_nests);

static void append(char *buf, size_t len, const struct attr_set *set,
		   unsigned int type)
{
	size_t n = strlen(buf);

	if (n >= len)
		return;
	if ((int)type <= set->max && set->names[type])
		snprintf(buf + n, len - n, "%s%s", n ? "." : "",
			 set->names[type]);
	else
		snprintf(buf + n, len - n, "%s#%u", n ? "." : "", type);
}

static const struct attr_set *nested(const struct attr_set *set,
				     unsigned int type)
{
	if (!set->nests || (int)type > set->max)
		return NULL;
	return set->nests[type];
}

/*
 * Walk the attributes in [start, start + size) of message base; stop at
 * the attribute starting at off (want_nest: return the set of that nest).
 */
static int walk(const uint8_t *base, uint32_t start, uint32_t size,
		uint32_t off, const struct attr_set *set, char *buf,
		size_t len, const struct attr_set **found)
{
	uint32_t pos = start, end = start + size;

	while (pos + NLA_HDRLEN <= end) {
		const struct nlattr *a = (const void *)(base + pos);
		unsigned int type = a->nla_type & NLA_TYPE_MASK;
		uint32_t alen = a->nla_len;

		if (alen < NLA_HDRLEN || pos + alen > end)
			return -1;
		if (pos == off) {
			append(buf, len, set, type);
			*found = nested(set, type);
			return 0;
		}
		if (off > pos && off < pos + alen && nested(set, type)) {
			append(buf, len, set, type);
			return walk(base, pos + NLA_HDRLEN, alen - NLA_HDRLEN,
				    off, nested(set, type), buf, len, found);
		}
		pos += NLA_ALIGN(alen);
	}
	return -1;
}

static int attrs_bounds(const struct nlmsghdr *nlh, uint32_t *start,
			uint32_t *size)
{
	*start = NLMSG_HDRLEN + NLMSG_ALIGN(GENL_HDRLEN);
	if (nlh->nlmsg_len < *start)
		return -1;
	*size = nlh->nlmsg_len - *start;
	return 0;
}

int nfo_attr_at(const struct nlmsghdr *nlh, uint32_t off, char *buf,
		size_t len)
{
	const struct attr_set *found;
	uint32_t start, size;

	buf[0] = '\0';
	if (attrs_bounds(nlh, &start, &size))
		return -1;
	return walk((const uint8_t *)nlh, start, size, off, &top_set, buf,
		    len, &found);
}

int nfo_attr_missing(const struct nlmsghdr *nlh, uint32_t nest_off,
		     uint32_t type, char *buf, size_t len)
{
	const struct attr_set *set = &top_set;
	uint32_t start, size;

	buf[0] = '\0';
	if (nest_off) {
		if (attrs_bounds(nlh, &start, &size) ||
		    walk((const uint8_t *)nlh, start, size, nest_off, &top_set,
			 buf, len, &set) || !set) {
			snprintf(buf, len, "#%u in an unknown nest", type);
			return -1;
		}
	}
	append(buf, len, set, type);
	return 0;
}
