/*
 * regdomain.c - registered domain split through libpsl's built-in list.
 *
 * State: a direct-mapped cache of REG_CACHE entries for the slow path,
 * keyed by a SipHash of the lowercased text of a name's last
 * REG_KEY_LABELS labels (random key per instance, so crafted names cannot
 * aim at a slot) with the number of those labels folded into its top
 * octet.  An entry (struct reg_entry) holds that 64-bit hash and the
 * answer: whether the top-level label is in the list and how many labels
 * the registered domain has.  A different name in the slot costs a PSL
 * walk; a wrong answer would need two texts with one keyed 64-bit hash.
 * Names with more labels than that are answered from their suffix when
 * the suffix has a registered domain shorter than the suffix itself;
 * Public Suffix List rules longer than REG_KEY_LABELS - 1 labels are
 * thereby ignored (the list has none today).  Names under a top-level label that is not
 * in the list are not cached: they are searched for an inner real TLD
 * (a resolver's search suffix), at most REG_MAX_DROP trailing labels deep.
 *
 * Fast path: the rules of the list libpsl was built from (its
 * psl_builtin_filename(), when readable and not outdated) are read once
 * into a table of every rule and every proper tail of a rule ("co.uk" and
 * "uk" for "*.sch.co.uk").  A name is walked from its last label leftwards
 * only while the suffix so far is the tail of some rule, so a name under
 * "example.com" costs two table probes; libpsl is asked only about
 * suffixes that the table holds (the answer is kept per splitter, by
 * entry) or that sit under a wildcard rule.  Any other suffix cannot be a
 * public suffix.  Names with bytes outside printable ASCII, a '.' or '\\'
 * inside a label, or an IDNA ("xn--") label on the walk go the slow path
 * (libpsl on the text, through the cache above), as do all names when the
 * list file is missing.  The table holds only the list, never names from
 * traffic; a splitter remembers the entries of the last few top-level
 * labels it looked up (struct tld_memo).
 */
#include <libpsl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ascii.h"
#include "mix.h"
#include "regdomain.h"
#include "siphash.h"
#include "swar.h"

#define REG_KEY_LABELS 6
#define REG_CACHE 1024
#define REG_MAX_DROP 4 /* "<namespace>.svc.cluster.local": Kubernetes' longest */
#define REG_FILTER_BITS (1u << 17) /* 16 KiB: most misses never touch the table */
#define LABEL_WORDS 8              /* 8-byte words of a label (at most 63 octets) */

struct reg_entry {
	uint64_t h;
	uint8_t used, reg_labels; /* reg_labels: labels of the registered domain, 0 none */
	uint8_t real_tld;
};

/* A rule of the list or a proper tail of one. */
enum { R_RULE = 1, R_EXC = 2, R_WILD = 4, R_TAIL = 8 };
#define NO_TAIL UINT32_MAX
struct rule_ent {
	uint64_t h;
	uint32_t off;        /* text in rtext (lower case) */
	uint32_t tail;       /* off of the entry of the text after the first '.'; NO_TAIL: none */
	uint32_t id;         /* index of the entry's answers in regdomain.ans */
	uint16_t len;        /* 0: free slot */
	uint8_t flags;       /* R_WILD: "*.<this>" is a rule */
};

/* The table of the list: built once per process, read-only after. */
struct rule_tab {
	uint64_t seed;
	struct rule_ent *rt;  /* open addressing, rcap a power of two */
	size_t rcap, rn;
	char *rtext;
	size_t rtlen, rtcap;
	uint64_t filter[REG_FILTER_BITS / 64]; /* a bit per hash of a table entry */
};

/* libpsl's answers for a table entry, -1 unknown. */
struct rule_ans {
	int8_t is_ps;        /* psl_is_public_suffix() */
	int8_t is_tld;       /* the same with PSL_TYPE_NO_STAR_RULE */
};

