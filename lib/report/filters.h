/*
 * filters.h - pivots from a finding into other tools: a Wireshark display
 * filter that selects the frames showing the finding's messages, and a
 * BPF capture filter for its clients' DNS traffic.
 *
 * The display filter selects by query name: the zone itself or any name
 * under it, or over it when a search suffix follows (`dns.qry.name matches
 * "(^|\.)ZONE(\.|$)"`: the zone as whole labels; case-insensitive as
 * Wireshark's matches is).  So it selects the frames where Wireshark shows
 * a message of the zone: a datagram, the last fragment of a reassembled
 * one, the TCP segment that ends a message.  On the finding's inputs it
 * selects frames[].dns_frames frames of each.  Every byte of the zone that
 * is not a letter or digit is escaped for the regular expression and for
 * the filter's string literal, so a hostile zone name stays a literal.
 *
 * The BPF filter cannot look at names: it selects DNS (port 53, UDP and
 * TCP) and IP fragments to or from the finding's clients (at most
 * FILTER_BPF_HOSTS of them; beyond, DNS of any host).
 */
#ifndef DNSTS_FILTERS_H
#define DNSTS_FILTERS_H

#include <stddef.h>

#include "finding.h"

#define FILTER_BPF_HOSTS 16

/* Write the display filter for zone into out (outlen bytes).  Returns its
 * length, or 0 when it does not fit (out is then ""). */
size_t filter_wireshark(const char *zone, char *out, size_t outlen);

/* The same for the BPF filter of finding f. */
size_t filter_bpf(const finding_t *f, char *out, size_t outlen);

#endif
