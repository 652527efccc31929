/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Controller events: OVN's `trigger_event(event = "empty_lb_backends",
 * vip = "V", protocol = "P", load_balancer = "UUID")`, which northd 23.03
 * emits for a VIP without backends when NB_Global options:controller_event
 * (or the load balancer's options:event) is true.  The packet goes on
 * through its flow's remaining actions; ovnbpfd gets a copy and reports the
 * event as a SB Controller_Event row, as ovn-controller 23.03's pinctrl
 * does:
 *
 *  - the compiler interns the event's options as a descriptor and emits a
 *    continuing PUNT op whose arg is PUNT_MAKE(ACT_TRIGGER_EVENT, id): the
 *    punt carries only the id.  A trigger_event without one of vip,
 *    protocol, load_balancer is reported (flow UUID) and emits nothing;
 *  - a punt adds the event to a table of pending events, once per
 *    (vip, protocol, load_balancer), at most CTRL_EVENT_MAX of them;
 *  - when the SB can take a transaction (synced, chassis registered, none
 *    of ours in flight), every pending event without a Controller_Event
 *    row of the same type and info on our chassis becomes one: event_type,
 *    event_info {vip, protocol, load_balancer}, chassis = us, seq_num = 1,
 *    2, ... counted by this process.  Then the table is emptied, sent or
 *    not (the row in the SB is what deduplicates from now on);
 *  - while the SB cannot take one, pending events older than
 *    CTRL_EVENT_TIMEOUT_MS are forgotten.
 *
 * The CMS consumes the rows and deletes them; a later packet of a VIP
 * still without backends then writes a new one.  Controller_Event is
 * monitored for our chassis only (as ovn-controller does).
 */
#ifndef __OVNBPF_LOADER_CONTROLLER_EVENT_H
#define __OVNBPF_LOADER_CONTROLLER_EVENT_H

#include <stdbool.h>
#include <stdint.h>

#include <jansson.h>

#include "maps/actions.h"

#define CTRL_EVENT_MAX		1000
#define CTRL_EVENT_TIMEOUT_MS	10000

struct action_event;
struct ovsdb_client;
struct ovsdb_table;
struct ovsdb_uuid;
struct sb_sync;

/* ---- compiler side: descriptors (process-wide, never freed) ---- */

struct ctrl_event_desc {
	const char *type;		/* SB event_type: "empty_lb_backends" */
	char *vip, *protocol, *load_balancer;
};

/* Id (1..65535) of E's descriptor; -EINVAL (*WHY says what is missing or
 * wrong), -ENOSPC when all ids are taken. */
int ctrl_event_intern(const struct action_event *e, const char **why);
const struct ctrl_event_desc *ctrl_event_get(uint32_t id);
/* The continuing PUNT op of E in a flow whose punts go to METER. */
int ctrl_event_op(const struct action_event *e, uint16_t meter, struct ovn_op *op,
		  const char **why);

/* ---- daemon side: pending events and the SB rows ---- */

struct ctrl_events;

struct ctrl_event_stats {
	uint64_t punts;			/* trigger_event punts seen */
	uint64_t unknown;		/* ... with an id no descriptor has */
	uint64_t deduped;		/* ... already pending */
	uint64_t overflow;		/* ... dropped: CTRL_EVENT_MAX pending */
	uint64_t expired;		/* pending events forgotten unsent */
	uint64_t in_sb;			/* flushed: the SB had the row already */
	uint64_t inserted;		/* rows sent */
	uint64_t txn_failed;		/* transactions refused or lost */
};

/* CL may be NULL (tests: no SB, ctrl_events_flush() only).  With a
 * client: monitors Controller_Event on it (call before its first run)
 * and takes the ACT_TRIGGER_EVENT punts. */
int ctrl_events_create(struct ovsdb_client *cl, struct ctrl_events **out);
void ctrl_events_destroy(struct ctrl_events *ce);

/* A punt of descriptor ID at NOW_MS (monotonic): 1 when it became
 * pending, 0 when it already was, -ENOENT for an unknown id, -ENOSPC when
 * the table is full. */
int ctrl_events_note(struct ctrl_events *ce, uint32_t id, uint64_t now_ms);
size_t ctrl_events_pending(const struct ctrl_events *ce);
/* Forget the pending events older than CTRL_EVENT_TIMEOUT_MS (all of them
 * with FLUSH). */
void ctrl_events_gc(struct ctrl_events *ce, uint64_t now_ms, bool flush);
/* The insert operations for the pending events that CONTROLLER_EVENT (the
 * replica's table; NULL: none known) lacks for chassis ME; NULL when there
 * is nothing to insert.  Empties the table either way. */
json_t *ctrl_events_flush(struct ctrl_events *ce, const struct ovsdb_table *controller_event,
			  const struct ovsdb_uuid *me);

/* From the poll loop, after the punts were read: write what is pending
 * when the SB can take it (ME: our Chassis row, NULL while unknown). */
void ctrl_events_run(struct ctrl_events *ce, const struct ovsdb_uuid *me, uint64_t now_ms);

void ctrl_events_get_stats(const struct ctrl_events *ce, struct ctrl_event_stats *s);

#endif /* __OVNBPF_LOADER_CONTROLLER_EVENT_H */
