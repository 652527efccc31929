// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * The SB side of the local bindings against a replica holding the real
 * OVN_Southbound schema: chassis registration (insert, re-use, repair,
 * conflicts, nb_cfg ack), port claims and releases, local datapaths and
 * the Port_Binding monitor condition.  The transactions are checked as
 * JSON; tests/system/bind_sb.sh sends them to a real ovsdb-server.
 */
#include "loader/chassis.h"
#include "loader/l3gateway.h"
#include "loader/local_datapaths.h"
#include "loader/port_claim.h"
#include "ovsdb-client/replica.h"
#include "tests/test_progs.h"
#include "tests/unit/sb_replica_fix.h"

#define U(n) "00000000-0000-0000-0000-0000000000" #n

static const char *const tables[] = {
	"Chassis", "Chassis_Private", "Encap", "Port_Binding", "Datapath_Binding", NULL,
};

static struct chassis_tables ctables(struct ovsdb_replica *r)
{
	return (struct chassis_tables){
		.chassis = ovsdb_replica_find_table(r, "Chassis"),
		.chassis_private = ovsdb_replica_find_table(r, "Chassis_Private"),
		.encap = ovsdb_replica_find_table(r, "Encap"),
	};
}

/* The op at I as compact text with sorted keys (caller frees). */
static char *op_text(json_t *ops, size_t i)
{
	return json_dumps(json_array_get(ops, i), JSON_COMPACT | JSON_SORT_KEYS);
}

static bool op_has(json_t *ops, size_t i, const char *needle)
{
	char *t = op_text(ops, i);
	bool ok = t && strstr(t, needle);

	if (!ok)
		fprintf(stdout, "op %zu: %s\n  lacks: %s\n", i, t ? t : "(none)", needle);
	free(t);
	return ok;
}

static const struct chassis_cfg cfg = {
	.name = "node1", .hostname = "host1", .encap_type = "geneve", .encap_ip = "192.0.2.1",
};

/* What the SB holds once our registration went through. */
static const char *registered =
	"{'Encap': {'" U(01) "': {'insert': {'type': 'geneve', 'ip': '192.0.2.1',"
	"   'chassis_name': 'node1', 'options': ['map', [['csum', 'true']]]}}},"
	" 'Chassis': {'" U(02) "': {'insert': {'name': 'node1', 'hostname': 'host1',"
	"   'encaps': ['uuid', '" U(01) "'], 'other_config': ['map', ["
	"   ['ct-no-masked-label', 'true'], ['mac-binding-timestamp', 'true'],"
	"   ['ovn-ct-lb-related', 'true'], ['port-up-notif', 'true'], ['mine', 'x'],"
	"   ['ovn-bridge-mappings', '']]]}}},"
	" 'Chassis_Private': {'" U(03) "': {'insert': {'name': 'node1',"
	"   'chassis': ['uuid', '" U(02) "'], 'nb_cfg': 4}}}}";

