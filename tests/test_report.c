/*
 * test_report.c - the report module on synthetic findings: SHA-1 and UUIDv5
 * against published vectors, the risk formula at its edges, which findings
 * are reported, the JSON document and NDJSON lines (parsed back and checked
 * key by key), the text summary, the RPZ zone (named-checkzone when
 * installed) and the STIX bundle.
 *
 * Expected values come from outside this code: RFC 3174 and FIPS 180 for
 * SHA-1, Python's uuid.uuid5 for UUIDv5, the formula in the man page worked
 * by hand for risk scores, and RFC 3339 dates checked with Python's
 * datetime.
 */
#include <jansson.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <dnsts/dnsts.h>

#include "artefacts.h"
#include "check_util.h"
#include "report.h"
#include "sha1.h"

#define SEC 1000000000ull
#define T0 (1772366400ull * SEC) /* 2026-03-01T12:00:00Z */

/* ---- SHA-1 and UUIDv5 ------------------------------------------------- */

static void hexstr(const uint8_t *d, size_t n, char *out)
{
	for (size_t i = 0; i < n; i++)
		sprintf(out + 2 * i, "%02x", d[i]);
}

START_TEST(sha1_rfc3174_vectors)
{
	uint8_t d[SHA1_LEN];
	char h[41];
	sha1("abc", 3, d);
	hexstr(d, sizeof d, h);
	ck_assert_str_eq(h, "a9993e364706816aba3e25717850c26c9cd0d89d");
	const char *t2 = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
	sha1(t2, strlen(t2), d);
	hexstr(d, sizeof d, h);
	ck_assert_str_eq(h, "84983e441c3bd26ebaae4aa1f95129e5e54670f1");
	/* a million 'a', fed in odd-sized pieces */
	sha1_ctx_t c;
	char a[997];
	memset(a, 'a', sizeof a);
	sha1_init(&c);
	size_t left = 1000000;
	while (left) {
		size_t n = left < sizeof a ? left : sizeof a;
		sha1_update(&c, a, n);
		left -= n;
	}
	sha1_final(&c, d);
	hexstr(d, sizeof d, h);
	ck_assert_str_eq(h, "34aa973cd4c4daa4f61eeb2bdbad27316534016f");
	/* "0123456701234567012345670123456701234567012345670123456701234567" x 10 */
	sha1_init(&c);
	for (int i = 0; i < 20; i++)
		sha1_update(&c, "01234567012345670123456701234567", 32);
	sha1_final(&c, d);
	hexstr(d, sizeof d, h);
	ck_assert_str_eq(h, "dea356a2cddd90c7a7ecedc5ebb563934f460452");
	/* empty input, and lengths around the padding boundary (55, 56, 64) */
	sha1("", 0, d);
	hexstr(d, sizeof d, h);
	ck_assert_str_eq(h, "da39a3ee5e6b4b0d3255bfef95601890afd80709");
}
END_TEST

START_TEST(sha1_padding_boundaries)
{
	/* python3 -c "import hashlib;print(hashlib.sha1(b'x'*n).hexdigest())" */
	static const struct {
		size_t n;
		const char *hex;
	} v[] = {
		{55, "cef734ba81a024479e09eb5a75b6ddae62e6abf1"},
		{56, "901305367c259952f4e7af8323f480d59f81335b"},
		{63, "0ddc4e0cccd9a12850deb5abb0853a4425559fec"},
		{64, "bb2fa3ee7afb9f54c6dfb5d021f14b1ffe40c163"},
		{65, "78c741ddc482e4cdf8c474a0876347a0905b6233"},
		{119, "4300320394f7ee239bcdce7d3b8bcee173a0cd5c"},
		{120, "ceb2821639c4b6dcb10bce0e522ca2e608ce056d"},
	};
	char x[128], h[41];
	uint8_t d[SHA1_LEN];
	memset(x, 'x', sizeof x);
	for (size_t i = 0; i < sizeof v / sizeof *v; i++) {
		sha1(x, v[i].n, d);
		hexstr(d, sizeof d, h);
		ck_assert_str_eq(h, v[i].hex);
	}
	/* incremental and one-shot hashing agree at every length over two
	 * blocks */
	uint8_t buf[130], d2[SHA1_LEN];
	for (size_t i = 0; i < sizeof buf; i++)
		buf[i] = (uint8_t)(i * 7 + 1);
	for (size_t n = 0; n <= sizeof buf; n++) {
		sha1(buf, n, d);
		sha1_ctx_t c;
		sha1_init(&c);
		for (size_t i = 0; i < n; i++)
			sha1_update(&c, buf + i, 1);
		sha1_final(&c, d2);
		ck_assert_mem_eq(d, d2, SHA1_LEN);
	}
}
END_TEST

START_TEST(uuid5_python_vector)
{
	/* uuid.NAMESPACE_DNS; uuid.uuid5(NAMESPACE_DNS, 'www.example.com') */
	static const uint8_t ns_dns[16] = {0x6b, 0xa7, 0xb8, 0x10, 0x9d, 0xad, 0x11, 0xd1,
					   0x80, 0xb4, 0x00, 0xc0, 0x4f, 0xd4, 0x30, 0xc8};
	char u[37];
	ck_assert_str_eq(uuid5(ns_dns, "www.example.com", 15, u),
			 "2ed6657d-e927-568b-95e1-2665a8aea6a2");
	/* the project's namespace is uuid5(NAMESPACE_URL,
	 * 'https://dnstunnel-scan.invalid/stix') */
	static const uint8_t ns_url[16] = {0x6b, 0xa7, 0xb8, 0x11, 0x9d, 0xad, 0x11, 0xd1,
					   0x80, 0xb4, 0x00, 0xc0, 0x4f, 0xd4, 0x30, 0xc8};
	const char *url = "https://dnstunnel-scan.invalid/stix";
	uuid5(ns_url, url, strlen(url), u);
	ck_assert_str_eq(u, "f5bd1378-ecb8-5e75-923b-36c6864972ec");
	/* and the bytes in artefacts.c are that UUID */
	char got[33], want[] = "f5bd1378ecb85e75923b36c6864972ec";
	hexstr(artefacts_stix_ns, 16, got);
	ck_assert_str_eq(got, want);
}
END_TEST

/* ---- risk score ------------------------------------------------------ */

static int risk(double score, const char *conf, uint64_t bytes, double span, size_t ncl,
		const char *tool)
{
	report_risk_in_t in = {score, conf, bytes, span, ncl, tool};
	return report_risk_score(&in);
}

