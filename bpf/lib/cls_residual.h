/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Residual port test of a classifier cell (maps/pipeline.h OVN_CLS_RES_*).
 *
 * A cell that carries one is a flow whose match has one whole port word
 * more than its subtable masks: the key found it, this checks the rest.
 * Checked before the cell's set tests (ovn_flow_sets_ok) so that a cell
 * of another port costs no ovn_flows lookup.  Not inlined: the probe is
 * the verifier's hot path and runs this for each of its OVN_CLS_CELLS
 * cells.  True for a cell without a residual test.
 */
#pragma once

#include "lib/state.h"

static __noinline bool ovn_cls_residual_ok(struct ovn_ctx *c, const struct ovn_cls_cell *cell)
{
	__u32 rec = cell->rec, want, have;

	if (rec <= OVN_CLS_REC_MASK)
		return true;	/* no residual test */
	switch (OVN_CLS_RES_WORD(rec)) {
	case 0:
		__builtin_memcpy(&want, &cell->param[0], 4);
		break;
	case 1:
		__builtin_memcpy(&want, &cell->param[4], 4);
		break;
	case 2:
		__builtin_memcpy(&want, &cell->param[8], 4);
		break;
	default:
		return false;
	}
	switch (rec & OVN_CLS_RES_PORT) {
	case OVN_CLS_RES_INPORT:
		have = c->words[OVN_OFF_INPORT / 4];
		break;
	case OVN_CLS_RES_OUTPORT:
		have = c->words[OVN_OFF_OUTPORT / 4];
		break;
	default:
		/* A test this program does not know: never match rather
		 * than match more than the flow says. */
		return false;
	}
	return have == want;
}
