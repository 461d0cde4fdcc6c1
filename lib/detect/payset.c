/*
 * payset.c - the distinct payloads of one domain (see payset.h).
 *
 * Entries sit in one array sorted by hash: a look-up is a binary search, an
 * insert a move of the entries above it.  Once PAYSET_K entries are kept, a
 * payload hashing above the largest kept hash is only counted in `seen`,
 * and one hashing below it evicts the largest; so the kept set is always
 * the PAYSET_K smallest hashes of everything added, whatever the order.
 */
#include "payset.h"

#include <stdlib.h>
#include <string.h>

#include "mix.h"

#define PS_CAP0 8

void payset_init(payset_t *s)
{
	memset(s, 0, sizeof(*s));
}

void payset_clear(payset_t *s)
{
	free(s->e);
	payset_init(s);
}

uint64_t payset_hash(const uint8_t *p, size_t n)
{
	/* word-at-a-time multiply-xorshift over the text, then MurmurHash3's
	 * finaliser; unkeyed on purpose (see payset.h) */
	uint64_t h = (uint64_t)n * MIX_GOLDEN;
	while (n >= 8) {
		uint64_t w;
		memcpy(&w, p, 8);
		h = (h ^ w) * MIX_M1;
		h ^= h >> 32;
		p += 8;
		n -= 8;
	}
	uint64_t w = 0;
	while (n)
		w = w << 8 | p[--n];
	h = mix_fmix64((h ^ w) * MIX_M2);
	return h ? h : 1;
}

