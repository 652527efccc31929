// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * Typed read access to the Southbound replica.  See sb.h.
 */
#include <errno.h>
#include <string.h>

#include "loader/sb.h"

static const char *const table_names[SB_N_TABLES] = {
	[SB_ADDRESS_SET] = "Address_Set",
	[SB_BFD] = "BFD",
	[SB_CHASSIS] = "Chassis",
	[SB_CHASSIS_PRIVATE] = "Chassis_Private",
	[SB_CHASSIS_TEMPLATE_VAR] = "Chassis_Template_Var",
	[SB_CONTROLLER_EVENT] = "Controller_Event",
	[SB_DHCP_OPTIONS] = "DHCP_Options",
	[SB_DHCPV6_OPTIONS] = "DHCPv6_Options",
	[SB_DNS] = "DNS",
	[SB_DATAPATH_BINDING] = "Datapath_Binding",
	[SB_ENCAP] = "Encap",
	[SB_FDB] = "FDB",
	[SB_GATEWAY_CHASSIS] = "Gateway_Chassis",
	[SB_HA_CHASSIS] = "HA_Chassis",
	[SB_HA_CHASSIS_GROUP] = "HA_Chassis_Group",
	[SB_IGMP_GROUP] = "IGMP_Group",
	[SB_IP_MULTICAST] = "IP_Multicast",
	[SB_LOAD_BALANCER] = "Load_Balancer",
	[SB_LOGICAL_DP_GROUP] = "Logical_DP_Group",
	[SB_LOGICAL_FLOW] = "Logical_Flow",
	[SB_MAC_BINDING] = "MAC_Binding",
	[SB_METER] = "Meter",
	[SB_METER_BAND] = "Meter_Band",
	[SB_MIRROR] = "Mirror",
	[SB_MULTICAST_GROUP] = "Multicast_Group",
	[SB_PORT_BINDING] = "Port_Binding",
	[SB_PORT_GROUP] = "Port_Group",
	[SB_GLOBAL] = "SB_Global",
	[SB_SERVICE_MONITOR] = "Service_Monitor",
	[SB_STATIC_MAC_BINDING] = "Static_MAC_Binding",
};

const char *sb_table_name(enum sb_table t)
{
	return (unsigned int)t < SB_N_TABLES ? table_names[t] : NULL;
}

int sb_table_from_name(const char *name)
{
	int i;

	for (i = 0; i < SB_N_TABLES; i++)
		if (!strcmp(table_names[i], name))
			return i;
	return -ENOENT;
}

int sb_init(struct sb *sb, struct ovsdb_client *client,
	    const enum sb_table *which, size_t n)
{
	size_t i;

	memset(sb, 0, sizeof(*sb));
	sb->client = client;
	if (!which)
		n = SB_N_TABLES;
	for (i = 0; i < n; i++) {
		enum sb_table t = which ? which[i] : (enum sb_table)i;

		if ((unsigned int)t >= SB_N_TABLES)
			return -EINVAL;
		sb->tables[t] = ovsdb_client_monitor(client, table_names[t],
						     NULL);
		if (!sb->tables[t])
			return -ENOMEM;
	}
	return 0;
}

struct ovsdb_table *sb_table(const struct sb *sb, enum sb_table t)
{
	if ((unsigned int)t >= SB_N_TABLES || !sb->tables[t] ||
	    !sb->tables[t]->ts)
		return NULL;
	return sb->tables[t];
}

const struct ovsdb_row *sb_find(const struct sb *sb, enum sb_table t,
				const struct ovsdb_uuid *uuid)
{
	struct ovsdb_table *tbl = sb_table(sb, t);

	return tbl ? ovsdb_table_find(tbl, uuid) : NULL;
}

const struct ovsdb_row *sb_find_by_string(const struct sb *sb,
					  enum sb_table t, const char *col,
					  const char *value)
{
	const struct ovsdb_row *row;

	SB_FOR_EACH(row, sb, t) {
		const char *s = sb_get_string(row, col);

		if (s && !strcmp(s, value))
			return row;
	}
	return NULL;
}

int sb_column(const struct sb *sb, enum sb_table t, const char *col)
{
	struct ovsdb_table *tbl = sb_table(sb, t);

	return tbl ? ovsdb_table_column(tbl, col) : -ENOENT;
}

const struct ovsdb_datum *sb_datum(const struct ovsdb_row *row,
				   const char *col,
				   enum ovsdb_atomic_type key,
				   enum ovsdb_atomic_type value)
{
	int i;

