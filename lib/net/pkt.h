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

/*
 * The frames (records of the input, numbered from 1 as Wireshark numbers
 * them) that carried a packet or message: a plain packet is its own frame;
 * a datagram reassembled from IP fragments spans its fragments' frames; a
 * DNS message over TCP spans the segments that held its bytes.  n counts
 * them (each once); 0 when not known.
 */
typedef struct frame_span {
	uint64_t first, last;
	uint32_t n;
} frame_span_t;

/* s := s u x, a frame already last in s (the same segment feeding the
 * same message twice) counted once. */
static inline void frame_span_add(frame_span_t *s, const frame_span_t *x)
{
	if (!x->n)
		return;
	if (!s->n) {
		*s = *x;
		return;
	}
	uint32_t n = x->n;
	if (x->first == s->last || x->last == s->last)
		n--;
	if (x->first < s->first)
		s->first = x->first;
	if (x->last > s->last)
		s->last = x->last;
	s->n += n;
}

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
	frame_span_t span;       /* the frames that carried it (set by the scanner,
	                            tcp_reasm for a message over TCP) */
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
	frame_span_t span;       /* a fragment's frames; a reassembled datagram's
	                            (defrag_add's done): all of its fragments' */
} ip_frag_t;

#endif
