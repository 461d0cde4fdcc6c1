/*
 * test_bounds.c - every resource bound of the scanner, hit through the
 * public API.  Each test sets one limit of dnsts_options_t small, feeds a
 * capture built here in memory (raw IPv4, LINKTYPE_RAW) through
 * dnsts_scan_stream(), and checks that the matching counter of
 * dnsts_stats_t moved, that the memory held stays within the limit, and
 * that traffic after the limit was hit is still analysed.  The evidence
 * samples of a finding are checked to be bounded in count and length.
 */
#include <check.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <dnsts/dnsts.h>

#include "check_util.h"

/* ---- a capture written in memory ------------------------------------- */

typedef struct cap {
	char *buf;
	size_t len;
	FILE *fp;
} cap_t;

static void put32(FILE *f, uint32_t v)
{
	fwrite(&v, 4, 1, f); /* pcap is read in either byte order: host order */
}

static void cap_open(cap_t *c)
{
	memset(c, 0, sizeof *c);
	c->fp = open_memstream(&c->buf, &c->len);
	ck_assert_ptr_nonnull(c->fp);
	put32(c->fp, 0xa1b2c3d4);
	put32(c->fp, 0x00040002);
	put32(c->fp, 0);
	put32(c->fp, 0);
	put32(c->fp, 65535);
	put32(c->fp, 101); /* LINKTYPE_RAW */
}

static void cap_record(cap_t *c, uint64_t ts_us, const uint8_t *p, size_t n)
{
	put32(c->fp, (uint32_t)(ts_us / 1000000));
	put32(c->fp, (uint32_t)(ts_us % 1000000));
	put32(c->fp, (uint32_t)n);
	put32(c->fp, (uint32_t)n);
	fwrite(p, 1, n, c->fp);
}

static void cap_close(cap_t *c)
{
	fclose(c->fp);
	c->fp = NULL;
}

static void cap_free(cap_t *c)
{
	free(c->buf);
}

/* IPv4 header at p for a payload of n bytes; frag is the flags/offset field. */
static size_t ip4(uint8_t *p, uint32_t src, uint32_t dst, uint8_t proto, uint16_t id,
		  uint16_t frag, size_t n)
{
	size_t tot = 20 + n;
	memset(p, 0, 20);
	p[0] = 0x45;
	p[2] = (uint8_t)(tot >> 8);
	p[3] = (uint8_t)tot;
	p[4] = (uint8_t)(id >> 8);
	p[5] = (uint8_t)id;
	p[6] = (uint8_t)(frag >> 8);
	p[7] = (uint8_t)frag;
	p[8] = 64;
	p[9] = proto;
	for (int i = 0; i < 4; i++) {
		p[12 + i] = (uint8_t)(src >> (24 - 8 * i));
		p[16 + i] = (uint8_t)(dst >> (24 - 8 * i));
	}
	uint32_t sum = 0;
	for (int i = 0; i < 20; i += 2)
		sum += (uint32_t)p[i] << 8 | p[i + 1];
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	p[10] = (uint8_t)(~sum >> 8);
	p[11] = (uint8_t)~sum;
	return 20;
}

/* A DNS query for name (dotted) of type qtype into p; returns its length. */
static size_t dns_query(uint8_t *p, uint16_t id, const char *name, uint16_t qtype)
{
	static const uint8_t hdr[10] = {0x01, 0x00, 0x00, 0x01, 0, 0, 0, 0, 0, 0};
	size_t n = 0;
	p[n++] = (uint8_t)(id >> 8);
	p[n++] = (uint8_t)id;
	memcpy(p + n, hdr, sizeof hdr);
	n += sizeof hdr;
	const char *s = name;
	while (*s) {
		const char *dot = strchr(s, '.');
		size_t l = dot ? (size_t)(dot - s) : strlen(s);
		p[n++] = (uint8_t)l;
		memcpy(p + n, s, l);
		n += l;
		s += l;
		if (*s == '.')
			s++;
	}
	p[n++] = 0;
	p[n++] = (uint8_t)(qtype >> 8);
	p[n++] = (uint8_t)qtype;
	p[n++] = 0;
	p[n++] = 1;
	return n;
}

#define CLIENT(i) (0xc0000200u + (uint32_t)(i)) /* 192.0.2.i */
#define SERVER 0xc6336435u                       /* 198.51.100.53 */

