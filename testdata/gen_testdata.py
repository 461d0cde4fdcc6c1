#!/usr/bin/python3
"""Generate the project's own small test captures into testdata/pcap/.

Run with Debian's python3 (it has scapy):  /usr/bin/python3 testdata/gen_testdata.py

Everything is deterministic: fixed timestamps, fixed DNS ids, fixed TCP
sequence numbers and a seeded random generator for payload bytes, so running
the script twice gives byte-identical files (gzip is written with mtime 0).

Each capture is named after the pathology it exercises.  The script also
writes testdata/README.md with one line per capture; when tshark is
installed it counts the DNS messages tshark finds and compares them with the
number each capture was built to hold (the "want" column).

Packets are built with scapy layers where scapy has them and converted to
bytes; DNS messages are assembled by hand (below) so that odd names,
pointers and cut records come out exactly as intended; the pcap and pcapng
containers are written with struct, which allows any link type, byte order,
timestamp precision and damaged record.
"""

import gzip
import os
import random
import shutil
import struct
import subprocess
import sys
import zlib

from scapy.layers.inet import IP, UDP, TCP, ICMP, IPOption_Router_Alert, IPOption_NOP
from scapy.layers.inet6 import (IPv6, IPv6ExtHdrHopByHop, IPv6ExtHdrRouting,
                                IPv6ExtHdrDestOpt, IPv6ExtHdrFragment, PadN)
from scapy.layers.l2 import Ether, Dot1Q, Dot1AD, CookedLinux
from scapy.layers.ppp import PPPoE, PPP
from scapy.contrib.mpls import MPLS
from scapy.packet import Raw

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "pcap")

# Documentation addresses (RFC 5737 / RFC 3849) unless a real one is needed.
CLI4, SRV4 = "192.0.2.10", "198.51.100.53"
CLI6, SRV6 = "2001:db8::10", "2001:db8::53"
MAC_C, MAC_S = "02:00:00:00:00:0a", "02:00:00:00:00:35"
T0 = 1767225600          # 2026-01-01T00:00:00Z

LINKTYPE = dict(NULL=0, ETHERNET=1, PPP=9, RAW=101, LOOP=108, LINUX_SLL=113,
                IPV4=228, IPV6=229, NFLOG=239, PKTAP=258, LINUX_SLL2=276)

CATALOG = []  # (file, DNS messages, DNS messages tshark shows, description)


# --------------------------------------------------------------------------
# DNS wire assembly

QTYPES = dict(A=1, NS=2, CNAME=5, SOA=6, PTR=12, MX=15, TXT=16, AAAA=28,
              SRV=33, OPT=41, NULL=10, HTTPS=65)


def name(text_or_labels):
    """Uncompressed wire name from "a.b.c" or a list of label bytes."""
    if isinstance(text_or_labels, str):
        labels = [l.encode() for l in text_or_labels.strip(".").split(".") if l]
    else:
        labels = text_or_labels
    out = b""
    for l in labels:
        assert len(l) < 64
        out += bytes([len(l)]) + l
    return out + b"\0"


def header(qid, flags, qd, an, ns=0, ar=0):
    return struct.pack("!HHHHHH", qid, flags, qd, an, ns, ar)


def question(qname, qtype, qclass=1):
    if isinstance(qtype, str):
        qtype = QTYPES[qtype]
    if not isinstance(qname, bytes):
        qname = name(qname)
    return qname + struct.pack("!HH", qtype, qclass)


def rr(rname, rtype, rdata, ttl=300, rclass=1):
    """rname: wire bytes (may be a pointer) or text."""
    if isinstance(rtype, str):
        rtype = QTYPES[rtype]
    if not isinstance(rname, bytes):
        rname = name(rname)
    return rname + struct.pack("!HHIH", rtype, rclass, ttl, len(rdata)) + rdata


def ptr(off):
    return struct.pack("!H", 0xC000 | off)


def ip4(a):
    return bytes(int(x) for x in a.split("."))


def ip6(a):
    import ipaddress
    return ipaddress.IPv6Address(a).packed


def txt(data):
    out = b""
    for i in range(0, len(data), 255):
        chunk = data[i:i + 255]
        out += bytes([len(chunk)]) + chunk
    return out


def query(qid, qname, qtype="A", rd=True):
    return header(qid, 0x0100 if rd else 0, 1, 0) + question(qname, qtype)


def response(qid, qname, qtype, answers, rcode=0, aa=False, extra_flags=0):
    """answers: list of (type, rdata[, ttl]) owned by the qname (pointer 12)."""
    flags = 0x8180 | rcode | (0x0400 if aa else 0) | extra_flags
    msg = header(qid, flags, 1, len(answers)) + question(qname, qtype)
    for a in answers:
        msg += rr(ptr(12), a[0], a[1], a[2] if len(a) > 2 else 300)
    return msg


def a_pair(qid, qname, addr="192.0.2.80"):
    return query(qid, qname), response(qid, qname, "A", [("A", ip4(addr))])


# --------------------------------------------------------------------------
# Packet helpers

def udp4(sport, dport, payload, src=CLI4, dst=SRV4, ipid=1, **ipkw):
    return IP(src=src, dst=dst, id=ipid, **ipkw) / UDP(sport=sport, dport=dport) / Raw(payload)


def udp6(sport, dport, payload, src=CLI6, dst=SRV6):
    return IPv6(src=src, dst=dst) / UDP(sport=sport, dport=dport) / Raw(payload)


def eth(l3, src=MAC_C, dst=MAC_S):
    return Ether(src=src, dst=dst) / l3


def exchange4(qid, qname, sport=40000 + 1, resp_addr="192.0.2.80"):
    q, r = a_pair(qid, qname, resp_addr)
    return [udp4(sport, 53, q, ipid=qid), udp4(53, sport, r, src=SRV4, dst=CLI4, ipid=qid + 1)]


def exchange6(qid, qname, sport=40001):
    q = query(qid, qname, "AAAA")
    r = response(qid, qname, "AAAA", [("AAAA", ip6("2001:db8::80"))])
    return [udp6(sport, 53, q), udp6(53, sport, r, src=SRV6, dst=CLI6)]


def swap_mac(frame_bytes):
    """Responses travel the other way: swap the Ethernet addresses."""
    return frame_bytes[6:12] + frame_bytes[0:6] + frame_bytes[12:]


# --------------------------------------------------------------------------
# Capture containers

def ts_of(i, step=0.01, base=T0):
    return base + i * step


def write_pcap(fname, linktype, pkts, endian="<", nsec=False, snaplen=65535,
               tail=b"", want=None, desc="", tshark_want=None):
    """pkts: list of bytes, or (ts, bytes) or (ts, bytes, origlen); ts is
    float seconds, or an int of nanoseconds when exactness matters."""
    magic = 0xA1B23C4D if nsec else 0xA1B2C3D4
    out = struct.pack(endian + "IHHiIII", magic, 2, 4, 0, 0, snaplen, linktype)
    for i, p in enumerate(pkts):
        ts, data, orig = _rec(i, p)
        if isinstance(ts, int):
            sec, frac = divmod(ts, 10**9)
            if not nsec:
                frac //= 1000
        else:
            sec = int(ts)
            frac = int(round((ts - sec) * (1e9 if nsec else 1e6)))
        out += struct.pack(endian + "IIII", sec, frac, len(data), orig) + data
    out += tail
    _save(fname, out, want, desc, tshark_want)


def _rec(i, p):
    if isinstance(p, (bytes, bytearray)):
        return ts_of(i), bytes(p), len(p)
    if not isinstance(p, tuple):
        b = bytes(p)
        return ts_of(i), b, len(b)
    ts, data = p[0], bytes(p[1])
    orig = p[2] if len(p) > 2 else len(data)
    return ts, data, orig


def _pad4(b):
    return b + b"\0" * (-len(b) % 4)


def _block(btype, body):
    total = 12 + len(_pad4(body))
    return struct.pack("<II", btype, total) + _pad4(body) + struct.pack("<I", total)


def write_pcapng(fname, ifaces, pkts, want=None, desc="", tshark_want=None):
    """ifaces: list of linktypes; pkts: (iface, ts, bytes)."""
    opts_shb = struct.pack("<HH", 4, 24) + _pad4(b"dnstunnel-scan testdata") + struct.pack("<HH", 0, 0)
    out = _block(0x0A0D0D0A, struct.pack("<IHHq", 0x1A2B3C4D, 1, 0, -1) + opts_shb)
    for lt in ifaces:
        # if_tsresol = 6 (microseconds), the default, stated explicitly
        opts = struct.pack("<HHB", 9, 1, 6) + b"\0" * 3 + struct.pack("<HH", 0, 0)
        out += _block(0x00000001, struct.pack("<HHI", lt, 0, 65535) + opts)
    for iface, ts, data in pkts:
        data = bytes(data)
        t = int(round(ts * 1e6))
        body = struct.pack("<IIIII", iface, t >> 32, t & 0xFFFFFFFF, len(data), len(data)) + _pad4(data)
        out += _block(0x00000006, body)
    _save(fname, out, want, desc, tshark_want)


def _save(fname, data, want, desc, tshark_want=None):
    with open(os.path.join(OUT, fname), "wb") as f:
        f.write(data)
    CATALOG.append((fname, want, want if tshark_want is None else tshark_want, desc))


def eth_pairs(pairs, wrap=eth):
    """Frames for [query, response, ...] scapy L3 packets, responses with
    swapped MACs."""
    out = []
    for i, p in enumerate(pairs):
        b = bytes(wrap(p))
        out.append(swap_mac(b) if i % 2 and b[:6] != b[6:12] and wrap is eth else b)
    return out


# --------------------------------------------------------------------------
# 1. Link types