static void test_chassis(void)
{
	struct ovsdb_replica *r = sb_fix_replica(tables);
	const struct ovsdb_uuid *me;
	struct chassis_tables t;
	json_t *ops, *ref;
	char *s;

	if (!r) {
		test__skip(SB_SCHEMA " not installed");
		return;
	}
	t = ctables(r);

	/* Empty SB: everything inserted, the chassis referred to by name. */
	ops = json_array();
	ASSERT_OK(chassis_reconcile(&cfg, &t, -1, 1000, ops, &me, &ref), "register");
	ASSERT_NULL(me, "no row yet");
	s = json_dumps(ref, JSON_COMPACT);
	ASSERT_STREQ(s, "[\"named-uuid\",\"" CHASSIS_NAMED_UUID "\"]", "named reference");
	free(s);
	json_decref(ref);
	ASSERT_EQ(json_array_size(ops), 3, "three inserts");
	ASSERT_TRUE(op_has(ops, 0, "\"op\":\"insert\"") && op_has(ops, 0, "\"table\":\"Encap\"") &&
		    op_has(ops, 0, "\"ip\":\"192.0.2.1\"") &&
		    op_has(ops, 0, "\"options\":[\"map\",[[\"csum\",\"true\"]]]"), "Encap insert");
	ASSERT_TRUE(op_has(ops, 1, "\"table\":\"Chassis\"") && op_has(ops, 1, "\"name\":\"node1\"") &&
		    op_has(ops, 1, "\"hostname\":\"host1\"") &&
		    op_has(ops, 1, "[\"port-up-notif\",\"true\"]") &&
		    op_has(ops, 1, "[\"ct-no-masked-label\",\"true\"]") &&
		    op_has(ops, 1, "[\"mac-binding-timestamp\",\"true\"]") &&
		    op_has(ops, 1, "[\"ovn-ct-lb-related\",\"true\"]"), "Chassis insert");
	ASSERT_TRUE(op_has(ops, 2, "\"table\":\"Chassis_Private\"") &&
		    op_has(ops, 2, "\"chassis\":[\"named-uuid\""), "Chassis_Private insert");
	json_decref(ops);

	/* Registered, nb_cfg 4 acknowledged: nothing to do. */
	if (!sb_fix_apply(r, registered))
		goto out;
	ops = json_array();
	ASSERT_OK(chassis_reconcile(&cfg, &t, 4, 1000, ops, &me, &ref), "in line");
	ASSERT_EQ(json_array_size(ops), 0, "no operation");
	ASSERT_OK_PTR(me, "row found");
	json_decref(ref);

	/* A newer nb_cfg: only Chassis_Private changes. */
	ASSERT_OK(chassis_reconcile(&cfg, &t, 7, 1234, ops, &me, &ref), "ack");
	ASSERT_EQ(json_array_size(ops), 1, "one update");
	ASSERT_TRUE(op_has(ops, 0, "\"table\":\"Chassis_Private\"") &&
		    op_has(ops, 0, "\"nb_cfg\":7") && op_has(ops, 0, "\"nb_cfg_timestamp\":1234") &&
		    op_has(ops, 0, "\"op\":\"update\"") && op_has(ops, 0, U(03)), "nb_cfg ack");
	json_decref(ops);
	json_decref(ref);

	/* Restart on another host name, a flag removed by someone: the row
	 * is re-used and repaired; other keys survive. */
	if (!sb_fix_apply(r, "{'Chassis': {'" U(02) "': {'modify': {'hostname': 'old',"
		      " 'other_config': ['map', [['port-up-notif', 'true']]]}}}}"))
		goto out;
	ops = json_array();
	ASSERT_OK(chassis_reconcile(&cfg, &t, -1, 0, ops, &me, &ref), "repair");
	ASSERT_EQ(json_array_size(ops), 1, "one Chassis update");
	ASSERT_TRUE(op_has(ops, 0, "\"table\":\"Chassis\"") && op_has(ops, 0, U(02)) &&
		    op_has(ops, 0, "\"hostname\":\"host1\"") &&
		    op_has(ops, 0, "[\"mine\",\"x\"]") &&
		    op_has(ops, 0, "[\"port-up-notif\",\"true\"]"), "repaired, key kept");
	json_decref(ops);
	json_decref(ref);
	/* (update2 map diffs: an equal pair removes, a new one adds.) */
	sb_fix_apply(r, "{'Chassis': {'" U(02) "': {'modify': {'hostname': 'host1',"
		 " 'other_config': ['map', [['port-up-notif', 'true']]]}}}}");

	/* A new encap IP: a new Encap row replaces the old in encaps. */
	{
		struct chassis_cfg c2 = cfg;

		c2.encap_ip = "192.0.2.9";
		ops = json_array();
		ASSERT_OK(chassis_reconcile(&c2, &t, -1, 0, ops, &me, &ref), "new ip");
		ASSERT_EQ(json_array_size(ops), 2, "insert + update");
		ASSERT_TRUE(op_has(ops, 0, "\"table\":\"Encap\"") &&
			    op_has(ops, 0, "\"ip\":\"192.0.2.9\""), "new Encap");
		ASSERT_TRUE(op_has(ops, 1, "\"encaps\":[\"named-uuid\""), "encaps replaced");
		json_decref(ops);
		json_decref(ref);
	}

	/* Another chassis holds our endpoint: refused, nothing emitted. */
	{
		struct chassis_cfg c3 = cfg;

		c3.name = "node2";
		ops = json_array();
		ASSERT_EQ(chassis_reconcile(&c3, &t, -1, 0, ops, &me, &ref), -EEXIST,
			  "encap conflict");
		ASSERT_EQ(json_array_size(ops), 0, "no operation");
		ASSERT_NULL(ref, "no reference");
		json_decref(ops);
	}

	/* Bridge mappings: other_config:ovn-bridge-mappings follows them,
	 * as ovn-controller writes it. */
	{
		struct chassis_cfg c4 = cfg;

		c4.bridge_mappings = "physnet1:eth1,vlans:bond0";
		ops = json_array();
		ASSERT_OK(chassis_reconcile(&c4, &t, -1, 0, ops, &me, &ref), "mappings");
		ASSERT_EQ(json_array_size(ops), 1, "one Chassis update");
		ASSERT_TRUE(op_has(ops, 0, "\"table\":\"Chassis\"") &&
			    op_has(ops, 0, "[\"ovn-bridge-mappings\",\"physnet1:eth1,vlans:bond0\"]") &&
			    op_has(ops, 0, "[\"mine\",\"x\"]"), "mappings written, key kept");
		json_decref(ops);
		json_decref(ref);
	}

	/* A Chassis_Private left from a deleted chassis is re-pointed. */
	sb_fix_apply(r, "{'Chassis_Private': {'" U(03) "': {'modify': {'chassis': ['set', []]}}}}");
	ops = json_array();
	ASSERT_OK(chassis_reconcile(&cfg, &t, -1, 0, ops, &me, &ref), "re-point");
	ASSERT_EQ(json_array_size(ops), 1, "one update");
	ASSERT_TRUE(op_has(ops, 0, "\"table\":\"Chassis_Private\"") &&
		    op_has(ops, 0, "\"chassis\":[\"uuid\",\"" U(02) "\"]"), "points at us");
	json_decref(ops);
	json_decref(ref);

	ops = json_array();
	ASSERT_EQ(chassis_reconcile(&(struct chassis_cfg){ .name = "x" }, &t, -1, 0, ops, &me,
				    &ref), -EINVAL, "incomplete config");
	json_decref(ops);
out:
	ovsdb_replica_destroy(r);
}

