/* SPDX-License-Identifier: GPL-2.0 */
/*
 * nf_ovpn: one negotiated data channel key (a key slot's content): the
 * AEAD transforms of both directions, nonce tails, TX packet-id and RX
 * replay window.  crypto.c owns creation, destruction and the AEAD work.
 */
#ifndef _NF_OVPN_KEY_H
#define _NF_OVPN_KEY_H

#include <crypto/aead.h>
#include <linux/refcount.h>
#include <linux/spinlock.h>

#include "pktid.h"
#include "uapi/nf_ovpn.h"

struct nf_ovpn_key {
	/* one reference per key slot pointing here, one per packet in
	 * flight (taken before crypto_aead_*, dropped in the completion)
	 */
	refcount_t refcnt;
	struct rcu_head rcu;
	u8 key_id;		/* 0..7 */
	u8 cipher;		/* enum nf_ovpn_cipher */
	struct crypto_aead *enc, *dec;
	u8 nonce_enc[NF_OVPN_NONCE_TAIL_LEN];
	u8 nonce_dec[NF_OVPN_NONCE_TAIL_LEN];
	struct nf_ovpn_pktid_tx tx;	/* lock-free */
	bool wrap_notified;		/* set once, any context */
	/* protects rx (the replay window) and rx_closed */
	spinlock_t rx_lock;
	struct nf_ovpn_replay rx;
	/* the window went to userspace with the key: a decryption that
	 * completes afterwards (async crypto holds the key) must not be
	 * accepted, userspace's window does not know it
	 */
	bool rx_closed;
};

/* key material as it came from netlink; wiped by the caller after use */
struct nf_ovpn_key_dir {
	u8 key[NF_OVPN_KEY_MAX_LEN];
	unsigned int key_len;
	u8 nonce_tail[NF_OVPN_NONCE_TAIL_LEN];
};

struct nf_ovpn_key_config {
	u8 key_id;
	u8 cipher;
	struct nf_ovpn_key_dir enc, dec;
	u32 tx_pktid;		/* next to send, >= 1 */
	u32 rx_pktid;		/* highest accepted, 0 = none */
	const u8 *rx_window;	/* NULL or rx_window_len bytes */
	unsigned int rx_window_len;
};

/* process context; returns a key with one reference or ERR_PTR */
struct nf_ovpn_key *nf_ovpn_key_new(const struct nf_ovpn_key_config *cfg,
				    struct netlink_ext_ack *extack);
void nf_ovpn_key_put(struct nf_ovpn_key *key);

static inline bool __must_check nf_ovpn_key_hold(struct nf_ovpn_key *key)
{
	return refcount_inc_not_zero(&key->refcnt);
}

/* hand-back state: next TX packet-id, highest RX packet-id and bitmap;
 * @close for a key leaving the kernel (its RX window is final)
 */
void nf_ovpn_key_export(struct nf_ovpn_key *key, u32 *tx_next, u32 *rx_top,
			u8 bitmap[NF_OVPN_REPLAY_BYTES], bool close);

/* module-wide live key count (crypto.c) */
extern atomic_t nf_ovpn_nr_keys;

#endif /* _NF_OVPN_KEY_H */
