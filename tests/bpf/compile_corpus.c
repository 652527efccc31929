// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * Every logical flow of the SB corpora through the compiler into a freshly
 * loaded (unpinned) datapath: no crash, every failure reported with its
 * UUID, and the map entries counted.
 */
#include <stdio.h>
#include <string.h>

#include "tests/test_progs.h"
#include "tests/bpf/bpf_test.h"
#include "tests/bpf/compile_sb.h"
#include "tests/unit/sb_corpus.h"

#define MAX_REASONS 64

struct reasons {
	char name[MAX_REASONS][64];
	size_t count[MAX_REASONS];
	size_t n, no_uuid;
};

static void count_reason(void *aux, enum compile_report_kind kind, const char *uuid,
			 const char *reason, const char *detail)
{
	struct reasons *r = aux;
	char k[64];
	size_t i;

	if (!uuid || !*uuid)
		r->no_uuid++;
	snprintf(k, sizeof(k), "%s:%s", kind == COMPILE_R_ERROR ? "error" :
		 kind == COMPILE_R_WRITER ? "writer" : "unsupported", reason);
	for (i = 0; i < r->n && strcmp(r->name[i], k); i++)
		;
	if (i == r->n && r->n < MAX_REASONS)
		snprintf(r->name[r->n++], 64, "%s", k);
	if (i < MAX_REASONS)
		r->count[i]++;
	if (env.verbose && kind != COMPILE_R_UNSUPPORTED)
		printf("  %s %s: %s\n", uuid, reason, detail ? detail : "");
}

static void one(const char *file)
{
	char path[512];
	struct reasons r = { 0 };
	struct compile_opts o = { .report = count_reason, .aux = &r };
	struct compile_stats s;
	struct compiler *c = NULL;
	struct pl_fix f;
	json_t *db;
	size_t n;

	snprintf(path, sizeof(path), "%s/%s", sb_corpus_dir(), file);
	db = sb_corpus_load(path);
	if (!db) {
		test__skip("corpus missing");
		return;
	}
	if (!ASSERT_OK(pl_fix_open(&f), "pl_fix_open"))
		goto out_db;
	if (!ASSERT_OK(compiler_new(f.w, &o, &c), "compiler_new"))
		goto out;
	n = compile_sb_load(db, c, NULL, NULL);
	ASSERT_OK(compile_commit(c), "commit");
	compile_get_stats(c, &s);
	printf("%s: %zu lflow instances: %zu compiled (%zu with unsupported actions), %zu errors, "
	       "%zu never match here; %zu writer flows (classifier cells), %zu set members, "
	       "%zu helper flows, %zu writer errors\n", file, n, s.flows, s.unsupported,
	       s.errors, s.empty, s.writer_flows, s.set_members, s.helper_flows,
	       s.writer_errors);
	for (size_t i = 0; i < r.n; i++)
		printf("  %-50s %zu\n", r.name[i], r.count[i]);
	ASSERT_GT(n, 0, "flows fed");
	ASSERT_EQ(s.flows + s.errors, n, "every flow compiled or reported");
	ASSERT_EQ(r.no_uuid, 0, "every report names a UUID");
	ASSERT_GT(s.writer_flows, s.flows / 2, "writer flows installed");
out:
	compiler_free(c);
	pl_fix_close(&f);
out_db:
	json_decref(db);
}

void test_compile_corpus(void)
{
	static const char *files[] = {
		"kubeovn-50.sb.db", "scale-lsp-10x10.sb.db",
		"scale-pg-1000.sb.db", "scale-pg-1000-nopg.sb.db",
	};

	if (!env.has_root) {
		test__skip("needs root to load BPF");
		return;
	}
	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++)
		if (test__start_subtest(files[i]))
			one(files[i]);
}