START_TEST(risk_baseline_and_edges)
{
	/* the baseline: confirmed, high confidence, one client, 10 KiB within a
	 * minute, no tool: (64 + 6) x 80 / 100 = 56 */
	ck_assert_int_eq(risk(80, "high", 10240, 60, 1, NULL), 56);
	ck_assert_int_eq(risk(100, "high", 10240, 0, 1, NULL), 56);
	ck_assert_int_eq(risk(95, "high", 10240, 30, 0, ""), 56);
	/* nothing moved: 64 x 0.8 = 51.2 */
	ck_assert_int_eq(risk(95, "high", 0, 0, 1, NULL), 51);
	ck_assert_int_eq(risk(95, "high", 1024, 0, 1, NULL), 51);
	/* volume: 100 KiB -> +12 (60.8 -> 61); capped at +24 (70.4 -> 70) */
	ck_assert_int_eq(risk(90, "high", 102400, 0, 1, NULL), 61);
	ck_assert_int_eq(risk(90, "high", UINT64_MAX, 0, 1, NULL), 70);
	/* duration: 16 minutes -> +8 (57.6 -> 58); capped at +12 (60.8 -> 61) */
	ck_assert_int_eq(risk(90, "high", 0, 960, 1, NULL), 58);
	ck_assert_int_eq(risk(90, "high", 0, 86400 * 30, 1, NULL), 61);
	/* clients: 2 -> +6 (56), 4 or more -> +12 (60.8 -> 61) */
	ck_assert_int_eq(risk(90, "high", 0, 0, 2, NULL), 56);
	ck_assert_int_eq(risk(90, "high", 0, 0, 4, NULL), 61);
	ck_assert_int_eq(risk(90, "high", 0, 0, 100000, NULL), 61);
	/* a recognised tool: +8 -> a handshake of a known tool is 57.6 -> 58 */
	ck_assert_int_eq(risk(95, "high", 204, 1, 1, "dnscat2"), 58);
	/* a 384 KB session of ten minutes, tool named, outranks the handshake:
	 * 64 + 15.45 + 6.64 + 8 = 94.1 x 0.8 = 75.3 */
	ck_assert_int_eq(risk(95, "high", 384000, 600, 1, "dns2tcp"), 75);
	/* everything at once: 120 x 0.8 = 96 */
	ck_assert_int_eq(risk(100, "high", UINT64_MAX, 1e9, 1000, "dnscat2"), 96);
	/* lower confidence lowers it: medium x 0.9, low x 0.75 */
	ck_assert_int_eq(risk(80, "medium", 10240, 0, 1, NULL), 50);
	ck_assert_int_eq(risk(60, "low", 10240, 0, 1, NULL), 32);
	ck_assert_int_eq(risk(60, NULL, 10240, 0, 1, NULL), 32);
	/* and the floor is 1 */
	ck_assert_int_eq(risk(0, "high", 0, 0, 1, NULL), 1);
	ck_assert_int_eq(risk(-5, "high", 0, 0, 1, NULL), 1);
	ck_assert_int_eq(risk(NAN, "high", UINT64_MAX, 1e9, 9, "x"), 1);
	ck_assert_int_eq(risk(1, "low", 0, 0, 1, NULL), 1);
	/* monotonic in each input */
	int prev = 0;
	for (int sc = 0; sc <= 100; sc++) {
		int r = risk(sc, "high", 5000000, 100, 3, NULL);
		ck_assert_int_ge(r, prev);
		ck_assert_int_ge(r, 1);
		ck_assert_int_le(r, 99);
		prev = r;
	}
	prev = 0;
	for (uint64_t b = 1; b < (1ull << 40); b *= 3) {
		int r = risk(90, "medium", b, 100, 1, NULL);
		ck_assert_int_ge(r, prev);
		prev = r;
	}
	prev = 0;
	for (double t = 1; t < 1e8; t *= 2) {
		int r = risk(90, "low", 0, t, 1, NULL);
		ck_assert_int_ge(r, prev);
		prev = r;
	}
}
END_TEST

/* ---- synthetic findings --------------------------------------------- */

typedef struct tf {
	finding_t f;
	finding_client_t cl[3];
	finding_count_t qt[2], rc[2];
	ip_addr_t res[1];
	uint32_t ids[2];
	char *reasons[2];
	char *samples[2];
	char *other[2];
	finding_feature_t feat[2];
	uint8_t dec[8];
} tf_t;

static void ip4(ip_addr_t *ip, int a, int b, int c, int d)
{
	memset(ip, 0, sizeof *ip);
	ip->v = 4;
	ip->a[0] = (uint8_t)a;
	ip->a[1] = (uint8_t)b;
	ip->a[2] = (uint8_t)c;
	ip->a[3] = (uint8_t)d;
}

static void mkf(tf_t *t, const char *domain, double score, const char *tool, size_t nclients)
{
	memset(t, 0, sizeof *t);
	finding_t *f = &t->f;
	f->domain = (char *)(uintptr_t)domain;
	f->registered_domain = (char *)(uintptr_t)domain;
	f->score = score;
	f->confidence = score >= 80 ? "high" : score >= 65 ? "medium" : "low";
	f->tool = tool;
	f->first_ns = T0;
	f->last_ns = T0 + 90 * SEC + 123456000ull;
	f->queries = 1000;
	f->responses = 990;
	f->unique_subdomains = 998;
	snprintf(t->qt[0].name, sizeof t->qt[0].name, "TXT");
	t->qt[0].n = 600;
	snprintf(t->qt[1].name, sizeof t->qt[1].name, "NULL");
	t->qt[1].n = 400;
	f->qtypes = t->qt;
	f->nqtypes = 2;
	snprintf(t->rc[0].name, sizeof t->rc[0].name, "NOERROR");
	t->rc[0].n = 990;
	f->rcodes = t->rc;
	f->nrcodes = 1;
	f->bytes_out = 30000;
	f->bytes_in = 50000;
	for (size_t i = 0; i < nclients && i < 3; i++) {
		ip4(&t->cl[i].ip, 10, 0, 0, (int)(10 + i));
		t->cl[i].queries = 1000 / nclients;
		t->cl[i].bytes_out = 30000 / nclients;
		t->cl[i].bytes_in = 50000 / nclients;
		t->cl[i].first_ns = T0;
		t->cl[i].last_ns = T0 + 90 * SEC;
	}
	f->clients = t->cl;
	f->nclients = nclients;
	ip4(&t->res[0], 10, 0, 0, 1);
	f->resolvers = t->res;
	f->nresolvers = 1;
	t->ids[0] = 0;
	f->input_ids = t->ids;
	f->ninputs = 1;
	t->reasons[0] = (char *)(uintptr_t)"998 of 1000 query names are unique under the domain";
	t->reasons[1] = (char *)(uintptr_t)"labels have base32 entropy 4.9 bits per character";
	f->reasons = t->reasons;
	f->nreasons = 2;
	t->feat[0].name = "entropy";
	t->feat[0].value = 4.91234;
	t->feat[1].name = "nan_feature";
	t->feat[1].value = NAN;
	f->features = t->feat;
	f->nfeatures = 2;
	t->samples[0] = (char *)(uintptr_t)"aaaa.example.com";
	f->samples = t->samples;
	f->nsamples = 1;
}

