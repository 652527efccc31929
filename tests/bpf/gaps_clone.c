// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * clone { ... } through the compiler and BPF_PROG_TEST_RUN: the copy is
 * delivered (or dropped), the original goes on with its state as before
 * the clone; clone inside a multicast member, a fan-out inside a clone,
 * and a nested clone.  Switch dp 1, VIF ports p1 (the sender), p2, p3,
 * _MC_flood = {p1, p2, p3}; every stage `next;` except the flows below.
 */
#include <stdio.h>
#include <string.h>

#include "tests/test_progs.h"
#include "tests/bpf/bpf_test.h"
#include "tests/bpf/pl_flows.h"
#include "tests/bpf/pkt.h"
#include "loader/compile.h"

#define LO	1

static const uint8_t MAC1[6] = { 0x0a, 0, 0, 0, 0, 1 };

#define flow(c, pl, t, prio, m, a) pl_flow(c, 1, pl, t, prio, m, a)

static int setup(struct compiler *c)
{
	const char *flood[] = { "p1", "p2", "p3" };
	int err = 0, t;

	err |= compile_datapath_add(c, 1, OVN_DP_SWITCH);
	/* p1 last: the VIF entry of ifindex LO is p1's. */
	err |= compile_port_add(c, &(struct compile_port){ .name = "p2", .dp = 1, .key = 2,
							   .type = "", .ifindex = LO });
	err |= compile_port_add(c, &(struct compile_port){ .name = "p3", .dp = 1, .key = 3,
							   .type = "", .ifindex = LO });
	err |= compile_port_add(c, &(struct compile_port){ .name = "p1", .dp = 1, .key = 1,
							   .type = "", .ifindex = LO });
	err |= compile_mcgroup_set(c, 1, 32768, "_MC_flood", flood, 3);
	for (t = 0; t < 25; t++)
		err |= flow(c, 0, t, 0, "1", "next;");
	/* a: copy to p3 with another eth.dst, original to p2 */
	err |= flow(c, 0, 25, 100, "udp.dst == 1",
		    "clone { outport = \"p3\"; eth.dst = 0a:00:00:00:00:99; output; }; "
		    "outport = \"p2\"; output;");
	/* b: the copy is dropped */
	err |= flow(c, 0, 25, 100, "udp.dst == 2", "clone { drop; }; outport = \"p2\"; output;");
	/* c: the copy's register and field writes do not leak */
	err |= flow(c, 0, 25, 100, "udp.dst == 3",
		    "clone { reg1 = 5; eth.src = 0a:00:00:00:00:99; }; next;");
	err |= flow(c, 0, 26, 100, "reg1 == 5", "drop;");
	err |= flow(c, 0, 26, 50, "udp.dst == 3", "outport = \"p2\"; output;");
	/* d: flood; p2's egress clones a copy to p3 */
	err |= flow(c, 0, 25, 100, "udp.dst == 4", "outport = \"_MC_flood\"; output;");
	err |= flow(c, 1, 9, 100, "outport == \"p2\" && udp.dst == 4",
		    "clone { outport = \"p3\"; output; }; output;");
	/* e: a flood inside a clone, then the original to p2 */
	err |= flow(c, 0, 25, 100, "udp.dst == 5",
		    "clone { outport = \"_MC_flood\"; output; }; outport = \"p2\"; output;");
	/* f: a clone inside a clone is not run; the outer copy goes on */
	err |= flow(c, 0, 25, 100, "udp.dst == 6",
		    "clone { clone { outport = \"p3\"; output; }; outport = \"p2\"; output; }; next;");
	err |= flow(c, 0, 26, 50, "udp.dst == 6", "drop;");
	/* g: a long body, chained over programs: the original skips it all */
	err |= flow(c, 0, 25, 100, "udp.dst == 7",
		    "clone { reg1 = 1; reg2 = 2; reg3 = 3; reg4 = 4; reg5 = 5; reg6 = 6; reg7 = 7; "
		    "reg8 = 8; reg9 = 9; reg1 = 1; reg2 = 2; reg3 = 3; reg4 = 4; reg5 = 5; "
		    "reg6 = 6; reg7 = 7; reg8 = 8; outport = \"p3\"; output; }; "
		    "outport = \"p2\"; output;");
	err |= flow(c, 0, 25, 0, "1", "drop;");
	err |= flow(c, 0, 26, 0, "1", "output;");
	for (t = 0; t < 9; t++)
		err |= flow(c, 1, t, 0, "1", "next;");
	err |= flow(c, 1, 9, 0, "1", "output;");
	return err ?: compile_commit(c);
}

static struct ovn_ctx ctx;

