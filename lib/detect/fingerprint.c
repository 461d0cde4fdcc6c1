/*
 * fingerprint.c - tool recognition from documented wire formats; see
 * fingerprint.h.  Per-call work is bounded by the name (255 octets); the
 * accumulator is a fixed-size struct of counters.
 */
#include <stdio.h>
#include <string.h>

#include "ascii.h"
#include "dns_const.h"
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

/* ---- Sliver: a protobuf DNSMessage in Sliver's base32 or in base58 ---- */

/* Symbol values (-1: not in the alphabet): Sliver's base32
 * "ab1c2d3e4f5g6h7j8k9m0npqrtuvwxyz" (either case) and base58 (Bitcoin's
 * alphabet). */
static const int8_t SLIVER_B32[256] = {
	-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
	-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
	-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
	20, 2, 4, 6, 8, 10, 12, 14, 16, 18, -1, -1, -1, -1, -1, -1,
	-1, 0, 1, 3, 5, 7, 9, 11, 13, -1, 15, 17, -1, 19, 21, -1,
	22, 23, 24, -1, 25, 26, 27, 28, 29, 30, 31, -1, -1, -1, -1, -1,
	-1, 0, 1, 3, 5, 7, 9, 11, 13, -1, 15, 17, -1, 19, 21, -1,
	22, 23, 24, -1, 25, 26, 27, 28, 29, 30, 31, -1, -1, -1, -1, -1,
	-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
	-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
	-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
	-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
	-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
	-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
	-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
	-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
};
static const int8_t B58[256] = {
	-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
	-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
	-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
	-1, 0, 1, 2, 3, 4, 5, 6, 7, 8, -1, -1, -1, -1, -1, -1,
	-1, 9, 10, 11, 12, 13, 14, 15, 16, -1, 17, 18, 19, 20, 21, -1,
	22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32, -1, -1, -1, -1, -1,
	-1, 33, 34, 35, 36, 37, 38, 39, 40, 41, 42, 43, -1, 44, 45, 46,
	47, 48, 49, 50, 51, 52, 53, 54, 55, 56, 57, -1, -1, -1, -1, -1,
	-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
	-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
	-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
	-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
	-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
	-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
	-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
	-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
};

/* Unpadded base32 with Sliver's alphabet; -1 when a character is outside
 * it, the length is impossible (1, 3 or 6 characters left over) or the
 * first byte cannot start a DNSMessage. */
static int sliver_b32_decode(const uint8_t *p, size_t len, uint8_t *out, size_t outlen)
{
	size_t r = len % 8;
	if (r == 1 || r == 3 || r == 6)
		return -1;
	uint32_t acc = 0;
	unsigned bits = 0;
	size_t n = 0;
	for (size_t i = 0; i < len; i++) {
		int v = SLIVER_B32[p[i]];
		if (v < 0)
			return -1;
		acc = acc << 5 | (uint32_t)v;
		bits += 5;
		if (bits >= 8) {
			bits -= 8;
			if (n >= outlen)
				return -1;
			out[n++] = (uint8_t)(acc >> bits);
			/* a DNSMessage starts with the key of field 1..6:
			 * stop early on anything else */
			if (n == 1 && (out[0] < 0x08 || out[0] > 0x32 ||
				       (out[0] & 7) != (out[0] == 0x32 ? 2 : 0)))
				return -1;
		}
	}
	return (int)n;
}

/* Base58 (Bitcoin alphabet), big-endian; -1 when not base58 or too long. */
static int b58_decode(const uint8_t *p, size_t len, uint8_t *out, size_t outlen)
{
	uint8_t tmp[256];
	size_t n = 0, zeros = 0;
	while (zeros < len && p[zeros] == '1')
		zeros++;
	for (size_t i = zeros; i < len; i++) {
		int v = B58[p[i]];
		if (v < 0)
			return -1;
		unsigned carry = (unsigned)v;
		for (size_t j = 0; j < n; j++) { /* tmp is little-endian */
			carry += (unsigned)tmp[j] * 58;
			tmp[j] = (uint8_t)carry;
			carry >>= 8;
		}
		while (carry) {
			if (n >= sizeof(tmp))
				return -1;
			tmp[n++] = (uint8_t)carry;
			carry >>= 8;
		}
	}
	if (zeros + n > outlen)
		return -1;
	memset(out, 0, zeros);
	for (size_t j = 0; j < n; j++)
		out[zeros + j] = tmp[n - 1 - j];
	return (int)(zeros + n);
}

