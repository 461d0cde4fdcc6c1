/*
 * test_dns_wire.c - the DNS message parser on the fixtures in testdata/dns
 * (each file says what it holds and why).  The expected presentation
 * strings were checked against tshark's dissector on the same bytes where
 * tshark decodes them (names, addresses, SOA/MX/SRV fields, NSEC types,
 * SVCB params, LOC, WKS ports); where the parser is deliberately stricter
 * than tshark (more than DNS_MAX_HOPS pointers) the fixture comment says
 * so.  Forward compression pointers are followed, as tshark does.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <dnsts/dnsts.h>
#include <pcap/pcap.h>

#include "check_util.h"
#include "dns_rdata.h"

#define MAXRR 64

typedef struct fx {
	uint8_t *buf;
	size_t len;
	dns_msg_t m;
	int prc;             /* dns_msg_parse's result */
	dns_rr_t rr[MAXRR];
	int n;               /* records the iterator returned */
	int last;            /* the iterator's last result (0 or DNSTS_EMALF) */
} fx_t;

static fx_t *fx_load(const char *file)
{
	fx_t *f = calloc(1, sizeof *f);
	char path[256];
	ck_assert_ptr_nonnull(f);
	snprintf(path, sizeof path, "dns/%s", file);
	f->buf = tu_read_hex_file(tu_testdata(path), &f->len);
	ck_assert_msg(f->buf != NULL, "cannot read %s", path);
	f->prc = dns_msg_parse(&f->m, f->buf, f->len);
	return f;
}

/* Iterate every record (the iterator alone, no dns_msg_parse_all). */
static void fx_iter(fx_t *f)
{
	dns_rr_iter_t it;
	int rc;
	dns_rr_iter_init(&it, &f->m);
	f->n = 0;
	while (f->n < MAXRR && (rc = dns_rr_next(&it, &f->rr[f->n])) == 1)
		f->n++;
	ck_assert_int_lt(f->n, MAXRR);
	f->last = rc;
	/* once finished, it stays finished */
	dns_rr_t tmp;
	ck_assert_int_eq(dns_rr_next(&it, &tmp), 0);
}

static void fx_free(fx_t *f)
{
	free(f->buf);
	free(f);
}

static const char *name_s(const dns_name_t *n)
{
	static char buf[DNS_NAME_STRLEN];
	dns_name_to_str(n, buf, sizeof buf);
	return buf;
}

static char rdbuf[70000];

/* RDATA of record i as a string; *rc gets dns_rdata_to_str's result */
static const char *rdata_s(fx_t *f, int i, int *rc)
{
	int r = dns_rdata_to_str(&f->m, &f->rr[i], rdbuf, sizeof rdbuf);
	if (rc)
		*rc = r;
	ck_assert_int_eq(dns_rdata_check(&f->m, &f->rr[i]), r < 0 ? DNSTS_EMALF : 0);
	if (r >= 0)
		ck_assert_uint_eq((size_t)r, strlen(rdbuf));
	return rdbuf;
}

static void check_rr(fx_t *f, int i, int section, const char *owner, uint16_t type,
		     const char *data)
{
	int rc;
	ck_assert_int_lt(i, f->n);
	ck_assert_int_eq(f->rr[i].section, section);
	ck_assert_str_eq(name_s(&f->rr[i].name), owner);
	ck_assert_uint_eq(f->rr[i].type, type);
	ck_assert_str_eq(rdata_s(f, i, &rc), data);
	ck_assert_int_ge(rc, 0);
}

/* ---- well-formed messages ------------------------------------------------ */

START_TEST(plain_query)
{
	fx_t *f = fx_load("query.hex");
	ck_assert_int_eq(f->prc, 0);
	ck_assert_uint_eq(f->m.id, 0x1234);
	ck_assert_uint_eq(f->m.flags, DNS_F_RD);
	ck_assert_uint_eq(f->m.qr, 0);
	ck_assert_uint_eq(f->m.opcode, 0);
	ck_assert_uint_eq(f->m.rcode, 0);
	ck_assert_uint_eq(f->m.count[0], 1);
	ck_assert_uint_eq(f->m.count[1] + f->m.count[2] + f->m.count[3], 0);
	ck_assert(f->m.has_question);
	ck_assert_str_eq(name_s(&f->m.qname), "www.example.com");
	ck_assert_uint_eq(f->m.qname.len, 17);
	ck_assert_uint_eq(f->m.qname.nlabels, 3);
	unsigned ll;
	const uint8_t *l = dns_name_label(&f->m.qname, 1, &ll);
	ck_assert_uint_eq(ll, 7);
	ck_assert(memcmp(l, "example", 7) == 0);
	ck_assert_uint_eq(f->m.qtype, 1);
	ck_assert_uint_eq(f->m.qclass, 1);
	ck_assert_uint_eq(f->m.rr_off, f->len);
	ck_assert_uint_eq(f->m.anomalies, 0);
	fx_iter(f);
	ck_assert_int_eq(f->n, 1);
	ck_assert_int_eq(f->last, 0);
	ck_assert_int_eq(f->rr[0].section, DNS_SEC_QUESTION);
	ck_assert_str_eq(name_s(&f->rr[0].name), "www.example.com");
	dns_msg_parse_all(&f->m);
	ck_assert_uint_eq(f->m.anomalies, 0);
	ck_assert(!f->m.has_edns);
	fx_free(f);
}
END_TEST

