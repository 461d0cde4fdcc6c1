/*
 * promote.h - how many distinct payloads a domain without a record has
 * shown, without memory per domain: a direct-mapped table of PROMOTE_CELLS
 * cells (256 KiB), each the domain's 16-bit tag beside a set of PROMOTE_BITS
 * bits, one per class of payload hash.  A domain whose cell holds another
 * domain's tag restarts it, so colliding domains lose count, never gain
 * it.  The bits set count the distinct payloads, saturating as classes
 * repeat.  Cells and tags come from the domain's unkeyed hash, so which
 * domain reaches a count does not depend on the run.
 */
#ifndef DNSTS_PROMOTE_H
#define DNSTS_PROMOTE_H

#include <stdint.h>
#include <stdlib.h>

#define PROMOTE_CELLS ((size_t)1 << 15)
#define PROMOTE_BITS 48

typedef struct promote {
	uint64_t *cells;           /* tag << PROMOTE_BITS | set */
} promote_t;

/* 0, or -1 when out of memory. */
static inline int promote_init(promote_t *p)
{
	p->cells = calloc(PROMOTE_CELLS, sizeof(*p->cells));
	return p->cells ? 0 : -1;
}

static inline void promote_fini(promote_t *p)
{
	free(p->cells);
	p->cells = NULL;
}

/* The cell of the domain with unkeyed hash dh. */
static inline uint64_t *promote_cell(const promote_t *p, uint64_t dh)
{
	return &p->cells[(dh >> 8) & (PROMOTE_CELLS - 1)];
}

/* The class (bit) of a payload of hash h: 0 to PROMOTE_BITS - 1, uniform
 * (the 32-bit fold of h scaled onto the bits, multiply-shift). */
static inline unsigned promote_bit(uint64_t h)
{
	return (unsigned)(((h ^ (h >> 32)) & 0xffffffffu) * PROMOTE_BITS >> 32);
}

/* Add bit (promote_bit(), below PROMOTE_BITS) to the set of domain dh;
 * returns the bits now set. */
static inline unsigned promote_add(const promote_t *p, uint64_t dh, unsigned bit)
{
	uint64_t *cell = promote_cell(p, dh);
	uint64_t tag = dh >> 48;
	if (*cell >> PROMOTE_BITS != tag)
		*cell = tag << PROMOTE_BITS;
	*cell |= 1ull << bit;
	return (unsigned)__builtin_popcountll(*cell & ((1ull << PROMOTE_BITS) - 1));
}

#endif
