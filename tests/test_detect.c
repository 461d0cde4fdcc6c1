/* test_detect.c - the detector's per-message path: the name cache shared by
 * a query and its response, stale cache entries after eviction sweeps, and
 * eviction that does not depend on the run. */
#include <stdio.h>
#include <string.h>

#include "check_util.h"
#include "detect_builder.h"
#include "dns_const.h"

static void feed(detector_t *d, const ip_addr_t *src, const ip_addr_t *dst, int qr,
		 uint64_t ts, const char *qname, unsigned qtype)
{
	static const uint8_t A[4] = {192, 0, 2, 1};
	tb_msg_t m;
	dns_msg_t msg;
	dns_event_t ev = {ts, src, dst, qr ? 53 : 40000, qr ? 40000 : 53, 17, 0, NULL};
	tb_build(&m, 0x4242, qr, DNS_RCODE_NOERROR, qname, qtype, DNS_TYPE_A, qr ? A : NULL,
		 qr ? 4 : 0);
	/* no Check assertion per message: each costs a write to its channel */
	if (dns_msg_parse(&msg, m.b, m.n) != 0)
		ck_abort_msg("%s does not parse", qname);
	detector_add_msg(d, &ev, &msg);
}

static detector_t *mkdet(size_t max_domains)
{
	dnsts_options_t opt;
	dnsts_options_init(&opt);
	opt.max_domains = max_domains;
	char err[128];
	detector_t *d = detector_new(&opt, err, sizeof err);
	ck_assert_msg(d != NULL, "%s", err);
	return d;
}

/* A query and its response land on the same base domain, also when the
 * response spells the name in another case (0x20: a cache miss). */
START_TEST(query_and_response_share_domain)
{
	detector_t *d = mkdet(0);
	ip_addr_t cli = tb_ip4(10, 0, 0, 1), srv = tb_ip4(10, 0, 0, 53);
	uint64_t t = 1700000000000000000ull;
	feed(d, &cli, &srv, 0, t, "www.example-one.com", DNS_TYPE_A);
	feed(d, &srv, &cli, 1, t + 1, "www.example-one.com", DNS_TYPE_A);
	feed(d, &cli, &srv, 0, t + 2, "mail.example-one.com", DNS_TYPE_A);
	feed(d, &srv, &cli, 1, t + 3, "MAIL.Example-One.com", DNS_TYPE_A);
	feed(d, &cli, &srv, 0, t + 4, "www.example-two.org", DNS_TYPE_AAAA);
	finding_t **fs;
	size_t n;
	ck_assert_int_eq(detector_findings(d, 0, true, &fs, &n), DNSTS_OK);
	ck_assert_uint_eq(n, 2);
	const finding_t *one = tb_find(fs, n, "example-one.com");
	const finding_t *two = tb_find(fs, n, "example-two.org");
	ck_assert_ptr_nonnull(one);
	ck_assert_ptr_nonnull(two);
	ck_assert_uint_eq(one->queries, 2);
	ck_assert_uint_eq(one->responses, 2);
	ck_assert_uint_eq(two->queries, 1);
	ck_assert_uint_eq(two->responses, 0);
	findings_free(fs, n);
	detector_free(d);
}
END_TEST

/* With 8 domains at most, every response arrives after several sweeps
 * have run since its query: a cached record pointer from before a sweep
 * would count it under whatever domain reuses the record.  Each domain
 * gets one query and at most one response, and the last five domains'
 * responses are never sent.  The names carry 40-character payloads, so
 * every domain earns a record. */
