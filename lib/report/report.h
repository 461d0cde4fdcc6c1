/*
 * report.h - findings and scan summaries to the formats analysts read:
 * the JSON document and NDJSON stream of SPEC.md, an aligned text summary,
 * and the artefacts the mitigations point at (RPZ zone, STIX 2.1 bundle;
 * artefacts.h).  Only this module (report*.c, artefacts.c) includes
 * <jansson.h>.
 *
 * The writers below work on plain data (a report_ctx_t: inputs, stats and
 * findings), not on the scanner, so that they can be tested without a scan.
 * scan_report.c binds them to the scanner, whose findings are scored once
 * and cached (scan_findings, in scan.c), so the JSON report, the RPZ zone and the
 * STIX bundle always cover the same findings.
 */
#ifndef DNSTS_REPORT_H
#define DNSTS_REPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <dnsts/dnsts.h>

#include "finding.h"

/*
 * risk_score: impact x confidence / 100, rounded half away from zero and
 * kept within 1..99 (after Splunk ESCU's risk = impact x confidence), where
 *   confidence = min(80, score) x weight, weight 1 (high), 0.9 (medium),
 *                0.75 (low confidence)
 *   impact     = 64 + volume + duration + clients + tool
 *     volume   = clamp(6 x log10(bytes moved / 1 KiB), 0, 24)
 *     duration = clamp(2 x log2(seconds between first and last seen / 60), 0, 12)
 *     clients  = clamp(6 x log2(clients), 0, 12)
 *     tool     = 8 when the tool is recognised, else 0
 * A confirmed (score 80 or more, high confidence) tunnel of one client
 * that moved 10 KiB within a minute with no tool named scores
 * 70 x 80 / 100 = 56; a handshake of a recognised tool 58; a 384 KB
 * session of ten minutes with its tool named 75.
 */
typedef struct report_risk_in {
	double score;              /* 0..100 */
	const char *confidence;    /* "low" | "medium" | "high" (NULL: low) */
	uint64_t bytes_moved;      /* bytes_out + bytes_in */
	double span_s;             /* last_seen - first_seen */
	size_t nclients;
	const char *tool;          /* NULL or "": none */
} report_risk_in_t;
int report_risk_score(const report_risk_in_t *in);

/* The one rule for "this finding is reported" (counted in the exit status,
 * written to the RPZ zone and the STIX bundle): score >= min_score and not
 * allowlisted.  With --all the JSON report lists other domains too. */
bool report_is_reported(const finding_t *f, double min_score);

/* Borderline: at most REPORT_BORDERLINE points above min_score, or low
 * confidence.  Borderline findings name typical false-positive causes. */
#define REPORT_BORDERLINE 10.0
bool report_is_borderline(const finding_t *f, double min_score);

/* The default false-positive hints for a borderline finding without hints of
 * its own from the detector.  Returns the count; *hints borrows static
 * strings. */
size_t report_default_hints(const char *const **hints);

/*
 * Sort fs by score (highest first), then domain, and set each risk_score.
 * Returns the number of findings for which report_is_reported() holds.
 */
size_t report_prepare(finding_t **fs, size_t n, double min_score);

struct json_t;

/* What a report is made of.  fs must have gone through report_prepare. */
/* How the scan was run (the report's "scan" object), and the time of the
 * scan that the STIX bundle and the RPZ zone are dated by. */
typedef struct report_run {
	uint64_t started_ns, finished_ns; /* wall clock, ns since the epoch */
	char *const *argv;                /* NULL: not known (library use) */
	size_t argc;
	const dnsts_options_t *opt;       /* effective options, or NULL */
	bool per_file;
	int jobs;                         /* 0: not known */
	const char *format;               /* "json", "ndjson", "text", or NULL */
} report_run_t;

typedef struct report_ctx {
	const dnsts_input_t *inputs;
	size_t ninputs;
	const dnsts_stats_t *stats;
	finding_t *const *fs;
	size_t n;
	double min_score;
	/* optional: adds keys to each finding's JSON object (--carve) */
	void (*finding_extra)(void *ud, const finding_t *f, struct json_t *o);
	void *extra_ud;
	bool per_file;   /* findings of inputs kept apart: --text names the input */
	const report_run_t *run;          /* NULL: no "scan" object */
	const char *tlp;                  /* STIX marking: TLP 2.0 level, NULL: amber */
	bool stix_clients;                /* client addresses in the STIX bundle */
} report_ctx_t;

/* Versions of the libraries in use, as one line each ("libpcap version
 * 1.10.5", "libarchive 3.7.4 ...", "libpsl 0.21.2, list ..."). */
const char *report_libpcap_version(void);
const char *report_libarchive_version(void);
const char *report_psl_version(char *buf, size_t len);

/* Writers; each returns 0, or -1 on a write or allocation failure. */
int report_write_json(const report_ctx_t *c, FILE *out);   /* the document */
int report_write_ndjson(const report_ctx_t *c, FILE *out); /* findings + summary */
int report_write_text(const report_ctx_t *c, FILE *out);
/* One self-contained HTML page (report_html.c); 0 or -1. */
int report_write_html(const report_ctx_t *c, FILE *out);
int report_write_input_line(const dnsts_input_t *in, FILE *out);

/*
 * Copy s to buf as text safe for JSON, terminals and zone files: printable
 * ASCII is kept, every other byte becomes \DDD (DNS presentation format).
 * Always terminates buf; truncates (never in the middle of an escape).
 */
char *report_escape_name(const char *s, char *buf, size_t buflen);

#endif
