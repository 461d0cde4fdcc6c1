/*
 * aggregate.c - bounded per-domain accumulators; see aggregate.h.
 *
 * Handles: integer counters, the distinct payloads (payset.h) and the
 * distinct answers (a k-minimum-values set of agg_rent_t), capped client,
 * resolver and input sets.  Drops: clients beyond the cap (counted),
 * resolvers and inputs beyond their arrays, distinct payloads and answers
 * beyond the sketches (estimated).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "aggregate.h"
#include "ascii.h"
#include "dns_const.h"

#define FC_SLOTS 1024
#define FC_TEXT 47

struct fc_entry {
	uint8_t len;            /* text bytes; 0: empty */
	char text[FC_TEXT];     /* labels, each preceded by its length */
	feat_t f;
};

struct agg_fcache {
	struct fc_entry e[FC_SLOTS];
};

agg_fcache_t *agg_fcache_new(void)
{
	return calloc(1, sizeof(agg_fcache_t));
}

void agg_fcache_free(agg_fcache_t *c)
{
	free(c);
}

/* features_compute() through the cache: the result depends only on the
 * label bytes, which the entry holds in wire form (so a label boundary
 * and a dot differ). */
void agg_features(agg_fcache_t *c, const feat_labels_t *fl, feat_t *f)
{
	uint8_t key[FC_TEXT];
	size_t kl = 0;
	if (c) {
		for (unsigned i = 0; i < fl->n; i++) {
			if (kl + 1 + fl->len[i] > FC_TEXT) {
				c = NULL;
				break;
			}
			key[kl++] = fl->len[i];
			memcpy(key + kl, fl->p[i], fl->len[i]);
			kl += fl->len[i];
		}
	}
	if (!c || !kl) {
		features_compute(fl, f);
		return;
	}
	uint64_t h = 0xcbf29ce484222325ull;
	for (size_t i = 0; i < kl; i++)
		h = (h ^ key[i]) * 0x100000001b3ull;
	h ^= h >> 29;
	struct fc_entry *e = &c->e[h % FC_SLOTS];
	if (e->len == kl && !memcmp(e->text, key, kl)) {
		*f = e->f;
		return;
	}
	features_compute(fl, f);
	e->len = (uint8_t)kl;
	memcpy(e->text, key, kl);
	e->f = *f;
}

void agg_init(agg_t *g)
{
	memset(g, 0, sizeof(*g));
}

static void detail_free(agg_detail_t *d)
{
	if (!d)
		return;
	payset_clear(&d->ps);
	kmv_clear(&d->rs);
	free(d);
}

void agg_release(agg_t *g)
{
	detail_free(g->d);
	for (uint32_t i = 0; (g->ctl || g->cflows) && i < g->nclients; i++) {
		free(g->clients[i].tl);
		free(g->clients[i].flows);
	}
	free(g->clients);
	free(g->pv.more);
	free(g->tl);
}

void agg_clear(agg_t *g)
{
	agg_release(g);
	memset(g, 0, sizeof(*g));
}

size_t agg_heap_bytes(const agg_t *g)
{
	size_t n = g->cclients * (sizeof(*g->clients) + sizeof(uint32_t)) +
		   pivots_heap_bytes(&g->pv) + (g->tl ? sizeof(*g->tl) : 0) +
		   g->ctl * sizeof(timeline_t) + g->cflows * sizeof(agg_flow_t);
	if (g->d)
		n += sizeof(*g->d) + payset_heap_bytes(&g->d->ps) + kmv_heap_bytes(&g->d->rs);
	return n;
}

static agg_detail_t *detail_get(agg_t *g)
{
	if (g->d)
		return g->d;
	agg_detail_t *d = malloc(sizeof(*d));
	if (!d)
		return NULL;
	payset_init(&d->ps);
	kmv_init(&d->rs, AGG_RSET_K, sizeof(agg_rent_t));
	g->d = d;
	return d;
}

int agg_qt_index(uint16_t t)
{
	switch (t) {
	case DNS_TYPE_A: return AQ_A;
	case DNS_TYPE_AAAA: return AQ_AAAA;
	case DNS_TYPE_TXT: return AQ_TXT;
	case DNS_TYPE_NULL: return AQ_NULL;
	case DNS_TYPE_CNAME: return AQ_CNAME;
	case DNS_TYPE_MX: return AQ_MX;
	case DNS_TYPE_KEY: return AQ_KEY;
	case DNS_TYPE_SRV: return AQ_SRV;
	case DNS_TYPE_NS: return AQ_NS;
	case DNS_TYPE_PTR: return AQ_PTR;
	case DNS_TYPE_ANY: return AQ_ANY;
	case DNS_TYPE_HTTPS: return AQ_HTTPS;
	default: return (t >= 65280 && t <= 65534) ? AQ_PRIVATE : AQ_OTHER;
	}
}

const char *agg_qt_name(int i)
{
	static const char *const n[AQ_N] = {"A", "AAAA", "TXT", "NULL", "CNAME", "MX", "KEY",
					    "SRV", "PRIVATE", "NS", "PTR", "ANY", "HTTPS", "OTHER"};
	return (i >= 0 && i < AQ_N) ? n[i] : "OTHER";
}

const char *agg_rc_name(int i)
{
	static const char *const n[AR_N] = {"NOERROR", "FORMERR", "SERVFAIL", "NXDOMAIN",
					    "NOTIMP", "REFUSED", "OTHER"};
	return (i >= 0 && i < AR_N) ? n[i] : "OTHER";
}

