/*
 * scan.c - the pipeline: capture -> decode -> {defrag, tcp_reasm} ->
 * dns_wire -> {DNS log, detection}.  It owns the per-scanner state of every
 * stage, classifies each packet into exactly one packet class of
 * dnsts_stats_t, and keeps one summary per input.
 *
 * Inputs scanned once (dnsts_scanner_dedup_inputs; archive members): each
 * such input is hashed while it is read and kept apart, in the scanner
 * itself when it is the first or else in a part (scan_internal.h), until
 * scan_fold compares it with the inputs before it.  A copy keeps its
 * summary, with duplicate_of naming the first, and its packets are counted
 * in packets, bytes and duplicate_packets only.
 */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <dnsts/cli.h>
#include <dnsts/dnsts.h>

#include "capture.h"
#include "decode.h"
#include "defrag.h"
#include "detect.h"
#include "dns_rdata.h"
#include "dns_wire.h"
#include "dnslog.h"
#include "report.h"
#include "scan_internal.h"
#include "source.h"
#include "state.h"
#include "tcp_reasm.h"

#define MAX_DECAP_ROUNDS 4  /* fragment -> reassembled -> fragment ... */

/* The smallest dnsts_options_t a program may pass: the end of the last
 * field of the first layout with a size (0.1).  Fields appended since get
 * their defaults when a program built with older headers passes less. */
#define OPTIONS_SIZE_MIN \
	(offsetof(dnsts_options_t, max_clients_per_domain) + sizeof(size_t))

void dnsts_options_init(dnsts_options_t *opt)
{
	memset(opt, 0, sizeof *opt);
	opt->size = sizeof *opt;
	opt->ports[0] = 53;
	opt->ports[1] = 5353;
	opt->ports[2] = 5355;
	opt->nports = 3;
	opt->min_score = DNSTS_DEFAULT_MIN_SCORE;
	opt->default_allowlist = true;
}

static char *xstrdup(const char *s)
{
	return s ? strdup(s) : NULL;
}

static void on_tcp_msg(void *ud, const l4_pkt_t *seg);

static void findings_cache_free(scan_findings_t *f)
{
	if (!f)
		return;
	for (size_t i = 0; i < f->nown; i++)
		finding_free(f->fs[i]);
	free(f->fs);
	free(f);
}

/* The scanner's findings change (more input, a merge, the end of TCP
 * streams): scored findings kept for the report are out of date. */
static void findings_changed(dnsts_scanner_t *s)
{
	findings_cache_free(s->findings);
	s->findings = NULL;
}

/* Fresh reassembly stages for s's options. */
static int new_stages(dnsts_scanner_t *s, defrag_t **df, tcp_reasm_t **tcp)
{
	defrag_limits_t dl = {
		.max_trackers = s->opt.max_frag_trackers,
		.max_bytes = s->opt.max_frag_bytes,
	};
	tcp_limits_t tl = {
		.max_streams = s->opt.max_tcp_streams,
		.max_stream_bytes = s->opt.max_tcp_stream_bytes,
		.max_total_bytes = s->opt.max_tcp_total_bytes,
	};
	*df = defrag_new(&dl);
	*tcp = tcp_reasm_new(&tl, on_tcp_msg, s);
	if (!*df || !*tcp) {
		defrag_free(*df);
		tcp_reasm_free(*tcp);
		*df = NULL;
		*tcp = NULL;
		return DNSTS_ENOMEM;
	}
	return DNSTS_OK;
}

static uint64_t wall_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

int dnsts_scanner_set_invocation(dnsts_scanner_t *s, int argc, char *const argv[],
				 bool per_file, int jobs, const char *format)
{
	char **v = calloc(argc > 0 ? (size_t)argc : 1, sizeof *v);
	char *f = format ? strdup(format) : NULL;
	if (!v || (format && !f)) {
		free(v);
		free(f);
		return DNSTS_ENOMEM;
	}
	for (int i = 0; i < argc; i++)
		if (!(v[i] = strdup(argv[i] ? argv[i] : ""))) {
			while (i-- > 0)
				free(v[i]);
			free(v);
			free(f);
			return DNSTS_ENOMEM;
		}
	for (size_t i = 0; i < s->argc; i++)
		free(s->argv[i]);
	free(s->argv);
	free(s->format);
	s->argv = v;
	s->argc = (size_t)(argc > 0 ? argc : 0);
	s->per_file = per_file;
	s->jobs = jobs;
	s->format = f;
	return DNSTS_OK;
}

uint64_t scan_finished_ns(dnsts_scanner_t *s)
{
	if (!s->finished_ns)
		s->finished_ns = wall_ns();
	return s->finished_ns;
}

dnsts_scanner_t *dnsts_scanner_new(const dnsts_options_t *opt, char *errbuf, size_t errlen)
{
	dnsts_options_t o;
	char dummy[8];
	if (!errbuf) {
		errbuf = dummy;
		errlen = sizeof dummy;
	}
	dnsts_options_init(&o);
	if (opt) {
		if (opt->size < OPTIONS_SIZE_MIN || opt->size > sizeof o) {
			snprintf(errbuf, errlen, "invalid options: %s",
				 opt->size > sizeof o ? "from newer headers than the library's"
						      : "not set up by dnsts_options_init");
			return NULL;
		}
		memcpy(&o, opt, opt->size);
		o.size = sizeof o;
	}
	opt = &o;
	if (opt->nports > DNSTS_MAX_PORTS || opt->min_score < 0 || opt->min_score > 100) {
		snprintf(errbuf, errlen, "invalid options");
		return NULL;
	}
	if (opt->bpf_filter) {
		char msg[256];
		if (capture_filter_check(opt->bpf_filter, msg, sizeof msg) != 0) {
			snprintf(errbuf, errlen, "bad filter '%s': %s", opt->bpf_filter, msg);
			return NULL;
		}
	}
	dnsts_scanner_t *s = calloc(1, sizeof *s);
	if (!s) {
		snprintf(errbuf, errlen, "out of memory");
		return NULL;
	}
	s->opt = *opt;
	s->started_ns = wall_ns();
	s->opt.bpf_filter = s->bpf = xstrdup(opt->bpf_filter);
	s->opt.allowlist_file = s->allowlist = xstrdup(opt->allowlist_file);
	for (size_t i = 0; i < opt->nports; i++)
		s->dns_port[opt->ports[i] >> 3] |= (uint8_t)(1u << (opt->ports[i] & 7));

	if (new_stages(s, &s->defrag, &s->tcp) < 0) {
		snprintf(errbuf, errlen, "out of memory");
		dnsts_scanner_free(s);
		return NULL;
	}
	if (opt->messages_out) {
		s->log = dnslog_new(opt->messages_out);
		if (!s->log) {
			snprintf(errbuf, errlen, "out of memory");
			dnsts_scanner_free(s);
			return NULL;
		}
	} else {
		s->det = detector_new(&s->opt, errbuf, errlen);
		if (!s->det) {
			dnsts_scanner_free(s);
			return NULL;
		}
	}
	return s;
}

