// SPDX-License-Identifier: GPL-2.0
/*
 * nf_ovpn: RX replay window and TX packet-id allocation.
 *
 * Semantics follow OpenVPN 2.6 (packet_id.c) for the short packet-id form
 * used by the AEAD data channel: 32-bit ids starting at 1, id 0 invalid,
 * no wrap-around; reordering accepted inside a window behind the highest
 * id seen.  The window here is fixed at NF_OVPN_REPLAY_WINDOW (2048) ids,
 * wider than OpenVPN's default --replay-window 64, so that hand-over from
 * userspace never narrows what the peer already accepted.
 */
#include "pktid.h"

#define RING_MASK	(NF_OVPN_REPLAY_WINDOW - 1)

static inline bool ring_test(const struct nf_ovpn_replay *win, u32 pktid)
{
	u32 i = pktid & RING_MASK;

	return (READ_ONCE(win->ring[i / 64]) >> (i % 64)) & 1;
}

static inline void ring_set(struct nf_ovpn_replay *win, u32 pktid)
{
	u32 i = pktid & RING_MASK;

	WRITE_ONCE(win->ring[i / 64], win->ring[i / 64] | (1ULL << (i % 64)));
}

/* clear the ring bits of @n consecutive ids starting at @first */
static void ring_clear(struct nf_ovpn_replay *win, u32 first, u32 n)
{
	u32 i = first & RING_MASK;

	while (n) {
		u32 bit = i % 64;
		u32 chunk = min_t(u32, 64 - bit, n);
		u64 mask = chunk == 64 ? ~0ULL : ((1ULL << chunk) - 1) << bit;

		WRITE_ONCE(win->ring[i / 64], win->ring[i / 64] & ~mask);
		n -= chunk;
		i = (i + chunk) & RING_MASK;
	}
}

void nf_ovpn_replay_init(struct nf_ovpn_replay *win)
{
	memset(win, 0, sizeof(*win));
}

/**
 * nf_ovpn_replay_check - would @pktid be accepted?  Changes nothing.
 * @win: the key's RX window
 * @pktid: packet-id read from the packet
 *
 * Return: 0 if acceptable, -EINVAL for packet-id 0, -EEXIST if already
 * seen, -ERANGE if older than the window.
 */
int nf_ovpn_replay_check(const struct nf_ovpn_replay *win, u32 pktid)
{
	u32 top = READ_ONCE(win->top);

	if (unlikely(!pktid))
		return -EINVAL;
	if (pktid > top)
		return 0;
	if (top - pktid >= NF_OVPN_REPLAY_WINDOW)
		return -ERANGE;
	if (ring_test(win, pktid))
		return -EEXIST;
	return 0;
}

/**
 * nf_ovpn_replay_update - record @pktid as seen
 * @win: the key's RX window, caller holds its lock
 * @pktid: an id nf_ovpn_replay_check() accepted, after the AEAD tag of its
 *	packet verified (never record ids of forged packets).  0 and ids
 *	older than the window are ignored: they would alias a live bit.
 */
void nf_ovpn_replay_update(struct nf_ovpn_replay *win, u32 pktid)
{
	/* 0 and ids behind the window have no bit of their own in the ring */
	if (unlikely(!pktid ||
		     (pktid <= win->top &&
		      win->top - pktid >= NF_OVPN_REPLAY_WINDOW)))
		return;
	if (pktid > win->top) {
		u32 ahead = pktid - win->top;

		if (ahead >= NF_OVPN_REPLAY_WINDOW)
			memset(win->ring, 0, sizeof(win->ring));
		else
			ring_clear(win, win->top + 1, ahead);
		WRITE_ONCE(win->top, pktid);
	}
	ring_set(win, pktid);
}

/**
 * nf_ovpn_replay_check_and_update - the authoritative replay decision
 * @win: the key's RX window, caller holds its lock
 * @pktid: packet-id of a packet whose tag verified
 *
 * Two CPUs may decrypt packets with the same id at once (a replay racing
 * the original); the lockless pre-check passes both, this one lets exactly
 * one through.
 *
 * Return: as nf_ovpn_replay_check(); @win is updated only on 0.
 */
int nf_ovpn_replay_check_and_update(struct nf_ovpn_replay *win, u32 pktid)
{
	int ret = nf_ovpn_replay_check(win, pktid);

	if (!ret)
		nf_ovpn_replay_update(win, pktid);
	return ret;
}

