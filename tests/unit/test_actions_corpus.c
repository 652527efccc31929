// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * Every Logical_Flow.actions of the SB corpora (written by a real
 * ovn-northd 23.03) parses, and its canonical text parses back to an
 * equal IR.  Also times the parse of the 122,744-flow scale corpus.
 */
#include <time.h>
#include <unistd.h>

#include "tests/test_progs.h"
#include "tests/unit/sb_corpus.h"
#include "loader/actions.h"
#include "loader/expr.h"
#include "loader/symtab.h"

/* LOG_PIPELINE_LEN of ovn-controller 23.03: tables per pipeline. */
#define CORPUS_N_TABLES 29

struct opt_tables {
	struct action_opt_def *defs[2];
	struct action_opt_table t[2];	/* DHCPv4, DHCPv6 */
};

/* The SB DHCP_Options / DHCPv6_Options rows as option tables; the names
 * point into DB. */
static void load_opts(json_t *db, struct opt_tables *o)
{
	static const char *const tables[] = { "DHCP_Options", "DHCPv6_Options" };

	for (int i = 0; i < 2; i++) {
		json_t *rows = sb_corpus_table(db, tables[i]), *row;
		const char *uuid;
		size_t n = 0;

		o->defs[i] = calloc(json_object_size(rows) + 1,
				    sizeof(*o->defs[i]));
		json_object_foreach(rows, uuid, row) {
			struct action_opt_def *d = &o->defs[i][n];

			d->name = json_string_value(json_object_get(row, "name"));
			d->type = json_string_value(json_object_get(row, "type"));
			d->code = json_integer_value(json_object_get(row, "code"));
			if (d->name && d->type)
				n++;
		}
		o->t[i].defs = o->defs[i];
		o->t[i].n = n;
	}
}

struct corpus_stats {
	size_t flows;
	size_t distinct;
	size_t failed;
	size_t not_round_trip;
	size_t punt;
	size_t unsupported;
	size_t bad_prereqs;	/* prerequisites the match parser rejects */
	double parse_ns;	/* distinct texts, parse only */
};

static void count_exec(const struct action *a, int depth, void *aux)
{
	struct corpus_stats *s = aux;

	if (a->exec == ACT_EXEC_PUNT)
		s->punt++;
	if (a->unsupported)
		s->unsupported++;
}

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

/* Parse every distinct (pipeline, table, actions) of FILE. */
static int run_corpus(const struct symtab *st, const char *file,
		      struct corpus_stats *s)
{
	char path[512];
	struct opt_tables opts = { 0 };
	json_t *db, *flows, *row, *seen;
	const char *uuid;

	memset(s, 0, sizeof(*s));
	snprintf(path, sizeof(path), "%s/%s", sb_corpus_dir(), file);
	if (access(path, R_OK))
		return -ENOENT;
	db = sb_corpus_load(path);
	if (!ASSERT_OK_PTR(db, path))
		return -EINVAL;
	load_opts(db, &opts);
	flows = sb_corpus_table(db, "Logical_Flow");
	seen = json_object();
	json_object_foreach(flows, uuid, row) {
		const char *text = json_string_value(json_object_get(row,
								     "actions"));
		const char *pl = json_string_value(json_object_get(row,
								   "pipeline"));
		int table = json_integer_value(json_object_get(row, "table_id"));
		struct action_parse_params pp = {
			.symtab = st,
			.dhcp_opts = &opts.t[0],
			.dhcpv6_opts = &opts.t[1],
			.pipeline = pl && !strcmp(pl, "egress") ? ACT_P_EGRESS
								: ACT_P_INGRESS,
			.cur_table = table,
			.n_tables = CORPUS_N_TABLES,
		};
		struct action_parse_result r1, r2;
		struct action_error err;
		char key[32], *t1;
		double t0;

		s->flows++;
		if (!text)
			text = "";
		snprintf(key, sizeof(key), "%d/%d/", pp.pipeline, table);
		{
			char *k = malloc(strlen(key) + strlen(text) + 1);

			strcpy(k, key);
			strcat(k, text);
			if (json_object_get(seen, k)) {
				free(k);
				continue;
			}
			json_object_set_new(seen, k, json_true());
			free(k);
		}
		s->distinct++;
		t0 = now_ns();
		if (actions_parse(text, &pp, &r1, &err)) {
			s->parse_ns += now_ns() - t0;
			if (s->failed++ < 5)
				fprintf(stdout, "%s: flow %s: \"%s\": at %d: %s\n",
					file, uuid, text, err.pos, err.msg);
			continue;
		}
		s->parse_ns += now_ns() - t0;
		action_list_walk(&r1.acts, count_exec, s);
		if (r1.prereqs[0]) {
			char *perr = NULL;
			struct expr *e = expr_parse(r1.prereqs, st, NULL, &perr);

			if (!e && s->bad_prereqs++ < 5)
				fprintf(stdout, "%s: prereqs \"%s\": %s\n",
					file, r1.prereqs, perr);
			expr_free(e);
			free(perr);
		}
		t1 = actions_format(&r1.acts);
		if (actions_parse(t1, &pp, &r2, &err) ||
		    !action_list_equal(&r1.acts, &r2.acts)) {
			if (s->not_round_trip++ < 5)
				fprintf(stdout, "%s: flow %s: \"%s\" -> \"%s\" "
					"does not round-trip\n", file, uuid,
					text, t1);
		} else {
			action_parse_result_free(&r2);
		}
		free(t1);
		action_parse_result_free(&r1);
	}
	json_decref(seen);
	json_decref(db);
	free(opts.defs[0]);
	free(opts.defs[1]);
	return 0;
}

void test_actions_corpus(void)
{
	static const char *const files[] = {
		"kubeovn-50.sb.db",
		"scale-lsp-10x10.sb.db",
		"scale-pg-1000.sb.db",
		"scale-pg-1000-nopg.sb.db",
		"scale-lsp-159x92.sb.db.xz",
	};
	struct symtab *st = symtab_create_ovn();

	if (!ASSERT_OK_PTR(st, "symtab"))
		return;
	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		struct corpus_stats s;
		int err;

		if (!test__start_subtest(files[i]))
			continue;
		err = run_corpus(st, files[i], &s);
		if (err == -ENOENT) {
			test__skip("%s/%s not found", sb_corpus_dir(), files[i]);
			continue;
		}
		ASSERT_GT(s.flows, 0, "flows");
		ASSERT_EQ(s.failed, 0, "parse failures");
		ASSERT_EQ(s.not_round_trip, 0, "round trip failures");
		ASSERT_EQ(s.bad_prereqs, 0, "prerequisites parse as a match");
		fprintf(stdout, "%s: %zu flows, %zu distinct actions, parsed in "
			"%.1f ms (%.2f us each), %zu punted and %zu unsupported "
			"actions\n", files[i], s.flows, s.distinct,
			s.parse_ns / 1e6,
			s.distinct ? s.parse_ns / 1e3 / s.distinct : 0.0,
			s.punt, s.unsupported);
	}
	symtab_destroy(st);
}
