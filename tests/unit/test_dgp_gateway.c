// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * Distributed gateway ports (loader/gateway.h) against a replica holding
 * the real OVN_Southbound schema: which chassis is the active gateway of a
 * chassisredirect port (HA_Chassis_Group, legacy Gateway_Chassis, the
 * chassis column), the claims and releases that follow, residency changes
 * between engine passes, and which flow matches name a port.
 */
#include "loader/gateway.h"
#include "ovsdb-client/replica.h"
#include "tests/test_progs.h"
#include "tests/unit/sb_replica_fix.h"

#define U(n) "00000000-0000-0000-0000-0000000000" #n

static const char *const tables[] = {
	"Chassis", "Port_Binding", "HA_Chassis_Group", "HA_Chassis", "Gateway_Chassis", NULL,
};

static struct gateway_tables gtables(struct ovsdb_replica *r)
{
	return (struct gateway_tables){
		.chassis = ovsdb_replica_find_table(r, "Chassis"),
		.ha_chassis_group = ovsdb_replica_find_table(r, "HA_Chassis_Group"),
		.ha_chassis = ovsdb_replica_find_table(r, "HA_Chassis"),
		.gateway_chassis = ovsdb_replica_find_table(r, "Gateway_Chassis"),
	};
}

static const struct ovsdb_row *pb_row(struct ovsdb_replica *r, const char *u)
{
	struct ovsdb_uuid id;

	if (!ovsdb_uuid_from_string(&id, u))
		return NULL;
	return ovsdb_table_find(ovsdb_replica_find_table(r, "Port_Binding"), &id);
}

static struct ovsdb_uuid uuid_of(const char *s)
{
	struct ovsdb_uuid u;

	memset(&u, 0, sizeof(u));
	ovsdb_uuid_from_string(&u, s);
	return u;
}

/* Three chassis (a, b, c), a router port lrp1 and its cr-lrp1 whose HA
 * group has a at 10 and b at 20; a VIF port; cr-lrp2 with legacy
 * Gateway_Chassis rows (c at 5, a at 5: a tie, "a" < "c"); cr-lrp3 with
 * neither, bound to c. */
static const char *sb =
	"{'Chassis': {"
	"   '" U(01) "': {'insert': {'name': 'a', 'hostname': 'ha'}},"
	"   '" U(02) "': {'insert': {'name': 'b', 'hostname': 'hb'}},"
	"   '" U(03) "': {'insert': {'name': 'c', 'hostname': 'hc'}}},"
	" 'HA_Chassis': {"
	"   '" U(11) "': {'insert': {'chassis': ['uuid', '" U(01) "'], 'priority': 10}},"
	"   '" U(12) "': {'insert': {'chassis': ['uuid', '" U(02) "'], 'priority': 20}}},"
	" 'HA_Chassis_Group': {"
	"   '" U(21) "': {'insert': {'name': 'lrp1', 'ha_chassis': ['set', ["
	"      ['uuid', '" U(11) "'], ['uuid', '" U(12) "']]]}}},"
	" 'Gateway_Chassis': {"
	"   '" U(31) "': {'insert': {'name': 'lrp2_c', 'chassis': ['uuid', '" U(03) "'],"
	"      'priority': 5}},"
	"   '" U(32) "': {'insert': {'name': 'lrp2_a', 'chassis': ['uuid', '" U(01) "'],"
	"      'priority': 5}}},"
	" 'Port_Binding': {"
	"   '" U(41) "': {'insert': {'logical_port': 'lrp1', 'type': 'patch', 'tunnel_key': 1}},"
	"   '" U(42) "': {'insert': {'logical_port': 'cr-lrp1', 'type': 'chassisredirect',"
	"      'tunnel_key': 2, 'ha_chassis_group': ['uuid', '" U(21) "'],"
	"      'options': ['map', [['distributed-port', 'lrp1']]]}},"
	"   '" U(43) "': {'insert': {'logical_port': 'vif1', 'tunnel_key': 3,"
	"      'chassis': ['uuid', '" U(01) "']}},"
	"   '" U(44) "': {'insert': {'logical_port': 'cr-lrp2', 'type': 'chassisredirect',"
	"      'tunnel_key': 4, 'gateway_chassis': ['set', [['uuid', '" U(31) "'],"
	"      ['uuid', '" U(32) "']]]}},"
	"   '" U(45) "': {'insert': {'logical_port': 'cr-lrp3', 'type': 'chassisredirect',"
	"      'tunnel_key': 5, 'chassis': ['uuid', '" U(03) "']}}}}";

