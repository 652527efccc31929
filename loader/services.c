// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * `services`: the counters of every packet service of the daemon in one
 * reply, so that an operator sees at a glance whether DHCP requests are
 * answered, neighbours learnt, health checks probing -- the questions one
 * asks ovn-controller's pinctrl with ovs-appctl.
 */
#include "loader/services.h"

#include <stddef.h>
#include <string.h>

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
#include "loader/vport.h"

/* A stats struct of uint64_t counters, described field by field, so that
 * each service is one table and the JSON keys are the C member names. */
struct counter_field {
	const char *name;
	size_t off;
};
/* (the _Generic fails to compile for a member that is not uint64_t) */
#define CF(type, member) \
	{ #member, offsetof(struct type, member) + \
		   0 * _Generic(((struct type *)0)->member, uint64_t: 1) }

static const struct counter_field punt_fields[] = {
	CF(punt_stats, events), CF(punt_stats, handled), CF(punt_stats, unhandled),
	CF(punt_stats, short_records),
};
static const struct counter_field dhcp_fields[] = {
	CF(dhcp_stats, requests), CF(dhcp_stats, replies), CF(dhcp_stats, bad_request),
	CF(dhcp_stats, no_flow), CF(dhcp_stats, failed),
};
static const struct counter_field pause_reply_fields[] = {
	CF(pause_reply_stats, requests), CF(pause_reply_stats, replies),
	CF(pause_reply_stats, unanswered), CF(pause_reply_stats, bad_request),
	CF(pause_reply_stats, no_flow), CF(pause_reply_stats, failed),
};
static const struct counter_field mac_binding_fields[] = {
	CF(mac_learner_stats, events), CF(mac_learner_stats, bad),
	CF(mac_learner_stats, known), CF(mac_learner_stats, inserted),
	CF(mac_learner_stats, updated), CF(mac_learner_stats, deduped),
	CF(mac_learner_stats, rate_limited), CF(mac_learner_stats, no_port),
	CF(mac_learner_stats, txn_errors), CF(mac_learner_stats, delayed),
	CF(mac_learner_stats, overflow),
};
static const struct counter_field fdb_fields[] = {
	CF(fdb_stats, requests), CF(fdb_stats, known), CF(fdb_stats, throttled),
	CF(fdb_stats, inserted), CF(fdb_stats, updated), CF(fdb_stats, failed),
};
static const struct counter_field ctrl_event_fields[] = {
	CF(ctrl_event_stats, punts), CF(ctrl_event_stats, unknown),
	CF(ctrl_event_stats, deduped), CF(ctrl_event_stats, overflow),
	CF(ctrl_event_stats, expired), CF(ctrl_event_stats, in_sb),
	CF(ctrl_event_stats, inserted), CF(ctrl_event_stats, txn_failed),
};
static const struct counter_field svc_mon_fields[] = {
	CF(svc_mon_stats, probes), CF(svc_mon_stats, probe_errors),
	CF(svc_mon_stats, replies), CF(svc_mon_stats, bad_replies),
	CF(svc_mon_stats, unmatched), CF(svc_mon_stats, rows_bad),
	CF(svc_mon_stats, rows_remote), CF(svc_mon_stats, status_writes),
	CF(svc_mon_stats, txn_failed),
};
static const struct counter_field vport_fields[] = {
	CF(vport_stats, punts), CF(vport_stats, malformed), CF(vport_stats, deduped),
	CF(vport_stats, overflow), CF(vport_stats, unresolved), CF(vport_stats, already),
	CF(vport_stats, bound), CF(vport_stats, claimed), CF(vport_stats, released),
	CF(vport_stats, txn_failed),
};

/* Add the N counters F of ST to J as object NAME (FIRST: a count put
 * before them, e.g. how many monitors; ignored when FIRST_NAME is NULL). */
static void add_counters(json_t *j, const char *name, const void *st,
			 const struct counter_field *f, size_t n,
			 const char *first_name, uint64_t first)
{
	json_t *o = json_object();
	size_t i;

	if (!o)
		return;
	if (first_name)
		json_object_set_new(o, first_name, json_integer((json_int_t)first));
	for (i = 0; i < n; i++) {
		uint64_t v;

		memcpy(&v, (const char *)st + f[i].off, sizeof(v));
		json_object_set_new(o, f[i].name, json_integer((json_int_t)v));
	}
	json_object_set_new(j, name, o);
}
#define ADD(j, name, st, fields, ...) \
	add_counters(j, name, st, fields, sizeof(fields) / sizeof(fields[0]), __VA_ARGS__)

json_t *services_stats_json(const struct services *s)
{
	json_t *j = json_object();
	struct pause_reply_stats prs;
	struct punt_stats ps;
	struct dhcp_stats ds;

	if (!j)
		return NULL;
	punt_get_stats(&ps);
	ADD(j, "punt", &ps, punt_fields, NULL, 0);
	dhcp_server_stats(&ds);
	ADD(j, "dhcp", &ds, dhcp_fields, NULL, 0);
	dhcp6_server_stats(&prs);
	ADD(j, "dhcp6", &prs, pause_reply_fields, NULL, 0);
	nd_ra_stats(&prs);
	ADD(j, "nd_ra", &prs, pause_reply_fields, NULL, 0);
	dns_server_stats(&prs);
	ADD(j, "dns", &prs, pause_reply_fields, NULL, 0);
	if (s->learner) {
		struct mac_learner_stats m;

		mac_learner_get_stats(s->learner, &m);
		ADD(j, "mac_binding", &m, mac_binding_fields, NULL, 0);
	}
	if (s->fdb) {
		struct fdb_stats f;

		fdb_learner_stats(s->fdb, &f);
		ADD(j, "fdb", &f, fdb_fields, NULL, 0);
	}
	if (s->events) {
		struct ctrl_event_stats c;

		ctrl_events_get_stats(s->events, &c);
		ADD(j, "controller_event", &c, ctrl_event_fields, "pending",
		    ctrl_events_pending(s->events));
	}
	if (s->svc) {
		struct svc_mon_stats m;

		svc_monitors_get_stats(s->svc, &m);
		ADD(j, "service_monitor", &m, svc_mon_fields, "monitors",
		    svc_monitors_count(s->svc));
	}
	if (s->vports) {
		struct vport_stats v;

		vports_get_stats(s->vports, &v);
		ADD(j, "virtual_port", &v, vport_fields, "pending", vports_pending(s->vports));
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
