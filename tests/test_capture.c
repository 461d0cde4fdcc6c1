/*
 * test_capture.c - capture input on real bytes: classic pcap in both byte
 * orders and precisions, pcapng with several link types, sections and
 * block kinds, damaged and non-capture files, non-seekable streams, BPF.
 *
 * The three hex captures below were checked independently with tshark
 * (frame.time_epoch, frame.interface_id, frame.cap_len, frame.protocols);
 * the expected values in the tests are the ones tshark printed.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <dnsts/dnsts.h>

#include "capture.h"
#include "check_util.h"

/* pcap, little-endian, microseconds, snaplen 65535, Ethernet */
static const char PCAP_LE_US[] =
	"d4 c3 b2 a1 02 00 04 00 00 00 00 00 00 00 00 00\n"
	"ff ff 00 00 01 00 00 00\n"
	"; record 1: ts 1700000000.123456, 42 bytes (Ethernet, IPv4, UDP)\n"
	"00 f1 53 65 40 e2 01 00 2a 00 00 00 2a 00 00 00\n"
	"02 00 00 00 00 02 02 00 00 00 00 01 08 00 45 00\n"
	"00 1c 00 01 00 00 40 11 00 00 0a 00 00 01 0a 00\n"
	"00 02 04 d2 00 35 00 08 00 00\n"
	"; record 2: ts 1700000001.000001, zero-length\n"
	"01 f1 53 65 01 00 00 00 00 00 00 00 00 00 00 00\n"
;

/* pcap, big-endian, nanoseconds: same packets, ns timestamps */
static const char PCAP_BE_NS[] =
	"a1 b2 3c 4d 00 02 00 04 00 00 00 00 00 00 00 00\n"
	"00 00 ff ff 00 00 00 01\n"
	"; record 1: ts 1700000000.123456789, 42 bytes\n"
	"65 53 f1 00 07 5b cd 15 00 00 00 2a 00 00 00 2a\n"
	"02 00 00 00 00 02 02 00 00 00 00 01 08 00 45 00\n"
	"00 1c 00 01 00 00 40 11 00 00 0a 00 00 01 0a 00\n"
	"00 02 04 d2 00 35 00 08 00 00\n"
	"; record 2: ts 1700000001.000000001, zero-length\n"
	"65 53 f1 01 00 00 00 01 00 00 00 00 00 00 00 00\n"
;

/* pcapng: a little-endian section with three interfaces of two link types
 * and every packet block kind, then a big-endian section. */
static const char PCAPNG_MULTI[] =
	"; SHB little-endian\n"
	"0a 0d 0d 0a 1c 00 00 00 4d 3c 2b 1a 01 00 00 00\n"
	"ff ff ff ff ff ff ff ff 1c 00 00 00\n"
	"; IDB 0: Ethernet, if_tsresol 9 (ns)\n"
	"01 00 00 00 20 00 00 00 01 00 00 00 00 00 04 00\n"
	"09 00 01 00 09 00 00 00 00 00 00 00 20 00 00 00\n"
	"; IDB 1: LINKTYPE_RAW (101), default resolution (us)\n"
	"01 00 00 00 14 00 00 00 65 00 00 00 00 00 04 00\n"
	"14 00 00 00\n"
	"; IDB 2: Ethernet, if_tsresol 2^-20, if_tsoffset +100 s\n"
	"01 00 00 00 2c 00 00 00 01 00 00 00 00 00 04 00\n"
	"09 00 01 00 94 00 00 00 0e 00 08 00 64 00 00 00\n"
	"00 00 00 00 00 00 00 00 2c 00 00 00\n"
	"; EPB if 0: Ethernet UDP, ts 1700000000.123456789\n"
	"06 00 00 00 4c 00 00 00 00 00 00 00 fe 9c 97 17\n"
	"15 cd 85 3d 2a 00 00 00 2a 00 00 00 02 00 00 00\n"
	"00 02 02 00 00 00 00 01 08 00 45 00 00 1c 00 01\n"
	"00 00 40 11 00 00 0a 00 00 01 0a 00 00 02 04 d2\n"
	"00 35 00 08 00 00 00 00 4c 00 00 00\n"
	"; EPB if 1: raw IPv4 UDP, ts 1700000001.000002\n"
	"06 00 00 00 3c 00 00 00 01 00 00 00 24 0a 06 00\n"
	"42 82 2d 18 1c 00 00 00 1c 00 00 00 45 00 00 1c\n"
	"00 01 00 00 40 11 00 00 0a 00 00 01 0a 00 00 02\n"
	"04 d2 00 35 00 08 00 00 3c 00 00 00\n"
	"; unknown block type 0x00000bad\n"
	"ad 0b 00 00 10 00 00 00 6a 75 6e 6b 10 00 00 00\n"
	"; EPB if 2: zero-length, ts (1700000002 + 0.5) * 2^20 units\n"
	"06 00 00 00 20 00 00 00 02 00 00 00 3f 55 06 00\n"
	"00 00 28 10 00 00 00 00 00 00 00 00 20 00 00 00\n"
	"; SPB (interface 0): ARP frame\n"
	"03 00 00 00 3c 00 00 00 2a 00 00 00 ff ff ff ff\n"
	"ff ff 02 00 00 00 00 01 08 06 00 00 00 00 00 00\n"
	"00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00\n"
	"00 00 00 00 00 00 00 00 3c 00 00 00\n"
	"; obsolete PB if 1: raw IPv4 UDP, ts 1700000000.000000 (goes back)\n"
	"02 00 00 00 3c 00 00 00 01 00 00 00 24 0a 06 00\n"
	"00 40 1e 18 1c 00 00 00 1c 00 00 00 45 00 00 1c\n"
	"00 01 00 00 40 11 00 00 0a 00 00 01 0a 00 00 02\n"
	"04 d2 00 35 00 08 00 00 3c 00 00 00\n"
	"; SHB big-endian (second section)\n"
	"0a 0d 0d 0a 00 00 00 1c 1a 2b 3c 4d 00 01 00 00\n"
	"ff ff ff ff ff ff ff ff 00 00 00 1c\n"
	"; IDB 0: LINUX_SLL (113), default resolution\n"
	"00 00 00 01 00 00 00 14 00 71 00 00 00 00 ff ff\n"
	"00 00 00 14\n"
	"; EPB if 0: 2 bytes, ts 1700000003.000000\n"
	"00 00 00 06 00 00 00 24 00 00 00 00 00 06 0a 24\n"
	"18 4c 06 c0 00 00 00 02 00 00 00 02 ab cd 00 00\n"
	"00 00 00 24\n"
