/*
 * test_defrag.c - IP fragment reassembly.
 *
 * The overlap tests follow the Sturges/Novak layout used by Suricata's
 * defrag tests: 17 fragments, each filled with one letter, eight of them
 * overlapping the others; the expected strings for "first wins" and "last
 * wins" are Suricata's DefragSturgesNovakFirstTest/LastTest results (and
 * can be checked by hand from the layout below).
 */
#include <stdlib.h>
#include <string.h>

#include "capture.h"
#include "check_util.h"
#include "decode.h"
#include "defrag.h"

#define SEC 1000000000ull

typedef struct {
	uint8_t buf[70000];
	ip_frag_t f;
} tfrag_t;

/* A fragment of datagram id from 1.1.1.1 to 2.2.2.2 (or 2001:db8::1 to
 * 2001:db8::2 when v6), len bytes of the letter c at byte offset off. */
static ip_frag_t *mk(tfrag_t *t, int v6, uint32_t id, uint32_t off, int more, char c,
		     uint32_t len)
{
	memset(&t->f, 0, sizeof(t->f));
	t->f.src.v = t->f.dst.v = v6 ? 6 : 4;
	if (v6) {
		static const uint8_t pre[] = {0x20, 0x01, 0x0d, 0xb8};
		memcpy(t->f.src.a, pre, 4);
		memcpy(t->f.dst.a, pre, 4);
		t->f.src.a[15] = 1;
		t->f.dst.a[15] = 2;
	} else {
		memset(t->f.src.a, 1, 4);
		memset(t->f.dst.a, 2, 4);
	}
	t->f.id = id;
	t->f.proto = 17;
	t->f.offset = off;
	t->f.more = more != 0;
	memset(t->buf, c, len);
	t->f.data = t->buf;
	t->f.len = len;
	return &t->f;
}

static int add(defrag_t *d, uint64_t ts, const ip_frag_t *f, const uint8_t **out,
	       uint32_t *outlen)
{
	ip_frag_t done;
	return defrag_add(d, ts, f, out, outlen, &done);
}

static defrag_t *mk_defrag(enum defrag_policy pol)
{
	defrag_limits_t lim = {0};
	lim.policy = pol;
	defrag_t *d = defrag_new(&lim);
	ck_assert_ptr_nonnull(d);
	return d;
}

START_TEST(in_order_simple)
{
	defrag_t *d = mk_defrag(DEFRAG_POLICY_FIRST);
	tfrag_t t;
	const uint8_t *out = NULL;
	uint32_t outlen = 0;
	ip_frag_t done;

	ck_assert_int_eq(defrag_add(d, 1, mk(&t, 0, 12, 0, 1, 'A', 8), &out, &outlen, &done), 0);
	ck_assert_int_eq(defrag_add(d, 2, mk(&t, 0, 12, 8, 1, 'B', 8), &out, &outlen, &done), 0);
	ck_assert_uint_eq(defrag_bytes_held(d) >= 16, 1);
	ck_assert_int_eq(defrag_add(d, 3, mk(&t, 0, 12, 16, 0, 'C', 3), &out, &outlen, &done), 1);
	ck_assert_uint_eq(outlen, 19);
	ck_assert_mem_eq(out, "AAAAAAAABBBBBBBBCCC", 19);
	ck_assert_uint_eq(done.id, 12);
	ck_assert_uint_eq(done.proto, 17);
	ck_assert_uint_eq(done.src.v, 4);
	ck_assert_uint_eq(done.src.a[0], 1);
	ck_assert_uint_eq(done.dst.a[3], 2);
	ck_assert_uint_eq(done.len, 19);

	const defrag_stats_t *st = defrag_stats(d);
	ck_assert_uint_eq(st->fragments, 3);
	ck_assert_uint_eq(st->reassembled, 1);
	ck_assert_uint_eq(st->overlaps, 0);
	ck_assert_uint_eq(st->dropped, 0);
	ck_assert_uint_eq(defrag_bytes_held(d), 0);
	defrag_free(d);
}
END_TEST

