// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * lflow-check: a one-shot SB client.  It monitors Logical_Flow and the
 * DHCP option tables, waits for the initial snapshot, then parses each
 * flow's match (to normal form) and actions.  Identical texts are parsed
 * once: northd repeats the same match/actions on many datapaths.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "loader/actions.h"
#include "loader/compile_map.h"
#include "loader/expr.h"
#include "loader/dhcp_opts.h"
#include "loader/lflow_check.h"
#include "loader/sb_row.h"
#include "loader/symtab.h"
#include "maps/pipeline.h"
#include "ovsdb-client/client.h"

/* The outcome of parsing one text (cached by text). */
struct lc_result {
	char *error;			/* NULL: parsed */
	unsigned int verbs[ACT__MAX];	/* actions: verb counts */
};

struct lc_ctx {
	struct symtab *st;
	struct dhcp_opts dhcp, dhcpv6;	/* SB DHCP option tables */
	struct smap cache;		/* "m|text" / "a|p|t|text" -> lc_result */
	struct smap stages;		/* "p tt name" -> count (as pointer) */
	unsigned long verbs[ACT__MAX];
	unsigned long total, failed, distinct;
};

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

static void lc_result_free(void *p)
{
	struct lc_result *r = p;

	if (r)
		free(r->error);
	free(r);
}

static void count_verb(const struct action *a, int depth, void *aux)
{
	struct lc_result *r = aux;

	(void)depth;
	if (a->type < ACT__MAX)
		r->verbs[a->type]++;
}

static const struct lc_result *check_match(struct lc_ctx *c, const char *text)
{
	struct lc_result *r;
	struct expr_dnf *dnf = NULL;
	struct expr *e;
	char *key, *err = NULL;

	if (asprintf(&key, "m|%s", text) < 0)
		return NULL;
	r = smap_get(&c->cache, key);
	if (r)
		goto out;
	r = calloc(1, sizeof(*r));
	if (!r)
		goto out;
	c->distinct++;
	e = expr_parse(text, c->st, NULL, &err);
	if (e)
		dnf = expr_normalize(e, c->st, 0, &err);
	if (!e || !dnf)
		r->error = err ? err : strdup("unknown error");
	expr_dnf_free(dnf);
	expr_free(e);
	smap_put(&c->cache, key, r);
out:
	free(key);
	return r;
}

