/*
 * finding.h - one scored base domain, as detection hands it to the report.
 * Plain data, built from a domain's aggregate and score: the report module
 * turns it into JSON, text, RPZ and STIX.
 */
#ifndef DNSTS_FINDING_H
#define DNSTS_FINDING_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "pivots.h"
#include "pkt.h"
#include "timeline.h"

#define FINDING_FLOWS 8

typedef struct finding_client {
	ip_addr_t ip;
	uint64_t queries;
	uint64_t bytes_out, bytes_in;
	uint64_t first_ns, last_ns;
	char **other_suspicious;   /* other base domains this client used that
	                              scored above the reporting floor (may be NULL) */
	size_t nother;
	ip_addr_t direct_server;   /* v != 0: it sent its queries straight to this
	                              server, which is no resolver of the network */
	/* the flow of its first query (server v == 0: unknown) */
	ip_addr_t flow_server;
	uint16_t flow_sport, flow_dport;
	uint8_t flow_transport;
	/* its flows (for their Community IDs): the first FINDING_FLOWS by the
	 * time of their first query, the first being the flow above; nflows
	 * is their number, of all when !flows_more */
	struct {
		ip_addr_t server;
		uint16_t sport, dport;
		uint8_t transport;
	} flows[FINDING_FLOWS];
	uint8_t nflows;
	bool flows_more;
	/* its activity over time: rows add up to its queries, bytes_out, bytes_in */
	uint64_t timeline_bucket_s;
	timeline_row_t *timeline; size_t ntimeline;
} finding_client_t;

typedef struct finding_count {
	char name[16];             /* "TXT", "NXDOMAIN", "TYPE65280" */
	uint64_t n;
} finding_count_t;

typedef struct finding_feature {
	const char *name;          /* static */
	double value;
} finding_feature_t;

typedef struct finding {
	char *domain;              /* base domain under which payload labels vary */
	char *registered_domain;   /* from the Public Suffix List; may equal domain */
	double score;              /* 0..100 */
	int risk_score;            /* 1..99; set by the report module */
	const char *confidence;    /* "low" | "medium" | "high" */
	const char *tool;          /* "iodine", "dnscat2", ... or NULL */
	bool allowlisted;          /* only with --all */
	const char *allowlist_reason;
	bool exfil;                /* data leaves in the queries (T1048.003) */
	uint64_t first_ns, last_ns;
	uint64_t queries, responses, unique_subdomains;
	/* of the queries: asked by resolvers for clients not in the capture
	 * (no client query for the same name); in queries, in no client's */
	uint64_t upstream_only;
	finding_count_t *qtypes; size_t nqtypes;
	finding_count_t *rcodes; size_t nrcodes;
	uint64_t bytes_out, bytes_in;
	finding_client_t *clients; size_t nclients;
	ip_addr_t *resolvers; size_t nresolvers;
	ip_addr_t *upstream; size_t nupstream; /* servers only the resolvers asked */
	uint32_t *input_ids; size_t ninputs;
	pivot_frames_t *frames; size_t nframes;   /* per input, by input id */
	/* activity over time: rows add up to queries, bytes_out, bytes_in */
	uint64_t timeline_bucket_s;
	timeline_row_t *timeline; size_t ntimeline;
	bool beacon;               /* a steady rhythm (timeline_rhythm) */
	double beacon_period_s, beacon_jitter;
	char **reasons; size_t nreasons;          /* sentences */
	char **false_positive_hints; size_t nhints; /* when borderline */
	finding_feature_t *features; size_t nfeatures;
	char **samples; size_t nsamples;          /* sample query names */
	/* decoded sample; encoding NULL when nothing decoded cleanly */
	const char *decoded_encoding;
	uint8_t *decoded; size_t decoded_len;
} finding_t;

struct agg;
struct score_out;
struct placement;

/* The finding of base key key (registered: its registered domain, NULL:
 * the key itself; allow_reason non-NULL: allowlisted) from its aggregate g
 * and score so.  pl (may be NULL): where hosts sit, to name clients that
 * send their queries straight to a server that is not a resolver of the
 * network (g is then a view without the resolvers, agg_view_without).  The sentences and the hint move from so
 * into the finding (so keeps none of them); the rest is copied, and
 * score_out_clear(so) still frees what so holds.  NULL when out of
 * memory. */
finding_t *finding_new(const struct agg *g, const char *key, const char *registered,
		       const char *allow_reason, struct score_out *so,
		       const struct placement *pl);

/* One more sentence among f's reasons (copied); -1: no memory. */
int finding_add_reason(finding_t *f, const char *text);
void finding_free(finding_t *f);
void findings_free(finding_t **fs, size_t n);

#endif
