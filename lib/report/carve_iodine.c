/*
 * carve_iodine.c - iodine's framing (protocol 00000502, its
 * doc/proto_00000502.txt), for --carve: the IP packets a client and the
 * server exchanged, as a capture of link type RAW.
 *
 * Upstream, a data query's name (before the zone, dots removed) is
 *
 *   U H1 H2 H3 C payload...
 *
 * U the user id as one hex digit; H1..H3 three base32 characters (a-z0-5)
 * holding 15 bits: upstream packet sequence (3), upstream fragment (4),
 * downstream sequence and fragment acknowledged (3 + 4) and the last-
 * fragment flag (1); C a cache-defeating character; then the fragment in
 * the user's upstream codec: base32 unless an 'S' query switched it to
 * base64 (bits 6), base64u (26) or base128 (7).
 *
 * Downstream, the answer to a data or ping ('p') query starts with two
 * bytes: C|SSS|FFFF (compressed, upstream ack) and DDD|GGGG|L (downstream
 * sequence, fragment, last flag), then the fragment.  NULL (and PRIVATE)
 * answers carry it raw; a TXT answer is led by a codec character (t base32,
 * s base64, u base64u, v base128, r raw); a CNAME (also for A queries), MX
 * or SRV name by h, i, j or k (base32, base64, base64u, base128), the dots
 * and the server's rotating two-letter top label removed; MX and SRV
 * answers hold several names, each encoded on its own, joined in order of
 * preference.
 *
 * Fragments are joined per user and direction in the way the peers do it:
 * a new sequence number starts a packet, a fragment at or below the last
 * one is a repeat, a missing fragment spoils the packet (named in the
 * gaps).  A whole packet is zlib-inflated (bounded), its 4-byte tun header
 * dropped, and written with the time of the message that completed it.
 * Raw UDP mode (the 0x10d19e header outside DNS) is not DNS and not seen
 * here.
 */
#include "carve.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ascii.h"

#define MAX_USERS 16
#define MAX_RR 8
#define MAX_PKT 65536        /* joined fragments of one packet */

enum { UP = 0, DOWN = 1 };

typedef struct reasm {
	bool active;       /* a sequence number has been seen */
	unsigned seq, frag;
	bool broken;       /* a fragment of the current packet is missing */
	bool done;         /* the current packet was completed */
	size_t n;
	uint8_t buf[MAX_PKT];
} reasm_t;

typedef struct user {
	bool seen;
	enum carve_alpha up;  /* upstream codec */
	unsigned upbits;
	reasm_t r[2];
} user_t;

typedef struct ctx {
	carve_job_t *j;
	carve_out_t *o;
	carve_buf_t *pcap;
	user_t u[MAX_USERS];
	uint64_t pkts[2], lost[2], bad_inflate, not_ip, undecodable;
	unsigned ngaps;
	uint8_t inflated[CARVE_MAX_INFLATE];
	uint8_t dec[65536], txt[65536];
} ctx_t;

static const char *dirname_of(int d)
{
	return d == UP ? "upstream" : "downstream";
}

static void gap(ctx_t *c, const char *what, unsigned user, int d, unsigned seq)
{
	if (c->ngaps++ < 32)
		carve_gap(c->o, "user %u %s packet %u: %s", user, dirname_of(d), seq, what);
}

/* A whole packet: inflate and write it. */
static void packet_done(ctx_t *c, unsigned user, int d, reasm_t *r, bool compressed,
			uint64_t ts)
{
	uint8_t *out = c->inflated;
	const uint8_t *p = r->buf;
	long n = (long)r->n;
	if (compressed) {
		n = carve_inflate(r->buf, r->n, out, sizeof c->inflated);
		if (n < 0) {
			c->bad_inflate++;
			gap(c, "did not inflate (corrupt, or over 64 KiB)",
			    user, d, r->seq);
			return;
		}
		p = out;
	}
	/* the tun header: 4 bytes (zero, or Linux's flags and protocol) */
	if (n < 24 || ((p[4] >> 4) != 4 && (p[4] >> 4) != 6)) {
		c->not_ip++;
		return;
	}
	if (!c->pcap && !(c->pcap = carve_file(c->o, "iodine-ip.pcap",
					       "iodine: IP packets of both directions, "
					       "fragments joined and zlib-inflated; pcap, "
					       "link type RAW (101)")))
		return;
	carve_pcap_raw(c->pcap, ts, p + 4, (size_t)n - 4);
	c->pkts[d]++;
}

