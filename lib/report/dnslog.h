/*
 * dnslog.h - the DNS log (--messages): one NDJSON object per DNS message,
 * with the keys of SPEC.md "DNS log" (ts, src, sport, dst, dport, transport,
 * id, qr, opcode, rcode, flags, qname, qtype, qclass, answers, size, input)
 * plus authority, additional, edns and anomalies, and the pivots: frame
 * (where Wireshark shows the message), community_id (Community ID v1 of its
 * flow) and, for a response paired with its query (dnspair.h), query_frame
 * and rtt (seconds).
 */
#ifndef DNSTS_DNSLOG_H
#define DNSTS_DNSLOG_H

#include <stdint.h>
#include <stdio.h>

#include "dns_wire.h"
#include "pkt.h"

typedef struct dnslog dnslog_t;

dnslog_t *dnslog_new(FILE *out);
void dnslog_free(dnslog_t *l);

/* Write one message.  src/dst/ports are those of the packet that carried it
 * (for TCP, the segment that completed it); frame: the number of the frame
 * in its input where it ends (0: unknown, not written). */
void dnslog_write(dnslog_t *l, uint64_t ts_ns, const ip_addr_t *src, uint16_t sport,
		  const ip_addr_t *dst, uint16_t dport, uint8_t transport, uint64_t frame,
		  dns_msg_t *m, const char *input);

/* Flush buffered lines; -1 if writing failed at any point. */
int dnslog_flush(dnslog_t *l);

#endif
