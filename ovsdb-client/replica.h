/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * An in-memory replica of the monitored tables of one database, with
 * per-table change tracking.
 *
 * Rows are found by UUID and hold one typed datum per schema column
 * (columns sorted by name, see schema.h); columns a server omitted hold
 * the type's default.  Updates are applied atomically: a message is parsed
 * and checked completely before the replica changes, so a bad message
 * leaves the replica as it was.
 *
 * Change tracking: every row inserted, modified or deleted since the last
 * ovsdb_table_clear_tracked() is on the table's tracked list, with flags
 * saying what happened and, for a modification, which columns changed.
 * Changes that cancel out are not reported: a row inserted and deleted
 * between two clears never appears; a row deleted and inserted again with
 * the same UUID (a resync, a condition change) appears as MODIFIED with the
 * columns that really differ, or not at all.  Deleted rows stay readable
 * (their last content) until the consumer clears tracking.
 *
 * Row pointers stay valid while the row lives, across updates to it (its
 * datums are replaced in place).  A deleted row's pointer is valid until
 * the table's tracking is cleared.  When the server's schema for a table
 * changes across a reconnect, the table is flushed without tracking and
 * ovsdb_table_was_reset() says so: the consumer must then recompute from
 * the table's current content.
 */
#ifndef __OVSDB_REPLICA_H
#define __OVSDB_REPLICA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <jansson.h>

#include "ovsdb-client/datum.h"
#include "ovsdb-client/jv.h"
#include "ovsdb-client/schema.h"

enum ovsdb_row_track {
	OVSDB_ROW_INSERTED = 1 << 0,
	OVSDB_ROW_MODIFIED = 1 << 1,
	OVSDB_ROW_DELETED  = 1 << 2,
};

struct ovsdb_table;

struct ovsdb_row {
	struct ovsdb_uuid uuid;
	struct ovsdb_table *table;
	/* private to the replica */
	struct ovsdb_row *hnext;
	struct ovsdb_row *tprev, *tnext;
	uint32_t track;			/* enum ovsdb_row_track bits */
	uint32_t gen;
	uint64_t *modified;		/* column bitmap, valid if MODIFIED */
	struct ovsdb_datum cols[];	/* one per schema column */
};

struct ovsdb_table {
	char *name;
	/* Schema of this table, NULL until the server's schema is known or
	 * if the server has no such table. */
	const struct ovsdb_table_schema *ts;
	/* private to the replica */
	struct ovsdb_row **buckets;
	size_t n_buckets, n_rows, n_entries;
	struct ovsdb_row *track_head, *track_tail;
	uint32_t gen;
	bool reset;
};

struct ovsdb_replica {
	struct ovsdb_schema *schema;
	unsigned int n_tables;
	struct ovsdb_table **tables;
	uint64_t change_seqno;	/* bumped whenever any row changes */
};

struct ovsdb_replica *ovsdb_replica_create(void);
void ovsdb_replica_destroy(struct ovsdb_replica *r);
/* The table named NAME, created (empty, no schema) if new. */
struct ovsdb_table *ovsdb_replica_add_table(struct ovsdb_replica *r,
					    const char *name);
struct ovsdb_table *ovsdb_replica_find_table(const struct ovsdb_replica *r,
					     const char *name);
/* Install SCHEMA (the replica takes ownership).  Tables whose layout is
 * unchanged keep their rows; others are flushed and marked reset. */
void ovsdb_replica_set_schema(struct ovsdb_replica *r,
			      struct ovsdb_schema *schema);

enum ovsdb_update_format {
	OVSDB_UPDATE1,		/* "update": {"old": ..., "new": ...} */
	OVSDB_UPDATE2,		/* "update2"/"update3": initial/insert/modify/delete */
};

enum ovsdb_apply_flags {
	/* UPDATES is the complete content of every monitored table (a
	 * monitor reply without resumption): rows it does not mention are
	 * deleted and rows equal to what the replica holds are not reported
	 * as changed. */
	OVSDB_APPLY_SNAPSHOT = 1 << 0,
};

/* Apply a <table-updates> (or <table-updates2>) object, node UPDATES of a
 * jv document (jv.h), atomically.  FLAGS: enum ovsdb_apply_flags.
 * Returns the number of rows changed, or -EINVAL (ERRBUF says where) and
 * the replica is untouched. */
long ovsdb_replica_apply(struct ovsdb_replica *r, const struct jv_doc *doc,
			 jv_t updates, enum ovsdb_update_format fmt,
			 unsigned int flags, char *errbuf, size_t errlen);
/* The same from a jansson value (tests, tools). */
long ovsdb_replica_apply_json(struct ovsdb_replica *r, const json_t *updates,
			      enum ovsdb_update_format fmt, unsigned int flags,
			      char *errbuf, size_t errlen);

/* --- reading --------------------------------------------------------- */

static inline size_t ovsdb_table_count(const struct ovsdb_table *t)
{
	return t->n_rows;
}
/* Index of column NAME, -ENOENT if unknown (or schema not known yet). */
int ovsdb_table_column(const struct ovsdb_table *t, const char *name);
const struct ovsdb_row *ovsdb_table_find(const struct ovsdb_table *t,
					 const struct ovsdb_uuid *uuid);
/* Live rows, in no particular order.  Not valid across updates. */
const struct ovsdb_row *ovsdb_table_first(const struct ovsdb_table *t);
const struct ovsdb_row *ovsdb_table_next(const struct ovsdb_row *row);
#define OVSDB_TABLE_FOR_EACH(ROW, TABLE) \
	for ((ROW) = ovsdb_table_first(TABLE); (ROW); \
	     (ROW) = ovsdb_table_next(ROW))

static inline const struct ovsdb_datum *
ovsdb_row_datum(const struct ovsdb_row *row, int col)
{
	return &row->cols[col];
}
/* Datum of column NAME, NULL if the table has no such column. */
const struct ovsdb_datum *ovsdb_row_get(const struct ovsdb_row *row,
					const char *name);
static inline const struct ovsdb_type *
ovsdb_row_type(const struct ovsdb_row *row, int col)
{
	return &row->table->ts->columns[col].type;
}

/* --- change tracking ------------------------------------------------- */

const struct ovsdb_row *ovsdb_table_tracked_first(const struct ovsdb_table *t);
const struct ovsdb_row *ovsdb_row_tracked_next(const struct ovsdb_row *row);
#define OVSDB_TABLE_FOR_EACH_TRACKED(ROW, TABLE) \
	for ((ROW) = ovsdb_table_tracked_first(TABLE); (ROW); \
	     (ROW) = ovsdb_row_tracked_next(ROW))

static inline bool ovsdb_row_is_inserted(const struct ovsdb_row *row)
{
	return row->track & OVSDB_ROW_INSERTED;
}
static inline bool ovsdb_row_is_deleted(const struct ovsdb_row *row)
{
	return row->track & OVSDB_ROW_DELETED;
}
/* Column COL of a live row changed (also true for every column of an
 * inserted row). */
bool ovsdb_row_is_updated(const struct ovsdb_row *row, int col);
/* The table was flushed (schema change): recompute from scratch. */
static inline bool ovsdb_table_was_reset(const struct ovsdb_table *t)
{
	return t->reset;
}
/* Forget what happened so far: deleted rows are freed. */
void ovsdb_table_clear_tracked(struct ovsdb_table *t);
void ovsdb_replica_clear_tracked(struct ovsdb_replica *r);

#endif /* __OVSDB_REPLICA_H */
