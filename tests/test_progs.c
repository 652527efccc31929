// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * test_progs: runs every named test of tests/unit and tests/bpf.
 *
 *   test_progs [-v] [-l] [-t NAME[/SUB][,NAME...]] [-b NAME[,NAME...]]
 *
 * Each top-level test runs in a forked child so that a crash in one test is
 * reported as that test's failure and the run goes on.  The child reports its
 * counts through a pipe.  A test with subtests counts each subtest; a test
 * without counts once.  The last line is "N passed, N failed, N skipped".
 */
#include <fnmatch.h>
#include <getopt.h>
#include <signal.h>
#include <stdarg.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "tests/test_progs.h"

struct test_env env;

struct prog_test_def {
	const char *name;
	void (*run)(void);
};

static const struct prog_test_def prog_test_defs[] = {
#define DEFINE_TEST(name) { #name, test_##name },
#include "tests.h"
#undef DEFINE_TEST
};

#define N_TESTS (sizeof(prog_test_defs) / sizeof(prog_test_defs[0]))

struct counts {
	int passed, failed, skipped;
};

/* State of the test running in this (child) process. */
static struct {
	const char *test_name;
	const char *subtest_name;	/* NULL when no subtest is open */
	bool sub_failed, sub_skipped;
	bool test_failed, test_skipped;
	bool had_subtests;
	int asserts;
	struct counts c;
} cur;

/* -t / -b filters: comma-separated globs, NAME or NAME/SUBNAME. */
static char **allow, **deny;
static int n_allow, n_deny;

static void add_filters(char ***list, int *n, const char *arg)
{
	char *s = strdup(arg), *save = NULL, *tok;

	for (tok = strtok_r(s, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		*list = realloc(*list, sizeof(char *) * (*n + 1));
		(*list)[(*n)++] = strdup(tok);
	}
	free(s);
}

/* Does filter F select test T (and, when S is non-NULL, subtest S)? */
static bool filter_match(const char *f, const char *t, const char *s)
{
	const char *slash = strchr(f, '/');
	char tpart[256];

	if (!slash)
		return fnmatch(f, t, 0) == 0 || (!strchr(f, '*') && strstr(t, f));
	snprintf(tpart, sizeof(tpart), "%.*s", (int)(slash - f), f);
	if (fnmatch(tpart, t, 0) != 0)
		return false;
	if (!s)
		return true;
	return fnmatch(slash + 1, s, 0) == 0 || strstr(s, slash + 1);
}

static bool selected(const char *t, const char *s)
{
	int i;
	bool ok = n_allow == 0;

	for (i = 0; i < n_allow && !ok; i++)
		ok = filter_match(allow[i], t, s);
	for (i = 0; i < n_deny && ok; i++) {
		/* A plain -b NAME denies the whole test; NAME/SUB one subtest. */
		if (strchr(deny[i], '/') ? (s && filter_match(deny[i], t, s))
					 : filter_match(deny[i], t, NULL))
			ok = false;
	}
	return ok;
}

static void end_subtest(void)
{
	if (!cur.subtest_name)
		return;
	if (cur.sub_failed) {
		cur.c.failed++;
		printf("#%s/%s:FAIL\n", cur.test_name, cur.subtest_name);
	} else if (cur.sub_skipped) {
		cur.c.skipped++;
		printf("#%s/%s:SKIP\n", cur.test_name, cur.subtest_name);
	} else {
		cur.c.passed++;
		if (env.verbose)
			printf("#%s/%s:OK\n", cur.test_name, cur.subtest_name);
	}
	fflush(stdout);
	free((char *)cur.subtest_name);
	cur.subtest_name = NULL;
}

bool test__start_subtest(const char *name)
{
	end_subtest();
	if (!selected(cur.test_name, name))
		return false;
	cur.had_subtests = true;
	cur.subtest_name = strdup(name);
	cur.sub_failed = cur.sub_skipped = false;
	return true;
}

void test__fail(void)
{
	if (cur.subtest_name)
		cur.sub_failed = true;
	else
		cur.test_failed = true;
}

void test__skip(const char *fmt, ...)
{
	va_list ap;

	printf("%s%s%s: SKIP: ", cur.test_name, cur.subtest_name ? "/" : "",
	       cur.subtest_name ? cur.subtest_name : "");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	if (cur.subtest_name)
		cur.sub_skipped = true;
	else
		cur.test_skipped = true;
}

void test__assert_done(void)
{
	cur.asserts++;
}

static void run_child(const struct prog_test_def *t, int wfd)
{
	memset(&cur, 0, sizeof(cur));
	cur.test_name = t->name;
	t->run();
	end_subtest();
	/* Failures outside any subtest fail the test as one more unit. */
	if (cur.test_failed)
		cur.c.failed++;
	else if (!cur.had_subtests) {
		if (cur.test_skipped)
			cur.c.skipped++;
		else
			cur.c.passed++;
	}
	fflush(stdout);
	if (write(wfd, &cur.c, sizeof(cur.c)) != sizeof(cur.c))
		_exit(3);
	_exit(0);
}

static int run_one(const struct prog_test_def *t, struct counts *total)
{
	struct counts c = { 0 };
	struct timespec t0, t1;
	int pfd[2], status = 0;
	ssize_t n;
	pid_t pid;

	if (pipe(pfd))
		return -errno;
	fflush(stdout);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	pid = fork();
	if (pid < 0)
		return -errno;
	if (pid == 0) {
		close(pfd[0]);
		run_child(t, pfd[1]);
	}
	close(pfd[1]);
	n = read(pfd[0], &c, sizeof(c));
	close(pfd[0]);
	waitpid(pid, &status, 0);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	if (n != sizeof(c) || !WIFEXITED(status) || WEXITSTATUS(status)) {
		printf("%s: crashed or exited early (status 0x%x)\n", t->name, status);
		c.failed++;
	}
	printf("#%-40s %s (%d ok, %d fail, %d skip; %.2fs)\n", t->name,
	       c.failed ? "FAIL" : c.passed ? "OK" : "SKIP", c.passed, c.failed,
	       c.skipped, (t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9);
	fflush(stdout);
	total->passed += c.passed;
	total->failed += c.failed;
	total->skipped += c.skipped;
	return 0;
}

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: test_progs [-v] [-l] [-t FILTER] [-b FILTER]\n"
		"  -t NAME[/SUB][,..]  run only the tests (or subtests) matching\n"
		"  -b NAME[/SUB][,..]  skip the tests (or subtests) matching\n"
		"  -l                  list the tests and exit\n"
		"  -v                  verbose: print every passing assertion\n"
		"Filters are shell globs or substrings.  The last line is\n"
		"\"N passed, N failed, N skipped\"; the exit status is 1 if any failed.\n");
}

