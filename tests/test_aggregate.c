/* test_aggregate.c - bounded per-domain accumulators: unique estimate,
 * compression estimate, base candidates, client cap, merge. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "aggregate.h"
#include "check_util.h"
#include "detect_builder.h"
#include "dns_const.h"

static dns_name_t mk(const char *s)
{
	dns_name_t n;
	memset(&n, 0, sizeof(n));
	size_t o = 0;
	while (*s) {
		const char *dot = strchr(s, '.');
		size_t len = dot ? (size_t)(dot - s) : strlen(s);
		n.loff[n.nlabels++] = (uint8_t)o;
		n.wire[o++] = (uint8_t)len;
		memcpy(n.wire + o, s, len);
		o += len;
		s += len;
		if (*s == '.')
			s++;
	}
	n.wire[o++] = 0;
	n.len = (uint16_t)o;
	return n;
}

/* payload.<base labels>.example.com: reg_first = nlabels - 2 */
static void addq(agg_t *g, const char *name, const ip_addr_t *cli, uint64_t ts, size_t maxc)
{
	dns_name_t n = mk(name);
	agg_query_t q;
	memset(&q, 0, sizeof(q));
	q.name = &n;
	q.nlabels = n.nlabels;
	q.reg_first = n.nlabels - 2;
	q.npay = q.reg_first;
	q.qtype = DNS_TYPE_TXT;
	q.ts_ns = ts;
	q.client = cli;
	ck_assert_int_eq(agg_add_query(g, &q, maxc), 0);
}

START_TEST(unique_estimate)
{
	agg_t g;
	agg_init(&g);
	ip_addr_t cli = tb_ip4(10, 0, 0, 1);
	uint32_t seed = 1;
	for (int i = 0; i < 2000; i++) {
		char h[40], name[128];
		tb_randhex(h, 32, &seed);
		snprintf(name, sizeof(name), "%s.t.example.com", h);
		addq(&g, name, &cli, (uint64_t)i, 8);
		addq(&g, name, &cli, (uint64_t)i, 8); /* an immediate repeat: not new */
	}
	ck_assert_uint_eq(g.queries, 4000);
	ck_assert_uint_eq(g.uniq, 2000);
	double u = agg_unique(&g);
	ck_assert_msg(fabs(u - 2000) < 0.15 * 2000, "HLL estimate %f", u);
	/* the base under which payloads vary */
	ck_assert_str_eq(agg_base(&g), "t.example.com");
	/* hex: 4 bits per character; payload excludes the base label */
	double share;
	ck_assert_uint_eq(agg_encoding(&g, &share), FEAT_ENC_HEX);
	ck_assert(share > 0.99);
	/* random hex compresses to about half; never below a third */
	double r = agg_compress_ratio(&g);
	ck_assert_msg(r > 0.4 && r < 0.65, "ratio %f", r);
	agg_clear(&g);
}
END_TEST

START_TEST(repetitive_text_compresses)
{
	agg_t g;
	agg_init(&g);
	ip_addr_t cli = tb_ip4(10, 0, 0, 1);
	for (int i = 0; i < 200; i++) {
		char name[128];
		snprintf(name, sizeof(name), "static-content-server-%03d.images.example.com", i);
		addq(&g, name, &cli, (uint64_t)i, 8);
	}
	double r = agg_compress_ratio(&g);
	ck_assert_msg(r < 0.35, "ratio %f", r);
	agg_clear(&g);
}
END_TEST

START_TEST(client_cap_and_merge)
{
	agg_t a, b;
	agg_init(&a);
	agg_init(&b);
	for (unsigned c = 0; c < 10; c++) {
		ip_addr_t cli = tb_ip4(10, 0, 1, c);
		char name[64];
		snprintf(name, sizeof(name), "host%u.x.example.com", c);
		addq(c < 5 ? &a : &b, name, &cli, 100 + c, 4);
	}
	ck_assert_uint_eq(a.nclients, 4);
	ck_assert_uint_eq(a.clients_dropped, 1);
	ck_assert_int_eq(agg_merge(&a, &b, 3, 4), 0);
	ck_assert_uint_eq(a.queries, 10);
	ck_assert_uint_eq(a.nclients, 4);
	ck_assert_uint_eq(a.clients_dropped, 1 + 1 + 4);
	ck_assert_uint_eq(a.first_ns, 100);
	ck_assert_uint_eq(a.last_ns, 109);
	agg_clear(&a);
	agg_clear(&b);
}
END_TEST

