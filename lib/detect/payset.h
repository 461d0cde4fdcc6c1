/*
 * payset.h - the distinct payloads of one domain, as a mergeable sketch.
 *
 * A payset keeps the PAYSET_K payloads with the smallest 64-bit hashes
 * (a k-minimum-values sketch, Bar-Yossef et al. 2002), each with the
 * features of its text and the number of queries that carried it.  Every
 * quantity the detector derives from distinct payloads (how many, their
 * characters, labels, entropy, encodings, how unlike hostnames they are)
 * is computed from the kept entries, scaled to the estimated number of
 * distinct payloads when more than PAYSET_K were seen.
 *
 * What this buys: the state after a set of queries depends only on that
 * set, not on the order in which the queries came or how they were cut
 * into inputs.  Adding a payload twice, or merging a payset with itself,
 * changes only the query counts; payset_merge() is associative and
 * commutative, and merging the paysets of consecutive pieces of a capture
 * gives the payset of the whole (to the bit: sums run over entries in
 * hash order).  Below PAYSET_K distinct payloads every count is exact.
 *
 * The hash must not be keyed per process: paysets built by different
 * processes merge.  Crafted payloads can at most bias the estimate
 * (entries are looked up by binary search, not in a hash table).
 *
 * A few payload texts ride along for the report (the PAYSET_NTEXT
 * smallest hashes among payloads of PAYSET_TEXT_MIN characters or more, or
 * with binary octets: the sample of what was sent, and the text that the
 * compressed-size estimate reads), and the longest payload (the decoded
 * sample), chosen by length and then by hash; for one hash, the smallest
 * query name.  So these are order-free too.
 */
#ifndef DNSTS_PAYSET_H
#define DNSTS_PAYSET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dns_wire.h"
#include "feature.h"
#include "kmv.h"

#define PAYSET_K 256
#define PAYSET_NTEXT 8
#define PAYSET_TEXT_MAX 255
#define PAYSET_NAME_LEN 200
#define PAYSET_TEXT_MIN 8

enum payset_flag {
	PS_F_UNLIKE = 1u << 0,  /* unlike >= 0.5: not a hostname */
	PS_F_MIXED = 1u << 1,   /* mixed case that is not the resolver's 0x20 */
	PS_F_BINARY = 1u << 2,  /* octets outside printable LDH */
	PS_F_LONG = 1u << 3,    /* 30 characters or more */
	PS_F_MANY_ASKERS = 1u << 4, /* more than PS_ASKERS hosts asked for it */
	PS_F_BARE = 1u << 5,     /* queried without a search suffix */
	PS_F_SUFFIXED = 1u << 6, /* queried with a search suffix (suffixes.h) */
};
/* The flags that say how a payload was asked, not what it is: they add up
 * over the queries (and merges) of one payload. */
#define PS_F_STICKY (PS_F_MANY_ASKERS | PS_F_BARE | PS_F_SUFFIXED)

/* Who asked for a payload: the PS_ASKERS hosts with the smallest host
 * hashes, each with its first query time and its query count.  Captured
 * at a resolver, a client's query and the resolver's upstream query for
 * the same name land in the same entry (names compared case-folded when
 * the upstream leg randomises case), so the two legs of one exchange can
 * be matched by name and time (payset_upstream).  Keeping the smallest
 * hashes keeps this order-free: the askers kept after any merge are those
 * of the union. */
#define PS_ASKERS 2
typedef struct ps_asker {
	uint64_t first_ns;   /* earliest query of this host for the payload */
	uint32_t host;       /* payset_host_hash of its address; 0: empty slot */
	uint32_t queries;
} ps_asker_t;

/* One distinct payload. */
typedef struct ps_ent {
	uint64_t h;          /* hash of the payload text (never 0) */
	uint32_t queries;    /* queries that carried it */
	uint8_t len;         /* characters, dots removed (capped at 255) */
	uint8_t nlabels;
	uint8_t flags;       /* enum payset_flag */
	uint8_t enc;         /* enum feat_enc bits */
	float entropy;       /* bits per character */
	float unlike;        /* 0..1 */
	uint8_t prefix[4];   /* first characters, case folded (0-padded) */
	uint32_t hf;         /* hash of the case-folded text (0: not set) */
	ps_asker_t ask[PS_ASKERS]; /* sorted by host; see PS_ASKERS */
} ps_ent_t;

/* A payload text kept for the report. */
typedef struct ps_text {
	uint64_t h;
	uint16_t len;
	uint8_t text[PAYSET_TEXT_MAX];       /* payload characters, dots removed */
	char name[PAYSET_NAME_LEN];          /* the query name as sent (presentation) */
} ps_text_t;

typedef struct payset {
	kmv_t set;           /* ps_ent_t records, the PAYSET_K smallest hashes */
	uint64_t seen;       /* payload queries added (with repeats) */
	uint8_t max_len;     /* longest payload seen, kept or not */
	struct ps_texts *t;  /* allocated with the first payload; NULL: none */
} payset_t;

