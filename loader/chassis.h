/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * This node as an OVN chassis: its `Chassis` row (name, hostname, one
 * `Encap`, and the feature flags ovn-northd looks for in other_config
 * before it emits the flows that need them) and its `Chassis_Private` row
 * (nb_cfg acknowledgement, what `ovn-nbctl --wait=hv` waits for).
 *
 * Registration is a reconciliation: compare what the SB replica holds
 * with what it should hold and emit the operations for the difference.
 * Run again after a restart, it finds the rows of the same name and
 * re-uses them; run against an SB that already agrees, it emits nothing.
 */
#ifndef __OVNBPF_LOADER_CHASSIS_H
#define __OVNBPF_LOADER_CHASSIS_H

#include <stdbool.h>
#include <stdint.h>

#include <jansson.h>

#include "ovsdb-client/replica.h"

struct chassis_cfg {
	const char *name;
	const char *hostname;
	const char *encap_type;		/* "geneve" */
	const char *encap_ip;
	/* other_config:ovn-bridge-mappings, as ovn-controller writes it
	 * ("" or NULL: none; loader/bridge_mappings.h) */
	const char *bridge_mappings;
};

/* The SB tables registration reads (from the replica). */
struct chassis_tables {
	const struct ovsdb_table *chassis;
	const struct ovsdb_table *chassis_private;
	const struct ovsdb_table *encap;
};

/* The uuid-name our Chassis row gets when a transaction inserts it. */
#define CHASSIS_NAMED_UUID "ovnbpf_chassis"

/* Feature flags northd (23.03) checks in Chassis other_config; we
 * implement what each one promises. */
extern const char *const chassis_features[];

/* Append to OPS what brings our Chassis, Encap and Chassis_Private rows in
 * line with CFG; ACK_CFG >= 0 also acknowledges that nb_cfg.  NOW_MS is
 * the wall clock for nb_cfg_timestamp.
 *
 * *ME gets our Chassis row's UUID when it exists (else NULL) and *ME_REF
 * how to refer to our chassis in the same transaction (["uuid", U] or
 * ["named-uuid", CHASSIS_NAMED_UUID]; a new reference).
 *
 * Returns 0, or -EEXIST when our encapsulation (type, ip) is held by
 * another chassis (the SB's index forbids two; nothing is appended and the
 * reason is logged), or -EINVAL on a bad CFG. */
int chassis_reconcile(const struct chassis_cfg *cfg, const struct chassis_tables *t,
		      int64_t ack_cfg, int64_t now_ms, json_t *ops,
		      const struct ovsdb_uuid **me, json_t **me_ref);

#endif /* __OVNBPF_LOADER_CHASSIS_H */
