/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * User-space side of the pipeline maps: finding them (in a loaded object or
 * pinned under the pin directory) and the writer the logical-flow compiler
 * uses to install compiled flows, set members, datapaths, ports and
 * multicast groups.
 *
 * Consistency (DESIGN §3.9): flow and set-member changes are staged under
 * the next rule version and become visible together at ovnbpf_commit();
 * until then packets see the old rules only.  Datapaths, ports, VIFs,
 * multicast groups and meters are single map entries, each replaced
 * atomically when written.  Adding or removing one flow touches only that
 * flow's entries (its classifier cell, its flow record, its program if no
 * other flow shares it, and its stage's subtable list when the flow brings
 * a new mask or removes the last use of one).
 *
 * Not thread-safe: one writer per process, as in ovnbpfd's engine loop.
 */
#ifndef __OVNBPF_MAPS_OVNBPF_MAPS_H
#define __OVNBPF_MAPS_OVNBPF_MAPS_H

#include <stdbool.h>
#include <stdint.h>

#include "maps/abi.h"
#include "maps/context.h"
#include "maps/pipeline.h"
#include "maps/actions.h"
#include "maps/ports.h"
#include "maps/punt.h"
#include "maps/counters.h"
#include "maps/cache.h"
#include "maps/router.h"

struct bpf_object;

/* File descriptors of every pipeline map. */
struct ovnbpf_maps {
	int ctx, gen, dps, stages, subtables, cls, flows, progs;
	int set_hash, set_lpm, ports, vifs, mcgroups, mcpages;
	int drops, stage_stats, punt, meters;
	int cache, cache_ctl, cache_stats;
	int mac_bind;		/* maps/router.h */
	int lb_hairpin;		/* maps/lb.h */
	int qos_meters;		/* maps/qos.h */
	int descs;		/* ovn_stage_descs (maps/pipeline.h) */
	bool owned;		/* fds opened by us (pinned), closed by close() */
};

/* Fill M from a loaded object (the fds stay owned by the object). */
int ovnbpf_maps_from_object(struct bpf_object *obj, struct ovnbpf_maps *m);
/* Open the maps pinned under PIN_DIR (NULL = OVNBPF_PIN_DIR). */
int ovnbpf_maps_open_pinned(const char *pin_dir, struct ovnbpf_maps *m);
void ovnbpf_maps_close(struct ovnbpf_maps *m);

/* One clause of a compiled match: ctx[off + i] & mask[i] == value[i] for
 * i < len (len <= 16, off + len <= OVN_CTX_FIELDS_END).  Several clauses
 * may share bytes as long as they agree. */
struct ovnbpf_match {
	uint16_t off;
	uint8_t len;
	uint8_t value[16];
	uint8_t mask[16];
};

/* A compiled logical flow of one datapath. */
struct ovnbpf_flow_spec {
	uint32_t dp;			/* datapath tunnel key */
	uint8_t pipeline;		/* enum ovn_pipeline */
	uint8_t table;
	uint16_t priority;
	const struct ovnbpf_match *match;
	uint32_t n_match;
	const struct ovn_set_test *sets;	/* flags must include USED */
	uint32_t n_sets;		/* <= OVN_FLOW_SETS */
	const struct ovn_op *ops;	/* any length up to OVNBPF_MAX_FLOW_OPS */
	uint32_t n_ops;
};

#define OVNBPF_MAX_FLOW_OPS	((OVN_PROG_MAX_OPS - 1) * 8)

struct ovnbpf_writer;

int ovnbpf_writer_new(const struct ovnbpf_maps *m, struct ovnbpf_writer **out);
void ovnbpf_writer_free(struct ovnbpf_writer *w);
/* Retired entries are reclaimed at a commit (or ovnbpf_reclaim()) once
 * GRACE_NS have passed since the commit that hid them (default 50 ms). */
void ovnbpf_writer_set_grace(struct ovnbpf_writer *w, uint64_t grace_ns);

/* Stage a flow; *id names it for ovnbpf_flow_del().  -EINVAL on a bad
 * spec (contradictory match, bad offset), -E2BIG when the match needs more
 * than OVN_CLS_WORDS context words, -ENOSPC when the stage would get more
 * than OVN_STAGE_MAX_SUB distinct masks or a map is full. */
int ovnbpf_flow_add(struct ovnbpf_writer *w, const struct ovnbpf_flow_spec *f, uint32_t *id);
int ovnbpf_flow_del(struct ovnbpf_writer *w, uint32_t id);

/* Set members (address sets, port groups, inline sets).  VAL has LEN bytes
 * (as the field is stored in the context: big-endian); PLEN < LEN * 8 makes
 * a CIDR member (LPM), which needs OVN_SET_T_LPM in the flows' tests. */
int ovnbpf_set_add(struct ovnbpf_writer *w, uint32_t set_id, const void *val, uint8_t len,
		   uint8_t plen);
int ovnbpf_set_del(struct ovnbpf_writer *w, uint32_t set_id, const void *val, uint8_t len,
		   uint8_t plen);

/* Immediate, one entry each. */
int ovnbpf_datapath_add(struct ovnbpf_writer *w, uint32_t dp, enum ovn_dp_type type);
int ovnbpf_datapath_del(struct ovnbpf_writer *w, uint32_t dp);
/* Conntrack zones of a datapath added before (-ENOENT otherwise). */
int ovnbpf_datapath_set_zones(struct ovnbpf_writer *w, uint32_t dp, uint16_t dnat, uint16_t snat);
int ovnbpf_port_add(struct ovnbpf_writer *w, uint32_t dp, uint32_t port, const struct ovn_port *p);
int ovnbpf_port_del(struct ovnbpf_writer *w, uint32_t dp, uint32_t port);
/* The port's record (maps/ports.h): stage member M (kind GROUP with
 * set_id, or ADDR with v/len/plen) of port (dp, port) for the next commit,
 * like a set member; one update of the port's entry.  -ENOENT: no
 * ovn_ports entry; -ENOSPC: no free slot; -EEXIST: already there.  The
 * caller puts what does not fit into the set maps after
 * ovnbpf_port_spill(). */
