/*
 * dns_wire.h - DNS message parser (RFC 1035 and successors) over untrusted
 * bytes.  Nothing is allocated: a message view points into the caller's
 * buffer, names are decompressed into fixed-size structs (dns_name.h), and
 * resource records are read one at a time by an iterator.  RDATA is checked
 * and written by dns_rdata.h.
 *
 * Anomalies are data: a message whose header and question parse is a
 * message, and what is wrong after that is recorded in msg->anomalies.
 */
#ifndef DNSTS_DNS_WIRE_H
#define DNSTS_DNS_WIRE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dns_const.h"
#include "dns_name.h"

#define DNS_HEADER_LEN 12

enum dns_section { DNS_SEC_QUESTION = 0, DNS_SEC_ANSWER, DNS_SEC_AUTHORITY, DNS_SEC_ADDITIONAL };

enum dns_anomaly {
	DNS_ANOM_TRUNC_RR      = 1u << 0, /* RR section ends before its count */
	DNS_ANOM_BAD_NAME      = 1u << 1, /* a name (in RRs) failed to decode */
	DNS_ANOM_RDLEN         = 1u << 2, /* RDATA length disagrees with its type */
	DNS_ANOM_TRAILING      = 1u << 3, /* bytes after the last RR */
	DNS_ANOM_MULTI_Q       = 1u << 4, /* qdcount > 1 */
	DNS_ANOM_NO_Q          = 1u << 5, /* qdcount == 0 */
	DNS_ANOM_FWD_PTR       = 1u << 6, /* a forward compression pointer (in a
	                                     question or owner name; followed) */
	DNS_ANOM_Z             = 1u << 7, /* Z bit set */
	DNS_ANOM_BAD_OPT       = 1u << 8, /* OPT malformed or misplaced */
	DNS_ANOM_NUL_IN_NAME   = 1u << 9, /* a label holds a NUL byte */
	DNS_ANOM_TC            = 1u << 10,/* truncated response (TC bit) */
};

/* Header flag bits (in dns_msg.flags, host order) */
#define DNS_F_QR 0x8000
#define DNS_F_AA 0x0400
#define DNS_F_TC 0x0200
#define DNS_F_RD 0x0100
#define DNS_F_RA 0x0080
#define DNS_F_Z  0x0040
#define DNS_F_AD 0x0020
#define DNS_F_CD 0x0010

typedef struct dns_msg {
	const uint8_t *wire;     /* the message, borrowed */
	uint32_t len;
	uint16_t id;
	uint16_t flags;          /* the 16-bit flags word */
	uint8_t qr, opcode;
	uint16_t rcode;          /* header RCODE, extended by OPT when present */
	uint16_t count[4];       /* qd, an, ns, ar counts from the header */
	bool has_question;
	dns_name_t qname;        /* first question */
	uint16_t qtype, qclass;
	uint32_t rr_off;         /* offset of the first RR after the questions */
	uint32_t anomalies;      /* enum dns_anomaly bits */
	/* EDNS(0), filled by dns_msg_parse_all() or as the iterator meets OPT */
	bool has_edns;
	uint16_t edns_udp_size;
	uint8_t edns_version;
	bool edns_do;
} dns_msg_t;

/*
 * Parse the header and the first question.  Returns 0, or DNSTS_EMALF when
 * the bytes are not a DNS message (shorter than a header, or the question
 * does not decode).  A message with qdcount 0 parses with has_question false.
 */
int dns_msg_parse(dns_msg_t *m, const uint8_t *wire, size_t len);

/* A resource record as the iterator returns it.  For the question section
 * only name, type and rclass are set. */
typedef struct dns_rr {
	uint8_t section;         /* enum dns_section */
	dns_name_t name;
	uint16_t type, rclass;
	uint32_t ttl;
	uint16_t rdlen;
	uint32_t rdoff;          /* offset of RDATA in msg->wire */
} dns_rr_t;

typedef struct dns_rr_iter {
	dns_msg_t *m;
	uint32_t pos;
	uint8_t section;
	uint16_t left;           /* records left in the section */
	bool done;
	uint16_t nopt;           /* OPT records met (a second one is an anomaly) */
	bool no_names;           /* set after init: owner names are checked, not copied
	                            (rr->name is then left empty) */
	bool owner_root;         /* the last record's owner is the root (the OPT
	                            check uses it, names copied or not) */
} dns_rr_iter_t;

/* A dynamic update (RFC 2136): deletions and prerequisites carry no RDATA
 * whatever their type.  Is rr's empty RDATA of that kind (opcode UPDATE,
 * or class NONE or ANY)? */
static inline bool dns_rr_update_form(const dns_msg_t *m, const dns_rr_t *rr)
{
	return m->opcode == DNS_OPCODE_UPDATE || rr->rclass == DNS_CLASS_NONE ||
	       rr->rclass == DNS_CLASS_ANY;
}

/* Iterate over every record of every section, the questions included (the
 * first question again too).  The iterator records anomalies in m. */
void dns_rr_iter_init(dns_rr_iter_t *it, dns_msg_t *m);
/* After init: when dns_msg_parse read the message's only question, start
 * at the answers instead of reading that question again (its anomalies
 * are already in m).  Otherwise nothing changes. */
void dns_rr_iter_skip_question(dns_rr_iter_t *it);
/* 1: *rr filled; 0: no more; DNSTS_EMALF: the rest of the message is
 * unreadable (the anomaly is recorded, the records before it stand). */
int dns_rr_next(dns_rr_iter_t *it, dns_rr_t *rr);

/* Mnemonics; unknown values as "TYPE65280", "CLASS7", "RCODE23",
 * "OPCODE9".  tmp must hold 16 bytes; the result may point to it. */
const char *dns_type_str(uint16_t type, char tmp[16]);
const char *dns_class_str(uint16_t rclass, char tmp[16]);
const char *dns_rcode_str(uint16_t rcode, char tmp[16]);
const char *dns_opcode_str(uint8_t opcode, char tmp[16]);

#endif
