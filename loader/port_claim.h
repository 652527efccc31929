/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Claiming Port_Bindings: a logical port bound here (`ovnbpfctl bind`)
 * whose interface exists is claimed for this chassis (Port_Binding.chassis
 * = us, up = true once our program is attached, so that northd, seeing
 * port-up-notif, marks the NB port up).  A VIF port claimed by us that is
 * no longer bound here, or whose interface is gone, is released (chassis
 * cleared, up = false).
 *
 * Like chassis.h, a reconciliation of the replica against the bindings:
 * it emits only the differences, so running it again changes nothing.
 *
 * Only plain VIF ports (type "") are claimed.  A port whose
 * requested_chassis (column or options:requested-chassis) names another
 * chassis is left alone, as ovn-controller does.  A port claimed by
 * another chassis is taken over (a pod moved here), with a log line.
 */
#ifndef __OVNBPF_LOADER_PORT_CLAIM_H
#define __OVNBPF_LOADER_PORT_CLAIM_H

#include <jansson.h>

#include "loader/bindings.h"
#include "loader/chassis.h"
#include "ovsdb-client/replica.h"

/* Append to OPS the claims and releases that bring PORT_BINDING in line
 * with BS.  ME is our Chassis row (NULL while not yet registered: then
 * nothing is claimed, since the claim needs the row; releases need it
 * too), ME_REF how the transaction refers to it.  Sets each binding's
 * `claimed` from what the replica says now.  Returns the number of
 * operations appended. */
int port_claim_reconcile(struct bindings *bs, const struct ovsdb_table *port_binding,
			 const struct chassis_cfg *cfg, const struct ovsdb_uuid *me,
			 const json_t *me_ref, json_t *ops);

#endif /* __OVNBPF_LOADER_PORT_CLAIM_H */
