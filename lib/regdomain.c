/*
 * regdomain.c - registered domain split through libpsl's built-in list.
 *
 * State: a direct-mapped cache of 1024 entries keyed by a SipHash of the
 * lowercased last REG_KEY_LABELS labels of a name (random key per
 * instance, so crafted names cannot force collisions in a predictable
 * way; a collision only costs a PSL walk, never a wrong answer, because
 * the entry also stores the key's length and a second hash).  Names with
 * more labels than that are answered from their suffix when the suffix
 * has a registered domain shorter than the suffix itself; Public Suffix
 * List rules longer than REG_KEY_LABELS - 1 labels are thereby ignored
 * (the list has none today).  Names under a top-level label that is not
 * in the list are not cached: they are searched for an inner real TLD
 * (a resolver's search suffix), at most REG_MAX_DROP trailing labels deep.
 *
 * Fast path: the rules of the list libpsl was built from (its
 * psl_builtin_filename(), when readable and not outdated) are read once
 * into a table of every rule and every proper tail of a rule ("co.uk" and
 * "uk" for "*.sch.co.uk").  A name is walked from its last label leftwards
 * only while the suffix so far is the tail of some rule, so a name under
 * "example.com" costs two table probes; libpsl is asked only about
 * suffixes that the table holds (the answer is kept in the entry) or that
 * sit under a wildcard rule.  Any other suffix cannot be a public suffix.
 * Names with bytes outside printable ASCII, a '.' or '\\' inside a label,
 * or an IDNA ("xn--") label on the walk go the slow path (libpsl on the
 * text, through the cache above), as do all names when the list file is
 * missing.  The table holds only the list, never names from traffic.
 */
#include <libpsl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "regdomain.h"
#include "siphash.h"

#define REG_KEY_LABELS 6
#define REG_CACHE 1024
#define REG_MAX_DROP 3
#define REG_FILTER_BITS (1u << 17) /* 16 KiB: most misses never touch the table */

struct reg_entry {
	uint64_t h;
	uint8_t used, reg_labels; /* reg_labels: labels of the registered domain, 0 none */
	uint8_t real_tld;
};

/* A rule of the list or a proper tail of one. */
enum { R_RULE = 1, R_EXC = 2, R_WILD = 4, R_TAIL = 8 };
struct rule_ent {
	uint64_t h;
	uint32_t off;        /* text in rtext */
	uint16_t len;
	uint8_t flags;       /* R_WILD: "*.<this>" is a rule */
	int8_t is_ps;        /* libpsl's psl_is_public_suffix(), -1 unknown */
	int8_t is_tld;       /* the same with PSL_TYPE_NO_STAR_RULE, -1 unknown */
};

struct regdomain {
	const psl_ctx_t *psl;
	uint8_t key[16];
	uint64_t seed;
	struct rule_ent *rt;  /* open addressing, rcap a power of two; NULL: no fast path */
	size_t rcap, rn;
	char *rtext;
	size_t rtlen, rtcap;
	struct reg_entry cache[REG_CACHE];
	uint64_t filter[REG_FILTER_BITS / 64]; /* a bit per hash of a table entry */
};

/* Label hash: FNV-1a over the lowercased bytes, folded into the hash of
 * the labels to its right.  Entries are verified by text, so a collision
 * costs a comparison, never a wrong answer. */
static inline uint64_t hmix(uint64_t h)
{
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdull;
	h ^= h >> 33;
	return h;
}

static inline uint64_t hlabel(uint64_t right, const uint8_t *p, size_t len)
{
	uint64_t h = right ^ 0xcbf29ce484222325ull;
	for (size_t i = 0; i < len; i++) {
		uint8_t c = p[i];
		c = (uint8_t)((c >= 'A' && c <= 'Z') ? c + 32 : c);
		h = (h ^ c) * 0x100000001b3ull;
	}
	return hmix(h ^ len);
}

static struct rule_ent *rt_slot(regdomain_t *r, uint64_t h, const char *s, size_t len)
{
	for (size_t i = h & (r->rcap - 1);; i = (i + 1) & (r->rcap - 1)) {
		struct rule_ent *e = &r->rt[i];
		if (!e->len)
			return e;
		if (e->h == h && e->len == len && !memcmp(r->rtext + e->off, s, len))
			return e;
	}
}

