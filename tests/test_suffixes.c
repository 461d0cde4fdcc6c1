/* test_suffixes.c - search-suffix evidence: the same names give the same
 * table in any order and cut into any pieces; bounded; a suffix behind
 * two unrelated registered domains is a search suffix; private-network
 * names are recognised by whole labels. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check_util.h"
#include "suffixes.h"

/* Event i: suffix i % 97 behind registered domain (i * 7) % 5. */
static void note(suffixes_t *s, unsigned i)
{
	char sfx[32], reg[32];
	snprintf(sfx, sizeof(sfx), "corp%u.lab", i % 97);
	snprintf(reg, sizeof(reg), "site%u.com", (i * 7) % 5);
	ck_assert_int_eq(suffixes_note(s, suffixes_hash(sfx, strlen(sfx)), sfx,
				       suffixes_hash(reg, strlen(reg))), 0);
}

static void assert_same(const suffixes_t *a, const suffixes_t *b)
{
	ck_assert_uint_eq(a->n, b->n);
	ck_assert_int_eq(a->dropped, b->dropped);
	for (uint32_t i = 0; i < a->n; i++) {
		ck_assert(a->e[i].h == b->e[i].h);
		ck_assert_uint_eq(a->e[i].nreg, b->e[i].nreg);
		ck_assert_int_eq(memcmp(a->e[i].reg, b->e[i].reg, sizeof(a->e[i].reg)), 0);
		ck_assert_str_eq(a->e[i].text, b->e[i].text);
	}
}

START_TEST(order_free_and_bounded)
{
	enum { N = 2000 };
	suffixes_t whole, back, acc;
	suffixes_init(&whole);
	suffixes_init(&back);
	suffixes_init(&acc);
	for (unsigned i = 0; i < N; i++)
		note(&whole, i);
	for (unsigned i = N; i-- > 0;)
		note(&back, i);
	assert_same(&whole, &back);
	ck_assert_uint_eq(whole.n, SFX_MAX); /* 97 suffixes, 64 kept */
	ck_assert(whole.dropped);
	for (unsigned p = 0; p < 7; p++) {
		suffixes_t piece;
		suffixes_init(&piece);
		for (unsigned i = p * N / 7; i < (p + 1) * N / 7; i++)
			note(&piece, i);
		ck_assert_int_eq(suffixes_merge(&acc, &piece), 0);
		suffixes_clear(&piece);
	}
	assert_same(&whole, &acc);
	for (uint32_t i = 1; i < whole.n; i++)
		ck_assert(whole.e[i - 1].h < whole.e[i].h);
	suffixes_clear(&whole);
	suffixes_clear(&back);
	suffixes_clear(&acc);
}
END_TEST

START_TEST(search_suffix_needs_two_domains)
{
	suffixes_t s;
	suffixes_init(&s);
	const char *sfx = "corp.lab";
	uint64_t h = suffixes_hash(sfx, strlen(sfx));
	ck_assert_ptr_null(suffixes_find(&s, h));
	for (int k = 0; k < 10; k++)
		ck_assert_int_eq(suffixes_note(&s, h, sfx, 42), 0);
	ck_assert(!sfx_is_search_suffix(suffixes_find(&s, h)));
	ck_assert_int_eq(suffixes_note(&s, h, sfx, 43), 0);
	ck_assert(sfx_is_search_suffix(suffixes_find(&s, h)));
	ck_assert_str_eq(suffixes_find(&s, h)->text, "corp.lab");
	suffixes_clear(&s);
}
END_TEST

START_TEST(private_names)
{
	sfx_ent_t e;
	memset(&e, 0, sizeof(e));
	const char *yes[] = {"local", "dccore200.local", "ad.corp", "home.arpa", "x.internal", "lan"};
	const char *no[] = {"x.lab", "notlocal", "local.example", "xcorp", "arpa", "mylan"};
	for (size_t i = 0; i < sizeof(yes) / sizeof(yes[0]); i++) {
		snprintf(e.text, sizeof(e.text), "%s", yes[i]);
		ck_assert_msg(sfx_is_private(&e), "%s", yes[i]);
	}
	for (size_t i = 0; i < sizeof(no) / sizeof(no[0]); i++) {
		snprintf(e.text, sizeof(e.text), "%s", no[i]);
		ck_assert_msg(!sfx_is_private(&e), "%s", no[i]);
	}
	ck_assert(!sfx_is_private(NULL));
}
END_TEST

static Suite *suffixes_suite(void)
{
	Suite *s = suite_create("suffixes");
	TCase *t = tcase_create("core");
	tcase_add_test(t, order_free_and_bounded);
	tcase_add_test(t, search_suffix_needs_two_domains);
	tcase_add_test(t, private_names);
	suite_add_tcase(s, t);
	return s;
}

DNSTS_CHECK_MAIN(suffixes_suite)
