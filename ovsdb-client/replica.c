// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * The replica: rows by UUID in a chained hash per table, tracked changes on
 * a per-table list, and the two-phase application of update messages (parse
 * everything into pending operations, then commit them, so that a message
 * that is bad anywhere changes nothing).
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ovsdb-client/replica.h"

#define BITS_WORDS(n) (((n) + 63) / 64)

static size_t uuid_hash(const struct ovsdb_uuid *u)
{
	/* Server UUIDs are random: mixing two words is plenty. */
	uint64_t h = ((uint64_t)u->parts[0] << 32 | u->parts[3]) *
		     0x9e3779b97f4a7c15ull;

	return (size_t)(h >> 17);
}

static size_t bucket_of(const struct ovsdb_table *t, const struct ovsdb_uuid *u)
{
	return uuid_hash(u) & (t->n_buckets - 1);
}

/* --- rows ------------------------------------------------------------ */

static struct ovsdb_row *row_alloc(struct ovsdb_table *t,
				   const struct ovsdb_uuid *uuid)
{
	unsigned int n = t->ts->n_columns;
	struct ovsdb_row *row;

	row = calloc(1, sizeof(*row) + n * sizeof(struct ovsdb_datum) +
			BITS_WORDS(n) * sizeof(uint64_t));
	if (!row)
		return NULL;
	row->uuid = *uuid;
	row->table = t;
	row->modified = (uint64_t *)&row->cols[n];
	return row;
}

static void row_free(struct ovsdb_row *row)
{
	const struct ovsdb_table_schema *ts = row->table->ts;
	unsigned int i;

	if (!row)
		return;
	for (i = 0; i < ts->n_columns; i++)
		ovsdb_datum_destroy(&row->cols[i], &ts->columns[i].type);
	free(row);
}

static inline void bit_set(uint64_t *b, unsigned int i)
{
	b[i / 64] |= 1ull << (i % 64);
}

static inline bool bit_test(const uint64_t *b, unsigned int i)
{
	return b[i / 64] & (1ull << (i % 64));
}

/* --- hash ------------------------------------------------------------ */

static int table_grow(struct ovsdb_table *t)
{
	size_t nb = t->n_buckets ? t->n_buckets * 2 : 64, i;
	struct ovsdb_row **b = calloc(nb, sizeof(*b));

	if (!b)
		return -ENOMEM;
	for (i = 0; i < t->n_buckets; i++) {
		struct ovsdb_row *row = t->buckets[i], *next;

		for (; row; row = next) {
			size_t h = uuid_hash(&row->uuid) & (nb - 1);

			next = row->hnext;
			row->hnext = b[h];
			b[h] = row;
		}
	}
	free(t->buckets);
	t->buckets = b;
	t->n_buckets = nb;
	return 0;
}

/* Live row or tombstone with this UUID. */
static struct ovsdb_row *table_lookup(const struct ovsdb_table *t,
				      const struct ovsdb_uuid *uuid)
{
	struct ovsdb_row *row;

	if (!t->n_buckets)
		return NULL;
	for (row = t->buckets[bucket_of(t, uuid)]; row; row = row->hnext)
		if (ovsdb_uuid_equals(&row->uuid, uuid))
			return row;
	return NULL;
}

static void hash_insert(struct ovsdb_table *t, struct ovsdb_row *row)
{
	size_t h = bucket_of(t, &row->uuid);

	row->hnext = t->buckets[h];
	t->buckets[h] = row;
	t->n_entries++;
}

static void hash_remove(struct ovsdb_table *t, struct ovsdb_row *row)
{
	struct ovsdb_row **p = &t->buckets[bucket_of(t, &row->uuid)];

	for (; *p; p = &(*p)->hnext) {
		if (*p == row) {
			*p = row->hnext;
			t->n_entries--;
			return;
		}
	}
}

/* --- tracking -------------------------------------------------------- */

static bool row_tracked(const struct ovsdb_table *t, const struct ovsdb_row *r)
{
	return r->tprev || t->track_head == r;
}

