/* test_score.c - scoring through the detector on synthetic message streams:
 * tunnels (also low and slow) are found, legitimate shapes are not. */
#include <string.h>

#include "check_util.h"
#include "detect_builder.h"
#include "dns_const.h"

static detector_t *mkdet(void)
{
	dnsts_options_t opt;
	memset(&opt, 0, sizeof(opt));
	opt.default_allowlist = true;
	char err[128];
	detector_t *d = detector_new(&opt, err, sizeof(err));
	ck_assert_ptr_nonnull(d);
	return d;
}

START_TEST(low_and_slow_hex)
{
	/* 2 KB of hex in 60 A queries over an hour from one host */
	detector_t *d = mkdet();
	ip_addr_t cli = tb_ip4(10, 0, 0, 5), srv = tb_ip4(10, 0, 0, 1);
	uint32_t seed = 7;
	for (int i = 0; i < 60; i++) {
		char a[64], b[64], name[256];
		tb_randhex(a, 40, &seed);
		tb_randhex(b, 28, &seed);
		snprintf(name, sizeof(name), "%s.%s.exfil.example.net", a, b);
		tb_exchange(d, &cli, &srv, (uint64_t)i * 60000000000ull, name,
			    DNS_TYPE_A, DNS_RCODE_NXDOMAIN, 0, NULL, 0);
	}
	finding_t **fs;
	size_t n;
	ck_assert_int_eq(detector_findings(d, DNSTS_DEFAULT_MIN_SCORE, false, &fs, &n), 0);
	const finding_t *f = tb_find(fs, n, "exfil.example.net");
	ck_assert_msg(f != NULL, "low-and-slow hex exfiltration not reported");
	ck_assert_str_eq(f->registered_domain, "example.net");
	ck_assert_uint_eq(f->queries, 60);
	/* 60 x 68 hex characters = 2040 bytes; the first query's "exfil" label
	 * counts before the base is known (at most a few bytes) */
	ck_assert_uint_ge(f->bytes_out, 2040);
	ck_assert_uint_le(f->bytes_out, 2050);
	ck_assert_ptr_nonnull(f->decoded_encoding);
	ck_assert_str_eq(f->decoded_encoding, "hex");
	ck_assert_uint_eq(f->nclients, 1);
	ck_assert_ptr_null(f->tool);
	findings_free(fs, n);
	detector_free(d);
}
END_TEST

START_TEST(base32_txt_tunnel)
{
	detector_t *d = mkdet();
	ip_addr_t cli = tb_ip4(10, 0, 0, 6), srv = tb_ip4(10, 0, 0, 1);
	uint32_t seed = 99;
	for (int i = 0; i < 300; i++) {
		char a[64], name[256];
		uint8_t txt[200];
		tb_randb32(a, 60, &seed);
		snprintf(name, sizeof(name), "%s.t.cdn-update.example", a);
		char body[160];
		tb_randb32(body, 150, &seed);
		txt[0] = 150;
		memcpy(txt + 1, body, 150);
		tb_exchange(d, &cli, &srv, (uint64_t)i * 100000000ull, name,
			    DNS_TYPE_TXT, DNS_RCODE_NOERROR, DNS_TYPE_TXT, txt, 151);
	}
	finding_t **fs;
	size_t n;
	ck_assert_int_eq(detector_findings(d, DNSTS_DEFAULT_MIN_SCORE, false, &fs, &n), 0);
	ck_assert_uint_eq(n, 1);
	/* the base is the delegated zone, not the registered domain */
	ck_assert_str_eq(fs[0]->domain, "t.cdn-update.example");
	ck_assert(fs[0]->score >= 80);
	/* 300 distinct payloads: more than the payload sketch keeps, so the
	 * bytes are an estimate (k-minimum values, k = 256: within 10%) */
	ck_assert_uint_ge(fs[0]->bytes_out, 300 * 60 * 5 / 8 * 9 / 10);
	ck_assert_uint_le(fs[0]->bytes_out, 300 * 60 * 5 / 8 * 11 / 10);
	ck_assert(fs[0]->bytes_in > 300 * 90);
	ck_assert_uint_gt(fs[0]->nreasons, 0);
	ck_assert(strstr(fs[0]->reasons[0], "base32") != NULL);
	findings_free(fs, n);
	detector_free(d);
}
END_TEST

