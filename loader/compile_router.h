/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * The compiler's logical-router actions: get_arp/get_nd,
 * lookup_arp/lookup_nd[_ip] (the neighbour table, maps/router.h) and
 * select() (Kube-OVN hash ECMP, bpf/lib/select.h).
 */
#ifndef __OVNBPF_LOADER_COMPILE_ROUTER_H
#define __OVNBPF_LOADER_COMPILE_ROUTER_H

#include <stdbool.h>
#include <stdint.h>

#include "loader/actions.h"
#include "loader/compile.h"

struct compiler;
struct cc_ops;

/* Whether the router emitter handles actions of TYPE. */
bool cc_router_handles(enum action_type type);

/* Append the ops of ACT (a type cc_router_handles()) of flow F to OPS.
 * Returns 0, or -errno with *WHY set when the action cannot be compiled. */
int cc_router_emit(struct compiler *c, const struct compile_lflow *f, struct cc_ops *ops,
		   const struct action *act, const char **why);

/* Bookkeeping of select() member labels (see compile_router.c): every
 * flow added and deleted, and at commit the select flows whose members
 * changed compile again. */
void cc_router_flow_added(struct compiler *c, const struct compile_lflow *f);
void cc_router_flow_deleted(struct compiler *c, const char *uuid);
void cc_router_commit(struct compiler *c);
void cc_router_free(struct compiler *c);

/* OVS field names of select(hash_fields="...") -> OVN_SELECT_H_* bits;
 * -EINVAL (and *BAD = the first unknown name, a static buffer) if one is
 * not known. */
int cc_select_hash_fields(const char *text, uint32_t *bits, const char **bad);

/* Datapath and tunnel key of logical port NAME, as the compiler knows it.
 * -ENOENT if it does not. */
int compile_port_key(const struct compiler *c, const char *name, uint32_t *dp, uint32_t *key);

#endif /* __OVNBPF_LOADER_COMPILE_ROUTER_H */
