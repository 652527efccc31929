// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * Parser for Logical_Flow.actions: the statement level (action lists,
 * nesting, assignments, next) and the helpers the verb parsers in
 * actions-verbs.c share (fields, constants, prerequisites).
 *
 * Errors go through the lexer (the first one wins, with its byte offset);
 * a parser that hits one returns at once and the whole parse is
 * discarded, so a bad flow never yields half an IR.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "loader/actions-int.h"
#include "loader/lex.h"

/* Deeper nesting than northd ever writes is an error, not a stack
 * overflow. */
#define ACT_MAX_DEPTH 32

struct action *act_append(struct action_list *l, enum action_type type,
			  size_t pos)
{
	const struct action_info *info = action_info(type);
	struct action *a;

	if (l->n == l->alloc) {
		l->alloc = l->alloc ? 2 * l->alloc : 4;
		l->acts = xrealloc(l->acts, l->alloc * sizeof(*l->acts));
	}
	a = &l->acts[l->n++];
	memset(a, 0, sizeof(*a));
	a->type = type;
	a->exec = info->exec;
	a->unsupported = !info->supported;
	a->pos = pos;
	return a;
}

void act_add_prereq(struct act_ctx *c, const char *prereq)
{
	struct act_prereqs *p = c->prereqs;

	for (size_t i = 0; i < p->n; i++)
		if (!strcmp(p->v[i], prereq))
			return;
	if (p->n == p->alloc) {
		p->alloc = p->alloc ? 2 * p->alloc : 4;
		p->v = xrealloc(p->v, p->alloc * sizeof(*p->v));
	}
	p->v[p->n++] = xstrndup(prereq, strlen(prereq));
}

void act_prereqs_free(struct act_prereqs *p)
{
	for (size_t i = 0; i < p->n; i++)
		free(p->v[i]);
	free(p->v);
	memset(p, 0, sizeof(*p));
}

bool act_force_match(struct act_ctx *c, int type)
{
	if (lexer_match(c->lx, type))
		return true;
	lexer_syntax_error(c->lx, "expecting `%s'.", lex_type_to_string(type));
	return false;
}

static bool force_int(struct act_ctx *c, int *v)
{
	if (lexer_get_int(c->lx, v))
		return true;
	lexer_syntax_error(c->lx, "expecting small integer.");
	return false;
}

bool act_parse_uint16(struct act_ctx *c, uint16_t *v, const char *what)
{
	const struct lex_token *t = &c->lx->token;

	if (t->type == LEX_T_INTEGER && t->format == LEX_F_DECIMAL &&
	    !t->value.hi && t->value.lo <= UINT16_MAX) {
		*v = t->value.lo;
		lexer_next(c->lx);
		return true;
	}
	lexer_syntax_error(c->lx, "expecting %s.", what);
	return false;
}

bool act_parse_field(struct act_ctx *c, struct action_field *f)
{
	struct lexer *lx = c->lx;
	const struct symbol *sym, *s;
	unsigned int width;
	size_t start = lx->token.start;
	int lo, hi;

	memset(f, 0, sizeof(*f));
	if (lx->token.type != LEX_T_ID) {
		lexer_syntax_error(lx, "expecting field name.");
		return false;
	}
	sym = act_sym_lookup(c->pp->symtab, lx->token.s);
	if (!sym) {
		lexer_syntax_error(lx, "expecting field name.");
		return false;
	}
	if (act_sym_is_predicate(sym)) {
		lexer_error(lx, "Predicate symbol %s used where lvalue required.",
			    act_sym_name(sym));
		return false;
	}
	lexer_next(lx);
	width = act_sym_width(sym);
	f->pos = start;
	f->sym = sym;
	f->ofs = 0;
	f->n_bits = width;

	if (lexer_match(lx, LEX_T_LSQUARE)) {
		if (!width) {
			lexer_error_at(lx, start, "Cannot select subfield of "
				       "string field %s.", act_sym_name(sym));
			return false;
		}
		if (!force_int(c, &lo))
			return false;
		hi = lo;
		if (lexer_match(lx, LEX_T_ELLIPSIS) && !force_int(c, &hi))
			return false;
		if (!act_force_match(c, LEX_T_RSQUARE))
			return false;
		if (lo > hi) {
			lexer_error_at(lx, start, "Invalid bit range %d to %d.",
				       lo, hi);
			return false;
		}
		if ((unsigned int)hi >= width) {
			lexer_error_at(lx, start, "Cannot select bits %d to %d "
				       "of %u-bit field %s.", lo, hi, width,
				       act_sym_name(sym));
			return false;
		}
		f->ofs = lo;
		f->n_bits = hi - lo + 1;
	}

	for (s = sym; s; s = act_sym_parent(s)) {
		const char *pr = act_sym_prereqs(s);

		if (pr && *pr)
			act_add_prereq(c, pr);
	}
	return true;
}