void dnsts_scanner_free(dnsts_scanner_t *s)
{
	if (!s)
		return;
	defrag_free(s->defrag);
	tcp_reasm_free(s->tcp);
	findings_cache_free(s->findings);
	carver_free(s->carved);
	detector_free(s->det);
	dnslog_free(s->log);
	for (size_t i = 0; i < s->ninputs; i++) {
		free(s->inputs[i].path);
		free(s->inputs[i].error);
		free(s->inputs[i].warning);
		free(s->inputs[i].duplicate_of);
	}
	free(s->inputs);
	free(s->ids);
	for (size_t i = 0; i < s->argc; i++)
		free(s->argv[i]);
	free(s->argv);
	free(s->format);
	for (size_t i = 0; i < s->nparts; i++)
		dnsts_scanner_free(s->parts[i]);
	free(s->parts);
	free(s->ix);
	findings_free(s->kept, s->nkept);
	free(s->bpf);
	free(s->allowlist);
	free(s);
}

static inline bool is_dns_port(const dnsts_scanner_t *s, uint16_t port)
{
	return s->dns_port[port >> 3] & (1u << (port & 7));
}

/* Does a payload on a DNS port look like a DNS message at all?  Used to
 * tell "malformed DNS" from "something else on port 53". */
static bool looks_like_dns(const uint8_t *p, uint32_t n)
{
	if (n < DNS_HEADER_LEN)
		return false;
	unsigned qd = (unsigned)p[4] << 8 | p[5];
	unsigned opcode = (p[2] >> 3) & 15;
	return qd <= 4 && opcode <= DNS_OPCODE_DSO;
}

/* A message parsed (parse_rc: what dns_msg_parse returned into *mp). */
static void handle_parsed(dnsts_scanner_t *s, const l4_pkt_t *l4, const uint8_t *msg,
			  uint32_t len, uint32_t input, dns_msg_t *m, int parse_rc)
{
	bool usable = true;
	if (parse_rc != 0) {
		s->st.malformed_dns++;
		if (!looks_like_dns(msg, len)) {
			s->st.nondns_on_dns_port++;
			if (s->det) {
				dns_event_t ev = {l4->ts_ns, &l4->src, &l4->dst, l4->sport, l4->dport,
						  l4->proto, input, &l4->span};
				detector_add_nondns(s->det, &ev, msg, len);
			}
			return;
		}
		/* A DNS header whose question does not decode (a name over 255
		 * octets, a bad label or pointer): a DNS message still, as
		 * tshark counts it, logged without its question and records. */
		m->anomalies |= DNS_ANOM_BAD_NAME;
		m->count[0] = m->count[1] = m->count[2] = m->count[3] = 0;
		m->rr_off = DNS_HEADER_LEN;
		usable = false;
	}
	s->st.dns_messages++;
	if (m->qr)
		s->st.dns_responses++;
	else
		s->st.dns_queries++;
	if (s->log)
		dnslog_write(s->log, l4->ts_ns, &l4->src, l4->sport, &l4->dst, l4->dport, l4->proto,
			     l4->span.last, m, s->inputs[input].path);
	if (s->carve_to && usable)
		carver_msg(s->carve_to, l4->ts_ns, &l4->src, l4->sport, &l4->dst, l4->dport,
			   l4->proto, m);
	if (s->det && usable) {
		dns_event_t ev = {l4->ts_ns, &l4->src, &l4->dst, l4->sport, l4->dport, l4->proto,
				  input, &l4->span};
		detector_add_msg(s->det, &ev, m);
	}
}

/* A message on the consumer thread of a pipelined scan (handoff.h). */
static void on_handoff(void *ud, ho_rec_t *r)
{
	dns_msg_t m;
	int rc = dns_msg_parse(&m, r->l4.payload, r->l4.paylen);
	handle_parsed(ud, &r->l4, r->l4.payload, r->l4.paylen, r->input, &m, rc);
}

static void handle_dns(dnsts_scanner_t *s, const l4_pkt_t *l4, const uint8_t *msg, uint32_t len)
{
	if (s->ho) {
		handoff_put(s->ho, l4, msg, len, s->cur_input);
		return;
	}
	dns_msg_t m;
	int rc = dns_msg_parse(&m, msg, len);
	handle_parsed(s, l4, msg, len, s->cur_input, &m, rc);
}

static void on_tcp_msg(void *ud, const l4_pkt_t *seg)
{
	handle_dns(ud, seg, seg->payload, seg->paylen);
}

/* The kinds of packet of the current input that were not decoded. */
static void note_input_unsupported(dnsts_scanner_t *s, const char *what)
{
	if (!what)
		what = "unknown encapsulation";
	for (size_t i = 0; i < s->ninput_unsup; i++)
		if (s->input_unsup[i] == what || strcmp(s->input_unsup[i], what) == 0)
			return;
	if (s->ninput_unsup < SCAN_MAX_INPUT_UNSUPPORTED)
		s->input_unsup[s->ninput_unsup++] = what;
}

