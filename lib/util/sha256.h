/*
 * sha256.h - SHA-256 (FIPS 180-4), for the digests of carved files
 * (--carve manifests).
 */
#ifndef DNSTS_SHA256_H
#define DNSTS_SHA256_H

#include <stddef.h>
#include <stdint.h>

#define SHA256_LEN 32

typedef struct sha256_ctx {
	uint32_t h[8];
	uint64_t len;        /* bytes hashed so far */
	uint8_t buf[64];
	size_t nbuf;
} sha256_ctx;

void sha256_init(sha256_ctx *c);
void sha256_update(sha256_ctx *c, const void *data, size_t len);
void sha256_final(sha256_ctx *c, uint8_t out[SHA256_LEN]);
void sha256(const void *p, size_t n, uint8_t out[SHA256_LEN]);

/* out: 65 bytes, lower-case hex and a NUL. */
char *sha256_hex(const uint8_t d[SHA256_LEN], char out[65]);

#endif
