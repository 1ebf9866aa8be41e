// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer: the RX replay window (kmod/pktid.c) against a model written
 * the plain way.  The input is a program: each 5-byte step is an
 * operation and a 32-bit argument.  After every step the window and the
 * model must give the same answer; an export must match the model bit for
 * bit.
 *
 * The model remembers, per ring slot, the packet-id that last marked it:
 * an id is "seen" when its slot holds exactly that id and it is inside the
 * window.  No bit tricks, so it does not share the window's bugs.
 */
#include <stdio.h>
#include <stdlib.h>
#include "pktid.h"

#define W NF_OVPN_REPLAY_WINDOW

struct model {
	u32 top;
	u32 slot[W];
};

static int model_check(const struct model *m, u32 id)
{
	if (!id)
		return -EINVAL;
	if (id > m->top)
		return 0;
	if (m->top - id >= W)
		return -ERANGE;
	return m->slot[id % W] == id ? -EEXIST : 0;
}

static void model_accept(struct model *m, u32 id)
{
	if (id > m->top)
		m->top = id;
	m->slot[id % W] = id;
}

static void model_import(struct model *m, u32 top, const u8 *bm, size_t len)
{
	u32 i;

	memset(m, 0, sizeof(*m));
	m->top = top;
	for (i = 0; i < W && i < top; i++)
		if (i >= len * 8 || (bm[i / 8] >> (i % 8)) & 1)
			m->slot[(top - i) % W] = top - i;
}

static void fail(const char *what, u32 arg, long got, long want)
{
	fprintf(stderr, "replay window: %s(%u) = %ld, model says %ld\n",
		what, arg, got, want);
	abort();
}

static u32 load32(const u8 *p)
{
	return (u32)p[0] << 24 | (u32)p[1] << 16 | (u32)p[2] << 8 | p[3];
}

int LLVMFuzzerTestOneInput(const u8 *data, size_t size)
{
	static struct model m;
	struct nf_ovpn_replay win;
	u8 bm[NF_OVPN_REPLAY_BYTES], mbm[NF_OVPN_REPLAY_BYTES];
	size_t pos = 0;

	nf_ovpn_replay_init(&win);
	memset(&m, 0, sizeof(m));
	while (pos + 5 <= size) {
		u8 op = data[pos];
		u32 arg = load32(data + pos + 1);
		u32 id, i;
		int got, want;

		pos += 5;
		switch (op % 6) {
		case 0:		/* an id near the top, as traffic brings */
		case 1:
			id = m.top + (u32)(s32)(int16_t)arg;
			goto accept;
		case 2:		/* anywhere */
			id = arg;
accept:
			want = model_check(&m, id);
			got = nf_ovpn_replay_check(&win, id);
			if (got != want)
				fail("check", id, got, want);
			got = nf_ovpn_replay_check_and_update(&win, id);
			if (got != want)
				fail("check_and_update", id, got, want);
			if (!want)
				model_accept(&m, id);
			break;
		case 3:		/* update without a check, as hand-back does */
			id = m.top + (u32)(s32)(int16_t)arg;
			nf_ovpn_replay_update(&win, id);
			if (id && !(id <= m.top && m.top - id >= W))
				model_accept(&m, id);
			break;
		case 4: {	/* import a window from the rest of the input */
			size_t len = (arg >> 16) % (NF_OVPN_REPLAY_BYTES + 2);
			u32 top = m.top + (u32)(s32)(int16_t)arg;

			if (len > size - pos)
				len = size - pos;
			got = nf_ovpn_replay_import(&win, top, data + pos, len);
			if (len > NF_OVPN_REPLAY_BYTES) {
				if (got != -EINVAL)
					fail("import(oversized)", len, got, -EINVAL);
				break;
			}
			if (got)
				fail("import", top, got, 0);
			model_import(&m, top, data + pos, len);
			pos += len;
			break;
		}
		default:	/* export must be what the model remembers */
			if (nf_ovpn_replay_export(&win, bm) != m.top)
				fail("export top", 0, win.top, m.top);
			memset(mbm, 0, sizeof(mbm));
			for (i = 0; i < W && i < m.top; i++)
				if (model_check(&m, m.top - i) == -EEXIST)
					mbm[i / 8] |= 1U << (i % 8);
			if (memcmp(bm, mbm, sizeof(bm)))
				fail("export bitmap", m.top, 0, 1);
			break;
		}
	}
	return 0;
}
