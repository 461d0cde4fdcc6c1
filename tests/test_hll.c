/* test_hll.c - HyperLogLog registers: which register a hash updates and
 * with what rank, that a register only grows, the raw estimate of known
 * register contents exactly, and estimates of random streams within
 * their error bound. */
#include <math.h>
#include <string.h>

#include "check_util.h"
#include "hll.h"

/* SplitMix64: a stream of well mixed 64-bit hashes. */
static uint64_t sm(uint64_t *s)
{
	uint64_t x = (*s += 0x9e3779b97f4a7c15ull);
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
	return x ^ (x >> 31);
}

/* The top p bits pick the register; the rank is one more than the
 * leading zeros of the remaining bits, at most 64 - p + 1. */
START_TEST(register_update)
{
	uint8_t reg[256];
	memset(reg, 0, sizeof reg);
	const unsigned p = 8;
	/* register 0x5a, remaining bits 0001...: rank 4 */
	hll_add(reg, p, 0x5aull << 56 | 1ull << 52);
	ck_assert_uint_eq(reg[0x5a], 4);
	for (unsigned i = 0; i < 256; i++)
		if (i != 0x5a)
			ck_assert_uint_eq(reg[i], 0);
	/* a lower rank leaves it, a higher one raises it */
	hll_add(reg, p, 0x5aull << 56 | 1ull << 55);
	ck_assert_uint_eq(reg[0x5a], 4);
	hll_add(reg, p, 0x5aull << 56 | 1ull << 40);
	ck_assert_uint_eq(reg[0x5a], 16);
	/* nothing below the index: the largest rank */
	hll_add(reg, p, 0xffull << 56);
	ck_assert_uint_eq(reg[0xff], 64 - p + 1);
	hll_add(reg, p, 0);
	ck_assert_uint_eq(reg[0], 64 - p + 1);
	/* every rank from 1 to 64 - p + 1 */
	for (unsigned k = 0; k < 64 - p; k++) {
		uint8_t r[256] = {0};
		hll_add(r, p, 0x11ull << 56 | 1ull << (55 - k));
		ck_assert_uint_eq(r[0x11], k + 1);
	}
	/* another p: 14 bits of index */
	static uint8_t big[1 << 14];
	hll_add(big, 14, 0x3fffull << 50 | 1ull << 49);
	ck_assert_uint_eq(big[0x3fff], 1);
}
END_TEST

/* All registers at rank r: the sum is m 2^-r, so the raw estimate is
 * alpha_m m 2^r exactly; empty registers are counted. */
START_TEST(raw_of_known_registers)
{
	static uint8_t reg[1 << 12];
	const unsigned p = 12;
	const double m = 1 << p, alpha = 0.7213 / (1 + 1.079 / m);
	unsigned zeros = 1234;
	memset(reg, 0, sizeof reg);
	double e = hll_raw(reg, p, &zeros);
	ck_assert_uint_eq(zeros, 1u << p);
	ck_assert(fabs(e - alpha * m) < 1e-9 * alpha * m);
	for (unsigned r = 1; r <= 52; r++) {
		memset(reg, (int)r, sizeof reg);
		e = hll_raw(reg, p, &zeros);
		ck_assert_uint_eq(zeros, 0);
		double want = alpha * m * ldexp(1.0, (int)r);
		ck_assert_msg(fabs(e - want) <= 1e-12 * want, "rank %u: %g, not %g", r, e, want);
	}
	reg[7] = 0;
	reg[9] = 0;
	hll_raw(reg, p, &zeros);
	ck_assert_uint_eq(zeros, 2);
}
END_TEST

/* n distinct random hashes, each added twice: the raw estimate is within
 * 4 standard errors (1.04 / sqrt(m)) of n while n is past 5m/2 (below,
 * callers use linear counting, also checked). */
START_TEST(estimate_within_bound)
{
	static const struct {
		unsigned p;
		unsigned n;
	} cases[] = {{8, 2000}, {8, 50000}, {12, 20000}, {12, 200000}, {14, 100000}};
	static uint8_t reg[1 << 14];
	for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
		unsigned p = cases[c].p, n = cases[c].n;
		double m = (double)(1u << p), bound = 4 * 1.04 / sqrt(m);
		memset(reg, 0, sizeof reg);
		uint64_t s = 42 + c;
		for (unsigned i = 0; i < n; i++) {
			uint64_t h = sm(&s);
			hll_add(reg, p, h);
			hll_add(reg, p, h);
		}
		unsigned zeros;
		double e = hll_raw(reg, p, &zeros);
		ck_assert_msg(fabs(e - n) <= bound * n, "p %u, n %u: %f", p, n, e);
	}
	/* few: linear counting from the empty registers */
	memset(reg, 0, sizeof reg);
	uint64_t s = 7;
	for (unsigned i = 0; i < 500; i++)
		hll_add(reg, 12, sm(&s));
	unsigned zeros;
	hll_raw(reg, 12, &zeros);
	double lc = 4096 * log(4096.0 / zeros);
	ck_assert_msg(fabs(lc - 500) < 0.05 * 500, "linear counting %f", lc);
}
END_TEST

static Suite *hll_suite(void)
{
	Suite *s = suite_create("hll");
	TCase *tc = tcase_create("core");
	tcase_add_test(tc, register_update);
	tcase_add_test(tc, raw_of_known_registers);
	tcase_add_test(tc, estimate_within_bound);
	suite_add_tcase(s, tc);
	return s;
}

DNSTS_CHECK_MAIN(hll_suite)
