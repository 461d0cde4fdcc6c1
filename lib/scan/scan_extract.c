/*
 * scan_extract.c - --extract DIR: one capture per reported finding holding
 * every frame that carried its messages, in input order, with the original
 * timestamps (nanoseconds) and link types: pcap when the frames share one
 * link type, pcapng (one interface per link type) when they do not.
 *
 * A second look at the inputs, only when asked, once the findings are
 * known, in two passes over each input that has frames of a finding:
 *
 *  1. collect: the pipeline again (decode, IP reassembly, TCP reassembly,
 *     DNS), with its own stages.  A message belongs to the finding whose
 *     zone its query name holds as whole labels (the longest such zone):
 *     what filters.wireshark selects.  Its frames: a datagram's own frame;
 *     for a datagram reassembled from fragments, the fragment frames of
 *     that datagram (same addresses, IP id and protocol) within its span;
 *     for a message over TCP, the segments of its direction of the
 *     connection within its span.  The result is a sorted list of
 *     (frame, finding) pairs per input.
 *  2. write: read the input again and copy those frames.
 *
 * Files are created with safe_name.h: the name is made from the zone by
 * safe_file_name (no separator, no leading dot, bounded, with a hash), and
 * created inside DIR only, never over an existing file nor through a link.
 * Standard input cannot be read twice and is skipped (said in the error).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <dnsts/dnsts.h>

#include "capture.h"
#include "decode.h"
#include "defrag.h"
#include "dns_wire.h"
#include "regdomain.h"
#include "report.h"
#include "safe_name.h"
#include "scan_internal.h"
#include "siphash.h"
#include "source.h"
#include "tcp_reasm.h"

#define LT_MAX 8           /* link types per finding written as interfaces */

typedef struct pair {
	uint64_t frame;
	uint32_t finding;
	int linktype;
} pair_t;

/* A fragment or TCP segment seen, for attribution when its datagram or
 * message completes. */
typedef struct piece {
	uint64_t frame;
	uint64_t key;          /* the datagram, or the connection direction */
	int linktype;
} piece_t;

typedef struct vec {
	void *v;
	size_t n, cap, size;
} vec_t;

static void *vec_push(vec_t *x)
{
	if (x->n == x->cap) {
		size_t nc = x->cap ? x->cap * 2 : 64;
		void *nv = realloc(x->v, nc * x->size);
		if (!nv)
			return NULL;
		x->v = nv;
		x->cap = nc;
	}
	return (char *)x->v + x->n++ * x->size;
}

typedef struct target {
	const finding_t *f;
	char zone[1024];       /* lowercase, as the finding names it */
	size_t zlen;
	int lts[LT_MAX];
	size_t nlts;
	FILE *out;
	uint64_t written;
	bool pcapng;
} target_t;

typedef struct input_job {
	const char *path;      /* the input's name */
	vec_t pairs;           /* pair_t, sorted by frame once collected */
	bool done;             /* seen in the current walk */
} input_job_t;

typedef struct ex {
	dnsts_scanner_t *s;
	target_t *t;
	size_t nt;
	input_job_t *jobs;
	size_t njobs;
	int pass;              /* 1 collect, 2 write */
	/* collect: the current input */
	input_job_t *cur;
	uint64_t frame;
	int linktype;
	vec_t frags, segs;     /* piece_t */
	uint8_t key[16];
	int err;
	char *errbuf;
	size_t errlen;
} ex_t;

static uint64_t key_of(const uint8_t *k, const ip_addr_t *a, const ip_addr_t *b, uint32_t x,
		       uint32_t y)
{
	uint8_t buf[2 * 17 + 8];
	buf[0] = a->v;
	memcpy(buf + 1, a->a, 16);
	buf[17] = b->v;
	memcpy(buf + 18, b->a, 16);
	memcpy(buf + 34, &x, 4);
	memcpy(buf + 38, &y, 4);
	return siphash(k, buf, sizeof buf);
}

