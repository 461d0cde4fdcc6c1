/*
 * capture.c - capture input: classic pcap and pcapng, from a path, "-"
 * (standard input) or a caller's FILE stream.
 *
 * What it handles:
 *  - pcap in either byte order, microsecond (a1b2c3d4) and nanosecond
 *    (a1b23c4d) precision, and the "modified" 24-byte record header variant
 *    (a1b2cd34).  The link type's FCS bits are masked off.
 *  - pcapng: section headers in either byte order and any number of
 *    sections (each resets the interface table), interface descriptions with
 *    if_tsresol (decimal or binary) and if_tsoffset, enhanced, simple and
 *    obsolete packet blocks.  Every packet carries its own interface's link
 *    type, so files mixing link types (eth0 + tun0) are read like any other.
 *    Unknown block types are skipped.
 *  - Non-seekable input: the magic is sniffed from the module's own buffer,
 *    and both formats are parsed here, so nothing is ever read twice.
 *  - A BPF filter, compiled once per link type with libpcap and applied
 *    with pcap_offline_filter.  Rejected packets are still returned, marked.
 *
 * What it deliberately drops or refuses:
 *  - Damage stops the input: a truncated or absurdly long record or block,
 *    a block whose two length fields disagree, a packet on an undeclared
 *    interface.  Everything before the damage has been returned; the error
 *    is sticky.
 *  - Timestamps going backwards only raise a warning (once).  Timestamps are
 *    64-bit nanoseconds, saturated rather than wrapped.  Simple packet blocks
 *    have no timestamp: they get the previous packet's.
 *  - pcapng statistics, name resolution, decryption secrets and custom
 *    blocks are skipped; packet options are ignored.
 *
 * Content identity (capture_track_content): every byte read is hashed as it
 * arrives from the file or stream, 16 bytes at a time into two 64-bit lanes
 * seeded from a per-process random key; each lane folds a 64x64->128-bit
 * product of the block's two words, one crossed with its state and the
 * other with a key word (the multiply-fold step of wyhash and its kin), and
 * is finished with MurmurHash3's finaliser.  With the byte count, that is
 * the identity: about two instructions a byte.
 *
 * Copies within one input (cap_packet_t.duplicate): the last DUP_RING
 * distinct packets are remembered by link type, lengths and timestamp, and
 * by their bytes where they lie in the read buffer; only when the buffer is
 * about to move are their first DUP_HEAD and last DUP_TAIL bytes copied out
 * (dup_keep), so that a packet costs a few stores.  The low octets of the
 * eight captured lengths sit in one word and are matched at once (SWAR);
 * only candidates are compared further.  What is compared does not depend
 * on where the bytes are, so the outcome does not depend on read sizes.
 *
 * Bounds: records and blocks up to 256 MiB (pcap records also up to the
 * larger of the file's snaplen and 256 KiB); the read buffer grows only
 * with bytes actually present in the file; at most 65536 interfaces per
 * section and 64 distinct filtered link types.
 */
#include "capture.h"

#include <dnsts/dnsts.h>
#include <pcap/pcap.h>

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "mix.h"
#include "rd.h"
#include "siphash.h"
#include "swar.h"

#define BUF_INIT       (1u << 17)
#define MAX_RECORD     (256u << 20)
#define MIN_REC_LIMIT  262144u
#define MAX_IFACES     65536u
#define MAX_PROGS      64u
#define NS_PER_SEC     1000000000ull
#define DUP_RING       8            /* packets remembered for copies */
#define DUP_WINDOW_NS  10000000u    /* 10 ms */
#define DUP_HEAD       64           /* bytes compared at the start, */
#define DUP_TAIL       16           /* and at the end */

enum { FMT_PCAP = 1, FMT_PCAPNG = 2 };

enum {
	NG_SHB = 0x0A0D0D0A,
	NG_IDB = 1,
	NG_PB = 2,
	NG_SPB = 3,
	NG_EPB = 6,
};

typedef struct iface {
	int linktype;
	uint32_t snaplen;
	uint64_t mul;       /* ns per unit when the resolution is 10^-n, n <= 9 */
	uint64_t div;       /* units per ns when 10^-n, n > 9 (0: result is 0) */
	uint8_t bin_shift;  /* resolution 2^-bin_shift when bin */
	bool bin;
	int64_t offset_s;   /* if_tsoffset, seconds */
} iface_t;

typedef struct dup_ring {
	uint8_t tag[DUP_RING];     /* low octet of each caplen, read as one word */
	uint64_t lens[DUP_RING];   /* caplen << 32 | len; 0: free */
	uint64_t ts[DUP_RING];
	int linktype[DUP_RING];
	const uint8_t *ref[DUP_RING]; /* the packet in the read buffer, or NULL: in b */
	uint8_t b[DUP_RING][DUP_HEAD + DUP_TAIL];
	unsigned next;
} dup_ring_t;

typedef struct prog {
	int linktype;
	bool ok;
	struct bpf_program bpf;
} prog_t;

struct capture {
	/* input */
	int fd;             /* >= 0: read(2) from it */
	FILE *fp;           /* else fread(3) from it */
	bool close_fd;
	bool eof;
	uint8_t *buf;
	size_t cap, start, end;
	uint64_t buf_off;   /* file offset of buf[0] */

