// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * The Southbound of a trace: read once, compiled whole -- every datapath
 * and every port, wherever it is bound, since a trace follows the packet
 * through the whole logical network as ovn-trace does -- and kept as names
 * (datapaths, ports, logical flows) to print the recorded path with.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "loader/actions.h"
#include "loader/compile.h"
#include "loader/compile_map.h"
#include "loader/ct_skip.h"
#include "loader/dhcp_opts.h"
#include "loader/mac_binding.h"
#include "loader/sb_row.h"
#include "loader/trace.h"
#include "ovsdb-client/client.h"

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

static char *xstr(const char *s)
{
	char *d = strdup(s ? s : "");

	if (!d)
		abort();
	return d;
}

static void *xgrow(void *p, size_t n, size_t size)
{
	p = realloc(p, (n + 1) * size);
	if (!p)
		abort();
	return p;
}

/* Tables read and why. */
enum {
	T_DPB, T_PB, T_LF, T_DPG, T_MCG, T_AS, T_PG, T_FDB, T_DHCP, T_DHCP6, T_SBG, T_MB, T_SMB,
	T_N
};
static const char *const table_names[T_N] = {
	"Datapath_Binding", "Port_Binding", "Logical_Flow", "Logical_DP_Group",
	"Multicast_Group", "Address_Set", "Port_Group", "FDB", "DHCP_Options",
	"DHCPv6_Options", "SB_Global", "MAC_Binding", "Static_MAC_Binding",
};

struct load_ctx {
	struct trace_sb *sb;
	size_t errors;
};

static void report(void *aux, enum compile_report_kind kind, const char *uuid,
		   const char *reason, const char *detail)
{
	struct load_ctx *l = aux;

	if (kind == COMPILE_R_UNSUPPORTED)
		return;
	l->errors++;
	if (getenv("OVNBPF_TRACE_DEBUG"))
		fprintf(stderr, "ovnbpfctl trace: flow %s: %s%s%s\n", uuid ? uuid : "-",
			reason, detail ? ": " : "", detail ? detail : "");
}

static bool all_resident(void *aux, const char *port)
{
	/* As ovn-trace: every port that exists is resident. */
	return trace_sb_port_by_name(((struct load_ctx *)aux)->sb, port) != NULL;
}

static uint32_t dp_key_of(struct ovsdb_table *dpb, const struct ovsdb_uuid *u)
{
	const struct ovsdb_row *r = u && dpb->ts ? ovsdb_table_find(dpb, u) : NULL;

	return r ? (uint32_t)sb_row_int(r, "tunnel_key", 0) : 0;
}

static void add_lflow(struct trace_sb *sb, struct compiler *c, const struct ovsdb_row *row,
		      uint32_t dp, bool per_dp)
{
	const char *pl = sb_row_string(row, "pipeline") ?: "";
	const char *stage = sb_row_smap_get(row, "external_ids", "stage-name");
	struct trace_lflow *f;
	char key[OVSDB_UUID_LEN + 16];
	struct compile_lflow cf = {
		.dp = dp,
		.pipeline = !strcmp(pl, "egress") ? OVN_PIPE_EGRESS : OVN_PIPE_INGRESS,
		.table = (uint8_t)sb_row_int(row, "table_id", 0),
		.priority = (uint16_t)sb_row_int(row, "priority", 0),
		.match = sb_row_string(row, "match") ?: "",
		.actions = sb_row_string(row, "actions") ?: "",
	};
	const struct trace_dp *d = trace_sb_dp(sb, dp);

	sb->lflows = xgrow(sb->lflows, sb->n_lflows, sizeof(*sb->lflows));
	f = &sb->lflows[sb->n_lflows++];
	memset(f, 0, sizeof(*f));
	ovsdb_uuid_to_string(&row->uuid, f->uuid);
	f->dp = dp;
	f->pipeline = cf.pipeline;
	f->table = cf.table;
	f->priority = cf.priority;
	f->match = xstr(cf.match);
	f->actions = xstr(cf.actions);
	f->stage = xstr(stage ? stage : ovnbpf_stage_name(d ? d->type : OVN_DP_SWITCH,
							  cf.pipeline, cf.table));
	if (per_dp)
		snprintf(key, sizeof(key), "%s/%u", f->uuid, dp);
	else
		snprintf(key, sizeof(key), "%s", f->uuid);
	cf.uuid = key;
	compile_flow_add(c, &cf);
}

