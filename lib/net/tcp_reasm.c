/*
 * tcp_reasm.c - TCP stream reassembly for DNS over TCP.
 *
 * Design.  A connection is the pair of directions between two endpoints
 * (address, port).  Connections live in a hash table keyed by the endpoints
 * in canonical order, hashed with SipHash under a key drawn at random for
 * each tcp_reasm_t, so crafted addresses and ports cannot pile connections
 * into one chain.  Connections also sit on a list in order of last activity:
 * the head is the one idle longest, which is what idle expiry (by packet
 * time, lazily as segments advance the clock) and eviction at the
 * connection cap take.
 *
 * Each direction keeps the next expected sequence number (from the SYN, or
 * from the first data segment seen when the capture starts mid-connection),
 * one buffer holding the start of the message being assembled, and a short
 * sorted list of out-of-order segments.  Sequence numbers are compared with
 * serial arithmetic, (int32_t)(a - b), so they may wrap around 2^32.
 *
 * In-order data is cut into messages by the two-byte length prefix
 * (RFC 1035 4.2.2, RFC 7766) as it arrives.  Messages that lie whole inside
 * a segment are handed to the callback straight from the segment, without a
 * copy; only a message that spans segments is copied into the direction's
 * buffer, which is sized to that message (the prefix says how big), kept for
 * the next message when small, and released when large.  So the common
 * in-order case does not allocate per segment.  A zero length prefix is
 * skipped.
 *
 * Segments that start beyond the expected sequence number (a hole) are
 * copied and held, if they start within a 256 KiB window and fit the caps.
 * When the hole fills, held segments are replayed in order.  Bytes already
 * received (retransmissions, overlaps) are trimmed and counted.
 *
 * A hole that is never filled is a gap: detected when the other direction
 * acknowledges data past it (the receiver got bytes the capture lost), when
 * a segment comes too far beyond the window, when the held segments would
 * exceed the per-direction cap, at FIN, at eviction and at flush.  The partial message
 * is discarded, the stream jumps to the first held segment (or the new
 * segment), and framing restarts there only if the bytes look like a DNS
 * message start: a length prefix of at least 12 followed by a header whose
 * opcode is defined, QDCOUNT <= 1 and whose counts fit in the length.  The
 * same test decides where to start when the capture begins mid-connection.
 * A candidate start that fails the test is dropped with the rest of its
 * segment, and the next segment is tried.  Only segment starts are tried:
 * scanning inside a segment would find false boundaries in payload bytes.
 *
 * Bounds.  max_streams connections (the idle-longest is evicted); per
 * direction at most max_stream_bytes held (message buffer plus held
 * segments) and at most TCP_MAX_OOO held segments; max_total_bytes over all
 * connections.  A message too large for the caps is skipped by its length,
 * so framing continues after it; bytes dropped for caps are counted.  FIN
 * closes a direction (its partial message is counted as unfinished); a
 * connection is freed when both directions have closed or on RST.
 *
 * Deliberately not handled: urgent data, TCP options (SACK, timestamps:
 * PAWS would be needed to tell wrapped old segments from new ones on very
 * fast links), and checksum validation.  Data carried on a RST segment is
 * ignored.  A FIN seen before the data it follows (reordering in the
 * capture) ends the direction with a gap.  Segments of a connection after
 * it was freed start a new one, which then resynchronises as above.
 */
#include "tcp_reasm.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "dns_const.h"
#include "rd.h"
#include "siphash.h"

#define TCP_WINDOW (256u * 1024)  /* hold segments this far ahead at most */
#define TCP_MAX_OOO 32            /* held segments per direction */
#define TCP_MIN_BUF 512           /* smallest message buffer */
#define TCP_KEEP_BUF 4096         /* buffers above this are released after use */
#define TCP_PROBE 14              /* length prefix + DNS header */
#define TCP_KEY_LEN 37

#define DEFAULT_MAX_STREAMS 65536
#define DEFAULT_MAX_STREAM_BYTES (256u * 1024)
#define DEFAULT_MAX_TOTAL_BYTES (128u * 1024 * 1024)
#define DEFAULT_IDLE_NS (600ull * 1000000000ull)

struct ooo_seg {
	uint32_t seq, len;
	uint8_t *data;
	frame_span_t span;       /* the frames of the segment */
};

