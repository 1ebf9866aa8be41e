// SPDX-License-Identifier: GPL-2.0
/* Unit tests: OpenVPN data channel header parsing/building (kmod/proto.c). */
#include "harness.h"
#include "proto.h"

static void t_every_opcode(void)
{
	u8 buf[64] = { 0 };
	struct nf_ovpn_hdr h;
	int op, kid, bad = 0;

	for (op = 0; op < 32; op++) {
		for (kid = 0; kid < 8; kid++) {
			int want = op == 6 || op == 9 ? 0 : -EINVAL;

			buf[0] = op << 3 | kid;
			memset(&h, 0xAA, sizeof(h));
			if (nf_ovpn_parse_hdr(buf, sizeof(buf), &h) != want)
				bad++;
			else if (!want && (h.opcode != op || h.key_id != kid))
				bad++;
			bad += nf_ovpn_is_data_op(nf_ovpn_opcode(buf[0])) !=
			       !want;
		}
	}
	CHECK_EQ(bad, 0);
}

static void t_parse_v2(void)
{
	u8 buf[40] = { 0x4b, 0x12, 0x34, 0x56, 0xde, 0xad, 0xbe, 0xef };
	struct nf_ovpn_hdr h;

	CHECK_EQ(nf_ovpn_parse_hdr(buf, sizeof(buf), &h), 0);
	CHECK_EQ(h.opcode, NF_OVPN_OP_DATA_V2);
	CHECK_EQ(h.key_id, 3);
	CHECK_EQ(h.peer_id, 0x123456);
	CHECK_EQ(h.pktid, 0xdeadbeef);
	CHECK_EQ(h.aad_off, 0);
	CHECK_EQ(h.aad_len, 8);
	CHECK_EQ(h.tag_off, 8);
	CHECK_EQ(h.ct_off, 24);
	CHECK_EQ(h.ct_len, 16);

	buf[0] = 0x48;
	buf[1] = buf[2] = buf[3] = 0xFF;
	CHECK_EQ(nf_ovpn_parse_hdr(buf, sizeof(buf), &h), 0);
	CHECK_EQ(h.key_id, 0);
	CHECK_EQ(h.peer_id, NF_OVPN_PEER_ID_UNDEF);
	buf[0] = 0x4f;
	buf[1] = buf[2] = buf[3] = 0;
	CHECK_EQ(nf_ovpn_parse_hdr(buf, sizeof(buf), &h), 0);
	CHECK_EQ(h.key_id, 7);
	CHECK_EQ(h.peer_id, 0);
}

static void t_parse_v1(void)
{
	u8 buf[30] = { 0x32, 0x00, 0x00, 0x01, 0x02 };
	struct nf_ovpn_hdr h;

	CHECK_EQ(nf_ovpn_parse_hdr(buf, sizeof(buf), &h), 0);
	CHECK_EQ(h.opcode, NF_OVPN_OP_DATA_V1);
	CHECK_EQ(h.key_id, 2);
	CHECK_EQ(h.peer_id, NF_OVPN_PEER_ID_UNDEF);
	CHECK_EQ(h.pktid, 0x102);
	/* V1: the opcode byte is NOT part of the AAD (OpenVPN 2.6) */
	CHECK_EQ(h.aad_off, 1);
	CHECK_EQ(h.aad_len, 4);
	CHECK_EQ(h.tag_off, 5);
	CHECK_EQ(h.ct_off, 21);
	CHECK_EQ(h.ct_len, 9);
}

static void t_truncations(void)
{
	static const u8 firsts[] = { 0x30, 0x37, 0x48, 0x4f };
	u8 buf[64] = { 0 };
	struct nf_ovpn_hdr h, pristine;
	size_t i, len;
	int bad = 0;

	memset(&pristine, 0x5A, sizeof(pristine));
	for (i = 0; i < sizeof(firsts); i++) {
		unsigned int hlen = nf_ovpn_hdr_len(firsts[i] >> 3);

		buf[0] = firsts[i];
		for (len = 0; len <= hlen + 2; len++) {
			int want = !len ? -EINVAL : len <= hlen ? -EMSGSIZE : 0;
			int ret;

			h = pristine;
			ret = nf_ovpn_parse_hdr(buf, len, &h);
			if (ret != want) {
				printf("# first 0x%02x len %zu: %d, want %d\n",
				       firsts[i], len, ret, want);
				bad++;
			}
			/* out is untouched on error */
			if (ret && memcmp(&h, &pristine, sizeof(h)))
				bad++;
			if (!ret && h.ct_len != len - hlen)
				bad++;
		}
	}
	CHECK_EQ(bad, 0);
	CHECK_EQ(nf_ovpn_hdr_len(NF_OVPN_OP_DATA_V1), 21);
	CHECK_EQ(nf_ovpn_hdr_len(NF_OVPN_OP_DATA_V2), 24);
	CHECK_EQ(nf_ovpn_hdr_len(7), 0);
}

