/*
 * placement.c - resolvers and local networks (see placement.h).
 *
 * An open-addressing table of addresses with their flags, grown by
 * doubling up to PLACEMENT_MAX_HOSTS.  The table is probed with an unkeyed
 * hash: addresses are few compared with names, and a crafted set of them
 * can at most make probing longer, bounded by the cap.
 */
#include "placement.h"

#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>

#include "mix.h"

enum {
	H_ASKED = 1u << 0,     /* sent a query to another host */
	H_ANSWERED = 1u << 1,  /* sent a response to another host */
	H_DECLARED = 1u << 2,  /* --resolver */
	H_FORWARDS = 1u << 3,  /* forwards its clients' queries (placement_forwarder) */
};

typedef struct host {
	ip_addr_t ip;          /* v == 0: empty slot */
	uint8_t flags;
} host_t;

typedef struct net {
	ip_addr_t ip;
	unsigned prefix;
} net_t;

struct placement {
	host_t *tab;
	size_t cap, n;
	uint64_t dropped;
	net_t nets[PLACEMENT_MAX_NETS];
	size_t nnets;
};

placement_t *placement_new(void)
{
	placement_t *p = calloc(1, sizeof(*p));
	if (!p)
		return NULL;
	p->cap = 64;
	p->tab = calloc(p->cap, sizeof(*p->tab));
	if (!p->tab) {
		free(p);
		return NULL;
	}
	return p;
}

void placement_free(placement_t *p)
{
	if (!p)
		return;
	free(p->tab);
	free(p);
}

static size_t alen(const ip_addr_t *ip)
{
	return ip->v == 4 ? 4 : 16;
}

/* The address as two words (an IPv4 address in the low half of the first;
 * the octets past it are not looked at). */
static inline void words(const ip_addr_t *ip, uint64_t *w0, uint64_t *w1)
{
	if (ip->v == 4) {
		uint32_t x;
		memcpy(&x, ip->a, 4);
		*w0 = x;
		*w1 = 0;
	} else {
		memcpy(w0, ip->a, 8);
		memcpy(w1, ip->a + 8, 8);
	}
}

static inline bool same(const ip_addr_t *a, const ip_addr_t *b)
{
	uint64_t a0, a1, b0, b1;
	if (a->v != b->v)
		return false;
	words(a, &a0, &a1);
	words(b, &b0, &b1);
	return a0 == b0 && a1 == b1;
}

static inline size_t slot_of(const ip_addr_t *ip, size_t cap)
{
	uint64_t w0, w1;
	words(ip, &w0, &w1);
	uint64_t h = (w0 ^ (w1 * MIX_M1) ^ ip->v) * MIX_GOLDEN;
	return (size_t)(h >> 32) & (cap - 1);
}

static inline host_t *find(const placement_t *p, const ip_addr_t *ip)
{
	for (size_t i = slot_of(ip, p->cap);; i = (i + 1) & (p->cap - 1)) {
		host_t *h = &p->tab[i];
		if (!h->ip.v || same(&h->ip, ip))
			return h;
	}
}

static int grow(placement_t *p)
{
	size_t nc = p->cap * 2;
	host_t *nt = calloc(nc, sizeof(*nt));
	if (!nt)
		return -1;
	host_t *old = p->tab;
	size_t oc = p->cap;
	p->tab = nt;
	p->cap = nc;
	for (size_t i = 0; i < oc; i++)
		if (old[i].ip.v)
			*find(p, &old[i].ip) = old[i];
	free(old);
	return 0;
}

static void mark(placement_t *p, const ip_addr_t *ip, uint8_t flags)
{
	if (!ip || (ip->v != 4 && ip->v != 6))
		return;
	host_t *h = find(p, ip);
	if (h->ip.v && (h->flags & flags) == flags)
		return; /* the common case: nothing new */
	if (!h->ip.v) {
		if (p->n >= PLACEMENT_MAX_HOSTS) {
			p->dropped++;
			return;
		}
		if ((p->n + 1) * 2 > p->cap) {
			if (grow(p) < 0) {
				p->dropped++;
				return;
			}
			h = find(p, ip);
		}
		memset(h, 0, sizeof(*h));
		h->ip.v = ip->v;
		memcpy(h->ip.a, ip->a, alen(ip));
		p->n++;
	}
	h->flags |= flags;
}

int placement_declare_resolver(placement_t *p, const ip_addr_t *ip)
{
	size_t before = p->dropped;
	mark(p, ip, H_DECLARED);
	return p->dropped == before ? 0 : -1;
}

