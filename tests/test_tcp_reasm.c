/*
 * test_tcp_reasm.c - DNS over TCP stream reassembly, fed with hand-built
 * segments (no capture needed).  Each test checks the exact bytes of every
 * message delivered, their order and direction, and the counters.
 */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "capture.h"
#include "check_util.h"
#include "decode.h"
#include "defrag.h"
#include "tcp_reasm.h"

#define SEC 1000000000ull
#define MAXMSG 512

/* ---- a sink that keeps copies of what the callback got ------------------- */

typedef struct {
	int n;
	uint8_t *data[MAXMSG];
	uint32_t len[MAXMSG];
	uint16_t sport[MAXMSG];
	uint8_t src_last[MAXMSG]; /* last address byte of the sender */
	uint64_t ts[MAXMSG];
} sink_t;

static void on_msg(void *ud, const l4_pkt_t *m)
{
	sink_t *s = ud;
	ck_assert_int_lt(s->n, MAXMSG);
	s->data[s->n] = malloc(m->paylen ? m->paylen : 1);
	memcpy(s->data[s->n], m->payload, m->paylen);
	s->len[s->n] = m->paylen;
	s->sport[s->n] = m->sport;
	s->src_last[s->n] = m->src.a[3];
	s->ts[s->n] = m->ts_ns;
	s->n++;
}

static void sink_clear(sink_t *s)
{
	for (int i = 0; i < s->n; i++)
		free(s->data[i]);
	s->n = 0;
}

/* ---- DNS messages and segments ------------------------------------------- */

/* A DNS query for a name of one label of `lab` bytes ('a' + id % 26), with
 * its two-byte length prefix, written to out; returns the framed length. */
static uint32_t dns_query(uint8_t *out, uint16_t id, uint8_t lab)
{
	uint8_t *p = out + 2;
	p[0] = (uint8_t)(id >> 8);
	p[1] = (uint8_t)id;
	p[2] = 0x01; /* RD */
	p[3] = 0x00;
	p[4] = 0; p[5] = 1; /* QDCOUNT */
	memset(p + 6, 0, 6);
	p[12] = lab;
	memset(p + 13, 'a' + id % 26, lab);
	p[13 + lab] = 0;
	p[14 + lab] = 0; p[15 + lab] = 16; /* TXT */
	p[16 + lab] = 0; p[17 + lab] = 1;  /* IN */
	uint32_t len = 18u + lab;
	out[0] = (uint8_t)(len >> 8);
	out[1] = (uint8_t)len;
	return len + 2;
}

/* The same as a response (QR set, one TXT answer of `txt` bytes). */
static uint32_t dns_response(uint8_t *out, uint16_t id, uint8_t lab, uint8_t txt)
{
	uint32_t qlen = dns_query(out, id, lab) - 2;
	uint8_t *p = out + 2;
	p[2] = 0x81;
	p[3] = 0x80;
	p[7] = 1; /* ANCOUNT */
	uint8_t *a = p + qlen;
	a[0] = 0xc0; a[1] = 12;
	a[2] = 0; a[3] = 16; a[4] = 0; a[5] = 1;
	a[6] = 0; a[7] = 0; a[8] = 0; a[9] = 60;
	a[10] = (uint8_t)((txt + 1) >> 8); a[11] = (uint8_t)(txt + 1);
	a[12] = txt;
	memset(a + 13, 'z', txt);
	uint32_t len = qlen + 13u + txt;
	out[0] = (uint8_t)(len >> 8);
	out[1] = (uint8_t)len;
	return len + 2;
}

enum { C2S = 0, S2C = 1 };

/* A segment between 10.0.0.1:40000 (client) and 10.0.0.2:53 (server);
 * conn varies the client port so tests can run several connections. */
static l4_pkt_t seg(uint64_t ts, int conn, int dir, uint32_t seq, uint8_t flags,
		    const uint8_t *data, uint32_t len)
{
	l4_pkt_t s;
	memset(&s, 0, sizeof(s));
	s.ts_ns = ts;
	s.proto = 6;
	ip_addr_t c = {.v = 4, .a = {10, 0, 0, 1}}, sv = {.v = 4, .a = {10, 0, 0, 2}};
	uint16_t cport = (uint16_t)(40000 + conn);
	s.src = dir == C2S ? c : sv;
	s.dst = dir == C2S ? sv : c;
	s.sport = dir == C2S ? cport : 53;
	s.dport = dir == C2S ? 53 : cport;
	s.seq = seq;
	s.ack = 0;
	s.tcp_flags = flags; /* no ACK: tests that need one use send_ack() */
	s.payload = data;
	s.paylen = s.paylen_wire = len;
	return s;
}

static void send(tcp_reasm_t *t, uint64_t ts, int conn, int dir, uint32_t seq, uint8_t flags,
		 const uint8_t *data, uint32_t len)
{
	l4_pkt_t s = seg(ts, conn, dir, seq, flags, data, len);
	tcp_reasm_add(t, &s);
}

/* A pure ACK from dir acknowledging everything before ack. */
static void send_ack(tcp_reasm_t *t, uint64_t ts, int conn, int dir, uint32_t seq, uint32_t ack)
{
	l4_pkt_t s = seg(ts, conn, dir, seq, TCPF_ACK, NULL, 0);
	s.ack = ack;
	tcp_reasm_add(t, &s);
}

/* SYN and SYN-ACK: client data then starts at cisn + 1, server at sisn + 1 */
static void handshake(tcp_reasm_t *t, uint64_t ts, int conn, uint32_t cisn, uint32_t sisn)
{
	send(t, ts, conn, C2S, cisn, TCPF_SYN, NULL, 0);
	send(t, ts, conn, S2C, sisn, TCPF_SYN, NULL, 0);
}

static void assert_msg(const sink_t *s, int i, const uint8_t *framed, uint32_t framed_len)
{
	ck_assert_int_gt(s->n, i);
	ck_assert_uint_eq(s->len[i], framed_len - 2);
	ck_assert_uint_eq(s->len[i], (uint32_t)framed[0] << 8 | framed[1]);
	ck_assert_mem_eq(s->data[i], framed + 2, framed_len - 2);
}

static tcp_reasm_t *mk(sink_t *s, const tcp_limits_t *lim)
{
	memset(s, 0, sizeof(*s));
	tcp_reasm_t *t = tcp_reasm_new(lim, on_msg, s);
	ck_assert_ptr_nonnull(t);
	return t;
}

/* ---- tests ------------------------------------------------------------------ */

