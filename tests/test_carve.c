/* test_carve.c - the --carve decoders on crafted bytes: SHA-256 vectors,
 * the codecs, bounded inflation (a decompression bomb is refused), the
 * sanitised names, and each framing fed hostile messages (lengths that lie,
 * truncated headers, fragments out of order, encrypted-looking sessions). */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>
#include <zlib.h>

#include "carve.h"
#include "check_util.h"
#include "sha256.h"

/* ---- SHA-256 ----------------------------------------------------------- */

static const char *hexof(const void *p, size_t n)
{
	uint8_t d[SHA256_LEN];
	static char out[65];
	sha256(p, n, d);
	return sha256_hex(d, out);
}

START_TEST(sha256_vectors)
{
	ck_assert_str_eq(hexof("", 0),
			 "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
	ck_assert_str_eq(hexof("abc", 3),
			 "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
	const char *m = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
	ck_assert_str_eq(hexof(m, strlen(m)),
			 "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
	/* a million 'a', fed in uneven pieces */
	char *a = malloc(1000000);
	memset(a, 'a', 1000000);
	sha256_ctx_t c;
	sha256_init(&c);
	for (size_t off = 0, step = 1; off < 1000000; off += step, step = step * 7 % 1000 + 1)
		sha256_update(&c, a + off, off + step > 1000000 ? 1000000 - off : step);
	uint8_t d[SHA256_LEN];
	char hx[65];
	sha256_final(&c, d);
	ck_assert_str_eq(sha256_hex(d, hx),
			 "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
	free(a);
}
END_TEST

/* ---- codecs ------------------------------------------------------------ */

START_TEST(decode_rfc4648)
{
	uint8_t out[64];
	long n = carve_decode_bits("MZXW6YTBOI", 10, carve_alphabet(CARVE_B32), 5, out, sizeof out);
	ck_assert_int_eq(n, 6);
	ck_assert(memcmp(out, "foobar", 6) == 0);
	n = carve_decode_bits("mzxw6.ytboi======", 17, carve_alphabet(CARVE_B32), 5, out,
			      sizeof out);
	ck_assert_int_eq(n, 6);
	ck_assert(memcmp(out, "foobar", 6) == 0);
	n = carve_decode_bits("Zm9vYmFy", 8, carve_alphabet(CARVE_B64), 6, out, sizeof out);
	ck_assert_int_eq(n, 6);
	ck_assert(memcmp(out, "foobar", 6) == 0);
	n = carve_decode_bits("666F6f626172", 12, carve_alphabet(CARVE_HEX), 4, out, sizeof out);
	ck_assert_int_eq(n, 6);
	ck_assert(memcmp(out, "foobar", 6) == 0);
	/* a symbol outside the alphabet */
	ck_assert_int_eq(carve_decode_bits("MZ1W", 4, carve_alphabet(CARVE_B32), 5, out, 64), -1);
	/* the output is bounded by cap */
	ck_assert_int_eq(carve_decode_bits("666f6f626172", 12, carve_alphabet(CARVE_HEX), 4, out,
					   2), 2);
	/* iodine's base128 uses octets 0xbc..0xfd */
	const int8_t *t = carve_alphabet(CARVE_B128_IODINE);
	ck_assert_int_eq(t[0xbc], 62);
	ck_assert_int_eq(t[0xfd], 127);
	ck_assert_int_eq(t[0xfe], -1);
	ck_assert_int_eq(t['+'], -1);
}
END_TEST

START_TEST(inflate_bounded)
{
	/* a small stream inflates */
	uint8_t z[4096], out[CARVE_MAX_INFLATE];
	uLongf zl = sizeof z;
	ck_assert_int_eq(compress2(z, &zl, (const Bytef *)"hello, tunnel", 13, 9), Z_OK);
	ck_assert_int_eq(carve_inflate(z, zl, out, sizeof out), 13);
	ck_assert(memcmp(out, "hello, tunnel", 13) == 0);
	/* cut short, or garbage */
	ck_assert_int_eq(carve_inflate(z, zl - 3, out, sizeof out), -1);
	ck_assert_int_eq(carve_inflate((const uint8_t *)"\x78\x9cgarbage!", 10, out, sizeof out),
			 -1);
	ck_assert_int_eq(carve_inflate(z, 0, out, sizeof out), -1);
	/* a bomb: 16 MiB of zeros in a few KiB is refused, nothing past cap */
	size_t big = 16u << 20;
	uint8_t *zeros = calloc(1, big);
	uLongf bl = compressBound(big);
	uint8_t *bomb = malloc(bl);
	ck_assert_int_eq(compress2(bomb, &bl, zeros, big, 9), Z_OK);
	ck_assert_uint_lt(bl, 65536);
	ck_assert_int_eq(carve_inflate(bomb, bl, out, sizeof out), -1);
	free(zeros);
	free(bomb);
}
END_TEST

START_TEST(safe_names)
{
	char a[CARVE_SAFE_NAME_MAX + 1], b[CARVE_SAFE_NAME_MAX + 1];
	const char *evil[] = {"../../../etc/passwd", "..", ".", "", "a/b", "a\\b", "-rf",
			      ".hidden.example", "x\n\x01\xff.com"};
	for (size_t i = 0; i < sizeof evil / sizeof *evil; i++) {
		carve_safe_name(evil[i], a);
		ck_assert_msg(!strchr(a, '/') && !strchr(a, '\\'), "%s -> %s", evil[i], a);
		ck_assert_msg(a[0] != '.' && a[0] != '-', "%s -> %s", evil[i], a);
		ck_assert(strcmp(a, ".") && strcmp(a, ".."));
		for (const char *p = a; *p; p++)
			ck_assert(*p > 0x20 && *p < 0x7f);
	}
	/* different texts that sanitise alike still differ */
	carve_safe_name("a/b.example", a);
	carve_safe_name("a_b.example", b);
	ck_assert_str_ne(a, b);
	/* bounded */
	char longname[1024];
	memset(longname, 'x', sizeof longname - 1);
	longname[sizeof longname - 1] = 0;
	carve_safe_name(longname, a);
	ck_assert_uint_le(strlen(a), CARVE_SAFE_NAME_MAX);
	/* the same text, the same name */
	carve_safe_name("t.example.com", a);
	carve_safe_name("t.example.com", b);
	ck_assert_str_eq(a, b);
}
END_TEST

START_TEST(txt_lying_lengths)
{
	uint8_t out[16];
	/* the first string claims 200 octets, 5 are there */
	const uint8_t rd[] = {200, 'a', 'b', 'c', 'd', 'e'};
	ck_assert_uint_eq(carve_txt(rd, sizeof rd, out, sizeof out), 5);
	ck_assert(memcmp(out, "abcde", 5) == 0);
	/* more than cap */
	const uint8_t rd2[] = {10, '0', '1', '2', '3', '4', '5', '6', '7', '8', '9',
			       10, '0', '1', '2', '3', '4', '5', '6', '7', '8', '9'};
	ck_assert_uint_eq(carve_txt(rd2, sizeof rd2, out, sizeof out), 16);
	ck_assert_uint_eq(carve_txt(rd2, 0, out, sizeof out), 0);
}
END_TEST

/* ---- framings on crafted messages -------------------------------------- */

static char ZONE[] = "t.example";

static void job_init(carve_job_t *j, finding_t *f, const char *tool)
{
	memset(j, 0, sizeof *j);
	memset(f, 0, sizeof *f);
	f->domain = ZONE;
	f->tool = tool;
	j->f = f;
	j->tool = tool;
	/* "t.example" in wire form */
	static const uint8_t z[] = "\001t\007example";
	memcpy(j->zone, z, sizeof z);
	j->zlen = sizeof z;
}

static void job_free(carve_job_t *j)
{
	for (size_t i = 0; i < j->n; i++)
		free(j->msgs[i].wire);
	free(j->msgs);
}

/* A DNS message: header (id, flags, 1 question, an answers), the query
 * name made of text labels split at '.', then answers given raw. */
static size_t build(uint8_t *w, uint16_t flags, const char *qname, uint16_t qtype,
		    const uint8_t *answers, size_t alen, unsigned an)
{
	size_t n = 0;
	w[n++] = 0x12;
	w[n++] = 0x34;
	w[n++] = (uint8_t)(flags >> 8);
	w[n++] = (uint8_t)flags;
	const uint8_t counts[8] = {0, 1, 0, (uint8_t)an, 0, 0, 0, 0};
	memcpy(w + n, counts, 8);
	n += 8;
	const char *p = qname;
	while (*p) {
		const char *dot = strchr(p, '.');
		size_t l = dot ? (size_t)(dot - p) : strlen(p);
		w[n++] = (uint8_t)l;
		memcpy(w + n, p, l);
		n += l;
		p += l + (dot ? 1 : 0);
	}
	w[n++] = 0;
	w[n++] = (uint8_t)(qtype >> 8);
	w[n++] = (uint8_t)qtype;
	w[n++] = 0;
	w[n++] = 1;
	if (alen)
		memcpy(w + n, answers, alen);
	return n + alen;
}

static void add(carve_job_t *j, const uint8_t *w, size_t len, uint64_t ts)
{
	dns_msg_t m;
	ck_assert_int_eq(dns_msg_parse(&m, w, len), 0);
	unsigned npay = 0;
	char tmp[256];
	ck_assert_int_ge(carve_name_payload(j, &m.qname, true, tmp, sizeof tmp, &npay), 0);
	j->msgs = realloc(j->msgs, (j->n + 1) * sizeof *j->msgs);
	carve_msg_t *c = &j->msgs[j->n++];
	memset(c, 0, sizeof *c);
	c->wire = malloc(len);
	memcpy(c->wire, w, len);
	c->len = (uint32_t)len;
	c->ts_ns = ts;
	c->npay = (uint8_t)npay;
}

static const carve_file_t *file_named(const carve_out_t *o, const char *name)
{
	for (size_t i = 0; i < o->nfiles; i++)
		if (strcmp(o->files[i].name, name) == 0)
			return &o->files[i];
	return NULL;
}

static void hexstr(const uint8_t *p, size_t n, char *out)
{
	static const char hx[] = "0123456789abcdef";
	for (size_t i = 0; i < n; i++) {
		out[2 * i] = hx[p[i] >> 4];
		out[2 * i + 1] = hx[p[i] & 15];
	}
	out[2 * n] = 0;
}

/* A dnscat2 packet as a query name: hex, labels of at most 60. */
static void dnscat_query(carve_job_t *j, const uint8_t *pkt, size_t n, uint64_t ts)
{
	char hx[512], name[600];
	hexstr(pkt, n, hx);
	size_t w = 0;
	for (size_t i = 0; hx[i]; i++) {
		if (i && i % 60 == 0)
			name[w++] = '.';
		name[w++] = hx[i];
	}
	snprintf(name + w, sizeof name - w, ".%s", ZONE);
	uint8_t msg[1024];
	add(j, msg, build(msg, 0x0100, name, 16, NULL, 0, 0), ts);
}

START_TEST(dnscat2_plain_and_hostile)
{
	carve_job_t j;
	finding_t f;
	job_init(&j, &f, "dnscat2");
	/* SYN: session 0x0101, isn 0x1000, named "sh" */
	const uint8_t syn[] = {0, 1, 0, 1, 1, 0x10, 0, 0, 1, 's', 'h', 0};
	dnscat_query(&j, syn, sizeof syn, 1);
	/* MSG seq 0x1000 "hello ", a repeat of it, then seq 0x1006 "world" */
	const uint8_t m1[] = {0, 2, 1, 1, 1, 0x10, 0x00, 0, 0, 'h', 'e', 'l', 'l', 'o', ' '};
	dnscat_query(&j, m1, sizeof m1, 2);
	dnscat_query(&j, m1, sizeof m1, 3);
	const uint8_t m2[] = {0, 3, 1, 1, 1, 0x10, 0x06, 0, 0, 'w', 'o', 'r', 'l', 'd'};
	dnscat_query(&j, m2, sizeof m2, 4);
	/* jumps 4 bytes ahead: a gap */
	const uint8_t m3[] = {0, 4, 1, 1, 1, 0x10, 0x0f, 0, 0, '!'};
	dnscat_query(&j, m3, sizeof m3, 5);
	/* truncated headers: 3 and 6 octets; an unknown type */
	const uint8_t t1[] = {0, 5, 1};
	dnscat_query(&j, t1, sizeof t1, 6);
	const uint8_t t2[] = {0, 5, 1, 1, 1, 0x10};
	dnscat_query(&j, t2, sizeof t2, 7);
	const uint8_t t3[] = {0, 5, 9, 1, 1, 0, 0};
	dnscat_query(&j, t3, sizeof t3, 8);
	/* a response whose TXT string claims more than is there */
	uint8_t ans[64] = {0xc0, 0x0c, 0, 16, 0, 1, 0, 0, 0, 0, 0, 4, 200, 'a', 'b', 'c'};
	uint8_t msg[512];
	add(&j, msg, build(msg, 0x8180, "00.t.example", 16, ans, 16, 1), 9);

	/* the server's MSG "ok" in four A answers, out of order: sequence
	 * octet, then the length (11) and the packet, then padding */
	const uint8_t sp[] = {11, 0, 9, 1, 1, 1, 0x20, 0x00, 0x10, 0x0c, 'o', 'k'};
	uint8_t aa[4 * 16];
	const unsigned order[4] = {2, 0, 3, 1};
	for (unsigned b = 0; b < 4; b++) {
		uint8_t *r = aa + 16 * b;
		const uint8_t h[12] = {0xc0, 0x0c, 0, 1, 0, 1, 0, 0, 0, 0, 0, 4};
		memcpy(r, h, 12);
		r[12] = (uint8_t)order[b];
		memcpy(r + 13, sp + 3 * order[b], 3);
	}
	add(&j, msg, build(msg, 0x8180, "00.t.example", 1, aa, sizeof aa, 4), 10);

	carve_out_t o = {0};
	carve_dnscat2(&j, &o);
	const carve_file_t *sf = file_named(&o, "session-0101-server.bin");
	ck_assert_ptr_nonnull(sf);
	ck_assert_uint_eq(sf->data.n, 2);
	ck_assert(memcmp(sf->data.p, "ok", 2) == 0);
	const carve_file_t *cf = file_named(&o, "session-0101-client.bin");
	ck_assert_ptr_nonnull(cf);
	ck_assert_uint_eq(cf->data.n, 12);
	ck_assert(memcmp(cf->data.p, "hello world!", 12) == 0);
	ck_assert_uint_eq(o.ngaps, 1);
	ck_assert_ptr_nonnull(strstr(o.gaps[0], "4 bytes missing"));
	bool named = false;
	for (size_t i = 0; i < o.nnotes; i++)
		named |= strstr(o.notes[i], "\"sh\"") != NULL;
	ck_assert(named);
	carve_out_clear(&o);
	job_free(&j);
}
END_TEST

START_TEST(dnscat2_encrypted)
{
	carve_job_t j;
	finding_t f;
	job_init(&j, &f, "dnscat2");
	/* ENC, then MSGs: written as packets only, never as session bytes */
	const uint8_t enc[] = {0, 1, 3, 0x22, 0x22, 0, 0, 0, 0};
	dnscat_query(&j, enc, sizeof enc, 1);
	const uint8_t m[] = {0, 2, 1, 0x22, 0x22, 0xde, 0xad, 0xbe, 0xef, 1, 2, 3};
	dnscat_query(&j, m, sizeof m, 2);
	carve_out_t o = {0};
	carve_dnscat2(&j, &o);
	ck_assert_ptr_null(file_named(&o, "session-2222-client.bin"));
	const carve_file_t *p = file_named(&o, "session-2222-packets.txt");
	ck_assert_ptr_nonnull(p);
	ck_assert_ptr_nonnull(memmem(p->data.p, p->data.n, "000103222200000000", 18));
	ck_assert_uint_ge(o.nnotes, 1);
	ck_assert_ptr_nonnull(strstr(o.notes[0], "encrypted"));
	carve_out_clear(&o);
	job_free(&j);
}
END_TEST

/* iodine's base32 */
static void b32(const uint8_t *p, size_t n, char *out)
{
	static const char a[] = "abcdefghijklmnopqrstuvwxyz012345";
	uint32_t acc = 0;
	unsigned bits = 0;
	size_t w = 0;
	for (size_t i = 0; i < n; i++) {
		acc = acc << 8 | p[i];
		bits += 8;
		while (bits >= 5) {
			bits -= 5;
			out[w++] = a[(acc >> bits) & 31];
		}
	}
	if (bits)
		out[w++] = a[(acc << (5 - bits)) & 31];
	out[w] = 0;
}

/* An iodine upstream data query of user 0: packet seq, fragment, last. */
static void iodine_up(carve_job_t *j, unsigned seq, unsigned frag, bool last, const uint8_t *p,
		      size_t n, uint64_t ts)
{
	static const char a[] = "abcdefghijklmnopqrstuvwxyz012345";
	char data[400], name[600];
	b32(p, n, data);
	unsigned v1 = (seq & 7) << 2 | (frag & 15) >> 2, v2 = (frag & 3) << 3, v3 = last ? 1 : 0;
	size_t w = (size_t)snprintf(name, sizeof name, "0%c%c%ca", a[v1], a[v2], a[v3]);
	for (size_t i = 0; data[i]; i++) {
		if ((w + 1) % 58 == 0)
			name[w++] = '.';
		name[w++] = data[i];
	}
	snprintf(name + w, sizeof name - w, ".%s", ZONE);
	uint8_t msg[1024];
	add(j, msg, build(msg, 0x0100, name, 10, NULL, 0, 0), ts);
}

/* A tun frame: 4-byte header and a minimal IPv4 packet of n octets. */
static size_t ip_packet(uint8_t *b, size_t n, uint8_t mark)
{
	memset(b, mark, n + 4);
	b[0] = b[1] = b[3] = 0;
	b[2] = 8;
	b[4] = 0x45;
	b[6] = (uint8_t)(n >> 8);
	b[7] = (uint8_t)n;
	return n + 4;
}

START_TEST(iodine_fragments_and_bombs)
{
	carve_job_t j;
	finding_t f;
	job_init(&j, &f, "iodine");
	uint8_t pkt[1500], z[2048];
	uLongf zl;
	/* packet 1: three fragments, the middle one sent twice */
	size_t pl = ip_packet(pkt, 300, 0x11);
	zl = sizeof z;
	compress2(z, &zl, pkt, pl, 0); /* stored: long enough to need 3 fragments */
	size_t third = zl / 3;
	iodine_up(&j, 1, 0, false, z, third, 10);
	iodine_up(&j, 1, 1, false, z + third, third, 11);
	iodine_up(&j, 1, 1, false, z + third, third, 12);
	iodine_up(&j, 1, 2, true, z + 2 * third, zl - 2 * third, 13);
	/* packet 2: its middle fragment lost */
	pl = ip_packet(pkt, 300, 0x22);
	zl = sizeof z;
	compress2(z, &zl, pkt, pl, 0);
	third = zl / 3;
	iodine_up(&j, 2, 0, false, z, third, 20);
	iodine_up(&j, 2, 2, true, z + 2 * third, zl - 2 * third, 21);
	/* packet 3: a bomb, 1 MiB of zeros; packet 4: not zlib at all */
	size_t big = 1u << 20;
	uint8_t *zeros = calloc(1, big);
	uint8_t bomb[4096];
	zl = sizeof bomb;
	ck_assert_int_eq(compress2(bomb, &zl, zeros, big, 9), Z_OK);
	for (unsigned k = 0, off = 0; off < zl; k++, off += 100)
		iodine_up(&j, 3, k, off + 100 >= zl, bomb + off, off + 100 >= zl ? zl - off : 100,
			  30 + k);
	free(zeros);
	iodine_up(&j, 4, 0, true, (const uint8_t *)"not zlib", 8, 40);
	/* a downstream NULL answer of one octet, and one with a lying
	 * RDLENGTH (the parser stops it) */
	uint8_t ans[64] = {0xc0, 0x0c, 0, 10, 0, 1, 0, 0, 0, 0, 0, 1, 0x80};
	uint8_t msg[512];
	add(&j, msg, build(msg, 0x8180, "0aaaa.t.example", 10, ans, 13, 1), 50);
	ans[11] = 200;
	add(&j, msg, build(msg, 0x8180, "0aaab.t.example", 10, ans, 13, 1), 51);

	carve_out_t o = {0};
	carve_iodine(&j, &o);
	const carve_file_t *p = file_named(&o, "iodine-ip.pcap");
	ck_assert_ptr_nonnull(p);
	/* header + one record of 300 octets */
	ck_assert_uint_eq(p->data.n, 24 + 16 + 300);
	ck_assert_uint_eq(p->data.p[20], 101);
	ck_assert_uint_eq(p->data.p[24 + 16], 0x45);
	ck_assert_uint_eq(p->data.p[24 + 16 + 20], 0x11);
	bool lost = false, bomb_refused = false;
	for (size_t i = 0; i < o.ngaps; i++) {
		lost |= strstr(o.gaps[i], "packet 2: a fragment is missing") != NULL;
		bomb_refused |= strstr(o.gaps[i], "packet 3: did not inflate") != NULL;
	}
	ck_assert(lost);
	ck_assert(bomb_refused);
	carve_out_clear(&o);
	job_free(&j);
}
END_TEST

START_TEST(generic_records_and_labels)
{
	carve_job_t j;
	finding_t f;
	job_init(&j, &f, NULL);
	uint8_t msg[512];
	/* a query carrying a TXT record in its answer section */
	uint8_t ans[64] = {0xc0, 0x0c, 0, 16, 0, 1, 0, 0, 0, 0, 0, 5, 4, 'f', 'l', 'a', 'g'};
	add(&j, msg, build(msg, 0x0100, "t.example", 16, ans, 17, 1), 1);
	/* numbered hex chunks out of order, 2 missing, 1 twice */
	add(&j, msg, build(msg, 0x0100, "3.6768.t.example", 16, NULL, 0, 0), 10000000000ull);
	add(&j, msg, build(msg, 0x0100, "0.6162.t.example", 16, NULL, 0, 0), 20000000000ull);
	add(&j, msg, build(msg, 0x0100, "1.6364.t.example", 16, NULL, 0, 0), 30000000000ull);
	add(&j, msg, build(msg, 0x0100, "1.6364.t.example", 16, NULL, 0, 0), 40000000000ull);
	add(&j, msg, build(msg, 0x0100, "init.aaaa.t.example", 16, NULL, 0, 0), 50000000000ull);
	carve_out_t o = {0};
	carve_generic(&j, &o);
	const carve_file_t *r = file_named(&o, "query-records.bin");
	ck_assert_ptr_nonnull(r);
	ck_assert_uint_eq(r->data.n, 4);
	ck_assert(memcmp(r->data.p, "flag", 4) == 0);
	const carve_file_t *d = file_named(&o, "query-data.bin");
	ck_assert_ptr_nonnull(d);
	ck_assert_uint_eq(d->data.n, 6);
	ck_assert(memcmp(d->data.p, "abcdgh", 6) == 0);
	ck_assert_uint_eq(o.ngaps, 1);
	ck_assert_str_eq(o.gaps[0], "sequence number 2 missing");
	carve_out_clear(&o);
	job_free(&j);
}
END_TEST

/* The carver end to end: routing (case, search suffix), the directory and
 * manifest, and no second write into an existing directory. */
START_TEST(carver_writes_inside_dir)
{
	char tmpl[] = "/tmp/test_carve.XXXXXX";
	ck_assert_ptr_nonnull(mkdtemp(tmpl));
	char dir[600];
	snprintf(dir, sizeof dir, "%s/out", tmpl);
	finding_t f1 = {0}, f2 = {0};
	char d1[] = "../x.example", d2[] = "t.example";
	f1.domain = d1;
	f1.score = 90;
	f2.domain = d2;
	f2.score = 80;
	finding_t *fs[] = {&f1, &f2};
	for (int round = 0; round < 2; round++) {
		char err[256];
		carver_t *c = carver_new(dir, fs, 2, err, sizeof err);
		ck_assert_ptr_nonnull(c);
		uint8_t w[512];
		ip_addr_t a = {4, {192, 0, 2, 1}}, b = {4, {192, 0, 2, 53}};
		uint8_t ans[64] = {0xc0, 0x0c, 0, 16, 0, 1, 0, 0, 0, 0, 0, 3, 2, 'h', 'i'};
		size_t n = build(w, 0x0100, "q.T.Example.corp.local", 16, ans, 15, 1);
		dns_msg_t m;
		ck_assert_int_eq(dns_msg_parse(&m, w, n), 0);
		carver_msg(c, 1, &a, 1000, &b, 53, 17, &m);
		/* a name that only contains the zone inside a label: not routed */
		n = build(w, 0x0100, "t-example.com", 16, ans, 15, 1);
		ck_assert_int_eq(dns_msg_parse(&m, w, n), 0);
		carver_msg(c, 2, &a, 1000, &b, 53, 17, &m);
		ck_assert_int_eq(carver_finish(c), round == 0 ? 0 : -1);
		void *js = carver_json(c, &f2);
		ck_assert_ptr_nonnull(js);
		carver_free(c);
		json_decref(js);
		if (round == 1)
			break;
		char sub[CARVE_SAFE_NAME_MAX + 1], path[900];
		carve_safe_name("t.example", sub);
		snprintf(path, sizeof path, "%s/%s/query-records.bin", dir, sub);
		size_t len;
		uint8_t *data = tu_read_file(path, &len);
		ck_assert_ptr_nonnull(data);
		ck_assert_uint_eq(len, 2);
		ck_assert(memcmp(data, "hi", 2) == 0);
		free(data);
		snprintf(path, sizeof path, "%s/%s/manifest.json", dir, sub);
		ck_assert_int_eq(access(path, R_OK), 0);
	}
	/* nothing outside dir: tmpl holds only "out" */
	DIR *d = opendir(tmpl);
	struct dirent *e;
	int entries = 0;
	while ((e = readdir(d)))
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
			entries++;
	closedir(d);
	ck_assert_int_eq(entries, 1);
	char cmd[700];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpl);
	ck_assert_int_eq(system(cmd), 0);
}
END_TEST

static Suite *carve_suite(void)
{
	Suite *s = suite_create("carve");
	TCase *tc = tcase_create("codecs");
	tcase_add_test(tc, sha256_vectors);
	tcase_add_test(tc, decode_rfc4648);
	tcase_add_test(tc, inflate_bounded);
	tcase_add_test(tc, safe_names);
	tcase_add_test(tc, txt_lying_lengths);
	suite_add_tcase(s, tc);
	tc = tcase_create("framings");
	tcase_add_test(tc, dnscat2_plain_and_hostile);
	tcase_add_test(tc, dnscat2_encrypted);
	tcase_add_test(tc, iodine_fragments_and_bombs);
	tcase_add_test(tc, generic_records_and_labels);
	tcase_add_test(tc, carver_writes_inside_dir);
	suite_add_tcase(s, tc);
	return s;
}

DNSTS_CHECK_MAIN(carve_suite)
