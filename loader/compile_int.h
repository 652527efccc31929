/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/* Internals shared by compile.c (flows) and compile_sb.c (SB objects). */
#ifndef __OVNBPF_LOADER_COMPILE_INT_H
#define __OVNBPF_LOADER_COMPILE_INT_H

#include "loader/compile.h"
#include "loader/compile_map.h"

struct symtab;
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
	char *type, *peer;
};

/* A member as installed: value bytes and prefix length. */
struct cc_member {
	uint8_t v[16];
	uint8_t len, plen;
};

struct cc_set {
	uint32_t id;
	bool is_pg;
	char **names;			/* port group: port names */
	size_t n_names;
	struct cc_member *m;		/* installed members */
	size_t n_m;
	bool dirty;
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
	struct compile_stats st;
	struct cc_router *rt;		/* compile_router.c: select() labels */
};

void cc_report(struct compiler *c, enum compile_report_kind kind, const char *uuid,
	       const char *reason, const char *detail);
struct cc_port *cc_port_in_dp(const struct compiler *c, uint32_t dp, const char *name);
uint32_t cc_set_id(struct compiler *c, const char *kind, const char *name);
int cc_compile(struct compiler *c, const char *key, const struct compile_lflow *f,
	       const char *match, const struct cc_ops *ops, bool helper);
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

#endif
