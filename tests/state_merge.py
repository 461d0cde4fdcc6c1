#!/usr/bin/env python3
"""State files merge to the report of the captures behind them.

For every capture given (files or folders, those with findings): cut it at
packet boundaries into 5 consecutive pieces, scan the pieces as one batch
(the reference), and compare with reports made from state files of the
pieces (--save-state per piece) merged in several tree shapes and argument
orders: all leaves at once, a balanced tree, a left-deep chain, a right-deep
chain given in reverse, and one state of every piece.  The whole report must
be equal, key for key, exit status included.

Then the refusals: a truncated state and a state with a flipped byte are an
error for that input (exit 2, one line `dnstunnel-scan: PATH: ...`) while
the other inputs are still reported, and a state made with other --port
options is refused by the scan it is read into.

usage: state_merge.py BIN CAPTURE_OR_DIR...   (exit 0: all equal)
"""
import json
import os
import subprocess
import sys
import tempfile


def run(binary, args, check=True):
    p = subprocess.run([binary, "--no-progress", *args], capture_output=True, timeout=900)
    if check and p.returncode not in (0, 1):
        raise RuntimeError("%s exited %d: %s" % (args, p.returncode, p.stderr[-500:]))
    return p


def report(binary, paths):
    p = run(binary, ["--all", "--min-score", "0", *paths])
    doc = json.loads(p.stdout)
    doc.pop("scan", None)  # when and how the report was made
    return p.returncode, doc


def save(binary, out, paths, extra=()):
    run(binary, [*extra, "--save-state", out, *paths])
    return out


def cut(cap, outdir, nparts, n):
    if n < nparts:
        return []
    os.mkdir(outdir)
    fmt = "pcapng" if cap.endswith(".pcapng") else "pcap"
    base, start, out = n // nparts, 1, []
    for i in range(nparts):
        k = base + (n - base * nparts if i == nparts - 1 else 0)
        o = os.path.join(outdir, "piece-%02d.%s" % (i, fmt))
        subprocess.run(["editcap", "-F", fmt, "-r", cap, o, "%d-%d" % (start, start + k - 1)],
                       check=True, capture_output=True)
        out.append(o)
        start += k
    return out


def captures(args):
    for a in args:
        if os.path.isdir(a):
            for root, _, files in os.walk(a):
                for f in sorted(files):
                    if f.endswith((".pcap", ".pcapng", ".cap")):
                        yield os.path.join(root, f)
        else:
            yield a


def trees(binary, t, leaves):
    """(name, state paths to report on) for several merge trees."""
    sd = os.path.join(t, "m")
    os.mkdir(sd)
    n = len(leaves)
    out = [("flat", leaves)]
    # balanced: pairs, then pairs of pairs
    level, k = leaves, 0
    while len(level) > 2:
        nxt = []
        for i in range(0, len(level), 2):
            k += 1
            nxt.append(save(binary, os.path.join(sd, "b%02d-%02d.state" % (k, i)),
                            level[i:i + 2]))
        level = nxt
    out.append(("balanced", level))
    # left-deep chain: ((0 1) 2) 3 ..., the last merge reported from one state
    acc = save(binary, os.path.join(sd, "l01.state"), leaves[:2])
    for i in range(2, n):
        acc = save(binary, os.path.join(sd, "l%02d.state" % i), [acc, leaves[i]])
    out.append(("left-deep", [acc]))
    # right-deep chain, arguments given in reverse: 0 (1 (2 (3 4))); a merged
    # state's name sorts after the leaves (inputs are listed in the order of
    # the state files' names, as captures are)
    zd = os.path.join(t, "z")
    os.mkdir(zd)
    acc = save(binary, os.path.join(zd, "r%02d.state" % (n - 2)), leaves[n - 2:][::-1])
    for i in range(n - 3, -1, -1):
        acc = save(binary, os.path.join(zd, "r%02d.state" % i), [acc, leaves[i]][::-1])
    out.append(("right-deep", [acc]))
    return out


# keys that name inputs: a merge in another order lists the inputs in
# another order (pieces_equal_whole.py compares the same way)
INPUT_KEYS = {"inputs", "frames", "filters"}


def strip(obj):
    if isinstance(obj, dict):
        return {k: strip(v) for k, v in obj.items() if k not in INPUT_KEYS}
    if isinstance(obj, list):
        return [strip(v) for v in obj]
    return obj


