/* check_util.h - helpers shared by the Check programs. */
#ifndef DNSTS_CHECK_UTIL_H
#define DNSTS_CHECK_UTIL_H

#include <check.h>
#include <stddef.h>
#include <stdint.h>

/* Read a whole file into a malloc'd buffer; NULL if unreadable. */
uint8_t *tu_read_file(const char *path, size_t *len);

/* Parse annotated hex ("de ad be ef ; comment", '#' comments too) into a
 * malloc'd buffer. */
uint8_t *tu_read_hex_file(const char *path, size_t *len);
uint8_t *tu_hex(const char *text, size_t *len);

/* Path of a file under testdata/ (static buffer). */
const char *tu_testdata(const char *rel);
/* Path under the shared corpus, or NULL when the corpus is absent. */
const char *tu_corpus(const char *rel);

/* Run one suite; returns the exit code (0 all passed, 1 failures). */
int tu_run_suite(Suite *s);

#define DNSTS_CHECK_MAIN(suite_fn) \
	int main(void) { return tu_run_suite(suite_fn()); }

#endif
