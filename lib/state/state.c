/*
 * state.c - writing and reading state files; see state.h and
 * doc/STATE-FORMAT.md.
 *
 * A detector's records are read back through the merge they were made for:
 * each record is decoded into a temporary aggregate (plain arrays) and
 * merged with agg_merge() into an empty record of the new detector, which
 * gives the record exactly (merging into an empty aggregate copies it).
 */
#include <errno.h>
#include <libpsl.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include <dnsts/cli.h>

#include "aggregate.h"
#include "distinct.h"
#include "dns_const.h"
#include "dns_name.h"
#include "domtab.h"
#include "rawpairs.h"
#include "rd.h"
#include "sha1.h"
#include "siphash.h"
#include "source.h"
#include "state.h"
#include "suffixes.h"

enum {
	SEC_PROV = 1,   /* what shaped the state */
	SEC_INPUTS = 2, /* input summaries */
	SEC_STATS = 3,  /* counters */
	SEC_DETECT = 4, /* the detector */
	SEC_N = 4
};

#define NO_STR 0xffffffffu
#define MAX_STR 65536          /* no string of a state is longer */
#define MAX_KEY 1024           /* a base key in presentation form */
#define IP_BYTES 17            /* version octet, 16 address octets */

static const uint8_t zero_key[16];