	int fmt;
	bool be;            /* multi-byte fields are big-endian */
	/* classic pcap */
	bool nsec;
	uint32_t hdr_len;   /* 16, or 24 for the modified format */
	int linktype;
	uint32_t rec_limit;
	/* pcapng */
	iface_t *ifs;
	size_t nifs, ifcap;

	uint64_t npkts;
	uint64_t last_ts;
	bool warned_back;
	dup_ring_t dup;

	/* filter */
	char *bpf_expr;
	prog_t progs[MAX_PROGS];
	size_t nprogs;
	size_t last_prog;

	/* content identity (capture_track_content) */
	bool track;
	bool clean_end;     /* capture_next returned 0 */
	uint64_t ha, hb;    /* the two lanes */
	uint8_t tail[16];   /* bytes of a block not yet complete */
	unsigned ntail;
	uint64_t nhashed;

	/* SHA-256 of every byte read (capture_sha256) */
	sha256_ctx_t sha;

	int err;            /* sticky error, 0 if none */
	char errmsg[256];
	char warnmsg[256];
};

/* ---- small helpers ---------------------------------------------------- */

#if defined(__GNUC__)
__attribute__((format(printf, 3, 4)))
#endif
static int fail(capture_t *c, int code, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(c->errmsg, sizeof c->errmsg, fmt, ap);
	va_end(ap);
	c->err = code;
	return code;
}

#if defined(__GNUC__)
__attribute__((format(printf, 2, 3)))
#endif
static void warn_once(capture_t *c, const char *fmt, ...)
{
	if (c->warnmsg[0])
		return;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(c->warnmsg, sizeof c->warnmsg, fmt, ap);
	va_end(ap);
}

/* ---- content identity -------------------------------------------------- */

static uint64_t content_key[4];
static pthread_once_t content_key_once = PTHREAD_ONCE_INIT;

static void content_key_init(void)
{
	uint8_t k[32];
	siphash_random_key(k);
	siphash_random_key(k + 16);
	memcpy(content_key, k, sizeof k);
}

/* The 128-bit product of x and y, its halves folded together. */
static inline uint64_t mul_fold(uint64_t x, uint64_t y)
{
#ifdef __SIZEOF_INT128__
	__uint128_t r = (__uint128_t)x * y;
	return (uint64_t)r ^ (uint64_t)(r >> 64);
#else
	uint64_t xl = (uint32_t)x, xh = x >> 32, yl = (uint32_t)y, yh = y >> 32;
	uint64_t ll = xl * yl, lh = xl * yh, hl = xh * yl, hh = xh * yh;
	uint64_t mid = (ll >> 32) + (uint32_t)lh + (uint32_t)hl;
	uint64_t lo = (mid << 32) | (uint32_t)ll;
	uint64_t hi = hh + (lh >> 32) + (hl >> 32) + (mid >> 32);
	return lo ^ hi;
#endif
}

/* One 16-byte block (words w0, w1) into the lanes a and b (held in
 * registers by the caller: the bytes read could alias its fields). */
#define CONTENT_BLOCK(a, b, w0, w1, k0, k1)                 \
	do {                                                  \
		(a) = mul_fold((w0) ^ (a), (w1) ^ (k0));      \
		(b) = mul_fold((w1) ^ (b), (w0) ^ (k1));      \
	} while (0)

static void content_update(capture_t *c, const uint8_t *p, size_t n)
{
	uint64_t a = c->ha, b = c->hb, w0, w1;
	const uint64_t k0 = content_key[2], k1 = content_key[3];
	c->nhashed += n;
	if (c->ntail) {
		size_t k = 16 - c->ntail < n ? 16 - c->ntail : n;
		memcpy(c->tail + c->ntail, p, k);
		c->ntail += (unsigned)k;
		p += k;
		n -= k;
		if (c->ntail < 16)
			return;
		memcpy(&w0, c->tail, 8);
		memcpy(&w1, c->tail + 8, 8);
		CONTENT_BLOCK(a, b, w0, w1, k0, k1);
		c->ntail = 0;
	}
	for (; n >= 16; p += 16, n -= 16) {
		memcpy(&w0, p, 8);
		memcpy(&w1, p + 8, 8);
		CONTENT_BLOCK(a, b, w0, w1, k0, k1);
	}
	c->ha = a;
	c->hb = b;
	memcpy(c->tail, p, n);
	c->ntail = (unsigned)n;
}

static inline uint32_t get32(rd_t *r, bool be)
{
	return be ? rd_u32(r) : rd_u32_le(r);
}

static inline uint16_t get16(rd_t *r, bool be)
{
	return be ? rd_u16(r) : rd_u16_le(r);
}

static inline uint64_t avail(const capture_t *c)
{
	return c->end - c->start;
}

static inline uint64_t cur_off(const capture_t *c)
{
	return c->buf_off + c->start;
}

/* ---- copies within the input ------------------------------------------ */

/* The compared bytes of the n-byte packet p into dst: the first DUP_HEAD and
 * the last DUP_TAIL (overlapping below DUP_HEAD + DUP_TAIL bytes), or all of
 * a packet shorter than DUP_HEAD. */
