// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * Symbol table: a small chained hash over names plus the insertion order.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "loader/lex.h"
#include "loader/log.h"
#include "loader/strbuf.h"
#include "loader/symtab.h"

#define SYMTAB_BUCKETS 512	/* the OVN table has ~160 symbols */

struct symtab_entry {
	struct symbol sym;
	struct symtab_entry *next;	/* hash chain */
};

struct symtab {
	struct symtab_entry *buckets[SYMTAB_BUCKETS];
	struct symtab_entry **order;
	size_t n, cap;
	void *cache;
	void (*free_cache)(void *cache);
};

static uint32_t name_hash(const char *s)
{
	uint32_t h = 2166136261u;	/* FNV-1a */

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 16777619u;
	return h;
}

struct symtab *symtab_create(void)
{
	return xcalloc(1, sizeof(struct symtab));
}

void symtab_destroy(struct symtab *st)
{
	if (!st)
		return;
	for (size_t i = 0; i < st->n; i++) {
		struct symbol *s = &st->order[i]->sym;

		free(s->name);
		free(s->prereqs);
		free(s->predicate);
		free(st->order[i]);
	}
	if (st->free_cache)
		st->free_cache(st->cache);
	free(st->order);
	free(st);
}

void *symtab_get_cache(const struct symtab *st)
{
	return st->cache;
}

void symtab_set_cache(const struct symtab *st, void *cache,
		      void (*free_cache)(void *cache))
{
	/* the cache is derived data: filling it does not change the table */
	struct symtab *mst = (struct symtab *)st;

	if (mst->free_cache && mst->cache != cache)
		mst->free_cache(mst->cache);
	mst->cache = cache;
	mst->free_cache = free_cache;
}

const struct symbol *symtab_lookup(const struct symtab *st, const char *name)
{
	const struct symtab_entry *e;

	for (e = st->buckets[name_hash(name) % SYMTAB_BUCKETS]; e; e = e->next)
		if (!strcmp(e->sym.name, name))
			return &e->sym;
	return NULL;
}

size_t symtab_count(const struct symtab *st)
{
	return st->n;
}

const struct symbol *symtab_at(const struct symtab *st, size_t i)
{
	return i < st->n ? &st->order[i]->sym : NULL;
}

static struct symbol *add_symbol(struct symtab *st, const char *name,
				 enum symbol_kind kind, unsigned int width,
				 enum symbol_level level, const char *prereqs)
{
	struct symtab_entry *e;
	uint32_t b;

	if (symtab_lookup(st, name) || !lex_is_identifier(name) || st->cache)
		return NULL;	/* no additions once the parser has used it */
	e = xcalloc(1, sizeof(*e));
	e->sym.name = xstrndup(name, strlen(name));
	e->sym.kind = kind;
	e->sym.width = width;
	e->sym.level = level;
	e->sym.index = st->n;
	e->sym.prereqs = prereqs && *prereqs ?
			 xstrndup(prereqs, strlen(prereqs)) : NULL;
	b = name_hash(name) % SYMTAB_BUCKETS;
	e->next = st->buckets[b];
	st->buckets[b] = e;
	if (st->n == st->cap) {
		st->cap = st->cap ? st->cap * 2 : 64;
		st->order = xrealloc(st->order, st->cap * sizeof(*st->order));
	}
	st->order[st->n++] = e;
	return &e->sym;
}

int symtab_add_field(struct symtab *st, const char *name,
		     enum mf_field_id field, const char *prereqs,
		     bool must_crossproduct, unsigned int scope)
{
	const struct mf_field *mf = mf_from_id(field);
	struct symbol *s;

	if (!mf || !mf->n_bits)
		return -EINVAL;
	s = add_symbol(st, name, SYM_FIELD, mf->n_bits,
		       mf->maskable ? SYM_L_ORDINAL : SYM_L_NOMINAL, prereqs);
	if (!s)
		return -EEXIST;
	s->field = field;
	s->must_crossproduct = must_crossproduct;
	s->rw = mf->writable ? scope : 0;
	return 0;
}

int symtab_add_string(struct symtab *st, const char *name,
		      enum mf_field_id field, const char *prereqs)
{
	const struct mf_field *mf = mf_from_id(field);
	struct symbol *s;

	if (!mf || mf->n_bits)
		return -EINVAL;
	s = add_symbol(st, name, SYM_STRING, 0, SYM_L_NOMINAL, prereqs);
	if (!s)
		return -EEXIST;
	s->field = field;
	s->rw = mf->writable ? SYM_WR_DEFAULT : 0;
	return 0;
}

int symtab_add_ovn_field(struct symtab *st, const char *name,
			 enum mf_field_id field)
{
	const struct mf_field *mf = mf_from_id(field);
	struct symbol *s;

