/*
 * fmt.h - text of numbers, addresses and octets without printf, for the hot
 * output paths (the DNS log, RDATA in presentation form) and the report.
 *
 * Every writer stores at p, which the caller has sized (the _MAX lengths
 * below are the longest texts), and returns the end of what it wrote;
 * nothing is NUL-terminated.  Locale-free, allocation-free.
 */
#ifndef DNSTS_FMT_H
#define DNSTS_FMT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#define FMT_U32_MAX 10  /* "4294967295" */
#define FMT_U64_MAX 20  /* "18446744073709551615" */
#define FMT_IP4_MAX 15  /* "255.255.255.255" */
#define FMT_IP6_MAX 45  /* "ffff:ffff:ffff:ffff:ffff:ffff:255.255.255.255" */
#define FMT_DDD_LEN 4   /* "\DDD" */

/* "00" .. "99": the two digits of v at fmt_digits2 + 2 * v. */
extern const char fmt_digits2[201];
/* An octet's two hex digits at fmt_hex2[upper] + 2 * octet. */
extern const char fmt_hex2[2][513];
/* An IPv4 octet in decimal: its 1 to 3 digits, then (at [3]) how many. */
extern const char fmt_oct[256][4];

/* Unsigned decimal. */
static inline char *fmt_u32(char *p, uint32_t v)
{
	unsigned n = v < 10 ? 1 : v < 100 ? 2 : v < 1000 ? 3 : v < 10000 ? 4 : v < 100000 ? 5
		   : v < 1000000 ? 6 : v < 10000000 ? 7 : v < 100000000 ? 8 : v < 1000000000 ? 9 : 10;
	char *e = p + n;
	while (v >= 100) {
		unsigned r = v % 100;
		v /= 100;
		e -= 2;
		memcpy(e, fmt_digits2 + 2 * r, 2);
	}
	if (v >= 10)
		memcpy(e - 2, fmt_digits2 + 2 * v, 2);
	else
		e[-1] = (char)('0' + v);
	return p + n;
}

char *fmt_u64(char *p, uint64_t v);

/* n octets as 2n hex digits, lower or upper case. */
static inline char *fmt_hex(char *p, const uint8_t *s, size_t n, bool upper)
{
	const char *t = fmt_hex2[upper];
	for (size_t i = 0; i < n; i++, p += 2)
		memcpy(p, t + 2 * s[i], 2);
	return p;
}

/* Dotted quad.  The octets are stored four bytes at a time: p must have
 * room for FMT_IP4_MAX + 1 bytes (the one past the text is overwritten). */
static inline char *fmt_ip4(char *p, const uint8_t a[4])
{
	for (int i = 0; i < 4; i++) {
		const char *o = fmt_oct[a[i]];
		memcpy(p, o, 4);
		p += o[3];
		*p = '.';
		p += i < 3;
	}
	return p;
}

/* IPv6 text forms; both are RFC 5952 (lower-case hex, no leading zeros,
 * the first longest run of two or more zero groups as "::", ::ffff:0:0/96
 * with a dotted quad).  FMT_IP6_INET_NTOP also writes ::/96 with a dotted
 * quad (::192.0.2.1, but :: and ::1 as such), as glibc's inet_ntop does. */
enum fmt_ip6_form { FMT_IP6_RFC5952 = 0, FMT_IP6_INET_NTOP = 1 };

/* p must have room for FMT_IP6_MAX + 1 bytes. */
char *fmt_ip6(char *p, const uint8_t a[16], enum fmt_ip6_form form);

/* c as a DNS presentation escape, backslash and three decimal digits. */
static inline char *fmt_ddd(char *p, uint8_t c)
{
	p[0] = '\\';
	p[1] = (char)('0' + c / 100);
	memcpy(p + 2, fmt_digits2 + 2 * (c % 100), 2);
	return p + FMT_DDD_LEN;
}

#endif