static int rt_grow(regdomain_t *r)
{
	size_t ncap = r->rcap ? r->rcap * 2 : 16384;
	struct rule_ent *old = r->rt;
	size_t ocap = r->rcap;
	r->rt = calloc(ncap, sizeof(*r->rt));
	if (!r->rt) {
		r->rt = old;
		return -1;
	}
	r->rcap = ncap;
	for (size_t i = 0; i < ocap; i++) {
		if (!old[i].len)
			continue;
		size_t j = old[i].h & (ncap - 1);
		while (r->rt[j].len)
			j = (j + 1) & (ncap - 1);
		r->rt[j] = old[i];
	}
	free(old);
	return 0;
}

/* Hash of a dotted text the way hlabel() folds a name's labels. */
static uint64_t text_hash(const regdomain_t *r, const char *s, size_t len)
{
	uint64_t h = r->seed;
	size_t end = len;
	for (;;) {
		size_t st = end;
		while (st > 0 && s[st - 1] != '.')
			st--;
		h = hlabel(h, (const uint8_t *)s + st, end - st);
		if (st == 0)
			return h;
		end = st - 1;
	}
}

static int rt_add(regdomain_t *r, const char *s, size_t len, uint8_t flags)
{
	if (!len || len > 0xffff)
		return 0;
	if ((r->rn + 1) * 2 > r->rcap && rt_grow(r) < 0)
		return -1;
	uint64_t h = text_hash(r, s, len);
	struct rule_ent *e = rt_slot(r, h, s, len);
	if (!e->len) {
		if (r->rtlen + len > r->rtcap) {
			size_t nc = r->rtcap ? r->rtcap * 2 : 262144;
			while (nc < r->rtlen + len)
				nc *= 2;
			char *t = realloc(r->rtext, nc);
			if (!t)
				return -1;
			r->rtext = t;
			r->rtcap = nc;
		}
		memcpy(r->rtext + r->rtlen, s, len);
		r->filter[(h >> 40) % REG_FILTER_BITS / 64] |= 1ull << ((h >> 40) % 64);
		e->h = h;
		e->off = (uint32_t)r->rtlen;
		e->len = (uint16_t)len;
		e->is_ps = -1;
		e->is_tld = -1;
		r->rtlen += len;
		r->rn++;
	}
	e->flags |= flags;
	return 0;
}

/* Read the list's rules; 0 on success. */
static int rules_load(regdomain_t *r, const char *path)
{
	FILE *fp = fopen(path, "r");
	if (!fp)
		return -1;
	char line[1024];
	int ret = 0;
	while (ret == 0 && fgets(line, sizeof(line), fp)) {
		char *s = line;
		while (*s == ' ' || *s == '\t')
			s++;
		if ((s[0] == '/' && s[1] == '/') || !*s || *s == '\n' || *s == '\r')
			continue;
		size_t len = 0;
		while (s[len] && s[len] != ' ' && s[len] != '\t' && s[len] != '\n' && s[len] != '\r')
			len++;
		uint8_t flags = R_RULE;
		if (s[0] == '!') {
			flags = R_EXC;
			s++;
			len--;
		} else if (len > 2 && s[0] == '*' && s[1] == '.') {
			flags = R_WILD;
			s += 2;
			len -= 2;
		}
		for (size_t i = 0; i < len; i++)
			if (s[i] >= 'A' && s[i] <= 'Z')
				s[i] = (char)(s[i] + 32);
		ret = rt_add(r, s, len, flags);
		/* every proper tail (and the wildcard's base) is a tail */
		for (size_t i = 0; ret == 0 && i < len; i++)
			if (s[i] == '.')
				ret = rt_add(r, s + i + 1, len - i - 1, R_TAIL);
		if (ret == 0 && flags == R_WILD)
			ret = rt_add(r, s, len, R_TAIL);
	}
	fclose(fp);
	return ret;
}