def gen_linktypes():
    pk = exchange4(0x1001, "linktype.example.com")
    write_pcap("linktype-ethernet.pcap", LINKTYPE["ETHERNET"], eth_pairs(pk), want=2,
               desc="plain Ethernet II, IPv4/UDP query and response (scapy Ether/IP/UDP)")

    pk = exchange4(0x1002, "vlan.example.com")
    write_pcap("linktype-ethernet-vlan.pcap", LINKTYPE["ETHERNET"],
               [Ether(src=MAC_C, dst=MAC_S) / Dot1Q(vlan=100) / pk[0],
                Ether(src=MAC_S, dst=MAC_C) / Dot1Q(vlan=100) / pk[1]], want=2,
               desc="Ethernet + one 802.1Q tag (VLAN 100)")

    pk = exchange4(0x1003, "qinq.example.com")
    write_pcap("linktype-ethernet-qinq.pcap", LINKTYPE["ETHERNET"],
               [Ether(src=MAC_C, dst=MAC_S, type=0x88A8) / Dot1AD(vlan=200, type=0x8100) / Dot1Q(vlan=100) / pk[0],
                Ether(src=MAC_S, dst=MAC_C, type=0x88A8) / Dot1AD(vlan=200, type=0x8100) / Dot1Q(vlan=100) / pk[1]],
               want=2, desc="Ethernet + 802.1ad outer tag (0x88a8, S-VLAN 200) + 802.1Q inner tag (C-VLAN 100)")

    pk = exchange4(0x1004, "mpls.example.com")
    write_pcap("linktype-ethernet-mpls.pcap", LINKTYPE["ETHERNET"],
               [Ether(src=MAC_C, dst=MAC_S, type=0x8847) / MPLS(label=1000, s=0, ttl=64) / MPLS(label=2000, s=1, ttl=64) / pk[0],
                Ether(src=MAC_S, dst=MAC_C, type=0x8847) / MPLS(label=3000, s=1, ttl=64) / pk[1]],
               want=2, desc="Ethernet + MPLS unicast (0x8847): a two-label stack on the query, one label on the response, then IPv4")

    pk = exchange4(0x1005, "pppoe.example.com")
    write_pcap("linktype-ethernet-pppoe.pcap", LINKTYPE["ETHERNET"],
               [Ether(src=MAC_C, dst=MAC_S, type=0x8864) / PPPoE(sessionid=0x1234) / PPP(proto=0x0021) / pk[0],
                Ether(src=MAC_S, dst=MAC_C, type=0x8864) / PPPoE(sessionid=0x1234) / PPP(proto=0x0021) / pk[1]],
               want=2, desc="Ethernet + PPPoE session (0x8864) + PPP protocol 0x0021 (IPv4)")

    pk = exchange4(0x1006, "sll.example.com")
    write_pcap("linktype-linux-sll.pcap", LINKTYPE["LINUX_SLL"],
               [CookedLinux(pkttype=4, lladdrtype=1, lladdrlen=6, src=b"\x02\0\0\0\0\x0a\0\0", proto=0x0800) / pk[0],
                CookedLinux(pkttype=0, lladdrtype=1, lladdrlen=6, src=b"\x02\0\0\0\0\x35\0\0", proto=0x0800) / pk[1]],
               want=2, desc="Linux cooked capture v1 (LINKTYPE_LINUX_SLL 113), 16-byte header")

    pk = exchange4(0x1007, "sll2.example.com") + exchange6(0x1008, "sll2.example.com")
    recs = []
    for i, p in enumerate(pk):
        b = bytes(p)
        proto = 0x0800 if b[0] >> 4 == 4 else 0x86DD
        # protocol, reserved, ifindex, arphrd, pkttype, addrlen, addr[8]
        hdr = struct.pack("!HHIHBB8s", proto, 0, 2, 1, 4 if i % 2 == 0 else 0, 6, b"\x02\0\0\0\0\x0a\0\0")
        recs.append(hdr + b)
    write_pcap("linktype-linux-sll2.pcap", LINKTYPE["LINUX_SLL2"], recs, want=4,
               desc="Linux cooked capture v2 (LINKTYPE_LINUX_SLL2 276), 20-byte header written by hand; IPv4 and IPv6 exchanges")

    pk = exchange4(0x1009, "raw.example.com") + exchange6(0x100A, "raw.example.com")
    write_pcap("linktype-raw.pcap", LINKTYPE["RAW"], pk, want=4,
               desc="raw IP (LINKTYPE_RAW 101): IPv4 and IPv6 exchanges, version taken from the first nibble")

    pk = exchange4(0x100B, "ipv4.example.com")
    write_pcap("linktype-ipv4.pcap", LINKTYPE["IPV4"], pk, want=2,
               desc="LINKTYPE_IPV4 (228): bare IPv4 packets")

    pk = exchange6(0x100C, "ipv6.example.com")
    write_pcap("linktype-ipv6.pcap", LINKTYPE["IPV6"], pk, want=2,
               desc="LINKTYPE_IPV6 (229): bare IPv6 packets")

    pk = exchange4(0x100D, "null.example.com") + exchange6(0x100E, "null.example.com")
    recs = []
    for p in pk:
        b = bytes(p)
        fam = 2 if b[0] >> 4 == 4 else 24     # AF_INET; AF_INET6 as on NetBSD/OpenBSD
        recs.append(struct.pack("<I", fam) + b)
    write_pcap("linktype-null.pcap", LINKTYPE["NULL"], recs, want=4,
               desc="BSD loopback DLT_NULL (0): 4-byte address family in the capturing host's (little-endian) order; AF_INET 2 and AF_INET6 24")

    pk = exchange4(0x100F, "loop.example.com") + exchange6(0x1010, "loop.example.com")
    recs = []
    for i, p in enumerate(pk):
        b = bytes(p)
        fam = 2 if b[0] >> 4 == 4 else 30    # AF_INET6 as on macOS/FreeBSD
        recs.append(struct.pack("!I", fam) + b)
    write_pcap("linktype-loop.pcap", LINKTYPE["LOOP"], recs, want=4,
               desc="OpenBSD loopback DLT_LOOP (108): 4-byte address family in network order; AF_INET 2 and AF_INET6 30")

    pk = exchange4(0x1011, "nflog.example.com")
    recs = []
    for p in pk:
        b = bytes(p)
        # nflog header: family, version, resource id (BE); then TLVs with
        # host-endian (little) length and type, padded to 4 bytes.
        hdr = struct.pack("!BBH", 2, 0, 5)
        tlv_hdr = struct.pack("<HH", 8, 1) + struct.pack("!HBB", 0x0800, 3, 0)   # NFULA_PACKET_HDR
        prefix = b"dnsts\0"
        tlv_pfx = _pad4(struct.pack("<HH", 4 + len(prefix), 10) + prefix)       # NFULA_PREFIX
        tlv_pl = _pad4(struct.pack("<HH", 4 + len(b), 9) + b)                   # NFULA_PAYLOAD
        recs.append(hdr + tlv_hdr + tlv_pfx + tlv_pl)
    write_pcap("linktype-nflog.pcap", LINKTYPE["NFLOG"], recs, want=2,
               desc="Linux NFLOG (239): nflog header + NFULA_PACKET_HDR, NFULA_PREFIX and NFULA_PAYLOAD TLVs, written by hand")

    pk = exchange4(0x1012, "pktap.example.com")
    recs = []
    for i, p in enumerate(eth_pairs(pk)):
        ifname = b"en0".ljust(24, b"\0")
        comm = b"mDNSResponder".ljust(17, b"\0")
        h = struct.pack("<III", 108, 1, 1) + ifname + struct.pack("<IIIIi", 0, 2, 0, 0, 321) + comm
        h += b"\0" * 3 + struct.pack("<IHHi", 0, 6, 0, 321) + comm + b"\0" * 3
        assert len(h) == 108, len(h)
        recs.append(h + p)
    write_pcap("linktype-pktap.pcap", LINKTYPE["PKTAP"], recs, want=2,
               desc="Apple PKTAP (258): 108-byte little-endian pktap_header (pth_length 108, type_next 1, dlt 1 = Ethernet, ifname en0) written by hand, then Ethernet")

    pk = exchange4(0x1013, "ppp.example.com")
    write_pcap("linktype-ppp.pcap", LINKTYPE["PPP"],
               [b"\xff\x03\x00\x21" + bytes(pk[0]), b"\x00\x21" + bytes(pk[1])], want=2,
               desc="PPP (9): query with HDLC address/control ff 03 + protocol 0x0021, response without address/control (compressed)")


# --------------------------------------------------------------------------
# 2. Encapsulations (outer packets between two tunnel endpoints)

TUN_A, TUN_B = "203.0.113.1", "203.0.113.2"
MAC_TA, MAC_TB = "02:00:00:00:01:01", "02:00:00:00:01:02"


def outer4(payload_l4, proto=None):
    ip = IP(src=TUN_A, dst=TUN_B, id=7)
    if proto is not None:
        ip.proto = proto
    return Ether(src=MAC_TA, dst=MAC_TB) / ip / payload_l4