static void test_active(void)
{
	struct ovsdb_replica *r = sb_fix_replica(tables);
	struct ovsdb_uuid a = uuid_of(U(01)), b = uuid_of(U(02)), c = uuid_of(U(03));
	struct gateway_tables t;

	if (!r) {
		test__skip(SB_SCHEMA " not installed");
		return;
	}
	t = gtables(r);
	if (!sb_fix_apply(r, sb))
		goto out;
	ASSERT_TRUE(gateway_is_cr(pb_row(r, U(42))), "cr-lrp1 is chassisredirect");
	ASSERT_FALSE(gateway_is_cr(pb_row(r, U(41))), "lrp1 is not");
	ASSERT_TRUE(gateway_cr_active(pb_row(r, U(42)), &t, &b), "HA group: b (20) is active");
	ASSERT_FALSE(gateway_cr_active(pb_row(r, U(42)), &t, &a), "HA group: a (10) is not");
	ASSERT_FALSE(gateway_cr_active(pb_row(r, U(42)), &t, &c), "HA group: c, no member");
	ASSERT_FALSE(gateway_cr_active(pb_row(r, U(42)), &t, NULL), "not registered: never");
	ASSERT_TRUE(gateway_cr_active(pb_row(r, U(44)), &t, &a), "Gateway_Chassis tie: a");
	ASSERT_FALSE(gateway_cr_active(pb_row(r, U(44)), &t, &c), "Gateway_Chassis tie: not c");
	ASSERT_TRUE(gateway_cr_active(pb_row(r, U(45)), &t, &c), "no candidates: its chassis");
	ASSERT_FALSE(gateway_cr_active(pb_row(r, U(45)), &t, &a), "no candidates: not a");
	ASSERT_FALSE(gateway_cr_active(pb_row(r, U(43)), &t, &a), "a VIF is never a gateway");

	/* b's priority drops below a's: a becomes the active one. */
	if (!sb_fix_apply(r, "{'HA_Chassis': {'" U(12) "': {'modify': {'priority': 5}}}}"))
		goto out;
	ASSERT_TRUE(gateway_cr_active(pb_row(r, U(42)), &t, &a), "a (10) over b (5)");
	ASSERT_FALSE(gateway_cr_active(pb_row(r, U(42)), &t, &b), "b no longer");
	/* A member whose chassis row is gone does not count. */
	if (!sb_fix_apply(r, "{'Chassis': {'" U(01) "': {'delete': null}}}"))
		goto out;
	ASSERT_TRUE(gateway_cr_active(pb_row(r, U(42)), &t, &b), "a's row gone: b");
out:
	ovsdb_replica_destroy(r);
}

static void test_claim(void)
{
	struct ovsdb_replica *r = sb_fix_replica(tables);
	struct ovsdb_uuid a = uuid_of(U(01)), b = uuid_of(U(02));
	const struct ovsdb_table *pbt;
	struct gateway_tables t;
	json_t *ops, *ref_a, *ref_b;
	char *s;

	if (!r) {
		test__skip(SB_SCHEMA " not installed");
		return;
	}
	t = gtables(r);
	pbt = ovsdb_replica_find_table(r, "Port_Binding");
	ref_a = json_pack("[s, s]", "uuid", U(01));
	ref_b = json_pack("[s, s]", "uuid", U(02));
	if (!sb_fix_apply(r, sb))
		goto out;

	/* b: claims cr-lrp1 (HA group, priority 20), nothing else. */
	ops = json_array();
	ASSERT_EQ(gateway_claim_reconcile(pbt, &t, &b, ref_b, ops), 1, "b claims one port");
	s = json_dumps(json_array_get(ops, 0), JSON_COMPACT | JSON_SORT_KEYS);
	ASSERT_OK_PTR(strstr(s ?: "", "\"chassis\":[\"uuid\",\"" U(02) "\"]"), "chassis = b");
	ASSERT_OK_PTR(strstr(s ?: "", "\"up\":true"), "up");
	ASSERT_OK_PTR(strstr(s ?: "", "\"_uuid\",\"==\",[\"uuid\",\"" U(42) "\"]"),
		      "row cr-lrp1");
	free(s);
	json_decref(ops);

	/* a: claims cr-lrp2 (Gateway_Chassis tie won), not cr-lrp1. */
	ops = json_array();
	ASSERT_EQ(gateway_claim_reconcile(pbt, &t, &a, ref_a, ops), 1, "a claims one port");
	s = json_dumps(json_array_get(ops, 0), JSON_COMPACT | JSON_SORT_KEYS);
	ASSERT_OK_PTR(strstr(s ?: "", U(44)), "cr-lrp2");
	free(s);
	json_decref(ops);

	/* Once b holds it (and up), b has nothing more to do. */
	if (!sb_fix_apply(r, "{'Port_Binding': {'" U(42) "': {'modify': {'chassis': ['uuid', '" U(02)
		      "'], 'up': true}}}}"))
		goto out;
	ops = json_array();
	ASSERT_EQ(gateway_claim_reconcile(pbt, &t, &b, ref_b, ops), 0, "b: in line, no ops");
	json_decref(ops);

	/* a overtakes b: b releases, a claims. */
	if (!sb_fix_apply(r, "{'HA_Chassis': {'" U(11) "': {'modify': {'priority': 30}}}}"))
		goto out;
	ops = json_array();
	ASSERT_EQ(gateway_claim_reconcile(pbt, &t, &b, ref_b, ops), 1, "b releases");
	s = json_dumps(json_array_get(ops, 0), JSON_COMPACT | JSON_SORT_KEYS);
	ASSERT_OK_PTR(strstr(s ?: "", "\"chassis\":[\"set\",[]]"), "chassis cleared");
	ASSERT_OK_PTR(strstr(s ?: "", "\"up\":false"), "up false");
	free(s);
	json_decref(ops);
	ops = json_array();
	ASSERT_EQ(gateway_claim_reconcile(pbt, &t, &a, ref_a, ops), 2, "a claims both");
	json_decref(ops);

	/* Not registered: nothing. */
	ops = json_array();
	ASSERT_EQ(gateway_claim_reconcile(pbt, &t, NULL, NULL, ops), 0, "no chassis, no ops");
	json_decref(ops);
out:
	json_decref(ref_a);
	json_decref(ref_b);
	ovsdb_replica_destroy(r);
}

