// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * Controller events (loader/controller_event.h): trigger_event options to
 * descriptors and punt ops, the pending table (deduplication, the 1000
 * cap, the 10 s age-out) and the Controller_Event inserts against an SB
 * replica (a row already there for our chassis suppresses the insert,
 * one of another chassis does not).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "loader/actions.h"
#include "loader/controller_event.h"
#include "loader/punt.h"
#include "loader/symtab.h"
#include "tests/test_progs.h"
#include "tests/unit/sb_replica_fix.h"

#define U(n) "000000" #n "-0000-0000-0000-000000000000"
#define LB1 "7a6e1bd2-1c4a-4a57-9f4e-1f3ad2c3b001"
#define LB2 "7a6e1bd2-1c4a-4a57-9f4e-1f3ad2c3b002"

static struct symtab *st;

/* Parse TEXT (one trigger_event) and intern it; the id or -errno. */
static int intern(const char *text, const char **why)
{
	struct action_parse_params pp = {
		.symtab = st, .pipeline = ACT_P_INGRESS, .cur_table = 5, .n_tables = 29,
	};
	struct action_parse_result res;
	struct action_error err;
	int id;

	*why = NULL;
	if (!ASSERT_OK(actions_parse(text, &pp, &res, &err), text))
		return -EBADMSG;
	if (!ASSERT_EQ(res.acts.n, 1, "one action") ||
	    !ASSERT_EQ(res.acts.acts[0].type, ACT_TRIGGER_EVENT, "trigger_event")) {
		action_parse_result_free(&res);
		return -EBADMSG;
	}
	id = ctrl_event_intern(&res.acts.acts[0].event, why);
	action_parse_result_free(&res);
	return id;
}

static void test_descriptors(void)
{
	const struct ctrl_event_desc *d;
	const char *why;
	int a, b, c, e;

	a = intern("trigger_event(event = \"empty_lb_backends\", vip = \"10.0.0.10:80\", "
		   "protocol = \"tcp\", load_balancer = \"" LB1 "\");", &why);
	if (!ASSERT_GT(a, 0, "interned"))
		return;
	d = ctrl_event_get(a);
	if (!ASSERT_OK_PTR(d, "descriptor"))
		return;
	ASSERT_STREQ(d->type, "empty_lb_backends", "type");
	ASSERT_STREQ(d->vip, "10.0.0.10:80", "vip");
	ASSERT_STREQ(d->protocol, "tcp", "protocol");
	ASSERT_STREQ(d->load_balancer, LB1, "load_balancer");

	/* The same options in another order: the same event. */
	b = intern("trigger_event(event = \"empty_lb_backends\", load_balancer = \"" LB1 "\", "
		   "protocol = \"tcp\", vip = \"10.0.0.10:80\");", &why);
	ASSERT_EQ(b, a, "same event, same id");
	/* Another protocol, another VIP form, another load balancer. */
	c = intern("trigger_event(event = \"empty_lb_backends\", vip = \"10.0.0.10:80\", "
		   "protocol = \"udp\", load_balancer = \"" LB1 "\");", &why);
	ASSERT_GT(c, 0, "udp interned");
	ASSERT_NEQ(c, a, "udp is another event");
	e = intern("trigger_event(event = \"empty_lb_backends\", vip = \"[fd00::a]:80\", "
		   "protocol = \"tcp\", load_balancer = \"" LB2 "\");", &why);
	ASSERT_GT(e, 0, "IPv6 interned");
	ASSERT_NEQ(e, a, "IPv6 is another event");
	ASSERT_STREQ(ctrl_event_get(e)->vip, "[fd00::a]:80", "IPv6 vip kept as written");
	ASSERT_NULL(ctrl_event_get(0), "id 0");
	ASSERT_NULL(ctrl_event_get(60000), "unknown id");

	/* Missing options: the parser takes them, the event is refused. */
	ASSERT_EQ(intern("trigger_event(event = \"empty_lb_backends\", vip = \"10.0.0.10:80\", "
			 "protocol = \"tcp\");", &why), -EINVAL, "no load_balancer");
	ASSERT_TRUE(why && strstr(why, "load_balancer"), "why names it");
	ASSERT_EQ(intern("trigger_event(event = \"empty_lb_backends\", protocol = \"tcp\", "
			 "load_balancer = \"" LB1 "\");", &why), -EINVAL, "no vip");
	ASSERT_TRUE(why && strstr(why, "vip"), "why names vip");
	ASSERT_EQ(intern("trigger_event(event = \"empty_lb_backends\");", &why), -EINVAL,
		  "no options");
}