def gen_encaps():
    pk = exchange4(0x2001, "gre.example.com")
    recs = [outer4(Raw(struct.pack("!HH", 0, 0x0800) + bytes(p)), proto=47) for p in pk]
    # a second exchange with GRE key + sequence number
    pk2 = exchange4(0x2002, "gre-key.example.com")
    recs += [outer4(Raw(struct.pack("!HHII", 0x3000, 0x0800, 42, i) + bytes(p)), proto=47) for i, p in enumerate(pk2)]
    write_pcap("encap-gre.pcap", LINKTYPE["ETHERNET"], recs, want=4,
               desc="GRE (IP proto 47) carrying IPv4: one exchange with a bare 4-byte GRE header, one with key and sequence number present")

    pk = eth_pairs(exchange4(0x2003, "erspan2.example.com"))
    recs = []
    for i, f in enumerate(pk):
        gre = struct.pack("!HHI", 0x1000, 0x88BE, 100 + i)           # S bit, ERSPAN type II
        erspan = struct.pack("!HHI", 0x1000 | 100, 0x0000 | 7, 0)    # ver 1, VLAN 100; session 7; index
        recs.append(outer4(Raw(gre + erspan + f), proto=47))
    write_pcap("encap-erspan2.pcap", LINKTYPE["ETHERNET"], recs, want=2,
               desc="ERSPAN type II: GRE with sequence number, protocol 0x88be, 8-byte ERSPAN II header, mirrored Ethernet frame")

    pk = eth_pairs(exchange4(0x2004, "erspan3.example.com"))
    recs = []
    for i, f in enumerate(pk):
        gre = struct.pack("!HHI", 0x1000, 0x22EB, 200 + i)           # S bit, ERSPAN type III
        erspan = struct.pack("!HHII", 0x2000 | 100, 7, 12345678 + i, 0)  # ver 2; session 7; timestamp; flags, O=0
        recs.append(outer4(Raw(gre + erspan + f), proto=47))
    write_pcap("encap-erspan3.pcap", LINKTYPE["ETHERNET"], recs, want=2,
               desc="ERSPAN type III: GRE with sequence number, protocol 0x22eb, 12-byte ERSPAN III header without platform subheader, mirrored Ethernet frame")

    pk = eth_pairs(exchange4(0x2005, "vxlan.example.com"))
    recs = [outer4(UDP(sport=50000 + i, dport=4789) / Raw(struct.pack("!II", 0x08000000, 5001 << 8) + f))
            for i, f in enumerate(pk)]
    write_pcap("encap-vxlan.pcap", LINKTYPE["ETHERNET"], recs, want=2,
               desc="VXLAN (UDP 4789, VNI 5001) carrying Ethernet/IPv4/UDP DNS")

    pk = eth_pairs(exchange4(0x2006, "geneve.example.com"))
    recs = []
    for i, f in enumerate(pk):
        opt = struct.pack("!HBB", 0x0101, 0x01, 1) + b"\xde\xad\xbe\xef"   # class, type, len=1 word
        gen = struct.pack("!BBHI", len(opt) // 4, 0, 0x6558, 5002 << 8) + opt
        recs.append(outer4(UDP(sport=51000 + i, dport=6081) / Raw(gen + f)))
    write_pcap("encap-geneve.pcap", LINKTYPE["ETHERNET"], recs, want=2,
               desc="Geneve (UDP 6081, protocol 0x6558 Ethernet, VNI 5002) with one 8-byte option")

    pk = exchange4(0x2007, "gtpu.example.com")
    recs = []
    for i, p in enumerate(pk):
        b = bytes(p)
        gtp = struct.pack("!BBHI", 0x30, 0xFF, len(b), 0x11223344)
        recs.append(outer4(UDP(sport=2152, dport=2152) / Raw(gtp + b)))
    write_pcap("encap-gtpu.pcap", LINKTYPE["ETHERNET"], recs, want=2,
               desc="GTP-U (UDP 2152, G-PDU, TEID 0x11223344, no optional fields) carrying IPv4")

    pk = exchange6(0x2008, "teredo.example.com")
    recs = [outer4(UDP(sport=3544 if i % 2 else 40123, dport=40123 if i % 2 else 3544) / Raw(bytes(p)))
            for i, p in enumerate(pk)]
    write_pcap("encap-teredo.pcap", LINKTYPE["ETHERNET"], recs, want=2,
               desc="Teredo: IPv6/UDP DNS inside IPv4 UDP port 3544, no Teredo auth/origin indicators")

    pk = exchange4(0x2009, "ipip.example.com")
    write_pcap("encap-ipip.pcap", LINKTYPE["ETHERNET"], [outer4(p, proto=4) for p in pk], want=2,
               desc="IP-in-IP (IPv4 protocol 4) carrying IPv4/UDP DNS")

    pk = exchange6(0x200A, "sixinfour.example.com")
    write_pcap("encap-6in4.pcap", LINKTYPE["ETHERNET"], [outer4(p, proto=41) for p in pk], want=2,
               desc="6in4 (IPv4 protocol 41) carrying IPv6/UDP DNS")


# --------------------------------------------------------------------------
# 3. IP options and IPv6 extension headers

def gen_ipopts():
    q, r = a_pair(0x3001, "ipopts.example.com")
    opts = [IPOption_Router_Alert(), IPOption_NOP(), IPOption_NOP(), IPOption_NOP(), IPOption_NOP()]
    recs = [IP(src=CLI4, dst=SRV4, id=1, options=opts) / UDP(sport=40002, dport=53) / Raw(q),
            IP(src=SRV4, dst=CLI4, id=2, options=opts) / UDP(sport=53, dport=40002) / Raw(r)]
    assert bytes(recs[0])[0] == 0x47
    write_pcap("ipv4-options.pcap", LINKTYPE["ETHERNET"], eth_pairs(recs), want=2,
               desc="IPv4 with options (IHL 7: Router Alert + 4 NOP), UDP DNS")

    q = query(0x3002, "ext6.example.com", "AAAA")
    r = response(0x3002, "ext6.example.com", "AAAA", [("AAAA", ip6("2001:db8::80"))])
    recs = []
    for src, dst, sp, dp, pl in ((CLI6, SRV6, 40003, 53, q), (SRV6, CLI6, 53, 40003, r)):
        recs.append(IPv6(src=src, dst=dst)
                    / IPv6ExtHdrHopByHop(options=[PadN(optdata=b"\0" * 4)])
                    / IPv6ExtHdrRouting(type=0, segleft=0, addresses=[dst])
                    / IPv6ExtHdrDestOpt(options=[PadN(optdata=b"\0" * 4)])
                    / UDP(sport=sp, dport=dp) / Raw(pl))
    write_pcap("ipv6-ext-headers.pcap", LINKTYPE["ETHERNET"], eth_pairs(recs), want=2,
               desc="IPv6 with hop-by-hop, routing (type 0, segments left 0) and destination options headers before UDP")


# --------------------------------------------------------------------------
# 4. Fragmentation of a big response

BIG_QNAME = "big.example.com"


def big_response(qid):
    rng = random.Random(3000)
    data = bytes(rng.choice(b"abcdefghijklmnopqrstuvwxyz0123456789") for _ in range(3000))
    return response(qid, BIG_QNAME, "TXT", [("TXT", txt(data))], aa=True)


def frags_v4(qid, order, frag=1232):
    """UDP datagram of the big response cut into IPv4 fragments; order is a
    list of (offset, length) byte ranges of the IP payload to emit."""
    udp = bytes(UDP(sport=53, dport=40004) / Raw(big_response(qid)))
    # UDP checksum over the pseudo header: build through scapy on a full packet
    full = bytes(IP(src=SRV4, dst=CLI4, id=0x4242) / UDP(sport=53, dport=40004) / Raw(big_response(qid)))
    udp = full[20:]
    out = []
    for off, ln in order:
        more = off + ln < len(udp)
        p = IP(src=SRV4, dst=CLI4, id=0x4242, proto=17, flags="MF" if more else 0, frag=off // 8) / Raw(udp[off:off + ln])
        out.append(p)
    return out, len(udp)


def frags_v6(qid, order):
    full = bytes(IPv6(src=SRV6, dst=CLI6) / UDP(sport=53, dport=40005) / Raw(big_response(qid)))
    udp = full[40:]
    out = []
    for off, ln in order:
        more = off + ln < len(udp)
        p = IPv6(src=SRV6, dst=CLI6) / IPv6ExtHdrFragment(nh=17, offset=off // 8, m=1 if more else 0, id=0x61626364) / Raw(udp[off:off + ln])
        out.append(p)
    return out, len(udp)


def gen_frags():
    # IPv4 fragments: 3 pieces of 1232 + 1232 + rest
    n = len(bytes(UDP() / Raw(big_response(0x4001))))
    ranges = [(0, 1232), (1232, 1232), (2464, n - 2464)]
    variants = [
        ("inorder", ranges, 2, "fragments in order"),
        ("reversed", ranges[::-1], 2, "fragments in reverse order (last first)"),
        ("shuffled-dup-overlap", [ranges[1], (1232, 616), ranges[0], (616, 1232), ranges[2], ranges[1]], 2,
         "fragments shuffled, with an exact duplicate and two fragments overlapping others with identical bytes"),
        ("missing", [ranges[0], ranges[2]], 1, "middle fragment missing: the datagram never completes (only the query is DNS)"),
    ]
    for fam in (4, 6):
        for tag, order, want, what in variants:
            qid = 0x4000 + (fam << 4) + len(tag)
            if fam == 4:
                q = udp4(40004, 53, query(qid, BIG_QNAME, "TXT"), ipid=qid)
                fr, _ = frags_v4(qid, order)
            else:
                q = udp6(40005, 53, query(qid, BIG_QNAME, "TXT"))
                fr, _ = frags_v6(qid, order)
            write_pcap("ipv%d-frag-%s.pcap" % (fam, tag), LINKTYPE["ETHERNET"], eth_pairs([q]) + [swap_mac(bytes(eth(f))) for f in fr],
                       want=want, desc="IPv%d: TXT response of 3000 bytes (UDP %d bytes) in fragments of 1232 bytes; %s" % (fam, n, what))


# --------------------------------------------------------------------------
# 5. DNS over TCP

class TcpConv:
    """One TCP connection, client CLI4:cport -> SRV4:53; records packets."""

    def __init__(self, cport, isn_c, isn_s, t0=T0):
        self.cport, self.c, self.s = cport, isn_c, isn_s
        self.pkts, self.t = [], t0

    def _pkt(self, from_client, flags, seq, ack, data=b""):
        self.t += 0.001
        if from_client:
            p = IP(src=CLI4, dst=SRV4, id=len(self.pkts) + 1) / TCP(sport=self.cport, dport=53, flags=flags, seq=seq & 0xFFFFFFFF, ack=ack & 0xFFFFFFFF, window=65535)
        else:
            p = IP(src=SRV4, dst=CLI4, id=len(self.pkts) + 1) / TCP(sport=53, dport=self.cport, flags=flags, seq=seq & 0xFFFFFFFF, ack=ack & 0xFFFFFFFF, window=65535)
        if data:
            p = p / Raw(data)
        b = bytes(eth(p))
        self.pkts.append((self.t, b if from_client else swap_mac(b)))

    def handshake(self):
        self._pkt(True, "S", self.c, 0)
        self.c += 1
        self._pkt(False, "SA", self.s, self.c)
        self.s += 1
        self._pkt(True, "A", self.c, self.s)

    def segs(self, from_client, data, cuts=None, order=None, extra=()):
        """Send data cut at the given offsets; order permutes the segments;
        extra lists indexes of segments to send again afterwards."""
        cuts = [0] + list(cuts or []) + [len(data)]
        pieces = [(cuts[i], data[cuts[i]:cuts[i + 1]]) for i in range(len(cuts) - 1)]
        idx = order if order is not None else range(len(pieces))
        base = self.c if from_client else self.s
        other = self.s if from_client else self.c
        for i in list(idx) + list(extra):
            off, d = pieces[i]
            self._pkt(from_client, "PA", base + off, other, d)
        if from_client:
            self.c += len(data)
        else:
            self.s += len(data)
        self._pkt(not from_client, "A", other, base + len(data))

    def close(self):
        self._pkt(True, "FA", self.c, self.s)
        self._pkt(False, "FA", self.s, self.c + 1)
        self._pkt(True, "A", self.c + 1, self.s + 1)


def lp(msg):
    return struct.pack("!H", len(msg)) + msg


def tcp_big_answer(qid, qname):
    answers = [("A", ip4("192.0.2.%d" % (i + 1))) for i in range(40)]
    return response(qid, qname, "A", answers)


def gen_tcp():
    c = TcpConv(41001, 1000, 50000)
    c.handshake()
    q = query(0x5001, "tcp-split.example.com")
    r = tcp_big_answer(0x5001, "tcp-split.example.com")
    c.segs(True, lp(q))
    c.segs(False, lp(r), cuts=[100, 250, 500])
    c.close()
    write_pcap("tcp-split-message.pcap", LINKTYPE["ETHERNET"], c.pkts, want=2,
               desc="DNS over TCP: a %d-byte response split across 4 segments" % len(r))

    c = TcpConv(41002, 2000, 60000)
    c.handshake()
    names = ["one.tcp-coalesced.example.com", "two.tcp-coalesced.example.com", "three.tcp-coalesced.example.com"]
    qs = b"".join(lp(query(0x5010 + i, n)) for i, n in enumerate(names))
    rs = b"".join(lp(response(0x5010 + i, n, "A", [("A", ip4("192.0.2.%d" % (i + 1)))])) for i, n in enumerate(names))
    c.segs(True, qs)
    c.segs(False, rs)
    c.close()
    write_pcap("tcp-coalesced.pcap", LINKTYPE["ETHERNET"], c.pkts, want=6,
               desc="DNS over TCP: three queries coalesced in one segment, three responses in one segment")

    c = TcpConv(41003, 3000, 70000)
    c.handshake()
    q = lp(query(0x5020, "tcp-lensplit.example.com"))
    r = lp(response(0x5020, "tcp-lensplit.example.com", "A", [("A", ip4("192.0.2.1"))]))
    c.segs(True, q, cuts=[1])
    c.segs(False, r, cuts=[1, 2])
    c.close()
    write_pcap("tcp-length-split.pcap", LINKTYPE["ETHERNET"], c.pkts, want=2,
               desc="DNS over TCP: 2-byte length prefix split between segments (query: 1|rest; response: 1|1|rest)")

    c = TcpConv(41004, 4000, 80000)
    c.handshake()
    q = query(0x5030, "tcp-ooo.example.com")
    r = tcp_big_answer(0x5030, "tcp-ooo.example.com")
    c.segs(True, lp(q))
    c.segs(False, lp(r), cuts=[200, 400], order=[0, 2, 1])
    c.close()
    write_pcap("tcp-out-of-order.pcap", LINKTYPE["ETHERNET"], c.pkts, want=2,
               desc="DNS over TCP: response segments arrive 1,3,2 (tshark needs tcp.reassemble_out_of_order)")

    c = TcpConv(41005, 5000, 90000)
    c.handshake()
    q = query(0x5040, "tcp-retrans.example.com")
    r = tcp_big_answer(0x5040, "tcp-retrans.example.com")
    c.segs(True, lp(q), extra=[0])
    c.segs(False, lp(r), cuts=[200, 400], extra=[1])
    c.close()
    write_pcap("tcp-retransmission.pcap", LINKTYPE["ETHERNET"], c.pkts, want=2,
               desc="DNS over TCP: the whole query segment is retransmitted, and the middle response segment is sent twice")

    c = TcpConv(41006, 6000, 100000)
    names = ["first.tcp-midstream.example.com", "second.tcp-midstream.example.com"]
    for i, n in enumerate(names):
        c.segs(True, lp(query(0x5050 + i, n)))
        c.segs(False, lp(response(0x5050 + i, n, "A", [("A", ip4("192.0.2.9"))])))
    c.close()
    write_pcap("tcp-midstream.pcap", LINKTYPE["ETHERNET"], c.pkts, want=4,
               desc="DNS over TCP: capture starts mid-connection (no SYN/SYN-ACK), first captured segment begins at a message boundary")

    c = TcpConv(41007, 0xFFFFFF00, 0xFFFFFFA0)
    c.handshake()
    q = query(0x5060, "tcp-seqwrap.example.com")
    r = tcp_big_answer(0x5060, "tcp-seqwrap.example.com")
    c.segs(True, lp(q))
    c.segs(False, lp(r), cuts=[60, 120, 300])
    c.segs(True, lp(query(0x5061, "again.tcp-seqwrap.example.com")))
    c.segs(False, lp(response(0x5061, "again.tcp-seqwrap.example.com", "A", [("A", ip4("192.0.2.7"))])))
    c.close()
    write_pcap("tcp-seq-wrap.pcap", LINKTYPE["ETHERNET"], c.pkts, want=4,
               desc="DNS over TCP: server ISN 0xffffffa0, so the sequence number wraps past 2^32 inside the first response; client ISN 0xffffff00 wraps before its second query")


# --------------------------------------------------------------------------
# 6. Names

def gen_names():
    # compression: answers CNAME chain with pointers into earlier names
    qn = "www.compress.example.com"
    msg = header(0x6001, 0x8180, 1, 3) + question(qn, "A")
    # cdn name "edge.cdn.example.net"
    cname1 = name("edge.cdn.example.net")
    msg += rr(ptr(12), "CNAME", cname1)
    cname1_off = len(msg) - len(cname1)
    msg += rr(ptr(cname1_off), "A", ip4("192.0.2.81"))
    # "alt" + pointer to "cdn.example.net" inside cname1
    msg += rr(b"\x03alt" + ptr(cname1_off + 5), "A", ip4("192.0.2.82"))
    pk = [udp4(40010, 53, query(0x6001, qn), ipid=1), udp4(53, 40010, msg, src=SRV4, dst=CLI4, ipid=2)]
    write_pcap("dns-compression.pcap", LINKTYPE["ETHERNET"], eth_pairs(pk), want=2,
               desc="DNS compression pointers: answer owners and a CNAME target referencing the question and each other (alt + pointer into the middle of a name)")

    # pointer loop in the answer section (question fine), and a loop in the question
    qn = "loop.example.com"
    msg = header(0x6002, 0x8180, 1, 1) + question(qn, "A")
    loop_off = len(msg)
    msg += ptr(loop_off) + struct.pack("!HHIH", 1, 1, 60, 4) + ip4("192.0.2.1")
    msg2 = header(0x6003, 0x0100, 1, 0)
    msg2 += b"\x04loop" + ptr(12) + struct.pack("!HH", 1, 1)     # points back to its own start
    pk = [udp4(40011, 53, query(0x6002, qn), ipid=1), udp4(53, 40011, msg, src=SRV4, dst=CLI4, ipid=2),
          udp4(40012, 53, msg2, ipid=3)]
    write_pcap("dns-pointer-loop.pcap", LINKTYPE["ETHERNET"], eth_pairs(pk), want=3,
               desc="compression loops: a response whose answer owner points at itself (its answer is malformed), then a query whose qname 'loop' + pointer leads back to its own first label (the question does not decode: a message without question; tshark shows '<Name contains a pointer that loops>')")

    # forward pointer: answer owner points to the CNAME rdata that follows
    qn = "fwd.example.com"
    msg = header(0x6004, 0x8180, 1, 1) + question(qn, "CNAME")
    fwd_target = len(msg) + 2 + 10
    msg += ptr(fwd_target) + struct.pack("!HHIH", 5, 1, 60, len(name("target.example.net"))) + name("target.example.net")
    pk = [udp4(40013, 53, query(0x6004, qn, "CNAME"), ipid=1), udp4(53, 40013, msg, src=SRV4, dst=CLI4, ipid=2)]
    write_pcap("dns-forward-pointer.pcap", LINKTYPE["ETHERNET"], eth_pairs(pk), want=2,
               desc="a forward compression pointer: the answer owner points to the CNAME RDATA after it")

    # labels with odd bytes
    odd = [
        [b"nul\x00byte", b"example", b"com"],
        [b"dot.inside", b"example", b"com"],
        [b"back\\slash", b"example", b"com"],
        [b"high\xffbyte", b"example", b"com"],
        [b"with space", b"example", b"com"],
        [b"UPPER", b"Example", b"COM"],
        [b"quote\"semi;", b"example", b"com"],
    ]
    recs = []
    for i, labels in enumerate(odd):
        q = header(0x6010 + i, 0x0100, 1, 0) + question(name(labels), "A")
        r = header(0x6010 + i, 0x8183, 1, 0) + question(name(labels), "A")
        recs += [udp4(40020 + i, 53, q, ipid=2 * i + 1), udp4(53, 40020 + i, r, src=SRV4, dst=CLI4, ipid=2 * i + 2)]
    write_pcap("dns-odd-label-bytes.pcap", LINKTYPE["ETHERNET"], eth_pairs(recs), want=2 * len(odd),
               desc="labels holding NUL, '.', '\\\\', 0xff, space, mixed case and quote/semicolon; queries and NXDOMAIN responses")

    # 255-octet name (exact limit) and a 257-octet one
    l63 = b"a" * 63
    n255 = [l63, b"b" * 63, b"c" * 63, b"d" * 61]
    n257 = [l63, b"b" * 63, b"c" * 63, b"d" * 63]
    assert len(name(n255)) == 255 and len(name(n257)) == 257
    recs = [udp4(40030, 53, header(0x6020, 0x0100, 1, 0) + question(name(n255), "A"), ipid=1),
            udp4(53, 40030, header(0x6020, 0x8183, 1, 0) + question(name(n255), "A"), src=SRV4, dst=CLI4, ipid=2)]
    write_pcap("dns-name-255.pcap", LINKTYPE["ETHERNET"], eth_pairs(recs), want=2,
               desc="a qname of exactly 255 octets in wire form (labels 63+63+63+61), query and NXDOMAIN response")
    recs = [udp4(40031, 53, header(0x6021, 0x0100, 1, 0) + question(name(n257), "A"), ipid=3)]
    write_pcap("dns-name-too-long.pcap", LINKTYPE["ETHERNET"], eth_pairs(recs), want=1,
               desc="a qname of 257 octets (four 63-byte labels): over the RFC 1035 limit, so the question does not decode (a message without question); tshark shows '<Name too long>'")


# --------------------------------------------------------------------------
# 7. Truncation

def gen_trunc():
    q, r = a_pair(0x7001, "trunc.example.com")
    fq = bytes(eth(udp4(40040, 53, q, ipid=1)))
    fr = swap_mac(bytes(eth(udp4(53, 40040, r, src=SRV4, dst=CLI4, ipid=2))))
    # caplen cut: inside IP header (14+10), inside UDP (14+20+4), inside DNS
    # header (14+20+8+6), inside the question (14+20+8+12+5), inside the answer
    cuts = [(14 + 10, "inside the IPv4 header"), (14 + 20 + 4, "inside the UDP header"),
            (14 + 28 + 6, "inside the DNS header"), (14 + 28 + 12 + 5, "inside the question"),
            (len(fr) - 6, "inside the answer RR")]
    recs = [(ts_of(0), fq)]
    for i, (cut, _) in enumerate(cuts):
        recs.append((ts_of(i + 1), fr[:cut], len(fr)))
    write_pcap("trunc-snaplen.pcap", LINKTYPE["ETHERNET"], recs, snaplen=65535, want=3, tshark_want=4,
               desc="caplen < len: a full query, then the response cut %s. A DNS message needs its 12-byte header, so 3 (the query, the response cut in its question, logged without question, and the one cut in its answer); tshark also shows the cut inside the DNS header" % ", ".join(w for _, w in cuts))

    # file ends in the middle of a record (record header claims 100 bytes)
    q2, r2 = a_pair(0x7002, "lastrec.example.com")
    f1 = bytes(eth(udp4(40041, 53, q2, ipid=1)))
    f2 = swap_mac(bytes(eth(udp4(53, 40041, r2, src=SRV4, dst=CLI4, ipid=2))))
    tail = struct.pack("<IIII", T0 + 1, 0, len(f2), len(f2)) + f2[:30]
    write_pcap("trunc-last-record.pcap", LINKTYPE["ETHERNET"], [f1], tail=tail, want=1,
               desc="the file ends 30 bytes into the last record's data (a copy of the response): one complete query before it")
    tail = struct.pack("<II", T0 + 1, 0)
    write_pcap("trunc-last-header.pcap", LINKTYPE["ETHERNET"], [f1, f2], tail=tail, want=2,
               desc="the file ends 8 bytes into a record header after a complete exchange")

    # DNS message whose last RR is cut (UDP length consistent with the cut)
    qn = "lastrr.example.com"
    msg = response(0x7003, qn, "A", [("A", ip4("192.0.2.1")), ("A", ip4("192.0.2.2")), ("A", ip4("192.0.2.3"))])
    msg = msg[:-7]
    pk = [udp4(40042, 53, query(0x7003, qn), ipid=1), udp4(53, 40042, msg, src=SRV4, dst=CLI4, ipid=2)]
    write_pcap("dns-last-rr-cut.pcap", LINKTYPE["ETHERNET"], eth_pairs(pk), want=2,
               desc="complete UDP datagram whose DNS response announces 3 answers but the third ends 7 bytes early")


# --------------------------------------------------------------------------
# 7b. DNS on ports that are not DNS ports

def query_edns(qid, qname, qtype="A"):
    opt = b"\0" + struct.pack("!HHIH", QTYPES["OPT"], 1232, 0, 0)
    return header(qid, 0x0100, 1, 0, 0, 1) + question(qname, qtype) + opt


def gen_other_ports():
    q, r = a_pair(0x7101, "port5300.example.com")
    nbns = (header(0x7103, 0x0110, 1, 0) + b"\x20" + b"CK" + b"A" * 30 + b"\0" +
            struct.pack("!HH", 0x20, 1))    # NetBIOS name query for "*"
    badq = header(0x7104, 0x0100, 1, 0) + b"\x3fnot a label" + struct.pack("!HH", 1, 1)
    upd = header(0x7105, 0x2800, 1, 0) + question("update.example.com", "SOA")
    pk = [udp4(40050, 5300, q, ipid=1), udp4(5300, 40050, r, src=SRV4, dst=CLI4, ipid=2),
          udp4(40051, 8053, query_edns(0x7102, "port8053.example.com"), ipid=3),
          udp4(40056, 5300, header(0x7107, 0x0100, 1, 0, 0, 1) + question("extra.example.com", "A") +
               rr("extra.example.com", "A", ip4("192.0.2.9")), ipid=8),
          udp4(137, 137, nbns, dst="192.0.2.255", ipid=4),
          udp4(40052, 5300, badq, ipid=5),
          udp4(40053, 4444, upd, ipid=6),
          udp4(40054, 4444, b"hello, not DNS at all", ipid=7)]
    pk += exchange4(0x7106, "port53.example.com", sport=40055)
    write_pcap("dns-other-ports.pcap", LINKTYPE["ETHERNET"], eth_pairs(pk), want=2,
               desc="DNS not on a DNS port: an A exchange on UDP 5300 and a query with EDNS on 8053 (not decoded by default; counted in dns_other_ports and named in the warning), then UDP that is not strictly DNS-shaped: a query with an A record as additional (5300), a NetBIOS name query (137), a header whose question does not parse (5300), an UPDATE (4444), text (4444); and an exchange on port 53")


# --------------------------------------------------------------------------
# 8. Containers

def gen_formats():
    pk = eth_pairs(exchange4(0x8001, "bigendian.example.com"))
    write_pcap("format-pcap-be.pcap", LINKTYPE["ETHERNET"], pk, endian=">", want=2,
               desc="classic pcap written big-endian (magic a1 b2 c3 d4 on disk), microsecond timestamps")
    pk = eth_pairs(exchange4(0x8002, "nanosecond.example.com"))
    recs = [(T0 * 10**9 + 123456789, pk[0]), (T0 * 10**9 + 123457891, pk[1])]
    write_pcap("format-pcap-nsec.pcap", LINKTYPE["ETHERNET"], recs, nsec=True, want=2,
               desc="pcap with nanosecond timestamps (magic a1b23c4d), little-endian; timestamps .123456789 and .123457891")
    pk = eth_pairs(exchange4(0x8003, "pcapng.example.com"))
    write_pcapng("format-pcapng.pcapng", [LINKTYPE["ETHERNET"]], [(0, T0, pk[0]), (0, T0 + 0.5, pk[1])], want=2,
                 desc="pcapng: SHB, one Ethernet IDB (if_tsresol 6), two EPBs")
    pk1 = eth_pairs(exchange4(0x8004, "eth.pcapng-multi.example.com"))
    pk2 = exchange4(0x8005, "raw.pcapng-multi.example.com") + exchange6(0x8006, "raw6.pcapng-multi.example.com")
    recs = [(0, T0, pk1[0]), (1, T0 + 0.1, pk2[0]), (0, T0 + 0.2, pk1[1]), (1, T0 + 0.3, pk2[1]),
            (1, T0 + 0.4, pk2[2]), (1, T0 + 0.5, pk2[3])]
    write_pcapng("format-pcapng-multi-if.pcapng", [LINKTYPE["ETHERNET"], LINKTYPE["RAW"]], recs, want=6,
                 desc="pcapng with two interfaces of different link types: 0 Ethernet, 1 raw IP (101); packets interleaved")


# --------------------------------------------------------------------------
# 9. Demo and rotated captures: benign browsing plus two tunnels

LAN_RES = "192.168.1.1"
B32 = "abcdefghijklmnopqrstuvwxyz012345"   # iodine's base32 alphabet
IODINE_DOMAIN = "t.fictional-cdn-sync.net"
HEX_DOMAIN = "x.fictional-metrics-report.com"


def b32(data):
    bits, nbits, out = 0, 0, ""
    for c in data:
        bits = (bits << 8) | c
        nbits += 8
        while nbits >= 5:
            nbits -= 5
            out += B32[(bits >> nbits) & 31]
    if nbits:
        out += B32[(bits << (5 - nbits)) & 31]
    return out


def dotify(s, every=57):
    return ".".join(s[i:i + every] for i in range(0, len(s), every))


class Mix:
    """Collects (ts, frame) records of UDP DNS exchanges on a LAN."""

    def __init__(self):
        self.recs = []
        self.msgs = 0

    def add(self, ts, client, cport, q, r, rtt=0.012, res=LAN_RES):
        mc = "02:00:00:00:02:%02x" % (int(client.split(".")[-1]) & 0xFF)
        fq = Ether(src=mc, dst="02:00:00:00:02:01") / IP(src=client, dst=res, id=cport & 0xFFFF) / UDP(sport=cport, dport=53) / Raw(q)
        self.recs.append((ts, bytes(fq)))
        self.msgs += 1
        if r is not None:
            fr = Ether(src="02:00:00:00:02:01", dst=mc) / IP(src=res, dst=client, id=(cport + 7) & 0xFFFF) / UDP(sport=53, dport=cport) / Raw(r)
            self.recs.append((ts + rtt, bytes(fr)))
            self.msgs += 1

    def sorted(self):
        return sorted(self.recs, key=lambda x: x[0])


SITES = [
    ("www.google.com", ["142.250.185.100"], ["2a00:1450:4001:82a::2004"], None),
    ("www.wikipedia.org", ["185.15.59.224"], ["2a02:ec80:300:ed1a::1"], None),
    ("github.com", ["140.82.121.4"], [], None),
    ("www.example.com", ["93.184.215.14"], ["2606:2800:21f:cb07:6820:80da:af6b:8b2c"], None),
    ("www.microsoft.com", ["23.55.220.134"], ["2a02:26f0:fe::356e"],
     ["www.microsoft.com-c-3.edgekey.net", "e13678.dscb.akamaiedge.net"]),
    ("www.bbc.co.uk", ["151.101.0.81"], ["2a04:4e42::81"], ["www.bbc.co.uk.pri.bbc.co.uk", "uk.www.bbc.co.uk.pri.bbc.co.uk"]),
    ("fonts.gstatic.com", ["142.250.185.67"], ["2a00:1450:4001:80e::2003"], None),
    ("cdn.jsdelivr.net", ["151.101.1.229"], [], ["jsdelivr.map.fastly.net"]),
    ("api.github.com", ["140.82.121.6"], [], None),
    ("www.debian.org", ["130.89.148.77"], ["2001:67c:2564:a119::77"], None),
]


def benign_response(qid, qname, qtype, site):
    host, v4, v6, cnames = site
    owner = 12
    msg_an = []
    chain = [qname] + (cnames or [])
    body = b""
    count = 0
    pos = 12 + len(name(qname)) + 4
    prev_ptr = ptr(12)
    for nxt in (cnames or []):
        rd = name(nxt)
        r = rr(prev_ptr, "CNAME", rd, ttl=3600)
        body += r
        count += 1
        target_off = pos + len(r) - len(rd)
        pos += len(r)
        prev_ptr = ptr(target_off)
    if qtype == "A":
        for a in v4:
            r = rr(prev_ptr, "A", ip4(a), ttl=60)
            body += r
            pos += len(r)
            count += 1
    elif qtype == "AAAA":
        for a in v6:
            r = rr(prev_ptr, "AAAA", ip6(a), ttl=60)
            body += r
            pos += len(r)
            count += 1
    elif qtype == "HTTPS":
        # SvcPriority 1, TargetName ".", alpn=h2,h3
        rd = struct.pack("!H", 1) + b"\0" + struct.pack("!HH", 1, 6) + b"\x02h2\x02h3"
        body += rr(prev_ptr, "HTTPS", rd, ttl=300)
        count += 1
    return header(qid, 0x8180, 1, count) + question(qname, qtype) + body


def add_benign(mix, rng, t_start, t_end, n_lookups, clients, qid_base):
    qid = qid_base
    for k in range(n_lookups):
        ts = t_start + (t_end - t_start) * k / n_lookups + rng.random() * 2
        client = rng.choice(clients)
        site = rng.choice(SITES)
        cport = 50000 + rng.randrange(10000)
        kind = rng.random()
        if kind < 0.12:
            # reverse lookup of a LAN host or of a public server
            addr = rng.choice(["192.168.1.%d" % rng.randrange(2, 60), site[1][0]])
            rev = ".".join(reversed(addr.split("."))) + ".in-addr.arpa"
            qid = (qid + 1) & 0xFFFF
            if addr.startswith("192.168."):
                r = header(qid, 0x8183, 1, 0) + question(rev, "PTR")
            else:
                r = header(qid, 0x8180, 1, 1) + question(rev, "PTR") + rr(ptr(12), "PTR", name("server-%s.example.net" % addr.replace(".", "-")), ttl=3600)
            mix.add(ts, client, cport, header(qid, 0x0100, 1, 0) + question(rev, "PTR"), r)
            continue
        for j, qt in enumerate(("A", "AAAA", "HTTPS")):
            if qt == "HTTPS" and rng.random() < 0.5:
                continue
            qid = (qid + 1) & 0xFFFF
            mix.add(ts + j * 0.0004, client, cport + j, query(qid, site[0], qt), benign_response(qid, site[0], qt, site))
    return qid


def iodine_session(rng, t0, client, n_data, qid0, cport=53124):
    """An iodine 0.7 client session over NULL records: handshake as in
    iodine's doc/proto_00000502.txt, then base32 upstream data and raw
    (zlib-compressed) downstream data, with lazy-mode polls (pings)."""
    out = []      # (ts, query, response)
    qid = qid0
    t = t0
    cmc = [0]

    def nextcmc(nchars=3):
        cmc[0] += 1
        v = cmc[0]
        return "".join(B32[(v >> (5 * i)) & 31] for i in range(nchars))

    def ex(label_text, resp_data, qtype="NULL", dt=0.05):
        nonlocal qid, t
        qid = (qid + 1) & 0xFFFF
        t += dt
        qname = dotify(label_text) + "." + IODINE_DOMAIN
        q = query(qid, qname, qtype)
        if qtype == "NULL":
            r = response(qid, qname, "NULL", [("NULL", resp_data, 0)], aa=True)
        else:
            r = response(qid, qname, "TXT", [("TXT", txt(resp_data), 0)], aa=True)
        out.append((t, q, r))

    uid = 0
    # version
    ex("v" + b32(struct.pack("!IH", 0x00000502, 1)), b"VACK" + struct.pack("!I", rng.getrandbits(32)) + bytes([uid]))
    # login
    ex("l" + b32(bytes([uid]) + bytes(rng.getrandbits(8) for _ in range(16)) + struct.pack("!H", 2)),
       b"10.0.0.1-10.0.0.2-1130-27")
    # IP request
    ex("i" + B32[uid] + nextcmc(), b"I" + ip4("203.0.113.53"))
    # upstream case check (bounced) and downstream codec check
    zq = "z" + "".join(rng.choice("abcdefghijklmnopqrstuvwxyz0123456789ABCDEF") for _ in range(120))
    ex(zq, dotify(zq).encode() + b"." + IODINE_DOMAIN.encode())
    ex("y" + "r" + B32[uid] + nextcmc(), bytes(range(256)))
    # switch upstream codec: stay at base32 ("5 bits per char" -> 'f')
    ex("s" + B32[uid] + B32[5] + nextcmc(), b"Base32")
    # downstream option: raw
    ex("o" + B32[uid] + "r" + nextcmc(), b"Raw")
    # probe downstream fragment size 1024 and set it
    for fs in (1024, 768):
        v = (uid << 11) | fs
        junk = "".join(rng.choice(B32) for _ in range(200))
        probe = bytes([fs >> 8, fs & 0xFF, 107]) + bytes((rng.getrandbits(8) + 107 * i) & 0xFF for i in range(fs - 3))
        ex("r" + B32[(v >> 10) & 31] + B32[(v >> 5) & 31] + B32[v & 31] + junk, probe)
    ex("n" + b32(bytes([uid]) + struct.pack("!H", 1024) + struct.pack("!H", 3)), struct.pack("!H", 1024))
    # data phase
    up_seq, dn_seq = 0, 0
    for k in range(n_data):
        kind = rng.random()
        if kind < 0.35:
            # ping (poll for downstream data in lazy mode)
            ping = b32(bytes([uid, (dn_seq & 7) << 4]) + struct.pack("!H", k & 0xFFFF))
            down = b""
            if rng.random() < 0.6:
                down = bytes([0x80 | ((dn_seq & 7) << 4), 0x01]) + zlib.compress(bytes(rng.getrandbits(8) for _ in range(rng.randrange(60, 400))))
                dn_seq += 1
            ex("p" + ping, down, dt=rng.uniform(0.05, 1.5))
        else:
            # upstream data: hex userid, 3 base32 header chars, CMC char, payload
            plen = rng.randrange(40, 120)
            pl = zlib.compress(bytes(rng.getrandbits(8) for _ in range(plen)))
            hdr = (uid << 11) | ((up_seq & 7) << 8) | (0 << 6) | ((dn_seq & 7) << 2)
            hdrs = B32[(hdr >> 10) & 31] + B32[(hdr >> 5) & 31] + B32[hdr & 31]
            label = "%x" % uid + hdrs + B32[k % 32] + b32(pl)[:180]
            up_seq += 1
            down = bytes([(dn_seq & 7) << 4, 0x01])
            if rng.random() < 0.5:
                down = bytes([0x80 | ((dn_seq & 7) << 4), 0x01]) + zlib.compress(bytes(rng.getrandbits(8) for _ in range(rng.randrange(40, 600))))
                dn_seq += 1
            ex(label, down, dt=rng.uniform(0.02, 0.8))
    return [(ts, client, cport, q, r) for ts, q, r in out], qid


def hex_exfil(rng, t0, client, nqueries=60, total=2040):
    """A slow, hand-made exfiltration: a document sent as hex in TXT queries,
    about one query a minute, '<seq>.<34 hex digits>.<domain>'."""
    doc = ("CONFIDENTIAL quarterly numbers; customer list follows.\n" * 60).encode()[:total // 2 + 1]
    doc = bytes(b ^ rng.getrandbits(8) if i % 7 == 0 else b for i, b in enumerate(doc))
    hx = doc.hex()[:total]
    per = (len(hx) + nqueries - 1) // nqueries
    out = []
    for i in range(nqueries):
        chunk = hx[i * per:(i + 1) * per]
        if not chunk:
            break
        labels = [chunk[j:j + 60] for j in range(0, len(chunk), 60)]
        qname = "%03d.%s.%s" % (i, ".".join(labels), HEX_DOMAIN)
        qid = 0x7000 + i
        ts = t0 + i * 60 + rng.uniform(-5, 5)
        r = header(qid, 0x8180, 1, 1) + question(qname, "TXT") + rr(ptr(12), "TXT", txt(b"ok"), ttl=0)
        out.append((ts, client, 49152 + i * 17, query(qid, qname, "TXT"), r))
    return out


def case20(msg, rng, qid):
    """The message with another ID and the letters of its question name in
    random case, as a resolver that randomises case (0x20) asks upstream."""
    b = bytearray(msg)
    b[0:2] = struct.pack(">H", qid)
    i = 12
    while i < len(b) and b[i] != 0 and b[i] < 64:
        n = b[i]
        for k in range(i + 1, min(i + 1 + n, len(b))):
            c = b[k]
            if 0x41 <= c <= 0x5a or 0x61 <= c <= 0x7a:
                b[k] = c ^ 0x20 if rng.random() < 0.5 else c
        i += 1 + n
    return bytes(b)


class ResolverMix(Mix):
    """Both legs of a recursive resolver: each client exchange with the LAN
    resolver, and the resolver's own exchange with an upstream server for
    the same name (another ID and port, the name in 0x20 case), between the
    client's query and the answer."""

    def __init__(self, rng, upstream):
        super().__init__()
        self.rng = rng
        self.upstream = upstream
        self.uqid = 0x5000

    def add(self, ts, client, cport, q, r, rtt=0.012, res=LAN_RES, upstream=True):
        super().add(ts, client, cport, q, r, rtt=rtt, res=res)
        if not upstream or r is None or res != LAN_RES:
            return
        ups = self.upstream if isinstance(self.upstream, list) else [self.upstream]
        for k, up in enumerate(ups):
            # one upstream query per server: a resolver that retries asks
            # the next server when the first is slow
            self.uqid = (self.uqid + 1) & 0xFFFF
            uq = case20(q, self.rng, self.uqid)
            ur = uq[:2] + r[2:12] + uq[12:12 + (len(q) - 12)] + r[len(q):] if len(r) >= len(q) else None
            uport = 30000 + self.rng.randrange(20000)
            super().add(ts + rtt * (0.2 + 0.1 * k), LAN_RES, uport, uq, ur, rtt=rtt * 0.6, res=up)


def gen_resolver_partial():
    """Captured at a recursive resolver that asks two upstream servers for
    each name, and also forwards queries of clients on a segment the
    capture does not see (only their upstream leg is in it)."""
    rng = random.Random(5354)
    mix = ResolverMix(rng, ["203.0.113.53", "203.0.113.54"])
    clients = ["192.168.1.%d" % i for i in (20, 21, 22)]
    add_benign(mix, rng, T0, T0 + 1800, 30, clients, 0x2000)
    zone = "t.exfil-lab.example"
    data = bytes(rng.getrandbits(8) for _ in range(100 * 35))
    for i in range(100):
        chunk = b32(data[i * 35:(i + 1) * 35]).lower()
        qname = "%s.%s" % (chunk, zone)
        qid = 0x6100 + i
        ts = T0 + 60 + i * 15 + rng.uniform(0, 3)
        r = header(qid, 0x8180, 1, 1) + question(qname, "TXT") + rr(ptr(12), "TXT", txt(b"ok"), ttl=0)
        q = query(qid, qname, "TXT")
        if i < 60:
            # 192.168.1.30's queries: both legs captured
            mix.add(ts, "192.168.1.30", 41000 + i, q, r, rtt=0.04)
        else:
            # another client's, forwarded by the resolver: upstream leg only
            uq = case20(q, rng, 0x5800 + i)
            ur = uq[:2] + r[2:12] + uq[12:12 + (len(q) - 12)] + r[len(q):]
            mix.add(ts, LAN_RES, 35000 + i, uq, ur, rtt=0.03, res="203.0.113.53", upstream=False)
    write_pcap("resolver-partial-legs.pcap", LINKTYPE["ETHERNET"], mix.sorted(), want=mix.msgs,
               desc="captured at the LAN resolver 192.168.1.1, which asks both 203.0.113.53 and 203.0.113.54 for every name (0x20 case); base32 exfiltration under t.exfil-lab.example: 60 TXT queries from 192.168.1.30 with both legs, 40 more asked by the resolver upstream for a client the capture does not see; benign lookups of 3 hosts")


def gen_search_suffix():
    """Names with a registered domain left of labels that are no public TLD:
    a search suffix only with evidence (suffixes.h), else the full name is
    the zone."""
    def nx(qid, qname):
        return header(qid, 0x8183, 1, 0) + question(qname, "TXT")

    def one(fname, desc, build):
        rng = random.Random(len(fname))
        mix = Mix()
        add_benign(mix, rng, T0, T0 + 1200, 20, ["192.168.1.20", "192.168.1.21"], 0x2000)
        build(mix, rng)
        write_pcap(fname, LINKTYPE["ETHERNET"], mix.sorted(), want=mix.msgs, desc=desc)

    def chunks(rng, n):
        return [b32(bytes(rng.getrandbits(8) for _ in range(30))).lower() for _ in range(n)]

    def retry(mix, rng):
        # each NXDOMAIN'd payload asked again with the client's suffix
        for i, c in enumerate(chunks(rng, 60)):
            ts = T0 + 30 + i * 15
            for k, qn in enumerate(("%s.t.retry-lab.com" % c, "%s.t.retry-lab.com.corp-lab.lab" % c)):
                qid = 0x6000 + 2 * i + k
                mix.add(ts + k * 0.05, "192.168.1.40", 43000 + 2 * i + k, query(qid, qn, "TXT"), nx(qid, qn))

    def across(mix, rng):
        # the tunnel is only ever asked with the suffix, which other hosts
        # append to names of unrelated domains too
        for i, c in enumerate(chunks(rng, 60)):
            qn = "%s.t.across-lab.com.corp-lab.lab" % c
            qid = 0x6000 + i
            mix.add(T0 + 30.0 + i * 15, "192.168.1.41", 44000 + i, query(qid, qn, "TXT"), nx(qid, qn))
        for i, site in enumerate(("intranet-portal.com", "wiki.example.org", "files.example.net")):
            qn = "www.%s.corp-lab.lab" % site
            mix.add(T0 + 100.0 + i * 200, "192.168.1.2%d" % (i % 2), 45000 + i, query(0x6800 + i, qn, "A"),
                    nx(0x6800 + i, qn).replace(question(qn, "TXT"), question(qn, "A")))

    def chosen(mix, rng):
        # the attacker's zone under a made-up TLD, with labels that read
        # like a registered domain: no suffix to drop
        for i, c in enumerate(chunks(rng, 60)):
            qn = "%s.update.com.x-lab.lab" % c
            qid = 0x6000 + i
            r = header(qid, 0x8180, 1, 1) + question(qn, "TXT") + rr(ptr(12), "TXT", txt(b"ok"), ttl=0)
            mix.add(T0 + 30.0 + i * 15, "192.168.1.42", 46000 + i, query(qid, qn, "TXT"), r)

    def registered(mix, rng):
        # the site's search suffix is a registered domain of its own: each
        # NXDOMAIN'd payload asked again with it; other hosts look up
        # ordinary names under the suffix
        sfx = "corp.suffix-lab.com"
        for i, c in enumerate(chunks(rng, 60)):
            ts = T0 + 30 + i * 15
            for k, qn in enumerate(("%s.t.reg-lab.net" % c, "%s.t.reg-lab.net.%s" % (c, sfx))):
                qid = 0x6000 + 2 * i + k
                mix.add(ts + k * 0.05, "192.168.1.44", 47000 + 2 * i + k, query(qid, qn, "TXT"), nx(qid, qn))
        for k in range(80):
            qn = "%s.%s" % (["wiki", "jira", "git", "mail", "vpn", "build01", "nas"][k % 7], sfx)
            r = header(0x7000 + k, 0x8180, 1, 1) + question(qn, "A") + rr(ptr(12), "A", ip4("198.51.100.%d" % (1 + k % 7)), ttl=300)
            mix.add(T0 + 35.0 + k * 11, "192.168.1.%d" % (60 + k % 9), 31000 + k, query(0x7000 + k, qn, "A"), r)

    def chosen_real(mix, rng):
        # the attacker's zone under a real TLD, with labels that read like
        # a registered domain and its TLD: nothing shows a search suffix
        # (three of them, so the trailing labels follow unrelated names)
        for i, c in enumerate(chunks(rng, 60)):
            qn = "%s.%s.com.x-lab.net" % (c, ("update", "sync-cdn", "edge-files")[i % 3])
            qid = 0x6000 + i
            r = header(qid, 0x8180, 1, 1) + question(qn, "TXT") + rr(ptr(12), "TXT", txt(b"ok"), ttl=0)
            mix.add(T0 + 30.0 + i * 15, "192.168.1.45", 48000 + i, query(qid, qn, "TXT"), r)
        # other hosts look up the real update.com: its names are its own
        for k in range(20):
            qn = ("www.update.com", "mail.update.com")[k % 2]
            r = header(0x7000 + k, 0x8180, 1, 1) + question(qn, "A") + rr(ptr(12), "A", ip4("198.51.100.9"), ttl=300)
            mix.add(T0 + 40.0 + k * 37, "192.168.1.%d" % (20 + k % 2), 32000 + k, query(0x7000 + k, qn, "A"), r)

    def k8s(mix, rng):
        # a pod's resolver library tries each search suffix of a
        # Kubernetes ndots:5 search list, then the name as it is; other
        # pods look up services under the cluster suffix
        sfx = ["default.svc.cluster.local", "svc.cluster.local", "cluster.local", "us-west-2.compute.internal"]
        for i, c in enumerate(chunks(rng, 60)):
            for k, qn in enumerate(["%s.x.k8s-exfil.com.%s" % (c, s) for s in sfx] + ["%s.x.k8s-exfil.com" % c]):
                qid = (0x6000 + 5 * i + k) & 0xFFFF
                mix.add(T0 + 30.0 + i * 15 + k * 0.01, "192.168.1.43", 20000 + 5 * i + k, query(qid, qn, "A"),
                        nx(qid, qn).replace(question(qn, "TXT"), question(qn, "A")))
        for k in range(60):
            qn = ["kubernetes.default.svc.cluster.local", "redis.prod.svc.cluster.local", "api.prod.svc.cluster.local"][k % 3]
            r = header(0x7000 + k, 0x8180, 1, 1) + question(qn, "A") + rr(ptr(12), "A", ip4("198.51.100.20"), ttl=5)
            mix.add(T0 + 40.0 + k * 20, "192.168.1.%d" % (50 + k % 7), 30000 + k, query(0x7000 + k, qn, "A"), r)

    one("search-suffix-retry.pcap",
        "base32 exfiltration (60 TXT queries) from 192.168.1.40 under t.retry-lab.com, each payload NXDOMAIN'd and asked again with the search suffix corp-lab.lab; benign lookups", retry)
    one("search-suffix-across.pcap",
        "base32 exfiltration (60 TXT queries) from 192.168.1.41 under t.across-lab.com, only ever with the suffix corp-lab.lab, which follows three unrelated domains asked by two other hosts; benign lookups", across)
    one("search-suffix-k8s.pcap",
        "base32 exfiltration (60 payloads) from 192.168.1.43 under x.k8s-exfil.com, each NXDOMAIN'd with the four suffixes of a Kubernetes search list (default.svc.cluster.local ... us-west-2.compute.internal) and then as it is: 300 A queries; 7 other hosts look up services under svc.cluster.local; benign lookups", k8s)
    one("search-suffix-chosen.pcap",
        "base32 exfiltration (60 TXT queries) from 192.168.1.42 under update.com.x-lab.lab, an attacker's zone under a made-up TLD whose labels read like a registered domain; benign lookups", chosen)
    one("search-suffix-registered.pcap",
        "base32 exfiltration (60 TXT queries) from 192.168.1.44 under t.reg-lab.net, each payload NXDOMAIN'd and asked again with the search suffix corp.suffix-lab.com, itself under a registered domain; 9 other hosts look up 80 ordinary names under that suffix; benign lookups", registered)
    one("search-suffix-chosen-real.pcap",
        "base32 exfiltration (60 TXT queries) from 192.168.1.45 under update.com.x-lab.net, sync-cdn.com.x-lab.net and edge-files.com.x-lab.net in turn, an attacker's zone under a real TLD whose labels read like registered domains; two other hosts look up www and mail.update.com; benign lookups", chosen_real)


def gen_spread():
    """Exfiltration spread over many registered domains: a few base32
    payloads under each, one host; and the same over too few domains."""
    def one(fname, ndom, desc):
        rng = random.Random(ndom * 7919)
        mix = Mix()
        add_benign(mix, rng, T0, T0 + 1800, 60, ["192.168.1.20", "192.168.1.21", "192.168.1.22"], 0x2000)
        doms = ["%s%d.com" % (w, k) for k, w in enumerate(["cloudsync", "metricsapi", "updsvc", "statline", "cdnedge"] * 8)][:ndom]
        data = bytes(rng.getrandbits(8) for _ in range(ndom * 4 * 25))
        for i in range(ndom * 4):
            qname = "%s.%s" % (b32(data[i * 25:(i + 1) * 25]).lower(), doms[i % ndom])
            qid = 0x6000 + i
            r = header(qid, 0x8180, 1, 1) + question(qname, "A") + rr(ptr(12), "A", ip4("198.51.100.7"), ttl=0)
            mix.add(T0 + 20.0 + i * 9, "192.168.1.66", 47000 + i, query(qid, qname, "A"), r)
        write_pcap(fname, LINKTYPE["ETHERNET"], mix.sorted(), want=mix.msgs, desc=desc)
    one("spread-domains.pcap", 40, "base32 exfiltration (4 KB) from 192.168.1.66 spread over 40 registered domains, 4 A queries of 25 bytes each; benign lookups of 3 hosts")
    one("spread-few.pcap", 6, "the same pattern over only 6 registered domains (600 bytes): below the cross-domain rule; benign lookups of 3 hosts")


def gen_many_clients():
    """One data channel spread over many hosts, and a shared service whose
    names many hosts ask."""
    rng = random.Random(6060)
    mix = Mix()
    add_benign(mix, rng, T0, T0 + 3600, 60, ["192.168.1.20", "192.168.1.21"], 0x2000)
    data = bytes(rng.getrandbits(8) for _ in range(340 * 30))
    for i in range(340):
        host = "192.168.2.%d" % (10 + i % 60)
        qname = "%s.c.botlab-cdn.net" % data[i * 30:(i + 1) * 30].hex()
        qid = 0x6000 + i
        r = header(qid, 0x8180, 1, 1) + question(qname, "A") + rr(ptr(12), "A", ip4("198.51.100.9"), ttl=0)
        mix.add(T0 + 10.0 + i * 10, host, 20000 + i, query(qid, qname, "A"), r)
    write_pcap("botnet-many-clients.pcap", LINKTYPE["ETHERNET"], mix.sorted(), want=mix.msgs,
               desc="10 KB of hex in 340 A queries under c.botlab-cdn.net from 60 hosts (192.168.2.10-69), each payload from one host; benign lookups")
    rng = random.Random(6061)
    mix = Mix()
    add_benign(mix, rng, T0, T0 + 3600, 60, ["192.168.1.20", "192.168.1.21"], 0x2000)
    ids = ["%032x.%032x" % (rng.getrandbits(128), rng.getrandbits(128)) for _ in range(200)]
    for i in range(600):
        host = "192.168.2.%d" % (10 + rng.randrange(60))
        qname = "%s.content.svc-lab.net" % ids[rng.randrange(len(ids))]
        qid = (0x6000 + i) & 0xFFFF
        mix.add(T0 + 10.0 + i * 5, host, 20000 + i, query(qid, qname, "A"), None)
    write_pcap("service-many-clients.pcap", LINKTYPE["ETHERNET"], mix.sorted(), want=mix.msgs,
               desc="a shared service: 60 hosts ask 600 A queries (responses not captured) for 200 64-hex-digit content ids under content.svc-lab.net, most ids asked by several hosts; benign lookups")


def gen_resolver():
    """Captured at a recursive resolver, both legs visible: clients ask the
    LAN resolver, which asks upstream for the same names."""
    rng = random.Random(5353)
    mix = ResolverMix(rng, "203.0.113.53")
    clients = ["192.168.1.%d" % i for i in (20, 21, 22, 23)]
    add_benign(mix, rng, T0, T0 + 1800, 40, clients, 0x2000)
    # base32 exfiltration from 192.168.1.30 through the resolver
    zone = "t.exfil-lab.example"
    data = bytes(rng.getrandbits(8) for _ in range(80 * 35))
    for i in range(80):
        chunk = b32(data[i * 35:(i + 1) * 35]).lower()
        qname = "%s.%s" % (chunk, zone)
        qid = 0x6100 + i
        ts = T0 + 60 + i * 20 + rng.uniform(0, 3)
        r = header(qid, 0x8180, 1, 1) + question(qname, "TXT") + rr(ptr(12), "TXT", txt(b"ok"), ttl=0)
        mix.add(ts, "192.168.1.30", 41000 + i, query(qid, qname, "TXT"), r, rtt=0.04)
    # hex exfiltration from 192.168.1.31 straight to an outside server
    for i in range(60):
        hx = "".join("%02x" % rng.getrandbits(8) for _ in range(28))
        qname = "%s.d.direct-lab.example" % hx
        qid = 0x6300 + i
        ts = T0 + 90 + i * 25 + rng.uniform(0, 3)
        r = header(qid, 0x8180, 1, 1) + question(qname, "A") + rr(ptr(12), "A", ip4("198.51.100.7"), ttl=0)
        mix.add(ts, "192.168.1.31", 42000 + i, query(qid, qname, "A"), r, rtt=0.03,
                res="198.51.100.99")
    write_pcap("resolver-both-legs.pcap", LINKTYPE["ETHERNET"], mix.sorted(), want=mix.msgs,
               desc="captured at the LAN resolver 192.168.1.1 with both legs: clients ask it, it asks 203.0.113.53 for the same names (other IDs and ports, 0x20 case); base32 exfiltration (80 TXT queries) from 192.168.1.30 under t.exfil-lab.example through the resolver; hex exfiltration (60 A queries) from 192.168.1.31 under d.direct-lab.example straight to 198.51.100.99; benign lookups of 4 hosts")


def gen_demo():
    rng = random.Random(20260101)
    mix = Mix()
    clients = ["192.168.1.%d" % i for i in (20, 21, 22, 23, 24, 25)]
    add_benign(mix, rng, T0, T0 + 3600, 55, clients, 0x1000)
    sess, _ = iodine_session(rng, T0 + 600, "192.168.1.50", 80, 0x3000)
    for ts, cl, cp, q, r in sess:
        mix.add(ts, cl, cp, q, r, rtt=0.03)
    for ts, cl, cp, q, r in hex_exfil(rng, T0 + 30, "192.168.1.77"):
        mix.add(ts, cl, cp, q, r, rtt=0.045)
    recs = mix.sorted()
    write_pcap("demo-tunnel.pcap", LINKTYPE["ETHERNET"], recs, want=mix.msgs,
               desc="demo for the README: an hour of benign lookups (A/AAAA/HTTPS, CNAME chains to CDNs, PTR) from 6 hosts; an iodine session (NULL, base32 up, raw down) from 192.168.1.50 under %s; a slow hex exfiltration (60 TXT queries, 2 KB of hex, one a minute) from 192.168.1.77 under %s" % (IODINE_DOMAIN, HEX_DOMAIN))
    raw = open(os.path.join(OUT, "demo-tunnel.pcap"), "rb").read()
    with open(os.path.join(OUT, "demo.pcap.gz"), "wb") as f:
        with gzip.GzipFile(filename="", mode="wb", fileobj=f, mtime=0) as gz:
            gz.write(raw)
    CATALOG.append(("demo.pcap.gz", mix.msgs, mix.msgs, "gzip-compressed copy of demo-tunnel.pcap (gzip mtime 0, no name)"))

    # rotated: one iodine session over three consecutive files, each with benign noise
    rng = random.Random(777)
    sess, _ = iodine_session(rng, T0 + 7200, "192.168.1.60", 150, 0x9000, cport=40999)
    third = len(sess) // 3
    for part in range(3):
        mix = Mix()
        chunk = sess[part * third:(part + 1) * third] if part < 2 else sess[2 * third:]
        t_lo, t_hi = chunk[0][0], chunk[-1][0] + 1
        add_benign(mix, rng, t_lo, t_hi, 8, clients, 0xA000 + part * 0x100)
        for ts, cl, cp, q, r in chunk:
            mix.add(ts, cl, cp, q, r, rtt=0.03)
        write_pcap("rotated-%d.pcap" % (part + 1), LINKTYPE["ETHERNET"], mix.sorted(), want=mix.msgs,
                   desc="part %d of 3 of one iodine session from 192.168.1.60 under %s (as a rotating capture would cut it), with a little benign traffic" % (part + 1, IODINE_DOMAIN))


# A tunnel under a registered domain whose label holds '.', '/', a space,
# both quotes, '<', '>', a backslash and non-ASCII bytes (UTF-8 e-acute, and a
# lone 0xff): the finding, the RPZ owner and the STIX pattern must name
# exactly these wire bytes.
ODD_ZONE = [b"../x y\"'<i>\\\xc3\xa9\xff", b"com"]


def gen_odd_zone():
    rng = random.Random(5150)
    mix = Mix()
    for i in range(80):
        payload = b32(bytes(rng.getrandbits(8) for _ in range(40))).lower()
        labels = [payload[j:j + 50].encode() for j in range(0, len(payload), 50)] + ODD_ZONE
        qn = name(labels)
        qid = 0x5100 + i
        q = header(qid, 0x0100, 1, 0) + question(qn, "TXT")
        r = header(qid, 0x8180, 1, 1) + question(qn, "TXT") + \
            rr(ptr(12), "TXT", txt(b32(bytes(rng.getrandbits(8) for _ in range(60))).encode()), ttl=0)
        mix.add(T0 + 5000 + i * 3 + rng.uniform(0, 1), "192.168.1.66", 41000 + i, q, r, rtt=0.02)
    write_pcap("tunnel-odd-zone.pcap", LINKTYPE["ETHERNET"], mix.sorted(), want=mix.msgs,
               desc="80 base32 TXT queries (and answers) from 192.168.1.66 under a registered domain whose one label holds '.', '/', a space, both quotes, '<', '>', a backslash, UTF-8 e-acute and a lone 0xff byte, under com")


def read_pcap_records(fname):
    """(ts_ns, bytes, origlen) of a little-endian microsecond pcap made here."""
    raw = open(os.path.join(OUT, fname), "rb").read()
    magic, _, _, _, _, _, lt = struct.unpack("<IHHiIII", raw[:24])
    assert magic == 0xA1B2C3D4, fname
    recs, off = [], 24
    while off < len(raw):
        sec, usec, caplen, orig = struct.unpack("<IIII", raw[off:off + 16])
        recs.append(((sec * 10**6 + usec) * 1000, raw[off + 16:off + 16 + caplen], orig))
        off += 16 + caplen
    return lt, recs


def gen_span():
    """Copies as a SPAN port makes them: every packet of a capture made
    above again, a few microseconds after it (before the next packet)."""
    rng = random.Random(4242)
    for src, dst, what in (("rotated-1.pcap", "span-copies.pcap",
                            "UDP: tshark shows both"),
                           ("tcp-coalesced.pcap", "span-copies-tcp.pcap",
                            "TCP: tshark takes the copies for retransmissions")):
        lt, recs = read_pcap_records(src)
        out = []
        for i, (ts, data, orig) in enumerate(recs):
            gap = recs[i + 1][0] - ts if i + 1 < len(recs) else 10**6
            dt = min(rng.randint(1, 40) * 1000, gap // 2)
            assert dt > 0, (src, i)
            out += [(ts, data, orig), (ts + dt, data, orig)]
        n = next(c[1] for c in CATALOG if c[0] == src)
        write_pcap(dst, lt, out, want=n, tshark_want=n if "TCP" in what else 2 * n,
                   desc="%s with every packet twice, the copy 1-40 us after it (a SPAN port's copies), counted once (duplicate_packets); %s" % (src, what))


def gen_hostile():
    """Zone names an attacker chose to break what is made from them: a
    label with HTML/script markup and quotes, and labels with path
    separators, dot-dot and a NUL byte.  Each zone carries hex payloads
    in TXT exchanges, so it scores as a tunnel."""
    rng = random.Random(9191)
    zones = [[b"t", b'"><script>alert(1)</script><img src=x onerror=alert(2)>', b"com"],
             [b"t", b"../../tmp/pwn", b"com"],
             [b"t", b"a/b\x00c", b"net"]]
    recs, qid = [], 0x7700
    for z in zones:
        for i in range(40):
            pay = bytes(rng.randrange(256) for _ in range(24)).hex().encode()
            qn = name([pay[:40], pay[40:]] + z)
            q = header(qid, 0x0100, 1, 0) + question(qn, "TXT")
            data = bytes(rng.randrange(256) for _ in range(48)).hex().encode()
            r = (header(qid, 0x8180, 1, 1) + question(qn, "TXT") +
                 rr(ptr(12), "TXT", txt(data)))
            sport = 42000 + i
            t = len(recs) * 0.5
            recs.append((T0 + t, bytes(eth(udp4(sport, 53, q, ipid=qid)))))
            recs.append((T0 + t + 0.02, swap_mac(bytes(eth(udp4(53, sport, r, src=SRV4,
                                                                   dst=CLI4, ipid=qid + 1))))))
            qid += 2
    write_pcap("hostile-names.pcap", LINKTYPE["ETHERNET"], recs, want=len(recs),
               desc="two tunnels under zone names an attacker chose: a label with HTML/script "
                    "markup and quotes, and labels with '/', '..' and a NUL byte (file names "
                    "made from them and the HTML report must stay inert)")


# --------------------------------------------------------------------------

TSHARK_OPTS = ["-o", "tcp.desegment_tcp_streams:TRUE", "-o", "tcp.reassemble_out_of_order:TRUE",
               "-o", "ip.defragment:TRUE", "-o", "ipv6.defragment:TRUE",
               "--disable-heuristic", "dns_udp"]


def tshark_count(path):
    if not shutil.which("tshark"):
        return None
    try:
        out = subprocess.run(["tshark", "-n", "-r", path, "-T", "fields", "-E", "occurrence=a",
                              "-E", "aggregator=|", "-e", "dns.flags.response"] + TSHARK_OPTS,
                             capture_output=True, text=True, timeout=120).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    return sum(len([x for x in line.split("|") if x != ""]) for line in out.splitlines())


# --------------------------------------------------------------------------
# --carve: captures whose payload the tests recover (testdata/carve; not in
# the catalogue above, which is of testdata/pcap)

CARVE_OUT = os.path.join(HERE, "carve")

CARVE_SECRET = (b"CARVE-TEST quarterly figures: revenue 1234567, margin 42%.\n"
                b"Second line of the exfiltrated file, with its own words.\n" * 12)


def _carve_exfil(zone_labels, chunks_order, drop=(), enc="hex", numbered=True, base=T0):
    """Queries <seq>.<payload>.<zone> (or <payload>.<zone>), each answered
    NXDOMAIN; chunks sent in chunks_order, those in drop never sent."""
    import base64
    data = CARVE_SECRET
    size = 24
    chunks = [data[i:i + size] for i in range(0, len(data), size)]
    pkts = []
    t = base
    for n, i in enumerate(chunks_order):
        if i in drop or i >= len(chunks):
            continue
        c = chunks[i]
        if enc == "hex":
            payload = c.hex().encode()
        else:
            payload = base64.b32encode(c).rstrip(b"=").lower()
        labels = ([str(i).encode()] if numbered else []) + [payload] + zone_labels
        q = header(0x2000 + n, 0x0100, 1, 0) + question(name(labels), "TXT")
        r = header(0x2000 + n, 0x8183, 1, 0) + question(name(labels), "TXT")
        pkts.append((t, bytes(eth(udp4(41000 + n, 53, q, ipid=n + 1)))))
        pkts.append((t + 0.004, swap_mac(bytes(eth(udp4(53, 41000 + n, r, src=SRV4, dst=CLI4,
                                                       ipid=n + 100))))))
        t += 0.25
    return pkts, len(chunks)


def _write_carve(fname, pkts):
    out = struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, LINKTYPE["ETHERNET"])
    for ts, data in pkts:
        sec = int(ts)
        out += struct.pack("<IIII", sec, int(round((ts - sec) * 1e6)), len(data), len(data)) + data
    with open(os.path.join(CARVE_OUT, fname), "wb") as f:
        f.write(out)


def gen_carve():
    os.makedirs(CARVE_OUT, exist_ok=True)
    # numbered hex chunks, sent out of order, one never sent
    n = (len(CARVE_SECRET) + 23) // 24
    order = list(range(n))
    order[2], order[5] = order[5], order[2]
    order.insert(4, 1)                     # a retransmission
    pkts, _ = _carve_exfil([b"exfil-lab", b"example"], order, drop=(7,))
    _write_carve("carve-exfil-hex-seq.pcap", pkts)
    # base32 chunks, no numbers, capture order
    pkts, _ = _carve_exfil([b"b32-lab", b"example"], list(range(n)), enc="base32",
                           numbered=False)
    _write_carve("carve-exfil-base32.pcap", pkts)
    # zones whose names carry path traversal: a label "../../../../tmp/pwned",
    # one with a backslash and a slash, one that is ".." alone
    evil = [[b"../../../../tmp/pwned", b"com"],
            [b"..\\..\\x/y", b"net"],
            [b"..", b"dotdot", b"org"]]
    pkts = []
    for k, z in enumerate(evil):
        p, _ = _carve_exfil(z, list(range(n)), base=T0 + 100 * k)
        pkts += p
    _write_carve("carve-traversal.pcap", pkts)



def main():
    os.makedirs(OUT, exist_ok=True)
    for f in os.listdir(OUT):
        if f.endswith((".pcap", ".pcapng", ".gz")):
            os.unlink(os.path.join(OUT, f))
    gen_linktypes()
    gen_encaps()
    gen_ipopts()
    gen_frags()
    gen_tcp()
    gen_names()
    gen_trunc()
    gen_other_ports()
    gen_formats()
    gen_demo()
    gen_resolver()
    gen_resolver_partial()
    gen_search_suffix()
    gen_spread()
    gen_many_clients()
    gen_span()
    gen_carve()
    gen_hostile()
    gen_odd_zone()

    lines = ["# testdata/pcap",
             "",
             "Small deterministic captures made by `gen_testdata.py` (run it with",
             "`/usr/bin/python3 testdata/gen_testdata.py`; it needs scapy and rewrites every",
             "file here and this README).  Addresses are from the documentation ranges",
             "(192.0.2.0/24, 198.51.100.0/24, 203.0.113.0/24, 2001:db8::/32) except in the",
             "demo captures, which imitate a LAN (192.168.1.0/24) with real public sites;",
             "the tunnel domains there are fictional.",
             "",
             "Columns: file; `msgs` = DNS messages the capture was built to contain (a",
             "message needs a complete 12-byte header; one whose question does not decode",
             "is a message without question); `tshark` = DNS",
             "messages tshark 4.0 counted at generation time (occurrences of",
             "dns.flags.response with `%s`)," % " ".join(TSHARK_OPTS),
             "where it differs the description says why; what it exercises and how it is made.",
             "",
             "| file | msgs | tshark | what it exercises / how it is made |",
             "|---|---|---|---|"]
    bad = 0
    for fname, want, twant, desc in CATALOG:
        got = tshark_count(os.path.join(OUT, fname))
        if got is not None and got != twant:
            print("MISMATCH %s: tshark should show %s, shows %s" % (fname, twant, got), file=sys.stderr)
            bad += 1
        size = os.path.getsize(os.path.join(OUT, fname))
        assert size < 200 * 1024, (fname, size)
        lines.append("| %s | %s | %s | %s |" % (fname, want, "n/a" if got is None else got, desc.replace("|", "\\|")))
    lines.append("")
    with open(os.path.join(HERE, "README.md"), "w") as f:
        f.write("\n".join(lines))
    total = sum(os.path.getsize(os.path.join(OUT, c[0])) for c in CATALOG)
    print("%d captures, %d bytes, %d tshark mismatches" % (len(CATALOG), total, bad))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
