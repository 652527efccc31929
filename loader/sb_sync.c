// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>

#include "loader/ctl_socket.h"
#include "loader/l3gateway.h"
#include "loader/local_datapaths.h"
#include "loader/local_vifs.h"
#include "loader/log.h"
#include "loader/port_claim.h"
#include "loader/sb_row.h"
#include "loader/sb_sync.h"
#include "ovsdb-client/client.h"

/* Pause before retrying after a failed transaction or a registration
 * conflict. */
#define SB_RETRY_MS 2000

struct sb_sync {
	struct ovsdb_client *client;
	struct chassis_cfg cfg;
	char *name, *hostname, *encap_type, *encap_ip;
	struct local_vifs *vifs;

	struct ovsdb_table *sb_global;
	struct chassis_tables ct;
	struct ovsdb_table *port_binding;
	struct gateway_tables gt;
	struct ovsdb_uuid me;		/* our Chassis row, when have_me */
	bool have_me;
	struct local_datapaths ld;

	uint64_t seen_seqno;
	bool dirty;			/* reconcile at the next chance */
	bool txn_pending;
	long long retry_at;		/* monotonic ms; 0: now */
	char *last_ops;			/* last transaction sent, to spot loops */
	bool last_ok;

	bool datapath_acks;
	sb_sync_consumer_fn *consumer;	/* owns the replica's change tracking */
	void *consumer_aux;
	int64_t reflected_cfg;		/* datapath reflects up to this nb_cfg */
	int64_t sb_cfg;			/* SB_Global.nb_cfg last seen */
	bool registered;		/* our Chassis row is in the replica */
	bool conflict;			/* registration refused (logged) */
	bool started;			/* initial conditions sent */
	unsigned long cond_want;	/* replica reflects the conditions at */
	unsigned long cond_seen;	/* ovsdb_client_cond_seqno() last seen */
};

static long long mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

static long long wall_ms(void)
{
	struct timeval tv;

	gettimeofday(&tv, NULL);
	return tv.tv_sec * 1000LL + tv.tv_usec / 1000;
}

static void on_binding_change(void *aux, struct binding *b, bool removed)
{
	struct sb_sync *s = aux;

	s->dirty = true;
}

void sb_sync_set_datapath_acks(struct sb_sync *s, bool on)
{
	s->datapath_acks = on;
}

void sb_sync_set_consumer(struct sb_sync *s, sb_sync_consumer_fn *fn, void *aux)
{
	s->consumer = fn;
	s->consumer_aux = aux;
}

void sb_sync_datapath_reflects(struct sb_sync *s, int64_t cfg)
{
	if (cfg != s->reflected_cfg) {
		s->reflected_cfg = cfg;
		s->dirty = true;
	}
}

static void txn_done(void *arg, int status, const json_t *result)
{
	struct sb_sync *s = arg;

	s->txn_pending = false;
	s->dirty = true;
	s->last_ok = !status;
	if (!status)
		return;
	if (status == -ECONNRESET) {
		pr_info("sb", "connection lost with a transaction in flight; "
		       "will reconcile after resync");
	} else {
		char *txt = result ? json_dumps(result, JSON_COMPACT) : NULL;

		pr_warn("sb", "transaction failed (%s): %.400s; retrying in %d ms",
			strerror(-status), txt ? txt : "", SB_RETRY_MS);
		free(txt);
	}
	s->retry_at = mono_ms() + SB_RETRY_MS;
}

/* Remember the latest condition sequence number the replica must reach. */
static void cond_want(struct sb_sync *s, long seqno)
{
	if (seqno > 0 && (unsigned long)seqno > s->cond_want)
		s->cond_want = seqno;
}

bool sb_sync_conditions_settled(const struct sb_sync *s)
{
	return ovsdb_client_is_synced(s->client) &&
	       ovsdb_client_cond_seqno(s->client) >= s->cond_want;
}

/* Ask the SB for the rows of local datapaths only.  Tables nobody
 * monitors are skipped (-ENOENT); an unchanged condition is not resent. */
