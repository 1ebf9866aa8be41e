// SPDX-License-Identifier: GPL-2.0
/*
 * nf_ovpn: data channel keys and the AEAD work on packets.
 *
 * A key holds one transform per direction.  Packets are encrypted and
 * decrypted in place: the scatterlist runs AAD -> payload -> tag, while
 * on the wire the tag sits before the payload (proto.h), so the AAD and
 * tag entries point into the linear header and the payload entries into
 * the rest of the skb.
 *
 * gcm(aes) on x86 is the AES-NI SIMD wrapper: when the FPU is unusable it
 * hands the request to cryptd and returns -EINPROGRESS.  Every request
 * therefore carries its own memory (struct aead_job) and one completion
 * function serves the synchronous and the asynchronous case.  No request
 * ever sets CRYPTO_TFM_REQ_MAY_SLEEP (we run in netfilter hooks) nor
 * MAY_BACKLOG (a full cryptd queue drops the packet, -EBUSY, rather than
 * letting the backlog grow without bound).
 */

#include <crypto/aead.h>
#include <linux/netlink.h>
#include <linux/scatterlist.h>
#include <linux/slab.h>

#include "compat.h"
#include "crypto.h"

atomic_t nf_ovpn_nr_keys = ATOMIC_INIT(0);

/* ------------------------------------------------------------------ */
/* keys */

static const char *cipher_alg(u8 cipher, unsigned int key_len)
{
	switch (cipher) {
	case NF_OVPN_CIPHER_AES_GCM:
		if (key_len == 16 || key_len == 24 || key_len == 32)
			return "gcm(aes)";
		return NULL;
	case NF_OVPN_CIPHER_CHACHA20_POLY1305:
		return key_len == 32 ? "rfc7539(chacha20,poly1305)" : NULL;
	default:
		return NULL;
	}
}

static int check_config(const struct nf_ovpn_key_config *cfg,
			struct netlink_ext_ack *extack)
{
	if (cfg->key_id > NF_OVPN_KEY_ID_MAX) {
		NL_SET_ERR_MSG_MOD(extack, "key-id must be 0..7");
		return -EINVAL;
	}
	if (cfg->cipher != NF_OVPN_CIPHER_AES_GCM &&
	    cfg->cipher != NF_OVPN_CIPHER_CHACHA20_POLY1305) {
		NL_SET_ERR_MSG_MOD(extack, "unsupported cipher");
		return -EOPNOTSUPP;
	}
	if (!cipher_alg(cfg->cipher, cfg->enc.key_len) ||
	    !cipher_alg(cfg->cipher, cfg->dec.key_len)) {
		NL_SET_ERR_MSG_MOD(extack,
				   "cipher key length does not fit the cipher");
		return -EINVAL;
	}
	if (cfg->enc.key_len != cfg->dec.key_len) {
		NL_SET_ERR_MSG_MOD(extack,
				   "encrypt and decrypt keys differ in length");
		return -EINVAL;
	}
	if (cfg->rx_window_len > NF_OVPN_REPLAY_BYTES ||
	    (cfg->rx_window_len && !cfg->rx_window)) {
		NL_SET_ERR_MSG_MOD(extack, "RX replay window too long");
		return -EINVAL;
	}
	return 0;
}

static struct crypto_aead *tfm_new(u8 cipher, const struct nf_ovpn_key_dir *dir,
				   struct netlink_ext_ack *extack)
{
	struct crypto_aead *tfm;
	int err;

	tfm = crypto_alloc_aead(cipher_alg(cipher, dir->key_len), 0, 0);
	if (IS_ERR(tfm)) {
		NL_SET_ERR_MSG_MOD(extack, "cipher not available in this kernel");
		return tfm;
	}
	err = crypto_aead_setkey(tfm, dir->key, dir->key_len);
	if (!err)
		err = crypto_aead_setauthsize(tfm, NF_OVPN_TAG_LEN);
	if (!err && crypto_aead_ivsize(tfm) != NF_OVPN_NONCE_LEN)
		err = -EINVAL;
	if (err) {
		NL_SET_ERR_MSG_MOD(extack, "cipher rejected the key");
		crypto_free_aead(tfm);
		return ERR_PTR(err);
	}
	return tfm;
}

/**
 * nf_ovpn_key_new - build a key from its netlink configuration
 * @cfg: validated here; its key material is the caller's to wipe
 * @extack: why it was rejected, may be NULL
 *
 * Process context (allocates transforms, may load crypto modules).
 *
 * Return: the key with one reference, or ERR_PTR(-errno).
 */
