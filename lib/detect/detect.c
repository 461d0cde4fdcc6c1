/*
 * detect.c - the detection engine (see detect.h): one table of base
 * domains, each with a bounded aggregate (aggregate.h), fed by every DNS
 * message; scored on demand.
 *
 * Handles: the base-domain split (regdomain.h, search suffixes dropped,
 * dnscat2-style "prefix.<payload>" names with no real TLD), the allowlist
 * (allowlist.h: listed names are aggregated under the listed name and
 * marked; structural matches are only counted), query and response data,
 * answer records smuggled inside queries, and non-DNS payloads on DNS
 * ports with a tunnel header (counted per client/server pair, at most
 * DET_MAX_RAW pairs).
 *
 * Two tiers.  A base domain is tracked in detail (a record with its key
 * and full aggregate) from its first message while fewer than
 * DET_EAGER_DOMAINS records exist (a small capture: every domain), and
 * beyond that from the first message that could carry data: a payload of
 * hostname-unlike or binary characters, a long one, DET_PROMOTE_DISTINCT
 * distinct payloads (a direct-mapped table of 48-bit payload sets, a tag
 * per cell: a colliding domain restarts the cell), a raw-data query type
 * (NULL, KEY, private) or answer records inside a query.  Other domains
 * are only counted: base_domains is exact while every domain is tracked
 * and a HyperLogLog estimate (about 1%) beyond.  So a long capture of
 * benign names costs no memory per domain, and the records go to the
 * domains that look like tunnels; a record's counters start with the
 * message that earned it.
 *
 * Bounds and eviction: at most max_domains detail records (default
 * DET_DEFAULT_MAX_DOMAINS) and DET_MAX_BYTES of records, details and client
 * lists.  When either is reached, one sweep scores every record with
 * agg_suspicion (roughly the hostname-unlike payload characters plus the
 * unique answer bytes it carries) and evicts the least suspicious quarter
 * (the domain must show data again to get a new record), so a long capture keeps the domains that look
 * like tunnels and memory stays flat whatever the capture's size.
 * Records come
 * from chunked pools (no allocation per new domain once warm).  Clients
 * per domain are capped (default DET_DEFAULT_MAX_CLIENTS); more are
 * counted, not listed.
 * Deliberately dropped: non-IN classes (CHAOS version probes), opcodes
 * other than QUERY (UPDATE, NOTIFY), messages without a question.
 */
#include <math.h>
#include <pthread.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "aggregate.h"
#include "allowlist.h"
#include "ascii.h"
#include "detect.h"
#include "feature.h"
#include "fingerprint.h"
#include "hll.h"
#include "regdomain.h"
#include "score.h"
#include "siphash.h"
#include "swar.h"

#define DET_DEFAULT_MAX_DOMAINS 100000
#define DET_DEFAULT_MAX_CLIENTS 64
#define DET_EVICT_FRACTION 4
#define DET_MAX_RAW 64
#define DET_RESP_BUF 1024
/* Sample query names in a finding. */
#define DET_NSAMPLES 4
/* A zone below a registered domain needs this many distinct payloads to
 * stand as its own (see fold_small_zones). */
#define DET_ZONE_MIN 3
/* A client's other domains that score this much are named in its
 * other_suspicious list (at most DET_MAX_OTHER of them). */
#define DET_SUSPICIOUS 40.0
#define DET_MAX_OTHER 8
#define DET_ZONE_SHARE 20
/* Detail records from the first message while fewer than this many exist. */
#define DET_EAGER_DOMAINS 1000
/* Distinct payloads (bits of a payload set) that earn a record. */
#define DET_PROMOTE_DISTINCT 12
#define DET_SEEN_CELLS ((size_t)1 << 15)
#define DET_HLL_P 14
/* A one-bit-per-hash filter of the hashes with a record (32 KiB): most
 * names belong to a domain without one and skip the table probe. */
#define DET_RECBITS ((size_t)1 << 18)
/* base_domains is exact up to this many distinct keys. */
#define DET_EXACT_KEYS ((size_t)1 << 15)

#define DOM_KEY_INLINE 40
#define DOM_CHUNK 4096
/* Detector memory (records, details, client lists) kept under this; past
 * it the least suspicious domain of a sample is evicted as when full. */
#define DET_MAX_BYTES ((size_t)48 << 20)

typedef struct dom {
	uint64_t h;                /* keyed hash of the key */
	const char *allow_reason;  /* non-NULL: an allowlisted name */
	char *key_heap;            /* the key when longer than the inline buffer */
	uint16_t klen;             /* 0: released (not live) */
	bool prefix_mode;
	uint8_t zone_labels;       /* labels of the key left of the registered domain */
	uint64_t parent_h;         /* keyed hash of the registered domain's key */
	bool fold;                 /* fold_small_zones: goes back to the parent */
	uint32_t idx;              /* chunk * DOM_CHUNK + position (kept when freed) */
	char key_inline[DOM_KEY_INLINE]; /* lowercase base key, NUL-terminated */
	agg_t g;
} dom_t;

static inline const char *dom_key(const dom_t *e)
{
	return e->key_heap ? e->key_heap : e->key_inline;
}

/* A table slot (8 bytes, as a pointer would be): the high half of the
 * hash beside the record's index, so probing past other domains does not
 * touch their records. */
typedef struct slot {
	uint32_t tag;              /* h >> 32 */
	uint32_t ref;              /* record index + 1; 0: empty */
} slot_t;

/* The name cache: question name bytes and port -> what classify() found.
 * Entries of an older generation (an eviction sweep has run since) are
 * stale: their record may have been released. */
#define DET_QC_SLOTS 2048
#define DET_QC_NAME 86
/* What a question name maps to: the same for every message carrying the
 * same name bytes on the same port, so a query and its response share it
 * through the name cache. */
typedef struct qinfo {
	const char *why;          /* allowlist reason */
	uint64_t h;               /* keyed hash of the base key; 0: nothing to aggregate */
	uint64_t dh;              /* unkeyed hash of the base key (key_wire) */
	uint32_t rec;             /* record index + 1 when it had one; 0: look it up */
	uint8_t nlabels, dropped, reg_first, npay, kfirst, klast;
	uint8_t zone_labels;      /* labels of the key left of the registered domain */
	uint8_t pbit;             /* the payload's bit in a payload set; 0xff: no payload */
	bool datalike;            /* the payload could carry data */
	bool prefix_mode, base_mixed;
	bool fresh;               /* rec was looked up for this message */
	uint64_t created;         /* records created when rec was looked up */
} qinfo_t;

typedef struct qc_entry {
	uint32_t gen;             /* 0: empty */
	uint16_t port;
	uint8_t nlen;
	uint8_t name[DET_QC_NAME + 1];
	qinfo_t qi;
} qc_entry_t;

typedef struct raw_pair {
	ip_addr_t a, b;
	uint64_t n;
} raw_pair_t;

struct detector {
	uint8_t key[16];
	size_t max_domains, max_clients, eager;
	regdomain_t *rd;
	allowlist_t *al;
	agg_fcache_t *fc;
	slot_t *tab;               /* records by hash, open addressing */
	size_t cap;
	uint64_t *recbits;         /* DET_RECBITS bits: may have a record */
	uint64_t *seen;            /* DET_SEEN_CELLS payload sets: 16-bit tag, 48 bits */
	uint8_t *hll;              /* 2^DET_HLL_P registers: distinct base keys */
	uint64_t *kset;            /* distinct key hashes while exact; NULL beyond */
	size_t kcap, kn;
	bool inexact;              /* more than DET_EXACT_KEYS keys: the estimate */
	/* records come from chunks of DOM_CHUNK; freed ones are chained */
	dom_t **chunks;
	size_t nchunks, cchunks, chunk_used;
	dom_t *free_doms;
	size_t n;                  /* live records */
	size_t bytes, max_bytes;
	qc_entry_t *qc;           /* DET_QC_SLOTS entries */
	uint32_t gen;             /* bumped by every eviction sweep */
	uint64_t allowlisted_queries, created, evicted_domains;
	raw_pair_t raw[DET_MAX_RAW];
	size_t nraw;
	uint64_t raw_dropped;
};

