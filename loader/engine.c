// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * The incremental engine (engine.h): SB replica changes -> compiler.
 *
 * Bookkeeping: what is installed is remembered by SB row UUID — each port
 * (name, datapath, ifindex) and each (logical flow, datapath) pair — so a
 * deleted row, or a row that stops applying here, is removed exactly.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "loader/bridge_mappings.h"
#include "loader/compile.h"
#include "loader/ct_zones.h"
#include "loader/dhcp_opts.h"
#include "loader/ctl_socket.h"
#include "loader/ct_skip.h"
#include "loader/lb_dnat_mac.h"
#include "loader/lb_hairpin.h"
#include "loader/engine.h"
#include "loader/gateway.h"
#include "loader/encaps.h"
#include "loader/local_datapaths.h"
#include "loader/local_vifs.h"
#include "loader/log.h"
#include "loader/meter.h"
#include "loader/port_security.h"
#include "loader/punt.h"
#include "loader/mac_binding.h"
#include "loader/sb_row.h"
#include "loader/sb_sync.h"
#include "loader/vport.h"
#include "ovsdb-client/client.h"

#define MOD "engine"

static uint64_t mono_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}
#define N_BUCKETS 4096u

/* One installed port (key: Port_Binding UUID). */
struct eport {
	struct eport *next;
	struct ovsdb_uuid uuid;
	char *name;
	uint32_t dp;
	uint32_t ifindex;
	uint32_t ct_zone;
	uint32_t chassis;		/* compile_port.chassis */
};

/* One logical flow compiled on one datapath (key: Logical_Flow UUID). */
struct eflow {
	struct eflow *next;
	struct ovsdb_uuid uuid;
	uint32_t dp;
	bool per_dp;			/* compiled under "UUID/dp" (dp group) */
	bool ok;			/* the compiler accepted it */
};

struct engine {
	struct sb_sync *sb;
	struct local_vifs *vifs;
	local_vifs_change_fn *next_change_fn;
	void *next_change_aux;
	struct compiler *c;
	struct ct_zones *zones;		/* NULL: zone = port key (tests) */
	struct ct_skip *cts;		/* Kube-OVN conntrack skip flows */
	struct lb_dnat_mac *dnat_mac;	/* Kube-OVN ls_dnat_mod_dl_dst flows */
	struct lb_hairpin *lbh;		/* LB hairpin data (ovn_lb_hairpin) */
	struct encaps *enc;		/* tunnel endpoints; NULL: no tunnels */
	struct ovsdb_table *encap;	/* SB Encap */
	struct ovnbpf_writer *w;

	struct ovsdb_replica *r;
	struct ovsdb_table *sb_global, *dpb, *pb, *lflow, *dp_group, *mcgroup;
	struct ovsdb_table *addr_set, *port_group, *fdb;
	struct ovsdb_table *meter, *meter_band;
	struct ovsdb_table *dhcp, *dhcpv6;
	struct dhcp_opts dhcp_opts, dhcpv6_opts;
	struct ovsdb_table *mac_binding, *static_mb, *lb;
	struct mac_bindings *mb;		/* the neighbour table */

	struct eport *ports[N_BUCKETS];
	struct eflow *flows[N_BUCKETS];
	uint32_t *ldp_keys;		/* tunnel keys of the local datapaths, sorted */
	size_t n_ldp;

	struct gateway_residency gr;	/* chassisredirect ports resident here */
	struct vport_residency vres;	/* virtual ports resident here */
	struct ovsdb_uuid gr_me;	/* the chassis gr was computed for */
	bool gr_have_me;

	bool loaded;			/* a full load happened */
	bool adopt_done;		/* stale pinned entries swept */
	bool bindings_changed;
	struct engine_stats st;
};

static unsigned int bucket(const struct ovsdb_uuid *u)
{
	return (u->parts[0] ^ u->parts[3]) % N_BUCKETS;
}

static void report(void *aux, enum compile_report_kind kind, const char *uuid,
		   const char *reason, const char *detail)
{
	struct engine *e = aux;

	if (kind == COMPILE_R_UNSUPPORTED) {
		pr_dbg(MOD, "flow %s: unsupported %s%s%s", uuid ? uuid : "-", reason,
		       detail ? ": " : "", detail ? detail : "");
		return;
	}
	if (kind == COMPILE_R_ERROR)
		e->st.flow_errors++;
	pr_warn(MOD, "flow %s: %s%s%s (skipped)", uuid ? uuid : "-", reason,
		detail ? ": " : "", detail ? detail : "");
}

/* is_chassis_resident("PORT"): a chassisredirect port when this chassis
 * is its active gateway (loader/gateway.h), any other port when it is
 * bound to a local interface. */
static bool engine_resident(void *aux, const char *port)
{
	struct engine *e = aux;
	struct binding *b;
	int r = gateway_residency_get(&e->gr, port);

	if (r >= 0)
		return r;
	if (vport_residency_has(&e->vres, port))
		return true;
	b = bindings_find_lport(&e->vifs->bindings, port);
	return b && b->ifindex > 0;
}

/* ---- local datapaths ---- */

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

static bool ldp_has(const struct engine *e, uint32_t key)
{
	return key && bsearch(&key, e->ldp_keys, e->n_ldp, sizeof(key), cmp_u32);
}

/* Tunnel key of a local Datapath_Binding, 0 if not local or unknown. */
static uint32_t local_dp_key(const struct engine *e, const struct ovsdb_uuid *u)
{
	const struct local_datapaths *ld = sb_sync_local_datapaths(e->sb);
	const struct ovsdb_row *row;

	if (!u || !local_datapaths_contains(ld, u) || !e->dpb->ts)
		return 0;
	row = ovsdb_table_find(e->dpb, u);
	return row ? (uint32_t)sb_row_int(row, "tunnel_key", 0) : 0;
}

static bool ldp_has_cb(void *aux, uint32_t key)
{
	return ldp_has(aux, key);
}

