/*
 * distinct.c - the count of distinct base domains; see distinct.h.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "distinct.h"
#include "siphash.h"

int distinct_init(distinct_t *dc)
{
	memset(dc, 0, sizeof(*dc));
	dc->hll = calloc((size_t)1 << DISTINCT_HLL_P, 1);
	uint8_t key[16];
	siphash_random_key(key);
	memcpy(&dc->seed, key, sizeof(dc->seed));
	dc->cap = 1024;
	dc->set = calloc(dc->cap, sizeof(*dc->set));
	if (!dc->set)
		dc->inexact = true;
	return dc->hll ? 0 : -1;
}

void distinct_fini(distinct_t *dc)
{
	free(dc->hll);
	free(dc->set);
	memset(dc, 0, sizeof(*dc));
}

/* Past the exact count: the estimate counts. */
static void set_drop(distinct_t *dc)
{
	free(dc->set);
	dc->set = NULL;
	dc->inexact = true;
}

static bool set_grow(distinct_t *dc)
{
	size_t ncap = dc->cap * 2;
	uint64_t *ns = calloc(ncap, sizeof(*ns));
	if (!ns)
		return false;
	for (size_t j = 0; j < dc->cap; j++)
		if (dc->set[j])
			ns[distinct_slot(ns, ncap, dc->seed, dc->set[j])] = dc->set[j];
	free(dc->set);
	dc->set = ns;
	dc->cap = ncap;
	return true;
}

void distinct_insert(distinct_t *dc, size_t slot, uint64_t h)
{
	if (dc->n + 1 > DISTINCT_EXACT) {
		set_drop(dc);
		return;
	}
	dc->set[slot] = h;
	dc->n++;
	if (dc->n * 2 > dc->cap && !set_grow(dc))
		set_drop(dc);
}

void distinct_merge(distinct_t *dst, const distinct_t *src)
{
	for (size_t i = 0; i < ((size_t)1 << DISTINCT_HLL_P); i++)
		if (src->hll[i] > dst->hll[i])
			dst->hll[i] = src->hll[i];
	if (src->inexact || !src->set) {
		if (!dst->inexact)
			set_drop(dst);
		return;
	}
	for (size_t i = 0; i < src->cap && !dst->inexact; i++) {
		uint64_t h = src->set[i];
		if (!h)
			continue;
		size_t j = distinct_slot(dst->set, dst->cap, dst->seed, h);
		if (!dst->set[j])
			distinct_insert(dst, j, h);
	}
}

/* The estimate: linear counting while registers are still empty and it
 * stays below 3m (the raw estimate is biased up to about 5m, Heule et al.
 * 2013). */
static double estimate(const uint8_t *r)
{
	const double m = (double)(1u << DISTINCT_HLL_P);
	unsigned zeros;
	double raw = hll_raw(r, DISTINCT_HLL_P, &zeros);
	if (zeros) {
		double lc = m * log(m / zeros);
		if (lc <= 3 * m)
			return lc;
	}
	return raw;
}

uint64_t distinct_count(const distinct_t *dc)
{
	return dc->inexact ? (uint64_t)llround(estimate(dc->hll)) : dc->n;
}
