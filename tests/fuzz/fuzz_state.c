/*
 * fuzz_state.c - libFuzzer target for the state file reader (lib/state).
 *
 * The input is the bytes of a state file.  Every section carries a
 * checksum, which random mutations nearly never keep right; so for inputs
 * whose last byte is even the target first rewrites each section's checksum
 * (following the section lengths as far as they go), and the parsers behind
 * the checksums get the mutated bytes.  A state that reads is then scored
 * (every domain, as --all) and merged into a second detector with an input
 * offset, as a scan would do with it.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <dnsts/dnsts.h>

#include "detect.h"
#include "siphash.h"
#include "state.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static uint64_t le64(const uint8_t *p)
{
	uint64_t v = 0;
	for (int i = 7; i >= 0; i--)
		v = v << 8 | p[i];
	return v;
}

static void fix_checksums(uint8_t *b, size_t n)
{
	static const uint8_t zero[16];
	size_t pos = STATE_MAGIC_LEN + 8;
	while (pos + 24 <= n) {
		uint64_t len = le64(b + pos + 8);
		if (len > n - pos - 24)
			return;
		uint64_t h = siphash(zero, b + pos + 24, (size_t)len);
		for (int i = 0; i < 8; i++)
			b[pos + 16 + i] = (uint8_t)(h >> (8 * i));
		pos += 24 + (size_t)len;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size == 0 || size > (1u << 22))
		return 0;
	uint8_t *b = malloc(size);
	if (!b)
		return 0;
	memcpy(b, data, size);
	if (!(data[size - 1] & 1))
		fix_checksums(b, size);
	dnsts_options_t opt;
	dnsts_options_init(&opt); /* as the seeds were made: a state made otherwise is refused */
	char err[512];
	detector_t *d = detector_new(&opt, err, sizeof err);
	detector_t *m = detector_new(&opt, err, sizeof err);
	if (!d || !m)
		abort();
	state_data_t sd;
	if (state_parse(b, size, &opt, d, &sd, err, sizeof err) == DNSTS_OK) {
		finding_t **fs = NULL;
		size_t n = 0;
		if (detector_findings(d, 0, true, &fs, &n) == DNSTS_OK)
			findings_free(fs, n);
		detector_merge(m, d, 3);
		state_data_free(&sd);
	} else if (!err[0]) {
		abort(); /* every failure has a reason */
	}
	detector_free(d);
	detector_free(m);
	free(b);
	return 0;
}
