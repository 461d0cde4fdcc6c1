/*
 * carve_codec.c - the decoders the --carve framings share: text of 2^n
 * symbols back to bytes (most significant bits first, as RFC 4648 and
 * iodine's codecs pack them), bounded zlib inflation, a pcap writer for
 * raw IP packets, and the output buffers.  See carve.h.
 */
#include "carve.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <zlib.h>

/* ---- alphabets ------------------------------------------------------- */

static int8_t alpha[CARVE_NALPHA][256];
static pthread_once_t alpha_once = PTHREAD_ONCE_INIT;

static void set_alpha(int8_t *t, const char *sym, bool fold)
{
	memset(t, -1, 256);
	for (int i = 0; sym[i]; i++) {
		unsigned char c = (unsigned char)sym[i];
		t[c] = (int8_t)i;
		if (fold && c >= 'a' && c <= 'z')
			t[c - 'a' + 'A'] = (int8_t)i;
		if (fold && c >= 'A' && c <= 'Z')
			t[c - 'A' + 'a'] = (int8_t)i;
	}
}

static void alpha_init(void)
{
	set_alpha(alpha[CARVE_HEX], "0123456789abcdef", true);
	set_alpha(alpha[CARVE_B32], "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", true);
	set_alpha(alpha[CARVE_B32_IODINE], "abcdefghijklmnopqrstuvwxyz012345", true);
	set_alpha(alpha[CARVE_B64],
		  "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/", false);
	alpha[CARVE_B64]['-'] = 62;
	alpha[CARVE_B64]['_'] = 63;
	set_alpha(alpha[CARVE_B64_IODINE],
		  "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ-0123456789+", false);
	set_alpha(alpha[CARVE_B64U_IODINE],
		  "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ-0123456789_", false);
	int8_t *t = alpha[CARVE_B128_IODINE];
	set_alpha(t, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789", false);
	for (int c = 0xbc; c <= 0xfd; c++)
		t[c] = (int8_t)(62 + (c - 0xbc));
}

const int8_t *carve_alphabet(enum carve_alpha a)
{
	pthread_once(&alpha_once, alpha_init);
	return alpha[a < CARVE_NALPHA ? a : CARVE_HEX];
}

long carve_decode_bits(const char *in, size_t n, const int8_t tab[256], unsigned bits,
		       uint8_t *out, size_t cap)
{
	uint32_t acc = 0;
	unsigned nacc = 0;
	size_t w = 0;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)in[i];
		if (c == '.')
			continue;
		if (c == '=')
			break;
		int v = tab[c];
		if (v < 0)
			return -1;
		acc = (acc << bits) | (uint32_t)v;
		nacc += bits;
		if (nacc >= 8) {
			nacc -= 8;
			if (w < cap)
				out[w++] = (uint8_t)(acc >> nacc);
			acc &= (1u << nacc) - 1;
		}
	}
	return (long)w;
}

/* ---- zlib ------------------------------------------------------------- */

long carve_inflate(const uint8_t *in, size_t n, uint8_t *out, size_t cap)
{
	z_stream z;
	memset(&z, 0, sizeof z);
	if (n > UINT32_MAX || cap > UINT32_MAX || inflateInit(&z) != Z_OK)
		return -1;
	z.next_in = (Bytef *)(uintptr_t)in;
	z.avail_in = (uInt)n;
	z.next_out = out;
	z.avail_out = (uInt)cap;
	/* One call: the output is bounded by cap, so a stream that would
	 * inflate further ends with Z_OK or Z_BUF_ERROR, not Z_STREAM_END,
	 * and is refused. */
	int rc = inflate(&z, Z_FINISH);
	long len = (long)(cap - z.avail_out);
	inflateEnd(&z);
	return rc == Z_STREAM_END ? len : -1;
}

/* ---- pcap ------------------------------------------------------------- */

static void put32le(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
	p[2] = (uint8_t)(v >> 16);
	p[3] = (uint8_t)(v >> 24);
}

