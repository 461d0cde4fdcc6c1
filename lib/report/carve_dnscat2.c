/*
 * carve_dnscat2.c - dnscat2's framing (its doc/protocol.md), for --carve.
 *
 * A query name carries one dnscat2 packet in hex, split into labels, before
 * the zone (or after a leading "dnscat" label when the client talks to the
 * server directly); the response carries the server's packet in a TXT
 * record (hex), in the labels of a CNAME, MX or NS name before the zone, or
 * raw in A or AAAA answers (blocks led by a sequence octet, sorted on it;
 * the first octet of the joined blocks is the length).  A packet is
 *
 *   packet_id u16, type u8, session_id u16, then by type
 *     SYN 0x00: seq u16, options u16 [, name (NUL-terminated) if options&1]
 *     MSG 0x01: seq u16, ack u16, data...
 *     FIN 0x02: reason (NUL-terminated)
 *     ENC 0x03: subtype u16, flags u16, ...   (encryption negotiation)
 *     PING 0xff
 *
 * The SEQ of a MSG is the sender's byte offset (from the SYN's initial
 * number, modulo 2^16): data at the expected offset is appended, data
 * before it (a retransmission, a resolver's copy) is dropped, data after
 * it leaves a gap that is named.  Each session gives
 * session-<id>-client.bin (what the client sent, in queries) and
 * session-<id>-server.bin (in responses).  A session that negotiated
 * encryption (ENC seen, or MSG bodies that fail the seq/ack check) has
 * its packets encrypted with keys that are not in the capture: its
 * packets are written one a line in hex (session-<id>-packets.txt), with
 * a note saying so.
 */
#include "carve.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ascii.h"
#include "rd.h"

#define MAX_SESSIONS 64
#define MAX_RR 16
#define MAX_GAPS_PER_DIR 8

enum { D_CLIENT = 0, D_SERVER = 1 };

typedef struct dir_state {
	bool have_seq;
	uint16_t next;          /* expected offset */
	uint64_t bytes;
	uint64_t msgs, jumps;   /* MSG packets with data; of them, ahead of next */
	unsigned ngaps;
	char *gaps[MAX_GAPS_PER_DIR];
	carve_buf_t out;
} dir_state_t;

typedef struct session {
	uint16_t id;
	bool enc_seen;          /* an ENC packet */
	char name[64];
	dir_state_t d[2];
	carve_buf_t packets;    /* every packet, one a line, hex */
	uint64_t npackets;
} session_t;

typedef struct ctx {
	carve_job_t *j;
	carve_out_t *o;
	session_t s[MAX_SESSIONS];
	size_t ns;
	uint64_t nsessions_over, undecodable, a_answers;
} ctx_t;

static session_t *session(ctx_t *c, uint16_t id)
{
	for (size_t i = 0; i < c->ns; i++)
		if (c->s[i].id == id)
			return &c->s[i];
	if (c->ns == MAX_SESSIONS) {
		c->nsessions_over++;
		return NULL;
	}
	session_t *s = &c->s[c->ns++];
	memset(s, 0, sizeof *s);
	s->id = id;
	return s;
}

static void put_data(session_t *s, int dir, uint16_t seq, const uint8_t *p, size_t n)
{
	dir_state_t *d = &s->d[dir];
	if (!d->have_seq) {
		d->have_seq = true;
		d->next = seq;
	}
	if (n == 0)
		return;
	d->msgs++;
	uint16_t start = seq;
	uint16_t ahead = (uint16_t)(seq - d->next);
	if (ahead >= 0x8000) {
		/* starts before what we have: a retransmission, maybe longer */
		uint16_t back = (uint16_t)(d->next - seq);
		if (back >= n)
			return;
		p += back;
		n -= back;
		start = d->next;
	} else if (ahead > 0) {
		d->jumps++;
		if (d->ngaps < MAX_GAPS_PER_DIR) {
			char buf[160];
			snprintf(buf, sizeof buf,
				 "session %04x %s: %u bytes missing before offset %llu "
				 "(sequence number %u)", s->id, dir == D_CLIENT ? "client" : "server",
				 ahead, (unsigned long long)(d->bytes + ahead), seq);
			if ((d->gaps[d->ngaps] = strdup(buf)) != NULL)
				d->ngaps++;
		}
		d->bytes += ahead;
	}
	cbuf_put(&d->out, p, n);
	d->bytes += n;
	d->next = (uint16_t)(start + n);
}

