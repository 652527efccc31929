// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "loader/l3gateway.h"
#include "loader/local_datapaths.h"
#include "loader/sb_row.h"

void local_datapaths_init(struct local_datapaths *ld)
{
	memset(ld, 0, sizeof(*ld));
}

void local_datapaths_destroy(struct local_datapaths *ld)
{
	free(ld->v);
	local_datapaths_init(ld);
}

static int cmp_uuid(const void *a, const void *b)
{
	return ovsdb_uuid_cmp(a, b);
}

bool local_datapaths_contains(const struct local_datapaths *ld, const struct ovsdb_uuid *dp)
{
	return ld->n && bsearch(dp, ld->v, ld->n, sizeof(*ld->v), cmp_uuid);
}

/* Add DP; 1 if it was new, 0 if known, -ENOMEM. */
static int ld_add(struct local_datapaths *ld, const struct ovsdb_uuid *dp)
{
	size_t lo = 0, hi = ld->n;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		int c = ovsdb_uuid_cmp(&ld->v[mid], dp);

		if (!c)
			return 0;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (ld->n == ld->cap) {
		size_t cap = ld->cap ? ld->cap * 2 : 16;
		struct ovsdb_uuid *v = realloc(ld->v, cap * sizeof(*v));

		if (!v)
			return -ENOMEM;
		ld->v = v;
		ld->cap = cap;
	}
	memmove(&ld->v[lo + 1], &ld->v[lo], (ld->n - lo) * sizeof(*ld->v));
	ld->v[lo] = *dp;
	ld->n++;
	return 1;
}

struct patch {
	const char *name;
	const char *peer;
	const struct ovsdb_uuid *dp;
};

static int cmp_patch(const void *a, const void *b)
{
	return strcmp(((const struct patch *)a)->name, ((const struct patch *)b)->name);
}

int local_datapaths_compute(struct local_datapaths *ld, const struct bindings *bs,
			    const struct ovsdb_table *port_binding,
			    const struct ovsdb_uuid *me)
{
	struct patch *patches = NULL;
	size_t n_patches = 0, cap = 0, i;
	const struct ovsdb_row *pb;
	bool grew;
	int err = 0;

	ld->n = 0;
	if (!port_binding || !port_binding->ts)
		return 0;
	OVSDB_TABLE_FOR_EACH(pb, port_binding) {
		const char *lport = sb_row_string(pb, "logical_port");
		const char *type = sb_row_string(pb, "type");
		const struct ovsdb_uuid *dp = sb_row_uuid(pb, "datapath");
		const struct ovsdb_uuid *owner = sb_row_uuid(pb, "chassis");
		bool gw_here;

		if (!lport || !dp)
			continue;
		/* A gateway router port claimed here (loader/l3gateway.h)
		 * makes its datapath local and joins its peer as a patch
		 * port does; elsewhere it does neither. */
		gw_here = l3gw_is_port(pb) && me && owner && ovsdb_uuid_equals(owner, me);
		if (gw_here && ld_add(ld, dp) < 0) {
			err = -ENOMEM;
			goto out;
		}
		if ((type && !strcmp(type, "patch")) || gw_here) {
			const char *peer = sb_row_smap_get(pb, "options", "peer");

			if (!peer)
				continue;
			if (n_patches == cap) {
				struct patch *p;

				cap = cap ? cap * 2 : 64;
				p = realloc(patches, cap * sizeof(*p));
				if (!p) {
					err = -ENOMEM;
					goto out;
				}
				patches = p;
			}
			patches[n_patches++] = (struct patch){ lport, peer, dp };
			continue;
		}
		if (bindings_find_lport(bs, lport) ||
		    (me && owner && ovsdb_uuid_equals(owner, me))) {
			if (ld_add(ld, dp) < 0) {
				err = -ENOMEM;
				goto out;
			}
		}
	}
	if (!ld->n)
		goto out;
	qsort(patches, n_patches, sizeof(*patches), cmp_patch);
	/* Flood fill across patch pairs until nothing new is reached; each
	 * round adds at least one datapath, so this ends. */
	do {
		grew = false;
		for (i = 0; i < n_patches; i++) {
			struct patch key = { .name = patches[i].peer }, *peer;
			int r;

			if (!local_datapaths_contains(ld, patches[i].dp))
				continue;
			peer = bsearch(&key, patches, n_patches, sizeof(*patches), cmp_patch);
			if (!peer)
				continue;
			r = ld_add(ld, peer->dp);
			if (r < 0) {
				err = -ENOMEM;
				goto out;
			}
			grew |= r > 0;
		}
	} while (grew);
out:
	free(patches);
	return err;
}

static json_t *clause(const char *col, const char *fn, json_t *val)
{
	return json_pack("[s, s, o]", col, fn, val);
}

json_t *local_datapaths_condition(const struct local_datapaths *ld, const char *column,
				  const char *function, json_t *extra)
{
	json_t *w = json_array();
	size_t i;

	for (i = 0; i < ld->n; i++) {
		json_t *u = sb_uuid_json(&ld->v[i]);

		/* "includes" takes a set: a one-element set is the bare atom. */
		json_array_append_new(w, clause(column, function, u));
	}
	if (extra)
		json_array_append_new(w, extra);
	if (!json_array_size(w))
		json_array_append_new(w, json_false());
	return w;
}

json_t *local_datapaths_pb_condition(const struct local_datapaths *ld,
				     const struct bindings *bs, const struct ovsdb_uuid *me)
{
	static const char *const types[] = { "patch", "chassisredirect", "external",
					     "l3gateway" };
	json_t *w = local_datapaths_condition(ld, "datapath", "==", NULL);
	size_t i;

	/* Drop the [false] placeholder: other clauses follow. */
	if (json_array_size(w) == 1 && json_is_false(json_array_get(w, 0)))
		json_array_clear(w);
	for (i = 0; i < sizeof(types) / sizeof(types[0]); i++)
		json_array_append_new(w, clause("type", "==", json_string(types[i])));
	if (me)
		json_array_append_new(w, clause("chassis", "==", sb_uuid_json(me)));
	for (i = 0; i < bs->n; i++)
		json_array_append_new(w, clause("logical_port", "==",
						json_string(bs->v[i]->lport)));
	return w;
}