static void udp_query(cap_t *c, uint64_t ts_us, uint32_t src, uint16_t id, const char *name,
		      uint16_t qtype)
{
	uint8_t pkt[1600];
	size_t dn = dns_query(pkt + 28, id, name, qtype);
	size_t ul = 8 + dn;
	ip4(pkt, src, SERVER, 17, id, 0, ul);
	uint8_t *u = pkt + 20;
	u[0] = 0x9c;
	u[1] = 0x40; /* 40000 */
	u[2] = 0;
	u[3] = 53;
	u[4] = (uint8_t)(ul >> 8);
	u[5] = (uint8_t)ul;
	u[6] = u[7] = 0;
	cap_record(c, ts_us, pkt, 20 + ul);
}

/* One TCP segment from client i (port 40000 + i) to the server's port 53. */
static void tcp_seg(cap_t *c, uint64_t ts_us, unsigned i, uint32_t seq, uint8_t flags,
		    const uint8_t *data, size_t n)
{
	uint8_t pkt[1600];
	ck_assert_uint_le(n, sizeof pkt - 40);
	ip4(pkt, CLIENT(i), SERVER, 6, (uint16_t)seq, 0, 20 + n);
	uint8_t *t = pkt + 20;
	memset(t, 0, 20);
	uint16_t sport = (uint16_t)(40000 + i);
	t[0] = (uint8_t)(sport >> 8);
	t[1] = (uint8_t)sport;
	t[3] = 53;
	t[4] = (uint8_t)(seq >> 24);
	t[5] = (uint8_t)(seq >> 16);
	t[6] = (uint8_t)(seq >> 8);
	t[7] = (uint8_t)seq;
	t[12] = 0x50;
	t[13] = flags;
	t[14] = 0xff;
	t[15] = 0xff;
	if (n)
		memcpy(t + 20, data, n);
	cap_record(c, ts_us, pkt, 40 + n);
}

/* One IPv4 fragment of UDP datagram id from client i: off in bytes. */
static void frag(cap_t *c, uint64_t ts_us, unsigned i, uint16_t id, unsigned off, bool more,
		 const uint8_t *data, size_t n)
{
	uint8_t pkt[1600];
	ip4(pkt, CLIENT(i), SERVER, 17, id, (uint16_t)((more ? 0x2000 : 0) | (off / 8)), n);
	memcpy(pkt + 20, data, n);
	cap_record(c, ts_us, pkt, 20 + n);
}

/* ---- scanning ------------------------------------------------------------ */

static dnsts_scanner_t *scan(const dnsts_options_t *opt, cap_t *c)
{
	char err[256];
	dnsts_scanner_t *s = dnsts_scanner_new(opt, err, sizeof err);
	ck_assert_msg(s != NULL, "%s", err);
	FILE *fp = fmemopen(c->buf, c->len, "r");
	ck_assert_ptr_nonnull(fp);
	ck_assert_int_eq(dnsts_scan_stream(s, fp, "bounds.pcap", false), DNSTS_OK);
	fclose(fp);
	return s;
}

/* The same capture with default limits: the counter stays at zero, so the
 * limit under test (not the traffic itself) is what moved it. */
#define CONTROL(c, field)                                                   \
	do {                                                                \
		dnsts_options_t def_;                                       \
		dnsts_options_init(&def_);                                  \
		dnsts_scanner_t *s_ = scan(&def_, (c));                     \
		dnsts_scanner_finish(s_);                                   \
		ck_assert_uint_eq(dnsts_scanner_stats(s_)->field, 0);       \
		dnsts_scanner_free(s_);                                     \
	} while (0)

static void check_identity(const dnsts_stats_t *st)
{
	ck_assert_uint_eq(st->packets, st->udp_dns + st->tcp_dns + st->ip_fragments +
						st->truncated_packets + st->non_dns_packets +
						st->unsupported_packets + st->filtered_packets +
						st->duplicate_packets);
}

/* A DNS-over-TCP message of 'len' bytes announced by its length prefix, of
 * which only the first n bytes are in buf (zeroes and a valid-looking header). */
static size_t tcp_prefix(uint8_t *buf, size_t n, uint16_t len)
{
	memset(buf, 'a', n);
	buf[0] = (uint8_t)(len >> 8);
	buf[1] = (uint8_t)len;
	return n;
}

