/*
 * report.c - the report: the JSON document (SPEC.md), NDJSON lines, and a
 * text summary.  Findings come from the detector already scored; this module
 * adds what is about presentation and response: risk score, ATT&CK mapping,
 * mitigations.
 */
#include "report.h"

#include <jansson.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <dnsts/dnsts.h>

#include "jsonw.h"
#include "scan_internal.h"

int report_risk_score(double score, uint64_t bytes_moved, size_t nclients, const char *tool)
{
	double conf = score >= 80 ? 80 : 80 * (score < 0 ? 0 : score) / 80;
	double kib = (double)bytes_moved / 1024.0;
	double vol = kib > 1 ? 8 * log10(kib) : 0;
	if (vol > 24)
		vol = 24;
	double cl = nclients > 1 ? 7.5 * log2((double)nclients) : 0;
	if (cl > 15)
		cl = 15;
	double impact = 70 + vol + cl + (tool ? 15 : 0);
	long r = lround(impact * conf / 100);
	if (r < 1)
		r = 1;
	if (r > 99)
		r = 99;
	return (int)r;
}

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
	for (size_t i = 0; i < in->nlinktypes; i++) {
		const char *n = linktype_name(in->linktypes[i]);
		json_array_append_new(lts, n ? json_string(n) : json_integer(in->linktypes[i]));
	}
	json_object_set_new(o, "path", json_string(in->path));
	json_object_set_new(o, "format", in->format ? json_string(in->format) : json_null());
	json_object_set_new(o, "compressed", json_boolean(in->compressed));
	json_object_set_new(o, "linktypes", lts);
	json_object_set_new(o, "packets", json_integer((json_int_t)in->packets));
	json_object_set_new(o, "bytes", json_integer((json_int_t)in->bytes));
	json_object_set_new(o, "first_seen", in->packets ? ts_json(in->first_ns) : json_null());
	json_object_set_new(o, "last_seen", in->packets ? ts_json(in->last_ns) : json_null());
	json_object_set_new(o, "error", in->error ? json_string(in->error) : json_null());
	if (in->warning)
		json_object_set_new(o, "warning", json_string(in->warning));
	return o;
}

static json_t *stats_json(const dnsts_stats_t *st)
{
	json_t *o = json_object();
#define S(f) json_object_set_new(o, #f, json_integer((json_int_t)st->f))
	S(packets); S(bytes); S(dns_messages); S(dns_queries); S(dns_responses);
	S(udp_dns); S(tcp_dns); S(tcp_streams); S(ip_fragments); S(reassembled_datagrams);
	S(malformed_dns); S(truncated_packets); S(non_dns_packets); S(unsupported_packets);
	S(filtered_packets); S(nondns_on_dns_port); S(tcp_gaps); S(tcp_dropped_bytes);
	S(tcp_evicted_streams); S(frag_timeouts); S(frag_dropped); S(frag_overlaps);
	S(allowlisted_queries); S(base_domains); S(evicted_domains); S(evicted_clients);
#undef S
	return o;
}

static json_t *counts_json(const finding_count_t *c, size_t n)
{
	json_t *o = json_object();
	for (size_t i = 0; i < n; i++)
		json_object_set_new(o, c[i].name, json_integer((json_int_t)c[i].n));
	return o;
}

static json_t *strings_json(char **v, size_t n)
{
	json_t *a = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(a, json_string(v[i]));
	return a;
}

static json_t *mitre_json(const finding_t *f)
{
	json_t *a = json_array();
	json_array_append_new(a, json_pack("{s:s,s:s,s:s}", "id", "T1071.004", "name",
					   "Application Layer Protocol: DNS", "tactic",
					   "Command and Control"));
	json_array_append_new(a, json_pack("{s:s,s:s,s:s}", "id", "T1572", "name",
					   "Protocol Tunneling", "tactic", "Command and Control"));
	if (f->exfil)
		json_array_append_new(
			a, json_pack("{s:s,s:s,s:s}", "id", "T1048.003", "name",
				     "Exfiltration Over Alternative Protocol: Exfiltration Over "
				     "Unencrypted Non-C2 Protocol",
				     "tactic", "Exfiltration"));
	return a;
}

