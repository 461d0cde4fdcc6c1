/*
 * dns_rdata.c - RDATA in presentation form.  The fields of each type, in
 * wire order, come from the layout table (dns_layout.c); this file says
 * how each kind of field is written.
 *
 * Formats (zone-file style, one line, fields separated by one space; names
 * as dns_name_to_str writes them, without a trailing dot, the root as ".";
 * hex digits in upper case; base64 with padding; times YYYYMMDDHHMMSS UTC):
 *
 *   A, AAAA           192.0.2.1 / 2001:db8::1 (RFC 5952)
 *   NS CNAME PTR DNAME MD MF MB MG MR   name
 *   MX RT KX AFSDB    preference name
 *   MINFO RP          name name;   PX: preference name name
 *   SOA               mname rname serial refresh retry expire minimum
 *   SRV               priority weight port target
 *   TXT SPF           each character-string in double quotes, '"' and '\'
 *                     escaped with a backslash, octets outside 0x20..0x7e as
 *                     \DDD, joined by spaces; HINFO: "cpu" "os"
 *   NAPTR             order preference "flags" "services" "regexp" replacement
 *   CAA               flags tag "value";  URI: priority weight "target"
 *   DS CDS TA DLV     keytag algorithm digesttype HEXDIGEST
 *   DNSKEY CDNSKEY KEY  flags protocol algorithm base64
 *   RRSIG SIG         covered algorithm labels origttl expiration inception
 *                     keytag signer base64
 *   NSEC              next TYPE TYPE ...;   CSYNC: serial flags TYPE ...
 *   NSEC3             alg flags iterations SALT|- NEXT(base32hex) TYPE ...
 *   NSEC3PARAM        alg flags iterations SALT|-
 *   SSHFP             algorithm type HEX;  TLSA SMIMEA: usage selector type HEX
 *   ZONEMD            serial scheme algorithm HEX
 *   DHCID OPENPGPKEY  base64;   EUI48/EUI64: xx-xx-..
 *   WKS               address protocol port port ...
 *   LOC (version 0)   d m s.sss N d m s.sss E altm sizem hpm vpm
 *   SVCB HTTPS        priority target key=value ... (RFC 9460 keys mandatory,
 *                     alpn, no-default-alpn, port, ipv4hint, ech, ipv6hint,
 *                     dohpath, ohttp, tls-supported-groups; an unknown key
 *                     as keyN=HEX, or keyN when empty).  alpn ids and dohpath
 *                     escape '"' '\' and non-printables; a ',' in an alpn id
 *                     is written "\\," (RFC 9460 appendix A.1).
 *   OPT               udp=SIZE version=V do=0|1 ext-rcode=N [flags=0xZZZZ]
 *                     options=[NAME=value ...]; NAME from the IANA EDNS0
 *                     option codes (NSID, ECS, COOKIE, ...; unknown OPTn),
 *                     ECS as ADDRESS/SOURCE/SCOPE, PADDING as its length,
 *                     KEEPALIVE as its timeout, EDE as code or code:"text",
 *                     the rest as HEX.
 *   TSIG              algorithm time=T fudge=N mac=HEX orig-id=N error=RCODE
 *                     other=HEX
 *   TKEY              algorithm inception=T expiration=T mode=N error=RCODE
 *                     key=HEX other=HEX
 *   anything else     RFC 3597 "\# LENGTH HEX" ("\# 0" when empty)
 *
 * RDATA that does not match its type (too short, too long, a name that does
 * not decode) gives the RFC 3597 form and DNSTS_EMALF.  Names in RDATA may be
 * compressed whatever the type (lenient), but a name's own bytes must lie
 * inside the RDATA.  Empty RDATA is valid for NULL and OPT, and for any type
 * in a dynamic update (opcode UPDATE, or class NONE/ANY), written as "".
 */
#include "dns_rdata.h"

#include <stdbool.h>
#include <string.h>

#include <dnsts/dnsts.h>

#include "dns_layout.h"
#include "fmt.h"
#include "rd.h"

/* Output sink: counts every character, stores what fits. */
typedef struct out {
	char *b;
	size_t cap;
	size_t n;
	bool check;   /* only validating: bulk encodings and names are skipped */
} out_t;

static inline void put_c(out_t *o, char c)
{
	if (o->n + 1 < o->cap)
		o->b[o->n] = c;
	o->n++;
}

/* n characters at once when they fit, one by one (to count and cut) when
 * they do not */
