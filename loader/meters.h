/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Punt meters (maps/punt.h ovn_meters): which rate each PUNT op's meter
 * id runs at.
 *
 *   id 0         the default meter: punts of flows without a
 *                controller_meter (ovnbpfd --punt-rate/--punt-burst)
 *   id 1..255    a meter name (Logical_Flow.controller_meter, and
 *                log(meter=...) for ACL logs): an id is given to a name
 *                the first time it is asked for, so a rate change in the
 *                SB rewrites one ovn_meters entry and recompiles no flow.
 *
 * Rates come from SB Meter rows (by name) and their Meter_Band rows: the
 * lowest band rate wins; pktps is taken as is, kbps assumes 1000-byte
 * packets (punts are counted in packets).  A name without a Meter row runs
 * at the default rate.  Rates are per CPU (the token buckets are per-CPU
 * entries), so a meter lets through up to (CPUs x rate) packets per
 * second in total.
 *
 * One registry per process (the daemon has one datapath); not
 * thread-safe.
 */
#ifndef __OVNBPF_LOADER_METERS_H
#define __OVNBPF_LOADER_METERS_H

#include <stdint.h>

#define METERS_DEFAULT_PPS	100
#define METERS_DEFAULT_BURST	200

struct ovnbpf_writer;
struct ovsdb_table;

/* Write rates through W from now on (every id known so far at once).
 * DEFAULT_PPS/BURST: the default meter (0 pps: punts without a meter are
 * all dropped).  W = NULL: stop writing (before the writer is freed). */
int meters_bind(struct ovnbpf_writer *w, uint32_t default_pps, uint32_t default_burst);
/* Meter id of NAME; 0 for NULL/"" (and when all ids are taken, reported
 * once). */
uint16_t meters_id(const char *name);
/* NAME runs at RATE_PPS/BURST; RATE_PPS < 0: back to the default. */
int meters_set(const char *name, int64_t rate_pps, uint32_t burst);
/* One Meter_Band's rate in packets per second. */
int64_t meters_band_pps(const char *unit, int64_t rate);
/* Apply the SB Meter / Meter_Band tables (whole: they are small). */
void meters_sb_sync(const struct ovsdb_table *meter, const struct ovsdb_table *band);
/* Forget every name (tests). */
void meters_reset(void);

#endif /* __OVNBPF_LOADER_METERS_H */
