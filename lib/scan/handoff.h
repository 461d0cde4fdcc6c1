/*
 * handoff.h - the scan pipeline split across two threads.
 *
 * One large capture is read, decoded and reassembled on the calling thread
 * while a second thread parses the DNS messages and feeds the detector:
 * the reading thread copies each message (with its addresses, ports, time
 * and input) into a batch, and hands full batches over.  Messages reach the
 * consumer in exactly the order they were put, so the results are those of
 * the one-thread scan.  Memory is bounded: HANDOFF_BATCHES batches of
 * HANDOFF_BYTES message bytes and HANDOFF_RECS records each; the reader
 * waits when all are in use.
 */
#ifndef DNSTS_HANDOFF_H
#define DNSTS_HANDOFF_H

#include <stdint.h>

#include "pkt.h"

#define HANDOFF_BATCHES 4
#define HANDOFF_BYTES (512u * 1024u)
#define HANDOFF_RECS 4096u

/* One message as handed over; its bytes are kept in the batch. */
typedef struct ho_rec {
	l4_pkt_t l4;         /* payload and paylen point into the batch */
	uint32_t input;
} ho_rec_t;

/* Called on the consumer thread for each message, in order. */
typedef void (*ho_fn)(void *ud, ho_rec_t *r);

typedef struct handoff handoff_t;

/* Start the consumer thread; NULL when it cannot be started (no memory,
 * no thread): the caller then handles messages itself. */
handoff_t *handoff_start(ho_fn fn, void *ud);
/* Hand over one message (copied; len at most HANDOFF_BYTES): its record. */
ho_rec_t *handoff_put(handoff_t *h, const l4_pkt_t *l4, const uint8_t *msg, uint32_t len,
		      uint32_t input);
/* Hand over what is pending and wait until the consumer has handled
 * everything; h stays usable. */
void handoff_drain(handoff_t *h);
/* Drain, stop the consumer thread and free h (NULL: nothing). */
void handoff_stop(handoff_t *h);

#endif