/* The finding whose zone the name holds as whole labels (the longest). */
static int match(const ex_t *e, const dns_msg_t *m)
{
	if (!m->has_question || !m->qname.nlabels)
		return -1;
	char name[DNS_NAME_STRLEN];
	size_t nl = regdomain_labels_str(&m->qname, 0, m->qname.nlabels, name, sizeof name);
	int best = -1;
	size_t blen = 0;
	for (size_t i = 0; i < e->nt; i++) {
		const target_t *t = &e->t[i];
		if (!t->zlen || t->zlen > nl || t->zlen <= blen)
			continue;
		for (const char *p = name; (p = strstr(p, t->zone)); p++) {
			size_t at = (size_t)(p - name);
			if ((at == 0 || name[at - 1] == '.') &&
			    (at + t->zlen == nl || name[at + t->zlen] == '.')) {
				best = (int)i;
				blen = t->zlen;
				break;
			}
		}
	}
	return best;
}

static void add_pair(ex_t *e, uint64_t frame, int finding, int lt)
{
	pair_t *p = vec_push(&e->cur->pairs);
	if (!p) {
		e->err = DNSTS_ENOMEM;
		return;
	}
	*p = (pair_t){frame, (uint32_t)finding, lt};
}

/* The pieces of vec with this key within [first, last]. */
static void add_pieces(ex_t *e, const vec_t *v, uint64_t key, const frame_span_t *sp, int finding)
{
	const piece_t *pc = v->v;
	size_t lo = 0, hi = v->n;
	while (lo < hi) { /* first piece at or after sp->first */
		size_t mid = (lo + hi) / 2;
		if (pc[mid].frame < sp->first)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (size_t i = lo; i < v->n && pc[i].frame <= sp->last; i++)
		if (pc[i].key == key)
			add_pair(e, pc[i].frame, finding, pc[i].linktype);
}

static void on_msg(ex_t *e, const l4_pkt_t *l4, const uint8_t *msg, uint32_t len, uint64_t fkey,
		   bool frag)
{
	dns_msg_t m;
	if (dns_msg_parse(&m, msg, len) != 0)
		return;
	int f = match(e, &m);
	if (f < 0)
		return;
	if (l4->proto == 6) {
		uint64_t k = key_of(e->key, &l4->src, &l4->dst, l4->sport, (uint32_t)l4->dport << 8 | 6);
		add_pieces(e, &e->segs, k, &l4->span, f);
	} else if (frag) {
		add_pieces(e, &e->frags, fkey, &l4->span, f);
	} else {
		add_pair(e, e->frame, f, e->linktype);
	}
}

static void on_tcp(void *ud, const l4_pkt_t *seg)
{
	ex_t *e = ud;
	on_msg(e, seg, seg->payload, seg->paylen, 0, false);
}

static bool dns_port(const ex_t *e, uint16_t p)
{
	return e->s->dns_port[p >> 3] & (1u << (p & 7));
}

static void collect_packet(ex_t *e, defrag_t *df, tcp_reasm_t *tcp, const cap_packet_t *p)
{
	decode_out_t d;
	enum decode_result r = decode_packet(p->linktype, p->ts_ns, p->data, p->caplen, &d);
	frame_span_t span = {e->frame, e->frame, 1};
	uint64_t fkey = 0;
	bool frag = false;
	for (int round = 0; round < 4; round++) {
		if (r == DECODE_FRAGMENT) {
			uint64_t k = key_of(e->key, &d.frag.src, &d.frag.dst, d.frag.id, d.frag.proto);
			if (!frag) { /* the outer fragment is what the capture holds */
				piece_t *pc = vec_push(&e->frags);
				if (!pc) {
					e->err = DNSTS_ENOMEM;
					return;
				}
				*pc = (piece_t){e->frame, k, p->linktype};
			}
			d.frag.span = span;
			const uint8_t *buf;
			uint32_t len;
			ip_frag_t done;
			if (defrag_add(df, p->ts_ns, &d.frag, &buf, &len, &done) != 1)
				return;
			if (!frag)
				fkey = k;
			frag = true;
			span = done.span;
			r = decode_transport(done.proto, &done.src, &done.dst, p->ts_ns, buf, len, &d);
			continue;
		}
		if (r != DECODE_L4)
			return;
		d.l4.span = span;
		if (!dns_port(e, d.l4.sport) && !dns_port(e, d.l4.dport))
			return;
		if (d.l4.proto == 17) {
			on_msg(e, &d.l4, d.l4.payload, d.l4.paylen, fkey, frag);
		} else if (d.l4.proto == 6) {
			if (d.l4.paylen && !frag) {
				piece_t *pc = vec_push(&e->segs);
				if (!pc) {
					e->err = DNSTS_ENOMEM;
					return;
				}
				*pc = (piece_t){e->frame,
						key_of(e->key, &d.l4.src, &d.l4.dst, d.l4.sport,
						       (uint32_t)d.l4.dport << 8 | 6),
						p->linktype};
			}
			tcp_reasm_add(tcp, &d.l4);
		}
		return;
	}
}

static int cmp_pair(const void *a, const void *b)
{
	const pair_t *x = a, *y = b;
	if (x->frame != y->frame)
		return x->frame < y->frame ? -1 : 1;
	return (x->finding > y->finding) - (x->finding < y->finding);
}

/* ---- writing ---------------------------------------------------------------- */

static void put_le(FILE *o, uint64_t v, int n)
{
	for (int i = 0; i < n; i++)
		fputc((int)(v >> (8 * i)) & 0xff, o);
}

static void write_header(target_t *t)
{
	FILE *o = t->out;
	if (!t->pcapng) {
		put_le(o, 0xa1b23c4d, 4); /* nanosecond pcap */
		put_le(o, 2, 2);
		put_le(o, 4, 2);
		put_le(o, 0, 4);
		put_le(o, 0, 4);
		put_le(o, 262144, 4);
		put_le(o, (uint64_t)t->lts[0], 4);
		return;
	}
	put_le(o, 0x0a0d0d0a, 4); /* section header */
	put_le(o, 28, 4);
	put_le(o, 0x1a2b3c4d, 4);
	put_le(o, 1, 2);
	put_le(o, 0, 2);
	put_le(o, UINT64_MAX, 8);
	put_le(o, 28, 4);
	for (size_t i = 0; i < t->nlts; i++) { /* one interface per link type */
		put_le(o, 1, 4);
		put_le(o, 32, 4);
		put_le(o, (uint64_t)t->lts[i], 2);
		put_le(o, 0, 2);
		put_le(o, 262144, 4);
		put_le(o, 9, 2); /* if_tsresol: 10^-9 */
		put_le(o, 1, 2);
		put_le(o, 9, 4);
		put_le(o, 0, 4); /* opt_endofopt */
		put_le(o, 32, 4);
	}
}

static void write_packet(target_t *t, const cap_packet_t *p)
{
	FILE *o = t->out;
	t->written++;
	if (!t->pcapng) {
		put_le(o, p->ts_ns / 1000000000u, 4);
		put_le(o, p->ts_ns % 1000000000u, 4);
		put_le(o, p->caplen, 4);
		put_le(o, p->len > p->caplen ? p->len : p->caplen, 4);
		fwrite(p->data, 1, p->caplen, o);
		return;
	}
	size_t ifid = 0;
	while (ifid + 1 < t->nlts && t->lts[ifid] != p->linktype)
		ifid++;
	uint32_t pad = (4 - (p->caplen & 3)) & 3;
	uint32_t blen = 32 + p->caplen + pad;
	put_le(o, 6, 4);
	put_le(o, blen, 4);
	put_le(o, ifid, 4);
	put_le(o, p->ts_ns >> 32, 4);
	put_le(o, p->ts_ns & 0xffffffffu, 4);
	put_le(o, p->caplen, 4);
	put_le(o, p->len > p->caplen ? p->len : p->caplen, 4);
	fwrite(p->data, 1, p->caplen, o);
	put_le(o, 0, (int)pad);
	put_le(o, blen, 4);
}

/* ---- the walks ---------------------------------------------------------------- */

static input_job_t *job_of(ex_t *e, const char *name)
{
	for (size_t i = 0; i < e->njobs; i++)
		if (!e->jobs[i].done && strcmp(e->jobs[i].path, name) == 0)
			return &e->jobs[i];
	return NULL;
}

static int on_stream(void *ud, source_stream_t *st)
{
	ex_t *e = ud;
	input_job_t *j = job_of(e, st->name);
	if (!j)
		return 0;
	j->done = true;
	char err[256];
	capture_t *c = NULL;
	if (capture_open(&c, st->name, st->fp, e->s->opt.bpf_filter, err, sizeof err) < 0)
		return 0;
	cap_packet_t p;
	uint64_t frame = 0;
	if (e->pass == 1) {
		defrag_t *df = defrag_new(NULL);
		tcp_reasm_t *tcp = tcp_reasm_new(NULL, on_tcp, e);
		e->cur = j;
		e->frags.n = e->segs.n = 0;
		while (df && tcp && !e->err && capture_next(c, &p) == 1) {
			e->frame = ++frame;
			e->linktype = p.linktype;
			if (!p.duplicate && !p.filtered)
				collect_packet(e, df, tcp, &p);
		}
		tcp_reasm_flush(tcp);
		if (!df || !tcp)
			e->err = DNSTS_ENOMEM;
		defrag_free(df);
		tcp_reasm_free(tcp);
		pair_t *v = j->pairs.v;
		qsort(v, j->pairs.n, sizeof *v, cmp_pair);
		size_t w = 0;
		for (size_t i = 0; i < j->pairs.n; i++)
			if (!w || v[i].frame != v[w - 1].frame || v[i].finding != v[w - 1].finding)
				v[w++] = v[i];
		j->pairs.n = w;
	} else {
		const pair_t *v = j->pairs.v;
		size_t k = 0;
		while (k < j->pairs.n && capture_next(c, &p) == 1) {
			++frame;
			for (; k < j->pairs.n && v[k].frame == frame; k++)
				if (e->t[v[k].finding].out) /* NULL: not created */
					write_packet(&e->t[v[k].finding], &p);
		}
	}
	capture_close(c);
	return 0;
}

/* The file (or archive) an input's name was read from: the name itself, or
 * for an archive member "ARCHIVE:member" the longest prefix that is a file. */
static int walk_input(ex_t *e, const char *name)
{
	char path[4096];
	size_t n = 0;
	char err[256];
	if (access(name, R_OK) == 0)
		return source_walk(name, on_stream, e, &n, err, sizeof err);
	size_t len = strlen(name);
	if (len >= sizeof path)
		return -1;
	memcpy(path, name, len + 1);
	for (size_t i = len; i-- > 0;) {
		if (path[i] != ':')
			continue;
		path[i] = 0;
		if (access(path, R_OK) == 0)
			return source_walk(path, on_stream, e, &n, err, sizeof err);
		path[i] = ':';
	}
	return -1;
}

static int walk_all(ex_t *e)
{
	for (size_t i = 0; i < e->njobs; i++)
		e->jobs[i].done = false;
	for (size_t i = 0; i < e->njobs && !e->err; i++) {
		if (e->jobs[i].done)
			continue;
		if (strcmp(e->jobs[i].path, "-") == 0 || walk_input(e, e->jobs[i].path) < 0 ||
		    !e->jobs[i].done) {
			snprintf(e->errbuf, e->errlen, "%s: cannot be read again for --extract",
				 e->jobs[i].path);
			e->jobs[i].done = true;
			if (!e->err)
				e->err = DNSTS_EIO;
		}
	}
	return e->err;
}

int dnsts_extract(dnsts_scanner_t *s, const char *dir, char *errbuf, size_t errlen)
{
	char dummy[8];
	if (!errbuf) {
		errbuf = dummy;
		errlen = sizeof dummy;
	}
	errbuf[0] = 0;
	const scan_findings_t *sf;
	int rc = scan_findings(s, &sf);
	if (rc != DNSTS_OK)
		return rc;
	ex_t e = {.s = s, .errbuf = errbuf, .errlen = errlen};
	siphash_random_key(e.key);
	e.frags.size = e.segs.size = sizeof(piece_t);
	e.t = calloc(sf->n ? sf->n : 1, sizeof *e.t);
	e.jobs = calloc(s->ninputs ? s->ninputs : 1, sizeof *e.jobs);
	int dfd = -1;
	if (!e.t || !e.jobs) {
		rc = DNSTS_ENOMEM;
		goto out;
	}
	for (size_t i = 0; i < sf->n; i++) {
		const finding_t *f = sf->fs[i];
		if (!report_is_reported(f, s->opt.min_score) || !f->domain)
			continue;
		target_t *t = &e.t[e.nt++];
		t->f = f;
		t->zlen = strlen(f->domain);
		if (t->zlen >= sizeof t->zone)
			t->zlen = 0;
		else
			for (size_t k = 0; k <= t->zlen; k++)
				t->zone[k] = (char)((f->domain[k] >= 'A' && f->domain[k] <= 'Z')
							    ? f->domain[k] + 32 : f->domain[k]);
		for (size_t k = 0; k < f->nframes; k++) {
			uint32_t in = f->frames[k].input;
			if (in >= s->ninputs)
				continue;
			bool have = false;
			for (size_t q = 0; q < e.njobs; q++)
				have |= strcmp(e.jobs[q].path, s->inputs[in].path) == 0;
			if (!have) {
				e.jobs[e.njobs].path = s->inputs[in].path;
				e.jobs[e.njobs++].pairs.size = sizeof(pair_t);
			}
		}
	}
	dfd = safe_dir_open(dir);
	if (dfd < 0) {
		snprintf(errbuf, errlen, "%s: %s", dir, strerror(errno));
		rc = DNSTS_EIO;
		goto out;
	}
	e.pass = 1;
	rc = walk_all(&e);
	/* link types and files */
	for (size_t j = 0; j < e.njobs; j++) {
		const pair_t *v = e.jobs[j].pairs.v;
		for (size_t k = 0; k < e.jobs[j].pairs.n; k++) {
			target_t *t = &e.t[v[k].finding];
			bool have = false;
			for (size_t q = 0; q < t->nlts; q++)
				have |= t->lts[q] == v[k].linktype;
			if (!have && t->nlts < LT_MAX)
				t->lts[t->nlts++] = v[k].linktype;
		}
	}
	for (size_t i = 0; i < e.nt; i++) {
		target_t *t = &e.t[i];
		if (!t->nlts)
			continue; /* no frame found again (an unreadable input) */
		t->pcapng = t->nlts > 1;
		char name[SAFE_NAME_MIN + 16];
		if (!safe_file_name(t->f->domain, strlen(t->f->domain), t->pcapng ? ".pcapng" : ".pcap",
				    name, sizeof name))
			continue;
		int fd = safe_create_in(dfd, name);
		if (fd < 0 || !(t->out = fdopen(fd, "wb"))) {
			snprintf(errbuf, errlen, "%s/%s: %s", dir, name, strerror(errno));
			if (fd >= 0)
				close(fd);
			rc = DNSTS_EIO;
			continue;
		}
		write_header(t);
	}
	e.pass = 2;
	e.err = 0;
	int rc2 = walk_all(&e);
	if (!rc)
		rc = rc2;
	for (size_t i = 0; i < e.nt; i++)
		if (e.t[i].out && (fclose(e.t[i].out) != 0) && !rc) {
			snprintf(errbuf, errlen, "%s: writing failed", dir);
			rc = DNSTS_EIO;
		}
out:
	if (dfd >= 0)
		close(dfd);
	for (size_t j = 0; e.jobs && j < e.njobs; j++)
		free(e.jobs[j].pairs.v);
	free(e.jobs);
	free(e.t);
	free(e.frags.v);
	free(e.segs.v);
	return rc;
}
