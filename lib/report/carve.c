/*
 * carve.c - the carver: routes DNS messages to the findings whose zone
 * their query name falls under, keeps them (bounded), runs each finding's
 * framing decoder and writes the files, a manifest.json per finding and
 * the "carved" object of the report.  See carve.h.
 */
#include "carve.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <jansson.h>

#include "ascii.h"
#include "sha256.h"

struct carver {
	char *dir;
	carve_job_t *jobs;
	size_t njobs;
	json_t **json;         /* per job, after carver_finish */
	uint32_t *tab;         /* zone hash table: job index + 1, 0 = free */
	size_t tabmask;
	uint64_t stored;       /* message bytes kept */
};

/* ---- names -------------------------------------------------------------- */

static uint32_t fnv1a(const uint8_t *p, size_t n, bool fold)
{
	uint32_t h = 2166136261u;
	for (size_t i = 0; i < n; i++) {
		h ^= fold ? (uint8_t)ascii_lower(p[i]) : p[i];
		h *= 16777619u;
	}
	return h;
}

char *carve_safe_name(const char *text, char *out)
{
	size_t n = strlen(text), keep = CARVE_SAFE_NAME_MAX - 9, w = 0;
	for (size_t i = 0; i < n && w < keep; i++) {
		unsigned char c = (unsigned char)text[i];
		bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
			  c == '.' || c == '-' || c == '_';
		if (w == 0 && (c == '.' || c == '-'))
			ok = false;
		out[w++] = ok ? (char)c : '_';
	}
	if (w == 0)
		out[w++] = '_';
	snprintf(out + w, CARVE_SAFE_NAME_MAX + 1 - w, "-%08x",
		 fnv1a((const uint8_t *)text, n, false));
	return out;
}

/* The lower-case wire form of a presentation name ("a.b\.c\065"), root
 * label included; its length, or 0 when it does not make a name. */
static size_t zone_wire(const char *s, uint8_t *w)
{
	size_t n = 0, lab = 0;
	if (!*s || strcmp(s, ".") == 0)
		return 0;
	w[n++] = 0;
	for (const char *p = s; *p; p++) {
		int ch = (unsigned char)*p;
		if (ch == '.') {
			if (w[lab] == 0)
				return 0; /* an empty label */
			if (p[1] == 0)
				break;    /* a trailing dot */
			if (n >= DNS_MAX_NAME - 1)
				return 0;
			lab = n;
			w[n++] = 0;
			continue;
		}
		if (ch == '\\' && p[1]) {
			if (p[1] >= '0' && p[1] <= '9' && p[2] >= '0' && p[2] <= '9' &&
			    p[3] >= '0' && p[3] <= '9') {
				ch = (p[1] - '0') * 100 + (p[2] - '0') * 10 + (p[3] - '0');
				p += 3;
				if (ch > 255)
					return 0;
			} else {
				ch = (unsigned char)*++p;
			}
		}
		if (n >= DNS_MAX_NAME - 1 || w[lab] == 63)
			return 0;
		w[n++] = (uint8_t)ascii_lower(ch);
		w[lab]++;
	}
	if (w[lab] == 0)
		return 0;
	w[n++] = 0;
	return n;
}

static uint32_t seg_hash(const dns_name_t *n, unsigned i, unsigned j)
{
	size_t a = n->loff[i], b = j < n->nlabels ? n->loff[j] : (size_t)n->len - 1;
	return fnv1a(n->wire + a, b - a, true);
}

/* The job whose zone is labels [i, j) of n, or NULL. */
static carve_job_t *lookup(const carver_t *c, const dns_name_t *n, unsigned i, unsigned j)
{
	uint32_t h = seg_hash(n, i, j);
	for (size_t k = h & c->tabmask;; k = (k + 1) & c->tabmask) {
		uint32_t v = c->tab[k];
		if (!v)
			return NULL;
		carve_job_t *job = &c->jobs[v - 1];
		if (carve_labels_are_zone(job, n, i, j))
			return job;
	}
}

/* The finding a name is under: the zone as the name's last labels, or
 * followed by up to three labels of a search suffix; of several, the
 * highest score, then the longest zone.  *npay: labels before the zone. */
static carve_job_t *route(const carver_t *c, const dns_name_t *n, unsigned *npay)
{
	carve_job_t *best = NULL;
	unsigned bi = 0, bl = 0;
	for (unsigned i = 0; i < n->nlabels; i++)
		for (unsigned j = n->nlabels; j > i && j + 3 >= n->nlabels; j--) {
			carve_job_t *job = lookup(c, n, i, j);
			if (!job)
				continue;
			if (!best || job->f->score > best->f->score ||
			    (job->f->score == best->f->score && j - i > bl)) {
				best = job;
				bi = i;
				bl = j - i;
			}
		}
	*npay = bi;
	return best;
}

/* ---- the carver --------------------------------------------------------- */

