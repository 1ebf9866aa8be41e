/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Names of nf_ovpn attributes for error messages: map the byte offset the
 * kernel reports in an extended ACK back to a path like "PEER.IROUTE.IPV4"
 * by walking the request we sent.
 */
#ifndef NFOVPN_ATTRNAMES_H
#define NFOVPN_ATTRNAMES_H

#include <stddef.h>
#include <stdint.h>

#include <linux/netlink.h>

/* attribute starting at byte off of the genetlink request nlh; 0 if found */
int nfo_attr_at(const struct nlmsghdr *nlh, uint32_t off, char *buf,
		size_t len);

/*
 * name of a missing attribute: type inside the nest at nest_off (0 = top
 * level); 0 if both are known
 */
int nfo_attr_missing(const struct nlmsghdr *nlh, uint32_t nest_off,
		     uint32_t type, char *buf, size_t len);

#endif /* NFOVPN_ATTRNAMES_H */
