// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * Parser of the match language into the syntax tree of expr.h.
 *
 * Grammar (OVN's, ovn-sb(5)):
 *
 *   expr     := not (('&&' not)* | ('||' not)*)      -- no mixing
 *   not      := '!' primary | primary                 -- primary atomic
 *   primary  := '(' expr ')'
 *            |  'is_chassis_resident' '(' STRING ')'
 *            |  field [relop cset]                     -- bare: != 0
 *            |  cset relop field [relop cset]          -- 1 < f < 5
 *            |  '0' | '1'
 *   field    := ID ['[' INT ['..' INT] ']']
 *   cset     := const | '{' const [','] ... '}'
 *   const    := INTEGER | MASKED_INTEGER | STRING | $set | @group
 *
 * '!' is applied while parsing by negating the operand (De Morgan), so
 * the tree has no NOT node.  Level rules (nominal fields only tested for
 * equality, counting enclosing '!'s) are checked here, with the position
 * of the offending token.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "loader/expr.h"

#define MAX_PAREN_DEPTH 100

struct parse_ctx {
	struct lexer *lx;
	const struct symtab *st;
	const struct expr_lookups *lk;
	bool not;		/* inside an odd number of '!' */
	unsigned int depth;	/* parentheses */
};

/* A constant set being parsed. */
struct cset {
	struct expr_const *values;
	size_t n, cap;
	bool in_curlies;
	bool is_string;		/* strings / port groups */
	size_t pos;
};

/* Trees ---------------------------------------------------------------- */

static struct expr *expr_new(enum expr_type type, size_t pos)
{
	struct expr *e = xcalloc(1, sizeof(*e));

	e->type = type;
	e->pos = pos;
	return e;
}

static struct expr *expr_boolean(bool b, size_t pos)
{
	struct expr *e = expr_new(EXPR_T_BOOLEAN, pos);

	e->boolean = b;
	return e;
}

static void const_free(struct expr_const *c)
{
	free(c->string);
	c->string = NULL;
}

void expr_free(struct expr *e)
{
	if (!e)
		return;
	switch (e->type) {
	case EXPR_T_CMP:
		for (size_t i = 0; i < e->cmp.n_values; i++)
			const_free(&e->cmp.values[i]);
		free(e->cmp.values);
		break;
	case EXPR_T_AND:
	case EXPR_T_OR:
		for (size_t i = 0; i < e->andor.n_subs; i++)
			expr_free(e->andor.subs[i]);
		free(e->andor.subs);
		break;
	case EXPR_T_CONDITION:
		free(e->cond.port);
		break;
	case EXPR_T_BOOLEAN:
		break;
	}
	free(e);
}

static char *dup_or_null(const char *s)
{
	return s ? xstrndup(s, strlen(s)) : NULL;
}

struct expr *expr_clone(const struct expr *e)
{
	struct expr *c = xmalloc(sizeof(*c));

	*c = *e;
	switch (e->type) {
	case EXPR_T_CMP:
		c->cmp.values = xmalloc(e->cmp.n_values * sizeof(*c->cmp.values));
		for (size_t i = 0; i < e->cmp.n_values; i++) {
			c->cmp.values[i] = e->cmp.values[i];
			c->cmp.values[i].string =
				dup_or_null(e->cmp.values[i].string);
		}
		break;
	case EXPR_T_AND:
	case EXPR_T_OR:
		c->andor.subs = xmalloc(e->andor.n_subs * sizeof(*c->andor.subs));
		for (size_t i = 0; i < e->andor.n_subs; i++)
			c->andor.subs[i] = expr_clone(e->andor.subs[i]);
		break;
	case EXPR_T_CONDITION:
		c->cond.port = dup_or_null(e->cond.port);
		break;
	case EXPR_T_BOOLEAN:
		break;
	}
	return c;
}

static bool const_equal(const struct expr_const *a, const struct expr_const *b)
{
	if (a->type != b->type)
		return false;
	if (a->type != EXPR_C_INTEGER)
		return !strcmp(a->string, b->string);
	return a->format == b->format && a->masked == b->masked &&
	       u128_eq(a->value, b->value) && u128_eq(a->mask, b->mask);
}

bool expr_equal(const struct expr *a, const struct expr *b)
{
	if (a->type != b->type)
		return false;
	switch (a->type) {
	case EXPR_T_CMP:
		if (a->cmp.field.symbol != b->cmp.field.symbol ||
		    a->cmp.field.ofs != b->cmp.field.ofs ||
		    a->cmp.field.n_bits != b->cmp.field.n_bits ||
		    a->cmp.relop != b->cmp.relop ||
		    a->cmp.in_curlies != b->cmp.in_curlies ||
		    a->cmp.n_values != b->cmp.n_values)
			return false;
		for (size_t i = 0; i < a->cmp.n_values; i++)
			if (!const_equal(&a->cmp.values[i], &b->cmp.values[i]))
				return false;
		return true;
	case EXPR_T_AND:
	case EXPR_T_OR:
		if (a->andor.n_subs != b->andor.n_subs)
			return false;
		for (size_t i = 0; i < a->andor.n_subs; i++)
			if (!expr_equal(a->andor.subs[i], b->andor.subs[i]))
				return false;
		return true;
	case EXPR_T_BOOLEAN:
		return a->boolean == b->boolean;
	case EXPR_T_CONDITION:
		return a->cond.negated == b->cond.negated &&
		       !strcmp(a->cond.port, b->cond.port);
	}
	return false;
}

size_t expr_n_leaves(const struct expr *e)
{
	size_t n = 0;

	switch (e->type) {
	case EXPR_T_AND:
	case EXPR_T_OR:
		for (size_t i = 0; i < e->andor.n_subs; i++)
			n += expr_n_leaves(e->andor.subs[i]);
		return n;
	case EXPR_T_CMP:
	case EXPR_T_CONDITION:
		return 1;
	case EXPR_T_BOOLEAN:
		return 0;
	}
	return 0;
}

static void andor_append(struct expr *e, struct expr *sub)
{
	e->andor.subs = xrealloc(e->andor.subs,
				 (e->andor.n_subs + 1) * sizeof(*e->andor.subs));
	e->andor.subs[e->andor.n_subs++] = sub;
}

/* 'a' TYPE 'b', flattening children of the same type into one node so
 * that an AND never has an AND child (the tree then formats and parses
 * back to itself). */
static struct expr *expr_combine(enum expr_type type, struct expr *a,
				 struct expr *b)
{
	struct expr *e;

	if (a->type == type) {
		e = a;
	} else {
		e = expr_new(type, a->pos);
		andor_append(e, a);
	}
	if (b->type == type) {
		for (size_t i = 0; i < b->andor.n_subs; i++)
			andor_append(e, b->andor.subs[i]);
		free(b->andor.subs);
		free(b);
	} else {
		andor_append(e, b);
	}
	return e;
}

static enum expr_relop relop_invert(enum expr_relop r)
{
	switch (r) {
	case EXPR_R_EQ: return EXPR_R_NE;
	case EXPR_R_NE: return EXPR_R_EQ;
	case EXPR_R_LT: return EXPR_R_GE;
	case EXPR_R_LE: return EXPR_R_GT;
	case EXPR_R_GT: return EXPR_R_LE;
	case EXPR_R_GE: return EXPR_R_LT;
	}
	return r;
}

/* "c < f" is "f > c". */
static enum expr_relop relop_turn(enum expr_relop r)
{
	switch (r) {
	case EXPR_R_LT: return EXPR_R_GT;
	case EXPR_R_LE: return EXPR_R_GE;
	case EXPR_R_GT: return EXPR_R_LT;
	case EXPR_R_GE: return EXPR_R_LE;
	default: return r;
	}
}

/* Negate in place: De Morgan down to the comparisons. */
static void expr_not(struct expr *e)
{
	switch (e->type) {
	case EXPR_T_CMP:
		e->cmp.relop = relop_invert(e->cmp.relop);
		break;
	case EXPR_T_AND:
	case EXPR_T_OR:
		e->type = e->type == EXPR_T_AND ? EXPR_T_OR : EXPR_T_AND;
		for (size_t i = 0; i < e->andor.n_subs; i++)
			expr_not(e->andor.subs[i]);
		break;
	case EXPR_T_BOOLEAN:
		e->boolean = !e->boolean;
		break;
	case EXPR_T_CONDITION:
		e->cond.negated = !e->cond.negated;
		break;
	}
}

const char *expr_relop_to_string(enum expr_relop relop)
{
	switch (relop) {
	case EXPR_R_EQ: return "==";
	case EXPR_R_NE: return "!=";
	case EXPR_R_LT: return "<";
	case EXPR_R_LE: return "<=";
	case EXPR_R_GT: return ">";
	case EXPR_R_GE: return ">=";
	}
	return "?";
}

static bool relop_from_token(enum lex_type t, enum expr_relop *r)
{
	enum expr_relop x;

	switch (t) {
	case LEX_T_EQ: x = EXPR_R_EQ; break;
	case LEX_T_NE: x = EXPR_R_NE; break;
	case LEX_T_LT: x = EXPR_R_LT; break;
	case LEX_T_LE: x = EXPR_R_LE; break;
	case LEX_T_GT: x = EXPR_R_GT; break;
	case LEX_T_GE: x = EXPR_R_GE; break;
	default: return false;
	}
	if (r)
		*r = x;
	return true;
}

/* Fields --------------------------------------------------------------- */

int expr_field_parse(struct lexer *lx, const struct symtab *st,
		     struct expr_field *f)
{
	const struct symbol *sym;
	size_t pos = lx->token.start;
	int lo, hi;

	if (lx->token.type != LEX_T_ID) {
		lexer_syntax_error(lx, "expecting field name");
		return -EINVAL;
	}
	sym = symtab_lookup(st, lx->token.s);
	if (!sym) {
		lexer_syntax_error(lx, "expecting field name");
		return -EINVAL;
	}
	lexer_next(lx);
	f->symbol = sym;
	f->ofs = 0;
	f->n_bits = sym->width;
	if (!lexer_match(lx, LEX_T_LSQUARE))
		return 0;

	if (!sym->width) {
		lexer_error_at(lx, pos, "Cannot select subfield of string field %s.",
			       sym->name);
		return -EINVAL;
	}
	if (!lexer_get_int(lx, &lo)) {
		lexer_syntax_error(lx, "expecting small integer");
		return -EINVAL;
	}
	hi = lo;
	if (lexer_match(lx, LEX_T_ELLIPSIS) && !lexer_get_int(lx, &hi)) {
		lexer_syntax_error(lx, "expecting small integer");
		return -EINVAL;
	}
	if (!lexer_match(lx, LEX_T_RSQUARE)) {
		lexer_syntax_error(lx, "expecting `]'");
		return -EINVAL;
	}
	if (lo > hi) {
		lexer_error_at(lx, pos, "Invalid bit range %d to %d.", lo, hi);
		return -EINVAL;
	}
	if ((unsigned int)hi >= sym->width) {
		lexer_error_at(lx, pos,
			       "Cannot select bits %d to %d of %u-bit field %s.",
			       lo, hi, sym->width, sym->name);
		return -EINVAL;
	}
	if (sym->level == SYM_L_NOMINAL &&
	    (lo != 0 || (unsigned int)hi != sym->width - 1)) {
		lexer_error_at(lx, pos, "Cannot select subfield of nominal field %s.",
			       sym->name);
		return -EINVAL;
	}
	f->ofs = lo;
	f->n_bits = hi - lo + 1;
	return 0;
}

/* Constants ------------------------------------------------------------ */

static void cset_free(struct cset *cs)
{
	for (size_t i = 0; i < cs->n; i++)
		const_free(&cs->values[i]);
	free(cs->values);
	memset(cs, 0, sizeof(*cs));
}

static struct expr_const *cset_add(struct cset *cs)
{
	if (cs->n == cs->cap) {
		cs->cap = cs->cap ? cs->cap * 2 : 4;
		cs->values = xrealloc(cs->values, cs->cap * sizeof(*cs->values));
	}
	memset(&cs->values[cs->n], 0, sizeof(cs->values[0]));
	return &cs->values[cs->n++];
}

static bool cset_type(struct parse_ctx *ctx, struct cset *cs, bool is_string)
{
	if (cs->n && cs->is_string != is_string) {
		lexer_syntax_error(ctx->lx, "expecting %s",
				   cs->is_string ? "string" : "integer");
		return false;
	}
	cs->is_string = is_string;
	return true;
}

static bool parse_constant(struct parse_ctx *ctx, struct cset *cs)
{
	struct lexer *lx = ctx->lx;
	const struct lex_token *t = &lx->token;
	const struct expr_lookups *lk = ctx->lk;
	struct expr_const *c;

	switch (t->type) {
	case LEX_T_TEMPLATE:
		lexer_error(lx, "Unexpanded template ^%s.", t->s);
		return false;
	case LEX_T_STRING:
		if (!cset_type(ctx, cs, true))
			return false;
		c = cset_add(cs);
		c->type = EXPR_C_STRING;
		break;
	case LEX_T_INTEGER:
	case LEX_T_MASKED_INTEGER:
		if (!cset_type(ctx, cs, false))
			return false;
		c = cset_add(cs);
		c->type = EXPR_C_INTEGER;
		c->format = t->format;
		c->masked = t->type == LEX_T_MASKED_INTEGER;
		c->value = t->value;
		c->mask = t->mask;
		break;
	case LEX_T_ADDR_SET:
		if (lk && lk->addr_set_exists &&
		    !lk->addr_set_exists(lk->aux, t->s)) {
			lexer_error(lx, "Unknown address set $%s.", t->s);
			return false;
		}
		if (!cset_type(ctx, cs, false))
			return false;
		c = cset_add(cs);
		c->type = EXPR_C_ADDR_SET;
		break;
	case LEX_T_PORT_GROUP:
		if (lk && lk->port_group_exists &&
		    !lk->port_group_exists(lk->aux, t->s)) {
			lexer_error(lx, "Unknown port group @%s.", t->s);
			return false;
		}
		if (!cset_type(ctx, cs, true))
			return false;
		c = cset_add(cs);
		c->type = EXPR_C_PORT_GROUP;
		break;
	default:
		lexer_syntax_error(lx, "expecting constant");
		return false;
	}
	c->pos = t->start;
	if (c->type != EXPR_C_INTEGER)
		c->string = lexer_steal_string(lx);
	lexer_next(lx);
	return true;
}

static bool parse_constant_set(struct parse_ctx *ctx, struct cset *cs)
{
	memset(cs, 0, sizeof(*cs));
	cs->pos = ctx->lx->token.start;
	if (!lexer_match(ctx->lx, LEX_T_LCURLY))
		return parse_constant(ctx, cs);
	cs->in_curlies = true;
	while (!lexer_match(ctx->lx, LEX_T_RCURLY)) {
		if (!parse_constant(ctx, cs)) {
			cset_free(cs);
			return false;
		}
		lexer_match(ctx->lx, LEX_T_COMMA);
	}
	return true;
}

/* Smallest width that holds constant 'c'. */
static unsigned int const_width(const struct expr_const *c)
{
	if (c->masked)
		return u128_bits(c->mask);
	switch (c->format) {
	case LEX_F_IPV4: return 32;
	case LEX_F_IPV6: return 128;
	case LEX_F_ETHERNET: return 48;
	default: return u128_bits(c->value);
	}
}

static bool type_check(struct parse_ctx *ctx, const struct expr_field *f,
		       const struct cset *cs)
{
	const struct symbol *sym = f->symbol;

	if (cs->n && cs->is_string != !sym->width) {
		lexer_error_at(ctx->lx, cs->pos,
			       "%s field %s is not compatible with %s constant.",
			       sym->width ? "Integer" : "String", sym->name,
			       cs->is_string ? "string" : "integer");
		return false;
	}
	for (size_t i = 0; i < cs->n; i++) {
		const struct expr_const *c = &cs->values[i];
		unsigned int w;

		if (c->type != EXPR_C_INTEGER)
			continue;
		w = const_width(c);
		if (w > f->n_bits) {
			lexer_error_at(ctx->lx, c->pos,
				       "%u-bit constant is not compatible with %u-bit field %s.",
				       w, f->n_bits, sym->name);
			return false;
		}
	}
	return true;
}

/* Build "f r cs", checking OVN's rules.  Consumes 'cs'. */
static struct expr *make_cmp(struct parse_ctx *ctx, const struct expr_field *f,
			     enum expr_relop r, struct cset *cs, size_t pos)
{
	const struct symbol *sym = f->symbol;
	struct lexer *lx = ctx->lx;
	struct expr *e = NULL;

	if (!type_check(ctx, f, cs))
		goto out;
	if (sym->kind == SYM_OVN_FIELD) {
		lexer_error_at(lx, pos, "Field %s may only be used in actions.",
			       sym->name);
		goto out;
	}
	if (r != EXPR_R_EQ && r != EXPR_R_NE) {
		if (cs->in_curlies) {
			lexer_error_at(lx, pos, "Only == and != operators may be used with value sets.");
			goto out;
		}
		if (sym->level != SYM_L_ORDINAL) {
			lexer_error_at(lx, pos, "Only == and != operators may be used with %s field %s.",
				       symbol_level_to_string(sym->level), sym->name);
			goto out;
		}
		if (cs->n && cs->values[0].type == EXPR_C_ADDR_SET) {
			lexer_error_at(lx, pos, "Only == and != operators may be used with address sets.");
			goto out;
		}
		if (cs->n && cs->values[0].masked) {
			lexer_error_at(lx, pos, "Only == and != operators may be used with masked constants.  Consider using subfields instead (e.g. eth.src[0..15] > 0x1111 in place of eth.src > 00:00:00:00:11:11/00:00:00:00:ff:ff).");
			goto out;
		}
	}
	if (sym->level == SYM_L_NOMINAL) {
		if (sym->kind == SYM_PREDICATE) {
			for (size_t i = 0; i < cs->n; i++) {
				bool positive = cs->values[i].value.lo & 1;

				positive ^= r == EXPR_R_NE;
				positive ^= ctx->not;
				if (!positive) {
					const char *n = sym->name;

					lexer_error_at(lx, pos, "Nominal predicate %s may only be tested positively, e.g. `%s' or `%s == 1' but not `!%s' or `%s == 0'.",
						       n, n, n, n, n);
					goto out;
				}
			}
		} else if (r != (ctx->not ? EXPR_R_NE : EXPR_R_EQ)) {
			lexer_error_at(lx, pos, "Nominal field %s may only be tested for equality (taking enclosing `!' operators into account).",
				       sym->name);
			goto out;
		}
	}
	if (!cs->n) {
		/* "f == {}" matches nothing, "f != {}" everything */
		e = expr_boolean(r == EXPR_R_NE, pos);
		goto out;
	}
	e = expr_new(EXPR_T_CMP, pos);
	e->cmp.field = *f;
	e->cmp.relop = r;
	e->cmp.values = cs->values;
	e->cmp.n_values = cs->n;
	e->cmp.in_curlies = cs->in_curlies;
	cs->values = NULL;
	cs->n = 0;
out:
	cset_free(cs);
	return e;
}

/* Expressions ---------------------------------------------------------- */

static struct expr *parse_or_and(struct parse_ctx *ctx);

static struct expr *parse_chassis_resident(struct parse_ctx *ctx, size_t pos)
{
	struct lexer *lx = ctx->lx;
	struct expr *e;

	lexer_next(lx);		/* the name */
	lexer_next(lx);		/* ( */
	if (lx->token.type != LEX_T_STRING) {
		lexer_syntax_error(lx, "expecting string");
		return NULL;
	}
	e = expr_new(EXPR_T_CONDITION, pos);
	e->cond.port = lexer_steal_string(lx);
	lexer_next(lx);
	if (!lexer_match(lx, LEX_T_RPAREN)) {
		lexer_syntax_error(lx, "expecting `)'");
		expr_free(e);
		return NULL;
	}
	return e;
}

/* A field first: "f", "f == c", "f < c". */
static struct expr *parse_field_cmp(struct parse_ctx *ctx, bool *atomic)
{
	struct lexer *lx = ctx->lx;
	size_t pos = lx->token.start;
	struct expr_field f;
	enum expr_relop r;
	struct cset cs;

	if (expr_field_parse(lx, ctx->st, &f))
		return NULL;
	if (!relop_from_token(lx->token.type, &r)) {
		struct expr_const *c;

		/* a bare field or predicate means "!= 0" */
		if (!f.n_bits || lx->token.type == LEX_T_EQUALS) {
			lexer_syntax_error(lx, "expecting relational operator");
			return NULL;
		}
		if (f.n_bits > 1 && !ctx->not) {
			lexer_error_at(lx, pos, "Explicit `!= 0' is required for inequality test of multibit field against 0.");
			return NULL;
		}
		*atomic = true;
		memset(&cs, 0, sizeof(cs));
		cs.pos = pos;
		c = cset_add(&cs);
		c->type = EXPR_C_INTEGER;
		c->format = LEX_F_HEXADECIMAL;
		c->mask = u128_not((struct u128){ 0, 0 });
		c->pos = pos;
		return make_cmp(ctx, &f, EXPR_R_NE, &cs, pos);
	}
	lexer_next(lx);
	if (!parse_constant_set(ctx, &cs))
		return NULL;
	return make_cmp(ctx, &f, r, &cs, pos);
}

/* A constant first: "0", "1", "c < f", "c1 < f < c2". */
static struct expr *parse_const_cmp(struct parse_ctx *ctx, bool *atomic)
{
	struct lexer *lx = ctx->lx;
	size_t pos = lx->token.start, fpos;
	struct cset c1, c2;
	enum expr_relop r1, r2;
	struct expr_field f;
	struct expr *e1, *e2;

	if (!parse_constant_set(ctx, &c1))
		return NULL;
	if (!relop_from_token(lx->token.type, NULL) && c1.n == 1 &&
	    !c1.in_curlies && c1.values[0].type == EXPR_C_INTEGER &&
	    c1.values[0].format == LEX_F_DECIMAL && !c1.values[0].masked &&
	    !c1.values[0].value.hi && c1.values[0].value.lo <= 1) {
		bool b = c1.values[0].value.lo;

		cset_free(&c1);
		*atomic = true;
		return expr_boolean(b, pos);
	}
	if (!relop_from_token(lx->token.type, &r1)) {
		lexer_syntax_error(lx, "expecting relational operator");
		cset_free(&c1);
		return NULL;
	}
	lexer_next(lx);
	fpos = lx->token.start;
	if (expr_field_parse(lx, ctx->st, &f)) {
		cset_free(&c1);
		return NULL;
	}
	if (!relop_from_token(lx->token.type, &r2))
		return make_cmp(ctx, &f, relop_turn(r1), &c1, fpos);

	lexer_next(lx);
	if (!parse_constant_set(ctx, &c2)) {
		cset_free(&c1);
		return NULL;
	}
	/* only "a < f < b" and "a > f > b", each optionally with '=' */
	if (!(((r1 == EXPR_R_LT || r1 == EXPR_R_LE) &&
	       (r2 == EXPR_R_LT || r2 == EXPR_R_LE)) ||
	      ((r1 == EXPR_R_GT || r1 == EXPR_R_GE) &&
	       (r2 == EXPR_R_GT || r2 == EXPR_R_GE)))) {
		lexer_error_at(lx, pos, "Range expressions must have the form `x < field < y' or `x > field > y', with each `<' optionally replaced by `<=' or `>' by `>='.");
		cset_free(&c1);
		cset_free(&c2);
		return NULL;
	}
	e1 = make_cmp(ctx, &f, relop_turn(r1), &c1, fpos);
	e2 = e1 ? make_cmp(ctx, &f, r2, &c2, fpos) : (cset_free(&c2), NULL);
	if (!e1 || !e2) {
		expr_free(e1);
		expr_free(e2);
		return NULL;
	}
	e1 = expr_combine(EXPR_T_AND, e1, e2);
	e1->pos = pos;
	return e1;
}

static struct expr *parse_primary(struct parse_ctx *ctx, bool *atomic)
{
	struct lexer *lx = ctx->lx;
	size_t pos = lx->token.start;

	*atomic = false;
	if (lexer_match(lx, LEX_T_LPAREN)) {
		struct expr *e;

		if (ctx->depth >= MAX_PAREN_DEPTH) {
			lexer_error_at(lx, pos, "Parentheses nested too deeply.");
			return NULL;
		}
		ctx->depth++;
		e = parse_or_and(ctx);
		ctx->depth--;
		if (e && !lexer_match(lx, LEX_T_RPAREN)) {
			lexer_syntax_error(lx, "expecting `)'");
			expr_free(e);
			return NULL;
		}
		*atomic = true;
		return e;
	}
	if (lx->token.type == LEX_T_TEMPLATE) {
		lexer_error(lx, "Unexpanded template ^%s.", lx->token.s);
		return NULL;
	}
	if (lx->token.type == LEX_T_ID) {
		if (lexer_peek(lx) == LEX_T_LPAREN) {
			if (lexer_is_id(lx, "is_chassis_resident")) {
				*atomic = true;
				return parse_chassis_resident(ctx, pos);
			}
			lexer_error(lx, "Unknown function `%s'.", lx->token.s);
			return NULL;
		}
		return parse_field_cmp(ctx, atomic);
	}
	return parse_const_cmp(ctx, atomic);
}

static struct expr *parse_not(struct parse_ctx *ctx)
{
	struct lexer *lx = ctx->lx;
	size_t pos = lx->token.start;
	struct expr *e;
	bool atomic;

	if (!lexer_match(lx, LEX_T_LOG_NOT))
		return parse_primary(ctx, &atomic);

	ctx->not = !ctx->not;
	e = parse_primary(ctx, &atomic);
	ctx->not = !ctx->not;
	if (!e)
		return NULL;
	if (!atomic) {
		lexer_error_at(lx, pos, "Missing parentheses around operand of !.");
		expr_free(e);
		return NULL;
	}
	expr_not(e);
	e->pos = pos;
	return e;
}

static struct expr *parse_or_and(struct parse_ctx *ctx)
{
	struct lexer *lx = ctx->lx;
	enum lex_type op = LEX_T_END;
	struct expr *e;

	e = parse_not(ctx);
	if (!e)
		return NULL;
	while (lx->token.type == LEX_T_LOG_AND || lx->token.type == LEX_T_LOG_OR) {
		struct expr *e2;

		if (op != LEX_T_END && lx->token.type != op) {
			lexer_error(lx, "&& and || must be parenthesized when used together.");
			expr_free(e);
			return NULL;
		}
		op = lx->token.type;
		lexer_next(lx);
		e2 = parse_not(ctx);
		if (!e2) {
			expr_free(e);
			return NULL;
		}
		e = expr_combine(op == LEX_T_LOG_AND ? EXPR_T_AND : EXPR_T_OR,
				 e, e2);
	}
	return e;
}

struct expr *expr_parse_lexer(struct lexer *lx, const struct symtab *st,
			      const struct expr_lookups *lookups)
{
	struct parse_ctx ctx = { .lx = lx, .st = st, .lk = lookups };
	struct expr *e;

	if (lx->error)
		return NULL;
	e = parse_or_and(&ctx);
	if (lx->error) {
		expr_free(e);
		return NULL;
	}
	return e;
}

/* Templates ------------------------------------------------------------ */

char *expr_expand_templates(const char *text,
			    const struct expr_lookups *lk, char **errp)
{
	struct strbuf sb = STRBUF_INIT;
	struct lexer lx;
	size_t copied = 0;

	*errp = NULL;
	if (!strchr(text, '^'))
		return xstrndup(text, strlen(text));

	/* Replace each ^name token by its value, copying everything else
	 * byte for byte so that positions before it stay the same. */
	lexer_init(&lx, text);
	while (lexer_next(&lx) != LEX_T_END && lx.token.type != LEX_T_ERROR) {
		const char *v;

		if (lx.token.type != LEX_T_TEMPLATE)
			continue;
		v = lk && lk->template_value ?
		    lk->template_value(lk->aux, lx.token.s) : NULL;
		if (!v) {
			lexer_error(&lx, "Unresolved template ^%s.", lx.token.s);
			break;
		}
		strbuf_putn(&sb, text + copied, lx.token.start - copied);
		strbuf_puts(&sb, v);
		copied = lx.token.end;
	}
	if (lx.error && lx.token.type != LEX_T_ERROR) {
		*errp = lexer_format_error(&lx);
		lexer_destroy(&lx);
		strbuf_free(&sb);
		return NULL;
	}
	/* a lexical error is left for the parser to report */
	strbuf_puts(&sb, text + copied);
	lexer_destroy(&lx);
	return strbuf_steal(&sb);
}

struct expr *expr_parse(const char *text, const struct symtab *st,
			const struct expr_lookups *lookups, char **errp)
{
	struct expr *e = NULL;
	struct lexer lx;
	char *expanded;

	*errp = NULL;
	if (expr_symtab_prepare(st, errp))
		return NULL;
	expanded = expr_expand_templates(text, lookups, errp);
	if (!expanded)
		return NULL;
	lexer_init(&lx, expanded);
	lexer_next(&lx);
	e = expr_parse_lexer(&lx, st, lookups);
	if (e && lx.token.type != LEX_T_END) {
		lexer_syntax_error(&lx, "expecting end of input");
		expr_free(e);
		e = NULL;
	}
	if (!e)
		*errp = lexer_format_error(&lx);
	lexer_destroy(&lx);
	free(expanded);
	return e;
}
