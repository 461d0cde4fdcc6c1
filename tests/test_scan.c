/*
 * test_scan.c - the whole decoding pipeline (source -> capture -> decode ->
 * defrag / tcp_reasm -> dns_wire) on the project's own captures in
 * testdata/pcap.  The expected DNS message counts are the ones
 * testdata/README.md gives, which gen_testdata.py checked against tshark.
 */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <dnsts/cli.h>
#include <dnsts/dnsts.h>

#include "check_util.h"

static const struct {
	const char *file;
	uint64_t msgs;
} expected[] = {
	{"linktype-ethernet.pcap", 2},
	{"linktype-ethernet-vlan.pcap", 2},
	{"linktype-ethernet-qinq.pcap", 2},
	{"linktype-ethernet-mpls.pcap", 2},
	{"linktype-ethernet-pppoe.pcap", 2},
	{"linktype-linux-sll.pcap", 2},
	{"linktype-linux-sll2.pcap", 4},
	{"linktype-raw.pcap", 4},
	{"linktype-ipv4.pcap", 2},
	{"linktype-ipv6.pcap", 2},
	{"linktype-null.pcap", 4},
	{"linktype-loop.pcap", 4},
	{"linktype-nflog.pcap", 2},
	{"linktype-pktap.pcap", 2},
	{"linktype-ppp.pcap", 2},
	{"encap-gre.pcap", 4},
	{"encap-erspan2.pcap", 2},
	{"encap-erspan3.pcap", 2},
	{"encap-vxlan.pcap", 2},
	{"encap-geneve.pcap", 2},
	{"encap-gtpu.pcap", 2},
	{"encap-teredo.pcap", 2},
	{"encap-ipip.pcap", 2},
	{"encap-6in4.pcap", 2},
	{"ipv4-options.pcap", 2},
	{"ipv6-ext-headers.pcap", 2},
	{"ipv4-frag-inorder.pcap", 2},
	{"ipv4-frag-reversed.pcap", 2},
	{"ipv4-frag-shuffled-dup-overlap.pcap", 2},
	{"ipv4-frag-missing.pcap", 1},
	{"ipv6-frag-inorder.pcap", 2},
	{"ipv6-frag-reversed.pcap", 2},
	{"ipv6-frag-shuffled-dup-overlap.pcap", 2},
	{"ipv6-frag-missing.pcap", 1},
	{"tcp-split-message.pcap", 2},
	{"tcp-coalesced.pcap", 6},
	{"tcp-length-split.pcap", 2},
	{"tcp-out-of-order.pcap", 2},
	{"tcp-retransmission.pcap", 2},
	{"tcp-midstream.pcap", 4},
	{"tcp-seq-wrap.pcap", 4},
	{"dns-compression.pcap", 2},
	{"dns-pointer-loop.pcap", 3},
	{"dns-forward-pointer.pcap", 2},
	{"dns-odd-label-bytes.pcap", 14},
	{"dns-name-255.pcap", 2},
	{"dns-name-too-long.pcap", 1},
	{"trunc-snaplen.pcap", 3},
	{"trunc-last-record.pcap", 1},
	{"trunc-last-header.pcap", 2},
	{"dns-last-rr-cut.pcap", 2},
	{"format-pcap-be.pcap", 2},
	{"format-pcap-nsec.pcap", 2},
	{"format-pcapng.pcapng", 2},
	{"format-pcapng-multi-if.pcapng", 6},
	{"demo-tunnel.pcap", 556},
	{"demo.pcap.gz", 556},
	{"rotated-1.pcap", 142},
	{"rotated-2.pcap", 150},
	{"rotated-3.pcap", 150},
	{"span-copies.pcap", 142},
	{"span-copies-tcp.pcap", 6},
};

#define NEXPECTED (sizeof expected / sizeof expected[0])

/* Scan one file in DNS-log mode (no detection) and return the scanner. */
static dnsts_scanner_t *scan_one(const char *rel, FILE *log)
{
	dnsts_options_t opt;
	dnsts_options_init(&opt);
	opt.messages_out = log;
	char err[256];
	dnsts_scanner_t *s = dnsts_scanner_new(&opt, err, sizeof err);
	ck_assert_msg(s != NULL, "scanner: %s", err);
	dnsts_scan_file(s, tu_testdata(rel));
	dnsts_scanner_finish(s);
	return s;
}

