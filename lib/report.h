/*
 * report.h - findings and scan summaries to the formats analysts read:
 * the JSON document and NDJSON stream of SPEC.md, an aligned text summary,
 * and the artefacts the mitigations point at (RPZ zone, STIX 2.1 bundle).
 * Only this module includes <jansson.h>.
 */
#ifndef DNSTS_REPORT_H
#define DNSTS_REPORT_H

#include <stddef.h>
#include <stdint.h>

#include "finding.h"

/*
 * risk_score: Splunk ESCU style impact x confidence / 100, where
 *   confidence = 80 x min(1, score / 80)
 *   impact     = 70 + volume + clients + tool
 *     volume  = clamp(8 x log10(bytes moved / 1024), 0, 24)
 *     clients = clamp(7.5 x log2(clients), 0, 15)
 *     tool    = 15 when the tool is recognised, else 0
 * rounded, and clamped to 1..99.  A confirmed (score >= 80) tunnel of one
 * client that moved up to 1 KiB with no tool named scores 70 x 80 / 100 = 56.
 */
int report_risk_score(double score, uint64_t bytes_moved, size_t nclients, const char *tool);

#endif
