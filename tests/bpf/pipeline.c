// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * The stage executor through BPF_PROG_TEST_RUN, on hand-compiled entries
 * written with the map writer API (maps/ovnbpf_maps.h) -- what the
 * logical-flow compiler will produce.  The topology: logical switch dp 1
 * with VIF ports 1 (MAC1/IP1, port security) and 2 (MAC2/IP2), _MC_flood
 * = {1, 2}, and the flows northd writes for it, reduced to what matters:
 *
 *   ls_in_check_port_sec  100 eth.src[40] (multicast src)   drop;
 *                          50 1      reg0[15] = check_in_port_sec(); next;
 *   helper port_sec_in     90 inport==1 && eth.src==MAC1     (allowed)
 *                          80 inport==1                      flags.check_port_sec = 1
 *   ls_in_apply_port_sec   50 reg0[15] == 1                  drop;   0 next;
 *   ls_in_arp_rsp          50 arp.tpa==IP2 && arp.op==1      ARP reply, output to inport
 *   ls_in_l2_lkup          70 eth.mcast                      outport=_MC_flood; output;
 *                          50 eth.dst==MAC1 / MAC2           outport=1/2; output;
 *   ls_out_apply_port_sec   0 1                              output;
 *   every other stage       0 1                              next;   (passthrough)
 */
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "tests/test_progs.h"
#include "tests/bpf/bpf_test.h"
#include "tests/bpf/ops_build.h"
#include "tests/bpf/pkt.h"

#define DP	1
#define MC_FLOOD 32768
#define LO	1	/* BPF_PROG_TEST_RUN's skb comes from lo */

