// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * The OVSDB session: connect sequence (_Server check, set_db_change_aware,
 * get_schema, monitor_cond_since -> monitor_cond -> monitor), requests and
 * replies, notifications, probes, reconnect with backoff.  See client.h.
 */
#include <errno.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "loader/log.h"
#include "ovsdb-client/client.h"
#include "ovsdb-client/jv.h"
#include "ovsdb-client/stream.h"

#define MOD "ovsdb"
#define ZERO_UUID "00000000-0000-0000-0000-000000000000"
#define MAX_MSGS_PER_RUN 512
#define ERRLEN 512

enum req_kind {
	REQ_SERVER_MONITOR,
	REQ_SCHEMA,
	REQ_CHANGE_AWARE,
	REQ_MONITOR,
	REQ_COND_CHANGE,
	REQ_TRANSACT,
	REQ_ECHO,
};

enum monitor_method { M_COND_SINCE, M_COND, M_PLAIN };

struct request {
	struct request *next;
	json_int_t id;
	enum req_kind kind;
	ovsdb_txn_cb *cb;
	void *arg;
	unsigned long cond_seqno;	/* MONITOR, COND_CHANGE */
};

struct mon_table {
	struct ovsdb_table *tbl;
	char **columns;			/* NULL: all */
	json_t *where;			/* NULL: all rows */
	bool cond_dirty;		/* changed since last sent */
	bool warned_missing;
};

struct ovsdb_client {
	struct ovsdb_client_options o;
	char *remote_list, *database;
	char **remotes;
	unsigned int n_remotes, cur_remote;

	struct ovsdb_stream *s;
	enum ovsdb_client_state state;
	enum monitor_method method;
	long long next_attempt;		/* BACKOFF: when */
	long long connect_started;
	int backoff;
	int probe_ms;
	long long last_rx;
	unsigned long long last_rx_bytes;
	bool probe_sent;
	bool started;
	bool monitor_all;

	struct mon_table *tables;
	unsigned int n_tables;
	struct ovsdb_replica *replica;

	json_int_t next_id;
	struct request *requests;

	char last_id[OVSDB_UUID_LEN + 1];
	/* _Server's Database row for our database. */
	char server_row[OVSDB_UUID_LEN + 1];
	long long max_index;

	unsigned long cond_requested, cond_acked;
	bool cond_in_flight;

	struct ovsdb_client_stats stats;
	struct jv_doc doc;		/* the message being handled */
	long long monitor_sent;		/* when the monitor request left */
	long long msg_parse_ms;		/* parse time of the current message */
	char err[ERRLEN];
};

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* --- setup ----------------------------------------------------------- */

static int split_remotes(struct ovsdb_client *c, const char *list)
{
	char *copy = strdup(list), *tok, *save = NULL;

	if (!copy)
		return -ENOMEM;
	for (tok = strtok_r(copy, ",", &save); tok;
	     tok = strtok_r(NULL, ",", &save)) {
		char **v;

		while (*tok == ' ')
			tok++;
		if (!*tok)
			continue;
		if (!ovsdb_stream_remote_valid(tok)) {
			pr_err(MOD, "invalid remote \"%s\" (expected "
			       "unix:PATH or tcp:IP:PORT)", tok);
			free(copy);
			return -EINVAL;
		}
		v = realloc(c->remotes, (c->n_remotes + 1) * sizeof(*v));
		if (!v) {
			free(copy);
			return -ENOMEM;
		}
		c->remotes = v;
		c->remotes[c->n_remotes] = strdup(tok);
		if (!c->remotes[c->n_remotes]) {
			free(copy);
			return -ENOMEM;
		}
		c->n_remotes++;
	}
	free(copy);
	return c->n_remotes ? 0 : -EINVAL;
}

struct ovsdb_client *ovsdb_client_create(const struct ovsdb_client_options *o)
{
	struct ovsdb_client *c;

	if (!o || !o->remote || !o->database)
		return NULL;
	c = calloc(1, sizeof(*c));
	if (!c)
		return NULL;
	c->o = *o;
	if (!c->o.backoff_min_ms)
		c->o.backoff_min_ms = 1000;
	if (!c->o.backoff_max_ms)
		c->o.backoff_max_ms = 8000;
	if (c->o.backoff_max_ms < c->o.backoff_min_ms)
		c->o.backoff_max_ms = c->o.backoff_min_ms;
	c->database = strdup(o->database);
	c->replica = ovsdb_replica_create();
	if (!c->database || !c->replica || split_remotes(c, o->remote))
		goto fail;
	c->o.database = c->database;
	c->o.remote = NULL;
	c->state = OVSDB_CLIENT_BACKOFF;
	c->next_attempt = 0;		/* first attempt at once */
	c->backoff = c->o.backoff_min_ms;
	c->next_id = 1;
	strcpy(c->last_id, ZERO_UUID);
	return c;
fail:
	ovsdb_client_destroy(c);
	return NULL;
}

