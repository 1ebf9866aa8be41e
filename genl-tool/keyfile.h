/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Key files: text, '#' comments, one "name value" per line:
 *
 *   cipher AES-256-GCM          (AES-128-GCM, AES-192-GCM, CHACHA20-POLY1305)
 *   encrypt-key <hex>           16/24/32 bytes as the cipher says
 *   encrypt-nonce-tail <hex>    8 bytes
 *   decrypt-key <hex>
 *   decrypt-nonce-tail <hex>
 *
 * Key material never appears on the command line.  Call nfo_keyfile_wipe()
 * as soon as the key has been sent.
 */
#ifndef NFOVPN_KEYFILE_H
#define NFOVPN_KEYFILE_H

#include <stddef.h>
#include <stdint.h>

#include "../kmod/uapi/nf_ovpn.h"

#define NFO_KEYFILE_MAX_SIZE 4096

struct nfo_keydir {
	uint8_t key[NF_OVPN_KEY_MAX_LEN];
	size_t key_len;
	uint8_t nonce_tail[NF_OVPN_NONCE_TAIL_LEN];
};

struct nfo_keyfile {
	uint32_t cipher;		/* enum nf_ovpn_cipher */
	const char *cipher_name;	/* canonical, static */
	struct nfo_keydir encrypt;
	struct nfo_keydir decrypt;
};

/* 0 or -1 with a message ("line 3: ...") in err */
int nfo_keyfile_parse(const char *buf, size_t len, struct nfo_keyfile *kf,
		      char *err, size_t errlen);

/* path "-" reads stdin; the read buffer is wiped before returning */
int nfo_keyfile_read(const char *path, struct nfo_keyfile *kf,
		     char *err, size_t errlen);

void nfo_keyfile_wipe(struct nfo_keyfile *kf);

/* 0 on success; cipher name -> uapi value and required key length */
int nfo_cipher_lookup(const char *name, uint32_t *cipher, size_t *key_len,
		      const char **canonical);

#endif /* NFOVPN_KEYFILE_H */
