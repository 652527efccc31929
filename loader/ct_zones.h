/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Conntrack zone allocation, as ovn-controller does it (ct-zone.c): every
 * logical port bound here gets a zone of its own (its name is the zone's
 * user), every local datapath a DNAT and an SNAT zone (users
 * "<datapath name>_dnat" / "_snat"; a datapath's external_ids
 * snat-ct-zone requests a fixed SNAT zone).  Zones are 1..65535, the
 * lowest free one is taken, and the assignment is kept in the state
 * directory (file "ct-zones", "ZONE USER" lines) so that a restarted
 * ovnbpfd gives every user the zone it had: its connections survive.
 *
 * A zone newly given to a user is flushed first (FLUSH callback): it may
 * hold the connections of a previous user.
 */
#ifndef __OVNBPF_LOADER_CT_ZONES_H
#define __OVNBPF_LOADER_CT_ZONES_H

#include <stdint.h>

#define CT_ZONES_FILE "ct-zones"
#define CT_ZONE_MAX 65535

struct ct_zones;

typedef void ct_zones_flush_fn(void *aux, uint16_t zone);

/* STATE_DIR NULL: nothing persisted (tests). */
int ct_zones_open(const char *state_dir, struct ct_zones **out);
void ct_zones_close(struct ct_zones *z);
void ct_zones_set_flush(struct ct_zones *z, ct_zones_flush_fn *fn, void *aux);

/* USER's zone, assigned if it has none: REQUESTED (1..65535, taken from
 * whoever had it) or the lowest free one (REQUESTED 0).  0 when all
 * zones are taken. */
uint16_t ct_zones_get(struct ct_zones *z, const char *user, int requested);
/* USER's zone or 0, assigning nothing. */
uint16_t ct_zones_find(const struct ct_zones *z, const char *user);
/* USER no longer needs its zone. */
void ct_zones_release(struct ct_zones *z, const char *user);
/* How many zones are assigned. */
unsigned int ct_zones_count(const struct ct_zones *z);

#endif /* __OVNBPF_LOADER_CT_ZONES_H */
