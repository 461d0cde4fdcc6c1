/*
 * source.c - capture byte sources.
 *
 * The first bytes of a path are sniffed.  A pcap or pcapng magic (or a file
 * too short to hold one) is read as it is: the common case costs nothing.
 * Anything else goes through libarchive with every filter and the tar, zip
 * and raw formats: a compressed capture comes out of the raw format as one
 * stream, an archive as one stream per regular member.  Standard input is
 * sniffed the same way, the sniffed bytes being replayed in front of the
 * rest.  Streams reach the capture reader as FILEs made with fopencookie().
 */
#include "source.h"

#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <dnsts/dnsts.h>

#define SNIFF_LEN 8

typedef struct walk {
	FILE *raw;               /* the file as opened (stdin is not closed) */
	bool is_stdin;
	uint8_t sniff[SNIFF_LEN];
	size_t nsniff, sniff_pos;
	struct archive *ar;
	uint8_t head[SNIFF_LEN]; /* first bytes of the current archive entry */
	size_t nhead, head_pos;
	char err[256];           /* decompression error of the current stream */
	FILE *feed;              /* what libarchive reads, through feed_read */
	uint8_t *fbuf;
	bool feed_err;
	sha256_ctx_t sha;        /* of the bytes fed to libarchive */
} walk_t;

#define FEED_BUF (128 * 1024)

bool source_magic_known(const unsigned char *b, size_t n)
{
	static const uint8_t magics[][4] = {
		{0xd4, 0xc3, 0xb2, 0xa1}, {0xa1, 0xb2, 0xc3, 0xd4}, /* pcap, us */
		{0x4d, 0x3c, 0xb2, 0xa1}, {0xa1, 0xb2, 0x3c, 0x4d}, /* pcap, ns */
		{0x0a, 0x0d, 0x0d, 0x0a},                           /* pcapng */
		{0x28, 0xb5, 0x2f, 0xfd},                           /* zstd */
		{0x04, 0x22, 0x4d, 0x18},                           /* lz4 */
		{0x50, 0x4b, 0x03, 0x04},                           /* zip */
	};
	if (n >= 2 && b[0] == 0x1f && b[1] == 0x8b)
		return true; /* gzip */
	if (n >= 3 && memcmp(b, "BZh", 3) == 0)
		return true;
	if (n >= 6 && memcmp(b, "\xfd" "7zXZ\0", 6) == 0)
		return true;
	if (n >= SNIFF_LEN && memcmp(b, SOURCE_STATE_MAGIC, SNIFF_LEN) == 0)
		return true;
	if (n < 4)
		return false;
	for (size_t i = 0; i < sizeof magics / sizeof magics[0]; i++)
		if (memcmp(b, magics[i], 4) == 0)
			return true;
	return n >= 262 && memcmp(b + 257, "ustar", 5) == 0; /* tar */
}

static bool plain_capture(const uint8_t *b, size_t n)
{
	static const uint8_t magics[][4] = {
		{0xd4, 0xc3, 0xb2, 0xa1}, {0xa1, 0xb2, 0xc3, 0xd4},
		{0x4d, 0x3c, 0xb2, 0xa1}, {0xa1, 0xb2, 0x3c, 0x4d},
		{0x0a, 0x0d, 0x0d, 0x0a},
	};
	if (n < 4)
		return true; /* too short for anything: let the reader say so */
	for (size_t i = 0; i < sizeof magics / sizeof magics[0]; i++)
		if (memcmp(b, magics[i], 4) == 0)
			return true;
	return false;
}

/* raw bytes: replay the sniffed ones, then the rest of the file */
static ssize_t replay_read(void *c, char *buf, size_t size)
{
	walk_t *w = c;
	if (w->sniff_pos < w->nsniff) {
		size_t n = w->nsniff - w->sniff_pos;
		if (n > size)
			n = size;
		memcpy(buf, w->sniff + w->sniff_pos, n);
		w->sniff_pos += n;
		return (ssize_t)n;
	}
	size_t n = fread(buf, 1, size, w->raw);
	if (n == 0 && ferror(w->raw)) {
		errno = EIO;
		return -1;
	}
	return (ssize_t)n;
}