static json_t *mitigations_json(const finding_t *f)
{
	json_t *a = json_array();
	char text[2048], ip[64];
	for (size_t i = 0; i < f->nclients; i++) {
		const finding_client_t *c = &f->clients[i];
		ip_addr_str(&c->ip, ip, sizeof ip);
		int n = snprintf(text, sizeof text,
				 "Quarantine host %s, which sent %llu queries carrying about %llu "
				 "bytes to %s, and check it for other malicious activity",
				 ip, (unsigned long long)c->queries,
				 (unsigned long long)c->bytes_out, f->domain);
		if (c->nother && n > 0 && (size_t)n < sizeof text) {
			size_t off = (size_t)n;
			off += (size_t)snprintf(text + off, sizeof text - off,
						"; it also resolved other suspicious domains:");
			for (size_t k = 0; k < c->nother && off < sizeof text; k++)
				off += (size_t)snprintf(text + off, sizeof text - off, "%s %s",
							k ? "," : "", c->other_suspicious[k]);
		} else if (n > 0 && (size_t)n < sizeof text) {
			snprintf(text + n, sizeof text - (size_t)n,
				 "; it resolved no other suspicious domain in these captures");
		}
		json_array_append_new(a, json_pack("{s:s,s:s,s:s}", "action", "quarantine",
						   "target", ip, "text", text));
	}
	snprintf(text, sizeof text,
		 "Force DNS clients to use an internal resolver that blocks %s and its "
		 "subdomains, and block direct DNS (UDP/TCP 53, DoT, DoH) to outside "
		 "resolvers; --rpz FILE writes a Response Policy Zone for it",
		 f->domain);
	json_array_append_new(a, json_pack("{s:s,s:s,s:s}", "action", "block", "target",
					   f->domain, "text", text));
	snprintf(text, sizeof text,
		 "Report %s to threat intelligence platforms; --stix FILE writes a STIX 2.1 "
		 "indicator for it",
		 f->domain);
	json_array_append_new(a, json_pack("{s:s,s:s,s:s}", "action", "report", "target",
					   f->domain, "text", text));
	snprintf(text, sizeof text,
		 "Check the registration date of %s (WHOIS/RDAP): domains registered days "
		 "or weeks ago are often malicious",
		 f->registered_domain ? f->registered_domain : f->domain);
	json_array_append_new(a, json_pack("{s:s,s:s,s:s}", "action", "check_registration",
					   "target",
					   f->registered_domain ? f->registered_domain : f->domain,
					   "text", text));
	return a;
}

