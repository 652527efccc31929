// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * The bindings table and its state file: name checks, round trip, atomic
 * replacement, and what a damaged file does (bad entries skipped, an
 * unreadable file kept aside).
 */
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "loader/bindings.h"
#include "tests/test_progs.h"

static char *tmpdir(void)
{
	char tmpl[] = "/tmp/ovnbpf-test-bind-state.XXXXXX";
	char *d = mkdtemp(tmpl);

	return d ? strdup(d) : NULL;
}

static void rm_rf(const char *dir)
{
	char cmd[512];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	if (system(cmd))
		fprintf(stderr, "cleanup of %s failed\n", dir);
}

static int write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	if (!f)
		return -errno;
	fputs(text, f);
	return fclose(f) ? -errno : 0;
}

static void test_names(void)
{
	char err[128];

	ASSERT_OK(binding_check_iface("veth0", err, sizeof(err)), "veth0");
	ASSERT_OK(binding_check_iface("a23456789012345", err, sizeof(err)), "15 chars");
	ASSERT_ERR(binding_check_iface("a234567890123456", err, sizeof(err)), "16 chars");
	ASSERT_ERR(binding_check_iface("", err, sizeof(err)), "empty");
	ASSERT_ERR(binding_check_iface("a/b", err, sizeof(err)), "slash");
	ASSERT_ERR(binding_check_iface("a b", err, sizeof(err)), "space");
	ASSERT_ERR(binding_check_iface("a:1", err, sizeof(err)), "colon");
	ASSERT_ERR(binding_check_iface("..", err, sizeof(err)), "dotdot");
	ASSERT_OK(binding_check_lport("ns1.pod-a", err, sizeof(err)), "lport");
	ASSERT_OK(binding_check_lport("p\xc3\xa9", err, sizeof(err)), "utf-8 lport");
	ASSERT_ERR(binding_check_lport("", err, sizeof(err)), "empty lport");
	ASSERT_ERR(binding_check_lport("a\nb", err, sizeof(err)), "newline in lport");
	ASSERT_ERR(binding_check_lport("p\xe9", err, sizeof(err)), "latin-1 lport");
	ASSERT_TRUE(strstr(err, "UTF-8") != NULL, "error says why");
}

static void test_table(void)
{
	struct bindings bs;
	struct binding *b = NULL;

	bindings_init(&bs);
	ASSERT_OK(bindings_add(&bs, "v1", "p1", &b), "add v1");
	ASSERT_OK_PTR(b, "binding returned");
	ASSERT_EQ(bindings_add(&bs, "v1", "p2", NULL), -EEXIST, "iface twice");
	ASSERT_EQ(bindings_add(&bs, "v2", "p1", NULL), -EEXIST, "lport twice");
	ASSERT_EQ(bindings_add(&bs, "bad/name", "p3", NULL), -EINVAL, "bad name");
	ASSERT_OK(bindings_add(&bs, "v2", "p2", NULL), "add v2");
	ASSERT_OK(bindings_add(&bs, "v3", "p3", NULL), "add v3");
	ASSERT_TRUE(bindings_find_lport(&bs, "p2") == bindings_find_iface(&bs, "v2"),
		    "find both ways");
	bindings_remove(&bs, bindings_find_iface(&bs, "v2"));
	ASSERT_EQ(bs.n, 2, "two left");
	ASSERT_STREQ(bs.v[0]->iface, "v1", "order kept (0)");
	ASSERT_STREQ(bs.v[1]->iface, "v3", "order kept (1)");
	ASSERT_NULL(bindings_find_lport(&bs, "p2"), "p2 gone");
	bindings_destroy(&bs);
}

