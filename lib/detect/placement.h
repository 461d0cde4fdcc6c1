/*
 * placement.h - where hosts sit in the DNS path: which addresses are
 * recursive resolvers (declared with --resolver, or seen answering other
 * hosts on a DNS port while asking other servers themselves) and which
 * are inside the local networks (--home-net).
 *
 * A resolver may have two addresses (inside and outside); the detector
 * recognises the outside one by the order of the queries
 * (placement_forwarder).
 *
 * Captured at a resolver, both of its legs are visible: the clients' queries
 * to it, and its own queries for the same names to other servers.  The
 * detector uses this to name the real clients of a finding, to count each
 * exchange once, and to tell a client that sends queries straight to a
 * server that is not a resolver of the network.
 *
 * What is recorded per address is a set of flags, so the result does not
 * depend on the order of the messages and two placements merge exactly.
 * At most PLACEMENT_MAX_HOSTS addresses are recorded; more are counted in
 * dropped, not recorded.
 */
#ifndef DNSTS_PLACEMENT_H
#define DNSTS_PLACEMENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "pkt.h"

#define PLACEMENT_MAX_HOSTS 65536
#define PLACEMENT_MAX_NETS 64

typedef struct placement placement_t;

placement_t *placement_new(void);
void placement_free(placement_t *p);

/* --resolver ADDRESS: -1 when too many. */
int placement_declare_resolver(placement_t *p, const ip_addr_t *ip);
/* --home-net ADDRESS/PREFIX: -1 when too many or the prefix is too long. */
int placement_add_home_net(placement_t *p, const ip_addr_t *net, unsigned prefix);
/* Parse "192.0.2.0/24", "2001:db8::/32" or a bare address (a host). */
int placement_parse_cidr(const char *s, ip_addr_t *net, unsigned *prefix);

/* A DNS query from src to dst, a response from src to dst (port 53 or a
 * configured DNS port; not mDNS or LLMNR, where every host answers). */
void placement_query(placement_t *p, const ip_addr_t *src, const ip_addr_t *dst);
/* ip asks other servers for the names its clients asked just before: a
 * resolver's upstream side, whatever address its clients see. */
void placement_forwarder(placement_t *p, const ip_addr_t *ip);
void placement_response(placement_t *p, const ip_addr_t *src, const ip_addr_t *dst);

int placement_merge(placement_t *dst, const placement_t *src);
/* A new placement with src's addresses and networks; NULL: no memory. */
placement_t *placement_copy(const placement_t *src);

/* Declared, or seen both answering queries and sending its own. */
bool placement_is_resolver(const placement_t *p, const ip_addr_t *ip);
/* Inside a --home-net (false when none was given). */
bool placement_is_home(const placement_t *p, const ip_addr_t *ip);
bool placement_has_home(const placement_t *p);
/* Is any address a resolver (declared or recognised)? */
bool placement_has_resolvers(const placement_t *p);
/* Addresses not recorded because the table was full. */
uint64_t placement_dropped(const placement_t *p);

#endif
