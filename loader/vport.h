/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Virtual ports (Logical_Switch_Port type "virtual", options virtual-ip
 * and virtual-parents): an address that moves between parent ports, as
 * keepalived/VRRP pods use it.  northd 23.03 adds, per parent P, a
 * priority-100 ls_in_arp_rsp flow `bind_vport(V, inport); next;` for an
 * ARP request/reply or ND NS/NA about the virtual IP sent by P.  Here, as
 * in ovn-controller 23.03:
 *
 *  - compiler: bind_vport is a continuing PUNT (the packet goes on) whose
 *    argument is V's tunnel key; the parent is the punt's inport (the
 *    second argument is always `inport` in northd's flows; another field
 *    is reported).  A V unknown on the flow's datapath emits nothing, as
 *    ovn-controller's encoder does;
 *  - punt: the request (datapath key, V's key, parent key) becomes
 *    pending, once per (datapath, V) -- a later punt replaces the parent --
 *    at most VPORT_PENDING_MAX of them (pinctrl's put_vport_bindings);
 *  - when the SB can take a transaction (synced, chassis registered, none
 *    of ours in flight) each pending request whose ports resolve, V of
 *    type "virtual", becomes Port_Binding(V).chassis = us and
 *    .virtual_parent = P's name, unless V already says so; then the table
 *    is emptied;
 *  - claims and releases, as binding.c does for virtual ports: V with a
 *    virtual_parent claimed here and bound to a local interface is ours
 *    (chassis = us; up = true when the parent is up and V's up column has
 *    a value); V claimed by us whose virtual_parent is not such a port
 *    any more (failover to another chassis' parent, parent unbound,
 *    virtual_parent cleared) is released: chassis and virtual_parent
 *    cleared.
 *
 * The datapath (engine.c): V bound here with its parent's interface
 * present gets an ovn_ports entry that delivers to that interface (its
 * own key, port security and conntrack zone; the parent's ovn_vifs entry,
 * hence the parent's ingress, is untouched) and counts as
 * is_chassis_resident(V); otherwise V is a remote port.  `ovnbpfctl
 * bind IFACE V` does not make V local: a virtual port is never bound by
 * interface (ovn-controller ignores iface-id = V too).
 */
#ifndef __OVNBPF_LOADER_VPORT_H
#define __OVNBPF_LOADER_VPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "maps/punt.h"

#define VPORT_PENDING_MAX	1000

struct action;
struct bindings;
struct cc_ops;
struct compile_lflow;
struct compiler;
struct ovsdb_client;
struct ovsdb_row;
struct ovsdb_table;
struct ovsdb_uuid;

/* ---- compiler side (compile_vport.c) ---- */

/* bind_vport ACT of flow F: 0 with the op appended (or nothing appended
 * for an unknown V), -EOPNOTSUPP with *WHY when it cannot be compiled. */
int cc_emit_bind_vport(struct compiler *c, const struct compile_lflow *f, struct cc_ops *ops,
		       const struct action *act, const char **why);

/* ---- daemon side: pending bindings and the SB writes ---- */

struct vports;

struct vport_stats {
	uint64_t punts;			/* bind_vport punts seen */
	uint64_t malformed;		/* ... short, or a zero datapath/port key */
	uint64_t deduped;		/* ... for a (datapath, V) already pending */
	uint64_t overflow;		/* ... dropped: VPORT_PENDING_MAX pending */
	uint64_t unresolved;		/* pending ones whose ports are not in the SB,
					 * or V not "virtual" */
	uint64_t already;		/* pending ones the SB already said */
	uint64_t bound;			/* chassis/virtual_parent writes sent */
	uint64_t claimed;		/* binding.c claims (chassis and/or up) sent */
	uint64_t released;		/* releases sent */
	uint64_t txn_failed;		/* transactions refused or lost */
};

/* CL may be NULL (tests: vports_flush() only).  With a client: takes the
 * ACT_BIND_VPORT punts and monitors what it reads (call before the
 * client's first run).  BS: the local interface bindings. */
int vports_create(struct ovsdb_client *cl, const struct bindings *bs, struct vports **out);
void vports_destroy(struct vports *vp);

/* One punt record (LEN bytes): 1 when it became pending, 0 when it
 * replaced a pending one, -EINVAL when malformed, -ENOSPC when full. */
int vports_note(struct vports *vp, const struct ovn_punt_event *ev, size_t len);
size_t vports_pending(const struct vports *vp);

/* The Port_Binding updates that the pending requests and the claim /
 * release rules call for, given the replica's PORT_BINDING and
 * DATAPATH_BINDING and our chassis ME; NULL when there is nothing to
 * write.  Empties the pending table either way. */
json_t *vports_flush(struct vports *vp, const struct ovsdb_table *port_binding,
		     const struct ovsdb_table *datapath_binding, const struct ovsdb_uuid *me);

/* From the poll loop, after the punts were read. */
void vports_run(struct vports *vp, const struct ovsdb_uuid *me);

void vports_get_stats(const struct vports *vp, struct vport_stats *s);

/* ---- engine side ---- */

/* The interface a virtual port's packets are delivered to: its
 * virtual_parent's, when PB (type "virtual") is bound to chassis ME and
 * the parent is bound to a present local interface; else 0. */
uint32_t vport_parent_ifindex(const struct ovsdb_row *pb, const struct ovsdb_uuid *me,
			      const struct bindings *bs);

/* The virtual ports resident here (is_chassis_resident()), by name, and
 * those whose residency changed since the flows were last looked at. */
struct vport_residency {
	char **names;
	size_t n;
	char **changed;
	size_t n_changed;
};

/* Record NAME as resident or not; true when that changed. */
bool vport_residency_set(struct vport_residency *r, const char *name, bool resident);
bool vport_residency_has(const struct vport_residency *r, const char *name);
/* Does a flow with MATCH ask is_chassis_resident() about a port whose
 * residency changed?  vport_residency_done() forgets the changes. */
bool vport_residency_names(const struct vport_residency *r, const char *match);
void vport_residency_done(struct vport_residency *r);
void vport_residency_free(struct vport_residency *r);

#endif /* __OVNBPF_LOADER_VPORT_H */
