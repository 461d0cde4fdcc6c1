/*
 * consumer.c - a program of another project, built against an installed
 * libdnsts (tests/cli_install.sh builds it through pkg-config and through
 * find_package): scans one capture through the public interface and prints
 * one line of what it found.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <dnsts/dnsts.h>

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: consumer CAPTURE\n");
		return 2;
	}
	if (strcmp(dnsts_version(), DNSTS_VERSION) != 0) {
		fprintf(stderr, "consumer: library %s, headers %s\n", dnsts_version(), DNSTS_VERSION);
		return 1;
	}
	dnsts_options_t opt;
	dnsts_options_init(&opt);
	char err[256];
	dnsts_scanner_t *s = dnsts_scanner_new(&opt, err, sizeof err);
	if (!s) {
		fprintf(stderr, "consumer: %s\n", err);
		return 1;
	}
	int rc = dnsts_scan_file(s, argv[1]);
	dnsts_scanner_finish(s);

	size_t nf = 0;
	FILE *null = fopen("/dev/null", "w");
	if (!null || dnsts_report_write(s, null, DNSTS_REPORT_JSON, &nf) != DNSTS_OK) {
		fprintf(stderr, "consumer: report failed\n");
		return 1;
	}
	fclose(null);
	const dnsts_stats_t *st = dnsts_scanner_stats(s);
	printf("version %s scan '%s' inputs %zu packets %llu messages %llu findings %zu:",
	       dnsts_version(), dnsts_strerror(rc), dnsts_scanner_ninputs(s),
	       (unsigned long long)st->packets, (unsigned long long)st->dns_messages, nf);

	size_t nd = 0;
	char **doms = dnsts_scanner_domains_over(s, opt.min_score, &nd);
	if (nd)
		qsort(doms, nd, sizeof *doms, cmp_str);
	for (size_t i = 0; i < nd; i++)
		printf(" %s", doms[i]);
	printf("\n");
	dnsts_strings_free(doms, nd);
	dnsts_scanner_free(s);
	return 0;
}
