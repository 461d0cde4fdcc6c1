#!/usr/bin/python3
"""Write the detection evaluation set: one small capture per case.

usage: gen_eval.py OUTDIR

Each case is built from a published description or the source of a tool's
wire format (names, record types, encodings, timing), from an evasive
encoding, from a spread of the same data over domains, clients or time, or
from a hard benign workload.  OUTDIR receives CASE.pcap for every case and
LABELS.tsv with one line per case:

    case  tunnel(yes/no)  zones  tool  class  description

zones: the zone(s) a finding must name (comma-separated alternatives; "-"
for benign cases); tool: the tool a finding must name, or "-" (no name
expected: a finding must then name none).

Everything is deterministic: each case draws from its own seeded random
generator, timestamps are fixed, the containers are written with struct
(Ethernet, IPv4, UDP or TCP; checksums left zero).  No case exceeds a few
hundred kilobytes.
"""

import base64
import os
import random
import struct
import sys
import zlib

T0 = 1767261600  # 2026-01-01T10:00:00Z
RESOLVER = "10.0.0.53"
QT = dict(A=1, NS=2, CNAME=5, SOA=6, PTR=12, MX=15, TXT=16, AAAA=28, SRV=33,
          NULL=10, DS=43, RRSIG=46, NSEC=47, DNSKEY=48, NSEC3=50, HTTPS=65)

# --------------------------------------------------------------------------
# encoders


def b32(data, alphabet="abcdefghijklmnopqrstuvwxyz234567"):
    """Unpadded base32 with the given alphabet."""
    out, bits, acc = [], 0, 0
    for b in data:
        acc = (acc << 8) | b
        bits += 8
        while bits >= 5:
            bits -= 5
            out.append(alphabet[(acc >> bits) & 31])
    if bits:
        out.append(alphabet[(acc << (5 - bits)) & 31])
    return "".join(out)


SLIVER_B32 = "ab1c2d3e4f5g6h7j8k9m0npqrtuvwxyz"
B58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"


def b58(data):
    n = int.from_bytes(data, "big")
    out = ""
    while n:
        n, r = divmod(n, 58)
        out = B58[r] + out
    pad = len(data) - len(data.lstrip(b"\0"))
    return "1" * pad + out


def split63(s, n=63):
    return [s[i:i + n] for i in range(0, len(s), n)]


def varint(v):
    out = b""
    while True:
        b = v & 0x7F
        v >>= 7
        if v:
            out += bytes([b | 0x80])
        else:
            return out + bytes([b])


def pb_field(num, val):
    """proto3: varint fields (omitted when 0) and bytes fields."""
    if isinstance(val, (bytes, bytearray)):
        if not val:
            return b""
        return varint(num << 3 | 2) + varint(len(val)) + bytes(val)
    if val == 0:
        return b""
    return varint(num << 3) + varint(val)


# --------------------------------------------------------------------------
# DNS messages


def wname(name):
    """name: "a.b.c" or a list of labels (str or bytes)."""
    labels = name.strip(".").split(".") if isinstance(name, str) else name
    out = b""
    for l in labels:
        if isinstance(l, str):
            l = l.encode()
        if not l:
            continue
        assert len(l) < 64, l
        out += bytes([len(l)]) + l
    assert len(out) < 255, name
    return out + b"\0"


def dns_query(qid, name, qtype, rd=True, do=False):
    qt = QT[qtype] if isinstance(qtype, str) else qtype
    msg = struct.pack("!HHHHHH", qid, 0x0100 if rd else 0, 1, 0, 0, 1 if do else 0)
    msg += wname(name) + struct.pack("!HH", qt, 1)
    if do:
        msg += b"\0" + struct.pack("!HHIH", 41, 1232, 0x8000, 0)
    return msg


def dns_response(qid, name, qtype, answers=(), rcode=0):
    """answers: (type, rdata bytes[, owner name]) records."""
    qt = QT[qtype] if isinstance(qtype, str) else qtype
    msg = struct.pack("!HHHHHH", qid, 0x8180 | rcode, 1, len(answers), 0, 0)
    msg += wname(name) + struct.pack("!HH", qt, 1)
    for a in answers:
        t = QT[a[0]] if isinstance(a[0], str) else a[0]
        owner = wname(a[2]) if len(a) > 2 else b"\xc0\x0c"
        msg += owner + struct.pack("!HHIH", t, 1, 60, len(a[1])) + a[1]
    return msg


def ip4(a):
    return bytes(int(x) for x in a.split("."))


def txt(s):
    if isinstance(s, str):
        s = s.encode()
    out = b""
    for i in range(0, max(len(s), 1), 255):
        c = s[i:i + 255]
        out += bytes([len(c)]) + c
    return out


# --------------------------------------------------------------------------
# packets and the capture


def _ip4hdr(src, dst, proto, plen, ident):
    return struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + plen, ident & 0xFFFF, 0x4000, 64,
                       proto, 0, ip4(src), ip4(dst))


def _eth(l3):
    return b"\x02\0\0\0\0\x01\x02\0\0\0\0\x02\x08\x00" + l3