static const dnsts_input_t test_inputs[2] = {
	{.path = (char *)(uintptr_t)"a.pcap", .format = "pcap", .linktypes = {1},
	 .nlinktypes = 1, .packets = 2000, .bytes = 300000, .first_ns = T0,
	 .last_ns = T0 + 100 * SEC},
	{.path = (char *)(uintptr_t)"broken\xff.pcap", .format = NULL,
	 .error = (char *)(uintptr_t)"not a capture file (starts with 68 65 6c 6c)"},
};

static char *render(int (*fn)(const report_ctx_t *, FILE *), const report_ctx_t *c, int *rc)
{
	/* the stream's buffer pointer lives on the heap: GCC 12 otherwise takes
	 * the returned text for a pointer to this frame (-Wdangling-pointer) */
	struct {
		char *buf;
		size_t len;
	} *h = calloc(1, sizeof *h);
	ck_assert_ptr_nonnull(h);
	FILE *m = open_memstream(&h->buf, &h->len);
	ck_assert_ptr_nonnull(m);
	*rc = fn(c, m);
	fclose(m);
	char *text = h->buf;
	free(h);
	return text;
}

static json_t *load(const char *text)
{
	json_error_t e;
	json_t *j = json_loads(text, 0, &e);
	if (!j)
		ck_abort_msg("not JSON: %s at line %d: %.200s", e.text, e.line, text);
	return j;
}

START_TEST(prepare_selects_and_sorts)
{
	tf_t a, b, c, d, e;
	mkf(&a, "b.example.com", 70, NULL, 1);
	mkf(&b, "a.example.com", 70, NULL, 1);
	mkf(&c, "z.example.net", 99, "iodine", 2);
	mkf(&d, "allowed.example.org", 100, NULL, 1);
	d.f.allowlisted = true;
	mkf(&e, "low.example.org", 20, NULL, 1);
	finding_t *fs[] = {&a.f, &b.f, &c.f, &d.f, &e.f};
	size_t n = report_prepare(fs, 5, 60);
	ck_assert_uint_eq(n, 3); /* not the allowlisted one, not the one below 60 */
	ck_assert_str_eq(fs[0]->domain, "allowed.example.org");
	ck_assert_str_eq(fs[1]->domain, "z.example.net");
	ck_assert_str_eq(fs[2]->domain, "a.example.com"); /* ties by domain */
	ck_assert_str_eq(fs[3]->domain, "b.example.com");
	ck_assert_str_eq(fs[4]->domain, "low.example.org");
	/* z: high, 80000 bytes (+11.36), 90 s (+1.17), 2 clients (+6), tool
	 * (+8): 90.53 x 0.8 = 72.4 */
	ck_assert_int_eq(c.f.risk_score, 72);
	/* a: medium, score 70: 76.53 x 70 x 0.9 / 100 = 48.2 */
	ck_assert_int_eq(a.f.risk_score, 48);
	ck_assert(report_is_reported(&c.f, 60));
	ck_assert(!report_is_reported(&d.f, 60));
	ck_assert(!report_is_reported(&e.f, 60));
	ck_assert(report_is_reported(&e.f, 20));
	ck_assert(report_is_borderline(&a.f, 60));
	ck_assert(!report_is_borderline(&c.f, 60));
}
END_TEST

static json_t *finding_by_domain(json_t *arr, const char *domain)
{
	size_t i;
	json_t *v;
	json_array_foreach(arr, i, v) {
		const char *d = json_string_value(json_object_get(v, "domain"));
		if (d && strcmp(d, domain) == 0)
			return v;
	}
	return NULL;
}

static bool has_string(json_t *arr, const char *needle_part)
{
	size_t i;
	json_t *v;
	json_array_foreach(arr, i, v) {
		const char *s = json_string_value(v);
		if (s && strstr(s, needle_part))
			return true;
	}
	return false;
}

