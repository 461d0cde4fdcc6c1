/* detect_builder.h - a tiny DNS message builder for the detection tests:
 * builds real wire-format queries and responses, parses them with
 * dns_msg_parse() and feeds them to a detector. */
#ifndef DNSTS_DETECT_BUILDER_H
#define DNSTS_DETECT_BUILDER_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "detect.h"
#include "dns_const.h"
#include "dns_wire.h"

typedef struct tb_msg {
	uint8_t b[1500];
	size_t n;
} tb_msg_t;

static inline void tb_u16(tb_msg_t *m, unsigned v)
{
	m->b[m->n++] = (uint8_t)(v >> 8);
	m->b[m->n++] = (uint8_t)v;
}

static inline void tb_name(tb_msg_t *m, const char *s)
{
	while (*s) {
		const char *dot = strchr(s, '.');
		size_t len = dot ? (size_t)(dot - s) : strlen(s);
		m->b[m->n++] = (uint8_t)len;
		memcpy(m->b + m->n, s, len);
		m->n += len;
		s += len;
		if (*s == '.')
			s++;
	}
	m->b[m->n++] = 0;
}

/* A query (qr 0) or a response (qr 1) with an optional answer of type
 * atype carrying rdata. */
static inline void tb_build(tb_msg_t *m, unsigned id, int qr, unsigned rcode, const char *qname,
			    unsigned qtype, unsigned atype, const uint8_t *rdata, size_t rdlen)
{
	m->n = 0;
	tb_u16(m, id);
	tb_u16(m, (qr ? 0x8180u : 0x0100u) | rcode);
	tb_u16(m, 1);
	tb_u16(m, rdata ? 1 : 0);
	tb_u16(m, 0);
	tb_u16(m, 0);
	tb_name(m, qname);
	tb_u16(m, qtype);
	tb_u16(m, DNS_CLASS_IN);
	if (rdata) {
		tb_u16(m, 0xc00c);
		tb_u16(m, atype);
		tb_u16(m, DNS_CLASS_IN);
		tb_u16(m, 0);
		tb_u16(m, 60);
		tb_u16(m, (unsigned)rdlen);
		memcpy(m->b + m->n, rdata, rdlen);
		m->n += rdlen;
	}
}

static inline ip_addr_t tb_ip4(unsigned a, unsigned b, unsigned c, unsigned d)
{
	ip_addr_t ip;
	memset(&ip, 0, sizeof(ip));
	ip.v = 4;
	ip.a[0] = (uint8_t)a;
	ip.a[1] = (uint8_t)b;
	ip.a[2] = (uint8_t)c;
	ip.a[3] = (uint8_t)d;
	return ip;
}

/* Feed one query and its response (if rdata or rcode given). */
static inline void tb_exchange(detector_t *d, const ip_addr_t *cli, const ip_addr_t *srv,
			       uint64_t ts, const char *qname, unsigned qtype, unsigned rcode,
			       unsigned atype, const uint8_t *rdata, size_t rdlen)
{
	tb_msg_t m;
	dns_msg_t msg;
	dns_event_t ev = {ts, cli, srv, 40000, 53, 17, 0, NULL};
	tb_build(&m, 0x1234, 0, DNS_RCODE_NOERROR, qname, qtype, 0, NULL, 0);
	if (dns_msg_parse(&msg, m.b, m.n) == 0)
		detector_add_msg(d, &ev, &msg);
	dns_event_t er = {ts + 1000000, srv, cli, 53, 40000, 17, 0, NULL};
	tb_build(&m, 0x1234, 1, rcode, qname, qtype, atype, rdata, rdlen);
	if (dns_msg_parse(&msg, m.b, m.n) == 0)
		detector_add_msg(d, &er, &msg);
}

static inline void tb_randhex(char *out, size_t n, uint32_t *seed)
{
	static const char hx[] = "0123456789abcdef";
	for (size_t i = 0; i < n; i++) {
		*seed = *seed * 1103515245u + 12345u;
		out[i] = hx[(*seed >> 16) & 15];
	}
	out[n] = '\0';
}

static inline void tb_randb32(char *out, size_t n, uint32_t *seed)
{
	static const char b32[] = "abcdefghijklmnopqrstuvwxyz234567";
	for (size_t i = 0; i < n; i++) {
		*seed = *seed * 1103515245u + 12345u;
		out[i] = b32[(*seed >> 16) & 31];
	}
	out[n] = '\0';
}

static inline const finding_t *tb_find(finding_t **fs, size_t n, const char *domain)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(fs[i]->domain, domain))
			return fs[i];
	return NULL;
}

#endif
