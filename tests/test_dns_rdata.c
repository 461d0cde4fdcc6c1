/*
 * test_dns_rdata.c - the RDATA layout table (dns_layout.h): the offsets
 * and iterator of embedded names on the fixtures in testdata/dns, names
 * bounded by the RDATA (never read into the next record), and the table
 * against the presentation writer: on random RDATA of every type, a record
 * the writer accepts has exactly the names its layout promises, where the
 * writer prints them.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <dnsts/dnsts.h>

#include "check_util.h"
#include "dns_layout.h"
#include "dns_rdata.h"

#define MAXRR 32

typedef struct fx {
	uint8_t *buf;
	size_t len;
	dns_msg_t m;
	dns_rr_t rr[MAXRR];
	int n;
} fx_t;

static fx_t *fx_load(const char *file)
{
	fx_t *f = calloc(1, sizeof *f);
	char path[256];
	ck_assert_ptr_nonnull(f);
	snprintf(path, sizeof path, "dns/%s", file);
	f->buf = tu_read_hex_file(tu_testdata(path), &f->len);
	ck_assert_msg(f->buf != NULL, "cannot read %s", path);
	ck_assert_int_eq(dns_msg_parse(&f->m, f->buf, f->len), 0);
	dns_rr_iter_t it;
	dns_rr_iter_init(&it, &f->m);
	while (f->n < MAXRR && dns_rr_next(&it, &f->rr[f->n]) == 1)
		f->n++;
	return f;
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

/* Every name of record i, "a|b|c" (or "ERR" appended on DNSTS_EMALF), and
 * the offsets of the names in the RDATA. */
static const char *names_of(fx_t *f, int i, int offs[4])
{
	static char out[1024];
	dns_rdata_names_t it;
	dns_name_t n;
	uint32_t off;
	int rc, k = 0;
	out[0] = 0;
	dns_rdata_names_init(&it, &f->m, &f->rr[i]);
	while ((rc = dns_rdata_names_next(&it, &n, &off)) == 1) {
		if (k)
			strcat(out, "|");
		strcat(out, name_s(&n));
		if (offs && k < 4)
			offs[k] = (int)(off - f->rr[i].rdoff);
		k++;
	}
	if (rc < 0)
		strcat(out, k ? "|ERR" : "ERR");
	/* once done, it stays done */
	ck_assert_int_eq(dns_rdata_names_next(&it, &n, &off), 0);
	return out;
}

START_TEST(name_offsets)
{
	static const struct {
		uint16_t type;
		int off;
	} c[] = {
		{DNS_TYPE_NS, 0},     {DNS_TYPE_CNAME, 0}, {DNS_TYPE_PTR, 0},    {DNS_TYPE_DNAME, 0},
		{DNS_TYPE_MD, 0},     {DNS_TYPE_MB, 0},    {DNS_TYPE_SOA, 0},    {DNS_TYPE_MINFO, 0},
		{DNS_TYPE_RP, 0},     {DNS_TYPE_NSEC, 0},  {DNS_TYPE_TSIG, 0},   {DNS_TYPE_TKEY, 0},
		{DNS_TYPE_MX, 2},     {DNS_TYPE_AFSDB, 2}, {DNS_TYPE_RT, 2},     {DNS_TYPE_KX, 2},
		{DNS_TYPE_PX, 2},     {DNS_TYPE_SVCB, 2},  {DNS_TYPE_HTTPS, 2},  {DNS_TYPE_SRV, 6},
		{DNS_TYPE_RRSIG, 18}, {DNS_TYPE_SIG, 18},  {DNS_TYPE_NAPTR, -1}, {DNS_TYPE_A, -1},
		{DNS_TYPE_AAAA, -1},  {DNS_TYPE_TXT, -1},  {DNS_TYPE_NULL, -1},  {DNS_TYPE_OPT, -1},
		{DNS_TYPE_DS, -1},    {DNS_TYPE_TA, -1},   {DNS_TYPE_WKS, -1},   {0, -1},
		{54, -1},             {65280, -1},         {65535, -1},
	};
	for (unsigned i = 0; i < sizeof c / sizeof c[0]; i++)
		ck_assert_msg(dns_rdata_name_offset(c[i].type) == c[i].off, "type %u: %d, want %d",
			      c[i].type, dns_rdata_name_offset(c[i].type), c[i].off);
	ck_assert(dns_rdata_is_text(DNS_TYPE_TXT));
	ck_assert(dns_rdata_is_text(DNS_TYPE_SPF));
	ck_assert(!dns_rdata_is_text(DNS_TYPE_HINFO));
	ck_assert(!dns_rdata_is_text(DNS_TYPE_NULL));
	ck_assert(!dns_rdata_is_text(DNS_TYPE_CNAME));
	ck_assert_ptr_null(dns_rdata_layout(DNS_TYPE_NULL));
	ck_assert_ptr_null(dns_rdata_layout(65280));
	ck_assert_ptr_eq(dns_rdata_layout(DNS_TYPE_TA), dns_rdata_layout(DNS_TYPE_DLV));
}
END_TEST