START_TEST(out_of_order)
{
	defrag_t *d = mk_defrag(DEFRAG_POLICY_FIRST);
	tfrag_t t;
	const uint8_t *out = NULL;
	uint32_t outlen = 0;

	/* last first, then middle, then first */
	ck_assert_int_eq(add(d, 1, mk(&t, 0, 7, 16, 0, 'C', 5), &out, &outlen), 0);
	ck_assert_int_eq(add(d, 2, mk(&t, 0, 7, 8, 1, 'B', 8), &out, &outlen), 0);
	ck_assert_int_eq(add(d, 3, mk(&t, 0, 7, 0, 1, 'A', 8), &out, &outlen), 1);
	ck_assert_uint_eq(outlen, 21);
	ck_assert_mem_eq(out, "AAAAAAAABBBBBBBBCCCCC", 21);
	defrag_free(d);
}
END_TEST

/* Sturges/Novak layout: byte offsets and lengths. */
static const struct {
	uint32_t off, len;
	char c;
	int more;
} sn[17] = {
	{0, 24, 'A', 1},   {32, 16, 'B', 1}, {48, 24, 'C', 1}, {80, 8, 'D', 1},
	{104, 16, 'E', 1}, {120, 24, 'F', 1}, {144, 16, 'G', 1}, {160, 16, 'H', 1},
	{176, 8, 'I', 1},
	/* overlapping ones */
	{8, 32, 'J', 1},   {48, 24, 'K', 1}, {72, 24, 'L', 1}, {96, 24, 'M', 1},
	{128, 8, 'N', 1},  {152, 8, 'O', 1}, {160, 8, 'P', 1}, {176, 16, 'Q', 0},
};

static void sturges_novak(enum defrag_policy pol, int v6, const char *expected)
{
	defrag_t *d = mk_defrag(pol);
	tfrag_t t;
	const uint8_t *out = NULL;
	uint32_t outlen = 0;
	for (int i = 0; i < 16; i++)
		ck_assert_int_eq(add(d, 1, mk(&t, v6, 1, sn[i].off, sn[i].more, sn[i].c,
						sn[i].len), &out, &outlen), 0);
	ck_assert_int_eq(add(d, 1, mk(&t, v6, 1, sn[16].off, 0, 'Q', 16), &out, &outlen), 1);
	ck_assert_uint_eq(outlen, 192);
	ck_assert_uint_eq(strlen(expected), 192);
	ck_assert_mem_eq(out, expected, 192);
	/* J, K, L, M, N, O, P and Q each overlap held data */
	ck_assert_uint_eq(defrag_stats(d)->overlaps, 8);
	ck_assert_uint_eq(defrag_stats(d)->reassembled, 1);
	ck_assert_uint_eq(defrag_bytes_held(d), 0);
	defrag_free(d);
}

static const char sn_first[] =
	"AAAAAAAA" "AAAAAAAA" "AAAAAAAA" "JJJJJJJJ" "BBBBBBBB" "BBBBBBBB"
	"CCCCCCCC" "CCCCCCCC" "CCCCCCCC" "LLLLLLLL" "DDDDDDDD" "LLLLLLLL"
	"MMMMMMMM" "EEEEEEEE" "EEEEEEEE" "FFFFFFFF" "FFFFFFFF" "FFFFFFFF"
	"GGGGGGGG" "GGGGGGGG" "HHHHHHHH" "HHHHHHHH" "IIIIIIII" "QQQQQQQQ";

static const char sn_last[] =
	"AAAAAAAA" "JJJJJJJJ" "JJJJJJJJ" "JJJJJJJJ" "JJJJJJJJ" "BBBBBBBB"
	"KKKKKKKK" "KKKKKKKK" "KKKKKKKK" "LLLLLLLL" "LLLLLLLL" "LLLLLLLL"
	"MMMMMMMM" "MMMMMMMM" "MMMMMMMM" "FFFFFFFF" "NNNNNNNN" "FFFFFFFF"
	"GGGGGGGG" "OOOOOOOO" "PPPPPPPP" "HHHHHHHH" "QQQQQQQQ" "QQQQQQQQ";

START_TEST(sturges_novak_first)
{
	sturges_novak(DEFRAG_POLICY_FIRST, 0, sn_first);
	sturges_novak(DEFRAG_POLICY_FIRST, 1, sn_first);
}
END_TEST