START_TEST(other_suspicious_domains)
{
	/* host .7 tunnels through two domains, host .8 through one of them */
	detector_t *d = mkdet();
	ip_addr_t c7 = tb_ip4(10, 0, 0, 7), c8 = tb_ip4(10, 0, 0, 8), srv = tb_ip4(10, 0, 0, 1);
	uint32_t seed = 5;
	for (int i = 0; i < 120; i++) {
		char a[64], name[256];
		tb_randb32(a, 56, &seed);
		snprintf(name, sizeof(name), "%s.one-exfil.example", a);
		tb_exchange(d, i % 2 ? &c7 : &c8, &srv, (uint64_t)i * 1000000ull, name, 16, 0, 0,
			    NULL, 0);
		tb_randb32(a, 56, &seed);
		snprintf(name, sizeof(name), "%s.two-exfil.example", a);
		tb_exchange(d, &c7, &srv, (uint64_t)i * 1000000ull, name, 16, 0, 0, NULL, 0);
	}
	finding_t **fs;
	size_t n;
	ck_assert_int_eq(detector_findings(d, DNSTS_DEFAULT_MIN_SCORE, false, &fs, &n), 0);
	const finding_t *one = tb_find(fs, n, "one-exfil.example");
	const finding_t *two = tb_find(fs, n, "two-exfil.example");
	ck_assert_ptr_nonnull(one);
	ck_assert_ptr_nonnull(two);
	ck_assert_uint_eq(one->nclients, 2);
	for (size_t i = 0; i < one->nclients; i++) {
		const finding_client_t *c = &one->clients[i];
		if (!ip_addr_cmp(&c->ip, &c7)) {
			ck_assert_uint_eq(c->nother, 1);
			ck_assert_str_eq(c->other_suspicious[0], "two-exfil.example");
		} else {
			ck_assert_uint_eq(c->nother, 0);
		}
	}
	ck_assert_uint_eq(two->nclients, 1);
	ck_assert_uint_eq(two->clients[0].nother, 1);
	ck_assert_str_eq(two->clients[0].other_suspicious[0], "one-exfil.example");
	findings_free(fs, n);
	detector_free(d);
}
END_TEST

START_TEST(benign_shapes_stay_low)
{
	detector_t *d = mkdet();
	uint32_t seed = 3;
	for (int c = 0; c < 30; c++) {
		ip_addr_t cli = tb_ip4(10, 1, 0, (unsigned)c), srv = tb_ip4(10, 0, 0, 1);
		static const char *words[] = {"www", "mail", "api", "static", "login", "images"};
		for (int i = 0; i < 20; i++) {
			char name[256], h[40], b[20];
			snprintf(name, sizeof(name), "%s.example.com", words[i % 6]);
			tb_exchange(d, &cli, &srv, (uint64_t)(c * 20 + i) * 1000000000ull, name,
				    DNS_TYPE_A, DNS_RCODE_NOERROR, 0, NULL, 0);
			/* CDN edge names: short random-looking labels */
			tb_randb32(b, 13, &seed);
			snprintf(name, sizeof(name), "d%s.cdn-edge.example.net", b);
			tb_exchange(d, &cli, &srv, 1, name,
				    DNS_TYPE_A, DNS_RCODE_NOERROR, 0, NULL, 0);
			/* DKIM and DNSBL look-ups */
			tb_randhex(h, 32, &seed);
			snprintf(name, sizeof(name), "s%d._domainkey.example.org", i);
			tb_exchange(d, &cli, &srv, 2, name,
				    DNS_TYPE_TXT, DNS_RCODE_NOERROR, 0, NULL, 0);
			snprintf(name, sizeof(name), "%d.%d.0.10.zen.spamhaus.org", i, c);
			tb_exchange(d, &cli, &srv, 3, name,
				    DNS_TYPE_A, DNS_RCODE_NXDOMAIN, 0, NULL, 0);
			/* 0x20 case randomisation */
			snprintf(name, sizeof(name), "%s.ExAmPlE.oRg", (i & 1) ? "wWw" : "MaIl");
			tb_exchange(d, &cli, &srv, 4, name,
				    DNS_TYPE_A, DNS_RCODE_NOERROR, 0, NULL, 0);
		}
		/* Chromium's random single-label probes */
		char p[20];
		tb_randb32(p, 10, &seed);
		tb_exchange(d, &cli, &srv, 5, p, DNS_TYPE_A, DNS_RCODE_NXDOMAIN, 0, NULL, 0);
	}
	finding_t **fs;
	size_t n;
	ck_assert_int_eq(detector_findings(d, DNSTS_DEFAULT_MIN_SCORE, false, &fs, &n), 0);
	for (size_t i = 0; i < n; i++)
		ck_abort_msg("false finding %s score %.1f", fs[i]->domain, fs[i]->score);
	findings_free(fs, n);
	uint64_t al, bd, td, ed, ec;
	detector_stats(d, &al, &bd, &td, &ed, &ec);
	ck_assert_uint_eq(al, 30 * 20 * 2);
	/* --all lists the allowlisted name, marked */
	ck_assert_int_eq(detector_findings(d, 0, true, &fs, &n), 0);
	const finding_t *f = tb_find(fs, n, "spamhaus.org");
	ck_assert_ptr_nonnull(f);
	ck_assert(f->allowlisted);
	ck_assert_ptr_nonnull(f->allowlist_reason);
	findings_free(fs, n);
	detector_free(d);
}
END_TEST


