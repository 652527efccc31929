// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * Annotation: from the syntax tree to a tree over base fields.
 *
 *  - a subfield becomes bits of its base field (reg0[1] is xxreg0[97]);
 *  - a predicate becomes its expansion, negated when tested for 0;
 *  - each comparison gets its symbol's prerequisites ANDed in (always
 *    positively: `!tcp.dst == 80`... requires tcp all the same), once for a
 *    whole AND/OR subtree over a single symbol, as OVN does, so that
 *    `tcp.dst == 80 || tcp.dst == 443` needs tcp once.
 *
 * Prerequisites and predicate expansions are parsed and annotated once
 * per symbol table and cloned at each use (the cache below).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "loader/expr_priv.h"

enum { SYM_TODO, SYM_BUSY, SYM_DONE };

struct symtab_cache {
	size_t n;
	unsigned char *state;
	struct expr_node **prereq;	/* annotated prerequisites or NULL */
	struct expr_node **pred;	/* annotated predicate expansion */
	bool failed;
};

struct annotate_ctx {
	const struct symtab *st;
	struct symtab_cache *cache;
	char *err;
};

/* Nodes ---------------------------------------------------------------- */

struct expr_node *expr_node_new(enum expr_node_type type, size_t pos)
{
	struct expr_node *n = xcalloc(1, sizeof(*n));

	n->type = type;
	n->pos = pos;
	return n;
}

void expr_clause_free(struct expr_clause *c)
{
	for (size_t i = 0; i < c->n_strings; i++)
		free(c->strings[i]);
	free(c->strings);
	free(c->values);
	free(c->name);
	c->strings = NULL;
	c->values = NULL;
	c->name = NULL;
	c->n_strings = c->n_values = 0;
}

void expr_clause_copy(struct expr_clause *dst, const struct expr_clause *src)
{
	*dst = *src;
	if (src->values) {
		dst->values = xmalloc(src->n_values * sizeof(*dst->values));
		memcpy(dst->values, src->values,
		       src->n_values * sizeof(*dst->values));
	}
	if (src->strings) {
		dst->strings = xmalloc(src->n_strings * sizeof(*dst->strings));
		for (size_t i = 0; i < src->n_strings; i++)
			dst->strings[i] = xstrndup(src->strings[i],
						   strlen(src->strings[i]));
	}
	if (src->name)
		dst->name = xstrndup(src->name, strlen(src->name));
}

void expr_node_free(struct expr_node *n)
{
	if (!n)
		return;
	for (size_t i = 0; i < n->n_subs; i++)
		expr_node_free(n->subs[i]);
	free(n->subs);
	expr_clause_free(&n->cl);
	free(n);
}

struct expr_node *expr_node_clone(const struct expr_node *n)
{
	struct expr_node *c = xmalloc(sizeof(*c));

	*c = *n;
	if (n->n_subs) {
		c->subs = xmalloc(n->n_subs * sizeof(*c->subs));
		for (size_t i = 0; i < n->n_subs; i++)
			c->subs[i] = expr_node_clone(n->subs[i]);
	}
	expr_clause_copy(&c->cl, &n->cl);
	return c;
}

static void node_append(struct expr_node *n, struct expr_node *sub)
{
	n->subs = xrealloc(n->subs, (n->n_subs + 1) * sizeof(*n->subs));
	n->subs[n->n_subs++] = sub;
}

struct expr_node *expr_node_combine(enum expr_node_type type,
				    struct expr_node *a, struct expr_node *b)
{
	struct expr_node *n;

	if (!a)
		return b;
	if (!b)
		return a;
	if (a->type == type) {
		n = a;
	} else {
		n = expr_node_new(type, a->pos);
		node_append(n, a);
	}
	if (b->type == type) {
		for (size_t i = 0; i < b->n_subs; i++)
			node_append(n, b->subs[i]);
		b->n_subs = 0;
		expr_node_free(b);
	} else {
		node_append(n, b);
	}
	return n;
}