/* Port_Binding rows for the claim and datapath tests.  Datapaths: 0a
 * (switch with our ports), 0b (router), 0c (switch behind it), 0d
 * (unconnected switch). */
static const char *port_bindings =
	"{'Port_Binding': {"
	" '" U(11) "': {'insert': {'logical_port': 'p-free', 'datapath': ['uuid', '" U(0a) "'],"
	"   'tunnel_key': 1}},"
	" '" U(12) "': {'insert': {'logical_port': 'p-bound', 'datapath': ['uuid', '" U(0a) "'],"
	"   'tunnel_key': 2}},"
	" '" U(13) "': {'insert': {'logical_port': 'p-stale', 'datapath': ['uuid', '" U(0a) "'],"
	"   'tunnel_key': 3, 'chassis': ['uuid', '" U(02) "'], 'up': true}},"
	" '" U(14) "': {'insert': {'logical_port': 'p-noiface', 'datapath': ['uuid', '" U(0a) "'],"
	"   'tunnel_key': 4, 'chassis': ['uuid', '" U(02) "'], 'up': true}},"
	" '" U(15) "': {'insert': {'logical_port': 'p-elsewhere', 'datapath': ['uuid', '" U(0d) "'],"
	"   'tunnel_key': 5, 'options': ['map', [['requested-chassis', 'node7']]]}},"
	" '" U(16) "': {'insert': {'logical_port': 'p-done', 'datapath': ['uuid', '" U(0a) "'],"
	"   'tunnel_key': 6, 'chassis': ['uuid', '" U(02) "'], 'up': true}},"
	" '" U(17) "': {'insert': {'logical_port': 'p-other', 'datapath': ['uuid', '" U(0a) "'],"
	"   'tunnel_key': 7, 'chassis': ['uuid', '" U(99) "']}},"
	" '" U(18) "': {'insert': {'logical_port': 'p-host', 'datapath': ['uuid', '" U(0a) "'],"
	"   'tunnel_key': 8, 'options': ['map', [['requested-chassis', 'nodeX,host1']]]}},"
	" '" U(21) "': {'insert': {'logical_port': 'sw-a-lr', 'type': 'patch', 'tunnel_key': 20,"
	"   'datapath': ['uuid', '" U(0a) "'], 'options': ['map', [['peer', 'lr-sw-a']]]}},"
	" '" U(22) "': {'insert': {'logical_port': 'lr-sw-a', 'type': 'patch', 'tunnel_key': 1,"
	"   'datapath': ['uuid', '" U(0b) "'], 'options': ['map', [['peer', 'sw-a-lr']]]}},"
	" '" U(23) "': {'insert': {'logical_port': 'lr-sw-c', 'type': 'patch', 'tunnel_key': 2,"
	"   'datapath': ['uuid', '" U(0b) "'], 'options': ['map', [['peer', 'sw-c-lr']]]}},"
	" '" U(24) "': {'insert': {'logical_port': 'sw-c-lr', 'type': 'patch', 'tunnel_key': 1,"
	"   'datapath': ['uuid', '" U(0c) "'], 'options': ['map', [['peer', 'lr-sw-c']]]}},"
	" '" U(25) "': {'insert': {'logical_port': 'sw-d-x', 'type': 'patch', 'tunnel_key': 1,"
	"   'datapath': ['uuid', '" U(0d) "'], 'options': ['map', [['peer', 'nowhere']]]}}"
	"}}";

