// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * Controller events (controller_event.h): trigger_event descriptors, the
 * pending-event table and the SB Controller_Event rows.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "loader/actions.h"
#include "loader/controller_event.h"
#include "loader/log.h"
#include "loader/punt.h"
#include "loader/sb_row.h"
#include "loader/strbuf.h"
#include "ovsdb-client/client.h"

#define MOD "controller_event"
#define CTRL_EVENT_MAX_DESC	65535u
#define DESC_HASH_SIZE		4096u	/* buckets of the descriptor index */

/* OVN's option codes of empty_lb_backends (actions-info.c). */
enum { OPT_VIP = 1, OPT_PROTOCOL = 2, OPT_LOAD_BALANCER = 3 };

static const char EMPTY_LB_BACKENDS[] = "empty_lb_backends";

/* ---- descriptors ---- */

static struct ctrl_event_desc *descs;	/* index = id - 1 */
static uint32_t *desc_next;		/* hash chain, by index; 0 = end */
static uint32_t desc_head[DESC_HASH_SIZE];
static size_t n_descs;

static uint32_t hash_str(uint32_t h, const char *s)
{
	for (; *s; s++)
		h = (h ^ (uint8_t)*s) * 16777619u;
	return (h ^ 0xff) * 16777619u;	/* separator: "ab","c" != "a","bc" */
}

static uint32_t desc_hash(const char *vip, const char *proto, const char *lb)
{
	return hash_str(hash_str(hash_str(2166136261u, vip), proto), lb) % DESC_HASH_SIZE;
}

/* The last value of option CODE (pinctrl keeps the last one given), NULL
 * when absent; *BAD when present but not one string. */
static const char *opt_string(const struct action_event *e, uint16_t code, bool *bad)
{
	const char *s = NULL;

	for (size_t i = 0; i < e->n_opts; i++) {
		const struct action_opt *o = &e->opts[i];

		if (o->code != code)
			continue;
		if (o->value.n != 1 || !o->value.v[0].string) {
			*bad = true;
			return NULL;
		}
		s = o->value.v[0].string;
	}
	return s;
}

int ctrl_event_intern(const struct action_event *e, const char **why)
{
	const char *vip, *proto, *lb;
	struct ctrl_event_desc *d;
	bool bad = false;
	uint32_t h, i;

	if (!e->event || strcmp(e->event, EMPTY_LB_BACKENDS)) {
		*why = "trigger_event: unknown event type";
		return -EINVAL;
	}
	vip = opt_string(e, OPT_VIP, &bad);
	proto = opt_string(e, OPT_PROTOCOL, &bad);
	lb = opt_string(e, OPT_LOAD_BALANCER, &bad);
	if (bad) {
		*why = "trigger_event: an option is not one string";
		return -EINVAL;
	}
	if (!vip || !proto || !lb) {
		*why = !vip ? "trigger_event: no vip option"
			    : !proto ? "trigger_event: no protocol option"
				     : "trigger_event: no load_balancer option";
		return -EINVAL;
	}
	h = desc_hash(vip, proto, lb);
	for (i = desc_head[h]; i; i = desc_next[i - 1]) {
		d = &descs[i - 1];
		if (!strcmp(d->vip, vip) && !strcmp(d->protocol, proto) &&
		    !strcmp(d->load_balancer, lb))
			return (int)i;
	}
	if (n_descs == CTRL_EVENT_MAX_DESC) {
		*why = "trigger_event: too many distinct events";
		return -ENOSPC;
	}
	descs = xrealloc(descs, (n_descs + 1) * sizeof(*descs));
	desc_next = xrealloc(desc_next, (n_descs + 1) * sizeof(*desc_next));
	d = &descs[n_descs];
	d->type = EMPTY_LB_BACKENDS;
	d->vip = xstrndup(vip, strlen(vip));
	d->protocol = xstrndup(proto, strlen(proto));
	d->load_balancer = xstrndup(lb, strlen(lb));
	desc_next[n_descs] = desc_head[h];
	desc_head[h] = (uint32_t)++n_descs;
	return (int)n_descs;
}

const struct ctrl_event_desc *ctrl_event_get(uint32_t id)
{
	return id && id <= n_descs ? &descs[id - 1] : NULL;
}

