// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * libFuzzer target for the match language: any input is parsed without
 * crashing; what parses prints back to an equal tree and normalises
 * (within a small bound) or fails cleanly.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "loader/expr.h"

static const char *tmpl(void *aux, const char *name)
{
	return !strcmp(name, "vip") ? "10.0.0.1" : NULL;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct symtab *st;
	struct expr_lookups lk = { .template_value = tmpl };
	struct expr_dnf *d;
	struct expr *e, *e2;
	char *text, *s, *err = NULL;

	if (!st) {
		st = symtab_create_ovn();
		if (!st || expr_symtab_prepare(st, &err))
			abort();
	}
	text = malloc(size + 1);
	memcpy(text, data, size);
	text[size] = '\0';

	e = expr_parse(text, st, &lk, &err);
	if (!e) {
		if (!err)
			abort();	/* a failure always says why */
		free(err);
		free(text);
		return 0;
	}
	s = expr_to_string(e);
	e2 = expr_parse(s, st, NULL, &err);
	if (!e2 || !expr_equal(e, e2))
		abort();	/* the formatter must round trip */
	expr_free(e2);
	free(s);

	d = expr_normalize(e, st, 256, &err);
	if (d) {
		s = expr_dnf_to_string(d);
		free(s);
		expr_dnf_free(d);
	} else {
		free(err);
	}
	expr_free(e);
	free(text);
	return 0;
}