static void fail_requests(struct ovsdb_client *c)
{
	struct request *r = c->requests, *next;

	c->requests = NULL;
	for (; r; r = next) {
		next = r->next;
		if (r->kind == REQ_TRANSACT && r->cb)
			r->cb(r->arg, -ECONNRESET, NULL);
		free(r);
	}
}

void ovsdb_client_destroy(struct ovsdb_client *c)
{
	unsigned int i;

	if (!c)
		return;
	ovsdb_stream_close(c->s);
	fail_requests(c);
	for (i = 0; i < c->n_tables; i++) {
		char **p;

		for (p = c->tables[i].columns; p && *p; p++)
			free(*p);
		free(c->tables[i].columns);
		json_decref(c->tables[i].where);
	}
	free(c->tables);
	for (i = 0; i < c->n_remotes; i++)
		free(c->remotes[i]);
	free(c->remotes);
	ovsdb_replica_destroy(c->replica);
	jv_doc_free(&c->doc);
	free(c->database);
	free(c);
}

static struct mon_table *find_mon(struct ovsdb_client *c, const char *name)
{
	unsigned int i;

	for (i = 0; i < c->n_tables; i++)
		if (!strcmp(c->tables[i].tbl->name, name))
			return &c->tables[i];
	return NULL;
}

/* A table asked for twice gets the union of the columns asked for (NULL:
 * all): one user's narrow request must not hide columns from another. */
static int widen_mon(struct mon_table *m, const char *const *columns)
{
	size_t n = 0, k;
	char **v;

	if (!m->columns)
		return 0;
	if (!columns) {
		for (k = 0; m->columns[k]; k++)
			free(m->columns[k]);
		free(m->columns);
		m->columns = NULL;
		return 0;
	}
	while (m->columns[n])
		n++;
	for (; *columns; columns++) {
		for (k = 0; k < n && strcmp(m->columns[k], *columns); k++)
			;
		if (k < n)
			continue;
		v = realloc(m->columns, (n + 2) * sizeof(*v));
		if (!v)
			return -ENOMEM;
		m->columns = v;
		if (!(m->columns[n] = strdup(*columns)))
			return -ENOMEM;
		m->columns[++n] = NULL;
	}
	return 0;
}

struct ovsdb_table *ovsdb_client_monitor(struct ovsdb_client *c,
					 const char *table,
					 const char *const *columns)
{
	struct mon_table *m, *v;
	size_t n = 0, i;

	if (c->started) {
		pr_err(MOD, "table %s: monitor requests must be made before "
		       "the first run", table);
		return NULL;
	}
	m = find_mon(c, table);
	if (m)
		return widen_mon(m, columns) ? NULL : m->tbl;
	v = realloc(c->tables, (c->n_tables + 1) * sizeof(*v));
	if (!v)
		return NULL;
	c->tables = v;
	m = &c->tables[c->n_tables];
	memset(m, 0, sizeof(*m));
	m->tbl = ovsdb_replica_add_table(c->replica, table);
	if (!m->tbl)
		return NULL;
	if (columns) {
		while (columns[n])
			n++;
		m->columns = calloc(n + 1, sizeof(char *));
		if (!m->columns)
			return NULL;
		for (i = 0; i < n; i++) {
			m->columns[i] = strdup(columns[i]);
			if (!m->columns[i])
				return NULL;
		}
	}
	c->n_tables++;
	return m->tbl;
}

void ovsdb_client_monitor_all(struct ovsdb_client *c)
{
	c->monitor_all = true;
}

struct ovsdb_table *ovsdb_client_table(struct ovsdb_client *c,
				       const char *name)
{
	return ovsdb_replica_find_table(c->replica, name);
}

struct ovsdb_replica *ovsdb_client_replica(struct ovsdb_client *c)
{
	return c->replica;
}

uint64_t ovsdb_client_change_seqno(const struct ovsdb_client *c)
{
	return c->replica->change_seqno;
}

enum ovsdb_client_state ovsdb_client_state(const struct ovsdb_client *c)
{
	return c->state;
}

bool ovsdb_client_is_synced(const struct ovsdb_client *c)
{
	return c->state == OVSDB_CLIENT_SYNCED;
}

const char *ovsdb_client_remote(const struct ovsdb_client *c)
{
	return c->remotes[c->cur_remote];
}

const struct ovsdb_client_stats *ovsdb_client_stats(const struct ovsdb_client *c)
{
	return &c->stats;
}

unsigned long ovsdb_client_cond_seqno(const struct ovsdb_client *c)
{
	return c->cond_acked;
}

/* --- connection lifecycle ------------------------------------------- */

static void conn_drop(struct ovsdb_client *c, bool error, bool at_once,
		      const char *fmt, ...) __attribute__((format(printf, 4, 5)));