/* A client's tag: its address folded to 32 bits.  The client list is one
 * block: cclients records, then their cclients tags, so a look-up scans
 * 4 bytes per client and reads a record only when the tag matches. */
static uint32_t ip_tag(const ip_addr_t *ip)
{
	uint32_t t, w;
	memcpy(&t, ip->a, 4);
	if (ip->v != 4)
		for (unsigned i = 4; i < 16; i += 4) {
			memcpy(&w, ip->a + i, 4);
			t = (t ^ w) * 0x9e3779b1u;
		}
	return t;
}

/* A host's hash in a payload's askers (payset.h): unkeyed, so that
 * aggregates built by different processes merge. */
uint32_t agg_host_hash(const ip_addr_t *ip)
{
	return payset_host_hash(ip->a, ip->v == 4 ? 4 : 16);
}

static uint32_t *client_tags(const agg_t *g)
{
	return (uint32_t *)(void *)(g->clients + g->cclients);
}

static agg_client_t *client_get(agg_t *g, const ip_addr_t *ip, size_t max_clients)
{
	if (!ip || !ip->v)
		return NULL;
	uint32_t tag = ip_tag(ip);
	if (g->nclients) {
		const uint32_t *tags = client_tags(g);
		for (uint32_t i = 0; i < g->nclients; i++) {
			if (tags[i] != tag)
				continue;
			agg_client_t *c = &g->clients[i];
			if (c->ip.v == ip->v && !memcmp(c->ip.a, ip->a, ip->v == 4 ? 4 : 16))
				return c;
		}
	}
	if (g->nclients >= max_clients) {
		g->clients_dropped++;
		return NULL;
	}
	if (g->nclients == g->cclients) {
		uint32_t nc = g->cclients ? g->cclients * 2 : 2;
		if (nc > max_clients)
			nc = (uint32_t)max_clients;
		agg_client_t *p = malloc(nc * (sizeof(*p) + sizeof(uint32_t)));
		if (!p)
			return NULL;
		if (g->nclients) {
			memcpy(p, g->clients, g->nclients * sizeof(*p));
			memcpy(p + nc, client_tags(g), g->nclients * sizeof(uint32_t));
		}
		free(g->clients);
		g->clients = p;
		g->cclients = nc;
	}
	client_tags(g)[g->nclients] = tag;
	agg_client_t *c = &g->clients[g->nclients++];
	memset(c, 0, sizeof(*c));
	c->ip = *ip;
	return c;
}

/* The servers a client sent queries to: the lowest address, and whether
 * there were others (order-free). */
static void client_server(agg_client_t *c, const ip_addr_t *srv, bool many)
{
	if (!srv || !srv->v)
		return;
	c->many_servers |= many;
	if (!c->server.v) {
		c->server = *srv;
		return;
	}
	int k = ip_addr_cmp(srv, &c->server);
	if (k)
		c->many_servers = true;
	if (k < 0)
		c->server = *srv;
}

/* Add ip to the set of n addresses in v (at most AGG_MAX_RESOLVERS). */
static void ipset_add(ip_addr_t *v, uint8_t *n, const ip_addr_t *ip)
{
	if (!ip || !ip->v)
		return;
	for (unsigned i = 0; i < *n; i++)
		if (!ip_addr_cmp(&v[i], ip))
			return;
	if (*n < AGG_MAX_RESOLVERS)
		v[(*n)++] = *ip;
}

static void resolver_add(agg_t *g, const ip_addr_t *ip)
{
	ipset_add(g->resolvers, &g->nresolvers, ip);
}

static void input_add(agg_t *g, uint32_t id)
{
	for (unsigned i = 0; i < g->ninputs; i++)
		if (g->inputs[i] == id)
			return;
	if (g->ninputs < AGG_MAX_INPUTS)
		g->inputs[g->ninputs++] = id;
}

/* c's first flow := x's when x's first query came earlier (at the same
 * time: the smaller flow), so that it does not depend on the order of the
 * queries.  Before c->first_ns takes x's. */
static void first_flow(agg_client_t *c, const agg_client_t *x)
{
	if (!x->first_ns || !x->flow_server.v)
		return;
	if (c->first_ns && c->flow_server.v) {
		if (x->first_ns > c->first_ns)
			return;
		if (x->first_ns == c->first_ns) {
			int d = ip_addr_cmp(&x->flow_server, &c->flow_server);
			if (!d)
				d = x->flow_sport != c->flow_sport ? (x->flow_sport < c->flow_sport ? -1 : 1)
				    : x->flow_dport != c->flow_dport ? (x->flow_dport < c->flow_dport ? -1 : 1)
				    : (x->flow_transport > c->flow_transport) - (x->flow_transport < c->flow_transport);
			if (d >= 0)
				return;
		}
	}
	c->flow_server = x->flow_server;
	c->flow_sport = x->flow_sport;
	c->flow_dport = x->flow_dport;
	c->flow_transport = x->flow_transport;
}

/* The order of a client's flows (flow_cmp): by the time of their first
 * query, then by server, ports and transport (agg_flow_tuple_cmp, which alone
 * says whether two are the same flow). */
int agg_flow_tuple_cmp(const agg_flow_t *a, const agg_flow_t *b)
{
	int d = ip_addr_cmp(&a->server, &b->server);
	if (d)
		return d;
	if (a->sport != b->sport)
		return a->sport < b->sport ? -1 : 1;
	if (a->dport != b->dport)
		return a->dport < b->dport ? -1 : 1;
	return (a->transport > b->transport) - (a->transport < b->transport);
}

