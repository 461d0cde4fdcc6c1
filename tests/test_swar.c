/* test_swar.c - eight octets at a time: the little-endian load and store,
 * the class masks and case folding checked against a byte-at-a-time
 * reference, for every octet value in every lane and for random words,
 * and the count of flagged octets. */
#include <string.h>

#include "ascii.h"
#include "check_util.h"
#include "swar.h"

static uint64_t rng_state = 0x2545f4914f6cdd1dull;

static uint64_t rnd(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}

/* swar_range() one octet at a time. */
static uint64_t ref_range(uint64_t w, uint8_t lo, uint8_t hi)
{
	uint64_t m = 0;
	for (unsigned i = 0; i < 8; i++) {
		uint8_t c = (uint8_t)(w >> (8 * i));
		if (c >= lo && c <= hi)
			m |= 0x80ull << (8 * i);
	}
	return m;
}

static uint64_t ref_fold(uint64_t w)
{
	uint64_t r = 0;
	for (unsigned i = 0; i < 8; i++)
		r |= (uint64_t)(uint8_t)ascii_lower((uint8_t)(w >> (8 * i))) << (8 * i);
	return r;
}

START_TEST(load_and_store)
{
	const uint8_t b[9] = {0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09};
	ck_assert_uint_eq(swar_load8(b), 0x0807060504030201ull);
	ck_assert_uint_eq(swar_load8(b + 1), 0x0908070605040302ull);
	uint8_t out[10];
	memset(out, 0xee, sizeof out);
	swar_store8(out + 1, 0x0807060504030201ull);
	ck_assert_int_eq(memcmp(out + 1, b, 8), 0);
	ck_assert_uint_eq(out[0], 0xee);
	ck_assert_uint_eq(out[9], 0xee);
	unsigned bad = 0;
	for (int i = 0; i < 1000; i++) {
		uint64_t w = rnd();
		swar_store8(out, w);
		bad += swar_load8(out) != w;
	}
	ck_assert_uint_eq(bad, 0);
}
END_TEST

/* Every range lo..hi below 0x80 against words that hold every octet
 * value (32 words of 8 values, rotated so that each lane sees values of
 * every residue), then random words with the ranges the library uses. */
START_TEST(range_matches_reference)
{
	uint64_t words[32];
	for (unsigned j = 0; j < 32; j++) {
		words[j] = 0;
		for (unsigned k = 0; k < 8; k++)
			words[j] |= (uint64_t)(uint8_t)(8 * j + (k + j) % 8) << (8 * k);
	}
	for (unsigned lo = 0; lo < 0x80; lo++)
		for (unsigned hi = lo; hi < 0x80; hi++)
			for (unsigned j = 0; j < 32; j++) {
				uint64_t w = words[j];
				uint64_t got = swar_range(w, (uint8_t)lo, (uint8_t)hi);
				uint64_t want = ref_range(w, (uint8_t)lo, (uint8_t)hi);
				if (got != want)
					ck_abort_msg("range %02x..%02x of %016llx: %016llx, not %016llx", lo,
						     hi, (unsigned long long)w, (unsigned long long)got,
						     (unsigned long long)want);
			}
	static const uint8_t used[][2] = {{'A', 'Z'}, {'a', 'z'}, {0x00, 0x20}, {0x21, 0x7e}};
	unsigned bad = 0;
	for (int i = 0; i < 200000; i++) {
		uint64_t w = rnd();
		for (unsigned k = 0; k < sizeof used / sizeof used[0]; k++)
			bad += swar_range(w, used[k][0], used[k][1]) != ref_range(w, used[k][0], used[k][1]);
	}
	ck_assert_uint_eq(bad, 0);
}
END_TEST

START_TEST(fold_matches_reference)
{
	unsigned bad = 0;
	for (unsigned c = 0; c < 256; c++)
		for (unsigned k = 0; k < 8; k++) {
			uint64_t w = 0x4d5a6141207a405bull; /* "[@z AaZM": letters and their edges */
			w &= ~(0xffull << (8 * k));
			w |= (uint64_t)c << (8 * k);
			if (swar_fold(w) != ref_fold(w))
				ck_abort_msg("fold of %016llx", (unsigned long long)w);
		}
	for (int i = 0; i < 200000; i++) {
		uint64_t w = rnd();
		bad += swar_fold(w) != ref_fold(w);
	}
	ck_assert_uint_eq(bad, 0);
	ck_assert_uint_eq(swar_fold(swar_load8((const uint8_t *)"WwW.ExAm")),
			  swar_load8((const uint8_t *)"www.exam"));
}
END_TEST

/* swar_count() of every mask of flagged octets is its population count,
 * and it counts what swar_range() flags. */
START_TEST(count_flags)
{
	for (unsigned bits = 0; bits < 256; bits++) {
		uint64_t m = 0;
		for (unsigned k = 0; k < 8; k++)
			if (bits >> k & 1)
				m |= 0x80ull << (8 * k);
		if (swar_count(m) != (unsigned)__builtin_popcountll(m))
			ck_abort_msg("mask %016llx: %u", (unsigned long long)m, swar_count(m));
	}
	ck_assert_uint_eq(swar_count(swar_range(swar_load8((const uint8_t *)"a b\001c\377d "), 0x00,
						0x20)),
			  3);
}
END_TEST

static Suite *swar_suite(void)
{
	Suite *s = suite_create("swar");
	TCase *tc = tcase_create("core");
	tcase_add_test(tc, load_and_store);
	tcase_add_test(tc, range_matches_reference);
	tcase_add_test(tc, fold_matches_reference);
	tcase_add_test(tc, count_flags);
	suite_add_tcase(s, tc);
	return s;
}

DNSTS_CHECK_MAIN(swar_suite)
