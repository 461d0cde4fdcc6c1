/*
 * payset.h - how many distinct payloads a domain without a record has
 * shown, without memory per domain: a direct-mapped table of PAYSET_CELLS
 * cells (256 KiB), each the domain's 16-bit tag beside a set of PAYSET_BITS
 * bits, one per class of payload hash.  A domain whose cell holds another
 * domain's tag restarts it, so colliding domains lose count, never gain
 * it.  The bits set count the distinct payloads, saturating as classes
 * repeat.  Cells and tags come from the domain's unkeyed hash, so which
 * domain reaches a count does not depend on the run.
 */
#ifndef DNSTS_PAYSET_H
#define DNSTS_PAYSET_H

#include <stdint.h>
#include <stdlib.h>

#define PAYSET_CELLS ((size_t)1 << 15)
#define PAYSET_BITS 48

typedef struct payset {
	uint64_t *cells;           /* tag << PAYSET_BITS | set */
} payset_t;

/* 0, or -1 when out of memory. */
static inline int payset_init(payset_t *p)
{
	p->cells = calloc(PAYSET_CELLS, sizeof(*p->cells));
	return p->cells ? 0 : -1;
}

static inline void payset_fini(payset_t *p)
{
	free(p->cells);
	p->cells = NULL;
}

/* The cell of the domain with unkeyed hash dh. */
static inline uint64_t *payset_cell(const payset_t *p, uint64_t dh)
{
	return &p->cells[(dh >> 8) & (PAYSET_CELLS - 1)];
}

/* The class (bit) of a payload of hash h: 0 to PAYSET_BITS - 1, uniform
 * (the 32-bit fold of h scaled onto the bits, multiply-shift). */
static inline unsigned payset_bit(uint64_t h)
{
	return (unsigned)(((h ^ (h >> 32)) & 0xffffffffu) * PAYSET_BITS >> 32);
}

/* Add bit (payset_bit(), below PAYSET_BITS) to the set of domain dh;
 * returns the bits now set. */
static inline unsigned payset_add(const payset_t *p, uint64_t dh, unsigned bit)
{
	uint64_t *cell = payset_cell(p, dh);
	uint64_t tag = dh >> 48;
	if (*cell >> PAYSET_BITS != tag)
		*cell = tag << PAYSET_BITS;
	*cell |= 1ull << bit;
	return (unsigned)__builtin_popcountll(*cell & ((1ull << PAYSET_BITS) - 1));
}

#endif
