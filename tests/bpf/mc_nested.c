// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * A fan-out inside a fan-out member's path (bpf/lib/mcgroup.h
 * ovn_mc_push()): an ARP request flooded from a localnet port reaches the
 * router, whose reply comes back into the switch toward a MAC the switch
 * does not know, i.e. to _MC_unknown, while the flood still has members to
 * visit.  Switch dp 1: VIFs p1 (the sender), p2, p3, patch port rp (key 4)
 * to router dp 2's lp (key 1); _MC_flood = {p1, rp, p2}, _MC_unknown =
 * {p3, p1}.  The router sends every packet back out its inport.
 *
 * A router that generates a packet (icmp4 {}) that comes back into the
 * switch toward _MC_unknown: the outer fan-out's frame is kept
 * (bpf/lib/pkt_keep.h) while the inner one delivers the ICMP error, and
 * the outer one's next member gets the original.
 *
 * Also what such a reply meets in l2_lkup: northd's ARP-for-a-router-
 * address flow, `clone { outport = <router port>; output; }; outport =
 * "_MC_flood_l2"; output;`, on a frame an arp {} rebuilt: the clone's copy
 * is the skipped loopback and writes nothing back, and the original must
 * still go on (bpf/lib/clone.h).
 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <sys/socket.h>

#include "tests/test_progs.h"
#include "tests/bpf/bpf_test.h"
#include "tests/bpf/pl_flows.h"
#include "tests/bpf/pkt.h"
#include "loader/compile.h"
#include "maps/pipeline.h"

#define LO	1
#define LS	1
#define LR	2

#define flow(c, dp, pl, t, prio, m, a) pl_flow(c, dp, pl, t, prio, m, a)

static int setup(struct compiler *c)
{
	const char *flood[] = { "p1", "rp", "p2" };
	const char *unknown[] = { "p3", "p1" };
	int err = 0, t;

	err |= compile_datapath_add(c, LS, OVN_DP_SWITCH);
	err |= compile_datapath_add(c, LR, OVN_DP_ROUTER);
	err |= compile_port_add(c, &(struct compile_port){ .name = "p2", .dp = LS, .key = 2,
							   .type = "", .ifindex = LO });
	err |= compile_port_add(c, &(struct compile_port){ .name = "p3", .dp = LS, .key = 3,
							   .type = "", .ifindex = LO });
	err |= compile_port_add(c, &(struct compile_port){ .name = "rp", .dp = LS, .key = 4,
							   .type = "patch", .peer = "lp" });
	err |= compile_port_add(c, &(struct compile_port){ .name = "lp", .dp = LR, .key = 1,
							   .type = "patch", .peer = "rp" });
	/* p1 last: the VIF entry of ifindex LO is p1's. */
	err |= compile_port_add(c, &(struct compile_port){ .name = "p1", .dp = LS, .key = 1,
							   .type = "", .ifindex = LO });
	err |= compile_mcgroup_set(c, LS, 32768, "_MC_flood", flood, 3);
	err |= compile_mcgroup_set(c, LS, 32769, "_MC_unknown", unknown, 2);
	for (t = 0; t < OVN_LS_IN_TABLES - 2; t++)
		err |= flow(c, LS, 0, t, 0, "1", "next;");
	/* what comes back from the router: to the MACs nobody has */
	err |= flow(c, LS, 0, 25, 100, "inport == \"rp\" && udp", "outport = \"_MC_unknown\"; output;");
	err |= flow(c, LS, 0, 25, 100, "inport == \"rp\" && arp",
		    "clone { outport = \"rp\"; output; }; outport = \"p2\"; output;");
	err |= flow(c, LS, 0, 25, 50, "udp.dst == 3",
		    "arp { eth.dst = ff:ff:ff:ff:ff:ff; arp.op = 1; outport = \"rp\"; output; };");
	err |= flow(c, LS, 0, 25, 50, "udp.dst == 1 || udp.dst == 4",
		    "outport = \"_MC_flood\"; output;");
	err |= flow(c, LS, 0, 25, 110, "inport == \"rp\" && icmp4",
		    "outport = \"_MC_unknown\"; output;");
	/* the same flood started inside a clone: its nested fan-out is not run */
	err |= flow(c, LS, 0, 25, 50, "udp.dst == 2",
		    "clone { outport = \"_MC_flood\"; output; }; outport = \"p2\"; output;");
	err |= flow(c, LS, 0, 25, 0, "1", "drop;");
	err |= flow(c, LS, 0, 26, 0, "1", "output;");
	for (t = 0; t < 9; t++)
		err |= flow(c, LS, 1, t, 0, "1", "next;");
	err |= flow(c, LS, 1, 9, 0, "1", "output;");
	err |= flow(c, LR, 0, 0, 0, "1", "outport = inport; flags.loopback = 1; output;");
	err |= flow(c, LR, 0, 0, 10, "udp.dst == 4",
		    "icmp4 { icmp4.type = 3; icmp4.code = 3; outport = inport; "
		    "flags.loopback = 1; output; };");
	for (t = 1; t < OVN_LR_IN_TABLES - 1; t++)
		err |= flow(c, LR, 0, t, 0, "1", "next;");
	for (t = 0; t < OVN_LR_OUT_TABLES - 1; t++)
		err |= flow(c, LR, 1, t, 0, "1", "next;");
	err |= flow(c, LR, 1, OVN_LR_OUT_TABLES - 1, 0, "1", "output;");
	return err ?: compile_commit(c);
}

