// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * Writing match trees and their normal form as text.  Trees are written
 * so that they parse back to equal trees (expr_equal()); the normal form
 * is written with base field names, for traces and tests.
 */
#include <stdlib.h>

#include "loader/expr.h"

void expr_field_format(const struct expr_field *f, struct strbuf *sb)
{
	const struct symbol *s = f->symbol;

	strbuf_puts(sb, s->name);
	if (!s->width || (f->ofs == 0 && f->n_bits == s->width))
		return;
	if (f->n_bits == 1)
		strbuf_printf(sb, "[%u]", f->ofs);
	else
		strbuf_printf(sb, "[%u..%u]", f->ofs, f->ofs + f->n_bits - 1);
}

static void const_format(const struct expr_const *c, struct strbuf *sb)
{
	switch (c->type) {
	case EXPR_C_INTEGER:
		if (c->masked)
			lex_format_masked(c->value, c->mask, c->format, sb);
		else
			lex_format_value(c->value, c->format, sb);
		break;
	case EXPR_C_STRING:
		lex_format_string(c->string, sb);
		break;
	case EXPR_C_ADDR_SET:
		strbuf_printf(sb, "$%s", c->string);
		break;
	case EXPR_C_PORT_GROUP:
		strbuf_printf(sb, "@%s", c->string);
		break;
	}
}

static void cmp_format(const struct expr *e, struct strbuf *sb)
{
	const struct expr_const *c = &e->cmp.values[0];

	/* what a bare 1-bit field or predicate parses to: "f" / "!f" */
	if (e->cmp.field.n_bits == 1 && e->cmp.n_values == 1 &&
	    !e->cmp.in_curlies && c->type == EXPR_C_INTEGER && !c->masked &&
	    c->format == LEX_F_HEXADECIMAL && u128_is_zero(c->value) &&
	    (e->cmp.relop == EXPR_R_NE || e->cmp.relop == EXPR_R_EQ)) {
		if (e->cmp.relop == EXPR_R_EQ)
			strbuf_putc(sb, '!');
		expr_field_format(&e->cmp.field, sb);
		return;
	}
	expr_field_format(&e->cmp.field, sb);
	strbuf_printf(sb, " %s ", expr_relop_to_string(e->cmp.relop));
	if (!e->cmp.in_curlies) {
		const_format(c, sb);
		return;
	}
	strbuf_putc(sb, '{');
	for (size_t i = 0; i < e->cmp.n_values; i++) {
		if (i)
			strbuf_puts(sb, ", ");
		const_format(&e->cmp.values[i], sb);
	}
	strbuf_putc(sb, '}');
}

void expr_format(const struct expr *e, struct strbuf *sb)
{
	switch (e->type) {
	case EXPR_T_CMP:
		cmp_format(e, sb);
		break;
	case EXPR_T_AND:
	case EXPR_T_OR:
		for (size_t i = 0; i < e->andor.n_subs; i++) {
			const struct expr *sub = e->andor.subs[i];
			bool paren = sub->type == EXPR_T_AND ||
				     sub->type == EXPR_T_OR;

			if (i)
				strbuf_puts(sb, e->type == EXPR_T_AND ?
					    " && " : " || ");
			if (paren)
				strbuf_putc(sb, '(');
			expr_format(sub, sb);
			if (paren)
				strbuf_putc(sb, ')');
		}
		break;
	case EXPR_T_BOOLEAN:
		strbuf_putc(sb, e->boolean ? '1' : '0');
		break;
	case EXPR_T_CONDITION:
		if (e->cond.negated)
			strbuf_putc(sb, '!');
		strbuf_puts(sb, "is_chassis_resident(");
		lex_format_string(e->cond.port, sb);
		strbuf_putc(sb, ')');
		break;
	}
}

char *expr_to_string(const struct expr *e)
{
	struct strbuf sb = STRBUF_INIT;

	expr_format(e, &sb);
	return strbuf_steal(&sb);
}

