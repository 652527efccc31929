// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* SB DHCP option definitions -> action parser tables (dhcp_opts.h). */
#include <stdlib.h>
#include <string.h>

#include "loader/dhcp_opts.h"
#include "loader/sb_row.h"

static void defs_free(struct action_opt_def *d, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free((char *)d[i].name);
		free((char *)d[i].type);
	}
	free(d);
}

static bool same(const struct action_opt_def *a, size_t na, const struct action_opt_def *b,
		 size_t nb)
{
	if (na != nb)
		return false;
	for (size_t i = 0; i < na; i++)
		if (a[i].code != b[i].code || strcmp(a[i].name, b[i].name) ||
		    strcmp(a[i].type, b[i].type))
			return false;
	return true;
}

bool dhcp_opts_load(struct dhcp_opts *o, const struct ovsdb_table *t)
{
	const struct ovsdb_row *row;
	struct action_opt_def *d;
	size_t n = 0, cap = 0;

	if (!t || !t->ts)
		return false;
	OVSDB_TABLE_FOR_EACH(row, t)
		cap++;
	d = calloc(cap + 1, sizeof(*d));
	if (!d)
		return false;
	/* Rows come in hash order: the result is compared as a list, so
	 * keep it in the replica's order (stable between passes). */
	OVSDB_TABLE_FOR_EACH(row, t) {
		const char *name = sb_row_string(row, "name");
		const char *type = sb_row_string(row, "type");

		if (!name || !type)
			continue;
		d[n].name = strdup(name);
		d[n].type = strdup(type);
		d[n].code = (uint16_t)sb_row_int(row, "code", 0);
		if (!d[n].name || !d[n].type) {
			defs_free(d, n + 1);
			return false;
		}
		n++;
	}
	if (o->defs && same(o->defs, o->t.n, d, n)) {
		defs_free(d, n);
		return false;
	}
	defs_free(o->defs, o->t.n);
	o->defs = d;
	o->t.defs = d;
	o->t.n = n;
	return true;
}

void dhcp_opts_free(struct dhcp_opts *o)
{
	defs_free(o->defs, o->t.n);
	memset(o, 0, sizeof(*o));
}