static int flow_cmp(const agg_flow_t *a, const agg_flow_t *b)
{
	if (a->first_ns != b->first_ns)
		return a->first_ns < b->first_ns ? -1 : 1;
	return agg_flow_tuple_cmp(a, b);
}

/* c's first flow (false: none known). */
static bool flow_first(const agg_client_t *c, agg_flow_t *f)
{
	if (!c->flow_server.v)
		return false;
	*f = (agg_flow_t){.first_ns = c->first_ns, .server = c->flow_server,
			  .transport = c->flow_transport, .sport = c->flow_sport,
			  .dport = c->flow_dport};
	return true;
}

size_t agg_client_flows(const agg_client_t *c, agg_flow_t *out)
{
	if (c->flows) {
		memcpy(out, c->flows, c->nflows * sizeof(*out));
		return c->nflows;
	}
	return flow_first(c, out) ? 1 : 0;
}

/* Room for n flows. */
static size_t flows_cap(size_t n)
{
	return n <= 2 ? 2 : n <= 4 ? 4 : AGG_CLIENT_FLOWS;
}

/* c's flows := the first AGG_CLIENT_FLOWS of c's and xs (n distinct
 * flows in order; more: their client had others): the smallest by first
 * time and tuple, which is order-free (a flow left out of a piece's list
 * had AGG_CLIENT_FLOWS before it there, so it is left out of the whole's).
 * Before first_flow() and c->first_ns take them.  -1: no memory (c as it
 * was). */
static int flows_union(agg_t *g, agg_client_t *c, const agg_flow_t *xs, size_t n, bool more)
{
	if (!n)
		return 0;
	agg_flow_t u[2 * AGG_CLIENT_FLOWS];
	if (!c->flows && n == 1 && !more &&
	    (!flow_first(c, u) || !agg_flow_tuple_cmp(u, xs)))
		return 0; /* its one flow: first_flow() keeps it */
	if (c->flows_more && n == 1 && xs->first_ns > c->flows[c->nflows - 1].first_ns)
		return 0; /* after all the kept ones, and they fill the list */
	for (size_t j = 0; c->flows && n == 1 && j < c->nflows; j++)
		if (!agg_flow_tuple_cmp(&c->flows[j], xs))
			if (xs->first_ns >= c->flows[j].first_ns && (!more || c->flows_more))
				return 0; /* a listed flow again, no earlier */
	size_t k = agg_client_flows(c, u), nu = k;
	for (size_t i = 0; i < n; i++) {
		size_t j = 0;
		while (j < k && agg_flow_tuple_cmp(&u[j], &xs[i]))
			j++;
		if (j == k)
			u[nu++] = xs[i];
		else if (xs[i].first_ns < u[j].first_ns)
			u[j].first_ns = xs[i].first_ns;
	}
	for (size_t i = 1; i < nu; i++) {
		agg_flow_t t = u[i];
		size_t j = i;
		for (; j && flow_cmp(&t, &u[j - 1]) < 0; j--)
			u[j] = u[j - 1];
		u[j] = t;
	}
	bool m = c->flows_more || more || nu > AGG_CLIENT_FLOWS;
	if (nu > AGG_CLIENT_FLOWS)
		nu = AGG_CLIENT_FLOWS;
	if (nu < 2)
		return 0;
	size_t need = flows_cap(nu), have = c->flows ? flows_cap(c->nflows) : 0;
	if (need != have) {
		agg_flow_t *p = realloc(c->flows, need * sizeof(*p));
		if (!p)
			return -1;
		c->flows = p;
		g->cflows += (uint32_t)(need - have);
	}
	memcpy(c->flows, u, nu * sizeof(*u));
	c->nflows = (uint8_t)nu;
	c->flows_more = m;
	return 0;
}

static void times(uint64_t *first, uint64_t *last, uint64_t ts)
{
	if (!*first || ts < *first)
		*first = ts;
	if (ts > *last)
		*last = ts;
}

/* g's timeline_t, made from its one-second counters (NULL: no memory; the
 * counters stay). */
static timeline_t *tl_get(agg_t *g)
{
	if (g->tl)
		return g->tl;
	timeline_t *t = malloc(sizeof(*t));
	if (!t)
		return NULL;
	timeline_from_one(t, &g->tl1);
	memset(&g->tl1, 0, sizeof(g->tl1));
	return g->tl = t;
}

/* Weights on the timeline: in the one-second counters while every message
 * falls in one second, then in a timeline_t. */
static void tl_add(agg_t *g, uint64_t ts_ns, uint32_t queries, uint64_t out, uint64_t in)
{
	if (!g->tl && timeline_one_add(&g->tl1, ts_ns, queries, out, in))
		return;
	timeline_t *t = tl_get(g);
	if (t)
		timeline_add(t, ts_ns, queries, out, in);
}

const timeline_t *agg_timeline(const agg_t *g, timeline_t *tmp)
{
	if (g->tl)
		return g->tl;
	timeline_from_one(tmp, &g->tl1);
	return tmp;
}

static uint32_t sat32(uint64_t x)
{
	return x > UINT32_MAX ? UINT32_MAX : (uint32_t)x;
}

/* The timeline of c's messages while they fall in one second: its
 * counters in that second's bucket. */