/* ---- TCP ----------------------------------------------------------------- */

START_TEST(tcp_max_streams)
{
	dnsts_options_t opt;
	dnsts_options_init(&opt);
	opt.max_tcp_streams = 4;
	cap_t c;
	cap_open(&c);
	uint8_t buf[100];
	uint64_t t = 1700000000000000ull;
	/* 20 connections, each with the start of a message that never completes */
	for (unsigned i = 0; i < 20; i++) {
		tcp_seg(&c, t++, i + 1, 1000, 0x02, NULL, 0);
		tcp_seg(&c, t++, i + 1, 1001, 0x18, buf, tcp_prefix(buf, 60, 500));
	}
	/* then a UDP query: still analysed */
	udp_query(&c, t++, CLIENT(200), 7, "www.example.com", 1);
	cap_close(&c);
	dnsts_scanner_t *s = scan(&opt, &c);
	const dnsts_stats_t *st = dnsts_scanner_stats(s);
	ck_assert_uint_eq(st->tcp_dns, 40);
	ck_assert_uint_eq(st->tcp_streams, 20);
	ck_assert_uint_ge(st->tcp_evicted_streams, 16);
	ck_assert_uint_eq(st->udp_dns, 1);
	ck_assert_uint_eq(st->dns_messages, 1);
	check_identity(st);
	dnsts_scanner_free(s);
	CONTROL(&c, tcp_evicted_streams);
	cap_free(&c);
}
END_TEST

START_TEST(tcp_max_stream_bytes)
{
	dnsts_options_t opt;
	dnsts_options_init(&opt);
	opt.max_tcp_stream_bytes = 2048;
	cap_t c;
	cap_open(&c);
	uint8_t buf[1000];
	uint64_t t = 1700000000000000ull;
	tcp_seg(&c, t++, 1, 1000, 0x02, NULL, 0);
	/* a message announced as 60000 bytes, sent in 1000-byte segments: the
	 * stream would have to hold all of it */
	uint32_t seq = 1001;
	for (int k = 0; k < 10; k++) {
		size_t n = k == 0 ? tcp_prefix(buf, sizeof buf, 60000) : sizeof buf;
		if (k)
			memset(buf, 'b', sizeof buf);
		tcp_seg(&c, t++, 1, seq, 0x10, buf, n);
		seq += (uint32_t)n;
	}
	/* a second connection with a complete query: still delivered */
	uint8_t q[300];
	size_t qn = dns_query(q + 2, 9, "ns1.example.org", 1);
	q[0] = (uint8_t)(qn >> 8);
	q[1] = (uint8_t)qn;
	tcp_seg(&c, t++, 2, 5000, 0x02, NULL, 0);
	tcp_seg(&c, t++, 2, 5001, 0x18, q, qn + 2);
	cap_close(&c);
	dnsts_scanner_t *s = scan(&opt, &c);
	const dnsts_stats_t *st = dnsts_scanner_stats(s);
	ck_assert_uint_gt(st->tcp_dropped_bytes, 0);
	/* at least what did not fit in 2048 bytes was dropped */
	ck_assert_uint_ge(st->tcp_dropped_bytes, 10000 - 2048);
	ck_assert_uint_eq(st->dns_messages, 1);
	ck_assert_uint_eq(st->dns_queries, 1);
	check_identity(st);
	dnsts_scanner_free(s);
	CONTROL(&c, tcp_dropped_bytes);
	cap_free(&c);
}
END_TEST

START_TEST(tcp_max_total_bytes)
{
	dnsts_options_t opt;
	dnsts_options_init(&opt);
	opt.max_tcp_total_bytes = 3000;
	cap_t c;
	cap_open(&c);
	uint8_t buf[1000];
	uint64_t t = 1700000000000000ull;
	/* 8 connections each holding 1000 bytes of an unfinished message:
	 * 8000 bytes wanted, 3000 allowed in total */
	for (unsigned i = 0; i < 8; i++) {
		tcp_seg(&c, t++, i + 1, 1000, 0x02, NULL, 0);
		tcp_seg(&c, t++, i + 1, 1001, 0x10, buf, tcp_prefix(buf, sizeof buf, 4000));
	}
	udp_query(&c, t++, CLIENT(200), 7, "www.example.com", 1);
	cap_close(&c);
	dnsts_scanner_t *s = scan(&opt, &c);
	const dnsts_stats_t *st = dnsts_scanner_stats(s);
	/* the total cap is met by dropping bytes or evicting whole streams,
	 * both counted */
	ck_assert_uint_gt(st->tcp_dropped_bytes + st->tcp_evicted_streams, 0);
	ck_assert_uint_ge(st->tcp_dropped_bytes, 8000 - 3000);
	ck_assert_uint_eq(st->dns_messages, 1);
	check_identity(st);
	dnsts_scanner_free(s);
	CONTROL(&c, tcp_dropped_bytes);
	cap_free(&c);
}
END_TEST

