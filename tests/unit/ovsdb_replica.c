// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * Unit tests of the OVSDB library's data side: datums and the update2
 * diff, the framer, the jv parser, the replica with change tracking, and
 * the SB accessors.  No server needed.
 */
#include <jansson.h>

#include "loader/sb.h"
#include "ovsdb-client/datum.h"
#include "ovsdb-client/framer.h"
#include "ovsdb-client/jv.h"
#include "ovsdb-client/replica.h"
#include "ovsdb-client/schema.h"
#include "tests/test_progs.h"

#define U1 "11111111-1111-1111-1111-111111111111"
#define U2 "22222222-2222-2222-2222-222222222222"
#define U3 "33333333-3333-3333-3333-333333333333"
#define DP "dddddddd-0000-0000-0000-000000000001"

static const char *test_schema =
	"{\"name\":\"T\",\"version\":\"1.0.0\",\"tables\":{"
	"\"Port_Binding\":{\"columns\":{"
	" \"logical_port\":{\"type\":\"string\"},"
	" \"tunnel_key\":{\"type\":\"integer\"},"
	" \"tag\":{\"type\":{\"key\":\"integer\",\"min\":0,\"max\":1}},"
	" \"mac\":{\"type\":{\"key\":\"string\",\"min\":0,\"max\":\"unlimited\"}},"
	" \"options\":{\"type\":{\"key\":\"string\",\"value\":\"string\","
	"   \"min\":0,\"max\":\"unlimited\"}},"
	" \"up\":{\"type\":{\"key\":\"boolean\",\"min\":0,\"max\":1}},"
	" \"datapath\":{\"type\":{\"key\":{\"type\":\"uuid\","
	"   \"refTable\":\"Datapath_Binding\"}}}}},"
	"\"Datapath_Binding\":{\"columns\":{"
	" \"tunnel_key\":{\"type\":\"integer\"}}}}}";

static struct ovsdb_type str_set = {
	.key = OVSDB_TYPE_STRING, .min = 0, .max = OVSDB_UNLIMITED,
};
static struct ovsdb_type str_map = {
	.key = OVSDB_TYPE_STRING, .value = OVSDB_TYPE_STRING,
	.min = 0, .max = OVSDB_UNLIMITED,
};

/* Parse TEXT as a datum of type T. */
static int datum(struct ovsdb_datum *d, const char *text,
		 const struct ovsdb_type *t, bool diff)
{
	json_t *j = json_loads(text, JSON_DECODE_ANY, NULL);
	const char *err = NULL;
	int ret;

	if (!j)
		return -EINVAL;
	ret = ovsdb_datum_from_json(d, j, t, diff, &err);
	json_decref(j);
	return ret;
}

static bool datum_is(const struct ovsdb_datum *d, const struct ovsdb_type *t,
		     const char *text)
{
	struct ovsdb_datum e;
	bool eq;

	if (datum(&e, text, t, false))
		return false;
	eq = ovsdb_datum_equals(d, &e, t);
	ovsdb_datum_destroy(&e, t);
	return eq;
}

static bool diff_gives(const struct ovsdb_type *t, const char *old,
		       const char *diff, const char *expect)
{
	struct ovsdb_datum o, df, out;
	bool ok;

	if (datum(&o, old, t, false) || datum(&df, diff, t, true))
		return false;
	ok = !ovsdb_datum_apply_diff(&out, &o, &df, t) &&
	     datum_is(&out, t, expect);
	ovsdb_datum_destroy(&o, t);
	ovsdb_datum_destroy(&df, t);
	ovsdb_datum_destroy(&out, t);
	return ok;
}