static enum expr_relop relop_invert(enum expr_relop r)
{
	static const enum expr_relop inv[] = {
		[EXPR_R_EQ] = EXPR_R_NE, [EXPR_R_NE] = EXPR_R_EQ,
		[EXPR_R_LT] = EXPR_R_GE, [EXPR_R_LE] = EXPR_R_GT,
		[EXPR_R_GT] = EXPR_R_LE, [EXPR_R_GE] = EXPR_R_LT,
	};

	return inv[r];
}

void expr_node_not(struct expr_node *n)
{
	switch (n->type) {
	case EXPR_N_TRUE:
		n->type = EXPR_N_FALSE;
		break;
	case EXPR_N_FALSE:
		n->type = EXPR_N_TRUE;
		break;
	case EXPR_N_AND:
	case EXPR_N_OR:
		n->type = n->type == EXPR_N_AND ? EXPR_N_OR : EXPR_N_AND;
		for (size_t i = 0; i < n->n_subs; i++)
			expr_node_not(n->subs[i]);
		break;
	case EXPR_N_CMP:
		n->relop = relop_invert(n->relop);
		break;
	case EXPR_N_CLAUSE:
		n->cl.negated = !n->cl.negated;
		break;
	}
}

/* Symbol cache --------------------------------------------------------- */

static void cache_free(void *p)
{
	struct symtab_cache *c = p;

	if (!c)
		return;
	for (size_t i = 0; i < c->n; i++) {
		expr_node_free(c->prereq[i]);
		expr_node_free(c->pred[i]);
	}
	free(c->state);
	free(c->prereq);
	free(c->pred);
	free(c);
}

static struct expr_node *annotate(struct annotate_ctx *ctx,
				  const struct expr *e, bool prereqs);

/* Parse and annotate a symbol's prerequisite or predicate text. */
static struct expr_node *annotate_text(struct annotate_ctx *ctx,
				       const struct symbol *sym,
				       const char *text)
{
	struct expr_node *n = NULL;
	struct expr *e;
	char *err;

	e = expr_parse(text, ctx->st, NULL, &err);
	if (e) {
		n = annotate(ctx, e, true);
		expr_free(e);
	} else {
		if (!ctx->err)
			ctx->err = xasprintf("symbol %s: `%s': %s", sym->name,
					     text, err);
		free(err);
	}
	return n;
}

/* Make sure 'sym''s cache entries are filled. */
static bool cache_fill(struct annotate_ctx *ctx, const struct symbol *sym)
{
	struct symtab_cache *c = ctx->cache;
	size_t i = sym->index;

	if (c->state[i] == SYM_DONE)
		return true;
	if (c->state[i] == SYM_BUSY) {
		if (!ctx->err)
			ctx->err = xasprintf("Recursive expansion of symbol `%s'.",
					     sym->name);
		return false;
	}
	c->state[i] = SYM_BUSY;
	if (sym->prereqs) {
		c->prereq[i] = annotate_text(ctx, sym, sym->prereqs);
		if (!c->prereq[i])
			return false;
	}
	if (sym->predicate) {
		c->pred[i] = annotate_text(ctx, sym, sym->predicate);
		if (!c->pred[i])
			return false;
	}
	c->state[i] = SYM_DONE;
	return true;
}

int expr_symtab_prepare(const struct symtab *st, char **errp)
{
	struct annotate_ctx ctx = { .st = st };
	struct symtab_cache *c = symtab_get_cache(st);
	size_t n = symtab_count(st);

	*errp = NULL;
	if (c)
		return c->failed ? (*errp = xasprintf("bad symbol table"), -EINVAL) : 0;
	c = xcalloc(1, sizeof(*c));
	c->n = n;
	c->state = xcalloc(n ? n : 1, 1);
	c->prereq = xcalloc(n ? n : 1, sizeof(*c->prereq));
	c->pred = xcalloc(n ? n : 1, sizeof(*c->pred));
	/* installed first: parsing the texts below looks symbols up */
	symtab_set_cache(st, c, cache_free);
	ctx.cache = c;
	for (size_t i = 0; i < n; i++) {
		if (!cache_fill(&ctx, symtab_at(st, i))) {
			c->failed = true;
			*errp = ctx.err ? ctx.err : xasprintf("bad symbol table");
			return -EINVAL;
		}
	}
	return 0;
}

