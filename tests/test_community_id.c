/*
 * test_community_id.c - Community ID v1 against the published test vectors
 * of the specification (community-id-spec, baseline/baseline_deflt.json:
 * seed 0, base64), for the transports the scanner sees (UDP, TCP; IPv4
 * and IPv6), in both directions of each flow.
 */
#include <arpa/inet.h>
#include <string.h>

#include "check_util.h"
#include "community_id.h"

static const struct {
	int af;
	const char *saddr, *daddr;
	uint8_t proto;
	uint16_t sport, dport;
	const char *id;
} vec[] = {
	{AF_INET, "192.168.1.52", "8.8.8.8", 17, 54585, 53, "1:d/FP5EW3wiY1vCndhwleRRKHowQ="},
	{AF_INET, "8.8.8.8", "192.168.1.52", 17, 53, 54585, "1:d/FP5EW3wiY1vCndhwleRRKHowQ="},
	{AF_INET, "128.232.110.120", "66.35.250.204", 6, 34855, 80,
	 "1:LQU9qZlK+B5F3KDmev6m5PMibrg="},
	{AF_INET, "66.35.250.204", "128.232.110.120", 6, 80, 34855,
	 "1:LQU9qZlK+B5F3KDmev6m5PMibrg="},
	{AF_INET6, "2001:470:e5bf:dead:4957:2174:e82c:4887", "2607:f8b0:400c:c03::1a", 6, 63943, 25,
	 "1:/qFaeAR+gFe1KYjMzVDsMv+wgU4="},
	{AF_INET6, "2607:f8b0:400c:c03::1a", "2001:470:e5bf:dead:4957:2174:e82c:4887", 6, 25, 63943,
	 "1:/qFaeAR+gFe1KYjMzVDsMv+wgU4="},
	/* equal addresses: the ports order the endpoints */
	{AF_INET, "192.168.170.8", "192.168.170.56", 132, 7, 7, "1:MP2EtRCAUIZvTw6MxJHLV7N7JDs="},
	{AF_INET, "192.168.170.56", "192.168.170.8", 132, 7, 7, "1:MP2EtRCAUIZvTw6MxJHLV7N7JDs="},
};

START_TEST(spec_vectors)
{
	for (size_t i = 0; i < sizeof vec / sizeof vec[0]; i++) {
		uint8_t s[16], d[16];
		ck_assert_int_eq(inet_pton(vec[i].af, vec[i].saddr, s), 1);
		ck_assert_int_eq(inet_pton(vec[i].af, vec[i].daddr, d), 1);
		char out[COMMUNITY_ID_LEN];
		size_t n = community_id_v1(0, s, d, vec[i].af == AF_INET ? 4 : 16, vec[i].proto,
					   vec[i].sport, vec[i].dport, out);
		ck_assert_uint_eq(n, 30);
		ck_assert_msg(strcmp(out, vec[i].id) == 0, "vector %zu: %s, want %s", i, out,
			      vec[i].id);
	}
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("community_id");
	TCase *tc = tcase_create("core");
	tcase_add_test(tc, spec_vectors);
	suite_add_tcase(s, tc);
	return s;
}

DNSTS_CHECK_MAIN(suite)