struct nf_ovpn_key *nf_ovpn_key_new(const struct nf_ovpn_key_config *cfg,
				    struct netlink_ext_ack *extack)
{
	struct nf_ovpn_key *key;
	int err;

	err = check_config(cfg, extack);
	if (err)
		return ERR_PTR(err);

	key = kzalloc(sizeof(*key), GFP_KERNEL_ACCOUNT);
	if (!key)
		return ERR_PTR(-ENOMEM);

	key->key_id = cfg->key_id;
	key->cipher = cfg->cipher;
	spin_lock_init(&key->rx_lock);
	memcpy(key->nonce_enc, cfg->enc.nonce_tail, NF_OVPN_NONCE_TAIL_LEN);
	memcpy(key->nonce_dec, cfg->dec.nonce_tail, NF_OVPN_NONCE_TAIL_LEN);

	err = nf_ovpn_pktid_tx_init(&key->tx, cfg->tx_pktid ?: 1);
	if (!err)
		err = nf_ovpn_replay_import(&key->rx, cfg->rx_pktid,
					    cfg->rx_window, cfg->rx_window_len);
	if (err) {
		NL_SET_ERR_MSG_MOD(extack, "bad packet-id hand-over state");
		goto err_free_key;
	}

	key->enc = tfm_new(cfg->cipher, &cfg->enc, extack);
	if (IS_ERR(key->enc)) {
		err = PTR_ERR(key->enc);
		goto err_free_key;
	}
	key->dec = tfm_new(cfg->cipher, &cfg->dec, extack);
	if (IS_ERR(key->dec)) {
		err = PTR_ERR(key->dec);
		goto err_free_enc;
	}

	refcount_set(&key->refcnt, 1);
	atomic_inc(&nf_ovpn_nr_keys);
	return key;

err_free_enc:
	crypto_free_aead(key->enc);
err_free_key:
	kfree_sensitive(key);
	return ERR_PTR(err);
}

/*
 * After a grace period nothing can reach the key: the slots dropped it
 * under RCU and every packet that held it has finished.
 */
static void key_free_rcu(struct rcu_head *head)
{
	struct nf_ovpn_key *key = container_of(head, struct nf_ovpn_key, rcu);

	crypto_free_aead(key->enc);
	crypto_free_aead(key->dec);
	memzero_explicit(key->nonce_enc, sizeof(key->nonce_enc));
	memzero_explicit(key->nonce_dec, sizeof(key->nonce_dec));
	memzero_explicit(&key->rx, sizeof(key->rx));
	kfree_sensitive(key);
	atomic_dec(&nf_ovpn_nr_keys);
}

/* any context */
void nf_ovpn_key_put(struct nf_ovpn_key *key)
{
	if (key && refcount_dec_and_test(&key->refcnt))
		call_rcu(&key->rcu, key_free_rcu);
}

/**
 * nf_ovpn_key_export - the state userspace needs to continue with the key
 * @key: the key
 * @tx_next: next packet-id to send (0 if the key is used up)
 * @rx_top: highest packet-id accepted
 * @bitmap: replay window, uapi NF_OVPN_A_KEYCONF_RX_WINDOW layout
 * @close: the key leaves the kernel: from now on no packet is accepted
 *	with it, so the window exported is the last word (a decryption still
 *	in flight is dropped on completion)
 */
void nf_ovpn_key_export(struct nf_ovpn_key *key, u32 *tx_next, u32 *rx_top,
			u8 bitmap[NF_OVPN_REPLAY_BYTES], bool close)
{
	*tx_next = nf_ovpn_pktid_tx_peek(&key->tx);
	spin_lock_bh(&key->rx_lock);
	*rx_top = nf_ovpn_replay_export(&key->rx, bitmap);
	if (close)
		key->rx_closed = true;
	spin_unlock_bh(&key->rx_lock);
}

/* ------------------------------------------------------------------ */
/* packets */

/*
 * One AEAD operation in flight.  Allocated right behind its aead_request
 * (which must come first: its context is aligned for the transform), and
 * freed, with the request, just before the datapath's done() runs.
 */
struct aead_job {
	struct aead_request *req;
	struct sk_buff *skb;
	nf_ovpn_aead_done_t done;
	u8 iv[NF_OVPN_NONCE_LEN];
	struct scatterlist sg[];
};

static struct aead_job *job_alloc(struct crypto_aead *tfm, unsigned int nsg)
{
	size_t req_len = sizeof(struct aead_request) + crypto_aead_reqsize(tfm);
	size_t job_off = ALIGN(req_len, __alignof__(struct aead_job));
	struct aead_request *req;
	struct aead_job *job;

