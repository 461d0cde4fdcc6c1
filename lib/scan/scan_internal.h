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

#include "defrag.h"
#include "detect.h"
#include "dnslog.h"
#include "report.h"
#include "tcp_reasm.h"

#define SCAN_MAX_INPUT_UNSUPPORTED 8
#define SCAN_MAX_INPUT_DNS_PORTS 4

typedef struct scan_findings scan_findings_t;

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
	size_t ninputs, cinputs;
	uint32_t cur_input;
	int walk_rc;                 /* first error of the current path's streams */
	const char *input_unsup[SCAN_MAX_INPUT_UNSUPPORTED]; /* of the current input */
	size_t ninput_unsup;
	struct { uint16_t port; uint64_t n; } input_dns_ports[SCAN_MAX_INPUT_DNS_PORTS];
	size_t ninput_dns_ports;     /* ports of DNS-shaped UDP, current input */
	uint64_t input_dns_other;    /* DNS-shaped UDP packets, current input */
	scan_findings_t *findings;   /* scored findings, built on first request */
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


#endif
