/*
 * aggregate.h - bounded per-domain accumulators, with one sub-record per
 * (client, domain).  Everything a score needs is kept as integer counters,
 * a sketch of the distinct payloads (payset.h: their number, characters,
 * encodings, entropy, a few texts) and a sketch of the distinct answer
 * data; never a per-query list.
 *
 * Exact and order-free: the state after a set of messages depends only on
 * that set, so two aggregates merge into the aggregate of the union
 * (agg_merge is associative and commutative): a capture cut into pieces
 * and merged gives the aggregate of the whole capture.  Sums are integers;
 * sketches keep the records with the smallest unkeyed hashes; lists
 * (clients, resolvers, inputs) are sets, ordered when read.  The only
 * exceptions are the caps: clients beyond max_clients are counted in
 * clients_dropped, not listed; resolvers and inputs beyond their arrays
 * are not listed.
 *
 * Memory: the light part (counters) is always there; the detail part
 * (payload and answer sketches) is allocated with the first payload or
 * answer data.
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
#include "kmv.h"
#include "payset.h"
#include "pivots.h"
#include "pkt.h"
#include "timeline.h"

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

#define AGG_RSET_K 256      /* distinct answers kept in the answer sketch */
#define AGG_MAX_RESOLVERS 8
#define AGG_MAX_INPUTS 16
#define AGG_ENTROPY_UNIT 1000 /* answer entropy is summed in millibits per byte */

/* A flow of a client's queries (transport, ports, server; the client is
 * the other end) and the time of its first query there. */
typedef struct agg_flow {
	uint64_t first_ns;
	ip_addr_t server;
	uint8_t transport;
	uint16_t sport, dport;
} agg_flow_t;

/* Flows of a client listed (for their Community IDs): the earliest. */
#define AGG_CLIENT_FLOWS 8

typedef struct agg_client {
	ip_addr_t ip;
	uint8_t nflows;                          /* see flows below */
	bool flows_more;
	uint32_t tl_n;                           /* see tl below */
	uint64_t queries;
	uint64_t payload_queries, payload_chars; /* with repeats */
	uint64_t answer_decoded;                 /* decoded answer bytes, with repeats */
	uint64_t resp_data, resp_data_bytes;     /* responses to it that carried record
	                                            data, and their data bytes */
	uint64_t first_ns, last_ns;
	ip_addr_t server;                        /* the lowest address it sent queries to */
	bool many_servers;                       /* and it sent queries to others too */
	/* the flow of its first query (the earliest; at equal times the
	 * smallest server, ports, transport), for its Community ID */
	uint8_t flow_transport;
	uint16_t flow_sport, flow_dport;
	ip_addr_t flow_server;
	/* its activity over time (timeline.h): weights 1 per query, the
	 * query's payload characters, the decoded bytes of an answer to it.
	 * While all its messages fall in one second, tl is NULL and that
	 * second (tl_sec) and their number (tl_n) say it all: the weights are
	 * then queries, payload_chars and answer_decoded; a message of another
	 * second (or of a second past 2^32) allocates tl (agg_t.ctl counts
	 * them). */
	uint32_t tl_sec;
	timeline_t *tl;
	/* its distinct flows: the AGG_CLIENT_FLOWS smallest by (first query
	 * time, server, ports, transport), so the first is the flow above, and
	 * whether it had more.  flows is NULL while it has one (the flow
	 * above, at first_ns), else nflows of them in that order, in an array
	 * of 2, 4 or 8 (agg_t.cflows counts them). */
	agg_flow_t *flows;
} agg_client_t;

/* One distinct answer (its data hashed). */
typedef struct agg_rent {
	uint64_t h;
	uint32_t count;      /* responses that carried it */
	uint32_t data_bytes; /* record data */
	uint32_t decoded;    /* estimated payload bytes */
	uint32_t pad;
} agg_rent_t;

typedef struct agg_detail {
	payset_t ps;         /* distinct payloads of the queries */
	kmv_t rs;            /* agg_rent_t: distinct answer data */
} agg_detail_t;

