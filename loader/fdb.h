/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * FDB learning, as ovn-controller's pinctrl does for put_fdb: a packet of
 * a port with "unknown" addresses punts (and goes on) at ls_in_put_fdb;
 * the daemon writes the SB FDB row (mac, dp_key, port_key), which comes
 * back through the engine as the get_fdb/lookup_fdb helper flows
 * (loader/compile_fdb.c).  Once those are in place, lookup_fdb matches
 * and the punts stop.
 *
 * Requests are deduplicated and rate limited: nothing is written when
 * the SB already says so; one (datapath, MAC) is written at most once per
 * FDB_MAC_INTERVAL_MS (a flapping MAC cannot flood the SB); at most
 * FDB_MAX_PER_SEC transactions per second overall.
 */
#ifndef __OVNBPF_LOADER_FDB_H
#define __OVNBPF_LOADER_FDB_H

#include <stdint.h>

#define FDB_MAC_INTERVAL_MS	1000
#define FDB_MAX_PER_SEC		100

struct ovsdb_client;
struct fdb_learner;

struct fdb_stats {
	uint64_t requests;		/* put_fdb punts seen */
	uint64_t known;			/* the SB already had it */
	uint64_t throttled;		/* same MAC too soon, or over the rate */
	uint64_t inserted, updated;	/* transactions sent */
	uint64_t failed;		/* transactions refused */
};

/* Learn into CL's SB (it must monitor FDB) and handle ACT_PUT_FDB punts. */
int fdb_learner_create(struct ovsdb_client *cl, struct fdb_learner **out);
void fdb_learner_destroy(struct fdb_learner *l);
/* One request: MAC seen on port PORT of datapath DP at NOW_MS (monotonic).
 * Returns 1 when a transaction was sent, 0 when not needed or throttled,
 * -errno on failure. */
int fdb_learn(struct fdb_learner *l, uint32_t dp, const uint8_t mac[6], uint32_t port,
	      uint64_t now_ms);
void fdb_learner_stats(const struct fdb_learner *l, struct fdb_stats *s);

#endif /* __OVNBPF_LOADER_FDB_H */
