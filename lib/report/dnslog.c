/*
 * dnslog.c - the DNS log writer.  Lines are built in a reusable buffer and
 * written in blocks of about 256 KiB; nothing is allocated per message once
 * the buffers have grown to their working size.
 *
 * One pass per message: the record iterator runs once, and each question
 * and record is written as it is met, into a second buffer (sec), while the
 * iterator collects the anomalies, the EDNS fields and the extended RCODE.
 * The header part of the line (which shows that RCODE) is written after
 * that pass, then the records are appended to it.  Keys keep the order of
 * SPEC.md.  Names go from the wire (or the decoded question name) straight
 * into the JSON text through a byte table, 8 octets at a time when they
 * need no escape; the question's name is written once and copied for the
 * owners that point to it.  Addresses, numbers and the timestamp are
 * written without printf; the texts of types, classes, header fields and
 * option-less OPT records come from a small cache.  A records are written
 * here; other RDATA goes through dns_rdata_to_str, in place in the output
 * buffer, and is JSON-escaped only when it holds '"' or '\\'.
 *
 * What it drops: RDATA text beyond DNSLOG_DATA_MAX - 1 characters (65535
 * octets of RDATA in hex do not fit; the text is cut there, as the
 * presentation functions cut it).
 */
#include "dnslog.h"

#include <stdlib.h>
#include <string.h>

#include "community_id.h"
#include "dns_rdata.h"
#include "dnspair.h"
#include "fmt.h"
#include "jsonw.h"
#include "mix.h"
#include "swar.h"

#define DNSLOG_FLUSH_AT (256 * 1024)
#define DNSLOG_DATA_MAX 70000  /* buffer given to dns_rdata_to_str */
/* a name as JSON: each octet at most 5 characters ("\\\\DDD" less one),
 * plus the dots */
#define NAME_JSON_MAX (DNS_MAX_NAME * 5 + 8)

/*
 * Recurring runs of text, each a function of a few small numbers: the
 * type and class of a record with the keys around them, the header's
 * opcode, rcode and flags.  A direct-mapped table keyed by those numbers
 * (with the kind in the high bits); a miss builds the text in place.
 */
#define TC_SIZE 128
#define TC_TEXT 116
typedef struct tc_ent {
	uint64_t key;              /* 0: empty */
	uint32_t len;
	char text[TC_TEXT];
} tc_ent_t;

enum { TC_RR = 1, TC_Q = 2, TC_QLIST = 3, TC_HDR = 4, TC_OPT = 5 };

struct dnslog {
	FILE *out;
	jsonw_t w;                 /* lines */
	jsonw_t sec;               /* questions and records of one message */
	int error;
	uint64_t ts_sec;           /* second whose text is cached in ts_text */
	char ts_text[40];          /* "\"2026-03-01T12:00:00." */
	size_t ts_len;
	dnspair_t *pairs;          /* pending queries (NULL: out of memory) */
	char *input_copy;          /* input whose JSON text is cached */
	char *input_json;          /* ",\"input\":\"...\"}\n" */
	size_t input_json_len;
	char qn[NAME_JSON_MAX + 8];/* the question's name as JSON text */
	size_t qn_len;             /* 0: no question */
	tc_ent_t tc[TC_SIZE];      /* texts of mnemonics, see tc_get */
	char data[DNSLOG_DATA_MAX];/* RDATA text needing JSON escapes */
};

dnslog_t *dnslog_new(FILE *out)
{
	dnslog_t *l = calloc(1, sizeof *l);
	if (!l)
		return NULL;
	l->out = out;
	l->ts_sec = UINT64_MAX;
	l->pairs = dnspair_new();
	jsonw_init(&l->w);
	jsonw_init(&l->sec);
	return l;
}

void dnslog_free(dnslog_t *l)
{
	if (!l)
		return;
	jsonw_free(&l->w);
	jsonw_free(&l->sec);
	free(l->input_copy);
	free(l->input_json);
	dnspair_free(l->pairs);
	free(l);
}

/* ---- raw writers: p has room (reserved by the caller) ------------------- */

#define LIT(p, s) (memcpy((p), (s), sizeof(s) - 1), (p) + sizeof(s) - 1)

/* A string known not to need escaping (mnemonics). */
static inline char *put_plain(char *p, const char *s)
{
	while (*s)
		*p++ = *s++;
	return p;
}

