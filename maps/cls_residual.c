// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * Splitting a flow's match into a subtable mask and a residual port test
 * (maps/cls_residual.h).
 */
#include <string.h>

#include "maps/cls_residual.h"

/* Bytes of PARAM the program reads: past the last SET_PARAM's source. */
static uint32_t param_used(const struct ovn_op *ops, uint32_t n_ops)
{
	uint32_t used = 0, i;

	for (i = 0; i < n_ops; i++) {
		if (ops[i].code != OVN_OP_SET_PARAM)
			continue;
		if ((uint32_t)ops[i].src + ops[i].n > used)
			used = (uint32_t)ops[i].src + ops[i].n;
	}
	return used;
}

bool ovnbpf_cls_residual_plan(const struct ovn_subtable *def, const struct ovn_cls_key *key,
			      const struct ovn_op *ops, uint32_t n_ops,
			      const uint8_t param[OVN_CLS_PARAM_BYTES], uint32_t port_res,
			      struct ovnbpf_cls_residual *out)
{
	uint32_t word, used, wi, i, n = 0;
	int at = -1;

	if (port_res == OVN_CLS_RES_INPORT)
		word = OVN_OFF_INPORT / 4;
	else if (port_res == OVN_CLS_RES_OUTPORT)
		word = OVN_OFF_OUTPORT / 4;
	else
		return false;
	if (def->n_words < 2 || def->n_words > OVN_CLS_WORDS)
		return false;
	for (i = 0; i < def->n_words; i++)
		if (def->word[i] == word)
			at = (int)i;
	/* A partly masked port word (a bit test on the key) stays a key. */
	if (at < 0 || def->mask[at] != 0xffffffffu)
		return false;
	/* The first param word the program does not read.  A word, not any
	 * 4 bytes: the datapath reads it as one (bpf/lib/cls_residual.h). */
	used = param_used(ops, n_ops);
	wi = (used + 3) / 4;
	if (wi * 4 + 4 > OVN_CLS_PARAM_BYTES)
		return false;

	memset(out, 0, sizeof(*out));
	/* The same layout build_match() gives the match without the port
	 * word: the remaining words in order, unused tail zero, so that the
	 * mask compares equal to a flow's that never had it. */
	for (i = 0; i < def->n_words; i++) {
		if ((int)i == at)
			continue;
		out->def.word[n] = def->word[i];
		out->def.mask[n] = def->mask[i];
		out->key.w[n] = key->w[i];
		n++;
	}
	out->def.n_words = (uint16_t)n;
	memcpy(out->param, param, OVN_CLS_PARAM_BYTES);
	memcpy(out->param + wi * 4, &key->w[at], 4);
	out->res = port_res | wi << OVN_CLS_RES_WORD_SHIFT;
	return true;
}