START_TEST(in_order)
{
	sink_t s;
	tcp_reasm_t *t = mk(&s, NULL);
	uint8_t q[300], r[300];
	uint32_t ql = dns_query(q, 0x1234, 20), rl = dns_response(r, 0x1234, 20, 30);

	handshake(t, 1, 0, 1000, 5000);
	send(t, 2, 0, C2S, 1001, TCPF_PSH, q, ql);
	send(t, 3, 0, S2C, 5001, TCPF_PSH, r, rl);
	ck_assert_int_eq(s.n, 2);
	assert_msg(&s, 0, q, ql);
	assert_msg(&s, 1, r, rl);
	ck_assert_uint_eq(s.sport[0], 40000);
	ck_assert_uint_eq(s.src_last[0], 1);
	ck_assert_uint_eq(s.sport[1], 53);
	ck_assert_uint_eq(s.src_last[1], 2);
	ck_assert_uint_eq(s.ts[1], 3);
	ck_assert_uint_eq(tcp_reasm_bytes_held(t), 0);

	/* FIN both ways frees the connection */
	send(t, 4, 0, S2C, 5001 + rl, TCPF_FIN, NULL, 0);
	send(t, 4, 0, C2S, 1001 + ql, TCPF_FIN, NULL, 0);
	const tcp_stats_t *st = tcp_reasm_stats(t);
	ck_assert_uint_eq(st->streams, 1);
	ck_assert_uint_eq(st->messages, 2);
	ck_assert_uint_eq(st->gaps, 0);
	ck_assert_uint_eq(st->retransmitted, 0);
	ck_assert_uint_eq(st->unfinished_bytes, 0);
	/* a later pure ACK creates nothing */
	send(t, 5, 0, C2S, 1002 + ql, 0, NULL, 0);
	ck_assert_uint_eq(st->streams, 1);
	tcp_reasm_free(t);
	sink_clear(&s);
}
END_TEST

START_TEST(three_in_one_segment)
{
	sink_t s;
	tcp_reasm_t *t = mk(&s, NULL);
	uint8_t buf[1000];
	uint32_t l1 = dns_query(buf, 1, 5);
	uint32_t l2 = dns_query(buf + l1, 2, 40);
	/* a zero length prefix between messages is skipped */
	buf[l1 + l2] = 0;
	buf[l1 + l2 + 1] = 0;
	uint32_t l3 = dns_query(buf + l1 + l2 + 2, 3, 63);

	handshake(t, 1, 0, 77, 99);
	send(t, 2, 0, C2S, 78, TCPF_PSH, buf, l1 + l2 + 2 + l3);
	ck_assert_int_eq(s.n, 3);
	assert_msg(&s, 0, buf, l1);
	assert_msg(&s, 1, buf + l1, l2);
	assert_msg(&s, 2, buf + l1 + l2 + 2, l3);
	ck_assert_uint_eq(tcp_reasm_bytes_held(t), 0);
	tcp_reasm_free(t);
	sink_clear(&s);
}
END_TEST

START_TEST(one_across_five)
{
	sink_t s;
	tcp_reasm_t *t = mk(&s, NULL);
	uint8_t r[400];
	uint32_t rl = dns_response(r, 7, 60, 200); /* 2 + 78 + 213 = 293 bytes */
	ck_assert_uint_eq(rl, 293);

	handshake(t, 1, 0, 10, 20);
	uint32_t cut[6] = {0, 1, 50, 120, 200, rl};
	for (int i = 0; i < 5; i++) {
		send(t, 10 + (uint64_t)i, 0, S2C, 21 + cut[i], 0, r + cut[i], cut[i + 1] - cut[i]);
		ck_assert_int_eq(s.n, i == 4 ? 1 : 0);
	}
	assert_msg(&s, 0, r, rl);
	ck_assert_uint_eq(s.ts[0], 14); /* the segment that completed it */
	ck_assert_uint_eq(s.sport[0], 53);
	tcp_reasm_free(t);
	sink_clear(&s);
}
END_TEST

START_TEST(prefix_split)
{
	sink_t s;
	tcp_reasm_t *t = mk(&s, NULL);
	uint8_t a[200], b[200];
	uint32_t al = dns_query(a, 1, 30), bl = dns_query(b, 2, 31);

	handshake(t, 1, 0, 0, 0);
	/* first byte of the prefix alone, then the rest */
	send(t, 2, 0, C2S, 1, 0, a, 1);
	send(t, 3, 0, C2S, 2, 0, a + 1, al - 1);
	/* the prefix alone (as some stub resolvers write it), then the message */
	send(t, 4, 0, C2S, 1 + al, 0, b, 2);
	ck_assert_int_eq(s.n, 1);
	send(t, 5, 0, C2S, 3 + al, 0, b + 2, bl - 2);
	ck_assert_int_eq(s.n, 2);
	assert_msg(&s, 0, a, al);
	assert_msg(&s, 1, b, bl);

	/* a message ending mid-segment with the next prefix split after it */
	uint8_t c[400];
	uint32_t c1 = dns_query(c, 3, 10), c2 = dns_query(c + c1, 4, 11);
	uint32_t seq = 1 + al + bl;
	send(t, 6, 0, C2S, seq, 0, c, c1 + 1);
	ck_assert_int_eq(s.n, 3);
	send(t, 7, 0, C2S, seq + c1 + 1, 0, c + c1 + 1, c2 - 1);
	ck_assert_int_eq(s.n, 4);
	assert_msg(&s, 2, c, c1);
	assert_msg(&s, 3, c + c1, c2);
	tcp_reasm_free(t);
	sink_clear(&s);
}
END_TEST

START_TEST(out_of_order)
{
	sink_t s;
	tcp_reasm_t *t = mk(&s, NULL);
	uint8_t buf[1000];
	uint32_t l1 = dns_response(buf, 1, 10, 100);
	uint32_t l2 = dns_response(buf + l1, 2, 10, 50);
	uint32_t tot = l1 + l2;
	/* pieces: [0,60) [60,150) [150,tot) sent as 3, 1, 2 */
	handshake(t, 1, 0, 500, 9000);
	send(t, 2, 0, S2C, 9001 + 150, 0, buf + 150, tot - 150);
	ck_assert_int_eq(s.n, 0);
	ck_assert_uint_eq(tcp_reasm_bytes_held(t), tot - 150);
	send(t, 3, 0, S2C, 9001, 0, buf, 60);
	ck_assert_int_eq(s.n, 0);
	send(t, 4, 0, S2C, 9001 + 60, 0, buf + 60, 90);
	ck_assert_int_eq(s.n, 2);
	assert_msg(&s, 0, buf, l1);
	assert_msg(&s, 1, buf + l1, l2);
	ck_assert_uint_eq(tcp_reasm_stats(t)->gaps, 0);
	ck_assert_uint_eq(tcp_reasm_stats(t)->retransmitted, 0);
	/* only the (small, reused) message buffer remains */
	ck_assert_uint_le(tcp_reasm_bytes_held(t), 512);
	tcp_reasm_free(t);
	sink_clear(&s);
}
END_TEST