static void conn_drop(struct ovsdb_client *c, bool error, bool at_once,
		      const char *fmt, ...)
{
	char msg[ERRLEN];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (error) {
		c->stats.errors++;
		pr_warn(MOD, "%s: %s; reconnecting", ovsdb_client_remote(c), msg);
	} else {
		pr_info(MOD, "%s: %s", ovsdb_client_remote(c), msg);
	}
	ovsdb_stream_close(c->s);
	c->s = NULL;
	fail_requests(c);
	c->cond_in_flight = false;
	/* The replica reflects the conditions acked so far; if others were
	 * pending, resuming from last_id would miss rows that match only
	 * the new conditions: ask for a full snapshot instead. */
	if (c->cond_acked != c->cond_requested)
		strcpy(c->last_id, ZERO_UUID);
	c->state = OVSDB_CLIENT_BACKOFF;
	if (at_once) {
		c->next_attempt = now_ms();
		return;
	}
	c->cur_remote = (c->cur_remote + 1) % c->n_remotes;
	c->next_attempt = now_ms() + c->backoff;
	/* Grow the backoff once every remote has been tried. */
	if (c->cur_remote == 0 || c->n_remotes == 1) {
		c->backoff *= 2;
		if (c->backoff > c->o.backoff_max_ms)
			c->backoff = c->o.backoff_max_ms;
	}
}

void ovsdb_client_reconnect(struct ovsdb_client *c)
{
	if (c->s)
		conn_drop(c, false, false, "reconnect requested");
}

static int send_request(struct ovsdb_client *c, enum req_kind kind,
			const char *method, json_t *params,
			struct request **out)
{
	struct request *r;
	json_t *msg;
	int ret;

	if (!params)
		return -ENOMEM;
	r = calloc(1, sizeof(*r));
	if (!r) {
		json_decref(params);
		return -ENOMEM;
	}
	r->id = c->next_id++;
	r->kind = kind;
	msg = json_pack("{sIsssO}", "id", r->id, "method", method,
			"params", params);
	json_decref(params);
	if (!msg) {
		free(r);
		return -ENOMEM;
	}
	ret = ovsdb_stream_send(c->s, msg);
	if (ret) {
		free(r);
		return ret;
	}
	r->next = c->requests;
	c->requests = r;
	if (out)
		*out = r;
	return 0;
}

static void send_server_monitor(struct ovsdb_client *c)
{
	json_t *params;
	int ret;

	params = json_pack("[s[ss]{s[{s[sssssss]}]}]", "_Server", "monid",
			   "_Server", "Database", "columns", "name", "model",
			   "connected", "leader", "schema", "cid", "index");
	ret = send_request(c, REQ_SERVER_MONITOR, "monitor_cond", params, NULL);
	if (ret)
		conn_drop(c, true, false, "cannot send _Server monitor: %s",
			  strerror(-ret));
	else
		c->state = OVSDB_CLIENT_SERVER;
}

static void start_connect(struct ovsdb_client *c)
{
	const char *remote = ovsdb_client_remote(c);
	int ret;

	c->started = true;
	ret = ovsdb_stream_open(remote, c->o.max_msg_bytes, &c->s);
	if (ret) {
		c->s = NULL;
		c->state = OVSDB_CLIENT_CONNECTING;	/* for conn_drop's log */
		conn_drop(c, true, false, "connection failed: %s",
			  strerror(-ret));
		return;
	}
	c->state = OVSDB_CLIENT_CONNECTING;
	c->connect_started = now_ms();
	c->method = M_COND_SINCE;
	c->server_row[0] = '\0';
	c->probe_ms = c->o.probe_interval_ms;
	if (c->probe_ms < 0)
		c->probe_ms = c->s->is_unix ? 0 : 5000;
}

static void on_connected(struct ovsdb_client *c)
{
	c->stats.connects++;
	c->last_rx = now_ms();
	c->last_rx_bytes = 0;
	c->probe_sent = false;
	pr_info(MOD, "%s: connected", ovsdb_client_remote(c));
	send_server_monitor(c);
}

/* --- monitor requests ----------------------------------------------- */

static json_t *monitor_requests(struct ovsdb_client *c, bool with_where)
{
	json_t *reqs = json_object();
	unsigned int i;

	if (!reqs)
		return NULL;
	for (i = 0; i < c->n_tables; i++) {
		struct mon_table *m = &c->tables[i];
		json_t *req = json_object(), *cols;
		char **p;

		if (!m->tbl->ts) {
			if (!m->warned_missing)
				pr_warn(MOD, "table %s is not in the server's "
					"schema; not monitored", m->tbl->name);
			m->warned_missing = true;
			json_decref(req);
			continue;
		}
		if (m->columns) {
			cols = json_array();
			for (p = m->columns; *p; p++) {
				if (ovsdb_table_column(m->tbl, *p) < 0) {
					pr_warn(MOD, "table %s has no column "
						"%s; not monitored",
						m->tbl->name, *p);
					continue;
				}
				json_array_append_new(cols, json_string(*p));
			}
			json_object_set_new(req, "columns", cols);
		}
		if (with_where && m->where)
			json_object_set(req, "where", m->where);
		if (with_where)
			json_object_set_new(reqs, m->tbl->name,
					    json_pack("[o]", req));
		else
			json_object_set_new(reqs, m->tbl->name, req);
		m->cond_dirty = false;
	}
	return reqs;
}