static enum ovn_dp_type dp_type(const struct ovsdb_row *row)
{
	return sb_row_smap_get(row, "external_ids", "logical-router") ? OVN_DP_ROUTER
								      : OVN_DP_SWITCH;
}

/* The DNAT/SNAT zones of local datapath ROW (key K), as ovn-controller
 * names their users: "<external_ids:name>_dnat" / "_snat". */
static void dp_zones(struct engine *e, const struct ovsdb_row *row, uint32_t k)
{
	const char *name = sb_row_smap_get(row, "external_ids", "name");
	const char *req = sb_row_smap_get(row, "external_ids", "snat-ct-zone");
	char user[300], fallback[32];
	uint16_t dnat, snat;

	if (!e->zones)
		return;
	if (!name) {
		snprintf(fallback, sizeof(fallback), "dp%u", k);
		name = fallback;
	}
	snprintf(user, sizeof(user), "%s_dnat", name);
	dnat = ct_zones_get(e->zones, user, 0);
	snprintf(user, sizeof(user), "%s_snat", name);
	snat = ct_zones_get(e->zones, user, req ? atoi(req) : 0);
	compile_datapath_set_zones(e->c, k, dnat, snat);
}

/* Recompute the local datapath keys; add new ones to the compiler.
 * Returns true when the set changed. */
static bool update_local_dps(struct engine *e)
{
	const struct local_datapaths *ld = sb_sync_local_datapaths(e->sb);
	uint32_t *keys = calloc(ld->n + 1, sizeof(*keys));
	size_t n = 0, i;
	bool changed;

	if (!keys)
		return false;
	for (i = 0; i < ld->n; i++) {
		const struct ovsdb_row *row = e->dpb->ts ? ovsdb_table_find(e->dpb, &ld->v[i])
							 : NULL;
		uint32_t k = row ? (uint32_t)sb_row_int(row, "tunnel_key", 0) : 0;

		if (!k)
			continue;	/* its Datapath_Binding is not here yet */
		keys[n++] = k;
		if (!ldp_has(e, k))
			compile_datapath_add(e->c, k, dp_type(row));
		dp_zones(e, row, k);
	}
	qsort(keys, n, sizeof(*keys), cmp_u32);
	changed = n != e->n_ldp || memcmp(keys, e->ldp_keys, n * sizeof(*keys));
	/* Datapaths no longer local (or deleted): everything of theirs goes
	 * with this pass's commit.  The port and flow sweeps that follow find
	 * their entries already gone. */
	for (i = 0; i < e->n_ldp; i++)
		if (!bsearch(&e->ldp_keys[i], keys, n, sizeof(*keys), cmp_u32))
			compile_datapath_del(e->c, e->ldp_keys[i]);
	free(e->ldp_keys);
	e->ldp_keys = keys;
	e->n_ldp = n;
	return changed;
}

/* ---- ports ---- */

static struct eport *port_find(struct engine *e, const struct ovsdb_uuid *u)
{
	struct eport *p;

	for (p = e->ports[bucket(u)]; p; p = p->next)
		if (ovsdb_uuid_equals(&p->uuid, u))
			return p;
	return NULL;
}

static void port_remove(struct engine *e, const struct ovsdb_uuid *u)
{
	struct eport **pp, *p;

	for (pp = &e->ports[bucket(u)]; (p = *pp); pp = &p->next) {
		if (!ovsdb_uuid_equals(&p->uuid, u))
			continue;
		compile_port_del(e->c, p->name);
		vport_residency_set(&e->vres, p->name, false);
		if (e->zones)
			ct_zones_release(e->zones, p->name);
		*pp = p->next;
		free(p->name);
		free(p);
		e->st.ports_installed--;
		return;
	}
}

/* The local interface of a VIF, 0 when not bound here or absent. */
static uint32_t vif_ifindex(const struct engine *e, const char *type, const char *name)
{
	struct binding *b;

	if (*type && strcmp(type, "localport"))
		return 0;
	b = bindings_find_lport(&e->vifs->bindings, name);
	return b && b->ifindex > 0 ? (uint32_t)b->ifindex : 0;
}

/* Whether NAME is bound to an interface of this chassis (ovnbpfctl bind). */
static bool vif_bound(const struct engine *e, const char *type, const char *name)
{
	if (*type && strcmp(type, "localport"))
		return false;
	return bindings_find_lport(&e->vifs->bindings, name) != NULL;
}

/* The chassis (ovn_chassis id) that packets for port ROW are tunnelled
 * to, as ovn-controller's remote output: a VIF bound to another chassis,
 * a chassisredirect port whose active gateway is another chassis.  0 for
 * anything local or not reached by a tunnel. */
static uint32_t port_chassis(struct engine *e, const struct ovsdb_row *row, const char *type,
			     uint32_t ifindex)
{
	static const struct gateway_tables none;
	const struct ovsdb_uuid *me = e->sb ? sb_sync_chassis_uuid(e->sb) : NULL;
	const struct ovsdb_uuid *ch;

	if (!e->enc || ifindex)
		return 0;
	if (!strcmp(type, "chassisredirect"))
		ch = gateway_cr_chassis(row, e->sb ? sb_sync_gateway_tables(e->sb) : &none);
	else if (!*type || !strcmp(type, "virtual"))
		ch = sb_row_uuid(row, "chassis");
	else
		return 0;
	if (!ch || (me && ovsdb_uuid_equals(ch, me)))
		return 0;
	return encaps_id(e->enc, ch);
}

/* A localnet port of a network mapped here has a conntrack zone, as
 * ovn-controller gives one to every local lport. */
static bool localnet_mapped(const char *type, const char *network)
{
	return !strcmp(type, "localnet") && network && bridge_mappings_iface(network);
}

