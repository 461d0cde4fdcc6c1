/* test_aggregate.c - bounded per-domain accumulators: unique estimate,
 * compression estimate, client cap, merge; the same state for the same
 * messages whatever their order or the pieces they came in. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "aggregate.h"
#include "check_util.h"
#include "detect_builder.h"

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

/* <payload>.x.example.com: the domain is the last three labels; sent to
 * srv (NULL: unknown) from source port sport */
static void addq_to(agg_t *g, const char *name, const ip_addr_t *cli, uint64_t ts, size_t maxc,
		    const ip_addr_t *srv, uint16_t sport)
{
	dns_name_t n = mk(name);
	agg_query_t q;
	memset(&q, 0, sizeof(q));
	q.name = &n;
	q.nlabels = n.nlabels;
	q.npay = n.nlabels - 3;
	q.qtype = 16;
	q.ts_ns = ts;
	q.client = cli;
	q.resolver = srv;
	q.sport = sport;
	q.dport = 53;
	q.transport = 17;
	ck_assert_int_eq(agg_add_query(g, &q, maxc), 0);
}

static void addq(agg_t *g, const char *name, const ip_addr_t *cli, uint64_t ts, size_t maxc)
{
	addq_to(g, name, cli, ts, maxc, NULL, 0);
}

static void addr(agg_t *g, const ip_addr_t *cli, uint64_t ts, uint64_t h, uint64_t bytes)
{
	agg_response_t r;
	memset(&r, 0, sizeof(r));
	r.client = cli;
	r.ts_ns = ts;
	r.rcode = h % 4 ? 0 : 3;
	r.data_bytes = bytes;
	r.decoded = bytes * 3 / 4;
	r.h = h;
	r.entropy = (double)(h % 60) / 10.0;
	ck_assert_int_eq(agg_add_response(g, &r, 64), 0);
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
	double u = agg_unique(&g);
	ck_assert_msg(fabs(u - 2000) < 0.15 * 2000, "estimate %f", u);
	/* hex: 4 bits per character */
	double share;
	ps_sum_t sum;
	agg_payloads(&g, &sum);
	ck_assert_uint_eq(agg_encoding(&g, &sum, &share), FEAT_ENC_HEX);
	ck_assert(share > 0.99);
	/* random hex compresses to about half; never below a third */
	double r = agg_compress_ratio(&g);
	ck_assert_msg(r > 0.4 && r < 0.65, "ratio %f", r);
	agg_clear(&g);
}
END_TEST

START_TEST(exact_below_the_sketch)
{
	agg_t g;
	agg_init(&g);
	ip_addr_t cli = tb_ip4(10, 0, 0, 1);
	uint32_t seed = 3;
	double chars = 0;
	uint64_t sent = 0, nq = 0;
	for (int i = 0; i < 200; i++) {
		char h[40], name[128];
		tb_randhex(h, 10 + i % 20, &seed);
		chars += (double)strlen(h);
		sent += strlen(h) * (uint64_t)(1 + i % 3);
		nq += (uint64_t)(1 + i % 3);
		snprintf(name, sizeof(name), "%s.t.example.com", h);
		for (int r = 0; r <= i % 3; r++)
			addq(&g, name, &cli, (uint64_t)(i * 3 + r), 8);
	}
	ck_assert(agg_unique(&g) == 200);
	ps_sum_t sum;
	agg_payloads(&g, &sum);
	ck_assert(sum.chars == chars);
	/* the client's characters count every query, repeats included */
	ck_assert_uint_eq(g.clients[0].payload_chars, sent);
	ck_assert_uint_eq(g.payload_queries, nq);
	agg_clear(&g);
}
END_TEST

/* Messages of a mixed stream: queries and responses of several clients,
 * 0.37 s apart (the responses of some a second after their query), so
 * that the clients' timelines span buckets and levels. */
