/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Internals shared by expr_annotate.c and expr_normalize.c: the annotated
 * tree.  Annotation turns the syntax tree (expr.h) into this one, whose
 * leaves test base fields; normalisation turns it into the DNF.
 */
#ifndef __OVNBPF_LOADER_EXPR_PRIV_H
#define __OVNBPF_LOADER_EXPR_PRIV_H

#include "loader/expr.h"

/* A range lo..hi (value, mask hold lo, hi) of bits [ofs, ofs + n_bits):
 * what <, <=, >, >= become before their prefix cover is computed.  Never
 * in a finished DNF. */
#define EXPR_CL_RANGE_ ((enum expr_clause_type)100)

enum expr_node_type {
	EXPR_N_TRUE,
	EXPR_N_FALSE,
	EXPR_N_AND,
	EXPR_N_OR,
	EXPR_N_CMP,	/* annotated comparison: clause with a relop */
	EXPR_N_CLAUSE,	/* finished clause (after simplification) */
};

struct expr_node {
	enum expr_node_type type;
	size_t pos;			/* of the syntax node it came from */
	struct expr_node **subs;	/* AND, OR */
	size_t n_subs;
	enum expr_relop relop;		/* CMP */
	/* CMP: VALUE (one value; relational ops keep the field's full mask
	 * in 'mask'), VALUE_SET, STRINGS, ADDR_SET, PORT_GROUP,
	 * CHASSIS_RESIDENT, with negated false.  CLAUSE: the result. */
	struct expr_clause cl;
};

struct expr_node *expr_node_new(enum expr_node_type type, size_t pos);
void expr_node_free(struct expr_node *n);
struct expr_node *expr_node_clone(const struct expr_node *n);
/* 'a' AND/OR 'b' (flattening). */
struct expr_node *expr_node_combine(enum expr_node_type type,
				    struct expr_node *a, struct expr_node *b);
void expr_node_not(struct expr_node *n);

void expr_clause_copy(struct expr_clause *dst, const struct expr_clause *src);
void expr_clause_free(struct expr_clause *c);

/* The syntax tree 'e' with symbols resolved, predicates expanded and
 * prerequisites added (NULL with *errp on a bad table). */
struct expr_node *expr_annotate(const struct expr *e, const struct symtab *st,
				char **errp);

#endif /* __OVNBPF_LOADER_EXPR_PRIV_H */