static struct ovn_ctx ctx;	/* big: not on the stack */

static const uint8_t SRCMAC[6] = { 0x0a, 0, 0, 0, 0, 1 };

/* Outgoing frames on lo from or to SRCMAC: their IPv4 protocols, in order
 * (0xffff: not IPv4). */
static int cap_types(int fd, uint16_t *types, int max)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	struct sockaddr_ll from;
	uint8_t buf[256];
	socklen_t fl;
	ssize_t len;
	int n = 0;

	for (;;) {
		fl = sizeof(from);
		len = recvfrom(fd, buf, sizeof(buf), 0, (struct sockaddr *)&from, &fl);
		if (len < 0) {
			if (poll(&p, 1, 50) <= 0)
				break;
			continue;
		}
		if (from.sll_pkttype != PACKET_OUTGOING || len < 14 || (memcmp(buf + 6, SRCMAC, 6) && memcmp(buf, SRCMAC, 6)))
			continue;
		if (n < max)
			types[n] = (uint16_t)(buf[12] << 8 | buf[13]) == 0x0800 && len > 23 ?
				   buf[23] : 0xffff;
		n++;
	}
	return n;
}

static int send_udp(struct pl_fix *f, uint16_t dport, uint32_t *ret)
{
	static const uint8_t bcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
	uint8_t pkt[128];
	size_t len = pkt_udp4(pkt, bcast, (uint8_t[]){ 0x0a, 0, 0, 0, 0, 1 },
			      htonl(0x0a000001), htonl(0x0affffff), 1000, dport, 16);
	int err;

	err = bpf_test_run_skb(f->prog_fd, pkt, len, ret, NULL, NULL);
	return err ?: pl_read_ctx(f, &ctx);
}

