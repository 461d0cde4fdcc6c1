/*
 * dns_rdata.h - RDATA of resource records: checked against its type and
 * written in presentation form.  Above dns_wire (it reads the records the
 * iterator returns) and dns_name (names inside RDATA).
 */
#ifndef DNSTS_DNS_RDATA_H
#define DNSTS_DNS_RDATA_H

#include <stddef.h>
#include <stdint.h>

#include "dns_wire.h"

/*
 * RDATA in presentation form (A, AAAA, NS, CNAME, PTR, MX, TXT, SOA, SRV,
 * NULL, OPT, HTTPS/SVCB, CAA, DS, DNSKEY, RRSIG, NSEC, NSEC3, NAPTR, HINFO,
 * SSHFP, TLSA, URI, LOC ...; anything else as RFC 3597 "\# len hex").
 * Returns the length written, or DNSTS_EMALF when RDATA does not match its
 * type (buf then holds the RFC 3597 form).
 *
 * Like snprintf, the length returned is that of the whole string: when it
 * is >= buflen, buf holds the first buflen - 1 characters (cut anywhere,
 * even inside an escape) and is terminated.  buf may be NULL with buflen 0
 * to only check the RDATA or measure its presentation.  The output is
 * printable ASCII.  The exact formats are described in dns_rdata.c.
 */
int dns_rdata_to_str(const dns_msg_t *m, const dns_rr_t *rr, char *buf, size_t buflen);

/* Does the RDATA match its type?  0 or DNSTS_EMALF, the same verdict as
 * dns_rdata_to_str, without producing the text (cheaper). */
int dns_rdata_check(const dns_msg_t *m, const dns_rr_t *rr);

/* Run the iterator over the whole message, only to fill anomalies and EDNS.
 * It also checks every RDATA against its type (dns_rdata_check), setting
 * DNS_ANOM_RDLEN, and sets DNS_ANOM_TRAILING when bytes follow the last
 * record.  The iterator alone checks only the lengths of A and AAAA. */
void dns_msg_parse_all(dns_msg_t *m);

#endif
