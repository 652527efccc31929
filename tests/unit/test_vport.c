// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * Virtual ports, daemon side (loader/vport.h): bind_vport punt records
 * (malformed ones counted and skipped, one pending request per
 * (datapath, V) with the latest parent, the 1000 cap) and the
 * Port_Binding updates against an SB replica: the request as pinctrl
 * writes it (none when the SB already says so, none for ports that do not
 * resolve or a V that is not "virtual"), binding.c's claim (chassis, up)
 * of a V whose parent is here and its release when the parent is not.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "loader/actions.h"
#include "loader/bindings.h"
#include "loader/punt.h"
#include "loader/vport.h"
#include "tests/test_progs.h"
#include "tests/unit/sb_replica_fix.h"

#define U(n) "000000" #n "-0000-0000-0000-000000000000"
#define ME	U(01)
#define OTHER	U(02)

static struct ovn_punt_event punt(uint32_t dp, uint32_t vport, uint32_t parent)
{
	struct ovn_punt_event ev;

	memset(&ev, 0, sizeof(ev));
	ev.opcode = PUNT_MAKE(ACT_BIND_VPORT, vport);
	ev.md.metadata = htonl(dp);
	ev.md.inport = htonl(parent);
	return ev;
}

static void test_note(void)
{
	const size_t hdr = offsetof(struct ovn_punt_event, pkt);
	struct ovn_punt_event ev;
	struct vport_stats s;
	struct vports *vp;

	if (!ASSERT_OK(vports_create(NULL, NULL, &vp), "create"))
		return;
	ev = punt(5, 3, 1);
	ASSERT_EQ(vports_note(vp, &ev, hdr - 1), -EINVAL, "short record");
	ev = punt(5, 0, 1);
	ASSERT_EQ(vports_note(vp, &ev, hdr), -EINVAL, "no virtual port key");
	ev = punt(5, 3, 0);
	ASSERT_EQ(vports_note(vp, &ev, hdr), -EINVAL, "no parent");
	ev = punt(0, 3, 1);
	ASSERT_EQ(vports_note(vp, &ev, hdr), -EINVAL, "no datapath");
	ev = punt(5, 3, 1);
	ev.opcode = PUNT_MAKE(ACT_PUT_ARP, 3);
	ASSERT_EQ(vports_note(vp, &ev, hdr), -EINVAL, "another verb");
	ASSERT_EQ(vports_note(vp, NULL, hdr), -EINVAL, "no record");
	ASSERT_EQ(vports_pending(vp), 0, "nothing pending");

	ev = punt(5, 3, 1);
	ASSERT_EQ(vports_note(vp, &ev, sizeof(ev)), 1, "pends");
	ev = punt(5, 3, 2);
	ASSERT_EQ(vports_note(vp, &ev, hdr), 0, "same V, other parent: replaces");
	ev = punt(6, 3, 2);
	ASSERT_EQ(vports_note(vp, &ev, hdr), 1, "same key on another datapath pends");
	ASSERT_EQ(vports_pending(vp), 2, "two pending");
	for (uint32_t k = 100; k < 100 + VPORT_PENDING_MAX + 3; k++) {
		ev = punt(7, k, 1);
		vports_note(vp, &ev, hdr);
	}
	ASSERT_EQ(vports_pending(vp), VPORT_PENDING_MAX, "capped");
	vports_get_stats(vp, &s);
	ASSERT_EQ(s.malformed, 6, "malformed counted");
	ASSERT_EQ(s.deduped, 1, "deduplicated counted");
	ASSERT_EQ(s.overflow, 5, "over the cap counted");
	ASSERT_EQ(s.punts, 6 + 3 + VPORT_PENDING_MAX + 3, "every punt counted");
	vports_destroy(vp);
}

static const char *const tables[] = { "Chassis", "Datapath_Binding", "Port_Binding", NULL };

/* Datapath 5 (U10): parents pa (key 1) and pb (key 2) claimed here and up,
 * pc (key 8) claimed here but not bound to an interface of ours; vip (3,
 * virtual, unbound, up [false]); plain (4, a VIF); vgone (5, virtual,
 * ours, parent not here); vtake (6, virtual, another chassis' claim of a
 * parent that is here); vfar (7, virtual, another chassis with its own
 * parent). */