static const char **strings_of(const struct ovsdb_row *row, const char *col, size_t *n)
{
	const struct ovsdb_datum *d = sb_row_datum(row, col, OVSDB_TYPE_STRING);
	const char **v = calloc((d ? d->n : 0) + 1, sizeof(*v));

	*n = 0;
	if (!v)
		abort();
	for (size_t i = 0; d && i < d->n; i++)
		v[(*n)++] = d->keys[i].string;
	return v;
}

static void compile_all(struct trace_sb *sb, struct compiler *c, struct ovsdb_table **t)
{
	const struct ovsdb_row *row;
	size_t n;

	OVSDB_TABLE_FOR_EACH(row, t[T_DPB])
		compile_datapath_add(c, (uint32_t)sb_row_int(row, "tunnel_key", 0),
				     sb_row_smap_get(row, "external_ids", "logical-router")
				     ? OVN_DP_ROUTER : OVN_DP_SWITCH);
	OVSDB_TABLE_FOR_EACH(row, t[T_PB]) {
		struct compile_port cp = {
			.name = sb_row_string(row, "logical_port"),
			.dp = dp_key_of(t[T_DPB], sb_row_uuid(row, "datapath")),
			.key = (uint32_t)sb_row_int(row, "tunnel_key", 0),
			.type = sb_row_string(row, "type") ?: "",
			.peer = sb_row_smap_get(row, "options", "peer") ?:
				sb_row_smap_get(row, "options", "router-port") ?:
				sb_row_smap_get(row, "options", "distributed-port"),
		};
		const char **ps;

		if (!cp.name || !cp.dp)
			continue;
		/* No ifindex: the port is "remote", which a trace delivers
		 * to like any other (bpf/lib/trace.h).  The conntrack zone
		 * is the port key, as ovnbpfd gives a local VIF. */
		cp.ct_zone = cp.key;
		ps = strings_of(row, "port_security", &n);
		cp.port_security = ps;
		cp.n_port_security = n;
		compile_port_add(c, &cp);
		free(ps);
	}
	if (t[T_MCG]->ts) {
		OVSDB_TABLE_FOR_EACH(row, t[T_MCG]) {
			const struct ovsdb_datum *d = sb_row_datum(row, "ports", OVSDB_TYPE_UUID);
			const char **names = calloc((d ? d->n : 0) + 1, sizeof(*names));
			uint32_t dp = dp_key_of(t[T_DPB], sb_row_uuid(row, "datapath"));

			n = 0;
			for (size_t i = 0; names && d && i < d->n; i++) {
				const struct ovsdb_row *pr = ovsdb_table_find(t[T_PB], &d->keys[i].uuid);
				const char *pn = pr ? sb_row_string(pr, "logical_port") : NULL;

				if (pn)
					names[n++] = pn;
			}
			if (names && dp)
				compile_mcgroup_set(c, dp, (uint32_t)sb_row_int(row, "tunnel_key", 0),
						    sb_row_string(row, "name") ?: "", names, n);
			free(names);
		}
	}
	if (t[T_AS]->ts) {
		OVSDB_TABLE_FOR_EACH(row, t[T_AS]) {
			const char **v = strings_of(row, "addresses", &n);

			if (sb_row_string(row, "name"))
				compile_addr_set_set(c, sb_row_string(row, "name"), v, n);
			free(v);
		}
	}
	if (t[T_PG]->ts) {
		OVSDB_TABLE_FOR_EACH(row, t[T_PG]) {
			const char **v = strings_of(row, "ports", &n);

			if (sb_row_string(row, "name"))
				compile_port_group_set(c, sb_row_string(row, "name"), v, n);
			free(v);
		}
	}
	if (t[T_FDB]->ts) {
		OVSDB_TABLE_FOR_EACH(row, t[T_FDB]) {
			const char *mac = sb_row_string(row, "mac");
			unsigned int b[6];
			uint8_t m[6];

			if (!mac || sscanf(mac, "%x:%x:%x:%x:%x:%x", &b[0], &b[1], &b[2], &b[3],
					   &b[4], &b[5]) != 6)
				continue;
			for (int i = 0; i < 6; i++)
				m[i] = b[i];
			compile_fdb_add(c, (uint32_t)sb_row_int(row, "dp_key", 0), m,
					(uint32_t)sb_row_int(row, "port_key", 0));
		}
	}
	OVSDB_TABLE_FOR_EACH(row, t[T_LF]) {
		const struct ovsdb_uuid *gu = sb_row_uuid(row, "logical_dp_group");
		const struct ovsdb_row *g;
		const struct ovsdb_datum *d;
		uint32_t dp = dp_key_of(t[T_DPB], sb_row_uuid(row, "logical_datapath"));

		if (dp) {
			add_lflow(sb, c, row, dp, false);
			continue;
		}
		g = gu && t[T_DPG]->ts ? ovsdb_table_find(t[T_DPG], gu) : NULL;
		d = g ? sb_row_datum(g, "datapaths", OVSDB_TYPE_UUID) : NULL;
		for (size_t i = 0; d && i < d->n; i++) {
			dp = dp_key_of(t[T_DPB], &d->keys[i].uuid);
			if (dp)
				add_lflow(sb, c, row, dp, true);
		}
	}
}

