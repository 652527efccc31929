// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * The OVSDB client against a scripted fake server on a unix socket, in
 * one thread: the test plays the server's side of the connect sequence
 * (_Server, set_db_change_aware, monitor_cond_since falling back to
 * monitor_cond), then sends updates, echo, and bad input, and checks that
 * the client answers, reconnects, and keeps its replica.
 */
#include <fcntl.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "loader/log.h"
#include "ovsdb-client/client.h"
#include "ovsdb-client/framer.h"
#include "tests/test_progs.h"

#define U1 "11111111-1111-1111-1111-111111111111"
#define U2 "22222222-2222-2222-2222-222222222222"

static const char *fake_schema =
	"{\"name\":\"T\",\"version\":\"1.0.0\",\"tables\":{"
	"\"Port\":{\"columns\":{"
	" \"name\":{\"type\":\"string\"},"
	" \"tags\":{\"type\":{\"key\":\"string\",\"min\":0,\"max\":\"unlimited\"}},"
	" \"key\":{\"type\":\"integer\"}}}}}";

struct fake {
	char dir[64], path[128];
	int lfd, cfd;
	struct ovsdb_framer in;
	struct ovsdb_client *c;
};

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static int fake_listen(struct fake *f)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };

	strcpy(f->dir, "/tmp/ovsdb-fake-XXXXXX");
	if (!mkdtemp(f->dir))
		return -errno;
	snprintf(f->path, sizeof(f->path), "%s/db.sock", f->dir);
	strcpy(sun.sun_path, f->path);
	f->lfd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0);
	f->cfd = -1;
	if (f->lfd < 0 || bind(f->lfd, (struct sockaddr *)&sun, sizeof(sun)) ||
	    listen(f->lfd, 4))
		return -errno;
	ovsdb_framer_init(&f->in, 0);
	return 0;
}

static void fake_close_conn(struct fake *f)
{
	if (f->cfd >= 0)
		close(f->cfd);
	f->cfd = -1;
	ovsdb_framer_reset(&f->in);
}

static void fake_destroy(struct fake *f)
{
	fake_close_conn(f);
	if (f->lfd >= 0)
		close(f->lfd);
	ovsdb_framer_destroy(&f->in);
	ovsdb_client_destroy(f->c);
	unlink(f->path);
	rmdir(f->dir);
}

static bool fake_accept(struct fake *f, double timeout)
{
	double end = now_s() + timeout;

	fake_close_conn(f);
	while (now_s() < end) {
		ovsdb_client_poll_once(f->c, 10);
		f->cfd = accept4(f->lfd, NULL, NULL, SOCK_NONBLOCK);
		if (f->cfd >= 0)
			return true;
	}
	return false;
}

/* Next message from the client; NULL on timeout or EOF (*EOFP set). */
static json_t *fake_recv(struct fake *f, double timeout, bool *eofp)
{
	double end = now_s() + timeout;
	char err[256], buf[65536];
	json_t *m;

	if (eofp)
		*eofp = false;
	while (now_s() < end) {
		ssize_t n;

		if (ovsdb_framer_next(&f->in, &m, err, sizeof(err)) == 1)
			return m;
		ovsdb_client_poll_once(f->c, 10);
		n = read(f->cfd, buf, sizeof(buf));
		if (n == 0) {
			if (eofp)
				*eofp = true;
			return NULL;
		}
		if (n > 0)
			ovsdb_framer_feed(&f->in, buf, (size_t)n);
	}
	return NULL;
}

static void fake_send(struct fake *f, const char *text)
{
	size_t off = 0, len = strlen(text);

	while (off < len) {
		ssize_t n = write(f->cfd, text + off, len - off);

		if (n > 0)
			off += (size_t)n;
		else
			ovsdb_client_poll_once(f->c, 1);
	}
}

