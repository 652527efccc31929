// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* An SB replica for tests: see sb_replica_fix.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ovsdb-client/schema.h"
#include "tests/test_progs.h"
#include "tests/unit/sb_replica_fix.h"

struct ovsdb_replica *sb_fix_replica(const char *const *tables)
{
	struct ovsdb_schema *schema = NULL;
	struct ovsdb_replica *r;
	char err[256];
	json_t *j = json_load_file(SB_SCHEMA, 0, NULL);

	if (!j)
		return NULL;
	r = ovsdb_replica_create();
	for (int i = 0; r && tables[i]; i++)
		ovsdb_replica_add_table(r, tables[i]);
	if (!r || ovsdb_schema_from_json(&schema, j, err, sizeof(err))) {
		ovsdb_replica_destroy(r);
		json_decref(j);
		return NULL;
	}
	json_decref(j);
	ovsdb_replica_set_schema(r, schema);
	return r;
}

bool sb_fix_apply(struct ovsdb_replica *r, const char *text)
{
	char *t = strdup(text), err[256];
	json_t *j;
	long n;

	for (char *p = t; *p; p++)
		if (*p == '\'')
			*p = '"';
	j = json_loads(t, 0, NULL);
	free(t);
	if (!ASSERT_OK_PTR(j, "update parses"))
		return false;
	n = ovsdb_replica_apply_json(r, j, OVSDB_UPDATE2, 0, err, sizeof(err));
	json_decref(j);
	if (n < 0)
		printf("apply: %s\n", err);
	return ASSERT_GE(n, 0, "update applies");
}
