#!/bin/bash
# Regenerate the seed corpora tests/fuzz/corpus/<target>/ from the project's
# own test data (testdata/pcap, testdata/dns); nothing else is read.
#   bash tests/fuzz/make-seeds.sh
# Needs /usr/bin/python3 with scapy (for the DNS over TCP capture).  The
# output is deterministic; file names are the SHA-1 of the contents, as
# libFuzzer names its own.  Keep the total small (well under 2 MB).
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
exec /usr/bin/python3 - "$root" <<'PY'
import hashlib, os, random, shutil, struct, sys

root = sys.argv[1]
td = os.path.join(root, "testdata")
out = os.path.join(root, "tests", "fuzz", "corpus")
# the order of fuzz_decode.c's table: the leading byte indexes it
LINKTYPES = [0, 1, 9, 10, 12, 14, 50, 101, 104, 105, 108, 113, 127, 129, 192,
             204, 228, 229, 239, 258, 276, 147]
MAX_PCAP_SEED = 16384

seeds = {}

def add(target, data):
    seeds.setdefault(target, set()).add(bytes(data))

def read_pcap(b):
    """(linktype, [(ts_sec, ts_frac, orig_len, data)]) records of a pcap."""
    magic = b[:4]
    if magic in (b"\xd4\xc3\xb2\xa1", b"\x4d\x3c\xb2\xa1"):
        e = "<"
    elif magic in (b"\xa1\xb2\xc3\xd4", b"\xa1\xb2\x3c\x4d"):
        e = ">"
    else:
        return None
    lt = struct.unpack(e + "I", b[20:24])[0] & 0x0fffffff
    recs, pos = [], 24
    while pos + 16 <= len(b):
        s, f, incl, orig = struct.unpack(e + "IIII", b[pos:pos + 16])
        pos += 16
        recs.append((s, f, orig, b[pos:pos + incl]))
        pos += incl
    return lt, recs, b[:24], e

def read_pcapng(b):
    """[(linktype, data)] of the enhanced packet blocks of a pcapng."""
    pkts, ifs, pos, e = [], [], 0, "<"
    while pos + 12 <= len(b):
        btype = struct.unpack(e + "I", b[pos:pos + 4])[0]
        if btype == 0x0A0D0D0A:
            e = "<" if b[pos + 8:pos + 12] == b"\x4d\x3c\x2b\x1a" else ">"
        blen = struct.unpack(e + "I", b[pos + 4:pos + 8])[0]
        if blen < 12 or pos + blen > len(b):
            break
        body = b[pos + 8:pos + blen - 4]
        if btype == 1:
            ifs.append(struct.unpack(e + "H", body[:2])[0])
        elif btype == 6:
            ifid, _, _, cap, _ = struct.unpack(e + "IIIII", body[:20])
            pkts.append((ifs[ifid] if ifid < len(ifs) else 1, body[20:20 + cap]))
        pos += blen
    return pkts

def dns_payloads(lt, pkt):
    """UDP payloads on port 53 of an Ethernet/raw IPv4 or IPv6 packet."""
    if lt == 1:
        off = 14
        et = struct.unpack(">H", pkt[12:14])[0]
        while et == 0x8100 and len(pkt) >= off + 4:
            et = struct.unpack(">H", pkt[off + 2:off + 4])[0]
            off += 4
    elif lt in (101, 12, 228, 229):
        off = 0
    else:
        return []
    ip = pkt[off:]
    if not ip:
        return []
    if ip[0] >> 4 == 4 and len(ip) >= 20:
        ihl = (ip[0] & 15) * 4
        if ip[9] != 17 or struct.unpack(">H", ip[6:8])[0] & 0x3fff:
            return []
        udp = ip[ihl:]
    elif ip[0] >> 4 == 6 and len(ip) >= 40 and ip[6] == 17:
        udp = ip[40:]
    else:
        return []
    if len(udp) < 8:
        return []
    sp, dp = struct.unpack(">HH", udp[:4])
    if 53 not in (sp, dp):
        return []
    return [udp[8:]]