/* The table is well formed: every layout ends, no field follows one that
 * runs to the end, rest_min only with such a last field, and every type
 * with a layout has a mnemonic. */
START_TEST(table_well_formed)
{
	unsigned with_layout = 0;
	for (unsigned t = 0; t < 65536; t++) {
		const dns_rdata_layout_t *l = dns_rdata_layout((uint16_t)t);
		if (!l)
			continue;
		with_layout++;
		unsigned i = 0;
		while (i < DNS_RDF_MAX && l->field[i] != DNS_RDF_END)
			i++;
		ck_assert_msg(i > 0 && i < DNS_RDF_MAX, "type %u: %u fields", t, i);
		for (unsigned j = 0; j + 1 < i; j++)
			ck_assert_msg(l->field[j] < DNS_RDF_REST, "type %u: field after the rest", t);
		if (l->rest_min)
			ck_assert_msg(l->field[i - 1] >= DNS_RDF_REST, "type %u: rest_min", t);
		char tmp[16];
		ck_assert_msg(strncmp(dns_type_str((uint16_t)t, tmp), "TYPE", 4) != 0,
			      "type %u has a layout but no mnemonic", t);
	}
	ck_assert_uint_eq(with_layout, 54);
}
END_TEST

START_TEST(names_in_fixtures)
{
	int offs[4];
	fx_t *f = fx_load("response.hex");
	ck_assert_str_eq(names_of(f, 1, offs), "web.example.com"); /* CNAME */
	ck_assert_int_eq(offs[0], 0);
	ck_assert_str_eq(names_of(f, 2, NULL), ""); /* A */
	ck_assert_str_eq(names_of(f, 3, offs), "mail.example.com"); /* MX */
	ck_assert_int_eq(offs[0], 2);
	ck_assert_str_eq(names_of(f, 4, NULL), ""); /* TXT */
	ck_assert_str_eq(names_of(f, 5, offs), "ns1.example.com|hostmaster.example.com");
	ck_assert_int_eq(offs[0], 0);
	ck_assert_int_eq(offs[1], 6); /* 03 'ns1' c0 10 */
	ck_assert_str_eq(names_of(f, 6, offs), "sip.example.com"); /* SRV */
	ck_assert_int_eq(offs[0], 6);
	ck_assert_str_eq(names_of(f, 8, NULL), ""); /* NULL: no layout */
	ck_assert_str_eq(names_of(f, 9, offs), "."); /* HTTPS AliasMode target */
	ck_assert_int_eq(offs[0], 2);
	ck_assert_str_eq(names_of(f, 0, NULL), ""); /* the question: no RDATA */
	dns_name_t n;
	ck_assert_int_eq(dns_rdata_name(&f->m, &f->rr[3], &n), 0);
	ck_assert_str_eq(name_s(&n), "mail.example.com");
	ck_assert_int_eq(dns_rdata_name(&f->m, &f->rr[2], &n), DNSTS_EMALF);
	fx_free(f);

	f = fx_load("types.hex");
	ck_assert_str_eq(names_of(f, 4, offs), "example"); /* RRSIG signer */
	ck_assert_int_eq(offs[0], 18);
	ck_assert_str_eq(names_of(f, 5, NULL), "b.example"); /* NSEC next */
	ck_assert_str_eq(names_of(f, 8, offs), "_sip._udp.example"); /* NAPTR, after strings */
	ck_assert_int_eq(offs[0], 4 + 2 + 8 + 1);
	ck_assert_str_eq(names_of(f, 13, NULL), "");  /* LOC */
	ck_assert_str_eq(names_of(f, 15, NULL), "host.example"); /* PTR */
	fx_free(f);
}
END_TEST

/*
 * RDATA shorter than its layout: the name is not there, whatever follows
 * in the message.  The fixture places, after each short record, a record
 * whose owner a reader bounded by the message end would take for the
 * name (that misreading is shown first, with dns_name_read over the whole
 * message at the name's offset, as a reader of MX and SRV offsets without
 * the layout would do).
 */
