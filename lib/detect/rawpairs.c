/*
 * rawpairs.c - tunnel packets outside DNS per address pair; see
 * rawpairs.h.
 */
#include "rawpairs.h"

void rawpairs_add(rawpairs_t *r, const ip_addr_t *src, const ip_addr_t *dst)
{
	for (size_t i = 0; i < r->n; i++) {
		rawpair_t *p = &r->p[i];
		if ((!ip_addr_cmp(&p->a, src) && !ip_addr_cmp(&p->b, dst)) ||
		    (!ip_addr_cmp(&p->a, dst) && !ip_addr_cmp(&p->b, src))) {
			p->n++;
			return;
		}
	}
	if (r->n < RAWPAIRS_MAX) {
		r->p[r->n].a = *src;
		r->p[r->n].b = *dst;
		r->p[r->n].n = 1;
		r->n++;
	} else {
		r->dropped++;
	}
}

void rawpairs_merge(rawpairs_t *dst, const rawpairs_t *src)
{
	for (size_t i = 0; i < src->n; i++) {
		const rawpair_t *p = &src->p[i];
		size_t j;
		for (j = 0; j < dst->n; j++)
			if (!ip_addr_cmp(&dst->p[j].a, &p->a) && !ip_addr_cmp(&dst->p[j].b, &p->b))
				break;
		if (j < dst->n)
			dst->p[j].n += p->n;
		else if (dst->n < RAWPAIRS_MAX)
			dst->p[dst->n++] = *p;
	}
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
