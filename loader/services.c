// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * `services`: the counters of every packet service of the daemon in one
 * reply, so that an operator sees at a glance whether DHCP requests are
 * answered, neighbours learnt, health checks probing -- the questions one
 * asks ovn-controller's pinctrl with ovs-appctl.
 */
#include "loader/services.h"

#include "loader/controller_event.h"
#include "loader/ctl_socket.h"
#include "loader/dhcp.h"
#include "loader/dhcp6.h"
#include "loader/dns.h"
#include "loader/fdb.h"
#include "loader/nd_ra.h"
#include "loader/pause_reply.h"
#include "loader/punt.h"
#include "loader/punt_mac_binding.h"
#include "loader/svc_monitor.h"

static int put(json_t *o, const char *k, uint64_t v)
{
	return json_object_set_new(o, k, json_integer((json_int_t)v));
}

static json_t *pause_reply_json(const struct pause_reply_stats *st)
{
	json_t *o = json_object();

	if (!o)
		return NULL;
	put(o, "requests", st->requests);
	put(o, "replies", st->replies);
	put(o, "unanswered", st->unanswered);
	put(o, "bad_request", st->bad_request);
	put(o, "no_flow", st->no_flow);
	put(o, "failed", st->failed);
	return o;
}

json_t *services_stats_json(const struct services *s)
{
	json_t *j = json_object(), *o;
	struct pause_reply_stats prs;
	struct punt_stats ps;
	struct dhcp_stats ds;

	if (!j)
		return NULL;

	punt_get_stats(&ps);
	o = json_object();
	put(o, "events", ps.events);
	put(o, "handled", ps.handled);
	put(o, "unhandled", ps.unhandled);
	put(o, "short_records", ps.short_records);
	json_object_set_new(j, "punt", o);

	dhcp_server_stats(&ds);
	o = json_object();
	put(o, "requests", ds.requests);
	put(o, "replies", ds.replies);
	put(o, "bad_request", ds.bad_request);
	put(o, "no_flow", ds.no_flow);
	put(o, "failed", ds.failed);
	json_object_set_new(j, "dhcp", o);

	dhcp6_server_stats(&prs);
	json_object_set_new(j, "dhcp6", pause_reply_json(&prs));
	nd_ra_stats(&prs);
	json_object_set_new(j, "nd_ra", pause_reply_json(&prs));
	dns_server_stats(&prs);
	json_object_set_new(j, "dns", pause_reply_json(&prs));

	if (s->learner) {
		struct mac_learner_stats m;

		mac_learner_get_stats(s->learner, &m);
		o = json_object();
		put(o, "events", m.events);
		put(o, "bad", m.bad);
		put(o, "known", m.known);
		put(o, "inserted", m.inserted);
		put(o, "updated", m.updated);
		put(o, "deduped", m.deduped);
		put(o, "rate_limited", m.rate_limited);
		put(o, "no_port", m.no_port);
		put(o, "txn_errors", m.txn_errors);
		put(o, "delayed", m.delayed);
		put(o, "overflow", m.overflow);
		json_object_set_new(j, "mac_binding", o);
	}
	if (s->fdb) {
		struct fdb_stats f;

		fdb_learner_stats(s->fdb, &f);
		o = json_object();
		put(o, "requests", f.requests);
		put(o, "known", f.known);
		put(o, "throttled", f.throttled);
		put(o, "inserted", f.inserted);
		put(o, "updated", f.updated);
		put(o, "failed", f.failed);
		json_object_set_new(j, "fdb", o);
	}
	if (s->events) {
		struct ctrl_event_stats c;

		ctrl_events_get_stats(s->events, &c);
		o = json_object();
		put(o, "punts", c.punts);
		put(o, "unknown", c.unknown);
		put(o, "deduped", c.deduped);
		put(o, "overflow", c.overflow);
		put(o, "expired", c.expired);
		put(o, "in_sb", c.in_sb);
		put(o, "inserted", c.inserted);
		put(o, "txn_failed", c.txn_failed);
		put(o, "pending", ctrl_events_pending(s->events));
		json_object_set_new(j, "controller_event", o);
	}
	if (s->svc) {
		struct svc_mon_stats m;

		svc_monitors_get_stats(s->svc, &m);
		o = json_object();
		put(o, "monitors", svc_monitors_count(s->svc));
		put(o, "probes", m.probes);
		put(o, "probe_errors", m.probe_errors);
		put(o, "replies", m.replies);
		put(o, "bad_replies", m.bad_replies);
		put(o, "unmatched", m.unmatched);
		put(o, "rows_bad", m.rows_bad);
		put(o, "rows_remote", m.rows_remote);
		put(o, "status_writes", m.status_writes);
		put(o, "txn_failed", m.txn_failed);
		json_object_set_new(j, "service_monitor", o);
	}
	return j;
}

static void cmd_services(struct ctl_reply *r, int argc, const char *argv[], void *aux)
{
	json_t *j;

	(void)argc;
	(void)argv;
	j = services_stats_json(aux);
	if (!j) {
		ctl_reply_error(r, "out of memory");
		return;
	}
	ctl_reply_ok(r, j);
}

int services_register_ctl(struct services *s, struct ctl_server *ctl)
{
	return ctl_server_register(ctl, "services", "", 0, 0, cmd_services, s);
}
