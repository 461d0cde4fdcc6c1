/* test_features.c - the features module (lib/feature.h) on known strings. */
#include <math.h>
#include <string.h>

#include "check_util.h"
#include "feature.h"

START_TEST(entropy_known)
{
	ck_assert(fabs(features_entropy((const uint8_t *)"aaaa", 4) - 0.0) < 1e-9);
	ck_assert(fabs(features_entropy((const uint8_t *)"abcd", 4) - 2.0) < 1e-9);
	ck_assert(fabs(features_entropy((const uint8_t *)"aabb", 4) - 1.0) < 1e-9);
	feat_t f;
	features_str("0123456789abcdef", &f);
	ck_assert(fabs(f.entropy - 4.0) < 1e-9);
	ck_assert_uint_eq(f.len, 16);
}
END_TEST

START_TEST(lengths_and_classes)
{
	feat_t f;
	features_str("Ab1-x_.cd", &f);
	ck_assert_uint_eq(f.len, 8);
	ck_assert_uint_eq(f.nlabels, 2);
	ck_assert_uint_eq(f.maxlabel, 6);
	ck_assert_uint_eq(f.n_upper, 1);
	ck_assert_uint_eq(f.n_lower, 4);
	ck_assert_uint_eq(f.n_digit, 1);
	ck_assert_uint_eq(f.n_hyphen, 1);
	ck_assert_uint_eq(f.n_under, 1);
	ck_assert(f.mixed_case);
}
END_TEST

START_TEST(encodings)
{
	feat_t f;
	features_str("48656c6c6f20776f726c64", &f);
	ck_assert(f.enc & FEAT_ENC_HEX);
	ck_assert_uint_eq(features_pick_encoding(f.enc, f.mixed_case), FEAT_ENC_HEX);
	features_str("nbswy3dpeb3w64tmmq", &f); /* base32("hello world") */
	ck_assert(!(f.enc & FEAT_ENC_HEX));
	ck_assert(f.enc & FEAT_ENC_BASE32);
	ck_assert_uint_eq(features_pick_encoding(f.enc, f.mixed_case), FEAT_ENC_BASE32);
	features_str("SGVsbG8gd29ybGQ", &f); /* base64("Hello world") */
	ck_assert(f.mixed_case);
	ck_assert(!(f.enc & FEAT_ENC_BASE32));
	ck_assert(f.enc & FEAT_ENC_BASE64);
	features_str("q+Z8AnwaBA", &f);
	ck_assert(f.enc & FEAT_ENC_BASE64);
	ck_assert(!(f.enc & FEAT_ENC_BASE64URL));
	features_str("r747Clg-tK5p_Udk", &f);
	ck_assert(f.enc & FEAT_ENC_BASE64URL);
	ck_assert(!(f.enc & FEAT_ENC_BASE64));
	features_str("EOEFFCEPFDEFFCFG", &f); /* NetBIOS half-ASCII */
	ck_assert(f.enc & FEAT_ENC_NETBIOS);
	ck_assert_uint_eq(features_pick_encoding(f.enc, f.mixed_case), FEAT_ENC_NETBIOS);
	features_str("ab\xe9\x80z", &f);
	ck_assert(f.enc & FEAT_ENC_BINARY);
	ck_assert_uint_eq(f.n_high, 2);
}
END_TEST

START_TEST(decode_known)
{
	uint8_t out[64];
	int n = features_decode(FEAT_ENC_HEX, (const uint8_t *)"48656c6c6f", 10, out, sizeof(out));
	ck_assert_int_eq(n, 5);
	ck_assert(!memcmp(out, "Hello", 5));
	n = features_decode(FEAT_ENC_BASE32, (const uint8_t *)"jbswy3dp", 8, out, sizeof(out));
	ck_assert_int_eq(n, 5);
	ck_assert(!memcmp(out, "Hello", 5));
	n = features_decode(FEAT_ENC_BASE64, (const uint8_t *)"SGVsbG8=", 8, out, sizeof(out));
	ck_assert_int_eq(n, 5);
	ck_assert(!memcmp(out, "Hello", 5));
	n = features_decode(FEAT_ENC_BASE32HEX, (const uint8_t *)"91imor3f", 8, out, sizeof(out));
	ck_assert_int_eq(n, 5);
	ck_assert(!memcmp(out, "Hello", 5));
	n = features_decode(FEAT_ENC_NETBIOS, (const uint8_t *)"EIGFGMGMGP", 10, out, sizeof(out));
	ck_assert_int_eq(n, 5);
	ck_assert(!memcmp(out, "Hello", 5));
	ck_assert_int_eq(features_decode(FEAT_ENC_HEX, (const uint8_t *)"4g", 2, out, sizeof(out)), -1);
	ck_assert_int_eq(features_decode(FEAT_ENC_HEX, (const uint8_t *)"486", 3, out, sizeof(out)), -1);
	/* output bounded */
	n = features_decode(FEAT_ENC_HEX, (const uint8_t *)"4142434445", 10, out, 2);
	ck_assert_int_eq(n, 2);
}
END_TEST

