/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * The Southbound session of ovnbpfd's local side: one OVSDB client on the
 * SB, and after every change (in the SB or in the local bindings) one
 * reconciliation that registers the chassis (chassis.h), claims and
 * releases port bindings (port_claim.h) and acknowledges nb_cfg, sent as
 * one transaction.  At most one transaction is in flight; a failed one is
 * retried after a pause, from whatever the replica says then.
 *
 * nb_cfg: `ovn-nbctl --wait=hv` returns once every chassis has copied
 * SB_Global.nb_cfg into its Chassis_Private.nb_cfg, which a chassis must
 * only do when its datapath reflects that configuration.  Until a datapath
 * compiler calls sb_sync_set_datapath_acks(), the configuration counts as
 * reflected as soon as it is processed here.
 */
#ifndef __OVNBPF_LOADER_SB_SYNC_H
#define __OVNBPF_LOADER_SB_SYNC_H

#include <stdbool.h>
#include <stdint.h>

#include "loader/chassis.h"
#include "loader/gateway.h"

struct ctl_server;
struct local_vifs;
struct ovsdb_client;
struct sb_sync;

struct sb_sync_options {
	const char *remote;		/* --ovnsb-db */
	struct chassis_cfg chassis;
};

/* Set up the SB client (not yet connected) and the monitors this side
 * needs.  VIFS are the local bindings; their changes are followed through
 * local_vifs' change callback, which this installs. */
int sb_sync_create(const struct sb_sync_options *o, struct local_vifs *vifs,
		   struct sb_sync **out);
void sb_sync_destroy(struct sb_sync *s);

/* The client, for other parts of the daemon to add their monitors before
 * the first sb_sync_run(). */
struct ovsdb_client *sb_sync_client(struct sb_sync *s);

/* Poll integration: fd (-1 while waiting to reconnect), events, and the
 * longest the loop may sleep (ms, -1 for no limit). */
int sb_sync_fd(const struct sb_sync *s);
short sb_sync_events(const struct sb_sync *s);
int sb_sync_timeout(const struct sb_sync *s);
/* Talk to the SB, then reconcile if anything changed. */
void sb_sync_run(struct sb_sync *s);

/* From now on nb_cfg is acknowledged only up to what the datapath reports
 * through sb_sync_datapath_reflects(). */
void sb_sync_set_datapath_acks(struct sb_sync *s, bool on);
/* The datapath reflects the SB configuration up to nb_cfg CFG. */
void sb_sync_datapath_reflects(struct sb_sync *s, int64_t cfg);

/* Called after each reconciliation pass (local datapaths up to date);
 * it must consume and clear the replica's change tracking.  Without one,
 * the tracking is cleared unread. */
typedef void sb_sync_consumer_fn(void *aux);
void sb_sync_set_consumer(struct sb_sync *s, sb_sync_consumer_fn *fn, void *aux);

/* The local datapaths as of the last reconciliation (sorted UUIDs of
 * Datapath_Binding rows). */
struct local_datapaths;
const struct local_datapaths *sb_sync_local_datapaths(const struct sb_sync *s);

/* Our Chassis row's UUID as of the last reconciliation, NULL while it is
 * not registered; and the tables that place gateway ports
 * (loader/gateway.h). */
const struct ovsdb_uuid *sb_sync_chassis_uuid(const struct sb_sync *s);
const struct gateway_tables *sb_sync_gateway_tables(const struct sb_sync *s);
/* The replica holds every row the current monitor conditions select (the
 * server acknowledged the last condition sent): the SB as far as this
 * chassis is concerned, complete. */
bool sb_sync_conditions_settled(const struct sb_sync *s);

/* `status`: SB connection, chassis, nb_cfg. */
int sb_sync_register_ctl(struct sb_sync *s, struct ctl_server *ctl);

#endif /* __OVNBPF_LOADER_SB_SYNC_H */
