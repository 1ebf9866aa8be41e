// SPDX-License-Identifier: GPL-2.0
/* Unit tests: RX replay window and TX packet-id allocation (kmod/pktid.c). */
#include <pthread.h>
#include <stdlib.h>
#include "harness.h"
#include "pktid.h"

#define W NF_OVPN_REPLAY_WINDOW

static int accept(struct nf_ovpn_replay *win, u32 id)
{
	return nf_ovpn_replay_check_and_update(win, id);
}

static void t_init(void)
{
	struct nf_ovpn_replay win;

	nf_ovpn_replay_init(&win);
	CHECK_EQ(win.top, 0);
	CHECK_EQ(nf_ovpn_replay_check(&win, 1), 0);
	CHECK_EQ(nf_ovpn_replay_check(&win, 0xFFFFFFFF), 0);
	CHECK_EQ(nf_ovpn_replay_check(&win, 0), -EINVAL);
}

static void t_in_order(void)
{
	struct nf_ovpn_replay win;
	u32 id;
	int bad = 0;

	nf_ovpn_replay_init(&win);
	for (id = 1; id <= 5000; id++)
		bad += accept(&win, id) != 0;
	CHECK_EQ(bad, 0);
	CHECK_EQ(win.top, 5000);
	for (id = 5000 - W + 1; id <= 5000; id++)
		bad += nf_ovpn_replay_check(&win, id) != -EEXIST;
	CHECK_EQ(bad, 0);
	for (id = 1; id <= 5000 - W; id++)
		bad += nf_ovpn_replay_check(&win, id) != -ERANGE;
	CHECK_EQ(bad, 0);
	CHECK_EQ(nf_ovpn_replay_check(&win, 5001), 0);
}

static void t_out_of_order(void)
{
	struct nf_ovpn_replay win;

	nf_ovpn_replay_init(&win);
	CHECK_EQ(accept(&win, 100), 0);
	CHECK_EQ(accept(&win, 50), 0);
	CHECK_EQ(accept(&win, 99), 0);
	CHECK_EQ(accept(&win, 1), 0);
	CHECK_EQ(win.top, 100);
	CHECK_EQ(accept(&win, 50), -EEXIST);
	CHECK_EQ(accept(&win, 99), -EEXIST);
	CHECK_EQ(accept(&win, 1), -EEXIST);
	CHECK_EQ(accept(&win, 98), 0);
	CHECK_EQ(accept(&win, 102), 0);
	CHECK_EQ(accept(&win, 101), 0);
	CHECK_EQ(accept(&win, 101), -EEXIST);
	CHECK_EQ(win.top, 102);
}

static void t_duplicate(void)
{
	struct nf_ovpn_replay win;

	nf_ovpn_replay_init(&win);
	CHECK_EQ(accept(&win, 7), 0);
	CHECK_EQ(accept(&win, 7), -EEXIST);
	CHECK_EQ(nf_ovpn_replay_check(&win, 7), -EEXIST);
	CHECK_EQ(win.top, 7);
}

static void t_too_old(void)
{
	struct nf_ovpn_replay win;

	nf_ovpn_replay_init(&win);
	CHECK_EQ(accept(&win, 5000), 0);
	CHECK_EQ(nf_ovpn_replay_check(&win, 5000 - W), -ERANGE);
	CHECK_EQ(nf_ovpn_replay_check(&win, 5000 - W + 1), 0);
	CHECK_EQ(accept(&win, 5000 - W + 1), 0);
	CHECK_EQ(accept(&win, 5000 - W + 1), -EEXIST);
	CHECK_EQ(accept(&win, 1), -ERANGE);
	CHECK_EQ(win.top, 5000);
}

static void t_pktid_zero(void)
{
	struct nf_ovpn_replay win, copy;

	nf_ovpn_replay_init(&win);
	CHECK_EQ(accept(&win, 0), -EINVAL);
	CHECK_EQ(win.top, 0);
	CHECK_EQ(accept(&win, 3), 0);
	copy = win;
	CHECK_EQ(accept(&win, 0), -EINVAL);
	CHECK(!memcmp(&copy, &win, sizeof(win)));
}