/* hex cut into 8-16 character labels: 600 distinct payloads from one host
 * are data; the same names from 600 hosts, one each, are a service */
START_TEST(short_hex_spread)
{
	for (int spread = 0; spread < 2; spread++) {
		detector_t *d = mkdet();
		ip_addr_t srv = tb_ip4(10, 0, 0, 1);
		uint32_t seed = 21;
		for (int i = 0; i < 600; i++) {
			ip_addr_t cli = spread ? tb_ip4(10, 3, (unsigned)i / 200, (unsigned)i % 200)
					       : tb_ip4(10, 0, 0, 8);
			char h[20], name[64];
			tb_randhex(h, 8 + (size_t)(i % 5) * 2, &seed);
			snprintf(name, sizeof name, "%s.drip.example.net", h);
			tb_exchange(d, &cli, &srv, (uint64_t)i * 2000000000ull, name, DNS_TYPE_A,
				    DNS_RCODE_NOERROR, 0, NULL, 0);
		}
		finding_t **fs;
		size_t n;
		ck_assert_int_eq(detector_findings(d, DNSTS_DEFAULT_MIN_SCORE, false, &fs, &n), 0);
		const finding_t *f = tb_find(fs, n, "drip.example.net");
		if (spread) {
			ck_assert_ptr_null(f);
		} else {
			ck_assert_msg(f != NULL, "short hex labels over many queries not reported");
			bool said = false;
			for (size_t r = 0; r < f->nreasons; r++)
				said |= strstr(f->reasons[r], "short hex payloads") != NULL;
			ck_assert(said);
		}
		findings_free(fs, n);
		detector_free(d);
	}
}
END_TEST

/* acme-dns: 25 UUID names, each polled 40 times over TXT and answered
 * with the same two tokens; a poller, not a data channel */
START_TEST(polled_names_stay_low)
{
	detector_t *d = mkdet();
	ip_addr_t cli = tb_ip4(10, 0, 0, 9), srv = tb_ip4(10, 0, 0, 1);
	uint32_t seed = 5;
	char ids[25][40];
	uint8_t tok[25][90];
	for (int u = 0; u < 25; u++) {
		char h[33];
		tb_randhex(h, 32, &seed);
		snprintf(ids[u], sizeof ids[u], "%.8s-%.4s-4%.3s-a%.3s-%.12s", h, h + 8, h + 12, h + 15,
			 h + 18);
		tok[u][0] = 43;
		for (int j = 1; j <= 43; j++) {
			seed = seed * 1103515245u + 12345u;
			tok[u][j] = (uint8_t)("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
					      [(seed >> 16) & 63]);
		}
	}
	for (int i = 0; i < 1000; i++) {
		char name[96];
		int u = i % 25;
		snprintf(name, sizeof name, "%s.auth.acme.example.io", ids[u]);
		tb_exchange(d, &cli, &srv, (uint64_t)i * 10000000000ull, name, DNS_TYPE_TXT,
			    DNS_RCODE_NOERROR, DNS_TYPE_TXT, tok[u], 44);
	}
	finding_t **fs;
	size_t n;
	ck_assert_int_eq(detector_findings(d, 0, true, &fs, &n), 0);
	const finding_t *f = tb_find(fs, n, "acme.example.io");
	ck_assert_ptr_nonnull(f);
	ck_assert_msg(f->score < DNSTS_DEFAULT_MIN_SCORE, "polled names scored %.1f", f->score);
	bool said = false;
	for (size_t r = 0; r < f->nreasons; r++)
		said |= strstr(f->reasons[r], "fixed set of names polled") != NULL;
	ck_assert(said);
	findings_free(fs, n);
	detector_free(d);
}
END_TEST