static void send_monitor(struct ovsdb_client *c)
{
	static const char *const names[] = {
		[M_COND_SINCE] = "monitor_cond_since",
		[M_COND] = "monitor_cond",
		[M_PLAIN] = "monitor",
	};
	struct request *r = NULL;
	json_t *params, *reqs;
	int ret;

	reqs = monitor_requests(c, c->method != M_PLAIN);
	if (c->method == M_COND_SINCE)
		params = json_pack("[s[ss]os]", c->database, "monid",
				   c->database, reqs, c->last_id);
	else
		params = json_pack("[s[ss]o]", c->database, "monid",
				   c->database, reqs);
	ret = send_request(c, REQ_MONITOR, names[c->method], params, &r);
	if (ret) {
		conn_drop(c, true, false, "cannot send %s: %s",
			  names[c->method], strerror(-ret));
		return;
	}
	r->cond_seqno = c->cond_requested;
	c->state = OVSDB_CLIENT_MONITOR;
	c->monitor_sent = now_ms();
}

static void send_cond_change(struct ovsdb_client *c)
{
	struct request *r = NULL;
	json_t *reqs, *params;
	unsigned int i;
	int ret;

	if (c->state != OVSDB_CLIENT_SYNCED || c->cond_in_flight)
		return;
	if (c->method == M_PLAIN) {
		/* No server-side filtering: everything is replicated. */
		for (i = 0; i < c->n_tables; i++)
			c->tables[i].cond_dirty = false;
		c->cond_acked = c->cond_requested;
		return;
	}
	reqs = json_object();
	for (i = 0; i < c->n_tables; i++) {
		struct mon_table *m = &c->tables[i];
		json_t *w;

		if (!m->cond_dirty || !m->tbl->ts)
			continue;
		w = m->where ? json_incref(m->where) : json_pack("[b]", 1);
		json_object_set_new(reqs, m->tbl->name,
				    json_pack("[{so}]", "where", w));
		m->cond_dirty = false;
	}
	if (!json_object_size(reqs)) {
		json_decref(reqs);
		c->cond_acked = c->cond_requested;
		return;
	}
	params = json_pack("[[ss][ss]o]", "monid", c->database, "monid",
			   c->database, reqs);
	ret = send_request(c, REQ_COND_CHANGE, "monitor_cond_change", params,
			   &r);
	if (ret) {
		conn_drop(c, true, false, "cannot send monitor_cond_change: %s",
			  strerror(-ret));
		return;
	}
	r->cond_seqno = c->cond_requested;
	c->cond_in_flight = true;
}

long ovsdb_client_set_condition(struct ovsdb_client *c, const char *table,
				const json_t *where)
{
	struct mon_table *m = find_mon(c, table);

	if (!m)
		return -ENOENT;
	if (where && !json_is_array(where))
		return -EINVAL;
	if ((!where && !m->where) ||
	    (where && m->where && json_equal((json_t *)where, m->where)))
		return (long)c->cond_requested;
	json_decref(m->where);
	m->where = where ? json_deep_copy(where) : NULL;
	m->cond_dirty = true;
	c->cond_requested++;
	send_cond_change(c);
	return (long)c->cond_requested;
}

int ovsdb_client_transact(struct ovsdb_client *c, json_t *ops,
			  ovsdb_txn_cb *cb, void *arg)
{
	struct request *r = NULL;
	json_t *params;
	int ret;

	if (!json_is_array(ops)) {
		json_decref(ops);
		return -EINVAL;
	}
	if (c->state != OVSDB_CLIENT_SYNCED) {
		json_decref(ops);
		return -ENOTCONN;
	}
	params = json_pack("[s]", c->database);
	if (!params || json_array_extend(params, ops)) {
		json_decref(params);
		json_decref(ops);
		return -ENOMEM;
	}
	json_decref(ops);
	ret = send_request(c, REQ_TRANSACT, "transact", params, &r);
	if (ret) {
		conn_drop(c, true, false, "cannot send transact: %s",
			  strerror(-ret));
		return ret;
	}
	r->cb = cb;
	r->arg = arg;
	return 0;
}

/* --- handling replies ------------------------------------------------ */

static const char *json_str_or(const json_t *j, const char *dflt)
{
	return json_is_string(j) ? json_string_value(j) : dflt;
}

/* Check our database's row of _Server's Database table.  Returns false
 * (and drops the connection) if this server must not be used. */
static bool check_server_row(struct ovsdb_client *c, const json_t *row)
{
	const char *model = json_str_or(json_object_get(row, "model"), "");
	const json_t *idx = json_object_get(row, "index");

	if (!json_is_true(json_object_get(row, "connected"))) {
		conn_drop(c, true, false, "database %s is not connected to "
			  "its cluster", c->database);
		return false;
	}
	if (!strcmp(model, "clustered")) {
		if (c->o.leader_only &&
		    !json_is_true(json_object_get(row, "leader"))) {
			conn_drop(c, true, false, "not the cluster leader "
				  "(leader only)");
			return false;
		}
		if (json_is_integer(idx)) {
			if (json_integer_value(idx) < c->max_index) {
				conn_drop(c, true, false, "stale cluster member "
					  "(index %lld < %lld seen)",
					  (long long)json_integer_value(idx),
					  c->max_index);
				return false;
			}
			c->max_index = json_integer_value(idx);
		}
	}
	return true;
}

