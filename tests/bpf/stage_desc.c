// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * Stage descriptors in an array (maps/pipeline.h ovn_stage_descs): a
 * datapath's slot and active copy in its ovn_dp, the stage's subtables
 * and its priority-0 catch-all cells in the descriptor, long stages read
 * from ovn_stages, slots freed after the grace period, and adoption by a
 * restarted writer.  Packets through BPF_PROG_TEST_RUN on a switch (dp 1)
 * whose port 1 is a VIF on lo.
 */
#include <arpa/inet.h>
#include <time.h>

#include <bpf/bpf.h>

#include "tests/test_progs.h"
#include "tests/bpf/bpf_test.h"
#include "tests/bpf/ops_build.h"
#include "tests/bpf/pkt.h"
#include "tests/bpf/pl_flows.h"
#include "build/bpf/ovnbpf_vif.skel.h"

#define DP		1
#define LO		1
#define T_CA		3	/* catch-all in the descriptor */
#define T_CELLS		4	/* catch-all kept in the cells */
#define T_LONG		5	/* more subtables than a descriptor lists */
#define N_LONG		40	/* masks of T_LONG: a chained ovn_stages entry */

static const uint8_t MAC1[6] = { 0x0a, 0, 0, 0, 0, 1 };
static const uint8_t MAC2[6] = { 0x0a, 0, 0, 0, 0, 2 };

static struct ovn_ctx sctx;	/* big: not on the stack */

static int flow(struct pl_fix *f, uint8_t pl, uint8_t t, uint16_t prio,
		const struct ovnbpf_match *m, uint32_t nm, const struct ovn_op *ops, uint32_t nops,
		uint32_t *id)
{
	struct ovnbpf_flow_spec s = {
		.dp = DP, .pipeline = pl, .table = t, .priority = prio,
		.match = m, .n_match = nm, .ops = ops, .n_ops = nops,
	};
	uint32_t tmp;

	return ovnbpf_flow_add(f->w, &s, id ? id : &tmp);
}

/* The catch-all of T_CA: reg0 = V; next. */
static int ca_flow(struct pl_fix *f, uint32_t v, uint32_t *id)
{
	return flow(f, OVN_PIPE_INGRESS, T_CA, 0, NOMATCH,
		    OPS(op_set32(OVN_OFF_REG(0), v), op_next(OVN_PIPE_INGRESS, T_CA + 1)), id);
}

/* The pipeline of this file; the catch-all of T_CA has id *CA. */
static int setup(struct pl_fix *f, uint32_t *ca)
{
	struct ovn_port vif = { .ifindex = LO, .type = OVN_PORT_VIF, .ct_zone = 1 };
	struct ovn_vif v = { .dp = DP, .port = 1, .ct_zone = 1 };
	int err = 0;
	uint8_t t;

	err |= ovnbpf_datapath_add(f->w, DP, OVN_DP_SWITCH);
	err |= ovnbpf_port_add(f->w, DP, 1, &vif);
	err |= ovnbpf_port_add(f->w, DP, 2, &vif);
	err |= ovnbpf_vif_add(f->w, LO, &v);
	for (t = 0; t < OVN_LS_IN_TABLES - 1; t++)
		if (t != T_CA && t != T_CELLS && t != T_LONG)
			err |= flow(f, OVN_PIPE_INGRESS, t, 0, NOMATCH,
				    OPS(op_next(OVN_PIPE_INGRESS, t + 1)), NULL);
	/* T_CA: one real subtable and the catch-all. */
	err |= flow(f, OVN_PIPE_INGRESS, T_CA, 100, MATCH(m_eq16(OVN_OFF_ETH_TYPE, 0x1234)),
		    OPS(op_code(OVN_OP_DROP)), NULL);
	err |= ca_flow(f, 0xa, ca);
	/* T_CELLS: a priority-50 flow without a match shares the
	 * all-wildcard subtable: the catch-all stays in the cells. */
	err |= flow(f, OVN_PIPE_INGRESS, T_CELLS, 50, NOMATCH,
		    OPS(op_set32(OVN_OFF_REG(1), 0x50), op_next(OVN_PIPE_INGRESS, T_CELLS + 1)),
		    NULL);
	err |= flow(f, OVN_PIPE_INGRESS, T_CELLS, 0, NOMATCH,
		    OPS(op_set32(OVN_OFF_REG(1), 0x51), op_next(OVN_PIPE_INGRESS, T_CELLS + 1)),
		    NULL);
	/* T_LONG: N_LONG masks, each one bit set: bit i of reg3 (i < 32),
	 * bit i - 32 of reg4; priority decreasing with i, then the default. */
	for (unsigned int i = 0; i < N_LONG; i++) {
		struct ovnbpf_match m = m_eq32(i < 32 ? OVN_OFF_REG(3) : OVN_OFF_REG(4),
					       1u << (i % 32));

		*(uint32_t *)m.mask = htonl(1u << (i % 32));
		err |= flow(f, OVN_PIPE_INGRESS, T_LONG, 1000 - i, &m, 1,
			    OPS(op_set32(OVN_OFF_REG(2), 0x100 + i),
				op_next(OVN_PIPE_INGRESS, T_LONG + 1)), NULL);
	}
	err |= flow(f, OVN_PIPE_INGRESS, T_LONG, 0, NOMATCH,
		    OPS(op_set32(OVN_OFF_REG(2), 0x1ff), op_next(OVN_PIPE_INGRESS, T_LONG + 1)),
		    NULL);
	/* ls_in_l2_lkup: drop, with the registers set (read from the ctx). */
	err |= flow(f, OVN_PIPE_INGRESS, OVN_LS_IN_TABLES - 1, 0, NOMATCH,
		    OPS(op_code(OVN_OP_DROP)), NULL);
	return err ?: ovnbpf_commit(f->w);
}