START_TEST(sturges_novak_last)
{
	sturges_novak(DEFRAG_POLICY_LAST, 0, sn_last);
	sturges_novak(DEFRAG_POLICY_LAST, 1, sn_last);
}
END_TEST

START_TEST(duplicates)
{
	defrag_t *d = mk_defrag(DEFRAG_POLICY_FIRST);
	tfrag_t t;
	const uint8_t *out = NULL;
	uint32_t outlen = 0;

	ck_assert_int_eq(add(d, 1, mk(&t, 0, 3, 0, 1, 'A', 16), &out, &outlen), 0);
	size_t held = defrag_bytes_held(d);
	/* an exact duplicate with other bytes: FIRST keeps the A's, stores nothing */
	ck_assert_int_eq(add(d, 1, mk(&t, 0, 3, 0, 1, 'X', 16), &out, &outlen), 0);
	ck_assert_uint_eq(defrag_bytes_held(d), held);
	ck_assert_int_eq(add(d, 1, mk(&t, 0, 3, 16, 0, 'B', 4), &out, &outlen), 1);
	ck_assert_mem_eq(out, "AAAAAAAAAAAAAAAABBBB", 20);
	ck_assert_uint_eq(outlen, 20);
	ck_assert_uint_eq(defrag_stats(d)->overlaps, 1);
	ck_assert_uint_eq(defrag_stats(d)->fragments, 3);
	/* a late duplicate starts a new datagram that never completes */
	ck_assert_int_eq(add(d, 2, mk(&t, 0, 3, 16, 0, 'B', 4), &out, &outlen), 0);
	ck_assert_uint_eq(defrag_stats(d)->reassembled, 1);
	defrag_free(d);

	d = mk_defrag(DEFRAG_POLICY_LAST);
	ck_assert_int_eq(add(d, 1, mk(&t, 0, 3, 0, 1, 'A', 16), &out, &outlen), 0);
	ck_assert_int_eq(add(d, 1, mk(&t, 0, 3, 0, 1, 'X', 16), &out, &outlen), 0);
	ck_assert_int_eq(add(d, 1, mk(&t, 0, 3, 16, 0, 'B', 4), &out, &outlen), 1);
	ck_assert_mem_eq(out, "XXXXXXXXXXXXXXXXBBBB", 20);
	defrag_free(d);
}
END_TEST

START_TEST(keys_separate)
{
	defrag_t *d = mk_defrag(DEFRAG_POLICY_FIRST);
	tfrag_t t;
	const uint8_t *out = NULL;
	uint32_t outlen = 0;

	/* same id: v4 and v6, and another proto, are different datagrams */
	ck_assert_int_eq(add(d, 1, mk(&t, 0, 5, 0, 1, 'A', 8), &out, &outlen), 0);
	ck_assert_int_eq(add(d, 1, mk(&t, 1, 5, 0, 1, 'B', 8), &out, &outlen), 0);
	mk(&t, 0, 5, 0, 1, 'C', 8);
	t.f.proto = 6;
	ck_assert_int_eq(add(d, 1, &t.f, &out, &outlen), 0);
	mk(&t, 0, 5, 0, 1, 'D', 8);
	t.f.src.a[3] = 9;
	ck_assert_int_eq(add(d, 1, &t.f, &out, &outlen), 0);

	ck_assert_int_eq(add(d, 1, mk(&t, 1, 5, 8, 0, 'b', 2), &out, &outlen), 1);
	ck_assert_mem_eq(out, "BBBBBBBBbb", 10);
	ck_assert_int_eq(add(d, 1, mk(&t, 0, 5, 8, 0, 'a', 2), &out, &outlen), 1);
	ck_assert_mem_eq(out, "AAAAAAAAaa", 10);
	ck_assert_uint_eq(defrag_stats(d)->overlaps, 0);
	defrag_free(d);
}
END_TEST