static int install_schema(struct ovsdb_client *c, const json_t *j)
{
	struct ovsdb_schema *schema;
	char err[ERRLEN];
	unsigned int i;
	bool reset = false;
	int ret;

	ret = ovsdb_schema_from_json(&schema, j, err, sizeof(err));
	if (ret) {
		conn_drop(c, true, false, "bad schema for %s: %s", c->database,
			  ret == -ENOMEM ? "out of memory" : err);
		return ret;
	}
	if (strcmp(schema->name, c->database)) {
		conn_drop(c, true, false, "server sent schema of %s, not %s",
			  schema->name, c->database);
		ovsdb_schema_free(schema);
		return -EPROTO;
	}
	ovsdb_replica_set_schema(c->replica, schema);
	if (c->monitor_all) {
		for (i = 0; i < schema->n_tables; i++) {
			if (find_mon(c, schema->tables[i].name))
				continue;
			c->started = false;
			ovsdb_client_monitor(c, schema->tables[i].name, NULL);
			c->started = true;
		}
	}
	for (i = 0; i < c->n_tables; i++)
		reset |= ovsdb_table_was_reset(c->tables[i].tbl);
	if (reset) {
		pr_warn(MOD, "schema of %s changed: tables reset",
			c->database);
		strcpy(c->last_id, ZERO_UUID);
	}
	send_monitor(c);
	return 0;
}

static void request_schema(struct ovsdb_client *c)
{
	int ret;

	ret = send_request(c, REQ_SCHEMA, "get_schema",
			   json_pack("[s]", c->database), NULL);
	if (ret)
		conn_drop(c, true, false, "cannot send get_schema: %s",
			  strerror(-ret));
	else
		c->state = OVSDB_CLIENT_SCHEMA;
}

static void handle_server_monitor(struct ovsdb_client *c, const json_t *result,
				  const json_t *error)
{
	const json_t *rows, *ru, *row = NULL, *schema;
	const char *uuid;
	int ret;

	if (!json_is_null(error) && error) {
		/* A server without _Server (very old): go on without it. */
		pr_info(MOD, "%s: no _Server database; skipping the check",
			ovsdb_client_remote(c));
		request_schema(c);
		return;
	}
	rows = json_object_get(result, "Database");
	json_object_foreach((json_t *)rows, uuid, ru) {
		const json_t *r = json_object_get(ru, "initial");

		if (!r)
			r = json_object_get(ru, "insert");
		if (!json_is_object(r))
			continue;
		if (!strcmp(json_str_or(json_object_get(r, "name"), ""),
			    c->database)) {
			row = r;
			snprintf(c->server_row, sizeof(c->server_row), "%s",
				 uuid);
		}
	}
	if (!row) {
		conn_drop(c, true, false, "server does not serve database %s",
			  c->database);
		return;
	}
	if (!check_server_row(c, row))
		return;
	ret = send_request(c, REQ_CHANGE_AWARE, "set_db_change_aware",
			   json_pack("[b]", 1), NULL);
	if (ret) {
		conn_drop(c, true, false, "cannot send set_db_change_aware");
		return;
	}
	schema = json_object_get(row, "schema");
	if (json_is_string(schema) && json_string_length(schema)) {
		json_error_t jerr;
		json_t *sj = json_loads(json_string_value(schema), 0, &jerr);

		if (sj) {
			c->state = OVSDB_CLIENT_SCHEMA;
			install_schema(c, sj);
			json_decref(sj);
			return;
		}
		pr_warn(MOD, "%s: _Server schema of %s does not parse (%s); "
			"asking get_schema", ovsdb_client_remote(c),
			c->database, jerr.text);
	}
	request_schema(c);
}

/* An update2 on _Server: only our database's row matters. */
static int handle_server_update(struct ovsdb_client *c, const json_t *upd)
{
	const json_t *ru, *body;
	json_t *merged;
	bool ok;

	ru = json_object_get(json_object_get(upd, "Database"), c->server_row);
	if (!ru || !c->server_row[0])
		return 0;
	if (json_object_get(ru, "delete")) {
		conn_drop(c, true, false, "database %s was removed from the "
			  "server", c->database);
		return -ENOENT;
	}
	body = json_object_get(ru, "modify");
	if (!json_is_object(body))
		return 0;
	/* connected/leader/index are scalars: a modify carries the new
	 * value; absent ones did not change and are assumed fine. */
	merged = json_pack("{sbsb}", "connected", 1, "leader", 1);
	json_object_set_new(merged, "model", json_string("clustered"));
	json_object_update(merged, (json_t *)body);
	json_object_del(merged, "index");	/* only checked at connect */
	ok = check_server_row(c, merged);
	json_decref(merged);
	return ok ? 0 : -EPROTO;
}

static bool jv_nonnull(const struct jv_doc *d, jv_t v)
{
	return v && !jv_is(d, v, JV_NULL);
}

