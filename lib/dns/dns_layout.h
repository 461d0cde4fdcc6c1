/*
 * dns_layout.h - the layout of RDATA, one table for every type the library
 * understands: which fields follow each other, in wire order, and where
 * the domain names sit (MX: a 16-bit preference, then a name; SRV: three
 * 16-bit numbers, then a name; SOA: two names, then five 32-bit numbers;
 * NAPTR: two 16-bit numbers, three character-strings, then a name ...).
 *
 * The presentation writer (dns_rdata.c) walks these fields, and so can any
 * reader that wants a part of the RDATA: the embedded names (an iterator
 * below), the text of a TXT record, the offset of an MX exchange.  Names in
 * RDATA are read within the RDATA's length: a record whose RDATA is too
 * short for its layout has no name, whatever bytes follow it.
 */
#ifndef DNSTS_DNS_LAYOUT_H
#define DNSTS_DNS_LAYOUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dns_wire.h"

/* The kinds of field.  The first group has a fixed size or a length of its
 * own and may be followed by other fields; the second runs to the end of
 * the RDATA (no field follows, so no name follows either). */
enum dns_rdf {
	DNS_RDF_END = 0,   /* no more fields */
	DNS_RDF_U8,        /* 8-bit number */
	DNS_RDF_U16,       /* 16-bit number */
	DNS_RDF_U32,       /* 32-bit number */
	DNS_RDF_TYPE,      /* 16-bit RR type (RRSIG's type covered) */
	DNS_RDF_TIME,      /* 32-bit time, seconds since the epoch */
	DNS_RDF_IP4,       /* 4-octet IPv4 address */
	DNS_RDF_IP6,       /* 16-octet IPv6 address */
	DNS_RDF_EUI48,     /* 6-octet EUI-48 */
	DNS_RDF_EUI64,     /* 8-octet EUI-64 */
	DNS_RDF_NAME,      /* a domain name, possibly compressed */
	DNS_RDF_STR,       /* a <character-string>: length octet, then octets */
	DNS_RDF_TAG,       /* length octet (not 0), then octets (CAA's tag) */
	DNS_RDF_SALT,      /* length octet, then octets (NSEC3's salt) */
	DNS_RDF_HASH,      /* length octet (not 0), then octets (NSEC3) */
	DNS_RDF_REST,      /* ---- fields from here run to the end ---- */
	DNS_RDF_STRS = DNS_RDF_REST, /* <character-string>s */
	DNS_RDF_TEXT,      /* octets (CAA's value, URI's target) */
	DNS_RDF_HEX,       /* octets written in hex */
	DNS_RDF_B64,       /* octets written in base64 */
	DNS_RDF_BITMAP,    /* NSEC type bitmap windows */
	DNS_RDF_PORTS,     /* WKS port bitmap */
	DNS_RDF_SVCPARAMS, /* SVCB/HTTPS SvcParams (RFC 9460) */
	DNS_RDF_OPTIONS,   /* OPT: EDNS options (the class and TTL too) */
	DNS_RDF_TSIG,      /* TSIG after the algorithm name */
	DNS_RDF_TKEY,      /* TKEY after the algorithm name */
	DNS_RDF_LOC,       /* LOC (version 0; other versions have no format) */
};

#define DNS_RDF_MAX 10 /* fields of the longest layout (RRSIG), END included */

typedef struct dns_rdata_layout {
	uint8_t field[DNS_RDF_MAX]; /* enum dns_rdf, in wire order, ended by END */
	uint8_t rest_min;           /* octets a last field of the second group
	                               needs at least (TXT 1, DS 1, ZONEMD 12) */
} dns_rdata_layout_t;

/* The table behind dns_rdata_layout: types below DNS_LAYOUT_LOW by number
 * (no fields: no layout), and the DS layout that TA and DLV share. */
#define DNS_LAYOUT_LOW 260
extern const dns_rdata_layout_t dns_layout_low[DNS_LAYOUT_LOW];
extern const dns_rdata_layout_t dns_layout_ds;

/* The layout of type's RDATA; NULL for the types that have none (NULL,
 * unknown and private types: RFC 3597 "\# len hex" in presentation). */
static inline const dns_rdata_layout_t *dns_rdata_layout(uint16_t type)
{
	if (type < DNS_LAYOUT_LOW)
		return dns_layout_low[type].field[0] != DNS_RDF_END ? &dns_layout_low[type] : NULL;
	if (type == DNS_TYPE_TA || type == DNS_TYPE_DLV)
		return &dns_layout_ds;
	return NULL;
}

/* Does type's RDATA hold one or more <character-string>s and nothing else
 * (TXT, SPF)? */
static inline bool dns_rdata_is_text(uint16_t type)
{
	const dns_rdata_layout_t *l = dns_rdata_layout(type);
	return l && l->field[0] == DNS_RDF_STRS;
}

/* Offset in the RDATA of the first name of the type when the fields before
 * it have a fixed size (0 for CNAME, NS, PTR, SOA ...; 2 for MX, KX, SVCB;
 * 6 for SRV; 18 for RRSIG); -1 when the type holds no name or its offset
 * varies (NAPTR). */
int dns_rdata_name_offset(uint16_t type);

/* The names embedded in one record's RDATA, in wire order. */
typedef struct dns_rdata_names {
	const dns_msg_t *m;
	uint32_t pos, end;          /* next field, end of the RDATA (in m->wire) */
	const uint8_t *field;       /* next field of the layout; NULL: done */
} dns_rdata_names_t;

void dns_rdata_names_init(dns_rdata_names_t *it, const dns_msg_t *m, const dns_rr_t *rr);

/* The next name: 1 (out filled; *off, when not NULL, gets its offset in
 * m->wire), 0 when no name is left, DNSTS_EMALF when the RDATA does not
 * hold its fields up to that name within its length (the iteration then
 * ends).  A name's own octets lie inside the RDATA; its compression
 * pointers may lead anywhere in the message. */
int dns_rdata_names_next(dns_rdata_names_t *it, dns_name_t *out, uint32_t *off);

/* The first name in rr's RDATA (CNAME's target, MX's exchange, SRV's
 * target, SOA's mname ...): 0, or DNSTS_EMALF when the type holds no name
 * or the RDATA does not hold it. */
int dns_rdata_name(const dns_msg_t *m, const dns_rr_t *rr, dns_name_t *out);

#endif
