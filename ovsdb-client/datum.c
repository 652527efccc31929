// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * OVSDB atoms and datums: parsing from and writing to the JSON wire form,
 * comparison, and the update2 diff.  See datum.h.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ovsdb-client/datum.h"
#include "ovsdb-client/jv.h"

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

bool ovsdb_uuid_from_string(struct ovsdb_uuid *u, const char *s)
{
	/* 8-4-4-4-12 hex digits; parts[] hold them as four 32-bit words
	 * in text order, so that comparing parts compares the text. */
	uint32_t w[4] = { 0 };
	int i, nd = 0;

	for (i = 0; i < OVSDB_UUID_LEN; i++) {
		int v;

		if (i == 8 || i == 13 || i == 18 || i == 23) {
			if (s[i] != '-')
				return false;
			continue;
		}
		v = hexval(s[i]);
		if (v < 0)
			return false;
		w[nd / 8] = (w[nd / 8] << 4) | (uint32_t)v;
		nd++;
	}
	if (s[OVSDB_UUID_LEN] != '\0')
		return false;
	memcpy(u->parts, w, sizeof(w));
	return true;
}

char *ovsdb_uuid_to_string(const struct ovsdb_uuid *u, char *buf)
{
	snprintf(buf, OVSDB_UUID_LEN + 1, "%08x-%04x-%04x-%04x-%04x%08x",
		 u->parts[0], u->parts[1] >> 16, u->parts[1] & 0xffff,
		 u->parts[2] >> 16, u->parts[2] & 0xffff, u->parts[3]);
	return buf;
}

int ovsdb_uuid_cmp(const struct ovsdb_uuid *a, const struct ovsdb_uuid *b)
{
	int i;

	for (i = 0; i < 4; i++)
		if (a->parts[i] != b->parts[i])
			return a->parts[i] < b->parts[i] ? -1 : 1;
	return 0;
}

const char *ovsdb_atomic_type_name(enum ovsdb_atomic_type t)
{
	switch (t) {
	case OVSDB_TYPE_VOID: return "void";
	case OVSDB_TYPE_INTEGER: return "integer";
	case OVSDB_TYPE_REAL: return "real";
	case OVSDB_TYPE_BOOLEAN: return "boolean";
	case OVSDB_TYPE_STRING: return "string";
	case OVSDB_TYPE_UUID: return "uuid";
	}
	return "?";
}

static int atomic_type_from_name(const char *s, enum ovsdb_atomic_type *t)
{
	static const enum ovsdb_atomic_type all[] = {
		OVSDB_TYPE_INTEGER, OVSDB_TYPE_REAL, OVSDB_TYPE_BOOLEAN,
		OVSDB_TYPE_STRING, OVSDB_TYPE_UUID,
	};
	size_t i;

	for (i = 0; i < sizeof(all) / sizeof(all[0]); i++) {
		if (!strcmp(s, ovsdb_atomic_type_name(all[i]))) {
			*t = all[i];
			return 0;
		}
	}
	return -EINVAL;
}

/* A base type: "integer" or {"type": "uuid", "refTable": ..., ...}. */
static int base_type_from_json(enum ovsdb_atomic_type *t, char **ref_table,
			       const json_t *j, const char **err)
{
	const json_t *name, *ref;

	if (json_is_string(j)) {
		if (atomic_type_from_name(json_string_value(j), t)) {
			*err = "unknown atomic type";
			return -EINVAL;
		}
		return 0;
	}
	if (!json_is_object(j)) {
		*err = "base type is neither a string nor an object";
		return -EINVAL;
	}
	name = json_object_get(j, "type");
	if (!json_is_string(name) ||
	    atomic_type_from_name(json_string_value(name), t)) {
		*err = "base type object lacks a valid \"type\"";
		return -EINVAL;
	}
	ref = json_object_get(j, "refTable");
	if (ref_table && json_is_string(ref)) {
		*ref_table = strdup(json_string_value(ref));
		if (!*ref_table)
			return -ENOMEM;
	}
	return 0;
}

