/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * The logical-flow compiler: OVN Southbound rows (Logical_Flow,
 * Datapath_Binding, Port_Binding, Multicast_Group, Address_Set, Port_Group)
 * in, BPF datapath map entries (maps/ovnbpf_maps.h writer) out.
 *
 *   struct compiler *c;
 *   compiler_new(w, &opts, &c);
 *   compile_datapath_add(c, 1, OVN_DP_SWITCH);
 *   compile_port_add(c, &port);            (ports, then groups and sets)
 *   compile_flow_add(c, &lflow);           (every logical flow)
 *   compile_commit(c);                     (one writer commit)
 *
 * A logical flow becomes one writer flow per conjunction of its normalised
 * match (same priority).  Address sets and port groups become set-membership
 * tests (one set id each; a port group `@pg` on datapath K is the SB group
 * "K_pg", whose members are port keys), so a member change is a set-map
 * update that recompiles no flow.  The writer flow ids of each logical flow
 * are remembered under its UUID: compile_flow_del() touches only them.
 * Flows that differ only in one `inport/outport == "P"` form a family
 * compiled as one flow over an implicit port group (compile_family.c): a
 * member added or deleted is a group member change there too.
 *
 * Actions the datapath cannot execute yet are reported (report callback,
 * with the flow's UUID and a reason) and compiled at their place as:
 *   - ct_* verbs: an op in OVN_OP_CT_FIRST.. (arg = enum action_type), which
 *     the BPF datapath counts as DROP_CT_UNSUPPORTED until conntrack lands;
 *   - any other verb: OVN_OP_PUNT with arg = COMPILE_PUNT_UNSUPPORTED | type
 *     (counted per stage as punted, the daemon logs it).
 * Control-plane verbs (put_arp, put_nd, put_fdb, put_dhcp_opts, dns_lookup,
 * log, ...) compile to OVN_OP_PUNT with arg = enum action_type.
 *
 * Port security (check_in_port_sec/check_out_port_sec) runs helper tables
 * OVN_HT_PORT_SEC_IN/OUT that compile_port_add() fills from the port's
 * port_security strings, as ovn-controller does for OpenFlow tables 73-75.
 */
#ifndef __OVNBPF_LOADER_COMPILE_H
#define __OVNBPF_LOADER_COMPILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "loader/actions.h"
#include "loader/fields.h"
#include "maps/ovnbpf_maps.h"

/* PUNT opcode of a verb the datapath cannot run natively yet. */
#define COMPILE_PUNT_UNSUPPORTED	0x8000u

enum compile_report_kind {
	COMPILE_R_ERROR,	/* flow skipped: bad match/actions */
	COMPILE_R_UNSUPPORTED,	/* compiled, with a punt/ct op in place */
	COMPILE_R_WRITER,	/* the map writer refused an entry */
};

struct compile_opts {
	const struct action_opt_table *dhcp_opts;
	const struct action_opt_table *dhcpv6_opts;
	/* is_chassis_resident("port"): true when the port is bound here.
	 * NULL: a port is resident when it has an ifindex. */
	bool (*is_chassis_resident)(void *aux, const char *port);
	/* Every error / unsupported action; REASON is a short stable text
	 * ("ct_next", "match: ...").  NULL: logged at warn level. */
	void (*report)(void *aux, enum compile_report_kind kind, const char *uuid,
		       const char *reason, const char *detail);
	void *aux;
	/* Per-port flow families (loader/compile_family.c): flows that
	 * differ only in one `inport/outport == "P"` compile to one flow
	 * once a family has this many members.  0: COMPILE_FAMILY_MIN;
	 * UINT_MAX: never. */
	unsigned int family_min;
};

#define COMPILE_FAMILY_MIN	4

/* One Logical_Flow row. */
struct compile_lflow {
	const char *uuid;
	uint32_t dp;			/* Datapath_Binding.tunnel_key */
	uint8_t pipeline;		/* enum ovn_pipeline (ingress/egress) */
	uint8_t table;
	uint16_t priority;
	const char *match;
	const char *actions;
	uint16_t controller_meter;	/* meter id for punts, 0 = default */
};

/* One Port_Binding row. */
struct compile_port {
	const char *name;		/* logical_port */
	uint32_t dp;			/* its datapath's tunnel key */
	uint32_t key;			/* tunnel_key */
	const char *type;		/* "", "patch", "router", "localnet", ... */
	const char *peer;		/* options:peer (patch) or router-port */
	const char *const *port_security;
	size_t n_port_security;
	uint32_t ifindex;		/* bound to this local interface, 0: not */
	uint32_t ct_zone;
	/* IFINDEX is another port's interface, used for delivery only (a
	 * virtual port's parent: loader/vport.h): no ovn_vifs entry. */
	bool deliver_only;
	/* Not here: ovn_chassis id of the chassis its packets are tunnelled
	 * to (its binding's, or a chassisredirect port's gateway), 0: none
	 * (loader/encaps.h). */
	uint32_t chassis;
	const char *network;		/* localnet: options:network_name */
	uint32_t tag;			/* localnet: Port_Binding.tag, 0: none */
};

struct compile_stats {
	size_t flows;			/* logical flows compiled */
	size_t errors;			/* skipped: parse/normalise errors */
	size_t unsupported;		/* compiled with unsupported actions */
	size_t writer_errors;		/* an entry the writer refused */
	size_t writer_flows;		/* writer flows (classifier cells) */
	size_t set_members;		/* address set + port group members */
	size_t empty;			/* match can never be true here */
	size_t helper_flows;		/* port security / FDB helper flows */
	/* Cumulative work, never decremented: tests and benchmarks tell a
	 * set-map update (set_members_written moves) from a recompile
	 * (flows_compiled, entries_written move). */
	size_t flows_compiled;		/* compile_flow_add() calls that compiled */
	size_t entries_written;		/* writer flows added */
	size_t set_members_written;	/* set members added or removed */
	/* Per-port flow families compiled as one flow, and their member
	 * logical flows (counted in flows too, compiled in none). */
	size_t families;
	size_t family_members;
};

struct compiler;

int compiler_new(struct ovnbpf_writer *w, const struct compile_opts *opts,
		 struct compiler **out);
void compiler_free(struct compiler *c);
/* SB DHCP_Options / DHCPv6_Options (must outlive the compiler). */
void compile_set_opt_tables(struct compiler *c, const struct action_opt_table *dhcp,
			    const struct action_opt_table *dhcpv6);

int compile_datapath_add(struct compiler *c, uint32_t dp, enum ovn_dp_type type);
/* The datapath's DNAT and SNAT conntrack zones (reg11/reg12 on entry). */
int compile_datapath_set_zones(struct compiler *c, uint32_t dp, uint16_t dnat, uint16_t snat);
/* Add or replace a port (its port-security helper flows too). */
int compile_port_add(struct compiler *c, const struct compile_port *p);
int compile_port_del(struct compiler *c, const char *name);
/* Multicast_Group: members by port name (unknown names are skipped). */
int compile_mcgroup_set(struct compiler *c, uint32_t dp, uint32_t key, const char *name,
			const char *const *ports, size_t n);
/* Address_Set / Port_Group (SB name, "K_pg") contents: the members are
 * diffed against what is installed; no flow is recompiled. */
int compile_addr_set_set(struct compiler *c, const char *name, const char *const *addrs,
			 size_t n);
int compile_port_group_set(struct compiler *c, const char *name, const char *const *ports,
			   size_t n);
/* FDB row: MAC learnt on port PORT of datapath DP (get_fdb/lookup_fdb);
 * adding a known (dp, MAC) moves it to PORT.  (loader/compile_fdb.c) */
int compile_fdb_add(struct compiler *c, uint32_t dp, const uint8_t mac[6], uint32_t port);
int compile_fdb_del(struct compiler *c, uint32_t dp, const uint8_t mac[6]);
/* Remove everything installed for datapath DP (flows, helper flows,
 * ports, VIFs, multicast groups, FDB); the ovn_dps entry goes with the
 * next commit's version flip. */
int compile_datapath_del(struct compiler *c, uint32_t dp);

/* 0 when compiled (possibly with unsupported actions), -EINVAL when the
 * flow was skipped (reported), -EEXIST for a known UUID. */
int compile_flow_add(struct compiler *c, const struct compile_lflow *f);
int compile_flow_del(struct compiler *c, const char *uuid);

/* Flows with pausing controller actions (put_dhcp_opts, dns_lookup, ...),
 * for the daemon that answers their punts (loader/compile_pause.c). */
struct compile_pause {
	const char *actions;		/* Logical_Flow.actions */
	uint32_t dp;
	uint8_t pipeline, table;
};
/* The logical flow of writer flow FLOW_ID (ovn_punt_event.flow) if it
 * pauses, else NULL. */
const struct compile_pause *compile_pause_find(const struct compiler *c, uint32_t flow_id);
/* Parse its actions with the compiler's symbols and option tables; free
 * RES with action_parse_result_free(). */
int compile_pause_parse(struct compiler *c, const struct compile_pause *p,
			struct action_parse_result *res);

/* Where the 1-bit result DST of a controller action lives in the logical
 * state (struct ovn_md): byte BYTE, bit MASK.  -EOPNOTSUPP otherwise. */
int compile_result_bit(const struct action_field *dst, uint16_t *byte, uint8_t *mask);

/* Write pending port-group members and commit the writer. */
int compile_commit(struct compiler *c);

void compile_get_stats(const struct compiler *c, struct compile_stats *s);
/* Every compiled key -- a logical flow's UUID as given to
 * compile_flow_add(), or a helper flow's "ps\1PORT\1N" / "fdb\1..." --
 * with its writer flow ids (the ovn_flows indexes the datapath reports as
 * the matched flow).  For traces. */
void compile_for_each_flow(const struct compiler *c,
			   void (*fn)(void *aux, const char *key, const uint32_t *ids, size_t n),
			   void *aux);

/* For every logical flow that is a member of a family compiled as one
 * flow (loader/compile_family.c): each writer flow id of the family, the
 * family's port field (outport, else inport), the member's port key and
 * its key as given to compile_flow_add().  The writer flow id alone does
 * not name the logical flow then; with the packet's port it does. */
void compile_for_each_family_member(const struct compiler *c,
				    void (*fn)(void *aux, uint32_t flow_id, bool outport,
					       uint32_t port_key, const char *uuid),
				    void *aux);

/* Context location of a base field: byte offset, width in bytes and the
 * left shift of the field's bit 0 within those bytes.  -ENOENT when the
 * context has no place for it. */
int compile_field_loc(enum mf_field_id id, uint16_t *off, uint8_t *len, uint8_t *shift);

#endif /* __OVNBPF_LOADER_COMPILE_H */