START_TEST(stale_cache_after_eviction)
{
	detector_t *d = mkdet(8);
	ip_addr_t cli = tb_ip4(10, 0, 0, 2), srv = tb_ip4(10, 0, 0, 53);
	uint64_t t = 1700000000000000000ull;
	char name[96];
	const unsigned N = 200, LAG = 5;
	for (unsigned k = 0; k < N; k++) {
		snprintf(name, sizeof name, "%040u.site%u.com", k * 7919u, k);
		feed(d, &cli, &srv, 0, t + 2 * k, name, DNS_TYPE_A);
		if (k >= LAG) {
			snprintf(name, sizeof name, "%040u.site%u.com", (k - LAG) * 7919u, k - LAG);
			feed(d, &srv, &cli, 1, t + 2 * k + 1, name, DNS_TYPE_A);
		}
	}
	uint64_t evicted = 0, base = 0, tracked = 0;
	detector_stats(d, NULL, &base, &tracked, &evicted, NULL);
	ck_assert_uint_gt(evicted, 0);
	ck_assert_uint_eq(base, N);
	finding_t **fs;
	size_t n;
	ck_assert_int_eq(detector_findings(d, 0, true, &fs, &n), DNSTS_OK);
	ck_assert_uint_le(n, 8);
	ck_assert_uint_gt(n, 0);
	for (size_t i = 0; i < n; i++) {
		unsigned k;
		ck_assert_int_eq(sscanf(fs[i]->domain, "site%u.com", &k), 1);
		ck_assert_uint_le(fs[i]->queries, 1);
		ck_assert_uint_le(fs[i]->responses, 1);
		if (k >= N - LAG)
			ck_assert_uint_eq(fs[i]->responses, 0);
	}
	findings_free(fs, n);
	detector_free(d);
}
END_TEST

/* Which domains survive the sweeps does not depend on the detector's
 * random hash key: two detectors fed the same messages keep the same
 * domains (ties at the eviction threshold included: these domains all
 * score the same). */
START_TEST(eviction_is_reproducible)
{
	char seen[2][64][32];
	size_t cnt[2];
	for (int run = 0; run < 2; run++) {
		detector_t *d = mkdet(32);
		ip_addr_t cli = tb_ip4(10, 0, 0, 3), srv = tb_ip4(10, 0, 0, 53);
		char name[64];
		for (unsigned k = 0; k < 500; k++) {
			snprintf(name, sizeof name, "www.tie%u.net", k);
			feed(d, &cli, &srv, 0, 1000 + k, name, DNS_TYPE_A);
		}
		finding_t **fs;
		size_t n;
		ck_assert_int_eq(detector_findings(d, 0, true, &fs, &n), DNSTS_OK);
		ck_assert_uint_le(n, 32);
		cnt[run] = n;
		for (size_t i = 0; i < n; i++)
			snprintf(seen[run][i], sizeof seen[run][i], "%s", fs[i]->domain);
		findings_free(fs, n);
		detector_free(d);
	}
	ck_assert_uint_eq(cnt[0], cnt[1]);
	for (size_t i = 0; i < cnt[0]; i++)
		ck_assert_str_eq(seen[0][i], seen[1][i]);
}
END_TEST

/* What the report shows does not depend on the hash key either when the
 * detector is past its first domains and gives records only to domains
 * that show data: 2000 domains with 1 to 20 distinct hostname-like
 * subdomains each, queried round-robin (so domains sharing a payload-set
 * cell interleave), after 64 eager records.  Which of them earn a record
 * (about 12 distinct payloads), the records kept and the distinct-domain
 * count must be the same under two keys. */