static void log_packet(session_t *s, int dir, const carve_msg_t *msg, const uint8_t *p, size_t n)
{
	char head[64];
	int hl = snprintf(head, sizeof head, "%llu.%06llu %s ",
			  (unsigned long long)(msg->ts_ns / 1000000000u),
			  (unsigned long long)(msg->ts_ns % 1000000000u / 1000u),
			  dir == D_CLIENT ? "client" : "server");
	cbuf_put(&s->packets, head, (size_t)hl);
	static const char hx[] = "0123456789abcdef";
	for (size_t i = 0; i < n; i++) {
		char b[2] = {hx[p[i] >> 4], hx[p[i] & 15]};
		cbuf_put(&s->packets, b, 2);
	}
	cbuf_put(&s->packets, "\n", 1);
	s->npackets++;
}

/* Move buf into a new file of o. */
static void emit(carve_out_t *o, carve_buf_t *buf, const char *name, const char *dec)
{
	carve_buf_t *f = carve_file(o, name, dec);
	if (f) {
		*f = *buf;
		memset(buf, 0, sizeof *buf);
	}
}

/* Is the session encrypted?  An ENC packet says so; without one (the
 * capture began later), the MSG sequence numbers of an encrypted session
 * are ciphertext and jump about, where a plain session's follow its
 * bytes. */
static bool encrypted(const session_t *s)
{
	if (s->enc_seen)
		return true;
	uint64_t msgs = s->d[0].msgs + s->d[1].msgs, jumps = s->d[0].jumps + s->d[1].jumps;
	return jumps >= 2 && jumps * 4 >= msgs;
}

/* One dnscat2 packet from direction dir. */
static void packet(ctx_t *c, int dir, const carve_msg_t *msg, const uint8_t *p, size_t n)
{
	rd_t r;
	rd_init(&r, p, n);
	rd_u16(&r); /* packet_id */
	uint8_t type = rd_u8(&r);
	if (type == 0xff)
		return; /* PING: no session */
	uint16_t sid = rd_u16(&r);
	if (r.err || type > 3) {
		c->undecodable++;
		return;
	}
	session_t *s = session(c, sid);
	if (!s)
		return;
	if (type == 3)
		s->enc_seen = true;
	log_packet(s, dir, msg, p, n);
	if (type == 0) { /* SYN */
		uint16_t isn = rd_u16(&r);
		uint16_t opts = rd_u16(&r);
		if (r.err)
			return;
		if (!s->d[dir].have_seq || s->d[dir].bytes == 0) {
			s->d[dir].have_seq = true;
			s->d[dir].next = isn;
		}
		if ((opts & 1) && dir == D_CLIENT && !s->name[0]) {
			size_t k = 0;
			while (rd_left(&r) && k + 1 < sizeof s->name) {
				uint8_t ch = rd_u8(&r);
				if (!ch)
					break;
				s->name[k++] = ch >= 0x20 && ch < 0x7f ? (char)ch : '?';
			}
			s->name[k] = 0;
		}
		return;
	}
	if (type == 1) { /* MSG */
		uint16_t seq = rd_u16(&r);
		rd_u16(&r); /* ack */
		if (r.err) {
			c->undecodable++;
			return;
		}
		put_data(s, dir, seq, p + r.pos, r.len - r.pos);
	}
	/* FIN: nothing carried */
}

/* Hex text (dots ignored) to bytes; -1 when it is not hex. */
static long unhex(const char *t, size_t n, uint8_t *out, size_t cap)
{
	size_t digits = 0;
	for (size_t i = 0; i < n; i++)
		if (t[i] != '.')
			digits++;
	if (digits % 2)
		return -1;
	return carve_decode_bits(t, n, carve_alphabet(CARVE_HEX), 4, out, cap);
}

