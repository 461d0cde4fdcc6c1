/*
 * dns_layout.c - the RDATA layout table and the walk over a record's
 * fields to its names; see dns_layout.h.  The table follows the RFCs of
 * each type (RFC 1035 for the classic ones, 2163 PX, 2230 KX, 2782 SRV,
 * 3403 NAPTR, 4034 DNSSEC, 5155 NSEC3, 6698 TLSA, 7043 EUI, 7477 CSYNC,
 * 7553 URI, 8659 CAA, 8976 ZONEMD, 9460 SVCB/HTTPS, 8945 TSIG, 2930 TKEY).
 */
#include "dns_layout.h"

#include <dnsts/dnsts.h>

#include "rd.h"

#define F(...) {.field = {__VA_ARGS__, DNS_RDF_END}}
#define FMIN(min, ...) {.field = {__VA_ARGS__, DNS_RDF_END}, .rest_min = (min)}

enum {
	U8 = DNS_RDF_U8, U16 = DNS_RDF_U16, U32 = DNS_RDF_U32, TYPE = DNS_RDF_TYPE,
	TIME = DNS_RDF_TIME, NAME = DNS_RDF_NAME, STR = DNS_RDF_STR, HEX = DNS_RDF_HEX,
	B64 = DNS_RDF_B64,
};

/* Types below DNS_LAYOUT_LOW, by number; TA and DLV (DS's layout) are
 * looked up apart. */
const dns_rdata_layout_t dns_layout_low[DNS_LAYOUT_LOW] = {
	[DNS_TYPE_A] = F(DNS_RDF_IP4),
	[DNS_TYPE_NS] = F(NAME),
	[DNS_TYPE_MD] = F(NAME),
	[DNS_TYPE_MF] = F(NAME),
	[DNS_TYPE_CNAME] = F(NAME),
	[DNS_TYPE_SOA] = F(NAME, NAME, U32, U32, U32, U32, U32),
	[DNS_TYPE_MB] = F(NAME),
	[DNS_TYPE_MG] = F(NAME),
	[DNS_TYPE_MR] = F(NAME),
	[DNS_TYPE_WKS] = F(DNS_RDF_IP4, U8, DNS_RDF_PORTS),
	[DNS_TYPE_PTR] = F(NAME),
	[DNS_TYPE_HINFO] = F(STR, STR),
	[DNS_TYPE_MINFO] = F(NAME, NAME),
	[DNS_TYPE_MX] = F(U16, NAME),
	[DNS_TYPE_TXT] = FMIN(1, DNS_RDF_STRS),
	[DNS_TYPE_RP] = F(NAME, NAME),
	[DNS_TYPE_AFSDB] = F(U16, NAME),
	[DNS_TYPE_RT] = F(U16, NAME),
	[DNS_TYPE_SIG] = F(TYPE, U8, U8, U32, TIME, TIME, U16, NAME, B64),
	[DNS_TYPE_KEY] = F(U16, U8, U8, B64),
	[DNS_TYPE_PX] = F(U16, NAME, NAME),
	[DNS_TYPE_AAAA] = F(DNS_RDF_IP6),
	[DNS_TYPE_LOC] = F(DNS_RDF_LOC),
	[DNS_TYPE_SRV] = F(U16, U16, U16, NAME),
	[DNS_TYPE_NAPTR] = F(U16, U16, STR, STR, STR, NAME),
	[DNS_TYPE_KX] = F(U16, NAME),
	[DNS_TYPE_DNAME] = F(NAME),
	[DNS_TYPE_OPT] = F(DNS_RDF_OPTIONS),
	[DNS_TYPE_DS] = FMIN(1, U16, U8, U8, HEX),
	[DNS_TYPE_SSHFP] = F(U8, U8, HEX),
	[DNS_TYPE_RRSIG] = F(TYPE, U8, U8, U32, TIME, TIME, U16, NAME, B64),
	[DNS_TYPE_NSEC] = F(NAME, DNS_RDF_BITMAP),
	[DNS_TYPE_DNSKEY] = F(U16, U8, U8, B64),
	[DNS_TYPE_DHCID] = FMIN(1, B64),
	[DNS_TYPE_NSEC3] = F(U8, U8, U16, DNS_RDF_SALT, DNS_RDF_HASH, DNS_RDF_BITMAP),
	[DNS_TYPE_NSEC3PARAM] = F(U8, U8, U16, DNS_RDF_SALT),
	[DNS_TYPE_TLSA] = F(U8, U8, U8, HEX),
	[DNS_TYPE_SMIMEA] = F(U8, U8, U8, HEX),
	[DNS_TYPE_CDS] = FMIN(1, U16, U8, U8, HEX),
	[DNS_TYPE_CDNSKEY] = F(U16, U8, U8, B64),
	[DNS_TYPE_OPENPGPKEY] = FMIN(1, B64),
	[DNS_TYPE_CSYNC] = F(U32, U16, DNS_RDF_BITMAP),
	[DNS_TYPE_ZONEMD] = FMIN(12, U32, U8, U8, HEX),
	[DNS_TYPE_SVCB] = F(U16, NAME, DNS_RDF_SVCPARAMS),
	[DNS_TYPE_HTTPS] = F(U16, NAME, DNS_RDF_SVCPARAMS),
	[DNS_TYPE_SPF] = FMIN(1, DNS_RDF_STRS),
	[DNS_TYPE_EUI48] = F(DNS_RDF_EUI48),
	[DNS_TYPE_EUI64] = F(DNS_RDF_EUI64),
	[DNS_TYPE_TKEY] = F(NAME, DNS_RDF_TKEY),
	[DNS_TYPE_TSIG] = F(NAME, DNS_RDF_TSIG),
	[DNS_TYPE_URI] = F(U16, U16, DNS_RDF_TEXT),
	[DNS_TYPE_CAA] = F(U8, DNS_RDF_TAG, DNS_RDF_TEXT),
};
const dns_rdata_layout_t dns_layout_ds = FMIN(1, U16, U8, U8, HEX);