static void ctl_from_one(timeline_t *t, const agg_client_t *c)
{
	timeline_one_t o = {.sec = c->tl_sec, .n = c->tl_n, .q = sat32(c->queries),
			    .out = sat32(c->payload_chars), .in = sat32(c->answer_decoded)};
	timeline_from_one(t, &o);
}

const timeline_t *agg_client_timeline(const agg_client_t *c, timeline_t *tmp)
{
	if (c->tl)
		return c->tl;
	ctl_from_one(tmp, c);
	return tmp;
}

/* c's timeline_t, made from its one-second counters (NULL: no memory). */
static timeline_t *ctl_get(agg_t *g, agg_client_t *c)
{
	if (c->tl)
		return c->tl;
	timeline_t *t = malloc(sizeof(*t));
	if (!t)
		return NULL;
	ctl_from_one(t, c);
	g->ctl++;
	return c->tl = t;
}

/* A message of c at ts_ns with these weights, before c's counters take
 * them.  Returns -1 when out of memory. */
static int ctl_add(agg_t *g, agg_client_t *c, uint64_t ts_ns, uint32_t queries, uint64_t out,
		   uint64_t in)
{
	uint64_t s = ts_ns / 1000000000u;
	if (!c->tl && s <= UINT32_MAX && (!c->tl_n || c->tl_sec == s)) {
		c->tl_sec = (uint32_t)s;
		c->tl_n++;
		return 0;
	}
	timeline_t *t = ctl_get(g, c);
	if (!t)
		return -1;
	timeline_add(t, ts_ns, queries, out, in);
	return 0;
}

/* c := c u x, timelines only; before c's counters take x's. */
static int ctl_merge(agg_t *g, agg_client_t *c, const agg_client_t *x)
{
	if (!x->tl && !x->tl_n)
		return 0;
	if (!c->tl && !x->tl && (!c->tl_n || c->tl_sec == x->tl_sec)) {
		c->tl_sec = x->tl_sec;
		c->tl_n = c->tl_n + x->tl_n < c->tl_n ? UINT32_MAX : c->tl_n + x->tl_n;
		return 0;
	}
	timeline_t *t = ctl_get(g, c), tmp;
	if (!t)
		return -1;
	timeline_merge(t, agg_client_timeline(x, &tmp));
	return 0;
}

/* A query counted, without its timeline weight. */
static void count_query(agg_t *g, uint16_t qtype, uint64_t ts_ns)
{
	g->queries++;
	g->qtype[agg_qt_index(qtype)]++;
	times(&g->first_ns, &g->last_ns, ts_ns);
}

void agg_count_query(agg_t *g, uint16_t qtype, uint64_t ts_ns)
{
	count_query(g, qtype, ts_ns);
	tl_add(g, ts_ns, 1, 0, 0);
}

void agg_count_response(agg_t *g, uint16_t rcode, uint64_t ts_ns)
{
	g->responses++;
	g->rcode[rcode <= 5 ? rcode : AR_OTHER]++;
	times(&g->first_ns, &g->last_ns, ts_ns);
}

void agg_add_allowlisted_query(agg_t *g, uint16_t qtype, uint64_t ts_ns)
{
	g->allowlisted++;
	agg_count_query(g, qtype, ts_ns);
}

void agg_add_query_answers(agg_t *g, uint64_t bytes)
{
	if (!bytes)
		return;
	g->q_answers++;
	g->q_answer_bytes += bytes;
}

/* c's query at ts_ns with chars payload characters (c NULL: none). */
static int client_query(agg_t *g, agg_client_t *c, uint64_t ts_ns, size_t chars)
{
	if (!c)
		return 0;
	int ret = ctl_add(g, c, ts_ns, 1, chars, 0);
	c->queries++;
	if (chars) {
		c->payload_queries++;
		c->payload_chars += chars;
	}
	return ret;
}