/* Sliver's DNSMessage: fields 1-5 varints (type 0..9, id, start, stop,
 * size), 6 bytes (data), each at most once and in field order (Go's
 * marshaller), nothing left over, at least two fields. */
static bool pb_dnsmsg(const uint8_t *b, size_t n)
{
	size_t i = 0;
	unsigned last = 0, fields = 0;
	while (i < n) {
		uint8_t k = b[i++];
		unsigned f = k >> 3, wt = k & 7;
		if (f <= last || f > 6)
			return false;
		last = f;
		fields++;
		uint64_t v = 0;
		unsigned sh = 0;
		unsigned maxb = f == 6 ? 2 : 5;
		for (;;) {
			if (i >= n || sh / 7 >= maxb)
				return false;
			uint8_t c = b[i++];
			v |= (uint64_t)(c & 0x7f) << sh;
			sh += 7;
			if (!(c & 0x80))
				break;
		}
		if (f <= 5) {
			if (wt != 0 || (f == 1 && v > 9))
				return false;
		} else {
			if (wt != 2 || v > n - i)
				return false;
			i += (size_t)v;
		}
	}
	return fields >= 2;
}

bool fp_sliver_message(const uint8_t *p, size_t len)
{
	uint8_t buf[200];
	if (len < 7)
		return false;
	int k = sliver_b32_decode(p, len, buf, sizeof(buf));
	if (k >= 4 && pb_dnsmsg(buf, (size_t)k))
		return true;
	if (k >= 0 || len < 16)
		return false;
	/* base58 only for text with upper and lower case and a digit, as
	 * base58 of binary data has (cheap gate before the bignum loop) */
	bool up = false, lo = false, dig = false;
	for (size_t i = 0; i < len; i++) {
		if (B58[p[i]] < 0)
			return false;
		up |= p[i] >= 'A' && p[i] <= 'Z';
		lo |= p[i] >= 'a' && p[i] <= 'z';
		dig |= p[i] >= '0' && p[i] <= '9';
	}
	if (!(up && lo && dig))
		return false;
	k = b58_decode(p, len, buf, sizeof(buf));
	return k >= 4 && pb_dnsmsg(buf, (size_t)k);
}

static bool sliver_query(const dns_name_t *n, unsigned npay)
{
	uint8_t text[DNS_MAX_NAME + 1];
	size_t tl = 0, cut = 0;
	for (unsigned i = 0; i < npay && i < n->nlabels; i++) {
		unsigned len;
		const uint8_t *p = dns_name_label(n, i, &len);
		if (i + 1 == npay)
			cut = tl;
		if (tl + len > DNS_MAX_NAME)
			return false;
		memcpy(text + tl, p, len);
		tl += len;
	}
	/* the whole payload, or without its last label (the parent's own
	 * subdomain when the zone is the registered domain) */
	return fp_sliver_message(text, tl) || (npay >= 2 && fp_sliver_message(text, cut));
}

/* ---- label shapes ---- */

static bool all_b32_upper9(const uint8_t *p, unsigned len)
{
	/* TUNS' base32: A-Z 2-7, padded with '9' */
	unsigned i = 0;
	for (; i < len && p[i] != '9'; i++)
		if (!((p[i] >= 'A' && p[i] <= 'Z') || (p[i] >= '2' && p[i] <= '7')))
			return false;
	for (; i < len; i++)
		if (p[i] != '9')
			return false;
	return len > 0;
}

static bool dnsteal_label(const uint8_t *p, unsigned len)
{
	if (len < 20 || p[len - 1] != '-')
		return false;
	bool up = false, lo = false;
	for (unsigned i = 0; i + 1 < len; i++) {
		uint8_t c = p[i];
		up |= c >= 'A' && c <= 'Z';
		lo |= c >= 'a' && c <= 'z';
		if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		      c == '*' || c == '/' || c == '='))
			return false;
	}
	return up && lo;
}

