/*
 * kmv.h - a k-minimum-values set: the k records with the smallest 64-bit
 * hashes among all records offered (Bar-Yossef et al., "Counting distinct
 * elements in a data stream", 2002), kept in one array sorted by hash.
 *
 * Records are of a fixed size chosen by the caller and start with their
 * uint64_t hash.  The kept set depends only on the set of hashes offered:
 * not on their order, nor on how they were split between sets that are
 * merged later (kmv_merge is associative and commutative), so sketches
 * built from the pieces of a capture merge into the sketch of the whole.
 * Below k distinct hashes the set is exact; beyond it, kmv_distinct
 * estimates the number of distinct hashes (standard error about
 * 1/sqrt(k - 2)).
 *
 * A look-up is a binary search; an insert moves the records above it.
 */
#ifndef DNSTS_KMV_H
#define DNSTS_KMV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct kmv {
	void *rec;          /* n records of size bytes, sorted by their hash */
	uint32_t n, cap;    /* cap: records allocated (grows to k) */
	uint32_t k;         /* at most this many records kept */
	uint32_t size;      /* bytes per record; the record starts with uint64_t h */
	bool dropped;       /* more distinct hashes offered than kept */
} kmv_t;

void kmv_init(kmv_t *s, uint32_t k, uint32_t size);
void kmv_clear(kmv_t *s);

static inline void *kmv_at(const kmv_t *s, uint32_t i)
{
	return (char *)s->rec + (size_t)i * s->size;
}

static inline uint64_t kmv_hash_at(const kmv_t *s, uint32_t i)
{
	uint64_t h;
	__builtin_memcpy(&h, kmv_at(s, i), sizeof(h));
	return h;
}

/* The record with hash h, or NULL. */
void *kmv_find(const kmv_t *s, uint64_t h);

/*
 * Offer hash h.  Returns its record: the kept one (*isnew false), or a new
 * zeroed one with h set (*isnew true) that the caller fills.  NULL when h
 * is above the k kept hashes (only counted as dropped) or on allocation
 * failure (*isnew then true).
 */
void *kmv_offer(kmv_t *s, uint64_t h, bool *isnew);

/* dst := dst u src; for a hash in both, combine(dst_rec, src_rec) (NULL:
 * keep dst's).  Returns 0, or -1 on allocation failure (dst unchanged). */
int kmv_merge(kmv_t *dst, const kmv_t *src, void (*combine)(void *d, const void *s));

/* Distinct hashes offered: exact while none was dropped. */
double kmv_distinct(const kmv_t *s);

static inline size_t kmv_heap_bytes(const kmv_t *s)
{
	return (size_t)s->cap * s->size;
}

#endif
