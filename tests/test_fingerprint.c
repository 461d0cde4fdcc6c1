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


static const finding_t *one_finding(detector_t *d, finding_t ***fs, size_t *n)
{
	ck_assert_int_eq(detector_findings(d, 60, false, fs, n), 0);
	return only(*fs, *n);
}

/* Sliver DNS C2: protobuf DNSMessages (TOTP, NOP, POLL, DATA_FROM_IMPLANT)
 * in Sliver's base32 alphabet, as its client encodes them */
START_TEST(sliver_base32)
{
	static const char *names[] = {
		"baakbrhwc0.c2.example.net",
		"1ccreu4b3424dhr7xtzk00bt.c2.example.net",
		"babkbkwcx2am21dyybz62hczatqa.c2.example.net",
		"ba2bbkwcx24k8pk49abm2j38kx7w70f24zk0a8raafnpwn1n99835u1x6m1f81x."
		"ruk52nbtbn3hacgfbmuuttxnbgvvj1p8x86dvjm8fuuxwabee1x734ja.c2.example.net",
		"babkbkwcx2am21cxx9rggae63yya.c2.example.net",
	};
	detector_t *d = mkdet();
	ip_addr_t cli = tb_ip4(10, 0, 3, 9), srv = tb_ip4(10, 0, 3, 1);
	for (unsigned i = 0; i < 5; i++)
		tb_exchange(d, &cli, &srv, i, names[i], i == 2 ? 16 : 1, 0, 0, NULL, 0);
	finding_t **fs;
	size_t n;
	const finding_t *f = one_finding(d, &fs, &n);
	ck_assert_str_eq(f->tool, "sliver");
	findings_free(fs, n);
	detector_free(d);
}
END_TEST

/* the same messages in base58 (a resolver that keeps case) */
START_TEST(sliver_base58)
{
	static const char *names[] = {
		"UEBHvjhTKoW25VpZ1tHE.c2.example.net",
		"5NGuoenv5kxC344KkRXq6Gu.c2.example.net",
		"3Jx7C63pCjPYXa2zAmVLJAWVqqY16RLXcfWoZUuq5HycwWFsGz1vSB6FpJv3iny."
		"eYUqbS3kb4hUtn7PUw8tY3UHAZJ3m5FM1up9oR.c2.example.net",
		"5NGuoenv5kxBrBLEo9xjSUT.c2.example.net",
	};
	detector_t *d = mkdet();
	ip_addr_t cli = tb_ip4(10, 0, 3, 9), srv = tb_ip4(10, 0, 3, 1);
	for (unsigned i = 0; i < 4; i++)
		tb_exchange(d, &cli, &srv, i, names[i], 16, 0, 0, NULL, 0);
	finding_t **fs;
	size_t n;
	const finding_t *f = one_finding(d, &fs, &n);
	ck_assert_str_eq(f->tool, "sliver");
	findings_free(fs, n);
	detector_free(d);
}
END_TEST

/* random text in Sliver's alphabet, or in base58, is almost never a
 * well-formed DNSMessage; standard base32 (with i, l, o, s) never is */
START_TEST(sliver_lookalikes)
{
	static const char sl[] = "ab1c2d3e4f5g6h7j8k9m0npqrtuvwxyz";
	static const char b58[] = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";
	uint32_t seed = 3;
	unsigned hits = 0;
	for (int i = 0; i < 2000; i++) {
		uint8_t t[64];
		for (int j = 0; j < 40; j++) {
			seed = seed * 1103515245u + 12345u;
			t[j] = (uint8_t)((i & 1) ? b58[(seed >> 16) % 58] : sl[(seed >> 16) & 31]);
		}
		hits += fp_sliver_message(t, 40);
	}
	ck_assert_uint_le(hits, 4);
	char b32[64];
	for (int i = 0; i < 200; i++) {
		tb_randb32(b32, 40, &seed);
		if (strpbrk(b32, "ilos"))
			ck_assert(!fp_sliver_message((const uint8_t *)b32, 40));
	}
	ck_assert(!fp_sliver_message((const uint8_t *)"www", 3));
	ck_assert(!fp_sliver_message((const uint8_t *)"mailserver01", 12));
}
END_TEST