;

#define MAXP 8

typedef struct got {
	size_t n;
	int rc;
	uint64_t ts[MAXP];
	int lt[MAXP];
	uint32_t caplen[MAXP], len[MAXP];
	bool filtered[MAXP];
	uint8_t first[MAXP];
} got_t;

static void read_all(capture_t *c, got_t *g)
{
	cap_packet_t p;
	memset(g, 0, sizeof *g);
	while ((g->rc = capture_next(c, &p)) == 1) {
		if (g->n < MAXP) {
			g->ts[g->n] = p.ts_ns;
			g->lt[g->n] = p.linktype;
			g->caplen[g->n] = p.caplen;
			g->len[g->n] = p.len;
			g->filtered[g->n] = p.filtered;
			g->first[g->n] = p.caplen ? p.data[0] : 0;
		}
		g->n++;
	}
}

/* Write bytes to a fresh file in a private temp dir; path into out. */
static void write_tmp(char *out, size_t outlen, const uint8_t *b, size_t n)
{
	char dir[] = "/tmp/dnsts_cap_XXXXXX";
	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(out, outlen, "%s/f", dir);
	FILE *f = fopen(out, "wb");
	ck_assert_ptr_nonnull(f);
	ck_assert_uint_eq(fwrite(b, 1, n, f), n);
	ck_assert_int_eq(fclose(f), 0);
}

static void rm_tmp(const char *path)
{
	char dir[4096];
	unlink(path);
	snprintf(dir, sizeof dir, "%s", path);
	char *s = strrchr(dir, '/');
	if (s) {
		*s = 0;
		rmdir(dir);
	}
}

/* Open bytes through a real file. */
static int open_bytes(capture_t **c, const uint8_t *b, size_t n, const char *bpf,
		      char *err, size_t errlen, char *path, size_t pathlen)
{
	write_tmp(path, pathlen, b, n);
	return capture_open(c, path, NULL, bpf, err, errlen);
}

static uint8_t *hex(const char *text, size_t *n)
{
	uint8_t *b = tu_hex(text, n);
	ck_assert_ptr_nonnull(b);
	return b;
}

START_TEST(pcap_le_us)
{
	size_t n;
	uint8_t *b = hex(PCAP_LE_US, &n);
	ck_assert_uint_eq(n, 98);
	char err[256], path[4096];
	capture_t *c;
	ck_assert_int_eq(open_bytes(&c, b, n, NULL, err, sizeof err, path, sizeof path), 0);
	ck_assert_str_eq(capture_format(c), "pcap");
	got_t g;
	read_all(c, &g);
	ck_assert_int_eq(g.rc, 0);
	ck_assert_uint_eq(g.n, 2);
	ck_assert_uint_eq(g.ts[0], 1700000000123456000ull);
	ck_assert_uint_eq(g.ts[1], 1700000001000001000ull);
	ck_assert_int_eq(g.lt[0], 1);
	ck_assert_uint_eq(g.caplen[0], 42);
	ck_assert_uint_eq(g.len[0], 42);
	ck_assert_uint_eq(g.first[0], 0x02);
	ck_assert_uint_eq(g.caplen[1], 0);
	ck_assert_uint_eq(capture_bytes_read(c), 98);
	ck_assert_ptr_null(capture_error(c));
	ck_assert_ptr_null(capture_warning(c));
	/* the end is sticky */
	cap_packet_t p;
	ck_assert_int_eq(capture_next(c, &p), 0);
	capture_close(c);
	rm_tmp(path);
	free(b);
}
END_TEST

