/*
 * rawpairs.h - non-DNS payloads with a tunnel header seen on DNS ports
 * (iodine's raw UDP mode), counted per pair of addresses: at most
 * RAWPAIRS_MAX pairs, the packets of later pairs only counted as dropped.
 *
 * A pair is unordered: the client and the server of a raw tunnel send to
 * each other, and which of them a capture (or one input of several) sees
 * first is chance, so {a, b} and {b, a} are one pair, when packets are
 * added and when two tables merge alike.  A domain's score reads the
 * packets of the pairs one of whose ends is among its clients (which end
 * does not matter, for the same reason).
 */
#ifndef DNSTS_RAWPAIRS_H
#define DNSTS_RAWPAIRS_H

#include <stddef.h>
#include <stdint.h>

#include "aggregate.h"
#include "pkt.h"

#define RAWPAIRS_MAX 64

typedef struct rawpair {
	ip_addr_t a, b;
	uint64_t n;                /* packets */
} rawpair_t;

typedef struct rawpairs {
	rawpair_t p[RAWPAIRS_MAX];
	size_t n;
	uint64_t dropped;          /* packets of pairs beyond RAWPAIRS_MAX */
} rawpairs_t;

/* One packet from src to dst; (src, dst) and (dst, src) are one pair. */
void rawpairs_add(rawpairs_t *r, const ip_addr_t *src, const ip_addr_t *dst);

/* Add src's pairs and counts to dst, matching pairs as rawpairs_add(). */
void rawpairs_merge(rawpairs_t *dst, const rawpairs_t *src);

/* Packets of the pairs with either address among g's clients. */
uint64_t rawpairs_of_clients(const rawpairs_t *r, const agg_t *g);

#endif
