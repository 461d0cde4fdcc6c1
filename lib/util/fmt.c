/*
 * fmt.c - the tables behind fmt.h, and the writers too long to inline.
 */
#include "fmt.h"

const char fmt_digits2[201] =
	"00010203040506070809101112131415161718192021222324252627282930313233343536373839"
	"40414243444546474849505152535455565758596061626364656667686970717273747576777879"
	"8081828384858687888990919293949596979899";

/* 512 characters each */
const char fmt_hex2[2][513] = {
	{
		"000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f"
		"202122232425262728292a2b2c2d2e2f303132333435363738393a3b3c3d3e3f"
		"404142434445464748494a4b4c4d4e4f505152535455565758595a5b5c5d5e5f"
		"606162636465666768696a6b6c6d6e6f707172737475767778797a7b7c7d7e7f"
		"808182838485868788898a8b8c8d8e8f909192939495969798999a9b9c9d9e9f"
		"a0a1a2a3a4a5a6a7a8a9aaabacadaeafb0b1b2b3b4b5b6b7b8b9babbbcbdbebf"
		"c0c1c2c3c4c5c6c7c8c9cacbcccdcecfd0d1d2d3d4d5d6d7d8d9dadbdcdddedf"
		"e0e1e2e3e4e5e6e7e8e9eaebecedeeeff0f1f2f3f4f5f6f7f8f9fafbfcfdfeff"
	},
	{
		"000102030405060708090A0B0C0D0E0F101112131415161718191A1B1C1D1E1F"
		"202122232425262728292A2B2C2D2E2F303132333435363738393A3B3C3D3E3F"
		"404142434445464748494A4B4C4D4E4F505152535455565758595A5B5C5D5E5F"
		"606162636465666768696A6B6C6D6E6F707172737475767778797A7B7C7D7E7F"
		"808182838485868788898A8B8C8D8E8F909192939495969798999A9B9C9D9E9F"
		"A0A1A2A3A4A5A6A7A8A9AAABACADAEAFB0B1B2B3B4B5B6B7B8B9BABBBCBDBEBF"
		"C0C1C2C3C4C5C6C7C8C9CACBCCCDCECFD0D1D2D3D4D5D6D7D8D9DADBDCDDDEDF"
		"E0E1E2E3E4E5E6E7E8E9EAEBECEDEEEFF0F1F2F3F4F5F6F7F8F9FAFBFCFDFEFF"
	},
};

#define OCT1(v) {'0' + (v), 0, 0, 1}
#define OCT2(v) {'0' + (v) / 10, '0' + (v) % 10, 0, 2}
#define OCT3(v) {'0' + (v) / 100, '0' + (v) / 10 % 10, '0' + (v) % 10, 3}
#define TEN(f, b) f(b), f(b + 1), f(b + 2), f(b + 3), f(b + 4), f(b + 5), f(b + 6), \
		  f(b + 7), f(b + 8), f(b + 9)

const char fmt_oct[256][4] = {
	TEN(OCT1, 0),
	TEN(OCT2, 10), TEN(OCT2, 20), TEN(OCT2, 30), TEN(OCT2, 40), TEN(OCT2, 50),
	TEN(OCT2, 60), TEN(OCT2, 70), TEN(OCT2, 80), TEN(OCT2, 90),
	TEN(OCT3, 100), TEN(OCT3, 110), TEN(OCT3, 120), TEN(OCT3, 130), TEN(OCT3, 140),
	TEN(OCT3, 150), TEN(OCT3, 160), TEN(OCT3, 170), TEN(OCT3, 180), TEN(OCT3, 190),
	TEN(OCT3, 200), TEN(OCT3, 210), TEN(OCT3, 220), TEN(OCT3, 230), TEN(OCT3, 240),
	OCT3(250), OCT3(251), OCT3(252), OCT3(253), OCT3(254), OCT3(255),
};

char *fmt_u64(char *p, uint64_t v)
{
	if (v <= UINT32_MAX)
		return fmt_u32(p, (uint32_t)v);
	char t[FMT_U64_MAX];
	size_t i = sizeof t;
	while (v >= 100) {
		i -= 2;
		memcpy(t + i, fmt_digits2 + 2 * (v % 100), 2);
		v /= 100;
	}
	if (v >= 10) {
		i -= 2;
		memcpy(t + i, fmt_digits2 + 2 * v, 2);
	} else {
		t[--i] = (char)('0' + v);
	}
	memcpy(p, t + i, sizeof t - i);
	return p + (sizeof t - i);
}

char *fmt_ip6(char *p, const uint8_t a[16], enum fmt_ip6_form form)
{
	const char *h = fmt_hex2[0];
	unsigned g[8];
	/* the first of the longest runs of zero groups, if two or longer */
	int best = -1, bestlen = 1, run = 0;

	for (int i = 0; i < 8; i++) {
		g[i] = (unsigned)a[2 * i] << 8 | a[2 * i + 1];
		run = g[i] ? 0 : run + 1;
		if (run > bestlen) {
			bestlen = run;
			best = i + 1 - run;
		}
	}
	/* ::ffff:a.b.c.d; ::a.b.c.d for inet_ntop (not :: or ::1: the run
	 * would be longer than 6 groups) */
	bool quad = best == 0 && ((bestlen == 5 && g[5] == 0xffff) ||
				  (bestlen == 6 && form == FMT_IP6_INET_NTOP));
	int ngroups = quad ? 6 : 8;
	for (int i = 0; i < ngroups; i++) {
		if (i == best) {
			*p++ = ':';
			*p++ = ':';
			i += bestlen - 1;
			continue;
		}
		if (i && i != best + bestlen)
			*p++ = ':';
		/* no leading zeros: the high octet's digits, then the low's */
		unsigned v = g[i], hi = v >> 8, lo = v & 255;
		if (hi >= 0x10) {
			memcpy(p, h + 2 * hi, 2);
			p += 2;
		} else if (hi) {
			*p++ = h[2 * hi + 1];
		}
		if (hi || lo >= 0x10) {
			memcpy(p, h + 2 * lo, 2);
			p += 2;
		} else {
			*p++ = h[2 * lo + 1];
		}
	}
	if (quad) {
		if (p[-1] != ':')
			*p++ = ':';
		p = fmt_ip4(p, a + 12);
	}
	return p;
}
