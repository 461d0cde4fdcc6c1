/*
 * report_html.c - the report as one self-contained HTML page (--html): the
 * inputs and counters, then the findings ranked, each with its reasons, a
 * timeline chart, a chart of its clients' spans and one of each client's
 * own timeline (inline SVG), the decoded sample, what --carve recovered
 * (when the document has it), the pivots (filters, frames) and the actions.
 *
 * Rendered from the JSON document (report_doc.h), so it shows what the
 * JSON report says and any key added to it.  Every string of the document
 * comes from a capture or was made from one, so every one is escaped for
 * HTML text and attributes (& < > " '), and numbers are written as numbers.
 * No script at all: the Content-Security-Policy allows none, nor any fetch
 * (default-src 'none'; only the page's own inline style and data: images),
 * so the page works offline from a case folder and a name carrying markup
 * stays text.  Print CSS keeps each finding on its own pages.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <dnsts/version.h>

#include "report.h"
#include "report_doc.h"

#define CHART_W 720
#define CHART_H 150
#define LANE_H 22
#define CLIENT_CHART_H 110 /* a client's activity chart */
#define CLIENT_CHARTS 24   /* clients of a finding with a chart */

/* ---- escaping ------------------------------------------------------------ */

static void esc(FILE *o, const char *s)
{
	if (!s)
		return;
	for (; *s; s++) {
		switch (*s) {
		case '&': fputs("&amp;", o); break;
		case '<': fputs("&lt;", o); break;
		case '>': fputs("&gt;", o); break;
		case '"': fputs("&quot;", o); break;
		case '\'': fputs("&#39;", o); break;
		default:
			/* the document is ASCII (JSON_ENSURE_ASCII texts, \DDD
			 * names): control bytes do not occur, but stay out */
			if ((unsigned char)*s < 0x20 && *s != '\n' && *s != '\t')
				fprintf(o, "&#%u;", (unsigned char)*s);
			else
				fputc(*s, o);
		}
	}
}

static const char *str(const json_t *o, const char *key)
{
	return json_string_value(json_object_get(o, key));
}

static double num(const json_t *o, const char *key)
{
	return json_number_value(json_object_get(o, key));
}

/* Text of a value of the document: strings as they are, numbers and the
 * rest as compact JSON. */
static void esc_value(FILE *o, const json_t *v)
{
	if (json_is_string(v)) {
		esc(o, json_string_value(v));
		return;
	}
	if (!v || json_is_null(v)) {
		fputs("&ndash;", o);
		return;
	}
	char *t = json_dumps(v, JSON_COMPACT | JSON_ENSURE_ASCII | JSON_ENCODE_ANY);
	esc(o, t);
	free(t);
}

static void human(FILE *o, double v)
{
	static const char *const unit[] = {"B", "KiB", "MiB", "GiB", "TiB"};
	int u = 0;
	while (v >= 1024 && u < 4) {
		v /= 1024;
		u++;
	}
	fprintf(o, u ? "%.1f %s" : "%.0f %s", v, unit[u]);
}

/* ---- page ------------------------------------------------------------------ */

