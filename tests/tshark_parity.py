#!/usr/bin/python3
"""DNS message parity between `dnstunnel-scan --messages` and tshark.

usage: tshark_parity.py BIN SRCDIR [CORPUS] [-v] [--known TSV] [FILE...]

For every capture (CORPUS/public/{tunnel,benign,edge}/* and
SRCDIR/testdata/pcap/*.pcap*, or the FILEs given) both tools are run and
their DNS messages compared as multisets of

    (qr, ((qname, qtype), ...))    -- every question of the message

The number of messages must agree too.  Exit 0 when every difference is
explained, 1 otherwise, 77 when tshark is not installed.

How tshark is run, and why:
  * -o tcp.desegment_tcp_streams:TRUE and tcp.reassemble_out_of_order:TRUE:
    the scanner reassembles TCP streams, out-of-order segments included
    (tshark 4.0 leaves the latter off by default).
  * ip.defragment / ipv6.defragment TRUE (tshark's default, made explicit).
  * No -d, and --disable-heuristic dns_udp: tshark's DNS dissectors sit on
    UDP 53, 5353 (mDNS) and 5355 (LLMNR) and TCP 53 and 5353, the scanner
    reads 53, 5353 and 5355 by default.  tshark 4.0 also has a heuristic
    DNS-over-UDP dissector that finds DNS on any port (it decodes
    tcpdump__dns_udp_8053.pcap); the scanner only does that with --port,
    so the heuristic is off and DNS on other ports is invisible to both.
    Where tshark finds DNS elsewhere (inside ICMP errors, in HTTP bodies of DoH), the
    difference must be listed in tshark_parity_known.tsv.
  * Each DNS PDU is one dns layer: -E occurrence=a, and a frame with
    several layers (coalesced TCP messages) is split with dns.count.queries.

Names: the scanner writes DNS presentation format (RFC 1035 5.1: "\\." for
a dot inside a label, "\\\\", "\\DDD" for bytes outside 0x21..0x7e).  tshark
4.0 writes label bytes raw, except C escapes for 0x07..0x0d, three-digit
octal escapes (\\ooo) for other control bytes and 0x7f, and U+FFFD for
bytes that are not valid UTF-8; a dot inside a label and a backslash are
not escaped at all.  That rendering loses information, so the scanner's
name is decoded to its exact label bytes and rendered the way tshark would;
the comparison is then exact on tshark's (lossy) view, except that a run
of U+FFFD counts as one (tshark and Python split invalid UTF-8 into
replacement characters differently).  The root is "." for
us, "<Root>" for tshark.

Known differences (tests/tshark_parity_known.tsv: file, kind, reason).
kind is one of
  icmp_quoted   tshark-only messages in frames that are ICMP/ICMPv6 errors
                quoting a DNS datagram (not a DNS message on the wire)
  bad_question  tshark-only messages whose question tshark itself could not
                read (header cut, qdcount > 0 without a name, or a
                "<Name too long>"-style marker)
A question tshark cannot read (a marker like "<Name too long>" instead of a
name, or fewer names than qdcount) ends the message's question list on the
tshark side; the scanner logs such a message with qname null (and lists the
questions it could read), so both sides then compare equal.
  frames:N,M,.. any difference located in these tshark frame numbers
  any           every difference in the file (say why!)
The file column is the path relative to the corpus's public/ folder
(edge/x.pcap) or to the source folder (testdata/pcap/x.pcap).  An entry
that explains nothing is reported as stale.
"""

import collections
import datetime
import json
import os
import re
import shutil
import subprocess
import sys

TSHARK_OPTS = ["-o", "tcp.desegment_tcp_streams:TRUE",
               "-o", "tcp.reassemble_out_of_order:TRUE",
               "-o", "ip.defragment:TRUE", "-o", "ipv6.defragment:TRUE",
               "--disable-heuristic", "dns_udp"]
AGG = "\x1e"   # aggregator between occurrences; tshark escapes it inside names

