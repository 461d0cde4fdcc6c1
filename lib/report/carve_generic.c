/*
 * carve_generic.c - what a tunnel without a known framing carried:
 *
 *   - records in the answer, authority or additional section of queries
 *     (data a client pushes out inside its questions): their RDATA in
 *     order, TXT character-strings joined, into query-records.bin;
 *   - the labels before the zone of the query names, when they are hex,
 *     base32 or base64 text (the encoding all of them fit), decoded into
 *     query-data.bin.  A leading all-digit label is taken as a sequence
 *     number (as exfiltration scripts and DNSExfiltrator number their
 *     chunks): chunks are put in its order, repeats dropped and missing
 *     numbers named as gaps;
 *   - the answers of the responses, one line per answer (time, type, data
 *     in hex), into responses.txt: what the server sent, not decoded.
 *
 * Copies of one message count once: a message equal to one of the last
 * few within 50 ms is skipped (a capture on both sides of a NAT), and a
 * query name seen again within two seconds adds nothing to query-data.bin
 * (a resolver's copy of the client's query, a retry); with sequence
 * numbers, a number seen before adds nothing either; a response equal to
 * one within two seconds (its ID aside) is written once.  Records in
 * queries are kept as often as they were sent.
 */
#include "carve.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ascii.h"

#define RECENT 8
#define MAX_RR 64
#define MAX_SEQ_GAPS 16

typedef struct chunk {
	uint64_t seq;
	size_t order;
	bool numbered;
	char *text;       /* the labels joined, no dots */
} chunk_t;

/* Is this message a copy of a recent one? */
static bool is_copy(const carve_msg_t *const *recent, const carve_msg_t *m)
{
	for (int i = 0; i < RECENT; i++) {
		const carve_msg_t *r = recent[i];
		if (r && r->len == m->len && m->ts_ns - r->ts_ns <= 50000000ull &&
		    memcmp(r->wire, m->wire, m->len) == 0)
			return true;
	}
	return false;
}

static int cmp_chunk(const void *a, const void *b)
{
	const chunk_t *x = a, *y = b;
	if (x->seq != y->seq)
		return x->seq < y->seq ? -1 : 1;
	return x->order < y->order ? -1 : x->order > y->order;
}

/* Does every chunk fit alphabet tab (dots ignored, '=' only at the end)? */
static bool all_fit(const chunk_t *c, size_t n, const int8_t *tab, bool even)
{
	for (size_t i = 0; i < n; i++) {
		const char *t = c[i].text;
		size_t l = strlen(t);
		while (l && t[l - 1] == '=')
			l--;
		if (even && l % 2)
			return false;
		for (size_t k = 0; k < l; k++)
			if (tab[(unsigned char)t[k]] < 0)
				return false;
	}
	return true;
}

/*
 * Were the chunks encoded each on its own (a script that encodes every
 * piece it sends), rather than cut from one encoded text?  A chunk padded
 * with '=' says so; so do chunks whose length leaves bits over that are
 * all zero, as an encoder leaves them (a cut text leaves data bits there):
 * at least two such chunks, and none with bits set.
 */
static bool own_chunks(const chunk_t *c, size_t n, const int8_t *tab, unsigned bits)
{
	size_t zero = 0;
	for (size_t i = 0; i < n; i++) {
		const char *t = c[i].text;
		size_t l = strlen(t);
		if (l && t[l - 1] == '=')
			return true;
		unsigned left = (unsigned)(l * bits % 8);
		if (!l || !left)
			continue;
		int v = tab[(unsigned char)t[l - 1]];
		if (v < 0 || (v & ((1 << left) - 1)))
			return false;
		zero++;
	}
	return zero >= 2;
}

/* The query payloads of the last RECENT_NAMES queries, with their times:
 * the same payload again within two seconds is a copy (a resolver's
 * forward of the client's query, a retry), not new data. */
#define RECENT_NAMES 64
typedef struct recent_names {
	uint32_t h[RECENT_NAMES];
	uint64_t ts[RECENT_NAMES];
	size_t pos;
} recent_names_t;

static uint32_t str_hash(const char *s, size_t n)
{
	uint32_t h = 2166136261u;
	for (size_t i = 0; i < n; i++)
		h = (h ^ (unsigned char)s[i]) * 16777619u;
	return h | 1;
}