/* Octets of a field of fixed size; 0 for the others. */
static unsigned fixed_size(unsigned k)
{
	switch (k) {
	case DNS_RDF_U8: return 1;
	case DNS_RDF_U16: case DNS_RDF_TYPE: return 2;
	case DNS_RDF_U32: case DNS_RDF_TIME: case DNS_RDF_IP4: return 4;
	case DNS_RDF_IP6: return 16;
	case DNS_RDF_EUI48: return 6;
	case DNS_RDF_EUI64: return 8;
	}
	return 0;
}

int dns_rdata_name_offset(uint16_t type)
{
	const dns_rdata_layout_t *l = dns_rdata_layout(type);
	int off = 0;
	for (unsigned i = 0; l && l->field[i] != DNS_RDF_END; i++) {
		unsigned k = l->field[i], n = fixed_size(k);
		if (k == DNS_RDF_NAME)
			return off;
		if (!n)
			return -1; /* a field of varying size, or one to the end */
		off += (int)n;
	}
	return -1;
}

void dns_rdata_names_init(dns_rdata_names_t *it, const dns_msg_t *m, const dns_rr_t *rr)
{
	const dns_rdata_layout_t *l = dns_rdata_layout(rr->type);
	it->m = m;
	it->pos = rr->rdoff;
	it->end = rr->rdoff + rr->rdlen;
	it->field = l ? l->field : NULL;
	/* a question has no RDATA; RDATA past the message is not read */
	if (rr->section == DNS_SEC_QUESTION || (uint64_t)rr->rdoff + rr->rdlen > m->len)
		it->field = NULL;
}

int dns_rdata_names_next(dns_rdata_names_t *it, dns_name_t *out, uint32_t *off)
{
	rd_t r;

	if (!it->field)
		return 0;
	/* the reader ends with the RDATA: no field, name or not, reads past it */
	rd_init(&r, it->m->wire, it->end);
	rd_seek(&r, it->pos);
	for (;;) {
		unsigned k = *it->field++;
		if (k == DNS_RDF_NAME) {
			size_t pos = r.pos;
			if (r.err ||
			    dns_name_read_part(it->m->wire, it->m->len, it->end, &pos, out) != 0)
				break;
			if (off)
				*off = (uint32_t)r.pos;
			it->pos = (uint32_t)pos;
			return 1;
		}
		if (k == DNS_RDF_END || k >= DNS_RDF_REST) {
			it->field = NULL; /* no name after a field that runs to the end */
			return 0;
		}
		if (k == DNS_RDF_STR || k == DNS_RDF_TAG || k == DNS_RDF_SALT || k == DNS_RDF_HASH)
			rd_skip(&r, rd_u8(&r));
		else
			rd_skip(&r, fixed_size(k));
		if (r.err)
			break;
	}
	it->field = NULL;
	return DNSTS_EMALF;
}

int dns_rdata_name(const dns_msg_t *m, const dns_rr_t *rr, dns_name_t *out)
{
	dns_rdata_names_t it;
	dns_rdata_names_init(&it, m, rr);
	return dns_rdata_names_next(&it, out, NULL) == 1 ? 0 : DNSTS_EMALF;
}