static void t_control_opcodes(void)
{
	/* P_CONTROL_HARD_RESET_CLIENT_V2/V3, P_CONTROL_V1, P_ACK_V1, ... */
	static const u8 ops[] = { 1, 2, 3, 4, 5, 7, 8, 10, 11, 0, 12, 31 };
	u8 buf[128] = { 0 };
	struct nf_ovpn_hdr h;
	size_t i, len;
	int bad = 0;

	for (i = 0; i < sizeof(ops); i++) {
		buf[0] = ops[i] << 3 | 1;
		for (len = 1; len < sizeof(buf); len += 7)
			bad += nf_ovpn_parse_hdr(buf, len, &h) != -EINVAL;
	}
	CHECK_EQ(bad, 0);
	CHECK_EQ(nf_ovpn_parse_hdr(buf, 0, &h), -EINVAL);
}

static void t_build_v2_bytes(void)
{
	u8 buf[32];
	static const u8 want[8] = { 0x4b, 0x12, 0x34, 0x56,
				    0xde, 0xad, 0xbe, 0xef };
	struct nf_ovpn_hdr h;

	memset(buf, 0xEE, sizeof(buf));
	CHECK_EQ(nf_ovpn_build_hdr_v2(buf, sizeof(buf), 3, 0x123456,
				      0xdeadbeef, &h), 24);
	CHECK(!memcmp(buf, want, sizeof(want)));
	CHECK_EQ(buf[8], 0xEE);		/* tag slot left alone */
	CHECK_EQ(h.aad_off, 0);
	CHECK_EQ(h.aad_len, 8);
	CHECK_EQ(h.tag_off, 8);
	CHECK_EQ(h.ct_off, 24);
	CHECK_EQ(h.ct_len, 8);
}

static void t_build_v1_bytes(void)
{
	u8 buf[21];
	static const u8 want[5] = { 0x35, 0x00, 0x00, 0x00, 0x01 };
	struct nf_ovpn_hdr h;

	memset(buf, 0xEE, sizeof(buf));
	CHECK_EQ(nf_ovpn_build_hdr_v1(buf, sizeof(buf), 5, 1, &h), 21);
	CHECK(!memcmp(buf, want, sizeof(want)));
	CHECK_EQ(buf[5], 0xEE);
	CHECK_EQ(h.aad_off, 1);
	CHECK_EQ(h.aad_len, 4);
	CHECK_EQ(h.tag_off, 5);
	CHECK_EQ(h.ct_off, 21);
	CHECK_EQ(h.peer_id, NF_OVPN_PEER_ID_UNDEF);
}

static void t_build_parse_roundtrip(void)
{
	static const u32 peers[] = { 0, 1, 0x800000, 0xFFFFFE, 0xFFFFFF };
	static const u32 ids[] = { 1, 2, 0x7FFFFFFF, 0xFF000000, 0xFFFFFFFF };
	u8 buf[64];
	struct nf_ovpn_hdr b, p;
	int kid, bad = 0;
	size_t i, j;

	for (kid = 0; kid < 8; kid++) {
		for (i = 0; i < 5; i++) {
			for (j = 0; j < 5; j++) {
				if (nf_ovpn_build_hdr_v2(buf, sizeof(buf), kid,
							 peers[i], ids[j],
							 &b) != 24 ||
				    nf_ovpn_parse_hdr(buf, sizeof(buf), &p) ||
				    p.opcode != 9 || p.key_id != kid ||
				    p.peer_id != peers[i] || p.pktid != ids[j])
					bad++;
			}
			if (nf_ovpn_build_hdr_v1(buf, sizeof(buf), kid, ids[i],
						 &b) != 21 ||
			    nf_ovpn_parse_hdr(buf, sizeof(buf), &p) ||
			    p.opcode != 6 || p.key_id != kid ||
			    p.pktid != ids[i])
				bad++;
		}
	}
	CHECK_EQ(bad, 0);
}

