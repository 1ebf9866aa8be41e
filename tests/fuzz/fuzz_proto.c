// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer: the data-channel header parser (kmod/proto.c) on any bytes.
 * What it accepts must lie inside the buffer, and building the header
 * again from what it parsed must give back the same bytes (for V1, whose
 * opcode byte is not authenticated, and V2, whose peer-id is).
 */
#include <stdio.h>
#include <stdlib.h>
#include "proto.h"

#define REQUIRE(c) do { if (!(c)) { \
	fprintf(stderr, "proto: %s failed\n", #c); abort(); } } while (0)

int LLVMFuzzerTestOneInput(const u8 *data, size_t size)
{
	struct nf_ovpn_hdr hdr, again;
	u8 buf[NF_OVPN_MAX_HLEN + 1];
	int err, hlen;

	err = nf_ovpn_parse_hdr(data, size, &hdr);
	if (err) {
		REQUIRE(err == -EINVAL || err == -EMSGSIZE);
		/* -EINVAL: not a data packet; -EMSGSIZE: no ciphertext */
		REQUIRE(err != -EINVAL || !size ||
			!nf_ovpn_is_data_op(nf_ovpn_opcode(data[0])));
		REQUIRE(err != -EMSGSIZE ||
			size <= nf_ovpn_hdr_len(nf_ovpn_opcode(data[0])));
		return 0;
	}
	REQUIRE(nf_ovpn_is_data_op(hdr.opcode));
	REQUIRE(hdr.key_id <= NF_OVPN_KEY_ID_MAX);
	REQUIRE(hdr.ct_off == nf_ovpn_hdr_len(hdr.opcode));
	REQUIRE(hdr.ct_len >= 1 && hdr.ct_off + hdr.ct_len == size);
	REQUIRE(hdr.aad_off + hdr.aad_len <= hdr.tag_off);
	REQUIRE(hdr.tag_off + NF_OVPN_TAG_LEN == hdr.ct_off);

	/* packet-id 0 is the replay window's to refuse, not the builder's */
	if (!hdr.pktid)
		return 0;
	again = hdr;
	memcpy(buf, data, hdr.ct_off);
	hlen = nf_ovpn_build_hdr(buf, sizeof(buf), &again);
	REQUIRE(hlen == hdr.ct_off);
	REQUIRE(!memcmp(buf, data, hdr.ct_off));
	REQUIRE(again.aad_off == hdr.aad_off && again.tag_off == hdr.tag_off);
	if (hdr.opcode == NF_OVPN_OP_DATA_V2)
		REQUIRE(again.peer_id == hdr.peer_id);

	/* the keepalive test reads no more than it is given */
	(void)nf_ovpn_is_keepalive(data + hdr.ct_off, hdr.ct_len);
	return 0;
}
