// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * jv: one-pass, in-place JSON parser into a flat node array.  See jv.h.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ovsdb-client/jv.h"

#define JV_MAX_DEPTH 256

struct parser {
	struct jv_doc *d;
	char *b;
	size_t len, pos;
	char *err;
	size_t errlen;
	unsigned int depth;
	bool failed;
};

static void fail(struct parser *p, const char *why)
{
	if (p->failed)
		return;
	p->failed = true;
	if (p->err && p->errlen)
		snprintf(p->err, p->errlen, "JSON error at byte %zu: %s",
			 p->pos, why);
}

static jv_t new_node(struct parser *p, enum jv_type t)
{
	struct jv_doc *d = p->d;

	if (d->n == d->cap) {
		uint32_t cap = d->cap ? d->cap * 2 : 256;
		struct jv_node *nn;

		if (cap <= d->cap) {
			fail(p, "too many values");
			return 0;
		}
		nn = realloc(d->nodes, (size_t)cap * sizeof(*nn));
		if (!nn) {
			fail(p, "out of memory");
			return 0;
		}
		d->nodes = nn;
		d->cap = cap;
	}
	memset(&d->nodes[d->n], 0, sizeof(d->nodes[0]));
	d->nodes[d->n].type = (uint8_t)t;
	return d->n++;
}

static void skip_ws(struct parser *p)
{
	while (p->pos < p->len) {
		char c = p->b[p->pos];

		if (c != ' ' && c != '\t' && c != '\n' && c != '\r')
			return;
		p->pos++;
	}
}

static int hex4(const char *s, unsigned int *out)
{
	unsigned int v = 0;
	int i;

	for (i = 0; i < 4; i++) {
		char c = s[i];

		v <<= 4;
		if (c >= '0' && c <= '9')
			v |= (unsigned int)(c - '0');
		else if (c >= 'a' && c <= 'f')
			v |= (unsigned int)(c - 'a' + 10);
		else if (c >= 'A' && c <= 'F')
			v |= (unsigned int)(c - 'A' + 10);
		else
			return -1;
	}
	*out = v;
	return 0;
}