static void dup_copy(uint8_t *dst, const uint8_t *p, uint32_t n)
{
	if (n < DUP_HEAD) {
		memcpy(dst, p, n);
	} else {
		memcpy(dst, p, DUP_HEAD);
		memcpy(dst + DUP_HEAD, p + n - DUP_TAIL, DUP_TAIL);
	}
}

/* The read buffer is about to move: copy out the bytes of the packets
 * remembered there. */
static void dup_keep(capture_t *c)
{
	dup_ring_t *r = &c->dup;
	for (unsigned i = 0; i < DUP_RING; i++) {
		if (r->ref[i]) {
			dup_copy(r->b[i], r->ref[i], (uint32_t)(r->lens[i] >> 32));
			r->ref[i] = NULL;
		}
	}
}

/* Entry i and the n-byte packet p have the same compared bytes. */
static bool dup_same(const dup_ring_t *r, unsigned i, const uint8_t *p, uint32_t n)
{
	const uint8_t *head = r->ref[i] ? r->ref[i] : r->b[i];
	const uint8_t *tail = r->ref[i] ? r->ref[i] + n - DUP_TAIL : r->b[i] + DUP_HEAD;
	if (n < DUP_HEAD)
		return memcmp(head, p, n) == 0;
	return memcmp(head, p, DUP_HEAD) == 0 && memcmp(tail, p + n - DUP_TAIL, DUP_TAIL) == 0;
}

/* Is pkt a copy of a recent packet?  If not, it is remembered. */
__attribute__((always_inline)) static inline bool dup_seen(dup_ring_t *r, const cap_packet_t *pkt)
{
	const uint32_t n = pkt->caplen;
	if (n == 0)
		return false;
	const uint64_t lens = (uint64_t)n << 32 | pkt->len;
	uint64_t x;
	memcpy(&x, r->tag, sizeof x);
	x ^= SWAR_1 * (n & 0xff);
	/* zero octets of x; an octet above a true one may be flagged too,
	 * which the lengths settle */
	uint64_t cand = (x - SWAR_1) & ~x & SWAR_HI;
	while (cand) {
		unsigned i = (unsigned)__builtin_ctzll(cand) >> 3;
		cand &= cand - 1;
		if (r->lens[i] != lens || r->linktype[i] != pkt->linktype)
			continue;
		uint64_t dt = pkt->ts_ns > r->ts[i] ? pkt->ts_ns - r->ts[i] : r->ts[i] - pkt->ts_ns;
		if (dt <= DUP_WINDOW_NS && dup_same(r, i, pkt->data, n))
			return true;
	}
	const unsigned i = r->next;
	r->next = (i + 1) & (DUP_RING - 1);
	r->tag[i] = (uint8_t)n;
	r->lens[i] = lens;
	r->linktype[i] = pkt->linktype;
	r->ts[i] = pkt->ts_ns;
	r->ref[i] = pkt->data;
	return false;
}

/*
 * Make at least n bytes available from c->start, unless the input ends
 * first.  The buffer grows at most one doubling per read, and only when it
 * is full of real data, so memory follows the bytes actually present.
 * Returns 0 (check avail() for a short end) or DNSTS_EIO / DNSTS_ENOMEM.
 */
static int fill(capture_t *c, size_t n)
{
	while (avail(c) < n && !c->eof) {
		if (c->cap - c->start < n && c->start > 0) {
			size_t left = c->end - c->start;
			dup_keep(c);
			memmove(c->buf, c->buf + c->start, left);
			c->buf_off += c->start;
			c->start = 0;
			c->end = left;
		}
		if (c->end == c->cap) {
			size_t ncap = c->cap * 2;
			dup_keep(c);
			if (ncap > n)
				ncap = n > c->cap ? n : ncap;
			uint8_t *nb = realloc(c->buf, ncap);
			if (!nb)
				return fail(c, DNSTS_ENOMEM, "out of memory for a %zu-byte record", n);
			c->buf = nb;
			c->cap = ncap;
		}
		size_t room = c->cap - c->end;
		size_t got;
		if (c->fd >= 0) {
			ssize_t k = read(c->fd, c->buf + c->end, room);
			if (k < 0) {
				if (errno == EINTR)
					continue;
				return fail(c, DNSTS_EIO, "read error: %s", strerror(errno));
			}
			got = (size_t)k;
		} else {
			got = fread(c->buf + c->end, 1, room, c->fp);
			if (got == 0 && ferror(c->fp))
				return fail(c, DNSTS_EIO, "read error: %s", strerror(errno));
		}
		if (got == 0) {
			c->eof = true;
		} else {
			sha256_update(&c->sha, c->buf + c->end, got);
			if (c->track)
				content_update(c, c->buf + c->end, got);
		}
		c->end += got;
	}
	return 0;
}

/* ---- timestamps ------------------------------------------------------- */

static uint64_t sat_add(uint64_t a, uint64_t b)
{
	return a > UINT64_MAX - b ? UINT64_MAX : a + b;
}

static uint64_t sat_mul(uint64_t a, uint64_t b)
{
	if (b != 0 && a > UINT64_MAX / b)
		return UINT64_MAX;
	return a * b;
}

