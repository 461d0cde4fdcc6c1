/*
 * artefacts.h - what the mitigations point at: a DNS Response Policy Zone
 * that blocks the reported domains (--rpz) and a STIX 2.1 bundle with one
 * indicator per reported domain (--stix).
 *
 * Both cover exactly the findings for which report_is_reported() holds, one
 * entry per distinct domain (with --per-file a domain can be found in
 * several inputs; its entries are merged).  Both are deterministic: the same
 * findings give byte-identical output; times come from the capture, never
 * from the wall clock.
 */
#ifndef DNSTS_ARTEFACTS_H
#define DNSTS_ARTEFACTS_H

#include <stdio.h>

#include "report.h"

#define ARTEFACTS_RPZ_ORIGIN "rpz.dnstunnel-scan."

/* Fixed namespace of the UUIDv5 identifiers of the STIX objects:
 * f5bd1378-ecb8-5e75-923b-36c6864972ec (itself UUIDv5 of the URL
 * "https://dnstunnel-scan.invalid/stix" in the RFC 4122 URL namespace). */
extern const unsigned char artefacts_stix_ns[16];

/*
 * RPZ zone: $TTL, $ORIGIN rpz.dnstunnel-scan., SOA, NS, then per domain
 * "domain CNAME ." and "*.domain CNAME ." (NXDOMAIN for the name and all its
 * subdomains).  The SOA serial is the latest last_seen of the reported
 * findings in seconds since the epoch (of the inputs when nothing is
 * reported; 1 when nothing was read).  Domains that cannot be written as an
 * owner name (empty, the root, or too long under the origin) are listed in a
 * comment instead.  Returns 0, or -1 on a write error.
 */
int artefacts_write_rpz(const report_ctx_t *c, FILE *out);

/*
 * STIX 2.1 bundle: an identity (the tool) and one indicator per domain with
 * pattern [domain-name:value = '...'].  Ids are UUIDv5 in
 * artefacts_stix_ns: indicator of the domain, identity of
 * "dnstunnel-scan", bundle of the indicators' ids and times.  created and
 * valid_from are the domain's first_seen, modified its last_seen.
 * Returns 0, or -1 on a write or allocation failure.
 */
int artefacts_write_stix(const report_ctx_t *c, FILE *out);

#endif