static void track_add(struct ovsdb_table *t, struct ovsdb_row *row)
{
	if (row_tracked(t, row))
		return;
	row->tnext = NULL;
	row->tprev = t->track_tail;
	if (t->track_tail)
		t->track_tail->tnext = row;
	else
		t->track_head = row;
	t->track_tail = row;
}

static void track_remove(struct ovsdb_table *t, struct ovsdb_row *row)
{
	if (!row_tracked(t, row))
		return;
	if (row->tprev)
		row->tprev->tnext = row->tnext;
	else
		t->track_head = row->tnext;
	if (row->tnext)
		row->tnext->tprev = row->tprev;
	else
		t->track_tail = row->tprev;
	row->tprev = row->tnext = NULL;
}

static void clear_bits(struct ovsdb_row *row)
{
	memset(row->modified, 0,
	       BITS_WORDS(row->table->ts->n_columns) * sizeof(uint64_t));
}

void ovsdb_table_clear_tracked(struct ovsdb_table *t)
{
	struct ovsdb_row *row, *next;

	for (row = t->track_head; row; row = next) {
		next = row->tnext;
		row->tprev = row->tnext = NULL;
		if (row->track & OVSDB_ROW_DELETED) {
			hash_remove(t, row);
			row_free(row);
			continue;
		}
		row->track = 0;
		clear_bits(row);
	}
	t->track_head = t->track_tail = NULL;
	t->reset = false;
}

void ovsdb_replica_clear_tracked(struct ovsdb_replica *r)
{
	unsigned int i;

	for (i = 0; i < r->n_tables; i++)
		ovsdb_table_clear_tracked(r->tables[i]);
}

const struct ovsdb_row *ovsdb_table_tracked_first(const struct ovsdb_table *t)
{
	return t->track_head;
}

const struct ovsdb_row *ovsdb_row_tracked_next(const struct ovsdb_row *row)
{
	return row->tnext;
}

bool ovsdb_row_is_updated(const struct ovsdb_row *row, int col)
{
	if (col < 0 || (unsigned int)col >= row->table->ts->n_columns)
		return false;
	if (row->track & OVSDB_ROW_INSERTED)
		return true;
	return (row->track & OVSDB_ROW_MODIFIED) && bit_test(row->modified, col);
}

/* --- tables ---------------------------------------------------------- */

/* Free every row, tracked or not (schema change, destroy). */
static void table_flush(struct ovsdb_table *t)
{
	size_t i;

	for (i = 0; i < t->n_buckets; i++) {
		struct ovsdb_row *row = t->buckets[i], *next;

		for (; row; row = next) {
			next = row->hnext;
			row_free(row);
		}
		t->buckets[i] = NULL;
	}
	t->n_rows = t->n_entries = 0;
	t->track_head = t->track_tail = NULL;
}

struct ovsdb_replica *ovsdb_replica_create(void)
{
	return calloc(1, sizeof(struct ovsdb_replica));
}

void ovsdb_replica_destroy(struct ovsdb_replica *r)
{
	unsigned int i;

	if (!r)
		return;
	for (i = 0; i < r->n_tables; i++) {
		struct ovsdb_table *t = r->tables[i];

		if (t->ts)
			table_flush(t);
		free(t->buckets);
		free(t->name);
		free(t);
	}
	free(r->tables);
	ovsdb_schema_free(r->schema);
	free(r);
}

struct ovsdb_table *ovsdb_replica_find_table(const struct ovsdb_replica *r,
					     const char *name)
{
	unsigned int i;

	for (i = 0; i < r->n_tables; i++)
		if (!strcmp(r->tables[i]->name, name))
			return r->tables[i];
	return NULL;
}