static uint64_t packet_classes(const dnsts_stats_t *st)
{
	return st->udp_dns + st->tcp_dns + st->ip_fragments + st->truncated_packets +
	       st->non_dns_packets + st->unsupported_packets + st->filtered_packets +
	       st->duplicate_packets;
}

START_TEST(message_counts)
{
	char rel[256];
	snprintf(rel, sizeof rel, "pcap/%s", expected[_i].file);
	FILE *log = tmpfile();
	ck_assert_ptr_nonnull(log);
	dnsts_scanner_t *s = scan_one(rel, log);
	const dnsts_stats_t *st = dnsts_scanner_stats(s);
	ck_assert_msg(st->dns_messages == expected[_i].msgs, "%s: %llu DNS messages, expected %llu",
		      expected[_i].file, (unsigned long long)st->dns_messages,
		      (unsigned long long)expected[_i].msgs);
	ck_assert_uint_eq(st->dns_queries + st->dns_responses, st->dns_messages);
	/* every packet in exactly one class */
	ck_assert_msg(packet_classes(st) == st->packets, "%s: classes %llu != packets %llu",
		      expected[_i].file, (unsigned long long)packet_classes(st),
		      (unsigned long long)st->packets);
	ck_assert_uint_eq(st->unsupported_packets, 0);
	/* the DNS log has one line per message */
	rewind(log);
	int c, lines = 0;
	while ((c = fgetc(log)) != EOF)
		lines += c == '\n';
	ck_assert_uint_eq((uint64_t)lines, st->dns_messages);
	fclose(log);
	dnsts_scanner_free(s);
}
END_TEST

static const dnsts_stats_t *stats_of(const char *rel, dnsts_scanner_t **keep)
{
	FILE *log = fopen("/dev/null", "w");
	*keep = scan_one(rel, log);
	fclose(log);
	return dnsts_scanner_stats(*keep);
}

START_TEST(fragments_reassembled)
{
	static const char *complete[] = {
		"pcap/ipv4-frag-inorder.pcap", "pcap/ipv4-frag-reversed.pcap",
		"pcap/ipv4-frag-shuffled-dup-overlap.pcap", "pcap/ipv6-frag-inorder.pcap",
		"pcap/ipv6-frag-reversed.pcap", "pcap/ipv6-frag-shuffled-dup-overlap.pcap",
	};
	for (size_t i = 0; i < sizeof complete / sizeof complete[0]; i++) {
		dnsts_scanner_t *s;
		const dnsts_stats_t *st = stats_of(complete[i], &s);
		ck_assert_msg(st->reassembled_datagrams == 1, "%s", complete[i]);
		ck_assert_uint_ge(st->ip_fragments, 3);
		dnsts_scanner_free(s);
	}
	dnsts_scanner_t *s;
	const dnsts_stats_t *st = stats_of("pcap/ipv4-frag-missing.pcap", &s);
	ck_assert_uint_eq(st->reassembled_datagrams, 0);
	ck_assert_uint_ge(st->ip_fragments, 2);
	dnsts_scanner_free(s);
	st = stats_of("pcap/ipv4-frag-shuffled-dup-overlap.pcap", &s);
	ck_assert_uint_ge(st->frag_overlaps, 1);
	dnsts_scanner_free(s);
}
END_TEST

START_TEST(tcp_streams)
{
	static const char *files[] = {
		"pcap/tcp-split-message.pcap", "pcap/tcp-coalesced.pcap", "pcap/tcp-length-split.pcap",
		"pcap/tcp-out-of-order.pcap", "pcap/tcp-retransmission.pcap", "pcap/tcp-midstream.pcap",
		"pcap/tcp-seq-wrap.pcap",
	};
	for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
		dnsts_scanner_t *s;
		const dnsts_stats_t *st = stats_of(files[i], &s);
		ck_assert_msg(st->tcp_streams >= 1 && st->tcp_dns >= 2, "%s", files[i]);
		ck_assert_msg(st->udp_dns == 0, "%s", files[i]);
		ck_assert_msg(st->tcp_gaps == 0, "%s: %llu gaps", files[i],
			      (unsigned long long)st->tcp_gaps);
		dnsts_scanner_free(s);
	}
}
END_TEST