static void fake_reply(struct fake *f, const json_t *req, json_t *result,
		       json_t *error)
{
	json_t *r = json_pack("{sOsoso}", "id", json_object_get(req, "id"),
			      "result", result ? result : json_null(),
			      "error", error ? error : json_null());
	char *t = json_dumps(r, JSON_COMPACT);

	fake_send(f, t);
	free(t);
	json_decref(r);
}

static bool is_method(const json_t *m, const char *method)
{
	const char *s = json_string_value(json_object_get(m, "method"));

	return s && !strcmp(s, method);
}

/* Let the client run until COND holds. */
static bool run_until(struct fake *f, bool (*cond)(struct fake *), double t)
{
	double end = now_s() + t;

	while (now_s() < end) {
		if (cond(f))
			return true;
		ovsdb_client_poll_once(f->c, 10);
	}
	return cond(f);
}

static bool synced(struct fake *f)
{
	return ovsdb_client_is_synced(f->c);
}

static bool dropped(struct fake *f)
{
	return !ovsdb_client_is_synced(f->c);
}

#define ROWS(K2) "{\"Port\":{" \
	"\"" U1 "\":{\"initial\":{\"name\":\"p1\",\"key\":1," \
	"\"tags\":[\"set\",[\"a\",\"b\"]]}}," \
	"\"" U2 "\":{\"initial\":{\"name\":\"p2\",\"key\":" K2 "}}}}"

/* Play the connect sequence; the data monitor request is answered with
 * ROWS by monitor_cond_since (SINCE_OK) or, after refusing it, by
 * monitor_cond. */
static bool handshake(struct fake *f, bool since_ok, const char *rows)
{
	json_t *m, *row;
	bool ok = true;

	if (!fake_accept(f, 3))
		return false;
	m = fake_recv(f, 3, NULL);
	if (!m || !is_method(m, "monitor_cond"))
		goto bad;
	row = json_pack("{s{s{s{sssssbsbss}}}}", "Database", "aaaaaaaa-0000-"
			"0000-0000-000000000000", "initial", "name", "T",
			"model", "standalone", "connected", 1, "leader", 1,
			"schema", fake_schema);
	fake_reply(f, m, row, NULL);
	json_decref(m);
	m = fake_recv(f, 3, NULL);
	if (!m || !is_method(m, "set_db_change_aware"))
		goto bad;
	fake_reply(f, m, json_object(), NULL);
	json_decref(m);
	m = fake_recv(f, 3, NULL);
	if (!m || !is_method(m, "monitor_cond_since"))
		goto bad;
	if (since_ok) {
		fake_reply(f, m, json_pack("[bso]", 0, "00000000-0000-0000-"
			   "0000-000000000000", json_loads(rows, 0, NULL)),
			   NULL);
	} else {
		fake_reply(f, m, NULL, json_string("unknown method"));
		json_decref(m);
		m = fake_recv(f, 3, NULL);
		if (!m || !is_method(m, "monitor_cond"))
			goto bad;
		fake_reply(f, m, json_loads(rows, 0, NULL), NULL);
	}
	json_decref(m);
	return ok && run_until(f, synced, 3);
bad:
	json_decref(m);
	return false;
}

static const struct ovsdb_row *port(struct fake *f, const char *u)
{
	struct ovsdb_uuid uuid;

	ovsdb_uuid_from_string(&uuid, u);
	return ovsdb_table_find(ovsdb_client_table(f->c, "Port"), &uuid);
}

static int64_t port_key(struct fake *f, const char *u)
{
	const struct ovsdb_row *row = port(f, u);

	return row ? ovsdb_row_get(row, "key")->keys[0].integer : -1;
}

static size_t n_tracked(struct fake *f)
{
	const struct ovsdb_row *row;
	size_t n = 0;

	OVSDB_TABLE_FOR_EACH_TRACKED(row, ovsdb_client_table(f->c, "Port"))
		n++;
	return n;
}

struct txn {
	int status;
};

static void txn_cb(void *arg, int status, const json_t *result)
{
	((struct txn *)arg)->status = status;
}