static const uint8_t MAC1[6] = { 0x0a, 0, 0, 0, 0, 1 };
static const uint8_t MAC2[6] = { 0x0a, 0, 0, 0, 0, 2 };
static const uint8_t MAC3[6] = { 0x0a, 0, 0, 0, 0, 3 };
static const uint8_t BCAST[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
static const uint8_t ZERO6[6];

static uint32_t ip(uint8_t a, uint8_t b, uint8_t c, uint8_t d)
{
	return htonl((uint32_t)a << 24 | (uint32_t)b << 16 | (uint32_t)c << 8 | d);
}

#define IP1 ip(10, 0, 0, 1)
#define IP2 ip(10, 0, 0, 2)
#define IP3 ip(10, 0, 0, 3)

/* ---- op and match builders (what the compiler will emit) ---- */


static int add_dp(struct pl_fix *f, uint32_t dp, uint8_t pl, uint8_t t, uint16_t prio,
		  const struct ovnbpf_match *m, uint32_t nm,
		  const struct ovn_op *ops, uint32_t nops, uint32_t *id)
{
	struct ovnbpf_flow_spec s = {
		.dp = dp, .pipeline = pl, .table = t, .priority = prio,
		.match = m, .n_match = nm, .ops = ops, .n_ops = nops,
	};
	uint32_t dummy;

	return ovnbpf_flow_add(f->w, &s, id ? id : &dummy);
}

static int add(struct pl_fix *f, uint8_t pl, uint8_t t, uint16_t prio,
	       const struct ovnbpf_match *m, uint32_t nm,
	       const struct ovn_op *ops, uint32_t nops, uint32_t *id)
{
	struct ovnbpf_flow_spec s = {
		.dp = DP, .pipeline = pl, .table = t, .priority = prio,
		.match = m, .n_match = nm, .ops = ops, .n_ops = nops,
	};
	uint32_t dummy;

	return ovnbpf_flow_add(f->w, &s, id ? id : &dummy);
}

static int add_sets(struct pl_fix *f, uint8_t pl, uint8_t t, uint16_t prio,
		    const struct ovnbpf_match *m, uint32_t nm,
		    const struct ovn_set_test *sets, uint32_t ns,
		    const struct ovn_op *ops, uint32_t nops, uint32_t *id)
{
	struct ovnbpf_flow_spec s = {
		.dp = DP, .pipeline = pl, .table = t, .priority = prio,
		.match = m, .n_match = nm, .sets = sets, .n_sets = ns,
		.ops = ops, .n_ops = nops,
	};
	uint32_t dummy;

	return ovnbpf_flow_add(f->w, &s, id ? id : &dummy);
}

#define IN OVN_PIPE_INGRESS
#define OUT OVN_PIPE_EGRESS
#define HELPER OVN_PIPE_HELPER

/* The switch described at the top of the file. */
static int ls_setup(struct pl_fix *f)
{
	struct ovn_port p1 = { .ifindex = LO, .type = OVN_PORT_VIF, .ct_zone = 1 };
	struct ovn_port p2 = { .ifindex = LO, .type = OVN_PORT_VIF, .ct_zone = 2 };
	struct ovn_vif v = { .dp = DP, .port = 1, .ct_zone = 1 };
	uint32_t flood[] = { 1, 2 };
	int err = 0, t;

	err |= ovnbpf_datapath_add(f->w, DP, OVN_DP_SWITCH);
	err |= ovnbpf_port_add(f->w, DP, 1, &p1);
	err |= ovnbpf_port_add(f->w, DP, 2, &p2);
	err |= ovnbpf_vif_add(f->w, LO, &v);
	err |= ovnbpf_mcgroup_set(f->w, DP, MC_FLOOD, flood, 2);

	/* ls_in_check_port_sec */
	err |= add(f, IN, 0, 100, MATCH(m_bit(OVN_OFF_ETH_SRC, 6, 40, 1)),
		   OPS(op_code(OVN_OP_DROP)), NULL);
	err |= add(f, IN, 0, 50, NOMATCH,
		   OPS(op_set_bit(OVN_OFF_FLAGS, 4, OVN_MLF_CHECK_PORT_SEC, 0),
		       (struct ovn_op){ .code = OVN_OP_CALL, .table = OVN_HT_PORT_SEC_IN },
		       op_move_bit(OVN_OFF_REG(0), 4, 15, OVN_OFF_FLAGS, 4, OVN_MLF_CHECK_PORT_SEC),
		       op_next(IN, 1)), NULL);
	/* helper table 73 for port 1: MAC1 only */
	err |= add(f, HELPER, OVN_HT_PORT_SEC_IN, 90,
		   MATCH(m_eq32(OVN_OFF_INPORT, 1), m_eq(OVN_OFF_ETH_SRC, 6, MAC1)),
		   OPS(op_code(OVN_OP_END)), NULL);
	err |= add(f, HELPER, OVN_HT_PORT_SEC_IN, 80, MATCH(m_eq32(OVN_OFF_INPORT, 1)),
		   OPS(op_set_bit(OVN_OFF_FLAGS, 4, OVN_MLF_CHECK_PORT_SEC, 1)), NULL);
	/* ls_in_apply_port_sec */
	err |= add(f, IN, 1, 50, MATCH(m_bit(OVN_OFF_REG(0), 4, 15, 1)),
		   OPS(op_code(OVN_OP_DROP)), NULL);
	err |= add(f, IN, 1, 0, NOMATCH, OPS(op_next(IN, 2)), NULL);
	/* ls_in_arp_rsp: reply for IP2 */
	err |= add(f, IN, 19, 50,
		   MATCH(m_eq16(OVN_OFF_ETH_TYPE, 0x0806), m_eq(OVN_OFF_ARP_TPA, 4, &(uint32_t){ IP2 }),
			 m_eq16(OVN_OFF_ARP_OP, 1)),
		   OPS(op_move(OVN_OFF_ETH_DST, OVN_OFF_ETH_SRC, 6),
		       op_set(OVN_OFF_ETH_SRC, 6, MAC2),
		       op_set(OVN_OFF_ARP_OP, 2, &(uint16_t){ htons(2) }),
		       op_move(OVN_OFF_ARP_THA, OVN_OFF_ARP_SHA, 6),
		       op_set(OVN_OFF_ARP_SHA, 6, MAC2),
		       op_move(OVN_OFF_ARP_TPA, OVN_OFF_ARP_SPA, 4),
		       op_set(OVN_OFF_ARP_SPA, 4, &(uint32_t){ IP2 }),
		       op_move(OVN_OFF_OUTPORT, OVN_OFF_INPORT, 4),
		       op_set_bit(OVN_OFF_FLAGS, 4, OVN_MLF_LOOPBACK, 1),
		       op_code(OVN_OP_OUTPUT)), NULL);
	err |= add(f, IN, 19, 0, NOMATCH, OPS(op_next(IN, 20)), NULL);
	/* ls_in_l2_lkup */
	err |= add(f, IN, 25, 70, MATCH(m_bit(OVN_OFF_ETH_DST, 6, 40, 1)),
		   OPS(op_set32(OVN_OFF_OUTPORT, MC_FLOOD), op_code(OVN_OP_OUTPUT)), NULL);
	err |= add(f, IN, 25, 50, MATCH(m_eq(OVN_OFF_ETH_DST, 6, MAC1)),
		   OPS(op_set32(OVN_OFF_OUTPORT, 1), op_code(OVN_OP_OUTPUT)), NULL);
	err |= add(f, IN, 25, 50, MATCH(m_eq(OVN_OFF_ETH_DST, 6, MAC2)),
		   OPS(op_set32(OVN_OFF_OUTPORT, 2), op_code(OVN_OP_OUTPUT)), NULL);
	/* ls_out_apply_port_sec */
	err |= add(f, OUT, 9, 0, NOMATCH, OPS(op_code(OVN_OP_OUTPUT)), NULL);
	/* passthrough */
	for (t = 2; t < OVN_LS_IN_TABLES - 1; t++)
		if (t != 19 && t != 25)
			err |= add(f, IN, t, 0, NOMATCH, OPS(op_next(IN, t + 1)), NULL);
	for (t = 0; t < 9; t++)
		err |= add(f, OUT, t, 0, NOMATCH, OPS(op_next(OUT, t + 1)), NULL);
	err |= ovnbpf_commit(f->w);
	return err;
}

static int run(struct pl_fix *f, const void *pkt, uint32_t len, uint32_t *ret, void *out,
	       uint32_t *out_len, struct ovn_ctx *c)
{
	int err = bpf_test_run_skb(f->prog_fd, pkt, len, ret, out, out_len);

	if (!err && c)
		err = pl_read_ctx(f, c);
	return err;
}

static uint32_t drops(struct pl_fix *f, uint32_t reason)
{
	struct ovnbpf_counter c;

	if (bpf_test_read_counter(f->m.drops, reason, &c))
		return UINT32_MAX;
	return c.packets;
}

static struct ovn_ctx ctx;	/* big: not on the stack */

void test_pipeline_switch(void)
{
	uint8_t pkt[128], out[256];
	uint32_t ret, len, olen;
	struct ovn_stage_stats ss;
	struct pl_fix f;
	struct ovn_dp d;
	uint32_t dpk = DP;

	if (!env.has_root) {
		test__skip("needs root for BPF_PROG_TEST_RUN");
		return;
	}
	if (!ASSERT_OK(pl_fix_open(&f), "pl_fix_open"))
		return;
	if (!ASSERT_OK(ls_setup(&f), "ls_setup"))
		goto cleanup;
	printf("verifier: ovnbpf_from_vif processed %u insns, xlated %u bytes (%u insns), jited %u bytes\n",
	       f.verifier_insns, f.xlated_len, f.xlated_len / 8, f.jited_len);
	ASSERT_GT(f.verifier_insns, 0, "verifier stats read");
	ASSERT_LT(f.verifier_insns, 1000000, "verifier budget");

	if (test__start_subtest("passthrough_marked")) {
		ASSERT_OK(bpf_map_lookup_elem(f.m.dps, &dpk, &d), "dp lookup");
		/* ingress 2..24 except 19, 25; egress 0..8 */
		ASSERT_EQ(d.pass_mask[0], 0x01f7fffcu & ~(1u << 25), "ingress pass mask");
		ASSERT_EQ(d.pass_mask[1], 0x1ffu, "egress pass mask");
	}
	if (test__start_subtest("unicast_1_to_2")) {
		len = pkt_udp4(pkt, MAC2, MAC1, IP1, IP2, 1000, 53, 16);
		ASSERT_OK(run(&f, pkt, len, &ret, NULL, NULL, &ctx), "run");
		ASSERT_EQ(ret, TC_ACT_REDIRECT, "verdict");
		ASSERT_EQ(ctx.x.drop_reason, DROP_NONE, "no drop");
		ASSERT_EQ(ctx.x.n_out, 1, "one output");
		ASSERT_EQ(ctx.x.out_port[0], 2, "to port 2");
		ASSERT_EQ(ctx.x.out_ifindex[0], LO, "ifindex");
		ASSERT_EQ(ntohl(ctx.md.ct_zone), 2, "egress loads outport's ct zone");
		/* 9 stages classified (3 ingress + 2 helper... ) and the
		 * passthrough ones cost no step. */
		ASSERT_LT(ctx.x.steps, 40, "few steps");
		ASSERT_OK(pl_stage_stats(&f, OVN_STAGE_IDX(0, 0, 25), &ss), "stats");
		ASSERT_EQ(ss.hits, 1, "l2_lkup hit");
		ASSERT_OK(pl_stage_stats(&f, OVN_STAGE_IDX(0, 0, 5), &ss), "stats");
		ASSERT_EQ(ss.hits, 0, "passthrough stage not classified");
	}
	if (test__start_subtest("port_security_in")) {
		len = pkt_udp4(pkt, MAC2, MAC3, IP1, IP2, 1000, 53, 16);
		ASSERT_OK(run(&f, pkt, len, &ret, NULL, NULL, &ctx), "run");
		ASSERT_EQ(ret, TC_ACT_SHOT, "verdict");
		ASSERT_EQ(ctx.x.drop_reason, DROP_STAGE_ACTION, "dropped by drop;");
		ASSERT_EQ(ctx.x.table, 1, "in ls_in_apply_port_sec");
		ASSERT_EQ(ntohl(ctx.md.reg[0]), 1u << 15, "reg0[15] = check_in_port_sec()");
		ASSERT_OK(pl_stage_stats(&f, OVN_STAGE_IDX(0, 0, 1), &ss), "stats");
		ASSERT_EQ(ss.drop_action, 1, "apply_port_sec drop counted");
	}
	if (test__start_subtest("priority_multicast_src")) {
		/* prio 100 drop beats the prio 50 flow of the same stage */
		uint8_t msrc[6] = { 0x0b, 0, 0, 0, 0, 1 };

		len = pkt_udp4(pkt, MAC2, msrc, IP1, IP2, 1000, 53, 16);
		ASSERT_OK(run(&f, pkt, len, &ret, NULL, NULL, &ctx), "run");
		ASSERT_EQ(ctx.x.drop_reason, DROP_STAGE_ACTION, "dropped");
		ASSERT_EQ(ctx.x.table, 0, "in ls_in_check_port_sec");
		ASSERT_OK(pl_stage_stats(&f, OVN_STAGE_IDX(0, 0, 0), &ss), "stats");
		ASSERT_EQ(ss.drop_action, 1, "check_port_sec drop counted");
	}
	if (test__start_subtest("no_match_drops")) {
		len = pkt_udp4(pkt, MAC3, MAC1, IP1, IP3, 1000, 53, 16);
		ASSERT_OK(run(&f, pkt, len, &ret, NULL, NULL, &ctx), "run");
		ASSERT_EQ(ret, TC_ACT_SHOT, "verdict");
		ASSERT_EQ(ctx.x.drop_reason, DROP_STAGE_NO_MATCH, "no match");
		ASSERT_OK(pl_stage_stats(&f, OVN_STAGE_IDX(0, 0, 25), &ss), "stats");
		ASSERT_EQ(ss.no_match, 1, "l2_lkup no-match counted");
		ASSERT_EQ(drops(&f, DROP_STAGE_NO_MATCH), 1, "global reason counter");
	}
	if (test__start_subtest("loopback_rule")) {
		/* to its own MAC: outport == inport without flags.loopback */
		len = pkt_udp4(pkt, MAC1, MAC1, IP1, IP1, 1000, 53, 16);
		ASSERT_OK(run(&f, pkt, len, &ret, NULL, NULL, &ctx), "run");
		ASSERT_EQ(ret, TC_ACT_SHOT, "verdict");
		ASSERT_EQ(ctx.x.drop_reason, DROP_LOOPBACK, "output to inport suppressed");
		ASSERT_EQ(ctx.x.n_out, 0, "nothing sent");
	}
	if (test__start_subtest("arp_responder")) {
		uint8_t exp[42];

		len = pkt_arp(pkt, BCAST, MAC1, 1, MAC1, IP1, ZERO6, IP2);
		olen = sizeof(out);
		ASSERT_OK(run(&f, pkt, len, &ret, out, &olen, &ctx), "run");
		ASSERT_EQ(ret, TC_ACT_REDIRECT, "verdict");
		ASSERT_EQ(ctx.x.n_out, 1, "one output");
		ASSERT_EQ(ctx.x.out_port[0], 1, "back to inport (flags.loopback)");
		pkt_arp(exp, MAC1, MAC2, 2, MAC2, IP2, MAC1, IP1);
		ASSERT_EQ(olen, 42, "reply length");
		ASSERT_MEMEQ(out, exp, 42, "ARP reply bytes");
	}
	if (test__start_subtest("flood")) {
		/* ARP for an address nobody answers: _MC_flood, the inport
		 * member skipped by the loopback rule, port 2 gets a clone. */
		len = pkt_arp(pkt, BCAST, MAC1, 1, MAC1, IP1, ZERO6, IP3);
		ASSERT_OK(run(&f, pkt, len, &ret, NULL, NULL, &ctx), "run");
		ASSERT_EQ(ret, TC_ACT_SHOT, "original consumed");
		ASSERT_EQ(ctx.x.drop_reason, DROP_NONE, "delivered");
		ASSERT_EQ(ctx.x.n_out, 1, "one copy");
		ASSERT_EQ(ctx.x.out_port[0], 2, "to port 2");
		ASSERT_EQ(ctx.x.out_ret[0], 0, "clone_redirect ok");
	}
	if (test__start_subtest("egress_acl")) {
		/* ls_out_acl: to-lport drop of udp.dst == 99 towards port 2 */
		uint32_t id;

		ASSERT_OK(add(&f, OUT, 4, 1001,
			      MATCH(m_eq32(OVN_OFF_OUTPORT, 2), m_eq16(OVN_OFF_ETH_TYPE, 0x0800),
				    m_eq8(OVN_OFF_IP_PROTO, 17), m_eq16(OVN_OFF_TP_DST, 99)),
			      OPS(op_code(OVN_OP_DROP)), &id), "add acl");
		len = pkt_udp4(pkt, MAC2, MAC1, IP1, IP2, 1000, 99, 16);
		ASSERT_OK(run(&f, pkt, len, &ret, NULL, NULL, &ctx), "run");
		ASSERT_EQ(ret, TC_ACT_REDIRECT, "not before commit");
		ASSERT_OK(ovnbpf_commit(f.w), "commit");
		ASSERT_OK(bpf_map_lookup_elem(f.m.dps, &dpk, &d), "dp lookup");
		ASSERT_FALSE(d.pass_mask[1] & (1u << 4), "ls_out_acl no longer passthrough");
		ASSERT_OK(run(&f, pkt, len, &ret, NULL, NULL, &ctx), "run");
		ASSERT_EQ(ctx.x.drop_reason, DROP_STAGE_ACTION, "acl drop");
		ASSERT_EQ(ctx.x.pipeline, OUT, "in egress");
		ASSERT_EQ(ctx.x.table, 4, "in ls_out_acl");
		ASSERT_OK(pl_stage_stats(&f, OVN_STAGE_IDX(0, 1, 4), &ss), "stats");
		ASSERT_EQ(ss.drop_action, 1, "ls_out_acl drop counted");
		len = pkt_udp4(pkt, MAC2, MAC1, IP1, IP2, 1000, 98, 16);
		ASSERT_OK(run(&f, pkt, len, &ret, NULL, NULL, &ctx), "run");
		ASSERT_EQ(ret, TC_ACT_REDIRECT, "other port passes");
		ASSERT_OK(ovnbpf_flow_del(f.w, id), "del acl");
		ASSERT_OK(ovnbpf_commit(f.w), "commit");
		len = pkt_udp4(pkt, MAC2, MAC1, IP1, IP2, 1000, 99, 16);
		ASSERT_OK(run(&f, pkt, len, &ret, NULL, NULL, &ctx), "run");
		ASSERT_EQ(ret, TC_ACT_REDIRECT, "acl removed");
		ASSERT_OK(bpf_map_lookup_elem(f.m.dps, &dpk, &d), "dp lookup");
		ASSERT_TRUE(d.pass_mask[1] & (1u << 4), "ls_out_acl passthrough again");
	}
	if (test__start_subtest("rewrite_checksums")) {
		/* ls_in_qos_mark (9): ip.dscp = 10; ip4.dst = IP3; udp.dst = 5353 */
		uint8_t tos = 10 << 2;

		ASSERT_OK(add(&f, IN, 9, 100,
			      MATCH(m_eq16(OVN_OFF_ETH_TYPE, 0x0800), m_eq8(OVN_OFF_IP_PROTO, 17),
				    m_eq16(OVN_OFF_TP_DST, 5000)),
			      OPS((struct ovn_op){ .code = OVN_OP_SET, .dst = OVN_OFF_IP_TOS, .n = 1,
						   .value = { tos }, .mask = { 0xfc } },
				  op_set(OVN_OFF_IP4_DST, 4, &(uint32_t){ IP3 }),
				  op_set(OVN_OFF_TP_DST, 2, &(uint16_t){ htons(5353) }),
				  op_next(IN, 10)), NULL), "add");
		ASSERT_OK(ovnbpf_commit(f.w), "commit");
		len = pkt_udp4(pkt, MAC2, MAC1, IP1, IP2, 1000, 5000, 16);
		olen = sizeof(out);
		ASSERT_OK(run(&f, pkt, len, &ret, out, &olen, &ctx), "run");
		ASSERT_EQ(ret, TC_ACT_REDIRECT, "verdict");
		ASSERT_EQ(olen, len, "length");
		ASSERT_EQ(out[15], tos, "tos written");
		ASSERT_MEMEQ(out + 30, &(uint32_t){ IP3 }, 4, "ip4.dst written");
		ASSERT_EQ(out[36] << 8 | out[37], 5353, "udp.dst written");
		ASSERT_TRUE(pkt_ip4_ok(out + 14), "IPv4 checksum");
		ASSERT_TRUE(pkt_udp4_ok(out + 14), "UDP checksum");
		ASSERT_MEMEQ(out, pkt, 14, "ethernet untouched");
	}
	if (test__start_subtest("uncommitted_invisible")) {
		/* a flow staged but not committed changes nothing */
		ASSERT_OK(add(&f, IN, 25, 60, MATCH(m_eq(OVN_OFF_ETH_DST, 6, MAC3)),
			      OPS(op_set32(OVN_OFF_OUTPORT, 2), op_code(OVN_OP_OUTPUT)), NULL), "add");
		len = pkt_udp4(pkt, MAC3, MAC1, IP1, IP2, 1000, 53, 16);
		ASSERT_OK(run(&f, pkt, len, &ret, NULL, NULL, &ctx), "run");
		ASSERT_EQ(ctx.x.drop_reason, DROP_STAGE_NO_MATCH, "old rules");
		ASSERT_OK(ovnbpf_commit(f.w), "commit");
		ASSERT_OK(run(&f, pkt, len, &ret, NULL, NULL, &ctx), "run");
		ASSERT_EQ(ret, TC_ACT_REDIRECT, "new rules");
	}
cleanup:
	pl_fix_close(&f);
}

/* Address sets: one set entry per address, a change takes effect without
 * touching the flow; exact members in the hash, CIDRs in the LPM trie. */
void test_pipeline_sets(void)
{
	struct ovn_set_test t = { .set_id = 7, .off = OVN_OFF_IP4_SRC, .len = 4,
				  .flags = OVN_SET_T_USED | OVN_SET_T_LPM };
	struct ovnbpf_writer_stats ws;
	uint32_t ret, len, id, net = ip(10, 0, 0, 0), prog;
	struct pl_fix f;
	uint8_t pkt[128];

	if (!env.has_root) {
		test__skip("needs root for BPF_PROG_TEST_RUN");
		return;
	}
	if (!ASSERT_OK(pl_fix_open(&f), "pl_fix_open"))
		return;
	if (!ASSERT_OK(ls_setup(&f), "ls_setup"))
		goto cleanup;
	/* ls_in_acl (8): ip4.src == $as7 && udp.dst == 53 -> drop */
	ASSERT_OK(add_sets(&f, IN, 8, 2000,
			   MATCH(m_eq16(OVN_OFF_ETH_TYPE, 0x0800), m_eq8(OVN_OFF_IP_PROTO, 17),
				 m_eq16(OVN_OFF_TP_DST, 53)),
			   &t, 1, OPS(op_code(OVN_OP_DROP)), &id), "add acl");
	ASSERT_OK(ovnbpf_commit(f.w), "commit");
	prog = ovnbpf_flow_prog(f.w, id);
	len = pkt_udp4(pkt, MAC2, MAC1, IP1, IP2, 1000, 53, 16);

	ASSERT_OK(run(&f, pkt, len, &ret, NULL, NULL, &ctx), "run");
	ASSERT_EQ(ret, TC_ACT_REDIRECT, "empty set: passes");
	ASSERT_OK(ovnbpf_set_add(f.w, 7, &(uint32_t){ IP1 }, 4, 32), "add IP1");
	ASSERT_OK(run(&f, pkt, len, &ret, NULL, NULL, &ctx), "run");
	ASSERT_EQ(ret, TC_ACT_REDIRECT, "member staged, not committed");
	ASSERT_OK(ovnbpf_commit(f.w), "commit");
	ASSERT_OK(run(&f, pkt, len, &ret, NULL, NULL, &ctx), "run");
	ASSERT_EQ(ctx.x.drop_reason, DROP_STAGE_ACTION, "member: dropped");
	ASSERT_OK(ovnbpf_set_add(f.w, 7, &(uint32_t){ IP3 }, 4, 32), "add IP3");
	ASSERT_OK(ovnbpf_set_del(f.w, 7, &(uint32_t){ IP1 }, 4, 32), "del IP1");
	ASSERT_OK(run(&f, pkt, len, &ret, NULL, NULL, &ctx), "run");
	ASSERT_EQ(ctx.x.drop_reason, DROP_STAGE_ACTION, "delete staged: still dropped");
	ASSERT_OK(ovnbpf_commit(f.w), "commit");
	ASSERT_OK(run(&f, pkt, len, &ret, NULL, NULL, &ctx), "run");
	ASSERT_EQ(ret, TC_ACT_REDIRECT, "removed: passes");
	ASSERT_OK(ovnbpf_set_add(f.w, 7, &net, 4, 24), "add 10.0.0.0/24");
	ASSERT_OK(ovnbpf_commit(f.w), "commit");
	ASSERT_OK(run(&f, pkt, len, &ret, NULL, NULL, &ctx), "run");
	ASSERT_EQ(ctx.x.drop_reason, DROP_STAGE_ACTION, "CIDR member: dropped");
	ASSERT_EQ(ovnbpf_flow_prog(f.w, id), prog, "flow untouched by set changes");

	/* negated test: ip4.src != $as8 (as8 empty) -> matches everything */
	{
		struct ovn_set_test nt = { .set_id = 8, .off = OVN_OFF_IP4_SRC, .len = 4,
					   .flags = OVN_SET_T_USED | OVN_SET_T_NEGATE };
		uint32_t nid;

		ASSERT_OK(ovnbpf_set_del(f.w, 7, &net, 4, 24), "del cidr");
		ASSERT_OK(add_sets(&f, IN, 8, 1500, NOMATCH, &nt, 1,
				   OPS(op_code(OVN_OP_DROP)), &nid), "add negated");
		ASSERT_OK(ovnbpf_commit(f.w), "commit");
		ASSERT_OK(run(&f, pkt, len, &ret, NULL, NULL, &ctx), "run");
		ASSERT_EQ(ctx.x.drop_reason, DROP_STAGE_ACTION, "not in empty set: dropped");
		ASSERT_OK(ovnbpf_set_add(f.w, 8, &(uint32_t){ IP1 }, 4, 32), "add");
		ASSERT_OK(ovnbpf_commit(f.w), "commit");
		ASSERT_OK(run(&f, pkt, len, &ret, NULL, NULL, &ctx), "run");
		ASSERT_EQ(ret, TC_ACT_REDIRECT, "in set: passes");
	}
	ovnbpf_writer_stats(f.w, &ws);
	ASSERT_EQ(ws.pending, 0, "nothing pending after commit");
cleanup:
	pl_fix_close(&f);
}

/* Subtables: flows with different masks in one stage; the highest
 * priority across subtables wins, whatever the insertion order. */
void test_pipeline_subtables(void)
{
	struct ovnbpf_writer_stats ws0, ws1;
	uint32_t ret, len, a, b, c;
	struct pl_fix f;
	uint8_t pkt[128];

	if (!env.has_root) {
		test__skip("needs root for BPF_PROG_TEST_RUN");
		return;
	}
	if (!ASSERT_OK(pl_fix_open(&f), "pl_fix_open"))
		return;
	if (!ASSERT_OK(ls_setup(&f), "ls_setup"))
		goto cleanup;
	ovnbpf_writer_stats(f.w, &ws0);
	/* ls_in_acl: 1000 udp.dst==53 drop; 1500 ip4.src==IP1 && udp -> next;
	 * 1200 ip4.src==IP1 && udp.dst==53 -> drop */
	ASSERT_OK(add(&f, IN, 8, 1000, MATCH(m_eq16(OVN_OFF_ETH_TYPE, 0x0800),
					     m_eq8(OVN_OFF_IP_PROTO, 17), m_eq16(OVN_OFF_TP_DST, 53)),
		      OPS(op_code(OVN_OP_DROP)), &a), "add 1000");
	ASSERT_OK(add(&f, IN, 8, 1200, MATCH(m_eq16(OVN_OFF_ETH_TYPE, 0x0800),
					     m_eq8(OVN_OFF_IP_PROTO, 17), m_eq16(OVN_OFF_TP_DST, 53),
					     m_eq(OVN_OFF_IP4_SRC, 4, &(uint32_t){ IP1 })),
		      OPS(op_code(OVN_OP_DROP)), &b), "add 1200");
	ASSERT_OK(add(&f, IN, 8, 1500, MATCH(m_eq16(OVN_OFF_ETH_TYPE, 0x0800),
					     m_eq8(OVN_OFF_IP_PROTO, 17),
					     m_eq(OVN_OFF_IP4_SRC, 4, &(uint32_t){ IP1 })),
		      OPS(op_next(IN, 9)), &c), "add 1500");
	ASSERT_OK(ovnbpf_commit(f.w), "commit");
	ovnbpf_writer_stats(f.w, &ws1);
	ASSERT_EQ(ws1.subtables, ws0.subtables + 3, "three masks, three subtables");
	len = pkt_udp4(pkt, MAC2, MAC1, IP1, IP2, 1000, 53, 16);
	ASSERT_OK(run(&f, pkt, len, &ret, NULL, NULL, &ctx), "run");
	ASSERT_EQ(ret, TC_ACT_REDIRECT, "1500 wins");
	ASSERT_OK(ovnbpf_flow_del(f.w, c), "del 1500");
	ASSERT_OK(ovnbpf_commit(f.w), "commit");
	ASSERT_OK(run(&f, pkt, len, &ret, NULL, NULL, &ctx), "run");
	ASSERT_EQ(ctx.x.drop_reason, DROP_STAGE_ACTION, "1200 wins");
	ASSERT_OK(ovnbpf_commit(f.w), "commit (reclaims)");
	ovnbpf_writer_stats(f.w, &ws1);
	ASSERT_EQ(ws1.subtables, ws0.subtables + 2, "unused subtable reclaimed");
	ASSERT_EQ(ws1.retired, 0, "nothing left retired");
	/* many flows under one masked key: slots chain */
	{
		int i;

		for (i = 0; i < 20; i++)
			ASSERT_OK(add(&f, IN, 8, 100 + i, MATCH(m_eq16(OVN_OFF_ETH_TYPE, 0x0800),
						    m_eq8(OVN_OFF_IP_PROTO, 17),
						    m_eq16(OVN_OFF_TP_DST, 54)),
				      OPS(i == 13 ? op_code(OVN_OP_DROP) : op_next(IN, 9)), NULL),
				  "add same key");
		ASSERT_OK(add(&f, IN, 8, 119 + 1, MATCH(m_eq16(OVN_OFF_ETH_TYPE, 0x0800),
						m_eq8(OVN_OFF_IP_PROTO, 17),
						m_eq16(OVN_OFF_TP_DST, 54)),
			      OPS(op_code(OVN_OP_DROP)), NULL), "add top");
		ASSERT_OK(ovnbpf_commit(f.w), "commit");
		len = pkt_udp4(pkt, MAC2, MAC1, IP1, IP2, 1000, 54, 16);
		ASSERT_OK(run(&f, pkt, len, &ret, NULL, NULL, &ctx), "run");
		ASSERT_EQ(ctx.x.drop_reason, DROP_STAGE_ACTION, "highest of 21 cells wins");
		ASSERT_EQ(ctx.x.best_prio, 120, "priority 120");
	}
	(void)a;
	(void)b;
cleanup:
	pl_fix_close(&f);
}

/* nd_na {}, punt, unsupported and ct ops. */
void test_pipeline_actions(void)
{
	static const uint8_t src6[16] = { 0xfd, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1 };
	static const uint8_t tgt6[16] = { 0xfd, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2 };
	static const uint8_t sol6[16] = { 0xff, 0x02, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0xff, 0, 0, 2 };
	uint8_t smac_mc[6] = { 0x33, 0x33, 0xff, 0, 0, 2 };
	uint8_t pkt[128], out[256];
	uint32_t ret, len, olen;
	struct pl_fix f;

	if (!env.has_root) {
		test__skip("needs root for BPF_PROG_TEST_RUN");
		return;
	}
	if (!ASSERT_OK(pl_fix_open(&f), "pl_fix_open"))
		return;
	if (!ASSERT_OK(ls_setup(&f), "ls_setup"))
		goto cleanup;
	/* ls_in_arp_rsp: nd_ns && nd.target == TGT ->
	 * nd_na { eth.src = MAC2; ip6.src = TGT; nd.target = TGT; nd.tll = MAC2;
	 *         outport = inport; flags.loopback = 1; output; }; */
	ASSERT_OK(add(&f, IN, 19, 50,
		      MATCH(m_eq16(OVN_OFF_ETH_TYPE, 0x86dd), m_eq8(OVN_OFF_IP_PROTO, 58),
			    m_eq8(OVN_OFF_ICMP_TYPE, 135), m_eq(OVN_OFF_ND_TARGET, 16, tgt6)),
		      OPS((struct ovn_op){ .code = OVN_OP_ND_NA },
			  op_set(OVN_OFF_ETH_SRC, 6, MAC2),
			  op_set(OVN_OFF_IP6_SRC, 16, tgt6),
			  op_set(OVN_OFF_ND_TARGET, 16, tgt6),
			  op_set(OVN_OFF_ND_TLL, 6, MAC2),
			  op_move(OVN_OFF_OUTPORT, OVN_OFF_INPORT, 4),
			  op_set_bit(OVN_OFF_FLAGS, 4, OVN_MLF_LOOPBACK, 1),
			  op_code(OVN_OP_OUTPUT)), NULL), "add nd_na");
	/* ls_in_dhcp_options (20): udp.dst == 67 -> punt (put_dhcp_opts) */
	ASSERT_OK(add(&f, IN, 20, 100, MATCH(m_eq16(OVN_OFF_ETH_TYPE, 0x0800),
					     m_eq8(OVN_OFF_IP_PROTO, 17), m_eq16(OVN_OFF_TP_DST, 67)),
		      OPS((struct ovn_op){ .code = OVN_OP_PUNT, .arg = 42, .meter = 3 }), NULL),
		  "add punt");
	/* ls_in_dhcp_options (20): udp.dst == 69 -> copy to ovnbpfd (as
	 * log/put_arp do) and go on to port 2 */
	ASSERT_OK(add(&f, IN, 20, 100, MATCH(m_eq16(OVN_OFF_ETH_TYPE, 0x0800),
					     m_eq8(OVN_OFF_IP_PROTO, 17), m_eq16(OVN_OFF_TP_DST, 69)),
		      OPS((struct ovn_op){ .code = OVN_OP_PUNT, .arg = 43, .meter = 4,
					   .n = OVN_PUNT_F_CONTINUE },
			  op_set32(OVN_OFF_OUTPORT, 2), op_code(OVN_OP_OUTPUT)), NULL),
		  "add continuing punt");
	/* ls_in_pre_stateful (6): udp.dst == 7 -> ct_next (not yet) */
	ASSERT_OK(add(&f, IN, 6, 100, MATCH(m_eq16(OVN_OFF_ETH_TYPE, 0x0800),
					    m_eq8(OVN_OFF_IP_PROTO, 17), m_eq16(OVN_OFF_TP_DST, 7)),
		      OPS(op_code(OVN_OP_CT_FIRST)), NULL), "add ct");
	ASSERT_OK(add(&f, IN, 6, 100, MATCH(m_eq16(OVN_OFF_ETH_TYPE, 0x0800),
					    m_eq8(OVN_OFF_IP_PROTO, 17), m_eq16(OVN_OFF_TP_DST, 8)),
		      OPS(op_code(120)), NULL), "add unknown op");
	/* a long action list is chained over several programs */
	{
		struct ovn_op ops[40];
		int i;

		for (i = 0; i < 38; i++)
			ops[i] = op_set32(OVN_OFF_REG(1), i);
		ops[38] = op_set32(OVN_OFF_OUTPORT, 2);
		ops[39] = op_code(OVN_OP_OUTPUT);
		ASSERT_OK(add(&f, IN, 25, 60, MATCH(m_eq(OVN_OFF_ETH_DST, 6, MAC3)),
			      ops, 40, NULL), "add long");
	}
	ASSERT_OK(ovnbpf_commit(f.w), "commit");

	if (test__start_subtest("nd_na")) {
		uint8_t exp_na[4] = { 136, 0 };

		len = pkt_ns(pkt, smac_mc, MAC1, src6, sol6, tgt6);
		olen = sizeof(out);
		ASSERT_OK(run(&f, pkt, len, &ret, out, &olen, &ctx), "run");
		ASSERT_EQ(ret, TC_ACT_REDIRECT, "verdict");
		ASSERT_EQ(ctx.x.out_port[0], 1, "back to inport");
		ASSERT_EQ(olen, 86, "NA length");
		ASSERT_MEMEQ(out, MAC1, 6, "eth.dst = NS sender");
		ASSERT_MEMEQ(out + 6, MAC2, 6, "eth.src");
		ASSERT_MEMEQ(out + 22, tgt6, 16, "ip6.src = target");
		ASSERT_MEMEQ(out + 38, src6, 16, "ip6.dst = NS source");
		ASSERT_MEMEQ(out + 54, exp_na, 2, "type NA");
		ASSERT_EQ(out[58], 0x60, "S and O flags");
		ASSERT_MEMEQ(out + 62, tgt6, 16, "target");
		ASSERT_EQ(out[78], 2, "TLL option");
		ASSERT_MEMEQ(out + 80, MAC2, 6, "TLL = MAC2");
		ASSERT_TRUE(pkt_icmp6_ok(out + 14), "ICMPv6 checksum");
	}
	if (test__start_subtest("punt_metered")) {
		struct ovn_stage_stats ss;

		len = pkt_udp4(pkt, BCAST, MAC1, 0, ip(255, 255, 255, 255), 68, 67, 16);
		ASSERT_OK(run(&f, pkt, len, &ret, NULL, NULL, &ctx), "run");
		ASSERT_EQ(ctx.x.drop_reason, DROP_PUNT_METER, "meter 3 not configured");
		ASSERT_OK(ovnbpf_meter_set(f.w, 3, 1, 2), "meter 1 pps burst 2");
		ASSERT_OK(run(&f, pkt, len, &ret, NULL, NULL, &ctx), "run 1");
		ASSERT_EQ(ctx.x.drop_reason, DROP_PUNT, "punted");
		ASSERT_OK(run(&f, pkt, len, &ret, NULL, NULL, &ctx), "run 2");
		ASSERT_EQ(ctx.x.drop_reason, DROP_PUNT, "punted (burst)");
		ASSERT_OK(run(&f, pkt, len, &ret, NULL, NULL, &ctx), "run 3");
		ASSERT_EQ(ctx.x.drop_reason, DROP_PUNT_METER, "over the rate");
		ASSERT_OK(pl_stage_stats(&f, OVN_STAGE_IDX(0, 0, 20), &ss), "stats");
		ASSERT_EQ(ss.punted, 2, "punts counted at ls_in_dhcp_options");
		ASSERT_EQ(drops(&f, DROP_PUNT), 2, "reason counter");
	}
	if (test__start_subtest("punt_continue")) {
		struct ovn_stage_stats s0, s1;

		ASSERT_OK(pl_stage_stats(&f, OVN_STAGE_IDX(0, 0, 20), &s0), "stats");
		len = pkt_udp4(pkt, MAC2, MAC1, IP1, IP2, 1000, 69, 16);
		ASSERT_OK(run(&f, pkt, len, &ret, NULL, NULL, &ctx), "run, meter 4 unset");
		ASSERT_EQ(ret, TC_ACT_REDIRECT, "delivered although the copy was lost");
		ASSERT_EQ(ctx.x.out_port[0], 2, "to port 2");
		ASSERT_OK(ovnbpf_meter_set(f.w, 4, 100, 10), "meter 4");
		ASSERT_OK(run(&f, pkt, len, &ret, NULL, NULL, &ctx), "run");
		ASSERT_EQ(ret, TC_ACT_REDIRECT, "delivered after the copy");
		ASSERT_EQ(ctx.x.out_port[0], 2, "to port 2 again");
		ASSERT_OK(pl_stage_stats(&f, OVN_STAGE_IDX(0, 0, 20), &s1), "stats");
		ASSERT_EQ(s1.punted - s0.punted, 1, "one copy sent");
		ASSERT_EQ(s1.punt_lost - s0.punt_lost, 1, "one copy lost, counted");
	}
	if (test__start_subtest("unsupported_ops")) {
		len = pkt_udp4(pkt, MAC2, MAC1, IP1, IP2, 1000, 7, 16);
		ASSERT_OK(run(&f, pkt, len, &ret, NULL, NULL, &ctx), "run");
		ASSERT_EQ(ctx.x.drop_reason, DROP_CT_UNSUPPORTED, "ct op counted");
		len = pkt_udp4(pkt, MAC2, MAC1, IP1, IP2, 1000, 8, 16);
		ASSERT_OK(run(&f, pkt, len, &ret, NULL, NULL, &ctx), "run");
		ASSERT_EQ(ctx.x.drop_reason, DROP_UNSUPPORTED_OP, "unknown op counted");
		ASSERT_EQ(drops(&f, DROP_UNSUPPORTED_OP), 1, "reason counter");
	}
	if (test__start_subtest("chained_program")) {
		len = pkt_udp4(pkt, MAC3, MAC1, IP1, IP2, 1000, 9, 16);
		ASSERT_OK(run(&f, pkt, len, &ret, NULL, NULL, &ctx), "run");
		ASSERT_EQ(ret, TC_ACT_REDIRECT, "ran to the output at op 40");
		ASSERT_EQ(ctx.x.out_port[0], 2, "to port 2");
	}
cleanup:
	pl_fix_close(&f);
}

/* Patch ports: switch dp 1 port 3 <-> router dp 2 port 1, router port 2
 * <-> switch dp 1 port 5 (a second attachment, to keep the test small).
 * Port 1 sends to the router MAC; the router routes IP2 out of port 2
 * (ip.ttl--, eth rewrite); the switch delivers to port 2. */
void test_pipeline_router(void)
{
	static const uint8_t MACR[6] = { 0x0a, 0, 0, 0, 0, 0xaa };
	struct ovn_port rp1 = { .type = OVN_PORT_PATCH, .peer_dp = DP, .peer_port = 3 };
	struct ovn_port rp2 = { .type = OVN_PORT_PATCH, .peer_dp = DP, .peer_port = 5 };
	struct ovn_port sp3 = { .type = OVN_PORT_PATCH, .peer_dp = 2, .peer_port = 1 };
	struct ovn_port sp5 = { .type = OVN_PORT_PATCH, .peer_dp = 2, .peer_port = 2 };
	uint8_t pkt[128], out[256];
	uint32_t ret, len, olen;
	struct pl_fix f;
	int t;

	if (!env.has_root) {
		test__skip("needs root for BPF_PROG_TEST_RUN");
		return;
	}
	if (!ASSERT_OK(pl_fix_open(&f), "pl_fix_open"))
		return;
	if (!ASSERT_OK(ls_setup(&f), "ls_setup"))
		goto cleanup;
	ASSERT_OK(ovnbpf_datapath_add(f.w, 2, OVN_DP_ROUTER), "router dp");
	ASSERT_OK(ovnbpf_port_add(f.w, 2, 1, &rp1), "rp1");
	ASSERT_OK(ovnbpf_port_add(f.w, 2, 2, &rp2), "rp2");
	ASSERT_OK(ovnbpf_port_add(f.w, DP, 3, &sp3), "sp3");
	ASSERT_OK(ovnbpf_port_add(f.w, DP, 5, &sp5), "sp5");
	/* switch: eth.dst == MACR -> outport = 3 */
	ASSERT_OK(add(&f, IN, 25, 50, MATCH(m_eq(OVN_OFF_ETH_DST, 6, MACR)),
		      OPS(op_set32(OVN_OFF_OUTPORT, 3), op_code(OVN_OP_OUTPUT)), NULL), "l2 to router");
	/* router: lr_in_admission, lr_in_ip_routing, lr_out_delivery */
	ASSERT_OK(add_dp(&f, 2, IN, 0, 50, MATCH(m_eq32(OVN_OFF_INPORT, 1),
						 m_eq(OVN_OFF_ETH_DST, 6, MACR)),
			 OPS(op_move(OVN_OFF_XREG(0) + 2, OVN_OFF_ETH_DST, 6), op_next(IN, 1)), NULL),
		  "admission");
	ASSERT_OK(add_dp(&f, 2, IN, 13, 74, MATCH(m_eq16(OVN_OFF_ETH_TYPE, 0x0800),
						  m_eq(OVN_OFF_IP4_DST, 4, &(uint32_t){ IP2 })),
			 OPS(op_code(OVN_OP_DEC_TTL), op_set(OVN_OFF_ETH_SRC, 6, MACR),
			     op_set(OVN_OFF_ETH_DST, 6, MAC2), op_set32(OVN_OFF_OUTPORT, 2),
			     op_set_bit(OVN_OFF_FLAGS, 4, OVN_MLF_LOOPBACK, 1), op_next(IN, 14)), NULL),
		  "route");
	for (t = 1; t < OVN_LR_IN_TABLES; t++)
		if (t != 13)
			ASSERT_OK(add_dp(&f, 2, IN, t, 0, NOMATCH, OPS(op_next(IN, t + 1)), NULL),
				  "router pass");
	for (t = 0; t < OVN_LR_OUT_TABLES - 1; t++)
		ASSERT_OK(add_dp(&f, 2, OUT, t, 0, NOMATCH, OPS(op_next(OUT, t + 1)), NULL),
			  "router out pass");
	ASSERT_OK(add_dp(&f, 2, OUT, 6, 100, MATCH(m_eq32(OVN_OFF_OUTPORT, 2)),
			 OPS(op_code(OVN_OP_OUTPUT)), NULL), "delivery");
	ASSERT_OK(ovnbpf_commit(f.w), "commit");

	len = pkt_udp4(pkt, MACR, MAC1, IP1, IP2, 1000, 53, 16);
	olen = sizeof(out);
	ASSERT_OK(run(&f, pkt, len, &ret, out, &olen, &ctx), "run");
	ASSERT_EQ(ret, TC_ACT_REDIRECT, "verdict");
	ASSERT_EQ(ctx.x.drop_reason, DROP_NONE, "delivered");
	ASSERT_EQ(ctx.x.n_out, 3, "two patch hops and a VIF");
	ASSERT_EQ(ctx.x.out_port[0], 3, "switch -> router");
	ASSERT_EQ(ctx.x.out_port[1], 2, "router -> switch");
	ASSERT_EQ(ctx.x.out_port[2], 2, "to VIF port 2");
	ASSERT_EQ(ntohl(ctx.md.inport), 5, "entered the switch on port 5");
	ASSERT_MEMEQ(out, MAC2, 6, "eth.dst rewritten");
	ASSERT_MEMEQ(out + 6, MACR, 6, "eth.src rewritten");
	ASSERT_EQ(out[22], 63, "ttl decremented");
	ASSERT_TRUE(pkt_ip4_ok(out + 14), "IPv4 checksum");
	ASSERT_TRUE(pkt_udp4_ok(out + 14), "UDP checksum untouched and valid");
	/* TTL 1: ip.ttl-- drops */
	pkt[22] = 1;
	pkt[24] = pkt[25] = 0;
	{
		uint16_t cs = pkt_fold(pkt_sum(pkt + 14, 20, 0));

		pkt[24] = cs >> 8;
		pkt[25] = cs & 0xff;
	}
	ASSERT_OK(run(&f, pkt, len, &ret, NULL, NULL, &ctx), "run");
	ASSERT_EQ(ctx.x.drop_reason, DROP_TTL_EXCEEDED, "ttl exceeded");
	ASSERT_EQ(ctx.x.dp_key, 2, "in the router");
cleanup:
	pl_fix_close(&f);
}
