// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * Residual port tests (maps/pipeline.h OVN_CLS_RES_*): northd's ARP
 * responder pair, compiled by the real compiler on switch dp 1 (ports
 * p1..p10, keys 1..10, every packet entering on whichever port LO is bound
 * to), ls_in table 0:
 *
 *   prio 100  inport == "pN" && arp.tpa == 10.0.0.N && arp.op == 1  next;
 *   prio 50   arp.tpa == 10.0.0.N && arp.op == 1                     ARP reply
 *   prio 0    1                                                      next;
 *   table 1:  outport = "p10"; output;   (p10: no packet enters there)
 *
 * The prio-100 flow is the reply's mask plus the inport word: it must
 * land in the reply's key as a residual cell (one ovn_cls entry for both)
 * and still behave exactly as two subtables would: the owning port gets
 * `next;` (the request goes on, unchanged), any other port the reply.
 */
#include <limits.h>
#include <arpa/inet.h>

#include "tests/test_progs.h"
#include "tests/bpf/pl_flows.h"
#include "tests/bpf/bpf_test.h"
#include "tests/bpf/pkt.h"
#include "loader/compile.h"
#include "maps/cls_residual.h"

#define LO 1

static const uint8_t RMAC[6] = { 0x0a, 0, 0, 0, 0, 0x77 };	/* the responder's */
static const uint8_t SMAC[6] = { 0x0a, 0, 0, 0, 1, 1 };
static const uint8_t BCAST[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };

struct rs_fix {
	struct pl_fix f;
	struct compiler *c;
	int reports;
	uint8_t out[256];
	uint32_t out_len, ret;
	char uuid_next[10][40];		/* prio-100 flow of port N */
	char uuid_reply[40];
};

static struct ovn_ctx rctx;

static int rs_ports(struct compiler *c)
{
	int err = compile_datapath_add(c, 1, OVN_DP_SWITCH);

	for (uint32_t k = 10; k >= 1; k--) {
		char name[8];
		struct compile_port p = { .name = name, .dp = 1, .key = k, .type = "",
					  .ifindex = LO, .ct_zone = k };

		snprintf(name, sizeof(name), "p%u", k);
		err |= compile_port_add(c, &p);
	}
	return err;
}

static int rs_next_flow(struct rs_fix *x, uint32_t port, uint32_t ip_last, uint16_t prio)
{
	char m[128];
	int err;

	snprintf(m, sizeof(m), "inport == \"p%u\" && arp.tpa == 10.0.0.%u && arp.op == 1", port,
		 ip_last);
	err = pl_flow(x->c, 1, OVN_PIPE_INGRESS, 0, prio, m, "next;");
	snprintf(x->uuid_next[port], sizeof(x->uuid_next[port]), "%s", pl_flow_last_uuid());
	return err;
}

static int rs_reply_flow(struct rs_fix *x, uint32_t ip_last, uint16_t prio)
{
	char m[96], a[400];
	int err;

	snprintf(m, sizeof(m), "arp.tpa == 10.0.0.%u && arp.op == 1", ip_last);
	snprintf(a, sizeof(a),
		 "eth.dst = eth.src; eth.src = 0a:00:00:00:00:77; arp.op = 2; "
		 "arp.tha = arp.sha; arp.sha = 0a:00:00:00:00:77; arp.tpa = arp.spa; "
		 "arp.spa = 10.0.0.%u; outport = inport; flags.loopback = 1; output;", ip_last);
	err = pl_flow(x->c, 1, OVN_PIPE_INGRESS, 0, prio, m, a);
	snprintf(x->uuid_reply, sizeof(x->uuid_reply), "%s", pl_flow_last_uuid());
	return err;
}

/* Ports, the default flows, and (when PAIR) the pair for p1 / 10.0.0.1
 * with the residual flow first: the order must not matter. */