START_TEST(truncation_counted)
{
	dnsts_scanner_t *s;
	const dnsts_stats_t *st = stats_of("pcap/trunc-snaplen.pcap", &s);
	/* cut inside the IPv4 and the UDP header: truncated packets */
	ck_assert_uint_eq(st->truncated_packets, 2);
	ck_assert_uint_ge(st->malformed_dns, 2);
	dnsts_scanner_free(s);

	st = stats_of("pcap/trunc-last-record.pcap", &s);
	ck_assert_uint_eq(st->dns_messages, 1);
	const dnsts_input_t *in = dnsts_scanner_input(s, 0);
	ck_assert_ptr_nonnull(in->error);
	ck_assert_msg(strstr(in->error, "truncated") != NULL, "%s", in->error);
	dnsts_scanner_free(s);
}
END_TEST

START_TEST(formats_and_compression)
{
	dnsts_scanner_t *s;
	const dnsts_stats_t *st = stats_of("pcap/demo.pcap.gz", &s);
	const dnsts_input_t *in = dnsts_scanner_input(s, 0);
	ck_assert(in->compressed);
	ck_assert_str_eq(in->format, "pcap");
	ck_assert_uint_eq(st->dns_messages, 556);
	dnsts_scanner_free(s);

	st = stats_of("pcap/format-pcapng-multi-if.pcapng", &s);
	in = dnsts_scanner_input(s, 0);
	ck_assert_str_eq(in->format, "pcapng");
	ck_assert_uint_eq(in->nlinktypes, 2);
	ck_assert_int_eq(in->linktypes[0], 1);
	ck_assert_int_eq(in->linktypes[1], 101);
	dnsts_scanner_free(s);

	st = stats_of("pcap/format-pcap-nsec.pcap", &s);
	in = dnsts_scanner_input(s, 0);
	ck_assert_uint_eq(in->first_ns % 1000000000u, 123456789u);
	dnsts_scanner_free(s);
}
END_TEST

/* Scan one file with detection (no DNS log) and finish. */
static dnsts_scanner_t *detect_one(const char *rel)
{
	char err[256];
	dnsts_scanner_t *s = dnsts_scanner_new(NULL, err, sizeof err);
	ck_assert_msg(s != NULL, "scanner: %s", err);
	ck_assert_int_eq(dnsts_scan_file(s, tu_testdata(rel)), DNSTS_OK);
	dnsts_scanner_finish(s);
	return s;
}

/* Merged into one scanner, kept apart (--per-file) or aggregated, inputs
 * keep their detection counters: apart, they add up. */
START_TEST(merge_keeps_detection_counters)
{
	static const char *files[] = {"pcap/demo-tunnel.pcap", "pcap/rotated-1.pcap"};
	for (int apart = 0; apart <= 1; apart++) {
		char err[256];
		dnsts_scanner_t *dst = dnsts_scanner_new(NULL, err, sizeof err);
		ck_assert_ptr_nonnull(dst);
		dnsts_stats_t sum = {0};
		for (size_t i = 0; i < 2; i++) {
			dnsts_scanner_t *src = detect_one(files[i]);
			const dnsts_stats_t *st = dnsts_scanner_stats(src);
			ck_assert_uint_gt(st->base_domains, 0);
			ck_assert_uint_gt(st->tracked_domains, 0);
			sum.base_domains += st->base_domains;
			sum.tracked_domains += st->tracked_domains;
			sum.allowlisted_queries += st->allowlisted_queries;
			sum.dns_messages += st->dns_messages;
			ck_assert_int_eq(dnsts_scanner_merge(dst, src, apart), DNSTS_OK);
			dnsts_scanner_free(src);
		}
		dnsts_scanner_finish(dst);
		const dnsts_stats_t *st = dnsts_scanner_stats(dst);
		ck_assert_uint_eq(st->dns_messages, sum.dns_messages);
		ck_assert_uint_gt(sum.allowlisted_queries, 0);
		if (apart) {
			ck_assert_uint_eq(st->base_domains, sum.base_domains);
			ck_assert_uint_eq(st->tracked_domains, sum.tracked_domains);
			ck_assert_uint_eq(st->allowlisted_queries, sum.allowlisted_queries);
		} else {
			/* the rotated part's tunnel is in the demo too: counted once */
			ck_assert_uint_gt(st->base_domains, 0);
			ck_assert_uint_le(st->base_domains, sum.base_domains);
			ck_assert_uint_eq(st->allowlisted_queries, sum.allowlisted_queries);
		}
		dnsts_scanner_free(dst);
	}
}
END_TEST