# ---- DNS messages: testdata/dns/*.hex and payloads of testdata/pcap --------
msgs = []
for name in sorted(os.listdir(os.path.join(td, "dns"))):
    if not name.endswith(".hex"):
        continue
    hx = ""
    for line in open(os.path.join(td, "dns", name)):
        hx += line.split(";", 1)[0]
    msgs.append(bytes.fromhex("".join(hx.split())))

packets = []      # (linktype, bytes)
captures = []     # (name, bytes)
for name in sorted(os.listdir(os.path.join(td, "pcap"))):
    b = open(os.path.join(td, "pcap", name), "rb").read()
    if name.endswith(".pcapng"):
        packets += read_pcapng(b)
        captures.append((name, b))
        continue
    r = read_pcap(b)
    if not r:
        continue
    lt, recs, hdr, e = r
    packets += [(lt, d) for (_, _, _, d) in recs]
    if len(b) > MAX_PCAP_SEED:
        # big captures: the header and the first records only
        keep, pos = hdr, 24
        for (s, f, orig, d) in recs:
            rec = struct.pack(e + "IIII", s, f, len(d), orig) + d
            if len(keep) + len(rec) > MAX_PCAP_SEED:
                break
            keep += rec
        b = keep
    captures.append((name, b))

seen = set()
for lt, p in packets:
    for m in dns_payloads(lt, p):
        if len(m) >= 12 and m not in seen and len(seen) < 200:
            seen.add(m)
msgs += sorted(seen)

for m in msgs:
    add("dns_wire", m)

# ---- decode: a leading byte picking the link type, then the packet ---------
per_lt = {}
for lt, p in packets:
    if lt in LINKTYPES:
        per_lt.setdefault(lt, []).append(p)
for lt, ps in per_lt.items():
    uniq = []
    for p in ps:  # distinct first 60 bytes: different headers, not payloads
        if all(p[:60] != q[:60] for q in uniq) and len(uniq) < 40:
            uniq.append(p)
    for p in uniq:
        add("decode", bytes([LINKTYPES.index(lt)]) + p)

# ---- tcp_reasm: DNS over TCP as fuzz_tcp_reasm.c's segment records ---------
# record: conn, dir|flags, seq delta (2), ack delta (2), time (1), len (2)
SYN, FIN, ACK, PSH = 0x02, 0x01, 0x10, 0x08
def seg(conn, resp, flags, data=b"", dseq=0, dack=0, dt=1):
    return (bytes([conn, (0x80 if resp else 0) | flags])
            + struct.pack(">hhBH", dseq, dack, dt, len(data)) + data)

rng = random.Random(7)
pairs = [(msgs[i], msgs[i + 1]) for i in range(0, min(len(msgs) - 1, 40), 2)]
for i, (q, r) in enumerate(pairs):
    fq = struct.pack(">H", len(q)) + q
    fr = struct.pack(">H", len(r)) + r
    conn = i & 3
    mode = i % 5
    s = seg(conn, 0, SYN) + seg(conn, 1, SYN | ACK, dack=1)
    s += seg(conn, 0, ACK, dseq=1, dack=1)
    if mode == 0:    # in order, one segment each
        s += seg(conn, 0, PSH | ACK, fq) + seg(conn, 1, PSH | ACK, fr, dseq=1)
    elif mode == 1:  # length prefix and message split
        s += seg(conn, 0, ACK, fq[:1]) + seg(conn, 0, PSH | ACK, fq[1:])
        s += seg(conn, 1, ACK, fr[:5], dseq=1) + seg(conn, 1, PSH | ACK, fr[5:])
    elif mode == 2:  # second half first (out of order), then the first
        h = len(fq) // 2
        s += seg(conn, 0, ACK, fq[h:], dseq=h) + seg(conn, 0, ACK, fq[:h], dseq=-len(fq))
        s += seg(conn, 1, PSH | ACK, fr, dseq=1)
    elif mode == 3:  # two messages in one segment, retransmission
        s += seg(conn, 0, PSH | ACK, fq + fq) + seg(conn, 0, PSH | ACK, fq, dseq=-len(fq))
        s += seg(conn, 1, PSH | ACK, fr + fr, dseq=1)
    else:            # gap: a lost segment, then more data
        s += seg(conn, 0, ACK, fq[:3]) + seg(conn, 0, PSH | ACK, fq, dseq=7)
        s += seg(conn, 1, PSH | ACK, fr, dseq=1, dt=30)
    s += seg(conn, 0, FIN | ACK) + seg(conn, 1, FIN | ACK, dack=1)
    add("tcp_reasm", s)