START_TEST(timeout)
{
	defrag_limits_t lim = {.timeout_ns = 30 * SEC};
	defrag_t *d = defrag_new(&lim);
	tfrag_t t;
	const uint8_t *out = NULL;
	uint32_t outlen = 0;

	ck_assert_int_eq(add(d, 100 * SEC, mk(&t, 0, 1, 0, 1, 'A', 8), &out, &outlen), 0);
	ck_assert_int_eq(add(d, 110 * SEC, mk(&t, 0, 2, 0, 1, 'B', 8), &out, &outlen), 0);
	/* exactly at the timeout the first tracker still lives */
	ck_assert_int_eq(add(d, 130 * SEC, mk(&t, 0, 3, 0, 1, 'C', 8), &out, &outlen), 0);
	ck_assert_uint_eq(defrag_stats(d)->timeouts, 0);
	/* one nanosecond later it is gone, the second one not yet */
	ck_assert_int_eq(add(d, 130 * SEC + 1, mk(&t, 0, 2, 8, 0, 'b', 1), &out, &outlen), 1);
	ck_assert_mem_eq(out, "BBBBBBBBb", 9);
	ck_assert_uint_eq(defrag_stats(d)->timeouts, 1);
	/* the rest of datagram 1 arrives too late: held as a new datagram */
	ck_assert_int_eq(add(d, 131 * SEC, mk(&t, 0, 1, 8, 0, 'a', 1), &out, &outlen), 0);
	/* datagram 3 started at 130 s; at 200 s both remaining trackers expire */
	ck_assert_int_eq(add(d, 200 * SEC, mk(&t, 0, 9, 0, 0, 'Z', 3), &out, &outlen), 1);
	ck_assert_mem_eq(out, "ZZZ", 3);
	ck_assert_uint_eq(defrag_stats(d)->timeouts, 3);
	ck_assert_uint_eq(defrag_bytes_held(d), 0);
	defrag_free(d);
}
END_TEST

START_TEST(cap_trackers)
{
	defrag_limits_t lim = {.max_trackers = 4};
	defrag_t *d = defrag_new(&lim);
	tfrag_t t;
	const uint8_t *out = NULL;
	uint32_t outlen = 0;

	for (uint32_t id = 1; id <= 6; id++)
		ck_assert_int_eq(add(d, id, mk(&t, 0, id, 0, 1, 'A', 8), &out, &outlen), 0);
	ck_assert_uint_eq(defrag_stats(d)->evicted, 2);
	/* ids 1 and 2 were the oldest: evicted, their ends do not complete */
	ck_assert_int_eq(add(d, 7, mk(&t, 0, 1, 8, 0, 'a', 1), &out, &outlen), 0);
	ck_assert_uint_eq(defrag_stats(d)->evicted, 3); /* that evicted id 3 */
	ck_assert_int_eq(add(d, 8, mk(&t, 0, 6, 8, 0, 'f', 1), &out, &outlen), 1);
	ck_assert_mem_eq(out, "AAAAAAAAf", 9);
	ck_assert_int_eq(add(d, 9, mk(&t, 0, 4, 8, 0, 'd', 1), &out, &outlen), 1);
	ck_assert_int_eq(add(d, 9, mk(&t, 0, 2, 8, 0, 'b', 1), &out, &outlen), 0);
	defrag_free(d);
}
END_TEST

START_TEST(cap_bytes)
{
	defrag_limits_t lim = {.max_bytes = 1000};
	defrag_t *d = defrag_new(&lim);
	tfrag_t t;
	const uint8_t *out = NULL;
	uint32_t outlen = 0;

	ck_assert_int_eq(add(d, 1, mk(&t, 0, 1, 0, 1, 'A', 600), &out, &outlen), 0);
	ck_assert_uint_le(defrag_bytes_held(d), 1000);
	ck_assert_uint_ge(defrag_bytes_held(d), 600);
	/* a second datagram of 600 bytes only fits if the first goes */
	ck_assert_int_eq(add(d, 2, mk(&t, 0, 2, 0, 1, 'B', 600), &out, &outlen), 0);
	ck_assert_uint_eq(defrag_stats(d)->evicted, 1);
	ck_assert_uint_le(defrag_bytes_held(d), 1000);
	/* more of datagram 2 beyond the budget: dropped, nothing else to evict */
	ck_assert_int_eq(add(d, 3, mk(&t, 0, 2, 600, 1, 'B', 600), &out, &outlen), -1);
	ck_assert_uint_eq(defrag_stats(d)->dropped, 1);
	/* datagram 2 still completes with a small last piece */
	ck_assert_int_eq(add(d, 4, mk(&t, 0, 2, 600, 0, 'C', 100), &out, &outlen), 1);
	ck_assert_uint_eq(outlen, 700);
	ck_assert_uint_eq(out[599], 'B');
	ck_assert_uint_eq(out[600], 'C');
	/* one fragment larger than the whole budget */
	ck_assert_int_eq(add(d, 5, mk(&t, 0, 3, 0, 1, 'D', 1200), &out, &outlen), -1);
	ck_assert_uint_eq(defrag_stats(d)->dropped, 2);
	ck_assert_uint_eq(defrag_bytes_held(d), 0);
	defrag_free(d);
}
END_TEST