static void iface_set_resol(iface_t *f, uint8_t v)
{
	f->bin = (v & 0x80) != 0;
	unsigned e = v & 0x7f;
	f->mul = 0;
	f->div = 0;
	f->bin_shift = 0;
	if (f->bin) {
		f->bin_shift = (uint8_t)(e > 63 ? 63 : e);
	} else if (e <= 9) {
		uint64_t m = 1;
		for (unsigned i = e; i < 9; i++)
			m *= 10;
		f->mul = m;
	} else if (e - 9 <= 19) {
		uint64_t d = 1;
		for (unsigned i = 9; i < e; i++)
			d *= 10;
		f->div = d;
	}
}

static uint64_t iface_ns(const iface_t *f, uint64_t ts)
{
	uint64_t ns;
	if (f->bin) {
		unsigned n = f->bin_shift;
		uint64_t secs = n ? ts >> n : ts;
		uint64_t frac = n ? ts & ((1ull << n) - 1) : 0;
		/* keep frac * 1e9 below 2^64: use at most 32 fraction bits */
		if (n > 32) {
			frac >>= n - 32;
			n = 32;
		}
		ns = sat_add(sat_mul(secs, NS_PER_SEC), (frac * NS_PER_SEC) >> n);
	} else if (f->mul) {
		ns = sat_mul(ts, f->mul);
	} else {
		ns = f->div ? ts / f->div : 0;
	}
	if (f->offset_s > 0) {
		ns = sat_add(ns, sat_mul((uint64_t)f->offset_s, NS_PER_SEC));
	} else if (f->offset_s < 0) {
		uint64_t sub = sat_mul((uint64_t)0 - (uint64_t)f->offset_s, NS_PER_SEC);
		ns = ns > sub ? ns - sub : 0;
	}
	return ns;
}

/* ---- BPF -------------------------------------------------------------- */

/* libpcap compiles for DLT_ values; these LINKTYPE_ values differ. */
static int linktype_to_dlt(int lt)
{
	switch (lt) {
	case 100: return DLT_ATM_RFC1483;
	case 101: return DLT_RAW;
	case 102: return DLT_SLIP_BSDOS;
	case 103: return DLT_PPP_BSDOS;
	case 106: return DLT_ATM_CLIP;
	default: return lt;
	}
}

/* Compile the filter for a link type; libpcap's message in msg on error. */
static int compile_bpf(const char *expr, int lt, struct bpf_program *out,
		       char *msg, size_t msglen)
{
	pcap_t *p = pcap_open_dead(linktype_to_dlt(lt), (int)MIN_REC_LIMIT);
	if (!p) {
		snprintf(msg, msglen, "cannot set up filter compilation");
		return -1;
	}
	int r = pcap_compile(p, out, expr, 1, PCAP_NETMASK_UNKNOWN);
	if (r != 0)
		snprintf(msg, msglen, "%s", pcap_geterr(p));
	pcap_close(p);
	return r;
}

int capture_filter_check(const char *expr, char *msg, size_t msglen)
{
	static const int lts[] = {1, 101, 113, 0};
	char other[256];
	for (size_t i = 0; i < sizeof lts / sizeof lts[0]; i++) {
		struct bpf_program prog;
		if (compile_bpf(expr, lts[i], &prog, i ? other : msg, i ? sizeof other : msglen) == 0) {
			pcap_freecode(&prog);
			return 0;
		}
	}
	return -1;
}

/* Does the filter accept this packet?  Link types it cannot be compiled for
 * count as rejected (with a warning). */
static bool bpf_accepts(capture_t *c, const cap_packet_t *pkt)
{
	prog_t *pr = NULL;
	if (c->nprogs && c->progs[c->last_prog].linktype == pkt->linktype) {
		pr = &c->progs[c->last_prog];
	} else {
		for (size_t i = 0; i < c->nprogs; i++) {
			if (c->progs[i].linktype == pkt->linktype) {
				pr = &c->progs[i];
				c->last_prog = i;
				break;
			}
		}
	}
	if (!pr) {
		if (c->nprogs == MAX_PROGS) {
			warn_once(c, "too many link types to filter; packets of link type %d rejected",
				  pkt->linktype);
			return false;
		}
		char msg[PCAP_ERRBUF_SIZE + 64];
		pr = &c->progs[c->nprogs];
		pr->linktype = pkt->linktype;
		pr->ok = compile_bpf(c->bpf_expr, pkt->linktype, &pr->bpf, msg, sizeof msg) == 0;
		if (!pr->ok)
			warn_once(c, "filter does not apply to link type %d (%s); its packets are rejected",
				  pkt->linktype, msg);
		c->last_prog = c->nprogs++;
	}
	if (!pr->ok)
		return false;
	struct pcap_pkthdr h;
	memset(&h, 0, sizeof h);
	h.caplen = pkt->caplen;
	h.len = pkt->len;
	return pcap_offline_filter(&pr->bpf, &h, pkt->data) != 0;
}

/* Common per-packet work: count, time order, filter. */
__attribute__((always_inline)) static inline int deliver(capture_t *c, cap_packet_t *pkt)
{
	c->npkts++;
	if (pkt->ts_ns < c->last_ts) {
		if (!c->warned_back) {
			c->warned_back = true;
			warn_once(c, "timestamps go backwards at packet %llu",
				  (unsigned long long)c->npkts);
		}
	} else {
		c->last_ts = pkt->ts_ns;
	}
	pkt->duplicate = dup_seen(&c->dup, pkt);
	pkt->filtered = c->bpf_expr ? !bpf_accepts(c, pkt) : false;
	return 1;
}

