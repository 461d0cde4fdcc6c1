/*
 * ascii.h - byte-at-a-time ASCII helpers, locale-free (DNS names are octets,
 * not text of the user's locale): case folding, hex digits, and the
 * case-insensitive comparison of a label with a lower-case string.
 */
#ifndef DNSTS_ASCII_H
#define DNSTS_ASCII_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

/* c with A-Z folded to a-z; every other value unchanged. */
static inline int ascii_lower(int c)
{
	return c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c;
}

static inline bool ascii_is_hex(int c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

/* Value of a hex digit (either case), -1 for anything else. */
static inline int ascii_hex_val(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Do the len octets at p equal the lower-case string s, ignoring the case
 * of p? */
static inline bool ascii_label_eq(const uint8_t *p, size_t len, const char *s)
{
	if (strlen(s) != len)
		return false;
	for (size_t i = 0; i < len; i++)
		if (ascii_lower(p[i]) != (uint8_t)s[i])
			return false;
	return true;
}

/*
 * Does the label read as a host name label: letters, digits and inner
 * hyphens only, letters of one case (at least one letter), at most
 * max_digits digits, and not made of hex digits alone when it is
 * hex_min octets or longer?  Labels longer than max_len do not.
 */
static inline bool ascii_label_hostlike(const uint8_t *p, size_t len, size_t max_len,
					unsigned max_digits, size_t hex_min)
{
	if (len == 0 || len > max_len || p[0] == '-' || p[len - 1] == '-')
		return false;
	unsigned digits = 0;
	size_t hex = 0;
	bool lo = false, up = false;
	for (size_t i = 0; i < len; i++) {
		uint8_t c = p[i];
		if (c >= '0' && c <= '9')
			digits++;
		else if (c >= 'a' && c <= 'z')
			lo = true;
		else if (c >= 'A' && c <= 'Z')
			up = true;
		else if (c != '-')
			return false;
		hex += ascii_is_hex(c);
	}
	if ((lo && up) || (!lo && !up) || digits > max_digits)
		return false;
	return !(len >= hex_min && hex == len);
}

#endif