START_TEST(retransmitted_and_overlapping)
{
	sink_t s;
	tcp_reasm_t *t = mk(&s, NULL);
	uint8_t buf[1000];
	uint32_t l1 = dns_query(buf, 1, 40);
	uint32_t l2 = dns_query(buf + l1, 2, 41);
	uint32_t tot = l1 + l2;

	handshake(t, 1, 0, 100, 200);
	send(t, 2, 0, C2S, 101, 0, buf, 30);
	send(t, 3, 0, C2S, 101, 0, buf, 30);            /* exact retransmission */
	ck_assert_uint_eq(tcp_reasm_stats(t)->retransmitted, 1);
	send(t, 4, 0, C2S, 101 + 20, 0, buf + 20, 50);  /* overlaps 10 old bytes */
	ck_assert_uint_eq(tcp_reasm_stats(t)->retransmitted, 2);
	ck_assert_int_eq(s.n, 1);
	/* held out of order, and a duplicate of the held one */
	send(t, 5, 0, C2S, 101 + 90, 0, buf + 90, tot - 90);
	send(t, 6, 0, C2S, 101 + 90, 0, buf + 90, tot - 90);
	ck_assert_uint_eq(tcp_reasm_stats(t)->retransmitted, 3);
	/* a segment overlapping both sides of the hole [70, 90) */
	send(t, 7, 0, C2S, 101 + 60, 0, buf + 60, 40);
	ck_assert_int_eq(s.n, 2);
	assert_msg(&s, 0, buf, l1);
	assert_msg(&s, 1, buf + l1, l2);
	/* whole stream again: nothing new */
	send(t, 8, 0, C2S, 101, 0, buf, tot);
	ck_assert_int_eq(s.n, 2);
	ck_assert_uint_eq(tcp_reasm_stats(t)->gaps, 0);
	tcp_reasm_free(t);
	sink_clear(&s);
}
END_TEST

START_TEST(sequence_wrap)
{
	sink_t s;
	tcp_reasm_t *t = mk(&s, NULL);
	uint8_t buf[1000];
	uint32_t l1 = dns_query(buf, 1, 50);
	uint32_t l2 = dns_query(buf + l1, 2, 50);
	uint32_t tot = l1 + l2;

	/* ISN so that the stream crosses 2^32 inside the first message */
	uint32_t isn = 0xffffffe0u;
	handshake(t, 1, 0, isn, 7);
	uint32_t base = isn + 1;
	/* second half first (its seq has wrapped to a small number) */
	send(t, 2, 0, C2S, base + 40, 0, buf + 40, tot - 40);
	ck_assert_uint_lt(base + 40, 100u);
	ck_assert_int_eq(s.n, 0);
	send(t, 3, 0, C2S, base, 0, buf, 40);
	ck_assert_int_eq(s.n, 2);
	assert_msg(&s, 0, buf, l1);
	assert_msg(&s, 1, buf + l1, l2);
	/* an old retransmission from before the wrap is recognised as old */
	send(t, 4, 0, C2S, base, 0, buf, 40);
	ck_assert_int_eq(s.n, 2);
	ck_assert_uint_eq(tcp_reasm_stats(t)->retransmitted, 1);
	ck_assert_uint_eq(tcp_reasm_stats(t)->gaps, 0);
	tcp_reasm_free(t);
	sink_clear(&s);
}
END_TEST

START_TEST(mid_connection_start)
{
	sink_t s;
	tcp_reasm_t *t = mk(&s, NULL);
	uint8_t buf[2000];
	uint32_t l1 = dns_response(buf, 1, 20, 100);
	uint32_t l2 = dns_response(buf + l1, 2, 21, 90);
	uint32_t l3 = dns_response(buf + l1 + l2, 3, 22, 80);

	/* capture starts inside message 1: its tail is not a boundary */
	uint32_t seq = 123456;
	send(t, 1, 0, S2C, seq + 50, 0, buf + 50, l1 - 50);
	ck_assert_int_eq(s.n, 0);
	ck_assert_uint_eq(tcp_reasm_stats(t)->skipped_bytes, l1 - 50);
	/* the next segment starts at message 2: accepted */
	send(t, 2, 0, S2C, seq + l1, 0, buf + l1, l2 + l3);
	ck_assert_int_eq(s.n, 2);
	assert_msg(&s, 0, buf + l1, l2);
	assert_msg(&s, 1, buf + l1 + l2, l3);
	ck_assert_uint_eq(tcp_reasm_stats(t)->streams, 1);

	/* another connection whose first segment is a lone length prefix */
	send(t, 3, 1, S2C, 999, 0, buf + l1, 2);
	ck_assert_int_eq(s.n, 2);
	send(t, 4, 1, S2C, 1001, 0, buf + l1 + 2, l2 - 2);
	ck_assert_int_eq(s.n, 3);
	assert_msg(&s, 2, buf + l1, l2);

	/* a first segment of printable text is no DNS start */
	const char *junk = "HTTP/1.1 400 Bad Request\r\n\r\n";
	send(t, 5, 2, S2C, 5, 0, (const uint8_t *)junk, (uint32_t)strlen(junk));
	ck_assert_int_eq(s.n, 3);
	ck_assert_uint_eq(tcp_reasm_bytes_held(t) <= 3 * 512, 1);
	tcp_reasm_free(t);
	sink_clear(&s);
}
END_TEST

