/* test_regdomain.c - registered domain split (lib/regdomain.h). */
#include <libpsl.h>
#include <stdio.h>
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
	/* a label of data that reads like a TLD is not the end of a domain: the
	 * label left of it is no host name ('=auth', a base32 chunk) */
	expect(r, "aaaah7wqa.=auth.dk.tunnel.lab", "tunnel.lab");
	expect(r, "oncaaaabba.=connect.dk.tunnel.lab", "tunnel.lab");
	expect(r, "mfrgg4dfmzrw63lnn5yha4.com.evil.lab", "evil.lab");
	expect(r, "x.0123456789abcdef.net.evil.lab", "evil.lab");
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

static bool name_from_str(const char *s, dns_name_t *n)
{
	memset(n, 0, sizeof(*n));
	size_t o = 0;
	while (*s) {
		const char *dot = strchr(s, '.');
		size_t len = dot ? (size_t)(dot - s) : strlen(s);
		if (len == 0 || len > 63 || o + len + 2 > DNS_MAX_NAME || n->nlabels >= DNS_MAX_LABELS)
			return false;
		n->loff[n->nlabels++] = (uint8_t)o;
		n->wire[o++] = (uint8_t)len;
		memcpy(n->wire + o, s, len);
		o += len;
		s += len;
		if (*s == '.')
			s++;
	}
	n->wire[o++] = 0;
	n->len = (uint16_t)o;
	return true;
}

static unsigned compared;

static void same_as_psl(regdomain_t *r, const char *name)
{
	dns_name_t n;
	if (!name_from_str(name, &n))
		return;
	regdomain_split_t a, b;
	regdomain_split(r, &n, &a);
	regdomain_split_psl(r, &n, &b);
	/* no Check assertion per name (each costs a write to its channel):
	 * only a difference is reported */
	if (a.nlabels != b.nlabels || a.reg_first != b.reg_first || a.dropped != b.dropped ||
	    a.real_tld != b.real_tld)
		ck_abort_msg("%s: table %u/%u/%u/%d, libpsl %u/%u/%u/%d", name, a.nlabels,
			     a.reg_first, a.dropped, a.real_tld, b.nlabels, b.reg_first, b.dropped,
			     b.real_tld);
	compared++;
}

/* The rule table's answer equals libpsl's for names built from every rule
 * of the list (wildcards filled, exceptions, one to three labels more,
 * upper case, a search suffix) and for odd names. */
START_TEST(table_matches_libpsl)
{
	regdomain_t *r = regdomain_new();
	const char *odd[] = {
		"com", "example.com", "www.example.com", "a.b.c.d.e.f.g.h.example.com.au",
		"foo.bar.local", "x.y.corp.local", "wpad.corp.local", "printer._ipp._tcp.local",
		"x.xn--p1ai", "a.xn--80ak6aa92e.com", "a.b.kawasaki.jp", "www.city.kawasaki.jp",
		"city.kawasaki.jp", "forgot.his.name", "a.forgot.his.name", "his.name",
		"a.b.c.s3.amazonaws.com", "a.b.ck", "www.ck", "x.www.ck", "EXAMPLE.CO.UK",
		"a.example.co.uk.lan", "p.t.example.com.corp.local.x", "nosuchtld", "a.nosuchtld",
		"_dmarc.example.com", "a-b.c_d.example.org", "1.2.3.4.in-addr.arpa",
		"tunnel.example.com.dccore200.local", "x.co.uk.corp", "q.blogspot.com",
	};
	for (size_t i = 0; i < sizeof(odd) / sizeof(odd[0]); i++)
		same_as_psl(r, odd[i]);
	const char *path = psl_builtin_filename();
	FILE *fp = path ? fopen(path, "r") : NULL;
	if (fp) {
		char line[512];
		while (fgets(line, sizeof(line), fp)) {
			char *s = line;
			if ((s[0] == '/' && s[1] == '/') || s[0] == '\n' || s[0] == ' ')
				continue;
			s[strcspn(s, " \t\r\n")] = '\0';
			if (s[0] == '!')
				s++;
			if (s[0] == '*')
				s[0] = 'x';
			const char *pre[] = {"", "a.", "b.a.", "d.c.b.a.", "WWW."};
			char name[600];
			for (size_t k = 0; k < sizeof(pre) / sizeof(pre[0]); k++) {
				snprintf(name, sizeof(name), "%s%s", pre[k], s);
				same_as_psl(r, name);
			}
			snprintf(name, sizeof(name), "q.%s.corp.local", s);
			same_as_psl(r, name);
		}
		fclose(fp);
		ck_assert_uint_gt(compared, 40000);
	}
	regdomain_free(r);
}
END_TEST

/* The text form of labels: lower case, RFC 1035 presentation as the DNS log
 * writes it ("\." and "\\" for a dot and a backslash inside a label, a
 * space and bytes outside printable ASCII as \DDD), and never more than the
 * buffer holds (the output is a prefix of the full text, NUL-terminated). */