typedef struct ps_texts {
	uint8_t ntext;
	ps_text_t text[PAYSET_NTEXT]; /* the smallest hashes, sorted by h */
	ps_text_t best;      /* longest payload; len 0: none */
} ps_texts_t;

/* Everything the detector reads from the distinct payloads; counts are
 * scaled to the estimated number of distinct payloads. */
typedef struct ps_sum {
	double distinct;     /* estimated distinct payloads (exact below K) */
	double chars;        /* their characters */
	double labels;
	double n_long, n_unlike, n_mixed, n_binary;
	double entropy_sum, unlike_sum;
	double enc[FEAT_NENC];
	double n_seq;        /* payloads whose 4-character prefix another shares */
} ps_sum_t;

void payset_init(payset_t *s);
void payset_clear(payset_t *s);   /* frees the entries; back to empty */

/* 64-bit hash of a payload text for payset_add (never 0). */
uint64_t payset_hash(const uint8_t *text, size_t len);

/*
 * Adding a payload is three steps, so that its features are computed only
 * when it is new:
 *   payset_lookup   counts the query; returns the kept entry of hash h
 *                   (a repeat: nothing more to do but payset_offer_text),
 *                   or NULL, with *want true when a new entry would be kept
 *                   (compute the features, then payset_insert);
 *   payset_insert   the new entry (ent->queries is ignored);
 *   payset_offer_text  the text and query name, for every query (cheap
 *                   unless the text is a sample candidate).
 * payset_insert and payset_offer_text return 0, or -1 on allocation
 * failure (the payload is then not kept).
 */
ps_ent_t *payset_lookup(payset_t *s, uint64_t h, uint8_t len, bool *want);
int payset_insert(payset_t *s, const ps_ent_t *ent);
int payset_offer_text(payset_t *s, uint64_t h, const uint8_t *text, size_t tl, bool binary,
		      const dns_name_t *name);

/* The three steps at once (tests): name in presentation form or NULL.
 * Returns 1 when the payload is new to the kept set, 0 otherwise, -1 on
 * allocation failure. */
int payset_add(payset_t *s, const ps_ent_t *ent, const uint8_t *text, size_t tl,
	       const char *name);

/* An unkeyed 32-bit hash of a host address (never 0), for ps_asker_t. */
uint32_t payset_host_hash(const uint8_t *addr, size_t len);
/* One query for the payload of e by host at ts_ns. */
void payset_ask(ps_ent_t *e, uint32_t host, uint64_t ts_ns);

/*
 * The two legs of a resolver, matched by name and time: of the queries
 * that the hosts in resolvers[] (host hashes) asked for kept payloads,
 * *matched counts those for which another host asked the same payload
 * within window_ns (the client query the resolver forwarded), *unmatched
 * those asked by the resolver alone (for clients not in the capture).
 * Payloads asked by more than PS_ASKERS hosts are left out of both.
 * Counts are over the kept entries (a sample when saturated).
 */
void payset_upstream(const payset_t *s, const uint32_t *resolvers, size_t nres,
		     uint64_t window_ns, uint64_t *matched, uint64_t *unmatched);

/*
 * The order of two hosts' queries for the same payloads: for each kept
 * payload asked by exactly two hosts whose first queries came within
 * window_ns, vote(ctx, earlier, later) with their host hashes.  A
 * forwarding resolver asks after its client, every time.
 */
void payset_leg_pairs(const payset_t *s, uint64_t window_ns,
		      void (*vote)(void *ctx, uint32_t earlier, uint32_t later), void *ctx);

/* Of the kept payloads, how many were asked by two or more hosts that are
 * not among skip[] (host hashes: resolvers asking on others' behalf). */
uint32_t payset_shared(const payset_t *s, const uint32_t *skip, size_t nskip);

/* Was some kept payload queried both with and without a search suffix
 * (a resolver library's retry)? */
bool payset_both_forms(const payset_t *s);

/* dst := dst u src.  -1 on allocation failure (dst is still valid). */
int payset_merge(payset_t *dst, const payset_t *src);

/* The kept entry of hash h, or NULL. */
static inline ps_ent_t *payset_find(const payset_t *s, uint64_t h)
{
	return kmv_find(&s->set, h);
}

static inline uint32_t payset_n(const payset_t *s)
{
	return s->set.n;
}

static inline const ps_ent_t *payset_at(const payset_t *s, uint32_t i)
{
	return kmv_at(&s->set, i);
}

/* More distinct payloads seen than kept? */
static inline bool payset_saturated(const payset_t *s)
{
	return s->set.dropped;
}


double payset_distinct(const payset_t *s);
void payset_summary(const payset_t *s, ps_sum_t *out);

/* Bytes this payset holds on the heap. */
size_t payset_heap_bytes(const payset_t *s);

#endif
