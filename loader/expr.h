/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * OVN's match language (ovn-sb(5) "Logical_Flow TABLE" match column):
 * parser, annotation and normal form.
 *
 *   struct symtab *st = symtab_create_ovn();
 *   char *err;
 *   struct expr *e = expr_parse("outport == @pg1 && ip4.src == $as1",
 *                               st, NULL, &err);
 *   struct expr_dnf *dnf = e ? expr_normalize(e, st, 0, &err) : NULL;
 *   ... compile dnf ...
 *   expr_dnf_free(dnf);
 *   expr_free(e);
 *
 * expr_parse() gives the abstract syntax tree of the text: comparisons of
 * symbols (with their bit ranges) against constants or sets, AND, OR,
 * Boolean constants and is_chassis_resident() conditions.  Negations are
 * pushed down to the comparisons while parsing (as OVN does), so the tree
 * has no NOT node; the relational operator of a comparison carries it.
 * expr_format() writes a tree back as text that parses to an equal tree.
 *
 * expr_normalize() annotates the tree (subfields become bit ranges of base
 * fields, predicates their expansions, every symbol's prerequisites are
 * ANDed in) and turns it into a disjunction of conjunctions (struct
 * expr_dnf) in which each clause tests ONE base field:
 *
 *   EXPR_CL_VALUE       field & mask == value (exact, prefix or masked)
 *   EXPR_CL_VALUE_SET   field matches one of several value/mask pairs: an
 *                       inline set `{80, 443}`, or what `!=`, `<`, `>=` and
 *                       same-field `||` become (a range is its minimal
 *                       prefix cover: 1024 <= tcp.src <= 49151 is 2 terms)
 *   EXPR_CL_STRINGS     inport/outport is one of these port names
 *   EXPR_CL_ADDR_SET    field (bits ofs..) is in address set $name
 *   EXPR_CL_PORT_GROUP  inport/outport is in port group @name
 *   EXPR_CL_CHASSIS_RESIDENT  is_chassis_resident("name"), evaluated by
 *                       the compiler on the chassis
 *
 * Sets are never expanded: `outport == @pg && ip4.src == $as` is one
 * conjunction of two membership clauses (plus the eth.type prerequisite)
 * whatever the sizes of pg and as.  A set change is a set-map update.
 *
 * Negation.  `!=` against one constant is rewritten OVN's way into masked
 * terms (ip4.src != 10.0.0.1 is "some bit differs": a 32-term value set).
 * `!=` against a set (`ip4.src != $as`, `tcp.dst != {80, 443}`, and
 * `!(ip4.src == $as)`) stays ONE clause with 'negated' set: the packet
 * matches when the field is in NONE of the set's entries (for an address
 * set with CIDR entries: in none of the prefixes; an empty set: always).
 * This is OVN's meaning of `!=` on a set (the AND of `!=` each member);
 * the prerequisites stay positive (`ip4.src != $as` still requires ip4).
 *
 * Several clauses may test the same field (ip4.src == 10.0.0.0/8 &&
 * ip4.src == $as): all must hold.  Clauses on the same field that can be
 * merged cheaply are (VALUE && VALUE, VALUE && VALUE_SET, ranges), so
 * prerequisites added many times appear once.
 *
 * Errors are one malloc()ed string "column N: message" (N counts from 1
 * in the text given to expr_parse(), after template expansion).
 */
#ifndef __OVNBPF_LOADER_EXPR_H
#define __OVNBPF_LOADER_EXPR_H

#include <stdbool.h>
#include <stddef.h>

#include "loader/fields.h"
#include "loader/lex.h"
#include "loader/strbuf.h"
#include "loader/symtab.h"
#include "loader/u128.h"

/* ------------------------------------------------------------------ */
/* Syntax tree                                                         */

enum expr_relop {
	EXPR_R_EQ,
	EXPR_R_NE,
	EXPR_R_LT,
	EXPR_R_LE,
	EXPR_R_GT,
	EXPR_R_GE,
};

enum expr_type {
	EXPR_T_CMP,		/* field relop constant(s) */
	EXPR_T_AND,		/* two or more subexpressions, none an AND */
	EXPR_T_OR,		/* two or more subexpressions, none an OR */
	EXPR_T_BOOLEAN,		/* 0 or 1 */
	EXPR_T_CONDITION,	/* [!]is_chassis_resident("port") */
};

/* A symbol or bits [ofs, ofs + n_bits) of it.  String fields: 0, 0. */
struct expr_field {
	const struct symbol *symbol;
	unsigned int ofs;
	unsigned int n_bits;
};

enum expr_const_type {
	EXPR_C_INTEGER,		/* value [/ mask] */
	EXPR_C_STRING,		/* "port name" */
	EXPR_C_ADDR_SET,	/* $name */
	EXPR_C_PORT_GROUP,	/* @name */
};

struct expr_const {
	enum expr_const_type type;
	enum lex_format format;	/* INTEGER: how it was written */
	bool masked;		/* INTEGER: written with /mask */
	struct u128 value;	/* INTEGER (value & mask == value) */
	struct u128 mask;	/* INTEGER: all ones unless masked */
	char *string;		/* STRING text; ADDR_SET/PORT_GROUP name */
	size_t pos;		/* byte offset in the text */
};

struct expr {
	enum expr_type type;
	size_t pos;		/* byte offset of its first token */
	union {
		struct {
			struct expr_field field;
			enum expr_relop relop;
			struct expr_const *values;	/* n_values >= 1 */
			size_t n_values;
			bool in_curlies;		/* written as {...} */
		} cmp;
		struct {
			struct expr **subs;
			size_t n_subs;
		} andor;
		bool boolean;
		struct {
			char *port;
			bool negated;
		} cond;
	};
};

