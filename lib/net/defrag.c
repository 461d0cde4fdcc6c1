/*
 * defrag.c - IPv4 and IPv6 fragment reassembly.
 *
 * What it handles.  Fragments are grouped into trackers by (IP version, src,
 * dst, id, proto) in a hash table keyed with a random SipHash key, so crafted
 * ids cannot pile trackers into one chain.  A tracker keeps the fragments as
 * they arrived (their bytes appended to one arena, plus an (offset, length)
 * list) and a merged list of the byte ranges covered so far.  Fragments may
 * come in any order, be duplicated or overlap.  When the last fragment (MF
 * clear) has fixed the total length and the covered ranges are exactly
 * [0, total), the datagram is copied into one output buffer owned by the
 * defrag_t: with DEFRAG_POLICY_FIRST the fragments are laid down newest
 * first so the bytes that arrived first win, with DEFRAG_POLICY_LAST oldest
 * first so the latest bytes win.  Overlapping fragments are counted.  Under
 * FIRST a fragment that brings no new byte is not stored at all.
 *
 * Bounds.  At most max_trackers trackers (the slots are allocated once; when
 * all are taken the oldest tracker is evicted), at most max_bytes of fragment
 * bytes held across all trackers (the oldest other trackers are evicted to
 * make room; if that is not enough the fragment is dropped), at most
 * max_frags fragments per datagram.  Time is packet time: a tracker whose
 * first fragment is older than the timeout is expired lazily, when later
 * fragments advance the clock.  Trackers sit on one list in creation order,
 * so expiry and eviction both take from its head in O(1).
 *
 * What it drops (counted in stats.dropped).  Empty fragments; fragments
 * that end past 65535 bytes (no IPv4 or IPv6 datagram can be that long);
 * fragments over the per-datagram or byte caps; and the whole tracker when
 * the fragments disagree about where the datagram ends (two different "last
 * fragment" ends, or data beyond the announced end), since no single answer
 * would be right.  It does not check IPv4 header checksums, the multiple-of-
 * 8 rule for non-final fragments, or per-host overlap policies (BSD, Linux,
 * Windows, ...): one policy applies to all.
 */
#include "defrag.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "siphash.h"

#define DEFRAG_MAX_DATAGRAM 65535u
#define DEFRAG_KEY_LEN 38

#define DEFAULT_MAX_TRACKERS 4096
#define DEFAULT_MAX_BYTES (64u * 1024 * 1024)
#define DEFAULT_MAX_FRAGS 256
#define DEFAULT_TIMEOUT_NS (60ull * 1000000000ull)

struct frag_ent {
	uint32_t off;   /* offset in the datagram */
	uint32_t len;
	uint32_t pos;   /* where its bytes start in the arena */
};

struct span {
	uint32_t start, end; /* covered bytes [start, end) */
};

struct tracker {
	struct tracker *hnext;        /* hash chain, or free list */
	struct tracker *prev, *next;  /* creation-order list */
	uint8_t key[DEFRAG_KEY_LEN];
	uint32_t hash;
	bool have_last;
	uint32_t total;               /* datagram length, once have_last */
	uint64_t first_ts;
	ip_frag_t meta;               /* addresses, id, proto */

	struct frag_ent *frags;       /* arrival order */
	struct span *cov;             /* sorted, merged, non-adjacent */
	uint32_t nfrags, ncov, cap;   /* cap: entries in frags and in cov */

	uint8_t *arena;
	uint32_t arena_len, arena_cap;
};

struct defrag {
	defrag_limits_t lim;
	defrag_stats_t stats;
	uint8_t hkey[16];

	struct tracker *slots;        /* max_trackers, allocated once */
	struct tracker *free_list;
	struct tracker **buckets;
	size_t nbuckets;              /* power of two */
	struct tracker *oldest, *newest;
	size_t ntrackers;
	size_t bytes_held;            /* sum of arena capacities */

	uint8_t out[DEFRAG_MAX_DATAGRAM];
};

