/* test_payset.c - the distinct-payload sketch: the same payloads give the
 * same state in any order, cut into any pieces, merged in any tree; counts
 * are exact below PAYSET_K and estimated above it. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check_util.h"
#include "payset.h"

/* Deterministic payload i: "p<i>x<...>" with a length that varies. */
static size_t payload(unsigned i, uint8_t *buf)
{
	size_t n = (size_t)snprintf((char *)buf, 64, "p%ux%08x", i, i * 2654435761u);
	for (unsigned k = 0; k < i % 23; k++)
		buf[n++] = (uint8_t)('a' + (i + k) % 26);
	return n;
}

static void add_payload(payset_t *s, unsigned i)
{
	uint8_t t[128];
	size_t n = payload(i, t);
	ps_ent_t e;
	memset(&e, 0, sizeof(e));
	e.h = payset_hash(t, n);
	e.len = (uint8_t)n;
	e.nlabels = 1 + (uint8_t)(i % 3);
	e.flags = (uint8_t)(i % 16);
	e.enc = (uint8_t)(i % 128);
	e.entropy = (float)(i % 50) / 10.0f;
	e.unlike = (float)(i % 10) / 10.0f;
	memcpy(e.prefix, t, 4);
	char name[64];
	snprintf(name, sizeof(name), "%.*s.example.com", (int)n, (const char *)t);
	ck_assert_int_ge(payset_add(s, &e, t, n, name), 0);
}

static void assert_same(const payset_t *a, const payset_t *b)
{
	ck_assert_uint_eq(payset_n(a), payset_n(b));
	ck_assert_uint_eq(a->seen, b->seen);
	ck_assert_int_eq(payset_saturated(a), payset_saturated(b));
	ck_assert_uint_eq(a->max_len, b->max_len);
	ck_assert_int_eq(memcmp(a->set.rec, b->set.rec, payset_n(a) * sizeof(ps_ent_t)), 0);
	ck_assert_uint_eq(a->t->ntext, b->t->ntext);
	for (unsigned i = 0; i < a->t->ntext; i++) {
		ck_assert(a->t->text[i].h == b->t->text[i].h);
		ck_assert_str_eq(a->t->text[i].name, b->t->text[i].name);
	}
	ck_assert_uint_eq(a->t->best.len, b->t->best.len);
	ck_assert_int_eq(memcmp(a->t->best.text, b->t->best.text, a->t->best.len), 0);
	ps_sum_t x, y;
	payset_summary(a, &x);
	payset_summary(b, &y);
	ck_assert_int_eq(memcmp(&x, &y, sizeof(x)), 0);
}

/* A sequence of n payload ids with repeats, shuffled by seed. */
static unsigned *stream(unsigned n, unsigned distinct, unsigned seed)
{
	unsigned *v = malloc(n * sizeof(*v));
	ck_assert_ptr_nonnull(v);
	for (unsigned i = 0; i < n; i++)
		v[i] = i % distinct;
	srand(seed);
	for (unsigned i = n - 1; i > 0; i--) {
		unsigned j = (unsigned)rand() % (i + 1);
		unsigned t = v[i];
		v[i] = v[j];
		v[j] = t;
	}
	return v;
}

static void order_free_with(unsigned n, unsigned distinct)
{
	unsigned *v = stream(n, distinct, 1);
	payset_t whole;
	payset_init(&whole);
	for (unsigned i = 0; i < n; i++)
		add_payload(&whole, v[i]);
	/* the same stream in another order */
	unsigned *w = stream(n, distinct, 2);
	payset_t other;
	payset_init(&other);
	for (unsigned i = 0; i < n; i++)
		add_payload(&other, w[i]);
	assert_same(&whole, &other);
	/* cut into 7 consecutive pieces, merged right to left, and into 3 merged
	 * as a tree ((a b) c) */
	for (unsigned parts = 3; parts <= 7; parts += 4) {
		payset_t piece[7], acc;
		payset_init(&acc);
		for (unsigned p = 0; p < parts; p++) {
			payset_init(&piece[p]);
			for (unsigned i = p * n / parts; i < (p + 1) * n / parts; i++)
				add_payload(&piece[p], v[i]);
		}
		if (parts == 3) {
			ck_assert_int_eq(payset_merge(&piece[0], &piece[1]), 0);
			ck_assert_int_eq(payset_merge(&piece[2], &piece[0]), 0);
			assert_same(&whole, &piece[2]);
		} else {
			for (unsigned p = parts; p-- > 0;)
				ck_assert_int_eq(payset_merge(&acc, &piece[p]), 0);
			assert_same(&whole, &acc);
		}
		for (unsigned p = 0; p < parts; p++)
			payset_clear(&piece[p]);
		payset_clear(&acc);
	}
	payset_clear(&whole);
	payset_clear(&other);
	free(v);
	free(w);
}