static inline dom_t *rec_dom(const detector_t *d, uint32_t rec)
{
	if (!rec)
		return NULL;
	uint32_t i = rec - 1;
	return &d->chunks[i / DOM_CHUNK][i % DOM_CHUNK];
}

/* Every live record, in memory order. */
#define FOR_EACH_DOM(d, e)                                                              \
	for (size_t c_ = 0; c_ < (d)->nchunks; c_++)                                    \
		for (size_t j_ = 0,                                                     \
			    u_ = c_ + 1 == (d)->nchunks ? (d)->chunk_used : DOM_CHUNK;  \
		     j_ < u_; j_++)                                                     \
			if (((e) = &(d)->chunks[c_][j_])->klen)

/* One random key per process: detectors that merge (one per input with
 * -j) hash a base key alike, so their tables and counts combine. */
static uint8_t proc_key[16];
static pthread_once_t proc_key_once = PTHREAD_ONCE_INIT;

static void proc_key_init(void)
{
	siphash_random_key(proc_key);
}

detector_t *detector_new(const dnsts_options_t *opt, char *errbuf, size_t errlen)
{
	detector_t *d = calloc(1, sizeof(*d));
	if (!d)
		goto nomem;
	pthread_once(&proc_key_once, proc_key_init);
	memcpy(d->key, proc_key, sizeof(d->key));
	d->max_domains = opt && opt->max_domains ? opt->max_domains : DET_DEFAULT_MAX_DOMAINS;
	d->max_clients = opt && opt->max_clients_per_domain ? opt->max_clients_per_domain
							     : DET_DEFAULT_MAX_CLIENTS;
	d->eager = d->max_domains < DET_EAGER_DOMAINS ? d->max_domains : DET_EAGER_DOMAINS;
	d->max_bytes = DET_MAX_BYTES;
	d->rd = regdomain_new();
	d->al = allowlist_new(opt ? opt->default_allowlist : true);
	d->fc = agg_fcache_new();
	d->qc = calloc(DET_QC_SLOTS, sizeof(*d->qc));
	d->gen = 1;
	d->cap = 1024;
	d->tab = calloc(d->cap, sizeof(*d->tab));
	d->seen = calloc(DET_SEEN_CELLS, sizeof(*d->seen));
	d->recbits = calloc(DET_RECBITS / 64, sizeof(uint64_t));
	d->hll = calloc((size_t)1 << DET_HLL_P, 1);
	d->kcap = 1024;
	d->kset = calloc(d->kcap, sizeof(*d->kset));
	if (!d->kset)
		d->inexact = true;
	if (!d->rd || !d->al || !d->tab || !d->fc || !d->qc || !d->seen || !d->hll || !d->recbits)
		goto nomem;
	if (opt && opt->allowlist_file) {
		char err[512];
		if (allowlist_load(d->al, opt->allowlist_file, err, sizeof(err)) < 0) {
			if (errbuf && errlen)
				snprintf(errbuf, errlen, "%s", err);
			detector_free(d);
			return NULL;
		}
	}
	return d;
nomem:
	if (errbuf && errlen)
		snprintf(errbuf, errlen, "out of memory");
	detector_free(d);
	return NULL;
}

void detector_set_key(detector_t *d, const uint8_t key[16])
{
	if (d && !d->n && !d->kn)
		memcpy(d->key, key, sizeof(d->key));
}

static size_t agg_bytes(const agg_t *g)
{
	return agg_heap_bytes(g);
}

static void dom_release(detector_t *d, dom_t *e)
{
	d->bytes -= sizeof(*e) + agg_bytes(&e->g);
	d->n--;
	free(e->key_heap);
	agg_release(&e->g); /* agg_clear() without clearing: dom_alloc() does */
	e->klen = 0; /* not live: sweeps skip it */
	*(dom_t **)e = d->free_doms;
	d->free_doms = e;
}

static dom_t *dom_alloc(detector_t *d)
{
	dom_t *e = d->free_doms;
	if (e) {
		d->free_doms = *(dom_t **)e;
	} else {
		if (!d->nchunks || d->chunk_used == DOM_CHUNK) {
			if (d->nchunks == d->cchunks) {
				size_t nc = d->cchunks ? d->cchunks * 2 : 16;
				dom_t **p = realloc(d->chunks, nc * sizeof(*p));
				if (!p)
					return NULL;
				d->chunks = p;
				d->cchunks = nc;
			}
			dom_t *c = malloc(DOM_CHUNK * sizeof(*c));
			if (!c)
				return NULL;
			d->chunks[d->nchunks++] = c;
			d->chunk_used = 0;
		}
		e = &d->chunks[d->nchunks - 1][d->chunk_used];
		e->idx = (uint32_t)((d->nchunks - 1) * DOM_CHUNK + d->chunk_used++);
	}
	uint32_t idx = e->idx;
	memset(e, 0, offsetof(dom_t, key_inline));
	e->idx = idx;
	d->bytes += sizeof(*e);
	d->n++;
	return e;
}

void detector_free(detector_t *d)
{
	if (!d)
		return;
	dom_t *e;
	FOR_EACH_DOM(d, e) {
		free(e->key_heap);
		agg_clear(&e->g);
	}
	for (size_t i = 0; i < d->nchunks; i++)
		free(d->chunks[i]);
	free(d->chunks);
	free(d->tab);
	free(d->seen);
	free(d->recbits);
	free(d->hll);
	free(d->kset);
	regdomain_free(d->rd);
	allowlist_free(d->al);
	agg_fcache_free(d->fc);
	free(d->qc);
	free(d);
}

static inline size_t recbit(uint64_t h)
{
	return (size_t)(h >> 24) & (DET_RECBITS - 1);
}

static dom_t *lookup(const detector_t *d, uint64_t h, const char *key, size_t len)
{
	size_t b = recbit(h);
	if (!(d->recbits[b / 64] & (1ull << (b % 64))))
		return NULL;
	uint32_t tag = (uint32_t)(h >> 32);
	for (size_t i = h & (d->cap - 1);; i = (i + 1) & (d->cap - 1)) {
		slot_t sl = d->tab[i];
		if (!sl.ref)
			return NULL;
		if (sl.tag != tag)
			continue;
		dom_t *e = rec_dom(d, sl.ref);
		/* the message will update the whole record: fetch its lines
		 * together rather than one miss after another */
		for (size_t o = 0; o < sizeof(*e); o += 64)
			__builtin_prefetch((const char *)e + o, 1);
		if (e->h == h && (!key || (e->klen == len && memcmp(dom_key(e), key, len) == 0))) {
			if (e->g.clients)
				__builtin_prefetch(e->g.clients + e->g.cclients);
			if (e->g.d)
				__builtin_prefetch(e->g.d, 1);
			return e;
		}
	}
}

static void place(detector_t *d, slot_t *tab, size_t cap, const dom_t *e)
{
	size_t b = recbit(e->h);
	d->recbits[b / 64] |= 1ull << (b % 64);
	size_t i = e->h & (cap - 1);
	while (tab[i].ref)
		i = (i + 1) & (cap - 1);
	tab[i].tag = (uint32_t)(e->h >> 32);
	tab[i].ref = e->idx + 1;
}

