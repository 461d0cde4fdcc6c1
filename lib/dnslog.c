/*
 * dnslog.c - the DNS log writer.  Lines are built in a reusable buffer and
 * written in blocks of about 64 KiB; nothing is allocated per message once
 * the buffer has grown to its working size.
 */
#include "dnslog.h"

#include <stdlib.h>
#include <string.h>

#include "jsonw.h"

#define DNSLOG_FLUSH_AT (64 * 1024)

struct dnslog {
	FILE *out;
	jsonw_t w;
	int error;
	uint64_t ts_sec;           /* second whose text is cached in ts_text */
	char ts_text[40];          /* "2026-03-01T12:00:00." */
	char name[DNS_NAME_STRLEN];
	char data[70000];          /* RDATA text: 65535 bytes can need more as hex;
	                              dns_rdata_to_str truncates safely */
};

dnslog_t *dnslog_new(FILE *out)
{
	dnslog_t *l = calloc(1, sizeof *l);
	if (!l)
		return NULL;
	l->out = out;
	l->ts_sec = UINT64_MAX;
	jsonw_init(&l->w);
	return l;
}

void dnslog_free(dnslog_t *l)
{
	if (!l)
		return;
	jsonw_free(&l->w);
	free(l);
}

static void write_ts(dnslog_t *l, uint64_t ts_ns)
{
	uint64_t sec = ts_ns / 1000000000u;
	if (sec != l->ts_sec) {
		char full[40];
		ts_rfc3339(sec * 1000000000u, full, sizeof full);
		/* keep "YYYY-MM-DDTHH:MM:SS." */
		size_t n = strcspn(full, ".");
		memcpy(l->ts_text, full, n + 1);
		l->ts_text[n + 1] = 0;
		l->ts_sec = sec;
	}
	char buf[64];
	unsigned usec = (unsigned)(ts_ns % 1000000000u / 1000u);
	size_t n = strlen(l->ts_text);
	memcpy(buf, "\"", 1);
	memcpy(buf + 1, l->ts_text, n);
	char *p = buf + 1 + n;
	for (int i = 5; i >= 0; i--) {
		p[i] = (char)('0' + usec % 10);
		usec /= 10;
	}
	p[6] = 'Z';
	p[7] = '"';
	jsonw_raw(&l->w, buf, (size_t)(p + 8 - buf));
}

static void write_rr_list(dnslog_t *l, dns_msg_t *m, uint8_t section)
{
	dns_rr_iter_t it;
	dns_rr_t rr;
	char tmp[16];
	jsonw_arr_open(&l->w);
	dns_rr_iter_init(&it, m);
	while (dns_rr_next(&it, &rr) == 1) {
		if (rr.section < section)
			continue;
		if (rr.section > section)
			break;
		jsonw_obj_open(&l->w);
		dns_name_to_str(&rr.name, l->name, sizeof l->name);
		jsonw_key(&l->w, "name");
		jsonw_str(&l->w, l->name);
		jsonw_key(&l->w, "type");
		jsonw_str(&l->w, dns_type_str(rr.type, tmp));
		if (rr.type != 41) { /* OPT: class and TTL carry EDNS fields */
			jsonw_key(&l->w, "class");
			jsonw_str(&l->w, dns_class_str(rr.rclass, tmp));
		}
		jsonw_key(&l->w, "ttl");
		jsonw_u64(&l->w, rr.ttl);
		int n = dns_rdata_to_str(m, &rr, l->data, sizeof l->data);
		jsonw_key(&l->w, "data");
		jsonw_str(&l->w, l->data);
		if (n < 0) {
			jsonw_key(&l->w, "malformed");
			jsonw_bool(&l->w, true);
		}
		jsonw_obj_close(&l->w);
	}
	jsonw_arr_close(&l->w);
}

static const struct {
	uint16_t bit;
	const char *name;
} flag_names[] = {
	{DNS_F_AA, "aa"}, {DNS_F_TC, "tc"}, {DNS_F_RD, "rd"}, {DNS_F_RA, "ra"},
	{DNS_F_Z, "z"},   {DNS_F_AD, "ad"}, {DNS_F_CD, "cd"},
};

static const struct {
	uint32_t bit;
	const char *name;
} anomaly_names[] = {
	{DNS_ANOM_TRUNC_RR, "truncated_rr"},   {DNS_ANOM_BAD_NAME, "bad_name"},
	{DNS_ANOM_RDLEN, "rdlength_mismatch"}, {DNS_ANOM_TRAILING, "trailing_bytes"},
	{DNS_ANOM_MULTI_Q, "multiple_questions"}, {DNS_ANOM_NO_Q, "no_question"},
	{DNS_ANOM_FWD_PTR, "forward_pointer"}, {DNS_ANOM_Z, "z_bit"},
	{DNS_ANOM_BAD_OPT, "bad_opt"},         {DNS_ANOM_NUL_IN_NAME, "nul_in_name"},
	{DNS_ANOM_TC, "truncated_response"},
};