START_TEST(cap_frags)
{
	defrag_limits_t lim = {.max_frags = 3};
	defrag_t *d = defrag_new(&lim);
	tfrag_t t;
	const uint8_t *out = NULL;
	uint32_t outlen = 0;

	ck_assert_int_eq(add(d, 1, mk(&t, 0, 1, 0, 1, 'A', 8), &out, &outlen), 0);
	ck_assert_int_eq(add(d, 1, mk(&t, 0, 1, 8, 1, 'B', 8), &out, &outlen), 0);
	ck_assert_int_eq(add(d, 1, mk(&t, 0, 1, 16, 1, 'C', 8), &out, &outlen), 0);
	ck_assert_int_eq(add(d, 1, mk(&t, 0, 1, 24, 0, 'D', 8), &out, &outlen), -1);
	ck_assert_uint_eq(defrag_stats(d)->dropped, 1);
	ck_assert_uint_eq(defrag_stats(d)->reassembled, 0);
	defrag_free(d);
}
END_TEST

START_TEST(garbage)
{
	defrag_t *d = mk_defrag(DEFRAG_POLICY_FIRST);
	tfrag_t t;
	const uint8_t *out = NULL;
	uint32_t outlen = 0;

	/* empty fragments */
	ck_assert_int_eq(add(d, 1, mk(&t, 0, 1, 0, 1, 'A', 0), &out, &outlen), -1);
	ck_assert_int_eq(add(d, 1, mk(&t, 0, 1, 64, 0, 'A', 0), &out, &outlen), -1);
	/* ends past 65535 */
	ck_assert_int_eq(add(d, 1, mk(&t, 0, 1, 65528, 0, 'A', 8), &out, &outlen), -1);
	ck_assert_int_eq(add(d, 1, mk(&t, 0, 1, 0xfffffff8u, 1, 'A', 16), &out, &outlen), -1);
	ck_assert_uint_eq(defrag_stats(d)->dropped, 4);
	ck_assert_uint_eq(defrag_stats(d)->fragments, 0);
	ck_assert_uint_eq(defrag_bytes_held(d), 0);

	/* the largest datagram that fits */
	ck_assert_int_eq(add(d, 1, mk(&t, 0, 2, 0, 1, 'A', 65528), &out, &outlen), 0);
	ck_assert_int_eq(add(d, 1, mk(&t, 0, 2, 65528, 0, 'B', 7), &out, &outlen), 1);
	ck_assert_uint_eq(outlen, 65535);
	ck_assert_uint_eq(out[65527], 'A');
	ck_assert_uint_eq(out[65534], 'B');

	/* two different "last fragment" ends: the tracker is dropped */
	ck_assert_int_eq(add(d, 2, mk(&t, 0, 3, 16, 0, 'C', 8), &out, &outlen), 0);
	ck_assert_int_eq(add(d, 2, mk(&t, 0, 3, 8, 0, 'D', 8), &out, &outlen), -1);
	ck_assert_uint_eq(defrag_bytes_held(d), 0);
	/* and the first piece no longer completes anything */
	ck_assert_int_eq(add(d, 2, mk(&t, 0, 3, 0, 1, 'E', 16), &out, &outlen), 0);

	/* data beyond the announced end */
	ck_assert_int_eq(add(d, 2, mk(&t, 0, 4, 8, 0, 'F', 8), &out, &outlen), 0);
	ck_assert_int_eq(add(d, 2, mk(&t, 0, 4, 16, 1, 'G', 8), &out, &outlen), -1);
	/* a last fragment ending before data already held */
	ck_assert_int_eq(add(d, 2, mk(&t, 0, 5, 32, 1, 'H', 8), &out, &outlen), 0);
	ck_assert_int_eq(add(d, 2, mk(&t, 0, 5, 8, 0, 'I', 8), &out, &outlen), -1);
	ck_assert_uint_eq(defrag_stats(d)->dropped, 7);
	defrag_free(d);
}
END_TEST

