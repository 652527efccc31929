/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Residual port tests (maps/pipeline.h OVN_CLS_RES_*): where a flow whose
 * match is another mask plus one whole port word can sit as a cell of that
 * other mask's subtable.  The writer (maps/ovnbpf_maps.c) decides whether
 * the key has room; this file only splits the match and picks the word.
 */
#ifndef __OVNBPF_MAPS_CLS_RESIDUAL_H
#define __OVNBPF_MAPS_CLS_RESIDUAL_H

#include <stdbool.h>
#include <stdint.h>

#include "maps/actions.h"
#include "maps/pipeline.h"

struct ovnbpf_cls_residual {
	struct ovn_subtable def;	/* the flow's mask without the port word */
	struct ovn_cls_key key;		/* its masked words (sub_id, slot 0) */
	uint8_t param[OVN_CLS_PARAM_BYTES];	/* the flow's, + the port value */
	uint32_t res;			/* OVN_CLS_RES_* bits for the cell's rec */
};

/* Can the flow with mask DEF, masked words KEY, (parametrised) program
 * OPS[0..N_OPS) and cell parameters PARAM be a residual cell testing
 * PORT_RES (OVN_CLS_RES_INPORT or _OUTPORT)?  Yes when DEF masks that port
 * word whole and at least one other word (a residual cell never goes to
 * the stage's mask-less subtable), and a 4-byte word of PARAM is not read
 * by any OVN_OP_SET_PARAM of OPS.  Fills *OUT then. */
bool ovnbpf_cls_residual_plan(const struct ovn_subtable *def, const struct ovn_cls_key *key,
			      const struct ovn_op *ops, uint32_t n_ops,
			      const uint8_t param[OVN_CLS_PARAM_BYTES], uint32_t port_res,
			      struct ovnbpf_cls_residual *out);

#endif /* __OVNBPF_MAPS_CLS_RESIDUAL_H */