/* Run a UDP packet (ETH_TYPE 0x0800) or one of type 0x1234. */
static int run(struct pl_fix *f, bool odd_type)
{
	uint8_t pkt[128] = {};
	uint32_t ret, len;
	int err;

	len = pkt_udp4(pkt, MAC2, MAC1, htonl(0x0a000001), htonl(0x0a000002), 1000, 2000, 16);
	if (odd_type) {
		pkt[12] = 0x12;
		pkt[13] = 0x34;
	}
	err = bpf_test_run_skb(f->prog_fd, pkt, len, &ret, NULL, NULL);
	return err ?: pl_read_ctx(f, &sctx);
}

static uint32_t reg(int i)
{
	return ntohl(sctx.md.reg[i]);
}

static int dp_get(struct pl_fix *f, uint32_t dp, struct ovn_dp *d)
{
	return bpf_map_lookup_elem(f->m.dps, &dp, d) ? -errno : 0;
}

/* The active descriptor of ingress table T of DP. */
static int desc_get(struct pl_fix *f, uint32_t dp, uint8_t t, struct ovn_stage_desc *v)
{
	struct ovn_dp d;
	uint32_t idx;
	int err = dp_get(f, dp, &d);

	if (err)
		return err;
	idx = (d.slot * 2 + d.sel) * OVN_DESC_PER_DP + OVN_DESC_OFF(OVN_PIPE_INGRESS, t);
	return bpf_map_lookup_elem(f->m.descs, &idx, v) ? -errno : 0;
}

/* Run through the ovn_stages path: the datapath's slot taken away for
 * the run, put back after. */
static int run_without_slot(struct pl_fix *f, bool odd_type)
{
	struct ovn_dp d, d0;
	uint32_t dp = DP;
	int err = dp_get(f, DP, &d);

	if (err)
		return err;
	d0 = d;
	d0.slot = 0;
	err = bpf_map_update_elem(f->m.dps, &dp, &d0, BPF_EXIST) ? -errno : 0;
	err = err ?: run(f, odd_type);
	bpf_map_update_elem(f->m.dps, &dp, &d, BPF_EXIST);
	return err;
}