/* pcapng block types that are defined (registry of the pcapng draft) but
 * carry nothing for us: name resolution, statistics, IRIG/ARINC, systemd
 * journal, decryption secrets, sysdig events, custom and Darwin process
 * blocks.  Anything else is unknown. */
static bool ng_block_known(uint32_t type)
{
	return (type >= 4 && type <= 10) || type == 0xBAD || type == 0x40000BAD ||
	       (type >= 0x201 && type <= 0x221) || type == 0x80000001;
}

/* ---- classic pcap ------------------------------------------------------ */

static int pcap_next_rec(capture_t *c, cap_packet_t *pkt)
{
	const uint32_t hl = c->hdr_len;
	if (avail(c) < hl) {
		int r = fill(c, hl);
		if (r)
			return r;
		if (avail(c) == 0)
			return 0;
		if (avail(c) < hl)
			return fail(c, DNSTS_ETRUNC,
				    "truncated record header at packet %llu (byte offset %llu): %llu of %u bytes present",
				    (unsigned long long)c->npkts + 1, (unsigned long long)cur_off(c),
				    (unsigned long long)avail(c), hl);
	}
	rd_t r;
	rd_init(&r, c->buf + c->start, hl);
	uint32_t sec = get32(&r, c->be);
	uint32_t frac = get32(&r, c->be);
	uint32_t caplen = get32(&r, c->be);
	uint32_t len = get32(&r, c->be);
	if (caplen > c->rec_limit)
		return fail(c, DNSTS_EMALF,
			    "absurd record length at packet %llu (byte offset %llu): %u bytes (limit %u)",
			    (unsigned long long)c->npkts + 1, (unsigned long long)cur_off(c),
			    caplen, c->rec_limit);
	size_t need = (size_t)hl + caplen;
	if (avail(c) < need) {
		int e = fill(c, need);
		if (e)
			return e;
		if (avail(c) < need)
			return fail(c, DNSTS_ETRUNC,
				    "truncated record at packet %llu (byte offset %llu): %llu of %u bytes present",
				    (unsigned long long)c->npkts + 1, (unsigned long long)cur_off(c),
				    (unsigned long long)(avail(c) - hl), caplen);
	}
	pkt->data = c->buf + c->start + hl;
	pkt->caplen = caplen;
	pkt->len = len;
	pkt->linktype = c->linktype;
	pkt->ts_ns = (uint64_t)sec * NS_PER_SEC + (c->nsec ? frac : (uint64_t)frac * 1000u);
	c->start += need;
	return deliver(c, pkt);
}

static int pcap_open_hdr(capture_t *c)
{
	int r = fill(c, 24);
	if (r)
		return r;
	if (avail(c) < 24)
		return fail(c, DNSTS_ETRUNC, "truncated file header: %llu of 24 bytes present",
			    (unsigned long long)avail(c));
	rd_t rd;
	rd_init(&rd, c->buf + c->start, 24);
	rd_skip(&rd, 4);
	uint16_t vmaj = get16(&rd, c->be);
	uint16_t vmin = get16(&rd, c->be);
	rd_skip(&rd, 8); /* thiszone, sigfigs */
	uint32_t snaplen = get32(&rd, c->be);
	uint32_t lt = get32(&rd, c->be);
	if (vmaj != 2)
		return fail(c, DNSTS_EFORMAT, "unsupported pcap version %u.%u", vmaj, vmin);
	c->linktype = (int)(lt & 0x03FFFFFF);
	c->rec_limit = snaplen > MIN_REC_LIMIT ? snaplen : MIN_REC_LIMIT;
	if (c->rec_limit > MAX_RECORD)
		c->rec_limit = MAX_RECORD;
	c->start += 24;
	return 0;
}

/* ---- pcapng ------------------------------------------------------------ */

static int ng_idb(capture_t *c, rd_t *r)
{
	if (c->nifs == MAX_IFACES)
		return fail(c, DNSTS_ELIMIT, "more than %u interfaces in a pcapng section", MAX_IFACES);
	if (c->nifs == c->ifcap) {
		size_t ncap = c->ifcap ? c->ifcap * 2 : 8;
		iface_t *n = realloc(c->ifs, ncap * sizeof *n);
		if (!n)
			return fail(c, DNSTS_ENOMEM, "out of memory for interfaces");
		c->ifs = n;
		c->ifcap = ncap;
	}
	iface_t *f = &c->ifs[c->nifs];
	memset(f, 0, sizeof *f);
	f->linktype = get16(r, c->be);
	rd_skip(r, 2);
	f->snaplen = get32(r, c->be);
	if (r->err)
		return fail(c, DNSTS_EMALF, "short interface description block (interface %zu)", c->nifs);
	iface_set_resol(f, 6);
	/* options; a damaged option list just ends the list */
	while (rd_left(r) >= 4) {
		uint16_t code = get16(r, c->be);
		uint16_t olen = get16(r, c->be);
		if (code == 0)
			break;
		const uint8_t *v = rd_ptr(r, olen);
		if (!v)
			break;
		rd_skip(r, (4 - (olen & 3)) & 3);
		if (code == 9 && olen >= 1) {
			iface_set_resol(f, v[0]);
		} else if (code == 14 && olen == 8) {
			rd_t o;
			rd_init(&o, v, 8);
			uint32_t a = get32(&o, c->be), b = get32(&o, c->be);
			uint64_t u = c->be ? (uint64_t)a << 32 | b : (uint64_t)b << 32 | a;
			f->offset_s = (int64_t)u;
		}
	}
	c->nifs++;
	return 0;
}

