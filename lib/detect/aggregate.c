/*
 * aggregate.c - bounded per-domain accumulators; see aggregate.h.
 *
 * Handles: counters, a HyperLogLog (2^8 registers) of unique payloads, a
 * 64-entry window that counts a payload once when it repeats soon
 * (retransmissions, polls), a capped sample of unique payload text, a
 * space-saving table of candidate base suffixes, capped client/resolver/
 * input lists.  Drops: clients beyond the cap (counted), payload text
 * beyond the sample cap, candidates beyond AGG_CAND_LEN characters.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "aggregate.h"
#include "ascii.h"
#include "dns_const.h"
#include "hll.h"
#include "mix.h"
#include "siphash.h"

/* Sketches (HLL, dedup windows, base candidates) must be comparable across
 * aggregates built by different detectors so that they merge; they are not
 * hash tables, so a fixed key costs no lookup performance.  Crafted names
 * could at most bias the unique estimate, which is also counted exactly
 * per dedup window (uniq). */
static const uint8_t SKETCH_KEY[16] = {0x64, 0x6e, 0x73, 0x74, 0x73, 0x2d, 0x73, 0x6b,
				       0x65, 0x74, 0x63, 0x68, 0x2d, 0x6b, 0x65, 0x79};

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
	uint64_t h = MIX_FNV_OFFSET; /* FNV-1a */
	for (size_t i = 0; i < kl; i++)
		h = (h ^ key[i]) * MIX_FNV_PRIME;
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

void agg_clear(agg_t *g)
{
	free(g->d);
	free(g->clients);
	memset(g, 0, sizeof(*g));
}

/* RR TYPEs for private use (RFC 6895 3.1). */
#define QT_PRIVATE_FIRST 0xff00
#define QT_PRIVATE_LAST 0xfffe

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
	default: return (t >= QT_PRIVATE_FIRST && t <= QT_PRIVATE_LAST) ? AQ_PRIVATE : AQ_OTHER;
	}
}

const char *agg_qt_name(int i)
{
	static const char *const n[AQ_N] = {"A", "AAAA", "TXT", "NULL", "CNAME", "MX", "KEY",
					    "SRV", "PRIVATE", "NS", "PTR", "ANY", "HTTPS", "OTHER"};
	return (i >= 0 && i < AQ_N) ? n[i] : "OTHER";
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
			t = (t ^ w) * MIX_GOLDEN32;
		}
	return t;
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

static void resolver_add(agg_t *g, const ip_addr_t *ip)
{
	if (!ip || !ip->v)
		return;
	for (unsigned i = 0; i < g->nresolvers; i++)
		if (!ip_addr_cmp(&g->resolvers[i], ip))
			return;
	if (g->nresolvers < AGG_MAX_RESOLVERS)
		g->resolvers[g->nresolvers++] = *ip;
}

static void input_add(agg_t *g, uint32_t id)
{
	for (unsigned i = 0; i < g->ninputs; i++)
		if (g->inputs[i] == id)
			return;
	if (g->ninputs < AGG_MAX_INPUTS)
		g->inputs[g->ninputs++] = id;
}

static void times(agg_t *g, uint64_t ts)
{
	if (!g->first_ns || ts < g->first_ns)
		g->first_ns = ts;
	if (ts > g->last_ns)
		g->last_ns = ts;
}

static bool dedup_seen(uint32_t *win, uint8_t *pos, unsigned n, uint32_t h)
{
	/* no early exit: the whole window is compared with vector instructions
	 * (a new payload, the common case, scans it all anyway) */
	unsigned hit = 0;
	for (unsigned i = 0; i < n; i++)
		hit |= win[i] == h;
	if (hit)
		return true;
	win[*pos % n] = h;
	*pos = (uint8_t)((*pos + 1) % n);
	return false;
}

/* Track candidate base suffixes of depth 1..3 below the registered domain.
 * Returns how many labels left of the registered domain belong to the
 * base that currently dominates (0: none), for this query. */