static const char *sb_rows =
	"{'Chassis': {'" ME "': {'insert': {'name': 'me'}},"
	"             '" OTHER "': {'insert': {'name': 'other'}}},"
	" 'Datapath_Binding': {'" U(10) "': {'insert': {'tunnel_key': 5}}},"
	" 'Port_Binding': {"
	"  '" U(20) "': {'insert': {'logical_port': 'pa', 'tunnel_key': 1,"
	"    'datapath': ['uuid', '" U(10) "'], 'chassis': ['uuid', '" ME "'], 'up': true}},"
	"  '" U(21) "': {'insert': {'logical_port': 'pb', 'tunnel_key': 2,"
	"    'datapath': ['uuid', '" U(10) "'], 'chassis': ['uuid', '" ME "'], 'up': true}},"
	"  '" U(28) "': {'insert': {'logical_port': 'pc', 'tunnel_key': 8,"
	"    'datapath': ['uuid', '" U(10) "'], 'chassis': ['uuid', '" ME "'], 'up': true}},"
	"  '" U(22) "': {'insert': {'logical_port': 'vip', 'tunnel_key': 3, 'type': 'virtual',"
	"    'datapath': ['uuid', '" U(10) "'], 'up': false}},"
	"  '" U(23) "': {'insert': {'logical_port': 'plain', 'tunnel_key': 4,"
	"    'datapath': ['uuid', '" U(10) "']}},"
	"  '" U(24) "': {'insert': {'logical_port': 'vgone', 'tunnel_key': 5, 'type': 'virtual',"
	"    'datapath': ['uuid', '" U(10) "'], 'chassis': ['uuid', '" ME "'],"
	"    'virtual_parent': 'pc'}},"
	"  '" U(25) "': {'insert': {'logical_port': 'vtake', 'tunnel_key': 6, 'type': 'virtual',"
	"    'datapath': ['uuid', '" U(10) "'], 'chassis': ['uuid', '" OTHER "'],"
	"    'virtual_parent': 'pb'}},"
	"  '" U(26) "': {'insert': {'logical_port': 'vfar', 'tunnel_key': 7, 'type': 'virtual',"
	"    'datapath': ['uuid', '" U(10) "'], 'chassis': ['uuid', '" OTHER "'],"
	"    'virtual_parent': 'pfar'}}}}";

/* The update of row UUID in OPS, as sorted compact JSON, or NULL. */
static char *row_of(const json_t *ops, const char *uuid)
{
	size_t i;
	json_t *op;

	json_array_foreach(ops, i, op) {
		const json_t *w = json_object_get(op, "where");
		const json_t *u = json_array_get(json_array_get(w, 0), 2);

		if (!strcmp(json_string_value(json_array_get(u, 1)) ?: "", uuid))
			return json_dumps(json_object_get(op, "row"), JSON_COMPACT | JSON_SORT_KEYS);
	}
	return NULL;
}

static bool row_is(const json_t *ops, const char *uuid, const char *want)
{
	char *got = row_of(ops, uuid);
	bool ok = got && !strcmp(got, want);

	if (!ok)
		printf("row %s: %s\nwant:   %s\n", uuid, got ? got : "(none)", want);
	free(got);
	return ok;
}

/* Replace row UUID of Port_Binding by ROW (update2 text with '). */
static bool pb_set(struct ovsdb_replica *r, const char *uuid, const char *row)
{
	char msg[1024];

	snprintf(msg, sizeof(msg), "{'Port_Binding': {'%s': {'delete': null}}}", uuid);
	if (!sb_fix_apply(r, msg))
		return false;
	snprintf(msg, sizeof(msg), "{'Port_Binding': {'%s': {'insert': %s}}}", uuid, row);
	return sb_fix_apply(r, msg);
}