static int rs_install(struct rs_fix *x, bool pair)
{
	/* Families (loader/compile_family.c) off: these tests are about
	 * per-port flows in the classifier, which a family would merge. */
	struct compile_opts o = { .report = pl_report_count, .aux = &x->reports,
				  .family_min = UINT_MAX };
	int err = 0;

	if (compiler_new(x->f.w, &o, &x->c))
		return -1;
	err |= rs_ports(x->c);
	if (pair) {
		err |= rs_next_flow(x, 1, 1, 100);
		err |= rs_reply_flow(x, 1, 50);
	}
	err |= pl_flow(x->c, 1, OVN_PIPE_INGRESS, 0, 0, "1", "next;");
	err |= pl_flow(x->c, 1, OVN_PIPE_INGRESS, 1, 0, "1", "outport = \"p10\"; output;");
	err |= pl_flow_fill(x->c, 1, OVN_PIPE_INGRESS, 2, OVN_LS_IN_TABLES, "output;");
	err |= pl_flow_fill(x->c, 1, OVN_PIPE_EGRESS, 0, OVN_LS_OUT_TABLES, "output;");
	return err;
}

static int rs_setup(struct rs_fix *x, bool pair)
{
	memset(x, 0, sizeof(*x));
	if (!env.has_root) {
		test__skip("needs root for BPF_PROG_TEST_RUN");
		return -1;
	}
	if (!ASSERT_OK(pl_fix_open(&x->f), "pl_fix_open"))
		return -1;
	ovnbpf_writer_set_grace(x->f.w, 0);
	if (!ASSERT_OK(rs_install(x, pair), "install") || !ASSERT_OK(compile_commit(x->c), "commit")) {
		compiler_free(x->c);
		pl_fix_close(&x->f);
		return -1;
	}
	return 0;
}

static void rs_teardown(struct rs_fix *x)
{
	compiler_free(x->c);
	pl_fix_close(&x->f);
}

enum rs_verdict { RS_NEXT, RS_REPLY, RS_DROP, RS_ERR };

/* ARP request for 10.0.0.IP entering on port PORT: went on unchanged
 * (`next;` then table 1's output), answered, or dropped? */
static enum rs_verdict rs_run(struct rs_fix *x, uint32_t port, uint32_t ip_last)
{
	struct ovn_vif v = { .dp = 1, .port = port, .ct_zone = port };
	uint8_t p[64];
	size_t n;

	if (ovnbpf_vif_add(x->f.w, LO, &v))
		return RS_ERR;
	n = pkt_arp(p, BCAST, SMAC, 1, SMAC, htonl(0x0a0000fe), (uint8_t[6]){ 0 },
		    htonl(0x0a000000 | ip_last));
	x->out_len = sizeof(x->out);
	if (bpf_test_run_skb(x->f.prog_fd, p, n, &x->ret, x->out, &x->out_len) ||
	    pl_read_ctx(&x->f, &rctx))
		return RS_ERR;
	if (rctx.x.drop_reason)
		return RS_DROP;
	if (x->out_len >= 42 && x->out[21] == 2 && !memcmp(x->out, SMAC, 6) &&
	    !memcmp(x->out + 6, RMAC, 6) && !memcmp(x->out + 22, RMAC, 6))
		return RS_REPLY;
	if (x->out_len >= 42 && x->out[21] == 1 && !memcmp(x->out, p, 42))
		return RS_NEXT;
	return RS_ERR;
}

static const char *vname(enum rs_verdict v)
{
	static const char *const n[] = { "next", "reply", "drop", "error" };

	return n[v];
}

static void expect(struct rs_fix *x, uint32_t port, uint32_t ip_last, enum rs_verdict want,
		   const char *what)
{
	enum rs_verdict got = rs_run(x, port, ip_last);
	char name[128];

	snprintf(name, sizeof(name), "%s: p%u asks for 10.0.0.%u -> %s (got %s)", what, port,
		 ip_last, vname(want), vname(got));
	ASSERT_EQ(got, want, name);
}

/* Keys and cells of ls_in table 0 on dp 1: how many ovn_cls entries, how
 * many visible cells, how many of them residual; and the writer flow id
 * of the cells in the key holding the residual cell of RES_FLOW_PORT. */
struct t0_layout {
	uint32_t keys, cells, residual, subtables;
};

static bool sub_in_t0(struct rs_fix *x, uint32_t sub_id)
{
	struct ovn_stage_key k = { .dp = 1, .pipeline = OVN_PIPE_INGRESS, .table = 0 };
	struct ovn_stage v;

	for (int e = 0; e < 8; e++) {
		if (bpf_map_lookup_elem(x->f.m.stages, &k, &v))
			return false;
		for (uint32_t i = 0; i < v.n_sub && i < OVN_STAGE_MAX_SUB; i++)
			if (v.sub.sub_id[i] == sub_id)
				return true;
		if (!v.next)
			return false;
		k.cont = v.next;
	}
	return false;
}