static inline void put_mem(out_t *o, const char *s, size_t n)
{
	if (o->n + n < o->cap) {
		memcpy(o->b + o->n, s, n);
		o->n += n;
		return;
	}
	for (size_t i = 0; i < n; i++)
		put_c(o, s[i]);
}

static void put_s(out_t *o, const char *s)
{
	put_mem(o, s, strlen(s));
}

static void put_u(out_t *o, uint64_t v)
{
	char t[FMT_U64_MAX];
	put_mem(o, t, (size_t)(fmt_u64(t, v) - t));
}

/* hex digits in upper case */
static void put_hex(out_t *o, const uint8_t *p, size_t n)
{
	if (o->check)
		return;
	if (o->n < o->cap && n < (o->cap - o->n) / 2) {
		o->n += (size_t)(fmt_hex(o->b + o->n, p, n, true) - (o->b + o->n));
		return;
	}
	for (size_t i = 0; i < n; i++)
		put_mem(o, fmt_hex2[1] + 2 * p[i], 2);
}

static void put_ddd(out_t *o, uint8_t c)
{
	char t[FMT_DDD_LEN];
	put_mem(o, t, (size_t)(fmt_ddd(t, c) - t));
}

static void put_b64(out_t *o, const uint8_t *p, size_t n)
{
	static const char a[] =
		"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	size_t i = 0;
	if (o->check)
		return;
	for (; i + 3 <= n; i += 3) {
		uint32_t v = (uint32_t)p[i] << 16 | (uint32_t)p[i + 1] << 8 | p[i + 2];
		put_c(o, a[v >> 18]);
		put_c(o, a[v >> 12 & 63]);
		put_c(o, a[v >> 6 & 63]);
		put_c(o, a[v & 63]);
	}
	if (n - i == 1) {
		uint32_t v = (uint32_t)p[i] << 16;
		put_c(o, a[v >> 18]);
		put_c(o, a[v >> 12 & 63]);
		put_s(o, "==");
	} else if (n - i == 2) {
		uint32_t v = (uint32_t)p[i] << 16 | (uint32_t)p[i + 1] << 8;
		put_c(o, a[v >> 18]);
		put_c(o, a[v >> 12 & 63]);
		put_c(o, a[v >> 6 & 63]);
		put_c(o, '=');
	}
}

/* base32hex (RFC 4648 section 7), upper case, no padding (RFC 5155) */
static void put_b32hex(out_t *o, const uint8_t *p, size_t n)
{
	static const char a[] = "0123456789ABCDEFGHIJKLMNOPQRSTUV";
	uint32_t acc = 0;
	int bits = 0;
	for (size_t i = 0; i < n; i++) {
		acc = (acc << 8 | p[i]) & 0xfff;
		bits += 8;
		while (bits >= 5) {
			bits -= 5;
			put_c(o, a[acc >> bits & 31]);
		}
	}
	if (bits)
		put_c(o, a[acc << (5 - bits) & 31]);
}

/* Octets of a character-string (without quotes). */
static void put_txt_bytes(out_t *o, const uint8_t *p, size_t n)
{
	if (o->check)
		return;
	if (o->n < o->cap && n < (o->cap - o->n) / 4) {
		/* room for the worst case: no per-character bounds check */
		char *b = o->b + o->n, *q = b;
		for (size_t i = 0; i < n; i++) {
			uint8_t c = p[i];
			if (c >= 0x20 && c <= 0x7e && c != '"' && c != '\\') {
				*q++ = (char)c;
			} else if (c == '"' || c == '\\') {
				*q++ = '\\';
				*q++ = (char)c;
			} else {
				q = fmt_ddd(q, c);
			}
		}
		o->n += (size_t)(q - b);
		return;
	}
	for (size_t i = 0; i < n; i++) {
		uint8_t c = p[i];
		if (c == '"' || c == '\\') {
			put_c(o, '\\');
			put_c(o, (char)c);
		} else if (c < 0x20 || c > 0x7e) {
			put_ddd(o, c);
		} else {
			put_c(o, (char)c);
		}
	}
}

static void put_ip4(out_t *o, const uint8_t *p)
{
	char t[FMT_IP4_MAX + 1];
	put_mem(o, t, (size_t)(fmt_ip4(t, p) - t));
}

/* RFC 5952: lower-case hex, longest run (>= 2) of zero groups as "::",
 * the first such run on a tie; ::ffff:a.b.c.d for mapped IPv4. */
static void put_ip6(out_t *o, const uint8_t *p)
{
	char t[FMT_IP6_MAX + 1];
	put_mem(o, t, (size_t)(fmt_ip6(t, p, FMT_IP6_RFC5952) - t));
}

