// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * put_arp/put_nd -> SB MAC_Binding against a real ovsdb-server holding the
 * OVN_Southbound schema, checked against what ovn-controller 23.03's
 * pinctrl does (mac_binding_add_to_sb, controller/mac-learn.c):
 *  - a new neighbour is inserted with a timestamp;
 *  - the same MAC again writes nothing: the timestamp stays;
 *  - a new MAC rewrites mac and timestamp in the one row;
 *  - learnt from a broadcast: written only after the random wait, the
 *    latest MAC heard winning, and not at all when another chassis wrote
 *    the row meanwhile (no duplicate, no failed insert);
 *  - IPv6 the same; multicast/zero MACs are refused.
 * Skipped when ovsdb-server/ovsdb-tool are not installed.
 */
#include <arpa/inet.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "loader/actions.h"
#include "loader/punt.h"
#include "loader/punt_mac_binding.h"
#include "loader/sb_row.h"
#include "maps/context.h"
#include "maps/router.h"
#include "ovsdb-client/client.h"
#include "tests/test_progs.h"

#define SB_SCHEMA "/usr/share/ovn/ovn-sb.ovsschema"
#define DP_KEY 7
#define PORT_KEY 3

struct ml_env {
	char dir[64], remote[128];
	struct ovsdb_client *cl;
	struct mac_learner *l;
	struct ovsdb_table *mb;
};