int ctrl_event_op(const struct action_event *e, uint16_t meter, struct ovn_op *op,
		  const char **why)
{
	int id = ctrl_event_intern(e, why);

	if (id < 0)
		return id;
	memset(op, 0, sizeof(*op));
	op->code = OVN_OP_PUNT;
	op->n = OVN_PUNT_F_CONTINUE;
	op->arg = PUNT_MAKE(ACT_TRIGGER_EVENT, id);
	op->meter = meter;
	return 0;
}

/* ---- pending events ---- */

struct pending {
	uint32_t id;
	uint64_t at_ms;
};

struct ctrl_events {
	struct ovsdb_client *cl;
	struct ovsdb_table *table;	/* Controller_Event in the replica */
	struct pending *v;		/* in arrival order, at most CTRL_EVENT_MAX */
	size_t n;
	bool txn_in_flight;
	bool cond_set;
	struct ovsdb_uuid cond_me;	/* chassis of the condition sent */
	int64_t seq_num;		/* last seq_num written */
	struct ctrl_event_stats st;
};

int ctrl_events_note(struct ctrl_events *ce, uint32_t id, uint64_t now_ms)
{
	ce->st.punts++;
	if (!ctrl_event_get(id)) {
		ce->st.unknown++;
		return -ENOENT;
	}
	/* Descriptors are interned: the same id is the same (vip, protocol,
	 * load_balancer).  The table is small and usually empty. */
	for (size_t i = 0; i < ce->n; i++) {
		if (ce->v[i].id == id) {
			ce->st.deduped++;
			return 0;
		}
	}
	if (ce->n == CTRL_EVENT_MAX) {
		ce->st.overflow++;
		return -ENOSPC;
	}
	ce->v[ce->n++] = (struct pending){ .id = id, .at_ms = now_ms };
	return 1;
}

size_t ctrl_events_pending(const struct ctrl_events *ce)
{
	return ce->n;
}

void ctrl_events_gc(struct ctrl_events *ce, uint64_t now_ms, bool flush)
{
	size_t i, k = 0;

	for (i = 0; i < ce->n; i++) {
		if (!flush && now_ms < ce->v[i].at_ms + CTRL_EVENT_TIMEOUT_MS)
			ce->v[k++] = ce->v[i];
		else if (!flush)
			ce->st.expired++;
	}
	ce->n = k;
}

/* Is there a row of D's type and info on chassis ME in T? */
static bool sb_has_event(const struct ovsdb_table *t, const struct ctrl_event_desc *d,
			 const struct ovsdb_uuid *me)
{
	const struct ovsdb_row *row;

	if (!t || !t->ts)
		return false;
	OVSDB_TABLE_FOR_EACH(row, t) {
		const struct ovsdb_uuid *ch = sb_row_uuid(row, "chassis");
		const char *type = sb_row_string(row, "event_type");
		const char *vip = sb_row_smap_get(row, "event_info", "vip");
		const char *proto = sb_row_smap_get(row, "event_info", "protocol");
		const char *lb = sb_row_smap_get(row, "event_info", "load_balancer");

		if (!ch || !ovsdb_uuid_equals(ch, me) || !type || strcmp(type, d->type))
			continue;
		if (vip && proto && lb && !strcmp(vip, d->vip) && !strcmp(proto, d->protocol) &&
		    !strcmp(lb, d->load_balancer))
			return true;
	}
	return false;
}

json_t *ctrl_events_flush(struct ctrl_events *ce, const struct ovsdb_table *t,
			  const struct ovsdb_uuid *me)
{
	json_t *ops = NULL;

	for (size_t i = 0; i < ce->n; i++) {
		const struct ctrl_event_desc *d = ctrl_event_get(ce->v[i].id);
		json_t *op;

		if (!d)
			continue;
		if (sb_has_event(t, d, me)) {
			ce->st.in_sb++;
			continue;
		}
		op = json_pack("{s:s, s:s, s:{s:s, s:[s, [[s, s], [s, s], [s, s]]], s:o, s:I}}",
			       "op", "insert", "table", "Controller_Event", "row",
			       "event_type", d->type,
			       "event_info", "map", "load_balancer", d->load_balancer,
			       "protocol", d->protocol, "vip", d->vip,
			       "chassis", sb_uuid_json(me),
			       "seq_num", (json_int_t)++ce->seq_num);
		if (!op) {
			ce->seq_num--;
			continue;
		}
		if (!ops)
			ops = json_array();
		json_array_append_new(ops, op);
		ce->st.inserted++;
		pr_info(MOD, "%s: vip %s protocol %s load balancer %s (seq_num %lld)", d->type,
			d->vip, d->protocol, d->load_balancer, (long long)ce->seq_num);
	}
	ce->n = 0;
	return ops;
}

