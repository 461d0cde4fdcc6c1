/*
 * aggregate.h - bounded per-base-domain accumulators, with one sub-record
 * per (client, base domain).  Everything a score needs is kept as counters,
 * sums, a HyperLogLog sketch of unique payloads, a short dedup window, a
 * capped sample of unique payload text (for a compressed-size estimate in
 * the spirit of Paxson et al., USENIX Security 2013) and a few sample
 * names; never a per-query list.  Two aggregates merge.
 *
 * Memory: the light part (counters) is always there; the detail part
 * (sketch, samples, base candidates: about 3 KiB) is allocated the first
 * time the domain sees a payload that could carry data (8 characters or
 * more, bytes outside hostname syntax, or a data record type).  Clients
 * beyond max_clients are counted in clients_dropped, not listed.
 */
#ifndef DNSTS_AGGREGATE_H
#define DNSTS_AGGREGATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dns_const.h"
#include "dns_wire.h"
#include "feature.h"
#include "fingerprint.h"
#include "pkt.h"

enum agg_qt {
	AQ_A, AQ_AAAA, AQ_TXT, AQ_NULL, AQ_CNAME, AQ_MX, AQ_KEY, AQ_SRV, AQ_PRIVATE,
	AQ_NS, AQ_PTR, AQ_ANY, AQ_HTTPS, AQ_OTHER, AQ_N
};
/* Counted rcodes: the first six by their own number, the rest as OTHER. */
enum agg_rc {
	AR_NOERROR = DNS_RCODE_NOERROR,
	AR_FORMERR = DNS_RCODE_FORMERR,
	AR_SERVFAIL = DNS_RCODE_SERVFAIL,
	AR_NXDOMAIN = DNS_RCODE_NXDOMAIN,
	AR_NOTIMP = DNS_RCODE_NOTIMP,
	AR_REFUSED = DNS_RCODE_REFUSED,
	AR_OTHER,
	AR_N
};

#define AGG_HLL_P 8
#define AGG_HLL_M (1u << AGG_HLL_P)
#define AGG_DEDUP 64
#define AGG_RDEDUP 32
#define AGG_SAMPLE_BYTES 1024
#define AGG_NSAMPLES 4
#define AGG_SAMPLE_LEN 200
#define AGG_NCAND 6
#define AGG_CAND_LEN 120
#define AGG_MAX_RESOLVERS 8
#define AGG_MAX_INPUTS 16

typedef struct agg_client {
	ip_addr_t ip;
	uint64_t queries, uniq, uniq_chars, bytes_in, first_ns, last_ns;
} agg_client_t;

typedef struct agg_cand {
	uint64_t h;
	uint32_t count;
	uint8_t depth;
	char name[AGG_CAND_LEN];
} agg_cand_t;

typedef struct agg_detail {
	uint8_t hll[AGG_HLL_M];
	uint32_t dedup[AGG_DEDUP];
	uint32_t rdedup[AGG_RDEDUP];
	uint8_t dedup_pos, rdedup_pos;
	uint8_t sample[AGG_SAMPLE_BYTES];  /* unique payload text, '\n' separated */
	uint16_t sample_len;
	agg_cand_t cand[AGG_NCAND];
	char samples[AGG_NSAMPLES][AGG_SAMPLE_LEN];
	uint8_t nsamples;
	uint8_t best[DNS_MAX_NAME + 1];    /* longest unique payload, dots removed */
	uint16_t best_len;
	bool best_based;                   /* best was taken with the base known */
} agg_detail_t;

typedef struct agg {
	/* Hot: read or written by every message and by the eviction sweep
	 * (agg_suspicion), so kept together in the first cache lines. */
	uint64_t queries, responses, first_ns, last_ns;
	uint64_t uniq, uniq_chars, resp_uniq_bytes;
	double sum_unlike;
	agg_detail_t *d;
	agg_client_t *clients;             /* cclients records, then cclients tags */
	uint32_t nclients, cclients;
	uint8_t nresolvers, ninputs;
	uint8_t prev_len;
	uint8_t prev[16];                  /* prefix of the previous payload */
	ip_addr_t resolvers[AGG_MAX_RESOLVERS];
	uint32_t inputs[AGG_MAX_INPUTS];
	uint64_t payload_queries, allowlisted;
	uint64_t qtype[AQ_N], rcode[AR_N];
	/* over unique (newly seen) payloads */
	uint64_t sum_labels, max_len, n_long, n_unlike, n_mixed, n_binary;
	double sum_entropy;
	uint64_t enc_count[FEAT_NENC];
	uint64_t n_base_mixed;             /* names with mixed-case base labels (0x20) */
	uint64_t n_seq;                    /* payloads sharing a prefix with the previous */
	uint64_t cand_total;
	/* responses */
	uint64_t resp_data, resp_data_bytes, resp_decoded_bytes, resp_addr_bytes;
	double resp_entropy_sum;
	uint64_t resp_entropy_n;
	uint64_t q_answers, q_answer_bytes;  /* answer records carried inside queries */
	fp_acc_t fp;
	uint64_t clients_dropped;
} agg_t;