int ovsdb_type_from_json(struct ovsdb_type *t, const json_t *j,
			 const char **err)
{
	const json_t *key, *value, *min, *max;
	int ret;

	memset(t, 0, sizeof(*t));
	t->min = t->max = 1;
	if (json_is_string(j))
		return base_type_from_json(&t->key, NULL, j, err);
	if (!json_is_object(j)) {
		*err = "column type is neither a string nor an object";
		return -EINVAL;
	}
	key = json_object_get(j, "key");
	if (!key) {
		*err = "column type lacks \"key\"";
		return -EINVAL;
	}
	ret = base_type_from_json(&t->key, &t->ref_table, key, err);
	if (ret)
		goto fail;
	value = json_object_get(j, "value");
	if (value) {
		ret = base_type_from_json(&t->value, NULL, value, err);
		if (ret)
			goto fail;
	}
	min = json_object_get(j, "min");
	if (min) {
		if (!json_is_integer(min) || json_integer_value(min) < 0 ||
		    json_integer_value(min) > 1) {
			*err = "\"min\" must be 0 or 1";
			ret = -EINVAL;
			goto fail;
		}
		t->min = json_integer_value(min);
	}
	max = json_object_get(j, "max");
	if (max) {
		if (json_is_string(max) &&
		    !strcmp(json_string_value(max), "unlimited")) {
			t->max = OVSDB_UNLIMITED;
		} else if (json_is_integer(max) && json_integer_value(max) >= 1 &&
			   json_integer_value(max) < OVSDB_UNLIMITED) {
			t->max = json_integer_value(max);
		} else {
			*err = "\"max\" must be a positive integer or \"unlimited\"";
			ret = -EINVAL;
			goto fail;
		}
	}
	if (t->min > t->max) {
		*err = "\"min\" exceeds \"max\"";
		ret = -EINVAL;
		goto fail;
	}
	return 0;
fail:
	ovsdb_type_destroy(t);
	return ret;
}

void ovsdb_type_destroy(struct ovsdb_type *t)
{
	free(t->ref_table);
	t->ref_table = NULL;
}

bool ovsdb_type_equals(const struct ovsdb_type *a, const struct ovsdb_type *b)
{
	return a->key == b->key && a->value == b->value &&
	       a->min == b->min && a->max == b->max;
}

int ovsdb_atom_cmp(const union ovsdb_atom *a, const union ovsdb_atom *b,
		   enum ovsdb_atomic_type t)
{
	switch (t) {
	case OVSDB_TYPE_INTEGER:
		return a->integer < b->integer ? -1 : a->integer > b->integer;
	case OVSDB_TYPE_REAL:
		return a->real < b->real ? -1 : a->real > b->real;
	case OVSDB_TYPE_BOOLEAN:
		return (int)a->boolean - (int)b->boolean;
	case OVSDB_TYPE_STRING:
		return strcmp(a->string, b->string);
	case OVSDB_TYPE_UUID:
		return ovsdb_uuid_cmp(&a->uuid, &b->uuid);
	case OVSDB_TYPE_VOID:
		break;
	}
	return 0;
}

static void atom_destroy(union ovsdb_atom *a, enum ovsdb_atomic_type t)
{
	if (t == OVSDB_TYPE_STRING)
		free(a->string);
}

static int atom_clone(union ovsdb_atom *out, const union ovsdb_atom *a,
		      enum ovsdb_atomic_type t)
{
	*out = *a;
	if (t == OVSDB_TYPE_STRING) {
		out->string = strdup(a->string);
		if (!out->string)
			return -ENOMEM;
	}
	return 0;
}

static int atom_init_default(union ovsdb_atom *a, enum ovsdb_atomic_type t)
{
	memset(a, 0, sizeof(*a));
	if (t == OVSDB_TYPE_STRING) {
		a->string = strdup("");
		if (!a->string)
			return -ENOMEM;
	}
	return 0;
}

static int atom_from_jv(union ovsdb_atom *a, const struct jv_doc *doc,
			jv_t j, enum ovsdb_atomic_type t, const char **err)
{
	switch (t) {
	case OVSDB_TYPE_INTEGER:
		if (!jv_is(doc, j, JV_INT))
			goto bad;
		a->integer = jv_node(doc, j)->u.i;
		return 0;
	case OVSDB_TYPE_REAL:
		if (jv_is(doc, j, JV_INT))
			a->real = (double)jv_node(doc, j)->u.i;
		else if (jv_is(doc, j, JV_REAL))
			a->real = jv_node(doc, j)->u.d;
		else
			goto bad;
		return 0;
	case OVSDB_TYPE_BOOLEAN:
		if (!jv_is(doc, j, JV_TRUE) && !jv_is(doc, j, JV_FALSE))
			goto bad;
		a->boolean = jv_is(doc, j, JV_TRUE);
		return 0;
	case OVSDB_TYPE_STRING:
		if (!jv_is(doc, j, JV_STRING))
			goto bad;
		a->string = strdup(jv_str(doc, j));
		return a->string ? 0 : -ENOMEM;
	case OVSDB_TYPE_UUID:
		if (!jv_is(doc, j, JV_ARRAY) || jv_len(doc, j) != 2 ||
		    !jv_str_eq(doc, jv_first(doc, j), "uuid") ||
		    !jv_is(doc, jv_next(doc, jv_first(doc, j)), JV_STRING) ||
		    !ovsdb_uuid_from_string(&a->uuid,
			jv_str(doc, jv_next(doc, jv_first(doc, j))))) {
			*err = "expected [\"uuid\", \"<uuid>\"]";
			return -EINVAL;
		}
		return 0;
	case OVSDB_TYPE_VOID:
		break;
	}
bad:
	switch (t) {
	case OVSDB_TYPE_INTEGER: *err = "expected an integer"; break;
	case OVSDB_TYPE_REAL: *err = "expected a number"; break;
	case OVSDB_TYPE_BOOLEAN: *err = "expected a boolean"; break;
	case OVSDB_TYPE_STRING: *err = "expected a string"; break;
	default: *err = "bad atomic type"; break;
	}
	return -EINVAL;
}

