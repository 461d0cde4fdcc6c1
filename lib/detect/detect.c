/*
 * detect.c - the detection engine (see detect.h): one table of base
 * domains, each with a bounded aggregate (aggregate.h), fed by every DNS
 * message; scored on demand.
 *
 * Handles: the base-domain split (regdomain.h, search suffixes dropped,
 * dnscat2-style "prefix.<payload>" names with no real TLD), the allowlist
 * (allowlist.h: listed names are aggregated under the listed name and
 * marked; structural matches are only counted), query and response data,
 * answer records smuggled inside queries, and non-DNS payloads on DNS
 * ports with a tunnel header (rawpairs.h: counted per address pair).
 *
 * Two tiers.  A base domain is tracked in detail (a record with its key
 * and full aggregate) from its first message while fewer than
 * DET_EAGER_DOMAINS records exist (a small capture: every domain), and
 * beyond that from the first message that could carry data: a payload of
 * hostname-unlike or binary characters, a long one, DET_PROMOTE_DISTINCT
 * distinct payloads (promote.h: a direct-mapped table of 48-bit payload
 * sets, a tag per cell: a colliding domain restarts the cell), a raw-data
 * query type (NULL, KEY, private) or answer records inside a query.  Other
 * domains are only counted (distinct.h: base_domains is exact up to 32768
 * keys and a HyperLogLog estimate, about 1%, beyond).  So a long capture of
 * benign names costs no memory per domain, and the records go to the
 * domains that look like tunnels; a record's counters start with the
 * message that earned it.
 *
 * Bounds and eviction (domtab.h): at most max_domains detail records
 * (default DET_DEFAULT_MAX_DOMAINS) and DET_MAX_BYTES of records, details
 * and client lists.  When either is reached, one sweep evicts the least
 * suspicious quarter (agg_suspicion: roughly the hostname-unlike payload
 * characters plus the unique answer bytes; the domain must show data
 * again to get a new record), so a long capture keeps the domains that
 * look like tunnels and memory stays flat whatever the capture's size.
 * Clients per domain are capped (default DET_DEFAULT_MAX_CLIENTS); more
 * are counted, not listed.
 *
 * Deliberately dropped: non-IN classes (CHAOS version probes), opcodes
 * other than QUERY (UPDATE, NOTIFY), messages without a question.
 */
#include <math.h>
#include <pthread.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "aggregate.h"
#include "allowlist.h"
#include "ascii.h"
#include "detect.h"
#include "distinct.h"
#include "dns_const.h"
#include "dns_layout.h"
#include "domtab.h"
#include "feature.h"
#include "fingerprint.h"
#include "mix.h"
#include "namecache.h"
#include "placement.h"
#include "promote.h"
#include "rawpairs.h"
#include "regdomain.h"
#include "score.h"
#include "siphash.h"
#include "suffixes.h"
#include "swar.h"

#define DET_DEFAULT_MAX_DOMAINS 100000
#define DET_DEFAULT_MAX_CLIENTS 64
#define DET_RESP_BUF 1024
/* Detail records from the first message while fewer than this many exist. */
#define DET_EAGER_DOMAINS 1000
/* Distinct payloads (bits of a payload set) that earn a record. */
#define DET_PROMOTE_DISTINCT 12
/* A zone below a registered domain needs this many distinct payloads, and
 * a twentieth of the registered domain's own, to stand as its own (see
 * fold_small_zones). */
#define DET_ZONE_MIN 3
#define DET_ZONE_SHARE 20
/* A client's other domains that score this much are named in its
 * other_suspicious list (at most DET_MAX_OTHER of them). */
#define DET_SUSPICIOUS 40.0
#define DET_MAX_OTHER 8
/* Detector memory (records, details, client lists) kept under this; past
 * it the least suspicious records are evicted as when full.  Every message
 * touches a record at random, so the time per message follows how much of
 * this the processor's cache holds: 24 MiB scans the 1 GiB benchmark
 * capture about 12% faster than 48 MiB did, with the same findings. */
#define DET_MAX_BYTES ((size_t)24 << 20)

struct detector {
	uint8_t key[16];
	size_t max_domains, max_clients, eager;
	regdomain_t *rd;
	allowlist_t *al;
	agg_fcache_t *fc;
	domtab_t dom;              /* the detail records */
	promote_t seen;             /* distinct payloads of domains without a record */
	distinct_t keys;           /* distinct base keys (base_domains) */
	namecache_t *qc;           /* question name -> qinfo, stamped with dom.gen: a
	                              sweep may release the records entries name */
	rawpairs_t raw;            /* tunnel packets outside DNS */
	placement_t *pl;           /* resolvers and local networks */
	suffixes_t sfx;            /* evidence for search suffixes dropped */
	uint64_t allowlisted_queries;
};

/* One random key per process: detectors that merge (one per input with
 * -j) hash a base key alike, so their tables and counts combine. */
static uint8_t proc_key[16];
static pthread_once_t proc_key_once = PTHREAD_ONCE_INIT;

static void proc_key_init(void)
{
	siphash_random_key(proc_key);
}

/* --resolver and --home-net into pl; -1 with the reason in errbuf. */
static int place_options(placement_t *pl, const dnsts_options_t *opt, char *errbuf,
			 size_t errlen)
{
	ip_addr_t ip;
	unsigned prefix;
	for (size_t i = 0; i < opt->nresolvers; i++) {
		const char *s = opt->resolvers[i];
		if (!s || placement_parse_cidr(s, &ip, &prefix) < 0 ||
		    prefix != (ip.v == 4 ? 32u : 128u) || strchr(s, '/')) {
			if (errbuf && errlen)
				snprintf(errbuf, errlen, "--resolver '%s': not an IP address",
					 s ? s : "");
			return -1;
		}
		if (placement_declare_resolver(pl, &ip) < 0) {
			if (errbuf && errlen)
				snprintf(errbuf, errlen, "--resolver '%s': too many", s);
			return -1;
		}
	}
	for (size_t i = 0; i < opt->nhome_nets; i++) {
		const char *s = opt->home_nets[i];
		if (!s || placement_parse_cidr(s, &ip, &prefix) < 0 ||
		    placement_add_home_net(pl, &ip, prefix) < 0) {
			if (errbuf && errlen)
				snprintf(errbuf, errlen,
					 "--home-net '%s': not a network (ADDRESS/PREFIX) or too many",
					 s ? s : "");
			return -1;
		}
	}
	return 0;
}

detector_t *detector_new(const dnsts_options_t *opt, char *errbuf, size_t errlen)
{
	detector_t *d = calloc(1, sizeof(*d));
	if (!d)
		goto nomem;
	pthread_once(&proc_key_once, proc_key_init);
	memcpy(d->key, proc_key, sizeof(d->key));
	d->max_domains = opt && opt->max_domains ? opt->max_domains : DET_DEFAULT_MAX_DOMAINS;
	d->max_clients = opt && opt->max_clients_per_domain ? opt->max_clients_per_domain
							     : DET_DEFAULT_MAX_CLIENTS;
	d->eager = d->max_domains < DET_EAGER_DOMAINS ? d->max_domains : DET_EAGER_DOMAINS;
	d->rd = regdomain_new();
	d->al = allowlist_new(opt ? opt->default_allowlist : true);
	d->fc = agg_fcache_new();
	d->qc = namecache_new();
	d->pl = placement_new();
	suffixes_init(&d->sfx);
	if (!d->pl)
		goto nomem;
	if (opt && place_options(d->pl, opt, errbuf, errlen) < 0) {
		detector_free(d);
		return NULL;
	}
	int dom_ok = domtab_init(&d->dom, d->max_domains, DET_MAX_BYTES);
	int seen_ok = promote_init(&d->seen);
	int keys_ok = distinct_init(&d->keys);
	if (dom_ok < 0 || keys_ok < 0 || !d->rd || !d->al || !d->fc || !d->qc || seen_ok < 0)
		goto nomem;
	if (opt && opt->allowlist_file) {
		char err[512];
		if (allowlist_load(d->al, opt->allowlist_file, err, sizeof(err)) < 0) {
			if (errbuf && errlen)
				snprintf(errbuf, errlen, "%s", err);
			detector_free(d);
			return NULL;
		}
	}
	return d;
nomem:
	if (errbuf && errlen)
		snprintf(errbuf, errlen, "out of memory");
	detector_free(d);
	return NULL;
}

void detector_set_key(detector_t *d, const uint8_t key[16])
{
	if (d && !d->dom.n && !d->keys.n)
		memcpy(d->key, key, sizeof(d->key));
}

