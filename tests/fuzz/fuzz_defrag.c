/*
 * fuzz_defrag.c - libFuzzer target for IP fragment reassembly.
 *
 * The input is a list of fragments, each a 7-byte control record followed
 * by its data: id and version (1 byte: 4 ids, v4 or v6), policy (bit 7 of
 * the first byte, per run), offset (2 bytes, in 8-byte units as on the
 * wire, plus the low bits of byte 3 for odd offsets), more-fragments flag
 * and time step (1), data length (2).  Tight caps make the limits trigger.
 * Checks: a reassembled datagram is at most 65535 bytes and readable, the
 * byte budget always holds.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "defrag.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	defrag_limits_t lim = {.max_trackers = 3, .max_bytes = 70000, .max_frags = 8,
			       .timeout_ns = 3000000000ull};
	lim.policy = data[0] & 0x80 ? DEFRAG_POLICY_LAST : DEFRAG_POLICY_FIRST;
	defrag_t *d = defrag_new(&lim);
	if (!d)
		return 0;
	uint8_t sum = 0;
	uint64_t ts = 0;
	size_t pos = 0;
	while (size - pos >= 7) {
		const uint8_t *c = data + pos;
		pos += 7;
		uint32_t len = (uint32_t)c[5] << 8 | c[6];
		if (len > size - pos)
			len = (uint32_t)(size - pos);
		ip_frag_t f;
		memset(&f, 0, sizeof(f));
		f.src.v = f.dst.v = c[0] & 4 ? 6 : 4;
		f.src.a[0] = 1;
		f.dst.a[0] = 2;
		f.id = c[0] & 3;
		f.proto = 17;
		f.offset = ((uint32_t)c[1] << 8 | c[2]) * 8u + (c[3] & 7);
		f.more = c[3] & 0x80;
		ts += (uint64_t)(c[4] & 0x0f) * 500000000ull;
		f.data = data + pos;
		f.len = len;
		pos += len;
		const uint8_t *out;
		uint32_t outlen;
		ip_frag_t done;
		if (defrag_add(d, ts, &f, &out, &outlen, &done) == 1) {
			if (outlen > 65535 || done.len != outlen)
				abort();
			for (uint32_t i = 0; i < outlen; i++)
				sum ^= out[i];
		}
		if (defrag_bytes_held(d) > lim.max_bytes)
			abort();
	}
	defrag_free(d);
	(void)*(volatile uint8_t *)&sum; /* keeps the reads */
	return 0;
}
