/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * QoS actions of logical flows (maps/qos.h): set_meter(rate[, burst])
 * gets a meter id of its own per (flow UUID, rate, burst), as
 * ovn-controller creates one OpenFlow meter per set_meter action; the
 * bucket is written into ovn_qos_meters before the flow refers to it and
 * cleared when the flow goes.  set_queue(N) needs no state.
 */
#ifndef __OVNBPF_LOADER_COMPILE_QOS_H
#define __OVNBPF_LOADER_COMPILE_QOS_H

#include <stdint.h>

#include "maps/qos.h"

struct compiler;
struct compile_lflow;
struct cc_ops;
struct action;

/* Ops of a set_meter / set_queue action ACT of flow F.  -ENOSPC when
 * every meter id is taken, -ERANGE for a rate or burst too large, -EIO
 * when the map write failed; *why then says what. */
int cc_emit_qos(struct compiler *c, const struct compile_lflow *f, struct cc_ops *ops,
		const struct action *act, const char **why);
/* Flow UUID is gone: free its meters. */
void cc_qos_flow_deleted(struct compiler *c, const char *uuid);
void cc_qos_free(struct compiler *c);
/* Meters in use (tests, stats). */
uint32_t cc_qos_n_meters(const struct compiler *c);

/* The ovn_qos_meters entry of a meter of RATE kbps and BURST kbit (0:
 * the rate), with a full bucket; rate 0 clears it. */
void qos_meter_init(struct ovn_qos_meter *m, uint64_t rate_kbps, uint64_t burst_kbit);
/* Write / read entry ID of map FD under its lock.  0 or -errno. */
int qos_meter_write(int fd, uint32_t id, const struct ovn_qos_meter *m);
int qos_meter_read(int fd, uint32_t id, struct ovn_qos_meter *m);

#endif /* __OVNBPF_LOADER_COMPILE_QOS_H */