START_TEST(json_document_keys)
{
	tf_t a, b;
	mkf(&a, "t.cdn-update.net", 97, "iodine", 2);
	a.f.registered_domain = (char *)(uintptr_t)"cdn-update.net";
	a.f.exfil = true;
	a.other[0] = (char *)(uintptr_t)"x.evil.example";
	a.cl[0].other_suspicious = a.other;
	a.cl[0].nother = 1;
	a.dec[0] = 'h';
	a.dec[1] = 'i';
	a.dec[2] = 0;
	a.dec[3] = '\\';
	a.f.decoded = a.dec;
	a.f.decoded_len = 4;
	a.f.decoded_encoding = "base32";
	mkf(&b, "borderline.example", 64, NULL, 1);
	finding_t *fs[] = {&b.f, &a.f};
	dnsts_stats_t st = {.packets = 2000, .dns_messages = 1990, .base_domains = 7};
	size_t nrep = report_prepare(fs, 2, 60);
	ck_assert_uint_eq(nrep, 2);
	report_ctx_t c = {.inputs = test_inputs, .ninputs = 2, .stats = &st, .fs = fs, .n = 2,
			  .min_score = 60};
	int rc;
	char *text = render(report_write_json, &c, &rc);
	ck_assert_int_eq(rc, 0);
	/* ASCII only, so valid UTF-8 whatever the names held */
	for (const char *p = text; *p; p++)
		ck_assert_int_lt((unsigned char)*p, 0x80);
	json_t *doc = load(text);
	ck_assert_str_eq(json_string_value(json_object_get(json_object_get(doc, "tool"), "name")),
			 "dnstunnel-scan");
	json_t *ins = json_object_get(doc, "inputs");
	ck_assert_uint_eq(json_array_size(ins), 2);
	json_t *in0 = json_array_get(ins, 0), *in1 = json_array_get(ins, 1);
	ck_assert(json_is_null(json_object_get(in0, "error")));
	ck_assert_str_eq(json_string_value(json_object_get(in0, "first_seen")),
			 "2026-03-01T12:00:00.000000Z");
	ck_assert_str_eq(json_string_value(json_array_get(json_object_get(in0, "linktypes"), 0)),
			 "ETHERNET");
	/* the invalid byte in the path is escaped, not dropped */
	ck_assert_str_eq(json_string_value(json_object_get(in1, "path")), "broken\\255.pcap");
	ck_assert(json_is_string(json_object_get(in1, "error")));
	ck_assert(json_is_null(json_object_get(in1, "first_seen")));
	ck_assert_int_eq(json_integer_value(json_object_get(json_object_get(doc, "stats"),
							    "base_domains")), 7);

	json_t *fa = json_object_get(doc, "findings");
	ck_assert_uint_eq(json_array_size(fa), 2);
	json_t *f = json_array_get(fa, 0); /* sorted: 97 first */
	ck_assert_str_eq(json_string_value(json_object_get(f, "domain")), "t.cdn-update.net");
	ck_assert_str_eq(json_string_value(json_object_get(f, "registered_domain")),
			 "cdn-update.net");
	ck_assert_int_eq(json_integer_value(json_object_get(f, "score")), 97);
	/* 2 clients, tool, 80000 bytes: (70 + 7.5 + 15) x 80 / 100 = 74 */
	ck_assert_int_eq(json_integer_value(json_object_get(f, "risk_score")), 72);
	ck_assert_str_eq(json_string_value(json_object_get(f, "confidence")), "high");
	ck_assert_str_eq(json_string_value(json_object_get(f, "tool")), "iodine");
	ck_assert_str_eq(json_string_value(json_object_get(f, "kill_chain")),
			 "Command-and-Control");
	json_t *ma = json_object_get(f, "mitre_attack");
	ck_assert_uint_eq(json_array_size(ma), 3);
	ck_assert_str_eq(json_string_value(json_object_get(json_array_get(ma, 0), "id")),
			 "T1071.004");
	ck_assert_str_eq(json_string_value(json_object_get(json_array_get(ma, 0), "name")),
			 "Application Layer Protocol: DNS");
	ck_assert_str_eq(json_string_value(json_object_get(json_array_get(ma, 1), "name")),
			 "Protocol Tunneling");
	ck_assert_str_eq(json_string_value(json_object_get(json_array_get(ma, 2), "id")),
			 "T1048.003");
	ck_assert_str_eq(json_string_value(json_object_get(json_array_get(ma, 2), "name")),
			 "Exfiltration Over Alternative Protocol: Exfiltration Over "
			 "Unencrypted Non-C2 Protocol");
	ck_assert_str_eq(json_string_value(json_object_get(f, "last_seen")),
			 "2026-03-01T12:01:30.123456Z");
	ck_assert_int_eq(json_integer_value(json_object_get(json_object_get(f, "qtypes"), "NULL")),
			 400);
	ck_assert_int_eq(json_integer_value(json_object_get(f, "bytes_in")), 50000);
	json_t *cl = json_object_get(f, "clients");
	ck_assert_uint_eq(json_array_size(cl), 2);
	ck_assert_str_eq(json_string_value(json_object_get(json_array_get(cl, 1), "ip")),
			 "10.0.0.11");
	ck_assert_str_eq(json_string_value(json_array_get(json_object_get(f, "resolvers"), 0)),
			 "10.0.0.1");
	ck_assert_str_eq(json_string_value(json_array_get(json_object_get(f, "inputs"), 0)),
			 "a.pcap");
	json_t *ev = json_object_get(f, "evidence");
	ck_assert_uint_eq(json_array_size(json_object_get(ev, "reasons")), 2);
	ck_assert(fabs(json_real_value(json_object_get(json_object_get(ev, "features"),
						       "entropy")) - 4.912) < 1e-9);
	ck_assert(json_is_null(json_object_get(json_object_get(ev, "features"), "nan_feature")));
	json_t *ds = json_object_get(ev, "decoded_sample");
	ck_assert_str_eq(json_string_value(json_object_get(ds, "hex")), "6869005c");
	ck_assert_str_eq(json_string_value(json_object_get(ds, "text")), "hi\\000\\092");
	ck_assert_str_eq(json_string_value(json_object_get(ds, "encoding")), "base32");
	/* confirmed, high confidence: no false-positive hints */
	ck_assert_ptr_null(json_object_get(ev, "false_positive_hints"));

	/* mitigations: one quarantine per client, then block, report, check */
	json_t *mi = json_object_get(f, "mitigations");
	ck_assert_uint_eq(json_array_size(mi), 5);
	const char *acts[] = {"quarantine", "quarantine", "block", "report", "check_registration"};
	const char *tgts[] = {"10.0.0.10", "10.0.0.11", "t.cdn-update.net", "t.cdn-update.net",
			      "cdn-update.net"};
	for (size_t i = 0; i < 5; i++) {
		json_t *m = json_array_get(mi, i);
		ck_assert_str_eq(json_string_value(json_object_get(m, "action")), acts[i]);
		ck_assert_str_eq(json_string_value(json_object_get(m, "target")), tgts[i]);
	}
	const char *q0 = json_string_value(json_object_get(json_array_get(mi, 0), "text"));
	const char *q1 = json_string_value(json_object_get(json_array_get(mi, 1), "text"));
	ck_assert_ptr_nonnull(strstr(q0, "x.evil.example"));
	ck_assert_ptr_nonnull(strstr(q1, "no other domain it queried"));
	/* high confidence: quarantine now; the tool's traces and Sysmon */
	ck_assert_ptr_nonnull(strstr(q0, "Quarantine host 10.0.0.10"));
	ck_assert_str_eq(json_string_value(json_object_get(json_array_get(mi, 0), "urgency")),
			 "now");
	ck_assert_ptr_nonnull(strstr(q0, "Sysmon event 22"));
	ck_assert_ptr_nonnull(
		strstr(json_string_value(json_object_get(json_array_get(mi, 2), "text")), "--rpz"));
	ck_assert_ptr_nonnull(
		strstr(json_string_value(json_object_get(json_array_get(mi, 3), "text")), "--stix"));
	ck_assert_ptr_nonnull(
		strstr(json_string_value(json_object_get(json_array_get(mi, 4), "text")),
		       "registration date of cdn-update.net"));

	/* the borderline one: default false-positive hints, no exfil technique */
	json_t *g = finding_by_domain(fa, "borderline.example");
	ck_assert_ptr_nonnull(g);
	ck_assert_uint_eq(json_array_size(json_object_get(g, "mitre_attack")), 2);
	ck_assert(json_is_null(json_object_get(g, "tool")));
	json_t *hints = json_object_get(json_object_get(g, "evidence"), "false_positive_hints");
	ck_assert(has_string(hints, "nti-virus"));
	ck_assert(has_string(hints, "CDN"));
	ck_assert(has_string(hints, "NSEC3"));
	ck_assert(has_string(hints, "elemetry"));
	/* below high confidence: investigate the host before quarantining it */
	json_t *gm = json_array_get(json_object_get(g, "mitigations"), 0);
	ck_assert_str_eq(json_string_value(json_object_get(gm, "action")), "quarantine");
	ck_assert_str_eq(json_string_value(json_object_get(gm, "urgency")), "investigate_first");
	ck_assert_ptr_nonnull(strstr(json_string_value(json_object_get(gm, "text")),
				     "Investigate host"));
	json_decref(doc);
	free(text);
}
END_TEST