static void test_roundtrip(const char *dir)
{
	struct bindings bs, back;
	char path[512], tmp[600];
	struct stat st;
	int i;

	snprintf(path, sizeof(path), "%s/bindings.json", dir);
	bindings_init(&bs);
	bindings_init(&back);
	ASSERT_EQ(bindings_load(&back, path), 0, "missing file is empty");
	ASSERT_EQ(back.n, 0, "no bindings");
	for (i = 0; i < 40; i++) {
		char iface[16], lport[32];

		snprintf(iface, sizeof(iface), "veth%d", i);
		snprintf(lport, sizeof(lport), "ns%d.pod \"%d\"", i % 3, i);
		ASSERT_OK(bindings_add(&bs, iface, lport, NULL), "add");
	}
	ASSERT_OK(bindings_save(&bs, path), "save");
	ASSERT_OK(stat(path, &st), "state file exists");
	ASSERT_EQ(st.st_mode & 0777, 0600, "state file is 0600");
	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	ASSERT_ERR(access(tmp, F_OK), "no temporary left behind");
	ASSERT_EQ(bindings_load(&back, path), 0, "load");
	ASSERT_EQ(back.n, bs.n, "same count");
	for (i = 0; i < 40 && (size_t)i < back.n; i++) {
		ASSERT_STREQ(back.v[i]->iface, bs.v[i]->iface, "same iface, same order");
		ASSERT_STREQ(back.v[i]->lport, bs.v[i]->lport, "same lport");
		ASSERT_EQ(back.v[i]->ifindex, 0, "runtime state not persisted");
	}
	bindings_destroy(&back);

	/* Saving again replaces the file (rename), and saving without one
	 * entry persists a removal. */
	ASSERT_OK(bindings_save_without(&bs, path, bs.v[5]), "save without veth5");
	ASSERT_EQ(bindings_load(&back, path), 0, "reload");
	ASSERT_EQ(back.n, 39, "one less");
	ASSERT_NULL(bindings_find_iface(&back, "veth5"), "veth5 not saved");
	ASSERT_OK_PTR(bindings_find_iface(&back, "veth6"), "veth6 saved");
	bindings_destroy(&back);
	bindings_destroy(&bs);

	/* An unwritable directory: save fails with an error, the old file
	 * stays (only when not root: root writes anyway). */
	if (geteuid() != 0) {
		ASSERT_OK(chmod(dir, 0500), "chmod");
		bindings_init(&bs);
		ASSERT_ERR(bindings_save(&bs, path), "save into read-only dir fails");
		ASSERT_OK(chmod(dir, 0700), "chmod back");
		ASSERT_EQ(bindings_load(&back, path), 0, "old file intact");
		ASSERT_EQ(back.n, 39, "old content");
		bindings_destroy(&back);
	}
}

static void test_damaged(const char *dir)
{
	struct bindings bs;
	char path[512], bad[600];
	struct stat st;

	snprintf(path, sizeof(path), "%s/damaged.json", dir);
	snprintf(bad, sizeof(bad), "%s.bad", path);
	bindings_init(&bs);

	ASSERT_OK(write_file(path, "{\"version\": 1, \"bindings\": [\n"
				   "  {\"iface\": \"ok1\", \"lport\": \"p1\"},\n"
				   "  {\"iface\": \"this-name-is-too-long\", \"lport\": \"p2\"},\n"
				   "  {\"iface\": \"ok3\"},\n"
				   "  {\"iface\": 7, \"lport\": \"p4\"},\n"
				   "  {\"iface\": \"ok5\", \"lport\": \"p1\"},\n"
				   "  {\"iface\": \"ok1\", \"lport\": \"p6\"},\n"
				   "  \"junk\",\n"
				   "  {\"iface\": \"ok8\", \"lport\": \"p8\"}\n"
				   "]}\n"), "write");
	ASSERT_EQ(bindings_load(&bs, path), 6, "six entries skipped");
	ASSERT_EQ(bs.n, 2, "two kept");
	ASSERT_OK_PTR(bindings_find_iface(&bs, "ok1"), "ok1 kept");
	ASSERT_OK_PTR(bindings_find_iface(&bs, "ok8"), "ok8 kept");
	if (bs.n == 2)
		ASSERT_STREQ(bindings_find_iface(&bs, "ok1")->lport, "p1", "first wins");
	ASSERT_OK(stat(path, &st), "a partly bad file stays in place");
	bindings_destroy(&bs);

	ASSERT_OK(write_file(path, "{\"version\": 1, \"bindings\": [ {\"if"), "write");
	ASSERT_EQ(bindings_load(&bs, path), 1, "truncated file reported");
	ASSERT_EQ(bs.n, 0, "nothing loaded");
	ASSERT_ERR(stat(path, &st), "moved away");
	ASSERT_OK(stat(bad, &st), "kept as .bad");
	bindings_destroy(&bs);

	ASSERT_OK(write_file(path, "[1, 2, 3]"), "write");
	ASSERT_EQ(bindings_load(&bs, path), 1, "wrong shape reported");
	ASSERT_EQ(bs.n, 0, "nothing loaded");
	bindings_destroy(&bs);

	/* A newer version is read as far as it is understood. */
	ASSERT_OK(write_file(path, "{\"version\": 2, \"extra\": {}, \"bindings\": "
				   "[{\"iface\": \"v\", \"lport\": \"p\", \"new\": 1}]}"), "write");
	ASSERT_EQ(bindings_load(&bs, path), 0, "newer version");
	ASSERT_EQ(bs.n, 1, "its binding read");
	bindings_destroy(&bs);
}

void test_bind_state(void)
{
	char *dir = tmpdir();

	if (!ASSERT_OK_PTR(dir, "mkdtemp"))
		return;
	if (test__start_subtest("names"))
		test_names();
	if (test__start_subtest("table"))
		test_table();
	if (test__start_subtest("roundtrip"))
		test_roundtrip(dir);
	if (test__start_subtest("damaged"))
		test_damaged(dir);
	rm_rf(dir);
	free(dir);
}
