// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* Daemon-written logical flows (synth_flows.h): wanted set, diff, apply. */
#include <stdlib.h>
#include <string.h>

#include "loader/log.h"
#include "loader/sb_row.h"
#include "loader/strbuf.h"
#include "loader/synth_flows.h"

#define MOD "synth"

int synth_stage(enum ovn_pipeline p, const char *name)
{
	for (unsigned int t = 0; t < OVN_MAX_TABLES; t++) {
		const char *n = ovnbpf_stage_name(OVN_DP_SWITCH, p, t);

		if (n && !strcmp(n, name))
			return (int)t;
	}
	return -1;
}

bool synth_key_local(const uint32_t *ldp, size_t n, uint32_t k)
{
	for (size_t i = 0; i < n; i++)
		if (ldp[i] == k)
			return true;
	return false;
}

static char *key_of(uint32_t dp, uint8_t pl, int table, int prio, const char *match)
{
	return xasprintf("%u\x01%u\x01%d\x01%d\x01%s", dp, pl, table, prio, match);
}

void synth_want_add(struct synth_want *w, uint32_t dp, uint8_t pl, int table, uint16_t prio,
		    const char *match, const char *actions)
{
	struct compile_lflow *f;
	char *k;

	if (table < 0)
		return;
	k = key_of(dp, pl, table, prio, match);
	if (smap_get(&w->existing, k) || smap_get(&w->keys, k)) {
		free(k);
		return;
	}
	f = xcalloc(1, sizeof(*f));
	f->dp = dp;
	f->pipeline = pl;
	f->table = (uint8_t)table;
	f->priority = prio;
	f->match = xstrndup(match, strlen(match));
	f->actions = xstrndup(actions, strlen(actions));
	smap_put(&w->keys, k, f);
	free(k);
}

void synth_want_existing(struct synth_want *w, uint32_t dp, uint8_t pl, int table, int prio,
			 const char *match)
{
	char *k = key_of(dp, pl, table, prio, match);

	smap_put(&w->existing, k, (void *)1);
	free(k);
}

void synth_want_existing_row(struct synth_want *w, uint32_t dp, const struct ovsdb_row *row)
{
	const char *pl = sb_row_string(row, "pipeline") ?: "";

	synth_want_existing(w, dp, !strcmp(pl, "egress") ? OVN_PIPE_EGRESS : OVN_PIPE_INGRESS,
			    (int)sb_row_int(row, "table_id", -1), (int)sb_row_int(row, "priority", 0),
			    sb_row_string(row, "match") ?: "");
}

static void lflow_free(void *p)
{
	struct compile_lflow *f = p;

	if (f) {
		free((char *)f->match);
		free((char *)f->actions);
		free(f);
	}
}

int synth_set_sync(struct synth_set *s, struct synth_want *w)
{
	char **gone = NULL;
	size_t i = 0, n_gone = 0;
	const char *k;
	void *v;
	int changes = 0;

	while (smap_next(&s->installed, &i, &k, &v)) {
		if (!smap_get(&w->keys, k)) {
			gone = xrealloc(gone, (n_gone + 1) * sizeof(*gone));
			gone[n_gone++] = xstrndup(k, strlen(k));
		}
	}
	for (i = 0; i < n_gone; i++) {
		char *uuid = xasprintf("%s\x01%s", s->prefix, gone[i]);

		compile_flow_del(s->c, uuid);
		smap_del(&s->installed, gone[i]);
		pr_dbg(MOD, "%s: removed %s", s->prefix, gone[i]);
		free(uuid);
		free(gone[i]);
		changes++;
	}
	free(gone);
	i = 0;
	while (smap_next(&w->keys, &i, &k, &v)) {
		struct compile_lflow *f = v;
		char *uuid;

		if (smap_get(&s->installed, k))
			continue;
		uuid = xasprintf("%s\x01%s", s->prefix, k);
		f->uuid = uuid;
		if (!compile_flow_add(s->c, f)) {
			smap_put(&s->installed, k, (void *)1);
			changes++;
			pr_dbg(MOD, "%s: dp %u: %s priority %u: %s", s->prefix, f->dp,
			       ovnbpf_stage_name(OVN_DP_SWITCH, f->pipeline, f->table), f->priority,
			       f->match);
		}
		f->uuid = NULL;
		free(uuid);
	}
	smap_destroy(&w->keys, lflow_free);
	smap_destroy(&w->existing, NULL);
	return changes;
}

bool synth_set_installed(const struct synth_set *s, uint32_t dp, const char *stage,
			 uint16_t prio, const char *match)
{
	bool egress = !strncmp(stage, "ls_out_", 7);
	int t = synth_stage(egress ? OVN_PIPE_EGRESS : OVN_PIPE_INGRESS, stage);
	char *k = key_of(dp, egress ? 1u : 0u, t, prio, match);
	bool r = smap_get(&s->installed, k) != NULL;

	free(k);
	return r;
}

void synth_set_destroy(struct synth_set *s)
{
	smap_destroy(&s->installed, NULL);
}

bool synth_tracked(const struct ovsdb_replica *r, synth_flow_pred relevant, const void *arg)
{
	static const char *const tables[] = { "SB_Global", "Port_Binding", "Logical_DP_Group",
					      "Datapath_Binding" };
	const struct ovsdb_table *t;
	const struct ovsdb_row *row;

	for (size_t i = 0; i < sizeof(tables) / sizeof(tables[0]); i++) {
		t = ovsdb_replica_find_table(r, tables[i]);
		if (t && t->ts && ovsdb_table_tracked_first(t))
			return true;
	}
	t = ovsdb_replica_find_table(r, "Logical_Flow");
	for (row = t && t->ts ? ovsdb_table_tracked_first(t) : NULL; row;
	     row = ovsdb_row_tracked_next(row))
		if (relevant(row, arg))
			return true;
	return false;
}