static void t_build_errors(void)
{
	u8 buf[64];
	struct nf_ovpn_hdr h = { .opcode = 7, .pktid = 1 };

	CHECK_EQ(nf_ovpn_build_hdr(buf, sizeof(buf), &h), -EINVAL);
	CHECK_EQ(nf_ovpn_build_hdr_v2(buf, sizeof(buf), 8, 1, 1, &h), -EINVAL);
	CHECK_EQ(nf_ovpn_build_hdr_v1(buf, sizeof(buf), 8, 1, &h), -EINVAL);
	CHECK_EQ(nf_ovpn_build_hdr_v2(buf, sizeof(buf), 0, 0x1000000, 1, &h),
		 -EINVAL);
	CHECK_EQ(nf_ovpn_build_hdr_v2(buf, sizeof(buf), 0, 1, 0, &h), -EINVAL);
	CHECK_EQ(nf_ovpn_build_hdr_v1(buf, sizeof(buf), 0, 0, &h), -EINVAL);
	CHECK_EQ(nf_ovpn_build_hdr_v2(buf, 23, 0, 1, 1, &h), -EMSGSIZE);
	CHECK_EQ(nf_ovpn_build_hdr_v1(buf, 20, 0, 1, &h), -EMSGSIZE);
	/* exactly the header fits (ciphertext goes elsewhere) */
	CHECK_EQ(nf_ovpn_build_hdr_v2(buf, 24, 0, 1, 1, &h), 24);
	CHECK_EQ(nf_ovpn_build_hdr_v1(buf, 21, 0, 1, &h), 21);
}

static void t_nonce(void)
{
	static const u8 tail[8] = { 1, 2, 3, 4, 5, 6, 7, 8 };
	static const u8 want[12] = { 0x01, 0x02, 0x03, 0x04,
				     1, 2, 3, 4, 5, 6, 7, 8 };
	u8 nonce[NF_OVPN_NONCE_LEN];

	nf_ovpn_build_nonce(nonce, 0x01020304, tail);
	CHECK(!memcmp(nonce, want, sizeof(want)));
	nf_ovpn_build_nonce(nonce, 1, tail);
	CHECK_EQ(nonce[0], 0);
	CHECK_EQ(nonce[3], 1);
	CHECK_EQ(nonce[11], 8);
}

static void t_keepalive(void)
{
	u8 ping[17] = { 0x2a, 0x18, 0x7b, 0xf3, 0x64, 0x1e, 0xb4, 0xcb,
			0x07, 0xed, 0x2d, 0x0a, 0x98, 0x1f, 0xc7, 0x48 };
	int i, bad = 0;

	CHECK(nf_ovpn_is_keepalive(ping, 16));
	CHECK(nf_ovpn_is_keepalive(nf_ovpn_keepalive_msg, 16));
	CHECK(!nf_ovpn_is_keepalive(ping, 15));
	CHECK(!nf_ovpn_is_keepalive(ping, 17));
	CHECK(!nf_ovpn_is_keepalive(ping, 0));
	for (i = 0; i < 16 * 8; i++) {
		ping[i / 8] ^= 1 << (i % 8);
		bad += nf_ovpn_is_keepalive(ping, 16);
		ping[i / 8] ^= 1 << (i % 8);
	}
	CHECK_EQ(bad, 0);
}

const struct unit_test proto_tests[] = {
	{ "proto: every opcode and key-id", t_every_opcode },
	{ "proto: parse P_DATA_V2", t_parse_v2 },
	{ "proto: parse P_DATA_V1 (AAD = packet-id only)", t_parse_v1 },
	{ "proto: truncation at every length", t_truncations },
	{ "proto: control opcodes go to userspace", t_control_opcodes },
	{ "proto: build P_DATA_V2 byte-exact", t_build_v2_bytes },
	{ "proto: build P_DATA_V1 byte-exact", t_build_v1_bytes },
	{ "proto: build/parse round trip", t_build_parse_roundtrip },
	{ "proto: build rejects bad input", t_build_errors },
	{ "proto: nonce = pktid || tail", t_nonce },
	{ "proto: keepalive magic", t_keepalive },
	{ NULL, NULL },
};