START_TEST(names_bounded_by_rdata)
{
	fx_t *f = fx_load("rdata_short_name.hex");
	dns_name_t n;
	int rc;
	ck_assert_int_eq(f->n, 7);
	static const struct {
		int rr;
		const char *misread, *generic;
	} c[] = {
		{1, "mail.example", "\\# 2 000A"},
		{3, "_sip._tcp.example", "\\# 6 000A001413C4"},
		{5, ".", "\\# 1 00"},
	};
	for (unsigned i = 0; i < sizeof c / sizeof c[0]; i++) {
		const dns_rr_t *rr = &f->rr[c[i].rr];
		size_t pos = rr->rdoff + (size_t)dns_rdata_name_offset(rr->type);
		ck_assert_int_eq(dns_name_read(f->buf, f->len, &pos, &n), 0);
		ck_assert_str_eq(name_s(&n), c[i].misread);

		ck_assert_int_eq(dns_rdata_name(&f->m, rr, &n), DNSTS_EMALF);
		ck_assert_str_eq(names_of(f, c[i].rr, NULL), "ERR");
		char buf[64];
		rc = dns_rdata_to_str(&f->m, rr, buf, sizeof buf);
		ck_assert_int_eq(rc, DNSTS_EMALF);
		ck_assert_str_eq(buf, c[i].generic);
	}
	/* the records after them stand */
	ck_assert_str_eq(name_s(&f->rr[2].name), "mail.example");
	ck_assert_str_eq(name_s(&f->rr[4].name), "_sip._tcp.example");
	dns_msg_parse_all(&f->m);
	ck_assert_uint_eq(f->m.anomalies, DNS_ANOM_RDLEN);
	fx_free(f);
}
END_TEST

/* A name that starts inside the RDATA but whose labels run past its end
 * is not read either (the bytes after it would complete it). */
START_TEST(name_cut_by_rdata_end)
{
	fx_t *f = fx_load("rdlen_mismatch.hex");
	dns_name_t n;
	ck_assert_int_eq(f->rr[3].type, DNS_TYPE_CNAME);
	size_t pos = f->rr[3].rdoff;
	ck_assert_int_eq(dns_name_read(f->buf, f->len, &pos, &n), 0);
	ck_assert_str_eq(name_s(&n), "abc.a.example");
	ck_assert_int_eq(dns_rdata_name(&f->m, &f->rr[3], &n), DNSTS_EMALF);
	/* the MX of the same message holds its name, with a byte to spare */
	ck_assert_int_eq(dns_rdata_name(&f->m, &f->rr[2], &n), 0);
	ck_assert_str_eq(name_s(&n), "a.example");
	fx_free(f);
}
END_TEST

/* xorshift64*: a fixed sequence */
static uint64_t rng_state = 0x243f6a8885a308d3u;
static uint64_t rnd(void)
{
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 0x2545f4914f6cdd1du;
}

/* Random RDATA for a layout: each field mostly well formed (names either
 * "ab" + a pointer to the question or plain labels), sometimes cut or
 * followed by junk. */
static size_t random_rdata(const dns_rdata_layout_t *l, uint8_t *p)
{
	size_t n = 0;
	for (unsigned i = 0; l->field[i] != DNS_RDF_END; i++) {
		unsigned k = l->field[i];
		uint64_t r = rnd();
		switch (k) {
		case DNS_RDF_NAME:
			if (r & 1) {
				memcpy(p + n, "\x02" "ab\xc0\x0c", 5);
				n += 5;
			} else {
				memcpy(p + n, "\x01x\x03y-z\x00", 7);
				n += 7;
			}
			break;
		case DNS_RDF_STR: case DNS_RDF_TAG: case DNS_RDF_SALT: case DNS_RDF_HASH:
			p[n++] = 3;
			memcpy(p + n, "a b", 3);
			n += 3;
			break;
		default: {
			static const uint8_t width[DNS_RDF_REST] = {
				[DNS_RDF_U8] = 1, [DNS_RDF_U16] = 2, [DNS_RDF_U32] = 4,
				[DNS_RDF_TYPE] = 2, [DNS_RDF_TIME] = 4, [DNS_RDF_IP4] = 4,
				[DNS_RDF_IP6] = 16, [DNS_RDF_EUI48] = 6, [DNS_RDF_EUI64] = 8,
			};
			unsigned w = k < DNS_RDF_REST ? width[k] : (unsigned)(r % 12);
			for (unsigned j = 0; j < w; j++)
				p[n++] = (uint8_t)(rnd() % 4);
		}
		}
	}
	uint64_t r = rnd();
	if (r % 5 == 0 && n)
		n = (size_t)(rnd() % n); /* cut */
	else if (r % 5 == 1)
		p[n++] = 0; /* junk after */
	return n;
}

/* Check asserts cost a system call each: the loops below test with plain
 * code and only fail through Check. */
#define EXPECT(cond, ...) \
	do { \
		if (!(cond)) \
			ck_abort_msg(__VA_ARGS__); \
	} while (0)

/* Field index of the k-th name of a layout; *plain: no field before it
 * may hold a space in presentation form. */