static void update_conditions(struct sb_sync *s, const struct ovsdb_uuid *me)
{
	static const char *const by_datapath[] = {
		"MAC_Binding", "Multicast_Group", "IP_Multicast",
	};
	json_t *w;
	size_t i;

	if (local_datapaths_compute(&s->ld, &s->vifs->bindings, s->port_binding, me)) {
		pr_err("sb", "out of memory computing local datapaths");
		return;
	}
	w = local_datapaths_pb_condition(&s->ld, &s->vifs->bindings, me);
	cond_want(s, ovsdb_client_set_condition(s->client, "Port_Binding", w));
	json_decref(w);
	/* Flows of datapath groups are all sent and filtered by their
	 * consumer: a group's membership is not expressible here. */
	w = local_datapaths_condition(&s->ld, "logical_datapath", "==",
				      json_pack("[s, s, [s, []]]", "logical_dp_group", "!=",
						"set"));
	cond_want(s, ovsdb_client_set_condition(s->client, "Logical_Flow", w));
	json_decref(w);
	for (i = 0; i < sizeof(by_datapath) / sizeof(by_datapath[0]); i++) {
		w = local_datapaths_condition(&s->ld, "datapath", "==", NULL);
		cond_want(s, ovsdb_client_set_condition(s->client, by_datapath[i], w));
		json_decref(w);
	}
	w = local_datapaths_condition(&s->ld, "datapaths", "includes", NULL);
	cond_want(s, ovsdb_client_set_condition(s->client, "DNS", w));
	json_decref(w);
}

const struct local_datapaths *sb_sync_local_datapaths(const struct sb_sync *s)
{
	return &s->ld;
}

const struct ovsdb_uuid *sb_sync_chassis_uuid(const struct sb_sync *s)
{
	return s->have_me ? &s->me : NULL;
}

const struct gateway_tables *sb_sync_gateway_tables(const struct sb_sync *s)
{
	return &s->gt;
}

static void reconcile(struct sb_sync *s)
{
	const struct ovsdb_uuid *me = NULL;
	const struct ovsdb_row *g;
	json_t *ops = json_array(), *me_ref = NULL;
	char *txt;
	int err;

	s->dirty = false;
	g = s->sb_global && s->sb_global->ts ? ovsdb_table_first(s->sb_global) : NULL;
	s->sb_cfg = g ? sb_row_int(g, "nb_cfg", 0) : 0;
	/* The hook: without a datapath compiler, processing the SB is all
	 * there is to reflect. */
	if (!s->datapath_acks)
		s->reflected_cfg = s->sb_cfg;

	err = chassis_reconcile(&s->cfg, &s->ct, s->reflected_cfg, wall_ms(), ops, &me, &me_ref);
	s->registered = me != NULL;
	s->conflict = err == -EEXIST;
	if (err) {
		s->retry_at = mono_ms() + SB_RETRY_MS;
		s->dirty = true;
		json_decref(ops);
		return;
	}
	port_claim_reconcile(&s->vifs->bindings, s->port_binding, &s->cfg, me, me_ref, ops);
	l3gw_claim_reconcile(s->port_binding, &s->cfg, me, me_ref, ops);
	gateway_claim_reconcile(s->port_binding, &s->gt, me, me_ref, ops);
	s->have_me = me != NULL;
	if (me)
		s->me = *me;
	json_decref(me_ref);
	update_conditions(s, me);
	/* The consumer (the incremental engine) reads the tracked changes
	 * with the local datapaths just computed, and clears them. */
	if (s->consumer)
		s->consumer(s->consumer_aux);
	else
		ovsdb_replica_clear_tracked(ovsdb_client_replica(s->client));
	if (!json_array_size(ops)) {
		json_decref(ops);
		return;
	}
	txt = json_dumps(ops, JSON_COMPACT | JSON_SORT_KEYS);
	if (txt && s->last_ops && s->last_ok && !strcmp(txt, s->last_ops)) {
		/* The same transaction again right after it succeeded: the SB
		 * does not keep what we write (another writer, or our bug).
		 * Do not spin. */
		pr_warn("sb", "SB did not keep our last change; retrying in %d ms", SB_RETRY_MS);
		free(s->last_ops);
		s->last_ops = NULL;
		free(txt);
		json_decref(ops);
		s->retry_at = mono_ms() + SB_RETRY_MS;
		s->dirty = true;
		return;
	}
	pr_dbg("sb", "transaction: %s", txt ? txt : "?");
	free(s->last_ops);
	s->last_ops = txt;
	err = ovsdb_client_transact(s->client, ops, txn_done, s);
	if (err) {
		pr_warn("sb", "cannot send transaction: %s", strerror(-err));
		s->dirty = true;
		s->retry_at = mono_ms() + SB_RETRY_MS;
		return;
	}
	s->txn_pending = true;
}