/* Is text (n octets) a copy of a recent one?  Remembers it either way. */
static bool recent_copy(recent_names_t *r, const char *text, size_t n, uint64_t ts)
{
	uint32_t h = str_hash(text, n);
	bool copy = false;
	for (size_t i = 0; i < RECENT_NAMES; i++)
		if (r->h[i] == h && ts - r->ts[i] <= 2000000000ull)
			copy = true;
	r->h[r->pos] = h;
	r->ts[r->pos] = ts;
	r->pos = (r->pos + 1) % RECENT_NAMES;
	return copy;
}

/*
 * What a response of an unknown framing carried: one line per response,
 * "<time> <record type> <hex>" for each answer with data (TXT strings
 * joined, NULL and others raw, the labels before the zone of CNAME, MX and
 * NS names), into responses.txt; never interpreted.
 */
static void response_line(carve_out_t *o, carve_buf_t **b, const carve_job_t *j, dns_msg_t *m,
			  uint64_t ts)
{
	carve_rr_t rr[MAX_RR];
	size_t nr = carve_records(m, false, rr, MAX_RR);
	static const char hx[] = "0123456789abcdef";
	for (size_t k = 0; k < nr; k++) {
		uint8_t data[65536];
		size_t n = 0;
		uint16_t t = rr[k].type;
		if (t == DNS_TYPE_TXT) {
			n = carve_txt(rr[k].rdata, rr[k].rdlen, data, sizeof data);
		} else if (t == DNS_TYPE_CNAME || t == DNS_TYPE_MX || t == DNS_TYPE_NS) {
			size_t pos = rr[k].rdoff + (t == DNS_TYPE_MX ? 2 : 0);
			dns_name_t nm;
			char text[DNS_MAX_NAME + 1];
			if (rr[k].rdlen < (t == DNS_TYPE_MX ? 2 : 0) ||
			    dns_name_read_part(m->wire, m->len, rr[k].rdoff + rr[k].rdlen, &pos,
					       &nm) != 0)
				continue;
			long tl = carve_name_payload(j, &nm, true, text, sizeof text, NULL);
			if (tl <= 0)
				continue;
			n = (size_t)tl;
			memcpy(data, text, n);
		} else if (t != DNS_TYPE_OPT) {
			n = rr[k].rdlen;
			memcpy(data, rr[k].rdata, n);
		}
		if (!n)
			continue;
		if (!*b && !(*b = carve_file(o, "responses.txt",
					     "answers of the responses, one a line: time, record "
					     "type, data in hex (TXT strings joined; names: the "
					     "labels before the zone); not decoded")))
			return;
		char head[64], tmp[16];
		int hl = snprintf(head, sizeof head, "%llu.%06llu %s ",
				  (unsigned long long)(ts / 1000000000u),
				  (unsigned long long)(ts % 1000000000u / 1000u),
				  dns_type_str(t, tmp));
		cbuf_put(*b, head, (size_t)hl);
		for (size_t i = 0; i < n; i++) {
			char c2[2] = {hx[data[i] >> 4], hx[data[i] & 15]};
			cbuf_put(*b, c2, 2);
		}
		cbuf_put(*b, "\n", 1);
	}
}

/*
 * DNSExfiltrator's first query, init.<base32 of "file name|chunks">.base64
 * (or .base32): named in the notes (printable ASCII kept, other octets as
 * \DDD); *chunks receives the announced count.  true when it decoded.
 */
static bool init_query(carve_out_t *o, const dns_msg_t *m, uint64_t *chunks)
{
	unsigned len;
	const uint8_t *p = dns_name_label(&m->qname, 1, &len);
	uint8_t raw[64];
	long n = carve_decode_bits((const char *)p, len, carve_alphabet(CARVE_B32), 5, raw,
				   sizeof raw - 1);
	if (n <= 0)
		return false;
	char text[64 * 4 + 1];
	size_t w = 0;
	for (long i = 0; i < n; i++) {
		if (raw[i] >= 0x20 && raw[i] < 0x7f && raw[i] != '\\')
			text[w++] = (char)raw[i];
		else
			w += (size_t)snprintf(text + w, sizeof text - w, "\\%03u", raw[i]);
	}
	text[w] = 0;
	const char *bar = strrchr(text, '|');
	if (bar && bar[1] >= '0' && bar[1] <= '9')
		*chunks = strtoull(bar + 1, NULL, 10);
	carve_note(o, "an init query announces \"%s\" (file name|chunks, as DNSExfiltrator "
		      "sends it)", text);
	return true;
}

