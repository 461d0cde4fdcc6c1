/*
 * detect.h - the detection engine as the pipeline sees it: DNS messages and
 * non-DNS payloads on DNS ports go in, scored findings come out.
 *
 * Inside, data flows one way: regdomain (base domain split, Public Suffix
 * List) -> features (per query name) -> aggregate (per base domain and
 * client, bounded) -> score (+ fingerprint, allowlist) -> findings.
 * Detectors built on different inputs can be merged.
 */
#ifndef DNSTS_DETECT_H
#define DNSTS_DETECT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dns_wire.h"
#include "finding.h"
#include "pkt.h"

#include <dnsts/dnsts.h>

/* Where and when a message was seen. */
typedef struct dns_event {
	uint64_t ts_ns;
	const ip_addr_t *src, *dst;
	uint16_t sport, dport;
	uint8_t transport;       /* 17 UDP, 6 TCP */
	uint32_t input_id;       /* index of the input in the scanner */
	const frame_span_t *span; /* the frames that carried it (NULL: unknown) */
} dns_event_t;

typedef struct detector detector_t;

/* Reads opt->default_allowlist, opt->allowlist_file, opt->max_domains,
 * opt->max_clients_per_domain.  NULL with a reason in errbuf on failure
 * (allowlist file unreadable: "ALLOWLIST: No such file or directory"). */
detector_t *detector_new(const dnsts_options_t *opt, char *errbuf, size_t errlen);
void detector_free(detector_t *d);

/* Hash with key instead of the process's random key (tests: nothing a
 * report shows may depend on it).  Only before the first message. */
void detector_set_key(detector_t *d, const uint8_t key[16]);

/* One parsed DNS message (query or response).  May iterate m's records. */
void detector_add_msg(detector_t *d, const dns_event_t *ev, dns_msg_t *m);

/* A payload on a DNS port that is not DNS (e.g. iodine's raw UDP mode). */
void detector_add_nondns(detector_t *d, const dns_event_t *ev, const uint8_t *payload,
			 uint32_t len);

/* Merge src into dst (src unchanged).  input ids of src are shifted by
 * input_offset so that both detectors' inputs index one list. */
int detector_merge(detector_t *dst, const detector_t *src, uint32_t input_offset);

/*
 * Score every base domain and return the findings with score >= min_score
 * (all base domains, allowlisted ones included and marked, when all is
 * true), sorted by score then domain.  The array and findings are owned by
 * the caller: free with findings_free().
 */
int detector_findings(detector_t *d, double min_score, bool all, finding_t ***out, size_t *n);

/* Counters the detector keeps for dnsts_stats: base_domains is exact up
 * to 32768 distinct keys and a HyperLogLog estimate (about 1%) beyond;
 * tracked_domains counts detail records created (again after eviction). */
void detector_stats(const detector_t *d, uint64_t *allowlisted_queries, uint64_t *base_domains,
		    uint64_t *tracked_domains, uint64_t *evicted_domains, uint64_t *evicted_clients);

/*
 * What a state file (lib/state) carries of a detector: the parts that
 * detector_merge() reads, to write them out and to read them into a new
 * detector.  The scan-time caches (the question name cache, the payload
 * sets of domains without a record) are not among them.
 */
struct domtab;
struct distinct;
struct rawpairs;
struct suffixes;
typedef struct detector_parts {
	struct domtab *dom;
	struct distinct *keys;
	struct rawpairs *raw;
	struct suffixes *sfx;      /* evidence for search suffixes */
	uint64_t *allowlisted_queries;
	size_t max_clients;
} detector_parts_t;
void detector_parts(detector_t *d, detector_parts_t *out);

/* The keyed hash of a base key in wire form (length octets, lowercase, no
 * root label), as this detector computes it; never 0 (0 means no domain). */
uint64_t detector_key_hash(const detector_t *d, const uint8_t *wire, size_t len);

/* A copy of s that lives as long as the process (an allowlist reason read
 * from a state file), one per text; NULL when out of memory or past
 * DETECTOR_MAX_REASONS texts. */
#define DETECTOR_MAX_REASONS 256
const char *detector_intern(const char *s);

#endif
