/*
 * artefacts.c - RPZ zone and STIX 2.1 bundle of the reported findings; see
 * artefacts.h.  Domain names arrive in DNS presentation format and may hold
 * any bytes a capture put there, so every name is re-escaped for the format
 * it goes into (zone file: \DDD for anything but letters, digits, '-', '_';
 * STIX pattern: quotes and backslashes escaped, then JSON-escaped).
 */
#include "artefacts.h"

#include <jansson.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "fmt.h"
#include "jsonw.h"
#include "sha1.h"

const unsigned char artefacts_stix_ns[16] = {0xf5, 0xbd, 0x13, 0x78, 0xec, 0xb8, 0x5e, 0x75,
					     0x92, 0x3b, 0x36, 0xc6, 0x86, 0x49, 0x72, 0xec};

/* One distinct reported domain, merged over the findings that name it. */
typedef struct entry {
	const finding_t *f; /* the highest-scoring finding of the domain */
	uint64_t first_ns, last_ns;
	uint64_t queries;   /* over the findings that name the domain */
	bool exfil;
} entry_t;

static int cmp_entry(const void *a, const void *b)
{
	const entry_t *x = a, *y = b;
	int c = strcmp(x->f->domain, y->f->domain);
	if (c)
		return c;
	/* the highest score first, so that it represents the domain */
	if (x->f->score != y->f->score)
		return x->f->score > y->f->score ? -1 : 1;
	return 0;
}

/* The reported findings, one entry per domain, sorted by domain. */
static entry_t *collect(const report_ctx_t *c, size_t *n)
{
	entry_t *e = calloc(c->n ? c->n : 1, sizeof *e);
	if (!e)
		return NULL;
	size_t k = 0;
	for (size_t i = 0; i < c->n; i++) {
		const finding_t *f = c->fs[i];
		if (!report_is_reported(f, c->min_score) || !f->domain)
			continue;
		e[k].f = f;
		e[k].first_ns = f->first_ns;
		e[k].last_ns = f->last_ns;
		e[k].exfil = f->exfil;
		e[k].queries = f->queries;
		k++;
	}
	if (k > 1)
		qsort(e, k, sizeof *e, cmp_entry);
	size_t o = 0;
	for (size_t i = 0; i < k; i++) {
		if (o && strcmp(e[o - 1].f->domain, e[i].f->domain) == 0) {
			if (e[i].first_ns < e[o - 1].first_ns)
				e[o - 1].first_ns = e[i].first_ns;
			if (e[i].last_ns > e[o - 1].last_ns)
				e[o - 1].last_ns = e[i].last_ns;
			e[o - 1].exfil |= e[i].exfil;
			e[o - 1].queries += e[i].queries;
			continue;
		}
		e[o++] = e[i];
	}
	*n = o;
	return e;
}

/* ---- RPZ --------------------------------------------------------------- */

static bool zone_plain(unsigned char ch)
{
	return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
	       ch == '-' || ch == '_';
}

/*
 * Presentation-format name to zone-file owner text (no trailing dot).
 * Returns the name's length in octets without dots (wire length minus
 * length bytes), or -1 when it cannot be an owner name: empty, the root,
 * an empty or over-long label, or longer than buflen.
 */