START_TEST(promotion_is_key_independent)
{
	static const char *sub[20] = {"www", "mail", "api", "cdn", "static", "img", "login",
				      "auth", "app", "assets", "smtp", "imap", "vpn", "portal",
				      "shop", "blog", "docs", "support", "media", "news"};
	char seen[2][64][40];
	size_t cnt[2];
	uint64_t base[2], tracked[2];
	const unsigned N = 2000;
	for (int run = 0; run < 2; run++) {
		detector_t *d = mkdet(64);
		uint8_t key[16];
		memset(key, run ? 0xa5 : 0x3c, sizeof key);
		detector_set_key(d, key);
		ip_addr_t cli = tb_ip4(10, 0, 0, 4), srv = tb_ip4(10, 0, 0, 53);
		char name[96];
		uint64_t t = 1000;
		for (unsigned j = 0; j < 20; j++)
			for (unsigned k = 0; k < N; k++) {
				if (j >= 1 + k % 20)
					continue;
				snprintf(name, sizeof name, "%s.shop%u.example", sub[j], k);
				feed(d, &cli, &srv, 0, t++, name, DNS_TYPE_A);
			}
		uint64_t evicted = 0;
		detector_stats(d, NULL, &base[run], &tracked[run], &evicted, NULL);
		/* records were earned past the eager ones, at most 64 live */
		ck_assert_uint_gt(tracked[run], 64);
		ck_assert_uint_le(tracked[run] - evicted, 64);
		ck_assert_uint_eq(base[run], N);
		finding_t **fs;
		size_t n;
		ck_assert_int_eq(detector_findings(d, 0, true, &fs, &n), DNSTS_OK);
		ck_assert_uint_le(n, 64);
		cnt[run] = n;
		for (size_t i = 0; i < n; i++)
			snprintf(seen[run][i], sizeof seen[run][i], "%s %llu", fs[i]->domain,
				 (unsigned long long)fs[i]->queries);
		findings_free(fs, n);
		detector_free(d);
	}
	ck_assert_uint_eq(tracked[0], tracked[1]);
	ck_assert_uint_eq(cnt[0], cnt[1]);
	for (size_t i = 0; i < cnt[0]; i++)
		ck_assert_str_eq(seen[0][i], seen[1][i]);
}
END_TEST

/* Past the exact count (32768 distinct domains) base_domains is the
 * HyperLogLog estimate: within 2% of the 40000 domains, and the same under
 * two keys (the registers see the unkeyed hash).  40000 one-query domains
 * per key: the one big test, with its own timeout. */
START_TEST(distinct_estimate_is_key_independent)
{
	uint64_t base[2];
	const unsigned N = 40000;
	for (int run = 0; run < 2; run++) {
		detector_t *d = mkdet(64);
		uint8_t key[16];
		memset(key, run ? 0x5e : 0xc3, sizeof key);
		detector_set_key(d, key);
		ip_addr_t cli = tb_ip4(10, 0, 0, 6), srv = tb_ip4(10, 0, 0, 53);
		char name[64];
		for (unsigned k = 0; k < N; k++) {
			snprintf(name, sizeof name, "www.d%u.example", k);
			feed(d, &cli, &srv, 0, 1000 + k, name, DNS_TYPE_A);
		}
		detector_stats(d, NULL, &base[run], NULL, NULL, NULL);
		ck_assert_uint_ge(base[run], N - N / 50);
		ck_assert_uint_le(base[run], N + N / 50);
		detector_free(d);
	}
	ck_assert_uint_eq(base[0], base[1]);
}
END_TEST

/* Past the 1000 eager records, one query earns a record when its payload could
 * carry data, whatever its length: binary octets (a space, 0x01, 0xc3),
 * hostname-unlike letters, 40 characters or more, a NULL query; a short
 * hostname-like payload, a long dictionary-word one or an apex name do
 * not. */
START_TEST(one_query_earns_a_record)
{
	static const struct {
		const char *name;
		unsigned qtype;
		bool earns;
	} cases[] = {
		{"a b.sp.example", DNS_TYPE_A, true},
		{"x\001y.ctl.example", DNS_TYPE_A, true},
		{"caf\303.hi.example", DNS_TYPE_A, true},
		{"q7zx9k2vw4pj.unlike.example", DNS_TYPE_A, true},
		{"0123456789012345678901234567890123456789.long.example", DNS_TYPE_A, true},
		{"www.null.example", DNS_TYPE_NULL, true},
		{"www.plain.example", DNS_TYPE_A, false},
		{"mail.server.example", DNS_TYPE_AAAA, false},
		{"download.update.example", DNS_TYPE_A, false},
		{"apex.example", DNS_TYPE_A, false},
	};
	detector_t *d = mkdet(4000); /* no sweep: only the first 1000 are eager */
	ip_addr_t cli = tb_ip4(10, 0, 0, 5), srv = tb_ip4(10, 0, 0, 53);
	char name[64];
	for (unsigned k = 0; k < 1000; k++) { /* the eager records */
		snprintf(name, sizeof name, "www.filler%u.example", k);
		feed(d, &cli, &srv, 0, 100 + k, name, DNS_TYPE_A);
	}
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		/* "\ddd" in the test text: one octet */
		char wire[64];
		size_t o = 0;
		for (const char *p = cases[i].name; *p; p++) {
			if (p[0] == '\\') {
				wire[o++] = (char)((p[1] - '0') * 64 + (p[2] - '0') * 8 + (p[3] - '0'));
				p += 3;
			} else {
				wire[o++] = *p;
			}
		}
		wire[o] = '\0';
		uint64_t before = 0, after = 0;
		detector_stats(d, NULL, NULL, &before, NULL, NULL);
		feed(d, &cli, &srv, 0, 1000 + i, wire, cases[i].qtype);
		detector_stats(d, NULL, NULL, &after, NULL, NULL);
		ck_assert_msg((after > before) == cases[i].earns, "%s: %s", cases[i].name,
			      cases[i].earns ? "no record" : "a record");
	}
	detector_free(d);
}
END_TEST

