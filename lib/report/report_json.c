/*
 * report_json.c - the report as the JSON document and NDJSON lines of
 * SPEC.md, and as an aligned text summary.  Works on plain data (report.h);
 * findings arrive scored from the detector, and this file adds what is about
 * presentation and response: risk score, ATT&CK mapping, mitigations,
 * false-positive hints for borderline findings.
 *
 * Every string that comes from a capture goes through an escaper first:
 * names (domains, sample queries, reasons) keep printable ASCII only and
 * write every other byte as \DDD; paths and messages keep valid UTF-8 and
 * write invalid bytes as \DDD.  jansson refuses invalid UTF-8, so without
 * this a key would silently go missing.
 */
#include "report.h"
#include "report_doc.h"

#include <archive.h>
#include <jansson.h>
#include <libpsl.h>
#include <math.h>
#include <pcap/pcap.h>
#include <pthread.h>
#include <time.h>
#include <stdlib.h>
#include <string.h>

#include "community_id.h"
#include "filters.h"
#include "fmt.h"
#include "jsonw.h"

/* ---- risk and selection ---------------------------------------------- */

static double clampd(double x, double lo, double hi)
{
	return x < lo ? lo : x > hi ? hi : x;
}

int report_risk_score(const report_risk_in_t *in)
{
	double score = in->score;
	if (!(score > 0)) /* also NaN */
		score = 0;
	const char *c = in->confidence ? in->confidence : "low";
	double weight = !strcmp(c, "high") ? 1.0 : !strcmp(c, "medium") ? 0.9 : 0.75;
	double conf = (score >= 80 ? 80 : score) * weight;
	double vol = in->bytes_moved > 1024
			     ? clampd(6 * log10((double)in->bytes_moved / 1024.0), 0, 24)
			     : 0;
	double dur = in->span_s > 60 ? clampd(2 * log2(in->span_s / 60.0), 0, 12) : 0;
	double cl = in->nclients > 1 ? clampd(6 * log2((double)in->nclients), 0, 12) : 0;
	double impact = 64 + vol + dur + cl + (in->tool && *in->tool ? 8 : 0);
	long r = lround(impact * conf / 100);
	if (r < 1)
		r = 1;
	if (r > 99)
		r = 99;
	return (int)r;
}

bool report_is_reported(const finding_t *f, double min_score)
{
	return f && !f->allowlisted && f->score >= min_score;
}

bool report_is_borderline(const finding_t *f, double min_score)
{
	if (f->confidence && strcmp(f->confidence, "low") == 0)
		return true;
	return f->score <= min_score + REPORT_BORDERLINE;
}

static const char *const default_hints[] = {
	"Anti-virus, anti-spam and reputation services look up hashes and "
	"addresses as encoded labels (e.g. under sophosxl.net, mcafee.com, "
	"spamhaus.org); if the domain belongs to such a vendor, add it to an "
	"--allowlist file",
	"CDNs and cloud load balancers use long random-looking host names; check "
	"whether the answers point at a known CDN",
	"Telemetry, licence checks and update services encode IDs in names; check "
	"the registered domain's owner",
	"DNSSEC-signed zones produce NSEC3 hash labels (base32hex) in answers, and "
	"some resolvers query random names to probe for NXDOMAIN hijacking",
};

size_t report_default_hints(const char *const **hints)
{
	*hints = default_hints;
	return sizeof default_hints / sizeof default_hints[0];
}

static int cmp_finding(const void *a, const void *b)
{
	const finding_t *x = *(finding_t *const *)a, *y = *(finding_t *const *)b;
	if (x->score != y->score)
		return x->score > y->score ? -1 : 1;
	return strcmp(x->domain ? x->domain : "", y->domain ? y->domain : "");
}

size_t report_prepare(finding_t **fs, size_t n, double min_score)
{
	size_t nrep = 0;
	for (size_t i = 0; i < n; i++) {
		finding_t *f = fs[i];
		if (!(f->score >= 0))
			f->score = 0;
		if (f->score > 100)
			f->score = 100;
		report_risk_in_t ri = {
			.score = f->score,
			.confidence = f->confidence,
			.bytes_moved = f->bytes_out + f->bytes_in,
			.span_s = f->last_ns > f->first_ns ? (double)(f->last_ns - f->first_ns) / 1e9
							   : 0,
			.nclients = f->nclients,
			.tool = f->tool,
		};
		f->risk_score = report_risk_score(&ri);
		if (report_is_reported(f, min_score))
			nrep++;
	}
	if (n > 1)
		qsort(fs, n, sizeof *fs, cmp_finding);
	return nrep;
}

/* ---- safe strings ------------------------------------------------------ */

char *report_escape_name(const char *s, char *buf, size_t buflen)
{
	size_t o = 0;
	if (!buflen)
		return buf;
	for (; s && *s; s++) {
		unsigned char ch = (unsigned char)*s;
		if (ch >= 0x20 && ch < 0x7f) {
			if (o + 1 >= buflen)
				break;
			buf[o++] = (char)ch;
		} else {
			if (o + FMT_DDD_LEN >= buflen)
				break;
			o += (size_t)(fmt_ddd(buf + o, ch) - (buf + o));
		}
	}
	buf[o] = '\0';
	return buf;
}

