/*
 * allowlist.c - built-in and user allowlist; see allowlist.h.
 *
 * State: an open-addressing set of lowercased names keyed by SipHash
 * (random key per instance), grown by doubling; it holds only what the
 * built-in table and the user's file put in it, never names from traffic.
 * Matching a query walks its suffixes (at most DNS_MAX_LABELS lookups).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "allowlist.h"
#include "ascii.h"
#include "mix.h"
#include "siphash.h"
#include "swar.h"

/* A bit filter in front of the table: a query's suffixes are hashed in one
 * right-to-left pass over its labels, and the text is built and looked
 * up only when a suffix's bit is set (for almost no query). */
#define AL_FILTER_BITS (1u << 15)

struct al_entry {
	char *name;
	const char *reason;
	uint64_t h;
};

struct allowlist {
	bool builtin;
	uint8_t key[16];
	struct al_entry *tab;
	size_t cap, n;
	uint64_t nlabel_mask;   /* bit k-1: an entry has k labels (bit 63: 64 or more) */
	uint64_t filter[AL_FILTER_BITS / 64]; /* a bit per entry's rhash() */
};

/* Built-in names: each covers its subdomains. */
static const struct {
	const char *name, *reason;
} BUILTIN[] = {
	{"in-addr.arpa", "reverse look-up (PTR) of an IPv4 address"},
	{"ip6.arpa", "reverse look-up (PTR) of an IPv6 address"},
	{"local", "multicast DNS (.local) service discovery"},
	{"spamhaus.org", "Spamhaus DNS blocklists (reversed-IP and domain queries)"},
	{"spamhaus.net", "Spamhaus Data Query Service blocklists"},
	{"spamcop.net", "SpamCop DNS blocklist (reversed-IP queries)"},
	{"sorbs.net", "SORBS DNS blocklists"},
	{"barracudacentral.org", "Barracuda reputation blocklist"},
	{"uribl.com", "URIBL domain blocklist"},
	{"surbl.org", "SURBL domain blocklist"},
	{"abuseat.org", "CBL composite blocklist"},
	{"dnswl.org", "DNSWL allowlist look-ups (reversed IPs)"},
	{"mailspike.net", "Mailspike reputation blocklist"},
	{"senderscore.com", "Validity Sender Score reputation look-ups"},
	{"spameatingmonkey.net", "SEM DNS blocklists"},
	{"uceprotect.net", "UCEPROTECT DNS blocklists"},
	{"backscatterer.org", "Backscatterer DNS blocklist"},
	{"dronebl.org", "DroneBL DNS blocklist"},
	{"abusix.zone", "Abusix Mail Intelligence blocklists (hash and IP zones)"},
	{"junkemailfilter.com", "Hostkarma reputation look-ups"},
	{"manitu.net", "NiX Spam DNS blocklist"},
	{"surriel.com", "PSBL DNS blocklist"},
	{"spamrats.com", "SpamRATS DNS blocklists"},
	{"blocklist.de", "blocklist.de DNS blocklist"},
	{"gbudb.net", "GBUdb Truncate blocklist"},
	{"invaluement.com", "Invaluement DNS blocklists"},
	{"rspamd.com", "Rspamd hash and IP blocklists"},
	{"msrbl.net", "MSRBL DNS blocklists"},
	{"0spam.org", "0spam DNS blocklist"},
	{"torproject.org", "Tor exit-node DNS list (dnsel) look-ups"},
	{"cymru.com", "Team Cymru malware hash registry and IP-to-ASN look-ups"},
	{"mcafee.com", "McAfee GTI file/URL reputation hash look-ups (avqs, avts)"},
	{"sophosxl.net", "Sophos Live Protection hash look-ups"},
	{"e5.sk", "ESET LiveGrid reputation look-ups"},
	{"eset.com", "ESET reputation and update look-ups"},
	{"kaspersky.com", "Kaspersky Security Network look-ups"},
	{"kaspersky-labs.com", "Kaspersky update and reputation look-ups"},
	{"trendmicro.com", "Trend Micro Smart Protection Network look-ups"},
	{"bitdefender.net", "Bitdefender cloud reputation look-ups"},
	{"webrootcloudav.com", "Webroot cloud anti-virus look-ups"},
	{"fsapi.com", "F-Secure Security Cloud look-ups"},
	{"avast.com", "Avast file reputation look-ups"},
	{"avira.com", "Avira Protection Cloud look-ups"},
	{"senderbase.org", "Cisco Talos SenderBase reputation look-ups"},
	{"spamhaus.com", "Spamhaus hash blocklist look-ups"},
};

