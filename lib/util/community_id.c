/*
 * community_id.c - see community_id.h.
 */
#include "community_id.h"

#include <string.h>

#include "sha1.h"

size_t community_id_v1(uint16_t seed, const uint8_t *saddr, const uint8_t *daddr, size_t alen,
		       uint8_t proto, uint16_t sport, uint16_t dport, char out[COMMUNITY_ID_LEN])
{
	static const char b64[] =
		"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	int c = memcmp(saddr, daddr, alen);
	if (c > 0 || (c == 0 && sport > dport)) {
		const uint8_t *t = saddr;
		saddr = daddr;
		daddr = t;
		uint16_t tp = sport;
		sport = dport;
		dport = tp;
	}
	uint8_t buf[2 + 16 + 16 + 2 + 4];
	size_t n = 0;
	buf[n++] = (uint8_t)(seed >> 8);
	buf[n++] = (uint8_t)seed;
	memcpy(buf + n, saddr, alen);
	n += alen;
	memcpy(buf + n, daddr, alen);
	n += alen;
	buf[n++] = proto;
	buf[n++] = 0;
	buf[n++] = (uint8_t)(sport >> 8);
	buf[n++] = (uint8_t)sport;
	buf[n++] = (uint8_t)(dport >> 8);
	buf[n++] = (uint8_t)dport;
	uint8_t h[SHA1_LEN];
	sha1(buf, n, h);
	size_t o = 0;
	out[o++] = '1';
	out[o++] = ':';
	for (size_t i = 0; i < SHA1_LEN; i += 3) {
		uint32_t v = (uint32_t)h[i] << 16;
		if (i + 1 < SHA1_LEN)
			v |= (uint32_t)h[i + 1] << 8;
		if (i + 2 < SHA1_LEN)
			v |= h[i + 2];
		out[o++] = b64[(v >> 18) & 63];
		out[o++] = b64[(v >> 12) & 63];
		out[o++] = i + 1 < SHA1_LEN ? b64[(v >> 6) & 63] : '=';
		out[o++] = i + 2 < SHA1_LEN ? b64[v & 63] : '=';
	}
	out[o] = 0;
	return o;
}