/* ---- fragments ----------------------------------------------------------- */

START_TEST(frag_max_trackers)
{
	dnsts_options_t opt;
	dnsts_options_init(&opt);
	opt.max_frag_trackers = 4;
	cap_t c;
	cap_open(&c);
	uint8_t data[64];
	memset(data, 'x', sizeof data);
	uint64_t t = 1700000000000000ull;
	/* 20 datagrams whose last fragment never comes */
	for (unsigned i = 0; i < 20; i++)
		frag(&c, t++, 1, (uint16_t)(100 + i), 0, true, data, sizeof data);
	udp_query(&c, t++, CLIENT(200), 7, "www.example.com", 1);
	cap_close(&c);
	dnsts_scanner_t *s = scan(&opt, &c);
	const dnsts_stats_t *st = dnsts_scanner_stats(s);
	ck_assert_uint_eq(st->ip_fragments, 20);
	/* 16 trackers gave way to newer ones: their fragments are lost */
	ck_assert_uint_ge(st->frag_dropped, 16);
	ck_assert_uint_eq(st->dns_messages, 1);
	check_identity(st);
	dnsts_scanner_free(s);
	CONTROL(&c, frag_dropped);
	cap_free(&c);
}
END_TEST

START_TEST(frag_max_bytes)
{
	dnsts_options_t opt;
	dnsts_options_init(&opt);
	opt.max_frag_bytes = 1000;
	cap_t c;
	cap_open(&c);
	uint8_t data[1200];
	memset(data, 'x', sizeof data);
	uint64_t t = 1700000000000000ull;
	/* one first fragment larger than the whole budget */
	frag(&c, t++, 1, 100, 0, true, data, sizeof data);
	/* then one complete fragmented query that fits: still reassembled */
	uint8_t d[600];
	size_t dn = dns_query(d + 8, 5, "mail.example.net", 1);
	size_t ul = 8 + dn;
	memset(d, 0, 8);
	d[0] = 0x9c;
	d[1] = 0x41;
	d[3] = 53;
	d[4] = (uint8_t)(ul >> 8);
	d[5] = (uint8_t)ul;
	frag(&c, t++, 2, 200, 0, true, d, 16);
	frag(&c, t++, 2, 200, 16, false, d + 16, ul - 16);
	cap_close(&c);
	dnsts_scanner_t *s = scan(&opt, &c);
	const dnsts_stats_t *st = dnsts_scanner_stats(s);
	ck_assert_uint_eq(st->frag_dropped, 1);
	ck_assert_uint_eq(st->reassembled_datagrams, 1);
	ck_assert_uint_eq(st->dns_messages, 1);
	check_identity(st);
	dnsts_scanner_free(s);
	CONTROL(&c, frag_dropped);
	cap_free(&c);
}
END_TEST

START_TEST(frag_timeout)
{
	dnsts_options_t opt;
	dnsts_options_init(&opt);
	cap_t c;
	cap_open(&c);
	uint8_t data[64];
	memset(data, 'x', sizeof data);
	uint64_t t = 1700000000000000ull;
	frag(&c, t, 1, 100, 0, true, data, sizeof data);
	/* two minutes later (the timeout is 60 s of packet time) another
	 * datagram starts: the first one has expired */
	t += 120000000ull;
	frag(&c, t, 1, 101, 0, true, data, sizeof data);
	/* its end arrives late too: expired, it does not complete */
	t += 120000000ull;
	frag(&c, t, 1, 100, 64, false, data, sizeof data);
	cap_close(&c);
	dnsts_scanner_t *s = scan(&opt, &c);
	const dnsts_stats_t *st = dnsts_scanner_stats(s);
	ck_assert_uint_ge(st->frag_timeouts, 2);
	ck_assert_uint_eq(st->reassembled_datagrams, 0);
	check_identity(st);
	dnsts_scanner_free(s);
	cap_free(&c);
}
END_TEST