/* Normal form ---------------------------------------------------------- */

static void base_field_format(const struct expr_clause *c, struct strbuf *sb)
{
	const struct mf_field *mf = mf_from_id(c->field);

	strbuf_puts(sb, mf ? mf->name : "?");
	if (mf && mf->n_bits && (c->ofs || c->n_bits != mf->n_bits)) {
		if (c->n_bits == 1)
			strbuf_printf(sb, "[%u]", c->ofs);
		else
			strbuf_printf(sb, "[%u..%u]", c->ofs,
				      c->ofs + c->n_bits - 1);
	}
}

/* A value/mask of base field bits, written relative to the clause's bit
 * range (base_field_format()). */
static void masked_format(const struct expr_clause *c, struct u128 value,
			  struct u128 mask, struct strbuf *sb)
{
	struct u128 full = u128_low_mask(c->n_bits);

	value = u128_shr(value, c->ofs);
	mask = u128_shr(mask, c->ofs);
	if (u128_eq(mask, full))
		lex_format_value(value, c->format, sb);
	else
		lex_format_masked(value, mask, c->format, sb);
}

void expr_clause_format(const struct expr_clause *c, struct strbuf *sb)
{
	const char *op = c->negated ? "!=" : "==";

	switch (c->type) {
	case EXPR_CL_VALUE:
		base_field_format(c, sb);
		strbuf_puts(sb, " == ");
		masked_format(c, c->value, c->mask, sb);
		break;
	case EXPR_CL_VALUE_SET:
		base_field_format(c, sb);
		strbuf_printf(sb, " %s {", op);
		for (size_t i = 0; i < c->n_values; i++) {
			if (i)
				strbuf_puts(sb, ", ");
			masked_format(c, c->values[i].value, c->values[i].mask,
				      sb);
		}
		strbuf_putc(sb, '}');
		break;
	case EXPR_CL_STRINGS:
		strbuf_printf(sb, "%s %s ", mf_from_id(c->field)->name, op);
		if (c->n_strings > 1)
			strbuf_putc(sb, '{');
		for (size_t i = 0; i < c->n_strings; i++) {
			if (i)
				strbuf_puts(sb, ", ");
			lex_format_string(c->strings[i], sb);
		}
		if (c->n_strings > 1)
			strbuf_putc(sb, '}');
		break;
	case EXPR_CL_ADDR_SET:
	case EXPR_CL_PORT_GROUP:
		base_field_format(c, sb);
		strbuf_printf(sb, " %s %c%s", op,
			      c->type == EXPR_CL_ADDR_SET ? '$' : '@', c->name);
		break;
	case EXPR_CL_CHASSIS_RESIDENT:
		if (c->negated)
			strbuf_putc(sb, '!');
		strbuf_puts(sb, "is_chassis_resident(");
		lex_format_string(c->name, sb);
		strbuf_putc(sb, ')');
		break;
	}
}

void expr_dnf_format(const struct expr_dnf *dnf, struct strbuf *sb)
{
	if (!dnf->n_conjs) {
		strbuf_putc(sb, '0');
		return;
	}
	for (size_t i = 0; i < dnf->n_conjs; i++) {
		const struct expr_conj *cj = &dnf->conjs[i];
		bool paren = dnf->n_conjs > 1 && cj->n_clauses > 1;

		if (i)
			strbuf_puts(sb, " || ");
		if (!cj->n_clauses)
			strbuf_putc(sb, '1');
		if (paren)
			strbuf_putc(sb, '(');
		for (size_t j = 0; j < cj->n_clauses; j++) {
			if (j)
				strbuf_puts(sb, " && ");
			expr_clause_format(&cj->clauses[j], sb);
		}
		if (paren)
			strbuf_putc(sb, ')');
	}
}

char *expr_dnf_to_string(const struct expr_dnf *dnf)
{
	struct strbuf sb = STRBUF_INIT;

	expr_dnf_format(dnf, &sb);
	return strbuf_steal(&sb);
}
