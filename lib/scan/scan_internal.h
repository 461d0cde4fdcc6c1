/* scan_internal.h - the scanner's state, shared by scan.c and report.c. */
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

struct dnsts_scanner {
	dnsts_options_t opt;
	char *bpf, *allowlist;       /* owned copies of the option strings */
	uint8_t dns_port[65536 / 8]; /* bitmap of DNS ports */
	dnsts_stats_t st;            /* this scanner's own packet and message counters */
	dnsts_stats_t merged;        /* counters of scanners merged into this one */
	dnsts_stats_t out;           /* what dnsts_scanner_stats() returns */
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
	struct report_cache *report; /* scored findings, report.c; NULL until asked */
};


#endif