static void put_2d(out_t *o, unsigned v)
{
	put_mem(o, fmt_digits2 + 2 * (v % 100), 2);
}

/* Seconds since the epoch as YYYYMMDDHHMMSS, UTC (proleptic Gregorian). */
static void put_time(out_t *o, uint64_t t)
{
	uint64_t days = t / 86400, sod = t % 86400;
	/* civil_from_days (H. Hinnant), days since 1970-01-01, non-negative */
	uint64_t z = days + 719468;
	uint64_t era = z / 146097;
	uint64_t doe = z - era * 146097;
	uint64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	uint64_t y = yoe + era * 400;
	uint64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	uint64_t mp = (5 * doy + 2) / 153;
	unsigned d = (unsigned)(doy - (153 * mp + 2) / 5 + 1);
	unsigned mo = (unsigned)(mp < 10 ? mp + 3 : mp - 9);
	if (mo <= 2)
		y++;
	put_u(o, y);
	put_2d(o, mo);
	put_2d(o, d);
	put_2d(o, (unsigned)(sod / 3600));
	put_2d(o, (unsigned)(sod / 60 % 60));
	put_2d(o, (unsigned)(sod % 60));
}

static void put_type(out_t *o, uint16_t type)
{
	char tmp[16];
	put_s(o, dns_type_str(type, tmp));
}

static void put_rcode(out_t *o, uint16_t rcode)
{
	char tmp[16];
	put_s(o, dns_rcode_str(rcode, tmp));
}

/* ---- RDATA readers ------------------------------------------------------ */

typedef struct rdx {
	const dns_msg_t *m;
	rd_t r;       /* over wire[0..end of RDATA), positioned inside the RDATA */
	out_t *o;
} rdx_t;

/* A name in the RDATA (compression allowed), written out. */
static void x_name(rdx_t *x)
{
	dns_name_t n;
	size_t pos = x->r.pos;
	out_t *o = x->o;

	if (x->r.err)
		return;
	/* its own octets inside the RDATA, its pointers anywhere */
	if (dns_name_read_part(x->m->wire, x->m->len, x->r.len, &pos, &n) != 0) {
		x->r.err = 1;
		return;
	}
	rd_seek(&x->r, pos);
	if (o->check)
		return;
	/* straight into the output; same truncation rule as put_c */
	if (o->n < o->cap)
		o->n += dns_name_to_str(&n, o->b + o->n, o->cap - o->n);
	else
		o->n += dns_name_to_str(&n, NULL, 0);
}

static void x_u8(rdx_t *x)
{
	uint8_t v = rd_u8(&x->r);
	if (!x->r.err)
		put_u(x->o, v);
}

static void x_u16(rdx_t *x)
{
	uint16_t v = rd_u16(&x->r);
	if (!x->r.err)
		put_u(x->o, v);
}

static void x_u32(rdx_t *x)
{
	uint32_t v = rd_u32(&x->r);
	if (!x->r.err)
		put_u(x->o, v);
}

static void x_sp(rdx_t *x)
{
	put_c(x->o, ' ');
}

/* A <character-string>, quoted. */
static void x_cstr(rdx_t *x)
{
	uint8_t l = rd_u8(&x->r);
	const uint8_t *p = rd_ptr(&x->r, l);
	if (!p)
		return;
	put_c(x->o, '"');
	put_txt_bytes(x->o, p, l);
	put_c(x->o, '"');
}

static size_t x_left(const rdx_t *x)
{
	return rd_left(&x->r);
}

/* The rest of the RDATA. */
static const uint8_t *x_rest(rdx_t *x, size_t *n)
{
	*n = x_left(x);
	return rd_ptr(&x->r, *n);
}

static void x_hex_rest(rdx_t *x)
{
	size_t n;
	const uint8_t *p = x_rest(x, &n);
	if (p)
		put_hex(x->o, p, n);
}

static void x_b64_rest(rdx_t *x)
{
	size_t n;
	const uint8_t *p = x_rest(x, &n);
	if (p)
		put_b64(x->o, p, n);
}

/* NSEC-style type bitmap, to the end of the RDATA: " TYPE TYPE ..." */
static void x_bitmap(rdx_t *x)
{
	while (!x->r.err && x_left(x) > 0) {
		uint8_t win = rd_u8(&x->r);
		uint8_t len = rd_u8(&x->r);
		if (x->r.err || len == 0 || len > 32) {
			x->r.err = 1;
			return;
		}
		const uint8_t *bm = rd_ptr(&x->r, len);
		if (!bm)
			return;
		for (unsigned i = 0; i < len; i++)
			for (unsigned b = 0; b < 8; b++)
				if (bm[i] & (0x80 >> b)) {
					x_sp(x);
					put_type(x->o, (uint16_t)(win << 8 | (i * 8 + b)));
				}
	}
}