static unsigned name_field(const dns_rdata_layout_t *l, unsigned k, bool *plain)
{
	*plain = true;
	for (unsigned i = 0; l->field[i] != DNS_RDF_END; i++) {
		if (l->field[i] == DNS_RDF_NAME && k-- == 0)
			return i;
		if (l->field[i] == DNS_RDF_STR || l->field[i] == DNS_RDF_TAG)
			*plain = false;
	}
	ck_abort_msg("no name %u", k);
	return 0;
}

/* For every type with a layout: whenever the writer accepts a record, the
 * iterator finds as many names as the layout holds, each inside the RDATA
 * and printed by the writer as that field (when no field before it may
 * hold a space), the first at dns_rdata_name_offset. */
START_TEST(layout_agrees_with_writer)
{
	uint8_t msg[600];
	char text[4096];
	unsigned accepted = 0;
	/* header qd 1 an 1, question x.example A IN, the answer's owner */
	static const uint8_t head[] = {0, 1, 0x81, 0x80, 0, 1, 0, 1, 0, 0, 0, 0,
				       1, 'x', 7, 'e', 'x', 'a', 'm', 'p', 'l', 'e', 0, 0, 1, 0, 1,
				       0xc0, 0x0c};
	for (unsigned t = 0; t < 65536; t++) {
		const dns_rdata_layout_t *l = dns_rdata_layout((uint16_t)t);
		if (!l)
			continue;
		unsigned want_names = 0;
		for (unsigned i = 0; l->field[i] != DNS_RDF_END; i++)
			want_names += l->field[i] == DNS_RDF_NAME;
		for (int round = 0; round < 300; round++) {
			size_t n = sizeof head;
			memcpy(msg, head, n);
			uint8_t *rrh = msg + n;
			n += 10;
			size_t rdlen = random_rdata(l, msg + n);
			n += rdlen;
			const uint8_t rrfix[10] = {(uint8_t)(t >> 8), (uint8_t)t, 0, 1, 0, 0, 0, 0,
						   (uint8_t)(rdlen >> 8), (uint8_t)rdlen};
			memcpy(rrh, rrfix, sizeof rrfix);
			dns_msg_t m;
			dns_rr_iter_t it;
			dns_rr_t rr;
			EXPECT(dns_msg_parse(&m, msg, n) == 0, "parse");
			dns_rr_iter_init(&it, &m);
			dns_rr_iter_skip_question(&it);
			EXPECT(dns_rr_next(&it, &rr) == 1, "record");
			if (dns_rdata_to_str(&m, &rr, text, sizeof text) < 0 || rr.rdlen == 0)
				continue;
			accepted++;
			dns_rdata_names_t ni;
			dns_name_t nm;
			uint32_t off;
			unsigned got = 0;
			int rc;
			dns_rdata_names_init(&ni, &m, &rr);
			while ((rc = dns_rdata_names_next(&ni, &nm, &off)) == 1) {
				EXPECT(off >= rr.rdoff && off < rr.rdoff + rr.rdlen, "type %u: offset", t);
				bool plain;
				unsigned fi = name_field(l, got, &plain);
				if (plain) {
					const char *f = text;
					for (unsigned i = 0; i < fi && f; i++)
						if ((f = strchr(f, ' ')))
							f++;
					const char *want = name_s(&nm);
					EXPECT(f && strcspn(f, " ") == strlen(want) &&
						       strncmp(f, want, strlen(want)) == 0,
					       "type %u: name %s is not field %u of \"%s\"", t, want, fi, text);
				}
				if (got == 0 && dns_rdata_name_offset((uint16_t)t) >= 0)
					EXPECT(off == rr.rdoff + (uint32_t)dns_rdata_name_offset((uint16_t)t),
					       "type %u: first name at %u", t, off - rr.rdoff);
				got++;
			}
			EXPECT(rc == 0 && got == want_names, "type %u: %u names (rc %d), want %u: \"%s\"",
			       t, got, rc, want_names, text);
			EXPECT(dns_rdata_name(&m, &rr, &nm) == (want_names ? 0 : DNSTS_EMALF),
			       "type %u: dns_rdata_name", t);
		}
	}
	ck_assert_msg(accepted > 5000, "accepted %u", accepted);
}
END_TEST

static Suite *dns_rdata_suite(void)
{
	Suite *s = suite_create("dns_rdata");
	TCase *tc = tcase_create("layout");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, name_offsets);
	tcase_add_test(tc, table_well_formed);
	tcase_add_test(tc, names_in_fixtures);
	tcase_add_test(tc, names_bounded_by_rdata);
	tcase_add_test(tc, name_cut_by_rdata_end);
	tcase_add_test(tc, layout_agrees_with_writer);
	suite_add_tcase(s, tc);
	return s;
}

DNSTS_CHECK_MAIN(dns_rdata_suite)
