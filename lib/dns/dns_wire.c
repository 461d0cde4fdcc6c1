/*
 * dns_wire.c - DNS message parser: header, questions, resource records and
 * the mnemonic tables.  Names are read by dns_name.c, RDATA is checked and
 * written by dns_rdata.c.
 *
 * What it handles: any byte string.  A message is accepted when its 12-byte
 * header and its first question (if qdcount > 0) decode; everything after
 * that is read lazily by the iterator, which stops at the first record it
 * cannot read and records why in msg->anomalies (the records before it
 * stand).  Labels may hold any octet, NUL included (flagged, not refused).
 *
 * What it deliberately drops or refuses: names that dns_name.c refuses
 * (see there).  A second OPT record, an OPT outside the additional section
 * or with a non-root owner is flagged DNS_ANOM_BAD_OPT and ignored for the
 * EDNS fields.
 *
 * Cost: dns_msg_parse reads 12 bytes and one name (one copy of at most 255
 * octets); it allocates nothing and keeps no state outside its arguments.
 * Every loop is bounded by the message length, DNS_MAX_HOPS or the 255-octet
 * name cap.
 */
#include "dns_wire.h"

#include <stdio.h>
#include <string.h>

#include <dnsts/dnsts.h>

#include "rd.h"

/* ---- message ------------------------------------------------------------ */

int dns_msg_parse(dns_msg_t *m, const uint8_t *wire, size_t len)
{
	rd_t r;

	m->wire = wire;
	m->len = len > UINT32_MAX ? UINT32_MAX : (uint32_t)len;
	m->anomalies = 0;
	m->has_question = false;
	m->has_edns = false;
	m->edns_udp_size = 0;
	m->edns_version = 0;
	m->edns_do = false;
	m->qtype = m->qclass = 0;
	m->rr_off = 0;
	dns_name_set_root(&m->qname);

	rd_init(&r, wire, m->len);
	const uint8_t *hd = m->len >= DNS_HEADER_LEN ? rd_ptr(&r, DNS_HEADER_LEN) : NULL;
	if (hd) { /* the whole header at once */
		m->id = (uint16_t)(hd[0] << 8 | hd[1]);
		m->flags = (uint16_t)(hd[2] << 8 | hd[3]);
		for (int i = 0; i < 4; i++)
			m->count[i] = (uint16_t)(hd[4 + 2 * i] << 8 | hd[5 + 2 * i]);
	} else {
		m->id = rd_u16(&r);
		m->flags = rd_u16(&r);
		for (int i = 0; i < 4; i++)
			m->count[i] = rd_u16(&r);
	}
	m->qr = (uint8_t)(m->flags >> 15);
	m->opcode = (uint8_t)(m->flags >> 11 & 0xf);
	m->rcode = m->flags & 0xf;
	if (r.err)
		return DNSTS_EMALF;
	if (m->flags & DNS_F_Z)
		m->anomalies |= DNS_ANOM_Z;
	if (m->flags & DNS_F_TC)
		m->anomalies |= DNS_ANOM_TC;
	m->rr_off = DNS_HEADER_LEN;
	if (m->count[0] == 0) {
		m->anomalies |= DNS_ANOM_NO_Q;
		return 0;
	}

	size_t pos = DNS_HEADER_LEN;
	enum dns_name_why why;
	bool nul = false;
	if (dns_name_parse(wire, m->len, &pos, &m->qname, &why, &nul, NULL) != 0) {
		if (why == DNS_NAME_FWD_PTR)
			m->anomalies |= DNS_ANOM_FWD_PTR;
		dns_name_set_root(&m->qname);
		return DNSTS_EMALF;
	}
	if (nul)
		m->anomalies |= DNS_ANOM_NUL_IN_NAME;
	rd_seek(&r, pos);
	m->qtype = rd_u16(&r);
	m->qclass = rd_u16(&r);
	if (r.err) {
		m->qtype = m->qclass = 0;
		dns_name_set_root(&m->qname);
		return DNSTS_EMALF;
	}
	m->has_question = true;
	m->rr_off = (uint32_t)r.pos;

	if (m->count[0] > 1) {
		/* Skip the other questions so rr_off is right; a failure here is
		 * the iterator's to report, rr_off then stays after the first. */
		m->anomalies |= DNS_ANOM_MULTI_Q;
		dns_name_t tmp;
		for (unsigned i = 1; i < m->count[0]; i++) {
			pos = r.pos;
			if (dns_name_parse(wire, m->len, &pos, &tmp, &why, NULL, NULL) != 0)
				break;
			rd_seek(&r, pos);
			rd_skip(&r, 4);
			if (r.err)
				break;
			m->rr_off = (uint32_t)r.pos;
		}
	}
	return 0;
}

/* ---- iterator ----------------------------------------------------------- */

void dns_rr_iter_init(dns_rr_iter_t *it, dns_msg_t *m)
{
	it->m = m;
	it->pos = DNS_HEADER_LEN;
	it->section = DNS_SEC_QUESTION;
	it->left = m->count[0];
	it->done = m->len < DNS_HEADER_LEN;
	it->nopt = 0;
	it->no_names = false;
	it->owner_root = false;
}