/* LOC size/precision: mantissa (high nibble) * 10^exponent cm */
static bool put_loc_size(out_t *o, uint8_t v)
{
	unsigned mant = v >> 4, exp = v & 15;
	if (mant > 9 || exp > 9)
		return false;
	uint64_t cm = mant;
	while (exp--)
		cm *= 10;
	put_u(o, cm / 100);
	if (cm % 100) {
		put_c(o, '.');
		put_2d(o, (unsigned)(cm % 100));
	}
	put_c(o, 'm');
	return true;
}

static void put_loc_angle(out_t *o, uint32_t v, char pos, char neg)
{
	int64_t a = (int64_t)v - ((int64_t)1 << 31);
	char h = a < 0 ? neg : pos;
	uint64_t u = (uint64_t)(a < 0 ? -a : a);
	put_u(o, u / 3600000);
	put_c(o, ' ');
	put_u(o, u / 60000 % 60);
	put_c(o, ' ');
	put_u(o, u / 1000 % 60);
	put_c(o, '.');
	unsigned ms = (unsigned)(u % 1000);
	put_c(o, (char)('0' + ms / 100));
	put_2d(o, ms % 100);
	put_c(o, ' ');
	put_c(o, h);
}

static bool r_loc(rdx_t *x)
{
	if (rd_peek_u8(&x->r, 0) != 0) /* only version 0 is defined */
		return false;
	rd_skip(&x->r, 1);
	uint8_t size = rd_u8(&x->r), hp = rd_u8(&x->r), vp = rd_u8(&x->r);
	uint32_t lat = rd_u32(&x->r), lon = rd_u32(&x->r), alt = rd_u32(&x->r);
	if (x->r.err)
		return true;
	put_loc_angle(x->o, lat, 'N', 'S');
	x_sp(x);
	put_loc_angle(x->o, lon, 'E', 'W');
	x_sp(x);
	int64_t acm = (int64_t)alt - 10000000;
	if (acm < 0)
		put_c(x->o, '-');
	uint64_t ua = (uint64_t)(acm < 0 ? -acm : acm);
	put_u(x->o, ua / 100);
	put_c(x->o, '.');
	put_2d(x->o, (unsigned)(ua % 100));
	put_c(x->o, 'm');
	x_sp(x);
	if (!put_loc_size(x->o, size))
		x->r.err = 1;
	x_sp(x);
	if (!put_loc_size(x->o, hp))
		x->r.err = 1;
	x_sp(x);
	if (!put_loc_size(x->o, vp))
		x->r.err = 1;
	return true;
}

/* WKS port bitmap, to the end of the RDATA: " PORT PORT ..." */
static void x_ports(rdx_t *x)
{
	size_t n;
	const uint8_t *bm = x_rest(x, &n);
	for (size_t i = 0; bm && i < n; i++)
		for (unsigned b = 0; b < 8; b++)
			if (bm[i] & (0x80 >> b)) {
				x_sp(x);
				put_u(x->o, i * 8 + b);
			}
}

/* ---- SVCB / HTTPS (RFC 9460) ---------------------------------------------- */

static const char *const svc_keys[] = {
	[DNS_SVC_MANDATORY] = "mandatory", [DNS_SVC_ALPN] = "alpn",
	[DNS_SVC_NO_DEFAULT_ALPN] = "no-default-alpn", [DNS_SVC_PORT] = "port",
	[DNS_SVC_IPV4HINT] = "ipv4hint", [DNS_SVC_ECH] = "ech",
	[DNS_SVC_IPV6HINT] = "ipv6hint", [DNS_SVC_DOHPATH] = "dohpath",
	[DNS_SVC_OHTTP] = "ohttp", [DNS_SVC_TLS_SUPPORTED_GROUPS] = "tls-supported-groups",
};
#define NSVC_KEYS (sizeof svc_keys / sizeof svc_keys[0])

static void put_svc_key(out_t *o, uint16_t k)
{
	if (k < NSVC_KEYS) {
		put_s(o, svc_keys[k]);
	} else {
		put_s(o, "key");
		put_u(o, k);
	}
}