static void sub_slot(struct pl_fix *f)
{
	struct ovn_stage_desc v;
	struct ovn_dp d, d2;

	if (!ASSERT_OK(dp_get(f, DP, &d), "dp 1"))
		return;
	ASSERT_NEQ(d.slot, 0, "dp 1 has a slot");
	ASSERT_OK(ovnbpf_datapath_add(f->w, 2, OVN_DP_ROUTER), "dp 2");
	ASSERT_OK(dp_get(f, 2, &d2), "dp 2 entry");
	ASSERT_EQ(d2.slot, 0, "slot published only by the commit");
	ASSERT_OK(ovnbpf_commit(f->w), "commit");
	ASSERT_OK(dp_get(f, 2, &d2), "dp 2 entry");
	ASSERT_NEQ(d2.slot, 0, "dp 2 has a slot");
	ASSERT_NEQ(d2.slot, d.slot, "slots differ");
	ASSERT_OK(dp_get(f, DP, &d2), "dp 1 again");
	ASSERT_EQ(d2.sel, d.sel, "dp 1 unchanged: no flip");

	if (!ASSERT_OK(desc_get(f, DP, T_CA, &v), "T_CA descriptor"))
		return;
	ASSERT_EQ(v.flags, 0, "short");
	ASSERT_EQ(v.n_sub, 1, "the eth.type subtable only");
	ASSERT_EQ(v.sub_max_prio[0], 100, "its max priority");
	ASSERT_EQ(v.n_ca, 1, "the catch-all in the descriptor");
	ASSERT_EQ(v.ca[0].prio, 0, "at priority 0");
	ASSERT_EQ(v.ca[1].prio, -1, "second cell free");
	/* A stage that only passes is skipped by pass_mask, and a table
	 * without flows has an empty descriptor. */
	ASSERT_OK(desc_get(f, DP, OVN_LS_IN_TABLES, &v), "no such stage");
	ASSERT_EQ(v.n_sub + v.n_ca, 0, "empty");

	ASSERT_OK(run(f, false), "udp");
	ASSERT_EQ(reg(0), 0xa, "catch-all ran (reg0)");
	ASSERT_EQ(sctx.x.drop_reason, DROP_STAGE_ACTION, "dropped in l2_lkup");
	ASSERT_OK(run(f, true), "type 0x1234");
	ASSERT_NEQ(reg(0), 0xa, "prio 100 flow won over the catch-all");
	ASSERT_EQ(sctx.x.drop_reason, DROP_STAGE_ACTION, "its drop");
}

static void sub_cells(struct pl_fix *f)
{
	struct ovn_stage_desc v;
	uint32_t steps_desc;

	if (!ASSERT_OK(desc_get(f, DP, T_CELLS, &v), "T_CELLS descriptor"))
		return;
	ASSERT_EQ(v.n_ca, 0, "prio-50 flow without a match: no catch-all in the descriptor");
	ASSERT_EQ(v.n_sub, 1, "the all-wildcard subtable listed");
	ASSERT_EQ(v.sub_max_prio[0], 50, "at its max priority");
	ASSERT_OK(run(f, false), "udp");
	ASSERT_EQ(reg(1), 0x50, "prio 50 over prio 0");
	steps_desc = sctx.x.steps;
	/* The same packet through ovn_stages: same result. */
	ASSERT_OK(run_without_slot(f, false), "udp, no slot");
	ASSERT_EQ(reg(0), 0xa, "T_CA through the cells");
	ASSERT_EQ(reg(1), 0x50, "T_CELLS the same");
	ASSERT_EQ(reg(2), 0x1ff, "T_LONG default");
	ASSERT_EQ(sctx.x.drop_reason, DROP_STAGE_ACTION, "same end");
	/* T_CA's catch-all costs a probe step through the cells. */
	ASSERT_LT(steps_desc, sctx.x.steps, "fewer steps with the descriptor");
}

static void sub_long(struct pl_fix *f)
{
	struct ovn_stage_desc v;
	if (!ASSERT_OK(desc_get(f, DP, T_LONG, &v), "T_LONG descriptor"))
		return;
	ASSERT_EQ(v.flags, OVN_DESC_F_LONG, "long: read from ovn_stages");
	ASSERT_EQ(v.n_sub, 0, "lists nothing");
	ASSERT_OK(run(f, false), "udp");
	ASSERT_EQ(reg(2), 0x1ff, "default of the long stage (in the cells)");
	/* A hit in the chain's second entry: reg4 bit 6 is mask 38, the
	 * 39th by priority; stage 0 sets it. */
	ASSERT_OK(flow(f, OVN_PIPE_INGRESS, 0, 10, NOMATCH,
		       OPS(op_set32(OVN_OFF_REG(4), 1u << 6), op_next(OVN_PIPE_INGRESS, 1)), NULL),
		  "stage 0 sets reg4");
	ASSERT_OK(ovnbpf_commit(f->w), "commit");
	ASSERT_OK(run(f, false), "udp");
	ASSERT_EQ(reg(2), 0x100 + 38, "mask 38, in the continuation entry");
	ASSERT_EQ(reg(0), 0xa, "T_CA still by its descriptor");
}

