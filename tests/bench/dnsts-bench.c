/*
 * dnsts-bench - measure dnstunnel-scan against the libpcap read-loop floor.
 *
 *   dnsts-bench [-n PAIRS] [-a "SCANNER ARGS"] SCANNER CAPTURE
 *
 * Runs, in alternation, a plain pcap_next_ex loop over CAPTURE (this
 * program re-executed with --floor) and SCANNER [ARGS] CAPTURE with its
 * output to /dev/null, after one unpaired warm-up of each.  Each run is a
 * child process timed by the wall clock, with its peak RSS from wait4().
 * Pairing cancels the machine's drift; the figure to quote is the median of
 * the per-pair ratios scanner/floor, given with its min and max.
 */
#include <errno.h>
#include <fcntl.h>
#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MAX_PAIRS 101
#define MAX_ARGS 32

static int floor_loop(const char *path)
{
	char err[PCAP_ERRBUF_SIZE];
	pcap_t *p = pcap_open_offline(path, err);
	if (!p) {
		fprintf(stderr, "dnsts-bench: %s: %s\n", path, err);
		return 2;
	}
	struct pcap_pkthdr *h;
	const u_char *d;
	unsigned long long n = 0, bytes = 0, check = 0;
	while (pcap_next_ex(p, &h, &d) == 1) {
		n++;
		bytes += h->caplen;
		if (h->caplen)
			check += d[h->caplen - 1];
	}
	pcap_close(p);
	printf("%llu %llu %llu\n", n, bytes, check);
	return 0;
}

typedef struct run {
	double wall;
	long maxrss_kib;
	int status;
} run_t;

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static run_t run_child(char *const argv[])
{
	run_t r = {0, 0, -1};
	double t0 = now();
	pid_t pid = fork();
	if (pid < 0) {
		perror("fork");
		exit(2);
	}
	if (pid == 0) {
		int fd = open("/dev/null", O_WRONLY);
		if (fd >= 0) {
			dup2(fd, 1);
			close(fd);
		}
		execv(argv[0], argv);
		_exit(127);
	}
	struct rusage ru;
	int st;
	while (wait4(pid, &st, 0, &ru) < 0 && errno == EINTR)
		;
	r.wall = now() - t0;
	r.maxrss_kib = ru.ru_maxrss;
	r.status = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
	return r;
}

static int cmp_dbl(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

static double median(double *v, int n)
{
	qsort(v, (size_t)n, sizeof *v, cmp_dbl);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

static unsigned long long count_packets(const char *path)
{
	char err[PCAP_ERRBUF_SIZE];
	pcap_t *p = pcap_open_offline(path, err);
	if (!p)
		return 0;
	struct pcap_pkthdr *h;
	const u_char *d;
	unsigned long long n = 0;
	while (pcap_next_ex(p, &h, &d) == 1)
		n++;
	pcap_close(p);
	return n;
}

int main(int argc, char **argv)
{
	if (argc == 3 && strcmp(argv[1], "--floor") == 0)
		return floor_loop(argv[2]);

	int pairs = 5;
	char *extra = NULL;
	int c;
	while ((c = getopt(argc, argv, "n:a:h")) != -1) {
		switch (c) {
		case 'n':
			pairs = atoi(optarg);
			break;
		case 'a':
			extra = optarg;
			break;
		default:
			fprintf(stderr, "usage: dnsts-bench [-n PAIRS] [-a \"SCANNER ARGS\"] SCANNER "
					"CAPTURE\n");
			return c == 'h' ? 0 : 2;
		}
	}
	if (argc - optind != 2 || pairs < 1 || pairs > MAX_PAIRS) {
		fprintf(stderr, "usage: dnsts-bench [-n PAIRS 1..%d] [-a \"SCANNER ARGS\"] SCANNER "
				"CAPTURE\n", MAX_PAIRS);
		return 2;
	}
	char *scanner = argv[optind], *capture = argv[optind + 1];
	struct stat st;
	if (stat(capture, &st) != 0) {
		fprintf(stderr, "dnsts-bench: %s: %s\n", capture, strerror(errno));
		return 2;
	}

	char self[4096];
	ssize_t sl = readlink("/proc/self/exe", self, sizeof self - 1);
	if (sl < 0) {
		perror("readlink");
		return 2;
	}
	self[sl] = 0;
	char *floor_argv[] = {self, "--floor", capture, NULL};

	char *scan_argv[MAX_ARGS + 3];
	int na = 0;
	scan_argv[na++] = scanner;
	char *extra_text = extra ? strdup(extra) : NULL;
	if (extra) {
		for (char *tok = strtok(extra, " "); tok && na < MAX_ARGS; tok = strtok(NULL, " "))
			scan_argv[na++] = tok;
	}
	scan_argv[na++] = capture;
	scan_argv[na] = NULL;

	/* warm-up, unpaired */
	run_child(floor_argv);
	run_t w = run_child(scan_argv);
	if (w.status > 1) {
		fprintf(stderr, "dnsts-bench: %s exited with status %d\n", scanner, w.status);
		return 2;
	}

	double fw[MAX_PAIRS], sw[MAX_PAIRS], ratio[MAX_PAIRS];
	long frss = 0, srss = 0;
	for (int i = 0; i < pairs; i++) {
		run_t f = run_child(floor_argv);
		run_t s = run_child(scan_argv);
		fw[i] = f.wall;
		sw[i] = s.wall;
		ratio[i] = s.wall / f.wall;
		if (f.maxrss_kib > frss)
			frss = f.maxrss_kib;
		if (s.maxrss_kib > srss)
			srss = s.maxrss_kib;
	}
	double rmin = ratio[0], rmax = ratio[0];
	for (int i = 1; i < pairs; i++) {
		if (ratio[i] < rmin)
			rmin = ratio[i];
		if (ratio[i] > rmax)
			rmax = ratio[i];
	}
	unsigned long long pk = count_packets(capture);
	double fmed = median(fw, pairs), smed = median(sw, pairs), rmed = median(ratio, pairs);
	double mb = (double)st.st_size / 1e6;
	printf("capture        %s (%.1f MB, %llu packets)\n", capture, mb, pk);
	printf("scanner        %s%s%s\n", scanner, extra_text ? " " : "",
	       extra_text ? extra_text : "");
	printf("pairs          %d (after one warm-up)\n", pairs);
	printf("floor wall     %.3f s median  %.1f MB/s  %.2f Mpkt/s  peak RSS %.1f MiB\n", fmed,
	       mb / fmed, (double)pk / fmed / 1e6, (double)frss / 1024);
	printf("scanner wall   %.3f s median  %.1f MB/s  %.2f Mpkt/s  peak RSS %.1f MiB\n", smed,
	       mb / smed, (double)pk / smed / 1e6, (double)srss / 1024);
	printf("ratio          %.2f x floor (paired median; min %.2f, max %.2f)\n", rmed, rmin, rmax);
	free(extra_text);
	return 0;
}