/* Install, refresh or remove the port of ROW.  FORCE: its content changed. */
static bool port_sync(struct engine *e, const struct ovsdb_row *row, bool force)
{
	const char *name = sb_row_string(row, "logical_port");
	const char *type = sb_row_string(row, "type") ?: "";
	const struct ovsdb_datum *ps;
	uint32_t dp = local_dp_key(e, sb_row_uuid(row, "datapath"));
	struct eport *p = port_find(e, &row->uuid);
	struct compile_port cp;
	const char **sec = NULL;
	size_t i;

	if (ovsdb_row_is_deleted(row) || !name || !dp) {
		if (!p)
			return false;
		port_remove(e, &row->uuid);
		return true;
	}
	memset(&cp, 0, sizeof(cp));
	cp.name = name;
	cp.dp = dp;
	cp.key = (uint32_t)sb_row_int(row, "tunnel_key", 0);
	cp.type = type;
	cp.peer = sb_row_smap_get(row, "options", "peer") ?:
		  sb_row_smap_get(row, "options", "router-port") ?:
		  sb_row_smap_get(row, "options", "distributed-port");
	cp.ifindex = vif_ifindex(e, type, name);
	if (!strcmp(type, "virtual")) {
		/* loader/vport.h: delivered to its parent's interface. */
		cp.ifindex = vport_parent_ifindex(row, e->sb ? sb_sync_chassis_uuid(e->sb) : NULL,
						  &e->vifs->bindings);
		cp.deliver_only = true;
		vport_residency_set(&e->vres, name, cp.ifindex != 0);
	}
	cp.network = sb_row_smap_get(row, "options", "network_name");
	cp.tag = (uint32_t)sb_row_int(row, "tag", 0);
	if (!e->zones) {
		cp.ct_zone = cp.ifindex ? cp.key : 0;
	} else if (vif_bound(e, type, name) || (cp.deliver_only && cp.ifindex) ||
		   localnet_mapped(type, cp.network)) {
		/* kept while bound, interface present or not */
		cp.ct_zone = ct_zones_get(e->zones, name, 0);
	} else {
		ct_zones_release(e->zones, name);
	}
	cp.chassis = port_chassis(e, row, type, cp.ifindex);
	if (p && !force && p->dp == dp && p->ifindex == cp.ifindex && p->ct_zone == cp.ct_zone &&
	    p->chassis == cp.chassis && !strcmp(p->name, name))
		return false;
	if (p && strcmp(p->name, name))
		port_remove(e, &row->uuid), p = NULL;
	ps = sb_row_datum(row, "port_security", OVSDB_TYPE_STRING);
	if (ps && ps->n) {
		sec = calloc(ps->n, sizeof(*sec));
		if (!sec)
			return false;
		for (i = 0; i < ps->n; i++)
			sec[i] = ps->keys[i].string;
		cp.port_security = sec;
		cp.n_port_security = ps->n;
	}
	if (compile_port_add(e->c, &cp))
		pr_warn(MOD, "port %s: not installed", name);
	free(sec);
	if (!p) {
		p = calloc(1, sizeof(*p));
		if (!p || !(p->name = strdup(name))) {
			free(p);
			return true;
		}
		p->uuid = row->uuid;
		p->next = e->ports[bucket(&row->uuid)];
		e->ports[bucket(&row->uuid)] = p;
		e->st.ports_installed++;
	}
	p->dp = dp;
	p->ifindex = cp.ifindex;
	p->ct_zone = cp.ct_zone;
	p->chassis = cp.chassis;
	pr_dbg(MOD, "port %s dp %u key %u ifindex %u chassis %u", name, dp, cp.key, cp.ifindex,
	       cp.chassis);
	return true;
}

/* ---- multicast groups, sets, FDB ---- */

static void mcgroup_sync(struct engine *e, const struct ovsdb_row *row)
{
	const struct ovsdb_datum *d = sb_row_datum(row, "ports", OVSDB_TYPE_UUID);
	uint32_t dp = local_dp_key(e, sb_row_uuid(row, "datapath"));
	const char *name = sb_row_string(row, "name") ?: "";
	const char **names;
	size_t n = 0, i;

	if (!dp)
		return;
	names = calloc((d ? d->n : 0) + 1, sizeof(*names));
	if (!names)
		return;
	for (i = 0; !ovsdb_row_is_deleted(row) && d && i < d->n; i++) {
		const struct ovsdb_row *pr = ovsdb_table_find(e->pb, &d->keys[i].uuid);
		const char *pn = pr ? sb_row_string(pr, "logical_port") : NULL;

		if (pn)
			names[n++] = pn;
	}
	compile_mcgroup_set(e->c, dp, (uint32_t)sb_row_int(row, "tunnel_key", 0), name, names, n);
	free(names);
}

/* Address_Set (addresses) or Port_Group (ports). */
static void set_sync(struct engine *e, const struct ovsdb_row *row, bool pg)
{
	const struct ovsdb_datum *d = sb_row_datum(row, pg ? "ports" : "addresses",
						   OVSDB_TYPE_STRING);
	const char *name = sb_row_string(row, "name");
	const char **v;
	size_t n = 0, i;

	if (!name)
		return;
	v = calloc((d ? d->n : 0) + 1, sizeof(*v));
	if (!v)
		return;
	for (i = 0; !ovsdb_row_is_deleted(row) && d && i < d->n; i++)
		v[n++] = d->keys[i].string;
	if (pg)
		compile_port_group_set(e->c, name, v, n);
	else
		compile_addr_set_set(e->c, name, v, n);
	free(v);
}

/* FDB row -> get_fdb/lookup_fdb helper flows.  mac and dp_key identify
 * a row (OVN never changes them; port_key moves), so a deleted row's last
 * content says what to remove. */