/* The hex payload of a name: the labels before the zone, without a
 * leading "dnscat" label; or, for a name not under the zone, the labels
 * after a leading "dnscat" one. */
static long name_packet(ctx_t *c, const dns_name_t *nm, unsigned npay, bool known_npay,
			uint8_t *out, size_t cap)
{
	char text[DNS_MAX_NAME + 1];
	unsigned from = 0, to = npay;
	if (!known_npay) {
		unsigned nl;
		if (carve_name_payload(c->j, nm, true, text, sizeof text, &nl) >= 0)
			to = nl;
		else
			to = nm->nlabels;
	}
	unsigned l0;
	const uint8_t *p0 = nm->nlabels ? dns_name_label(nm, 0, &l0) : NULL;
	if (p0 && ascii_label_eq(p0, l0, "dnscat")) {
		from = 1;
		if (to <= 1)
			to = nm->nlabels; /* the zone is "dnscat" itself: direct mode */
	}
	size_t w = 0;
	for (unsigned i = from; i < to && i < nm->nlabels; i++) {
		unsigned len;
		const uint8_t *p = dns_name_label(nm, i, &len);
		if (w + len >= sizeof text)
			return -1;
		memcpy(text + w, p, len);
		w += len;
	}
	if (w == 0)
		return -1;
	return unhex(text, w, out, cap);
}

static int cmp_block(const void *a, const void *b)
{
	const carve_rr_t *x = a, *y = b;
	return x->rdata[0] < y->rdata[0] ? -1 : x->rdata[0] > y->rdata[0];
}

/* A and AAAA answers: blocks of 4 or 16 octets, each led by a sequence
 * octet (resolvers reorder answers); joined in that order, the first octet
 * is the packet's length, then the packet itself (raw, not hex), then
 * padding.  -1 when they do not make one. */
static long address_packet(const carve_rr_t *rr, size_t nr, uint16_t type, uint8_t *out,
			   size_t cap)
{
	carve_rr_t blk[MAX_RR];
	size_t nb = 0, want = type == DNS_TYPE_A ? 4 : 16;
	for (size_t k = 0; k < nr; k++)
		if (rr[k].type == type && rr[k].rdlen == want)
			blk[nb++] = rr[k];
	if (!nb)
		return -1;
	qsort(blk, nb, sizeof *blk, cmp_block);
	uint8_t joined[MAX_RR * 15];
	size_t w = 0;
	for (size_t k = 0; k < nb; k++) {
		memcpy(joined + w, blk[k].rdata + 1, want - 1);
		w += want - 1;
	}
	size_t len = joined[0];
	if (len + 1 > w || len > cap)
		return -1;
	memcpy(out, joined + 1, len);
	return (long)len;
}

