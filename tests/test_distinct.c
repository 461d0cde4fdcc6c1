/* test_distinct.c - the count of distinct base domains: exact (repeats
 * not counted) up to DISTINCT_EXACT keys, then the HyperLogLog estimate
 * within its error, fed by the unkeyed hash only; counts merge. */
#include <math.h>
#include <stdlib.h>

#include "check_util.h"
#include "distinct.h"

/* SplitMix64: two unrelated 64-bit hashes of key i (never 0). */
static uint64_t sm(uint64_t x)
{
	x += 0x9e3779b97f4a7c15ull;
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
	x ^= x >> 31;
	return x ? x : 1;
}

static uint64_t keyed(unsigned i, uint64_t key)
{
	return sm(i ^ key);
}

static uint64_t unkeyed(unsigned i)
{
	return sm((uint64_t)i << 32 | 0x5a5a);
}

START_TEST(exact_below_the_limit)
{
	distinct_t dc;
	ck_assert_int_eq(distinct_init(&dc), 0);
	ck_assert_uint_eq(distinct_count(&dc), 0);
	for (int rep = 0; rep < 3; rep++)
		for (unsigned i = 0; i < 5000; i++)
			distinct_add(&dc, keyed(i, 1), unkeyed(i));
	ck_assert(!dc.inexact);
	ck_assert_uint_eq(dc.n, 5000);
	ck_assert_uint_eq(distinct_count(&dc), 5000);
	ck_assert_uint_ge(dc.cap, 2 * 5000); /* grew, at most half full */
	distinct_fini(&dc);
}
END_TEST

/* One key past DISTINCT_EXACT the set is given up; from there on the
 * count is the estimate, within 3% (about 4 standard errors at 2^14
 * registers). */
START_TEST(estimate_beyond)
{
	distinct_t dc;
	ck_assert_int_eq(distinct_init(&dc), 0);
	unsigned i = 0;
	for (; i < DISTINCT_EXACT; i++)
		distinct_add(&dc, keyed(i, 1), unkeyed(i));
	ck_assert(!dc.inexact);
	ck_assert_uint_eq(distinct_count(&dc), DISTINCT_EXACT);
	distinct_add(&dc, keyed(i, 1), unkeyed(i));
	i++;
	ck_assert(dc.inexact);
	ck_assert_ptr_null(dc.set);
	uint64_t c = distinct_count(&dc);
	ck_assert_msg(fabs((double)c - i) < 0.03 * i, "%llu for %u", (unsigned long long)c, i);
	for (; i < 100000; i++)
		distinct_add(&dc, keyed(i, 1), unkeyed(i));
	c = distinct_count(&dc);
	ck_assert_msg(fabs((double)c - i) < 0.03 * i, "%llu for %u", (unsigned long long)c, i);
	distinct_fini(&dc);
}
END_TEST

/* The estimate of few keys (linear counting) is close to exact. */
START_TEST(small_estimate)
{
	distinct_t dc;
	ck_assert_int_eq(distinct_init(&dc), 0);
	for (unsigned i = 0; i < 1000; i++)
		distinct_add(&dc, keyed(i, 1), unkeyed(i));
	dc.inexact = true; /* as if the set had been given up */
	uint64_t c = distinct_count(&dc);
	ck_assert_msg(c >= 980 && c <= 1020, "%llu", (unsigned long long)c);
	distinct_fini(&dc);
}
END_TEST

/* Under two keyed hashes the estimate is the same: it reads only the
 * unkeyed one. */
START_TEST(estimate_is_key_independent)
{
	distinct_t a, b;
	ck_assert_int_eq(distinct_init(&a), 0);
	ck_assert_int_eq(distinct_init(&b), 0);
	for (unsigned i = 0; i < 50000; i++) {
		distinct_add(&a, keyed(i, 1), unkeyed(i));
		distinct_add(&b, keyed(i, 0xfeed), unkeyed(i));
	}
	ck_assert(a.inexact && b.inexact);
	ck_assert_uint_eq(distinct_count(&a), distinct_count(&b));
	distinct_fini(&a);
	distinct_fini(&b);
}
END_TEST

/* Merging: the union of the keys, exact while both are exact and the
 * union fits; an estimating side makes the merged count an estimate. */
START_TEST(merge)
{
	distinct_t a, b, c;
	ck_assert_int_eq(distinct_init(&a), 0);
	ck_assert_int_eq(distinct_init(&b), 0);
	ck_assert_int_eq(distinct_init(&c), 0);
	for (unsigned i = 0; i < 3000; i++)
		distinct_add(&a, keyed(i, 1), unkeyed(i));
	for (unsigned i = 2000; i < 6000; i++)
		distinct_add(&b, keyed(i, 1), unkeyed(i));
	distinct_merge(&a, &b);
	ck_assert(!a.inexact);
	ck_assert_uint_eq(distinct_count(&a), 6000);
	/* c: past the exact count, overlapping a */
	for (unsigned i = 5000; i < 45000; i++)
		distinct_add(&c, keyed(i, 1), unkeyed(i));
	ck_assert(c.inexact);
	distinct_merge(&a, &c);
	ck_assert(a.inexact);
	uint64_t n = distinct_count(&a);
	ck_assert_msg(fabs((double)n - 45000) < 0.03 * 45000, "%llu", (unsigned long long)n);
	distinct_fini(&a);
	distinct_fini(&b);
	distinct_fini(&c);
}
END_TEST

static Suite *distinct_suite(void)
{
	Suite *s = suite_create("distinct");
	TCase *tc = tcase_create("core");
	tcase_add_test(tc, exact_below_the_limit);
	tcase_add_test(tc, estimate_beyond);
	tcase_add_test(tc, small_estimate);
	tcase_add_test(tc, estimate_is_key_independent);
	tcase_add_test(tc, merge);
	suite_add_tcase(s, tc);
	return s;
}

DNSTS_CHECK_MAIN(distinct_suite)