	if (!row || !row->table->ts)
		return NULL;
	i = ovsdb_table_column(row->table, col);
	if (i < 0)
		return NULL;
	if (ovsdb_row_type(row, i)->key != key ||
	    ovsdb_row_type(row, i)->value != value)
		return NULL;
	return ovsdb_row_datum(row, i);
}

/* A scalar or 0..1 column: its single atom, or NULL when empty. */
static const union ovsdb_atom *single(const struct ovsdb_row *row,
				      const char *col,
				      enum ovsdb_atomic_type key)
{
	const struct ovsdb_datum *d = sb_datum(row, col, key, OVSDB_TYPE_VOID);

	return d && d->n >= 1 ? &d->keys[0] : NULL;
}

const char *sb_get_string(const struct ovsdb_row *row, const char *col)
{
	const union ovsdb_atom *a = single(row, col, OVSDB_TYPE_STRING);

	return a ? a->string : NULL;
}

bool sb_get_int(const struct ovsdb_row *row, const char *col, int64_t *out)
{
	const union ovsdb_atom *a = single(row, col, OVSDB_TYPE_INTEGER);

	if (a)
		*out = a->integer;
	return a;
}

bool sb_get_bool(const struct ovsdb_row *row, const char *col, bool *out)
{
	const union ovsdb_atom *a = single(row, col, OVSDB_TYPE_BOOLEAN);

	if (a)
		*out = a->boolean;
	return a;
}

bool sb_get_uuid(const struct ovsdb_row *row, const char *col,
		 struct ovsdb_uuid *out)
{
	const union ovsdb_atom *a = single(row, col, OVSDB_TYPE_UUID);

	if (a)
		*out = a->uuid;
	return a;
}

const struct ovsdb_row *sb_get_ref(const struct sb *sb,
				   const struct ovsdb_row *row,
				   const char *col, enum sb_table target)
{
	struct ovsdb_uuid u;

	return sb_get_uuid(row, col, &u) ? sb_find(sb, target, &u) : NULL;
}

/* A set column of any atomic type (scalars count as sets of one). */
static const struct ovsdb_datum *set_datum(const struct ovsdb_row *row,
					   const char *col,
					   enum ovsdb_atomic_type key)
{
	return sb_datum(row, col, key, OVSDB_TYPE_VOID);
}

size_t sb_set_count(const struct ovsdb_row *row, const char *col)
{
	const struct ovsdb_datum *d;
	int i;

	if (!row || !row->table->ts)
		return 0;
	i = ovsdb_table_column(row->table, col);
	if (i < 0 || ovsdb_type_is_map(ovsdb_row_type(row, i)))
		return 0;
	d = ovsdb_row_datum(row, i);
	return d->n;
}

const char *sb_set_string(const struct ovsdb_row *row, const char *col,
			  size_t i)
{
	const struct ovsdb_datum *d = set_datum(row, col, OVSDB_TYPE_STRING);

	return d && i < d->n ? d->keys[i].string : NULL;
}

const struct ovsdb_uuid *sb_set_uuid(const struct ovsdb_row *row,
				     const char *col, size_t i)
{
	const struct ovsdb_datum *d = set_datum(row, col, OVSDB_TYPE_UUID);

	return d && i < d->n ? &d->keys[i].uuid : NULL;
}

bool sb_set_has_string(const struct ovsdb_row *row, const char *col,
		       const char *s)
{
	const struct ovsdb_datum *d = set_datum(row, col, OVSDB_TYPE_STRING);
	union ovsdb_atom key = { .string = (char *)s };

	return d && ovsdb_datum_find_key(d, &key, OVSDB_TYPE_STRING) >= 0;
}

static const struct ovsdb_datum *smap(const struct ovsdb_row *row,
				      const char *col)
{
	return sb_datum(row, col, OVSDB_TYPE_STRING, OVSDB_TYPE_STRING);
}

const char *sb_map_get(const struct ovsdb_row *row, const char *col,
		       const char *key)
{
	const struct ovsdb_datum *d = smap(row, col);
	union ovsdb_atom k = { .string = (char *)key };
	long i;

	if (!d)
		return NULL;
	i = ovsdb_datum_find_key(d, &k, OVSDB_TYPE_STRING);
	return i < 0 ? NULL : d->values[i].string;
}

size_t sb_map_count(const struct ovsdb_row *row, const char *col)
{
	const struct ovsdb_datum *d = smap(row, col);

	return d ? d->n : 0;
}

bool sb_map_at(const struct ovsdb_row *row, const char *col, size_t i,
	       const char **key, const char **value)
{
	const struct ovsdb_datum *d = smap(row, col);

	if (!d || i >= d->n)
		return false;
	*key = d->keys[i].string;
	*value = d->values[i].string;
	return true;
}