struct half {
	uint32_t next_seq;       /* sequence number of the next byte expected */
	bool have_seq;           /* next_seq is known */
	bool synced;             /* buf starts at a message boundary */
	bool closed;             /* FIN processed: no more data */
	uint32_t skip;           /* bytes of an over-cap message still to drop */
	uint8_t *buf;            /* start of the message being assembled */
	frame_span_t span;       /* the frames that held buf's bytes */
	uint32_t buflen, bufcap;
	struct ooo_seg *ooo;     /* TCP_MAX_OOO entries once needed, by seq */
	uint32_t nooo;
	size_t ooo_bytes;
};

struct conn {
	struct conn *hnext;      /* hash chain */
	struct conn *prev, *next; /* activity list, oldest first */
	uint8_t key[TCP_KEY_LEN];
	uint32_t hash;
	uint64_t last_ts;
	ip_addr_t ep_addr[2];    /* endpoint 0 and 1 (canonical order) */
	uint16_t ep_port[2];
	struct half h[2];        /* h[i]: data sent by endpoint i */
};

struct tcp_reasm {
	tcp_limits_t lim;
	tcp_stats_t stats;
	tcp_msg_fn fn;
	void *ud;
	uint8_t hkey[16];
	struct conn **buckets;
	size_t nbuckets;         /* power of two */
	struct conn *oldest, *newest;
	size_t nconns;
	size_t held;             /* message buffer capacity plus held segments */
};

tcp_reasm_t *tcp_reasm_new(const tcp_limits_t *limits, tcp_msg_fn fn, void *ud)
{
	tcp_reasm_t *t = calloc(1, sizeof(*t));
	if (!t)
		return NULL;
	if (limits)
		t->lim = *limits;
	if (!t->lim.max_streams)
		t->lim.max_streams = DEFAULT_MAX_STREAMS;
	if (!t->lim.max_stream_bytes)
		t->lim.max_stream_bytes = DEFAULT_MAX_STREAM_BYTES;
	if (!t->lim.max_total_bytes)
		t->lim.max_total_bytes = DEFAULT_MAX_TOTAL_BYTES;
	if (!t->lim.idle_timeout_ns)
		t->lim.idle_timeout_ns = DEFAULT_IDLE_NS;
	t->fn = fn;
	t->ud = ud;
	t->nbuckets = 16;
	while (t->nbuckets < t->lim.max_streams && t->nbuckets < ((size_t)1 << 24))
		t->nbuckets <<= 1;
	t->buckets = calloc(t->nbuckets, sizeof(*t->buckets));
	if (!t->buckets) {
		free(t);
		return NULL;
	}
	siphash_random_key(t->hkey);
	return t;
}

/* ---- per-direction buffers ---------------------------------------------- */

static bool buf_fits(const tcp_reasm_t *t, const struct half *h, size_t cap)
{
	return cap + h->ooo_bytes <= t->lim.max_stream_bytes &&
	       t->held - h->bufcap + cap <= t->lim.max_total_bytes;
}

/* Make the message buffer hold at least need bytes, within the caps. */
static bool buf_reserve(tcp_reasm_t *t, struct half *h, size_t need)
{
	if (need <= h->bufcap)
		return true;
	size_t cap = need < TCP_MIN_BUF ? TCP_MIN_BUF : need;
	if (!buf_fits(t, h, cap))
		cap = need;
	if (!buf_fits(t, h, cap))
		return false;
	uint8_t *nb = realloc(h->buf, cap);
	if (!nb)
		return false;
	t->held = t->held - h->bufcap + cap;
	h->buf = nb;
	h->bufcap = (uint32_t)cap;
	return true;
}

static void buf_release(tcp_reasm_t *t, struct half *h)
{
	t->held -= h->bufcap;
	free(h->buf);
	h->buf = NULL;
	h->bufcap = 0;
	h->buflen = 0;
}

/* Take the first held segment off the list; the caller frees its data. */
static void ooo_detach_first(tcp_reasm_t *t, struct half *h)
{
	h->ooo_bytes -= h->ooo[0].len;
	t->held -= h->ooo[0].len;
	h->nooo--;
	memmove(&h->ooo[0], &h->ooo[1], h->nooo * sizeof(*h->ooo));
}

/* Throw away everything a direction holds; count it as unfinished. */
static void half_discard(tcp_reasm_t *t, struct half *h)
{
	t->stats.unfinished_bytes += h->buflen;
	t->stats.unfinished_bytes += h->ooo_bytes;
	while (h->nooo) {
		uint8_t *p = h->ooo[0].data;
		ooo_detach_first(t, h);
		free(p);
	}
	free(h->ooo);
	h->ooo = NULL;
	buf_release(t, h);
	h->skip = 0;
}