START_TEST(json_odd_bytes_escaped)
{
	tf_t a;
	/* a label with a raw 0xff, a NUL-free control byte and a quote */
	mkf(&a, "x\xff\x01\".example", 90, "to\xc3\x28ol", 0); /* no client seen */
	a.samples[0] = (char *)(uintptr_t)"\xe2\x82\xac.x\xff\x01\".example";
	a.reasons[0] = (char *)(uintptr_t)"bad \xc0\xaf utf-8";
	finding_t *fs[] = {&a.f};
	report_prepare(fs, 1, 60);
	report_ctx_t c = {.inputs = test_inputs, .ninputs = 1, .fs = fs, .n = 1, .min_score = 60};
	int rc;
	char *text = render(report_write_json, &c, &rc);
	ck_assert_int_eq(rc, 0);
	json_t *doc = load(text);
	json_t *f = json_array_get(json_object_get(doc, "findings"), 0);
	ck_assert_str_eq(json_string_value(json_object_get(f, "domain")),
			 "x\\255\\001\".example");
	ck_assert_str_eq(json_string_value(json_object_get(f, "tool")), "to\\195(ol");
	json_t *ev = json_object_get(f, "evidence");
	ck_assert_str_eq(json_string_value(json_array_get(json_object_get(ev, "sample_queries"), 0)),
			 "\\226\\130\\172.x\\255\\001\".example");
	ck_assert_str_eq(json_string_value(json_array_get(json_object_get(ev, "reasons"), 0)),
			 "bad \\192\\175 utf-8");
	/* every mitigation is there even with such a name and no client:
	 * quarantine then names the domain whose resolvers to look at */
	json_t *mi = json_object_get(f, "mitigations");
	ck_assert_uint_eq(json_array_size(mi), 4);
	ck_assert_str_eq(json_string_value(json_object_get(json_array_get(mi, 0), "action")),
			 "quarantine");
	ck_assert_str_eq(json_string_value(json_object_get(json_array_get(mi, 0), "target")),
			 "x\\255\\001\".example");
	ck_assert_ptr_nonnull(strstr(json_string_value(json_object_get(json_array_get(mi, 0),
								       "text")),
				     "No host was seen querying"));
	json_decref(doc);
	free(text);

	char buf[16];
	ck_assert_str_eq(report_escape_name("ab\xff" "cdef", buf, 8), "ab\\255c");
	ck_assert_str_eq(report_escape_name("ab\xff", buf, 6), "ab"); /* no half escape */
	ck_assert_str_eq(report_escape_name(NULL, buf, 6), "");
}
END_TEST

START_TEST(ndjson_lines)
{
	tf_t a, b;
	mkf(&a, "t.example.net", 91, "dnscat2", 1);
	mkf(&b, "allowed.example.org", 100, NULL, 1);
	b.f.allowlisted = true;
	b.f.allowlist_reason = "built-in: anti-virus look-ups";
	finding_t *fs[] = {&a.f, &b.f};
	dnsts_stats_t st = {.packets = 5};
	report_prepare(fs, 2, 60);
	report_ctx_t c = {.inputs = test_inputs, .ninputs = 2, .stats = &st, .fs = fs, .n = 2,
			  .min_score = 60};
	int rc;
	char *text = render(report_write_ndjson, &c, &rc);
	ck_assert_int_eq(rc, 0);
	char *save = NULL, *line;
	int k = 0;
	for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save), k++) {
		json_t *o = load(line);
		const char *type = json_string_value(json_object_get(o, "type"));
		ck_assert_ptr_nonnull(type);
		if (k < 2) {
			ck_assert_str_eq(type, "finding");
			ck_assert(json_is_array(json_object_get(o, "mitigations")));
		} else {
			ck_assert_str_eq(type, "summary");
			ck_assert_int_eq(json_integer_value(json_object_get(
						 json_object_get(o, "stats"), "packets")), 5);
			/* the allowlisted one is listed (--all) but not counted */
			ck_assert_int_eq(json_integer_value(json_object_get(o, "findings")), 1);
			ck_assert_int_eq(json_integer_value(json_object_get(o, "failed_inputs")), 1);
		}
		if (k == 0)
			ck_assert(json_is_true(json_object_get(o, "allowlisted")));
		json_decref(o);
	}
	ck_assert_int_eq(k, 3);
	free(text);

	/* input lines */
	char *buf = NULL;
	size_t len = 0;
	FILE *m = open_memstream(&buf, &len);
	ck_assert_int_eq(report_write_input_line(&test_inputs[1], m), 0);
	fclose(m);
	ck_assert_ptr_nonnull(strchr(buf, '\n'));
	ck_assert_ptr_eq(strchr(buf, '\n'), buf + len - 1);
	json_t *o = load(buf);
	ck_assert_str_eq(json_string_value(json_object_get(o, "type")), "input");
	ck_assert(json_is_string(json_object_get(o, "error")));
	json_decref(o);
	free(buf);
}
END_TEST

START_TEST(text_summary_aligned)
{
	tf_t a, b;
	mkf(&a, "t.example.net", 91, "dnscat2", 2);
	a.f.bytes_out = 1536;
	mkf(&b, "longer-domain.example.org", 72, NULL, 1);
	b.f.bytes_out = 700;
	finding_t *fs[] = {&b.f, &a.f};
	dnsts_stats_t st = {.packets = 5, .dns_messages = 4, .base_domains = 2};
	report_prepare(fs, 2, 60);
	report_ctx_t c = {.inputs = test_inputs, .ninputs = 2, .stats = &st, .fs = fs, .n = 2,
			  .min_score = 60};
	int rc;
	char *text = render(report_write_text, &c, &rc);
	ck_assert_int_eq(rc, 0);
	ck_assert_ptr_nonnull(strstr(text, "2 findings"));
	ck_assert_ptr_nonnull(strstr(text, "input failed: broken\\255.pcap: not a capture"));
	char *hdr = strstr(text, "SCORE");
	ck_assert_ptr_nonnull(hdr);
	char *l1 = strchr(hdr, '\n') + 1, *l2 = strchr(l1, '\n') + 1;
	/* the domain, tool and clients columns start at the same offsets */
	ck_assert_int_eq((int)(strstr(hdr, "DOMAIN") - hdr), (int)(strstr(l1, "t.example") - l1));
	ck_assert_int_eq((int)(strstr(hdr, "DOMAIN") - hdr), (int)(strstr(l2, "longer") - l2));
	ck_assert_int_eq((int)(strstr(hdr, "TOOL") - hdr), (int)(strstr(l1, "dnscat2") - l1));
	/* right-aligned byte counts end in the same column */
	ck_assert_int_eq((int)(strstr(l1, "1.5K") - l1) + 4, (int)(strstr(l2, " 700") - l2) + 4);
	ck_assert(strncmp(l1, "   91   ", 8) == 0);
	ck_assert_ptr_nonnull(strstr(l1, "10.0.0.10"));
	free(text);

	c.n = 0;
	text = render(report_write_text, &c, &rc);
	ck_assert_ptr_nonnull(strstr(text, "no DNS tunnel found"));
	free(text);
}
END_TEST

/* ---- RPZ ------------------------------------------------------------- */

static int checkzone(const char *zone, char *msg, size_t msglen)
{
	if (system("command -v named-checkzone >/dev/null 2>&1") != 0)
		return -77;
	char path[] = "/tmp/dnsts-rpz-XXXXXX";
	int fd = mkstemp(path);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, zone, strlen(zone)), (ssize_t)strlen(zone));
	close(fd);
	char cmd[256];
	snprintf(cmd, sizeof cmd, "named-checkzone -i local rpz.dnstunnel-scan %s 2>&1", path);
	FILE *p = popen(cmd, "r");
	size_t n = fread(msg, 1, msglen - 1, p);
	msg[n] = '\0';
	int st = pclose(p);
	unlink(path);
	return st;
}

