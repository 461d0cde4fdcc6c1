/*
 * scan_internal.h - the scanner's state, and what scan_report.c (the public
 * report functions) needs of scan.c.  The dependency is one way: scan.c
 * owns the state, the findings cache included; scan_report.c only asks.
 */
#ifndef DNSTS_SCAN_INTERNAL_H
#define DNSTS_SCAN_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>

#include <dnsts/dnsts.h>

#include "capture.h"
#include "carve.h"
#include "defrag.h"
#include "detect.h"
#include "dnslog.h"
#include "handoff.h"
#include "report.h"
#include "tcp_reasm.h"

#define SCAN_MAX_INPUT_UNSUPPORTED 8
#define SCAN_MAX_INPUT_DNS_PORTS 4

typedef struct scan_findings scan_findings_t;

/* The content identity of an input (parallel to the input summaries). */
typedef struct scan_input_id {
	cap_content_id_t id;
	bool valid;       /* read to a clean end with the identity on */
} scan_input_id_t;

struct dnsts_scanner {
	dnsts_options_t opt;
	char *bpf, *allowlist;       /* owned copies of the option strings */
	uint8_t dns_port[65536 / 8]; /* bitmap of DNS ports */
	dnsts_stats_t st;            /* this scanner's own packet and message counters */
	dnsts_stats_t merged;        /* counters of scanners merged into this one */
	dnsts_stats_t out;           /* filled and returned by dnsts_scanner_stats() */
	finding_t **kept;            /* findings of inputs kept apart (--per-file) */
	size_t nkept;
	bool merged_any;             /* a scanner was merged into this one */
	defrag_t *defrag;
	tcp_reasm_t *tcp;
	detector_t *det;             /* NULL in DNS-log mode */
	dnslog_t *log;               /* NULL unless DNS-log mode */
	bool log_error;
	dnsts_input_t *inputs;
	scan_input_id_t *ids;        /* parallel to inputs, same capacity */
	size_t ninputs, cinputs;
	/*
	 * Inputs scanned once (dnsts_scanner_dedup_inputs, archive members):
	 * whether an input duplicates an earlier one is known only once it is
	 * read, so each is kept apart until then.  The first goes into the
	 * scanner itself when it is empty (own_unit: its content is exactly
	 * inputs[0]); every later one is scanned into a part, a scanner of its
	 * own.  Parts are folded in (scan_fold) when the scanner is merged into
	 * another, so that they are compared with that one's inputs too, or
	 * when its results are asked for.
	 */
	bool dedup;
	bool own_unit;
	dnsts_scanner_t **parts;
	size_t nparts, cparts;
	uint32_t *ix;                /* first inputs by identity: index + 1, 0 = free */
	size_t ixcap, ixn, nindexed; /* nindexed: inputs looked at so far */
	uint32_t cur_input;
	handoff_t *ho;               /* while an input is read with opt.pipeline */
	int walk_rc;                 /* first error of the current path's streams */
	const char *input_unsup[SCAN_MAX_INPUT_UNSUPPORTED]; /* of the current input */
	size_t ninput_unsup;
	struct { uint16_t port; uint64_t n; } input_dns_ports[SCAN_MAX_INPUT_DNS_PORTS];
	size_t ninput_dns_ports;     /* ports of DNS-shaped UDP, current input */
	uint64_t input_dns_other;    /* DNS-shaped UDP packets, current input */
	scan_findings_t *findings;   /* scored findings, built on first request */
	carver_t *carve_to;          /* borrowed: the --carve pass hands messages here */
	carver_t *carved;            /* owned: what dnsts_carve wrote, for the report */
	/* how the scan was run (dnsts_scanner_set_invocation), for "scan" */
	uint64_t started_ns, finished_ns; /* finished: set by the first report */
	char **argv;
	size_t argc;
	bool per_file;
	int jobs;
	char *format;
};

/*
 * The findings a report covers, once scored: those of the scanner's detector
 * (aggregated across its inputs) and then those of inputs scored apart
 * (--per-file), sorted and with risk scores set by report_prepare.  Built on
 * the first request and kept in the scanner, so that the report, the RPZ
 * zone and the STIX bundle cover the same findings; owned by the scanner.
 */
struct scan_findings {
	finding_t **fs;
	size_t n;
	size_t nown;      /* the first nown are the detector's, owned here */
	size_t nreported; /* of them, reported (report_is_reported) */
};

/* The scanner's scored findings (see scan_findings_t): DNSTS_OK and *out
 * set, or DNSTS_ENOMEM. */
int scan_findings(dnsts_scanner_t *s, const scan_findings_t **out);

/* The time of the scan that the report, the RPZ zone and the STIX bundle
 * share: set when first asked (the first of them written). */
uint64_t scan_finished_ns(dnsts_scanner_t *s);

/* Fold s's parts into it (see above): each part whose input has the
 * content of an earlier one, of ref (all before s's) or of s, adds only
 * its summary, marked duplicate_of; the others are merged.  Also decides
 * for s's own first input (own_unit), against ref.  DNSTS_OK or
 * DNSTS_ENOMEM (the parts not yet folded stay). */
int scan_fold(dnsts_scanner_t *s, dnsts_scanner_t *ref);


#endif
