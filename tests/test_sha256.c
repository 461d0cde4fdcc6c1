/* test_sha256.c - SHA-256 against the FIPS 180-4 examples and Python's
 * hashlib, fed whole and in pieces of every size from 1 to 130 bytes, and
 * the processor's SHA-256 instructions (when present) against the portable
 * compression function on the same blocks. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check_util.h"
#include "sha256.h"

static void hex(const uint8_t *d, char out[65])
{
	for (int i = 0; i < 32; i++)
		snprintf(out + 2 * i, 3, "%02x", d[i]);
}

static void check_digest(const void *data, size_t len, const char *want)
{
	uint8_t d[SHA256_LEN];
	char h[65];
	sha256(data, len, d);
	hex(d, h);
	ck_assert_str_eq(h, want);
	/* the same fed in pieces of every size */
	for (size_t step = 1; step <= 130; step++) {
		sha256_ctx_t c;
		sha256_init(&c);
		for (size_t o = 0; o < len; o += step)
			sha256_update(&c, (const uint8_t *)data + o, len - o < step ? len - o : step);
		sha256_final(&c, d);
		hex(d, h);
		ck_assert_msg(strcmp(h, want) == 0, "step %zu: %s", step, h);
	}
}

START_TEST(fips_examples)
{
	check_digest("", 0, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
	check_digest("abc", 3, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
	const char *two = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
	check_digest(two, strlen(two),
		     "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
}
END_TEST

START_TEST(million_a)
{
	char *a = malloc(1000000);
	ck_assert_ptr_nonnull(a);
	memset(a, 'a', 1000000);
	uint8_t d[SHA256_LEN];
	char h[65];
	sha256(a, 1000000, d);
	hex(d, h);
	ck_assert_str_eq(h, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
	free(a);
}
END_TEST

START_TEST(every_byte_value)
{
	uint8_t b[1000];
	for (size_t i = 0; i < sizeof b; i++)
		b[i] = (uint8_t)((i * 131 + 7) & 255);
	check_digest(b, sizeof b, "533b698850849b7908b20a22658f639c0b2a476f1791f85f50188287c31a9aba");
}
END_TEST

/* The instruction path (whichever sha256_update uses) and the portable one
 * agree on 64 blocks of varied bytes, from varied states. */
START_TEST(paths_agree)
{
	uint8_t b[64 * 64];
	uint64_t x = 0x9e3779b97f4a7c15ULL;
	for (size_t i = 0; i < sizeof b; i++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		b[i] = (uint8_t)x;
	}
	for (size_t n = 1; n <= 64; n *= 2) {
		sha256_ctx_t c;
		sha256_init(&c);
		uint32_t h[8];
		memcpy(h, c.h, sizeof h);
		sha256_update(&c, b, 64 * n);
		sha256_blocks_portable(h, b, n);
		ck_assert_mem_eq(h, c.h, sizeof h);
	}
	printf("sha256: processor instructions %s\n", sha256_accelerated() ? "in use" : "absent");
}
END_TEST

static Suite *sha256_suite(void)
{
	Suite *s = suite_create("sha256");
	TCase *tc = tcase_create("vectors");
	tcase_add_test(tc, fips_examples);
	tcase_add_test(tc, million_a);
	tcase_add_test(tc, every_byte_value);
	tcase_add_test(tc, paths_agree);
	suite_add_tcase(s, tc);
	return s;
}

DNSTS_CHECK_MAIN(sha256_suite)