START_TEST(pcap_be_ns)
{
	size_t n;
	uint8_t *b = hex(PCAP_BE_NS, &n);
	char err[256], path[4096];
	capture_t *c;
	ck_assert_int_eq(open_bytes(&c, b, n, NULL, err, sizeof err, path, sizeof path), 0);
	got_t g;
	read_all(c, &g);
	ck_assert_int_eq(g.rc, 0);
	ck_assert_uint_eq(g.n, 2);
	ck_assert_uint_eq(g.ts[0], 1700000000123456789ull);
	ck_assert_uint_eq(g.ts[1], 1700000001000000001ull);
	ck_assert_uint_eq(g.caplen[0], 42);
	ck_assert_uint_eq(g.first[0], 0x02);
	ck_assert_int_eq(g.lt[1], 1);
	capture_close(c);
	rm_tmp(path);
	free(b);
}
END_TEST

START_TEST(pcapng_multi)
{
	size_t n;
	uint8_t *b = hex(PCAPNG_MULTI, &n);
	ck_assert_uint_eq(n, 512);
	char err[256], path[4096];
	capture_t *c;
	ck_assert_int_eq(open_bytes(&c, b, n, NULL, err, sizeof err, path, sizeof path), 0);
	ck_assert_str_eq(capture_format(c), "pcapng");
	got_t g;
	read_all(c, &g);
	ck_assert_int_eq(g.rc, 0);
	ck_assert_uint_eq(g.n, 6); /* the unknown block is not a packet */
	static const int lt[] = {1, 101, 1, 1, 101, 113};
	static const uint32_t cl[] = {42, 28, 0, 42, 28, 2};
	static const uint64_t ts[] = {
		1700000000123456789ull, /* if_tsresol 9 */
		1700000001000002000ull, /* default us */
		1700000102500000000ull, /* 2^-20 units, +100 s offset */
		1700000102500000000ull, /* SPB: no timestamp, keeps the last */
		1700000000000000000ull, /* obsolete PB, goes back */
		1700000003000000000ull, /* big-endian section */
	};
	for (size_t i = 0; i < 6; i++) {
		ck_assert_int_eq(g.lt[i], lt[i]);
		ck_assert_uint_eq(g.caplen[i], cl[i]);
		ck_assert_uint_eq(g.len[i], cl[i]);
		ck_assert_uint_eq(g.ts[i], ts[i]);
	}
	ck_assert_uint_eq(g.first[1], 0x45);
	ck_assert_uint_eq(g.first[3], 0xff);
	ck_assert_uint_eq(g.first[5], 0xab);
	ck_assert_ptr_nonnull(capture_warning(c));
	ck_assert_str_eq(capture_warning(c), "timestamps go backwards at packet 5");
	ck_assert_uint_eq(capture_bytes_read(c), 512);
	capture_close(c);
	rm_tmp(path);
	free(b);
}
END_TEST

/* "udp" compiled per link type: Ethernet and raw IP (LINKTYPE_RAW 101,
 * which libpcap knows as DLT_RAW) both match; ARP, an empty frame and the
 * 2-byte SLL frame do not. */
START_TEST(filter_per_linktype)
{
	size_t n;
	uint8_t *b = hex(PCAPNG_MULTI, &n);
	char err[256], path[4096];
	capture_t *c;
	ck_assert_int_eq(open_bytes(&c, b, n, "udp", err, sizeof err, path, sizeof path), 0);
	got_t g;
	read_all(c, &g);
	ck_assert_int_eq(g.rc, 0);
	ck_assert_uint_eq(g.n, 6);
	static const bool f[] = {false, false, true, true, false, true};
	for (size_t i = 0; i < 6; i++)
		ck_assert_int_eq(g.filtered[i], f[i]);
	capture_close(c);
	rm_tmp(path);

	/* a port filter on classic pcap */
	free(b);
	b = hex(PCAP_LE_US, &n);
	ck_assert_int_eq(open_bytes(&c, b, n, "udp dst port 53", err, sizeof err, path, sizeof path), 0);
	read_all(c, &g);
	ck_assert_uint_eq(g.n, 2);
	ck_assert(!g.filtered[0]);
	ck_assert(g.filtered[1]);
	capture_close(c);
	rm_tmp(path);
	ck_assert_int_eq(open_bytes(&c, b, n, "udp port 54", err, sizeof err, path, sizeof path), 0);
	read_all(c, &g);
	ck_assert(g.filtered[0]);
	capture_close(c);
	rm_tmp(path);
	free(b);
}
END_TEST

START_TEST(filter_bad)
{
	size_t n;
	uint8_t *b = hex(PCAP_LE_US, &n);
	char err[256], path[4096];
	capture_t *c = (capture_t *)1;
	ck_assert_int_eq(open_bytes(&c, b, n, "udp prot 53", err, sizeof err, path, sizeof path),
			 DNSTS_EFILTER);
	ck_assert_ptr_null(c);
	ck_assert_ptr_nonnull(strstr(err, "syntax error"));
	rm_tmp(path);
	free(b);
}
END_TEST

