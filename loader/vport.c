// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * Virtual ports (vport.h): bind_vport punts, the Port_Binding writes of
 * pinctrl and binding.c for type "virtual", and what the engine asks.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "loader/actions.h"
#include "loader/bindings.h"
#include "loader/gateway.h"
#include "loader/log.h"
#include "loader/punt.h"
#include "loader/sb_row.h"
#include "loader/vport.h"
#include "ovsdb-client/client.h"

#define MOD "vport"

struct pending {
	uint32_t dp, vport, parent;	/* tunnel keys */
};

struct vports {
	struct ovsdb_client *cl;		/* NULL in tests */
	const struct bindings *bs;
	struct ovsdb_table *pb, *dpb;
	struct pending *v;
	size_t n;
	bool txn_in_flight;
	uint64_t seen_seqno;		/* replica change last reconciled */
	bool seen_any;
	struct vport_stats st;
};

/* ---- pending requests (pinctrl_handle_bind_vport) ---- */

int vports_note(struct vports *vp, const struct ovn_punt_event *ev, size_t len)
{
	struct pending q;

	vp->st.punts++;
	if (!ev || len < offsetof(struct ovn_punt_event, pkt)) {
		vp->st.malformed++;
		return -EINVAL;
	}
	q.dp = ntohl(ev->md.metadata);
	q.parent = ntohl(ev->md.inport);
	q.vport = PUNT_ARG(ev->opcode);
	if (PUNT_OPCODE(ev->opcode) != ACT_BIND_VPORT || !q.dp || !q.parent || !q.vport) {
		vp->st.malformed++;
		return -EINVAL;
	}
	for (size_t i = 0; i < vp->n; i++) {
		if (vp->v[i].dp == q.dp && vp->v[i].vport == q.vport) {
			/* The latest parent to speak for the address wins. */
			vp->v[i].parent = q.parent;
			vp->st.deduped++;
			return 0;
		}
	}
	if (vp->n == VPORT_PENDING_MAX) {
		vp->st.overflow++;
		return -ENOSPC;
	}
	vp->v[vp->n++] = q;
	return 1;
}

size_t vports_pending(const struct vports *vp)
{
	return vp->n;
}

/* ---- the SB rows ---- */

static bool uuid_is(const struct ovsdb_uuid *u, const struct ovsdb_uuid *me)
{
	return u && me && ovsdb_uuid_equals(u, me);
}

static const struct ovsdb_uuid *dp_by_key(const struct ovsdb_table *dpb, uint32_t key)
{
	const struct ovsdb_row *row;

	if (!dpb || !dpb->ts)
		return NULL;
	OVSDB_TABLE_FOR_EACH(row, dpb)
		if (sb_row_int(row, "tunnel_key", 0) == key)
			return &row->uuid;
	return NULL;
}

static const struct ovsdb_row *pb_by_key(const struct ovsdb_table *pbt,
					 const struct ovsdb_uuid *dp, uint32_t key)
{
	const struct ovsdb_row *row;

	if (!pbt || !pbt->ts || !dp)
		return NULL;
	OVSDB_TABLE_FOR_EACH(row, pbt)
		if (sb_row_int(row, "tunnel_key", 0) == key &&
		    uuid_is(sb_row_uuid(row, "datapath"), dp))
			return row;
	return NULL;
}

static bool is_virtual(const struct ovsdb_row *pb)
{
	const char *t = sb_row_string(pb, "type");

	return t && !strcmp(t, "virtual");
}

/* `up` as northd keeps it: [] (never set) or [bool]. */
static bool up_has_value(const struct ovsdb_row *pb)
{
	const struct ovsdb_datum *d = sb_row_datum(pb, "up", OVSDB_TYPE_BOOLEAN);

	return d && d->n;
}

static json_t *update_op(const struct ovsdb_row *pb, json_t *row)
{
	return json_pack("{s:s, s:s, s:o, s:o}", "op", "update", "table", "Port_Binding",
			 "where", sb_where_uuid(&pb->uuid), "row", row);
}

static void append(json_t **ops, json_t *op)
{
	if (!op)
		return;
	if (!*ops)
		*ops = json_array();
	json_array_append_new(*ops, op);
}

/* Is NAME (a virtual_parent) a VIF claimed here whose interface is
 * present?  Then its virtual ports are local (binding.c). */
static const struct ovsdb_row *local_parent(const struct ovsdb_table *pbt, const char *name,
					    const struct ovsdb_uuid *me,
					    const struct bindings *bs)
{
	const struct ovsdb_row *par;
	const struct binding *b;

	if (!name || !*name || !bs)
		return NULL;
	b = bindings_find_lport(bs, name);
	if (!b || b->ifindex <= 0)
		return NULL;
	par = sb_table_find_by_string(pbt, "logical_port", name);
	return par && uuid_is(sb_row_uuid(par, "chassis"), me) ? par : NULL;
}