void test_mc_nested(void)
{
	int reports = 0;
	struct compile_opts o = { .report = pl_report_count, .aux = &reports };
	struct compiler *c = NULL;
	uint32_t ret;
	struct pl_fix f;

	if (pl_open_compiled(&f, &o, setup, &c))
		return;
	ASSERT_EQ(reports, 0, "compiles without reports");

	if (test__start_subtest("inner_then_outer")) {
		ASSERT_OK(send_udp(&f, 1, &ret), "run");
		ASSERT_EQ(ctx.x.drop_reason, DROP_NONE, "delivered, not mc-nested");
		ASSERT_EQ(ctx.x.in_mc, 0, "both fan-outs done");
		if (ASSERT_EQ(ctx.x.n_out, 5, "rp, lp, then p3 and p1 (inner), then p2")) {
			ASSERT_EQ(ctx.x.out_port[0], 4, "flood member rp");
			ASSERT_EQ(ctx.x.out_port[1], 1, "router back out lp");
			ASSERT_EQ(ctx.x.out_port[2], 3, "inner p3");
			ASSERT_EQ(ctx.x.out_port[3], 1, "inner p1 (inport is rp now)");
			ASSERT_EQ(ctx.x.out_port[4], 2, "outer flood goes on: p2");
			ASSERT_EQ(ctx.x.out_ret[2], 0, "clone_redirect p3 ok");
			ASSERT_EQ(ctx.x.out_ret[4], 0, "clone_redirect p2 ok");
		}
		ASSERT_EQ(ntohl(ctx.md.inport), 1, "outer member restored: inport p1");
	}
	if (test__start_subtest("inner_after_rebuild")) {
		uint16_t types[8];
		int fd = bpf_test_capture_open(LO), n;

		if (ASSERT_GE(fd, 0, "capture socket on lo")) {
			cap_types(fd, types, 8);	/* drain */
			ASSERT_OK(send_udp(&f, 4, &ret), "run");
			n = cap_types(fd, types, 8);
			ASSERT_EQ(ctx.x.drop_reason, DROP_NONE, "delivered");
			if (ASSERT_EQ(ctx.x.n_out, 5, "rp, lp, inner p3 and p1, outer p2")) {
				ASSERT_EQ(ctx.x.out_port[2], 3, "inner p3");
				ASSERT_EQ(ctx.x.out_port[4], 2, "outer p2");
			}
			if (ASSERT_EQ(n, 3, "three frames sent on lo")) {
				ASSERT_EQ(types[0], 1, "inner p3 gets the router's ICMP");
				ASSERT_EQ(types[1], 1, "inner p1 gets the router's ICMP");
				ASSERT_EQ(types[2], 17, "outer p2 gets the original UDP");
			}
			close(fd);
		}
	}
	if (test__start_subtest("not_inside_clone")) {
		ASSERT_OK(send_udp(&f, 2, &ret), "run");
		ASSERT_EQ(ret, TC_ACT_REDIRECT, "original redirected to p2");
		if (ASSERT_EQ(ctx.x.n_out, 4, "rp, lp (inner dropped), flood p2, original p2")) {
			ASSERT_EQ(ctx.x.out_port[0], 4, "flood member rp");
			ASSERT_EQ(ctx.x.out_port[1], 1, "router back out lp");
			ASSERT_EQ(ctx.x.out_port[2], 2, "flood p2");
			ASSERT_EQ(ctx.x.out_port[3], 2, "original p2");
		}
	}
	if (test__start_subtest("arp_clone_loopback")) {
		uint8_t pkt[128], out[256];
		uint32_t olen = sizeof(out);
		size_t len = pkt_udp4(pkt, (uint8_t[]){ 0xff, 0xff, 0xff, 0xff, 0xff, 0xff },
				      (uint8_t[]){ 0x0a, 0, 0, 0, 0, 1 }, htonl(0x0a000001),
				      htonl(0x0affffff), 1000, 3, 16);

		ASSERT_OK(bpf_test_run_skb(f.prog_fd, pkt, len, &ret, out, &olen), "run");
		ASSERT_OK(pl_read_ctx(&f, &ctx), "ctx");
		ASSERT_EQ(ctx.x.drop_reason, DROP_NONE, "not clone-changed-packet-shape");
		ASSERT_EQ(ret, TC_ACT_REDIRECT, "redirected");
		if (ASSERT_EQ(ctx.x.n_out, 3, "rp, lp, p2")) {
			ASSERT_EQ(ctx.x.out_port[1], 1, "router back out lp");
			ASSERT_EQ(ctx.x.out_port[2], 2, "original to p2");
		}
		ASSERT_EQ(out[12] << 8 | out[13], 0x0806, "delivered as ARP");
		ASSERT_EQ(out[20] << 8 | out[21], 1, "an ARP request");
	}
	compiler_free(c);
	pl_fix_close(&f);
}