static json_t *finding_json(const dnsts_scanner_t *s, finding_t *f)
{
	json_t *o = json_object();
	json_object_set_new(o, "detection", json_string("dns_tunnel"));
	json_object_set_new(o, "domain", json_string(f->domain));
	json_object_set_new(o, "registered_domain",
			    json_string(f->registered_domain ? f->registered_domain : f->domain));
	json_object_set_new(o, "score", json_integer((json_int_t)lround(f->score)));
	f->risk_score = report_risk_score(f->score, f->bytes_out + f->bytes_in, f->nclients,
					  f->tool);
	json_object_set_new(o, "risk_score", json_integer(f->risk_score));
	json_object_set_new(o, "confidence", json_string(f->confidence ? f->confidence : "low"));
	json_object_set_new(o, "tool", f->tool ? json_string(f->tool) : json_null());
	json_object_set_new(o, "kill_chain", json_string("Command-and-Control"));
	json_object_set_new(o, "mitre_attack", mitre_json(f));
	if (f->allowlisted) {
		json_object_set_new(o, "allowlisted", json_true());
		if (f->allowlist_reason)
			json_object_set_new(o, "allowlist_reason", json_string(f->allowlist_reason));
	}
	json_object_set_new(o, "first_seen", ts_json(f->first_ns));
	json_object_set_new(o, "last_seen", ts_json(f->last_ns));
	json_object_set_new(o, "queries", json_integer((json_int_t)f->queries));
	json_object_set_new(o, "responses", json_integer((json_int_t)f->responses));
	json_object_set_new(o, "unique_subdomains", json_integer((json_int_t)f->unique_subdomains));
	json_object_set_new(o, "qtypes", counts_json(f->qtypes, f->nqtypes));
	json_object_set_new(o, "rcodes", counts_json(f->rcodes, f->nrcodes));
	json_object_set_new(o, "bytes_out", json_integer((json_int_t)f->bytes_out));
	json_object_set_new(o, "bytes_in", json_integer((json_int_t)f->bytes_in));
	json_t *cl = json_array();
	for (size_t i = 0; i < f->nclients; i++) {
		const finding_client_t *c = &f->clients[i];
		json_t *co = json_object();
		json_object_set_new(co, "ip", ip_json(&c->ip));
		json_object_set_new(co, "queries", json_integer((json_int_t)c->queries));
		json_object_set_new(co, "bytes_out", json_integer((json_int_t)c->bytes_out));
		json_object_set_new(co, "bytes_in", json_integer((json_int_t)c->bytes_in));
		json_object_set_new(co, "first_seen", ts_json(c->first_ns));
		json_object_set_new(co, "last_seen", ts_json(c->last_ns));
		json_array_append_new(cl, co);
	}
	json_object_set_new(o, "clients", cl);
	json_t *rs = json_array();
	for (size_t i = 0; i < f->nresolvers; i++)
		json_array_append_new(rs, ip_json(&f->resolvers[i]));
	json_object_set_new(o, "resolvers", rs);
	json_t *ins = json_array();
	for (size_t i = 0; i < f->ninputs; i++)
		if (f->input_ids[i] < s->ninputs)
			json_array_append_new(ins, json_string(s->inputs[f->input_ids[i]].path));
	json_object_set_new(o, "inputs", ins);

	json_t *ev = json_object();
	json_object_set_new(ev, "reasons", strings_json(f->reasons, f->nreasons));
	json_t *feat = json_object();
	for (size_t i = 0; i < f->nfeatures; i++) {
		double v = f->features[i].value;
		json_object_set_new(feat, f->features[i].name,
				    isfinite(v) ? json_real(round(v * 1000) / 1000) : json_null());
	}
	json_object_set_new(ev, "features", feat);
	json_object_set_new(ev, "sample_queries", strings_json(f->samples, f->nsamples));
	if (f->decoded_encoding && f->decoded) {
		static const char hexd[] = "0123456789abcdef";
		size_t n = f->decoded_len > 256 ? 256 : f->decoded_len;
		char *hex = malloc(n * 2 + 1), *txt = malloc(n * 4 + 1);
		if (hex && txt) {
			size_t t = 0;
			for (size_t i = 0; i < n; i++) {
				uint8_t b = f->decoded[i];
				hex[2 * i] = hexd[b >> 4];
				hex[2 * i + 1] = hexd[b & 15];
				if (b >= 0x20 && b < 0x7f && b != '\\') {
					txt[t++] = (char)b;
				} else {
					t += (size_t)sprintf(txt + t, "\\%03u", b);
				}
			}
			hex[2 * n] = 0;
			txt[t] = 0;
			json_object_set_new(ev, "decoded_sample",
					    json_pack("{s:s,s:s,s:s}", "encoding",
						      f->decoded_encoding, "hex", hex, "text", txt));
		} else {
			json_object_set_new(ev, "decoded_sample", json_null());
		}
		free(hex);
		free(txt);
	} else {
		json_object_set_new(ev, "decoded_sample", json_null());
	}
	if (f->nhints)
		json_object_set_new(ev, "false_positive_hints",
				    strings_json(f->false_positive_hints, f->nhints));
	json_object_set_new(o, "evidence", ev);
	json_object_set_new(o, "mitigations", mitigations_json(f));
	return o;
}

static json_t *tool_json(void)
{
	return json_pack("{s:s,s:s}", "name", "dnstunnel-scan", "version", DNSTS_VERSION);
}

static int dump_line(json_t *o, FILE *out)
{
	int rc = json_dumpf(o, out, JSON_COMPACT | JSON_ENSURE_ASCII);
	json_decref(o);
	if (rc != 0 || fputc('\n', out) == EOF)
		return -1;
	return 0;
}