/* ---- framing ------------------------------------------------------------ */

static void deliver(tcp_reasm_t *t, const l4_pkt_t *tmpl, const frame_span_t *span,
		    const uint8_t *msg, uint16_t len)
{
	l4_pkt_t m = *tmpl;
	m.span = *span;
	m.payload = msg;
	m.paylen = len;
	m.paylen_wire = len;
	t->stats.messages++;
	if (t->fn)
		t->fn(t->ud, &m);
}

/* Does a length prefix plus DNS header (TCP_PROBE bytes) look like the start
 * of a message? */
static bool plausible_start(const uint8_t *p)
{
	rd_t r;
	rd_init(&r, p, TCP_PROBE);
	uint32_t len = rd_u16(&r);
	rd_skip(&r, 2); /* id */
	uint16_t flags = rd_u16(&r);
	uint32_t qd = rd_u16(&r), an = rd_u16(&r), ns = rd_u16(&r), ar = rd_u16(&r);
	unsigned opcode = (flags >> 11) & 0xf;
	if (r.err || len < 12)
		return false;
	if (opcode != DNS_OPCODE_QUERY && opcode != DNS_OPCODE_IQUERY &&
	    opcode != DNS_OPCODE_STATUS && opcode != DNS_OPCODE_NOTIFY &&
	    opcode != DNS_OPCODE_UPDATE && opcode != DNS_OPCODE_DSO)
		return false;
	if (qd > 1)
		return false;
	/* a question takes 5 bytes at least, a resource record 11 */
	return qd * 5 + (an + ns + ar) * 11 <= len - 12;
}

/* Cut in-order bytes into messages.  tmpl is the segment reported with each
 * message. */
static void frame(tcp_reasm_t *t, struct half *h, const l4_pkt_t *tmpl, const uint8_t *p,
		  uint32_t n)
{
	rd_t r;
	rd_init(&r, p, n);
	for (;;) {
		if (h->skip) {
			uint32_t s = (uint32_t)rd_left(&r);
			if (s > h->skip)
				s = h->skip;
			rd_skip(&r, s);
			h->skip -= s;
			t->stats.dropped_bytes += s;
			if (h->skip)
				return;
		}
		size_t left = rd_left(&r);
		if (h->buflen == 0) {
			if (left == 0)
				return;
			/* fast path: whole messages straight from the segment */
			size_t mark = r.pos;
			if (left < 2) {
				if (!buf_reserve(t, h, 2)) {
					t->stats.dropped_bytes += left;
					return;
				}
				h->buf[0] = rd_u8(&r);
				h->buflen = 1;
				h->span = tmpl->span;
				return;
			}
			uint16_t mlen = rd_u16(&r);
			if (mlen == 0)
				continue;
			if (rd_left(&r) >= mlen) {
				deliver(t, tmpl, &tmpl->span, rd_ptr(&r, mlen), mlen);
				continue;
			}
			rd_seek(&r, mark);
			left = rd_left(&r);
			if (!buf_reserve(t, h, 2u + mlen)) {
				/* too large for the caps: skip it by its length */
				t->stats.dropped_bytes += left;
				h->skip = 2u + mlen - (uint32_t)left;
				return;
			}
			memcpy(h->buf, rd_ptr(&r, left), left);
			h->buflen = (uint32_t)left;
			h->span = tmpl->span;
			return;
		}

		/* a message started in an earlier segment */
		if (h->buflen < 2) {
			if (left == 0)
				return;
			h->buf[h->buflen++] = rd_u8(&r);
			frame_span_add(&h->span, &tmpl->span);
			continue;
		}
		uint32_t mlen = (uint32_t)h->buf[0] << 8 | h->buf[1];
		uint32_t need = 2 + mlen;
		if (mlen == 0) {
			memmove(h->buf, h->buf + 2, h->buflen - 2);
			h->buflen -= 2;
			continue;
		}
		if (!buf_reserve(t, h, need)) {
			t->stats.dropped_bytes += h->buflen;
			h->skip = need > h->buflen ? need - h->buflen : 0;
			h->buflen = 0;
			continue;
		}
		if (h->buflen < need) {
			uint32_t take = need - h->buflen;
			if (take > left)
				take = (uint32_t)left;
			memcpy(h->buf + h->buflen, rd_ptr(&r, take), take);
			h->buflen += take;
			if (take)
				frame_span_add(&h->span, &tmpl->span);
		}
		if (h->buflen < need)
			return;
		deliver(t, tmpl, &h->span, h->buf + 2, (uint16_t)mlen);
		memmove(h->buf, h->buf + need, h->buflen - need);
		h->buflen -= need;
		if (h->buflen == 0 && h->bufcap > TCP_KEEP_BUF)
			buf_release(t, h);
	}
}