void detector_free(detector_t *d)
{
	if (!d)
		return;
	domtab_fini(&d->dom);
	promote_fini(&d->seen);
	distinct_fini(&d->keys);
	regdomain_free(d->rd);
	allowlist_free(d->al);
	agg_fcache_free(d->fc);
	namecache_free(d->qc);
	placement_free(d->pl);
	suffixes_clear(&d->sfx);
	free(d);
}

void detector_parts(detector_t *d, detector_parts_t *out)
{
	out->dom = &d->dom;
	out->keys = &d->keys;
	out->raw = &d->raw;
	out->sfx = &d->sfx;
	out->allowlisted_queries = &d->allowlisted_queries;
	out->max_clients = d->max_clients;
}

uint64_t detector_key_hash(const detector_t *d, const uint8_t *wire, size_t len)
{
	uint64_t h = siphash(d->key, wire, len);
	return h ? h : 1; /* 0 means no domain */
}

/* Reasons read from state files, kept for the process: records are merged
 * from detector to detector with their reason pointers (the allowlist's
 * own reasons are static strings too). */
static char *interned[DETECTOR_MAX_REASONS];
static size_t ninterned;
static pthread_mutex_t intern_mu = PTHREAD_MUTEX_INITIALIZER;

const char *detector_intern(const char *s)
{
	const char *r = NULL;
	pthread_mutex_lock(&intern_mu);
	for (size_t i = 0; i < ninterned && !r; i++)
		if (strcmp(interned[i], s) == 0)
			r = interned[i];
	if (!r && ninterned < DETECTOR_MAX_REASONS && (interned[ninterned] = strdup(s)))
		r = interned[ninterned++];
	pthread_mutex_unlock(&intern_mu);
	return r;
}

/* Could this label be part of a zone's name rather than data: a short
 * host name label (letters, at most two digits, inner hyphens, one case),
 * not a run of hex digits?  Session ids ("id-1605", "a3f9c2e1") and data
 * chunks are not. */
static bool label_zonelike(const uint8_t *p, unsigned len)
{
	return ascii_label_hostlike(p, len, 20, 2, 6);
}

/* A label that reads as a payload rather than a name: 16 or more letters
 * and digits. */
static bool label_payloadish(const uint8_t *p, unsigned len)
{
	if (len < 16)
		return false;
	for (unsigned i = 0; i < len; i++) {
		int c = ascii_lower(p[i]);
		if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z')))
			return false;
	}
	return true;
}

/* The end of a "<tag>.<payload>" name with no domain: its last label reads
 * as a payload, or it is the short rest of a payload split into labels (a
 * label of 32 or more letters and digits, one a digit, before a last label
 * of letters and digits: dnscat2 cuts its hex every 60 or so characters). */
static bool tail_payloadish(const dns_name_t *n)
{
	unsigned len, plen;
	const uint8_t *last = dns_name_label(n, n->nlabels - 1, &len);
	if (label_payloadish(last, len))
		return true;
	if (n->nlabels < 3 || !len)
		return false;
	for (unsigned i = 0; i < len; i++) {
		int c = ascii_lower(last[i]);
		if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z')))
			return false;
	}
	const uint8_t *prev = dns_name_label(n, n->nlabels - 2, &plen);
	bool digit = false;
	for (unsigned i = 0; i < plen; i++)
		digit |= prev[i] >= '0' && prev[i] <= '9';
	return plen >= 32 && digit && label_payloadish(prev, plen);
}

/* A run of labels in wire form and 8 octets of pad. */
#define DET_KEYBUF (DNS_MAX_NAME + 16)

/* Labels [first, last) of n as they are on the wire, length octets
 * included, into buf (DET_KEYBUF), followed by 8 octets of pad, so that
 * they can be read eight at a time.  Returns their length. */
static size_t wire_run(const dns_name_t *n, unsigned first, unsigned last, uint8_t *buf,
		       uint8_t pad)
{
	if (last > n->nlabels)
		last = n->nlabels;
	if (first >= last)
		return 0;
	size_t a = n->loff[first];
	size_t b = last < n->nlabels ? n->loff[last] : (size_t)n->len - 1;
	size_t len = b > a ? b - a : 0;
	memcpy(buf, n->wire + a, len);
	memset(buf + len, pad, 8);
	return len;
}

/* A base key as it is hashed: labels [first, last) in wire form (length
 * octets included), ASCII letters lowercased eight octets at a time, in
 * buf (DET_KEYBUF: zero-padded).  *mixed: both cases among the letters
 * (a resolver randomising case, 0x20).  *dh: an unkeyed hash of the key,
 * for what must not depend on the run (the distinct-key estimate, the
 * payload sets deciding which domain gets a record).  Returns the length. */
static size_t key_wire(const dns_name_t *n, unsigned first, unsigned last, uint8_t *buf,
		       bool *mixed, uint64_t *dh)
{
	size_t len = wire_run(n, first, last, buf, 0);
	uint64_t up = 0, low = 0, x = len * MIX_GOLDEN;
	for (size_t i = 0; i < len; i += 8) {
		uint64_t w = swar_load8(buf + i);
		uint64_t u = swar_range(w, 'A', 'Z');
		up |= u;
		low |= swar_range(w, 'a', 'z');
		w |= u >> 2;
		swar_store8(buf + i, w);
		x = mix_step(x, w, MIX_M1, 32);
	}
	*mixed = up && low;
	*dh = len ? mix_fmix64(x) : 0;
	return len;
}

/* Estimated payload bytes in text returned in an answer (TXT strings). */
static uint64_t text_decoded(const uint8_t *p, size_t len)
{
	bool mixed;
	uint32_t enc = features_encoding(p, len > 255 ? 255 : len, &mixed);
	uint32_t e = features_pick_encoding(enc, mixed);
	if (e == FEAT_ENC_BASE64URL && !mixed)
		e = 0;
	return (uint64_t)((double)len * (e ? features_enc_bits(e) : 8.0) / 8.0);
}

/* A response to a query under record e: the rcode, and the data its
 * answers carry (TXT strings, the labels of names in CNAME, MX and the like
 * left of their last base_labels, the RDATA of raw types; addresses
 * counted apart) with a hash and the entropy of a sample of it. */
static void add_response_data(detector_t *d, dom_t *e, const dns_event_t *ev, dns_msg_t *m,
			      const ip_addr_t *client, const ip_addr_t *resolver, unsigned base_labels)
{
	uint8_t buf[DET_RESP_BUF];
	size_t bl = 0;
	uint64_t data = 0, decoded = 0, addr = 0;
	if (m->count[1]) {
		dns_rr_iter_t it;
		dns_rr_t rr;
		dns_rr_iter_init(&it, m);
		dns_rr_iter_skip_question(&it);
		it.no_names = true;
		int guard = 0;
		while (dns_rr_next(&it, &rr) == 1 && guard++ < 256) {
			if (rr.section > DNS_SEC_ANSWER)
				break; /* only answers carry payload */
			if (rr.section != DNS_SEC_ANSWER)
				continue;
			if ((uint64_t)rr.rdoff + rr.rdlen > m->len)
				break;
			const uint8_t *rd = m->wire + rr.rdoff;
			agg_add_answer_rr(&e->g, rr.type, rd, rr.rdlen);
			switch (rr.type) {
			case DNS_TYPE_A:
				addr += rr.rdlen == 4 ? 4 : 0;
				break;
			case DNS_TYPE_AAAA:
				addr += rr.rdlen == 16 ? 16 : 0;
				break;
			case DNS_TYPE_TXT: { /* the strings */
				size_t pos = 0;
				while (pos < rr.rdlen) {
					size_t sl = rd[pos++];
					if (sl > rr.rdlen - pos)
						sl = rr.rdlen - pos;
					data += sl;
					decoded += text_decoded(rd + pos, sl);
					size_t cp = sl < DET_RESP_BUF - bl ? sl : DET_RESP_BUF - bl;
					memcpy(buf + bl, rd + pos, cp);
					bl += cp;
					pos += sl;
				}
				break;
			}
			case DNS_TYPE_CNAME: case DNS_TYPE_MX: case DNS_TYPE_NS: case DNS_TYPE_PTR:
			case DNS_TYPE_SRV: case DNS_TYPE_DNAME: {
				/* the name where the layout table puts it, inside the
				 * RDATA (its pointers may lead anywhere before) */
				dns_name_t tn;
				if (dns_rdata_name(m, &rr, &tn) != 0)
					break;
				unsigned keep = tn.nlabels > base_labels ? tn.nlabels - base_labels : 0;
				for (unsigned i = 0; i < keep; i++) {
					unsigned len;
					const uint8_t *p = dns_name_label(&tn, i, &len);
					size_t cp = len < DET_RESP_BUF - bl ? len : DET_RESP_BUF - bl;
					memcpy(buf + bl, p, cp);
					bl += cp;
					data += len;
					decoded += text_decoded(p, len);
				}
				break;
			}
			case DNS_TYPE_SOA: case DNS_TYPE_RRSIG: case DNS_TYPE_NSEC:
			case DNS_TYPE_DNSKEY: case DNS_TYPE_NSEC3: case DNS_TYPE_DS: case DNS_TYPE_OPT:
				break; /* SOA and DNSSEC material are not payload */
			default: { /* NULL, KEY, private and unknown types: raw bytes */
				data += rr.rdlen;
				decoded += rr.rdlen;
				size_t cp = rr.rdlen < DET_RESP_BUF - bl ? rr.rdlen : DET_RESP_BUF - bl;
				memcpy(buf + bl, rd, cp);
				bl += cp;
				break;
			}
			}
		}
	}
	agg_response_t r = {
		.client = client,
		.resolver = resolver,
		.ts_ns = ev->ts_ns,
		.rcode = m->rcode,
		.input_id = ev->input_id,
		.data_bytes = data,
		.decoded = decoded,
		.addr_bytes = addr,
		/* unkeyed: answer sketches of different processes merge */
		.h = bl ? payset_hash(buf, bl) : 0,
		.entropy = bl >= 16 ? features_entropy(buf, bl) : -1,
	};
	size_t mark = domtab_mark(e);
	agg_add_response(&e->g, &r, d->max_clients);
	domtab_account(&d->dom, e, mark);
}