/* Which first segments count as a message start when no SYN was seen. */
START_TEST(mid_connection_plausibility)
{
	sink_t s;
	tcp_reasm_t *t = mk(&s, NULL);
	uint8_t m[200];
	uint32_t ml = dns_query(m, 0x4242, 20);
	int conn = 0;
	uint64_t skipped = 0;

	/* rejected: opcode 3 (unassigned), opcode 7, QDCOUNT 2, a length
	 * below a DNS header, counts that cannot fit in the length */
	uint8_t bad[5][200];
	for (int i = 0; i < 5; i++)
		memcpy(bad[i], m, ml);
	bad[0][4] = 3 << 3;
	bad[1][4] = 7 << 3;
	bad[2][7] = 2;
	bad[3][0] = 0;
	bad[3][1] = 11;
	bad[4][9] = 4; /* ANCOUNT 4: 44 bytes of records in a 38-byte message */
	for (int i = 0; i < 5; i++) {
		send(t, 1, conn++, S2C, 1000, 0, bad[i], ml);
		skipped += ml;
		ck_assert_int_eq(s.n, 0);
		ck_assert_uint_eq(tcp_reasm_stats(t)->skipped_bytes, skipped);
	}
	/* accepted: the message itself, as a query and as a NOTIFY (opcode 4) */
	send(t, 1, conn++, S2C, 1000, 0, m, ml);
	ck_assert_int_eq(s.n, 1);
	assert_msg(&s, 0, m, ml);
	m[4] = 4 << 3;
	send(t, 1, conn++, S2C, 1000, 0, m, ml);
	ck_assert_int_eq(s.n, 2);
	assert_msg(&s, 1, m, ml);
	tcp_reasm_free(t);
	sink_clear(&s);
}
END_TEST

/* A message larger than the kept buffer size releases its buffer. */
START_TEST(large_message_buffer_released)
{
	sink_t s;
	tcp_reasm_t *t = mk(&s, NULL);
	static uint8_t big[20000];
	uint32_t len = 15000;
	memset(big, 0, sizeof(big));
	uint32_t ql = dns_query(big, 5, 20);
	big[0] = (uint8_t)(len >> 8);
	big[1] = (uint8_t)len;
	(void)ql;
	handshake(t, 1, 0, 1, 1);
	send(t, 2, 0, S2C, 2, 0, big, 6000);
	ck_assert_uint_ge(tcp_reasm_bytes_held(t), len + 2);
	send(t, 3, 0, S2C, 6002, 0, big + 6000, len + 2 - 6000);
	ck_assert_int_eq(s.n, 1);
	ck_assert_uint_eq(s.len[0], len);
	ck_assert_mem_eq(s.data[0], big + 2, len);
	ck_assert_uint_eq(tcp_reasm_bytes_held(t), 0);
	tcp_reasm_free(t);
	sink_clear(&s);
}
END_TEST

START_TEST(gap_then_recovery)
{
	sink_t s;
	tcp_reasm_t *t = mk(&s, NULL);
	uint8_t buf[3000];
	uint32_t l[5], o[6] = {0};
	for (int i = 0; i < 5; i++) {
		l[i] = dns_response(buf + o[i], (uint16_t)(i + 1), 30, 150);
		o[i + 1] = o[i] + l[i];
	}
	handshake(t, 1, 0, 1, 1);
	uint32_t b = 2;
	send(t, 2, 0, S2C, b, 0, buf, l[0]);                       /* msg 1 */
	/* msg 2 lost, plus the head of msg 3 */
	send(t, 3, 0, S2C, b + o[2] + 10, 0, buf + o[2] + 10, l[2] - 10); /* tail of 3 */
	send(t, 4, 0, S2C, b + o[3], 0, buf + o[3], l[3]);         /* msg 4 */
	send(t, 5, 0, S2C, b + o[4], 0, buf + o[4], l[4]);         /* msg 5 */
	ck_assert_int_eq(s.n, 1);
	/* FIN: the hole will never fill.  The tail of 3 is skipped (no
	 * boundary there), framing restarts at 4. */
	send(t, 6, 0, S2C, b + o[5], TCPF_FIN, NULL, 0);
	ck_assert_int_eq(s.n, 3);
	assert_msg(&s, 0, buf, l[0]);
	assert_msg(&s, 1, buf + o[3], l[3]);
	assert_msg(&s, 2, buf + o[4], l[4]);
	const tcp_stats_t *st = tcp_reasm_stats(t);
	ck_assert_uint_eq(st->gaps, 1);
	ck_assert_uint_eq(st->skipped_bytes, l[2] - 10);
	ck_assert_uint_eq(tcp_reasm_bytes_held(t), 0);
	tcp_reasm_free(t);
	sink_clear(&s);
}
END_TEST

/* The client acknowledges server bytes the capture never saw: the hole is
 * given up at once, and the held message behind it comes out. */
START_TEST(gap_acked)
{
	sink_t s;
	tcp_reasm_t *t = mk(&s, NULL);
	uint8_t buf[2000];
	uint32_t l1 = dns_response(buf, 1, 30, 100);
	uint32_t l2 = dns_response(buf + l1, 2, 30, 100);
	uint32_t l3 = dns_response(buf + l1 + l2, 3, 30, 100);
	uint32_t b = 5001;

	handshake(t, 1, 0, 100, b - 1);
	send(t, 2, 0, S2C, b, 0, buf, l1);
	send(t, 3, 0, S2C, b + l1 + l2, 0, buf + l1 + l2, l3); /* msg 2 lost */
	/* an ACK for msg 1 only, or for part of the hole, changes nothing */
	send_ack(t, 4, 0, C2S, 101, b + l1);
	send_ack(t, 4, 0, C2S, 101, b + l1 + 10);
	ck_assert_int_eq(s.n, 1);
	ck_assert_uint_eq(tcp_reasm_stats(t)->gaps, 0);
	/* an ACK past the start of the held message: the peer has msg 2 */
	send_ack(t, 5, 0, C2S, 101, b + l1 + l2 + l3);
	ck_assert_int_eq(s.n, 2);
	assert_msg(&s, 1, buf + l1 + l2, l3);
	ck_assert_uint_eq(s.sport[1], 53); /* reported as the server's */
	ck_assert_uint_eq(s.ts[1], 5);
	ck_assert_uint_eq(tcp_reasm_stats(t)->gaps, 1);
	ck_assert_uint_le(tcp_reasm_bytes_held(t), 512);
	tcp_reasm_free(t);
	sink_clear(&s);
}
END_TEST

START_TEST(gap_too_far)
{
	sink_t s;
	tcp_reasm_t *t = mk(&s, NULL);
	uint8_t buf[600];
	uint32_t l1 = dns_query(buf, 1, 30);
	uint32_t l2 = dns_query(buf + l1, 2, 30);
	handshake(t, 1, 0, 1000, 1);
	send(t, 2, 0, C2S, 1001, 0, buf, 10);          /* start of msg 1 ... */
	/* ... the rest is lost; the stream goes on 1 MiB later */
	send(t, 3, 0, C2S, 1001 + (1u << 20), 0, buf + l1, l2);
	ck_assert_int_eq(s.n, 1);
	assert_msg(&s, 0, buf + l1, l2);
	ck_assert_uint_eq(tcp_reasm_stats(t)->gaps, 1);
	ck_assert_uint_eq(tcp_reasm_stats(t)->unfinished_bytes, 10);
	tcp_reasm_free(t);
	sink_clear(&s);
}
END_TEST