START_TEST(empty_and_wrong_magic)
{
	char err[256], path[4096];
	capture_t *c;
	ck_assert_int_eq(open_bytes(&c, (const uint8_t *)"", 0, NULL, err, sizeof err, path, sizeof path),
			 DNSTS_EFORMAT);
	ck_assert_str_eq(err, "empty file");
	rm_tmp(path);
	const char *html = "<html><body>not a capture</body></html>\n";
	ck_assert_int_eq(open_bytes(&c, (const uint8_t *)html, strlen(html), NULL, err, sizeof err,
				    path, sizeof path), DNSTS_EFORMAT);
	ck_assert_str_eq(err, "not a pcap or pcapng capture (starts with 3c 68 74 6d)");
	rm_tmp(path);
	ck_assert_int_eq(open_bytes(&c, (const uint8_t *)"<h", 2, NULL, err, sizeof err,
				    path, sizeof path), DNSTS_EFORMAT);
	ck_assert_str_eq(err, "not a pcap or pcapng capture (starts with 3c 68)");
	rm_tmp(path);
	ck_assert_int_eq(capture_open(&c, "/nonexistent/dnsts.pcap", NULL, NULL, err, sizeof err),
			 DNSTS_ENOENT);
}
END_TEST

START_TEST(truncated_header)
{
	size_t n;
	uint8_t *b = hex(PCAP_LE_US, &n);
	char err[256], path[4096];
	capture_t *c;
	ck_assert_int_eq(open_bytes(&c, b, 10, NULL, err, sizeof err, path, sizeof path), DNSTS_ETRUNC);
	ck_assert_str_eq(err, "truncated file header: 10 of 24 bytes present");
	rm_tmp(path);
	ck_assert_int_eq(open_bytes(&c, b, 3, NULL, err, sizeof err, path, sizeof path), DNSTS_ETRUNC);
	rm_tmp(path);
	free(b);
	b = hex(PCAPNG_MULTI, &n);
	ck_assert_int_eq(open_bytes(&c, b, 20, NULL, err, sizeof err, path, sizeof path), DNSTS_ETRUNC);
	ck_assert_str_eq(err, "truncated file header: 20 of 28 bytes present");
	rm_tmp(path);
	/* a header alone is a valid capture with no packets */
	ck_assert_int_eq(open_bytes(&c, b, 28, NULL, err, sizeof err, path, sizeof path), 0);
	got_t g;
	read_all(c, &g);
	ck_assert_int_eq(g.rc, 0);
	ck_assert_uint_eq(g.n, 0);
	capture_close(c);
	rm_tmp(path);
	free(b);
}
END_TEST

static void put32le(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
	p[2] = (uint8_t)(v >> 16);
	p[3] = (uint8_t)(v >> 24);
}

START_TEST(truncated_record)
{
	size_t n;
	uint8_t *le = hex(PCAP_LE_US, &n);
	/* header + record 1 (82 bytes), then a record announcing 60 bytes with
	 * only 20 present */
	uint8_t b[82 + 16 + 20];
	memcpy(b, le, 82);
	put32le(b + 82, 1700000005);
	put32le(b + 86, 0);
	put32le(b + 90, 60);
	put32le(b + 94, 60);
	memset(b + 98, 0xee, 20);
	char err[256], path[4096];
	capture_t *c;
	ck_assert_int_eq(open_bytes(&c, b, sizeof b, NULL, err, sizeof err, path, sizeof path), 0);
	got_t g;
	read_all(c, &g);
	ck_assert_int_eq(g.rc, DNSTS_ETRUNC);
	ck_assert_uint_eq(g.n, 1);
	ck_assert_uint_eq(g.ts[0], 1700000000123456000ull);
	ck_assert_str_eq(capture_error(c),
			 "truncated record at packet 2 (byte offset 82): 20 of 60 bytes present");
	cap_packet_t p;
	ck_assert_int_eq(capture_next(c, &p), DNSTS_ETRUNC); /* sticky */
	capture_close(c);
	rm_tmp(path);

	/* a record header cut short */
	ck_assert_int_eq(open_bytes(&c, b, 82 + 7, NULL, err, sizeof err, path, sizeof path), 0);
	read_all(c, &g);
	ck_assert_int_eq(g.rc, DNSTS_ETRUNC);
	ck_assert_uint_eq(g.n, 1);
	ck_assert_str_eq(capture_error(c),
			 "truncated record header at packet 2 (byte offset 82): 7 of 16 bytes present");
	capture_close(c);
	rm_tmp(path);
	free(le);

	/* pcapng: the last block (36 bytes at offset 476, the first packet of
	 * the second section) cut to 20 */
	uint8_t *ng = hex(PCAPNG_MULTI, &n);
	ck_assert_int_eq(open_bytes(&c, ng, 496, NULL, err, sizeof err, path, sizeof path), 0);
	read_all(c, &g);
	ck_assert_int_eq(g.rc, DNSTS_ETRUNC);
	ck_assert_uint_eq(g.n, 5);
	ck_assert_str_eq(capture_error(c),
			 "truncated record at packet 6 (byte offset 476): 20 of 36 bytes present");
	capture_close(c);
	rm_tmp(path);
	free(ng);
}
END_TEST