/* ---- detection ----------------------------------------------------------- */

/* Reported findings of s as JSON (the whole report document). */
static json_t *report_json(dnsts_scanner_t *s)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&buf, &len);
	ck_assert_ptr_nonnull(out);
	ck_assert_int_eq(dnsts_report_write(s, out, DNSTS_REPORT_JSON, NULL), DNSTS_OK);
	fclose(out);
	json_error_t err;
	json_t *doc = json_loadb(buf, len, 0, &err);
	ck_assert_msg(doc != NULL, "report is not JSON: %s", err.text);
	free(buf);
	return doc;
}

static json_t *find_finding(json_t *doc, const char *domain)
{
	json_t *fs = json_object_get(doc, "findings");
	ck_assert(json_is_array(fs));
	size_t i;
	json_t *f;
	json_array_foreach(fs, i, f) {
		const char *d = json_string_value(json_object_get(f, "domain"));
		if (d && strcmp(d, domain) == 0)
			return f;
	}
	return NULL;
}

/* A tunnel-like name: 'len' characters of base32 text in labels of up to
 * 60 under base. */
static void tunnel_name(char *out, size_t cap, unsigned seq, size_t len, const char *base)
{
	static const char b32[] = "abcdefghijklmnopqrstuvwxyz234567";
	uint64_t x = 0x9e3779b97f4a7c15ull * (seq + 1);
	size_t o = 0;
	for (size_t k = 0; k < len && o + 2 < cap; k++) {
		if (k && k % 60 == 0)
			out[o++] = '.';
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		out[o++] = b32[x & 31];
	}
	snprintf(out + o, cap - o, ".%s", base);
}

START_TEST(max_domains_keeps_suspicious)
{
	dnsts_options_t opt;
	dnsts_options_init(&opt);
	opt.max_domains = 16;
	opt.report_all = true;
	opt.min_score = 0;
	cap_t c;
	cap_open(&c);
	uint64_t t = 1700000000000000ull;
	char name[300];
	/* a tunnel first: 300 long unique TXT queries from one client */
	for (unsigned k = 0; k < 300; k++) {
		tunnel_name(name, sizeof name, k, 120, "tunnel-bounds-test.com");
		udp_query(&c, t += 1000, CLIENT(1), (uint16_t)k, name, 16);
	}
	/* then 500 benign base domains, one query each */
	for (unsigned k = 0; k < 500; k++) {
		snprintf(name, sizeof name, "www.site%u.com", k);
		udp_query(&c, t += 1000, CLIENT(2), (uint16_t)k, name, 1);
	}
	cap_close(&c);
	dnsts_scanner_t *s = scan(&opt, &c);
	dnsts_scanner_finish(s);
	const dnsts_stats_t *st = dnsts_scanner_stats(s);
	ck_assert_uint_eq(st->dns_queries, 800);
	ck_assert_uint_eq(st->base_domains, 501);
	/* at most 16 records live: the rest were evicted or only counted */
	ck_assert_uint_le(st->tracked_domains - st->evicted_domains, 16);
	ck_assert_uint_ge(st->evicted_domains + (st->base_domains - st->tracked_domains), 501 - 16);
	json_t *doc = report_json(s);
	size_t nf = json_array_size(json_object_get(doc, "findings"));
	ck_assert_uint_le(nf, 16);
	ck_assert_msg(find_finding(doc, "tunnel-bounds-test.com") != NULL,
		      "the tunnel was evicted by benign domains");
	json_decref(doc);
	dnsts_scanner_free(s);
	CONTROL(&c, evicted_domains);
	/* under the default limits every one of these domains is tracked */
	dnsts_options_t def;
	dnsts_options_init(&def);
	s = scan(&def, &c);
	dnsts_scanner_finish(s);
	ck_assert_uint_eq(dnsts_scanner_stats(s)->tracked_domains, 501);
	dnsts_scanner_free(s);
	cap_free(&c);
}
END_TEST

