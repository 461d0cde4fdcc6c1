/*
 * dnstunnel-scan - find DNS tunnels in packet captures.
 *
 * This file handles only the command line: options, inputs, output streams
 * and exit status.  Everything else is in libdnsts.
 */
#include <errno.h>
#include <ftw.h>
#include <getopt.h>
#include <limits.h>
#include <pthread.h>
#include <time.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <dnsts/cli.h>
#include <dnsts/dnsts.h>

#define PROG "dnstunnel-scan"

/* Exit status (SPEC.md) */
enum {
	EXIT_CLEAN = 0,    /* scan completed, nothing reached --min-score */
	EXIT_FINDINGS = 1, /* scan completed with at least one finding */
	EXIT_TROUBLE = 2,  /* usage error, or an input could not be read */
};

enum {
	OPT_NDJSON = 256, OPT_MESSAGES, OPT_MIN_SCORE, OPT_ALL, OPT_PER_FILE, OPT_ALLOWLIST,
	OPT_NO_DEFAULT_ALLOWLIST, OPT_FILTER, OPT_PORT, OPT_RPZ, OPT_STIX, OPT_PROGRESS,
	OPT_NO_PROGRESS, OPT_TEXT, OPT_RESOLVER, OPT_HOME_NET, OPT_CARVE, OPT_HTML, OPT_EXTRACT,
	OPT_SAVE_STATE, OPT_TLP, OPT_STIX_CLIENTS,
};

/* --resolver and --home-net, repeatable */
#define MAX_PLACES 64

static const struct option long_opts[] = {
	{"ndjson", no_argument, NULL, OPT_NDJSON},
	{"messages", no_argument, NULL, OPT_MESSAGES},
	{"text", no_argument, NULL, OPT_TEXT},
	{"min-score", required_argument, NULL, OPT_MIN_SCORE},
	{"all", no_argument, NULL, OPT_ALL},
	{"per-file", no_argument, NULL, OPT_PER_FILE},
	{"allowlist", required_argument, NULL, OPT_ALLOWLIST},
	{"no-default-allowlist", no_argument, NULL, OPT_NO_DEFAULT_ALLOWLIST},
	{"filter", required_argument, NULL, OPT_FILTER},
	{"port", required_argument, NULL, OPT_PORT},
	{"resolver", required_argument, NULL, OPT_RESOLVER},
	{"home-net", required_argument, NULL, OPT_HOME_NET},
	{"jobs", required_argument, NULL, 'j'},
	{"rpz", required_argument, NULL, OPT_RPZ},
	{"stix", required_argument, NULL, OPT_STIX},
	{"carve", required_argument, NULL, OPT_CARVE},
	{"html", required_argument, NULL, OPT_HTML},
	{"extract", required_argument, NULL, OPT_EXTRACT},
	{"save-state", required_argument, NULL, OPT_SAVE_STATE},
	{"tlp", required_argument, NULL, OPT_TLP},
	{"stix-clients", no_argument, NULL, OPT_STIX_CLIENTS},
	{"output", required_argument, NULL, 'o'},
	{"read", required_argument, NULL, 'r'},
	{"progress", no_argument, NULL, OPT_PROGRESS},
	{"no-progress", no_argument, NULL, OPT_NO_PROGRESS},
	{"help", no_argument, NULL, 'h'},
	{"version", no_argument, NULL, 'V'},
	{NULL, 0, NULL, 0},
};