static void t0_layout(struct rs_fix *x, struct t0_layout *l)
{
	struct ovn_stage_key k = { .dp = 1, .pipeline = OVN_PIPE_INGRESS, .table = 0 };
	struct ovn_cls_key ck, nk;
	struct ovn_cls_val v;
	struct ovn_stage st;
	uint32_t ver;
	void *prev = NULL;

	memset(l, 0, sizeof(*l));
	ver = ovnbpf_version(x->f.w);
	if (!bpf_map_lookup_elem(x->f.m.stages, &k, &st))
		l->subtables = st.n_sub;
	while (!bpf_map_get_next_key(x->f.m.cls, prev, &nk)) {
		ck = nk;
		prev = &ck;
		if (!sub_in_t0(x, ck.sub_id) || bpf_map_lookup_elem(x->f.m.cls, &ck, &v))
			continue;
		l->keys++;
		for (int i = 0; i < OVN_CLS_CELLS; i++) {
			struct ovn_cls_cell *c = &v.cell[i];

			if (c->prio < 0 || c->add_ver > ver || ver >= c->rm_ver)
				continue;
			l->cells++;
			l->residual += c->rec > OVN_CLS_REC_MASK;
		}
	}
}

/* The writer flow ids of logical flow UUID (compile_for_each_flow). */
struct uuid_ids {
	const char *uuid;
	uint32_t ids[4];
	size_t n;
};

static void one_flow(void *aux, const char *key, const uint32_t *ids, size_t n)
{
	struct uuid_ids *u = aux;

	if (strcmp(key, u->uuid))
		return;
	u->n = n < 4 ? n : 4;
	memcpy(u->ids, ids, u->n * sizeof(*ids));
}

/* The residual cell names the prio-100 flow's writer flow (what traces
 * and ovnbpfctl report), with the port key in its param word. */
static void check_cell_names(struct rs_fix *x, const char *uuid, uint32_t port)
{
	struct uuid_ids u = { .uuid = uuid };
	struct ovn_cls_key ck, nk;
	struct ovn_cls_val v;
	void *prev = NULL;
	bool found = false;

	compile_for_each_flow(x->c, one_flow, &u);
	if (!ASSERT_EQ(u.n, 1, "the prio-100 flow is one writer flow"))
		return;
	while (!found && !bpf_map_get_next_key(x->f.m.cls, prev, &nk)) {
		ck = nk;
		prev = &ck;
		if (bpf_map_lookup_elem(x->f.m.cls, &ck, &v))
			continue;
		for (int i = 0; i < OVN_CLS_CELLS; i++) {
			struct ovn_cls_cell *c = &v.cell[i];
			uint32_t want = htonl(port), have;

			if (c->prio < 0 || c->flow != u.ids[0])
				continue;
			found = true;
			ASSERT_EQ(c->rec & OVN_CLS_RES_PORT, OVN_CLS_RES_INPORT,
				  "its cell tests the inport");
			memcpy(&have, c->param + 4 * OVN_CLS_RES_WORD(c->rec), 4);
			ASSERT_EQ(have, want, "the port key in its param word");
		}
	}
	ASSERT_TRUE(found, "a cell names the prio-100 flow");
}

static void sub_pair(void)
{
	struct t0_layout l;
	struct rs_fix x;

	if (rs_setup(&x, true))
		return;
	ASSERT_EQ(x.reports, 0, "no compile report");
	t0_layout(&x, &l);
	/* The pair's key and the default's. */
	ASSERT_EQ(l.keys, 2, "one ovn_cls entry for both flows of the pair (+ default)");
	ASSERT_EQ(l.cells, 3, "three cells");
	ASSERT_EQ(l.residual, 1, "the prio-100 cell is residual");
	ASSERT_EQ(l.subtables, 2, "two masks: the pair's and the default's");
	check_cell_names(&x, x.uuid_next[1], 1);
	expect(&x, 1, 1, RS_NEXT, "owner");
	expect(&x, 2, 1, RS_REPLY, "other port");
	expect(&x, 9, 1, RS_REPLY, "other port");
	expect(&x, 1, 2, RS_NEXT, "owner, other IP: default");
	expect(&x, 2, 3, RS_NEXT, "other port, other IP: default");
	rs_teardown(&x);
}