static bool godoh_query(const dns_name_t *n, unsigned npay)
{
	/* ident.type.seq.crc32.proto.datalen then three data labels */
	if (npay < 9 || n->nlabels < 9)
		return false;
	unsigned len[6];
	const uint8_t *l[6];
	for (unsigned i = 0; i < 6; i++)
		l[i] = dns_name_label(n, i, &len[i]);
	return len[0] == 4 && all_hex(l[0], 4) &&
	       (ascii_label_eq(l[1], len[1], "be") || ascii_label_eq(l[1], len[1], "ef") ||
		ascii_label_eq(l[1], len[1], "ca")) &&
	       len[2] <= 10 && all_digits(l[2], len[2]) && len[3] <= 8 && all_hex(l[3], len[3]) &&
	       len[4] <= 2 && all_digits(l[4], len[4]) && len[5] == 1 && l[5][0] >= '0' &&
	       l[5][0] <= '3';
}

static bool chashell_query(const dns_name_t *n, unsigned npay)
{
	/* hex of nonce(24) + secretbox(16 + message): >= 116 characters, the
	 * first label a full 63 */
	unsigned total = 0;
	if (npay < 2)
		return false;
	for (unsigned i = 0; i < npay && i < n->nlabels; i++) {
		unsigned len;
		const uint8_t *p = dns_name_label(n, i, &len);
		if (!all_hex(p, len) || (i == 0 && len != 63) || (i + 1 < npay && len != 63))
			return false;
		total += len;
	}
	return total >= 116 && total % 2 == 0;
}

static void tuns_query(fp_acc_t *a, const dns_name_t *n, unsigned npay)
{
	unsigned len0, len1;
	const uint8_t *l0 = dns_name_label(n, 0, &len0);
	if (n->nlabels < 3)
		return;
	/* a poll: d<N>.u. */
	const uint8_t *l1 = dns_name_label(n, 1, &len1);
	if (len0 >= 2 && ascii_lower(l0[0]) == 'd' && all_digits(l0 + 1, len0 - 1) &&
	    ascii_label_eq(l1, len1, "u")) {
		a->tuns_q++;
		return;
	}
	/* data: base32 labels, then "t" (the last payload label, or the first
	 * of the base when the zone is t.<domain>) */
	for (unsigned j = npay - 1; j <= npay && (int)j + 1 < (int)n->nlabels; j++) {
		unsigned lj;
		const uint8_t *pj = dns_name_label(n, j, &lj);
		if (j == 0 || !ascii_label_eq(pj, lj, "t"))
			continue;
		unsigned tot = 0;
		for (unsigned i = 0; i < j; i++) {
			unsigned len;
			const uint8_t *p = dns_name_label(n, i, &len);
			if (!all_b32_upper9(p, len))
				return;
			tot += len;
		}
		if (tot >= 16)
			a->tuns_q++;
		return;
	}
}

/* A name numbered as a stager numbers them, <prefix><N> (letters, '-' or
 * '_', then up to six digits) in front of the zone: N into *idx. */
static bool stager_name(const dns_name_t *n, unsigned npay, uint32_t *idx)
{
	unsigned len0, i = 0;
	const uint8_t *l0 = dns_name_label(n, 0, &len0);
	if (npay > 2)
		return false;
	while (i < len0 && ((ascii_lower(l0[i]) >= 'a' && ascii_lower(l0[i]) <= 'z') ||
			    l0[i] == '-' || l0[i] == '_'))
		i++;
	if (i == 0 || i == len0 || len0 - i > 6 || !all_digits(l0 + i, len0 - i))
		return false;
	*idx = 0;
	for (unsigned j = i; j < len0; j++)
		*idx = *idx * 10 + (uint32_t)(l0[j] - '0');
	return true;
}