class Capture:
    def __init__(self, name, seed_extra=""):
        self.name = name
        self.rng = random.Random(zlib.crc32((name + seed_extra).encode()))
        self.pkts = []
        self.qid = 0
        self.ipid = 0
        self.tcp = {}

    def udp(self, t, src, dst, sport, dport, payload):
        self.ipid += 1
        u = struct.pack("!HHHH", sport, dport, 8 + len(payload), 0) + payload
        self.pkts.append((t, _eth(_ip4hdr(src, dst, 17, len(u), self.ipid) + u)))

    def _tcp(self, t, src, dst, sport, dport, seq, ack, flags, payload=b""):
        self.ipid += 1
        h = struct.pack("!HHIIBBHHH", sport, dport, seq & 0xFFFFFFFF, ack & 0xFFFFFFFF,
                        5 << 4, flags, 65535, 0, 0) + payload
        self.pkts.append((t, _eth(_ip4hdr(src, dst, 6, len(h), self.ipid) + h)))

    def ask(self, t, client, name, qtype="A", answers=(), rcode=0, server=RESOLVER,
            tcp=False, rtt=0.02, do=False, answer=True, port=53):
        """One exchange: the query and (unless answer is False) its response."""
        self.qid = (self.qid + 7919) & 0xFFFF
        q = dns_query(self.qid, name, qtype, do=do)
        r = dns_response(self.qid, name, qtype, answers, rcode)
        sport = 1024 + self.rng.randrange(60000)
        if not tcp:
            self.udp(t, client, server, sport, port, q)
            if answer:
                self.udp(t + rtt, server, client, port, sport, r)
            return
        # one TCP connection per exchange: handshake, length-prefixed
        # query and response, close
        cs, ss = self.rng.randrange(1 << 32), self.rng.randrange(1 << 32)
        qq, rr = struct.pack("!H", len(q)) + q, struct.pack("!H", len(r)) + r
        d = rtt / 8
        self._tcp(t, client, server, sport, port, cs, 0, 0x02)
        self._tcp(t + d, server, client, port, sport, ss, cs + 1, 0x12)
        self._tcp(t + 2 * d, client, server, sport, port, cs + 1, ss + 1, 0x10)
        self._tcp(t + 3 * d, client, server, sport, port, cs + 1, ss + 1, 0x18, qq)
        self._tcp(t + 4 * d, server, client, port, sport, ss + 1, cs + 1 + len(qq), 0x18, rr)
        self._tcp(t + 5 * d, client, server, sport, port, cs + 1 + len(qq), ss + 1 + len(rr), 0x11)
        self._tcp(t + 6 * d, server, client, port, sport, ss + 1 + len(rr), cs + 2 + len(qq), 0x11)
        self._tcp(t + 7 * d, client, server, sport, port, cs + 2 + len(qq), ss + 2 + len(rr), 0x10)

    def write(self, path):
        self.pkts.sort(key=lambda p: p[0])
        out = [struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1)]
        for ts, data in self.pkts:
            us = int(round(ts * 1e6))
            out.append(struct.pack("<IIII", us // 1000000, us % 1000000, len(data), len(data)))
            out.append(data)
        out = b"".join(out)
        with open(path, "wb") as f:
            f.write(out)
        return len(out)


# --------------------------------------------------------------------------
# shared pieces

ORDINARY = ["www.wikipedia.org", "www.google.com", "mail.google.com", "github.com",
            "api.github.com", "www.bbc.co.uk", "news.ycombinator.com", "www.debian.org",
            "deb.debian.org", "security.debian.org", "www.python.org", "pypi.org",
            "files.pythonhosted.org", "registry.npmjs.org", "www.reddit.com",
            "slack.com", "app.slack.com", "zoom.us", "teams.microsoft.com",
            "login.microsoftonline.com", "outlook.office365.com", "www.linkedin.com",
            "cdn.jsdelivr.net", "fonts.googleapis.com", "fonts.gstatic.com",
            "www.youtube.com", "i.ytimg.com", "www.amazon.com", "images-na.ssl-images-amazon.com",
            "s3.amazonaws.com", "time.cloudflare.com", "ntp.ubuntu.com", "archive.ubuntu.com",
            "www.nytimes.com", "static01.nyt.com", "www.theguardian.com", "twitter.com",
            "abs.twimg.com", "www.stackoverflow.com", "cdn.sstatic.net"]


def a_answer(rng):
    return [("A", bytes([93, rng.randrange(256), rng.randrange(256), rng.randrange(1, 255)]))]


def background(cap, clients, t0, t1, n):
    """n ordinary look-ups spread over [t0, t1) by the given clients."""
    rng = cap.rng
    for _ in range(n):
        t = t0 + rng.random() * (t1 - t0)
        cap.ask(t, rng.choice(clients), rng.choice(ORDINARY), "A", a_answer(rng))


def jitter_times(rng, t0, period, n, jitter=0.2):
    ts, t = [], t0
    for _ in range(n):
        ts.append(t)
        t += period * (1 + jitter * (2 * rng.random() - 1))
    return ts


WORDS = ("apple river stone cloud green tiger piano forest silver window garden "
         "orange summer winter rocket planet castle dragon yellow purple market "
         "bridge candle circle doctor engine family flower guitar hammer island "
         "jacket kitten ladder monkey number ocean pencil rabbit saddle ticket "
         "violin wallet zipper anchor basket cactus donkey falcon ginger harbor "
         "igloo jungle kernel lemon magnet needle olive parrot quiver radish "
         "salmon tomato velvet walnut yogurt barrel copper desert").split()
# 256 distinct words: the 64 above with a numeric-free suffix
WORDLIST = [w + s for s in ("", "s", "er", "ing") for w in WORDS][:256]

CASES = []


def case(tunnel, zones, tool, cls, desc):
    def deco(f):
        CASES.append((f.__name__, tunnel, zones, tool, cls, desc, f))
        return f
    return deco


# --------------------------------------------------------------------------
# tools


def cs_session(cap, domain, client, get_prefix, get_type, hours=2.0, sleep=60.0,
               put_meta="www", put_out="post"):
    """A Cobalt Strike DNS beacon as described publicly: the beacon asks
    for an A record of <beacon id>.<domain> every sleep period (answer
    0.0.0.0: nothing to do); with a task waiting the answer says so, the
    beacon sends its metadata (put_meta prefix, hex labels), fetches the
    task through get_prefix queries of get_type, and returns the output in
    put_out queries: <prefix>.<hex data labels>.<nonce>.<beacon id>."""
    rng = cap.rng
    bid = "%x" % rng.randrange(0x10000000, 0x7FFFFFFF)
    ts = jitter_times(rng, T0, sleep, int(hours * 3600 / sleep), 0.2)
    counter = rng.randrange(1 << 20)

    def nonce():
        nonlocal counter
        counter += 1
        return "%x%x" % (rng.randrange(1, 16), counter)

    for i, t in enumerate(ts):
        task = i % 9 == 4
        cap.ask(t, client, "%s.%s" % (bid, domain), "A",
                [("A", ip4("0.0.0.243" if task else "0.0.0.0"))])
        if not task:
            continue
        t += 0.5
        meta = bytes(rng.randrange(256) for _ in range(128))
        hx = meta.hex()
        for off in range(0, len(hx), 112):
            part = hx[off:off + 112]
            name = [put_meta] + split63(part, 56) + [nonce(), bid] + domain.split(".")
            cap.ask(t, client, name, "A", [("A", ip4("0.0.0.0"))])
            t += 0.2
        for k in range(4):
            n = nonce()
            if get_type == "TXT":
                ans = [("TXT", txt(base64.b64encode(bytes(rng.randrange(256) for _ in range(180)))))]
            elif get_type == "AAAA":
                ans = [("AAAA", bytes(rng.randrange(256) for _ in range(16)))]
            else:
                ans = [("A", bytes(rng.randrange(256) for _ in range(4)))]
            cap.ask(t, client, [get_prefix, n, bid] + domain.split("."), get_type, ans)
            t += 0.2
        out = bytes(rng.randrange(256) for _ in range(rng.randrange(200, 900)))
        hx = out.hex()
        for off in range(0, len(hx), 112):
            part = hx[off:off + 112]
            name = [put_out] + split63(part, 56) + [nonce(), bid] + domain.split(".")
            cap.ask(t, client, name, "A", [("A", ip4("0.0.0.0"))])
            t += 0.2
    background(cap, ["10.1.0.%d" % i for i in range(2, 12)], T0, T0 + hours * 3600, 300)


@case(True, "ms-updates-cdn.com", "cobaltstrike", "tool",
      "Cobalt Strike DNS beacon, default prefixes, TXT tasking (api.), A check-ins")
def cs_dns_txt(cap):
    cs_session(cap, "ms-updates-cdn.com", "10.1.0.50", "api", "TXT")


@case(True, "ipv6-cdn-edge.net", "cobaltstrike", "tool",
      "Cobalt Strike DNS beacon, AAAA tasking (www6.), A check-ins")
def cs_dns_aaaa(cap):
    cs_session(cap, "ipv6-cdn-edge.net", "10.1.0.51", "www6", "AAAA")


@case(True, "static-assets-cache.org", "cobaltstrike", "tool",
      "Cobalt Strike DNS beacon with malleable prefixes (dns-beacon block: get_A 'img.', put_metadata 'js.', put_output 'css.')")
def cs_malleable(cap):
    cs_session(cap, "static-assets-cache.org", "10.1.0.52", "img", "A", put_meta="js",
               put_out="css")


def sliver_session(cap, parent, client, base58, minutes=20):
    rng = cap.rng
    sess = rng.randrange(1, 1 << 24)
    msgc = 0

    def enc(b, force32=False):
        return b32(b, SLIVER_B32) if (force32 or not base58) else b58(b)

    def name(s):
        return split63(s) + parent.split(".")

    t = T0 + 5
    # TOTP: the dns session id comes back in an A record
    m = pb_field(1, 1) + pb_field(2, rng.randrange(100000, 999999))
    cap.ask(t, client, name(b32(m, SLIVER_B32)), "A",
            [("A", struct.pack("<I", sess)[:3] + b"\0")])
    t += 0.3
    # resolver fingerprint: NOP messages with 8 random bytes, base32 then base58
    for enc_fn in ((lambda b: b32(b, SLIVER_B32)), b58):
        for _ in range(4):
            m = pb_field(2, sess) + pb_field(6, bytes(rng.randrange(256) for _ in range(8)))
            cap.ask(t, client, name(enc_fn(m)), "A",
                    [("A", struct.pack("<I", zlib.crc32(m)))])
            t += 0.1

    def send(data, qtype, start_type):
        nonlocal msgc, t
        msgc += 1
        mid = (msgc % 255) << 24 | sess
        start = 0
        while start < len(data):
            chunk = data[start:start + 90]
            m = (pb_field(1, start_type) + pb_field(2, mid) + pb_field(3, start) +
                 pb_field(5, len(data)) + pb_field(6, chunk))
            ans = ([("TXT", txt(base64.b64encode(bytes(rng.randrange(256) for _ in range(40)))))]
                   if qtype == "TXT" else [("A", ip4("0.0.0.0"))])
            cap.ask(t, client, name(enc(m)), qtype, ans)
            t += 0.05
            start += len(chunk)

    # INIT: the session key encrypted to the server (TXT)
    send(bytes(rng.randrange(256) for _ in range(140)), "TXT", 2)
    end = T0 + minutes * 60
    while t < end:
        # POLL with a nonce; the manifest says whether data waits
        m = pb_field(1, 3) + pb_field(2, sess) + pb_field(6, bytes(rng.randrange(256) for _ in range(8)))
        waiting = rng.random() < 0.08
        man = pb_field(1, 6) + pb_field(2, sess) + pb_field(5, 400 if waiting else 0)
        cap.ask(t, client, name(enc(m)), "TXT", [("TXT", txt(base64.b64encode(man)))])
        t += 0.1
        if waiting:
            for start in range(0, 400, 182):
                m = (pb_field(1, 7) + pb_field(2, sess) + pb_field(3, start) +
                     pb_field(4, min(start + 182, 400)))
                data = pb_field(1, 7) + pb_field(3, start) + pb_field(
                    6, bytes(rng.randrange(256) for _ in range(min(182, 400 - start))))
                cap.ask(t, client, name(b32(m, SLIVER_B32)), "TXT",
                        [("TXT", txt(base64.b64encode(data)))])
                t += 0.05
            send(bytes(rng.randrange(256) for _ in range(rng.randrange(100, 600))), "A", 8)
        t += 2 + rng.random()
    background(cap, ["10.2.0.%d" % i for i in range(2, 12)], T0, end, 200)


@case(True, "c2.analytics-sync.net,analytics-sync.net", "sliver", "tool",
      "Sliver DNS C2, base32 (Sliver alphabet) protobuf DNSMessages: TOTP, NOP, INIT, POLL, DATA")
def sliver_b32(cap):
    sliver_session(cap, "c2.analytics-sync.net", "10.2.0.50", False)


@case(True, "ns.telemetry-hub.org,telemetry-hub.org", "sliver", "tool",
      "Sliver DNS C2 through a case-preserving resolver: base58 protobuf messages")
def sliver_b58(cap):
    sliver_session(cap, "ns.telemetry-hub.org", "10.2.0.51", True)


@case(True, "godoh-c2.net", "godoh", "tool",
      "godoh: TXT polls of <ident>.<domain> answered v=B2B3FE1C, command output in "
      "ident.type(be/ef/ca).seq.crc32.proto.len.hex.hex.hex A look-ups answered 1.1.1.1")
def godoh(cap):
    rng = cap.rng
    domain, client = "godoh-c2.net", "10.3.0.50"
    agent = "%x" % rng.randrange(0x10000000, 0xFFFFFFFF)
    t = T0
    end = T0 + 3600
    while t < end:
        cmd = rng.random() < 0.1
        cap.ask(t, client, "%s.%s" % (agent, domain), "TXT",
                [("TXT", txt("v=A9F466E8," + _hexh(rng, 40) if cmd else "v=B2B3FE1C"))])
        t += 1
        if cmd:
            data = bytes(rng.randrange(256) for _ in range(rng.randrange(150, 1500)))
            ident = bytes(rng.randrange(256) for _ in range(2)).hex()
            reqs = ["%s.be.0.%02x.1.0.0.0.0" % (ident, zlib.crc32(b""))]
            seq = 1
            for off in range(0, len(data), 90):
                s = data[off:off + 90]
                parts = [s[i:i + 30].hex() for i in range(0, len(s), 30)]
                parts += ["0"] * (3 - len(parts))
                reqs.append("%s.ef.%d.%02x.1.%x.%s" % (ident, seq, zlib.crc32(s),
                                                       (len(s) + 29) // 30, ".".join(parts)))
                seq += 1
            reqs.append("%s.ca.%d.%02x.1.0.0.0.0" % (ident, seq, zlib.crc32(b"")))
            for r in reqs:
                cap.ask(t, client, r + "." + domain, "A", [("A", ip4("1.1.1.1"))])
                t += 0.05
        t += 9 + 2 * rng.random()
    background(cap, ["10.3.0.%d" % i for i in range(2, 12)], T0, end, 200)


@case(True, "chashell.io-sync.com,io-sync.com", "chashell", "tool",
      "chashell: hex of a 24-byte nonce and a NaCl secretbox of protobuf messages, "
      "63-character labels, TXT queries and hex TXT answers")
def chashell(cap):
    rng = cap.rng
    domain, client = "chashell.io-sync.com", "10.4.0.50"
    guid = bytes(rng.randrange(256) for _ in range(16))

    def packet(pb):
        return (bytes(rng.randrange(256) for _ in range(24)) +
                bytes(rng.randrange(256) for _ in range(len(pb) + 16))).hex()

    t, end = T0, T0 + 1800
    while t < end:
        poll = pb_field(1, guid) + pb_field(2, pb_field(1, guid))
        ans = packet(pb_field(1, guid)) if rng.random() < 0.9 else packet(
            pb_field(1, guid) + pb_field(3, bytes(rng.randrange(256) for _ in range(60))))
        cap.ask(t, client, split63(packet(poll)) + domain.split("."), "TXT", [("TXT", txt(ans))])
        t += 0.2
        if rng.random() < 0.1:
            out = bytes(rng.randrange(256) for _ in range(rng.randrange(50, 400)))
            chunk = 240 // 2 - len(domain) - 16 - 24 * 2
            chunks = [out[i:i + chunk] for i in range(0, len(out), chunk)]
            start = pb_field(1, guid) + pb_field(4, pb_field(1, 3) + pb_field(2, len(chunks)))
            cap.ask(t, client, split63(packet(start)) + domain.split("."), "TXT",
                    [("TXT", txt(packet(pb_field(1, guid))))])
            for n, c in enumerate(chunks):
                m = pb_field(1, guid) + pb_field(5, pb_field(1, 3) + pb_field(2, n) + pb_field(3, c))
                cap.ask(t, client, split63(packet(m)) + domain.split("."), "TXT",
                        [("TXT", txt(packet(pb_field(1, guid))))])
                t += 0.05
        t += 1 + rng.random()
    background(cap, ["10.4.0.%d" % i for i in range(2, 12)], T0, end, 150)


@case(True, "passwords.zip", "dnsteal", "tool",
      "dnsteal: gzip+base64 ('+' as '*') in 57-character labels each ending '-', four a "
      "query, the file name as the domain, sent straight to the server")
def dnsteal(cap):
    rng = cap.rng
    data = bytes(rng.randrange(256) for _ in range(6000))
    b = base64.b64encode(zlib.compress(data, 9) + data[:2000]).decode().replace("+", "*")
    chunks = [b[i:i + 57] for i in range(0, len(b), 57)]
    t = T0
    for i in range(0, len(chunks), 4):
        labels = [c + "-" for c in chunks[i:i + 4]]
        cap.ask(t, "10.5.0.50", labels + ["passwords", "zip"], "A",
                [("A", ip4("1.1.1.1"))], server="203.0.113.66")
        t += 0.05
    background(cap, ["10.5.0.%d" % i for i in range(2, 12)], T0, t + 60, 100)


def stager(cap, domain, prefix, rtype, client):
    rng = cap.rng
    key = rng.randrange(1, 256)
    shell = bytes((rng.randrange(256) ^ key) for _ in range(900))
    t = T0 + 10
    step = 16 if rtype == "AAAA" else 4
    for i in range(0, len(shell), step):
        chunk = shell[i:i + step].ljust(step, b"\0")
        cap.ask(t, client, "%s%d.%s" % (prefix, i // step, domain), rtype, [(rtype, chunk)])
        t += 0.03
    background(cap, ["10.6.0.%d" % i for i in range(2, 12)], T0, T0 + 600, 150)


@case(True, "test.mydnsserver.live,mydnsserver.live", "dnsstager", "tool",
      "DNSStager x64/c/ipv6: XOR-encoded shellcode in AAAA answers of <prefix><N>.<domain>")
def dnsstager_aaaa(cap):
    stager(cap, "test.mydnsserver.live", "cloud-srv-", "AAAA", "10.6.0.50")


@case(True, "stage.fileshare-cdn.net,fileshare-cdn.net", "-", "tool",
      "DNSStager A-record variant: four payload bytes per A answer of <prefix><N>.<domain> "
      "(four random bytes look like any address: no tool name expected)")
def dnsstager_a(cap):
    stager(cap, "stage.fileshare-cdn.net", "node", "A", "10.6.0.51")


@case(True, "blop-tunnel.info", "tuns", "tool",
      "TUNS: IP packets in upper-case base32 ('9' padding) under t.<domain>, CNAME-only; "
      "polls d<N>.u.<domain>; answers CNAME zero.u / <data>.u / length<N>.t")
def tuns(cap):
    rng = cap.rng
    dom, client = "blop-tunnel.info", "10.7.0.50"
    tb = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"

    def enc(b):
        s = b32(b, tb)
        pad = (-len(b) % 5) * 8 // 5 if len(b) % 5 else 0
        return s + "9" * pad

    t, req = T0, 0
    for k in range(500):
        if rng.random() < 0.5:
            pkt = bytes(rng.randrange(256) for _ in range(rng.randrange(40, 100)))
            cap.ask(t, client, split63(enc(pkt)) + ["t"] + dom.split("."), "CNAME",
                    [("CNAME", wname("length%d.t.%s" % (rng.randrange(0, 3), dom)))])
        else:
            if rng.random() < 0.5:
                target = "zero.u." + dom
            else:
                target = ".".join(split63(enc(bytes(rng.randrange(256)
                                                     for _ in range(rng.randrange(40, 90)))))) + ".u." + dom
            cap.ask(t, client, "d%d.u.%s" % (req, dom), "CNAME", [("CNAME", wname(target))])
            req += 1
        t += 0.1 + rng.random() * 0.3
    background(cap, ["10.7.0.%d" % i for i in range(2, 12)], T0, t, 100)


@case(True, "hy.darkdns.org,darkdns.org", "-", "tool",
      "Heyoka-style: 8-bit binary labels upstream, answers with binary data "
      "(the tool's exact framing is not published: no tool name expected)")
def heyoka(cap):
    rng = cap.rng
    t = T0
    for k in range(300):
        labels = [bytes(rng.choice([c for c in range(1, 256) if c != 0x2E]) for _ in range(50)),
                  bytes(rng.choice([c for c in range(1, 256) if c != 0x2E]) for _ in range(50))]
        cap.ask(t, "10.8.0.50", labels + ["hy", "darkdns", "org"], "NULL",
                [("NULL", bytes(rng.randrange(256) for _ in range(120)))])
        t += 0.2
    background(cap, ["10.8.0.%d" % i for i in range(2, 12)], T0, t, 100)


@case(True, "tcp-tunnel-relay.net", "-", "tool",
      "a tunnel over DNS-over-TCP only: base32 TXT queries, base64 TXT answers, one "
      "connection per exchange")
def tcp_only(cap):
    rng = cap.rng
    t = T0
    for k in range(200):
        p = b32(bytes(rng.randrange(256) for _ in range(70)))
        cap.ask(t, "10.9.0.50", split63(p, 50) + ["tcp-tunnel-relay", "net"], "TXT",
                [("TXT", txt(base64.b64encode(bytes(rng.randrange(256) for _ in range(150)))))],
                tcp=True)
        t += 0.5
    background(cap, ["10.9.0.%d" % i for i in range(2, 12)], T0, t, 100)


# --------------------------------------------------------------------------
# encodings that evade entropy

@case(True, "word-sync.net", "-", "encoding",
      "dictionary-word encoding: each payload byte one of 256 English words, three to "
      "five words a label")
def dict_words(cap):
    rng = cap.rng
    t = T0
    for k in range(400):
        data = bytes(rng.randrange(256) for _ in range(12))
        words = [WORDLIST[b] for b in data]
        labels, cur = [], ""
        for w in words:
            if len(cur) + len(w) > 40:
                labels.append(cur)
                cur = ""
            cur += w
        labels.append(cur)
        cap.ask(t, "10.10.0.50", labels + ["word-sync", "net"], "A", [("A", ip4("127.0.0.1"))])
        t += 2 + rng.random()
    background(cap, ["10.10.0.%d" % i for i in range(2, 12)], T0, t, 200)


@case(True, "lexicon-cdn.com", "-", "encoding",
      "dictionary-word encoding with hyphens: each payload byte one English word, words "
      "joined by '-' into host-name-like labels")
def dict_words_hyphen(cap):
    rng = cap.rng
    t = T0
    for k in range(400):
        data = bytes(rng.randrange(256) for _ in range(12))
        labels, cur = [], []
        for w in (WORDLIST[b] for b in data):
            if len("-".join(cur + [w])) > 40:
                labels.append("-".join(cur))
                cur = []
            cur.append(w)
        labels.append("-".join(cur))
        cap.ask(t, "10.10.1.50", labels + ["lexicon-cdn", "com"], "A", [("A", ip4("127.0.0.1"))])
        t += 2 + rng.random()
    background(cap, ["10.10.1.%d" % i for i in range(2, 12)], T0, t, 200)


@case(True, "num-relay.com", "-", "encoding",
      "decimal-digit encoding: payload as a big decimal number in 30-digit labels")
def decimal_digits(cap):
    rng = cap.rng
    t = T0
    for k in range(400):
        n = int.from_bytes(bytes(rng.randrange(256) for _ in range(24)), "big")
        s = str(n).rjust(58, "0")
        cap.ask(t, "10.11.0.50", [s[:29], s[29:]] + ["num-relay", "com"], "A",
                [("A", ip4("127.0.0.2"))])
        t += 2 + rng.random()
    background(cap, ["10.11.0.%d" % i for i in range(2, 12)], T0, t, 200)


@case(True, "hexdrip.net", "-", "encoding",
      "short hex labels (8-16 characters) spread over 1500 queries (about 9 KB)")
def short_hex(cap):
    rng = cap.rng
    t = T0
    for k in range(1500):
        n = rng.randrange(4, 9)
        cap.ask(t, "10.12.0.50", [bytes(rng.randrange(256) for _ in range(n)).hex(), "hexdrip", "net"],
                "A", [("A", ip4("127.0.0.3"))])
        t += 1 + rng.random() * 2
    background(cap, ["10.12.0.%d" % i for i in range(2, 12)], T0, t, 300)


# --------------------------------------------------------------------------
# spread over domains, clients, time

@case(True, ",".join("exf%02d-data.com" % i for i in range(30)), "-", "spread",
      "one client exfiltrating 6 KB over 30 registered domains, 10 queries each")
def many_domains(cap):
    rng = cap.rng
    t = T0
    for i in range(30):
        for k in range(10):
            p = b32(bytes(rng.randrange(256) for _ in range(20)))
            cap.ask(t, "10.13.0.50", [p, "exf%02d-data" % (i % 30), "com"], "A",
                    [], rcode=3)
            t += 3 + rng.random() * 3
    background(cap, ["10.13.0.%d" % i for i in range(2, 12)], T0, t, 200)


@case(True, "cdn-botsync.net", "-", "spread",
      "80 hosts moving 10 KB in small pieces: two or three 40-character base32 queries each")
def botnet_clients(cap):
    rng = cap.rng
    t = T0
    for h in range(80):
        for k in range(rng.randrange(2, 4)):
            p = b32(bytes(rng.randrange(256) for _ in range(25)))
            cap.ask(T0 + rng.random() * 7200, "10.14.%d.%d" % (h // 200, 10 + h % 200),
                    [p, "cdn-botsync", "net"], "TXT", [("TXT", txt("ok"))])
    background(cap, ["10.14.1.%d" % i for i in range(2, 42)], T0, T0 + 7200, 600)


def low_slow(cap, domain, client, nbytes, hours):
    rng = cap.rng
    per = 30
    n = nbytes // per
    ts = sorted(T0 + rng.random() * hours * 3600 for _ in range(n))
    for i, t in enumerate(ts):
        p = b32(bytes([i & 0xFF]) + bytes(rng.randrange(256) for _ in range(per - 1)))
        cap.ask(t, client, [p, domain.split(".")[0], domain.split(".")[1]], "A", [("A", ip4("10.255.0.1"))])
    background(cap, ["10.15.0.%d" % i for i in range(2, 22)], T0, T0 + hours * 3600, 800)


@case(True, "slowleak-telemetry.com", "-", "low-slow",
      "low and slow: 1 KB in 30-byte base32 pieces over 6 hours, jittered")
def low_slow_1k_6h(cap):
    low_slow(cap, "slowleak-telemetry.com", "10.15.0.50", 1024, 6)


@case(True, "drip-metrics.net", "-", "low-slow",
      "low and slow: 4 KB in 30-byte base32 pieces over 24 hours, jittered")
def low_slow_4k_24h(cap):
    low_slow(cap, "drip-metrics.net", "10.15.0.51", 4096, 24)


# --------------------------------------------------------------------------
# zones

@case(True, "exfil-suffix.net", "-", "zone",
      "glibc search-suffix retries: every NXDOMAIN payload is retried as "
      "<data>.<zone>.corp.example.com; other hosts look up ordinary corporate names")
def search_suffix(cap):
    rng = cap.rng
    t = T0
    for k in range(200):
        p = b32(bytes(rng.randrange(256) for _ in range(30)))
        name = [p, "exfil-suffix", "net"]
        cap.ask(t, "10.16.0.50", name, "A", [], rcode=3)
        cap.ask(t + 0.05, "10.16.0.50", name + ["corp", "example", "com"], "A", [], rcode=3)
        t += 1 + rng.random()
    hosts = ["wiki", "jira", "git", "mail", "intranet", "printer1", "fileserver", "vpn",
             "ldap", "build01", "build02", "grafana", "nas"]
    for k in range(400):
        c = "10.16.1.%d" % rng.randrange(2, 60)
        cap.ask(T0 + rng.random() * (t - T0), c, "%s.corp.example.com" % rng.choice(hosts),
                "A", [("A", ip4("10.20.0.%d" % rng.randrange(1, 200)))])
    background(cap, ["10.16.1.%d" % i for i in range(2, 40)], T0, t, 300)


@case(True, "mytun.mooo.com", "-", "zone",
      "a tunnel under a shared dynamic-DNS domain not on the PSL (FreeDNS *.mooo.com); "
      "other hosts resolve other users' names there")
def dyndns(cap):
    rng = cap.rng
    t = T0
    for k in range(300):
        p = b32(bytes(rng.randrange(256) for _ in range(30)))
        cap.ask(t, "10.17.0.50", [p, "mytun", "mooo", "com"], "TXT",
                [("TXT", txt(base64.b64encode(bytes(rng.randrange(256) for _ in range(60)))))])
        t += 1 + rng.random()
    users = ["homeserver", "bob-nas", "cam01", "minecraft", "plex-alice", "gitea", "pi-hole"]
    for k in range(300):
        cap.ask(T0 + rng.random() * (t - T0), "10.17.1.%d" % rng.randrange(2, 40),
                "%s.mooo.com" % rng.choice(users), "A", a_answer(rng))
    background(cap, ["10.17.1.%d" % i for i in range(2, 40)], T0, t, 300)


# --------------------------------------------------------------------------
# benign

def _hexh(rng, n):
    return bytes(rng.randrange(256) for _ in range(n)).hex()


@case(False, "-", "-", "benign", "anti-virus and reputation hash look-ups: Sophos, McAfee GTI, "
      "ESET, Team Cymru MHR")
def av_lookups(cap):
    rng = cap.rng
    clients = ["10.18.0.%d" % i for i in range(2, 60)]
    for k in range(1500):
        t = T0 + rng.random() * 7200
        c = rng.choice(clients)
        kind = rng.randrange(4)
        if kind == 0:
            name = "%s.%s.%s.3.sophosxl.net" % (_hexh(rng, 16)[:32], _hexh(rng, 4), _hexh(rng, 2))
            cap.ask(t, c, name, "A", [("A", ip4("127.0.0.1"))])
        elif kind == 1:
            name = "0.0.0.0.1.0.0.4e.%s.avqs.mcafee.com" % b32(bytes(rng.randrange(256) for _ in range(16)))
            cap.ask(t, c, name, "A", [("A", ip4("127.0.0.%d" % rng.randrange(1, 8)))])
        elif kind == 2:
            name = "%s.%s.e5.sk" % (_hexh(rng, 20), _hexh(rng, 2))
            cap.ask(t, c, name, "A", [], rcode=3)
        else:
            name = "%s.malware.hash.cymru.com" % _hexh(rng, 16)
            cap.ask(t, c, name, "TXT", [], rcode=3)
    background(cap, clients, T0, T0 + 7200, 600)


@case(False, "-", "-", "benign", "DNSBL look-ups of IPv4 and IPv6 (nibble) addresses")
def dnsbl(cap):
    rng = cap.rng
    for k in range(1500):
        t = T0 + rng.random() * 7200
        c = "10.19.0.%d" % rng.randrange(2, 6)
        bl = rng.choice(["zen.spamhaus.org", "bl.spamcop.net", "b.barracudacentral.org",
                         "dnsbl.sorbs.net"])
        if rng.random() < 0.5:
            name = ".".join(str(rng.randrange(256)) for _ in range(4)) + "." + bl
        else:
            name = ".".join(_hexh(rng, 16)) + "." + bl
        listed = rng.random() < 0.05
        cap.ask(t, c, name, "A", [("A", ip4("127.0.0.2"))] if listed else [], rcode=0 if listed else 3)
    background(cap, ["10.19.0.%d" % i for i in range(2, 30)], T0, T0 + 7200, 400)


@case(False, "-", "-", "benign", "Chrome's intranet-redirect probes: random 7-15 letter "
      "single-label names, NXDOMAIN, from 60 browsers")
def chrome_probes(cap):
    rng = cap.rng
    for k in range(900):
        t = T0 + rng.random() * 7200
        c = "10.20.0.%d" % rng.randrange(2, 62)
        name = "".join(rng.choice("abcdefghijklmnopqrstuvwxyz") for _ in range(rng.randrange(7, 16)))
        cap.ask(t, c, name, "A", [], rcode=3)
    background(cap, ["10.20.0.%d" % i for i in range(2, 62)], T0, T0 + 7200, 800)


@case(False, "-", "-", "benign", "DGA NXDOMAIN bursts: 400 random .com/.net names, each its "
      "own registered domain")
def dga_nx(cap):
    rng = cap.rng
    t = T0
    for burst in range(4):
        for k in range(100):
            name = "".join(rng.choice("abcdefghijklmnopqrstuvwxyz0123456789")
                           for _ in range(rng.randrange(10, 20))) + rng.choice([".com", ".net", ".org"])
            cap.ask(t, "10.21.0.50", name, "A", [], rcode=3)
            t += 0.05
        t += 1800
    background(cap, ["10.21.0.%d" % i for i in range(2, 30)], T0, t, 400)


@case(False, "-", "-", "benign", "ACME DNS-01 through acme-dns: a poller asks TXT of "
      "_acme-challenge names CNAMEd to <uuid>.auth.acme-dns.io every 10 s")
def acme_dns01(cap):
    rng = cap.rng
    import uuid
    ids = [str(uuid.UUID(int=rng.getrandbits(128), version=4)) for _ in range(25)]
    # the record holds the current validation token (base64url of a
    # SHA-256): two per name, the old one and the one being validated
    toks = {u: [base64.urlsafe_b64encode(bytes(rng.randrange(256) for _ in range(32))).decode().rstrip("=")
                for _ in range(2)] for u in ids}
    t = T0
    while t < T0 + 3600:
        for u in rng.sample(ids, 8):
            cap.ask(t, "10.22.0.50", "%s.auth.acme-dns.io" % u, "TXT",
                    [("TXT", txt(tok)) for tok in toks[u]])
            t += 0.2
        t += 10
    background(cap, ["10.22.0.%d" % i for i in range(2, 30)], T0, t, 400)


@case(False, "-", "-", "benign", "Office 365, Azure, AWS, Akamai and googlevideo host names")
def cloud_cdn(cap):
    rng = cap.rng
    for k in range(2500):
        t = T0 + rng.random() * 7200
        c = "10.23.0.%d" % rng.randrange(2, 80)
        kind = rng.randrange(6)
        if kind == 0:
            name = "r%d---sn-%s.googlevideo.com" % (rng.randrange(1, 9), "".join(
                rng.choice("abcdefghijklmnopqrstuvwxyz0123456789") for _ in range(8)))
        elif kind == 1:
            name = "e%d.dscb.akamaiedge.net" % rng.randrange(1000, 99999)
        elif kind == 2:
            name = "ec2-%d-%d-%d-%d.compute-1.amazonaws.com" % tuple(rng.randrange(256) for _ in range(4))
        elif kind == 3:
            name = "%s.blob.core.windows.net" % "".join(rng.choice("abcdefghijklmnopqrstuvwxyz0123456789") for _ in range(16))
        elif kind == 4:
            name = "%s-%s.%s.outlook.office365.com" % (_hexh(rng, 4), _hexh(rng, 2), rng.choice(["ams", "fra", "lon"]))
        else:
            name = "%s.cloudfront.net" % "".join(rng.choice("abcdefghijklmnopqrstuvwxyz0123456789") for _ in range(14))
        cap.ask(t, c, name, "A", a_answer(rng))
    background(cap, ["10.23.0.%d" % i for i in range(2, 80)], T0, T0 + 7200, 800)


@case(False, "-", "-", "benign", "DKIM and DMARC TXT look-ups of a mail server")
def dkim_dmarc(cap):
    rng = cap.rng
    doms = ["example%d.com" % i for i in range(120)]
    for k in range(1200):
        t = T0 + rng.random() * 7200
        d = rng.choice(doms)
        if rng.random() < 0.5:
            sel = rng.choice(["selector1", "selector2", "google", "s1", "k1", "%08d" % rng.randrange(10**8)])
            key = base64.b64encode(bytes(rng.randrange(256) for _ in range(270))).decode()
            cap.ask(t, "10.24.0.25", "%s._domainkey.%s" % (sel, d), "TXT",
                    [("TXT", txt("v=DKIM1; k=rsa; p=" + key))])
        else:
            cap.ask(t, "10.24.0.25", "_dmarc." + d, "TXT",
                    [("TXT", txt("v=DMARC1; p=reject; rua=mailto:dmarc@" + d))])
    background(cap, ["10.24.0.%d" % i for i in range(2, 30)], T0, T0 + 7200, 400)


@case(False, "-", "-", "benign", "DNS-SD / mDNS service browsing on 5353")
def dnssd(cap):
    rng = cap.rng
    svcs = ["_airplay._tcp.local", "_googlecast._tcp.local", "_ipp._tcp.local",
            "_spotify-connect._tcp.local", "_raop._tcp.local", "_companion-link._tcp.local"]
    for k in range(1500):
        t = T0 + rng.random() * 3600
        c = "10.25.0.%d" % rng.randrange(2, 40)
        s = rng.choice(svcs)
        inst = "%s-%s.%s" % (rng.choice(["Living Room", "Office", "Kitchen"]).replace(" ", "-"),
                             _hexh(rng, 6), s)
        cap.ask(t, c, s, "PTR", [("PTR", wname(inst))], server="224.0.0.251", port=5353)
    for k in range(300):
        cap.ask(T0 + rng.random() * 3600, "10.25.0.%d" % rng.randrange(2, 40),
                "_services._dns-sd._udp.local", "PTR", [("PTR", wname(rng.choice(svcs)))],
                server="224.0.0.251", port=5353)


@case(False, "-", "-", "benign", "a PTR storm: a log server resolving 3000 client addresses")
def ptr_storm(cap):
    rng = cap.rng
    for k in range(3000):
        t = T0 + k * 0.5
        a = [rng.randrange(256) for _ in range(4)]
        cap.ask(t, "10.26.0.10", "%d.%d.%d.%d.in-addr.arpa" % (a[3], a[2], a[1], a[0]), "PTR",
                [("PTR", wname("host-%d-%d.isp%d.example.net" % (a[2], a[3], a[0] % 9)))]
                if rng.random() < 0.6 else [], rcode=0 if rng.random() < 0.6 else 3)


@case(False, "-", "-", "benign", "a DNSSEC-validating resolver: DNSKEY, DS, NSEC3 denials "
      "with base32hex owner names, RRSIGs")
def dnssec(cap):
    rng = cap.rng
    zones = ["example%d.org" % i for i in range(60)]
    for k in range(1500):
        t = T0 + rng.random() * 3600
        z = rng.choice(zones)
        kind = rng.randrange(3)
        if kind == 0:
            cap.ask(t, "10.27.0.53", z, "DNSKEY",
                    [("DNSKEY", b"\x01\x01\x03\x08" + bytes(rng.randrange(256) for _ in range(260))),
                     ("RRSIG", bytes(rng.randrange(256) for _ in range(280)))], server="192.0.2.1", do=True)
        elif kind == 1:
            cap.ask(t, "10.27.0.53", z, "DS",
                    [("DS", struct.pack("!HBB", rng.randrange(65536), 8, 2) + bytes(rng.randrange(256) for _ in range(32)))],
                    server="192.0.2.1", do=True)
        else:
            h = b32(bytes(rng.randrange(256) for _ in range(20)), "0123456789abcdefghijklmnopqrstuv")
            nsec3 = b"\x01\x00\x00\x0a\x04" + bytes(rng.randrange(256) for _ in range(4)) + b"\x14" + \
                bytes(rng.randrange(256) for _ in range(20)) + b"\x00\x06\x40\x00\x00\x00\x00\x03"
            cap.ask(t, "10.27.0.53", "nothere%d.%s" % (rng.randrange(10**6), z), "A",
                    [("NSEC3", nsec3, "%s.%s" % (h, z)),
                     ("RRSIG", bytes(rng.randrange(256) for _ in range(150)), "%s.%s" % (h, z))],
                    rcode=3, server="192.0.2.1", do=True)


@case(False, "-", "-", "benign", "a busy office: 300 clients browsing for two hours")
def busy_office(cap):
    rng = cap.rng
    clients = ["10.28.%d.%d" % (i // 200, 2 + i % 200) for i in range(300)]
    background(cap, clients, T0, T0 + 7200, 9000)
    for k in range(1500):
        t = T0 + rng.random() * 7200
        c = rng.choice(clients)
        sub = rng.choice(["telemetry", "events", "collector", "api", "cdn", "static", "img"])
        d = rng.choice(["vendor%d.com" % i for i in range(60)])
        cap.ask(t, c, "%s.%s" % (sub, d), rng.choice(["A", "AAAA", "HTTPS"]), a_answer(rng))


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: gen_eval.py OUTDIR")
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    with open(os.path.join(out, "LABELS.tsv"), "w") as lf:
        lf.write("case\ttunnel\tzones\ttool\tclass\tdescription\n")
        for name, tunnel, zones, tool, cls, desc, fn in CASES:
            cap = Capture(name)
            fn(cap)
            size = cap.write(os.path.join(out, name + ".pcap"))
            assert size < 4 << 20, (name, size)
            lf.write("%s\t%s\t%s\t%s\t%s\t%s\n" % (name, "yes" if tunnel else "no", zones, tool, cls, desc))


if __name__ == "__main__":
    main()
