/*
 * timeline.c - see timeline.h.
 */
#include "timeline.h"

#include <math.h>
#include <string.h>

static uint32_t sat_add(uint32_t a, uint64_t b)
{
	uint64_t s = (uint64_t)a + b;
	return s > UINT32_MAX ? UINT32_MAX : (uint32_t)s;
}

/* Re-bucket t at level, its range starting at bucket lo (of that level). */
static void regrid(timeline_t *t, uint32_t level, uint64_t lo)
{
	timeline_t o = *t;
	memset(t->q, 0, sizeof t->q);
	memset(t->out, 0, sizeof t->out);
	memset(t->in, 0, sizeof t->in);
	uint32_t sh = level - o.level;
	for (uint64_t b = o.lo; b <= o.hi; b++) {
		uint64_t i = (b >> sh) - lo;
		t->q[i] = sat_add(t->q[i], o.q[b - o.lo]);
		t->out[i] = sat_add(t->out[i], o.out[b - o.lo]);
		t->in[i] = sat_add(t->in[i], o.in[b - o.lo]);
	}
	t->level = level;
	t->lo = lo;
	t->hi = o.hi >> sh;
}

/* Make t's grid cover buckets [lo, hi] of level (lo, hi at that level),
 * coarser while they span TL_N buckets or more. */
static void cover(timeline_t *t, uint32_t level, uint64_t lo, uint64_t hi)
{
	while (level < 63 && (hi - lo) >= TL_N) {
		level++;
		lo >>= 1;
		hi >>= 1;
	}
	if (t->nq == 0) {
		t->level = level;
		t->lo = lo;
		t->hi = hi;
		return;
	}
	if (level > t->level) {
		/* the grid's own range at the new level */
		uint32_t sh = level - t->level;
		uint64_t tlo = t->lo >> sh, thi = t->hi >> sh;
		uint64_t nlo = lo < tlo ? lo : tlo, nhi = hi > thi ? hi : thi;
		if (nhi - nlo >= TL_N) {
			cover(t, level + 1, nlo >> 1, nhi >> 1);
			return;
		}
		regrid(t, level, nlo);
		t->hi = nhi;
		return;
	}
	/* level == t->level: widen the range (lo, hi at t's level) */
	uint64_t nlo = lo < t->lo ? lo : t->lo, nhi = hi > t->hi ? hi : t->hi;
	if (nhi - nlo >= TL_N) {
		cover(t, level + 1, nlo >> 1, nhi >> 1);
		return;
	}
	if (nlo < t->lo) {
		uint64_t d = t->lo - nlo;
		memmove(t->q + d, t->q, (TL_N - d) * sizeof t->q[0]);
		memmove(t->out + d, t->out, (TL_N - d) * sizeof t->out[0]);
		memmove(t->in + d, t->in, (TL_N - d) * sizeof t->in[0]);
		memset(t->q, 0, d * sizeof t->q[0]);
		memset(t->out, 0, d * sizeof t->out[0]);
		memset(t->in, 0, d * sizeof t->in[0]);
		t->lo = nlo;
	}
	t->hi = nhi;
}

void timeline_add(timeline_t *t, uint64_t ts_ns, uint32_t queries, uint64_t out, uint64_t in)
{
	uint64_t s = ts_ns / 1000000000u;
	uint32_t level = t->nq ? t->level : 0;
	uint64_t b = s >> level;
	if (!t->nq || b < t->lo || b > t->hi)
		cover(t, level, b, b);
	b = s >> t->level;
	size_t i = (size_t)(b - t->lo);
	t->q[i] = sat_add(t->q[i], queries);
	t->out[i] = sat_add(t->out[i], out);
	t->in[i] = sat_add(t->in[i], in);
	t->nq = sat_add(t->nq, 1);
}

bool timeline_one_add(timeline_one_t *o, uint64_t ts_ns, uint32_t queries, uint64_t out,
		      uint64_t in)
{
	uint64_t s = ts_ns / 1000000000u;
	if (o->n && o->sec != s)
		return false;
	o->sec = s;
	o->n = sat_add(o->n, 1);
	o->q = sat_add(o->q, queries);
	o->out = sat_add(o->out, out);
	o->in = sat_add(o->in, in);
	return true;
}