/* Top-level labels of up to 8 octets looked up before, direct-mapped by
 * their octets in either case: most names of a capture end in a handful of
 * them.  A label is the one of a slot when its octets equal the slot's but
 * for the case of letters, so its hash and entry are the slot's. */
#define TLD_MEMO_BITS 6
#define TLD_MEMO (1u << TLD_MEMO_BITS)
struct tld_memo {
	uint64_t last;       /* last_word() of the label */
	uint64_t fold;       /* 0x20 in each octet of last that is a letter */
	uint64_t h;
	const struct rule_ent *e; /* NULL: not in the table */
	unsigned len;        /* 0: empty slot */
};

struct regdomain {
	const psl_ctx_t *psl;
	uint8_t key[16];
	const struct rule_tab *tab; /* NULL: no fast path */
	struct rule_ans *ans;       /* tab->rn, by rule_ent.id */
	struct tld_memo memo[TLD_MEMO];
	struct reg_entry cache[REG_CACHE];
};

#if defined(__GNUC__)
#define HOT_INLINE inline __attribute__((always_inline))
#define NOINLINE __attribute__((noinline))
#define COLD __attribute__((noinline, cold))
#else
#define HOT_INLINE inline
#define NOINLINE
#define COLD
#endif

/*
 * Label hash: the label's bytes, lowercased (A-Z), as little-endian 8-byte
 * words (the last one holding the remaining 1..8 bytes, zero above), each
 * multiplied onto the hash of the labels to its right (with an xorshift
 * between words); the length is folded in and hmix() finishes.  The plain
 * check and the lowercasing work on the same words (swar_lower()).
 * Entries are verified by text, so a collision costs a comparison, never a
 * wrong answer.  The last word is loaded as the 8 bytes that end the label
 * when the array the label lives in holds 8 bytes up to there (those
 * before the label are shifted out), else in pieces: nothing past the
 * label is read.
 */
static inline uint64_t load4(const uint8_t *p)
{
	uint32_t w;
	memcpy(&w, p, sizeof(w));
#ifdef __BYTE_ORDER__
#if __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
	w = __builtin_bswap32(w);
#endif
#endif
	return w;
}

/* The n (1..7) bytes at p as a little-endian word, zero above. */
static inline uint64_t load_short(const uint8_t *p, size_t n)
{
	if (n >= 4)
		return load4(p) | load4(p + n - 4) << (8 * (n - 4));
	return (uint64_t)p[0] | (uint64_t)p[n / 2] << (8 * (n / 2)) |
	       (uint64_t)p[n - 1] << (8 * (n - 1));
}

/* The last word of label p[0..len) (len > 0), at offset pos of its array:
 * its last 1..8 octets, zero above. */
static HOT_INLINE uint64_t last_word(const uint8_t *p, size_t len, size_t pos)
{
	if (pos + len >= 8)
		return swar_load8(p + len - 8) >> ((0u - 8 * (unsigned)len) & 63);
	return load_short(p, len);
}

/* Offset of the last word of a label of len (> 0) octets. */
#define LAST_OFF(len) (((len) - 1) & ~(size_t)7)

/* w with A-Z in lower case; *np: the high bit of each byte that is not
 * plain (PLAIN[] 0: outside 0x21..0x7e, '.' or '\\'). */
static HOT_INLINE uint64_t swar_lower(uint64_t w, uint64_t *np)
{
	uint64_t x = w & (SWAR_1 * 0x7f);
	uint64_t ok = swar_range(w, 0x21, 0x7e) &              /* printable */
		      ((x ^ SWAR_1 * '.') + SWAR_1 * 0x7f) & /* != '.' */
		      ((x ^ SWAR_1 * '\\') + SWAR_1 * 0x7f);  /* != '\\' */
	*np = ~ok & SWAR_HI;
	return swar_fold(w);
}

#define HSEED MIX_FNV_OFFSET /* any odd constant will do */

/* The first half of MurmurHash3's finaliser. */
static inline uint64_t hmix(uint64_t h)
{
	h ^= h >> 33;
	h *= MIX_M1;
	h ^= h >> 33;
	return h;
}