void sb_sync_run(struct sb_sync *s)
{
	uint64_t seq;

	/* Before the first connection, every monitor is registered: give
	 * each its condition now, so that the first download is already
	 * limited to what the bindings make local (and not the whole SB). */
	if (!s->started) {
		update_conditions(s, NULL);
		s->started = true;
	}
	ovsdb_client_run(s->client);
	seq = ovsdb_client_change_seqno(s->client);
	if (seq != s->seen_seqno) {
		s->seen_seqno = seq;
		s->dirty = true;
	}
	/* A condition acknowledged without new rows is news too: the
	 * replica is now complete for it (sb_sync_conditions_settled()). */
	if (ovsdb_client_cond_seqno(s->client) != s->cond_seen) {
		s->cond_seen = ovsdb_client_cond_seqno(s->client);
		s->dirty = true;
	}
	if (!ovsdb_client_is_synced(s->client) || !s->dirty || s->txn_pending)
		return;
	if (s->retry_at && mono_ms() < s->retry_at)
		return;
	s->retry_at = 0;
	reconcile(s);
}

int sb_sync_fd(const struct sb_sync *s)
{
	return ovsdb_client_fd(s->client);
}

short sb_sync_events(const struct sb_sync *s)
{
	return ovsdb_client_events(s->client);
}

int sb_sync_timeout(const struct sb_sync *s)
{
	int t = ovsdb_client_timeout(s->client);

	if (s->dirty && !s->txn_pending) {
		long long left = s->retry_at ? s->retry_at - mono_ms() : 0;

		if (left < 0)
			left = 0;
		if (t < 0 || left < t)
			t = left;
	}
	return t;
}

struct ovsdb_client *sb_sync_client(struct sb_sync *s)
{
	return s->client;
}

int sb_sync_create(const struct sb_sync_options *o, struct local_vifs *vifs,
		   struct sb_sync **out)
{
	struct ovsdb_client_options co = {
		.remote = o->remote,
		.database = "OVN_Southbound",
		.probe_interval_ms = -1,
	};
	json_t *where;
	struct sb_sync *s;