START_TEST(absurd_length)
{
	size_t n;
	uint8_t *le = hex(PCAP_LE_US, &n);
	uint8_t b[82 + 16 + 64];
	memcpy(b, le, 82);
	put32le(b + 82, 1700000005);
	put32le(b + 86, 0);
	put32le(b + 90, 0x7fffffff);
	put32le(b + 94, 0x7fffffff);
	memset(b + 98, 0, 64);
	char err[256], path[4096];
	capture_t *c;
	ck_assert_int_eq(open_bytes(&c, b, sizeof b, NULL, err, sizeof err, path, sizeof path), 0);
	got_t g;
	read_all(c, &g);
	ck_assert_int_eq(g.rc, DNSTS_EMALF);
	ck_assert_uint_eq(g.n, 1);
	ck_assert_ptr_nonnull(strstr(capture_error(c), "absurd record length at packet 2 (byte offset 82)"));
	capture_close(c);
	rm_tmp(path);
	free(le);

	/* pcapng: the trailing length of the second EPB (at 200, 60 bytes)
	 * disagrees with the leading one */
	uint8_t *ng = hex(PCAPNG_MULTI, &n);
	put32le(ng + 200 + 56, 64);
	ck_assert_int_eq(open_bytes(&c, ng, n, NULL, err, sizeof err, path, sizeof path), 0);
	read_all(c, &g);
	ck_assert_int_eq(g.rc, DNSTS_EMALF);
	ck_assert_uint_eq(g.n, 1);
	capture_close(c);
	rm_tmp(path);
	/* ... or is absurd */
	put32le(ng + 200 + 56, 60);
	put32le(ng + 200 + 4, 0xfffffff0);
	ck_assert_int_eq(open_bytes(&c, ng, n, NULL, err, sizeof err, path, sizeof path), 0);
	read_all(c, &g);
	ck_assert_int_eq(g.rc, DNSTS_EMALF);
	ck_assert_uint_eq(g.n, 1);
	capture_close(c);
	rm_tmp(path);
	free(ng);
}
END_TEST

/* 64-bit timestamps in microseconds that do not fit in 64-bit ns saturate
 * instead of wrapping. */
START_TEST(ts_saturates)
{
	size_t n;
	uint8_t *ng = hex(PCAPNG_MULTI, &n);
	/* second EPB (interface 1, us) at 200: timestamp high and low words */
	put32le(ng + 200 + 12, 0xffffffff);
	put32le(ng + 200 + 16, 0xffffffff);
	char err[256], path[4096];
	capture_t *c;
	ck_assert_int_eq(open_bytes(&c, ng, n, NULL, err, sizeof err, path, sizeof path), 0);
	got_t g;
	read_all(c, &g);
	ck_assert_int_eq(g.rc, 0);
	ck_assert_uint_eq(g.n, 6);
	ck_assert_uint_eq(g.ts[0], 1700000000123456789ull);
	ck_assert_uint_eq(g.ts[1], UINT64_MAX);
	capture_close(c);
	rm_tmp(path);
	free(ng);
}
END_TEST

/* Build a classic pcap of npk records; record i has ts i s and 100 bytes
 * whose first byte is i & 0xff. */
static uint8_t *big_pcap(size_t npk, size_t *len)
{
	size_t n = 24 + npk * 116;
	uint8_t *b = calloc(1, n);
	ck_assert_ptr_nonnull(b);
	size_t h;
	uint8_t *hd = hex(PCAP_LE_US, &h);
	memcpy(b, hd, 24);
	free(hd);
	for (size_t i = 0; i < npk; i++) {
		uint8_t *r = b + 24 + i * 116;
		put32le(r, (uint32_t)i);
		put32le(r + 4, 7);
		put32le(r + 8, 100);
		put32le(r + 12, 100);
		r[16] = (uint8_t)i;
	}
	*len = n;
	return b;
}

static pid_t feed_pipe(int *rfd, const uint8_t *b, size_t n)
{
	int fds[2];
	ck_assert_int_eq(pipe(fds), 0);
	pid_t pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		close(fds[0]);
		size_t off = 0;
		while (off < n) {
			/* odd-sized writes so records straddle reads */
			size_t k = n - off < 4001 ? n - off : 4001;
			ssize_t w = write(fds[1], b + off, k);
			if (w <= 0)
				_exit(1);
			off += (size_t)w;
		}
		_exit(0);
	}
	close(fds[1]);
	*rfd = fds[0];
	return pid;
}

static void check_big(capture_t *c, size_t npk, size_t len)
{
	cap_packet_t p;
	size_t i = 0;
	int rc;
	while ((rc = capture_next(c, &p)) == 1) {
		ck_assert_uint_eq(p.ts_ns, (uint64_t)i * 1000000000u + 7000u);
		ck_assert_uint_eq(p.caplen, 100);
		ck_assert_uint_eq(p.data[0], (uint8_t)i);
		i++;
	}
	ck_assert_int_eq(rc, 0);
	ck_assert_uint_eq(i, npk);
	ck_assert_uint_eq(capture_bytes_read(c), len);
}

