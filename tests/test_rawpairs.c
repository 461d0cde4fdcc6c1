/* test_rawpairs.c - tunnel packets outside DNS per address pair: both
 * directions count for one pair, pairs past the cap are dropped (and
 * counted), a domain reads the pairs of its clients, merging adds up. */
#include <string.h>

#include "check_util.h"
#include "detect_builder.h"
#include "rawpairs.h"

START_TEST(both_directions_one_pair)
{
	rawpairs_t r;
	memset(&r, 0, sizeof r);
	ip_addr_t c = tb_ip4(10, 0, 0, 1), s = tb_ip4(192, 0, 2, 53);
	rawpairs_add(&r, &c, &s);
	rawpairs_add(&r, &s, &c);
	rawpairs_add(&r, &c, &s);
	ck_assert_uint_eq(r.n, 1);
	ck_assert_uint_eq(r.p[0].n, 3);
	ck_assert_uint_eq(r.dropped, 0);
}
END_TEST

START_TEST(cap)
{
	rawpairs_t r;
	memset(&r, 0, sizeof r);
	ip_addr_t s = tb_ip4(192, 0, 2, 53);
	for (unsigned i = 0; i < RAWPAIRS_MAX + 10; i++) {
		ip_addr_t c = tb_ip4(10, 0, 1, i);
		rawpairs_add(&r, &c, &s);
	}
	ck_assert_uint_eq(r.n, RAWPAIRS_MAX);
	ck_assert_uint_eq(r.dropped, 10);
	ip_addr_t first = tb_ip4(10, 0, 1, 0);
	rawpairs_add(&r, &s, &first); /* a known pair still counts */
	ck_assert_uint_eq(r.p[0].n, 2);
	ck_assert_uint_eq(r.dropped, 10);
}
END_TEST

/* A domain reads the packets of the pairs one of its clients is in,
 * whichever end it is. */
START_TEST(of_clients)
{
	rawpairs_t r;
	memset(&r, 0, sizeof r);
	ip_addr_t c1 = tb_ip4(10, 0, 0, 1), c2 = tb_ip4(10, 0, 0, 2), c3 = tb_ip4(10, 0, 0, 3);
	ip_addr_t s = tb_ip4(192, 0, 2, 53);
	rawpairs_add(&r, &c1, &s);            /* c1 first */
	rawpairs_add(&r, &s, &c2);            /* c2 second */
	rawpairs_add(&r, &s, &c2);
	for (int i = 0; i < 4; i++)
		rawpairs_add(&r, &c3, &s);
	agg_t g;
	agg_init(&g);
	agg_client_t cl[2];
	memset(cl, 0, sizeof cl);
	cl[0].ip = c1;
	cl[1].ip = c2;
	g.clients = cl;
	g.nclients = 2;
	ck_assert_uint_eq(rawpairs_of_clients(&r, &g), 1 + 2);
	g.nclients = 0;
	ck_assert_uint_eq(rawpairs_of_clients(&r, &g), 0);
}
END_TEST

START_TEST(merge_adds)
{
	rawpairs_t a, b;
	memset(&a, 0, sizeof a);
	memset(&b, 0, sizeof b);
	ip_addr_t c1 = tb_ip4(10, 0, 0, 1), c2 = tb_ip4(10, 0, 0, 2);
	ip_addr_t s = tb_ip4(192, 0, 2, 53);
	rawpairs_add(&a, &c1, &s);
	rawpairs_add(&b, &c1, &s);
	rawpairs_add(&b, &c1, &s);
	rawpairs_add(&b, &c2, &s);
	b.dropped = 5;
	rawpairs_merge(&a, &b);
	ck_assert_uint_eq(a.n, 2);
	ck_assert_uint_eq(a.p[0].n, 3);
	ck_assert_uint_eq(a.p[1].n, 1);
	ck_assert_uint_eq(a.dropped, 5);
}
END_TEST

/* Merging matches a pair whichever direction each side saw first (two
 * inputs of one tunnel, one capture starting with the server's reply):
 * one pair, the packets added up, also when the table is full. */
START_TEST(merge_matches_either_direction)
{
	rawpairs_t a, b;
	memset(&a, 0, sizeof a);
	memset(&b, 0, sizeof b);
	ip_addr_t c = tb_ip4(10, 0, 0, 1), s = tb_ip4(192, 0, 2, 53);
	rawpairs_add(&a, &c, &s);
	rawpairs_add(&b, &s, &c);
	rawpairs_add(&b, &s, &c);
	rawpairs_merge(&a, &b);
	ck_assert_uint_eq(a.n, 1);
	ck_assert_uint_eq(a.p[0].n, 3);
	/* a full table: the reversed pair still adds to its entry */
	for (unsigned i = 1; i < RAWPAIRS_MAX; i++) {
		ip_addr_t o = tb_ip4(10, 0, 2, i);
		rawpairs_add(&a, &o, &s);
	}
	ck_assert_uint_eq(a.n, RAWPAIRS_MAX);
	rawpairs_merge(&a, &b);
	ck_assert_uint_eq(a.p[0].n, 5);
	ck_assert_uint_eq(a.dropped, 0);
	/* a pair that finds no room is counted as dropped, as when added */
	rawpairs_t x;
	memset(&x, 0, sizeof x);
	ip_addr_t o = tb_ip4(10, 0, 3, 1);
	rawpairs_add(&x, &o, &s);
	rawpairs_add(&x, &s, &o);
	rawpairs_merge(&a, &x);
	ck_assert_uint_eq(a.n, RAWPAIRS_MAX);
	ck_assert_uint_eq(a.dropped, 2);
}
END_TEST

static Suite *rawpairs_suite(void)
{
	Suite *s = suite_create("rawpairs");
	TCase *tc = tcase_create("core");
	tcase_add_test(tc, both_directions_one_pair);
	tcase_add_test(tc, cap);
	tcase_add_test(tc, of_clients);
	tcase_add_test(tc, merge_adds);
	tcase_add_test(tc, merge_matches_either_direction);
	suite_add_tcase(s, tc);
	return s;
}

DNSTS_CHECK_MAIN(rawpairs_suite)