static void sub_replace(struct pl_fix *f, uint32_t *ca)
{
	struct ovn_stage_desc v;
	struct ovn_dp d0, d1;
	uint32_t b, zero = 0, ver, old;

	ASSERT_OK(dp_get(f, DP, &d0), "dp");
	ASSERT_OK(ovnbpf_flow_del(f->w, *ca), "del catch-all A");
	ASSERT_OK(ca_flow(f, 0xb, &b), "add catch-all B");
	ASSERT_OK(run(f, false), "before the commit");
	ASSERT_EQ(reg(0), 0xa, "A until the commit");
	ASSERT_OK(ovnbpf_commit(f->w), "commit");
	ASSERT_OK(dp_get(f, DP, &d1), "dp");
	ASSERT_EQ(d1.slot, d0.slot, "same slot");
	ASSERT_NEQ(d1.sel, d0.sel, "flipped to the other copy");
	ASSERT_OK(desc_get(f, DP, T_CA, &v), "descriptor");
	ASSERT_EQ(v.n_ca, 2, "old and new catch-all across the flip");
	ASSERT_OK(run(f, false), "after");
	ASSERT_EQ(reg(0), 0xb, "B");
	/* A packet of the old version that reads the new descriptor (the
	 * descriptor flips before the version does): A. */
	ASSERT_OK(bpf_map_lookup_elem(f->m.gen, &zero, &ver), "version");
	old = ver - 1;
	ASSERT_OK(bpf_map_update_elem(f->m.gen, &zero, &old, BPF_ANY), "back one version");
	ASSERT_OK(run(f, false), "old version");
	ASSERT_EQ(reg(0), 0xa, "A at the old version");
	ASSERT_OK(bpf_map_update_elem(f->m.gen, &zero, &ver, BPF_ANY), "version again");
	*ca = b;
}

static void sub_dp_delete(struct pl_fix *f)
{
	struct ovnbpf_match m = m_eq16(OVN_OFF_ETH_TYPE, 0x0800);
	struct ovn_op op = op_code(OVN_OP_DROP);
	struct ovnbpf_flow_spec s = {
		.dp = 7, .pipeline = OVN_PIPE_INGRESS, .table = 0, .priority = 5,
		.match = &m, .n_match = 1, .ops = &op, .n_ops = 1,
	};
	struct ovn_stage_desc v;
	struct ovn_dp d;
	uint32_t s7, k;

	ASSERT_OK(ovnbpf_datapath_add(f->w, 7, OVN_DP_SWITCH), "dp 7");
	ASSERT_OK(ovnbpf_flow_add(f->w, &s, &k), "a dp 7 flow in table 0");
	ASSERT_OK(ovnbpf_commit(f->w), "commit");
	if (!ASSERT_OK(dp_get(f, 7, &d), "dp 7 entry"))
		return;
	s7 = d.slot;
	ASSERT_NEQ(s7, 0, "dp 7 slot");
	ASSERT_OK(desc_get(f, 7, 0, &v), "dp 7 table 0");
	ASSERT_EQ(v.n_sub, 1, "its flow's subtable");
	ASSERT_OK(ovnbpf_flow_del(f->w, k), "del its flow");
	ASSERT_OK(ovnbpf_datapath_del(f->w, 7), "del dp 7");
	/* Within the grace period the slot is not reused. */
	ovnbpf_writer_set_grace(f->w, 10ULL * 1000000000ULL);
	ASSERT_OK(ovnbpf_commit(f->w), "commit");
	ASSERT_ERR(dp_get(f, 7, &d), "dp 7 gone");
	ASSERT_OK(ovnbpf_datapath_add(f->w, 8, OVN_DP_SWITCH), "dp 8");
	ASSERT_OK(ovnbpf_commit(f->w), "commit");
	ASSERT_OK(dp_get(f, 8, &d), "dp 8 entry");
	ASSERT_NEQ(d.slot, 0, "dp 8 slot");
	ASSERT_NEQ(d.slot, s7, "not dp 7's slot yet");
	/* After it, it is. */
	ovnbpf_writer_set_grace(f->w, 0);
	ASSERT_OK(ovnbpf_reclaim(f->w), "reclaim");
	ASSERT_OK(ovnbpf_datapath_add(f->w, 9, OVN_DP_SWITCH), "dp 9");
	ASSERT_OK(ovnbpf_commit(f->w), "commit");
	ASSERT_OK(dp_get(f, 9, &d), "dp 9 entry");
	ASSERT_EQ(d.slot, s7, "dp 7's slot reused");
	/* dp 7's descriptors are not dp 9's: cleared at the reuse. */
	ASSERT_OK(desc_get(f, 9, 0, &v), "dp 9 table 0");
	ASSERT_EQ(v.n_sub + v.n_ca, 0, "empty");
}

