/*
 * timeline.h - when a domain was active: a mergeable sketch of its
 * queries and payload bytes over time, on a grid of TL_N buckets whose
 * width is a power of two seconds (bucket b holds the seconds
 * [b * 2^level, (b + 1) * 2^level), counted from the epoch).
 *
 * Exact and order-free: the level is the smallest at which the buckets of
 * the first and the last second seen are fewer than TL_N apart, and every
 * count is a sum, so the sketch of a set of messages does not depend on
 * their order, and merging the sketches of pieces (at the larger level, then
 * coarser while the union does not fit) gives the sketch of the whole.
 *
 * The counts are weights: queries, payload characters of the query names
 * and payload bytes of the answers.  A report spreads the finding's own
 * totals over the buckets in proportion to them (timeline_spread), so its
 * rows add up to the finding's queries, bytes_out and bytes_in exactly.
 */
#ifndef DNSTS_TIMELINE_H
#define DNSTS_TIMELINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define TL_N 32

typedef struct timeline {
	uint32_t level;          /* bucket width 2^level seconds */
	uint32_t nq;             /* messages counted (0: empty) */
	uint64_t lo, hi;         /* first and last bucket index at level */
	uint32_t q[TL_N];        /* queries in bucket lo + i */
	uint32_t out[TL_N];      /* payload characters of query names */
	uint32_t in[TL_N];       /* payload bytes of answers */
} timeline_t;

/*
 * A timeline while all its messages fall in one second: a few counters,
 * kept in the aggregate itself, so that the many domains seen in one
 * exchange need no timeline_t.  timeline_one_add takes a message of the
 * same second (or the first) and returns false for another second: the
 * caller then moves to a timeline_t (timeline_from_one) and adds it there.
 */
typedef struct timeline_one {
	uint64_t sec;            /* the second (valid when n > 0) */
	uint32_t n;              /* messages */
	uint32_t q, out, in;
} timeline_one_t;

bool timeline_one_add(timeline_one_t *o, uint64_t ts_ns, uint32_t queries, uint64_t out,
		      uint64_t in);
/* t := the timeline of o (empty when o is). */
void timeline_from_one(timeline_t *t, const timeline_one_t *o);

/* Add weights (queries, out, in) at ts_ns. */
void timeline_add(timeline_t *t, uint64_t ts_ns, uint32_t queries, uint64_t out, uint64_t in);

/* dst := dst u src */
void timeline_merge(timeline_t *dst, const timeline_t *src);

/* Rows of a report: the bucket width in seconds and per bucket (nrows =
 * hi - lo + 1, at most TL_N) its start in seconds since the epoch and
 * total queries, bytes_out and bytes_in spread over the buckets by the
 * weights (largest remainder: the rows add up to the totals exactly; when
 * a weight column is all zero, by the queries, then into the first bucket). */
typedef struct timeline_row {
	uint64_t start_s;
	uint64_t queries, bytes_out, bytes_in;
} timeline_row_t;
size_t timeline_spread(const timeline_t *t, uint64_t queries, uint64_t bytes_out,
		       uint64_t bytes_in, uint64_t *bucket_s, timeline_row_t rows[TL_N]);


/*
 * A steady rhythm (a beacon): at least TL_RHYTHM_MIN_Q queries over at
 * least TL_RHYTHM_MIN_B buckets, no bucket between the first and the last
 * without a query, and the queries of those inner buckets varying by at
 * most TL_RHYTHM_MAX_CV (coefficient of variation).  Then *period_s is the
 * mean time between queries (span / (queries - 1)) and *jitter that
 * variation.  Read from the sketch alone: exact over pieces too.
 */
#define TL_RHYTHM_MIN_Q 8
#define TL_RHYTHM_MIN_B 6
#define TL_RHYTHM_MAX_CV 0.25
bool timeline_rhythm(const timeline_t *t, uint64_t first_ns, uint64_t last_ns, uint64_t queries,
		     double *period_s, double *jitter);

#endif