static const struct lc_result *check_actions(struct lc_ctx *c, const char *text,
					     uint8_t pipeline, uint8_t table)
{
	struct action_parse_params pp = {
		.symtab = c->st,
		.dhcp_opts = &c->dhcp.t,
		.dhcpv6_opts = &c->dhcpv6.t,
		.pipeline = pipeline,
		.cur_table = table,
		/* Without the datapath's type, accept next(N) up to the larger
		 * ingress pipeline (next(pipeline=ingress) from egress needs it
		 * too, as in compile.c). */
		.n_tables = OVN_LS_IN_TABLES > OVN_LR_IN_TABLES ? OVN_LS_IN_TABLES
								: OVN_LR_IN_TABLES,
	};
	struct action_parse_result res = { 0 };
	struct action_error aerr = { 0 };
	struct lc_result *r;
	char *key;

	if (asprintf(&key, "a|%u|%u|%s", pipeline, table, text) < 0)
		return NULL;
	r = smap_get(&c->cache, key);
	if (r)
		goto out;
	r = calloc(1, sizeof(*r));
	if (!r)
		goto out;
	c->distinct++;
	if (actions_parse(text, &pp, &res, &aerr)) {
		if (asprintf(&r->error, "column %d: %s", aerr.pos + 1, aerr.msg) < 0)
			r->error = NULL;
		if (!r->error)
			r->error = strdup("parse error");
	} else {
		action_list_walk(&res.acts, count_verb, r);
		action_parse_result_free(&res);
	}
	smap_put(&c->cache, key, r);
out:
	free(key);
	return r;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static void print_report(struct lc_ctx *c)
{
	const char **keys;
	const char *k;
	size_t i, n = 0;
	void *v;
	int t;

	printf("%-8s %5s %-36s %8s\n", "pipeline", "table", "stage", "flows");
	keys = calloc(c->stages.n + 1, sizeof(*keys));
	for (i = 0; keys && smap_next(&c->stages, &i, &k, &v);)
		keys[n++] = k;
	if (keys)
		qsort(keys, n, sizeof(*keys), cmp_str);
	for (i = 0; i < n; i++) {
		char pipe = keys[i][0];
		int table = atoi(keys[i] + 2);

		printf("%-8s %5d %-36s %8lu\n", pipe == '0' ? "ingress" : "egress", table,
		       keys[i] + 5, (unsigned long)(uintptr_t)smap_get(&c->stages, keys[i]));
	}
	free(keys);
	printf("\n%-24s %8s\n", "action", "count");
	for (t = 0; t < ACT__MAX; t++)
		if (c->verbs[t])
			printf("%-24s %8lu\n", action_info(t)->name, c->verbs[t]);
}

static void print_failure(const struct ovsdb_row *row, const char *stage,
			  const char *what, const char *text, const char *err)
{
	char u[40];

	printf("FAIL %s stage %s %s: %s\n  %s: %s\n",
	       ovsdb_uuid_to_string(&row->uuid, u), stage, what, err, what, text);
}

static void check_flow(struct lc_ctx *c, const struct ovsdb_row *row)
{
	const char *pipe = sb_row_string(row, "pipeline");
	const char *match = sb_row_string(row, "match");
	const char *acts = sb_row_string(row, "actions");
	const char *name = sb_row_smap_get(row, "external_ids", "stage-name");
	int table = sb_row_int(row, "table_id", 0);
	uint8_t p = pipe && !strcmp(pipe, "egress") ? ACT_P_EGRESS : ACT_P_INGRESS;
	const struct lc_result *rm, *ra;
	char key[256], stage[200];
	bool bad = false;
	int t;

	snprintf(stage, sizeof(stage), "%s/%d/%s", p == ACT_P_EGRESS ? "egress" : "ingress",
		 table, name ? name : "?");
	snprintf(key, sizeof(key), "%d %02d %s", p == ACT_P_EGRESS, table, name ? name : "?");
	smap_put(&c->stages, key, (void *)((uintptr_t)smap_get(&c->stages, key) + 1));
	c->total++;

	rm = check_match(c, match ? match : "");
	if (!rm || rm->error) {
		print_failure(row, stage, "match", match ? match : "",
			      rm ? rm->error : "out of memory");
		bad = true;
	}
	if (table < 0 || table > 255) {
		print_failure(row, stage, "table_id", "", "table_id out of range");
		c->failed++;
		return;
	}
	ra = check_actions(c, acts ? acts : "", p, table);
	if (!ra || ra->error) {
		print_failure(row, stage, "actions", acts ? acts : "",
			      ra ? ra->error : "out of memory");
		bad = true;
	} else {
		for (t = 0; t < ACT__MAX; t++)
			c->verbs[t] += ra->verbs[t];
	}
	if (bad)
		c->failed++;
}

static void usage(FILE *f)
{
	fprintf(f, "Usage: ovnbpfctl lflow-check [--ovnsb-db=REMOTE] [--timeout=SECS]\n"
		   "  parse every SB Logical_Flow's match and actions; exit 1 if any fails\n"
		   "  REMOTE defaults to $OVN_SB_DB, else unix:/var/run/ovn/ovnsb_db.sock\n");
}

int lflow_check_main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "ovnsb-db", required_argument, NULL, 'd' },
		{ "timeout", required_argument, NULL, 't' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	const char *remote = getenv("OVN_SB_DB") ? getenv("OVN_SB_DB")
						 : "unix:/var/run/ovn/ovnsb_db.sock";
	struct ovsdb_client_options co = {
		.database = "OVN_Southbound",
		.probe_interval_ms = 0,
	};
	struct ovsdb_table *lf, *d4, *d6;
	struct ovsdb_client *cl = NULL;
	const struct ovsdb_row *row;
	struct lc_ctx c = { 0 };
	long long deadline;
	int timeout_s = 30, ch, ret = 2;
	char *end;

	optind = 1;
	while ((ch = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (ch) {
		case 'd': remote = optarg; break;
		case 't':
			timeout_s = strtol(optarg, &end, 10);
			if (*end || timeout_s <= 0) {
				fprintf(stderr, "ovnbpfctl: bad --timeout %s\n", optarg);
				return 2;
			}
			break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
	}
	if (optind != argc) {
		usage(stderr);
		return 2;
	}
	co.remote = remote;
	cl = ovsdb_client_create(&co);
	if (!cl) {
		fprintf(stderr, "ovnbpfctl: cannot create a client for %s\n", remote);
		return 2;
	}
	lf = ovsdb_client_monitor(cl, "Logical_Flow", NULL);
	d4 = ovsdb_client_monitor(cl, "DHCP_Options", NULL);
	d6 = ovsdb_client_monitor(cl, "DHCPv6_Options", NULL);
	if (!lf || !d4 || !d6) {
		fprintf(stderr, "ovnbpfctl: cannot monitor the SB tables\n");
		goto cleanup;
	}
	deadline = now_ms() + timeout_s * 1000LL;
	while (!ovsdb_client_is_synced(cl)) {
		long long left = deadline - now_ms();

		if (left <= 0) {
			fprintf(stderr, "ovnbpfctl: %s: no SB snapshot within %d s\n",
				remote, timeout_s);
			goto cleanup;
		}
		ovsdb_client_poll_once(cl, left > 100 ? 100 : (int)left);
	}
	if (!lf->ts) {
		fprintf(stderr, "ovnbpfctl: %s has no Logical_Flow table\n", remote);
		goto cleanup;
	}
	c.st = symtab_create_ovn();
	dhcp_opts_load(&c.dhcp, d4);
	dhcp_opts_load(&c.dhcpv6, d6);
	if (!c.st) {
		fprintf(stderr, "ovnbpfctl: out of memory\n");
		goto cleanup;
	}
	OVSDB_TABLE_FOR_EACH(row, lf)
		check_flow(&c, row);
	print_report(&c);
	printf("\ntotal %lu flows, %lu distinct texts parsed, %lu failed\n", c.total,
	       c.distinct, c.failed);
	ret = c.failed ? 1 : 0;
cleanup:
	smap_destroy(&c.cache, lc_result_free);
	smap_destroy(&c.stages, NULL);
	dhcp_opts_free(&c.dhcp);
	dhcp_opts_free(&c.dhcpv6);
	if (c.st)
		symtab_destroy(c.st);
	ovsdb_client_destroy(cl);
	return ret;
}
