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
	dns_name_res_t res;
	bool nul = false;
	int rc = dns_name_parse(wire, m->len, m->len, &pos, &m->qname, &nul, &res);
	if (rc != 0) {
		if (rc > 0 || res.fwd)
			m->anomalies |= DNS_ANOM_FWD_PTR;
		if (rc < 0) {
			dns_name_set_root(&m->qname);
			return DNSTS_EMALF;
		}
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
			if (dns_name_parse(wire, m->len, m->len, &pos, &tmp, NULL, &res) < 0)
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
	case DNS_TYPE_A: want = 4; break;
	case DNS_TYPE_AAAA: want = 16; break;
	default: return true;
	}
	if (rr->rdlen == want)
		return true;
	return rr->rdlen == 0 && dns_rr_update_form(m, rr);
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
	dns_name_res_t res;
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
	} else {
		int rc = dns_name_parse(m->wire, m->len, m->len, &pos,
					it->no_names ? NULL : &rr->name, &nul, &res);
		if (rc != 0) {
			if (rc > 0 || res.fwd)
				m->anomalies |= DNS_ANOM_FWD_PTR;
			if (rc < 0) {
				m->anomalies |= res.why == DNS_NAME_SHORT ? DNS_ANOM_TRUNC_RR
									 : DNS_ANOM_BAD_NAME;
				it->done = true;
				return DNSTS_EMALF;
			}
		}
		nlab = res.nlabels;
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
		if (rr->type == DNS_TYPE_OPT)
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
	[DNS_TYPE_A] = "A", [DNS_TYPE_NS] = "NS", [DNS_TYPE_MD] = "MD", [DNS_TYPE_MF] = "MF",
	[DNS_TYPE_CNAME] = "CNAME", [DNS_TYPE_SOA] = "SOA", [DNS_TYPE_MB] = "MB",
	[DNS_TYPE_MG] = "MG", [DNS_TYPE_MR] = "MR", [DNS_TYPE_NULL] = "NULL",
	[DNS_TYPE_WKS] = "WKS", [DNS_TYPE_PTR] = "PTR", [DNS_TYPE_HINFO] = "HINFO",
	[DNS_TYPE_MINFO] = "MINFO", [DNS_TYPE_MX] = "MX", [DNS_TYPE_TXT] = "TXT",
	[DNS_TYPE_RP] = "RP", [DNS_TYPE_AFSDB] = "AFSDB", [DNS_TYPE_X25] = "X25",
	[DNS_TYPE_ISDN] = "ISDN", [DNS_TYPE_RT] = "RT", [DNS_TYPE_NSAP] = "NSAP",
	[DNS_TYPE_NSAP_PTR] = "NSAP-PTR", [DNS_TYPE_SIG] = "SIG", [DNS_TYPE_KEY] = "KEY",
	[DNS_TYPE_PX] = "PX", [DNS_TYPE_GPOS] = "GPOS", [DNS_TYPE_AAAA] = "AAAA",
	[DNS_TYPE_LOC] = "LOC", [DNS_TYPE_NXT] = "NXT", [DNS_TYPE_EID] = "EID",
	[DNS_TYPE_NIMLOC] = "NIMLOC", [DNS_TYPE_SRV] = "SRV", [DNS_TYPE_ATMA] = "ATMA",
	[DNS_TYPE_NAPTR] = "NAPTR", [DNS_TYPE_KX] = "KX", [DNS_TYPE_CERT] = "CERT",
	[DNS_TYPE_A6] = "A6", [DNS_TYPE_DNAME] = "DNAME", [DNS_TYPE_SINK] = "SINK",
	[DNS_TYPE_OPT] = "OPT", [DNS_TYPE_APL] = "APL", [DNS_TYPE_DS] = "DS",
	[DNS_TYPE_SSHFP] = "SSHFP", [DNS_TYPE_IPSECKEY] = "IPSECKEY",
	[DNS_TYPE_RRSIG] = "RRSIG", [DNS_TYPE_NSEC] = "NSEC", [DNS_TYPE_DNSKEY] = "DNSKEY",
	[DNS_TYPE_DHCID] = "DHCID", [DNS_TYPE_NSEC3] = "NSEC3",
	[DNS_TYPE_NSEC3PARAM] = "NSEC3PARAM", [DNS_TYPE_TLSA] = "TLSA",
	[DNS_TYPE_SMIMEA] = "SMIMEA", [DNS_TYPE_HIP] = "HIP", [DNS_TYPE_NINFO] = "NINFO",
	[DNS_TYPE_RKEY] = "RKEY", [DNS_TYPE_TALINK] = "TALINK", [DNS_TYPE_CDS] = "CDS",
	[DNS_TYPE_CDNSKEY] = "CDNSKEY", [DNS_TYPE_OPENPGPKEY] = "OPENPGPKEY",
	[DNS_TYPE_CSYNC] = "CSYNC", [DNS_TYPE_ZONEMD] = "ZONEMD", [DNS_TYPE_SVCB] = "SVCB",
	[DNS_TYPE_HTTPS] = "HTTPS", [DNS_TYPE_DSYNC] = "DSYNC", [DNS_TYPE_HHIT] = "HHIT",
	[DNS_TYPE_BRID] = "BRID", [DNS_TYPE_SPF] = "SPF", [DNS_TYPE_UINFO] = "UINFO",
	[DNS_TYPE_UID] = "UID", [DNS_TYPE_GID] = "GID", [DNS_TYPE_UNSPEC] = "UNSPEC",
	[DNS_TYPE_NID] = "NID", [DNS_TYPE_L32] = "L32", [DNS_TYPE_L64] = "L64",
	[DNS_TYPE_LP] = "LP", [DNS_TYPE_EUI48] = "EUI48", [DNS_TYPE_EUI64] = "EUI64",
	[DNS_TYPE_NXNAME] = "NXNAME", [DNS_TYPE_TKEY] = "TKEY", [DNS_TYPE_TSIG] = "TSIG",
	[DNS_TYPE_IXFR] = "IXFR", [DNS_TYPE_AXFR] = "AXFR", [DNS_TYPE_MAILB] = "MAILB",
	[DNS_TYPE_MAILA] = "MAILA", [DNS_TYPE_ANY] = "ANY", [DNS_TYPE_URI] = "URI",
	[DNS_TYPE_CAA] = "CAA", [DNS_TYPE_AVC] = "AVC", [DNS_TYPE_DOA] = "DOA",
	[DNS_TYPE_AMTRELAY] = "AMTRELAY", [DNS_TYPE_RESINFO] = "RESINFO",
	[DNS_TYPE_WALLET] = "WALLET", [DNS_TYPE_CLA] = "CLA", [DNS_TYPE_IPN] = "IPN",
};

