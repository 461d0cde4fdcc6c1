/*
 * fingerprint.c - tool recognition from documented wire formats; see
 * fingerprint.h.  Per-call work is bounded by the name (255 octets); the
 * accumulator is a fixed-size struct of counters.
 */
#include <stdio.h>
#include <string.h>

#include "ascii.h"
#include "dns_layout.h"
#include "feature.h"
#include "fingerprint.h"

static bool all_hex(const uint8_t *p, unsigned len)
{
	for (unsigned i = 0; i < len; i++)
		if (!ascii_is_hex(p[i]))
			return false;
	return len > 0;
}

static bool all_digits(const uint8_t *p, unsigned len)
{
	for (unsigned i = 0; i < len; i++)
		if (p[i] < '0' || p[i] > '9')
			return false;
	return len > 0;
}

static void dnscat_session(fp_acc_t *a, uint16_t s)
{
	unsigned min = 0;
	for (unsigned i = 0; i < FP_SESSIONS; i++) {
		if (a->dnscat_sess_n[i] && a->dnscat_sess[i] == s) {
			a->dnscat_sess_n[i]++;
			return;
		}
		if (a->dnscat_sess_n[i] < a->dnscat_sess_n[min])
			min = i;
	}
	/* space-saving replacement of the smallest slot */
	a->dnscat_sess[min] = s;
	a->dnscat_sess_n[min]++;
}

void fp_query(fp_acc_t *a, const dns_name_t *n, unsigned npay, bool prefix_mode)
{
	unsigned len0;
	if (npay == 0 || n->nlabels == 0)
		return;
	a->queries++;
	const uint8_t *l0 = dns_name_label(n, 0, &len0);

	/* iodine */
	if (len0 >= 7 && ascii_label_eq(l0, 5, "vaaaa"))
		a->iodine_ver++;
	if (len0 >= 28 && memmem(l0, len0, "aA-Aaahhh-Drink-mal-ein-J", 25))
		a->iodine_check++;

	/* dnscat2: hex payload, the first 5 bytes a plaintext header */
	{
		uint8_t hdr[5];
		unsigned got = 0, nib = 0;
		unsigned first = prefix_mode ? 1 : 0, last = prefix_mode ? n->nlabels : npay;
		bool hex = true;
		unsigned total = 0;
		for (unsigned i = first; i < last && hex; i++) {
			unsigned len;
			const uint8_t *p = dns_name_label(n, i, &len);
			total += len;
			for (unsigned j = 0; j < len && hex; j++) {
				int v = ascii_hex_val(p[j]);
				if (v < 0) {
					hex = false;
					break;
				}
				if (got < 5) {
					if (nib & 1)
						hdr[got++] |= (uint8_t)v;
					else
						hdr[got] = (uint8_t)(v << 4);
					nib++;
				}
			}
		}
		if (prefix_mode && ascii_label_eq(l0, len0, "dnscat"))
			a->dnscat_prefix++;
		if (hex && got == 5 && total >= 10 && total % 2 == 0) {
			a->dnscat_hex++;
			uint8_t t = hdr[2];
			if (t <= 3 || t == 0xff) {
				a->dnscat_ok++;
				dnscat_session(a, (uint16_t)(hdr[3] << 8 | hdr[4]));
			}
		}
	}

	/* dns2tcp, sods, dnsexfiltrator, cobalt strike: label markers */
	for (unsigned i = 0; i < npay && i < n->nlabels; i++) {
		unsigned len;
		const uint8_t *p = dns_name_label(n, i, &len);
		if (len >= 5 && p[0] == '=' &&
		    (ascii_label_eq(p, len, "=auth") || ascii_label_eq(p, len, "=connect") ||
		     ascii_label_eq(p, len, "=resources") || ascii_label_eq(p, len, "=resource")))
			a->dns2tcp_marker++;
		if (len >= 4 && ascii_lower(p[0]) == 'i' && ascii_lower(p[1]) == 'd' && p[2] == '-' &&
		    all_digits(p + 3, len - 3) && i + 1 < n->nlabels) {
			unsigned l2;
			const uint8_t *q = dns_name_label(n, i + 1, &l2);
			if (ascii_label_eq(q, l2, "up") || ascii_label_eq(q, l2, "down"))
				a->sods_hits++;
		}
	}
	if (npay >= 2 && ascii_label_eq(l0, len0, "init")) {
		unsigned len;
		const uint8_t *p = dns_name_label(n, 1, &len);
		uint8_t out[64];
		int k = features_decode(FEAT_ENC_BASE32, p, len, out, sizeof(out));
		bool bar = false, printable = k > 2;
		for (int i = 0; i < k; i++) {
			if (out[i] == '|')
				bar = true;
			if (out[i] < 0x20 || out[i] > 0x7e)
				printable = false;
		}
		if (bar && printable)
			a->dnsexf_init++;
	} else if (npay >= 2 && all_digits(l0, len0) && len0 <= 6) {
		unsigned len;
		dns_name_label(n, 1, &len);
		if (len >= 16)
			a->dnsexf_chunk++;
	}
	if (npay >= 3 && (ascii_label_eq(l0, len0, "api") || ascii_label_eq(l0, len0, "cdn") ||
			  ascii_label_eq(l0, len0, "www6") || ascii_label_eq(l0, len0, "post"))) {
		bool hex = true;
		for (unsigned i = 1; i < npay && hex; i++) {
			unsigned len;
			const uint8_t *p = dns_name_label(n, i, &len);
			hex = all_hex(p, len);
		}
		if (hex)
			a->cs_hits++;
	}
}