int main(int argc, char **argv)
{
	struct counts total = { 0 };
	bool list = false;
	size_t i;
	int opt;

	while ((opt = getopt(argc, argv, "vlt:b:h")) != -1) {
		switch (opt) {
		case 'v': env.verbose = true; break;
		case 'l': list = true; break;
		case 't': add_filters(&allow, &n_allow, optarg); break;
		case 'b': add_filters(&deny, &n_deny, optarg); break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
	}
	env.has_root = geteuid() == 0;
	env.srcdir = getenv("OVNBPF_SRCDIR") ? getenv("OVNBPF_SRCDIR") : ".";
	env.builddir = getenv("OVNBPF_BUILDDIR") ? getenv("OVNBPF_BUILDDIR") : "build";
	signal(SIGPIPE, SIG_IGN);
	setvbuf(stdout, NULL, _IOLBF, 0);

	for (i = 0; i < N_TESTS; i++) {
		const struct prog_test_def *t = &prog_test_defs[i];
		bool any = n_allow == 0;
		int k;

		/* A test runs if a filter names it, or names one of its subtests. */
		for (k = 0; k < n_allow && !any; k++) {
			char tpart[256];
			const char *slash = strchr(allow[k], '/');

			snprintf(tpart, sizeof(tpart), "%.*s",
				 slash ? (int)(slash - allow[k]) : (int)strlen(allow[k]), allow[k]);
			any = filter_match(tpart, t->name, NULL);
		}
		for (k = 0; k < n_deny && any; k++)
			if (!strchr(deny[k], '/') && filter_match(deny[k], t->name, NULL))
				any = false;
		if (!any)
			continue;
		if (list) {
			printf("%s\n", t->name);
			continue;
		}
		if (run_one(t, &total))
			total.failed++;
	}
	if (list)
		return 0;
	printf("%d passed, %d failed, %d skipped\n", total.passed, total.failed,
	       total.skipped);
	return total.failed ? 1 : 0;
}