static void t_check_is_pure(void)
{
	struct nf_ovpn_replay win, copy;

	nf_ovpn_replay_init(&win);
	accept(&win, 10);
	copy = win;
	CHECK_EQ(nf_ovpn_replay_check(&win, 11), 0);
	CHECK_EQ(nf_ovpn_replay_check(&win, 11), 0);
	CHECK_EQ(nf_ovpn_replay_check(&win, 5), 0);
	CHECK_EQ(nf_ovpn_replay_check(&win, 100000), 0);
	CHECK(!memcmp(&copy, &win, sizeof(win)));
	/* a failing check_and_update changes nothing either */
	CHECK_EQ(accept(&win, 10), -EEXIST);
	CHECK(!memcmp(&copy, &win, sizeof(win)));
}

static void t_update_direct(void)
{
	struct nf_ovpn_replay win;

	nf_ovpn_replay_init(&win);
	nf_ovpn_replay_update(&win, 20);
	nf_ovpn_replay_update(&win, 18);
	CHECK_EQ(win.top, 20);
	CHECK_EQ(nf_ovpn_replay_check(&win, 20), -EEXIST);
	CHECK_EQ(nf_ovpn_replay_check(&win, 18), -EEXIST);
	CHECK_EQ(nf_ovpn_replay_check(&win, 19), 0);
	/* 0 and too-old ids must not alias a live ring bit */
	nf_ovpn_replay_update(&win, 5000);
	nf_ovpn_replay_update(&win, 4999 - W);	/* aliases 4999 */
	nf_ovpn_replay_update(&win, 0);
	CHECK_EQ(win.top, 5000);
	CHECK_EQ(nf_ovpn_replay_check(&win, 5000), -EEXIST);
	CHECK_EQ(nf_ovpn_replay_check(&win, 4096), 0);
	CHECK_EQ(nf_ovpn_replay_check(&win, 4999), 0);
}

static void t_big_jump(void)
{
	struct nf_ovpn_replay win;
	u32 id;
	int bad = 0;

	nf_ovpn_replay_init(&win);
	for (id = 1; id <= 10; id++)
		accept(&win, id);
	CHECK_EQ(accept(&win, 1000000), 0);
	CHECK_EQ(win.top, 1000000);
	/* nothing of the old ring may survive the reset */
	for (id = 1000000 - W + 1; id < 1000000; id++)
		bad += nf_ovpn_replay_check(&win, id) != 0;
	CHECK_EQ(bad, 0);
	CHECK_EQ(nf_ovpn_replay_check(&win, 10), -ERANGE);

	/* a jump of exactly the window */
	nf_ovpn_replay_init(&win);
	CHECK_EQ(accept(&win, 1), 0);
	CHECK_EQ(accept(&win, 1 + W), 0);
	CHECK_EQ(nf_ovpn_replay_check(&win, 1), -ERANGE);
	CHECK_EQ(nf_ovpn_replay_check(&win, 2), 0);
	CHECK_EQ(nf_ovpn_replay_check(&win, 1 + W), -EEXIST);
}

static void t_jump_window_minus_one(void)
{
	struct nf_ovpn_replay win;
	u32 id;
	int bad = 0;

	nf_ovpn_replay_init(&win);
	for (id = 1; id <= 100; id++)
		accept(&win, id);
	CHECK_EQ(accept(&win, 100 + W - 1), 0);
	/* 100 is still inside the window and was seen; 101.. were not */
	CHECK_EQ(nf_ovpn_replay_check(&win, 100), -EEXIST);
	CHECK_EQ(nf_ovpn_replay_check(&win, 99), -ERANGE);
	for (id = 101; id < 100 + W - 1; id++)
		bad += nf_ovpn_replay_check(&win, id) != 0;
	CHECK_EQ(bad, 0);
}