static struct binding *add_binding(struct bindings *bs, const char *iface, const char *lport,
			    int ifindex, bool attached)
{
	struct binding *b = NULL;

	if (bindings_add(bs, iface, lport, &b))
		return NULL;
	b->ifindex = ifindex;
	b->attached = attached;
	return b;
}

static void test_claim(void)
{
	struct ovsdb_replica *r = sb_fix_replica(tables);
	struct binding *bound, *noiface, *done, *other, *elsewhere, *host;
	const struct ovsdb_table *pb;
	struct ovsdb_uuid me;
	struct bindings bs;
	json_t *ops, *ref;
	char *all;

	if (!r) {
		test__skip(SB_SCHEMA " not installed");
		return;
	}
	bindings_init(&bs);
	if (!sb_fix_apply(r, port_bindings))
		goto out;
	pb = ovsdb_replica_find_table(r, "Port_Binding");
	ovsdb_uuid_from_string(&me, U(02));
	ref = json_pack("[s, s]", "uuid", U(02));
	bound = add_binding(&bs, "v-bound", "p-bound", 5, true);
	noiface = add_binding(&bs, "v-noiface", "p-noiface", 0, false);
	done = add_binding(&bs, "v-done", "p-done", 6, true);
	other = add_binding(&bs, "v-other", "p-other", 7, false);
	elsewhere = add_binding(&bs, "v-else", "p-elsewhere", 8, true);
	host = add_binding(&bs, "v-host", "p-host", 9, true);
	add_binding(&bs, "v-nopb", "p-nopb", 10, true);
	if (!ASSERT_TRUE(bound && noiface && done && other && elsewhere && host, "bindings"))
		goto out2;

	/* Not registered yet: nothing claimed. */
	ops = json_array();
	ASSERT_EQ(port_claim_reconcile(&bs, pb, &cfg, NULL, NULL, ops), 0, "unregistered");
	json_decref(ops);

	ops = json_array();
	ASSERT_EQ(port_claim_reconcile(&bs, pb, &cfg, &me, ref, ops), 5, "five updates");
	all = json_dumps(ops, JSON_COMPACT | JSON_SORT_KEYS);
	ASSERT_OK_PTR(all, "dump");
	if (all) {
		/* claim p-bound, up since attached */
		ASSERT_TRUE(strstr(all, "{\"op\":\"update\",\"row\":{\"chassis\":[\"uuid\",\"" U(02)
				   "\"],\"up\":true},\"table\":\"Port_Binding\",\"where\":[[\"_uuid\","
				   "\"==\",[\"uuid\",\"" U(12) "\"]]]}") != NULL, "claim p-bound");
		/* p-other: taken over, not attached so not up yet */
		ASSERT_TRUE(strstr(all, "{\"op\":\"update\",\"row\":{\"chassis\":[\"uuid\",\"" U(02)
				   "\"],\"up\":false},\"table\":\"Port_Binding\",\"where\":[[\"_uuid\","
				   "\"==\",[\"uuid\",\"" U(17) "\"]]]}") != NULL, "take over p-other");
		/* p-stale (not bound) and p-noiface (no interface) released */
		ASSERT_TRUE(strstr(all, "{\"chassis\":[\"set\",[]],\"up\":false},\"table\":"
				   "\"Port_Binding\",\"where\":[[\"_uuid\",\"==\",[\"uuid\",\"" U(13))
			    != NULL, "release p-stale");
		ASSERT_TRUE(strstr(all, "{\"chassis\":[\"set\",[]],\"up\":false},\"table\":"
				   "\"Port_Binding\",\"where\":[[\"_uuid\",\"==\",[\"uuid\",\"" U(14))
			    != NULL, "release p-noiface");
		/* requested by host name, in a list */
		ASSERT_TRUE(strstr(all, "[\"uuid\",\"" U(18) "\"]") != NULL, "claim p-host");
		ASSERT_TRUE(!strstr(all, U(15)), "p-elsewhere left alone");
		ASSERT_TRUE(!strstr(all, U(16)), "p-done left alone");
		ASSERT_TRUE(!strstr(all, U(11)), "p-free left alone");
		ASSERT_TRUE(!strstr(all, U(21)), "patch ports left alone");
	}
	free(all);
	json_decref(ops);
	ASSERT_TRUE(done->claimed, "p-done is claimed");
	ASSERT_FALSE(bound->claimed, "p-bound not yet");

	/* The server applied it: nothing left to do. */
	sb_fix_apply(r, "{'Port_Binding': {"
		 "'" U(12) "': {'modify': {'chassis': ['uuid', '" U(02) "'], 'up': true}},"
		 "'" U(17) "': {'modify': {'chassis': ['uuid', '" U(02) "'], 'up': false}},"
		 "'" U(18) "': {'modify': {'chassis': ['uuid', '" U(02) "'], 'up': true}},"
		 "'" U(13) "': {'modify': {'chassis': ['set', []], 'up': false}},"
		 "'" U(14) "': {'modify': {'chassis': ['set', []], 'up': false}}}}");
	ops = json_array();
	ASSERT_EQ(port_claim_reconcile(&bs, pb, &cfg, &me, ref, ops), 0, "converged");
	json_decref(ops);
	ASSERT_TRUE(bound->claimed && other->claimed && host->claimed, "claimed now");

	/* Attached later: up follows. */
	other->attached = true;
	ops = json_array();
	ASSERT_EQ(port_claim_reconcile(&bs, pb, &cfg, &me, ref, ops), 1, "up update");
	ASSERT_TRUE(op_has(ops, 0, "\"up\":true") && op_has(ops, 0, U(17)), "p-other up");
	json_decref(ops);
out2:
	json_decref(ref);
out:
	bindings_destroy(&bs);
	ovsdb_replica_destroy(r);
}