START_TEST(rpz_zone)
{
	tf_t a, b, a2, r, sp, lo, al;
	mkf(&a, "t.cdn-update.net", 97, "iodine", 1);
	a.f.last_ns = T0 + 500 * SEC;
	mkf(&b, "b.example.org", 80, NULL, 1);
	mkf(&a2, "t.cdn-update.net", 85, NULL, 1); /* same domain again (--per-file) */
	a2.f.first_ns = T0 - 50 * SEC;
	mkf(&r, ".", 99, NULL, 1);                  /* the root must never be blocked */
	mkf(&sp, "we;ird\\032n\"ame.example.com", 90, NULL, 1);
	mkf(&lo, "low.example.com", 30, NULL, 1);   /* below min score */
	mkf(&al, "ok.example.com", 95, NULL, 1);    /* allowlisted */
	al.f.allowlisted = true;
	finding_t *fs[] = {&a.f, &b.f, &a2.f, &r.f, &sp.f, &lo.f, &al.f};
	report_prepare(fs, 7, 60);
	report_ctx_t c = {.inputs = test_inputs, .ninputs = 1, .fs = fs, .n = 7, .min_score = 60};
	int rc;
	char *z = render(artefacts_write_rpz, &c, &rc);
	ck_assert_int_eq(rc, 0);
	/* owner names relative, no $ORIGIN: the file loads as any zone */
	ck_assert_ptr_null(strstr(z, "$ORIGIN"));
	ck_assert_ptr_nonnull(strstr(z, "\n@\tIN\tSOA\t"));
	/* serial without a scan time: the latest last_seen, 1772366900 */
	ck_assert_ptr_nonnull(strstr(z, "( 1772366900 "));
	ck_assert_ptr_nonnull(strstr(z, "\nt.cdn-update.net\tIN\tCNAME\t.\n*.t.cdn-update.net\tIN"
					"\tCNAME\t.\n"));
	ck_assert_ptr_nonnull(strstr(z, "\nb.example.org\tIN\tCNAME\t.\n"));
	ck_assert_ptr_nonnull(strstr(z, "\nwe\\059ird\\032n\\034ame.example.com\tIN\tCNAME\t.\n"));
	ck_assert_ptr_null(strstr(z, "low.example.com\t"));
	ck_assert_ptr_null(strstr(z, "ok.example.com"));
	ck_assert_ptr_nonnull(strstr(z, "; not blockable as an RPZ owner name: .\n"));
	/* one entry for the domain found twice; its first sighting is the earlier */
	char *first = strstr(z, "\nt.cdn-update.net\t");
	ck_assert_ptr_null(strstr(first + 1, "\nt.cdn-update.net\t"));
	ck_assert_ptr_nonnull(strstr(z, "; t.cdn-update.net: score 97, tool iodine, seen "
					"2026-03-01T11:59:10.000000Z to 2026-03-01T12:08:20"));
	char msg[4096];
	int st = checkzone(z, msg, sizeof msg);
	if (st != -77) {
		ck_assert_msg(st == 0, "named-checkzone: %s\n%s", msg, z);
		ck_assert_ptr_nonnull(strstr(msg, "OK"));
	}
	free(z);

	/* with the time of the scan, the serial is that time, whatever the
	 * traffic's: an older capture scanned later gets a higher serial */
	report_run_t run = {.finished_ns = 1800000000ull * SEC + 5};
	c.run = &run;
	z = render(artefacts_write_rpz, &c, &rc);
	ck_assert_ptr_nonnull(strstr(z, "( 1800000000 "));
	ck_assert_ptr_nonnull(strstr(z, "dnstunnel-scan " DNSTS_VERSION " at 2027-01-15T08:00:00"));
	free(z);
	c.run = NULL;

	/* no findings at all: a valid empty zone, serial from the input */
	c.n = 0;
	z = render(artefacts_write_rpz, &c, &rc);
	ck_assert_ptr_nonnull(strstr(z, "( 1772366500 "));
	st = checkzone(z, msg, sizeof msg);
	if (st != -77)
		ck_assert_msg(st == 0, "named-checkzone: %s\n%s", msg, z);
	free(z);
}
END_TEST

START_TEST(rpz_long_names)
{
	/* 4 labels of 63 are 257 octets on the wire: too long.  63.63.60
	 * under "*." and the origin: 1+63+63+60+3+14 octets + 6 length bytes
	 * + the root = 211 -> fits */
	char l63[64], big[300], ok[300];
	memset(l63, 'a', 63);
	l63[63] = 0;
	snprintf(big, sizeof big, "%s.%s.%s.%s", l63, l63, l63, l63);
	snprintf(ok, sizeof ok, "%s.%s.%.60s", l63, l63, l63);
	tf_t a, b;
	mkf(&a, big, 90, NULL, 1);
	mkf(&b, ok, 90, NULL, 1);
	finding_t *fs[] = {&a.f, &b.f};
	report_prepare(fs, 2, 60);
	report_ctx_t c = {.inputs = test_inputs, .ninputs = 1, .fs = fs, .n = 2, .min_score = 60};
	int rc;
	char *z = render(artefacts_write_rpz, &c, &rc);
	ck_assert_ptr_nonnull(strstr(z, "; not blockable as an RPZ owner name: aaaa"));
	char want[320];
	snprintf(want, sizeof want, "\n*.%s\tIN\tCNAME\t.\n", ok);
	ck_assert_ptr_nonnull(strstr(z, want));
	char msg[4096];
	int st = checkzone(z, msg, sizeof msg);
	if (st != -77)
		ck_assert_msg(st == 0, "named-checkzone: %s\n%s", msg, z);
	free(z);
}
END_TEST

/* ---- STIX ------------------------------------------------------------ */

