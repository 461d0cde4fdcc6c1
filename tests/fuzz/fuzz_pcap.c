/*
 * fuzz_pcap.c - libFuzzer target for the whole pipeline on a capture file.
 *
 * The input is the bytes of a capture file (pcap or pcapng).  They are read
 * through fmemopen() by dnsts_scan_stream(), so the capture reader, the
 * decoder, fragment and TCP reassembly, the DNS parser and the detector all
 * run on them; then the report is written to /dev/null.  The last byte of
 * the input (packet data in any real capture) picks the mode: odd writes the
 * DNS message log as well (--messages), even scores every domain (--all).
 * Limits are set small so that the eviction paths run on small inputs.
 * Checks the packet accounting identity of dnsts_stats_t (and that the
 * DNS-shaped packets on other ports are within non_dns_packets).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include <dnsts/dnsts.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size == 0 || size > (1u << 20))
		return 0;
	FILE *null = fopen("/dev/null", "w");
	if (!null)
		abort();
	dnsts_options_t opt;
	dnsts_options_init(&opt);
	bool messages = data[size - 1] & 1;
	if (messages)
		opt.messages_out = null;
	else
		opt.report_all = true;
	opt.max_tcp_streams = 4;
	opt.max_tcp_stream_bytes = 4096;
	opt.max_tcp_total_bytes = 8192;
	opt.max_frag_trackers = 4;
	opt.max_frag_bytes = 16384;
	opt.max_domains = 8;
	opt.max_clients_per_domain = 4;
	char err[256];
	dnsts_scanner_t *s = dnsts_scanner_new(&opt, err, sizeof err);
	if (!s)
		abort();
	/* fmemopen() takes a non-const buffer but mode "r" never writes */
	FILE *fp = fmemopen((void *)(uintptr_t)data, size, "r");
	if (!fp)
		abort();
	(void)dnsts_scan_stream(s, fp, "fuzz", false);
	fclose(fp);
	dnsts_scanner_finish(s);
	const dnsts_stats_t *st = dnsts_scanner_stats(s);
	if (st->packets != st->udp_dns + st->tcp_dns + st->ip_fragments + st->truncated_packets +
				   st->non_dns_packets + st->unsupported_packets + st->filtered_packets +
				   st->duplicate_packets)
		abort();
	if (st->dns_other_ports > st->non_dns_packets) /* counted within that class */
		abort();
	const dnsts_input_t *in = dnsts_scanner_input(s, 0);
	if (!in || in->packets != st->packets)
		abort();
	size_t nf = 0;
	(void)dnsts_report_write(s, null, messages ? DNSTS_REPORT_NDJSON : DNSTS_REPORT_JSON, &nf);
	dnsts_scanner_free(s);
	fclose(null);
	return 0;
}