void fp_answer(fp_acc_t *a, uint16_t type, const uint8_t *rdata, size_t rdlen)
{
	/* iodine answers the version handshake with VACK/VNAK/VFUL in the
	 * downstream record (NULL by default): the raw RDATA, or the first
	 * character-string of a text record (TXT, and SPF which has its
	 * layout) */
	const uint8_t *p = rdata;
	size_t len = rdlen;
	if (dns_rdata_is_text(type) && len > 0) {
		size_t sl = p[0];
		p++;
		len = sl < len - 1 ? sl : len - 1;
	}
	if (len >= 4 && len <= 32 &&
	    (!memcmp(p, "VACK", 4) || !memcmp(p, "VNAK", 4) || !memcmp(p, "VFUL", 4)))
		a->iodine_ack++;
}

bool fp_iodine_raw(const uint8_t *p, size_t len)
{
	return len >= 4 && p[0] == 0x10 && p[1] == 0xd1 && p[2] == 0x9e;
}

void fp_merge(fp_acc_t *d, const fp_acc_t *s)
{
	d->iodine_ver += s->iodine_ver;
	d->iodine_check += s->iodine_check;
	d->iodine_ack += s->iodine_ack;
	d->iodine_raw += s->iodine_raw;
	d->dnscat_hex += s->dnscat_hex;
	d->dnscat_ok += s->dnscat_ok;
	d->dnscat_prefix += s->dnscat_prefix;
	for (unsigned i = 0; i < FP_SESSIONS; i++) {
		if (!s->dnscat_sess_n[i])
			continue;
		unsigned j, min = 0;
		for (j = 0; j < FP_SESSIONS; j++) {
			if (d->dnscat_sess_n[j] && d->dnscat_sess[j] == s->dnscat_sess[i])
				break;
			if (d->dnscat_sess_n[j] < d->dnscat_sess_n[min])
				min = j;
		}
		if (j < FP_SESSIONS) {
			d->dnscat_sess_n[j] += s->dnscat_sess_n[i];
		} else if (d->dnscat_sess_n[min] < s->dnscat_sess_n[i]) {
			d->dnscat_sess[min] = s->dnscat_sess[i];
			d->dnscat_sess_n[min] = s->dnscat_sess_n[i];
		}
	}
	d->dns2tcp_marker += s->dns2tcp_marker;
	d->cs_hits += s->cs_hits;
	d->dnsexf_init += s->dnsexf_init;
	d->dnsexf_chunk += s->dnsexf_chunk;
	d->sods_hits += s->sods_hits;
	d->queries += s->queries;
}

const char *fp_tool(const fp_acc_t *a, double *strength, char *why, size_t whylen)
{
	char tmp[8];
	if (!why || !whylen) {
		why = tmp;
		whylen = sizeof(tmp);
	}
	*strength = 0;
	why[0] = '\0';
	uint32_t iod = a->iodine_check + a->iodine_ack + a->iodine_raw;
	if (iod || (a->iodine_ver && a->queries >= 1 && a->iodine_ver * 4 >= a->queries)) {
		*strength = iod ? 1.0 : 0.7;
		snprintf(why, whylen,
			 "iodine protocol markers: %u version handshakes, %u codec checks, "
			 "%u VACK/VNAK answers, %u raw-mode packets",
			 a->iodine_ver, a->iodine_check, a->iodine_ack, a->iodine_raw);
		return "iodine";
	}
	uint32_t top = 0;
	for (unsigned i = 0; i < FP_SESSIONS; i++)
		top += a->dnscat_sess_n[i];
	if (a->dnscat_ok >= 3 && a->dnscat_ok * 10 >= a->dnscat_hex * 9 &&
	    a->dnscat_hex * 10 >= a->queries * 8 && top * 10 >= a->dnscat_ok * 8) {
		uint32_t best = 0;
		unsigned bi = 0;
		for (unsigned i = 0; i < FP_SESSIONS; i++)
			if (a->dnscat_sess_n[i] > best) {
				best = a->dnscat_sess_n[i];
				bi = i;
			}
		*strength = a->dnscat_ok >= 8 || a->dnscat_prefix ? 1.0 : 0.8;
		snprintf(why, whylen,
			 "%u of %u hex payloads decode to dnscat2 packet headers (valid packet "
			 "type, session 0x%04x in %u)%s",
			 a->dnscat_ok, a->dnscat_hex, a->dnscat_sess[bi], best,
			 a->dnscat_prefix ? "; names start with \"dnscat.\"" : "");
		return "dnscat2";
	}
	if (a->dns2tcp_marker >= 1) {
		*strength = 1.0;
		snprintf(why, whylen, "%u dns2tcp command labels (=auth, =connect, =resources)",
			 a->dns2tcp_marker);
		return "dns2tcp";
	}
	if (a->dnsexf_init >= 1 && a->dnsexf_chunk >= 1) {
		*strength = 1.0;
		snprintf(why, whylen,
			 "DNSExfiltrator \"init.\" query with a base32 \"file|chunks\" header, then "
			 "%u numbered chunks", a->dnsexf_chunk);
		return "dnsexfiltrator";
	}
	if (a->sods_hits >= 3 && a->sods_hits * 2 >= a->queries) {
		*strength = 0.9;
		snprintf(why, whylen, "%u queries with sods session labels (id-N.up / id-N.down)",
			 a->sods_hits);
		return "sods";
	}
	if (a->cs_hits >= 3 && a->cs_hits * 2 >= a->queries) {
		*strength = 0.8;
		snprintf(why, whylen,
			 "%u queries with Cobalt Strike DNS beacon prefixes (api., cdn., www6., "
			 "post.) before hex labels", a->cs_hits);
		return "cobaltstrike";
	}
	return NULL;
}
