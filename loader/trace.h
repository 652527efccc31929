/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * ovnbpfctl trace: ovn-trace for the real BPF datapath.
 *
 *   ovnbpfctl trace [--ovnsb-db=REMOTE] [--ct=FLAGS]... [--detailed|--summary]
 *                   [--json] DATAPATH MICROFLOW
 *
 * The whole Southbound DB is compiled (every datapath, every port counted
 * as present) into the maps of a private, unpinned copy of the BPF object
 * loaded with ovn_trace_on = true; the microflow becomes a real frame that
 * runs once through BPF_PROG_TEST_RUN; the recorded path (maps/trace.h) is
 * mapped back to Logical_Flow rows and printed as ovn-trace prints it.
 * A running ovnbpfd's maps and conntrack are never touched.
 *
 * Pieces: trace_flow.c (microflow -> context image -> frame), trace_sb.c
 * (the SB into the compiler, names for printing), trace.c (the command).
 */
#ifndef __OVNBPF_LOADER_TRACE_H
#define __OVNBPF_LOADER_TRACE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "maps/context.h"
#include "maps/pipeline.h"

struct symtab;
struct compiler;
struct ovnbpf_writer;

/* ---- microflow (trace_flow.c) ---- */

/* Port name -> key on the datapath being traced; false if unknown. */
typedef bool trace_port_lookup_fn(void *aux, const char *name, uint32_t *key);

/* Parse MICROFLOW with ovn-trace's rules: after prerequisites are added,
 * it must be one conjunction of equalities (masked ones set only their
 * bits); fields not named are 0 (ip.ttl too).  Fills MD (inport, outport,
 * registers...) and KEY.  0, or -EINVAL with *errp (malloc()ed). */
int trace_microflow_parse(const char *microflow, const struct symtab *st,
			  trace_port_lookup_fn *lookup, void *aux,
			  struct ovn_md *md, struct ovn_flow_key *key, char **errp);
/* The same, and MD_MASK (if not NULL) gets the bits of MD the microflow
 * named: the registers, flags, ct_state... the trace seeds. */
int trace_microflow_parse_mask(const char *microflow, const struct symtab *st,
			       trace_port_lookup_fn *lookup, void *aux, struct ovn_md *md,
			       struct ovn_md *md_mask, struct ovn_flow_key *key, char **errp);

/* Build the Ethernet frame KEY describes (VLAN, IPv4/IPv6 with TCP, UDP,
 * SCTP, ICMP/ICMPv6 incl. ND, or ARP), checksums filled.  Returns its
 * length (<= cap), or 0 if CAP is too small. */
size_t trace_build_frame(const struct ovn_flow_key *key, uint8_t *buf, size_t cap);

/* ---- the Southbound, for compiling and for names (trace_sb.c) ---- */

struct trace_dp {
	uint32_t key;
	enum ovn_dp_type type;
	char *name;			/* as ovn-trace names it */
	char uuid[40];
};

struct trace_port {
	char *name;
	char *type;
	uint32_t dp;
	uint32_t key;
};

/* One Logical_Flow on one datapath. */
struct trace_lflow {
	char uuid[40];
	uint32_t dp;
	uint8_t pipeline;
	uint8_t table;
	uint16_t priority;
	char *match;
	char *actions;
	char *stage;			/* external_ids:stage-name, or ours */
};

/* id_helper of the shared port-security flows (loader/port_security.c);
 * the trace names the port they checked. */
#define TRACE_PS_SETS "port security (address sets)"

struct trace_sb {
	struct trace_dp *dps;
	size_t n_dps;
	struct trace_port *ports;
	size_t n_ports;
	struct trace_lflow *lflows;
	size_t n_lflows;
	/* ovn_flows index -> what it was compiled from */
	size_t n_ids;
	int32_t *id_lflow;		/* index into lflows, -1: none */
	char **id_helper;		/* helper flow description, or NULL */
	size_t n_errors;		/* flows the compiler skipped */
	/* Writer flows of per-port flow families (loader/compile_family.c):
	 * one per (flow, member port); the member is the one whose port the
	 * packet had. */
	struct trace_fam {
		uint32_t flow;
		bool outport;
		uint32_t port;
		int32_t lf;
	} *fams;
	size_t n_fams;
};

/* Connect to REMOTE, read the SB once (TIMEOUT_S) and compile all of it
 * with C.  0 or -errno with a message on stderr. */
int trace_sb_load(struct trace_sb *sb, const char *remote, int timeout_s,
		  struct compiler **cp, struct ovnbpf_writer *w);
/* Map writer flow ids back to their rows (after the compile). */
void trace_sb_index(struct trace_sb *sb, const struct compiler *c);
void trace_sb_free(struct trace_sb *sb);
/* The row writer flow FLOW was compiled from, for a packet with INPORT
 * and OUTPORT at that stage (a family's flow stands for one row per
 * port); -1 if none. */
int32_t trace_sb_flow_lflow(const struct trace_sb *sb, uint32_t flow, uint32_t inport,
			    uint32_t outport);

const struct trace_dp *trace_sb_dp(const struct trace_sb *sb, uint32_t key);
const struct trace_dp *trace_sb_dp_by_name(const struct trace_sb *sb, const char *name);
const struct trace_port *trace_sb_port(const struct trace_sb *sb, uint32_t dp, uint32_t key);
const struct trace_port *trace_sb_port_by_name(const struct trace_sb *sb, const char *name);
/* Stage name of (dp, pipeline, table) as the SB names it. */
const char *trace_sb_stage(const struct trace_sb *sb, uint32_t dp, uint8_t pipeline,
			   uint8_t table);
/* The only flow of a stage whose flows are all `next;`, or NULL. */
const struct trace_lflow *trace_sb_passthrough(const struct trace_sb *sb, uint32_t dp,
					       uint8_t pipeline, uint8_t table);

/* ---- the command (trace.c) ---- */

/* argv[0] is "trace".  0: traced; 1: error in the arguments, the SB or
 * the microflow; 2: usage. */
int trace_main(int argc, char **argv);

#endif /* __OVNBPF_LOADER_TRACE_H */