/* decompressed bytes of the current archive entry */
static ssize_t archive_cookie_read(void *c, char *buf, size_t size)
{
	walk_t *w = c;
	if (w->head_pos < w->nhead) {
		size_t k = w->nhead - w->head_pos;
		if (k > size)
			k = size;
		memcpy(buf, w->head + w->head_pos, k);
		w->head_pos += k;
		return (ssize_t)k;
	}
	la_ssize_t n = archive_read_data(w->ar, buf, size);
	if (n < 0) {
		const char *e = archive_error_string(w->ar);
		snprintf(w->err, sizeof w->err, "decompression failed: %s", e ? e : "corrupt data");
		errno = EIO;
		return -1;
	}
	return n;
}

/* libarchive's input: the stored bytes, hashed on the way */
static la_ssize_t feed_read(struct archive *a, void *ud, const void **buf)
{
	walk_t *w = ud;
	size_t n = fread(w->fbuf, 1, FEED_BUF, w->feed);
	if (n == 0 && ferror(w->feed)) {
		w->feed_err = true;
		archive_set_error(a, EIO, "read error");
		return -1;
	}
	sha256_update(&w->sha, w->fbuf, n);
	*buf = w->fbuf;
	return (la_ssize_t)n;
}

bool source_stream_sha256(source_stream_t *st, uint8_t out[SHA256_LEN])
{
	walk_t *w = st->priv;
	if (w && !w->ar && !w->is_stdin && st->fp == w->raw) {
		/* a plain file the capture reader could not hash: read it again */
		sha256_ctx_t c;
		uint8_t buf[16384];
		size_t n;
		if (fseek(w->raw, 0, SEEK_SET) != 0)
			return false;
		sha256_init(&c);
		while ((n = fread(buf, 1, sizeof buf, w->raw)) > 0)
			sha256_update(&c, buf, n);
		if (ferror(w->raw))
			return false;
		sha256_final(&c, out);
		return true;
	}
	if (!w || !w->ar || st->member)
		return false; /* archive members: the capture reader's digest */
	char tmp[16384];
	while (archive_read_data(w->ar, tmp, sizeof tmp) > 0)
		;
	for (;;) {
		size_t n = fread(w->fbuf, 1, FEED_BUF, w->feed);
		if (n == 0)
			break;
		sha256_update(&w->sha, w->fbuf, n);
	}
	if (w->feed_err || ferror(w->feed))
		return false;
	sha256_final(&w->sha, out);
	return true;
}

static int cookie_close(void *c)
{
	(void)c;
	return 0;
}

const char *source_stream_error(const source_stream_t *st)
{
	const walk_t *w = st->priv;
	return w && w->err[0] ? w->err : NULL;
}

static FILE *replay_stream(walk_t *w)
{
	cookie_io_functions_t io = {.read = replay_read, .close = cookie_close};
	return fopencookie(w, "rb", io);
}