static int zone_name(const char *s, char *buf, size_t buflen, size_t *nlabels)
{
	size_t o = 0, octets = 0, lab = 0;
	*nlabels = 0;
	if (!s || !*s || strcmp(s, ".") == 0)
		return -1;
	size_t len = strlen(s);
	if (s[len - 1] == '.' && (len < 2 || s[len - 2] != '\\'))
		len--; /* a trailing dot: absolute name */
	for (size_t i = 0; i < len; i++) {
		unsigned v;
		unsigned char ch = (unsigned char)s[i];
		if (ch == '.') {
			if (lab == 0 || lab > 63)
				return -1;
			(*nlabels)++;
			lab = 0;
			if (o + 2 > buflen)
				return -1;
			buf[o++] = '.';
			continue;
		}
		if (ch == '\\' && i + 3 < len &&
		    s[i + 1] >= '0' && s[i + 1] <= '9' && s[i + 2] >= '0' && s[i + 2] <= '9' &&
		    s[i + 3] >= '0' && s[i + 3] <= '9') {
			v = (unsigned)(s[i + 1] - '0') * 100 + (unsigned)(s[i + 2] - '0') * 10 +
			    (unsigned)(s[i + 3] - '0');
			if (v > 255)
				return -1;
			i += 3;
		} else if (ch == '\\' && i + 1 < len) {
			v = (unsigned char)s[++i];
		} else {
			v = ch;
		}
		lab++;
		octets++;
		if (o + 5 > buflen)
			return -1;
		if (zone_plain((unsigned char)v))
			buf[o++] = (char)v;
		else
			o += (size_t)(fmt_ddd(buf + o, (uint8_t)v) - (buf + o));
	}
	if (lab == 0 || lab > 63)
		return -1;
	(*nlabels)++;
	buf[o] = '\0';
	return (int)octets;
}

/* The time of the scan, else the latest time seen in the traffic, in
 * seconds (at least 1). */
static uint64_t scan_seconds(const report_ctx_t *c, const entry_t *e, size_t n)
{
	uint64_t t = c->run ? c->run->finished_ns : 0;
	if (!t) {
		for (size_t i = 0; i < n; i++)
			if (e[i].last_ns > t)
				t = e[i].last_ns;
		for (size_t i = 0; !n && i < c->ninputs; i++)
			if (c->inputs[i].packets && c->inputs[i].last_ns > t)
				t = c->inputs[i].last_ns;
	}
	t /= 1000000000u;
	return t ? t : 1;
}

int artefacts_write_rpz(const report_ctx_t *c, FILE *out)
{
	size_t n = 0;
	entry_t *e = collect(c, &n);
	if (!e)
		return -1;
	/* seconds since the epoch: grows from scan to scan (RFC 1982 serial
	 * arithmetic holds it until 2106) */
	uint64_t serial = scan_seconds(c, e, n);
	if (serial > UINT32_MAX)
		serial = UINT32_MAX;
	char ts[40], ts2[40], now[40];

	fprintf(out, "; Response Policy Zone written by dnstunnel-scan %s at %s\n", DNSTS_VERSION,
		ts_rfc3339(serial * 1000000000u, now, sizeof now));
	fprintf(out,
		"; %zu domain%s reported as DNS tunnels (score >= %.0f); each name and its\n"
		"; subdomains answer NXDOMAIN.  Owner names are relative: the file loads as\n"
		"; any policy zone, e.g. named-checkzone rpz.example.org FILE and in BIND\n"
		"; response-policy { zone \"rpz.example.org\"; };  To $INCLUDE the entries\n"
		"; into an existing policy zone, leave out the SOA and NS lines.\n",
		n, n == 1 ? "" : "s", c->min_score);
	fprintf(out, "$TTL 300\n");
	fprintf(out, "@\tIN\tSOA\tlocalhost. hostmaster.localhost. ( %llu 3600 600 604800 300 )\n",
		(unsigned long long)serial);
	fprintf(out, "@\tIN\tNS\tlocalhost.\n");
	for (size_t i = 0; i < n; i++) {
		const finding_t *f = e[i].f;
		char name[256 * 4 + 1], cmt[512], tool[64];
		size_t nl;
		int oct = zone_name(f->domain, name, sizeof name, &nl);
		report_escape_name(f->domain, cmt, sizeof cmt);
		/* wire length of "*.<name>." under a zone name of up to
		 * ARTEFACTS_RPZ_ZONE_ROOM octets: octets + one length byte per
		 * label + the root */
		size_t wire = oct < 0 ? 0 : 2 + (size_t)oct + nl + ARTEFACTS_RPZ_ZONE_ROOM + 1;
		if (oct < 0 || wire > 255) {
			fprintf(out, "; not blockable as an RPZ owner name: %s\n", cmt);
			continue;
		}
		fprintf(out, "; %s: score %ld, tool %s, seen %s to %s\n", cmt, lround(f->score),
			report_escape_name(f->tool ? f->tool : "unknown", tool, sizeof tool),
			ts_rfc3339(e[i].first_ns, ts, sizeof ts),
			ts_rfc3339(e[i].last_ns, ts2, sizeof ts2));
		fprintf(out, "%s\tIN\tCNAME\t.\n*.%s\tIN\tCNAME\t.\n", name, name);
	}
	free(e);
	return fflush(out) != 0 || ferror(out) ? -1 : 0;
}

