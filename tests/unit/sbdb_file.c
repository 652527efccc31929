// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#include <errno.h>
#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "loader/strbuf.h"
#include "tests/unit/sbdb_file.h"

struct flow_table {
	struct sbdb_flow *rows;	/* deleted rows have uuid[0] == 0 */
	size_t n, cap;
	size_t *slots;		/* open addressing: index + 1, 0 = empty */
	size_t n_slots;
};

static size_t uuid_hash(const char *u)
{
	size_t h = 5381;

	for (; *u; u++)
		h = h * 33 + (unsigned char)*u;
	return h;
}

static void table_grow(struct flow_table *t)
{
	size_t n = t->n_slots ? t->n_slots * 2 : 1024;

	free(t->slots);
	t->slots = xcalloc(n, sizeof(*t->slots));
	t->n_slots = n;
	for (size_t i = 0; i < t->n; i++) {
		size_t s = uuid_hash(t->rows[i].uuid) & (n - 1);

		while (t->slots[s])
			s = (s + 1) & (n - 1);
		t->slots[s] = i + 1;
	}
}

static struct sbdb_flow *table_find(struct flow_table *t, const char *uuid,
				    bool create)
{
	size_t s;

	if (!t->n_slots || (create && t->n * 2 >= t->n_slots))
		table_grow(t);
	s = uuid_hash(uuid) & (t->n_slots - 1);
	for (; t->slots[s]; s = (s + 1) & (t->n_slots - 1))
		if (!strcmp(t->rows[t->slots[s] - 1].uuid, uuid))
			return &t->rows[t->slots[s] - 1];
	if (!create)
		return NULL;
	if (t->n == t->cap) {
		t->cap = t->cap ? t->cap * 2 : 1024;
		t->rows = xrealloc(t->rows, t->cap * sizeof(*t->rows));
	}
	memset(&t->rows[t->n], 0, sizeof(t->rows[0]));
	snprintf(t->rows[t->n].uuid, sizeof(t->rows[0].uuid), "%s", uuid);
	t->slots[s] = ++t->n;
	return &t->rows[t->n - 1];
}

static void set_str(char **dst, json_t *v)
{
	if (!json_is_string(v))
		return;
	free(*dst);
	*dst = xstrndup(json_string_value(v), json_string_length(v));
}

int sbdb_file_flows(const char *path, struct sbdb_flow **flows, size_t *n)
{
	struct flow_table t = { 0 };
	FILE *f = fopen(path, "r");
	char *line = NULL;
	size_t cap = 0, k = 0;
	bool schema = true;
	int err = 0;
	ssize_t len;

	if (!f)
		return -errno;
	while ((len = getline(&line, &cap, f)) > 0) {
		json_t *rec, *lf, *row;
		const char *uuid;

		if (!strncmp(line, "OVSDB JSON ", 11))
			continue;
		rec = json_loadb(line, len, 0, NULL);
		if (!rec) {
			err = -EINVAL;
			break;
		}
		lf = json_object_get(rec, "Logical_Flow");
		if (schema || !json_is_object(lf)) {
			schema = false;
			json_decref(rec);
			continue;
		}
		json_object_foreach(lf, uuid, row) {
			struct sbdb_flow *fl = table_find(&t, uuid, !json_is_null(row));

			if (!fl)
				continue;
			if (json_is_null(row)) {
				fl->uuid[0] = '\0';	/* deleted */
				continue;
			}
			set_str(&fl->match, json_object_get(row, "match"));
			set_str(&fl->actions, json_object_get(row, "actions"));
		}
		json_decref(rec);
	}
	free(line);
	fclose(f);
	free(t.slots);
	/* compact away deleted rows */
	for (size_t i = 0; i < t.n; i++) {
		if (t.rows[i].uuid[0])
			t.rows[k++] = t.rows[i];
		else {
			free(t.rows[i].match);
			free(t.rows[i].actions);
		}
	}
	for (size_t i = 0; i < k; i++) {
		/* a column equal to its default is omitted: "" */
		if (!t.rows[i].match)
			t.rows[i].match = xstrndup("", 0);
		if (!t.rows[i].actions)
			t.rows[i].actions = xstrndup("", 0);
	}
	*flows = t.rows;
	*n = k;
	if (err) {
		sbdb_flows_free(t.rows, k);
		*flows = NULL;
		*n = 0;
	}
	return err;
}

void sbdb_flows_free(struct sbdb_flow *flows, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(flows[i].match);
		free(flows[i].actions);
	}
	free(flows);
}