START_TEST(pipe_stream)
{
	size_t len, npk = 20000; /* 2.3 MB: more than the pipe and the buffer */
	uint8_t *b = big_pcap(npk, &len);
	int rfd;
	pid_t pid = feed_pipe(&rfd, b, len);
	FILE *fp = fdopen(rfd, "rb");
	ck_assert_ptr_nonnull(fp);
	char err[256];
	capture_t *c;
	ck_assert_int_eq(capture_open(&c, "pipe", fp, NULL, err, sizeof err), 0);
	check_big(c, npk, len);
	capture_close(c);
	/* the caller's stream is still open */
	ck_assert_int_eq(fgetc(fp), EOF);
	ck_assert(feof(fp));
	ck_assert_int_eq(fclose(fp), 0);
	int st;
	ck_assert_int_eq(waitpid(pid, &st, 0), pid);
	free(b);
}
END_TEST

START_TEST(stdin_dash)
{
	size_t len, npk = 5000;
	uint8_t *b = big_pcap(npk, &len);
	int rfd;
	pid_t pid = feed_pipe(&rfd, b, len);
	ck_assert_int_eq(dup2(rfd, STDIN_FILENO), STDIN_FILENO);
	close(rfd);
	char err[256];
	capture_t *c;
	ck_assert_int_eq(capture_open(&c, "-", NULL, NULL, err, sizeof err), 0);
	check_big(c, npk, len);
	capture_close(c);
	int st;
	ck_assert_int_eq(waitpid(pid, &st, 0), pid);
	free(b);
}
END_TEST

/* A little-endian microsecond pcap (Ethernet) of n records. */
typedef struct rec {
	uint64_t us;           /* timestamp, microseconds */
	uint32_t caplen, len;
	const uint8_t *data;
} rec_t;

static uint8_t *pcap_of(const rec_t *r, size_t n, size_t *len)
{
	size_t total = 24;
	for (size_t i = 0; i < n; i++)
		total += 16 + r[i].caplen;
	uint8_t *b = calloc(1, total), *p = b + 24;
	ck_assert_ptr_nonnull(b);
	size_t h;
	uint8_t *hd = hex(PCAP_LE_US, &h);
	memcpy(b, hd, 24);
	free(hd);
	for (size_t i = 0; i < n; i++) {
		put32le(p, (uint32_t)(r[i].us / 1000000));
		put32le(p + 4, (uint32_t)(r[i].us % 1000000));
		put32le(p + 8, r[i].caplen);
		put32le(p + 12, r[i].len);
		memcpy(p + 16, r[i].data, r[i].caplen);
		p += 16 + r[i].caplen;
	}
	*len = total;
	return b;
}

/* Which packets of c are marked duplicate, as a string of '.' and 'D'. */
static void dup_marks(capture_t *c, char *out, size_t outlen)
{
	cap_packet_t p;
	size_t i = 0;
	while (capture_next(c, &p) == 1 && i + 1 < outlen)
		out[i++] = p.duplicate ? 'D' : '.';
	out[i] = 0;
}

/* The copy rule: link type, both lengths, the first 64 and last 16 bytes,
 * within 10 ms of one of the last 8 distinct packets. */
START_TEST(duplicate_rule)
{
	uint8_t a[100], b[100], c[100], d[40], d2[40], e[8][100];
	for (int i = 0; i < 100; i++)
		a[i] = (uint8_t)(i * 7 + 1);
	memcpy(b, a, 100);
	b[99] ^= 1; /* in the last 16 bytes */
	memcpy(c, a, 100);
	c[70] ^= 1; /* between the first 64 and the last 16: not compared */
	for (int i = 0; i < 40; i++)
		d[i] = (uint8_t)(i + 100);
	memcpy(d2, d, 40);
	d2[39] ^= 1;
	for (int k = 0; k < 8; k++) {
		memcpy(e[k], a, 100);
		e[k][0] = (uint8_t)(0xe0 + k);
	}
	const uint64_t t = 1700000000000000ull;
	const rec_t r[] = {
		{t, 100, 100, a},            /* .  */
		{t + 5, 100, 100, a},        /* D  a copy 5 us later */
		{t + 6, 100, 100, b},        /* .  last byte differs */
		{t + 7, 100, 100, c},        /* D  only a middle byte differs */
		{t + 20000, 100, 100, a},    /* .  20 ms after the first a */
		{t + 25000, 100, 100, a},    /* D  5 ms after that one */
		{t + 25001, 100, 1500, a},   /* .  other wire length */
		{t + 26000, 40, 40, d},      /* .  */
		{t + 26001, 40, 40, d},      /* D  a short packet: all bytes */
		{t + 26002, 40, 40, d2},     /* .  */
		{t + 27000, 0, 0, a},        /* .  empty records are never copies */
		{t + 27001, 0, 0, a},        /* .  */
		/* a, then other packets: a is remembered for 8 distinct ones */
		{t + 31000, 100, 100, a},    /* .  11 ms after the a at 20 ms */
		{t + 31001, 100, 100, e[0]}, {t + 31002, 100, 100, e[1]},
		{t + 31003, 100, 100, e[2]}, {t + 31004, 100, 100, e[3]},
		{t + 31005, 100, 100, e[4]}, {t + 31006, 100, 100, e[5]},
		{t + 31007, 100, 100, e[6]},
		{t + 31008, 100, 100, a},    /* D  7 distinct packets between */
		{t + 31009, 100, 100, e[7]}, /* .  the 8th: a is forgotten */
		{t + 31010, 100, 100, e[0]}, /* D  */
		{t + 31011, 100, 100, a},    /* .  */
	};
	size_t n = sizeof r / sizeof r[0], len;
	uint8_t *bytes = pcap_of(r, n, &len);
	FILE *fp = fmemopen(bytes, len, "rb");
	char err[256], got[64];
	capture_t *cap;
	ck_assert_int_eq(capture_open(&cap, "mem", fp, NULL, err, sizeof err), 0);
	dup_marks(cap, got, sizeof got);
	ck_assert_str_eq(got, ".D.D.D..D..." "." "......." "D.D.");
	capture_close(cap);
	fclose(fp);
	free(bytes);
}
END_TEST

