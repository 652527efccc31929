// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "loader/gateway.h"
#include "loader/log.h"
#include "loader/sb_row.h"

#define MOD "gateway"

static const struct ovsdb_row *find(const struct ovsdb_table *t, const struct ovsdb_uuid *u)
{
	return t && t->ts && u ? ovsdb_table_find(t, u) : NULL;
}

bool gateway_is_cr(const struct ovsdb_row *pb)
{
	const char *type = sb_row_string(pb, "type");

	return type && !strcmp(type, "chassisredirect");
}

/* The best candidate so far: highest priority, then lowest chassis name
 * (then lowest UUID, when a name is not known). */
struct best {
	const struct ovsdb_uuid *chassis;
	const char *name;
	int64_t prio;
};

static void consider(struct best *b, const struct gateway_tables *t,
		     const struct ovsdb_uuid *chassis, int64_t prio)
{
	const struct ovsdb_row *ch = find(t->chassis, chassis);
	const char *name = ch ? sb_row_string(ch, "name") : NULL;
	int c;

	/* A chassis not (yet, or no longer) registered is no candidate
	 * (the server clears the weak reference; a replica may lag). */
	if (!chassis || (t->chassis && t->chassis->ts && !ch))
		return;
	if (b->chassis) {
		if (prio != b->prio) {
			if (prio < b->prio)
				return;
		} else {
			c = name && b->name ? strcmp(name, b->name)
					    : ovsdb_uuid_cmp(chassis, b->chassis);
			if (c >= 0)
				return;
		}
	}
	b->chassis = chassis;
	b->name = name;
	b->prio = prio;
}

/* Candidates from the rows referenced by COL of ROW, read from TABLE. */
static bool candidates(struct best *b, const struct gateway_tables *t,
		       const struct ovsdb_row *row, const char *col,
		       const struct ovsdb_table *table)
{
	const struct ovsdb_datum *d = sb_row_datum(row, col, OVSDB_TYPE_UUID);
	bool any = false;

	for (size_t i = 0; d && i < d->n; i++) {
		const struct ovsdb_row *r = find(table, &d->keys[i].uuid);

		if (!r)
			continue;
		any = true;
		consider(b, t, sb_row_uuid(r, "chassis"), sb_row_int(r, "priority", 0));
	}
	return any;
}

const struct ovsdb_uuid *gateway_cr_chassis(const struct ovsdb_row *pb,
					    const struct gateway_tables *t)
{
	const struct ovsdb_row *g;
	struct best b = { 0 };

	if (!gateway_is_cr(pb))
		return NULL;
	g = find(t->ha_chassis_group, sb_row_uuid(pb, "ha_chassis_group"));
	if ((g && candidates(&b, t, g, "ha_chassis", t->ha_chassis)) ||
	    candidates(&b, t, pb, "gateway_chassis", t->gateway_chassis))
		return b.chassis;
	/* No gateway chassis rows: where it is bound. */
	return sb_row_uuid(pb, "chassis");
}

bool gateway_cr_active(const struct ovsdb_row *pb, const struct gateway_tables *t,
		       const struct ovsdb_uuid *me)
{
	const struct ovsdb_uuid *ch;

	if (!me)
		return false;
	ch = gateway_cr_chassis(pb, t);
	return ch && ovsdb_uuid_equals(ch, me);
}