/* A residual cell outranks and ranks below others by priority exactly as
 * its own subtable would: against cells of its key and of other masks. */
static void sub_priority(void)
{
	struct t0_layout l;
	struct rs_fix x;
	char u70[40];

	if (rs_setup(&x, true))
		return;
	/* Another mask at 70 (between the two): drops every ARP request. */
	ASSERT_OK(pl_flow(x.c, 1, OVN_PIPE_INGRESS, 0, 70, "arp.op == 1", "drop;"), "prio 70");
	snprintf(u70, sizeof(u70), "%s", pl_flow_last_uuid());
	/* In the pair's key, below the reply: p3's residual cell at 40. */
	ASSERT_OK(rs_next_flow(&x, 3, 1, 40), "p3 at 40");
	ASSERT_OK(compile_commit(x.c), "commit");
	t0_layout(&x, &l);
	ASSERT_EQ(l.residual, 2, "p3's flow also residual");
	ASSERT_EQ(l.keys, 3, "the pair's key, prio 70's, default");
	expect(&x, 1, 1, RS_NEXT, "100 beats 70 of another mask");
	expect(&x, 2, 1, RS_DROP, "70 beats the reply's 50");
	expect(&x, 3, 1, RS_DROP, "70 beats p3's 40");
	ASSERT_OK(compile_flow_del(x.c, u70), "del prio 70");
	ASSERT_OK(compile_commit(x.c), "commit");
	expect(&x, 3, 1, RS_REPLY, "the reply's 50 beats p3's 40 in the same key");
	expect(&x, 1, 1, RS_NEXT, "p1's 100 beats the reply");
	/* p4 at 60 in the key: above the reply. */
	ASSERT_OK(rs_next_flow(&x, 4, 1, 60), "p4 at 60");
	ASSERT_OK(compile_commit(x.c), "commit");
	expect(&x, 4, 1, RS_NEXT, "p4's 60 beats the reply's 50");
	expect(&x, 5, 1, RS_REPLY, "p5: the reply");
	rs_teardown(&x);
}

/* Added and removed with their commit; either flow of the pair goes on
 * its own. */
static void sub_delete(void)
{
	struct t0_layout l;
	struct rs_fix x;

	if (rs_setup(&x, false))
		return;
	ASSERT_OK(rs_reply_flow(&x, 1, 50), "reply");
	ASSERT_OK(compile_commit(x.c), "commit");
	expect(&x, 1, 1, RS_REPLY, "reply only");
	ASSERT_OK(rs_next_flow(&x, 1, 1, 100), "prio 100 staged");
	expect(&x, 1, 1, RS_REPLY, "staged, not committed: still the reply");
	ASSERT_OK(compile_commit(x.c), "commit");
	expect(&x, 1, 1, RS_NEXT, "committed: next");
	t0_layout(&x, &l);
	ASSERT_EQ(l.keys, 2, "one entry for the pair (reply first)");
	ASSERT_EQ(l.residual, 1, "residual");

	ASSERT_OK(compile_flow_del(x.c, x.uuid_next[1]), "del prio 100");
	expect(&x, 1, 1, RS_NEXT, "deleted, not committed: still next");
	ASSERT_OK(compile_commit(x.c), "commit");
	expect(&x, 1, 1, RS_REPLY, "prio 100 gone: the owner is answered too");
	expect(&x, 2, 1, RS_REPLY, "other port: the reply");
	t0_layout(&x, &l);
	ASSERT_EQ(l.residual, 0, "no residual cell left");
	ASSERT_EQ(l.cells, 2, "reply + default");

	ASSERT_OK(rs_next_flow(&x, 1, 1, 100), "prio 100 again");
	ASSERT_OK(compile_commit(x.c), "commit");
	ASSERT_OK(compile_flow_del(x.c, x.uuid_reply), "del the reply");
	ASSERT_OK(compile_commit(x.c), "commit");
	expect(&x, 1, 1, RS_NEXT, "reply gone: owner still next");
	expect(&x, 2, 1, RS_NEXT, "reply gone: other port falls to the default");
	t0_layout(&x, &l);
	ASSERT_EQ(l.keys, 2, "the residual cell's key stays, alone");
	ASSERT_EQ(l.residual, 1, "residual cell kept");
	ASSERT_OK(compile_flow_del(x.c, x.uuid_next[1]), "del prio 100");
	ASSERT_OK(compile_commit(x.c), "commit");
	t0_layout(&x, &l);
	ASSERT_EQ(l.keys, 1, "only the default's key");
	ASSERT_EQ(l.subtables, 1, "the pair's mask gone");
	rs_teardown(&x);
}