START_TEST(compressed_response)
{
	fx_t *f = fx_load("response.hex");
	char tmp[16];
	ck_assert_int_eq(f->prc, 0);
	ck_assert_uint_eq(f->m.id, 0xbeef);
	ck_assert_uint_eq(f->m.qr, 1);
	ck_assert_uint_eq(f->m.rcode, 7); /* before the OPT is met */
	ck_assert(!f->m.has_edns);
	dns_msg_parse_all(&f->m);
	ck_assert_uint_eq(f->m.anomalies, 0);
	ck_assert(f->m.has_edns);
	ck_assert_uint_eq(f->m.edns_udp_size, 1232);
	ck_assert_uint_eq(f->m.edns_version, 0);
	ck_assert(f->m.edns_do);
	ck_assert_uint_eq(f->m.rcode, 23);
	ck_assert_str_eq(dns_rcode_str(f->m.rcode, tmp), "BADCOOKIE");

	fx_iter(f);
	ck_assert_int_eq(f->last, 0);
	ck_assert_int_eq(f->n, 11);
	ck_assert_int_eq(f->rr[0].section, DNS_SEC_QUESTION);
	ck_assert_str_eq(name_s(&f->rr[0].name), "www.example.com");
	check_rr(f, 1, DNS_SEC_ANSWER, "www.example.com", 5, "web.example.com");
	ck_assert_uint_eq(f->rr[1].ttl, 300);
	ck_assert_uint_eq(f->rr[1].rdlen, 6);
	check_rr(f, 2, DNS_SEC_ANSWER, "web.example.com", 1, "192.0.2.1");
	check_rr(f, 3, DNS_SEC_ANSWER, "example.com", 15, "10 mail.example.com");
	check_rr(f, 4, DNS_SEC_ANSWER, "example.com", 16,
		 "\"hello world\" \"a\\\"b\\\\c\" \"\\000\\255\\127\"");
	check_rr(f, 5, DNS_SEC_ANSWER, "example.com", 6,
		 "ns1.example.com hostmaster.example.com 2024010101 7200 3600 1209600 300");
	check_rr(f, 6, DNS_SEC_ANSWER, "_sip._tcp.example.com", 33, "10 20 5060 sip.example.com");
	ck_assert_uint_eq(f->rr[6].ttl, 86400);
	check_rr(f, 7, DNS_SEC_ANSWER, "web.example.com", 28, "2001:db8::1");
	check_rr(f, 8, DNS_SEC_ANSWER, "t.example.com", 10, "\\# 4 00FF1080");
	check_rr(f, 9, DNS_SEC_ANSWER, "example.com", 65,
		 "1 . alpn=h2,h3 ipv4hint=192.0.2.1,192.0.2.2 ech=AEX+DQBB");
	check_rr(f, 10, DNS_SEC_ADDITIONAL, ".", 41,
		 "udp=1232 version=0 do=1 ext-rcode=1 options=[COOKIE=0102030405060708]");
	fx_free(f);
}
END_TEST

/* Output bounded by buflen, length returned like snprintf. */
START_TEST(output_truncation)
{
	fx_t *f = fx_load("response.hex");
	char small[8];
	fx_iter(f);
	const char *soa = "ns1.example.com hostmaster.example.com 2024010101 7200 3600 1209600 300";
	memset(small, 'Z', sizeof small);
	int r = dns_rdata_to_str(&f->m, &f->rr[5], small, 5);
	ck_assert_int_eq(r, (int)strlen(soa));
	ck_assert_str_eq(small, "ns1.");
	ck_assert_int_eq(small[5], 'Z'); /* nothing written past buflen */
	ck_assert_int_eq(dns_rdata_to_str(&f->m, &f->rr[5], NULL, 0), (int)strlen(soa));
	/* exactly fitting */
	char exact[80];
	r = dns_rdata_to_str(&f->m, &f->rr[5], exact, strlen(soa) + 1);
	ck_assert_str_eq(exact, soa);
	/* names */
	memset(small, 'Z', sizeof small);
	ck_assert_uint_eq(dns_name_to_str(&f->m.qname, small, 4), 15);
	ck_assert_str_eq(small, "www");
	ck_assert_int_eq(small[4], 'Z');
	ck_assert_uint_eq(dns_name_to_str(&f->m.qname, NULL, 0), 15);
	fx_free(f);
}
END_TEST

/* Every prefix of a valid response: no crash, and the right verdict. */
START_TEST(every_prefix)
{
	fx_t *f = fx_load("response.hex");
	const size_t qend = 12 + 17 + 4;
	for (size_t len = 0; len <= f->len; len++) {
		uint8_t *cut = malloc(len ? len : 1); /* exact size, for ASan */
		memcpy(cut, f->buf, len);
		dns_msg_t m;
		int rc = dns_msg_parse(&m, cut, len);
		if (len < qend) {
			ck_assert_int_eq(rc, DNSTS_EMALF);
		} else {
			ck_assert_int_eq(rc, 0);
			dns_msg_parse_all(&m);
			if (len < f->len)
				ck_assert_msg(m.anomalies & DNS_ANOM_TRUNC_RR, "len %zu", len);
			else
				ck_assert_uint_eq(m.anomalies, 0);
			dns_rr_iter_t it;
			dns_rr_t rr;
			char buf[512];
			dns_rr_iter_init(&it, &m);
			while (dns_rr_next(&it, &rr) == 1) {
				dns_name_to_str(&rr.name, buf, sizeof buf);
				ck_assert_int_ne(dns_rdata_to_str(&m, &rr, buf, sizeof buf), DNSTS_EMALF);
				ck_assert_int_eq(dns_rdata_check(&m, &rr), 0);
			}
		}
		free(cut);
	}
	fx_free(f);
}
END_TEST

START_TEST(more_types)
{
	fx_t *f = fx_load("types.hex");
	ck_assert_int_eq(f->prc, 0);
	fx_iter(f);
	ck_assert_int_eq(f->last, 0);
	ck_assert_int_eq(f->n, 18);
	static const struct {
		uint16_t type;
		const char *s;
	} want[] = {
		{257, "0 issue \"letsencrypt.org\""},
		{43, "12345 8 2 000102030405060708090A0B0C0D0E0F101112131415161718191A1B1C1D1E1F"},
		{48, "257 3 8 AQIDBAU="},
		{46, "A 8 2 300 20240201000000 20240101000000 12345 example 3q2+7w=="},
		{47, "b.example A NS SOA MX TXT AAAA RRSIG NSEC DNSKEY CAA"},
		{50, "1 1 10 AABBCCDD 000G40O40K30E209185GO38E1S8124GJ A RRSIG"},
		{51, "1 0 0 -"},
		{35, "100 10 \"S\" \"SIP+D2U\" \"\" _sip._udp.example"},
		{13, "\"INTEL-386\" \"Linux\""},
		{44, "1 1 6465666768696A6B6C6D6E6F7071727374757677"},
		{52, "3 1 1 CAFEBABE"},
		{256, "10 1 \"https://example.com/\""},
		{29, "52 22 23.000 N 4 53 32.000 E -2.00m 1m 10000m 10m"},
		{11, "192.0.2.5 6 21 25"},
		{12, "host.example"},
		{99, "\"v=spf1 -all\""},
		{65280, "\\# 3 010203"},
	};
	for (unsigned i = 0; i < sizeof want / sizeof want[0]; i++)
		check_rr(f, (int)i + 1, DNS_SEC_ANSWER, "example", want[i].type, want[i].s);
	dns_msg_parse_all(&f->m);
	ck_assert_uint_eq(f->m.anomalies, 0);
	fx_free(f);
}
END_TEST

