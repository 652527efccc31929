// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ovsdb-client/schema.h"

static int column_cmp(const void *a, const void *b)
{
	return strcmp(((const struct ovsdb_column *)a)->name,
		      ((const struct ovsdb_column *)b)->name);
}

static int table_cmp(const void *a, const void *b)
{
	return strcmp(((const struct ovsdb_table_schema *)a)->name,
		      ((const struct ovsdb_table_schema *)b)->name);
}

static void table_schema_destroy(struct ovsdb_table_schema *ts)
{
	unsigned int i;

	for (i = 0; i < ts->n_columns; i++) {
		free(ts->columns[i].name);
		ovsdb_type_destroy(&ts->columns[i].type);
	}
	free(ts->columns);
	free(ts->name);
}

static int table_schema_from_json(struct ovsdb_table_schema *ts,
				  const char *name, const json_t *j,
				  char *errbuf, size_t errlen)
{
	const json_t *cols, *col, *root;
	const char *cname, *err = NULL;
	int ret;

	ts->name = strdup(name);
	if (!ts->name)
		return -ENOMEM;
	cols = json_object_get(j, "columns");
	if (!json_is_object(cols)) {
		snprintf(errbuf, errlen, "table %s: no \"columns\" object", name);
		return -EINVAL;
	}
	root = json_object_get(j, "isRoot");
	ts->is_root = json_is_true(root);
	ts->columns = calloc(json_object_size(cols) + 1, sizeof(*ts->columns));
	if (!ts->columns)
		return -ENOMEM;
	json_object_foreach((json_t *)cols, cname, col) {
		struct ovsdb_column *c = &ts->columns[ts->n_columns];

		if (cname[0] == '_')	/* _uuid, _version are implicit */
			continue;
		ret = ovsdb_type_from_json(&c->type, json_object_get(col, "type"),
					   &err);
		if (ret) {
			snprintf(errbuf, errlen, "table %s column %s: %s",
				 name, cname, err ? err : strerror(-ret));
			return ret;
		}
		c->name = strdup(cname);
		if (!c->name) {
			ovsdb_type_destroy(&c->type);
			return -ENOMEM;
		}
		ts->n_columns++;
	}
	qsort(ts->columns, ts->n_columns, sizeof(*ts->columns), column_cmp);
	return 0;
}

int ovsdb_schema_from_json(struct ovsdb_schema **out, const json_t *j,
			   char *errbuf, size_t errlen)
{
	const json_t *name, *version, *tables, *t;
	struct ovsdb_schema *s;
	const char *tname;
	int ret;

	*out = NULL;
	name = json_object_get(j, "name");
	tables = json_object_get(j, "tables");
	if (!json_is_string(name) || !json_is_object(tables)) {
		snprintf(errbuf, errlen, "schema lacks \"name\" or \"tables\"");
		return -EINVAL;
	}
	s = calloc(1, sizeof(*s));
	if (!s)
		return -ENOMEM;
	s->name = strdup(json_string_value(name));
	version = json_object_get(j, "version");
	s->version = strdup(json_is_string(version) ?
			    json_string_value(version) : "");
	s->tables = calloc(json_object_size(tables) + 1, sizeof(*s->tables));
	if (!s->name || !s->version || !s->tables) {
		ret = -ENOMEM;
		goto fail;
	}
	json_object_foreach((json_t *)tables, tname, t) {
		if (!json_is_object(t)) {
			snprintf(errbuf, errlen, "table %s is not an object",
				 tname);
			ret = -EINVAL;
			goto fail;
		}
		ret = table_schema_from_json(&s->tables[s->n_tables], tname, t,
					     errbuf, errlen);
		s->n_tables++;
		if (ret)
			goto fail;
	}
	qsort(s->tables, s->n_tables, sizeof(*s->tables), table_cmp);
	*out = s;
	return 0;
fail:
	ovsdb_schema_free(s);
	return ret;
}

void ovsdb_schema_free(struct ovsdb_schema *s)
{
	unsigned int i;

	if (!s)
		return;
	for (i = 0; i < s->n_tables; i++)
		table_schema_destroy(&s->tables[i]);
	free(s->tables);
	free(s->name);
	free(s->version);
	free(s);
}

const struct ovsdb_table_schema *
ovsdb_schema_find_table(const struct ovsdb_schema *s, const char *name)
{
	struct ovsdb_table_schema key = { .name = (char *)name };

	if (!s || !s->n_tables)
		return NULL;
	return bsearch(&key, s->tables, s->n_tables, sizeof(key), table_cmp);
}

int ovsdb_table_schema_column(const struct ovsdb_table_schema *ts,
			      const char *name)
{
	struct ovsdb_column key = { .name = (char *)name }, *c;

	if (!ts || !ts->n_columns)
		return -ENOENT;
	c = bsearch(&key, ts->columns, ts->n_columns, sizeof(key), column_cmp);
	return c ? (int)(c - ts->columns) : -ENOENT;
}

bool ovsdb_table_schema_equals(const struct ovsdb_table_schema *a,
			       const struct ovsdb_table_schema *b)
{
	unsigned int i;

	if (a->n_columns != b->n_columns)
		return false;
	for (i = 0; i < a->n_columns; i++)
		if (strcmp(a->columns[i].name, b->columns[i].name) ||
		    !ovsdb_type_equals(&a->columns[i].type, &b->columns[i].type))
			return false;
	return true;
}