/* One fragment of direction d of a user. */
static void fragment(ctx_t *c, unsigned user, int d, unsigned seq, unsigned frag, bool last,
		     bool compressed, const uint8_t *p, size_t n, uint64_t ts)
{
	reasm_t *r = &c->u[user].r[d];
	if (r->active && seq == r->seq && frag <= r->frag)
		return; /* a repeat (consecutive packets differ in sequence) */
	if (!r->active || seq != r->seq) {
		if (r->active && !r->done && (r->n || r->broken)) {
			c->lost[d]++;
			gap(c, "its last fragment never came", user, d, r->seq);
		}
		r->active = true;
		r->seq = seq;
		r->n = 0;
		r->done = false;
		r->broken = frag != 0;
		if (r->broken) {
			c->lost[d]++;
			gap(c, "its first fragments are missing", user, d,
			    seq);
		}
	} else if (frag > r->frag + 1 && !r->broken) {
		r->broken = true;
		c->lost[d]++;
		gap(c, "a fragment is missing", user, d, seq);
	}
	r->frag = frag;
	if (!r->broken) {
		size_t k = n < MAX_PKT - r->n ? n : MAX_PKT - r->n;
		memcpy(r->buf + r->n, p, k);
		r->n += k;
	}
	if (last) {
		if (!r->broken)
			packet_done(c, user, d, r, compressed, ts);
		r->done = true;
		r->n = 0;
	}
}

static unsigned b32v(int ch)
{
	int v = carve_alphabet(CARVE_B32_IODINE)[(unsigned char)ch];
	return v < 0 ? 0 : (unsigned)v;
}

static void codec_of_bits(user_t *u, unsigned bits)
{
	switch (bits) {
	case 5: u->up = CARVE_B32_IODINE; u->upbits = 5; break;
	case 6: u->up = CARVE_B64_IODINE; u->upbits = 6; break;
	case 26: u->up = CARVE_B64U_IODINE; u->upbits = 6; break;
	case 7: u->up = CARVE_B128_IODINE; u->upbits = 7; break;
	default: break;
	}
}

static user_t *user(ctx_t *c, unsigned id)
{
	user_t *u = &c->u[id & 15];
	if (!u->seen) {
		u->seen = true;
		u->up = CARVE_B32_IODINE;
		u->upbits = 5;
	}
	return u;
}

/* A query: upstream data, a codec switch, or nothing carried. */
static void query(ctx_t *c, const char *t, size_t n, uint64_t ts)
{
	if (n < 1)
		return;
	if ((t[0] == 's' || t[0] == 'S') && n >= 3) {
		codec_of_bits(user(c, b32v(t[1])), b32v(t[2]));
		return;
	}
	if (!ascii_is_hex(t[0]) || n < 5)
		return;
	unsigned id = (unsigned)ascii_hex_val(t[0]);
	user_t *u = user(c, id);
	unsigned v1 = b32v(t[1]), v2 = b32v(t[2]), v3 = b32v(t[3]);
	unsigned seq = (v1 >> 2) & 7, frag = ((v1 & 3) << 2) | ((v2 >> 3) & 3);
	bool last = v3 & 1;
	uint8_t data[DNS_MAX_NAME];
	long k = carve_decode_bits(t + 5, n - 5, carve_alphabet(u->up), u->upbits, data,
				   sizeof data);
	if (k < 0) {
		c->undecodable++;
		return;
	}
	/* upstream packets are always compressed */
	fragment(c, id, UP, seq, frag, last, true, data, (size_t)k, ts);
}

/* Downstream data of a response (header included) for user id. */
static void downstream(ctx_t *c, unsigned id, const uint8_t *p, size_t n, uint64_t ts)
{
	if (n < 2)
		return;
	unsigned seq = (p[1] >> 5) & 7, frag = (p[1] >> 1) & 15;
	bool last = p[1] & 1, compressed = p[0] & 0x80;
	if (n == 2)
		return; /* an ack without data */
	fragment(c, id, DOWN, seq, frag, last, compressed, p + 2, n - 2, ts);
}

/* Decode text of codec character ch (TXT: t s u v r; names: h i j k). */
static long decode_prefixed(char ch, const uint8_t *t, size_t n, uint8_t *out, size_t cap)
{
	enum carve_alpha a;
	unsigned bits;
	switch (ascii_lower(ch)) {
	case 't': case 'h': a = CARVE_B32_IODINE; bits = 5; break;
	case 's': case 'i': a = CARVE_B64_IODINE; bits = 6; break;
	case 'u': case 'j': a = CARVE_B64U_IODINE; bits = 6; break;
	case 'v': case 'k': a = CARVE_B128_IODINE; bits = 7; break;
	case 'r':
		if (n > cap)
			n = cap;
		memcpy(out, t, n);
		return (long)n;
	default: return -1;
	}
	return carve_decode_bits((const char *)t, n, carve_alphabet(a), bits, out, cap);
}

/* The data of a hostname answer: the labels before iodine's rotating
 * two-letter top label (or before the zone), dots removed, led by the
 * codec character.  -1 when it does not decode. */
static long name_data(ctx_t *c, dns_msg_t *m, const carve_rr_t *rr, size_t skip, uint8_t *out,
		      size_t cap)
{
	size_t pos = rr->rdoff + skip;
	dns_name_t nm;
	char text[DNS_MAX_NAME + 1];
	if (rr->rdlen < skip ||
	    dns_name_read_part(m->wire, m->len, rr->rdoff + rr->rdlen, &pos, &nm) != 0)
		return -1;
	long tl = carve_name_payload(c->j, &nm, false, text, sizeof text, NULL);
	if (tl < 0 && nm.nlabels >= 2) {
		size_t w = 0;
		for (unsigned i = 0; i + 1 < nm.nlabels; i++) {
			unsigned len;
			const uint8_t *p = dns_name_label(&nm, i, &len);
			memcpy(text + w, p, len);
			w += len;
		}
		text[w] = 0;
		tl = (long)w;
	}
	if (tl < 1)
		return -1;
	return decode_prefixed(text[0], (const uint8_t *)text + 1, (size_t)tl - 1, out, cap);
}