static void text_report(const dnsts_scanner_t *s, finding_t **fs, size_t n, FILE *out)
{
	const dnsts_stats_t *st = &s->st;
	fprintf(out, "%zu input(s), %llu packets, %llu DNS messages, %llu base domains\n",
		s->ninputs, (unsigned long long)st->packets, (unsigned long long)st->dns_messages,
		(unsigned long long)st->base_domains);
	for (size_t i = 0; i < s->ninputs; i++)
		if (s->inputs[i].error)
			fprintf(out, "error: %s: %s\n", s->inputs[i].path, s->inputs[i].error);
	if (!n) {
		fprintf(out, "no DNS tunnel found\n");
		return;
	}
	size_t w = 6;
	for (size_t i = 0; i < n; i++)
		if (strlen(fs[i]->domain) > w)
			w = strlen(fs[i]->domain);
	if (w > 60)
		w = 60;
	fprintf(out, "%5s %4s  %-*s  %-12s %7s %10s %10s\n", "SCORE", "RISK", (int)w, "DOMAIN",
		"TOOL", "CLIENTS", "BYTES_OUT", "BYTES_IN");
	for (size_t i = 0; i < n; i++) {
		finding_t *f = fs[i];
		f->risk_score = report_risk_score(f->score, f->bytes_out + f->bytes_in, f->nclients,
						  f->tool);
		fprintf(out, "%5ld %4d  %-*s  %-12s %7zu %10llu %10llu%s\n", lround(f->score),
			f->risk_score, (int)w, f->domain, f->tool ? f->tool : "-", f->nclients,
			(unsigned long long)f->bytes_out, (unsigned long long)f->bytes_in,
			f->allowlisted ? "  (allowlisted)" : "");
	}
}

int dnsts_report_write(dnsts_scanner_t *s, FILE *out, enum dnsts_report_format fmt,
		       size_t *nfindings)
{
	finding_t **fs = NULL;
	size_t n = 0;
	int rc = 0;
	if (s->det) {
		rc = detector_findings(s->det, s->opt.min_score, s->opt.report_all, &fs, &n);
		if (rc < 0)
			return rc;
	}
	const dnsts_stats_t *st = dnsts_scanner_stats(s);
	size_t nreal = 0;
	for (size_t i = 0; i < n; i++)
		if (!fs[i]->allowlisted && fs[i]->score >= s->opt.min_score)
			nreal++;
	if (nfindings)
		*nfindings = nreal;

	if (fmt == DNSTS_REPORT_TEXT) {
		text_report(s, fs, n, out);
	} else if (fmt == DNSTS_REPORT_NDJSON) {
		for (size_t i = 0; i < n && rc == 0; i++) {
			json_t *o = finding_json(s, fs[i]);
			json_object_set_new(o, "type", json_string("finding"));
			rc = dump_line(o, out);
		}
		if (rc == 0) {
			json_t *o = json_object();
			json_object_set_new(o, "type", json_string("summary"));
			json_object_set_new(o, "tool", tool_json());
			json_object_set_new(o, "stats", stats_json(st));
			json_object_set_new(o, "findings", json_integer((json_int_t)nreal));
			rc = dump_line(o, out);
		}
	} else {
		json_t *doc = json_object();
		json_object_set_new(doc, "tool", tool_json());
		json_t *ins = json_array();
		for (size_t i = 0; i < s->ninputs; i++)
			json_array_append_new(ins, input_json(&s->inputs[i]));
		json_object_set_new(doc, "inputs", ins);
		json_object_set_new(doc, "stats", stats_json(st));
		json_t *fa = json_array();
		for (size_t i = 0; i < n; i++)
			json_array_append_new(fa, finding_json(s, fs[i]));
		json_object_set_new(doc, "findings", fa);
		if (json_dumpf(doc, out, JSON_INDENT(2) | JSON_ENSURE_ASCII) != 0 ||
		    fputc('\n', out) == EOF)
			rc = -1;
		json_decref(doc);
	}
	findings_free(fs, n);
	if (rc != 0 || fflush(out) != 0 || ferror(out))
		return DNSTS_EIO;
	return DNSTS_OK;
}

int dnsts_report_input_line(const dnsts_scanner_t *s, size_t i, FILE *out)
{
	if (i >= s->ninputs)
		return DNSTS_EINVAL;
	json_t *o = input_json(&s->inputs[i]);
	json_object_set_new(o, "type", json_string("input"));
	if (dump_line(o, out) != 0 || fflush(out) != 0)
		return DNSTS_EIO;
	return DNSTS_OK;
}