/* Every packet followed by its copy, read from a file, a memory stream and
 * a pipe fed in odd-sized writes: the read buffer moves between a packet
 * and its copy at different places, and every copy is found all the same. */
START_TEST(duplicates_across_reads)
{
	size_t npk = 3000, len; /* 700 KB: the buffer moves several times */
	rec_t *r = calloc(2 * npk, sizeof *r);
	uint8_t (*data)[116] = calloc(npk, sizeof *data);
	ck_assert(r && data);
	for (size_t i = 0; i < npk; i++) {
		for (size_t k = 0; k < sizeof data[i]; k++)
			data[i][k] = (uint8_t)(i * 31 + k * 7 + (i >> 8));
		uint32_t cl = 60 + (uint32_t)(i % 57); /* some under 64 bytes */
		r[2 * i] = (rec_t){1700000000000000ull + i * 1000, cl, cl, data[i]};
		r[2 * i + 1] = (rec_t){1700000000000000ull + i * 1000 + 3, cl, cl, data[i]};
	}
	uint8_t *bytes = pcap_of(r, 2 * npk, &len);
	char err[256], path[4096];
	for (int how = 0; how < 3; how++) {
		capture_t *c;
		FILE *fp = NULL;
		pid_t pid = 0;
		if (how == 0) {
			ck_assert_int_eq(open_bytes(&c, bytes, len, NULL, err, sizeof err, path,
						    sizeof path), 0);
		} else {
			int rfd;
			if (how == 1) {
				fp = fmemopen(bytes, len, "rb");
			} else {
				pid = feed_pipe(&rfd, bytes, len);
				fp = fdopen(rfd, "rb");
			}
			ck_assert_ptr_nonnull(fp);
			ck_assert_int_eq(capture_open(&c, "stream", fp, NULL, err, sizeof err), 0);
		}
		cap_packet_t p;
		size_t i = 0, ndup = 0;
		while (capture_next(c, &p) == 1) {
			ck_assert_msg(p.duplicate == (i % 2 == 1), "how %d: packet %zu", how, i);
			ndup += p.duplicate;
			i++;
		}
		ck_assert_uint_eq(i, 2 * npk);
		ck_assert_uint_eq(ndup, npk);
		capture_close(c);
		if (how == 0)
			rm_tmp(path);
		if (fp)
			fclose(fp);
		if (pid) {
			int st;
			ck_assert_int_eq(waitpid(pid, &st, 0), pid);
		}
	}
	free(bytes);
	free(r);
	free(data);
}
END_TEST

/* Read c to its end; its content identity (true if it has one). */
static bool drain_id(capture_t *c, cap_content_id_t *id, int *rc)
{
	cap_packet_t p;
	while ((*rc = capture_next(c, &p)) == 1)
		;
	return capture_content_id(c, id);
}

static bool id_eq(const cap_content_id_t *a, const cap_content_id_t *b)
{
	return a->h[0] == b->h[0] && a->h[1] == b->h[1] && a->len == b->len;
}

/* The same bytes through a file, a memory stream and a pipe (reads of odd
 * sizes, so words straddle reads) have one identity; a byte changed in the
 * last packet, or a cut, does not. */