/* ip_addr_str's text (inet_ntop's; empty for an unset address); at most
 * FMT_IP6_MAX chars, and one more may be overwritten */
static char *put_addr(char *p, const ip_addr_t *ip)
{
	if (!ip)
		return p;
	if (ip->v == 4)
		return fmt_ip4(p, ip->a);
	if (ip->v == 6)
		return fmt_ip6(p, ip->a, FMT_IP6_INET_NTOP);
	return p;
}

/*
 * Name octets as they appear in the JSON string: dns_name_to_str's
 * presentation form ('.' and '\\' escaped with a backslash, octets outside
 * 0x21..0x7e as \DDD), then JSON-escaped ('"' and '\\').  0: the octet
 * itself.
 */
enum { NC_PLAIN = 0, NC_QUOTE, NC_DOT, NC_BSL, NC_DDD };
static const uint8_t name_class[256] = {
	4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, /* 0x00 */
	4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, /* 0x10 */
	4, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2, 0, /* 0x20: ' ' '"' '.' */
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, /* 0x30 */
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, /* 0x40 */
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 3, 0, 0, 0, /* 0x50: '\\' */
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, /* 0x60 */
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 4, /* 0x70: DEL */
	4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, /* 0x80 */
	4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4,
	4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4,
	4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4,
	4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4,
	4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4,
	4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4,
	4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, /* 0xf0 */
};

/* Are all 8 octets of v plain (0x21..0x7e, not '"', '.' or '\\')? */
static inline bool plain8(uint64_t v)
{
	uint64_t q = v ^ (SWAR_1 * '"'), d = v ^ (SWAR_1 * '.'), b = v ^ (SWAR_1 * '\\');
	uint64_t bad = (v - SWAR_1 * 0x21) | (v + SWAR_1 * (0x80 - 0x7f)) | v;
	bad &= SWAR_HI; /* a high bit: >= 0x80 already, < 0x21, or >= 0x7f */
	bad |= (q - SWAR_1) & ~q & SWAR_HI;
	bad |= (d - SWAR_1) & ~d & SWAR_HI;
	bad |= (b - SWAR_1) & ~b & SWAR_HI;
	return bad == 0;
}

static inline char *put_label(char *p, const uint8_t *s, unsigned n)
{
	unsigned i = 0;
	for (; i + 8 <= n; i += 8) {
		uint64_t v;
		memcpy(&v, s + i, 8);
		if (!plain8(v))
			break;
		memcpy(p, &v, 8);
		p += 8;
	}
	for (; i < n; i++) {
		uint8_t c = s[i];
		*p = (char)c;
		if (name_class[c] == NC_PLAIN) {
			p++;
			continue;
		}
		switch (name_class[c]) {
		case NC_QUOTE:
			p = LIT(p, "\\\"");
			break;
		case NC_DOT:
			p = LIT(p, "\\\\.");
			break;
		case NC_BSL:
			p = LIT(p, "\\\\\\\\");
			break;
		default: /* "\\DDD": the escape's backslash escaped for JSON */
			*p++ = '\\';
			p = fmt_ddd(p, c);
		}
	}
	return p;
}

/* A decoded name, as JSON string contents; at most NAME_JSON_MAX chars. */
static char *put_name(char *p, const dns_name_t *n)
{
	if (n->nlabels == 0) {
		*p++ = '.';
		return p;
	}
	for (unsigned i = 0; i < n->nlabels; i++) {
		unsigned ll;
		const uint8_t *s = dns_name_label(n, i, &ll);
		if (i)
			*p++ = '.';
		p = put_label(p, s, ll);
	}
	return p;
}

/*
 * The name at pos in the wire, which the iterator has already checked
 * (dns_name_read's rules); the checks here only keep a misuse in bounds:
 * it stops at the end of the bytes, after DNS_MAX_HOPS pointers and at
 * 255 octets, so that at most NAME_JSON_MAX chars are written.
 */