static unsigned cand_add(agg_t *g, const agg_query_t *q)
{
	unsigned stable = 0;
	agg_detail_t *d = g->d;
	unsigned r = q->reg_first;
	for (unsigned depth = 1; depth <= 3; depth++) {
		if (r < depth + 1)
			break;
		unsigned first = r - depth;
		char buf[AGG_CAND_LEN];
		size_t o = 0;
		bool fits = true;
		for (unsigned i = first; i < q->nlabels && fits; i++) {
			unsigned len;
			const uint8_t *p = dns_name_label(q->name, i, &len);
			if (o + len + 2 > sizeof(buf)) {
				fits = false;
				break;
			}
			if (i > first)
				buf[o++] = '.';
			for (unsigned j = 0; j < len; j++) {
				int c = ascii_lower(p[j]);
				buf[o++] = (char)((c > 0x20 && c < 0x7f && c != '.') ? c : '?');
			}
		}
		if (!fits)
			break;
		buf[o] = '\0';
		uint64_t h = siphash(SKETCH_KEY, buf, o);
		unsigned min = 0, k;
		for (k = 0; k < AGG_NCAND; k++) {
			if (d->cand[k].count && d->cand[k].h == h)
				break;
			if (d->cand[k].count < d->cand[min].count)
				min = k;
		}
		if (k < AGG_NCAND) {
			d->cand[k].count++;
			if (g->payload_queries >= 2 &&
			    (double)d->cand[k].count >= 0.8 * (double)g->payload_queries)
				stable = depth;
		} else {
			agg_cand_t *c = &d->cand[min];
			c->h = h;
			c->count++;
			c->depth = (uint8_t)depth;
			memcpy(c->name, buf, o + 1);
		}
	}
	g->cand_total++;
	return stable;
}

/* A detail record with only what is read before it is written cleared
 * (sketches, windows, counts and lengths: about 700 of its 3.5 KiB); the
 * text buffers behind the lengths are left as malloc returns them. */
static agg_detail_t *detail_new(void)
{
	agg_detail_t *d = malloc(sizeof(*d));
	if (!d)
		return NULL;
	memset(d->hll, 0, sizeof(d->hll));
	memset(d->dedup, 0, sizeof(d->dedup));
	memset(d->rdedup, 0, sizeof(d->rdedup));
	d->dedup_pos = d->rdedup_pos = 0;
	d->sample_len = 0;
	for (unsigned i = 0; i < AGG_NCAND; i++) {
		d->cand[i].h = 0;
		d->cand[i].count = 0;
		d->cand[i].depth = 0;
		d->cand[i].name[0] = '\0';
	}
	d->nsamples = 0;
	d->best_len = 0;
	d->best_based = false;
	return d;
}

static bool data_type(uint16_t t)
{
	int i = agg_qt_index(t);
	return i == AQ_TXT || i == AQ_NULL || i == AQ_CNAME || i == AQ_MX || i == AQ_KEY ||
	       i == AQ_PRIVATE || i == AQ_OTHER;
}

