/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * The ovnbpf test runner, in the style of the kernel's test_progs.
 *
 * A test is a function `void test_NAME(void)` in tests/unit/ or tests/bpf/;
 * the Makefile collects them into build/tests.h.  Inside a test, subtests are
 * opened with test__start_subtest("name") (skip the body when it returns
 * false: the -t filter did not select it).  ASSERT_* macros print what failed
 * and where and mark the current (sub)test failed; they return the truth of
 * the assertion so a test can bail out early:
 *
 *	if (!ASSERT_OK_PTR(skel, "skel_open_and_load"))
 *		goto cleanup;
 */
#ifndef __OVNBPF_TEST_PROGS_H
#define __OVNBPF_TEST_PROGS_H

#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct test_env {
	bool verbose;
	bool has_root;		/* CAP_BPF/CAP_NET_ADMIN available */
	const char *srcdir;	/* top of the source tree */
	const char *builddir;	/* build output directory */
};

extern struct test_env env;

/* Prototypes of every test, from the generated list. */
#define DEFINE_TEST(name) void test_##name(void);
#include "tests.h"
#undef DEFINE_TEST

bool test__start_subtest(const char *name);
void test__fail(void);
/* Mark the current (sub)test skipped, with the reason printed. */
void test__skip(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Count one assertion for the current test (for the -v summary). */
void test__assert_done(void);

#define _CHECK(condition, tag, format...) ({				\
	int ___fail = !!(condition);					\
	test__assert_done();						\
	if (___fail) {							\
		test__fail();						\
		fprintf(stdout, "%s:%d: %s: FAIL: ", __FILE__, __LINE__, \
			tag);						\
		fprintf(stdout, ##format);				\
	} else if (env.verbose) {					\
		fprintf(stdout, "%s:%d: %s: ok\n", __FILE__, __LINE__, tag); \
	}								\
	___fail;							\
})

#define ASSERT_TRUE(actual, name) ({					\
	bool ___a = (actual);						\
	!_CHECK(!___a, (name), "unexpected false\n");			\
})

#define ASSERT_FALSE(actual, name) ({					\
	bool ___a = (actual);						\
	!_CHECK(___a, (name), "unexpected true\n");			\
})

#define ASSERT_EQ(actual, expected, name) ({				\
	typeof(actual) ___a = (actual);					\
	typeof(expected) ___e = (expected);				\
	!_CHECK(___a != ___e, (name),					\
		"unexpected %s: actual %lld != expected %lld\n",	\
		#actual, (long long)___a, (long long)___e);		\
})

#define ASSERT_NEQ(actual, expected, name) ({				\
	typeof(actual) ___a = (actual);					\
	typeof(expected) ___e = (expected);				\
	!_CHECK(___a == ___e, (name),					\
		"unexpected %s: actual %lld == expected %lld\n",	\
		#actual, (long long)___a, (long long)___e);		\
})

#define ASSERT_LT(actual, expected, name) ({				\
	typeof(actual) ___a = (actual);					\
	typeof(expected) ___e = (expected);				\
	!_CHECK(!(___a < ___e), (name),					\
		"unexpected %s: actual %lld >= expected %lld\n",	\
		#actual, (long long)___a, (long long)___e);		\
})

#define ASSERT_LE(actual, expected, name) ({				\
	typeof(actual) ___a = (actual);					\
	typeof(expected) ___e = (expected);				\
	!_CHECK(!(___a <= ___e), (name),				\
		"unexpected %s: actual %lld > expected %lld\n",		\
		#actual, (long long)___a, (long long)___e);		\
})

#define ASSERT_GT(actual, expected, name) ({				\
	typeof(actual) ___a = (actual);					\
	typeof(expected) ___e = (expected);				\
	!_CHECK(!(___a > ___e), (name),					\
		"unexpected %s: actual %lld <= expected %lld\n",	\
		#actual, (long long)___a, (long long)___e);		\
})

#define ASSERT_GE(actual, expected, name) ({				\
	typeof(actual) ___a = (actual);					\
	typeof(expected) ___e = (expected);				\
	!_CHECK(!(___a >= ___e), (name),				\
		"unexpected %s: actual %lld < expected %lld\n",		\
		#actual, (long long)___a, (long long)___e);		\
})

#define ASSERT_STREQ(actual, expected, name) ({				\
	const char *___a = (actual);					\
	const char *___e = (expected);					\
	!_CHECK(!___a || !___e || strcmp(___a, ___e), (name),		\
		"unexpected %s: actual '%s' != expected '%s'\n",	\
		#actual, ___a ? ___a : "(null)", ___e ? ___e : "(null)"); \
})

#define ASSERT_MEMEQ(actual, expected, len, name) ({			\
	const void *___a = (actual);					\
	const void *___e = (expected);					\
	size_t ___l = (len);						\
	!_CHECK(memcmp(___a, ___e, ___l), (name),			\
		"unexpected %s: %zu bytes differ\n", #actual, ___l);	\
})

#define ASSERT_OK(res, name) ({						\
	long long ___res = (res);					\
	!_CHECK(___res != 0, (name), "unexpected error: %lld (%s)\n",	\
		___res, strerror(___res < 0 ? -___res : errno));	\
})

#define ASSERT_ERR(res, name) ({					\
	long long ___res = (res);					\
	!_CHECK(___res >= 0, (name), "unexpected success: %lld\n", ___res); \
})

#define ASSERT_NULL(ptr, name) ({					\
	const void *___p = (ptr);					\
	!_CHECK(___p != NULL, (name), "unexpected pointer: %p\n", ___p); \
})

#define ASSERT_OK_PTR(ptr, name) ({					\
	const void *___p = (ptr);					\
	!_CHECK(!___p, (name), "unexpected NULL pointer (errno %d)\n", errno); \
})

#endif /* __OVNBPF_TEST_PROGS_H */