const char *dns_type_str(uint16_t type, char tmp[16])
{
	const char *s = NULL;
	if (type < sizeof type_low / sizeof type_low[0])
		s = type_low[type];
	else if (type == DNS_TYPE_TA)
		s = "TA";
	else if (type == DNS_TYPE_DLV)
		s = "DLV";
	if (s)
		return s;
	snprintf(tmp, 16, "TYPE%u", (unsigned)type);
	return tmp;
}

const char *dns_class_str(uint16_t rclass, char tmp[16])
{
	switch (rclass) {
	case DNS_CLASS_IN: return "IN";
	case DNS_CLASS_CS: return "CS";
	case DNS_CLASS_CH: return "CH";
	case DNS_CLASS_HS: return "HS";
	case DNS_CLASS_NONE: return "NONE";
	case DNS_CLASS_ANY: return "ANY";
	}
	snprintf(tmp, 16, "CLASS%u", (unsigned)rclass);
	return tmp;
}

/* IANA "DNS RCODEs"; 16 is BADVERS in an OPT and BADSIG in a TSIG: the OPT
 * meaning is given, since this names the (extended) message RCODE. */
static const char *const rcode_names[] = {
	[DNS_RCODE_NOERROR] = "NOERROR", [DNS_RCODE_FORMERR] = "FORMERR",
	[DNS_RCODE_SERVFAIL] = "SERVFAIL", [DNS_RCODE_NXDOMAIN] = "NXDOMAIN",
	[DNS_RCODE_NOTIMP] = "NOTIMP", [DNS_RCODE_REFUSED] = "REFUSED",
	[DNS_RCODE_YXDOMAIN] = "YXDOMAIN", [DNS_RCODE_YXRRSET] = "YXRRSET",
	[DNS_RCODE_NXRRSET] = "NXRRSET", [DNS_RCODE_NOTAUTH] = "NOTAUTH",
	[DNS_RCODE_NOTZONE] = "NOTZONE", [DNS_RCODE_DSOTYPENI] = "DSOTYPENI",
	[DNS_RCODE_BADVERS] = "BADVERS", [DNS_RCODE_BADKEY] = "BADKEY",
	[DNS_RCODE_BADTIME] = "BADTIME", [DNS_RCODE_BADMODE] = "BADMODE",
	[DNS_RCODE_BADNAME] = "BADNAME", [DNS_RCODE_BADALG] = "BADALG",
	[DNS_RCODE_BADTRUNC] = "BADTRUNC", [DNS_RCODE_BADCOOKIE] = "BADCOOKIE",
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
	case DNS_OPCODE_QUERY: return "QUERY";
	case DNS_OPCODE_IQUERY: return "IQUERY";
	case DNS_OPCODE_STATUS: return "STATUS";
	case DNS_OPCODE_NOTIFY: return "NOTIFY";
	case DNS_OPCODE_UPDATE: return "UPDATE";
	case DNS_OPCODE_DSO: return "DSO";
	}
	snprintf(tmp, 16, "OPCODE%u", (unsigned)opcode);
	return tmp;
}
