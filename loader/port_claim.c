// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "loader/log.h"
#include "loader/port_claim.h"
#include "loader/sb_row.h"

static int cmp_lport(const void *a, const void *b)
{
	const struct binding *const *x = a, *const *y = b;

	return strcmp((*x)->lport, (*y)->lport);
}

static struct binding *find_sorted(struct binding **v, size_t n, const char *lport)
{
	struct binding key = { .lport = (char *)lport }, *kp = &key, **r;

	r = bsearch(&kp, v, n, sizeof(*v), cmp_lport);
	return r ? *r : NULL;
}

/* May this chassis claim PB?  Not when it asks for another chassis. */
static bool requested_here(const struct ovsdb_row *pb, const struct chassis_cfg *cfg,
			   const struct ovsdb_uuid *me)
{
	const struct ovsdb_uuid *rc = sb_row_uuid(pb, "requested_chassis");
	const char *opt = sb_row_smap_get(pb, "options", "requested-chassis");

	if (rc)
		return me && ovsdb_uuid_equals(rc, me);
	/* The option may hold the chassis name or its hostname (and, with
	 * live migration, a comma-separated list). */
	if (opt && *opt) {
		const char *p = opt;
		size_t ln = strlen(cfg->name), lh = strlen(cfg->hostname);

		while (*p) {
			size_t l = strcspn(p, ",");

			if ((l == ln && !strncmp(p, cfg->name, l)) ||
			    (l == lh && !strncmp(p, cfg->hostname, l)))
				return true;
			p += l;
			if (*p)
				p++;
		}
		return false;
	}
	return true;
}

static void append_update(json_t *ops, const struct ovsdb_row *pb, json_t *chassis, bool up,
			  bool has_up)
{
	json_t *row = json_pack("{s:o}", "chassis", chassis);

	if (has_up)
		json_object_set_new(row, "up", json_boolean(up));
	json_array_append_new(ops, json_pack("{s:s, s:s, s:o, s:o}", "op", "update",
					     "table", "Port_Binding", "where",
					     sb_where_uuid(&pb->uuid), "row", row));
}

int port_claim_reconcile(struct bindings *bs, const struct ovsdb_table *port_binding,
			 const struct chassis_cfg *cfg, const struct ovsdb_uuid *me,
			 const json_t *me_ref, json_t *ops)
{
	const struct ovsdb_row *pb;
	struct binding **sorted;
	size_t i;
	bool has_up;
	int n = 0;

	for (i = 0; i < bs->n; i++)
		bs->v[i]->claimed = false;
	if (!port_binding || !port_binding->ts || !me_ref)
		return 0;
	sorted = malloc((bs->n ? bs->n : 1) * sizeof(*sorted));
	if (!sorted)
		return -ENOMEM;
	memcpy(sorted, bs->v, bs->n * sizeof(*sorted));
	qsort(sorted, bs->n, sizeof(*sorted), cmp_lport);
	has_up = ovsdb_table_column(port_binding, "up") >= 0;

	OVSDB_TABLE_FOR_EACH(pb, port_binding) {
		const char *lport = sb_row_string(pb, "logical_port");
		const char *type = sb_row_string(pb, "type");
		const struct ovsdb_uuid *owner = sb_row_uuid(pb, "chassis");
		bool mine = me && owner && ovsdb_uuid_equals(owner, me);
		bool up = sb_row_bool(pb, "up", false);
		struct binding *b;
		bool want;

		if (!lport || (type && *type))
			continue;	/* only VIFs are bound by interface */
		b = find_sorted(sorted, bs->n, lport);
		want = b && b->ifindex && requested_here(pb, cfg, me);
		if (want) {
			bool want_up = b->attached;

			if (mine && (!has_up || up == want_up)) {
				b->claimed = true;
				continue;
			}
			if (!mine && owner) {
				char u[OVSDB_UUID_LEN + 1];

				pr_warn("claim", "logical port %s: taking it over from chassis row %s",
					lport, ovsdb_uuid_to_string(owner, u));
			} else if (!mine) {
				pr_info("claim", "claiming logical port %s for %s", lport,
					b->iface);
			}
			append_update(ops, pb, json_deep_copy(me_ref), want_up, has_up);
			n++;
		} else if (mine) {
			if (b && b->ifindex)
				pr_warn("claim", "logical port %s is requested on another chassis; "
					"releasing it", lport);
			else
				pr_info("claim", "releasing logical port %s", lport);
			append_update(ops, pb, json_pack("[s, []]", "set"), false, has_up);
			n++;
		}
	}
	free(sorted);
	return n;
}
