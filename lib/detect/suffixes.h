/*
 * suffixes.h - evidence that trailing labels are a resolver's search
 * suffix.
 *
 * A name whose last label is no public TLD but which holds a registered
 * domain further left ("<data>.tun.example.com.corp.local") may be a
 * look-up that a client's resolver library retried with its search suffix
 * ("corp.local"), or a name the attacker chose ("<data>.update.com.x.lab"
 * is a zone under "x.lab", not a query for update.com).  The split drops
 * such a suffix only tentatively; the detector keeps the evidence that
 * decides it: a suffix seen behind names of several unrelated registered
 * domains is a configured search suffix (this table), and a payload
 * queried both with and without the suffix is a retry (the payload
 * sketch's flags, payset.h).  Without either, the finding is reported
 * under the full name, suffix included.  A suffix under a real TLD
 * (regdomain_inner: "corp.example.com") is dropped only on the second
 * kind of evidence (detect.c, settle_registered_suffixes): behind
 * unrelated names it may as well be one attacker's zone.
 *
 * The table keeps the SFX_MAX suffixes with the smallest hashes, each with
 * the SFX_REGS smallest hashes of the registered domains seen in front of
 * it (unkeyed hashes of lowercased text), so its state depends only on the
 * set of names, and two tables merge exactly.
 */
#ifndef DNSTS_SUFFIXES_H
#define DNSTS_SUFFIXES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SFX_MAX 64
#define SFX_REGS 4
#define SFX_TEXT 256
/* Registered domains in front of a suffix that make it a search suffix. */
#define SFX_UNRELATED 2

typedef struct sfx_ent {
	uint64_t h;                 /* hash of the suffix text (never 0) */
	uint64_t reg[SFX_REGS];     /* smallest registered-domain hashes, sorted */
	uint8_t nreg;
	char text[SFX_TEXT];        /* the suffix, presentation form, lowercase */
} sfx_ent_t;

typedef struct suffixes {
	sfx_ent_t *e;               /* sorted by h; NULL until the first */
	uint32_t n;
	bool dropped;               /* more suffixes seen than kept */
} suffixes_t;

void suffixes_init(suffixes_t *s);
void suffixes_clear(suffixes_t *s);

/* An unkeyed hash of a text (never 0). */
uint64_t suffixes_hash(const char *text, size_t len);
/* Suffix text (its hash h) seen behind registered domain of hash reg.
 * -1: no memory (nothing recorded). */
int suffixes_note(suffixes_t *s, uint64_t h, const char *text, uint64_t reg);
/* dst := dst u src; -1: no memory (dst still valid). */
int suffixes_merge(suffixes_t *dst, const suffixes_t *src);
/* The entry of hash h, or NULL (never seen, or not kept). */
const sfx_ent_t *suffixes_find(const suffixes_t *s, uint64_t h);
/* Does the suffix end in a name reserved for private networks, which no
 * zone on the Internet can be under: "local" (RFC 6762), "home.arpa"
 * (RFC 8375), "localhost", "invalid", "test" (RFC 6761), "internal"
 * (reserved by ICANN for private use), "corp", "home", "mail" (never to
 * be delegated: name collisions), "lan", "localdomain", "intranet",
 * "private" (de-facto private suffixes)?  Such a suffix is the network's
 * own namespace, so a registered domain in front of it is what the client
 * meant. */
bool sfx_is_private(const sfx_ent_t *e);

/* Seen behind SFX_UNRELATED or more registered domains. */
static inline bool sfx_is_search_suffix(const sfx_ent_t *e)
{
	return e && e->nreg >= SFX_UNRELATED;
}

#endif
