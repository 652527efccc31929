/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Logical flows the daemon adds itself (Kube-OVN's patches on top of
 * upstream northd: loader/ct_skip.c, loader/lb_dnat_mac.c), as compiled
 * entries it owns.  Each pass computes the wanted set from the replica and
 * synth_set_sync() applies only the differences; a flow the SB already
 * has at the same datapath, stage, priority and match (an SB written by
 * Kube-OVN's patched northd) is never added a second time.
 *
 * Keys: "DP\1PIPELINE\1TABLE\1PRIO\1MATCH"; the compiler sees them as
 * "PREFIX\1KEY" (loader/trace_sb.c reads the ct_skip ones back).
 */
#ifndef __OVNBPF_LOADER_SYNTH_FLOWS_H
#define __OVNBPF_LOADER_SYNTH_FLOWS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "loader/compile.h"
#include "loader/compile_map.h"

struct ovsdb_row;
struct ovsdb_replica;

/* The flows one feature has installed. */
struct synth_set {
	struct compiler *c;
	const char *prefix;		/* static string, e.g. "ctskip" */
	struct smap installed;		/* key -> (void *)1 */
};

/* One pass: the flows wanted now, and the SB's own flows to leave alone. */
struct synth_want {
	struct smap keys;		/* key -> struct compile_lflow (owned) */
	struct smap existing;		/* keys of SB flows */
};

/* Table number of the switch stage NAME in pipeline P, -1 if unknown. */
int synth_stage(enum ovn_pipeline p, const char *name);
bool synth_key_local(const uint32_t *ldp, size_t n, uint32_t k);
/* Want the flow (ACTIONS is copied); nothing if TABLE < 0, or if the SB or
 * this pass already has it. */
void synth_want_add(struct synth_want *w, uint32_t dp, uint8_t pl, int table, uint16_t prio,
		    const char *match, const char *actions);
/* Record an SB flow so that synth_want_add() skips its twin. */
void synth_want_existing(struct synth_want *w, uint32_t dp, uint8_t pl, int table, int prio,
			 const char *match);
/* The same for SB Logical_Flow ROW on datapath DP. */
void synth_want_existing_row(struct synth_want *w, uint32_t dp, const struct ovsdb_row *row);
/* Install what W wants and S lacks, remove what S has and W does not;
 * frees W.  Returns the number of flows added + removed. */
int synth_set_sync(struct synth_set *s, struct synth_want *w);
bool synth_set_installed(const struct synth_set *s, uint32_t dp, const char *stage,
			 uint16_t prio, const char *match);
void synth_set_destroy(struct synth_set *s);

/* Does the replica's pending change concern a synthesized flow set?  Any
 * change to SB_Global, Port_Binding, Logical_DP_Group or Datapath_Binding
 * does; a Logical_Flow change only if RELEVANT says so (the SB may carry
 * the patched northd's twin of one of our flows). */
typedef bool (*synth_flow_pred)(const struct ovsdb_row *row, const void *arg);
bool synth_tracked(const struct ovsdb_replica *r, synth_flow_pred relevant, const void *arg);

#endif /* __OVNBPF_LOADER_SYNTH_FLOWS_H */