/* Send BAD; the client must drop the connection, keep its rows, and come
 * back (handshake again). */
static bool survives(struct fake *f, const char *bad)
{
	unsigned long errs = ovsdb_client_stats(f->c)->errors;
	bool eof = false;

	fake_send(f, bad);
	fake_recv(f, 3, &eof);
	return eof && ovsdb_client_stats(f->c)->errors == errs + 1 &&
	       port_key(f, U1) == 1 && port_key(f, U2) >= 0 &&
	       handshake(f, true, ROWS("5"));
}

void test_ovsdb_client_fake(void)
{
	struct ovsdb_client_options o = {
		.database = "T", .probe_interval_ms = 0,
		.backoff_min_ms = 20, .backoff_max_ms = 100,
	};
	struct fake f = { .lfd = -1, .cfd = -1 };
	char remote[160];
	json_t *m;
	bool eof;

	log_set_level(env.verbose ? LOG_LVL_DBG : LOG_LVL_ERR);
	if (!ASSERT_OK(fake_listen(&f), "listen"))
		goto out;
	snprintf(remote, sizeof(remote), "unix:%s", f.path);
	o.remote = remote;
	f.c = ovsdb_client_create(&o);
	if (!ASSERT_OK_PTR(f.c, "client"))
		goto out;
	ovsdb_client_monitor(f.c, "Port", NULL);

	if (!ASSERT_TRUE(handshake(&f, false, ROWS("2")),
			 "connect sequence with monitor_cond fallback"))
		goto out;
	ASSERT_EQ(port_key(&f, U2), 2, "initial rows");
	ASSERT_EQ(n_tracked(&f), 2, "2 inserts tracked");
	ovsdb_replica_clear_tracked(ovsdb_client_replica(f.c));

	if (test__start_subtest("update2_and_echo")) {
		fake_send(&f, "{\"id\":null,\"method\":\"update2\",\"params\":"
			  "[[\"monid\",\"T\"],{\"Port\":{\"" U2 "\":{\"modify\":"
			  "{\"key\":3}}}}]}{\"id\":\"echo\",\"method\":\"echo\","
			  "\"params\":[42]}");
		m = fake_recv(&f, 3, NULL);
		ASSERT_TRUE(m && json_is_null(json_object_get(m, "error")) &&
			    !strcmp(json_string_value(json_object_get(m, "id")),
				    "echo") &&
			    json_integer_value(json_array_get(
				    json_object_get(m, "result"), 0)) == 42,
			    "echo answered with its params");
		json_decref(m);
		ASSERT_EQ(port_key(&f, U2), 3, "update2 applied");
		ASSERT_EQ(n_tracked(&f), 1, "1 modify tracked");
		ovsdb_replica_clear_tracked(ovsdb_client_replica(f.c));
	}
	if (test__start_subtest("resync_no_spurious")) {
		fake_close_conn(&f);
		run_until(&f, dropped, 3);
		/* Full snapshot after reconnect: only U2's key differs. */
		ASSERT_TRUE(handshake(&f, true, ROWS("5")), "reconnected");
		ASSERT_EQ(n_tracked(&f), 1, "only the real change tracked");
		ASSERT_EQ(port_key(&f, U2), 5, "resynced value");
		ovsdb_replica_clear_tracked(ovsdb_client_replica(f.c));
	}
	if (test__start_subtest("bad_input")) {
		ASSERT_TRUE(survives(&f, "{\"id\":null,\"method\":\"update2\","
				     "\"params\":[tru]}"), "malformed JSON");
		ASSERT_TRUE(survives(&f, "xyz"), "garbage bytes");
		ASSERT_TRUE(survives(&f, "{\"id\":999,\"result\":{},"
				     "\"error\":null}"), "reply to unknown id");
		ASSERT_TRUE(survives(&f, "{\"id\":null,\"method\":\"update2\","
				     "\"params\":[[\"monid\",\"T\"],{\"Nope\":{}}]}"),
			    "update of unknown table");
		ASSERT_TRUE(survives(&f, "{\"id\":null,\"method\":\"update2\","
				     "\"params\":[[\"monid\",\"T\"],{\"Port\":{\""
				     U1 "\":{\"modify\":{\"key\":\"x\"}}}}]}"),
			    "ill-typed modify");
		ASSERT_TRUE(survives(&f, "{\"id\":null,\"method\":\"update3\","
				     "\"params\":[[\"monid\",\"T\"],\"nope\",{}]}"),
			    "update3 without txn id");
		ASSERT_EQ(n_tracked(&f), 0, "no spurious changes");
	}
	if (test__start_subtest("transact")) {
		struct txn t1 = { .status = 1 }, t2 = { .status = 1 },
			   t3 = { .status = 1 };

		ASSERT_OK(ovsdb_client_transact(f.c, json_loads("[{\"op\":"
			  "\"insert\",\"table\":\"Port\",\"row\":{\"name\":"
			  "\"p3\"}}]", 0, NULL), txn_cb, &t1), "send");
		m = fake_recv(&f, 3, NULL);
		ASSERT_TRUE(m && is_method(m, "transact") &&
			    !strcmp(json_string_value(json_array_get(
				    json_object_get(m, "params"), 0)), "T") &&
			    json_array_size(json_object_get(m, "params")) == 2,
			    "transact carries the database and the ops");
		fake_reply(&f, m, json_loads("[{\"uuid\":[\"uuid\",\"" U1
				"\"]}]", 0, NULL), NULL);
		json_decref(m);
		ovsdb_client_transact(f.c, json_loads("[]", 0, NULL), txn_cb,
				      &t2);
		m = fake_recv(&f, 3, NULL);
		fake_reply(&f, m, json_loads("[{\"error\":\"constraint "
				"violation\"}]", 0, NULL), NULL);
		json_decref(m);
		ovsdb_client_transact(f.c, json_loads("[]", 0, NULL), txn_cb,
				      &t3);
		m = fake_recv(&f, 3, NULL);
		json_decref(m);
		fake_close_conn(&f);
		run_until(&f, dropped, 3);
		ASSERT_EQ(t1.status, 0, "success");
		ASSERT_EQ(t2.status, -EIO, "operation error");
		ASSERT_EQ(t3.status, -ECONNRESET, "connection lost");
		ASSERT_EQ(ovsdb_client_transact(f.c, json_loads("[]", 0, NULL),
						txn_cb, &t3), -ENOTCONN,
			  "refused while not synced");
		ASSERT_TRUE(handshake(&f, true, ROWS("5")), "back");
	}
	if (test__start_subtest("monitor_canceled")) {
		fake_send(&f, "{\"id\":null,\"method\":\"monitor_canceled\","
			  "\"params\":[[\"monid\",\"T\"]]}");
		fake_recv(&f, 3, &eof);
		ASSERT_TRUE(eof, "client restarts the session");
		ASSERT_TRUE(handshake(&f, true, ROWS("5")), "and syncs again");
		ASSERT_EQ(n_tracked(&f), 0, "with no spurious changes");
	}
out:
	fake_destroy(&f);
}