/* The payload of a name (labels [first, last), dots removed): its class
 * in the domain's payload set (promote.h), and whether it could carry data
 * (binary or hostname-unlike characters, or long). */
static void payload_sig(agg_fcache_t *fc, const dns_name_t *n, unsigned first, unsigned last,
			qinfo_t *qi)
{
	/* the labels as they are on the wire, length octets included, eight
	 * octets at a time: a hash of the lowercased run, and the octets
	 * outside printable ASCII (some below 0x21 are length octets); the
	 * pad 'A' is neither */
	uint8_t buf[DET_KEYBUF];
	size_t run = wire_run(n, first, last, buf, 'A');
	if (!run) {
		qi->pbit = 0xff;
		return;
	}
	if (last > n->nlabels)
		last = n->nlabels;
	uint64_t h = run * MIX_GOLDEN, high = 0;
	unsigned low = 0;
	for (size_t i = 0; i < run; i += 8) {
		uint64_t w = swar_load8(buf + i);
		high |= w & SWAR_HI;
		low += swar_count(swar_range(w, 0x00, 0x20));
		h = mix_step(h, swar_fold(w), MIX_M1, 29);
	}
	size_t tl = run;
	for (unsigned i = first; i < last; i++) {
		unsigned len = n->wire[n->loff[i]];
		tl--;
		low -= len < 0x21; /* the length octet itself */
	}
	if (!tl) {
		qi->pbit = 0xff;
		return;
	}
	h *= MIX_M2;
	qi->pbit = (uint8_t)promote_bit(h);
	if (high || low || tl >= 40) {
		qi->datalike = true;
	} else if (tl >= 10) {
		feat_labels_t fl;
		fl.n = 0;
		for (unsigned i = first; i < last; i++) {
			unsigned len;
			fl.p[fl.n] = dns_name_label(n, i, &len);
			fl.len[fl.n++] = (uint8_t)len;
		}
		feat_t f;
		agg_features(fc, &fl, &f);
		qi->datalike = f.unlike >= 0.45 || (f.enc & FEAT_ENC_BINARY);
	}
}

/* The labels of name n's base key as split sp maps them (qinfo_t up to
 * its key: the allowlist, the zone, the payload's signature); false when
 * the name is allowlisted to be ignored. */
static bool key_of_split(detector_t *d, const dns_name_t *n, uint16_t port,
			 const regdomain_split_t *spp, qinfo_t *qi)
{
	regdomain_split_t sp = *spp;
	memset(qi, 0, sizeof(*qi));
	qi->pbit = 0xff;
	qi->nlabels = (uint8_t)sp.nlabels;
	qi->dropped = (uint8_t)sp.dropped;
	int mf;
	qi->why = allowlist_match_n(d->al, n, sp.nlabels, port, &mf);
	if (qi->why) {
		if (mf < 0)
			return false;
		qi->kfirst = (uint8_t)mf;
		qi->klast = (uint8_t)sp.nlabels;
	} else {
		if (!sp.real_tld && n->nlabels >= 2 && tail_payloadish(n)) {
			/* "<tag>.<payload>" with no domain (dnscat2 direct mode) */
			qi->prefix_mode = true;
			qi->reg_first = 0;
			qi->npay = 0;
			qi->kfirst = 0;
			qi->klast = 1;
			payload_sig(d->fc, n, 1, sp.nlabels, qi);
		} else if (sp.reg_first >= sp.nlabels) {
			qi->reg_first = (uint8_t)sp.nlabels;
			qi->npay = 0;
			qi->kfirst = 0;
			qi->klast = (uint8_t)sp.nlabels;
		} else {
			/* the zone: the registered domain, and the label left of it
			 * when that label has labels left of it in turn and reads
			 * as a host name part, not as data ("t1" in
			 * <data>.t1.example.com; not a session id or a data chunk) */
			unsigned kf = sp.reg_first;
			if (kf >= 2) {
				unsigned zl;
				const uint8_t *zp = dns_name_label(n, kf - 1, &zl);
				if (label_zonelike(zp, zl))
					kf--;
			}
			qi->reg_first = (uint8_t)sp.reg_first;
			qi->npay = (uint8_t)kf;
			qi->kfirst = (uint8_t)kf;
			qi->klast = (uint8_t)sp.nlabels;
			qi->zone_labels = (uint8_t)(sp.reg_first - kf);
			payload_sig(d->fc, n, 0, kf, qi);
		}
	}
	return true;
}

/* What question name n on port maps to (qinfo_t): its base key (the
 * allowlisted name, the registered domain, or a dnscat2-style tag), the
 * key's hashes, its payload's signature and its record, if any; the key is
 * counted among the distinct ones.  split: the name's split when the
 * caller made it already, else NULL. */
static bool classify(detector_t *d, const dns_name_t *n, uint16_t port, qinfo_t *qi,
		     const regdomain_split_t *split)
{
	uint8_t key[DET_KEYBUF];
	size_t klen;
	bool mixed;
	regdomain_split_t sp, in;
	if (split)
		sp = *split;
	else
		regdomain_split(d->rd, n, &sp);
	if (!key_of_split(d, n, port, &sp, qi))
		return true;
	/* data in front of a registered domain that is preceded by another
	 * one ("<data>.tunnel.net.corp.example.com"): the payload is what is
	 * left of the inner one, and the trailing labels may be a search
	 * suffix; the key keeps them (a record apart from the inner zone's
	 * own names and from the outer one's) until the evidence decides
	 * (settle_registered_suffixes) */
	if (qi->datalike && !qi->why && regdomain_inner(d->rd, n, &sp, &in)) {
		qinfo_t iq;
		if (key_of_split(d, n, port, &in, &iq) && !iq.why && iq.datalike) {
			*qi = iq;
			qi->klast = n->nlabels;
			qi->zone_labels = 0;
		}
	}
	uint64_t dh;
	klen = key_wire(n, qi->kfirst, qi->klast, key, &mixed, &dh);
	if (!klen)
		return true;
	/* the labels of the registered domain in both cases */
	if (!qi->why && !qi->prefix_mode && qi->reg_first < qi->nlabels)
		qi->base_mixed = mixed;
	qi->h = detector_key_hash(d, key, klen);
	qi->dh = dh;
	if (qi->pbit != 0xff) /* rec_for() may need its payload set */
		__builtin_prefetch(promote_cell(&d->seen, dh), 1);
	distinct_add(&d->keys, qi->h, dh);
	dom_t *e = domtab_find(&d->dom, qi->h, NULL, 0);
	qi->rec = e ? dom_ref(e) : 0;
	qi->fresh = true;
	qi->created = d->dom.created;
	return true;
}