/* Who asked for each payload, and the two legs of a resolver matched by
 * name and time.  Events: payloads 0..149 asked by client C at t, then by
 * resolver R twice (it asks two upstream servers) 10 ms later; 150..189
 * by R alone (clients not captured); 190..199 by C, R and a third host
 * (left out); 200..209 by C and, 60 s later, by R (no match in time). */
typedef struct ask_ev {
	unsigned pay;
	uint32_t host;
	uint64_t ts;
} ask_ev_t;

enum { HOST_C = 0x1111, HOST_R = 0x2222, HOST_X = 0x0100 };

static size_t ask_events(ask_ev_t *ev)
{
	size_t n = 0;
	const uint64_t s = 1000000000ull;
	for (unsigned p = 0; p < 210; p++) {
		uint64_t t = (uint64_t)p * 5 * s;
		if (p < 150 || p >= 190)
			ev[n++] = (ask_ev_t){p, HOST_C, t};
		if (p >= 190 && p < 200)
			ev[n++] = (ask_ev_t){p, HOST_X, t + 1};
		uint64_t tr = p >= 200 ? t + 60 * s : t + 10000000ull;
		ev[n++] = (ask_ev_t){p, HOST_R, tr};
		if (p < 150)
			ev[n++] = (ask_ev_t){p, HOST_R, tr + 5000000ull};
	}
	return n;
}

static void add_ask(payset_t *s, const ask_ev_t *e)
{
	uint8_t t[128];
	size_t n = payload(e->pay, t);
	ps_ent_t ent;
	memset(&ent, 0, sizeof(ent));
	ent.h = payset_hash(t, n);
	ent.len = (uint8_t)n;
	bool want;
	ps_ent_t *pe = payset_lookup(s, ent.h, ent.len, &want);
	if (!pe && want) {
		ck_assert_int_eq(payset_insert(s, &ent), 0);
		pe = payset_find(s, ent.h);
	}
	ck_assert_ptr_nonnull(pe);
	payset_ask(pe, e->host, e->ts);
}

START_TEST(askers_order_free_and_matched)
{
	ask_ev_t ev[1024];
	size_t n = ask_events(ev);
	payset_t whole, shuffled, acc;
	payset_init(&whole);
	payset_init(&shuffled);
	payset_init(&acc);
	for (size_t i = 0; i < n; i++)
		add_ask(&whole, &ev[i]);
	unsigned *perm = stream((unsigned)n, (unsigned)n, 7);
	for (size_t i = 0; i < n; i++)
		add_ask(&shuffled, &ev[perm[i]]);
	ck_assert_int_eq(memcmp(whole.set.rec, shuffled.set.rec, payset_n(&whole) * sizeof(ps_ent_t)), 0);
	/* 5 pieces of the shuffled order, merged left to right */
	for (unsigned p = 0; p < 5; p++) {
		payset_t piece;
		payset_init(&piece);
		for (size_t i = p * n / 5; i < (p + 1) * n / 5; i++)
			add_ask(&piece, &ev[perm[i]]);
		ck_assert_int_eq(payset_merge(&acc, &piece), 0);
		payset_clear(&piece);
	}
	ck_assert_uint_eq(payset_n(&acc), payset_n(&whole));
	ck_assert_int_eq(memcmp(whole.set.rec, acc.set.rec, payset_n(&whole) * sizeof(ps_ent_t)), 0);
	uint32_t r = HOST_R;
	uint64_t m, u;
	payset_upstream(&whole, &r, 1, 10ull * 1000000000ull, &m, &u);
	ck_assert_uint_eq(m, 300); /* 150 payloads, asked twice each */
	ck_assert_uint_eq(u, 50);  /* 40 alone, 10 a minute after the client */
	/* not a resolver: nothing to match */
	uint32_t c = HOST_C;
	payset_upstream(&whole, &c, 1, 10ull * 1000000000ull, &m, &u);
	ck_assert_uint_eq(m, 150);
	ck_assert_uint_eq(u, 10);
	free(perm);
	payset_clear(&whole);
	payset_clear(&shuffled);
	payset_clear(&acc);
}
END_TEST