START_TEST(max_clients_per_domain)
{
	dnsts_options_t opt;
	dnsts_options_init(&opt);
	opt.max_clients_per_domain = 4;
	opt.report_all = true;
	opt.min_score = 0;
	cap_t c;
	cap_open(&c);
	uint64_t t = 1700000000000000ull;
	char name[300];
	for (unsigned k = 0; k < 200; k++) {
		tunnel_name(name, sizeof name, k, 50, "clients-bounds-test.com");
		udp_query(&c, t += 1000, CLIENT(1 + k % 20), (uint16_t)k, name, 16);
	}
	cap_close(&c);
	dnsts_scanner_t *s = scan(&opt, &c);
	dnsts_scanner_finish(s);
	const dnsts_stats_t *st = dnsts_scanner_stats(s);
	ck_assert_uint_eq(st->dns_queries, 200);
	ck_assert_uint_gt(st->evicted_clients, 0);
	json_t *doc = report_json(s);
	json_t *f = find_finding(doc, "clients-bounds-test.com");
	ck_assert_ptr_nonnull(f);
	json_t *cl = json_object_get(f, "clients");
	if (json_is_array(cl))
		ck_assert_uint_le(json_array_size(cl), 4);
	json_decref(doc);
	dnsts_scanner_free(s);
	CONTROL(&c, evicted_clients);
	cap_free(&c);
}
END_TEST

/* Every "sample_queries" array under v: at most 'most' strings of at most
 * 'maxlen' characters each.  Returns how many arrays were seen. */
static int check_samples(json_t *v, size_t most, size_t maxlen)
{
	int seen = 0;
	if (json_is_object(v)) {
		const char *k;
		json_t *x;
		json_object_foreach(v, k, x) {
			if (strcmp(k, "sample_queries") == 0 && json_is_array(x)) {
				seen++;
				ck_assert_uint_ge(json_array_size(x), 1);
				ck_assert_uint_le(json_array_size(x), most);
				size_t i;
				json_t *e;
				json_array_foreach(x, i, e)
					ck_assert_uint_le(strlen(json_string_value(e)), maxlen);
			} else {
				seen += check_samples(x, most, maxlen);
			}
		}
	} else if (json_is_array(v)) {
		size_t i;
		json_t *x;
		json_array_foreach(v, i, x)
			seen += check_samples(x, most, maxlen);
	}
	return seen;
}

START_TEST(evidence_samples_bounded)
{
	dnsts_options_t opt;
	dnsts_options_init(&opt);
	opt.report_all = true;
	opt.min_score = 0;
	cap_t c;
	cap_open(&c);
	uint64_t t = 1700000000000000ull;
	char name[300];
	/* 2000 maximal queries (names near 253 characters) */
	for (unsigned k = 0; k < 2000; k++) {
		tunnel_name(name, sizeof name, k, 220, "samples-bounds-test.com");
		udp_query(&c, t += 1000, CLIENT(1), (uint16_t)k, name, 16);
	}
	cap_close(&c);
	dnsts_scanner_t *s = scan(&opt, &c);
	dnsts_scanner_finish(s);
	json_t *doc = report_json(s);
	json_t *f = find_finding(doc, "samples-bounds-test.com");
	ck_assert_ptr_nonnull(f);
	/* a handful of names, each at most a DNS name long (escapes aside) */
	ck_assert_int_ge(check_samples(f, 8, 4 * 255), 1);
	char *text = json_dumps(f, JSON_COMPACT);
	ck_assert_ptr_nonnull(text);
	ck_assert_uint_lt(strlen(text), 64 * 1024); /* one finding stays small */
	free(text);
	json_decref(doc);
	dnsts_scanner_free(s);
	cap_free(&c);
}
END_TEST

static Suite *bounds_suite(void)
{
	Suite *s = suite_create("bounds");
	TCase *tc = tcase_create("limits");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, tcp_max_streams);
	tcase_add_test(tc, tcp_max_stream_bytes);
	tcase_add_test(tc, tcp_max_total_bytes);
	tcase_add_test(tc, frag_max_trackers);
	tcase_add_test(tc, frag_max_bytes);
	tcase_add_test(tc, frag_timeout);
	tcase_add_test(tc, max_domains_keeps_suspicious);
	tcase_add_test(tc, max_clients_per_domain);
	tcase_add_test(tc, evidence_samples_bounded);
	suite_add_tcase(s, tc);
	return s;
}

DNSTS_CHECK_MAIN(bounds_suite)
