/*
 * dnspair.c - see dnspair.h.
 */
#include "dnspair.h"

#include <stdlib.h>
#include <string.h>

#include "siphash.h"

typedef struct slot {
	uint64_t key;            /* 0: free */
	uint64_t ts_ns, frame;
} slot_t;

struct dnspair {
	slot_t s[DNSPAIR_SLOTS];
};

/* A fixed key: the table only has to spread keys, and the full 64-bit
 * key is compared, so a crafted collision costs one query its pairing. */
static const uint8_t pair_key[16] = "dnstunnel-pairs";

static uint64_t key_of(const ip_addr_t *client, uint16_t cport, const ip_addr_t *server,
		       uint16_t sport, uint8_t transport, uint16_t id)
{
	uint8_t b[2 * 17 + 7];
	size_t n = 0;
	b[n++] = client->v;
	memcpy(b + n, client->a, 16);
	n += 16;
	b[n++] = server->v;
	memcpy(b + n, server->a, 16);
	n += 16;
	b[n++] = (uint8_t)(cport >> 8);
	b[n++] = (uint8_t)cport;
	b[n++] = (uint8_t)(sport >> 8);
	b[n++] = (uint8_t)sport;
	b[n++] = transport;
	b[n++] = (uint8_t)(id >> 8);
	b[n++] = (uint8_t)id;
	uint64_t k = siphash(pair_key, b, n);
	return k ? k : 1;
}

dnspair_t *dnspair_new(void)
{
	return calloc(1, sizeof(dnspair_t));
}

void dnspair_free(dnspair_t *p)
{
	free(p);
}

void dnspair_reset(dnspair_t *p)
{
	memset(p->s, 0, sizeof p->s);
}

void dnspair_query(dnspair_t *p, const ip_addr_t *src, uint16_t sport, const ip_addr_t *dst,
		   uint16_t dport, uint8_t transport, uint16_t id, uint64_t ts_ns, uint64_t frame)
{
	uint64_t k = key_of(src, sport, dst, dport, transport, id);
	size_t base = k & (DNSPAIR_SLOTS - 1), victim = base;
	for (size_t i = 0; i < DNSPAIR_PROBE; i++) {
		slot_t *e = &p->s[(base + i) & (DNSPAIR_SLOTS - 1)];
		if (e->key == k || e->key == 0) {
			victim = (base + i) & (DNSPAIR_SLOTS - 1);
			break;
		}
		if (e->ts_ns < p->s[victim].ts_ns)
			victim = (base + i) & (DNSPAIR_SLOTS - 1);
	}
	p->s[victim] = (slot_t){k, ts_ns, frame};
}

bool dnspair_response(dnspair_t *p, const ip_addr_t *src, uint16_t sport, const ip_addr_t *dst,
		      uint16_t dport, uint8_t transport, uint16_t id, uint64_t ts_ns,
		      uint64_t *q_ts_ns, uint64_t *q_frame)
{
	uint64_t k = key_of(dst, dport, src, sport, transport, id);
	size_t base = k & (DNSPAIR_SLOTS - 1);
	for (size_t i = 0; i < DNSPAIR_PROBE; i++) {
		slot_t *e = &p->s[(base + i) & (DNSPAIR_SLOTS - 1)];
		if (e->key != k)
			continue;
		e->key = 0;
		if (e->ts_ns > ts_ns || ts_ns - e->ts_ns > DNSPAIR_MAX_RTT)
			return false;
		*q_ts_ns = e->ts_ns;
		*q_frame = e->frame;
		return true;
	}
	return false;
}