void test_ovsdb_datum(void)
{
	struct ovsdb_type integer = { .key = OVSDB_TYPE_INTEGER, .min = 1, .max = 1 };
	struct ovsdb_type opt_uuid = { .key = OVSDB_TYPE_UUID, .min = 0, .max = 1 };
	struct ovsdb_datum d;
	json_t *j;

	if (test__start_subtest("parse")) {
		ASSERT_OK(datum(&d, "[\"set\",[\"b\",\"a\",\"c\"]]", &str_set,
				false), "set");
		ASSERT_EQ(d.n, 3, "n");
		ASSERT_STREQ(d.keys[0].string, "a", "sorted");
		ovsdb_datum_destroy(&d, &str_set);
		ASSERT_OK(datum(&d, "\"x\"", &str_set, false), "bare atom");
		ASSERT_EQ(d.n, 1, "n1");
		ovsdb_datum_destroy(&d, &str_set);
		ASSERT_ERR(datum(&d, "[\"set\",[\"a\",\"a\"]]", &str_set, false),
			   "duplicate");
		ASSERT_ERR(datum(&d, "[\"set\",[]]", &integer, false),
			   "min 1 empty");
		ASSERT_ERR(datum(&d, "\"7\"", &integer, false), "wrong type");
		ASSERT_ERR(datum(&d, "[\"uuid\",\"zz\"]", &opt_uuid, false),
			   "bad uuid");
		ASSERT_OK(datum(&d, "[\"uuid\",\"" U1 "\"]", &opt_uuid, false),
			  "uuid");
		j = ovsdb_datum_to_json(&d, &opt_uuid);
		ASSERT_TRUE(json_is_array(j) &&
			    !strcmp(json_string_value(json_array_get(j, 1)), U1),
			    "uuid round trip");
		json_decref(j);
		ovsdb_datum_destroy(&d, &opt_uuid);
		ASSERT_ERR(datum(&d, "[\"map\",[[\"a\"]]]", &str_map, false),
			   "short pair");
		ASSERT_ERR(datum(&d, "[\"set\",[]]", &str_map, false),
			   "map as set");
	}
	if (test__start_subtest("defaults")) {
		ASSERT_OK(ovsdb_datum_init_default(&d, &integer), "int");
		ASSERT_TRUE(d.n == 1 && d.keys[0].integer == 0, "int 0");
		ovsdb_datum_destroy(&d, &integer);
		ASSERT_OK(ovsdb_datum_init_default(&d, &opt_uuid), "opt");
		ASSERT_EQ(d.n, 0, "optional empty");
	}
	if (test__start_subtest("diff")) {
		/* reference §5.2 item 5: {a=1,b=2} -> {a=1,b=3,c=4} */
		ASSERT_TRUE(diff_gives(&str_map,
			"[\"map\",[[\"a\",\"1\"],[\"b\",\"2\"]]]",
			"[\"map\",[[\"b\",\"3\"],[\"c\",\"4\"]]]",
			"[\"map\",[[\"a\",\"1\"],[\"b\",\"3\"],[\"c\",\"4\"]]]"),
			"map replace+add");
		ASSERT_TRUE(diff_gives(&str_map,
			"[\"map\",[[\"a\",\"1\"],[\"b\",\"2\"]]]",
			"[\"map\",[[\"b\",\"2\"]]]",
			"[\"map\",[[\"a\",\"1\"]]]"), "map delete");
		ASSERT_TRUE(diff_gives(&str_set,
			"[\"set\",[\"a\",\"b\"]]", "[\"set\",[\"b\",\"c\"]]",
			"[\"set\",[\"a\",\"c\"]]"), "set symmetric difference");
		ASSERT_TRUE(diff_gives(&str_set, "[\"set\",[\"a\"]]", "\"a\"",
				       "[\"set\",[]]"), "set to empty");
	}
}

void test_ovsdb_framer(void)
{
	const char *stream =
		" {\"id\":1,\"s\":\"a}b{\\\"c\\\\\"}\n"
		"{\"id\":2,\"a\":[{\"x\":\"]\"}]}{\"id\":3}";
	struct ovsdb_framer f;
	char err[256];
	json_t *m;
	size_t split, len = strlen(stream);
	bool all_ok = true;

	if (test__start_subtest("split_everywhere")) {
		/* Whatever the read boundaries, the same three messages. */
		for (split = 0; split <= len; split++) {
			int got = 0, ret;

			ovsdb_framer_init(&f, 0);
			ovsdb_framer_feed(&f, stream, split);
			while ((ret = ovsdb_framer_next(&f, &m, err,
							sizeof(err))) == 1) {
				got++;
				all_ok &= json_integer_value(
					json_object_get(m, "id")) == got;
				json_decref(m);
			}
			all_ok &= ret == 0;
			ovsdb_framer_feed(&f, stream + split, len - split);
			while ((ret = ovsdb_framer_next(&f, &m, err,
							sizeof(err))) == 1) {
				got++;
				all_ok &= json_integer_value(
					json_object_get(m, "id")) == got;
				json_decref(m);
			}
			all_ok &= ret == 0 && got == 3;
			ovsdb_framer_destroy(&f);
		}
		ASSERT_TRUE(all_ok, "3 messages at every split");
	}
	if (test__start_subtest("garbage")) {
		ovsdb_framer_init(&f, 0);
		ovsdb_framer_feed(&f, "{\"id\":1} x{", 11);
		ASSERT_EQ(ovsdb_framer_next(&f, &m, err, sizeof(err)), 1, "first");
		json_decref(m);
		ASSERT_EQ(ovsdb_framer_next(&f, &m, err, sizeof(err)), -EPROTO,
			  "garbage between messages");
		ASSERT_TRUE(strstr(err, "offset 9") != NULL, "error has offset");
		ovsdb_framer_destroy(&f);
		ovsdb_framer_init(&f, 16);
		ovsdb_framer_feed(&f, "{\"a\":\"0123456789012345678\"", 26);
		ASSERT_EQ(ovsdb_framer_next(&f, &m, err, sizeof(err)), -EPROTO,
			  "oversized");
		ovsdb_framer_destroy(&f);
		ovsdb_framer_init(&f, 0);
		ovsdb_framer_feed(&f, "{\"a\":tru}", 9);
		ASSERT_EQ(ovsdb_framer_next(&f, &m, err, sizeof(err)), -EPROTO,
			  "bad JSON inside a frame");
		ovsdb_framer_destroy(&f);
	}
}