int agg_add_query(agg_t *g, const agg_query_t *q, size_t max_clients)
{
	int ret = 0;
	g->queries++;
	g->qtype[agg_qt_index(q->qtype)]++;
	times(g, q->ts_ns);
	resolver_add(g, q->resolver);
	input_add(g, q->input_id);
	if (q->base_mixed)
		g->n_base_mixed++;
	agg_client_t *c = client_get(g, q->client, max_clients);
	if (c) {
		c->queries++;
		if (!c->first_ns || q->ts_ns < c->first_ns)
			c->first_ns = q->ts_ns;
		if (q->ts_ns > c->last_ns)
			c->last_ns = q->ts_ns;
	}
	/* payload text, dots removed */
	unsigned first = q->prefix_mode ? 1 : 0;
	unsigned last = q->prefix_mode ? q->nlabels : q->npay;
	if (last <= first)
		return 0;
	uint8_t text[DNS_MAX_NAME + 1];
	size_t tl = 0;
	feat_labels_t fl;
	fl.n = 0;
	bool binary = false;
	for (unsigned i = first; i < last && i < q->name->nlabels; i++) {
		unsigned len;
		const uint8_t *p = dns_name_label(q->name, i, &len);
		fl.p[fl.n] = p;
		fl.len[fl.n] = (uint8_t)len;
		fl.n++;
		for (unsigned j = 0; j < len && tl < DNS_MAX_NAME; j++) {
			text[tl++] = p[j];
			if (p[j] >= 0x80 || p[j] <= 0x20)
				binary = true;
		}
	}
	if (!tl)
		return 0;
	g->payload_queries++;
	fp_query(&g->fp, q->name, q->prefix_mode ? q->nlabels : q->npay, q->prefix_mode);

	if (!g->d && (tl >= 8 || binary || data_type(q->qtype))) {
		g->d = detail_new();
		if (!g->d)
			ret = -1;
	}
	/* case-folded hash: the same payload in another case is not new */
	uint8_t folded[DNS_MAX_NAME + 1];
	for (size_t i = 0; i < tl; i++)
		folded[i] = (uint8_t)ascii_lower(text[i]);
	bool mixed_text = false;
	for (size_t i = 0; i < tl && !mixed_text; i++)
		mixed_text = text[i] != folded[i];
	/* base64 payloads differ by case only: hash the original case unless
	 * the resolver randomises case (0x20) */
	uint64_t h = siphash(SKETCH_KEY, q->base_mixed ? folded : text, tl);
	agg_detail_t *d = g->d;
	unsigned stable = 0;
	if (d) {
		hll_add(d->hll, AGG_HLL_P, h);
		stable = q->prefix_mode ? 0 : cand_add(g, q);
		if (dedup_seen(d->dedup, &d->dedup_pos, AGG_DEDUP, (uint32_t)h))
			return ret;
		/* labels of a dominant base below the registered domain are not payload */
		if (stable && stable < fl.n) {
			size_t drop = 0;
			for (unsigned i = fl.n - stable; i < fl.n; i++)
				drop += fl.len[i];
			fl.n -= stable;
			tl -= drop;
		}
	}
	/* a new payload: features */
	feat_t f;
	agg_features(q->fcache, &fl, &f);
	g->uniq++;
	g->uniq_chars += tl;
	g->sum_labels += fl.n;
	if (tl > g->max_len)
		g->max_len = tl;
	if (tl >= 30)
		g->n_long++;
	if (f.unlike >= 0.5)
		g->n_unlike++;
	if (f.mixed_case && !q->base_mixed)
		g->n_mixed++;
	if (f.enc & FEAT_ENC_BINARY)
		g->n_binary++;
	g->sum_entropy += f.entropy;
	g->sum_unlike += f.unlike;
	for (unsigned i = 0; i < FEAT_NENC; i++)
		if (f.enc & (1u << i))
			g->enc_count[i]++;
	/* sequences: shares a 4+ character prefix with the previous payload */
	{
		size_t k = 0;
		while (k < g->prev_len && k < tl && folded[k] == g->prev[k])
			k++;
		if (k >= 4 && tl >= 8)
			g->n_seq++;
		g->prev_len = (uint8_t)(tl < sizeof(g->prev) ? tl : sizeof(g->prev));
		memcpy(g->prev, folded, g->prev_len);
	}
	if (c) {
		c->uniq++;
		c->uniq_chars += tl;
	}
	if (d) {
		if (d->sample_len + tl + 1 <= AGG_SAMPLE_BYTES) {
			memcpy(d->sample + d->sample_len, text, tl);
			d->sample_len = (uint16_t)(d->sample_len + tl);
			d->sample[d->sample_len++] = '\n';
		}
		bool based = stable || q->prefix_mode || g->payload_queries >= 8;
		if (tl > d->best_len || (based && !d->best_based)) {
			memcpy(d->best, text, tl);
			d->best_len = (uint16_t)tl;
			d->best_based = based;
		}
		unsigned slot = d->nsamples < AGG_NSAMPLES ? d->nsamples++ : AGG_NSAMPLES;
		if (slot < AGG_NSAMPLES || (tl >= 16 && f.unlike >= 0.4 && strlen(d->samples[AGG_NSAMPLES - 1]) < tl)) {
			if (slot >= AGG_NSAMPLES)
				slot = AGG_NSAMPLES - 1;
			/* the whole name, a dropped search suffix included: the
			 * sample shows what was sent */
			dns_name_to_str(q->name, d->samples[slot], AGG_SAMPLE_LEN);
		}
	}
	return ret;
}

void agg_add_allowlisted_query(agg_t *g, uint16_t qtype, uint64_t ts_ns)
{
	g->allowlisted++;
	g->queries++;
	g->qtype[agg_qt_index(qtype)]++;
	times(g, ts_ns);
}

void agg_add_query_answers(agg_t *g, uint64_t bytes)
{
	if (!bytes)
		return;
	g->q_answers++;
	g->q_answer_bytes += bytes;
}

