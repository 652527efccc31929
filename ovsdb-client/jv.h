/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * jv: a compact, read-only JSON document for received messages.
 *
 * An initial dump is tens of MB of JSON; a jansson tree of it costs about
 * eight times its size and seconds of hashing.  jv parses a message in
 * place, in one pass: values are 24-byte nodes in one array, strings are
 * unescaped inside the message buffer itself (the buffer must be writable
 * and outlive the document), and objects are lists of key/value nodes
 * searched linearly (protocol objects are small; large ones — tables,
 * rows — are iterated, never searched).  Small parts are converted to
 * jansson with jv_to_json() where convenient.
 */
#ifndef __OVSDB_JV_H
#define __OVSDB_JV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <jansson.h>

enum jv_type {
	JV_NULL, JV_FALSE, JV_TRUE, JV_INT, JV_REAL, JV_STRING, JV_ARRAY,
	JV_OBJECT,
};

/* A node index; 0 is "none" (node 0 is never a value). */
typedef uint32_t jv_t;

struct jv_node {
	uint8_t type;
	uint32_t n;		/* string length; array/object: children */
	uint32_t next;		/* next sibling (in an object: key->value->key) */
	union {
		int64_t i;
		double d;
		const char *s;	/* NUL-terminated, inside the buffer */
		uint32_t first;	/* first child */
	} u;
};

struct jv_doc {
	struct jv_node *nodes;
	uint32_t n, cap;
};

/* Parse BUF[0..LEN) (exactly one value, whitespace around it allowed),
 * unescaping strings in place.  Returns the root or 0 with ERRBUF set
 * (byte offset and reason).  The document is reset first. */
jv_t jv_parse(struct jv_doc *d, char *buf, size_t len,
	      char *errbuf, size_t errlen);
void jv_doc_free(struct jv_doc *d);

static inline const struct jv_node *jv_node(const struct jv_doc *d, jv_t v)
{
	return &d->nodes[v];
}
static inline enum jv_type jv_type(const struct jv_doc *d, jv_t v)
{
	return v ? (enum jv_type)d->nodes[v].type : JV_NULL;
}
static inline bool jv_is(const struct jv_doc *d, jv_t v, enum jv_type t)
{
	return v && d->nodes[v].type == t;
}
static inline uint32_t jv_len(const struct jv_doc *d, jv_t v)
{
	return v ? d->nodes[v].n : 0;
}
static inline const char *jv_str(const struct jv_doc *d, jv_t v)
{
	return jv_is(d, v, JV_STRING) ? d->nodes[v].u.s : NULL;
}
/* First child of an array, first key of an object; 0 if empty. */
static inline jv_t jv_first(const struct jv_doc *d, jv_t v)
{
	return (jv_is(d, v, JV_ARRAY) || jv_is(d, v, JV_OBJECT)) &&
	       d->nodes[v].n ? d->nodes[v].u.first : 0;
}
static inline jv_t jv_next(const struct jv_doc *d, jv_t v)
{
	return d->nodes[v].next;
}
/* Array element I, or 0. */
jv_t jv_at(const struct jv_doc *d, jv_t arr, uint32_t i);
/* Value of KEY in an object (first match), or 0. */
jv_t jv_get(const struct jv_doc *d, jv_t obj, const char *key);
bool jv_str_eq(const struct jv_doc *d, jv_t v, const char *s);

/* Iterate an object: K is the key node, V its value. */
#define JV_OBJECT_FOR_EACH(D, OBJ, K, V) \
	for ((K) = jv_is(D, OBJ, JV_OBJECT) ? jv_first(D, OBJ) : 0, \
	     (V) = (K) ? jv_next(D, K) : 0; \
	     (K); \
	     (K) = jv_next(D, V), (V) = (K) ? jv_next(D, K) : 0)
#define JV_ARRAY_FOR_EACH(D, ARR, E) \
	for ((E) = jv_is(D, ARR, JV_ARRAY) ? jv_first(D, ARR) : 0; (E); \
	     (E) = jv_next(D, E))

/* A jansson copy of V (new reference; NULL on allocation failure). */
json_t *jv_to_json(const struct jv_doc *d, jv_t v);

#endif /* __OVSDB_JV_H */