static void fdb_sync(struct engine *e, const struct ovsdb_row *row)
{
	const char *mac = sb_row_string(row, "mac");
	uint32_t dp = (uint32_t)sb_row_int(row, "dp_key", 0);
	uint32_t port = (uint32_t)sb_row_int(row, "port_key", 0);
	unsigned int b[6];
	uint8_t m[6];
	int i;

	if (!mac || !ldp_has(e, dp) ||
	    sscanf(mac, "%x:%x:%x:%x:%x:%x", &b[0], &b[1], &b[2], &b[3], &b[4], &b[5]) != 6)
		return;
	for (i = 0; i < 6; i++)
		m[i] = b[i];
	if (ovsdb_row_is_deleted(row) || !port)
		compile_fdb_del(e->c, dp, m);
	else
		compile_fdb_add(e->c, dp, m, port);
}

/* Meter ROW (possibly deleted) -> its ovn_meters rate. */
static void meter_sync(struct engine *e, const struct ovsdb_row *row)
{
	const struct ovsdb_datum *d = sb_row_datum(row, "bands", OVSDB_TYPE_UUID);
	const char *name = sb_row_string(row, "name");
	const char *unit = sb_row_string(row, "unit");
	int64_t rate = -1, burst = 0;

	if (!name)
		return;
	for (size_t i = 0; !ovsdb_row_is_deleted(row) && d && i < d->n; i++) {
		const struct ovsdb_row *b = e->meter_band->ts
					    ? ovsdb_table_find(e->meter_band, &d->keys[i].uuid)
					    : NULL;
		int64_t r;

		if (!b)
			continue;
		r = meter_band_pps(unit, sb_row_int(b, "rate", 0));
		if (rate < 0 || r < rate) {
			rate = r;
			burst = meter_band_pps(unit, sb_row_int(b, "burst_size", 0));
		}
	}
	/* No burst given: one second's worth. */
	meter_set_rate(name, rate, (uint32_t)(burst > 0 ? burst : rate > 0 ? rate : 1));
}

/* ---- logical flows ---- */

static void flow_key(char *buf, const struct eflow *f)
{
	char u[OVSDB_UUID_LEN + 1];

	ovsdb_uuid_to_string(&f->uuid, u);
	if (f->per_dp)
		snprintf(buf, OVSDB_UUID_LEN + 16, "%s/%u", u, f->dp);
	else
		snprintf(buf, OVSDB_UUID_LEN + 16, "%s", u);
}

static void flow_uninstall(struct engine *e, struct eflow *f)
{
	char key[OVSDB_UUID_LEN + 16];

	flow_key(key, f);
	if (f->ok)
		compile_flow_del(e->c, key);
	e->st.flows_installed--;
}

/* Datapath keys (local ones) ROW applies to; returns how many. */
static size_t flow_dps(struct engine *e, const struct ovsdb_row *row, uint32_t **out,
		       bool *group)
{
	const struct ovsdb_uuid *dpu = sb_row_uuid(row, "logical_datapath");
	const struct ovsdb_uuid *gu;
	const struct ovsdb_row *g;
	const struct ovsdb_datum *d;
	size_t n = 0, i;

	*out = NULL;
	*group = false;
	if (dpu) {
		uint32_t k = local_dp_key(e, dpu);

		if (!k || !(*out = malloc(sizeof(**out))))
			return 0;
		(*out)[0] = k;
		return 1;
	}
	gu = sb_row_uuid(row, "logical_dp_group");
	g = gu && e->dp_group->ts ? ovsdb_table_find(e->dp_group, gu) : NULL;
	d = g ? sb_row_datum(g, "datapaths", OVSDB_TYPE_UUID) : NULL;
	*group = true;
	if (!d || !d->n || !(*out = calloc(d->n, sizeof(**out))))
		return 0;
	for (i = 0; i < d->n; i++) {
		uint32_t k = local_dp_key(e, &d->keys[i].uuid);

		if (k)
			(*out)[n++] = k;
	}
	return n;
}

/* Make the installed copies of ROW what it asks for now.  FORCE: its
 * content changed, recompile every copy. */
static void flow_sync(struct engine *e, const struct ovsdb_row *row, bool force)
{
	unsigned int h = bucket(&row->uuid);
	struct eflow **pp, *f;
	uint32_t *dps = NULL;
	bool group = false, *have;
	size_t n = 0, i;

	if (!ovsdb_row_is_deleted(row))
		n = flow_dps(e, row, &dps, &group);
	have = calloc(n + 1, sizeof(*have));
	if (!have) {
		free(dps);
		return;
	}
	for (pp = &e->flows[h]; (f = *pp);) {
		bool keep = false;

		if (ovsdb_uuid_equals(&f->uuid, &row->uuid) && !force && f->per_dp == group)
			for (i = 0; i < n; i++)
				if (dps[i] == f->dp && !have[i]) {
					have[i] = keep = true;
					break;
				}
		if (!ovsdb_uuid_equals(&f->uuid, &row->uuid) || keep) {
			pp = &f->next;
			continue;
		}
		flow_uninstall(e, f);
		*pp = f->next;
		free(f);
	}
	for (i = 0; i < n; i++) {
		const char *pl = sb_row_string(row, "pipeline") ?: "";
		char key[OVSDB_UUID_LEN + 16];
		struct compile_lflow cf = {
			.dp = dps[i],
			.pipeline = !strcmp(pl, "egress") ? OVN_PIPE_EGRESS : OVN_PIPE_INGRESS,
			.table = (uint8_t)sb_row_int(row, "table_id", 0),
			.priority = (uint16_t)sb_row_int(row, "priority", 0),
			.match = sb_row_string(row, "match") ?: "",
			.actions = sb_row_string(row, "actions") ?: "",
			.controller_meter = meter_id(sb_row_string(row, "controller_meter")),
		};

		if (have[i])
			continue;
		f = calloc(1, sizeof(*f));
		if (!f)
			break;
		f->uuid = row->uuid;
		f->dp = dps[i];
		f->per_dp = group;
		flow_key(key, f);
		cf.uuid = key;
		f->ok = !compile_flow_add(e->c, &cf);
		f->next = e->flows[h];
		e->flows[h] = f;
		e->st.flows_installed++;
	}
	free(have);
	free(dps);
}