static void t_jump_unaligned(void)
{
	struct nf_ovpn_replay win;
	u32 start, step, id;
	int bad = 0;

	/* every start/step mix, crossing 64-bit word and ring boundaries */
	for (start = 1; start < 200; start += 13) {
		for (step = 1; step < W + 70; step += 37) {
			nf_ovpn_replay_init(&win);
			for (id = start; id < start + W; id++)
				accept(&win, id);
			id = start + W - 1 + step;
			accept(&win, id);
			for (u32 j = id - W + 1; j < id; j++) {
				int want = j <= start + W - 1 ? -EEXIST : 0;

				bad += nf_ovpn_replay_check(&win, j) != want;
			}
			bad += nf_ovpn_replay_check(&win, id - W) != -ERANGE;
		}
	}
	CHECK_EQ(bad, 0);
}

static void t_wrap_near_u32_max(void)
{
	struct nf_ovpn_replay win;
	u32 id;
	int bad = 0;

	nf_ovpn_replay_init(&win);
	for (id = 0xFFFFFFF0; id != 0; id++)
		bad += accept(&win, id) != 0;
	CHECK_EQ(bad, 0);
	CHECK_EQ(win.top, 0xFFFFFFFF);
	CHECK_EQ(accept(&win, 0xFFFFFFFF), -EEXIST);
	CHECK_EQ(accept(&win, 0xFFFFFFF0), -EEXIST);
	CHECK_EQ(accept(&win, 0xFFFFFFEF), 0);
	/* small ids are not "after a wrap": they are ancient */
	CHECK_EQ(accept(&win, 5), -ERANGE);
	CHECK_EQ(accept(&win, 1), -ERANGE);
	CHECK_EQ(accept(&win, 0), -EINVAL);
	CHECK_EQ(accept(&win, 0xFFFFFFFF - W), -ERANGE);
	CHECK_EQ(accept(&win, 0xFFFFFFFF - W + 1), 0);
	CHECK_EQ(win.top, 0xFFFFFFFF);
}

/* a deliberately naive model: one flag per id */
#define MODEL_IDS (1u << 18)

static int model_check(const u8 *seen, u32 top, u32 id)
{
	if (!id)
		return -EINVAL;
	if (id > top)
		return 0;
	if (top - id >= W)
		return -ERANGE;
	return seen[id] ? -EEXIST : 0;
}

static void t_random_vs_model(void)
{
	struct nf_ovpn_replay win;
	u8 *seen = calloc(MODEL_IDS, 1);
	u32 top = 0, id;
	int i, bad = 0;

	srand(12345);
	nf_ovpn_replay_init(&win);
	for (i = 0; i < 400000 && seen; i++) {
		int r = rand() % 100, want;

		if (r < 60)
			id = top + 1 + rand() % 8;		/* forward */
		else if (r < 90)
			id = top - rand() % (W + 100);		/* reorder/old */
		else if (r < 99)
			id = top + rand() % (2 * W);		/* jump */
		else
			id = rand() % MODEL_IDS;
		if (id >= MODEL_IDS)
			continue;
		want = model_check(seen, top, id);
		bad += nf_ovpn_replay_check(&win, id) != want;
		bad += accept(&win, id) != want;
		if (!want) {
			seen[id] = 1;
			if (id > top)
				top = id;
		}
		bad += win.top != top;
	}
	CHECK(seen);
	CHECK_EQ(bad, 0);
	free(seen);
}

static void t_export_format(void)
{
	struct nf_ovpn_replay win;
	u8 bm[NF_OVPN_REPLAY_BYTES];
	int i, set = 0;

	nf_ovpn_replay_init(&win);
	CHECK_EQ(nf_ovpn_replay_export(&win, bm), 0);
	for (i = 0; i < NF_OVPN_REPLAY_BYTES; i++)
		set += bm[i] != 0;
	CHECK_EQ(set, 0);

	accept(&win, 90);
	accept(&win, 99);
	accept(&win, 100);
	CHECK_EQ(nf_ovpn_replay_export(&win, bm), 100);
	CHECK_EQ(bm[0], 0x03);		/* 100 (bit 0), 99 (bit 1) */
	CHECK_EQ(bm[1], 0x04);		/* 90 = 100 - 10 -> bit 10 */
	for (i = 2, set = 0; i < NF_OVPN_REPLAY_BYTES; i++)
		set += bm[i] != 0;
	CHECK_EQ(set, 0);

	/* the last bit is the oldest id in the window */
	nf_ovpn_replay_init(&win);
	accept(&win, 10000 - W + 1);
	accept(&win, 10000);
	CHECK_EQ(nf_ovpn_replay_export(&win, bm), 10000);
	CHECK_EQ(bm[0], 0x01);
	CHECK_EQ(bm[NF_OVPN_REPLAY_BYTES - 1], 0x80);
}