	*out = NULL;
	s = calloc(1, sizeof(*s));
	if (!s)
		return -ENOMEM;
	s->name = strdup(o->chassis.name);
	s->hostname = strdup(o->chassis.hostname);
	s->encap_type = strdup(o->chassis.encap_type);
	s->encap_ip = strdup(o->chassis.encap_ip);
	s->client = ovsdb_client_create(&co);
	if (!s->name || !s->hostname || !s->encap_type || !s->encap_ip || !s->client) {
		sb_sync_destroy(s);
		return -ENOMEM;
	}
	s->cfg = (struct chassis_cfg){ s->name, s->hostname, s->encap_type, s->encap_ip,
				       o->chassis.bridge_mappings };
	s->vifs = vifs;
	s->sb_global = ovsdb_client_monitor(s->client, "SB_Global",
					    (const char *const[]){ "nb_cfg", NULL });
	s->ct.chassis = ovsdb_client_monitor(s->client, "Chassis", NULL);
	s->ct.encap = ovsdb_client_monitor(s->client, "Encap", NULL);
	s->ct.chassis_private = ovsdb_client_monitor(s->client, "Chassis_Private", NULL);
	s->port_binding = ovsdb_client_monitor(s->client, "Port_Binding", NULL);
	s->gt.chassis = s->ct.chassis;
	s->gt.ha_chassis_group = ovsdb_client_monitor(s->client, "HA_Chassis_Group", NULL);
	s->gt.ha_chassis = ovsdb_client_monitor(s->client, "HA_Chassis", NULL);
	s->gt.gateway_chassis = ovsdb_client_monitor(s->client, "Gateway_Chassis", NULL);
	if (!s->sb_global || !s->ct.chassis || !s->ct.encap || !s->ct.chassis_private ||
	    !s->port_binding || !s->gt.ha_chassis_group || !s->gt.ha_chassis ||
	    !s->gt.gateway_chassis) {
		sb_sync_destroy(s);
		return -ENOMEM;
	}
	/* Other chassis' private rows are none of our business. */
	where = json_pack("[[s, s, s]]", "name", "==", s->name);
	cond_want(s, ovsdb_client_set_condition(s->client, "Chassis_Private", where));
	json_decref(where);
	vifs->change_fn = on_binding_change;
	vifs->change_aux = s;
	s->dirty = true;
	pr_info("sb", "southbound %s, chassis %s (hostname %s, %s %s)", o->remote, s->name,
		s->hostname, s->encap_type, s->encap_ip);
	*out = s;
	return 0;
}

void sb_sync_destroy(struct sb_sync *s)
{
	if (!s)
		return;
	if (s->vifs && s->vifs->change_aux == s) {
		s->vifs->change_fn = NULL;
		s->vifs->change_aux = NULL;
	}
	ovsdb_client_destroy(s->client);
	free(s->name);
	free(s->hostname);
	free(s->encap_type);
	free(s->encap_ip);
	free(s->last_ops);
	local_datapaths_destroy(&s->ld);
	free(s);
}

static const char *state_name(enum ovsdb_client_state st)
{
	switch (st) {
	case OVSDB_CLIENT_BACKOFF: return "backoff";
	case OVSDB_CLIENT_CONNECTING: return "connecting";
	case OVSDB_CLIENT_SERVER: return "checking-server";
	case OVSDB_CLIENT_SCHEMA: return "schema";
	case OVSDB_CLIENT_MONITOR: return "monitoring";
	case OVSDB_CLIENT_SYNCED: return "synced";
	}
	return "?";
}

static void cmd_status(struct ctl_reply *r, int argc, const char *argv[], void *aux)
{
	struct sb_sync *s = aux;
	const char *remote = ovsdb_client_remote(s->client);
	const struct ovsdb_row *cp = sb_table_find_by_string(s->ct.chassis_private, "name",
							     s->name);

	ctl_reply_ok(r, json_pack("{s:s, s:s, s:s, s:s, s:s, s:b, s:b, s:I, s:I, s:I, s:I}",
				  "southbound", remote ? remote : "",
				  "connection", state_name(ovsdb_client_state(s->client)),
				  "chassis", s->name, "encap_type", s->encap_type,
				  "encap_ip", s->encap_ip, "registered", s->registered,
				  "encap_conflict", s->conflict,
				  "sb_nb_cfg", (json_int_t)s->sb_cfg,
				  "acked_nb_cfg", (json_int_t)(cp ? sb_row_int(cp, "nb_cfg", -1) : -1),
				  "local_datapaths", (json_int_t)s->ld.n,
				  /* what conditional monitoring let through */
				  "port_bindings_replicated",
				  (json_int_t)ovsdb_table_count(s->port_binding)));
}

int sb_sync_register_ctl(struct sb_sync *s, struct ctl_server *ctl)
{
	return ctl_server_register(ctl, "status", "", 0, 0, cmd_status, s);
}