static int cmp_pref(const void *a, const void *b)
{
	const carve_rr_t *x = a, *y = b;
	unsigned px = x->rdlen >= 2 ? (unsigned)x->rdata[0] << 8 | x->rdata[1] : 0;
	unsigned py = y->rdlen >= 2 ? (unsigned)y->rdata[0] << 8 | y->rdata[1] : 0;
	return px < py ? -1 : px > py;
}

static void response(ctx_t *c, dns_msg_t *m, const char *qt, size_t qn, uint64_t ts)
{
	unsigned id;
	if (qn >= 5 && ascii_is_hex(qt[0])) {
		id = (unsigned)ascii_hex_val(qt[0]);
	} else if (qn >= 2 && (qt[0] == 'p' || qt[0] == 'P')) {
		uint8_t b[4];
		if (carve_decode_bits(qt + 1, qn - 1, carve_alphabet(CARVE_B32_IODINE), 5, b,
				      sizeof b) < 1)
			return;
		id = b[0] & 15;
	} else {
		return; /* handshake */
	}
	user(c, id);
	carve_rr_t rr[MAX_RR];
	size_t nr = carve_records(m, false, rr, MAX_RR);
	uint8_t *buf = c->dec;
	size_t bufcap = sizeof c->dec;
	long n = -1;
	/* MX and SRV: several names, each encoded on its own, in order of
	 * preference (10, 20, ...) */
	size_t nmx = 0;
	carve_rr_t mx[MAX_RR];
	for (size_t k = 0; k < nr; k++)
		if (rr[k].type == DNS_TYPE_MX || rr[k].type == DNS_TYPE_SRV)
			mx[nmx++] = rr[k];
	if (nmx) {
		qsort(mx, nmx, sizeof *mx, cmp_pref);
		size_t w = 0;
		for (size_t k = 0; k < nmx; k++) {
			long part = name_data(c, m, &mx[k], mx[k].type == DNS_TYPE_MX ? 2 : 6,
					      buf + w, bufcap - w);
			if (part < 0) {
				w = 0;
				n = -1;
				break;
			}
			w += (size_t)part;
			n = (long)w;
		}
	}
	for (size_t k = 0; k < nr && n < 0 && !nmx; k++) {
		if (rr[k].type == DNS_TYPE_NULL || rr[k].type == 65399 /* PRIVATE */) {
			downstream(c, id, rr[k].rdata, rr[k].rdlen, ts);
			return;
		}
		if (rr[k].type == DNS_TYPE_TXT) {
			uint8_t *t = c->txt;
			size_t tl = carve_txt(rr[k].rdata, rr[k].rdlen, t, sizeof c->txt);
			if (tl >= 1)
				n = decode_prefixed((char)t[0], t + 1, tl - 1, buf, bufcap);
			break;
		}
		if (rr[k].type == DNS_TYPE_CNAME) {
			n = name_data(c, m, &rr[k], 0, buf, bufcap);
			break;
		}
	}
	if (n >= 0)
		downstream(c, id, buf, (size_t)n, ts);
	else if (nr)
		c->undecodable++;
}

void carve_iodine(carve_job_t *j, carve_out_t *o)
{
	ctx_t *c = calloc(1, sizeof *c);
	if (!c)
		return;
	c->j = j;
	c->o = o;
	o->decoding = "iodine";
	for (size_t i = 0; i < j->n; i++) {
		const carve_msg_t *msg = &j->msgs[i];
		dns_msg_t m;
		if (carve_parse(msg, &m) != 0)
			continue;
		char t[DNS_MAX_NAME + 1];
		size_t tn = carve_qpayload(&m, msg->npay, false, t, sizeof t);
		if (!m.qr)
			query(c, t, tn, msg->ts_ns);
		else
			response(c, &m, t, tn, msg->ts_ns);
	}
	o->decoding = "iodine: fragments joined, zlib-inflated, IP packets as pcap (RAW)";
	carve_note(o, "iodine: %llu upstream and %llu downstream IP packets recovered",
		   (unsigned long long)c->pkts[UP], (unsigned long long)c->pkts[DOWN]);
	if (c->bad_inflate)
		carve_note(o, "%llu packets did not inflate", (unsigned long long)c->bad_inflate);
	if (c->not_ip)
		carve_note(o, "%llu packets were not IP after inflation",
			   (unsigned long long)c->not_ip);
	if (c->undecodable)
		carve_note(o, "%llu messages did not decode in their codec",
			   (unsigned long long)c->undecodable);
	if (c->ngaps > 32)
		carve_gap(o, "%u more gaps not listed", c->ngaps - 32);
	free(c);
}
