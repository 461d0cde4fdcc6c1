/*
 * tcp_reasm.h - TCP stream reassembly for DNS over TCP (RFC 1035 4.2.2,
 * RFC 7766): each direction of a connection is rebuilt into a byte stream
 * and cut into messages by their two-byte length prefix.  The design is
 * described at the top of tcp_reasm.c.
 */
#ifndef DNSTS_TCP_REASM_H
#define DNSTS_TCP_REASM_H

#include <stddef.h>
#include <stdint.h>

#include "pkt.h"

typedef struct tcp_limits {
	size_t max_streams;        /* connections tracked at once (default 65536) */
	size_t max_stream_bytes;   /* bytes held per direction (default 256 KiB) */
	size_t max_total_bytes;    /* bytes held across all streams (default 128 MiB) */
	uint64_t idle_timeout_ns;  /* evict after this much packet time idle (default 600 s) */
} tcp_limits_t;

typedef struct tcp_stats {
	uint64_t streams;          /* connections (direction pairs) seen */
	uint64_t messages;         /* DNS messages cut out of streams */
	uint64_t gaps;             /* holes never filled: data lost */
	uint64_t dropped_bytes;    /* bytes dropped by the caps */
	uint64_t evicted;          /* streams evicted (idle, or to make room) */
	uint64_t retransmitted;    /* segments whose data was already seen (wholly
	                              or partly) */
	uint64_t unfinished_bytes; /* bytes of incomplete messages discarded at a
	                              gap, close, eviction or flush */
	uint64_t skipped_bytes;    /* bytes discarded while looking for a message
	                              boundary (mid-connection start, after a gap) */
} tcp_stats_t;

/*
 * Called once per complete DNS message, in stream order.  seg carries the
 * message's direction (src = sender), ports and the timestamp of the segment
 * that completed it; seg->payload and seg->paylen are the message without
 * its length prefix.  The bytes are valid only during the call.
 */
typedef void (*tcp_msg_fn)(void *ud, const l4_pkt_t *seg);

typedef struct tcp_reasm tcp_reasm_t;

tcp_reasm_t *tcp_reasm_new(const tcp_limits_t *limits, tcp_msg_fn fn, void *ud);
void tcp_reasm_free(tcp_reasm_t *t);

/* Feed one TCP segment (any direction; SYN, FIN, RST and pure ACKs too). */
void tcp_reasm_add(tcp_reasm_t *t, const l4_pkt_t *seg);

/* End of input: deliver what can still be delivered, count the rest. */
void tcp_reasm_flush(tcp_reasm_t *t);

const tcp_stats_t *tcp_reasm_stats(const tcp_reasm_t *t);
size_t tcp_reasm_bytes_held(const tcp_reasm_t *t);

#endif
