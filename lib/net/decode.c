/*
 * decode.c - from a captured frame down to the innermost UDP datagram, TCP
 * segment or IP fragment.
 *
 * Handles the link types, IP versions and tunnels listed in decode.h.  Each
 * layer parses its header through an rd_t bounded by the bytes that are
 * present; a layer that runs out of bytes inside its header yields
 * DECODE_TRUNCATED.  Lengths announced by IP and UDP headers bound the
 * payload (Ethernet padding is dropped), but never extend it past caplen:
 * paylen is what was captured, paylen_wire what the headers announce.
 *
 * Deliberately dropped or left undecoded:
 *  - ICMP and ICMPv6, even when they quote a DNS datagram (DECODE_OTHER);
 *  - IPsec ESP, IPv6 "no next header", IPv4 fragments that were not
 *    captured whole (a cut fragment cannot be reassembled: TRUNCATED);
 *  - encrypted 802.11 frames, non-data 802.11 frames, non-IP PPP/LLC;
 *  - headers that contradict themselves (IPv4 IHL < 5, total length below
 *    the header, bad version nibble, TCP data offset < 5) are reported as
 *    DECODE_OTHER with out->what naming the problem.
 * A UDP datagram on a tunnel port (VXLAN, Geneve, GTP-U, Teredo,
 * GRE-in-UDP) is decoded as a tunnel only if its inner packet decodes;
 * otherwise the datagram itself is returned.
 *
 * Every path that can come back to a layer already passed goes through
 * one depth limit, DECODE_MAX_DEPTH: IP-in-IP, GRE and the UDP tunnels
 * enter it (enter_tunnel), and so does every Ethernet frame carried inside
 * another frame (inner_ether: 802.1ah, transparent bridging, ERSPAN, MPLS
 * pseudowires), except the one frame that is the direct payload of a
 * tunnel just entered (GRE or VXLAN carrying Ethernet is one layer, not
 * two).  A packet nested deeper is DECODE_UNSUPPORTED, "encapsulation
 * depth".  Recursion is thus bounded whatever the compiler does with tail
 * calls.  No allocation, no mutable static state.
 */
#include "decode.h"

#include <stdbool.h>
#include <string.h>

#include "rd.h"

#define DECODE_MAX_DEPTH 8   /* tunnel layers (IP-in-IP, GRE, UDP tunnels,
                                Ethernet inside Ethernet) */
#define MAX_VLAN_TAGS    8
#define MAX_MPLS_LABELS  16
#define MAX_IPV6_EXT     16
#define MAX_GTP_EXT      8
#define MAX_GRE_SRE      16

/* Internal result: the header is self-contradictory.  Reported as
 * DECODE_OTHER, but lets a UDP tunnel fall back to the outer datagram. */
#define R_INVALID 100

enum {
	ETH_IPV4 = 0x0800, ETH_ARP = 0x0806, ETH_IPV6 = 0x86dd,
	ETH_VLAN = 0x8100, ETH_QINQ = 0x88a8, ETH_QINQ_OLD = 0x9100,
	ETH_MPLS_UC = 0x8847, ETH_MPLS_MC = 0x8848,
	ETH_PPPOE_DISC = 0x8863, ETH_PPPOE_SESS = 0x8864,
	ETH_TEB = 0x6558, ETH_ERSPAN2 = 0x88be, ETH_ERSPAN3 = 0x22eb,
	ETH_PPP = 0x880b, ETH_PBB = 0x88e7,
};

enum {
	IPP_HOPOPT = 0, IPP_ICMP = 1, IPP_IPIP = 4, IPP_TCP = 6, IPP_UDP = 17,
	IPP_IPV6 = 41, IPP_ROUTING = 43, IPP_FRAGMENT = 44, IPP_GRE = 47,
	IPP_ESP = 50, IPP_AH = 51, IPP_NONE = 59, IPP_DSTOPTS = 60,
};

enum {
	PORT_GTPU = 2152, PORT_TEREDO = 3544, PORT_GRE_UDP = 4754,
	PORT_VXLAN = 4789, PORT_GENEVE = 6081,
};

typedef struct dctx {
	decode_out_t *out;
	unsigned depth;
	bool link_free;  /* a tunnel was just entered: its own Ethernet frame
	                    does not count as another layer */
} dctx_t;

static int ether(dctx_t *c, const uint8_t *p, size_t len);
static int ethertype(dctx_t *c, uint16_t type, const uint8_t *p, size_t len);
static int ip_any(dctx_t *c, const uint8_t *p, size_t len);
static int linklayer(dctx_t *c, int linktype, const uint8_t *p, size_t len, int nested);

static int fail(dctx_t *c, int result, const char *what)
{
	c->out->what = what;
	return result;
}

#define TRUNC(c, what) fail((c), DECODE_TRUNCATED, (what))
#define INVALID(c, what) fail((c), R_INVALID, (what))
#define UNSUPP(c, what) fail((c), DECODE_UNSUPPORTED, (what))

static int enter_tunnel(dctx_t *c)
{
	if (c->depth >= DECODE_MAX_DEPTH)
		return 0;
	c->depth++;
	c->link_free = true;
	return 1;
}