/* A SPAN port's copies (every packet again within microseconds) count once:
 * every counter but the packets, bytes and duplicate_packets, and the
 * findings, are those of the capture without copies. */
START_TEST(span_copies_count_once)
{
	static const char *pairs[][2] = {
		{"pcap/rotated-1.pcap", "pcap/span-copies.pcap"},
		{"pcap/tcp-coalesced.pcap", "pcap/span-copies-tcp.pcap"},
	};
	for (size_t k = 0; k < 2; k++) {
		dnsts_scanner_t *a = detect_one(pairs[k][0]), *b = detect_one(pairs[k][1]);
		dnsts_stats_t sa = *dnsts_scanner_stats(a), sb = *dnsts_scanner_stats(b);
		ck_assert_uint_eq(sa.duplicate_packets, 0);
		ck_assert_uint_eq(sb.duplicate_packets, sa.packets);
		ck_assert_uint_eq(sb.packets, 2 * sa.packets);
		ck_assert_uint_eq(sb.bytes, 2 * sa.bytes);
		ck_assert_uint_eq(packet_classes(&sb), sb.packets);
		sb.packets = sa.packets;
		sb.bytes = sa.bytes;
		sb.duplicate_packets = 0;
		ck_assert_msg(memcmp(&sa, &sb, sizeof sa) == 0, "%s: counters differ", pairs[k][1]);
		/* the same findings: compare the reports without the input names */
		char *ra = NULL, *rb = NULL;
		size_t la = 0, lb = 0;
		FILE *fa = open_memstream(&ra, &la), *fb = open_memstream(&rb, &lb);
		ck_assert_int_eq(dnsts_report_write(a, fa, DNSTS_REPORT_TEXT, NULL), DNSTS_OK);
		ck_assert_int_eq(dnsts_report_write(b, fb, DNSTS_REPORT_TEXT, NULL), DNSTS_OK);
		fclose(fa);
		fclose(fb);
		/* the first line counts packets; the finding lines follow */
		ck_assert_ptr_nonnull(strchr(ra, '\n'));
		ck_assert_ptr_nonnull(strchr(rb, '\n'));
		ck_assert_str_eq(strchr(ra, '\n'), strchr(rb, '\n'));
		free(ra);
		free(rb);
		dnsts_scanner_free(a);
		dnsts_scanner_free(b);
	}
}
END_TEST

/* A detecting scanner that scans identical inputs once. */
static dnsts_scanner_t *dedup_scanner(void)
{
	char err[256];
	dnsts_scanner_t *s = dnsts_scanner_new(NULL, err, sizeof err);
	ck_assert_msg(s != NULL, "scanner: %s", err);
	dnsts_scanner_dedup_inputs(s, true);
	return s;
}

static char *path_of(const char *rel)
{
	char *p = strdup(tu_testdata(rel));
	ck_assert_ptr_nonnull(p);
	return p;
}

/* What a duplicate must leave as it was: the single input's results. */
static void check_like_single(dnsts_scanner_t *s, const dnsts_stats_t *one, size_t ncopies,
			      uint64_t npackets)
{
	const dnsts_stats_t *st = dnsts_scanner_stats(s);
	ck_assert_uint_eq(st->dns_messages, one->dns_messages);
	ck_assert_uint_eq(st->dns_queries, one->dns_queries);
	ck_assert_uint_eq(st->udp_dns, one->udp_dns);
	ck_assert_uint_eq(st->base_domains, one->base_domains);
	ck_assert_uint_eq(st->tracked_domains, one->tracked_domains);
	ck_assert_uint_eq(st->allowlisted_queries, one->allowlisted_queries);
	ck_assert_uint_eq(st->duplicate_inputs, ncopies);
	ck_assert_uint_eq(st->duplicate_packets, ncopies * npackets);
	ck_assert_uint_eq(st->packets, (ncopies + 1) * npackets);
	ck_assert_uint_eq(packet_classes(st), st->packets);
	size_t nf = 0;
	FILE *null = fopen("/dev/null", "w");
	ck_assert_int_eq(dnsts_report_write(s, null, DNSTS_REPORT_JSON, &nf), DNSTS_OK);
	fclose(null);
	ck_assert_uint_eq(nf, 2);
}

/* A capture, its gzip-compressed copy and itself again, in one scanner or
 * in scanners merged in order: scanned once, the copies named. */
