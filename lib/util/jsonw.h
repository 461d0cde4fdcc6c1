/*
 * jsonw.h - a small append-only JSON text builder for the hot paths (the DNS
 * log writes one object per message; going through a DOM there would cost
 * more than decoding the packet).  The report, which is written once, uses
 * jansson instead.  Strings are escaped per RFC 8259; bytes >= 0x80 are
 * written as \u00XX so that the output is ASCII whatever the input holds.
 */
#ifndef DNSTS_JSONW_H
#define DNSTS_JSONW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

typedef struct jsonw {
	char *buf;
	size_t len, cap;
	bool need_comma;   /* a value was written at the current level */
	bool oom;          /* an allocation failed; the text is incomplete */
} jsonw_t;

void jsonw_init(jsonw_t *w);
void jsonw_free(jsonw_t *w);
void jsonw_reset(jsonw_t *w);

void jsonw_obj_open(jsonw_t *w);
void jsonw_obj_close(jsonw_t *w);
void jsonw_arr_open(jsonw_t *w);
void jsonw_arr_close(jsonw_t *w);
void jsonw_key(jsonw_t *w, const char *key);       /* key must not need escaping */
void jsonw_str(jsonw_t *w, const char *s);
void jsonw_strn(jsonw_t *w, const char *s, size_t n);
void jsonw_u64(jsonw_t *w, uint64_t v);
void jsonw_i64(jsonw_t *w, int64_t v);
void jsonw_bool(jsonw_t *w, bool v);
void jsonw_null(jsonw_t *w);
void jsonw_raw(jsonw_t *w, const char *s, size_t n); /* as a value */
void jsonw_newline(jsonw_t *w);                      /* ends a line; resets comma state */

/* Room for n more bytes at buf + len: the pointer to write them at, or
 * NULL when the buffer cannot grow (oom is then set).  The caller writes at
 * most n bytes there and advances len itself (jsonw_commit); the comma state
 * is the caller's business then. */
char *jsonw_grow(jsonw_t *w, size_t n);
static inline char *jsonw_reserve(jsonw_t *w, size_t n)
{
	if (w->cap - w->len >= n)
		return w->buf + w->len;
	return jsonw_grow(w, n);
}
/* End of raw text written at the pointer jsonw_reserve returned. */
static inline void jsonw_commit(jsonw_t *w, const char *end)
{
	w->len = (size_t)(end - w->buf);
}

/* Write the buffer to fp and empty it; -1 on a write error. */
int jsonw_flush(jsonw_t *w, FILE *fp);

/* RFC 3339 UTC with microseconds: "2026-03-01T12:00:00.123456Z"; buf >= 32. */
char *ts_rfc3339(uint64_t ts_ns, char *buf, size_t buflen);

#endif
