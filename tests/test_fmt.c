/*
 * test_fmt.c - the printf-free writers of util/fmt.h against the C
 * library: inet_ntop for addresses (every octet value at every IPv4
 * position; IPv6 over every pattern of zero groups and random addresses),
 * snprintf for numbers, hex and \DDD escapes, and an independent RFC 5952
 * writer for the RFC 5952 IPv6 form.  Every writer is also checked not to
 * store past the room it documents.
 */
#include <arpa/inet.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "check_util.h"
#include "fmt.h"

#define GUARD 0x5a

/* xorshift64*: a fixed sequence, so every run checks the same values */
static uint64_t rng_state = 0x9d2c5680a3b1f4e7u;
static uint64_t rnd(void)
{
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 0x2545f4914f6cdd1du;
}

/* Check asserts cost a system call each (the test process reports its
 * progress to the runner): loops over many values test with plain code
 * and only fail through Check. */
#define EXPECT(cond, ...) \
	do { \
		if (!(cond)) \
			ck_abort_msg(__VA_ARGS__); \
	} while (0)

/* The text a writer produced in buf, checked for stores past the room it
 * was given, NUL-terminated for comparison. */
static const char *text_of(char *buf, size_t bufsize, const char *end, size_t room)
{
	EXPECT(end >= buf && (size_t)(end - buf) <= room, "text longer than its room %zu", room);
	size_t n = (size_t)(end - buf);
	for (size_t i = room; i < bufsize; i++)
		EXPECT((unsigned char)buf[i] == GUARD, "store at %zu, room %zu", i, room);
	buf[n] = 0;
	return buf;
}

#define EXPECT_STR(got, want) \
	do { \
		const char *g_ = (got), *w_ = (want); \
		EXPECT(strcmp(g_, w_) == 0, "got \"%s\", want \"%s\"", g_, w_); \
	} while (0)

static void check_ip4(const uint8_t a[4])
{
	char want[INET_ADDRSTRLEN], buf[64];
	EXPECT(inet_ntop(AF_INET, a, want, sizeof want) != NULL, "inet_ntop");
	memset(buf, GUARD, sizeof buf);
	char *e = fmt_ip4(buf, a);
	EXPECT_STR(text_of(buf, sizeof buf, e, FMT_IP4_MAX + 1), want);
}

START_TEST(ip4_every_octet_everywhere)
{
	/* (a, b, a, b) and (b, a, b, a) for every a and b: each octet value at
	 * each position, next to every other value */
	for (unsigned x = 0; x < 256; x++)
		for (unsigned y = 0; y < 256; y++) {
			uint8_t a[4] = {(uint8_t)x, (uint8_t)y, (uint8_t)x, (uint8_t)y};
			check_ip4(a);
			uint8_t b[4] = {(uint8_t)y, (uint8_t)x, (uint8_t)y, (uint8_t)x};
			check_ip4(b);
		}
	for (int i = 0; i < 100000; i++) {
		uint64_t r = rnd();
		uint8_t a[4];
		memcpy(a, &r, 4);
		check_ip4(a);
	}
}
END_TEST

/* An RFC 5952 writer of its own, from the rules (section 4): groups in
 * lower-case hex without leading zeros, the longest run (the first of
 * equal ones) of two or more zero groups as "::", and ::ffff:0:0/96
 * with the IPv4 address in dotted-quad form (section 5). */
static void rfc5952(const uint8_t a[16], char *out, size_t outlen)
{
	unsigned g[8];
	for (int i = 0; i < 8; i++)
		g[i] = (unsigned)a[2 * i] << 8 | a[2 * i + 1];
	int run_at = -1, run_len = 0;
	for (int i = 0; i < 8; i++) {
		int n = 0;
		while (i + n < 8 && g[i + n] == 0)
			n++;
		if (n >= 2 && n > run_len) {
			run_at = i;
			run_len = n;
		}
	}
	bool mapped = g[0] == 0 && g[1] == 0 && g[2] == 0 && g[3] == 0 && g[4] == 0 &&
		      g[5] == 0xffff;
	if (mapped) {
		snprintf(out, outlen, "::ffff:%u.%u.%u.%u", a[12], a[13], a[14], a[15]);
		return;
	}
	size_t o = 0;
	for (int i = 0; i < 8; i++) {
		if (i == run_at) {
			o += (size_t)snprintf(out + o, outlen - o, "::");
			i += run_len - 1;
			continue;
		}
		if (i > 0 && !(run_at >= 0 && i == run_at + run_len))
			o += (size_t)snprintf(out + o, outlen - o, ":");
		o += (size_t)snprintf(out + o, outlen - o, "%x", g[i]);
	}
}