/* Feed the bytes at next_seq.  Each call starts at a segment start, which is
 * where a resynchronising direction looks for a message boundary. */
static void feed(tcp_reasm_t *t, struct half *h, const l4_pkt_t *tmpl, const uint8_t *p,
		 uint32_t n)
{
	h->next_seq += n;
	if (!h->synced) {
		uint32_t take = TCP_PROBE - h->buflen;
		if (take > n)
			take = n;
		if (!buf_reserve(t, h, TCP_PROBE)) {
			t->stats.skipped_bytes += n;
			return;
		}
		if (h->buflen == 0)
			h->span = tmpl->span;
		else if (take)
			frame_span_add(&h->span, &tmpl->span);
		memcpy(h->buf + h->buflen, p, take);
		h->buflen += take;
		p += take;
		n -= take;
		if (h->buflen < TCP_PROBE)
			return;
		if (!plausible_start(h->buf)) {
			t->stats.skipped_bytes += h->buflen + n;
			h->buflen = 0;
			return;
		}
		h->synced = true;
	}
	frame(t, h, tmpl, p, n);
}

/* Replay held segments that the stream has reached. */
static void drain(tcp_reasm_t *t, struct half *h, const l4_pkt_t *tmpl)
{
	while (h->nooo) {
		struct ooo_seg o = h->ooo[0];
		int32_t off = (int32_t)(o.seq - h->next_seq);
		if (off > 0)
			return;
		/* detach it first, so its bytes no longer count against the cap */
		ooo_detach_first(t, h);
		uint32_t old = (uint32_t)-(int64_t)off;
		if (old)
			t->stats.retransmitted++;
		if (old < o.len) {
			l4_pkt_t ot = *tmpl;
			ot.span = o.span;
			feed(t, h, &ot, o.data + old, o.len - old);
		}
		free(o.data);
	}
}

/* Give up on the hole before seq: drop the partial message and restart at
 * seq, looking for a message boundary. */
static void gap_jump(tcp_reasm_t *t, struct half *h, uint32_t seq)
{
	t->stats.gaps++;
	t->stats.unfinished_bytes += h->buflen;
	h->buflen = 0;
	h->skip = 0;
	h->synced = false;
	h->next_seq = seq;
}

/* Give up on the hole before the first held segment. */
static void gap_resync(tcp_reasm_t *t, struct half *h, const l4_pkt_t *tmpl)
{
	gap_jump(t, h, h->ooo[0].seq);
	drain(t, h, tmpl);
}

enum hold_result { HOLD_OK, HOLD_DUP, HOLD_FULL, HOLD_TOTAL };

static enum hold_result hold(tcp_reasm_t *t, struct half *h, uint32_t seq, const uint8_t *p,
			     uint32_t n, const frame_span_t *span)
{
	int32_t off = (int32_t)(seq - h->next_seq);
	uint32_t i = 0;
	while (i < h->nooo && (int32_t)(h->ooo[i].seq - h->next_seq) < off)
		i++;
	for (uint32_t j = 0; j < h->nooo; j++)
		if (h->ooo[j].seq == seq && h->ooo[j].len >= n)
			return HOLD_DUP;
	if (h->nooo >= TCP_MAX_OOO ||
	    h->bufcap + h->ooo_bytes + n > t->lim.max_stream_bytes)
		return HOLD_FULL;
	if (t->held + n > t->lim.max_total_bytes)
		return HOLD_TOTAL;
	if (!h->ooo) {
		h->ooo = malloc(TCP_MAX_OOO * sizeof(*h->ooo));
		if (!h->ooo)
			return HOLD_TOTAL;
	}
	uint8_t *copy = malloc(n);
	if (!copy)
		return HOLD_TOTAL;
	memcpy(copy, p, n);
	memmove(&h->ooo[i + 1], &h->ooo[i], (h->nooo - i) * sizeof(*h->ooo));
	h->ooo[i].seq = seq;
	h->ooo[i].len = n;
	h->ooo[i].data = copy;
	h->ooo[i].span = *span;
	h->nooo++;
	h->ooo_bytes += n;
	t->held += n;
	return HOLD_OK;
}