/* What name n on port maps to, from the name cache or found now (and
 * then cached); *cp: its cache entry, NULL when the name is not cached. */
static bool qinfo_get(detector_t *d, const dns_name_t *n, uint16_t port, bool q, qinfo_t *qi,
		      namecache_entry_t **cp)
{
	regdomain_split_t sp, *split = NULL;
	namecache_entry_t *c = namecache_slot(d->qc, n->wire, n->len, port);
	*cp = NULL;
	if (c) {
		if (q) {
			/* a query's name is rarely cached (a response's is): split
			 * the name while the entry is fetched */
			__builtin_prefetch(c);
			regdomain_split(d->rd, n, &sp);
			split = &sp;
		}
		if (namecache_holds(c, d->dom.gen, n->wire, n->len, port)) {
			*qi = c->qi;
			*cp = c;
			return true;
		}
	}
	if (!classify(d, n, port, qi, split))
		return false;
	if (c) {
		*cp = c;
		namecache_store(c, d->dom.gen, n->wire, n->len, port, qi);
		c->qi.fresh = false;
	}
	return true;
}

/* RDATA bytes of the answer records of a query (OPT aside). */
static uint64_t query_answer_bytes(dns_msg_t *m)
{
	dns_rr_iter_t it;
	dns_rr_t rr;
	dns_rr_iter_init(&it, m);
	dns_rr_iter_skip_question(&it);
	it.no_names = true;
	uint64_t bytes = 0;
	int guard = 0;
	while (dns_rr_next(&it, &rr) == 1 && guard++ < 256) {
		if (rr.section > DNS_SEC_ANSWER)
			break;
		if (rr.section == DNS_SEC_ANSWER && rr.type != DNS_TYPE_OPT)
			bytes += rr.rdlen;
	}
	return bytes;
}

/* Does this query show data by itself (what earns a record beyond the
 * eager ones, and keeps it listed however many domains there are)? */
static bool msg_datalike(const qinfo_t *qi, const dns_msg_t *m, uint16_t port)
{
	int t = agg_qt_index(m->qtype);
	return qi->datalike || t == AQ_NULL || t == AQ_KEY || t == AQ_PRIVATE ||
	       (m->count[1] && port != MDNS_PORT);
}

/* The detail record of a message's base domain: the existing one, or a
 * new one when this message earns it (see the top of this file). */
static dom_t *rec_for(detector_t *d, qinfo_t *qi, const dns_name_t *n, bool q,
		      const dns_msg_t *m, uint16_t port)
{
	if (qi->rec)
		return domtab_rec(&d->dom, qi->rec);
	/* no record then, and none created since: none now */
	dom_t *e = qi->fresh || qi->created == d->dom.created ? NULL
							      : domtab_find(&d->dom, qi->h, NULL, 0);
	if (e) {
		qi->rec = dom_ref(e);
		return e;
	}
	bool earn = d->dom.n < d->eager || qi->why;
	if (!earn && q) {
		earn = msg_datalike(qi, m, port);
		if (!earn && qi->pbit != 0xff)
			earn = promote_add(&d->seen, qi->dh, qi->pbit) >= DET_PROMOTE_DISTINCT;
	}
	if (!earn)
		return NULL;
	char key[DNS_NAME_STRLEN];
	size_t klen = regdomain_labels_str(n, qi->kfirst, qi->klast, key, sizeof(key));
	uint32_t gen = d->dom.gen;
	e = domtab_add(&d->dom, qi->h, key, klen);
	if (e && qi->zone_labels) {
		/* where the zone folds to when it shows too few payloads */
		uint8_t pk[DET_KEYBUF];
		bool mx;
		uint64_t pdh;
		size_t pl = key_wire(n, qi->reg_first, qi->klast, pk, &mx, &pdh);
		e->zone_labels = qi->zone_labels;
		e->parent_h = detector_key_hash(d, pk, pl);
	}
	if (e && d->dom.gen == gen)
		qi->rec = dom_ref(e);
	return e;
}

/* A query whose trailing labels the split dropped as a search suffix:
 * the suffix and the registered domain in front of it, as evidence
 * (suffixes.h).  Returns the suffix's hash. */
static uint64_t note_suffix(detector_t *d, const dns_name_t *n, const qinfo_t *qi)
{
	char sfx[DNS_NAME_STRLEN], reg[DNS_NAME_STRLEN];
	size_t sl = regdomain_labels_str(n, n->nlabels - qi->dropped, n->nlabels, sfx, sizeof(sfx));
	if (!sl || sl >= SFX_TEXT)
		return 0;
	size_t rl = regdomain_labels_str(n, qi->reg_first, qi->nlabels, reg, sizeof(reg));
	uint64_t h = suffixes_hash(sfx, sl);
	(void)suffixes_note(&d->sfx, h, sfx, suffixes_hash(reg, rl));
	return h;
}

void detector_add_msg(detector_t *d, const dns_event_t *ev, dns_msg_t *m)
{
	if (!d || !m || !m->has_question || m->opcode != DNS_OPCODE_QUERY)
		return;
	/* the class without mDNS's unicast-response bit (RFC 6762 5.4) */
	unsigned qclass = m->qclass & 0x7fff;
	if (qclass != DNS_CLASS_IN && qclass != DNS_CLASS_ANY)
		return;
	const dns_name_t *n = &m->qname;
	if (n->nlabels == 0)
		return;
	bool q = m->qr == 0;
	const ip_addr_t *client = q ? ev->src : ev->dst;
	const ip_addr_t *resolver = q ? ev->dst : ev->src;
	uint16_t port = q ? ev->dport : ev->sport;

	qinfo_t qi;
	namecache_entry_t *c;
	if (!qinfo_get(d, n, port, q, &qi, &c))
		return;
	if (qi.why && q)
		d->allowlisted_queries++;
	if (!qi.h)
		return;
	uint64_t sfx_h = q && qi.dropped ? note_suffix(d, n, &qi) : 0;
	uint32_t rec = qi.rec;
	dom_t *e = rec_for(d, &qi, n, q, m, port);
	if (c && qi.rec != rec)
		c->qi.rec = qi.rec; /* the record it found or earned (no sweep since) */
	if (!e)
		return;
	if (ev->span && ev->span->n) {
		/* the table's byte count follows the pivots' array (it grows
		 * only with a new input) */
		uint32_t cap = e->g.pv.cmore;
		pivots_add(&e->g.pv, ev->input_id, ev->span);
		if (e->g.pv.cmore != cap)
			d->dom.bytes += (e->g.pv.cmore - cap) * sizeof(*e->g.pv.more);
	}
	if (q && !e->g.earned && msg_datalike(&qi, m, port))
		e->g.earned = true;
	if (qi.why) {
		e->allow_reason = qi.why;
		if (q) {
			size_t mark = domtab_mark(e); /* its first message: a timeline */
			agg_add_allowlisted_query(&e->g, m->qtype, ev->ts_ns);
			domtab_account(&d->dom, e, mark);
		} else {
			agg_response_t r = {.client = client, .resolver = resolver, .ts_ns = ev->ts_ns,
					    .rcode = m->rcode, .input_id = ev->input_id,
					    .entropy = -1};
			size_t mark = domtab_mark(e);
			agg_add_response(&e->g, &r, d->max_clients);
			domtab_account(&d->dom, e, mark);
		}
		return;
	}

	e->prefix_mode = qi.prefix_mode;
	if (q) {
		agg_query_t aq;
		memset(&aq, 0, sizeof(aq));
		aq.name = n;
		aq.nlabels = qi.nlabels;
		aq.qtype = m->qtype;
		aq.ts_ns = ev->ts_ns;
		aq.client = client;
		aq.resolver = resolver;
		aq.sport = ev->sport;
		aq.dport = ev->dport;
		aq.transport = ev->transport;
		aq.input_id = ev->input_id;
		aq.fcache = d->fc;
		aq.prefix_mode = qi.prefix_mode;
		aq.npay = qi.npay;
		aq.base_mixed = qi.base_mixed;
		aq.suffix_h = sfx_h;
		size_t mark = domtab_mark(e);
		agg_add_query(&e->g, &aq, d->max_clients);
		domtab_account(&d->dom, e, mark);
		/* answer records inside a query: data in the wrong section */
		if (m->count[1] && port != MDNS_PORT)
			agg_add_query_answers(&e->g, query_answer_bytes(m));
	} else {
		unsigned base_labels = qi.nlabels > qi.kfirst ? qi.nlabels - qi.kfirst : 0;
		if (qi.prefix_mode)
			base_labels = 0;
		add_response_data(d, e, ev, m, client, resolver, base_labels + qi.dropped);
	}
}