static int ng_next(capture_t *c, cap_packet_t *pkt)
{
	for (;;) {
		if (avail(c) < 12) {
			int e = fill(c, 12);
			if (e)
				return e;
			if (avail(c) == 0)
				return 0;
			if (avail(c) < 12)
				return fail(c, DNSTS_ETRUNC,
					    "truncated block header after packet %llu (byte offset %llu): %llu of 12 bytes present",
					    (unsigned long long)c->npkts, (unsigned long long)cur_off(c),
					    (unsigned long long)avail(c));
		}
		const uint8_t *p = c->buf + c->start;
		rd_t r;
		rd_init(&r, p, 12);
		uint32_t type = get32(&r, c->be);
		if (type == NG_SHB) {
			rd_t b;
			rd_init(&b, p + 8, 4);
			uint32_t bom = rd_u32_le(&b);
			if (bom == 0x1A2B3C4D)
				c->be = false;
			else if (bom == 0x4D3C2B1A)
				c->be = true;
			else
				return fail(c, DNSTS_EMALF,
					    "bad byte-order magic in pcapng section header (byte offset %llu)",
					    (unsigned long long)cur_off(c));
		}
		uint32_t blen = get32(&r, c->be);
		bool is_pkt = type == NG_EPB || type == NG_SPB || type == NG_PB;
		if (blen < 12 || (blen & 3) || blen > MAX_RECORD || (type == NG_SHB && blen < 28))
			return fail(c, DNSTS_EMALF,
				    "bad pcapng block length %u (type 0x%x) at byte offset %llu",
				    blen, type, (unsigned long long)cur_off(c));
		if (avail(c) < blen) {
			int e = fill(c, blen);
			if (e)
				return e;
			if (avail(c) < blen) {
				if (is_pkt)
					return fail(c, DNSTS_ETRUNC,
						    "truncated record at packet %llu (byte offset %llu): %llu of %u bytes present",
						    (unsigned long long)c->npkts + 1,
						    (unsigned long long)cur_off(c),
						    (unsigned long long)avail(c), blen);
				return fail(c, DNSTS_ETRUNC,
					    "truncated pcapng block (type 0x%x) at byte offset %llu: %llu of %u bytes present",
					    type, (unsigned long long)cur_off(c),
					    (unsigned long long)avail(c), blen);
			}
			p = c->buf + c->start;
		}
		rd_init(&r, p, blen);
		rd_seek(&r, blen - 4);
		if (get32(&r, c->be) != blen)
			return fail(c, DNSTS_EMALF,
				    "pcapng block length fields disagree (type 0x%x) at byte offset %llu",
				    type, (unsigned long long)cur_off(c));
		rd_init(&r, p + 8, blen - 12);
		uint64_t off = cur_off(c);
		c->start += blen;

		uint32_t ifid, tsh = 0, tsl = 0, caplen, len;
		switch (type) {
		case NG_SHB: {
			rd_skip(&r, 4);
			uint16_t vmaj = get16(&r, c->be);
			if (vmaj != 1)
				return fail(c, DNSTS_EFORMAT, "unsupported pcapng version %u (byte offset %llu)",
					    vmaj, (unsigned long long)off);
			c->nifs = 0;
			continue;
		}
		case NG_IDB: {
			int e = ng_idb(c, &r);
			if (e)
				return e;
			continue;
		}
		case NG_EPB:
			ifid = get32(&r, c->be);
			tsh = get32(&r, c->be);
			tsl = get32(&r, c->be);
			caplen = get32(&r, c->be);
			len = get32(&r, c->be);
			break;
		case NG_PB:
			ifid = get16(&r, c->be);
			rd_skip(&r, 2);
			tsh = get32(&r, c->be);
			tsl = get32(&r, c->be);
			caplen = get32(&r, c->be);
			len = get32(&r, c->be);
			break;
		case NG_SPB:
			ifid = 0;
			len = get32(&r, c->be);
			caplen = len;
			if (caplen > rd_left(&r))
				caplen = (uint32_t)rd_left(&r);
			if (c->nifs && c->ifs[0].snaplen && caplen > c->ifs[0].snaplen)
				caplen = c->ifs[0].snaplen;
			break;
		default:
			/* uninteresting blocks pass silently, unknown ones are named */
			if (!ng_block_known(type))
				warn_once(c, "skipped pcapng block of unknown type 0x%x at byte offset %llu",
					  type, (unsigned long long)off);
			continue;
		}
		if (r.err)
			return fail(c, DNSTS_EMALF, "short packet block at packet %llu (byte offset %llu)",
				    (unsigned long long)c->npkts + 1, (unsigned long long)off);
		if (ifid >= c->nifs)
			return fail(c, DNSTS_EMALF,
				    "packet %llu (byte offset %llu) is on undeclared interface %u",
				    (unsigned long long)c->npkts + 1, (unsigned long long)off, ifid);
		const uint8_t *data = rd_ptr(&r, caplen);
		if (!data)
			return fail(c, DNSTS_EMALF,
				    "packet %llu (byte offset %llu): captured length %u exceeds its block",
				    (unsigned long long)c->npkts + 1, (unsigned long long)off, caplen);
		const iface_t *f = &c->ifs[ifid];
		pkt->data = data;
		pkt->caplen = caplen;
		pkt->len = len;
		pkt->linktype = f->linktype;
		if (type == NG_SPB)
			pkt->ts_ns = c->last_ts;
		else
			pkt->ts_ns = iface_ns(f, (uint64_t)tsh << 32 | tsl);
		return deliver(c, pkt);
	}
}

