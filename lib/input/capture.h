/*
 * capture.h - capture input: pcap (either byte order, us or ns precision)
 * and pcapng, from a path, "-" (standard input) or an open FILE stream.
 *
 * Both formats are parsed by the module's own buffered readers (libpcap
 * cannot re-read the magic bytes from a non-seekable stream, and refuses
 * pcapng files whose interfaces have different link types); every packet
 * reports its own interface's link type.  A BPF filter, when given, is
 * compiled with libpcap once per link type and applied per packet
 * (pcap_offline_filter).  Only this module includes <pcap.h>.
 */
#ifndef DNSTS_CAPTURE_H
#define DNSTS_CAPTURE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "sha256.h"

typedef struct cap_packet {
	uint64_t ts_ns;        /* timestamp, ns since the epoch */
	int linktype;          /* LINKTYPE_* of this packet's interface */
	const uint8_t *data;   /* valid until the next capture_next() */
	uint32_t caplen;       /* bytes present */
	uint32_t len;          /* bytes on the wire */
	bool filtered;         /* true: rejected by the BPF filter */
	bool duplicate;        /* true: a copy of a recent packet */
} cap_packet_t;

/*
 * Copies within one input (a SPAN port's, or a packet seen on two
 * interfaces of one link type): a packet whose link type, captured and
 * wire lengths, first 64 and last 16 bytes equal those of one of the last 8
 * distinct packets, at most 10 ms apart either way, is marked duplicate
 * (whatever the filter says).  Empty records never are.
 */

typedef struct capture capture_t;

/*
 * Open path ("-" for stdin), or fp when non-NULL (then path only names it;
 * the stream is not closed by capture_close).  bpf may be NULL.  On failure
 * returns a negative dnsts_err and writes a one-line reason, without the
 * path, to errbuf ("empty file", "not a pcap or pcapng capture (starts with
 * 3c 68 74 6d)", "truncated file header: 10 of 24 bytes present", "bad
 * filter: ...").  Codes: DNSTS_EFORMAT (empty, not a capture, unsupported
 * version), DNSTS_ETRUNC, DNSTS_EFILTER, DNSTS_ENOENT / DNSTS_EIO (open
 * or read failed), DNSTS_ENOMEM.
 */
int capture_open(capture_t **out, const char *path, FILE *fp, const char *bpf,
		 char *errbuf, size_t errlen);

/* Does the BPF filter compile for at least one common link type (Ethernet,
 * raw IP, Linux cooked, BSD loopback)?  0, or -1 with libpcap's message for
 * Ethernet in msg.  Lets a bad filter be refused before any input is read. */
int capture_filter_check(const char *expr, char *msg, size_t msglen);

/*
 * Next packet.  Returns 1 with *pkt filled, 0 at a clean end of file, or a
 * negative dnsts_err when the file is damaged: DNSTS_ETRUNC (truncated
 * record: "truncated record at packet 1234 (byte offset N): 20 of 60 bytes
 * present"), DNSTS_EMALF (absurd record length, bad pcapng block), DNSTS_EIO;
 * capture_error() then says what and where.  Every packet before the damage
 * has been returned, and the error is sticky.  Zero-length records are
 * packets with caplen 0.
 */
int capture_next(capture_t *c, cap_packet_t *pkt);

const char *capture_error(const capture_t *c);
/* Non-fatal problem noticed so far (e.g. "timestamps go backwards at packet
 * 17"), or NULL. */
const char *capture_warning(const capture_t *c);
const char *capture_format(const capture_t *c);   /* "pcap" or "pcapng" */
uint64_t capture_bytes_read(const capture_t *c);  /* file bytes consumed */

/*
 * Content identity: a 128-bit hash of every byte the reader reads (after
 * decompression, for a stream), keyed with a random key drawn once per
 * process, and the byte count.  Two inputs with equal identities have the
 * same content, whatever their names or compression.
 *
 * capture_track_content() turns it on: call it after capture_open and
 * before the first capture_next (the bytes read while opening are taken
 * too).  Off by default, since hashing costs a pass over the bytes.
 * Returns 0, or -1 when bytes have already been passed over.
 *
 * capture_content_id() fills *id and returns true only when tracking was on
 * and the input was read to a clean end (capture_next returned 0): a
 * damaged or unfinished input has no identity.
 */
typedef struct cap_content_id {
	uint64_t h[2];
	uint64_t len;
} cap_content_id_t;

int capture_track_content(capture_t *c);

/*
 * SHA-256 of the whole stream: of every byte read, and of the rest of the
 * stream, which this reads (a capture that stopped at damage is still
 * hashed to its end).  Call once, after the last capture_next: nothing can
 * be read from c afterwards.  0, or -1 when reading the rest failed.
 */
int capture_sha256(capture_t *c, uint8_t out[SHA256_LEN]);
bool capture_content_id(const capture_t *c, cap_content_id_t *id);

void capture_close(capture_t *c);

#endif
