/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * An OVSDB client session: connects to one of a list of servers, checks the
 * database through _Server, monitors the tables the owner registered into an
 * in-memory replica (replica.h), answers echo, probes an idle connection,
 * and reconnects with capped exponential backoff, resuming from the last
 * transaction id where the server keeps history (clustered/relay) or
 * reconciling a full snapshot otherwise, so that consumers only ever see
 * real changes.
 *
 * No threads and no blocking calls.  The owner runs the loop:
 *
 *	struct ovsdb_client *c = ovsdb_client_create(&opts);
 *	struct ovsdb_table *pb = ovsdb_client_monitor(c, "Port_Binding", NULL);
 *	for (;;) {
 *		struct pollfd pfd = { ovsdb_client_fd(c), ovsdb_client_events(c) };
 *		poll(&pfd, pfd.fd >= 0, ovsdb_client_timeout(c));
 *		ovsdb_client_run(c);
 *		if (ovsdb_client_change_seqno(c) != seen) {
 *			... walk OVSDB_TABLE_FOR_EACH_TRACKED(row, pb) ...
 *			ovsdb_replica_clear_tracked(ovsdb_client_replica(c));
 *		}
 *	}
 *
 * (fd is -1 while waiting to reconnect; poll then just sleeps the timeout.)
 * Data in the replica is always a consistent snapshot of the server at
 * some transaction; ovsdb_client_is_synced() says the initial content has
 * arrived on the current connection.
 */
#ifndef __OVSDB_CLIENT_H
#define __OVSDB_CLIENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <jansson.h>

#include "ovsdb-client/replica.h"

struct ovsdb_client_options {
	/* Comma-separated remotes, tried in turn: "unix:PATH",
	 * "tcp:IP:PORT", "tcp:[IPv6]:PORT". */
	const char *remote;
	const char *database;		/* e.g. "OVN_Southbound" */
	/* Idle time before an echo probe, and again before dropping the
	 * connection; 0 disables; -1 picks the default: 5000 for tcp,
	 * 0 for unix sockets (as ovn-controller does). */
	int probe_interval_ms;
	int backoff_min_ms;		/* 0: 1000 */
	int backoff_max_ms;		/* 0: 8000 */
	/* Accept only a cluster's leader (default: any connected member). */
	bool leader_only;
	size_t max_msg_bytes;		/* 0: 1 GiB */
};

enum ovsdb_client_state {
	OVSDB_CLIENT_BACKOFF,		/* waiting before the next attempt */
	OVSDB_CLIENT_CONNECTING,	/* TCP/unix connect in progress */
	OVSDB_CLIENT_SERVER,		/* checking _Server */
	OVSDB_CLIENT_SCHEMA,		/* get_schema */
	OVSDB_CLIENT_MONITOR,		/* monitor request sent */
	OVSDB_CLIENT_SYNCED,		/* replica is live */
};

struct ovsdb_client_stats {
	unsigned long connects;		/* connections established */
	unsigned long syncs;		/* monitor replies applied */
	unsigned long resumes;		/* ... of which resumed from last id */
	unsigned long errors;		/* connections dropped on error */
	unsigned long updates;		/* update notifications applied */
	/* Last monitor reply, in ms: from request to the complete reply
	 * received (server time + transfer), then our parse and apply. */
	long long sync_wait_ms, sync_parse_ms, sync_apply_ms;
};

struct ovsdb_client;

struct ovsdb_client *ovsdb_client_create(const struct ovsdb_client_options *o);
void ovsdb_client_destroy(struct ovsdb_client *c);

/* Monitor TABLE, COLUMNS (NULL-terminated; NULL = every column).  Call
 * before the first ovsdb_client_run(); returns the replica table (its
 * schema is known once connected), or NULL.  A table asked for twice is
 * monitored with the union of the columns (NULL in either: all). */
struct ovsdb_table *ovsdb_client_monitor(struct ovsdb_client *c,
					 const char *table,
					 const char *const *columns);

/* Also monitor, with every column, each table of the server's schema not
 * registered with ovsdb_client_monitor() (tables appear in the replica
 * once the schema is known).  For tools that mirror a whole database. */
void ovsdb_client_monitor_all(struct ovsdb_client *c);

/* Conditional monitoring: replicate only TABLE's rows matching WHERE, a
 * JSON array of RFC 7047 conditions ([column, function, value] or true/
 * false) that are OR-ed (monitor_cond semantics).  NULL = all rows.  The
 * reference is not stolen.  Sent with monitor_cond_change (one request in
 * flight; later changes are coalesced).  Returns the condition sequence
 * number at which the replica reflects this condition: wait until
 * ovsdb_client_cond_seqno() >= it.  A server that only knows `monitor`
 * cannot filter: all rows are replicated and the seqno acked at once. */
long ovsdb_client_set_condition(struct ovsdb_client *c, const char *table,
				const json_t *where);
unsigned long ovsdb_client_cond_seqno(const struct ovsdb_client *c);

/* Result of a transaction.  STATUS: 0 if every operation succeeded
 * (RESULT is the reply's result array); -EIO if an operation failed
 * (RESULT holds the per-operation results, one with "error"); -EPROTO if
 * the server returned a request error (RESULT is the "error" member);
 * -ECONNRESET if the connection dropped before the reply (RESULT NULL: the
 * transaction may or may not have been committed; check the replica). */
typedef void ovsdb_txn_cb(void *arg, int status, const json_t *result);

/* Send a transaction: OPS is a JSON array of operations (reference
 * stolen); the database name is added.  CB (may be NULL) is called from
 * ovsdb_client_run() or ovsdb_client_destroy().  Our own changes come
 * back as updates before the reply.  -ENOTCONN unless synced. */
int ovsdb_client_transact(struct ovsdb_client *c, json_t *ops,
			  ovsdb_txn_cb *cb, void *arg);

/* Poll integration. */
int ovsdb_client_fd(const struct ovsdb_client *c);
short ovsdb_client_events(const struct ovsdb_client *c);
/* Milliseconds until ovsdb_client_run() has timed work; -1 for none. */
int ovsdb_client_timeout(const struct ovsdb_client *c);
/* Do all pending work: connect, read and apply messages, probes. */
void ovsdb_client_run(struct ovsdb_client *c);
/* One poll() of at most TIMEOUT_MS then run(): for tools and tests. */
void ovsdb_client_poll_once(struct ovsdb_client *c, int timeout_ms);

/* Drop the connection and reconnect (backoff applies). */
void ovsdb_client_reconnect(struct ovsdb_client *c);

enum ovsdb_client_state ovsdb_client_state(const struct ovsdb_client *c);
bool ovsdb_client_is_synced(const struct ovsdb_client *c);
struct ovsdb_replica *ovsdb_client_replica(struct ovsdb_client *c);
struct ovsdb_table *ovsdb_client_table(struct ovsdb_client *c,
				       const char *name);
/* Bumped whenever the replica changes. */
uint64_t ovsdb_client_change_seqno(const struct ovsdb_client *c);
/* The remote of the current or last connection. */
const char *ovsdb_client_remote(const struct ovsdb_client *c);
const struct ovsdb_client_stats *ovsdb_client_stats(const struct ovsdb_client *c);

#endif /* __OVSDB_CLIENT_H */
