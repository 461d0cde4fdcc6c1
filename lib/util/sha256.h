/*
 * sha256.h - SHA-256 (FIPS 180-4), for the inputs[].sha256 of the report
 * (the digest sha256sum prints, computed while the bytes are read) and the
 * digests of carved files (--carve manifests).  On x86-64
 * processors with the SHA extensions the compression function uses them
 * (chosen once at run time); elsewhere a portable C version.
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
} sha256_ctx_t;

void sha256_init(sha256_ctx_t *c);
void sha256_update(sha256_ctx_t *c, const void *data, size_t len);
void sha256_final(sha256_ctx_t *c, uint8_t out[SHA256_LEN]);
void sha256(const void *data, size_t len, uint8_t out[SHA256_LEN]);
/* out: 65 bytes, lower-case hex and a NUL. */
char *sha256_hex(const uint8_t d[SHA256_LEN], char out[65]);

/* The portable compression function alone (tests compare the two). */
void sha256_blocks_portable(uint32_t h[8], const uint8_t *p, size_t nblocks);
/* Is the processor's SHA-256 instruction path in use? */
int sha256_accelerated(void);

#endif
