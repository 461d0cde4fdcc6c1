/* test_allowlist.c - built-in names, structural rules, --allowlist FILE. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "allowlist.h"
#include "check_util.h"

static dns_name_t mkname(const char *s)
{
	dns_name_t n;
	memset(&n, 0, sizeof(n));
	size_t o = 0;
	while (*s) {
		const char *dot = strchr(s, '.');
		size_t len = dot ? (size_t)(dot - s) : strlen(s);
		n.loff[n.nlabels++] = (uint8_t)o;
		n.wire[o++] = (uint8_t)len;
		memcpy(n.wire + o, s, len);
		o += len;
		s += len;
		if (*s == '.')
			s++;
	}
	n.wire[o++] = 0;
	n.len = (uint16_t)o;
	return n;
}

static const char *match(allowlist_t *a, const char *name, uint16_t port, int *mf)
{
	dns_name_t n = mkname(name);
	return allowlist_match(a, &n, port, mf);
}

START_TEST(builtin_names)
{
	allowlist_t *a = allowlist_new(true);
	int mf;
	ck_assert_ptr_nonnull(match(a, "4.3.2.1.in-addr.arpa", 53, &mf));
	ck_assert_int_eq(mf, 4);
	ck_assert_ptr_nonnull(match(a, "2.0.0.127.zen.spamhaus.org", 53, &mf));
	ck_assert_ptr_nonnull(match(a, "0123456789abcdef0123456789abcdef.avqs.McAfee.com", 53, &mf));
	ck_assert_int_eq(mf, 2);
	ck_assert_ptr_nonnull(match(a, "x.sophosxl.net", 53, &mf));
	ck_assert_ptr_null(match(a, "www.example.com", 53, &mf));
	ck_assert_ptr_null(match(a, "notmcafee.com", 53, &mf)); /* label boundary */
	allowlist_free(a);
}
END_TEST

START_TEST(structural_rules)
{
	allowlist_t *a = allowlist_new(true);
	int mf;
	ck_assert_ptr_nonnull(match(a, "selector1._domainkey.example.com", 53, &mf));
	ck_assert_int_eq(mf, -1);
	ck_assert_ptr_nonnull(match(a, "_acme-challenge.www.example.org", 53, &mf));
	ck_assert_ptr_nonnull(match(a, "_ldap._tcp.dc._msdcs.corp.example.com", 53, &mf));
	ck_assert_ptr_nonnull(match(a, "4.3.2.1.bl.example.net", 53, &mf));
	ck_assert_ptr_null(match(a, "4.3.2.example.net", 53, &mf));
	ck_assert_ptr_null(match(a, "256.3.2.1.bl.example.net", 53, &mf));
	ck_assert_ptr_nonnull(match(a, "anything.example.com", MDNS_PORT, &mf));
	allowlist_free(a);
}
END_TEST

START_TEST(no_default_and_file)
{
	allowlist_t *a = allowlist_new(false);
	int mf;
	ck_assert_ptr_null(match(a, "2.0.0.127.zen.spamhaus.org", 53, &mf));
	ck_assert_ptr_null(match(a, "selector1._domainkey.example.com", 53, &mf));
	char path[] = "/tmp/dnsts_allowXXXXXX";
	int fd = mkstemp(path);
	ck_assert_int_ge(fd, 0);
	FILE *fp = fdopen(fd, "w");
	fputs("# comment\n  Corp.Example.NET.  # trailing comment\n\nother.org\n", fp);
	fclose(fp);
	char err[256];
	ck_assert_int_eq(allowlist_load(a, path, err, sizeof(err)), 0);
	unlink(path);
	ck_assert_ptr_nonnull(match(a, "abc.corp.example.net", 53, &mf));
	ck_assert_int_eq(mf, 1);
	ck_assert_ptr_nonnull(match(a, "other.org", 53, &mf));
	ck_assert_ptr_null(match(a, "example.net", 53, &mf));
	ck_assert_int_eq(allowlist_load(a, "/nonexistent/allow", err, sizeof(err)), -1);
	ck_assert(strstr(err, "No such file") != NULL);
	allowlist_free(a);
}
END_TEST

/* The bit filter in front of the table never hides a listed name: 2000
 * entries of 1 to 5 labels (mixed case, a byte outside printable ASCII
 * written as '?' in the text form) each match as themselves and under a
 * subdomain, with the right first label, and their parents do not. */
START_TEST(filter_never_hides_an_entry)
{
	allowlist_t *a = allowlist_new(false);
	char name[2000][64];
	uint32_t x = 12345;
	for (int i = 0; i < 2000; i++) {
		int nl = 1 + i % 5, o = 0;
		for (int l = 0; l < nl; l++) {
			if (l)
				name[i][o++] = '.';
			int len = 3 + (int)((x = x * 1103515245u + 12345u) >> 16) % 6;
			for (int k = 0; k < len; k++) {
				x = x * 1103515245u + 12345u;
				name[i][o++] = (char)((k == 0 && l == 0) ? 'A' + (x >> 16) % 26
									  : 'a' + (x >> 16) % 26);
			}
		}
		snprintf(name[i] + o, sizeof(name[i]) - (size_t)o, "%d", i);
		ck_assert_int_eq(allowlist_add(a, name[i], "test"), 0);
	}
	int mf;
	char q[128];
	for (int i = 0; i < 2000; i++) {
		ck_assert_msg(match(a, name[i], 53, &mf) != NULL, "%s not matched", name[i]);
		ck_assert_int_eq(mf, 0);
		snprintf(q, sizeof(q), "x1.Y2.%.63s", name[i]);
		ck_assert_msg(match(a, q, 53, &mf) != NULL, "%s not matched", q);
		ck_assert_int_eq(mf, 2);
		const char *dot = strchr(name[i], '.');
		if (dot)
			ck_assert_msg(match(a, dot + 1, 53, &mf) == NULL, "%s matched", dot + 1);
	}
	/* the text form's '?' for a byte outside printable ASCII */
	ck_assert_int_eq(allowlist_add(a, "we?rd.example", "odd"), 0);
	dns_name_t n = mkname("sub.weXrd.example");
	n.wire[7] = 0x01; /* "we\001rd" */
	ck_assert_str_eq(allowlist_match(a, &n, 53, &mf), "odd");
	ck_assert_int_eq(mf, 1);
	allowlist_free(a);
}
END_TEST

static Suite *allowlist_suite(void)
{
	Suite *s = suite_create("allowlist");
	TCase *tc = tcase_create("core");
	tcase_add_test(tc, builtin_names);
	tcase_add_test(tc, structural_rules);
	tcase_add_test(tc, no_default_and_file);
	tcase_add_test(tc, filter_never_hides_an_entry);
	suite_add_tcase(s, tc);
	return s;
}

DNSTS_CHECK_MAIN(allowlist_suite)