int agg_add_query(agg_t *g, const agg_query_t *q, size_t max_clients)
{
	count_query(g, q->qtype, q->ts_ns); /* the timeline below, with its payload */
	resolver_add(g, q->resolver);
	input_add(g, q->input_id);
	if (q->base_mixed)
		g->n_base_mixed++;
	if (q->suffix_h) {
		g->suffixed_queries++;
		if (!g->suffix_h || q->suffix_h < g->suffix_h)
			g->suffix_h = q->suffix_h;
	}
	agg_client_t *c = client_get(g, q->client, max_clients);
	int fret = 0;
	if (c) {
		if (q->resolver) {
			agg_flow_t fl = {.first_ns = q->ts_ns, .server = *q->resolver,
					 .transport = q->transport, .sport = q->sport,
					 .dport = q->dport};
			if (q->resolver->v)
				fret = flows_union(g, c, &fl, 1, false);
			agg_client_t f = {.first_ns = q->ts_ns, .flow_transport = q->transport,
					  .flow_sport = q->sport, .flow_dport = q->dport,
					  .flow_server = *q->resolver};
			first_flow(c, &f);
		}
		times(&c->first_ns, &c->last_ns, q->ts_ns);
		client_server(c, q->resolver, false);
	}
	/* payload text, dots removed */
	unsigned first = q->prefix_mode ? 1 : 0;
	unsigned last = q->prefix_mode ? q->nlabels : q->npay;
	if (last <= first) {
		tl_add(g, q->ts_ns, 1, 0, 0);
		return client_query(g, c, q->ts_ns, 0) | fret;
	}
	uint8_t text[DNS_MAX_NAME + 1], folded[DNS_MAX_NAME + 1];
	size_t tl = 0;
	feat_labels_t fl;
	fl.n = 0;
	bool binary = false, upper = false;
	for (unsigned i = first; i < last && i < q->name->nlabels; i++) {
		unsigned len;
		const uint8_t *p = dns_name_label(q->name, i, &len);
		fl.p[fl.n] = p;
		fl.len[fl.n] = (uint8_t)len;
		fl.n++;
		for (unsigned j = 0; j < len && tl < DNS_MAX_NAME; j++) {
			uint8_t ch = p[j];
			text[tl] = ch;
			folded[tl] = (uint8_t)ascii_lower(ch);
			upper |= folded[tl] != ch;
			binary |= ch >= 0x80 || ch <= 0x20;
			tl++;
		}
	}
	tl_add(g, q->ts_ns, 1, tl, 0);
	int ret = client_query(g, c, q->ts_ns, tl) | fret;
	if (!tl)
		return ret;
	g->payload_queries++;
	fp_query(&g->fp, q->name, q->prefix_mode ? q->nlabels : q->npay, q->prefix_mode, q->qtype);
	agg_detail_t *d = detail_get(g);
	if (!d)
		return -1;
	/* base64 payloads differ by case only: the payload is the text as
	 * sent, unless the resolver randomises case (0x20): then its folded
	 * text, and its features are those of the folded text */
	const uint8_t *pay = q->base_mixed ? folded : text;
	uint64_t h = payset_hash(pay, tl);
	uint8_t len8 = (uint8_t)(tl > 255 ? 255 : tl);
	bool want;
	ps_ent_t *pe = payset_lookup(&d->ps, h, len8, &want);
	if (!pe && want) {
		feat_t f;
		feat_labels_t ff = fl;
		if (q->base_mixed && upper) {
			/* the same labels, folded */
			size_t o = 0;
			for (unsigned i = 0; i < ff.n; i++) {
				ff.p[i] = folded + o;
				o += ff.len[i];
			}
		}
		agg_features(q->fcache, &ff, &f);
		ps_ent_t e;
		memset(&e, 0, sizeof(e));
		e.h = h;
		e.len = len8;
		e.nlabels = (uint8_t)fl.n;
		e.flags = (uint8_t)((f.unlike >= 0.5 ? PS_F_UNLIKE : 0) |
				    (f.mixed_case && !q->base_mixed ? PS_F_MIXED : 0) |
				    ((f.enc & FEAT_ENC_BINARY) ? PS_F_BINARY : 0) |
				    (tl >= 30 ? PS_F_LONG : 0));
		e.enc = (uint8_t)f.enc;
		e.entropy = (float)f.entropy;
		e.unlike = (float)f.unlike;
		memcpy(e.prefix, folded, tl < 4 ? tl : 4);
		uint64_t hf = upper && !q->base_mixed ? payset_hash(folded, tl) : h;
		e.hf = (uint32_t)(hf ^ (hf >> 32));
		e.hf += !e.hf;
		if (payset_insert(&d->ps, &e) < 0)
			ret = -1;
		else
			pe = payset_find(&d->ps, h);
	}
	if (pe) {
		pe->flags |= q->suffix_h ? PS_F_SUFFIXED : PS_F_BARE;
		if (q->client)
			payset_ask(pe, agg_host_hash(q->client), q->ts_ns);
	}
	if (payset_offer_text(&d->ps, h, pay, tl, binary, q->name) < 0)
		ret = -1;
	return ret;
}

int agg_add_response(agg_t *g, const agg_response_t *r, size_t max_clients)
{
	agg_count_response(g, r->rcode, r->ts_ns);
	tl_add(g, r->ts_ns, 0, r->decoded, r->addr_bytes);
	resolver_add(g, r->resolver);
	ipset_add(g->responders, &g->nresponders, r->resolver);
	input_add(g, r->input_id);
	g->resp_addr_bytes += r->addr_bytes;
	if (!r->data_bytes)
		return 0;
	g->resp_data++;
	g->resp_data_bytes += r->data_bytes;
	if (r->entropy >= 0) {
		g->resp_entropy_sum += (uint64_t)llround(r->entropy * AGG_ENTROPY_UNIT);
		g->resp_entropy_n++;
	}
	agg_client_t *c = client_get(g, r->client, max_clients);
	int ret = 0;
	if (c) {
		ret = ctl_add(g, c, r->ts_ns, 0, 0, r->decoded);
		c->answer_decoded += r->decoded;
		c->resp_data++;
		c->resp_data_bytes += r->data_bytes;
	}
	agg_detail_t *d = detail_get(g);
	if (!d)
		return -1;
	bool isnew;
	agg_rent_t *e = kmv_offer(&d->rs, r->h ? r->h : 1, &isnew);
	if (!e)
		return isnew && !d->rs.dropped ? -1 : ret;
	/* one hash, one answer; should two answers collide, the larger is
	 * kept, which does not depend on their order either */
	uint32_t db = (uint32_t)(r->data_bytes > UINT32_MAX ? UINT32_MAX : r->data_bytes);
	uint32_t dd = (uint32_t)(r->decoded > UINT32_MAX ? UINT32_MAX : r->decoded);
	if (db > e->data_bytes)
		e->data_bytes = db;
	if (dd > e->decoded)
		e->decoded = dd;
	e->count++;
	return ret;
}

static void rent_combine(void *dp, const void *sp)
{
	agg_rent_t *d = dp;
	const agg_rent_t *s = sp;
	d->count += s->count;
	if (s->data_bytes > d->data_bytes)
		d->data_bytes = s->data_bytes;
	if (s->decoded > d->decoded)
		d->decoded = s->decoded;
}