static const char css[] =
	":root{--fg:#1b1f24;--mut:#57606a;--bg:#fff;--line:#d0d7de;--acc:#0969da;--hi:#cf222e;"
	"--mid:#bf8700;--lo:#1a7f37}"
	"*{box-sizing:border-box}"
	"body{font:14px/1.45 system-ui,-apple-system,'Segoe UI',sans-serif;color:var(--fg);"
	"background:var(--bg);margin:0 auto;max-width:1000px;padding:24px}"
	"h1{font-size:22px;margin:0 0 4px}h2{font-size:18px;border-bottom:1px solid var(--line);"
	"padding-bottom:4px;margin-top:28px}h3{font-size:17px;margin:0 0 6px}"
	"h4{font-size:14px;margin:16px 0 6px;color:var(--mut);text-transform:uppercase;"
	"letter-spacing:.04em}"
	"table{border-collapse:collapse;width:100%;margin:6px 0}td,th{border:1px solid var(--line);"
	"padding:3px 6px;text-align:left;vertical-align:top}th{background:#f6f8fa}"
	"td.n,th.n{text-align:right;font-variant-numeric:tabular-nums}"
	"code,pre{font:12px/1.4 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;"
	"overflow-wrap:anywhere;white-space:pre-wrap}pre{background:#f6f8fa;padding:8px;"
	"border:1px solid var(--line);margin:4px 0}"
	".finding{border:1px solid var(--line);border-radius:6px;padding:14px 16px;margin:16px 0}"
	".badge{display:inline-block;border-radius:10px;padding:0 8px;color:#fff;font-weight:600;"
	"margin-left:6px;font-size:13px}.high{background:var(--hi)}.medium{background:var(--mid)}"
	".low{background:var(--lo)}.meta{color:var(--mut);margin:2px 0}"
	".domain{overflow-wrap:anywhere}"
	"svg{display:block;max-width:100%;height:auto}svg text{font:11px sans-serif;fill:#57606a}"
	".bar{fill:#0969da}.bytes{fill:none;stroke:#cf222e;stroke-width:1.5}"
	".lane{fill:#8250df}.grid{stroke:#d0d7de}"
	"dl{display:grid;grid-template-columns:max-content 1fr max-content 1fr;gap:2px 14px}"
	"dt{color:var(--mut)}dd{margin:0;font-variant-numeric:tabular-nums}"
	"nav ol{columns:2}"
	"@media print{body{max-width:none;padding:0;font-size:11px}"
	".finding{break-inside:auto;break-before:page;border:none;padding:0}"
	"h2{break-after:avoid}table,svg,pre{break-inside:avoid}nav{display:none}"
	"a{color:inherit;text-decoration:none}}";

static void head(FILE *o)
{
	fputs("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
	      "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
	      "script-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; "
	      "form-action 'none'\">\n"
	      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
	      "<meta name=\"referrer\" content=\"no-referrer\">\n"
	      "<title>dnstunnel-scan report</title>\n<style>",
	      o);
	fputs(css, o);
	fputs("</style>\n</head>\n<body>\n", o);
}

static void summary(FILE *o, const json_t *doc)
{
	json_t *st = json_object_get(doc, "stats");
	const json_t *ins = json_object_get(doc, "inputs");
	const json_t *fs = json_object_get(doc, "findings");
	fputs("<header>\n<h1>DNS tunnel report</h1>\n<p class=\"meta\">dnstunnel-scan ", o);
	esc(o, DNSTS_VERSION);
	fprintf(o, " &middot; %zu input%s &middot; %.0f packets &middot; %.0f DNS messages "
		   "&middot; %zu finding%s listed</p>\n</header>\n",
		json_array_size(ins), json_array_size(ins) == 1 ? "" : "s", num(st, "packets"),
		num(st, "dns_messages"), json_array_size(fs), json_array_size(fs) == 1 ? "" : "s");

	fputs("<section id=\"inputs\">\n<h2>Inputs</h2>\n<table>\n<tr><th>path</th><th>format</th>"
	      "<th class=\"n\">packets</th><th>first seen</th><th>last seen</th><th>note</th></tr>\n",
	      o);
	size_t i;
	const json_t *in;
	json_array_foreach(ins, i, in) {
		fputs("<tr><td><code>", o);
		esc(o, str(in, "path"));
		fputs("</code></td><td>", o);
		esc_value(o, json_object_get(in, "format"));
		fprintf(o, "</td><td class=\"n\">%.0f</td><td>", num(in, "packets"));
		esc_value(o, json_object_get(in, "first_seen"));
		fputs("</td><td>", o);
		esc_value(o, json_object_get(in, "last_seen"));
		fputs("</td><td>", o);
		if (str(in, "error")) {
			fputs("error: ", o);
			esc(o, str(in, "error"));
		} else if (str(in, "duplicate_of")) {
			fputs("copy of ", o);
			esc(o, str(in, "duplicate_of"));
		} else if (str(in, "warning")) {
			esc(o, str(in, "warning"));
		}
		fputs("</td></tr>\n", o);
	}
	fputs("</table>\n</section>\n<section id=\"stats\">\n<h2>Counters</h2>\n<dl>\n", o);
	const char *k;
	const json_t *v;
	json_object_foreach(st, k, v) {
		fputs("<dt>", o);
		esc(o, k);
		fputs("</dt><dd>", o);
		esc_value(o, v);
		fputs("</dd>\n", o);
	}
	fputs("</dl>\n</section>\n", o);
}