static size_t norm(const char *in, char *out, size_t outlen)
{
	size_t n = strlen(in);
	while (n && (in[n - 1] == '.' || in[n - 1] == '\n' || in[n - 1] == '\r' ||
		     in[n - 1] == ' ' || in[n - 1] == '\t'))
		n--;
	while (n && (*in == ' ' || *in == '\t' || *in == '.')) {
		in++;
		n--;
	}
	if (n == 0 || n >= outlen)
		return 0;
	for (size_t i = 0; i < n; i++) {
		int c = ascii_lower((unsigned char)in[i]);
		if (c == ' ' || c == '\t')
			return 0;
		out[i] = (char)c;
	}
	out[n] = '\0';
	return n;
}

/* A name byte in the text form the table is keyed by: lower case, and '?'
 * for bytes outside printable ASCII, space and '.' (as norm() and
 * regdomain's text would not match them anyway). */
static const uint8_t TEXT_MAP[256] = {
	0x3f, 0x3f, 0x3f, 0x3f, 0x3f, 0x3f, 0x3f, 0x3f, 0x3f, 0x3f, 0x3f, 0x3f, 0x3f, 0x3f, 0x3f, 0x3f,
	0x3f, 0x3f, 0x3f, 0x3f, 0x3f, 0x3f, 0x3f, 0x3f, 0x3f, 0x3f, 0x3f, 0x3f, 0x3f, 0x3f, 0x3f, 0x3f,
	0x3f, 0x21, 0x22, 0x23, 0x24, 0x25, 0x26, 0x27, 0x28, 0x29, 0x2a, 0x2b, 0x2c, 0x2d, 0x3f, 0x2f,
	0x30, 0x31, 0x32, 0x33, 0x34, 0x35, 0x36, 0x37, 0x38, 0x39, 0x3a, 0x3b, 0x3c, 0x3d, 0x3e, 0x3f,
	0x40, 0x61, 0x62, 0x63, 0x64, 0x65, 0x66, 0x67, 0x68, 0x69, 0x6a, 0x6b, 0x6c, 0x6d, 0x6e, 0x6f,
	0x70, 0x71, 0x72, 0x73, 0x74, 0x75, 0x76, 0x77, 0x78, 0x79, 0x7a, 0x5b, 0x5c, 0x5d, 0x5e, 0x5f,
	0x60, 0x61, 0x62, 0x63, 0x64, 0x65, 0x66, 0x67, 0x68, 0x69, 0x6a, 0x6b, 0x6c, 0x6d, 0x6e, 0x6f,
	0x70, 0x71, 0x72, 0x73, 0x74, 0x75, 0x76, 0x77, 0x78, 0x79, 0x7a, 0x7b, 0x7c, 0x7d, 0x7e, 0x3f,
	0x3f, 0x3f, 0x3f, 0x3f, 0x3f, 0x3f, 0x3f, 0x3f, 0x3f, 0x3f, 0x3f, 0x3f, 0x3f, 0x3f, 0x3f, 0x3f,
	0x3f, 0x3f, 0x3f, 0x3f, 0x3f, 0x3f, 0x3f, 0x3f, 0x3f, 0x3f, 0x3f, 0x3f, 0x3f, 0x3f, 0x3f, 0x3f,
	0x3f, 0x3f, 0x3f, 0x3f, 0x3f, 0x3f, 0x3f, 0x3f, 0x3f, 0x3f, 0x3f, 0x3f, 0x3f, 0x3f, 0x3f, 0x3f,
	0x3f, 0x3f, 0x3f, 0x3f, 0x3f, 0x3f, 0x3f, 0x3f, 0x3f, 0x3f, 0x3f, 0x3f, 0x3f, 0x3f, 0x3f, 0x3f,
	0x3f, 0x3f, 0x3f, 0x3f, 0x3f, 0x3f, 0x3f, 0x3f, 0x3f, 0x3f, 0x3f, 0x3f, 0x3f, 0x3f, 0x3f, 0x3f,
	0x3f, 0x3f, 0x3f, 0x3f, 0x3f, 0x3f, 0x3f, 0x3f, 0x3f, 0x3f, 0x3f, 0x3f, 0x3f, 0x3f, 0x3f, 0x3f,
	0x3f, 0x3f, 0x3f, 0x3f, 0x3f, 0x3f, 0x3f, 0x3f, 0x3f, 0x3f, 0x3f, 0x3f, 0x3f, 0x3f, 0x3f, 0x3f,
	0x3f, 0x3f, 0x3f, 0x3f, 0x3f, 0x3f, 0x3f, 0x3f, 0x3f, 0x3f, 0x3f, 0x3f, 0x3f, 0x3f, 0x3f, 0x3f,
};