void agg_add_response(agg_t *g, const ip_addr_t *client, const ip_addr_t *resolver,
		      uint64_t ts_ns, uint16_t rcode, uint64_t data_bytes, uint64_t decoded,
		      uint64_t addr_bytes, uint32_t h, double ent, uint32_t input_id,
		      size_t max_clients)
{
	g->responses++;
	g->rcode[rcode <= DNS_RCODE_REFUSED ? rcode : AR_OTHER]++;
	times(g, ts_ns);
	resolver_add(g, resolver);
	input_add(g, input_id);
	g->resp_addr_bytes += addr_bytes;
	if (data_bytes) {
		g->resp_data++;
		g->resp_data_bytes += data_bytes;
		bool seen = false;
		if (g->d && h)
			seen = dedup_seen(g->d->rdedup, &g->d->rdedup_pos, AGG_RDEDUP, h);
		if (!seen) {
			g->resp_uniq_bytes += data_bytes;
			g->resp_decoded_bytes += decoded;
			agg_client_t *c = client_get(g, client, max_clients);
			if (c)
				c->bytes_in += decoded;
		}
		if (ent >= 0) {
			g->resp_entropy_sum += ent;
			g->resp_entropy_n++;
		}
	}
}

int agg_merge(agg_t *dst, const agg_t *s, uint32_t input_offset, size_t max_clients)
{
	dst->queries += s->queries;
	dst->responses += s->responses;
	dst->payload_queries += s->payload_queries;
	dst->allowlisted += s->allowlisted;
	for (unsigned i = 0; i < AQ_N; i++)
		dst->qtype[i] += s->qtype[i];
	for (unsigned i = 0; i < AR_N; i++)
		dst->rcode[i] += s->rcode[i];
	if (s->first_ns && (!dst->first_ns || s->first_ns < dst->first_ns))
		dst->first_ns = s->first_ns;
	if (s->last_ns > dst->last_ns)
		dst->last_ns = s->last_ns;
	dst->uniq += s->uniq;
	dst->uniq_chars += s->uniq_chars;
	dst->sum_labels += s->sum_labels;
	if (s->max_len > dst->max_len)
		dst->max_len = s->max_len;
	dst->n_long += s->n_long;
	dst->n_unlike += s->n_unlike;
	dst->n_mixed += s->n_mixed;
	dst->n_binary += s->n_binary;
	dst->sum_entropy += s->sum_entropy;
	dst->sum_unlike += s->sum_unlike;
	for (unsigned i = 0; i < FEAT_NENC; i++)
		dst->enc_count[i] += s->enc_count[i];
	dst->n_base_mixed += s->n_base_mixed;
	dst->n_seq += s->n_seq;
	dst->cand_total += s->cand_total;
	dst->resp_data += s->resp_data;
	dst->resp_data_bytes += s->resp_data_bytes;
	dst->resp_uniq_bytes += s->resp_uniq_bytes;
	dst->resp_decoded_bytes += s->resp_decoded_bytes;
	dst->resp_addr_bytes += s->resp_addr_bytes;
	dst->resp_entropy_sum += s->resp_entropy_sum;
	dst->resp_entropy_n += s->resp_entropy_n;
	dst->q_answers += s->q_answers;
	dst->q_answer_bytes += s->q_answer_bytes;
	fp_merge(&dst->fp, &s->fp);
	for (unsigned i = 0; i < s->nresolvers; i++)
		resolver_add(dst, &s->resolvers[i]);
	for (unsigned i = 0; i < s->ninputs; i++)
		input_add(dst, s->inputs[i] + input_offset);
	dst->clients_dropped += s->clients_dropped;
	for (uint32_t i = 0; i < s->nclients; i++) {
		const agg_client_t *sc = &s->clients[i];
		agg_client_t *c = client_get(dst, &sc->ip, max_clients);
		if (!c)
			continue;
		c->queries += sc->queries;
		c->uniq += sc->uniq;
		c->uniq_chars += sc->uniq_chars;
		c->bytes_in += sc->bytes_in;
		if (sc->first_ns && (!c->first_ns || sc->first_ns < c->first_ns))
			c->first_ns = sc->first_ns;
		if (sc->last_ns > c->last_ns)
			c->last_ns = sc->last_ns;
	}
	if (s->d) {
		if (!dst->d) {
			dst->d = malloc(sizeof(*dst->d));
			if (!dst->d)
				return -1;
			memcpy(dst->d, s->d, sizeof(*dst->d));
			return 0;
		}
		agg_detail_t *d = dst->d;
		const agg_detail_t *sd = s->d;
		for (unsigned i = 0; i < AGG_HLL_M; i++)
			if (sd->hll[i] > d->hll[i])
				d->hll[i] = sd->hll[i];
		if (d->sample_len + sd->sample_len <= AGG_SAMPLE_BYTES) {
			memcpy(d->sample + d->sample_len, sd->sample, sd->sample_len);
			d->sample_len = (uint16_t)(d->sample_len + sd->sample_len);
		}
		for (unsigned i = 0; i < AGG_NCAND; i++) {
			const agg_cand_t *sc = &sd->cand[i];
			if (!sc->count)
				continue;
			unsigned k, min = 0;
			for (k = 0; k < AGG_NCAND; k++) {
				if (d->cand[k].count && !strcmp(d->cand[k].name, sc->name))
					break;
				if (d->cand[k].count < d->cand[min].count)
					min = k;
			}
			if (k < AGG_NCAND)
				d->cand[k].count += sc->count;
			else if (d->cand[min].count < sc->count)
				d->cand[min] = *sc;
		}
		for (unsigned i = 0; i < sd->nsamples && d->nsamples < AGG_NSAMPLES; i++)
			memcpy(d->samples[d->nsamples++], sd->samples[i], AGG_SAMPLE_LEN);
		if (sd->best_len > d->best_len) {
			memcpy(d->best, sd->best, sd->best_len);
			d->best_len = sd->best_len;
		}
	}
	return 0;
}