/* ---- STIX -------------------------------------------------------------- */

/* STIX timestamps: RFC 3339 UTC with milliseconds. */
static json_t *stix_ts(uint64_t ns)
{
	char buf[40];
	ts_rfc3339(ns, buf, sizeof buf);
	/* "YYYY-MM-DDTHH:MM:SS.uuuuuuZ" -> "YYYY-MM-DDTHH:MM:SS.mmmZ" */
	char *dot = strchr(buf, '.');
	if (dot && strlen(dot) >= 5) {
		dot[4] = 'Z';
		dot[5] = '\0';
	}
	return json_string(buf);
}

static json_t *stix_id(const char *type, const char *name, size_t len)
{
	char u[37], buf[80];
	uuid5(artefacts_stix_ns, name, len, u);
	snprintf(buf, sizeof buf, "%s--%s", type, u);
	return json_string(buf);
}

static json_t *ext_ref(const char *id)
{
	char url[96], path[16];
	snprintf(path, sizeof path, "%s", id);
	char *dot = strchr(path, '.');
	if (dot)
		*dot = '/';
	snprintf(url, sizeof url, "https://attack.mitre.org/techniques/%s/", path);
	return json_pack("{s:s,s:s,s:s}", "source_name", "mitre-attack", "external_id", id, "url",
			 url);
}

/* Growable text for the description; bounded to 8 KiB. */
typedef struct sbuf {
	char buf[8192];
	size_t len;
} sbuf_t;

static void sb_add(sbuf_t *b, const char *s)
{
	while (*s && b->len + 1 < sizeof b->buf)
		b->buf[b->len++] = *s++;
	b->buf[b->len] = '\0';
}

/* TLP 2.0 marking definitions (FIRST TLP 2.0 as the STIX extension
 * extension-definition--60a3c5c5-0d10-413e-aab3-9e08dde9e88d defines
 * them; ids and dates as published). */
static const struct tlp {
	const char *level, *name, *id;
} tlps[] = {
	{"clear", "TLP:CLEAR", "marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487"},
	{"green", "TLP:GREEN", "marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb"},
	{"amber", "TLP:AMBER", "marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421"},
	{"amber+strict", "TLP:AMBER+STRICT",
	 "marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003"},
	{"red", "TLP:RED", "marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1"},
};

bool artefacts_tlp_known(const char *level)
{
	for (size_t i = 0; i < sizeof tlps / sizeof tlps[0]; i++)
		if (strcmp(tlps[i].level, level) == 0)
			return true;
	return false;
}

static const struct tlp *tlp_of(const char *level)
{
	for (size_t i = 0; level && i < sizeof tlps / sizeof tlps[0]; i++)
		if (strcmp(tlps[i].level, level) == 0)
			return &tlps[i];
	return &tlps[2]; /* amber */
}

static json_t *tlp_marking(const struct tlp *t)
{
	json_t *ext = json_pack("{s:{s:s,s:s}}", "extension-definition--60a3c5c5-0d10-413e-aab3-9e08dde9e88d",
				"extension_type", "property-extension", "tlp_2_0", t->level);
	return json_pack("{s:s,s:s,s:s,s:s,s:s,s:o}", "type", "marking-definition", "spec_version",
			 "2.1", "id", t->id, "created", "2022-10-01T00:00:00.000Z", "name", t->name,
			 "extensions", ext);
}

/* STIX count and number_observed: 1 to 999999999. */
static json_t *stix_count(uint64_t n)
{
	return json_integer(n < 1 ? 1 : n > 999999999 ? 999999999 : (json_int_t)n);
}

