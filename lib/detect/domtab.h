/*
 * domtab.h - the detector's table of base-domain records: each record holds
 * a base key (lowercase text), its keyed hash and the domain's aggregate.
 *
 * Parts, all bounded:
 *  - a pool: records come from chunks of DOMTAB_CHUNK (no allocation per
 *    new domain once warm); released records are chained for reuse, and a
 *    record keeps its index (its ref is index + 1, 0 meaning none);
 *  - an index by hash, open addressing: a slot holds the hash's high half
 *    beside the record's ref, so probing past other domains does not touch
 *    their records;
 *  - a filter of one bit per hash (DOMTAB_FILTER_BITS) with a record: most
 *    names belong to a domain without one and skip the probe;
 *  - the eviction sweep: when max_records records exist, or max_bytes of
 *    records, details and client lists, one pass scores every record with
 *    agg_suspicion() and releases the least suspicious quarter (ties at the
 *    threshold in memory order, so which records go does not depend on the
 *    hash key).  Every sweep bumps gen, so that what callers remember of a
 *    record (its ref) can be dated.
 *
 * The hot look-up and the memory accounting are inline; adding, sweeping
 * and freeing are not.
 */
#ifndef DNSTS_DOMTAB_H
#define DNSTS_DOMTAB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "aggregate.h"

#define DOMTAB_KEY_INLINE 40
#define DOMTAB_CHUNK 4096
#define DOMTAB_FILTER_BITS ((size_t)1 << 18) /* 32 KiB */
#define DOMTAB_EVICT_FRACTION 4

typedef struct dom {
	uint64_t h;                /* keyed hash of the key */
	const char *allow_reason;  /* non-NULL: an allowlisted name */
	char *key_heap;            /* the key when longer than the inline buffer */
	uint16_t klen;             /* 0: released (not live) */
	bool prefix_mode;
	bool fold;                 /* goes back to its registered domain (detect.c) */
	uint8_t zone_labels;       /* labels of the key left of the registered domain */
	uint64_t parent_h;         /* keyed hash of the registered domain's key */
	uint32_t idx;              /* chunk * DOMTAB_CHUNK + position (kept when freed) */
	char key_inline[DOMTAB_KEY_INLINE]; /* lowercase base key, NUL-terminated */
	agg_t g;
} dom_t;

/* A slot of the index (8 bytes, as a pointer would be). */
typedef struct domtab_slot {
	uint32_t tag;              /* h >> 32 */
	uint32_t ref;              /* record index + 1; 0: empty */
} domtab_slot_t;

typedef struct domtab {
	domtab_slot_t *slots;      /* records by hash, open addressing */
	size_t cap;                /* slots, a power of two */
	uint64_t *filter;          /* DOMTAB_FILTER_BITS bits: may have a record */
	dom_t **chunks;
	size_t nchunks, cchunks, chunk_used;
	dom_t *free_list;          /* released records, linked through their first bytes */
	size_t n;                  /* live records */
	size_t max_records;
	size_t bytes, max_bytes;   /* records, details and client lists */
	uint32_t gen;              /* bumped by every sweep; never 0 */
	uint64_t created;          /* records created (again after eviction) */
	uint64_t evicted;          /* records released by sweeps */
} domtab_t;

/* An empty table; -1 when out of memory (domtab_fini() then still frees
 * what was allocated). */
int domtab_init(domtab_t *t, size_t max_records, size_t max_bytes);
/* Free every record (with its aggregate) and the table. */
void domtab_fini(domtab_t *t);

static inline const char *dom_key(const dom_t *e)
{
	return e->key_heap ? e->key_heap : e->key_inline;
}

/* A record's ref (never 0). */
static inline uint32_t dom_ref(const dom_t *e)
{
	return e->idx + 1;
}

/* The record of ref; NULL for 0.  A ref is good until the next sweep
 * (t->gen changes) while its record is live. */
static inline dom_t *domtab_rec(const domtab_t *t, uint32_t ref)
{
	if (!ref)
		return NULL;
	uint32_t i = ref - 1;
	return &t->chunks[i / DOMTAB_CHUNK][i % DOMTAB_CHUNK];
}

static inline size_t domtab_filter_bit(uint64_t h)
{
	return (size_t)(h >> 24) & (DOMTAB_FILTER_BITS - 1);
}

/* The record with hash h and, when key is not NULL, key[0..len); NULL when
 * none.  The record's cache lines (and its client list and detail) are
 * fetched together: the caller is about to update it. */
static inline dom_t *domtab_find(const domtab_t *t, uint64_t h, const char *key, size_t len)
{
	size_t b = domtab_filter_bit(h);
	if (!(t->filter[b / 64] & (1ull << (b % 64))))
		return NULL;
	uint32_t tag = (uint32_t)(h >> 32);
	for (size_t i = h & (t->cap - 1);; i = (i + 1) & (t->cap - 1)) {
		domtab_slot_t sl = t->slots[i];
		if (!sl.ref)
			return NULL;
		if (sl.tag != tag)
			continue;
		dom_t *e = domtab_rec(t, sl.ref);
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

/* A new record for key[0..len) (1..65535 octets) with hash h, its
 * aggregate empty and its flags clear; NULL when out of memory or len is
 * out of range.  A sweep runs first when the table is at a bound, so refs
 * taken before may have gone stale (t->gen tells). */
dom_t *domtab_add(domtab_t *t, uint64_t h, const char *key, size_t len);

/* The record of key (hash h), added when new. */
static inline dom_t *domtab_get(domtab_t *t, uint64_t h, const char *key, size_t len)
{
	dom_t *e = domtab_find(t, h, key, len);
	return e ? e : domtab_add(t, h, key, len);
}

/* Release the least suspicious 1/DOMTAB_EVICT_FRACTION of the records (at
 * least one). */
void domtab_sweep(domtab_t *t);

/* Release every record whose fold flag is set (its counts went to another
 * record); bumps gen when any went. */
void domtab_release_folded(domtab_t *t);

/* A record's aggregate may grow (a detail, a longer client list): take
 * domtab_mark() before the change and hand it to domtab_account() after,
 * so that the table's byte count follows. */
static inline size_t domtab_mark(const dom_t *e)
{
	return agg_heap_bytes(&e->g);
}

static inline void domtab_account(domtab_t *t, const dom_t *e, size_t mark)
{
	t->bytes += agg_heap_bytes(&e->g) - mark;
}

/* Every live record, in memory order. */
#define DOMTAB_FOR_EACH(t, e)                                                          \
	for (size_t c_ = 0; c_ < (t)->nchunks; c_++)                                   \
		for (size_t j_ = 0,                                                    \
			    u_ = c_ + 1 == (t)->nchunks ? (t)->chunk_used : DOMTAB_CHUNK; \
		     j_ < u_; j_++)                                                    \
			if (((e) = &(t)->chunks[c_][j_])->klen)

#endif
