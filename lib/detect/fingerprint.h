/*
 * fingerprint.h - recognise DNS tunnelling tools from their documented wire
 * formats.  Each query and answer of a base domain is fed to a small
 * accumulator; fp_tool() names a tool only when its protocol-specific
 * markers are present, else NULL (a wrong name is worse than none).
 *
 *  iodine     version handshake "v" + base32 of the 32-bit protocol version
 *             (upper bytes zero: "vaaaa..."), the upstream codec check
 *             string "aA-Aaahhh-Drink-mal-ein-J\344germeister-", answers
 *             "VACK"/"VNAK"/"VFUL", raw-mode UDP header 10 d1 9e.
 *  dnscat2    hex-encoded packets (optionally after a "dnscat." prefix):
 *             packet_id(2) type(1: SYN 0, MSG 1, FIN 2, ENC 3, PING ff)
 *             session_id(2); a few sessions carry all packets.
 *  dns2tcp    command labels "=auth", "=connect", "=resources" beside
 *             base64 data.
 *  cobaltstrike  DNS beacon data queries with the documented default
 *             prefixes "api.", "cdn.", "www6.", "post." followed by hex
 *             labels and the beacon id; with other (malleable) prefixes,
 *             <letters>.<hex labels>.<hex nonce>.<hex beacon id> names
 *             beside A answers in 0.0.0.0/24 (idle, or the mode of the
 *             next task) for half of the A answers or more.
 *  dnsexfiltrator  "init." + base32 of "filename|chunks", then numbered
 *             base64url chunks.
 *  sods       "id-NNNN.up" / "id-NNNN.down" session labels.
 *  sliver     Sliver DNS C2: every payload is one protobuf DNSMessage
 *             (fields 1-5 varints: type 0..9, id, start, stop, size; 6
 *             bytes: data; in field order) in Sliver's base32 alphabet
 *             "ab1c2d3e4f5g6h7j8k9m0npqrtuvwxyz" or, through resolvers that
 *             keep case, in base58, cut into 63-character labels.
 *  godoh      ident(4 hex).type(be/ef/ca).seq.crc32.proto.len labels before
 *             the hex data labels; polls answered with TXT "v=B2B3FE1C"
 *             (no command), "v=A9F466E8" (command), "v=D31CFAA4" (error).
 *  chashell   TXT queries whose payload is hex of a 24-byte nonce and a
 *             NaCl secretbox (at least 58 bytes: 63-character first label),
 *             answered with hex of the same framing.
 *  dnsteal    base64 ('+' sent as '*') in labels that each end in '-'.
 *  tuns       CNAME-only: upper-case base32 ('9' padding) under "t.",
 *             polls "d<N>.u."; answers CNAME "zero.u.", "length<N>.t.".
 *  dnsstager  AAAA look-ups of <prefix><N> with dense N, answered with
 *             addresses outside 2000::/3 (XOR-encoded shellcode).
 */
#ifndef DNSTS_FINGERPRINT_H
#define DNSTS_FINGERPRINT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dns_wire.h"

#define FP_SESSIONS 4

typedef struct fp_acc {
	uint32_t iodine_ver, iodine_check, iodine_ack, iodine_raw;
	uint32_t dnscat_hex, dnscat_ok, dnscat_prefix;
	uint16_t dnscat_sess[FP_SESSIONS];
	uint32_t dnscat_sess_n[FP_SESSIONS];
	uint32_t dns2tcp_marker;
	uint32_t cs_hits;
	uint32_t cs_shape, a_ans, a_zero;   /* malleable-prefix names; A answers, those in 0.0.0.0/24 */
	uint32_t dnsexf_init, dnsexf_chunk;
	uint32_t sods_hits;
	uint32_t sliver_pb;                 /* payloads that are a DNSMessage */
	uint32_t godoh_q, godoh_txt;
	uint32_t chashell_q, chashell_ans;
	uint32_t dnsteal_q;
	uint32_t tuns_q, tuns_ans;
	uint32_t stager_q, stager_max, stager_ans; /* stager_ans: AAAA answers outside global unicast */
	uint32_t aaaa_ans;                  /* all AAAA answers */
	/* A look-ups of <prefix><N> names (the stager's numbering) and the
	 * largest N; the first octets of A answers, a bit each */
	uint32_t stager_a_q, stager_a_max;
	uint64_t a_oct[4];
	uint32_t queries;  /* payload-bearing queries seen */
} fp_acc_t;

/* A query of type qtype: labels [0, npay) of n are the payload, the rest
 * the base.  prefix_mode: the payload is right of a fixed first label
 * ("dnscat."). */
void fp_query(fp_acc_t *a, const dns_name_t *n, unsigned npay, bool prefix_mode, uint16_t qtype);

/* Sliver's DNSMessage check on payload text (dots removed): true when it
 * decodes (Sliver base32, else base58) to a well-formed message. */
bool fp_sliver_message(const uint8_t *p, size_t len);

/* One answer record's RDATA. */
void fp_answer(fp_acc_t *a, uint16_t type, const uint8_t *rdata, size_t rdlen);

/* A non-DNS payload on a DNS port: true when it has iodine's raw header. */
bool fp_iodine_raw(const uint8_t *p, size_t len);

void fp_merge(fp_acc_t *dst, const fp_acc_t *src);

/* Payload in A answers: 16 or more A look-ups of names numbered densely
 * (<prefix>0..N, N below twice their count), half of the payload-bearing
 * queries or more, answered with at most two addresses per look-up, whose
 * first octets are spread (16 distinct or more, and one for every 8
 * answers up to 64) and reach ranges no host address is in (0/8, 127/8,
 * 224/3): four bytes of data per record, not a list of hosts (which keep
 * to routable prefixes), a sinkhole (one address) or a DNSBL (127/8
 * only).  Returns the number of A answers, 0 when not; *oct the distinct
 * first octets. */
uint32_t fp_a_payload(const fp_acc_t *a, unsigned *oct);

/* The tool, or NULL.  *strength (0..1) says how protocol-specific the
 * evidence is; why receives a sentence naming the markers. */
const char *fp_tool(const fp_acc_t *a, double *strength, char *why, size_t whylen);

#endif