/* ---- DNS on ports that are not DNS ports ------------------------------ */

/* Is a UDP payload on a port that is not a DNS port strictly a DNS message?
 * The header first, cheap and rejecting nearly all other traffic: opcode
 * QUERY, Z clear, one question; a query has no records but an EDNS OPT and
 * no RCODE, a response at most 64 records with room for each.  Then the
 * question must parse with a real class, and every record must parse and
 * end exactly at the end of the datagram.  NetBIOS name service (port 137)
 * has this shape and is not DNS. */
static bool dns_shaped(const l4_pkt_t *l4)
{
	const uint8_t *p = l4->payload;
	uint32_t n = l4->paylen;
	if (n < DNS_HEADER_LEN + 5 || (p[2] & 0x78) || (p[3] & 0x40) || p[4] || p[5] != 1)
		return false;
	unsigned nrr = ((unsigned)p[6] << 8 | p[7]) + ((unsigned)p[8] << 8 | p[9]) +
		       ((unsigned)p[10] << 8 | p[11]);
	bool query = !(p[2] & 0x80);
	if (query && (nrr > 1 || p[6] || p[7] || p[8] || p[9] || (p[3] & 0x0f)))
		return false; /* a query: no answer or authority, no RCODE */
	if (!query && (nrr > 64 || n < DNS_HEADER_LEN + 5 + 11 * nrr))
		return false;
	if (l4->sport == 137 || l4->dport == 137)
		return false;
	dns_msg_t m;
	if (dns_msg_parse(&m, p, n) != 0 || !m.has_question)
		return false;
	unsigned cls = m.qclass & 0x7fff; /* mDNS sets the top bit */
	if (cls != DNS_CLASS_IN && cls != DNS_CLASS_CH && cls != DNS_CLASS_HS && cls != DNS_CLASS_ANY)
		return false;
	dns_msg_parse_all(&m);
	if (query && p[11] && !m.has_edns)
		return false;
	return !(m.anomalies & (DNS_ANOM_TRUNC_RR | DNS_ANOM_BAD_NAME | DNS_ANOM_RDLEN |
				DNS_ANOM_TRAILING | DNS_ANOM_FWD_PTR | DNS_ANOM_BAD_OPT |
				DNS_ANOM_NUL_IN_NAME));
}

/* Count a DNS-shaped datagram and note its server port (the destination
 * of a query, the source of a response) for the input's warning. */
static void note_dns_other_port(dnsts_scanner_t *s, const l4_pkt_t *l4)
{
	if (!dns_shaped(l4))
		return;
	s->st.dns_other_ports++;
	s->input_dns_other++;
	uint16_t port = (l4->payload[2] & 0x80) ? l4->sport : l4->dport;
	for (size_t i = 0; i < s->ninput_dns_ports; i++)
		if (s->input_dns_ports[i].port == port) {
			s->input_dns_ports[i].n++;
			return;
		}
	if (s->ninput_dns_ports < SCAN_MAX_INPUT_DNS_PORTS) {
		s->input_dns_ports[s->ninput_dns_ports].port = port;
		s->input_dns_ports[s->ninput_dns_ports++].n = 1;
	}
}

/* Append to w (size len, off used) "DNS-shaped UDP on port 8053 (2
 * packets): rerun with --port 8053" for the current input. */
static size_t warn_dns_other_ports(const dnsts_scanner_t *s, char *w, size_t len, size_t off)
{
	size_t np = s->ninput_dns_ports;
	uint64_t listed = 0;
	if (off < len)
		off += (size_t)snprintf(w + off, len - off, "%sDNS-shaped UDP on port%s ",
					off ? "; " : "", np == 1 ? "" : "s");
	for (size_t i = 0; i < np && off < len; i++) {
		uint64_t n = s->input_dns_ports[i].n;
		listed += n;
		off += (size_t)snprintf(w + off, len - off, "%s%u (%llu packet%s)", i ? ", " : "",
					s->input_dns_ports[i].port, (unsigned long long)n,
					n == 1 ? "" : "s");
	}
	if (listed < s->input_dns_other && off < len)
		off += (size_t)snprintf(w + off, len - off, " and other ports (%llu packets)",
					(unsigned long long)(s->input_dns_other - listed));
	if (off < len)
		off += (size_t)snprintf(w + off, len - off, ": rerun with");
	for (size_t i = 0; i < np && off < len; i++)
		off += (size_t)snprintf(w + off, len - off, " --port %u", s->input_dns_ports[i].port);
	return off;
}

/* A transport packet reached (first == true: the packet's own class is
 * still to be counted). */
static void handle_l4(dnsts_scanner_t *s, const l4_pkt_t *l4, bool first)
{
	bool dns = is_dns_port(s, l4->sport) || is_dns_port(s, l4->dport);
	if (l4->proto == 17 && dns) {
		if (first)
			s->st.udp_dns++;
		handle_dns(s, l4, l4->payload, l4->paylen);
	} else if (l4->proto == 6 && dns) {
		if (first)
			s->st.tcp_dns++;
		tcp_reasm_add(s->tcp, l4);
	} else if (first) {
		s->st.non_dns_packets++;
		if (l4->proto == 17)
			note_dns_other_port(s, l4);
	}
}