static bool every_dp_local(void *aux, uint32_t dp)
{
	(void)aux;
	(void)dp;
	return true;
}

/* The neighbour table get_arp/get_nd/lookup_arp read, as ovnbpfd fills it
 * (loader/mac_binding.c): SB MAC_Binding and Static_MAC_Binding of every
 * datapath.  (ovn-trace 23.03 reads MAC_Binding only.) */
static void neighbours_all(struct compiler *c, struct ovnbpf_writer *w,
			   struct ovsdb_table *const t[T_N])
{
	struct mac_bindings *mb = mac_bindings_new(ovnbpf_writer_maps(w)->mac_bind);
	const struct ovsdb_row *row;

	OVSDB_TABLE_FOR_EACH(row, t[T_MB])
		mac_binding_sync_row(mb, c, every_dp_local, NULL, row, false);
	OVSDB_TABLE_FOR_EACH(row, t[T_SMB])
		mac_binding_sync_row(mb, c, every_dp_local, NULL, row, true);
	mac_bindings_free(mb);
}

/* The Kube-OVN conntrack skip flows ovnbpfd adds (loader/ct_skip.h), on
 * every switch: a trace counts every datapath as local. */
static int ct_skip_all(const struct trace_sb *sb, struct compiler *c, struct ovsdb_client *cl)
{
	uint32_t *keys = calloc(sb->n_dps + 1, sizeof(*keys));
	struct ct_skip *cs = NULL;
	int err;

	if (!keys)
		return -ENOMEM;
	for (size_t i = 0; i < sb->n_dps; i++)
		keys[i] = sb->dps[i].key;
	err = ct_skip_new(c, &cs);
	if (!err)
		ct_skip_sync(cs, ovsdb_client_replica(cl), keys, sb->n_dps);
	ct_skip_free(cs);
	free(keys);
	return err;
}

int trace_sb_load(struct trace_sb *sb, const char *remote, int timeout_s,
		  struct compiler **cp, struct ovnbpf_writer *w)
{
	struct ovsdb_client_options co = {
		.database = "OVN_Southbound",
		.remote = remote,
		.probe_interval_ms = 0,
	};
	static struct dhcp_opts d4, d6;
	struct load_ctx *lc = calloc(1, sizeof(*lc));
	struct compile_opts opts = { .report = report, .is_chassis_resident = all_resident };
	struct ovsdb_table *t[T_N];
	struct ovsdb_client *cl;
	const struct ovsdb_row *row;
	long long deadline;
	int err = -EIO, i;

