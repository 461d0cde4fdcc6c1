#!/bin/bash
# cli_pivots.sh BIN SRCDIR [CORPUS_DIR] - a finding's pivots against
# tshark: on each input, its display filter selects exactly
# frames[].dns_frames frames, all within [first, last]; frames[].count
# counts every frame that carried its messages (IP fragments and TCP
# segments), checked on captures whose frames are known (and on
# curry__dnscat: dnscat2 names whose hex ends in a short label are the
# finding's too); the filter stays
# a literal for a zone name holding filter and regex syntax (hostile-names:
# markup, quotes, "/", "..", NUL) and selects its frames.  --messages:
# frame, community_id, query_frame and rtt of every message agree with
# tshark's frame.number, communityid, dns.response_to and dns.time; a
# finding's clients[].community_id is that of its first query's flow, and
# its community_ids those of its first 8 flows in --messages.
# Exit 0 pass, 1 failure, 77 skip (no tshark or python3).
set -u
bin=$1 src=$2 corpus=${3:-}
command -v tshark >/dev/null && command -v python3 >/dev/null || exit 77
caps=("$src/testdata/pcap/demo-tunnel.pcap" "$src/testdata/pcap/hostile-names.pcap")
for c in dmachard__sods.pcap elisa__dnscat2.pcap jrmdev__dnscap.pcap curry__dnscat.pcap; do
	[ -f "$corpus/public/tunnel/$c" ] && caps+=("$corpus/public/tunnel/$c")
done
python3 - "$bin" "${caps[@]}" <<'PY' || exit 1
import json, subprocess, sys
binp = sys.argv[1]
fail = 0
def tshark(cap, flt):
    p = subprocess.run(["tshark", "-r", cap, "-Y", flt, "-T", "fields", "-e", "frame.number"],
                       capture_output=True, text=True)
    if p.returncode != 0:
        raise SystemExit("tshark refused %r: %s" % (flt, p.stderr[-300:]))
    return [int(x) for x in p.stdout.split()]
def scan(*args):
    p = subprocess.run([binp, "--no-progress", *args], capture_output=True, text=True)
    return json.loads(p.stdout)
for cap in sys.argv[2:]:
    d = scan(cap)
    if not d["findings"]:
        print("FAIL: no finding in", cap); fail = 1
    for f in d["findings"]:
        for fr in f["frames"]:
            got = tshark(fr["input"], f["filters"]["wireshark"])
            ok = (len(got) == fr["dns_frames"] == fr["count"] and got and
                  got[0] == fr["first"] and got[-1] == fr["last"])
            print("%s: %s %s: tshark %d frames %s..%s, finding %d (%d) %d..%d" % (
                "ok" if ok else "FAIL", cap.split("/")[-1], f["domain"], len(got),
                got[:1], got[-1:], fr["count"], fr["dns_frames"], fr["first"], fr["last"]))
            fail |= not ok
# frames of fragmented and TCP-carried messages, known from the captures
known = {
    "ipv4-frag-inorder.pcap": (1, 4, 4, 2),     # query; 3 fragments of the answer
    "tcp-split-message.pcap": (4, 9, 5, 2),     # query; answer in 4 segments
    "tcp-coalesced.pcap": (4, 6, 2, 2),         # 3 queries in one segment, 3 answers in one
}
src = sys.argv[2].rsplit("/", 1)[0]  # testdata/pcap
for name, (first, last, count, shown) in known.items():
    d = scan("--all", "--min-score", "0", src + "/" + name)
    fr = [x for f in d["findings"] for x in f["frames"]]
    got = [(x["first"], x["last"], x["count"], x["dns_frames"]) for x in fr]
    ok = got == [(first, last, count, shown)]
    print("%s: %s frames %s, want %s" % ("ok" if ok else "FAIL", name, got, [(first, last, count, shown)]))
    fail |= not ok
    f = d["findings"][0]
    sel = tshark(src + "/" + name, f["filters"]["wireshark"])
    ok = len(sel) == shown
    print("%s: %s filter selects %d frames, want %d" % ("ok" if ok else "FAIL", name, len(sel), shown))
    fail |= not ok
