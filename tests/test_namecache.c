/* test_namecache.c - the detector's name cache: a stored name is found
 * again on its port and generation only, octet for octet; names that
 * share a slot displace each other; long names are not cached; the slot
 * hash spreads names over the table, their last octets included. */
#include <stdio.h>
#include <string.h>

#include "check_util.h"
#include "namecache.h"

/* "www.example.com" style text to wire form; returns the length. */
static size_t wire(const char *s, uint8_t *out)
{
	size_t o = 0;
	while (*s) {
		const char *dot = strchr(s, '.');
		size_t len = dot ? (size_t)(dot - s) : strlen(s);
		out[o++] = (uint8_t)len;
		memcpy(out + o, s, len);
		o += len;
		s += len;
		if (*s == '.')
			s++;
	}
	out[o++] = 0;
	return o;
}

START_TEST(store_and_hold)
{
	namecache_t *c = namecache_new();
	ck_assert_ptr_nonnull(c);
	uint8_t n[256], other[256];
	size_t len = wire("www.example.com", n);
	namecache_entry_t *e = namecache_slot(c, n, len, 53);
	ck_assert_ptr_nonnull(e);
	ck_assert(!namecache_holds(e, 1, n, len, 53)); /* empty */
	qinfo_t qi;
	memset(&qi, 0, sizeof qi);
	qi.h = 0x1234;
	qi.rec = 7;
	qi.pbit = 9;
	namecache_store(e, 1, n, len, 53, &qi);
	ck_assert(namecache_holds(e, 1, n, len, 53));
	ck_assert_uint_eq(e->qi.h, 0x1234);
	ck_assert_uint_eq(e->qi.rec, 7);
	ck_assert_uint_eq(e->qi.pbit, 9);
	/* the same slot for the same name and port */
	ck_assert_ptr_eq(namecache_slot(c, n, len, 53), e);
	/* another generation, port, spelling or name: not held */
	ck_assert(!namecache_holds(e, 2, n, len, 53));
	ck_assert(!namecache_holds(e, 1, n, len, 5353));
	size_t olen = wire("WWW.example.com", other);
	ck_assert(!namecache_holds(e, 1, other, olen, 53));
	olen = wire("www.example.co", other);
	ck_assert(!namecache_holds(e, 1, other, olen, 53));
	namecache_free(c);
}
END_TEST

/* Two names of one slot: the later one displaces the earlier. */
START_TEST(collision_displaces)
{
	namecache_t *c = namecache_new();
	uint8_t a[256], b[256];
	char text[64];
	size_t alen = wire("host0.example.net", a), blen = 0;
	size_t slot = namecache_hash(a, alen, 53);
	for (unsigned i = 1; i < 100000 && !blen; i++) {
		snprintf(text, sizeof text, "host%u.example.net", i);
		size_t l = wire(text, b);
		if (namecache_hash(b, l, 53) == slot)
			blen = l;
	}
	ck_assert_uint_gt(blen, 0);
	qinfo_t qa, qb;
	memset(&qa, 0, sizeof qa);
	memset(&qb, 0, sizeof qb);
	qa.h = 1;
	qb.h = 2;
	namecache_entry_t *e = namecache_slot(c, a, alen, 53);
	namecache_store(e, 1, a, alen, 53, &qa);
	ck_assert_ptr_eq(namecache_slot(c, b, blen, 53), e);
	ck_assert(!namecache_holds(e, 1, b, blen, 53));
	namecache_store(e, 1, b, blen, 53, &qb);
	ck_assert(namecache_holds(e, 1, b, blen, 53));
	ck_assert(!namecache_holds(e, 1, a, alen, 53));
	ck_assert_uint_eq(e->qi.h, 2);
	namecache_free(c);
}
END_TEST

/* Names up to NAMECACHE_NAME wire octets have a slot; longer ones none. */
START_TEST(long_names_not_cached)
{
	namecache_t *c = namecache_new();
	uint8_t n[256];
	memset(n, 'a', sizeof n);
	namecache_entry_t *e = namecache_slot(c, n, NAMECACHE_NAME, 53);
	ck_assert_ptr_nonnull(e);
	qinfo_t qi;
	memset(&qi, 0, sizeof qi);
	namecache_store(e, 3, n, NAMECACHE_NAME, 53, &qi);
	ck_assert(namecache_holds(e, 3, n, NAMECACHE_NAME, 53));
	ck_assert_ptr_null(namecache_slot(c, n, NAMECACHE_NAME + 1, 53));
	ck_assert_ptr_null(namecache_slot(c, n, 255, 53));
	namecache_free(c);
}
END_TEST

/* The slot spreads names that differ where names of a capture differ,
 * their leftmost labels: for every length of name up to the longest
 * cached, the 256 names "<x...>.com" that differ in one octet of the
 * first label (its first, middle or last) take many slots (about 240 of
 * 256 for a random hash; 160 at least), and 2048 distinct names fill
 * about 1 - 1/e of the table. */
START_TEST(hash_spreads)
{
	static unsigned char used[NAMECACHE_SLOTS];
	uint8_t n[NAMECACHE_NAME];
	for (size_t len = 7; len <= NAMECACHE_NAME; len++) {
		size_t ll = len - 6; /* len: 1 + ll + 1 + 3 + 1 (the root) */
		n[0] = (uint8_t)ll;
		memset(n + 1, 'q', ll);
		memcpy(n + 1 + ll, "\003com", 5); /* and the root */
		size_t pos[3] = {1, 1 + ll / 2, ll};
		for (unsigned k = 0; k < 3; k++) {
			memset(used, 0, sizeof used);
			unsigned distinct = 0;
			for (unsigned v = 0; v < 256; v++) {
				n[pos[k]] = (uint8_t)v;
				size_t s = namecache_hash(n, len, 53); /* < NAMECACHE_SLOTS */
				distinct += !used[s];
				used[s] = 1;
			}
			n[pos[k]] = (uint8_t)'q';
			ck_assert_msg(distinct >= 160, "length %zu, octet %zu: %u slots", len, pos[k],
				      distinct);
		}
	}
	memset(used, 0, sizeof used);
	unsigned distinct = 0;
	for (unsigned i = 0; i < NAMECACHE_SLOTS; i++) {
		char text[64];
		snprintf(text, sizeof text, "a%u.example.org", i);
		uint8_t w[64];
		size_t l = wire(text, w);
		size_t s = namecache_hash(w, l, 53);
		distinct += !used[s];
		used[s] = 1;
	}
	ck_assert_msg(distinct > 1200 && distinct < 1400, "%u slots", distinct);
	/* the port is part of the key */
	uint8_t w[64];
	size_t l = wire("www.example.com", w);
	ck_assert_uint_ne(namecache_hash(w, l, 53), namecache_hash(w, l, 5353));
}
END_TEST

static Suite *namecache_suite(void)
{
	Suite *s = suite_create("namecache");
	TCase *tc = tcase_create("core");
	tcase_add_test(tc, store_and_hold);
	tcase_add_test(tc, collision_displaces);
	tcase_add_test(tc, long_names_not_cached);
	tcase_add_test(tc, hash_spreads);
	suite_add_tcase(s, tc);
	return s;
}

DNSTS_CHECK_MAIN(namecache_suite)