	*cp = NULL;
	memset(sb, 0, sizeof(*sb));
	if (!lc)
		return -ENOMEM;
	lc->sb = sb;
	opts.aux = lc;
	cl = ovsdb_client_create(&co);
	if (!cl) {
		fprintf(stderr, "ovnbpfctl trace: cannot create a client for %s\n", remote);
		free(lc);
		return -EINVAL;
	}
	for (i = 0; i < T_N; i++) {
		t[i] = ovsdb_client_monitor(cl, table_names[i], NULL);
		if (!t[i]) {
			fprintf(stderr, "ovnbpfctl trace: cannot monitor %s\n", table_names[i]);
			goto out;
		}
	}
	deadline = now_ms() + timeout_s * 1000LL;
	while (!ovsdb_client_is_synced(cl)) {
		long long left = deadline - now_ms();

		if (left <= 0) {
			fprintf(stderr, "ovnbpfctl trace: %s: no southbound snapshot within %d s\n",
				remote, timeout_s);
			err = -ETIMEDOUT;
			goto out;
		}
		ovsdb_client_poll_once(cl, left > 100 ? 100 : (int)left);
	}
	if (!t[T_DPB]->ts || !t[T_PB]->ts || !t[T_LF]->ts) {
		fprintf(stderr, "ovnbpfctl trace: %s is not an OVN southbound DB\n", remote);
		goto out;
	}
	/* Names first: the compiler's resident test looks ports up. */
	OVSDB_TABLE_FOR_EACH(row, t[T_DPB]) {
		struct trace_dp *d;
		const char *name = sb_row_smap_get(row, "external_ids", "name");

		sb->dps = xgrow(sb->dps, sb->n_dps, sizeof(*sb->dps));
		d = &sb->dps[sb->n_dps++];
		d->key = (uint32_t)sb_row_int(row, "tunnel_key", 0);
		d->type = sb_row_smap_get(row, "external_ids", "logical-router") ? OVN_DP_ROUTER
										 : OVN_DP_SWITCH;
		ovsdb_uuid_to_string(&row->uuid, d->uuid);
		d->name = xstr(name ? name : d->uuid);
	}
	OVSDB_TABLE_FOR_EACH(row, t[T_PB]) {
		struct trace_port *p;

		if (!sb_row_string(row, "logical_port"))
			continue;
		sb->ports = xgrow(sb->ports, sb->n_ports, sizeof(*sb->ports));
		p = &sb->ports[sb->n_ports++];
		p->name = xstr(sb_row_string(row, "logical_port"));
		p->type = xstr(sb_row_string(row, "type"));
		p->dp = dp_key_of(t[T_DPB], sb_row_uuid(row, "datapath"));
		p->key = (uint32_t)sb_row_int(row, "tunnel_key", 0);
	}
	dhcp_opts_load(&d4, t[T_DHCP]);
	dhcp_opts_load(&d6, t[T_DHCP6]);
	err = compiler_new(w, &opts, cp);
	if (err)
		goto out;
	compile_set_opt_tables(*cp, &d4.t, &d6.t);
	compile_all(sb, *cp, t);
	neighbours_all(*cp, w, t);
	err = ct_skip_all(sb, *cp, cl);
	if (!err)
		err = compile_commit(*cp);
	if (err)
		fprintf(stderr, "ovnbpfctl trace: commit of the compiled flows failed: %s\n",
			strerror(-err));
	sb->n_errors = lc->errors;
out:
	/* Every string kept was copied: the client (and replica) can go.
	 * The option tables' strings are only read while compiling. */
	ovsdb_client_destroy(cl);
	if (err) {
		compiler_free(*cp);
		*cp = NULL;
	}
	dhcp_opts_free(&d4);
	dhcp_opts_free(&d6);
	/* The compiler's report callback keeps LC: leaked on purpose until
	 * the compiler is freed at exit (one small struct). */
	return err;
}

/* A conntrack skip flow (key "DP\x01PIPELINE\x01TABLE\x01PRIO\x01MATCH",
 * loader/ct_skip.c) as a row of its own, to print it with. */
