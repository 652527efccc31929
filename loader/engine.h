/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * The incremental engine: after every Southbound pass it reads the
 * replica's tracked changes and applies them to the compiler (compile.h),
 * then commits and tells sb_sync which nb_cfg the datapath now reflects.
 *
 * What it installs: the local datapaths (sb_sync_local_datapaths()), their
 * ports (a VIF bound and present here gets its ifindex), their multicast
 * groups, every address set and port group, the FDB rows of local
 * datapaths, and each logical flow once per local datapath it applies to
 * (its logical_datapath, or each local member of its logical_dp_group).
 *
 * The first pass, and a pass after a table was reset, loads everything;
 * later passes touch only tracked rows, plus a sweep of ports and flows
 * when the set of local datapaths, a datapath group or a local binding
 * changed.
 */
#ifndef __OVNBPF_LOADER_ENGINE_H
#define __OVNBPF_LOADER_ENGINE_H

#include <stddef.h>

struct compiler;
struct local_vifs;
struct ovnbpf_writer;
struct sb_sync;
struct engine;

struct engine_stats {
	size_t passes, full_loads;
	size_t flows_installed;		/* (logical flow, datapath) pairs */
	size_t flow_errors;		/* skipped by the compiler */
	size_t ports_installed;
	size_t local_datapaths;
	/* Time in engine passes (compile + map writes + commit), for the
	 * convergence breakdown of tests/bench/acl_scale.sh. */
	uint64_t pass_us_total, pass_us_max, pass_us_last, commit_us_total;
};

/* Add the engine's monitors to S's client (before the first
 * sb_sync_run()), take over its change tracking and nb_cfg acks, and
 * follow VIFS' binding changes.  W is the datapath's map writer. */
int engine_create(struct sb_sync *s, struct local_vifs *vifs, struct ovnbpf_writer *w,
		  struct engine **out);
void engine_destroy(struct engine *e);
void engine_get_stats(const struct engine *e, struct engine_stats *st);
/* The engine's compiler (punt handlers look up paused flows in it). */
struct compiler *engine_compiler(struct engine *e);
/* Allocate conntrack zones from Z (ct_zones.h) for local ports and
 * datapaths; without it a port's zone is its tunnel key (tests). */
struct ct_zones;
struct encaps;
/* Tunnel endpoints (loader/encaps.h): remote ports get their chassis id.
 * Without: remote ports have none (dropped, counted). */
void engine_set_encaps(struct engine *e, struct encaps *enc);
void engine_set_ct_zones(struct engine *e, struct ct_zones *z);

struct ctl_server;
/* `engine-stats`: the engine's and the compiler's counters (logical flows
 * compiled, classifier entries, set members, ...) and the punt reader's,
 * so that tests can tell a set-map update from a flow recompile. */
int engine_register_ctl(struct engine *e, struct ctl_server *ctl);

#endif /* __OVNBPF_LOADER_ENGINE_H */
