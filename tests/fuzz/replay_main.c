/*
 * replay_main.c - run a fuzz target without libFuzzer.
 *
 * Every argument is a file or a folder; each file (and each regular file of
 * a folder, not recursing, dot files skipped) is read whole and handed to
 * LLVMFuzzerTestOneInput() once.  A folder that does not exist is skipped
 * (a target may have no regression inputs yet).  A crash or sanitizer
 * report ends the program with an error, which is what the ctest replay
 * tests look for; the file being run is printed first so that it can be
 * named.  Built with any compiler, so every ordinary build replays the seed
 * corpus and the regression inputs.
 */
#include <dirent.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int run_file(const char *path, int verbose)
{
	FILE *f = fopen(path, "rb");
	if (!f) {
		fprintf(stderr, "%s: %s\n", path, strerror(errno));
		return -1;
	}
	size_t cap = 4096, n = 0;
	uint8_t *buf = malloc(cap);
	for (;;) {
		if (!buf) {
			fclose(f);
			fprintf(stderr, "%s: out of memory\n", path);
			return -1;
		}
		n += fread(buf + n, 1, cap - n, f);
		if (n < cap)
			break;
		uint8_t *nb = realloc(buf, cap * 2);
		if (!nb)
			free(buf);
		buf = nb;
		cap *= 2;
	}
	int bad = ferror(f);
	fclose(f);
	if (bad) {
		free(buf);
		fprintf(stderr, "%s: read error\n", path);
		return -1;
	}
	if (verbose)
		fprintf(stderr, "running %s (%zu bytes)\n", path, n);
	/* an exact-size copy so that ASan sees reads past the end */
	uint8_t *exact = malloc(n ? n : 1);
	if (!exact) {
		free(buf);
		return -1;
	}
	memcpy(exact, buf, n);
	free(buf);
	LLVMFuzzerTestOneInput(exact, n);
	free(exact);
	return 0;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int run_dir(const char *dir, int verbose, size_t *count)
{
	DIR *d = opendir(dir);
	if (!d) {
		fprintf(stderr, "%s: %s (skipped)\n", dir, strerror(errno));
		return 0;
	}
	char **names = NULL;
	size_t n = 0, cap = 0;
	int rc = 0;
	struct dirent *e;
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		if (n == cap) {
			cap = cap ? cap * 2 : 64;
			char **nn = realloc(names, cap * sizeof *names);
			if (!nn) {
				rc = -1;
				break;
			}
			names = nn;
		}
		if (!(names[n] = strdup(e->d_name))) {
			rc = -1;
			break;
		}
		n++;
	}
	closedir(d);
	if (n)
		qsort(names, n, sizeof *names, cmp_str);
	for (size_t i = 0; i < n; i++) {
		char path[4096];
		struct stat sb;
		snprintf(path, sizeof path, "%s/%s", dir, names[i]);
		if (rc == 0 && stat(path, &sb) == 0 && S_ISREG(sb.st_mode)) {
			if (run_file(path, verbose) < 0)
				rc = -1;
			else
				(*count)++;
		}
		free(names[i]);
	}
	free(names);
	return rc;
}

int main(int argc, char **argv)
{
	int verbose = getenv("REPLAY_VERBOSE") != NULL;
	size_t count = 0;
	int rc = 0;
	for (int i = 1; i < argc; i++) {
		struct stat sb;
		if (stat(argv[i], &sb) == 0 && S_ISDIR(sb.st_mode)) {
			if (run_dir(argv[i], verbose, &count) < 0)
				rc = 1;
		} else if (stat(argv[i], &sb) == 0) {
			if (run_file(argv[i], verbose) < 0)
				rc = 1;
			else
				count++;
		} else {
			fprintf(stderr, "%s: %s (skipped)\n", argv[i], strerror(errno));
		}
	}
	printf("%zu inputs replayed\n", count);
	return rc;
}
