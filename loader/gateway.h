/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Distributed gateway ports: where a chassisredirect Port_Binding ("cr-P",
 * made by northd for a router port P with a gateway chassis) lives.
 *
 * The candidates are the HA_Chassis rows of the port's ha_chassis_group
 * (northd 23.03 writes gateway chassis that way), else the Gateway_Chassis
 * rows of its legacy gateway_chassis column.  The active one is the
 * candidate of highest priority (ties: the lower chassis name), as
 * ovn-controller decides while it has no BFD session telling it that
 * chassis is down; we run no BFD, so liveness is not considered.  A port
 * with no candidate at all lives where its `chassis` column says.
 *
 * On the active chassis the port is resident: is_chassis_resident("cr-P")
 * is true, output to cr-P runs P's egress here (bpf/lib/gw_redirect.h),
 * and the port is claimed (Port_Binding.chassis = us, up = true).  A
 * chassis that is no longer the active one releases its claim.
 */
#ifndef __OVNBPF_LOADER_GATEWAY_H
#define __OVNBPF_LOADER_GATEWAY_H

#include <stdbool.h>

#include <jansson.h>

#include "ovsdb-client/replica.h"

/* The SB tables the choice reads (any may be NULL or absent from the
 * schema: then it has no rows). */
struct gateway_tables {
	const struct ovsdb_table *chassis;	/* names, for ties */
	const struct ovsdb_table *ha_chassis_group;
	const struct ovsdb_table *ha_chassis;
	const struct ovsdb_table *gateway_chassis;
};

/* Is PB (a Port_Binding row) of type chassisredirect? */
bool gateway_is_cr(const struct ovsdb_row *pb);

/* Is ME (our Chassis row UUID, NULL: not registered) the active gateway
 * chassis of chassisredirect port PB? */
bool gateway_cr_active(const struct ovsdb_row *pb, const struct gateway_tables *t,
		       const struct ovsdb_uuid *me);

/* The active gateway chassis of chassisredirect port PB (a Chassis row
 * UUID), NULL when it has none or PB is not one.  Where a packet for cr-P
 * is tunnelled when that is not us (bpf/lib/encap.h). */
const struct ovsdb_uuid *gateway_cr_chassis(const struct ovsdb_row *pb,
					    const struct gateway_tables *t);

/* Append to OPS the claims and releases of chassisredirect ports in
 * PORT_BINDING that make their `chassis` agree with gateway_cr_active().
 * ME_REF: how the transaction names our chassis.  Returns the number of
 * operations appended. */
int gateway_claim_reconcile(const struct ovsdb_table *port_binding,
			    const struct gateway_tables *t, const struct ovsdb_uuid *me,
			    const json_t *me_ref, json_t *ops);

/* Which chassisredirect ports are resident here, remembered between
 * passes of the engine so that a change (a gateway moved to or from us)
 * recompiles exactly the flows and port entries that depend on it. */
struct gateway_residency {
	struct gateway_cr {
		char *name;
		struct ovsdb_uuid uuid;	/* its Port_Binding row */
		bool resident;
	} *v;			/* sorted by name */
	size_t n;
};

void gateway_residency_free(struct gateway_residency *gr);

/* Recompute GR from the chassisredirect rows of PORT_BINDING.  *CHANGED
 * (a new array, free() it; its entries point into GR) gets the ports whose
 * residency differs from before (a new port counts when it is
 * resident).  Returns their number, -ENOMEM. */
int gateway_residency_update(struct gateway_residency *gr,
			     const struct ovsdb_table *port_binding,
			     const struct gateway_tables *t, const struct ovsdb_uuid *me,
			     struct gateway_cr ***changed);

/* The residency of port NAME when it is a chassisredirect port: 1 or 0;
 * -ENOENT when NAME is not one. */
int gateway_residency_get(const struct gateway_residency *gr, const char *name);

/* Does logical flow match MATCH call is_chassis_resident() on NAME? */
bool gateway_match_names(const char *match, const char *name);

#endif /* __OVNBPF_LOADER_GATEWAY_H */