/* ---- gateway ports ---- */

static bool has_tracked(const struct ovsdb_table *t);

/* Must the residency of chassisredirect ports be computed again?  When
 * our chassis, a gateway table or a chassisredirect row changed. */
static bool gateway_dirty(struct engine *e, bool full, const struct ovsdb_uuid *me)
{
	const struct gateway_tables *gt = e->sb ? sb_sync_gateway_tables(e->sb) : NULL;
	const struct ovsdb_row *row;

	if (full || (me != NULL) != e->gr_have_me ||
	    (me && !ovsdb_uuid_equals(me, &e->gr_me)))
		return true;
	if (gt && ((gt->chassis && has_tracked(gt->chassis)) ||
		   (gt->ha_chassis_group && has_tracked(gt->ha_chassis_group)) ||
		   (gt->ha_chassis && has_tracked(gt->ha_chassis)) ||
		   (gt->gateway_chassis && has_tracked(gt->gateway_chassis))))
		return true;
	for (row = e->pb->ts ? ovsdb_table_tracked_first(e->pb) : NULL; row;
	     row = ovsdb_row_tracked_next(row))
		if (gateway_is_cr(row))
			return true;
	return false;
}

/* Recompute which chassisredirect ports are resident; returns those that
 * changed (free() the array) and their number in *N. */
static struct gateway_cr **gateway_refresh(struct engine *e, bool full, size_t *n)
{
	const struct ovsdb_uuid *me = e->sb ? sb_sync_chassis_uuid(e->sb) : NULL;
	static const struct gateway_tables none;
	struct gateway_cr **ch = NULL;
	int r;

	*n = 0;
	if (!gateway_dirty(e, full, me))
		return NULL;
	e->gr_have_me = me != NULL;
	if (me)
		e->gr_me = *me;
	r = gateway_residency_update(&e->gr, e->pb, e->sb ? sb_sync_gateway_tables(e->sb) : &none,
				     me, &ch);
	if (r < 0) {
		pr_err(MOD, "gateway ports: out of memory");
		return NULL;
	}
	for (int i = 0; i < r; i++)
		pr_info(MOD, "gateway port %s is %s", ch[i]->name,
			ch[i]->resident ? "resident here (active gateway chassis)"
					: "not resident here");
	*n = (size_t)r;
	return ch;
}

/* ---- passes ---- */

static size_t add_dp_key(uint32_t **v, size_t n, uint32_t key)
{
	uint32_t *nv;

	if (!key)
		return n;
	for (size_t i = 0; i < n; i++)
		if ((*v)[i] == key)
			return n;
	nv = realloc(*v, (n + 1) * sizeof(*nv));
	if (!nv)
		return n;
	nv[n] = key;
	*v = nv;
	return n + 1;
}

/* Does flow ROW apply to one of the datapaths KEYS? */
static bool flow_on_dps(struct engine *e, const struct ovsdb_row *row, const uint32_t *keys,
			size_t n)
{
	uint32_t *dps = NULL;
	bool group = false, hit = false;
	size_t m = flow_dps(e, row, &dps, &group);

	for (size_t i = 0; i < m && !hit; i++)
		for (size_t j = 0; j < n && !hit; j++)
			hit = dps[i] == keys[j];
	free(dps);
	return hit;
}

static bool any_reset(const struct engine *e)
{
	const struct ovsdb_table *t[] = { e->dpb, e->pb, e->lflow, e->dp_group, e->mcgroup,
					  e->addr_set, e->port_group, e->fdb, e->meter,
					  e->meter_band, e->dhcp, e->dhcpv6, e->mac_binding,
					  e->static_mb };
	size_t i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		if (t[i] && ovsdb_table_was_reset(t[i]))
			return true;
	return false;
}

static bool has_tracked(const struct ovsdb_table *t)
{
	return t->ts && ovsdb_table_tracked_first(t);
}

#define FOR_ROWS(ROW, T, FULL) \
	for ((ROW) = !(T)->ts ? NULL : (FULL) ? ovsdb_table_first(T) \
					      : ovsdb_table_tracked_first(T); \
	     (ROW); (ROW) = (FULL) ? ovsdb_table_next(ROW) : ovsdb_row_tracked_next(ROW))

