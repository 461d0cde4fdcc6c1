/*
 * allowlist.h - legitimate encoders that must never be reported: built-in
 * names (each with a one-line reason in allowlist.c), structural rules for
 * shapes that are known whatever the zone (reverse look-ups, DKIM, ACME,
 * SRV service names, DNSBL reversed-IP queries, mDNS), and names from an
 * --allowlist FILE (one per line, '#' comments; a name covers its
 * subdomains).
 */
#ifndef DNSTS_ALLOWLIST_H
#define DNSTS_ALLOWLIST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dns_wire.h"

/* Multicast DNS (RFC 6762): its names are the protocol's own, and its
 * queries carry known answers. */
#define MDNS_PORT 5353
#define LLMNR_PORT 5355

typedef struct allowlist allowlist_t;

/* builtin: load the built-in names and apply the structural rules. */
allowlist_t *allowlist_new(bool builtin);
void allowlist_free(allowlist_t *a);

/* Add one name (any case; trailing dot ignored).  0 or -1 (bad name, no
 * memory).  reason must outlive the allowlist (or be NULL). */
int allowlist_add(allowlist_t *a, const char *name, const char *reason);

/* Load a file; 0 or -1 with "PATH: reason" in err. */
int allowlist_load(allowlist_t *a, const char *path, char *err, size_t errlen);

/*
 * Is the query name allowlisted?  Returns the reason, or NULL.  When a
 * listed name matched, *matched_first receives the index of its first
 * label in n (the base to aggregate the query under); for a structural
 * rule it receives -1.  port is the server port of the message
 * (MDNS_PORT means mDNS).
 */
const char *allowlist_match(const allowlist_t *a, const dns_name_t *n, uint16_t port,
			    int *matched_first);
/* The same on the first nlabels labels of n only (a search suffix that
 * regdomain_split() dropped is not looked at). */
const char *allowlist_match_n(const allowlist_t *a, const dns_name_t *n, unsigned nlabels,
			      uint16_t port, int *matched_first);

#endif
