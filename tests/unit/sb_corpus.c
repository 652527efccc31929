// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/unit/sb_corpus.h"

const char *sb_corpus_dir(void)
{
	const char *d = getenv("OVNBPF_CORPUS");

	return d && *d ? d : "/work/shared/corpus";
}

/* Is column TABLE.COL of SCHEMA a set or map that may hold more than one
 * element?  Those are the columns an "_is_diff" record stores as a diff;
 * scalars and optional values are stored whole. */
static bool col_is_multi(json_t *schema, const char *table, const char *col)
{
	json_t *type, *max;

	type = json_object_get(json_object_get(json_object_get(json_object_get(
		json_object_get(schema, "tables"), table), "columns"), col), "type");
	if (!json_is_object(type))
		return false;
	max = json_object_get(type, "max");
	if (json_is_string(max))
		return true;	/* "unlimited" */
	return json_is_integer(max) && json_integer_value(max) > 1;
}

/* Elements of an OVSDB set value: ["set", [...]] or a single atom. */
static json_t *set_elems(json_t *v)
{
	json_t *a;

	if (json_is_array(v) && json_array_size(v) == 2 &&
	    json_is_string(json_array_get(v, 0)) &&
	    !strcmp(json_string_value(json_array_get(v, 0)), "set"))
		return json_incref(json_array_get(v, 1));
	a = json_array();
	json_array_append(a, v);
	return a;
}

/* old (+) diff: a map diff adds, replaces or (same value) removes keys; a
 * set diff is the symmetric difference. */
static json_t *apply_col_diff(json_t *old, json_t *diff)
{
	bool is_map = json_is_array(diff) && json_is_string(json_array_get(diff, 0)) &&
		      !strcmp(json_string_value(json_array_get(diff, 0)), "map");
	json_t *o, *d, *res;
	size_t i, j;

	if (is_map) {
		o = json_copy(old ? json_array_get(old, 1) : NULL);
		if (!o)
			o = json_array();
		d = json_array_get(diff, 1);
		for (i = 0; i < json_array_size(d); i++) {
			json_t *kv = json_array_get(d, i);
			bool done = false;

			for (j = 0; j < json_array_size(o); j++) {
				json_t *okv = json_array_get(o, j);

				if (!json_equal(json_array_get(okv, 0), json_array_get(kv, 0)))
					continue;
				if (json_equal(json_array_get(okv, 1), json_array_get(kv, 1)))
					json_array_remove(o, j);
				else
					json_array_set(o, j, kv);
				done = true;
				break;
			}
			if (!done)
				json_array_append(o, kv);
		}
		return json_pack("[so]", "map", o);
	}
	o = old ? set_elems(old) : json_array();
	d = set_elems(diff);
	res = json_copy(o);
	json_decref(o);
	for (i = 0; i < json_array_size(d); i++) {
		json_t *e = json_array_get(d, i);
		bool found = false;

		for (j = 0; j < json_array_size(res); j++) {
			if (json_equal(json_array_get(res, j), e)) {
				json_array_remove(res, j);
				found = true;
				break;
			}
		}
		if (!found)
			json_array_append(res, e);
	}
	json_decref(d);
	return json_pack("[so]", "set", res);
}

/* Apply one transaction record: a row object replaces or updates the
 * columns it names, null deletes the row.  A record with "_is_diff"
 * (what ovsdb-server writes since 2.15) stores changed multi-valued
 * columns of existing rows as diffs against their old value. */
static void apply_txn(json_t *db, json_t *schema, json_t *txn)
{
	bool is_diff = json_is_true(json_object_get(txn, "_is_diff"));
	const char *table, *uuid, *col;
	json_t *rows, *row, *v;

	json_object_foreach(txn, table, rows) {
		json_t *t;

		if (table[0] == '_' || !json_is_object(rows))
			continue;	/* _date, _comment, _is_diff */
		t = json_object_get(db, table);
		if (!t) {
			t = json_object();
			json_object_set_new(db, table, t);
		}
		json_object_foreach(rows, uuid, row) {
			json_t *old = json_object_get(t, uuid);

			if (json_is_null(row))
				json_object_del(t, uuid);
			else if (old && is_diff) {
				json_object_foreach(row, col, v) {
					if (col_is_multi(schema, table, col))
						json_object_set_new(old, col,
							apply_col_diff(json_object_get(old, col), v));
					else
						json_object_set(old, col, v);
				}
			} else if (old)
				json_object_update(old, row);
			else
				json_object_set(t, uuid, row);
		}
	}
}

json_t *sb_corpus_load(const char *path)
{
	size_t plen = strlen(path), cap = 0;
	bool xz = plen > 3 && !strcmp(path + plen - 3, ".xz");
	char *line = NULL, *buf = NULL;
	json_t *db = NULL, *schema = NULL;
	int records = 0;
	FILE *f;

	if (xz) {
		char *cmd;

		if (asprintf(&cmd, "xz -dc '%s'", path) < 0)
			return NULL;
		f = popen(cmd, "r");
		free(cmd);
	} else {
		f = fopen(path, "r");
	}
	if (!f)
		return NULL;
	db = json_object();
	for (;;) {
		unsigned long len;
		json_error_t jerr;
		json_t *rec;

		if (getline(&line, &cap, f) < 0)
			break;
		if (sscanf(line, "OVSDB JSON %lu", &len) != 1)
			goto bad;
		buf = realloc(buf, len + 1);
		if (!buf || fread(buf, 1, len, f) != len)
			goto bad;
		rec = json_loadb(buf, len, 0, &jerr);
		if (!rec)
			goto bad;
		if (!records++) {
			schema = rec;
			continue;
		}
		if (json_is_object(rec))
			apply_txn(db, schema, rec);
		json_decref(rec);
	}
	goto out;
bad:
	json_decref(db);
	db = NULL;
	errno = EINVAL;
out:
	json_decref(schema);
	free(line);
	free(buf);
	if (xz)
		pclose(f);
	else
		fclose(f);
	return db;
}

json_t *sb_corpus_table(json_t *db, const char *table)
{
	static json_t *empty;
	json_t *t = json_object_get(db, table);

	if (t)
		return t;
	if (!empty)
		empty = json_object();
	return empty;
}

int sbdb_file_flows(const char *path, struct sbdb_flow **flows, size_t *n)
{
	struct sbdb_flow *out = NULL;
	const char *uuid;
	json_t *db, *rows, *row;
	size_t i = 0;

	*flows = NULL;
	*n = 0;
	db = sb_corpus_load(path);
	if (!db)
		return errno ? -errno : -EINVAL;
	rows = sb_corpus_table(db, "Logical_Flow");
	out = calloc(json_object_size(rows) + 1, sizeof(*out));
	if (!out) {
		json_decref(db);
		return -ENOMEM;
	}
	json_object_foreach(rows, uuid, row) {
		const char *m = json_string_value(json_object_get(row, "match"));
		const char *a = json_string_value(json_object_get(row, "actions"));

		snprintf(out[i].uuid, sizeof(out[i].uuid), "%s", uuid);
		out[i].match = strdup(m ? m : "");
		out[i].actions = strdup(a ? a : "");
		i++;
	}
	json_decref(db);
	*flows = out;
	*n = i;
	return 0;
}

void sbdb_flows_free(struct sbdb_flow *flows, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		free(flows[i].match);
		free(flows[i].actions);
	}
	free(flows);
}