void detector_add_nondns(detector_t *d, const dns_event_t *ev, const uint8_t *payload,
			 uint32_t len)
{
	if (!d || !fp_iodine_raw(payload, len))
		return;
	rawpairs_add(&d->raw, ev->src, ev->dst);
}

int detector_merge(detector_t *dst, const detector_t *src, uint32_t input_offset)
{
	int ret = 0;
	dom_t *s;
	DOMTAB_FOR_EACH(&src->dom, s) {
		dom_t *e = domtab_get(&dst->dom, s->h, dom_key(s), s->klen);
		if (!e) {
			ret = -1;
			continue;
		}
		if (s->allow_reason)
			e->allow_reason = s->allow_reason;
		e->prefix_mode |= s->prefix_mode;
		e->zone_labels = s->zone_labels;
		e->parent_h = s->parent_h;
		size_t mark = domtab_mark(e);
		if (agg_merge(&e->g, &s->g, input_offset, dst->max_clients) < 0)
			ret = -1;
		domtab_account(&dst->dom, e, mark);
	}
	rawpairs_merge(&dst->raw, &src->raw);
	if (suffixes_merge(&dst->sfx, &src->sfx) < 0)
		ret = -1;
	distinct_merge(&dst->keys, &src->keys);
	dst->allowlisted_queries += src->allowlisted_queries;
	dst->dom.evicted += src->dom.evicted;
	return ret;
}

static int cmp_findings(const void *a, const void *b)
{
	const finding_t *x = *(const finding_t *const *)a, *y = *(const finding_t *const *)b;
	if (x->score != y->score)
		return x->score < y->score ? 1 : -1;
	return strcmp(x->domain, y->domain);
}

/* The key without its first n labels (presentation form: a label's own
 * dots are escaped). */
static const char *key_parent(const char *k, unsigned n)
{
	while (n && *k) {
		if (*k == '\\' && k[1]) {
			k += 2;
			continue;
		}
		if (*k++ == '.')
			n--;
	}
	return k;
}

/* A zone "t" or "u" under a registered domain whose traffic is TUNS':
 * TUNS sends its data under t.<domain> and polls under u.<domain> of the
 * one domain it serves, so the tunnel's zone is that domain. */
static bool tuns_label_zone(const dom_t *e)
{
	const char *k = dom_key(e);
	if (e->zone_labels != 1 || (k[0] != 't' && k[0] != 'u') || k[1] != '.')
		return false;
	double strength;
	const char *tool = fp_tool(&e->g.fp, &strength, NULL, 0);
	return tool && !strcmp(tool, "tuns");
}

/*
 * A zone one label below a registered domain (see classify) that shows
 * fewer than DET_ZONE_MIN distinct payloads was one of many data chunks or
 * host names that happened to read like a zone label: its counts go back
 * to the registered domain; so do the counts of a zone whose registered
 * domain carries DET_ZONE_SHARE times more distinct payloads itself (a
 * short data chunk such as "e" in <hex>.<hex>.e.example.com), and TUNS'
 * t. and u. zones (tuns_label_zone).  Decided on the final counts before any
 * folding, so the same whatever the order of
 * the messages; merging is exact.
 */
static void fold_small_zones(detector_t *d)
{
	dom_t *e;
	size_t nfold = 0;
	DOMTAB_FOR_EACH(&d->dom, e) {
		e->fold = false;
		if (!e->zone_labels || e->allow_reason)
			continue;
		double u = agg_unique(&e->g);
		const dom_t *p = domtab_find(&d->dom, e->parent_h, NULL, 0);
		double pu = p ? agg_unique(&p->g) : 0;
		if (u < DET_ZONE_MIN || u * DET_ZONE_SHARE < pu || tuns_label_zone(e)) {
			e->fold = true;
			nfold++;
		}
	}
	if (!nfold)
		return;
	DOMTAB_FOR_EACH(&d->dom, e) {
		if (!e->fold)
			continue;
		const char *pk = key_parent(dom_key(e), e->zone_labels);
		char key[DNS_NAME_STRLEN];
		size_t kl = strlen(pk);
		if (!kl || kl >= sizeof(key)) {
			e->fold = false;
			continue;
		}
		memcpy(key, pk, kl + 1);
		uint32_t gen = d->dom.gen;
		dom_t *p = domtab_get(&d->dom, e->parent_h, key, kl);
		if (!p || d->dom.gen != gen) {
			/* out of memory, or a sweep ran (and may have taken either) */
			if (d->dom.gen == gen)
				e->fold = false;
			continue;
		}
		p->fold = false;
		size_t mark = domtab_mark(p);
		agg_merge(&p->g, &e->g, 0, d->max_clients);
		domtab_account(&d->dom, p, mark);
	}
	domtab_release_folded(&d->dom);
}

/* Is there evidence that the search suffix sx (the smallest of record
 * g's) is one: its payloads asked with and without it (*retried), or the
 * suffix behind unrelated registered domains, or under a private name? */
static bool suffix_evidence(const sfx_ent_t *sx, const agg_t *g, bool *retried)
{
	*retried = sx && g->d && payset_both_forms(&g->d->ps);
	return sx && (*retried || sfx_is_search_suffix(sx) || sfx_is_private(sx));
}

/* Does a payload of a also show in b (kept payloads; order-free as the
 * sketches are)? */
static bool payloads_meet(const agg_t *a, const agg_t *b)
{
	if (!a->d || !b->d)
		return false;
	const payset_t *x = &a->d->ps, *y = &b->d->ps;
	for (uint32_t i = 0; i < payset_n(x); i++)
		if (payset_find(y, payset_at(x, i)->h))
			return true;
	return false;
}

/* Does record e's key end in ".<text of sx>"?  *inner_len: the length of
 * the key in front of it. */
static bool key_has_suffix(const dom_t *e, const sfx_ent_t *sx, size_t *inner_len)
{
	if (!sx)
		return false;
	size_t kl = e->klen, sl = strlen(sx->text);
	if (kl <= sl + 1 || dom_key(e)[kl - sl - 1] != '.' || memcmp(dom_key(e) + kl - sl, sx->text, sl))
		return false;
	*inner_len = kl - sl - 1;
	return true;
}

/* The record of the key made of labels [first, n) of name n (its zone
 * labels: reg_first - first), added when new; NULL when there is none or
 * a sweep ran. */
static dom_t *record_of_labels(detector_t *d, const dns_name_t *n, unsigned first,
			       unsigned reg_first)
{
	uint8_t wk[DET_KEYBUF];
	bool mx;
	uint64_t dh;
	char key[DNS_NAME_STRLEN];
	size_t wl = key_wire(n, first, n->nlabels, wk, &mx, &dh);
	size_t kl = regdomain_labels_str(n, first, n->nlabels, key, sizeof(key));
	if (!wl || !kl || kl >= sizeof(key))
		return NULL;
	uint32_t gen = d->dom.gen;
	dom_t *p = domtab_get(&d->dom, detector_key_hash(d, wk, wl), key, kl);
	if (!p || d->dom.gen != gen)
		return NULL;
	if (first < reg_first && !p->zone_labels) {
		p->zone_labels = (uint8_t)(reg_first - first);
		wl = key_wire(n, reg_first, n->nlabels, wk, &mx, &dh);
		p->parent_h = detector_key_hash(d, wk, wl);
	}
	return p;
}

/* The key that classify() gives the names of text (its registered
 * domain, with a zone label in front when it reads as one), into n and
 * *first, *reg_first; false when text is no such name. */
static bool zone_of_text(detector_t *d, const char *text, dns_name_t *n, unsigned *first,
			 unsigned *reg_first)
{
	regdomain_split_t sp;
	if (!regdomain_name_of_str(text, n))
		return false;
	regdomain_split(d->rd, n, &sp);
	if (!sp.real_tld || sp.dropped || sp.reg_first >= n->nlabels)
		return false;
	*reg_first = sp.reg_first;
	*first = sp.reg_first;
	if (*first >= 1) {
		unsigned zl;
		const uint8_t *zp = dns_name_label(n, *first - 1, &zl);
		if (label_zonelike(zp, zl))
			(*first)--;
	}
	return true;
}