void dns_rr_iter_skip_question(dns_rr_iter_t *it)
{
	const dns_msg_t *m = it->m;
	if (it->done || it->pos != DNS_HEADER_LEN || it->section != DNS_SEC_QUESTION ||
	    m->count[0] != 1 || !m->has_question || m->rr_off <= DNS_HEADER_LEN ||
	    m->rr_off > m->len)
		return;
	it->pos = m->rr_off;
	it->left = 0;
}

/* Are the options of an OPT record well framed? */
static bool opt_options_ok(const uint8_t *p, size_t len)
{
	rd_t r;
	rd_init(&r, p, len);
	while (rd_left(&r) > 0) {
		rd_u16(&r);
		rd_skip(&r, rd_u16(&r));
	}
	return !r.err;
}

static void meet_opt(dns_rr_iter_t *it, const dns_rr_t *rr)
{
	dns_msg_t *m = it->m;

	if (rr->section != DNS_SEC_ADDITIONAL || it->nopt++ > 0 || !it->owner_root) {
		m->anomalies |= DNS_ANOM_BAD_OPT;
		return;
	}
	if (!opt_options_ok(m->wire + rr->rdoff, rr->rdlen))
		m->anomalies |= DNS_ANOM_BAD_OPT;
	m->has_edns = true;
	m->edns_udp_size = rr->rclass;
	m->edns_version = (uint8_t)(rr->ttl >> 16);
	m->edns_do = (rr->ttl & 0x8000) != 0;
	m->rcode = (uint16_t)((rr->ttl >> 24) << 4 | (m->flags & 0xf));
}

/* Fixed-length types whose length the iterator checks on the way (the full
 * check is dns_rdata_to_str's, run by dns_msg_parse_all). */
static bool rdlen_plausible(const dns_msg_t *m, const dns_rr_t *rr)
{
	unsigned want;
	switch (rr->type) {
	case 1: want = 4; break;
	case 28: want = 16; break;
	default: return true;
	}
	if (rr->rdlen == want)
		return true;
	/* dynamic update: deletions and prerequisites carry no RDATA */
	return rr->rdlen == 0 && (m->opcode == 5 || rr->rclass == 254 || rr->rclass == 255);
}

int dns_rr_next(dns_rr_iter_t *it, dns_rr_t *rr)
{
	dns_msg_t *m = it->m;

	if (it->done)
		return 0;
	while (it->left == 0) {
		if (it->section >= DNS_SEC_ADDITIONAL) {
			it->done = true;
			return 0;
		}
		it->section++;
		it->left = m->count[it->section];
	}

	size_t pos = it->pos;
	enum dns_name_why why;
	bool nul = false;
	if (it->no_names)
		dns_name_set_root(&rr->name);
	unsigned nlab = 0;
	if (m->has_question && pos > DNS_HEADER_LEN && m->len - pos >= 2 &&
	    m->wire[pos] == 0xc0 && m->wire[pos + 1] == DNS_HEADER_LEN) {
		/* The usual owner: a pointer to the first question's name,
		 * which dns_msg_parse decoded (and checked) from these same
		 * bytes; one hop, pointing backwards.  Its NUL anomaly, if
		 * any, is already recorded. */
		if (!it->no_names)
			dns_name_copy(&rr->name, &m->qname);
		nlab = m->qname.nlabels;
		pos += 2;
	} else if (dns_name_parse(m->wire, m->len, &pos, it->no_names ? NULL : &rr->name, &why,
			     &nul, &nlab) != 0) {
		if (why == DNS_NAME_SHORT) {
			m->anomalies |= DNS_ANOM_TRUNC_RR;
		} else {
			m->anomalies |= DNS_ANOM_BAD_NAME;
			if (why == DNS_NAME_FWD_PTR)
				m->anomalies |= DNS_ANOM_FWD_PTR;
		}
		it->done = true;
		return DNSTS_EMALF;
	}
	if (nul)
		m->anomalies |= DNS_ANOM_NUL_IN_NAME;
	it->owner_root = nlab == 0;

	rd_t r;
	rd_init(&r, m->wire, m->len);
	rd_seek(&r, pos);
	rr->section = it->section;
	rr->type = rd_u16(&r);
	rr->rclass = rd_u16(&r);
	if (it->section == DNS_SEC_QUESTION) {
		rr->ttl = 0;
		rr->rdlen = 0;
		rr->rdoff = (uint32_t)r.pos;
	} else {
		rr->ttl = rd_u32(&r);
		rr->rdlen = rd_u16(&r);
		rr->rdoff = (uint32_t)r.pos;
		rd_skip(&r, rr->rdlen);
	}
	if (r.err) {
		m->anomalies |= DNS_ANOM_TRUNC_RR;
		it->done = true;
		return DNSTS_EMALF;
	}
	it->pos = (uint32_t)r.pos;
	it->left--;

	if (rr->section != DNS_SEC_QUESTION) {
		if (rr->type == 41)
			meet_opt(it, rr);
		else if (!rdlen_plausible(m, rr))
			m->anomalies |= DNS_ANOM_RDLEN;
	}
	return 1;
}

