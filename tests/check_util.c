#include "check_util.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

uint8_t *tu_read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	size_t cap = 4096, n = 0;
	uint8_t *buf = malloc(cap);
	size_t got;
	while (buf && (got = fread(buf + n, 1, cap - n, f)) > 0) {
		n += got;
		if (n == cap) {
			uint8_t *nb = realloc(buf, cap * 2);
			if (!nb) {
				free(buf);
				buf = NULL;
				break;
			}
			buf = nb;
			cap *= 2;
		}
	}
	fclose(f);
	if (buf)
		*len = n;
	return buf;
}

uint8_t *tu_hex(const char *text, size_t *len)
{
	size_t cap = strlen(text) / 2 + 1, n = 0;
	uint8_t *out = malloc(cap);
	int hi = -1;
	if (!out)
		return NULL;
	for (const char *p = text; *p; p++) {
		if (*p == ';' || *p == '#') {
			while (*p && *p != '\n')
				p++;
			if (!*p)
				break;
			continue;
		}
		if (!isxdigit((unsigned char)*p))
			continue;
		int v = isdigit((unsigned char)*p) ? *p - '0' : (tolower((unsigned char)*p) - 'a' + 10);
		if (hi < 0) {
			hi = v;
		} else {
			out[n++] = (uint8_t)(hi << 4 | v);
			hi = -1;
		}
	}
	*len = n;
	return out;
}

uint8_t *tu_read_hex_file(const char *path, size_t *len)
{
	size_t n;
	uint8_t *text = tu_read_file(path, &n);
	if (!text)
		return NULL;
	char *s = malloc(n + 1);
	if (!s) {
		free(text);
		return NULL;
	}
	memcpy(s, text, n);
	s[n] = 0;
	free(text);
	uint8_t *out = tu_hex(s, len);
	free(s);
	return out;
}

const char *tu_testdata(const char *rel)
{
	static char buf[4096];
	snprintf(buf, sizeof buf, "%s/%s", DNSTS_TESTDATA, rel);
	return buf;
}

const char *tu_corpus(const char *rel)
{
	static char buf[4096];
	struct stat st;
	snprintf(buf, sizeof buf, "%s/%s", DNSTS_CORPUS, rel);
	if (stat(buf, &st) != 0)
		return NULL;
	return buf;
}

int tu_run_suite(Suite *s)
{
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}
