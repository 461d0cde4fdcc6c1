/*
 * score.h - turn one domain's aggregate into a 0-100 tunnel score with
 * sentences an analyst can check, the numbers behind them, a decoded
 * sample and a confidence.  Pure: reads the aggregate, allocates only the
 * strings it hands back.
 *
 * The score adds evidence from independent families, each capped:
 *   payload   up to 45: how unlike hostnames the unique payloads are,
 *             weighted by their length and a consistent encoding;
 *   volume    up to 30: decoded bytes carried by unique payloads (64 B -> 0,
 *             4 KiB -> full), scaled down when payloads look like names;
 *   records   up to 10: share of TXT/NULL/CNAME/MX/KEY/private queries;
 *   answers   up to 15: unique high-entropy data coming back, and AAAA
 *             answers that are not routable addresses (16 bytes each);
 * short payloads (8-15 characters) weigh as encoded when 500 or more
 * distinct ones share hex or base32 and one client sent half of them,
 * and so do long ones (30+) that look like words when 200 or more
 * distinct ones, rarely repeated, compress poorly (dictionary encodings);
 * then a protocol fingerprint (fingerprint.h) raises the score to at least
 * 60 + 35 x strength, records carried inside queries to at least 65, and
 * too little evidence (under 5 unique payloads without a fingerprint) or a
 * fixed set of names polled (at most 64 asked 20 times each) scales it
 * down.
 */
#ifndef DNSTS_SCORE_H
#define DNSTS_SCORE_H

#include <stddef.h>
#include <stdint.h>

#include "aggregate.h"
#include "finding.h"

#define SCORE_MAX_REASONS 8
#define SCORE_MAX_FEATURES 24

typedef struct score_out {
	double score;
	const char *confidence;
	const char *tool;
	double tool_strength;
	uint32_t encoding;          /* enum feat_enc bit, 0 none */
	bool exfil;
	uint64_t bytes_out, bytes_in;
	double unique;
	char *reasons[SCORE_MAX_REASONS];
	size_t nreasons;
	char *hint;                 /* a false-positive hint when borderline, or NULL */
	finding_feature_t features[SCORE_MAX_FEATURES];
	size_t nfeatures;
	uint8_t decoded[128];
	size_t decoded_len;
	const char *decoded_encoding;
} score_out_t;

/* Score g (the base domain's name for the sentences).  raw: non-DNS
 * packets with a tunnel header between this domain's clients and servers.
 * Returns 0, or -1 when a string could not be allocated (the score is
 * still set). */
int score_domain(const agg_t *g, const char *domain, uint64_t raw, score_out_t *out);
/* The same score, confidence, tool, encoding and byte counts without the
 * sentences, features and decoded sample (nothing allocated): for
 * deciding which domains to report. */
void score_domain_quick(const agg_t *g, uint64_t raw, score_out_t *out);
void score_out_clear(score_out_t *o);

#endif