/* The words of p[0..len) before its last onto h; *np as swar_lower() for
 * all their bytes; lw as for hlabel_core(). */
static NOINLINE uint64_t hlabel_words(uint64_t h, const uint8_t *p, size_t len, uint64_t *lw,
				      uint64_t *np)
{
	uint64_t bad = 0, b;
	for (size_t i = 0; len - i > 8; i += 8) {
		uint64_t w = swar_lower(swar_load8(p + i), &b);
		bad |= b;
		if (lw)
			lw[i / 8] = w;
		h = mix_step(h, w, MIX_GOLDEN, 32);
	}
	*np = bad;
	return h;
}

/* Hash of label p[0..len) (len > 0, last: its last_word()) onto right;
 * *np: non-zero when a byte is not plain; lw, when not NULL, receives the
 * lowercased words. */
static HOT_INLINE uint64_t hlabel_core(uint64_t right, const uint8_t *p, size_t len,
				       uint64_t last, uint64_t *lw, uint64_t *np)
{
	uint64_t h = right ^ HSEED, bad = 0, b, w;
	if (len > 8) {
		/* the first word here, any further ones out of line */
		w = swar_lower(swar_load8(p), &bad);
		if (lw)
			lw[0] = w;
		h = mix_step(h, w, MIX_GOLDEN, 32);
		if (len > 16) {
			h = hlabel_words(h, p + 8, len - 8, lw ? lw + 1 : NULL, &b);
			bad |= b;
		}
	}
	w = swar_lower(last, &b);
	bad |= b & (~0ull >> ((0u - 8 * (unsigned)len) & 63));
	if (lw)
		lw[LAST_OFF(len) / 8] = w;
	*np = bad;
	return hmix(((h ^ w) * MIX_GOLDEN) ^ len);
}

/* Hash of label p[0..len) at offset pos of its array. */
static uint64_t hlabel(uint64_t right, const uint8_t *p, size_t len, size_t pos)
{
	uint64_t np;
	if (!len)
		return hmix(right ^ HSEED);
	return hlabel_core(right, p, len, last_word(p, len, pos), NULL, &np);
}

/* Does text t, at offset pos of its array, start with the label of words
 * lw, len (> 0) octets? */
static HOT_INLINE bool label_eq(const char *t, size_t pos, const uint64_t *lw, unsigned len)
{
	const uint8_t *p = (const uint8_t *)t;
	for (size_t i = 0; len - i > 8; i += 8)
		if (swar_load8(p + i) != lw[i / 8])
			return false;
	return last_word(p, len, pos) == lw[LAST_OFF(len) / 8];
}

static struct rule_ent *rt_slot(struct rule_tab *t, uint64_t h, const char *s, size_t len)
{
	for (size_t i = h & (t->rcap - 1);; i = (i + 1) & (t->rcap - 1)) {
		struct rule_ent *e = &t->rt[i];
		if (!e->len)
			return e;
		if (e->h == h && e->len == len && !memcmp(t->rtext + e->off, s, len))
			return e;
	}
}

static int rt_grow(struct rule_tab *t)
{
	size_t ncap = t->rcap ? t->rcap * 2 : 16384;
	struct rule_ent *old = t->rt;
	size_t ocap = t->rcap;
	t->rt = calloc(ncap, sizeof(*t->rt));
	if (!t->rt) {
		t->rt = old;
		return -1;
	}
	t->rcap = ncap;
	for (size_t i = 0; i < ocap; i++) {
		if (!old[i].len)
			continue;
		size_t j = old[i].h & (ncap - 1);
		while (t->rt[j].len)
			j = (j + 1) & (ncap - 1);
		t->rt[j] = old[i];
	}
	free(old);
	return 0;
}

/* Add text s[0..len) whose hash (labels folded right to left from the
 * seed) is h; tail: the text offset of the entry of s after its first
 * '.'.  *off receives the entry's text offset (NO_TAIL when none). */
