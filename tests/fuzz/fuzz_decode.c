/*
 * fuzz_decode.c - libFuzzer target for the packet decoder.
 *
 * The first byte of the input picks a link type from the list the decoder
 * handles (plus one it does not); the rest is the captured packet.  The
 * packet is also fed to decode_transport as a reassembled UDP, TCP and GRE
 * payload.  Checks the invariants callers rely on: every returned pointer
 * and length stays inside the input, paylen never exceeds paylen_wire, and
 * DECODE_UNSUPPORTED always names what it did not decode.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "decode.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const int linktypes[] = {
	0, 1, 9, 10, 12, 14, 50, 101, 104, 105, 108, 113, 127, 129, 192,
	204, 228, 229, 239, 258, 276, 147,
};

static void check(const decode_out_t *o, enum decode_result r, const uint8_t *p, size_t n)
{
	if (r != o->result)
		abort();
	switch (r) {
	case DECODE_L4:
		if (o->l4.paylen > o->l4.paylen_wire)
			abort();
		if (o->l4.paylen && (o->l4.payload < p || o->l4.payload + o->l4.paylen > p + n))
			abort();
		if (o->l4.proto != 6 && o->l4.proto != 17)
			abort();
		break;
	case DECODE_FRAGMENT:
		if (o->frag.len && (o->frag.data < p || o->frag.data + o->frag.len > p + n))
			abort();
		break;
	case DECODE_UNSUPPORTED:
		if (!o->what || !o->what[0])
			abort();
		break;
	default:
		break;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1 || size > 65536)
		return 0;
	int lt = linktypes[data[0] % (sizeof(linktypes) / sizeof(linktypes[0]))];
	const uint8_t *p = data + 1;
	size_t n = size - 1;
	decode_out_t o;
	check(&o, decode_packet(lt, 1, p, (uint32_t)n, &o), p, n);

	ip_addr_t s = { .v = 4, .a = { 192, 0, 2, 1 } }, d = { .v = 4, .a = { 192, 0, 2, 2 } };
	static const uint8_t protos[] = { 17, 6, 47 };
	for (size_t i = 0; i < sizeof(protos); i++)
		check(&o, decode_transport(protos[i], &s, &d, 1, p, (uint32_t)n, &o), p, n);
	return 0;
}
