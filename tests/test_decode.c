/*
 * test_decode.c - packet decoder: every link type and encapsulation built
 * byte by byte, truncation at every offset, and the shared corpus compared
 * with tshark's counts; through the scanner, the counting of DNS-shaped UDP
 * on ports that are not DNS ports.
 *
 * Packets are built inside out: a DNS query, then each header prepended.
 * Set DECODE_TEST_DUMP=dir to also write every built packet as a one-packet
 * pcap, to check the bytes independently with tshark.
 */
#include <check.h>
#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <dnsts/dnsts.h>

#include "check_util.h"
#include "decode.h"

/* ---- packet builder ---------------------------------------------------- */

#define HEADROOM 1024

typedef struct pk {
	uint8_t buf[HEADROOM + 1024];
	size_t start, end;
	size_t pay_off; /* where the DNS payload sits in buf */
	size_t pay_len;
} pk_t;

static const uint8_t dns_query[] = {
	0x12, 0x34, 0x01, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	7, 'e', 'x', 'a', 'm', 'p', 'l', 'e', 3, 'c', 'o', 'm', 0,
	0x00, 0x01, 0x00, 0x01,
};

static const uint8_t A4[4] = { 192, 0, 2, 1 }, B4[4] = { 198, 51, 100, 53 };
static const uint8_t C4[4] = { 10, 0, 0, 1 }, D4[4] = { 10, 0, 0, 2 };
static const uint8_t A6[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 1 };
static const uint8_t B6[16] = { 0x20, 0x01, 0x0d, 0xb8, [14] = 0x53, [15] = 0x53 };

static void pk_init(pk_t *b, const void *pay, size_t n)
{
	memset(b, 0, sizeof(*b));
	b->start = b->end = HEADROOM;
	memcpy(b->buf + b->end, pay, n);
	b->end += n;
	b->pay_off = HEADROOM;
	b->pay_len = n;
}

static void pk_dns(pk_t *b)
{
	pk_init(b, dns_query, sizeof(dns_query));
}

static size_t pk_len(const pk_t *b)
{
	return b->end - b->start;
}

static uint8_t *pre(pk_t *b, size_t n)
{
	ck_assert_uint_ge(b->start, n);
	b->start -= n;
	memset(b->buf + b->start, 0, n);
	return b->buf + b->start;
}

static void pre_bytes(pk_t *b, const void *p, size_t n)
{
	memcpy(pre(b, n), p, n);
}