/* One alpn id inside a comma-separated value list (RFC 9460 A.1). */
static void put_alpn_id(out_t *o, const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		uint8_t c = p[i];
		if (c == ',') {
			put_s(o, "\\\\,");
		} else if (c == '\\') {
			put_s(o, "\\\\\\\\");
		} else if (c == '"') {
			put_s(o, "\\\"");
		} else if (c < 0x21 || c > 0x7e) {
			put_ddd(o, c);
		} else {
			put_c(o, (char)c);
		}
	}
}

/* The value of one SvcParam; false when it does not match its key. */
static bool put_svc_value(out_t *o, uint16_t key, const uint8_t *v, size_t n)
{
	switch (key) {
	case DNS_SVC_MANDATORY:
		if (n == 0 || n % 2)
			return false;
		put_c(o, '=');
		for (size_t i = 0; i < n; i += 2) {
			if (i)
				put_c(o, ',');
			put_svc_key(o, (uint16_t)(v[i] << 8 | v[i + 1]));
		}
		return true;
	case DNS_SVC_ALPN:
		if (n == 0)
			return false;
		put_c(o, '=');
		for (size_t i = 0; i < n;) {
			size_t l = v[i++];
			if (l == 0 || l > n - i)
				return false;
			if (i > 1)
				put_c(o, ',');
			put_alpn_id(o, v + i, l);
			i += l;
		}
		return true;
	case DNS_SVC_NO_DEFAULT_ALPN:
	case DNS_SVC_OHTTP:
		return n == 0;
	case DNS_SVC_PORT:
		if (n != 2)
			return false;
		put_c(o, '=');
		put_u(o, (uint16_t)(v[0] << 8 | v[1]));
		return true;
	case DNS_SVC_IPV4HINT:
	case DNS_SVC_IPV6HINT: {
		size_t w = key == DNS_SVC_IPV4HINT ? 4 : 16;
		if (n == 0 || n % w)
			return false;
		put_c(o, '=');
		for (size_t i = 0; i < n; i += w) {
			if (i)
				put_c(o, ',');
			if (w == 4)
				put_ip4(o, v + i);
			else
				put_ip6(o, v + i);
		}
		return true;
	}
	case DNS_SVC_ECH:
		if (n == 0)
			return false;
		put_c(o, '=');
		put_b64(o, v, n);
		return true;
	case DNS_SVC_DOHPATH:
		put_c(o, '=');
		for (size_t i = 0; i < n; i++) {
			if (v[i] == '"' || v[i] == '\\') {
				put_c(o, '\\');
				put_c(o, (char)v[i]);
			} else if (v[i] < 0x21 || v[i] > 0x7e) {
				put_ddd(o, v[i]);
			} else {
				put_c(o, (char)v[i]);
			}
		}
		return true;
	case DNS_SVC_TLS_SUPPORTED_GROUPS:
		if (n == 0 || n % 2)
			return false;
		put_c(o, '=');
		for (size_t i = 0; i < n; i += 2) {
			if (i)
				put_c(o, ',');
			put_u(o, (uint16_t)(v[i] << 8 | v[i + 1]));
		}
		return true;
	}
	if (n) {
		put_c(o, '=');
		put_hex(o, v, n);
	}
	return true;
}

/* SvcParams, to the end of the RDATA: " key=value ..." */
static void x_svcparams(rdx_t *x)
{
	while (!x->r.err && x_left(x) > 0) {
		uint16_t key = rd_u16(&x->r);
		uint16_t len = rd_u16(&x->r);
		const uint8_t *v = rd_ptr(&x->r, len);
		if (!v)
			return;
		x_sp(x);
		put_svc_key(x->o, key);
		if (!put_svc_value(x->o, key, v, len)) {
			x->r.err = 1;
			return;
		}
	}
}

/* ---- OPT ---------------------------------------------------------------- */

static const char *const edns_opts[] = {
	[DNS_EDNS_LLQ] = "LLQ", [DNS_EDNS_UL] = "UL", [DNS_EDNS_NSID] = "NSID",
	[DNS_EDNS_DAU] = "DAU", [DNS_EDNS_DHU] = "DHU", [DNS_EDNS_N3U] = "N3U",
	[DNS_EDNS_ECS] = "ECS", [DNS_EDNS_EXPIRE] = "EXPIRE", [DNS_EDNS_COOKIE] = "COOKIE",
	[DNS_EDNS_KEEPALIVE] = "KEEPALIVE", [DNS_EDNS_PADDING] = "PADDING",
	[DNS_EDNS_CHAIN] = "CHAIN", [DNS_EDNS_KEY_TAG] = "KEY-TAG", [DNS_EDNS_EDE] = "EDE",
	[DNS_EDNS_CLIENT_TAG] = "CLIENT-TAG", [DNS_EDNS_SERVER_TAG] = "SERVER-TAG",
	[DNS_EDNS_REPORT_CHANNEL] = "REPORT-CHANNEL", [DNS_EDNS_ZONEVERSION] = "ZONEVERSION",
};

