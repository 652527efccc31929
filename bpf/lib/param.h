/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Parametrised programs: OVN_OP_SET_PARAM assigns constant bytes that the
 * matched classifier cell carries (maps/pipeline.h OVN_CLS_PARAM_BYTES),
 * so that per-port flows differing only in their constants share one
 * program.  The classifier copied the winning cell's bytes into
 * c->x.best_param; the writer emits the op only before anything that could
 * classify again and overwrite them.
 */
#pragma once

#include "lib/state.h"

static __always_inline int ovn_op_set_param(struct ovn_ctx *c, const struct ovn_op *op)
{
	__u32 dst = op->dst, src = op->src, n = op->n, i;

	if (n > 16 || dst + n > OVN_CTX_FIELDS_END || src + n > OVN_CLS_PARAM_BYTES)
		return -DROP_BAD_OP;
#pragma unroll
	for (i = 0; i < OVN_CLS_PARAM_BYTES; i++) {
		if (i < n)
			c->bytes[(dst + i) & (OVN_CTX_MATCH_BYTES - 1)] =
				(c->bytes[(dst + i) & (OVN_CTX_MATCH_BYTES - 1)] & ~op->mask[i]) |
				(c->x.best_param[(src + i) & 15] & op->mask[i]);
	}
	return 0;
}