static void sub_adopt(struct pl_fix *f, uint32_t ca)
{
	struct ovn_port vif = { .ifindex = LO, .type = OVN_PORT_VIF, .ct_zone = 1 };
	struct ovn_vif v = { .dp = DP, .port = 1, .ct_zone = 1 };
	struct ovnbpf_writer *w2 = NULL;
	struct ovn_stage_desc dv;
	struct ovn_dp d0, d1;
	uint32_t id;

	(void)ca;
	ASSERT_OK(dp_get(f, DP, &d0), "dp");
	/* A new writer on the same maps: the old one's rules stay. */
	if (!ASSERT_OK(ovnbpf_writer_new(&f->m, &w2), "restart"))
		return;
	ovnbpf_writer_free(f->w);
	f->w = w2;
	ovnbpf_writer_set_grace(f->w, 1000000);	/* 1 ms */
	ASSERT_OK(dp_get(f, DP, &d1), "dp");
	ASSERT_EQ(d1.slot, d0.slot, "slot kept at adoption");
	ASSERT_EQ(d1.sel, d0.sel, "copy kept at adoption");
	ASSERT_OK(run(f, false), "udp after adoption");
	ASSERT_EQ(reg(0), 0xb, "catch-all B");
	ASSERT_EQ(reg(1), 0x50, "T_CELLS");
	/* The resync writes the datapath again and changes the catch-all:
	 * the first commit rebuilds the descriptors from the adopted stages
	 * into the other copy. */
	ASSERT_OK(ovnbpf_datapath_add(f->w, DP, OVN_DP_SWITCH), "datapath again");
	ASSERT_OK(ovnbpf_port_add(f->w, DP, 1, &vif), "port 1 again");
	ASSERT_OK(ovnbpf_vif_add(f->w, LO, &v), "vif again");
	ASSERT_OK(ca_flow(f, 0xc, &id), "catch-all C next to B");
	ASSERT_OK(ovnbpf_commit(f->w), "commit");
	ASSERT_OK(dp_get(f, DP, &d1), "dp");
	ASSERT_EQ(d1.slot, d0.slot, "same slot");
	ASSERT_NEQ(d1.sel, d0.sel, "flipped");
	ASSERT_OK(run(f, false), "udp");
	ASSERT_TRUE(reg(0) == 0xb || reg(0) == 0xc, "a catch-all of the stage ran");
	ASSERT_EQ(reg(1), 0x50, "T_CELLS rebuilt");
	ASSERT_EQ(sctx.x.drop_reason, DROP_STAGE_ACTION, "to the end");
	/* adopt_finish hides every adopted flow not added again: B and all
	 * the others go, C stays. */
	ASSERT_OK(ovnbpf_adopt_finish(f->w), "adopt finish");
	ASSERT_OK(ovnbpf_commit(f->w), "commit");
	ASSERT_OK(run(f, false), "udp");
	ASSERT_EQ(sctx.x.drop_reason, DROP_STAGE_NO_MATCH, "the other stages' flows are gone");
	/* B's cell is reclaimed after the grace period; the commit after
	 * that leaves C alone in the descriptor. */
	nanosleep(&(struct timespec){ .tv_nsec = 3000000 }, NULL);
	ASSERT_OK(ovnbpf_reclaim(f->w), "reclaim");
	ASSERT_OK(ovnbpf_commit(f->w), "commit");
	ASSERT_OK(desc_get(f, DP, T_CA, &dv), "T_CA descriptor");
	ASSERT_EQ(dv.n_ca, 1, "one catch-all");
	ASSERT_EQ(dv.ca[0].flow, id, "C");
	ASSERT_EQ(dv.n_sub, 0, "the eth.type flow went too");
}

void test_miss3_stage_desc(void)
{
	struct pl_fix f;
	uint32_t ca = 0;

	if (!env.has_root) {
		test__skip("needs root for BPF_PROG_TEST_RUN");
		return;
	}
	if (!ASSERT_OK(pl_fix_open(&f), "pl_fix_open"))
		return;
	ovnbpf_writer_set_grace(f.w, 0);
	/* Every run classifies (the same packet again would be a hit). */
	if (!ASSERT_OK(ovnbpf_cache_enable(f.w, false), "cache off") ||
	    !ASSERT_OK(setup(&f, &ca), "setup"))
		goto cleanup;
	if (test__start_subtest("slot_and_catchall"))
		sub_slot(&f);
	if (test__start_subtest("catchall_in_cells"))
		sub_cells(&f);
	if (test__start_subtest("long_stage"))
		sub_long(&f);
	if (test__start_subtest("catchall_replace"))
		sub_replace(&f, &ca);
	if (test__start_subtest("dp_delete_frees_slot"))
		sub_dp_delete(&f);
	if (test__start_subtest("adopt"))
		sub_adopt(&f, ca);
cleanup:
	pl_fix_close(&f);
}