defrag_t *defrag_new(const defrag_limits_t *limits)
{
	defrag_t *d = calloc(1, sizeof(*d));
	if (!d)
		return NULL;
	if (limits)
		d->lim = *limits;
	if (!d->lim.max_trackers)
		d->lim.max_trackers = DEFAULT_MAX_TRACKERS;
	if (!d->lim.max_bytes)
		d->lim.max_bytes = DEFAULT_MAX_BYTES;
	if (!d->lim.max_frags)
		d->lim.max_frags = DEFAULT_MAX_FRAGS;
	if (!d->lim.timeout_ns)
		d->lim.timeout_ns = DEFAULT_TIMEOUT_NS;
	if (d->lim.policy != DEFRAG_POLICY_LAST)
		d->lim.policy = DEFRAG_POLICY_FIRST;

	d->nbuckets = 16;
	while (d->nbuckets < d->lim.max_trackers && d->nbuckets < ((size_t)1 << 30))
		d->nbuckets <<= 1;
	d->slots = calloc(d->lim.max_trackers, sizeof(*d->slots));
	d->buckets = calloc(d->nbuckets, sizeof(*d->buckets));
	if (!d->slots || !d->buckets) {
		defrag_free(d);
		return NULL;
	}
	for (size_t i = d->lim.max_trackers; i-- > 0;) {
		d->slots[i].hnext = d->free_list;
		d->free_list = &d->slots[i];
	}
	siphash_random_key(d->hkey);
	return d;
}

static void tracker_release(defrag_t *d, struct tracker *t)
{
	struct tracker **pp = &d->buckets[t->hash & (d->nbuckets - 1)];
	while (*pp && *pp != t)
		pp = &(*pp)->hnext;
	if (*pp)
		*pp = t->hnext;

	if (t->prev)
		t->prev->next = t->next;
	else
		d->oldest = t->next;
	if (t->next)
		t->next->prev = t->prev;
	else
		d->newest = t->prev;

	d->bytes_held -= t->arena_cap;
	d->ntrackers--;
	free(t->arena);
	free(t->frags);
	free(t->cov);
	memset(t, 0, sizeof(*t));
	t->hnext = d->free_list;
	d->free_list = t;
}

void defrag_free(defrag_t *d)
{
	if (!d)
		return;
	if (d->slots) {
		for (size_t i = 0; i < d->lim.max_trackers; i++) {
			free(d->slots[i].arena);
			free(d->slots[i].frags);
			free(d->slots[i].cov);
		}
	}
	free(d->slots);
	free(d->buckets);
	free(d);
}

static void make_key(const ip_frag_t *f, uint8_t key[DEFRAG_KEY_LEN])
{
	size_t alen = f->src.v == 4 ? 4 : 16;
	memset(key, 0, DEFRAG_KEY_LEN);
	key[0] = f->src.v;
	memcpy(key + 1, f->src.a, alen);
	memcpy(key + 17, f->dst.a, alen);
	key[33] = (uint8_t)(f->id >> 24);
	key[34] = (uint8_t)(f->id >> 16);
	key[35] = (uint8_t)(f->id >> 8);
	key[36] = (uint8_t)f->id;
	key[37] = f->proto;
}

static bool expired(const defrag_t *d, const struct tracker *t, uint64_t now)
{
	return now > t->first_ts && now - t->first_ts > d->lim.timeout_ns;
}

static struct tracker *lookup(defrag_t *d, const uint8_t *key, uint32_t hash)
{
	for (struct tracker *t = d->buckets[hash & (d->nbuckets - 1)]; t; t = t->hnext)
		if (t->hash == hash && memcmp(t->key, key, DEFRAG_KEY_LEN) == 0)
			return t;
	return NULL;
}

