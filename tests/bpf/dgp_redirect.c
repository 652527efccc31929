// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * Output to a chassisredirect port (bpf/lib/gw_redirect.h) through
 * BPF_PROG_TEST_RUN, on hand-written entries.  Switch dp 1: VIF port 1
 * (MAC1) and VIF port 2 (MAC2), patch port 3 to router port 1, patch port 5
 * from router port 2.  Router dp 2: port 1 (inside), port 2 (the gateway
 * port "P"), port 4 = "cr-P" (OVN_PORT_REDIRECT to port 2).  The route to
 * IP2 sets outport = 4 as lr_in_gw_redirect does; lr_out_delivery matches
 * only outport == 2, so the packet is delivered only if egress ran for P.
 */
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "tests/test_progs.h"
#include "tests/bpf/bpf_test.h"
#include "tests/bpf/ops_build.h"
#include "tests/bpf/pkt.h"
#include "tests/bpf/pl_flows.h"

#define LS	1
#define LR	2
#define LO	1	/* BPF_PROG_TEST_RUN's skb comes from lo */
#define CR	4
#define IN	OVN_PIPE_INGRESS
#define OUT	OVN_PIPE_EGRESS

static const uint8_t MAC1[6] = { 0x0a, 0, 0, 0, 0x0d, 1 };
static const uint8_t MAC2[6] = { 0x0a, 0, 0, 0, 0x0d, 2 };
static const uint8_t MACR[6] = { 0x0a, 0, 0, 0, 0x0d, 0xaa };

static uint32_t ip4(uint8_t a, uint8_t b, uint8_t c, uint8_t d)
{
	return htonl((uint32_t)a << 24 | (uint32_t)b << 16 | (uint32_t)c << 8 | d);
}

static int setup(struct pl_fix *f, bool resident)
{
	struct ovn_port p1 = { .ifindex = LO, .type = OVN_PORT_VIF, .ct_zone = 1 };
	struct ovn_port p2 = { .ifindex = LO, .type = OVN_PORT_VIF, .ct_zone = 2 };
	struct ovn_port sp3 = { .type = OVN_PORT_PATCH, .peer_dp = LR, .peer_port = 1 };
	struct ovn_port sp5 = { .type = OVN_PORT_PATCH, .peer_dp = LR, .peer_port = 2 };
	struct ovn_port rp1 = { .type = OVN_PORT_PATCH, .peer_dp = LS, .peer_port = 3 };
	struct ovn_port rp2 = { .type = OVN_PORT_PATCH, .peer_dp = LS, .peer_port = 5 };
	struct ovn_port cr = { .type = OVN_PORT_REDIRECT, .peer_dp = LR, .peer_port = 2,
			       .flags = resident ? OVN_PORT_F_RESIDENT : 0 };
	struct ovn_vif v = { .dp = LS, .port = 1, .ct_zone = 1 };
	int err = 0, t;

	err |= ovnbpf_datapath_add(f->w, LS, OVN_DP_SWITCH);
	err |= ovnbpf_datapath_add(f->w, LR, OVN_DP_ROUTER);
	err |= ovnbpf_port_add(f->w, LS, 1, &p1);
	err |= ovnbpf_port_add(f->w, LS, 2, &p2);
	err |= ovnbpf_port_add(f->w, LS, 3, &sp3);
	err |= ovnbpf_port_add(f->w, LS, 5, &sp5);
	err |= ovnbpf_port_add(f->w, LR, 1, &rp1);
	err |= ovnbpf_port_add(f->w, LR, 2, &rp2);
	err |= ovnbpf_port_add(f->w, LR, CR, &cr);
	err |= ovnbpf_vif_add(f->w, LO, &v);
	/* switch: l2 lookup by eth.dst, everything else passes */
	err |= pl_add_raw(f, LS, IN, 25, 50, MATCH(m_eq(OVN_OFF_ETH_DST, 6, MACR)),
			  OPS(op_set32(OVN_OFF_OUTPORT, 3), op_code(OVN_OP_OUTPUT)));
	err |= pl_add_raw(f, LS, IN, 25, 50, MATCH(m_eq(OVN_OFF_ETH_DST, 6, MAC2)),
			  OPS(op_set32(OVN_OFF_OUTPORT, 2), op_code(OVN_OP_OUTPUT)));
	for (t = 0; t < 25; t++)
		err |= pl_add_raw(f, LS, IN, t, 0, NOMATCH, OPS(op_next(IN, t + 1)));
	for (t = 0; t < 9; t++)
		err |= pl_add_raw(f, LS, OUT, t, 0, NOMATCH, OPS(op_next(OUT, t + 1)));
	err |= pl_add_raw(f, LS, OUT, 9, 0, NOMATCH, OPS(op_code(OVN_OP_OUTPUT)));
	/* router: admission on port 1 (or port 2, for the loopback case),
	 * a route to IP2 via P whose gw_redirect picks cr-P, delivery of P */
	err |= pl_add_raw(f, LR, IN, 0, 50, MATCH(m_eq(OVN_OFF_ETH_DST, 6, MACR)),
			  OPS(op_next(IN, 1)));
	err |= pl_add_raw(f, LR, IN, 13, 74, MATCH(m_eq16(OVN_OFF_ETH_TYPE, 0x0800)),
			  OPS(op_code(OVN_OP_DEC_TTL), op_set(OVN_OFF_ETH_SRC, 6, MACR),
			      op_set(OVN_OFF_ETH_DST, 6, MAC2), op_set32(OVN_OFF_OUTPORT, 2),
			      op_next(IN, 14)));
	err |= pl_add_raw(f, LR, IN, 20, 50, MATCH(m_eq32(OVN_OFF_OUTPORT, 2)),
			  OPS(op_set32(OVN_OFF_OUTPORT, CR), op_next(IN, 21)));
	for (t = 1; t < OVN_LR_IN_TABLES; t++)
		if (t != 13 && t != 20)
			err |= pl_add_raw(f, LR, IN, t, 0, NOMATCH, OPS(op_next(IN, t + 1)));
	for (t = 0; t < OVN_LR_OUT_TABLES - 1; t++)
		err |= pl_add_raw(f, LR, OUT, t, 0, NOMATCH, OPS(op_next(OUT, t + 1)));
	err |= pl_add_raw(f, LR, OUT, 6, 100, MATCH(m_eq32(OVN_OFF_OUTPORT, 2)),
			  OPS(op_code(OVN_OP_OUTPUT)));
	err |= ovnbpf_commit(f->w);
	return err;
}