static void data(tcp_reasm_t *t, struct half *h, const l4_pkt_t *seg, uint32_t seq,
		 const uint8_t *p, uint32_t n)
{
	if (!h->have_seq) {
		/* first data of a direction whose SYN we did not see */
		h->have_seq = true;
		h->synced = false;
		h->next_seq = seq;
	}
	for (;;) {
		int32_t off = (int32_t)(seq - h->next_seq);
		if (off < -(int32_t)TCP_WINDOW) {
			/* far behind anything plausible: the stream moved on */
			gap_jump(t, h, seq);
			continue;
		}
		if (off <= 0) {
			uint32_t old = (uint32_t)-(int64_t)off;
			if (old >= n) {
				t->stats.retransmitted++;
				return;
			}
			if (old)
				t->stats.retransmitted++;
			feed(t, h, seg, p + old, n - old);
			drain(t, h, seg);
			return;
		}
		enum hold_result hr = HOLD_FULL;
		if ((uint32_t)off < TCP_WINDOW)
			hr = hold(t, h, seq, p, n, &seg->span);
		switch (hr) {
		case HOLD_OK:
			return;
		case HOLD_DUP:
			t->stats.retransmitted++;
			return;
		case HOLD_TOTAL:
			t->stats.dropped_bytes += n;
			return;
		case HOLD_FULL:
			/* the hole is not going to be filled in time */
			if (h->nooo)
				gap_resync(t, h, seg);
			else
				gap_jump(t, h, seq);
			break;
		}
	}
}

/* Deliver what held segments still hold beyond gaps (as at FIN). */
static void resolve_gaps(tcp_reasm_t *t, struct half *h, const l4_pkt_t *tmpl)
{
	while (h->nooo)
		gap_resync(t, h, tmpl);
}

/* ---- connections ---------------------------------------------------------- */

static void list_unlink(tcp_reasm_t *t, struct conn *c)
{
	if (c->prev)
		c->prev->next = c->next;
	else
		t->oldest = c->next;
	if (c->next)
		c->next->prev = c->prev;
	else
		t->newest = c->prev;
	c->prev = c->next = NULL;
}

static void list_append(tcp_reasm_t *t, struct conn *c)
{
	c->prev = t->newest;
	c->next = NULL;
	if (t->newest)
		t->newest->next = c;
	else
		t->oldest = c;
	t->newest = c;
}

/* A segment template for messages delivered outside tcp_reasm_add's own
 * segment (eviction, flush): the direction's endpoints, the last time seen. */
static void make_tmpl(const struct conn *c, int dir, l4_pkt_t *m)
{
	memset(m, 0, sizeof(*m));
	m->ts_ns = c->last_ts;
	m->src = c->ep_addr[dir];
	m->dst = c->ep_addr[!dir];
	m->sport = c->ep_port[dir];
	m->dport = c->ep_port[!dir];
	m->proto = IPPROTO_TCP_;
}

static void conn_free(tcp_reasm_t *t, struct conn *c, bool salvage)
{
	for (int dir = 0; dir < 2; dir++) {
		struct half *h = &c->h[dir];
		if (salvage && h->nooo) {
			l4_pkt_t m;
			make_tmpl(c, dir, &m);
			resolve_gaps(t, h, &m);
		}
		half_discard(t, h);
	}
	struct conn **pp = &t->buckets[c->hash & (t->nbuckets - 1)];
	while (*pp && *pp != c)
		pp = &(*pp)->hnext;
	if (*pp)
		*pp = c->hnext;
	list_unlink(t, c);
	t->nconns--;
	free(c);
}

void tcp_reasm_free(tcp_reasm_t *t)
{
	if (!t)
		return;
	while (t->oldest)
		conn_free(t, t->oldest, false);
	free(t->buckets);
	free(t);
}

/* Endpoint bytes: version, address, port. */
static void endpoint(const ip_addr_t *a, uint16_t port, uint8_t out[18])
{
	memset(out, 0, 18);
	memcpy(out, a->a, a->v == 4 ? 4 : 16);
	out[16] = (uint8_t)(port >> 8);
	out[17] = (uint8_t)port;
}