static char *jv_text(const struct jv_doc *d, jv_t v)
{
	json_t *j = jv_to_json(d, v);
	char *t = j ? json_dumps(j, JSON_COMPACT | JSON_ENCODE_ANY) : NULL;

	json_decref(j);
	return t;
}

static void handle_monitor_reply(struct ovsdb_client *c, struct request *r,
				 const struct jv_doc *d, jv_t result,
				 jv_t error)
{
	jv_t updates = result;
	long long t0 = now_ms();
	char err[ERRLEN];
	bool snapshot = true;
	long n;

	if (jv_nonnull(d, error)) {
		char *e = jv_text(d, error);

		if (c->method == M_PLAIN) {
			conn_drop(c, true, false, "monitor failed: %.200s",
				  e ? e : "?");
			free(e);
			return;
		}
		pr_info(MOD, "%s: %s not supported (%.200s); falling back",
			ovsdb_client_remote(c), c->method == M_COND_SINCE ?
			"monitor_cond_since" : "monitor_cond", e ? e : "?");
		free(e);
		c->method++;
		send_monitor(c);
		return;
	}
	if (c->method == M_COND_SINCE) {
		jv_t found = jv_at(d, result, 0), id = jv_at(d, result, 1);
		struct ovsdb_uuid u;

		if (!jv_is(d, result, JV_ARRAY) || jv_len(d, result) != 3 ||
		    !(jv_is(d, found, JV_TRUE) || jv_is(d, found, JV_FALSE)) ||
		    !jv_is(d, id, JV_STRING) ||
		    !ovsdb_uuid_from_string(&u, jv_str(d, id))) {
			conn_drop(c, true, false, "malformed monitor_cond_since "
				  "reply (expected [found, last-txn-id, "
				  "updates])");
			return;
		}
		snapshot = !jv_is(d, found, JV_TRUE);
		updates = jv_at(d, result, 2);
		n = ovsdb_replica_apply(c->replica, d, updates, OVSDB_UPDATE2,
					snapshot ? OVSDB_APPLY_SNAPSHOT : 0,
					err, sizeof(err));
		if (n >= 0)
			strcpy(c->last_id, jv_str(d, id));
	} else {
		n = ovsdb_replica_apply(c->replica, d, updates,
					c->method == M_COND ? OVSDB_UPDATE2
							    : OVSDB_UPDATE1,
					OVSDB_APPLY_SNAPSHOT, err, sizeof(err));
		strcpy(c->last_id, ZERO_UUID);
	}
	if (n < 0) {
		conn_drop(c, true, false, "bad monitor reply: %s", err);
		return;
	}
	c->stats.syncs++;
	if (!snapshot)
		c->stats.resumes++;
	c->stats.sync_apply_ms = now_ms() - t0;
	c->stats.sync_parse_ms = c->msg_parse_ms;
	c->stats.sync_wait_ms = t0 - c->msg_parse_ms - c->monitor_sent;
	pr_info(MOD, "%s: %s %s (%ld rows changed)", ovsdb_client_remote(c),
		snapshot ? "synced" : "resumed", c->database, n);
	c->state = OVSDB_CLIENT_SYNCED;
	c->backoff = c->o.backoff_min_ms;
	c->cond_acked = r->cond_seqno;
	send_cond_change(c);	/* conditions changed meanwhile? */
}

static void handle_transact_reply(struct ovsdb_client *c, struct request *r,
				  const struct jv_doc *d, jv_t result,
				  jv_t error)
{
	json_t *res;
	int status = 0;
	size_t i;

	if (!r->cb)
		return;
	if (jv_nonnull(d, error)) {
		res = jv_to_json(d, error);
		r->cb(r->arg, -EPROTO, res);
		json_decref(res);
		return;
	}
	res = jv_to_json(d, result);
	if (!json_is_array(res)) {
		r->cb(r->arg, -EPROTO, res);
		json_decref(res);
		return;
	}
	for (i = 0; i < json_array_size(res); i++) {
		const json_t *e = json_array_get(res, i);

		if (json_is_object(e) && json_object_get(e, "error"))
			status = -EIO;
	}
	r->cb(r->arg, status, res);
	json_decref(res);
}