/* Frame number frame of the current input (counted from 1). */
static void process_packet(dnsts_scanner_t *s, const cap_packet_t *p, uint64_t frame)
{
	decode_out_t d;
	enum decode_result r = decode_packet(p->linktype, p->ts_ns, p->data, p->caplen, &d);
	bool first = true;
	frame_span_t span = {frame, frame, 1};

	for (int round = 0; round < MAX_DECAP_ROUNDS; round++) {
		switch (r) {
		case DECODE_L4:
			d.l4.span = span;
			handle_l4(s, &d.l4, first);
			return;
		case DECODE_FRAGMENT: {
			if (first)
				s->st.ip_fragments++;
			first = false;
			const uint8_t *buf;
			uint32_t len;
			ip_frag_t done;
			d.frag.span = span;
			if (defrag_add(s->defrag, p->ts_ns, &d.frag, &buf, &len, &done) != 1)
				return;
			s->st.reassembled_datagrams++;
			span = done.span;
			r = decode_transport(done.proto, &done.src, &done.dst, p->ts_ns, buf, len, &d);
			continue;
		}
		case DECODE_OTHER:
			if (first)
				s->st.non_dns_packets++;
			return;
		case DECODE_TRUNCATED:
			if (first)
				s->st.truncated_packets++;
			return;
		case DECODE_UNSUPPORTED:
			if (first)
				s->st.unsupported_packets++;
			note_input_unsupported(s, d.what);
			return;
		}
		return;
	}
}

/* Room for n input summaries (and their identities). */
static int inputs_reserve(dnsts_scanner_t *s, size_t n)
{
	if (n <= s->cinputs)
		return DNSTS_OK;
	size_t nc = s->cinputs ? s->cinputs : 8;
	while (nc < n)
		nc *= 2;
	dnsts_input_t *ni = realloc(s->inputs, nc * sizeof *ni);
	if (!ni)
		return DNSTS_ENOMEM;
	s->inputs = ni;
	scan_input_id_t *nd = realloc(s->ids, nc * sizeof *nd);
	if (!nd)
		return DNSTS_ENOMEM;
	s->ids = nd;
	s->cinputs = nc;
	return DNSTS_OK;
}

static dnsts_input_t *new_input(dnsts_scanner_t *s, const char *path)
{
	if (inputs_reserve(s, s->ninputs + 1) < 0)
		return NULL;
	dnsts_input_t *in = &s->inputs[s->ninputs];
	memset(in, 0, sizeof *in);
	memset(&s->ids[s->ninputs], 0, sizeof s->ids[s->ninputs]);
	in->path = strdup(path);
	if (!in->path)
		return NULL;
	s->cur_input = (uint32_t)s->ninputs++;
	return in;
}

static void note_linktype(dnsts_input_t *in, int lt)
{
	for (size_t i = 0; i < in->nlinktypes; i++)
		if (in->linktypes[i] == lt)
			return;
	if (in->nlinktypes < sizeof in->linktypes / sizeof in->linktypes[0])
		in->linktypes[in->nlinktypes++] = lt;
}

static void hex_digest(dnsts_input_t *in, const uint8_t dig[SHA256_LEN])
{
	static const char hx[] = "0123456789abcdef";
	for (size_t i = 0; i < SHA256_LEN; i++) {
		in->sha256[2 * i] = hx[dig[i] >> 4];
		in->sha256[2 * i + 1] = hx[dig[i] & 15];
	}
	in->sha256[2 * SHA256_LEN] = '\0';
}

static int scan_capture(dnsts_scanner_t *s, dnsts_input_t *in, FILE *fp, const char *name,
			bool track)
{
	char err[512];
	capture_t *c = NULL;
	int rc = capture_open(&c, name, fp, s->opt.bpf_filter, err, sizeof err);
	if (rc < 0) {
		in->error = strdup(err);
		return rc;
	}
	if (track)
		(void)capture_track_content(c); /* just opened: cannot be refused */
	in->format = capture_format(c);
	uint64_t unsup_before = s->st.unsupported_packets, zero_len = 0;
	s->ninput_unsup = 0;
	s->ninput_dns_ports = 0;
	s->input_dns_other = 0;
	cap_packet_t p;
	int lastlt = -1;
	/* two threads for one capture when asked: messages are handled in
	 * the order they were read, so the results are the same */
	s->ho = s->opt.pipeline ? handoff_start(on_handoff, s) : NULL;
	while ((rc = capture_next(c, &p)) == 1) {
		if (p.linktype != lastlt) {
			note_linktype(in, p.linktype);
			lastlt = p.linktype;
		}
		if (in->packets == 0 || p.ts_ns < in->first_ns)
			in->first_ns = p.ts_ns;
		if (p.ts_ns > in->last_ns)
			in->last_ns = p.ts_ns;
		in->packets++;
		in->bytes += p.caplen;
		if (p.caplen == 0)
			zero_len++;
		s->st.packets++;
		s->st.bytes += p.caplen;
		if (p.duplicate) {
			s->st.duplicate_packets++;
			continue;
		}
		if (p.filtered) {
			s->st.filtered_packets++;
			continue;
		}
		process_packet(s, &p, in->packets);
	}
	handoff_stop(s->ho);
	s->ho = NULL;
	if (rc < 0)
		in->error = strdup(capture_error(c) ? capture_error(c) : dnsts_strerror(rc));
	else if (track)
		s->ids[s->cur_input].valid = capture_content_id(c, &s->ids[s->cur_input].id);
	uint64_t unsup = s->st.unsupported_packets - unsup_before;
	if (unsup || zero_len || capture_warning(c) || s->input_dns_other) {
		/* one warning line per input: the reader's, then what was not decoded */
		char w[1024];
		size_t off = 0;
		if (capture_warning(c))
			off += (size_t)snprintf(w, sizeof w, "%s", capture_warning(c));
		if (zero_len && off < sizeof w)
			off += (size_t)snprintf(w + off, sizeof w - off,
						"%s%llu zero-length record%s (counted in truncated_packets)",
						off ? "; " : "", (unsigned long long)zero_len,
						zero_len == 1 ? "" : "s");
		if (unsup && off < sizeof w) {
			off += (size_t)snprintf(w + off, sizeof w - off,
						"%s%llu packet%s not decoded (", off ? "; " : "",
						(unsigned long long)unsup, unsup == 1 ? "" : "s");
			for (size_t i = 0; i < s->ninput_unsup && off < sizeof w; i++)
				off += (size_t)snprintf(w + off, sizeof w - off, "%s%s", i ? ", " : "",
							s->input_unsup[i]);
			if (off < sizeof w)
				off += (size_t)snprintf(w + off, sizeof w - off,
							"), counted in unsupported_packets");
		}
		if (s->input_dns_other)
			warn_dns_other_ports(s, w, sizeof w, off);
		in->warning = strdup(w);
	}
	uint8_t dig[SHA256_LEN];
	if (capture_sha256(c, dig) == 0)
		hex_digest(in, dig);
	capture_close(c);
	return rc < 0 ? rc : DNSTS_OK;
}

