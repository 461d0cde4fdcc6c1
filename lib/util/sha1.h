/*
 * sha1.h - SHA-1 (RFC 3174 / FIPS 180-4) and name-based UUIDs (RFC 4122
 * version 5), for the deterministic identifiers of the STIX bundle.  SHA-1
 * is used here only to derive identifiers, never for security.
 */
#ifndef DNSTS_SHA1_H
#define DNSTS_SHA1_H

#include <stddef.h>
#include <stdint.h>

#define SHA1_LEN 20

typedef struct sha1_ctx {
	uint32_t h[5];
	uint64_t len;        /* bytes hashed so far */
	uint8_t buf[64];
	size_t nbuf;
} sha1_ctx_t;

void sha1_init(sha1_ctx_t *c);
void sha1_update(sha1_ctx_t *c, const void *data, size_t len);
void sha1_final(sha1_ctx_t *c, uint8_t out[SHA1_LEN]);
void sha1(const void *data, size_t len, uint8_t out[SHA1_LEN]);

/* UUID version 5 of name in namespace ns, in lower-case text form
 * ("xxxxxxxx-xxxx-5xxx-yxxx-xxxxxxxxxxxx"); out needs 37 bytes. */
char *uuid5(const uint8_t ns[16], const void *name, size_t len, char out[37]);

#endif