struct ovsdb_table *ovsdb_replica_add_table(struct ovsdb_replica *r,
					    const char *name)
{
	struct ovsdb_table *t = ovsdb_replica_find_table(r, name), **tables;

	if (t)
		return t;
	tables = realloc(r->tables, (r->n_tables + 1) * sizeof(*tables));
	if (!tables)
		return NULL;
	r->tables = tables;
	t = calloc(1, sizeof(*t));
	if (!t || !(t->name = strdup(name))) {
		free(t);
		return NULL;
	}
	if (r->schema)
		t->ts = ovsdb_schema_find_table(r->schema, name);
	r->tables[r->n_tables++] = t;
	return t;
}

void ovsdb_replica_set_schema(struct ovsdb_replica *r,
			      struct ovsdb_schema *schema)
{
	unsigned int i;

	for (i = 0; i < r->n_tables; i++) {
		struct ovsdb_table *t = r->tables[i];
		const struct ovsdb_table_schema *nts;

		nts = ovsdb_schema_find_table(schema, t->name);
		if (t->ts && (!nts || !ovsdb_table_schema_equals(t->ts, nts))) {
			/* Rows laid out for the old columns cannot be kept. */
			table_flush(t);
			t->reset = true;
			r->change_seqno++;
		}
		t->ts = nts;
	}
	if (r->schema != schema)
		ovsdb_schema_free(r->schema);
	r->schema = schema;
}

int ovsdb_table_column(const struct ovsdb_table *t, const char *name)
{
	return ovsdb_table_schema_column(t->ts, name);
}

const struct ovsdb_row *ovsdb_table_find(const struct ovsdb_table *t,
					 const struct ovsdb_uuid *uuid)
{
	const struct ovsdb_row *row = table_lookup(t, uuid);

	return row && !(row->track & OVSDB_ROW_DELETED) ? row : NULL;
}

static const struct ovsdb_row *live_from(const struct ovsdb_table *t,
					 const struct ovsdb_row *row,
					 size_t bucket)
{
	for (;;) {
		for (; row; row = row->hnext)
			if (!(row->track & OVSDB_ROW_DELETED))
				return row;
		if (++bucket >= t->n_buckets)
			return NULL;
		row = t->buckets[bucket];
	}
}

const struct ovsdb_row *ovsdb_table_first(const struct ovsdb_table *t)
{
	if (!t->n_buckets)
		return NULL;
	return live_from(t, t->buckets[0], 0);
}

const struct ovsdb_row *ovsdb_table_next(const struct ovsdb_row *row)
{
	const struct ovsdb_table *t = row->table;

	return live_from(t, row->hnext, bucket_of(t, &row->uuid));
}

const struct ovsdb_datum *ovsdb_row_get(const struct ovsdb_row *row,
					const char *name)
{
	int col = ovsdb_table_column(row->table, name);

	return col < 0 ? NULL : &row->cols[col];
}

/* --- applying updates ------------------------------------------------ */

enum op_kind { OP_UPSERT, OP_MODIFY, OP_DELETE };

struct op {
	struct ovsdb_table *t;
	enum op_kind kind;
	struct ovsdb_uuid uuid;
	/* UPSERT: a complete row; MODIFY: new values of the columns whose
	 * bits are set in new->modified.  Owned until committed. */
	struct ovsdb_row *new;
};

struct ops {
	struct op *v;
	size_t n, cap;
};

