/* test_domtab.c - the table of base-domain records: look-up by hash and
 * key, the filter in front of the index, growth past a chunk and the
 * index's first size, released records reused, the eviction sweep (which
 * records go, ties, the byte bound) and the memory count. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check_util.h"
#include "domtab.h"

/* Distinct, well spread hashes for test keys (the detector uses SipHash;
 * any 64-bit hash will do for the table). */
static uint64_t th(unsigned i)
{
	uint64_t x = (uint64_t)(i + 1) * 0x9e3779b97f4a7c15ull;
	x ^= x >> 31;
	x *= 0xbf58476d1ce4e5b9ull;
	return x ^ (x >> 29);
}

static dom_t *add(domtab_t *t, unsigned i)
{
	char key[32];
	int n = snprintf(key, sizeof key, "site%u.example", i);
	return domtab_add(t, th(i), key, (size_t)n);
}

static dom_t *find(const domtab_t *t, unsigned i)
{
	char key[32];
	int n = snprintf(key, sizeof key, "site%u.example", i);
	return domtab_find(t, th(i), key, (size_t)n);
}

/* Give record e a suspicion of s (agg_suspicion: half the bytes of the
 * distinct answer data it kept). */
static void suspicion(dom_t *e, uint64_t s)
{
	agg_response_t r;
	memset(&r, 0, sizeof(r));
	r.h = 1;
	r.data_bytes = s * 2;
	r.entropy = -1;
	ck_assert_int_eq(agg_add_response(&e->g, &r, 8), 0);
}

START_TEST(add_and_find)
{
	domtab_t t;
	ck_assert_int_eq(domtab_init(&t, 100, (size_t)1 << 20), 0);
	dom_t *a = add(&t, 1), *b = add(&t, 2);
	ck_assert_ptr_nonnull(a);
	ck_assert_ptr_nonnull(b);
	ck_assert_str_eq(dom_key(a), "site1.example");
	ck_assert_uint_eq(a->klen, strlen("site1.example"));
	ck_assert_uint_eq(a->h, th(1));
	ck_assert_ptr_eq(find(&t, 1), a);
	ck_assert_ptr_eq(find(&t, 2), b);
	/* by hash alone, and the same hash with another key */
	ck_assert_ptr_eq(domtab_find(&t, th(2), NULL, 0), b);
	ck_assert_ptr_null(domtab_find(&t, th(2), "site1.example", 13));
	ck_assert_ptr_null(find(&t, 3));
	/* a ref names its record; 0 names none */
	ck_assert_uint_ne(dom_ref(a), 0);
	ck_assert_ptr_eq(domtab_rec(&t, dom_ref(a)), a);
	ck_assert_ptr_eq(domtab_rec(&t, dom_ref(b)), b);
	ck_assert_ptr_null(domtab_rec(&t, 0));
	/* get finds, or adds once */
	ck_assert_ptr_eq(domtab_get(&t, th(1), "site1.example", 13), a);
	dom_t *c = domtab_get(&t, th(3), "site3.example", 13);
	ck_assert_ptr_nonnull(c);
	ck_assert_ptr_eq(find(&t, 3), c);
	ck_assert_uint_eq(t.n, 3);
	ck_assert_uint_eq(t.created, 3);
	ck_assert_uint_eq(t.evicted, 0);
	/* a fresh record: empty aggregate, no flags */
	ck_assert_uint_eq(c->g.queries, 0);
	ck_assert_ptr_null(c->g.d);
	ck_assert_ptr_null(c->allow_reason);
	ck_assert(!c->prefix_mode);
	domtab_fini(&t);
}
END_TEST

/* Keys of the inline buffer's size and longer live on the heap; an empty
 * key or one over 65535 octets gets no record. */
START_TEST(key_lengths)
{
	domtab_t t;
	ck_assert_int_eq(domtab_init(&t, 100, (size_t)1 << 20), 0);
	char key[70000];
	memset(key, 'k', sizeof key);
	for (size_t len = DOMTAB_KEY_INLINE - 2; len <= DOMTAB_KEY_INLINE + 1; len++) {
		dom_t *e = domtab_add(&t, th((unsigned)len), key, len);
		ck_assert_ptr_nonnull(e);
		ck_assert_uint_eq(strlen(dom_key(e)), len);
		ck_assert_int_eq(memcmp(dom_key(e), key, len), 0);
		ck_assert((e->key_heap != NULL) == (len >= DOMTAB_KEY_INLINE));
		ck_assert_ptr_eq(domtab_find(&t, th((unsigned)len), key, len), e);
	}
	ck_assert_ptr_null(domtab_add(&t, th(1000), key, 0));
	ck_assert_ptr_null(domtab_add(&t, th(1001), key, 65536));
	ck_assert_ptr_nonnull(domtab_add(&t, th(1002), key, 65535));
	ck_assert_uint_eq(t.n, 5);
	domtab_fini(&t);
}
END_TEST

/* Past one chunk of records and several doublings of the index, every
 * record is still found, by the filter and the probe. */
