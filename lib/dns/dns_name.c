/*
 * dns_name.c - name decompression and presentation; see dns_name.h.
 *
 * What it deliberately drops or refuses: compression pointers that lead
 * outside the message, more than DNS_MAX_HOPS pointers in one name (a loop
 * of pointers is refused when it comes round, or at that cap), names
 * longer than 255 octets in wire form, and the reserved label types 01 and
 * 10 (the EDNS0 extended label type 0x41 included).  Pointers may lead
 * forward as well as back, as resolvers that accept them do (RFC 1035
 * speaks of a prior occurrence); the caller learns that one did.
 *
 * Cost: one copy of at most 255 octets per name; every loop is bounded by
 * the buffer length, DNS_MAX_HOPS or the 255-octet name cap.
 */
#include "dns_name.h"

#include <dnsts/dnsts.h>

#include "fmt.h"
#include "rd.h"
#include "swar.h"

/* Does p[0..n) hold a NUL octet?  avail octets are readable at p (>= n).
 * 8 octets at a time (labels are short: a call to memchr costs more than
 * the scan); the last few in one masked word when 8 are readable. */
static inline bool has_nul(const uint8_t *p, unsigned n, size_t avail)
{
	unsigned i = 0;
	for (; i + 8 <= n; i += 8) {
		uint64_t v;
		memcpy(&v, p + i, 8);
		if ((v - SWAR_1) & ~v & SWAR_HI)
			return true;
	}
	if (i == n)
		return false;
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	if (avail - i >= 8) {
		uint64_t v;
		memcpy(&v, p + i, 8);
		v |= ~(uint64_t)0 << (8 * (n - i)); /* octets past the label: 0xff */
		return ((v - SWAR_1) & ~v & SWAR_HI) != 0;
	}
#else
	(void)avail;
#endif
	for (; i < n; i++)
		if (!p[i])
			return true;
	return false;
}

/*
 * Decompress the name at *pos: its own octets in wire[*pos..end), what its
 * pointers lead to in wire[0..len).  seq is the start of the label
 * sequence being read: a pointer to seq or after it is a forward pointer
 * (a forward pointer), followed like any other.  Loops are refused: the
 * targets of a name's pointers are a sequence in which each determines the
 * next, so a loop repeats a target; each target is compared with one kept
 * at hops 1, 2, 4, 8 ... (Brent's cycle detection), which sees a loop of k
 * pointers within about 3k hops.  A longer loop ends at the hop cap, one
 * through labels at the 255-octet cap.  *nul is set when a label holds a
 * NUL octet (it is left alone otherwise).
 */
int dns_name_parse(const uint8_t *wire, size_t len, size_t end, size_t *pos, dns_name_t *out,
		   bool *nul, dns_name_res_t *res)
{
	rd_t r;
	size_t seq = *pos, after = 0, wl = 0;
	/* the labels of a name are copied as they are on the wire (length
	 * bytes included), one contiguous run at a time: from seg in wire
	 * to seg_wl in out->wire, up to the next pointer or the end */
	size_t seg = *pos, seg_wl = 0;
	/* Brent: the target kept, and when to keep the next one */
	size_t kept = SIZE_MAX;
	unsigned hops = 0, nl = 0, next_keep = 1;
	bool jumped = false, fwd = false;

	rd_init(&r, wire, end);
	rd_seek(&r, *pos);
	for (;;) {
		uint8_t c = rd_u8(&r);
		if (r.err)
			goto short_;
		if (c == 0)
			break;
		if ((c & 0xc0) == 0xc0) {
			size_t ptr = (size_t)(c & 0x3f) << 8 | rd_u8(&r);
			if (r.err)
				goto short_;
			if (ptr >= seq)
				fwd = true;
			if (ptr >= len || ++hops > DNS_MAX_HOPS || ptr == kept)
				goto bad; /* outside, too many hops, a loop */
			if (hops == next_keep) {
				kept = ptr;
				next_keep *= 2;
			}
			if (!jumped) {
				after = r.pos;
				jumped = true;
				r.len = len; /* targets anywhere in the message */
			}
			if (out && wl > seg_wl) {
				/* length octets are never 0: a 0 is inside a label */
				if (nul && !*nul &&
				    has_nul(wire + seg, (unsigned)(wl - seg_wl), len - seg))
					*nul = true;
				memcpy(out->wire + seg_wl, wire + seg, wl - seg_wl);
			}
			seg = ptr;
			seg_wl = wl;
			seq = ptr;
			rd_seek(&r, ptr);
			continue;
		}
		if (c & 0xc0) /* 01xxxxxx (incl. 0x41) and 10xxxxxx */
			goto bad;
		/* the label, its length byte and the root label must still fit */
		if (wl + 1u + c + 1u > DNS_MAX_NAME)
			goto bad;
		const uint8_t *lab = rd_ptr(&r, c);
		if (!lab)
			goto short_;
		/* with out, each copied run is checked at once */
		if (nul && !out && !*nul && has_nul(lab, c, len - (size_t)(lab - wire)))
			*nul = true;
		if (out)
			out->loff[nl] = (uint8_t)wl;
		nl++;
		wl += 1u + c;
	}
	if (out && wl > seg_wl) {
		if (nul && !*nul && has_nul(wire + seg, (unsigned)(wl - seg_wl), len - seg))
			*nul = true;
		memcpy(out->wire + seg_wl, wire + seg, wl - seg_wl);
	}
	wl++;
	if (out) {
		out->wire[wl - 1] = 0;
		out->len = (uint16_t)wl;
		out->nlabels = (uint8_t)nl;
	} else if (nl > DNS_MAX_LABELS) {
		goto bad;
	}
	*pos = jumped ? after : r.pos;
	res->nlabels = nl;
	return fwd ? DNS_NAME_FORWARD : 0;
short_:
	res->why = DNS_NAME_SHORT;
	res->fwd = fwd;
	return DNSTS_EMALF;
bad:
	res->why = DNS_NAME_BAD;
	res->fwd = fwd;
	return DNSTS_EMALF;
}

