/*
 * carve_msg.c - what the --carve framings read of a kept DNS message: the
 * query name's labels before the zone, a name's labels before the zone,
 * the records and TXT strings of a message.  See carve.h.
 */
#include "carve.h"

#include <string.h>

#include "ascii.h"

/* Are labels [i, j) of name n the zone of job (case-insensitively)? */
bool carve_labels_are_zone(const carve_job_t *job, const dns_name_t *n, unsigned i, unsigned j)
{
	size_t a = n->loff[i], b = j < n->nlabels ? n->loff[j] : (size_t)n->len - 1;
	if (b - a != job->zlen - 1)
		return false;
	for (size_t k = 0; k < b - a; k++)
		if (ascii_lower(n->wire[a + k]) != job->zone[k])
			return false;
	return true;
}

int carve_parse(const carve_msg_t *msg, dns_msg_t *m)
{
	if (dns_msg_parse(m, msg->wire, msg->len) != 0 || !m->has_question)
		return -1;
	return 0;
}

static size_t join_labels(const dns_name_t *n, unsigned from, unsigned to, bool dots, char *out,
			  size_t cap)
{
	size_t w = 0;
	if (cap == 0)
		return 0;
	for (unsigned i = from; i < to && i < n->nlabels; i++) {
		unsigned len;
		const uint8_t *p = dns_name_label(n, i, &len);
		if (dots && i > from && w + 1 < cap)
			out[w++] = '.';
		for (unsigned k = 0; k < len && w + 1 < cap; k++)
			out[w++] = (char)p[k];
	}
	out[w] = 0;
	return w;
}

size_t carve_qpayload(const dns_msg_t *m, unsigned npay, bool dots, char *out, size_t cap)
{
	return join_labels(&m->qname, 0, npay, dots, out, cap);
}

long carve_name_payload(const carve_job_t *j, const dns_name_t *n, bool dots, char *out,
			size_t cap, unsigned *nlab)
{
	for (unsigned i = 0; i < n->nlabels; i++)
		for (unsigned k = n->nlabels; k > i && k + 3 >= n->nlabels; k--)
			if (carve_labels_are_zone(j, n, i, k)) {
				if (nlab)
					*nlab = i;
				return (long)join_labels(n, 0, i, dots, out, cap);
			}
	return -1;
}

size_t carve_records(dns_msg_t *m, bool all, carve_rr_t *rr, size_t max)
{
	dns_rr_iter_t it;
	dns_rr_t r;
	size_t n = 0;
	dns_rr_iter_init(&it, m);
	it.no_names = true;
	while (n < max && dns_rr_next(&it, &r) == 1) {
		if (r.section == DNS_SEC_QUESTION || (!all && r.section != DNS_SEC_ANSWER))
			continue;
		if (r.rdoff > m->len || r.rdlen > m->len - r.rdoff)
			break;
		rr[n++] = (carve_rr_t){r.type, r.section, m->wire + r.rdoff, r.rdlen, r.rdoff};
	}
	return n;
}

size_t carve_txt(const uint8_t *rd, size_t n, uint8_t *out, size_t cap)
{
	size_t w = 0;
	for (size_t i = 0; i < n;) {
		size_t l = rd[i++];
		if (l > n - i)
			l = n - i;
		size_t k = l < cap - w ? l : cap - w;
		memcpy(out + w, rd + i, k);
		w += k;
		i += l;
	}
	return w;
}

