/*
 * test_rd.c - the bounded reader (util/rd.h): every read of every width at
 * every position of buffers of every small length, over buffers allocated
 * to their exact size (so that ASan sees any byte read past the end).  A
 * read that fits returns the bytes in the right order and advances; one
 * that does not sets the error, returns zero (rd_bytes zero-fills), does
 * not move, and every later read is a no-op (the error is sticky).
 */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "check_util.h"
#include "rd.h"

#define MAXLEN 12

/* A buffer of exactly len bytes holding 0x11, 0x22, ... (distinct, so that
 * the byte order shows). */
static uint8_t *mkbuf(size_t len)
{
	uint8_t *b = malloc(len ? len : 1);
	ck_assert_ptr_nonnull(b);
	for (size_t i = 0; i < len; i++)
		b[i] = (uint8_t)(0x11 * (i + 1));
	return b;
}

/* Big-endian value of n bytes at b (the reference for rd_u16/rd_u32). */
static uint32_t be(const uint8_t *b, size_t n)
{
	uint32_t v = 0;
	for (size_t i = 0; i < n; i++)
		v = v << 8 | b[i];
	return v;
}

static uint32_t le(const uint8_t *b, size_t n)
{
	uint32_t v = 0;
	for (size_t i = n; i-- > 0;)
		v = v << 8 | b[i];
	return v;
}

enum op { OP_U8, OP_U16, OP_U32, OP_U16_LE, OP_U32_LE, OP_NOPS };
static const size_t op_width[OP_NOPS] = {1, 2, 4, 2, 4};

static uint32_t do_op(rd_t *r, enum op op)
{
	switch (op) {
	case OP_U8: return rd_u8(r);
	case OP_U16: return rd_u16(r);
	case OP_U32: return rd_u32(r);
	case OP_U16_LE: return rd_u16_le(r);
	case OP_U32_LE: return rd_u32_le(r);
	default: ck_abort();
	}
	return 0;
}

/* The reader has failed: it stays failed, reads nothing, returns zeros. */
static void assert_dead(rd_t *r, size_t pos)
{
	uint8_t dst[4] = {1, 2, 3, 4};
	ck_assert_int_ne(r->err, 0);
	ck_assert_uint_eq(r->pos, pos);
	ck_assert_uint_eq(rd_left(r), 0);
	for (int op = 0; op < OP_NOPS; op++)
		ck_assert_uint_eq(do_op(r, (enum op)op), 0);
	ck_assert_ptr_null(rd_ptr(r, 0));
	rd_bytes(r, dst, sizeof dst);
	ck_assert(!dst[0] && !dst[1] && !dst[2] && !dst[3]);
	rd_skip(r, 0);
	rd_seek(r, 0);
	ck_assert_uint_eq(rd_peek_u8(r, 0), 0);
	ck_assert_int_ne(r->err, 0);
	ck_assert_uint_eq(r->pos, pos);
}

START_TEST(integers_at_every_boundary)
{
	for (size_t len = 0; len <= MAXLEN; len++) {
		uint8_t *b = mkbuf(len);
		for (size_t pos = 0; pos <= len; pos++)
			for (int op = 0; op < OP_NOPS; op++) {
				size_t w = op_width[op];
				rd_t r;
				rd_init(&r, b, len);
				rd_seek(&r, pos);
				ck_assert_int_eq(r.err, 0);
				ck_assert_uint_eq(rd_left(&r), len - pos);
				uint32_t v = do_op(&r, (enum op)op);
				if (len - pos >= w) {
					uint32_t want = op == OP_U16_LE || op == OP_U32_LE
								? le(b + pos, w) : be(b + pos, w);
					ck_assert_uint_eq(v, want);
					ck_assert_int_eq(r.err, 0);
					ck_assert_uint_eq(r.pos, pos + w);
					ck_assert_uint_eq(rd_left(&r), len - pos - w);
				} else {
					ck_assert_uint_eq(v, 0);
					assert_dead(&r, pos);
				}
			}
		free(b);
	}
}
END_TEST

