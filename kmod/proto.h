/* SPDX-License-Identifier: GPL-2.0 */
/*
 * nf_ovpn: the OpenVPN 2.6 AEAD data channel wire format.  Pure logic on
 * byte buffers; builds in the module and in userspace (tests/unit,
 * selftests/tools) through tests/unit/kcompat.h.
 *
 * Verified against OpenVPN 2.6.14: src/openvpn/crypto.c
 * (openvpn_encrypt_aead(), openvpn_decrypt_aead()), src/openvpn/forward.c
 * (encrypt_sign()), src/openvpn/ssl.c (tls_prepend_opcode_v1(),
 * tls_prepend_opcode_v2(), handle_data_channel_packet()),
 * src/openvpn/ssl_pkt.h (opcodes), src/openvpn/packet_id.[ch], ping.c:
 *
 *   P_DATA_V2: op|kid(1) peer-id(3, BE) pktid(4, BE) tag(16) ciphertext
 *   P_DATA_V1: op|kid(1)                pktid(4, BE) tag(16) ciphertext
 *
 *   AAD V2 = bytes 0..7: the opcode and peer-id are prepended *before*
 *            encryption (encrypt_sign() -> tls_prepend_opcode_v2()), so
 *            openvpn_encrypt_aead() authenticates them with the packet-id.
 *   AAD V1 = bytes 1..4, the packet-id ONLY: the V1 opcode byte is
 *            prepended *after* encryption (tls_prepend_opcode_v1()) and
 *            handle_data_channel_packet() sets ad_start past it.  The
 *            opcode/key-id byte of V1 is therefore not authenticated.
 *   nonce  = pktid (4, BE) || implicit IV (8 bytes: the first 8 bytes of
 *            the direction's HMAC key, key_ctx_update_implicit_iv()).
 *   tag    = 16 bytes, *before* the ciphertext; no padding.
 *   openvpn_decrypt_aead() rejects an empty ciphertext ("missing payload").
 *   The replay check runs after the tag verified; packet-id 0 is invalid
 *   (packet_id_test()); send ids start at 1 and never wrap in this short
 *   form (packet_id_send_update()).
 */
#ifndef _NF_OVPN_PROTO_H
#define _NF_OVPN_PROTO_H

#ifdef __KERNEL__
#include <linux/types.h>
#include <linux/errno.h>
#include <linux/string.h>
#include <asm/byteorder.h>
#else
#include "kcompat.h"
#endif

#include "uapi/nf_ovpn.h"

#define NF_OVPN_OP_SHIFT	3
#define NF_OVPN_KEY_ID_MASK	0x07
#define NF_OVPN_OP_DATA_V1	6
#define NF_OVPN_OP_DATA_V2	9

#define NF_OVPN_PKTID_LEN	4
#define NF_OVPN_TAG_LEN		16
#define NF_OVPN_NONCE_LEN	12	/* pktid || nonce tail */
/* bytes before the ciphertext */
#define NF_OVPN_V1_HLEN		(1 + NF_OVPN_PKTID_LEN + NF_OVPN_TAG_LEN)
#define NF_OVPN_V2_HLEN		(4 + NF_OVPN_PKTID_LEN + NF_OVPN_TAG_LEN)
#define NF_OVPN_MAX_HLEN	NF_OVPN_V2_HLEN
/* peer-id OpenVPN sends when it has none assigned (MAX_PEER_ID) */
#define NF_OVPN_PEER_ID_UNDEF	NF_OVPN_PEER_ID_MAX

#define NF_OVPN_KEEPALIVE_LEN	16
extern const u8 nf_ovpn_keepalive_msg[NF_OVPN_KEEPALIVE_LEN];

/*
 * One parsed (or to be built) data packet header.  All offsets are from
 * the first byte of the OpenVPN packet (the UDP payload).
 */
struct nf_ovpn_hdr {
	u8 opcode;	/* NF_OVPN_OP_DATA_V1 or _V2 */
	u8 key_id;	/* 0..7 */
	u32 peer_id;	/* V2 only; NF_OVPN_PEER_ID_UNDEF for V1 */
	u32 pktid;	/* not checked here: 0 is the replay window's job */
	u8 aad_off;	/* AAD = [aad_off, aad_off + aad_len) */
	u8 aad_len;
	u8 tag_off;	/* NF_OVPN_TAG_LEN bytes */
	u8 ct_off;	/* ciphertext from here to the end (= header length) */
	size_t ct_len;	/* parse: ciphertext bytes (>= 1); build: room */
};

static inline u8 nf_ovpn_opcode(u8 first)
{
	return first >> NF_OVPN_OP_SHIFT;
}

static inline u8 nf_ovpn_key_id(u8 first)
{
	return first & NF_OVPN_KEY_ID_MASK;
}

static inline bool nf_ovpn_is_data_op(u8 opcode)
{
	return opcode == NF_OVPN_OP_DATA_V1 || opcode == NF_OVPN_OP_DATA_V2;
}

/* bytes before the ciphertext for @opcode, 0 if not a data opcode */
static inline unsigned int nf_ovpn_hdr_len(u8 opcode)
{
	if (opcode == NF_OVPN_OP_DATA_V2)
		return NF_OVPN_V2_HLEN;
	if (opcode == NF_OVPN_OP_DATA_V1)
		return NF_OVPN_V1_HLEN;
	return 0;
}

int nf_ovpn_parse_hdr(const u8 *buf, size_t len, struct nf_ovpn_hdr *out);
int nf_ovpn_build_hdr(u8 *buf, size_t len, struct nf_ovpn_hdr *hdr);
int nf_ovpn_build_hdr_v1(u8 *buf, size_t len, u8 key_id, u32 pktid,
			 struct nf_ovpn_hdr *out);
int nf_ovpn_build_hdr_v2(u8 *buf, size_t len, u8 key_id, u32 peer_id,
			 u32 pktid, struct nf_ovpn_hdr *out);
void nf_ovpn_build_nonce(u8 nonce[NF_OVPN_NONCE_LEN], u32 pktid,
			 const u8 tail[NF_OVPN_NONCE_TAIL_LEN]);
bool nf_ovpn_is_keepalive(const u8 *payload, size_t len);

#endif /* _NF_OVPN_PROTO_H */
