/*
 * carve_dns2tcp.c - dns2tcp's framing (its source: common/base64.c,
 * common/includes/packet.h, server/dns_decode.c, server/rr.c), for --carve:
 * the TCP stream bytes of each session and direction.
 *
 * A query name is <base64 labels>[.=command].<zone>: the labels before
 * the zone, without a last one led by '=' (=auth, =connect: the handshake)
 * and without dots, are base64 (A-Za-z0-9+/, no padding) of a packet
 *
 *   session_id u16, ack_seq u16, seq u16, type u8, data...
 *
 * where type has DATA (0x08) when data follows, ACK 0x10, NACK 0x20 and
 * USE_COMPRESS 0x40 besides the low codes (OK 0, DESAUTH 1, ERR 2, NOP 4,
 * CHECK_MTU 6).  A response carries the server's packets in TXT answers,
 * each led by an index character ('A' + answer number), the base64 text
 * after it.  seq counts the packets a side sends: per session and
 * direction the data packets are put in seq order (16 bits, unwrapped),
 * a seq seen before is a retransmission, a missing one a gap.  Packets
 * marked compressed are named, not decoded; KEY answers (raw) are not read.
 */
#include "carve.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rd.h"

#define MAX_SESSIONS 64
#define MAX_RR 16
#define T_DATA 0x08
#define T_COMPRESS 0x40

typedef struct pkt {
	uint64_t seq;        /* unwrapped */
	size_t order;
	uint8_t *data;
	size_t n;
} pkt_t;

typedef struct side {
	bool have;
	uint64_t last;       /* unwrapped seq of the last packet */
	pkt_t *p;
	size_t n, cap;
} side_t;

typedef struct session {
	uint16_t id;
	side_t s[2];         /* 0: client (queries), 1: server (responses) */
} session_t;

typedef struct ctx {
	carve_out_t *o;
	session_t ss[MAX_SESSIONS];
	size_t nss;
	uint64_t over, compressed, undecodable, key_answers;
	size_t order;
} ctx_t;

static session_t *session(ctx_t *c, uint16_t id)
{
	for (size_t i = 0; i < c->nss; i++)
		if (c->ss[i].id == id)
			return &c->ss[i];
	if (c->nss == MAX_SESSIONS) {
		c->over++;
		return NULL;
	}
	session_t *s = &c->ss[c->nss++];
	memset(s, 0, sizeof *s);
	s->id = id;
	return s;
}

/* One decoded dns2tcp packet from side d (0 client, 1 server). */
static void packet(ctx_t *c, int d, const uint8_t *p, size_t n)
{
	rd_t r;
	rd_init(&r, p, n);
	uint16_t sid = rd_u16(&r);
	rd_u16(&r); /* ack_seq */
	uint16_t seq = rd_u16(&r);
	uint8_t type = rd_u8(&r);
	if (r.err) {
		c->undecodable++;
		return;
	}
	/* packets without data count in the sequence too (seq numbers every
	 * packet a side sends) */
	size_t dl = (type & T_DATA) ? n - r.pos : 0;
	if (dl && (type & T_COMPRESS)) {
		c->compressed++;
		dl = 0;
	}
	session_t *s = session(c, sid);
	if (!s)
		return;
	side_t *sd = &s->s[d];
	/* unwrap: the nearest value to the last one */
	uint64_t u = seq;
	if (sd->have) {
		int16_t delta = (int16_t)(uint16_t)(seq - (uint16_t)sd->last);
		u = sd->last + (uint64_t)(int64_t)delta;
		if ((int64_t)sd->last + delta < 0)
			u = seq;
	}
	sd->have = true;
	sd->last = u;
	if (sd->n == sd->cap) {
		size_t cap = sd->cap ? 2 * sd->cap : 32;
		pkt_t *v = realloc(sd->p, cap * sizeof *v);
		if (!v)
			return;
		sd->p = v;
		sd->cap = cap;
	}
	uint8_t *copy = NULL;
	if (dl) {
		if (!(copy = malloc(dl)))
			return;
		memcpy(copy, p + r.pos, dl);
	}
	sd->p[sd->n++] = (pkt_t){u, c->order++, copy, dl};
}

/* Base64 of text (dots skipped) into a packet; -1 when it is not base64. */
static long unb64(const char *t, size_t n, uint8_t *out, size_t cap)
{
	return carve_decode_bits(t, n, carve_alphabet(CARVE_B64), 6, out, cap);
}

static int cmp_pkt(const void *a, const void *b)
{
	const pkt_t *x = a, *y = b;
	if (x->seq != y->seq)
		return x->seq < y->seq ? -1 : 1;
	return x->order < y->order ? -1 : x->order > y->order;
}