/* A per-detector cache of payload features by payload text: benign
 * traffic repeats a small vocabulary of labels ("www", "mail", "api")
 * under ever new domains, and features_compute() is the costliest step
 * of a new payload.  Only short payloads are cached. */
typedef struct agg_fcache agg_fcache_t;
agg_fcache_t *agg_fcache_new(void);
void agg_fcache_free(agg_fcache_t *c);
/* features_compute() through the cache (c NULL: no cache). */
void agg_features(agg_fcache_t *c, const feat_labels_t *fl, feat_t *f);

/* One query as detect hands it over. */
typedef struct agg_query {
	const dns_name_t *name;
	unsigned npay;          /* payload labels: [0, npay), or [1, nlabels) in prefix mode */
	unsigned reg_first;     /* first label of the registered domain */
	unsigned nlabels;       /* labels considered (search suffix dropped) */
	bool prefix_mode;
	bool base_mixed;
	uint16_t qtype;
	uint64_t ts_ns;
	const ip_addr_t *client, *resolver;
	uint32_t input_id;
	agg_fcache_t *fcache;   /* NULL: no cache */
} agg_query_t;

void agg_init(agg_t *g);
void agg_clear(agg_t *g);   /* free what agg_init/agg_add_* allocated */

/* Heap bytes the aggregate holds (its detail and client list), for the
 * caller's memory bound. */
static inline size_t agg_heap_bytes(const agg_t *g)
{
	return (g->d ? sizeof(*g->d) : 0) + g->cclients * (sizeof(*g->clients) + sizeof(uint32_t));
}

int agg_qt_index(uint16_t qtype);
const char *agg_qt_name(int idx);

/* A query.  Its payload is hashed (unique estimate, dedup window, base
 * candidates) with a fixed key, not the detector's: the sketches of
 * aggregates built apart must compare so that they merge.  Returns -1 on
 * allocation failure (the query is still counted). */
int agg_add_query(agg_t *g, const agg_query_t *q, size_t max_clients);

/* A query for an allowlisted name: counted (queries, query type, time
 * span) and marked allowlisted; its name is not payload and its client is
 * not listed. */
void agg_add_allowlisted_query(agg_t *g, uint16_t qtype, uint64_t ts_ns);

/* Answer records carrying bytes of RDATA inside a query (data in the
 * wrong section); bytes 0: nothing to count. */
void agg_add_query_answers(agg_t *g, uint64_t bytes);

/* An answer record of a response (type, RDATA), for the protocol
 * fingerprint; agg_add_response() then counts the response. */
static inline void agg_add_answer_rr(agg_t *g, uint16_t type, const uint8_t *rdata,
				     size_t rdlen)
{
	fp_answer(&g->fp, type, rdata, rdlen);
}

/* A response: rcode and the data its answers carry.  data_bytes: RDATA of
 * TXT/NULL/CNAME/MX/... records; decoded: estimated payload bytes; h: hash
 * of the answer data (0: none); ent: entropy of the data (< 0: none). */
void agg_add_response(agg_t *g, const ip_addr_t *client, const ip_addr_t *resolver,
		      uint64_t ts_ns, uint16_t rcode, uint64_t data_bytes, uint64_t decoded,
		      uint64_t addr_bytes, uint32_t h, double ent, uint32_t input_id,
		      size_t max_clients);

int agg_merge(agg_t *dst, const agg_t *src, uint32_t input_offset, size_t max_clients);

double agg_unique(const agg_t *g);          /* HLL estimate (uniq when no detail) */
double agg_compress_ratio(const agg_t *g);  /* compressed/raw of the sample, 1 if none */
/* The dominant encoding among unique payloads (0: none dominates). */
uint32_t agg_encoding(const agg_t *g, double *share);
/* Labels to prepend to the registered domain: the longest candidate base
 * that carries >= 80% of payload queries; NULL when none. */
const char *agg_base(const agg_t *g);
/* A cheap suspicion measure for eviction (higher keeps). */
double agg_suspicion(const agg_t *g);

#endif
