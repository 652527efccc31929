// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* Test helper: an SB database (as sb_corpus_load() returns it) into the
 * compiler, the way ovnbpfd will feed it from the OVSDB monitor. */
#include <stdlib.h>
#include <string.h>

#include "tests/bpf/compile_sb.h"
#include "tests/unit/sb_corpus.h"

/* Elements of an OVSDB set value (a lone atom is a set of one). */
static size_t set_items(json_t *v, json_t **items)
{
	if (json_is_array(v) && json_array_size(v) == 2 &&
	    !strcmp(json_string_value(json_array_get(v, 0)) ?: "", "set")) {
		*items = json_array_get(v, 1);
		return json_array_size(*items);
	}
	*items = v;
	return v ? 1 : 0;
}

/* DHCP option tables of the last SB loaded (strings point into it). */
static struct action_opt_def opt_defs[2][512];
static struct action_opt_table opt_tables[2];

static void load_opts(json_t *db, int v6)
{
	json_t *row;
	const char *uuid;
	size_t n = 0;

	json_object_foreach(sb_corpus_table(db, v6 ? "DHCPv6_Options" : "DHCP_Options"), uuid, row) {
		if (n == 512)
			break;
		opt_defs[v6][n].name = json_string_value(json_object_get(row, "name"));
		opt_defs[v6][n].code = json_integer_value(json_object_get(row, "code"));
		opt_defs[v6][n].type = json_string_value(json_object_get(row, "type"));
		if (opt_defs[v6][n].name && opt_defs[v6][n].type)
			n++;
	}
	opt_tables[v6].defs = opt_defs[v6];
	opt_tables[v6].n = n;
}

static const char *uuid_of(json_t *v)
{
	/* ["uuid", "..."] */
	if (json_is_array(v) && json_array_size(v) == 2)
		return json_string_value(json_array_get(v, 1));
	return NULL;
}

static const char *map_get(json_t *v, const char *key)
{
	json_t *pairs, *p;
	size_t i;

	if (!json_is_array(v) || json_array_size(v) != 2)
		return NULL;
	pairs = json_array_get(v, 1);
	json_array_foreach(pairs, i, p)
		if (!strcmp(json_string_value(json_array_get(p, 0)) ?: "", key))
			return json_string_value(json_array_get(p, 1));
	return NULL;
}

/* Strings of a set column. */
static size_t set_strings(json_t *v, const char ***out)
{
	json_t *items;
	size_t n = 0, i;

	*out = calloc(1, sizeof(**out));
	if (json_is_string(v)) {
		(*out)[0] = json_string_value(v);
		return 1;
	}
	set_items(v, &items);
	if (!json_is_array(items))
		return 0;
	*out = calloc(json_array_size(items) + 1, sizeof(**out));
	json_array_foreach(items, i, v)
		if (json_is_string(v))
			(*out)[n++] = json_string_value(v);
	return n;
}

/* UUIDs of a set-of-uuid column. */
static size_t set_uuids(json_t *v, const char ***out)
{
	json_t *items;
	size_t n = 0, i;

	*out = calloc(1, sizeof(**out));
	if (uuid_of(v) && json_is_string(json_array_get(v, 0)) &&
	    !strcmp(json_string_value(json_array_get(v, 0)), "uuid")) {
		(*out)[0] = uuid_of(v);
		return 1;
	}
	set_items(v, &items);
	if (!json_is_array(items))
		return 0;
	free(*out);
	*out = calloc(json_array_size(items) + 1, sizeof(**out));
	json_array_foreach(items, i, v)
		if (uuid_of(v))
			(*out)[n++] = uuid_of(v);
	return n;
}