static char *put_name_wire(char *p, const uint8_t *wire, size_t len, size_t pos)
{
	unsigned hops = 0, wl = 0;
	bool first = true;

	while (pos < len) {
		unsigned c = wire[pos];
		if (c == 0)
			break;
		if ((c & 0xc0) == 0xc0) {
			if (len - pos < 2 || ++hops > DNS_MAX_HOPS)
				break;
			pos = (c & 0x3f) << 8 | wire[pos + 1];
			continue;
		}
		if ((c & 0xc0) || c >= len - pos || wl + 1 + c + 1 > DNS_MAX_NAME)
			break;
		if (!first)
			*p++ = '.';
		first = false;
		p = put_label(p, wire + pos + 1, c);
		wl += 1 + c;
		pos += 1 + c;
	}
	if (first)
		*p++ = '.';
	return p;
}

/* ---- pieces of a line ------------------------------------------------------ */

static char *put_ts(dnslog_t *l, char *p, uint64_t ts_ns)
{
	uint64_t sec = ts_ns / 1000000000u;
	if (sec != l->ts_sec) {
		char full[40];
		ts_rfc3339(sec * 1000000000u, full, sizeof full);
		/* keep "YYYY-MM-DDTHH:MM:SS." */
		size_t n = strcspn(full, ".");
		l->ts_text[0] = '"';
		memcpy(l->ts_text + 1, full, n + 1);
		l->ts_len = n + 2;
		l->ts_sec = sec;
	}
	unsigned usec = (unsigned)(ts_ns % 1000000000u / 1000u);
	memcpy(p, l->ts_text, l->ts_len);
	p += l->ts_len;
	memcpy(p, fmt_digits2 + 2 * (usec / 10000), 2);
	memcpy(p + 2, fmt_digits2 + 2 * (usec / 100 % 100), 2);
	memcpy(p + 4, fmt_digits2 + 2 * (usec % 100), 2);
	p[6] = 'Z';
	p[7] = '"';
	return p + 8;
}

/* The tail ",\"input\":\"...\"}\n" for this input, cached. */
static bool input_tail(dnslog_t *l, const char *input)
{
	/* by content: the caller's string may be freed and another put at
	 * the same address */
	if (l->input_json && strcmp(l->input_copy, input) == 0)
		return true;
	jsonw_t t;
	jsonw_init(&t);
	jsonw_key(&t, "input");
	jsonw_str(&t, input);
	jsonw_obj_close(&t);
	jsonw_newline(&t);
	char *copy = strdup(input);
	if (t.oom || !copy) {
		jsonw_free(&t);
		free(copy);
		return false;
	}
	free(l->input_json);
	free(l->input_copy);
	/* jsonw_key wrote a comma first only after a value: add it */
	l->input_json = malloc(t.len + 1);
	if (!l->input_json) {
		jsonw_free(&t);
		free(copy);
		l->input_copy = NULL;
		return false;
	}
	l->input_json[0] = ',';
	memcpy(l->input_json + 1, t.buf, t.len);
	l->input_json_len = t.len + 1;
	l->input_copy = copy;
	jsonw_free(&t);
	return true;
}

/* The entry for key (kind in bits 56..59); *hit tells whether its text is
 * there, otherwise the caller builds it (at most TC_TEXT chars). */
static tc_ent_t *tc_get(dnslog_t *l, uint64_t key, bool *hit)
{
	uint64_t h = key * MIX_GOLDEN;
	tc_ent_t *e = &l->tc[h >> 57];
	*hit = e->key == key;
	e->key = key;
	return e;
}

/* '","type":"A","class":"IN","ttl":' (no class for OPT) */
static const tc_ent_t *tc_rr(dnslog_t *l, uint16_t type, uint16_t rclass)
{
	bool hit;
	if (type == DNS_TYPE_OPT)
		rclass = 0;
	tc_ent_t *e = tc_get(l, (uint64_t)TC_RR << 56 | (uint64_t)type << 16 | rclass, &hit);
	if (!hit) {
		char tmp[16], *p = e->text;
		p = LIT(p, "\",\"type\":\"");
		p = put_plain(p, dns_type_str(type, tmp));
		if (type != DNS_TYPE_OPT) { /* class and TTL carry EDNS fields */
			p = LIT(p, "\",\"class\":\"");
			p = put_plain(p, dns_class_str(rclass, tmp));
		}
		p = LIT(p, "\",\"ttl\":");
		e->len = (uint32_t)(p - e->text);
	}
	return e;
}

