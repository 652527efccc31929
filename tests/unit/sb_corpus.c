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

/* Apply one transaction record: a row object replaces or updates the
 * columns it names (the file stores whole new column values), null
 * deletes the row. */
static void apply_txn(json_t *db, json_t *txn)
{
	const char *table, *uuid;
	json_t *rows, *row;

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
			else if (old)
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
	json_t *db = NULL;
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
		if (records++ && json_is_object(rec))
			apply_txn(db, rec);
		json_decref(rec);
	}
	goto out;
bad:
	json_decref(db);
	db = NULL;
	errno = EINVAL;
out:
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
