/*
 * fuzz_dns_wire.c - libFuzzer target for the DNS message parser.
 *
 * Parses the input as a DNS message, runs dns_msg_parse_all, iterates every
 * record and renders every name, mnemonic and RDATA, into buffers of full
 * size and into small ones (so the truncation paths run too).  It checks the
 * invariants the callers rely on: returned lengths match the strings, the
 * output is printable ASCII, and the iterator never returns a record outside
 * the message.  Inputs over 65535 bytes (more than a DNS message can be) are
 * ignored.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dns_rdata.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_text(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] < 0x20 || s[i] > 0x7e)
			abort();
}

static void render_name(const dns_name_t *n)
{
	static char big[DNS_NAME_STRLEN];
	char small[7];
	size_t len = dns_name_to_str(n, big, sizeof big);
	if (len >= sizeof big || len != strlen(big))
		abort();
	check_text(big, len);
	size_t len2 = dns_name_to_str(n, small, sizeof small);
	if (len2 != len || strlen(small) != (len < sizeof small ? len : sizeof small - 1))
		abort();
	if (n->len > DNS_MAX_NAME || n->nlabels > DNS_MAX_LABELS)
		abort();
	for (unsigned i = 0; i < n->nlabels; i++) {
		unsigned ll;
		const uint8_t *l = dns_name_label(n, i, &ll);
		if (ll == 0 || ll > 63 || l + ll > n->wire + n->len)
			abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char big[65535 * 5];
	char small[9], tmp[16];
	dns_msg_t m;

	if (size > 65535)
		return 0;
	if (dns_msg_parse(&m, data, size) != 0)
		return 0;
	render_name(&m.qname);
	(void)dns_type_str(m.qtype, tmp);
	(void)dns_class_str(m.qclass, tmp);
	(void)dns_opcode_str(m.opcode, tmp);
	dns_msg_parse_all(&m);
	(void)dns_rcode_str(m.rcode, tmp);

	dns_rr_iter_t it;
	dns_rr_t rr;
	dns_rr_iter_init(&it, &m);
	while (dns_rr_next(&it, &rr) == 1) {
		if ((size_t)rr.rdoff + rr.rdlen > size)
			abort();
		render_name(&rr.name);
		(void)dns_type_str(rr.type, tmp);
		(void)dns_class_str(rr.rclass, tmp);
		int n = dns_rdata_to_str(&m, &rr, big, sizeof big);
		size_t len = strlen(big);
		if (n >= 0 && (size_t)n != len)
			abort();
		check_text(big, len);
		int n2 = dns_rdata_to_str(&m, &rr, small, sizeof small);
		if (n2 != n || strlen(small) > sizeof small - 1)
			abort();
		if (n >= 0 && dns_rdata_to_str(&m, &rr, NULL, 0) != n)
			abort();
		if (dns_rdata_check(&m, &rr) != (n < 0 ? n : 0))
			abort();
	}
	return 0;
}
