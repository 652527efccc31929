/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Punt meters: SB Meter / Meter_Band rows -> ovn_meters (maps/punt.h).
 *
 * A meter name (a Logical_Flow's controller_meter, or log(meter="...")) gets
 * a stable id in 1..OVN_MAX_METERS-1 the first time the compiler sees it,
 * so a rate change rewrites one ovn_meters entry and recompiles no flow.
 * Id 0 is the default meter of punts that name none.
 *
 * Rates: a band of unit pktps gives its rate; kbps is converted assuming
 * 1000-byte packets (the punt path cares about packets, not bytes).  The
 * lowest band rate wins.  The BPF buckets are per CPU, so the total rate of
 * a meter is up to (number of CPUs) x its rate.  A name with no SB row yet
 * runs at the default rate.
 */
#ifndef __OVNBPF_LOADER_METER_H
#define __OVNBPF_LOADER_METER_H

#include <stdint.h>

#define METER_DEFAULT_PPS	1000
#define METER_DEFAULT_BURST	1000

struct ovnbpf_writer;

/* Rates are written through W from now on; writes the default meter. */
void meter_bind_writer(struct ovnbpf_writer *w);
/* The default meter's rate (ovnbpfd --punt-rate/--punt-burst): id 0, and
 * every name without an SB rate.  RATE_PPS 0 drops those punts. */
void meter_set_default(uint32_t rate_pps, uint32_t burst);
/* Id of NAME (0 for NULL or ""; 0 too when every id is taken). */
uint16_t meter_id(const char *name);
/* SB says NAME runs at RATE_PPS/BURST (RATE_PPS < 0: the row is gone,
 * back to the default). */
int meter_set_rate(const char *name, int64_t rate_pps, uint32_t burst);
/* Convert one band. */
int64_t meter_band_pps(const char *unit, int64_t rate);

#endif /* __OVNBPF_LOADER_METER_H */
