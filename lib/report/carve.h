/*
 * carve.h - --carve: what a tunnel carried, recovered from the DNS messages
 * of a reported finding, written as files an analyst can open.
 *
 * The scanner runs a second pass over the inputs once the findings are
 * known (scan_carve.c) and hands every DNS message to carve_msg(), which
 * keeps the messages whose query name falls under a finding's zone (the
 * zone may be followed by a DNS search suffix of up to three labels, as a
 * Windows resolver appends).  carve_finish() decodes each finding's
 * messages with the framing of its tool:
 *
 *   iodine     upstream and downstream IP packets, encoding, fragments and
 *              zlib compression undone, as a capture of link type RAW
 *              (carve_iodine.c)
 *   dnscat2    session bytes per direction, in sequence order; encrypted
 *              sessions as the packets per message (carve_dnscat2.c)
 *   dns2tcp    the TCP stream bytes per direction (carve_dns2tcp.c)
 *   otherwise  data in answer records carried in queries, and hex, base32
 *              or base64 labels (a leading sequence number honoured), in
 *              order (carve_generic.c)
 *
 * and writes them into DIR/<zone>-<hash>/ with a manifest.json.  Nothing
 * carved is ever executed or interpreted.  Names made from zone names are
 * sanitised (carve_safe_name), every file is created with
 * O_CREAT|O_EXCL|O_NOFOLLOW relative to a directory descriptor, so that a
 * capture cannot make the tool write outside DIR or overwrite anything.
 *
 * Bounds: at most CARVE_MAX_STORE bytes of messages are kept in all, at
 * most CARVE_MAX_FILE bytes written per file and CARVE_MAX_FILES files per
 * finding; whatever is left out is named in the gaps.  zlib output is
 * bounded per packet (CARVE_MAX_INFLATE).
 */
#ifndef DNSTS_CARVE_H
#define DNSTS_CARVE_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dns_wire.h"
#include "finding.h"
#include "pkt.h"

#define CARVE_MAX_STORE (256u << 20)  /* message bytes kept, all findings */
#define CARVE_MAX_FILE (64u << 20)    /* bytes of one carved file */
#define CARVE_MAX_FILES 256           /* files per finding */
#define CARVE_MAX_NOTES 64            /* gaps and notes per finding, each */
#define CARVE_MAX_INFLATE 65536       /* bytes one zlib stream may inflate to */
#define CARVE_SAFE_NAME_MAX 64        /* bytes of a sanitised name, NUL excluded */

/* One DNS message under a finding's zone, a copy of its bytes. */
typedef struct carve_msg {
	uint64_t ts_ns;
	ip_addr_t src, dst;
	uint16_t sport, dport;
	uint8_t proto;
	uint8_t npay;        /* labels of the query name before the zone */
	uint32_t len;
	uint8_t *wire;
} carve_msg_t;

/* A growing byte buffer, bounded by CARVE_MAX_FILE (then over is set and
 * the rest dropped). */
typedef struct carve_buf {
	uint8_t *p;
	size_t n, cap;
	bool over;
	bool nomem;
} carve_buf_t;

void cbuf_put(carve_buf_t *b, const void *p, size_t n);
void cbuf_free(carve_buf_t *b);

/* A file to be written: its name (made by the framing from fixed text and
 * numbers, never from capture bytes) and decoding. */
typedef struct carve_file {
	char name[96];
	char decoding[96];
	carve_buf_t data;
} carve_file_t;

/* What a framing decoder produces for one finding. */
typedef struct carve_out {
	const char *decoding;          /* static text: the framing used */
	carve_file_t *files;
	size_t nfiles, cfiles;
	size_t files_refused;          /* over CARVE_MAX_FILES */
	char **gaps;                   /* missing sequence numbers, lost fragments */
	size_t ngaps, gaps_dropped;
	char **notes;                  /* what could not be decoded, and why */
	size_t nnotes, notes_dropped;
} carve_out_t;

/* A new file in o (NULL when out of memory or over CARVE_MAX_FILES): its
 * buffer, to be filled with cbuf_put.  name and decoding are copied. */
