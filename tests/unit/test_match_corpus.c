// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * Every match of every Logical_Flow northd 23.03 wrote in our corpora
 * parses, prints back to itself and normalises; and the bench of the
 * 14,628-port SB (MATCH_BENCH_SB=/tmp/scale-lsp-159x92.sb.db).
 */
#include <stdint.h>
#include <time.h>
#include <unistd.h>

#include "tests/test_progs.h"
#include "tests/unit/sb_corpus.h"
#include "loader/expr.h"

#define CORPUS_DIR "/work/shared/corpus"

/* A set of strings: the distinct match texts. */
struct text_set {
	const char **keys;
	size_t n, n_slots;
};

static uint64_t text_hash(const char *s)
{
	uint64_t h = 1469598103934665603ULL;

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ULL;
	return h;
}

/* True if 's' was new. */
static bool text_set_add(struct text_set *t, const char *s)
{
	size_t i;

	if (t->n * 2 >= t->n_slots) {
		struct text_set g = { .n_slots = t->n_slots ? t->n_slots * 2 : 1024 };

		g.keys = xcalloc(g.n_slots, sizeof(*g.keys));
		for (size_t k = 0; k < t->n_slots; k++)
			if (t->keys[k])
				text_set_add(&g, t->keys[k]);
		free(t->keys);
		*t = g;
	}
	for (i = text_hash(s) & (t->n_slots - 1); t->keys[i];
	     i = (i + 1) & (t->n_slots - 1))
		if (!strcmp(t->keys[i], s))
			return false;
	t->keys[i] = s;
	t->n++;
	return true;
}

struct corpus_result {
	size_t flows, distinct, parse_fail, roundtrip_fail, norm_fail;
	size_t conjs, max_conjs;
	double parse_s, norm_s;
};

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void run_corpus(const struct symtab *st, struct sbdb_flow *flows,
		       size_t n, bool roundtrip, struct corpus_result *r)
{
	struct text_set seen = { 0 };
	size_t shown = 0;

	memset(r, 0, sizeof(*r));
	r->flows = n;
	for (size_t i = 0; i < n; i++) {
		const char *m = flows[i].match;
		struct expr_dnf *d;
		struct expr *e;
		char *err;
		double t0, t1;

		if (!text_set_add(&seen, m))
			continue;	/* identical texts are parsed once */
		r->distinct++;
		t0 = now_s();
		e = expr_parse(m, st, NULL, &err);
		t1 = now_s();
		r->parse_s += t1 - t0;
		if (!e) {
			if (shown++ < 5)
				printf("parse %s: `%s': %s\n", flows[i].uuid, m, err);
			free(err);
			r->parse_fail++;
			continue;
		}
		d = expr_normalize(e, st, 0, &err);
		r->norm_s += now_s() - t1;
		if (!d) {
			if (shown++ < 5)
				printf("normalize %s: `%s': %s\n", flows[i].uuid, m, err);
			free(err);
			r->norm_fail++;
		} else {
			r->conjs += d->n_conjs;
			if (d->n_conjs > r->max_conjs)
				r->max_conjs = d->n_conjs;
			expr_dnf_free(d);
		}
		if (roundtrip) {
			char *s = expr_to_string(e);
			struct expr *e2 = expr_parse(s, st, NULL, &err);

			if (!e2 || !expr_equal(e, e2)) {
				if (shown++ < 5)
					printf("round trip `%s' -> `%s'\n", m, s);
				r->roundtrip_fail++;
			}
			if (!e2)
				free(err);
			expr_free(e2);
			free(s);
		}
		expr_free(e);
	}
	free(seen.keys);
}

/* The ACL of scale-pg-1000: two membership clauses, whatever the sizes. */
static void check_no_cross_product(const struct symtab *st,
				   struct sbdb_flow *flows, size_t n)
{
	bool found = false;

	for (size_t i = 0; i < n; i++) {
		struct expr_dnf *d;
		struct expr *e;
		size_t sets = 0;
		char *err;

		if (!strstr(flows[i].match, "@pg1") ||
		    !strstr(flows[i].match, "$set1"))
			continue;
		found = true;
		e = expr_parse(flows[i].match, st, NULL, &err);
		if (!ASSERT_OK_PTR(e, "parse pg acl"))
			return;
		d = expr_normalize(e, st, 0, &err);
		if (ASSERT_OK_PTR(d, "normalize pg acl") &&
		    ASSERT_EQ(d->n_conjs, 1, "one conjunction")) {
			for (size_t k = 0; k < d->conjs[0].n_clauses; k++) {
				enum expr_clause_type t = d->conjs[0].clauses[k].type;

				sets += t == EXPR_CL_ADDR_SET ||
					t == EXPR_CL_PORT_GROUP;
			}
			ASSERT_EQ(sets, 2, "two membership clauses");
			ASSERT_LE(d->conjs[0].n_clauses, 6, "O(1) clauses");
		}
		expr_dnf_free(d);
		expr_free(e);
	}
	ASSERT_TRUE(found, "pg acl present");
}