/* ---- mnemonics ---------------------------------------------------------- */

/* IANA "Resource Record (RR) TYPEs" registry, tshark's spellings; 255 is
 * written "ANY" (IANA "*"). */
static const char *const type_low[] = {
	[1] = "A", [2] = "NS", [3] = "MD", [4] = "MF", [5] = "CNAME", [6] = "SOA",
	[7] = "MB", [8] = "MG", [9] = "MR", [10] = "NULL", [11] = "WKS", [12] = "PTR",
	[13] = "HINFO", [14] = "MINFO", [15] = "MX", [16] = "TXT", [17] = "RP",
	[18] = "AFSDB", [19] = "X25", [20] = "ISDN", [21] = "RT", [22] = "NSAP",
	[23] = "NSAP-PTR", [24] = "SIG", [25] = "KEY", [26] = "PX", [27] = "GPOS",
	[28] = "AAAA", [29] = "LOC", [30] = "NXT", [31] = "EID", [32] = "NIMLOC",
	[33] = "SRV", [34] = "ATMA", [35] = "NAPTR", [36] = "KX", [37] = "CERT",
	[38] = "A6", [39] = "DNAME", [40] = "SINK", [41] = "OPT", [42] = "APL",
	[43] = "DS", [44] = "SSHFP", [45] = "IPSECKEY", [46] = "RRSIG", [47] = "NSEC",
	[48] = "DNSKEY", [49] = "DHCID", [50] = "NSEC3", [51] = "NSEC3PARAM",
	[52] = "TLSA", [53] = "SMIMEA", [55] = "HIP", [56] = "NINFO", [57] = "RKEY",
	[58] = "TALINK", [59] = "CDS", [60] = "CDNSKEY", [61] = "OPENPGPKEY",
	[62] = "CSYNC", [63] = "ZONEMD", [64] = "SVCB", [65] = "HTTPS", [66] = "DSYNC",
	[67] = "HHIT", [68] = "BRID",
	[99] = "SPF", [100] = "UINFO", [101] = "UID", [102] = "GID", [103] = "UNSPEC",
	[104] = "NID", [105] = "L32", [106] = "L64", [107] = "LP", [108] = "EUI48",
	[109] = "EUI64", [128] = "NXNAME",
	[249] = "TKEY", [250] = "TSIG", [251] = "IXFR", [252] = "AXFR", [253] = "MAILB",
	[254] = "MAILA", [255] = "ANY", [256] = "URI", [257] = "CAA", [258] = "AVC",
	[259] = "DOA", [260] = "AMTRELAY", [261] = "RESINFO", [262] = "WALLET",
	[263] = "CLA", [264] = "IPN",
};

const char *dns_type_str(uint16_t type, char tmp[16])
{
	const char *s = NULL;
	if (type < sizeof type_low / sizeof type_low[0])
		s = type_low[type];
	else if (type == 32768)
		s = "TA";
	else if (type == 32769)
		s = "DLV";
	if (s)
		return s;
	snprintf(tmp, 16, "TYPE%u", (unsigned)type);
	return tmp;
}

const char *dns_class_str(uint16_t rclass, char tmp[16])
{
	switch (rclass) {
	case 1: return "IN";
	case 2: return "CS";
	case 3: return "CH";
	case 4: return "HS";
	case 254: return "NONE";
	case 255: return "ANY";
	}
	snprintf(tmp, 16, "CLASS%u", (unsigned)rclass);
	return tmp;
}

/* IANA "DNS RCODEs"; 16 is BADVERS in an OPT and BADSIG in a TSIG: the OPT
 * meaning is given, since this names the (extended) message RCODE. */
static const char *const rcode_names[] = {
	"NOERROR", "FORMERR", "SERVFAIL", "NXDOMAIN", "NOTIMP", "REFUSED",
	"YXDOMAIN", "YXRRSET", "NXRRSET", "NOTAUTH", "NOTZONE", "DSOTYPENI",
	NULL, NULL, NULL, NULL,
	"BADVERS", "BADKEY", "BADTIME", "BADMODE", "BADNAME", "BADALG",
	"BADTRUNC", "BADCOOKIE",
};

const char *dns_rcode_str(uint16_t rcode, char tmp[16])
{
	if (rcode < sizeof rcode_names / sizeof rcode_names[0] && rcode_names[rcode])
		return rcode_names[rcode];
	snprintf(tmp, 16, "RCODE%u", (unsigned)rcode);
	return tmp;
}

const char *dns_opcode_str(uint8_t opcode, char tmp[16])
{
	switch (opcode) {
	case 0: return "QUERY";
	case 1: return "IQUERY";
	case 2: return "STATUS";
	case 4: return "NOTIFY";
	case 5: return "UPDATE";
	case 6: return "DSO";
	}
	snprintf(tmp, 16, "OPCODE%u", (unsigned)opcode);
	return tmp;
}