static void t_export_import_roundtrip(void)
{
	struct nf_ovpn_replay a, b;
	u8 bm[NF_OVPN_REPLAY_BYTES], bm2[NF_OVPN_REPLAY_BYTES];
	u32 id, top;
	int i, bad = 0;

	srand(777);
	nf_ovpn_replay_init(&a);
	for (i = 0; i < 20000; i++)
		accept(&a, 1 + rand() % 30000);
	top = nf_ovpn_replay_export(&a, bm);
	CHECK_EQ(top, a.top);
	CHECK_EQ(nf_ovpn_replay_import(&b, top, bm, sizeof(bm)), 0);
	for (id = top - 3000; id <= top + 10; id++)
		bad += nf_ovpn_replay_check(&a, id) !=
		       nf_ovpn_replay_check(&b, id);
	CHECK_EQ(bad, 0);
	CHECK_EQ(nf_ovpn_replay_export(&b, bm2), top);
	CHECK(!memcmp(bm, bm2, sizeof(bm)));
	/* and it keeps working after the hand-over */
	CHECK_EQ(accept(&b, top + 1), 0);
	CHECK_EQ(accept(&b, top + 1), -EEXIST);
}

static void t_import_short(void)
{
	struct nf_ovpn_replay win;
	u8 bm[8] = { 0x21 };	/* bits 0 and 5: 5000 and 4995 seen */

	CHECK_EQ(nf_ovpn_replay_import(&win, 5000, bm, sizeof(bm)), 0);
	CHECK_EQ(win.top, 5000);
	CHECK_EQ(nf_ovpn_replay_check(&win, 5000), -EEXIST);
	CHECK_EQ(nf_ovpn_replay_check(&win, 4995), -EEXIST);
	CHECK_EQ(nf_ovpn_replay_check(&win, 4999), 0);
	CHECK_EQ(nf_ovpn_replay_check(&win, 5000 - 63), 0);
	/* beyond what the bitmap covered: unknown, so treated as seen */
	CHECK_EQ(nf_ovpn_replay_check(&win, 5000 - 64), -EEXIST);
	CHECK_EQ(nf_ovpn_replay_check(&win, 5000 - W + 1), -EEXIST);
	CHECK_EQ(nf_ovpn_replay_check(&win, 5000 - W), -ERANGE);
	CHECK_EQ(nf_ovpn_replay_check(&win, 5001), 0);
	CHECK_EQ(nf_ovpn_replay_check_and_update(&win, 4999), 0);
	CHECK_EQ(nf_ovpn_replay_check_and_update(&win, 4999), -EEXIST);
}

