/*
 * artefacts.h - what the mitigations point at: a DNS Response Policy Zone
 * that blocks the reported domains (--rpz) and a STIX 2.1 bundle with one
 * indicator per reported domain (--stix).
 *
 * Both cover exactly the findings for which report_is_reported() holds, one
 * entry per distinct domain (with --per-file a domain can be found in
 * several inputs; its entries are merged).  Both are dated by the time of
 * the scan (the SOA serial; created and valid_from), the traffic's times
 * are in comments and sightings; apart from those, the same findings give
 * the same output.
 */
#ifndef DNSTS_ARTEFACTS_H
#define DNSTS_ARTEFACTS_H

#include <stdio.h>

#include "report.h"

/* Room (octets in wire form) left for the name of the policy zone the RPZ
 * is loaded as: a domain whose "*.domain" would not fit under such a zone
 * name is listed in a comment instead. */
#define ARTEFACTS_RPZ_ZONE_ROOM 32

/* Fixed namespace of the UUIDv5 identifiers of the STIX objects:
 * f5bd1378-ecb8-5e75-923b-36c6864972ec (itself UUIDv5 of the URL
 * "https://dnstunnel-scan.invalid/stix" in the RFC 4122 URL namespace). */
extern const unsigned char artefacts_stix_ns[16];

/*
 * RPZ zone: $TTL, SOA, NS, then per domain a comment (score, tool, seen
 * times) and "domain CNAME ." and "*.domain CNAME ." (NXDOMAIN for the name
 * and all its subdomains).  Owner names are relative and there is no
 * $ORIGIN: the file loads as any zone name, or its entries can be included
 * into an existing policy zone.  The SOA serial is the time of the scan in
 * seconds since the epoch (c->run; without it the latest time seen in the
 * traffic), so that a later scan never has a lower serial.  Domains that
 * cannot be written as an owner name (empty, the root, or too long) are
 * listed in a comment instead.  Returns 0, or -1 on a write error.
 */
int artefacts_write_rpz(const report_ctx_t *c, FILE *out);

/*
 * STIX 2.1 bundle: the TLP 2.0 marking definition (c->tlp, default amber)
 * that marks every object, an identity (the tool), and per domain an
 * indicator with pattern [domain-name:value = '...'], a domain-name
 * observable, an observed-data over the traffic's span (first_observed,
 * last_observed, number_observed = queries) and a sighting of the indicator
 * (first_seen, last_seen, count = queries) that points at it.  created,
 * modified and valid_from are the time of the scan.  Client addresses
 * appear (as ipv4-addr/ipv6-addr observables and in the description) only
 * with c->stix_clients.  Ids are UUIDv5: in artefacts_stix_ns the indicator
 * of the domain, observed-data and sighting of the domain and span, the
 * identity of "dnstunnel-scan"; observables as STIX 2.1 fixes them.
 * Returns 0, or -1 on a write or allocation failure.
 */
int artefacts_write_stix(const report_ctx_t *c, FILE *out);

/* Is level a TLP 2.0 level: clear, green, amber, amber+strict, red? */
bool artefacts_tlp_known(const char *level);

#endif