/*
 * Records of names whose trailing labels are under a real TLD and follow
 * an inner registered domain (classify: regdomain_inner, the key holding
 * the suffix: "t.reg-lab.net.corp.example.com") go, with evidence that
 * the trailing labels are a search suffix (some of the same payloads
 * under the inner key without them: a resolver library's retries), to
 * the inner key ("t.reg-lab.net"), where make_finding() names the suffix;
 * without, to the key the full name has (an attacker's
 * "<data>.update.com.x-lab.net", also beside "<data>.sync.com.x-lab.net":
 * com.x-lab.net), where the suffix is no longer one.  Never to the inner key's own names unless the
 * evidence holds.  Decided on the final counts and evidence, so the same
 * whatever the order of the messages.  Before fold_small_zones().
 */
static void settle_registered_suffixes(detector_t *d)
{
	dom_t *e;
	size_t nfold = 0;
	DOMTAB_FOR_EACH(&d->dom, e) {
		size_t il;
		e->fold = !e->allow_reason && e->g.suffix_h &&
			  e->g.suffixed_queries == e->g.queries &&
			  key_has_suffix(e, suffixes_find(&d->sfx, e->g.suffix_h), &il);
		nfold += e->fold;
	}
	if (!nfold)
		return;
	DOMTAB_FOR_EACH(&d->dom, e) {
		if (!e->fold)
			continue;
		e->fold = false;
		const sfx_ent_t *sx = suffixes_find(&d->sfx, e->g.suffix_h);
		size_t il;
		char inner[DNS_NAME_STRLEN];
		dns_name_t n;
		unsigned first, reg_first;
		if (!key_has_suffix(e, sx, &il) || il >= sizeof(inner))
			continue;
		memcpy(inner, dom_key(e), il);
		inner[il] = '\0';
		/* the full name's own key, and whether its suffix is real */
		if (!zone_of_text(d, dom_key(e), &n, &first, &reg_first))
			continue;
		dns_name_t in;
		unsigned ifirst, ireg;
		if (!zone_of_text(d, inner, &in, &ifirst, &ireg))
			continue;
		/* retries: the inner key's own names carry its payloads.  Only
		 * they: a registered suffix behind unrelated names may be the
		 * zone of one attacker (or a service) that put them there */
		uint8_t wk[DET_KEYBUF];
		bool mx;
		uint64_t dh;
		size_t wl = key_wire(&in, 0, in.nlabels, wk, &mx, &dh);
		const dom_t *b = domtab_find(&d->dom, detector_key_hash(d, wk, wl), inner, il);
		bool evidence = b && payloads_meet(&e->g, &b->g);
		dom_t *p = evidence ? record_of_labels(d, &in, 0, ireg)
				    : record_of_labels(d, &n, first, reg_first);
		if (!p || p == e || p->fold)
			continue; /* out of memory, a sweep ran, or itself to go */
		e->fold = true;
		uint64_t sh = p->g.suffix_h, sq = p->g.suffixed_queries;
		size_t mark = domtab_mark(p);
		agg_merge(&p->g, &e->g, 0, d->max_clients);
		domtab_account(&d->dom, p, mark);
		if (!evidence) {
			/* the labels were the zone's: no suffix there */
			p->g.suffix_h = sh;
			p->g.suffixed_queries = sq;
		}
	}
	domtab_release_folded(&d->dom);
}

/* A client seen under a domain that scores as suspicious. */
typedef struct sus {
	ip_addr_t ip;
	double score;
	const dom_t *e;
} sus_t;

static int cmp_sus(const void *a, const void *b)
{
	const sus_t *x = a, *y = b;
	int c = ip_addr_cmp(&x->ip, &y->ip);
	if (c)
		return c;
	if (x->score != y->score)
		return x->score > y->score ? -1 : 1;
	return strcmp(dom_key(x->e), dom_key(y->e));
}

/* Record e's clients (it scores DET_SUSPICIOUS or more); -1: no memory. */
static int sus_add(sus_t **v, size_t *n, size_t *cap, const dom_t *e, const agg_t *g,
		   double score)
{
	for (uint32_t i = 0; i < g->nclients; i++) {
		if (*n == *cap) {
			size_t nc = *cap ? *cap * 2 : 64;
			sus_t *p = realloc(*v, nc * sizeof(*p));
			if (!p)
				return -1;
			*v = p;
			*cap = nc;
		}
		(*v)[(*n)++] = (sus_t){g->clients[i].ip, score, e};
	}
	return 0;
}

/* Each client of finding f (made from record e): the other domains it
 * queried that score as suspicious, highest first (at most DET_MAX_OTHER). */
static int attach_other(finding_t *f, const dom_t *e, const sus_t *v, size_t n)
{
	for (size_t i = 0; i < f->nclients; i++) {
		finding_client_t *c = &f->clients[i];
		size_t lo = 0, hi = n;
		while (lo < hi) {
			size_t mid = lo + (hi - lo) / 2;
			if (ip_addr_cmp(&v[mid].ip, &c->ip) < 0)
				lo = mid + 1;
			else
				hi = mid;
		}
		for (size_t k = lo; k < n && !ip_addr_cmp(&v[k].ip, &c->ip); k++) {
			if (v[k].e == e || c->nother >= DET_MAX_OTHER)
				continue;
			if (!c->other_suspicious &&
			    !(c->other_suspicious = calloc(DET_MAX_OTHER, sizeof(char *))))
				return -1;
			char *name = strdup(dom_key(v[k].e));
			if (!name)
				return -1;
			c->other_suspicious[c->nother++] = name;
		}
	}
	return 0;
}

static bool is_resolver(const void *pl, const ip_addr_t *ip)
{
	return placement_is_resolver(pl, ip);
}

/* Paired payloads after which a host that always asked second is taken
 * for a forwarding resolver (place_forwarders). */
#define DET_FWD_MIN 5

#define DET_LEGS_CLIENTS (DET_DEFAULT_MAX_CLIENTS * 4)

typedef struct legs {
	const agg_t *g;
	/* the clients' host hashes and indexes, sorted (by hash, then index) */
	struct leg_key {
		uint32_t h, i;
	} key[DET_LEGS_CLIENTS];
	uint32_t earlier[DET_LEGS_CLIENTS], later[DET_LEGS_CLIENTS];
	uint32_t n;
	bool *fwd;               /* second pass: the forwarders found */
	placement_t *pl;
} legs_t;

static int cmp_leg_key(const void *a, const void *b)
{
	const struct leg_key *x = a, *y = b;
	if (x->h != y->h)
		return x->h < y->h ? -1 : 1;
	return x->i < y->i ? -1 : x->i > y->i;
}

/* The index of the first client of host hash h, or -1 (a binary search:
 * this runs twice per paired payload, for every domain). */
static long legs_find(const legs_t *l, uint32_t h)
{
	uint32_t lo = 0, hi = l->n;
	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;
		if (l->key[mid].h < h)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < l->n && l->key[lo].h == h ? (long)l->key[lo].i : -1;
}

static void legs_count(void *ctx, uint32_t e, uint32_t lh)
{
	legs_t *l = ctx;
	long i = legs_find(l, e), k = legs_find(l, lh);
	if (i >= 0)
		l->earlier[i]++;
	if (k >= 0)
		l->later[k]++;
}

/* The server a client asked, whose query a forwarder then asked again:
 * the resolver's front address. */
static void legs_front(void *ctx, uint32_t e, uint32_t lh)
{
	legs_t *l = ctx;
	long i = legs_find(l, e), k = legs_find(l, lh);
	if (i >= 0 && k >= 0 && l->fwd[k] && !l->fwd[i])
		placement_forwarder(l->pl, &l->g->clients[i].server);
}

/*
 * Resolvers whose two sides have different addresses (an inside and an
 * outside interface): within one domain, a host that asks for the
 * payloads other hosts asked just before (within AGG_LEG_WINDOW_NS),
 * DET_FWD_MIN times or more and rarely first, forwards their queries; the
 * server those hosts asked is its front.  From the final records, so
 * order-free.
 */