/* ECS address families (IANA "Address Family Numbers") */
enum { ECS_FAMILY_IP4 = 1, ECS_FAMILY_IP6 = 2 };

/* ECS (RFC 7871) as ADDRESS/SOURCE/SCOPE; false when it is not well formed */
static bool put_ecs(out_t *o, const uint8_t *v, size_t n)
{
	if (n < 4)
		return false;
	uint16_t fam = (uint16_t)(v[0] << 8 | v[1]);
	unsigned src = v[2], scope = v[3];
	size_t alen = n - 4, max = fam == ECS_FAMILY_IP4 ? 4 : fam == ECS_FAMILY_IP6 ? 16 : 0;
	if (!max || alen > max || alen != (src + 7) / 8 || src > max * 8)
		return false;
	uint8_t a[16] = {0};
	memcpy(a, v + 4, alen);
	if (fam == ECS_FAMILY_IP4)
		put_ip4(o, a);
	else
		put_ip6(o, a);
	put_c(o, '/');
	put_u(o, src);
	put_c(o, '/');
	put_u(o, scope);
	return true;
}

static void x_options(rdx_t *x, const dns_rr_t *rr)
{
	out_t *o = x->o;
	put_s(o, "udp=");
	put_u(o, rr->rclass);
	put_s(o, " version=");
	put_u(o, rr->ttl >> 16 & 0xff);
	put_s(o, " do=");
	put_c(o, rr->ttl & 0x8000 ? '1' : '0');
	put_s(o, " ext-rcode=");
	put_u(o, rr->ttl >> 24);
	if (rr->ttl & 0x7fff) {
		put_s(o, " flags=0x");
		put_mem(o, fmt_hex2[1] + 2 * (rr->ttl >> 8 & 0xff), 2);
		put_mem(o, fmt_hex2[1] + 2 * (rr->ttl & 0xff), 2);
	}
	put_s(o, " options=[");
	bool first = true;
	while (!x->r.err && x_left(x) > 0) {
		uint16_t code = rd_u16(&x->r);
		uint16_t len = rd_u16(&x->r);
		const uint8_t *v = rd_ptr(&x->r, len);
		if (!v)
			return;
		if (!first)
			put_c(o, ' ');
		first = false;
		if (code < sizeof edns_opts / sizeof edns_opts[0] && edns_opts[code]) {
			put_s(o, edns_opts[code]);
		} else {
			put_s(o, "OPT");
			put_u(o, code);
		}
		if (code == DNS_EDNS_PADDING) { /* its length only */
			put_c(o, '=');
			put_u(o, len);
			continue;
		}
		if (len == 0)
			continue;
		put_c(o, '=');
		if (code == DNS_EDNS_ECS) {
			size_t mark = o->n;
			if (put_ecs(o, v, len))
				continue;
			o->n = mark;
		} else if (code == DNS_EDNS_KEEPALIVE && len == 2) {
			put_u(o, (uint16_t)(v[0] << 8 | v[1]));
			continue;
		} else if (code == DNS_EDNS_EDE && len >= 2) {
			put_u(o, (uint16_t)(v[0] << 8 | v[1]));
			if (len > 2) {
				put_s(o, ":\"");
				put_txt_bytes(o, v + 2, len - 2u);
				put_c(o, '"');
			}
			continue;
		}
		put_hex(o, v, len);
	}
	put_c(o, ']');
}

/* ---- TSIG and TKEY after their algorithm names ---------------------------- */

static void x_tsig(rdx_t *x)
{
	const uint8_t *p;
	uint16_t hi = rd_u16(&x->r);
	uint32_t lo = rd_u32(&x->r);
	put_s(x->o, " time=");
	if (!x->r.err)
		put_time(x->o, (uint64_t)hi << 32 | lo);
	put_s(x->o, " fudge=");
	x_u16(x);
	uint16_t ml = rd_u16(&x->r);
	put_s(x->o, " mac=");
	if ((p = rd_ptr(&x->r, ml)))
		put_hex(x->o, p, ml);
	put_s(x->o, " orig-id=");
	x_u16(x);
	uint16_t err = rd_u16(&x->r);
	put_s(x->o, " error=");
	if (!x->r.err)
		put_rcode(x->o, err);
	uint16_t ol = rd_u16(&x->r);
	put_s(x->o, " other=");
	if ((p = rd_ptr(&x->r, ol)))
		put_hex(x->o, p, ol);
}

