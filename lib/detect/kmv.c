/*
 * kmv.c - k-minimum-values sets (see kmv.h).
 */
#include "kmv.h"

#include <stdlib.h>
#include <string.h>

#define KMV_CAP0 8

void kmv_init(kmv_t *s, uint32_t k, uint32_t size)
{
	memset(s, 0, sizeof(*s));
	s->k = k;
	s->size = size;
}

void kmv_clear(kmv_t *s)
{
	free(s->rec);
	kmv_init(s, s->k, s->size);
}

/* Index of the first record with hash >= h. */
static uint32_t lower_bound(const kmv_t *s, uint64_t h)
{
	uint32_t lo = 0, hi = s->n;
	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;
		if (kmv_hash_at(s, mid) < h)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

void *kmv_find(const kmv_t *s, uint64_t h)
{
	uint32_t i = lower_bound(s, h);
	return i < s->n && kmv_hash_at(s, i) == h ? kmv_at(s, i) : NULL;
}

static uint32_t cap_for(const kmv_t *s, uint32_t want)
{
	uint32_t c = KMV_CAP0;
	while (c < want)
		c *= 2;
	return c > s->k ? s->k : c;
}

void *kmv_offer(kmv_t *s, uint64_t h, bool *isnew)
{
	uint32_t i = lower_bound(s, h);
	if (i < s->n && kmv_hash_at(s, i) == h) {
		*isnew = false;
		return kmv_at(s, i);
	}
	*isnew = true;
	if (s->n >= s->k) {
		s->dropped = true;
		if (i >= s->n)
			return NULL;
		s->n--; /* the largest goes */
	} else if (s->n == s->cap) {
		uint32_t nc = cap_for(s, s->n + 1);
		void *r = realloc(s->rec, (size_t)nc * s->size);
		if (!r)
			return NULL;
		s->rec = r;
		s->cap = nc;
	}
	memmove(kmv_at(s, i + 1), kmv_at(s, i), (size_t)(s->n - i) * s->size);
	s->n++;
	void *r = kmv_at(s, i);
	memset(r, 0, s->size);
	memcpy(r, &h, sizeof(h));
	return r;
}

int kmv_merge(kmv_t *dst, const kmv_t *src, void (*combine)(void *d, const void *s))
{
	if (!src->n) {
		dst->dropped = dst->dropped || src->dropped;
		return 0;
	}
	uint32_t total = dst->n + src->n;
	uint32_t cap = cap_for(dst, total < dst->k ? total : dst->k);
	char *out = malloc((size_t)cap * dst->size);
	if (!out)
		return -1;
	uint32_t a = 0, b = 0, n = 0;
	while ((a < dst->n || b < src->n) && n < dst->k) {
		char *o = out + (size_t)n * dst->size;
		uint64_t ha = a < dst->n ? kmv_hash_at(dst, a) : UINT64_MAX;
		uint64_t hb = b < src->n ? kmv_hash_at(src, b) : UINT64_MAX;
		if (a < dst->n && (b >= src->n || ha < hb)) {
			memcpy(o, kmv_at(dst, a++), dst->size);
		} else if (a >= dst->n || hb < ha) {
			memcpy(o, kmv_at(src, b++), dst->size);
		} else {
			memcpy(o, kmv_at(dst, a++), dst->size);
			if (combine)
				combine(o, kmv_at(src, b));
			b++;
		}
		n++;
	}
	dst->dropped = dst->dropped || src->dropped || a < dst->n || b < src->n;
	free(dst->rec);
	dst->rec = out;
	dst->n = n;
	dst->cap = cap;
	return 0;
}

double kmv_distinct(const kmv_t *s)
{
	if (!s->dropped || s->n < 2)
		return (double)s->n;
	/* (k - 1) / (the k-th smallest hash as a fraction of 2^64) */
	double u = (double)kmv_hash_at(s, s->n - 1) / 18446744073709551616.0;
	double est = (double)(s->n - 1) / u;
	return est < (double)s->n ? (double)s->n : est;
}