static void t_import_edge(void)
{
	struct nf_ovpn_replay win;
	u8 bm[NF_OVPN_REPLAY_BYTES + 1], out[NF_OVPN_REPLAY_BYTES];
	int i, set = 0;

	memset(bm, 0xFF, sizeof(bm));
	CHECK_EQ(nf_ovpn_replay_import(&win, 5, bm, sizeof(bm)), -EINVAL);
	/* no bitmap: everything up to top counts as seen */
	CHECK_EQ(nf_ovpn_replay_import(&win, 500, NULL, 0), 0);
	CHECK_EQ(nf_ovpn_replay_check(&win, 500), -EEXIST);
	CHECK_EQ(nf_ovpn_replay_check(&win, 1), -EEXIST);
	CHECK_EQ(nf_ovpn_replay_check(&win, 501), 0);
	/* fresh key handed over: top 0 */
	CHECK_EQ(nf_ovpn_replay_import(&win, 0, bm, NF_OVPN_REPLAY_BYTES), 0);
	CHECK_EQ(nf_ovpn_replay_check(&win, 1), 0);
	CHECK_EQ(nf_ovpn_replay_export(&win, out), 0);
	for (i = 0; i < NF_OVPN_REPLAY_BYTES; i++)
		set += out[i] != 0;
	CHECK_EQ(set, 0);
	/* bits for ids <= 0 are ignored */
	CHECK_EQ(nf_ovpn_replay_import(&win, 10, bm, NF_OVPN_REPLAY_BYTES), 0);
	CHECK_EQ(nf_ovpn_replay_export(&win, out), 10);
	CHECK_EQ(out[0], 0xFF);
	CHECK_EQ(out[1], 0x03);
	for (i = 2, set = 0; i < NF_OVPN_REPLAY_BYTES; i++)
		set += out[i] != 0;
	CHECK_EQ(set, 0);
	/* near the top of the id space */
	memset(bm, 0, sizeof(bm));
	CHECK_EQ(nf_ovpn_replay_import(&win, 0xFFFFFFFF, bm,
				       NF_OVPN_REPLAY_BYTES), 0);
	CHECK_EQ(nf_ovpn_replay_check(&win, 0xFFFFFFFF), 0);
	CHECK_EQ(accept(&win, 0xFFFFFFFF), 0);
	CHECK_EQ(accept(&win, 0xFFFFFFFF), -EEXIST);
}

static void t_tx_basic(void)
{
	struct nf_ovpn_pktid_tx tx;
	u32 id = 0;

	CHECK_EQ(nf_ovpn_pktid_tx_init(&tx, 0), -EINVAL);
	CHECK_EQ(nf_ovpn_pktid_tx_init(&tx, 1), 0);
	CHECK_EQ(nf_ovpn_pktid_tx_peek(&tx), 1);
	CHECK_EQ(nf_ovpn_pktid_tx_next(&tx, &id), 0);
	CHECK_EQ(id, 1);
	CHECK_EQ(nf_ovpn_pktid_tx_next(&tx, &id), 0);
	CHECK_EQ(id, 2);
	CHECK_EQ(nf_ovpn_pktid_tx_peek(&tx), 3);
	CHECK(!nf_ovpn_pktid_tx_near_wrap(&tx));
	/* hand-over from userspace continues where it left off */
	CHECK_EQ(nf_ovpn_pktid_tx_init(&tx, 12345), 0);
	CHECK_EQ(nf_ovpn_pktid_tx_next(&tx, &id), 0);
	CHECK_EQ(id, 12345);
}

static void t_tx_exhaustion(void)
{
	struct nf_ovpn_pktid_tx tx;
	u32 id = 0;

	CHECK_EQ(nf_ovpn_pktid_tx_init(&tx, 0xFFFFFFFE), 0);
	CHECK(nf_ovpn_pktid_tx_near_wrap(&tx));
	CHECK_EQ(nf_ovpn_pktid_tx_next(&tx, &id), 0);
	CHECK_EQ(id, 0xFFFFFFFE);
	CHECK_EQ(nf_ovpn_pktid_tx_peek(&tx), 0xFFFFFFFF);
	CHECK_EQ(nf_ovpn_pktid_tx_next(&tx, &id), 0);
	CHECK_EQ(id, 0xFFFFFFFF);
	CHECK_EQ(nf_ovpn_pktid_tx_peek(&tx), 0);
	id = 42;
	CHECK_EQ(nf_ovpn_pktid_tx_next(&tx, &id), -ERANGE);
	CHECK_EQ(id, 42);
	CHECK_EQ(nf_ovpn_pktid_tx_next(&tx, &id), -ERANGE);
	CHECK_EQ(nf_ovpn_pktid_tx_peek(&tx), 0);
	CHECK(nf_ovpn_pktid_tx_near_wrap(&tx));
	/* a key handed over with the last id still usable */
	CHECK_EQ(nf_ovpn_pktid_tx_init(&tx, 0xFFFFFFFF), 0);
	CHECK_EQ(nf_ovpn_pktid_tx_next(&tx, &id), 0);
	CHECK_EQ(id, 0xFFFFFFFF);
	CHECK_EQ(nf_ovpn_pktid_tx_next(&tx, &id), -ERANGE);
}

