/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * A database schema as the server reports it (get_schema, or the `schema`
 * column of _Server's Database table).  Columns of a table are kept sorted
 * by name so that a column index is stable for a given schema and a
 * lookup by name is a binary search.
 */
#ifndef __OVSDB_SCHEMA_H
#define __OVSDB_SCHEMA_H

#include <jansson.h>

#include "ovsdb-client/datum.h"

struct ovsdb_column {
	char *name;
	struct ovsdb_type type;
};

struct ovsdb_table_schema {
	char *name;
	unsigned int n_columns;
	struct ovsdb_column *columns;	/* sorted by name; no _uuid/_version */
	bool is_root;
};

struct ovsdb_schema {
	char *name;
	char *version;
	unsigned int n_tables;
	struct ovsdb_table_schema *tables;	/* sorted by name */
};

/* Parse a schema object.  -EINVAL with a message in ERRBUF on error. */
int ovsdb_schema_from_json(struct ovsdb_schema **out, const json_t *j,
			   char *errbuf, size_t errlen);
void ovsdb_schema_free(struct ovsdb_schema *s);

const struct ovsdb_table_schema *
ovsdb_schema_find_table(const struct ovsdb_schema *s, const char *name);
/* Index of column NAME in TS, or -ENOENT. */
int ovsdb_table_schema_column(const struct ovsdb_table_schema *ts,
			      const char *name);
/* Same column names and types in the same order. */
bool ovsdb_table_schema_equals(const struct ovsdb_table_schema *a,
			       const struct ovsdb_table_schema *b);

#endif /* __OVSDB_SCHEMA_H */
