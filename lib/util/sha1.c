/* sha1.c - SHA-1 and UUIDv5; see sha1.h. */
#include "sha1.h"

#include <stdio.h>
#include <string.h>

static uint32_t rol(uint32_t x, unsigned n)
{
	return (x << n) | (x >> (32 - n));
}

static void block(sha1_ctx_t *c, const uint8_t *p)
{
	uint32_t w[80];
	for (int i = 0; i < 16; i++)
		w[i] = (uint32_t)p[4 * i] << 24 | (uint32_t)p[4 * i + 1] << 16 |
		       (uint32_t)p[4 * i + 2] << 8 | p[4 * i + 3];
	for (int i = 16; i < 80; i++)
		w[i] = rol(w[i - 3] ^ w[i - 8] ^ w[i - 14] ^ w[i - 16], 1);
	uint32_t a = c->h[0], b = c->h[1], d = c->h[3], e = c->h[4], cc = c->h[2];
	for (int i = 0; i < 80; i++) {
		uint32_t f, k;
		if (i < 20) {
			f = (b & cc) | (~b & d);
			k = 0x5a827999;
		} else if (i < 40) {
			f = b ^ cc ^ d;
			k = 0x6ed9eba1;
		} else if (i < 60) {
			f = (b & cc) | (b & d) | (cc & d);
			k = 0x8f1bbcdc;
		} else {
			f = b ^ cc ^ d;
			k = 0xca62c1d6;
		}
		uint32_t t = rol(a, 5) + f + e + k + w[i];
		e = d;
		d = cc;
		cc = rol(b, 30);
		b = a;
		a = t;
	}
	c->h[0] += a;
	c->h[1] += b;
	c->h[2] += cc;
	c->h[3] += d;
	c->h[4] += e;
}

void sha1_init(sha1_ctx_t *c)
{
	static const uint32_t h0[5] = {0x67452301, 0xefcdab89, 0x98badcfe, 0x10325476,
				       0xc3d2e1f0};
	memcpy(c->h, h0, sizeof h0);
	c->len = 0;
	c->nbuf = 0;
}

void sha1_update(sha1_ctx_t *c, const void *data, size_t len)
{
	const uint8_t *p = data;
	c->len += len;
	while (len) {
		if (c->nbuf == 0 && len >= 64) {
			block(c, p);
			p += 64;
			len -= 64;
			continue;
		}
		size_t n = 64 - c->nbuf < len ? 64 - c->nbuf : len;
		memcpy(c->buf + c->nbuf, p, n);
		c->nbuf += n;
		p += n;
		len -= n;
		if (c->nbuf == 64) {
			block(c, c->buf);
			c->nbuf = 0;
		}
	}
}

void sha1_final(sha1_ctx_t *c, uint8_t out[SHA1_LEN])
{
	uint64_t bits = c->len * 8;
	uint8_t pad[72] = {0x80};
	size_t npad = c->nbuf < 56 ? 56 - c->nbuf : 120 - c->nbuf;
	for (int i = 0; i < 8; i++)
		pad[npad + (size_t)i] = (uint8_t)(bits >> (56 - 8 * i));
	sha1_update(c, pad, npad + 8);
	for (int i = 0; i < 5; i++) {
		out[4 * i] = (uint8_t)(c->h[i] >> 24);
		out[4 * i + 1] = (uint8_t)(c->h[i] >> 16);
		out[4 * i + 2] = (uint8_t)(c->h[i] >> 8);
		out[4 * i + 3] = (uint8_t)c->h[i];
	}
}

void sha1(const void *data, size_t len, uint8_t out[SHA1_LEN])
{
	sha1_ctx_t c;
	sha1_init(&c);
	sha1_update(&c, data, len);
	sha1_final(&c, out);
}

char *uuid5(const uint8_t ns[16], const void *name, size_t len, char out[37])
{
	uint8_t h[SHA1_LEN];
	sha1_ctx_t c;
	sha1_init(&c);
	sha1_update(&c, ns, 16);
	sha1_update(&c, name, len);
	sha1_final(&c, h);
	h[6] = (uint8_t)((h[6] & 0x0f) | 0x50);
	h[8] = (uint8_t)((h[8] & 0x3f) | 0x80);
	static const char hx[] = "0123456789abcdef";
	size_t o = 0;
	for (int i = 0; i < 16; i++) {
		if (i == 4 || i == 6 || i == 8 || i == 10)
			out[o++] = '-';
		out[o++] = hx[h[i] >> 4];
		out[o++] = hx[h[i] & 15];
	}
	out[o] = '\0';
	return out;
}