START_TEST(cap_streams)
{
	sink_t s;
	tcp_limits_t lim = {.max_streams = 2};
	tcp_reasm_t *t = mk(&s, &lim);
	uint8_t q[200];
	uint32_t ql = dns_query(q, 9, 40);

	for (int c = 0; c < 3; c++) {
		handshake(t, 1 + (uint64_t)c, c, 100, 200);
		send(t, 1 + (uint64_t)c, c, C2S, 101, 0, q, 20); /* partial */
	}
	const tcp_stats_t *st = tcp_reasm_stats(t);
	ck_assert_uint_eq(st->streams, 3);
	ck_assert_uint_eq(st->evicted, 1);
	ck_assert_uint_eq(st->unfinished_bytes, 20);
	/* connection 0 was the idle-longest: its rest no longer completes */
	send(t, 4, 0, C2S, 121, 0, q + 20, ql - 20);
	ck_assert_int_eq(s.n, 0);
	ck_assert_uint_eq(st->evicted, 2); /* that evicted connection 1 */
	send(t, 5, 2, C2S, 121, 0, q + 20, ql - 20);
	ck_assert_int_eq(s.n, 1);
	assert_msg(&s, 0, q, ql);
	tcp_reasm_free(t);
	sink_clear(&s);
}
END_TEST

START_TEST(cap_stream_bytes)
{
	sink_t s;
	tcp_limits_t lim = {.max_stream_bytes = 200};
	tcp_reasm_t *t = mk(&s, &lim);
	uint8_t buf[2000];
	uint32_t l1 = dns_response(buf, 1, 60, 255); /* 348 bytes */
	uint32_t l2 = dns_query(buf + l1, 2, 10);

	/* a message larger than the cap, in pieces: dropped by its length, and
	 * the next message is still found */
	handshake(t, 1, 0, 1, 1);
	send(t, 2, 0, S2C, 2, 0, buf, 100);
	send(t, 3, 0, S2C, 102, 0, buf + 100, 100);
	send(t, 4, 0, S2C, 202, 0, buf + 200, l1 + l2 - 200);
	ck_assert_int_eq(s.n, 1);
	assert_msg(&s, 0, buf + l1, l2);
	const tcp_stats_t *st = tcp_reasm_stats(t);
	ck_assert_uint_eq(st->dropped_bytes, l1);
	ck_assert_uint_le(tcp_reasm_bytes_held(t), 200);

	/* held out-of-order segments over the per-direction cap: the hole is
	 * given up (a gap) instead of holding more */
	uint8_t m[3000];
	uint32_t ml[8], mo[9] = {0};
	for (int i = 0; i < 8; i++) {
		ml[i] = dns_query(m + mo[i], (uint16_t)(10 + i), 40);
		mo[i + 1] = mo[i] + ml[i];
	}
	handshake(t, 5, 1, 1000, 1);
	uint32_t b = 1001;
	/* msg 0 lost; 1..7 arrive, 62 bytes each: 3 fit in 200 bytes */
	for (int i = 1; i < 8; i++)
		send(t, 6, 1, C2S, b + mo[i], 0, m + mo[i], ml[i]);
	ck_assert_uint_eq(st->gaps, 1);
	ck_assert_int_eq(s.n, 1 + 7);
	for (int i = 1; i < 8; i++)
		assert_msg(&s, i, m + mo[i], ml[i]);
	ck_assert_uint_le(tcp_reasm_bytes_held(t), 400);
	tcp_reasm_free(t);
	sink_clear(&s);
}
END_TEST

START_TEST(cap_total_bytes)
{
	sink_t s;
	tcp_limits_t lim = {.max_total_bytes = 1000};
	tcp_reasm_t *t = mk(&s, &lim);
	uint8_t a[800];
	uint32_t al = dns_response(a, 1, 60, 255); /* 2 + 78 + 268 = 348 */
	ck_assert_uint_eq(al, 348);

	/* three connections each start a 346-byte message: two fit in the
	 * 1000-byte budget (512-byte minimum buffers shrink to fit), the third
	 * is dropped by its length */
	for (int c = 0; c < 3; c++) {
		handshake(t, 1, c, 1, 1);
		send(t, 2, c, S2C, 2, 0, a, 100);
	}
	const tcp_stats_t *st = tcp_reasm_stats(t);
	ck_assert_uint_le(tcp_reasm_bytes_held(t), 1000);
	ck_assert_uint_eq(st->dropped_bytes, 100);
	for (int c = 0; c < 3; c++)
		send(t, 3, c, S2C, 102, 0, a + 100, al - 100);
	ck_assert_uint_eq(st->dropped_bytes, al);
	ck_assert_int_eq(s.n, 2);
	assert_msg(&s, 0, a, al);
	assert_msg(&s, 1, a, al);
	/* held out-of-order data over the total budget is dropped and counted */
	tcp_reasm_free(t);
	sink_clear(&s);
	lim.max_total_bytes = 300;
	t = mk(&s, &lim);
	st = tcp_reasm_stats(t);
	handshake(t, 1, 0, 1, 1);
	send(t, 2, 0, S2C, 2 + 100, 0, a + 100, 200);
	ck_assert_uint_eq(tcp_reasm_bytes_held(t), 200);
	send(t, 2, 0, S2C, 2 + 200, 0, a + 200, al - 200);
	ck_assert_uint_eq(tcp_reasm_bytes_held(t), 200);
	ck_assert_uint_eq(st->dropped_bytes, al - 200);
	tcp_reasm_free(t);
	sink_clear(&s);
}
END_TEST

