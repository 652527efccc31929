/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * OVSDB values (RFC 7047 §5.1): atoms, column types, and datums.
 *
 * A datum is the value of one column of one row: a sorted, duplicate-free
 * array of keys (a set; a scalar is a set of one) and, for maps, a parallel
 * array of values.  Sorting makes equality, lookup and the `modify` diff of
 * update2/update3 linear merges.  Everything here is plain data: no I/O, no
 * knowledge of any particular database.
 */
#ifndef __OVSDB_DATUM_H
#define __OVSDB_DATUM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <jansson.h>

struct ovsdb_uuid {
	uint32_t parts[4];
};

#define OVSDB_UUID_LEN 36	/* "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx" */

/* Parse the 36-character text form; false if S is not exactly that. */
bool ovsdb_uuid_from_string(struct ovsdb_uuid *u, const char *s);
/* Write the text form and a NUL into BUF (OVSDB_UUID_LEN + 1 bytes). */
char *ovsdb_uuid_to_string(const struct ovsdb_uuid *u, char *buf);
int ovsdb_uuid_cmp(const struct ovsdb_uuid *a, const struct ovsdb_uuid *b);
static inline bool ovsdb_uuid_equals(const struct ovsdb_uuid *a,
				     const struct ovsdb_uuid *b)
{
	return !ovsdb_uuid_cmp(a, b);
}
static inline bool ovsdb_uuid_is_zero(const struct ovsdb_uuid *u)
{
	return !(u->parts[0] | u->parts[1] | u->parts[2] | u->parts[3]);
}

enum ovsdb_atomic_type {
	OVSDB_TYPE_VOID,	/* no value: the "value" of a set column */
	OVSDB_TYPE_INTEGER,
	OVSDB_TYPE_REAL,
	OVSDB_TYPE_BOOLEAN,
	OVSDB_TYPE_STRING,
	OVSDB_TYPE_UUID,
};

const char *ovsdb_atomic_type_name(enum ovsdb_atomic_type t);

union ovsdb_atom {
	int64_t integer;
	double real;
	bool boolean;
	char *string;		/* owned, NUL-terminated */
	struct ovsdb_uuid uuid;
};

#define OVSDB_UNLIMITED UINT32_MAX

/* A column type: key type, value type (VOID unless a map), bounds. */
struct ovsdb_type {
	enum ovsdb_atomic_type key;
	enum ovsdb_atomic_type value;
	uint32_t min;		/* 0 or 1 */
	uint32_t max;		/* >= 1, OVSDB_UNLIMITED for "unlimited" */
	char *ref_table;	/* key's refTable, if any (owned) */
};

static inline bool ovsdb_type_is_map(const struct ovsdb_type *t)
{
	return t->value != OVSDB_TYPE_VOID;
}
/* Exactly one value: an integer, a string... (not optional). */
static inline bool ovsdb_type_is_scalar(const struct ovsdb_type *t)
{
	return t->min == 1 && t->max == 1 && !ovsdb_type_is_map(t);
}
/* max == 1: a `modify` carries the new value rather than a diff. */
static inline bool ovsdb_type_is_single(const struct ovsdb_type *t)
{
	return t->max == 1 && !ovsdb_type_is_map(t);
}

/* Parse a column's "type" from a schema; -EINVAL with *ERR set on error. */
int ovsdb_type_from_json(struct ovsdb_type *t, const json_t *j,
			 const char **err);
void ovsdb_type_destroy(struct ovsdb_type *t);
bool ovsdb_type_equals(const struct ovsdb_type *a, const struct ovsdb_type *b);

struct ovsdb_datum {
	uint32_t n;
	union ovsdb_atom *keys;		/* n sorted, distinct keys */
	union ovsdb_atom *values;	/* n values for a map, else NULL */
};

int ovsdb_atom_cmp(const union ovsdb_atom *a, const union ovsdb_atom *b,
		   enum ovsdb_atomic_type t);

/* The default value of type T: empty if min == 0, else one default atom
 * (0, 0.0, false, "", all-zero UUID), as RFC 7047 defines it. */
int ovsdb_datum_init_default(struct ovsdb_datum *d, const struct ovsdb_type *t);
void ovsdb_datum_destroy(struct ovsdb_datum *d, const struct ovsdb_type *t);
bool ovsdb_datum_equals(const struct ovsdb_datum *a,
			const struct ovsdb_datum *b,
			const struct ovsdb_type *t);
/* Index of KEY in D, or -1. */
long ovsdb_datum_find_key(const struct ovsdb_datum *d,
			  const union ovsdb_atom *key,
			  enum ovsdb_atomic_type key_type);

/* Parse the wire form of a value of type T: a bare atom, ["set", [...]]
 * or ["map", [[k, v], ...]].  The result is sorted and checked against
 * T's bounds.  With AS_DIFF the bounds are not checked (a `modify` diff of
 * a set or map may hold any number of elements).  On error returns
 * -EINVAL and points *ERR at a static description. */
int ovsdb_datum_from_json(struct ovsdb_datum *d, const json_t *j,
			  const struct ovsdb_type *t, bool as_diff,
			  const char **err);
struct jv_doc;
/* The same from a jv document node (see jv.h); jv_t is uint32_t. */
int ovsdb_datum_from_jv(struct ovsdb_datum *d, const struct jv_doc *doc,
			uint32_t j, const struct ovsdb_type *t, bool as_diff,
			const char **err);
/* The wire form of D (bare atom for a one-element set, as ovsdb-server
 * writes it).  New reference, NULL on allocation failure. */
json_t *ovsdb_datum_to_json(const struct ovsdb_datum *d,
			    const struct ovsdb_type *t);

/* Apply an update2 `modify` DIFF of a set or map column to OLD, giving a
 * new datum in *OUT (OLD untouched).  Sets: each element of the diff is
 * removed if present, added if absent.  Maps: a key not present is added,
 * a key present with an equal value is removed, a key present with a
 * different value gets the new value. */
int ovsdb_datum_apply_diff(struct ovsdb_datum *out,
			   const struct ovsdb_datum *old,
			   const struct ovsdb_datum *diff,
			   const struct ovsdb_type *t);

/* Deep copy. */
int ovsdb_datum_clone(struct ovsdb_datum *out, const struct ovsdb_datum *d,
		      const struct ovsdb_type *t);

#endif /* __OVSDB_DATUM_H */