START_TEST(multi_question)
{
	fx_t *f = fx_load("multi_q.hex");
	ck_assert_int_eq(f->prc, 0);
	ck_assert_uint_eq(f->m.anomalies, DNS_ANOM_MULTI_Q);
	ck_assert_str_eq(name_s(&f->m.qname), "a.example");
	ck_assert_uint_eq(f->m.rr_off, f->len);
	fx_iter(f);
	ck_assert_int_eq(f->n, 2);
	ck_assert_str_eq(name_s(&f->rr[1].name), "b.example");
	ck_assert_uint_eq(f->rr[1].type, 28);
	dns_msg_parse_all(&f->m);
	ck_assert_uint_eq(f->m.anomalies, DNS_ANOM_MULTI_Q);
	fx_free(f);
}
END_TEST

START_TEST(no_question)
{
	/* a bare header: a message with no question */
	uint8_t h[12] = {0xab, 0xcd, 0x81, 0x80};
	dns_msg_t m;
	ck_assert_int_eq(dns_msg_parse(&m, h, sizeof h), 0);
	ck_assert(!m.has_question);
	ck_assert_uint_eq(m.anomalies, DNS_ANOM_NO_Q);
	ck_assert_str_eq(name_s(&m.qname), ".");
	ck_assert_uint_eq(m.rr_off, 12);
	dns_msg_parse_all(&m);
	ck_assert_uint_eq(m.anomalies, DNS_ANOM_NO_Q);
	/* header flags: Z and TC */
	h[2] = 0x83;
	h[3] = 0xc0;
	ck_assert_int_eq(dns_msg_parse(&m, h, sizeof h), 0);
	ck_assert_uint_eq(m.anomalies, DNS_ANOM_NO_Q | DNS_ANOM_Z | DNS_ANOM_TC);
	ck_assert_int_eq(dns_msg_parse(&m, h, 11), DNSTS_EMALF);
	ck_assert_int_eq(dns_msg_parse(&m, h, 0), DNSTS_EMALF);
}
END_TEST

/* ---- names --------------------------------------------------------------- */

START_TEST(pointer_to_itself_question)
{
	fx_t *f = fx_load("ptr_self_q.hex");
	ck_assert_int_eq(f->prc, DNSTS_EMALF);
	ck_assert(f->m.anomalies & DNS_ANOM_FWD_PTR);
	fx_free(f);
}
END_TEST

START_TEST(pointer_to_itself_rr)
{
	fx_t *f = fx_load("ptr_self_rr.hex");
	ck_assert_int_eq(f->prc, 0);
	fx_iter(f);
	ck_assert_int_eq(f->n, 1);
	ck_assert_int_eq(f->last, DNSTS_EMALF);
	ck_assert_uint_eq(f->m.anomalies, DNS_ANOM_BAD_NAME | DNS_ANOM_FWD_PTR);
	fx_free(f);
}
END_TEST

START_TEST(pointers_at_each_other)
{
	fx_t *f = fx_load("ptr_mutual.hex");
	int rc;
	ck_assert_int_eq(f->prc, 0);
	fx_iter(f);
	ck_assert_int_eq(f->n, 2); /* question, answer 1 */
	ck_assert_int_eq(f->last, DNSTS_EMALF);
	ck_assert_uint_eq(f->m.anomalies, DNS_ANOM_BAD_NAME | DNS_ANOM_FWD_PTR);
	/* answer 1's CNAME target is 'x' then a forward pointer to 43 */
	ck_assert_str_eq(rdata_s(f, 1, &rc), "\\# 4 0178C02B");
	ck_assert_int_eq(rc, DNSTS_EMALF);
	dns_msg_parse_all(&f->m);
	ck_assert_uint_eq(f->m.anomalies, DNS_ANOM_BAD_NAME | DNS_ANOM_FWD_PTR | DNS_ANOM_RDLEN);
	fx_free(f);
}
END_TEST

START_TEST(forward_pointer)
{
	fx_t *f = fx_load("fwd_ptr.hex");
	ck_assert_int_eq(f->prc, 0);
	fx_iter(f);
	ck_assert_int_eq(f->n, 2);
	ck_assert_int_eq(f->last, 0);
	check_rr(f, 1, DNS_SEC_ANSWER, "fw.example", 5, "fw.example");
	ck_assert_uint_eq(f->m.anomalies, DNS_ANOM_FWD_PTR);
	dns_msg_parse_all(&f->m);
	ck_assert_uint_eq(f->m.anomalies, DNS_ANOM_FWD_PTR);
	/* the same bytes read directly: past the pointer, not its target */
	dns_name_t n;
	size_t pos = 27;
	ck_assert_int_eq(dns_name_read(f->buf, f->len, &pos, &n), 0);
	ck_assert_str_eq(name_s(&n), "fw.example");
	ck_assert_uint_eq(pos, 29);
	pos = 39; /* the CNAME target itself */
	ck_assert_int_eq(dns_name_read(f->buf, f->len, &pos, &n), 0);
	ck_assert_str_eq(name_s(&n), "fw.example");
	ck_assert_uint_eq(pos, f->len);
	fx_free(f);
}
END_TEST

/* The question name points forward, at the second question's name (as in
 * the corpus's sv__dns-forward-pointer.pcap, which tshark decodes). */