carve_buf_t *carve_file(carve_out_t *o, const char *name, const char *decoding);
void carve_gap(carve_out_t *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void carve_note(carve_out_t *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void carve_out_clear(carve_out_t *o);

/* One finding's messages, in capture order, and what it is. */
typedef struct carve_job {
	const finding_t *f;
	const char *tool;           /* f->tool or NULL */
	uint8_t zone[DNS_MAX_NAME + 1]; /* the zone, lower-case wire form */
	size_t zlen;
	carve_msg_t *msgs;
	size_t n, cap;
	uint64_t dropped;           /* messages not kept (CARVE_MAX_STORE) */
} carve_job_t;

/* ---- helpers for the framings (carve_msg.c) -------------------------- */

/* Are labels [i, j) of name n the zone of job (case-insensitively)? */
bool carve_labels_are_zone(const carve_job_t *job, const dns_name_t *n, unsigned i,
			   unsigned j);

/* Parse msg's bytes into *m (0, or -1 when they no longer parse). */
int carve_parse(const carve_msg_t *msg, dns_msg_t *m);

/* The npay labels before the zone of m's query name: joined with '.'
 * (dots) or concatenated.  Returns the length written (out is
 * NUL-terminated; cap >= 256 always suffices). */
size_t carve_qpayload(const dns_msg_t *m, unsigned npay, bool dots, char *out, size_t cap);

/* The labels before the zone (as j->zone, possibly followed by up to three
 * more labels) of a name: as carve_qpayload; -1 when the name is not under
 * the zone.  nlab (may be NULL) receives how many labels. */
long carve_name_payload(const carve_job_t *j, const dns_name_t *n, bool dots, char *out,
			size_t cap, unsigned *nlab);

/* Answer records of a response, in order: type and RDATA. */
typedef struct carve_rr {
	uint16_t type;
	uint8_t section;
	const uint8_t *rdata;
	uint16_t rdlen;
	uint32_t rdoff;
} carve_rr_t;

/* Up to max records of m's answer section (or, with all, of every section
 * after the question) into rr; returns how many. */
size_t carve_records(dns_msg_t *m, bool all, carve_rr_t *rr, size_t max);

/* TXT RDATA: the character-strings concatenated into out (at most cap
 * bytes); returns the length. */
size_t carve_txt(const uint8_t *rd, size_t n, uint8_t *out, size_t cap);

/* ---- codecs (carve_codec.c) ------------------------------------------ */

/*
 * Decode text of an alphabet of 2^bits symbols, most significant bits
 * first (base16, base32 and base64 of RFC 4648, iodine's base128): each
 * symbol's value is tab[byte] (-1: not in the alphabet).  Dots are
 * skipped; '=' ends the data.  Trailing bits that do not make a byte are
 * dropped.  Returns the bytes written (at most cap), or -1 when a symbol
 * is outside the alphabet.
 */
long carve_decode_bits(const char *in, size_t n, const int8_t tab[256], unsigned bits,
		       uint8_t *out, size_t cap);

/* The alphabets. */
enum carve_alpha {
	CARVE_HEX,          /* 0-9a-f, either case */
	CARVE_B32,          /* RFC 4648 base32, either case */
	CARVE_B32_IODINE,   /* a-z0-5, either case */
	CARVE_B64,          /* RFC 4648 base64, also '-' '_' for 62, 63 */
	CARVE_B64_IODINE,   /* a-zA-Z-0-9+ */
	CARVE_B64U_IODINE,  /* a-zA-Z-0-9_ */
	CARVE_B128_IODINE,  /* a-zA-Z0-9 then octets 0xbc..0xfd */
	CARVE_NALPHA
};
const int8_t *carve_alphabet(enum carve_alpha a);

/* Inflate a zlib stream into out (at most cap bytes; a stream that would
 * give more is refused).  Returns the length, or -1. */
long carve_inflate(const uint8_t *in, size_t n, uint8_t *out, size_t cap);

/* Append one record to a pcap file in b (link type RAW); the header first
 * when b is empty. */
void carve_pcap_raw(carve_buf_t *b, uint64_t ts_ns, const uint8_t *pkt, size_t n);

/* ---- the framings ----------------------------------------------------- */

void carve_iodine(carve_job_t *j, carve_out_t *o);
void carve_dnscat2(carve_job_t *j, carve_out_t *o);
void carve_dns2tcp(carve_job_t *j, carve_out_t *o);
void carve_generic(carve_job_t *j, carve_out_t *o);

/* ---- the carver (carve.c) -------------------------------------------- */

typedef struct carver carver_t;

/* A carver for the findings fs[0..n) (borrowed until carver_free), writing
 * into dir (created when missing).  NULL with errbuf set on failure. */
carver_t *carver_new(const char *dir, finding_t *const *fs, size_t n, char *errbuf,
		     size_t errlen);
void carver_free(carver_t *c);

/* Route one DNS message to the finding whose zone its query name is
 * under, if any. */
void carver_msg(carver_t *c, uint64_t ts_ns, const ip_addr_t *src, uint16_t sport,
		const ip_addr_t *dst, uint16_t dport, uint8_t proto, const dns_msg_t *m);

/* Decode every finding's messages and write the files and manifests.
 * Returns 0, or -1 when some finding could not be written (its carved
 * object says why). */
int carver_finish(carver_t *c);

/* The carved object of finding f as JSON (a jansson json_t *, new
 * reference), or NULL when f was not carved. */
void *carver_json(const carver_t *c, const finding_t *f);

/*
 * A file name made from untrusted text (a zone name): only [A-Za-z0-9._-]
 * kept, every other byte '_'; no leading dot or dash; at most
 * CARVE_SAFE_NAME_MAX - 9 bytes of it, then '-' and eight hex digits of a
 * hash of the whole text, so that different texts give different names.
 * out needs CARVE_SAFE_NAME_MAX + 1 bytes.
 */
char *carve_safe_name(const char *text, char *out);

#endif