json_t *vports_flush(struct vports *vp, const struct ovsdb_table *pbt,
		     const struct ovsdb_table *dpb, const struct ovsdb_uuid *me)
{
	const struct ovsdb_row **written;
	const struct ovsdb_row *row;
	size_t n_written = 0;
	json_t *ops = NULL;

	written = calloc(vp->n + 1, sizeof(*written));
	if (!written || !me || !pbt || !pbt->ts) {
		free(written);
		vp->n = 0;
		return NULL;
	}
	/* pinctrl's run_put_vport_bindings(): what the parents said. */
	for (size_t i = 0; i < vp->n; i++) {
		const struct pending *q = &vp->v[i];
		const struct ovsdb_uuid *dpu = dp_by_key(dpb, q->dp);
		const struct ovsdb_row *v = pb_by_key(pbt, dpu, q->vport);
		const struct ovsdb_row *par = pb_by_key(pbt, dpu, q->parent);
		const char *vname = v ? sb_row_string(v, "logical_port") : NULL;
		const char *pname = par ? sb_row_string(par, "logical_port") : NULL;
		const char *cur = v ? sb_row_string(v, "virtual_parent") : NULL;

		if (!vname || !pname || !is_virtual(v)) {
			vp->st.unresolved++;
			pr_dbg(MOD, "bind_vport: no virtual port %u / parent %u on datapath %u",
			       q->vport, q->parent, q->dp);
			continue;
		}
		if (uuid_is(sb_row_uuid(v, "chassis"), me) && cur && !strcmp(cur, pname)) {
			vp->st.already++;
			continue;
		}
		pr_info(MOD, "claiming virtual port %s for this chassis with virtual parent %s",
			vname, pname);
		append(&ops, update_op(v, json_pack("{s:o, s:s}", "chassis", sb_uuid_json(me),
						    "virtual_parent", pname)));
		written[n_written++] = v;
		vp->st.bound++;
	}
	vp->n = 0;

	/* binding.c's consider_virtual_lport(): claim what a local parent
	 * carries, release what no local parent carries any more. */
	OVSDB_TABLE_FOR_EACH(row, pbt) {
		const char *name = sb_row_string(row, "logical_port");
		const char *vpar = sb_row_string(row, "virtual_parent");
		bool mine = uuid_is(sb_row_uuid(row, "chassis"), me);
		const struct ovsdb_row *par;
		bool skip = false;

		if (!name || !is_virtual(row))
			continue;
		for (size_t i = 0; i < n_written && !skip; i++)
			skip = written[i] == row;
		if (skip)
			continue;
		par = local_parent(pbt, vpar, me, vp->bs);
		if (par) {
			json_t *r = json_object();
			bool want_up = up_has_value(row) && sb_row_bool(par, "up", false);

			if (!mine)
				json_object_set_new(r, "chassis", sb_uuid_json(me));
			if (want_up && !sb_row_bool(row, "up", false))
				json_object_set_new(r, "up", json_true());
			if (!json_object_size(r)) {
				json_decref(r);
				continue;
			}
			if (!mine)
				pr_info(MOD, "claiming virtual port %s (virtual parent %s is here)",
					name, vpar);
			append(&ops, update_op(row, r));
			vp->st.claimed++;
		} else if (mine) {
			pr_info(MOD, "releasing virtual port %s from this chassis (virtual parent %s)",
				name, vpar && *vpar ? vpar : "none");
			append(&ops, update_op(row, json_pack("{s:[s, []], s:[s, []]}",
							      "chassis", "set",
							      "virtual_parent", "set")));
			vp->st.released++;
		}
	}
	free(written);
	return ops;
}

static void txn_done(void *arg, int status, const json_t *result)
{
	struct vports *vp = arg;
	char *txt;

	vp->txn_in_flight = false;
	/* Whatever happened, look again at what the SB says now. */
	vp->seen_any = false;
	if (!status)
		return;
	vp->st.txn_failed++;
	txt = result ? json_dumps(result, JSON_COMPACT) : NULL;
	pr_warn(MOD, "virtual port transaction failed (%s): %.300s", strerror(-status),
		txt ? txt : "-");
	free(txt);
}

