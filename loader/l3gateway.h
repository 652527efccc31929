/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Gateway routers (Logical_Router options:chassis): northd gives every
 * port of such a router, and the switch port facing it, the type
 * "l3gateway" with options:l3gateway-chassis = the chassis name.  As
 * ovn-controller does, the named chassis claims them (Port_Binding.chassis
 * = us; `up` is a VIF thing and is not written); a claimed l3gateway port
 * makes its datapath local and is crossed like a patch port when the
 * local datapaths are flood-filled (loader/local_datapaths.c), so the
 * gateway router and the switches around it run here and nowhere else.
 */
#ifndef __OVNBPF_LOADER_L3GATEWAY_H
#define __OVNBPF_LOADER_L3GATEWAY_H

#include <stdbool.h>

#include <jansson.h>

#include "loader/chassis.h"
#include "ovsdb-client/replica.h"

/* Is PB an l3gateway port? */
bool l3gw_is_port(const struct ovsdb_row *pb);

/* Append to OPS the claims (l3gateway-chassis is CFG's name, not yet
 * ours) and releases (ours, now named elsewhere) of l3gateway ports.  ME
 * and ME_REF as port_claim_reconcile().  Returns the number of operations
 * appended. */
int l3gw_claim_reconcile(const struct ovsdb_table *port_binding, const struct chassis_cfg *cfg,
			 const struct ovsdb_uuid *me, const json_t *me_ref, json_t *ops);

#endif /* __OVNBPF_LOADER_L3GATEWAY_H */