static void feed(agg_t *g, unsigned from, unsigned to)
{
	uint32_t seed = 99;
	char h[70], name[160];
	for (unsigned i = 0; i < to; i++) {
		tb_randhex(h, 8 + i % 50, &seed);
		if (i < from)
			continue;
		snprintf(name, sizeof(name), "%s.t.example.com", h);
		ip_addr_t cli = tb_ip4(10, 0, 2, (uint8_t)(i % 7));
		uint64_t ts = 1000 + (uint64_t)i * 370000000ull * (i % 7 + 1);
		/* clients 0-2 use 5 flows (all listed), the others more than
		 * are listed, over two servers */
		ip_addr_t srv = tb_ip4(10, 0, 0, (uint8_t)(i % 7 < 3 ? 1 : 1 + i % 2));
		uint16_t sport = (uint16_t)(i % 7 < 3 ? 1000 + i % 5 : 2000 + i % 23);
		addq_to(g, name, &cli, ts, 64, &srv, sport);
		if (i % 5 == 0)
			addq_to(g, name, &cli, ts, 64, &srv, sport); /* a retransmission */
		addr(g, &cli, ts + (i % 3 ? 0 : 1000000000ull),
		     (uint64_t)(i % 300) * 0x9e3779b97f4a7c15ull + 1, 40 + i % 90);
	}
}

static void assert_same_agg(const agg_t *a, const agg_t *b)
{
	ck_assert_uint_eq(a->queries, b->queries);
	ck_assert_uint_eq(a->responses, b->responses);
	ck_assert_uint_eq(a->first_ns, b->first_ns);
	ck_assert_uint_eq(a->last_ns, b->last_ns);
	ck_assert_int_eq(memcmp(a->qtype, b->qtype, sizeof(a->qtype)), 0);
	ck_assert_int_eq(memcmp(a->rcode, b->rcode, sizeof(a->rcode)), 0);
	ck_assert_uint_eq(a->resp_entropy_sum, b->resp_entropy_sum);
	ps_sum_t x, y;
	agg_payloads(a, &x);
	agg_payloads(b, &y);
	ck_assert_int_eq(memcmp(&x, &y, sizeof(x)), 0);
	double d1, b1, c1, d2, b2, c2;
	agg_answers(a, &d1, &b1, &c1);
	agg_answers(b, &d2, &b2, &c2);
	ck_assert(d1 == d2 && b1 == b2 && c1 == c2);
	ck_assert(agg_compress_ratio(a) == agg_compress_ratio(b));
	ck_assert_uint_eq(a->nclients, b->nclients);
	const agg_client_t *ca[64], *cb[64];
	agg_clients_sorted(a, ca);
	agg_clients_sorted(b, cb);
	for (uint32_t i = 0; i < a->nclients; i++) {
		ck_assert_int_eq(ip_addr_cmp(&ca[i]->ip, &cb[i]->ip), 0);
		ck_assert_uint_eq(ca[i]->queries, cb[i]->queries);
		ck_assert_uint_eq(ca[i]->payload_chars, cb[i]->payload_chars);
		ck_assert_uint_eq(ca[i]->answer_decoded, cb[i]->answer_decoded);
		ck_assert_uint_eq(ca[i]->first_ns, cb[i]->first_ns);
		/* the client's flows: the same list */
		agg_flow_t fa[AGG_CLIENT_FLOWS], fb[AGG_CLIENT_FLOWS];
		size_t nf = agg_client_flows(ca[i], fa);
		ck_assert_uint_eq(nf, agg_client_flows(cb[i], fb));
		for (size_t k = 0; k < nf; k++) {
			ck_assert_uint_eq(fa[k].first_ns, fb[k].first_ns);
			ck_assert_int_eq(ip_addr_cmp(&fa[k].server, &fb[k].server), 0);
			ck_assert_uint_eq(fa[k].sport, fb[k].sport);
			ck_assert_uint_eq(fa[k].dport, fb[k].dport);
			ck_assert_uint_eq(fa[k].transport, fb[k].transport);
		}
		ck_assert_int_eq(ca[i]->flows_more, cb[i]->flows_more);
		/* the client's timeline: the same rows */
		timeline_t ta, tb;
		timeline_row_t ra[TL_N], rb[TL_N];
		uint64_t wa, wb;
		size_t n = timeline_spread(agg_client_timeline(ca[i], &ta), 1000, 2000, 3000, &wa, ra);
		ck_assert_uint_eq(n, timeline_spread(agg_client_timeline(cb[i], &tb), 1000, 2000, 3000,
						     &wb, rb));
		ck_assert_uint_eq(wa, wb);
		ck_assert_int_eq(memcmp(ra, rb, n * sizeof(ra[0])), 0);
	}
	timeline_t ta, tb;
	const timeline_t *xa = agg_timeline(a, &ta), *xb = agg_timeline(b, &tb);
	ck_assert_uint_eq(xa->nq, xb->nq);
	ck_assert_uint_eq(xa->level, xb->level);
	ck_assert_int_eq(memcmp(xa->q, xb->q, sizeof(xa->q)), 0);
	ck_assert_int_eq(memcmp(xa->in, xb->in, sizeof(xa->in)), 0);
	const char *na[8], *nb[8];
	size_t n = agg_samples(a, na, 8);
	ck_assert_uint_eq(n, agg_samples(b, nb, 8));
	for (size_t i = 0; i < n; i++)
		ck_assert_str_eq(na[i], nb[i]);
	size_t la = 0, lb = 0;
	const uint8_t *ba = agg_best(a, &la), *bb = agg_best(b, &lb);
	ck_assert_uint_eq(la, lb);
	ck_assert_int_eq(memcmp(ba, bb, la), 0);
}