void test_ovsdb_jv(void)
{
	char ok[] = "{\"a\":[1,-2.5e1,true,null,\"x\\u00e9\\ud83d\\ude00\\n\"],"
		    "\"b\":{}}";
	char err[128];
	struct jv_doc d = { 0 };
	jv_t root, a, s;
	static const char *const bad[] = {
		"{\"a\":}", "[1,]", "{\"a\" 1}", "\"\\u0000\"", "\"\\ud800\"",
		"01", "[1] 2", "{\"a\":\"\x01\"}", "[", "nul", "\"abc", "1e",
	};
	size_t i;

	root = jv_parse(&d, ok, strlen(ok), err, sizeof(err));
	if (!ASSERT_NEQ(root, 0, "parse"))
		return;
	a = jv_get(&d, root, "a");
	ASSERT_EQ(jv_len(&d, a), 5, "array len");
	ASSERT_EQ(jv_node(&d, jv_at(&d, a, 0))->u.i, 1, "int");
	ASSERT_TRUE(jv_node(&d, jv_at(&d, a, 1))->u.d == -25.0, "real");
	s = jv_at(&d, a, 4);
	ASSERT_STREQ(jv_str(&d, s), "x\xc3\xa9\xf0\x9f\x98\x80\n", "unescape");
	ASSERT_TRUE(jv_is(&d, jv_get(&d, root, "b"), JV_OBJECT), "object");
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char *b = strdup(bad[i]);

		ASSERT_EQ(jv_parse(&d, b, strlen(b), err, sizeof(err)), 0,
			  bad[i]);
		free(b);
	}
	jv_doc_free(&d);
}

static struct ovsdb_replica *new_replica(void)
{
	struct ovsdb_replica *r = ovsdb_replica_create();
	struct ovsdb_schema *s;
	char err[256];
	json_t *j = json_loads(test_schema, 0, NULL);

	ovsdb_replica_add_table(r, "Port_Binding");
	ovsdb_replica_add_table(r, "Datapath_Binding");
	if (!j || ovsdb_schema_from_json(&s, j, err, sizeof(err))) {
		json_decref(j);
		ovsdb_replica_destroy(r);
		return NULL;
	}
	json_decref(j);
	ovsdb_replica_set_schema(r, s);
	return r;
}

static long apply(struct ovsdb_replica *r, const char *text, unsigned flags)
{
	json_t *j = json_loads(text, 0, NULL);
	char err[256];
	long n;

	if (!j)
		return -999;
	n = ovsdb_replica_apply_json(r, j, OVSDB_UPDATE2, flags, err,
				     sizeof(err));
	json_decref(j);
	return n;
}

