// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * Geneve output and tunnel receive (bpf/lib/encap*.h) through
 * BPF_PROG_TEST_RUN on hand-written entries.  Switch dp 1: VIF port 1
 * (MAC1, the sender), ports 2 and 3 on chassis 7, port 4 on chassis 8;
 * group 32768 = all four plus one OVN_MC_CHASSIS member per chassis, as
 * loader/compile_sb.c writes it.  ovn_chassis[0] is "the Geneve device"
 * (lo here: the test run's skb comes from lo).
 *
 * What a test run cannot show: the tunnel metadata itself (the kernel
 * keeps it on the skb's dst, which a test run does not return) and the
 * receive side with metadata (a test run cannot attach any): both are
 * checked on the wire by tests/system/geneve.sh where the kernel has
 * Geneve.
 */
#include <arpa/inet.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "tests/test_progs.h"
#include "tests/bpf/bpf_test.h"
#include "tests/bpf/ops_build.h"
#include "tests/bpf/pkt.h"
#include "tests/bpf/pl_flows.h"
#include "ovnbpf_vif.skel.h"
#include "maps/encap.h"

#define LS	1
#define LO	1
#define GRP	32768
#define IN	OVN_PIPE_INGRESS
#define OUT	OVN_PIPE_EGRESS

static const uint8_t MAC1[6] = { 0x0a, 0, 0, 0, 0x0e, 1 };
static const uint8_t MAC2[6] = { 0x0a, 0, 0, 0, 0x0e, 2 };
static const uint8_t BCAST[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };

static int ep_set(struct pl_fix *f, uint32_t id, uint32_t ifindex, uint8_t last)
{
	struct ovn_chassis_ep ep = { .ifindex = ifindex, .af = 4, .dst_port = 6081 };

	ep.ip4 = htonl(0xc0000200 | last);
	snprintf(ep.name, sizeof(ep.name), "ch-%u", id);
	return bpf_map_update_elem(bpf_map__fd(f->skel->maps.ovn_chassis), &id, &ep, BPF_ANY);
}

static int setup(struct pl_fix *f)
{
	struct ovn_port p1 = { .ifindex = LO, .type = OVN_PORT_VIF, .ct_zone = 1 };
	struct ovn_port p2 = { .type = OVN_PORT_REMOTE, .chassis = 7 };
	struct ovn_port p3 = { .type = OVN_PORT_REMOTE, .chassis = 7 };
	struct ovn_port p4 = { .type = OVN_PORT_REMOTE, .chassis = 8 };
	struct ovn_vif v = { .dp = LS, .port = 1, .ct_zone = 1 };
	uint32_t members[] = { 1, 2, 3, OVN_MC_CHASSIS | 7, 4, OVN_MC_CHASSIS | 8 };
	int err = 0, t;

	err |= ovnbpf_datapath_add(f->w, LS, OVN_DP_SWITCH);
	err |= ovnbpf_port_add(f->w, LS, 1, &p1);
	err |= ovnbpf_port_add(f->w, LS, 2, &p2);
	err |= ovnbpf_port_add(f->w, LS, 3, &p3);
	err |= ovnbpf_port_add(f->w, LS, 4, &p4);
	err |= ovnbpf_vif_add(f->w, LO, &v);
	err |= ovnbpf_mcgroup_set(f->w, LS, GRP, members, 6);
	err |= pl_add_raw(f, LS, IN, 25, 50, MATCH(m_eq(OVN_OFF_ETH_DST, 6, MAC2)),
			  OPS(op_set32(OVN_OFF_OUTPORT, 2), op_code(OVN_OP_OUTPUT)));
	err |= pl_add_raw(f, LS, IN, 25, 50, MATCH(m_eq(OVN_OFF_ETH_DST, 6, BCAST)),
			  OPS(op_set32(OVN_OFF_OUTPORT, GRP), op_code(OVN_OP_OUTPUT)));
	for (t = 0; t < 25; t++)
		err |= pl_add_raw(f, LS, IN, t, 0, NOMATCH, OPS(op_next(IN, t + 1)));
	/* An egress that would drop: it must not run on the sending side. */
	err |= pl_add_raw(f, LS, OUT, 0, 0, NOMATCH, OPS(op_code(OVN_OP_DROP)));
	err |= ovnbpf_commit(f->w);
	err |= ep_set(f, OVN_CHASSIS_LOCAL, LO, 1);
	err |= ep_set(f, 7, 0, 7);
	err |= ep_set(f, 8, 0, 8);
	return err;
}

static struct ovn_ctx ctx;	/* big: not on the stack */

void test_geneve_tx(void)
{
	uint8_t pkt[128];
	uint32_t ret, len, id;
	struct pl_fix f;

	if (!env.has_root) {
		test__skip("needs root for BPF_PROG_TEST_RUN");
		return;
	}
	if (!ASSERT_OK(pl_fix_open(&f), "pl_fix_open"))
		return;
	if (!ASSERT_OK(setup(&f), "setup"))
		goto cleanup;

	if (test__start_subtest("unicast_remote")) {
		len = pkt_udp4(pkt, MAC2, MAC1, htonl(0x0a000001), htonl(0x0a000002), 1000, 53, 16);
		ASSERT_OK(bpf_test_run_skb(f.prog_fd, pkt, len, &ret, NULL, NULL), "run");
		ASSERT_OK(pl_read_ctx(&f, &ctx), "ctx");
		ASSERT_EQ(ctx.x.drop_reason, DROP_NONE, "sent");
		ASSERT_EQ(ret, TC_ACT_REDIRECT, "redirected");
		ASSERT_EQ(ctx.x.n_out, 1, "one output");
		ASSERT_EQ(ctx.x.out_port[0], 2, "outport 2");
		ASSERT_EQ(ctx.x.out_ifindex[0], LO, "to the Geneve device");
		ASSERT_EQ(ctx.x.tun_chassis, 7, "chassis 7");
		ASSERT_EQ(ctx.x.pipeline, IN, "no egress pipeline here");
	}
	if (test__start_subtest("flood_one_copy_per_chassis")) {
		len = pkt_udp4(pkt, BCAST, MAC1, htonl(0x0a000001), htonl(0x0affffff), 1000, 53, 16);
		ASSERT_OK(bpf_test_run_skb(f.prog_fd, pkt, len, &ret, NULL, NULL), "run");
		ASSERT_OK(pl_read_ctx(&f, &ctx), "ctx");
		ASSERT_EQ(ctx.x.drop_reason, DROP_NONE, "flooded");
		ASSERT_EQ(ctx.x.mc_sent, 2, "two copies: chassis 7 and 8, not one per port");
		ASSERT_EQ(ctx.x.n_out, 2, "two outputs");
		ASSERT_EQ(ctx.x.out_port[0], GRP, "group as outport (chassis 7)");
		ASSERT_EQ(ctx.x.out_port[1], GRP, "group as outport (chassis 8)");
		ASSERT_EQ(ctx.x.out_ifindex[1], LO, "to the Geneve device");
		ASSERT_EQ(ctx.x.tun_chassis, 8, "last copy to chassis 8");
	}
	if (test__start_subtest("no_endpoint")) {
		id = 7;
		ASSERT_OK(bpf_map_delete_elem(bpf_map__fd(f.skel->maps.ovn_chassis), &id), "del 7");
		len = pkt_udp4(pkt, MAC2, MAC1, htonl(0x0a000001), htonl(0x0a000002), 1000, 53, 16);
		ASSERT_OK(bpf_test_run_skb(f.prog_fd, pkt, len, &ret, NULL, NULL), "run");
		ASSERT_OK(pl_read_ctx(&f, &ctx), "ctx");
		ASSERT_EQ(ret, TC_ACT_SHOT, "dropped");
		ASSERT_EQ(ctx.x.drop_reason, DROP_TUN_NO_ENDPOINT, "no endpoint");
		ASSERT_EQ(pl_drops(&f, DROP_TUN_NO_ENDPOINT), 1, "counted");
		ASSERT_OK(ep_set(&f, 7, 0, 7), "back");
	}
	if (test__start_subtest("no_device")) {
		id = OVN_CHASSIS_LOCAL;
		ASSERT_OK(bpf_map_delete_elem(bpf_map__fd(f.skel->maps.ovn_chassis), &id), "del 0");
		len = pkt_udp4(pkt, MAC2, MAC1, htonl(0x0a000001), htonl(0x0a000002), 1000, 53, 16);
		ASSERT_OK(bpf_test_run_skb(f.prog_fd, pkt, len, &ret, NULL, NULL), "run");
		ASSERT_OK(pl_read_ctx(&f, &ctx), "ctx");
		ASSERT_EQ(ctx.x.drop_reason, DROP_TUN_NO_DEVICE, "no device");
		ASSERT_EQ(pl_drops(&f, DROP_TUN_NO_DEVICE), 1, "counted");
	}
	if (test__start_subtest("rx_without_metadata")) {
		int fd = bpf_program__fd(f.skel->progs.ovnbpf_from_tunnel);

		len = pkt_udp4(pkt, MAC1, MAC2, htonl(0x0a000002), htonl(0x0a000001), 1000, 53, 16);
		ASSERT_OK(bpf_test_run_skb(fd, pkt, len, &ret, NULL, NULL), "run");
		ASSERT_EQ(ret, TC_ACT_SHOT, "dropped");
		ASSERT_EQ(pl_drops(&f, DROP_TUN_NO_KEY), 1, "counted as from-tunnel-no-tunnel-key");
	}
cleanup:
	pl_fix_close(&f);
}
