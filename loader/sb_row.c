// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#include <string.h>

#include "loader/sb_row.h"

const struct ovsdb_datum *sb_row_datum(const struct ovsdb_row *row, const char *col,
				       enum ovsdb_atomic_type key_type)
{
	const struct ovsdb_table *t = row->table;
	int i;

	if (!t || !t->ts)
		return NULL;
	i = ovsdb_table_column(t, col);
	if (i < 0 || t->ts->columns[i].type.key != key_type)
		return NULL;
	return ovsdb_row_datum(row, i);
}

const char *sb_row_string(const struct ovsdb_row *row, const char *col)
{
	const struct ovsdb_datum *d = sb_row_datum(row, col, OVSDB_TYPE_STRING);

	return d && d->n ? d->keys[0].string : NULL;
}

const struct ovsdb_uuid *sb_row_uuid(const struct ovsdb_row *row, const char *col)
{
	const struct ovsdb_datum *d = sb_row_datum(row, col, OVSDB_TYPE_UUID);

	return d && d->n ? &d->keys[0].uuid : NULL;
}

int64_t sb_row_int(const struct ovsdb_row *row, const char *col, int64_t dflt)
{
	const struct ovsdb_datum *d = sb_row_datum(row, col, OVSDB_TYPE_INTEGER);

	return d && d->n ? d->keys[0].integer : dflt;
}

bool sb_row_bool(const struct ovsdb_row *row, const char *col, bool dflt)
{
	const struct ovsdb_datum *d = sb_row_datum(row, col, OVSDB_TYPE_BOOLEAN);

	return d && d->n ? d->keys[0].boolean : dflt;
}

const char *sb_row_smap_get(const struct ovsdb_row *row, const char *col, const char *key)
{
	const struct ovsdb_datum *d = sb_row_datum(row, col, OVSDB_TYPE_STRING);
	union ovsdb_atom a = { .string = (char *)key };
	long i;

	if (!d || !d->values)
		return NULL;
	i = ovsdb_datum_find_key(d, &a, OVSDB_TYPE_STRING);
	return i < 0 ? NULL : d->values[i].string;
}

const struct ovsdb_row *sb_table_find_by_string(const struct ovsdb_table *t,
						const char *col, const char *value)
{
	const struct ovsdb_row *row;

	if (!t || !t->ts)
		return NULL;
	OVSDB_TABLE_FOR_EACH(row, t) {
		const char *s = sb_row_string(row, col);

		if (s && !strcmp(s, value))
			return row;
	}
	return NULL;
}

json_t *sb_uuid_json(const struct ovsdb_uuid *u)
{
	char buf[OVSDB_UUID_LEN + 1];

	return json_pack("[s, s]", "uuid", ovsdb_uuid_to_string(u, buf));
}

json_t *sb_where_uuid(const struct ovsdb_uuid *u)
{
	return json_pack("[[s, s, o]]", "_uuid", "==", sb_uuid_json(u));
}