double agg_unique(const agg_t *g)
{
	if (!g->d)
		return (double)g->uniq;
	unsigned zeros;
	double m = AGG_HLL_M;
	double e = hll_raw(g->d->hll, AGG_HLL_P, &zeros);
	if (e <= 2.5 * m && zeros)
		e = m * log(m / zeros);
	/* the sketch can not count more than the payloads seen */
	if (e > (double)g->payload_queries)
		e = (double)g->payload_queries;
	if (e < (double)g->uniq && g->uniq < 64)
		e = (double)g->uniq;
	return e;
}

/* LZ77-style cost estimate: greedy matches of >= 4 bytes found through a
 * hash of 4-byte sequences cost 3 bytes; literals cost their order-0
 * entropy. */
double agg_compress_ratio(const agg_t *g)
{
	if (!g->d || g->d->sample_len < 32)
		return 1.0;
	const uint8_t *s = g->d->sample;
	size_t n = g->d->sample_len;
	int16_t head[1024];
	memset(head, 0xff, sizeof(head));
	unsigned lit[256] = {0};
	size_t nlit = 0, nmatch = 0;
	size_t i = 0;
	while (i < n) {
		size_t best = 0;
		if (i + 4 <= n) {
			uint32_t k = ((uint32_t)s[i] * MIX_GOLDEN32 ^ (uint32_t)s[i + 1] * 40503u ^
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

uint32_t agg_encoding(const agg_t *g, double *share)
{
	static const uint32_t order[] = {FEAT_ENC_NETBIOS, FEAT_ENC_HEX, FEAT_ENC_BASE32,
					 FEAT_ENC_BASE32HEX, FEAT_ENC_BASE64URL, FEAT_ENC_BASE64,
					 FEAT_ENC_BINARY};
	*share = 0;
	if (!g->uniq)
		return 0;
	for (size_t i = 0; i < sizeof(order) / sizeof(order[0]); i++) {
		unsigned bit = (unsigned)__builtin_ctz(order[i]);
		double sh = (double)g->enc_count[bit] / g->uniq;
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
			    (double)g->n_mixed < 0.5 * g->uniq) {
				/* lowercase-only text is not base64 evidence */
				continue;
			}
			*share = sh;
			return order[i];
		}
	}
	return 0;
}

const char *agg_base(const agg_t *g)
{
	if (!g->d || g->payload_queries < 2)
		return NULL;
	const agg_cand_t *best = NULL;
	for (unsigned i = 0; i < AGG_NCAND; i++) {
		const agg_cand_t *c = &g->d->cand[i];
		if (!c->count || (double)c->count < 0.8 * (double)g->payload_queries)
			continue;
		if (!best || c->depth > best->depth)
			best = c;
	}
	return best ? best->name : NULL;
}

double agg_suspicion(const agg_t *g)
{
	if (!g->uniq)
		return 0;
	return (double)g->uniq_chars * (0.2 + g->sum_unlike / g->uniq) +
	       (double)g->resp_uniq_bytes * 0.5;
}