int agg_merge(agg_t *dst, const agg_t *s, uint32_t input_offset, size_t max_clients)
{
	int ret = 0;
	dst->queries += s->queries;
	dst->responses += s->responses;
	dst->payload_queries += s->payload_queries;
	dst->allowlisted += s->allowlisted;
	dst->earned |= s->earned;
	for (unsigned i = 0; i < AQ_N; i++)
		dst->qtype[i] += s->qtype[i];
	for (unsigned i = 0; i < AR_N; i++)
		dst->rcode[i] += s->rcode[i];
	if (s->first_ns)
		times(&dst->first_ns, &dst->last_ns, s->first_ns);
	if (s->last_ns)
		times(&dst->first_ns, &dst->last_ns, s->last_ns);
	dst->n_base_mixed += s->n_base_mixed;
	dst->suffixed_queries += s->suffixed_queries;
	if (s->suffix_h && (!dst->suffix_h || s->suffix_h < dst->suffix_h))
		dst->suffix_h = s->suffix_h;
	dst->resp_data += s->resp_data;
	dst->resp_data_bytes += s->resp_data_bytes;
	dst->resp_addr_bytes += s->resp_addr_bytes;
	dst->resp_entropy_sum += s->resp_entropy_sum;
	dst->resp_entropy_n += s->resp_entropy_n;
	dst->q_answers += s->q_answers;
	dst->q_answer_bytes += s->q_answer_bytes;
	fp_merge(&dst->fp, &s->fp);
	for (unsigned i = 0; i < s->nresolvers; i++)
		resolver_add(dst, &s->resolvers[i]);
	for (unsigned i = 0; i < s->nresponders; i++)
		ipset_add(dst->responders, &dst->nresponders, &s->responders[i]);
	for (unsigned i = 0; i < s->ninputs; i++)
		input_add(dst, s->inputs[i] + input_offset);
	if (pivots_merge(&dst->pv, &s->pv, input_offset) < 0)
		ret = -1;
	if (!s->tl && s->tl1.n && !dst->tl &&
	    (!dst->tl1.n || dst->tl1.sec == s->tl1.sec)) {
		/* both within one second: the counters add up */
		timeline_one_t *o = &dst->tl1;
		o->sec = s->tl1.sec;
		o->n = o->n + s->tl1.n < o->n ? UINT32_MAX : o->n + s->tl1.n;
		o->q = o->q + s->tl1.q < o->q ? UINT32_MAX : o->q + s->tl1.q;
		o->out = o->out + s->tl1.out < o->out ? UINT32_MAX : o->out + s->tl1.out;
		o->in = o->in + s->tl1.in < o->in ? UINT32_MAX : o->in + s->tl1.in;
	} else if (s->tl || s->tl1.n) {
		timeline_t tmp;
		timeline_t *t = tl_get(dst);
		if (!t)
			ret = -1;
		else
			timeline_merge(t, agg_timeline(s, &tmp));
	}
	dst->clients_dropped += s->clients_dropped;
	for (uint32_t i = 0; i < s->nclients; i++) {
		const agg_client_t *sc = &s->clients[i];
		agg_client_t *c = client_get(dst, &sc->ip, max_clients);
		if (!c)
			continue;
		if (ctl_merge(dst, c, sc) < 0)
			ret = -1;
		c->queries += sc->queries;
		c->payload_queries += sc->payload_queries;
		c->payload_chars += sc->payload_chars;
		c->answer_decoded += sc->answer_decoded;
		c->resp_data += sc->resp_data;
		c->resp_data_bytes += sc->resp_data_bytes;
		client_server(c, &sc->server, sc->many_servers);
		agg_flow_t xf[AGG_CLIENT_FLOWS];
		if (flows_union(dst, c, xf, agg_client_flows(sc, xf), sc->flows_more) < 0)
			ret = -1;
		first_flow(c, sc);
		if (sc->first_ns)
			times(&c->first_ns, &c->last_ns, sc->first_ns);
		if (sc->last_ns)
			times(&c->first_ns, &c->last_ns, sc->last_ns);
	}
	if (s->d) {
		agg_detail_t *d = detail_get(dst);
		if (!d)
			return -1;
		if (payset_merge(&d->ps, &s->d->ps) < 0)
			ret = -1;
		if (kmv_merge(&d->rs, &s->d->rs, rent_combine) < 0)
			ret = -1;
	}
	return ret;
}

double agg_unique(const agg_t *g)
{
	return g->d ? payset_distinct(&g->d->ps) : 0;
}

void agg_payloads(const agg_t *g, ps_sum_t *sum)
{
	if (g->d)
		payset_summary(&g->d->ps, sum);
	else
		memset(sum, 0, sizeof(*sum));
}

void agg_answers(const agg_t *g, double *distinct, double *data_bytes, double *decoded)
{
	*distinct = *data_bytes = *decoded = 0;
	if (!g->d || !g->d->rs.n)
		return;
	const kmv_t *rs = &g->d->rs;
	double b = 0, dec = 0;
	for (uint32_t i = 0; i < rs->n; i++) {
		const agg_rent_t *e = kmv_at(rs, i);
		b += e->data_bytes;
		dec += e->decoded;
	}
	double n = kmv_distinct(rs);
	double k = n / (double)rs->n;
	*distinct = n;
	*data_bytes = b * k;
	*decoded = dec * k;
}