static void stager_query(fp_acc_t *a, const dns_name_t *n, unsigned npay, uint16_t qtype)
{
	uint32_t idx;
	if (!stager_name(n, npay, &idx))
		return;
	if (qtype == DNS_TYPE_AAAA) {
		a->stager_q++;
		if (idx > a->stager_max)
			a->stager_max = idx;
	} else {
		a->stager_a_q++;
		if (idx > a->stager_a_max)
			a->stager_a_max = idx;
	}
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

void fp_query(fp_acc_t *a, const dns_name_t *n, unsigned npay, bool prefix_mode, uint16_t qtype)
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
	/* any short letter prefix, then only hex labels, the last two (nonce,
	 * beacon id) of 6 to 10 characters */
	if (npay >= 3 && len0 >= 1 && len0 <= 8) {
		bool shape = true;
		for (unsigned i = 0; i < len0 && shape; i++)
			shape = ascii_lower(l0[i]) >= 'a' && ascii_lower(l0[i]) <= 'z';
		for (unsigned i = 1; i < npay && i < n->nlabels && shape; i++) {
			unsigned len;
			const uint8_t *p = dns_name_label(n, i, &len);
			shape = all_hex(p, len) && (i + 2 < npay || (len >= 6 && len <= 10));
		}
		if (shape)
			a->cs_shape++;
	}
	if (prefix_mode)
		return;
	if (sliver_query(n, npay))
		a->sliver_pb++;
	if (godoh_query(n, npay))
		a->godoh_q++;
	if (qtype == DNS_TYPE_TXT && chashell_query(n, npay))
		a->chashell_q++;
	if (dnsteal_label(l0, len0))
		a->dnsteal_q++;
	if (qtype == DNS_TYPE_CNAME)
		tuns_query(a, n, npay);
	if (qtype == DNS_TYPE_AAAA || qtype == DNS_TYPE_A)
		stager_query(a, n, npay, qtype);
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
	if (type == DNS_TYPE_TXT) {
		/* godoh's status strings; chashell's hex-framed answers */
		if ((len == 10 && !memcmp(p, "v=B2B3FE1C", 10)) ||
		    (len >= 10 && (!memcmp(p, "v=A9F466E8", 10) || !memcmp(p, "v=D31CFAA4", 10))))
			a->godoh_txt++;
		if (len >= 80 && all_hex(p, (unsigned)len))
			a->chashell_ans++;
	} else if (type == DNS_TYPE_CNAME && rdlen >= 2) {
		/* TUNS: zero.u.<domain>, length<N>.t.<domain> */
		unsigned l = rdata[0];
		if (l < 64 && l + 1u <= rdlen) {
			const uint8_t *q = rdata + 1;
			if (ascii_label_eq(q, l, "zero") ||
			    (l > 6 && ascii_label_eq(q, 6, "length") && all_digits(q + 6, l - 6)))
				a->tuns_ans++;
		}
	} else if (type == DNS_TYPE_A && rdlen == 4) {
		a->a_ans++;
		if (!rdata[0] && !rdata[1] && !rdata[2])
			a->a_zero++;
		a->a_oct[rdata[0] >> 6] |= 1ull << (rdata[0] & 63);
	} else if (type == DNS_TYPE_AAAA && rdlen == 16) {
		/* not global unicast (2000::/3), NAT64 (64:ff9b::/96), mapped
		 * v4, ULA (fc00::/7) or link-local (fe80::/10) */
		static const uint8_t nat64[4] = {0, 0x64, 0xff, 0x9b};
		static const uint8_t mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
		uint8_t b0 = rdata[0];
		a->aaaa_ans++;
		if ((b0 & 0xe0) != 0x20 && (b0 & 0xfe) != 0xfc && !(b0 == 0xfe && (rdata[1] & 0xc0) == 0x80) &&
		    memcmp(rdata, nat64, 4) && memcmp(rdata, mapped, 12))
			a->stager_ans++;
	}
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
	d->cs_shape += s->cs_shape;
	d->a_ans += s->a_ans;
	d->a_zero += s->a_zero;
	d->dnsexf_init += s->dnsexf_init;
	d->dnsexf_chunk += s->dnsexf_chunk;
	d->sods_hits += s->sods_hits;
	d->sliver_pb += s->sliver_pb;
	d->godoh_q += s->godoh_q;
	d->godoh_txt += s->godoh_txt;
	d->chashell_q += s->chashell_q;
	d->chashell_ans += s->chashell_ans;
	d->dnsteal_q += s->dnsteal_q;
	d->tuns_q += s->tuns_q;
	d->tuns_ans += s->tuns_ans;
	d->stager_q += s->stager_q;
	if (s->stager_max > d->stager_max)
		d->stager_max = s->stager_max;
	d->stager_ans += s->stager_ans;
	d->aaaa_ans += s->aaaa_ans;
	d->stager_a_q += s->stager_a_q;
	if (s->stager_a_max > d->stager_a_max)
		d->stager_a_max = s->stager_a_max;
	for (unsigned i = 0; i < 4; i++)
		d->a_oct[i] |= s->a_oct[i];
	d->queries += s->queries;
}