def reverse_chain(binary, t, leaves):
    """The leaves merged last first: ((4 3) 2) 1) 0, each merged state named
    to sort first."""
    d = os.path.join(t, "a")
    os.mkdir(d)
    acc = leaves[-1]
    for i in range(len(leaves) - 2, -1, -1):
        acc = save(binary, os.path.join(d, "a%02d.state" % i), [acc, leaves[i]])
    return acc


def refusals(binary, t, leaves, pieces):
    errs = []
    data = open(leaves[0], "rb").read()
    bad = {"truncated": data[:len(data) // 2],
           "flipped": data[:len(data) - 9] + bytes([data[-9] ^ 0x40]) + data[len(data) - 8:]}
    for what, b in bad.items():
        p = os.path.join(t, what + ".state")
        with open(p, "wb") as f:
            f.write(b)
        r = run(binary, ["--all", "--min-score", "0", p, pieces[1]], check=False)
        lines = r.stderr.decode().strip().splitlines()
        doc = json.loads(r.stdout) if r.stdout else {}
        ins = {i["path"]: i for i in doc.get("inputs", [])}
        if r.returncode != 2 or len(lines) != 1 or not lines[0].startswith(
                "dnstunnel-scan: %s: " % p):
            errs.append("%s state: exit %d, stderr %r" % (what, r.returncode, lines))
        elif not ins.get(p, {}).get("error") or pieces[1] not in ins or ins[pieces[1]]["error"]:
            errs.append("%s state: inputs %r" % (what, list(ins)))
    other = save(binary, os.path.join(t, "port.state"), [pieces[1]], ["--port", "8053"])
    r = run(binary, [leaves[0], other], check=False)
    msg = r.stderr.decode()
    if r.returncode != 2 or other not in msg or "ports" not in msg:
        errs.append("--port state merged: exit %d, %r" % (r.returncode, msg))
    # two states made differently: refused before reading, naming both
    if leaves[0] not in msg or len(msg.strip().splitlines()) != 1 or r.stdout:
        errs.append("--port state: both inputs not named in one line: %r" % msg)
    # the same with the other state compressed
    import gzip
    with open(other, "rb") as f, gzip.open(other + ".gz", "wb") as g:
        g.write(f.read())
    r = run(binary, [leaves[0], other + ".gz"], check=False)
    msg = r.stderr.decode()
    if r.returncode != 2 or other + ".gz" not in msg or leaves[0] not in msg or r.stdout:
        errs.append("--port state (gzip): exit %d, %r" % (r.returncode, msg))
    return errs


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
    return None if a == b else "%s: captures %r, states %r" % (path, a, b)


def main():
    binary = sys.argv[1]
    total = same = 0
    bad = []
    did_refusals = False
    for cap in captures(sys.argv[2:]):
        try:
            _, whole = report(binary, [cap])
        except (RuntimeError, ValueError):
            continue
        if not whole.get("findings") or whole["inputs"][0].get("error"):
            continue
        with tempfile.TemporaryDirectory() as t:
            pieces = cut(cap, os.path.join(t, "p"), 5, whole["stats"]["packets"])
            if not pieces:
                continue
            rc, ref = report(binary, pieces)
            if not ref.get("findings"):
                continue
            total += 1
            sd = os.path.join(t, "s")
            os.mkdir(sd)
            leaves = [save(binary, os.path.join(sd, "s%02d.state" % i), [p])
                      for i, p in enumerate(pieces)]
            err = None
            for name, paths in trees(binary, t, leaves):
                grc, got = report(binary, paths)
                d = first_diff(ref, got) or (None if grc == rc else
                                             "exit %d, states %d" % (rc, grc))
                if d:
                    err = "%s, %s tree: %s" % (os.path.basename(cap), name, d[:400])
                    break
            if not err:
                _, got = report(binary, [reverse_chain(binary, t, leaves)])
                d = first_diff(strip(ref["findings"]), strip(got["findings"]))
                if d:
                    err = "%s, reverse chain: %s" % (os.path.basename(cap), d[:400])
            if err:
                bad.append(err)
            else:
                same += 1
            if not did_refusals:
                did_refusals = True
                bad.extend(refusals(binary, t, leaves, pieces))
    for b in bad:
        print(b)
    print("states equal captures: %d/%d captures; refusals checked: %s"
          % (same, total, did_refusals))
    return 0 if not bad and total and did_refusals else 1


if __name__ == "__main__":
    sys.exit(main())