/* Index of the first entry with hash >= h. */
static uint32_t lower_bound(const payset_t *s, uint64_t h)
{
	uint32_t lo = 0, hi = s->n;
	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;
		if (s->e[mid].h < h)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

bool payset_has(const payset_t *s, uint64_t h)
{
	uint32_t i = lower_bound(s, h);
	return i < s->n && s->e[i].h == h;
}

static int grow(payset_t *s, uint32_t want)
{
	if (want <= s->cap)
		return 0;
	uint32_t nc = s->cap ? s->cap : PS_CAP0;
	while (nc < want)
		nc *= 2;
	if (nc > PAYSET_K)
		nc = PAYSET_K;
	ps_ent_t *e = realloc(s->e, (size_t)nc * sizeof(*e));
	if (!e)
		return -1;
	s->e = e;
	s->cap = nc;
	return 0;
}

/* a before b in the canonical order of texts: by hash, then by bytes */
static int text_cmp(const ps_text_t *a, const ps_text_t *b)
{
	if (a->h != b->h)
		return a->h < b->h ? -1 : 1;
	if (a->len != b->len)
		return a->len < b->len ? -1 : 1;
	int c = memcmp(a->text, b->text, a->len);
	if (c)
		return c;
	return strcmp(a->name, b->name);
}

/* Keep t among the PAYSET_NTEXT smallest hashes; for one hash, the
 * smallest text and name. */
static void text_offer(payset_t *s, const ps_text_t *t)
{
	unsigned i;
	for (i = 0; i < s->ntext; i++) {
		if (s->text[i].h == t->h) {
			if (text_cmp(t, &s->text[i]) < 0)
				s->text[i] = *t;
			return;
		}
		if (t->h < s->text[i].h)
			break;
	}
	if (i >= PAYSET_NTEXT)
		return;
	unsigned n = s->ntext < PAYSET_NTEXT ? s->ntext : PAYSET_NTEXT - 1;
	memmove(&s->text[i + 1], &s->text[i], (n - i) * sizeof(s->text[0]));
	s->text[i] = *t;
	if (s->ntext < PAYSET_NTEXT)
		s->ntext++;
}

/* The longest payload; then the smallest hash; then the smallest text. */
static void best_offer(payset_t *s, const ps_text_t *t)
{
	const ps_text_t *b = &s->best;
	if (!t->len)
		return;
	if (b->len && (t->len < b->len || (t->len == b->len && text_cmp(t, b) >= 0)))
		return;
	s->best = *t;
}

/* Insert e (not present) at index i, evicting the largest when full.
 * Returns 1 when kept, 0 when it hashes above a full set, -1 on ENOMEM. */
static int insert_at(payset_t *s, uint32_t i, const ps_ent_t *e)
{
	if (s->n >= PAYSET_K) {
		s->dropped = true;
		if (i >= s->n)
			return 0;
		s->n--; /* the largest goes */
	} else if (grow(s, s->n + 1) < 0) {
		return -1;
	}
	memmove(&s->e[i + 1], &s->e[i], (size_t)(s->n - i) * sizeof(s->e[0]));
	s->e[i] = *e;
	s->n++;
	return 1;
}

int payset_add(payset_t *s, const ps_ent_t *ent, const uint8_t *text, size_t tl,
	       const char *name)
{
	s->seen++;
	if (ent->len > s->max_len)
		s->max_len = ent->len;
	ps_text_t t;
	t.h = ent->h;
	t.len = (uint16_t)(tl < PAYSET_TEXT_MAX ? tl : PAYSET_TEXT_MAX);
	memcpy(t.text, text, t.len);
	t.name[0] = '\0';
	if (name) {
		size_t nl = strlen(name);
		if (nl >= PAYSET_NAME_LEN)
			nl = PAYSET_NAME_LEN - 1;
		memcpy(t.name, name, nl);
		t.name[nl] = '\0';
	}
	best_offer(s, &t);
	uint32_t i = lower_bound(s, ent->h);
	if (i < s->n && s->e[i].h == ent->h) {
		s->e[i].queries++;
		text_offer(s, &t);
		return 0;
	}
	ps_ent_t e = *ent;
	e.queries = 1;
	int r = insert_at(s, i, &e);
	if (r == 1)
		text_offer(s, &t);
	return r;
}

int payset_merge(payset_t *dst, const payset_t *src)
{
	dst->seen += src->seen;
	if (src->max_len > dst->max_len)
		dst->max_len = src->max_len;
	dst->dropped = dst->dropped || src->dropped;
	for (unsigned i = 0; i < src->ntext; i++)
		text_offer(dst, &src->text[i]);
	best_offer(dst, &src->best);
	if (!src->n)
		return 0;
	/* merge two sorted runs into a new array, keeping the K smallest */
	uint32_t total = dst->n + src->n;
	uint32_t cap = total < PAYSET_K ? total : PAYSET_K;
	uint32_t c = PS_CAP0;
	while (c < cap)
		c *= 2;
	if (c > PAYSET_K)
		c = PAYSET_K;
	ps_ent_t *out = malloc((size_t)c * sizeof(*out));
	if (!out)
		return -1;
	uint32_t a = 0, b = 0, n = 0;
	while ((a < dst->n || b < src->n) && n < PAYSET_K) {
		if (b >= src->n || (a < dst->n && dst->e[a].h < src->e[b].h)) {
			out[n++] = dst->e[a++];
		} else if (a >= dst->n || src->e[b].h < dst->e[a].h) {
			out[n++] = src->e[b++];
		} else {
			out[n] = dst->e[a++];
			out[n++].queries += src->e[b++].queries;
		}
	}
	if (a < dst->n || b < src->n)
		dst->dropped = true;
	free(dst->e);
	dst->e = out;
	dst->n = n;
	dst->cap = c;
	return 0;
}

double payset_distinct(const payset_t *s)
{
	if (!s->dropped || s->n < 2)
		return (double)s->n;
	/* k-minimum values: (k - 1) / (k-th smallest hash as a fraction) */
	double u = (double)s->e[s->n - 1].h / 18446744073709551616.0;
	double est = (double)(s->n - 1) / u;
	return est < (double)s->n ? (double)s->n : est;
}

static int cmp_prefix(const void *a, const void *b)
{
	return memcmp(a, b, 4);
}

void payset_summary(const payset_t *s, ps_sum_t *o)
{
	memset(o, 0, sizeof(*o));
	if (!s->n)
		return;
	uint8_t (*pre)[4] = malloc((size_t)s->n * 4);
	uint32_t npre = 0;
	for (uint32_t i = 0; i < s->n; i++) {
		const ps_ent_t *e = &s->e[i];
		o->chars += e->len;
		o->labels += e->nlabels;
		o->n_long += (e->flags & PS_F_LONG) != 0;
		o->n_unlike += (e->flags & PS_F_UNLIKE) != 0;
		o->n_mixed += (e->flags & PS_F_MIXED) != 0;
		o->n_binary += (e->flags & PS_F_BINARY) != 0;
		o->entropy_sum += e->entropy;
		o->unlike_sum += e->unlike;
		for (unsigned k = 0; k < FEAT_NENC; k++)
			o->enc[k] += (e->enc >> k) & 1;
		if (pre && e->len >= 8)
			memcpy(pre[npre++], e->prefix, 4);
	}
	if (pre) {
		/* payloads that share their first four characters with another
		 * (sequence numbers, session ids in front of the data) */
		qsort(pre, npre, 4, cmp_prefix);
		for (uint32_t i = 0; i < npre; i++)
			if ((i > 0 && !memcmp(pre[i], pre[i - 1], 4)) ||
			    (i + 1 < npre && !memcmp(pre[i], pre[i + 1], 4)))
				o->n_seq++;
		free(pre);
	}
	o->distinct = payset_distinct(s);
	double k = o->distinct / (double)s->n;
	if (k != 1.0) {
		o->chars *= k;
		o->labels *= k;
		o->n_long *= k;
		o->n_unlike *= k;
		o->n_mixed *= k;
		o->n_binary *= k;
		o->entropy_sum *= k;
		o->unlike_sum *= k;
		o->n_seq *= k;
		for (unsigned j = 0; j < FEAT_NENC; j++)
			o->enc[j] *= k;
	}
}

size_t payset_heap_bytes(const payset_t *s)
{
	return (size_t)s->cap * sizeof(ps_ent_t);
}