/* '","qtype":"A"}' (an entry of "questions") */
static const tc_ent_t *tc_qlist(dnslog_t *l, uint16_t type)
{
	bool hit;
	tc_ent_t *e = tc_get(l, (uint64_t)TC_QLIST << 56 | type, &hit);
	if (!hit) {
		char tmp[16], *p = e->text;
		p = LIT(p, "\",\"qtype\":\"");
		p = put_plain(p, dns_type_str(type, tmp));
		p = LIT(p, "\"}");
		e->len = (uint32_t)(p - e->text);
	}
	return e;
}

/* '","qtype":"A","qclass":"IN"' */
static const tc_ent_t *tc_q(dnslog_t *l, uint16_t type, uint16_t qclass)
{
	bool hit;
	tc_ent_t *e = tc_get(l, (uint64_t)TC_Q << 56 | (uint64_t)type << 16 | qclass, &hit);
	if (!hit) {
		char tmp[16], *p = e->text;
		p = LIT(p, "\",\"qtype\":\"");
		p = put_plain(p, dns_type_str(type, tmp));
		p = LIT(p, "\",\"qclass\":\"");
		p = put_plain(p, dns_class_str(qclass, tmp));
		*p++ = '"';
		e->len = (uint32_t)(p - e->text);
	}
	return e;
}

static const struct {
	uint16_t bit;
	const char *name;
} flag_names[] = {
	{DNS_F_AA, "\"aa\""}, {DNS_F_TC, "\"tc\""}, {DNS_F_RD, "\"rd\""}, {DNS_F_RA, "\"ra\""},
	{DNS_F_Z, "\"z\""},   {DNS_F_AD, "\"ad\""}, {DNS_F_CD, "\"cd\""},
};

/* ',"qr":false,"opcode":"QUERY","rcode":"NOERROR","flags":["rd"]' */
static const tc_ent_t *tc_hdr(dnslog_t *l, const dns_msg_t *m)
{
	bool hit;
	uint16_t fl = m->flags & (DNS_F_AA | DNS_F_TC | DNS_F_RD | DNS_F_RA | DNS_F_Z | DNS_F_AD |
				  DNS_F_CD);
	uint64_t key = (uint64_t)TC_HDR << 56 | (uint64_t)(m->qr != 0) << 48 |
		       (uint64_t)m->opcode << 40 | (uint64_t)m->rcode << 16 | fl;
	tc_ent_t *e = tc_get(l, key, &hit);
	if (!hit) {
		char tmp[16], *p = e->text;
		if (m->qr)
			p = LIT(p, ",\"qr\":true,\"opcode\":\"");
		else
			p = LIT(p, ",\"qr\":false,\"opcode\":\"");
		p = put_plain(p, dns_opcode_str(m->opcode, tmp));
		p = LIT(p, "\",\"rcode\":\"");
		p = put_plain(p, dns_rcode_str(m->rcode, tmp));
		p = LIT(p, "\",\"flags\":[");
		bool any = false;
		for (size_t i = 0; i < sizeof flag_names / sizeof flag_names[0]; i++)
			if (fl & flag_names[i].bit) {
				if (any)
					*p++ = ',';
				any = true;
				p = put_plain(p, flag_names[i].name);
			}
		*p++ = ']';
		e->len = (uint32_t)(p - e->text);
	}
	return e;
}

/* (up to 63 bytes past the text may be overwritten: callers reserve
 * TC_SLACK more) */
#define TC_SLACK 64
static inline char *put_tc(char *p, const tc_ent_t *e)
{
	if (e->len <= TC_SLACK)
		memcpy(p, e->text, TC_SLACK);
	else
		memcpy(p, e->text, e->len);
	return p + e->len;
}

/* Index of the first '"' or '\\' in p[0..n), or n; 8 bytes at a time. */
static size_t first_quote_or_bsl(const char *p, size_t n)
{
	size_t i = 0;
	for (; i + 8 <= n; i += 8) {
		uint64_t v, a, b;
		memcpy(&v, p + i, 8);
		a = v ^ (SWAR_1 * '"');
		b = v ^ (SWAR_1 * '\\');
		if (((a - SWAR_1) & ~a & SWAR_HI) | ((b - SWAR_1) & ~b & SWAR_HI))
			break;
	}
	while (i < n && p[i] != '"' && p[i] != '\\')
		i++;
	return i;
}