/* A key holds residual cells only while it has fewer than OVN_CLS_CELLS
 * cells: a family of per-port flows on one key fills it, the rest get
 * their own subtable (and still work). */
static void sub_full_key(void)
{
	struct t0_layout l;
	struct rs_fix x;

	if (rs_setup(&x, true))
		return;
	/* The pair's key holds the reply and p1's cell: 4 more fit. */
	for (uint32_t p = 2; p <= 8; p++)
		ASSERT_OK(rs_next_flow(&x, p, 1, 100), "family member");
	ASSERT_OK(compile_commit(x.c), "commit");
	t0_layout(&x, &l);
	ASSERT_EQ(l.residual, OVN_CLS_CELLS - 1, "the key filled with residual cells");
	ASSERT_EQ(l.keys, 2 + (8 - OVN_CLS_CELLS + 1), "the rest one key each");
	ASSERT_EQ(l.subtables, 3, "their own mask (with the inport word)");
	for (uint32_t p = 1; p <= 8; p++)
		expect(&x, p, 1, RS_NEXT, "family member");
	expect(&x, 9, 1, RS_REPLY, "not in the family");
	rs_teardown(&x);
}

/* A restarted writer adopts the residual cells it finds instead of adding
 * them again, whichever order the flows come back in. */
static void sub_restart(void)
{
	struct ovnbpf_writer_stats ws0, ws1;
	struct t0_layout l0, l1;
	struct rs_fix x;

	if (rs_setup(&x, true))
		return;
	ASSERT_OK(rs_next_flow(&x, 2, 1, 100), "p2 too");
	ASSERT_OK(compile_commit(x.c), "commit");
	t0_layout(&x, &l0);
	ovnbpf_writer_stats(x.f.w, &ws0);
	compiler_free(x.c);
	x.c = NULL;
	ovnbpf_writer_free(x.f.w);	/* killed */
	x.f.w = NULL;
	if (!ASSERT_OK(ovnbpf_writer_new(&x.f.m, &x.f.w), "second writer"))
		goto out;
	ovnbpf_writer_set_grace(x.f.w, 0);
	{
		struct compile_opts o = { .report = pl_report_count, .aux = &x.reports,
					  .family_min = UINT_MAX };
		int err = 0;

		if (!ASSERT_OK(compiler_new(x.f.w, &o, &x.c), "compiler"))
			goto out;
		err |= rs_ports(x.c);
		/* The reply first this time. */
		err |= rs_reply_flow(&x, 1, 50);
		err |= rs_next_flow(&x, 2, 1, 100);
		err |= rs_next_flow(&x, 1, 1, 100);
		err |= pl_flow(x.c, 1, OVN_PIPE_INGRESS, 0, 0, "1", "next;");
		err |= pl_flow(x.c, 1, OVN_PIPE_INGRESS, 1, 0, "1", "outport = \"p10\"; output;");
		err |= pl_flow_fill(x.c, 1, OVN_PIPE_INGRESS, 2, OVN_LS_IN_TABLES, "output;");
		err |= pl_flow_fill(x.c, 1, OVN_PIPE_EGRESS, 0, OVN_LS_OUT_TABLES, "output;");
		ASSERT_OK(err, "install again");
	}
	ASSERT_OK(ovnbpf_adopt_finish(x.f.w), "adopt finish");
	ASSERT_OK(compile_commit(x.c), "commit");
	{
		uint32_t flows, claimed;

		ovnbpf_adopt_stats(x.f.w, &flows, &claimed);
		ASSERT_EQ(claimed, flows, "every adopted flow claimed again");
	}
	t0_layout(&x, &l1);
	ovnbpf_writer_stats(x.f.w, &ws1);
	ASSERT_EQ(l1.keys, l0.keys, "same keys");
	ASSERT_EQ(l1.cells, l0.cells, "no cell duplicated");
	ASSERT_EQ(l1.residual, 2, "both residual cells kept");
	ASSERT_EQ(ws1.flows, ws0.flows, "same writer flows");
	ASSERT_EQ(ws1.subtables, ws0.subtables, "same subtables");
	check_cell_names(&x, x.uuid_next[1], 1);
	expect(&x, 1, 1, RS_NEXT, "after restart: owner");
	expect(&x, 2, 1, RS_NEXT, "after restart: p2");
	expect(&x, 3, 1, RS_REPLY, "after restart: other port");
out:
	rs_teardown(&x);
}