/* Deterministic id of a cyber-observable: UUIDv5 of its id-contributing
 * property, {"value":"..."}, in the namespace STIX 2.1 fixes for them. */
static json_t *sco(const char *type, const char *value)
{
	static const unsigned char sco_ns[16] = {0x00, 0xab, 0xed, 0xb4, 0xaa, 0x42, 0x46, 0x6c,
						 0x9c, 0x01, 0xfe, 0xd2, 0x33, 0x15, 0xa9, 0xb7};
	json_t *v = json_pack("{s:s}", "value", value);
	char *canon = json_dumps(v, JSON_COMPACT | JSON_SORT_KEYS);
	char u[37], id[96];
	uuid5(sco_ns, canon ? canon : "", canon ? strlen(canon) : 0, u);
	free(canon);
	json_decref(v);
	snprintf(id, sizeof id, "%s--%s", type, u);
	return json_pack("{s:s,s:s,s:s,s:s}", "type", type, "spec_version", "2.1", "id", id,
			 "value", value);
}

/* An id of this kind for the domain over this time span. */
static json_t *span_id(const char *type, const char *dom, const entry_t *e)
{
	char key[1200];
	int n = snprintf(key, sizeof key, "%s %s %llu %llu", type, dom,
			 (unsigned long long)e->first_ns, (unsigned long long)e->last_ns);
	return stix_id(type, key, n < 0 ? 0 : (size_t)n >= sizeof key ? sizeof key - 1 : (size_t)n);
}

static json_t *indicator(const entry_t *e, json_t *identity_id, json_t *marks, json_t *now,
			 bool with_clients)
{
	const finding_t *f = e->f;
	char dom[256 * 4 + 1], num[96], ip[64];
	report_escape_name(f->domain, dom, sizeof dom);
	json_t *o = json_object();
	json_object_set_new(o, "type", json_string("indicator"));
	json_object_set_new(o, "spec_version", json_string("2.1"));
	json_object_set_new(o, "id", stix_id("indicator", dom, strlen(dom)));
	json_object_set_new(o, "created_by_ref", json_incref(identity_id));
	json_object_set_new(o, "created", json_incref(now));
	json_object_set_new(o, "modified", json_incref(now));
	sbuf_t name = {.len = 0};
	sb_add(&name, "DNS tunnel domain ");
	sb_add(&name, dom);
	json_object_set_new(o, "name", json_string(name.buf));

	sbuf_t *d = malloc(sizeof *d);
	if (d) {
		d->len = 0;
		d->buf[0] = '\0';
		snprintf(num, sizeof num, "%ld/100 (%s confidence)", lround(f->score),
			 f->confidence ? f->confidence : "low");
		sb_add(d, "dnstunnel-scan found a DNS tunnel under ");
		sb_add(d, dom);
		sb_add(d, ", score ");
		sb_add(d, num);
		if (f->tool) {
			char t[64];
			sb_add(d, ", tool ");
			sb_add(d, report_escape_name(f->tool, t, sizeof t));
		}
		sb_add(d, ".");
		for (size_t i = 0; i < f->nreasons; i++) {
			char r[1024];
			if (!f->reasons[i])
				continue;
			sb_add(d, " ");
			sb_add(d, report_escape_name(f->reasons[i], r, sizeof r));
			size_t l = strlen(r);
			if (l && r[l - 1] != '.')
				sb_add(d, ".");
		}
		snprintf(num, sizeof num, " %llu queries, about %llu bytes out and %llu bytes in",
			 (unsigned long long)f->queries, (unsigned long long)f->bytes_out,
			 (unsigned long long)f->bytes_in);
		sb_add(d, num);
		if (f->nclients && with_clients) {
			sb_add(d, "; clients:");
			for (size_t i = 0; i < f->nclients && i < 16; i++) {
				sb_add(d, i ? ", " : " ");
				sb_add(d, ip_addr_str(&f->clients[i].ip, ip, sizeof ip));
			}
			if (f->nclients > 16)
				sb_add(d, ", ...");
		} else if (f->nclients) {
			snprintf(num, sizeof num, "; %zu client%s", f->nclients,
				 f->nclients == 1 ? "" : "s");
			sb_add(d, num);
		}
		sb_add(d, ".");
		json_object_set_new(o, "description", json_string(d->buf));
		free(d);
	}
	json_object_set_new(o, "indicator_types", json_pack("[s]", "malicious-activity"));
	/* pattern: the string literal escapes \ and ' */
	sbuf_t *p = malloc(sizeof *p);
	if (p) {
		p->len = 0;
		p->buf[0] = '\0';
		sb_add(p, "[domain-name:value = '");
		for (const char *s = dom; *s; s++) {
			char ch[3] = {0};
			if (*s == '\\' || *s == '\'') {
				ch[0] = '\\';
				ch[1] = *s;
			} else {
				ch[0] = *s;
			}
			sb_add(p, ch);
		}
		sb_add(p, "']");
		json_object_set_new(o, "pattern", json_string(p->buf));
		free(p);
	}
	json_object_set_new(o, "pattern_type", json_string("stix"));
	json_object_set_new(o, "pattern_version", json_string("2.1"));
	/* valid from the scan that found it, not from the traffic */
	json_object_set_new(o, "valid_from", json_incref(now));
	json_t *kc = json_array();
	json_array_append_new(kc, json_pack("{s:s,s:s}", "kill_chain_name", "mitre-attack",
					    "phase_name", "command-and-control"));
	if (e->exfil)
		json_array_append_new(kc, json_pack("{s:s,s:s}", "kill_chain_name", "mitre-attack",
						    "phase_name", "exfiltration"));
	json_object_set_new(o, "kill_chain_phases", kc);
	json_t *labels = json_pack("[s]", "dns-tunnel");
	if (f->tool) {
		char t[64];
		json_array_append_new(labels, json_string(report_escape_name(f->tool, t, sizeof t)));
	}
	json_object_set_new(o, "labels", labels);
	long conf = lround(f->score);
	json_object_set_new(o, "confidence", json_integer(conf < 0 ? 0 : conf > 100 ? 100 : conf));
	json_t *refs = json_array();
	json_array_append_new(refs, ext_ref("T1071.004"));
	json_array_append_new(refs, ext_ref("T1572"));
	if (e->exfil)
		json_array_append_new(refs, ext_ref("T1048.003"));
	json_object_set_new(o, "external_references", refs);
	json_object_set_new(o, "object_marking_refs", json_incref(marks));
	return o;
}