/* xorshift: deterministic pseudo-random numbers for the property tests */
static uint32_t rnd(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return (uint32_t)(*s >> 11);
}

/* Cut a random datagram into random, possibly overlapping pieces that carry
 * the right bytes, shuffle them and add duplicates: whatever the policy,
 * the result must be the original datagram. */
START_TEST(random_consistent_pieces)
{
	uint64_t seed = 0x9e3779b97f4a7c15ull + (uint64_t)_i;
	static uint8_t dgram[4000];
	struct piece { uint32_t off, len; int more; } pieces[64];
	tfrag_t *t = malloc(sizeof(*t));
	ck_assert_ptr_nonnull(t);

	for (int round = 0; round < 200; round++) {
		uint32_t total = 1 + rnd(&seed) % sizeof(dgram);
		for (uint32_t i = 0; i < total; i++)
			dgram[i] = (uint8_t)rnd(&seed);
		int n = 0;
		uint32_t pos = 0;
		while (pos < total && n < 40) {
			uint32_t len = 1 + rnd(&seed) % 600;
			if (pos + len > total || n == 39)
				len = total - pos;
			pieces[n].off = pos;
			pieces[n].len = len;
			pieces[n].more = pos + len < total;
			n++;
			/* next piece may start a little before the end of this one */
			uint32_t back = rnd(&seed) % 3 == 0 ? rnd(&seed) % (len + 1) : 0;
			pos += len - (back == len ? 0 : back);
		}
		int extra = (int)(rnd(&seed) % 8);
		for (int k = 0; k < extra && n < 64; k++) {
			uint32_t pick = rnd(&seed) % (uint32_t)n;
			pieces[n] = pieces[pick];
			n++;
		}
		for (int k = n - 1; k > 0; k--) {
			int j = (int)(rnd(&seed) % (uint32_t)(k + 1));
			struct piece tmp = pieces[k];
			pieces[k] = pieces[j];
			pieces[j] = tmp;
		}

		defrag_t *d = mk_defrag(round & 1 ? DEFRAG_POLICY_LAST : DEFRAG_POLICY_FIRST);
		int completed = 0;
		for (int k = 0; k < n; k++) {
			mk(t, round & 2, 77, pieces[k].off, pieces[k].more, 0, 0);
			memcpy(t->buf, dgram + pieces[k].off, pieces[k].len);
			t->f.len = pieces[k].len;
			const uint8_t *out;
			uint32_t outlen;
			int r = add(d, 1, &t->f, &out, &outlen);
			ck_assert_int_ge(r, 0);
			if (r == 1) {
				/* duplicates fed after completion start anew and
				 * may complete again: always with the same bytes */
				completed++;
				ck_assert_uint_eq(outlen, total);
				ck_assert_mem_eq(out, dgram, total);
			}
		}
		ck_assert_int_ge(completed, 1);
		defrag_free(d);
	}
	free(t);
}
END_TEST

/* Random garbage under tight caps: no crash, budgets always respected. */
START_TEST(random_garbage_bounded)
{
	uint64_t seed = 12345 + (uint64_t)_i;
	defrag_limits_t lim = {.max_trackers = 8, .max_bytes = 20000, .max_frags = 5,
			       .timeout_ns = 5 * SEC};
	defrag_t *d = defrag_new(&lim);
	tfrag_t *t = malloc(sizeof(*t));
	uint64_t ts = 0;
	for (int i = 0; i < 20000; i++) {
		ts += rnd(&seed) % (SEC / 4);
		uint32_t off = rnd(&seed) % 70000;
		if (rnd(&seed) % 2)
			off &= 0xff8;
		uint32_t len = rnd(&seed) % 3000;
		mk(t, (int)(rnd(&seed) & 1), rnd(&seed) % 16, off, (int)(rnd(&seed) % 4 != 0),
		   (char)('a' + i % 26), len);
		const uint8_t *out;
		uint32_t outlen;
		int r = add(d, ts, &t->f, &out, &outlen);
		if (r == 1)
			ck_assert_uint_le(outlen, 65535);
		ck_assert_uint_le(defrag_bytes_held(d), 20000);
	}
	const defrag_stats_t *st = defrag_stats(d);
	ck_assert_uint_gt(st->dropped, 0);
	ck_assert_uint_gt(st->timeouts + st->evicted, 0);
	free(t);
	defrag_free(d);
}
END_TEST