/*
 * The scanner the next input of s goes into: s itself, or, for an input to
 * be scanned once (dedup) when s already holds one, a new part (see
 * scan_internal.h).  *track: hash the input's content.  NULL when out of
 * memory.
 */
static dnsts_scanner_t *input_target(dnsts_scanner_t *s, bool dedup, bool *track)
{
	*track = false;
	if (!dedup || !s->det)
		return s;
	*track = true;
	if (s->ninputs == 0 && s->nparts == 0 && !s->merged_any) {
		s->own_unit = true;
		return s;
	}
	if (s->nparts == s->cparts) {
		size_t nc = s->cparts ? s->cparts * 2 : 4;
		dnsts_scanner_t **np = realloc(s->parts, nc * sizeof *np);
		if (!np)
			return NULL;
		s->parts = np;
		s->cparts = nc;
	}
	char err[256];
	dnsts_scanner_t *p = dnsts_scanner_new(&s->opt, err, sizeof err);
	if (!p)
		return NULL;
	s->parts[s->nparts++] = p;
	return p;
}

/* An input has been read into t, a part of s or s itself. */
static void input_done(dnsts_scanner_t *s, dnsts_scanner_t *t)
{
	if (t != s)
		dnsts_scanner_finish(t); /* a part is complete: its TCP streams end here */
}

int dnsts_scan_stream(dnsts_scanner_t *s, FILE *fp, const char *name, bool compressed)
{
	findings_changed(s);
	bool track;
	dnsts_scanner_t *t = input_target(s, s->dedup, &track);
	dnsts_input_t *in = t ? new_input(t, name) : NULL;
	if (!in)
		return DNSTS_ENOMEM;
	in->compressed = compressed;
	int rc = scan_capture(t, in, fp, name, track);
	input_done(s, t);
	return rc;
}

static int merge_plain(dnsts_scanner_t *dst, dnsts_scanner_t *src, bool keep_apart);

/* A part of s to come (see input_target); DNSTS_ENOMEM. */
static int add_part(dnsts_scanner_t *s, dnsts_scanner_t *p)
{
	if (s->nparts == s->cparts) {
		size_t nc = s->cparts ? s->cparts * 2 : 4;
		dnsts_scanner_t **np = realloc(s->parts, nc * sizeof *np);
		if (!np)
			return DNSTS_ENOMEM;
		s->parts = np;
		s->cparts = nc;
	}
	s->parts[s->nparts++] = p;
	return DNSTS_OK;
}

/*
 * A state file (lib/state): its inputs, counters and detector become a
 * scanner of their own, as if its captures had been scanned into it.  With
 * inputs scanned once, that is a part of s, compared with the inputs before
 * it when folded (a state of one input that copies an earlier input adds
 * only its summary); else it is merged into s at once.  A state that
 * cannot be read is an input with an error.
 */
static int scan_state(dnsts_scanner_t *s, source_stream_t *st)
{
	char err[512] = "out of memory";
	state_data_t sd = {0};
	int rc = DNSTS_ENOMEM;
	dnsts_scanner_t *p = s->det ? dnsts_scanner_new(&s->opt, err, sizeof err) : NULL;
	if (!s->det) {
		snprintf(err, sizeof err, "a state file has no DNS messages to log");
		rc = DNSTS_EINVAL;
	} else if (p) {
		rc = state_read(st->fp, &s->opt, p->det, &sd, err, sizeof err);
		if (rc == DNSTS_OK && inputs_reserve(p, sd.ninputs) < 0)
			rc = DNSTS_ENOMEM;
	}
	if (rc < 0) {
		state_data_free(&sd);
		dnsts_scanner_free(p);
		bool track;
		dnsts_scanner_t *t = input_target(s, s->dedup, &track);
		dnsts_input_t *in = t ? new_input(t, st->name) : NULL;
		if (!in)
			return DNSTS_ENOMEM;
		in->error = strdup(err);
		input_done(s, t);
		return rc;
	}
	for (size_t i = 0; i < sd.ninputs; i++) {
		p->inputs[i] = sd.inputs[i].in;
		p->ids[i].id = sd.inputs[i].id;
		p->ids[i].valid = sd.inputs[i].id_valid;
	}
	p->ninputs = sd.ninputs;
	free(sd.inputs); /* the strings now belong to p */
	p->merged = sd.st;
	p->merged_any = true;
	if (s->dedup)
		rc = add_part(s, p);
	else
		rc = merge_plain(s, p, false);
	if (!s->dedup || rc < 0)
		dnsts_scanner_free(p);
	return rc;
}