void dnslog_write(dnslog_t *l, uint64_t ts_ns, const ip_addr_t *src, uint16_t sport,
		  const ip_addr_t *dst, uint16_t dport, uint8_t transport, dns_msg_t *m,
		  const char *input)
{
	jsonw_t *w = &l->w;
	char tmp[16], addr[64];

	dns_msg_parse_all(m);
	jsonw_obj_open(w);
	jsonw_key(w, "ts");
	write_ts(l, ts_ns);
	jsonw_key(w, "src");
	jsonw_str(w, ip_addr_str(src, addr, sizeof addr));
	jsonw_key(w, "sport");
	jsonw_u64(w, sport);
	jsonw_key(w, "dst");
	jsonw_str(w, ip_addr_str(dst, addr, sizeof addr));
	jsonw_key(w, "dport");
	jsonw_u64(w, dport);
	jsonw_key(w, "transport");
	jsonw_str(w, transport == 6 ? "tcp" : "udp");
	jsonw_key(w, "id");
	jsonw_u64(w, m->id);
	jsonw_key(w, "qr");
	jsonw_bool(w, m->qr);
	jsonw_key(w, "opcode");
	jsonw_str(w, dns_opcode_str(m->opcode, tmp));
	jsonw_key(w, "rcode");
	jsonw_str(w, dns_rcode_str(m->rcode, tmp));
	jsonw_key(w, "flags");
	jsonw_arr_open(w);
	for (size_t i = 0; i < sizeof flag_names / sizeof flag_names[0]; i++)
		if (m->flags & flag_names[i].bit)
			jsonw_str(w, flag_names[i].name);
	jsonw_arr_close(w);
	if (m->has_question) {
		dns_name_to_str(&m->qname, l->name, sizeof l->name);
		jsonw_key(w, "qname");
		jsonw_str(w, l->name);
		jsonw_key(w, "qtype");
		jsonw_str(w, dns_type_str(m->qtype, tmp));
		jsonw_key(w, "qclass");
		jsonw_str(w, dns_class_str(m->qclass & 0x7fff, tmp));
	} else {
		jsonw_key(w, "qname");
		jsonw_null(w);
		jsonw_key(w, "qtype");
		jsonw_null(w);
		jsonw_key(w, "qclass");
		jsonw_null(w);
	}
	if (m->count[0] > 1) {
		/* further questions, as tshark lists them */
		dns_rr_iter_t it;
		dns_rr_t rr;
		jsonw_key(w, "questions");
		jsonw_arr_open(w);
		dns_rr_iter_init(&it, m);
		while (dns_rr_next(&it, &rr) == 1 && rr.section == DNS_SEC_QUESTION) {
			jsonw_obj_open(w);
			dns_name_to_str(&rr.name, l->name, sizeof l->name);
			jsonw_key(w, "qname");
			jsonw_str(w, l->name);
			jsonw_key(w, "qtype");
			jsonw_str(w, dns_type_str(rr.type, tmp));
			jsonw_obj_close(w);
		}
		jsonw_arr_close(w);
	}
	jsonw_key(w, "answers");
	write_rr_list(l, m, DNS_SEC_ANSWER);
	if (m->count[2]) {
		jsonw_key(w, "authority");
		write_rr_list(l, m, DNS_SEC_AUTHORITY);
	}
	if (m->count[3]) {
		jsonw_key(w, "additional");
		write_rr_list(l, m, DNS_SEC_ADDITIONAL);
	}
	if (m->has_edns) {
		jsonw_key(w, "edns");
		jsonw_obj_open(w);
		jsonw_key(w, "udp_size");
		jsonw_u64(w, m->edns_udp_size);
		jsonw_key(w, "version");
		jsonw_u64(w, m->edns_version);
		jsonw_key(w, "do");
		jsonw_bool(w, m->edns_do);
		jsonw_obj_close(w);
	}
	if (m->anomalies) {
		jsonw_key(w, "anomalies");
		jsonw_arr_open(w);
		for (size_t i = 0; i < sizeof anomaly_names / sizeof anomaly_names[0]; i++)
			if (m->anomalies & anomaly_names[i].bit)
				jsonw_str(w, anomaly_names[i].name);
		jsonw_arr_close(w);
	}
	jsonw_key(w, "size");
	jsonw_u64(w, m->len);
	jsonw_key(w, "input");
	jsonw_str(w, input);
	jsonw_obj_close(w);
	jsonw_newline(w);
	if (w->len >= DNSLOG_FLUSH_AT && jsonw_flush(w, l->out) < 0)
		l->error = 1;
}

int dnslog_flush(dnslog_t *l)
{
	if (jsonw_flush(&l->w, l->out) < 0 || l->w.oom)
		l->error = 1;
	if (fflush(l->out) != 0)
		l->error = 1;
	return l->error ? -1 : 0;
}
