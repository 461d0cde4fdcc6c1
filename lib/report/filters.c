/*
 * filters.c - see filters.h.
 */
#include "filters.h"

#include <stdbool.h>
#include <string.h>

typedef struct out {
	char *p;
	size_t len, cap;
	bool full;
} out_t;

static void put(out_t *o, const char *s, size_t n)
{
	if (o->full || o->len + n + 1 > o->cap) {
		o->full = true;
		return;
	}
	memcpy(o->p + o->len, s, n);
	o->len += n;
	o->p[o->len] = 0;
}

static void puts_(out_t *o, const char *s)
{
	put(o, s, strlen(s));
}

static size_t finish(out_t *o)
{
	if (o->full) {
		if (o->cap)
			o->p[0] = 0;
		return 0;
	}
	return o->len;
}

static bool alnum(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

size_t filter_wireshark(const char *zone, char *out, size_t outlen)
{
	static const char hexd[] = "0123456789abcdef";
	out_t o = {out, 0, outlen, outlen == 0};
	if (outlen)
		out[0] = 0;
	/* "(^|\.)" as a filter string literal: the backslash doubled */
	puts_(&o, "dns.qry.name matches \"(^|\\\\.)");
	for (const unsigned char *z = (const unsigned char *)zone; *z; z++) {
		unsigned c = *z;
		bool raw_bsl = false; /* a byte Wireshark shows as \DDD */
		if (c == '\\' && z[1] >= '0' && z[1] <= '9' && z[2] >= '0' && z[2] <= '9' &&
		    z[3] >= '0' && z[3] <= '9') {
			/* the zone is in presentation form: \DDD is one byte, which
			 * Wireshark shows as itself when printable */
			unsigned v = (unsigned)(z[1] - '0') * 100 + (unsigned)(z[2] - '0') * 10 +
				     (unsigned)(z[3] - '0');
			if (v >= 0x20 && v < 0x7f) {
				c = v;
				z += 3;
			} else {
				raw_bsl = true;
			}
		} else if (c == '\\' && z[1]) {
			c = *++z; /* \c: the character c */
		}
		if (raw_bsl) {
			/* a literal backslash: escaped for the regex (\\), each
			 * backslash doubled for the filter's string literal */
			puts_(&o, "\\\\\\\\");
		} else if (alnum((unsigned char)c) || c == '-') {
			char ch = (char)c;
			put(&o, &ch, 1);
		} else if (c >= 0x20 && c < 0x7f) {
			/* a regex escape (\c), the backslash doubled for the
			 * literal; '"' and '\' escaped once more */
			char ch = (char)c;
			puts_(&o, "\\\\");
			if (c == '"' || c == '\\')
				puts_(&o, "\\");
			put(&o, &ch, 1);
		} else {
			char x[6] = {'\\', '\\', 'x', hexd[c >> 4], hexd[c & 15], 0};
			puts_(&o, x);
		}
	}
	puts_(&o, "(\\\\.|$)\"");
	return finish(&o);
}

size_t filter_bpf(const finding_t *f, char *out, size_t outlen)
{
	out_t o = {out, 0, outlen, outlen == 0};
	if (outlen)
		out[0] = 0;
	puts_(&o, "(port 53 or (ip[6:2] & 0x3fff != 0) or (ip6 and ip6[6] == 44))");
	if (f->nclients && f->nclients <= FILTER_BPF_HOSTS) {
		puts_(&o, " and (");
		for (size_t i = 0; i < f->nclients; i++) {
			char ip[64];
			ip_addr_str(&f->clients[i].ip, ip, sizeof ip);
			if (i)
				puts_(&o, " or ");
			puts_(&o, "host ");
			puts_(&o, ip);
		}
		puts_(&o, ")");
	}
	return finish(&o);
}