static void engine_pass(void *aux)
{
	struct engine *e = aux;
	const struct ovsdb_row *row;
	bool full = !e->loaded || any_reset(e);
	bool ldp_changed, ports_changed = false, sweep_flows, opts_changed, gw_dirty;
	uint64_t t0 = mono_us(), t1;
	uint32_t *mc_new = NULL;
	size_t n_mc_new = 0, n_gw_changed;
	struct gateway_cr **gw_changed;
	int err;

	e->st.passes++;
	if (full) {
		e->st.full_loads++;
		pr_info(MOD, "full load of the southbound");
	}
	ldp_changed = update_local_dps(e);
	e->st.local_datapaths = e->n_ldp;
	/* Before the refresh, which remembers what it saw. */
	gw_dirty = gateway_dirty(e, full || ldp_changed, e->sb ? sb_sync_chassis_uuid(e->sb) : NULL);
	gw_changed = gateway_refresh(e, full || ldp_changed, &n_gw_changed);

	/* Ports: every row after a change of what is local, else tracked. */
	if (full || ldp_changed || e->bindings_changed) {
		size_t i;

		/* Ports gone from the replica altogether (condition change). */
		for (i = 0; i < N_BUCKETS; i++) {
			struct eport *p, *nx;

			for (p = e->ports[i]; p; p = nx) {
				const struct ovsdb_row *pr = e->pb->ts ? ovsdb_table_find(e->pb, &p->uuid)
								       : NULL;

				nx = p->next;
				if (!pr) {
					port_remove(e, &p->uuid);
					ports_changed = true;
				}
			}
		}
	}
	FOR_ROWS(row, e->pb, full || ldp_changed || e->bindings_changed)
		ports_changed |= port_sync(e, row, full || row->track);
	e->bindings_changed = false;
	/* A gateway port that moved to or from us: its entry says so. */
	for (size_t i = 0; i < n_gw_changed; i++) {
		row = ovsdb_table_find(e->pb, &gw_changed[i]->uuid);
		if (row)
			ports_changed |= port_sync(e, row, true);
	}

	/* A gateway that moved between two other chassis: where cr-P's
	 * packets are tunnelled to (port_chassis()). */
	if (gw_dirty && e->enc)
		FOR_ROWS(row, e->pb, true)
			if (gateway_is_cr(row))
				ports_changed |= port_sync(e, row, false);
	/* Endpoints of the chassis those ports named (new ids, moved
	 * Encaps): only changes are written. */
	encaps_sync(e->enc, e->sb ? sb_sync_gateway_tables(e->sb)->chassis : NULL, e->encap);

	/* Multicast groups name their ports: all again when ports moved.  A
	 * group that arrives after the flows naming it (its rows come with
	 * their own condition update) makes those flows compile again. */
	FOR_ROWS(row, e->mcgroup, full || ports_changed || ldp_changed) {
		mcgroup_sync(e, row);
		if (!full && ovsdb_row_is_inserted(row))
			n_mc_new = add_dp_key(&mc_new, n_mc_new,
					      local_dp_key(e, sb_row_uuid(row, "datapath")));
	}
	FOR_ROWS(row, e->addr_set, full)
		set_sync(e, row, false);
	FOR_ROWS(row, e->port_group, full)
		set_sync(e, row, true);
	FOR_ROWS(row, e->fdb, full || ldp_changed)
		fdb_sync(e, row);
	FOR_ROWS(row, e->meter, full || has_tracked(e->meter_band))
		meter_sync(e, row);
	/* Walking all rows (a band changed) misses deleted meters: their
	 * names go back to the default rate. */
	FOR_ROWS(row, e->meter, false)
		if (ovsdb_row_is_deleted(row) && !full && has_tracked(e->meter_band))
			meter_sync(e, row);

	/* DHCP option definitions: the parser of put_dhcp_opts() needs
	 * them; flows are compiled again when they change (rare: northd
	 * writes them once). */
	opts_changed = false;
	if (full || has_tracked(e->dhcp) || has_tracked(e->dhcpv6)) {
		opts_changed = dhcp_opts_load(&e->dhcp_opts, e->dhcp);
		opts_changed |= dhcp_opts_load(&e->dhcpv6_opts, e->dhcpv6);
		compile_set_opt_tables(e->c, &e->dhcp_opts.t, &e->dhcpv6_opts.t);
	}
	/* Neighbours name their port: all again when ports moved. */
	if (full || ports_changed || ldp_changed)
		mac_bindings_mark(e->mb);
	FOR_ROWS(row, e->mac_binding, full || ports_changed || ldp_changed)
		mac_binding_sync_row(e->mb, e->c, ldp_has_cb, e, row, false);
	FOR_ROWS(row, e->static_mb, full || ports_changed || ldp_changed)
		mac_binding_sync_row(e->mb, e->c, ldp_has_cb, e, row, true);
	if (full || ports_changed || ldp_changed)
		mac_bindings_sweep(e->mb);

	/* Flows: a new local datapath or a changed group re-evaluates which
	 * datapaths every flow applies to; copies that stay are untouched. */
	sweep_flows = full || ldp_changed || has_tracked(e->dp_group) || opts_changed;
	if (sweep_flows) {
		size_t i;

		for (i = 0; i < N_BUCKETS; i++) {
			struct eflow **pp, *f;

			for (pp = &e->flows[i]; (f = *pp);) {
				if (e->lflow->ts && ovsdb_table_find(e->lflow, &f->uuid)) {
					pp = &f->next;
					continue;
				}
				flow_uninstall(e, f);
				*pp = f->next;
				free(f);
			}
		}
		FOR_ROWS(row, e->lflow, true)
			flow_sync(e, row, (full || opts_changed) && e->loaded);
	}
	/* Tracked rows: a deleted or modified flow is removed (and compiled
	 * again if it still applies); a new one is added unless the sweep
	 * just did. */
	FOR_ROWS(row, e->lflow, false)
		flow_sync(e, row, !ovsdb_row_is_inserted(row));
	if (n_mc_new)
		FOR_ROWS(row, e->lflow, true)
			if (flow_on_dps(e, row, mc_new, n_mc_new))
				flow_sync(e, row, true);
	free(mc_new);
	/* ... and the flows that ask is_chassis_resident() about it. */
	if (n_gw_changed)
		FOR_ROWS(row, e->lflow, true)
			for (size_t i = 0; i < n_gw_changed; i++)
				if (gateway_match_names(sb_row_string(row, "match") ?: "",
							gw_changed[i]->name)) {
					flow_sync(e, row, true);
					break;
				}
	free(gw_changed);
	/* ... and about a virtual port that became resident or stopped. */
	if (e->vres.n_changed)
		FOR_ROWS(row, e->lflow, true)
			if (vport_residency_names(&e->vres, sb_row_string(row, "match") ?: ""))
				flow_sync(e, row, true);
	vport_residency_done(&e->vres);

	if (full || ldp_changed || ct_skip_tracked(e->r))
		ct_skip_sync(e->cts, e->r, e->ldp_keys, e->n_ldp);
	if (full || ldp_changed || lb_dnat_mac_tracked(e->r))
		lb_dnat_mac_sync(e->dnat_mac, e->r, e->ldp_keys, e->n_ldp);
	if (full || lb_hairpin_tracked(e->r)) {
		err = lb_hairpin_sync(e->lbh, e->r);
		if (err < 0)
			pr_warn(MOD, "load balancer hairpin data: %s", strerror(-err));
		else if (err > 0)
			ovnbpf_cache_invalidate(e->w);	/* chk_lb_hairpin reads it */
	}

	/* Once the replica holds every row our conditions select (not at the
	 * first full load: the local datapaths, hence the flows, come with
	 * later condition changes), the whole southbound is installed: what the previous ovnbpfd left and this one did not
	 * install again goes with this commit (DESIGN §3.9). */
	if (!e->adopt_done && e->sb && sb_sync_conditions_settled(e->sb)) {
		uint32_t adopted, claimed;

		e->adopt_done = true;

		ovnbpf_adopt_stats(e->w, &adopted, &claimed);
		if (adopted)
			pr_info(MOD, "restart: kept %u of %u flows found pinned", claimed, adopted);
		err = ovnbpf_adopt_finish(e->w);
		if (err)
			pr_warn(MOD, "restart: removing stale entries: %s", strerror(-err));
	}
	t1 = mono_us();
	err = compile_commit(e->c);
	e->st.commit_us_total += mono_us() - t1;
	if (err) {
		pr_err(MOD, "commit failed: %s; the datapath keeps its last state",
		       strerror(-err));
	} else {
		row = e->sb_global->ts ? ovsdb_table_first(e->sb_global) : NULL;
		sb_sync_datapath_reflects(e->sb, row ? sb_row_int(row, "nb_cfg", 0) : 0);
	}
	e->loaded = true;
	if (e->zones)
		ct_zones_sync(e->zones);
	ovsdb_replica_clear_tracked(e->r);
	e->st.pass_us_last = mono_us() - t0;
	e->st.pass_us_total += e->st.pass_us_last;
	if (e->st.pass_us_last > e->st.pass_us_max)
		e->st.pass_us_max = e->st.pass_us_last;
	if (full)
		pr_info(MOD, "loaded: %zu local datapaths, %zu ports, %zu flows "
			"(%zu skipped so far)", e->n_ldp, e->st.ports_installed,
			e->st.flows_installed, e->st.flow_errors);
}