/* The exact set of key hashes (0: empty slot): where h is or would go. */
static size_t kset_slot(const uint64_t *set, size_t cap, uint64_t h)
{
	size_t i = (size_t)(h >> 16) & (cap - 1);
	while (set[i] && set[i] != h)
		i = (i + 1) & (cap - 1);
	return i;
}

/* Past the exact count: base_domains comes from the estimate. */
static void kset_drop(detector_t *d)
{
	free(d->kset);
	d->kset = NULL;
	d->inexact = true;
}

static bool kset_grow(detector_t *d)
{
	size_t ncap = d->kcap * 2;
	uint64_t *nk = calloc(ncap, sizeof(*nk));
	if (!nk)
		return false;
	for (size_t j = 0; j < d->kcap; j++)
		if (d->kset[j])
			nk[kset_slot(nk, ncap, d->kset[j])] = d->kset[j];
	free(d->kset);
	d->kset = nk;
	d->kcap = ncap;
	return true;
}

/* Count base key hash h exactly while there are few (the estimate is
 * fed separately, with the unkeyed hash). */
static void count_key(detector_t *d, uint64_t h)
{
	if (d->inexact)
		return;
	size_t i = kset_slot(d->kset, d->kcap, h);
	if (d->kset[i])
		return;
	if (d->kn + 1 > DET_EXACT_KEYS) {
		kset_drop(d);
		return;
	}
	d->kset[i] = h;
	d->kn++;
	if (d->kn * 2 > d->kcap && !kset_grow(d))
		kset_drop(d);
}

/* The distinct-key estimate: linear counting while registers are still
 * empty and it stays below 3m (the raw estimate is biased up to about 5m,
 * Heule et al. 2013). */
static double hll_estimate(const uint8_t *r)
{
	const double m = (double)(1u << DET_HLL_P);
	unsigned zeros;
	double raw = hll_raw(r, DET_HLL_P, &zeros);
	if (zeros) {
		double lc = m * log(m / zeros);
		if (lc <= 3 * m)
			return lc;
	}
	return raw;
}

/* The k-th smallest (0-based) of a[0..n) (Hoare's selection, median of
 * three pivots; a is reordered).  O(n) on average, unlike sorting the
 * whole sweep. */
static double select_kth(double *a, size_t n, size_t k)
{
	size_t lo = 0, hi = n - 1;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		double x = a[lo], y = a[mid], z = a[hi];
		double pv = x < y ? (y < z ? y : (x < z ? z : x)) : (x < z ? x : (y < z ? z : y));
		size_t i = lo, j = hi;
		while (i <= j) {
			while (a[i] < pv)
				i++;
			while (a[j] > pv)
				j--;
			if (i <= j) {
				double t = a[i];
				a[i] = a[j];
				a[j] = t;
				i++;
				if (j == 0)
					break;
				j--;
			}
		}
		if (k <= j)
			hi = j;
		else if (k >= i)
			lo = i;
		else
			return a[k];
	}
	return a[k];
}

/* Evict the least suspicious quarter of the records in one sweep over
 * them (sequential, unlike sampling random records per new domain). */
static void evict_sweep(detector_t *d)
{
	size_t want = d->n / DET_EVICT_FRACTION;
	if (!want)
		want = 1;
	double *s = malloc(2 * d->n * sizeof(*s));
	if (!s)
		return;
	/* Records are visited in memory order (chunk by chunk: sequential
	 * reads), live ones having a key (released ones have klen 0). */
	double *v = s + d->n;
	size_t k = 0;
	dom_t *e;
	FOR_EACH_DOM(d, e) {
		if (k < d->n)
			v[k++] = agg_suspicion(&e->g);
	}
	memcpy(s, v, k * sizeof(*s));
	double thr = select_kth(s, k, want - 1);
	size_t below = 0; /* domains under the threshold; ties: those at it that may still go */
	for (size_t i = 0; i < k; i++)
		below += s[i] < thr;
	size_t ties = want - below;
	size_t gone = 0, i = 0;
	memset(d->tab, 0, d->cap * sizeof(*d->tab));
	memset(d->recbits, 0, DET_RECBITS / 8);
	FOR_EACH_DOM(d, e) {
		if (i >= k)
			break;
		double x = v[i++];
		if (x < thr || (x == thr && ties)) {
			if (x == thr)
				ties--;
			dom_release(d, e);
			gone++;
		} else {
			place(d, d->tab, d->cap, e);
		}
	}
	d->evicted_domains += gone;
	d->gen++;
	if (!d->gen)
		d->gen = 1;
	free(s);
}

/* A new detail record for key (hash h); NULL when out of memory.  May
 * evict other records first. */
static dom_t *rec_new(detector_t *d, uint64_t h, const char *key, size_t len)
{
	while (d->n && (d->n >= d->max_domains || d->bytes >= d->max_bytes)) {
		size_t before = d->n;
		evict_sweep(d);
		if (d->n == before)
			break;
	}
	if ((d->n + 1) * 2 > d->cap) {
		size_t ncap = d->cap * 2;
		slot_t *nt = calloc(ncap, sizeof(*nt));
		if (!nt)
			return NULL;
		for (size_t i = 0; i < d->cap; i++)
			if (d->tab[i].ref)
				place(d, nt, ncap, rec_dom(d, d->tab[i].ref));
		free(d->tab);
		d->tab = nt;
		d->cap = ncap;
	}
	if (len > 0xffff || len == 0)
		return NULL;
	dom_t *e = dom_alloc(d);
	if (!e)
		return NULL;
	agg_init(&e->g);
	if (len < DOM_KEY_INLINE) {
		memcpy(e->key_inline, key, len);
		e->key_inline[len] = '\0';
	} else {
		e->key_heap = strndup(key, len);
		if (!e->key_heap) {
			dom_release(d, e);
			return NULL;
		}
	}
	e->klen = (uint16_t)len;
	e->h = h;
	place(d, d->tab, d->cap, e);
	d->created++;
	return e;
}

/* The record of base key (hash h), created when new (for merging:
 * detectors of one process hash alike; the merge counts the keys). */
static dom_t *get(detector_t *d, uint64_t h, const char *key, size_t len)
{
	dom_t *e = lookup(d, h, key, len);
	return e ? e : rec_new(d, h, key, len);
}

static int lower(int c)
{
	return (c >= 'A' && c <= 'Z') ? c + 32 : c;
}

/* Could this label be part of a zone's name rather than data: a short
 * host name label (letters, at most two digits, inner hyphens, one case),
 * not a run of hex digits?  Session ids ("id-1605", "a3f9c2e1") and data
 * chunks are not. */
static bool label_zonelike(const uint8_t *p, unsigned len)
{
	if (len == 0 || len > 20 || p[0] == '-' || p[len - 1] == '-')
		return false;
	unsigned digits = 0, hex = 0;
	bool lo = false, up = false;
	for (unsigned i = 0; i < len; i++) {
		uint8_t c = p[i];
		if (c >= '0' && c <= '9')
			digits++;
		else if (c >= 'a' && c <= 'z')
			lo = true;
		else if (c >= 'A' && c <= 'Z')
			up = true;
		else if (c != '-')
			return false;
		hex += ascii_is_hex(c);
	}
	if (lo && up)
		return false;
	if (!lo && !up)
		return false;
	if (digits > 2)
		return false;
	return !(len >= 6 && hex == len);
}

static bool label_payloadish(const uint8_t *p, unsigned len)
{
	if (len < 16)
		return false;
	for (unsigned i = 0; i < len; i++) {
		int c = lower(p[i]);
		if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z')))
			return false;
	}
	return true;
}