const uint8_t *agg_best(const agg_t *g, size_t *len)
{
	if (!g->d || !g->d->ps.t || !g->d->ps.t->best.len)
		return NULL;
	*len = g->d->ps.t->best.len;
	return g->d->ps.t->best.text;
}

size_t agg_samples(const agg_t *g, const char **names, size_t max)
{
	size_t n = 0;
	if (!g->d || !g->d->ps.t)
		return 0;
	const ps_texts_t *t = g->d->ps.t;
	for (unsigned i = 0; i < t->ntext && n < max; i++)
		if (t->text[i].name[0])
			names[n++] = t->text[i].name;
	return n;
}

/* LZ77-style cost estimate: greedy matches of >= 4 bytes found through a
 * hash of 4-byte sequences cost 3 bytes; literals cost their order-0
 * entropy.  Read over the kept payload texts, one line each. */
double agg_compress_ratio(const agg_t *g)
{
	if (!g->d || !g->d->ps.t)
		return 1.0;
	const ps_texts_t *t = g->d->ps.t;
	uint8_t s[PAYSET_NTEXT * (PAYSET_TEXT_MAX + 1)];
	size_t n = 0;
	for (unsigned i = 0; i < t->ntext; i++) {
		memcpy(s + n, t->text[i].text, t->text[i].len);
		n += t->text[i].len;
		s[n++] = '\n';
	}
	if (n < 32)
		return 1.0;
	int16_t head[1024];
	memset(head, 0xff, sizeof(head));
	unsigned lit[256] = {0};
	size_t nlit = 0, nmatch = 0;
	size_t i = 0;
	while (i < n) {
		size_t best = 0;
		if (i + 4 <= n) {
			uint32_t k = ((uint32_t)s[i] * 2654435761u ^ (uint32_t)s[i + 1] * 40503u ^
				      (uint32_t)s[i + 2] * 97u ^ s[i + 3]) & 1023u;
			int16_t cand = head[k];
			if (cand >= 0) {
				size_t c = (size_t)cand, l = 0;
				while (i + l < n && s[c + l] == s[i + l] && l < 255)
					l++;
				best = l;
			}
			head[k] = (int16_t)i;
		}
		if (best >= 4) {
			nmatch++;
			i += best;
		} else {
			lit[s[i]]++;
			nlit++;
			i++;
		}
	}
	double h = 0;
	for (unsigned k = 0; k < 256; k++) {
		if (!lit[k])
			continue;
		double p = (double)lit[k] / nlit;
		h -= p * log2(p);
	}
	double bits = nlit * h + nmatch * 24.0;
	return bits / (8.0 * n);
}

uint32_t agg_encoding(const agg_t *g, const ps_sum_t *sum, double *share)
{
	static const uint32_t order[] = {FEAT_ENC_NETBIOS, FEAT_ENC_HEX, FEAT_ENC_BASE32,
					 FEAT_ENC_BASE32HEX, FEAT_ENC_BASE64URL, FEAT_ENC_BASE64,
					 FEAT_ENC_BINARY};
	(void)g;
	*share = 0;
	if (!(sum->distinct > 0))
		return 0;
	for (size_t i = 0; i < sizeof(order) / sizeof(order[0]); i++) {
		unsigned bit = (unsigned)__builtin_ctz(order[i]);
		double sh = sum->enc[bit] / sum->distinct;
		if (order[i] == FEAT_ENC_BINARY) {
			if (sh >= 0.3) {
				*share = sh;
				return order[i];
			}
			continue;
		}
		/* base32 and base32hex need single-case letters and digits both */
		if (sh >= 0.9) {
			if ((order[i] == FEAT_ENC_BASE64 || order[i] == FEAT_ENC_BASE64URL) &&
			    sum->n_mixed < 0.5 * sum->distinct) {
				/* lowercase-only text is not base64 evidence */
				continue;
			}
			*share = sh;
			return order[i];
		}
	}
	return 0;
}

double agg_suspicion(const agg_t *g)
{
	/* the kept payloads' characters, weighted by how unlike host names
	 * they are, plus the kept answers' bytes: one pass, no allocation (the
	 * eviction sweep reads every record) */
	if (!g->d)
		return 0;
	double v = 0;
	const payset_t *ps = &g->d->ps;
	for (uint32_t i = 0; i < payset_n(ps); i++) {
		const ps_ent_t *e = payset_at(ps, i);
		v += e->len * (0.2 + e->unlike);
	}
	const kmv_t *rs = &g->d->rs;
	for (uint32_t i = 0; i < rs->n; i++)
		v += 0.5 * ((const agg_rent_t *)kmv_at(rs, i))->data_bytes;
	return v;
}

/* Scale the n counts c[] by num/den, rounding so that they add up to the
 * scaled total (largest remainders first, ties to the lower index). */
static void scale_counts(uint64_t *c, unsigned n, uint64_t num, uint64_t den)
{
	uint64_t total = 0, sum = 0;
	double rem[16];
	_Static_assert(AQ_N <= 16 && AR_N <= 16, "room for the remainders");
	for (unsigned i = 0; i < n; i++)
		total += c[i];
	uint64_t want = den ? (uint64_t)llround((double)total * (double)num / (double)den) : 0;
	for (unsigned i = 0; i < n; i++) {
		double x = den ? (double)c[i] * (double)num / (double)den : 0;
		c[i] = (uint64_t)x;
		rem[i] = x - (double)c[i];
		sum += c[i];
	}
	while (sum < want) {
		unsigned best = 0;
		for (unsigned i = 1; i < n; i++)
			if (rem[i] > rem[best])
				best = i;
		if (rem[best] <= 0)
			break;
		c[best]++;
		rem[best] = 0;
		sum++;
	}
}