/* Annotation ----------------------------------------------------------- */

/* The one symbol every comparison below 'e' uses, or NULL. */
static const struct symbol *unique_symbol(const struct expr *e)
{
	const struct symbol *sym = NULL;

	switch (e->type) {
	case EXPR_T_CMP:
		return e->cmp.field.symbol;
	case EXPR_T_AND:
	case EXPR_T_OR:
		for (size_t i = 0; i < e->andor.n_subs; i++) {
			const struct symbol *s = unique_symbol(e->andor.subs[i]);

			if (!s || (sym && s != sym))
				return NULL;
			sym = s;
		}
		return sym;
	default:
		return NULL;
	}
}

static struct expr_node *leaf(size_t pos, enum expr_relop relop,
			      enum expr_clause_type type,
			      const struct symbol *sym, unsigned int ofs,
			      unsigned int n_bits)
{
	struct expr_node *n = expr_node_new(EXPR_N_CMP, pos);

	n->relop = relop;
	n->cl.type = type;
	n->cl.field = sym ? sym->field : MFF_NONE;
	n->cl.ofs = sym ? sym->base_ofs + ofs : 0;
	n->cl.n_bits = n_bits;
	n->cl.format = LEX_F_HEXADECIMAL;
	return n;
}

/* A comparison of a field (not a predicate). */
static struct expr_node *annotate_field_cmp(const struct expr *e)
{
	const struct expr_field *f = &e->cmp.field;
	const struct symbol *sym = f->symbol;
	enum expr_relop r = e->cmp.relop;
	/* "f == {a, $s}" is a OR b, "f != {a, $s}" is !a AND !b */
	enum expr_node_type join = r == EXPR_R_NE ? EXPR_N_AND : EXPR_N_OR;
	struct u128 fmask = u128_low_mask(f->n_bits);
	struct expr_node *ints = NULL, *strs = NULL, *res = NULL;

	for (size_t i = 0; i < e->cmp.n_values; i++) {
		const struct expr_const *c = &e->cmp.values[i];
		struct expr_node *n;

		switch (c->type) {
		case EXPR_C_INTEGER: {
			struct u128 v = u128_shl(u128_and(c->value, fmask),
						 sym->base_ofs + f->ofs);
			struct u128 m = u128_shl(u128_and(c->mask, fmask),
						 sym->base_ofs + f->ofs);
			struct expr_clause *cl;

			if (!ints) {
				ints = leaf(c->pos, r, EXPR_CL_VALUE, sym,
					    f->ofs, f->n_bits);
				ints->cl.format = c->format;
				ints->cl.value = v;
				ints->cl.mask = m;
				break;
			}
			cl = &ints->cl;
			if (cl->type == EXPR_CL_VALUE) {
				cl->type = EXPR_CL_VALUE_SET;
				cl->values = xmalloc(sizeof(*cl->values));
				cl->values[0].value = cl->value;
				cl->values[0].mask = cl->mask;
				cl->n_values = 1;
			}
			cl->values = xrealloc(cl->values, (cl->n_values + 1) *
					      sizeof(*cl->values));
			cl->values[cl->n_values].value = v;
			cl->values[cl->n_values].mask = m;
			cl->n_values++;
			break;
		}
		case EXPR_C_STRING: {
			struct expr_clause *cl;

			if (!strs)
				strs = leaf(c->pos, r, EXPR_CL_STRINGS, sym, 0, 0);
			cl = &strs->cl;
			cl->strings = xrealloc(cl->strings, (cl->n_strings + 1) *
					       sizeof(*cl->strings));
			cl->strings[cl->n_strings++] =
				xstrndup(c->string, strlen(c->string));
			break;
		}
		case EXPR_C_ADDR_SET:
		case EXPR_C_PORT_GROUP:
			n = leaf(c->pos, r, c->type == EXPR_C_ADDR_SET ?
				 EXPR_CL_ADDR_SET : EXPR_CL_PORT_GROUP,
				 sym, f->ofs, f->n_bits);
			n->cl.name = xstrndup(c->string, strlen(c->string));
			res = expr_node_combine(join, res, n);
			break;
		}
	}
	res = expr_node_combine(join, ints, res);
	res = expr_node_combine(join, strs, res);
	return res;
}

