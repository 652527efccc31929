/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Internals shared by the action parser and formatter: the little they
 * need to know about symbols, kept in one place (actions-sym.c) so that
 * the rest does not depend on the symbol table's layout.
 */
#ifndef __OVNBPF_LOADER_ACTIONS_INT_H
#define __OVNBPF_LOADER_ACTIONS_INT_H

#include <stdbool.h>

#include "loader/actions.h"
#include "loader/strbuf.h"

/* Write scopes: where a field may be assigned. */
enum {
	ACT_WR_DEFAULT = 1 << 0,	/* anywhere */
	ACT_WR_CT_COMMIT = 1 << 1,	/* inside ct_commit { } */
};

const char *act_sym_name(const struct symbol *sym);
/* Width in bits; 0 for a string field (inport, outport). */
unsigned int act_sym_width(const struct symbol *sym);
const struct symbol *act_sym_lookup(const struct symtab *st,
				    const char *name);
/* A predicate ("ip4", "tcp") is not a field. */
bool act_sym_is_predicate(const struct symbol *sym);
/* icmp4.frag_mtu and friends: fields of packets the controller builds. */
bool act_sym_is_ovn_field(const struct symbol *sym);
/* Whether SYM may be written in SCOPE (ACT_WR_*). */
bool act_sym_writable(const struct symbol *sym, unsigned int scope);
/* Prerequisites of SYM itself, NULL if none; and the symbol SYM is a
 * subfield of, NULL if none: a field implies the prerequisites of all
 * its ancestors. */
const char *act_sym_prereqs(const struct symbol *sym);
const struct symbol *act_sym_parent(const struct symbol *sym);

struct lexer;

/* Prerequisites collected while parsing: distinct match-language texts,
 * AND-ed together at the end. */
struct act_prereqs {
	char **v;
	size_t n;
	size_t alloc;
};

/* Parser state for one (possibly nested) list of actions. */
struct act_ctx {
	struct lexer *lx;
	const struct action_parse_params *pp;
	struct act_prereqs *prereqs;
	int depth;			/* nesting depth of { } */
	unsigned int scope;		/* ACT_WR_* fields may be written */
};

/* Parsing helpers (actions-parse.c), for the verb parsers. */
void act_add_prereq(struct act_ctx *c, const char *prereq);
void act_prereqs_free(struct act_prereqs *p);
/* Next token must be TYPE: consume it, or record a syntax error. */
bool act_force_match(struct act_ctx *c, int type);
/* Field (and subfield) reference; records its prerequisites.  N_BITS >= 0
 * requires that width (0: a string field); RW requires that it be
 * writable in the current scope. */
bool act_parse_field(struct act_ctx *c, struct action_field *f);
bool act_check_field(struct act_ctx *c, const struct action_field *f,
		     int n_bits, bool rw);
bool act_parse_field_typed(struct act_ctx *c, struct action_field *f,
			   int n_bits, bool rw);
bool act_parse_const(struct act_ctx *c, struct action_const *k);
bool act_parse_const_set(struct act_ctx *c, struct action_const_set *cs);
bool act_parse_uint16(struct act_ctx *c, uint16_t *v, const char *what);
/* Append a zeroed action of TYPE at byte offset POS. */
struct action *act_append(struct action_list *l, enum action_type type,
			  size_t pos);
/* Parse actions up to SENTINEL (LEX_T_END or LEX_T_RCURLY). */
void act_parse_list(struct act_ctx *c, struct action_list *l, int sentinel);

/* Verb parsers (actions-verbs.c).  The verb has been consumed; POS is
 * where it started.  They append to L and leave the `;' to the caller. */
typedef void act_verb_fn(struct act_ctx *c, struct action_list *l,
			 size_t pos);
/* The parser for the statement verb NAME ("ct_lb_mark"), or NULL. */
act_verb_fn *act_find_verb(const char *name);

/* "R = name(...)": the caller consumed "R =" and checks for NAME `('.
 * Returns false if NAME is not such a function. */
bool act_parse_result_fn(struct act_ctx *c, struct action_list *l,
			 size_t pos, const struct action_field *dst,
			 const char *name);

/* "reg0", "reg0[3]", "xxreg0[64..95]". */
void act_format_field(const struct action_field *f, struct strbuf *sb);
void act_format_const(const struct action_const *c, struct strbuf *sb);
void act_format_const_set(const struct action_const_set *cs,
			  struct strbuf *sb);
/* Append the actions of LIST, separated by blanks ("drop;" if empty). */
void act_format_list(const struct action_list *list, struct strbuf *sb);

#endif /* __OVNBPF_LOADER_ACTIONS_INT_H */
