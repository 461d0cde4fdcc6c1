/*
 * scan_carve.c - dnsts_carve: the second pass over the inputs for --carve.
 * The findings are known; a scanner without a detector re-reads the inputs
 * and hands every DNS message to the carver (carve.c), which keeps those
 * under a reported finding's zone and decodes them when the pass is over.
 * The default scan pays nothing for it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <dnsts/dnsts.h>

#include "carve.h"
#include "report.h"
#include "scan_internal.h"

/* Did the scan find path to be a copy of an earlier input? */
static bool is_duplicate(const dnsts_scanner_t *s, const char *path)
{
	for (size_t i = 0; i < s->ninputs; i++)
		if (s->inputs[i].duplicate_of && s->inputs[i].path &&
		    strcmp(s->inputs[i].path, path) == 0)
			return true;
	return false;
}

int dnsts_carve(dnsts_scanner_t *s, const char *dir, const char *const *paths, size_t n,
		char *errbuf, size_t errlen)
{
	char dummy[8];
	if (!errbuf) {
		errbuf = dummy;
		errlen = sizeof dummy;
	}
	const scan_findings_t *f;
	int rc = scan_findings(s, &f);
	if (rc != DNSTS_OK) {
		snprintf(errbuf, errlen, "out of memory");
		return rc;
	}
	finding_t **rep = malloc((f->n ? f->n : 1) * sizeof *rep);
	if (!rep) {
		snprintf(errbuf, errlen, "out of memory");
		return DNSTS_ENOMEM;
	}
	size_t nrep = 0;
	for (size_t i = 0; i < f->n; i++)
		if (report_is_reported(f->fs[i], s->opt.min_score))
			rep[nrep++] = f->fs[i];
	carver_t *c = carver_new(dir, rep, nrep, errbuf, errlen);
	free(rep);
	if (!c)
		return DNSTS_ENOMEM;

	dnsts_options_t o = s->opt;
	o.messages_out = NULL;
	dnsts_scanner_t *t = dnsts_scanner_new(&o, errbuf, errlen);
	if (!t) {
		carver_free(c);
		return DNSTS_ENOMEM;
	}
	detector_free(t->det); /* messages go to the carver only */
	t->det = NULL;
	t->carve_to = c;
	for (size_t i = 0; i < n; i++)
		if (strcmp(paths[i], "-") != 0 && !is_duplicate(s, paths[i]))
			dnsts_scan_file(t, paths[i]);
	dnsts_scanner_finish(t);
	dnsts_scanner_free(t);

	rc = carver_finish(c) == 0 ? DNSTS_OK : DNSTS_EIO;
	if (rc != DNSTS_OK)
		snprintf(errbuf, errlen, "%s: not everything could be written (see the findings' "
			 "carved.error)", dir);
	carver_free(s->carved);
	s->carved = c;
	return rc;
}
