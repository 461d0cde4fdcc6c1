/*
 * test_dnslog.c - the DNS log writer (--messages) on messages built here,
 * byte by byte.  Every line is parsed back with jansson; addresses are
 * compared with glibc's inet_ntop (the text the log had when it went
 * through ip_addr_str), names with dns_name_to_str (checked against tshark
 * in test_dns_wire) and with strings written out by hand.
 */
#include <arpa/inet.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <dnsts/dnsts.h>

#include "check_util.h"
#include "dns_wire.h"
#include "dnslog.h"

/* ---- message builder ------------------------------------------------------ */

typedef struct mb {
	uint8_t b[4096];
	size_t n;
} mb_t;

static void mb_u8(mb_t *m, unsigned v)
{
	ck_assert_uint_lt(m->n, sizeof m->b);
	m->b[m->n++] = (uint8_t)v;
}

static void mb_u16(mb_t *m, unsigned v)
{
	mb_u8(m, v >> 8);
	mb_u8(m, v & 255);
}

static void mb_u32(mb_t *m, uint32_t v)
{
	mb_u16(m, v >> 16);
	mb_u16(m, v & 0xffff);
}

static void mb_bytes(mb_t *m, const void *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		mb_u8(m, ((const uint8_t *)p)[i]);
}

/* labels given as (length, bytes) pairs, ending with the root */
static void mb_label(mb_t *m, const char *s, size_t n)
{
	mb_u8(m, (unsigned)n);
	mb_bytes(m, s, n);
}

static void mb_header(mb_t *m, unsigned id, unsigned flags, unsigned qd, unsigned an,
		      unsigned ns, unsigned ar)
{
	m->n = 0;
	mb_u16(m, id);
	mb_u16(m, flags);
	mb_u16(m, qd);
	mb_u16(m, an);
	mb_u16(m, ns);
	mb_u16(m, ar);
}

/* ---- writing and reading back ---------------------------------------------- */

typedef struct line {
	char *text;
	size_t len;
	json_t *j;
} line_t;

static void line_free(line_t *l)
{
	json_decref(l->j);
	free(l->text);
}

/* One message through the log; exactly one line, parsed. */
static line_t log_one(const uint8_t *wire, size_t len, const ip_addr_t *src,
		      const ip_addr_t *dst, uint8_t transport)
{
	line_t out = {0};
	FILE *f = open_memstream(&out.text, &out.len);
	ck_assert_ptr_nonnull(f);
	dnslog_t *l = dnslog_new(f);
	ck_assert_ptr_nonnull(l);
	dns_msg_t m;
	ck_assert_int_eq(dns_msg_parse(&m, wire, len), 0);
	dnslog_write(l, 1700000000123456789ull, src, 5353, dst, 53, transport, 0, &m, "in\"put.pcap");
	ck_assert_int_eq(dnslog_flush(l), 0);
	dnslog_free(l);
	fclose(f);
	ck_assert_uint_gt(out.len, 0);
	ck_assert_int_eq(out.text[out.len - 1], '\n');
	ck_assert_ptr_null(memchr(out.text, '\n', out.len - 1));
	json_error_t err;
	out.j = json_loadb(out.text, out.len, 0, &err);
	ck_assert_msg(out.j != NULL, "not JSON (%s): %s", err.text, out.text);
	return out;
}

static const char *jstr(json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);
	ck_assert_msg(json_is_string(v), "%s is not a string", key);
	return json_string_value(v);
}

static ip_addr_t v4(uint8_t a, uint8_t b, uint8_t c, uint8_t d)
{
	ip_addr_t ip = {.v = 4, .a = {a, b, c, d}};
	return ip;
}

/* A small query: "a.example", type A, class IN. */
static size_t small_query(mb_t *m)
{
	mb_header(m, 0x1234, 0x0100, 1, 0, 0, 0);
	mb_label(m, "a", 1);
	mb_label(m, "example", 7);
	mb_u8(m, 0);
	mb_u16(m, 1);
	mb_u16(m, 1);
	return m->n;
}

/* ---- tests ----------------------------------------------------------------- */

/* The whole line of a plain query, written out by hand from SPEC.md's key
 * list: 1700000000 s is 2023-11-14T22:13:20Z. */