static void errf(char *buf, size_t len, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void errf(char *buf, size_t len, const char *fmt, ...)
{
	va_list ap;

	if (!buf || !len)
		return;
	va_start(ap, fmt);
	vsnprintf(buf, len, fmt, ap);
	va_end(ap);
}

/* Free a pending row: only the columns it owns hold data. */
static void pending_free(struct ovsdb_row *row)
{
	row_free(row);
}

static struct op *ops_push(struct ops *ops)
{
	if (ops->n == ops->cap) {
		size_t cap = ops->cap ? ops->cap * 2 : 64;
		struct op *v = realloc(ops->v, cap * sizeof(*v));

		if (!v)
			return NULL;
		ops->v = v;
		ops->cap = cap;
	}
	memset(&ops->v[ops->n], 0, sizeof(ops->v[0]));
	return &ops->v[ops->n++];
}

static void ops_free(struct ops *ops)
{
	size_t i;

	for (i = 0; i < ops->n; i++)
		if (ops->v[i].new)
			pending_free(ops->v[i].new);
	free(ops->v);
}

/* Build a complete row from an "initial"/"insert"/"new" object: the
 * columns present parsed, the others at their default. */
static int parse_full_row(struct ovsdb_table *t, const struct ovsdb_uuid *uuid,
			  const struct jv_doc *doc, jv_t obj,
			  struct ovsdb_row **out, char *errbuf, size_t errlen)
{
	const struct ovsdb_table_schema *ts = t->ts;
	struct ovsdb_row *row;
	const char *err = NULL;
	char ubuf[OVSDB_UUID_LEN + 1];
	unsigned int i;
	jv_t k, val;
	int ret;

	if (!jv_is(doc, obj, JV_OBJECT)) {
		errf(errbuf, errlen, "table %s row %s: row is not an object",
		     t->name, ovsdb_uuid_to_string(uuid, ubuf));
		return -EINVAL;
	}
	row = row_alloc(t, uuid);
	if (!row)
		return -ENOMEM;
	/* Mark which columns were given; the rest get defaults below. */
	JV_OBJECT_FOR_EACH(doc, obj, k, val) {
		const char *cname = jv_str(doc, k);
		int col = ovsdb_table_schema_column(ts, cname);

		if (col < 0) {
			if (!strcmp(cname, "_version") || !strcmp(cname, "_uuid"))
				continue;
			errf(errbuf, errlen, "table %s row %s: unknown column "
			     "%.64s", t->name, ovsdb_uuid_to_string(uuid, ubuf),
			     cname);
			ret = -EINVAL;
			goto fail;
		}
		if (bit_test(row->modified, col)) {
			errf(errbuf, errlen, "table %s row %s: column %s twice",
			     t->name, ovsdb_uuid_to_string(uuid, ubuf), cname);
			ret = -EINVAL;
			goto fail;
		}
		ret = ovsdb_datum_from_jv(&row->cols[col], doc, val,
					  &ts->columns[col].type, false, &err);
		if (ret) {
			errf(errbuf, errlen, "table %s row %s column %s: %s",
			     t->name, ovsdb_uuid_to_string(uuid, ubuf), cname,
			     err ? err : strerror(-ret));
			goto fail;
		}
		bit_set(row->modified, col);
	}
	for (i = 0; i < ts->n_columns; i++) {
		if (bit_test(row->modified, i))
			continue;
		ret = ovsdb_datum_init_default(&row->cols[i],
					       &ts->columns[i].type);
		if (ret)
			goto fail;
	}
	clear_bits(row);
	*out = row;
	return 0;
fail:
	row_free(row);	/* unparsed columns are zeroed: safe to destroy */
	return ret;
}

/* Build the new values of the columns a "modify" diff touches. */
static int parse_modify(struct ovsdb_table *t, const struct ovsdb_row *old,
			const struct jv_doc *doc, jv_t obj,
			struct ovsdb_row **out, char *errbuf, size_t errlen)
{
	const struct ovsdb_table_schema *ts = t->ts;
	struct ovsdb_row *row;
	const char *err = NULL;
	char ubuf[OVSDB_UUID_LEN + 1];
	jv_t k, val;
	int ret;

	if (!jv_is(doc, obj, JV_OBJECT)) {
		errf(errbuf, errlen, "table %s row %s: modify is not an object",
		     t->name, ovsdb_uuid_to_string(&old->uuid, ubuf));
		return -EINVAL;
	}
	row = row_alloc(t, &old->uuid);
	if (!row)
		return -ENOMEM;
	JV_OBJECT_FOR_EACH(doc, obj, k, val) {
		const char *cname = jv_str(doc, k);
		int col = ovsdb_table_schema_column(ts, cname);
		const struct ovsdb_type *type;
		struct ovsdb_datum diff;

		if (col < 0) {
			if (!strcmp(cname, "_version"))
				continue;
			errf(errbuf, errlen, "table %s row %s: unknown column "
			     "%.64s", t->name,
			     ovsdb_uuid_to_string(&old->uuid, ubuf), cname);
			ret = -EINVAL;
			goto fail;
		}
		if (bit_test(row->modified, col)) {
			errf(errbuf, errlen, "table %s row %s: column %s twice",
			     t->name, ovsdb_uuid_to_string(&old->uuid, ubuf),
			     cname);
			ret = -EINVAL;
			goto fail;
		}
		type = &ts->columns[col].type;
		if (ovsdb_type_is_single(type)) {
			/* max 1: the new value itself */
			ret = ovsdb_datum_from_jv(&row->cols[col], doc, val,
						  type, false, &err);
		} else {
			ret = ovsdb_datum_from_jv(&diff, doc, val, type, true,
						  &err);
			if (!ret) {
				ret = ovsdb_datum_apply_diff(&row->cols[col],
							     &old->cols[col],
							     &diff, type);
				ovsdb_datum_destroy(&diff, type);
			}
		}
		if (ret) {
			errf(errbuf, errlen, "table %s row %s column %s: %s",
			     t->name, ovsdb_uuid_to_string(&old->uuid, ubuf),
			     cname, err ? err : strerror(-ret));
			goto fail;
		}
		bit_set(row->modified, col);
	}
	*out = row;
	return 0;
fail:
	row_free(row);
	return ret;
}

static int parse_row_update(struct ovsdb_table *t, const char *uuid_s,
			    const struct jv_doc *doc, jv_t ru,
			    enum ovsdb_update_format fmt, bool snapshot,
			    struct ops *ops, char *errbuf, size_t errlen)
{
	struct ovsdb_uuid uuid;
	struct ovsdb_row *existing;
	jv_t body = 0;
	enum op_kind kind;
	struct op *op;
	int ret;

	if (!ovsdb_uuid_from_string(&uuid, uuid_s)) {
		errf(errbuf, errlen, "table %s: bad row UUID \"%.40s\"",
		     t->name, uuid_s);
		return -EINVAL;
	}
	if (!jv_is(doc, ru, JV_OBJECT)) {
		errf(errbuf, errlen, "table %s row %s: update is not an object",
		     t->name, uuid_s);
		return -EINVAL;
	}
	if (fmt == OVSDB_UPDATE1) {
		jv_t nw = jv_get(doc, ru, "new");

		if (!nw || jv_is(doc, nw, JV_NULL)) {
			kind = OP_DELETE;
		} else {
			kind = OP_UPSERT;	/* "new" holds every column */
			body = nw;
		}
	} else {
		jv_t key = jv_first(doc, ru);

		if (jv_len(doc, ru) != 1) {
			errf(errbuf, errlen, "table %s row %s: expected exactly "
			     "one of initial/insert/modify/delete", t->name,
			     uuid_s);
			return -EINVAL;
		}
		body = jv_next(doc, key);
		if (jv_str_eq(doc, key, "initial") ||
		    jv_str_eq(doc, key, "insert")) {
			kind = OP_UPSERT;
		} else if (jv_str_eq(doc, key, "modify")) {
			kind = OP_MODIFY;
		} else if (jv_str_eq(doc, key, "delete")) {
			kind = OP_DELETE;
		} else {
			errf(errbuf, errlen, "table %s row %s: unknown row "
			     "update \"%.40s\"", t->name, uuid_s,
			     jv_str(doc, key));
			return -EINVAL;
		}
	}
	existing = table_lookup(t, &uuid);
	if (existing && (existing->track & OVSDB_ROW_DELETED))
		existing = NULL;
	if (kind == OP_MODIFY && !existing) {
		errf(errbuf, errlen, "table %s row %s: modify of a row we do "
		     "not have", t->name, uuid_s);
		return -EINVAL;
	}
	if (kind == OP_DELETE && (!existing || snapshot)) {
		/* Nothing to delete: harmless, the end state is right. */
		return 0;
	}
	op = ops_push(ops);
	if (!op)
		return -ENOMEM;
	op->t = t;
	op->kind = kind;
	op->uuid = uuid;
	if (kind == OP_UPSERT)
		ret = parse_full_row(t, &uuid, doc, body, &op->new, errbuf,
				     errlen);
	else if (kind == OP_MODIFY)
		ret = parse_modify(t, existing, doc, body, &op->new, errbuf,
				   errlen);
	else
		ret = 0;
	if (ret)
		ops->n--;
	return ret;
}

static int parse_updates(struct ovsdb_replica *r, const struct jv_doc *doc,
			 jv_t updates, enum ovsdb_update_format fmt,
			 bool snapshot, struct ops *ops, char *errbuf,
			 size_t errlen)
{
	jv_t tk, tu, uk, ru;
	int ret;

	if (!jv_is(doc, updates, JV_OBJECT)) {
		errf(errbuf, errlen, "table updates are not an object");
		return -EINVAL;
	}
	JV_OBJECT_FOR_EACH(doc, updates, tk, tu) {
		const char *tname = jv_str(doc, tk);
		struct ovsdb_table *t = ovsdb_replica_find_table(r, tname);

		if (!t || !t->ts) {
			errf(errbuf, errlen, "update for table %.64s, which we "
			     "do not monitor", tname);
			return -EINVAL;
		}
		if (!jv_is(doc, tu, JV_OBJECT)) {
			errf(errbuf, errlen, "table %s: updates are not an "
			     "object", tname);
			return -EINVAL;
		}
		JV_OBJECT_FOR_EACH(doc, tu, uk, ru) {
			ret = parse_row_update(t, jv_str(doc, uk), doc, ru, fmt,
					       snapshot, ops, errbuf, errlen);
			if (ret)
				return ret;
		}
	}
	return 0;
}

/* Put the columns of NEW whose bits are in MASK (all if NULL) into ROW,
 * recording the ones that really differ.  Returns true if any did. */
static bool merge_columns(struct ovsdb_row *row, struct ovsdb_row *new,
			  const uint64_t *mask)
{
	const struct ovsdb_table_schema *ts = row->table->ts;
	bool changed = false;
	unsigned int i;

	for (i = 0; i < ts->n_columns; i++) {
		const struct ovsdb_type *type = &ts->columns[i].type;
		struct ovsdb_datum tmp;

		if (mask && !bit_test(mask, i))
			continue;
		if (ovsdb_datum_equals(&row->cols[i], &new->cols[i], type))
			continue;
		tmp = row->cols[i];
		row->cols[i] = new->cols[i];
		new->cols[i] = tmp;	/* freed with NEW */
		bit_set(row->modified, i);
		changed = true;
	}
	return changed;
}

static bool any_bits(const struct ovsdb_row *row)
{
	unsigned int i, n = BITS_WORDS(row->table->ts->n_columns);

	for (i = 0; i < n; i++)
		if (row->modified[i])
			return true;
	return false;
}

static void row_delete(struct ovsdb_table *t, struct ovsdb_row *row)
{
	t->n_rows--;
	if (row->track & OVSDB_ROW_INSERTED) {
		/* The consumer never saw it. */
		track_remove(t, row);
		hash_remove(t, row);
		row_free(row);
		return;
	}
	row->track |= OVSDB_ROW_DELETED;
	track_add(t, row);
}

/* Commit one operation; cannot fail (memory was allocated in parsing,
 * except for hash growth, which is attempted and tolerated). */
static long commit_op(struct op *op)
{
	struct ovsdb_table *t = op->t;
	struct ovsdb_row *row = table_lookup(t, &op->uuid);
	bool changed;

	switch (op->kind) {
	case OP_UPSERT:
		if (!row) {
			if (t->n_entries >= t->n_buckets)
				table_grow(t);	/* chains just get longer */
			row = op->new;
			op->new = NULL;
			row->gen = t->gen;
			row->track = OVSDB_ROW_INSERTED;
			hash_insert(t, row);
			track_add(t, row);
			t->n_rows++;
			return 1;
		}
		row->gen = t->gen;
		if (row->track & OVSDB_ROW_DELETED) {
			/* Back from the dead: report only what differs from
			 * what the consumer last saw. */
			row->track &= ~OVSDB_ROW_DELETED;
			t->n_rows++;
			merge_columns(row, op->new, NULL);
			if (any_bits(row)) {
				row->track |= OVSDB_ROW_MODIFIED;
			} else {
				row->track = 0;
				track_remove(t, row);
			}
			return 1;
		}
		changed = merge_columns(row, op->new, NULL);
		break;
	case OP_MODIFY:
		changed = merge_columns(row, op->new, op->new->modified);
		break;
	case OP_DELETE:
		row_delete(t, row);
		return 1;
	default:
		return 0;
	}
	if (!changed)
		return 0;
	if (!(row->track & OVSDB_ROW_INSERTED))
		row->track |= OVSDB_ROW_MODIFIED;
	track_add(t, row);
	return 1;
}

long ovsdb_replica_apply(struct ovsdb_replica *r, const struct jv_doc *doc,
			 jv_t updates, enum ovsdb_update_format fmt,
			 unsigned int flags, char *errbuf, size_t errlen)
{
	bool snapshot = flags & OVSDB_APPLY_SNAPSHOT;
	struct ops ops = { 0 };
	long changes = 0;
	unsigned int i;
	size_t k;
	int ret;

	if (errbuf && errlen)
		errbuf[0] = '\0';
	ret = parse_updates(r, doc, updates, fmt, snapshot, &ops, errbuf,
			    errlen);
	if (ret) {
		if (ret == -ENOMEM)
			errf(errbuf, errlen, "out of memory");
		ops_free(&ops);
		return ret;
	}
	if (snapshot)
		for (i = 0; i < r->n_tables; i++)
			r->tables[i]->gen++;
	for (k = 0; k < ops.n; k++) {
		struct ovsdb_table *t = ops.v[k].t;

		if (!t->n_buckets && table_grow(t)) {
			/* cannot even hold one row: give up on this message */
			errf(errbuf, errlen, "out of memory");
			ops_free(&ops);
			return -ENOMEM;
		}
		changes += commit_op(&ops.v[k]);
	}
	if (snapshot) {
		/* What the snapshot did not mention is gone. */
		for (i = 0; i < r->n_tables; i++) {
			struct ovsdb_table *t = r->tables[i];
			size_t b;

			if (!t->ts)
				continue;
			for (b = 0; b < t->n_buckets; b++) {
				struct ovsdb_row *row = t->buckets[b], *next;

				for (; row; row = next) {
					next = row->hnext;
					if (row->track & OVSDB_ROW_DELETED ||
					    row->gen == t->gen)
						continue;
					row_delete(t, row);
					changes++;
				}
			}
		}
	}
	ops_free(&ops);
	if (changes)
		r->change_seqno++;
	return changes;
}

long ovsdb_replica_apply_json(struct ovsdb_replica *r, const json_t *updates,
			      enum ovsdb_update_format fmt, unsigned int flags,
			      char *errbuf, size_t errlen)
{
	struct jv_doc doc = { 0 };
	char *text = json_dumps(updates, JSON_COMPACT | JSON_ENCODE_ANY);
	long ret;
	jv_t v;

	if (!text)
		return -ENOMEM;
	v = jv_parse(&doc, text, strlen(text), errbuf, errlen);
	ret = v ? ovsdb_replica_apply(r, &doc, v, fmt, flags, errbuf, errlen)
		: -EINVAL;
	jv_doc_free(&doc);
	free(text);
	return ret;
}