/* A base key as it is hashed: labels [first, last) in wire form (length
 * octets included), ASCII letters lowercased eight octets at a time, in
 * buf (DET_KEYBUF: zero-padded).  *mixed: both cases among the letters
 * (a resolver randomising case, 0x20).  *dh: an unkeyed hash of the key,
 * for what must not depend on the run (the distinct-key estimate, the
 * payload sets deciding which domain gets a record).  Returns the length. */
#define DET_KEYBUF (DNS_MAX_NAME + 16)

/* Labels [first, last) of n as they are on the wire, length octets
 * included, into buf (DET_KEYBUF), followed by 8 octets of pad, so that
 * they can be read eight at a time.  Returns their length. */
static size_t wire_run(const dns_name_t *n, unsigned first, unsigned last, uint8_t *buf,
		       uint8_t pad)
{
	if (last > n->nlabels)
		last = n->nlabels;
	if (first >= last)
		return 0;
	size_t a = n->loff[first];
	size_t b = last < n->nlabels ? n->loff[last] : (size_t)n->len - 1;
	size_t len = b > a ? b - a : 0;
	memcpy(buf, n->wire + a, len);
	memset(buf + len, pad, 8);
	return len;
}

static size_t key_wire(const dns_name_t *n, unsigned first, unsigned last, uint8_t *buf,
		       bool *mixed, uint64_t *dh)
{
	size_t len = wire_run(n, first, last, buf, 0);
	uint64_t up = 0, low = 0, x = len * 0x9e3779b97f4a7c15ull;
	for (size_t i = 0; i < len; i += 8) {
		uint64_t w;
		memcpy(&w, buf + i, 8);
		uint64_t u = swar_range(w, 'A', 'Z');
		up |= u;
		low |= swar_range(w, 'a', 'z');
		w |= u >> 2;
		memcpy(buf + i, &w, 8);
		x = (x ^ w) * 0xff51afd7ed558ccdull;
		x ^= x >> 32;
	}
	*mixed = up && low;
	x ^= x >> 33; /* MurmurHash3's finaliser */
	x *= 0xff51afd7ed558ccdull;
	x ^= x >> 33;
	x *= 0xc4ceb9fe1a85ec53ull;
	*dh = len ? x ^ (x >> 33) : 0;
	return len;
}

/* Estimated payload bytes in text returned in an answer (TXT strings). */
static uint64_t text_decoded(const uint8_t *p, size_t len)
{
	bool mixed;
	uint32_t enc = features_encoding(p, len > 255 ? 255 : len, &mixed);
	uint32_t e = features_pick_encoding(enc, mixed);
	if (e == FEAT_ENC_BASE64URL && !mixed)
		e = 0;
	return (uint64_t)((double)len * (e ? features_enc_bits(e) : 8.0) / 8.0);
}

static void add_response_data(detector_t *d, dom_t *e, const dns_event_t *ev, dns_msg_t *m,
			      const ip_addr_t *client, const ip_addr_t *resolver, unsigned base_labels)
{
	uint8_t buf[DET_RESP_BUF];
	size_t bl = 0;
	uint64_t data = 0, decoded = 0, addr = 0;
	if (m->count[1]) {
		dns_rr_iter_t it;
		dns_rr_t rr;
		dns_rr_iter_init(&it, m);
		dns_rr_iter_skip_question(&it);
		it.no_names = true;
		int guard = 0;
		while (dns_rr_next(&it, &rr) == 1 && guard++ < 256) {
			if (rr.section > DNS_SEC_ANSWER)
				break; /* only answers carry payload */
			if (rr.section != DNS_SEC_ANSWER)
				continue;
			if ((uint64_t)rr.rdoff + rr.rdlen > m->len)
				break;
			const uint8_t *rd = m->wire + rr.rdoff;
			fp_answer(&e->g.fp, rr.type, rd, rr.rdlen);
			switch (rr.type) {
			case 1:
				addr += rr.rdlen == 4 ? 4 : 0;
				break;
			case 28:
				addr += rr.rdlen == 16 ? 16 : 0;
				break;
			case 16: { /* TXT: the strings */
				size_t pos = 0;
				while (pos < rr.rdlen) {
					size_t sl = rd[pos++];
					if (sl > rr.rdlen - pos)
						sl = rr.rdlen - pos;
					data += sl;
					decoded += text_decoded(rd + pos, sl);
					size_t cp = sl < DET_RESP_BUF - bl ? sl : DET_RESP_BUF - bl;
					memcpy(buf + bl, rd + pos, cp);
					bl += cp;
					pos += sl;
				}
				break;
			}
			case 5: case 15: case 2: case 12: case 33: case 39: {
				size_t pos = rr.rdoff + (rr.type == 15 ? 2 : rr.type == 33 ? 6 : 0);
				dns_name_t tn;
				if (pos > m->len || dns_name_read(m->wire, m->len, &pos, &tn) != 0)
					break;
				unsigned keep = tn.nlabels > base_labels ? tn.nlabels - base_labels : 0;
				for (unsigned i = 0; i < keep; i++) {
					unsigned len;
					const uint8_t *p = dns_name_label(&tn, i, &len);
					size_t cp = len < DET_RESP_BUF - bl ? len : DET_RESP_BUF - bl;
					memcpy(buf + bl, p, cp);
					bl += cp;
					data += len;
					decoded += text_decoded(p, len);
				}
				break;
			}
			case 6: case 46: case 47: case 48: case 50: case 43: case 41:
				break; /* SOA and DNSSEC material are not payload */
			default: { /* NULL, KEY, private and unknown types: raw bytes */
				data += rr.rdlen;
				decoded += rr.rdlen;
				size_t cp = rr.rdlen < DET_RESP_BUF - bl ? rr.rdlen : DET_RESP_BUF - bl;
				memcpy(buf + bl, rd, cp);
				bl += cp;
				break;
			}
			}
		}
	}
	agg_response_t r = {
		.client = client,
		.resolver = resolver,
		.ts_ns = ev->ts_ns,
		.rcode = m->rcode,
		.input_id = ev->input_id,
		.data_bytes = data,
		.decoded = decoded,
		.addr_bytes = addr,
		/* unkeyed: answer sketches of different processes merge */
		.h = bl ? payset_hash(buf, bl) : 0,
		.entropy = bl >= 16 ? features_entropy(buf, bl) : -1,
	};
	size_t b0 = agg_bytes(&e->g);
	agg_add_response(&e->g, &r, d->max_clients);
	d->bytes += agg_bytes(&e->g) - b0;
}

/* The payload of a name (labels [first, last), dots removed): its bit in
 * a counting entry's set, and whether it could carry data (binary or
 * hostname-unlike characters, or long). */
