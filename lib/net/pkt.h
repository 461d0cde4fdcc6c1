/*
 * pkt.h - plain structs passed along the pipeline:
 * capture -> decode -> {defrag, tcp_reasm} -> dns_wire -> detection/log.
 * No module below decode knows about pcap; none above dns_wire about bytes
 * on the wire.
 */
#ifndef DNSTS_PKT_H
#define DNSTS_PKT_H

#include <stdbool.h>
#include <stdint.h>

/* An IPv4 or IPv6 address.  IPv4 uses the first four bytes of a. */
typedef struct ip_addr {
	uint8_t v;      /* 4 or 6; 0 when unset */
	uint8_t a[16];
} ip_addr_t;

/* Print an address ("192.0.2.1", "2001:db8::1"); buf needs 46 bytes. */
const char *ip_addr_str(const ip_addr_t *ip, char *buf, unsigned long buflen);
int ip_addr_cmp(const ip_addr_t *x, const ip_addr_t *y);

enum { IPPROTO_UDP_ = 17, IPPROTO_TCP_ = 6 };

enum tcp_flag {
	TCPF_FIN = 0x01, TCPF_SYN = 0x02, TCPF_RST = 0x04,
	TCPF_PSH = 0x08, TCPF_ACK = 0x10,
};

/* A UDP datagram or TCP segment, innermost after any encapsulation. */
typedef struct l4_pkt {
	uint64_t ts_ns;          /* packet timestamp, ns since the epoch */
	ip_addr_t src, dst;
	uint8_t proto;           /* 17 UDP, 6 TCP */
	uint16_t sport, dport;
	uint32_t seq, ack;       /* TCP only */
	uint8_t tcp_flags;       /* TCP only, enum tcp_flag */
	const uint8_t *payload;  /* borrowed from the packet (or reassembly) */
	uint32_t paylen;         /* payload bytes present */
	uint32_t paylen_wire;    /* payload bytes the headers announce (>= paylen
	                            when the capture's snaplen cut the packet) */
} l4_pkt_t;

/* One IP fragment, for defrag. */
typedef struct ip_frag {
	ip_addr_t src, dst;
	uint32_t id;             /* IPv4 16-bit id or IPv6 32-bit id */
	uint8_t proto;           /* protocol / next header of the fragmented part */
	uint32_t offset;         /* byte offset of data in the original payload */
	bool more;               /* more fragments follow */
	const uint8_t *data;     /* fragment payload (borrowed) */
	uint32_t len;
} ip_frag_t;

#endif
