/*
 * namecache.h - the detector's name cache: question name octets and server
 * port -> what the detector found for that name (qinfo_t), so that a query
 * and its response, and the repeats of a name, pay for the Public Suffix
 * split, the allowlist and the key hash once.
 *
 * Direct-mapped, NAMECACHE_SLOTS entries, indexed by a fast unkeyed hash of
 * the name octets and the port.  An entry is checked octet for octet (case
 * included: 0x20-randomised spellings are other names), so a collision
 * costs a miss, never a wrong answer.  Entries are stamped with the caller's
 * generation: an entry of another generation is a miss (the detector bumps
 * it when what entries remember may have gone stale).  Names longer than
 * NAMECACHE_NAME wire octets are not cached.
 */
#ifndef DNSTS_NAMECACHE_H
#define DNSTS_NAMECACHE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "mix.h"
#include "swar.h"

#define NAMECACHE_SLOTS 2048
#define NAMECACHE_NAME 86

/* What a question name maps to: the same for every message carrying the
 * same name octets on the same port. */
typedef struct qinfo {
	const char *why;          /* allowlist reason */
	uint64_t h;               /* keyed hash of the base key; 0: nothing to aggregate */
	uint64_t dh;              /* unkeyed hash of the base key */
	uint32_t rec;             /* the domain's record ref when it had one; 0: look it up */
	uint8_t nlabels, dropped, reg_first, npay, kfirst, klast;
	uint8_t zone_labels;      /* labels of the key left of the registered domain */
	uint8_t pbit;             /* the payload's bit in a payload set; 0xff: no payload */
	bool datalike;            /* the payload could carry data */
	bool prefix_mode, base_mixed;
	bool fresh;               /* rec was looked up for this message */
	uint64_t created;         /* records created when rec was looked up */
} qinfo_t;

typedef struct namecache_entry {
	uint32_t gen;             /* 0: empty */
	uint16_t port;
	uint8_t nlen;
	uint8_t name[NAMECACHE_NAME + 1];
	qinfo_t qi;
} namecache_entry_t;

typedef struct namecache {
	namecache_entry_t e[NAMECACHE_SLOTS];
} namecache_t;

namecache_t *namecache_new(void);
void namecache_free(namecache_t *c);

/* The slot of name p[0..n) on port: a multiplicative hash of its octets
 * eight at a time, the last ones in one (overlapping) load. */
static inline size_t namecache_hash(const uint8_t *p, size_t n, uint16_t port)
{
	uint64_t h = (n ^ ((uint64_t)port << 16)) * MIX_GOLDEN;
	size_t len = n;
	while (n >= 8) {
		h = mix_step(h, swar_load8(p), MIX_M1, 29);
		p += 8;
		n -= 8;
	}
	uint64_t w = 0;
	if (n && len >= 8) {
		w = swar_load8(p + n - 8); /* the last 8 octets (overlapping) */
	} else {
		while (n)
			w = w << 8 | p[--n];
	}
	return (size_t)(mix_step(h, w, MIX_M2, 32) & (NAMECACHE_SLOTS - 1));
}

/* The entry a name (wire form, len octets) would live in; NULL when it is
 * too long to be cached. */
static inline namecache_entry_t *namecache_slot(namecache_t *c, const uint8_t *name, size_t len,
						 uint16_t port)
{
	if (len > NAMECACHE_NAME)
		return NULL;
	return &c->e[namecache_hash(name, len, port)];
}

/* Does entry e hold this name and port, stored in generation gen? */
static inline bool namecache_holds(const namecache_entry_t *e, uint32_t gen, const uint8_t *name,
				   size_t len, uint16_t port)
{
	return e->gen == gen && e->port == port && e->nlen == len && !memcmp(e->name, name, len);
}

/* Store qi for the name and port in e (its slot), in generation gen
 * (not 0). */
static inline void namecache_store(namecache_entry_t *e, uint32_t gen, const uint8_t *name,
				   size_t len, uint16_t port, const qinfo_t *qi)
{
	e->gen = gen;
	e->port = port;
	e->nlen = (uint8_t)len;
	memcpy(e->name, name, len);
	e->qi = *qi;
}

#endif
