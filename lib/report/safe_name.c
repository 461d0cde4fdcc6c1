/*
 * safe_name.c - see safe_name.h.
 */
#include "safe_name.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* FNV-1a, 64 bits: the hash needs no key, only to tell texts apart in a
 * name, and must give the same name in every run. */
static uint64_t fnv1a64(const unsigned char *p, size_t n)
{
	uint64_t h = 0xcbf29ce484222325u;
	for (size_t i = 0; i < n; i++) {
		h ^= p[i];
		h *= 0x100000001b3u;
	}
	return h;
}

static int keep(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '-' || c == '_' || c == '.';
}

size_t safe_file_name(const char *text, size_t textlen, const char *suffix, char *out,
		      size_t outlen)
{
	static const char hexd[] = "0123456789abcdef";
	const unsigned char *t = (const unsigned char *)text;
	size_t slen = suffix ? strlen(suffix) : 0;
	size_t keepn = textlen < SAFE_NAME_TEXT ? textlen : SAFE_NAME_TEXT;
	size_t need = (keepn ? keepn : 1) + 1 + 16 + slen + 1;
	if (outlen)
		out[0] = 0;
	if (need > outlen || (suffix && strchr(suffix, '/')))
		return 0;
	size_t o = 0;
	for (size_t i = 0; i < keepn; i++)
		out[o++] = (char)(keep(t[i]) ? t[i] : '_');
	if (o == 0)
		out[o++] = '_';
	if (out[0] == '.')
		out[0] = '_';
	uint64_t h = fnv1a64(t, textlen);
	out[o++] = '-';
	for (int s = 60; s >= 0; s -= 4)
		out[o++] = hexd[(h >> s) & 15];
	memcpy(out + o, suffix, slen);
	o += slen;
	out[o] = 0;
	return o;
}

int safe_name_ok(const char *name)
{
	return name && name[0] && name[0] != '.' && !strchr(name, '/');
}

int safe_create_in(int dirfd, const char *name)
{
	if (!safe_name_ok(name)) {
		errno = EINVAL;
		return -1;
	}
	return openat(dirfd, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
}

int safe_dir_open(const char *path)
{
	if (mkdir(path, 0755) < 0 && errno != EEXIST)
		return -1;
	return open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
}
