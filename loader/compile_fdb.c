// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * SB FDB rows -> the helper tables of get_fdb/lookup_fdb, as ovn-controller
 * builds OpenFlow tables 71 and 72 from them:
 *
 *   OVN_HT_GET_FDB     eth.dst == MAC                 -> outport = PORT
 *   OVN_HT_LOOKUP_FDB  inport == PORT && eth.src == MAC -> flags.lookup_fdb = 1
 *
 * The matches are built as context clauses directly (no expression text):
 * an FDB row names its port by key, and the port need not be known yet.
 * Each (datapath, MAC) has one record, so a MAC that moves to another
 * port replaces its two flows and a deleted row removes them.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "loader/compile_int.h"
#include "loader/strbuf.h"

static void fdb_key(char *buf, size_t sz, uint32_t dp, const uint8_t mac[6])
{
	snprintf(buf, sz, "fdb\x01%u\x01%02x:%02x:%02x:%02x:%02x:%02x", dp, mac[0], mac[1],
		 mac[2], mac[3], mac[4], mac[5]);
}

static int fdb_flow(struct compiler *c, struct cc_rec *rec, uint32_t dp, uint8_t table,
		    const struct ovnbpf_match *m, uint32_t n_m, const struct ovn_op *ops,
		    uint32_t n_ops)
{
	struct ovnbpf_flow_spec s = {
		.dp = dp, .pipeline = OVN_PIPE_HELPER, .table = table, .priority = 100,
		.match = m, .n_match = n_m, .ops = ops, .n_ops = n_ops,
	};
	uint32_t id;
	int err;

	err = ovnbpf_flow_add(c->w, &s, &id);
	if (err) {
		cc_report(c, COMPILE_R_WRITER, "fdb", "writer refused an FDB flow", strerror(-err));
		c->st.writer_errors++;
		return err;
	}
	if (rec->n == rec->alloc) {
		rec->alloc = rec->alloc ? 2 * rec->alloc : 2;
		rec->ids = xrealloc(rec->ids, rec->alloc * sizeof(*rec->ids));
	}
	rec->ids[rec->n++] = id;
	c->st.writer_flows++;
	c->st.helper_flows++;
	return 0;
}

int compile_fdb_add(struct compiler *c, uint32_t dp, const uint8_t mac[6], uint32_t port)
{
	struct ovnbpf_match m[2] = { { 0 } };
	struct ovn_op ops[2] = { { 0 } };
	uint32_t be = htonl(port);
	struct cc_rec *rec;
	char key[64];
	int err;

	if (!port)
		return -EINVAL;
	fdb_key(key, sizeof(key), dp, mac);
	compile_fdb_del(c, dp, mac);
	rec = xcalloc(1, sizeof(*rec));
	rec->dp = dp;
	smap_put(&c->recs, key, rec);

	/* get_fdb: outport = PORT. */
	m[0].off = OVN_OFF_ETH_DST;
	m[0].len = 6;
	memcpy(m[0].value, mac, 6);
	memset(m[0].mask, 0xff, 6);
	ops[0].code = OVN_OP_SET;
	ops[0].dst = OVN_OFF_OUTPORT;
	ops[0].n = 4;
	memcpy(ops[0].value, &be, 4);
	memset(ops[0].mask, 0xff, 4);
	ops[1].code = OVN_OP_END;
	err = fdb_flow(c, rec, dp, OVN_HT_GET_FDB, m, 1, ops, 2);

	/* lookup_fdb: the MAC was learnt on inport. */
	m[0].off = OVN_OFF_ETH_SRC;
	m[1].off = OVN_OFF_INPORT;
	m[1].len = 4;
	memcpy(m[1].value, &be, 4);
	memset(m[1].mask, 0xff, 4);
	memset(&ops[0], 0, sizeof(ops[0]));
	ops[0].code = OVN_OP_SET;
	ops[0].dst = OVN_OFF_FLAGS + 3 - OVN_MLF_LOOKUP_FDB / 8;
	ops[0].n = 1;
	ops[0].value[0] = ops[0].mask[0] = 1u << (OVN_MLF_LOOKUP_FDB % 8);
	return fdb_flow(c, rec, dp, OVN_HT_LOOKUP_FDB, m, 2, ops, 2) ?: err;
}

int compile_fdb_del(struct compiler *c, uint32_t dp, const uint8_t mac[6])
{
	char key[64];
	struct cc_rec *r;

	fdb_key(key, sizeof(key), dp, mac);
	r = smap_get(&c->recs, key);
	if (!r)
		return -ENOENT;
	c->st.helper_flows -= r->n;
	return cc_del_rec(c, key);
}
