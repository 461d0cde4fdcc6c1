/*
 * source.c - capture byte sources.  A file's first bytes are sniffed: a
 * compression magic sends it through libarchive (raw format, every filter),
 * presented to the capture reader as a FILE via fopencookie(); anything else
 * is read as it is.  Standard input is sniffed the same way, the sniffed
 * bytes being replayed in front of the rest of the stream.
 */
#include "source.h"

#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <dnsts/dnsts.h>

#define SNIFF_LEN 8

struct source {
	FILE *raw;             /* the file as opened (stdin not closed) */
	bool raw_is_stdin;
	FILE *feed;            /* replaying stream feeding libarchive (stdin) */
	FILE *stream;          /* what the capture reader reads */
	bool compressed;
	struct archive *ar;
	uint8_t sniff[SNIFF_LEN];
	size_t nsniff, sniff_pos; /* replay of sniffed bytes (plain stdin) */
	char error[256];
};

static bool is_compressed(const uint8_t *b, size_t n)
{
	if (n >= 2 && b[0] == 0x1f && b[1] == 0x8b)
		return true; /* gzip */
	if (n >= 3 && memcmp(b, "BZh", 3) == 0)
		return true;
	if (n >= 6 && memcmp(b, "\xfd" "7zXZ\0", 6) == 0)
		return true;
	if (n >= 4 && memcmp(b, "\x28\xb5\x2f\xfd", 4) == 0)
		return true; /* zstd */
	if (n >= 4 && memcmp(b, "\x04\x22\x4d\x18", 4) == 0)
		return true; /* lz4 */
	return false;
}

static ssize_t cookie_read_archive(void *c, char *buf, size_t size)
{
	source_t *s = c;
	la_ssize_t n = archive_read_data(s->ar, buf, size);
	if (n < 0) {
		snprintf(s->error, sizeof s->error, "decompression failed: %s",
			 archive_error_string(s->ar) ? archive_error_string(s->ar) : "corrupt data");
		errno = EIO;
		return -1;
	}
	return n;
}

static ssize_t cookie_read_replay(void *c, char *buf, size_t size)
{
	source_t *s = c;
	if (s->sniff_pos < s->nsniff) {
		size_t n = s->nsniff - s->sniff_pos;
		if (n > size)
			n = size;
		memcpy(buf, s->sniff + s->sniff_pos, n);
		s->sniff_pos += n;
		return (ssize_t)n;
	}
	size_t n = fread(buf, 1, size, s->raw);
	if (n == 0 && ferror(s->raw)) {
		errno = EIO;
		return -1;
	}
	return (ssize_t)n;
}

static int cookie_close(void *c)
{
	(void)c;
	return 0;
}

int source_open(source_t **out, const char *path, char *errbuf, size_t errlen)
{
	*out = NULL;
	source_t *s = calloc(1, sizeof *s);
	if (!s) {
		snprintf(errbuf, errlen, "out of memory");
		return DNSTS_ENOMEM;
	}
	if (strcmp(path, "-") == 0) {
		s->raw = stdin;
		s->raw_is_stdin = true;
	} else {
		s->raw = fopen(path, "rb");
		if (!s->raw) {
			int e = errno;
			snprintf(errbuf, errlen, "%s", strerror(e));
			free(s);
			return e == ENOENT ? DNSTS_ENOENT : DNSTS_EIO;
		}
	}
	s->nsniff = fread(s->sniff, 1, SNIFF_LEN, s->raw);
	if (s->nsniff == 0 && ferror(s->raw)) {
		snprintf(errbuf, errlen, "%s", strerror(errno ? errno : EIO));
		source_close(s);
		return DNSTS_EIO;
	}
	if (is_compressed(s->sniff, s->nsniff)) {
		s->compressed = true;
		s->ar = archive_read_new();
		if (!s->ar) {
			snprintf(errbuf, errlen, "out of memory");
			source_close(s);
			return DNSTS_ENOMEM;
		}
		archive_read_support_filter_all(s->ar);
		archive_read_support_format_raw(s->ar);
		/* rewind what was sniffed: plain files seek, stdin cannot, so the
		 * archive reads through a replaying FILE */
		FILE *feed = s->raw;
		if (!s->raw_is_stdin && fseek(s->raw, 0, SEEK_SET) == 0) {
			s->sniff_pos = s->nsniff;
		} else {
			cookie_io_functions_t io = {.read = cookie_read_replay, .close = cookie_close};
			feed = fopencookie(s, "rb", io);
			s->feed = feed;
		}
		struct archive_entry *ent;
		if (!feed || archive_read_open_FILE(s->ar, feed) != ARCHIVE_OK ||
		    archive_read_next_header(s->ar, &ent) != ARCHIVE_OK) {
			snprintf(errbuf, errlen, "cannot decompress: %s",
				 archive_error_string(s->ar) ? archive_error_string(s->ar)
							     : "unrecognised data");
			if (feed && feed != s->raw)
				s->feed = feed;
			source_close(s);
			return DNSTS_EFORMAT;
		}
		cookie_io_functions_t io = {.read = cookie_read_archive, .close = cookie_close};
		s->stream = fopencookie(s, "rb", io);
	} else if (s->raw_is_stdin) {
		cookie_io_functions_t io = {.read = cookie_read_replay, .close = cookie_close};
		s->stream = fopencookie(s, "rb", io);
	} else {
		if (fseek(s->raw, 0, SEEK_SET) != 0) {
			cookie_io_functions_t io = {.read = cookie_read_replay, .close = cookie_close};
			s->stream = fopencookie(s, "rb", io);
		} else {
			s->stream = s->raw;
		}
	}
	if (!s->stream) {
		snprintf(errbuf, errlen, "out of memory");
		source_close(s);
		return DNSTS_ENOMEM;
	}
	*out = s;
	return DNSTS_OK;
}

FILE *source_stream(source_t *s)
{
	return s->stream;
}

bool source_compressed(const source_t *s)
{
	return s->compressed;
}

const char *source_error(const source_t *s)
{
	return s->error[0] ? s->error : NULL;
}

void source_close(source_t *s)
{
	if (!s)
		return;
	if (s->stream && s->stream != s->raw)
		fclose(s->stream);
	if (s->ar)
		archive_read_free(s->ar);
	if (s->feed)
		fclose(s->feed);
	if (s->raw && !s->raw_is_stdin)
		fclose(s->raw);
	free(s);
}
