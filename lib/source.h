/*
 * source.h - byte sources for captures: a plain file, standard input, or a
 * compressed file (gzip, bzip2, xz, zstd, lz4) decompressed as a stream
 * through libarchive's filters, without temporary files.  The result is a
 * FILE stream the capture reader consumes.
 */
#ifndef DNSTS_SOURCE_H
#define DNSTS_SOURCE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

typedef struct source source_t;

/* Open path ("-": standard input).  Compression is recognised by its magic
 * bytes.  Returns 0, or a negative dnsts_err with a one-line reason in
 * errbuf. */
int source_open(source_t **out, const char *path, char *errbuf, size_t errlen);

/* The decompressed stream; owned by the source. */
FILE *source_stream(source_t *s);
bool source_compressed(const source_t *s);
/* Error met while decompressing (truncated or corrupt compressed data), or
 * NULL. */
const char *source_error(const source_t *s);
void source_close(source_t *s);

#endif
