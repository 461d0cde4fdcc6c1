/* test_payset.c - the payload sets of domains without a record: the bits
 * a domain's payloads set, repeats not counted, a colliding domain
 * restarting the cell, separate cells apart. */
#include "check_util.h"
#include "payset.h"

/* Unkeyed domain hashes: cell (dh >> 8) and tag (dh >> 48) chosen. */
static uint64_t dom_hash(uint64_t tag, uint64_t cell)
{
	return tag << 48 | cell << 8 | 0x5a;
}

START_TEST(counts_distinct_bits)
{
	payset_t p;
	ck_assert_int_eq(payset_init(&p), 0);
	uint64_t dh = dom_hash(0x1234, 77);
	for (unsigned b = 0; b < 12; b++) {
		ck_assert_uint_eq(payset_add(&p, dh, b), b + 1);
		ck_assert_uint_eq(payset_add(&p, dh, b), b + 1); /* a repeat */
	}
	ck_assert_uint_eq(*payset_cell(&p, dh) >> PAYSET_BITS, 0x1234);
	/* another cell is untouched */
	uint64_t other = dom_hash(0x1234, 78);
	ck_assert_uint_eq(*payset_cell(&p, other), 0);
	ck_assert_uint_eq(payset_add(&p, other, 3), 1);
	ck_assert_uint_eq(payset_add(&p, dh, 40), 13);
	payset_fini(&p);
}
END_TEST

/* Two domains of one cell: each arrival of the other restarts the set,
 * so neither gains from the other's payloads. */
START_TEST(collision_restarts)
{
	payset_t p;
	ck_assert_int_eq(payset_init(&p), 0);
	uint64_t a = dom_hash(0x0001, 5), b = dom_hash(0x0002, 5 + PAYSET_CELLS);
	ck_assert_ptr_eq(payset_cell(&p, a), payset_cell(&p, b));
	ck_assert_uint_eq(payset_add(&p, a, 1), 1);
	ck_assert_uint_eq(payset_add(&p, a, 2), 2);
	ck_assert_uint_eq(payset_add(&p, b, 1), 1);
	ck_assert_uint_eq(payset_add(&p, b, 3), 2);
	ck_assert_uint_eq(payset_add(&p, a, 4), 1);
	payset_fini(&p);
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
		unsigned b = payset_bit(x);
		out += b >= PAYSET_BITS;
		seen |= 1ull << (b % PAYSET_BITS);
	}
	ck_assert_uint_eq(out, 0);
	ck_assert_uint_eq(seen, (1ull << PAYSET_BITS) - 1);
	ck_assert_uint_eq(payset_bit(0), 0);
	ck_assert_uint_eq(payset_bit(0xffffffffull), PAYSET_BITS - 1);
}
END_TEST

/* The bit a payload sets is uniform over the set's 48 bits: 48 x 4096
 * random payload hashes put close to 4096 in each (a standard deviation
 * is 63).  Folding a 6-bit class onto 48 bits put twice as many in bits
 * 0 to 15, so their payloads collided more and a domain needed more
 * distinct payloads to earn a record. */
START_TEST(bits_are_uniform)
{
	payset_t p;
	ck_assert_int_eq(payset_init(&p), 0);
	unsigned hist[PAYSET_BITS] = {0};
	uint64_t dh = dom_hash(0x0042, 9), s = 1;
	uint64_t *cell = payset_cell(&p, dh);
	for (unsigned i = 0; i < PAYSET_BITS * 4096; i++) {
		uint64_t h = (s += 0x9e3779b97f4a7c15ull);
		h = (h ^ (h >> 30)) * 0xbf58476d1ce4e5b9ull;
		h = (h ^ (h >> 27)) * 0x94d049bb133111ebull;
		h ^= h >> 31;
		*cell = 0;
		payset_add(&p, dh, payset_bit(h));
		uint64_t set = *cell & ((1ull << PAYSET_BITS) - 1);
		if (__builtin_popcountll(set) != 1)
			ck_abort_msg("one payload, %d bits", __builtin_popcountll(set));
		hist[__builtin_ctzll(set)]++;
	}
	for (unsigned b = 0; b < PAYSET_BITS; b++)
		ck_assert_msg(hist[b] > 4096 - 400 && hist[b] < 4096 + 400, "bit %u: %u of %u", b,
			      hist[b], PAYSET_BITS * 4096);
	payset_fini(&p);
}
END_TEST

static Suite *payset_suite(void)
{
	Suite *s = suite_create("payset");
	TCase *tc = tcase_create("core");
	tcase_add_test(tc, counts_distinct_bits);
	tcase_add_test(tc, collision_restarts);
	tcase_add_test(tc, bit_in_range);
	tcase_add_test(tc, bits_are_uniform);
	suite_add_tcase(s, tc);
	return s;
}

DNSTS_CHECK_MAIN(payset_suite)