static json_t *jname(const char *s)
{
	if (!s)
		return json_null();
	const char *p = s;
	while (*p && (unsigned char)*p >= 0x20 && (unsigned char)*p < 0x7f)
		p++;
	if (!*p)
		return json_string(s);
	size_t len = strlen(s) * 4 + 1;
	char *buf = malloc(len);
	if (!buf)
		return NULL;
	json_t *j = json_string(report_escape_name(s, buf, len));
	free(buf);
	return j;
}

/* Length of the valid UTF-8 sequence at p (1..4), or 0. */
static size_t utf8_seq(const unsigned char *p)
{
	if (p[0] < 0x80)
		return p[0] ? 1 : 0;
	size_t n;
	uint32_t cp;
	if ((p[0] & 0xe0) == 0xc0) {
		n = 2;
		cp = p[0] & 0x1f;
	} else if ((p[0] & 0xf0) == 0xe0) {
		n = 3;
		cp = p[0] & 0x0f;
	} else if ((p[0] & 0xf8) == 0xf0) {
		n = 4;
		cp = p[0] & 0x07;
	} else {
		return 0;
	}
	for (size_t i = 1; i < n; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (p[i] & 0x3f);
	}
	static const uint32_t min[5] = {0, 0, 0x80, 0x800, 0x10000};
	if (cp < min[n] || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return n;
}

/* Text (paths, messages): valid UTF-8 kept, control and invalid bytes as
 * \DDD. */
static json_t *jtext(const char *s)
{
	if (!s)
		return json_null();
	size_t len = strlen(s);
	char *buf = malloc(len * 4 + 1);
	if (!buf)
		return NULL;
	size_t o = 0;
	const unsigned char *p = (const unsigned char *)s;
	while (*p) {
		size_t n = utf8_seq(p);
		if (n == 0 || (n == 1 && (*p < 0x20 || *p == 0x7f))) {
			o += (size_t)(fmt_ddd(buf + o, *p) - (buf + o));
			p++;
		} else {
			memcpy(buf + o, p, n);
			o += n;
			p += n;
		}
	}
	buf[o] = '\0';
	json_t *j = json_string(buf);
	free(buf);
	return j;
}

/* ---- pieces ------------------------------------------------------------ */

static json_t *ts_json(uint64_t ns)
{
	char buf[40];
	return json_string(ts_rfc3339(ns, buf, sizeof buf));
}

static json_t *ip_json(const ip_addr_t *ip)
{
	char buf[64];
	return json_string(ip_addr_str(ip, buf, sizeof buf));
}

static json_t *ips_json(const ip_addr_t *ips, size_t n)
{
	json_t *a = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(a, ip_json(&ips[i]));
	return a;
}

static json_t *u64_json(uint64_t v)
{
	return json_integer(v > (uint64_t)INT64_MAX ? INT64_MAX : (json_int_t)v);
}

static const char *linktype_name(int lt)
{
	switch (lt) {
	case 0: return "NULL";
	case 1: return "ETHERNET";
	case 9: return "PPP";
	case 10: return "FDDI";
	case 50: return "PPP_HDLC";
	case 101: return "RAW";
	case 105: return "IEEE802_11";
	case 108: return "LOOP";
	case 113: return "LINUX_SLL";
	case 127: return "IEEE802_11_RADIOTAP";
	case 129: return "ARCNET_LINUX";
	case 228: return "IPV4";
	case 229: return "IPV6";
	case 239: return "NFLOG";
	case 258: return "PKTAP";
	case 276: return "LINUX_SLL2";
	default: return NULL;
	}
}

static json_t *input_json(const dnsts_input_t *in)
{
	json_t *o = json_object();
	json_t *lts = json_array();
	size_t nlt = in->nlinktypes > 8 ? 8 : in->nlinktypes;
	for (size_t i = 0; i < nlt; i++) {
		const char *n = linktype_name(in->linktypes[i]);
		json_array_append_new(lts, n ? json_string(n) : json_integer(in->linktypes[i]));
	}
	json_object_set_new(o, "path", jtext(in->path ? in->path : "-"));
	json_object_set_new(o, "format", in->format ? json_string(in->format) : json_null());
	json_object_set_new(o, "compressed", json_boolean(in->compressed));
	json_object_set_new(o, "linktypes", lts);
	json_object_set_new(o, "packets", u64_json(in->packets));
	json_object_set_new(o, "bytes", u64_json(in->bytes));
	json_object_set_new(o, "first_seen", in->packets ? ts_json(in->first_ns) : json_null());
	json_object_set_new(o, "last_seen", in->packets ? ts_json(in->last_ns) : json_null());
	json_object_set_new(o, "error", jtext(in->error));
	json_object_set_new(o, "duplicate_of", jtext(in->duplicate_of));
	json_object_set_new(o, "sha256", in->sha256[0] ? json_string(in->sha256) : json_null());
	if (in->warning)
		json_object_set_new(o, "warning", jtext(in->warning));
	return o;
}

static json_t *stats_json(const dnsts_stats_t *st)
{
	static const dnsts_stats_t zero;
	if (!st)
		st = &zero;
	json_t *o = json_object();
#define S(f) json_object_set_new(o, #f, u64_json(st->f))
	S(packets); S(bytes); S(dns_messages); S(dns_queries); S(dns_responses);
	S(udp_dns); S(tcp_dns); S(tcp_streams); S(ip_fragments); S(reassembled_datagrams);
	S(malformed_dns); S(truncated_packets); S(non_dns_packets); S(unsupported_packets);
	S(filtered_packets); S(skipped_files); S(nondns_on_dns_port); S(dns_other_ports); S(tcp_gaps); S(tcp_dropped_bytes);
	S(tcp_evicted_streams); S(tcp_unfinished_bytes); S(tcp_skipped_bytes); S(frag_timeouts); S(frag_dropped); S(frag_overlaps);
	S(allowlisted_queries); S(base_domains); S(tracked_domains); S(evicted_domains); S(evicted_clients);
	S(duplicate_packets); S(duplicate_inputs);
#undef S
	return o;
}

static json_t *counts_json(const finding_count_t *c, size_t n)
{
	json_t *o = json_object();
	for (size_t i = 0; i < n; i++) {
		char name[sizeof c[i].name + 1], esc[4 * sizeof c[i].name + 1];
		memcpy(name, c[i].name, sizeof c[i].name);
		name[sizeof c[i].name] = '\0';
		report_escape_name(name, esc, sizeof esc);
		json_t *old = json_object_get(o, esc);
		uint64_t v = c[i].n + (old ? (uint64_t)json_integer_value(old) : 0);
		json_object_set_new(o, esc, u64_json(v));
	}
	return o;
}

static json_t *names_json(char *const *v, size_t n)
{
	json_t *a = json_array();
	for (size_t i = 0; i < n; i++)
		if (v[i])
			json_array_append_new(a, jname(v[i]));
	return a;
}

static json_t *technique(const char *id, const char *name, const char *tactic)
{
	char url[96];
	char path[16];
	snprintf(path, sizeof path, "%s", id);
	char *dot = strchr(path, '.');
	if (dot)
		*dot = '/';
	snprintf(url, sizeof url, "https://attack.mitre.org/techniques/%s/", path);
	return json_pack("{s:s,s:s,s:s,s:s}", "id", id, "name", name, "tactic", tactic, "url",
			 url);
}

static json_t *mitre_json(const finding_t *f)
{
	json_t *a = json_array();
	json_array_append_new(a, technique("T1071.004", "Application Layer Protocol: DNS",
					   "Command and Control"));
	json_array_append_new(a, technique("T1572", "Protocol Tunneling", "Command and Control"));
	if (f->exfil)
		json_array_append_new(
			a, technique("T1048.003",
				     "Exfiltration Over Alternative Protocol: Exfiltration Over "
				     "Unencrypted Non-C2 Protocol",
				     "Exfiltration"));
	return a;
}

static json_t *mitigation(const char *action, const char *target, const char *text)
{
	json_t *o = json_object();
	json_object_set_new(o, "action", json_string(action));
	json_object_set_new(o, "target", jname(target));
	json_object_set_new(o, "text", jname(text));
	return o;
}

/* Where on a host each tool leaves traces (from the tools' documentation
 * and source); NULL for an unknown tool. */
static const char *tool_hint(const char *tool)
{
	static const struct {
		const char *tool, *hint;
	} h[] = {
		{"iodine", "iodine runs as the iodine client process and brings up a tun "
			   "interface (dns0 on Linux, a TAP adapter on Windows) with an address "
			   "of the tunnel's network: look for both"},
		{"dnscat2", "dnscat2 runs as the dnscat client binary or as the dnscat2.ps1 "
			    "PowerShell script (PowerShell script block logging, event 4104, "
			    "records the script)"},
		{"dns2tcp", "dns2tcp runs as the dns2tcpc process, often with a ~/.dns2tcprc "
			    "configuration naming the domain and a local port it listens on"},
		{"dnsexfiltrator", "DNSExfiltrator runs as its .NET assembly or through "
				   "Invoke-DNSExfiltrator in PowerShell (event 4104); the file it "
				   "sent is named in its first query"},
		{"cobaltstrike", "a Cobalt Strike DNS beacon lives in the memory of an "
				 "injected process: scan process memory for the beacon and look "
				 "for its DNS beacon configuration"},
		{"sods", "sods runs as its sdt client process"},
		{"sliver", "a Sliver implant runs as its generated executable (or injected "
			   "shellcode) holding the DNS C2 parent domain in its configuration"},
		{"godoh", "godoh runs as its Go binary started with the agent command and "
			  "the domain"},
		{"chashell", "chashell runs as its Go client binary, built with the target "
			     "domain and key inside"},
		{"dnsteal", "dnsteal's client is a shell loop of gzip, base64 and dig (or "
			    "nslookup) naming the file it sends: look in the shell history"},
		{"tuns", "TUNS runs as a Ruby client process that brings up a tun "
			 "interface"},
		{"dnsstager", "a DNSStager loader resolves its payload and runs it in "
			      "memory: look for the process that made the look-ups"},
	};
	if (!tool)
		return NULL;
	for (size_t i = 0; i < sizeof h / sizeof h[0]; i++)
		if (!strcmp(h[i].tool, tool))
			return h[i].hint;
	return NULL;
}

/* Append s to a bounded buffer; stops (truncated) when full. */
static void bappend(char *buf, size_t len, size_t *off, const char *s)
{
	while (*s && *off + 1 < len)
		buf[(*off)++] = *s++;
	buf[*off] = '\0';
}

static json_t *mitigations_json(const finding_t *f)
{
	json_t *a = json_array();
	char text[2048], ip[64];
	const char *dom = f->domain ? f->domain : "";
	const char *reg = f->registered_domain ? f->registered_domain : dom;
	bool high = f->confidence && !strcmp(f->confidence, "high");
	const char *hint = tool_hint(f->tool);
	for (size_t i = 0; i < f->nclients; i++) {
		const finding_client_t *c = &f->clients[i];
		ip_addr_str(&c->ip, ip, sizeof ip);
		int n;
		if (high)
			n = snprintf(text, sizeof text,
				     "Quarantine host %s and check it for other malicious activity (it "
				     "sent %llu queries carrying about %llu bytes out and received "
				     "about %llu bytes in through %s)",
				     ip, (unsigned long long)c->queries,
				     (unsigned long long)c->bytes_out,
				     (unsigned long long)c->bytes_in, dom);
		else
			n = snprintf(text, sizeof text,
				     "Investigate host %s first (confidence is %s): find the process "
				     "that queried %s and, if it is a tunnel, quarantine the host and "
				     "check it for other malicious activity (it sent %llu queries "
				     "carrying about %llu bytes out and received about %llu bytes in)",
				     ip, f->confidence ? f->confidence : "low", dom,
				     (unsigned long long)c->queries,
				     (unsigned long long)c->bytes_out,
				     (unsigned long long)c->bytes_in);
		size_t off = n < 0 ? 0 : (size_t)n >= sizeof text ? sizeof text - 1 : (size_t)n;
		if (c->nother) {
			bappend(text, sizeof text, &off,
				"; it also queried other suspicious domains:");
			for (size_t k = 0; k < c->nother; k++) {
				bappend(text, sizeof text, &off, k ? ", " : " ");
				bappend(text, sizeof text, &off,
					c->other_suspicious[k] ? c->other_suspicious[k] : "");
			}
		} else {
			bappend(text, sizeof text, &off,
				"; no other domain it queried in these captures scored as suspicious");
		}
		if (hint) {
			bappend(text, sizeof text, &off, ". ");
			bappend(text, sizeof text, &off, hint);
		}
		bappend(text, sizeof text, &off,
			". On Windows, Sysmon event 22 (DNSEvent) whose QueryName ends in ");
		bappend(text, sizeof text, &off, dom);
		bappend(text, sizeof text, &off, " names the process");
		json_t *m = mitigation("quarantine", ip, text);
		json_object_set_new(m, "urgency", json_string(high ? "now" : "investigate_first"));
		json_array_append_new(a, m);
	}
	if (f->nclients == 0) {
		/* the queries were not captured (only responses, or one direction):
		 * the hosts are still to be found */
		snprintf(text, sizeof text,
			 "No host was seen querying %s in these captures; find the hosts that "
			 "resolve it in the resolver's logs, quarantine them and check them for "
			 "other malicious activity",
			 dom);
		json_array_append_new(a, mitigation("quarantine", dom, text));
	}
	int bn = snprintf(text, sizeof text,
			  "Force DNS clients to an internal resolver that blocks %s and its "
			  "subdomains (--rpz FILE writes a Response Policy Zone for it), and block "
			  "direct DNS, DoT and DoH to outside resolvers",
			  dom);
	size_t boff = bn < 0 ? 0 : (size_t)bn >= sizeof text ? sizeof text - 1 : (size_t)bn;
	for (size_t i = 0; i < f->nclients; i++) {
		const finding_client_t *c = &f->clients[i];
		if (!c->direct_server.v)
			continue;
		char srv[64];
		ip_addr_str(&c->ip, ip, sizeof ip);
		ip_addr_str(&c->direct_server, srv, sizeof srv);
		bappend(text, sizeof text, &boff, "; host ");
		bappend(text, sizeof text, &boff, ip);
		bappend(text, sizeof text, &boff, " sent its queries straight to ");
		bappend(text, sizeof text, &boff, srv);
		bappend(text, sizeof text, &boff, ", not through a resolver of the network");
	}
	json_array_append_new(a, mitigation("block", dom, text));
	snprintf(text, sizeof text,
		 "Report %s to threat intelligence platforms (--stix FILE writes a STIX 2.1 "
		 "indicator for it)",
		 dom);
	json_array_append_new(a, mitigation("report", dom, text));
	snprintf(text, sizeof text,
		 "Check the registration date of %s (WHOIS/RDAP): domains registered days or "
		 "weeks before use are often malicious",
		 reg);
	json_array_append_new(a, mitigation("check_registration", reg, text));
	return a;
}

static json_t *decoded_json(const finding_t *f)
{
	if (!f->decoded_encoding || !f->decoded)
		return json_null();
	size_t n = f->decoded_len > 256 ? 256 : f->decoded_len;
	char hex[2 * 256 + 1], txt[4 * 256 + 1];
	size_t t = 0;
	*fmt_hex(hex, f->decoded, n, false) = '\0';
	for (size_t i = 0; i < n; i++) {
		uint8_t b = f->decoded[i];
		if (b >= 0x20 && b < 0x7f && b != '\\')
			txt[t++] = (char)b;
		else
			t += (size_t)(fmt_ddd(txt + t, b) - (txt + t));
	}
	txt[t] = '\0';
	json_t *o = json_object();
	json_object_set_new(o, "encoding", jname(f->decoded_encoding));
	json_object_set_new(o, "hex", json_string(hex));
	json_object_set_new(o, "text", json_string(txt));
	return o;
}

/* frames: per input, the frames that carried the finding's messages. */
static json_t *frames_json(const report_ctx_t *c, const finding_t *f)
{
	json_t *a = json_array();
	for (size_t i = 0; i < f->nframes; i++) {
		const pivot_frames_t *p = &f->frames[i];
		if (p->input >= c->ninputs)
			continue;
		json_t *o = json_object();
		json_object_set_new(o, "input", jtext(c->inputs[p->input].path));
		json_object_set_new(o, "first", u64_json(p->first));
		json_object_set_new(o, "last", u64_json(p->last));
		json_object_set_new(o, "count", u64_json(p->count));
		json_object_set_new(o, "dns_frames", u64_json(p->shown));
		json_array_append_new(a, o);
	}
	return a;
}

/* timeline: bucket width and [start, queries, bytes_out, bytes_in] rows */
static json_t *timeline_rows_json(uint64_t bucket_s, const timeline_row_t *rows, size_t n)
{
	json_t *o = json_object();
	json_object_set_new(o, "bucket_seconds", u64_json(bucket_s));
	json_t *a = json_array();
	for (size_t i = 0; i < n; i++) {
		const timeline_row_t *r = &rows[i];
		json_t *row = json_array();
		json_array_append_new(row, ts_json(r->start_s * 1000000000ull));
		json_array_append_new(row, u64_json(r->queries));
		json_array_append_new(row, u64_json(r->bytes_out));
		json_array_append_new(row, u64_json(r->bytes_in));
		json_array_append_new(a, row);
	}
	json_object_set_new(o, "buckets", a);
	return o;
}

/* the finding's timeline, with its beacon */
static json_t *timeline_json(const finding_t *f)
{
	json_t *o = timeline_rows_json(f->timeline_bucket_s, f->timeline, f->ntimeline);
	if (f->beacon) {
		json_t *b = json_object();
		json_object_set_new(b, "period_seconds", json_real(round(f->beacon_period_s * 1000) / 1000));
		json_object_set_new(b, "jitter", json_real(round(f->beacon_jitter * 1000) / 1000));
		json_object_set_new(o, "beacon", b);
	} else {
		json_object_set_new(o, "beacon", json_null());
	}
	return o;
}

static json_t *filters_json(const finding_t *f)
{
	char buf[8192];
	json_t *o = json_object();
	json_object_set_new(o, "wireshark",
			    filter_wireshark(f->domain ? f->domain : "", buf, sizeof buf)
				    ? json_string(buf) : json_null());
	json_object_set_new(o, "bpf", filter_bpf(f, buf, sizeof buf) ? json_string(buf)
								     : json_null());
	return o;
}

/* The Community ID of a client's flow to server. */
static json_t *cid_json(const finding_client_t *k, const ip_addr_t *server, uint8_t transport,
			uint16_t sport, uint16_t dport)
{
	if (!server->v || server->v != k->ip.v)
		return json_null();
	char cid[COMMUNITY_ID_LEN];
	community_id_v1(0, k->ip.a, server->a, k->ip.v == 4 ? 4 : 16, transport, sport, dport, cid);
	return json_string(cid);
}

/* The Community ID of the flow of a client's first query. */
static json_t *client_cid_json(const finding_client_t *k)
{
	return cid_json(k, &k->flow_server, k->flow_transport, k->flow_sport, k->flow_dport);
}

/* The client's flows: community_ids (the first FINDING_FLOWS by the time of
 * their first query), flows (their number; null when it had more) and
 * flows_more. */
static void client_flows_json(json_t *co, const finding_client_t *k)
{
	json_t *a = json_array();
	for (size_t i = 0; i < k->nflows; i++) {
		json_t *id = cid_json(k, &k->flows[i].server, k->flows[i].transport,
				      k->flows[i].sport, k->flows[i].dport);
		if (json_is_null(id))
			json_decref(id);
		else
			json_array_append_new(a, id);
	}
	json_object_set_new(co, "community_ids", a);
	json_object_set_new(co, "flows", k->flows_more ? json_null() : u64_json(k->nflows));
	json_object_set_new(co, "flows_more", json_boolean(k->flows_more));
}

static json_t *finding_json(const report_ctx_t *c, const finding_t *f)
{
	json_t *o = json_object();
	json_object_set_new(o, "detection", json_string("dns_tunnel"));
	json_object_set_new(o, "domain", jname(f->domain ? f->domain : ""));
	json_object_set_new(o, "registered_domain",
			    jname(f->registered_domain ? f->registered_domain
						       : f->domain ? f->domain : ""));
	json_object_set_new(o, "score", json_integer((json_int_t)lround(f->score)));
	json_object_set_new(o, "risk_score", json_integer(f->risk_score));
	const char *conf = f->confidence;
	if (!conf || (strcmp(conf, "low") && strcmp(conf, "medium") && strcmp(conf, "high")))
		conf = "low";
	json_object_set_new(o, "confidence", json_string(conf));
	json_object_set_new(o, "tool", f->tool ? jname(f->tool) : json_null());
	json_object_set_new(o, "kill_chain", json_string("Command-and-Control"));
	json_object_set_new(o, "mitre_attack", mitre_json(f));
	if (f->allowlisted) {
		json_object_set_new(o, "allowlisted", json_true());
		if (f->allowlist_reason)
			json_object_set_new(o, "allowlist_reason", jname(f->allowlist_reason));
	}
	json_object_set_new(o, "first_seen", ts_json(f->first_ns));
	json_object_set_new(o, "last_seen", ts_json(f->last_ns));
	json_object_set_new(o, "queries", u64_json(f->queries));
	json_object_set_new(o, "responses", u64_json(f->responses));
	json_object_set_new(o, "unique_subdomains", u64_json(f->unique_subdomains));
	json_object_set_new(o, "qtypes", counts_json(f->qtypes, f->nqtypes));
	json_object_set_new(o, "rcodes", counts_json(f->rcodes, f->nrcodes));
	json_object_set_new(o, "bytes_out", u64_json(f->bytes_out));
	json_object_set_new(o, "bytes_in", u64_json(f->bytes_in));
	json_t *cl = json_array();
	for (size_t i = 0; i < f->nclients; i++) {
		const finding_client_t *k = &f->clients[i];
		json_t *co = json_object();
		json_object_set_new(co, "ip", ip_json(&k->ip));
		json_object_set_new(co, "queries", u64_json(k->queries));
		json_object_set_new(co, "bytes_out", u64_json(k->bytes_out));
		json_object_set_new(co, "bytes_in", u64_json(k->bytes_in));
		json_object_set_new(co, "first_seen", ts_json(k->first_ns));
		json_object_set_new(co, "last_seen", ts_json(k->last_ns));
		json_object_set_new(co, "community_id", client_cid_json(k));
		client_flows_json(co, k);
		json_object_set_new(co, "timeline",
				    timeline_rows_json(k->timeline_bucket_s, k->timeline, k->ntimeline));
		if (k->direct_server.v)
			json_object_set_new(co, "direct_server", ip_json(&k->direct_server));
		if (k->nother)
			json_object_set_new(co, "other_suspicious",
					    names_json(k->other_suspicious, k->nother));
		json_array_append_new(cl, co);
	}
	json_object_set_new(o, "clients", cl);
	json_object_set_new(o, "resolvers", ips_json(f->resolvers, f->nresolvers));
	json_object_set_new(o, "upstream_servers", ips_json(f->upstream, f->nupstream));
	if (f->upstream_only)
		json_object_set_new(o, "upstream_only_queries", json_integer((json_int_t)f->upstream_only));
	json_t *ins = json_array();
	for (size_t i = 0; i < f->ninputs; i++)
		if (f->input_ids[i] < c->ninputs)
			json_array_append_new(ins, jtext(c->inputs[f->input_ids[i]].path));
	json_object_set_new(o, "inputs", ins);
	json_object_set_new(o, "frames", frames_json(c, f));
	json_object_set_new(o, "filters", filters_json(f));
	json_object_set_new(o, "timeline", timeline_json(f));

	json_t *ev = json_object();
	json_object_set_new(ev, "reasons", names_json(f->reasons, f->nreasons));
	json_t *feat = json_object();
	for (size_t i = 0; i < f->nfeatures; i++) {
		double v = f->features[i].value;
		if (!f->features[i].name)
			continue;
		json_object_set_new(feat, f->features[i].name,
				    isfinite(v) ? json_real(round(v * 1000) / 1000) : json_null());
	}
	json_object_set_new(ev, "features", feat);
	json_object_set_new(ev, "sample_queries", names_json(f->samples, f->nsamples));
	json_object_set_new(ev, "decoded_sample", decoded_json(f));
	/* the detector's own hints, then the typical causes when borderline */
	if (f->nhints || report_is_borderline(f, c->min_score)) {
		json_t *a = names_json(f->false_positive_hints, f->nhints);
		if (report_is_borderline(f, c->min_score)) {
			const char *const *h;
			size_t nh = report_default_hints(&h);
			for (size_t i = 0; i < nh; i++)
				json_array_append_new(a, json_string(h[i]));
		}
		json_object_set_new(ev, "false_positive_hints", a);
	}
	json_object_set_new(o, "evidence", ev);
	json_object_set_new(o, "mitigations", mitigations_json(f));
	if (c->finding_extra)
		c->finding_extra(c->extra_ud, f, o);
	return o;
}

const char *report_libpcap_version(void)
{
	return pcap_lib_version();
}

/* archive_version_details() rebuilds its text at each call and leaks the
 * previous one: asked once, kept here. */
static char archive_version_text[256];
static pthread_once_t archive_version_once = PTHREAD_ONCE_INIT;

static void archive_version_init(void)
{
	snprintf(archive_version_text, sizeof archive_version_text, "%s",
		 archive_version_details());
}

const char *report_libarchive_version(void)
{
	pthread_once(&archive_version_once, archive_version_init);
	return archive_version_text;
}

const char *report_psl_version(char *buf, size_t len)
{
	time_t t = psl_builtin_file_time();
	struct tm tm;
	char day[16] = "unknown date";
	if (t > 0 && gmtime_r(&t, &tm))
		strftime(day, sizeof day, "%Y-%m-%d", &tm);
	snprintf(buf, len, "libpsl %s, built-in list of %s", psl_get_version(), day);
	return buf;
}

static json_t *tool_json(void)
{
	char psl[128];
	return json_pack("{s:s,s:s,s:s,s:s,s:s}", "name", "dnstunnel-scan", "version",
			 DNSTS_VERSION, "libpcap", report_libpcap_version(), "libarchive",
			 report_libarchive_version(), "psl", report_psl_version(psl, sizeof psl));
}

static json_t *strings_json(const char *const *v, size_t n)
{
	json_t *a = json_array();
	for (size_t i = 0; v && i < n; i++)
		json_array_append_new(a, jtext(v[i]));
	return a;
}

/* The "scan" object: when, how invoked, with which effective options. */
static json_t *scan_json(const report_run_t *r)
{
	json_t *o = json_object();
	json_object_set_new(o, "started", r->started_ns ? ts_json(r->started_ns) : json_null());
	json_object_set_new(o, "finished", r->finished_ns ? ts_json(r->finished_ns) : json_null());
	json_object_set_new(o, "argv", r->argv ? strings_json((const char *const *)r->argv, r->argc)
					       : json_null());
	json_t *op = json_object();
	const dnsts_options_t *opt = r->opt;
	if (opt) {
		json_object_set_new(op, "min_score", json_integer((json_int_t)lround(opt->min_score)));
		json_object_set_new(op, "all", json_boolean(opt->report_all));
		json_object_set_new(op, "per_file", json_boolean(r->per_file));
		json_object_set_new(op, "default_allowlist", json_boolean(opt->default_allowlist));
		json_object_set_new(op, "allowlist", jtext(opt->allowlist_file));
		json_object_set_new(op, "filter", jtext(opt->bpf_filter));
		json_t *ports = json_array();
		for (size_t i = 0; i < opt->nports; i++)
			json_array_append_new(ports, json_integer(opt->ports[i]));
		json_object_set_new(op, "ports", ports);
		json_object_set_new(op, "resolvers", strings_json(opt->resolvers, opt->nresolvers));
		json_object_set_new(op, "home_nets", strings_json(opt->home_nets, opt->nhome_nets));
	}
	json_object_set_new(op, "jobs", r->jobs ? json_integer(r->jobs) : json_null());
	json_object_set_new(op, "format", r->format ? json_string(r->format) : json_null());
	json_object_set_new(o, "options", op);
	return o;
}

/* ---- writers ----------------------------------------------------------- */

static int dump_line(json_t *o, FILE *out)
{
	if (!o)
		return -1;
	int rc = json_dumpf(o, out, JSON_COMPACT | JSON_ENSURE_ASCII);
	json_decref(o);
	if (rc != 0 || fputc('\n', out) == EOF || fflush(out) != 0)
		return -1;
	return 0;
}

int report_write_input_line(const dnsts_input_t *in, FILE *out)
{
	json_t *o = input_json(in);
	json_object_set_new(o, "type", json_string("input"));
	return dump_line(o, out);
}

static size_t count_reported(const report_ctx_t *c)
{
	size_t n = 0;
	for (size_t i = 0; i < c->n; i++)
		if (report_is_reported(c->fs[i], c->min_score))
			n++;
	return n;
}

int report_write_ndjson(const report_ctx_t *c, FILE *out)
{
	for (size_t i = 0; i < c->n; i++) {
		json_t *o = finding_json(c, c->fs[i]);
		json_object_set_new(o, "type", json_string("finding"));
		if (dump_line(o, out) != 0)
			return -1;
	}
	json_t *o = json_object();
	json_object_set_new(o, "type", json_string("summary"));
	json_object_set_new(o, "tool", tool_json());
	json_object_set_new(o, "inputs", u64_json(c->ninputs));
	size_t nerr = 0;
	for (size_t i = 0; i < c->ninputs; i++)
		if (c->inputs[i].error)
			nerr++;
	json_object_set_new(o, "failed_inputs", u64_json(nerr));
	json_object_set_new(o, "stats", stats_json(c->stats));
	json_object_set_new(o, "findings", u64_json(count_reported(c)));
	if (c->run)
		json_object_set_new(o, "scan", scan_json(c->run));
	return dump_line(o, out);
}

json_t *report_json_doc(const report_ctx_t *c)
{
	json_t *doc = json_object();
	json_object_set_new(doc, "tool", tool_json());
	if (c->run)
		json_object_set_new(doc, "scan", scan_json(c->run));
	json_t *ins = json_array();
	for (size_t i = 0; i < c->ninputs; i++)
		json_array_append_new(ins, input_json(&c->inputs[i]));
	json_object_set_new(doc, "inputs", ins);
	json_object_set_new(doc, "stats", stats_json(c->stats));
	json_t *fa = json_array();
	for (size_t i = 0; i < c->n; i++)
		json_array_append_new(fa, finding_json(c, c->fs[i]));
	json_object_set_new(doc, "findings", fa);
	return doc;
}

int report_write_json(const report_ctx_t *c, FILE *out)
{
	json_t *doc = report_json_doc(c);
	int rc = 0;
	if (json_dumpf(doc, out, JSON_INDENT(2) | JSON_ENSURE_ASCII) != 0 ||
	    fputc('\n', out) == EOF)
		rc = -1;
	json_decref(doc);
	return rc;
}

/* Human units: 950, 12.3K, 4.5M, 1.2G (powers of 1024). */
static const char *human(uint64_t v, char *buf, size_t len)
{
	static const char units[] = "KMGTPE";
	if (v < 1024) {
		snprintf(buf, len, "%llu", (unsigned long long)v);
		return buf;
	}
	double d = (double)v;
	int u = -1;
	while (d >= 1024 && u < 5) {
		d /= 1024;
		u++;
	}
	snprintf(buf, len, d < 10 ? "%.1f%c" : "%.0f%c", d, units[u]);
	return buf;
}

/* The first reason is cut to this many characters in --text. */
#define REPORT_TEXT_WHY 72

/* The busiest client of f ("-": none). */
static void top_client(const finding_t *f, char *ip, size_t len)
{
	snprintf(ip, len, "-");
	if (!f->nclients)
		return;
	size_t best = 0;
	for (size_t k = 1; k < f->nclients; k++)
		if (f->clients[k].queries > f->clients[best].queries)
			best = k;
	ip_addr_str(&f->clients[best].ip, ip, len);
}

/* The input of a finding of an input kept apart ("-": none or several). */
static const char *finding_input(const report_ctx_t *c, const finding_t *f)
{
	if (f->ninputs != 1 || f->input_ids[0] >= c->ninputs)
		return "-";
	return c->inputs[f->input_ids[0]].path;
}

/* Cut s to at most w characters, ending in "..." when cut. */
static void shorten(char *s, size_t w)
{
	if (w >= 4 && strlen(s) > w) {
		s[w - 3] = '\0';
		strcat(s, "...");
	}
}

int report_write_text(const report_ctx_t *c, FILE *out)
{
	const dnsts_stats_t *st = c->stats;
	static const dnsts_stats_t zero;
	if (!st)
		st = &zero;
	char esc[1024], b1[16], b2[16];
	size_t nrep = count_reported(c);
	fprintf(out, "dnstunnel-scan %s: %zu input%s, %llu packets, %llu DNS messages, "
		     "%llu base domains, %zu finding%s\n",
		DNSTS_VERSION, c->ninputs, c->ninputs == 1 ? "" : "s",
		(unsigned long long)st->packets, (unsigned long long)st->dns_messages,
		(unsigned long long)st->base_domains, nrep, nrep == 1 ? "" : "s");
	for (size_t i = 0; i < c->ninputs; i++)
		if (c->inputs[i].error)
			fprintf(out, "  input failed: %s: %s\n",
				report_escape_name(c->inputs[i].path, esc, 512),
				report_escape_name(c->inputs[i].error, esc + 512, 512));
		else if (c->inputs[i].duplicate_of)
			fprintf(out, "  input scanned once: %s has the content of %s\n",
				report_escape_name(c->inputs[i].path, esc, 512),
				report_escape_name(c->inputs[i].duplicate_of, esc + 512, 512));
	if (!c->n) {
		fprintf(out, "no DNS tunnel found (min score %.0f)\n", c->min_score);
		return ferror(out) ? -1 : 0;
	}
	int w = 6, wt = 4, wc = 10, wi = 5;
	/* with inputs kept apart, the input of each finding */
	bool show_input = c->per_file && c->ninputs > 1;
	for (size_t i = 0; i < c->n; i++) {
		const finding_t *f = c->fs[i];
		int l = (int)strlen(report_escape_name(f->domain, esc, sizeof esc));
		if (l > w)
			w = l;
		if (f->tool && (int)strlen(f->tool) > wt)
			wt = (int)strlen(f->tool);
		char ip[64];
		top_client(f, ip, sizeof ip);
		if ((int)strlen(ip) > wc)
			wc = (int)strlen(ip);
		if (show_input) {
			l = (int)strlen(report_escape_name(finding_input(c, f), esc, sizeof esc));
			if (l > wi)
				wi = l;
		}
	}
	if (w > 60)
		w = 60;
	if (wt > 16)
		wt = 16;
	if (wi > 40)
		wi = 40;
	fprintf(out, "\n%5s %4s  %-*s  %-*s %7s %8s %8s  %-*s", "SCORE", "RISK", w, "DOMAIN", wt,
		"TOOL", "CLIENTS", "OUT", "IN", wc, "TOP CLIENT");
	if (show_input)
		fprintf(out, "  %-*s", wi, "INPUT");
	fprintf(out, "  %s\n", "WHY");
	for (size_t i = 0; i < c->n; i++) {
		const finding_t *f = c->fs[i];
		char ip[64];
		top_client(f, ip, sizeof ip);
		report_escape_name(f->domain, esc, sizeof esc);
		shorten(esc, (size_t)w);
		const char *tag = f->allowlisted ? "(allowlisted) "
				  : !report_is_reported(f, c->min_score) ? "(below min score) "
				  : "";
		fprintf(out, "%5ld %4d  %-*s  %-*.*s %7zu %8s %8s  %-*s", lround(f->score),
			f->risk_score, w, esc, wt, wt, f->tool ? f->tool : "-", f->nclients,
			human(f->bytes_out, b1, sizeof b1), human(f->bytes_in, b2, sizeof b2), wc, ip);
		if (show_input) {
			/* the end of a path tells inputs apart: keep that */
			report_escape_name(finding_input(c, f), esc, sizeof esc);
			size_t el = strlen(esc);
			const char *e = esc;
			if (el > (size_t)wi) {
				e = esc + el - (size_t)wi + 3;
				fprintf(out, "  ...%-*s", wi - 3, e);
			} else {
				fprintf(out, "  %-*s", wi, e);
			}
		}
		report_escape_name(f->nreasons ? f->reasons[0] : "-", esc, sizeof esc);
		shorten(esc, REPORT_TEXT_WHY);
		fprintf(out, "  %s%s\n", tag, esc);
	}
	return ferror(out) ? -1 : 0;
}