START_TEST(forward_pointer_question)
{
	size_t len;
	uint8_t *w = tu_hex("8e04 0100 0002 0000 0000 0000"
			    "c012 0001 0001"
			    "0a 636f64656d6f6e6b6579 03 6e6574 00 0001 0001", &len);
	dns_msg_t m;
	ck_assert_int_eq(dns_msg_parse(&m, w, len), 0);
	ck_assert(m.has_question);
	ck_assert_str_eq(name_s(&m.qname), "codemonkey.net");
	ck_assert_uint_eq(m.qtype, 1);
	ck_assert_uint_eq(m.rr_off, len);
	ck_assert_uint_eq(m.anomalies, DNS_ANOM_FWD_PTR | DNS_ANOM_MULTI_Q);
	dns_rr_iter_t it;
	dns_rr_t rr;
	dns_rr_iter_init(&it, &m);
	ck_assert_int_eq(dns_rr_next(&it, &rr), 1);
	ck_assert_str_eq(name_s(&rr.name), "codemonkey.net");
	ck_assert_int_eq(dns_rr_next(&it, &rr), 1);
	ck_assert_str_eq(name_s(&rr.name), "codemonkey.net");
	ck_assert_int_eq(dns_rr_next(&it, &rr), 0);
	dns_msg_parse_all(&m);
	ck_assert_uint_eq(m.anomalies, DNS_ANOM_FWD_PTR | DNS_ANOM_MULTI_Q);
	free(w);
}
END_TEST

/* Loops through forward pointers are refused, at once or at the hop cap,
 * whatever mix of directions and labels they take. */
START_TEST(pointer_loops)
{
	static const struct {
		const char *hex;
		uint32_t anomalies; /* of dns_msg_parse (the question fails) */
	} c[] = {
		/* 12 -> 14 (forward), 14 -> 12 (back) */
		{"0001 0000 0001 0000 0000 0000 c00e c00c 0001 0001", DNS_ANOM_FWD_PTR},
		/* 'x' then back to 12: a label in the loop */
		{"0001 0000 0001 0000 0000 0000 0178 c00c 0001 0001", DNS_ANOM_FWD_PTR},
		/* 12 -> 16 -> 14 -> 12, a label on the way */
		{"0001 0000 0001 0000 0000 0000 c010 c00c 0161 c00e 0001 0001", DNS_ANOM_FWD_PTR},
		/* forward out of the message */
		{"0001 0000 0001 0000 0000 0000 c0ff 0001 0001", DNS_ANOM_FWD_PTR},
		{"0001 0000 0001 0000 0000 0000 ffff 0001 0001", DNS_ANOM_FWD_PTR},
	};
	for (unsigned i = 0; i < sizeof c / sizeof c[0]; i++) {
		size_t len;
		uint8_t *w = tu_hex(c[i].hex, &len);
		dns_msg_t m;
		ck_assert_int_eq(dns_msg_parse(&m, w, len), DNSTS_EMALF);
		ck_assert_uint_eq(m.anomalies, c[i].anomalies);
		dns_name_t n;
		size_t pos = 12;
		ck_assert_int_eq(dns_name_read(w, len, &pos, &n), DNSTS_EMALF);
		free(w);
	}
	/* in a record: BAD_NAME (not a truncation), FWD_PTR */
	size_t len;
	uint8_t *w = tu_hex("0001 8000 0000 0001 0000 0000 c0f0 0001 0001 00000000 0000", &len);
	dns_msg_t m;
	dns_rr_iter_t it;
	dns_rr_t rr;
	ck_assert_int_eq(dns_msg_parse(&m, w, len), 0);
	dns_rr_iter_init(&it, &m);
	ck_assert_int_eq(dns_rr_next(&it, &rr), DNSTS_EMALF);
	ck_assert_uint_eq(m.anomalies, DNS_ANOM_NO_Q | DNS_ANOM_BAD_NAME | DNS_ANOM_FWD_PTR);
	free(w);
}
END_TEST

/* The hop cap holds forward too: a question name that is a chain of
 * forward pointers, each to the next, then "a" and the root. */
START_TEST(forward_hop_cap)
{
	for (unsigned hops = 127; hops <= 130; hops++) {
		size_t len = 12 + 2 * hops + 3 + 4;
		uint8_t *w = calloc(1, len);
		w[5] = 1; /* qdcount 1 */
		for (unsigned i = 0; i < hops; i++) {
			unsigned next = 12 + 2 * (i + 1);
			w[12 + 2 * i] = (uint8_t)(0xc0 | next >> 8);
			w[13 + 2 * i] = (uint8_t)next;
		}
		memcpy(w + 12 + 2 * hops, "\001a\000\000\001\000\001", 7);
		dns_msg_t m;
		int rc = dns_msg_parse(&m, w, len);
		ck_assert_uint_eq(m.anomalies & DNS_ANOM_FWD_PTR, DNS_ANOM_FWD_PTR);
		if (hops <= DNS_MAX_HOPS) {
			ck_assert_int_eq(rc, 0);
			ck_assert_str_eq(name_s(&m.qname), "a");
			ck_assert_uint_eq(m.rr_off, 18); /* the first pointer, type, class */
		} else {
			ck_assert_int_eq(rc, DNSTS_EMALF);
		}
		free(w);
	}
}
END_TEST

/* Names in RDATA: their own octets inside the RDATA, their pointers
 * anywhere in the message, forward included. */
START_TEST(rdata_names_forward)
{
	size_t len;
	/* answer 1: CNAME whose target is "www" + a pointer forward to the
	 * owner of answer 2 (example.net); answer 2: example.net A */
	uint8_t *w = tu_hex("0001 8000 0000 0002 0000 0000"
			    "00 0005 0001 00000000 0006 03777777 c01d"
			    "07 6578616d706c65 03 6e6574 00 0001 0001 00000000 0004 c0000201", &len);
	dns_msg_t m;
	dns_rr_iter_t it;
	dns_rr_t rr;
	char buf[64];
	ck_assert_int_eq(dns_msg_parse(&m, w, len), 0);
	dns_rr_iter_init(&it, &m);
	ck_assert_int_eq(dns_rr_next(&it, &rr), 1);
	ck_assert_int_eq(dns_rdata_to_str(&m, &rr, buf, sizeof buf), 15);
	ck_assert_str_eq(buf, "www.example.net");
	ck_assert_int_eq(rr.rdoff + rr.rdlen, 29);
	dns_name_t n;
	size_t pos = rr.rdoff;
	/* as a part ending before the pointer's second octet: cut */
	ck_assert_int_eq(dns_name_read_part(w, len, 28, &pos, &n), DNSTS_EMALF);
	pos = rr.rdoff;
	ck_assert_int_eq(dns_name_read_part(w, len, 29, &pos, &n), 0);
	ck_assert_str_eq(name_s(&n), "www.example.net");
	ck_assert_uint_eq(pos, 29);
	dns_msg_parse_all(&m);
	ck_assert_uint_eq(m.anomalies, DNS_ANOM_NO_Q);
	free(w);
}
END_TEST