static int sh(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int sh(const char *fmt, ...)
{
	char cmd[2048];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	return system(cmd);
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Run the client (and the learner's timers) for SECS. */
static void spin(struct ml_env *e, double secs)
{
	double end = now_s() + secs;

	while (now_s() < end) {
		ovsdb_client_poll_once(e->cl, 10);
		mac_learner_run(e->l);
	}
}

static const struct ovsdb_row *mb_find(struct ml_env *e, const char *ip)
{
	const struct ovsdb_row *row;

	for (row = ovsdb_table_first(e->mb); row; row = ovsdb_table_next(row)) {
		const char *s = sb_row_string(row, "ip");

		if (s && !strcmp(s, ip))
			return row;
	}
	return NULL;
}

static int mb_count(struct ml_env *e)
{
	const struct ovsdb_row *row;
	int n = 0;

	for (row = ovsdb_table_first(e->mb); row; row = ovsdb_table_next(row))
		n++;
	return n;
}

/* Spin until IP's row has MAC (or SECS pass). */
static const struct ovsdb_row *wait_mac(struct ml_env *e, const char *ip, const char *mac,
					double secs)
{
	double end = now_s() + secs;
	const struct ovsdb_row *r;

	do {
		r = mb_find(e, ip);
		if (r && !strcmp(sb_row_string(r, "mac") ?: "", mac))
			return r;
		ovsdb_client_poll_once(e->cl, 10);
		mac_learner_run(e->l);
	} while (now_s() < end);
	return NULL;
}

/* One put_arp (IP4 set) or put_nd punt from port PORT_KEY, as the
 * datapath sends it: eth.dst is the frame's destination. */
static void punt_put(const char *ip, const char *mac, bool bcast)
{
	struct ovn_punt_event ev;
	uint8_t *ctx = (uint8_t *)&ev.md;
	uint32_t be;
	unsigned int b[6];
	bool v6 = strchr(ip, ':');
	int i;

	memset(&ev, 0, sizeof(ev));
	ev.opcode = OVN_PUNT_MB_ARGS(v6 ? ACT_PUT_ND : ACT_PUT_ARP, OVN_OFF_INPORT,
				     v6 ? OVN_OFF_XXREG(0) : OVN_OFF_REG(0), OVN_OFF_ETH_SRC);
	be = htonl(DP_KEY);
	memcpy(ctx + OVN_OFF_METADATA, &be, 4);
	be = htonl(PORT_KEY);
	memcpy(ctx + OVN_OFF_INPORT, &be, 4);
	inet_pton(v6 ? AF_INET6 : AF_INET, ip, ctx + (v6 ? OVN_OFF_XXREG(0) : OVN_OFF_REG(0)));
	sscanf(mac, "%x:%x:%x:%x:%x:%x", &b[0], &b[1], &b[2], &b[3], &b[4], &b[5]);
	for (i = 0; i < 6; i++) {
		ctx[OVN_OFF_ETH_SRC + i] = b[i];
		ctx[OVN_OFF_ETH_DST + i] = bcast ? 0xff : 0x02;
	}
	punt_dispatch(&ev, offsetof(struct ovn_punt_event, pkt));
}

static bool env_up(struct ml_env *e)
{
	struct ovsdb_client_options o = { .database = "OVN_Southbound", .probe_interval_ms = 0 };
	double end;

	strcpy(e->dir, "/tmp/ovnbpf-mac-learn-XXXXXX");
	if (!mkdtemp(e->dir))
		return false;
	snprintf(e->remote, sizeof(e->remote), "unix:%s/sb.sock", e->dir);
	if (sh("ovsdb-tool create %s/sb.db %s && "
	       "ovsdb-server --detach --no-chdir --pidfile=%s/sb.pid --log-file=%s/sb.log "
	       "--unixctl=%s/sb.ctl --remote=p%s %s/sb.db",
	       e->dir, SB_SCHEMA, e->dir, e->dir, e->dir, e->remote, e->dir))
		return false;
	/* A router datapath and its port lrp-ml (the keys the punts carry). */
	if (sh("ovsdb-client -t 5 transact %s '[\"OVN_Southbound\","
	       "{\"op\":\"insert\",\"table\":\"Datapath_Binding\",\"uuid-name\":\"dp\","
	       " \"row\":{\"tunnel_key\":%d}},"
	       "{\"op\":\"insert\",\"table\":\"Port_Binding\","
	       " \"row\":{\"logical_port\":\"lrp-ml\",\"tunnel_key\":%d,"
	       "        \"datapath\":[\"named-uuid\",\"dp\"]}}]' >/dev/null",
	       e->remote, DP_KEY, PORT_KEY))
		return false;
	o.remote = e->remote;
	e->cl = ovsdb_client_create(&o);
	if (!e->cl || mac_learner_create(e->cl, &e->l))
		return false;
	e->mb = ovsdb_client_table(e->cl, "MAC_Binding");
	for (end = now_s() + 5; now_s() < end && !ovsdb_client_is_synced(e->cl);)
		ovsdb_client_poll_once(e->cl, 10);
	spin(e, 0.1);
	return e->mb && ovsdb_client_is_synced(e->cl);
}

static void env_down(struct ml_env *e)
{
	mac_learner_destroy(e->l);
	ovsdb_client_destroy(e->cl);
	if (e->dir[0]) {
		sh("kill $(cat %s/sb.pid 2>/dev/null) 2>/dev/null; sleep 0.1", e->dir);
		sh("rm -rf %s", e->dir);
	}
}

void test_router_mac_learn(void)
{
	struct ml_env e = { 0 };
	struct mac_learner_stats st;
	const struct ovsdb_row *r;
	int64_t t1, t2;

	if (access(SB_SCHEMA, R_OK) || sh("command -v ovsdb-server >/dev/null 2>&1") ||
	    sh("command -v ovsdb-tool >/dev/null 2>&1")) {
		test__skip("ovsdb-server/ovsdb-tool or the SB schema not installed");
		return;
	}
	if (!ASSERT_TRUE(env_up(&e), "ovsdb-server with the SB schema, client synced"))
		goto out;

	test__start_subtest("insert_with_timestamp");
	punt_put("10.0.0.5", "0a:00:00:00:00:05", false);
	r = wait_mac(&e, "10.0.0.5", "0a:00:00:00:00:05", 3);
	if (!ASSERT_OK_PTR(r, "unicast-learnt neighbour written at once"))
		goto out;
	ASSERT_STREQ(sb_row_string(r, "logical_port"), "lrp-ml", "logical_port");
	t1 = sb_row_int(r, "timestamp", 0);
	ASSERT_GT(t1, 0, "timestamp set on insert");

	test__start_subtest("same_mac_keeps_timestamp");
	spin(&e, 1.1);		/* past the in-flight dedup window */
	mac_learner_get_stats(e.l, &st);
	punt_put("10.0.0.5", "0a:00:00:00:00:05", false);
	punt_put("10.0.0.5", "0a:00:00:00:00:05", true);
	spin(&e, 0.3);
	{
		struct mac_learner_stats st2;

		mac_learner_get_stats(e.l, &st2);
		ASSERT_EQ(st2.known - st.known, 2, "both seen as known (no transaction)");
		ASSERT_EQ(st2.updated + st2.inserted, st.updated + st.inserted, "nothing written");
	}
	r = mb_find(&e, "10.0.0.5");
	ASSERT_EQ(r ? sb_row_int(r, "timestamp", 0) : -1, t1, "timestamp not refreshed (23.03)");
	ASSERT_EQ(mb_count(&e), 1, "one row");

	test__start_subtest("mac_change_updates_row_and_timestamp");
	usleep(5000);
	punt_put("10.0.0.5", "0a:00:00:00:00:55", false);
	r = wait_mac(&e, "10.0.0.5", "0a:00:00:00:00:55", 3);
	if (ASSERT_OK_PTR(r, "new MAC written")) {
		t2 = sb_row_int(r, "timestamp", 0);
		ASSERT_GT(t2, t1, "timestamp moved with the MAC");
	}
	ASSERT_EQ(mb_count(&e), 1, "still one row (updated, not a second insert)");

	test__start_subtest("broadcast_waits_latest_wins");
	mac_learner_get_stats(e.l, &st);
	t2 = (int64_t)st.delayed;
	punt_put("10.0.0.6", "0a:00:00:00:00:06", true);
	punt_put("10.0.0.6", "0a:00:00:00:00:66", true);
	ASSERT_GE(mac_learner_timeout(e.l), 0, "a commit is pending");
	ASSERT_LE(mac_learner_timeout(e.l), MAC_LEARN_DELAY_MS, "within the delay");
	mac_learner_get_stats(e.l, &st);
	ASSERT_EQ(st.inserted, 1, "no transaction before the wait");
	ASSERT_EQ((int64_t)st.delayed - t2, 2, "both held back");
	ovsdb_client_poll_once(e.cl, 0);
	ASSERT_NULL(mb_find(&e, "10.0.0.6"), "not written before the wait");
	r = wait_mac(&e, "10.0.0.6", "0a:00:00:00:00:66", 3);
	ASSERT_OK_PTR(r, "written after the wait, with the latest MAC");
	ASSERT_EQ(mac_learner_timeout(e.l), -1, "nothing pending");
	mac_learner_get_stats(e.l, &st);
	ASSERT_EQ(st.inserted, 2, "one insert for the burst");

	test__start_subtest("broadcast_row_written_by_another_chassis");
	punt_put("10.0.0.7", "0a:00:00:00:00:07", true);
	/* Another chassis heard the same GARP and wrote first. */
	{
		struct ovsdb_table *dpb = ovsdb_client_table(e.cl, "Datapath_Binding");
		const struct ovsdb_row *dp = dpb ? ovsdb_table_first(dpb) : NULL;
		char u[OVSDB_UUID_LEN + 1] = "";

		if (dp)
			ovsdb_uuid_to_string(&dp->uuid, u);
		ASSERT_OK(sh("ovsdb-client -t 5 transact %s '[\"OVN_Southbound\","
			     "{\"op\":\"insert\",\"table\":\"MAC_Binding\",\"row\":{"
			     " \"logical_port\":\"lrp-ml\", \"ip\":\"10.0.0.7\","
			     " \"mac\":\"0a:00:00:00:00:07\", \"timestamp\":1,"
			     " \"datapath\":[\"uuid\",\"%s\"]}}]' >/dev/null",
			     e.remote, u), "the other chassis' insert");
	}
	spin(&e, 0.3);
	r = mb_find(&e, "10.0.0.7");
	ASSERT_EQ(r ? sb_row_int(r, "timestamp", 0) : -1, 1, "the other chassis' row stands");
	mac_learner_get_stats(e.l, &st);
	ASSERT_EQ(st.inserted, 2, "no second insert");
	ASSERT_EQ(st.txn_errors, 0, "no failed transaction");
	ASSERT_EQ(mb_count(&e), 3, "one row per (port, ip)");

	test__start_subtest("static_binding_mac_is_known");
	/* Static 10.0.0.5 -> ...:5a; the dynamic row says ...:55.  Heard with
	 * the static MAC: ovn-controller's lookup_arp matches the static
	 * binding, so nothing is learnt; heard with a third MAC: learnt. */
	{
		struct ovsdb_table *dpb = ovsdb_client_table(e.cl, "Datapath_Binding");
		const struct ovsdb_row *dp = dpb ? ovsdb_table_first(dpb) : NULL;
		char u[OVSDB_UUID_LEN + 1] = "";

		if (dp)
			ovsdb_uuid_to_string(&dp->uuid, u);
		ASSERT_OK(sh("ovsdb-client -t 5 transact %s '[\"OVN_Southbound\","
			     "{\"op\":\"insert\",\"table\":\"Static_MAC_Binding\",\"row\":{"
			     " \"logical_port\":\"lrp-ml\", \"ip\":\"10.0.0.5\","
			     " \"mac\":\"0a:00:00:00:00:5a\", \"override_dynamic_mac\":false,"
			     " \"datapath\":[\"uuid\",\"%s\"]}}]' >/dev/null",
			     e.remote, u), "static binding inserted");
	}
	spin(&e, 1.1);
	punt_put("10.0.0.5", "0a:00:00:00:00:5a", false);
	spin(&e, 0.3);
	r = mb_find(&e, "10.0.0.5");
	ASSERT_STREQ(r ? sb_row_string(r, "mac") : "", "0a:00:00:00:00:55",
		     "the static binding's MAC is not learnt over the dynamic row");
	punt_put("10.0.0.5", "0a:00:00:00:00:5b", false);
	ASSERT_OK_PTR(wait_mac(&e, "10.0.0.5", "0a:00:00:00:00:5b", 3), "another MAC is");

	test__start_subtest("ipv6_and_bad_macs");
	punt_put("fd00::9", "0a:00:00:00:00:09", false);
	r = wait_mac(&e, "fd00::9", "0a:00:00:00:00:09", 3);
	ASSERT_OK_PTR(r, "put_nd inserts the IPv6 neighbour");
	ASSERT_GT(r ? sb_row_int(r, "timestamp", 0) : 0, 0, "with a timestamp");
	mac_learner_get_stats(e.l, &st);
	punt_put("10.0.0.8", "01:00:5e:00:00:01", false);
	punt_put("10.0.0.8", "00:00:00:00:00:00", false);
	spin(&e, 0.2);
	{
		struct mac_learner_stats st2;

		mac_learner_get_stats(e.l, &st2);
		ASSERT_EQ(st2.bad - st.bad, 2, "multicast and zero MACs refused");
	}
	ASSERT_NULL(mb_find(&e, "10.0.0.8"), "no row for them");
out:
	env_down(&e);
}