/* Tracked changes of T as "i:UUID4 m:UUID4:cols d:UUID4", in order. */
static void tracked(struct ovsdb_table *t, char *buf, size_t len)
{
	const struct ovsdb_row *row;
	char ub[OVSDB_UUID_LEN + 1];
	size_t o = 0;
	unsigned int c;

	buf[0] = '\0';
	OVSDB_TABLE_FOR_EACH_TRACKED(row, t) {
		ovsdb_uuid_to_string(&row->uuid, ub);
		ub[4] = '\0';
		o += snprintf(buf + o, len - o, "%s%c:%s", o ? " " : "",
			      ovsdb_row_is_deleted(row) ? 'd' :
			      ovsdb_row_is_inserted(row) ? 'i' : 'm', ub);
		if (!ovsdb_row_is_deleted(row) && !ovsdb_row_is_inserted(row))
			for (c = 0; c < t->ts->n_columns; c++)
				if (ovsdb_row_is_updated(row, c))
					o += snprintf(buf + o, len - o, ":%s",
						      t->ts->columns[c].name);
	}
}

#define ROW1 "{\"logical_port\":\"p1\",\"tunnel_key\":1," \
	     "\"mac\":[\"set\",[\"aa\",\"bb\"]]," \
	     "\"options\":[\"map\",[[\"peer\",\"x\"],[\"k\",\"v\"]]]," \
	     "\"datapath\":[\"uuid\",\"" DP "\"]}"
#define ROW2 "{\"logical_port\":\"p2\",\"tunnel_key\":2," \
	     "\"datapath\":[\"uuid\",\"" DP "\"]}"