void test_match_corpus(void)
{
	static const struct { const char *file; size_t flows; } dbs[] = {
		{ "kubeovn-50.sb.db", 758 },
		{ "scale-lsp-10x10.sb.db", 1305 },
		{ "scale-pg-1000.sb.db", 3069 },
		{ "scale-pg-1000-nopg.sb.db", 4068 },
	};
	const char *dir = getenv("OVNBPF_CORPUS") ?: CORPUS_DIR;
	struct symtab *st = symtab_create_ovn();

	if (!ASSERT_OK_PTR(st, "symtab"))
		return;
	for (size_t i = 0; i < sizeof(dbs) / sizeof(dbs[0]); i++) {
		struct corpus_result r;
		struct sbdb_flow *flows;
		char path[512];
		size_t n;

		if (!test__start_subtest(dbs[i].file))
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, dbs[i].file);
		if (access(path, R_OK)) {
			test__skip("%s not readable", path);
			continue;
		}
		if (!ASSERT_OK(sbdb_file_flows(path, &flows, &n), "read db"))
			continue;
		ASSERT_EQ(n, dbs[i].flows, "flow count");
		run_corpus(st, flows, n, true, &r);
		if (env.verbose)
			printf("%s: %zu flows, %zu distinct matches, %zu conjunctions (max %zu)\n",
			       dbs[i].file, r.flows, r.distinct, r.conjs,
			       r.max_conjs);
		ASSERT_GT(r.distinct, 0, "distinct");
		ASSERT_EQ(r.parse_fail, 0, "parse failures");
		ASSERT_EQ(r.norm_fail, 0, "normalize failures");
		ASSERT_EQ(r.roundtrip_fail, 0, "round trip failures");
		if (strstr(dbs[i].file, "scale-pg-1000.sb"))
			check_no_cross_product(st, flows, n);
		sbdb_flows_free(flows, n);
	}
	symtab_destroy(st);
}

/* MATCH_BENCH_SB=/tmp/scale-lsp-159x92.sb.db build/test_progs -t match_bench -v */
void test_match_bench(void)
{
	const char *path = getenv("MATCH_BENCH_SB");
	struct corpus_result r;
	struct sbdb_flow *flows;
	struct symtab *st;
	double t0, t1, t2;
	size_t n;

	if (!path) {
		test__skip("set MATCH_BENCH_SB to an SB database file");
		return;
	}
	t0 = now_s();
	st = symtab_create_ovn();
	if (!ASSERT_OK_PTR(st, "symtab"))
		return;
	{
		char *err;

		ASSERT_OK(expr_symtab_prepare(st, &err), "prepare");
	}
	t1 = now_s();
	if (!ASSERT_OK(sbdb_file_flows(path, &flows, &n), "read db"))
		goto out;
	t2 = now_s();
	run_corpus(st, flows, n, false, &r);
	printf("match_bench: %s\n"
	       "  symtab %.3f s; read db %.3f s\n"
	       "  %zu flows, %zu distinct matches: parse %.3f s + normalize %.3f s = %.3f s (%.2f us/distinct match)\n"
	       "  %zu conjunctions (max %zu per match); failures: %zu parse, %zu normalize\n",
	       path, t1 - t0, t2 - t1, r.flows, r.distinct, r.parse_s,
	       r.norm_s, r.parse_s + r.norm_s,
	       1e6 * (r.parse_s + r.norm_s) / (r.distinct ? r.distinct : 1),
	       r.conjs, r.max_conjs, r.parse_fail, r.norm_fail);
	ASSERT_EQ(r.parse_fail, 0, "parse failures");
	ASSERT_EQ(r.norm_fail, 0, "normalize failures");
	ASSERT_LT(r.parse_s + r.norm_s, 2.0, "under 2 s");
	sbdb_flows_free(flows, n);
out:
	symtab_destroy(st);
}