uint32_t fp_a_payload(const fp_acc_t *a, unsigned *oct)
{
	/* first octets 0, 127 and 224-255 as a[0..3] words' bits */
	static const uint64_t reserved[4] = {1, 1ull << 63, 0, 0xffffffff00000000ull};
	unsigned distinct = 0;
	bool odd = false;
	for (unsigned i = 0; i < 4; i++) {
		distinct += (unsigned)__builtin_popcountll(a->a_oct[i]);
		odd |= (a->a_oct[i] & reserved[i]) != 0;
	}
	*oct = distinct;
	uint32_t need = a->a_ans / 8 < 64 ? a->a_ans / 8 : 64;
	if (a->stager_a_q < 16 || a->stager_a_max >= 2 * a->stager_a_q ||
	    2 * a->stager_a_q < a->queries || a->a_ans < 16 || a->a_ans > 2 * a->stager_a_q ||
	    distinct < 16 || distinct < need || !odd)
		return 0;
	return a->a_ans;
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
	if (a->cs_shape >= 5 && a->a_zero >= 5 && 2 * a->a_zero >= a->a_ans) {
		*strength = 0.7;
		snprintf(why, whylen,
			 "%u queries shaped like Cobalt Strike DNS beacon data (<prefix>.<hex "
			 "labels>.<nonce>.<beacon id>) and %u of %u A answers in 0.0.0.0/24 (beacon "
			 "check-in replies)", a->cs_shape, a->a_zero, a->a_ans);
		return "cobaltstrike";
	}
	if (a->sliver_pb >= 4 && a->sliver_pb * 2 >= a->queries) {
		*strength = 0.9;
		snprintf(why, whylen,
			 "%u of %u payloads decode (Sliver's base32 alphabet or base58) to Sliver "
			 "DNSMessage protobufs", a->sliver_pb, a->queries);
		return "sliver";
	}
	if (a->godoh_q >= 2 || a->godoh_txt >= 3 || (a->godoh_q && a->godoh_txt)) {
		*strength = a->godoh_q && a->godoh_txt ? 1.0 : 0.9;
		snprintf(why, whylen,
			 "%u godoh stream queries (ident.be|ef|ca.seq.crc32.proto.len labels), %u "
			 "godoh TXT status answers (v=B2B3FE1C, v=A9F466E8, v=D31CFAA4)",
			 a->godoh_q, a->godoh_txt);
		return "godoh";
	}
	if (a->chashell_q >= 5 && a->chashell_q * 10 >= a->queries * 8 && a->chashell_ans >= 3) {
		*strength = 0.8;
		snprintf(why, whylen,
			 "%u TXT queries and %u TXT answers carry chashell's framing (hex of a "
			 "24-byte nonce and a secretbox, 63-character labels)",
			 a->chashell_q, a->chashell_ans);
		return "chashell";
	}
	if (a->dnsteal_q >= 3 && a->dnsteal_q * 2 >= a->queries) {
		*strength = 0.9;
		snprintf(why, whylen,
			 "%u queries with dnsteal's base64 labels ending in '-'", a->dnsteal_q);
		return "dnsteal";
	}
	if (a->tuns_q >= 5 && a->tuns_ans >= 1 && a->tuns_q * 2 >= a->queries) {
		*strength = 0.9;
		snprintf(why, whylen,
			 "%u TUNS CNAME queries (upper-case base32 under t., polls d<N>.u.), %u "
			 "TUNS CNAME answers (zero., length<N>.)", a->tuns_q, a->tuns_ans);
		return "tuns";
	}
	if (a->stager_q >= 8 && a->stager_max < 2 * a->stager_q && a->stager_ans * 2 >= a->stager_q &&
	    a->stager_q * 2 >= a->queries) {
		*strength = 0.8;
		snprintf(why, whylen,
			 "%u AAAA look-ups of numbered names (<prefix>0..%u) answered with %u "
			 "addresses outside global unicast: a DNSStager payload",
			 a->stager_q, a->stager_max, a->stager_ans);
		return "dnsstager";
	}
	return NULL;
}