static size_t put_utf8(char *w, unsigned int cp)
{
	if (cp < 0x80) {
		w[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		w[0] = (char)(0xc0 | (cp >> 6));
		w[1] = (char)(0x80 | (cp & 0x3f));
		return 2;
	}
	if (cp < 0x10000) {
		w[0] = (char)(0xe0 | (cp >> 12));
		w[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
		w[2] = (char)(0x80 | (cp & 0x3f));
		return 3;
	}
	w[0] = (char)(0xf0 | (cp >> 18));
	w[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
	w[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
	w[3] = (char)(0x80 | (cp & 0x3f));
	return 4;
}

/* At the opening quote.  Unescapes in place; w never passes r, so the
 * terminating NUL lands on bytes already consumed. */
static jv_t parse_string(struct parser *p)
{
	char *b = p->b;
	size_t r = p->pos + 1, w = r, start = r;
	jv_t v;

	/* Fast path: no escapes, nothing to move. */
	while (r < p->len && b[r] != '"' && b[r] != '\\' &&
	       (unsigned char)b[r] >= 0x20)
		r++;
	w = r;
	for (;;) {
		unsigned char c;

		if (r >= p->len) {
			p->pos = r;
			fail(p, "unterminated string");
			return 0;
		}
		c = (unsigned char)b[r];
		if (c == '"')
			break;
		if (c < 0x20) {
			p->pos = r;
			fail(p, "control character in string");
			return 0;
		}
		if (c != '\\') {
			b[w++] = (char)c;
			r++;
			continue;
		}
		if (r + 1 >= p->len) {
			p->pos = r;
			fail(p, "unterminated escape");
			return 0;
		}
		switch (b[r + 1]) {
		case '"': b[w++] = '"'; r += 2; continue;
		case '\\': b[w++] = '\\'; r += 2; continue;
		case '/': b[w++] = '/'; r += 2; continue;
		case 'b': b[w++] = '\b'; r += 2; continue;
		case 'f': b[w++] = '\f'; r += 2; continue;
		case 'n': b[w++] = '\n'; r += 2; continue;
		case 'r': b[w++] = '\r'; r += 2; continue;
		case 't': b[w++] = '\t'; r += 2; continue;
		case 'u': {
			unsigned int cp, lo;

			if (r + 6 > p->len || hex4(b + r + 2, &cp)) {
				p->pos = r;
				fail(p, "bad \\u escape");
				return 0;
			}
			r += 6;
			if (cp >= 0xd800 && cp <= 0xdbff) {
				if (r + 6 > p->len || b[r] != '\\' ||
				    b[r + 1] != 'u' || hex4(b + r + 2, &lo) ||
				    lo < 0xdc00 || lo > 0xdfff) {
					p->pos = r;
					fail(p, "unpaired UTF-16 surrogate");
					return 0;
				}
				r += 6;
				cp = 0x10000 + ((cp - 0xd800) << 10) +
				     (lo - 0xdc00);
			} else if (cp >= 0xdc00 && cp <= 0xdfff) {
				p->pos = r;
				fail(p, "unpaired UTF-16 surrogate");
				return 0;
			} else if (cp == 0) {
				p->pos = r;
				fail(p, "\\u0000 in string");
				return 0;
			}
			w += put_utf8(b + w, cp);
			continue;
		}
		default:
			p->pos = r;
			fail(p, "bad escape");
			return 0;
		}
	}
	v = new_node(p, JV_STRING);
	if (!v)
		return 0;
	b[w] = '\0';
	p->d->nodes[v].u.s = b + start;
	p->d->nodes[v].n = (uint32_t)(w - start);
	p->pos = r + 1;
	return v;
}

static jv_t parse_number(struct parser *p)
{
	const char *b = p->b;
	size_t s = p->pos, i = s;
	bool real = false;
	char tmp[64];
	jv_t v;

	if (i < p->len && b[i] == '-')
		i++;
	if (i < p->len && b[i] == '0') {
		i++;
	} else if (i < p->len && b[i] >= '1' && b[i] <= '9') {
		while (i < p->len && b[i] >= '0' && b[i] <= '9')
			i++;
	} else {
		fail(p, "bad number");
		return 0;
	}
	if (i < p->len && b[i] == '.') {
		real = true;
		i++;
		if (i >= p->len || b[i] < '0' || b[i] > '9') {
			fail(p, "bad number");
			return 0;
		}
		while (i < p->len && b[i] >= '0' && b[i] <= '9')
			i++;
	}
	if (i < p->len && (b[i] == 'e' || b[i] == 'E')) {
		real = true;
		i++;
		if (i < p->len && (b[i] == '+' || b[i] == '-'))
			i++;
		if (i >= p->len || b[i] < '0' || b[i] > '9') {
			fail(p, "bad number");
			return 0;
		}
		while (i < p->len && b[i] >= '0' && b[i] <= '9')
			i++;
	}
	if (i - s >= sizeof(tmp)) {
		fail(p, "number too long");
		return 0;
	}
	memcpy(tmp, b + s, i - s);
	tmp[i - s] = '\0';
	v = new_node(p, real ? JV_REAL : JV_INT);
	if (!v)
		return 0;
	errno = 0;
	if (real) {
		p->d->nodes[v].u.d = strtod(tmp, NULL);
	} else {
		p->d->nodes[v].u.i = strtoll(tmp, NULL, 10);
		if (errno == ERANGE) {
			fail(p, "integer out of range");
			return 0;
		}
	}
	p->pos = i;
	return v;
}

static jv_t parse_literal(struct parser *p, const char *word, enum jv_type t)
{
	size_t n = strlen(word);

	if (p->len - p->pos < n || memcmp(p->b + p->pos, word, n)) {
		fail(p, "unexpected character");
		return 0;
	}
	p->pos += n;
	return new_node(p, t);
}

static jv_t parse_value(struct parser *p);

/* Arrays and objects: children chained by `next`. */
static jv_t parse_container(struct parser *p, bool object)
{
	char close = object ? '}' : ']';
	jv_t v, prev = 0;

	if (++p->depth > JV_MAX_DEPTH) {
		fail(p, "nesting too deep");
		return 0;
	}
	v = new_node(p, object ? JV_OBJECT : JV_ARRAY);
	if (!v)
		return 0;
	p->pos++;
	skip_ws(p);
	if (p->pos < p->len && p->b[p->pos] == close) {
		p->pos++;
		p->depth--;
		return v;
	}
	for (;;) {
		jv_t k = 0, e;

		if (object) {
			skip_ws(p);
			if (p->pos >= p->len || p->b[p->pos] != '"') {
				fail(p, "expected a string key");
				return 0;
			}
			k = parse_string(p);
			if (!k)
				return 0;
			skip_ws(p);
			if (p->pos >= p->len || p->b[p->pos] != ':') {
				fail(p, "expected ':'");
				return 0;
			}
			p->pos++;
		}
		e = parse_value(p);
		if (!e)
			return 0;
		if (k)
			p->d->nodes[k].next = e;
		if (prev)
			p->d->nodes[prev].next = k ? k : e;
		else
			p->d->nodes[v].u.first = k ? k : e;
		prev = e;
		p->d->nodes[v].n++;
		skip_ws(p);
		if (p->pos >= p->len) {
			fail(p, "unexpected end of input");
			return 0;
		}
		if (p->b[p->pos] == ',') {
			p->pos++;
			continue;
		}
		if (p->b[p->pos] == close) {
			p->pos++;
			p->depth--;
			return v;
		}
		fail(p, object ? "expected ',' or '}'" : "expected ',' or ']'");
		return 0;
	}
}

static jv_t parse_value(struct parser *p)
{
	skip_ws(p);
	if (p->pos >= p->len) {
		fail(p, "unexpected end of input");
		return 0;
	}
	switch (p->b[p->pos]) {
	case '{': return parse_container(p, true);
	case '[': return parse_container(p, false);
	case '"': return parse_string(p);
	case 't': return parse_literal(p, "true", JV_TRUE);
	case 'f': return parse_literal(p, "false", JV_FALSE);
	case 'n': return parse_literal(p, "null", JV_NULL);
	default:
		if (p->b[p->pos] == '-' ||
		    (p->b[p->pos] >= '0' && p->b[p->pos] <= '9'))
			return parse_number(p);
		fail(p, "unexpected character");
		return 0;
	}
}

jv_t jv_parse(struct jv_doc *d, char *buf, size_t len,
	      char *errbuf, size_t errlen)
{
	struct parser p = {
		.d = d, .b = buf, .len = len, .err = errbuf, .errlen = errlen,
	};
	jv_t root;

	d->n = 0;
	new_node(&p, JV_NULL);		/* index 0: "none" */
	if (p.failed)
		return 0;
	root = parse_value(&p);
	if (!root)
		return 0;
	skip_ws(&p);
	if (p.pos != len) {
		fail(&p, "trailing characters after the value");
		return 0;
	}
	return root;
}

void jv_doc_free(struct jv_doc *d)
{
	free(d->nodes);
	d->nodes = NULL;
	d->n = d->cap = 0;
}

jv_t jv_at(const struct jv_doc *d, jv_t arr, uint32_t i)
{
	jv_t e;

	if (!jv_is(d, arr, JV_ARRAY) || i >= d->nodes[arr].n)
		return 0;
	for (e = jv_first(d, arr); e && i; i--)
		e = jv_next(d, e);
	return e;
}

bool jv_str_eq(const struct jv_doc *d, jv_t v, const char *s)
{
	const char *x = jv_str(d, v);

	return x && !strcmp(x, s);
}

jv_t jv_get(const struct jv_doc *d, jv_t obj, const char *key)
{
	jv_t k, v;

	JV_OBJECT_FOR_EACH(d, obj, k, v)
		if (jv_str_eq(d, k, key))
			return v;
	return 0;
}

json_t *jv_to_json(const struct jv_doc *d, jv_t v)
{
	const struct jv_node *n = &d->nodes[v];
	json_t *j;
	jv_t k, e;

	if (!v)
		return json_null();
	switch ((enum jv_type)n->type) {
	case JV_NULL: return json_null();
	case JV_FALSE: return json_false();
	case JV_TRUE: return json_true();
	case JV_INT: return json_integer(n->u.i);
	case JV_REAL: return json_real(n->u.d);
	case JV_STRING: return json_stringn(n->u.s, n->n);
	case JV_ARRAY:
		j = json_array();
		JV_ARRAY_FOR_EACH(d, v, e) {
			if (!j || json_array_append_new(j, jv_to_json(d, e))) {
				json_decref(j);
				return NULL;
			}
		}
		return j;
	case JV_OBJECT:
		j = json_object();
		JV_OBJECT_FOR_EACH(d, v, k, e) {
			if (!j || json_object_set_new(j, jv_str(d, k),
						      jv_to_json(d, e))) {
				json_decref(j);
				return NULL;
			}
		}
		return j;
	}
	return NULL;
}
