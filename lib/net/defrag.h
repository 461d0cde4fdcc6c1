/*
 * defrag.h - IPv4 and IPv6 fragment reassembly.
 *
 * Fragments are grouped by (src, dst, id, proto, IP version).  Trackers and
 * held bytes come from bounded budgets; a tracker whose first fragment is
 * older than the timeout (by packet time) is dropped and counted.  Overlaps
 * follow one explicit policy (DEFRAG_POLICY_FIRST: data already held wins,
 * as in BSD and Linux for exact duplicates and retransmissions).
 */
#ifndef DNSTS_DEFRAG_H
#define DNSTS_DEFRAG_H

#include <stddef.h>
#include <stdint.h>

#include "pkt.h"

enum defrag_policy {
	DEFRAG_POLICY_FIRST = 1, /* bytes already held are kept */
	DEFRAG_POLICY_LAST,      /* later bytes overwrite */
};

typedef struct defrag_limits {
	size_t max_trackers;      /* datagrams in reassembly at once (default 4096) */
	size_t max_bytes;         /* bytes held across all trackers (default 64 MiB) */
	size_t max_frags;         /* fragments per datagram (default 256) */
	uint64_t timeout_ns;      /* default 60 s */
	enum defrag_policy policy;
} defrag_limits_t;

typedef struct defrag_stats {
	uint64_t fragments;       /* fragments accepted */
	uint64_t reassembled;     /* datagrams completed */
	uint64_t timeouts;        /* trackers expired incomplete */
	uint64_t dropped;         /* fragments dropped: caps, bad offsets, bad sizes */
	uint64_t overlaps;        /* fragments overlapping held data */
	uint64_t evicted;         /* trackers evicted to make room */
	uint64_t evicted_frags;   /* fragments those evicted trackers held (lost) */
} defrag_stats_t;

typedef struct defrag defrag_t;

/* limits may be NULL (defaults); zero fields take defaults too. */
defrag_t *defrag_new(const defrag_limits_t *limits);
void defrag_free(defrag_t *d);

/*
 * Add a fragment seen at ts_ns.  Returns 1 when it completes a datagram:
 * *out, *outlen then hold the reassembled transport payload (without IP
 * header), valid until the next defrag_add() or defrag_free(); *done holds
 * the datagram's addresses, id and proto.  Returns 0 when held, and -1 when
 * dropped (counted).
 */
int defrag_add(defrag_t *d, uint64_t ts_ns, const ip_frag_t *f, const uint8_t **out,
	       uint32_t *outlen, ip_frag_t *done);

const defrag_stats_t *defrag_stats(const defrag_t *d);
size_t defrag_bytes_held(const defrag_t *d);

#endif
