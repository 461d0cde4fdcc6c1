/*
 * pivots.h - where a domain's messages sit in the inputs: per input, the
 * first and last frame number and the count of frames that carried them
 * (frame_span_t: IP fragments and TCP segments included), and the count of
 * frames in which one of them ends (the frame where Wireshark shows the
 * message, which a display filter on its name selects).  A few counters
 * per input, never a per-frame list.
 *
 * Order-free over inputs: each input's entry depends only on its own
 * messages, and entries of different inputs are kept apart, so merging
 * the pivots of pieces gives the entries of the pieces.  A frame is counted
 * once when two messages of the domain share it, which is exact for frames
 * delivered in order (UDP, IP fragments) and for the segment that ends one
 * TCP message and starts the next.
 */
#ifndef DNSTS_PIVOTS_H
#define DNSTS_PIVOTS_H

#include <stddef.h>
#include <stdint.h>

#include "pkt.h"

typedef struct pivot_frames {
	uint32_t input;          /* input id */
	uint32_t pad;
	uint64_t first, last;    /* frame numbers */
	uint64_t count;          /* frames that carried the messages */
	uint64_t shown;          /* frames in which a message ends */
	uint64_t last_shown;     /* (the last of them, to count each once) */
} pivot_frames_t;

typedef struct pivots {
	pivot_frames_t first;    /* the first input's entry: most domains are
	                            seen in one input, and need no allocation */
	pivot_frames_t *more;    /* the other inputs', in the order first seen */
	uint32_t nframes, cmore; /* nframes: entries, first included */
} pivots_t;

/* Entry i (< nframes). */
static inline const pivot_frames_t *pivots_at(const pivots_t *p, uint32_t i)
{
	return i ? &p->more[i - 1] : &p->first;
}

/* A message of input input carried by span (n == 0: nothing counted).
 * -1 when out of memory (not counted). */
int pivots_add(pivots_t *p, uint32_t input, const frame_span_t *span);

/* dst := dst u src, src's input ids shifted by input_offset. */
int pivots_merge(pivots_t *dst, const pivots_t *src, uint32_t input_offset);

void pivots_clear(pivots_t *p);
static inline size_t pivots_heap_bytes(const pivots_t *p)
{
	return p->cmore * sizeof *p->more;
}

#endif