typedef struct agg {
	/* Hot: read or written by every message and by the eviction sweep
	 * (agg_suspicion), so kept together in the first cache lines. */
	uint64_t queries, responses, first_ns, last_ns;
	agg_detail_t *d;
	agg_client_t *clients;             /* cclients records, then cclients tags */
	uint32_t nclients, cclients;
	uint8_t nresolvers, ninputs, nresponders;
	bool earned;                       /* a message showed data (see detect.c) */
	uint8_t upstream;                  /* set by agg_view_without: bit i, resolvers[i] is
	                                      a server only the dropped resolvers asked */
	ip_addr_t resolvers[AGG_MAX_RESOLVERS];
	ip_addr_t responders[AGG_MAX_RESOLVERS]; /* hosts that sent its responses */
	uint32_t inputs[AGG_MAX_INPUTS];
	uint64_t payload_queries, allowlisted;
	uint64_t qtype[AQ_N], rcode[AR_N];
	uint64_t n_base_mixed;             /* names with mixed-case base labels (0x20) */
	/* responses */
	uint64_t resp_data, resp_data_bytes, resp_addr_bytes;
	uint64_t resp_entropy_sum, resp_entropy_n; /* millibits per byte */
	uint64_t q_answers, q_answer_bytes;  /* answer records carried inside queries */
	fp_acc_t fp;
	uint64_t clients_dropped;
	/* set by agg_view_without: queries the dropped resolvers asked that
	 * forward no client query in the capture (clients not captured) */
	uint64_t upstream_only, upstream_only_chars; /* and their payload characters */
	/* queries asked with a search suffix dropped (suffixes.h), and the
	 * smallest hash of such a suffix (0: none) */
	uint64_t suffixed_queries, suffix_h;
	pivots_t pv;                       /* frames per input (pivots.h) */
	timeline_t *tl;                    /* activity over time (timeline.h), once
	                                      messages fall in two seconds; */
	timeline_one_t tl1;                /* before: their second's counters */
	uint32_t ctl;                      /* clients with a timeline_t of their own */
	uint32_t cflows;                   /* agg_flow_t allocated for the clients */
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

/* A host's hash among a payload's askers (payset.h): unkeyed, so that
 * aggregates built by different processes merge. */
uint32_t agg_host_hash(const ip_addr_t *ip);

/* The two legs of one exchange at a resolver: the client's query and
 * the resolver's upstream query for the same name come within this. */
#define AGG_LEG_WINDOW_NS (10ull * 1000000000ull)

/* One query as detect hands it over. */
typedef struct agg_query {
	const dns_name_t *name;
	unsigned npay;          /* payload labels: [0, npay), or [1, nlabels) in prefix mode */
	unsigned nlabels;       /* labels considered (search suffix dropped) */
	bool prefix_mode;
	bool base_mixed;        /* the resolver randomises case (0x20) */
	uint64_t suffix_h;      /* a search suffix was dropped: its hash; 0: none */
	uint16_t qtype;
	uint64_t ts_ns;
	const ip_addr_t *client, *resolver;
	uint32_t input_id;
	agg_fcache_t *fcache;   /* NULL: no cache */
	uint16_t sport, dport;  /* of the query's flow (0, 0: unknown) */
	uint8_t transport;      /* 17 UDP, 6 TCP */
} agg_query_t;

/* One response as detect hands it over. */
typedef struct agg_response {
	const ip_addr_t *client, *resolver;
	uint64_t ts_ns;
	uint16_t rcode;
	uint32_t input_id;
	uint64_t data_bytes;    /* RDATA of TXT/NULL/CNAME/MX/... answers */
	uint64_t decoded;       /* estimated payload bytes in them */
	uint64_t addr_bytes;    /* A/AAAA answer bytes */
	uint64_t h;             /* unkeyed hash of the answer data (0: none) */
	double entropy;         /* of the answer data, bits per byte (< 0: none) */
} agg_response_t;

void agg_init(agg_t *g);
void agg_clear(agg_t *g);   /* free what agg_init/agg_add_* allocated */
/* g's timeline into *tmp when it has none of its own: the one to read. */
const timeline_t *agg_timeline(const agg_t *g, timeline_t *tmp);
void agg_release(agg_t *g); /* the same, leaving g as it is (to be reused) */
size_t agg_heap_bytes(const agg_t *g); /* what agg_add_* allocated */

int agg_qt_index(uint16_t qtype);
const char *agg_qt_name(int idx);
const char *agg_rc_name(int idx);

/* Count a message under the domain without looking at its payload (an
 * allowlisted name): a query adds to queries, qtypes and times; a
 * response to responses, rcodes and times. */
void agg_count_query(agg_t *g, uint16_t qtype, uint64_t ts_ns);
void agg_count_response(agg_t *g, uint16_t rcode, uint64_t ts_ns);

/* A query for an allowlisted name: counted (queries, query type, time
 * span) and marked allowlisted; its name is not payload and its client is
 * not listed. */
void agg_add_allowlisted_query(agg_t *g, uint16_t qtype, uint64_t ts_ns);

/* An answer record of a response (type, RDATA), for the protocol
 * fingerprint; agg_add_response() then counts the response. */
static inline void agg_add_answer_rr(agg_t *g, uint16_t type, const uint8_t *rdata,
				     size_t rdlen)
{
	fp_answer(&g->fp, type, rdata, rdlen);
}

/* A query.  Returns -1 on allocation failure (the query is still
 * counted). */
int agg_add_query(agg_t *g, const agg_query_t *q, size_t max_clients);

/* Answer records found inside a query (bytes of their RDATA). */
void agg_add_query_answers(agg_t *g, uint64_t bytes);

/* A response.  Returns -1 on allocation failure (still counted). */
int agg_add_response(agg_t *g, const agg_response_t *r, size_t max_clients);

/* dst := dst u src.  input ids of src are shifted by input_offset. */
int agg_merge(agg_t *dst, const agg_t *src, uint32_t input_offset, size_t max_clients);

/* Read-outs: the same for the same set of messages. */
double agg_unique(const agg_t *g);          /* distinct payloads (estimated beyond K) */
void agg_payloads(const agg_t *g, ps_sum_t *sum);
double agg_compress_ratio(const agg_t *g);  /* compressed/raw of the kept texts, 1 if none */
/* The dominant encoding among distinct payloads (0: none dominates). */
uint32_t agg_encoding(const agg_t *g, const ps_sum_t *sum, double *share);
/* Distinct answers: their count, record bytes and decoded bytes. */
void agg_answers(const agg_t *g, double *distinct, double *data_bytes, double *decoded);
/* The longest payload (dots removed), or NULL. */
const uint8_t *agg_best(const agg_t *g, size_t *len);
/* Query names kept as samples (up to PAYSET_NTEXT, by hash). */
size_t agg_samples(const agg_t *g, const char **names, size_t max);
/* A cheap suspicion measure for eviction (higher keeps). */
double agg_suspicion(const agg_t *g);
/* Is resolvers[i] of a view an upstream server (asked only by the
 * resolvers the view dropped: the zone's authoritative server when the
 * capture holds a resolver's upstream leg)? */
static inline bool agg_is_upstream(const agg_t *g, unsigned i)
{
	_Static_assert(AGG_MAX_RESOLVERS <= 8, "a bit of agg_t.upstream per resolver");
	return i < AGG_MAX_RESOLVERS && (g->upstream >> i & 1);
}

/*
 * A read-only view of g without the clients that drop() picks (recursive
 * resolvers asking on their clients' behalf): they move to the view's
 * resolvers, and the counts of queries (by type) and responses (by rcode)
 * shrink by the dropped clients' queries that forwarded a client query of
 * the capture: the same payload asked by another host within
 * AGG_LEG_WINDOW_NS (payset_upstream; a share estimated from the kept
 * payloads; without payloads, all of their queries when other clients
 * remain), so that each exchange counts once.  view->upstream_only: the
 * dropped clients' other queries (asked for clients not in the capture).  The view shares g's detail
 * and uses cbuf (g->nclients entries) for its client list; it is valid
 * while g is unchanged, and is never cleared.  Returns the clients dropped.
 */
uint32_t agg_view_without(const agg_t *g, bool (*drop)(const void *ctx, const ip_addr_t *ip),
			  const void *ctx, agg_t *view, agg_client_t *cbuf);

/* c's timeline into *tmp when it has none of its own: the one to read. */
const timeline_t *agg_client_timeline(const agg_client_t *c, timeline_t *tmp);

/* 0 when a and b are the same flow (server, ports, transport), else their
 * order by those. */
int agg_flow_tuple_cmp(const agg_flow_t *a, const agg_flow_t *b);

/* c's flows in their order (at most AGG_CLIENT_FLOWS; 0: none known). */
size_t agg_client_flows(const agg_client_t *c, agg_flow_t *out);

/* Clients sorted by address (what a report lists). */
void agg_clients_sorted(const agg_t *g, const agg_client_t **out);

#endif