# IANA RR TYPE mnemonics as the scanner prints them (and TYPEnnn otherwise)
TYPES = {
    "A": 1, "NS": 2, "MD": 3, "MF": 4, "CNAME": 5, "SOA": 6, "MB": 7, "MG": 8,
    "MR": 9, "NULL": 10, "WKS": 11, "PTR": 12, "HINFO": 13, "MINFO": 14,
    "MX": 15, "TXT": 16, "RP": 17, "AFSDB": 18, "X25": 19, "ISDN": 20, "RT": 21,
    "NSAP": 22, "NSAP-PTR": 23, "SIG": 24, "KEY": 25, "PX": 26, "GPOS": 27,
    "AAAA": 28, "LOC": 29, "NXT": 30, "EID": 31, "NIMLOC": 32, "SRV": 33,
    "ATMA": 34, "NAPTR": 35, "KX": 36, "CERT": 37, "A6": 38, "DNAME": 39,
    "SINK": 40, "OPT": 41, "APL": 42, "DS": 43, "SSHFP": 44, "IPSECKEY": 45,
    "RRSIG": 46, "NSEC": 47, "DNSKEY": 48, "DHCID": 49, "NSEC3": 50,
    "NSEC3PARAM": 51, "TLSA": 52, "SMIMEA": 53, "HIP": 55, "NINFO": 56,
    "RKEY": 57, "TALINK": 58, "CDS": 59, "CDNSKEY": 60, "OPENPGPKEY": 61,
    "CSYNC": 62, "ZONEMD": 63, "SVCB": 64, "HTTPS": 65, "DSYNC": 66,
    "HHIT": 67, "BRID": 68, "SPF": 99, "UINFO": 100, "UID": 101, "GID": 102,
    "UNSPEC": 103, "NID": 104, "L32": 105, "L64": 106, "LP": 107,
    "EUI48": 108, "EUI64": 109, "NXNAME": 128, "TKEY": 249, "TSIG": 250,
    "IXFR": 251, "AXFR": 252, "MAILB": 253, "MAILA": 254, "ANY": 255, "*": 255,
    "URI": 256, "CAA": 257, "AVC": 258, "DOA": 259, "AMTRELAY": 260,
    "RESINFO": 261, "WALLET": 262, "CLA": 263, "IPN": 264, "TA": 32768,
    "DLV": 32769,
}
ICMP_ERRORS = {"3", "4", "5", "11", "12"}
ICMP6_ERRORS = {"1", "2", "3", "4"}
C_ESC = {7: "\\a", 8: "\\b", 9: "\\t", 10: "\\n", 11: "\\v", 12: "\\f", 13: "\\r"}


class ParityError(Exception):
    pass


# ---------------------------------------------------------------------------
# names

def pres_to_labels(s):
    """Presentation-format name -> list of label bytes (exact)."""
    if s in (".", ""):
        return []
    labels, cur, i = [], bytearray(), 0
    b = s.encode("utf-8", "surrogateescape")
    while i < len(b):
        c = b[i]
        if c == 0x5C:   # backslash
            if len(b[i + 1:i + 4]) == 3 and b[i + 1:i + 4].isdigit():
                cur.append(int(b[i + 1:i + 4]))
                i += 4
                continue
            if i + 1 >= len(b):
                raise ParityError("dangling backslash in %r" % s)
            cur.append(b[i + 1])
            i += 2
            continue
        if c == 0x2E:
            labels.append(bytes(cur))
            cur = bytearray()
        else:
            cur.append(c)
        i += 1
    if cur or not labels:
        labels.append(bytes(cur))
    return labels


def tshark_render(labels):
    """How tshark 4.0 prints a name made of these label bytes."""
    if not labels:
        return "<Root>"
    text = fffd_runs(b".".join(labels).decode("utf-8", "replace"))
    out = []
    for ch in text:
        o = ord(ch)
        if o in C_ESC:
            out.append(C_ESC[o])
        elif o < 0x20 or o == 0x7F:
            out.append("\\%03o" % o)
        else:
            out.append(ch)
    return "".join(out)


def fffd_runs(s):
    """tshark and Python cut invalid UTF-8 into replacement characters at
    different places; one U+FFFD per run of them is what both agree on."""
    return re.sub("\ufffd+", "\ufffd", s)