START_TEST(hop_cap)
{
	fx_t *f = fx_load("hops_128.hex");
	ck_assert_int_eq(f->prc, 0);
	fx_iter(f);
	ck_assert_int_eq(f->last, 0);
	ck_assert_int_eq(f->n, 3);
	check_rr(f, 2, DNS_SEC_ANSWER, "a.example", 1, "192.0.2.9");
	ck_assert_uint_eq(f->m.anomalies, 0);
	fx_free(f);

	f = fx_load("hops_129.hex");
	ck_assert_int_eq(f->prc, 0);
	fx_iter(f);
	ck_assert_int_eq(f->n, 2);
	ck_assert_int_eq(f->last, DNSTS_EMALF);
	ck_assert_uint_eq(f->m.anomalies, DNS_ANOM_BAD_NAME);
	fx_free(f);
}
END_TEST

START_TEST(name_length_cap)
{
	fx_t *f = fx_load("name_255.hex");
	ck_assert_int_eq(f->prc, 0);
	ck_assert_uint_eq(f->m.qname.len, 255);
	ck_assert_uint_eq(f->m.qname.nlabels, 4);
	const char *s = name_s(&f->m.qname);
	ck_assert_uint_eq(strlen(s), 63 * 3 + 61 + 3);
	ck_assert(strncmp(s + 63 * 3 + 3, "ddd", 3) == 0);
	fx_free(f);

	f = fx_load("name_256.hex");
	ck_assert_int_eq(f->prc, DNSTS_EMALF);
	ck_assert(!f->m.has_question);
	fx_free(f);

	/* 257 only after following a pointer */
	f = fx_load("name_256_ptr.hex");
	ck_assert_int_eq(f->prc, 0);
	ck_assert_uint_eq(f->m.qname.len, 193);
	fx_iter(f);
	ck_assert_int_eq(f->n, 1);
	ck_assert_int_eq(f->last, DNSTS_EMALF);
	ck_assert_uint_eq(f->m.anomalies, DNS_ANOM_BAD_NAME);
	fx_free(f);
}
END_TEST

START_TEST(label_types)
{
	fx_t *f = fx_load("label_63.hex");
	ck_assert_int_eq(f->prc, 0);
	ck_assert_uint_eq(f->m.qname.nlabels, 2);
	unsigned ll;
	dns_name_label(&f->m.qname, 0, &ll);
	ck_assert_uint_eq(ll, 63);
	fx_free(f);
	static const char *const bad[] = {"label_40.hex", "label_41.hex", "label_80.hex"};
	for (unsigned i = 0; i < 3; i++) {
		f = fx_load(bad[i]);
		ck_assert_msg(f->prc == DNSTS_EMALF, "%s", bad[i]);
		fx_free(f);
	}
}
END_TEST

START_TEST(label_bytes)
{
	fx_t *f = fx_load("label_bytes.hex");
	ck_assert_int_eq(f->prc, 0);
	ck_assert_str_eq(name_s(&f->m.qname), "a\\000b.c\\.d.e\\\\f.\\255.\\032sp.\"q\"~");
	ck_assert_uint_eq(f->m.qname.nlabels, 6);
	ck_assert_uint_eq(f->m.anomalies, DNS_ANOM_NUL_IN_NAME);
	ck_assert_uint_eq(f->m.qtype, 16);
	fx_free(f);
}
END_TEST

START_TEST(root_name)
{
	dns_name_t n;
	uint8_t w[1] = {0};
	size_t pos = 0;
	char buf[4];
	ck_assert_int_eq(dns_name_read(w, 1, &pos, &n), 0);
	ck_assert_uint_eq(pos, 1);
	ck_assert_uint_eq(n.len, 1);
	ck_assert_uint_eq(dns_name_to_str(&n, buf, sizeof buf), 1);
	ck_assert_str_eq(buf, ".");
	pos = 0;
	ck_assert_int_eq(dns_name_read(w, 0, &pos, &n), DNSTS_EMALF);
	/* a pointer cut in half */
	uint8_t p[3] = {0, 0xc0};
	pos = 1;
	ck_assert_int_eq(dns_name_read(p, 2, &pos, &n), DNSTS_EMALF);
	/* a pointer to offset 0 from offset 1 is backwards: the root */
	pos = 1;
	ck_assert_int_eq(dns_name_read(p, 3, &pos, &n), 0);
	ck_assert_uint_eq(pos, 3);
	ck_assert_uint_eq(n.len, 1);
}
END_TEST

/* ---- broken records -------------------------------------------------------- */

START_TEST(truncated_last_record)
{
	fx_t *f = fx_load("trunc_last.hex");
	ck_assert_int_eq(f->prc, 0);
	fx_iter(f);
	ck_assert_int_eq(f->n, 2);
	ck_assert_int_eq(f->last, DNSTS_EMALF);
	check_rr(f, 1, DNS_SEC_ANSWER, "a.example", 1, "192.0.2.1");
	ck_assert_uint_eq(f->m.anomalies, DNS_ANOM_TRUNC_RR);
	dns_msg_parse_all(&f->m);
	ck_assert_uint_eq(f->m.anomalies, DNS_ANOM_TRUNC_RR);
	fx_free(f);
}
END_TEST

START_TEST(counts_too_big)
{
	fx_t *f = fx_load("counts_big.hex");
	ck_assert_int_eq(f->prc, 0);
	ck_assert_uint_eq(f->m.count[1], 5);
	fx_iter(f);
	ck_assert_int_eq(f->n, 1);
	ck_assert_int_eq(f->last, DNSTS_EMALF);
	ck_assert_uint_eq(f->m.anomalies, DNS_ANOM_TRUNC_RR);
	fx_free(f);
}
END_TEST

