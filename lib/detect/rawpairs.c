/*
 * rawpairs.c - tunnel packets outside DNS per address pair; see
 * rawpairs.h.
 */
#include "rawpairs.h"

/* The entry of the pair {x, y}, whichever way round it was stored; NULL
 * when none. */
static rawpair_t *pair_find(rawpairs_t *r, const ip_addr_t *x, const ip_addr_t *y)
{
	for (size_t i = 0; i < r->n; i++) {
		rawpair_t *p = &r->p[i];
		if ((!ip_addr_cmp(&p->a, x) && !ip_addr_cmp(&p->b, y)) ||
		    (!ip_addr_cmp(&p->a, y) && !ip_addr_cmp(&p->b, x)))
			return p;
	}
	return NULL;
}

/* n packets between x and y. */
static void pair_count(rawpairs_t *r, const ip_addr_t *x, const ip_addr_t *y, uint64_t n)
{
	rawpair_t *p = pair_find(r, x, y);
	if (p) {
		p->n += n;
	} else if (r->n < RAWPAIRS_MAX) {
		p = &r->p[r->n++];
		p->a = *x;
		p->b = *y;
		p->n = n;
	} else {
		r->dropped += n;
	}
}

void rawpairs_add(rawpairs_t *r, const ip_addr_t *src, const ip_addr_t *dst)
{
	pair_count(r, src, dst, 1);
}

void rawpairs_merge(rawpairs_t *dst, const rawpairs_t *src)
{
	for (size_t i = 0; i < src->n; i++)
		pair_count(dst, &src->p[i].a, &src->p[i].b, src->p[i].n);
	dst->dropped += src->dropped;
}

uint64_t rawpairs_of_clients(const rawpairs_t *r, const agg_t *g)
{
	uint64_t n = 0;
	for (size_t i = 0; i < r->n; i++) {
		const rawpair_t *p = &r->p[i];
		for (uint32_t k = 0; k < g->nclients; k++)
			if (!ip_addr_cmp(&g->clients[k].ip, &p->a) ||
			    !ip_addr_cmp(&g->clients[k].ip, &p->b)) {
				n += p->n;
				break;
			}
	}
	return n;
}