static json_t *atom_to_json(const union ovsdb_atom *a, enum ovsdb_atomic_type t)
{
	char buf[OVSDB_UUID_LEN + 1];

	switch (t) {
	case OVSDB_TYPE_INTEGER: return json_integer(a->integer);
	case OVSDB_TYPE_REAL: return json_real(a->real);
	case OVSDB_TYPE_BOOLEAN: return json_boolean(a->boolean);
	case OVSDB_TYPE_STRING: return json_string(a->string);
	case OVSDB_TYPE_UUID:
		return json_pack("[ss]", "uuid",
				 ovsdb_uuid_to_string(&a->uuid, buf));
	case OVSDB_TYPE_VOID:
		break;
	}
	return json_null();
}

void ovsdb_datum_destroy(struct ovsdb_datum *d, const struct ovsdb_type *t)
{
	uint32_t i;

	if (t->key == OVSDB_TYPE_STRING)
		for (i = 0; i < d->n; i++)
			free(d->keys[i].string);
	if (d->values && t->value == OVSDB_TYPE_STRING)
		for (i = 0; i < d->n; i++)
			free(d->values[i].string);
	free(d->keys);
	free(d->values);
	d->keys = d->values = NULL;
	d->n = 0;
}

int ovsdb_datum_init_default(struct ovsdb_datum *d, const struct ovsdb_type *t)
{
	memset(d, 0, sizeof(*d));
	if (t->min == 0)
		return 0;
	d->keys = calloc(1, sizeof(*d->keys));
	if (!d->keys)
		return -ENOMEM;
	if (ovsdb_type_is_map(t)) {
		d->values = calloc(1, sizeof(*d->values));
		if (!d->values || atom_init_default(d->values, t->value))
			goto nomem;
	}
	if (atom_init_default(d->keys, t->key))
		goto nomem;
	d->n = 1;
	return 0;
nomem:
	if (d->values && t->value == OVSDB_TYPE_STRING)
		free(d->values[0].string);
	free(d->keys);
	free(d->values);
	memset(d, 0, sizeof(*d));
	return -ENOMEM;
}

bool ovsdb_datum_equals(const struct ovsdb_datum *a,
			const struct ovsdb_datum *b,
			const struct ovsdb_type *t)
{
	uint32_t i;

	if (a->n != b->n)
		return false;
	for (i = 0; i < a->n; i++) {
		if (ovsdb_atom_cmp(&a->keys[i], &b->keys[i], t->key))
			return false;
		if (ovsdb_type_is_map(t) &&
		    ovsdb_atom_cmp(&a->values[i], &b->values[i], t->value))
			return false;
	}
	return true;
}

long ovsdb_datum_find_key(const struct ovsdb_datum *d,
			  const union ovsdb_atom *key,
			  enum ovsdb_atomic_type key_type)
{
	long lo = 0, hi = (long)d->n - 1;

	while (lo <= hi) {
		long mid = lo + (hi - lo) / 2;
		int c = ovsdb_atom_cmp(&d->keys[mid], key, key_type);

		if (!c)
			return mid;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid - 1;
	}
	return -1;
}

struct pair {
	union ovsdb_atom key, value;
};

static int pair_cmp(const void *a, const void *b, void *arg)
{
	const struct pair *pa = a, *pb = b;

	return ovsdb_atom_cmp(&pa->key, &pb->key,
			      *(const enum ovsdb_atomic_type *)arg);
}