static int rt_add(struct rule_tab *t, const char *s, size_t len, uint64_t h, uint32_t tail,
		  uint8_t flags, uint32_t *off)
{
	*off = NO_TAIL;
	if (!len || len > 0xffff)
		return 0;
	if ((t->rn + 1) * 2 > t->rcap && rt_grow(t) < 0)
		return -1;
	struct rule_ent *e = rt_slot(t, h, s, len);
	if (!e->len) {
		if (t->rtlen + len > t->rtcap) {
			size_t nc = t->rtcap ? t->rtcap * 2 : 262144;
			while (nc < t->rtlen + len)
				nc *= 2;
			char *x = realloc(t->rtext, nc);
			if (!x)
				return -1;
			t->rtext = x;
			t->rtcap = nc;
		}
		memcpy(t->rtext + t->rtlen, s, len);
		t->filter[(h >> 40) % REG_FILTER_BITS / 64] |= 1ull << ((h >> 40) % 64);
		e->h = h;
		e->off = (uint32_t)t->rtlen;
		e->tail = tail;
		e->id = (uint32_t)t->rn;
		e->len = (uint16_t)len;
		t->rtlen += len;
		t->rn++;
	}
	e->flags |= flags;
	*off = e->off;
	return 0;
}

/* Add a rule (its text s[0..len) as in the list, s in the array at base)
 * and each proper tail of it, right to left, each hashed onto the hash of
 * the one to its right. */
static int rule_add(struct rule_tab *t, const char *base, char *s, size_t len)
{
	uint8_t flags = R_RULE;
	if (s[0] == '!') {
		flags = R_EXC;
		s++;
		len--;
	} else if (len > 2 && s[0] == '*' && s[1] == '.') {
		flags = R_WILD | R_TAIL; /* the wildcard's base is a tail too */
		s += 2;
		len -= 2;
	}
	uint64_t h = t->seed;
	uint32_t tail = NO_TAIL;
	size_t end = len, st = len;
	for (;;) {
		/* the label before end, lowercased (the text right of it is) */
		while (st > 0 && s[st - 1] != '.') {
			st--;
			s[st] = (char)ascii_lower((unsigned char)s[st]);
		}
		h = hlabel(h, (const uint8_t *)s + st, end - st, (size_t)(s + st - base));
		if (rt_add(t, s + st, len - st, h, tail, st ? R_TAIL : flags, &tail) < 0)
			return -1;
		if (st == 0)
			return 0;
		end = --st;
	}
}

/* Read the list's rules; 0 on success. */
static int rules_load(struct rule_tab *t, const char *path)
{
	FILE *fp = fopen(path, "r");
	if (!fp)
		return -1;
	size_t cap = 1 << 18, n = 0;
	char *buf = malloc(cap + 1);
	while (buf) {
		n += fread(buf + n, 1, cap - n, fp);
		if (n < cap)
			break;
		char *x = realloc(buf, 2 * cap + 1);
		if (!x) {
			free(buf);
			buf = NULL;
			break;
		}
		buf = x;
		cap *= 2;
	}
	int ret = buf && !ferror(fp) ? 0 : -1;
	fclose(fp);
	if (ret < 0) {
		free(buf);
		return ret;
	}
	buf[n] = '\0';
	/* a line: its first word, unless it is a comment; a NUL ends it */
	for (char *p = buf, *end = buf + n; ret == 0 && p < end;) {
		char *nl = memchr(p, '\n', (size_t)(end - p));
		char *s = p;
		p = nl ? nl + 1 : end;
		while (*s == ' ' || *s == '\t')
			s++;
		if ((s[0] == '/' && s[1] == '/') || !*s || *s == '\n' || *s == '\r')
			continue;
		ret = rule_add(t, buf, s, strcspn(s, " \t\r\n"));
	}
	free(buf);
	return ret;
}

static void tab_free(struct rule_tab *t)
{
	if (!t)
		return;
	free(t->rt);
	free(t->rtext);
	free(t);
}