START_TEST(order_free_below_k)
{
	order_free_with(1000, 100);
}
END_TEST

START_TEST(order_free_above_k)
{
	order_free_with(6000, 3000);
}
END_TEST

START_TEST(exact_below_k)
{
	payset_t s;
	payset_init(&s);
	for (unsigned r = 0; r < 3; r++)
		for (unsigned i = 0; i < PAYSET_K; i++)
			add_payload(&s, i);
	ck_assert(!payset_saturated(&s));
	ck_assert_uint_eq(payset_n(&s), PAYSET_K);
	ck_assert(payset_distinct(&s) == PAYSET_K);
	ck_assert_uint_eq(s.seen, 3 * PAYSET_K);
	for (unsigned i = 0; i < payset_n(&s); i++)
		ck_assert_uint_eq(payset_at(&s, i)->queries, 3);
	/* characters: exact sum over the distinct payloads */
	double chars = 0;
	uint8_t t[128];
	for (unsigned i = 0; i < PAYSET_K; i++)
		chars += (double)payload(i, t);
	ps_sum_t sum;
	payset_summary(&s, &sum);
	ck_assert(sum.chars == chars);
	/* one more distinct payload: now an estimate */
	add_payload(&s, PAYSET_K);
	ck_assert(payset_saturated(&s));
	ck_assert_uint_eq(payset_n(&s), PAYSET_K);
	payset_clear(&s);
}
END_TEST

START_TEST(estimate_above_k)
{
	for (unsigned distinct = 1000; distinct <= 64000; distinct *= 4) {
		payset_t s;
		payset_init(&s);
		for (unsigned i = 0; i < distinct; i++)
			add_payload(&s, i);
		double e = payset_distinct(&s);
		/* KMV with k = 256: standard error about 1/sqrt(k - 2) = 6.3% */
		ck_assert_msg(e > 0.75 * distinct && e < 1.25 * distinct, "%u distinct: %.0f",
			      distinct, e);
		payset_clear(&s);
	}
}
END_TEST

START_TEST(merge_with_itself)
{
	payset_t s, c;
	payset_init(&s);
	payset_init(&c);
	for (unsigned i = 0; i < 500; i++)
		add_payload(&s, i);
	ck_assert_int_eq(payset_merge(&c, &s), 0);
	ck_assert_int_eq(payset_merge(&c, &s), 0);
	/* the same distinct set, every count doubled */
	ck_assert_uint_eq(payset_n(&c), payset_n(&s));
	ck_assert(kmv_distinct(&c.set) == kmv_distinct(&s.set));
	/* the estimate is never above the queries seen (500 here) */
	ck_assert(payset_distinct(&s) <= 500.0);
	for (unsigned i = 0; i < payset_n(&s); i++)
		ck_assert_uint_eq(payset_at(&c, i)->queries, 2 * payset_at(&s, i)->queries);
	payset_clear(&s);
	payset_clear(&c);
}
END_TEST

START_TEST(best_is_longest)
{
	payset_t a, b;
	payset_init(&a);
	payset_init(&b);
	for (unsigned i = 0; i < 300; i++)
		add_payload(&a, i);
	for (unsigned i = 300; i-- > 0;)
		add_payload(&b, i);
	uint8_t t[128];
	size_t longest = 0;
	for (unsigned i = 0; i < 300; i++) {
		size_t n = payload(i, t);
		if (n > longest)
			longest = n;
	}
	ck_assert_uint_eq(a.t->best.len, longest);
	ck_assert_int_eq(memcmp(a.t->best.text, b.t->best.text, longest), 0);
	ck_assert_uint_eq(a.max_len, longest);
	payset_clear(&a);
	payset_clear(&b);
}
END_TEST

static Suite *payset_suite(void)
{
	Suite *s = suite_create("payset");
	TCase *t = tcase_create("core");
	tcase_set_timeout(t, 60);
	tcase_add_test(t, order_free_below_k);
	tcase_add_test(t, order_free_above_k);
	tcase_add_test(t, exact_below_k);
	tcase_add_test(t, estimate_above_k);
	tcase_add_test(t, merge_with_itself);
	tcase_add_test(t, best_is_longest);
	tcase_add_test(t, askers_order_free_and_matched);
	suite_add_tcase(s, t);
	return s;
}

DNSTS_CHECK_MAIN(payset_suite)
