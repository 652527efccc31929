/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Parametrised programs (maps/pipeline.h OVN_CLS_PARAM_BYTES): the writer
 * moves a flow's assignment constants into its classifier cell so that
 * flows differing only in those constants share one program and record.
 */
#ifndef __OVNBPF_MAPS_FLOW_PARAM_H
#define __OVNBPF_MAPS_FLOW_PARAM_H

#include <stdint.h>

#include "maps/actions.h"
#include "maps/pipeline.h"

/* Copy OPS[0..N) to OUT, turning SETs of at least OVN_PARAM_MIN_BYTES
 * bytes that come before the first op that may classify again into
 * OVN_OP_SET_PARAM, their constants into PARAM (zero-filled; equal
 * constants share bytes).  Returns how many SETs were turned. */
uint32_t ovnbpf_flow_parametrise(const struct ovn_op *ops, uint32_t n, struct ovn_op *out,
				 uint8_t param[OVN_CLS_PARAM_BYTES]);

/* Only constants this wide vary per port (MACs, IPv4 addresses, port
 * keys); narrow ones (arp.op = 2, flags bits) are the family's own. */
#define OVN_PARAM_MIN_BYTES	4

#endif /* __OVNBPF_MAPS_FLOW_PARAM_H */