static void on_binding_change(void *aux, struct binding *b, bool removed)
{
	struct engine *e = aux;

	e->bindings_changed = true;
	if (e->next_change_fn)
		e->next_change_fn(e->next_change_aux, b, removed);
}

int engine_create(struct sb_sync *s, struct local_vifs *vifs, struct ovnbpf_writer *w,
		  struct engine **out)
{
	struct compile_opts co = { .report = report, .is_chassis_resident = engine_resident };
	struct ovsdb_client *cl = sb_sync_client(s);
	struct engine *e;
	int err;

	*out = NULL;
	e = calloc(1, sizeof(*e));
	if (!e)
		return -ENOMEM;
	co.aux = e;
	meter_bind_writer(w);
	err = compiler_new(w, &co, &e->c);
	if (!err)
		err = ct_skip_new(e->c, &e->cts);
	if (!err)
		err = lb_dnat_mac_new(e->c, &e->dnat_mac);
	if (!err)
		err = lb_hairpin_new(ovnbpf_writer_maps(w)->lb_hairpin, &e->lbh);
	if (err) {
		lb_dnat_mac_free(e->dnat_mac);
		ct_skip_free(e->cts);
		compiler_free(e->c);
		free(e);
		return err;
	}
	e->sb = s;
	e->w = w;
	e->vifs = vifs;
	e->r = ovsdb_client_replica(cl);
	e->sb_global = ovsdb_client_monitor(cl, "SB_Global", NULL);
	e->dpb = ovsdb_client_monitor(cl, "Datapath_Binding", NULL);
	e->pb = ovsdb_client_monitor(cl, "Port_Binding", NULL);
	e->lflow = ovsdb_client_monitor(cl, "Logical_Flow", NULL);
	e->dp_group = ovsdb_client_monitor(cl, "Logical_DP_Group", NULL);
	e->mcgroup = ovsdb_client_monitor(cl, "Multicast_Group", NULL);
	e->addr_set = ovsdb_client_monitor(cl, "Address_Set", NULL);
	e->port_group = ovsdb_client_monitor(cl, "Port_Group", NULL);
	e->fdb = ovsdb_client_monitor(cl, "FDB", NULL);
	e->meter = ovsdb_client_monitor(cl, "Meter", NULL);
	e->meter_band = ovsdb_client_monitor(cl, "Meter_Band", NULL);
	e->dhcp = ovsdb_client_monitor(cl, "DHCP_Options", NULL);
	e->dhcpv6 = ovsdb_client_monitor(cl, "DHCPv6_Options", NULL);
	e->mac_binding = ovsdb_client_monitor(cl, "MAC_Binding", NULL);
	e->static_mb = ovsdb_client_monitor(cl, "Static_MAC_Binding", NULL);
	e->lb = ovsdb_client_monitor(cl, "Load_Balancer", NULL);
	e->encap = ovsdb_client_monitor(cl, "Encap", NULL);
	e->mb = mac_bindings_new(ovnbpf_writer_maps(w)->mac_bind);
	if (e->mb)
		mac_bindings_set_cache(e->mb, w);
	if (!e->sb_global || !e->dpb || !e->pb || !e->lflow || !e->dp_group || !e->mcgroup ||
	    !e->addr_set || !e->port_group || !e->fdb || !e->meter || !e->meter_band ||
	    !e->dhcp || !e->dhcpv6 || !e->mac_binding || !e->static_mb || !e->lb) {
		engine_destroy(e);
		return -ENOMEM;
	}
	e->next_change_fn = vifs->change_fn;
	e->next_change_aux = vifs->change_aux;
	vifs->change_fn = on_binding_change;
	vifs->change_aux = e;
	sb_sync_set_consumer(s, engine_pass, e);
	sb_sync_set_datapath_acks(s, true);
	*out = e;
	return 0;
}