static struct tracker *tracker_new(defrag_t *d, const ip_frag_t *f, const uint8_t *key,
				   uint32_t hash, uint64_t now)
{
	if (!d->free_list) {
		/* every slot taken: the oldest tracker gives way */
		d->stats.evicted++;
		d->stats.evicted_frags += d->oldest->nfrags;
		tracker_release(d, d->oldest);
	}
	struct tracker *t = d->free_list;
	d->free_list = t->hnext;

	memcpy(t->key, key, DEFRAG_KEY_LEN);
	t->hash = hash;
	t->first_ts = now;
	t->meta.src = f->src;
	t->meta.dst = f->dst;
	t->meta.id = f->id;
	t->meta.proto = f->proto;
	t->meta.span = (frame_span_t){0, 0, 0};

	size_t b = hash & (d->nbuckets - 1);
	t->hnext = d->buckets[b];
	d->buckets[b] = t;
	t->prev = d->newest;
	t->next = NULL;
	if (d->newest)
		d->newest->next = t;
	else
		d->oldest = t;
	d->newest = t;
	d->ntrackers++;
	return t;
}

/* Is [off, end) entirely covered?  Does it touch covered bytes at all? */
static void coverage_test(const struct tracker *t, uint32_t off, uint32_t end, bool *all,
			  bool *any)
{
	*all = false;
	*any = false;
	for (uint32_t i = 0; i < t->ncov; i++) {
		const struct span *s = &t->cov[i];
		if (s->start < end && off < s->end) {
			*any = true;
			if (s->start <= off && end <= s->end)
				*all = true;
		}
	}
}

/* Merge [off, end) into the sorted span list (which has room for one more). */
static void coverage_add(struct tracker *t, uint32_t off, uint32_t end)
{
	uint32_t i = 0;
	while (i < t->ncov && t->cov[i].end < off)
		i++;
	/* spans i.. that touch or overlap [off, end) collapse into one */
	uint32_t j = i;
	while (j < t->ncov && t->cov[j].start <= end) {
		if (t->cov[j].start < off)
			off = t->cov[j].start;
		if (t->cov[j].end > end)
			end = t->cov[j].end;
		j++;
	}
	if (j == i) {
		memmove(&t->cov[i + 1], &t->cov[i], (t->ncov - i) * sizeof(*t->cov));
		t->ncov++;
	} else if (j > i + 1) {
		memmove(&t->cov[i + 1], &t->cov[j], (t->ncov - j) * sizeof(*t->cov));
		t->ncov -= j - i - 1;
	}
	t->cov[i].start = off;
	t->cov[i].end = end;
}

static bool grow_lists(struct tracker *t)
{
	if (t->nfrags < t->cap && t->ncov < t->cap)
		return true;
	uint32_t ncap = t->cap ? t->cap * 2 : 8;
	struct frag_ent *nf = realloc(t->frags, ncap * sizeof(*nf));
	if (!nf)
		return false;
	t->frags = nf;
	struct span *ns = realloc(t->cov, ncap * sizeof(*ns));
	if (!ns)
		return false;
	t->cov = ns;
	t->cap = ncap;
	return true;
}

/* Make room for len more arena bytes, evicting the oldest other trackers
 * when the global byte budget is short. */
static bool reserve_arena(defrag_t *d, struct tracker *t, uint32_t len)
{
	uint32_t need = t->arena_len + len;
	if (need <= t->arena_cap)
		return true;
	uint32_t ncap = t->arena_cap * 2;
	if (ncap < need)
		ncap = need;
	if (ncap < 256)
		ncap = 256;
	size_t room = d->bytes_held < d->lim.max_bytes ? d->lim.max_bytes - d->bytes_held : 0;
	if (ncap - t->arena_cap > room)
		ncap = need; /* no slack when the budget is short */
	size_t grow = ncap - t->arena_cap;
	while (d->bytes_held + grow > d->lim.max_bytes) {
		struct tracker *victim = d->oldest;
		if (victim == t)
			victim = t->next;
		if (!victim)
			return false;
		d->stats.evicted++;
		d->stats.evicted_frags += victim->nfrags;
		tracker_release(d, victim);
	}
	uint8_t *na = realloc(t->arena, ncap);
	if (!na)
		return false;
	t->arena = na;
	d->bytes_held += grow;
	t->arena_cap = ncap;
	return true;
}

