// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * Turning a flow's per-port constants into cell parameters.
 *
 * The classifier copies the winning cell's parameters into the context
 * when a stage matches; a helper-table call, an output (egress runs its
 * own stages), clone, punt/resume or any other op that may classify or
 * continue elsewhere can replace them.  So only the leading run of pure
 * field ops (SET, MOVE, XCHG, MOVE_BITS) is parametrised: every
 * SET_PARAM runs while the bytes are still the matched cell's.
 */
#include <stdbool.h>
#include <string.h>

#include "maps/flow_param.h"

static bool leading_op(uint8_t code)
{
	return code == OVN_OP_SET || code == OVN_OP_MOVE || code == OVN_OP_XCHG ||
	       code == OVN_OP_MOVE_BITS;
}

/* Offset of VAL[0..n) in PARAM[0..used), or -1. */
static int param_find(const uint8_t *param, uint32_t used, const uint8_t *val, uint32_t n)
{
	for (uint32_t off = 0; off + n <= used; off++)
		if (!memcmp(param + off, val, n))
			return (int)off;
	return -1;
}

uint32_t ovnbpf_flow_parametrise(const struct ovn_op *ops, uint32_t n, struct ovn_op *out,
				 uint8_t param[OVN_CLS_PARAM_BYTES])
{
	uint32_t used = 0, turned = 0, i, j;

	memset(param, 0, OVN_CLS_PARAM_BYTES);
	if (n)
		memcpy(out, ops, n * sizeof(*ops));
	for (i = 0; i < n && leading_op(out[i].code); i++) {
		struct ovn_op *op = &out[i];
		uint8_t val[16];
		int off;

		if (op->code != OVN_OP_SET || op->n < OVN_PARAM_MIN_BYTES || op->n > 16)
			continue;
		/* The bytes the SET writes: VALUE under MASK. */
		for (j = 0; j < op->n; j++)
			val[j] = op->value[j] & op->mask[j];
		off = param_find(param, used, val, op->n);
		if (off < 0) {
			if (used + op->n > OVN_CLS_PARAM_BYTES)
				continue;
			memcpy(param + used, val, op->n);
			off = (int)used;
			used += op->n;
		}
		op->code = OVN_OP_SET_PARAM;
		op->src = (uint16_t)off;
		memset(op->value, 0, sizeof(op->value));
		turned++;
	}
	return turned;
}