static void put16(uint8_t *p, unsigned v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static void put32(uint8_t *p, uint32_t v)
{
	put16(p, v >> 16);
	put16(p + 2, v & 0xffff);
}

static void put16le(uint8_t *p, unsigned v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}

static void put32le(uint8_t *p, uint32_t v)
{
	put16le(p, v & 0xffff);
	put16le(p + 2, v >> 16);
}

static void w_udp(pk_t *b, unsigned sport, unsigned dport)
{
	size_t n = pk_len(b) + 8;
	uint8_t *h = pre(b, 8);
	put16(h, sport);
	put16(h + 2, dport);
	put16(h + 4, (unsigned)n);
}

static void w_tcp(pk_t *b, unsigned sport, unsigned dport, uint32_t seq, uint32_t ack,
		  uint8_t flags, size_t optlen)
{
	uint8_t *h = pre(b, 20 + optlen);
	put16(h, sport);
	put16(h + 2, dport);
	put32(h + 4, seq);
	put32(h + 8, ack);
	h[12] = (uint8_t)(((20 + optlen) / 4) << 4);
	h[13] = flags;
	put16(h + 14, 65535);
	for (size_t i = 0; i < optlen; i++)
		h[20 + i] = 1; /* NOP */
}

static void ip4_csum(uint8_t *h, size_t ihl)
{
	uint32_t s = 0;
	h[10] = h[11] = 0;
	for (size_t i = 0; i < ihl; i += 2)
		s += (uint32_t)h[i] << 8 | h[i + 1];
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	put16(h + 10, ~s & 0xffff);
}

static void w_ip4x(pk_t *b, uint8_t proto, const uint8_t *src, const uint8_t *dst,
		   size_t optlen, uint16_t fragfield, uint16_t id)
{
	size_t ihl = 20 + optlen;
	size_t n = pk_len(b) + ihl;
	uint8_t *h = pre(b, ihl);
	h[0] = (uint8_t)(0x40 | ihl / 4);
	put16(h + 2, (unsigned)n);
	put16(h + 4, id);
	put16(h + 6, fragfield);
	h[8] = 64;
	h[9] = proto;
	memcpy(h + 12, src, 4);
	memcpy(h + 16, dst, 4);
	for (size_t i = 0; i < optlen; i++)
		h[20 + i] = i + 1 < optlen ? 1 : 0; /* NOPs, then end of list */
	ip4_csum(h, ihl);
}

static void w_ip4(pk_t *b, uint8_t proto, const uint8_t *src, const uint8_t *dst)
{
	w_ip4x(b, proto, src, dst, 0, 0x4000, 1);
}

static void w_ip6(pk_t *b, uint8_t nh, const uint8_t *src, const uint8_t *dst)
{
	size_t n = pk_len(b);
	uint8_t *h = pre(b, 40);
	h[0] = 0x60;
	put16(h + 4, (unsigned)n);
	h[6] = nh;
	h[7] = 64;
	memcpy(h + 8, src, 16);
	memcpy(h + 24, dst, 16);
}

/* A generic IPv6 extension header (hop-by-hop, routing, dest. options)
 * of 8 * (units + 1) bytes. */
static void w_ip6_ext(pk_t *b, uint8_t nh, uint8_t units)
{
	uint8_t *h = pre(b, 8 * ((size_t)units + 1));
	h[0] = nh;
	h[1] = units;
	h[2] = 1; /* PadN option */
	h[3] = (uint8_t)(8 * ((size_t)units + 1) - 4);
}

static void w_ip6_frag(pk_t *b, uint8_t nh, uint16_t off, int more, uint32_t id)
{
	uint8_t *h = pre(b, 8);
	h[0] = nh;
	put16(h + 2, (unsigned)(off | (more ? 1 : 0)));
	put32(h + 4, id);
}

static void w_eth(pk_t *b, unsigned type)
{
	static const uint8_t macs[12] = { 0, 0x11, 0x22, 0x33, 0x44, 0x55,
					  0, 0x66, 0x77, 0x88, 0x99, 0xaa };
	uint8_t *h = pre(b, 14);
	memcpy(h, macs, 12);
	put16(h + 12, type);
}

static void w_tag(pk_t *b, unsigned tci, unsigned type)
{
	uint8_t *h = pre(b, 4);
	put16(h, tci);
	put16(h + 2, type);
}

static void w_mpls(pk_t *b, uint32_t label, int bos)
{
	put32(pre(b, 4), label << 12 | (bos ? 0x100u : 0) | 64);
}

static void w_gre(pk_t *b, uint16_t flags, uint16_t proto, size_t extra)
{
	uint8_t *h = pre(b, 4 + extra);
	put16(h, flags);
	put16(h + 2, proto);
	for (size_t i = 0; i < extra; i++)
		h[4 + i] = (uint8_t)(0xa0 + i);
}

/* ---- running the decoder ----------------------------------------------- */

static void dump(int linktype, const pk_t *b, const char *name)
{
	const char *dir = getenv("DECODE_TEST_DUMP");
	if (!dir)
		return;
	char path[512];
	snprintf(path, sizeof(path), "%s/%s.pcap", dir, name);
	FILE *f = fopen(path, "wb");
	if (!f)
		return;
	uint8_t gh[24] = { 0xd4, 0xc3, 0xb2, 0xa1, 2, 0, 4, 0 };
	put32le(gh + 16, 65535);
	put32le(gh + 20, (uint32_t)linktype);
	uint8_t rh[16] = { 0 };
	put32le(rh + 8, (uint32_t)pk_len(b));
	put32le(rh + 12, (uint32_t)pk_len(b));
	fwrite(gh, 1, sizeof(gh), f);
	fwrite(rh, 1, sizeof(rh), f);
	fwrite(b->buf + b->start, 1, pk_len(b), f);
	fclose(f);
}

/* Decode a copy of the first n bytes in a buffer of exactly n bytes, so
 * that the address sanitizer sees any read past caplen. */
static enum decode_result run(int linktype, const uint8_t *p, size_t n, decode_out_t *out,
			      uint8_t **copy)
{
	uint8_t *c = malloc(n ? n : 1);
	ck_assert_ptr_nonnull(c);
	memcpy(c, p, n);
	memset(out, 0xa5, sizeof(*out));
	enum decode_result r = decode_packet(linktype, 1234567890123ull, c, (uint32_t)n, out);
	ck_assert_int_eq(r, out->result);
	if (r == DECODE_L4) {
		ck_assert_ptr_nonnull(out->l4.payload);
		ck_assert(out->l4.payload >= c && out->l4.payload + out->l4.paylen <= c + n);
		ck_assert_uint_le(out->l4.paylen, out->l4.paylen_wire);
		ck_assert(out->l4.proto == 17 || out->l4.proto == 6);
	} else if (r == DECODE_FRAGMENT) {
		ck_assert(out->frag.data >= c && out->frag.data + out->frag.len <= c + n);
	} else if (r == DECODE_UNSUPPORTED) {
		ck_assert_ptr_nonnull(out->what);
	}
	if (copy)
		*copy = c;
	else
		free(c);
	return r;
}

/* Every prefix of a valid packet must decode to TRUNCATED or to a result
 * that stays inside the prefix. */
static void all_prefixes(int linktype, const pk_t *b)
{
	decode_out_t o;
	size_t n = pk_len(b);
	for (size_t i = 0; i < n; i++) {
		enum decode_result r = run(linktype, b->buf + b->start, i, &o, NULL);
		if (r == DECODE_L4)
			ck_assert_uint_le(o.l4.paylen, i);
	}
}

static void expect_addr(const ip_addr_t *a, int v, const uint8_t *bytes)
{
	ck_assert_int_eq(a->v, v);
	ck_assert_mem_eq(a->a, bytes, v == 4 ? 4 : 16);
}

/* Decode b as the given link type and check the innermost UDP datagram. */
static decode_out_t expect_udp(int linktype, const pk_t *b, int v, const uint8_t *src,
			       const uint8_t *dst, unsigned sport, unsigned dport,
			       unsigned depth, const char *name)
{
	decode_out_t o;
	uint8_t *c;
	dump(linktype, b, name);
	ck_assert_msg(run(linktype, b->buf + b->start, pk_len(b), &o, &c) == DECODE_L4,
		      "%s: result %d (%s)", name, o.result, o.what ? o.what : "-");
	ck_assert_uint_eq(o.l4.ts_ns, 1234567890123ull);
	ck_assert_uint_eq(o.l4.proto, 17);
	expect_addr(&o.l4.src, v, src);
	expect_addr(&o.l4.dst, v, dst);
	ck_assert_uint_eq(o.l4.sport, sport);
	ck_assert_uint_eq(o.l4.dport, dport);
	ck_assert_uint_eq(o.l4.paylen, b->pay_len);
	ck_assert_uint_eq(o.l4.paylen_wire, b->pay_len);
	ck_assert_ptr_eq(o.l4.payload, c + (b->pay_off - b->start));
	ck_assert_mem_eq(o.l4.payload, b->buf + b->pay_off, b->pay_len);
	ck_assert_msg(o.depth == depth, "%s: depth %u, expected %u", name, o.depth, depth);
	free(c);
	all_prefixes(linktype, b);
	o.l4.payload = NULL; /* the copy is gone */
	return o;
}

static enum decode_result result_of(int linktype, const pk_t *b, decode_out_t *o)
{
	return run(linktype, b->buf + b->start, pk_len(b), o, NULL);
}

/* DNS over UDP over IPv4 (udp4) or IPv6 (udp6). */
static void udp4(pk_t *b)
{
	pk_dns(b);
	w_udp(b, 40000, 53);
	w_ip4(b, 17, A4, B4);
}

static void udp6(pk_t *b)
{
	pk_dns(b);
	w_udp(b, 40000, 53);
	w_ip6(b, 17, A6, B6);
}

/* ---- link layers ------------------------------------------------------- */

START_TEST(link_ethernet)
{
	pk_t b;
	udp4(&b);
	w_eth(&b, 0x0800);
	expect_udp(1, &b, 4, A4, B4, 40000, 53, 0, "eth_ip4_udp");

	udp6(&b);
	w_eth(&b, 0x86dd);
	expect_udp(1, &b, 6, A6, B6, 40000, 53, 0, "eth_ip6_udp");
}
END_TEST

START_TEST(link_ethernet_padding)
{
	/* A 4-byte payload makes a 46-byte frame: Ethernet pads it to 60.
	 * The padding must not become payload. */
	pk_t b;
	pk_init(&b, "\x01\x02\x03\x04", 4);
	w_udp(&b, 1111, 53);
	w_ip4(&b, 17, A4, B4);
	w_eth(&b, 0x0800);
	memset(b.buf + b.end, 0xee, 14);
	b.end += 14;
	decode_out_t o = expect_udp(1, &b, 4, A4, B4, 1111, 53, 0, "eth_padding");
	ck_assert_uint_eq(o.l4.paylen, 4);
}
END_TEST

START_TEST(link_vlan_qinq)
{
	static const unsigned tpids[] = { 0x8100, 0x88a8, 0x9100 };
	for (size_t i = 0; i < 3; i++) {
		pk_t b;
		udp4(&b);
		w_tag(&b, 100, 0x0800);
		w_tag(&b, 200, 0x8100);
		w_eth(&b, tpids[i]);
		expect_udp(1, &b, 4, A4, B4, 40000, 53, 0, "eth_qinq");
	}
	pk_t b;
	udp6(&b);
	w_tag(&b, 7, 0x86dd);
	w_eth(&b, 0x8100);
	expect_udp(1, &b, 6, A6, B6, 40000, 53, 0, "eth_vlan_ip6");
}
END_TEST

START_TEST(link_mpls)
{
	pk_t b;
	udp4(&b);
	w_mpls(&b, 1002, 1);
	w_mpls(&b, 1001, 0);
	w_eth(&b, 0x8847);
	expect_udp(1, &b, 4, A4, B4, 40000, 53, 0, "eth_mpls_ip4");

	udp6(&b);
	w_mpls(&b, 16, 1);
	w_eth(&b, 0x8848);
	expect_udp(1, &b, 6, A6, B6, 40000, 53, 0, "eth_mpls_ip6");
}
END_TEST

START_TEST(link_pppoe)
{
	pk_t b;
	udp4(&b);
	size_t n = pk_len(&b);
	uint8_t *h = pre(&b, 8);
	h[0] = 0x11;
	put16(h + 2, 0x1234);
	put16(h + 4, (unsigned)n + 2);
	put16(h + 6, 0x0021);
	w_eth(&b, 0x8864);
	expect_udp(1, &b, 4, A4, B4, 40000, 53, 0, "eth_pppoe_ip4");

	udp6(&b);
	n = pk_len(&b);
	h = pre(&b, 8);
	h[0] = 0x11;
	put16(h + 4, (unsigned)n + 2);
	put16(h + 6, 0x0057);
	w_eth(&b, 0x8864);
	expect_udp(1, &b, 6, A6, B6, 40000, 53, 0, "eth_pppoe_ip6");
}
END_TEST

START_TEST(link_sll)
{
	pk_t b;
	udp4(&b);
	uint8_t *h = pre(&b, 16);
	put16(h, 4);           /* outgoing */
	put16(h + 2, 1);       /* ARPHRD_ETHER */
	put16(h + 4, 6);
	memset(h + 6, 0x42, 6);
	put16(h + 14, 0x0800);
	expect_udp(113, &b, 4, A4, B4, 40000, 53, 0, "sll");

	udp6(&b);
	h = pre(&b, 20);
	put16(h, 0x86dd);
	put32(h + 4, 3);       /* ifindex */
	put16(h + 8, 1);
	h[10] = 0;
	h[11] = 6;
	memset(h + 12, 0x42, 6);
	expect_udp(276, &b, 6, A6, B6, 40000, 53, 0, "sll2");
}
END_TEST

START_TEST(link_raw)
{
	static const int types[] = { 101, 12, 14 };
	for (size_t i = 0; i < 3; i++) {
		pk_t b;
		udp4(&b);
		expect_udp(types[i], &b, 4, A4, B4, 40000, 53, 0, "raw4");
		udp6(&b);
		expect_udp(types[i], &b, 6, A6, B6, 40000, 53, 0, "raw6");
	}
	pk_t b;
	udp4(&b);
	expect_udp(228, &b, 4, A4, B4, 40000, 53, 0, "linktype_ipv4");
	udp6(&b);
	expect_udp(229, &b, 6, A6, B6, 40000, 53, 0, "linktype_ipv6");
	decode_out_t o;
	udp6(&b);
	ck_assert_int_eq(result_of(228, &b, &o), DECODE_OTHER); /* IPv6 on an IPv4 link */
}
END_TEST

START_TEST(link_null_loop)
{
	/* AF_INET6 is 24 (NetBSD/OpenBSD), 28 (FreeBSD), 30 (macOS). */
	static const uint32_t af6[] = { 24, 28, 30 };
	pk_t b;
	udp4(&b);
	put32le(pre(&b, 4), 2);
	expect_udp(0, &b, 4, A4, B4, 40000, 53, 0, "null4_le");
	udp4(&b);
	put32(pre(&b, 4), 2);
	expect_udp(0, &b, 4, A4, B4, 40000, 53, 0, "null4_be");
	for (size_t i = 0; i < 3; i++) {
		udp6(&b);
		put32le(pre(&b, 4), af6[i]);
		expect_udp(0, &b, 6, A6, B6, 40000, 53, 0, "null6");
		udp6(&b);
		put32(pre(&b, 4), af6[i]);
		expect_udp(108, &b, 6, A6, B6, 40000, 53, 0, "loop6");
	}
	decode_out_t o;
	udp4(&b);
	put32(pre(&b, 4), 99);
	ck_assert_int_eq(result_of(0, &b, &o), DECODE_UNSUPPORTED);
}
END_TEST

START_TEST(link_ppp)
{
	pk_t b;
	udp4(&b);
	pre_bytes(&b, "\xff\x03\x00\x21", 4);
	expect_udp(9, &b, 4, A4, B4, 40000, 53, 0, "ppp");
	expect_udp(50, &b, 4, A4, B4, 40000, 53, 0, "ppp_hdlc");
	pre_bytes(&b, "\x01", 1);
	expect_udp(204, &b, 4, A4, B4, 40000, 53, 0, "ppp_dir");

	udp6(&b);
	pre_bytes(&b, "\x57", 1); /* compressed protocol, no address/control */
	expect_udp(9, &b, 6, A6, B6, 40000, 53, 0, "ppp_pfc");

	udp4(&b);
	pre_bytes(&b, "\x0f\x00\x08\x00", 4);
	expect_udp(104, &b, 4, A4, B4, 40000, 53, 0, "chdlc");

	decode_out_t o;
	pk_init(&b, "\xff\x03\xc0\x21\x01\x01\x00\x04", 8); /* LCP */
	ck_assert_int_eq(result_of(9, &b, &o), DECODE_OTHER);
}
END_TEST

START_TEST(link_nflog)
{
	pk_t b;
	udp4(&b);
	size_t n = pk_len(&b);
	uint8_t *h = pre(&b, 4);
	put16le(h, (unsigned)n + 4);
	put16le(h + 2, 9);     /* NFULA_PAYLOAD */
	h = pre(&b, 12);       /* NFULA_PREFIX "hello\0", padded to 4 */
	put16le(h, 10);
	put16le(h + 2, 10);
	memcpy(h + 4, "hello", 6);
	h = pre(&b, 8);        /* NFULA_PACKET_HDR */
	put16le(h, 8);
	put16le(h + 2, 1);
	put16(h + 4, 0x0800);
	h = pre(&b, 4);
	h[0] = 2;              /* AF_INET */
	expect_udp(239, &b, 4, A4, B4, 40000, 53, 0, "nflog");

	decode_out_t o;
	pk_init(&b, "\x02\x00\x00\x00\x08\x00\x01\x00\x08\x00\x00\x00", 12);
	ck_assert_int_eq(result_of(239, &b, &o), DECODE_OTHER); /* no payload TLV */
}
END_TEST

START_TEST(link_pktap)
{
	pk_t b;
	udp4(&b);
	w_eth(&b, 0x0800);
	uint8_t *h = pre(&b, 108);
	put32le(h, 108);
	put32le(h + 4, 1);     /* record type: packet */
	put32le(h + 8, 1);     /* inner DLT_EN10MB */
	expect_udp(258, &b, 4, A4, B4, 40000, 53, 0, "pktap");

	udp4(&b);
	h = pre(&b, 108);
	put32le(h, 108);
	put32le(h + 4, 1);
	put32le(h + 8, 12);    /* inner DLT_RAW */
	memcpy(h + 12, "utun0", 5);
	expect_udp(258, &b, 4, A4, B4, 40000, 53, 0, "pktap_raw");

	decode_out_t o;
	put32le(b.buf + b.start + 4, 2); /* another record type */
	ck_assert_int_eq(result_of(258, &b, &o), DECODE_OTHER);
}
END_TEST

static void w_llc_snap(pk_t *b, unsigned type)
{
	uint8_t *h = pre(b, 8);
	h[0] = h[1] = 0xaa;
	h[2] = 0x03;
	put16(h + 6, type);
}

START_TEST(link_80211)
{
	pk_t b;
	/* QoS data, to DS */
	udp4(&b);
	w_llc_snap(&b, 0x0800);
	uint8_t *h = pre(&b, 26);
	h[0] = 0x88;
	h[1] = 0x01;
	memset(h + 4, 0x11, 18);
	expect_udp(105, &b, 4, A4, B4, 40000, 53, 0, "wlan_qos");
	/* radiotap, 8-byte header plus one TSFT field */
	h = pre(&b, 16);
	h[2] = 16;
	h[4] = 0x01;
	expect_udp(127, &b, 4, A4, B4, 40000, 53, 0, "radiotap_qos");

	/* plain data, four addresses (WDS) */
	udp6(&b);
	w_llc_snap(&b, 0x86dd);
	h = pre(&b, 30);
	h[0] = 0x08;
	h[1] = 0x03;
	expect_udp(105, &b, 6, A6, B6, 40000, 53, 0, "wlan_4addr");

	/* protected frame: encrypted body */
	decode_out_t o;
	udp4(&b);
	w_llc_snap(&b, 0x0800);
	h = pre(&b, 24);
	h[0] = 0x08;
	h[1] = 0x41;
	ck_assert_int_eq(result_of(105, &b, &o), DECODE_OTHER);
	/* beacon */
	pk_init(&b, "\x80\x00\x00\x00", 4);
	memset(b.buf + b.end, 0, 40);
	b.end += 40;
	ck_assert_int_eq(result_of(105, &b, &o), DECODE_OTHER);
}
END_TEST

START_TEST(link_arcnet_fddi)
{
	pk_t b;
	udp4(&b);
	pre_bytes(&b, "\x01\x02\x00\x00\xd4\x00\x00\x00", 8); /* RFC 1201 IP */
	expect_udp(129, &b, 4, A4, B4, 40000, 53, 0, "arcnet");
	udp4(&b);
	pre_bytes(&b, "\x01\x02\x00\x00\xf0", 5);             /* RFC 1051 IP */
	expect_udp(129, &b, 4, A4, B4, 40000, 53, 0, "arcnet_old");

	udp4(&b);
	w_llc_snap(&b, 0x0800);
	uint8_t *h = pre(&b, 13);
	h[0] = 0x50;
	memset(h + 1, 0x33, 12);
	expect_udp(10, &b, 4, A4, B4, 40000, 53, 0, "fddi");
}
END_TEST

START_TEST(link_unsupported)
{
	pk_t b;
	decode_out_t o;
	udp4(&b);
	ck_assert_int_eq(result_of(147, &b, &o), DECODE_UNSUPPORTED);
	ck_assert_str_eq(o.what, "linktype 147");
	ck_assert_int_eq(result_of(7, &b, &o), DECODE_UNSUPPORTED);
	ck_assert_str_eq(o.what, "linktype 7");
	ck_assert_int_eq(result_of(-1, &b, &o), DECODE_UNSUPPORTED);
	ck_assert_int_eq(result_of(100000, &b, &o), DECODE_UNSUPPORTED);

	udp4(&b);
	w_eth(&b, 0x894f);
	ck_assert_int_eq(result_of(1, &b, &o), DECODE_UNSUPPORTED);
	ck_assert_str_eq(o.what, "ethertype 0x894f (NSH)");
	udp4(&b);
	w_eth(&b, 0x1234);
	ck_assert_int_eq(result_of(1, &b, &o), DECODE_UNSUPPORTED);

	pk_init(&b, "\x00\x01\x08\x00\x06\x04\x00\x01", 8); /* ARP */
	memset(b.buf + b.end, 0, 20);
	b.end += 20;
	w_eth(&b, 0x0806);
	ck_assert_int_eq(result_of(1, &b, &o), DECODE_OTHER);
	pk_init(&b, "\x42\x42\x03\x00\x00", 5); /* 802.3 + LLC: STP */
	w_eth(&b, 5);
	ck_assert_int_eq(result_of(1, &b, &o), DECODE_OTHER);
}
END_TEST

/* ---- IP ---------------------------------------------------------------- */

START_TEST(ip4_options_and_lengths)
{
	pk_t b;
	pk_dns(&b);
	w_udp(&b, 5353, 5353);
	w_ip4x(&b, 17, C4, D4, 12, 0, 7);
	w_eth(&b, 0x0800);
	expect_udp(1, &b, 4, C4, D4, 5353, 5353, 0, "ip4_options");

	/* snaplen cut the payload: present is what was captured, the wire
	 * length comes from the headers */
	decode_out_t o;
	udp4(&b);
	b.end -= 5;
	ck_assert_int_eq(result_of(101, &b, &o), DECODE_L4);
	ck_assert_uint_eq(o.l4.paylen, sizeof(dns_query) - 5);
	ck_assert_uint_eq(o.l4.paylen_wire, sizeof(dns_query));

	/* total length below the header: malformed */
	udp4(&b);
	put16(b.buf + b.start + 2, 19);
	ck_assert_int_eq(result_of(101, &b, &o), DECODE_OTHER);
	/* IHL below 5 */
	udp4(&b);
	b.buf[b.start] = 0x44;
	ck_assert_int_eq(result_of(101, &b, &o), DECODE_OTHER);
	/* total length 0 (segmentation offload): use what was captured */
	udp4(&b);
	put16(b.buf + b.start + 2, 0);
	ck_assert_int_eq(result_of(101, &b, &o), DECODE_L4);
	ck_assert_uint_eq(o.l4.paylen, sizeof(dns_query));
	/* UDP length shorter than the IP payload bounds the payload */
	udp4(&b);
	put16(b.buf + b.start + 24, 8 + 10);
	ck_assert_int_eq(result_of(101, &b, &o), DECODE_L4);
	ck_assert_uint_eq(o.l4.paylen, 10);
	ck_assert_uint_eq(o.l4.paylen_wire, 10);
	/* UDP length below 8 */
	udp4(&b);
	put16(b.buf + b.start + 24, 3);
	ck_assert_int_eq(result_of(101, &b, &o), DECODE_OTHER);
}
END_TEST

START_TEST(ip4_fragments)
{
	pk_t b;
	decode_out_t o;
	/* first fragment: MF, offset 0 */
	pk_dns(&b);
	w_udp(&b, 40000, 53);
	size_t udplen = pk_len(&b);
	w_ip4x(&b, 17, A4, B4, 0, 0x2000, 0xbeef);
	w_eth(&b, 0x0800);
	dump(1, &b, "ip4_frag_first");
	ck_assert_int_eq(result_of(1, &b, &o), DECODE_FRAGMENT);
	expect_addr(&o.frag.src, 4, A4);
	expect_addr(&o.frag.dst, 4, B4);
	ck_assert_uint_eq(o.frag.id, 0xbeef);
	ck_assert_uint_eq(o.frag.proto, 17);
	ck_assert_uint_eq(o.frag.offset, 0);
	ck_assert(o.frag.more);
	ck_assert_uint_eq(o.frag.len, udplen);
	all_prefixes(1, &b);

	/* last fragment at 1480 */
	pk_init(&b, "abcdefgh", 8);
	w_ip4x(&b, 17, A4, B4, 4, 185, 0xbeef);
	uint8_t *c;
	ck_assert_int_eq(run(101, b.buf + b.start, pk_len(&b), &o, &c), DECODE_FRAGMENT);
	ck_assert_uint_eq(o.frag.offset, 1480);
	ck_assert(!o.frag.more);
	ck_assert_uint_eq(o.frag.len, 8);
	ck_assert_mem_eq(o.frag.data, "abcdefgh", 8);
	free(c);
	/* a fragment cut by the snaplen cannot be reassembled */
	b.end -= 1;
	ck_assert_int_eq(result_of(101, &b, &o), DECODE_TRUNCATED);
	/* DF alone is not a fragment */
	udp4(&b);
	ck_assert_int_eq(result_of(101, &b, &o), DECODE_L4);
}
END_TEST

START_TEST(ip6_ext_headers)
{
	pk_t b;
	pk_dns(&b);
	w_udp(&b, 40000, 53);
	w_ip6_ext(&b, 17, 0);  /* destination options */
	w_ip6_ext(&b, 60, 1);  /* routing, 16 bytes */
	w_ip6_ext(&b, 43, 0);  /* hop-by-hop */
	w_ip6(&b, 0, A6, B6);
	w_eth(&b, 0x86dd);
	expect_udp(1, &b, 6, A6, B6, 40000, 53, 0, "ip6_ext");

	/* AH then an atomic fragment: decoded directly */
	pk_dns(&b);
	w_udp(&b, 40000, 53);
	w_ip6_frag(&b, 17, 0, 0, 77);
	uint8_t *h = pre(&b, 16); /* AH, payload length 2 -> (2+2)*4 = 16 bytes */
	h[0] = 44;
	h[1] = 2;
	w_ip6(&b, 51, A6, B6);
	expect_udp(101, &b, 6, A6, B6, 40000, 53, 0, "ip6_ah_atomic");

	decode_out_t o;
	/* ESP and no-next-header */
	pk_dns(&b);
	w_ip6(&b, 50, A6, B6);
	ck_assert_int_eq(result_of(229, &b, &o), DECODE_OTHER);
	pk_dns(&b);
	w_ip6_ext(&b, 59, 0);
	w_ip6(&b, 60, A6, B6);
	ck_assert_int_eq(result_of(229, &b, &o), DECODE_OTHER);

	/* jumbo: payload length 0 means "what was captured" */
	udp6(&b);
	put16(b.buf + b.start + 4, 0);
	ck_assert_int_eq(result_of(229, &b, &o), DECODE_L4);
	ck_assert_uint_eq(o.l4.paylen, sizeof(dns_query));

	/* extension header longer than the payload length: malformed */
	pk_dns(&b);
	w_udp(&b, 40000, 53);
	w_ip6_ext(&b, 17, 0);
	w_ip6(&b, 0, A6, B6);
	b.buf[b.start + 40 + 1] = 200;
	ck_assert_int_eq(result_of(229, &b, &o), DECODE_OTHER);
}
END_TEST

START_TEST(ip6_fragments)
{
	pk_t b;
	decode_out_t o;
	pk_dns(&b);
	w_udp(&b, 40000, 53);
	size_t udplen = pk_len(&b);
	w_ip6_frag(&b, 17, 0, 1, 0xdeadbeef);
	w_ip6_ext(&b, 44, 0);
	w_ip6(&b, 0, A6, B6);
	w_eth(&b, 0x86dd);
	dump(1, &b, "ip6_frag_first");
	ck_assert_int_eq(result_of(1, &b, &o), DECODE_FRAGMENT);
	expect_addr(&o.frag.src, 6, A6);
	expect_addr(&o.frag.dst, 6, B6);
	ck_assert_uint_eq(o.frag.id, 0xdeadbeef);
	ck_assert_uint_eq(o.frag.proto, 17);
	ck_assert_uint_eq(o.frag.offset, 0);
	ck_assert(o.frag.more);
	ck_assert_uint_eq(o.frag.len, udplen);
	all_prefixes(1, &b);

	pk_init(&b, "0123456789abcdef", 16);
	w_ip6_frag(&b, 17, 1448, 0, 5);
	w_ip6(&b, 44, A6, B6);
	uint8_t *c;
	ck_assert_int_eq(run(229, b.buf + b.start, pk_len(&b), &o, &c), DECODE_FRAGMENT);
	ck_assert_uint_eq(o.frag.offset, 1448);
	ck_assert(!o.frag.more);
	ck_assert_uint_eq(o.frag.len, 16);
	ck_assert_mem_eq(o.frag.data, "0123456789abcdef", 16);
	free(c);
}
END_TEST

START_TEST(tcp_segment)
{
	pk_t b;
	decode_out_t o;
	uint8_t *c;
	pk_init(&b, "\x00\x1d", 2);
	memcpy(b.buf + b.end, dns_query, sizeof(dns_query));
	b.end += sizeof(dns_query);
	w_tcp(&b, 50123, 53, 0x01020304, 0xa0b0c0d0, 0x18, 12);
	w_ip4(&b, 6, A4, B4);
	w_eth(&b, 0x0800);
	dump(1, &b, "tcp4");
	ck_assert_int_eq(run(1, b.buf + b.start, pk_len(&b), &o, &c), DECODE_L4);
	ck_assert_uint_eq(o.l4.proto, 6);
	ck_assert_uint_eq(o.l4.sport, 50123);
	ck_assert_uint_eq(o.l4.dport, 53);
	ck_assert_uint_eq(o.l4.seq, 0x01020304);
	ck_assert_uint_eq(o.l4.ack, 0xa0b0c0d0);
	ck_assert_uint_eq(o.l4.tcp_flags, TCPF_PSH | TCPF_ACK);
	ck_assert_uint_eq(o.l4.paylen, sizeof(dns_query) + 2);
	ck_assert_uint_eq(o.l4.paylen_wire, sizeof(dns_query) + 2);
	ck_assert_ptr_eq(o.l4.payload, c + (b.pay_off - b.start));
	free(c);
	all_prefixes(1, &b);

	/* data offset below 5 */
	b.buf[b.start + 14 + 20 + 12] = 0x40;
	ck_assert_int_eq(result_of(1, &b, &o), DECODE_OTHER);

	/* SYN over IPv6, no payload */
	pk_init(&b, "", 0);
	w_tcp(&b, 50123, 53, 7, 0, TCPF_SYN, 0);
	w_ip6(&b, 6, A6, B6);
	ck_assert_int_eq(result_of(229, &b, &o), DECODE_L4);
	ck_assert_uint_eq(o.l4.tcp_flags, TCPF_SYN);
	ck_assert_uint_eq(o.l4.paylen, 0);
	expect_addr(&o.l4.src, 6, A6);
}
END_TEST

START_TEST(icmp_is_other)
{
	/* ICMP port unreachable quoting a DNS query */
	pk_t b;
	decode_out_t o;
	udp4(&b);
	pre_bytes(&b, "\x03\x03\x00\x00\x00\x00\x00\x00", 8);
	w_ip4(&b, 1, B4, A4);
	w_eth(&b, 0x0800);
	ck_assert_int_eq(result_of(1, &b, &o), DECODE_OTHER);
	udp6(&b);
	pre_bytes(&b, "\x01\x04\x00\x00\x00\x00\x00\x00", 8);
	w_ip6(&b, 58, B6, A6);
	ck_assert_int_eq(result_of(229, &b, &o), DECODE_OTHER);
}
END_TEST

/* ---- tunnels ----------------------------------------------------------- */

START_TEST(tunnel_ip_in_ip)
{
	pk_t b;
	udp4(&b);
	w_ip4(&b, 4, C4, D4);
	w_eth(&b, 0x0800);
	expect_udp(1, &b, 4, A4, B4, 40000, 53, 1, "ipip");

	udp6(&b);
	w_ip4(&b, 41, C4, D4);
	expect_udp(101, &b, 6, A6, B6, 40000, 53, 1, "6in4");

	udp4(&b);
	w_ip6(&b, 4, B6, A6);
	expect_udp(101, &b, 4, A4, B4, 40000, 53, 1, "4in6");

	udp6(&b);
	w_ip6(&b, 41, B6, A6);
	w_ip6(&b, 41, B6, A6);
	expect_udp(101, &b, 6, A6, B6, 40000, 53, 2, "6in6in6");

	/* bounded nesting */
	decode_out_t o;
	udp4(&b);
	for (int i = 0; i < 12; i++)
		w_ip4(&b, 4, C4, D4);
	ck_assert_int_eq(result_of(101, &b, &o), DECODE_UNSUPPORTED);
	ck_assert_str_eq(o.what, "encapsulation depth");
}
END_TEST

START_TEST(tunnel_gre)
{
	pk_t b;
	udp4(&b);
	w_gre(&b, 0, 0x0800, 0);
	w_ip4(&b, 47, C4, D4);
	w_eth(&b, 0x0800);
	expect_udp(1, &b, 4, A4, B4, 40000, 53, 1, "gre_ip4");

	/* checksum, key and sequence present */
	udp6(&b);
	w_gre(&b, 0xb000, 0x86dd, 12);
	w_ip4(&b, 47, C4, D4);
	expect_udp(101, &b, 6, A6, B6, 40000, 53, 1, "gre_cks_ip6");

	/* transparent Ethernet bridging, with a VLAN tag inside */
	udp4(&b);
	w_tag(&b, 5, 0x0800);
	w_eth(&b, 0x8100);
	w_gre(&b, 0x2000, 0x6558, 4);
	w_ip6(&b, 47, A6, B6);
	w_eth(&b, 0x86dd);
	expect_udp(1, &b, 4, A4, B4, 40000, 53, 1, "gre_teb");

	/* ERSPAN type II: sequence bit, 8-byte header, then Ethernet */
	udp4(&b);
	w_eth(&b, 0x0800);
	pre_bytes(&b, "\x10\x64\x00\x01\x00\x00\x00\x07", 8);
	w_gre(&b, 0x1000, 0x88be, 4);
	w_ip4(&b, 47, C4, D4);
	w_eth(&b, 0x0800);
	expect_udp(1, &b, 4, A4, B4, 40000, 53, 1, "erspan2");

	/* ERSPAN type I: no sequence, Ethernet right after GRE */
	udp4(&b);
	w_eth(&b, 0x0800);
	w_gre(&b, 0, 0x88be, 0);
	w_ip4(&b, 47, C4, D4);
	expect_udp(101, &b, 4, A4, B4, 40000, 53, 1, "erspan1");

	/* ERSPAN type III with the platform subheader (O bit) */
	udp6(&b);
	w_eth(&b, 0x86dd);
	pre(&b, 8);
	pre_bytes(&b, "\x20\x64\x00\x01\x11\x22\x33\x44\x00\x00\x00\x01", 12);
	w_gre(&b, 0x1000, 0x22eb, 4);
	w_ip4(&b, 47, C4, D4);
	w_eth(&b, 0x0800);
	expect_udp(1, &b, 6, A6, B6, 40000, 53, 1, "erspan3_o");
	/* ... and without it */
	udp6(&b);
	w_eth(&b, 0x86dd);
	pre_bytes(&b, "\x20\x64\x00\x01\x11\x22\x33\x44\x00\x00\x00\x00", 12);
	w_gre(&b, 0x1000, 0x22eb, 4);
	w_ip4(&b, 47, C4, D4);
	expect_udp(101, &b, 6, A6, B6, 40000, 53, 1, "erspan3");

	/* MPLS over GRE */
	udp4(&b);
	w_mpls(&b, 20, 1);
	w_gre(&b, 0, 0x8847, 0);
	w_ip4(&b, 47, C4, D4);
	expect_udp(101, &b, 4, A4, B4, 40000, 53, 1, "gre_mpls");
}
END_TEST

/* Ethernet inside Ethernet (802.1ah, MPLS pseudowires, bridging over GRE)
 * nests under the same depth limit as the IP tunnels; a tunnel's own
 * Ethernet payload is not a layer of its own. */
START_TEST(tunnel_ethernet_nesting)
{
	pk_t b;
	decode_out_t o;
	char name[32];
	for (unsigned n = 1; n <= 9; n++) {
		udp4(&b);
		w_eth(&b, 0x0800);
		for (unsigned i = 0; i < n; i++) {
			pre_bytes(&b, "\x00\x00\x00\x01", 4); /* I-TAG */
			w_eth(&b, 0x88e7);
		}
		if (n <= 8) {
			snprintf(name, sizeof name, "pbb_%u", n);
			expect_udp(1, &b, 4, A4, B4, 40000, 53, n, name);
		} else {
			ck_assert_int_eq(result_of(1, &b, &o), DECODE_UNSUPPORTED);
			ck_assert_str_eq(o.what, "encapsulation depth");
		}
	}

	/* MPLS pseudowire with control word, Ethernet inside, nine deep */
	for (unsigned n = 1; n <= 9; n++) {
		udp4(&b);
		w_eth(&b, 0x0800);
		for (unsigned i = 0; i < n; i++) {
			pre(&b, 4); /* control word */
			w_mpls(&b, 100 + i, 1);
			w_eth(&b, 0x8847);
		}
		if (n <= 8) {
			snprintf(name, sizeof name, "mpls_pw_%u", n);
			expect_udp(1, &b, 4, A4, B4, 40000, 53, n, name);
		} else {
			ck_assert_int_eq(result_of(1, &b, &o), DECODE_UNSUPPORTED);
			ck_assert_str_eq(o.what, "encapsulation depth");
		}
	}

	/* GRE bridging inside 802.1ah inside GRE bridging: GRE and its
	 * Ethernet are one layer each time, 802.1ah one more */
	udp4(&b);
	w_eth(&b, 0x0800);
	w_gre(&b, 0, 0x6558, 0);
	w_ip4(&b, 47, C4, D4);
	w_eth(&b, 0x0800);
	pre_bytes(&b, "\x00\x00\x00\x01", 4);
	w_eth(&b, 0x88e7);
	w_gre(&b, 0, 0x6558, 0);
	w_ip4(&b, 47, C4, D4);
	w_eth(&b, 0x0800);
	expect_udp(1, &b, 4, A4, B4, 40000, 53, 3, "gre_pbb_gre");

	/* ERSPAN type I frames nested nine deep: each GRE counts once */
	udp4(&b);
	w_eth(&b, 0x0800);
	for (unsigned i = 0; i < 9; i++) {
		w_gre(&b, 0, 0x88be, 0);
		w_ip4(&b, 47, C4, D4);
		if (i < 8)
			w_eth(&b, 0x0800);
	}
	ck_assert_int_eq(result_of(101, &b, &o), DECODE_UNSUPPORTED);
	ck_assert_str_eq(o.what, "encapsulation depth");
}
END_TEST

static void w_pptp(pk_t *b, int addr_ctl, int pfc, unsigned pppproto)
{
	uint8_t ppp[4];
	size_t n = 0;
	if (addr_ctl) {
		ppp[n++] = 0xff;
		ppp[n++] = 0x03;
	}
	if (!pfc)
		ppp[n++] = (uint8_t)(pppproto >> 8);
	ppp[n++] = (uint8_t)pppproto;
	pre_bytes(b, ppp, n);
	size_t plen = pk_len(b);
	uint8_t *h = pre(b, 16);
	put16(h, 0x3081);          /* K, S, A, version 1 */
	put16(h + 2, 0x880b);
	put16(h + 4, (unsigned)plen);
	put16(h + 6, 0x4000);      /* call id */
	put32(h + 8, 42);          /* sequence */
	put32(h + 12, 41);         /* acknowledgement */
}

START_TEST(tunnel_pptp)
{
	pk_t b;
	udp4(&b);
	w_pptp(&b, 1, 0, 0x0021);
	w_ip4(&b, 47, C4, D4);
	w_eth(&b, 0x0800);
	expect_udp(1, &b, 4, A4, B4, 40000, 53, 1, "pptp");

	udp4(&b);
	w_pptp(&b, 0, 1, 0x21);
	w_ip4(&b, 47, C4, D4);
	expect_udp(101, &b, 4, A4, B4, 40000, 53, 1, "pptp_acfc_pfc");

	udp6(&b);
	w_pptp(&b, 1, 1, 0x57);
	w_ip4(&b, 47, C4, D4);
	expect_udp(101, &b, 6, A6, B6, 40000, 53, 1, "pptp_ip6");

	/* acknowledgement only: no payload */
	decode_out_t o;
	pk_init(&b, "", 0);
	uint8_t *h = pre(&b, 12);
	put16(h, 0x2081);
	put16(h + 2, 0x880b);
	put32(h + 8, 41);
	w_ip4(&b, 47, C4, D4);
	ck_assert_int_eq(result_of(101, &b, &o), DECODE_OTHER);
}
END_TEST

START_TEST(tunnel_vxlan_geneve)
{
	pk_t b;
	udp4(&b);
	w_eth(&b, 0x0800);
	pre_bytes(&b, "\x08\x00\x00\x00\x00\x01\x00\x00", 8);
	w_udp(&b, 51000, 4789);
	w_ip4(&b, 17, C4, D4);
	w_eth(&b, 0x0800);
	expect_udp(1, &b, 4, A4, B4, 40000, 53, 1, "vxlan");

	/* Geneve with 8 bytes of options, Ethernet inside */
	udp6(&b);
	w_eth(&b, 0x86dd);
	pre(&b, 8);
	pre_bytes(&b, "\x02\x00\x65\x58\x00\x00\x0a\x00", 8);
	w_udp(&b, 51000, 6081);
	w_ip4(&b, 17, C4, D4);
	w_eth(&b, 0x0800);
	expect_udp(1, &b, 6, A6, B6, 40000, 53, 1, "geneve_eth");

	/* Geneve carrying IPv4 directly */
	udp4(&b);
	pre_bytes(&b, "\x00\x00\x08\x00\x00\x00\x0a\x00", 8);
	w_udp(&b, 51000, 6081);
	w_ip6(&b, 17, A6, B6);
	expect_udp(101, &b, 4, A4, B4, 40000, 53, 1, "geneve_ip");

	/* VXLAN in VXLAN */
	udp4(&b);
	w_eth(&b, 0x0800);
	pre_bytes(&b, "\x08\x00\x00\x00\x00\x00\x02\x00", 8);
	w_udp(&b, 51000, 4789);
	w_ip4(&b, 17, C4, D4);
	w_eth(&b, 0x0800);
	pre_bytes(&b, "\x08\x00\x00\x00\x00\x00\x01\x00", 8);
	w_udp(&b, 52000, 4789);
	w_ip4(&b, 17, D4, C4);
	expect_udp(101, &b, 4, A4, B4, 40000, 53, 2, "vxlan_vxlan");
}
END_TEST

START_TEST(tunnel_gtp_teredo_greudp)
{
	pk_t b;
	/* GTP-U G-PDU with sequence number and one extension header */
	udp4(&b);
	size_t n = pk_len(&b);
	uint8_t *h = pre(&b, 16);
	h[0] = 0x36;           /* version 1, PT, E, S */
	h[1] = 0xff;
	put16(h + 2, (unsigned)n + 8);
	put32(h + 4, 0x11223344);
	h[11] = 0x85;          /* PDU session container follows */
	h[12] = 1;             /* 4 bytes */
	h[15] = 0;             /* no further extension */
	w_udp(&b, 2152, 2152);
	w_ip4(&b, 17, C4, D4);
	w_eth(&b, 0x0800);
	expect_udp(1, &b, 4, A4, B4, 40000, 53, 1, "gtpu");

	/* GTP-U without optional fields, IPv6 inside */
	udp6(&b);
	n = pk_len(&b);
	h = pre(&b, 8);
	h[0] = 0x30;
	h[1] = 0xff;
	put16(h + 2, (unsigned)n);
	w_udp(&b, 2152, 2152);
	w_ip4(&b, 17, C4, D4);
	expect_udp(101, &b, 6, A6, B6, 40000, 53, 1, "gtpu_v6");

	/* Teredo with origin indication */
	udp6(&b);
	pre_bytes(&b, "\x00\x00\x3f\xff\xc0\x00\x02\x01", 8);
	w_udp(&b, 3544, 50000);
	w_ip4(&b, 17, C4, D4);
	expect_udp(101, &b, 6, A6, B6, 40000, 53, 1, "teredo_origin");
	/* Teredo with authentication then origin indication */
	udp6(&b);
	pre_bytes(&b, "\x00\x00\x3f\xff\xc0\x00\x02\x01", 8);
	pre_bytes(&b, "\x00\x01\x01\x02" "A" "BC" "\x01\x02\x03\x04\x05\x06\x07\x08" "\x00", 16);
	w_udp(&b, 50000, 3544);
	w_ip4(&b, 17, C4, D4);
	expect_udp(101, &b, 6, A6, B6, 40000, 53, 1, "teredo_auth");

	/* GRE in UDP */
	udp4(&b);
	w_gre(&b, 0, 0x0800, 0);
	w_udp(&b, 50001, 4754);
	w_ip4(&b, 17, C4, D4);
	expect_udp(101, &b, 4, A4, B4, 40000, 53, 1, "gre_udp");
}
END_TEST

START_TEST(tunnel_port_fallback)
{
	/* Datagrams on tunnel ports whose contents are not a tunnel are
	 * returned as they are. */
	pk_t b;
	pk_init(&b, "not a vxlan header at all", 25);
	w_udp(&b, 4789, 4789);
	w_ip4(&b, 17, C4, D4);
	expect_udp(101, &b, 4, C4, D4, 4789, 4789, 0, "vxlan_bogus");

	/* a DNS query from source port 3544 is DNS, not Teredo */
	pk_dns(&b);
	w_udp(&b, 3544, 53);
	w_ip4(&b, 17, C4, D4);
	expect_udp(101, &b, 4, C4, D4, 3544, 53, 0, "teredo_port_dns");

	/* a VXLAN packet whose inner frame is cut: the outer datagram */
	udp4(&b);
	w_eth(&b, 0x0800);
	pre_bytes(&b, "\x08\x00\x00\x00\x00\x01\x00\x00", 8);
	size_t cut = pk_len(&b) - 8 - 14 - 20 - 4; /* ends inside inner UDP */
	b.end = b.start + 8 + 14 + 20 + 4;
	b.pay_off = b.start;
	b.pay_len = pk_len(&b);
	(void)cut;
	w_udp(&b, 51000, 4789);
	w_ip4(&b, 17, C4, D4);
	expect_udp(101, &b, 4, C4, D4, 51000, 4789, 0, "vxlan_cut");

	/* GTP-U signalling (echo request) is not an inner packet */
	decode_out_t o;
	pk_init(&b, "\x32\x01\x00\x04\x00\x00\x00\x00\x00\x01\x00\x00", 12);
	w_udp(&b, 2152, 2152);
	w_ip4(&b, 17, C4, D4);
	ck_assert_int_eq(result_of(101, &b, &o), DECODE_OTHER);
}
END_TEST

START_TEST(transport_reassembled)
{
	decode_out_t o;
	ip_addr_t s = { .v = 4 }, d = { .v = 4 };
	memcpy(s.a, A4, 4);
	memcpy(d.a, B4, 4);
	pk_t b;
	pk_dns(&b);
	w_udp(&b, 40000, 53);
	ck_assert_int_eq(decode_transport(17, &s, &d, 99, b.buf + b.start,
					  (uint32_t)pk_len(&b), &o), DECODE_L4);
	ck_assert_uint_eq(o.l4.ts_ns, 99);
	ck_assert_uint_eq(o.l4.sport, 40000);
	ck_assert_uint_eq(o.l4.dport, 53);
	ck_assert_uint_eq(o.l4.paylen, sizeof(dns_query));
	ck_assert_ptr_eq(o.l4.payload, b.buf + b.pay_off);
	ck_assert_int_eq(ip_addr_cmp(&o.l4.src, &s), 0);
	ck_assert_int_eq(ip_addr_cmp(&o.l4.dst, &d), 0);

	/* a reassembled VXLAN datagram is followed inside */
	udp6(&b);
	w_eth(&b, 0x86dd);
	pre_bytes(&b, "\x08\x00\x00\x00\x00\x01\x00\x00", 8);
	w_udp(&b, 51000, 4789);
	ck_assert_int_eq(decode_transport(17, &s, &d, 1, b.buf + b.start,
					  (uint32_t)pk_len(&b), &o), DECODE_L4);
	expect_addr(&o.l4.src, 6, A6);
	ck_assert_uint_eq(o.l4.dport, 53);
	ck_assert_uint_eq(o.depth, 1);

	/* prefixes: never outside the buffer */
	for (size_t i = 0; i < pk_len(&b); i++) {
		uint8_t *c = malloc(i ? i : 1);
		memcpy(c, b.buf + b.start, i);
		enum decode_result r = decode_transport(17, &s, &d, 1, c, (uint32_t)i, &o);
		if (r == DECODE_L4)
			ck_assert(o.l4.payload >= c && o.l4.payload + o.l4.paylen <= c + i);
		free(c);
	}
	ck_assert_int_eq(decode_transport(1, &s, &d, 1, b.buf, 8, &o), DECODE_OTHER);
}
END_TEST

START_TEST(addr_helpers)
{
	char buf[46];
	ip_addr_t a = { .v = 4 }, b6 = { .v = 6 }, z = { 0 };
	memcpy(a.a, A4, 4);
	memcpy(b6.a, B6, 16);
	ck_assert_str_eq(ip_addr_str(&a, buf, sizeof(buf)), "192.0.2.1");
	ck_assert_str_eq(ip_addr_str(&b6, buf, sizeof(buf)), "2001:db8::5353");
	ck_assert_str_eq(ip_addr_str(&z, buf, sizeof(buf)), "");
	ck_assert_str_eq(ip_addr_str(&a, buf, 4), "");  /* too small: empty */
	ck_assert_int_lt(ip_addr_cmp(&a, &b6), 0);
	ck_assert_int_gt(ip_addr_cmp(&b6, &a), 0);
	ck_assert_int_eq(ip_addr_cmp(&a, &a), 0);
	ip_addr_t a2 = a;
	a2.a[3] = 2;
	ck_assert_int_lt(ip_addr_cmp(&a, &a2), 0);
	a2 = a;
	a2.a[10] = 9; /* bytes past an IPv4 address do not count */
	ck_assert_int_eq(ip_addr_cmp(&a, &a2), 0);
}
END_TEST

/* Random byte flips in valid packets: results stay inside the buffer. */
START_TEST(mutations)
{
	pk_t base[4];
	int lt[4] = { 1, 1, 1, 101 };
	udp4(&base[0]);
	w_eth(&base[0], 0x0800);
	udp6(&base[1]);
	w_ip6_ext(&base[1], 41, 0);
	w_ip6(&base[1], 0, A6, B6);
	w_eth(&base[1], 0x86dd);
	udp4(&base[2]);
	w_eth(&base[2], 0x0800);
	pre_bytes(&base[2], "\x08\x00\x00\x00\x00\x01\x00\x00", 8);
	w_udp(&base[2], 51000, 4789);
	w_ip4(&base[2], 17, C4, D4);
	w_eth(&base[2], 0x0800);
	udp4(&base[3]);
	w_pptp(&base[3], 1, 0, 0x0021);
	w_ip4(&base[3], 47, C4, D4);

	uint32_t seed = 12345;
	decode_out_t o;
	for (int k = 0; k < 4; k++) {
		size_t n = pk_len(&base[k]);
		for (int iter = 0; iter < 4000; iter++) {
			uint8_t tmp[2048];
			memcpy(tmp, base[k].buf + base[k].start, n);
			for (int f = 0; f < 3; f++) {
				seed = seed * 1103515245u + 12345u;
				tmp[(seed >> 8) % n] = (uint8_t)(seed >> 20);
			}
			seed = seed * 1103515245u + 12345u;
			size_t len = (seed >> 4) % (n + 1);
			run(lt[k], tmp, len, &o, NULL);
		}
	}
}
END_TEST

/* ---- shared corpus vs tshark ------------------------------------------- */

static int count_dns_l4(const char *path)
{
	char err[PCAP_ERRBUF_SIZE];
	pcap_t *p = pcap_open_offline(path, err);
	ck_assert_msg(p != NULL, "%s: %s", path, err);
	int lt = pcap_datalink(p), n = 0;
	struct pcap_pkthdr *h;
	const u_char *d;
	decode_out_t o;
	while (pcap_next_ex(p, &h, &d) == 1) {
		if (decode_packet(lt, 0, d, h->caplen, &o) != DECODE_L4)
			continue;
		unsigned sp = o.l4.sport, dp = o.l4.dport;
		if (sp == 53 || dp == 53 ||
		    (o.l4.proto == 17 && (sp == 5353 || dp == 5353 || sp == 5355 || dp == 5355)))
			n++;
	}
	pcap_close(p);
	return n;
}

/*
 * Expected counts from
 *   tshark -r F -Y 'udp.port==53 || tcp.port==53 || udp.port==5353 || udp.port==5355' | wc -l
 * minus the packets of that set that are ICMP errors quoting DNS
 *   tshark -r F -Y '(...same...) && (icmp || icmpv6)' | wc -l
 * (only zeek__tunnels__gre-sample.pcap has any: 4 - 2).
 */
static const struct {
	const char *file;
	int dns;
} corpus_counts[] = {
	{ "edge/zeek__erspan.pcap", 14 },
	{ "edge/zeek__tunnels__Teredo.pcap", 10 },
	{ "edge/zeek__tunnels__geneve-vxlan-dns-truncated.pcap", 2 },
	{ "edge/zeek__tunnels__gre-over-udp-4754.pcap", 4 },
	{ "edge/zeek__tunnels__gre-pptp.pcap", 2 },
	{ "edge/zeek__tunnels__gre-sample.pcap", 4 - 2 },
	{ "edge/zeek__tunnels__gtp__gtp7_ipv6.pcap", 1 },
	{ "edge/zeek__tunnels__vxlan-triple-v2.pcap", 1 },
	{ "edge/tcpdump__nflog.pcap", 4 },
	{ "edge/tcpdump__LINKTYPE_PKTAP.pcap", 1 },
	{ "edge/zeek__radiotap.pcap", 3 },
	{ "edge/zeek__wlanmon.pcap", 3 },
	{ "edge/tcpdump__arcnet-rfc1201-arp-icmp-http.pcap", 4 },
	{ "edge/tcpdump__ppp_ip_udp_dns.pcap", 0 },
	{ "edge/zeek__dns-inverse-query.pcap", 11 },
	{ "edge/tcpdump__LINKTYPE_IPV4.pcap", 1 },
	{ "edge/tcpdump__LINKTYPE_IPV6.pcap", 1 },
	{ "edge/tcpdump__LINKTYPE_RAW_ipv4.pcap", 1 },
	{ "edge/tcpdump__LINKTYPE_RAW_ipv6.pcap", 1 },
	{ "edge/tcpdump__ipv4_invalid_total_length.pcap", 1 },
};

START_TEST(corpus_vs_tshark)
{
	if (!tu_corpus("public/edge") && !tu_corpus("edge"))
		return; /* corpus absent: nothing to compare */
	int checked = 0;
	for (size_t i = 0; i < sizeof(corpus_counts) / sizeof(corpus_counts[0]); i++) {
		char rel[256];
		snprintf(rel, sizeof(rel), "public/%s", corpus_counts[i].file);
		const char *path = tu_corpus(rel);
		if (!path)
			path = tu_corpus(corpus_counts[i].file);
		if (!path)
			continue;
		char copy[1024];
		snprintf(copy, sizeof(copy), "%s", path);
		int n = count_dns_l4(copy);
		ck_assert_msg(n == corpus_counts[i].dns, "%s: %d DNS packets, tshark %d",
			      corpus_counts[i].file, n, corpus_counts[i].dns);
		checked++;
	}
	ck_assert_int_gt(checked, 0);
}
END_TEST

/* ---- DNS on ports that are not DNS ports ------------------------------ */

/* Scan one file with the default ports plus the given extra ones. */
static dnsts_scanner_t *scan_ports(const char *path, const uint16_t *ports, size_t n)
{
	dnsts_options_t opt;
	dnsts_options_init(&opt);
	for (size_t i = 0; i < n; i++)
		opt.ports[opt.nports++] = ports[i];
	dnsts_scanner_t *s = dnsts_scanner_new(&opt, NULL, 0);
	ck_assert_ptr_nonnull(s);
	ck_assert_int_eq(dnsts_scan_file(s, path), DNSTS_OK);
	dnsts_scanner_finish(s);
	ck_assert_uint_eq(dnsts_scanner_ninputs(s), 1);
	return s;
}

/* testdata/pcap/dns-other-ports.pcap: an exchange on UDP 5300 and a query
 * with EDNS on 8053 are strictly DNS-shaped; a query with an A record as
 * additional, a NetBIOS name query, a header whose question does not
 * parse, an UPDATE and text are not; an exchange on 53. */
START_TEST(other_ports_testdata)
{
	dnsts_scanner_t *s = scan_ports(tu_testdata("pcap/dns-other-ports.pcap"), NULL, 0);
	const dnsts_stats_t *st = dnsts_scanner_stats(s);
	ck_assert_uint_eq(st->packets, 10);
	ck_assert_uint_eq(st->udp_dns, 2);
	ck_assert_uint_eq(st->dns_messages, 2);
	ck_assert_uint_eq(st->non_dns_packets, 8);
	ck_assert_uint_eq(st->dns_other_ports, 3);
	ck_assert_str_eq(dnsts_scanner_input(s, 0)->warning,
			 "DNS-shaped UDP on ports 5300 (2 packets), 8053 (1 packet): "
			 "rerun with --port 5300 --port 8053");
	dnsts_scanner_free(s);

	/* rerun as the warning says: decoded as DNS, nothing left to name */
	static const uint16_t ports[] = { 5300, 8053 };
	s = scan_ports(tu_testdata("pcap/dns-other-ports.pcap"), ports, 2);
	st = dnsts_scanner_stats(s);
	ck_assert_uint_eq(st->udp_dns, 2 + 5);
	ck_assert_uint_eq(st->dns_messages, 2 + 5); /* the bad question is malformed */
	ck_assert_uint_eq(st->malformed_dns, 1);
	ck_assert_uint_eq(st->dns_other_ports, 0);
	ck_assert_ptr_null(dnsts_scanner_input(s, 0)->warning);
	dnsts_scanner_free(s);
}
END_TEST

/* The corpus capture of DNS on UDP 8053 (a query and its response). */
START_TEST(other_ports_corpus)
{
	const char *path = tu_corpus("public/edge/tcpdump__dns_udp_8053.pcap");
	if (!path)
		path = tu_corpus("edge/tcpdump__dns_udp_8053.pcap");
	if (!path)
		return; /* corpus absent */
	char copy[1024];
	snprintf(copy, sizeof copy, "%s", path);
	dnsts_scanner_t *s = scan_ports(copy, NULL, 0);
	const dnsts_stats_t *st = dnsts_scanner_stats(s);
	ck_assert_uint_eq(st->dns_messages, 0);
	ck_assert_uint_eq(st->non_dns_packets, 2);
	ck_assert_uint_eq(st->dns_other_ports, 2);
	ck_assert_str_eq(dnsts_scanner_input(s, 0)->warning,
			 "DNS-shaped UDP on port 8053 (2 packets): rerun with --port 8053");
	dnsts_scanner_free(s);

	static const uint16_t ports[] = { 8053 };
	s = scan_ports(copy, ports, 1);
	st = dnsts_scanner_stats(s);
	ck_assert_uint_eq(st->dns_messages, 2);
	ck_assert_uint_eq(st->dns_other_ports, 0);
	dnsts_scanner_free(s);
}
END_TEST

static Suite *decode_suite(void)
{
	Suite *s = suite_create("decode");
	TCase *tc = tcase_create("link");
	tcase_add_test(tc, link_ethernet);
	tcase_add_test(tc, link_ethernet_padding);
	tcase_add_test(tc, link_vlan_qinq);
	tcase_add_test(tc, link_mpls);
	tcase_add_test(tc, link_pppoe);
	tcase_add_test(tc, link_sll);
	tcase_add_test(tc, link_raw);
	tcase_add_test(tc, link_null_loop);
	tcase_add_test(tc, link_ppp);
	tcase_add_test(tc, link_nflog);
	tcase_add_test(tc, link_pktap);
	tcase_add_test(tc, link_80211);
	tcase_add_test(tc, link_arcnet_fddi);
	tcase_add_test(tc, link_unsupported);
	suite_add_tcase(s, tc);
	tc = tcase_create("ip");
	tcase_add_test(tc, ip4_options_and_lengths);
	tcase_add_test(tc, ip4_fragments);
	tcase_add_test(tc, ip6_ext_headers);
	tcase_add_test(tc, ip6_fragments);
	tcase_add_test(tc, tcp_segment);
	tcase_add_test(tc, icmp_is_other);
	tcase_add_test(tc, transport_reassembled);
	tcase_add_test(tc, addr_helpers);
	suite_add_tcase(s, tc);
	tc = tcase_create("tunnel");
	tcase_add_test(tc, tunnel_ip_in_ip);
	tcase_add_test(tc, tunnel_gre);
	tcase_add_test(tc, tunnel_ethernet_nesting);
	tcase_add_test(tc, tunnel_pptp);
	tcase_add_test(tc, tunnel_vxlan_geneve);
	tcase_add_test(tc, tunnel_gtp_teredo_greudp);
	tcase_add_test(tc, tunnel_port_fallback);
	suite_add_tcase(s, tc);
	tc = tcase_create("robust");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, mutations);
	suite_add_tcase(s, tc);
	tc = tcase_create("corpus");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, corpus_vs_tshark);
	tcase_add_test(tc, other_ports_testdata);
	tcase_add_test(tc, other_ports_corpus);
	suite_add_tcase(s, tc);
	return s;
}

DNSTS_CHECK_MAIN(decode_suite)
