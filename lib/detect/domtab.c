/*
 * domtab.c - the table of base-domain records; see domtab.h.
 */
#include <stdlib.h>
#include <string.h>

#include "domtab.h"

int domtab_init(domtab_t *t, size_t max_records, size_t max_bytes)
{
	memset(t, 0, sizeof(*t));
	t->max_records = max_records;
	t->max_bytes = max_bytes;
	t->gen = 1;
	t->cap = 1024;
	t->slots = calloc(t->cap, sizeof(*t->slots));
	t->filter = calloc(DOMTAB_FILTER_BITS / 64, sizeof(uint64_t));
	return t->slots && t->filter ? 0 : -1;
}

void domtab_fini(domtab_t *t)
{
	dom_t *e;
	DOMTAB_FOR_EACH(t, e) {
		free(e->key_heap);
		agg_clear(&e->g);
	}
	for (size_t i = 0; i < t->nchunks; i++)
		free(t->chunks[i]);
	free(t->chunks);
	free(t->slots);
	free(t->filter);
	memset(t, 0, sizeof(*t));
}

static void dom_release(domtab_t *t, dom_t *e)
{
	t->bytes -= sizeof(*e) + agg_heap_bytes(&e->g);
	t->n--;
	free(e->key_heap);
	agg_clear(&e->g);
	e->klen = 0; /* not live: sweeps skip it */
	*(dom_t **)e = t->free_list;
	t->free_list = e;
}

static dom_t *dom_alloc(domtab_t *t)
{
	dom_t *e = t->free_list;
	if (e) {
		t->free_list = *(dom_t **)e;
	} else {
		if (!t->nchunks || t->chunk_used == DOMTAB_CHUNK) {
			if (t->nchunks == t->cchunks) {
				size_t nc = t->cchunks ? t->cchunks * 2 : 16;
				dom_t **p = realloc(t->chunks, nc * sizeof(*p));
				if (!p)
					return NULL;
				t->chunks = p;
				t->cchunks = nc;
			}
			dom_t *c = malloc(DOMTAB_CHUNK * sizeof(*c));
			if (!c)
				return NULL;
			t->chunks[t->nchunks++] = c;
			t->chunk_used = 0;
		}
		e = &t->chunks[t->nchunks - 1][t->chunk_used];
		e->idx = (uint32_t)((t->nchunks - 1) * DOMTAB_CHUNK + t->chunk_used++);
	}
	uint32_t idx = e->idx;
	memset(e, 0, offsetof(dom_t, key_inline));
	e->idx = idx;
	t->bytes += sizeof(*e);
	t->n++;
	return e;
}

/* Index record e in slots (cap of them) and set its filter bit. */
static void place(domtab_t *t, domtab_slot_t *slots, size_t cap, const dom_t *e)
{
	size_t b = domtab_filter_bit(e->h);
	t->filter[b / 64] |= 1ull << (b % 64);
	size_t i = e->h & (cap - 1);
	while (slots[i].ref)
		i = (i + 1) & (cap - 1);
	slots[i].tag = (uint32_t)(e->h >> 32);
	slots[i].ref = dom_ref(e);
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

/* One sweep over the records (sequential, unlike sampling random records
 * per new domain). */
void domtab_sweep(domtab_t *t)
{
	size_t want = t->n / DOMTAB_EVICT_FRACTION;
	if (!want)
		want = 1;
	double *s = malloc(2 * t->n * sizeof(*s));
	if (!s)
		return;
	/* Records are visited in memory order (chunk by chunk: sequential
	 * reads), live ones having a key (released ones have klen 0). */
	double *v = s + t->n;
	size_t k = 0;
	dom_t *e;
	DOMTAB_FOR_EACH(t, e) {
		if (k < t->n)
			v[k++] = agg_suspicion(&e->g);
	}
	memcpy(s, v, k * sizeof(*s));
	double thr = select_kth(s, k, want - 1);
	size_t below = 0; /* records under the threshold; ties: those at it that may still go */
	for (size_t i = 0; i < k; i++)
		below += s[i] < thr;
	size_t ties = want - below;
	size_t gone = 0, i = 0;
	memset(t->slots, 0, t->cap * sizeof(*t->slots));
	memset(t->filter, 0, DOMTAB_FILTER_BITS / 8);
	DOMTAB_FOR_EACH(t, e) {
		if (i >= k)
			break;
		double x = v[i++];
		if (x < thr || (x == thr && ties)) {
			if (x == thr)
				ties--;
			dom_release(t, e);
			gone++;
		} else {
			place(t, t->slots, t->cap, e);
		}
	}
	t->evicted += gone;
	t->gen++;
	if (!t->gen)
		t->gen = 1;
	free(s);
}

void domtab_release_folded(domtab_t *t)
{
	size_t gone = 0;
	dom_t *e;
	memset(t->slots, 0, t->cap * sizeof(*t->slots));
	memset(t->filter, 0, DOMTAB_FILTER_BITS / 8);
	DOMTAB_FOR_EACH(t, e) {
		if (e->fold) {
			dom_release(t, e);
			gone++;
		} else {
			place(t, t->slots, t->cap, e);
		}
	}
	if (!gone)
		return;
	t->gen++;
	if (!t->gen)
		t->gen = 1;
}

dom_t *domtab_add(domtab_t *t, uint64_t h, const char *key, size_t len)
{
	while (t->n && (t->n >= t->max_records || t->bytes >= t->max_bytes)) {
		size_t before = t->n;
		domtab_sweep(t);
		if (t->n == before)
			break;
	}
	if ((t->n + 1) * 2 > t->cap) {
		size_t ncap = t->cap * 2;
		domtab_slot_t *ns = calloc(ncap, sizeof(*ns));
		if (!ns)
			return NULL;
		for (size_t i = 0; i < t->cap; i++)
			if (t->slots[i].ref)
				place(t, ns, ncap, domtab_rec(t, t->slots[i].ref));
		free(t->slots);
		t->slots = ns;
		t->cap = ncap;
	}
	if (len > 0xffff || len == 0)
		return NULL;
	dom_t *e = dom_alloc(t);
	if (!e)
		return NULL;
	agg_init(&e->g);
	if (len < DOMTAB_KEY_INLINE) {
		memcpy(e->key_inline, key, len);
		e->key_inline[len] = '\0';
	} else {
		e->key_heap = strndup(key, len);
		if (!e->key_heap) {
			dom_release(t, e);
			return NULL;
		}
	}
	e->klen = (uint16_t)len;
	e->h = h;
	place(t, t->slots, t->cap, e);
	t->created++;
	return e;
}