/* ---- charts ------------------------------------------------------------------ */

/* Bars of queries per bucket, and a line of the bytes moved: a
 * finding's (cls "timeline", who NULL) or a client's (cls
 * "client-timeline", who its address, shown escaped). */
static void timeline_svg(FILE *o, const json_t *tl, const char *cls, const char *who, int ch)
{
	const json_t *rows = json_object_get(tl, "buckets");
	size_t n = json_array_size(rows);
	if (!n) {
		fputs("<p class=\"meta\">no timeline</p>\n", o);
		return;
	}
	double maxq = 0, maxb = 0;
	for (size_t i = 0; i < n; i++) {
		const json_t *r = json_array_get(rows, i);
		double q = json_number_value(json_array_get(r, 1));
		double b = json_number_value(json_array_get(r, 2)) + json_number_value(json_array_get(r, 3));
		maxq = q > maxq ? q : maxq;
		maxb = b > maxb ? b : maxb;
	}
	const double left = 44, top = 10, bottom = 30, w = CHART_W - left - 10,
		     h = ch - top - bottom, bw = w / (double)n;
	fprintf(o, "<svg class=\"%s\" role=\"img\" viewBox=\"0 0 %d %d\" width=\"%d\" "
		   "height=\"%d\" xmlns=\"http://www.w3.org/2000/svg\">\n<title>",
		cls, CHART_W, ch, CHART_W, ch);
	if (who) {
		esc(o, who);
		fputs(": ", o);
	}
	fprintf(o, "queries per %.0f-second bucket (bars) and bytes moved (line)</title>\n",
		num(tl, "bucket_seconds"));
	fprintf(o, "<line class=\"grid\" x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\"/>\n",
		left, top + h, left + w, top + h);
	for (size_t i = 0; i < n; i++) {
		const json_t *r = json_array_get(rows, i);
		double q = json_number_value(json_array_get(r, 1));
		double bh = maxq > 0 ? h * q / maxq : 0;
		fprintf(o, "<rect class=\"bar\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\">"
			   "<title>",
			left + bw * (double)i + bw * 0.1, top + h - bh, bw * 0.8, bh);
		esc_value(o, json_array_get(r, 0));
		fprintf(o, ": %.0f queries, %.0f bytes out, %.0f bytes in</title></rect>\n", q,
			json_number_value(json_array_get(r, 2)), json_number_value(json_array_get(r, 3)));
	}
	if (maxb > 0) {
		fputs("<polyline class=\"bytes\" points=\"", o);
		for (size_t i = 0; i < n; i++) {
			const json_t *r = json_array_get(rows, i);
			double b = json_number_value(json_array_get(r, 2)) +
				   json_number_value(json_array_get(r, 3));
			fprintf(o, "%s%.1f,%.1f", i ? " " : "", left + bw * ((double)i + 0.5),
				top + h - h * b / maxb);
		}
		fputs("\"/>\n", o);
	}
	fprintf(o, "<text x=\"2\" y=\"%.1f\">%.0f q</text>\n", top + 10, maxq);
	fprintf(o, "<text x=\"2\" y=\"%.1f\">0</text>\n", top + h);
	fprintf(o, "<text x=\"%.1f\" y=\"%d\">", left, ch - 8);
	esc_value(o, json_array_get(json_array_get(rows, 0), 0));
	fprintf(o, "</text>\n<text x=\"%.1f\" y=\"%d\" text-anchor=\"end\">", left + w, ch - 8);
	esc_value(o, json_array_get(json_array_get(rows, n - 1), 0));
	fprintf(o, " + %.0f s</text>\n</svg>\n", num(tl, "bucket_seconds"));
}