/* Two aggregates built apart (as by two detectors, each with its own
 * key) merge into the sketch of one that saw all their payloads: the
 * payload hash does not depend on any detector's key. */
START_TEST(sketches_merge_as_one)
{
	agg_t a, b, all;
	agg_init(&a);
	agg_init(&b);
	agg_init(&all);
	ip_addr_t cli = tb_ip4(10, 0, 0, 9);
	uint32_t seed = 7;
	for (int i = 0; i < 1200; i++) {
		char h[40], name[128];
		tb_randb32(h, 26, &seed);
		snprintf(name, sizeof(name), "%s.up.example.com", h);
		addq(i < 500 ? &a : &b, name, &cli, (uint64_t)i, 8);
		addq(&all, name, &cli, (uint64_t)i, 8);
	}
	ck_assert_int_eq(agg_merge(&a, &b, 0, 8), 0);
	ck_assert_ptr_nonnull(a.d);
	ck_assert_ptr_nonnull(all.d);
	ck_assert_int_eq(memcmp(a.d->hll, all.d->hll, sizeof(a.d->hll)), 0);
	ck_assert(agg_unique(&a) == agg_unique(&all));
	ck_assert_str_eq(agg_base(&a), "up.example.com");
	ck_assert_str_eq(agg_base(&all), "up.example.com");
	agg_clear(&a);
	agg_clear(&b);
	agg_clear(&all);
}
END_TEST

/* An allowlisted query is counted and marked, and is no payload; answer
 * records inside a query are counted when they carry bytes. */
START_TEST(allowlisted_and_query_answers)
{
	agg_t g;
	agg_init(&g);
	agg_add_allowlisted_query(&g, DNS_TYPE_TXT, 200);
	agg_add_allowlisted_query(&g, DNS_TYPE_A, 100);
	agg_add_allowlisted_query(&g, DNS_TYPE_TXT, 300);
	ck_assert_uint_eq(g.queries, 3);
	ck_assert_uint_eq(g.allowlisted, 3);
	ck_assert_uint_eq(g.qtype[AQ_TXT], 2);
	ck_assert_uint_eq(g.qtype[AQ_A], 1);
	ck_assert_uint_eq(g.first_ns, 100);
	ck_assert_uint_eq(g.last_ns, 300);
	ck_assert_uint_eq(g.payload_queries, 0);
	ck_assert_uint_eq(g.uniq, 0);
	ck_assert_uint_eq(g.nclients, 0);
	ck_assert_ptr_null(g.d);
	ck_assert_uint_eq(agg_heap_bytes(&g), 0);
	agg_add_query_answers(&g, 0);
	ck_assert_uint_eq(g.q_answers, 0);
	agg_add_query_answers(&g, 120);
	agg_add_query_answers(&g, 30);
	ck_assert_uint_eq(g.q_answers, 2);
	ck_assert_uint_eq(g.q_answer_bytes, 150);
	agg_clear(&g);
}
END_TEST

static Suite *aggregate_suite(void)
{
	Suite *s = suite_create("aggregate");
	TCase *tc = tcase_create("core");
	tcase_add_test(tc, unique_estimate);
	tcase_add_test(tc, repetitive_text_compresses);
	tcase_add_test(tc, client_cap_and_merge);
	tcase_add_test(tc, sketches_merge_as_one);
	tcase_add_test(tc, allowlisted_and_query_answers);
	suite_add_tcase(s, tc);
	return s;
}

DNSTS_CHECK_MAIN(aggregate_suite)