bool act_check_field(struct act_ctx *c, const struct action_field *f,
		     int n_bits, bool rw)
{
	const char *name = act_sym_name(f->sym);

	if (n_bits >= 0 && n_bits != f->n_bits) {
		if (n_bits && f->n_bits)
			lexer_error_at(c->lx, f->pos, "Cannot use %u-bit field "
				       "%s[%u..%u] where %d-bit field is "
				       "required.", f->n_bits, name, f->ofs,
				       f->ofs + f->n_bits - 1, n_bits);
		else if (n_bits)
			lexer_error_at(c->lx, f->pos, "Cannot use string field "
				       "%s where numeric field is required.",
				       name);
		else
			lexer_error_at(c->lx, f->pos, "Cannot use numeric field "
				       "%s where string field is required.",
				       name);
		return false;
	}
	if (rw && !act_sym_writable(f->sym, c->scope)) {
		lexer_error_at(c->lx, f->pos, "Field %s is not modifiable.",
			       name);
		return false;
	}
	return true;
}

bool act_parse_field_typed(struct act_ctx *c, struct action_field *f,
			   int n_bits, bool rw)
{
	return act_parse_field(c, f) && act_check_field(c, f, n_bits, rw);
}

bool act_parse_const(struct act_ctx *c, struct action_const *k)
{
	struct lex_token *t = &c->lx->token;

	memset(k, 0, sizeof(*k));
	switch (t->type) {
	case LEX_T_STRING:
		k->string = lexer_steal_string(c->lx);
		break;
	case LEX_T_INTEGER:
	case LEX_T_MASKED_INTEGER:
		k->fmt = t->format;
		k->masked = t->type == LEX_T_MASKED_INTEGER;
		k->value = t->value;
		k->mask = k->masked ? t->mask : u128_low_mask(128);
		break;
	case LEX_T_TEMPLATE:
		lexer_error(c->lx, "Unexpanded template.");
		return false;
	default:
		lexer_syntax_error(c->lx, "expecting constant.");
		return false;
	}
	lexer_next(c->lx);
	return true;
}

bool act_parse_const_set(struct act_ctx *c, struct action_const_set *cs)
{
	size_t alloc = 0;

	memset(cs, 0, sizeof(*cs));
	if (!lexer_match(c->lx, LEX_T_LCURLY)) {
		cs->v = xcalloc(1, sizeof(*cs->v));
		if (!act_parse_const(c, &cs->v[0]))
			return false;
		cs->n = 1;
		return true;
	}
	cs->curlies = true;
	while (!lexer_match(c->lx, LEX_T_RCURLY)) {
		if (cs->n == alloc) {
			alloc = alloc ? 2 * alloc : 4;
			cs->v = xrealloc(cs->v, alloc * sizeof(*cs->v));
		}
		if (!act_parse_const(c, &cs->v[cs->n]))
			return false;
		cs->n++;
		if ((cs->v[0].string != NULL) != (cs->v[cs->n - 1].string != NULL)) {
			lexer_error(c->lx, "Constants in a set must all be "
				    "strings or all be integers.");
			return false;
		}
		lexer_match(c->lx, LEX_T_COMMA);
	}
	return true;
}

/* Whether integer constant K fits an N_BITS-bit field. */
static bool const_fits(const struct action_const *k, unsigned int n_bits)
{
	if (u128_bits(k->value) > n_bits)
		return false;
	return !k->masked || u128_bits(k->mask) <= n_bits;
}

/* "dst = constant;" */
static void parse_load(struct act_ctx *c, struct action_list *l, size_t pos,
		       const struct action_field *dst)
{
	bool ovn_field = act_sym_is_ovn_field(dst->sym);
	struct action_const k;
	struct action *a;

	if (!act_check_field(c, dst, dst->n_bits, true))
		return;
	if (!act_parse_const(c, &k))
		return;
	if (dst->n_bits && k.string) {
		lexer_error_at(c->lx, pos, "String constant is not compatible "
			       "with numeric field %s.", act_sym_name(dst->sym));
		free(k.string);
		return;
	}
	if (!dst->n_bits && !k.string) {
		lexer_error_at(c->lx, pos, "Integer constant is not compatible "
			       "with string field %s.", act_sym_name(dst->sym));
		return;
	}
	if (dst->n_bits && !const_fits(&k, dst->n_bits)) {
		lexer_error_at(c->lx, pos, "%u-bit constant is not compatible "
			       "with %u-bit field %s.",
			       u128_bits(k.masked ? u128_or(k.value, k.mask)
					 : k.value),
			       dst->n_bits, act_sym_name(dst->sym));
		return;
	}
	if (ovn_field && k.masked) {
		lexer_error_at(c->lx, pos, "Field %s cannot be assigned a "
			       "masked value.", act_sym_name(dst->sym));
		return;
	}
	a = act_append(l, ovn_field ? ACT_OVNFIELD_LOAD : ACT_LOAD, pos);
	a->load.dst = *dst;
	a->load.imm = k;
}