/* RDATA of rr as a JSON string (quotes included) at the end of s; returns
 * dns_rdata_to_str's verdict (< 0: malformed). */
static int put_rdata(dnslog_t *l, jsonw_t *s, const dns_msg_t *m, const dns_rr_t *rr)
{
	char *p = jsonw_reserve(s, 2 * DNSLOG_DATA_MAX + 2);
	if (!p)
		return 0;
	*p++ = '"';
	if (rr->type == DNS_TYPE_A && rr->rdlen == 4 && (size_t)rr->rdoff + 4 <= m->len) {
		/* A: as dns_rdata_to_str writes it, nothing to escape */
		p = fmt_ip4(p, m->wire + rr->rdoff);
		*p++ = '"';
		jsonw_commit(s, p);
		return 0;
	}
	if (rr->type == DNS_TYPE_OPT && rr->rdlen == 0) {
		/* OPT without options: its text depends on class and TTL only */
		bool hit;
		tc_ent_t *e = tc_get(l, (uint64_t)TC_OPT << 56 | (uint64_t)rr->rclass << 32 | rr->ttl,
				     &hit);
		if (!hit) {
			int rc = dns_rdata_to_str(m, rr, e->text, TC_TEXT);
			if (rc < 0 || rc >= TC_TEXT - 1 || first_quote_or_bsl(e->text, (size_t)rc) < (size_t)rc) {
				e->key = 0;
				goto render;
			}
			e->text[rc++] = '"';
			e->len = (uint32_t)rc;
		}
		jsonw_commit(s, put_tc(p, e));
		return 0;
	}
render:;
	int rc = dns_rdata_to_str(m, rr, p, DNSLOG_DATA_MAX);
	size_t n = rc >= 0 && rc < DNSLOG_DATA_MAX ? (size_t)rc : strlen(p);
	/* printable ASCII: only '"' and '\\' need escaping */
	size_t i = first_quote_or_bsl(p, n);
	if (i < n) {
		memcpy(l->data, p + i, n - i);
		char *o = p + i;
		for (size_t j = 0; j < n - i; j++) {
			char c = l->data[j];
			if (c == '"' || c == '\\')
				*o++ = '\\';
			*o++ = c;
		}
		p = o;
	} else {
		p += n;
	}
	*p++ = '"';
	jsonw_commit(s, p);
	return rc;
}

/* Does the line have a key for this section? */
static bool section_shown(const dns_msg_t *m, int sec)
{
	return sec == DNS_SEC_QUESTION ? m->count[0] > 1
	       : sec == DNS_SEC_ANSWER ? true : m->count[sec] > 0;
}

/* Close the open section's array and open, in order, those up to `to`
 * (sections that have no key are passed over; 4 closes the last). */
static inline void sections_to(jsonw_t *s, const dns_msg_t *m, int *open, int to)
{
	char *p = jsonw_reserve(s, 64);
	if (!p)
		return;
	for (; *open < to; (*open)++) {
		if (*open >= 0 && section_shown(m, *open))
			*p++ = ']';
		switch (*open + 1) {
		case DNS_SEC_QUESTION:
			if (m->count[0] > 1)
				p = LIT(p, ",\"questions\":[");
			break;
		case DNS_SEC_ANSWER:
			p = LIT(p, ",\"answers\":[");
			break;
		case DNS_SEC_AUTHORITY:
			if (m->count[2])
				p = LIT(p, ",\"authority\":[");
			break;
		case DNS_SEC_ADDITIONAL:
			if (m->count[3])
				p = LIT(p, ",\"additional\":[");
			break;
		}
	}
	jsonw_commit(s, p);
}

/* Every question (when there are several) and record, into l->sec; fills
 * m's anomalies, EDNS fields and extended RCODE on the way. */