static int send_udp(struct pl_fix *f, uint16_t dport, uint32_t *ret, uint8_t *out, uint32_t *olen)
{
	uint8_t pkt[128];
	size_t len = pkt_udp4(pkt, (uint8_t[]){ 0x0a, 0, 0, 0, 0, 2 }, MAC1, htonl(0x0a000001),
			      htonl(0x0a000002), 1000, dport, 16);
	int err;

	*olen = 256;
	err = bpf_test_run_skb(f->prog_fd, pkt, len, ret, out, olen);
	return err ?: pl_read_ctx(f, &ctx);
}

void test_gaps_clone(void)
{
	int reports = 0;
	struct compile_opts o = { .report = pl_report_count, .aux = &reports };
	struct compiler *c = NULL;
	uint8_t out[256];
	uint32_t ret, olen;
	struct pl_fix f;

	if (pl_open_compiled(&f, &o, setup, &c))
		return;
	ASSERT_EQ(reports, 0, "clone compiles without reports");

	if (test__start_subtest("copy_then_original")) {
		ASSERT_OK(send_udp(&f, 1, &ret, out, &olen), "run");
		ASSERT_EQ(ret, TC_ACT_REDIRECT, "original redirected");
		ASSERT_EQ(ctx.x.n_out, 2, "two deliveries");
		ASSERT_EQ(ctx.x.out_port[0], 3, "copy to p3");
		ASSERT_EQ(ctx.x.out_ret[0], 0, "clone_redirect ok");
		ASSERT_EQ(ctx.x.out_port[1], 2, "original to p2");
		ASSERT_EQ(ctx.x.drop_reason, DROP_NONE, "not a drop");
		ASSERT_MEMEQ(out, ((uint8_t[]){ 0x0a, 0, 0, 0, 0, 2 }), 6,
			     "original's eth.dst written back after the copy's");
		ASSERT_MEMEQ(ctx.pkt.eth_dst, ((uint8_t[]){ 0x0a, 0, 0, 0, 0, 2 }), 6,
			     "packet image restored");
	}
	if (test__start_subtest("copy_dropped")) {
		ASSERT_OK(send_udp(&f, 2, &ret, out, &olen), "run");
		ASSERT_EQ(ret, TC_ACT_REDIRECT, "original redirected");
		ASSERT_EQ(ctx.x.n_out, 1, "one delivery");
		ASSERT_EQ(ctx.x.out_port[0], 2, "to p2");
	}
	if (test__start_subtest("state_restored")) {
		ASSERT_OK(send_udp(&f, 3, &ret, out, &olen), "run");
		ASSERT_EQ(ret, TC_ACT_REDIRECT, "reg1 == 5 did not match: delivered");
		ASSERT_EQ(ctx.x.out_port[0], 2, "to p2");
		ASSERT_MEMEQ(out + 6, MAC1, 6, "eth.src unchanged");
	}
	if (test__start_subtest("clone_in_mc_member")) {
		ASSERT_OK(send_udp(&f, 4, &ret, out, &olen), "run");
		ASSERT_EQ(ctx.x.n_out, 3, "p2's copy to p3, p2, p3");
		ASSERT_EQ(ctx.x.out_port[0], 3, "clone in p2's egress");
		ASSERT_EQ(ctx.x.out_port[1], 2, "p2");
		ASSERT_EQ(ctx.x.out_port[2], 3, "p3");
		ASSERT_EQ(ctx.x.drop_reason, DROP_NONE, "fan-out done");
	}
	if (test__start_subtest("mc_in_clone")) {
		ASSERT_OK(send_udp(&f, 5, &ret, out, &olen), "run");
		ASSERT_EQ(ret, TC_ACT_REDIRECT, "original redirected");
		ASSERT_EQ(ctx.x.n_out, 3, "p2, p3 (flood, p1 is the inport), then p2");
		ASSERT_EQ(ctx.x.out_port[0], 2, "flood p2");
		ASSERT_EQ(ctx.x.out_port[1], 3, "flood p3");
		ASSERT_EQ(ctx.x.out_port[2], 2, "original p2");
	}
	if (test__start_subtest("nested_clone")) {
		ASSERT_OK(send_udp(&f, 6, &ret, out, &olen), "run");
		ASSERT_EQ(ctx.x.n_out, 1, "outer copy only");
		ASSERT_EQ(ctx.x.out_port[0], 2, "to p2");
		ASSERT_EQ(ctx.x.drop_reason, DROP_STAGE_ACTION, "original dropped");
	}
	if (test__start_subtest("long_body")) {
		ASSERT_OK(send_udp(&f, 7, &ret, out, &olen), "run");
		ASSERT_EQ(ret, TC_ACT_REDIRECT, "original redirected");
		ASSERT_EQ(ctx.x.n_out, 2, "copy and original");
		ASSERT_EQ(ctx.x.out_port[0], 3, "copy to p3");
		ASSERT_EQ(ctx.x.out_port[1], 2, "original to p2");
	}
	compiler_free(c);
	pl_fix_close(&f);
}
