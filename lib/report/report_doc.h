/*
 * report_doc.h - the JSON document of a report as a jansson value, for the
 * writers that render it in another form (report_html.c).  Only report*.c
 * include this header (and so <jansson.h>).
 */
#ifndef DNSTS_REPORT_DOC_H
#define DNSTS_REPORT_DOC_H

#include <jansson.h>

#include "report.h"

/* The document report_write_json writes (new reference; NULL: no memory). */
json_t *report_json_doc(const report_ctx_t *c);

#endif