/* a dictionary-word encoding: every payload byte an English word, words
 * joined by '-'; letter by letter it looks like host names, but 300
 * distinct long payloads from one host are data; one each from 300 hosts
 * are not a tunnel of any one of them */
START_TEST(word_encoding)
{
	static const char *w[16] = {"apple", "river", "stone", "cloud", "green", "tiger",
				    "piano", "forest", "silver", "window", "garden", "orange",
				    "summer", "winter", "rocket", "planet"};
	for (int spread = 0; spread < 2; spread++) {
		detector_t *d = mkdet();
		ip_addr_t srv = tb_ip4(10, 0, 0, 1);
		uint32_t seed = 33;
		for (int i = 0; i < 300; i++) {
			ip_addr_t cli = spread ? tb_ip4(10, 4, (unsigned)i / 200, (unsigned)i % 200)
					       : tb_ip4(10, 0, 0, 12);
			char name[256];
			size_t o = 0;
			for (int k = 0; k < 12; k++) {
				seed = seed * 1103515245u + 12345u;
				o += (size_t)snprintf(name + o, sizeof name - o, "%s%s", w[(seed >> 16) & 15],
						      k == 11 ? ".words.example.com" : (k % 4 == 3 ? "." : "-"));
			}
			tb_exchange(d, &cli, &srv, (uint64_t)i * 3000000000ull, name, DNS_TYPE_A,
				    DNS_RCODE_NOERROR, 0, NULL, 0);
		}
		finding_t **fs;
		size_t n;
		ck_assert_int_eq(detector_findings(d, DNSTS_DEFAULT_MIN_SCORE, false, &fs, &n), 0);
		const finding_t *f = tb_find(fs, n, "words.example.com");
		if (spread) {
			ck_assert_ptr_null(f);
		} else {
			ck_assert_msg(f != NULL, "dictionary-word encoding not reported");
			bool said = false;
			for (size_t r = 0; r < f->nreasons; r++)
				said |= strstr(f->reasons[r], "text too varied for host names") != NULL;
			ck_assert(said);
		}
		findings_free(fs, n);
		detector_free(d);
	}
}
END_TEST

START_TEST(merge_equals_single)
{
	/* the same stream split over two detectors and merged */
	detector_t *a = mkdet(), *b = mkdet(), *one = mkdet();
	ip_addr_t cli = tb_ip4(10, 0, 0, 7), srv = tb_ip4(10, 0, 0, 1);
	uint32_t seed = 11;
	for (int i = 0; i < 200; i++) {
		char h[64], name[256];
		tb_randhex(h, 60, &seed);
		snprintf(name, sizeof(name), "%s.x.example.com", h);
		tb_exchange(i < 100 ? a : b, &cli, &srv, (uint64_t)i * 1000000000ull, name,
			    DNS_TYPE_TXT, DNS_RCODE_NOERROR, 0, NULL, 0);
		tb_exchange(one, &cli, &srv, (uint64_t)i * 1000000000ull, name,
			    DNS_TYPE_TXT, DNS_RCODE_NOERROR, 0, NULL, 0);
	}
	ck_assert_int_eq(detector_merge(a, b, 1), 0);
	finding_t **fa, **fo;
	size_t na, no;
	ck_assert_int_eq(detector_findings(a, 60, false, &fa, &na), 0);
	ck_assert_int_eq(detector_findings(one, 60, false, &fo, &no), 0);
	ck_assert_uint_eq(na, 1);
	ck_assert_uint_eq(no, 1);
	ck_assert_str_eq(fa[0]->domain, fo[0]->domain);
	ck_assert_uint_eq(fa[0]->queries, 200);
	ck_assert_uint_ge(fa[0]->bytes_out + 2, fo[0]->bytes_out);
	ck_assert_uint_le(fa[0]->bytes_out, fo[0]->bytes_out + 2);
	ck_assert_uint_ge(fo[0]->bytes_out, 200 * 30);
	ck_assert_uint_eq(fa[0]->ninputs, 2);
	findings_free(fa, na);
	findings_free(fo, no);
	detector_free(a);
	detector_free(b);
	detector_free(one);
}
END_TEST