/* The traffic behind an indicator: the domain (and with with_clients the
 * client addresses) as observables, an observed-data over the traffic's
 * span, and a sighting of the indicator that points at it.  Appended to
 * objs. */
static void sighting(const entry_t *e, const char *ind_id, json_t *identity_id, json_t *marks,
		     json_t *now, bool with_clients, json_t *objs)
{
	const finding_t *f = e->f;
	char dom[256 * 4 + 1], ip[64];
	report_escape_name(f->domain, dom, sizeof dom);
	json_t *refs = json_array();
	json_t *dn = sco("domain-name", dom);
	json_array_append(refs, json_object_get(dn, "id"));
	json_object_set_new(dn, "object_marking_refs", json_incref(marks));
	json_array_append_new(objs, dn);
	for (size_t i = 0; with_clients && i < f->nclients; i++) {
		ip_addr_str(&f->clients[i].ip, ip, sizeof ip);
		json_t *a = sco(strchr(ip, ':') ? "ipv6-addr" : "ipv4-addr", ip);
		json_array_append(refs, json_object_get(a, "id"));
		json_object_set_new(a, "object_marking_refs", json_incref(marks));
		json_array_append_new(objs, a);
	}
	json_t *od = json_object();
	json_object_set_new(od, "type", json_string("observed-data"));
	json_object_set_new(od, "spec_version", json_string("2.1"));
	json_object_set_new(od, "id", span_id("observed-data", dom, e));
	json_object_set_new(od, "created_by_ref", json_incref(identity_id));
	json_object_set_new(od, "created", json_incref(now));
	json_object_set_new(od, "modified", json_incref(now));
	json_object_set_new(od, "first_observed", stix_ts(e->first_ns));
	json_object_set_new(od, "last_observed", stix_ts(e->last_ns));
	json_object_set_new(od, "number_observed", stix_count(e->queries));
	json_object_set_new(od, "object_refs", refs);
	json_object_set_new(od, "object_marking_refs", json_incref(marks));
	json_t *sg = json_object();
	json_object_set_new(sg, "type", json_string("sighting"));
	json_object_set_new(sg, "spec_version", json_string("2.1"));
	json_object_set_new(sg, "id", span_id("sighting", dom, e));
	json_object_set_new(sg, "created_by_ref", json_incref(identity_id));
	json_object_set_new(sg, "created", json_incref(now));
	json_object_set_new(sg, "modified", json_incref(now));
	json_object_set_new(sg, "first_seen", stix_ts(e->first_ns));
	json_object_set_new(sg, "last_seen", stix_ts(e->last_ns));
	json_object_set_new(sg, "count", stix_count(e->queries));
	json_object_set_new(sg, "sighting_of_ref", json_string(ind_id));
	json_object_set_new(sg, "observed_data_refs", json_pack("[O]", json_object_get(od, "id")));
	json_object_set_new(sg, "object_marking_refs", json_incref(marks));
	json_array_append_new(objs, od);
	json_array_append_new(objs, sg);
}

