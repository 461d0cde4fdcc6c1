#!/usr/bin/env python3
"""Batch scans must give the answer of the whole capture.

For every capture given (files or folders): scan it whole, then cut it at
packet boundaries into consecutive pieces in several ways (2, 3 and 8 equal
pieces, and pieces of random sizes), scan each set of pieces as one batch
(arguments in order and reversed, -j 1 and -j 2), scan it beside an
identical copy, and compare the findings of `--all --min-score 0`: every
key of every finding except those that name inputs or frames; of the frames
(numbered per input), their counts summed over the inputs.

A cut may split a TCP stream or an IP datagram; that is the documented
exception, so captures with DNS over TCP or IP fragments are compared only
when cut where no stream or datagram is open (here: not at all).  Likewise a
cut between a packet and its copy (copies within one input count once, in
two inputs twice): a set of pieces with fewer duplicate_packets than the
whole is not compared.

usage: pieces_equal_whole.py BIN CAPTURE_OR_DIR...   (exit 0: all equal)
"""
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile

# keys that legitimately differ between a whole capture and its pieces
INPUT_KEYS = {"inputs", "frames", "filters"}


def scan(binary, paths, extra=()):
    p = subprocess.run([binary, "--no-progress", "--all", "--min-score", "0", *extra, *paths],
                       capture_output=True, timeout=900)
    if p.returncode not in (0, 1):
        raise RuntimeError("%s exited %d: %s" % (paths, p.returncode, p.stderr[-500:]))
    return json.loads(p.stdout)


def strip(obj):
    if isinstance(obj, dict):
        return {k: strip(v) for k, v in obj.items() if k not in INPUT_KEYS}
    if isinstance(obj, list):
        return [strip(v) for v in obj]
    return obj


def findings(doc):
    out = {}
    for f in doc.get("findings", []):
        g = strip(f)
        # frames are numbered per input, but their counts add up over pieces
        g["frames_total"] = [sum(x["count"] for x in f.get("frames", [])),
                             sum(x["dns_frames"] for x in f.get("frames", []))]
        out[f["domain"]] = g
    return out


def first_diff(a, b, path=""):
    if type(a) != type(b):
        return "%s: %r != %r" % (path, a, b)
    if isinstance(a, dict):
        for k in sorted(set(a) | set(b)):
            if k not in a or k not in b:
                return "%s.%s only on one side" % (path, k)
            d = first_diff(a[k], b[k], path + "." + k)
            if d:
                return d
        return None
    if isinstance(a, list):
        if len(a) != len(b):
            return "%s: %d items != %d" % (path, len(a), len(b))
        for i, (x, y) in enumerate(zip(a, b)):
            d = first_diff(x, y, "%s[%d]" % (path, i))
            if d:
                return d
        return None
    return None if a == b else "%s: whole %r, pieces %r" % (path, a, b)


def compare(whole, got, what):
    a, b = findings(whole), findings(got)
    for dom in sorted(set(a) | set(b)):
        if dom not in a or dom not in b:
            return "%s: %s only in %s" % (what, dom, "whole" if dom in a else "pieces")
        d = first_diff(a[dom], b[dom], dom)
        if d:
            return "%s: %s" % (what, d[:400])
    return None


def cut(cap, outdir, sizes):
    """Write consecutive pieces with the given packet counts (editcap -r)."""
    os.mkdir(outdir)
    fmt = "pcapng" if cap.endswith(".pcapng") else "pcap"
    start = 1
    for i, n in enumerate(sizes):
        if n <= 0:
            continue
        out = os.path.join(outdir, "piece-%03d.%s" % (i, fmt))
        subprocess.run(["editcap", "-F", fmt, "-r", cap, out, "%d-%d" % (start, start + n - 1)],
                       check=True, capture_output=True)
        start += n
    return sorted(os.path.join(outdir, f) for f in os.listdir(outdir))


def captures(args):
    for a in args:
        if os.path.isdir(a):
            for root, _, files in os.walk(a):
                for f in sorted(files):
                    if f.endswith((".pcap", ".pcapng", ".cap")):
                        yield os.path.join(root, f)
        else:
            yield a


def main():
    binary = sys.argv[1]
    rng = random.Random(12)
    total = same = 0
    bad = []
    for cap in captures(sys.argv[2:]):
        try:
            whole = scan(binary, [cap])
        except (RuntimeError, ValueError):
            continue
        st = whole.get("stats", {})
        n = st.get("packets", 0)
        if n < 4 or not whole.get("findings"):
            continue
        if st.get("tcp_dns", 0) or st.get("ip_fragments", 0):
            continue
        total += 1
        err = None
        with tempfile.TemporaryDirectory() as t:
            ways = []
            for parts in (2, 3, 8):
                base = n // parts
                sizes = [base] * parts
                sizes[-1] += n - base * parts
                ways.append(("%d pieces" % parts, sizes))
            sizes, left = [], n
            while left > 0:
                k = min(left, rng.randint(1, max(1, n // 3)))
                sizes.append(k)
                left -= k
            ways.append(("%d random pieces" % len(sizes), sizes))
            for i, (what, sizes) in enumerate(ways):
                pieces = cut(cap, os.path.join(t, "w%d" % i), sizes)
                runs = [(pieces, ["-j", "1"])]
                if i == 0:
                    runs.append((pieces[::-1], ["-j", "2"]))
                for paths, extra in runs:
                    got = scan(binary, paths, extra)
                    if got["stats"].get("duplicate_packets", 0) != st.get("duplicate_packets", 0):
                        continue  # a cut parted a packet and its copy
                    err = compare(whole, got, "%s %s %s" % (os.path.basename(cap), what,
                                                            " ".join(extra)))
                    if err:
                        break
                if err:
                    break
            if not err:
                copy = os.path.join(t, "copy-" + os.path.basename(cap))
                shutil.copy(cap, copy)
                got = scan(binary, [cap, copy])
                err = compare(whole, got, os.path.basename(cap) + " beside its copy")
        if err:
            bad.append(err)
        else:
            same += 1
    for b in bad:
        print(b)
    print("pieces equal whole: %d/%d captures" % (same, total))
    return 0 if same == total else 1


if __name__ == "__main__":
    sys.exit(main())