static void payload_sig(agg_fcache_t *fc, const dns_name_t *n, unsigned first, unsigned last,
			qinfo_t *qi)
{
	/* the labels as they are on the wire, length octets included, eight
	 * octets at a time: a hash of the lowercased run, and the octets
	 * outside printable ASCII (some below 0x21 are length octets); the
	 * pad 'A' is neither */
	uint8_t buf[DET_KEYBUF];
	size_t run = wire_run(n, first, last, buf, 'A');
	if (!run) {
		qi->pbit = 0xff;
		return;
	}
	if (last > n->nlabels)
		last = n->nlabels;
	uint64_t h = run * 0x9e3779b97f4a7c15ull, high = 0;
	unsigned low = 0;
	for (size_t i = 0; i < run; i += 8) {
		uint64_t w;
		memcpy(&w, buf + i, 8);
		high |= w & SWAR_HI;
		low += (unsigned)__builtin_popcountll(swar_range(w, 0x00, 0x20));
		w = swar_fold(w);
		h = (h ^ w) * 0xff51afd7ed558ccdull;
		h ^= h >> 29;
	}
	size_t tl = run;
	for (unsigned i = first; i < last; i++) {
		unsigned len = n->wire[n->loff[i]];
		tl--;
		low -= len < 0x21; /* the length octet itself */
	}
	if (!tl) {
		qi->pbit = 0xff;
		return;
	}
	h *= 0xc4ceb9fe1a85ec53ull;
	qi->pbit = (uint8_t)((h ^ (h >> 32)) & 63);
	if (high || low || tl >= 40) {
		qi->datalike = true;
	} else if (tl >= 10) {
		feat_labels_t fl;
		fl.n = 0;
		for (unsigned i = first; i < last; i++) {
			unsigned len;
			fl.p[fl.n] = dns_name_label(n, i, &len);
			fl.len[fl.n++] = (uint8_t)len;
		}
		feat_t f;
		agg_features(fc, &fl, &f);
		qi->datalike = f.unlike >= 0.45 || (f.enc & FEAT_ENC_BINARY);
	}
}

/* sp: the name's split when the caller made it already, else NULL. */
static bool classify(detector_t *d, const dns_name_t *n, uint16_t port, qinfo_t *qi,
		     const regdomain_split_t *split)
{
	uint8_t key[DET_KEYBUF];
	size_t klen;
	bool mixed;
	regdomain_split_t sp;
	memset(qi, 0, sizeof(*qi));
	qi->pbit = 0xff;
	if (split)
		sp = *split;
	else
		regdomain_split(d->rd, n, &sp);
	qi->nlabels = (uint8_t)sp.nlabels;
	qi->dropped = (uint8_t)sp.dropped;
	int mf;
	qi->why = allowlist_match_n(d->al, n, sp.nlabels, port, &mf);
	if (qi->why) {
		if (mf < 0)
			return true;
		qi->kfirst = (uint8_t)mf;
		qi->klast = (uint8_t)sp.nlabels;
	} else {
		unsigned len0;
		const uint8_t *last = dns_name_label(n, n->nlabels - 1, &len0);
		if (!sp.real_tld && n->nlabels >= 2 && label_payloadish(last, len0)) {
			/* "<tag>.<payload>" with no domain (dnscat2 direct mode) */
			qi->prefix_mode = true;
			qi->reg_first = 0;
			qi->npay = 0;
			qi->kfirst = 0;
			qi->klast = 1;
			payload_sig(d->fc, n, 1, sp.nlabels, qi);
		} else if (sp.reg_first >= sp.nlabels) {
			qi->reg_first = (uint8_t)sp.nlabels;
			qi->npay = 0;
			qi->kfirst = 0;
			qi->klast = (uint8_t)sp.nlabels;
		} else {
			/* the zone: the registered domain, and the label left of it
			 * when that label has labels left of it in turn and reads
			 * as a host name part, not as data ("t1" in
			 * <data>.t1.example.com; not a session id or a data chunk) */
			unsigned kf = sp.reg_first;
			if (kf >= 2) {
				unsigned zl;
				const uint8_t *zp = dns_name_label(n, kf - 1, &zl);
				if (label_zonelike(zp, zl))
					kf--;
			}
			qi->zone_labels = (uint8_t)(sp.reg_first - kf);
			qi->reg_first = (uint8_t)sp.reg_first;
			qi->npay = (uint8_t)kf;
			qi->kfirst = (uint8_t)kf;
			qi->klast = (uint8_t)sp.nlabels;
			payload_sig(d->fc, n, 0, kf, qi);
		}
	}
	uint64_t dh;
	klen = key_wire(n, qi->kfirst, qi->klast, key, &mixed, &dh);
	if (!klen)
		return true;
	/* the labels of the registered domain in both cases */
	if (!qi->why && !qi->prefix_mode && qi->reg_first < qi->nlabels)
		qi->base_mixed = mixed;
	qi->h = siphash(d->key, key, klen);
	if (!qi->h)
		qi->h = 1; /* 0 means no domain */
	qi->dh = dh;
	if (qi->pbit != 0xff) /* rec_for() may need its payload set */
		__builtin_prefetch(&d->seen[(dh >> 8) & (DET_SEEN_CELLS - 1)], 1);
	count_key(d, qi->h);
	hll_add(d->hll, DET_HLL_P, dh);
	dom_t *e = lookup(d, qi->h, NULL, 0);
	qi->rec = e ? e->idx + 1 : 0;
	qi->fresh = true;
	qi->created = d->created;
	return true;
}

/* A fast unkeyed hash of the name bytes for the direct-mapped name cache:
 * entries are checked byte for byte, so a collision costs a miss only. */
static size_t qc_slot(const uint8_t *p, size_t n, uint16_t port)
{
	uint64_t h = (n ^ ((uint64_t)port << 16)) * 0x9e3779b97f4a7c15ull;
	size_t len = n;
	while (n >= 8) {
		uint64_t w;
		memcpy(&w, p, 8);
		h = (h ^ w) * 0xff51afd7ed558ccdull;
		h ^= h >> 29;
		p += 8;
		n -= 8;
	}
	uint64_t w = 0;
	if (n && len >= 8) {
		memcpy(&w, p + n - 8, 8); /* the last 8 octets (overlapping) */
	} else {
		while (n)
			w = w << 8 | p[--n];
	}
	h = (h ^ w) * 0xc4ceb9fe1a85ec53ull;
	h ^= h >> 32;
	return (size_t)(h & (DET_QC_SLOTS - 1));
}

static bool qinfo_get(detector_t *d, const dns_name_t *n, uint16_t port, bool q, qinfo_t *qi,
		      qc_entry_t **cp)
{
	qc_entry_t *c = NULL;
	regdomain_split_t sp, *split = NULL;
	*cp = NULL;
	if (n->len <= DET_QC_NAME) {
		c = &d->qc[qc_slot(n->wire, n->len, port)];
		if (q) {
			/* a query's name is rarely cached (a response's is): split
			 * the name while the entry is fetched */
			__builtin_prefetch(c);
			regdomain_split(d->rd, n, &sp);
			split = &sp;
		}
		if (c->gen == d->gen && c->port == port && c->nlen == n->len &&
		    !memcmp(c->name, n->wire, n->len)) {
			*qi = c->qi;
			*cp = c;
			return true;
		}
	}
	if (!classify(d, n, port, qi, split))
		return false;
	if (c) {
		*cp = c;
		c->gen = d->gen;
		c->port = port;
		c->nlen = (uint8_t)n->len;
		memcpy(c->name, n->wire, n->len);
		c->qi = *qi;
		c->qi.fresh = false;
	}
	return true;
}

/* Does this query show data by itself (what earns a record beyond the
 * eager ones, and keeps it listed however many domains there are)? */
static bool msg_datalike(const qinfo_t *qi, const dns_msg_t *m, uint16_t port)
{
	int t = agg_qt_index(m->qtype);
	return qi->datalike || t == AQ_NULL || t == AQ_KEY || t == AQ_PRIVATE ||
	       (m->count[1] && port != 5353);
}

/* The detail record of a message's base domain: the existing one, or a
 * new one when this message earns it (see the top of this file). */