int artefacts_write_stix(const report_ctx_t *c, FILE *out)
{
	size_t n = 0;
	entry_t *e = collect(c, &n);
	if (!e)
		return -1;
	const struct tlp *tlp = tlp_of(c->tlp);
	json_t *now = stix_ts(scan_seconds(c, e, n) * 1000000000u +
			      (c->run ? c->run->finished_ns % 1000000000u : 0));
	json_t *marks = json_pack("[s]", tlp->id);
	json_t *ident_id = stix_id("identity", "dnstunnel-scan", strlen("dnstunnel-scan"));
	json_t *objs = json_array();
	json_array_append_new(objs, tlp_marking(tlp));
	json_t *ident = json_object();
	json_object_set_new(ident, "type", json_string("identity"));
	json_object_set_new(ident, "spec_version", json_string("2.1"));
	json_object_set_new(ident, "id", json_incref(ident_id));
	/* fixed: the tool is the same identity in every bundle */
	json_object_set_new(ident, "created", json_string("2026-01-01T00:00:00.000Z"));
	json_object_set_new(ident, "modified", json_string("2026-01-01T00:00:00.000Z"));
	json_object_set_new(ident, "name", json_string("dnstunnel-scan"));
	json_object_set_new(ident, "description",
			    json_string("dnstunnel-scan, a DNS tunnel detector for packet "
					"captures"));
	json_object_set_new(ident, "identity_class", json_string("system"));
	json_array_append_new(objs, ident);

	sha1_ctx_t h;
	sha1_init(&h);
	for (size_t i = 0; i < n; i++) {
		json_t *ind = indicator(&e[i], ident_id, marks, now, c->stix_clients);
		const char *id = json_string_value(json_object_get(ind, "id"));
		const char *mod = json_string_value(json_object_get(ind, "modified"));
		if (id && mod) {
			sha1_update(&h, id, strlen(id));
			sha1_update(&h, mod, strlen(mod) + 1);
		}
		json_array_append_new(objs, ind);
		if (id)
			sighting(&e[i], id, ident_id, marks, now, c->stix_clients, objs);
	}
	uint8_t dig[SHA1_LEN];
	sha1_final(&h, dig);
	json_t *bundle = json_object();
	json_object_set_new(bundle, "type", json_string("bundle"));
	json_object_set_new(bundle, "id", stix_id("bundle", (const char *)dig, sizeof dig));
	json_object_set_new(bundle, "objects", objs);
	int rc = 0;
	if (json_dumpf(bundle, out, JSON_INDENT(2) | JSON_ENSURE_ASCII) != 0 ||
	    fputc('\n', out) == EOF || fflush(out) != 0)
		rc = -1;
	json_decref(bundle);
	json_decref(ident_id);
	json_decref(marks);
	json_decref(now);
	free(e);
	return rc;
}