/* Sort N parsed pairs into D; fails on a duplicate key. */
static int datum_from_pairs(struct ovsdb_datum *d, struct pair *pairs,
			    uint32_t n, const struct ovsdb_type *t,
			    const char **err)
{
	enum ovsdb_atomic_type kt = t->key;
	uint32_t i;

	if (n > 1)
		qsort_r(pairs, n, sizeof(*pairs), pair_cmp, &kt);
	for (i = 1; i < n; i++) {
		if (!ovsdb_atom_cmp(&pairs[i - 1].key, &pairs[i].key, kt)) {
			*err = ovsdb_type_is_map(t) ? "map has a duplicate key"
						    : "set has a duplicate element";
			return -EINVAL;
		}
	}
	d->n = n;
	if (!n)
		return 0;
	d->keys = malloc(n * sizeof(*d->keys));
	if (ovsdb_type_is_map(t))
		d->values = malloc(n * sizeof(*d->values));
	if (!d->keys || (ovsdb_type_is_map(t) && !d->values)) {
		free(d->keys);
		free(d->values);
		memset(d, 0, sizeof(*d));
		return -ENOMEM;
	}
	for (i = 0; i < n; i++) {
		d->keys[i] = pairs[i].key;
		if (d->values)
			d->values[i] = pairs[i].value;
	}
	return 0;
}

int ovsdb_datum_from_jv(struct ovsdb_datum *d, const struct jv_doc *doc,
			jv_t j, const struct ovsdb_type *t, bool as_diff,
			const char **err)
{
	jv_t elems = 0, e;
	struct pair one, *pairs = &one;
	uint32_t n = 0, i;
	size_t count;
	bool map = ovsdb_type_is_map(t);
	int ret = 0;

	memset(d, 0, sizeof(*d));
	if (jv_is(doc, j, JV_ARRAY) && jv_len(doc, j) == 2 &&
	    jv_is(doc, jv_first(doc, j), JV_STRING)) {
		const char *tag = jv_str(doc, jv_first(doc, j));

		if (!strcmp(tag, map ? "map" : "set")) {
			elems = jv_next(doc, jv_first(doc, j));
			if (!jv_is(doc, elems, JV_ARRAY)) {
				*err = map ? "\"map\" needs an array of pairs"
					   : "\"set\" needs an array";
				return -EINVAL;
			}
		}
	}
	if (map && !elems) {
		*err = "expected [\"map\", [...]]";
		return -EINVAL;
	}
	count = elems ? jv_len(doc, elems) : 1;
	if (count > UINT32_MAX / 2) {
		*err = "too many elements";
		return -EINVAL;
	}
	if (count > 1) {
		pairs = calloc(count, sizeof(*pairs));
		if (!pairs)
			return -ENOMEM;
	}
	e = elems ? jv_first(doc, elems) : j;
	for (i = 0; i < count; i++, e = elems ? jv_next(doc, e) : 0) {
		memset(&pairs[n], 0, sizeof(pairs[n]));
		if (map) {
			jv_t k;

			if (!jv_is(doc, e, JV_ARRAY) || jv_len(doc, e) != 2) {
				*err = "map element is not a [key, value] pair";
				ret = -EINVAL;
				goto fail;
			}
			k = jv_first(doc, e);
			ret = atom_from_jv(&pairs[n].key, doc, k, t->key, err);
			if (ret)
				goto fail;
			ret = atom_from_jv(&pairs[n].value, doc,
					   jv_next(doc, k), t->value, err);
			if (ret) {
				atom_destroy(&pairs[n].key, t->key);
				goto fail;
			}
		} else {
			ret = atom_from_jv(&pairs[n].key, doc, e, t->key, err);
			if (ret)
				goto fail;
		}
		n++;
	}
	if (!as_diff && (n < t->min || n > t->max)) {
		*err = n < t->min ? "too few elements for the column type"
				  : "too many elements for the column type";
		ret = -EINVAL;
		goto fail;
	}
	ret = datum_from_pairs(d, pairs, n, t, err);
	if (ret)
		goto fail;
	if (pairs != &one)
		free(pairs);
	return 0;
fail:
	for (i = 0; i < n; i++) {
		atom_destroy(&pairs[i].key, t->key);
		if (map)
			atom_destroy(&pairs[i].value, t->value);
	}
	if (pairs != &one)
		free(pairs);
	memset(d, 0, sizeof(*d));
	return ret;
}

