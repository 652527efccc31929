/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * The symbol table of the OVN match and action languages: every name a
 * Logical_Flow may use (ip4.src, reg0, ct.est, tcp, inport, ...), what it
 * stands for and what it requires.  symtab_create_ovn() builds OVN
 * 23.03's table (OVN's lib/logical-fields.c, ovn-sb(5)).
 *
 * A symbol is one of:
 *  - a field: a base field (fields.h), e.g. ip4.src, eth.type, xxreg0;
 *  - a string field: inport/outport, compared with port names;
 *  - a subfield: bits of another symbol, e.g. reg0 = xxreg0[96..127],
 *    ct.est = ct_state[1], vlan.vid = vlan.tci[0..11]; 'field' and
 *    'base_ofs' give the base field bits it finally names;
 *  - a predicate: a 1-bit name for an expression, e.g. tcp = "ip.proto ==
 *    6", ip = "ip4 || ip6";
 *  - an OVN field (icmp4.frag_mtu, icmp6.frag_mtu): action-only.
 *
 * Level of measurement (OVN's): ordinal symbols (maskable fields and their
 * subfields) take == != < <= > >= and bit ranges; nominal ones (eth.type,
 * ip.proto, strings, predicates over them) only equality; boolean ones
 * (predicates over ordinal fields) == and !=.
 *
 * Prerequisites: an expression that must hold wherever the symbol is used;
 * the match parser ANDs them in (tcp.dst => tcp => ip.proto == 6 => ip).
 */
#ifndef __OVNBPF_LOADER_SYMTAB_H
#define __OVNBPF_LOADER_SYMTAB_H

#include <stdbool.h>
#include <stddef.h>

#include "loader/fields.h"

enum symbol_kind {
	SYM_FIELD,
	SYM_STRING,
	SYM_SUBFIELD,
	SYM_PREDICATE,
	SYM_OVN_FIELD,
};

enum symbol_level {
	SYM_L_NOMINAL,
	SYM_L_BOOLEAN,
	SYM_L_ORDINAL,
};

/* Where a symbol may be assigned by actions (bit set). */
enum symbol_scope {
	SYM_WR_DEFAULT = 1 << 0,	/* anywhere */
	SYM_WR_CT_COMMIT = 1 << 1,	/* inside ct_commit { } */
};

struct symbol {
	char *name;
	enum symbol_kind kind;
	unsigned int width;		/* bits; 0 for string fields */
	enum symbol_level level;
	char *prereqs;			/* expression text, or NULL */
	char *predicate;		/* SYM_PREDICATE: its expansion */
	bool must_crossproduct;		/* OVN's flag (OpenFlow-only concern,
					 * kept for completeness) */
	unsigned int rw;		/* enum symbol_scope bits, 0 = r/o */

	/* SYM_SUBFIELD: the symbol it is part of and where. */
	const struct symbol *parent;
	unsigned int parent_ofs;

	/* Fields, strings, subfields, OVN fields: the base field and the
	 * offset of bit 0 of this symbol in it. */
	enum mf_field_id field;
	unsigned int base_ofs;

	size_t index;			/* position in the table (0, 1, ...) */
};

struct symtab;

/* An empty table, and OVN 23.03's full table (NULL on failure, which is a
 * bug in the table and is logged). */
struct symtab *symtab_create(void);
struct symtab *symtab_create_ovn(void);
void symtab_destroy(struct symtab *st);

/* The symbol called 'name', or NULL. */
const struct symbol *symtab_lookup(const struct symtab *st, const char *name);
/* Symbols in the order they were added: for (i = 0; i < n; i++). */
size_t symtab_count(const struct symtab *st);
const struct symbol *symtab_at(const struct symtab *st, size_t i);

/* Building a table; each returns 0 or -errno (-EEXIST for a duplicate
 * name, -EINVAL for a bad subfield or predicate).  'prereqs' may be NULL.
 * A subfield is given as text, "xxreg0[96..127]" or "ct_state[5]". */
int symtab_add_field(struct symtab *st, const char *name,
		     enum mf_field_id field, const char *prereqs,
		     bool must_crossproduct, unsigned int scope);
int symtab_add_string(struct symtab *st, const char *name,
		      enum mf_field_id field, const char *prereqs);
int symtab_add_subfield(struct symtab *st, const char *name,
			const char *prereqs, const char *subfield,
			unsigned int scope);
int symtab_add_predicate(struct symtab *st, const char *name,
			 const char *expansion);
int symtab_add_ovn_field(struct symtab *st, const char *name,
			 enum mf_field_id field);

/* One private pointer for the match parser (prereqs and predicates
 * parsed once, see expr_symtab_prepare()); freed with the table. */
void *symtab_get_cache(const struct symtab *st);
void symtab_set_cache(const struct symtab *st, void *cache,
		      void (*free_cache)(void *cache));

const char *symbol_level_to_string(enum symbol_level level);

/* Resolve bits [ofs, ofs + n_bits) of 'sym' (not a predicate) to its base
 * field; *base_ofs gets the offset in that field.  MFF_NONE for
 * predicates. */
enum mf_field_id symbol_resolve(const struct symbol *sym, unsigned int ofs,
				unsigned int *base_ofs);

#endif /* __OVNBPF_LOADER_SYMTAB_H */
