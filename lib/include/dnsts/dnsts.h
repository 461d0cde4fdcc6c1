/*
 * dnsts.h - the public interface of libdnsts, the library behind
 * dnstunnel-scan.
 *
 * A scanner reads captures (pcap, pcapng), decodes every packet down to DNS
 * over UDP and TCP (IP fragments and TCP streams reassembled), and either
 * writes every DNS message as an NDJSON log, or aggregates the messages per
 * base domain and client and scores them for DNS tunnelling.
 *
 * Conventions: functions that can fail return an int, 0 (DNSTS_OK) on
 * success and a negative enum dnsts_err on failure.  Every _new has a _free
 * that accepts NULL.  The library never prints and never exits; it writes
 * only to the FILE streams the caller hands it, and never closes them.  A
 * scanner is not thread-safe, but separate scanners share nothing and may
 * run in separate threads.
 *
 * Memory: each function says who owns what it returns.  "Borrowed" means
 * the library keeps it and the caller must not free it; "until the next
 * call on s" means until any other dnsts_* call that takes the scanner s.
 *
 * Growth: the structs the library fills (dnsts_stats_t, dnsts_input_t) only
 * ever get new fields at their end, so a program built against older
 * headers reads the fields it knows.  dnsts_options_t, which the caller
 * fills, carries its size (set by dnsts_options_init), so that a library
 * with more fields gives the program's missing ones their defaults.
 */
#ifndef DNSTS_DNSTS_H
#define DNSTS_DNSTS_H

#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <dnsts/version.h> /* DNSTS_VERSION, DNSTS_VERSION_NUMBER: of these headers */