START_TEST(pieces_merge_to_the_whole)
{
	/* 1500 messages (more distinct payloads and answers than the
	 * sketches keep), cut at several places, merged in several orders */
	const unsigned N = 1500;
	agg_t whole;
	agg_init(&whole);
	feed(&whole, 0, N);
	ck_assert_uint_eq(whole.ctl, 7); /* every client spans seconds */
	for (uint32_t i = 0; i < whole.nclients; i++) {
		/* clients 0-2: their 5 flows; the others: the first 8 */
		const agg_client_t *c = &whole.clients[i];
		bool few = c->ip.a[3] < 3;
		ck_assert_uint_eq(c->nflows, few ? 5 : AGG_CLIENT_FLOWS);
		ck_assert_int_eq(c->flows_more, !few);
		ck_assert_int_eq(ip_addr_cmp(&c->flows[0].server, &c->flow_server), 0);
		ck_assert_uint_eq(c->flows[0].first_ns, c->first_ns);
	}
	unsigned cuts[][4] = {{0, 1, 2, N}, {0, 700, 701, N}, {0, 100, 1400, N}};
	for (unsigned c = 0; c < 3; c++) {
		agg_t p[3], acc;
		for (unsigned k = 0; k < 3; k++) {
			agg_init(&p[k]);
			feed(&p[k], cuts[c][k], cuts[c][k + 1]);
		}
		/* ((p2 p0) p1) */
		agg_init(&acc);
		ck_assert_int_eq(agg_merge(&acc, &p[2], 0, 64), 0);
		ck_assert_int_eq(agg_merge(&acc, &p[0], 0, 64), 0);
		ck_assert_int_eq(agg_merge(&acc, &p[1], 0, 64), 0);
		assert_same_agg(&whole, &acc);
		/* (p0 (p1 p2)) */
		ck_assert_int_eq(agg_merge(&p[1], &p[2], 0, 64), 0);
		ck_assert_int_eq(agg_merge(&p[0], &p[1], 0, 64), 0);
		assert_same_agg(&whole, &p[0]);
		for (unsigned k = 0; k < 3; k++)
			agg_clear(&p[k]);
		agg_clear(&acc);
	}
	agg_clear(&whole);
}
END_TEST

START_TEST(repetitive_text_compresses)
{
	agg_t g;
	agg_init(&g);
	ip_addr_t cli = tb_ip4(10, 0, 0, 1);
	for (int i = 0; i < 200; i++) {
		char name[128];
		snprintf(name, sizeof(name), "static-content-server-%03d.images.x.example.com", i);
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

static Suite *aggregate_suite(void)
{
	Suite *s = suite_create("aggregate");
	TCase *tc = tcase_create("core");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, unique_estimate);
	tcase_add_test(tc, exact_below_the_sketch);
	tcase_add_test(tc, pieces_merge_to_the_whole);
	tcase_add_test(tc, repetitive_text_compresses);
	tcase_add_test(tc, client_cap_and_merge);
	suite_add_tcase(s, tc);
	return s;
}

DNSTS_CHECK_MAIN(aggregate_suite)
