/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Neighbour learning: put_arp/put_nd punts (maps/router.h
 * OVN_PUNT_MB_ARGS) become SB MAC_Binding rows (logical_port, ip, mac,
 * datapath, timestamp), as ovn-controller 23.03's pinctrl writes them:
 * insert with the time; a changed MAC rewrites mac and timestamp; the
 * same MAC writes nothing (no timestamp refresh in 23.03).  Learnt from a
 * unicast frame: written at once; from a broadcast/multicast one: after a
 * random 1..MAC_LEARN_DELAY_MS, the latest MAC winning, so the chassis that
 * all saw the frame do not race one another's rows.  The replica answers
 * what the SB already says, bursts are deduplicated and the transaction
 * rate is capped.  The row then comes back through the monitor into the
 * neighbour table (loader/mac_binding.c).
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

#define MAC_LEARN_DELAY_MS	50

/* Write the delayed neighbours whose time has come; call from the poll
 * loop.  mac_learner_timeout(): ms until the next one is due, -1 if none. */
void mac_learner_run(struct mac_learner *l);
int mac_learner_timeout(const struct mac_learner *l);

struct mac_learner_stats {
	uint64_t events, bad, known, inserted, updated, deduped, rate_limited, no_port,
		 txn_errors, delayed, overflow;
};
void mac_learner_get_stats(const struct mac_learner *l, struct mac_learner_stats *s);

#endif /* __OVNBPF_LOADER_PUNT_MAC_BINDING_H */