START_TEST(bounded_domains)
{
	dnsts_options_t opt;
	memset(&opt, 0, sizeof(opt));
	opt.default_allowlist = true;
	opt.max_domains = 50;
	char err[128];
	detector_t *d = detector_new(&opt, err, sizeof(err));
	ip_addr_t cli = tb_ip4(10, 0, 0, 8), srv = tb_ip4(10, 0, 0, 1);
	uint32_t seed = 5;
	/* a tunnel first, then many benign domains, then a second tunnel that
	 * starts once the detector tracks only domains that show data */
	for (int i = 0; i < 200; i++) {
		char h[64], name[256];
		tb_randhex(h, 60, &seed);
		snprintf(name, sizeof(name), "%s.tun.example.com", h);
		tb_exchange(d, &cli, &srv, (uint64_t)i, name,
			    DNS_TYPE_TXT, DNS_RCODE_NOERROR, 0, NULL, 0);
	}
	for (int i = 0; i < 5000; i++) {
		char name[64];
		snprintf(name, sizeof(name), "www.site%d.com", i);
		tb_exchange(d, &cli, &srv, 1000 + (uint64_t)i, name,
			    DNS_TYPE_A, DNS_RCODE_NOERROR, 0, NULL, 0);
	}
	for (int i = 0; i < 200; i++) {
		char h[64], name[256];
		tb_randhex(h, 60, &seed);
		snprintf(name, sizeof(name), "%s.late.example.net", h);
		tb_exchange(d, &cli, &srv, 9000 + (uint64_t)i, name,
			    DNS_TYPE_TXT, DNS_RCODE_NOERROR, 0, NULL, 0);
	}
	uint64_t al, bd, td, ed, ec;
	detector_stats(d, &al, &bd, &td, &ed, &ec);
	ck_assert_uint_eq(bd, 5002);
	/* at most 50 records live; the benign flood was evicted or only counted */
	ck_assert_uint_le(td - ed, 50);
	ck_assert_uint_lt(td, 5002);
	finding_t **fs;
	size_t n;
	ck_assert_int_eq(detector_findings(d, 60, false, &fs, &n), 0);
	ck_assert_msg(tb_find(fs, n, "tun.example.com") != NULL, "eviction dropped the tunnel");
	const finding_t *late = tb_find(fs, n, "late.example.net");
	ck_assert_msg(late != NULL, "a tunnel after the flood was not tracked");
	/* tracked from its first query: each carried data */
	ck_assert_uint_eq(late->queries, 200);
	findings_free(fs, n);
	ck_assert_int_eq(detector_findings(d, 0, true, &fs, &n), 0);
	ck_assert_uint_le(n, 50);
	findings_free(fs, n);
	detector_free(d);
}
END_TEST

START_TEST(allowlist_file_error)
{
	dnsts_options_t opt;
	memset(&opt, 0, sizeof(opt));
	opt.allowlist_file = "/nonexistent/ALLOWLIST";
	char err[256] = "";
	ck_assert_ptr_null(detector_new(&opt, err, sizeof(err)));
	ck_assert(strstr(err, "No such file or directory") != NULL);
}
END_TEST

static Suite *score_suite(void)
{
	Suite *s = suite_create("score");
	TCase *tc = tcase_create("core");
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, low_and_slow_hex);
	tcase_add_test(tc, base32_txt_tunnel);
	tcase_add_test(tc, other_suspicious_domains);
	tcase_add_test(tc, benign_shapes_stay_low);
	tcase_add_test(tc, short_hex_spread);
	tcase_add_test(tc, polled_names_stay_low);
	tcase_add_test(tc, word_encoding);
	tcase_add_test(tc, merge_equals_single);
	tcase_add_test(tc, bounded_domains);
	tcase_add_test(tc, allowlist_file_error);
	suite_add_tcase(s, tc);
	return s;
}

DNSTS_CHECK_MAIN(score_suite)