def our_type(t):
    if t is None:
        return None
    if t in TYPES:
        return TYPES[t]
    m = re.fullmatch(r"TYPE(\d+)", t)
    if not m:
        raise ParityError("unknown qtype mnemonic %r" % t)
    return int(m.group(1))


# ---------------------------------------------------------------------------
# the two tools

def run_tshark(path):
    """-> (messages, frame_times).  Each message: dict(frame, qr, key, bad, icmp)."""
    cmd = ["tshark", "-n", "-r", path, "-T", "fields", "-E", "occurrence=a",
           "-E", "aggregator=" + AGG, "-E", "separator=\t",
           "-e", "frame.number", "-e", "frame.time_epoch", "-e", "dns.flags.response",
           "-e", "dns.count.queries", "-e", "dns.qry.name", "-e", "dns.qry.type",
           "-e", "icmp.type", "-e", "icmpv6.type"] + TSHARK_OPTS
    p = subprocess.run(cmd, capture_output=True, timeout=600)
    if p.returncode not in (0, 2) and not p.stdout:
        raise ParityError("tshark failed: %s" % p.stderr.decode(errors="replace").strip())
    msgs, times = [], {}
    # not splitlines(): it also splits at \x1e, the aggregator
    for raw in p.stdout.decode("utf-8", "replace").split("\n"):
        if not raw:
            continue
        f = raw.split("\t")
        f += [""] * (8 - len(f))
        frame = int(f[0])
        times[frame] = f[1]
        split = lambda x: x.split(AGG) if x != "" else []
        resp, counts, names, qtypes = split(f[2]), split(f[3]), split(f[4]), split(f[5])
        if not resp:
            continue
        icmp = bool(set(split(f[6])) & ICMP_ERRORS or set(split(f[7])) & ICMP6_ERRORS)
        counts_i = [int(c) for c in counts]
        if len(resp) == 1:
            groups = [list(zip(names, qtypes))]
            want = [counts_i[0] if counts_i else None]
        elif len(counts_i) == len(resp) and sum(counts_i) == len(names) == len(qtypes):
            groups, k = [], 0
            for c in counts_i:
                groups.append(list(zip(names[k:k + c], qtypes[k:k + c])))
                k += c
            want = counts_i
        else:
            raise ParityError("frame %d: %d dns layers whose questions cannot be told apart" % (frame, len(resp)))
        for r, g, c in zip(resp, groups, want):
            qs = []
            for n, t in g:
                if n.startswith("<") and n.endswith(">") and n != "<Root>":
                    break      # "<Name too long>" and the like: unreadable
                qs.append((fffd_runs(n), int(t)))
            qs = tuple(qs)
            bad = c is None or len(qs) < c
            msgs.append(dict(frame=frame, key=(int(r), qs), bad=bad, icmp=icmp))
    return msgs, times