static void txn_done(void *arg, int status, const json_t *result)
{
	struct ctrl_events *ce = arg;
	char *txt;

	ce->txn_in_flight = false;
	if (!status)
		return;
	ce->st.txn_failed++;
	txt = result ? json_dumps(result, JSON_COMPACT) : NULL;
	pr_warn(MOD, "Controller_Event transaction failed (%s): %.300s", strerror(-status),
		txt ? txt : "-");
	free(txt);
}

/* Replicate only our chassis' rows, as ovn-controller monitors them. */
static void set_condition(struct ctrl_events *ce, const struct ovsdb_uuid *me)
{
	json_t *w;

	if (ce->cond_set && ovsdb_uuid_equals(&ce->cond_me, me))
		return;
	w = json_pack("[[s, s, o]]", "chassis", "==", sb_uuid_json(me));
	if (!w)
		return;
	ovsdb_client_set_condition(ce->cl, "Controller_Event", w);
	json_decref(w);
	ce->cond_set = true;
	ce->cond_me = *me;
}

void ctrl_events_run(struct ctrl_events *ce, const struct ovsdb_uuid *me, uint64_t now_ms)
{
	json_t *ops;
	int err;

	if (!ce->cl)
		return;
	if (me && ovsdb_client_is_synced(ce->cl))
		set_condition(ce, me);
	if (!ce->n)
		return;
	/* ovn-controller writes events only with a transaction open, and
	 * otherwise lets them age out: same here, with "open" meaning ours
	 * is not in flight (its rows come back before its reply). */
	if (!me || ce->txn_in_flight || !ovsdb_client_is_synced(ce->cl)) {
		ctrl_events_gc(ce, now_ms, false);
		return;
	}
	ops = ctrl_events_flush(ce, ce->table, me);
	if (!ops)
		return;
	err = ovsdb_client_transact(ce->cl, ops, txn_done, ce);
	if (err) {
		ce->st.txn_failed++;
		pr_warn(MOD, "cannot send Controller_Event rows: %s", strerror(-err));
		return;
	}
	ce->txn_in_flight = true;
}

static uint64_t mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void on_trigger_event(const struct ovn_punt_event *ev, size_t len, void *aux)
{
	struct ctrl_events *ce = aux;
	uint32_t id = PUNT_ARG(ev->opcode);
	int r;

	(void)len;
	r = ctrl_events_note(ce, id, mono_ms());
	if (r == -ENOENT)
		pr_warn(MOD, "trigger_event punt of flow %u with unknown descriptor %u; skipped",
			ev->flow, id);
	else if (r == -ENOSPC && ce->st.overflow == 1)
		pr_warn(MOD, "%d events pending: further ones dropped until they are written",
			CTRL_EVENT_MAX);
}

int ctrl_events_create(struct ovsdb_client *cl, struct ctrl_events **out)
{
	struct ctrl_events *ce = calloc(1, sizeof(*ce));
	int err;

	if (!ce)
		return -ENOMEM;
	ce->v = calloc(CTRL_EVENT_MAX, sizeof(*ce->v));
	if (!ce->v) {
		free(ce);
		return -ENOMEM;
	}
	ce->cl = cl;
	if (cl) {
		ce->table = ovsdb_client_monitor(cl, "Controller_Event", NULL);
		err = ce->table ? punt_register(ACT_TRIGGER_EVENT, on_trigger_event, ce) : -ENOMEM;
		if (err) {
			free(ce->v);
			free(ce);
			return err;
		}
	}
	*out = ce;
	return 0;
}

void ctrl_events_destroy(struct ctrl_events *ce)
{
	if (!ce)
		return;
	if (ce->cl)
		punt_unregister(ACT_TRIGGER_EVENT);
	free(ce->v);
	free(ce);
}

void ctrl_events_get_stats(const struct ctrl_events *ce, struct ctrl_event_stats *s)
{
	*s = ce->st;
}