static void fail(char *err, size_t errlen, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void fail(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;
	if (!err || !errlen)
		return;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
}

/* ---- a growing little-endian buffer --------------------------------------- */

typedef struct wb {
	uint8_t *p;
	size_t n, cap;
	bool oom;
} wb_t;

static uint8_t *wb_room(wb_t *w, size_t k)
{
	if (w->oom)
		return NULL;
	if (w->n + k > w->cap) {
		size_t nc = w->cap ? w->cap : 4096;
		while (nc < w->n + k)
			nc *= 2;
		uint8_t *np = realloc(w->p, nc);
		if (!np) {
			w->oom = true;
			return NULL;
		}
		w->p = np;
		w->cap = nc;
	}
	uint8_t *q = w->p + w->n;
	w->n += k;
	return q;
}

static void put_bytes(wb_t *w, const void *b, size_t k)
{
	uint8_t *q = wb_room(w, k);
	if (q && k)
		memcpy(q, b, k);
}

static void put_u8(wb_t *w, uint8_t v)
{
	put_bytes(w, &v, 1);
}

static void put_u16(wb_t *w, uint16_t v)
{
	uint8_t b[2] = {(uint8_t)v, (uint8_t)(v >> 8)};
	put_bytes(w, b, 2);
}

static void put_u32(wb_t *w, uint32_t v)
{
	uint8_t b[4];
	for (int i = 0; i < 4; i++)
		b[i] = (uint8_t)(v >> (8 * i));
	put_bytes(w, b, 4);
}

static void put_u64(wb_t *w, uint64_t v)
{
	uint8_t b[8];
	for (int i = 0; i < 8; i++)
		b[i] = (uint8_t)(v >> (8 * i));
	put_bytes(w, b, 8);
}

static void put_f32(wb_t *w, float f)
{
	uint32_t v;
	memcpy(&v, &f, 4);
	put_u32(w, v);
}

static void put_str(wb_t *w, const char *s)
{
	if (!s) {
		put_u32(w, NO_STR);
		return;
	}
	size_t l = strlen(s);
	if (l > MAX_STR)
		l = MAX_STR;
	put_u32(w, (uint32_t)l);
	put_bytes(w, s, l);
}

static void put_ip(wb_t *w, const ip_addr_t *ip)
{
	put_u8(w, ip->v);
	put_bytes(w, ip->a, 16);
}

/* ---- reading helpers on the bounded cursor ------------------------------- */

static uint64_t get_u64(rd_t *r)
{
	uint64_t lo = rd_u32_le(r);
	uint64_t hi = rd_u32_le(r);
	return lo | hi << 32;
}

static float get_f32(rd_t *r)
{
	uint32_t v = rd_u32_le(r);
	float f;
	memcpy(&f, &v, 4);
	return f;
}

/* A string: *out NULL for none; -1 when damaged or out of memory. */
static int get_str(rd_t *r, char **out, size_t max)
{
	*out = NULL;
	uint32_t l = rd_u32_le(r);
	if (r->err)
		return -1;
	if (l == NO_STR)
		return 0;
	if (l > max || l > rd_left(r))
		return -1;
	const uint8_t *p = rd_ptr(r, l);
	if (!p || memchr(p, 0, l))
		return -1;
	char *s = malloc((size_t)l + 1);
	if (!s)
		return -1;
	memcpy(s, p, l);
	s[l] = 0;
	*out = s;
	return 0;
}

static int get_ip(rd_t *r, ip_addr_t *ip)
{
	ip->v = rd_u8(r);
	rd_bytes(r, ip->a, 16);
	return r->err || (ip->v != 0 && ip->v != 4 && ip->v != 6) ? -1 : 0;
}

/* Is a count of n items of at least each bytes possible in what is left? */
static bool fits(const rd_t *r, uint64_t n, size_t each)
{
	return !r->err && n <= rd_left(r) / (each ? each : 1);
}

/* ---- provenance ---------------------------------------------------------- */

static int cmp_u16(const void *a, const void *b)
{
	return (int)*(const uint16_t *)a - (int)*(const uint16_t *)b;
}

static int cmp_strp(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* A sorted, comma-separated list of strings. */
static void list_text(char *buf, size_t len, const char *const *v, size_t n)
{
	const char **s = n ? malloc(n * sizeof *s) : NULL;
	size_t o = 0;
	buf[0] = 0;
	if (!s)
		return;
	memcpy(s, v, n * sizeof *s);
	qsort(s, n, sizeof *s, cmp_strp);
	for (size_t i = 0; i < n && o < len; i++)
		o += (size_t)snprintf(buf + o, len - o, "%s%s", i ? "," : "", s[i] ? s[i] : "");
	free(s);
}

/*
 * The provenance: (name, value) pairs of text, in a fixed order, compared
 * one by one.  -1 with a reason when the allowlist file cannot be read.
 */
#define PROV_N 6
static const char *const prov_names[PROV_N] = {
	"ports", "filter", "allowlist", "public suffix list", "limits", "resolvers and networks",
};

static int prov_make(const dnsts_options_t *opt, char v[PROV_N][1024], char *err, size_t errlen)
{
	uint16_t ports[DNSTS_MAX_PORTS];
	size_t np = opt->nports < DNSTS_MAX_PORTS ? opt->nports : DNSTS_MAX_PORTS;
	memcpy(ports, opt->ports, np * sizeof ports[0]);
	qsort(ports, np, sizeof ports[0], cmp_u16);
	size_t o = 0;
	v[0][0] = 0;
	for (size_t i = 0; i < np && o < 1024; i++)
		o += (size_t)snprintf(v[0] + o, 1024 - o, "%s%u", i ? "," : "", ports[i]);
	snprintf(v[1], 1024, "%s", opt->bpf_filter ? opt->bpf_filter : "(none)");

	/* the allowlist: built-in or not, and the extra file's content */
	char fh[2 * SHA1_LEN + 1] = "";
	if (opt->allowlist_file) {
		FILE *f = fopen(opt->allowlist_file, "rb");
		if (!f) {
			fail(err, errlen, "%s: %s", opt->allowlist_file, strerror(errno));
			return -1;
		}
		sha1_ctx_t c;
		uint8_t buf[4096], d[SHA1_LEN];
		size_t k;
		sha1_init(&c);
		while ((k = fread(buf, 1, sizeof buf, f)) > 0)
			sha1_update(&c, buf, k);
		fclose(f);
		sha1_final(&c, d);
		for (size_t i = 0; i < SHA1_LEN; i++)
			snprintf(fh + 2 * i, 3, "%02x", d[i]);
	}
	snprintf(v[2], 1024, "%s, %s%s", opt->default_allowlist ? "built-in" : "no built-in",
		 opt->allowlist_file ? "file sha1 " : "no file", fh);
	const char *psl = psl_builtin_sha1sum();
	snprintf(v[3], 1024, "sha1 %s", psl && *psl ? psl : "(none)");
	snprintf(v[4], 1024,
		 "domains %zu, clients per domain %zu, tcp streams %zu, tcp stream bytes %zu, "
		 "tcp bytes %zu, fragment trackers %zu, fragment bytes %zu",
		 opt->max_domains, opt->max_clients_per_domain, opt->max_tcp_streams,
		 opt->max_tcp_stream_bytes, opt->max_tcp_total_bytes, opt->max_frag_trackers,
		 opt->max_frag_bytes);
	char a[480], b[480];
	list_text(a, sizeof a, opt->nresolvers ? (const char *const *)opt->resolvers : NULL,
		  opt->nresolvers);
	list_text(b, sizeof b, opt->nhome_nets ? (const char *const *)opt->home_nets : NULL,
		  opt->nhome_nets);
	snprintf(v[5], 1024, "resolvers [%s], home networks [%s]", a, b);
	return 0;
}

/* ---- detector ------------------------------------------------------------ */

static void put_fp(wb_t *w, const fp_acc_t *f)
{
	const uint32_t a[] = {f->iodine_ver, f->iodine_check, f->iodine_ack, f->iodine_raw,
			      f->dnscat_hex, f->dnscat_ok, f->dnscat_prefix, f->dns2tcp_marker,
			      f->cs_hits, f->dnsexf_init, f->dnsexf_chunk, f->sods_hits,
			      f->queries, f->cs_shape, f->a_ans, f->a_zero, f->sliver_pb,
			      f->godoh_q, f->godoh_txt, f->chashell_q, f->chashell_ans,
			      f->dnsteal_q, f->tuns_q, f->tuns_ans, f->stager_q, f->stager_max,
			      f->stager_ans, f->aaaa_ans};
	for (size_t i = 0; i < sizeof a / sizeof a[0]; i++)
		put_u32(w, a[i]);
	for (unsigned i = 0; i < FP_SESSIONS; i++) {
		put_u16(w, f->dnscat_sess[i]);
		put_u32(w, f->dnscat_sess_n[i]);
	}
	put_u32(w, f->stager_a_q);
	put_u32(w, f->stager_a_max);
	for (unsigned i = 0; i < 4; i++)
		put_u64(w, f->a_oct[i]);
}

static void get_fp(rd_t *r, fp_acc_t *f)
{
	uint32_t *a[] = {&f->iodine_ver, &f->iodine_check, &f->iodine_ack, &f->iodine_raw,
			 &f->dnscat_hex, &f->dnscat_ok, &f->dnscat_prefix, &f->dns2tcp_marker,
			 &f->cs_hits, &f->dnsexf_init, &f->dnsexf_chunk, &f->sods_hits,
			 &f->queries, &f->cs_shape, &f->a_ans, &f->a_zero, &f->sliver_pb,
			 &f->godoh_q, &f->godoh_txt, &f->chashell_q, &f->chashell_ans,
			 &f->dnsteal_q, &f->tuns_q, &f->tuns_ans, &f->stager_q, &f->stager_max,
			 &f->stager_ans, &f->aaaa_ans};
	for (size_t i = 0; i < sizeof a / sizeof a[0]; i++)
		*a[i] = rd_u32_le(r);
	for (unsigned i = 0; i < FP_SESSIONS; i++) {
		f->dnscat_sess[i] = rd_u16_le(r);
		f->dnscat_sess_n[i] = rd_u32_le(r);
	}
	f->stager_a_q = rd_u32_le(r);
	f->stager_a_max = rd_u32_le(r);
	for (unsigned i = 0; i < 4; i++)
		f->a_oct[i] = get_u64(r);
}

static void put_text(wb_t *w, const ps_text_t *t)
{
	put_u64(w, t->h);
	put_u16(w, t->len);
	put_bytes(w, t->text, t->len);
	put_str(w, t->name);
}

static int get_text(rd_t *r, ps_text_t *t)
{
	memset(t, 0, sizeof *t);
	t->h = get_u64(r);
	t->len = rd_u16_le(r);
	if (t->len > PAYSET_TEXT_MAX)
		return -1;
	rd_bytes(r, t->text, t->len);
	uint32_t l = rd_u32_le(r);
	if (r->err || l >= PAYSET_NAME_LEN)
		return -1;
	rd_bytes(r, t->name, l);
	return r->err || memchr(t->name, 0, l) ? -1 : 0;
}

#define AGG_COUNTERS(X, g)                                                                 \
	X((g)->queries) X((g)->responses) X((g)->first_ns) X((g)->last_ns)                 \
	X((g)->payload_queries) X((g)->allowlisted) X((g)->n_base_mixed)                   \
	X((g)->resp_data) X((g)->resp_data_bytes) X((g)->resp_addr_bytes)                  \
	X((g)->resp_entropy_sum) X((g)->resp_entropy_n) X((g)->q_answers)                  \
	X((g)->q_answer_bytes) X((g)->clients_dropped) X((g)->suffixed_queries)          \
	X((g)->suffix_h)

/* An address set of an aggregate: u8 n (at most AGG_MAX_RESOLVERS), n ips. */
static void put_ips(wb_t *w, const ip_addr_t *v, uint8_t n)
{
	put_u8(w, n);
	for (unsigned i = 0; i < n; i++)
		put_ip(w, &v[i]);
}

static int get_ips(rd_t *r, ip_addr_t *v, uint8_t *n)
{
	*n = rd_u8(r);
	if (*n > AGG_MAX_RESOLVERS)
		return -1;
	for (unsigned i = 0; i < *n; i++)
		if (get_ip(r, &v[i]) < 0)
			return -1;
	return 0;
}

/* A timeline sketch (timeline.h). */
static void put_tl(wb_t *w, const timeline_t *t)
{
	put_u32(w, t->level);
	put_u32(w, t->nq);
	put_u64(w, t->lo);
	put_u64(w, t->hi);
	for (unsigned i = 0; i < TL_N; i++) {
		put_u32(w, t->q[i]);
		put_u32(w, t->out[i]);
		put_u32(w, t->in[i]);
	}
}

static int get_tl(rd_t *r, timeline_t *t)
{
	t->level = rd_u32_le(r);
	t->nq = rd_u32_le(r);
	t->lo = get_u64(r);
	t->hi = get_u64(r);
	for (unsigned i = 0; i < TL_N; i++) {
		t->q[i] = rd_u32_le(r);
		t->out[i] = rd_u32_le(r);
		t->in[i] = rd_u32_le(r);
	}
	if (r->err || t->level > 40 || (t->nq && (t->hi < t->lo || t->hi - t->lo >= TL_N)))
		return -1;
	return 0;
}

static void put_agg(wb_t *w, const agg_t *g)
{
#define PUT(f) put_u64(w, f);
	AGG_COUNTERS(PUT, g)
#undef PUT
	for (unsigned i = 0; i < AQ_N; i++)
		put_u64(w, g->qtype[i]);
	for (unsigned i = 0; i < AR_N; i++)
		put_u64(w, g->rcode[i]);
	put_u8(w, g->earned);
	put_fp(w, &g->fp);
	put_ips(w, g->resolvers, g->nresolvers);
	put_ips(w, g->responders, g->nresponders);
	put_u8(w, g->ninputs);
	for (unsigned i = 0; i < g->ninputs; i++)
		put_u32(w, g->inputs[i]);
	put_u32(w, g->nclients);
	for (uint32_t i = 0; i < g->nclients; i++) {
		const agg_client_t *c = &g->clients[i];
		put_ip(w, &c->ip);
		put_u64(w, c->queries);
		put_u64(w, c->payload_queries);
		put_u64(w, c->payload_chars);
		put_u64(w, c->answer_decoded);
		put_u64(w, c->resp_data);
		put_u64(w, c->resp_data_bytes);
		put_u64(w, c->first_ns);
		put_u64(w, c->last_ns);
		put_ip(w, &c->server);
		put_u8(w, c->many_servers);
		put_u8(w, c->flow_transport);
		put_u16(w, c->flow_sport);
		put_u16(w, c->flow_dport);
		put_ip(w, &c->flow_server);
		/* its activity: the sketch, or the second of all its messages */
		put_u8(w, c->tl != NULL);
		if (c->tl) {
			put_tl(w, c->tl);
		} else {
			put_u32(w, c->tl_sec);
			put_u32(w, c->tl_n);
		}
		/* its flows when it has more than the first */
		put_u8(w, c->flows ? c->nflows : 0);
		put_u8(w, c->flows_more);
		for (unsigned k = 0; c->flows && k < c->nflows; k++) {
			const agg_flow_t *f = &c->flows[k];
			put_u64(w, f->first_ns);
			put_ip(w, &f->server);
			put_u8(w, f->transport);
			put_u16(w, f->sport);
			put_u16(w, f->dport);
		}
	}
	/* frames per input */
	put_u32(w, g->pv.nframes);
	for (uint32_t i = 0; i < g->pv.nframes; i++) {
		const pivot_frames_t *f = pivots_at(&g->pv, i);
		put_u32(w, f->input);
		put_u64(w, f->first);
		put_u64(w, f->last);
		put_u64(w, f->count);
		put_u64(w, f->shown);
		put_u64(w, f->last_shown);
	}
	/* activity over time: the sketch, or its one-second counters */
	put_u8(w, g->tl != NULL);
	if (g->tl) {
		put_tl(w, g->tl);
	} else {
		put_u64(w, g->tl1.sec);
		put_u32(w, g->tl1.n);
		put_u32(w, g->tl1.q);
		put_u32(w, g->tl1.out);
		put_u32(w, g->tl1.in);
	}
	put_u8(w, g->d != NULL);
	if (!g->d)
		return;
	const payset_t *ps = &g->d->ps;
	put_u64(w, ps->seen);
	put_u8(w, ps->max_len);
	put_u8(w, ps->set.dropped);
	put_u32(w, ps->set.n);
	for (uint32_t i = 0; i < ps->set.n; i++) {
		const ps_ent_t *e = payset_at(ps, i);
		put_u64(w, e->h);
		put_u32(w, e->queries);
		put_u8(w, e->len);
		put_u8(w, e->nlabels);
		put_u8(w, e->flags);
		put_u8(w, e->enc);
		put_f32(w, e->entropy);
		put_f32(w, e->unlike);
		put_bytes(w, e->prefix, 4);
		put_u32(w, e->hf);
		for (unsigned k = 0; k < PS_ASKERS; k++) {
			put_u64(w, e->ask[k].first_ns);
			put_u32(w, e->ask[k].host);
			put_u32(w, e->ask[k].queries);
		}
	}
	put_u8(w, ps->t != NULL);
	if (ps->t) {
		put_u8(w, ps->t->ntext);
		for (unsigned i = 0; i < ps->t->ntext; i++)
			put_text(w, &ps->t->text[i]);
		put_text(w, &ps->t->best);
	}
	const kmv_t *rs = &g->d->rs;
	put_u8(w, rs->dropped);
	put_u32(w, rs->n);
	for (uint32_t i = 0; i < rs->n; i++) {
		const agg_rent_t *e = kmv_at(rs, i);
		put_u64(w, e->h);
		put_u32(w, e->count);
		put_u32(w, e->data_bytes);
		put_u32(w, e->decoded);
	}
}

/* A decoded aggregate: g with its arrays (not in agg_t's own layout: only
 * agg_merge reads it). */
typedef struct tmp_agg {
	agg_t g;
	agg_detail_t d;
	ps_texts_t t;
	timeline_t tl;
	timeline_t *ctl;        /* the clients' sketches, one per client */
	agg_flow_t *cflows;     /* the clients' flows, AGG_CLIENT_FLOWS per client */
} tmp_agg_t;

static void tmp_free(tmp_agg_t *a)
{
	free(a->ctl);
	free(a->cflows);
	free(a->g.pv.more);
	free(a->g.clients);
	free(a->d.ps.set.rec);
	free(a->d.rs.rec);
}

/* Records of a kmv: n of size bytes, hashes strictly increasing, none 0. */
static bool hashes_ok(const kmv_t *s)
{
	uint64_t prev = 0;
	for (uint32_t i = 0; i < s->n; i++) {
		uint64_t h = kmv_hash_at(s, i);
		if (h <= prev)
			return false;
		prev = h;
	}
	return true;
}

/* Client i's flows (of nc clients): none beyond its first, or 2 to
 * AGG_CLIENT_FLOWS of them, distinct, in their order, the first its first
 * flow; more than were kept only when all places are taken. */
static int get_flows(rd_t *r, tmp_agg_t *a, uint32_t i, uint32_t nc)
{
	agg_client_t *c = &a->g.clients[i];
	uint8_t n = rd_u8(r), more = rd_u8(r);
	if (r->err || more > 1 || n == 1 || n > AGG_CLIENT_FLOWS ||
	    (more && n != AGG_CLIENT_FLOWS))
		return -1;
	c->flows_more = more;
	if (!n)
		return 0;
	if (!fits(r, n, 8 + IP_BYTES + 5))
		return -1;
	if (!a->cflows && !(a->cflows = calloc((size_t)nc * AGG_CLIENT_FLOWS, sizeof *a->cflows)))
		return -1;
	c->flows = &a->cflows[(size_t)i * AGG_CLIENT_FLOWS];
	c->nflows = n;
	for (unsigned k = 0; k < n; k++) {
		agg_flow_t *f = &c->flows[k];
		f->first_ns = get_u64(r);
		if (get_ip(r, &f->server) < 0 || !f->server.v)
			return -1;
		f->transport = rd_u8(r);
		f->sport = rd_u16_le(r);
		f->dport = rd_u16_le(r);
		if (r->err)
			return -1;
		if (k && (f->first_ns < f[-1].first_ns ||
			  (f->first_ns == f[-1].first_ns && ip_addr_cmp(&f->server, &f[-1].server) < 0)))
			return -1;
		for (unsigned j = 0; j < k; j++)
			if (!agg_flow_tuple_cmp(f, &c->flows[j]))
				return -1;
	}
	agg_flow_t first = {.server = c->flow_server, .transport = c->flow_transport,
			    .sport = c->flow_sport, .dport = c->flow_dport};
	if (!c->flow_server.v || agg_flow_tuple_cmp(&first, &c->flows[0]))
		return -1;
	return 0;
}

static int get_agg(rd_t *r, tmp_agg_t *a, size_t ninputs)
{
	agg_t *g = &a->g;
	memset(a, 0, sizeof *a);
#define GET(f) f = get_u64(r);
	AGG_COUNTERS(GET, g)
#undef GET
	for (unsigned i = 0; i < AQ_N; i++)
		g->qtype[i] = get_u64(r);
	for (unsigned i = 0; i < AR_N; i++)
		g->rcode[i] = get_u64(r);
	g->earned = rd_u8(r) != 0;
	get_fp(r, &g->fp);
	if (get_ips(r, g->resolvers, &g->nresolvers) < 0 ||
	    get_ips(r, g->responders, &g->nresponders) < 0)
		return -1;
	g->ninputs = rd_u8(r);
	if (g->ninputs > AGG_MAX_INPUTS)
		return -1;
	for (unsigned i = 0; i < g->ninputs; i++)
		if ((g->inputs[i] = rd_u32_le(r)) >= ninputs)
			return -1;
	uint32_t nc = rd_u32_le(r);
	if (!fits(r, nc, 3 * IP_BYTES + 8 * 8 + 6 + 9 + 2))
		return -1;
	if (nc && !(g->clients = calloc(nc, sizeof *g->clients)))
		return -1;
	g->nclients = g->cclients = nc;
	for (uint32_t i = 0; i < nc; i++) {
		agg_client_t *c = &g->clients[i];
		if (get_ip(r, &c->ip) < 0)
			return -1;
		c->queries = get_u64(r);
		c->payload_queries = get_u64(r);
		c->payload_chars = get_u64(r);
		c->answer_decoded = get_u64(r);
		c->resp_data = get_u64(r);
		c->resp_data_bytes = get_u64(r);
		c->first_ns = get_u64(r);
		c->last_ns = get_u64(r);
		if (get_ip(r, &c->server) < 0)
			return -1;
		c->many_servers = rd_u8(r) != 0;
		c->flow_transport = rd_u8(r);
		c->flow_sport = rd_u16_le(r);
		c->flow_dport = rd_u16_le(r);
		if (get_ip(r, &c->flow_server) < 0)
			return -1;
		uint8_t has_ctl = rd_u8(r);
		if (r->err || has_ctl > 1)
			return -1;
		if (has_ctl) {
			if (!a->ctl && !(a->ctl = calloc(nc, sizeof *a->ctl)))
				return -1;
			if (get_tl(r, &a->ctl[i]) < 0 || !a->ctl[i].nq)
				return -1;
			c->tl = &a->ctl[i];
		} else {
			c->tl_sec = rd_u32_le(r);
			c->tl_n = rd_u32_le(r);
		}
		if (get_flows(r, a, i, nc) < 0)
			return -1;
	}
	/* frames per input: one entry per input, ids of this state's inputs */
	uint32_t nf = rd_u32_le(r);
	if (nf > ninputs || !fits(r, nf, 4 + 5 * 8))
		return -1;
	if (nf > 1 && !(g->pv.more = calloc(nf - 1, sizeof *g->pv.more)))
		return -1;
	g->pv.cmore = nf > 1 ? nf - 1 : 0;
	g->pv.nframes = nf;
	for (uint32_t i = 0; i < nf; i++) {
		pivot_frames_t *f = i ? &g->pv.more[i - 1] : &g->pv.first;
		f->input = rd_u32_le(r);
		f->first = get_u64(r);
		f->last = get_u64(r);
		f->count = get_u64(r);
		f->shown = get_u64(r);
		f->last_shown = get_u64(r);
		if (r->err || f->input >= ninputs)
			return -1;
		for (uint32_t k = 0; k < i; k++)
			if (pivots_at(&g->pv, k)->input == f->input)
				return -1;
	}
	uint8_t has_tl = rd_u8(r);
	if (r->err || has_tl > 1)
		return -1;
	if (has_tl) {
		if (get_tl(r, &a->tl) < 0)
			return -1;
		g->tl = &a->tl;
	} else {
		g->tl1.sec = get_u64(r);
		g->tl1.n = rd_u32_le(r);
		g->tl1.q = rd_u32_le(r);
		g->tl1.out = rd_u32_le(r);
		g->tl1.in = rd_u32_le(r);
	}
	uint8_t has_d = rd_u8(r);
	if (r->err || has_d > 1)
		return -1;
	if (!has_d)
		return 0;
	g->d = &a->d;
	payset_t *ps = &a->d.ps;
	payset_init(ps);
	kmv_init(&a->d.rs, AGG_RSET_K, sizeof(agg_rent_t));
	ps->seen = get_u64(r);
	ps->max_len = rd_u8(r);
	ps->set.dropped = rd_u8(r) != 0;
	uint32_t n = rd_u32_le(r);
	if (n > PAYSET_K || !fits(r, n, 32 + PS_ASKERS * 16))
		return -1;
	if (n && !(ps->set.rec = calloc(n, sizeof(ps_ent_t))))
		return -1;
	ps->set.n = ps->set.cap = n;
	for (uint32_t i = 0; i < n; i++) {
		ps_ent_t *e = kmv_at(&ps->set, i);
		e->h = get_u64(r);
		e->queries = rd_u32_le(r);
		e->len = rd_u8(r);
		e->nlabels = rd_u8(r);
		e->flags = rd_u8(r);
		e->enc = rd_u8(r);
		e->entropy = get_f32(r);
		e->unlike = get_f32(r);
		rd_bytes(r, e->prefix, 4);
		e->hf = rd_u32_le(r);
		for (unsigned k = 0; k < PS_ASKERS; k++) {
			e->ask[k].first_ns = get_u64(r);
			e->ask[k].host = rd_u32_le(r);
			e->ask[k].queries = rd_u32_le(r);
		}
		/* askers sorted by host, empty slots last */
		for (unsigned k = 1; k < PS_ASKERS; k++)
			if (e->ask[k].host && (!e->ask[k - 1].host ||
					       e->ask[k].host <= e->ask[k - 1].host))
				return -1;
	}
	if (r->err || !hashes_ok(&ps->set))
		return -1;
	uint8_t has_t = rd_u8(r);
	if (has_t > 1)
		return -1;
	if (has_t) {
		ps->t = &a->t;
		a->t.ntext = rd_u8(r);
		if (a->t.ntext > PAYSET_NTEXT)
			return -1;
		for (unsigned i = 0; i < a->t.ntext; i++)
			if (get_text(r, &a->t.text[i]) < 0)
				return -1;
		if (get_text(r, &a->t.best) < 0)
			return -1;
	}
	kmv_t *rs = &a->d.rs;
	rs->dropped = rd_u8(r) != 0;
	n = rd_u32_le(r);
	if (n > AGG_RSET_K || !fits(r, n, 20))
		return -1;
	if (n && !(rs->rec = calloc(n, sizeof(agg_rent_t))))
		return -1;
	rs->n = rs->cap = n;
	for (uint32_t i = 0; i < n; i++) {
		agg_rent_t *e = kmv_at(rs, i);
		e->h = get_u64(r);
		e->count = rd_u32_le(r);
		e->data_bytes = rd_u32_le(r);
		e->decoded = rd_u32_le(r);
	}
	return r->err || !hashes_ok(rs) ? -1 : 0;
}

/* A base key in presentation form (labels of letters, \X and \DDD escapes)
 * to its wire form; its length, or 0 when it is not one. */
static size_t key_to_wire(const char *k, size_t kl, uint8_t *wire, size_t max,
			  size_t *label_at, unsigned *nlabels)
{
	size_t o = 0;
	unsigned nl = 0;
	size_t i = 0;
	while (i < kl) {
		if (o + 1 > max || nl >= DNS_MAX_LABELS)
			return 0;
		size_t lenpos = o++;
		label_at[nl++] = lenpos;
		unsigned len = 0;
		while (i < kl && k[i] != '.') {
			unsigned c = (unsigned char)k[i];
			if (c == '\\' && i + 1 < kl &&
			    ((unsigned char)k[i + 1] < '0' || (unsigned char)k[i + 1] > '9')) {
				c = (unsigned char)k[i + 1]; /* \X: X itself ("\." "\\") */
				i += 2;
			} else if (c == '\\') {
				if (i + 3 >= kl)
					return 0;
				unsigned d0 = (unsigned char)k[i + 1] - '0', d1 = (unsigned char)k[i + 2] - '0',
					 d2 = (unsigned char)k[i + 3] - '0';
				if (d0 > 9 || d1 > 9 || d2 > 9 || d0 * 100 + d1 * 10 + d2 > 255)
					return 0;
				c = d0 * 100 + d1 * 10 + d2;
				i += 4;
			} else {
				i++;
			}
			if (o + 1 > max || ++len > 63)
				return 0;
			wire[o++] = (uint8_t)c;
		}
		if (!len)
			return 0;
		wire[lenpos] = (uint8_t)len;
		if (i < kl) {
			i++; /* the dot */
			if (i == kl)
				return 0;
		}
	}
	*nlabels = nl;
	return o;
}

static void put_detector(wb_t *w, detector_t *det)
{
	detector_parts_t dp;
	detector_parts(det, &dp);
	put_u64(w, *dp.allowlisted_queries);
	put_u64(w, dp.dom->created);
	put_u64(w, dp.dom->evicted);
	/* distinct base keys */
	const distinct_t *k = dp.keys;
	put_u8(w, k->inexact || !k->set);
	put_bytes(w, k->hll, (size_t)1 << DISTINCT_HLL_P);
	if (k->inexact || !k->set) {
		put_u32(w, 0);
	} else {
		put_u32(w, (uint32_t)k->n);
		for (size_t i = 0; i < k->cap; i++)
			if (k->set[i])
				put_u64(w, k->set[i]);
	}
	/* raw tunnel packets outside DNS */
	put_u32(w, (uint32_t)dp.raw->n);
	for (size_t i = 0; i < dp.raw->n; i++) {
		put_ip(w, &dp.raw->p[i].a);
		put_ip(w, &dp.raw->p[i].b);
		put_u64(w, dp.raw->p[i].n);
	}
	put_u64(w, dp.raw->dropped);
	/* search-suffix evidence */
	put_u8(w, dp.sfx->dropped);
	put_u32(w, dp.sfx->n);
	for (uint32_t i = 0; i < dp.sfx->n; i++) {
		const sfx_ent_t *x = &dp.sfx->e[i];
		put_u64(w, x->h);
		put_u8(w, x->nreg);
		for (unsigned j = 0; j < x->nreg; j++)
			put_u64(w, x->reg[j]);
		put_str(w, x->text);
	}
	/* the records */
	put_u32(w, (uint32_t)dp.dom->n);
	dom_t *e;
	DOMTAB_FOR_EACH(dp.dom, e) {
		put_str(w, dom_key(e));
		put_str(w, e->allow_reason);
		put_u8(w, e->prefix_mode);
		put_u8(w, e->zone_labels);
		put_agg(w, &e->g);
	}
}

static int get_record(rd_t *r, detector_t *det, detector_parts_t *dp, size_t ninputs)
{
	char *key = NULL, *reason = NULL;
	tmp_agg_t *a = malloc(sizeof *a);
	int rc = -1;
	if (!a || get_str(r, &key, MAX_KEY) < 0 || !key || get_str(r, &reason, 1024) < 0)
		goto out;
	uint8_t pm = rd_u8(r), zl = rd_u8(r);
	if (r->err || pm > 1)
		goto out;
	if (get_agg(r, a, ninputs) < 0) {
		tmp_free(a);
		goto out;
	}
	uint8_t wire[DNS_MAX_NAME + 1];
	size_t at[DNS_MAX_LABELS];
	unsigned nl = 0;
	size_t kl = strlen(key);
	size_t wl = kl ? key_to_wire(key, kl, wire, DNS_MAX_NAME - 1, at, &nl) : 0;
	const char *why = reason ? detector_intern(reason) : NULL;
	if (!wl || zl >= nl || (reason && !why)) {
		tmp_free(a);
		goto out;
	}
	uint64_t h = detector_key_hash(det, wire, wl);
	dom_t *e = domtab_get(dp->dom, h, key, kl);
	if (e) {
		if (why)
			e->allow_reason = why;
		e->prefix_mode |= pm;
		e->zone_labels = zl;
		if (zl) {
			e->parent_h = detector_key_hash(det, wire + at[zl], wl - at[zl]);
		}
		size_t mark = domtab_mark(e);
		rc = agg_merge(&e->g, &a->g, 0, dp->max_clients) < 0 ? -2 : 0;
		domtab_account(dp->dom, e, mark);
	} else {
		rc = -2;
	}
	tmp_free(a);
out:
	free(key);
	free(reason);
	free(a);
	return rc;
}

static int get_detector(rd_t *r, detector_t *det, size_t ninputs, char *err, size_t errlen)
{
	detector_parts_t dp;
	detector_parts(det, &dp);
	uint64_t aq = get_u64(r), created = get_u64(r), evicted = get_u64(r);
	uint8_t inexact = rd_u8(r);
	const uint8_t *regs = rd_ptr(r, (size_t)1 << DISTINCT_HLL_P);
	uint32_t nk = rd_u32_le(r);
	if (!regs || inexact > 1 || nk > DISTINCT_EXACT || (inexact && nk) || !fits(r, nk, 8))
		goto bad;
	for (size_t i = 0; i < ((size_t)1 << DISTINCT_HLL_P); i++)
		if (regs[i] > 64 - DISTINCT_HLL_P + 1)
			goto bad;
	distinct_t src = {0};
	src.hll = malloc((size_t)1 << DISTINCT_HLL_P);
	src.inexact = inexact;
	if (!inexact)
		src.set = calloc(nk ? nk : 1, sizeof *src.set);
	if (!src.hll || (!inexact && !src.set)) {
		free(src.hll);
		free(src.set);
		fail(err, errlen, "out of memory");
		return DNSTS_ENOMEM;
	}
	memcpy(src.hll, regs, (size_t)1 << DISTINCT_HLL_P);
	src.cap = src.n = nk;
	bool zero = false;
	for (uint32_t i = 0; i < nk; i++)
		zero |= !(src.set[i] = get_u64(r));
	if (!zero)
		distinct_merge(dp.keys, &src);
	free(src.hll);
	free(src.set);
	if (zero)
		goto bad;

	rawpairs_t raw;
	memset(&raw, 0, sizeof raw);
	uint32_t np = rd_u32_le(r);
	if (np > RAWPAIRS_MAX)
		goto bad;
	raw.n = np;
	for (uint32_t i = 0; i < np; i++) {
		if (get_ip(r, &raw.p[i].a) < 0 || get_ip(r, &raw.p[i].b) < 0)
			goto bad;
		raw.p[i].n = get_u64(r);
	}
	raw.dropped = get_u64(r);
	if (r->err)
		goto bad;
	rawpairs_merge(dp.raw, &raw);

	/* search-suffix evidence: at most SFX_MAX, hashes increasing; each
	 * hash is recomputed from its text (unkeyed), so a crafted one cannot
	 * stand for another suffix */
	suffixes_t sx;
	suffixes_init(&sx);
	uint8_t sdrop = rd_u8(r);
	uint32_t ns = rd_u32_le(r);
	if (r->err || sdrop > 1 || ns > SFX_MAX || !fits(r, ns, 8 + 1 + 4))
		goto bad;
	sx.dropped = sdrop;
	uint64_t prev = 0;
	for (uint32_t i = 0; i < ns; i++) {
		uint64_t h = get_u64(r);
		uint8_t nreg = rd_u8(r);
		uint64_t reg[SFX_REGS];
		bool ok = !r->err && nreg >= 1 && nreg <= SFX_REGS && h > prev;
		for (unsigned k = 0; ok && k < nreg; k++) {
			reg[k] = get_u64(r);
			ok = !r->err && (!k || reg[k] > reg[k - 1]);
		}
		char *text = NULL;
		if (!ok || get_str(r, &text, SFX_TEXT - 1) < 0 || !text ||
		    suffixes_hash(text, strlen(text)) != h) {
			free(text);
			suffixes_clear(&sx);
			goto bad;
		}
		int rc = 0;
		for (unsigned k = 0; k < nreg && !rc; k++)
			rc = suffixes_note(&sx, h, text, reg[k]);
		free(text);
		if (rc < 0) {
			suffixes_clear(&sx);
			fail(err, errlen, "out of memory");
			return DNSTS_ENOMEM;
		}
		prev = h;
	}
	int mrc = suffixes_merge(dp.sfx, &sx);
	suffixes_clear(&sx);
	if (mrc < 0) {
		fail(err, errlen, "out of memory");
		return DNSTS_ENOMEM;
	}

	uint32_t nrec = rd_u32_le(r);
	if (!fits(r, nrec, 8))
		goto bad;
	for (uint32_t i = 0; i < nrec; i++) {
		int rc = get_record(r, det, &dp, ninputs);
		if (rc == -2) {
			fail(err, errlen, "out of memory");
			return DNSTS_ENOMEM;
		}
		if (rc < 0)
			goto bad;
	}
	if (r->err || rd_left(r))
		goto bad;
	*dp.allowlisted_queries += aq;
	dp.dom->created = created;
	dp.dom->evicted += evicted;
	return DNSTS_OK;
bad:
	fail(err, errlen, "damaged state file (detector section)");
	return DNSTS_EFORMAT;
}

/* ---- inputs and counters ------------------------------------------------- */

static void put_inputs(wb_t *w, const state_input_t *in, size_t n)
{
	put_u32(w, (uint32_t)n);
	for (size_t i = 0; i < n; i++) {
		const dnsts_input_t *x = &in[i].in;
		put_str(w, x->path);
		put_u8(w, !x->format ? 0 : strcmp(x->format, "pcapng") == 0 ? 2 : 1);
		put_u8(w, x->compressed);
		put_u8(w, (uint8_t)x->nlinktypes);
		for (size_t k = 0; k < x->nlinktypes; k++)
			put_u32(w, (uint32_t)x->linktypes[k]);
		put_u64(w, x->packets);
		put_u64(w, x->bytes);
		put_u64(w, x->first_ns);
		put_u64(w, x->last_ns);
		put_str(w, x->error);
		put_str(w, x->warning);
		put_str(w, x->duplicate_of);
		put_u8(w, in[i].id_valid);
		put_u64(w, in[i].id.h[0]);
		put_u64(w, in[i].id.h[1]);
		put_u64(w, in[i].id.len);
		put_bytes(w, x->sha256, 64); /* hex digest; empty: all NUL */
	}
}

static void input_free(dnsts_input_t *x)
{
	free(x->path);
	free(x->error);
	free(x->warning);
	free(x->duplicate_of);
}

void state_data_free(state_data_t *d)
{
	for (size_t i = 0; i < d->ninputs; i++)
		input_free(&d->inputs[i].in);
	free(d->inputs);
	d->inputs = NULL;
	d->ninputs = 0;
}

static int get_inputs(rd_t *r, state_data_t *out)
{
	uint32_t n = rd_u32_le(r);
	if (n == 0 || !fits(r, n, 4 + 3 + 32 + 12 + 25 + 64))
		return -1;
	out->inputs = calloc(n, sizeof *out->inputs);
	if (!out->inputs)
		return -2;
	for (uint32_t i = 0; i < n; i++) {
		state_input_t *s = &out->inputs[i];
		dnsts_input_t *x = &s->in;
		out->ninputs = i + 1;
		if (get_str(r, &x->path, 4096) < 0 || !x->path)
			return -1;
		uint8_t fmt = rd_u8(r);
		x->format = fmt == 2 ? "pcapng" : fmt == 1 ? "pcap" : NULL;
		x->compressed = rd_u8(r) != 0;
		x->nlinktypes = rd_u8(r);
		if (fmt > 2 || x->nlinktypes > sizeof x->linktypes / sizeof x->linktypes[0])
			return -1;
		for (size_t k = 0; k < x->nlinktypes; k++)
			x->linktypes[k] = (int)(rd_u32_le(r) & 0x7fffffff);
		x->packets = get_u64(r);
		x->bytes = get_u64(r);
		x->first_ns = get_u64(r);
		x->last_ns = get_u64(r);
		if (get_str(r, &x->error, 4096) < 0 || get_str(r, &x->warning, 4096) < 0 ||
		    get_str(r, &x->duplicate_of, 4096) < 0)
			return -1;
		uint8_t v = rd_u8(r);
		s->id_valid = v == 1;
		s->id.h[0] = get_u64(r);
		s->id.h[1] = get_u64(r);
		s->id.len = get_u64(r);
		rd_bytes(r, x->sha256, 64);
		x->sha256[64] = 0;
		if (r->err || v > 1)
			return -1;
		/* 64 hex digits, or none */
		for (size_t k = 0; k < 64; k++) {
			char ch = x->sha256[k];
			if (!((ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'f')) &&
			    !(ch == 0 && x->sha256[0] == 0))
				return -1;
		}
	}
	return rd_left(r) ? -1 : 0;
}

/* The counters the detector keeps are not in the section. */
static void stats_strip(dnsts_stats_t *st)
{
	st->allowlisted_queries = st->base_domains = st->tracked_domains = 0;
	st->evicted_domains = st->evicted_clients = 0;
}

#define NSTATS (sizeof(dnsts_stats_t) / sizeof(uint64_t))

/* ---- the file ------------------------------------------------------------ */

static void put_section(wb_t *w, uint32_t tag, const wb_t *body)
{
	put_u32(w, tag);
	put_u32(w, 0);
	put_u64(w, body->n);
	put_u64(w, siphash(zero_key, body->p, body->n));
	put_bytes(w, body->p, body->n);
}

int state_write(FILE *f, const dnsts_options_t *opt, const state_input_t *inputs, size_t n,
		const dnsts_stats_t *st, detector_t *det, char *err, size_t errlen)
{
	if (!det) {
		fail(err, errlen, "no state in DNS-log mode (--messages)");
		return DNSTS_EINVAL;
	}
	char prov[PROV_N][1024];
	if (prov_make(opt, prov, err, errlen) < 0)
		return DNSTS_EIO;
	wb_t out = {0}, b = {0};
	put_bytes(&out, STATE_MAGIC, STATE_MAGIC_LEN);
	put_u32(&out, STATE_VERSION);
	put_u32(&out, SEC_N);

	put_u32(&b, PROV_N);
	for (size_t i = 0; i < PROV_N; i++) {
		put_str(&b, prov_names[i]);
		put_str(&b, prov[i]);
	}
	put_section(&out, SEC_PROV, &b);
	b.n = 0;
	put_inputs(&b, inputs, n);
	put_section(&out, SEC_INPUTS, &b);
	b.n = 0;
	dnsts_stats_t s = *st;
	stats_strip(&s);
	const uint64_t *sv = (const uint64_t *)&s;
	put_u32(&b, (uint32_t)NSTATS);
	for (size_t i = 0; i < NSTATS; i++)
		put_u64(&b, sv[i]);
	put_section(&out, SEC_STATS, &b);
	b.n = 0;
	put_detector(&b, det);
	put_section(&out, SEC_DETECT, &b);
	int rc = DNSTS_OK;
	if (out.oom || b.oom) {
		fail(err, errlen, "out of memory");
		rc = DNSTS_ENOMEM;
	} else if (fwrite(out.p, 1, out.n, f) != out.n || fflush(f) != 0) {
		fail(err, errlen, "writing failed: %s", strerror(errno));
		rc = DNSTS_EIO;
	}
	free(out.p);
	free(b.p);
	return rc;
}

static int check_prov(rd_t *r, const dnsts_options_t *opt, char *err, size_t errlen)
{
	char mine[PROV_N][1024];
	if (prov_make(opt, mine, err, errlen) < 0)
		return DNSTS_EIO;
	uint32_t n = rd_u32_le(r);
	if (r->err || n != PROV_N)
		goto bad;
	for (size_t i = 0; i < PROV_N; i++) {
		char *name = NULL, *val = NULL;
		if (get_str(r, &name, 256) < 0 || get_str(r, &val, 4096) < 0 || !name || !val ||
		    strcmp(name, prov_names[i]) != 0) {
			free(name);
			free(val);
			goto bad;
		}
		if (strcmp(val, mine[i]) != 0) {
			fail(err, errlen,
			     "made with other %s than this scan (state: %s; this scan: %s): "
			     "states merge only into a scan with the same options",
			     name, val, mine[i]);
			free(name);
			free(val);
			return DNSTS_EFORMAT;
		}
		free(name);
		free(val);
	}
	if (!rd_left(r))
		return DNSTS_OK;
bad:
	fail(err, errlen, "damaged state file (provenance section)");
	return DNSTS_EFORMAT;
}

static int parse(const uint8_t *buf, size_t len, const dnsts_options_t *opt, detector_t *det,
		 state_data_t *out, char *err, size_t errlen)
{
	rd_t r;
	rd_init(&r, buf, len);
	const uint8_t *m = rd_ptr(&r, STATE_MAGIC_LEN);
	if (!m || memcmp(m, STATE_MAGIC, STATE_MAGIC_LEN) != 0) {
		fail(err, errlen, "not a state file");
		return DNSTS_EFORMAT;
	}
	uint32_t ver = rd_u32_le(&r), nsec = rd_u32_le(&r);
	if (r.err) {
		fail(err, errlen, "truncated state file (header)");
		return DNSTS_EFORMAT;
	}
	if (ver != STATE_VERSION) {
		fail(err, errlen, "state file format version %u, this program reads version %u",
		     ver, STATE_VERSION);
		return DNSTS_EFORMAT;
	}
	if (nsec != SEC_N) {
		fail(err, errlen, "damaged state file (%u sections)", nsec);
		return DNSTS_EFORMAT;
	}
	static const char *const names[SEC_N + 1] = {"", "provenance", "inputs", "counters",
						     "detector"};
	int rc = DNSTS_OK;
	for (uint32_t s = 1; s <= SEC_N && rc == DNSTS_OK; s++) {
		uint32_t tag = rd_u32_le(&r), resv = rd_u32_le(&r);
		uint64_t blen = get_u64(&r), sum = get_u64(&r);
		if (r.err) {
			fail(err, errlen, "truncated state file (%s section header)", names[s]);
			return DNSTS_EFORMAT;
		}
		if (tag != s || resv) {
			fail(err, errlen, "damaged state file (section %u is not the %s section)", s,
			     names[s]);
			return DNSTS_EFORMAT;
		}
		if (blen > rd_left(&r)) {
			fail(err, errlen, "truncated state file (%s section: %llu bytes, %zu left)",
			     names[s], (unsigned long long)blen, rd_left(&r));
			return DNSTS_EFORMAT;
		}
		const uint8_t *body = rd_ptr(&r, (size_t)blen);
		if (siphash(zero_key, body, (size_t)blen) != sum) {
			fail(err, errlen, "damaged state file (%s section: checksum mismatch)",
			     names[s]);
			return DNSTS_EFORMAT;
		}
		rd_t b;
		rd_init(&b, body, (size_t)blen);
		switch (s) {
		case SEC_PROV:
			rc = check_prov(&b, opt, err, errlen);
			break;
		case SEC_INPUTS: {
			int x = get_inputs(&b, out);
			if (x == -2) {
				fail(err, errlen, "out of memory");
				rc = DNSTS_ENOMEM;
			} else if (x < 0) {
				fail(err, errlen, "damaged state file (inputs section)");
				rc = DNSTS_EFORMAT;
			}
			break;
		}
		case SEC_STATS: {
			uint64_t *sv = (uint64_t *)&out->st;
			if (rd_u32_le(&b) != NSTATS || rd_left(&b) != NSTATS * 8) {
				fail(err, errlen, "damaged state file (counters section)");
				rc = DNSTS_EFORMAT;
				break;
			}
			for (size_t i = 0; i < NSTATS; i++)
				sv[i] = get_u64(&b);
			stats_strip(&out->st);
			break;
		}
		case SEC_DETECT:
			rc = get_detector(&b, det, out->ninputs, err, errlen);
			break;
		}
	}
	if (rc == DNSTS_OK && rd_left(&r)) {
		fail(err, errlen, "damaged state file (%zu bytes after the last section)",
		     rd_left(&r));
		rc = DNSTS_EFORMAT;
	}
	return rc;
}

int state_parse(const uint8_t *buf, size_t len, const dnsts_options_t *opt, detector_t *det,
		state_data_t *out, char *err, size_t errlen)
{
	memset(out, 0, sizeof *out);
	int rc = parse(buf, len, opt, det, out, err, errlen);
	if (rc != DNSTS_OK)
		state_data_free(out);
	return rc;
}

int state_read(FILE *f, const dnsts_options_t *opt, detector_t *det, state_data_t *out,
	       char *err, size_t errlen)
{
	size_t n = 0, cap = 0;
	uint8_t *buf = NULL;
	memset(out, 0, sizeof *out);
	for (;;) {
		if (n == cap) {
			if (cap >= STATE_MAX_BYTES) {
				free(buf);
				fail(err, errlen, "state file larger than %zu MiB", STATE_MAX_BYTES >> 20);
				return DNSTS_EFORMAT;
			}
			size_t nc = cap ? cap * 2 : 65536;
			uint8_t *nb = realloc(buf, nc);
			if (!nb) {
				free(buf);
				fail(err, errlen, "out of memory");
				return DNSTS_ENOMEM;
			}
			buf = nb;
			cap = nc;
		}
		size_t k = fread(buf + n, 1, cap - n, f);
		n += k;
		if (k == 0) {
			if (ferror(f)) {
				free(buf);
				fail(err, errlen, "read error");
				return DNSTS_EIO;
			}
			break;
		}
	}
	int rc = state_parse(buf, n, opt, det, out, err, errlen);
	free(buf);
	return rc;
}

/* The provenance values of the state file read from f (its first section,
 * checksum verified): 0, -1 when it is not one. */
static int prov_of_stream(FILE *f, char v[PROV_N][1024])
{
	uint8_t head[STATE_MAGIC_LEN + 8 + 24];
	int rc = -1;
	uint8_t *body = NULL;
	if (fread(head, 1, sizeof head, f) != sizeof head ||
	    memcmp(head, STATE_MAGIC, STATE_MAGIC_LEN) != 0)
		goto out;
	rd_t r;
	rd_init(&r, head + STATE_MAGIC_LEN, sizeof head - STATE_MAGIC_LEN);
	uint32_t ver = rd_u32_le(&r), nsec = rd_u32_le(&r);
	uint32_t tag = rd_u32_le(&r), resv = rd_u32_le(&r);
	uint64_t blen = get_u64(&r), sum = get_u64(&r);
	if (r.err || ver != STATE_VERSION || nsec != SEC_N || tag != SEC_PROV || resv ||
	    blen > 64 * 1024 || !(body = malloc(blen ? (size_t)blen : 1)) ||
	    fread(body, 1, (size_t)blen, f) != blen || siphash(zero_key, body, (size_t)blen) != sum)
		goto out;
	rd_init(&r, body, (size_t)blen);
	if (rd_u32_le(&r) != PROV_N || r.err)
		goto out;
	for (size_t i = 0; i < PROV_N; i++) {
		char *name = NULL, *val = NULL;
		int ok = get_str(&r, &name, 256) == 0 && get_str(&r, &val, 1023) == 0 && name &&
			 val && strcmp(name, prov_names[i]) == 0;
		if (ok)
			snprintf(v[i], 1024, "%s", val);
		free(name);
		free(val);
		if (!ok)
			goto out;
	}
	rc = 0;
out:
	free(body);
	return rc;
}

typedef struct prov_walk {
	char (*v)[1024];
	int found;
} prov_walk_t;

/* The first stream of a path: its provenance when it is a state; stop
 * either way (an archive's later members are not decompressed for this). */
static int prov_stream(void *ud, source_stream_t *st)
{
	prov_walk_t *w = ud;
	if (st->state)
		w->found = prov_of_stream(st->fp, w->v) == 0;
	return 1;
}

/* The provenance of the state file at path, compressed or as an archive's
 * first member: 0, -1 when it is none.  Standard input is not
 * looked at (it can be read once only). */
static int prov_of_file(const char *path, char v[PROV_N][1024])
{
	if (!strcmp(path, "-"))
		return -1;
	prov_walk_t w = {v, 0};
	char err[256];
	size_t n = 0;
	(void)source_walk(path, prov_stream, &w, &n, err, sizeof err);
	return w.found ? 0 : -1;
}

int dnsts_states_differ(const char *a, const char *b, char *why, size_t len)
{
	static char va[PROV_N][1024], vb[PROV_N][1024];
	if (prov_of_file(a, va) < 0 || prov_of_file(b, vb) < 0)
		return 0;
	for (size_t i = 0; i < PROV_N; i++)
		if (strcmp(va[i], vb[i]) != 0) {
			snprintf(why, len, "%s (%s: %s; %s: %s)", prov_names[i], a, va[i], b, vb[i]);
			return 1;
		}
	return 0;
}

int dnsts_is_state_file(const char *path)
{
	static char v[PROV_N][1024];
	return prov_of_file(path, v) == 0;
}
