// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * libFuzzer target for the OVSDB receive path: the framer (fed in chunks
 * whose size the input picks), the jv parser, and the update applier of
 * the replica (update2 and update1, incremental and snapshot), with
 * change tracking cleared now and then.  Input layout: byte 0 = chunk
 * size, byte 1 = flags, then the byte stream as a server would send it.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ovsdb-client/framer.h"
#include "ovsdb-client/jv.h"
#include "ovsdb-client/replica.h"
#include "ovsdb-client/schema.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *schema_text =
	"{\"name\":\"T\",\"tables\":{"
	"\"P\":{\"columns\":{"
	" \"s\":{\"type\":\"string\"},"
	" \"i\":{\"type\":{\"key\":\"integer\",\"min\":0,\"max\":1}},"
	" \"r\":{\"type\":\"real\"},"
	" \"b\":{\"type\":{\"key\":\"boolean\",\"min\":0,\"max\":1}},"
	" \"u\":{\"type\":{\"key\":\"uuid\",\"min\":0,\"max\":1}},"
	" \"set\":{\"type\":{\"key\":\"string\",\"min\":0,\"max\":\"unlimited\"}},"
	" \"us\":{\"type\":{\"key\":\"uuid\",\"min\":0,\"max\":3}},"
	" \"m\":{\"type\":{\"key\":\"string\",\"value\":\"string\","
	"   \"min\":0,\"max\":\"unlimited\"}},"
	" \"im\":{\"type\":{\"key\":\"integer\",\"value\":\"uuid\","
	"   \"min\":0,\"max\":\"unlimited\"}}}},"
	"\"Q\":{\"columns\":{\"n\":{\"type\":\"integer\"}}}}}";

static struct ovsdb_replica *new_replica(void)
{
	struct ovsdb_replica *r = ovsdb_replica_create();
	struct ovsdb_schema *s = NULL;
	json_t *j = json_loads(schema_text, 0, NULL);
	char err[128];

	ovsdb_replica_add_table(r, "P");
	ovsdb_replica_add_table(r, "Q");
	if (j && !ovsdb_schema_from_json(&s, j, err, sizeof(err)))
		ovsdb_replica_set_schema(r, s);
	json_decref(j);
	return r;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct ovsdb_replica *r;
	struct ovsdb_framer f;
	struct jv_doc doc = { 0 };
	size_t chunk, off;
	uint8_t flags;
	char err[256];

	if (size < 2)
		return 0;
	if (!r)
		r = new_replica();
	chunk = data[0] ? data[0] : 1;
	flags = data[1];
	data += 2;
	size -= 2;
	ovsdb_framer_init(&f, 1 << 20);
	for (off = 0; off < size || off == 0; off += chunk) {
		size_t n = size - off < chunk ? size - off : chunk;
		char *msg;
		size_t len;
		int ret;

		if (ovsdb_framer_feed(&f, data + off, n))
			break;
		while ((ret = ovsdb_framer_next_span(&f, &msg, &len, err,
						     sizeof(err))) == 1) {
			jv_t root = jv_parse(&doc, msg, len, err, sizeof(err));
			jv_t params, updates;

			if (!root)
				continue;
			params = jv_get(&doc, root, "params");
			updates = jv_is(&doc, params, JV_ARRAY) ?
				  jv_at(&doc, params, jv_len(&doc, params) - 1) :
				  root;
			ovsdb_replica_apply(r, &doc, updates,
					    flags & 1 ? OVSDB_UPDATE1
						      : OVSDB_UPDATE2,
					    flags & 2 ? OVSDB_APPLY_SNAPSHOT : 0,
					    err, sizeof(err));
			if (flags & 4)
				ovsdb_replica_clear_tracked(r);
		}
		if (ret < 0 || !size)
			break;
	}
	ovsdb_framer_destroy(&f);
	jv_doc_free(&doc);
	if (flags & 8) {
		/* Start over now and then so that state does not grow. */
		ovsdb_replica_destroy(r);
		r = NULL;
	}
	return 0;
}
