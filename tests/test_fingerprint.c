/* test_fingerprint.c - tools named from their documented wire formats, and
 * no name for look-alikes. */
#include <string.h>

#include "check_util.h"
#include "detect_builder.h"
#include "fingerprint.h"

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

static const finding_t *only(finding_t **fs, size_t n)
{
	ck_assert_uint_eq(n, 1);
	return fs[0];
}

START_TEST(iodine_handshake)
{
	/* one version query (v + base32 of version 0x00000502 and a CMC) and the
	 * server's NULL answer "VACK" + seed + user id */
	detector_t *d = mkdet();
	ip_addr_t cli = tb_ip4(10, 0, 2, 30), srv = tb_ip4(10, 0, 2, 20);
	static const uint8_t vack[] = {'V', 'A', 'C', 'K', 0x44, 0x03, 0xc5, 0xe9, 0x01};
	tb_exchange(d, &cli, &srv, 1, "vaaaakardli.t.example.org", 10, 0, 10, vack, sizeof(vack));
	finding_t **fs;
	size_t n;
	ck_assert_int_eq(detector_findings(d, 60, false, &fs, &n), 0);
	const finding_t *f = only(fs, n);
	ck_assert_str_eq(f->tool, "iodine");
	ck_assert(f->score >= 90);
	ck_assert_str_eq(f->confidence, "high");
	findings_free(fs, n);
	detector_free(d);
}
END_TEST

START_TEST(iodine_raw)
{
	uint8_t raw[] = {0x10, 0xd1, 0x9e, 0x00, 1, 2, 3};
	ck_assert(fp_iodine_raw(raw, sizeof(raw)));
	raw[1] = 0xd2;
	ck_assert(!fp_iodine_raw(raw, sizeof(raw)));
	ck_assert(!fp_iodine_raw(raw, 2));
}
END_TEST

START_TEST(dnscat2_headers)
{
	/* packet_id(2) type(1) session(2) seq(2) ack(2) data: MSG packets of one
	 * session, hex encoded, TXT/CNAME/MX at random */
	detector_t *d = mkdet();
	ip_addr_t cli = tb_ip4(10, 0, 0, 9), srv = tb_ip4(10, 0, 0, 1);
	uint32_t seed = 1;
	static const unsigned qt[] = {16, 5, 15};
	for (int i = 0; i < 20; i++) {
		char data[40], name[256];
		tb_randhex(data, 20, &seed);
		snprintf(name, sizeof(name), "%04x01b8d3%04x%04x%s.c2.example.com",
			 (unsigned)(seed & 0xffff), (unsigned)i, (unsigned)i * 3, data);
		tb_exchange(d, &cli, &srv, (uint64_t)i, name, qt[i % 3], 0, 0, NULL, 0);
	}
	finding_t **fs;
	size_t n;
	ck_assert_int_eq(detector_findings(d, 60, false, &fs, &n), 0);
	const finding_t *f = only(fs, n);
	ck_assert_str_eq(f->tool, "dnscat2");
	ck_assert_str_eq(f->domain, "c2.example.com");
	findings_free(fs, n);
	detector_free(d);
}
END_TEST

START_TEST(dnscat2_direct)
{
	detector_t *d = mkdet();
	ip_addr_t cli = tb_ip4(10, 0, 0, 9), srv = tb_ip4(10, 0, 0, 1);
	uint32_t seed = 2;
	for (int i = 0; i < 10; i++) {
		char data[40], name[256];
		tb_randhex(data, 30, &seed);
		snprintf(name, sizeof(name), "dnscat.%04x017cfb%s", (unsigned)(i * 7919 & 0xffff), data);
		tb_exchange(d, &cli, &srv, (uint64_t)i, name, 5, 0, 0, NULL, 0);
	}
	finding_t **fs;
	size_t n;
	ck_assert_int_eq(detector_findings(d, 60, false, &fs, &n), 0);
	const finding_t *f = only(fs, n);
	ck_assert_str_eq(f->domain, "dnscat");
	ck_assert_str_eq(f->tool, "dnscat2");
	ck_assert_uint_eq(f->nresolvers, 1);
	findings_free(fs, n);
	detector_free(d);
}
END_TEST