uint32_t agg_view_without(const agg_t *g, bool (*drop)(const void *ctx, const ip_addr_t *ip),
			  const void *ctx, agg_t *view, agg_client_t *cbuf)
{
	*view = *g;
	view->clients = cbuf;
	view->nclients = 0;
	uint32_t dropped = 0;
	uint64_t dq = 0, dchars = 0, dr = 0, drb = 0;
	uint32_t rh[AGG_MAX_RESOLVERS];
	size_t nrh = 0;
	for (uint32_t i = 0; i < g->nclients; i++) {
		const agg_client_t *c = &g->clients[i];
		if (drop(ctx, &c->ip)) {
			dropped++;
			dq += c->queries;
			dchars += c->payload_chars;
			dr += c->resp_data;
			drb += c->resp_data_bytes;
			resolver_add(view, &c->ip);
			if (nrh < AGG_MAX_RESOLVERS)
				rh[nrh++] = agg_host_hash(&c->ip);
			continue;
		}
		cbuf[view->nclients++] = *c;
	}
	view->cclients = view->nclients;
	view->upstream = 0;
	view->upstream_only = view->upstream_only_chars = 0;
	/* the servers the dropped resolvers asked, when no client of the view
	 * asked them (as far as each host's lowest server tells) and they are
	 * no resolver themselves: upstream servers, not the clients' resolvers */
	bool known = true;
	for (uint32_t i = 0; i < view->nclients; i++)
		known &= !cbuf[i].many_servers;
	for (uint32_t i = 0; known && dropped && i < g->nclients; i++) {
		const agg_client_t *c = &g->clients[i];
		if (!drop(ctx, &c->ip) || c->many_servers || drop(ctx, &c->server))
			continue;
		bool asked = false;
		for (uint32_t k = 0; k < view->nclients && !asked; k++)
			asked = ip_addr_cmp(&cbuf[k].server, &c->server) == 0;
		for (unsigned r = 0; !asked && r < view->nresolvers; r++)
			if (ip_addr_cmp(&view->resolvers[r], &c->server) == 0)
				view->upstream |= (uint8_t)(1u << r);
	}
	if (!dropped || !g->queries)
		return dropped;
	/* the resolvers' queries that forwarded a client query seen in the
	 * capture (same name, within AGG_LEG_WINDOW_NS) are that exchange's
	 * second leg and do not count again; the rest were asked for clients
	 * not in the capture and stay, as the resolvers' own */
	uint64_t m = 0, u = 0;
	if (g->d)
		payset_upstream(&g->d->ps, rh, nrh, AGG_LEG_WINDOW_NS, &m, &u);
	if (m + u) {
		uint64_t twice = (uint64_t)llround((double)dq * (double)m / (double)(m + u));
		view->upstream_only = dq - twice;
		view->upstream_only_chars =
			(uint64_t)llround((double)dchars * (double)u / (double)(m + u));
		dq = twice;
		dr = (uint64_t)llround((double)dr * (double)m / (double)(m + u));
		drb = (uint64_t)llround((double)drb * (double)m / (double)(m + u));
	} else if (!view->nclients) {
		view->upstream_only = dq;
		view->upstream_only_chars = dchars;
		return dropped; /* only the resolvers asked */
	}
	if (!dq || dq >= g->queries)
		return dropped;
	uint64_t keep = g->queries - dq;
	scale_counts(view->qtype, AQ_N, keep, g->queries);
	/* the answers the resolvers were given for the exchanges of the
	 * capture's clients are the second leg of those exchanges too: their
	 * responses with data count once (the responses without data go by
	 * the same share, else by the queries') */
	if (dr && dr < g->resp_data) {
		uint64_t rkeep = g->resp_data - dr;
		view->resp_data = rkeep;
		view->resp_data_bytes = g->resp_data_bytes > drb ? g->resp_data_bytes - drb : 0;
		view->resp_entropy_sum = (uint64_t)llround((double)g->resp_entropy_sum *
							   (double)rkeep / (double)g->resp_data);
		view->resp_entropy_n = (uint64_t)llround((double)g->resp_entropy_n * (double)rkeep /
							 (double)g->resp_data);
		scale_counts(view->rcode, AR_N, rkeep, g->resp_data);
	} else {
		scale_counts(view->rcode, AR_N, keep, g->queries);
	}
	view->queries = keep;
	view->responses = 0;
	for (unsigned i = 0; i < AR_N; i++)
		view->responses += view->rcode[i];
	view->payload_queries = (uint64_t)llround((double)g->payload_queries * (double)keep /
						  (double)g->queries);
	view->n_base_mixed = (uint64_t)llround((double)g->n_base_mixed * (double)keep /
					       (double)g->queries);
	return dropped;
}

static int cmp_client(const void *a, const void *b)
{
	const agg_client_t *x = *(const agg_client_t *const *)a;
	const agg_client_t *y = *(const agg_client_t *const *)b;
	return ip_addr_cmp(&x->ip, &y->ip);
}

void agg_clients_sorted(const agg_t *g, const agg_client_t **out)
{
	for (uint32_t i = 0; i < g->nclients; i++)
		out[i] = &g->clients[i];
	qsort(out, g->nclients, sizeof(*out), cmp_client);
}