# the DNS log's pivots, message by message, against tshark
for cap in sys.argv[2:3] + sys.argv[4:5] + [src + "/tcp-split-message.pcap", src + "/ipv4-frag-inorder.pcap"]:
    p = subprocess.run(["tshark", "--enable-protocol", "communityid", "-r", cap, "-Y", "dns",
                        "-T", "fields", "-e", "frame.number", "-e", "communityid",
                        "-e", "dns.response_to", "-e", "dns.time"], capture_output=True, text=True)
    want = []
    for line in p.stdout.splitlines():
        f = line.split("\t")
        want.append((int(f[0]), f[1], int(f[2]) if f[2] else None,
                     round(float(f[3]), 6) if f[3] else None))
    p = subprocess.run([binp, "--messages", cap], capture_output=True, text=True)
    got = []
    for line in p.stdout.splitlines():
        m = json.loads(line)
        got.append((m["frame"], m["community_id"], m.get("query_frame"),
                    round(m["rtt"], 6) if "rtt" in m else None))
    bad = [(g, w) for g, w in zip(got, want) if g != w]
    ok = len(got) == len(want) and not bad and want
    print("%s: %s: %d messages, frame/community_id/query_frame/rtt as tshark%s" % (
        "ok" if ok else "FAIL", cap.split("/")[-1], len(got), "" if ok else " %r" % bad[:3]))
    fail |= not ok
# each client's community_id: the flow of its first query under the zone;
# community_ids: the Community IDs of its distinct flows in --messages, the
# first 8 by the time of their first query (then server, ports,
# transport), flows their number, or null and flows_more beyond 8
import ipaddress, re
def flow_key(m):
    a = ipaddress.ip_address(m["dst"])
    return (m["ts"], a.version, a.packed, m["sport"], m["dport"], m["transport"] == "udp")
for cap in sys.argv[2:]:
    d = scan(cap)
    p = subprocess.run([binp, "--messages", cap], capture_output=True, text=True)
    msgs = [json.loads(l) for l in p.stdout.splitlines()]
    for f in d["findings"]:
        z = f["domain"].lower()
        for c in f["clients"]:
            # the zone as whole labels (a search suffix after it, a tag before it)
            qs = [m for m in msgs if not m["qr"] and m["src"] == c["ip"] and m["qname"] and
                  re.search(r"(^|\.)" + re.escape(z) + r"(\.|$)", m["qname"].lower())]
            first = min(qs, key=lambda m: m["ts"]) if qs else None
            ok = first is not None and first["community_id"] == c["community_id"] and \
                first["ts"] == c["first_seen"]
            if cap in sys.argv[2:3] + sys.argv[4:5]:
                print("%s: %s %s client %s: community_id %s of its first query" % (
                    "ok" if ok else "FAIL", cap.split("/")[-1], f["domain"], c["ip"], c["community_id"]))
                fail |= not ok
            ids = []
            for m in sorted(qs, key=flow_key):
                if m["community_id"] not in ids:
                    ids.append(m["community_id"])
            want = (ids[:8], len(ids) if len(ids) <= 8 else None, len(ids) > 8)
            got = (c["community_ids"], c["flows"], c["flows_more"])
            ok = got == want and ids and got[0][0] == c["community_id"]
            print("%s: %s %s client %s: %d flows in --messages, community_ids %d, flows %s%s" % (
                "ok" if ok else "FAIL", cap.split("/")[-1], f["domain"], c["ip"], len(ids),
                len(got[0]), got[1], "" if ok else " want %r got %r" % (want, got)))
            fail |= not ok
sys.exit(fail)
PY
exit 0