static int handle_reply(struct ovsdb_client *c, const struct jv_doc *d,
			jv_t msg, jv_t id)
{
	jv_t result = jv_get(d, msg, "result"), error = jv_get(d, msg, "error");
	struct request **pp, *r = NULL;
	json_t *jr, *je;

	if (jv_is(d, id, JV_INT)) {
		for (pp = &c->requests; *pp; pp = &(*pp)->next) {
			if ((*pp)->id == jv_node(d, id)->u.i) {
				r = *pp;
				*pp = r->next;
				break;
			}
		}
	}
	if (!r) {
		char *t = id ? jv_text(d, id) : NULL;

		conn_drop(c, true, false, "reply to unknown request id %.64s",
			  t ? t : "(none)");
		free(t);
		return -EPROTO;
	}
	if (!result && !error) {
		conn_drop(c, true, false, "reply %lld has neither result nor "
			  "error", (long long)r->id);
		free(r);
		return -EPROTO;
	}
	switch (r->kind) {
	case REQ_SERVER_MONITOR:
		if (c->state != OVSDB_CLIENT_SERVER)
			break;
		jr = jv_to_json(d, result);
		je = jv_nonnull(d, error) ? jv_to_json(d, error) : NULL;
		handle_server_monitor(c, jr, je);
		json_decref(jr);
		json_decref(je);
		break;
	case REQ_SCHEMA:
		if (jv_nonnull(d, error)) {
			conn_drop(c, true, false, "get_schema %s failed",
				  c->database);
			break;
		}
		if (c->state == OVSDB_CLIENT_SCHEMA) {
			jr = jv_to_json(d, result);
			install_schema(c, jr);
			json_decref(jr);
		}
		break;
	case REQ_CHANGE_AWARE:
		/* Old servers lack it: they just drop us on conversion. */
		break;
	case REQ_MONITOR:
		handle_monitor_reply(c, r, d, result, error);
		break;
	case REQ_COND_CHANGE:
		c->cond_in_flight = false;
		if (jv_nonnull(d, error)) {
			conn_drop(c, true, false, "monitor_cond_change failed");
			break;
		}
		c->cond_acked = r->cond_seqno;
		send_cond_change(c);
		break;
	case REQ_TRANSACT:
		handle_transact_reply(c, r, d, result, error);
		break;
	case REQ_ECHO:
		break;
	}
	free(r);
	return c->s ? 0 : -EPROTO;
}

static bool monid_is(const struct jv_doc *d, jv_t monid, const char *name)
{
	return jv_is(d, monid, JV_ARRAY) && jv_len(d, monid) == 2 &&
	       jv_str_eq(d, jv_at(d, monid, 1), name);
}

static int handle_update(struct ovsdb_client *c, const char *method,
			 const struct jv_doc *d, jv_t params)
{
	jv_t monid = jv_at(d, params, 0), updates, id = 0;
	enum ovsdb_update_format fmt = OVSDB_UPDATE2;
	char err[ERRLEN];
	long n;

	if (!jv_is(d, params, JV_ARRAY)) {
		conn_drop(c, true, false, "%s: params are not an array", method);
		return -EPROTO;
	}
	if (monid_is(d, monid, "_Server") && !strcmp(method, "update2")) {
		json_t *u = jv_to_json(d, jv_at(d, params, 1));
		int ret = handle_server_update(c, u);

		json_decref(u);
		return ret;
	}
	if (!monid_is(d, monid, c->database)) {
		conn_drop(c, true, false, "%s for a monitor we did not create",
			  method);
		return -EPROTO;
	}
	if (c->state != OVSDB_CLIENT_SYNCED) {
		conn_drop(c, true, false, "%s before the monitor reply", method);
		return -EPROTO;
	}
	if (!strcmp(method, "update3")) {
		struct ovsdb_uuid u;

		id = jv_at(d, params, 1);
		updates = jv_at(d, params, 2);
		if (!jv_is(d, id, JV_STRING) ||
		    !ovsdb_uuid_from_string(&u, jv_str(d, id))) {
			conn_drop(c, true, false, "update3 without a valid "
				  "last-txn-id");
			return -EPROTO;
		}
	} else {
		updates = jv_at(d, params, 1);
		if (!strcmp(method, "update"))
			fmt = OVSDB_UPDATE1;
	}
	n = ovsdb_replica_apply(c->replica, d, updates, fmt, 0, err,
				sizeof(err));
	if (n < 0) {
		conn_drop(c, true, false, "bad %s: %s", method, err);
		return -EPROTO;
	}
	if (id)
		strcpy(c->last_id, jv_str(d, id));
	c->stats.updates++;
	return 0;
}

static int handle_request(struct ovsdb_client *c, const struct jv_doc *d,
			  jv_t msg, const char *method, jv_t id)
{
	jv_t params = jv_get(d, msg, "params");
	json_t *reply;

	if (!strcmp(method, "echo")) {
		json_t *res = params ? jv_to_json(d, params) : json_array();

		reply = json_pack("{sososn}", "id", jv_to_json(d, id),
				  "result", res, "error");
		if (!reply)
			return -ENOMEM;
		return ovsdb_stream_send(c->s, reply);
	}
	pr_warn(MOD, "%s: unknown request \"%.64s\"", ovsdb_client_remote(c),
		method);
	reply = json_pack("{sosnss}", "id", jv_to_json(d, id), "result",
			  "error", "unknown method");
	return reply ? ovsdb_stream_send(c->s, reply) : -ENOMEM;
}