START_TEST(labels_text_form)
{
	static const uint8_t wire[] = {3, 'W', 'w', 'W', 4, 'a', '.', 'b', 0x01, 5, 'x', '\\', 0xff,
				       ' ', 'Z', 3, 'c', 'O', 'm', 0};
	dns_name_t n;
	memset(&n, 0, sizeof(n));
	memcpy(n.wire, wire, sizeof(wire));
	n.len = sizeof(wire);
	n.nlabels = 4;
	n.loff[0] = 0;
	n.loff[1] = 4;
	n.loff[2] = 9;
	n.loff[3] = 15;
	const char *full = "www.a\\.b\\001.x\\\\\\255\\032z.com";
	char buf[128];
	ck_assert_uint_eq(regdomain_labels_str(&n, 0, 4, buf, sizeof(buf)), strlen(full));
	ck_assert_str_eq(buf, full);
	ck_assert_uint_eq(regdomain_labels_str(&n, 2, 4, buf, sizeof(buf)), 16);
	ck_assert_str_eq(buf, "x\\\\\\255\\032z.com");
	ck_assert_uint_eq(regdomain_labels_str(&n, 3, 3, buf, sizeof(buf)), 0);
	ck_assert_str_eq(buf, "");
	/* every buffer size: a NUL-terminated text no longer than the buffer
	 * allows, escapes never cut in half */
	for (size_t cap = 1; cap <= strlen(full) + 1; cap++) {
		char small[64];
		memset(small, 'Q', sizeof(small));
		size_t l = regdomain_labels_str(&n, 0, 4, small, cap);
		ck_assert_uint_lt(l, cap);
		ck_assert_int_eq(small[l], '\0');
		ck_assert_int_eq(small[cap], 'Q');
		for (size_t i = 0; i < l; i++)
			if (small[i] == '\\') {
				if (small[i + 1] == '.' || small[i + 1] == '\\') {
					ck_assert_uint_le(i + 1, l - 1);
					i++;
					continue;
				}
				ck_assert_uint_le(i + 3, l - 1);
				ck_assert(small[i + 1] >= '0' && small[i + 1] <= '2');
			}
		ck_assert(l == 0 || strncmp(full, small, 1) == 0);
	}
}
END_TEST

/* A name of the given labels (octets as on the wire, any value). */
static void name_of_labels(dns_name_t *n, const uint8_t *const *labels, const unsigned *lens,
			   unsigned count)
{
	memset(n, 0, sizeof(*n));
	size_t o = 0;
	for (unsigned i = 0; i < count; i++) {
		n->loff[n->nlabels++] = (uint8_t)o;
		n->wire[o++] = (uint8_t)lens[i];
		memcpy(n->wire + o, labels[i], lens[i]);
		o += lens[i];
	}
	n->wire[o++] = 0;
	n->len = (uint16_t)o;
}

static void same_as_psl_labels(regdomain_t *r, const uint8_t *const *labels,
			       const unsigned *lens, unsigned count)
{
	dns_name_t n;
	name_of_labels(&n, labels, lens, count);
	regdomain_split_t a, b;
	regdomain_split(r, &n, &a);
	regdomain_split_psl(r, &n, &b);
	if (a.nlabels != b.nlabels || a.reg_first != b.reg_first || a.dropped != b.dropped ||
	    a.real_tld != b.real_tld)
		ck_abort_msg("labels %u, label of %u octets: table %u/%u/%u/%d, libpsl %u/%u/%u/%d",
			     count, lens[count > 1 ? 1 : 0], a.nlabels, a.reg_first, a.dropped,
			     a.real_tld, b.nlabels, b.reg_first, b.dropped, b.real_tld);
}

/* Labels of lengths around the 8-octet words of the label hash, with each
 * octet value at the first, a middle and the last position (and in mixed
 * case otherwise), alone, as the top-level label, under a wildcard rule
 * and under a listed TLD: the table's answer equals libpsl's. */
START_TEST(label_octets)
{
	static const unsigned lens[] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 12,
					15, 16, 17, 24, 31, 32, 33, 56, 62, 63};
	static const uint8_t fill[] =
		"xN--aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789-_AbCdEfGhIjKlMnOpQrStUvWxYz";
	ck_assert_uint_ge(sizeof(fill), 4 + 63);
	regdomain_t *r = regdomain_new();
	for (size_t li = 0; li < sizeof(lens) / sizeof(lens[0]); li++) {
		unsigned len = lens[li];
		unsigned at[3] = {0, len / 2, len - 1};
		for (unsigned b = 0; b < 256; b++)
			for (unsigned k = 0; k < 3; k++) {
				uint8_t label[63];
				memcpy(label, fill + 4, len);
				label[at[k]] = (uint8_t)b;
				const uint8_t *x = (const uint8_t *)"x";
				const uint8_t *ck = (const uint8_t *)"ck";
				const uint8_t *com = (const uint8_t *)"COM";
				const uint8_t *l1[] = {label};
				const unsigned n1[] = {len};
				same_as_psl_labels(r, l1, n1, 1);
				const uint8_t *l2[] = {x, label};
				const unsigned n2[] = {1, len};
				same_as_psl_labels(r, l2, n2, 2);
				const uint8_t *l3[] = {x, label, ck};
				const unsigned n3[] = {1, len, 2};
				same_as_psl_labels(r, l3, n3, 3);
				const uint8_t *l4[] = {x, label, com};
				const unsigned n4[] = {1, len, 3};
				same_as_psl_labels(r, l4, n4, 3);
			}
		/* "xn--" (either case) in front */
		for (unsigned c = 0; c < 4 && len >= 4; c++) {
			uint8_t label[63];
			memcpy(label, fill, len);
			label[0] = c & 1 ? 'X' : 'x';
			label[1] = c & 2 ? 'N' : 'n';
			const uint8_t *x = (const uint8_t *)"x";
			const uint8_t *l2[] = {x, label};
			const unsigned n2[] = {1, len};
			same_as_psl_labels(r, l2, n2, 2);
		}
	}
	regdomain_free(r);
}
END_TEST