START_TEST(idle_eviction)
{
	sink_t s;
	tcp_limits_t lim = {.idle_timeout_ns = 10 * SEC};
	tcp_reasm_t *t = mk(&s, &lim);
	uint8_t q[200], q2[200];
	uint32_t ql = dns_query(q, 1, 40), q2l = dns_query(q2, 2, 40);

	handshake(t, 0, 0, 1, 1);
	send(t, 0, 0, C2S, 2, 0, q, 30);
	handshake(t, 5 * SEC, 1, 1, 1);
	send(t, 10 * SEC, 1, C2S, 2, 0, q2, q2l);
	ck_assert_uint_eq(tcp_reasm_stats(t)->evicted, 0);
	/* 10 s + 1 ns after connection 0's last segment */
	send(t, 10 * SEC + 1, 2, C2S, 1, TCPF_SYN, NULL, 0);
	ck_assert_uint_eq(tcp_reasm_stats(t)->evicted, 1);
	ck_assert_uint_eq(tcp_reasm_stats(t)->unfinished_bytes, 30);
	/* the rest of the query now starts a new stream mid-message: skipped */
	send(t, 11 * SEC, 0, C2S, 32, 0, q + 30, ql - 30);
	ck_assert_int_eq(s.n, 1);
	assert_msg(&s, 0, q2, q2l);
	ck_assert_uint_eq(tcp_reasm_stats(t)->streams, 4);
	/* everything idle for long enough goes */
	send(t, 100 * SEC, 3, C2S, 1, TCPF_SYN, NULL, 0);
	ck_assert_uint_eq(tcp_reasm_stats(t)->evicted, 4);
	ck_assert_uint_le(tcp_reasm_bytes_held(t), 0);
	tcp_reasm_free(t);
	sink_clear(&s);
}
END_TEST

START_TEST(rst)
{
	sink_t s;
	tcp_reasm_t *t = mk(&s, NULL);
	uint8_t buf[600];
	uint32_t l1 = dns_query(buf, 1, 30), l2 = dns_query(buf + l1, 2, 30);

	handshake(t, 1, 0, 1, 1);
	send(t, 2, 0, C2S, 2, 0, buf, l1 + 10);
	ck_assert_int_eq(s.n, 1);
	ck_assert_uint_gt(tcp_reasm_bytes_held(t), 0);
	send(t, 3, 0, S2C, 2, TCPF_RST, NULL, 0);
	ck_assert_uint_eq(tcp_reasm_bytes_held(t), 0);
	ck_assert_uint_eq(tcp_reasm_stats(t)->unfinished_bytes, 10);
	/* the rest arrives after the reset: a new stream, mid-message */
	send(t, 4, 0, C2S, 2 + l1 + 10, 0, buf + l1 + 10, l2 - 10);
	ck_assert_int_eq(s.n, 1);
	ck_assert_uint_eq(tcp_reasm_stats(t)->streams, 2);
	/* an RST for an unknown connection creates nothing */
	send(t, 5, 7, C2S, 2, TCPF_RST, NULL, 0);
	ck_assert_uint_eq(tcp_reasm_stats(t)->streams, 2);
	tcp_reasm_free(t);
	sink_clear(&s);
}
END_TEST

START_TEST(both_directions_interleaved)
{
	sink_t s;
	tcp_reasm_t *t = mk(&s, NULL);
	uint8_t q[3][200], r[3][400];
	uint32_t ql[3], rl[3];
	for (int i = 0; i < 3; i++) {
		ql[i] = dns_query(q[i], (uint16_t)(100 + i), (uint8_t)(10 + i));
		rl[i] = dns_response(r[i], (uint16_t)(100 + i), (uint8_t)(10 + i),
				     (uint8_t)(50 + i));
	}
	uint32_t cs = 70001, ss = 4000000001u;
	handshake(t, 1, 0, cs - 1, ss - 1);
	/* pipelined: q0 and half of q1; r0 in two pieces around the rest */
	uint8_t cbuf[600];
	memcpy(cbuf, q[0], ql[0]);
	memcpy(cbuf + ql[0], q[1], ql[1]);
	memcpy(cbuf + ql[0] + ql[1], q[2], ql[2]);
	send(t, 2, 0, C2S, cs, 0, cbuf, ql[0] + 5);
	send(t, 3, 0, S2C, ss, 0, r[0], 30);
	send(t, 4, 0, C2S, cs + ql[0] + 5, 0, cbuf + ql[0] + 5, ql[1] + ql[2] - 5);
	send(t, 5, 0, S2C, ss + 30, 0, r[0] + 30, rl[0] - 30);
	send(t, 6, 0, S2C, ss + rl[0], 0, r[1], rl[1]);
	send(t, 7, 0, S2C, ss + rl[0] + rl[1], TCPF_FIN, r[2], rl[2]);
	send(t, 8, 0, C2S, cs + ql[0] + ql[1] + ql[2], TCPF_FIN, NULL, 0);

	ck_assert_int_eq(s.n, 6);
	/* order of completion: q0, q1, q2, r0, r1, r2 */
	assert_msg(&s, 0, q[0], ql[0]);
	assert_msg(&s, 1, q[1], ql[1]);
	assert_msg(&s, 2, q[2], ql[2]);
	assert_msg(&s, 3, r[0], rl[0]);
	assert_msg(&s, 4, r[1], rl[1]);
	assert_msg(&s, 5, r[2], rl[2]);
	for (int i = 0; i < 3; i++) {
		ck_assert_uint_eq(s.sport[i], 40000);
		ck_assert_uint_eq(s.sport[3 + i], 53);
	}
	ck_assert_uint_eq(s.ts[0], 2);
	ck_assert_uint_eq(s.ts[1], 4);
	ck_assert_uint_eq(s.ts[3], 5);
	const tcp_stats_t *st = tcp_reasm_stats(t);
	ck_assert_uint_eq(st->streams, 1);
	ck_assert_uint_eq(st->gaps, 0);
	ck_assert_uint_eq(st->unfinished_bytes, 0);
	ck_assert_uint_eq(tcp_reasm_bytes_held(t), 0);
	tcp_reasm_free(t);
	sink_clear(&s);
}
END_TEST

START_TEST(flush)
{
	sink_t s;
	tcp_reasm_t *t = mk(&s, NULL);
	uint8_t buf[600];
	uint32_t l1 = dns_query(buf, 1, 30), l2 = dns_query(buf + l1, 2, 30);
	uint32_t l3 = dns_query(buf + l1 + l2, 3, 30);

	handshake(t, 1, 0, 1, 1);
	send(t, 2, 0, C2S, 2, 0, buf, 10);                 /* partial msg 1 */
	send(t, 2, 0, C2S, 2 + l1, 0, buf + l1, l2 + l3 - 5); /* held: msg 2, part of 3 */
	ck_assert_int_eq(s.n, 0);
	tcp_reasm_flush(t);
	/* msg 2 is whole beyond the hole: delivered; msgs 1 and 3 are not */
	ck_assert_int_eq(s.n, 1);
	assert_msg(&s, 0, buf + l1, l2);
	const tcp_stats_t *st = tcp_reasm_stats(t);
	ck_assert_uint_eq(st->gaps, 1);
	ck_assert_uint_eq(st->unfinished_bytes, 10 + l3 - 5);
	ck_assert_uint_eq(tcp_reasm_bytes_held(t), 0);
	/* usable again after a flush */
	handshake(t, 3, 0, 1, 1);
	send(t, 4, 0, C2S, 2, 0, buf, l1);
	ck_assert_int_eq(s.n, 2);
	tcp_reasm_free(t);
	sink_clear(&s);
}
END_TEST