/* godoh: a stream (start, data, end) and TXT polls answered v=B2B3FE1C */
START_TEST(godoh_stream)
{
	static const uint8_t nocmd[] = {10, 'v', '=', 'B', '2', 'B', '3', 'F', 'E', '1', 'C'};
	char data[61], name[256];
	uint32_t seed = 9;
	detector_t *d = mkdet();
	ip_addr_t cli = tb_ip4(10, 0, 4, 9), srv = tb_ip4(10, 0, 4, 1);
	tb_exchange(d, &cli, &srv, 1, "7f3a91c2.gd.example.org", 16, 0, 16, nocmd, sizeof nocmd);
	tb_exchange(d, &cli, &srv, 2, "c0de.be.0.00.1.0.0.0.0.gd.example.org", 1, 0, 0, NULL, 0);
	for (int i = 1; i <= 6; i++) {
		tb_randhex(data, 60, &seed);
		snprintf(name, sizeof name, "c0de.ef.%d.%08x.1.3.%s.%.60s.%.60s.gd.example.org", i,
			 seed, data, data + 2, data + 1);
		tb_exchange(d, &cli, &srv, 2 + (uint64_t)i, name, 1, 0, 0, NULL, 0);
	}
	tb_exchange(d, &cli, &srv, 9, "c0de.ca.7.00.1.0.0.0.0.gd.example.org", 1, 0, 0, NULL, 0);
	finding_t **fs;
	size_t n;
	const finding_t *f = one_finding(d, &fs, &n);
	ck_assert_str_eq(f->tool, "godoh");
	findings_free(fs, n);
	detector_free(d);
}
END_TEST

/* chashell: hex of nonce + secretbox, 63-character labels, TXT both ways */
START_TEST(chashell_txt)
{
	char q[160], a[120], name[256];
	uint8_t rd[130];
	uint32_t seed = 11;
	detector_t *d = mkdet();
	ip_addr_t cli = tb_ip4(10, 0, 5, 9), srv = tb_ip4(10, 0, 5, 1);
	for (int i = 0; i < 8; i++) {
		tb_randhex(q, 120, &seed);
		tb_randhex(a, 116, &seed);
		snprintf(name, sizeof name, "%.63s.%s.ch.example.com", q, q + 63);
		rd[0] = 116;
		memcpy(rd + 1, a, 116);
		tb_exchange(d, &cli, &srv, (uint64_t)i, name, 16, 0, 16, rd, 117);
	}
	finding_t **fs;
	size_t n;
	const finding_t *f = one_finding(d, &fs, &n);
	ck_assert_str_eq(f->tool, "chashell");
	findings_free(fs, n);
	detector_free(d);
}
END_TEST

/* dnsteal: base64 of gzip, '+' sent as '*', labels ending in '-' */
START_TEST(dnsteal_labels)
{
	static const char *names[] = {
		"H4sIAAAAAAAAA*3OsQ2AMAwF0Z4pbgFSYEyD0HtBJzRmgKWe6G9tF2xo5xAz-."
		"uIuHqX3OBcVE*lVu9dSR6w0ZQn5T7jtt2pjF2kW0lHz4cWE2NWnCrQmh-.passwords.zip",
		"Zm9vYmFyYmF6cXV4*mF6Zm9vYmFyYmF6cXV4Zm9vYmFyYmF6cXV4Zm9vY-."
		"mFyYmF6cXV4Zm9vYmFyYmF6cXV4Zm9vYmF*YmF6cXV4Zm9vYmFyYmF6c-.passwords.zip",
		"QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVphYmNkZWZnaGlqa2xtbm9wc-.passwords.zip",
	};
	detector_t *d = mkdet();
	ip_addr_t cli = tb_ip4(10, 0, 6, 9), srv = tb_ip4(203, 0, 113, 66);
	for (unsigned i = 0; i < 3; i++)
		tb_exchange(d, &cli, &srv, i, names[i], 1, 0, 0, NULL, 0);
	finding_t **fs;
	size_t n;
	ck_assert_int_eq(detector_findings(d, 0, true, &fs, &n), 0);
	const finding_t *f = tb_find(fs, n, "passwords.zip");
	ck_assert_ptr_nonnull(f);
	ck_assert_str_eq(f->tool, "dnsteal");
	findings_free(fs, n);
	detector_free(d);
}
END_TEST

