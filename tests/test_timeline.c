/*
 * test_timeline.c - the activity sketch (detect/timeline.h): the sketch of
 * a set of messages does not depend on their order, and merging sketches
 * of pieces (in any order) gives the sketch of the whole; the rows a report
 * spreads add up to the totals; a steady rhythm is told from bursts.
 */
#include <string.h>

#include "check_util.h"
#include "timeline.h"

static uint64_t rng = 0x243f6a8885a308d3u;
static uint64_t rnd(void)
{
	rng ^= rng >> 12;
	rng ^= rng << 25;
	rng ^= rng >> 27;
	return rng * 0x2545f4914f6cdd1du;
}

#define NMSG 3000
static uint64_t ts[NMSG];
static uint32_t wq[NMSG], wo[NMSG], wi[NMSG];

static void make(uint64_t base, uint64_t span_s)
{
	for (int i = 0; i < NMSG; i++) {
		ts[i] = base + rnd() % (span_s * 1000000000ull);
		wq[i] = rnd() % 2;
		wo[i] = wq[i] ? rnd() % 200 : 0;
		wi[i] = wq[i] ? 0 : rnd() % 300;
	}
}

static void add_range(timeline_t *t, int from, int to)
{
	for (int i = from; i < to; i++)
		timeline_add(t, ts[i], wq[i], wo[i], wi[i]);
}

START_TEST(pieces_equal_whole)
{
	static const uint64_t spans[] = {1, 20, 31, 32, 33, 600, 3600, 86400 * 3, 86400 * 400};
	for (size_t s = 0; s < sizeof spans / sizeof spans[0]; s++) {
		make(1767225600ull * 1000000000ull, spans[s]);
		timeline_t whole, rev, merged;
		memset(&whole, 0, sizeof whole);
		memset(&rev, 0, sizeof rev);
		memset(&merged, 0, sizeof merged);
		add_range(&whole, 0, NMSG);
		for (int i = NMSG; i-- > 0;)
			timeline_add(&rev, ts[i], wq[i], wo[i], wi[i]);
		ck_assert_msg(memcmp(&whole, &rev, sizeof whole) == 0, "order matters, span %llu",
			      (unsigned long long)spans[s]);
		/* pieces, merged last-first */
		int cut[] = {0, 7, 500, 501, 1800, NMSG};
		for (int k = 4; k >= 0; k--) {
			timeline_t p;
			memset(&p, 0, sizeof p);
			add_range(&p, cut[k], cut[k + 1]);
			timeline_merge(&merged, &p);
		}
		ck_assert_msg(memcmp(&whole, &merged, sizeof whole) == 0,
			      "pieces differ from the whole, span %llu", (unsigned long long)spans[s]);
		ck_assert_uint_le(whole.hi - whole.lo, TL_N - 1);
		/* the smallest level that fits */
		if (whole.level)
			ck_assert_uint_ge(((whole.hi << 1) | 1) - (whole.lo << 1), TL_N - 1);
		timeline_row_t rows[TL_N];
		uint64_t w, q = 0, o = 0, in = 0;
		size_t n = timeline_spread(&whole, 12345, 678901, 23, &w, rows);
		ck_assert_uint_eq(n, whole.hi - whole.lo + 1);
		ck_assert_uint_eq(w, 1ull << whole.level);
		for (size_t i = 0; i < n; i++) {
			q += rows[i].queries;
			o += rows[i].bytes_out;
			in += rows[i].bytes_in;
			if (i)
				ck_assert_uint_eq(rows[i].start_s, rows[i - 1].start_s + w);
		}
		ck_assert_uint_eq(q, 12345);
		ck_assert_uint_eq(o, 678901);
		ck_assert_uint_eq(in, 23);
		ck_assert_uint_le(rows[0].start_s, ts[0] / 1000000000u);
	}
}
END_TEST

/* the one-second counters give the timeline of their messages */
START_TEST(one_second)
{
	timeline_one_t o;
	timeline_t t, u;
	memset(&o, 0, sizeof o);
	memset(&t, 0, sizeof t);
	uint64_t t0 = 1767225600ull * 1000000000ull;
	for (int i = 0; i < 50; i++) {
		uint64_t at = t0 + rnd() % 1000000000ull;
		ck_assert(timeline_one_add(&o, at, 1, (uint64_t)i, 7));
		timeline_add(&t, at, 1, (uint64_t)i, 7);
	}
	ck_assert(!timeline_one_add(&o, t0 + 1000000000ull, 1, 0, 0));
	ck_assert_uint_eq(o.n, 50);
	timeline_from_one(&u, &o);
	ck_assert(memcmp(&t, &u, sizeof t) == 0);
}
END_TEST

START_TEST(rhythm)
{
	timeline_t t;
	double p, j;
	/* one query a minute for an hour, a few seconds of jitter */
	memset(&t, 0, sizeof t);
	uint64_t t0 = 1767225600ull * 1000000000ull;
	for (int i = 0; i < 60; i++)
		timeline_add(&t, t0 + (uint64_t)i * 60000000000ull + rnd() % 3000000000ull, 1, 40, 0);
	ck_assert(timeline_rhythm(&t, t0, t0 + 59ull * 60000000000ull, 60, &p, &j));
	ck_assert(p > 59 && p < 61);
	ck_assert(j <= TL_RHYTHM_MAX_CV);
	/* bursts: 30 queries in one minute, 30 in another an hour later */
	memset(&t, 0, sizeof t);
	for (int i = 0; i < 30; i++) {
		timeline_add(&t, t0 + (uint64_t)i * 1000000000ull, 1, 40, 0);
		timeline_add(&t, t0 + 3600000000000ull + (uint64_t)i * 1000000000ull, 1, 40, 0);
	}
	ck_assert(!timeline_rhythm(&t, t0, t0 + 3629000000000ull, 60, &p, &j));
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("timeline");
	TCase *tc = tcase_create("core");
	tcase_add_test(tc, pieces_equal_whole);
	tcase_add_test(tc, one_second);
	tcase_add_test(tc, rhythm);
	suite_add_tcase(s, tc);
	return s;
}

DNSTS_CHECK_MAIN(suite)
