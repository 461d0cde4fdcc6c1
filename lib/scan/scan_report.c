/*
 * report.c - the report functions of the public interface, bound to a
 * scanner.  The detector is asked for its scored findings once per scanner
 * (scoring is not free, and every artefact must cover the same findings);
 * the result is cached in the scanner and freed with it.  The formats
 * themselves are in report_json.c and artefacts.c.
 */
#include "report.h"

#include <stdlib.h>

#include <dnsts/dnsts.h>

#include "artefacts.h"
#include "scan_internal.h"

struct report_cache {
	finding_t **fs;   /* the detector's findings, then the kept ones */
	size_t n;
	size_t nown;      /* the first nown are the detector's, freed here */
	size_t nreported;
};

void report_cache_free(struct report_cache *rc)
{
	if (!rc)
		return;
	for (size_t i = 0; i < rc->nown; i++)
		finding_free(rc->fs[i]);
	free(rc->fs);
	free(rc);
}

/*
 * The findings of a scanner: its detector's (aggregated across inputs), and
 * those of inputs scored apart (--per-file, s->kept, owned by the scanner).
 */
static int build_ctx(dnsts_scanner_t *s, report_ctx_t *c, size_t *nreported)
{
	if (!s->report) {
		struct report_cache *rc = calloc(1, sizeof *rc);
		finding_t **fs = NULL;
		size_t n = 0;
		if (!rc)
			return DNSTS_ENOMEM;
		if (s->det) {
			int r = detector_findings(s->det, s->opt.min_score, s->opt.report_all, &fs,
						  &n);
			if (r < 0) {
				free(rc);
				return r;
			}
		}
		rc->fs = malloc((n + s->nkept + 1) * sizeof *rc->fs);
		if (!rc->fs) {
			findings_free(fs, n);
			free(rc);
			return DNSTS_ENOMEM;
		}
		for (size_t i = 0; i < n; i++)
			rc->fs[i] = fs[i];
		free(fs);
		rc->nown = n;
		for (size_t i = 0; i < s->nkept; i++)
			rc->fs[n + i] = s->kept[i];
		rc->n = n + s->nkept;
		rc->nreported = report_prepare(rc->fs, rc->n, s->opt.min_score);
		s->report = rc;
	}
	*c = (report_ctx_t){
		.inputs = s->inputs,
		.ninputs = s->ninputs,
		.stats = dnsts_scanner_stats(s),
		.fs = s->report->fs,
		.n = s->report->n,
		.min_score = s->opt.min_score,
	};
	if (nreported)
		*nreported = s->report->nreported;
	return DNSTS_OK;
}

int dnsts_report_write(dnsts_scanner_t *s, FILE *out, enum dnsts_report_format fmt,
		       size_t *nfindings)
{
	report_ctx_t c;
	size_t nrep = 0;
	int rc = build_ctx(s, &c, &nrep);
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
	int rc = build_ctx(s, &c, NULL);
	if (rc != DNSTS_OK)
		return rc;
	return artefacts_write_rpz(&c, out) == 0 ? DNSTS_OK : DNSTS_EIO;
}

int dnsts_report_stix(dnsts_scanner_t *s, FILE *out)
{
	report_ctx_t c;
	int rc = build_ctx(s, &c, NULL);
	if (rc != DNSTS_OK)
		return rc;
	return artefacts_write_stix(&c, out) == 0 ? DNSTS_OK : DNSTS_EIO;
}

int dnsts_report_input_line(const dnsts_scanner_t *s, size_t i, FILE *out)
{
	if (i >= s->ninputs)
		return DNSTS_EINVAL;
	return report_write_input_line(&s->inputs[i], out) == 0 ? DNSTS_OK : DNSTS_EIO;
}