static int32_t ct_skip_lflow(struct trace_sb *sb, const char *key)
{
	unsigned int dp, pl, table, prio;
	const struct trace_dp *d;
	struct trace_lflow *f;
	const char *match = key;

	if (sscanf(key, "%u\x01%u\x01%u\x01%u\x01", &dp, &pl, &table, &prio) != 4)
		return -1;
	for (int i = 0; i < 4 && match; i++)
		if ((match = strchr(match, '\x01')))
			match++;
	if (!match)
		return -1;
	d = trace_sb_dp(sb, dp);
	sb->lflows = xgrow(sb->lflows, sb->n_lflows, sizeof(*sb->lflows));
	f = &sb->lflows[sb->n_lflows];
	memset(f, 0, sizeof(*f));
	snprintf(f->uuid, sizeof(f->uuid), "ct-skip (ovnbpfd, Kube-OVN)");
	f->dp = dp;
	f->pipeline = pl ? OVN_PIPE_EGRESS : OVN_PIPE_INGRESS;
	f->table = (uint8_t)table;
	f->priority = (uint16_t)prio;
	f->match = xstr(match);
	f->actions = xstr("next;");
	f->stage = xstr(ovnbpf_stage_name(d ? d->type : OVN_DP_SWITCH, f->pipeline, f->table));
	return (int32_t)sb->n_lflows++;
}

static void index_one(void *aux, const char *key, const uint32_t *ids, size_t n)
{
	struct trace_sb *sb = aux;
	char uuid[OVSDB_UUID_LEN + 1];
	uint32_t dp = 0;
	int32_t lf = -1;
	char *helper = NULL;

	if (!strncmp(key, "ps\x01", 3)) {
		const char *p = key + 3, *e = strchr(p, '\x01');

		if (asprintf(&helper, "port security of \"%.*s\"", e ? (int)(e - p) : (int)strlen(p),
			     p) < 0)
			helper = NULL;
	} else if (!strncmp(key, "psc\x01", 4)) {
		/* loader/port_security.c: one flow for every port of a class,
		 * the port's addresses being set members. */
		helper = xstr(TRACE_PS_SETS);
	} else if (!strncmp(key, "fdb\x01", 4)) {
		helper = xstr("FDB entry");
	} else if (!strncmp(key, "fam\x01", 4)) {
		/* A flow family: its member rows, by port (index_fam()). */
	} else if (!strncmp(key, "ctskip\x01", 7)) {
		lf = ct_skip_lflow(sb, key + 7);
	} else {
		snprintf(uuid, sizeof(uuid), "%.*s", OVSDB_UUID_LEN, key);
		if (key[strlen(uuid)] == '/')
			dp = strtoul(key + strlen(uuid) + 1, NULL, 10);
		for (size_t i = 0; i < sb->n_lflows && lf < 0; i++)
			if (!strcmp(sb->lflows[i].uuid, uuid) && (!dp || sb->lflows[i].dp == dp))
				lf = (int32_t)i;
	}
	for (size_t i = 0; i < n; i++) {
		uint32_t id = ids[i];

		if (id >= sb->n_ids) {
			size_t nn = id + 1024;

			sb->id_lflow = realloc(sb->id_lflow, nn * sizeof(*sb->id_lflow));
			sb->id_helper = realloc(sb->id_helper, nn * sizeof(*sb->id_helper));
			if (!sb->id_lflow || !sb->id_helper)
				abort();
			for (size_t j = sb->n_ids; j < nn; j++) {
				sb->id_lflow[j] = -1;
				sb->id_helper[j] = NULL;
			}
			sb->n_ids = nn;
		}
		sb->id_lflow[id] = lf;
		if (helper && !sb->id_helper[id])
			sb->id_helper[id] = xstr(helper);
	}
	free(helper);
}

static int32_t lflow_by_key(const struct trace_sb *sb, const char *key)
{
	char uuid[OVSDB_UUID_LEN + 1];
	uint32_t dp = 0;

	snprintf(uuid, sizeof(uuid), "%.*s", OVSDB_UUID_LEN, key);
	if (key[strlen(uuid)] == '/')
		dp = strtoul(key + strlen(uuid) + 1, NULL, 10);
	for (size_t i = 0; i < sb->n_lflows; i++)
		if (!strcmp(sb->lflows[i].uuid, uuid) && (!dp || sb->lflows[i].dp == dp))
			return (int32_t)i;
	return -1;
}

static void index_fam(void *aux, uint32_t flow, bool outport, uint32_t port, const char *key)
{
	struct trace_sb *sb = aux;
	struct trace_fam *x;

	sb->fams = xgrow(sb->fams, sb->n_fams, sizeof(*sb->fams));
	x = &sb->fams[sb->n_fams++];
	x->flow = flow;
	x->outport = outport;
	x->port = port;
	x->lf = lflow_by_key(sb, key);
}