static dom_t *rec_for(detector_t *d, qinfo_t *qi, const dns_name_t *n, bool q,
		      const dns_msg_t *m, uint16_t port)
{
	if (qi->rec)
		return rec_dom(d, qi->rec);
	/* no record then, and none created since: none now */
	dom_t *e = qi->fresh || qi->created == d->created ? NULL : lookup(d, qi->h, NULL, 0);
	if (e) {
		qi->rec = e->idx + 1;
		return e;
	}
	bool earn = d->n < d->eager || qi->why;
	if (!earn && q) {
		earn = msg_datalike(qi, m, port);
		if (!earn && qi->pbit != 0xff) {
			uint64_t *cell = &d->seen[(qi->dh >> 8) & (DET_SEEN_CELLS - 1)];
			uint64_t tag = qi->dh >> 48;
			if (*cell >> 48 != tag)
				*cell = tag << 48;
			*cell |= 1ull << (qi->pbit % 48);
			earn = __builtin_popcountll(*cell & ((1ull << 48) - 1)) >= DET_PROMOTE_DISTINCT;
		}
	}
	if (!earn)
		return NULL;
	char key[DNS_NAME_STRLEN];
	size_t klen = regdomain_labels_str(n, qi->kfirst, qi->klast, key, sizeof(key));
	uint32_t gen = d->gen;
	e = rec_new(d, qi->h, key, klen);
	if (e && qi->zone_labels) {
		/* where the zone folds to when it shows too few payloads */
		uint8_t pk[DET_KEYBUF];
		bool mx;
		uint64_t pdh;
		size_t pl = key_wire(n, qi->reg_first, qi->klast, pk, &mx, &pdh);
		e->zone_labels = qi->zone_labels;
		e->parent_h = siphash(d->key, pk, pl);
		if (!e->parent_h)
			e->parent_h = 1;
	}
	if (e && d->gen == gen)
		qi->rec = e->idx + 1;
	return e;
}

void detector_add_msg(detector_t *d, const dns_event_t *ev, dns_msg_t *m)
{
	if (!d || !m || !m->has_question || m->opcode != 0)
		return;
	if ((m->qclass & 0x7fff) != 1 && (m->qclass & 0x7fff) != 255)
		return;
	const dns_name_t *n = &m->qname;
	if (n->nlabels == 0)
		return;
	bool q = m->qr == 0;
	const ip_addr_t *client = q ? ev->src : ev->dst;
	const ip_addr_t *resolver = q ? ev->dst : ev->src;
	uint16_t port = q ? ev->dport : ev->sport;
	qinfo_t qi;
	qc_entry_t *c;
	if (!qinfo_get(d, n, port, q, &qi, &c))
		return;
	if (qi.why && q)
		d->allowlisted_queries++;
	if (!qi.h)
		return;
	uint32_t rec = qi.rec;
	dom_t *e = rec_for(d, &qi, n, q, m, port);
	if (c && qi.rec != rec)
		c->qi.rec = qi.rec; /* the record it found or earned (no sweep since) */
	if (!e)
		return;
	if (q && !e->g.earned && msg_datalike(&qi, m, port))
		e->g.earned = true;
	if (qi.why) {
		e->allow_reason = qi.why;
		if (q) {
			e->g.allowlisted++;
			agg_count_query(&e->g, m->qtype, ev->ts_ns);
		} else {
			agg_response_t r = {.client = client, .resolver = resolver, .ts_ns = ev->ts_ns,
					    .rcode = m->rcode, .input_id = ev->input_id,
					    .entropy = -1};
			agg_add_response(&e->g, &r, d->max_clients);
		}
		return;
	}

	agg_query_t aq;
	memset(&aq, 0, sizeof(aq));
	aq.name = n;
	aq.nlabels = qi.nlabels;
	aq.qtype = m->qtype;
	aq.ts_ns = ev->ts_ns;
	aq.client = client;
	aq.resolver = resolver;
	aq.input_id = ev->input_id;
	aq.fcache = d->fc;
	aq.prefix_mode = qi.prefix_mode;
	aq.npay = qi.npay;
	aq.base_mixed = qi.base_mixed;
	e->prefix_mode = aq.prefix_mode;
	if (q) {
		size_t b0 = agg_bytes(&e->g);
		agg_add_query(&e->g, &aq, d->max_clients);
		d->bytes += agg_bytes(&e->g) - b0;
		/* answer records inside a query: data in the wrong section */
		if (m->count[1] && port != 5353) {
			dns_rr_iter_t it;
			dns_rr_t rr;
			dns_rr_iter_init(&it, m);
			dns_rr_iter_skip_question(&it);
			it.no_names = true;
			uint64_t bytes = 0;
			int guard = 0;
			while (dns_rr_next(&it, &rr) == 1 && guard++ < 256) {
				if (rr.section > DNS_SEC_ANSWER)
					break;
				if (rr.section == DNS_SEC_ANSWER && rr.type != 41)
					bytes += rr.rdlen;
			}
			if (bytes)
				agg_add_query_answers(&e->g, bytes);
		}
	} else {
		unsigned base_labels = qi.nlabels > qi.kfirst ? qi.nlabels - qi.kfirst : 0;
		if (aq.prefix_mode)
			base_labels = 0;
		add_response_data(d, e, ev, m, client, resolver, base_labels + qi.dropped);
	}
}


void detector_add_nondns(detector_t *d, const dns_event_t *ev, const uint8_t *payload,
			 uint32_t len)
{
	if (!d || !fp_iodine_raw(payload, len))
		return;
	for (size_t i = 0; i < d->nraw; i++) {
		raw_pair_t *r = &d->raw[i];
		if ((!ip_addr_cmp(&r->a, ev->src) && !ip_addr_cmp(&r->b, ev->dst)) ||
		    (!ip_addr_cmp(&r->a, ev->dst) && !ip_addr_cmp(&r->b, ev->src))) {
			r->n++;
			return;
		}
	}
	if (d->nraw < DET_MAX_RAW) {
		d->raw[d->nraw].a = *ev->src;
		d->raw[d->nraw].b = *ev->dst;
		d->raw[d->nraw].n = 1;
		d->nraw++;
	} else {
		d->raw_dropped++;
	}
}

int detector_merge(detector_t *dst, const detector_t *src, uint32_t input_offset)
{
	int ret = 0;
	dom_t *s;
	FOR_EACH_DOM(src, s) {
		dom_t *e = get(dst, s->h, dom_key(s), s->klen);
		if (!e) {
			ret = -1;
			continue;
		}
		if (s->allow_reason)
			e->allow_reason = s->allow_reason;
		e->prefix_mode |= s->prefix_mode;
		e->zone_labels = s->zone_labels;
		e->parent_h = s->parent_h;
		size_t b0 = agg_bytes(&e->g);
		if (agg_merge(&e->g, &s->g, input_offset, dst->max_clients) < 0)
			ret = -1;
		dst->bytes += agg_bytes(&e->g) - b0;
	}
	for (size_t i = 0; i < src->nraw; i++) {
		const raw_pair_t *r = &src->raw[i];
		size_t j;
		for (j = 0; j < dst->nraw; j++)
			if (!ip_addr_cmp(&dst->raw[j].a, &r->a) && !ip_addr_cmp(&dst->raw[j].b, &r->b))
				break;
		if (j < dst->nraw)
			dst->raw[j].n += r->n;
		else if (dst->nraw < DET_MAX_RAW)
			dst->raw[dst->nraw++] = *r;
	}
	for (size_t i = 0; i < ((size_t)1 << DET_HLL_P); i++)
		if (src->hll[i] > dst->hll[i])
			dst->hll[i] = src->hll[i];
	if (src->inexact || !src->kset) {
		kset_drop(dst);
	} else {
		for (size_t i = 0; i < src->kcap && !dst->inexact; i++)
			if (src->kset[i])
				count_key(dst, src->kset[i]);
	}
	dst->allowlisted_queries += src->allowlisted_queries;
	dst->evicted_domains += src->evicted_domains;
	dst->raw_dropped += src->raw_dropped;
	return ret;
}