	if (!mf || !mf->n_bits)
		return -EINVAL;
	s = add_symbol(st, name, SYM_OVN_FIELD, mf->n_bits, SYM_L_NOMINAL,
		       NULL);
	if (!s)
		return -EEXIST;
	s->field = field;
	s->rw = ~0u;
	return 0;
}

/* "name", "name[n]" or "name[lo..hi]" naming bits of an ordinal symbol. */
static int parse_subfield(const struct symtab *st, const char *text,
			  const struct symbol **parent, unsigned int *ofs,
			  unsigned int *n_bits)
{
	struct lexer lx;
	int lo, hi, err = -EINVAL;

	lexer_init(&lx, text);
	if (lexer_next(&lx) != LEX_T_ID)
		goto out;
	*parent = symtab_lookup(st, lx.token.s);
	if (!*parent || !(*parent)->width || (*parent)->kind == SYM_PREDICATE)
		goto out;
	lexer_next(&lx);
	lo = 0;
	hi = (*parent)->width - 1;
	if (lexer_match(&lx, LEX_T_LSQUARE)) {
		if (!lexer_get_int(&lx, &lo))
			goto out;
		hi = lo;
		if (lexer_match(&lx, LEX_T_ELLIPSIS) &&
		    !lexer_get_int(&lx, &hi))
			goto out;
		if (!lexer_match(&lx, LEX_T_RSQUARE))
			goto out;
	}
	if (lx.token.type != LEX_T_END || lo > hi ||
	    (unsigned int)hi >= (*parent)->width)
		goto out;
	*ofs = lo;
	*n_bits = hi - lo + 1;
	err = 0;
out:
	lexer_destroy(&lx);
	return err;
}

int symtab_add_subfield(struct symtab *st, const char *name,
			const char *prereqs, const char *subfield,
			unsigned int scope)
{
	const struct symbol *parent;
	unsigned int ofs, n_bits;
	struct symbol *s;
	int err;

	err = parse_subfield(st, subfield, &parent, &ofs, &n_bits);
	if (err)
		return err;
	/* OVN only defines subfields of ordinal fields (their bits can be
	 * tested one by one) */
	if (parent->level != SYM_L_ORDINAL)
		return -EINVAL;
	s = add_symbol(st, name, SYM_SUBFIELD, n_bits, SYM_L_ORDINAL, prereqs);
	if (!s)
		return -EEXIST;
	s->parent = parent;
	s->parent_ofs = ofs;
	s->field = parent->field;
	s->base_ofs = parent->base_ofs + ofs;
	s->rw = parent->rw ? scope : 0;
	return 0;
}

/* A predicate is nominal if its expansion names a nominal symbol (then
 * only `pred' or `pred == 1' may be written), boolean otherwise: OVN's
 * rule, applied to the names in the text. */
static int predicate_level(const struct symtab *st, const char *expansion,
			   enum symbol_level *level)
{
	struct lexer lx;
	int err = 0;

	*level = SYM_L_BOOLEAN;
	lexer_init(&lx, expansion);
	while (lexer_next(&lx) != LEX_T_END) {
		const struct symbol *s;

		if (lx.token.type == LEX_T_ERROR) {
			err = -EINVAL;
			break;
		}
		if (lx.token.type != LEX_T_ID)
			continue;
		s = symtab_lookup(st, lx.token.s);
		if (!s) {
			err = -EINVAL;
			break;
		}
		if (s->level == SYM_L_NOMINAL)
			*level = SYM_L_NOMINAL;
	}
	lexer_destroy(&lx);
	return err;
}

int symtab_add_predicate(struct symtab *st, const char *name,
			 const char *expansion)
{
	enum symbol_level level;
	struct symbol *s;
	int err;

	err = predicate_level(st, expansion, &level);
	if (err)
		return err;
	s = add_symbol(st, name, SYM_PREDICATE, 1, level, NULL);
	if (!s)
		return -EEXIST;
	s->predicate = xstrndup(expansion, strlen(expansion));
	s->field = MFF_NONE;
	return 0;
}

const char *symbol_level_to_string(enum symbol_level level)
{
	switch (level) {
	case SYM_L_NOMINAL: return "nominal";
	case SYM_L_BOOLEAN: return "Boolean";
	case SYM_L_ORDINAL: return "ordinal";
	}
	return "?";
}

enum mf_field_id symbol_resolve(const struct symbol *sym, unsigned int ofs,
				unsigned int *base_ofs)
{
	if (sym->kind == SYM_PREDICATE) {
		*base_ofs = 0;
		return MFF_NONE;
	}
	*base_ofs = sym->base_ofs + ofs;
	return sym->field;
}