/* TUNS: CNAME-only, upper-case base32 with '9' padding under t., polls
 * d<N>.u., CNAME answers zero.u. / length<N>.t. */
START_TEST(tuns_cname)
{
	static const uint8_t zero[] = {4, 'z', 'e', 'r', 'o', 1, 'u', 2, 't', 'n', 0};
	static const uint8_t len1[] = {7, 'l', 'e', 'n', 'g', 't', 'h', '1', 1, 't', 2, 't', 'n', 0};
	static const char up[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
	char data[80], name[256];
	uint32_t seed = 13;
	detector_t *d = mkdet();
	ip_addr_t cli = tb_ip4(10, 0, 7, 9), srv = tb_ip4(10, 0, 7, 1);
	for (int i = 0; i < 12; i++) {
		if (i & 1) {
			snprintf(name, sizeof name, "d%d.u.tn.example.net", i / 2);
			tb_exchange(d, &cli, &srv, (uint64_t)i, name, 5, 0, 5, zero, sizeof zero);
			continue;
		}
		for (int j = 0; j < 60; j++) {
			seed = seed * 1103515245u + 12345u;
			data[j] = up[(seed >> 16) & 31];
		}
		memcpy(data + 60, "999", 4);
		snprintf(name, sizeof name, "%s.t.tn.example.net", data);
		tb_exchange(d, &cli, &srv, (uint64_t)i, name, 5, 0, 5, len1, sizeof len1);
	}
	finding_t **fs;
	size_t n;
	ck_assert_int_eq(detector_findings(d, 0, true, &fs, &n), 0);
	bool named = false;
	for (size_t i = 0; i < n; i++) {
		if (fs[i]->tool) {
			ck_assert_str_eq(fs[i]->tool, "tuns");
			named = true;
		}
	}
	ck_assert(named);
	findings_free(fs, n);
	detector_free(d);
}
END_TEST

/* DNSStager: AAAA of <prefix><N>, answers outside 2000::/3; the same names
 * answered with global unicast addresses are a numbered service */
START_TEST(dnsstager_aaaa)
{
	for (int benign = 0; benign < 2; benign++) {
		detector_t *d = mkdet();
		ip_addr_t cli = tb_ip4(10, 0, 8, 9), srv = tb_ip4(10, 0, 8, 1);
		uint32_t seed = 17;
		char name[128];
		for (int i = 0; i < 40; i++) {
			uint8_t rd[16];
			for (int j = 0; j < 16; j++) {
				seed = seed * 1103515245u + 12345u;
				rd[j] = (uint8_t)(seed >> 16);
			}
			if (benign) {
				rd[0] = 0x20;
				rd[1] = 0x01;
			} else if ((rd[0] & 0xe0) == 0x20) {
				rd[0] ^= 0x80;
			}
			snprintf(name, sizeof name, "cloud-srv-%d.test.example.live", i);
			tb_exchange(d, &cli, &srv, (uint64_t)i, name, 28, 0, 28, rd, 16);
		}
		finding_t **fs;
		size_t n;
		ck_assert_int_eq(detector_findings(d, 0, true, &fs, &n), 0);
		ck_assert_uint_ge(n, 1);
		/* the answers earn answer-side credit only when they are not
		 * routable addresses */
		bool said = false;
		for (size_t i = 0; i < n; i++)
			for (size_t r = 0; r < fs[i]->nreasons; r++)
				said |= strstr(fs[i]->reasons[r], "answer-side payload: ") != NULL;
		ck_assert(said == !benign);
		for (size_t i = 0; i < n; i++) {
			if (benign)
				ck_assert_ptr_null(fs[i]->tool);
			else
				ck_assert_str_eq(fs[i]->tool, "dnsstager");
		}
		findings_free(fs, n);
		detector_free(d);
	}
}
END_TEST


/* A payload in A answers of numbered names (four bytes a record): answer-
 * side credit and a score of 60 or more, no tool named; never for host
 * lists in one network, public hosts spread over many networks, a
 * sinkhole, DNSBL answers, or too few names. */
START_TEST(a_payload)
{
	enum { PAYLOAD, ONE_NET, PUBLIC, SINKHOLE, DNSBL, FEW, NCASES };
	for (int c = 0; c < NCASES; c++) {
		detector_t *d = mkdet();
		ip_addr_t cli = tb_ip4(10, 0, 8, 9), srv = tb_ip4(10, 0, 8, 1);
		uint32_t seed = 23;
		char name[128];
		int names = c == FEW ? 12 : 60;
		for (int i = 0; i < names; i++) {
			uint8_t rd[4];
			for (int j = 0; j < 4; j++) {
				seed = seed * 1103515245u + 12345u;
				rd[j] = (uint8_t)(seed >> 16);
			}
			if (c == ONE_NET)
				rd[0] = 10;
			else if (c == PUBLIC)
				rd[0] = (uint8_t)(1 + rd[0] % 126);
			else if (c == SINKHOLE)
				memset(rd, 0, 4);
			else if (c == DNSBL)
				rd[0] = 127, rd[1] = 0, rd[2] = 0, rd[3] = (uint8_t)(2 + i % 10);
			snprintf(name, sizeof name, "node%d.stage.example.net", i);
			tb_exchange(d, &cli, &srv, (uint64_t)i * 1000000, name, 1, 0, 1, rd, 4);
		}
		finding_t **fs;
		size_t n;
		ck_assert_int_eq(detector_findings(d, 0, true, &fs, &n), 0);
		const finding_t *f = NULL;
		for (size_t i = 0; i < n; i++)
			if (!strcmp(fs[i]->domain, "stage.example.net") || !strcmp(fs[i]->domain, "example.net"))
				f = fs[i];
		ck_assert_ptr_nonnull(f);
		bool said = false;
		for (size_t r = 0; r < f->nreasons; r++)
			said |= strstr(f->reasons[r], "answer-side payload: 60 A answers (240 bytes)") != NULL;
		ck_assert_msg(said == (c == PAYLOAD), "case %d", c);
		ck_assert_ptr_null(f->tool);
		if (c == PAYLOAD)
			ck_assert_double_ge(f->score, 60);
		else
			ck_assert_double_lt(f->score, 40);
		findings_free(fs, n);
		detector_free(d);
	}
}
END_TEST

/* The evidence merges exactly: two halves give the whole's answer. */
START_TEST(a_payload_merges)
{
	fp_acc_t whole, half[2];
	memset(&whole, 0, sizeof whole);
	memset(half, 0, sizeof half);
	uint32_t seed = 5;
	for (int i = 0; i < 40; i++) {
		char text[32];
		snprintf(text, sizeof text, "n%d.stage.example.net", i);
		dns_name_t nm;
		uint8_t wire[64];
		size_t w = 0, pos = 0;
		for (const char *p = text; *p;) {
			size_t l = strcspn(p, ".");
			wire[w++] = (uint8_t)l;
			memcpy(wire + w, p, l);
			w += l;
			p += l + (p[l] == '.');
		}
		wire[w++] = 0;
		ck_assert_int_eq(dns_name_read(wire, w, &pos, &nm), 0);
		uint8_t rd[4];
		for (int j = 0; j < 4; j++) {
			seed = seed * 1103515245u + 12345u;
			rd[j] = (uint8_t)(seed >> 16);
		}
		for (int k = 0; k < 2; k++) {
			fp_acc_t *a = k ? &half[i < 10 ? 1 : 0] : &whole;
			fp_query(a, &nm, 1, false, 1);
			fp_answer(a, 1, rd, 4);
		}
	}
	unsigned o1, o2, o3;
	ck_assert_uint_eq(fp_a_payload(&half[1], &o3), 0); /* 10 names: too few alone */
	fp_merge(&half[0], &half[1]);
	ck_assert_uint_eq(fp_a_payload(&whole, &o1), 40);
	ck_assert_uint_eq(fp_a_payload(&half[0], &o2), 40);
	ck_assert_uint_eq(o1, o2);
}
END_TEST

/* arbitrary names (any byte, any label length, any split between payload
 * and base) and arbitrary answer RDATA: every check stays inside its bytes
 * (run under AddressSanitizer) and names no tool for noise */
START_TEST(random_names_bounded)
{
	static const uint16_t qt[] = {1, 5, 16, 28, 10};
	uint32_t seed = 41;
	fp_acc_t a;
	memset(&a, 0, sizeof a);
	for (int i = 0; i < 20000; i++) {
		uint8_t wire[256];
		size_t w = 0;
		seed = seed * 1103515245u + 12345u;
		unsigned nl = 1 + (seed >> 16) % 8;
		for (unsigned l = 0; l < nl; l++) {
			seed = seed * 1103515245u + 12345u;
			unsigned len = 1 + (seed >> 16) % 63;
			if (w + 1 + len + 1 > sizeof wire)
				break;
			wire[w++] = (uint8_t)len;
			for (unsigned j = 0; j < len; j++) {
				seed = seed * 1103515245u + 12345u;
				/* mostly characters that the checks look for */
				static const char cs[] = "0123456789abcdefABCDEF-=*/.tuv9";
				wire[w++] = (i & 1) ? (uint8_t)cs[(seed >> 16) % (sizeof cs - 1)]
						    : (uint8_t)(seed >> 16);
			}
		}
		wire[w++] = 0;
		dns_name_t n;
		size_t pos = 0;
		if (dns_name_read(wire, w, &pos, &n) != 0 || n.nlabels == 0)
			continue;
		seed = seed * 1103515245u + 12345u;
		unsigned npay = (seed >> 16) % (n.nlabels + 1);
		fp_query(&a, &n, npay, false, qt[(seed >> 8) % 5]);
		fp_answer(&a, qt[(seed >> 4) % 5], wire, (seed >> 20) % (w + 1));
	}
	double st;
	const char *tool = fp_tool(&a, &st, NULL, 0);
	ck_assert_msg(tool == NULL, "noise named %s", tool);
}
END_TEST


/* Cobalt Strike with malleable prefixes: A check-ins of the beacon id
 * answered 0.0.0.0 (idle) or 0.0.0.243 (a task waits), data names
 * <prefix>.<hex>.<nonce>.<beacon id>; the same names answered with
 * ordinary addresses are no beacon */
START_TEST(cobaltstrike_malleable)
{
	for (int benign = 0; benign < 2; benign++) {
		detector_t *d = mkdet();
		ip_addr_t cli = tb_ip4(10, 0, 9, 9), srv = tb_ip4(10, 0, 9, 1);
		uint32_t seed = 23;
		char name[256], hx[60];
		uint64_t ts = 0;
		for (int i = 0; i < 30; i++) {
			uint8_t idle[4] = {0, 0, 0, (uint8_t)(i % 5 == 4 ? 243 : 0)};
			uint8_t web[4] = {93, 184, (uint8_t)i, 34};
			tb_exchange(d, &cli, &srv, ts++, "5e1f0a2b.assets.example.org", 1, 0, 1,
				    benign ? web : idle, 4);
			if (i % 5 != 4)
				continue;
			for (int k = 0; k < 4; k++) {
				tb_randhex(hx, 56, &seed);
				snprintf(name, sizeof name, "%s.%s.%x%05x.5e1f0a2b.assets.example.org",
					 k ? "css" : "js", hx, 1 + k, i * 8 + k);
				tb_exchange(d, &cli, &srv, ts++, name, 1, 0, 1, benign ? web : idle, 4);
			}
		}
		finding_t **fs;
		size_t n;
		ck_assert_int_eq(detector_findings(d, 0, true, &fs, &n), 0);
		const finding_t *f = tb_find(fs, n, "assets.example.org");
		ck_assert_ptr_nonnull(f);
		if (benign)
			ck_assert_ptr_null(f->tool);
		else
			ck_assert_str_eq(f->tool, "cobaltstrike");
		findings_free(fs, n);
		detector_free(d);
	}
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
	tcase_add_test(tc, sliver_base32);
	tcase_add_test(tc, sliver_base58);
	tcase_add_test(tc, sliver_lookalikes);
	tcase_add_test(tc, godoh_stream);
	tcase_add_test(tc, chashell_txt);
	tcase_add_test(tc, dnsteal_labels);
	tcase_add_test(tc, tuns_cname);
	tcase_add_test(tc, dnsstager_aaaa);
	tcase_add_test(tc, a_payload);
	tcase_add_test(tc, a_payload_merges);
	tcase_add_test(tc, random_names_bounded);
	tcase_add_test(tc, cobaltstrike_malleable);
	suite_add_tcase(s, tc);
	return s;
}

DNSTS_CHECK_MAIN(fingerprint_suite)