static uint64_t raw_for(const detector_t *d, const agg_t *g)
{
	uint64_t n = 0;
	for (size_t i = 0; i < d->nraw; i++) {
		const raw_pair_t *r = &d->raw[i];
		for (uint32_t k = 0; k < g->nclients; k++)
			if (!ip_addr_cmp(&g->clients[k].ip, &r->a) ||
			    !ip_addr_cmp(&g->clients[k].ip, &r->b)) {
				n += r->n;
				break;
			}
	}
	return n;
}

static int cmp_findings(const void *a, const void *b)
{
	const finding_t *x = *(const finding_t *const *)a, *y = *(const finding_t *const *)b;
	if (x->score != y->score)
		return x->score < y->score ? 1 : -1;
	return strcmp(x->domain, y->domain);
}

/* The key without its first n labels (presentation form: a label's own
 * dots are escaped). */
static const char *key_parent(const char *k, unsigned n)
{
	while (n && *k) {
		if (*k == '\\' && k[1]) {
			k += 2;
			continue;
		}
		if (*k++ == '.')
			n--;
	}
	return k;
}

static int cmp_ip(const void *a, const void *b)
{
	return ip_addr_cmp(a, b);
}

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
	return x < y ? -1 : x > y;
}

static finding_t *make_finding(const detector_t *d, const dom_t *e, score_out_t *so)
{
	const agg_t *g = &e->g;
	finding_t *f = calloc(1, sizeof(*f));
	if (!f)
		return NULL;
	f->domain = strdup(dom_key(e));
	f->registered_domain = strdup(key_parent(dom_key(e), e->zone_labels));
	if (!f->domain || !f->registered_domain)
		goto fail;
	f->score = so->score;
	f->confidence = so->confidence;
	f->tool = so->tool;
	f->allowlisted = e->allow_reason != NULL;
	f->allowlist_reason = e->allow_reason;
	f->exfil = so->exfil;
	f->first_ns = g->first_ns;
	f->last_ns = g->last_ns;
	f->queries = g->queries;
	f->responses = g->responses;
	f->unique_subdomains = (uint64_t)llround(so->unique);
	f->bytes_out = so->bytes_out;
	f->bytes_in = so->bytes_in;
	f->qtypes = calloc(AQ_N, sizeof(*f->qtypes));
	f->rcodes = calloc(AR_N, sizeof(*f->rcodes));
	if (!f->qtypes || !f->rcodes)
		goto fail;
	for (int i = 0; i < AQ_N; i++)
		if (g->qtype[i]) {
			snprintf(f->qtypes[f->nqtypes].name, sizeof(f->qtypes[0].name), "%s", agg_qt_name(i));
			f->qtypes[f->nqtypes++].n = g->qtype[i];
		}
	for (int i = 0; i < AR_N; i++)
		if (g->rcode[i]) {
			snprintf(f->rcodes[f->nrcodes].name, sizeof(f->rcodes[0].name), "%s",
				 agg_rc_name(i));
			f->rcodes[f->nrcodes++].n = g->rcode[i];
		}
	if (g->nclients) {
		/* each client's share of the domain's bytes: its share of the
		 * payload characters it sent and of the answer bytes it received
		 * (integer sums, so the split is the same however the capture
		 * was cut) */
		const agg_client_t **cs = calloc(g->nclients, sizeof(*cs));
		f->clients = calloc(g->nclients, sizeof(*f->clients));
		if (!f->clients || !cs) {
			free(cs);
			goto fail;
		}
		agg_clients_sorted(g, cs);
		uint64_t chars = 0, ans = 0;
		for (uint32_t i = 0; i < g->nclients; i++) {
			chars += cs[i]->payload_chars;
			ans += cs[i]->answer_decoded;
		}
		uint64_t out_q = so->bytes_out, in_r = so->bytes_in;
		for (uint32_t i = 0; i < g->nclients; i++) {
			const agg_client_t *c = cs[i];
			finding_client_t *fc = &f->clients[f->nclients++];
			fc->ip = c->ip;
			fc->queries = c->queries;
			fc->bytes_out = chars ? (uint64_t)llround((double)out_q *
								  (double)c->payload_chars / (double)chars)
					      : 0;
			fc->bytes_in = ans ? (uint64_t)llround((double)in_r * (double)c->answer_decoded /
							       (double)ans)
					   : 0;
			fc->first_ns = c->first_ns;
			fc->last_ns = c->last_ns;
		}
		free(cs);
	}
	if (g->nresolvers) {
		f->resolvers = calloc(g->nresolvers, sizeof(*f->resolvers));
		if (!f->resolvers)
			goto fail;
		memcpy(f->resolvers, g->resolvers, g->nresolvers * sizeof(*f->resolvers));
		f->nresolvers = g->nresolvers;
		qsort(f->resolvers, f->nresolvers, sizeof(*f->resolvers), cmp_ip);
	}
	if (g->ninputs) {
		f->input_ids = calloc(g->ninputs, sizeof(*f->input_ids));
		if (!f->input_ids)
			goto fail;
		memcpy(f->input_ids, g->inputs, g->ninputs * sizeof(*f->input_ids));
		f->ninputs = g->ninputs;
		qsort(f->input_ids, f->ninputs, sizeof(*f->input_ids), cmp_u32);
	}
	if (so->nreasons) {
		f->reasons = calloc(so->nreasons, sizeof(char *));
		if (!f->reasons)
			goto fail;
		for (size_t i = 0; i < so->nreasons; i++) {
			f->reasons[i] = so->reasons[i];
			so->reasons[i] = NULL;
		}
		f->nreasons = so->nreasons;
		so->nreasons = 0;
	}
	if (so->hint) {
		f->false_positive_hints = calloc(1, sizeof(char *));
		if (!f->false_positive_hints)
			goto fail;
		f->false_positive_hints[0] = so->hint;
		so->hint = NULL;
		f->nhints = 1;
	}
	if (so->nfeatures) {
		f->features = calloc(so->nfeatures, sizeof(*f->features));
		if (!f->features)
			goto fail;
		memcpy(f->features, so->features, so->nfeatures * sizeof(*f->features));
		f->nfeatures = so->nfeatures;
	}
	const char *names[DET_NSAMPLES];
	size_t ns = agg_samples(g, names, DET_NSAMPLES);
	if (ns) {
		f->samples = calloc(ns, sizeof(char *));
		if (!f->samples)
			goto fail;
		for (size_t i = 0; i < ns; i++) {
			f->samples[i] = strdup(names[i]);
			if (!f->samples[i])
				goto fail;
			f->nsamples++;
		}
	}
	if (so->decoded_len) {
		f->decoded = malloc(so->decoded_len);
		if (!f->decoded)
			goto fail;
		memcpy(f->decoded, so->decoded, so->decoded_len);
		f->decoded_len = so->decoded_len;
		f->decoded_encoding = so->decoded_encoding;
	}
	(void)d;
	return f;
fail:
	finding_free(f);
	return NULL;
}

/*
 * A zone one label below a registered domain (see classify) that shows
 * fewer than DET_ZONE_MIN distinct payloads was one of many data chunks or
 * host names that happened to read like a zone label: its counts go back
 * to the registered domain; so do the counts of a zone whose registered
 * domain carries DET_ZONE_SHARE times more distinct payloads itself (a
 * short data chunk such as "e" in <hex>.<hex>.e.example.com).  Decided on
 * the final counts, so the same whatever the order of the messages;
 * merging is exact.
 */