/* Link type of the first interface when it directly follows the first
 * section header (the usual layout), else -1.  Reads ahead, consumes
 * nothing. */
static int ng_peek_first_linktype(capture_t *c)
{
	if (fill(c, 12))
		return -1;
	rd_t r;
	rd_init(&r, c->buf + c->start, avail(c));
	rd_skip(&r, 4);
	uint32_t shb_len = get32(&r, c->be);
	if (r.err || shb_len > MAX_RECORD || (shb_len & 3) || shb_len < 28)
		return -1;
	if (fill(c, (size_t)shb_len + 12))
		return -1;
	rd_init(&r, c->buf + c->start, avail(c));
	rd_skip(&r, shb_len);
	uint32_t type = get32(&r, c->be);
	rd_skip(&r, 4);
	uint16_t lt = get16(&r, c->be);
	if (r.err || type != NG_IDB)
		return -1;
	return lt;
}

/* ---- open / close ------------------------------------------------------ */

static bool is_magic_prefix(const uint8_t *p, size_t n)
{
	static const uint8_t magics[][4] = {
		{0xd4, 0xc3, 0xb2, 0xa1}, {0xa1, 0xb2, 0xc3, 0xd4},
		{0x4d, 0x3c, 0xb2, 0xa1}, {0xa1, 0xb2, 0x3c, 0x4d},
		{0x34, 0xcd, 0xb2, 0xa1}, {0xa1, 0xb2, 0xcd, 0x34},
		{0x0a, 0x0d, 0x0d, 0x0a},
	};
	for (size_t i = 0; i < sizeof magics / sizeof magics[0]; i++)
		if (memcmp(p, magics[i], n) == 0)
			return true;
	return false;
}

static int sniff(capture_t *c)
{
	int e = fill(c, 4);
	if (e)
		return e;
	const uint8_t *p = c->buf + c->start;
	size_t n = avail(c);
	if (n == 0)
		return fail(c, DNSTS_EFORMAT, "empty file");
	if (n < 4) {
		if (is_magic_prefix(p, n))
			return fail(c, DNSTS_ETRUNC, "truncated file header: %zu of 24 bytes present", n);
		char hex[16] = "";
		size_t k = 0;
		for (size_t i = 0; i < n; i++)
			k += (size_t)snprintf(hex + k, sizeof hex - k, "%s%02x", i ? " " : "", p[i]);
		return fail(c, DNSTS_EFORMAT, "not a pcap or pcapng capture (starts with %s)", hex);
	}
	rd_t r;
	rd_init(&r, p, 4);
	uint32_t m = rd_u32(&r);
	switch (m) {
	case 0xa1b2c3d4: c->be = true;  c->hdr_len = 16; break;
	case 0xd4c3b2a1: c->be = false; c->hdr_len = 16; break;
	case 0xa1b23c4d: c->be = true;  c->hdr_len = 16; c->nsec = true; break;
	case 0x4d3cb2a1: c->be = false; c->hdr_len = 16; c->nsec = true; break;
	case 0xa1b2cd34: c->be = true;  c->hdr_len = 24; break;
	case 0x34cdb2a1: c->be = false; c->hdr_len = 24; break;
	case 0x0a0d0d0a:
		c->fmt = FMT_PCAPNG;
		break;
	default:
		return fail(c, DNSTS_EFORMAT,
			    "not a pcap or pcapng capture (starts with %02x %02x %02x %02x)",
			    p[0], p[1], p[2], p[3]);
	}
	if (c->fmt == FMT_PCAPNG) {
		e = fill(c, 28);
		if (e)
			return e;
		if (avail(c) < 28)
			return fail(c, DNSTS_ETRUNC, "truncated file header: %llu of 28 bytes present",
				    (unsigned long long)avail(c));
		rd_init(&r, c->buf + c->start + 8, 4);
		uint32_t bom = rd_u32_le(&r);
		if (bom == 0x1A2B3C4D)
			c->be = false;
		else if (bom == 0x4D3C2B1A)
			c->be = true;
		else
			return fail(c, DNSTS_EFORMAT, "not a pcapng capture (bad byte-order magic)");
		return 0;
	}
	c->fmt = FMT_PCAP;
	return pcap_open_hdr(c);
}

