/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Neighbour learning: put_arp/put_nd punts (maps/router.h
 * OVN_PUNT_MB_ARGS) become SB MAC_Binding rows (logical_port, ip, mac,
 * datapath, timestamp), as ovn-controller's pinctrl writes them.  The
 * replica answers what the SB already says, so a known neighbour costs no
 * transaction; a known one is refreshed (timestamp) at most every
 * REFRESH seconds; bursts of the same neighbour are deduplicated and the
 * transaction rate is capped.  The new row then comes back through the
 * monitor into the neighbour table (loader/mac_binding.c).
 */
#ifndef __OVNBPF_LOADER_PUNT_MAC_BINDING_H
#define __OVNBPF_LOADER_PUNT_MAC_BINDING_H

#include <stdint.h>

struct ovsdb_client;
struct mac_learner;

/* Monitors what it needs on CL (call before the client's first run)
 * and registers its handlers with the punt dispatcher (loader/punt.h). */
int mac_learner_create(struct ovsdb_client *cl, struct mac_learner **out);
void mac_learner_destroy(struct mac_learner *l);

struct mac_learner_stats {
	uint64_t events, bad, known, inserted, updated, refreshed, deduped, rate_limited,
		 no_port, txn_errors;
};
void mac_learner_get_stats(const struct mac_learner *l, struct mac_learner_stats *s);

#endif /* __OVNBPF_LOADER_PUNT_MAC_BINDING_H */
