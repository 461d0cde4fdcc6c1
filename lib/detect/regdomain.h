/*
 * regdomain.h - registered domain of a DNS name from the Public Suffix
 * List (libpsl's built-in list), with a small per-instance cache so that
 * the many names under one zone cost one PSL walk.
 *
 * Names are compared in lowercase; the caller keeps the original case for
 * features.  A name whose top-level label is not a public suffix of the
 * list (a Windows search suffix such as "corp.local") is searched for an
 * inner real TLD: "<payload>.tunnel.example.com.corp.local" is split as
 * registered domain "example.com" with the suffix "corp.local" dropped.
 */
#ifndef DNSTS_REGDOMAIN_H
#define DNSTS_REGDOMAIN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dns_wire.h"

typedef struct regdomain regdomain_t;

/* Result of a split, in label indexes of the name (label 0 leftmost). */
typedef struct regdomain_split {
	unsigned nlabels;     /* labels of the name considered (suffix dropped) */
	unsigned reg_first;   /* first label of the registered domain; == nlabels
	                         when the name has no registered domain (it is
	                         a public suffix itself, or the root) */
	unsigned dropped;     /* trailing labels dropped as a local search suffix */
	bool real_tld;        /* the top-level label is in the list (no '*' rule) */
} regdomain_split_t;

regdomain_t *regdomain_new(void);
void regdomain_free(regdomain_t *r);

/* Split a name (labels as on the wire; case ignored).  Never fails. */
void regdomain_split(regdomain_t *r, const dns_name_t *n, regdomain_split_t *out);

/* The same answer from libpsl alone (no rule table), for tests that check
 * the fast path against it. */
void regdomain_split_psl(regdomain_t *r, const dns_name_t *n, regdomain_split_t *out);

/* A name under a real TLD whose registered domain is itself preceded by a
 * real TLD and a host-name label ("<data>.tunnel.net.corp.example.com":
 * registered domain "example.com", inner "tunnel.net"): the split of the
 * name with its trailing labels dropped, at most REG_MAX_DROP of them and
 * the whole registered domain among them, into out.  sp: the name's own
 * split (regdomain_split).  Such trailing labels may be a resolver's
 * search suffix that is itself a registered domain, or labels of the
 * zone (an attacker's "<data>.com.name.tld"): the caller decides from
 * evidence (suffixes.h).  False when there is no such split. */
bool regdomain_inner(regdomain_t *r, const dns_name_t *n, const regdomain_split_t *sp,
		     regdomain_split_t *out);

/* A name from its presentation form without escapes ("a.example.com",
 * no trailing dot); false when it is not one. */
bool regdomain_name_of_str(const char *text, dns_name_t *n);

/* Convenience for text names ("a.b.example.co.uk", as regdomain_name_of_str
 * takes them): writes the registered domain, lowercased, to buf; returns
 * its length, 0 when there is none or the text is no name. */
size_t regdomain_of_str(regdomain_t *r, const char *name, char *buf, size_t buflen);

/* Lowercase presentation form of labels [first, last) of n into buf. */
size_t regdomain_labels_str(const dns_name_t *n, unsigned first, unsigned last, char *buf,
			    size_t buflen);

#endif
