/*
 * pivots.c - see pivots.h.
 */
#include "pivots.h"

#include <stdlib.h>
#include <string.h>

static pivot_frames_t *entry(pivots_t *p, uint32_t input)
{
	if (p->nframes && p->first.input == input)
		return &p->first;
	/* the current input is nearly always the last entry */
	for (uint32_t i = p->nframes; i-- > 1;)
		if (p->more[i - 1].input == input)
			return &p->more[i - 1];
	pivot_frames_t *e;
	if (!p->nframes) {
		e = &p->first;
	} else {
		if (p->nframes - 1 == p->cmore) {
			uint32_t nc = p->cmore ? p->cmore * 2 : 1;
			pivot_frames_t *nm = realloc(p->more, nc * sizeof *nm);
			if (!nm)
				return NULL;
			p->more = nm;
			p->cmore = nc;
		}
		e = &p->more[p->nframes - 1];
	}
	p->nframes++;
	memset(e, 0, sizeof *e);
	e->input = input;
	return e;
}

int pivots_add(pivots_t *p, uint32_t input, const frame_span_t *span)
{
	if (!span || !span->n)
		return 0;
	pivot_frames_t *e = entry(p, input);
	if (!e)
		return -1;
	uint64_t n = span->n;
	if (e->count == 0) {
		e->first = span->first;
		e->last = span->last;
	} else {
		/* a frame shared with the message before (a TCP segment that
		 * ended it and starts this one) counts once */
		if (span->first == e->last || span->last == e->last)
			n--;
		if (span->first < e->first)
			e->first = span->first;
		if (span->last > e->last)
			e->last = span->last;
	}
	e->count += n;
	if (span->last != e->last_shown) {
		e->shown++;
		e->last_shown = span->last;
	}
	return 0;
}

int pivots_merge(pivots_t *dst, const pivots_t *src, uint32_t input_offset)
{
	for (uint32_t i = 0; i < src->nframes; i++) {
		const pivot_frames_t *s = pivots_at(src, i);
		pivot_frames_t *e = entry(dst, s->input + input_offset);
		if (!e)
			return -1;
		if (e->count == 0) {
			uint32_t in = e->input;
			*e = *s;
			e->input = in;
			continue;
		}
		/* two domains folded into one, of the same input */
		if (s->first < e->first)
			e->first = s->first;
		if (s->last > e->last)
			e->last = s->last;
		e->count += s->count;
		e->shown += s->shown;
		if (s->last_shown > e->last_shown)
			e->last_shown = s->last_shown;
	}
	return 0;
}

void pivots_clear(pivots_t *p)
{
	free(p->more);
	memset(p, 0, sizeof *p);
}