START_TEST(dns2tcp_markers)
{
	detector_t *d = mkdet();
	ip_addr_t cli = tb_ip4(10, 0, 0, 9), srv = tb_ip4(10, 0, 0, 1);
	tb_exchange(d, &cli, &srv, 1, "AAAAAH7wQA.=auth.dt.example.net", 16, 0, 0, NULL, 0);
	tb_exchange(d, &cli, &srv, 2, "ondy6K6cAHNzaA.=connect.dt.example.net", 16, 0, 0, NULL, 0);
	tb_exchange(d, &cli, &srv, 3, "oncAAAABBA.dt.example.net", 16, 0, 0, NULL, 0);
	finding_t **fs;
	size_t n;
	ck_assert_int_eq(detector_findings(d, 60, false, &fs, &n), 0);
	const finding_t *f = only(fs, n);
	ck_assert_str_eq(f->tool, "dns2tcp");
	ck_assert_str_eq(f->domain, "dt.example.net");
	findings_free(fs, n);
	detector_free(d);
}
END_TEST

START_TEST(no_tool_for_random_hex)
{
	/* random hex: type bytes are random, so no dnscat2; no markers */
	detector_t *d = mkdet();
	ip_addr_t cli = tb_ip4(10, 0, 0, 9), srv = tb_ip4(10, 0, 0, 1);
	uint32_t seed = 77;
	for (int i = 0; i < 200; i++) {
		char data[70], name[256];
		tb_randhex(data, 60, &seed);
		snprintf(name, sizeof(name), "%s.example.com", data);
		tb_exchange(d, &cli, &srv, (uint64_t)i, name, 16, 0, 0, NULL, 0);
	}
	finding_t **fs;
	size_t n;
	ck_assert_int_eq(detector_findings(d, 60, false, &fs, &n), 0);
	const finding_t *f = only(fs, n);
	ck_assert_ptr_null(f->tool);
	findings_free(fs, n);
	detector_free(d);
}
END_TEST

/* iodine's VACK/VNAK/VFUL answer: the raw RDATA of a NULL (or private)
 * record, the first character-string of a text record (TXT, SPF) */
START_TEST(iodine_answer_records)
{
	static const uint8_t raw[] = {'V', 'A', 'C', 'K', 1, 2, 3, 4};
	static const uint8_t txt[] = {8, 'V', 'N', 'A', 'K', 1, 2, 3, 4, 3, 'x', 'y', 'z'};
	static const uint8_t cut[] = {200, 'V', 'F', 'U', 'L', 9}; /* length past the end */
	static const uint8_t second[] = {1, 'x', 4, 'V', 'A', 'C', 'K'};
	fp_acc_t a;
	memset(&a, 0, sizeof a);
	fp_answer(&a, DNS_TYPE_NULL, raw, sizeof raw);
	ck_assert_uint_eq(a.iodine_ack, 1);
	fp_answer(&a, 65399, raw, sizeof raw); /* a private type: raw too */
	ck_assert_uint_eq(a.iodine_ack, 2);
	fp_answer(&a, DNS_TYPE_TXT, txt, sizeof txt);
	ck_assert_uint_eq(a.iodine_ack, 3);
	fp_answer(&a, DNS_TYPE_SPF, txt, sizeof txt);
	ck_assert_uint_eq(a.iodine_ack, 4);
	fp_answer(&a, DNS_TYPE_TXT, cut, sizeof cut);
	ck_assert_uint_eq(a.iodine_ack, 5);
	/* not the first string; a TXT read raw; too short; HINFO is not text */
	fp_answer(&a, DNS_TYPE_TXT, second, sizeof second);
	fp_answer(&a, DNS_TYPE_TXT, raw, sizeof raw);
	fp_answer(&a, DNS_TYPE_TXT, txt, 4);
	fp_answer(&a, DNS_TYPE_HINFO, txt, sizeof txt);
	fp_answer(&a, DNS_TYPE_TXT, txt, 0);
	ck_assert_uint_eq(a.iodine_ack, 5);
}
END_TEST

static Suite *fingerprint_suite(void)
{
	Suite *s = suite_create("fingerprint");
	TCase *tc = tcase_create("core");
	tcase_add_test(tc, iodine_handshake);
	tcase_add_test(tc, iodine_raw);
	tcase_add_test(tc, iodine_answer_records);
	tcase_add_test(tc, dnscat2_headers);
	tcase_add_test(tc, dnscat2_direct);
	tcase_add_test(tc, dns2tcp_markers);
	tcase_add_test(tc, no_tool_for_random_hex);
	suite_add_tcase(s, tc);
	return s;
}

DNSTS_CHECK_MAIN(fingerprint_suite)