carver_t *carver_new(const char *dir, finding_t *const *fs, size_t n, char *errbuf,
		     size_t errlen)
{
	carver_t *c = calloc(1, sizeof *c);
	if (!c || !(c->dir = strdup(dir)) || (n && !(c->jobs = calloc(n, sizeof *c->jobs))) ||
	    (n && !(c->json = calloc(n, sizeof *c->json)))) {
		snprintf(errbuf, errlen, "out of memory");
		carver_free(c);
		return NULL;
	}
	size_t cap = 16;
	while (cap < 2 * n)
		cap *= 2;
	if (!(c->tab = calloc(cap, sizeof *c->tab))) {
		snprintf(errbuf, errlen, "out of memory");
		carver_free(c);
		return NULL;
	}
	c->tabmask = cap - 1;
	for (size_t i = 0; i < n; i++) {
		carve_job_t *job = &c->jobs[c->njobs];
		job->f = fs[i];
		job->tool = fs[i]->tool;
		job->zlen = zone_wire(fs[i]->domain ? fs[i]->domain : "", job->zone);
		if (job->zlen < 2)
			continue; /* no zone to route to */
		/* a zone already there (the same domain twice, --per-file)
		 * keeps its first finding */
		uint32_t h = fnv1a(job->zone, job->zlen - 1, true);
		size_t k = h & c->tabmask;
		bool dup = false;
		for (; c->tab[k]; k = (k + 1) & c->tabmask) {
			carve_job_t *o = &c->jobs[c->tab[k] - 1];
			if (o->zlen == job->zlen && memcmp(o->zone, job->zone, job->zlen) == 0)
				dup = true;
		}
		if (dup)
			continue;
		c->tab[k] = (uint32_t)++c->njobs;
	}
	return c;
}

void carver_free(carver_t *c)
{
	if (!c)
		return;
	for (size_t i = 0; i < c->njobs; i++) {
		for (size_t k = 0; k < c->jobs[i].n; k++)
			free(c->jobs[i].msgs[k].wire);
		free(c->jobs[i].msgs);
		if (c->json)
			json_decref(c->json[i]);
	}
	free(c->jobs);
	free(c->json);
	free(c->tab);
	free(c->dir);
	free(c);
}

void carver_msg(carver_t *c, uint64_t ts_ns, const ip_addr_t *src, uint16_t sport,
		const ip_addr_t *dst, uint16_t dport, uint8_t proto, const dns_msg_t *m)
{
	if (!m->has_question || c->njobs == 0)
		return;
	unsigned npay;
	carve_job_t *job = route(c, &m->qname, &npay);
	if (!job)
		return;
	if (c->stored + m->len > CARVE_MAX_STORE) {
		job->dropped++;
		return;
	}
	if (job->n == job->cap) {
		size_t cap = job->cap ? job->cap * 2 : 64;
		carve_msg_t *v = realloc(job->msgs, cap * sizeof *v);
		if (!v) {
			job->dropped++;
			return;
		}
		job->msgs = v;
		job->cap = cap;
	}
	uint8_t *w = malloc(m->len ? m->len : 1);
	if (!w) {
		job->dropped++;
		return;
	}
	memcpy(w, m->wire, m->len);
	job->msgs[job->n++] = (carve_msg_t){
		.ts_ns = ts_ns, .src = *src, .dst = *dst, .sport = sport, .dport = dport,
		.proto = proto, .npay = (uint8_t)npay, .len = m->len, .wire = w,
	};
	c->stored += m->len;
}

/* ---- writing ----------------------------------------------------------- */

