/* test_promote.c - the payload sets of domains without a record: the bits
 * a domain's payloads set, repeats not counted, a colliding domain
 * restarting the cell, separate cells apart. */
#include "check_util.h"
#include "promote.h"

/* Unkeyed domain hashes: cell (dh >> 8) and tag (dh >> 48) chosen. */
static uint64_t dom_hash(uint64_t tag, uint64_t cell)
{
	return tag << 48 | cell << 8 | 0x5a;
}

START_TEST(counts_distinct_bits)
{
	promote_t p;
	ck_assert_int_eq(promote_init(&p), 0);
	uint64_t dh = dom_hash(0x1234, 77);
	for (unsigned b = 0; b < 12; b++) {
		ck_assert_uint_eq(promote_add(&p, dh, b), b + 1);
		ck_assert_uint_eq(promote_add(&p, dh, b), b + 1); /* a repeat */
	}
	ck_assert_uint_eq(*promote_cell(&p, dh) >> PROMOTE_BITS, 0x1234);
	/* another cell is untouched */
	uint64_t other = dom_hash(0x1234, 78);
	ck_assert_uint_eq(*promote_cell(&p, other), 0);
	ck_assert_uint_eq(promote_add(&p, other, 3), 1);
	ck_assert_uint_eq(promote_add(&p, dh, 40), 13);
	promote_fini(&p);
}
END_TEST

/* Two domains of one cell: each arrival of the other restarts the set,
 * so neither gains from the other's payloads. */
START_TEST(collision_restarts)
{
	promote_t p;
	ck_assert_int_eq(promote_init(&p), 0);
	uint64_t a = dom_hash(0x0001, 5), b = dom_hash(0x0002, 5 + PROMOTE_CELLS);
	ck_assert_ptr_eq(promote_cell(&p, a), promote_cell(&p, b));
	ck_assert_uint_eq(promote_add(&p, a, 1), 1);
	ck_assert_uint_eq(promote_add(&p, a, 2), 2);
	ck_assert_uint_eq(promote_add(&p, b, 1), 1);
	ck_assert_uint_eq(promote_add(&p, b, 3), 2);
	ck_assert_uint_eq(promote_add(&p, a, 4), 1);
	promote_fini(&p);
}
END_TEST

/* The class of a payload hash lies within the set's bits, and every bit
 * is some hash's class. */
START_TEST(bit_in_range)
{
	uint64_t seen = 0, x = 1;
	unsigned out = 0;
	for (unsigned i = 0; i < 100000; i++) {
		x = x * 6364136223846793005ull + 1442695040888963407ull;
		unsigned b = promote_bit(x);
		out += b >= PROMOTE_BITS;
		seen |= 1ull << (b % PROMOTE_BITS);
	}
	ck_assert_uint_eq(out, 0);
	ck_assert_uint_eq(seen, (1ull << PROMOTE_BITS) - 1);
	ck_assert_uint_eq(promote_bit(0), 0);
	ck_assert_uint_eq(promote_bit(0xffffffffull), PROMOTE_BITS - 1);
}
END_TEST

/* The bit a payload sets is uniform over the set's 48 bits: 48 x 4096
 * random payload hashes put close to 4096 in each (a standard deviation
 * is 63).  Folding a 6-bit class onto 48 bits put twice as many in bits
 * 0 to 15, so their payloads collided more and a domain needed more
 * distinct payloads to earn a record. */
START_TEST(bits_are_uniform)
{
	promote_t p;
	ck_assert_int_eq(promote_init(&p), 0);
	unsigned hist[PROMOTE_BITS] = {0};
	uint64_t dh = dom_hash(0x0042, 9), s = 1;
	uint64_t *cell = promote_cell(&p, dh);
	for (unsigned i = 0; i < PROMOTE_BITS * 4096; i++) {
		uint64_t h = (s += 0x9e3779b97f4a7c15ull);
		h = (h ^ (h >> 30)) * 0xbf58476d1ce4e5b9ull;
		h = (h ^ (h >> 27)) * 0x94d049bb133111ebull;
		h ^= h >> 31;
		*cell = 0;
		promote_add(&p, dh, promote_bit(h));
		uint64_t set = *cell & ((1ull << PROMOTE_BITS) - 1);
		if (__builtin_popcountll(set) != 1)
			ck_abort_msg("one payload, %d bits", __builtin_popcountll(set));
		hist[__builtin_ctzll(set)]++;
	}
	for (unsigned b = 0; b < PROMOTE_BITS; b++)
		ck_assert_msg(hist[b] > 4096 - 400 && hist[b] < 4096 + 400, "bit %u: %u of %u", b,
			      hist[b], PROMOTE_BITS * 4096);
	promote_fini(&p);
}
END_TEST

static Suite *promote_suite(void)
{
	Suite *s = suite_create("promote");
	TCase *tc = tcase_create("core");
	tcase_add_test(tc, counts_distinct_bits);
	tcase_add_test(tc, collision_restarts);
	tcase_add_test(tc, bit_in_range);
	tcase_add_test(tc, bits_are_uniform);
	suite_add_tcase(s, tc);
	return s;
}

DNSTS_CHECK_MAIN(promote_suite)