START_TEST(stix_bundle)
{
	tf_t a, b, lo;
	mkf(&a, "t.cdn-update.net", 97, "iodine", 2);
	a.f.exfil = true;
	mkf(&b, "it's.example", 80, NULL, 1);
	mkf(&lo, "low.example.com", 30, NULL, 1);
	finding_t *fs[] = {&a.f, &b.f, &lo.f};
	report_prepare(fs, 3, 60);
	report_run_t run = {.finished_ns = 1800000000ull * SEC + 250000000ull};
	report_ctx_t c = {.inputs = test_inputs, .ninputs = 1, .fs = fs, .n = 3, .min_score = 60,
			  .run = &run};
	int rc;
	char *t1 = render(artefacts_write_stix, &c, &rc);
	ck_assert_int_eq(rc, 0);
	char *t2 = render(artefacts_write_stix, &c, &rc);
	ck_assert_str_eq(t1, t2); /* deterministic */
	json_t *bu = load(t1);
	ck_assert_str_eq(json_string_value(json_object_get(bu, "type")), "bundle");
	ck_assert(strncmp(json_string_value(json_object_get(bu, "id")), "bundle--", 8) == 0);
	json_t *objs = json_object_get(bu, "objects");
	/* the TLP marking, the identity, and per domain an indicator, a
	 * domain-name, an observed-data and a sighting */
	ck_assert_uint_eq(json_array_size(objs), 10);
	json_t *mk = json_array_get(objs, 0);
	ck_assert_str_eq(json_string_value(json_object_get(mk, "id")),
			 "marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421");
	ck_assert_str_eq(json_string_value(json_object_get(mk, "name")), "TLP:AMBER");
	json_t *id = json_array_get(objs, 1);
	ck_assert_str_eq(json_string_value(json_object_get(id, "type")), "identity");
	const char *ident = json_string_value(json_object_get(id, "id"));
	/* uuid.uuid5(UUID('f5bd1378-ecb8-5e75-923b-36c6864972ec'), 'dnstunnel-scan') */
	ck_assert_str_eq(ident, "identity--f5b6d9b7-96d1-5836-b194-e457b6429e52");
	/* indicators sorted by domain: "it's.example" < "t.cdn-update.net" */
	json_t *i0 = json_array_get(objs, 2), *i1 = json_array_get(objs, 6);
	ck_assert_str_eq(json_string_value(json_object_get(i0, "pattern")),
			 "[domain-name:value = 'it\\'s.example']");
	ck_assert_str_eq(json_string_value(json_object_get(i1, "pattern")),
			 "[domain-name:value = 't.cdn-update.net']");
	/* uuid.uuid5(UUID('f5bd1378-...'), 't.cdn-update.net') */
	ck_assert_str_eq(json_string_value(json_object_get(i1, "id")),
			 "indicator--503a8361-41c5-53bd-bb14-1b6f5aa8e699");
	const char *required[] = {"type", "spec_version", "id", "created", "modified", "pattern",
				  "pattern_type", "valid_from", "name", "description",
				  "indicator_types", "labels", "kill_chain_phases",
				  "external_references", "created_by_ref"};
	for (size_t i = 0; i < sizeof required / sizeof *required; i++) {
		ck_assert_msg(json_object_get(i0, required[i]) != NULL, "missing %s", required[i]);
		ck_assert_msg(json_object_get(i1, required[i]) != NULL, "missing %s", required[i]);
	}
	ck_assert_str_eq(json_string_value(json_object_get(i1, "spec_version")), "2.1");
	ck_assert_str_eq(json_string_value(json_object_get(i1, "created_by_ref")), ident);
	/* valid from the scan, not from the traffic */
	ck_assert_str_eq(json_string_value(json_object_get(i1, "valid_from")),
			 "2027-01-15T08:00:00.250Z");
	ck_assert_str_eq(json_string_value(json_object_get(i1, "modified")),
			 "2027-01-15T08:00:00.250Z");
	/* the sighting: the traffic's times and count, of the indicator */
	json_t *od = json_array_get(objs, 8), *sg = json_array_get(objs, 9);
	ck_assert_str_eq(json_string_value(json_object_get(sg, "type")), "sighting");
	ck_assert_str_eq(json_string_value(json_object_get(sg, "sighting_of_ref")),
			 json_string_value(json_object_get(i1, "id")));
	ck_assert_str_eq(json_string_value(json_object_get(sg, "first_seen")),
			 "2026-03-01T12:00:00.000Z");
	ck_assert_str_eq(json_string_value(json_object_get(sg, "last_seen")),
			 "2026-03-01T12:01:30.123Z");
	ck_assert_int_eq(json_integer_value(json_object_get(sg, "count")), (json_int_t)a.f.queries);
	ck_assert_str_eq(json_string_value(json_array_get(json_object_get(sg, "observed_data_refs"), 0)),
			 json_string_value(json_object_get(od, "id")));
	ck_assert_int_eq(json_integer_value(json_object_get(od, "number_observed")),
			 (json_int_t)a.f.queries);
	ck_assert_str_eq(json_string_value(json_array_get(json_object_get(i1, "object_marking_refs"), 0)),
			 "marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421");
	ck_assert_str_eq(json_string_value(json_array_get(json_object_get(i1, "indicator_types"),
							  0)),
			 "malicious-activity");
	const char *desc = json_string_value(json_object_get(i1, "description"));
	ck_assert_ptr_nonnull(strstr(desc, "998 of 1000 query names are unique"));
	/* no client address unless asked for */
	ck_assert_ptr_null(strstr(t1, "10.0.0.11"));
	ck_assert_ptr_null(strstr(desc, "10.0.0.11"));
	ck_assert_uint_eq(json_array_size(json_object_get(i1, "kill_chain_phases")), 2);
	ck_assert_uint_eq(json_array_size(json_object_get(i1, "kill_chain_phases")), 2);
	ck_assert_uint_eq(json_array_size(json_object_get(i0, "kill_chain_phases")), 1);
	json_t *refs = json_object_get(i1, "external_references");
	ck_assert_uint_eq(json_array_size(refs), 3);
	ck_assert_str_eq(json_string_value(json_object_get(json_array_get(refs, 2),
							   "external_id")), "T1048.003");
	ck_assert_str_eq(json_string_value(json_object_get(json_array_get(refs, 0), "url")),
			 "https://attack.mitre.org/techniques/T1071/004/");
	json_decref(bu);

	/* asked for: the addresses, as observables too; another TLP level */
	c.stix_clients = true;
	c.tlp = "green";
	char *t4 = render(artefacts_write_stix, &c, &rc);
	ck_assert_ptr_nonnull(strstr(t4, "10.0.0.11"));
	ck_assert_ptr_nonnull(strstr(t4, "\"ipv4-addr\""));
	ck_assert_ptr_nonnull(strstr(t4, "marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb"));
	ck_assert_ptr_null(strstr(t4, "marking-definition--55d920b0"));
	free(t4);
	c.stix_clients = false;
	c.tlp = NULL;

	/* another set of findings gives another bundle id */
	c.n = 1;
	char *t3 = render(artefacts_write_stix, &c, &rc);
	json_t *b3 = load(t3), *b1 = load(t1);
	ck_assert_str_ne(json_string_value(json_object_get(b3, "id")),
			 json_string_value(json_object_get(b1, "id")));
	json_decref(b3);
	json_decref(b1);
	free(t1);
	free(t2);
	free(t3);
}
END_TEST

/* ---- through the public interface, on the demo capture -------------- */

static char *slurp_stream(dnsts_scanner_t *s, int which, int *rc)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *m = open_memstream(&buf, &len);
	ck_assert_ptr_nonnull(m);
	if (which == 0)
		*rc = dnsts_report_write(s, m, DNSTS_REPORT_JSON, NULL);
	else if (which == 1)
		*rc = dnsts_report_rpz(s, m);
	else
		*rc = dnsts_report_stix(s, m);
	fclose(m);
	return buf;
}

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	fputs(text, f);
	fclose(f);
}