/* Seconds since the epoch of an RFC 3339 UTC time of the document. */
static double ts_sec(const char *t)
{
	int y, mo, d, h, mi;
	double s;
	if (!t || sscanf(t, "%d-%d-%dT%d:%d:%lfZ", &y, &mo, &d, &h, &mi, &s) != 6)
		return 0;
	/* days from civil (H. Hinnant's algorithm) */
	y -= mo <= 2;
	long era = (y >= 0 ? y : y - 399) / 400;
	long yoe = y - era * 400;
	long doy = (153 * (mo + (mo > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	long days = era * 146097 + doe - 719468;
	return (double)days * 86400 + h * 3600 + mi * 60 + s;
}

/* Per client, a lane from its first to its last query on the finding's span. */
static void clients_svg(FILE *o, const json_t *f)
{
	const json_t *cl = json_object_get(f, "clients");
	size_t n = json_array_size(cl);
	if (!n)
		return;
	if (n > 24)
		n = 24;
	double t0 = ts_sec(str(f, "first_seen")), t1 = ts_sec(str(f, "last_seen"));
	double span = t1 > t0 ? t1 - t0 : 1;
	const double left = 150, w = CHART_W - left - 10;
	int hgt = (int)n * LANE_H + 8;
	fprintf(o, "<svg class=\"clients-chart\" role=\"img\" viewBox=\"0 0 %d %d\" width=\"%d\" "
		   "height=\"%d\" xmlns=\"http://www.w3.org/2000/svg\">\n"
		   "<title>each client's first to last query</title>\n",
		CHART_W, hgt, CHART_W, hgt);
	for (size_t i = 0; i < n; i++) {
		const json_t *c = json_array_get(cl, i);
		double a = ts_sec(str(c, "first_seen")), b = ts_sec(str(c, "last_seen"));
		double x0 = left + w * (a > t0 ? a - t0 : 0) / span;
		double x1 = left + w * (b > t0 ? b - t0 : 0) / span;
		if (x1 - x0 < 2)
			x1 = x0 + 2;
		double y = 4 + (double)i * LANE_H;
		fprintf(o, "<text x=\"2\" y=\"%.1f\">", y + 14);
		esc(o, str(c, "ip"));
		fprintf(o, "</text><rect class=\"lane\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" "
			   "height=\"%d\"><title>",
			x0, y + 3, x1 - x0, LANE_H - 8);
		esc(o, str(c, "ip"));
		fprintf(o, ": %.0f queries, ", num(c, "queries"));
		esc(o, str(c, "first_seen"));
		fputs(" to ", o);
		esc(o, str(c, "last_seen"));
		fputs("</title></rect>\n", o);
	}
	fputs("</svg>\n", o);
}

/* ---- a finding ---------------------------------------------------------------- */

static void list_strings(FILE *o, const json_t *a, const char *tag, bool code)
{
	size_t i;
	const json_t *v;
	fprintf(o, "<%s>\n", tag);
	json_array_foreach(a, i, v) {
		fputs(code ? "<li><code>" : "<li>", o);
		esc_value(o, v);
		fputs(code ? "</code></li>\n" : "</li>\n", o);
	}
	fprintf(o, "</%s>\n", tag);
}

static void carved(FILE *o, const json_t *cv)
{
	if (!json_is_object(cv))
		return;
	fputs("<h4>Carved</h4>\n<p>folder <code>", o);
	esc_value(o, json_object_get(cv, "dir"));
	fputs("</code></p>\n<table>\n<tr><th>file</th><th class=\"n\">bytes</th><th>sha256</th>"
	      "<th>decoding</th></tr>\n",
	      o);
	size_t i;
	const json_t *x;
	json_array_foreach(json_object_get(cv, "files"), i, x) {
		fputs("<tr><td><code>", o);
		esc_value(o, json_object_get(x, "name"));
		fprintf(o, "</code></td><td class=\"n\">%.0f</td><td><code>", num(x, "bytes"));
		esc_value(o, json_object_get(x, "sha256"));
		fputs("</code></td><td>", o);
		esc_value(o, json_object_get(x, "decoding"));
		fputs("</td></tr>\n", o);
	}
	fputs("</table>\n", o);
	const json_t *gaps = json_object_get(cv, "gaps");
	if (json_array_size(gaps)) {
		fputs("<p>gaps:</p>\n", o);
		list_strings(o, gaps, "ul", true);
	}
}

static void finding(FILE *o, const json_t *f, size_t rank)
{
	const char *conf = str(f, "confidence");
	if (!conf || (strcmp(conf, "high") && strcmp(conf, "medium")))
		conf = "low";
	fprintf(o, "<article class=\"finding\" id=\"f%zu\">\n<h3>%zu. <span class=\"domain\">", rank,
		rank);
	esc(o, str(f, "domain"));
	fprintf(o, "</span><span class=\"badge %s\">score %.0f</span>"
		   "<span class=\"badge %s\">risk %.0f</span></h3>\n",
		conf, num(f, "score"), conf, num(f, "risk_score"));
	fputs("<p class=\"meta\">", o);
	fprintf(o, "confidence %s &middot; tool ", conf);
	esc_value(o, json_object_get(f, "tool"));
	if (json_is_true(json_object_get(f, "allowlisted")))
		fputs(" &middot; allowlisted", o);
	fputs(" &middot; registered domain ", o);
	esc(o, str(f, "registered_domain"));
	fputs("<br>", o);
	esc(o, str(f, "first_seen"));
	fputs(" to ", o);
	esc(o, str(f, "last_seen"));
	fprintf(o, " &middot; %.0f queries, %.0f unique subdomains &middot; out ",
		num(f, "queries"), num(f, "unique_subdomains"));
	human(o, num(f, "bytes_out"));
	fputs(", in ", o);
	human(o, num(f, "bytes_in"));
	fputs("</p>\n", o);

	const json_t *ev = json_object_get(f, "evidence");
	fputs("<h4>Why</h4>\n", o);
	list_strings(o, json_object_get(ev, "reasons"), "ul", false);
	if (json_array_size(json_object_get(ev, "false_positive_hints"))) {
		fputs("<p class=\"meta\">could also be:</p>\n", o);
		list_strings(o, json_object_get(ev, "false_positive_hints"), "ul", false);
	}

	const json_t *tl = json_object_get(f, "timeline");
	fputs("<h4>Activity</h4>\n", o);
	timeline_svg(o, tl, "timeline", NULL, CHART_H);
	const json_t *bc = json_object_get(tl, "beacon");
	if (json_is_object(bc))
		fprintf(o, "<p class=\"meta\">beacon: a query every %.3g s, jitter %.0f%%</p>\n",
			num(bc, "period_seconds"), num(bc, "jitter") * 100);

	fputs("<h4>Clients</h4>\n", o);
	clients_svg(o, f);
	fputs("<table>\n<tr><th>client</th><th class=\"n\">queries</th><th class=\"n\">bytes out</th>"
	      "<th class=\"n\">bytes in</th><th>first seen</th><th>last seen</th>"
	      "<th>Community ID (first query)</th></tr>\n",
	      o);
	size_t i;
	const json_t *c;
	json_array_foreach(json_object_get(f, "clients"), i, c) {
		fputs("<tr><td><code>", o);
		esc(o, str(c, "ip"));
		fprintf(o, "</code></td><td class=\"n\">%.0f</td><td class=\"n\">%.0f</td>"
			   "<td class=\"n\">%.0f</td><td>",
			num(c, "queries"), num(c, "bytes_out"), num(c, "bytes_in"));
		esc(o, str(c, "first_seen"));
		fputs("</td><td>", o);
		esc(o, str(c, "last_seen"));
		fputs("</td><td><code>", o);
		esc_value(o, json_object_get(c, "community_id"));
		fputs("</code></td></tr>\n", o);
	}
	fputs("</table>\n", o);
	/* each client's own activity, on its own time scale */
	size_t ncl = json_array_size(json_object_get(f, "clients"));
	json_array_foreach(json_object_get(f, "clients"), i, c) {
		if (i == CLIENT_CHARTS) {
			fprintf(o, "<p class=\"meta\">activity charts of the first %d of %zu clients</p>\n",
				CLIENT_CHARTS, ncl);
			break;
		}
		const json_t *ct = json_object_get(c, "timeline");
		if (json_array_size(json_object_get(ct, "buckets")))
			timeline_svg(o, ct, "client-timeline", str(c, "ip"), CLIENT_CHART_H);
	}
	static const char *const servers[][2] = {{"resolvers", "resolvers"},
						 {"upstream_servers", "upstream servers"}};
	for (size_t k = 0; k < sizeof servers / sizeof *servers; k++) {
		const json_t *a = json_object_get(f, servers[k][0]);
		if (!json_array_size(a))
			continue;
		fprintf(o, "<p class=\"meta\">%s: ", servers[k][1]);
		const json_t *r;
		json_array_foreach(a, i, r) {
			if (i)
				fputs(", ", o);
			esc_value(o, r);
		}
		fputs("</p>\n", o);
	}

	const json_t *ds = json_object_get(ev, "decoded_sample");
	if (json_is_object(ds)) {
		fputs("<h4>Decoded sample (", o);
		esc(o, str(ds, "encoding"));
		fputs(")</h4>\n<pre>", o);
		esc(o, str(ds, "text"));
		fputs("</pre>\n<pre>", o);
		esc(o, str(ds, "hex"));
		fputs("</pre>\n", o);
	}
	fputs("<h4>Sample queries</h4>\n", o);
	list_strings(o, json_object_get(ev, "sample_queries"), "ul", true);
	carved(o, json_object_get(f, "carved"));

	fputs("<h4>Pivots</h4>\n", o);
	const json_t *fl = json_object_get(f, "filters");
	fputs("<p>Wireshark display filter:</p>\n<pre>", o);
	esc_value(o, json_object_get(fl, "wireshark"));
	fputs("</pre>\n<p>capture filter (BPF):</p>\n<pre>", o);
	esc_value(o, json_object_get(fl, "bpf"));
	fputs("</pre>\n<table>\n<tr><th>input</th><th class=\"n\">first frame</th>"
	      "<th class=\"n\">last frame</th><th class=\"n\">frames</th>"
	      "<th class=\"n\">DNS frames</th></tr>\n",
	      o);
	const json_t *fr;
	json_array_foreach(json_object_get(f, "frames"), i, fr) {
		fputs("<tr><td><code>", o);
		esc(o, str(fr, "input"));
		fprintf(o, "</code></td><td class=\"n\">%.0f</td><td class=\"n\">%.0f</td>"
			   "<td class=\"n\">%.0f</td><td class=\"n\">%.0f</td></tr>\n",
			num(fr, "first"), num(fr, "last"), num(fr, "count"), num(fr, "dns_frames"));
	}
	fputs("</table>\n", o);

	fputs("<h4>Actions</h4>\n<ol>\n", o);
	const json_t *m;
	json_array_foreach(json_object_get(f, "mitigations"), i, m) {
		fputs("<li><strong>", o);
		esc(o, str(m, "action"));
		fputs("</strong> <code>", o);
		esc(o, str(m, "target"));
		fputs("</code>: ", o);
		esc(o, str(m, "text"));
		fputs("</li>\n", o);
	}
	fputs("</ol>\n</article>\n", o);
}

int report_write_html(const report_ctx_t *c, FILE *o)
{
	json_t *doc = report_json_doc(c);
	if (!doc)
		return -1;
	head(o);
	summary(o, doc);
	const json_t *fs = json_object_get(doc, "findings");
	fputs("<section id=\"findings\">\n<h2>Findings</h2>\n", o);
	if (!json_array_size(fs)) {
		fprintf(o, "<p>No DNS tunnel found (min score %.0f).</p>\n", c->min_score);
	} else {
		fputs("<nav><ol>\n", o);
		size_t i;
		const json_t *f;
		json_array_foreach(fs, i, f) {
			fprintf(o, "<li><a href=\"#f%zu\">", i + 1);
			esc(o, str(f, "domain"));
			fprintf(o, "</a> (score %.0f)</li>\n", num(f, "score"));
		}
		fputs("</ol></nav>\n", o);
		json_array_foreach(fs, i, f)
			finding(o, f, i + 1);
	}
	fputs("</section>\n</body>\n</html>\n", o);
	json_decref(doc);
	return ferror(o) ? -1 : 0;
}
