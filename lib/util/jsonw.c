/* jsonw.c - append-only JSON text builder; see jsonw.h. */
#include "jsonw.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

void jsonw_init(jsonw_t *w)
{
	memset(w, 0, sizeof *w);
}

void jsonw_free(jsonw_t *w)
{
	free(w->buf);
	memset(w, 0, sizeof *w);
}

void jsonw_reset(jsonw_t *w)
{
	w->len = 0;
	w->need_comma = false;
}

static bool grow(jsonw_t *w, size_t n)
{
	if (w->oom)
		return false;
	if (w->cap - w->len >= n)
		return true;
	size_t cap = w->cap ? w->cap : 4096;
	while (cap - w->len < n) {
		if (cap > SIZE_MAX / 2) {
			w->oom = true;
			return false;
		}
		cap *= 2;
	}
	char *nb = realloc(w->buf, cap);
	if (!nb) {
		w->oom = true;
		return false;
	}
	w->buf = nb;
	w->cap = cap;
	return true;
}

char *jsonw_grow(jsonw_t *w, size_t n)
{
	return grow(w, n) ? w->buf + w->len : NULL;
}

static inline void put(jsonw_t *w, const char *s, size_t n)
{
	if (!grow(w, n))
		return;
	memcpy(w->buf + w->len, s, n);
	w->len += n;
}

static inline void putc_(jsonw_t *w, char c)
{
	if (!grow(w, 1))
		return;
	w->buf[w->len++] = c;
}

static inline void sep(jsonw_t *w)
{
	if (w->need_comma)
		putc_(w, ',');
	w->need_comma = true;
}

void jsonw_obj_open(jsonw_t *w)
{
	sep(w);
	putc_(w, '{');
	w->need_comma = false;
}

void jsonw_obj_close(jsonw_t *w)
{
	putc_(w, '}');
	w->need_comma = true;
}

void jsonw_arr_open(jsonw_t *w)
{
	sep(w);
	putc_(w, '[');
	w->need_comma = false;
}

void jsonw_arr_close(jsonw_t *w)
{
	putc_(w, ']');
	w->need_comma = true;
}

void jsonw_key(jsonw_t *w, const char *key)
{
	sep(w);
	putc_(w, '"');
	put(w, key, strlen(key));
	put(w, "\":", 2);
	w->need_comma = false;
}

void jsonw_strn(jsonw_t *w, const char *s, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	sep(w);
	if (!grow(w, n * 6 + 2))
		return;
	char *o = w->buf + w->len;
	*o++ = '"';
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c >= 0x20 && c < 0x80 && c != '"' && c != '\\') {
			*o++ = (char)c;
			continue;
		}
		*o++ = '\\';
		switch (c) {
		case '"': *o++ = '"'; break;
		case '\\': *o++ = '\\'; break;
		case '\n': *o++ = 'n'; break;
		case '\r': *o++ = 'r'; break;
		case '\t': *o++ = 't'; break;
		default:
			*o++ = 'u';
			*o++ = '0';
			*o++ = '0';
			*o++ = hex[c >> 4];
			*o++ = hex[c & 15];
		}
	}
	*o++ = '"';
	w->len = (size_t)(o - w->buf);
}

void jsonw_str(jsonw_t *w, const char *s)
{
	jsonw_strn(w, s, strlen(s));
}

void jsonw_u64(jsonw_t *w, uint64_t v)
{
	char tmp[24];
	int i = (int)sizeof tmp;
	do {
		tmp[--i] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	sep(w);
	put(w, tmp + i, sizeof tmp - (size_t)i);
}

void jsonw_i64(jsonw_t *w, int64_t v)
{
	if (v < 0) {
		sep(w);
		putc_(w, '-');
		w->need_comma = false;
		jsonw_u64(w, (uint64_t)0 - (uint64_t)v);
	} else {
		jsonw_u64(w, (uint64_t)v);
	}
}

void jsonw_bool(jsonw_t *w, bool v)
{
	sep(w);
	if (v)
		put(w, "true", 4);
	else
		put(w, "false", 5);
}

void jsonw_null(jsonw_t *w)
{
	sep(w);
	put(w, "null", 4);
}

void jsonw_raw(jsonw_t *w, const char *s, size_t n)
{
	sep(w);
	put(w, s, n);
}

void jsonw_newline(jsonw_t *w)
{
	putc_(w, '\n');
	w->need_comma = false;
}

int jsonw_flush(jsonw_t *w, FILE *fp)
{
	int rc = 0;
	if (w->len && fwrite(w->buf, 1, w->len, fp) != w->len)
		rc = -1;
	w->len = 0;
	w->need_comma = false;
	return rc;
}

char *ts_rfc3339(uint64_t ts_ns, char *buf, size_t buflen)
{
	time_t sec = (time_t)(ts_ns / 1000000000u);
	unsigned usec = (unsigned)(ts_ns % 1000000000u / 1000u);
	struct tm tm;
	if (!gmtime_r(&sec, &tm)) {
		snprintf(buf, buflen, "1970-01-01T00:00:00.000000Z");
		return buf;
	}
	snprintf(buf, buflen, "%04d-%02d-%02dT%02d:%02d:%02d.%06uZ", tm.tm_year + 1900,
		 tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, usec);
	return buf;
}