static int on_stream(void *ud, source_stream_t *st)
{
	dnsts_scanner_t *s = ud;
	if (st->state) {
		int rc = scan_state(s, st);
		if (rc < 0 && s->walk_rc == 0)
			s->walk_rc = rc;
		return rc == DNSTS_ENOMEM;
	}
	bool track;
	dnsts_scanner_t *t = input_target(s, s->dedup || st->member, &track);
	dnsts_input_t *in = t ? new_input(t, st->name) : NULL;
	if (!in) {
		s->walk_rc = DNSTS_ENOMEM;
		return 1;
	}
	in->compressed = st->compressed;
	int rc = scan_capture(t, in, st->fp, st->name, track);
	uint8_t dig[SHA256_LEN];
	if (st->compressed && !st->member) {
		in->sha256[0] = '\0'; /* the decompressed bytes' digest is not the file's */
		if (source_stream_sha256(st, dig))
			hex_digest(in, dig);
	} else if (!in->sha256[0] && !st->member && source_stream_sha256(st, dig)) {
		hex_digest(in, dig); /* not a capture: the file is still identified */
	}
	const char *derr = source_stream_error(st);
	if (derr) {
		/* the capture reader saw a short read; the real cause is here */
		free(in->error);
		in->error = strdup(derr);
		t->ids[t->cur_input].valid = false;
		rc = DNSTS_EIO;
	}
	input_done(s, t);
	if (rc < 0 && s->walk_rc == 0)
		s->walk_rc = rc;
	return 0;
}

int dnsts_scan_file(dnsts_scanner_t *s, const char *path)
{
	char err[512];
	size_t n = 0;
	s->walk_rc = 0;
	findings_changed(s);
	int rc = source_walk(path, on_stream, s, &n, err, sizeof err);
	if (rc < 0) {
		/* the path itself, or an archive after some members (after its
		 * parts, if they were kept apart) */
		bool track;
		dnsts_scanner_t *t = input_target(s, s->dedup || s->nparts > 0, &track);
		dnsts_input_t *in = t ? new_input(t, path) : NULL;
		if (!in)
			return DNSTS_ENOMEM;
		in->error = strdup(err);
		input_done(s, t);
		return rc;
	}
	return s->walk_rc;
}

void dnsts_scanner_finish(dnsts_scanner_t *s)
{
	findings_changed(s);
	tcp_reasm_flush(s->tcp);
	if (s->log)
		s->log_error = dnslog_flush(s->log) < 0;
}

static void stats_add(dnsts_stats_t *d, const dnsts_stats_t *x)
{
	uint64_t *dp = (uint64_t *)d;
	const uint64_t *xp = (const uint64_t *)x;
	for (size_t i = 0; i < sizeof *d / sizeof(uint64_t); i++)
		dp[i] += xp[i];
}

/* The counters of every stage are gathered when asked for, not kept up to
 * date: the detector's take a pass over its records. */
static const dnsts_stats_t *stats_gather(dnsts_scanner_t *s)
{
	const tcp_stats_t *ts = tcp_reasm_stats(s->tcp);
	const defrag_stats_t *ds = defrag_stats(s->defrag);
	dnsts_stats_t *o = &s->out;
	*o = s->st;
	o->tcp_streams = ts->streams;
	o->tcp_gaps = ts->gaps;
	o->tcp_dropped_bytes = ts->dropped_bytes;
	o->tcp_evicted_streams = ts->evicted;
	o->tcp_unfinished_bytes = ts->unfinished_bytes;
	o->tcp_skipped_bytes = ts->skipped_bytes;
	o->frag_timeouts = ds->timeouts;
	o->frag_dropped = ds->dropped + ds->evicted_frags; /* evicted: lost too */
	o->frag_overlaps = ds->overlaps;
	stats_add(o, &s->merged);
	if (s->det) {
		/* The detector's counters include what was aggregated into it (a
		 * merge leaves them out of s->merged); inputs kept apart
		 * (--per-file) have theirs in s->merged: they add up. */
		uint64_t aq, bd, td, ed, ec;
		detector_stats(s->det, &aq, &bd, &td, &ed, &ec);
		o->allowlisted_queries += aq;
		o->base_domains += bd;
		o->tracked_domains += td;
		o->evicted_domains += ed;
		o->evicted_clients += ec;
	}
	return o;
}

const dnsts_stats_t *dnsts_scanner_stats(dnsts_scanner_t *s)
{
	(void)scan_fold(s, NULL);
	return stats_gather(s);
}

/* ---- inputs scanned once ----------------------------------------------- */

static bool id_same(const cap_content_id_t *a, const cap_content_id_t *b)
{
	return a->h[0] == b->h[0] && a->h[1] == b->h[1] && a->len == b->len;
}

/* Put input i (a first occurrence) into the identity index. */
static int index_put(dnsts_scanner_t *s, size_t i)
{
	if ((s->ixn + 1) * 2 > s->ixcap) {
		size_t nc = s->ixcap ? s->ixcap * 2 : 64;
		uint32_t *nx = calloc(nc, sizeof *nx);
		if (!nx)
			return DNSTS_ENOMEM;
		for (size_t k = 0; k < s->ixcap; k++) {
			uint32_t v = s->ix[k];
			if (!v)
				continue;
			size_t pos = s->ids[v - 1].id.h[0] & (nc - 1);
			while (nx[pos])
				pos = (pos + 1) & (nc - 1);
			nx[pos] = v;
		}
		free(s->ix);
		s->ix = nx;
		s->ixcap = nc;
	}
	size_t mask = s->ixcap - 1, pos = s->ids[i].id.h[0] & mask;
	for (; s->ix[pos]; pos = (pos + 1) & mask)
		if (id_same(&s->ids[s->ix[pos] - 1].id, &s->ids[i].id))
			return DNSTS_OK; /* an earlier one is there */
	s->ix[pos] = (uint32_t)i + 1;
	s->ixn++;
	return DNSTS_OK;
}

/* The first of s's inputs with this content, or -1. */
static long index_find(dnsts_scanner_t *s, const cap_content_id_t *id)
{
	for (; s->nindexed < s->ninputs; s->nindexed++) {
		size_t i = s->nindexed;
		if (s->ids[i].valid && !s->inputs[i].duplicate_of && index_put(s, i) < 0)
			break; /* out of memory: the rest is not compared */
	}
	if (!s->ixcap)
		return -1;
	size_t mask = s->ixcap - 1;
	for (size_t pos = id->h[0] & mask; s->ix[pos]; pos = (pos + 1) & mask)
		if (id_same(&s->ids[s->ix[pos] - 1].id, id))
			return (long)s->ix[pos] - 1;
	return -1;
}