/* "lhs = rhs;" or "lhs <-> rhs;" between fields. */
static void parse_move(struct act_ctx *c, struct action_list *l, size_t pos,
		       const struct action_field *lhs, bool exchange)
{
	const char *ln = act_sym_name(lhs->sym);
	struct action_field rhs;
	const char *rn;
	struct action *a;

	if (!act_parse_field(c, &rhs))
		return;
	rn = act_sym_name(rhs.sym);
	if (!lhs->n_bits != !rhs.n_bits) {
		if (exchange)
			lexer_error_at(c->lx, pos, "Can't exchange %s field (%s) "
				       "with %s field (%s).",
				       lhs->n_bits ? "integer" : "string", ln,
				       rhs.n_bits ? "integer" : "string", rn);
		else
			lexer_error_at(c->lx, pos, "Can't assign %s field (%s) "
				       "to %s field (%s).",
				       rhs.n_bits ? "integer" : "string", rn,
				       lhs->n_bits ? "integer" : "string", ln);
		return;
	}
	if (lhs->n_bits != rhs.n_bits) {
		if (exchange)
			lexer_error_at(c->lx, pos, "Can't exchange %u-bit field "
				       "with %u-bit field.", lhs->n_bits,
				       rhs.n_bits);
		else
			lexer_error_at(c->lx, pos, "Can't assign %u-bit value to "
				       "%u-bit destination.", rhs.n_bits,
				       lhs->n_bits);
		return;
	}
	if (act_sym_is_ovn_field(lhs->sym) || act_sym_is_ovn_field(rhs.sym)) {
		lexer_error_at(c->lx, pos, "Field %s can only be assigned a "
			       "constant.", act_sym_is_ovn_field(lhs->sym)
			       ? ln : rn);
		return;
	}
	if (!act_check_field(c, lhs, lhs->n_bits, true) ||
	    !act_check_field(c, &rhs, rhs.n_bits, exchange))
		return;
	a = act_append(l, exchange ? ACT_EXCHANGE : ACT_MOVE, pos);
	a->move.lhs = *lhs;
	a->move.rhs = rhs;
}

/* A statement that starts with a field: assignment, exchange, or
 * "R = function(...)". */
static void parse_set(struct act_ctx *c, struct action_list *l, size_t pos)
{
	struct lexer *lx = c->lx;
	struct action_field lhs;

	if (!act_parse_field(c, &lhs))
		return;
	if (lexer_match(lx, LEX_T_EXCHANGE)) {
		parse_move(c, l, pos, &lhs, true);
		return;
	}
	if (!lexer_match(lx, LEX_T_EQUALS)) {
		lexer_syntax_error(lx, "expecting `=' or `<->'.");
		return;
	}
	if (lx->token.type != LEX_T_ID) {
		parse_load(c, l, pos, &lhs);
		return;
	}
	if (lexer_peek(lx) == LEX_T_LPAREN &&
	    act_parse_result_fn(c, l, pos, &lhs, lx->token.s))
		return;
	parse_move(c, l, pos, &lhs, false);
}

/* next; next(N); next(pipeline=P, table=N); */
static void parse_next(struct act_ctx *c, struct action_list *l, size_t pos)
{
	const struct action_parse_params *pp = c->pp;
	struct lexer *lx = c->lx;
	int pipeline = pp->pipeline;
	int table = pp->cur_table + 1;
	struct action *a;

	if (!pp->n_tables) {
		lexer_error_at(lx, pos, "\"next\" action not allowed here.");
		return;
	}
	if (lexer_match(lx, LEX_T_LPAREN)) {
		if (lx->token.type == LEX_T_INTEGER) {
			if (!force_int(c, &table))
				return;
		} else {
			do {
				if (lexer_match_id(lx, "pipeline")) {
					if (!act_force_match(c, LEX_T_EQUALS))
						return;
					if (lexer_match_id(lx, "ingress")) {
						pipeline = ACT_P_INGRESS;
					} else if (lexer_match_id(lx, "egress")) {
						pipeline = ACT_P_EGRESS;
					} else {
						lexer_syntax_error(lx, "expecting "
							"\"ingress\" or \"egress\".");
						return;
					}
				} else if (lexer_match_id(lx, "table")) {
					if (!act_force_match(c, LEX_T_EQUALS) ||
					    !force_int(c, &table))
						return;
				} else {
					lexer_syntax_error(lx, "expecting "
						"\"pipeline\" or \"table\".");
					return;
				}
			} while (lexer_match(lx, LEX_T_COMMA));
		}
		if (!act_force_match(c, LEX_T_RPAREN))
			return;
	}
	if (table >= pp->n_tables) {
		lexer_error_at(lx, pos, "\"next\" action cannot advance beyond "
			       "table %d.", pp->n_tables - 1);
		return;
	}
	a = act_append(l, ACT_NEXT, pos);
	a->next.pipeline = pipeline;
	a->next.table = table;
	a->next.src_pipeline = pp->pipeline;
	a->next.src_table = pp->cur_table;
}

