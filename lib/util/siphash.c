/*
 * siphash.c - SipHash-2-4, written from the paper "SipHash: a fast
 * short-input PRF" (Aumasson, Bernstein, 2012).  Tested against the
 * reference vectors (key 00..0f, messages 00..i-1) in tests/test_siphash.c.
 */
#include "siphash.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

#define ROTL(x, b) (uint64_t)(((x) << (b)) | ((x) >> (64 - (b))))

#define SIPROUND                                                        \
	do {                                                            \
		v0 += v1; v1 = ROTL(v1, 13); v1 ^= v0; v0 = ROTL(v0, 32); \
		v2 += v3; v3 = ROTL(v3, 16); v3 ^= v2;                  \
		v0 += v3; v3 = ROTL(v3, 21); v3 ^= v0;                  \
		v2 += v1; v1 = ROTL(v1, 17); v1 ^= v2; v2 = ROTL(v2, 32); \
	} while (0)

static uint64_t load_le64(const uint8_t *p)
{
	return (uint64_t)p[0] | (uint64_t)p[1] << 8 | (uint64_t)p[2] << 16 |
	       (uint64_t)p[3] << 24 | (uint64_t)p[4] << 32 | (uint64_t)p[5] << 40 |
	       (uint64_t)p[6] << 48 | (uint64_t)p[7] << 56;
}

uint64_t siphash(const uint8_t key[16], const void *data, size_t len)
{
	const uint8_t *in = data;
	uint64_t k0 = load_le64(key), k1 = load_le64(key + 8);
	uint64_t v0 = 0x736f6d6570736575ULL ^ k0;
	uint64_t v1 = 0x646f72616e646f6dULL ^ k1;
	uint64_t v2 = 0x6c7967656e657261ULL ^ k0;
	uint64_t v3 = 0x7465646279746573ULL ^ k1;
	size_t blocks = len / 8;

	for (size_t i = 0; i < blocks; i++, in += 8) {
		uint64_t m = load_le64(in);
		v3 ^= m;
		SIPROUND;
		SIPROUND;
		v0 ^= m;
	}

	/* last block: the remaining 0..7 bytes, and len mod 256 on top */
	uint64_t b = (uint64_t)len << 56;
	switch (len & 7) {
	case 7: b |= (uint64_t)in[6] << 48; /* fall through */
	case 6: b |= (uint64_t)in[5] << 40; /* fall through */
	case 5: b |= (uint64_t)in[4] << 32; /* fall through */
	case 4: b |= (uint64_t)in[3] << 24; /* fall through */
	case 3: b |= (uint64_t)in[2] << 16; /* fall through */
	case 2: b |= (uint64_t)in[1] << 8;  /* fall through */
	case 1: b |= (uint64_t)in[0];       /* fall through */
	default: break;
	}
	v3 ^= b;
	SIPROUND;
	SIPROUND;
	v0 ^= b;

	v2 ^= 0xff;
	SIPROUND;
	SIPROUND;
	SIPROUND;
	SIPROUND;
	return v0 ^ v1 ^ v2 ^ v3;
}

static int read_urandom(uint8_t *buf, size_t len)
{
	int fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	size_t got = 0;
	while (got < len) {
		ssize_t n = read(fd, buf + got, len - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		got += (size_t)n;
	}
	close(fd);
	return got == len ? 0 : -1;
}

void siphash_random_key(uint8_t key[16])
{
	size_t got = 0;
	while (got < 16) {
		ssize_t n = getrandom(key + got, 16 - got, GRND_NONBLOCK);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		got += (size_t)n;
	}
	if (got == 16 || read_urandom(key, 16) == 0)
		return;

	/* Last resort: not secret, but differs per process and per call. */
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	uint64_t a = (uint64_t)ts.tv_sec ^ ((uint64_t)getpid() << 32);
	uint64_t b = (uint64_t)ts.tv_nsec ^ (uint64_t)(uintptr_t)key;
	uint8_t seed[16];
	for (int i = 0; i < 8; i++) {
		seed[i] = (uint8_t)(a >> (8 * i));
		seed[8 + i] = (uint8_t)(b >> (8 * i));
	}
	uint64_t h0 = siphash(seed, &a, sizeof(a));
	uint64_t h1 = siphash(seed, &b, sizeof(b));
	for (int i = 0; i < 8; i++) {
		key[i] = (uint8_t)(h0 >> (8 * i));
		key[8 + i] = (uint8_t)(h1 >> (8 * i));
	}
}
