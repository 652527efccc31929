/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Read-only, typed access to the OVN Southbound replica.
 *
 * A thin layer over ovsdb-client/: the SB tables the daemon may monitor
 * are named by enum sb_table, and rows are read with generic accessors
 * that take the column name as the schema spells it (ovn-sb(5)), check
 * the column's type and return a C value.  No per-table structs: the
 * replica row *is* the record.  Writes (Chassis, Port_Binding claims,
 * MAC_Binding) go through ovsdb_client_transact() with JSON operations.
 *
 *	struct sb sb;
 *	sb_init(&sb, client, NULL, 0);		// monitor every SB table
 *	...
 *	const struct ovsdb_row *pb;
 *	SB_FOR_EACH(pb, &sb, SB_PORT_BINDING) {
 *		const char *name = sb_get_string(pb, "logical_port");
 *		int64_t key;
 *		sb_get_int(pb, "tunnel_key", &key);
 *		const struct ovsdb_row *dp =
 *			sb_get_ref(&sb, pb, "datapath", SB_DATAPATH_BINDING);
 *		const char *peer = sb_map_get(pb, "options", "peer");
 *	}
 *
 * Accessors return NULL/false when the row has no such column, the column
 * has another type, or an optional value is empty.  Column lookups by name
 * are a binary search over the table's sorted columns; hot loops can
 * resolve an index once with sb_column() and use ovsdb_row_datum().
 */
#ifndef __OVNBPF_LOADER_SB_H
#define __OVNBPF_LOADER_SB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ovsdb-client/client.h"

#define SB_DB_NAME "OVN_Southbound"

enum sb_table {
	SB_ADDRESS_SET,
	SB_BFD,
	SB_CHASSIS,
	SB_CHASSIS_PRIVATE,
	SB_CHASSIS_TEMPLATE_VAR,
	SB_CONTROLLER_EVENT,
	SB_DHCP_OPTIONS,
	SB_DHCPV6_OPTIONS,
	SB_DNS,
	SB_DATAPATH_BINDING,
	SB_ENCAP,
	SB_FDB,
	SB_GATEWAY_CHASSIS,
	SB_HA_CHASSIS,
	SB_HA_CHASSIS_GROUP,
	SB_IGMP_GROUP,
	SB_IP_MULTICAST,
	SB_LOAD_BALANCER,
	SB_LOGICAL_DP_GROUP,
	SB_LOGICAL_FLOW,
	SB_MAC_BINDING,
	SB_METER,
	SB_METER_BAND,
	SB_MIRROR,
	SB_MULTICAST_GROUP,
	SB_PORT_BINDING,
	SB_PORT_GROUP,
	SB_GLOBAL,
	SB_SERVICE_MONITOR,
	SB_STATIC_MAC_BINDING,
	SB_N_TABLES
};

/* The schema's name of T ("Port_Binding", "SB_Global", ...). */
const char *sb_table_name(enum sb_table t);
/* The enum of table NAME, or -ENOENT. */
int sb_table_from_name(const char *name);

struct sb {
	struct ovsdb_client *client;
	struct ovsdb_table *tables[SB_N_TABLES];	/* NULL: not monitored */
};

/* Register monitors on CLIENT (before its first run) for the N tables in
 * WHICH, or every table above if WHICH is NULL.  0 or -errno. */
int sb_init(struct sb *sb, struct ovsdb_client *client,
	    const enum sb_table *which, size_t n);

/* The replica table (its schema is known once connected), or NULL. */
struct ovsdb_table *sb_table(const struct sb *sb, enum sb_table t);
#define SB_FOR_EACH(ROW, SB, T) \
	for ((ROW) = sb_table(SB, T) ? ovsdb_table_first(sb_table(SB, T)) \
				     : NULL; \
	     (ROW); (ROW) = ovsdb_table_next(ROW))
#define SB_FOR_EACH_TRACKED(ROW, SB, T) \
	for ((ROW) = sb_table(SB, T) ? \
		     ovsdb_table_tracked_first(sb_table(SB, T)) : NULL; \
	     (ROW); (ROW) = ovsdb_row_tracked_next(ROW))

/* Row of table T by UUID (live rows only), or NULL. */
const struct ovsdb_row *sb_find(const struct sb *sb, enum sb_table t,
				const struct ovsdb_uuid *uuid);
/* First row of T whose string column COL equals VALUE: a linear scan, for
 * small tables and tests (Chassis by name, SB_Global). */
const struct ovsdb_row *sb_find_by_string(const struct sb *sb,
					  enum sb_table t, const char *col,
					  const char *value);
/* Column index of COL in T, -ENOENT if unknown or schema not yet known. */
int sb_column(const struct sb *sb, enum sb_table t, const char *col);

/* The datum of COL if it has key type KEY and value type VALUE (VOID for
 * a set or scalar), else NULL. */
const struct ovsdb_datum *sb_datum(const struct ovsdb_row *row,
				   const char *col,
				   enum ovsdb_atomic_type key,
				   enum ovsdb_atomic_type value);

/* Scalars and optional (0..1) values: false/NULL when empty. */
const char *sb_get_string(const struct ovsdb_row *row, const char *col);
bool sb_get_int(const struct ovsdb_row *row, const char *col, int64_t *out);
bool sb_get_bool(const struct ovsdb_row *row, const char *col, bool *out);
bool sb_get_uuid(const struct ovsdb_row *row, const char *col,
		 struct ovsdb_uuid *out);
/* Follow a 0..1 reference column into table TARGET. */
const struct ovsdb_row *sb_get_ref(const struct sb *sb,
				   const struct ovsdb_row *row,
				   const char *col, enum sb_table target);

/* Sets: number of elements (0 if no such set column of that type) and
 * element I, in the datum's sorted order. */
size_t sb_set_count(const struct ovsdb_row *row, const char *col);
const char *sb_set_string(const struct ovsdb_row *row, const char *col,
			  size_t i);
const struct ovsdb_uuid *sb_set_uuid(const struct ovsdb_row *row,
				     const char *col, size_t i);
bool sb_set_has_string(const struct ovsdb_row *row, const char *col,
		       const char *s);

/* String-to-string maps (options, external_ids, other_config): the value
 * of KEY or NULL; count; pair I. */
const char *sb_map_get(const struct ovsdb_row *row, const char *col,
		       const char *key);
size_t sb_map_count(const struct ovsdb_row *row, const char *col);
bool sb_map_at(const struct ovsdb_row *row, const char *col, size_t i,
	       const char **key, const char **value);

#endif /* __OVNBPF_LOADER_SB_H */