static void write_records(dnslog_t *l, dns_msg_t *m)
{
	jsonw_t *s = &l->sec;
	dns_rr_iter_t it;
	dns_rr_t rr;
	int rc, open = -1;
	bool first = true;

	s->len = 0;
	dns_rr_iter_init(&it, m);
	it.no_names = true;
	dns_rr_iter_skip_question(&it);
	for (;;) {
		uint32_t at = it.pos;
		if ((rc = dns_rr_next(&it, &rr)) != 1)
			break;
		if (rr.section == DNS_SEC_QUESTION && m->count[0] <= 1)
			continue;
		if (open != rr.section) {
			sections_to(s, m, &open, rr.section);
			first = true;
		}
		char *p = jsonw_reserve(s, NAME_JSON_MAX + 256);
		if (!p)
			return;
		if (!first)
			*p++ = ',';
		first = false;
		if (rr.section == DNS_SEC_QUESTION) {
			p = LIT(p, "{\"qname\":\"");
			p = put_name_wire(p, m->wire, m->len, at);
			p = put_tc(p, tc_qlist(l, rr.type));
			jsonw_commit(s, p);
			continue;
		}
		p = LIT(p, "{\"name\":\"");
		if (l->qn_len && at + 2 <= m->len && m->wire[at] == 0xc0 &&
		    m->wire[at + 1] == DNS_HEADER_LEN) {
			/* a pointer to the question's name, already written */
			memcpy(p, l->qn, l->qn_len);
			p += l->qn_len;
		} else {
			p = put_name_wire(p, m->wire, m->len, at);
		}
		p = put_tc(p, tc_rr(l, rr.type, rr.rclass));
		p = fmt_u32(p, rr.ttl);
		p = LIT(p, ",\"data\":");
		jsonw_commit(s, p);
		int n = put_rdata(l, s, m, &rr);
		if (n < 0)
			m->anomalies |= DNS_ANOM_RDLEN;
		if (!(p = jsonw_reserve(s, 24)))
			return;
		if (n < 0)
			p = LIT(p, ",\"malformed\":true");
		*p++ = '}';
		jsonw_commit(s, p);
	}
	if (rc == 0 && it.pos < m->len)
		m->anomalies |= DNS_ANOM_TRAILING;
	sections_to(s, m, &open, 4);
}

static const struct {
	uint32_t bit;
	const char *name;
} anomaly_names[] = {
	{DNS_ANOM_TRUNC_RR, "truncated_rr"},   {DNS_ANOM_BAD_NAME, "bad_name"},
	{DNS_ANOM_RDLEN, "rdlength_mismatch"}, {DNS_ANOM_TRAILING, "trailing_bytes"},
	{DNS_ANOM_MULTI_Q, "multiple_questions"}, {DNS_ANOM_NO_Q, "no_question"},
	{DNS_ANOM_FWD_PTR, "forward_pointer"}, {DNS_ANOM_Z, "z_bit"},
	{DNS_ANOM_BAD_OPT, "bad_opt"},         {DNS_ANOM_NUL_IN_NAME, "nul_in_name"},
	{DNS_ANOM_TC, "truncated_response"},
};

/* header part, question included: 2 addresses, mnemonics, flags, a name */
#define HEAD_MAX (NAME_JSON_MAX + 512)
/* edns, anomalies, size and the pivots */
#define TAIL_MAX 768

/* ,"frame":N,"community_id":"1:...", and for a paired response
 * ,"query_frame":N,"rtt":S.UUUUUU */
static char *put_pivots(dnslog_t *l, char *p, uint64_t ts_ns, const ip_addr_t *src,
			uint16_t sport, const ip_addr_t *dst, uint16_t dport, uint8_t transport,
			uint64_t frame, const dns_msg_t *m)
{
	if (frame) {
		p = LIT(p, ",\"frame\":");
		p = fmt_u64(p, frame);
	}
	if (src->v == dst->v && (src->v == 4 || src->v == 6)) {
		char cid[COMMUNITY_ID_LEN];
		size_t n = community_id_v1(0, src->a, dst->a, src->v == 4 ? 4 : 16, transport, sport,
					   dport, cid);
		p = LIT(p, ",\"community_id\":\"");
		memcpy(p, cid, n);
		p += n;
		*p++ = '"';
	}
	if (!l->pairs || !frame)
		return p;
	if (!m->qr) {
		dnspair_query(l->pairs, src, sport, dst, dport, transport, m->id, ts_ns, frame);
		return p;
	}
	uint64_t qts, qframe;
	if (!dnspair_response(l->pairs, src, sport, dst, dport, transport, m->id, ts_ns, &qts,
			      &qframe))
		return p;
	uint64_t us = (ts_ns - qts + 500) / 1000;
	p = LIT(p, ",\"query_frame\":");
	p = fmt_u64(p, qframe);
	p = LIT(p, ",\"rtt\":");
	p = fmt_u64(p, us / 1000000);
	unsigned frac = (unsigned)(us % 1000000);
	*p++ = '.';
	memcpy(p, fmt_digits2 + 2 * (frac / 10000), 2);
	memcpy(p + 2, fmt_digits2 + 2 * (frac / 100 % 100), 2);
	memcpy(p + 4, fmt_digits2 + 2 * (frac % 100), 2);
	return p + 6;
}

