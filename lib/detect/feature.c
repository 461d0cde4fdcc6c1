/*
 * feature.c - per-payload features; see feature.h.
 */
#include <math.h>
#include <string.h>

#include "ascii.h"
#include "bigram_table.h"
#include "feature.h"

/* Shannon entropy from byte counts: only the bytes present (bitmap bm) are
 * visited, in ascending order (the order of a loop over all 256). */
static double entropy_of(const unsigned *cnt, const uint64_t bm[4], double len)
{
	/* q log2 q depends on the count only: small counts repeat (most bytes
	 * of a short high-entropy string occur once or twice), so their terms
	 * are computed once per call */
	double memo[32];
	uint32_t have = 0;
	double h = 0.0;
	for (unsigned w = 0; w < 4; w++)
		for (uint64_t b = bm[w]; b; b &= b - 1) {
			unsigned c = cnt[w * 64 + (unsigned)__builtin_ctzll(b)];
			double t;
			if (c < 32 && (have >> c & 1)) {
				t = memo[c];
			} else {
				double q = (double)c / len;
				t = q * log2(q);
				if (c < 32) {
					memo[c] = t;
					have |= 1u << c;
				}
			}
			h -= t;
		}
	return h;
}

/* cnt[c]++, with cnt[c] zeroed the first time c is seen (no memset of the
 * whole array per call). */
static inline void count_byte(unsigned *cnt, uint64_t bm[4], uint8_t c)
{
	uint64_t bit = 1ull << (c & 63);
	if (!(bm[c >> 6] & bit)) {
		bm[c >> 6] |= bit;
		cnt[c] = 0;
	}
	cnt[c]++;
}

double features_entropy(const uint8_t *p, size_t len)
{
	unsigned cnt[256];
	uint64_t bm[4] = {0, 0, 0, 0};
	if (len == 0)
		return 0.0;
	for (size_t i = 0; i < len; i++)
		count_byte(cnt, bm, p[i]);
	return entropy_of(cnt, bm, (double)len);
}

double features_bigram(const uint8_t *p, size_t len, unsigned *n)
{
	int sum = 0;
	unsigned cnt = 0;
	int prev = -1; /* -1: not in a letter run */
	for (size_t i = 0; i <= len; i++) {
		int c = i < len ? ascii_lower(p[i]) : 0;
		int sym = (c >= 'a' && c <= 'z') ? c - 'a' + 1 : 0;
		if (sym) {
			sum += BIGRAM_LOGP[prev < 0 ? 0 : prev][sym];
			cnt++;
			prev = sym;
		} else if (prev > 0) {
			sum += BIGRAM_LOGP[prev][0];
			cnt++;
			prev = -1;
		}
	}
	*n = cnt;
	return cnt ? (double)sum / BIGRAM_SCALE / cnt : 0.0;
}

/* Per byte: the feat_enc bits (HEX .. BASE64URL, NETBIOS) the byte is
 * consistent with; the same tests as features_compute() makes. */
static const uint8_t ENC_OK[256] = {
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x08, 0x00, 0x10, 0x00, 0x08,
	0x1d, 0x1d, 0x1f, 0x1f, 0x1f, 0x1f, 0x1f, 0x1f, 0x1d, 0x1d, 0x00, 0x00, 0x00, 0x08, 0x00, 0x00,
	0x00, 0x5f, 0x5f, 0x5f, 0x5f, 0x5f, 0x5f, 0x5e, 0x5e, 0x5e, 0x5e, 0x5e, 0x5e, 0x5e, 0x5e, 0x5e,
	0x5e, 0x1e, 0x1e, 0x1e, 0x1e, 0x1e, 0x1e, 0x1a, 0x1a, 0x1a, 0x1a, 0x00, 0x00, 0x00, 0x00, 0x10,
	0x00, 0x5f, 0x5f, 0x5f, 0x5f, 0x5f, 0x5f, 0x5e, 0x5e, 0x5e, 0x5e, 0x5e, 0x5e, 0x5e, 0x5e, 0x5e,
	0x5e, 0x1e, 0x1e, 0x1e, 0x1e, 0x1e, 0x1e, 0x1a, 0x1a, 0x1a, 0x1a, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
};

