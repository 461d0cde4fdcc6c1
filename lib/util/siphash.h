/*
 * siphash.h - SipHash-2-4 (Aumasson and Bernstein, 2012), a keyed 64-bit
 * hash for hash tables fed by untrusted input.  With a random key per table
 * an attacker who crafts packets cannot predict bucket indexes, so chains
 * stay short on average whatever the traffic.
 */
#ifndef DNSTS_SIPHASH_H
#define DNSTS_SIPHASH_H

#include <stddef.h>
#include <stdint.h>

/* SipHash-2-4 of len bytes under a 128-bit key (as in the reference code:
 * the key and the message are read little-endian). */
uint64_t siphash(const uint8_t key[16], const void *data, size_t len);

/* Fill key with 16 random bytes: getrandom(), else /dev/urandom, else a
 * mix of the clock, the pid and the key's address (never fails). */
void siphash_random_key(uint8_t key[16]);

#endif