static void test_flush(void)
{
	const size_t hdr = offsetof(struct ovn_punt_event, pkt);
	struct ovsdb_replica *r = sb_fix_replica(tables);
	const struct ovsdb_table *pbt, *dpb;
	struct ovn_punt_event ev;
	struct bindings bs;
	struct binding *b;
	struct vport_stats s;
	struct vports *vp = NULL;
	struct ovsdb_uuid me;
	json_t *ops = NULL;

	bindings_init(&bs);
	if (!r) {
		test__skip("no SB schema installed");
		return;
	}
	if (!sb_fix_apply(r, sb_rows) || !ASSERT_OK(vports_create(NULL, &bs, &vp), "create"))
		goto out;
	if (!ASSERT_OK(bindings_add(&bs, "tva", "pa", &b), "bind pa"))
		goto out;
	b->ifindex = 10;
	if (!ASSERT_OK(bindings_add(&bs, "tvb", "pb", &b), "bind pb"))
		goto out;
	b->ifindex = 11;
	pbt = ovsdb_replica_find_table(r, "Port_Binding");
	dpb = ovsdb_replica_find_table(r, "Datapath_Binding");
	ovsdb_uuid_from_string(&me, ME);

	/* pa speaks for vip; requests that do not resolve. */
	ev = punt(5, 3, 1);
	vports_note(vp, &ev, hdr);
	ev = punt(5, 4, 1);		/* plain is not virtual */
	vports_note(vp, &ev, hdr);
	ev = punt(9, 3, 1);		/* no datapath 9 */
	vports_note(vp, &ev, hdr);
	ev = punt(5, 30, 1);		/* no port 30 */
	vports_note(vp, &ev, hdr);
	ops = vports_flush(vp, pbt, dpb, NULL);
	ASSERT_NULL(ops, "no chassis: nothing");
	ASSERT_EQ(vports_pending(vp), 0, "emptied anyway");

	ev = punt(5, 3, 1);
	vports_note(vp, &ev, hdr);
	ev = punt(5, 4, 1);
	vports_note(vp, &ev, hdr);
	ev = punt(9, 3, 1);
	vports_note(vp, &ev, hdr);
	ev = punt(5, 30, 1);
	vports_note(vp, &ev, hdr);
	ops = vports_flush(vp, pbt, dpb, &me);
	if (!ASSERT_OK_PTR(ops, "ops"))
		goto out;
	ASSERT_EQ(json_array_size(ops), 3, "vip bound, vgone released, vtake claimed");
	ASSERT_TRUE(row_is(ops, U(22), "{\"chassis\":[\"uuid\",\"" ME "\"],"
			   "\"virtual_parent\":\"pa\"}"), "vip: chassis + virtual_parent");
	ASSERT_TRUE(row_is(ops, U(24), "{\"chassis\":[\"set\",[]],"
			   "\"virtual_parent\":[\"set\",[]]}"), "vgone: released");
	ASSERT_TRUE(row_is(ops, U(25), "{\"chassis\":[\"uuid\",\"" ME "\"]}"),
		    "vtake: claimed (its up column is empty: not written)");
	ASSERT_NULL(row_of(ops, U(26)), "vfar: another chassis' business");
	ASSERT_NULL(row_of(ops, U(23)), "plain untouched");
	json_decref(ops);
	ops = NULL;
	vports_get_stats(vp, &s);
	ASSERT_EQ(s.unresolved, 3, "three did not resolve");
	ASSERT_EQ(s.bound, 1, "one bound");

	/* The SB took it: the same request again writes no binding, and
	 * binding.c's claim marks vip up (pa is up). */
	if (!pb_set(r, U(22), "{'logical_port': 'vip', 'tunnel_key': 3, 'type': 'virtual',"
		    " 'datapath': ['uuid', '" U(10) "'], 'up': false,"
		    " 'chassis': ['uuid', '" ME "'], 'virtual_parent': 'pa'}") ||
	    !pb_set(r, U(24), "{'logical_port': 'vgone', 'tunnel_key': 5, 'type': 'virtual',"
		    " 'datapath': ['uuid', '" U(10) "']}") ||
	    !pb_set(r, U(25), "{'logical_port': 'vtake', 'tunnel_key': 6, 'type': 'virtual',"
		    " 'datapath': ['uuid', '" U(10) "'], 'chassis': ['uuid', '" ME "'],"
		    " 'virtual_parent': 'pb'}"))
		goto out;
	ev = punt(5, 3, 1);
	vports_note(vp, &ev, hdr);
	ops = vports_flush(vp, pbt, dpb, &me);
	if (ASSERT_OK_PTR(ops, "up") && ASSERT_EQ(json_array_size(ops), 1, "one update"))
		ASSERT_TRUE(row_is(ops, U(22), "{\"up\":true}"), "vip up");
	json_decref(ops);
	ops = NULL;
	vports_get_stats(vp, &s);
	ASSERT_EQ(s.already, 1, "the request was already so");
	if (!pb_set(r, U(22), "{'logical_port': 'vip', 'tunnel_key': 3, 'type': 'virtual',"
		    " 'datapath': ['uuid', '" U(10) "'], 'up': true,"
		    " 'chassis': ['uuid', '" ME "'], 'virtual_parent': 'pa'}"))
		goto out;
	ASSERT_NULL(vports_flush(vp, pbt, dpb, &me), "steady state: nothing to write");

	/* Failover: pa's GARP, then pb's, before the write: pb wins. */
	ev = punt(5, 3, 1);
	vports_note(vp, &ev, hdr);
	ev = punt(5, 3, 2);
	vports_note(vp, &ev, hdr);
	ops = vports_flush(vp, pbt, dpb, &me);
	if (ASSERT_OK_PTR(ops, "failover") && ASSERT_EQ(json_array_size(ops), 1, "one update"))
		ASSERT_TRUE(row_is(ops, U(22), "{\"chassis\":[\"uuid\",\"" ME "\"],"
				   "\"virtual_parent\":\"pb\"}"), "virtual_parent pb");
	json_decref(ops);
	ops = NULL;

	/* Another chassis took vip over with its own parent: left alone. */
	if (!pb_set(r, U(22), "{'logical_port': 'vip', 'tunnel_key': 3, 'type': 'virtual',"
		    " 'datapath': ['uuid', '" U(10) "'], 'up': true,"
		    " 'chassis': ['uuid', '" OTHER "'], 'virtual_parent': 'pfar'}"))
		goto out;
	ASSERT_NULL(vports_flush(vp, pbt, dpb, &me), "another chassis' claim stands");
	/* pb's interface goes: vtake (ours through pb) is released. */
	b->ifindex = 0;
	ops = vports_flush(vp, pbt, dpb, &me);
	if (ASSERT_OK_PTR(ops, "release") && ASSERT_EQ(json_array_size(ops), 1, "one update"))
		ASSERT_TRUE(row_is(ops, U(25), "{\"chassis\":[\"set\",[]],"
				   "\"virtual_parent\":[\"set\",[]]}"), "vtake released");
out:
	json_decref(ops);
	vports_destroy(vp);
	bindings_destroy(&bs);
	ovsdb_replica_destroy(r);
}

void test_vport_daemon(void)
{
	if (test__start_subtest("punt_records"))
		test_note();
	if (test__start_subtest("port_binding_writes"))
		test_flush();
}