static int write_all(int fd, const uint8_t *p, size_t n)
{
	while (n) {
		ssize_t k = write(fd, p, n);
		if (k < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		p += k;
		n -= (size_t)k;
	}
	return 0;
}

/* Create name inside dfd, never following a link, never replacing a
 * file; 0 or an errno value. */
static int create_file(int dfd, const char *name, const uint8_t *p, size_t n)
{
	int fd = openat(dfd, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
	if (fd < 0)
		return errno;
	int e = write_all(fd, p, n) < 0 ? errno : 0;
	if (close(fd) != 0 && !e)
		e = errno;
	return e;
}

static json_t *strings_json(char *const *v, size_t n, size_t dropped, const char *more)
{
	json_t *a = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(a, json_string(v[i]));
	if (dropped) {
		char buf[128];
		snprintf(buf, sizeof buf, "%zu more %s not listed", dropped, more);
		json_array_append_new(a, json_string(buf));
	}
	return a;
}

static const char *framing_of(const carve_job_t *job)
{
	if (job->tool && strcmp(job->tool, "iodine") == 0)
		return "iodine";
	if (job->tool && strcmp(job->tool, "dnscat2") == 0)
		return "dnscat2";
	if (job->tool && strcmp(job->tool, "dns2tcp") == 0)
		return "dns2tcp";
	return "generic";
}

/* Decode one job and write its directory; its carved object. */
static json_t *carve_one(carver_t *c, int dfd, carve_job_t *job)
{
	json_t *o = json_object();
	char sub[CARVE_SAFE_NAME_MAX + 1];
	carve_safe_name(job->f->domain ? job->f->domain : "", sub);
	size_t plen = strlen(c->dir) + 1 + strlen(sub) + 1;
	char *path = malloc(plen);
	if (!o || !path) {
		free(path);
		json_decref(o);
		return NULL;
	}
	snprintf(path, plen, "%s/%s", c->dir, sub);
	json_object_set_new(o, "dir", json_string(path));
	free(path);

	carve_out_t out = {0};
	const char *fr = framing_of(job);
	if (strcmp(fr, "iodine") == 0)
		carve_iodine(job, &out);
	else if (strcmp(fr, "dnscat2") == 0)
		carve_dnscat2(job, &out);
	else if (strcmp(fr, "dns2tcp") == 0)
		carve_dns2tcp(job, &out);
	else
		carve_generic(job, &out);
	if (job->dropped)
		carve_gap(&out, "%llu messages not kept: the carving memory cap (%u MiB) was reached",
			  (unsigned long long)job->dropped, CARVE_MAX_STORE >> 20);
	if (out.files_refused)
		carve_gap(&out, "%zu files not written: at most %d per finding", out.files_refused,
			  CARVE_MAX_FILES);

	json_object_set_new(o, "decoding", json_string(out.decoding ? out.decoding : fr));
	json_object_set_new(o, "messages", json_integer((json_int_t)job->n));
	json_t *files = json_array();
	int err = 0;
	int sfd = -1;
	if (mkdirat(dfd, sub, 0755) != 0)
		err = errno;
	else if ((sfd = openat(dfd, sub, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)) < 0)
		err = errno;
	for (size_t i = 0; i < out.nfiles && !err; i++) {
		carve_file_t *f = &out.files[i];
		if (f->data.nomem) {
			carve_gap(&out, "%s: out of memory, not written", f->name);
			continue;
		}
		if (f->data.over)
			carve_gap(&out, "%s: cut at %u MiB", f->name, CARVE_MAX_FILE >> 20);
		int e = create_file(sfd, f->name, f->data.p ? f->data.p : (const uint8_t *)"",
				    f->data.n);
		if (e) {
			err = e;
			break;
		}
		uint8_t d[SHA256_LEN];
		char hex[65];
		sha256(f->data.p ? f->data.p : (const uint8_t *)"", f->data.n, d);
		json_array_append_new(files, json_pack("{s:s,s:I,s:s,s:s}", "name", f->name,
						       "bytes", (json_int_t)f->data.n, "sha256",
						       sha256_hex(d, hex), "decoding", f->decoding));
	}
	json_object_set_new(o, "files", files);
	json_object_set_new(o, "gaps", strings_json(out.gaps, out.ngaps, out.gaps_dropped, "gaps"));
	json_object_set_new(o, "undecoded",
			    strings_json(out.notes, out.nnotes, out.notes_dropped, "notes"));
	if (!err) {
		json_t *man = json_deep_copy(o);
		json_object_set_new(man, "domain", json_string(job->f->domain ? job->f->domain : ""));
		json_object_set_new(man, "tool", job->tool ? json_string(job->tool) : json_null());
		json_object_set_new(man, "note",
				    json_string("carved bytes are data taken from the capture; "
						"nothing here was executed or interpreted"));
		char *txt = json_dumps(man, JSON_INDENT(2) | JSON_ENSURE_ASCII);
		json_decref(man);
		if (!txt)
			err = ENOMEM;
		else {
			size_t tl = strlen(txt);
			txt[tl] = '\n';
			err = create_file(sfd, "manifest.json", (const uint8_t *)txt, tl + 1);
			txt[tl] = 0;
			free(txt);
		}
	}
	if (err) {
		char buf[256];
		snprintf(buf, sizeof buf, "%s", err == EEXIST ? "already exists, not overwritten"
							       : strerror(err));
		json_object_set_new(o, "error", json_string(buf));
	}
	if (sfd >= 0)
		close(sfd);
	carve_out_clear(&out);
	return o;
}

int carver_finish(carver_t *c)
{
	if (mkdir(c->dir, 0755) != 0 && errno != EEXIST)
		return -1;
	int dfd = open(c->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0)
		return -1;
	int rc = 0;
	for (size_t i = 0; i < c->njobs; i++) {
		c->json[i] = carve_one(c, dfd, &c->jobs[i]);
		if (!c->json[i] || json_object_get(c->json[i], "error"))
			rc = -1;
		/* the messages are not needed any more */
		for (size_t k = 0; k < c->jobs[i].n; k++)
			free(c->jobs[i].msgs[k].wire);
		free(c->jobs[i].msgs);
		c->jobs[i].msgs = NULL;
		c->jobs[i].n = c->jobs[i].cap = 0;
	}
	close(dfd);
	return rc;
}

void *carver_json(const carver_t *c, const finding_t *f)
{
	for (size_t i = 0; i < c->njobs; i++)
		if (c->jobs[i].f == f)
			return c->json[i] ? json_incref(c->json[i]) : NULL;
	return NULL;
}