void tcp_reasm_add(tcp_reasm_t *t, const l4_pkt_t *seg)
{
	if (!t || !seg)
		return;
	uint64_t now = seg->ts_ns;
	while (t->oldest && now > t->oldest->last_ts &&
	       now - t->oldest->last_ts > t->lim.idle_timeout_ns) {
		t->stats.evicted++;
		conn_free(t, t->oldest, true);
	}

	uint8_t es[18], ed[18], key[TCP_KEY_LEN];
	endpoint(&seg->src, seg->sport, es);
	endpoint(&seg->dst, seg->dport, ed);
	int dir = memcmp(es, ed, 18) > 0; /* endpoint 0 sorts first */
	key[0] = seg->src.v;
	memcpy(key + 1, dir ? ed : es, 18);
	memcpy(key + 19, dir ? es : ed, 18);
	uint32_t hash = (uint32_t)siphash(t->hkey, key, sizeof(key));

	struct conn *c = t->buckets[hash & (t->nbuckets - 1)];
	while (c && (c->hash != hash || memcmp(c->key, key, sizeof(key)) != 0))
		c = c->hnext;

	uint8_t flags = seg->tcp_flags;
	const uint8_t *payload = seg->payload;
	uint32_t paylen = payload ? seg->paylen : 0;
	if (!c) {
		if ((flags & TCPF_RST) || (paylen == 0 && !(flags & TCPF_SYN)))
			return; /* nothing to learn from it */
		if (t->nconns >= t->lim.max_streams) {
			t->stats.evicted++;
			conn_free(t, t->oldest, true);
		}
		c = calloc(1, sizeof(*c));
		if (!c)
			return;
		memcpy(c->key, key, sizeof(key));
		c->hash = hash;
		c->ep_addr[dir] = seg->src;
		c->ep_addr[!dir] = seg->dst;
		c->ep_port[dir] = seg->sport;
		c->ep_port[!dir] = seg->dport;
		size_t b = hash & (t->nbuckets - 1);
		c->hnext = t->buckets[b];
		t->buckets[b] = c;
		t->nconns++;
		t->stats.streams++;
	} else {
		list_unlink(t, c);
	}
	list_append(t, c);
	c->last_ts = now;

	if (flags & TCPF_RST) {
		/* complete messages went out as they completed; held
		 * segments beyond a hole still give what they can */
		conn_free(t, c, true);
		return;
	}

	/* The peer acknowledges bytes beyond a hole in the other direction: it
	 * received them, so the capture lost them and no retransmission will
	 * fill the hole.  Give up on it now rather than at FIN. */
	struct half *rev = &c->h[!dir];
	if ((flags & TCPF_ACK) && rev->nooo && (int32_t)(seg->ack - rev->ooo[0].seq) > 0) {
		l4_pkt_t m;
		make_tmpl(c, !dir, &m);
		gap_resync(t, rev, &m);
	}

	struct half *h = &c->h[dir];
	uint32_t seq = seg->seq;
	if (flags & TCPF_SYN) {
		uint32_t isn1 = seg->seq + 1;
		int32_t d = (int32_t)(isn1 - h->next_seq);
		bool retransmitted_syn = h->have_seq && d <= 0 && d > -(int32_t)TCP_WINDOW;
		if (!retransmitted_syn) {
			/* a new connection on the same ports starts over */
			half_discard(t, h);
			h->have_seq = true;
			h->synced = true;
			h->closed = false;
			h->next_seq = isn1;
		}
		seq = isn1; /* SYN data (TCP Fast Open) follows the SYN */
	}

	if (paylen) {
		if (h->closed)
			t->stats.retransmitted++;
		else
			data(t, h, seg, seq, payload, paylen);
	}

	if ((flags & TCPF_FIN) && !h->closed) {
		uint32_t fin_seq = seq + paylen;
		resolve_gaps(t, h, seg);
		if (h->have_seq && (int32_t)(fin_seq - h->next_seq) > 0)
			t->stats.gaps++; /* data before the FIN never came */
		half_discard(t, h);
		h->closed = true;
		if (c->h[!dir].closed)
			conn_free(t, c, false);
	}
}

void tcp_reasm_flush(tcp_reasm_t *t)
{
	if (!t)
		return;
	while (t->oldest)
		conn_free(t, t->oldest, true);
}

const tcp_stats_t *tcp_reasm_stats(const tcp_reasm_t *t)
{
	return &t->stats;
}

size_t tcp_reasm_bytes_held(const tcp_reasm_t *t)
{
	return t->held;
}