static void test_op(void)
{
	struct action_event e = { .event = (char *)"empty_lb_backends" };
	struct action_const v[3] = {
		{ .string = (char *)"10.1.1.1" }, { .string = (char *)"sctp" },
		{ .string = (char *)LB2 },
	};
	struct action_opt o[3] = {
		{ .name = (char *)"vip", .code = 1, .value = { &v[0], 1, false } },
		{ .name = (char *)"protocol", .code = 2, .value = { &v[1], 1, false } },
		{ .name = (char *)"load_balancer", .code = 3, .value = { &v[2], 1, false } },
	};
	struct ovn_op op;
	const char *why = NULL;

	e.opts = o;
	e.n_opts = 3;
	if (!ASSERT_OK(ctrl_event_op(&e, 7, &op, &why), "op"))
		return;
	ASSERT_EQ(op.code, OVN_OP_PUNT, "a punt");
	ASSERT_EQ(op.n, OVN_PUNT_F_CONTINUE, "the packet goes on");
	ASSERT_EQ(op.meter, 7, "flow's meter");
	ASSERT_EQ(PUNT_OPCODE(op.arg), ACT_TRIGGER_EVENT, "verb");
	ASSERT_STREQ(ctrl_event_get(PUNT_ARG(op.arg))->vip, "10.1.1.1", "id names the event");
	/* An option with a set of values is bad input. */
	o[0].value.n = 0;
	ASSERT_EQ(ctrl_event_op(&e, 7, &op, &why), -EINVAL, "empty vip value");
}

static void test_pending(void)
{
	struct ctrl_event_stats s;
	struct ctrl_events *ce;
	const char *why;
	int a, b;

	a = intern("trigger_event(event = \"empty_lb_backends\", vip = \"10.0.0.20:80\", "
		   "protocol = \"tcp\", load_balancer = \"" LB1 "\");", &why);
	b = intern("trigger_event(event = \"empty_lb_backends\", vip = \"10.0.0.21:80\", "
		   "protocol = \"tcp\", load_balancer = \"" LB1 "\");", &why);
	if (!ASSERT_GT(a, 0, "a") || !ASSERT_GT(b, 0, "b") ||
	    !ASSERT_OK(ctrl_events_create(NULL, &ce), "create"))
		return;
	ASSERT_EQ(ctrl_events_note(ce, a, 1000), 1, "first punt pends");
	ASSERT_EQ(ctrl_events_note(ce, a, 1001), 0, "second punt deduplicated");
	ASSERT_EQ(ctrl_events_note(ce, b, 5000), 1, "another event pends");
	ASSERT_EQ(ctrl_events_note(ce, 65000, 5000), -ENOENT, "unknown id skipped");
	ASSERT_EQ(ctrl_events_pending(ce), 2, "two pending");
	/* Without a transaction: a pends until 10 s after its first punt. */
	ctrl_events_gc(ce, 1000 + CTRL_EVENT_TIMEOUT_MS - 1, false);
	ASSERT_EQ(ctrl_events_pending(ce), 2, "not yet expired");
	ctrl_events_gc(ce, 1000 + CTRL_EVENT_TIMEOUT_MS, false);
	ASSERT_EQ(ctrl_events_pending(ce), 1, "a expired");
	ASSERT_EQ(ctrl_events_note(ce, a, 12000), 1, "a pends again");
	ctrl_events_gc(ce, 12000, true);
	ASSERT_EQ(ctrl_events_pending(ce), 0, "flushed");

	/* The cap: ovn-controller keeps at most 1000 events. */
	for (int i = 0; i < CTRL_EVENT_MAX + 5; i++) {
		char text[200];
		int id;

		snprintf(text, sizeof(text), "trigger_event(event = \"empty_lb_backends\", "
			 "vip = \"10.9.%d.%d:80\", protocol = \"tcp\", load_balancer = \"" LB2
			 "\");", i / 256, i % 256);
		id = intern(text, &why);
		if (!ASSERT_GT(id, 0, "interned"))
			break;
		if (ctrl_events_note(ce, id, 20000) < 0)
			break;
	}
	ASSERT_EQ(ctrl_events_pending(ce), CTRL_EVENT_MAX, "capped");
	ctrl_events_get_stats(ce, &s);
	ASSERT_EQ(s.overflow, 1, "the first over the cap is counted");
	ASSERT_EQ(s.deduped, 1, "one deduplicated");
	ASSERT_EQ(s.unknown, 1, "one unknown");
	ASSERT_EQ(s.expired, 1, "one expired");
	ctrl_events_destroy(ce);
}

static const char *const tables[] = { "Chassis", "Controller_Event", NULL };

static const char *sb_rows =
	"{'Chassis': {'" U(01) "': {'insert': {'name': 'me'}},"
	"             '" U(02) "': {'insert': {'name': 'other'}}},"
	" 'Controller_Event': {"
	"   '" U(03) "': {'insert': {'event_type': 'empty_lb_backends', 'seq_num': 1,"
	"     'chassis': ['uuid', '" U(01) "'], 'event_info': ['map', ["
	"     ['vip', '10.0.0.30:80'], ['protocol', 'tcp'], ['load_balancer', '" LB1 "']]]}},"
	"   '" U(04) "': {'insert': {'event_type': 'empty_lb_backends', 'seq_num': 1,"
	"     'chassis': ['uuid', '" U(02) "'], 'event_info': ['map', ["
	"     ['vip', '10.0.0.31:80'], ['protocol', 'tcp'], ['load_balancer', '" LB1 "']]]}}}}";