START_TEST(growth)
{
	domtab_t t;
	const unsigned N = DOMTAB_CHUNK + 1000;
	ck_assert_int_eq(domtab_init(&t, N, (size_t)1 << 30), 0);
	unsigned failed = 0, found = 0, wrong = 0, stray = 0;
	for (unsigned i = 0; i < N; i++)
		failed += !add(&t, i);
	ck_assert_uint_eq(failed, 0);
	ck_assert_uint_eq(t.n, N);
	ck_assert_uint_eq(t.nchunks, 2);
	ck_assert_uint_ge(t.cap, 2 * N);
	for (unsigned i = 0; i < N; i++) {
		dom_t *e = find(&t, i);
		found += e != NULL;
		wrong += e && e->h != th(i);
	}
	ck_assert_uint_eq(found, N);
	ck_assert_uint_eq(wrong, 0);
	for (unsigned i = N; i < N + 1000; i++)
		stray += find(&t, i) != NULL;
	ck_assert_uint_eq(stray, 0);
	unsigned live = 0;
	dom_t *e;
	DOMTAB_FOR_EACH(&t, e)
		live++;
	ck_assert_uint_eq(live, N);
	ck_assert_uint_eq(t.evicted, 0);
	domtab_fini(&t);
}
END_TEST

/* At max_records, adding a record first sweeps: the least suspicious
 * quarter goes, the rest stay, gen moves on, and released records are
 * reused. */
START_TEST(sweep_keeps_the_suspicious)
{
	domtab_t t;
	ck_assert_int_eq(domtab_init(&t, 8, (size_t)1 << 20), 0);
	/* suspicion 7, 6, ... 0: records 6 and 7 are the least suspicious */
	for (unsigned i = 0; i < 8; i++)
		suspicion(add(&t, i), 7 - i);
	uint32_t gen = t.gen;
	uint32_t ref7 = dom_ref(find(&t, 7));
	dom_t *e = add(&t, 8);
	ck_assert_ptr_nonnull(e);
	ck_assert_uint_ne(t.gen, gen);
	ck_assert_uint_eq(t.evicted, 2);
	ck_assert_uint_eq(t.n, 7);
	ck_assert_uint_eq(t.created, 9);
	for (unsigned i = 0; i < 6; i++)
		ck_assert_ptr_nonnull(find(&t, i));
	ck_assert_ptr_null(find(&t, 6));
	ck_assert_ptr_null(find(&t, 7));
	ck_assert_ptr_eq(find(&t, 8), e);
	/* the new record took the place released last: no new chunk slot */
	ck_assert_uint_eq(t.chunk_used, 8);
	ck_assert_uint_eq(dom_ref(e), ref7);
	unsigned live = 0;
	DOMTAB_FOR_EACH(&t, e)
		live++;
	ck_assert_uint_eq(live, 7);
	domtab_fini(&t);
}
END_TEST

/* Records of equal suspicion: the first ones in memory go, whatever their
 * hashes. */
START_TEST(sweep_ties_in_memory_order)
{
	domtab_t t;
	ck_assert_int_eq(domtab_init(&t, 16, (size_t)1 << 20), 0);
	for (unsigned i = 0; i < 16; i++)
		ck_assert_ptr_nonnull(add(&t, i));
	domtab_sweep(&t);
	ck_assert_uint_eq(t.evicted, 4);
	ck_assert_uint_eq(t.n, 12);
	for (unsigned i = 0; i < 16; i++)
		ck_assert_msg((find(&t, i) != NULL) == (i >= 4), "record %u", i);
	domtab_fini(&t);
}
END_TEST

/* The memory bound: a record's detail counts, and past max_bytes a sweep
 * runs though max_records is far. */
START_TEST(byte_bound)
{
	/* what one record's aggregate holds on the heap after suspicion() */
	dom_t scratch;
	memset(&scratch, 0, sizeof(scratch));
	agg_init(&scratch.g);
	suspicion(&scratch, 10);
	size_t heap = agg_heap_bytes(&scratch.g);
	agg_clear(&scratch.g);
	ck_assert_uint_gt(heap, 0);

	domtab_t t;
	ck_assert_int_eq(domtab_init(&t, 1000, 4 * (sizeof(dom_t) + heap)), 0);
	for (unsigned i = 0; i < 4; i++) {
		dom_t *e = add(&t, i);
		size_t mark = domtab_mark(e);
		suspicion(e, 10 + i);
		domtab_account(&t, e, mark);
	}
	ck_assert_uint_eq(t.bytes, 4 * (sizeof(dom_t) + heap));
	ck_assert_uint_eq(t.evicted, 0);
	ck_assert_ptr_nonnull(add(&t, 4));
	/* one record of four went: the least suspicious, detail and all */
	ck_assert_uint_eq(t.evicted, 1);
	ck_assert_ptr_null(find(&t, 0));
	ck_assert_uint_eq(t.bytes, 4 * sizeof(dom_t) + 3 * heap);
	domtab_fini(&t);
}
END_TEST

static Suite *domtab_suite(void)
{
	Suite *s = suite_create("domtab");
	TCase *tc = tcase_create("core");
	tcase_add_test(tc, add_and_find);
	tcase_add_test(tc, key_lengths);
	tcase_add_test(tc, growth);
	tcase_add_test(tc, sweep_keeps_the_suspicious);
	tcase_add_test(tc, sweep_ties_in_memory_order);
	tcase_add_test(tc, byte_bound);
	suite_add_tcase(s, tc);
	return s;
}

DNSTS_CHECK_MAIN(domtab_suite)