void carve_generic(carve_job_t *j, carve_out_t *o)
{
	const carve_msg_t *recent[RECENT] = {0};
	unsigned rpos = 0;
	carve_buf_t *rec = NULL;
	chunk_t *ch = NULL;
	size_t nch = 0, cch = 0, nseq = 0, nplain = 0;
	recent_names_t seen = {0}, seen_resp = {0};
	carve_buf_t *resp = NULL;
	bool announced = false;
	uint64_t announce = 0;
	size_t nrec = 0;
	o->decoding = "generic";

	for (size_t i = 0; i < j->n; i++) {
		const carve_msg_t *msg = &j->msgs[i];
		if (is_copy(recent, msg))
			continue;
		recent[rpos++ % RECENT] = msg;
		dns_msg_t m;
		if (carve_parse(msg, &m) != 0)
			continue;
		if (m.qr) {
			if (!recent_copy(&seen_resp, (const char *)msg->wire + 2, msg->len - 2,
					 msg->ts_ns))
				response_line(o, &resp, j, &m, msg->ts_ns);
			continue;
		}
		/* records carried in a query */
		if (m.count[1] || m.count[2] || m.count[3]) {
			carve_rr_t rr[MAX_RR];
			size_t nr = carve_records(&m, true, rr, MAX_RR);
			for (size_t k = 0; k < nr; k++) {
				if (rr[k].type == DNS_TYPE_OPT || rr[k].rdlen == 0)
					continue;
				if (!rec && !(rec = carve_file(o, "query-records.bin",
							       "RDATA of records carried in queries, "
							       "in order; TXT strings joined")))
					break;
				if (rr[k].type == DNS_TYPE_TXT) {
					uint8_t t[65536];
					size_t tl = carve_txt(rr[k].rdata, rr[k].rdlen, t, sizeof t);
					cbuf_put(rec, t, tl);
				} else {
					cbuf_put(rec, rr[k].rdata, rr[k].rdlen);
				}
				nrec++;
			}
		}
		/* the query name's payload labels */
		if (msg->npay == 0)
			continue;
		char text[DNS_MAX_NAME + 1];
		char first[64];
		unsigned flen;
		const uint8_t *fl = dns_name_label(&m.qname, 0, &flen);
		if (msg->npay >= 2 && ascii_label_eq(fl, flen, "init") && !announced)
			announced = init_query(o, &m, &announce);
		bool numbered = msg->npay > 1 && flen > 0 && flen <= 12;
		for (unsigned k = 0; numbered && k < flen; k++)
			if (fl[k] < '0' || fl[k] > '9')
				numbered = false;
		size_t tl = carve_qpayload(&m, msg->npay, false, text, sizeof text);
		if (numbered) {
			memcpy(first, fl, flen);
			first[flen] = 0;
			nseq++;
		} else {
			nplain++;
		}
		if (recent_copy(&seen, text, tl, msg->ts_ns))
			continue;
		char *dup = strdup(text);
		if (!dup)
			continue;
		if (nch == cch) {
			size_t c = cch ? 2 * cch : 64;
			chunk_t *v = realloc(ch, c * sizeof *v);
			if (!v) {
				free(dup);
				continue;
			}
			ch = v;
			cch = c;
		}
		ch[nch] = (chunk_t){numbered ? strtoull(first, NULL, 10) : 0, nch, numbered, dup};
		if (numbered)
			memmove(ch[nch].text, ch[nch].text + flen, tl - flen + 1);
		nch++;
	}
	if (nrec)
		o->decoding = "records in queries";

	/* Sequence numbers when most chunks carry one: the others (an init
	 * query, a final marker) are left out and named. */
	bool seqmode = nseq > 0 && nseq >= 4 * nplain;
	size_t nuse = nch;
	if (seqmode) {
		size_t w = 0;
		for (size_t i = 0; i < nch; i++) {
			if (ch[i].numbered)
				ch[w++] = ch[i];
			else
				free(ch[i].text);
		}
		if (w < nch)
			carve_note(o, "%zu queries without a sequence number (a first or last "
				      "marker) left out of query-data.bin", nch - w);
		nuse = nch = w;
		qsort(ch, nuse, sizeof *ch, cmp_chunk);
	}

	if (nuse) {
		static const struct {
			enum carve_alpha a;
			unsigned bits;
			bool even;
			const char *name;
		} enc[] = {
			{CARVE_HEX, 4, true, "hex"},
			{CARVE_B32, 5, false, "base32"},
			{CARVE_B64, 6, false, "base64"},
		};
		int pick = -1;
		for (size_t e = 0; e < sizeof enc / sizeof *enc && pick < 0; e++)
			if (all_fit(ch, nuse, carve_alphabet(enc[e].a), enc[e].even))
				pick = (int)e;
		if (pick < 0) {
			carve_note(o, "query name labels of %zu queries fit no hex, base32 or base64 "
				      "alphabet: not decoded (their text is in query-names.txt)", nuse);
			carve_buf_t *b = carve_file(o, "query-names.txt",
						    "payload labels of the query names, one a line, "
						    "not decoded");
			for (size_t i = 0; b && i < nuse; i++) {
				cbuf_put(b, ch[i].text, strlen(ch[i].text));
				cbuf_put(b, "\n", 1);
			}
		} else {
			char dec[128];
			snprintf(dec, sizeof dec, "%s of the query name labels%s", enc[pick].name,
				 seqmode ? ", in sequence-number order" : ", in capture order");
			carve_buf_t *b = carve_file(o, "query-data.bin", dec);
			bool per_chunk = own_chunks(ch, nuse, carve_alphabet(enc[pick].a),
						    enc[pick].bits);
			/* chunks encoded on their own are decoded one by one,
			 * others as one text (a stream split anywhere) */
			size_t tot = 0;
			for (size_t i = 0; i < nuse; i++)
				tot += strlen(ch[i].text);
			char *all = per_chunk ? NULL : malloc(tot + 1);
			size_t at = 0;
			uint64_t prev = 0;
			size_t ngap = 0;
			for (size_t i = 0; b && i < nuse; i++) {
				if (seqmode && i > 0 && ch[i].seq == prev)
					continue; /* a repeat of the same number */
				if (seqmode && i > 0 && ch[i].seq > prev + 1) {
					if (ngap++ >= MAX_SEQ_GAPS)
						;
					else if (ch[i].seq == prev + 2)
						carve_gap(o, "sequence number %llu missing",
							  (unsigned long long)(prev + 1));
					else
						carve_gap(o, "sequence numbers %llu to %llu missing",
							  (unsigned long long)(prev + 1),
							  (unsigned long long)(ch[i].seq - 1));
				}
				prev = ch[i].seq;
				size_t l = strlen(ch[i].text);
				if (all) {
					memcpy(all + at, ch[i].text, l);
					at += l;
				} else {
					uint8_t out[DNS_MAX_NAME];
					long n = carve_decode_bits(ch[i].text, l,
								   carve_alphabet(enc[pick].a),
								   enc[pick].bits, out, sizeof out);
					if (n > 0)
						cbuf_put(b, out, (size_t)n);
				}
			}
			if (seqmode && announce && nuse && prev + 1 < announce)
				carve_gap(o, "sequence numbers %llu to %llu missing (the init query "
					     "announced %llu chunks)",
					  (unsigned long long)(prev + 1),
					  (unsigned long long)(announce - 1),
					  (unsigned long long)announce);
			if (ngap > MAX_SEQ_GAPS)
				carve_gap(o, "%zu more runs of missing sequence numbers",
					  ngap - MAX_SEQ_GAPS);
			if (all && b) {
				size_t cap = at;
				uint8_t *out = malloc(cap + 1);
				if (out) {
					long n = carve_decode_bits(all, at,
								   carve_alphabet(enc[pick].a),
								   enc[pick].bits, out, cap + 1);
					if (n > 0)
						cbuf_put(b, out, (size_t)n);
					free(out);
				}
			}
			free(all);
			o->decoding = nrec ? "records in queries; query name labels"
					   : "query name labels";
		}
	}
	if (j->tool && strcmp(j->tool, "dnsexfiltrator") == 0)
		carve_note(o, "DNSExfiltrator encrypts with RC4 under a key that is not in the "
			      "capture: query-data.bin holds the bytes as decoded, still encrypted");

	for (size_t i = 0; i < nch; i++)
		free(ch[i].text);
	free(ch);
}