START_TEST(content_identity)
{
	size_t len, npk = 3000; /* 350 KB: several reads past the first buffer */
	uint8_t *b = big_pcap(npk, &len);
	char err[256], path[4096];
	capture_t *c;
	cap_content_id_t byfile, bymem, bypipe, changed, cut;
	int rc;

	ck_assert_int_eq(open_bytes(&c, b, len, NULL, err, sizeof err, path, sizeof path), 0);
	ck_assert_int_eq(capture_track_content(c), 0);
	ck_assert(drain_id(c, &byfile, &rc));
	ck_assert_int_eq(rc, 0);
	ck_assert_uint_eq(byfile.len, len);
	capture_close(c);

	/* not asked for: no identity */
	ck_assert_int_eq(capture_open(&c, path, NULL, NULL, err, sizeof err), 0);
	ck_assert(!drain_id(c, &bymem, &rc));
	capture_close(c);
	/* asked for too late: refused */
	ck_assert_int_eq(capture_open(&c, path, NULL, NULL, err, sizeof err), 0);
	cap_packet_t p;
	ck_assert_int_eq(capture_next(c, &p), 1);
	ck_assert_int_eq(capture_track_content(c), -1);
	capture_close(c);
	rm_tmp(path);

	FILE *fp = fmemopen(b, len, "rb");
	ck_assert_ptr_nonnull(fp);
	ck_assert_int_eq(capture_open(&c, "mem", fp, NULL, err, sizeof err), 0);
	ck_assert_int_eq(capture_track_content(c), 0);
	ck_assert(drain_id(c, &bymem, &rc));
	capture_close(c);
	fclose(fp);
	ck_assert(id_eq(&byfile, &bymem));

	int rfd;
	pid_t pid = feed_pipe(&rfd, b, len);
	fp = fdopen(rfd, "rb");
	ck_assert_ptr_nonnull(fp);
	ck_assert_int_eq(capture_open(&c, "pipe", fp, NULL, err, sizeof err), 0);
	ck_assert_int_eq(capture_track_content(c), 0);
	ck_assert(drain_id(c, &bypipe, &rc));
	capture_close(c);
	fclose(fp);
	int st;
	ck_assert_int_eq(waitpid(pid, &st, 0), pid);
	ck_assert(id_eq(&byfile, &bypipe));

	b[len - 1] ^= 1;
	fp = fmemopen(b, len, "rb");
	ck_assert_int_eq(capture_open(&c, "mem", fp, NULL, err, sizeof err), 0);
	ck_assert_int_eq(capture_track_content(c), 0);
	ck_assert(drain_id(c, &changed, &rc));
	capture_close(c);
	fclose(fp);
	ck_assert_uint_eq(changed.len, len);
	ck_assert(changed.h[0] != byfile.h[0] && changed.h[1] != byfile.h[1]);

	/* cut inside the last record: damaged, so no identity */
	fp = fmemopen(b, len - 1, "rb");
	ck_assert_int_eq(capture_open(&c, "mem", fp, NULL, err, sizeof err), 0);
	ck_assert_int_eq(capture_track_content(c), 0);
	ck_assert(!drain_id(c, &cut, &rc));
	ck_assert_int_eq(rc, DNSTS_ETRUNC);
	capture_close(c);
	fclose(fp);
	free(b);
}
END_TEST

/* Counts and times checked with tshark / capinfos on the same files. */
START_TEST(corpus_multi_interface)
{
	const char *f = tu_corpus("public/edge/zeek__pcapng-multi-interface.pcapng");
	if (!f)
		return;
	char err[256];
	capture_t *c;
	ck_assert_int_eq(capture_open(&c, f, NULL, NULL, err, sizeof err), 0);
	got_t g;
	read_all(c, &g);
	ck_assert_int_eq(g.rc, 0);
	ck_assert_uint_eq(g.n, 6);
	ck_assert_uint_eq(g.ts[0], 1767663089500330493ull); /* interface 0: ns */
	ck_assert_uint_eq(g.ts[1], 1767663089514291940ull);
	ck_assert_uint_eq(g.ts[2], 1767663437111897000ull); /* interface 1: us */
	ck_assert_uint_eq(g.ts[5], 1767663437140942000ull);
	static const uint32_t cl[] = {96, 214, 70, 166, 70, 182};
	for (size_t i = 0; i < 6; i++) {
		ck_assert_int_eq(g.lt[i], 1);
		ck_assert_uint_eq(g.caplen[i], cl[i]);
	}
	ck_assert_uint_eq(capture_bytes_read(c), 1348);
	capture_close(c);
}
END_TEST

START_TEST(corpus_time_2106)
{
	const char *f = tu_corpus("public/edge/tcpdump__time_2106_overflow.pcapng");
	if (!f)
		return;
	char err[256];
	capture_t *c;
	ck_assert_int_eq(capture_open(&c, f, NULL, NULL, err, sizeof err), 0);
	got_t g;
	read_all(c, &g);
	ck_assert_int_eq(g.rc, 0);
	ck_assert_uint_eq(g.n, 1);
	ck_assert_uint_eq(g.ts[0], 4294967296000000000ull); /* 2106-02-07 06:28:16 */
	ck_assert_uint_eq(g.caplen[0], 98);
	capture_close(c);
}
END_TEST

static Suite *capture_suite(void)
{
	Suite *s = suite_create("capture");
	TCase *tc = tcase_create("core");
	tcase_add_test(tc, pcap_le_us);
	tcase_add_test(tc, pcap_be_ns);
	tcase_add_test(tc, pcapng_multi);
	tcase_add_test(tc, filter_per_linktype);
	tcase_add_test(tc, filter_bad);
	tcase_add_test(tc, empty_and_wrong_magic);
	tcase_add_test(tc, truncated_header);
	tcase_add_test(tc, truncated_record);
	tcase_add_test(tc, absurd_length);
	tcase_add_test(tc, ts_saturates);
	tcase_add_test(tc, pipe_stream);
	tcase_add_test(tc, stdin_dash);
	tcase_add_test(tc, content_identity);
	tcase_add_test(tc, duplicate_rule);
	tcase_add_test(tc, duplicates_across_reads);
	tcase_add_test(tc, corpus_multi_interface);
	tcase_add_test(tc, corpus_time_2106);
	suite_add_tcase(s, tc);
	return s;
}

DNSTS_CHECK_MAIN(capture_suite)