static void x_tkey(rdx_t *x)
{
	const uint8_t *p;
	uint32_t inc = rd_u32(&x->r), exp = rd_u32(&x->r);
	if (!x->r.err) {
		put_s(x->o, " inception=");
		put_time(x->o, inc);
		put_s(x->o, " expiration=");
		put_time(x->o, exp);
	}
	put_s(x->o, " mode=");
	x_u16(x);
	uint16_t err = rd_u16(&x->r);
	put_s(x->o, " error=");
	if (!x->r.err)
		put_rcode(x->o, err);
	uint16_t kl = rd_u16(&x->r);
	put_s(x->o, " key=");
	if ((p = rd_ptr(&x->r, kl)))
		put_hex(x->o, p, kl);
	uint16_t ol = rd_u16(&x->r);
	put_s(x->o, " other=");
	if ((p = rd_ptr(&x->r, ol)))
		put_hex(x->o, p, ol);
}

/* ---- dispatch ----------------------------------------------------------- */

/* Fields that write the spaces before their parts themselves. */
static bool self_spaced(unsigned k)
{
	return k == DNS_RDF_BITMAP || k == DNS_RDF_PORTS || k == DNS_RDF_SVCPARAMS ||
	       k == DNS_RDF_TSIG || k == DNS_RDF_TKEY;
}

/* Write the RDATA field by field, as its layout (dns_layout.c) says, one
 * space between fields; false when the type has no layout (RFC 3597
 * then).  Malformed RDATA shows as x->r.err or bytes left over. */
static bool render(rdx_t *x, const dns_rr_t *rr)
{
	const dns_rdata_layout_t *l = dns_rdata_layout(rr->type);
	const uint8_t *p;
	size_t n;

	if (!l)
		return false;
	for (unsigned i = 0; l->field[i] != DNS_RDF_END && !x->r.err; i++) {
		unsigned k = l->field[i];
		if (i && !self_spaced(k))
			x_sp(x);
		if (k >= DNS_RDF_REST && x_left(x) < l->rest_min)
			x->r.err = 1;
		switch (k) {
		case DNS_RDF_U8:
			x_u8(x);
			break;
		case DNS_RDF_U16:
			x_u16(x);
			break;
		case DNS_RDF_U32:
			x_u32(x);
			break;
		case DNS_RDF_TYPE: {
			uint16_t t = rd_u16(&x->r);
			if (!x->r.err)
				put_type(x->o, t);
			break;
		}
		case DNS_RDF_TIME: {
			uint32_t t = rd_u32(&x->r);
			if (!x->r.err)
				put_time(x->o, t);
			break;
		}
		case DNS_RDF_IP4:
			if ((p = rd_ptr(&x->r, 4)))
				put_ip4(x->o, p);
			break;
		case DNS_RDF_IP6:
			if ((p = rd_ptr(&x->r, 16)))
				put_ip6(x->o, p);
			break;
		case DNS_RDF_EUI48:
		case DNS_RDF_EUI64:
			n = k == DNS_RDF_EUI48 ? 6 : 8;
			if ((p = rd_ptr(&x->r, n)))
				for (size_t j = 0; j < n; j++) {
					if (j)
						put_c(x->o, '-');
					put_mem(x->o, fmt_hex2[0] + 2 * p[j], 2);
				}
			break;
		case DNS_RDF_NAME:
			x_name(x);
			break;
		case DNS_RDF_STR:
			x_cstr(x);
			break;
		case DNS_RDF_TAG: {
			uint8_t tl = rd_u8(&x->r);
			if (!x->r.err && tl == 0)
				x->r.err = 1;
			if ((p = rd_ptr(&x->r, tl)))
				put_txt_bytes(x->o, p, tl);
			break;
		}
		case DNS_RDF_SALT: {
			uint8_t sl = rd_u8(&x->r);
			if ((p = rd_ptr(&x->r, sl))) {
				if (sl)
					put_hex(x->o, p, sl);
				else
					put_c(x->o, '-');
			}
			break;
		}
		case DNS_RDF_HASH: {
			uint8_t hl = rd_u8(&x->r);
			if (!x->r.err && hl == 0)
				x->r.err = 1;
			if ((p = rd_ptr(&x->r, hl)))
				put_b32hex(x->o, p, hl);
			break;
		}
		case DNS_RDF_STRS:
			for (bool first = true; !x->r.err && x_left(x) > 0; first = false) {
				if (!first)
					x_sp(x);
				x_cstr(x);
			}
			break;
		case DNS_RDF_TEXT:
			put_c(x->o, '"');
			if ((p = x_rest(x, &n)))
				put_txt_bytes(x->o, p, n);
			put_c(x->o, '"');
			break;
		case DNS_RDF_HEX:
			x_hex_rest(x);
			break;
		case DNS_RDF_B64:
			x_b64_rest(x);
			break;
		case DNS_RDF_BITMAP:
			x_bitmap(x);
			break;
		case DNS_RDF_PORTS:
			x_ports(x);
			break;
		case DNS_RDF_SVCPARAMS:
			x_svcparams(x);
			break;
		case DNS_RDF_OPTIONS:
			x_options(x, rr);
			break;
		case DNS_RDF_TSIG:
			x_tsig(x);
			break;
		case DNS_RDF_TKEY:
			x_tkey(x);
			break;
		case DNS_RDF_LOC:
			if (!r_loc(x))
				return false;
			break;
		}
	}
	return true;
}