static void fold_small_zones(detector_t *d)
{
	/* decide on the counts before any folding, then fold */
	dom_t *e;
	size_t nfold = 0;
	FOR_EACH_DOM(d, e) {
		e->fold = false;
		if (!e->zone_labels || e->allow_reason)
			continue;
		double u = agg_unique(&e->g);
		const dom_t *p = lookup(d, e->parent_h, NULL, 0);
		double pu = p ? agg_unique(&p->g) : 0;
		if (u < DET_ZONE_MIN || u * DET_ZONE_SHARE < pu) {
			e->fold = true;
			nfold++;
		}
	}
	if (!nfold)
		return;
	FOR_EACH_DOM(d, e) {
		if (!e->fold)
			continue;
		const char *pk = key_parent(dom_key(e), e->zone_labels);
		char key[DNS_NAME_STRLEN];
		size_t kl = strlen(pk);
		if (!kl || kl >= sizeof(key))
			continue;
		memcpy(key, pk, kl + 1);
		dom_t *p = get(d, e->parent_h, key, kl);
		if (!p || !e->klen || p == e)
			continue; /* out of memory, or the sweep took the zone itself */
		size_t b0 = agg_bytes(&p->g);
		agg_merge(&p->g, &e->g, 0, d->max_clients);
		d->bytes += agg_bytes(&p->g) - b0;
		dom_release(d, e);
	}
	/* name cache entries may point at the records that went */
	d->gen++;
	if (!d->gen)
		d->gen = 1;
}

/* A client seen under a domain that scores as suspicious. */
typedef struct sus {
	ip_addr_t ip;
	double score;
	const dom_t *e;
} sus_t;

static int cmp_sus(const void *a, const void *b)
{
	const sus_t *x = a, *y = b;
	int c = ip_addr_cmp(&x->ip, &y->ip);
	if (c)
		return c;
	if (x->score != y->score)
		return x->score > y->score ? -1 : 1;
	return strcmp(dom_key(x->e), dom_key(y->e));
}

/* Record e's clients when it scores DET_SUSPICIOUS or more; -1: no memory. */
static int sus_add(sus_t **v, size_t *n, size_t *cap, const dom_t *e, double score)
{
	for (uint32_t i = 0; i < e->g.nclients; i++) {
		if (*n == *cap) {
			size_t nc = *cap ? *cap * 2 : 64;
			sus_t *p = realloc(*v, nc * sizeof(*p));
			if (!p)
				return -1;
			*v = p;
			*cap = nc;
		}
		(*v)[(*n)++] = (sus_t){e->g.clients[i].ip, score, e};
	}
	return 0;
}

/* Each client of finding f (made from record e): the other domains it
 * queried that score as suspicious, highest first (at most DET_MAX_OTHER). */
static int attach_other(finding_t *f, const dom_t *e, const sus_t *v, size_t n)
{
	for (size_t i = 0; i < f->nclients; i++) {
		finding_client_t *c = &f->clients[i];
		sus_t key = {c->ip, INFINITY, NULL};
		/* the first entry of this address: a lower bound by address alone */
		size_t lo = 0, hi = n;
		while (lo < hi) {
			size_t mid = lo + (hi - lo) / 2;
			if (ip_addr_cmp(&v[mid].ip, &key.ip) < 0)
				lo = mid + 1;
			else
				hi = mid;
		}
		for (size_t k = lo; k < n && !ip_addr_cmp(&v[k].ip, &c->ip); k++) {
			if (v[k].e == e || c->nother >= DET_MAX_OTHER)
				continue;
			if (!c->other_suspicious &&
			    !(c->other_suspicious = calloc(DET_MAX_OTHER, sizeof(char *))))
				return -1;
			char *name = strdup(dom_key(v[k].e));
			if (!name)
				return -1;
			c->other_suspicious[c->nother++] = name;
		}
	}
	return 0;
}

int detector_findings(detector_t *d, double min_score, bool all, finding_t ***out, size_t *n)
{
	fold_small_zones(d);
	sus_t *sus = NULL;
	size_t nsus = 0, csus = 0;
	const dom_t **made = NULL;
	/* Beyond DET_EAGER_DOMAINS keys, which domains were given a record
	 * from their first message depends on the order they came in; only
	 * those that showed data by themselves are listed then, which does
	 * not. */
	bool crowded = d->inexact || d->kn > d->eager;
	*out = NULL;
	*n = 0;
	size_t cap = 16, cnt = 0;
	finding_t **fs = calloc(cap, sizeof(*fs));
	if (!fs)
		return DNSTS_ENOMEM;
	dom_t *e;
	FOR_EACH_DOM(d, e) {
		score_out_t so;
		if (crowded && !e->g.earned && !e->allow_reason &&
		    agg_unique(&e->g) < DET_PROMOTE_DISTINCT)
			continue;
		/* the score first, without sentences: most domains stop here */
		uint64_t raw = 0;
		score_domain_quick(&e->g, 0, &so);
		if (so.score >= 30 || (so.tool && !strcmp(so.tool, "iodine"))) {
			raw = raw_for(d, &e->g);
			if (raw)
				score_domain_quick(&e->g, raw, &so);
		}
		if (e->allow_reason)
			so.score = 0;
		else if (so.score >= DET_SUSPICIOUS && sus_add(&sus, &nsus, &csus, e, so.score) < 0)
			goto nomem;
		if (!(all || (!e->allow_reason && so.score >= min_score)))
			continue;
		score_domain(&e->g, dom_key(e), raw, &so);
		if (e->allow_reason) {
			so.score = 0;
			so.confidence = "low";
			so.tool = NULL;
		}
		if (!(all || (!e->allow_reason && so.score >= min_score))) {
			score_out_clear(&so);
			continue;
		}
		if (cnt == cap || !made) {
			size_t nc = cnt == cap ? cap * 2 : cap;
			finding_t **p = realloc(fs, nc * sizeof(*fs));
			const dom_t **q = p ? realloc(made, nc * sizeof(*made)) : NULL;
			if (p)
				fs = p;
			if (!q) {
				score_out_clear(&so);
				goto nomem;
			}
			made = q;
			cap = nc;
		}
		finding_t *f = make_finding(d, e, &so);
		score_out_clear(&so);
		if (!f)
			goto nomem;
		made[cnt] = e;
		fs[cnt++] = f;
	}
	/* what else each client queried that scores as suspicious */
	if (nsus)
		qsort(sus, nsus, sizeof(*sus), cmp_sus);
	for (size_t i = 0; i < cnt && nsus; i++)
		if (attach_other(fs[i], made[i], sus, nsus) < 0)
			goto nomem;
	free(sus);
	free(made);
	qsort(fs, cnt, sizeof(*fs), cmp_findings);
	*out = fs;
	*n = cnt;
	return DNSTS_OK;
nomem:
	free(sus);
	free(made);
	findings_free(fs, cnt);
	return DNSTS_ENOMEM;
}

void detector_stats(const detector_t *d, uint64_t *allowlisted_queries, uint64_t *base_domains,
		    uint64_t *tracked_domains, uint64_t *evicted_domains, uint64_t *evicted_clients)
{
	uint64_t ec = 0;
	const dom_t *e;
	FOR_EACH_DOM(d, e)
		ec += e->g.clients_dropped;
	if (allowlisted_queries)
		*allowlisted_queries = d->allowlisted_queries;
	if (base_domains)
		*base_domains = d->inexact ? (uint64_t)llround(hll_estimate(d->hll)) : d->kn;
	if (tracked_domains)
		*tracked_domains = d->created;
	if (evicted_domains)
		*evicted_domains = d->evicted_domains;
	if (evicted_clients)
		*evicted_clients = ec;
}