/* xorshift: deterministic pseudo-random numbers */
static uint32_t rnd(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return (uint32_t)(*s >> 11);
}

/* A stream of random messages cut into random segments, reordered a little,
 * duplicated and overlapped with consistent bytes, from a random ISN: every
 * message comes out, whole and in order, with no gap. */
START_TEST(random_stream_consistent)
{
	uint64_t seed = 0x243f6a8885a308d3ull + (uint64_t)_i;
	static uint8_t stream[40000];
	uint32_t moff[400], mlen[400];
	struct piece { uint32_t off, len; } pc[2000];

	for (int round = 0; round < 20; round++) {
		sink_t s;
		tcp_reasm_t *t = mk(&s, NULL);
		uint32_t n = 0, nm = 0;
		while (nm < 200) {
			uint32_t l = (rnd(&seed) & 1) ?
				dns_query(stream + n, (uint16_t)nm, (uint8_t)(1 + rnd(&seed) % 63)) :
				dns_response(stream + n, (uint16_t)nm, (uint8_t)(1 + rnd(&seed) % 63),
					     (uint8_t)rnd(&seed));
			moff[nm] = n;
			mlen[nm] = l;
			n += l;
			nm++;
		}
		uint32_t np = 0, pos = 0;
		while (pos < n) {
			uint32_t l = 1 + rnd(&seed) % 300;
			if (pos + l > n)
				l = n - pos;
			uint32_t ext = rnd(&seed) % 4 == 0 ? rnd(&seed) % 50 : 0;
			if (pos + l + ext > n)
				ext = n - pos - l;
			pc[np].off = pos;
			pc[np].len = l + ext;
			np++;
			pos += l;
			if (rnd(&seed) % 10 == 0) {
				pc[np] = pc[np - 1]; /* duplicate */
				np++;
			}
		}
		/* shuffle within windows of 6 pieces */
		for (uint32_t w = 0; w < np; w += 6) {
			uint32_t e = w + 6 < np ? w + 6 : np;
			for (uint32_t k = e - 1; k > w; k--) {
				uint32_t j = w + rnd(&seed) % (k - w + 1);
				struct piece tmp = pc[k];
				pc[k] = pc[j];
				pc[j] = tmp;
			}
		}
		uint32_t isn = rnd(&seed) << 1 | (rnd(&seed) & 1);
		if (round % 4 == 0)
			isn = 0xffffffffu - n / 2; /* wrap in the middle */
		send(t, 1, 0, S2C, isn, TCPF_SYN, NULL, 0);
		for (uint32_t k = 0; k < np; k++)
			send(t, 2 + k, 0, S2C, isn + 1 + pc[k].off, 0, stream + pc[k].off,
			     pc[k].len);
		send(t, 3 + np, 0, S2C, isn + 1 + n, TCPF_FIN, NULL, 0);
		ck_assert_int_eq(s.n, (int)nm);
		for (uint32_t k = 0; k < nm; k++)
			assert_msg(&s, (int)k, stream + moff[k], mlen[k]);
		ck_assert_uint_eq(tcp_reasm_stats(t)->gaps, 0);
		ck_assert_uint_eq(tcp_reasm_stats(t)->unfinished_bytes, 0);
		tcp_reasm_free(t);
		sink_clear(&s);
	}
}
END_TEST

static void count_only(void *ud, const l4_pkt_t *m)
{
	(void)m;
	(*(uint64_t *)ud)++;
}

/* Random segments on random connections under tight caps: no crash, no
 * read out of bounds (under the sanitizers), the budget always holds. */
START_TEST(random_garbage_bounded)
{
	uint64_t seed = 777 + (uint64_t)_i;
	uint64_t delivered = 0;
	tcp_limits_t lim = {.max_streams = 16, .max_stream_bytes = 4000,
			    .max_total_bytes = 30000, .idle_timeout_ns = 3 * SEC};
	tcp_reasm_t *t = tcp_reasm_new(&lim, count_only, &delivered);
	static uint8_t data[3000];
	uint32_t seqs[8] = {0};
	uint64_t ts = 0;
	for (int i = 0; i < 50000; i++) {
		ts += rnd(&seed) % (SEC / 8);
		uint32_t len = rnd(&seed) % 1500;
		for (uint32_t k = 0; k < len; k++)
			data[k] = (uint8_t)(rnd(&seed) % 4 ? rnd(&seed) : 0);
		int conn = (int)(rnd(&seed) % 24);
		int dir = (int)(rnd(&seed) & 1);
		uint32_t *sq = &seqs[conn % 8];
		uint32_t seq = rnd(&seed) % 3 ? *sq + rnd(&seed) % 3000 - 1000 : rnd(&seed);
		uint8_t flags = 0;
		uint32_t f = rnd(&seed) % 100;
		if (f < 3)
			flags = TCPF_SYN;
		else if (f < 5)
			flags = TCPF_FIN;
		else if (f < 6)
			flags = TCPF_RST;
		if (rnd(&seed) % 2)
			flags |= TCPF_ACK;
		l4_pkt_t sg = seg(ts, conn, dir, seq, flags, data, len);
		sg.ack = seqs[(conn + 1) % 8] + rnd(&seed) % 2000 - 1000;
		tcp_reasm_add(t, &sg);
		*sq = seq + len;
		ck_assert_uint_le(tcp_reasm_bytes_held(t), 30000);
	}
	tcp_reasm_flush(t);
	ck_assert_uint_eq(tcp_reasm_bytes_held(t), 0);
	const tcp_stats_t *st = tcp_reasm_stats(t);
	ck_assert_uint_eq(st->messages, delivered);
	ck_assert_uint_gt(st->evicted, 0);
	tcp_reasm_free(t);
}
END_TEST

/* ---- real captures ---------------------------------------------------------- */