static void put_generic(out_t *o, const uint8_t *p, size_t n)
{
	if (o->check)
		return;
	put_s(o, "\\# ");
	put_u(o, n);
	if (n) {
		put_c(o, ' ');
		put_hex(o, p, n);
	}
}

static int finish(out_t *o, int rc)
{
	if (o->cap)
		o->b[o->n < o->cap ? o->n : o->cap - 1] = 0;
	if (rc < 0)
		return rc;
	return o->n > INT32_MAX ? INT32_MAX : (int)o->n;
}

static int rdata_out(const dns_msg_t *m, const dns_rr_t *rr, char *buf, size_t buflen,
		     bool check)
{
	out_t o = {buf, buf ? buflen : 0, 0, check};
	size_t end = (size_t)rr->rdoff + rr->rdlen;

	if (rr->section == DNS_SEC_QUESTION)
		return finish(&o, 0);
	if (end > m->len)
		return finish(&o, DNSTS_EMALF);
	const uint8_t *rdata = m->wire + rr->rdoff;
	if (rr->rdlen == 0 && rr->type != DNS_TYPE_OPT) {
		if (rr->type == DNS_TYPE_NULL) {
			put_generic(&o, rdata, 0);
			return finish(&o, 0);
		}
		if (dns_rr_update_form(m, rr))
			return finish(&o, 0);
	}

	/* the common fixed-size cases, straight into a buffer large enough */
	if (rr->type == DNS_TYPE_A && rr->rdlen == 4) {
		if (check)
			return 0;
		if (o.cap >= FMT_IP4_MAX + 1) {
			char *e = fmt_ip4(buf, rdata);
			*e = 0;
			return (int)(e - buf);
		}
	} else if (rr->type == DNS_TYPE_AAAA && rr->rdlen == 16) {
		if (check)
			return 0;
		if (o.cap >= FMT_IP6_MAX + 1) {
			char *e = fmt_ip6(buf, rdata, FMT_IP6_RFC5952);
			*e = 0;
			return (int)(e - buf);
		}
	}

	rdx_t x = {.m = m, .o = &o};
	rd_init(&x.r, m->wire, end);
	rd_seek(&x.r, rr->rdoff);
	if (!render(&x, rr)) {
		o.n = 0;
		put_generic(&o, rdata, rr->rdlen);
		return finish(&o, 0);
	}
	if (x.r.err || x.r.pos != end) {
		o.n = 0;
		put_generic(&o, rdata, rr->rdlen);
		return finish(&o, DNSTS_EMALF);
	}
	return finish(&o, 0);
}

int dns_rdata_to_str(const dns_msg_t *m, const dns_rr_t *rr, char *buf, size_t buflen)
{
	return rdata_out(m, rr, buf, buflen, false);
}

int dns_rdata_check(const dns_msg_t *m, const dns_rr_t *rr)
{
	return rdata_out(m, rr, NULL, 0, true) < 0 ? DNSTS_EMALF : 0;
}

/* ---- whole message ------------------------------------------------------ */

void dns_msg_parse_all(dns_msg_t *m)
{
	dns_rr_iter_t it;
	dns_rr_t rr;
	int rc;

	dns_rr_iter_init(&it, m);
	while ((rc = dns_rr_next(&it, &rr)) == 1) {
		if (rr.section != DNS_SEC_QUESTION && dns_rdata_check(m, &rr) != 0)
			m->anomalies |= DNS_ANOM_RDLEN;
	}
	if (rc == 0 && it.pos < m->len)
		m->anomalies |= DNS_ANOM_TRAILING;
}
