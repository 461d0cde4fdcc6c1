/*
 * dns_name.h - domain names in wire form: decompression out of a message
 * and the presentation form.  The lowest module of the dns layer: the
 * message parser (dns_wire) and the RDATA writer (dns_rdata) both read
 * names through it.
 *
 * Name decompression follows compression pointers in either direction, as
 * resolvers that accept forward pointers do, within three limits: a pointer
 * must lead inside the message, at most DNS_MAX_HOPS pointers are followed
 * (a loop is refused as soon as it comes round, at that cap at the
 * latest), and a name stops at 255 octets.  A pointer that does not point
 * strictly before the start of the label sequence holding it (RFC 1035's
 * "prior occurrence") is a forward pointer: followed, and reported.  The
 * reserved label types 01 and 10 are rejected.
 */
#ifndef DNSTS_DNS_NAME_H
#define DNSTS_DNS_NAME_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#define DNS_MAX_NAME 255     /* octets of a name in wire form */
#define DNS_MAX_LABELS 128
#define DNS_MAX_HOPS 128     /* compression pointers followed per name */
/* presentation form: every octet may need "\DDD", plus dots and NUL */
#define DNS_NAME_STRLEN (DNS_MAX_NAME * 4 + 2)

/* A name in uncompressed wire form: length-prefixed labels ending with the
 * root label.  Case is kept as on the wire. */
typedef struct dns_name {
	uint8_t wire[DNS_MAX_NAME + 1];
	uint16_t len;                 /* bytes of wire used, root label included */
	uint8_t nlabels;              /* labels, root not counted */
	uint8_t loff[DNS_MAX_LABELS]; /* offset in wire of each label's length byte */
} dns_name_t;

/* Label i: pointer to its bytes and length. */
static inline const uint8_t *dns_name_label(const dns_name_t *n, unsigned i, unsigned *len)
{
	*len = n->wire[n->loff[i]];
	return n->wire + n->loff[i] + 1;
}

static inline void dns_name_set_root(dns_name_t *n)
{
	n->wire[0] = 0;
	n->len = 1;
	n->nlabels = 0;
}

static inline void dns_name_copy(dns_name_t *d, const dns_name_t *n)
{
	memcpy(d->wire, n->wire, n->len);
	d->len = n->len;
	d->nlabels = n->nlabels;
	memcpy(d->loff, n->loff, n->nlabels);
}

/* Decompress the name at *pos in wire[0..len).  On success *pos is just past
 * the name's bytes at that position (after the first pointer, if any).
 * Returns 0 or DNSTS_EMALF (a pointer outside wire, a loop, a reserved
 * label type, too many hops, or a name over 255 octets). */
int dns_name_read(const uint8_t *wire, size_t len, size_t *pos, dns_name_t *out);

/* The same for a name inside a part of the message that ends at end
 * (RDATA): the name's own octets must lie before end, its pointers may
 * lead anywhere in wire[0..len). */
int dns_name_read_part(const uint8_t *wire, size_t len, size_t end, size_t *pos,
		       dns_name_t *out);

/* Why a name failed to decode. */
enum dns_name_why {
	DNS_NAME_OK = 0,
	DNS_NAME_SHORT,   /* the bytes end inside the name */
	DNS_NAME_BAD,     /* pointer outside, loop, too many hops, reserved
	                     label type, too long */
};

/* What dns_name_parse found besides the name. */
typedef struct dns_name_res {
	enum dns_name_why why; /* on failure */
	bool fwd;              /* on failure: a forward pointer was met first */
	unsigned nlabels;      /* on success: labels, root not counted */
} dns_name_res_t;

#define DNS_NAME_FORWARD 1

/*
 * dns_name_read_part (end <= len) with what the message parser needs to
 * know besides the name: 0 when it decodes, DNS_NAME_FORWARD when it
 * decodes through a forward pointer, DNSTS_EMALF when it does not (*res
 * says why, and whether a forward pointer was met before).  *nul (when nul
 * is not NULL) is set when a label holds a NUL octet (left alone
 * otherwise).  out may be NULL to only check the name (it is then not
 * copied, and more than DNS_MAX_LABELS labels fail).
 */
int dns_name_parse(const uint8_t *wire, size_t len, size_t end, size_t *pos, dns_name_t *out,
		   bool *nul, dns_name_res_t *res);

/* Presentation form: labels joined by '.', with '.', '\\' and bytes outside
 * 0x21..0x7e escaped ("\." "\\" "\DDD"); the root alone is ".".  No
 * trailing dot otherwise.  '"' and other printable octets are left as
 * they are (as tshark does), so the result is always printable ASCII.
 * Returns the length of the whole string, like snprintf: when it is >=
 * buflen the output was cut (buf always terminated when buflen > 0;
 * DNS_NAME_STRLEN always suffices). */
size_t dns_name_to_str(const dns_name_t *n, char *buf, size_t buflen);

#endif