static void emit(ctx_t *c, session_t *s, int d)
{
	side_t *sd = &s->s[d];
	size_t bytes = 0;
	for (size_t i = 0; i < sd->n; i++)
		bytes += sd->p[i].n;
	if (!bytes)
		return;
	qsort(sd->p, sd->n, sizeof *sd->p, cmp_pkt);
	char name[64], dec[128];
	snprintf(name, sizeof name, "session-%04x-%s.bin", s->id, d ? "server" : "client");
	snprintf(dec, sizeof dec, "dns2tcp session %04x, %s TCP stream bytes in sequence order",
		 s->id, d ? "server-to-client" : "client-to-server");
	carve_buf_t *b = carve_file(c->o, name, dec);
	unsigned ngaps = 0;
	for (size_t i = 0; b && i < sd->n; i++) {
		if (i && sd->p[i].seq == sd->p[i - 1].seq)
			continue; /* a retransmission */
		if (i && sd->p[i].seq > sd->p[i - 1].seq + 1 && ngaps++ < 8)
			carve_gap(c->o, "session %04x %s: packets %llu to %llu missing", s->id,
				  d ? "server" : "client",
				  (unsigned long long)((sd->p[i - 1].seq + 1) & 0xffff),
				  (unsigned long long)((sd->p[i].seq - 1) & 0xffff));
		if (sd->p[i].n)
			cbuf_put(b, sd->p[i].data, sd->p[i].n);
	}
}

void carve_dns2tcp(carve_job_t *j, carve_out_t *o)
{
	ctx_t *c = calloc(1, sizeof *c);
	if (!c)
		return;
	c->o = o;
	o->decoding = "dns2tcp";
	for (size_t i = 0; i < j->n; i++) {
		const carve_msg_t *msg = &j->msgs[i];
		dns_msg_t m;
		if (carve_parse(msg, &m) != 0)
			continue;
		uint8_t pkt[512];
		if (!m.qr) {
			unsigned np = msg->npay;
			if (np == 0)
				continue;
			unsigned len;
			const uint8_t *last = dns_name_label(&m.qname, np - 1, &len);
			if (len && last[0] == '=')
				continue; /* =auth, =connect: the handshake */
			char t[DNS_MAX_NAME + 1];
			size_t tn = carve_qpayload(&m, np, false, t, sizeof t);
			long n = unb64(t, tn, pkt, sizeof pkt);
			if (n < 0)
				c->undecodable++;
			else
				packet(c, 0, pkt, (size_t)n);
			continue;
		}
		/* a response to a handshake query carries no stream data */
		if (msg->npay) {
			unsigned len;
			const uint8_t *last = dns_name_label(&m.qname, msg->npay - 1, &len);
			if (len && last[0] == '=')
				continue;
		}
		carve_rr_t rr[MAX_RR];
		size_t nr = carve_records(&m, false, rr, MAX_RR);
		for (size_t k = 0; k < nr; k++) {
			if (rr[k].type == 25 /* KEY */) {
				c->key_answers++;
				continue;
			}
			if (rr[k].type != DNS_TYPE_TXT)
				continue;
			uint8_t t[1024];
			size_t tl = carve_txt(rr[k].rdata, rr[k].rdlen, t, sizeof t);
			if (tl < 2)
				continue;
			long n = unb64((const char *)t + 1, tl - 1, pkt, sizeof pkt);
			if (n < 0)
				c->undecodable++;
			else
				packet(c, 1, pkt, (size_t)n);
		}
	}
	for (size_t i = 0; i < c->nss; i++) {
		emit(c, &c->ss[i], 0);
		emit(c, &c->ss[i], 1);
		for (int d = 0; d < 2; d++) {
			for (size_t k = 0; k < c->ss[i].s[d].n; k++)
				free(c->ss[i].s[d].p[k].data);
			free(c->ss[i].s[d].p);
		}
	}
	o->decoding = "dns2tcp: base64 packets, TCP stream bytes per session and direction";
	if (c->compressed)
		carve_note(o, "%llu packets marked compressed: not decoded",
			   (unsigned long long)c->compressed);
	if (c->undecodable)
		carve_note(o, "%llu messages carried no dns2tcp packet (not base64, or too short)",
			   (unsigned long long)c->undecodable);
	if (c->key_answers)
		carve_note(o, "%llu KEY answers (raw mode) not read",
			   (unsigned long long)c->key_answers);
	if (c->over)
		carve_gap(o, "%llu packets of sessions beyond the first %d not carved",
			  (unsigned long long)c->over, MAX_SESSIONS);
	free(c);
}