static void test_residency(void)
{
	struct ovsdb_replica *r = sb_fix_replica(tables);
	struct ovsdb_uuid a = uuid_of(U(01)), b = uuid_of(U(02));
	struct gateway_residency gr = { 0 };
	const struct ovsdb_table *pbt;
	struct gateway_cr **ch = NULL;
	struct gateway_tables t;
	int n;

	if (!r) {
		test__skip(SB_SCHEMA " not installed");
		return;
	}
	t = gtables(r);
	pbt = ovsdb_replica_find_table(r, "Port_Binding");
	if (!sb_fix_apply(r, sb))
		goto out;
	n = gateway_residency_update(&gr, pbt, &t, &b, &ch);
	ASSERT_EQ(n, 1, "b: one port became resident");
	ASSERT_STREQ(n > 0 ? ch[0]->name : "", "cr-lrp1", "cr-lrp1");
	ASSERT_EQ(gr.n, 3, "three chassisredirect ports known");
	ASSERT_EQ(gateway_residency_get(&gr, "cr-lrp1"), 1, "cr-lrp1 resident");
	ASSERT_EQ(gateway_residency_get(&gr, "cr-lrp2"), 0, "cr-lrp2 not");
	ASSERT_EQ(gateway_residency_get(&gr, "vif1"), -ENOENT, "vif1 is not a cr port");
	free(ch);

	n = gateway_residency_update(&gr, pbt, &t, &b, &ch);
	ASSERT_EQ(n, 0, "same input: no change");
	free(ch);

	/* The group's priorities flip: cr-lrp1 leaves b. */
	if (!sb_fix_apply(r, "{'HA_Chassis': {'" U(11) "': {'modify': {'priority': 30}}}}"))
		goto out;
	n = gateway_residency_update(&gr, pbt, &t, &b, &ch);
	ASSERT_EQ(n, 1, "one port changed");
	ASSERT_TRUE(n > 0 && !ch[0]->resident, "cr-lrp1 no longer resident");
	free(ch);
	/* Seen from a: both lrp1 and lrp2 are now resident. */
	n = gateway_residency_update(&gr, pbt, &t, &a, &ch);
	ASSERT_EQ(n, 2, "a: two ports became resident");
	free(ch);
out:
	gateway_residency_free(&gr);
	ovsdb_replica_destroy(r);
}

static void test_match_names(void)
{
	ASSERT_TRUE(gateway_match_names("ip && outport == \"lrp1\" && "
					"is_chassis_resident(\"cr-lrp1\")", "cr-lrp1"),
		    "names cr-lrp1");
	ASSERT_FALSE(gateway_match_names("outport == \"cr-lrp1\"", "cr-lrp1"),
		     "no is_chassis_resident");
	ASSERT_FALSE(gateway_match_names("is_chassis_resident(\"cr-lrp10\")", "cr-lrp1"),
		     "a longer name");
	ASSERT_FALSE(gateway_match_names("is_chassis_resident(\"xcr-lrp1\")", "cr-lrp1"),
		     "a name ending the same");
	ASSERT_TRUE(gateway_match_names("is_chassis_resident(\"cr-lrp10\") || "
					"is_chassis_resident(\"cr-lrp1\")", "cr-lrp1"),
		    "second occurrence");
}

void test_dgp_gateway(void)
{
	if (test__start_subtest("active_chassis"))
		test_active();
	if (test__start_subtest("claim_release"))
		test_claim();
	if (test__start_subtest("residency_changes"))
		test_residency();
	if (test__start_subtest("match_names"))
		test_match_names();
}