static void check_ip6(const uint8_t a[16])
{
	char want[INET6_ADDRSTRLEN], buf[96];
	EXPECT(inet_ntop(AF_INET6, a, want, sizeof want) != NULL, "inet_ntop");
	memset(buf, GUARD, sizeof buf);
	char *e = fmt_ip6(buf, a, FMT_IP6_INET_NTOP);
	EXPECT_STR(text_of(buf, sizeof buf, e, FMT_IP6_MAX + 1), want);

	rfc5952(a, want, sizeof want);
	memset(buf, GUARD, sizeof buf);
	e = fmt_ip6(buf, a, FMT_IP6_RFC5952);
	EXPECT_STR(text_of(buf, sizeof buf, e, FMT_IP6_MAX + 1), want);
}

/* A group value of 1 to 4 hex digits, or one of the edge values. */
static unsigned some_group(void)
{
	static const unsigned edge[] = {1, 0xf, 0x10, 0xff, 0x100, 0xfff, 0x1000, 0xffff};
	uint64_t r = rnd();
	switch (r % 6) {
	case 0: return edge[(r >> 8) % 8];
	case 1: return 1 + (unsigned)(r >> 8) % 0xf;
	case 2: return 0x10 + (unsigned)(r >> 8) % 0xf0;
	case 3: return 0x100 + (unsigned)(r >> 8) % 0xf00;
	default: return 0x1000 + (unsigned)(r >> 8) % 0xf000;
	}
}

static void set_group(uint8_t a[16], int i, unsigned v)
{
	a[2 * i] = (uint8_t)(v >> 8);
	a[2 * i + 1] = (uint8_t)v;
}

START_TEST(ip6_every_zero_pattern)
{
	/* each of the 256 patterns of zero groups (all the run-length and
	 * tie cases), with varied non-zero groups */
	for (unsigned zm = 0; zm < 256; zm++)
		for (int k = 0; k < 64; k++) {
			uint8_t a[16];
			for (int i = 0; i < 8; i++)
				set_group(a, i, zm >> i & 1 ? 0 : some_group());
			check_ip6(a);
		}
}
END_TEST

START_TEST(ip6_v4_forms)
{
	/* ::ffff:0:0/96 and ::/96 with every kind of last 32 bits, and the
	 * neighbours that must not take the dotted form */
	static const unsigned g5[] = {0, 0xffff, 0xfffe, 1};
	for (unsigned k = 0; k < sizeof g5 / sizeof g5[0]; k++)
		for (unsigned hi = 0; hi < 4; hi++)
			for (int n = 0; n < 256; n++) {
				uint8_t a[16] = {0};
				set_group(a, 5, g5[k]);
				set_group(a, 6, hi == 0 ? 0 : hi == 1 ? 1 : some_group());
				set_group(a, 7, n < 4 ? (unsigned)n : some_group());
				check_ip6(a);
				set_group(a, 4, 1); /* no longer a v4 form */
				check_ip6(a);
			}
	static const char *const fixed[][2] = {
		{"::", "::"}, {"::1", "::1"}, {"::ffff:192.0.2.1", "::ffff:192.0.2.1"},
		{"::192.0.2.1", "::c000:201"}, {"::ffff:0:0", "::ffff:0.0.0.0"},
		{"2001:db8::1", "2001:db8::1"}, {"1::", "1::"}, {"1:0:0:2::3", "1:0:0:2::3"},
		{"1:0:1:0:1:0:1:0", "1:0:1:0:1:0:1:0"},
	};
	for (unsigned i = 0; i < sizeof fixed / sizeof fixed[0]; i++) {
		uint8_t a[16];
		char buf[64];
		ck_assert_int_eq(inet_pton(AF_INET6, fixed[i][0], a), 1);
		check_ip6(a);
		*fmt_ip6(buf, a, FMT_IP6_RFC5952) = 0;
		ck_assert_str_eq(buf, fixed[i][1]);
	}
}
END_TEST

