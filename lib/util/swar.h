/*
 * swar.h - eight octets at a time in a 64-bit word: a little-endian load
 * and per-octet ASCII class masks (the high bit of each octet in the
 * class), for label hashing and case folding on the hot path.
 */
#ifndef DNSTS_SWAR_H
#define DNSTS_SWAR_H

#include <stdint.h>
#include <string.h>

#define SWAR_1 0x0101010101010101ull
#define SWAR_HI (SWAR_1 * 0x80)

/* The 8 octets at p, the first in the low byte whatever the host order. */
static inline uint64_t swar_load8(const uint8_t *p)
{
	uint64_t w;
	memcpy(&w, p, sizeof(w));
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
	w = __builtin_bswap64(w);
#endif
	return w;
}

/* Store w at p, its low byte first: the inverse of swar_load8(). */
static inline void swar_store8(uint8_t *p, uint64_t w)
{
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
	w = __builtin_bswap64(w);
#endif
	memcpy(p, &w, sizeof(w));
}

/* The octets of w in lo..hi (both below 0x80): their high bits. */
static inline uint64_t swar_range(uint64_t w, uint8_t lo, uint8_t hi)
{
	uint64_t x = w & (SWAR_1 * 0x7f);
	return (x + SWAR_1 * (uint8_t)(0x80 - lo)) & ~(x + SWAR_1 * (uint8_t)(0x7f - hi)) & ~w &
	       SWAR_HI;
}

/* The octets flagged in m (a mask of high bits, as swar_range() gives):
 * one multiply, where a population count without the POPCNT instruction
 * is a library call. */
static inline unsigned swar_count(uint64_t m)
{
	return (unsigned)(((m >> 7) * SWAR_1) >> 56);
}

/* w with A-Z in lower case. */
static inline uint64_t swar_fold(uint64_t w)
{
	return w | swar_range(w, 'A', 'Z') >> 2;
}

#endif