def run_ours(binary, path):
    p = subprocess.run([binary, "--messages", "--no-progress", path], capture_output=True, timeout=600)
    if p.returncode not in (0, 1, 2):
        raise ParityError("%s exited with %d: %s" % (binary, p.returncode, p.stderr.decode(errors="replace").strip()))
    msgs = []
    for n, line in enumerate(p.stdout.decode("utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            o = json.loads(line)
        except ValueError as e:
            raise ParityError("--messages line %d is not JSON: %s" % (n, e))
        if not isinstance(o, dict) or "qr" not in o:
            continue       # input/summary records, if any
        if o.get("qname") is None:
            qs = ()
        elif o.get("questions"):
            qs = tuple((tshark_render(pres_to_labels(q["qname"])), our_type(q["qtype"])) for q in o["questions"])
        else:
            qs = ((tshark_render(pres_to_labels(o["qname"])), our_type(o["qtype"])),)
        msgs.append(dict(ts=o.get("ts"), src=o.get("src"), dst=o.get("dst"), key=(1 if o["qr"] else 0, qs)))
    err = p.stderr.decode(errors="replace").strip() if p.returncode == 2 else ""
    return msgs, err


def ts_to_epoch_us(ts):
    d = datetime.datetime.strptime(ts, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=datetime.timezone.utc)
    return int(d.timestamp()) * 1000000 + d.microsecond


def frames_at(ts, times):
    try:
        us = ts_to_epoch_us(ts)
    except (TypeError, ValueError):
        return []
    out = []
    for fr, t in times.items():
        sec, _, frac = t.partition(".")
        if int(sec) * 1000000 + int((frac + "000000")[:6]) == us:
            out.append(fr)
    return sorted(out)


# ---------------------------------------------------------------------------

def load_known(path):
    known = collections.defaultdict(list)
    if not os.path.exists(path):
        return known
    with open(path, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            if not line.strip() or line.startswith("#"):
                continue
            cols = line.rstrip("\n").split("\t")
            if len(cols) < 3 or not cols[2].strip():
                raise ParityError("%s:%d: want file<TAB>kind<TAB>reason" % (path, n))
            kind = cols[1]
            if not (kind in ("icmp_quoted", "bad_question", "any") or re.fullmatch(r"frames:\d+(,\d+)*", kind)):
                raise ParityError("%s:%d: unknown kind %r" % (path, n, kind))
            known[cols[0]].append(dict(kind=kind, reason=cols[2], used=False, line=n))
    return known


def fmt_key(k):
    qr, qs = k
    q = " ".join("%s/%s" % (n, t) for n, t in qs) if qs else "(no question)"
    return "%s %s" % ("R" if qr else "Q", q)


def compare(rel, path, binary, known, verbose):
    """-> (status, tshark_count, our_count, detail lines)"""
    ts_msgs, times = run_tshark(path)
    our_msgs, err = run_ours(binary, path)
    entries = known.get(rel, [])
    kinds = {e["kind"] for e in entries}
    allowed_frames = set()
    for e in entries:
        if e["kind"].startswith("frames:"):
            allowed_frames |= {int(x) for x in e["kind"][7:].split(",")}

    t_cnt = collections.Counter(m["key"] for m in ts_msgs)
    o_cnt = collections.Counter(m["key"] for m in our_msgs)
    t_only = t_cnt - o_cnt
    o_only = o_cnt - t_cnt
    details, unexplained, explained = [], 0, 0

    def use(kind_pred):
        for e in entries:
            if kind_pred(e["kind"]):
                e["used"] = True

    for key, n in sorted(t_only.items(), key=lambda kv: str(kv[0])):
        # which n of the occurrences are the extra ones: those tshark finds
        # quoted in ICMP errors or cannot read first, then the latest
        frames = sorted((m for m in ts_msgs if m["key"] == key),
                        key=lambda m: (not m["icmp"], not m["bad"], -m["frame"]))
        for m in sorted(frames[:n], key=lambda m: m["frame"]):
            why = None
            if m["icmp"] and "icmp_quoted" in kinds:
                why, k = "quoted in ICMP error", "icmp_quoted"
            elif m["bad"] and "bad_question" in kinds:
                why, k = "question unreadable for tshark too", "bad_question"
            elif m["frame"] in allowed_frames:
                why, k = "listed frame", "frames:"
            elif "any" in kinds:
                why, k = "whole file allowlisted", "any"
            if why:
                use(lambda kk, k=k: kk == k or (k == "frames:" and kk.startswith("frames:")))
                explained += 1
                if verbose:
                    details.append("  tshark only, explained (%s): frame %d %s" % (why, m["frame"], fmt_key(key)))
            else:
                unexplained += 1
                hint = " [icmp]" if m["icmp"] else " [unreadable question]" if m["bad"] else ""
                details.append("  tshark only: frame %d %s%s" % (m["frame"], fmt_key(key), hint))
    for key, n in sorted(o_only.items(), key=lambda kv: str(kv[0])):
        ms = [m for m in our_msgs if m["key"] == key][-n:]
        for m in ms:
            fr = frames_at(m["ts"], times)
            if (fr and set(fr) & allowed_frames) or "any" in kinds:
                use(lambda kk: kk == "any" or kk.startswith("frames:"))
                explained += 1
                if verbose:
                    details.append("  ours only, explained: %s %s>%s frames %s %s" % (m["ts"], m["src"], m["dst"], fr, fmt_key(key)))
                continue
            unexplained += 1
            details.append("  ours only: %s %s>%s (tshark frame %s) %s" % (m["ts"], m["src"], m["dst"], ",".join(map(str, fr)) or "?", fmt_key(key)))
    if err:
        details.append("  note: scanner exit 2: %s" % err.splitlines()[0])
    status = "DIFF" if unexplained else ("agree*" if explained else "agree")
    return status, len(ts_msgs), len(our_msgs), details


def main(argv):
    args = [a for a in argv[1:] if not a.startswith("-")]
    verbose = "-v" in argv
    if len(args) < 2:
        print(__doc__.split("\n\n")[1], file=sys.stderr)
        return 2
    binary, src = args[0], args[1]
    corpus = args[2] if len(args) > 2 else ""
    files = args[3:]
    known_path = os.path.join(src, "tests", "tshark_parity_known.tsv")
    for i, a in enumerate(argv):
        if a == "--known" and i + 1 < len(argv):
            known_path = argv[i + 1]
            files = [f for f in files if f != known_path]
    if not shutil.which("tshark"):
        print("SKIP: tshark not installed")
        return 77
    if not os.access(binary, os.X_OK):
        print("FAIL: %s is not executable" % binary)
        return 1
    known = load_known(known_path)

    todo = []   # (rel, path)
    if files:
        for f in files:
            rel, a = f, os.path.abspath(f)
            for root in ([os.path.join(corpus, "public")] if corpus else []) + [src]:
                r = os.path.abspath(root) + os.sep
                if a.startswith(r):
                    rel = a[len(r):]
                    break
            todo.append((rel, f))
    else:
        pub = os.path.join(corpus, "public") if corpus else ""
        if pub and os.path.isdir(pub):
            for sub in ("tunnel", "benign", "edge"):
                d = os.path.join(pub, sub)
                for f in sorted(os.listdir(d)) if os.path.isdir(d) else []:
                    todo.append(("%s/%s" % (sub, f), os.path.join(d, f)))
        else:
            print("note: corpus %r absent; checking testdata only" % (corpus or "(none)"))
        td = os.path.join(src, "testdata", "pcap")
        for f in sorted(os.listdir(td)) if os.path.isdir(td) else []:
            if re.search(r"\.pcap(ng)?(\.gz)?$", f):
                todo.append(("testdata/pcap/" + f, os.path.join(td, f)))
    if not todo:
        print("SKIP: no captures to compare")
        return 77

    width = max(len(r) for r, _ in todo)
    print("%-*s %12s %10s  %s" % (width, "file", "tshark_msgs", "ours_msgs", "result"))
    failed, n_agree, n_expl, tot_t, tot_o = [], 0, 0, 0, 0
    for rel, path in todo:
        try:
            # tshark reads gzip-compressed captures itself, as the scanner does
            status, t, o, det = compare(rel, path, binary, known, verbose)
        except (ParityError, subprocess.TimeoutExpired) as e:
            status, t, o, det = "DIFF", "-", "-", ["  error: %s" % e]
        print("%-*s %12s %10s  %s" % (width, rel, t, o, status))
        for d in det:
            print(d)
        if status == "DIFF":
            failed.append(rel)
        elif status == "agree*":
            n_expl += 1
        else:
            n_agree += 1
        if isinstance(t, int):
            tot_t += t
            tot_o += o
    stale = ["%s (line %d, %s)" % (f, e["line"], e["kind"])
             for f, es in known.items() for e in es if not e["used"] and f in {r for r, _ in todo}]
    print()
    print("files: %d agree, %d agree with listed tshark quirks, %d differ; messages: tshark %d, ours %d"
          % (n_agree, n_expl, len(failed), tot_t, tot_o))
    for s in stale:
        print("stale allowlist entry (explains nothing now): %s" % s)
    if failed:
        print("FAIL: unexplained differences in: %s" % " ".join(failed))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