/* Build a splitter, reading the list file when there is one. */
static regdomain_t *regdomain_build(void)
{
	regdomain_t *r = calloc(1, sizeof(*r));
	if (!r)
		return NULL;
	r->psl = psl_builtin();
	siphash_random_key(r->key);
	memcpy(&r->seed, r->key, sizeof(r->seed));
	const char *path = psl_builtin_filename();
	if (r->psl && path && !psl_builtin_outdated() && rules_load(r, path) != 0) {
		free(r->rt);
		free(r->rtext);
		r->rt = NULL;
		r->rtext = NULL;
		r->rcap = r->rn = 0;
	}
	if (r->rt && !r->rn) {
		free(r->rt);
		r->rt = NULL;
	}
	return r;
}

/*
 * Reading and hashing the list takes milliseconds, and a batch scan makes a
 * scanner per input: the list is read once per process into a template
 * (never looked up itself, so never written after it is built), and each
 * splitter starts from a copy of its table, which it then fills with
 * libpsl's answers as its own.
 */
static pthread_once_t tmpl_once = PTHREAD_ONCE_INIT;
static regdomain_t *tmpl;

static void tmpl_build(void)
{
	tmpl = regdomain_build();
}

regdomain_t *regdomain_new(void)
{
	pthread_once(&tmpl_once, tmpl_build);
	if (!tmpl || !tmpl->rt)
		return regdomain_build();
	regdomain_t *r = malloc(sizeof(*r));
	if (!r)
		return NULL;
	memcpy(r, tmpl, sizeof(*r));
	r->rt = malloc(r->rcap * sizeof(*r->rt));
	r->rtext = malloc(r->rtcap);
	if (!r->rt || !r->rtext) {
		free(r->rt);
		free(r->rtext);
		free(r);
		return NULL;
	}
	memcpy(r->rt, tmpl->rt, r->rcap * sizeof(*r->rt));
	memcpy(r->rtext, tmpl->rtext, r->rtlen);
	return r;
}

void regdomain_free(regdomain_t *r)
{
	if (!r)
		return;
	free(r->rt);
	free(r->rtext);
	free(r);
}

static int lower(int c)
{
	return (c >= 'A' && c <= 'Z') ? c + 32 : c;
}

/* Lowercased text of labels [first, last); starts[] receives the offset of
 * each label (relative to first).  Returns the length. */
/* A name byte as it stands in the text form (lower case), 0 when it is
 * written as a \DDD escape. */
static const uint8_t PLAIN[256] = {
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x21, 0x22, 0x23, 0x24, 0x25, 0x26, 0x27, 0x28, 0x29, 0x2a, 0x2b, 0x2c, 0x2d, 0x00, 0x2f,
	0x30, 0x31, 0x32, 0x33, 0x34, 0x35, 0x36, 0x37, 0x38, 0x39, 0x3a, 0x3b, 0x3c, 0x3d, 0x3e, 0x3f,
	0x40, 0x61, 0x62, 0x63, 0x64, 0x65, 0x66, 0x67, 0x68, 0x69, 0x6a, 0x6b, 0x6c, 0x6d, 0x6e, 0x6f,
	0x70, 0x71, 0x72, 0x73, 0x74, 0x75, 0x76, 0x77, 0x78, 0x79, 0x7a, 0x5b, 0x00, 0x5d, 0x5e, 0x5f,
	0x60, 0x61, 0x62, 0x63, 0x64, 0x65, 0x66, 0x67, 0x68, 0x69, 0x6a, 0x6b, 0x6c, 0x6d, 0x6e, 0x6f,
	0x70, 0x71, 0x72, 0x73, 0x74, 0x75, 0x76, 0x77, 0x78, 0x79, 0x7a, 0x7b, 0x7c, 0x7d, 0x7e, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
};

