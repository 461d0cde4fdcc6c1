/* test_regdomain.c - registered domain split (lib/regdomain.h). */
#include <string.h>

#include "check_util.h"
#include "regdomain.h"

static void expect(regdomain_t *r, const char *name, const char *want)
{
	char buf[DNS_NAME_STRLEN];
	size_t n = regdomain_of_str(r, name, buf, sizeof(buf));
	ck_assert_msg(strcmp(buf, want) == 0, "%s: got '%s', want '%s'", name, buf, want);
	ck_assert_uint_eq(n, strlen(want));
}

START_TEST(psl_split)
{
	regdomain_t *r = regdomain_new();
	ck_assert_ptr_nonnull(r);
	expect(r, "a.b.example.co.uk", "example.co.uk");
	expect(r, "www.example.com", "example.com");
	expect(r, "example.com", "example.com");
	expect(r, "x.duckdns.org", "x.duckdns.org");
	expect(r, "payload.x.duckdns.org", "x.duckdns.org");
	expect(r, "WWW.Example.COM", "example.com");
	expect(r, "a.b.c.d.e.f.g.h.example.com.au", "example.com.au");
	expect(r, "com", "");
	expect(r, "co.uk", "");
	/* twice: the second answer comes from the cache */
	expect(r, "q1.t1.example.org", "example.org");
	expect(r, "q2.t1.example.org", "example.org");
	expect(r, "a.b.c.d.e.f.g.example.co.uk", "example.co.uk");
	expect(r, "z.b.c.d.e.f.g.example.co.uk", "example.co.uk");
	regdomain_free(r);
}
END_TEST

START_TEST(search_suffix)
{
	regdomain_t *r = regdomain_new();
	/* a Windows resolver appended its search suffix */
	expect(r, "abcdef0123.tunnel.example.com.corp.local", "example.com");
	expect(r, "abcdef0123.c2-example.com.DCCORE200.LOCAL", "c2-example.com");
	/* no inner TLD: the implicit '*' rule */
	expect(r, "wpad.corp.local", "corp.local");
	expect(r, "printer._ipp._tcp.local", "_tcp.local");

	dns_name_t n;
	memset(&n, 0, sizeof(n));
	const char *labels[] = {"p", "tunnel", "example", "com", "corp", "local"};
	size_t o = 0;
	for (unsigned i = 0; i < 6; i++) {
		n.loff[i] = (uint8_t)o;
		n.wire[o++] = (uint8_t)strlen(labels[i]);
		memcpy(n.wire + o, labels[i], strlen(labels[i]));
		o += strlen(labels[i]);
	}
	n.wire[o++] = 0;
	n.len = (uint16_t)o;
	n.nlabels = 6;
	regdomain_split_t sp;
	regdomain_split(r, &n, &sp);
	ck_assert_uint_eq(sp.dropped, 2);
	ck_assert_uint_eq(sp.nlabels, 4);
	ck_assert_uint_eq(sp.reg_first, 2);
	ck_assert(sp.real_tld);
	regdomain_free(r);
}
END_TEST

static Suite *regdomain_suite(void)
{
	Suite *s = suite_create("regdomain");
	TCase *tc = tcase_create("core");
	tcase_add_test(tc, psl_split);
	tcase_add_test(tc, search_suffix);
	suite_add_tcase(s, tc);
	return s;
}

DNSTS_CHECK_MAIN(regdomain_suite)
