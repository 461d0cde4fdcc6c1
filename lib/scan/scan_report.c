/*
 * scan_report.c - the report functions of the public interface, bound to a
 * scanner.  The findings come from scan_findings() (scan.c), which scores
 * them once and keeps them in the scanner, so that every artefact covers the
 * same findings.  The formats themselves are in report_json.c and
 * artefacts.c.
 */
#include "report.h"

#include <stdlib.h>

#include <dnsts/cli.h>
#include <dnsts/dnsts.h>

#include "artefacts.h"
#include "scan_internal.h"

#include <jansson.h>

/* The "carved" object of a finding, when dnsts_carve ran. */
static void add_carved(void *ud, const finding_t *f, json_t *o)
{
	json_t *c = carver_json(ud, f);
	if (c)
		json_object_set_new(o, "carved", c);
}

static int build_ctx(dnsts_scanner_t *s, report_ctx_t *c, report_run_t *run,
		     size_t *nreported)
{
	const scan_findings_t *f;
	int rc = scan_findings(s, &f);
	if (rc != DNSTS_OK)
		return rc;
	*run = (report_run_t){
		.started_ns = s->started_ns,
		.finished_ns = scan_finished_ns(s),
		.argv = s->argv,
		.argc = s->argc,
		.opt = &s->opt,
		.per_file = s->per_file,
		.jobs = s->jobs,
		.format = s->format,
	};
	*c = (report_ctx_t){
		.run = run,
		.inputs = s->inputs,
		.ninputs = s->ninputs,
		.stats = dnsts_scanner_stats(s),
		.fs = f->fs,
		.n = f->n,
		.min_score = s->opt.min_score,
		.finding_extra = s->carved ? add_carved : NULL,
		.extra_ud = s->carved,
		.per_file = f->n > f->nown, /* inputs kept apart (--per-file) */
	};
	if (nreported)
		*nreported = f->nreported;
	return DNSTS_OK;
}

int dnsts_report_write(dnsts_scanner_t *s, FILE *out, enum dnsts_report_format fmt,
		       size_t *nfindings)
{
	report_ctx_t c;
	report_run_t run;
	size_t nrep = 0;
	int rc = build_ctx(s, &c, &run, &nrep);
	if (nfindings)
		*nfindings = rc == DNSTS_OK ? nrep : 0;
	if (rc != DNSTS_OK)
		return rc;
	if (fmt == DNSTS_REPORT_TEXT)
		rc = report_write_text(&c, out);
	else if (fmt == DNSTS_REPORT_NDJSON)
		rc = report_write_ndjson(&c, out);
	else
		rc = report_write_json(&c, out);
	if (rc != 0 || fflush(out) != 0 || ferror(out))
		return DNSTS_EIO;
	return DNSTS_OK;
}

int dnsts_report_rpz(dnsts_scanner_t *s, FILE *out)
{
	report_ctx_t c;
	report_run_t run;
	int rc = build_ctx(s, &c, &run, NULL);
	if (rc != DNSTS_OK)
		return rc;
	return artefacts_write_rpz(&c, out) == 0 ? DNSTS_OK : DNSTS_EIO;
}

int dnsts_report_stix_marked(dnsts_scanner_t *s, FILE *out, const char *tlp, bool clients)
{
	report_ctx_t c;
	report_run_t run;
	if (tlp && !artefacts_tlp_known(tlp))
		return DNSTS_EINVAL;
	int rc = build_ctx(s, &c, &run, NULL);
	if (rc != DNSTS_OK)
		return rc;
	c.tlp = tlp;
	c.stix_clients = clients;
	return artefacts_write_stix(&c, out) == 0 ? DNSTS_OK : DNSTS_EIO;
}

int dnsts_report_stix(dnsts_scanner_t *s, FILE *out)
{
	return dnsts_report_stix_marked(s, out, NULL, false);
}

bool dnsts_tlp_known(const char *level)
{
	return artefacts_tlp_known(level);
}

void dnsts_print_library_versions(FILE *out)
{
	char psl[128];
	fprintf(out, "libpcap: %s\nlibarchive: %s\npsl: %s\n", report_libpcap_version(),
		report_libarchive_version(), report_psl_version(psl, sizeof psl));
}

int dnsts_report_input_line(const dnsts_scanner_t *s, size_t i, FILE *out)
{
	if (i >= s->ninputs)
		return DNSTS_EINVAL;
	return report_write_input_line(&s->inputs[i], out) == 0 ? DNSTS_OK : DNSTS_EIO;
}

int dnsts_report_html(dnsts_scanner_t *s, FILE *out)
{
	report_ctx_t c;
	report_run_t run;
	int rc = build_ctx(s, &c, &run, NULL);
	if (rc != DNSTS_OK)
		return rc;
	if (report_write_html(&c, out) != 0 || fflush(out) != 0 || ferror(out))
		return DNSTS_EIO;
	return DNSTS_OK;
}
