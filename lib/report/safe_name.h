/*
 * safe_name.h - file names made from attacker-chosen text (a zone name,
 * which may hold any byte: '/', "..", NUL as \000, quotes, markup) and
 * files created from them inside one directory only.
 *
 * A name keeps the letters, digits, '-', '_' and inner '.' of the text (at
 * most SAFE_NAME_TEXT of them), every other byte becomes '_', a leading '.'
 * becomes '_', and a hash of the whole text follows ("-" and 16 hex
 * digits), so two texts that read alike after the replacements still get
 * different names.  Files are created with openat() relative to the
 * directory's descriptor, O_CREAT | O_EXCL | O_NOFOLLOW: an existing file or
 * a symbolic link planted under the name is never written through.
 */
#ifndef DNSTS_SAFE_NAME_H
#define DNSTS_SAFE_NAME_H

#include <stddef.h>

#define SAFE_NAME_TEXT 96   /* characters kept of the text */
/* Room safe_file_name needs besides the suffix: text, '-', hash, NUL. */
#define SAFE_NAME_MIN (SAFE_NAME_TEXT + 1 + 16 + 1)

/*
 * out := the safe form of text (textlen bytes, NULs allowed) followed by
 * suffix (the program's own, e.g. ".pcap": copied as given, but it must not
 * hold '/').  Returns the length written, or 0 when outlen is too small for
 * the whole name (out is then "") or suffix holds a '/'.
 */
size_t safe_file_name(const char *text, size_t textlen, const char *suffix, char *out,
		      size_t outlen);

/* Is name a plain file name: not empty, not "." or "..", no '/', no NUL in
 * its length, no leading '.'? */
int safe_name_ok(const char *name);

/*
 * Create name (safe_name_ok) in the directory dirfd refers to, for writing,
 * mode 0644: openat(dirfd, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW |
 * O_CLOEXEC).  Returns the descriptor, or -1 with errno set (EEXIST when the
 * name is taken, by a file or a link; EINVAL for a name that is not plain).
 */
int safe_create_in(int dirfd, const char *name);

/*
 * Open directory path for safe_create_in, creating it (mode 0755) when it
 * does not exist; a symbolic link as the last component is refused
 * (O_NOFOLLOW).  Returns the descriptor or -1 with errno set.
 */
int safe_dir_open(const char *path);

#endif