START_TEST(ip6_random)
{
	for (int n = 0; n < 200000; n++) {
		uint8_t a[16];
		uint64_t zm = rnd();
		for (int i = 0; i < 8; i++)
			set_group(a, i, zm >> (3 * i) & 1 ? 0 : (n & 1) ? some_group()
							       : (unsigned)(rnd() & 0xffff));
		check_ip6(a);
	}
}
END_TEST

START_TEST(numbers)
{
	char want[32], buf[48];
	uint64_t v64[200];
	size_t nv = 0;
	for (uint64_t p = 1; nv < 60; p *= 10) {
		v64[nv++] = p - 1;
		v64[nv++] = p;
		v64[nv++] = p + 1;
		if (p > UINT64_MAX / 10)
			break;
	}
	v64[nv++] = UINT32_MAX;
	v64[nv++] = (uint64_t)UINT32_MAX + 1;
	v64[nv++] = UINT64_MAX;
	v64[nv++] = UINT64_MAX - 1;
	for (size_t i = 0; i < nv; i++) {
		snprintf(want, sizeof want, "%" PRIu64, v64[i]);
		memset(buf, GUARD, sizeof buf);
		EXPECT_STR(text_of(buf, sizeof buf, fmt_u64(buf, v64[i]), FMT_U64_MAX), want);
		if (v64[i] <= UINT32_MAX) {
			memset(buf, GUARD, sizeof buf);
			EXPECT_STR(text_of(buf, sizeof buf, fmt_u32(buf, (uint32_t)v64[i]),
						 FMT_U32_MAX), want);
		}
	}
	for (uint32_t v = 0; v < 100000; v++) {
		snprintf(want, sizeof want, "%" PRIu32, v);
		memset(buf, GUARD, sizeof buf);
		EXPECT_STR(text_of(buf, sizeof buf, fmt_u32(buf, v), FMT_U32_MAX), want);
	}
	for (int n = 0; n < 100000; n++) {
		uint64_t v = rnd() >> (rnd() % 64);
		snprintf(want, sizeof want, "%" PRIu64, v);
		memset(buf, GUARD, sizeof buf);
		EXPECT_STR(text_of(buf, sizeof buf, fmt_u64(buf, v), FMT_U64_MAX), want);
		snprintf(want, sizeof want, "%" PRIu32, (uint32_t)v);
		memset(buf, GUARD, sizeof buf);
		EXPECT_STR(text_of(buf, sizeof buf, fmt_u32(buf, (uint32_t)v), FMT_U32_MAX),
				 want);
	}
}
END_TEST

START_TEST(octets)
{
	uint8_t all[256];
	char want[600], buf[600];
	for (unsigned c = 0; c < 256; c++) {
		all[c] = (uint8_t)c;
		char b[8];
		snprintf(want, sizeof want, "\\%03u", c);
		memset(b, GUARD, sizeof b);
		EXPECT_STR(text_of(b, sizeof b, fmt_ddd(b, (uint8_t)c), FMT_DDD_LEN), want);
		snprintf(want, sizeof want, "%u", c);
		ck_assert_uint_eq((unsigned)fmt_oct[c][3], strlen(want));
		ck_assert(memcmp(fmt_oct[c], want, strlen(want)) == 0);
	}
	for (int upper = 0; upper < 2; upper++) {
		size_t o = 0;
		for (unsigned c = 0; c < 256; c++)
			o += (size_t)snprintf(want + o, sizeof want - o, upper ? "%02X" : "%02x", c);
		memset(buf, GUARD, sizeof buf);
		EXPECT_STR(text_of(buf, sizeof buf, fmt_hex(buf, all, 256, upper), 512),
				 want);
		memset(buf, GUARD, sizeof buf);
		ck_assert_ptr_eq(fmt_hex(buf, all, 0, upper), buf);
		ck_assert_int_eq((unsigned char)buf[0], GUARD);
	}
}
END_TEST

static Suite *fmt_suite(void)
{
	Suite *s = suite_create("fmt");
	TCase *tc = tcase_create("addresses");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, ip4_every_octet_everywhere);
	tcase_add_test(tc, ip6_every_zero_pattern);
	tcase_add_test(tc, ip6_v4_forms);
	tcase_add_test(tc, ip6_random);
	suite_add_tcase(s, tc);
	tc = tcase_create("numbers");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, numbers);
	tcase_add_test(tc, octets);
	suite_add_tcase(s, tc);
	return s;
}

DNSTS_CHECK_MAIN(fmt_suite)