static void assemble(defrag_t *d, const struct tracker *t)
{
	if (d->lim.policy == DEFRAG_POLICY_LAST) {
		for (uint32_t i = 0; i < t->nfrags; i++) {
			const struct frag_ent *e = &t->frags[i];
			memcpy(d->out + e->off, t->arena + e->pos, e->len);
		}
	} else {
		for (uint32_t i = t->nfrags; i-- > 0;) {
			const struct frag_ent *e = &t->frags[i];
			memcpy(d->out + e->off, t->arena + e->pos, e->len);
		}
	}
}

static int drop(defrag_t *d)
{
	d->stats.dropped++;
	return -1;
}

int defrag_add(defrag_t *d, uint64_t ts_ns, const ip_frag_t *f, const uint8_t **out,
	       uint32_t *outlen, ip_frag_t *done)
{
	if (!d || !f)
		return -1;
	if (f->len == 0 || !f->data)
		return drop(d);
	uint64_t end64 = (uint64_t)f->offset + f->len;
	if (end64 > DEFRAG_MAX_DATAGRAM)
		return drop(d);
	uint32_t off = f->offset, end = (uint32_t)end64;

	/* lazy expiry: the oldest trackers first */
	while (d->oldest && expired(d, d->oldest, ts_ns)) {
		d->stats.timeouts++;
		tracker_release(d, d->oldest);
	}

	uint8_t key[DEFRAG_KEY_LEN];
	make_key(f, key);
	uint32_t hash = (uint32_t)siphash(d->hkey, key, sizeof(key));
	struct tracker *t = lookup(d, key, hash);
	if (t && expired(d, t, ts_ns)) {
		/* out of creation order (the clock went back and forth) */
		d->stats.timeouts++;
		tracker_release(d, t);
		t = NULL;
	}
	if (!t)
		t = tracker_new(d, f, key, hash, ts_ns);

	/* where does the datagram end? */
	uint32_t held_end = t->ncov ? t->cov[t->ncov - 1].end : 0;
	if (!f->more) {
		if ((t->have_last && t->total != end) || held_end > end) {
			tracker_release(d, t);
			return drop(d);
		}
		t->have_last = true;
		t->total = end;
	} else if (t->have_last && end > t->total) {
		tracker_release(d, t);
		return drop(d);
	}

	/* every fragment of the datagram carried it, copies included */
	frame_span_add(&t->meta.span, &f->span);
	bool all, any;
	coverage_test(t, off, end, &all, &any);
	if (any)
		d->stats.overlaps++;
	if (all && d->lim.policy == DEFRAG_POLICY_FIRST) {
		/* nothing new: the held bytes win anyway */
		d->stats.fragments++;
	} else {
		if (t->nfrags >= d->lim.max_frags || !grow_lists(t) ||
		    !reserve_arena(d, t, f->len)) {
			if (t->nfrags == 0)
				tracker_release(d, t);
			return drop(d);
		}
		struct frag_ent *e = &t->frags[t->nfrags++];
		e->off = off;
		e->len = f->len;
		e->pos = t->arena_len;
		memcpy(t->arena + t->arena_len, f->data, f->len);
		t->arena_len += f->len;
		coverage_add(t, off, end);
		d->stats.fragments++;
	}

	if (!t->have_last || t->ncov != 1 || t->cov[0].start != 0 || t->cov[0].end != t->total)
		return 0;

	assemble(d, t);
	d->stats.reassembled++;
	if (out)
		*out = d->out;
	if (outlen)
		*outlen = t->total;
	if (done) {
		*done = t->meta;
		done->offset = 0;
		done->more = false;
		done->data = d->out;
		done->len = t->total;
	}
	tracker_release(d, t);
	return 1;
}

const defrag_stats_t *defrag_stats(const defrag_t *d)
{
	return &d->stats;
}

size_t defrag_bytes_held(const defrag_t *d)
{
	return d->bytes_held;
}