int dns_name_read(const uint8_t *wire, size_t len, size_t *pos, dns_name_t *out)
{
	dns_name_res_t res;
	return dns_name_parse(wire, len, len, pos, out, NULL, &res) < 0 ? DNSTS_EMALF : 0;
}

int dns_name_read_part(const uint8_t *wire, size_t len, size_t end, size_t *pos,
		       dns_name_t *out)
{
	dns_name_res_t res;
	return dns_name_parse(wire, len, end < len ? end : len, pos, out, NULL, &res) < 0
		       ? DNSTS_EMALF : 0;
}

static inline void put_c(char *buf, size_t buflen, size_t *n, char c)
{
	if (*n + 1 < buflen)
		buf[*n] = c;
	(*n)++;
}

/* dns_name_to_str when the buffer is known to be large enough */
static size_t name_to_str_fast(const dns_name_t *n, char *buf)
{
	char *p = buf;

	if (n->nlabels == 0)
		*p++ = '.';
	for (unsigned i = 0; i < n->nlabels; i++) {
		unsigned ll;
		const uint8_t *l = dns_name_label(n, i, &ll);
		if (i)
			*p++ = '.';
		for (unsigned j = 0; j < ll; j++) {
			uint8_t c = l[j];
			if (c >= 0x21 && c <= 0x7e && c != '.' && c != '\\') {
				*p++ = (char)c;
			} else if (c == '.' || c == '\\') {
				*p++ = '\\';
				*p++ = (char)c;
			} else {
				p = fmt_ddd(p, c);
			}
		}
	}
	*p = 0;
	return (size_t)(p - buf);
}

size_t dns_name_to_str(const dns_name_t *n, char *buf, size_t buflen)
{
	size_t o = 0;

	if (buflen >= DNS_NAME_STRLEN)
		return name_to_str_fast(n, buf);

	if (n->nlabels == 0) {
		put_c(buf, buflen, &o, '.');
	}
	for (unsigned i = 0; i < n->nlabels; i++) {
		unsigned ll;
		const uint8_t *l = dns_name_label(n, i, &ll);
		if (i)
			put_c(buf, buflen, &o, '.');
		for (unsigned j = 0; j < ll; j++) {
			uint8_t c = l[j];
			if (c == '.' || c == '\\') {
				put_c(buf, buflen, &o, '\\');
				put_c(buf, buflen, &o, (char)c);
			} else if (c < 0x21 || c > 0x7e) {
				char t[FMT_DDD_LEN];
				fmt_ddd(t, c);
				for (unsigned k = 0; k < FMT_DDD_LEN; k++)
					put_c(buf, buflen, &o, t[k]);
			} else {
				put_c(buf, buflen, &o, (char)c);
			}
		}
	}
	if (buflen)
		buf[o < buflen ? o : buflen - 1] = 0;
	return o;
}