START_TEST(test_line_exact)
{
	mb_t m;
	size_t n = small_query(&m);
	ip_addr_t s = v4(192, 0, 2, 1), d = v4(10, 0, 0, 53);
	line_t l = log_one(m.b, n, &s, &d, 17);
	const char *want =
		"{\"ts\":\"2023-11-14T22:13:20.123456Z\",\"src\":\"192.0.2.1\",\"sport\":5353,"
		"\"dst\":\"10.0.0.53\",\"dport\":53,\"transport\":\"udp\",\"id\":4660,\"qr\":false,"
		"\"opcode\":\"QUERY\",\"rcode\":\"NOERROR\",\"flags\":[\"rd\"],\"qname\":\"a.example\","
		"\"qtype\":\"A\",\"qclass\":\"IN\",\"answers\":[],\"size\":27,"
		/* Community ID v1 of 10.0.0.53:53 <-> 192.0.2.1:5353/udp, seed 0 */
		"\"community_id\":\"1:NTVK6vyo501vt+tCmJn0qp6YUxc=\","
		"\"input\":\"in\\\"put.pcap\"}\n";
	ck_assert_str_eq(l.text, want);
	line_free(&l);
}
END_TEST

/* Addresses: the text inet_ntop gives, for edge cases of zero runs and
 * embedded IPv4 and for random addresses with many zero groups. */
START_TEST(test_addresses_match_inet_ntop)
{
	static const char *const fixed[] = {
		"::", "::1", "::2", "1::", "::ffff:1.2.3.4", "::1.2.3.4", "::0.0.1.0",
		"::ffff:0:1.2.3.4", "0:0:1::", "1:0:0:1:0:0:0:1", "1:0:0:1::1",
		"2001:db8::", "2001:db8::1:0:0:1", "fe80::1:2:3:4", "1:2:3:4:5:6:7:8",
		"1:2:3:4:5:6:7::", "::2:3:4:5:6:7:8", "0:1:0:1:0:1:0:1", "ffff::",
		"64:ff9b::192.0.2.1", "::ffff:ffff:ffff",
	};
	mb_t m;
	size_t n = small_query(&m);
	unsigned seed = 12345;
	for (size_t k = 0; k < 2000 + sizeof fixed / sizeof fixed[0]; k++) {
		ip_addr_t s = {.v = 6}, d = v4(0, 0, 0, 0);
		if (k < sizeof fixed / sizeof fixed[0]) {
			ck_assert_int_eq(inet_pton(AF_INET6, fixed[k], s.a), 1);
		} else {
			for (int g = 0; g < 8; g++) {
				seed = seed * 1103515245u + 12345u;
				unsigned r = seed >> 8;
				unsigned v = r % 3 ? 0 : (r >> 4) & (r & 8 ? 0xffff : 0xff);
				s.a[2 * g] = (uint8_t)(v >> 8);
				s.a[2 * g + 1] = (uint8_t)v;
			}
		}
		if (k % 7 == 0)
			d = v4((uint8_t)k, (uint8_t)(k * 7), (uint8_t)(k * 13), (uint8_t)(k >> 3));
		char want_s[64], want_d[64];
		ck_assert_ptr_nonnull(inet_ntop(AF_INET6, s.a, want_s, sizeof want_s));
		ck_assert_ptr_nonnull(inet_ntop(AF_INET, d.a, want_d, sizeof want_d));
		line_t l = log_one(m.b, n, &s, &d, 6);
		ck_assert_str_eq(jstr(l.j, "src"), want_s);
		ck_assert_str_eq(jstr(l.j, "dst"), want_d);
		ck_assert_str_eq(jstr(l.j, "transport"), "tcp");
		line_free(&l);
	}
}
END_TEST

/* Names with every kind of octet; owners by pointer to the question, by
 * pointer elsewhere and in full; A, AAAA, CNAME, TXT and OPT data. */