int capture_open(capture_t **out, const char *path, FILE *fp, const char *bpf,
		 char *errbuf, size_t errlen)
{
	*out = NULL;
	if (errlen)
		errbuf[0] = 0;
	if (!path && !fp) {
		if (errlen)
			snprintf(errbuf, errlen, "no input given");
		return DNSTS_EINVAL;
	}
	capture_t *c = calloc(1, sizeof *c);
	if (!c || !(c->buf = malloc(BUF_INIT))) {
		free(c);
		if (errlen)
			snprintf(errbuf, errlen, "out of memory");
		return DNSTS_ENOMEM;
	}
	c->cap = BUF_INIT;
	c->fd = -1;
	sha256_init(&c->sha);
	if (fp) {
		c->fp = fp;
	} else if (strcmp(path, "-") == 0) {
		c->fd = STDIN_FILENO;
	} else {
		c->fd = open(path, O_RDONLY | O_CLOEXEC);
		if (c->fd < 0) {
			int en = errno;
			if (errlen)
				snprintf(errbuf, errlen, "%s", strerror(en));
			free(c->buf);
			free(c);
			return en == ENOENT ? DNSTS_ENOENT : DNSTS_EIO;
		}
		c->close_fd = true;
#ifdef POSIX_FADV_SEQUENTIAL
		(void)posix_fadvise(c->fd, 0, 0, POSIX_FADV_SEQUENTIAL);
#endif
	}

	int e = sniff(c);
	if (!e && bpf) {
		c->bpf_expr = strdup(bpf);
		if (!c->bpf_expr) {
			e = fail(c, DNSTS_ENOMEM, "out of memory");
		} else {
			int lt = c->fmt == FMT_PCAP ? c->linktype : ng_peek_first_linktype(c);
			if (lt < 0)
				lt = DLT_EN10MB;
			char msg[PCAP_ERRBUF_SIZE + 64];
			prog_t *pr = &c->progs[0];
			if (compile_bpf(bpf, lt, &pr->bpf, msg, sizeof msg) != 0) {
				e = fail(c, DNSTS_EFILTER, "bad filter: %s", msg);
			} else {
				pr->linktype = lt;
				pr->ok = true;
				c->nprogs = 1;
			}
		}
	}
	if (e) {
		if (errlen)
			snprintf(errbuf, errlen, "%s", c->errmsg);
		capture_close(c);
		return e;
	}
	*out = c;
	return DNSTS_OK;
}

int capture_next(capture_t *c, cap_packet_t *pkt)
{
	if (c->err)
		return c->err;
	int r = c->fmt == FMT_PCAP ? pcap_next_rec(c, pkt) : ng_next(c, pkt);
	if (r == 0)
		c->clean_end = true;
	return r;
}

int capture_track_content(capture_t *c)
{
	if (c->track)
		return 0;
	if (c->buf_off != 0 || c->npkts != 0)
		return -1;
	pthread_once(&content_key_once, content_key_init);
	c->track = true;
	c->ha = content_key[0];
	c->hb = content_key[1];
	content_update(c, c->buf, c->end);
	return 0;
}

bool capture_content_id(const capture_t *c, cap_content_id_t *id)
{
	if (!c->track || !c->clean_end || c->err)
		return false;
	uint64_t a = c->ha, b = c->hb;
	if (c->ntail) {
		uint8_t blk[16] = {0};
		uint64_t w0, w1;
		memcpy(blk, c->tail, c->ntail);
		memcpy(&w0, blk, 8);
		memcpy(&w1, blk + 8, 8);
		CONTENT_BLOCK(a, b, w0, w1, content_key[2], content_key[3]);
	}
	/* the length tells a zero-padded tail from real zeros */
	id->h[0] = mix_fmix64(a ^ c->nhashed);
	id->h[1] = mix_fmix64(b + c->nhashed * MIX_GOLDEN);
	id->len = c->nhashed;
	return true;
}

int capture_sha256(capture_t *c, uint8_t out[SHA256_LEN])
{
	/* the rest of the stream, past where reading stopped */
	while (!c->eof) {
		size_t got;
		if (c->fd >= 0) {
			ssize_t k = read(c->fd, c->buf, c->cap);
			if (k < 0 && errno == EINTR)
				continue;
			if (k < 0)
				return -1;
			got = (size_t)k;
		} else {
			got = fread(c->buf, 1, c->cap, c->fp);
			if (got == 0 && ferror(c->fp))
				return -1;
		}
		if (got == 0)
			c->eof = true;
		else
			sha256_update(&c->sha, c->buf, got);
	}
	c->start = c->end = 0;
	sha256_final(&c->sha, out);
	return 0;
}

const char *capture_error(const capture_t *c)
{
	return c->err ? c->errmsg : NULL;
}

const char *capture_warning(const capture_t *c)
{
	return c->warnmsg[0] ? c->warnmsg : NULL;
}

const char *capture_format(const capture_t *c)
{
	return c->fmt == FMT_PCAPNG ? "pcapng" : "pcap";
}

uint64_t capture_bytes_read(const capture_t *c)
{
	return cur_off(c);
}

void capture_close(capture_t *c)
{
	if (!c)
		return;
	if (c->close_fd)
		close(c->fd);
	for (size_t i = 0; i < c->nprogs; i++)
		if (c->progs[i].ok)
			pcap_freecode(&c->progs[i].bpf);
	free(c->bpf_expr);
	free(c->ifs);
	free(c->buf);
	free(c);
}