static void parse_action(struct act_ctx *c, struct action_list *l)
{
	struct lexer *lx = c->lx;
	size_t pos = lx->token.start;
	enum lex_type peek;
	act_verb_fn *fn;

	if (lx->token.type == LEX_T_TEMPLATE) {
		lexer_error(lx, "Unexpanded template.");
		return;
	}
	if (lx->token.type != LEX_T_ID) {
		lexer_syntax_error(lx, "expecting action.");
		return;
	}
	peek = lexer_peek(lx);
	if (peek == LEX_T_EQUALS || peek == LEX_T_EXCHANGE ||
	    peek == LEX_T_LSQUARE) {
		parse_set(c, l, pos);
	} else if (lexer_match_id(lx, "next")) {
		parse_next(c, l, pos);
	} else if (lexer_is_id(lx, "ip.ttl") && peek == LEX_T_DECREMENT) {
		lexer_next(lx);
		lexer_next(lx);
		act_append(l, ACT_DEC_TTL, pos);
		act_add_prereq(c, "ip");
	} else if ((fn = act_find_verb(lx->token.s))) {
		lexer_next(lx);
		fn(c, l, pos);
	} else {
		lexer_syntax_error(lx, "expecting action.");
		return;
	}
	if (!lx->error)
		act_force_match(c, LEX_T_SEMICOLON);
}

void act_parse_list(struct act_ctx *c, struct action_list *l, int sentinel)
{
	struct lexer *lx = c->lx;

	if (c->depth >= ACT_MAX_DEPTH) {
		lexer_error(lx, "maximum depth of nested actions reached.");
		return;
	}
	/* "drop;" alone is the empty list; it cannot be combined with
	 * anything because that would not make sense. */
	if (lexer_is_id(lx, "drop") && lexer_peek(lx) == LEX_T_SEMICOLON) {
		lexer_next(lx);
		lexer_next(lx);
		act_force_match(c, sentinel);
		return;
	}
	while (!lx->error && !lexer_match(lx, sentinel)) {
		if (lx->token.type == LEX_T_END) {
			lexer_syntax_error(lx, "expecting `}'.");
			return;
		}
		parse_action(c, l);
	}
}

static char *join_prereqs(const struct act_prereqs *p)
{
	struct strbuf sb = STRBUF_INIT;

	if (p->n == 1)
		return xstrndup(p->v[0], strlen(p->v[0]));
	for (size_t i = 0; i < p->n; i++)
		strbuf_printf(&sb, "%s(%s)", i ? " && " : "", p->v[i]);
	return strbuf_steal(&sb);
}

int actions_parse(const char *text, const struct action_parse_params *pp,
		  struct action_parse_result *res, struct action_error *err)
{
	struct act_prereqs prereqs = { 0 };
	struct lexer lx;
	struct act_ctx c = {
		.lx = &lx,
		.pp = pp,
		.prereqs = &prereqs,
		.depth = 0,
		.scope = ACT_WR_DEFAULT,
	};
	int ret = 0;

	memset(res, 0, sizeof(*res));
	if (err) {
		err->pos = -1;
		err->msg[0] = '\0';
	}
	lexer_init(&lx, text ? text : "");
	lexer_next(&lx);
	act_parse_list(&c, &res->acts, LEX_T_END);
	if (lx.error) {
		if (err) {
			err->pos = lx.error_pos;
			snprintf(err->msg, sizeof(err->msg), "%s", lx.error);
		}
		action_list_free(&res->acts);
		ret = -EINVAL;
	} else {
		res->prereqs = join_prereqs(&prereqs);
		if (!res->prereqs)
			res->prereqs = xstrndup("", 0);
	}
	act_prereqs_free(&prereqs);
	lexer_destroy(&lx);
	return ret;
}