START_TEST(spans_at_every_boundary)
{
	for (size_t len = 0; len <= MAXLEN; len++) {
		uint8_t *b = mkbuf(len);
		for (size_t pos = 0; pos <= len; pos++)
			for (size_t n = 0; n <= len + 2; n++) {
				bool fits = n <= len - pos;
				rd_t r;
				/* rd_ptr */
				rd_init(&r, b, len);
				rd_seek(&r, pos);
				const uint8_t *p = rd_ptr(&r, n);
				if (fits) {
					ck_assert_ptr_eq(p, b + pos);
					ck_assert_uint_eq(r.pos, pos + n);
					ck_assert_int_eq(r.err, 0);
				} else {
					ck_assert_ptr_null(p);
					assert_dead(&r, pos);
				}
				/* rd_bytes: a copy, or zeros */
				uint8_t dst[MAXLEN + 3];
				memset(dst, 0xee, sizeof dst);
				rd_init(&r, b, len);
				rd_seek(&r, pos);
				rd_bytes(&r, dst, n);
				for (size_t i = 0; i < n; i++)
					ck_assert_uint_eq(dst[i], fits ? b[pos + i] : 0);
				for (size_t i = n; i < sizeof dst; i++)
					ck_assert_uint_eq(dst[i], 0xee);
				if (fits)
					ck_assert_uint_eq(r.pos, pos + n);
				else
					assert_dead(&r, pos);
				/* rd_skip */
				rd_init(&r, b, len);
				rd_seek(&r, pos);
				rd_skip(&r, n);
				if (fits)
					ck_assert_uint_eq(r.pos, pos + n);
				else
					assert_dead(&r, pos);
				/* rd_peek_u8 at offset n: no move either way */
				rd_init(&r, b, len);
				rd_seek(&r, pos);
				uint8_t c = rd_peek_u8(&r, n);
				if (n < len - pos) {
					ck_assert_uint_eq(c, b[pos + n]);
					ck_assert_uint_eq(r.pos, pos);
					ck_assert_int_eq(r.err, 0);
				} else {
					ck_assert_uint_eq(c, 0);
					assert_dead(&r, pos);
				}
			}
		free(b);
	}
}
END_TEST

START_TEST(seek_and_cursor)
{
	uint8_t *b = mkbuf(8);
	rd_t r;
	rd_init(&r, b, 8);
	ck_assert_ptr_eq(rd_cur(&r), b);
	rd_seek(&r, 8); /* the end itself is a position */
	ck_assert_int_eq(r.err, 0);
	ck_assert_uint_eq(rd_left(&r), 0);
	ck_assert_ptr_eq(rd_cur(&r), b + 8);
	rd_seek(&r, 3); /* backwards */
	ck_assert_uint_eq(rd_u8(&r), 0x44);
	rd_seek(&r, 9); /* past the end: error, no move */
	assert_dead(&r, 4);
	/* a huge skip cannot wrap around */
	rd_init(&r, b, 8);
	rd_u8(&r);
	rd_skip(&r, SIZE_MAX);
	assert_dead(&r, 1);
	/* nor a huge peek offset */
	rd_init(&r, b, 8);
	rd_u8(&r);
	ck_assert_uint_eq(rd_peek_u8(&r, SIZE_MAX), 0);
	assert_dead(&r, 1);
	/* an empty buffer */
	rd_init(&r, b, 0);
	ck_assert_uint_eq(rd_left(&r), 0);
	ck_assert_ptr_nonnull(rd_ptr(&r, 0)); /* zero bytes always fit */
	ck_assert_uint_eq(rd_u8(&r), 0);
	assert_dead(&r, 0);
	free(b);
}
END_TEST

/* One failed read poisons a run of reads, which is then tested once. */
START_TEST(sticky_run)
{
	uint8_t *b = mkbuf(5);
	rd_t r;
	rd_init(&r, b, 5);
	uint16_t a = rd_u16(&r);
	uint32_t c = rd_u32(&r); /* 3 left: fails */
	uint8_t d = rd_u8(&r);   /* would fit, but the reader is dead */
	ck_assert_uint_eq(a, 0x1122);
	ck_assert_uint_eq(c, 0);
	ck_assert_uint_eq(d, 0);
	assert_dead(&r, 2);
	free(b);
}
END_TEST

static Suite *rd_suite(void)
{
	Suite *s = suite_create("rd");
	TCase *tc = tcase_create("reads");
	tcase_add_test(tc, integers_at_every_boundary);
	tcase_add_test(tc, spans_at_every_boundary);
	tcase_add_test(tc, seek_and_cursor);
	tcase_add_test(tc, sticky_run);
	suite_add_tcase(s, tc);
	return s;
}

DNSTS_CHECK_MAIN(rd_suite)