START_TEST(empty_rdata)
{
	fx_t *f = fx_load("rdata_empty.hex");
	int rc;
	ck_assert_int_eq(f->prc, 0);
	fx_iter(f);
	ck_assert_int_eq(f->n, 5);
	ck_assert_int_eq(f->last, 0);
	/* the iterator checks A's length on the way */
	ck_assert_uint_eq(f->m.anomalies, DNS_ANOM_RDLEN);
	ck_assert_str_eq(rdata_s(f, 1, &rc), "\\# 0");
	ck_assert_int_eq(rc, DNSTS_EMALF);
	ck_assert_str_eq(rdata_s(f, 2, &rc), "\\# 0");
	ck_assert_int_eq(rc, 4);
	ck_assert_str_eq(rdata_s(f, 3, &rc), "\\# 0");
	ck_assert_int_eq(rc, DNSTS_EMALF);
	check_rr(f, 4, DNS_SEC_ADDITIONAL, ".", 41, "udp=4096 version=0 do=0 ext-rcode=0 options=[]");
	dns_msg_parse_all(&f->m);
	ck_assert(f->m.has_edns);
	ck_assert_uint_eq(f->m.edns_udp_size, 4096);
	ck_assert_uint_eq(f->m.rcode, 0);
	ck_assert_uint_eq(f->m.anomalies, DNS_ANOM_RDLEN);
	fx_free(f);
}
END_TEST

START_TEST(rdlength_mismatch)
{
	fx_t *f = fx_load("rdlen_mismatch.hex");
	int rc;
	ck_assert_int_eq(f->prc, 0);
	fx_iter(f);
	ck_assert_int_eq(f->n, 4);
	ck_assert_int_eq(f->last, 0);
	ck_assert_str_eq(rdata_s(f, 1, &rc), "\\# 5 C0000201FF");
	ck_assert_int_eq(rc, DNSTS_EMALF);
	ck_assert_str_eq(rdata_s(f, 2, &rc), "\\# 5 000AC00C00");
	ck_assert_int_eq(rc, DNSTS_EMALF);
	ck_assert_str_eq(rdata_s(f, 3, &rc), "\\# 3 036162");
	ck_assert_int_eq(rc, DNSTS_EMALF);
	dns_msg_parse_all(&f->m);
	/* the CNAME's RDATA ends inside its name: 3 bytes follow the last RR */
	ck_assert_uint_eq(f->m.anomalies, DNS_ANOM_RDLEN | DNS_ANOM_TRAILING);
	fx_free(f);
}
END_TEST

START_TEST(trailing_bytes)
{
	fx_t *f = fx_load("trailing.hex");
	ck_assert_int_eq(f->prc, 0);
	ck_assert_uint_eq(f->m.anomalies, 0);
	dns_msg_parse_all(&f->m);
	ck_assert_uint_eq(f->m.anomalies, DNS_ANOM_TRAILING);
	fx_free(f);
}
END_TEST

/* OPT in the wrong place, twice, or badly framed. */
START_TEST(bad_opt)
{
	size_t len;
	/* query; answer: OPT (misplaced); additional: OPT udp 512 ext-rcode 2,
	 * then a second OPT udp 999 */
	uint8_t *w = tu_hex(
		"0001 0000 0001 0001 0000 0002"
		"01 61 00 0001 0001"
		"00 0029 0200 00000000 0000"
		"00 0029 0200 02000000 0000"
		"00 0029 03e7 00000000 0000", &len);
	dns_msg_t m;
	ck_assert_int_eq(dns_msg_parse(&m, w, len), 0);
	dns_msg_parse_all(&m);
	ck_assert_uint_eq(m.anomalies, DNS_ANOM_BAD_OPT);
	ck_assert(m.has_edns);
	ck_assert_uint_eq(m.edns_udp_size, 512);
	ck_assert_uint_eq(m.rcode, 32);
	free(w);
	/* option length runs past the RDATA */
	w = tu_hex("0001 0000 0001 0000 0000 0001 01 61 00 0001 0001"
		   "00 0029 0200 00000000 0005 0003 0009 41", &len);
	ck_assert_int_eq(dns_msg_parse(&m, w, len), 0);
	dns_msg_parse_all(&m);
	ck_assert_uint_eq(m.anomalies, DNS_ANOM_BAD_OPT | DNS_ANOM_RDLEN);
	free(w);
}
END_TEST