/* A comparison of a predicate: its expansion, or the negation of it, for
 * each value (0 or 1). */
static struct expr_node *annotate_predicate(struct annotate_ctx *ctx,
					    const struct expr *e)
{
	const struct symbol *sym = e->cmp.field.symbol;
	enum expr_node_type join = e->cmp.relop == EXPR_R_NE ?
				   EXPR_N_AND : EXPR_N_OR;
	struct expr_node *res = NULL;

	if (!cache_fill(ctx, sym))
		return NULL;
	for (size_t i = 0; i < e->cmp.n_values; i++) {
		struct expr_node *n = expr_node_clone(ctx->cache->pred[sym->index]);
		bool positive = e->cmp.values[i].value.lo & 1;

		positive ^= e->cmp.relop == EXPR_R_NE;
		if (!positive)
			expr_node_not(n);
		res = expr_node_combine(join, res, n);
	}
	return res;
}

static struct expr_node *with_prereqs(struct annotate_ctx *ctx,
				      const struct symbol *sym,
				      struct expr_node *n)
{
	struct expr_node *p;

	if (!n || !sym->prereqs)
		return n;
	if (!cache_fill(ctx, sym)) {
		expr_node_free(n);
		return NULL;
	}
	p = expr_node_clone(ctx->cache->prereq[sym->index]);
	return expr_node_combine(EXPR_N_AND, n, p);
}

static struct expr_node *annotate(struct annotate_ctx *ctx,
				  const struct expr *e, bool prereqs)
{
	struct expr_node *n = NULL;

	switch (e->type) {
	case EXPR_T_BOOLEAN:
		return expr_node_new(e->boolean ? EXPR_N_TRUE : EXPR_N_FALSE,
				     e->pos);
	case EXPR_T_CONDITION:
		n = leaf(e->pos, e->cond.negated ? EXPR_R_NE : EXPR_R_EQ,
			 EXPR_CL_CHASSIS_RESIDENT, NULL, 0, 0);
		n->cl.name = xstrndup(e->cond.port, strlen(e->cond.port));
		return n;
	case EXPR_T_CMP:
		if (e->cmp.field.symbol->kind == SYM_PREDICATE)
			n = annotate_predicate(ctx, e);
		else
			n = annotate_field_cmp(e);
		return prereqs ? with_prereqs(ctx, e->cmp.field.symbol, n) : n;
	case EXPR_T_AND:
	case EXPR_T_OR: {
		enum expr_node_type t = e->type == EXPR_T_AND ?
					EXPR_N_AND : EXPR_N_OR;
		const struct symbol *sym = prereqs ? unique_symbol(e) : NULL;

		for (size_t i = 0; i < e->andor.n_subs; i++) {
			struct expr_node *s;

			s = annotate(ctx, e->andor.subs[i], prereqs && !sym);
			if (!s) {
				expr_node_free(n);
				return NULL;
			}
			n = expr_node_combine(t, n, s);
		}
		if (n)
			n->pos = e->pos;
		return sym ? with_prereqs(ctx, sym, n) : n;
	}
	}
	return NULL;
}

struct expr_node *expr_annotate(const struct expr *e, const struct symtab *st,
				char **errp)
{
	struct annotate_ctx ctx = { .st = st };
	struct expr_node *n;

	*errp = NULL;
	if (expr_symtab_prepare(st, errp))
		return NULL;
	ctx.cache = symtab_get_cache(st);
	n = annotate(&ctx, e, true);
	if (!n)
		*errp = ctx.err ? ctx.err : xasprintf("annotation failed");
	else
		free(ctx.err);
	return n;
}