/* An Ethernet frame inside another packet: a layer of its own, unless it
 * is the payload of the tunnel just entered. */
static int inner_ether(dctx_t *c, const uint8_t *p, size_t len)
{
	if (!c->link_free && !enter_tunnel(c))
		return UNSUPP(c, "encapsulation depth");
	c->link_free = false;
	return ether(c, p, len);
}

/* ---- names for DECODE_UNSUPPORTED ------------------------------------- */

#define LT(n) [n] = "linktype " #n
#define LT10(d) LT(d##0), LT(d##1), LT(d##2), LT(d##3), LT(d##4), \
	LT(d##5), LT(d##6), LT(d##7), LT(d##8), LT(d##9)
static const char *const linktype_names[] = {
	LT(0), LT(1), LT(2), LT(3), LT(4), LT(5), LT(6), LT(7), LT(8), LT(9),
	LT10(1), LT10(2), LT10(3), LT10(4), LT10(5), LT10(6), LT10(7), LT10(8), LT10(9),
	LT10(10), LT10(11), LT10(12), LT10(13), LT10(14), LT10(15), LT10(16), LT10(17),
	LT10(18), LT10(19), LT10(20), LT10(21), LT10(22), LT10(23), LT10(24), LT10(25),
	LT10(26), LT10(27), LT10(28), LT10(29), LT10(30), LT10(31),
};
#undef LT10
#undef LT

static const char *linktype_name(int linktype)
{
	if (linktype >= 0 && (size_t)linktype < sizeof(linktype_names) / sizeof(linktype_names[0]))
		return linktype_names[linktype];
	return "linktype out of range";
}

static const struct {
	uint16_t type;
	const char *name;
} ethertype_names[] = {
	{ 0x22f0, "ethertype 0x22f0 (AVTP)" },
	{ 0x88b5, "ethertype 0x88b5 (experimental)" },
	{ 0x88b6, "ethertype 0x88b6 (experimental)" },
	{ 0x8906, "ethertype 0x8906 (FCoE)" },
	{ 0x8915, "ethertype 0x8915 (RoCE)" },
	{ 0x894f, "ethertype 0x894f (NSH)" },
	{ 0x8914, "ethertype 0x8914 (FIP)" },
	{ 0x88ab, "ethertype 0x88ab (Powerlink)" },
	{ 0x88a4, "ethertype 0x88a4 (EtherCAT)" },
	{ 0x8892, "ethertype 0x8892 (PROFINET)" },
	{ 0x88e3, "ethertype 0x88e3 (MRP)" },
	{ 0x88fb, "ethertype 0x88fb (PRP)" },
	{ 0x892f, "ethertype 0x892f (HSR)" },
	{ 0x88ba, "ethertype 0x88ba (IEC 61850 SV)" },
	{ 0x88b8, "ethertype 0x88b8 (GOOSE)" },
};

static const char *ethertype_name(uint16_t type)
{
	for (size_t i = 0; i < sizeof(ethertype_names) / sizeof(ethertype_names[0]); i++)
		if (ethertype_names[i].type == type)
			return ethertype_names[i].name;
	return "ethertype other";
}

/* Ethertypes that never carry IP: decoded as "other", not unsupported. */
static int ethertype_is_non_ip(uint16_t type)
{
	switch (type) {
	case ETH_ARP: case 0x8035: /* RARP */ case 0x809b: /* AppleTalk */
	case 0x80f3: /* AARP */ case 0x8137: case 0x8138: /* IPX */
	case 0x8809: /* LACP/OAM */ case 0x888e: /* EAPOL */ case 0x88cc: /* LLDP */
	case 0x88c7: /* 802.11i preauth */ case 0x8902: /* CFM */
	case 0x893a: /* IEEE 1905 */ case 0x88e1: /* HomePlug */
	case 0x8899: /* Realtek */ case 0x9000: /* loopback */
	case ETH_PPPOE_DISC: case 0x88e5: /* MACsec, encrypted */
	case 0x88f7: /* PTP */ case 0x8808: /* pause */ case 0x86dc: /* unused */
	case 0x6002: /* DEC MOP */ case 0x6003: /* DECnet */ case 0x6004: /* LAT */
		return 1;
	default:
		return 0;
	}
}

/* ---- transport -------------------------------------------------------- */

static int fill_udp(dctx_t *c, const ip_addr_t *src, const ip_addr_t *dst,
		    uint16_t sport, uint16_t dport, const uint8_t *pay,
		    uint32_t paylen, uint32_t wire)
{
	l4_pkt_t *l4 = &c->out->l4;
	l4->src = *src;
	l4->dst = *dst;
	l4->proto = IPP_UDP;
	l4->sport = sport;
	l4->dport = dport;
	l4->seq = l4->ack = 0;
	l4->tcp_flags = 0;
	l4->payload = pay;
	l4->paylen = paylen;
	l4->paylen_wire = wire;
	return DECODE_L4;
}

static int gre(dctx_t *c, const uint8_t *p, size_t len);

/* A PPP frame: optional ff 03, protocol field possibly compressed to one
 * byte (odd first byte). */
static int ppp(dctx_t *c, const uint8_t *p, size_t len)
{
	rd_t r;
	rd_init(&r, p, len);
	if (rd_left(&r) >= 2 && p[0] == 0xff && p[1] == 0x03)
		rd_skip(&r, 2);
	uint16_t proto = rd_u8(&r);
	if (!(proto & 1))
		proto = (uint16_t)(proto << 8 | rd_u8(&r));
	if (r.err)
		return TRUNC(c, "ppp header");
	const uint8_t *q = rd_cur(&r);
	size_t n = rd_left(&r);
	switch (proto) {
	case 0x0021:
	case 0x0057:
		return ip_any(c, q, n);
	case 0x0281: /* MPLS unicast */
		return ethertype(c, ETH_MPLS_UC, q, n);
	case 0xc021: case 0xc023: case 0xc223: case 0x8021: case 0x8057:
	case 0x80fd: case 0x00fd: case 0x002d: case 0x002f: case 0xc025:
	case 0x8281: case 0x8207: case 0x0207:
		return DECODE_OTHER;
	default:
		return UNSUPP(c, "ppp protocol");
	}
}

/* UDP encapsulation: decode the inner packet, or return a result that
 * makes the caller fall back to the datagram itself (< 0). */
static int udp_tunnel(dctx_t *c, uint16_t port, const uint8_t *p, size_t len)
{
	rd_t r;
	rd_init(&r, p, len);
	switch (port) {
	case PORT_VXLAN: {
		uint8_t flags = rd_u8(&r);
		rd_skip(&r, 7);
		if (r.err || !(flags & 0x08))
			return -1;
		return inner_ether(c, rd_cur(&r), rd_left(&r));
	}
	case PORT_GENEVE: {
		uint8_t b0 = rd_u8(&r);
		rd_skip(&r, 1);
		uint16_t proto = rd_u16(&r);
		rd_skip(&r, 4);
		rd_skip(&r, (size_t)(b0 & 0x3f) * 4);
		if (r.err || (b0 >> 6) != 0)
			return -1;
		return ethertype(c, proto, rd_cur(&r), rd_left(&r));
	}
	case PORT_GTPU: {
		uint8_t flags = rd_u8(&r);
		uint8_t type = rd_u8(&r);
		uint16_t glen = rd_u16(&r);
		rd_skip(&r, 4); /* TEID */
		if (r.err || (flags >> 5) != 1 || !(flags & 0x10))
			return -1;
		size_t end = r.pos + glen;
		if (flags & 0x07) {
			rd_skip(&r, 3); /* sequence, N-PDU */
			uint8_t next = rd_u8(&r);
			for (int i = 0; next && i < MAX_GTP_EXT; i++) {
				uint8_t elen = rd_u8(&r);
				if (elen == 0)
					return -1;
				rd_skip(&r, (size_t)elen * 4 - 2);
				next = rd_u8(&r);
			}
			if (next)
				return -1;
		}
		if (r.err || r.pos > end)
			return -1;
		if (type != 255) /* not a G-PDU: signalling */
			return DECODE_OTHER;
		size_t n = rd_left(&r);
		if (n > end - r.pos)
			n = end - r.pos;
		return ip_any(c, rd_cur(&r), n);
	}
	case PORT_TEREDO:
		for (int i = 0; i < 2 && rd_left(&r) >= 2; i++) {
			uint16_t ind = rd_peek_u8(&r, 0) << 8 | rd_peek_u8(&r, 1);
			if (ind == 0x0001) { /* authentication */
				rd_skip(&r, 2);
				uint8_t idlen = rd_u8(&r), aulen = rd_u8(&r);
				rd_skip(&r, (size_t)idlen + aulen + 9);
			} else if (ind == 0x0000) { /* origin indication */
				rd_skip(&r, 8);
			} else {
				break;
			}
		}
		if (r.err || rd_left(&r) < 40 || (rd_cur(&r)[0] >> 4) != 6)
			return -1;
		return ip_any(c, rd_cur(&r), rd_left(&r));
	case PORT_GRE_UDP:
		return gre(c, p, len);
	default:
		return -1;
	}
}

static int is_tunnel_port(uint16_t port)
{
	return port == PORT_VXLAN || port == PORT_GENEVE || port == PORT_GTPU ||
	       port == PORT_TEREDO || port == PORT_GRE_UDP;
}

static int udp(dctx_t *c, const ip_addr_t *src, const ip_addr_t *dst,
	       const uint8_t *p, size_t len, size_t wire)
{
	rd_t r;
	rd_init(&r, p, len);
	uint16_t sport = rd_u16(&r);
	uint16_t dport = rd_u16(&r);
	uint16_t ulen = rd_u16(&r);
	rd_skip(&r, 2);
	if (r.err)
		return TRUNC(c, "udp header");
	size_t plen;
	if (ulen >= 8)
		plen = ulen - 8u;
	else if (ulen == 0 && wire >= 8) /* IPv6 jumbogram */
		plen = wire - 8;
	else
		return INVALID(c, "udp length");
	if (wire >= 8 && plen > wire - 8) /* UDP claims more than IP carries */
		plen = wire - 8;
	size_t have = rd_left(&r);
	if (have > plen)
		have = plen;
	const uint8_t *pay = rd_cur(&r);

	uint16_t tport = is_tunnel_port(dport) ? dport : is_tunnel_port(sport) ? sport : 0;
	if (tport && sport != 53 && dport != 53) {
		decode_out_t *out = c->out;
		unsigned depth = c->depth;
		if (enter_tunnel(c)) {
			int res = udp_tunnel(c, tport, pay, have);
			if (res == DECODE_L4 || res == DECODE_FRAGMENT || res == DECODE_OTHER)
				return res;
		}
		c->depth = depth;
		out->what = NULL;
	}
	return fill_udp(c, src, dst, sport, dport, pay, (uint32_t)have, (uint32_t)plen);
}

static int tcp(dctx_t *c, const ip_addr_t *src, const ip_addr_t *dst,
	       const uint8_t *p, size_t len, size_t wire)
{
	rd_t r;
	rd_init(&r, p, len);
	uint16_t sport = rd_u16(&r);
	uint16_t dport = rd_u16(&r);
	uint32_t seq = rd_u32(&r);
	uint32_t ack = rd_u32(&r);
	uint8_t off = rd_u8(&r);
	uint8_t flags = rd_u8(&r);
	rd_skip(&r, 6);
	if (r.err)
		return TRUNC(c, "tcp header");
	size_t doff = (size_t)(off >> 4) * 4;
	if (doff < 20 || doff > wire)
		return INVALID(c, "tcp data offset");
	rd_skip(&r, doff - 20);
	if (r.err)
		return TRUNC(c, "tcp options");
	l4_pkt_t *l4 = &c->out->l4;
	l4->src = *src;
	l4->dst = *dst;
	l4->proto = IPP_TCP;
	l4->sport = sport;
	l4->dport = dport;
	l4->seq = seq;
	l4->ack = ack;
	l4->tcp_flags = flags;
	l4->payload = rd_cur(&r);
	l4->paylen = (uint32_t)rd_left(&r);
	l4->paylen_wire = (uint32_t)(wire - doff);
	return DECODE_L4;
}

static int ipv4(dctx_t *c, const uint8_t *p, size_t len);
static int ipv6(dctx_t *c, const uint8_t *p, size_t len);

/* The payload of an IP packet (or a reassembled datagram): p holds the
 * bytes present, wire the length the IP header announces. */
static int transport(dctx_t *c, uint8_t proto, const ip_addr_t *src, const ip_addr_t *dst,
		     const uint8_t *p, size_t len, size_t wire)
{
	switch (proto) {
	case IPP_UDP:
		return udp(c, src, dst, p, len, wire);
	case IPP_TCP:
		return tcp(c, src, dst, p, len, wire);
	case IPP_IPIP:
		if (!enter_tunnel(c))
			return UNSUPP(c, "encapsulation depth");
		return ipv4(c, p, len);
	case IPP_IPV6:
		if (!enter_tunnel(c))
			return UNSUPP(c, "encapsulation depth");
		return ipv6(c, p, len);
	case IPP_GRE:
		if (!enter_tunnel(c))
			return UNSUPP(c, "encapsulation depth");
		return gre(c, p, len);
	default:
		return DECODE_OTHER;
	}
}

/* ---- IP --------------------------------------------------------------- */

static int ipv4(dctx_t *c, const uint8_t *p, size_t len)
{
	if (len < 20)
		return TRUNC(c, "ipv4 header");
	if ((p[0] >> 4) != 4)
		return INVALID(c, "ip version");
	size_t ihl = (size_t)(p[0] & 0x0f) * 4;
	if (ihl < 20)
		return INVALID(c, "ipv4 header length");
	if (len < ihl)
		return TRUNC(c, "ipv4 options");
	size_t tot = (size_t)p[2] << 8 | p[3];
	if (tot == 0) /* segmentation offload: the length was left to the NIC */
		tot = len;
	if (tot < ihl)
		return INVALID(c, "ipv4 total length");
	size_t have = len < tot ? len : tot;
	uint16_t frag = (uint16_t)(p[6] << 8 | p[7]);
	uint8_t proto = p[9];
	ip_addr_t src, dst;
	memset(&src, 0, sizeof(src));
	memset(&dst, 0, sizeof(dst));
	src.v = dst.v = 4;
	memcpy(src.a, p + 12, 4);
	memcpy(dst.a, p + 16, 4);
	if (frag & 0x3fff) {
		if (have < tot)
			return TRUNC(c, "ipv4 fragment");
		ip_frag_t *f = &c->out->frag;
		f->src = src;
		f->dst = dst;
		f->id = (uint32_t)p[4] << 8 | p[5];
		f->proto = proto;
		f->offset = (uint32_t)(frag & 0x1fff) * 8;
		f->more = (frag & 0x2000) != 0;
		f->data = p + ihl;
		f->len = (uint32_t)(tot - ihl);
		return DECODE_FRAGMENT;
	}
	return transport(c, proto, &src, &dst, p + ihl, have - ihl, tot - ihl);
}

static int ipv6(dctx_t *c, const uint8_t *p, size_t len)
{
	if (len < 40)
		return TRUNC(c, "ipv6 header");
	if ((p[0] >> 4) != 6)
		return INVALID(c, "ip version");
	size_t plen = (size_t)p[4] << 8 | p[5];
	size_t have = len - 40;
	if (plen == 0) /* jumbogram (or offload): take what was captured */
		plen = have;
	else if (have > plen)
		have = plen;
	uint8_t nh = p[6];
	ip_addr_t src, dst;
	src.v = dst.v = 6;
	memcpy(src.a, p + 8, 16);
	memcpy(dst.a, p + 24, 16);

	rd_t r;
	rd_init(&r, p + 40, have);
	for (int i = 0; i < MAX_IPV6_EXT; i++) {
		size_t hlen;
		switch (nh) {
		case IPP_HOPOPT:
		case IPP_ROUTING:
		case IPP_DSTOPTS:
			hlen = ((size_t)rd_peek_u8(&r, 1) + 1) * 8;
			break;
		case IPP_AH:
			hlen = ((size_t)rd_peek_u8(&r, 1) + 2) * 4;
			break;
		case IPP_FRAGMENT: {
			size_t start = r.pos;
			uint8_t fnh = rd_u8(&r);
			rd_skip(&r, 1);
			uint16_t offm = rd_u16(&r);
			uint32_t id = rd_u32(&r);
			if (r.err)
				return start + 8 > plen ? INVALID(c, "ipv6 length")
							: TRUNC(c, "ipv6 fragment header");
			if ((offm & 0xfff9) == 0) { /* atomic fragment */
				nh = fnh;
				continue;
			}
			if (have < plen)
				return TRUNC(c, "ipv6 fragment");
			ip_frag_t *f = &c->out->frag;
			f->src = src;
			f->dst = dst;
			f->id = id;
			f->proto = fnh;
			f->offset = offm & 0xfff8;
			f->more = (offm & 1) != 0;
			f->data = rd_cur(&r);
			f->len = (uint32_t)rd_left(&r);
			return DECODE_FRAGMENT;
		}
		default:
			return transport(c, nh, &src, &dst, rd_cur(&r), rd_left(&r), plen - r.pos);
		}
		if (r.err || hlen > rd_left(&r)) {
			size_t end = r.pos + (r.err ? 2 : hlen);
			return end > plen ? INVALID(c, "ipv6 length")
					  : TRUNC(c, "ipv6 extension header");
		}
		nh = rd_u8(&r);
		rd_skip(&r, hlen - 1);
	}
	return UNSUPP(c, "ipv6 extension chain");
}

static int ip_any(dctx_t *c, const uint8_t *p, size_t len)
{
	if (len < 1)
		return TRUNC(c, "ip header");
	switch (p[0] >> 4) {
	case 4:
		return ipv4(c, p, len);
	case 6:
		return ipv6(c, p, len);
	default:
		return INVALID(c, "ip version");
	}
}

/* ---- GRE -------------------------------------------------------------- */

static int gre(dctx_t *c, const uint8_t *p, size_t len)
{
	rd_t r;
	rd_init(&r, p, len);
	uint16_t flags = rd_u16(&r);
	uint16_t proto = rd_u16(&r);
	if (r.err)
		return TRUNC(c, "gre header");
	unsigned ver = flags & 7;
	if (ver == 0) {
		if (flags & 0xc000)     /* checksum and/or routing: 4 bytes */
			rd_skip(&r, 4);
		if (flags & 0x2000)     /* key */
			rd_skip(&r, 4);
		if (flags & 0x1000)     /* sequence */
			rd_skip(&r, 4);
		if (flags & 0x4000) {   /* RFC 1701 source route entries */
			int i;
			for (i = 0; i < MAX_GRE_SRE; i++) {
				rd_skip(&r, 3);
				uint8_t srelen = rd_u8(&r);
				if (r.err || srelen == 0)
					break;
				rd_skip(&r, srelen);
			}
			if (i == MAX_GRE_SRE)
				return INVALID(c, "gre routing");
		}
	} else if (ver == 1) {
		/* PPTP enhanced GRE: key holds payload length and call id. */
		if (proto != ETH_PPP || !(flags & 0x2000))
			return INVALID(c, "gre version 1");
		uint16_t paylen = rd_u16(&r);
		rd_skip(&r, 2);
		if (flags & 0x1000)
			rd_skip(&r, 4);
		if (flags & 0x0080)
			rd_skip(&r, 4);
		if (r.err)
			return TRUNC(c, "gre header");
		if (paylen == 0 || !(flags & 0x1000)) /* acknowledgement only */
			return DECODE_OTHER;
		size_t n = rd_left(&r);
		return ppp(c, rd_cur(&r), n < paylen ? n : paylen);
	} else {
		return UNSUPP(c, "gre version");
	}
	if (r.err)
		return TRUNC(c, "gre header");
	/* ERSPAN type I: sequence bit clear, Ethernet follows directly. */
	if (proto == ETH_ERSPAN2 && !(flags & 0x1000))
		return inner_ether(c, rd_cur(&r), rd_left(&r));
	return ethertype(c, proto, rd_cur(&r), rd_left(&r));
}

/* ---- link layer ------------------------------------------------------- */

static int mpls(dctx_t *c, const uint8_t *p, size_t len)
{
	rd_t r;
	rd_init(&r, p, len);
	int i;
	for (i = 0; i < MAX_MPLS_LABELS; i++) {
		uint32_t lse = rd_u32(&r);
		if (r.err)
			return TRUNC(c, "mpls label");
		if (lse & 0x100)
			break;
	}
	if (i == MAX_MPLS_LABELS)
		return UNSUPP(c, "mpls label stack");
	if (rd_left(&r) < 1)
		return TRUNC(c, "mpls payload");
	switch (rd_cur(&r)[0] >> 4) {
	case 4:
		return ipv4(c, rd_cur(&r), rd_left(&r));
	case 6:
		return ipv6(c, rd_cur(&r), rd_left(&r));
	case 0: /* pseudowire control word, then Ethernet */
		rd_skip(&r, 4);
		if (r.err)
			return TRUNC(c, "mpls control word");
		return inner_ether(c, rd_cur(&r), rd_left(&r));
	default:
		return UNSUPP(c, "mpls payload");
	}
}

static int pppoe(dctx_t *c, const uint8_t *p, size_t len)
{
	rd_t r;
	rd_init(&r, p, len);
	uint8_t vt = rd_u8(&r);
	uint8_t code = rd_u8(&r);
	rd_skip(&r, 2);
	uint16_t plen = rd_u16(&r);
	if (r.err)
		return TRUNC(c, "pppoe header");
	if (vt != 0x11 || code != 0)
		return INVALID(c, "pppoe header");
	size_t n = rd_left(&r);
	return ppp(c, rd_cur(&r), n < plen ? n : plen);
}

/* IEEE 802.2 LLC; SNAP carries an ethertype. */
static int llc(dctx_t *c, const uint8_t *p, size_t len)
{
	rd_t r;
	rd_init(&r, p, len);
	uint8_t dsap = rd_u8(&r), ssap = rd_u8(&r), ctl = rd_u8(&r);
	if (r.err)
		return TRUNC(c, "llc header");
	if (dsap != 0xaa || ssap != 0xaa || ctl != 0x03)
		return DECODE_OTHER; /* STP, NetBIOS, IPX, ... */
	uint32_t oui = (uint32_t)rd_u8(&r) << 16;
	oui |= rd_u16(&r);
	uint16_t type = rd_u16(&r);
	if (r.err)
		return TRUNC(c, "snap header");
	if (oui != 0 && oui != 0xf8)
		return DECODE_OTHER; /* vendor protocols (CDP, ...) */
	return ethertype(c, type, rd_cur(&r), rd_left(&r));
}

static int ethertype(dctx_t *c, uint16_t type, const uint8_t *p, size_t len)
{
	rd_t r;
	rd_init(&r, p, len);
	for (int tags = 0;; tags++) {
		switch (type) {
		case ETH_IPV4:
			return ipv4(c, rd_cur(&r), rd_left(&r));
		case ETH_IPV6:
			return ipv6(c, rd_cur(&r), rd_left(&r));
		case ETH_VLAN:
		case ETH_QINQ:
		case ETH_QINQ_OLD:
			if (tags >= MAX_VLAN_TAGS)
				return UNSUPP(c, "vlan tag stack");
			rd_skip(&r, 2);
			type = rd_u16(&r);
			if (r.err)
				return TRUNC(c, "vlan tag");
			if (type <= 1500)
				return llc(c, rd_cur(&r), rd_left(&r));
			continue;
		case ETH_MPLS_UC:
		case ETH_MPLS_MC:
			return mpls(c, rd_cur(&r), rd_left(&r));
		case ETH_PPPOE_SESS:
			return pppoe(c, rd_cur(&r), rd_left(&r));
		case ETH_PPP:
			return ppp(c, rd_cur(&r), rd_left(&r));
		case ETH_TEB:
			return inner_ether(c, rd_cur(&r), rd_left(&r));
		case ETH_ERSPAN2: {
			uint8_t ver = rd_peek_u8(&r, 0) >> 4;
			rd_skip(&r, 8);
			if (r.err)
				return TRUNC(c, "erspan header");
			if (ver != 1)
				return UNSUPP(c, "erspan version");
			return inner_ether(c, rd_cur(&r), rd_left(&r));
		}
		case ETH_ERSPAN3: {
			uint8_t ver = rd_peek_u8(&r, 0) >> 4;
			uint8_t last = rd_peek_u8(&r, 11);
			rd_skip(&r, 12);
			if (r.err)
				return TRUNC(c, "erspan header");
			if (ver != 2)
				return UNSUPP(c, "erspan version");
			if (last & 1) /* platform specific subheader */
				rd_skip(&r, 8);
			if (r.err)
				return TRUNC(c, "erspan header");
			return inner_ether(c, rd_cur(&r), rd_left(&r));
		}
		case ETH_PBB: /* 802.1ah I-TAG, then the customer frame */
			rd_skip(&r, 4);
			if (r.err)
				return TRUNC(c, "802.1ah tag");
			return inner_ether(c, rd_cur(&r), rd_left(&r));
		default:
			if (ethertype_is_non_ip(type))
				return DECODE_OTHER;
			return UNSUPP(c, ethertype_name(type));
		}
	}
}

static int ether(dctx_t *c, const uint8_t *p, size_t len)
{
	if (len < 14)
		return TRUNC(c, "ethernet header");
	uint16_t type = (uint16_t)(p[12] << 8 | p[13]);
	if (type == ETH_IPV4) /* fast path */
		return ipv4(c, p + 14, len - 14);
	if (type <= 1500)
		return llc(c, p + 14, len - 14);
	return ethertype(c, type, p + 14, len - 14);
}

/* BSD loopback: address family in host (NULL) or network (LOOP) order. */
static int null_loop(dctx_t *c, const uint8_t *p, size_t len)
{
	rd_t r;
	rd_init(&r, p, len);
	uint32_t af = rd_u32(&r);
	if (r.err)
		return TRUNC(c, "loopback header");
	if (af & 0xffff0000u)
		af = (af >> 24) | ((af >> 8) & 0xff00);
	switch (af) {
	case 2:
		return ipv4(c, rd_cur(&r), rd_left(&r));
	case 24: case 28: case 30:
		return ipv6(c, rd_cur(&r), rd_left(&r));
	case 7: case 23: /* OSI, IPX */
		return DECODE_OTHER;
	default:
		return UNSUPP(c, "loopback address family");
	}
}

static int sll(dctx_t *c, uint16_t arphrd, uint16_t proto, const uint8_t *p, size_t len)
{
	if (arphrd == 824) /* ARPHRD_NETLINK */
		return DECODE_OTHER;
	switch (proto) {
	case 0x0004: /* 802.2 LLC frame */
		return llc(c, p, len);
	case 0x0001: /* Novell 802.3 */
	case 0x0003: /* ETH_P_ALL: seen on raw CAN etc. */
	case 0x000c: /* CAN */
	case 0x000d: /* CAN FD */
		return DECODE_OTHER;
	default:
		if (proto < 0x0600)
			return UNSUPP(c, "sll protocol");
		return ethertype(c, proto, p, len);
	}
}

static int nflog(dctx_t *c, const uint8_t *p, size_t len)
{
	rd_t r;
	rd_init(&r, p, len);
	rd_skip(&r, 4); /* family, version, resource id */
	if (r.err)
		return TRUNC(c, "nflog header");
	/* TLV lengths and types are in the capturing host's order; captures
	 * come from little-endian hosts almost always. */
	for (int i = 0; i < 64 && rd_left(&r) > 0; i++) {
		uint16_t tlen = rd_u16_le(&r);
		uint16_t type = rd_u16_le(&r);
		if (r.err)
			return TRUNC(c, "nflog tlv");
		if (tlen < 4)
			return INVALID(c, "nflog tlv length");
		size_t vlen = tlen - 4u;
		if ((type & 0x7fff) == 9) {
			size_t n = rd_left(&r);
			return ip_any(c, rd_cur(&r), n < vlen ? n : vlen);
		}
		rd_skip(&r, (vlen + 3) & ~(size_t)3);
		if (r.err)
			return TRUNC(c, "nflog tlv");
	}
	return DECODE_OTHER; /* no payload logged */
}

static int ieee80211(dctx_t *c, const uint8_t *p, size_t len)
{
	rd_t r;
	rd_init(&r, p, len);
	uint8_t fc0 = rd_u8(&r), fc1 = rd_u8(&r);
	if (r.err)
		return TRUNC(c, "802.11 header");
	unsigned type = (fc0 >> 2) & 3, subtype = fc0 >> 4;
	if (type != 2 || (subtype & 0x4))
		return DECODE_OTHER; /* management, control, null data */
	size_t hlen = 24;
	if ((fc1 & 3) == 3)
		hlen += 6;
	if (subtype & 0x8) {
		hlen += 2;
		if (fc1 & 0x80) /* HT control */
			hlen += 4;
	}
	rd_seek(&r, 0);
	rd_skip(&r, hlen);
	if (r.err)
		return TRUNC(c, "802.11 header");
	if (fc1 & 0x40)
		return DECODE_OTHER; /* protected: encrypted body */
	return llc(c, rd_cur(&r), rd_left(&r));
}

static int radiotap(dctx_t *c, const uint8_t *p, size_t len)
{
	rd_t r;
	rd_init(&r, p, len);
	uint8_t ver = rd_u8(&r);
	rd_skip(&r, 1);
	uint16_t hlen = rd_u16_le(&r);
	if (r.err)
		return TRUNC(c, "radiotap header");
	if (ver != 0 || hlen < 8)
		return INVALID(c, "radiotap header");
	rd_seek(&r, hlen);
	if (r.err)
		return TRUNC(c, "radiotap header");
	return ieee80211(c, rd_cur(&r), rd_left(&r));
}

/* Linux ARCnet: source, destination, 2-byte offset, protocol; RFC 1201
 * protocols add split flag and sequence number. */
static int arcnet_linux(dctx_t *c, const uint8_t *p, size_t len)
{
	if (len < 5)
		return TRUNC(c, "arcnet header");
	uint8_t type = p[4];
	switch (type) {
	case 240: /* IP, old RFC 1051 */
		return ipv4(c, p + 5, len - 5);
	case 241: case 128: /* ARP old, diagnose */
		return DECODE_OTHER;
	default:
		break;
	}
	if (len < 8)
		return TRUNC(c, "arcnet header");
	switch (type) {
	case 212:
		return ipv4(c, p + 8, len - 8);
	case 196:
		return ipv6(c, p + 8, len - 8);
	default:
		return DECODE_OTHER;
	}
}

static int linklayer(dctx_t *c, int linktype, const uint8_t *p, size_t len, int nested)
{
	rd_t r;
	rd_init(&r, p, len);
	switch (linktype) {
	case 1: /* ETHERNET */
		return ether(c, p, len);
	case 0:   /* NULL */
	case 108: /* LOOP */
		return null_loop(c, p, len);
	case 12: case 14: case 101: /* RAW */
		return ip_any(c, p, len);
	case 228:
		return ipv4(c, p, len);
	case 229:
		return ipv6(c, p, len);
	case 9:  /* PPP */
	case 50: /* PPP in HDLC-like framing */
		return ppp(c, p, len);
	case 204: /* PPP with direction byte */
		rd_skip(&r, 1);
		if (r.err)
			return TRUNC(c, "ppp direction");
		return ppp(c, rd_cur(&r), rd_left(&r));
	case 104: { /* Cisco HDLC */
		rd_skip(&r, 2);
		uint16_t type = rd_u16(&r);
		if (r.err)
			return TRUNC(c, "chdlc header");
		if (type == 0x8035) /* SLARP */
			return DECODE_OTHER;
		return ethertype(c, type, rd_cur(&r), rd_left(&r));
	}
	case 113: { /* LINUX_SLL */
		rd_skip(&r, 2);
		uint16_t arphrd = rd_u16(&r);
		rd_skip(&r, 10);
		uint16_t proto = rd_u16(&r);
		if (r.err)
			return TRUNC(c, "sll header");
		return sll(c, arphrd, proto, rd_cur(&r), rd_left(&r));
	}
	case 276: { /* LINUX_SLL2 */
		uint16_t proto = rd_u16(&r);
		rd_skip(&r, 6);
		uint16_t arphrd = rd_u16(&r);
		rd_skip(&r, 10);
		if (r.err)
			return TRUNC(c, "sll2 header");
		return sll(c, arphrd, proto, rd_cur(&r), rd_left(&r));
	}
	case 239:
		return nflog(c, p, len);
	case 258: { /* PKTAP: host-order header length, record type, DLT */
		uint32_t hlen = rd_u32_le(&r);
		uint32_t rectype = rd_u32_le(&r);
		uint32_t dlt = rd_u32_le(&r);
		if (r.err)
			return TRUNC(c, "pktap header");
		if (nested || hlen < 12 || dlt == 258)
			return INVALID(c, "pktap header");
		if (rectype != 1) /* not a packet record */
			return DECODE_OTHER;
		rd_seek(&r, hlen);
		if (r.err)
			return TRUNC(c, "pktap header");
		return linklayer(c, (int)dlt, rd_cur(&r), rd_left(&r), 1);
	}
	case 192: { /* PPI */
		rd_skip(&r, 2);
		uint16_t hlen = rd_u16_le(&r);
		uint32_t dlt = rd_u32_le(&r);
		if (r.err)
			return TRUNC(c, "ppi header");
		if (nested || hlen < 8 || dlt == 192)
			return INVALID(c, "ppi header");
		rd_seek(&r, hlen);
		if (r.err)
			return TRUNC(c, "ppi header");
		return linklayer(c, (int)dlt, rd_cur(&r), rd_left(&r), 1);
	}
	case 105:
		return ieee80211(c, p, len);
	case 127:
		return radiotap(c, p, len);
	case 129:
		return arcnet_linux(c, p, len);
	case 10: /* FDDI: frame control, destination, source, then LLC */
		rd_skip(&r, 13);
		if (r.err)
			return TRUNC(c, "fddi header");
		return llc(c, rd_cur(&r), rd_left(&r));
	case 11: case 100: /* ATM RFC 1483 LLC/SNAP */
		return llc(c, p, len);
	default:
		return UNSUPP(c, linktype_name(linktype));
	}
}

static enum decode_result finish(dctx_t *c, int res, uint64_t ts_ns)
{
	decode_out_t *out = c->out;
	if (res == R_INVALID)
		res = DECODE_OTHER;
	else if (res == DECODE_L4)
		out->l4.ts_ns = ts_ns;
	out->result = (enum decode_result)res;
	out->depth = (uint8_t)c->depth;
	return out->result;
}

enum decode_result decode_packet(int linktype, uint64_t ts_ns, const uint8_t *data,
				 uint32_t caplen, decode_out_t *out)
{
	dctx_t c = { out, 0, false };
	out->what = NULL;
	out->depth = 0;
	int res = data ? linklayer(&c, linktype, data, caplen, 0) : TRUNC(&c, "no data");
	return finish(&c, res, ts_ns);
}

enum decode_result decode_transport(uint8_t proto, const ip_addr_t *src, const ip_addr_t *dst,
				    uint64_t ts_ns, const uint8_t *data, uint32_t len,
				    decode_out_t *out)
{
	dctx_t c = { out, 0, false };
	out->what = NULL;
	out->depth = 0;
	int res = data || len == 0 ? transport(&c, proto, src, dst, data, len, len)
				   : TRUNC(&c, "no data");
	return finish(&c, res, ts_ns);
}