static struct ovn_ctx ctx;	/* big: not on the stack */

void test_dgp_redirect(void)
{
	uint8_t pkt[128], out[256];
	uint32_t ret, len, olen;
	struct pl_fix f;

	if (!env.has_root) {
		test__skip("needs root for BPF_PROG_TEST_RUN");
		return;
	}
	len = pkt_udp4(pkt, MACR, MAC1, ip4(10, 0, 0, 1), ip4(172, 16, 0, 2), 1000, 53, 16);

	if (test__start_subtest("resident")) {
		if (!ASSERT_OK(pl_fix_open(&f), "pl_fix_open"))
			return;
		if (ASSERT_OK(setup(&f, true), "setup")) {
			olen = sizeof(out);
			ASSERT_OK(bpf_test_run_skb(f.prog_fd, pkt, len, &ret, out, &olen), "run");
			ASSERT_OK(pl_read_ctx(&f, &ctx), "ctx");
			ASSERT_EQ(ctx.x.drop_reason, DROP_NONE, "delivered");
			ASSERT_EQ(ret, TC_ACT_REDIRECT, "verdict");
			ASSERT_EQ(ctx.x.n_out, 3, "two patch hops and a VIF");
			ASSERT_EQ(ctx.x.out_port[1], 2, "left the router by P, not cr-P");
			ASSERT_EQ(ctx.x.out_port[2], 2, "to VIF port 2");
			ASSERT_EQ(out[22], 63, "routed (ttl 63)");
		}
		pl_fix_close(&f);
	}
	if (test__start_subtest("not_resident")) {
		if (!ASSERT_OK(pl_fix_open(&f), "pl_fix_open"))
			return;
		if (ASSERT_OK(setup(&f, false), "setup")) {
			ASSERT_OK(bpf_test_run_skb(f.prog_fd, pkt, len, &ret, NULL, NULL), "run");
			ASSERT_OK(pl_read_ctx(&f, &ctx), "ctx");
			ASSERT_EQ(ret, TC_ACT_SHOT, "dropped");
			ASSERT_EQ(ctx.x.drop_reason, DROP_GW_NOT_RESIDENT, "gateway elsewhere");
			ASSERT_EQ(ctx.x.dp_key, LR, "in the router");
			ASSERT_EQ(ntohl(ctx.md.outport), CR, "outport still cr-P");
			ASSERT_EQ(pl_drops(&f, DROP_GW_NOT_RESIDENT), 1, "counted");
		}
		pl_fix_close(&f);
	}
	if (test__start_subtest("loopback_after_swap")) {
		/* Entering the router on P itself (switch port 5 is P's peer,
		 * so send from the switch with outport 5 impossible here):
		 * make the switch's router port the patch to P instead. */
		struct ovn_port sp3 = { .type = OVN_PORT_PATCH, .peer_dp = LR, .peer_port = 2 };

		if (!ASSERT_OK(pl_fix_open(&f), "pl_fix_open"))
			return;
		if (ASSERT_OK(setup(&f, true), "setup") &&
		    ASSERT_OK(ovnbpf_port_add(f.w, LS, 3, &sp3), "port 3 -> P") &&
		    ASSERT_OK(ovnbpf_commit(f.w), "commit")) {
			ASSERT_OK(bpf_test_run_skb(f.prog_fd, pkt, len, &ret, NULL, NULL), "run");
			ASSERT_OK(pl_read_ctx(&f, &ctx), "ctx");
			ASSERT_EQ(ctx.x.drop_reason, DROP_LOOPBACK,
				  "back out of P without flags.loopback");
		}
		pl_fix_close(&f);
	}
}
