// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * Parametrised programs (maps/flow_param.c, OVN_OP_SET_PARAM): per-port
 * flows that differ only in their assignment constants share one program
 * and one ovn_flows record, the constants ride in the classifier cell.
 *
 *   test_flow_param_ops       which ops the writer turns (no BPF)
 *   test_flow_param_datapath  a switch with two ports' l2_lkup and ARP
 *                             responder flows: shared program/record, each
 *                             packet gets its own flow's constants, and a
 *                             restart adopts a flow only with equal
 *                             parameters
 */
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "maps/flow_param.h"
#include "tests/test_progs.h"
#include "tests/bpf/bpf_test.h"
#include "tests/bpf/ops_build.h"
#include "tests/bpf/pkt.h"

#define FP_DP		7
#define FP_LO		1	/* BPF_PROG_TEST_RUN's skb comes from lo */
#define IN		OVN_PIPE_INGRESS
#define OUT		OVN_PIPE_EGRESS

static const uint8_t FP_MAC1[6] = { 0x0a, 0, 0, 0, 0x70, 1 };
static const uint8_t FP_MAC2[6] = { 0x0a, 0, 0, 0, 0x70, 2 };
static const uint8_t FP_BCAST[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
static const uint8_t FP_ZERO6[6];

static uint32_t fp_ip(uint8_t d)
{
	return htonl(10u << 24 | 7u << 8 | d);
}

/* northd's ls_in_arp_rsp reply for (MAC, IP). */
static void arp_reply_ops(struct ovn_op *o, const uint8_t *mac, uint32_t ipv)
{
	o[0] = op_move(OVN_OFF_ETH_DST, OVN_OFF_ETH_SRC, 6);
	o[1] = op_set(OVN_OFF_ETH_SRC, 6, mac);
	o[2] = op_set(OVN_OFF_ARP_OP, 2, &(uint16_t){ htons(2) });
	o[3] = op_move(OVN_OFF_ARP_THA, OVN_OFF_ARP_SHA, 6);
	o[4] = op_set(OVN_OFF_ARP_SHA, 6, mac);
	o[5] = op_move(OVN_OFF_ARP_TPA, OVN_OFF_ARP_SPA, 4);
	o[6] = op_set(OVN_OFF_ARP_SPA, 4, &ipv);
	o[7] = op_move(OVN_OFF_OUTPORT, OVN_OFF_INPORT, 4);
	o[8] = op_set_bit(OVN_OFF_FLAGS, 4, OVN_MLF_LOOPBACK, 1);
	o[9] = op_code(OVN_OP_OUTPUT);
}

void test_flow_param_ops(void)
{
	uint8_t param[OVN_CLS_PARAM_BYTES], exp[OVN_CLS_PARAM_BYTES] = {};
	struct ovn_op in[12], out[12];
	uint32_t ipv = fp_ip(1);

	if (test__start_subtest("arp_reply")) {
		arp_reply_ops(in, FP_MAC1, ipv);
		ASSERT_EQ(ovnbpf_flow_parametrise(in, 10, out, param), 3, "MAC twice + IP turned");
		memcpy(exp, FP_MAC1, 6);
		memcpy(exp + 6, &ipv, 4);
		ASSERT_MEMEQ(param, exp, sizeof(exp), "MAC, IP, zero fill");
		ASSERT_EQ(out[1].code, OVN_OP_SET_PARAM, "eth.src");
		ASSERT_EQ(out[1].src, 0, "eth.src from byte 0");
		ASSERT_EQ(out[4].code, OVN_OP_SET_PARAM, "arp.sha");
		ASSERT_EQ(out[4].src, 0, "arp.sha shares the MAC bytes");
		ASSERT_EQ(out[6].code, OVN_OP_SET_PARAM, "arp.spa");
		ASSERT_EQ(out[6].src, 6, "arp.spa after the MAC");
		ASSERT_EQ(out[2].code, OVN_OP_SET, "arp.op = 2 stays (narrow)");
		ASSERT_EQ(out[8].code, OVN_OP_SET, "flags.loopback stays");
		ASSERT_EQ(out[9].code, OVN_OP_OUTPUT, "output kept");
		ASSERT_EQ(out[6].value[0], 0, "constant gone from the program");
		ASSERT_EQ(out[6].mask[0], 0xff, "mask kept");
		/* Another port's reply is the same program. */
		arp_reply_ops(in, FP_MAC2, fp_ip(2));
		{
			struct ovn_op out2[12];
			uint8_t p2[OVN_CLS_PARAM_BYTES];

			ovnbpf_flow_parametrise(in, 10, out2, p2);
			ASSERT_MEMEQ(out2, out, 10 * sizeof(*out), "same program for port 2");
			ASSERT_NEQ(memcmp(p2, param, sizeof(p2)), 0, "other parameters");
		}
	}
	if (test__start_subtest("not_after_call")) {
		/* After a call the helper table's match replaced the bytes. */
		in[0] = op_set32(OVN_OFF_REG(1), 0x01020304);
		in[1] = (struct ovn_op){ .code = OVN_OP_CALL, .table = OVN_HT_PORT_SEC_IN };
		in[2] = op_set32(OVN_OFF_REG(2), 0x05060708);
		in[3] = op_set32(OVN_OFF_OUTPORT, 9);
		in[4] = op_code(OVN_OP_OUTPUT);
		ASSERT_EQ(ovnbpf_flow_parametrise(in, 5, out, param), 1, "only the first");
		ASSERT_EQ(out[0].code, OVN_OP_SET_PARAM, "before call");
		ASSERT_EQ(out[2].code, OVN_OP_SET, "after call");
		ASSERT_EQ(out[3].code, OVN_OP_SET, "after call (2)");
	}
	if (test__start_subtest("room")) {
		static const uint8_t v6[16] = { 0xfd, [15] = 1 };

		/* 16 bytes never fit; 3 x 4 bytes do, a 4th does not. */
		in[0] = op_set(OVN_OFF_IP6_SRC, 16, v6);
		in[1] = op_set32(OVN_OFF_REG(0), 1);
		in[2] = op_set32(OVN_OFF_REG(1), 2);
		in[3] = op_set32(OVN_OFF_REG(2), 3);
		in[4] = op_set32(OVN_OFF_REG(3), 4);
		in[5] = op_set32(OVN_OFF_REG(4), 2);
		ASSERT_EQ(ovnbpf_flow_parametrise(in, 6, out, param), 4, "three fit, one shared");
		ASSERT_EQ(out[0].code, OVN_OP_SET, "16 bytes stay");
		ASSERT_EQ(out[4].code, OVN_OP_SET, "no room for the 4th");
		ASSERT_EQ(out[5].code, OVN_OP_SET_PARAM, "equal constant reuses bytes");
		ASSERT_EQ(out[5].src, 4, "reg4 = reg1's bytes");
		ASSERT_MEMEQ(out[4].value, in[4].value, 4, "untouched op intact");
	}
}

static int fp_add(struct ovnbpf_writer *w, uint8_t pl, uint8_t t, uint16_t prio,
		  const struct ovnbpf_match *m, uint32_t nm, const struct ovn_op *ops,
		  uint32_t nops, uint32_t *id)
{
	struct ovnbpf_flow_spec s = {
		.dp = FP_DP, .pipeline = pl, .table = t, .priority = prio,
		.match = m, .n_match = nm, .ops = ops, .n_ops = nops,
	};
	uint32_t dummy;

	return ovnbpf_flow_add(w, &s, id ? id : &dummy);
}

static int fp_l2(struct ovnbpf_writer *w, const uint8_t *mac, uint32_t port, uint32_t *id)
{
	return fp_add(w, IN, 25, 50, MATCH(m_eq(OVN_OFF_ETH_DST, 6, mac)),
		      OPS(op_set32(OVN_OFF_OUTPORT, port), op_code(OVN_OP_OUTPUT)), id);
}

static int fp_arp(struct ovnbpf_writer *w, const uint8_t *mac, uint32_t ipv, uint32_t *id)
{
	struct ovn_op o[10];

	arp_reply_ops(o, mac, ipv);
	return fp_add(w, IN, 19, 50,
		      MATCH(m_eq16(OVN_OFF_ETH_TYPE, 0x0806), m_eq(OVN_OFF_ARP_TPA, 4, &ipv),
			    m_eq16(OVN_OFF_ARP_OP, 1)),
		      o, 10, id);
}

/* Everything but the per-port flows: ports 1, 2 (and 3 for the restart
 * case) on lo, every other stage `next;`, egress `output;`. */
static int fp_base(struct ovnbpf_writer *w)
{
	struct ovn_port p = { .ifindex = FP_LO, .type = OVN_PORT_VIF };
	struct ovn_vif v = { .dp = FP_DP, .port = 1 };
	int err = 0, t;

	err |= ovnbpf_datapath_add(w, FP_DP, OVN_DP_SWITCH);
	for (uint32_t i = 1; i <= 3; i++) {
		p.ct_zone = (uint16_t)i;
		err |= ovnbpf_port_add(w, FP_DP, i, &p);
	}
	err |= ovnbpf_vif_add(w, FP_LO, &v);
	for (t = 0; t < OVN_LS_IN_TABLES - 1; t++)
		err |= fp_add(w, IN, (uint8_t)t, 0, NOMATCH, OPS(op_next(IN, (uint8_t)(t + 1))), NULL);
	for (t = 0; t < 9; t++)
		err |= fp_add(w, OUT, (uint8_t)t, 0, NOMATCH, OPS(op_next(OUT, (uint8_t)(t + 1))), NULL);
	err |= fp_add(w, OUT, 9, 0, NOMATCH, OPS(op_code(OVN_OP_OUTPUT)), NULL);
	return err;
}

static struct ovn_ctx fp_ctx;	/* big: not on the stack */

/* Unicast from port 1 to DMAC: the logical port it was delivered to. */
static uint32_t fp_unicast(struct pl_fix *f, const uint8_t *dmac)
{
	uint8_t pkt[128];
	uint32_t ret, len = pkt_udp4(pkt, dmac, FP_MAC1, fp_ip(1), fp_ip(2), 1000, 53, 16);

	if (bpf_test_run_skb(f->prog_fd, pkt, len, &ret, NULL, NULL) || pl_read_ctx(f, &fp_ctx))
		return UINT32_MAX;
	return fp_ctx.x.n_out == 1 ? fp_ctx.x.out_port[0] : 0;
}

void test_flow_param_datapath(void)
{
	uint32_t l2[3], arp[2], id, ret, len, olen, ver, n_adopt, claimed;
	uint8_t pkt[128], out[256], exp[42];
	struct ovnbpf_writer_stats ws;
	struct pl_fix f;

	if (!env.has_root) {
		test__skip("needs root for BPF_PROG_TEST_RUN");
		return;
	}
	if (!ASSERT_OK(pl_fix_open(&f), "pl_fix_open"))
		return;
	ovnbpf_writer_set_grace(f.w, 0);
	if (!ASSERT_OK(fp_base(f.w), "base") ||
	    !ASSERT_OK(fp_l2(f.w, FP_MAC1, 1, &l2[0]), "l2 1") ||
	    !ASSERT_OK(fp_l2(f.w, FP_MAC2, 2, &l2[1]), "l2 2") ||
	    !ASSERT_OK(fp_arp(f.w, FP_MAC1, fp_ip(1), &arp[0]), "arp 1") ||
	    !ASSERT_OK(fp_arp(f.w, FP_MAC2, fp_ip(2), &arp[1]), "arp 2") ||
	    !ASSERT_OK(ovnbpf_commit(f.w), "commit"))
		goto out;

	if (test__start_subtest("shared")) {
		ASSERT_EQ(ovnbpf_flow_prog(f.w, l2[0]), ovnbpf_flow_prog(f.w, l2[1]), "l2 program");
		ASSERT_EQ(ovnbpf_flow_rec(f.w, l2[0]), ovnbpf_flow_rec(f.w, l2[1]), "l2 record");
		ASSERT_EQ(ovnbpf_flow_prog(f.w, arp[0]), ovnbpf_flow_prog(f.w, arp[1]), "arp program");
		ASSERT_EQ(ovnbpf_flow_rec(f.w, arp[0]), ovnbpf_flow_rec(f.w, arp[1]), "arp record");
	}
	if (test__start_subtest("own_constants")) {
		ASSERT_EQ(fp_unicast(&f, FP_MAC2), 2, "MAC2 -> port 2");
		/* To inport without flags.loopback: not delivered, but the
		 * outport is the flow's constant. */
		ASSERT_EQ(fp_unicast(&f, FP_MAC1), 0, "MAC1 from port 1: skipped");
		ASSERT_EQ(ntohl(fp_ctx.md.outport), 1, "outport = port 1's key");
		ASSERT_EQ(fp_ctx.x.best_flow, l2[0], "port 1's flow");
		/* Both ARP replies, each with its own MAC and IP. */
		for (int i = 0; i < 2; i++) {
			const uint8_t *mac = i ? FP_MAC2 : FP_MAC1;
			uint8_t smac[6] = { 0x0a, 0, 0, 0, 0x70, 9 };

			len = pkt_arp(pkt, FP_BCAST, smac, 1, smac, fp_ip(9), FP_ZERO6,
				      fp_ip((uint8_t)(i + 1)));
			olen = sizeof(out);
			ASSERT_OK(bpf_test_run_skb(f.prog_fd, pkt, len, &ret, out, &olen), "run");
			ASSERT_EQ(ret, TC_ACT_REDIRECT, "reply sent");
			pkt_arp(exp, smac, mac, 2, mac, fp_ip((uint8_t)(i + 1)), smac, fp_ip(9));
			ASSERT_EQ(olen, 42, "reply length");
			ASSERT_MEMEQ(out, exp, 42, "ARP reply bytes");
		}
	}
	if (test__start_subtest("restart_compares_parameters")) {
		ver = ovnbpf_version(f.w);
		ovnbpf_writer_free(f.w);
		f.w = NULL;
		if (!ASSERT_OK(ovnbpf_writer_new(&f.m, &f.w), "second writer") || !f.w)
			goto out;
		ovnbpf_writer_set_grace(f.w, 0);
		ASSERT_EQ(ovnbpf_version(f.w), ver, "generation kept");
		ASSERT_OK(fp_base(f.w), "base again");
		ASSERT_OK(fp_l2(f.w, FP_MAC1, 1, &id), "l2 1 again");
		ASSERT_EQ(id, l2[0], "identical flow adopted");
		/* MAC2 moved to port 3: same program, other parameters. */
		ASSERT_OK(fp_l2(f.w, FP_MAC2, 3, &l2[2]), "l2 2 -> 3");
		ASSERT_NEQ(l2[2], l2[1], "not adopted: parameters differ");
		ASSERT_OK(fp_arp(f.w, FP_MAC1, fp_ip(1), &id), "arp 1 again");
		ASSERT_EQ(id, arp[0], "arp adopted");
		ASSERT_OK(fp_arp(f.w, FP_MAC2, fp_ip(2), &id), "arp 2 again");
		ASSERT_EQ(id, arp[1], "arp 2 adopted");
		ASSERT_EQ(fp_unicast(&f, FP_MAC2), 2, "old rules until the commit");
		ASSERT_OK(ovnbpf_adopt_finish(f.w), "finish");
		ovnbpf_adopt_stats(f.w, &n_adopt, &claimed);
		ASSERT_OK(ovnbpf_commit(f.w), "commit");
		ASSERT_EQ(fp_unicast(&f, FP_MAC2), 3, "MAC2 -> port 3 after the commit");
		ASSERT_EQ(ovnbpf_flow_rec(f.w, l2[2]), ovnbpf_flow_rec(f.w, l2[0]), "still one record");
		ASSERT_OK(ovnbpf_reclaim(f.w), "reclaim");
		ovnbpf_writer_stats(f.w, &ws);
		ASSERT_EQ(ws.flows, 36 + 4, "old port-2 flow gone");
	}
out:
	pl_fix_close(&f);
}
