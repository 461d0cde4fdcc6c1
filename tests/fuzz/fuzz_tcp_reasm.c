/*
 * fuzz_tcp_reasm.c - libFuzzer target for TCP stream reassembly.
 *
 * The input is a list of segments, each a 9-byte control record followed by
 * its payload: connection (1 byte, 4 connections), direction and flags (1),
 * sequence delta (2, signed, relative to the direction's last sequence so
 * inputs stay near each other), acknowledgement delta (2), time step (1,
 * in 100 ms), payload length (2).  Tight caps make the limits trigger.
 * Checks the invariants callers rely on: messages lie in readable memory
 * and are at most 65535 bytes, the byte budget always holds, and a flush
 * frees everything.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "tcp_reasm.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void on_msg(void *ud, const l4_pkt_t *m)
{
	uint8_t *sum = ud;
	if (m->paylen > 65535 || (m->paylen && !m->payload))
		abort();
	for (uint32_t i = 0; i < m->paylen; i++)
		*sum ^= m->payload[i]; /* touch every byte */
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t sum = 0;
	tcp_limits_t lim = {.max_streams = 3, .max_stream_bytes = 3000,
			    .max_total_bytes = 5000, .idle_timeout_ns = 2000000000ull};
	tcp_reasm_t *t = tcp_reasm_new(&lim, on_msg, &sum);
	if (!t)
		return 0;
	uint32_t last_seq[8] = {0};
	uint64_t ts = 0;
	size_t pos = 0;
	while (size - pos >= 9) {
		const uint8_t *c = data + pos;
		pos += 9;
		int conn = c[0] & 3, dir = c[1] >> 7;
		uint32_t len = (uint32_t)c[7] << 8 | c[8];
		if (len > size - pos)
			len = (uint32_t)(size - pos);
		l4_pkt_t s;
		memset(&s, 0, sizeof(s));
		ts += (uint64_t)c[6] * 100000000ull;
		s.ts_ns = ts;
		s.proto = 6;
		s.src.v = s.dst.v = 4;
		s.src.a[0] = 10;
		s.dst.a[0] = 10;
		s.src.a[3] = (uint8_t)(dir ? 53 : conn + 1);
		s.dst.a[3] = (uint8_t)(dir ? conn + 1 : 53);
		s.sport = dir ? 53 : (uint16_t)(40000 + conn);
		s.dport = dir ? (uint16_t)(40000 + conn) : 53;
		s.tcp_flags = c[1] & 0x1f;
		uint32_t *ls = &last_seq[conn * 2 + dir];
		s.seq = *ls + (uint32_t)(int16_t)((uint16_t)c[2] << 8 | c[3]);
		s.ack = last_seq[conn * 2 + !dir] + (uint32_t)(int16_t)((uint16_t)c[4] << 8 | c[5]);
		s.payload = data + pos;
		s.paylen = s.paylen_wire = len;
		pos += len;
		tcp_reasm_add(t, &s);
		*ls = s.seq + len;
		if (tcp_reasm_bytes_held(t) > lim.max_total_bytes)
			abort();
	}
	tcp_reasm_flush(t);
	if (tcp_reasm_bytes_held(t) != 0)
		abort();
	tcp_reasm_free(t);
	(void)*(volatile uint8_t *)&sum; /* keeps the reads */
	return 0;
}
