// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * What the action parser and formatter need from the symbol table, in
 * one place.
 */
#include "loader/actions-int.h"
#include "loader/symtab.h"

_Static_assert((int)ACT_WR_DEFAULT == (int)SYM_WR_DEFAULT &&
	       (int)ACT_WR_CT_COMMIT == (int)SYM_WR_CT_COMMIT,
	       "action write scopes are the symbol table's");

const char *act_sym_name(const struct symbol *sym)
{
	return sym ? sym->name : "?";
}

unsigned int act_sym_width(const struct symbol *sym)
{
	return sym ? sym->width : 0;
}

const struct symbol *act_sym_lookup(const struct symtab *st,
				    const char *name)
{
	return st ? symtab_lookup(st, name) : NULL;
}

bool act_sym_is_predicate(const struct symbol *sym)
{
	return sym->kind == SYM_PREDICATE;
}

bool act_sym_is_ovn_field(const struct symbol *sym)
{
	return sym->kind == SYM_OVN_FIELD;
}

bool act_sym_writable(const struct symbol *sym, unsigned int scope)
{
	return sym->rw & scope;
}

const char *act_sym_prereqs(const struct symbol *sym)
{
	return sym->prereqs;
}

const struct symbol *act_sym_parent(const struct symbol *sym)
{
	return sym->kind == SYM_SUBFIELD ? sym->parent : NULL;
}