START_TEST(pipeline_artefacts)
{
	const char *demo = tu_testdata("pcap/demo-tunnel.pcap");
	if (access(demo, R_OK) != 0)
		return;
	dnsts_options_t opt;
	dnsts_options_init(&opt);
	char err[256];
	dnsts_scanner_t *s = dnsts_scanner_new(&opt, err, sizeof err);
	ck_assert_msg(s != NULL, "%s", err);
	ck_assert_int_eq(dnsts_scan_file(s, demo), DNSTS_OK);
	dnsts_scanner_finish(s);
	size_t nf = 0;
	char *buf = NULL;
	size_t len = 0;
	FILE *m = open_memstream(&buf, &len);
	ck_assert_int_eq(dnsts_report_write(s, m, DNSTS_REPORT_JSON, &nf), DNSTS_OK);
	fclose(m);
	int rc;
	char *again = slurp_stream(s, 0, &rc);
	ck_assert_str_eq(buf, again); /* the cached findings give the same report */
	char *zone = slurp_stream(s, 1, &rc);
	ck_assert_int_eq(rc, DNSTS_OK);
	char *stix = slurp_stream(s, 2, &rc);
	ck_assert_int_eq(rc, DNSTS_OK);
	dnsts_scanner_free(s);

	/* the demo has two tunnels (testdata/README.md) */
	ck_assert_uint_eq(nf, 2);
	ck_assert_ptr_nonnull(strstr(zone, "\nt.fictional-cdn-sync.net\tIN\tCNAME\t.\n"));
	ck_assert_ptr_nonnull(strstr(zone, "\n*.x.fictional-metrics-report.com\tIN\tCNAME\t.\n"));
	ck_assert_ptr_nonnull(strstr(stix, "[domain-name:value = 't.fictional-cdn-sync.net']"));

	/* the same set in all three, STIX against the schemas, the zone against
	 * named-checkzone: by the same checker the CLI test uses */
	char src[512], dir[] = "/tmp/dnsts-art-XXXXXX", p1[600], p2[600], p3[600], cmd[4096];
	snprintf(src, sizeof src, "%s", tu_testdata(""));
	char *slash = strrchr(src, '/');
	if (slash && slash[1] == '\0') {
		*slash = '\0';
		slash = strrchr(src, '/');
	}
	ck_assert_ptr_nonnull(slash);
	*slash = '\0'; /* the source folder */
	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(p1, sizeof p1, "%s/report.json", dir);
	snprintf(p2, sizeof p2, "%s/zone.rpz", dir);
	snprintf(p3, sizeof p3, "%s/bundle.json", dir);
	write_file(p1, buf);
	write_file(p2, zone);
	write_file(p3, stix);
	if (system("/usr/bin/python3 -c 'import jsonschema' 2>/dev/null") == 0) {
		snprintf(cmd, sizeof cmd, "/usr/bin/python3 %s/tests/report_check.py same-set %s %s %s",
			 src, p1, p2, p3);
		ck_assert_msg(system(cmd) == 0, "%s", cmd);
		snprintf(cmd, sizeof cmd,
			 "d=%s/../shared/schemas/stix2.1; [ -d $d ] || d=-; "
			 "/usr/bin/python3 %s/tests/report_check.py stix $d %s",
			 src, src, p3);
		ck_assert_msg(system(cmd) == 0, "%s", cmd);
		snprintf(cmd, sizeof cmd, "/usr/bin/python3 %s/tests/report_check.py doc %s/tests/schema %s",
			 src, src, p1);
		ck_assert_msg(system(cmd) == 0, "%s", cmd);
	}
	char msg[4096];
	int st = checkzone(zone, msg, sizeof msg);
	if (st != -77)
		ck_assert_msg(st == 0, "named-checkzone: %s", msg);
	unlink(p1);
	unlink(p2);
	unlink(p3);
	rmdir(dir);
	free(buf);
	free(again);
	free(zone);
	free(stix);
}
END_TEST

/* The number of findings dnsts_report_write reports for s. */
static size_t reported(dnsts_scanner_t *s)
{
	size_t nf = 99;
	FILE *m = fopen("/dev/null", "w");
	ck_assert_ptr_nonnull(m);
	ck_assert_int_eq(dnsts_report_write(s, m, DNSTS_REPORT_JSON, &nf), DNSTS_OK);
	fclose(m);
	return nf;
}

static dnsts_scanner_t *scanned(const char *rel)
{
	char err[256];
	dnsts_scanner_t *s = dnsts_scanner_new(NULL, err, sizeof err);
	ck_assert_msg(s != NULL, "%s", err);
	ck_assert_int_eq(dnsts_scan_file(s, tu_testdata(rel)), DNSTS_OK);
	dnsts_scanner_finish(s);
	return s;
}

/* A report covers what was scanned and merged up to it, also after an
 * earlier report of the same scanner. */
START_TEST(report_follows_later_input)
{
	dnsts_scanner_t *s = scanned("pcap/linktype-ethernet.pcap");
	ck_assert_uint_eq(reported(s), 0);
	ck_assert_int_eq(dnsts_scan_file(s, tu_testdata("pcap/demo-tunnel.pcap")), DNSTS_OK);
	dnsts_scanner_finish(s);
	ck_assert_uint_eq(reported(s), 2); /* the demo's two tunnels */
	int rc;
	char *zone = slurp_stream(s, 1, &rc);
	ck_assert_int_eq(rc, DNSTS_OK);
	ck_assert_ptr_nonnull(strstr(zone, "\nt.fictional-cdn-sync.net\tIN\tCNAME\t.\n"));
	free(zone);
	dnsts_scanner_free(s);

	/* merged, aggregated or kept apart */
	for (int apart = 0; apart <= 1; apart++) {
		s = scanned("pcap/linktype-ethernet.pcap");
		ck_assert_uint_eq(reported(s), 0);
		dnsts_scanner_t *src = scanned("pcap/demo-tunnel.pcap");
		ck_assert_int_eq(dnsts_scanner_merge(s, src, apart), DNSTS_OK);
		dnsts_scanner_free(src);
		ck_assert_msg(reported(s) == 2, "merge with keep_apart %d", apart);
		dnsts_scanner_free(s);
	}
}
END_TEST

static Suite *report_suite(void)
{
	Suite *s = suite_create("report");
	TCase *tc = tcase_create("core");
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, sha1_rfc3174_vectors);
	tcase_add_test(tc, sha1_padding_boundaries);
	tcase_add_test(tc, uuid5_python_vector);
	tcase_add_test(tc, risk_baseline_and_edges);
	tcase_add_test(tc, prepare_selects_and_sorts);
	tcase_add_test(tc, json_document_keys);
	tcase_add_test(tc, json_odd_bytes_escaped);
	tcase_add_test(tc, ndjson_lines);
	tcase_add_test(tc, text_summary_aligned);
	tcase_add_test(tc, rpz_zone);
	tcase_add_test(tc, rpz_long_names);
	tcase_add_test(tc, stix_bundle);
	tcase_add_test(tc, pipeline_artefacts);
	tcase_add_test(tc, report_follows_later_input);
	suite_add_tcase(s, tc);
	return s;
}

DNSTS_CHECK_MAIN(report_suite)