void engine_destroy(struct engine *e)
{
	size_t i;

	if (!e)
		return;
	if (e->vifs && e->vifs->change_aux == e) {
		e->vifs->change_fn = e->next_change_fn;
		e->vifs->change_aux = e->next_change_aux;
	}
	if (e->sb) {
		sb_sync_set_consumer(e->sb, NULL, NULL);
		sb_sync_set_datapath_acks(e->sb, false);
	}
	for (i = 0; i < N_BUCKETS; i++) {
		while (e->ports[i]) {
			struct eport *p = e->ports[i];

			e->ports[i] = p->next;
			free(p->name);
			free(p);
		}
		while (e->flows[i]) {
			struct eflow *f = e->flows[i];

			e->flows[i] = f->next;
			free(f);
		}
	}
	ct_skip_free(e->cts);
	lb_dnat_mac_free(e->dnat_mac);
	lb_hairpin_free(e->lbh);
	compiler_free(e->c);
	dhcp_opts_free(&e->dhcp_opts);
	dhcp_opts_free(&e->dhcpv6_opts);
	mac_bindings_free(e->mb);
	gateway_residency_free(&e->gr);
	vport_residency_free(&e->vres);
	free(e->ldp_keys);
	free(e);
}

void engine_get_stats(const struct engine *e, struct engine_stats *st)
{
	*st = e->st;
}

struct compiler *engine_compiler(struct engine *e)
{
	return e->c;
}

void engine_set_encaps(struct engine *e, struct encaps *enc)
{
	e->enc = enc;
}

void engine_set_ct_zones(struct engine *e, struct ct_zones *z)
{
	e->zones = z;
}

static void cmd_engine_stats(struct ctl_reply *r, int argc, const char *argv[], void *aux)
{
	struct engine *e = aux;
	struct compile_stats cs;
	struct ovnbpf_writer_stats ws;
	struct port_sec_stats pss;
	struct punt_stats ps;
	json_t *j;

	(void)argc;
	(void)argv;
	compile_get_stats(e->c, &cs);
	port_sec_get_stats(e->c, &pss);
	punt_get_stats(&ps);
	ovnbpf_writer_stats(e->w, &ws);
	j = json_pack("{s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I,"
				  " s:I, s:I, s:I, s:I, s:I}",
				  "passes", (json_int_t)e->st.passes,
				  "full_loads", (json_int_t)e->st.full_loads,
				  "local_datapaths", (json_int_t)e->st.local_datapaths,
				  "ports_installed", (json_int_t)e->st.ports_installed,
				  "flows_installed", (json_int_t)e->st.flows_installed,
				  "flows_compiled", (json_int_t)cs.flows_compiled,
				  "flows", (json_int_t)cs.flows,
				  "flow_errors", (json_int_t)cs.errors,
				  "unsupported", (json_int_t)cs.unsupported,
				  "entries_written", (json_int_t)cs.entries_written,
				  "writer_flows", (json_int_t)cs.writer_flows,
				  "set_members", (json_int_t)cs.set_members,
				  "set_members_written", (json_int_t)cs.set_members_written,
				  "helper_flows", (json_int_t)cs.helper_flows,
				  "punt_events", (json_int_t)ps.events,
				  "punt_unhandled", (json_int_t)ps.unhandled);
	/* What the map writer holds: classifier flows, masks, programs. */
	/* Port security: ports as set members vs per-port flows. */
	json_object_set_new(j, "port_sec_ports_sets", json_integer((json_int_t)pss.ports_sets));
	json_object_set_new(j, "port_sec_ports_flows", json_integer((json_int_t)pss.ports_flows));
	json_object_set_new(j, "port_sec_members", json_integer((json_int_t)pss.members));
	json_object_set_new(j, "port_sec_class_flows", json_integer((json_int_t)pss.class_flows));
	json_object_set_new(j, "pass_us_total", json_integer((json_int_t)e->st.pass_us_total));
	json_object_set_new(j, "pass_us_max", json_integer((json_int_t)e->st.pass_us_max));
	json_object_set_new(j, "pass_us_last", json_integer((json_int_t)e->st.pass_us_last));
	json_object_set_new(j, "commit_us_total", json_integer((json_int_t)e->st.commit_us_total));
	json_object_set_new(j, "ct_skip_flows", json_integer((json_int_t)ct_skip_count(e->cts)));
	json_object_set_new(j, "dnat_mac_flows",
			    json_integer((json_int_t)lb_dnat_mac_count(e->dnat_mac)));
	{
		json_int_t n_res = 0;

		for (size_t i = 0; i < e->gr.n; i++)
			n_res += e->gr.v[i].resident;
		json_object_set_new(j, "gateway_ports", json_integer((json_int_t)e->gr.n));
		json_object_set_new(j, "gateway_ports_resident", json_integer(n_res));
	}
	json_object_set_new(j, "map_flows", json_integer(ws.flows));
	/* ovn_flows entries: writer flows share records (maps/pipeline.h). */
	json_object_set_new(j, "map_flow_recs", json_integer(ws.recs));
	json_object_set_new(j, "map_subtables", json_integer(ws.subtables));
	json_object_set_new(j, "map_progs", json_integer(ws.progs));
	json_object_set_new(j, "map_stages", json_integer(ws.stages));
	/* Flows the writer refused (each reported with its UUID), and how
	 * close the classifier is to its per-stage mask limit. */
	json_object_set_new(j, "writer_errors", json_integer((json_int_t)cs.writer_errors));
	json_object_set_new(j, "families", json_integer((json_int_t)cs.families));
	json_object_set_new(j, "family_members", json_integer((json_int_t)cs.family_members));
	json_object_set_new(j, "map_stage_masks_max", json_integer(ws.max_stage_masks));
	json_object_set_new(j, "map_stage_chains", json_integer(ws.stage_chains));
	ctl_reply_ok(r, j);
}

int engine_register_ctl(struct engine *e, struct ctl_server *ctl)
{
	return ctl_server_register(ctl, "engine-stats", "", 0, 0, cmd_engine_stats, e);
}
