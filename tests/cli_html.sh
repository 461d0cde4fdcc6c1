#!/bin/bash
# cli_html.sh BIN SRCDIR - the --html report: one self-contained page (a
# Content-Security-Policy that allows no script and no fetch, nothing
# remote), every finding with its timeline chart, and names an attacker
# chose (testdata/pcap/hostile-names.pcap: markup, quotes, '/', '..', NUL)
# only as escaped text.  In headless Chromium (skipped when absent): the
# DOM holds every finding and a chart per finding and no element the
# capture put there, the console shows no error, and a screenshot has the
# window's size and is not blank (pixel variance, python3-pil).
# Exit 0 pass, 1 failure, 77 skip (no python3).
set -u
bin=$1 src=$2
command -v python3 >/dev/null || exit 77
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
for cap in demo-tunnel hostile-names; do
	"$bin" --no-progress --all --min-score 50 --html "$tmp/$cap.html" \
		"$src/testdata/pcap/$cap.pcap" > "$tmp/$cap.json" 2>"$tmp/$cap.err"
	rc=$?
	if [ "$rc" -ne 1 ] || [ ! -s "$tmp/$cap.html" ]; then
		echo "FAIL: $cap: exit $rc, html $(wc -c < "$tmp/$cap.html" 2>/dev/null)"
		fail=1
	fi
done
# an unwritable --html path is an error
"$bin" --no-progress --html "$tmp/no/such/dir/r.html" "$src/testdata/pcap/demo-tunnel.pcap" \
	>/dev/null 2>"$tmp/bad.err"
if [ $? -eq 2 ] && grep -q "no/such/dir/r.html" "$tmp/bad.err"; then
	echo "ok: an unwritable --html path exits 2 and names it"
else
	echo "FAIL: unwritable --html path"; fail=1
fi
# each client's own timeline (testdata/pcap/botnet-many-clients.pcap: 60
# bots polling one zone, each from its own start): its rows add up to the
# client's queries, bytes_out and bytes_in, its query column is the count
# of that client's queries per bucket in --messages, its buckets cover its
# first and last query, and two bots that started apart get different
# timelines; the page draws a chart per client (the first 24)
cap="$src/testdata/pcap/botnet-many-clients.pcap"
"$bin" --no-progress --html "$tmp/bots.html" "$cap" >"$tmp/bots.json" 2>/dev/null
"$bin" --no-progress --messages "$cap" >"$tmp/bots.msg" 2>/dev/null
/usr/bin/python3 - "$tmp" <<'PY' || fail=1
import calendar, json, os, sys, time
tmp = sys.argv[1]
fail = 0
def check(ok, what):
    global fail
    print(("ok: " if ok else "FAIL: ") + what)
    fail |= not ok
def sec(t):
    return calendar.timegm(time.strptime(t[:19], "%Y-%m-%dT%H:%M:%S")) + float("0" + t[19:-1])