size_t compile_sb_load(json_t *db, struct compiler *c,
		       uint32_t (*ifindex)(void *aux, const char *port), void *aux)
{
	json_t *dps = sb_corpus_table(db, "Datapath_Binding");
	json_t *pbs = sb_corpus_table(db, "Port_Binding");
	json_t *row, *groups = sb_corpus_table(db, "Logical_DP_Group");
	const char *uuid;
	size_t n = 0;

	load_opts(db, 0);
	load_opts(db, 1);
	compile_set_opt_tables(c, &opt_tables[0], &opt_tables[1]);
	json_object_foreach(dps, uuid, row) {
		json_t *ext = json_object_get(row, "external_ids");

		compile_datapath_add(c, json_integer_value(json_object_get(row, "tunnel_key")),
				     map_get(ext, "logical-router") ? OVN_DP_ROUTER : OVN_DP_SWITCH);
	}
	json_object_foreach(pbs, uuid, row) {
		json_t *dpr = json_object_get(dps, uuid_of(json_object_get(row, "datapath")) ?: "");
		json_t *opts = json_object_get(row, "options");
		const char *type = json_string_value(json_object_get(row, "type")) ?: "";
		const char **ps;
		struct compile_port p = {
			.name = json_string_value(json_object_get(row, "logical_port")),
			.key = json_integer_value(json_object_get(row, "tunnel_key")),
			.type = type,
			.peer = map_get(opts, "peer") ?: map_get(opts, "router-port"),
		};

		if (!dpr || !p.name)
			continue;
		p.dp = json_integer_value(json_object_get(dpr, "tunnel_key"));
		p.n_port_security = set_strings(json_object_get(row, "port_security"), &ps);
		p.port_security = ps;
		p.ifindex = ifindex && !*type ? ifindex(aux, p.name) : 0;
		p.ct_zone = p.ifindex ? p.key : 0;
		compile_port_add(c, &p);
		free(ps);
	}
	json_object_foreach(sb_corpus_table(db, "Multicast_Group"), uuid, row) {
		json_t *dpr = json_object_get(dps, uuid_of(json_object_get(row, "datapath")) ?: "");
		const char **pu, **names;
		size_t k = set_uuids(json_object_get(row, "ports"), &pu), m = 0;

		names = calloc(k + 1, sizeof(*names));
		for (size_t i = 0; i < k; i++) {
			json_t *pr = json_object_get(pbs, pu[i]);

			if (pr)
				names[m++] = json_string_value(json_object_get(pr, "logical_port"));
		}
		if (dpr)
			compile_mcgroup_set(c, json_integer_value(json_object_get(dpr, "tunnel_key")),
					    json_integer_value(json_object_get(row, "tunnel_key")),
					    json_string_value(json_object_get(row, "name")), names, m);
		free(pu);
		free(names);
	}
	json_object_foreach(sb_corpus_table(db, "Address_Set"), uuid, row) {
		const char **a;
		size_t k = set_strings(json_object_get(row, "addresses"), &a);

		compile_addr_set_set(c, json_string_value(json_object_get(row, "name")), a, k);
		free(a);
	}
	json_object_foreach(sb_corpus_table(db, "Port_Group"), uuid, row) {
		const char **a;
		size_t k = set_strings(json_object_get(row, "ports"), &a);

		compile_port_group_set(c, json_string_value(json_object_get(row, "name")), a, k);
		free(a);
	}
	json_object_foreach(sb_corpus_table(db, "Logical_Flow"), uuid, row) {
		const char *pl = json_string_value(json_object_get(row, "pipeline")) ?: "";
		struct compile_lflow f = {
			.uuid = uuid,
			.pipeline = !strcmp(pl, "egress") ? OVN_PIPE_EGRESS : OVN_PIPE_INGRESS,
			.table = json_integer_value(json_object_get(row, "table_id")),
			.priority = json_integer_value(json_object_get(row, "priority")),
			.match = json_string_value(json_object_get(row, "match")) ?: "",
			.actions = json_string_value(json_object_get(row, "actions")) ?: "",
		};
		const char *dpu = uuid_of(json_object_get(row, "logical_datapath"));
		const char **dl = NULL;
		size_t nd;
		char key[128];

		if (dpu) {
			dl = calloc(1, sizeof(*dl));
			dl[0] = dpu;
			nd = 1;
		} else {
			json_t *g = json_object_get(groups,
				uuid_of(json_object_get(row, "logical_dp_group")) ?: "");

			nd = g ? set_uuids(json_object_get(g, "datapaths"), &dl) : 0;
		}
		for (size_t i = 0; i < nd; i++) {
			json_t *dpr = json_object_get(dps, dl[i]);

			if (!dpr)
				continue;
			f.dp = json_integer_value(json_object_get(dpr, "tunnel_key"));
			/* One compiled copy per datapath of a group. */
			snprintf(key, sizeof(key), "%s/%u", uuid, f.dp);
			f.uuid = nd > 1 ? key : uuid;
			compile_flow_add(c, &f);
			n++;
		}
		free(dl);
	}
	return n;
}