static void test_local_datapaths(void)
{
	struct ovsdb_replica *r = sb_fix_replica(tables);
	struct local_datapaths ld;
	const struct ovsdb_table *pb;
	struct ovsdb_uuid a, b, c, d, me;
	struct bindings bs;
	json_t *w;
	char *s;

	if (!r) {
		test__skip(SB_SCHEMA " not installed");
		return;
	}
	bindings_init(&bs);
	local_datapaths_init(&ld);
	if (!sb_fix_apply(r, port_bindings))
		goto out;
	pb = ovsdb_replica_find_table(r, "Port_Binding");
	ovsdb_uuid_from_string(&a, U(0a));
	ovsdb_uuid_from_string(&b, U(0b));
	ovsdb_uuid_from_string(&c, U(0c));
	ovsdb_uuid_from_string(&d, U(0d));
	ovsdb_uuid_from_string(&me, U(02));

	ASSERT_OK(local_datapaths_compute(&ld, &bs, pb, NULL), "nothing bound");
	ASSERT_EQ(ld.n, 0, "no local datapath");
	w = local_datapaths_condition(&ld, "datapath", "==", NULL);
	s = json_dumps(w, JSON_COMPACT);
	ASSERT_STREQ(s, "[false]", "empty set matches nothing");
	free(s);
	json_decref(w);

	add_binding(&bs, "v1", "p-elsewhere", 0, false);	/* on 0d: no patch peer */
	ASSERT_OK(local_datapaths_compute(&ld, &bs, pb, NULL), "compute");
	ASSERT_EQ(ld.n, 1, "just 0d (its patch has no peer)");
	ASSERT_TRUE(local_datapaths_contains(&ld, &d), "0d");

	bindings_destroy(&bs);
	/* Ports claimed by us (p-stale on 0a) count as well. */
	ASSERT_OK(local_datapaths_compute(&ld, &bs, pb, &me), "compute");
	ASSERT_EQ(ld.n, 3, "0a + router 0b + 0c behind it");
	ASSERT_TRUE(local_datapaths_contains(&ld, &a) && local_datapaths_contains(&ld, &b) &&
		    local_datapaths_contains(&ld, &c), "a, b, c");
	ASSERT_FALSE(local_datapaths_contains(&ld, &d), "not d");

	add_binding(&bs, "v2", "p-bound", 3, true);
	w = local_datapaths_pb_condition(&ld, &bs, &me);
	s = json_dumps(w, JSON_COMPACT);
	ASSERT_OK_PTR(s, "condition");
	if (s) {
		ASSERT_TRUE(strstr(s, "[\"datapath\",\"==\",[\"uuid\",\"" U(0c) "\"]]") != NULL,
			    "local datapath clause");
		ASSERT_TRUE(strstr(s, "[\"type\",\"==\",\"patch\"]") != NULL, "patch clause");
		ASSERT_TRUE(strstr(s, "[\"chassis\",\"==\",[\"uuid\",\"" U(02) "\"]]") != NULL,
			    "our chassis clause");
		ASSERT_TRUE(strstr(s, "[\"logical_port\",\"==\",\"p-bound\"]") != NULL,
			    "bound port clause");
		ASSERT_TRUE(!strstr(s, U(0d)) && !strstr(s, "false"), "nothing else");
	}
	if (s)
		ASSERT_TRUE(strstr(s, "[\"type\",\"==\",\"l3gateway\"]") != NULL,
			    "l3gateway clause");
	free(s);
	ASSERT_EQ(json_array_size(w), 3 + 4 + 1 + 1, "9 clauses");
	json_decref(w);
out:
	local_datapaths_destroy(&ld);
	bindings_destroy(&bs);
	ovsdb_replica_destroy(r);
}

