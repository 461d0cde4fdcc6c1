/*
 * source.h - where capture bytes come from: a plain file, standard input, a
 * compressed file (gzip, bzip2, xz, zstd, lz4), or an archive (tar, plain or
 * compressed, and zip) whose regular members are captures.  Everything that
 * is not a plain capture is read as a stream through libarchive, without
 * temporary files, and handed on as a FILE stream.
 */
#ifndef DNSTS_SOURCE_H
#define DNSTS_SOURCE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "sha256.h"

/*
 * Called once per capture stream found at the path: the path itself for a
 * plain or compressed capture, "path:member" for each regular member of an
 * archive.  fp is valid only during the call.  Returning non-zero stops the
 * walk.  stream_error(), called after the capture reader stopped early,
 * says whether decompression failed (NULL if not).
 */
typedef struct source_stream {
	FILE *fp;
	const char *name;
	bool compressed;
	bool member;        /* a member of an archive (tar, zip) */
	bool state;         /* starts with a state file's magic (lib/state) */
	void *priv;
} source_stream_t;

typedef int (*source_fn)(void *ud, source_stream_t *st);

const char *source_stream_error(const source_stream_t *st);

/*
 * For a stream read through libarchive that is not an archive member (a
 * compressed capture, or a file that is no capture): the SHA-256 of the
 * file as stored, which this reads to the end (call it after the capture
 * reader stopped, before returning from the callback).
 * For a plain file (not standard input): its SHA-256, read again from the
 * start (for a file the capture reader could not open as a capture).
 * false for the other streams, whose stored bytes are the ones the capture
 * reader reads (capture_sha256), or when reading failed.
 */
bool source_stream_sha256(source_stream_t *st, uint8_t out[SHA256_LEN]);

/*
 * Walk path ("-" for standard input).  Returns 0, or a negative dnsts_err
 * with a one-line reason in errbuf when the path cannot be opened or the
 * archive is damaged (members before the damage have been handed on;
 * *nstreams says how many).
 */
int source_walk(const char *path, source_fn fn, void *ud, size_t *nstreams, char *errbuf,
		size_t errlen);

/* The first bytes of a state file (lib/state/state.h: STATE_MAGIC). */
#define SOURCE_STATE_MAGIC "\x89" "DNSTS\r\n"

/* Do these first bytes start a capture, a state file, a compressed file or
 * an archive? */
bool source_magic_known(const unsigned char *b, size_t n);

#endif
