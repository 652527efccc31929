// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * Flows with pausing controller actions (put_dhcp_opts, ...): the daemon
 * that answers a punt needs the logical flow behind the writer flow id in
 * the punt event -- its actions (the options to answer with) and where it
 * sits (to resume there).  Only such flows are remembered.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "loader/compile_int.h"
#include "loader/strbuf.h"

static void pause_free(void *p)
{
	struct compile_pause *cp = p;

	if (cp) {
		free((char *)cp->actions);
		free(cp);
	}
}

void cc_pause_record(struct compiler *c, const struct compile_lflow *f)
{
	struct cc_rec *r = smap_get(&c->recs, f->uuid);
	char k[16];

	for (size_t i = 0; r && i < r->n; i++) {
		struct compile_pause *p = xcalloc(1, sizeof(*p));

		p->actions = xstrndup(f->actions, strlen(f->actions));
		p->dp = f->dp;
		p->pipeline = f->pipeline;
		p->table = f->table;
		snprintf(k, sizeof(k), "%u", r->ids[i]);
		pause_free(smap_put(&c->pauses, k, p));
	}
}

void cc_pause_forget(struct compiler *c, uint32_t flow_id)
{
	char k[16];

	snprintf(k, sizeof(k), "%u", flow_id);
	pause_free(smap_del(&c->pauses, k));
}

void cc_pause_free_all(struct compiler *c)
{
	smap_destroy(&c->pauses, pause_free);
}

const struct compile_pause *compile_pause_find(const struct compiler *c, uint32_t flow_id)
{
	char k[16];

	snprintf(k, sizeof(k), "%u", flow_id);
	return smap_get(&c->pauses, k);
}

int compile_pause_parse(struct compiler *c, const struct compile_pause *p,
			struct action_parse_result *res)
{
	struct action_parse_params pp = {
		.symtab = c->symtab,
		.dhcp_opts = c->opts.dhcp_opts,
		.dhcpv6_opts = c->opts.dhcpv6_opts,
		.pipeline = p->pipeline == OVN_PIPE_EGRESS ? ACT_P_EGRESS : ACT_P_INGRESS,
		.cur_table = p->table,
		.n_tables = cc_n_tables(c, p->dp, OVN_PIPE_INGRESS),
	};
	struct action_error aerr = { 0 };

	memset(res, 0, sizeof(*res));
	return actions_parse(p->actions, &pp, res, &aerr) ? -EINVAL : 0;
}