/* The inactivity probe: a silent server gets an echo, then is dropped. */
void test_ovsdb_client_probe(void)
{
	struct ovsdb_client_options o = {
		.database = "T", .probe_interval_ms = 100,
		.backoff_min_ms = 20, .backoff_max_ms = 100,
	};
	struct fake f = { .lfd = -1, .cfd = -1 };
	char remote[160];
	double t0;
	json_t *m;
	bool eof;

	log_set_level(env.verbose ? LOG_LVL_DBG : LOG_LVL_ERR);
	if (!ASSERT_OK(fake_listen(&f), "listen"))
		goto out;
	snprintf(remote, sizeof(remote), "unix:%s", f.path);
	o.remote = remote;
	f.c = ovsdb_client_create(&o);
	ovsdb_client_monitor(f.c, "Port", NULL);
	if (!ASSERT_TRUE(handshake(&f, true, ROWS("2")), "synced"))
		goto out;
	t0 = now_s();
	m = fake_recv(&f, 2, NULL);
	ASSERT_TRUE(m && is_method(m, "echo"), "echo probe after idle");
	ASSERT_GE(now_s() - t0, 0.08, "not before the interval");
	json_decref(m);
	m = fake_recv(&f, 2, &eof);
	ASSERT_TRUE(!m && eof, "silent server dropped");
	json_decref(m);
	ASSERT_EQ(port_key(&f, U2), 2, "replica kept");
out:
	fake_destroy(&f);
}

