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

int artefacts_write_rpz(const report_ctx_t *c, FILE *out)
{
	size_t n = 0;
	entry_t *e = collect(c, &n);
	if (!e)
		return -1;
	uint64_t last = 0;
	for (size_t i = 0; i < n; i++)
		if (e[i].last_ns > last)
			last = e[i].last_ns;
	if (!n)
		for (size_t i = 0; i < c->ninputs; i++)
			if (c->inputs[i].packets && c->inputs[i].last_ns > last)
				last = c->inputs[i].last_ns;
	uint64_t serial = last / 1000000000u;
	if (serial == 0)
		serial = 1;
	if (serial > UINT32_MAX)
		serial = UINT32_MAX;
	char ts[40], ts2[40];

	fprintf(out, "; Response Policy Zone written by dnstunnel-scan %s\n", DNSTS_VERSION);
	fprintf(out, "; %zu domain%s reported as DNS tunnels (score >= %.0f); each name and its\n"
		     "; subdomains answer NXDOMAIN.  BIND: response-policy { zone \"%.*s\"; };\n",
		n, n == 1 ? "" : "s", c->min_score, (int)strlen(ARTEFACTS_RPZ_ORIGIN) - 1,
		ARTEFACTS_RPZ_ORIGIN);
	fprintf(out, "$TTL 300\n$ORIGIN %s\n", ARTEFACTS_RPZ_ORIGIN);
	fprintf(out, "@\tIN\tSOA\tlocalhost. hostmaster.localhost. ( %llu 3600 600 604800 300 )\n",
		(unsigned long long)serial);
	fprintf(out, "@\tIN\tNS\tlocalhost.\n");
	/* octets of the origin without dots, and its label count */
	const size_t origin_octets = strlen(ARTEFACTS_RPZ_ORIGIN) - 2, origin_labels = 2;
	for (size_t i = 0; i < n; i++) {
		const finding_t *f = e[i].f;
		char name[256 * 4 + 1], cmt[512], tool[64];
		size_t nl;
		int oct = zone_name(f->domain, name, sizeof name, &nl);
		report_escape_name(f->domain, cmt, sizeof cmt);
		/* wire length of "*.<name>.<origin>": octets + one length byte per
		 * label + the root */
		size_t wire = oct < 0 ? 0 : (size_t)oct + 1 + origin_octets + nl + 1 + origin_labels + 1;
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

static json_t *indicator(const entry_t *e, json_t *identity_id)
{
	const finding_t *f = e->f;
	char dom[256 * 4 + 1], num[96], ip[64];
	report_escape_name(f->domain, dom, sizeof dom);
	json_t *o = json_object();
	json_object_set_new(o, "type", json_string("indicator"));
	json_object_set_new(o, "spec_version", json_string("2.1"));
	json_object_set_new(o, "id", stix_id("indicator", dom, strlen(dom)));
	json_object_set_new(o, "created_by_ref", json_incref(identity_id));
	json_object_set_new(o, "created", stix_ts(e->first_ns));
	json_object_set_new(o, "modified",
			    stix_ts(e->last_ns > e->first_ns ? e->last_ns : e->first_ns));
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
		if (f->nclients) {
			sb_add(d, "; clients:");
			for (size_t i = 0; i < f->nclients && i < 16; i++) {
				sb_add(d, i ? ", " : " ");
				sb_add(d, ip_addr_str(&f->clients[i].ip, ip, sizeof ip));
			}
			if (f->nclients > 16)
				sb_add(d, ", ...");
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
	json_object_set_new(o, "valid_from", stix_ts(e->first_ns));
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
	return o;
}

int artefacts_write_stix(const report_ctx_t *c, FILE *out)
{
	size_t n = 0;
	entry_t *e = collect(c, &n);
	if (!e)
		return -1;
	json_t *ident_id = stix_id("identity", "dnstunnel-scan", strlen("dnstunnel-scan"));
	json_t *objs = json_array();
	json_t *ident = json_object();
	json_object_set_new(ident, "type", json_string("identity"));
	json_object_set_new(ident, "spec_version", json_string("2.1"));
	json_object_set_new(ident, "id", json_incref(ident_id));
	/* fixed, so that the same input gives the same bundle */
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
		json_t *ind = indicator(&e[i], ident_id);
		const char *id = json_string_value(json_object_get(ind, "id"));
		const char *mod = json_string_value(json_object_get(ind, "modified"));
		if (id && mod) {
			sha1_update(&h, id, strlen(id));
			sha1_update(&h, mod, strlen(mod) + 1);
		}
		json_array_append_new(objs, ind);
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
	free(e);
	return rc;
}
