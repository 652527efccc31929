// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* The test-side OVSDB file reader applies "_is_diff" records as
 * ovsdb-server writes them: multi-valued columns as diffs, the rest whole. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tests/test_progs.h"
#include "tests/unit/sb_corpus.h"

static void put_rec(FILE *f, const char *json)
{
	fprintf(f, "OVSDB JSON %zu 0000000000000000000000000000000000000000\n%s\n",
		strlen(json) + 1, json);	/* the length counts the newline */
}

void test_sb_corpus_diff_records(void)
{
	char path[] = "/tmp/ovnbpf-sbcorpus-XXXXXX";
	json_t *db, *t, *row, *ports, *opts;
	int fd = mkstemp(path);
	FILE *f;

	if (!ASSERT_GE(fd, 0, "mkstemp"))
		return;
	f = fdopen(fd, "w");
	put_rec(f, "{\"name\":\"S\",\"version\":\"1.0.0\",\"tables\":{\"T\":{\"columns\":{"
		   "\"name\":{\"type\":\"string\"},"
		   "\"opt\":{\"type\":{\"key\":\"string\",\"min\":0,\"max\":1}},"
		   "\"ports\":{\"type\":{\"key\":\"string\",\"min\":0,\"max\":\"unlimited\"}},"
		   "\"options\":{\"type\":{\"key\":\"string\",\"value\":\"string\",\"min\":0,\"max\":\"unlimited\"}}}}}}");
	put_rec(f, "{\"T\":{\"u1\":{\"name\":\"a\",\"opt\":\"x\",\"ports\":[\"set\",[\"p1\",\"p2\"]],"
		   "\"options\":[\"map\",[[\"k1\",\"v1\"],[\"k2\",\"v2\"]]]}}}");
	/* p2 removed, p3 added; k1 removed (same value), k2 changed, k3 added;
	 * scalar and optional replaced whole. */
	put_rec(f, "{\"_is_diff\":true,\"T\":{\"u1\":{\"name\":\"b\",\"opt\":\"y\","
		   "\"ports\":[\"set\",[\"p2\",\"p3\"]],"
		   "\"options\":[\"map\",[[\"k1\",\"v1\"],[\"k2\",\"v9\"],[\"k3\",\"v3\"]]]}}}");
	/* a single-atom diff of a set column */
	put_rec(f, "{\"_is_diff\":true,\"T\":{\"u1\":{\"ports\":\"p1\"}}}");
	fclose(f);

	db = sb_corpus_load(path);
	unlink(path);
	if (!ASSERT_OK_PTR(db, "load"))
		return;
	t = sb_corpus_table(db, "T");
	row = json_object_get(t, "u1");
	if (!ASSERT_OK_PTR(row, "row"))
		goto out;
	ASSERT_STREQ(json_string_value(json_object_get(row, "name")), "b", "scalar replaced");
	ASSERT_STREQ(json_string_value(json_object_get(row, "opt")), "y", "optional replaced");
	ports = json_array_get(json_object_get(row, "ports"), 1);
	ASSERT_EQ(json_array_size(ports), 1, "ports: {p1,p2} ^ {p2,p3} ^ {p1} = {p3}");
	ASSERT_STREQ(json_string_value(json_array_get(ports, 0)), "p3", "p3 left");
	opts = json_array_get(json_object_get(row, "options"), 1);
	ASSERT_EQ(json_array_size(opts), 2, "k1 removed");
	ASSERT_STREQ(json_string_value(json_array_get(json_array_get(opts, 0), 1)), "v9",
		     "k2 changed");
	ASSERT_STREQ(json_string_value(json_array_get(json_array_get(opts, 1), 0)), "k3",
		     "k3 added");
out:
	json_decref(db);
}