/* Run a corpus capture through capture, decode, defrag and tcp_reasm (TCP
 * ports 53 and 5353); the sink gets every message.  Returns false when the
 * corpus is absent. */
static bool run_capture(const char *rel, sink_t *s, tcp_stats_t *st)
{
	const char *path = tu_corpus(rel);
	if (!path)
		return false;
	capture_t *c;
	char err[256];
	ck_assert_int_ge(capture_open(&c, path, NULL, NULL, err, sizeof(err)), 0);
	memset(s, 0, sizeof(*s));
	tcp_reasm_t *t = tcp_reasm_new(NULL, on_msg, s);
	defrag_t *d = defrag_new(NULL);
	cap_packet_t p;
	decode_out_t o;
	while (capture_next(c, &p) == 1) {
		enum decode_result r = decode_packet(p.linktype, p.ts_ns, p.data, p.caplen, &o);
		if (r == DECODE_FRAGMENT) {
			const uint8_t *out;
			uint32_t outlen;
			ip_frag_t done;
			if (defrag_add(d, p.ts_ns, &o.frag, &out, &outlen, &done) == 1)
				r = decode_transport(done.proto, &done.src, &done.dst, p.ts_ns, out,
						     outlen, &o);
		}
		if (r != DECODE_L4 || o.l4.proto != IPPROTO_TCP_)
			continue;
		if (o.l4.sport == 53 || o.l4.dport == 53 || o.l4.sport == 5353 ||
		    o.l4.dport == 5353)
			tcp_reasm_add(t, &o.l4);
	}
	tcp_reasm_flush(t);
	*st = *tcp_reasm_stats(t);
	tcp_reasm_free(t);
	defrag_free(d);
	capture_close(c);
	return true;
}

static uint16_t msg_id(const sink_t *s, int i)
{
	ck_assert_uint_ge(s->len[i], 2);
	return (uint16_t)(s->data[i][0] << 8 | s->data[i][1]);
}

/* Counts, ids and order checked against tshark's DNS dissector
 * (tshark -Y 'dns && tcp' -T fields -e dns.id) on the same files. */
START_TEST(corpus_multirequest)
{
	sink_t s;
	tcp_stats_t st;
	if (!run_capture("public/edge/sv__dns-tcp-multirequest-buffer.pcap", &s, &st))
		return;
	ck_assert_int_eq(s.n, 40);
	for (int i = 0; i < 40; i++) {
		ck_assert_uint_eq(msg_id(&s, i), i % 20);
		/* 20 pipelined queries, then the 20 responses */
		ck_assert_uint_eq(s.sport[i] == 53, i >= 20);
	}
	ck_assert_uint_eq(st.gaps, 0);
	ck_assert_uint_eq(st.unfinished_bytes, 0);
	sink_clear(&s);
}
END_TEST

START_TEST(corpus_lost_segment)
{
	sink_t s;
	tcp_stats_t st;
	if (!run_capture("public/edge/sv__dns-tcp-ts-gap.pcap", &s, &st))
		return;
	/* the client's second query is missing from the capture */
	static const uint16_t ids[5] = {0, 0, 1, 2, 2};
	static const int from_server[5] = {0, 1, 1, 0, 1};
	ck_assert_int_eq(s.n, 5);
	for (int i = 0; i < 5; i++) {
		ck_assert_uint_eq(msg_id(&s, i), ids[i]);
		ck_assert_int_eq(s.sport[i] == 53, from_server[i]);
	}
	ck_assert_uint_eq(st.gaps, 1);
	sink_clear(&s);
}
END_TEST

START_TEST(corpus_counts)
{
	static const struct {
		const char *file;
		int messages;
		uint64_t streams;
	} cases[] = {
		{"public/edge/sv__dns-incomplete.pcap", 4, 1},     /* port 5353 */
		{"public/edge/chrissanders__dns_axfr.pcapng", 2, 1},
		{"public/edge/sv__issue-4759.1__tcpdns.pcap", 4, 2},
		{"public/edge/zeek__dns-edns-cookie.pcap", 4, 2},
		{"public/benign/zeek__dns-edns-ecs.pcap", 9, 8},
		{"public/edge/sv__dns-reversed-tcp-1.pcap", 1, 1},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		sink_t s;
		tcp_stats_t st;
		if (!run_capture(cases[i].file, &s, &st))
			continue;
		ck_assert_msg(s.n == cases[i].messages, "%s: %d messages", cases[i].file, s.n);
		ck_assert_uint_eq(st.streams, cases[i].streams);
		ck_assert_uint_eq(st.gaps, 0);
		sink_clear(&s);
	}
}
END_TEST

static Suite *tcp_reasm_suite(void)
{
	Suite *s = suite_create("tcp_reasm");
	TCase *tc = tcase_create("framing");
	tcase_add_test(tc, in_order);
	tcase_add_test(tc, three_in_one_segment);
	tcase_add_test(tc, one_across_five);
	tcase_add_test(tc, prefix_split);
	tcase_add_test(tc, both_directions_interleaved);
	tcase_add_test(tc, large_message_buffer_released);
	suite_add_tcase(s, tc);

	tc = tcase_create("sequence");
	tcase_add_test(tc, out_of_order);
	tcase_add_test(tc, retransmitted_and_overlapping);
	tcase_add_test(tc, sequence_wrap);
	tcase_add_test(tc, mid_connection_start);
	tcase_add_test(tc, mid_connection_plausibility);
	tcase_add_test(tc, gap_then_recovery);
	tcase_add_test(tc, gap_too_far);
	tcase_add_test(tc, gap_acked);
	tcase_add_loop_test(tc, random_stream_consistent, 0, 3);
	tcase_set_timeout(tc, 60);
	suite_add_tcase(s, tc);

	tc = tcase_create("limits");
	tcase_add_test(tc, cap_streams);
	tcase_add_test(tc, cap_stream_bytes);
	tcase_add_test(tc, cap_total_bytes);
	tcase_add_test(tc, idle_eviction);
	tcase_add_test(tc, rst);
	tcase_add_test(tc, flush);
	tcase_add_loop_test(tc, random_garbage_bounded, 0, 3);
	tcase_set_timeout(tc, 120);
	suite_add_tcase(s, tc);

	tc = tcase_create("corpus");
	tcase_add_test(tc, corpus_multirequest);
	tcase_add_test(tc, corpus_lost_segment);
	tcase_add_test(tc, corpus_counts);
	suite_add_tcase(s, tc);
	return s;
}

DNSTS_CHECK_MAIN(tcp_reasm_suite)