static void place_forwarders(const detector_t *d, placement_t *pl)
{
	legs_t *l = malloc(sizeof(*l));
	if (!l)
		return;
	const dom_t *e;
	DOMTAB_FOR_EACH(&d->dom, e) {
		const agg_t *g = &e->g;
		if (g->nclients < 2 || !g->d || payset_n(&g->d->ps) < DET_FWD_MIN)
			continue;
		l->g = g;
		l->pl = pl;
		l->n = g->nclients < DET_LEGS_CLIENTS ? g->nclients : DET_LEGS_CLIENTS;
		for (uint32_t i = 0; i < l->n; i++) {
			l->key[i] = (struct leg_key){agg_host_hash(&g->clients[i].ip), i};
			l->earlier[i] = l->later[i] = 0;
		}
		qsort(l->key, l->n, sizeof(l->key[0]), cmp_leg_key);
		payset_leg_pairs(&g->d->ps, AGG_LEG_WINDOW_NS, legs_count, l);
		bool fwd[DET_LEGS_CLIENTS], any = false;
		for (uint32_t i = 0; i < l->n; i++) {
			fwd[i] = l->later[i] >= DET_FWD_MIN && l->later[i] >= 4 * l->earlier[i];
			if (fwd[i]) {
				placement_forwarder(pl, &g->clients[i].ip);
				any = true;
			}
		}
		if (!any)
			continue;
		l->fwd = fwd;
		payset_leg_pairs(&g->d->ps, AGG_LEG_WINDOW_NS, legs_front, l);
	}
	free(l);
}

/* Where hosts sit, from the records: the declared resolvers and networks,
 * every client (it asked a server other than itself) and every host that
 * sent responses to another (it answered).  A host doing both is a
 * recursive resolver (placement.h).  Read from the final records, so the
 * same whatever the order of the messages; mDNS and LLMNR records aside,
 * where every host answers. */
static placement_t *place_hosts(const detector_t *d)
{
	placement_t *pl = placement_copy(d->pl);
	if (!pl)
		return NULL;
	dom_t *e;
	DOMTAB_FOR_EACH(&d->dom, e) {
		const agg_t *g = &e->g;
		if (e->allow_reason && strstr(e->allow_reason, "multicast DNS"))
			continue;
		for (uint32_t i = 0; i < g->nclients; i++) {
			const ip_addr_t *srv = &g->clients[i].server;
			if ((srv->v == 4 && (srv->a[0] & 0xf0) == 0xe0) ||
			    (srv->v == 6 && srv->a[0] == 0xff))
				continue; /* multicast: mDNS, LLMNR */
			placement_query(pl, &g->clients[i].ip, &g->clients[i].server);
			for (unsigned k = 0; k < g->nresponders; k++)
				placement_response(pl, &g->responders[k], &g->clients[i].ip);
		}
	}
	place_forwarders(d, pl);
	return pl;
}

/*
 * Exfiltration spread over many registered domains: each domain carries a
 * few encoded payloads, too few to stand out, but one host sends them to
 * DET_SPREAD_DOMAINS or more domains, DET_SPREAD_BYTES or more in all.  A
 * domain counts when its score without this is at least DET_WEAK (its
 * payloads read as data, not host names) and one host sent most of them.
 * Decided on the final records, so order-free.
 */
#define DET_WEAK 30.0
#define DET_SPREAD_DOMAINS 8
#define DET_SPREAD_BYTES 1024

typedef struct weak {
	const dom_t *e;
	ip_addr_t owner;
	uint32_t enc;
	double score;
	uint64_t bytes;
} weak_t;

static int weak_add(weak_t **v, size_t *n, size_t *cap, const dom_t *e, const agg_t *g,
		    const score_out_t *so)
{
	uint64_t best = 0;
	const agg_client_t *owner = NULL;
	for (uint32_t i = 0; i < g->nclients; i++)
		if (g->clients[i].payload_queries > best) {
			best = g->clients[i].payload_queries;
			owner = &g->clients[i];
		}
	if (!owner || 2 * best < g->payload_queries)
		return 0;
	if (*n == *cap) {
		size_t nc = *cap ? *cap * 2 : 64;
		weak_t *p = realloc(*v, nc * sizeof(*p));
		if (!p)
			return -1;
		*v = p;
		*cap = nc;
	}
	(*v)[(*n)++] = (weak_t){e, owner->ip, so->encoding, so->score, so->bytes_out};
	return 0;
}

static int cmp_weak(const void *a, const void *b)
{
	const weak_t *x = a, *y = b;
	int c = ip_addr_cmp(&x->owner, &y->owner);
	if (c)
		return c;
	return strcmp(dom_key(x->e), dom_key(y->e));
}

/*
 * One data channel spread over many hosts (a botnet moving data in small
 * pieces): DET_MANY_CLIENTS hosts or more, none sending a fifth of the
 * payloads, DET_MANY_UNIQUE distinct payloads in one encoding (hex, base32,
 * base64: not host-name-like content ids) and DET_MANY_BYTES or more,
 * and hardly a payload asked by two hosts (DET_MANY_SHARED of them at
 * most): a shared service (a CDN, a reputation look-up) has its names
 * asked by many hosts.  Scored 30-59 alone, such a domain is raised to 60
 * + 1 per 4 hosts (at most 85); *boost and the reason in text.
 */
#define DET_MANY_CLIENTS 20
#define DET_MANY_UNIQUE 100
#define DET_MANY_BYTES 4096
#define DET_MANY_SHARED 0.05

static bool many_clients(const agg_t *g, const score_out_t *so, double *boost, char *text,
			 size_t tlen, const char *domain)
{
	uint64_t hosts = g->nclients; /* more when clients_dropped */
	if (hosts < DET_MANY_CLIENTS || so->unique < DET_MANY_UNIQUE || !so->encoding ||
	    so->bytes_out < DET_MANY_BYTES || !g->d || !g->payload_queries)
		return false;
	uint64_t maxc = 0;
	for (uint32_t i = 0; i < g->nclients; i++)
		if (g->clients[i].payload_queries > maxc)
			maxc = g->clients[i].payload_queries;
	if (5 * maxc >= g->payload_queries)
		return false;
	uint32_t skip[AGG_MAX_RESOLVERS];
	for (unsigned i = 0; i < g->nresolvers; i++)
		skip[i] = agg_host_hash(&g->resolvers[i]);
	uint32_t n = payset_n(&g->d->ps);
	if (!n || payset_shared(&g->d->ps, skip, g->nresolvers) > DET_MANY_SHARED * n)
		return false;
	*boost = fmin(85.0, 60.0 + (double)hosts / 4.0);
	if (text) {
		char hb[32];
		snprintf(hb, sizeof(hb), "%.1f KB", (double)so->bytes_out / 1024.0);
		snprintf(text, tlen,
			 "many-client: %llu%s hosts each sent a few distinct payloads under %s (%s "
			 "in all) and hardly any payload was asked by two hosts: one data channel "
			 "spread over many hosts, not a shared service",
			 (unsigned long long)hosts, g->clients_dropped ? " or more" : "", domain, hb);
	}
	return true;
}

/* The finding of record e as g (its view) shows it, scored so (moved in).
 * A search suffix dropped from its names stays dropped with evidence
 * (suffixes.h); without, the zone is the full name.  NULL: no memory. */
static finding_t *make_finding(const detector_t *d, const dom_t *e, const agg_t *g,
			       score_out_t *so, const placement_t *pl)
{
	char full[DNS_NAME_STRLEN * 2], freg[DNS_NAME_STRLEN * 2];
	const char *key = dom_key(e), *reg = key_parent(key, e->zone_labels);
	const sfx_ent_t *sx = g->suffix_h ? suffixes_find(&d->sfx, g->suffix_h) : NULL;
	size_t il;
	if (key_has_suffix(e, sx, &il))
		sx = NULL; /* a suffix kept in the key (settle_registered_suffixes) */
	bool retried;
	bool evidence = suffix_evidence(sx, g, &retried);
	if (sx && !evidence && g->suffixed_queries == g->queries) {
		snprintf(full, sizeof(full), "%s.%s", key, sx->text);
		/* under the implicit rule: the last two labels */
		const char *r = full + strlen(full);
		for (int dots = 0; r > full; r--)
			if (r[-1] == '.' && (r - 1 == full || r[-2] != '\\') && ++dots == 2)
				break;
		snprintf(freg, sizeof(freg), "%s", r);
		key = full;
		reg = freg;
	}
	finding_t *f = finding_new(g, key, reg, e->allow_reason, so, pl);
	score_out_clear(so);
	if (!f)
		return NULL;
	if (evidence && g->suffixed_queries) {
		char text[512];
		snprintf(text, sizeof(text),
			 "%llu queries carried a search suffix (such as %s), which was dropped: %s",
			 (unsigned long long)g->suffixed_queries, sx->text,
			 retried ? "the same payloads were also asked without it "
				   "(a resolver library's retries)"
			 : sfx_is_search_suffix(sx)
				 ? "it follows names of unrelated registered domains"
				 : "it is under a name reserved for private networks");
		if (finding_add_reason(f, text) < 0) {
			finding_free(f);
			return NULL;
		}
	}
	return f;
}