#ifdef __cplusplus
extern "C" {
#endif

/* The functions below are the shared library's exports; its other symbols
 * are hidden. */
#if defined(__GNUC__) && __GNUC__ >= 4
#define DNSTS_API __attribute__((visibility("default")))
#else
#define DNSTS_API
#endif

/* The version of the library in use, "MAJOR.MINOR.PATCH" (static storage):
 * may differ from DNSTS_VERSION when a program runs with another build of
 * the shared library than it was compiled with. */
DNSTS_API const char *dnsts_version(void);

/* ---- errors ---------------------------------------------------------- */

enum dnsts_err {
	DNSTS_OK = 0,
	DNSTS_ENOMEM = -ENOMEM,
	DNSTS_EINVAL = -EINVAL,
	DNSTS_EIO = -EIO,
	DNSTS_ENOENT = -ENOENT,
	DNSTS_ERROR_MIN = -1000,
	DNSTS_EMALF = -1000,     /* malformed data, cannot continue */
	DNSTS_ETRUNC = -1001,    /* data ends early */
	DNSTS_EFORMAT = -1002,   /* not a capture file */
	DNSTS_ELINKTYPE = -1003, /* link type not supported */
	DNSTS_ELIMIT = -1004,    /* a resource limit was hit */
	DNSTS_EFILTER = -1005,   /* BPF filter does not compile */
};

/* Text for an error code; never NULL, static storage. */
DNSTS_API const char *dnsts_strerror(int code);

/* ---- statistics ------------------------------------------------------- */

/*
 * Filled by the library (dnsts_scanner_stats); fields are only appended.
 *
 * Every packet read is counted in exactly one of the packet classes:
 *   packets = udp_dns + tcp_dns + ip_fragments + truncated_packets
 *           + non_dns_packets + unsupported_packets + filtered_packets
 *           + duplicate_packets
 * The remaining counters are of messages, streams and datagrams, not
 * packets.  The packets of an input that duplicates an earlier one
 * (dnsts_input_t.duplicate_of) are counted in packets and bytes, and all
 * of them in duplicate_packets; nothing else of it is counted.
 */
typedef struct dnsts_stats {
	uint64_t packets;             /* packets read from the inputs */
	uint64_t bytes;               /* captured bytes of those packets */
	/* packet classes */
	uint64_t udp_dns;             /* UDP packets on a DNS port */
	uint64_t tcp_dns;             /* TCP segments on a DNS port */
	uint64_t ip_fragments;        /* IP fragments (held for reassembly) */
	uint64_t truncated_packets;   /* cut short before the transport payload */
	uint64_t non_dns_packets;     /* decoded, but not DNS */
	uint64_t unsupported_packets; /* link type or encapsulation not decoded */
	uint64_t filtered_packets;    /* rejected by --filter */
	/* inputs */
	uint64_t skipped_files;       /* files in directories that are not captures */
	/* messages */
	uint64_t dns_messages;        /* parsed DNS messages (queries + responses) */
	uint64_t dns_queries;
	uint64_t dns_responses;
	uint64_t malformed_dns;       /* payloads on DNS ports that are not valid DNS */
	uint64_t nondns_on_dns_port;  /* of those, ones that do not look like DNS at all */
	uint64_t dns_other_ports;     /* UDP packets on other ports that are strictly
	                                 DNS-shaped: not decoded (see --port), counted
	                                 in non_dns_packets, ports named in the
	                                 input's warning */
	/* reassembly */
	uint64_t tcp_streams;         /* TCP connections on DNS ports */
	uint64_t tcp_gaps;            /* stream holes never filled (data lost) */
	uint64_t tcp_dropped_bytes;   /* bytes dropped by per-stream / total caps */
	uint64_t tcp_evicted_streams; /* streams evicted (idle or over the cap) */
	uint64_t tcp_unfinished_bytes; /* bytes of messages a stream never completed */
	uint64_t tcp_skipped_bytes;   /* bytes skipped to find a message start again */
	uint64_t reassembled_datagrams; /* datagrams rebuilt from fragments */
	uint64_t frag_timeouts;       /* fragment trackers expired incomplete */
	uint64_t frag_dropped;        /* fragments dropped (caps, bad offsets) */
	uint64_t frag_overlaps;       /* fragments that overlapped earlier data */
	/* detection */
	uint64_t allowlisted_queries; /* queries under an allowlisted domain */
	uint64_t base_domains;        /* distinct base domains seen (estimated beyond 32768) */
	uint64_t tracked_domains;     /* base domains given a detail record (see man page) */
	uint64_t evicted_domains;     /* domain aggregates evicted (cap reached) */
	uint64_t evicted_clients;     /* client aggregates evicted (cap reached) */
	/* duplicates */
	uint64_t duplicate_packets;   /* packet class: copies, and packets of duplicate inputs */
	uint64_t duplicate_inputs;    /* inputs with the content of an earlier one */
} dnsts_stats_t;

/* ---- options ---------------------------------------------------------- */

#define DNSTS_MAX_PORTS 64 /* ports[] entries, the defaults included */

/*
 * Set up with dnsts_options_init, then change fields.  size is
 * sizeof(dnsts_options_t) of the headers the program was built with; new
 * fields are only appended, and a library newer than the program gives the
 * fields beyond size their defaults (an older one refuses a larger size).
 * The scanner copies the options: the strings may be freed after
 * dnsts_scanner_new; messages_out is borrowed and must stay open until
 * dnsts_scanner_free.
 */
typedef struct dnsts_options {
	size_t size;                   /* set by dnsts_options_init */
	uint16_t ports[DNSTS_MAX_PORTS]; /* UDP/TCP ports treated as DNS */
	size_t nports;
	const char *bpf_filter;        /* NULL: none */
	double min_score;              /* report findings >= this (0..100) */
	bool report_all;               /* --all: every base domain */
	bool default_allowlist;        /* apply the built-in allowlist */
	const char *allowlist_file;    /* extra allowlist, NULL: none */
	FILE *messages_out;            /* non-NULL: write the DNS log here */
	/* limits (0 = the documented default) */
	size_t max_tcp_streams;
	size_t max_tcp_stream_bytes;
	size_t max_tcp_total_bytes;
	size_t max_frag_trackers;
	size_t max_frag_bytes;
	size_t max_domains;
	size_t max_clients_per_domain;
	/* where the capture sits: recursive resolvers of the network (each an
	 * address, "192.0.2.53") and its local networks ("192.0.2.0/24",
	 * "2001:db8::/32"), as text; dnsts_scanner_new refuses one that does
	 * not parse.  Resolvers are also recognised from the traffic. */
	const char *const *resolvers;
	size_t nresolvers;
	const char *const *home_nets;
	size_t nhome_nets;
	/* read each input on the calling thread and parse and detect on a
	 * second one (two cores for one capture; the results are the same) */
	bool pipeline;
} dnsts_options_t;

/* Fill with defaults: size; ports 53, 5353, 5355; min_score
 * DNSTS_DEFAULT_MIN_SCORE; default allowlist on; limits at their documented
 * defaults. */
DNSTS_API void dnsts_options_init(dnsts_options_t *opt);

#define DNSTS_DEFAULT_MIN_SCORE 60.0

/* ---- scanner ---------------------------------------------------------- */

typedef struct dnsts_scanner dnsts_scanner_t;

/* Summary of one input, kept after it is scanned.  Filled by the library
 * (fields are only appended); it and its strings belong to the scanner. */
typedef struct dnsts_input {
	char *path;            /* as given; "-" for standard input */
	const char *format;    /* "pcap", "pcapng", or NULL if never recognised */
	bool compressed;
	int linktypes[8];      /* LINKTYPE_ values seen, in order of appearance */
	size_t nlinktypes;
	uint64_t packets;
	uint64_t bytes;
	uint64_t first_ns, last_ns; /* packet timestamps, ns since the epoch */
	char *error;           /* NULL, or why reading failed/stopped */
	char *warning;         /* NULL, or a non-fatal problem */
	char *duplicate_of;    /* NULL, or the path of an earlier input with the
				* same content (then this one is not analysed) */
	char sha256[65];       /* SHA-256 of the input as stored (an archive
				* member: of its bytes), lower-case hex; "" when
				* it could not be read to its end */
} dnsts_input_t;

/* A new scanner (free with dnsts_scanner_free), or NULL on allocation
 * failure or invalid options (opt not set up by dnsts_options_init, or
 * from newer headers than the library's); errbuf (if given) receives the
 * reason.  opt NULL: the defaults. */
DNSTS_API dnsts_scanner_t *dnsts_scanner_new(const dnsts_options_t *opt, char *errbuf,
					     size_t errlen);
DNSTS_API void dnsts_scanner_free(dnsts_scanner_t *s);

/*
 * Scan one capture file ("-" is standard input).  The packets up to any
 * damage are analysed whatever happens; the input's summary (with its error,
 * if any) is recorded in the scanner.  Returns DNSTS_OK, or the error that
 * stopped the input (also in the summary).
 */
DNSTS_API int dnsts_scan_file(dnsts_scanner_t *s, const char *path);

/* Scan an already-open stream, read to its end and not closed; name is
 * used in the summary and messages. */
DNSTS_API int dnsts_scan_stream(dnsts_scanner_t *s, FILE *fp, const char *name, bool compressed);

/* Finish: flush reassembly state.  Call once after the last input. */
DNSTS_API void dnsts_scanner_finish(dnsts_scanner_t *s);

/* Gather the counters of every stage into the scanner and return them (not
 * const: gathering writes, and takes a pass over the tracked domains).
 * Borrowed: valid until the next call on s. */
DNSTS_API const dnsts_stats_t *dnsts_scanner_stats(dnsts_scanner_t *s);

/*
 * Move src's results into dst: its input summaries, counters, and detection
 * aggregates (merged with dst's, so that a tunnel spread over several inputs
 * is one finding), or, with keep_apart, src's findings scored on their own
 * (--per-file).  Call after dnsts_scanner_finish(src); then free src.
 * Merging scanners in the same order gives the same result whichever
 * thread built each.  src's input summaries and their strings move to dst.
 */
DNSTS_API int dnsts_scanner_merge(dnsts_scanner_t *dst, dnsts_scanner_t *src, bool keep_apart);

/* The inputs in the order they were scanned or merged; input i's summary,
 * or NULL when i >= dnsts_scanner_ninputs(s).  Borrowed: valid until the
 * next call on s that adds inputs (scan, merge) or frees it. */
DNSTS_API size_t dnsts_scanner_ninputs(const dnsts_scanner_t *s);
DNSTS_API const dnsts_input_t *dnsts_scanner_input(const dnsts_scanner_t *s, size_t i);

/* Non-zero if writing the DNS log failed (disk full, closed pipe). */
DNSTS_API int dnsts_scanner_log_error(const dnsts_scanner_t *s);

/* Domains that score >= min_score in this scanner so far, allowlisted ones
 * left out (a progress indication: scores them all).  Returns an array of
 * *n strings, owned by the caller: free it with dnsts_strings_free; NULL
 * when there are none. */
DNSTS_API char **dnsts_scanner_domains_over(dnsts_scanner_t *s, double min_score, size_t *n);

/* Free an array of n strings returned by the library (and the strings);
 * accepts NULL. */
DNSTS_API void dnsts_strings_free(char **v, size_t n);

/* ---- report ----------------------------------------------------------- */

enum dnsts_report_format {
	DNSTS_REPORT_JSON = 0,   /* one JSON document */
	DNSTS_REPORT_NDJSON = 1, /* finding lines then a summary line */
	DNSTS_REPORT_TEXT = 2,   /* aligned lines for a terminal */
};

/* Write the report (inputs, stats, findings) to out.  Returns DNSTS_OK,
 * DNSTS_EIO or DNSTS_ENOMEM; *nfindings (if given) receives the number of findings
 * reported.  A report covers what was scanned and merged before it; the
 * findings are scored once and reused by the next report, RPZ zone or STIX
 * bundle until the scanner changes. */
DNSTS_API int dnsts_report_write(dnsts_scanner_t *s, FILE *out, enum dnsts_report_format fmt,
				 size_t *nfindings);

/* Write input i's summary as one NDJSON line ({"type":"input", ...}) and
 * flush, so that a pipe sees inputs as they finish.  Returns DNSTS_OK,
 * DNSTS_EINVAL (no input i) or DNSTS_EIO. */
DNSTS_API int dnsts_report_input_line(const dnsts_scanner_t *s, size_t i, FILE *out);

/* Write a DNS Response Policy Zone (origin rpz.dnstunnel-scan.) that answers
 * NXDOMAIN for each reported domain and its subdomains; the same findings
 * as dnsts_report_write.  Returns DNSTS_OK, DNSTS_EIO or DNSTS_ENOMEM. */
DNSTS_API int dnsts_report_rpz(dnsts_scanner_t *s, FILE *out);

/* Write a STIX 2.1 bundle: an identity for the tool and one indicator per
 * reported domain, with deterministic ids and times taken from the capture;
 * the same findings as dnsts_report_write.  Returns DNSTS_OK, DNSTS_EIO or
 * DNSTS_ENOMEM. */
DNSTS_API int dnsts_report_stix(dnsts_scanner_t *s, FILE *out);

/*
 * --carve: decode what the tunnels of the reported findings carried and
 * write it under dir (created when missing): one directory per finding,
 * named from its domain (sanitised, with a hash suffix), holding the
 * decoded files and a manifest.json (each file's bytes, SHA-256, decoding;
 * the gaps; what could not be decoded and why).  A second pass over the
 * inputs paths[0..n) (files, directories or archives as dnsts_scan_file
 * reads them; standard input cannot be read twice), after the findings
 * are known; inputs the scan found to be copies of others are skipped.
 * Nothing existing is overwritten and no link is followed inside dir.
 * Later reports of s give each carved finding a "carved" object.
 * Returns DNSTS_OK; DNSTS_EIO when dir or a finding's files could not be
 * written (errbuf says which; the carved objects name the failures);
 * DNSTS_ENOMEM.
 */
DNSTS_API int dnsts_carve(dnsts_scanner_t *s, const char *dir, const char *const *paths,
			  size_t n, char *errbuf, size_t errlen);

/* Write the report as one self-contained HTML page (no script, no fetch):
 * the same findings as dnsts_report_write.  Returns DNSTS_OK, DNSTS_EIO or
 * DNSTS_ENOMEM. */
DNSTS_API int dnsts_report_html(dnsts_scanner_t *s, FILE *out);

/* Write one capture per reported finding into directory dir (created when
 * missing) holding every frame that carried its messages, read again from
 * the inputs (which must still be there; standard input cannot be).  Files
 * are named from the zone, made safe, and never overwrite or follow a link.
 * Returns DNSTS_OK, DNSTS_EIO (errbuf says what) or DNSTS_ENOMEM. */
DNSTS_API int dnsts_extract(dnsts_scanner_t *s, const char *dir, char *errbuf, size_t errlen);

#ifdef __cplusplus
}
#endif

#endif
