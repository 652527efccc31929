/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Other chassis as tunnel endpoints: SB Chassis -> its Geneve Encap -> the
 * IP that a remote port's packets are tunnelled to.  Each chassis a port
 * or multicast group needs gets a small id (1..); the datapath reads the
 * endpoint of an id from ovn_chassis (maps/encap.h), so a chassis whose
 * Encap changes is one map update, not a rewrite of its ports.  Ids are
 * kept by a restarted daemon (read back from the pinned map by chassis
 * UUID), so the ports it adopts stay valid.
 */
#ifndef __OVNBPF_LOADER_ENCAPS_H
#define __OVNBPF_LOADER_ENCAPS_H

#include <stdint.h>

#include "ovsdb-client/replica.h"

struct encaps;

/* MAP_FD: ovn_chassis (its id-0 entry is loader/tunnel.c's). */
int encaps_new(int map_fd, struct encaps **out);
void encaps_free(struct encaps *en);

/* The id of chassis CH (a Chassis row UUID), allocated when new; 0 for
 * NULL, or when out of ids (logged). */
uint32_t encaps_id(struct encaps *en, const struct ovsdb_uuid *ch);

/* Write the endpoint of every id from CHASSIS and ENCAP (the SB tables):
 * only what changed.  A chassis without a Geneve Encap (or gone) gets no
 * endpoint: its packets are dropped, counted as tunnel-chassis-no-endpoint. */
void encaps_sync(struct encaps *en, const struct ovsdb_table *chassis,
		 const struct ovsdb_table *encap);

#endif /* __OVNBPF_LOADER_ENCAPS_H */