/* The path of an input before this one with the same content: one of
 * ref's (all before s's), else one of s's; NULL if there is none. */
static const char *earlier_copy(dnsts_scanner_t *ref, dnsts_scanner_t *s,
				const scan_input_id_t *id)
{
	long j;
	if (!id->valid)
		return NULL;
	if (ref && (j = index_find(ref, &id->id)) >= 0)
		return ref->inputs[j].path;
	if (s && (j = index_find(s, &id->id)) >= 0)
		return s->inputs[j].path;
	return NULL;
}

/* What a copy adds to the counters: its packets, all duplicates. */
static void count_copy(dnsts_stats_t *st, const dnsts_input_t *in)
{
	st->packets += in->packets;
	st->bytes += in->bytes;
	st->duplicate_packets += in->packets;
	st->duplicate_inputs++;
}

/* s's own content is one input (own_unit), a copy of orig: start s afresh,
 * keeping that input's summary. */
static int drop_own(dnsts_scanner_t *s, const char *orig)
{
	char err[256], *d = strdup(orig);
	defrag_t *df = NULL;
	tcp_reasm_t *tcp = NULL;
	detector_t *det = detector_new(&s->opt, err, sizeof err);
	if (!d || !det || new_stages(s, &df, &tcp) < 0) {
		free(d);
		detector_free(det);
		return DNSTS_ENOMEM;
	}
	defrag_free(s->defrag);
	tcp_reasm_free(s->tcp);
	detector_free(s->det);
	s->defrag = df;
	s->tcp = tcp;
	s->det = det;
	findings_changed(s);
	uint64_t skipped = s->st.skipped_files;
	memset(&s->st, 0, sizeof s->st);
	s->st.skipped_files = skipped;
	count_copy(&s->st, &s->inputs[0]);
	s->inputs[0].duplicate_of = d;
	return DNSTS_OK;
}

/* Part p's one input is a copy of orig: take its summary, not its content. */
static int take_copy(dnsts_scanner_t *s, dnsts_scanner_t *p, const char *orig)
{
	char *d = strdup(orig);
	if (!d || inputs_reserve(s, s->ninputs + 1) < 0) {
		free(d);
		return DNSTS_ENOMEM;
	}
	findings_changed(s);
	s->inputs[s->ninputs] = p->inputs[0];
	s->inputs[s->ninputs].duplicate_of = d;
	s->ids[s->ninputs] = p->ids[0];
	s->ninputs++;
	p->ninputs = 0; /* the strings now belong to s */
	count_copy(&s->merged, &s->inputs[s->ninputs - 1]);
	return DNSTS_OK;
}

int scan_fold(dnsts_scanner_t *s, dnsts_scanner_t *ref)
{
	int rc = DNSTS_OK;
	if (s->own_unit) {
		s->own_unit = false;
		const char *orig = s->ninputs == 1 ? earlier_copy(ref, NULL, &s->ids[0]) : NULL;
		if (orig && (rc = drop_own(s, orig)) < 0)
			return rc;
	}
	size_t k = 0;
	for (; k < s->nparts; k++) {
		dnsts_scanner_t *p = s->parts[k];
		const char *orig = p->ninputs == 1 ? earlier_copy(ref, s, &p->ids[0]) : NULL;
		rc = orig ? take_copy(s, p, orig) : merge_plain(s, p, false);
		if (rc < 0)
			break;
		dnsts_scanner_free(p);
	}
	if (k && k < s->nparts)
		memmove(s->parts, s->parts + k, (s->nparts - k) * sizeof *s->parts);
	s->nparts -= k;
	return rc;
}

void dnsts_scanner_dedup_inputs(dnsts_scanner_t *s, bool on)
{
	s->dedup = on;
}

/* ---- merge ------------------------------------------------------------- */

int dnsts_scanner_merge(dnsts_scanner_t *dst, dnsts_scanner_t *src, bool keep_apart)
{
	/* dst's inputs first, complete; then src's are compared with them */
	int rc = scan_fold(dst, NULL);
	if (rc == DNSTS_OK)
		rc = scan_fold(src, dst);
	if (rc < 0)
		return rc;
	return merge_plain(dst, src, keep_apart);
}

static int merge_plain(dnsts_scanner_t *dst, dnsts_scanner_t *src, bool keep_apart)
{
	uint32_t offset = (uint32_t)dst->ninputs;
	if (inputs_reserve(dst, dst->ninputs + src->ninputs) < 0)
		return DNSTS_ENOMEM;
	findings_changed(dst);
	dnsts_stats_t st = *stats_gather(src);
	if (dst->det && src->det) {
		if (keep_apart) {
			finding_t **fs = NULL;
			size_t n = 0;
			int rc = detector_findings(src->det, src->opt.min_score, src->opt.report_all,
						   &fs, &n);
			if (rc < 0)
				return rc;
			finding_t **nk = realloc(dst->kept, (dst->nkept + n) * sizeof *nk);
			if (!nk && n) {
				findings_free(fs, n);
				return DNSTS_ENOMEM;
			}
			dst->kept = nk;
			for (size_t i = 0; i < n; i++) {
				for (size_t k = 0; k < fs[i]->ninputs; k++)
					fs[i]->input_ids[k] += offset;
				dst->kept[dst->nkept++] = fs[i];
			}
			free(fs);
		} else if (dst->ninputs == 0 && !dst->merged_any) {
			/* merging into an empty detector: take src's as it is */
			detector_t *t = dst->det;
			dst->det = src->det;
			src->det = t;
			st.allowlisted_queries = st.base_domains = st.tracked_domains = 0;
			st.evicted_domains = st.evicted_clients = 0;
		} else {
			int rc = detector_merge(dst->det, src->det, offset);
			if (rc < 0)
				return rc;
			/* the merged detector counts these itself */
			st.allowlisted_queries = st.base_domains = st.tracked_domains = 0;
			st.evicted_domains = st.evicted_clients = 0;
		}
	}
	stats_add(&dst->merged, &st);
	dst->merged_any = true;
	memcpy(dst->inputs + dst->ninputs, src->inputs, src->ninputs * sizeof *src->inputs);
	memcpy(dst->ids + dst->ninputs, src->ids, src->ninputs * sizeof *src->ids);
	dst->ninputs += src->ninputs;
	src->ninputs = 0; /* the strings now belong to dst */
	if (src->log_error)
		dst->log_error = true;
	return DNSTS_OK;
}