static bool op_is(const json_t *op, const char *vip, long long seq)
{
	const json_t *row = json_object_get(op, "row");
	char *txt = json_dumps(op, JSON_COMPACT | JSON_SORT_KEYS);
	char want[512];
	bool ok;

	snprintf(want, sizeof(want),
		 "{\"op\":\"insert\",\"row\":{\"chassis\":[\"uuid\",\"%s\"],"
		 "\"event_info\":[\"map\",[[\"load_balancer\",\"%s\"],[\"protocol\",\"tcp\"],"
		 "[\"vip\",\"%s\"]]],\"event_type\":\"empty_lb_backends\",\"seq_num\":%lld},"
		 "\"table\":\"Controller_Event\"}", U(01), LB1, vip, seq);
	ok = row && txt && !strcmp(txt, want);
	if (!ok)
		printf("op:   %s\nwant: %s\n", txt ? txt : "-", want);
	free(txt);
	return ok;
}

static void test_flush(void)
{
	struct ovsdb_replica *r = sb_fix_replica(tables);
	const struct ovsdb_table *t;
	struct ovsdb_uuid me;
	struct ctrl_event_stats s;
	struct ctrl_events *ce = NULL;
	const char *why;
	json_t *ops;
	int mine, other, fresh;

	if (!r) {
		test__skip("no SB schema installed");
		return;
	}
	if (!sb_fix_apply(r, sb_rows) || !ASSERT_OK(ctrl_events_create(NULL, &ce), "create"))
		goto out;
	t = ovsdb_replica_find_table(r, "Controller_Event");
	ovsdb_uuid_from_string(&me, U(01));
	mine = intern("trigger_event(event = \"empty_lb_backends\", vip = \"10.0.0.30:80\", "
		      "protocol = \"tcp\", load_balancer = \"" LB1 "\");", &why);
	other = intern("trigger_event(event = \"empty_lb_backends\", vip = \"10.0.0.31:80\", "
		       "protocol = \"tcp\", load_balancer = \"" LB1 "\");", &why);
	fresh = intern("trigger_event(event = \"empty_lb_backends\", vip = \"10.0.0.32:80\", "
		       "protocol = \"tcp\", load_balancer = \"" LB1 "\");", &why);
	ctrl_events_note(ce, mine, 1);
	ctrl_events_note(ce, other, 1);
	ctrl_events_note(ce, fresh, 1);
	ops = ctrl_events_flush(ce, t, &me);
	/* Ours exists: skipped; the other chassis' row is not ours. */
	if (ASSERT_OK_PTR(ops, "ops") && ASSERT_EQ(json_array_size(ops), 2, "two inserts")) {
		ASSERT_TRUE(op_is(json_array_get(ops, 0), "10.0.0.31:80", 1), "other's event");
		ASSERT_TRUE(op_is(json_array_get(ops, 1), "10.0.0.32:80", 2), "fresh event");
	}
	json_decref(ops);
	ASSERT_EQ(ctrl_events_pending(ce), 0, "table emptied");

	/* The rows came back: the next punts write nothing. */
	sb_fix_apply(r, "{'Controller_Event': {"
		     "'" U(05) "': {'insert': {'event_type': 'empty_lb_backends', 'seq_num': 2,"
		     " 'chassis': ['uuid', '" U(01) "'], 'event_info': ['map', ["
		     " ['vip', '10.0.0.32:80'], ['protocol', 'tcp'], ['load_balancer', '" LB1
		     "']]]}}}}");
	ctrl_events_note(ce, fresh, 2);
	ctrl_events_note(ce, mine, 2);
	ASSERT_NULL(ctrl_events_flush(ce, t, &me), "nothing new");
	/* The CMS deleted ours: a new punt writes it again, next seq_num. */
	sb_fix_apply(r, "{'Controller_Event': {'" U(05) "': {'delete': null}}}");
	ctrl_events_note(ce, fresh, 3);
	ops = ctrl_events_flush(ce, t, &me);
	if (ASSERT_OK_PTR(ops, "rewritten") && ASSERT_EQ(json_array_size(ops), 1, "one insert"))
		ASSERT_TRUE(op_is(json_array_get(ops, 0), "10.0.0.32:80", 3), "seq_num 3");
	json_decref(ops);
	ctrl_events_get_stats(ce, &s);
	ASSERT_EQ(s.inserted, 3, "inserted");
	ASSERT_EQ(s.in_sb, 3, "already in the SB");
out:
	ctrl_events_destroy(ce);
	ovsdb_replica_destroy(r);
}

void test_cev_controller_event(void)
{
	st = symtab_create_ovn();
	if (!ASSERT_OK_PTR(st, "symtab"))
		return;
	if (test__start_subtest("descriptors"))
		test_descriptors();
	if (test__start_subtest("punt_op"))
		test_op();
	if (test__start_subtest("pending"))
		test_pending();
	if (test__start_subtest("flush"))
		test_flush();
	symtab_destroy(st);
	st = NULL;
}