void carve_pcap_raw(carve_buf_t *b, uint64_t ts_ns, const uint8_t *pkt, size_t n)
{
	if (b->n == 0) {
		uint8_t h[24] = {0};
		put32le(h, 0xa1b2c3d4u);  /* microseconds, little-endian */
		h[4] = 2;                 /* version 2.4 */
		h[6] = 4;
		put32le(h + 16, 65535);   /* snaplen */
		put32le(h + 20, 101);     /* LINKTYPE_RAW */
		cbuf_put(b, h, sizeof h);
	}
	if (n > 65535)
		n = 65535;
	uint8_t r[16];
	put32le(r, (uint32_t)(ts_ns / 1000000000u));
	put32le(r + 4, (uint32_t)(ts_ns % 1000000000u / 1000u));
	put32le(r + 8, (uint32_t)n);
	put32le(r + 12, (uint32_t)n);
	/* a record goes in whole or not at all */
	if (b->n + sizeof r + n > CARVE_MAX_FILE) {
		b->over = true;
		return;
	}
	cbuf_put(b, r, sizeof r);
	cbuf_put(b, pkt, n);
}

/* ---- output ----------------------------------------------------------- */

void cbuf_put(carve_buf_t *b, const void *p, size_t n)
{
	if (b->nomem)
		return;
	if (n > CARVE_MAX_FILE - b->n) {
		n = CARVE_MAX_FILE - b->n;
		b->over = true;
	}
	if (n == 0)
		return;
	if (b->n + n > b->cap) {
		size_t c = b->cap ? b->cap : 256;
		while (c < b->n + n)
			c *= 2;
		uint8_t *q = realloc(b->p, c);
		if (!q) {
			b->nomem = true;
			return;
		}
		b->p = q;
		b->cap = c;
	}
	memcpy(b->p + b->n, p, n);
	b->n += n;
}

void cbuf_free(carve_buf_t *b)
{
	free(b->p);
	memset(b, 0, sizeof *b);
}

carve_buf_t *carve_file(carve_out_t *o, const char *name, const char *decoding)
{
	if (o->nfiles == CARVE_MAX_FILES) {
		o->files_refused++;
		return NULL;
	}
	if (o->nfiles == o->cfiles) {
		size_t c = o->cfiles ? o->cfiles * 2 : 8;
		carve_file_t *f = realloc(o->files, c * sizeof *f);
		if (!f)
			return NULL;
		o->files = f;
		o->cfiles = c;
	}
	carve_file_t *f = &o->files[o->nfiles++];
	memset(f, 0, sizeof *f);
	snprintf(f->name, sizeof f->name, "%s", name);
	snprintf(f->decoding, sizeof f->decoding, "%s", decoding);
	return &f->data;
}

__attribute__((format(printf, 4, 0)))
static void add_text(char ***v, size_t *n, size_t *dropped, const char *fmt, va_list ap)
{
	if (*n == CARVE_MAX_NOTES) {
		(*dropped)++;
		return;
	}
	char buf[512];
	vsnprintf(buf, sizeof buf, fmt, ap);
	char **nv = realloc(*v, (*n + 1) * sizeof *nv);
	if (!nv)
		return;
	*v = nv;
	if ((nv[*n] = strdup(buf)) != NULL)
		(*n)++;
}

void carve_gap(carve_out_t *o, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	add_text(&o->gaps, &o->ngaps, &o->gaps_dropped, fmt, ap);
	va_end(ap);
}

void carve_note(carve_out_t *o, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	add_text(&o->notes, &o->nnotes, &o->notes_dropped, fmt, ap);
	va_end(ap);
}

void carve_out_clear(carve_out_t *o)
{
	for (size_t i = 0; i < o->nfiles; i++)
		cbuf_free(&o->files[i].data);
	free(o->files);
	for (size_t i = 0; i < o->ngaps; i++)
		free(o->gaps[i]);
	free(o->gaps);
	for (size_t i = 0; i < o->nnotes; i++)
		free(o->notes[i]);
	free(o->notes);
	memset(o, 0, sizeof *o);
}