int scan_findings(dnsts_scanner_t *s, const scan_findings_t **out)
{
	int rc = scan_fold(s, NULL);
	if (rc < 0)
		return rc;
	if (!s->findings) {
		scan_findings_t *f = calloc(1, sizeof *f);
		finding_t **fs = NULL;
		size_t n = 0;
		if (!f)
			return DNSTS_ENOMEM;
		if (s->det) {
			int r = detector_findings(s->det, s->opt.min_score, s->opt.report_all, &fs,
						  &n);
			if (r < 0) {
				free(f);
				return r;
			}
		}
		f->fs = malloc((n + s->nkept + 1) * sizeof *f->fs);
		if (!f->fs) {
			findings_free(fs, n);
			free(f);
			return DNSTS_ENOMEM;
		}
		for (size_t i = 0; i < n; i++)
			f->fs[i] = fs[i];
		free(fs);
		f->nown = n;
		for (size_t i = 0; i < s->nkept; i++)
			f->fs[n + i] = s->kept[i]; /* still owned by s->kept */
		f->n = n + s->nkept;
		f->nreported = report_prepare(f->fs, f->n, s->opt.min_score);
		s->findings = f;
	}
	*out = s->findings;
	return DNSTS_OK;
}

/* Parts not folded in yet hold the inputs after s's own. */
size_t dnsts_scanner_ninputs(const dnsts_scanner_t *s)
{
	size_t n = s->ninputs;
	for (size_t k = 0; k < s->nparts; k++)
		n += s->parts[k]->ninputs;
	return n;
}

const dnsts_input_t *dnsts_scanner_input(const dnsts_scanner_t *s, size_t i)
{
	if (i < s->ninputs)
		return &s->inputs[i];
	i -= s->ninputs;
	for (size_t k = 0; k < s->nparts; k++) {
		if (i < s->parts[k]->ninputs)
			return &s->parts[k]->inputs[i];
		i -= s->parts[k]->ninputs;
	}
	return NULL;
}

int dnsts_scanner_log_error(const dnsts_scanner_t *s)
{
	return s->log_error;
}

/* Append the domains of d scoring >= min_score to *out (each once). */
static int domains_over_add(detector_t *d, double min_score, char ***out, size_t *n)
{
	finding_t **fs = NULL;
	size_t nf = 0;
	if (!d || detector_findings(d, min_score, false, &fs, &nf) < 0)
		return 0;
	char **no = nf ? realloc(*out, (*n + nf) * sizeof *no) : *out;
	if (!no) {
		findings_free(fs, nf);
		return -1;
	}
	*out = no;
	size_t had = *n;
	for (size_t i = 0; i < nf; i++) {
		if (fs[i]->allowlisted)
			continue;
		bool seen = false;
		for (size_t k = 0; k < had && !seen; k++)
			seen = strcmp(no[k], fs[i]->domain) == 0;
		if (!seen && (no[*n] = strdup(fs[i]->domain)) != NULL)
			(*n)++;
	}
	findings_free(fs, nf);
	return 0;
}

char **dnsts_scanner_domains_over(dnsts_scanner_t *s, double min_score, size_t *n)
{
	char **out = NULL;
	*n = 0;
	/* parts are not folded in here: that would compare them too early */
	int rc = domains_over_add(s->det, min_score, &out, n);
	for (size_t k = 0; rc == 0 && k < s->nparts; k++)
		rc = domains_over_add(s->parts[k]->det, min_score, &out, n);
	if (*n == 0) {
		free(out);
		return NULL;
	}
	return out;
}

void dnsts_strings_free(char **v, size_t n)
{
	if (!v)
		return;
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

bool dnsts_magic_known(const unsigned char *b, size_t n)
{
	return source_magic_known(b, n);
}

int dnsts_scanner_save_state(dnsts_scanner_t *s, FILE *f, char *err, size_t errlen)
{
	int rc = scan_fold(s, NULL);
	if (rc < 0) {
		snprintf(err, errlen, "out of memory");
		return rc;
	}
	if (s->nkept) {
		snprintf(err, errlen, "no state of inputs aggregated separately (--per-file)");
		return DNSTS_EINVAL;
	}
	state_input_t *in = calloc(s->ninputs ? s->ninputs : 1, sizeof *in);
	if (!in) {
		snprintf(err, errlen, "out of memory");
		return DNSTS_ENOMEM;
	}
	for (size_t i = 0; i < s->ninputs; i++) {
		in[i].in = s->inputs[i];
		in[i].id = s->ids[i].id;
		in[i].id_valid = s->ids[i].valid;
	}
	rc = state_write(f, &s->opt, in, s->ninputs, stats_gather(s), s->det, err, errlen);
	free(in);
	return rc;
}

int dnsts_scanner_add_failed_input(dnsts_scanner_t *s, const char *path, const char *reason)
{
	dnsts_input_t *in = new_input(s, path);
	if (!in)
		return DNSTS_ENOMEM;
	in->error = strdup(reason);
	return in->error ? DNSTS_OK : DNSTS_ENOMEM;
}

void dnsts_scanner_count_skipped(dnsts_scanner_t *s, uint64_t n)
{
	s->st.skipped_files += n;
}
