/*
 * mix.h - the multiplicative hashing constants and mixers used across the
 * library (MurmurHash3's finaliser and its constants, the 64-bit golden
 * ratio), so that each hash is written in terms of one set of names.
 *
 * These are not keyed: where an attacker chooses the input and the hash
 * places it in a table, the caller seeds it with a random key (siphash.h).
 */
#ifndef DNSTS_MIX_H
#define DNSTS_MIX_H

#include <stdint.h>

#define MIX_GOLDEN 0x9e3779b97f4a7c15ull /* 2^64 / phi */
#define MIX_M1 0xff51afd7ed558ccdull     /* MurmurHash3 fmix64 constants */
#define MIX_M2 0xc4ceb9fe1a85ec53ull
#define MIX_S1 0xbf58476d1ce4e5b9ull     /* SplitMix64 constant */
#define MIX_GOLDEN32 0x9e3779b1u          /* 2^32 / phi (Knuth's multiplier) */
#define MIX_FNV_OFFSET 0xcbf29ce484222325ull /* FNV-1a 64: offset basis */
#define MIX_FNV_PRIME 0x100000001b3ull   /* FNV-1a 64: prime */

/* MurmurHash3's 64-bit finaliser: every input bit affects every output
 * bit. */
static inline uint64_t mix_fmix64(uint64_t x)
{
	x ^= x >> 33;
	x *= MIX_M1;
	x ^= x >> 33;
	x *= MIX_M2;
	x ^= x >> 33;
	return x;
}

/* One word into a running hash: multiply it in, then fold the high bits
 * down by an xorshift (the step of the word-at-a-time hashes). */
static inline uint64_t mix_step(uint64_t h, uint64_t w, uint64_t mul, unsigned shift)
{
	h = (h ^ w) * mul;
	return h ^ (h >> shift);
}

#endif