doc = json.load(open(os.path.join(tmp, "bots.json")))
msgs = [json.loads(l) for l in open(os.path.join(tmp, "bots.msg"))]
fs = [f for f in doc["findings"] if f["domain"] == "c.botlab-cdn.net"]
check(len(fs) == 1 and len(fs[0]["clients"]) == 60, "bots: one finding of 60 clients")
f = fs[0]
bad = []
for c in f["clients"]:
    t = c["timeline"]
    rows, w = t["buckets"], t["bucket_seconds"]
    sums = [sum(r[k] for r in rows) for k in (1, 2, 3)]
    if sums != [c["queries"], c["bytes_out"], c["bytes_in"]]:
        bad.append("%s: rows add up to %s, client %s" % (c["ip"], sums, [c["queries"], c["bytes_out"], c["bytes_in"]]))
    starts = [sec(r[0]) for r in rows]
    if not rows or starts != [starts[0] + i * w for i in range(len(rows))] or len(rows) > 32:
        bad.append("%s: buckets not a grid of %s s" % (c["ip"], w))
        continue
    if not (starts[0] <= sec(c["first_seen"]) and sec(c["last_seen"]) < starts[-1] + w):
        bad.append("%s: buckets do not cover its first and last query" % c["ip"])
    q = [0] * len(rows)
    for m in msgs:
        if not m["qr"] and m["src"] == c["ip"] and m["qname"].lower().endswith(".c.botlab-cdn.net"):
            q[int((sec(m["ts"]) - starts[0]) // w)] += 1
    if q != [r[1] for r in rows]:
        bad.append("%s: queries per bucket %s, --messages %s" % (c["ip"], [r[1] for r in rows], q))
check(not bad, "bots: each client's rows add up to its totals and count its queries per bucket %s" % bad[:2])
tls = {json.dumps(c["timeline"]) for c in f["clients"]}
a, b = f["clients"][0], f["clients"][-1]
check(a["first_seen"] != b["first_seen"] and a["timeline"] != b["timeline"] and len(tls) > 10,
      "bots: clients that started apart have different timelines (%d distinct of 60)" % len(tls))
check(f["timeline"]["bucket_seconds"] >= max(c["timeline"]["bucket_seconds"] for c in f["clients"]),
      "bots: no client's bucket is wider than the finding's")
page = open(os.path.join(tmp, "bots.html"), encoding="utf-8").read()
check(page.count('<svg class="client-timeline"') == 24 and "first 24 of 60 clients" in page,
      "bots: the page draws the first 24 clients' charts and says so")
sys.exit(fail)
PY
browser=$(command -v chromium || command -v chromium-browser || true)
/usr/bin/python3 - "$tmp" "$browser" <<'PY' || fail=1
import html.parser, json, os, re, subprocess, sys
tmp, browser = sys.argv[1], sys.argv[2]
fail = 0
def check(ok, what):
    global fail
    print(("ok: " if ok else "FAIL: ") + what)
    fail |= not ok

def esc(s):
    return (s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
             .replace('"', "&quot;").replace("'", "&#39;"))

class Dom(html.parser.HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags, self.classes = {}, {}
    def handle_starttag(self, tag, attrs):
        self.tags[tag] = self.tags.get(tag, 0) + 1
        for k, v in attrs:
            if k == "class":
                for c in (v or "").split():
                    self.classes[(tag, c)] = self.classes.get((tag, c), 0) + 1
            if k.startswith("on"):
                self.tags["on-attribute"] = self.tags.get("on-attribute", 0) + 1

for cap in ("demo-tunnel", "hostile-names"):
    page = open(os.path.join(tmp, cap + ".html"), encoding="utf-8").read()
    doc = json.load(open(os.path.join(tmp, cap + ".json")))
    fs = doc["findings"]
    check(len(fs) >= 2, "%s: %d findings" % (cap, len(fs)))
    m = re.search(r'<meta http-equiv="Content-Security-Policy" content="([^"]*)"', page)
    check(m and "default-src 'none'" in m.group(1) and "script-src 'none'" in m.group(1),
          "%s: CSP allows no script and no fetch" % cap)
    check(not re.search(r"<script", page, re.I), "%s: no script element in the source" % cap)
    remote = [u for u in re.findall(r'(?:src|href)="([^"]*)"', page) if not u.startswith("#")]
    check(not remote, "%s: nothing loaded from elsewhere %r" % (cap, remote[:3]))
    for f in fs:
        check(esc(f["domain"]) in page, "%s: finding %s shown, escaped" % (cap, f["domain"][:40]))
    d = Dom()
    d.feed(page)
    check(d.classes.get(("article", "finding"), 0) == len(fs), "%s: one article per finding" % cap)
    check(d.classes.get(("svg", "timeline"), 0) == len(fs), "%s: one timeline chart per finding" % cap)
    check("img" not in d.tags and "on-attribute" not in d.tags,
          "%s: no element or handler from the capture" % cap)
    if cap == "hostile-names":
        check("&lt;script&gt;alert(1)&lt;/script&gt;" in page, "hostile: the markup is text")

if not browser:
    print("skip: no chromium: the page is not loaded in a browser")
    sys.exit(fail)
for cap in ("demo-tunnel", "hostile-names"):
    url = "file://" + os.path.join(tmp, cap + ".html")
    base = [browser, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
            "--no-first-run", "--user-data-dir=" + os.path.join(tmp, "profile-" + cap),
            "--enable-logging=stderr", "--v=0", "--window-size=1100,1600"]
    p = subprocess.run(base + ["--dump-dom", url], capture_output=True, text=True, timeout=300)
    d = Dom()
    d.feed(p.stdout)
    n = len(json.load(open(os.path.join(tmp, cap + ".json")))["findings"])
    check(d.classes.get(("article", "finding"), 0) == n and d.classes.get(("svg", "timeline"), 0) == n,
          "chromium %s: %d findings and their charts in the DOM" % (cap, n))
    check(d.tags.get("script", 0) == 0 and "img" not in d.tags, "chromium %s: no script or img in the DOM" % cap)
    errs = [l for l in p.stderr.splitlines()
            if re.search(r"CONSOLE|Content.Security.Policy|Refused to|Uncaught", l)]
    check(not errs, "chromium %s: no console error %r" % (cap, errs[:2]))
    png = os.path.join(tmp, cap + ".png")
    p = subprocess.run(base + ["--screenshot=" + png, url], capture_output=True, text=True, timeout=300)
    try:
        from PIL import Image, ImageStat
    except ImportError:
        check(os.path.exists(png) and os.path.getsize(png) > 10000, "chromium %s: screenshot written" % cap)
        continue
    im = Image.open(png).convert("L")
    st = ImageStat.Stat(im)
    dark = sum(1 for v in im.getdata() if v < 128) / (im.size[0] * im.size[1])
    check(im.size == (1100, 1600) and st.var[0] > 500 and dark > 0.01,
          "chromium %s: screenshot %dx%d, variance %.0f, %.1f%% dark pixels" % (
              cap, im.size[0], im.size[1], st.var[0], dark * 100))
sys.exit(fail)
PY
exit $fail