# ---- defrag: a UDP datagram as fuzz_defrag.c's fragment records ------------
# record: id|v6 (bit 2)|policy (bit 7), offset/8 (2), odd offset|MF (bit 7),
#         time step, length (2)
def frag(ctl, off, more, data, dt=0):
    return (bytes([ctl]) + struct.pack(">H", off // 8)
            + bytes([(off & 7) | (0x80 if more else 0), dt])
            + struct.pack(">H", len(data)) + data)

for i, m in enumerate(msgs[:24]):
    dgram = struct.pack(">HHHH", 40000 + i, 53, 8 + len(m), 0) + m
    size = 8 * (1 + i % 4)
    pieces = [(o, dgram[o:o + size]) for o in range(0, len(dgram), size)]
    ctl = (i & 3) | (4 if i & 4 else 0) | (0x80 if i & 8 else 0)
    mode = i % 4
    if mode == 1:
        pieces.reverse()
    elif mode == 2:
        rng.shuffle(pieces)
        pieces.append(pieces[0])              # a duplicate
    s = b""
    for o, d in pieces:
        s += frag(ctl, o, o + len(d) < len(dgram), d)
    if mode == 3:                             # overlapping, then incomplete
        s += frag(ctl ^ 1, 0, 1, dgram[:16]) + frag(ctl ^ 1, 8, 1, dgram[8:24], dt=9)
    add("defrag", s)

# ---- pcap: the captures themselves, and DNS over TCP -----------------------
for name, b in captures:
    add("pcap", b)
try:
    import logging
    logging.getLogger("scapy.runtime").setLevel(logging.ERROR)
    from scapy.all import Ether, IP, IPv6, TCP, Raw, wrpcap
    import io, tempfile
    pk, t = [], 1700000000.0
    for i, (q, r) in enumerate(pairs[:6]):
        cl, sv = "192.0.2.%d" % (10 + i), "198.51.100.53"
        sp, cs, ss = 41000 + i, 1000 * i, 5000 * i
        fq = struct.pack(">H", len(q)) + q
        fr = struct.pack(">H", len(r)) + r
        mk = lambda src, dst, s_, d_, fl, seq, ack, data=b"": (
            Ether() / IP(src=src, dst=dst) / TCP(sport=s_, dport=d_, flags=fl, seq=seq, ack=ack)
            / Raw(data))
        seq = [mk(cl, sv, sp, 53, "S", cs, 0), mk(sv, cl, 53, sp, "SA", ss, cs + 1),
               mk(cl, sv, sp, 53, "PA", cs + 1, ss + 1, fq[:len(fq) // 2]),
               mk(cl, sv, sp, 53, "PA", cs + 1 + len(fq) // 2, ss + 1, fq[len(fq) // 2:]),
               mk(sv, cl, 53, sp, "PA", ss + 1, cs + 1 + len(fq), fr),
               mk(cl, sv, sp, 53, "FA", cs + 1 + len(fq), ss + 1 + len(fr))]
        if i % 2:
            seq[2], seq[3] = seq[3], seq[2]
        for p in seq:
            p.time = t
            t += 0.01
            pk.append(p)
    with tempfile.NamedTemporaryFile(suffix=".pcap") as tf:
        wrpcap(tf.name, pk)
        add("pcap", open(tf.name, "rb").read())
except ImportError:
    print("scapy missing: no DNS over TCP capture seed", file=sys.stderr)

# ---- write -------------------------------------------------------------------
total = 0
for target, ds in sorted(seeds.items()):
    d = os.path.join(out, target)
    shutil.rmtree(d, ignore_errors=True)
    os.makedirs(d)
    for data in sorted(ds):
        open(os.path.join(d, hashlib.sha1(data).hexdigest()), "wb").write(data)
        total += len(data)
    print("%-10s %4d seeds %8d bytes" % (target, len(ds), sum(map(len, ds))))
print("total %d bytes" % total)
PY