/* What the parser asks its caller.  Any member may be NULL. */
struct expr_lookups {
	/* The value of template ^name (Chassis_Template_Var), or NULL if it
	 * is not defined (an error: "Unresolved template"). */
	const char *(*template_value)(void *aux, const char *name);
	/* Whether $name / @name exist; NULL accepts every name (sets are
	 * resolved by name later, by the compiler). */
	bool (*addr_set_exists)(void *aux, const char *name);
	bool (*port_group_exists)(void *aux, const char *name);
	void *aux;
};

/* Parse 'text' (templates ^name expanded first through 'lookups').
 * Returns the tree, or NULL with *errp set.  'lookups' may be NULL. */
struct expr *expr_parse(const char *text, const struct symtab *st,
			const struct expr_lookups *lookups, char **errp);
/* The same from a lexer positioned on the first token (for the actions
 * parser: e.g. the match inside a future action); stops at the first
 * token that cannot continue the expression and leaves errors in 'lx'. */
struct expr *expr_parse_lexer(struct lexer *lx, const struct symtab *st,
			      const struct expr_lookups *lookups);
/* Parse a field reference `name`, `name[n]` or `name[lo..hi]` at the
 * lexer's current token (for assignments in actions).  0 or -EINVAL with
 * the error in 'lx'. */
int expr_field_parse(struct lexer *lx, const struct symtab *st,
		     struct expr_field *f);
/* Expand ^name templates in 'text' (a new string, or NULL with *errp). */
char *expr_expand_templates(const char *text,
			    const struct expr_lookups *lookups, char **errp);

void expr_free(struct expr *e);
struct expr *expr_clone(const struct expr *e);
/* Structural equality (same tree, constants, formats and names). */
bool expr_equal(const struct expr *a, const struct expr *b);
/* Number of comparisons and conditions in the tree. */
size_t expr_n_leaves(const struct expr *e);

/* Write the tree as match text (parses back to an equal tree). */
void expr_format(const struct expr *e, struct strbuf *sb);
char *expr_to_string(const struct expr *e);
void expr_field_format(const struct expr_field *f, struct strbuf *sb);
const char *expr_relop_to_string(enum expr_relop relop);

/* ------------------------------------------------------------------ */
/* Normal form                                                         */

enum expr_clause_type {
	EXPR_CL_VALUE,
	EXPR_CL_VALUE_SET,
	EXPR_CL_STRINGS,
	EXPR_CL_ADDR_SET,
	EXPR_CL_PORT_GROUP,
	EXPR_CL_CHASSIS_RESIDENT,
};

struct expr_masked {
	struct u128 value;
	struct u128 mask;
};

/* One test of one base field. */
struct expr_clause {
	enum expr_clause_type type;
	enum mf_field_id field;	/* MFF_NONE for CHASSIS_RESIDENT */
	bool negated;		/* sets and conditions: "not in" */
	/* The bits of 'field' the clause looks at.  For VALUE/VALUE_SET the
	 * masks say exactly which bits; for ADDR_SET a set's values are
	 * compared with bits [ofs, ofs + n_bits) (ip4.src: 0, 32; reg0 ==
	 * $as: 96, 32 of xxreg0). */
	unsigned int ofs;
	unsigned int n_bits;
	enum lex_format format;	/* for formatting values */
	struct u128 value;	/* VALUE, in base field bit positions */
	struct u128 mask;	/* VALUE */
	struct expr_masked *values;	/* VALUE_SET, n_values >= 2 */
	size_t n_values;
	char **strings;		/* STRINGS, n_strings >= 1 */
	size_t n_strings;
	char *name;		/* ADDR_SET, PORT_GROUP: set name as written,
				 * without $/@ (OVN resolves @name to the SB
				 * Port_Group "<datapath tunnel key>_name",
				 * then "name"); CHASSIS_RESIDENT: port */
};

struct expr_conj {
	struct expr_clause *clauses;	/* sorted by field */
	size_t n_clauses;		/* 0: always true */
};

/* OR of the conjunctions.  No conjunction: matches nothing. */
struct expr_dnf {
	struct expr_conj *conjs;
	size_t n_conjs;
};

/* Default bound on the number of conjunctions (and on the terms of one
 * value set) normalisation may create. */
#define EXPR_DNF_LIMIT 4096

/* Normalise 'e' (not modified), parsed with symbol table 'st'.  'limit'
 * bounds the expansion (0 = EXPR_DNF_LIMIT); past it, NULL with *errp
 * "column N: Expression too complex ...". */
struct expr_dnf *expr_normalize(const struct expr *e, const struct symtab *st,
				size_t limit, char **errp);
void expr_dnf_free(struct expr_dnf *dnf);

/* Whether VALUE clause 'c' is exact (all its bits) or a prefix of them;
 * *plen gets the prefix length. */
bool expr_clause_is_exact(const struct expr_clause *c);
bool expr_clause_is_prefix(const struct expr_clause *c, unsigned int *plen);

void expr_clause_format(const struct expr_clause *c, struct strbuf *sb);
void expr_dnf_format(const struct expr_dnf *dnf, struct strbuf *sb);
char *expr_dnf_to_string(const struct expr_dnf *dnf);

/* Parse the prerequisites and predicates of every symbol of 'st' once
 * (expr_parse() does it on first use otherwise, which is not safe from
 * several threads at once: call this at startup then).  0 or -EINVAL with
 * *errp naming the bad symbol.  The table takes no symbols after this. */
int expr_symtab_prepare(const struct symtab *st, char **errp);

#endif /* __OVNBPF_LOADER_EXPR_H */