/* The "columns" the client asks for on Port after monitoring it with A and
 * then B (NULL: every column); "*" when it asks for every column, NULL on
 * failure.  Caller frees. */
static char *monitored_columns(const char *const *a, const char *const *b)
{
	struct ovsdb_client_options o = {
		.database = "T", .probe_interval_ms = 0,
		.backoff_min_ms = 20, .backoff_max_ms = 100,
	};
	struct fake f = { .lfd = -1, .cfd = -1 };
	json_t *m = NULL, *req, *cols;
	char remote[160], *out = NULL;

	if (fake_listen(&f))
		goto out;
	snprintf(remote, sizeof(remote), "unix:%s", f.path);
	o.remote = remote;
	f.c = ovsdb_client_create(&o);
	if (!f.c || !ovsdb_client_monitor(f.c, "Port", a) || !ovsdb_client_monitor(f.c, "Port", b))
		goto out;
	if (!fake_accept(&f, 3) || !(m = fake_recv(&f, 3, NULL)))
		goto out;
	fake_reply(&f, m, json_pack("{s{s{s{sssssbsbss}}}}", "Database",
				    "aaaaaaaa-0000-0000-0000-000000000000", "initial", "name", "T",
				    "model", "standalone", "connected", 1, "leader", 1, "schema",
				    fake_schema), NULL);
	json_decref(m);
	if (!(m = fake_recv(&f, 3, NULL)))
		goto out;
	fake_reply(&f, m, json_object(), NULL);
	json_decref(m);
	if (!(m = fake_recv(&f, 3, NULL)) || !is_method(m, "monitor_cond_since"))
		goto out;
	req = json_object_get(json_array_get(json_object_get(m, "params"), 2), "Port");
	if (json_is_array(req))
		req = json_array_get(req, 0);
	cols = json_object_get(req, "columns");
	out = cols ? json_dumps(cols, JSON_COMPACT | JSON_SORT_KEYS) : strdup("*");
out:
	json_decref(m);
	fake_destroy(&f);
	return out;
}

/* Two owners of one client monitor the same table (ovnbpfd: sb_sync wants
 * SB_Global's nb_cfg, the engine all of it): the server is asked for the
 * union, not for whichever came first. */
void test_ovsdb_client_monitor_union(void)
{
	static const char *const name[] = { "name", NULL }, *const key[] = { "key", NULL },
				 *const both[] = { "key", "name", NULL };
	struct { const char *what; const char *const *a, *const *b; const char *want; } c[] = {
		{ "list then all", name, NULL, "*" },
		{ "all then list", NULL, name, "*" },
		{ "two lists", name, key, "[\"name\",\"key\"]" },
		{ "overlapping lists", name, both, "[\"name\",\"key\"]" },
		{ "same list twice", key, key, "[\"key\"]" },
	};

	log_set_level(env.verbose ? LOG_LVL_DBG : LOG_LVL_ERR);
	for (size_t i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		char *got = monitored_columns(c[i].a, c[i].b);

		ASSERT_STREQ(got ? got : "(none)", c[i].want, c[i].what);
		free(got);
	}
}