START_TEST(test_names_and_records)
{
	static const char lab1[] = {'q', '"', '\\', '.', ' ', 0x00, 0x7f, (char)0xff, 'z'};
	mb_t m;
	mb_header(&m, 7, 0x8180, 1, 4, 0, 1);
	mb_label(&m, lab1, sizeof lab1);
	mb_label(&m, "ex", 2);
	mb_u8(&m, 0);
	mb_u16(&m, 28);
	mb_u16(&m, 1);
	/* answer 1: owner -> question name, AAAA */
	mb_u16(&m, 0xc00c);
	mb_u16(&m, 28);
	mb_u16(&m, 1);
	mb_u32(&m, 300);
	mb_u16(&m, 16);
	static const uint8_t a6[16] = {0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
	mb_bytes(&m, a6, 16);
	/* answer 2: owner in full "w.x", CNAME -> pointer to "ex" */
	size_t w_at = m.n;
	mb_label(&m, "w", 1);
	mb_label(&m, "x", 1);
	mb_u8(&m, 0);
	mb_u16(&m, 5);
	mb_u16(&m, 1);
	mb_u32(&m, 60);
	mb_u16(&m, 2);
	mb_u16(&m, 0xc000 | (12 + 1 + sizeof lab1));
	/* answer 3: owner -> "w.x" (not the question), A */
	mb_u16(&m, 0xc000 | (unsigned)w_at);
	mb_u16(&m, 1);
	mb_u16(&m, 1);
	mb_u32(&m, 4294967295u);
	mb_u16(&m, 4);
	mb_bytes(&m, "\xc0\x00\x02\x01", 4);
	/* answer 4: owner -> question, TXT with quote and backslash */
	mb_u16(&m, 0xc00c);
	mb_u16(&m, 16);
	mb_u16(&m, 3);
	mb_u32(&m, 0);
	mb_u16(&m, 5);
	mb_bytes(&m, "\x04" "a\"\\b", 5);
	/* additional: OPT, udp 1232, DO */
	mb_u8(&m, 0);
	mb_u16(&m, 41);
	mb_u16(&m, 1232);
	mb_u32(&m, 0x8000);
	mb_u16(&m, 0);

	ip_addr_t s = v4(10, 0, 0, 53), d = v4(10, 1, 2, 3);
	line_t l = log_one(m.b, m.n, &s, &d, 17);

	/* the question's name, against dns_name_to_str */
	dns_msg_t msg;
	ck_assert_int_eq(dns_msg_parse(&msg, m.b, m.n), 0);
	char qn[DNS_NAME_STRLEN];
	dns_name_to_str(&msg.qname, qn, sizeof qn);
	ck_assert_str_eq(qn, "q\"\\\\\\.\\032\\000\\127\\255z.ex");
	ck_assert_str_eq(jstr(l.j, "qname"), qn);
	ck_assert_str_eq(jstr(l.j, "qtype"), "AAAA");

	json_t *an = json_object_get(l.j, "answers");
	ck_assert_uint_eq(json_array_size(an), 4);
	json_t *r0 = json_array_get(an, 0), *r1 = json_array_get(an, 1);
	json_t *r2 = json_array_get(an, 2), *r3 = json_array_get(an, 3);
	ck_assert_str_eq(jstr(r0, "name"), qn);
	ck_assert_str_eq(jstr(r0, "data"), "2001:db8::1");
	ck_assert_int_eq(json_integer_value(json_object_get(r0, "ttl")), 300);
	ck_assert_str_eq(jstr(r1, "name"), "w.x");
	ck_assert_str_eq(jstr(r1, "type"), "CNAME");
	ck_assert_str_eq(jstr(r1, "data"), "ex");
	ck_assert_str_eq(jstr(r2, "name"), "w.x");
	ck_assert_str_eq(jstr(r2, "data"), "192.0.2.1");
	ck_assert_int_eq(json_integer_value(json_object_get(r2, "ttl")), 4294967295ll);
	ck_assert_str_eq(jstr(r3, "name"), qn);
	ck_assert_str_eq(jstr(r3, "class"), "CH");
	ck_assert_str_eq(jstr(r3, "data"), "\"a\\\"\\\\b\"");
	ck_assert_ptr_null(json_object_get(r3, "malformed"));

	json_t *ad = json_object_get(l.j, "additional");
	ck_assert_uint_eq(json_array_size(ad), 1);
	json_t *opt = json_array_get(ad, 0);
	ck_assert_str_eq(jstr(opt, "name"), ".");
	ck_assert_ptr_null(json_object_get(opt, "class"));
	ck_assert_str_eq(jstr(opt, "data"), "udp=1232 version=0 do=1 ext-rcode=0 options=[]");
	json_t *edns = json_object_get(l.j, "edns");
	ck_assert_int_eq(json_integer_value(json_object_get(edns, "udp_size")), 1232);
	ck_assert(json_is_true(json_object_get(edns, "do")));
	ck_assert_ptr_null(json_object_get(l.j, "authority"));
	/* the NUL octet in the question's label */
	json_t *anom = json_object_get(l.j, "anomalies");
	ck_assert_uint_eq(json_array_size(anom), 1);
	ck_assert_str_eq(json_string_value(json_array_get(anom, 0)), "nul_in_name");
	ck_assert_str_eq(jstr(l.j, "rcode"), "NOERROR");
	ck_assert_int_eq(json_integer_value(json_object_get(l.j, "size")), (json_int_t)m.n);
	line_free(&l);
}
END_TEST

/* Anomalies found while the records are written reach the line: a bad
 * RDATA length, trailing bytes, a second question, an OPT whose owner is
 * not the root (a pointer to the question) and its extended RCODE. */
START_TEST(test_anomalies_from_the_single_pass)
{
	mb_t m;
	mb_header(&m, 9, 0x8003, 2, 1, 1, 1);
	mb_label(&m, "a", 1);
	mb_u8(&m, 0);
	mb_u16(&m, 1);
	mb_u16(&m, 1);
	mb_label(&m, "b", 1);
	mb_u8(&m, 0);
	mb_u16(&m, 16);
	mb_u16(&m, 1);
	/* answer: MX with a cut name */
	mb_u16(&m, 0xc00c);
	mb_u16(&m, 15);
	mb_u16(&m, 1);
	mb_u32(&m, 1);
	mb_u16(&m, 3);
	mb_bytes(&m, "\x00\x0a\x05", 3);
	/* authority: SOA-less NS */
	mb_u16(&m, 0xc00c);
	mb_u16(&m, 2);
	mb_u16(&m, 1);
	mb_u32(&m, 1);
	mb_u16(&m, 2);
	mb_u16(&m, 0xc00c);
	/* additional: OPT owned by the question's name, ext-rcode 1 */
	mb_u16(&m, 0xc00c);
	mb_u16(&m, 41);
	mb_u16(&m, 512);
	mb_u32(&m, 0x01000000);
	mb_u16(&m, 0);
	mb_u8(&m, 0xaa); /* trailing */

	ip_addr_t s = v4(1, 2, 3, 4);
	line_t l = log_one(m.b, m.n, &s, &s, 17);
	json_t *q = json_object_get(l.j, "questions");
	ck_assert_uint_eq(json_array_size(q), 2);
	ck_assert_str_eq(jstr(json_array_get(q, 1), "qname"), "b");
	ck_assert_str_eq(jstr(json_array_get(q, 1), "qtype"), "TXT");
	json_t *r0 = json_array_get(json_object_get(l.j, "answers"), 0);
	ck_assert(json_is_true(json_object_get(r0, "malformed")));
	ck_assert_str_eq(jstr(r0, "data"), "\\# 3 000A05");
	ck_assert_str_eq(jstr(json_array_get(json_object_get(l.j, "authority"), 0), "data"), "a");
	/* the OPT is flagged and not used for EDNS; the RCODE stays 3 */
	ck_assert_ptr_null(json_object_get(l.j, "edns"));
	ck_assert_str_eq(jstr(l.j, "rcode"), "NXDOMAIN");
	json_t *anom = json_object_get(l.j, "anomalies");
	const char *want[] = {"rdlength_mismatch", "trailing_bytes", "multiple_questions",
			      "bad_opt"};
	ck_assert_uint_eq(json_array_size(anom), 4);
	for (size_t i = 0; i < 4; i++)
		ck_assert_str_eq(json_string_value(json_array_get(anom, i)), want[i]);
	line_free(&l);

	/* the same OPT owned by the root, no trailing byte: EDNS, and the
	 * RCODE 1 << 4 | 3 (BADMODE, IANA "DNS RCODEs") */
	m.n -= 1 + 12;
	mb_u8(&m, 0);
	mb_u16(&m, 41);
	mb_u16(&m, 512);
	mb_u32(&m, 0x01000000);
	mb_u16(&m, 0);
	l = log_one(m.b, m.n, &s, &s, 17);
	ck_assert_str_eq(jstr(l.j, "rcode"), "BADMODE");
	anom = json_object_get(l.j, "anomalies");
	ck_assert_uint_eq(json_array_size(anom), 2);
	ck_assert_str_eq(json_string_value(json_array_get(anom, 0)), "rdlength_mismatch");
	ck_assert_str_eq(json_string_value(json_array_get(anom, 1)), "multiple_questions");
	ck_assert_ptr_nonnull(json_object_get(l.j, "edns"));
	line_free(&l);
}
END_TEST

/* Forward compression pointers are followed and flagged: the first
 * question points at the second's name, an answer's owner at the name in
 * its own RDATA; both names are written out. */
START_TEST(test_forward_pointers)
{
	mb_t m;
	mb_header(&m, 7, 0x8180, 2, 1, 0, 0);
	mb_u16(&m, 0xc012); /* @12 -> 18 */
	mb_u16(&m, 1);
	mb_u16(&m, 1);
	mb_label(&m, "fwd", 3); /* @18 */
	mb_label(&m, "example", 7);
	mb_u8(&m, 0);
	mb_u16(&m, 5);
	mb_u16(&m, 1);
	size_t at = m.n;
	mb_u16(&m, 0xc000 | (unsigned)(at + 12)); /* the owner: its RDATA */
	mb_u16(&m, 5);
	mb_u16(&m, 1);
	mb_u32(&m, 60);
	mb_u16(&m, 4);
	mb_label(&m, "t", 1);
	mb_u16(&m, 0xc012);

	ip_addr_t s = v4(1, 2, 3, 4);
	line_t l = log_one(m.b, m.n, &s, &s, 17);
	ck_assert_str_eq(jstr(l.j, "qname"), "fwd.example");
	json_t *q = json_object_get(l.j, "questions");
	ck_assert_uint_eq(json_array_size(q), 2);
	ck_assert_str_eq(jstr(json_array_get(q, 0), "qname"), "fwd.example");
	ck_assert_str_eq(jstr(json_array_get(q, 1), "qtype"), "CNAME");
	json_t *r0 = json_array_get(json_object_get(l.j, "answers"), 0);
	ck_assert_str_eq(jstr(r0, "name"), "t.fwd.example");
	ck_assert_str_eq(jstr(r0, "data"), "t.fwd.example");
	ck_assert_ptr_null(json_object_get(r0, "malformed"));
	json_t *anom = json_object_get(l.j, "anomalies");
	ck_assert_uint_eq(json_array_size(anom), 2);
	ck_assert_str_eq(json_string_value(json_array_get(anom, 0)), "multiple_questions");
	ck_assert_str_eq(json_string_value(json_array_get(anom, 1)), "forward_pointer");
	line_free(&l);
}
END_TEST

/* The iterator started after the question returns the same records as the
 * full walk minus the question, with the same anomalies, names copied or
 * not. */
START_TEST(test_iter_skip_question)
{
	mb_t m;
	mb_header(&m, 1, 0x8180, 1, 2, 0, 1);
	mb_label(&m, "www", 3);
	mb_label(&m, "ex", 2);
	mb_u8(&m, 0);
	mb_u16(&m, 1);
	mb_u16(&m, 1);
	for (int i = 0; i < 2; i++) {
		mb_u16(&m, 0xc00c);
		mb_u16(&m, 1);
		mb_u16(&m, 1);
		mb_u32(&m, 5);
		mb_u16(&m, 4);
		mb_u32(&m, 0x0a000001u + (unsigned)i);
	}
	mb_u16(&m, 0xc00c); /* OPT owned by a non-root name */
	mb_u16(&m, 41);
	mb_u16(&m, 1232);
	mb_u32(&m, 0);
	mb_u16(&m, 0);
	for (int no_names = 0; no_names < 2; no_names++) {
		dns_msg_t a, b;
		dns_rr_iter_t ia, ib;
		dns_rr_t ra, rb;
		ck_assert_int_eq(dns_msg_parse(&a, m.b, m.n), 0);
		ck_assert_int_eq(dns_msg_parse(&b, m.b, m.n), 0);
		dns_rr_iter_init(&ia, &a);
		dns_rr_iter_init(&ib, &b);
		ia.no_names = ib.no_names = no_names;
		dns_rr_iter_skip_question(&ib);
		ck_assert_int_eq(dns_rr_next(&ia, &ra), 1);
		ck_assert_int_eq(ra.section, DNS_SEC_QUESTION);
		int n = 0;
		for (;;) {
			int x = dns_rr_next(&ia, &ra), y = dns_rr_next(&ib, &rb);
			ck_assert_int_eq(x, y);
			if (x != 1)
				break;
			n++;
			ck_assert_int_eq(ra.section, rb.section);
			ck_assert_int_eq(ra.type, rb.type);
			ck_assert_uint_eq(ra.rdoff, rb.rdoff);
			ck_assert_uint_eq(ra.name.len, rb.name.len);
			ck_assert_mem_eq(ra.name.wire, rb.name.wire, ra.name.len);
			if (!no_names)
				ck_assert_uint_eq(ra.name.nlabels, 2);
		}
		ck_assert_int_eq(n, 3);
		ck_assert_uint_eq(a.anomalies, b.anomalies);
		ck_assert(a.anomalies & DNS_ANOM_BAD_OPT);
		ck_assert(!a.has_edns);
	}
}
END_TEST

/* Damaged copies of a message: every line is one JSON object whatever the
 * bytes (run it under ASan/UBSan too). */
START_TEST(test_damaged_messages)
{
	mb_t base;
	mb_header(&base, 2, 0x8180, 1, 2, 0, 1);
	mb_label(&base, "t\\x", 3);
	mb_label(&base, "ex", 2);
	mb_u8(&base, 0);
	mb_u16(&base, 16);
	mb_u16(&base, 1);
	mb_u16(&base, 0xc00c);
	mb_u16(&base, 16);
	mb_u16(&base, 1);
	mb_u32(&base, 5);
	mb_u16(&base, 7);
	mb_bytes(&base, "\x06" "a\"b\\c\x01", 7);
	mb_u16(&base, 0xc00c);
	mb_u16(&base, 5);
	mb_u16(&base, 1);
	mb_u32(&base, 5);
	mb_u16(&base, 2);
	mb_u16(&base, 0xc00c);
	mb_u8(&base, 0);
	mb_u16(&base, 41);
	mb_u16(&base, 4096);
	mb_u32(&base, 0);
	mb_u16(&base, 4);
	mb_bytes(&base, "\x00\x0a\x00\x00", 4);

	unsigned seed = 99;
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	dnslog_t *l = dnslog_new(f);
	ip_addr_t s = v4(1, 1, 1, 1);
	int lines = 0;
	for (int k = 0; k < 20000; k++) {
		mb_t m = base;
		int flips = 1 + k % 4;
		for (int i = 0; i < flips; i++) {
			seed = seed * 1103515245u + 12345u;
			size_t at = (seed >> 8) % m.n;
			seed = seed * 1103515245u + 12345u;
			m.b[at] = (uint8_t)(seed >> 16);
		}
		if (k % 5 == 0)
			m.n = (seed >> 4) % m.n;
		dns_msg_t msg;
		if (dns_msg_parse(&msg, m.b, m.n) != 0)
			continue;
		dnslog_write(l, (uint64_t)k * 1000000, &s, 1, &s, 53, 17, 0, &msg, "x");
		lines++;
	}
	ck_assert_int_eq(dnslog_flush(l), 0);
	dnslog_free(l);
	fclose(f);
	ck_assert_int_gt(lines, 5000);
	int seen = 0;
	for (char *p = text; p < text + len;) {
		char *e = memchr(p, '\n', (size_t)(text + len - p));
		ck_assert_ptr_nonnull(e);
		json_error_t err;
		json_t *j = json_loadb(p, (size_t)(e - p), 0, &err);
		ck_assert_msg(j != NULL, "line %d not JSON: %s", seen, err.text);
		ck_assert(json_is_integer(json_object_get(j, "size")));
		json_decref(j);
		seen++;
		p = e + 1;
	}
	ck_assert_int_eq(seen, lines);
	free(text);
}
END_TEST

static Suite *dnslog_suite(void)
{
	Suite *s = suite_create("dnslog");
	TCase *tc = tcase_create("core");
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_line_exact);
	tcase_add_test(tc, test_addresses_match_inet_ntop);
	tcase_add_test(tc, test_names_and_records);
	tcase_add_test(tc, test_anomalies_from_the_single_pass);
	tcase_add_test(tc, test_iter_skip_question);
	tcase_add_test(tc, test_forward_pointers);
	tcase_add_test(tc, test_damaged_messages);
	suite_add_tcase(s, tc);
	return s;
}

DNSTS_CHECK_MAIN(dnslog_suite)
