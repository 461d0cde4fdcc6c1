/*
 * decode.h - link layer, IP and transport decoding of one captured packet,
 * down to the innermost UDP datagram or TCP segment, or an IP fragment.
 *
 * Link types: Ethernet (802.1Q, 802.1ad/QinQ, MPLS, PPPoE), Linux cooked v1
 * and v2, raw IP (DLT_RAW, LINKTYPE_IPV4, LINKTYPE_IPV6), BSD null/loop,
 * PPP, Linux NFLOG, Apple PKTAP, 802.11 (+radiotap) data frames with LLC/SNAP.
 * Encapsulations: GRE (incl. ERSPAN II/III, PPTP's enhanced GRE with PPP),
 * VXLAN, Geneve, GTP-U, Teredo, GRE-in-UDP, IP-in-IP, 6in4, 4in6, 6in6.
 * IPv4 with options; IPv6 with hop-by-hop, routing, destination options and
 * fragment headers.  Every read is bounded by caplen; the decoder never
 * allocates.  The payload pointers it returns borrow the packet bytes.
 */
#ifndef DNSTS_DECODE_H
#define DNSTS_DECODE_H

#include <stdint.h>

#include "pkt.h"

enum decode_result {
	DECODE_L4 = 0,       /* out->l4 holds a UDP datagram or TCP segment */
	DECODE_FRAGMENT,     /* out->frag holds an IP fragment */
	DECODE_OTHER,        /* decoded, but neither UDP nor TCP (ARP, ICMP, ...) */
	DECODE_TRUNCATED,    /* caplen ends inside a header */
	DECODE_UNSUPPORTED,  /* link type or encapsulation not decoded */
};

typedef struct decode_out {
	enum decode_result result;
	l4_pkt_t l4;
	ip_frag_t frag;
	const char *what;    /* for DECODE_UNSUPPORTED: static name of the
	                        unknown thing ("linktype 147", "ethertype other");
	                        also set, when known, for DECODE_TRUNCATED (the
	                        header cut short) and for DECODE_OTHER caused by a
	                        malformed header ("ipv4 total length"); else NULL */
	uint8_t depth;       /* encapsulation layers stripped */
} decode_out_t;

/* Decode a packet of the given LINKTYPE_*.  ts_ns is copied into out->l4. */
enum decode_result decode_packet(int linktype, uint64_t ts_ns, const uint8_t *data,
				 uint32_t caplen, decode_out_t *out);

/*
 * Decode a transport payload that has no IP header of its own: the result
 * of fragment reassembly.  proto is the IP protocol; src and dst the
 * addresses of the reassembled datagram.  UDP encapsulations inside it are
 * followed as in decode_packet.
 */
enum decode_result decode_transport(uint8_t proto, const ip_addr_t *src, const ip_addr_t *dst,
				    uint64_t ts_ns, const uint8_t *data, uint32_t len,
				    decode_out_t *out);

#endif