static void usage(FILE *out)
{
	fprintf(out,
		"Usage: " PROG " [OPTIONS] INPUT...\n"
		"Find DNS tunnels (C2 and exfiltration over DNS) in packet captures.\n"
		"\n"
		"INPUT is a pcap or pcapng file (optionally gzip/bzip2/xz/zstd/lz4-compressed),\n"
		"an archive of captures (tar, compressed or not, or zip; each member is an\n"
		"input named ARCHIVE:MEMBER), a directory (scanned recursively; captures\n"
		"recognised by their magic bytes), or - for standard input.\n"
		"\n"
		"Output:\n"
		"      --ndjson               one JSON object per line (inputs, findings, summary)\n"
		"      --text                 aligned one-line-per-finding summary for a terminal\n"
		"      --messages             emit every DNS message as NDJSON (a DNS log)\n"
		"  -r, --read INPUT           an input, as if given as an argument (repeatable)\n"
		"  -o, --output FILE          write the report to FILE instead of standard output\n"
		"      --rpz FILE             also write a Response Policy Zone blocking the findings\n"
		"      --stix FILE            also write a STIX 2.1 bundle: per domain an indicator\n"
		"                             and a sighting of the traffic\n"
		"      --tlp LEVEL            its TLP 2.0 marking: clear, green, amber (default),\n"
		"                             amber+strict or red\n"
		"      --stix-clients         name the client addresses in it (default: not)\n"
		"      --carve DIR            decode what each reported tunnel carried into files\n"
		"                             under DIR (a second pass; never executed)\n"
		"      --html FILE            also write the report as one self-contained HTML page\n"
		"      --extract DIR          also write one capture per finding with its frames\n"
		"      --save-state FILE      write the scan's mergeable state to FILE instead of a\n"
		"                             report; state files are inputs too (merged exactly)\n"
		"Detection:\n"
		"      --min-score N          report findings with score >= N (0-100; default %.0f)\n"
		"      --all                  report every tracked base domain (man page: MEMORY)\n"
		"      --per-file             aggregate each input separately\n"
		"      --allowlist FILE       extra domains never reported (one name per line,\n"
		"                             # comments; *.NAME means NAME; checked up front)\n"
		"      --no-default-allowlist do not apply the built-in allowlist\n"
		"Reading:\n"
		"      --filter EXPR          BPF filter applied while reading\n"
		"      --port N               treat UDP/TCP port N as DNS too (repeatable, up to\n"
		"                             32 ports besides the default 53, 5353 and 5355)\n"
		"Where the capture sits:\n"
		"      --resolver IP          a recursive resolver of the network (repeatable;\n"
		"                             also recognised from the traffic): listed among a\n"
		"                             finding's resolvers, never as a client\n"
		"      --home-net CIDR        a local network, e.g. 192.168.0.0/16 (repeatable)\n"
		"  -j, --jobs N               parallel workers for many inputs (default: CPUs)\n"
		"      --progress             progress on standard error\n"
		"      --no-progress          no progress (default: on when stderr is a terminal)\n"
		"  -h, --help                 show this help and exit\n"
		"  -V, --version              show the version and exit\n"
		"\n"
		"Exit status: 0 nothing found, 1 at least one finding, 2 usage error or an\n"
		"input could not be read.  Options that cannot be honoured (--messages with\n"
		"--rpz, --stix, --text, --all or --per-file; --text with --ndjson; a bad\n"
		"filter, allowlist line or output path) are refused before any input is read.\n"
		"See dnstunnel-scan(1).\n",
		DNSTS_DEFAULT_MIN_SCORE);
}

__attribute__((format(printf, 1, 2), noreturn))
static void die_usage(const char *fmt, ...)
{
	va_list ap;
	fprintf(stderr, PROG ": ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\nTry '" PROG " --help' for more information.\n");
	exit(EXIT_TROUBLE);
}

static bool parse_uint(const char *s, unsigned long max, unsigned long *out)
{
	char *end;
	if (!s || !*s || *s == '-' || *s == '+')
		return false;
	errno = 0;
	unsigned long v = strtoul(s, &end, 10);
	if (errno || *end || v > max)
		return false;
	*out = v;
	return true;
}

/* --port: ports besides the defaults (dnsts_options_init's), each once */
#define MAX_USER_PORTS 32
_Static_assert(DNSTS_MAX_PORTS >= 3 + MAX_USER_PORTS, "room for the --port options");

static bool has_port(const dnsts_options_t *opt, uint16_t port)
{
	for (size_t i = 0; i < opt->nports; i++)
		if (opt->ports[i] == port)
			return true;
	return false;
}

/* ---- refusals: what makes the run pointless fails before any input is read */