void vports_run(struct vports *vp, const struct ovsdb_uuid *me)
{
	uint64_t seq;
	json_t *ops;
	int err;

	if (!vp || !vp->cl || !me || vp->txn_in_flight || !ovsdb_client_is_synced(vp->cl))
		return;
	/* Claims and releases follow the replica (a parent's own claim or
	 * release lands there too); requests are written at once. */
	seq = ovsdb_client_change_seqno(vp->cl);
	if (!vp->n && vp->seen_any && seq == vp->seen_seqno)
		return;
	vp->seen_seqno = seq;
	vp->seen_any = true;
	ops = vports_flush(vp, vp->pb, vp->dpb, me);
	if (!ops)
		return;
	err = ovsdb_client_transact(vp->cl, ops, txn_done, vp);
	if (err) {
		vp->st.txn_failed++;
		vp->seen_any = false;
		pr_warn(MOD, "cannot send virtual port bindings: %s", strerror(-err));
		return;
	}
	vp->txn_in_flight = true;
}

static void on_bind_vport(const struct ovn_punt_event *ev, size_t len, void *aux)
{
	struct vports *vp = aux;
	int r = vports_note(vp, ev, len);

	if (r == -EINVAL && vp->st.malformed == 1)
		pr_warn(MOD, "malformed bind_vport punt (flow %u); skipped (counted)",
			len >= sizeof(ev->opcode) + sizeof(ev->flow) ? ev->flow : 0);
	else if (r == -ENOSPC && vp->st.overflow == 1)
		pr_warn(MOD, "%d virtual port bindings pending: further ones dropped until "
			"they are written", VPORT_PENDING_MAX);
}

int vports_create(struct ovsdb_client *cl, const struct bindings *bs, struct vports **out)
{
	struct vports *vp = calloc(1, sizeof(*vp));
	int err = 0;

	*out = NULL;
	if (!vp)
		return -ENOMEM;
	vp->v = calloc(VPORT_PENDING_MAX, sizeof(*vp->v));
	vp->bs = bs;
	vp->cl = cl;
	if (!vp->v)
		err = -ENOMEM;
	if (!err && cl) {
		vp->pb = ovsdb_client_monitor(cl, "Port_Binding", NULL);
		vp->dpb = ovsdb_client_monitor(cl, "Datapath_Binding", NULL);
		err = vp->pb && vp->dpb ? punt_register(ACT_BIND_VPORT, on_bind_vport, vp)
					: -ENOMEM;
	}
	if (err) {
		free(vp->v);
		free(vp);
		return err;
	}
	*out = vp;
	return 0;
}

void vports_destroy(struct vports *vp)
{
	if (!vp)
		return;
	if (vp->cl)
		punt_unregister(ACT_BIND_VPORT);
	free(vp->v);
	free(vp);
}

void vports_get_stats(const struct vports *vp, struct vport_stats *s)
{
	*s = vp->st;
}

/* ---- engine side ---- */

uint32_t vport_parent_ifindex(const struct ovsdb_row *pb, const struct ovsdb_uuid *me,
			      const struct bindings *bs)
{
	const char *par = sb_row_string(pb, "virtual_parent");
	const struct binding *b;

	if (!is_virtual(pb) || !par || !*par || !bs ||
	    !uuid_is(sb_row_uuid(pb, "chassis"), me))
		return 0;
	b = bindings_find_lport(bs, par);
	return b && b->ifindex > 0 ? (uint32_t)b->ifindex : 0;
}

/* Append a copy of NAME to *V (N entries); false when out of memory. */
static bool names_add(char ***v, size_t *n, const char *name)
{
	char **nv = realloc(*v, (*n + 1) * sizeof(*nv));

	if (!nv)
		return false;
	*v = nv;
	nv[*n] = strdup(name);
	if (!nv[*n])
		return false;
	(*n)++;
	return true;
}

bool vport_residency_set(struct vport_residency *r, const char *name, bool resident)
{
	for (size_t i = 0; i < r->n; i++) {
		if (strcmp(r->names[i], name))
			continue;
		if (resident)
			return false;
		free(r->names[i]);
		r->names[i] = r->names[--r->n];
		names_add(&r->changed, &r->n_changed, name);
		return true;
	}
	if (!resident || !names_add(&r->names, &r->n, name))
		return false;
	names_add(&r->changed, &r->n_changed, name);
	return true;
}

bool vport_residency_names(const struct vport_residency *r, const char *match)
{
	for (size_t i = 0; i < r->n_changed; i++)
		if (gateway_match_names(match, r->changed[i]))
			return true;
	return false;
}

void vport_residency_done(struct vport_residency *r)
{
	for (size_t i = 0; i < r->n_changed; i++)
		free(r->changed[i]);
	free(r->changed);
	r->changed = NULL;
	r->n_changed = 0;
}

bool vport_residency_has(const struct vport_residency *r, const char *name)
{
	for (size_t i = 0; i < r->n; i++)
		if (!strcmp(r->names[i], name))
			return true;
	return false;
}

void vport_residency_free(struct vport_residency *r)
{
	for (size_t i = 0; i < r->n; i++)
		free(r->names[i]);
	free(r->names);
	r->names = NULL;
	r->n = 0;
	vport_residency_done(r);
}
