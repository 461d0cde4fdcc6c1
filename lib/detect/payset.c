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

void payset_init(payset_t *s)
{
	memset(s, 0, sizeof(*s));
	kmv_init(&s->set, PAYSET_K, sizeof(ps_ent_t));
}

void payset_clear(payset_t *s)
{
	kmv_clear(&s->set);
	free(s->t);
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
static void text_offer(ps_texts_t *s, const ps_text_t *t)
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
static void best_offer(ps_texts_t *s, const ps_text_t *t)
{
	const ps_text_t *b = &s->best;
	if (!t->len)
		return;
	if (b->len && (t->len < b->len || (t->len == b->len && text_cmp(t, b) >= 0)))
		return;
	s->best = *t;
}

ps_ent_t *payset_lookup(payset_t *s, uint64_t h, uint8_t len, bool *want)
{
	s->seen++;
	if (len > s->max_len)
		s->max_len = len;
	ps_ent_t *e = kmv_find(&s->set, h);
	if (e) {
		e->queries++;
		*want = false;
		return e;
	}
	/* above a full set: only counted */
	*want = !(s->set.n >= s->set.k && h > kmv_hash_at(&s->set, s->set.n - 1));
	if (!*want)
		s->set.dropped = true;
	return NULL;
}

int payset_insert(payset_t *s, const ps_ent_t *ent)
{
	bool isnew;
	ps_ent_t *e = kmv_offer(&s->set, ent->h, &isnew);
	if (!e)
		return isnew && !payset_saturated(s) ? -1 : 0;
	if (isnew) {
		*e = *ent;
		e->queries = 1;
	}
	return 0;
}

/* Is t a candidate for the texts kept (without building it)? */
static bool text_wanted(const ps_texts_t *t, uint64_t h, size_t tl)
{
	if (!t)
		return true;
	if (tl >= t->best.len)
		return true;
	return t->ntext < PAYSET_NTEXT || h <= t->text[t->ntext - 1].h;
}

static void text_fill(ps_text_t *t, uint64_t h, const uint8_t *text, size_t tl)
{
	t->h = h;
	t->len = (uint16_t)(tl < PAYSET_TEXT_MAX ? tl : PAYSET_TEXT_MAX);
	memcpy(t->text, text, t->len);
	t->name[0] = '\0';
}

static void name_fill(ps_text_t *t, const char *name)
{
	size_t nl = strlen(name);
	if (nl >= PAYSET_NAME_LEN)
		nl = PAYSET_NAME_LEN - 1;
	memcpy(t->name, name, nl);
	t->name[nl] = '\0';
}

int payset_offer_text(payset_t *s, uint64_t h, const uint8_t *text, size_t tl, bool binary,
		      const dns_name_t *name)
{
	if (tl < PAYSET_TEXT_MIN && !binary)
		return 0;
	if (!text_wanted(s->t, h, tl))
		return 0;
	if (!s->t && !(s->t = calloc(1, sizeof(*s->t))))
		return -1;
	ps_text_t t;
	text_fill(&t, h, text, tl);
	if (name) {
		char buf[DNS_NAME_STRLEN];
		dns_name_to_str(name, buf, sizeof(buf));
		name_fill(&t, buf);
	}
	best_offer(s->t, &t);
	if (payset_find(s, h))
		text_offer(s->t, &t);
	return 0;
}

int payset_add(payset_t *s, const ps_ent_t *ent, const uint8_t *text, size_t tl,
	       const char *name)
{
	bool want;
	ps_ent_t *e = payset_lookup(s, ent->h, ent->len, &want);
	int r = 0;
	if (!e && want) {
		if (payset_insert(s, ent) < 0)
			return -1;
		r = payset_find(s, ent->h) ? 1 : 0;
	}
	if (tl < PAYSET_TEXT_MIN || !text_wanted(s->t, ent->h, tl))
		return r;
	if (!s->t && !(s->t = calloc(1, sizeof(*s->t))))
		return -1;
	ps_text_t t;
	text_fill(&t, ent->h, text, tl);
	if (name)
		name_fill(&t, name);
	best_offer(s->t, &t);
	if (payset_find(s, ent->h))
		text_offer(s->t, &t);
	return r;
}

uint32_t payset_host_hash(const uint8_t *addr, size_t len)
{
	uint64_t h = payset_hash(addr, len);
	uint32_t x = (uint32_t)(h ^ (h >> 32));
	return x ? x : 1;
}

/* Merge asker a into the sorted slots of e: the same host adds up; a new
 * host takes a slot if its hash is among the PS_ASKERS smallest, and
 * whatever falls off marks the entry as asked by many. */
static void ask_merge(ps_ent_t *e, const ps_asker_t *a)
{
	ps_asker_t *s = e->ask;
	for (unsigned i = 0; i < PS_ASKERS && s[i].host; i++) {
		if (s[i].host == a->host) {
			s[i].queries += a->queries;
			if (a->first_ns < s[i].first_ns)
				s[i].first_ns = a->first_ns;
			return;
		}
	}
	unsigned i = 0;
	while (i < PS_ASKERS && s[i].host && s[i].host < a->host)
		i++;
	if (i == PS_ASKERS) {
		e->flags |= PS_F_MANY_ASKERS;
		return;
	}
	if (s[PS_ASKERS - 1].host)
		e->flags |= PS_F_MANY_ASKERS;
	memmove(&s[i + 1], &s[i], (PS_ASKERS - 1 - i) * sizeof(*s));
	s[i] = *a;
}

void payset_ask(ps_ent_t *e, uint32_t host, uint64_t ts_ns)
{
	ps_asker_t a = {.first_ns = ts_ns, .host = host ? host : 1, .queries = 1};
	ask_merge(e, &a);
}

static void add_queries(void *d, const void *s)
{
	ps_ent_t *x = d;
	const ps_ent_t *y = s;
	x->queries += y->queries;
	x->flags |= y->flags & PS_F_STICKY;
	for (unsigned i = 0; i < PS_ASKERS && y->ask[i].host; i++)
		ask_merge(x, &y->ask[i]);
}

void payset_leg_pairs(const payset_t *s, uint64_t window_ns,
		      void (*vote)(void *ctx, uint32_t earlier, uint32_t later), void *ctx)
{
	for (uint32_t i = 0; i < payset_n(s); i++) {
		const ps_ent_t *e = payset_at(s, i);
		if ((e->flags & PS_F_MANY_ASKERS) || !e->ask[0].host || !e->ask[1].host)
			continue;
		const ps_asker_t *a = &e->ask[0], *b = &e->ask[1];
		if (a->first_ns == b->first_ns)
			continue;
		if (a->first_ns > b->first_ns) {
			const ps_asker_t *t = a;
			a = b;
			b = t;
		}
		if (b->first_ns - a->first_ns <= window_ns)
			vote(ctx, a->host, b->host);
	}
}

static bool is_among(uint32_t h, const uint32_t *v, size_t n);

uint32_t payset_shared(const payset_t *s, const uint32_t *skip, size_t nskip)
{
	uint32_t n = 0;
	for (uint32_t i = 0; i < payset_n(s); i++) {
		const ps_ent_t *e = payset_at(s, i);
		unsigned hosts = 0;
		for (unsigned k = 0; k < PS_ASKERS; k++)
			hosts += e->ask[k].host && !is_among(e->ask[k].host, skip, nskip);
		n += (e->flags & PS_F_MANY_ASKERS) || hosts >= 2;
	}
	return n;
}

bool payset_both_forms(const payset_t *s)
{
	for (uint32_t i = 0; i < payset_n(s); i++) {
		unsigned f = payset_at(s, i)->flags;
		if ((f & PS_F_BARE) && (f & PS_F_SUFFIXED))
			return true;
	}
	return false;
}

static bool is_among(uint32_t h, const uint32_t *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (v[i] == h)
			return true;
	return false;
}

/* Did a host other than the resolvers ask entry o's payload within
 * window_ns of t? */
static bool client_asked(const ps_ent_t *o, uint64_t t, const uint32_t *resolvers, size_t nres,
			 uint64_t window_ns)
{
	for (unsigned c = 0; c < PS_ASKERS; c++) {
		const ps_asker_t *b = &o->ask[c];
		if (!b->host || is_among(b->host, resolvers, nres))
			continue;
		uint64_t d = t > b->first_ns ? t - b->first_ns : b->first_ns - t;
		if (d <= window_ns)
			return true;
	}
	return false;
}

void payset_upstream(const payset_t *s, const uint32_t *resolvers, size_t nres,
		     uint64_t window_ns, uint64_t *matched, uint64_t *unmatched)
{
	*matched = *unmatched = 0;
	for (uint32_t i = 0; i < payset_n(s); i++) {
		const ps_ent_t *e = payset_at(s, i);
		if (e->flags & PS_F_MANY_ASKERS)
			continue;
		for (unsigned r = 0; r < PS_ASKERS; r++) {
			const ps_asker_t *a = &e->ask[r];
			if (!a->host || !is_among(a->host, resolvers, nres))
				continue;
			bool paired = client_asked(e, a->first_ns, resolvers, nres, window_ns);
			/* the client's name may differ in case only (a name that
			 * mixes case on purpose, then 0x20 upstream) */
			for (uint32_t k = 0; !paired && e->hf && k < payset_n(s); k++) {
				const ps_ent_t *o = payset_at(s, k);
				paired = k != i && o->hf == e->hf && !(o->flags & PS_F_MANY_ASKERS) &&
					 client_asked(o, a->first_ns, resolvers, nres, window_ns);
			}
			if (paired)
				*matched += a->queries;
			else
				*unmatched += a->queries;
		}
	}
}

int payset_merge(payset_t *dst, const payset_t *src)
{
	dst->seen += src->seen;
	if (src->max_len > dst->max_len)
		dst->max_len = src->max_len;
	if (src->t) {
		if (!dst->t && !(dst->t = calloc(1, sizeof(*dst->t))))
			return -1;
		for (unsigned i = 0; i < src->t->ntext; i++)
			text_offer(dst->t, &src->t->text[i]);
		best_offer(dst->t, &src->t->best);
	}
	return kmv_merge(&dst->set, &src->set, add_queries);
}

double payset_distinct(const payset_t *s)
{
	/* an estimate beyond PAYSET_K; never more than the queries seen */
	double d = kmv_distinct(&s->set);
	return d > (double)s->seen ? (double)s->seen : d;
}

static int cmp_prefix(const void *a, const void *b)
{
	return memcmp(a, b, 4);
}

void payset_summary(const payset_t *s, ps_sum_t *o)
{
	memset(o, 0, sizeof(*o));
	uint32_t n = payset_n(s);
	if (!n)
		return;
	uint8_t (*pre)[4] = malloc((size_t)n * 4);
	uint32_t npre = 0;
	for (uint32_t i = 0; i < n; i++) {
		const ps_ent_t *e = payset_at(s, i);
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
	double k = o->distinct / (double)n;
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
	return kmv_heap_bytes(&s->set) + (s->t ? sizeof(*s->t) : 0);
}