/* One line on standard error and exit status 2. */
__attribute__((format(printf, 1, 2), noreturn))
static void refuse(const char *fmt, ...)
{
	va_list ap;
	fprintf(stderr, PROG ": ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(EXIT_TROUBLE);
}

/* The directory part of path ("." when it has none) into buf. */
static const char *dir_of(const char *path, char *buf, size_t len)
{
	const char *slash = strrchr(path, '/');
	if (!slash)
		return ".";
	size_t n = slash == path ? 1 : (size_t)(slash - path);
	if (n >= len)
		n = len - 1;
	memcpy(buf, path, n);
	buf[n] = '\0';
	return buf;
}

/*
 * Can the option's output file be written?  Refuses (exit 2, one line)
 * when path is empty, names a directory, or is a file that cannot be
 * written, or when it does not exist and its directory is missing or not
 * writable.  Nothing is created: a refused run leaves no file behind.
 */
static void check_output_path(const char *opt, const char *path)
{
	struct stat st;
	char dir[PATH_MAX];
	if (!*path)
		refuse("%s: an empty file name", opt);
	if (stat(path, &st) == 0) {
		if (S_ISDIR(st.st_mode))
			refuse("%s %s: is a directory", opt, path);
		if (access(path, W_OK) != 0)
			refuse("%s %s: %s", opt, path, strerror(errno));
		return;
	}
	if (errno != ENOENT)
		refuse("%s %s: %s", opt, path, strerror(errno));
	const char *d = dir_of(path, dir, sizeof dir);
	if (stat(d, &st) != 0)
		refuse("%s %s: directory %s: %s", opt, path, d, strerror(errno));
	if (!S_ISDIR(st.st_mode))
		refuse("%s %s: %s is not a directory", opt, path, d);
	if (access(d, W_OK | X_OK) != 0)
		refuse("%s %s: directory %s: %s", opt, path, d, strerror(errno));
}

/* The same for an output directory: an existing writable directory, or
 * one that can be made (its parent exists and is writable).  For the
 * options that write directories. */
__attribute__((unused))
static void check_output_dir(const char *opt, const char *dir)
{
	struct stat st;
	char parent[PATH_MAX];
	if (!*dir)
		refuse("%s: an empty directory name", opt);
	if (stat(dir, &st) == 0) {
		if (!S_ISDIR(st.st_mode))
			refuse("%s %s: not a directory", opt, dir);
		if (access(dir, W_OK | X_OK) != 0)
			refuse("%s %s: %s", opt, dir, strerror(errno));
		return;
	}
	if (errno != ENOENT)
		refuse("%s %s: %s", opt, dir, strerror(errno));
	size_t n = strlen(dir);
	while (n > 1 && dir[n - 1] == '/')
		n--;
	char trimmed[PATH_MAX];
	snprintf(trimmed, sizeof trimmed, "%.*s", (int)n, dir);
	const char *p = dir_of(trimmed, parent, sizeof parent);
	if (stat(p, &st) != 0 || !S_ISDIR(st.st_mode) || access(p, W_OK | X_OK) != 0)
		refuse("%s %s: cannot be created in %s", opt, dir, p);
}

/* Two options must not write the same file. */
static void check_distinct_outputs(const char *const *opts, const char *const *paths, size_t n)
{
	for (size_t i = 0; i < n; i++)
		for (size_t k = i + 1; k < n; k++)
			if (paths[i] && paths[k] && strcmp(paths[i], paths[k]) == 0)
				refuse("%s and %s name the same file %s", opts[i], opts[k], paths[i]);
}

/* ---- inputs ------------------------------------------------------------ */

typedef struct input_list {
	char **paths;
	size_t n, cap;
	size_t skipped;   /* files in directories that are not captures */
	int error;        /* a directory could not be read */
	char **failed;    /* "path\0reason" of inputs that could not be scanned */
	size_t nfailed;
} input_list_t;

static input_list_t *walk_list; /* nftw has no user pointer */

static int list_add(input_list_t *l, const char *path)
{
	if (l->n == l->cap) {
		size_t nc = l->cap ? l->cap * 2 : 16;
		char **np = realloc(l->paths, nc * sizeof *np);
		if (!np)
			return -1;
		l->paths = np;
		l->cap = nc;
	}
	l->paths[l->n] = strdup(path);
	if (!l->paths[l->n])
		return -1;
	l->n++;
	return 0;
}

static void list_fail(input_list_t *l, const char *path, const char *reason)
{
	size_t lp = strlen(path), lr = strlen(reason);
	char *e = malloc(lp + lr + 2);
	char **nf = realloc(l->failed, (l->nfailed + 1) * sizeof *nf);
	l->error = 1;
	if (!e || !nf) {
		free(e);
		if (nf)
			l->failed = nf;
		return;
	}
	memcpy(e, path, lp + 1);
	memcpy(e + lp + 1, reason, lr + 1);
	l->failed = nf;
	l->failed[l->nfailed++] = e;
}

/* Is this file a capture, a compressed file or an archive?  By magic bytes. */
static bool capture_magic(const char *path)
{
	unsigned char b[512];
	FILE *f = fopen(path, "rb");
	if (!f)
		return true; /* let the scan report why it cannot be read */
	size_t n = fread(b, 1, sizeof b, f);
	fclose(f);
	return dnsts_magic_known(b, n);
}

static int walk_cb(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
	(void)st;
	(void)ftw;
	if (type == FTW_DNR) {
		fprintf(stderr, PROG ": %s: cannot read directory\n", path);
		list_fail(walk_list, path, "cannot read directory");
	} else if (type == FTW_F) {
		if (capture_magic(path)) {
			if (list_add(walk_list, path) < 0)
				return -1;
		} else {
			walk_list->skipped++;
		}
	}
	return 0;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int expand_input(input_list_t *l, const char *arg)
{
	struct stat st;
	if (strcmp(arg, "-") != 0 && stat(arg, &st) == 0 && S_ISDIR(st.st_mode)) {
		size_t before = l->n, skipped = l->skipped;
		walk_list = l;
		if (nftw(arg, walk_cb, 32, FTW_PHYS) != 0) {
			fprintf(stderr, PROG ": %s: %s\n", arg, strerror(errno));
			list_fail(l, arg, strerror(errno));
		}
		if (l->n > before)
			qsort(l->paths + before, l->n - before, sizeof *l->paths, cmp_str);
		if (l->n == before) {
			char why[128];
			snprintf(why, sizeof why, "no capture files in directory (%zu other file%s skipped)",
				 l->skipped - skipped, l->skipped - skipped == 1 ? "" : "s");
			fprintf(stderr, PROG ": %s: %s\n", arg, why);
			list_fail(l, arg, why);
		}
		return 0;
	}
	return list_add(l, arg);
}

/* ---- batch: workers scan inputs, the main thread merges them in order ---- */

typedef struct job {
	dnsts_scanner_t *sc;
	bool done;
} job_t;

typedef struct batch {
	char **paths;
	size_t n;
	const dnsts_options_t *opt;
	int jobs;
	size_t window;           /* inputs started but not merged, at most */
	dnsts_scanner_t *result;
	bool per_file;
	bool dedup;              /* more than one input: scan identical ones once */
	FILE *ndjson_out;        /* input lines as inputs finish, or NULL */
	bool progress;
	double min_score;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	job_t *slots;
	size_t next, merged;
	int failed;              /* a scanner could not be created */
	char err[512];
	uint64_t bytes, total_bytes; /* for the progress line */
	double t0;
} batch_t;

static void *worker(void *arg)
{
	batch_t *b = arg;
	for (;;) {
		pthread_mutex_lock(&b->mu);
		while (b->next < b->n && b->next >= b->merged + b->window)
			pthread_cond_wait(&b->cv, &b->mu);
		if (b->next >= b->n) {
			pthread_mutex_unlock(&b->mu);
			return NULL;
		}
		size_t i = b->next++;
		pthread_mutex_unlock(&b->mu);

		char err[512];
		dnsts_scanner_t *sc = dnsts_scanner_new(b->opt, err, sizeof err);
		if (sc) {
			dnsts_scanner_dedup_inputs(sc, b->dedup);
			dnsts_scan_file(sc, b->paths[i]);
			dnsts_scanner_finish(sc);
		}
		pthread_mutex_lock(&b->mu);
		if (!sc && !b->failed) {
			b->failed = 1;
			snprintf(b->err, sizeof b->err, "%s", err);
		}
		b->slots[i].sc = sc;
		b->slots[i].done = true;
		pthread_cond_broadcast(&b->cv);
		pthread_mutex_unlock(&b->mu);
	}
}

static double mono_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void show_progress(const batch_t *b, uint64_t bytes, uint64_t total_bytes, size_t nfound,
			  double t0, bool last)
{
	double dt = mono_now() - t0;
	double mb = (double)bytes / 1e6;
	fprintf(stderr, "\r" PROG ": %zu/%zu files, %.1f", b->merged, b->n, mb);
	if (total_bytes)
		fprintf(stderr, "/%.1f", (double)total_bytes / 1e6);
	fprintf(stderr, " MB, %.1f MB/s", dt > 0 ? mb / dt : 0.0);
	if (!last)
		fprintf(stderr, ", %zu suspicious domain%s so far", nfound, nfound == 1 ? "" : "s");
	else if (nfound != SIZE_MAX)
		fprintf(stderr, ", %zu finding%s reported", nfound, nfound == 1 ? "" : "s");
	fprintf(stderr, "\033[K%s", last ? "\n" : "");
	fflush(stderr);
}

/* Report each new input's problems on standard error, and as NDJSON. */
static bool announce_inputs(batch_t *b, size_t from)
{
	bool trouble = false;
	for (size_t k = from; k < dnsts_scanner_ninputs(b->result); k++) {
		const dnsts_input_t *in = dnsts_scanner_input(b->result, k);
		if (in->error) {
			trouble = true;
			if (b->progress)
				fprintf(stderr, "\r\033[K");
			fprintf(stderr, PROG ": %s: %s\n", in->path, in->error);
		} else if (in->warning) {
			fprintf(stderr, PROG ": %s: warning: %s\n", in->path, in->warning);
		}
		if (b->ndjson_out)
			dnsts_report_input_line(b->result, k, b->ndjson_out);
	}
	return trouble;
}

/* Scan every path with b->jobs workers; merge results into b->result in
 * the order of the paths, so that the report does not depend on -j.
 * Returns non-zero when an input had an error. */
static int batch_run(batch_t *b)
{
	bool trouble = false;
	uint64_t total_bytes = 0, bytes = 0;
	if (b->progress) {
		for (size_t i = 0; i < b->n; i++) {
			struct stat st;
			if (stat(b->paths[i], &st) == 0 && S_ISREG(st.st_mode))
				total_bytes += (uint64_t)st.st_size;
		}
	}
	b->slots = calloc(b->n ? b->n : 1, sizeof *b->slots);
	if (!b->slots) {
		fprintf(stderr, PROG ": out of memory\n");
		return 1;
	}
	pthread_mutex_init(&b->mu, NULL);
	pthread_cond_init(&b->cv, NULL);
	int nthreads = b->jobs < (int)b->n ? b->jobs : (int)b->n;
	pthread_t *th = calloc((size_t)(nthreads > 0 ? nthreads : 1), sizeof *th);
	int started = 0;
	for (int i = 0; th && i < nthreads; i++)
		if (pthread_create(&th[i], NULL, worker, b) == 0)
			started++;
	if (started == 0 && b->n) {
		fprintf(stderr, PROG ": cannot start worker threads\n");
		free(th);
		free(b->slots);
		return 1;
	}

	/* suspicious domains seen so far, for the progress line only */
	char **found = NULL;
	size_t nfound = 0;
	double t0 = mono_now(), shown = 0;
	for (size_t i = 0; i < b->n; i++) {
		pthread_mutex_lock(&b->mu);
		while (!b->slots[i].done)
			pthread_cond_wait(&b->cv, &b->mu);
		dnsts_scanner_t *sc = b->slots[i].sc;
		b->slots[i].sc = NULL;
		pthread_mutex_unlock(&b->mu);
		if (!sc) {
			fprintf(stderr, PROG ": %s: %s\n", b->paths[i], b->err);
			trouble = true;
		} else {
			if (b->progress && !b->per_file) {
				size_t nd = 0;
				char **doms = dnsts_scanner_domains_over(sc, b->min_score, &nd);
				for (size_t k = 0; k < nd; k++) {
					bool dup = false;
					for (size_t m = 0; m < nfound && !dup; m++)
						dup = strcmp(found[m], doms[k]) == 0;
					char **nf = dup ? NULL : realloc(found, (nfound + 1) * sizeof *nf);
					if (nf) {
						found = nf;
						if ((found[nfound] = strdup(doms[k])) != NULL)
							nfound++;
					}
				}
				dnsts_strings_free(doms, nd);
			}
			size_t before = dnsts_scanner_ninputs(b->result);
			for (size_t k = 0; k < dnsts_scanner_ninputs(sc); k++)
				bytes += dnsts_scanner_input(sc, k)->bytes;
			if (dnsts_scanner_merge(b->result, sc, b->per_file) != DNSTS_OK) {
				fprintf(stderr, PROG ": %s: out of memory while merging results\n",
					b->paths[i]);
				trouble = true;
			}
			dnsts_scanner_free(sc);
			if (announce_inputs(b, before))
				trouble = true;
		}
		free(b->paths[i]);
		pthread_mutex_lock(&b->mu);
		b->merged++;
		pthread_cond_broadcast(&b->cv);
		pthread_mutex_unlock(&b->mu);
		if (b->progress && (mono_now() - shown > 0.25 || i + 1 == b->n)) {
			/* the last line waits for the report's own count */
			show_progress(b, bytes, total_bytes, nfound, t0, false);
			shown = mono_now();
		}
	}
	b->bytes = bytes;
	b->total_bytes = total_bytes;
	b->t0 = t0;
	for (int i = 0; i < started; i++)
		pthread_join(th[i], NULL);
	for (size_t k = 0; k < nfound; k++)
		free(found[k]);
	free(found);
	free(th);
	free(b->slots);
	pthread_mutex_destroy(&b->mu);
	pthread_cond_destroy(&b->cv);
	return trouble ? 1 : 0;
}

/* --stix: the marking and whether client addresses go in */
static const char *stix_tlp;
static bool stix_clients;

static int write_stix(dnsts_scanner_t *s, FILE *f)
{
	return dnsts_report_stix_marked(s, f, stix_tlp, stix_clients);
}

/* Write --rpz / --stix / --html output; 0 or -1 with the error on standard error. */
static int write_artefact(dnsts_scanner_t *s, const char *path,
			  int (*fn)(dnsts_scanner_t *, FILE *))
{
	FILE *f = fopen(path, "w");
	if (!f) {
		fprintf(stderr, PROG ": %s: %s\n", path, strerror(errno));
		return -1;
	}
	int rc = fn(s, f);
	if (fclose(f) != 0 || rc != DNSTS_OK) {
		fprintf(stderr, PROG ": %s: writing failed\n", path);
		return -1;
	}
	return 0;
}

/* ---- main -------------------------------------------------------------- */

int main(int argc, char **argv)
{
	dnsts_options_t opt;
	enum dnsts_report_format fmt = DNSTS_REPORT_JSON;
	bool messages = false, per_file = false;
	const char *resolvers[MAX_PLACES], *home_nets[MAX_PLACES];
	size_t nresolvers = 0, nhome_nets = 0;
	int jobs = 0, progress = -1;
	size_t nuser_ports = 0;
	const char *out_path = NULL, *rpz_path = NULL, *stix_path = NULL, *carve_dir = NULL,
		   *html_path = NULL, *extract_dir = NULL, *state_path = NULL;
	const char *mode_opt = NULL; /* --ndjson or --text: one output form */
	const char **reads = calloc((size_t)argc, sizeof *reads); /* -r INPUT */
	size_t nreads = 0;
	unsigned long v;

	dnsts_options_init(&opt);
	input_list_t inputs = {0};
	int c;
	opterr = 0; /* usage errors are worded here, as PROG: what */
	while ((c = getopt_long(argc, argv, ":hVj:o:r:", long_opts, NULL)) != -1) {
		switch (c) {
		case 'h':
			usage(stdout);
			free(reads);
			return EXIT_CLEAN;
		case 'V':
			printf(PROG " %s\n", dnsts_version());
			dnsts_print_library_versions(stdout);
			free(reads);
			return EXIT_CLEAN;
		case OPT_NDJSON:
		case OPT_TEXT:
			if (mode_opt && strcmp(mode_opt, argv[optind - 1]) != 0)
				refuse("%s and %s cannot be combined: choose one output form", mode_opt,
				       argv[optind - 1]);
			mode_opt = c == OPT_TEXT ? "--text" : "--ndjson";
			fmt = c == OPT_TEXT ? DNSTS_REPORT_TEXT : DNSTS_REPORT_NDJSON;
			break;
		case OPT_MESSAGES:
			messages = true;
			break;
		case OPT_MIN_SCORE:
			if (!parse_uint(optarg, 100, &v))
				die_usage("--min-score must be a whole number from 0 to 100, not '%s'",
					  optarg);
			opt.min_score = (double)v;
			break;
		case OPT_ALL:
			opt.report_all = true;
			break;
		case OPT_PER_FILE:
			per_file = true;
			break;
		case OPT_ALLOWLIST:
			opt.allowlist_file = optarg;
			break;
		case OPT_NO_DEFAULT_ALLOWLIST:
			opt.default_allowlist = false;
			break;
		case OPT_FILTER:
			opt.bpf_filter = optarg;
			break;
		case OPT_PORT:
			if (!parse_uint(optarg, 65535, &v) || v == 0)
				die_usage("--port must be a port number from 1 to 65535, not '%s'",
					  optarg);
			/* the default ports stay; N is added, once */
			if (!has_port(&opt, (uint16_t)v)) {
				if (nuser_ports == MAX_USER_PORTS || opt.nports == DNSTS_MAX_PORTS)
					die_usage("too many --port options (at most %d ports besides "
						  "the defaults)", MAX_USER_PORTS);
				opt.ports[opt.nports++] = (uint16_t)v;
				nuser_ports++;
			}
			break;
		case OPT_RESOLVER:
			if (nresolvers == MAX_PLACES)
				die_usage("too many --resolver options (at most %d)", MAX_PLACES);
			resolvers[nresolvers++] = optarg;
			break;
		case OPT_HOME_NET:
			if (nhome_nets == MAX_PLACES)
				die_usage("too many --home-net options (at most %d)", MAX_PLACES);
			home_nets[nhome_nets++] = optarg;
			break;
		case 'j':
			if (!parse_uint(optarg, 1024, &v) || v == 0)
				die_usage("--jobs must be a number from 1 to 1024, not '%s'", optarg);
			jobs = (int)v;
			break;
		case OPT_RPZ:
			rpz_path = optarg;
			break;
		case OPT_STIX:
			stix_path = optarg;
			break;
		case OPT_CARVE:
			carve_dir = optarg;
			break;
		case OPT_HTML:
			html_path = optarg;
			break;
		case OPT_EXTRACT:
			extract_dir = optarg;
			break;
		case OPT_SAVE_STATE:
			state_path = optarg;
			break;
		case OPT_TLP:
			if (!dnsts_tlp_known(optarg))
				refuse("--tlp must be clear, green, amber, amber+strict or red, not '%s'",
				       optarg);
			stix_tlp = optarg;
			break;
		case OPT_STIX_CLIENTS:
			stix_clients = true;
			break;
		case 'o':
			out_path = optarg;
			break;
		case 'r':
			if (!reads) {
				fprintf(stderr, PROG ": out of memory\n");
				return EXIT_TROUBLE;
			}
			reads[nreads++] = optarg; /* expanded once everything is checked */
			break;
		case OPT_PROGRESS:
			progress = 1;
			break;
		case OPT_NO_PROGRESS:
			progress = 0;
			break;
		case ':':
			die_usage("option '%s' needs an argument", argv[optind - 1]);
		default:
			if (optopt)
				die_usage("unknown option '-%c'", optopt);
			die_usage("unknown option '%s'", argv[optind - 1]);
		}
	}
	if (optind >= argc && nreads == 0)
		die_usage("%s", "no input given (use - for standard input)");
	if (carve_dir && messages)
		die_usage("%s", "--carve and --messages do not go together");
	if (state_path && (messages || per_file || out_path || rpz_path || stix_path))
		die_usage("--save-state writes no report: not with %s",
			  messages ? "--messages" : per_file ? "--per-file" : out_path ? "--output"
				  : rpz_path ? "--rpz" : "--stix");

	/* ---- refusals: nothing below reads an input before these pass ---- */
	if (messages) {
		const char *clash = rpz_path ? "--rpz" : stix_path ? "--stix"
				    : fmt == DNSTS_REPORT_TEXT ? "--text" : opt.report_all ? "--all"
				    : per_file ? "--per-file" : NULL;
		if (clash)
			refuse("--messages cannot be combined with %s: the DNS log has no findings",
			       clash);
	}
	if ((stix_tlp || stix_clients) && !stix_path)
		refuse("%s is about the STIX bundle: give --stix FILE too",
		       stix_tlp ? "--tlp" : "--stix-clients");
	{
		const char *names[] = {"-o", "--rpz", "--stix", "--html", "--save-state"};
		const char *paths[] = {out_path, rpz_path, stix_path, html_path, state_path};
		for (size_t i = 0; i < sizeof paths / sizeof paths[0]; i++)
			if (paths[i])
				check_output_path(names[i], paths[i]);
		check_distinct_outputs(names, paths, sizeof paths / sizeof paths[0]);
		if (carve_dir)
			check_output_dir("--carve", carve_dir);
		if (extract_dir)
			check_output_dir("--extract", extract_dir);
	}

	/* The scanner checks the filter and the allowlist file: refused here,
	 * once, before any input is opened and before -o FILE is created.  The
	 * DNS log's scanner needs the output, so a scanner without it checks
	 * first. */
	opt.resolvers = resolvers;
	opt.nresolvers = nresolvers;
	opt.home_nets = home_nets;
	opt.nhome_nets = nhome_nets;
	char err[512];
	dnsts_scanner_t *s = dnsts_scanner_new(&opt, err, sizeof err);
	if (s && messages) {
		dnsts_scanner_free(s);
		s = NULL;
	} else if (!s) {
		refuse("%s", err);
	}

	FILE *out = stdout;
	if (out_path) {
		out = fopen(out_path, "w");
		if (!out)
			refuse("%s: %s", out_path, strerror(errno));
	}
	if (messages) {
		opt.messages_out = out;
		s = dnsts_scanner_new(&opt, err, sizeof err);
		if (!s)
			refuse("%s", err);
	}

	for (size_t i = 0; i < nreads; i++)
		if (expand_input(&inputs, reads[i]) < 0) {
			fprintf(stderr, PROG ": out of memory\n");
			return EXIT_TROUBLE;
		}
	free(reads);
	for (int i = optind; i < argc; i++)
		if (expand_input(&inputs, argv[i]) < 0) {
			fprintf(stderr, PROG ": out of memory\n");
			return EXIT_TROUBLE;
		}

	for (size_t i = 0; carve_dir && i < inputs.n; i++)
		if (strcmp(inputs.paths[i], "-") == 0)
			die_usage("%s", "--carve reads the inputs twice: standard input cannot be");

	/* One order whatever the order of the arguments, so that the report
	 * (inputs, and the merge of aggregates) does not depend on it. */
	qsort(inputs.paths, inputs.n, sizeof *inputs.paths, cmp_str);

	/* states made with different options cannot be merged: refused
	 * before reading, naming both (a state that is not an archive's first
	 * member is checked when read, against this scan's options) */
	for (size_t i = 0, ref = SIZE_MAX; i < inputs.n; i++) {
		if (!dnsts_is_state_file(inputs.paths[i]))
			continue;
		char why[4096];
		if (ref == SIZE_MAX)
			ref = i;
		else if (dnsts_states_differ(inputs.paths[ref], inputs.paths[i], why, sizeof why))
			refuse("%s and %s were made with other %s: states merge only when made "
			       "with the same options",
			       inputs.paths[ref], inputs.paths[i], why);
	}

	if (jobs == 0) {
		long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
		jobs = ncpu > 0 ? (int)(ncpu > 64 ? 64 : ncpu) : 1;
	}
	/* two cores or more per input: each input is read on one thread and
	 * parsed and scored on another */
	opt.pipeline = jobs >= 2 && (size_t)jobs >= 2 * inputs.n;
	if (messages)
		jobs = 1; /* the DNS log keeps the order of the inputs */
	if (progress < 0)
		progress = isatty(STDERR_FILENO);

	if (dnsts_scanner_set_invocation(s, argc, argv, per_file, jobs,
					 messages ? "messages"
					 : fmt == DNSTS_REPORT_TEXT ? "text"
					 : fmt == DNSTS_REPORT_NDJSON ? "ndjson" : "json") != DNSTS_OK) {
		fprintf(stderr, PROG ": out of memory\n");
		return EXIT_TROUBLE;
	}
	batch_t b = {
		.paths = inputs.paths, .n = inputs.n, .opt = &opt, .jobs = jobs,
		.window = (size_t)jobs, .result = s, .per_file = per_file,
		.dedup = inputs.n > 1 || state_path, /* a state is compared when merged */
		.ndjson_out = fmt == DNSTS_REPORT_NDJSON && !messages ? out : NULL,
		.progress = progress != 0, .min_score = opt.min_score,
	};
	bool trouble = inputs.error != 0;
	for (size_t i = 0; i < inputs.nfailed; i++) {
		char *e = inputs.failed[i];
		dnsts_scanner_add_failed_input(s, e, e + strlen(e) + 1);
		if (b.ndjson_out)
			dnsts_report_input_line(s, dnsts_scanner_ninputs(s) - 1, b.ndjson_out);
		free(e);
	}
	free(inputs.failed);
	dnsts_scanner_count_skipped(s, inputs.skipped);
	/* --carve reads the inputs again once the findings are known */
	char **carve_paths = NULL;
	size_t ncarve = 0;
	if (carve_dir && (carve_paths = calloc(inputs.n ? inputs.n : 1, sizeof *carve_paths)))
		for (; ncarve < inputs.n; ncarve++)
			if (!(carve_paths[ncarve] = strdup(inputs.paths[ncarve])))
				break;
	if (batch_run(&b) != 0)
		trouble = true;
	free(inputs.paths);
	dnsts_scanner_finish(s);
	if (carve_dir) {
		if (!carve_paths || ncarve < b.n ||
		    dnsts_carve(s, carve_dir, (const char *const *)carve_paths, ncarve, err,
				sizeof err) != DNSTS_OK) {
			fprintf(stderr, PROG ": %s\n", carve_paths && ncarve == b.n ? err
										 : "out of memory");
			trouble = true;
		}
		for (size_t i = 0; i < ncarve; i++)
			free(carve_paths[i]);
		free(carve_paths);
	}

	int status = trouble ? EXIT_TROUBLE : EXIT_CLEAN;
	bool write_failed = false;
	if (state_path) {
		FILE *sf = fopen(state_path, "wb");
		if (!sf || dnsts_scanner_save_state(s, sf, err, sizeof err) != DNSTS_OK) {
			fprintf(stderr, PROG ": %s: %s\n", state_path, sf ? err : strerror(errno));
			status = EXIT_TROUBLE;
		}
		if (sf && fclose(sf) != 0 && status != EXIT_TROUBLE) {
			fprintf(stderr, PROG ": %s: %s\n", state_path, strerror(errno));
			status = EXIT_TROUBLE;
		}
	} else if (messages) {
		write_failed = dnsts_scanner_log_error(s) != 0;
		if (b.progress)
			show_progress(&b, b.bytes, b.total_bytes, SIZE_MAX, b.t0, true);
	} else {
		size_t nf = 0;
		if (dnsts_report_write(s, out, fmt, &nf) != DNSTS_OK)
			write_failed = true;
		if (!trouble && nf > 0)
			status = EXIT_FINDINGS;
		if (b.progress) /* what the report reports, not the inputs' sum */
			show_progress(&b, b.bytes, b.total_bytes, nf, b.t0, true);
		if (rpz_path && write_artefact(s, rpz_path, dnsts_report_rpz) != 0)
			status = EXIT_TROUBLE;
		if (stix_path && write_artefact(s, stix_path, write_stix) != 0)
			status = EXIT_TROUBLE;
		if (html_path && write_artefact(s, html_path, dnsts_report_html) != 0)
			status = EXIT_TROUBLE;
		char xerr[512];
		if (extract_dir && dnsts_extract(s, extract_dir, xerr, sizeof xerr) != DNSTS_OK) {
			fprintf(stderr, PROG ": %s\n", xerr[0] ? xerr : "--extract failed");
			status = EXIT_TROUBLE;
		}
	}
	dnsts_scanner_free(s);

	/* closed whatever happened before: fclose also reports what it flushes */
	if (ferror(out))
		write_failed = true;
	if (fclose(out) != 0)
		write_failed = true;
	if (write_failed) {
		fprintf(stderr, PROG ": %s: writing output failed\n", out_path ? out_path : "stdout");
		return EXIT_TROUBLE;
	}
	return status;
}