uint32_t features_encoding(const uint8_t *p, size_t len, bool *mixed_case)
{
	uint32_t enc = FEAT_ENC_HEX | FEAT_ENC_BASE32 | FEAT_ENC_BASE32HEX | FEAT_ENC_BASE64 |
		       FEAT_ENC_BASE64URL | FEAT_ENC_NETBIOS;
	bool up = false, lo = false, odd = false;
	for (size_t i = 0; i < len; i++) {
		uint8_t c = p[i];
		enc &= ENC_OK[c];
		up |= c >= 'A' && c <= 'Z';
		lo |= c >= 'a' && c <= 'z';
		/* bytes counted as n_high or n_other by features_compute() */
		odd |= !((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
			 (c >= '0' && c <= '9') || c == '-' || c == '_');
	}
	*mixed_case = up && lo;
	if (up && lo)
		enc &= ~(uint32_t)(FEAT_ENC_BASE32 | FEAT_ENC_BASE32HEX | FEAT_ENC_NETBIOS);
	if (odd)
		enc |= FEAT_ENC_BINARY;
	if (len % 2)
		enc &= ~(uint32_t)FEAT_ENC_NETBIOS;
	if (len == 0)
		enc = 0;
	return enc;
}

static bool is_hex(int c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

static double clamp01(double x)
{
	return x < 0 ? 0 : (x > 1 ? 1 : x);
}

void features_compute(const feat_labels_t *l, feat_t *f)
{
	memset(f, 0, sizeof(*f));
	uint32_t enc = FEAT_ENC_HEX | FEAT_ENC_BASE32 | FEAT_ENC_BASE32HEX | FEAT_ENC_BASE64 |
		       FEAT_ENC_BASE64URL | FEAT_ENC_NETBIOS;
	unsigned cnt[256];
	uint64_t bm[4] = {0, 0, 0, 0};
	int bsum = 0;
	unsigned bn = 0;
	f->nlabels = (uint8_t)(l->n > 255 ? 255 : l->n);
	for (unsigned i = 0; i < l->n; i++) {
		const uint8_t *p = l->p[i];
		unsigned n = l->len[i];
		bool up = false, lo = false;
		int prevclass = 0; /* 1 letter, 2 digit */
		if (n > f->maxlabel)
			f->maxlabel = (uint8_t)n;
		f->len = (uint16_t)(f->len + n);
		for (unsigned j = 0; j < n; j++) {
			int c = p[j];
			int cls = 0;
			count_byte(cnt, bm, (uint8_t)ascii_lower(c));
			if (c >= 'a' && c <= 'z') {
				f->n_lower++; lo = true; cls = 1;
			} else if (c >= 'A' && c <= 'Z') {
				f->n_upper++; up = true; cls = 1;
			} else if (c >= '0' && c <= '9') {
				f->n_digit++; cls = 2;
			} else if (c == '-') {
				f->n_hyphen++;
			} else if (c == '_') {
				f->n_under++;
			} else if (c >= 0x80) {
				f->n_high++;
			} else {
				f->n_other++;
			}
			if (cls && prevclass && cls != prevclass)
				f->class_changes++;
			if (cls)
				prevclass = cls;
			/* encodings */
			int lc = ascii_lower(c);
			if (!is_hex(c))
				enc &= ~FEAT_ENC_HEX;
			if (!((lc >= 'a' && lc <= 'z') || (c >= '2' && c <= '7')))
				enc &= ~FEAT_ENC_BASE32;
			if (!((lc >= 'a' && lc <= 'v') || (c >= '0' && c <= '9')))
				enc &= ~FEAT_ENC_BASE32HEX;
			bool alnum = (lc >= 'a' && lc <= 'z') || (c >= '0' && c <= '9');
			if (!(alnum || c == '+' || c == '/' || c == '='))
				enc &= ~FEAT_ENC_BASE64;
			if (!(alnum || c == '-' || c == '_'))
				enc &= ~FEAT_ENC_BASE64URL;
			if (!(lc >= 'a' && lc <= 'p'))
				enc &= ~FEAT_ENC_NETBIOS;
		}
		if (up && lo) {
			f->mixed_case = true;
			enc &= ~(FEAT_ENC_BASE32 | FEAT_ENC_BASE32HEX | FEAT_ENC_NETBIOS);
		}
		unsigned nb;
		double b = features_bigram(p, n, &nb);
		bsum += (int)lround(b * nb * BIGRAM_SCALE);
		bn += nb;
	}
	if (f->n_high || f->n_other)
		enc |= FEAT_ENC_BINARY;
	if (f->len % 2)
		enc &= ~FEAT_ENC_NETBIOS;
	if (f->len == 0)
		enc = 0;
	f->enc = enc;
	f->nbigrams = (uint16_t)(bn > 65535 ? 65535 : bn);
	f->bigram = bn ? (double)bsum / BIGRAM_SCALE / bn : 0.0;
	f->entropy = f->len ? entropy_of(cnt, bm, (double)f->len) : 0.0;

	/* How unlike a hostname: letters that do not follow word-like bigrams,
	 * frequent letter/digit switches, bytes a hostname never holds. */
	if (f->len < 4) {
		f->unlike = 0.0;
		return;
	}
	double letters = f->n_lower + f->n_upper;
	double b = bn >= 4 ? clamp01((-f->bigram - 3.7) / 2.3) : 0.0;
	double sw = clamp01((double)f->class_changes / f->len * 3.0);
	double dig = letters > 0 ? clamp01((double)f->n_digit / f->len * 1.5) : 0.6;
	double u = 0.55 * b + 0.3 * sw + 0.15 * dig;
	if (f->n_high || f->n_other)
		u += 0.5;
	if (f->len < 8)
		u *= (double)f->len / 8.0;
	f->unlike = clamp01(u);
}

void features_str(const char *s, feat_t *f)
{
	feat_labels_t l;
	l.n = 0;
	const char *start = s;
	for (const char *q = s;; q++) {
		if (*q == '.' || *q == '\0') {
			size_t n = (size_t)(q - start);
			if (n && l.n < 128) {
				l.p[l.n] = (const uint8_t *)start;
				l.len[l.n] = (uint8_t)(n > 255 ? 255 : n);
				l.n++;
			}
			if (*q == '\0')
				break;
			start = q + 1;
		}
	}
	features_compute(&l, f);
}

uint32_t features_pick_encoding(uint32_t enc, bool mixed_case)
{
	static const uint32_t order[] = {FEAT_ENC_NETBIOS, FEAT_ENC_HEX, FEAT_ENC_BASE32,
					 FEAT_ENC_BASE32HEX, FEAT_ENC_BASE64URL, FEAT_ENC_BASE64,
					 FEAT_ENC_BINARY};
	(void)mixed_case;
	for (size_t i = 0; i < sizeof(order) / sizeof(order[0]); i++)
		if (enc & order[i])
			return order[i];
	return 0;
}

const char *features_enc_name(uint32_t e)
{
	switch (e) {
	case FEAT_ENC_HEX: return "hex";
	case FEAT_ENC_BASE32: return "base32";
	case FEAT_ENC_BASE32HEX: return "base32hex";
	case FEAT_ENC_BASE64: return "base64";
	case FEAT_ENC_BASE64URL: return "base64url";
	case FEAT_ENC_BINARY: return "binary";
	case FEAT_ENC_NETBIOS: return "netbios";
	default: return "none";
	}
}

double features_enc_bits(uint32_t e)
{
	switch (e) {
	case FEAT_ENC_HEX: return 4.0;
	case FEAT_ENC_NETBIOS: return 4.0;
	case FEAT_ENC_BASE32:
	case FEAT_ENC_BASE32HEX: return 5.0;
	case FEAT_ENC_BASE64:
	case FEAT_ENC_BASE64URL: return 6.0;
	case FEAT_ENC_BINARY: return 7.0;
	default: return 8.0;
	}
}

static int b32val(int c, bool hex)
{
	c = ascii_lower(c);
	if (!hex) {
		if (c >= 'a' && c <= 'z')
			return c - 'a';
		if (c >= '2' && c <= '7')
			return c - '2' + 26;
	} else {
		if (c >= '0' && c <= '9')
			return c - '0';
		if (c >= 'a' && c <= 'v')
			return c - 'a' + 10;
	}
	return -1;
}

static int b64val(int c)
{
	if (c >= 'A' && c <= 'Z') return c - 'A';
	if (c >= 'a' && c <= 'z') return c - 'a' + 26;
	if (c >= '0' && c <= '9') return c - '0' + 52;
	if (c == '+' || c == '-') return 62;
	if (c == '/' || c == '_') return 63;
	return -1;
}

int features_decode(uint32_t e, const uint8_t *in, size_t len, uint8_t *out, size_t outlen)
{
	size_t o = 0;
	switch (e) {
	case FEAT_ENC_HEX:
		if (len % 2)
			return -1;
		for (size_t i = 0; i + 1 < len && o < outlen; i += 2) {
			int a = ascii_hex_val(in[i]), b = ascii_hex_val(in[i + 1]);
			if (a < 0 || b < 0)
				return -1;
			out[o++] = (uint8_t)(a << 4 | b);
		}
		return (int)o;
	case FEAT_ENC_NETBIOS:
		if (len % 2)
			return -1;
		for (size_t i = 0; i + 1 < len && o < outlen; i += 2) {
			int a = ascii_lower(in[i]) - 'a', b = ascii_lower(in[i + 1]) - 'a';
			if (a < 0 || a > 15 || b < 0 || b > 15)
				return -1;
			out[o++] = (uint8_t)(a << 4 | b);
		}
		return (int)o;
	case FEAT_ENC_BASE32:
	case FEAT_ENC_BASE32HEX:
	case FEAT_ENC_BASE64:
	case FEAT_ENC_BASE64URL: {
		bool b64 = e == FEAT_ENC_BASE64 || e == FEAT_ENC_BASE64URL;
		unsigned bits = b64 ? 6 : 5;
		uint32_t acc = 0;
		unsigned nacc = 0;
		for (size_t i = 0; i < len; i++) {
			if (in[i] == '=')
				break;
			int v = b64 ? b64val(in[i]) : b32val(in[i], e == FEAT_ENC_BASE32HEX);
			if (v < 0)
				return -1;
			acc = (acc << bits | (uint32_t)v) & 0xffffu;
			nacc += bits;
			if (nacc >= 8) {
				nacc -= 8;
				if (o < outlen)
					out[o++] = (uint8_t)(acc >> nacc);
			}
		}
		return (int)o;
	}
	case FEAT_ENC_BINARY:
		for (size_t i = 0; i < len && o < outlen; i++)
			out[o++] = in[i];
		return (int)o;
	default:
		return -1;
	}
}

int features_counter(const uint8_t *label, size_t len, uint32_t *value)
{
	size_t i = len;
	while (i > 0 && label[i - 1] >= '0' && label[i - 1] <= '9')
		i--;
	size_t nd = len - i;
	if (nd == 0 || nd > 9)
		return -1;
	uint32_t v = 0;
	for (size_t j = i; j < len; j++)
		v = v * 10 + (uint32_t)(label[j] - '0');
	*value = v;
	return (int)nd;
}
