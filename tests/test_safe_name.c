/*
 * test_safe_name.c - file names from hostile zone names (report/safe_name.h):
 * no separator, no leading dot, bounded length, distinct texts give distinct
 * names; files are created only inside the directory, never through a
 * planted symbolic link and never over an existing file.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check_util.h"
#include "safe_name.h"

static void check_plain(const char *name)
{
	ck_assert_msg(safe_name_ok(name), "not plain: \"%s\"", name);
	for (const char *p = name; *p; p++)
		ck_assert_msg((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
				      (*p >= '0' && *p <= '9') || strchr("-_.", *p),
			      "byte 0x%02x in \"%s\"", (unsigned char)*p, name);
}

START_TEST(hostile_texts)
{
	static const char *texts[] = {
		"../../etc/passwd", "..", ".", "/", "a/b", ".hidden.example",
		"<script>alert(1)</script>.evil", "\"'`;|&$(x)", "t.cdn-update.net", "",
		"\\000.x", "a\\047b.example",
	};
	char out[256];
	for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++) {
		size_t n = safe_file_name(texts[i], strlen(texts[i]), ".pcap", out, sizeof out);
		ck_assert_uint_gt(n, 0);
		ck_assert_uint_eq(n, strlen(out));
		check_plain(out);
		ck_assert_str_eq(out + n - 5, ".pcap");
	}
	/* NUL bytes inside the text */
	size_t n = safe_file_name("a\0/b", 4, ".pcap", out, sizeof out);
	ck_assert_uint_gt(n, 0);
	check_plain(out);
	ck_assert(strncmp(out, "a__b-", 5) == 0);
	/* kept as it reads when it is already plain */
	n = safe_file_name("t.cdn-update.net", 16, ".pcap", out, sizeof out);
	ck_assert(strncmp(out, "t.cdn-update.net-", 17) == 0);
	ck_assert_uint_eq(n, 16 + 1 + 16 + 5);
}
END_TEST

START_TEST(distinct_and_bounded)
{
	char a[256], b[256], big[1000];
	/* alike after replacement, told apart by the hash */
	safe_file_name("a/b", 3, "", a, sizeof a);
	safe_file_name("a_b", 3, "", b, sizeof b);
	ck_assert_str_ne(a, b);
	/* the same text gives the same name */
	safe_file_name("a/b", 3, "", b, sizeof b);
	ck_assert_str_eq(a, b);
	memset(big, 'x', sizeof big);
	size_t n = safe_file_name(big, sizeof big, ".pcap", a, sizeof a);
	ck_assert_uint_eq(n, SAFE_NAME_TEXT + 1 + 16 + 5);
	big[999] = 'y';
	safe_file_name(big, sizeof big, ".pcap", b, sizeof b);
	ck_assert_str_ne(a, b);
	/* too little room: nothing, not a cut name */
	ck_assert_uint_eq(safe_file_name("abc", 3, ".pcap", a, 20), 0);
	ck_assert_str_eq(a, "");
	ck_assert_uint_eq(safe_file_name("abc", 3, "/x", a, sizeof a), 0);
}
END_TEST

START_TEST(create_inside_only)
{
	char dir[] = "/tmp/dnsts-safe-XXXXXX";
	ck_assert_ptr_nonnull(mkdtemp(dir));
	char sub[64], victim[80], link[96];
	snprintf(sub, sizeof sub, "%s/out", dir);
	snprintf(victim, sizeof victim, "%s/victim", dir);
	int dfd = safe_dir_open(sub); /* created */
	ck_assert_int_ge(dfd, 0);
	int fd = safe_create_in(dfd, "f.pcap");
	ck_assert_int_ge(fd, 0);
	close(fd);
	/* no overwriting */
	errno = 0;
	ck_assert_int_eq(safe_create_in(dfd, "f.pcap"), -1);
	ck_assert_int_eq(errno, EEXIST);
	/* no following a link planted under the name */
	fd = open(victim, O_WRONLY | O_CREAT, 0644);
	ck_assert_int_ge(fd, 0);
	close(fd);
	snprintf(link, sizeof link, "%s/l.pcap", sub);
	ck_assert_int_eq(symlink(victim, link), 0);
	ck_assert_int_eq(safe_create_in(dfd, "l.pcap"), -1);
	/* names that are not plain are refused */
	ck_assert_int_eq(safe_create_in(dfd, "../escape"), -1);
	ck_assert_int_eq(errno, EINVAL);
	ck_assert_int_eq(safe_create_in(dfd, ".."), -1);
	ck_assert_int_eq(safe_create_in(dfd, ""), -1);
	ck_assert_int_eq(access("/tmp/escape", F_OK), -1);
	close(dfd);
	/* a link as the directory itself is refused */
	char ldir[96];
	snprintf(ldir, sizeof ldir, "%s/ldir", dir);
	ck_assert_int_eq(symlink(sub, ldir), 0);
	ck_assert_int_eq(safe_dir_open(ldir), -1);
	struct stat st;
	ck_assert_int_eq(stat(victim, &st), 0);
	ck_assert_int_eq(st.st_size, 0);
	unlink(ldir);
	unlink(link);
	unlink(victim);
	snprintf(link, sizeof link, "%s/f.pcap", sub);
	unlink(link);
	rmdir(sub);
	rmdir(dir);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("safe_name");
	TCase *tc = tcase_create("core");
	tcase_add_test(tc, hostile_texts);
	tcase_add_test(tc, distinct_and_bounded);
	tcase_add_test(tc, create_inside_only);
	suite_add_tcase(s, tc);
	return s;
}

DNSTS_CHECK_MAIN(suite)