static void t_tx_near_wrap(void)
{
	struct nf_ovpn_pktid_tx tx;
	u32 id;

	CHECK_EQ(nf_ovpn_pktid_tx_init(&tx, NF_OVPN_PKTID_WRAP_TRIGGER - 1), 0);
	CHECK(!nf_ovpn_pktid_tx_near_wrap(&tx));
	CHECK_EQ(nf_ovpn_pktid_tx_next(&tx, &id), 0);
	CHECK_EQ(id, NF_OVPN_PKTID_WRAP_TRIGGER - 1);
	CHECK(nf_ovpn_pktid_tx_near_wrap(&tx));
	CHECK_EQ(nf_ovpn_pktid_tx_next(&tx, &id), 0);
	CHECK_EQ(id, NF_OVPN_PKTID_WRAP_TRIGGER);
}

#define TX_THREADS	4
#define TX_PER_THREAD	100000

static struct nf_ovpn_pktid_tx tx_shared;
static u8 tx_seen[TX_THREADS * TX_PER_THREAD + 2];

static void *tx_worker(void *arg)
{
	int i, *bad = arg;
	u32 id;

	for (i = 0; i < TX_PER_THREAD; i++) {
		if (nf_ovpn_pktid_tx_next(&tx_shared, &id) ||
		    id >= sizeof(tx_seen) ||
		    __atomic_fetch_add(&tx_seen[id], 1, __ATOMIC_RELAXED))
			(*bad)++;
	}
	return NULL;
}

static void t_tx_concurrent_unique(void)
{
	pthread_t th[TX_THREADS];
	int bad[TX_THREADS] = { 0 }, i, sum = 0;

	nf_ovpn_pktid_tx_init(&tx_shared, 1);
	for (i = 0; i < TX_THREADS; i++)
		CHECK_EQ(pthread_create(&th[i], NULL, tx_worker, &bad[i]), 0);
	for (i = 0; i < TX_THREADS; i++) {
		pthread_join(th[i], NULL);
		sum += bad[i];
	}
	CHECK_EQ(sum, 0);
	CHECK_EQ(tx_seen[0], 0);
	CHECK_EQ(nf_ovpn_pktid_tx_peek(&tx_shared),
		 TX_THREADS * TX_PER_THREAD + 1);
}

const struct unit_test pktid_tests[] = {
	{ "replay: init, pktid 0 invalid", t_init },
	{ "replay: in order, window edge", t_in_order },
	{ "replay: out of order within window", t_out_of_order },
	{ "replay: duplicate", t_duplicate },
	{ "replay: too old", t_too_old },
	{ "replay: pktid 0 changes nothing", t_pktid_zero },
	{ "replay: check does not update", t_check_is_pure },
	{ "replay: update", t_update_direct },
	{ "replay: jump beyond window resets", t_big_jump },
	{ "replay: jump of window - 1 keeps the edge", t_jump_window_minus_one },
	{ "replay: unaligned jumps clear exactly", t_jump_unaligned },
	{ "replay: near 2^32, no wrap", t_wrap_near_u32_max },
	{ "replay: 400k random ops vs naive model", t_random_vs_model },
	{ "replay: export bitmap format", t_export_format },
	{ "replay: export/import round trip", t_export_import_roundtrip },
	{ "replay: import of a short bitmap", t_import_short },
	{ "replay: import edge cases", t_import_edge },
	{ "tx: allocation and hand-over", t_tx_basic },
	{ "tx: exhaustion never wraps", t_tx_exhaustion },
	{ "tx: near-wrap trigger", t_tx_near_wrap },
	{ "tx: concurrent allocation is unique", t_tx_concurrent_unique },
	{ NULL, NULL },
};