/* A gateway router e1 on chassis hv-me with its switch e2 (l3gateway
 * pair) and a switch e3 behind it (patch pair); a gateway router e4 on
 * another chassis whose port we still hold. */
static const char *l3gw_bindings =
	"{'Port_Binding': {"
	" '" U(31) "': {'insert': {'logical_port': 'gr-sw', 'type': 'l3gateway', 'tunnel_key': 1,"
	"   'datapath': ['uuid', '" U(e1) "'], 'options': ['map', [['peer', 'sw-gr'],"
	"   ['l3gateway-chassis', 'hv-me']]]}},"
	" '" U(32) "': {'insert': {'logical_port': 'sw-gr', 'type': 'l3gateway', 'tunnel_key': 1,"
	"   'datapath': ['uuid', '" U(e2) "'], 'options': ['map', [['peer', 'gr-sw'],"
	"   ['l3gateway-chassis', 'hv-me']]]}},"
	" '" U(33) "': {'insert': {'logical_port': 'gr-c', 'type': 'patch', 'tunnel_key': 2,"
	"   'datapath': ['uuid', '" U(e1) "'], 'options': ['map', [['peer', 'c-gr']]]}},"
	" '" U(34) "': {'insert': {'logical_port': 'c-gr', 'type': 'patch', 'tunnel_key': 1,"
	"   'datapath': ['uuid', '" U(e3) "'], 'options': ['map', [['peer', 'gr-c']]]}},"
	" '" U(35) "': {'insert': {'logical_port': 'far-x', 'type': 'l3gateway', 'tunnel_key': 1,"
	"   'datapath': ['uuid', '" U(e4) "'], 'chassis': ['uuid', '" U(02) "'],"
	"   'options': ['map', [['peer', 'x-far'], ['l3gateway-chassis', 'hv-other']]]}}"
	"}}";

