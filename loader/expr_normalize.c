// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * Normal form: OR of ANDs of one-field clauses (see expr.h).
 *
 * Leaves become clauses:
 *   f == v/m          VALUE (m == 0: true)
 *   f != v/m          some bit of m differs: a VALUE_SET of one-bit terms
 *                     (OVN's rewrite; one term is a VALUE)
 *   f < v, f >= v ... a range, intersected with other ranges of the same
 *                     bits in its conjunction, then its minimal prefix
 *                     cover (a VALUE or VALUE_SET)
 *   f == {..}         VALUE_SET;  f != {..}: negated VALUE_SET
 *   f ==/!= $s, @g    (negated) ADDR_SET / PORT_GROUP, never expanded
 *
 * AND distributes over OR (bounded by 'limit' conjunctions); an OR whose
 * branches are single clauses on one field folds into one VALUE_SET (or
 * STRINGS) clause, which is what keeps `tcp.dst == 80 || tcp.dst == 443`,
 * `ip` (= eth.type == {0x800, 0x86dd}) and `!=` one conjunction.  Inside a
 * conjunction, VALUEs on the same field merge (or make it false), a
 * VALUE_SET keeps only the entries a VALUE on its field allows, ranges
 * intersect and duplicate clauses go.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "loader/expr_priv.h"

struct conj {
	struct expr_clause *cl;
	size_t n, cap;
};

struct dnf {
	struct conj *c;
	size_t n, cap;
};

struct norm_ctx {
	size_t limit;
	char *err;
	size_t err_pos;
};

static void too_complex(struct norm_ctx *ctx, size_t pos)
{
	if (ctx->err)
		return;
	ctx->err = xasprintf("Expression too complex: its normal form needs more than %zu conjunctions.",
			     ctx->limit);
	ctx->err_pos = pos;
}

/* Conjunctions and disjunctions ---------------------------------------- */

static void conj_free(struct conj *c)
{
	for (size_t i = 0; i < c->n; i++)
		expr_clause_free(&c->cl[i]);
	free(c->cl);
	c->cl = NULL;
	c->n = c->cap = 0;
}

/* Append 'cl' (taking its memory). */
static void conj_push(struct conj *c, struct expr_clause *cl)
{
	if (c->n == c->cap) {
		c->cap = c->cap ? c->cap * 2 : 4;
		c->cl = xrealloc(c->cl, c->cap * sizeof(*c->cl));
	}
	c->cl[c->n++] = *cl;
}

static void conj_remove(struct conj *c, size_t i)
{
	expr_clause_free(&c->cl[i]);
	memmove(&c->cl[i], &c->cl[i + 1], (c->n - i - 1) * sizeof(c->cl[0]));
	c->n--;
}

static void conj_copy(struct conj *dst, const struct conj *src)
{
	memset(dst, 0, sizeof(*dst));
	for (size_t i = 0; i < src->n; i++) {
		struct expr_clause cl;

		expr_clause_copy(&cl, &src->cl[i]);
		conj_push(dst, &cl);
	}
}

static void dnf_free(struct dnf *d)
{
	for (size_t i = 0; i < d->n; i++)
		conj_free(&d->c[i]);
	free(d->c);
	d->c = NULL;
	d->n = d->cap = 0;
}

static void dnf_push(struct dnf *d, struct conj *c)
{
	if (d->n == d->cap) {
		d->cap = d->cap ? d->cap * 2 : 4;
		d->c = xrealloc(d->c, d->cap * sizeof(*d->c));
	}
	d->c[d->n++] = *c;
}

static void dnf_remove(struct dnf *d, size_t i)
{
	conj_free(&d->c[i]);
	memmove(&d->c[i], &d->c[i + 1], (d->n - i - 1) * sizeof(d->c[0]));
	d->n--;
}

/* The disjunction that is always true: one empty conjunction. */
static void dnf_set_true(struct dnf *d)
{
	struct conj empty = { NULL, 0, 0 };

	dnf_free(d);
	dnf_push(d, &empty);
}

static void dnf_single(struct dnf *d, struct expr_clause *cl)
{
	struct conj c = { NULL, 0, 0 };

	conj_push(&c, cl);
	dnf_push(d, &c);
}

/* Clauses -------------------------------------------------------------- */

static int masked_cmp(const void *a_, const void *b_)
{
	const struct expr_masked *a = a_, *b = b_;
	int r = u128_cmp(a->mask, b->mask);

	return r ? r : u128_cmp(a->value, b->value);
}

static int string_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Sort and deduplicate the entries of a set clause. */
static void clause_canon(struct expr_clause *c)
{
	size_t j = 0;

	if (c->type == EXPR_CL_VALUE_SET && c->n_values > 1) {
		qsort(c->values, c->n_values, sizeof(*c->values), masked_cmp);
		for (size_t i = 0; i < c->n_values; i++)
			if (!j || masked_cmp(&c->values[j - 1], &c->values[i]))
				c->values[j++] = c->values[i];
		c->n_values = j;
	} else if (c->type == EXPR_CL_STRINGS && c->n_strings > 1) {
		qsort(c->strings, c->n_strings, sizeof(*c->strings), string_cmp);
		for (size_t i = 0; i < c->n_strings; i++) {
			if (j && !strcmp(c->strings[j - 1], c->strings[i]))
				free(c->strings[i]);
			else
				c->strings[j++] = c->strings[i];
		}
		c->n_strings = j;
	}
}

/* A VALUE_SET of one entry is a VALUE. */
static void set_to_value(struct expr_clause *c)
{
	if (c->type != EXPR_CL_VALUE_SET || c->n_values != 1)
		return;
	c->type = EXPR_CL_VALUE;
	c->value = c->values[0].value;
	c->mask = c->values[0].mask;
	free(c->values);
	c->values = NULL;
	c->n_values = 0;
}

static bool clause_equal(const struct expr_clause *a,
			 const struct expr_clause *b)
{
	if (a->type != b->type || a->field != b->field ||
	    a->negated != b->negated)
		return false;
	switch (a->type) {
	case EXPR_CL_VALUE:
		return u128_eq(a->value, b->value) && u128_eq(a->mask, b->mask);
	case EXPR_CL_VALUE_SET:
		return a->n_values == b->n_values &&
		       !memcmp(a->values, b->values,
			       a->n_values * sizeof(*a->values));
	case EXPR_CL_STRINGS:
		if (a->n_strings != b->n_strings)
			return false;
		for (size_t i = 0; i < a->n_strings; i++)
			if (strcmp(a->strings[i], b->strings[i]))
				return false;
		return true;
	case EXPR_CL_ADDR_SET:
	case EXPR_CL_PORT_GROUP:
		return a->ofs == b->ofs && a->n_bits == b->n_bits &&
		       !strcmp(a->name, b->name);
	case EXPR_CL_CHASSIS_RESIDENT:
		return !strcmp(a->name, b->name);
	default:	/* ranges */
		return a->ofs == b->ofs && a->n_bits == b->n_bits &&
		       u128_eq(a->value, b->value) && u128_eq(a->mask, b->mask);
	}
}

/* Widen the bit range of 'a' to cover 'b''s (for formatting). */
static void span_union(struct expr_clause *a, const struct expr_clause *b)
{
	unsigned int lo = a->ofs < b->ofs ? a->ofs : b->ofs;
	unsigned int ea = a->ofs + a->n_bits, eb = b->ofs + b->n_bits;

	a->ofs = lo;
	a->n_bits = (ea > eb ? ea : eb) - lo;
}

static bool masked_compatible(struct u128 v1, struct u128 m1, struct u128 v2,
			      struct u128 m2)
{
	return u128_is_zero(u128_and(u128_xor(v1, v2), u128_and(m1, m2)));
}

static struct u128 u128_sub(struct u128 a, struct u128 b)
{
	struct u128 r = { a.hi - b.hi, a.lo - b.lo };

	if (a.lo < b.lo)
		r.hi--;
	return r;
}

/* Minimal prefix cover of [lo, hi] within 'n' bits, as entries shifted to
 * 'ofs'. */
static void range_cover(struct u128 lo, struct u128 hi, unsigned int n,
			unsigned int ofs, struct expr_clause *out)
{
	struct u128 field = u128_low_mask(n);

	out->values = NULL;
	out->n_values = 0;
	for (;;) {
		unsigned int k = u128_ctz(lo);
		struct u128 diff = u128_sub(hi, lo), top;

		if (k > n)
			k = n;
		while (k && u128_cmp(u128_low_mask(k), diff) > 0)
			k--;
		out->values = xrealloc(out->values, (out->n_values + 1) *
				       sizeof(*out->values));
		out->values[out->n_values].value = u128_shl(lo, ofs);
		out->values[out->n_values].mask =
			u128_shl(u128_and(field, u128_not(u128_low_mask(k))),
				 ofs);
		out->n_values++;
		top = u128_or(lo, u128_low_mask(k));
		if (u128_cmp(top, hi) >= 0)
			break;
		lo = u128_add1(top);
	}
}

/* Turn a range clause into its cover: VALUE, VALUE_SET, or false when it
 * is empty (returns false then). */
static bool range_to_clause(struct expr_clause *c)
{
	struct u128 lo = c->value, hi = c->mask;

	if (u128_cmp(lo, hi) > 0)
		return false;
	range_cover(lo, hi, c->n_bits, c->ofs, c);
	c->type = EXPR_CL_VALUE_SET;
	c->value = c->mask = (struct u128){ 0, 0 };
	set_to_value(c);
	return true;
}

static struct u128 set_mask_union(const struct expr_clause *s)
{
	struct u128 u = { 0, 0 };

	for (size_t i = 0; i < s->n_values; i++)
		u = u128_or(u, s->values[i].mask);
	return u;
}

/* Keep the entries of 'a' that match some entry of 'b'; when every entry
 * of 'a' looks at all the bits 'b' looks at, that is exactly a AND b.
 * False if nothing is left. */
static bool set_filter(struct expr_clause *a, const struct expr_clause *b)
{
	size_t k = 0;

	for (size_t x = 0; x < a->n_values; x++) {
		for (size_t y = 0; y < b->n_values; y++) {
			if (masked_compatible(a->values[x].value,
					      a->values[x].mask,
					      b->values[y].value,
					      b->values[y].mask)) {
				a->values[k++] = a->values[x];
				break;
			}
		}
	}
	a->n_values = k;
	set_to_value(a);
	return k > 0;
}

static bool set_covers(const struct expr_clause *a, struct u128 m)
{
	for (size_t i = 0; i < a->n_values; i++)
		if (!u128_eq(u128_and(a->values[i].mask, m), m))
			return false;
	return true;
}

/* AND of two positive value sets on one field, when one of them has only
 * entries as precise as the other (eth.type == {0x800, 0x86dd} with the
 * bitwise terms of eth.type != 0x800): 1 if 'a' now holds the result, 2 if
 * 'b' does, 0 if they were left alone, -1 if nothing can match. */
static int set_and_set(struct expr_clause *a, struct expr_clause *b)
{
	if (a->n_values * b->n_values > 65536)
		return 0;
	if (set_covers(a, set_mask_union(b)))
		return set_filter(a, b) ? 1 : -1;
	if (set_covers(b, set_mask_union(a)))
		return set_filter(b, a) ? 2 : -1;
	return 0;
}

/* Merge clauses of 'c' on the same field where that is cheap.  False if
 * the conjunction cannot match. */
static bool conj_crush(struct conj *c)
{
	bool changed = true;

	while (changed) {
		changed = false;
		for (size_t i = 0; i < c->n; i++) {
			for (size_t j = i + 1; j < c->n; j++) {
				struct expr_clause *a = &c->cl[i], *b = &c->cl[j];
				struct expr_clause *v, *s;
				size_t k = 0;

				if (a->field != b->field)
					continue;
				if (clause_equal(a, b)) {
					conj_remove(c, j--);
					continue;
				}
				if (a->type == EXPR_CL_VALUE &&
				    b->type == EXPR_CL_VALUE) {
					if (!masked_compatible(a->value, a->mask,
							       b->value, b->mask))
						return false;
					a->value = u128_or(a->value, b->value);
					a->mask = u128_or(a->mask, b->mask);
					span_union(a, b);
					conj_remove(c, j--);
					changed = true;
					continue;
				}
				if (a->type == EXPR_CL_RANGE_ &&
				    b->type == EXPR_CL_RANGE_ &&
				    a->ofs == b->ofs && a->n_bits == b->n_bits) {
					if (u128_cmp(b->value, a->value) > 0)
						a->value = b->value;
					if (u128_cmp(b->mask, a->mask) < 0)
						a->mask = b->mask;
					if (u128_cmp(a->value, a->mask) > 0)
						return false;
					conj_remove(c, j--);
					continue;
				}
				if (a->type == EXPR_CL_STRINGS &&
				    b->type == EXPR_CL_STRINGS &&
				    !a->negated && !b->negated) {
					for (size_t x = 0; x < a->n_strings; x++) {
						bool keep = false;

						for (size_t y = 0; y < b->n_strings; y++)
							keep |= !strcmp(a->strings[x],
									b->strings[y]);
						if (keep)
							a->strings[k++] = a->strings[x];
						else
							free(a->strings[x]);
					}
					a->n_strings = k;
					if (!k)
						return false;
					conj_remove(c, j--);
					continue;
				}
				if (a->type == EXPR_CL_VALUE_SET &&
				    b->type == EXPR_CL_VALUE_SET &&
				    !a->negated && !b->negated) {
					int r = set_and_set(a, b);

					if (r < 0)
						return false;
					if (r == 1) {	/* a is the result */
						conj_remove(c, j--);
						changed = true;
					} else if (r == 2) {
						conj_remove(c, i);
						i--;
						changed = true;
						break;
					}
					continue;
				}
				/* a VALUE restricts a VALUE_SET */
				if (a->type == EXPR_CL_VALUE &&
				    b->type == EXPR_CL_VALUE_SET && !b->negated) {
					v = a;
					s = b;
				} else if (b->type == EXPR_CL_VALUE &&
					   a->type == EXPR_CL_VALUE_SET &&
					   !a->negated) {
					v = b;
					s = a;
				} else {
					continue;
				}
				for (size_t x = 0; x < s->n_values; x++)
					if (masked_compatible(v->value, v->mask,
							      s->values[x].value,
							      s->values[x].mask))
						s->values[k++] = s->values[x];
				if (!k)
					return false;
				if (k != s->n_values) {
					s->n_values = k;
					set_to_value(s);
					changed = true;
				}
			}
		}
	}
	return true;
}

static int clause_order(const void *a_, const void *b_)
{
	const struct expr_clause *a = a_, *b = b_;

	if (a->field != b->field)
		return a->field < b->field ? -1 : 1;
	if (a->type != b->type)
		return a->type < b->type ? -1 : 1;
	if (a->negated != b->negated)
		return a->negated ? 1 : -1;
	if (a->name && b->name)
		return strcmp(a->name, b->name);
	if (a->type == EXPR_CL_VALUE) {
		int r = u128_cmp(a->mask, b->mask);

		return r ? r : u128_cmp(a->value, b->value);
	}
	return 0;
}

/* Ranges to covers, merge, sort.  False if it cannot match. */
static bool conj_finish(struct conj *c)
{
	for (size_t i = 0; i < c->n; i++)
		if (c->cl[i].type == EXPR_CL_RANGE_ && !range_to_clause(&c->cl[i]))
			return false;
	if (!conj_crush(c))
		return false;
	if (c->n > 1)
		qsort(c->cl, c->n, sizeof(*c->cl), clause_order);
	return true;
}

static bool conj_equal(const struct conj *a, const struct conj *b)
{
	if (a->n != b->n)
		return false;
	for (size_t i = 0; i < a->n; i++)
		if (!clause_equal(&a->cl[i], &b->cl[i]))
			return false;
	return true;
}

/* Leaves --------------------------------------------------------------- */

/* "f != v/m": OVN's rewrite, one term per bit of m. */
static void ne_to_clause(struct expr_clause *c)
{
	struct u128 m = c->mask;
	size_t n = 0;

	c->values = xmalloc(u128_popcount(m) * sizeof(*c->values) + 1);
	for (unsigned int i = 0; i < 128; i++) {
		struct u128 bit = u128_shl(u128_from_u64(1), i);

		if (!u128_bit(m, i))
			continue;
		c->values[n].value = u128_and(u128_not(c->value), bit);
		c->values[n].mask = bit;
		n++;
	}
	c->n_values = n;
	c->type = EXPR_CL_VALUE_SET;
	c->format = LEX_F_HEXADECIMAL;
	set_to_value(c);
}

/* The DNF of one annotated comparison. */
static void leaf_dnf(const struct expr_node *n, struct dnf *out)
{
	struct expr_clause c;
	bool ne = n->relop == EXPR_R_NE;

	expr_clause_copy(&c, &n->cl);
	c.negated = false;
	switch (c.type) {
	case EXPR_CL_CHASSIS_RESIDENT:
	case EXPR_CL_ADDR_SET:
	case EXPR_CL_PORT_GROUP:
	case EXPR_CL_STRINGS:
		c.negated = ne;
		clause_canon(&c);
		dnf_single(out, &c);
		return;
	case EXPR_CL_VALUE_SET:
		clause_canon(&c);
		for (size_t i = 0; i < c.n_values; i++) {
			if (u128_is_zero(c.values[i].mask)) {
				/* one entry matches everything */
				expr_clause_free(&c);
				if (!ne)
					dnf_set_true(out);
				return;
			}
		}
		if (c.n_values == 1) {
			set_to_value(&c);
			break;	/* as a single value */
		}
		c.negated = ne;
		dnf_single(out, &c);
		return;
	default:
		break;
	}

	/* a single value */
	switch (n->relop) {
	case EXPR_R_EQ:
		if (u128_is_zero(c.mask)) {
			expr_clause_free(&c);
			dnf_set_true(out);
			return;
		}
		dnf_single(out, &c);
		return;
	case EXPR_R_NE:
		if (u128_is_zero(c.mask)) {
			expr_clause_free(&c);
			return;		/* false */
		}
		ne_to_clause(&c);
		dnf_single(out, &c);
		return;
	default: {
		struct u128 max = u128_low_mask(c.n_bits);
		struct u128 v = u128_and(u128_shr(c.value, c.ofs), max);
		struct u128 lo = { 0, 0 }, hi = max;

		switch (n->relop) {
		case EXPR_R_LT:
			if (u128_is_zero(v))
				goto empty;
			hi = u128_sub1(v);
			break;
		case EXPR_R_LE:
			hi = v;
			break;
		case EXPR_R_GT:
			if (u128_eq(v, max))
				goto empty;
			lo = u128_add1(v);
			break;
		default:
			lo = v;
			break;
		}
		if (u128_is_zero(lo) && u128_eq(hi, max)) {
			expr_clause_free(&c);
			dnf_set_true(out);
			return;
		}
		c.type = EXPR_CL_RANGE_;
		c.value = lo;
		c.mask = hi;
		dnf_single(out, &c);
		return;
	}
	}
empty:
	expr_clause_free(&c);
}

/* OR folding ------------------------------------------------------------ */

/* Whether conjunction 'c' is one positive numeric clause (to fold). */
static struct expr_clause *single_numeric(struct conj *c)
{
	struct expr_clause *cl = c->n == 1 ? &c->cl[0] : NULL;

	if (!cl || cl->negated)
		return NULL;
	if (cl->type == EXPR_CL_RANGE_ && !range_to_clause(cl))
		return NULL;	/* cannot happen: empty ranges are dropped */
	if (cl->type == EXPR_CL_VALUE || cl->type == EXPR_CL_VALUE_SET ||
	    cl->type == EXPR_CL_STRINGS)
		return cl;
	return NULL;
}

static void value_set_add(struct expr_clause *s, const struct expr_clause *v)
{
	size_t add = v->type == EXPR_CL_VALUE ? 1 : v->n_values;

	if (s->type == EXPR_CL_VALUE) {
		s->type = EXPR_CL_VALUE_SET;
		s->values = xmalloc(sizeof(*s->values));
		s->values[0].value = s->value;
		s->values[0].mask = s->mask;
		s->n_values = 1;
		s->value = s->mask = (struct u128){ 0, 0 };
	}
	s->values = xrealloc(s->values, (s->n_values + add) * sizeof(*s->values));
	if (v->type == EXPR_CL_VALUE) {
		s->values[s->n_values].value = v->value;
		s->values[s->n_values].mask = v->mask;
	} else {
		memcpy(&s->values[s->n_values], v->values,
		       add * sizeof(*v->values));
	}
	s->n_values += add;
	span_union(s, v);
}

static void strings_add(struct expr_clause *s, const struct expr_clause *v)
{
	s->strings = xrealloc(s->strings, (s->n_strings + v->n_strings) *
			      sizeof(*s->strings));
	for (size_t i = 0; i < v->n_strings; i++)
		s->strings[s->n_strings++] = xstrndup(v->strings[i],
						      strlen(v->strings[i]));
}

/* If 'a' and 'b' (sorted) differ only in one positive value clause on the
 * same field, make 'a' the branch with the union of the two and return
 * true: (x && f == 1) || (x && f == 2) is x && f == {1, 2}. */
static bool conj_fold(struct conj *a, const struct conj *b)
{
	size_t diff = SIZE_MAX;

	if (a->n != b->n)
		return false;
	for (size_t k = 0; k < a->n; k++) {
		if (clause_equal(&a->cl[k], &b->cl[k]))
			continue;
		if (diff != SIZE_MAX)
			return false;
		diff = k;
	}
	if (diff == SIZE_MAX)
		return false;
	{
		struct expr_clause *x = &a->cl[diff];
		const struct expr_clause *y = &b->cl[diff];
		bool xv = x->type == EXPR_CL_VALUE || x->type == EXPR_CL_VALUE_SET;
		bool yv = y->type == EXPR_CL_VALUE || y->type == EXPR_CL_VALUE_SET;

		if (x->field != y->field || x->negated || y->negated ||
		    !xv || !yv)
			return false;
		value_set_add(x, y);
		clause_canon(x);
		set_to_value(x);
	}
	return true;
}

/* Fold single-clause branches on the same field into one clause, and
 * drop duplicate branches. */
static void or_fold(struct dnf *d)
{
	for (size_t i = 0; i < d->n; i++) {
		struct expr_clause *a = single_numeric(&d->c[i]);

		for (size_t j = i + 1; a && j < d->n; j++) {
			struct expr_clause *b = single_numeric(&d->c[j]);

			if (!b || b->field != a->field ||
			    (a->type == EXPR_CL_STRINGS) !=
			    (b->type == EXPR_CL_STRINGS))
				continue;
			if (a->type == EXPR_CL_STRINGS)
				strings_add(a, b);
			else
				value_set_add(a, b);
			dnf_remove(d, j--);
		}
		if (a) {
			clause_canon(a);
			set_to_value(a);
		}
	}
	/* duplicates and branches that differ in one value clause
	 * (quadratic, so only for small disjunctions) */
	if (d->n > 256)
		return;
	for (size_t i = 0; i < d->n; i++) {
		if (d->c[i].n > 1)
			qsort(d->c[i].cl, d->c[i].n, sizeof(*d->c[i].cl),
			      clause_order);
		for (size_t j = 0; j < i; j++) {
			if (conj_equal(&d->c[i], &d->c[j]) ||
			    conj_fold(&d->c[j], &d->c[i])) {
				dnf_remove(d, i--);
				break;
			}
		}
	}
}

/* The tree ------------------------------------------------------------- */

static bool node_dnf(struct norm_ctx *ctx, const struct expr_node *n,
		     struct dnf *out);

static bool or_dnf(struct norm_ctx *ctx, const struct expr_node *n,
		   struct dnf *out)
{
	for (size_t i = 0; i < n->n_subs; i++) {
		struct dnf d = { NULL, 0, 0 };

		if (!node_dnf(ctx, n->subs[i], &d))
			return false;
		for (size_t j = 0; j < d.n; j++) {
			if (!d.c[j].n) {
				/* a branch is always true */
				dnf_free(&d);
				dnf_set_true(out);
				return true;
			}
		}
		for (size_t j = 0; j < d.n; j++)
			dnf_push(out, &d.c[j]);
		free(d.c);
		if (out->n > ctx->limit) {
			or_fold(out);
			if (out->n > ctx->limit) {
				too_complex(ctx, n->pos);
				return false;
			}
		}
	}
	or_fold(out);
	return true;
}

static bool and_dnf(struct norm_ctx *ctx, const struct expr_node *n,
		    struct dnf *out)
{
	dnf_set_true(out);
	for (size_t i = 0; i < n->n_subs && out->n; i++) {
		struct dnf d = { NULL, 0, 0 }, prod = { NULL, 0, 0 };

		if (!node_dnf(ctx, n->subs[i], &d))
			return false;
		if (out->n * d.n > ctx->limit) {
			dnf_free(&d);
			too_complex(ctx, n->pos);
			return false;
		}
		for (size_t a = 0; a < out->n; a++) {
			for (size_t b = 0; b < d.n; b++) {
				struct conj c;

				conj_copy(&c, &out->c[a]);
				for (size_t k = 0; k < d.c[b].n; k++) {
					struct expr_clause cl;

					expr_clause_copy(&cl, &d.c[b].cl[k]);
					conj_push(&c, &cl);
				}
				if (conj_crush(&c))
					dnf_push(&prod, &c);
				else
					conj_free(&c);
			}
		}
		dnf_free(&d);
		dnf_free(out);
		*out = prod;
	}
	return true;
}

static bool node_dnf(struct norm_ctx *ctx, const struct expr_node *n,
		     struct dnf *out)
{
	switch (n->type) {
	case EXPR_N_TRUE:
		dnf_set_true(out);
		return true;
	case EXPR_N_FALSE:
		return true;
	case EXPR_N_CMP:
		leaf_dnf(n, out);
		return true;
	case EXPR_N_OR:
		return or_dnf(ctx, n, out);
	case EXPR_N_AND:
		return and_dnf(ctx, n, out);
	case EXPR_N_CLAUSE: {
		struct expr_clause c;

		expr_clause_copy(&c, &n->cl);
		dnf_single(out, &c);
		return true;
	}
	}
	return false;
}

struct expr_dnf *expr_normalize(const struct expr *e, const struct symtab *st,
				size_t limit, char **errp)
{
	struct norm_ctx ctx = { .limit = limit ? limit : EXPR_DNF_LIMIT };
	struct dnf d = { NULL, 0, 0 };
	struct expr_node *n;
	struct expr_dnf *res;

	*errp = NULL;
	n = expr_annotate(e, st, errp);
	if (!n)
		return NULL;
	if (!node_dnf(&ctx, n, &d)) {
		expr_node_free(n);
		dnf_free(&d);
		*errp = xasprintf("column %zu: %s", ctx.err_pos + 1, ctx.err);
		free(ctx.err);
		return NULL;
	}
	expr_node_free(n);

	for (size_t i = 0; i < d.n; i++) {
		if (!conj_finish(&d.c[i])) {
			dnf_remove(&d, i--);
			continue;
		}
		if (!d.c[i].n) {
			dnf_set_true(&d);
			break;
		}
	}
	or_fold(&d);

	res = xcalloc(1, sizeof(*res));
	res->n_conjs = d.n;
	res->conjs = xcalloc(d.n ? d.n : 1, sizeof(*res->conjs));
	for (size_t i = 0; i < d.n; i++) {
		res->conjs[i].clauses = d.c[i].cl;
		res->conjs[i].n_clauses = d.c[i].n;
	}
	free(d.c);
	return res;
}

void expr_dnf_free(struct expr_dnf *dnf)
{
	if (!dnf)
		return;
	for (size_t i = 0; i < dnf->n_conjs; i++) {
		for (size_t j = 0; j < dnf->conjs[i].n_clauses; j++)
			expr_clause_free(&dnf->conjs[i].clauses[j]);
		free(dnf->conjs[i].clauses);
	}
	free(dnf->conjs);
	free(dnf);
}

bool expr_clause_is_exact(const struct expr_clause *c)
{
	const struct mf_field *mf = mf_from_id(c->field);

	return c->type == EXPR_CL_VALUE && mf &&
	       u128_eq(c->mask, u128_low_mask(mf->n_bits));
}

bool expr_clause_is_prefix(const struct expr_clause *c, unsigned int *plen)
{
	const struct mf_field *mf = mf_from_id(c->field);

	return c->type == EXPR_CL_VALUE && mf &&
	       u128_is_prefix_mask(c->mask, mf->n_bits, plen);
}