	req = kmalloc(job_off + struct_size(job, sg, nsg), GFP_ATOMIC);
	if (!req)
		return NULL;
	job = (void *)req + job_off;
	job->req = req;
	aead_request_set_tfm(req, tfm);
	sg_init_table(job->sg, nsg);
	return job;
}

bool nf_ovpn_aead_pieces_ok(const struct sk_buff *skb)
{
	unsigned int n = 1 + skb_shinfo(skb)->nr_frags;
	const struct sk_buff *frag;

	skb_walk_frags(skb, frag) {
		/* reassembly builds one level; deeper is never ours */
		if (skb_has_frag_list(frag))
			return false;
		n += 1 + skb_shinfo(frag)->nr_frags;
		if (n > NF_OVPN_AEAD_MAX_PIECES)
			return false;
	}
	return n <= NF_OVPN_AEAD_MAX_PIECES;
}

/* the one completion: synchronous return or cryptd callback */
static void job_done(void *data, int err)
{
	struct aead_job *job = data;
	struct sk_buff *skb = job->skb;
	nf_ovpn_aead_done_t done = job->done;

	/* only a backlogged request is told it started; we never backlog */
	if (unlikely(err == -EINPROGRESS))
		return;

	nf_ovpn_skb_cb(skb)->crypto = NULL;
	/* the request context may hold key-derived state (GHASH, ...) */
	kfree_sensitive(job->req);
	done(skb, err);
}

NF_OVPN_CRYPTO_DONE(job_async_done, job_done)

static void aead_submit(struct sk_buff *skb, const struct nf_ovpn_hdr *hdr,
			bool enc, nf_ovpn_aead_done_t done)
{
	struct nf_ovpn_skb_cb *cb = nf_ovpn_skb_cb(skb);
	struct nf_ovpn_key *key = cb->key;
	struct crypto_aead *tfm = enc ? key->enc : key->dec;
	unsigned int off = cb->off, len;
	struct sk_buff *trailer;
	struct aead_job *job;
	int nfrags, n, err;
	u8 *pkt;

	/* header (AAD and tag) linear, at least one payload byte */
	if (unlikely(off + hdr->ct_off > skb_headlen(skb) ||
		     skb->len <= off + hdr->ct_off)) {
		err = -EINVAL;
		goto fail;
	}
	len = skb->len - off - hdr->ct_off;

	/* private, writable data: the skb may be a clone (tcpdump, TCP) */
	nfrags = skb_cow_data(skb, 0, &trailer);
	if (unlikely(nfrags < 0)) {
		err = nfrags;
		goto fail;
	}
	if (unlikely(nfrags > NF_OVPN_AEAD_MAX_PIECES)) {
		err = -E2BIG;
		goto fail;
	}

	job = job_alloc(tfm, nfrags + 2);
	if (unlikely(!job)) {
		err = -ENOMEM;
		goto fail;
	}
	job->skb = skb;
	job->done = done;
	nf_ovpn_build_nonce(job->iv, hdr->pktid,
			    enc ? key->nonce_enc : key->nonce_dec);

	/* skb_cow_data() may have moved the head: take pointers now */
	pkt = skb->data + off;
	sg_set_buf(&job->sg[0], pkt + hdr->aad_off, hdr->aad_len);
	n = skb_to_sgvec_nomark(skb, &job->sg[1], off + hdr->ct_off, len);
	if (unlikely(n < 0 || n > nfrags)) {
		kfree_sensitive(job->req);
		err = n < 0 ? n : -EMSGSIZE;
		goto fail;
	}
	sg_set_buf(&job->sg[n + 1], pkt + hdr->tag_off, NF_OVPN_TAG_LEN);
	sg_mark_end(&job->sg[n + 1]);

	aead_request_set_callback(job->req, 0, job_async_done, job);
	aead_request_set_crypt(job->req, job->sg, job->sg,
			       enc ? len : len + NF_OVPN_TAG_LEN, job->iv);
	aead_request_set_ad(job->req, hdr->aad_len);

	cb->crypto = job;
	err = enc ? crypto_aead_encrypt(job->req) :
		    crypto_aead_decrypt(job->req);
	if (err == -EINPROGRESS)
		return;		/* job_async_done() will finish it */
	job_done(job, err);
	return;

fail:
	done(skb, err);
}

void nf_ovpn_aead_encrypt(struct sk_buff *skb, const struct nf_ovpn_hdr *hdr,
			  nf_ovpn_aead_done_t done)
{
	aead_submit(skb, hdr, true, done);
}

void nf_ovpn_aead_decrypt(struct sk_buff *skb, const struct nf_ovpn_hdr *hdr,
			  nf_ovpn_aead_done_t done)
{
	aead_submit(skb, hdr, false, done);
}
