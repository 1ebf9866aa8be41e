/* SPDX-License-Identifier: GPL-2.0 */
/*
 * nf_ovpn: bounds on what a netns may create (module parameters).
 */
#ifndef _NF_OVPN_QUOTA_H
#define _NF_OVPN_QUOTA_H

#include <linux/compiler.h>

/* one instance per OpenVPN process and protocol; 256 is far beyond any
 * real server
 */
#define NF_OVPN_DEFAULT_MAX_INSTANCES	256
/* 64Ki clients per OpenVPN process is over ten times what one process
 * serves in practice; the peer-id space (24 bits) is not the bound
 */
#define NF_OVPN_DEFAULT_MAX_PEERS	65536

extern unsigned int nf_ovpn_max_instances;
extern unsigned int nf_ovpn_max_peers;

#endif /* _NF_OVPN_QUOTA_H */
