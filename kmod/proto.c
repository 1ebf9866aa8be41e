// SPDX-License-Identifier: GPL-2.0
/*
 * nf_ovpn: parsing and building OpenVPN 2.6 AEAD data channel headers.
 * The layout and where it was verified are in proto.h.
 */
#include "proto.h"

/* OpenVPN's ping_string (ping.c): the payload of a keepalive ping */
const u8 nf_ovpn_keepalive_msg[NF_OVPN_KEEPALIVE_LEN] = {
	0x2a, 0x18, 0x7b, 0xf3, 0x64, 0x1e, 0xb4, 0xcb,
	0x07, 0xed, 0x2d, 0x0a, 0x98, 0x1f, 0xc7, 0x48,
};

/*
 * Header fields are not aligned.  memcpy + be32_to_cpu compiles to a load
 * and a bswap, keeps sparse's endian checks, and needs no unaligned.h
 * (which moved from asm/ to linux/ in 6.12).
 */
static u32 load_be32(const u8 *p)
{
	__be32 v;

	memcpy(&v, p, sizeof(v));
	return be32_to_cpu(v);
}

static void store_be32(u8 *p, u32 x)
{
	__be32 v = cpu_to_be32(x);

	memcpy(p, &v, sizeof(v));
}

static void set_layout(struct nf_ovpn_hdr *hdr)
{
	if (hdr->opcode == NF_OVPN_OP_DATA_V2) {
		hdr->aad_off = 0;
		hdr->aad_len = 4 + NF_OVPN_PKTID_LEN;
		hdr->tag_off = 4 + NF_OVPN_PKTID_LEN;
		hdr->ct_off = NF_OVPN_V2_HLEN;
	} else {
		hdr->peer_id = NF_OVPN_PEER_ID_UNDEF;
		hdr->aad_off = 1;
		hdr->aad_len = NF_OVPN_PKTID_LEN;
		hdr->tag_off = 1 + NF_OVPN_PKTID_LEN;
		hdr->ct_off = NF_OVPN_V1_HLEN;
	}
}

/**
 * nf_ovpn_parse_hdr - parse the header of a received OpenVPN packet
 * @buf: the UDP payload (at least min(@len, NF_OVPN_MAX_HLEN) bytes
 *	readable; the ciphertext itself is not touched)
 * @len: UDP payload length
 * @out: filled on success; untouched otherwise
 *
 * Return: 0 for a data packet with a complete header, tag and at least one
 * byte of ciphertext; -EINVAL if it is not a data packet at all (empty, or
 * a control/ack/reset opcode: userspace's business, pass it on);
 * -EMSGSIZE for a data opcode that is too short to be valid (malformed).
 */
int nf_ovpn_parse_hdr(const u8 *buf, size_t len, struct nf_ovpn_hdr *out)
{
	struct nf_ovpn_hdr hdr;
	unsigned int hlen;

	if (!len)
		return -EINVAL;
	hdr.opcode = nf_ovpn_opcode(buf[0]);
	hdr.key_id = nf_ovpn_key_id(buf[0]);
	hlen = nf_ovpn_hdr_len(hdr.opcode);
	if (!hlen)
		return -EINVAL;
	if (len <= hlen)
		return -EMSGSIZE;

	set_layout(&hdr);
	if (hdr.opcode == NF_OVPN_OP_DATA_V2)
		hdr.peer_id = load_be32(buf) & NF_OVPN_PEER_ID_MAX;
	hdr.pktid = load_be32(buf + hdr.aad_off + hdr.aad_len -
			       NF_OVPN_PKTID_LEN);
	hdr.ct_len = len - hlen;
	*out = hdr;
	return 0;
}

/**
 * nf_ovpn_build_hdr - write a data packet header
 * @buf: where the packet starts
 * @len: room at @buf, at least the header length (hdr->ct_off on return)
 * @hdr: in: opcode, key_id, peer_id (V2), pktid; out: the layout fields
 *
 * Writes the opcode byte, peer-id (V2) and packet-id; the tag slot is left
 * for the AEAD to fill, the ciphertext goes at hdr->ct_off.
 *
 * Return: the header length (bytes before the ciphertext), or -EINVAL for
 * an invalid opcode, key-id, peer-id or packet-id 0, -EMSGSIZE if @len is
 * too small.
 */
int nf_ovpn_build_hdr(u8 *buf, size_t len, struct nf_ovpn_hdr *hdr)
{
	unsigned int hlen = nf_ovpn_hdr_len(hdr->opcode);
	u8 first;

	if (!hlen || hdr->key_id > NF_OVPN_KEY_ID_MAX || !hdr->pktid)
		return -EINVAL;
	if (hdr->opcode == NF_OVPN_OP_DATA_V2 &&
	    hdr->peer_id > NF_OVPN_PEER_ID_MAX)
		return -EINVAL;
	if (len < hlen)
		return -EMSGSIZE;

	set_layout(hdr);
	hdr->ct_len = len - hlen;
	first = hdr->opcode << NF_OVPN_OP_SHIFT | hdr->key_id;
	if (hdr->opcode == NF_OVPN_OP_DATA_V2)
		store_be32(buf, (u32)first << 24 | hdr->peer_id);
	else
		buf[0] = first;
	store_be32(buf + hdr->tag_off - NF_OVPN_PKTID_LEN, hdr->pktid);
	return hlen;
}

int nf_ovpn_build_hdr_v1(u8 *buf, size_t len, u8 key_id, u32 pktid,
			 struct nf_ovpn_hdr *out)
{
	out->opcode = NF_OVPN_OP_DATA_V1;
	out->key_id = key_id;
	out->peer_id = NF_OVPN_PEER_ID_UNDEF;
	out->pktid = pktid;
	return nf_ovpn_build_hdr(buf, len, out);
}

int nf_ovpn_build_hdr_v2(u8 *buf, size_t len, u8 key_id, u32 peer_id,
			 u32 pktid, struct nf_ovpn_hdr *out)
{
	out->opcode = NF_OVPN_OP_DATA_V2;
	out->key_id = key_id;
	out->peer_id = peer_id;
	out->pktid = pktid;
	return nf_ovpn_build_hdr(buf, len, out);
}

/* AEAD nonce: packet-id (big endian) || the direction's 8-byte tail */
void nf_ovpn_build_nonce(u8 nonce[NF_OVPN_NONCE_LEN], u32 pktid,
			 const u8 tail[NF_OVPN_NONCE_TAIL_LEN])
{
	store_be32(nonce, pktid);
	memcpy(nonce + NF_OVPN_PKTID_LEN, tail, NF_OVPN_NONCE_TAIL_LEN);
}

/* @payload: the decrypted inner packet */
bool nf_ovpn_is_keepalive(const u8 *payload, size_t len)
{
	return len == NF_OVPN_KEEPALIVE_LEN &&
	       !memcmp(payload, nf_ovpn_keepalive_msg, NF_OVPN_KEEPALIVE_LEN);
}
