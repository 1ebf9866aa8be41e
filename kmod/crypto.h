/* SPDX-License-Identifier: GPL-2.0 */
/*
 * nf_ovpn: AEAD work on packets (crypto.c).  Key creation and lifetime
 * are declared in key.h.
 */
#ifndef _NF_OVPN_CRYPTO_H
#define _NF_OVPN_CRYPTO_H

#include <linux/skbuff.h>

#include "key.h"
#include "proto.h"

struct nf_ovpn_peer;

/*
 * What a stolen packet carries through the datapath, in skb->cb.  Once a
 * hook returned NF_STOLEN the IP layer's control block is dead, so the
 * space is ours.  @peer and @key each hold one reference, taken before
 * crypto_aead_*() and dropped by whoever finishes with the packet (the
 * RX/TX completion), so both outlive an asynchronous (cryptd) operation
 * and a concurrent peer removal or key swap.
 */
struct nf_ovpn_skb_cb {
	struct nf_ovpn_peer *peer;
	struct nf_ovpn_key *key;
	void *crypto;		/* crypto.c's request while one is in flight */
	u32 pktid;
	u32 inner_len;		/* TX: plaintext bytes (stats) */
	u16 off;		/* OpenVPN packet start, from skb->data */
	u8 hlen;		/* its header length (V1 or V2) */
	u8 flags;		/* NF_OVPN_CB_* */
};

#define NF_OVPN_CB_KEEPALIVE	BIT(0)	/* TX: a keepalive ping */

static inline struct nf_ovpn_skb_cb *nf_ovpn_skb_cb(struct sk_buff *skb)
{
	BUILD_BUG_ON(sizeof(struct nf_ovpn_skb_cb) > sizeof(skb->cb));
	return (struct nf_ovpn_skb_cb *)skb->cb;
}

/*
 * Called exactly once per nf_ovpn_aead_encrypt()/_decrypt(), either before
 * that returns (synchronous transform, or an error before submission) or
 * later from the crypto completion (cryptd).  @err is 0, -EBADMSG for a
 * tag mismatch (decrypt), or another -errno.  The callee owns @skb and
 * the references in its cb.  Softirq context or process context with BH
 * disabled; never with a sleeping lock held.
 */
/*
 * The most buffers (linear head, page fragments, frag_list members) one
 * packet may be spread over for the AEAD: its scatterlist is allocated per
 * packet, GFP_ATOMIC, before the tag is checked.  A datagram the IP layer
 * reassembled from thousands of tiny fragments would otherwise cost a
 * large atomic allocation (and a copy in skb_cow_data()) to anyone who can
 * send to the port.  64 covers a 64 KiB datagram fragmented at IPv6's
 * minimum MTU.
 */
#define NF_OVPN_AEAD_MAX_PIECES	64

/* false if @skb is spread over more than NF_OVPN_AEAD_MAX_PIECES buffers */
bool nf_ovpn_aead_pieces_ok(const struct sk_buff *skb);

typedef void (*nf_ovpn_aead_done_t)(struct sk_buff *skb, int err);

/*
 * In-place AEAD over the OpenVPN packet at nf_ovpn_skb_cb(skb)->off with
 * the layout in @hdr (proto.h): AAD, tag slot and payload are where the
 * wire format puts them.  Uses nf_ovpn_skb_cb(skb)->key.  Makes the skb's
 * data private first (skb_cow_data), so cloned and shared-page skbs are
 * safe.  Encrypt: the header is already written, the tag slot is filled.
 * Decrypt: on success the payload is plaintext; the tag bytes are left.
 */
void nf_ovpn_aead_encrypt(struct sk_buff *skb, const struct nf_ovpn_hdr *hdr,
			  nf_ovpn_aead_done_t done);
void nf_ovpn_aead_decrypt(struct sk_buff *skb, const struct nf_ovpn_hdr *hdr,
			  nf_ovpn_aead_done_t done);

#endif /* _NF_OVPN_CRYPTO_H */
