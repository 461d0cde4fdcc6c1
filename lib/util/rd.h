/*
 * rd.h - bounded reader over untrusted bytes, with a sticky error.
 *
 * Every read checks the remaining length first.  When too few bytes remain
 * the read sets r->err, yields zero, and does not advance; every later read
 * is then a no-op.  A parser can therefore make a run of reads and test
 * r->err once at the end, with no way to read outside the buffer in between.
 * Multi-byte integers are big-endian (network order) unless the name says
 * _le.  Nothing here casts packet bytes to structs.
 */
#ifndef DNSTS_RD_H
#define DNSTS_RD_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

typedef struct rd {
	const uint8_t *p; /* start of the buffer */
	size_t len;       /* bytes in the buffer */
	size_t pos;       /* read position, always <= len */
	int err;          /* non-zero once a read ran short; sticky */
} rd_t;

static inline void rd_init(rd_t *r, const void *p, size_t len)
{
	r->p = (const uint8_t *)p;
	r->len = len;
	r->pos = 0;
	r->err = 0;
}

static inline size_t rd_left(const rd_t *r)
{
	return r->err ? 0 : r->len - r->pos;
}

/* Does the reader have n more bytes?  Sets the error if not. */
static inline int rd_need(rd_t *r, size_t n)
{
	if (r->err || r->len - r->pos < n) {
		r->err = 1;
		return 0;
	}
	return 1;
}

static inline uint8_t rd_u8(rd_t *r)
{
	if (!rd_need(r, 1))
		return 0;
	return r->p[r->pos++];
}

static inline uint16_t rd_u16(rd_t *r)
{
	if (!rd_need(r, 2))
		return 0;
	const uint8_t *q = r->p + r->pos;
	r->pos += 2;
	return (uint16_t)((uint16_t)q[0] << 8 | q[1]);
}

static inline uint32_t rd_u32(rd_t *r)
{
	if (!rd_need(r, 4))
		return 0;
	const uint8_t *q = r->p + r->pos;
	r->pos += 4;
	return (uint32_t)q[0] << 24 | (uint32_t)q[1] << 16 | (uint32_t)q[2] << 8 | q[3];
}

static inline uint16_t rd_u16_le(rd_t *r)
{
	if (!rd_need(r, 2))
		return 0;
	const uint8_t *q = r->p + r->pos;
	r->pos += 2;
	return (uint16_t)((uint16_t)q[1] << 8 | q[0]);
}

static inline uint32_t rd_u32_le(rd_t *r)
{
	if (!rd_need(r, 4))
		return 0;
	const uint8_t *q = r->p + r->pos;
	r->pos += 4;
	return (uint32_t)q[3] << 24 | (uint32_t)q[2] << 16 | (uint32_t)q[1] << 8 | q[0];
}

/* Pointer to the next n bytes, advancing past them; NULL (and the error set)
 * if fewer remain.  The pointer borrows the reader's buffer. */
static inline const uint8_t *rd_ptr(rd_t *r, size_t n)
{
	if (!rd_need(r, n))
		return NULL;
	const uint8_t *q = r->p + r->pos;
	r->pos += n;
	return q;
}

/* Copy n bytes out; on short data the destination is zero-filled. */
static inline void rd_bytes(rd_t *r, void *dst, size_t n)
{
	const uint8_t *q = rd_ptr(r, n);
	if (q)
		memcpy(dst, q, n);
	else
		memset(dst, 0, n);
}

static inline void rd_skip(rd_t *r, size_t n)
{
	(void)rd_ptr(r, n);
}

/* Move to an absolute position inside the buffer. */
static inline void rd_seek(rd_t *r, size_t pos)
{
	if (r->err || pos > r->len) {
		r->err = 1;
		return;
	}
	r->pos = pos;
}

/* Pointer to the current position (valid for rd_left(r) bytes). */
static inline const uint8_t *rd_cur(const rd_t *r)
{
	return r->p + r->pos;
}

/* Peek without advancing; 0 with the error set when out of bounds. */
static inline uint8_t rd_peek_u8(rd_t *r, size_t off)
{
	if (r->err || off >= r->len - r->pos) {
		r->err = 1;
		return 0;
	}
	return r->p[r->pos + off];
}

#endif