/* The split itself: which words, which param word, what is refused. */
static void sub_plan(void)
{
	struct ovn_subtable def = { .n_words = 3 };
	struct ovn_cls_key key = {};
	struct ovnbpf_cls_residual rp;
	struct ovn_op ops[2] = {};
	uint8_t param[OVN_CLS_PARAM_BYTES] = {};

	def.word[0] = OVN_OFF_INPORT / 4;
	def.mask[0] = 0xffffffffu;
	key.w[0] = htonl(7);
	def.word[1] = OVN_OFF_OUTPORT / 4;
	def.mask[1] = 0xffffffffu;
	key.w[1] = htonl(9);
	def.word[2] = 20;
	def.mask[2] = htonl(0xffff0000u);
	key.w[2] = htonl(0x08060000u);
	ASSERT_TRUE(ovnbpf_cls_residual_plan(&def, &key, ops, 0, param, OVN_CLS_RES_INPORT, &rp),
		    "inport split");
	ASSERT_EQ(rp.def.n_words, 2, "two words left");
	ASSERT_EQ(rp.def.word[0], OVN_OFF_OUTPORT / 4, "outport first");
	ASSERT_EQ(rp.key.w[1], htonl(0x08060000u), "value moved with its word");
	ASSERT_EQ(rp.def.word[2], 0, "tail cleared");
	ASSERT_EQ(rp.res, OVN_CLS_RES_INPORT, "param word 0");
	ASSERT_TRUE(ovnbpf_cls_residual_plan(&def, &key, ops, 0, param, OVN_CLS_RES_OUTPORT, &rp),
		    "outport split");
	ASSERT_MEMEQ(rp.param, &key.w[1], 4, "outport value in word 0");
	/* A program reading 6 param bytes: the value goes to word 2. */
	ops[0].code = OVN_OP_SET_PARAM;
	ops[0].src = 0;
	ops[0].n = 6;
	memset(param, 0xaa, 6);
	ASSERT_TRUE(ovnbpf_cls_residual_plan(&def, &key, ops, 1, param, OVN_CLS_RES_INPORT, &rp),
		    "6 bytes used");
	ASSERT_EQ(OVN_CLS_RES_WORD(rp.res), 2, "word 2");
	ASSERT_MEMEQ(rp.param, param, 6, "program's bytes kept");
	ops[1].code = OVN_OP_SET_PARAM;
	ops[1].src = 6;
	ops[1].n = 4;
	ASSERT_FALSE(ovnbpf_cls_residual_plan(&def, &key, ops, 2, param, OVN_CLS_RES_INPORT, &rp),
		     "10 bytes used: no free word");
	/* Partly masked port word, or the port word alone: no. */
	def.mask[0] = htonl(0xffff);
	ASSERT_FALSE(ovnbpf_cls_residual_plan(&def, &key, ops, 0, param, OVN_CLS_RES_INPORT, &rp),
		     "partial mask");
	def.mask[0] = 0xffffffffu;
	def.n_words = 1;
	ASSERT_FALSE(ovnbpf_cls_residual_plan(&def, &key, ops, 0, param, OVN_CLS_RES_INPORT, &rp),
		     "never into the mask-less subtable");
}

void test_cls_residual(void)
{
	if (test__start_subtest("plan"))
		sub_plan();
	if (test__start_subtest("pair"))
		sub_pair();
	if (test__start_subtest("priority"))
		sub_priority();
	if (test__start_subtest("delete"))
		sub_delete();
	if (test__start_subtest("full_key"))
		sub_full_key();
	if (test__start_subtest("restart"))
		sub_restart();
}