void dnslog_write(dnslog_t *l, uint64_t ts_ns, const ip_addr_t *src, uint16_t sport,
		  const ip_addr_t *dst, uint16_t dport, uint8_t transport, uint64_t frame,
		  dns_msg_t *m, const char *input)
{
	jsonw_t *w = &l->w;

	/* frame numbers restart with each input: so do the pairs */
	if (l->pairs && (!l->input_copy || strcmp(l->input_copy, input) != 0))
		dnspair_reset(l->pairs);

	l->qn_len = m->has_question ? (size_t)(put_name(l->qn, &m->qname) - l->qn) : 0;
	write_records(l, m);
	if (!input_tail(l, input)) {
		l->error = 1;
		return;
	}

	size_t need = HEAD_MAX + l->sec.len + TAIL_MAX + l->input_json_len;
	char *p = jsonw_reserve(w, need);
	if (!p) {
		l->error = 1;
		return;
	}
	p = LIT(p, "{\"ts\":");
	p = put_ts(l, p, ts_ns);
	p = LIT(p, ",\"src\":\"");
	p = put_addr(p, src);
	p = LIT(p, "\",\"sport\":");
	p = fmt_u32(p, sport);
	p = LIT(p, ",\"dst\":\"");
	p = put_addr(p, dst);
	p = LIT(p, "\",\"dport\":");
	p = fmt_u32(p, dport);
	if (transport == 6)
		p = LIT(p, ",\"transport\":\"tcp\",\"id\":");
	else
		p = LIT(p, ",\"transport\":\"udp\",\"id\":");
	p = fmt_u32(p, m->id);
	p = put_tc(p, tc_hdr(l, m));
	if (m->has_question) {
		p = LIT(p, ",\"qname\":\"");
		memcpy(p, l->qn, l->qn_len);
		p += l->qn_len;
		p = put_tc(p, tc_q(l, m->qtype, m->qclass & ~DNS_CLASS_MDNS_BIT));
	} else {
		p = LIT(p, ",\"qname\":null,\"qtype\":null,\"qclass\":null");
	}
	memcpy(p, l->sec.buf, l->sec.len);
	p += l->sec.len;
	if (m->has_edns) {
		p = LIT(p, ",\"edns\":{\"udp_size\":");
		p = fmt_u32(p, m->edns_udp_size);
		p = LIT(p, ",\"version\":");
		p = fmt_u32(p, m->edns_version);
		if (m->edns_do)
			p = LIT(p, ",\"do\":true}");
		else
			p = LIT(p, ",\"do\":false}");
	}
	if (m->anomalies) {
		p = LIT(p, ",\"anomalies\":[");
		bool any = false;
		for (size_t i = 0; i < sizeof anomaly_names / sizeof anomaly_names[0]; i++)
			if (m->anomalies & anomaly_names[i].bit) {
				if (any)
					*p++ = ',';
				any = true;
				*p++ = '"';
				p = put_plain(p, anomaly_names[i].name);
				*p++ = '"';
			}
		*p++ = ']';
	}
	p = LIT(p, ",\"size\":");
	p = fmt_u32(p, m->len);
	p = put_pivots(l, p, ts_ns, src, sport, dst, dport, transport, frame, m);
	memcpy(p, l->input_json, l->input_json_len);
	p += l->input_json_len;
	jsonw_commit(w, p);
	if (l->sec.oom)
		l->error = 1;
	if (w->len >= DNSLOG_FLUSH_AT && jsonw_flush(w, l->out) < 0)
		l->error = 1;
}

int dnslog_flush(dnslog_t *l)
{
	if (jsonw_flush(&l->w, l->out) < 0 || l->w.oom || l->sec.oom)
		l->error = 1;
	if (fflush(l->out) != 0)
		l->error = 1;
	return l->error ? -1 : 0;
}