/* dnscat2 direct mode ("dnscat.<hex>" with no domain) cuts its hex into
 * labels of 60 characters: a name whose rest is a short last label is the
 * "dnscat" tag's as well, as are the 6 frames of such names in
 * curry__dnscat.pcap; a host name under a private top-level label whose
 * long label holds no digit stays its own. */
START_TEST(prefix_tag_with_a_short_last_label)
{
	detector_t *d = mkdet(0);
	ip_addr_t cli = tb_ip4(10, 0, 0, 1), srv = tb_ip4(10, 0, 0, 53);
	uint64_t t = 1700000000000000000ull;
	uint32_t seed = 7;
	char h1[61], h2[61], tail[15], name[200];
	for (int i = 0; i < 4; i++) {
		tb_randhex(h1, 60, &seed);
		snprintf(name, sizeof name, "dnscat.%s", h1);
		feed(d, &cli, &srv, 0, t + 2u * (uint64_t)i, name, DNS_TYPE_TXT);
	}
	tb_randhex(h1, 60, &seed);
	tb_randhex(h2, 60, &seed);
	tb_randhex(tail, 14, &seed);
	snprintf(name, sizeof name, "dnscat.%s.%s.%s", h1, h2, tail);
	feed(d, &cli, &srv, 0, t + 10, name, DNS_TYPE_TXT);
	tb_randhex(h1, 60, &seed);
	snprintf(name, sizeof name, "dnscat.%s.%.12s", h1, tail);
	feed(d, &cli, &srv, 0, t + 12, name, DNS_TYPE_TXT);
	feed(d, &cli, &srv, 0, t + 14, "printer.mycompanyinternalnetwork.lan", DNS_TYPE_A);
	finding_t **fs;
	size_t n;
	ck_assert_int_eq(detector_findings(d, 0, true, &fs, &n), DNSTS_OK);
	const finding_t *tag = tb_find(fs, n, "dnscat");
	ck_assert_ptr_nonnull(tag);
	ck_assert_uint_eq(tag->queries, 6);
	ck_assert_ptr_null(tb_find(fs, n, "printer"));
	ck_assert_uint_eq(n, 2);
	findings_free(fs, n);
	detector_free(d);
}
END_TEST

static Suite *detect_suite(void)
{
	Suite *s = suite_create("detect");
	TCase *tc = tcase_create("core");
	tcase_add_test(tc, query_and_response_share_domain);
	tcase_add_test(tc, stale_cache_after_eviction);
	tcase_add_test(tc, eviction_is_reproducible);
	tcase_add_test(tc, promotion_is_key_independent);
	tcase_add_test(tc, one_query_earns_a_record);
	tcase_add_test(tc, prefix_tag_with_a_short_last_label);
	suite_add_tcase(s, tc);
	/* 80000 messages: well under a second in a plain build, a few under
	 * the sanitizers; the limit leaves room for a loaded machine */
	TCase *big = tcase_create("big");
	tcase_set_timeout(big, 120);
	tcase_add_test(big, distinct_estimate_is_key_independent);
	suite_add_tcase(s, big);
	return s;
}

DNSTS_CHECK_MAIN(detect_suite)