int gateway_claim_reconcile(const struct ovsdb_table *port_binding,
			    const struct gateway_tables *t, const struct ovsdb_uuid *me,
			    const json_t *me_ref, json_t *ops)
{
	const struct ovsdb_row *pb;
	bool has_up;
	int n = 0;

	if (!port_binding || !port_binding->ts || !me || !me_ref)
		return 0;
	has_up = ovsdb_table_column(port_binding, "up") >= 0;
	OVSDB_TABLE_FOR_EACH(pb, port_binding) {
		const char *lport = sb_row_string(pb, "logical_port");
		const struct ovsdb_uuid *owner = sb_row_uuid(pb, "chassis");
		bool mine = owner && ovsdb_uuid_equals(owner, me);
		bool active, up = sb_row_bool(pb, "up", false);
		json_t *row;

		if (!lport || !gateway_is_cr(pb))
			continue;
		active = gateway_cr_active(pb, t, me);
		if (active == mine && (!has_up || !active || up))
			continue;
		if (active) {
			pr_info(MOD, "claiming gateway port %s (active gateway chassis)", lport);
			row = json_pack("{s:O}", "chassis", (json_t *)me_ref);
		} else {
			pr_info(MOD, "releasing gateway port %s (not the active gateway chassis)",
				lport);
			row = json_pack("{s:[s, []]}", "chassis", "set");
		}
		if (has_up)
			json_object_set_new(row, "up", json_boolean(active));
		json_array_append_new(ops, json_pack("{s:s, s:s, s:o, s:o}", "op", "update",
						     "table", "Port_Binding", "where",
						     sb_where_uuid(&pb->uuid), "row", row));
		n++;
	}
	return n;
}

/* ---- residency between engine passes ---- */

static int cmp_cr(const void *a, const void *b)
{
	return strcmp(((const struct gateway_cr *)a)->name, ((const struct gateway_cr *)b)->name);
}

void gateway_residency_free(struct gateway_residency *gr)
{
	for (size_t i = 0; i < gr->n; i++)
		free(gr->v[i].name);
	free(gr->v);
	gr->v = NULL;
	gr->n = 0;
}

static const struct gateway_cr *cr_find(const struct gateway_residency *gr, const char *name)
{
	struct gateway_cr key = { .name = (char *)name };

	return gr->n ? bsearch(&key, gr->v, gr->n, sizeof(*gr->v), cmp_cr) : NULL;
}

int gateway_residency_get(const struct gateway_residency *gr, const char *name)
{
	const struct gateway_cr *c = cr_find(gr, name);

	return c ? c->resident : -ENOENT;
}

int gateway_residency_update(struct gateway_residency *gr,
			     const struct ovsdb_table *port_binding,
			     const struct gateway_tables *t, const struct ovsdb_uuid *me,
			     struct gateway_cr ***changed)
{
	struct gateway_residency nw = { 0 };
	struct gateway_cr **ch = NULL;
	const struct ovsdb_row *pb;
	size_t cap = 0, n_ch = 0, i;

	*changed = NULL;
	if (port_binding && port_binding->ts) {
		OVSDB_TABLE_FOR_EACH(pb, port_binding) {
			const char *lport = sb_row_string(pb, "logical_port");

			if (!lport || !gateway_is_cr(pb))
				continue;
			if (nw.n == cap) {
				struct gateway_cr *v;

				cap = cap ? 2 * cap : 8;
				v = realloc(nw.v, cap * sizeof(*v));
				if (!v)
					goto nomem;
				nw.v = v;
			}
			nw.v[nw.n].name = strdup(lport);
			if (!nw.v[nw.n].name)
				goto nomem;
			nw.v[nw.n].uuid = pb->uuid;
			nw.v[nw.n].resident = gateway_cr_active(pb, t, me);
			nw.n++;
		}
	}
	if (nw.n)
		qsort(nw.v, nw.n, sizeof(*nw.v), cmp_cr);
	/* Changes: new resident ports and flipped ports.  A port row that
	 * goes away takes its flows with it (northd deletes them). */
	ch = calloc(nw.n + gr->n + 1, sizeof(*ch));
	if (!ch)
		goto nomem;
	for (i = 0; i < nw.n; i++) {
		const struct gateway_cr *o = cr_find(gr, nw.v[i].name);

		if ((o ? o->resident : false) != nw.v[i].resident)
			ch[n_ch++] = &nw.v[i];
	}
	gateway_residency_free(gr);
	*gr = nw;
	*changed = ch;
	return (int)n_ch;
nomem:
	gateway_residency_free(&nw);
	free(ch);
	return -ENOMEM;
}

bool gateway_match_names(const char *match, const char *name)
{
	size_t ln = strlen(name);
	const char *p = match;

	if (!strstr(match, "is_chassis_resident"))
		return false;
	while ((p = strstr(p, name))) {
		if (p > match && p[-1] == '"' && p[ln] == '"')
			return true;
		p += ln;
	}
	return false;
}
