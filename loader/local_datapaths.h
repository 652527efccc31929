/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Local datapaths: the logical switches and routers this chassis must
 * hold — those with a port bound here, and every datapath reachable from
 * them through patch ports (switch -> router -> other switches), as
 * ovn-controller computes them.  They decide what the SB sends us:
 * conditional monitoring (monitor_cond_change) limits Port_Binding,
 * Logical_Flow, MAC_Binding... to rows of local datapaths, which is what
 * lets a node of a large cluster receive only its share.
 */
#ifndef __OVNBPF_LOADER_LOCAL_DATAPATHS_H
#define __OVNBPF_LOADER_LOCAL_DATAPATHS_H

#include <stdbool.h>
#include <stddef.h>

#include <jansson.h>

#include "loader/bindings.h"
#include "ovsdb-client/replica.h"

struct local_datapaths {
	struct ovsdb_uuid *v;	/* sorted */
	size_t n, cap;
};

void local_datapaths_init(struct local_datapaths *ld);
void local_datapaths_destroy(struct local_datapaths *ld);
bool local_datapaths_contains(const struct local_datapaths *ld, const struct ovsdb_uuid *dp);

/* Recompute LD from the Port_Binding rows in the replica: datapaths of the
 * ports bound in BS or claimed by ME (may be NULL), closed over patch
 * peers.  Returns 0 or -ENOMEM. */
int local_datapaths_compute(struct local_datapaths *ld, const struct bindings *bs,
			    const struct ovsdb_table *port_binding,
			    const struct ovsdb_uuid *me);

/* The Port_Binding monitor condition (OR-ed clauses, monitor_cond
 * semantics): patch, chassisredirect and external ports everywhere (the
 * flood fill and gateways need them), ports on this chassis, the bound
 * logical ports by name (so their rows arrive before we know their
 * datapath), and every port of a local datapath.  New reference. */
json_t *local_datapaths_pb_condition(const struct local_datapaths *ld,
				     const struct bindings *bs, const struct ovsdb_uuid *me);

/* [[COLUMN, "==", ["uuid", DP]], ...] for each local datapath, plus
 * EXTRA (stolen, may be NULL) appended as one more clause; [false] when
 * that is empty (an empty condition would match every row).  For tables
 * whose rows belong to one datapath (MAC_Binding, Multicast_Group...). */
json_t *local_datapaths_condition(const struct local_datapaths *ld, const char *column,
				  const char *function, json_t *extra);

#endif /* __OVNBPF_LOADER_LOCAL_DATAPATHS_H */