int ovsdb_datum_from_json(struct ovsdb_datum *d, const json_t *j,
			  const struct ovsdb_type *t, bool as_diff,
			  const char **err)
{
	struct jv_doc doc = { 0 };
	char *text = json_dumps(j, JSON_COMPACT | JSON_ENCODE_ANY);
	jv_t v;
	int ret;

	memset(d, 0, sizeof(*d));
	if (!text)
		return -ENOMEM;
	v = jv_parse(&doc, text, strlen(text), NULL, 0);
	ret = v ? ovsdb_datum_from_jv(d, &doc, v, t, as_diff, err) : -ENOMEM;
	jv_doc_free(&doc);
	free(text);
	return ret;
}

json_t *ovsdb_datum_to_json(const struct ovsdb_datum *d,
			    const struct ovsdb_type *t)
{
	json_t *arr;
	uint32_t i;

	if (!ovsdb_type_is_map(t) && d->n == 1)
		return atom_to_json(&d->keys[0], t->key);
	arr = json_array();
	if (!arr)
		return NULL;
	for (i = 0; i < d->n; i++) {
		json_t *e;

		if (ovsdb_type_is_map(t))
			e = json_pack("[oo]", atom_to_json(&d->keys[i], t->key),
				      atom_to_json(&d->values[i], t->value));
		else
			e = atom_to_json(&d->keys[i], t->key);
		if (json_array_append_new(arr, e)) {
			json_decref(arr);
			return NULL;
		}
	}
	return json_pack("[so]", ovsdb_type_is_map(t) ? "map" : "set", arr);
}

int ovsdb_datum_clone(struct ovsdb_datum *out, const struct ovsdb_datum *d,
		      const struct ovsdb_type *t)
{
	uint32_t i;

	memset(out, 0, sizeof(*out));
	if (!d->n)
		return 0;
	out->keys = calloc(d->n, sizeof(*out->keys));
	if (ovsdb_type_is_map(t))
		out->values = calloc(d->n, sizeof(*out->values));
	if (!out->keys || (ovsdb_type_is_map(t) && !out->values))
		goto nomem;
	for (i = 0; i < d->n; i++) {
		if (atom_clone(&out->keys[i], &d->keys[i], t->key))
			goto nomem;
		out->n = i + 1;
		if (out->values &&
		    atom_clone(&out->values[i], &d->values[i], t->value)) {
			/* keep destroy consistent: value slot must be owned */
			if (t->value == OVSDB_TYPE_STRING)
				out->values[i].string = NULL;
			goto nomem;
		}
	}
	return 0;
nomem:
	ovsdb_datum_destroy(out, t);
	return -ENOMEM;
}

int ovsdb_datum_apply_diff(struct ovsdb_datum *out,
			   const struct ovsdb_datum *old,
			   const struct ovsdb_datum *diff,
			   const struct ovsdb_type *t)
{
	bool map = ovsdb_type_is_map(t);
	uint32_t i = 0, k = 0, cap = old->n + diff->n, n = 0;
	union ovsdb_atom *keys, *values = NULL;

	memset(out, 0, sizeof(*out));
	if (!cap)
		return 0;
	keys = calloc(cap, sizeof(*keys));
	if (map)
		values = calloc(cap, sizeof(*values));
	if (!keys || (map && !values)) {
		free(keys);
		free(values);
		return -ENOMEM;
	}
	out->keys = keys;
	out->values = values;

	/* Both inputs are sorted: one merge pass. */
	while (i < old->n || k < diff->n) {
		const union ovsdb_atom *ka = NULL, *va = NULL;
		int c;

		if (i == old->n)
			c = 1;
		else if (k == diff->n)
			c = -1;
		else
			c = ovsdb_atom_cmp(&old->keys[i], &diff->keys[k], t->key);
		if (c < 0) {			/* only in old: keep */
			ka = &old->keys[i];
			va = map ? &old->values[i] : NULL;
			i++;
		} else if (c > 0) {		/* only in diff: add */
			ka = &diff->keys[k];
			va = map ? &diff->values[k] : NULL;
			k++;
		} else {			/* in both */
			if (map && ovsdb_atom_cmp(&old->values[i],
						  &diff->values[k], t->value)) {
				ka = &diff->keys[k];	/* replace */
				va = &diff->values[k];
			}			/* else: remove */
			i++;
			k++;
		}
		if (!ka)
			continue;
		if (atom_clone(&keys[n], ka, t->key))
			goto nomem;
		if (map && atom_clone(&values[n], va, t->value)) {
			atom_destroy(&keys[n], t->key);
			goto nomem;
		}
		n++;
		out->n = n;
	}
	if (!n) {
		free(keys);
		free(values);
		out->keys = out->values = NULL;
	}
	return 0;
nomem:
	ovsdb_datum_destroy(out, t);
	return -ENOMEM;
}