static size_t labels_text(const dns_name_t *n, unsigned first, unsigned last, char *buf,
			  size_t buflen, size_t *starts)
{
	size_t o = 0;
	if (buflen == 0)
		return 0;
	for (unsigned i = first; i < last; i++) {
		unsigned len;
		const uint8_t *p = dns_name_label(n, i, &len);
		if (i > first && o + 1 < buflen)
			buf[o++] = '.';
		if (starts)
			starts[i - first] = o;
		if (o + 4 * (size_t)len + 1 < buflen) {
			/* room for every byte escaped: no bound checks */
			for (unsigned j = 0; j < len; j++) {
				uint8_t c = PLAIN[p[j]];
				if (c) {
					buf[o++] = (char)c;
				} else {
					c = p[j];
					buf[o++] = '\\';
					buf[o++] = (char)('0' + c / 100);
					buf[o++] = (char)('0' + c / 10 % 10);
					buf[o++] = (char)('0' + c % 10);
				}
			}
			continue;
		}
		for (unsigned j = 0; j < len; j++) {
			int c = lower(p[j]);
			if (c > 0x20 && c < 0x7f && c != '.' && c != '\\') {
				if (o + 1 < buflen)
					buf[o++] = (char)c;
			} else if (o + 4 < buflen) {
				buf[o++] = '\\';
				buf[o++] = (char)('0' + c / 100);
				buf[o++] = (char)('0' + c / 10 % 10);
				buf[o++] = (char)('0' + c % 10);
			}
		}
	}
	buf[o] = '\0';
	return o;
}

size_t regdomain_labels_str(const dns_name_t *n, unsigned first, unsigned last, char *buf,
			    size_t buflen)
{
	if (last > n->nlabels)
		last = n->nlabels;
	if (first >= last) {
		if (buflen)
			buf[0] = '\0';
		return 0;
	}
	return labels_text(n, first, last, buf, buflen, NULL);
}

/* Labels of the registered domain of labels [first, last), 0 if none. */
static unsigned reg_labels(const regdomain_t *r, const dns_name_t *n, unsigned first,
			   unsigned last)
{
	char buf[DNS_NAME_STRLEN];
	size_t starts[DNS_MAX_LABELS];
	if (first >= last)
		return 0;
	labels_text(n, first, last, buf, sizeof(buf), starts);
	const char *rd = psl_registrable_domain(r->psl, buf);
	if (!rd)
		return 0;
	size_t off = (size_t)(rd - buf);
	for (unsigned i = 0; i < last - first; i++)
		if (starts[i] == off)
			return last - first - i;
	return 0;
}

static bool tld_real(const regdomain_t *r, const dns_name_t *n, unsigned i)
{
	char buf[4 * 63 + 2];
	labels_text(n, i, i + 1, buf, sizeof(buf), NULL);
	if (!buf[0])
		return false;
	return psl_is_public_suffix2(r->psl, buf, PSL_TYPE_ANY | PSL_TYPE_NO_STAR_RULE) != 0;
}

static void split_slow(regdomain_t *r, const dns_name_t *n, regdomain_split_t *out)
{
	unsigned nl = n->nlabels;
	memset(out, 0, sizeof(*out));
	out->nlabels = nl;
	out->reg_first = nl;
	if (nl == 0)
		return;
	unsigned first = nl > REG_KEY_LABELS ? nl - REG_KEY_LABELS : 0;
	char key[DNS_NAME_STRLEN];
	size_t klen = labels_text(n, first, nl, key, sizeof(key), NULL);
	uint64_t h = siphash(r->key, key, klen) ^ ((uint64_t)(nl - first) << 56);
	struct reg_entry *e = &r->cache[h % REG_CACHE];
	if (e->used && e->h == h) {
		out->real_tld = e->real_tld;
		if (e->real_tld && e->reg_labels && e->reg_labels < nl - first) {
			out->reg_first = nl - e->reg_labels;
			return;
		}
		if (e->real_tld && nl <= REG_KEY_LABELS) {
			out->reg_first = e->reg_labels ? nl - e->reg_labels : nl;
			return;
		}
	}
	bool real = tld_real(r, n, nl - 1);
	out->real_tld = real;
	if (real) {
		unsigned k = reg_labels(r, n, first, nl);
		e->used = 1;
		e->h = h;
		e->real_tld = 1;
		e->reg_labels = (uint8_t)k;
		if (k && k < nl - first) {
			out->reg_first = nl - k;
		} else if (nl > REG_KEY_LABELS) {
			k = reg_labels(r, n, 0, nl);
			out->reg_first = k ? nl - k : nl;
		} else {
			out->reg_first = k ? nl - k : nl;
		}
		return;
	}
	/* Not a listed TLD: look for a real TLD further left (search suffix). */
	for (unsigned drop = 1; drop <= REG_MAX_DROP && drop + 1 < nl; drop++) {
		unsigned last = nl - drop;
		if (!tld_real(r, n, last - 1))
			continue;
		unsigned k = reg_labels(r, n, 0, last);
		if (k && k < last) {
			out->nlabels = last;
			out->dropped = drop;
			out->reg_first = last - k;
			out->real_tld = true;
			return;
		}
	}
	/* Under the implicit '*' rule: the last two labels. */
	out->reg_first = nl >= 2 ? nl - 2 : nl;
}


