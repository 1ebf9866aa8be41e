/* SPDX-License-Identifier: GPL-2.0 */
/*
 * nf_ovpn: packet-id handling - the RX replay window and TX packet-id
 * allocation.  Pure logic, no skb or lock in sight: this file and pktid.c
 * also build in userspace (tests/unit, selftests/tools) through the tiny
 * tests/unit/kcompat.h shim.
 */
#ifndef _NF_OVPN_PKTID_H
#define _NF_OVPN_PKTID_H

#ifdef __KERNEL__
#include <linux/types.h>
#include <linux/errno.h>
#include <linux/atomic.h>
#include <linux/compiler.h>
#include <linux/limits.h>
#include <linux/minmax.h>
#include <linux/string.h>
#else
#include "kcompat.h"
#endif

#include "uapi/nf_ovpn.h"

/* bytes of the RX_WINDOW hand-over bitmap (uapi) */
#define NF_OVPN_REPLAY_BYTES	(NF_OVPN_REPLAY_WINDOW / 8)
#define NF_OVPN_REPLAY_WORDS	(NF_OVPN_REPLAY_WINDOW / 64)

/*
 * TX packet-ids at or above this ask userspace for a new key: it leaves
 * 16M packets for the renegotiation to finish (OpenVPN 2.6 uses the same
 * trigger, PACKET_ID_WRAP_TRIGGER in packet_id.h).
 */
#define NF_OVPN_PKTID_WRAP_TRIGGER	0xFF000000U

/*
 * RX replay window, one per key slot.  The window covers the packet-ids
 * (top - NF_OVPN_REPLAY_WINDOW, top]; packet-id p owns bit
 * p % NF_OVPN_REPLAY_WINDOW of the ring.  Every bit of the ring that lies
 * inside the window is exact: moving @top forward clears the bits of the
 * ids the window newly covers.
 *
 * Writers (nf_ovpn_replay_check_and_update(), import) must be serialised
 * by the caller (the key's spinlock).  nf_ovpn_replay_check() may run
 * without the lock as an early drop before spending time on crypto; its
 * answer is a hint, the locked check_and_update after the tag verified is
 * the authoritative one.
 */
struct nf_ovpn_replay {
	u32 top;	/* highest packet-id accepted, 0 = none yet */
	u64 ring[NF_OVPN_REPLAY_WORDS];
};

void nf_ovpn_replay_init(struct nf_ovpn_replay *win);
int nf_ovpn_replay_check(const struct nf_ovpn_replay *win, u32 pktid);
void nf_ovpn_replay_update(struct nf_ovpn_replay *win, u32 pktid);
int nf_ovpn_replay_check_and_update(struct nf_ovpn_replay *win, u32 pktid);
u32 nf_ovpn_replay_export(const struct nf_ovpn_replay *win,
			  u8 bitmap[NF_OVPN_REPLAY_BYTES]);
int nf_ovpn_replay_import(struct nf_ovpn_replay *win, u32 top,
			  const u8 *bitmap, size_t len);

/*
 * TX packet-id allocator, lock-free: @last is the last id handed out.
 * OpenVPN starts at 1 and never wraps in the short (AEAD) form; once
 * 0xFFFFFFFF is used the key is dead for sending.
 */
struct nf_ovpn_pktid_tx {
	atomic64_t last;
};

int nf_ovpn_pktid_tx_init(struct nf_ovpn_pktid_tx *tx, u32 next);
int __must_check nf_ovpn_pktid_tx_next(struct nf_ovpn_pktid_tx *tx, u32 *pktid);
u32 nf_ovpn_pktid_tx_peek(const struct nf_ovpn_pktid_tx *tx);
bool nf_ovpn_pktid_tx_near_wrap(const struct nf_ovpn_pktid_tx *tx);

#endif /* _NF_OVPN_PKTID_H */
