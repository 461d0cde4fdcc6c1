/*
 * state.h - state files: the mergeable state of a scan (its input summaries,
 * counters and the detector's aggregates, sketches and samples) written to a
 * file, so that scans of many captures made apart (other processes, other
 * machines) are merged later without reading the captures again.  The
 * format is in doc/STATE-FORMAT.md: little-endian, versioned, sections with
 * lengths and checksums.
 *
 * A state records what shaped it (its provenance: ports, filter, allowlist,
 * Public Suffix List, limits, declared resolvers and networks); a state is
 * read only into a scan made alike.  Keyed hashes are not written: the
 * reader hashes the base keys again with its own key.
 *
 * State files are untrusted input: every read is bounds-checked (rd.h),
 * every count is checked against the bytes left before anything is
 * allocated, and a state is at most STATE_MAX_BYTES.
 */
#ifndef DNSTS_STATE_H
#define DNSTS_STATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <dnsts/dnsts.h>

#include "capture.h"
#include "detect.h"

/* The first 8 bytes of a state file (source.c recognises them too). */
#define STATE_MAGIC "\x89" "DNSTS\r\n"
#define STATE_MAGIC_LEN 8
#define STATE_VERSION 3
#define STATE_MAX_BYTES ((size_t)1 << 30)

/* One input summary with its content identity. */
typedef struct state_input {
	dnsts_input_t in;
	cap_content_id_t id;
	bool id_valid;
} state_input_t;

/* Write a state: the provenance taken from opt, the inputs, the counters
 * st (those the detector keeps are taken from det instead) and det (NULL:
 * DNS-log mode, refused).  DNSTS_OK, or an error with a reason in err. */
int state_write(FILE *f, const dnsts_options_t *opt, const state_input_t *inputs, size_t n,
		const dnsts_stats_t *st, detector_t *det, char *err, size_t errlen);

/* What a state holds besides the detector. */
typedef struct state_data {
	state_input_t *inputs;  /* owned, strings too */
	size_t ninputs;
	dnsts_stats_t st;       /* without the counters the detector keeps */
} state_data_t;

/* Read a whole state from f (at most STATE_MAX_BYTES) into det, a new
 * detector made with opt, and *out.  DNSTS_OK, or DNSTS_EFORMAT (damaged,
 * another version, made with other options), DNSTS_EIO or DNSTS_ENOMEM
 * with a one-line reason in err; det then holds part of the state and is
 * to be freed. */
int state_read(FILE *f, const dnsts_options_t *opt, detector_t *det, state_data_t *out,
	       char *err, size_t errlen);

/* The same from a buffer (the fuzz target). */
int state_parse(const uint8_t *buf, size_t len, const dnsts_options_t *opt, detector_t *det,
		state_data_t *out, char *err, size_t errlen);

void state_data_free(state_data_t *d);

#endif
