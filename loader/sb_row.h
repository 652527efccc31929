/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Typed reads of Southbound rows in the OVSDB replica, by column name.  A
 * column the server's schema lacks, or an optional column that is empty,
 * reads as "absent" (NULL, or the given default): code written for one SB
 * schema version keeps working against another.
 */
#ifndef __OVNBPF_LOADER_SB_ROW_H
#define __OVNBPF_LOADER_SB_ROW_H

#include <stdbool.h>
#include <stdint.h>

#include "ovsdb-client/replica.h"

/* The first (for a scalar: the only) string of COL, or NULL. */
const char *sb_row_string(const struct ovsdb_row *row, const char *col);
/* The first UUID of COL (a reference), or NULL. */
const struct ovsdb_uuid *sb_row_uuid(const struct ovsdb_row *row, const char *col);
int64_t sb_row_int(const struct ovsdb_row *row, const char *col, int64_t dflt);
bool sb_row_bool(const struct ovsdb_row *row, const char *col, bool dflt);
/* The value of KEY in string map COL, or NULL. */
const char *sb_row_smap_get(const struct ovsdb_row *row, const char *col, const char *key);
/* The datum of COL if it has the given key type, else NULL. */
const struct ovsdb_datum *sb_row_datum(const struct ovsdb_row *row, const char *col,
				       enum ovsdb_atomic_type key_type);

/* The first live row of T whose string column COL equals VALUE. */
const struct ovsdb_row *sb_table_find_by_string(const struct ovsdb_table *t,
						const char *col, const char *value);

/* ["uuid", "<text>"] for a transaction. */
json_t *sb_uuid_json(const struct ovsdb_uuid *u);
/* [["_uuid", "==", ["uuid", U]]] */
json_t *sb_where_uuid(const struct ovsdb_uuid *u);

#endif /* __OVNBPF_LOADER_SB_ROW_H */