/* A label the table can answer for: printable ASCII without '.', '\\'
 * (which the text form escapes) and not IDNA (rules in Unicode),
 * checked while hashing (hlabel() of the label into *out): false when the
 * label is not plain (*out is then unspecified). */
static bool hlabel_plain(uint64_t right, const uint8_t *p, unsigned len, uint64_t *out)
{
	if (len >= 4 && (p[0] | 0x20) == 'x' && (p[1] | 0x20) == 'n' && p[2] == '-' && p[3] == '-')
		return false;
	uint64_t h = right ^ 0xcbf29ce484222325ull;
	uint8_t all = 0xff;
	for (unsigned i = 0; i < len; i++) {
		uint8_t c = PLAIN[p[i]]; /* 0: not plain; else the byte in lower case */
		all &= (uint8_t)-(c != 0);
		h = (h ^ c) * 0x100000001b3ull;
	}
	*out = hmix(h ^ len);
	return all != 0;
}

/* Entry for labels [first, last) of n whose hash is h, or NULL. */
static struct rule_ent *rt_find(regdomain_t *r, uint64_t h, const dns_name_t *n, unsigned first,
				unsigned last)
{
	if (!(r->filter[(h >> 40) % REG_FILTER_BITS / 64] & (1ull << ((h >> 40) % 64))))
		return NULL;
	for (size_t i = h & (r->rcap - 1);; i = (i + 1) & (r->rcap - 1)) {
		struct rule_ent *e = &r->rt[i];
		if (!e->len)
			return NULL;
		if (e->h != h)
			continue;
		/* compare the text label by label */
		const char *t = r->rtext + e->off;
		size_t o = 0;
		bool eq = true;
		for (unsigned k = first; k < last && eq; k++) {
			unsigned len;
			const uint8_t *p = dns_name_label(n, k, &len);
			if (k > first) {
				if (o >= e->len || t[o] != '.') {
					eq = false;
					break;
				}
				o++;
			}
			if (o + len > e->len) {
				eq = false;
				break;
			}
			for (unsigned j = 0; j < len; j++)
				if (lower(p[j]) != t[o + j]) {
					eq = false;
					break;
				}
			o += len;
		}
		if (eq && o == e->len)
			return e;
	}
}

/* Is label i a top-level label of the list (no '*' rule)?  -1: slow path.
 * *h and *ent receive the label's hash and table entry (for ps_walk). */
static int tld_fast(regdomain_t *r, const dns_name_t *n, unsigned i, uint64_t *h,
		    struct rule_ent **ent)
{
	unsigned len;
	const uint8_t *p = dns_name_label(n, i, &len);
	*ent = NULL;
	if (!hlabel_plain(r->seed, p, len, h))
		return -1;
	struct rule_ent *e = rt_find(r, *h, n, i, i + 1);
	if (!e)
		return 0;
	*ent = e;
	if (e->is_tld < 0)
		e->is_tld = (int8_t)tld_real(r, n, i);
	return e->is_tld;
}

/* Labels of the longest public suffix of labels [0, last), the one
 * psl_registrable_domain() stops at; -1: slow path.  h1 and e1: the hash
 * and entry of label last - 1, as tld_fast() found them. */