/* FNV-1a over text bytes fed from the last to the first (so a name's
 * suffixes are hashed in one pass from the right). */
static inline uint64_t rstep(uint64_t h, uint8_t c)
{
	return (h ^ c) * MIX_FNV_PRIME;
}

static inline size_t rbit(uint64_t h)
{
	h ^= h >> 29;
	h *= MIX_S1;
	h ^= h >> 32;
	return (size_t)(h & (AL_FILTER_BITS - 1));
}

static inline bool filter_has(const allowlist_t *a, uint64_t h)
{
	size_t b = rbit(h);
	return (a->filter[b / 64] >> (b % 64)) & 1;
}

/* The table holds only the operator's names (built-in list, allowlist
 * file): query names only probe it, so probe lengths are set by the table
 * and a fast word-at-a-time hash (seeded with the random key) is enough. */
static uint64_t al_hash(const allowlist_t *a, const char *s, size_t n)
{
	uint64_t h;
	memcpy(&h, a->key, sizeof(h));
	h ^= n * MIX_GOLDEN;
	while (n >= 8) {
		h = mix_step(h, swar_load8((const uint8_t *)s), MIX_M1, 29);
		s += 8;
		n -= 8;
	}
	uint64_t w = 0;
	while (n)
		w = w << 8 | (uint8_t)s[--n];
	return mix_step(h, w, MIX_M2, 32);
}

static struct al_entry *find(const allowlist_t *a, const char *s, size_t len, uint64_t h)
{
	if (!a->cap)
		return NULL;
	for (size_t i = h & (a->cap - 1);; i = (i + 1) & (a->cap - 1)) {
		struct al_entry *e = &a->tab[i];
		if (!e->name)
			return NULL;
		if (e->h == h && strlen(e->name) == len && memcmp(e->name, s, len) == 0)
			return e;
	}
}

static int grow(allowlist_t *a)
{
	size_t ncap = a->cap ? a->cap * 2 : 128;
	struct al_entry *nt = calloc(ncap, sizeof(*nt));
	if (!nt)
		return -1;
	for (size_t i = 0; i < a->cap; i++) {
		if (!a->tab[i].name)
			continue;
		size_t j = a->tab[i].h & (ncap - 1);
		while (nt[j].name)
			j = (j + 1) & (ncap - 1);
		nt[j] = a->tab[i];
	}
	free(a->tab);
	a->tab = nt;
	a->cap = ncap;
	return 0;
}

int allowlist_add(allowlist_t *a, const char *name, const char *reason)
{
	char buf[DNS_NAME_STRLEN];
	size_t len = norm(name, buf, sizeof(buf));
	if (!len)
		return -1;
	uint64_t h = al_hash(a, buf, len);
	if (find(a, buf, len, h))
		return 0;
	if ((a->n + 1) * 2 > a->cap && grow(a) < 0)
		return -1;
	char *copy = strdup(buf);
	if (!copy)
		return -1;
	size_t i = h & (a->cap - 1);
	while (a->tab[i].name)
		i = (i + 1) & (a->cap - 1);
	unsigned nl = 1;
	for (size_t k = 0; k < len; k++)
		nl += buf[k] == '.';
	a->nlabel_mask |= 1ull << (nl > 64 ? 63 : nl - 1);
	uint64_t rh = MIX_FNV_OFFSET;
	for (size_t k = len; k-- > 0;)
		rh = rstep(rh, (uint8_t)buf[k]);
	size_t b = rbit(rh);
	a->filter[b / 64] |= 1ull << (b % 64);
	a->tab[i].name = copy;
	a->tab[i].reason = reason;
	a->tab[i].h = h;
	a->n++;
	return 0;
}

allowlist_t *allowlist_new(bool builtin)
{
	allowlist_t *a = calloc(1, sizeof(*a));
	if (!a)
		return NULL;
	a->builtin = builtin;
	siphash_random_key(a->key);
	if (builtin) {
		for (size_t i = 0; i < sizeof(BUILTIN) / sizeof(BUILTIN[0]); i++) {
			if (allowlist_add(a, BUILTIN[i].name, BUILTIN[i].reason) < 0) {
				allowlist_free(a);
				return NULL;
			}
		}
	}
	return a;
}

