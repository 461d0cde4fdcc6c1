/*
 * distinct.h - the count of distinct base domains a detector saw: exact
 * up to DISTINCT_EXACT keys, a HyperLogLog estimate (2^DISTINCT_HLL_P
 * registers, about 1%) beyond.
 *
 * Each key comes with two hashes; the count reads only the unkeyed one, so
 * that neither the set nor the estimate depends on the run's key and a
 * count saved by one process (a state file) merges into another's.  The
 * exact part is an open-addressing set of the unkeyed hashes, placed by a
 * mix of the hash with a random seed of the set (crafted names cannot aim
 * at its probe chains); when it would pass DISTINCT_EXACT keys it is freed
 * and the count is the estimate from then on.  The registers are fed the
 * unkeyed hash too.  Two counts merge.
 */
#ifndef DNSTS_DISTINCT_H
#define DNSTS_DISTINCT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "hll.h"
#include "mix.h"

#define DISTINCT_HLL_P 14
#define DISTINCT_EXACT ((size_t)1 << 15)

typedef struct distinct {
	uint8_t *hll;              /* 2^DISTINCT_HLL_P registers */
	uint64_t *set;             /* unkeyed hashes (0: empty slot) while exact; NULL beyond */
	uint64_t seed;             /* random: where a hash goes in the set */
	size_t cap, n;             /* slots (a power of two); keys in the set */
	bool inexact;              /* past the exact count: the estimate counts */
} distinct_t;

/* An empty count; -1 when the registers cannot be allocated (without
 * memory for the set the count is an estimate from the start). */
int distinct_init(distinct_t *dc);
void distinct_fini(distinct_t *dc);

/* A hash as the set holds it (never 0). */
static inline uint64_t distinct_value(uint64_t dh)
{
	return dh ? dh : 1;
}

/* Where value v is in the set, or would go. */
static inline size_t distinct_slot(const uint64_t *set, size_t cap, uint64_t seed, uint64_t h)
{
	size_t i = (size_t)(mix_fmix64(h ^ seed) >> 16) & (cap - 1);
	while (set[i] && set[i] != h)
		i = (i + 1) & (cap - 1);
	return i;
}

/* Put value h, not in the set yet, in its empty slot (or give up the
 * exact count). */
void distinct_insert(distinct_t *dc, size_t slot, uint64_t h);

/* A key: its keyed hash h (unused) and its unkeyed hash dh. */
static inline void distinct_add(distinct_t *dc, uint64_t h, uint64_t dh)
{
	(void)h;
	hll_add(dc->hll, DISTINCT_HLL_P, dh);
	if (dc->inexact)
		return;
	uint64_t v = distinct_value(dh);
	size_t i = distinct_slot(dc->set, dc->cap, dc->seed, v);
	if (!dc->set[i])
		distinct_insert(dc, i, v);
}

/* Add the keys src counted to dst. */
void distinct_merge(distinct_t *dst, const distinct_t *src);

/* The distinct keys: exact while dc->inexact is false, else the estimate
 * (linear counting while it stays below 3 x 2^p, the raw estimate
 * beyond). */
uint64_t distinct_count(const distinct_t *dc);

#endif