/*
 * Reading and hashing the list takes milliseconds, and a batch scan makes a
 * scanner per input: the table is built once per process (never written
 * after it is built) and shared; each splitter keeps libpsl's answers for
 * the entries in its own array.
 */
static pthread_once_t tab_once = PTHREAD_ONCE_INIT;
static const struct rule_tab *tab_shared;

static void tab_build(void)
{
	const char *path = psl_builtin_filename();
	if (!psl_builtin() || !path || psl_builtin_outdated())
		return;
	struct rule_tab *t = calloc(1, sizeof(*t));
	if (!t)
		return;
	uint8_t key[16];
	siphash_random_key(key);
	memcpy(&t->seed, key, sizeof(t->seed));
	if (rules_load(t, path) != 0 || !t->rn) {
		tab_free(t);
		return;
	}
	tab_shared = t;
}

regdomain_t *regdomain_new(void)
{
	pthread_once(&tab_once, tab_build);
	regdomain_t *r = calloc(1, sizeof(*r));
	if (!r)
		return NULL;
	r->psl = psl_builtin();
	siphash_random_key(r->key);
	const struct rule_tab *t = tab_shared;
	if (r->psl && t) {
		r->ans = malloc(t->rn * sizeof(*r->ans));
		if (!r->ans) {
			free(r);
			return NULL;
		}
		memset(r->ans, -1, t->rn * sizeof(*r->ans));
		r->tab = t;
	}
	return r;
}

void regdomain_free(regdomain_t *r)
{
	if (!r)
		return;
	free(r->ans);
	free(r);
}

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

/* Lowercase text of labels [first, last) into buf (\DDD escapes for bytes
 * outside printable ASCII, a space, and, unless pres, '.' and '\\': the
 * form libpsl is asked in, where a '.' always ends a label; with pres "\."
 * and "\\", the RFC 1035 presentation form of the DNS log and the sample
 * queries), cut to buflen; starts[], when
 * not NULL, receives the offset of each label (relative to first).
 * Returns the length. */