static void test_l3gateway(void)
{
	struct chassis_cfg gcfg = { .name = "hv-me", .hostname = "host-me" };
	struct ovsdb_replica *r = sb_fix_replica(tables);
	struct ovsdb_uuid e1, e2, e3, e4, me;
	const struct ovsdb_table *pb;
	struct local_datapaths ld;
	struct bindings bs;
	json_t *ops, *ref;
	char *all;

	if (!r) {
		test__skip(SB_SCHEMA " not installed");
		return;
	}
	bindings_init(&bs);
	local_datapaths_init(&ld);
	ref = json_pack("[s, s]", "uuid", U(02));
	if (!sb_fix_apply(r, l3gw_bindings))
		goto out;
	pb = ovsdb_replica_find_table(r, "Port_Binding");
	ovsdb_uuid_from_string(&me, U(02));
	ovsdb_uuid_from_string(&e1, U(e1));
	ovsdb_uuid_from_string(&e2, U(e2));
	ovsdb_uuid_from_string(&e3, U(e3));
	ovsdb_uuid_from_string(&e4, U(e4));

	ops = json_array();
	ASSERT_EQ(l3gw_claim_reconcile(pb, &gcfg, NULL, NULL, ops), 0, "unregistered: nothing");
	ASSERT_EQ(l3gw_claim_reconcile(pb, &gcfg, &me, ref, ops), 3, "two claims, one release");
	all = json_dumps(ops, JSON_COMPACT | JSON_SORT_KEYS);
	if (ASSERT_OK_PTR(all, "dump")) {
		ASSERT_TRUE(strstr(all, "{\"op\":\"update\",\"row\":{\"chassis\":[\"uuid\",\""
				   U(02) "\"]},\"table\":\"Port_Binding\",\"where\":[[\"_uuid\","
				   "\"==\",[\"uuid\",\"" U(31) "\"]]]}") != NULL, "claim gr-sw");
		ASSERT_TRUE(strstr(all, "[\"uuid\",\"" U(32) "\"]") != NULL, "claim sw-gr");
		ASSERT_TRUE(strstr(all, "{\"chassis\":[\"set\",[]]},\"table\":\"Port_Binding\","
				   "\"where\":[[\"_uuid\",\"==\",[\"uuid\",\"" U(35) "\"]]]")
			    != NULL, "release far-x");
		ASSERT_TRUE(!strstr(all, "\"up\""), "no up column for gateway ports");
	}
	free(all);
	json_decref(ops);

	/* Before the claims land: only the far router, still ours. */
	ASSERT_OK(local_datapaths_compute(&ld, &bs, pb, &me), "compute");
	ASSERT_TRUE(local_datapaths_contains(&ld, &e4), "a claimed l3gateway port is local");
	ASSERT_FALSE(local_datapaths_contains(&ld, &e1), "unclaimed gateway router: not local");

	if (!sb_fix_apply(r, "{'Port_Binding': {"
		      " '" U(31) "': {'modify': {'chassis': ['uuid', '" U(02) "']}},"
		      " '" U(32) "': {'modify': {'chassis': ['uuid', '" U(02) "']}},"
		      " '" U(35) "': {'modify': {'chassis': ['set', []]}}}}"))
		goto out;
	ops = json_array();
	ASSERT_EQ(l3gw_claim_reconcile(pb, &gcfg, &me, ref, ops), 0, "converged");
	json_decref(ops);
	ASSERT_OK(local_datapaths_compute(&ld, &bs, pb, &me), "compute");
	ASSERT_EQ(ld.n, 3, "gateway router, its switch, the switch behind it");
	ASSERT_TRUE(local_datapaths_contains(&ld, &e1) && local_datapaths_contains(&ld, &e2) &&
		    local_datapaths_contains(&ld, &e3), "e1, e2, e3");
	ASSERT_FALSE(local_datapaths_contains(&ld, &e4), "released router: not local");
	ASSERT_OK(local_datapaths_compute(&ld, &bs, pb, NULL), "compute unregistered");
	ASSERT_EQ(ld.n, 0, "no chassis row: no gateway router");
out:
	json_decref(ref);
	local_datapaths_destroy(&ld);
	bindings_destroy(&bs);
	ovsdb_replica_destroy(r);
}

void test_bind_sb(void)
{
	if (test__start_subtest("chassis"))
		test_chassis();
	if (test__start_subtest("claim"))
		test_claim();
	if (test__start_subtest("l3gateway"))
		test_l3gateway();
	if (test__start_subtest("local_datapaths"))
		test_local_datapaths();
}