static int handle_msg(struct ovsdb_client *c, const struct jv_doc *d, jv_t msg)
{
	jv_t id = jv_get(d, msg, "id"), method = jv_get(d, msg, "method");
	const char *m;

	if (!jv_is(d, msg, JV_OBJECT)) {
		conn_drop(c, true, false, "message is not a JSON object");
		return -EPROTO;
	}
	if (!method)
		return handle_reply(c, d, msg, id);
	if (!jv_is(d, method, JV_STRING)) {
		conn_drop(c, true, false, "message with a non-string method");
		return -EPROTO;
	}
	m = jv_str(d, method);
	if (jv_nonnull(d, id))
		return handle_request(c, d, msg, m, id);
	if (!strcmp(m, "update") || !strcmp(m, "update2") ||
	    !strcmp(m, "update3"))
		return handle_update(c, m, d, jv_get(d, msg, "params"));
	if (!strcmp(m, "monitor_canceled")) {
		/* Database converted or removed: start over, full sync. */
		strcpy(c->last_id, ZERO_UUID);
		conn_drop(c, false, true, "monitor canceled by the server");
		return -ECANCELED;
	}
	pr_warn(MOD, "%s: ignoring unknown notification \"%.64s\"",
		ovsdb_client_remote(c), m);
	return 0;
}

/* --- the loop -------------------------------------------------------- */

int ovsdb_client_fd(const struct ovsdb_client *c)
{
	return c->s ? c->s->fd : -1;
}

short ovsdb_client_events(const struct ovsdb_client *c)
{
	return c->s ? ovsdb_stream_events(c->s) : 0;
}

static long long connect_deadline(const struct ovsdb_client *c)
{
	int t = c->probe_ms > 0 ? c->probe_ms : 10000;

	return c->connect_started + t;
}

int ovsdb_client_timeout(const struct ovsdb_client *c)
{
	long long now = now_ms(), when;

	if (!c->s) {
		when = c->next_attempt;
	} else if (c->state == OVSDB_CLIENT_CONNECTING) {
		when = connect_deadline(c);
	} else if (c->probe_ms > 0) {
		when = c->last_rx + (c->probe_sent ? 2 : 1) * (long long)c->probe_ms;
	} else {
		return -1;
	}
	if (when <= now)
		return 0;
	return when - now > 1000000 ? 1000000 : (int)(when - now);
}

static void run_probe(struct ovsdb_client *c, long long now)
{
	if (c->s->rx_bytes != c->last_rx_bytes) {
		c->last_rx_bytes = c->s->rx_bytes;
		c->last_rx = now;
		c->probe_sent = false;
	}
	if (c->probe_ms <= 0)
		return;
	if (c->probe_sent) {
		if (now >= c->last_rx + 2 * (long long)c->probe_ms)
			conn_drop(c, true, false, "no response to inactivity "
				  "probe after %d ms", 2 * c->probe_ms);
		return;
	}
	if (now >= c->last_rx + c->probe_ms) {
		if (send_request(c, REQ_ECHO, "echo", json_array(), NULL))
			conn_drop(c, true, false, "cannot send echo");
		else
			c->probe_sent = true;
	}
}

void ovsdb_client_run(struct ovsdb_client *c)
{
	long long now = now_ms(), t0;
	int i, ret;

	c->started = true;
	if (!c->s) {
		if (now < c->next_attempt)
			return;
		start_connect(c);
		if (!c->s)
			return;
	}
	if (c->state == OVSDB_CLIENT_CONNECTING) {
		ret = ovsdb_stream_run(c->s);
		if (ret) {
			conn_drop(c, true, false, "connection failed: %s",
				  strerror(-ret));
			return;
		}
		if (c->s->connecting) {
			if (now >= connect_deadline(c))
				conn_drop(c, true, false, "connect timed out");
			return;
		}
		on_connected(c);
		if (!c->s)
			return;
	}
	ret = ovsdb_stream_run(c->s);
	if (ret) {
		conn_drop(c, true, false, "send failed: %s", strerror(-ret));
		return;
	}
	for (i = 0; i < MAX_MSGS_PER_RUN && c->s; i++) {
		size_t len;
		char *msg;
		jv_t root;

		ret = ovsdb_stream_recv(c->s, &msg, &len, c->err,
					sizeof(c->err));
		if (ret == 0)
			break;
		if (ret < 0) {
			if (ret == -ECONNRESET)
				conn_drop(c, true, false, "connection closed "
					  "by peer");
			else if (ret == -EPROTO)
				conn_drop(c, true, false, "protocol error: %s",
					  c->err);
			else
				conn_drop(c, true, false, "receive failed: %s",
					  strerror(-ret));
			return;
		}
		t0 = now_ms();
		root = jv_parse(&c->doc, msg, len, c->err, sizeof(c->err));
		c->msg_parse_ms = now_ms() - t0;
		if (!root) {
			conn_drop(c, true, false, "malformed JSON message: %s",
				  c->err);
			break;
		}
		handle_msg(c, &c->doc, root);
	}
	/* Nodes of a large dump are not kept around. */
	if (c->doc.cap > 65536)
		jv_doc_free(&c->doc);
	if (c->s)
		run_probe(c, now_ms());
}

void ovsdb_client_poll_once(struct ovsdb_client *c, int timeout_ms)
{
	struct pollfd pfd = {
		.fd = ovsdb_client_fd(c),
		.events = ovsdb_client_events(c),
	};
	int t = ovsdb_client_timeout(c);

	if (t < 0 || t > timeout_ms)
		t = timeout_ms;
	poll(&pfd, pfd.fd >= 0 ? 1 : 0, t);
	ovsdb_client_run(c);
}
