/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/* Internals shared by compile.c (flows) and compile_sb.c (SB objects). */
#ifndef __OVNBPF_LOADER_COMPILE_INT_H
#define __OVNBPF_LOADER_COMPILE_INT_H

#include "loader/compile.h"
#include "loader/compile_map.h"

struct symtab;
struct port_sec;
struct cc_router;

struct cc_ops {
	struct ovn_op *v;
	size_t n, alloc;
};

/* Writer flow ids of one logical flow (or of one port's helper flows). */
struct cc_rec {
	uint32_t *ids;
	size_t n, alloc;
	uint32_t dp;			/* datapath the flows are on */
};

struct cc_port {
	char *name;
	uint32_t dp, key, ifindex, ct_zone;
	uint32_t chassis;		/* compile_port.chassis */
	char *type, *peer;
	bool deliver_only;		/* compile_port.deliver_only */
	char *network;			/* localnet: options:network_name */
	uint32_t tag;			/* localnet: VLAN ID, 0: none */
};

/* A member as installed: value bytes and prefix length. */
struct cc_member {
	uint8_t v[16];
	uint8_t len, plen;
	bool in_rec;			/* lives in a port record (maps/ports.h) */
};

struct cc_set {
	uint32_t id;
	bool is_pg;
	char **names;			/* port group: port names */
	size_t n_names;
	struct cc_member *m;		/* members, sorted (installed if used) */
	size_t n_m;
	bool dirty;
	bool used;			/* a compiled flow tests it: members written */
	uint32_t pg_dp;			/* port group: its datapath (members' records) */
};

struct compiler {
	struct ovnbpf_writer *w;
	struct compile_opts opts;
	struct symtab *symtab;
	struct smap recs;		/* uuid / "ps:port" -> struct cc_rec */
	struct smap ports;		/* name -> struct cc_port */
	struct smap mcgroups;		/* "dp\1name" -> key */
	struct smap sets;		/* "$name" / "@K_pg" -> struct cc_set */
	struct smap dps;		/* "%u" -> type + 1 */
	struct smap pauses;		/* "%u" writer flow id -> struct cc_pause */
	uint32_t next_set_id;
	struct port_sec *ps;		/* loader/port_security.c */
	struct compile_stats st;
	struct cc_router *rt;		/* compile_router.c: select() labels */
	struct cc_qos *qos;		/* compile_qos.c: set_meter ids */
	struct cc_families *fam;	/* compile_family.c: per-port flow families */
	struct cc_localnet *ln;		/* localnet.c: localnet ports */
};

void cc_report(struct compiler *c, enum compile_report_kind kind, const char *uuid,
	       const char *reason, const char *detail);
/* Append OP to O (out of memory aborts, as xrealloc does). */
void cc_ops_push(struct cc_ops *o, const struct ovn_op *op);
/* The same, for call sites that chain -errno results. */
static inline int cc_ops_push_err(struct cc_ops *o, const struct ovn_op *op)
{
	cc_ops_push(o, op);
	return 0;
}
/* Is local datapath DP a logical router? */
bool cc_dp_is_router(const struct compiler *c, uint32_t dp);
/* Write port P's ovn_ports entry again (loader/localnet.c). */
int cc_port_rewrite(struct compiler *c, struct cc_port *p);
struct cc_port *cc_port_in_dp(const struct compiler *c, uint32_t dp, const char *name);
uint32_t cc_set_id(struct compiler *c, const char *kind, const char *name);
/* cc_set_id() for a flow that tests the set: its members get written. */
uint32_t cc_set_use(struct compiler *c, const char *kind, const char *name);
void cc_set_install(struct compiler *c, struct cc_set *s);
int cc_compile(struct compiler *c, const char *key, const struct compile_lflow *f,
	       const char *match, const struct cc_ops *ops, bool helper);
int cc_compile_sets(struct compiler *c, const char *key, const struct compile_lflow *f,
		    const char *match, const struct cc_ops *ops, bool helper,
		    const struct ovn_set_test *extra, size_t n_extra);
int cc_del_rec(struct compiler *c, const char *key);
uint8_t cc_n_tables(const struct compiler *c, uint32_t dp, uint8_t pipeline);
/* Flows with pausing controller actions (compile_pause.c). */
void cc_pause_record(struct compiler *c, const struct compile_lflow *f);
void cc_pause_forget(struct compiler *c, uint32_t flow_id);
void cc_pause_free_all(struct compiler *c);
/* Conntrack verb ACT of flow F as ops (compile_ct.c); NESTED(AUX, list)
 * emits a nested action list.  -EOPNOTSUPP for a verb not done yet. */
int cc_emit_ct(struct compiler *c, const struct compile_lflow *f, struct cc_ops *ops,
	       const struct action *act,
	       void (*nested)(void *aux, const struct action_list *l), void *aux);
/* NAT and load-balancer verbs (compile_lb.c), same contract. */
int cc_emit_natlb(struct compiler *c, const struct compile_lflow *f, struct cc_ops *ops,
		  const struct action *act);
int cc_lb_hash_fields(const char *s, uint8_t *out);
/* chk_lb_aff, commit_lb_aff (compile_lb_aff.c), same contract. */
int cc_emit_lb_aff(struct compiler *c, const struct compile_lflow *f, struct cc_ops *ops,
		   const struct action *act);
/* Per-port flow families (compile_family.c).  cc_family_add(): 1 when
 * flow F (actions compiled to OPS, needing PREREQS) joined a family
 * compiled as one flow -- nothing more to compile; 0: compile it alone.
 * cc_family_del(): 1 when UUID left such a family (its flows were the
 * family's), 0 otherwise (delete its own flows). */
int cc_family_add(struct compiler *c, const struct compile_lflow *f, const struct cc_ops *ops,
		  const char *prereqs);
bool cc_family_has(const struct compiler *c, const char *uuid);
int cc_family_del(struct compiler *c, const char *uuid);
/* Member lists -> implicit port groups; before the groups resolve. */
void cc_family_commit(struct compiler *c);
void cc_family_datapath_del(struct compiler *c, uint32_t dp);
void cc_family_free(struct compiler *c);
void cc_family_stats(const struct compiler *c, struct compile_stats *s);
/* Remove set KIND NAME and its installed members (compile_sb.c). */
void cc_set_drop(struct compiler *c, const char *kind, const char *name);
/* Byte range of an action field (compile.c); *bit = shift of its bit 0. */
int afield_bytes(const struct action_field *af, enum mf_field_id *fid, uint16_t *off,
		 uint8_t *len, unsigned int *bit, unsigned int *n_bits);

#endif