int placement_add_home_net(placement_t *p, const ip_addr_t *net, unsigned prefix)
{
	if (p->nnets >= PLACEMENT_MAX_NETS || prefix > (net->v == 4 ? 32u : 128u))
		return -1;
	p->nets[p->nnets].ip = *net;
	p->nets[p->nnets].prefix = prefix;
	p->nnets++;
	return 0;
}

int placement_parse_cidr(const char *s, ip_addr_t *net, unsigned *prefix)
{
	char buf[64];
	const char *slash = strchr(s, '/');
	size_t n = slash ? (size_t)(slash - s) : strlen(s);
	if (n == 0 || n >= sizeof(buf))
		return -1;
	memcpy(buf, s, n);
	buf[n] = '\0';
	memset(net, 0, sizeof(*net));
	unsigned max;
	if (inet_pton(AF_INET, buf, net->a) == 1) {
		net->v = 4;
		max = 32;
	} else if (inet_pton(AF_INET6, buf, net->a) == 1) {
		net->v = 6;
		max = 128;
	} else {
		return -1;
	}
	*prefix = max;
	if (slash) {
		char *end;
		unsigned long v = strtoul(slash + 1, &end, 10);
		if (!slash[1] || *end || v > max)
			return -1;
		*prefix = (unsigned)v;
	}
	return 0;
}

void placement_query(placement_t *p, const ip_addr_t *src, const ip_addr_t *dst)
{
	if (src && dst && !same(src, dst))
		mark(p, src, H_ASKED);
}

void placement_forwarder(placement_t *p, const ip_addr_t *ip)
{
	if (ip && (ip->v == 4 || ip->v == 6))
		mark(p, ip, H_FORWARDS);
}

void placement_response(placement_t *p, const ip_addr_t *src, const ip_addr_t *dst)
{
	if (src && dst && !same(src, dst))
		mark(p, src, H_ANSWERED);
}

placement_t *placement_copy(const placement_t *src)
{
	placement_t *p = placement_new();
	if (!p || placement_merge(p, src) < 0) {
		placement_free(p);
		return NULL;
	}
	return p;
}

int placement_merge(placement_t *dst, const placement_t *src)
{
	for (size_t i = 0; i < src->cap; i++)
		if (src->tab[i].ip.v)
			mark(dst, &src->tab[i].ip, src->tab[i].flags);
	dst->dropped += src->dropped;
	for (size_t i = 0; i < src->nnets; i++) {
		bool have = false;
		for (size_t k = 0; k < dst->nnets && !have; k++)
			have = dst->nets[k].prefix == src->nets[i].prefix &&
			       same(&dst->nets[k].ip, &src->nets[i].ip);
		if (!have && placement_add_home_net(dst, &src->nets[i].ip, src->nets[i].prefix) < 0)
			return -1;
	}
	return 0;
}

bool placement_is_resolver(const placement_t *p, const ip_addr_t *ip)
{
	if (!ip || (ip->v != 4 && ip->v != 6))
		return false;
	const host_t *h = find(p, ip);
	if (!h->ip.v)
		return false;
	return (h->flags & (H_DECLARED | H_FORWARDS)) ||
	       (h->flags & (H_ASKED | H_ANSWERED)) == (H_ASKED | H_ANSWERED);
}

static bool in_net(const ip_addr_t *ip, const net_t *n)
{
	if (ip->v != n->ip.v)
		return false;
	unsigned full = n->prefix / 8, rest = n->prefix % 8;
	if (memcmp(ip->a, n->ip.a, full))
		return false;
	if (!rest)
		return true;
	uint8_t m = (uint8_t)(0xff << (8 - rest));
	return (ip->a[full] & m) == (n->ip.a[full] & m);
}

bool placement_is_home(const placement_t *p, const ip_addr_t *ip)
{
	for (size_t i = 0; i < p->nnets; i++)
		if (in_net(ip, &p->nets[i]))
			return true;
	return false;
}

bool placement_has_resolvers(const placement_t *p)
{
	for (size_t i = 0; i < p->cap; i++)
		if (p->tab[i].ip.v && placement_is_resolver(p, &p->tab[i].ip))
			return true;
	return false;
}

bool placement_has_home(const placement_t *p)
{
	return p->nnets > 0;
}

uint64_t placement_dropped(const placement_t *p)
{
	return p->dropped;
}