void timeline_from_one(timeline_t *t, const timeline_one_t *o)
{
	memset(t, 0, sizeof *t);
	if (!o->n)
		return;
	t->nq = o->n;
	t->lo = t->hi = o->sec;
	t->q[0] = o->q;
	t->out[0] = o->out;
	t->in[0] = o->in;
}

void timeline_merge(timeline_t *dst, const timeline_t *src)
{
	if (!src->nq)
		return;
	if (!dst->nq) {
		*dst = *src;
		return;
	}
	uint32_t level = src->level > dst->level ? src->level : dst->level;
	uint32_t sh = level - src->level;
	cover(dst, level, src->lo >> sh, src->hi >> sh);
	/* dst now covers src's range at dst->level */
	sh = dst->level - src->level;
	for (uint64_t b = src->lo; b <= src->hi; b++) {
		size_t i = (size_t)((b >> sh) - dst->lo);
		dst->q[i] = sat_add(dst->q[i], src->q[b - src->lo]);
		dst->out[i] = sat_add(dst->out[i], src->out[b - src->lo]);
		dst->in[i] = sat_add(dst->in[i], src->in[b - src->lo]);
	}
	dst->nq = sat_add(dst->nq, src->nq);
}

/* col[i] := total spread over n buckets by w (largest remainder; ties to
 * the earlier bucket). */
static void spread(const uint32_t *w, const uint32_t *fallback, size_t n, uint64_t total,
		   uint64_t *col)
{
	uint64_t sum = 0;
	for (size_t i = 0; i < n; i++)
		sum += w[i];
	if (!sum && fallback) {
		spread(fallback, NULL, n, total, col);
		return;
	}
	if (!sum) {
		memset(col, 0, n * sizeof *col);
		if (n)
			col[0] = total;
		return;
	}
	uint64_t given = 0;
	unsigned __int128 rem[TL_N];
	for (size_t i = 0; i < n; i++) {
		unsigned __int128 x = (unsigned __int128)total * w[i];
		col[i] = (uint64_t)(x / sum);
		rem[i] = x % sum;
		given += col[i];
	}
	while (given < total) {
		size_t best = 0;
		for (size_t i = 1; i < n; i++)
			if (rem[i] > rem[best])
				best = i;
		col[best]++;
		rem[best] = 0;
		given++;
	}
}

size_t timeline_spread(const timeline_t *t, uint64_t queries, uint64_t bytes_out,
		       uint64_t bytes_in, uint64_t *bucket_s, timeline_row_t rows[TL_N])
{
	*bucket_s = 0;
	if (!t->nq)
		return 0;
	size_t n = (size_t)(t->hi - t->lo + 1);
	uint64_t q[TL_N], o[TL_N], in[TL_N];
	spread(t->q, NULL, n, queries, q);
	spread(t->out, t->q, n, bytes_out, o);
	spread(t->in, t->q, n, bytes_in, in);
	*bucket_s = 1ull << t->level;
	for (size_t i = 0; i < n; i++)
		rows[i] = (timeline_row_t){(t->lo + i) << t->level, q[i], o[i], in[i]};
	return n;
}

bool timeline_rhythm(const timeline_t *t, uint64_t first_ns, uint64_t last_ns, uint64_t queries,
		     double *period_s, double *jitter)
{
	if (!t->nq || queries < TL_RHYTHM_MIN_Q || last_ns <= first_ns)
		return false;
	size_t n = (size_t)(t->hi - t->lo + 1);
	if (n < TL_RHYTHM_MIN_B)
		return false;
	/* the first and last buckets are partly outside the activity */
	double sum = 0, sq = 0;
	for (size_t i = 1; i + 1 < n; i++) {
		if (!t->q[i])
			return false;
		sum += t->q[i];
		sq += (double)t->q[i] * t->q[i];
	}
	double k = (double)(n - 2), mean = sum / k;
	double var = sq / k - mean * mean;
	double cv = var > 0 ? sqrt(var) / mean : 0;
	if (cv > TL_RHYTHM_MAX_CV)
		return false;
	*period_s = (double)(last_ns - first_ns) / 1e9 / (double)(queries - 1);
	*jitter = cv;
	return true;
}