void carve_dnscat2(carve_job_t *j, carve_out_t *o)
{
	ctx_t *c = calloc(1, sizeof *c);
	if (!c)
		return;
	c->j = j;
	c->o = o;
	o->decoding = "dnscat2";
	for (size_t i = 0; i < j->n; i++) {
		const carve_msg_t *msg = &j->msgs[i];
		dns_msg_t m;
		if (carve_parse(msg, &m) != 0)
			continue;
		uint8_t pkt[DNS_MAX_NAME];
		long n;
		if (!m.qr) {
			n = name_packet(c, &m.qname, msg->npay, true, pkt, sizeof pkt);
			if (n >= 5)
				packet(c, D_CLIENT, msg, pkt, (size_t)n);
			else if (msg->npay)
				c->undecodable++;
			continue;
		}
		carve_rr_t rr[MAX_RR];
		size_t nr = carve_records(&m, false, rr, MAX_RR);
		for (size_t k = 0; k < nr; k++) {
			n = -1;
			if (rr[k].type == DNS_TYPE_TXT) {
				uint8_t t[1024];
				size_t tl = carve_txt(rr[k].rdata, rr[k].rdlen, t, sizeof t);
				uint8_t big[512];
				long bn = unhex((const char *)t, tl, big, sizeof big);
				if (bn >= 5)
					packet(c, D_SERVER, msg, big, (size_t)bn);
				else
					c->undecodable++;
				break;
			}
			if (rr[k].type == DNS_TYPE_CNAME || rr[k].type == DNS_TYPE_MX ||
			    rr[k].type == DNS_TYPE_NS) {
				size_t pos = rr[k].rdoff + (rr[k].type == DNS_TYPE_MX ? 2 : 0);
				dns_name_t nm;
				if (dns_name_read_part(m.wire, m.len, rr[k].rdoff + rr[k].rdlen, &pos,
						       &nm) != 0)
					continue;
				n = name_packet(c, &nm, 0, false, pkt, sizeof pkt);
				if (n >= 5)
					packet(c, D_SERVER, msg, pkt, (size_t)n);
				else
					c->undecodable++;
				break;
			}
			if (rr[k].type == DNS_TYPE_A || rr[k].type == DNS_TYPE_AAAA) {
				n = address_packet(rr, nr, rr[k].type, pkt, sizeof pkt);
				if (n >= 5)
					packet(c, D_SERVER, msg, pkt, (size_t)n);
				else
					c->a_answers++;
				break;
			}
		}
	}
	size_t enc = 0;
	for (size_t i = 0; i < c->ns; i++) {
		session_t *s = &c->s[i];
		char name[64], dec[160];
		if (encrypted(s)) {
			enc++;
			snprintf(name, sizeof name, "session-%04x-packets.txt", s->id);
			snprintf(dec, sizeof dec,
				 "dnscat2 session %04x: each packet hex-decoded, one a line (time, "
				 "direction, hex); bodies encrypted", s->id);
			emit(o, &s->packets, name, dec);
			carve_note(o, "session %04x is encrypted (%s; the keys are not in the capture): "
				      "%llu packets written undecrypted, one a line", s->id,
				   s->enc_seen ? "ENC negotiation seen"
					       : "sequence numbers do not follow the bytes",
				   (unsigned long long)s->npackets);
		} else {
			for (int d = 0; d < 2; d++) {
				if (!s->d[d].out.n)
					continue;
				snprintf(name, sizeof name, "session-%04x-%s.bin", s->id,
					 d == D_CLIENT ? "client" : "server");
				snprintf(dec, sizeof dec,
					 "dnscat2 session %04x, %s bytes in sequence order", s->id,
					 d == D_CLIENT ? "client-to-server" : "server-to-client");
				emit(o, &s->d[d].out, name, dec);
				for (unsigned g = 0; g < s->d[d].ngaps; g++)
					carve_gap(o, "%s", s->d[d].gaps[g]);
			}
			if (s->name[0])
				carve_note(o, "session %04x is named \"%s\" by the client", s->id,
					   s->name);
		}
		for (int d = 0; d < 2; d++) {
			cbuf_free(&s->d[d].out);
			for (unsigned g = 0; g < s->d[d].ngaps; g++)
				free(s->d[d].gaps[g]);
		}
		cbuf_free(&s->packets);
	}
	o->decoding = enc == c->ns ? (enc ? "dnscat2 (encrypted; packets only)" : "dnscat2")
				   : enc ? "dnscat2 (some sessions encrypted)"
					 : "dnscat2 (unencrypted sessions)";
	if (c->nsessions_over)
		carve_gap(o, "%llu packets of sessions beyond the first %d not carved",
			  (unsigned long long)c->nsessions_over, MAX_SESSIONS);
	if (c->undecodable)
		carve_note(o, "%llu messages carried no dnscat2 packet (not hex, or too short)",
			   (unsigned long long)c->undecodable);
	if (c->a_answers)
		carve_note(o, "%llu responses with A/AAAA answers that make no dnscat2 packet",
			   (unsigned long long)c->a_answers);
	free(c);
}