void allowlist_free(allowlist_t *a)
{
	if (!a)
		return;
	for (size_t i = 0; i < a->cap; i++)
		free(a->tab[i].name);
	free(a->tab);
	free(a);
}

/* Is s an allowlist entry: a domain name of host-name labels (letters,
 * digits, '-', '_'; 1 to 63 each, at most 253 in all, a trailing dot
 * allowed), optionally "*."-prefixed (meaning the same: a name covers its
 * subdomains)?  NULL, or why not. */
static const char *entry_problem(const char *s)
{
	if (s[0] == '*' && s[1] == '.')
		s += 2;
	size_t n = strlen(s);
	if (n && s[n - 1] == '.')
		n--;
	if (n == 0)
		return "an empty name";
	if (n > 253)
		return "longer than 253 characters";
	size_t lab = 0;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c == '.') {
			if (lab == 0)
				return "an empty label";
			lab = 0;
			continue;
		}
		if (!((c | 0x20) >= 'a' && (c | 0x20) <= 'z') && !(c >= '0' && c <= '9') &&
		    c != '-' && c != '_')
			return c == '*' ? "a '*' other than a leading '*.'"
					: "a character other than letters, digits, '-', '_' and '.'";
		if (++lab > 63)
			return "a label longer than 63 characters";
	}
	return lab ? NULL : "an empty label";
}

