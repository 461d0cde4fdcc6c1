/*
 * cli.h - what dnstunnel-scan's own command line needs of libdnsts beyond
 * the public interface (dnsts.h): recognising capture files while it walks
 * directories, and recording the inputs it could not hand to a scanner.
 *
 * Not part of the library's interface: not installed, not exported from the
 * shared library, and free to change with any release.
 */
#ifndef DNSTS_CLI_H
#define DNSTS_CLI_H

#include <dnsts/dnsts.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Do these first bytes start a capture, a compressed file or an archive
 * that dnsts_scan_file() reads?  (n up to 512 bytes helps recognise tar.) */
bool dnsts_magic_known(const unsigned char *b, size_t n);

/* Record an input that could not be scanned at all (a directory that
 * cannot be read or holds no capture), so that the report names it. */
int dnsts_scanner_add_failed_input(dnsts_scanner_t *s, const char *path, const char *reason);

/* Count files skipped because they are not captures (stats.skipped_files). */
void dnsts_scanner_count_skipped(dnsts_scanner_t *s, uint64_t n);

/*
 * Scan inputs once: with on, every input s scans from now on gets a content
 * identity (a hash of its bytes after decompression, computed while they are
 * read), and an input whose content equals an earlier input's, in s or in a
 * scanner s is merged after, is recorded with duplicate_of set and adds
 * nothing to the findings.  Members of an archive are always handled so.
 * Off by default: the hash costs a pass over the bytes, and with one input
 * there is nothing to compare.  No effect in DNS-log mode.
 */
void dnsts_scanner_dedup_inputs(dnsts_scanner_t *s, bool on);

/*
 * Write s's mergeable state (lib/state, doc/STATE-FORMAT.md) to f: its input
 * summaries, counters and aggregates, to be read back as an input by a scan
 * made with the same options.  DNSTS_OK, or an error with a reason in err
 * (DNS-log mode and --per-file have no state).
 */
int dnsts_scanner_save_state(dnsts_scanner_t *s, FILE *f, char *err, size_t errlen);

/* Were the state files a and b (compressed or not, or an archive's first
 * member) made with different options?  1 with the first difference in why
 * ("ports (a: ...; b: ...)"); 0 when they were made alike, or either is no
 * state file (its own reading then decides).  Not thread-safe. */
int dnsts_states_differ(const char *a, const char *b, char *why, size_t len);
/* Is path a state file (compressed or not; its options section readable)? */
int dnsts_is_state_file(const char *path);

/*
 * How the scan was run, for the report's "scan" object: the command line
 * (copied), whether inputs are aggregated apart, the number of workers and
 * the output form ("json", "ndjson", "text").  DNSTS_OK or DNSTS_ENOMEM.
 */
int dnsts_scanner_set_invocation(dnsts_scanner_t *s, int argc, char *const argv[],
				 bool per_file, int jobs, const char *format);

/* The STIX bundle (dnsts_report_stix) marked with the TLP 2.0 level tlp
 * (NULL: amber) and, with clients, naming the client addresses.
 * DNSTS_EINVAL for an unknown level (dnsts_tlp_known). */
int dnsts_report_stix_marked(dnsts_scanner_t *s, FILE *out, const char *tlp, bool clients);
bool dnsts_tlp_known(const char *level);

/* The versions of the libraries in use, one "name: version" line each
 * (libpcap, libarchive with its compressors, libpsl and its list). */
void dnsts_print_library_versions(FILE *out);

#ifdef __cplusplus
}
#endif

#endif
