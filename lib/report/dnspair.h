/*
 * dnspair.h - a response paired with its query, as Zeek's dns.log pairs
 * them: the same transport, the query's endpoints reversed and the same
 * DNS id, within one input, at most DNSPAIR_MAX_RTT later.  A bounded
 * table of pending queries (DNSPAIR_SLOTS, probed DNSPAIR_PROBE deep; when
 * a window is full the oldest query in it gives way, and stays unpaired).
 * A second query with the same key replaces the first (a retransmission:
 * the response answers the later one).
 */
#ifndef DNSTS_DNSPAIR_H
#define DNSTS_DNSPAIR_H

#include <stdbool.h>
#include <stdint.h>

#include "pkt.h"

#define DNSPAIR_SLOTS 16384
#define DNSPAIR_PROBE 8
#define DNSPAIR_MAX_RTT (60ull * 1000000000ull)

typedef struct dnspair dnspair_t;

dnspair_t *dnspair_new(void);
void dnspair_free(dnspair_t *p);
/* Forget every pending query (a new input: frame numbers restart). */
void dnspair_reset(dnspair_t *p);

/* A query seen at ts_ns in frame. */
void dnspair_query(dnspair_t *p, const ip_addr_t *src, uint16_t sport, const ip_addr_t *dst,
		   uint16_t dport, uint8_t transport, uint16_t id, uint64_t ts_ns, uint64_t frame);

/* A response (src, sport: the server): true with its query's time and frame
 * when one is pending (it is then taken out). */
bool dnspair_response(dnspair_t *p, const ip_addr_t *src, uint16_t sport, const ip_addr_t *dst,
		      uint16_t dport, uint8_t transport, uint16_t id, uint64_t ts_ns,
		      uint64_t *q_ts_ns, uint64_t *q_frame);

#endif