START_TEST(duplicate_inputs_scanned_once)
{
	char *plain = path_of("pcap/demo-tunnel.pcap");
	char *gz = path_of("pcap/demo.pcap.gz"); /* the same capture, compressed */
	dnsts_scanner_t *one = detect_one("pcap/demo-tunnel.pcap");
	dnsts_stats_t st1 = *dnsts_scanner_stats(one);
	uint64_t npk = st1.packets;
	ck_assert_uint_eq(st1.duplicate_packets, 0);
	dnsts_scanner_free(one);

	/* one scanner */
	dnsts_scanner_t *s = dedup_scanner();
	ck_assert_int_eq(dnsts_scan_file(s, plain), DNSTS_OK);
	ck_assert_int_eq(dnsts_scan_file(s, gz), DNSTS_OK);
	ck_assert_int_eq(dnsts_scan_file(s, plain), DNSTS_OK);
	dnsts_scanner_finish(s);
	/* before the copies are compared (progress): each domain once */
	ck_assert_uint_eq(dnsts_scanner_ninputs(s), 3);
	size_t n = 0;
	char **d = dnsts_scanner_domains_over(s, 60, &n);
	ck_assert_uint_eq(n, 2); /* the demo's two tunnels */
	dnsts_strings_free(d, n);
	check_like_single(s, &st1, 2, npk);
	ck_assert_uint_eq(dnsts_scanner_ninputs(s), 3);
	ck_assert_ptr_null(dnsts_scanner_input(s, 0)->duplicate_of);
	ck_assert_str_eq(dnsts_scanner_input(s, 1)->duplicate_of, plain);
	ck_assert_str_eq(dnsts_scanner_input(s, 2)->duplicate_of, plain);
	ck_assert_uint_eq(dnsts_scanner_input(s, 1)->packets, npk); /* its own count stays */
	dnsts_scanner_free(s);

	/* scanners merged in order, aggregated and kept apart (--per-file) */
	for (int apart = 0; apart <= 1; apart++) {
		char err[256];
		dnsts_scanner_t *dst = dnsts_scanner_new(NULL, err, sizeof err);
		ck_assert_ptr_nonnull(dst);
		const char *order[] = {gz, plain};
		for (size_t i = 0; i < 2; i++) {
			dnsts_scanner_t *src = dedup_scanner();
			ck_assert_int_eq(dnsts_scan_file(src, order[i]), DNSTS_OK);
			dnsts_scanner_finish(src);
			ck_assert_int_eq(dnsts_scanner_merge(dst, src, apart), DNSTS_OK);
			dnsts_scanner_free(src);
		}
		dnsts_scanner_finish(dst);
		check_like_single(dst, &st1, 1, npk);
		ck_assert_ptr_null(dnsts_scanner_input(dst, 0)->duplicate_of);
		ck_assert_str_eq(dnsts_scanner_input(dst, 1)->duplicate_of, gz);
		dnsts_scanner_free(dst);
	}
	free(plain);
	free(gz);
}
END_TEST

/* Without the option, or for a damaged input (no identity: it was not read
 * to its end), a second copy is scanned again. */
START_TEST(duplicates_need_option_and_clean_end)
{
	char *demo = path_of("pcap/demo-tunnel.pcap");
	char err[256];
	dnsts_scanner_t *s = dnsts_scanner_new(NULL, err, sizeof err);
	ck_assert_ptr_nonnull(s);
	dnsts_scan_file(s, demo);
	dnsts_scan_file(s, demo);
	dnsts_scanner_finish(s);
	const dnsts_stats_t *st = dnsts_scanner_stats(s);
	ck_assert_uint_eq(st->dns_messages, 2 * 556);
	ck_assert_uint_eq(st->duplicate_inputs, 0);
	dnsts_scanner_free(s);

	char *cut = path_of("pcap/trunc-last-record.pcap");
	s = dedup_scanner();
	ck_assert_int_lt(dnsts_scan_file(s, cut), 0);
	ck_assert_int_lt(dnsts_scan_file(s, cut), 0);
	dnsts_scanner_finish(s);
	st = dnsts_scanner_stats(s);
	ck_assert_uint_eq(st->duplicate_inputs, 0);
	ck_assert_uint_eq(st->dns_messages, 2);
	ck_assert_ptr_null(dnsts_scanner_input(s, 1)->duplicate_of);
	dnsts_scanner_free(s);
	free(demo);
	free(cut);
}
END_TEST