void trace_sb_index(struct trace_sb *sb, const struct compiler *c)
{
	compile_for_each_flow(c, index_one, sb);
	compile_for_each_family_member(c, index_fam, sb);
}

int32_t trace_sb_flow_lflow(const struct trace_sb *sb, uint32_t flow, uint32_t inport,
			    uint32_t outport)
{
	if (flow < sb->n_ids && sb->id_lflow[flow] >= 0)
		return sb->id_lflow[flow];
	for (size_t i = 0; i < sb->n_fams; i++)
		if (sb->fams[i].flow == flow &&
		    sb->fams[i].port == (sb->fams[i].outport ? outport : inport))
			return sb->fams[i].lf;
	return -1;
}

void trace_sb_free(struct trace_sb *sb)
{
	size_t i;

	for (i = 0; i < sb->n_dps; i++)
		free(sb->dps[i].name);
	for (i = 0; i < sb->n_ports; i++) {
		free(sb->ports[i].name);
		free(sb->ports[i].type);
	}
	for (i = 0; i < sb->n_lflows; i++) {
		free(sb->lflows[i].match);
		free(sb->lflows[i].actions);
		free(sb->lflows[i].stage);
	}
	for (i = 0; i < sb->n_ids; i++)
		free(sb->id_helper[i]);
	free(sb->dps);
	free(sb->ports);
	free(sb->lflows);
	free(sb->id_lflow);
	free(sb->id_helper);
	free(sb->fams);
	memset(sb, 0, sizeof(*sb));
}

const struct trace_dp *trace_sb_dp(const struct trace_sb *sb, uint32_t key)
{
	for (size_t i = 0; i < sb->n_dps; i++)
		if (sb->dps[i].key == key)
			return &sb->dps[i];
	return NULL;
}

const struct trace_dp *trace_sb_dp_by_name(const struct trace_sb *sb, const char *name)
{
	const struct trace_dp *hit = NULL;
	size_t i, n = 0, len = strlen(name);

	/* By name, else by UUID or a unique UUID prefix (as ovn-trace). */
	for (i = 0; i < sb->n_dps; i++)
		if (!strcmp(sb->dps[i].name, name))
			return &sb->dps[i];
	for (i = 0; len >= 4 && i < sb->n_dps; i++)
		if (!strncmp(sb->dps[i].uuid, name, len)) {
			hit = &sb->dps[i];
			n++;
		}
	return n == 1 ? hit : NULL;
}

const struct trace_port *trace_sb_port(const struct trace_sb *sb, uint32_t dp, uint32_t key)
{
	for (size_t i = 0; i < sb->n_ports; i++)
		if (sb->ports[i].dp == dp && sb->ports[i].key == key)
			return &sb->ports[i];
	return NULL;
}

const struct trace_port *trace_sb_port_by_name(const struct trace_sb *sb, const char *name)
{
	for (size_t i = 0; i < sb->n_ports; i++)
		if (!strcmp(sb->ports[i].name, name))
			return &sb->ports[i];
	return NULL;
}

const char *trace_sb_stage(const struct trace_sb *sb, uint32_t dp, uint8_t pipeline,
			   uint8_t table)
{
	const struct trace_dp *d = trace_sb_dp(sb, dp);

	if (pipeline == OVN_PIPE_HELPER)
		return ovnbpf_stage_name(OVN_DP_SWITCH, pipeline, table);
	for (size_t i = 0; i < sb->n_lflows; i++) {
		const struct trace_lflow *f = &sb->lflows[i];

		if (f->dp == dp && f->pipeline == pipeline && f->table == table)
			return f->stage;
	}
	return ovnbpf_stage_name(d ? d->type : OVN_DP_SWITCH, pipeline, table);
}

const struct trace_lflow *trace_sb_passthrough(const struct trace_sb *sb, uint32_t dp,
					       uint8_t pipeline, uint8_t table)
{
	const struct trace_lflow *hit = NULL;

	for (size_t i = 0; i < sb->n_lflows; i++) {
		const struct trace_lflow *f = &sb->lflows[i];

		if (f->dp != dp || f->pipeline != pipeline || f->table != table)
			continue;
		if (hit || strcmp(f->actions, "next;"))
			return NULL;
		hit = f;
	}
	return hit;
}