/* SVCB/OPT value formats not in the fixtures. */
START_TEST(svcb_and_opt_values)
{
	size_t len;
	dns_msg_t m;
	dns_rr_iter_t it;
	dns_rr_t rr;
	char buf[512];
	/* SVCB 16 svc.example mandatory=alpn,port alpn=h\,x no-default-alpn
	 * port=8443 ipv6hint=2001:db8::53 dohpath=/q{?dns} key667=0aff key668 */
	uint8_t *w = tu_hex(
		"0001 8000 0000 0002 0000 0001"
		"00 0040 0001 00000000 0053 0010 03 737663 07 6578616d706c65 00"
		"0000 0004 0001 0003"
		"0001 0004 03 68 2c 78"
		"0002 0000"
		"0003 0002 20fb"
		"0006 0010 20010db8000000000000000000000053"
		"0007 0008 2f717b3f646e737d"
		"029b 0002 0aff"
		"029c 0000"
		"00 0040 0001 00000000 0003 0000 00" /* AliasMode, target . */
		"00 0029 1000 00000000 0024"
		"0008 0007 0001 18 00 c6 33 64"   /* ECS 198.51.100.0/24/0 */
		"000c 0003 000000"                /* PADDING 3 */
		"000f 0004 0012 6869"             /* EDE 18 "hi" */
		"0003 0000"                       /* NSID, empty */
		"fde9 0002 abcd",                 /* unknown 65001 */
		&len);
	ck_assert_int_eq(dns_msg_parse(&m, w, len), 0);
	dns_msg_parse_all(&m);
	ck_assert_uint_eq(m.anomalies, DNS_ANOM_NO_Q);
	dns_rr_iter_init(&it, &m);
	ck_assert_int_eq(dns_rr_next(&it, &rr), 1);
	ck_assert_int_ge(dns_rdata_to_str(&m, &rr, buf, sizeof buf), 0);
	ck_assert_str_eq(buf, "16 svc.example mandatory=alpn,port alpn=h\\\\,x no-default-alpn port=8443 "
			      "ipv6hint=2001:db8::53 dohpath=/q{?dns} key667=0AFF key668");
	ck_assert_int_eq(dns_rr_next(&it, &rr), 1);
	ck_assert_int_ge(dns_rdata_to_str(&m, &rr, buf, sizeof buf), 0);
	ck_assert_str_eq(buf, "0 .");
	ck_assert_int_eq(dns_rr_next(&it, &rr), 1);
	ck_assert_int_ge(dns_rdata_to_str(&m, &rr, buf, sizeof buf), 0);
	ck_assert_str_eq(buf, "udp=4096 version=0 do=0 ext-rcode=0 options=[ECS=198.51.100.0/24/0 "
			      "PADDING=3 EDE=18:\"hi\" NSID OPT65001=ABCD]");
	ck_assert_int_eq(dns_rr_next(&it, &rr), 0);
	free(w);
	/* an SVCB port of 3 octets is malformed */
	w = tu_hex("0001 8000 0000 0001 0000 0000"
		   "00 0040 0001 00000000 000a 0001 00 0003 0003 010203", &len);
	ck_assert_int_eq(dns_msg_parse(&m, w, len), 0);
	dns_rr_iter_init(&it, &m);
	ck_assert_int_eq(dns_rr_next(&it, &rr), 1);
	ck_assert_int_eq(dns_rdata_to_str(&m, &rr, buf, sizeof buf), DNSTS_EMALF);
	ck_assert_str_eq(buf, "\\# 10 00010000030003010203");
	free(w);
}
END_TEST

START_TEST(ipv6_forms)
{
	static const struct {
		const char *hex, *s;
	} c[] = {
		{"00000000000000000000000000000000", "::"},
		{"00000000000000000000000000000001", "::1"},
		{"20010db8000000010000000000000001", "2001:db8:0:1::1"},
		{"20010db8000000000001000000000001", "2001:db8::1:0:0:1"},
		{"20010db8000100000000000100000000", "2001:db8:1::1:0:0"},
		{"00000000000000000000ffffc0000201", "::ffff:192.0.2.1"},
		{"fe800000000000000a0b0c0d0e0f0102", "fe80::a0b:c0d:e0f:102"},
		{"20010db8aaaabbbbccccddddeeee0000", "2001:db8:aaaa:bbbb:cccc:dddd:eeee:0"},
	};
	for (unsigned i = 0; i < sizeof c / sizeof c[0]; i++) {
		char hex[200];
		size_t len;
		snprintf(hex, sizeof hex, "0001 8000 0000 0001 0000 0000 00 001c 0001 00000000 0010 %s",
			 c[i].hex);
		uint8_t *w = tu_hex(hex, &len);
		dns_msg_t m;
		dns_rr_iter_t it;
		dns_rr_t rr;
		char buf[64];
		ck_assert_int_eq(dns_msg_parse(&m, w, len), 0);
		dns_rr_iter_init(&it, &m);
		ck_assert_int_eq(dns_rr_next(&it, &rr), 1);
		ck_assert_int_ge(dns_rdata_to_str(&m, &rr, buf, sizeof buf), 0);
		ck_assert_str_eq(buf, c[i].s);
		free(w);
	}
}
END_TEST

START_TEST(mnemonics)
{
	char t[16];
	ck_assert_str_eq(dns_type_str(1, t), "A");
	ck_assert_str_eq(dns_type_str(10, t), "NULL");
	ck_assert_str_eq(dns_type_str(23, t), "NSAP-PTR");
	ck_assert_str_eq(dns_type_str(64, t), "SVCB");
	ck_assert_str_eq(dns_type_str(65, t), "HTTPS");
	ck_assert_str_eq(dns_type_str(251, t), "IXFR");
	ck_assert_str_eq(dns_type_str(252, t), "AXFR");
	ck_assert_str_eq(dns_type_str(255, t), "ANY");
	ck_assert_str_eq(dns_type_str(257, t), "CAA");
	ck_assert_str_eq(dns_type_str(258, t), "AVC");
	ck_assert_str_eq(dns_type_str(260, t), "AMTRELAY");
	ck_assert_str_eq(dns_type_str(32768, t), "TA");
	ck_assert_str_eq(dns_type_str(32769, t), "DLV");
	ck_assert_str_eq(dns_type_str(0, t), "TYPE0");
	ck_assert_str_eq(dns_type_str(54, t), "TYPE54");
	ck_assert_str_eq(dns_type_str(65280, t), "TYPE65280");
	ck_assert_str_eq(dns_type_str(65535, t), "TYPE65535");
	ck_assert_str_eq(dns_class_str(1, t), "IN");
	ck_assert_str_eq(dns_class_str(3, t), "CH");
	ck_assert_str_eq(dns_class_str(4, t), "HS");
	ck_assert_str_eq(dns_class_str(254, t), "NONE");
	ck_assert_str_eq(dns_class_str(255, t), "ANY");
	ck_assert_str_eq(dns_class_str(7, t), "CLASS7");
	ck_assert_str_eq(dns_class_str(0x8001, t), "CLASS32769");
	ck_assert_str_eq(dns_rcode_str(0, t), "NOERROR");
	ck_assert_str_eq(dns_rcode_str(3, t), "NXDOMAIN");
	ck_assert_str_eq(dns_rcode_str(11, t), "DSOTYPENI");
	ck_assert_str_eq(dns_rcode_str(12, t), "RCODE12");
	ck_assert_str_eq(dns_rcode_str(16, t), "BADVERS");
	ck_assert_str_eq(dns_rcode_str(17, t), "BADKEY");
	ck_assert_str_eq(dns_rcode_str(23, t), "BADCOOKIE");
	ck_assert_str_eq(dns_rcode_str(24, t), "RCODE24");
	ck_assert_str_eq(dns_rcode_str(4095, t), "RCODE4095");
	ck_assert_str_eq(dns_opcode_str(0, t), "QUERY");
	ck_assert_str_eq(dns_opcode_str(1, t), "IQUERY");
	ck_assert_str_eq(dns_opcode_str(2, t), "STATUS");
	ck_assert_str_eq(dns_opcode_str(3, t), "OPCODE3");
	ck_assert_str_eq(dns_opcode_str(4, t), "NOTIFY");
	ck_assert_str_eq(dns_opcode_str(5, t), "UPDATE");
	ck_assert_str_eq(dns_opcode_str(6, t), "DSO");
	ck_assert_str_eq(dns_opcode_str(15, t), "OPCODE15");
}
END_TEST