static int walk_archive(walk_t *w, const char *path, source_fn fn, void *ud, size_t *nstreams,
			char *errbuf, size_t errlen)
{
	int rc = DNSTS_OK;
	FILE *feed = NULL;
	w->ar = archive_read_new();
	if (!w->ar) {
		snprintf(errbuf, errlen, "out of memory");
		return DNSTS_ENOMEM;
	}
	archive_read_support_filter_all(w->ar);
	archive_read_support_format_tar(w->ar);
	archive_read_support_format_zip(w->ar);
	archive_read_support_format_raw(w->ar);
	if (!w->is_stdin && fseek(w->raw, 0, SEEK_SET) == 0) {
		w->sniff_pos = w->nsniff;
		feed = w->raw;
	} else {
		feed = replay_stream(w);
	}
	w->feed = feed;
	w->feed_err = false;
	sha256_init(&w->sha);
	if (feed && !w->fbuf)
		w->fbuf = malloc(FEED_BUF);
	if (!feed || !w->fbuf ||
	    archive_read_open(w->ar, w, NULL, feed_read, NULL) != ARCHIVE_OK) {
		const char *e = archive_error_string(w->ar);
		snprintf(errbuf, errlen, "cannot read: %s", e ? e : "unrecognised data");
		rc = DNSTS_EFORMAT;
		goto out;
	}
	struct archive_entry *ent;
	for (;;) {
		int r = archive_read_next_header(w->ar, &ent);
		if (r == ARCHIVE_EOF)
			break;
		if (r < ARCHIVE_WARN) {
			const char *e = archive_error_string(w->ar);
			snprintf(errbuf, errlen, "%s%s", *nstreams ? "archive damaged: " : "cannot read: ",
				 e ? e : "corrupt data");
			rc = DNSTS_EFORMAT;
			break;
		}
		bool raw = archive_format(w->ar) == ARCHIVE_FORMAT_RAW;
		if (!raw && archive_entry_filetype(ent) != AE_IFREG)
			continue;
		char name[4096];
		if (raw)
			snprintf(name, sizeof name, "%s", path);
		else
			snprintf(name, sizeof name, "%s:%s", path, archive_entry_pathname(ent));
		cookie_io_functions_t io = {.read = archive_cookie_read, .close = cookie_close};
		FILE *fp = fopencookie(w, "rb", io);
		if (!fp) {
			snprintf(errbuf, errlen, "out of memory");
			rc = DNSTS_ENOMEM;
			break;
		}
		w->err[0] = 0;
		/* the entry's first bytes, replayed in front of the rest: a state
		 * file is told from a capture by them */
		w->nhead = w->head_pos = 0;
		while (w->nhead < SNIFF_LEN) {
			la_ssize_t k = archive_read_data(w->ar, w->head + w->nhead, SNIFF_LEN - w->nhead);
			if (k <= 0)
				break;
			w->nhead += (size_t)k;
		}
		bool state = w->nhead == SNIFF_LEN &&
			     memcmp(w->head, SOURCE_STATE_MAGIC, SNIFF_LEN) == 0;
		source_stream_t st = {fp, name, archive_filter_count(w->ar) > 1 || !raw, !raw, state,
				      w};
		(*nstreams)++;
		int stop = fn(ud, &st);
		fclose(fp);
		if (stop || raw)
			break;
	}
out:
	archive_read_free(w->ar);
	w->ar = NULL;
	free(w->fbuf);
	w->fbuf = NULL;
	if (feed && feed != w->raw)
		fclose(feed);
	return rc;
}

int source_walk(const char *path, source_fn fn, void *ud, size_t *nstreams, char *errbuf,
		size_t errlen)
{
	walk_t w;
	memset(&w, 0, sizeof w);
	*nstreams = 0;
	if (strcmp(path, "-") == 0) {
		w.raw = stdin;
		w.is_stdin = true;
	} else {
		w.raw = fopen(path, "rb");
		if (!w.raw) {
			int e = errno;
			snprintf(errbuf, errlen, "%s", strerror(e));
			return e == ENOENT ? DNSTS_ENOENT : DNSTS_EIO;
		}
	}
	w.nsniff = fread(w.sniff, 1, SNIFF_LEN, w.raw);
	int rc = DNSTS_OK;
	if (w.nsniff == 0 && ferror(w.raw)) {
		snprintf(errbuf, errlen, "%s", strerror(errno ? errno : EIO));
		rc = DNSTS_EIO;
	} else if (plain_capture(w.sniff, w.nsniff)) {
		FILE *fp = NULL;
		if (!w.is_stdin && fseek(w.raw, 0, SEEK_SET) == 0)
			fp = w.raw;
		else
			fp = replay_stream(&w);
		if (!fp) {
			snprintf(errbuf, errlen, "out of memory");
			rc = DNSTS_ENOMEM;
		} else {
			source_stream_t st = {fp, path, false, false, false, &w};
			(*nstreams)++;
			fn(ud, &st);
			if (fp != w.raw)
				fclose(fp);
		}
	} else {
		rc = walk_archive(&w, path, fn, ud, nstreams, errbuf, errlen);
	}
	if (!w.is_stdin)
		fclose(w.raw);
	return rc;
}