/**
 * nf_ovpn_replay_export - the window in its uapi hand-over form
 * @win: the key's RX window (stable: caller holds its lock)
 * @bitmap: out, NF_OVPN_REPLAY_BYTES; bit i (byte i / 8, bit i % 8) set
 *	means packet-id (top - i) was seen.  Bits for ids <= 0 are clear.
 *
 * Return: top, the highest packet-id accepted (0 = none, bitmap all clear).
 */
u32 nf_ovpn_replay_export(const struct nf_ovpn_replay *win,
			  u8 bitmap[NF_OVPN_REPLAY_BYTES])
{
	u32 top = win->top;
	u32 i;

	memset(bitmap, 0, NF_OVPN_REPLAY_BYTES);
	for (i = 0; i < NF_OVPN_REPLAY_WINDOW && i < top; i++)
		if (ring_test(win, top - i))
			bitmap[i / 8] |= 1U << (i % 8);
	return top;
}

/**
 * nf_ovpn_replay_import - load a window handed over by userspace
 * @win: the key's RX window, caller holds its lock (or owns @win alone)
 * @top: RX_PKTID, the highest packet-id accepted so far (0 = none)
 * @bitmap: RX_WINDOW in the form nf_ovpn_replay_export() writes, may be
 *	NULL when @len is 0
 * @len: bytes in @bitmap, 0..NF_OVPN_REPLAY_BYTES
 *
 * A shorter bitmap (OpenVPN's own window is 64 ids by default) covers only
 * the ids just below @top.  Whether ids older than that were seen is
 * unknown, so they are marked seen: a replay of them must not get through
 * just because the kernel's window is wider.  Bits for ids <= 0 are
 * ignored.
 *
 * Return: 0, or -EINVAL if @len is too long.
 */
int nf_ovpn_replay_import(struct nf_ovpn_replay *win, u32 top,
			  const u8 *bitmap, size_t len)
{
	u32 nbits, i;

	if (len > NF_OVPN_REPLAY_BYTES)
		return -EINVAL;

	nbits = len * 8;
	nf_ovpn_replay_init(win);
	WRITE_ONCE(win->top, top);
	for (i = 0; i < NF_OVPN_REPLAY_WINDOW && i < top; i++) {
		if (i >= nbits || (bitmap[i / 8] >> (i % 8)) & 1)
			ring_set(win, top - i);
	}
	return 0;
}

/**
 * nf_ovpn_pktid_tx_init - set the next packet-id to send
 * @tx: the key's TX state
 * @next: TX_PKTID from the hand-over, 1 for a fresh key
 *
 * Return: 0, or -EINVAL for 0 (never a valid packet-id).
 */
int nf_ovpn_pktid_tx_init(struct nf_ovpn_pktid_tx *tx, u32 next)
{
	if (!next)
		return -EINVAL;
	atomic64_set(&tx->last, (s64)next - 1);
	return 0;
}

/**
 * nf_ovpn_pktid_tx_next - allocate the packet-id for one packet
 * @tx: the key's TX state, any context, no lock needed
 * @pktid: out, the id (= the AEAD nonce head) to use
 *
 * Every id is handed out at most once, also across CPUs.
 *
 * Return: 0, or -ERANGE once the 32-bit space is used up: the key must not
 * encrypt anything more (the nonce would repeat).
 */
int nf_ovpn_pktid_tx_next(struct nf_ovpn_pktid_tx *tx, u32 *pktid)
{
	s64 id = atomic64_inc_return(&tx->last);

	if (unlikely(id > U32_MAX)) {
		/* keep the counter pinned so it can never come round */
		atomic64_set(&tx->last, (s64)U32_MAX + 1);
		return -ERANGE;
	}
	*pktid = (u32)id;
	return 0;
}

/**
 * nf_ovpn_pktid_tx_peek - the next packet-id that would be sent
 * @tx: the key's TX state
 *
 * Return: the TX_PKTID for a hand-back, or 0 if the space is exhausted.
 */
u32 nf_ovpn_pktid_tx_peek(const struct nf_ovpn_pktid_tx *tx)
{
	s64 last = atomic64_read(&tx->last);

	return last >= U32_MAX ? 0 : (u32)(last + 1);
}

/* true once the key should be renegotiated (or is already exhausted) */
bool nf_ovpn_pktid_tx_near_wrap(const struct nf_ovpn_pktid_tx *tx)
{
	return atomic64_read(&tx->last) + 1 >= NF_OVPN_PKTID_WRAP_TRIGGER;
}