START_TEST(unlike_hostname)
{
	static const char *words[] = {"www", "mail", "login", "accounts", "facebook",
				      "wikipedia", "static-cdn", "time", "selector1"};
	static const char *random[] = {
		"knjuqljsfyyc2t3qmvxfgu2il44c4olqgeqfkytvnz2hkljtovrhk3tuouyc4m",
		"0c1e037cfb0000000055055de86c9cbe8e67f0caa465492195f1828ef728",
		"r747Clg-tK5pUdkH0R12a7gJ9sFPi9Aackw0kGtq_DnFd7vNX5Cb3l1JQQJQmh3",
		"xkcdzqplwvbtrmfj"};
	feat_t f;
	for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++) {
		features_str(words[i], &f);
		ck_assert_msg(f.unlike < 0.3, "%s scored %f", words[i], f.unlike);
	}
	for (size_t i = 0; i < sizeof(random) / sizeof(random[0]); i++) {
		features_str(random[i], &f);
		ck_assert_msg(f.unlike >= 0.5, "%s scored %f", random[i], f.unlike);
	}
	/* English letters follow likelier bigrams than random letters */
	unsigned n1, n2;
	double b1 = features_bigram((const uint8_t *)"information", 11, &n1);
	double b2 = features_bigram((const uint8_t *)"qxzjvkwpqzx", 11, &n2);
	ck_assert_uint_eq(n1, 12);
	ck_assert(b1 > b2 + 2.0);
}
END_TEST

START_TEST(counter)
{
	uint32_t v = 0;
	ck_assert_int_eq(features_counter((const uint8_t *)"id-1605", 7, &v), 4);
	ck_assert_uint_eq(v, 1605);
	ck_assert_int_eq(features_counter((const uint8_t *)"abc", 3, &v), -1);
}
END_TEST

/* features_encoding() agrees with features_compute() on one label: every
 * byte alone, pairs of bytes, and pseudo-random labels over alphabets that
 * sit on the encodings' edges. */
START_TEST(encoding_matches_compute)
{
	static const char *const alpha[] = {"0123456789abcdef", "abcdefghijklmnopqrstuvwxyz234567",
					    "0123456789abcdefghijklmnopqrstuv", "ABCDEFGHIJKLMNOP",
					    "abcdefghijklmnop", "AZaz09+/=", "AZaz09-_", "\x80\x01 .a",
					    "aB7"};
	uint8_t buf[255];
	uint32_t x = 12345;
	for (unsigned iter = 0; iter < 20000; iter++) {
		size_t len;
		if (iter < 256) {
			buf[0] = (uint8_t)iter;
			len = 1;
		} else if (iter < 256 + 4096) {
			buf[0] = (uint8_t)(iter & 0xff);
			buf[1] = (uint8_t)((iter >> 4) * 7);
			len = 2;
		} else {
			const char *a = alpha[iter % (sizeof(alpha) / sizeof(alpha[0]))];
			size_t al = strlen(a);
			x = x * 1103515245u + 12345u;
			len = 1 + (x >> 16) % 64;
			for (size_t i = 0; i < len; i++) {
				x = x * 1103515245u + 12345u;
				buf[i] = (uint8_t)a[(x >> 16) % al];
			}
		}
		feat_labels_t fl;
		fl.n = 1;
		fl.p[0] = buf;
		fl.len[0] = (uint8_t)len;
		feat_t f;
		features_compute(&fl, &f);
		bool mixed;
		uint32_t enc = features_encoding(buf, len, &mixed);
		ck_assert_uint_eq(enc, f.enc);
		ck_assert_int_eq(mixed, f.mixed_case);
	}
	bool mixed = true;
	ck_assert_uint_eq(features_encoding(buf, 0, &mixed), 0);
	ck_assert(!mixed);
	/* by hand: hex, base32 and base64 letters */
	ck_assert_uint_eq(features_encoding((const uint8_t *)"deadbeef", 8, &mixed) &
			  (FEAT_ENC_HEX | FEAT_ENC_BINARY), FEAT_ENC_HEX);
	ck_assert(features_encoding((const uint8_t *)"aGVsbG8+", 8, &mixed) & FEAT_ENC_BASE64);
	ck_assert(mixed);
	ck_assert(!(features_encoding((const uint8_t *)"aGVsbG8+", 8, &mixed) & FEAT_ENC_BASE32));
}
END_TEST

static Suite *features_suite(void)
{
	Suite *s = suite_create("features");
	TCase *tc = tcase_create("core");
	tcase_add_test(tc, entropy_known);
	tcase_add_test(tc, lengths_and_classes);
	tcase_add_test(tc, encodings);
	tcase_add_test(tc, decode_known);
	tcase_add_test(tc, unlike_hostname);
	tcase_add_test(tc, counter);
	tcase_add_test(tc, encoding_matches_compute);
	suite_add_tcase(s, tc);
	return s;
}

DNSTS_CHECK_MAIN(features_suite)
