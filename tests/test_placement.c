/* test_placement.c - resolvers recognised from both legs or declared, local
 * networks by CIDR, and merges that do not depend on order. */
#include <arpa/inet.h>
#include <string.h>

#include "check_util.h"
#include "placement.h"

static ip_addr_t A(const char *s)
{
	ip_addr_t ip;
	memset(&ip, 0, sizeof(ip));
	if (inet_pton(AF_INET, s, ip.a) == 1)
		ip.v = 4;
	else if (inet_pton(AF_INET6, s, ip.a) == 1)
		ip.v = 6;
	return ip;
}

START_TEST(resolver_from_both_legs)
{
	placement_t *p = placement_new();
	ip_addr_t cli = A("192.168.1.30"), res = A("192.168.1.1"), up = A("203.0.113.53");
	/* the client leg alone: the resolver answers, but is not seen asking */
	placement_query(p, &cli, &res);
	placement_response(p, &res, &cli);
	ck_assert(!placement_is_resolver(p, &res));
	ck_assert(!placement_is_resolver(p, &cli));
	/* the upstream leg: it asks another server */
	placement_query(p, &res, &up);
	placement_response(p, &up, &res);
	ck_assert(placement_is_resolver(p, &res));
	ck_assert(!placement_is_resolver(p, &cli));
	/* the upstream server answers but never asks */
	ck_assert(!placement_is_resolver(p, &up));
	/* talking to itself proves nothing */
	ip_addr_t lo = A("127.0.0.53");
	placement_query(p, &lo, &lo);
	placement_response(p, &lo, &lo);
	ck_assert(!placement_is_resolver(p, &lo));
	placement_free(p);
}
END_TEST

START_TEST(declared_resolver)
{
	placement_t *p = placement_new();
	ip_addr_t r6 = A("2001:db8::53"), other = A("2001:db8::54");
	ck_assert_int_eq(placement_declare_resolver(p, &r6), 0);
	ck_assert(placement_is_resolver(p, &r6));
	ck_assert(!placement_is_resolver(p, &other));
	placement_free(p);
}
END_TEST

START_TEST(merge_is_order_free)
{
	/* many hosts (the table grows), flags split over two placements */
	placement_t *a = placement_new(), *b = placement_new(), *w = placement_new();
	for (unsigned i = 0; i < 3000; i++) {
		ip_addr_t h = A("10.0.0.0"), s = A("10.255.0.1");
		h.a[2] = (uint8_t)(i >> 8);
		h.a[3] = (uint8_t)i;
		placement_t *half = i % 2 ? a : b;
		placement_query(half, &h, &s);
		placement_query(w, &h, &s);
		if (i % 3 == 0) {
			placement_response(i % 2 ? b : a, &h, &s);
			placement_response(w, &h, &s);
		}
	}
	ck_assert_int_eq(placement_merge(a, b), 0);
	for (unsigned i = 0; i < 3000; i++) {
		ip_addr_t h = A("10.0.0.0");
		h.a[2] = (uint8_t)(i >> 8);
		h.a[3] = (uint8_t)i;
		ck_assert_int_eq(placement_is_resolver(a, &h), placement_is_resolver(w, &h));
		ck_assert_int_eq(placement_is_resolver(a, &h), i % 3 == 0);
	}
	placement_free(a);
	placement_free(b);
	placement_free(w);
}
END_TEST

START_TEST(home_nets)
{
	placement_t *p = placement_new();
	ip_addr_t net;
	unsigned pre;
	ck_assert(!placement_has_home(p));
	ck_assert_int_eq(placement_parse_cidr("192.168.0.0/16", &net, &pre), 0);
	ck_assert_uint_eq(pre, 16);
	ck_assert_int_eq(placement_add_home_net(p, &net, pre), 0);
	ck_assert_int_eq(placement_parse_cidr("10.1.2.128/25", &net, &pre), 0);
	ck_assert_int_eq(placement_add_home_net(p, &net, pre), 0);
	ck_assert_int_eq(placement_parse_cidr("2001:db8:40::/42", &net, &pre), 0);
	ck_assert_int_eq(placement_add_home_net(p, &net, pre), 0);
	ck_assert_int_eq(placement_parse_cidr("198.51.100.7", &net, &pre), 0);
	ck_assert_uint_eq(pre, 32);
	ck_assert_int_eq(placement_add_home_net(p, &net, pre), 0);
	ip_addr_t in[] = {A("192.168.1.30"), A("192.168.255.255"), A("10.1.2.200"),
			  A("2001:db8:40::1"), A("2001:db8:7f:ffff::1"), A("198.51.100.7")};
	ip_addr_t out[] = {A("192.169.0.1"), A("10.1.2.127"), A("2001:db8:80::1"),
			   A("198.51.100.8"), A("::ffff:192.168.1.1")};
	for (size_t i = 0; i < sizeof in / sizeof in[0]; i++)
		ck_assert_msg(placement_is_home(p, &in[i]), "in %zu", i);
	for (size_t i = 0; i < sizeof out / sizeof out[0]; i++)
		ck_assert_msg(!placement_is_home(p, &out[i]), "out %zu", i);
	ck_assert(placement_has_home(p));
	/* malformed */
	const char *bad[] = {"", "/8", "192.168.0.0/33", "2001:db8::/129", "192.168.0/24",
			     "10.0.0.0/", "10.0.0.0/8x", "host.example/24"};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		ck_assert_msg(placement_parse_cidr(bad[i], &net, &pre) < 0, "%s", bad[i]);
	/* a /0 holds everything of its family */
	placement_t *q = placement_new();
	ck_assert_int_eq(placement_parse_cidr("0.0.0.0/0", &net, &pre), 0);
	ck_assert_int_eq(placement_add_home_net(q, &net, pre), 0);
	ck_assert(placement_is_home(q, &in[0]));
	ck_assert(!placement_is_home(q, &in[3]));
	placement_free(q);
	placement_free(p);
}
END_TEST

static Suite *placement_suite(void)
{
	Suite *s = suite_create("placement");
	TCase *t = tcase_create("core");
	tcase_set_timeout(t, 60);
	tcase_add_test(t, resolver_from_both_legs);
	tcase_add_test(t, declared_resolver);
	tcase_add_test(t, merge_is_order_free);
	tcase_add_test(t, home_nets);
	suite_add_tcase(s, t);
	return s;
}

DNSTS_CHECK_MAIN(placement_suite)