static size_t labels_text(const dns_name_t *n, unsigned first, unsigned last, char *buf,
			  size_t buflen, size_t *starts, bool pres)
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
				} else if (pres && (p[j] == '.' || p[j] == '\\')) {
					buf[o++] = '\\';
					buf[o++] = (char)p[j];
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
			int c = ascii_lower(p[j]);
			if (c > 0x20 && c < 0x7f && c != '.' && c != '\\') {
				if (o + 1 < buflen)
					buf[o++] = (char)c;
			} else if (pres && (c == '.' || c == '\\')) {
				if (o + 2 < buflen) {
					buf[o++] = '\\';
					buf[o++] = (char)c;
				}
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
	return labels_text(n, first, last, buf, buflen, NULL, true);
}

/* Labels of the registered domain of labels [first, last), 0 if none. */
static unsigned reg_labels(const regdomain_t *r, const dns_name_t *n, unsigned first,
			   unsigned last)
{
	char buf[DNS_NAME_STRLEN];
	size_t starts[DNS_MAX_LABELS];
	if (first >= last)
		return 0;
	labels_text(n, first, last, buf, sizeof(buf), starts, false);
	const char *rd = psl_registrable_domain(r->psl, buf);
	if (!rd)
		return 0;
	size_t off = (size_t)(rd - buf);
	for (unsigned i = 0; i < last - first; i++)
		if (starts[i] == off)
			return last - first - i;
	return 0;
}

/* Can label i of n be the name of a registered domain found left of a
 * search suffix: a host name label (letters, digits, inner hyphens, one
 * case, at most four digits), not data?  "=auth" in <data>.=auth.dk.x.lab
 * or a base32 chunk in <data>.com.x.lab make "dk" and "com" data that
 * reads like a TLD, not the end of a domain the client meant. */
static bool label_hostlike(const dns_name_t *n, unsigned i)
{
	unsigned len;
	const uint8_t *p = dns_name_label(n, i, &len);
	return ascii_label_hostlike(p, len, 40, 4, 12);
}

static bool tld_real(const regdomain_t *r, const dns_name_t *n, unsigned i)
{
	char buf[4 * 63 + 2];
	labels_text(n, i, i + 1, buf, sizeof(buf), NULL, false);
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
	size_t klen = labels_text(n, first, nl, key, sizeof(key), NULL, false);
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
		if (k && k < last && label_hostlike(n, last - k)) {
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
 * checked while hashing (hlabel() of label p[0..len), last its
 * last_word(), onto right into *out, its lowercased words into lw): false
 * when the label is not plain (*out and lw are then unspecified). */
static HOT_INLINE bool hlabel_plain(uint64_t right, const uint8_t *p, unsigned len,
				    uint64_t last, uint64_t *out, uint64_t lw[LABEL_WORDS])
{
	uint64_t np;
	*out = hlabel_core(right, p, len, last, lw, &np);
	/* "xn--", x and n in either case: the first four bytes, lowercased */
	return !np && (lw[0] & 0xffffffffu) != 0x2d2d6e78u;
}

/* Label i of n: its bytes, length and last_word(); false when it is empty
 * or longer than a label can be. */
static HOT_INLINE bool label_get(const dns_name_t *n, unsigned i, const uint8_t **p,
				 unsigned *len, uint64_t *last)
{
	*p = dns_name_label(n, i, len);
	if (*len - 1 >= 8 * LABEL_WORDS - 1) /* 0 or over 63 octets */
		return false;
	*last = last_word(*p, *len, (size_t)(*p - n->wire));
	return true;
}

/* Entry for a label (hash h, lowercased words lw, len octets) followed by
 * the text of entry par (NULL: the label alone), or NULL.  An entry's text
 * is the label's when its length matches, its tail is par's and its first
 * len bytes equal the label's. */
static HOT_INLINE const struct rule_ent *rt_find(const struct rule_tab *t, uint64_t h,
						 const uint64_t *lw, unsigned len,
						 const struct rule_ent *par)
{
	uint64_t fb = (h >> 40) % REG_FILTER_BITS;
	if (!(t->filter[fb / 64] & (1ull << (fb % 64))))
		return NULL;
	uint32_t tail = par ? par->off : NO_TAIL;
	size_t tlen = par ? len + 1u + par->len : len;
	for (size_t i = h & (t->rcap - 1);; i = (i + 1) & (t->rcap - 1)) {
		const struct rule_ent *e = &t->rt[i];
		if (!e->len)
			return NULL;
		if (e->h == h && e->len == tlen && e->tail == tail &&
		    label_eq(t->rtext + e->off, e->off, lw, len))
			return e;
	}
}

/* libpsl's answers for an entry, asked on first use (out of the hot
 * path). */
static COLD int ask_tld(regdomain_t *r, const dns_name_t *n, unsigned i,
			const struct rule_ent *e)
{
	int t = tld_real(r, n, i);
	r->ans[e->id].is_tld = (int8_t)t;
	return t;
}

/* Is labels [i, last) of n a public suffix (e: its entry, or NULL)? */
static COLD int ask_ps(regdomain_t *r, const dns_name_t *n, unsigned i, unsigned last,
		       const struct rule_ent *e)
{
	char buf[DNS_NAME_STRLEN];
	labels_text(n, i, last, buf, sizeof(buf), NULL, false);
	int ps = psl_is_public_suffix(r->psl, buf) != 0;
	if (e)
		r->ans[e->id].is_ps = (int8_t)ps;
	return ps;
}

/* Is label i a top-level label of the list (no '*' rule)?  -1: slow path.
 * *h and *ent receive the label's hash and table entry (for ps_walk). */
static HOT_INLINE int tld_fast(regdomain_t *r, const dns_name_t *n, unsigned i, uint64_t *h,
			       const struct rule_ent **ent)
{
	const uint8_t *p;
	unsigned len;
	uint64_t last;
	if (!label_get(n, i, &p, &len, &last))
		return -1;
	const struct rule_ent *e;
	struct tld_memo *m = &r->memo[((last | SWAR_1 * 0x20) * MIX_GOLDEN) >> (64 - TLD_MEMO_BITS)];
	if (len == m->len && !((last ^ m->last) & ~m->fold)) {
		*h = m->h;
		e = m->e;
	} else {
		uint64_t lw[LABEL_WORDS];
		if (!hlabel_plain(r->tab->seed, p, len, last, h, lw))
			return -1;
		e = rt_find(r->tab, *h, lw, len, NULL);
		if (len <= 8) {
			/* lw[0]: the letters in lower case */
			m->last = last;
			m->fold = swar_range(lw[0], 'a', 'z') >> 2;
			m->h = *h;
			m->e = e;
			m->len = len;
		}
	}
	*ent = e;
	if (!e)
		return 0;
	int t = r->ans[e->id].is_tld;
	return t >= 0 ? t : ask_tld(r, n, i, e);
}

/* Labels of the longest public suffix of labels [0, last), the one
 * psl_registrable_domain() stops at; -1: slow path.  h and e: the hash
 * and entry of label last - 1, as tld_fast() found them. */
static HOT_INLINE int ps_walk(regdomain_t *r, const dns_name_t *n, unsigned last, uint64_t h,
			      const struct rule_ent *e)
{
	int ps = r->ans[e->id].is_ps;
	if (ps < 0)
		ps = ask_ps(r, n, last - 1, last, e);
	int best = ps ? 1 : 0;
	/* leftwards while the suffix so far is the tail of a rule */
	for (unsigned k = 2; k <= last && (e->flags & R_TAIL); k++) {
		const struct rule_ent *prev = e;
		unsigned i = last - k, len;
		const uint8_t *p;
		uint64_t lw[LABEL_WORDS], lastw;
		if (!label_get(n, i, &p, &len, &lastw) || !hlabel_plain(h, p, len, lastw, &h, lw))
			return -1;
		e = rt_find(r->tab, h, lw, len, prev);
		if ((prev->flags & R_WILD) || (e && (e->flags & (R_RULE | R_EXC | R_WILD)))) {
			ps = e ? r->ans[e->id].is_ps : -1;
			if (ps < 0)
				ps = ask_ps(r, n, i, last, e);
			if (ps)
				best = (int)k;
		}
		if (!e)
			break;
	}
	return best;
}

/* The split from the table; false when the slow path must answer. */
static bool split_fast(regdomain_t *r, const dns_name_t *n, regdomain_split_t *out)
{
	unsigned nl = n->nlabels;
	memset(out, 0, sizeof(*out));
	out->nlabels = nl;
	out->reg_first = nl;
	/* The last label, and when it is not a listed TLD, a real TLD further
	 * left (a search suffix, dropped). */
	for (unsigned drop = 0; drop == 0 || (drop <= REG_MAX_DROP && drop + 1 < nl); drop++) {
		unsigned last = nl - drop;
		uint64_t th;
		const struct rule_ent *te;
		int t = tld_fast(r, n, last - 1, &th, &te);
		if (t < 0)
			return false;
		if (!t)
			continue;
		int ps = ps_walk(r, n, last, th, te);
		if (ps < 0)
			return false;
		if (!drop) {
			out->real_tld = true;
			out->reg_first = (unsigned)ps < nl ? nl - (unsigned)ps - 1 : nl;
			return true;
		}
		unsigned k = (unsigned)ps < last ? (unsigned)ps + 1 : 0;
		if (k && k < last && label_hostlike(n, last - k)) {
			out->nlabels = last;
			out->dropped = drop;
			out->reg_first = last - k;
			out->real_tld = true;
			return true;
		}
	}
	/* Under the implicit '*' rule: the last two labels. */
	out->reg_first = nl >= 2 ? nl - 2 : nl;
	return true;
}

void regdomain_split(regdomain_t *r, const dns_name_t *n, regdomain_split_t *out)
{
	if (!r->tab || n->nlabels == 0 || !split_fast(r, n, out))
		split_slow(r, n, out);
}

void regdomain_split_psl(regdomain_t *r, const dns_name_t *n, regdomain_split_t *out)
{
	split_slow(r, n, out);
}

/* Is label t of n a top-level label of the list, and if so, the labels of
 * the registered domain of labels [0, t] (0: none) in *k. */
static bool inner_tld(regdomain_t *r, const dns_name_t *n, unsigned t, unsigned *k)
{
	*k = 0;
	/* a top-level label is 2 to 24 letters, digits and hyphens (IDNA
	 * ones included): data labels stop here, before any hashing */
	unsigned len;
	const uint8_t *p = dns_name_label(n, t, &len);
	if (len < 2 || len > 24)
		return false;
	for (unsigned i = 0; i < len; i++) {
		int c = ascii_lower(p[i]);
		if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-'))
			return false;
	}
	if (r->tab) {
		uint64_t th;
		const struct rule_ent *te;
		int real = tld_fast(r, n, t, &th, &te);
		if (!real)
			return false;
		if (real > 0) {
			int ps = ps_walk(r, n, t + 1, th, te);
			if (ps >= 0) {
				*k = (unsigned)ps < t + 1 ? (unsigned)ps + 1 : 0;
				return true;
			}
		}
	}
	if (!tld_real(r, n, t))
		return false;
	*k = reg_labels(r, n, 0, t + 1);
	return true;
}

bool regdomain_inner(regdomain_t *r, const dns_name_t *n, const regdomain_split_t *sp,
		     regdomain_split_t *out)
{
	unsigned nl = n->nlabels;
	if (!sp->real_tld || sp->dropped || sp->nlabels != nl || sp->reg_first >= nl)
		return false;
	/* label t: a real TLD left of the registered domain, so that what
	 * is dropped holds the whole registered domain */
	for (unsigned t = sp->reg_first; t-- > 1;) {
		unsigned drop = nl - 1 - t, k;
		if (drop > REG_MAX_DROP)
			break;
		if (!inner_tld(r, n, t, &k))
			continue;
		if (k && k < t + 1 && label_hostlike(n, t + 1 - k)) {
			memset(out, 0, sizeof(*out));
			out->nlabels = t + 1;
			out->dropped = drop;
			out->reg_first = t + 1 - k;
			out->real_tld = true;
			return true;
		}
	}
	return false;
}

bool regdomain_name_of_str(const char *text, dns_name_t *n)
{
	memset(n, 0, sizeof(*n));
	size_t o = 0;
	const char *s = text;
	while (*s) {
		const char *dot = strchr(s, '.');
		size_t len = dot ? (size_t)(dot - s) : strlen(s);
		if (len == 0 || len > 63 || o + len + 2 > DNS_MAX_NAME || n->nlabels >= DNS_MAX_LABELS ||
		    memchr(s, '\\', len))
			return false;
		n->loff[n->nlabels++] = (uint8_t)o;
		n->wire[o++] = (uint8_t)len;
		memcpy(n->wire + o, s, len);
		o += len;
		s += len;
		if (*s == '.' && !*++s)
			return false;
	}
	if (!n->nlabels)
		return false;
	n->wire[o++] = 0;
	n->len = (uint16_t)o;
	return true;
}

size_t regdomain_of_str(regdomain_t *r, const char *name, char *buf, size_t buflen)
{
	dns_name_t n;
	regdomain_split_t sp;
	bool named = regdomain_name_of_str(name, &n);
	if (named)
		regdomain_split(r, &n, &sp);
	if (!named || sp.reg_first >= sp.nlabels) {
		if (buflen)
			buf[0] = '\0';
		return 0;
	}
	return regdomain_labels_str(&n, sp.reg_first, sp.nlabels, buf, buflen);
}