/* ---- against tshark on public captures ----------------------------------- */

/* UDP payload of the first packet with QR set (Ethernet or BSD loopback,
 * IPv4 or IPv6 without extension headers); malloc'd, NULL if none. */
static uint8_t *first_response(const char *path, size_t *len)
{
	char err[PCAP_ERRBUF_SIZE];
	pcap_t *p = pcap_open_offline(path, err);
	struct pcap_pkthdr *h;
	const u_char *d;
	uint8_t *out = NULL;
	ck_assert_msg(p != NULL, "%s: %s", path, err);
	int dlt = pcap_datalink(p);
	while (!out && pcap_next_ex(p, &h, &d) == 1) {
		size_t off = dlt == DLT_EN10MB ? 14 : dlt == DLT_NULL ? 4 : 0, udp;
		if (h->caplen < off + 48)
			continue;
		if ((d[off] >> 4) == 4 && d[off + 9] == 17)
			udp = off + (size_t)(d[off] & 15) * 4;
		else if ((d[off] >> 4) == 6 && d[off + 6] == 17)
			udp = off + 40;
		else
			continue;
		size_t pl = h->caplen - udp - 8;
		if (pl < 12 || !(d[udp + 8 + 2] & 0x80))
			continue;
		out = malloc(pl);
		memcpy(out, d + udp + 8, pl);
		*len = pl;
	}
	pcap_close(p);
	return out;
}

/* The first record of a type in the first response, in presentation form. */
static const char *corpus_rdata(const char *rel, uint16_t type, char *buf, size_t buflen)
{
	const char *path = tu_corpus(rel);
	size_t len = 0;
	if (!path)
		return NULL;
	uint8_t *w = first_response(path, &len);
	ck_assert_msg(w != NULL, "no response in %s", rel);
	dns_msg_t m;
	dns_rr_iter_t it;
	dns_rr_t rr;
	ck_assert_int_eq(dns_msg_parse(&m, w, len), 0);
	dns_rr_iter_init(&it, &m);
	buf[0] = 0;
	while (dns_rr_next(&it, &rr) == 1)
		if (rr.section != DNS_SEC_QUESTION && rr.type == type) {
			ck_assert_int_ge(dns_rdata_to_str(&m, &rr, buf, buflen), 0);
			break;
		}
	free(w);
	return buf;
}

/* Expected strings read off tshark -V for the same records. */
START_TEST(corpus_vs_tshark)
{
	char buf[1024];
	const char *s = corpus_rdata("public/benign/zeek__dns-https.pcap", 65, buf, sizeof buf);
	if (!s)
		return; /* corpus absent: nothing to compare (checked again below) */
	ck_assert_str_eq(s, "1 . alpn=h3,h3-29,h3-28,h3-27,h2 ipv4hint=104.16.132.229,104.16.133.229 "
			    "ipv6hint=2606:4700::6810:84e5,2606:4700::6810:85e5");
	s = corpus_rdata("public/edge/zeek__dns-svcb.pcap", 64, buf, sizeof buf);
	ck_assert_str_eq(s, "0 foo.example.com");
	s = corpus_rdata("public/benign/zeek__dnssec__nsec3.pcap", 50, buf, sizeof buf);
	const char *want = "1 0 20 80637D8AF055B5EECA2A621EDAAA3C5E 7M53TDGQJNT9A6I2QTRPO7OL0Q2Q06A7 A ";
	ck_assert_msg(strncmp(s, want, strlen(want)) == 0, "got %s", s);
}
END_TEST

static Suite *dns_wire_suite(void)
{
	Suite *s = suite_create("dns_wire");
	TCase *tc = tcase_create("messages");
	tcase_add_test(tc, plain_query);
	tcase_add_test(tc, compressed_response);
	tcase_add_test(tc, output_truncation);
	tcase_add_test(tc, every_prefix);
	tcase_add_test(tc, more_types);
	tcase_add_test(tc, multi_question);
	tcase_add_test(tc, no_question);
	suite_add_tcase(s, tc);
	tc = tcase_create("names");
	tcase_add_test(tc, pointer_to_itself_question);
	tcase_add_test(tc, pointer_to_itself_rr);
	tcase_add_test(tc, pointers_at_each_other);
	tcase_add_test(tc, forward_pointer);
	tcase_add_test(tc, forward_pointer_question);
	tcase_add_test(tc, pointer_loops);
	tcase_add_test(tc, forward_hop_cap);
	tcase_add_test(tc, rdata_names_forward);
	tcase_add_test(tc, hop_cap);
	tcase_add_test(tc, name_length_cap);
	tcase_add_test(tc, label_types);
	tcase_add_test(tc, label_bytes);
	tcase_add_test(tc, root_name);
	suite_add_tcase(s, tc);
	tc = tcase_create("broken");
	tcase_add_test(tc, truncated_last_record);
	tcase_add_test(tc, counts_too_big);
	tcase_add_test(tc, empty_rdata);
	tcase_add_test(tc, rdlength_mismatch);
	tcase_add_test(tc, trailing_bytes);
	tcase_add_test(tc, bad_opt);
	suite_add_tcase(s, tc);
	tc = tcase_create("presentation");
	tcase_add_test(tc, svcb_and_opt_values);
	tcase_add_test(tc, ipv6_forms);
	tcase_add_test(tc, mnemonics);
	suite_add_tcase(s, tc);
	if (tu_corpus("public")) {
		tc = tcase_create("corpus");
		tcase_add_test(tc, corpus_vs_tshark);
		suite_add_tcase(s, tc);
	}
	return s;
}

DNSTS_CHECK_MAIN(dns_wire_suite)