/* The library's version at run time is the headers' (one build here), and
 * the numbers agree with the text. */
START_TEST(version)
{
	ck_assert_str_eq(dnsts_version(), DNSTS_VERSION);
	unsigned ma, mi, pa;
	char end;
	ck_assert_int_eq(sscanf(dnsts_version(), "%u.%u.%u%c", &ma, &mi, &pa, &end), 3);
	ck_assert_uint_eq(ma, DNSTS_VERSION_MAJOR);
	ck_assert_uint_eq(mi, DNSTS_VERSION_MINOR);
	ck_assert_uint_eq(pa, DNSTS_VERSION_PATCH);
	ck_assert_uint_eq(DNSTS_VERSION_NUMBER, ma << 16 | mi << 8 | pa);
}
END_TEST

/* Options carry their size: a struct not set up by dnsts_options_init, or
 * from newer headers (larger), is refused with a reason. */
START_TEST(options_size_checked)
{
	dnsts_options_t opt;
	char err[256];
	dnsts_options_init(&opt);
	ck_assert_uint_eq(opt.size, sizeof opt);
	dnsts_scanner_t *s = dnsts_scanner_new(&opt, err, sizeof err);
	ck_assert_ptr_nonnull(s);
	dnsts_scanner_free(s);

	opt.size = 0;
	err[0] = '\0';
	ck_assert_ptr_null(dnsts_scanner_new(&opt, err, sizeof err));
	ck_assert_msg(strstr(err, "dnsts_options_init") != NULL, "%s", err);
	opt.size = sizeof opt + 8;
	ck_assert_ptr_null(dnsts_scanner_new(&opt, err, sizeof err));
	ck_assert_msg(strstr(err, "newer") != NULL, "%s", err);

	/* the smallest size a program may pass: the 0.1 layout */
	opt.size = offsetof(dnsts_options_t, max_clients_per_domain) + sizeof(size_t);
	opt.min_score = 0;
	s = dnsts_scanner_new(&opt, err, sizeof err);
	ck_assert_msg(s != NULL, "%s", err);
	dnsts_scanner_free(s);
}
END_TEST

/* dnsts_scanner_domains_over: the demo's two tunnels, as strings the caller
 * frees with dnsts_strings_free. */
START_TEST(domains_over_owned_by_caller)
{
	dnsts_scanner_t *s = detect_one("pcap/demo-tunnel.pcap");
	size_t n = 99;
	char **v = dnsts_scanner_domains_over(s, 60, &n);
	ck_assert_uint_eq(n, 2);
	ck_assert_ptr_nonnull(v);
	bool cdn = false, metrics = false;
	for (size_t i = 0; i < n; i++) {
		cdn |= strcmp(v[i], "t.fictional-cdn-sync.net") == 0;
		metrics |= strcmp(v[i], "x.fictional-metrics-report.com") == 0;
	}
	ck_assert(cdn && metrics);
	dnsts_strings_free(v, n);
	/* none over 100: NULL */
	v = dnsts_scanner_domains_over(s, 100.5, &n);
	ck_assert_ptr_null(v);
	ck_assert_uint_eq(n, 0);
	dnsts_strings_free(NULL, 0);
	dnsts_scanner_free(s);
}
END_TEST

static Suite *scan_suite(void)
{
	Suite *s = suite_create("scan");
	TCase *tc = tcase_create("testdata");
	tcase_set_timeout(tc, 60);
	tcase_add_loop_test(tc, message_counts, 0, (int)NEXPECTED);
	tcase_add_test(tc, fragments_reassembled);
	tcase_add_test(tc, tcp_streams);
	tcase_add_test(tc, truncation_counted);
	tcase_add_test(tc, formats_and_compression);
	tcase_add_test(tc, merge_keeps_detection_counters);
	tcase_add_test(tc, span_copies_count_once);
	tcase_add_test(tc, duplicate_inputs_scanned_once);
	tcase_add_test(tc, duplicates_need_option_and_clean_end);
	tcase_add_test(tc, version);
	tcase_add_test(tc, options_size_checked);
	tcase_add_test(tc, domains_over_owned_by_caller);
	suite_add_tcase(s, tc);
	return s;
}

DNSTS_CHECK_MAIN(scan_suite)