int detector_findings(detector_t *d, double min_score, bool all, finding_t ***out, size_t *n)
{
	settle_registered_suffixes(d);
	fold_small_zones(d);
	placement_t *pl = place_hosts(d);
	if (!pl)
		return DNSTS_ENOMEM;
	/* Beyond DET_EAGER_DOMAINS keys, which domains were given a record
	 * from their first message depends on the order they came in; only
	 * those that showed data by themselves are listed then, which does
	 * not. */
	bool crowded = distinct_count(&d->keys) > d->eager;
	sus_t *sus = NULL;
	size_t nsus = 0, csus = 0;
	weak_t *weak = NULL;
	size_t nweak = 0, cweak = 0;
	const dom_t **made = NULL;
	*out = NULL;
	*n = 0;
	size_t cap = 16, cnt = 0;
	finding_t **fs = calloc(cap, sizeof(*fs));
	if (!fs)
		return DNSTS_ENOMEM;
	agg_client_t *cbuf = malloc(d->max_clients * sizeof(*cbuf));
	if (!cbuf)
		goto nomem;
	dom_t *e;
	DOMTAB_FOR_EACH(&d->dom, e) {
		score_out_t so;
		if (crowded && !e->g.earned && !e->allow_reason &&
		    agg_unique(&e->g) < DET_PROMOTE_DISTINCT)
			continue;
		/* the domain as its real clients asked for it: resolvers asking
		 * on their behalf are not clients, and their queries do not
		 * count twice */
		agg_t view;
		agg_view_without(&e->g, is_resolver, pl, &view, cbuf);
		const agg_t *g = &view;
		/* the score first, without sentences: most domains stop here */
		uint64_t raw = 0;
		score_domain_quick(g, 0, &so);
		if (so.score >= 30 || (so.tool && !strcmp(so.tool, "iodine"))) {
			raw = rawpairs_of_clients(&d->raw, g);
			if (raw)
				score_domain_quick(g, raw, &so);
		}
		double many_boost = 0;
		bool many = !e->allow_reason && !so.tool && so.score >= DET_WEAK && so.score < 60 &&
			    many_clients(g, &so, &many_boost, NULL, 0, NULL);
		if (many)
			so.score = many_boost;
		if (e->allow_reason)
			so.score = 0;
		else if (so.score >= DET_SUSPICIOUS && sus_add(&sus, &nsus, &csus, e, g, so.score) < 0)
			goto nomem;
		if (!e->allow_reason && so.score >= DET_WEAK && so.score < 60 && !so.tool &&
		    weak_add(&weak, &nweak, &cweak, e, g, &so) < 0)
			goto nomem;
		if (!(all || (!e->allow_reason && so.score >= min_score)))
			continue;
		score_domain(g, dom_key(e), raw, &so);
		char many_text[512];
		if (many && many_clients(g, &so, &many_boost, many_text, sizeof(many_text),
					 dom_key(e)) && so.score < many_boost) {
			so.score = many_boost;
			so.confidence = many_boost >= 85 ? "high" : many_boost >= 70 ? "medium" : "low";
			free(so.hint);
			so.hint = NULL;
		} else {
			many = false;
		}
		if (e->allow_reason) {
			so.score = 0;
			so.confidence = "low";
			so.tool = NULL;
		}
		if (!(all || (!e->allow_reason && so.score >= min_score))) {
			score_out_clear(&so);
			continue;
		}
		if (cnt == cap || !made) {
			size_t nc = cnt == cap ? cap * 2 : cap;
			finding_t **p = realloc(fs, nc * sizeof(*fs));
			const dom_t **q = p ? realloc(made, nc * sizeof(*made)) : NULL;
			if (p)
				fs = p;
			if (!q) {
				score_out_clear(&so);
				goto nomem;
			}
			made = q;
			cap = nc;
		}
		finding_t *f = make_finding(d, e, g, &so, pl);
		if (!f)
			goto nomem;
		if (many && finding_add_reason(f, many_text) < 0) {
			finding_free(f);
			goto nomem;
		}
		made[cnt] = e;
		fs[cnt++] = f;
	}
	/* exfiltration spread over many domains (see DET_SPREAD_DOMAINS) */
	if (nweak)
		qsort(weak, nweak, sizeof(*weak), cmp_weak);
	for (size_t i = 0, j; i < nweak; i = j) {
		uint64_t bytes = 0;
		bool one_enc = true;
		for (j = i; j < nweak && !ip_addr_cmp(&weak[j].owner, &weak[i].owner); j++) {
			bytes += weak[j].bytes;
			one_enc &= weak[j].enc == weak[i].enc;
		}
		size_t nd = j - i;
		if (nd < DET_SPREAD_DOMAINS || bytes < DET_SPREAD_BYTES)
			continue;
		double boost = fmin(85.0, 55.0 + 2.5 * (double)nd);
		char ip[64], hb[32], text[512];
		ip_addr_str(&weak[i].owner, ip, sizeof(ip));
		if (bytes >= 1024)
			snprintf(hb, sizeof(hb), "%.1f KB", (double)bytes / 1024.0);
		else
			snprintf(hb, sizeof(hb), "%llu bytes", (unsigned long long)bytes);
		snprintf(text, sizeof(text),
			 "cross-domain: host %s sent %s%spayloads under %zu registered domains that "
			 "each score low alone (%s in all): exfiltration spread over many domains",
			 ip, one_enc && weak[i].enc ? features_enc_name(weak[i].enc) : "",
			 one_enc && weak[i].enc ? " " : "encoded ", nd, hb);
		for (size_t k = i; k < j; k++) {
			const dom_t *we = weak[k].e;
			double sc = fmax(weak[k].score, boost);
			agg_t view;
			agg_view_without(&we->g, is_resolver, pl, &view, cbuf);
			if (sc >= DET_SUSPICIOUS && sus_add(&sus, &nsus, &csus, we, &view, sc) < 0)
				goto nomem;
			finding_t *f = NULL;
			for (size_t m = 0; m < cnt && !f; m++)
				if (made[m] == we)
					f = fs[m]; /* --all: listed with its own score */
			if (!f) {
				if (sc < min_score)
					continue;
				if (cnt == cap || !made) {
					size_t nc = cnt == cap ? cap * 2 : cap;
					finding_t **p = realloc(fs, nc * sizeof(*fs));
					const dom_t **q = p ? realloc(made, nc * sizeof(*made)) : NULL;
					if (p)
						fs = p;
					if (!q)
						goto nomem;
					made = q;
					cap = nc;
				}
				score_out_t so;
				score_domain(&view, dom_key(we), 0, &so);
				f = make_finding(d, we, &view, &so, pl);
				if (!f)
					goto nomem;
				made[cnt] = we;
				fs[cnt++] = f;
			}
			f->score = round(sc * 10.0) / 10.0;
			f->confidence = sc >= 85 ? "high" : sc >= 70 ? "medium" : "low";
			if (finding_add_reason(f, text) < 0)
				goto nomem;
		}
	}
	/* what else each client queried that scores as suspicious */
	if (nsus)
		qsort(sus, nsus, sizeof(*sus), cmp_sus);
	for (size_t i = 0; i < cnt && nsus; i++)
		if (attach_other(fs[i], made[i], sus, nsus) < 0)
			goto nomem;
	free(sus);
	free(weak);
	free(made);
	free(cbuf);
	placement_free(pl);
	qsort(fs, cnt, sizeof(*fs), cmp_findings);
	*out = fs;
	*n = cnt;
	return DNSTS_OK;
nomem:
	free(sus);
	free(weak);
	free(made);
	free(cbuf);
	placement_free(pl);
	findings_free(fs, cnt);
	return DNSTS_ENOMEM;
}

void detector_stats(const detector_t *d, uint64_t *allowlisted_queries, uint64_t *base_domains,
		    uint64_t *tracked_domains, uint64_t *evicted_domains, uint64_t *evicted_clients)
{
	uint64_t ec = 0;
	const dom_t *e;
	DOMTAB_FOR_EACH(&d->dom, e)
		ec += e->g.clients_dropped;
	if (allowlisted_queries)
		*allowlisted_queries = d->allowlisted_queries;
	if (base_domains)
		*base_domains = distinct_count(&d->keys);
	if (tracked_domains)
		*tracked_domains = d->dom.created;
	if (evicted_domains)
		*evicted_domains = d->dom.evicted;
	if (evicted_clients)
		*evicted_clients = ec;
}