static int ps_walk(regdomain_t *r, const dns_name_t *n, unsigned last, uint64_t h1,
		   struct rule_ent *e1)
{
	uint64_t h = h1;
	const struct rule_ent *prev = NULL;
	int best = 0;
	for (unsigned k = 1; k <= last; k++) {
		unsigned i = last - k, len;
		struct rule_ent *e = e1;
		if (k > 1) {
			const uint8_t *p = dns_name_label(n, i, &len);
			if (!hlabel_plain(h, p, len, &h))
				return -1;
			e = rt_find(r, h, n, i, last);
		}
		bool cand = k == 1 || (e && (e->flags & (R_RULE | R_EXC | R_WILD))) ||
			    (prev && (prev->flags & R_WILD));
		if (cand) {
			int ps = e ? e->is_ps : -1;
			if (ps < 0) {
				char buf[DNS_NAME_STRLEN];
				labels_text(n, i, last, buf, sizeof(buf), NULL);
				ps = psl_is_public_suffix(r->psl, buf) != 0;
				if (e)
					e->is_ps = (int8_t)ps;
			}
			if (ps)
				best = (int)k;
		}
		if (!e || !(e->flags & R_TAIL))
			break;
		prev = e;
	}
	return best;
}

void regdomain_split(regdomain_t *r, const dns_name_t *n, regdomain_split_t *out)
{
	unsigned nl = n->nlabels;
	if (!r->rt || nl == 0) {
		split_slow(r, n, out);
		return;
	}
	memset(out, 0, sizeof(*out));
	out->nlabels = nl;
	out->reg_first = nl;
	uint64_t th;
	struct rule_ent *te;
	int real = tld_fast(r, n, nl - 1, &th, &te);
	if (real > 0) {
		int ps = ps_walk(r, n, nl, th, te);
		if (ps < 0) {
			split_slow(r, n, out);
			return;
		}
		out->real_tld = true;
		out->reg_first = (unsigned)ps < nl ? nl - (unsigned)ps - 1 : nl;
		return;
	}
	if (real < 0) {
		split_slow(r, n, out);
		return;
	}
	/* Not a listed TLD: look for a real TLD further left (search suffix). */
	for (unsigned drop = 1; drop <= REG_MAX_DROP && drop + 1 < nl; drop++) {
		unsigned last = nl - drop;
		int t = tld_fast(r, n, last - 1, &th, &te);
		if (t < 0) {
			split_slow(r, n, out);
			return;
		}
		if (!t)
			continue;
		int ps = ps_walk(r, n, last, th, te);
		if (ps < 0) {
			split_slow(r, n, out);
			return;
		}
		unsigned k = (unsigned)ps < last ? (unsigned)ps + 1 : 0;
		if (k && k < last) {
			out->nlabels = last;
			out->dropped = drop;
			out->reg_first = last - k;
			out->real_tld = true;
			return;
		}
	}
	/* Under the implicit '*' rule: the last two labels. */
	out->reg_first = nl >= 2 ? nl - 2 : nl;
}

void regdomain_split_psl(regdomain_t *r, const dns_name_t *n, regdomain_split_t *out)
{
	split_slow(r, n, out);
}

size_t regdomain_of_str(regdomain_t *r, const char *name, char *buf, size_t buflen)
{
	dns_name_t n;
	memset(&n, 0, sizeof(n));
	size_t o = 0;
	const char *s = name;
	while (*s && n.nlabels < DNS_MAX_LABELS) {
		const char *dot = strchr(s, '.');
		size_t len = dot ? (size_t)(dot - s) : strlen(s);
		if (len == 0 || len > 63 || o + len + 2 > DNS_MAX_NAME)
			break;
		n.loff[n.nlabels++] = (uint8_t)o;
		n.wire[o++] = (uint8_t)len;
		memcpy(n.wire + o, s, len);
		o += len;
		s += len;
		if (*s == '.')
			s++;
	}
	n.wire[o++] = 0;
	n.len = (uint16_t)o;
	regdomain_split_t sp;
	regdomain_split(r, &n, &sp);
	if (sp.reg_first >= sp.nlabels) {
		if (buflen)
			buf[0] = '\0';
		return 0;
	}
	return regdomain_labels_str(&n, sp.reg_first, sp.nlabels, buf, buflen);
}