int ovnbpf_port_member_add(struct ovnbpf_writer *w, uint32_t dp, uint32_t port,
			   const struct ovn_port_member *m);
/* Stage the removal of member M (-ENOENT: not there). */
int ovnbpf_port_member_del(struct ovnbpf_writer *w, uint32_t dp, uint32_t port,
			   const struct ovn_port_member *m);
/* From now on, set tests about this port also ask the set maps
 * (OVN_PORT_F_SPILL), now or when its entry is written. */
int ovnbpf_port_spill(struct ovnbpf_writer *w, uint32_t dp, uint32_t port);
int ovnbpf_vif_add(struct ovnbpf_writer *w, uint32_t ifindex, const struct ovn_vif *v);
int ovnbpf_vif_del(struct ovnbpf_writer *w, uint32_t ifindex);
/* Multicast group KEY of DP = PORTS[0..N), any N (maps/ports.h): its pages
 * under a new generation, then its head; the old pages go after the
 * grace period.  Unchanged members write nothing.  N above
 * OVN_MC_MAX_MEMBERS installs the first OVN_MC_MAX_MEMBERS and returns
 * -E2BIG (the datapath counts DROP_MC_TOO_BIG for each packet flooded). */
int ovnbpf_mcgroup_set(struct ovnbpf_writer *w, uint32_t dp, uint32_t key, const uint32_t *ports,
		       uint32_t n);
int ovnbpf_mcgroup_del(struct ovnbpf_writer *w, uint32_t dp, uint32_t key);
int ovnbpf_meter_set(struct ovnbpf_writer *w, uint32_t id, uint32_t rate_pps, uint32_t burst);

/* The exact-match cache (maps/cache.h): on by default.  Turning it off or
 * on also invalidates every entry. */
int ovnbpf_cache_enable(struct ovnbpf_writer *w, bool on);
/* Invalidate every cached result now (bump the epoch). */
int ovnbpf_cache_invalidate(struct ovnbpf_writer *w);
/* ovn_cache_stats summed over CPUs; *entries = entries in ovn_cache (if
 * ENTRIES), *hits = sum of the entries' own hit counters (if HITS). */
int ovnbpf_cache_read_stats(const struct ovnbpf_maps *m, struct ovn_cache_stats *s,
			    uint64_t *entries, uint64_t *hits);

/* Restart (DESIGN §3.9): ovnbpf_writer_new() adopts what a previous
 * writer left in pinned maps -- the entries visible at the active version
 * stay in force and their ids are never reused; invisible leftovers are
 * freed.  An add identical to an adopted entry keeps it as is.  Once the
 * caller has installed its whole rule set, ovnbpf_adopt_finish() stages
 * the removal of every adopted flow and set member it did not add again;
 * the next commit swaps the rule sets and then deletes unclaimed datapaths,
 * ports, multicast groups and VIFs.  Without the call, adopted entries stay. */
int ovnbpf_adopt_finish(struct ovnbpf_writer *w);
/* Adopted flows still pending a decision, and how many were claimed. */
void ovnbpf_adopt_stats(const struct ovnbpf_writer *w, uint32_t *flows, uint32_t *claimed);

/* Make every staged flow/set change visible at once; reclaim what earlier
 * commits retired.  Returns 0 or -errno. */
int ovnbpf_commit(struct ovnbpf_writer *w);
int ovnbpf_reclaim(struct ovnbpf_writer *w);
uint32_t ovnbpf_version(const struct ovnbpf_writer *w);
/* Which limit the last ovnbpf_flow_add() that failed ran into, when its
 * -errno alone does not say (NULL otherwise). */
const char *ovnbpf_writer_why(const struct ovnbpf_writer *w);
/* The maps W writes (for tables kept outside the writer: maps/router.h). */
const struct ovnbpf_maps *ovnbpf_writer_maps(const struct ovnbpf_writer *w);

/* Introspection for tests and ovnbpfctl. */
struct ovnbpf_writer_stats {
	uint32_t flows, subtables, progs, stages, pending, retired;
	uint32_t recs;			/* ovn_flows records (shared by flows) */
	uint32_t max_stage_masks;	/* most subtables of one stage */
	uint32_t stage_chains;		/* stages listed in more than one entry */
};
void ovnbpf_writer_stats(const struct ovnbpf_writer *w, struct ovnbpf_writer_stats *s);
/* Program id (ovn_progs index) of flow ID, or -ENOENT. */
int ovnbpf_flow_prog(const struct ovnbpf_writer *w, uint32_t id);
/* ovn_flows record (ovn_cls_cell.rec) of flow ID, or -ENOENT. */
int ovnbpf_flow_rec(const struct ovnbpf_writer *w, uint32_t id);

/* Where a paused packet of flow ID continues (maps/resume.h): the op
 * after its first non-continuing PUNT whose arg is PUNT_ARG, as (program
 * id, op index).  -ENOENT when the flow is not live or has no such op. */
int ovnbpf_flow_resume_point(const struct ovnbpf_writer *w, uint32_t id, uint32_t punt_arg,
			     uint32_t *prog, uint32_t *pc);

/* Stage name ("ls_in_acl", ...) of (dp_type, pipeline, table). */
const char *ovnbpf_stage_name(enum ovn_dp_type type, enum ovn_pipeline pipeline, unsigned int table);

#endif /* __OVNBPF_MAPS_OVNBPF_MAPS_H */