int allowlist_load(allowlist_t *a, const char *path, char *err, size_t errlen)
{
	FILE *fp = fopen(path, "r");
	if (!fp) {
		if (err && errlen)
			snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	char line[1024];
	unsigned long lineno = 0;
	const char *why = NULL;
	char bad[64] = "";
	while (fgets(line, sizeof(line), fp)) {
		lineno++;
		size_t ll = strlen(line);
		if (ll && line[ll - 1] != '\n' && !feof(fp)) {
			why = "line longer than 1022 characters";
			break;
		}
		char *hash = strchr(line, '#');
		if (hash)
			*hash = '\0';
		char *s = line;
		while (*s == ' ' || *s == '\t')
			s++;
		char *e = s;
		while (*e && *e != ' ' && *e != '\t' && *e != '\n' && *e != '\r')
			e++;
		char *rest = e;
		while (*rest == ' ' || *rest == '\t' || *rest == '\n' || *rest == '\r')
			rest++;
		*e = '\0';
		if (!*s)
			continue;
		if (*rest) {
			why = "more than one name on the line (one name per line, # comments)";
			break;
		}
		if ((why = entry_problem(s)) != NULL) {
			snprintf(bad, sizeof bad, "%.60s", s); /* cut: it is quoted in a message */
			break;
		}
		if (s[0] == '*')
			s += 2;
		if (allowlist_add(a, s, "listed in the --allowlist file") < 0) {
			fclose(fp);
			if (err && errlen)
				snprintf(err, errlen, "%s:%lu: %s", path, lineno, strerror(ENOMEM));
			return -1;
		}
	}
	if (!why && ferror(fp))
		why = "read error";
	fclose(fp);
	if (why) {
		if (err && errlen) {
			/* the entry as printable ASCII only: it goes to a terminal */
			for (char *p = bad; *p; p++)
				if ((unsigned char)*p < 0x20 || (unsigned char)*p > 0x7e)
					*p = '?';
			if (*bad)
				snprintf(err, errlen, "%s:%lu: '%s' is not a domain name: %s", path,
					 lineno, bad, why);
			else
				snprintf(err, errlen, "%s:%lu: %s", path, lineno, why);
		}
		return -1;
	}
	return 0;
}

static bool label_is_octet(const uint8_t *p, unsigned len)
{
	if (len == 0 || len > 3)
		return false;
	unsigned v = 0;
	for (unsigned i = 0; i < len; i++) {
		if (p[i] < '0' || p[i] > '9')
			return false;
		v = v * 10 + (unsigned)(p[i] - '0');
	}
	return v <= 255 && !(len > 1 && p[0] == '0');
}

static bool label_is_nibble(const uint8_t *p, unsigned len)
{
	return len == 1 && ascii_is_hex(p[0]);
}

/* Structural rules: shapes that are legitimate under any zone. */
static const char *structural(const dns_name_t *n, unsigned nl, uint16_t port)
{
	if (port == MDNS_PORT)
		return "multicast DNS (port 5353)";
	if (nl == 0)
		return NULL;
	for (unsigned i = 0; i < nl; i++) {
		unsigned len;
		const uint8_t *p = dns_name_label(n, i, &len);
		if (len && p[0] == '_') {
			if (ascii_label_eq(p, len, "_domainkey"))
				return "DKIM public key look-up (_domainkey)";
			if (ascii_label_eq(p, len, "_acme-challenge"))
				return "ACME (Let's Encrypt) DNS-01 challenge";
			if (ascii_label_eq(p, len, "_dmarc") || ascii_label_eq(p, len, "_mta-sts") ||
			    ascii_label_eq(p, len, "_smtp._tls") || ascii_label_eq(p, len, "_bimi"))
				return "mail policy record (_dmarc, _mta-sts, _bimi)";
			if (ascii_label_eq(p, len, "_tcp") || ascii_label_eq(p, len, "_udp") ||
			    ascii_label_eq(p, len, "_tls") || ascii_label_eq(p, len, "_sctp"))
				return "SRV service name (_service._proto)";
		}
	}
	/* DNSBL-style reversed IPv4: four octet labels left of a zone. */
	if (nl >= 6) {
		unsigned len;
		bool ok = true;
		for (unsigned i = 0; i < 4 && ok; i++) {
			const uint8_t *p = dns_name_label(n, i, &len);
			ok = label_is_octet(p, len);
		}
		if (ok)
			return "DNS blocklist style reversed-IPv4 look-up";
	}
	/* Reversed IPv6 in nibbles under a blocklist zone. */
	if (nl >= 34) {
		unsigned len;
		bool ok = true;
		for (unsigned i = 0; i < 32 && ok; i++) {
			const uint8_t *p = dns_name_label(n, i, &len);
			ok = label_is_nibble(p, len);
		}
		if (ok)
			return "DNS blocklist style reversed-IPv6 look-up";
	}
	return NULL;
}

const char *allowlist_match(const allowlist_t *a, const dns_name_t *n, uint16_t port,
			    int *matched_first)
{
	return allowlist_match_n(a, n, n->nlabels, port, matched_first);
}

const char *allowlist_match_n(const allowlist_t *a, const dns_name_t *n, unsigned nlabels,
			      uint16_t port, int *matched_first)
{
	char buf[DNS_NAME_STRLEN];
	size_t starts[DNS_MAX_LABELS];
	*matched_first = -1;
	if (nlabels > n->nlabels)
		nlabels = n->nlabels;
	if (a->n && nlabels) {
		/* Only suffixes with as many labels as some entry can match; the
		 * lowercased text is built for the longest of them only. */
		unsigned maxk = 64 - (unsigned)__builtin_clzll(a->nlabel_mask);
		unsigned from = nlabels > maxk && maxk < 64 ? nlabels - maxk : 0;
		/* the filter first: suffix text hashed from its last byte */
		uint64_t rh = MIX_FNV_OFFSET;
		bool maybe = false;
		for (unsigned i = nlabels; i-- > from && !maybe;) {
			unsigned len;
			const uint8_t *p = dns_name_label(n, i, &len);
			if (i + 1 < nlabels)
				rh = rstep(rh, '.');
			for (unsigned j = len; j-- > 0;)
				rh = rstep(rh, TEXT_MAP[p[j]]);
			unsigned k = nlabels - i;
			if (a->nlabel_mask & (1ull << (k > 64 ? 63 : k - 1)))
				maybe = filter_has(a, rh);
		}
		if (!maybe)
			from = nlabels; /* no suffix can be listed */
		size_t o = 0;
		for (unsigned i = from; i < nlabels; i++) {
			unsigned len;
			const uint8_t *p = dns_name_label(n, i, &len);
			if (i > from)
				buf[o++] = '.';
			starts[i] = o;
			for (unsigned j = 0; j < len; j++)
				buf[o++] = (char)TEXT_MAP[p[j]];
		}
		buf[o] = '\0';
		for (unsigned i = from; i < nlabels; i++) {
			unsigned k = nlabels - i;
			if (!(a->nlabel_mask & (1ull << (k > 64 ? 63 : k - 1))))
				continue;
			size_t len = o - starts[i];
			uint64_t h = al_hash(a, buf + starts[i], len);
			struct al_entry *e = find(a, buf + starts[i], len, h);
			if (e) {
				*matched_first = (int)i;
				return e->reason ? e->reason : "allowlisted";
			}
		}
	}
	if (a->builtin)
		return structural(n, nlabels, port);
	return NULL;
}