/* The same top-level labels in changing case, and others between them,
 * answer the same as in lower case. */
START_TEST(tld_case)
{
	regdomain_t *r = regdomain_new();
	const char *names[] = {
		"a.example.com", "a.example.COM", "a.example.net", "a.example.Com",
		"a.example.cOm", "b.example.co.UK", "b.example.CO.uk", "b.example.com-",
		"b.example.c0m", "x.y.LOCAL", "x.y.local", "x.example.com.LOCAL",
		"q.blogspot.COM", "q.BlogSpot.com", "w.city.KAWASAKI.jp", "www.CITY.kawasaki.JP",
		"a.b.kawasaki.jp", "a.B.KAWASAKI.JP", "1.2.3.4.IN-ADDR.ARPA",
	};
	for (int round = 0; round < 2; round++)
		for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
			same_as_psl(r, names[i]);
	expect(r, "a.b.example.CO.UK", "example.co.uk");
	expect(r, "a.b.example.Co.Uk", "example.co.uk");
	regdomain_free(r);
}
END_TEST

/* Whether regdomain_inner() finds an inner registered domain in name
 * (want: its text, "" for none), and how many labels it drops. */
static void expect_inner(regdomain_t *r, const char *name, const char *want, unsigned drop)
{
	dns_name_t n;
	regdomain_split_t sp, in;
	ck_assert(regdomain_name_of_str(name, &n));
	regdomain_split(r, &n, &sp);
	bool got = regdomain_inner(r, &n, &sp, &in);
	ck_assert_msg(got == (want[0] != 0), "%s: inner %d", name, got);
	if (!got)
		return;
	char buf[DNS_NAME_STRLEN];
	regdomain_labels_str(&n, in.reg_first, in.nlabels, buf, sizeof(buf));
	ck_assert_msg(!strcmp(buf, want), "%s: got '%s', want '%s'", name, buf, want);
	ck_assert_uint_eq(in.dropped, drop);
	ck_assert_uint_eq(in.nlabels + in.dropped, n.nlabels);
	ck_assert(in.real_tld);
}

START_TEST(inner_registered)
{
	regdomain_t *r = regdomain_new();
	/* a search suffix that is a registered domain of its own */
	expect_inner(r, "mfrgg4dfmzrw63ln.t.reg-lab.net.corp.suffix-lab.com", "reg-lab.net", 3);
	expect_inner(r, "mfrgg4dfmzrw63ln.reg-lab.net.example.com", "reg-lab.net", 2);
	expect_inner(r, "p.a.example.co.uk.corp.example.com", "example.co.uk", 3);
	/* labels that read like one in an attacker's zone: found here, kept
	 * only with evidence by the detector */
	expect_inner(r, "mfrgg4dfmzrw63ln.update.com.x-lab.net", "update.com", 2);
	/* a data label in front of a TLD-like label is no domain */
	expect_inner(r, "mfrgg4dfmzrw63lnn5yha4.com.evil.net", "", 0);
	expect_inner(r, "aaaah7wqa.=auth.dk.tunnel.net", "", 0);
	/* none left of the registered domain, or too deep */
	expect_inner(r, "a.b.example.com", "", 0);
	expect_inner(r, "www.example.com", "", 0);
	expect_inner(r, "p.x.example.com.a.b.c.example.org", "", 0);
	/* the name's own split dropped a suffix already */
	expect_inner(r, "p.tunnel.example.com.corp.local", "", 0);
	ck_assert(!regdomain_name_of_str("a\\.b.com", &(dns_name_t){0}));
	ck_assert(!regdomain_name_of_str("a..com", &(dns_name_t){0}));
	regdomain_free(r);
}
END_TEST

static Suite *regdomain_suite(void)
{
	Suite *s = suite_create("regdomain");
	TCase *tc = tcase_create("core");
	tcase_add_test(tc, psl_split);
	tcase_add_test(tc, search_suffix);
	tcase_add_test(tc, table_matches_libpsl);
	tcase_add_test(tc, labels_text_form);
	tcase_add_test(tc, label_octets);
	tcase_add_test(tc, tld_case);
	tcase_add_test(tc, inner_registered);
	tcase_set_timeout(tc, 60);
	suite_add_tcase(s, tc);
	return s;
}

DNSTS_CHECK_MAIN(regdomain_suite)