void test_ovsdb_replica(void)
{
	struct ovsdb_replica *r = new_replica();
	struct ovsdb_table *pb;
	const struct ovsdb_row *row;
	struct ovsdb_uuid u1;
	struct sb sb = { 0 };
	char buf[512];
	int64_t key;

	if (!ASSERT_OK_PTR(r, "replica"))
		return;
	pb = ovsdb_replica_find_table(r, "Port_Binding");
	ovsdb_uuid_from_string(&u1, U1);

	ASSERT_EQ(apply(r, "{\"Port_Binding\":{\"" U1 "\":{\"initial\":" ROW1
		  "},\"" U2 "\":{\"initial\":" ROW2 "}}}", OVSDB_APPLY_SNAPSHOT),
		  2, "initial");
	ASSERT_EQ(ovsdb_table_count(pb), 2, "2 rows");
	tracked(pb, buf, sizeof(buf));
	ASSERT_STREQ(buf, "i:1111 i:2222", "inserts tracked");
	ovsdb_replica_clear_tracked(r);

	row = ovsdb_table_find(pb, &u1);
	if (!ASSERT_OK_PTR(row, "find"))
		goto out;
	ASSERT_EQ(ovsdb_row_get(row, "tag")->n, 0, "default optional");
	ASSERT_EQ(ovsdb_row_get(row, "up")->n, 0, "default bool optional");

	if (test__start_subtest("modify")) {
		ASSERT_EQ(apply(r, "{\"Port_Binding\":{\"" U1 "\":{\"modify\":{"
			  "\"mac\":[\"set\",[\"bb\",\"cc\"]],"
			  "\"options\":[\"map\",[[\"peer\",\"y\"],[\"k\",\"v\"]]],"
			  "\"up\":true,\"tunnel_key\":1}}}}", 0), 1, "modify");
		ASSERT_TRUE(datum_is(ovsdb_row_get(row, "mac"), &str_set,
				     "[\"set\",[\"aa\",\"cc\"]]"), "set diff");
		ASSERT_TRUE(datum_is(ovsdb_row_get(row, "options"), &str_map,
				     "[\"map\",[[\"peer\",\"y\"]]]"), "map diff");
		tracked(pb, buf, sizeof(buf));
		/* tunnel_key was sent with its old value: not a change */
		ASSERT_STREQ(buf, "m:1111:mac:options:up", "modified columns");
		ovsdb_replica_clear_tracked(r);
	}
	if (test__start_subtest("atomic")) {
		/* Second row is bad: the first must not be applied either. */
		ASSERT_LT(apply(r, "{\"Port_Binding\":{\"" U3 "\":{\"insert\":"
			  ROW2 "},\"" U2 "\":{\"modify\":{\"tunnel_key\":\"x\"}}}}",
			  0), 0, "bad message rejected");
		ASSERT_EQ(ovsdb_table_count(pb), 2, "nothing inserted");
		ASSERT_LT(apply(r, "{\"Port_Binding\":{\"" U3 "\":{\"modify\":"
			  "{\"tunnel_key\":3}}}}", 0), 0, "modify unknown row");
		ASSERT_LT(apply(r, "{\"Nope\":{}}", 0), 0, "unknown table");
		ASSERT_LT(apply(r, "{\"Port_Binding\":{\"" U2 "\":{\"modify\":"
			  "{\"bogus\":3}}}}", 0), 0, "unknown column");
		tracked(pb, buf, sizeof(buf));
		ASSERT_STREQ(buf, "", "nothing tracked");
	}
	if (test__start_subtest("track_cancel")) {
		/* insert + delete before the consumer looks: nothing */
		apply(r, "{\"Port_Binding\":{\"" U3 "\":{\"insert\":" ROW2 "}}}", 0);
		apply(r, "{\"Port_Binding\":{\"" U3 "\":{\"delete\":null}}}", 0);
		tracked(pb, buf, sizeof(buf));
		ASSERT_STREQ(buf, "", "insert+delete cancel");
		/* delete: row readable until cleared */
		apply(r, "{\"Port_Binding\":{\"" U2 "\":{\"delete\":null}}}", 0);
		tracked(pb, buf, sizeof(buf));
		ASSERT_STREQ(buf, "d:2222", "delete tracked");
		row = ovsdb_table_tracked_first(pb);
		ASSERT_STREQ(ovsdb_row_get(row, "logical_port")->keys[0].string,
			     "p2", "deleted row readable");
		ASSERT_EQ(ovsdb_table_count(pb), 1, "1 live row");
		/* back with one column changed: a modify of that column */
		apply(r, "{\"Port_Binding\":{\"" U2 "\":{\"insert\":{"
		      "\"logical_port\":\"p2\",\"tunnel_key\":5,"
		      "\"datapath\":[\"uuid\",\"" DP "\"]}}}}", 0);
		tracked(pb, buf, sizeof(buf));
		ASSERT_STREQ(buf, "m:2222:tunnel_key", "delete+insert = modify");
		ovsdb_replica_clear_tracked(r);
	}
	if (test__start_subtest("snapshot_reconcile")) {
		/* Full snapshot: U1 unchanged, U2 changed, U3 new, nothing
		 * else: only real differences are reported. */
		row = ovsdb_table_find(pb, &u1);
		apply(r, "{\"Port_Binding\":{"
		      "\"" U1 "\":{\"initial\":{\"logical_port\":\"p1\","
		      "\"tunnel_key\":1,\"mac\":[\"set\",[\"aa\",\"cc\"]],"
		      "\"options\":[\"map\",[[\"peer\",\"y\"]]],\"up\":true,"
		      "\"datapath\":[\"uuid\",\"" DP "\"]}},"
		      "\"" U3 "\":{\"initial\":" ROW2 "}}}", OVSDB_APPLY_SNAPSHOT);
		tracked(pb, buf, sizeof(buf));
		ASSERT_STREQ(buf, "i:3333 d:2222", "reconcile: only real changes");
		ASSERT_TRUE(ovsdb_table_find(pb, &u1) == row,
			    "unchanged row kept in place");
		ovsdb_replica_clear_tracked(r);
	}
	if (test__start_subtest("sb_accessors")) {
		sb.tables[SB_PORT_BINDING] = pb;
		sb.tables[SB_DATAPATH_BINDING] =
			ovsdb_replica_find_table(r, "Datapath_Binding");
		apply(r, "{\"Datapath_Binding\":{\"" DP "\":{\"insert\":"
		      "{\"tunnel_key\":7}}}}", 0);
		row = sb_find_by_string(&sb, SB_PORT_BINDING, "logical_port",
					"p1");
		if (ASSERT_OK_PTR(row, "find by name")) {
			ASSERT_STREQ(sb_map_get(row, "options", "peer"), "y",
				     "map get");
			ASSERT_NULL(sb_map_get(row, "options", "nope"), "no key");
			ASSERT_EQ(sb_set_count(row, "mac"), 2, "set count");
			ASSERT_TRUE(sb_set_has_string(row, "mac", "cc"), "has");
			ASSERT_FALSE(sb_get_int(row, "tag", &key), "empty opt");
			ASSERT_FALSE(sb_get_int(row, "logical_port", &key),
				     "type mismatch");
			ASSERT_TRUE(sb_get_int(sb_get_ref(&sb, row, "datapath",
				    SB_DATAPATH_BINDING), "tunnel_key", &key) &&
				    key == 7, "follow ref");
		}
		ASSERT_EQ(sb_table_from_name("SB_Global"), SB_GLOBAL, "name");
	}
out:
	ovsdb_replica_destroy(r);
}