/* Datagrams reassembled from real captures, checked against tshark
 * (tshark -o ip.defragment:TRUE, counting reassembled datagrams). */
START_TEST(corpus_counts)
{
	static const struct {
		const char *file;
		uint64_t reassembled, udp53;
	} cases[] = {
		{"public/benign/zeek__dns-edns-ecs.pcap", 4, 4},      /* DNS over UDP */
		{"public/edge/zeek__ipv6-fragmented-dns.pcap", 1, 1},
		{"public/edge/zeek__erspan.pcap", 16, 0},             /* GRE fragments */
		{"public/edge/sv__ipv6-malformed-fragments-28.pcap", 0, 0}, /* no last */
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const char *path = tu_corpus(cases[i].file);
		if (!path)
			continue;
		capture_t *c;
		char err[256];
		ck_assert_int_ge(capture_open(&c, path, NULL, NULL, err, sizeof(err)), 0);
		defrag_t *d = mk_defrag(DEFRAG_POLICY_FIRST);
		cap_packet_t p;
		decode_out_t o;
		uint64_t udp53 = 0;
		while (capture_next(c, &p) == 1) {
			if (decode_packet(p.linktype, p.ts_ns, p.data, p.caplen, &o) != DECODE_FRAGMENT)
				continue;
			const uint8_t *out;
			uint32_t outlen;
			ip_frag_t done;
			if (defrag_add(d, p.ts_ns, &o.frag, &out, &outlen, &done) == 1 &&
			    decode_transport(done.proto, &done.src, &done.dst, p.ts_ns, out, outlen,
					     &o) == DECODE_L4 &&
			    o.l4.proto == IPPROTO_UDP_ && (o.l4.sport == 53 || o.l4.dport == 53))
				udp53++;
		}
		ck_assert_msg(defrag_stats(d)->reassembled == cases[i].reassembled, "%s: %llu",
			      cases[i].file, (unsigned long long)defrag_stats(d)->reassembled);
		ck_assert_uint_eq(udp53, cases[i].udp53);
		ck_assert_uint_eq(defrag_stats(d)->dropped, 0);
		defrag_free(d);
		capture_close(c);
	}
}
END_TEST

static Suite *defrag_suite(void)
{
	Suite *s = suite_create("defrag");
	TCase *tc = tcase_create("reassembly");
	tcase_add_test(tc, in_order_simple);
	tcase_add_test(tc, out_of_order);
	tcase_add_test(tc, keys_separate);
	tcase_add_loop_test(tc, random_consistent_pieces, 0, 4);
	suite_add_tcase(s, tc);

	tc = tcase_create("overlaps");
	tcase_add_test(tc, sturges_novak_first);
	tcase_add_test(tc, sturges_novak_last);
	tcase_add_test(tc, duplicates);
	suite_add_tcase(s, tc);

	tc = tcase_create("limits");
	tcase_add_test(tc, timeout);
	tcase_add_test(tc, cap_trackers);
	tcase_add_test(tc, cap_bytes);
	tcase_add_test(tc, cap_frags);
	tcase_add_test(tc, garbage);
	tcase_add_loop_test(tc, random_garbage_bounded, 0, 3);
	tcase_set_timeout(tc, 60);
	suite_add_tcase(s, tc);

	tc = tcase_create("corpus");
	tcase_add_test(tc, corpus_counts);
	suite_add_tcase(s, tc);
	return s;
}

DNSTS_CHECK_MAIN(defrag_suite)
