/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * The daemon's packet services -- what ovn-controller's pinctrl does:
 * punted packets answered or turned into SB rows -- and their counters,
 * served as the `services` control command (`ovnbpfctl services`).
 */
#ifndef __OVNBPF_LOADER_SERVICES_H
#define __OVNBPF_LOADER_SERVICES_H

#include <jansson.h>

struct ctl_server;
struct mac_learner;
struct fdb_learner;
struct ctrl_events;
struct svc_monitors;
struct vports;

/* The services that keep state of their own; any may be NULL (not
 * running).  DHCPv4/v6, RA, DNS and the punt reader are process-wide. */
struct services {
	struct mac_learner *learner;	/* put_arp/put_nd -> MAC_Binding */
	struct fdb_learner *fdb;	/* put_fdb -> FDB */
	struct ctrl_events *events;	/* trigger_event -> Controller_Event */
	struct svc_monitors *svc;	/* handle_svc_check -> Service_Monitor */
	struct vports *vports;		/* bind_vport -> Port_Binding (virtual) */
};

/* Every counter, one object per service (keys as `ovnbpfctl services`
 * prints them).  A new reference. */
json_t *services_stats_json(const struct services *s);

/* Register `services` on CTL; S must outlive it. */
int services_register_ctl(struct services *s, struct ctl_server *ctl);

#endif /* __OVNBPF_LOADER_SERVICES_H */
