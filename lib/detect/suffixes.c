/*
 * suffixes.c - evidence that trailing labels are a search suffix: see
 * suffixes.h.
 */
#include "suffixes.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mix.h"

void suffixes_init(suffixes_t *s)
{
	memset(s, 0, sizeof(*s));
}

void suffixes_clear(suffixes_t *s)
{
	free(s->e);
	suffixes_init(s);
}

uint64_t suffixes_hash(const char *text, size_t len)
{
	uint64_t h = MIX_FNV_OFFSET;
	for (size_t i = 0; i < len; i++)
		h = (h ^ (uint8_t)text[i]) * MIX_FNV_PRIME;
	h = mix_fmix64(h ^ len);
	return h ? h : 1;
}

/* Registered-domain hash r into e's smallest SFX_REGS. */
static void reg_add(sfx_ent_t *e, uint64_t r)
{
	unsigned i = 0;
	while (i < e->nreg && e->reg[i] < r)
		i++;
	if (i < e->nreg && e->reg[i] == r)
		return;
	if (i == SFX_REGS)
		return;
	unsigned n = e->nreg < SFX_REGS ? e->nreg : SFX_REGS - 1;
	memmove(&e->reg[i + 1], &e->reg[i], (n - i) * sizeof(e->reg[0]));
	e->reg[i] = r;
	if (e->nreg < SFX_REGS)
		e->nreg++;
}

/* The entry of hash h, created in order when it is among the SFX_MAX
 * smallest; NULL when it is not kept (or no memory: *nomem). */
static sfx_ent_t *entry(suffixes_t *s, uint64_t h, const char *text, bool *nomem)
{
	*nomem = false;
	uint32_t i = 0;
	while (i < s->n && s->e[i].h < h)
		i++;
	if (i < s->n && s->e[i].h == h)
		return &s->e[i];
	if (i == SFX_MAX) {
		s->dropped = true;
		return NULL;
	}
	if (!s->e && !(s->e = calloc(SFX_MAX, sizeof(*s->e)))) {
		*nomem = true;
		return NULL;
	}
	if (s->n == SFX_MAX)
		s->dropped = true; /* the largest falls off */
	uint32_t n = s->n < SFX_MAX ? s->n : SFX_MAX - 1;
	memmove(&s->e[i + 1], &s->e[i], (n - i) * sizeof(s->e[0]));
	memset(&s->e[i], 0, sizeof(s->e[i]));
	s->e[i].h = h;
	snprintf(s->e[i].text, sizeof(s->e[i].text), "%s", text);
	if (s->n < SFX_MAX)
		s->n++;
	return &s->e[i];
}

int suffixes_note(suffixes_t *s, uint64_t h, const char *text, uint64_t reg)
{
	bool nomem;
	sfx_ent_t *e = entry(s, h, text, &nomem);
	if (e)
		reg_add(e, reg);
	return nomem ? -1 : 0;
}

int suffixes_merge(suffixes_t *dst, const suffixes_t *src)
{
	dst->dropped |= src->dropped;
	for (uint32_t i = 0; i < src->n; i++) {
		bool nomem;
		sfx_ent_t *e = entry(dst, src->e[i].h, src->e[i].text, &nomem);
		if (nomem)
			return -1;
		if (!e)
			continue;
		for (unsigned k = 0; k < src->e[i].nreg; k++)
			reg_add(e, src->e[i].reg[k]);
	}
	return 0;
}

bool sfx_is_private(const sfx_ent_t *e)
{
	static const char *const names[] = {
		"local", "home.arpa", "localhost", "invalid", "test", "internal", "corp",
		"home", "mail", "lan", "localdomain", "intranet", "private",
	};
	if (!e)
		return false;
	size_t tl = strlen(e->text);
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		size_t nl = strlen(names[i]);
		if (tl >= nl && !strcmp(e->text + tl - nl, names[i]) &&
		    (tl == nl || e->text[tl - nl - 1] == '.'))
			return true;
	}
	return false;
}

const sfx_ent_t *suffixes_find(const suffixes_t *s, uint64_t h)
{
	for (uint32_t i = 0; i < s->n; i++)
		if (s->e[i].h == h)
			return &s->e[i];
	return NULL;
}
