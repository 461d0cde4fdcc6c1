/*
 * hll.h - HyperLogLog registers (Flajolet et al. 2007): 2^p one-octet
 * registers fed with 64-bit hashes.  The callers pick their own small-range
 * correction from the raw estimate and the count of empty registers.
 */
#ifndef DNSTS_HLL_H
#define DNSTS_HLL_H

#include <stdint.h>

/* Register of hash h: its top p bits pick it, the rest give the rank. */
static inline void hll_add(uint8_t *reg, unsigned p, uint64_t h)
{
	unsigned idx = (unsigned)(h >> (64 - p));
	uint64_t w = h << p | (1ull << (p - 1));
	uint8_t rank = (uint8_t)(__builtin_clzll(w) + 1);
	if (rank > reg[idx])
		reg[idx] = rank;
}

/* The raw estimate of 2^p registers; *zeros: the empty ones. */
static inline double hll_raw(const uint8_t *reg, unsigned p, unsigned *zeros)
{
	double sum = 0, m = (double)(1u << p);
	unsigned z = 0;
	for (uint32_t i = 0; i < (1u << p); i++) {
		/* 2^-rank, exactly, without ldexp() */
		union { uint64_t u; double f; } p2 = {(uint64_t)(1023 - reg[i]) << 52};
		sum += p2.f;
		z += reg[i] == 0;
	}
	*zeros = z;
	return 0.7213 / (1 + 1.079 / m) * m * m / sum;
}

#endif
