// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * Kube-OVN ls_dnat_mod_dl_dst (loader/lb_dnat_mac.h) over an SB replica:
 * which priority-55 ls_in_l2_lkup flows the daemon adds (VIFs of
 * router-less switches with one "MAC IP..." entry), none twice when the
 * SB comes from the patched northd, and every change applied
 * incrementally.  Then a packet through the compiled flows: reg0[2] set
 * and the destination a VIF's IP -> output to it with its MAC.
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

#include "loader/compile.h"
#include "loader/lb_dnat_mac.h"
#include "ovsdb-client/replica.h"
#include "tests/bpf/bpf_test.h"
#include "tests/bpf/pkt.h"
#include "tests/test_progs.h"
#include "tests/unit/sb_replica_fix.h"

static const char *const tables[] = {
	"SB_Global", "Datapath_Binding", "Port_Binding", "Logical_Flow", "Logical_DP_Group", NULL,
};

/* Apply an update2 written with ' for ", then forget what it changed. */
static bool dm_apply(struct ovsdb_replica *r, const char *text)
{
	bool ok = sb_fix_apply(r, text);

	ovsdb_replica_clear_tracked(r);
	return ok;
}

#define U(n) "'00000000-0000-0000-0000-0000000000" #n "'"
#define REF(n) "['uuid'," U(n) "]"
#define PB(u, name, dp, key, type, mac)						\
	U(u) ": {'insert': {'logical_port': '" name "', 'datapath': " REF(dp) ","	\
	" 'type': '" type "', 'tunnel_key': " #key ", 'mac': " mac "}}"

/* ls1 (1): underlay switch, no router port; ls2 (2): has one; lr (3). */
static const char *const topo =
	"{'Datapath_Binding': {"
	U(01) ": {'insert': {'tunnel_key': 1}},"
	U(02) ": {'insert': {'tunnel_key': 2}},"
	U(03) ": {'insert': {'tunnel_key': 3, 'external_ids': ['map', [['logical-router', 'x']]]}},"
	U(04) ": {'insert': {'tunnel_key': 4}}},"
	"'Port_Binding': {"
	PB(11, "p1", 01, 1, "", "'0a:00:00:00:00:01 10.0.0.1 fd00::0:1'") ","
	PB(12, "p2", 01, 2, "", "'0A:00:00:00:00:02 10.0.0.2/24'") ","
	PB(13, "p3", 01, 3, "", "['set', ['0a:00:00:00:00:03 10.0.0.3', 'unknown']]") ","
	PB(14, "p4", 01, 4, "", "'0a:00:00:00:00:04'") ","
	PB(15, "p5", 01, 5, "localport", "'0a:00:00:00:00:05 10.0.0.5'") ","
	PB(16, "ln1", 01, 6, "localnet", "'unknown'") ","
	PB(17, "p6", 02, 1, "", "'0a:00:00:00:00:06 10.0.1.6'") ","
	PB(18, "ls2-r", 02, 2, "patch", "'router'") ","
	PB(19, "p7", 04, 1, "", "'0a:00:00:00:00:07 10.0.2.7'") "},"
	"'SB_Global': {" U(99) ": {'insert': {'options': ['map', ["
	"  ['ls_dnat_mod_dl_dst', 'true']]]}}}}";

#define M4(ip) "reg0[2] != 0 && ip4.dst == " ip
#define M6(ip) "reg0[2] != 0 && ip6.dst == " ip

static const uint8_t MAC_C[6] = { 0x0a, 0, 0, 0, 0, 0x0c };
static const uint8_t MAC_GW[6] = { 0x0a, 0, 0, 0, 0, 0xfe };

static int dm_flow(struct compiler *c, uint8_t t, uint16_t prio, const char *m, const char *a)
{
	static int n;
	char uuid[40];
	struct compile_lflow f = {
		.uuid = uuid, .dp = 1, .pipeline = OVN_PIPE_INGRESS, .table = t,
		.priority = prio, .match = m, .actions = a,
	};

	snprintf(uuid, sizeof(uuid), "00000000-0000-0000-00dd-%012d", ++n);
	return compile_flow_add(c, &f);
}

/* A frame to the physical gateway's MAC, whose ip4.dst was DNATed to p1:
 * with reg0[2] set (as pre_lb does) it goes to p1 with p1's MAC. */
static void dm_packet(struct pl_fix *f, struct compiler *c)
{
	uint8_t p[128], out[256];
	uint32_t ret, olen = sizeof(out), a = htonl(0x0a00000c), d = htonl(0x0a000001);
	static struct ovn_ctx ctx;
	size_t n;
	int err = 0;

	err |= dm_flow(c, 5, 100, "ip", "reg0[2] = 1; next;");
	err |= dm_flow(c, 25, 50, "eth.dst == 0a:00:00:00:00:fe", "outport = \"ln1\"; output;");
	for (int t = 0; t < OVN_LS_IN_TABLES - 2; t++)
		if (t != 5)
			err |= dm_flow(c, (uint8_t)t, 0, "1", "next;");
	for (int t = 0; t < OVN_LS_OUT_TABLES; t++) {
		struct compile_lflow e = {
			.uuid = NULL, .dp = 1, .pipeline = OVN_PIPE_EGRESS, .table = (uint8_t)t,
			.priority = 0, .match = "1",
			.actions = t + 1 < OVN_LS_OUT_TABLES ? "next;" : "output;",
		};
		char uuid[40];

		snprintf(uuid, sizeof(uuid), "00000000-0000-0000-00de-%012d", t);
		e.uuid = uuid;
		err |= compile_flow_add(c, &e);
	}
	err |= compile_commit(c);
	if (!ASSERT_OK(err, "pipeline compiles"))
		return;
	n = pkt_udp4(p, MAC_GW, MAC_C, a, d, 4000, 80, 8);
	if (!ASSERT_OK(bpf_test_run_skb(f->prog_fd, p, n, &ret, out, &olen), "run") ||
	    !ASSERT_OK(pl_read_ctx(f, &ctx), "ctx"))
		return;
	ASSERT_EQ(ctx.x.drop_reason, 0, "delivered");
	ASSERT_EQ(ctx.x.n_out, 1, "once");
	ASSERT_EQ(ctx.x.out_port[0], 1, "to p1, not the localnet port");
	ASSERT_MEMEQ(out, "\x0a\x00\x00\x00\x00\x01", 6, "eth.dst = p1's MAC");
}

void test_lb_dnat_mac(void)
{
	static const uint32_t ldp[] = { 1, 2, 3 };
	struct compile_opts co = { 0 };
	struct compiler *c = NULL;
	struct ovsdb_replica *r;
	struct lb_dnat_mac *m = NULL;
	struct pl_fix f;
	struct compile_port ports[] = {
		{ .name = "p1", .dp = 1, .key = 1, .type = "", .ifindex = 1, .ct_zone = 1 },
		{ .name = "ln1", .dp = 1, .key = 6, .type = "localnet", .ct_zone = 6 },
		{ .name = "c", .dp = 1, .key = 9, .type = "", .ifindex = 1, .ct_zone = 9 },
	};

	if (!env.has_root) {
		test__skip("needs root to load BPF");
		return;
	}
	r = sb_fix_replica(tables);
	if (!ASSERT_OK_PTR(r, "SB replica"))
		return;
	if (!ASSERT_OK(pl_fix_open(&f), "pl_fix_open"))
		goto out_r;
	if (!ASSERT_OK(compiler_new(f.w, &co, &c), "compiler") ||
	    !ASSERT_OK(lb_dnat_mac_new(c, &m), "lb_dnat_mac"))
		goto out;
	for (unsigned int i = 0; i < 3; i++)
		compile_datapath_add(c, ldp[i], i == 2 ? OVN_DP_ROUTER : OVN_DP_SWITCH);
	/* Ports before flows: outport = "p1" resolves to its key.  The test
	 * run's packet enters on the last port of ifindex 1: c. */
	for (size_t i = 0; i < 3; i++)
		compile_port_add(c, &ports[i]);
	if (!dm_apply(r, topo))
		goto out;

	test__start_subtest("option_on");
	ASSERT_EQ(lb_dnat_mac_sync(m, r, ldp, 3), 3, "3 flows");
	ASSERT_TRUE(lb_dnat_mac_installed(m, 1, 55, M4("10.0.0.1")), "p1 v4");
	ASSERT_TRUE(lb_dnat_mac_installed(m, 1, 55, M6("fd00::1")), "p1 v6, canonical");
	ASSERT_TRUE(lb_dnat_mac_installed(m, 1, 55, M4("10.0.0.2")), "p2, prefix dropped");
	ASSERT_FALSE(lb_dnat_mac_installed(m, 1, 55, M4("10.0.0.3")), "unknown: none");
	ASSERT_FALSE(lb_dnat_mac_installed(m, 1, 55, M4("10.0.0.5")), "localport: none");
	ASSERT_FALSE(lb_dnat_mac_installed(m, 2, 55, M4("10.0.1.6")), "router port: none");
	ASSERT_FALSE(lb_dnat_mac_installed(m, 4, 55, M4("10.0.2.7")), "not local: none");
	ASSERT_EQ(lb_dnat_mac_sync(m, r, ldp, 3), 0, "idempotent");

	test__start_subtest("patched_northd");
	dm_apply(r, "{'Logical_Flow': {" U(31) ": {'insert': {'logical_datapath': " REF(01) ","
		 " 'pipeline': 'ingress', 'table_id': 25, 'priority': 55,"
		 " 'match': '" M4("10.0.0.1") "',"
		 " 'actions': 'eth.dst = 0a:00:00:00:00:01; outport = \\'p1\\'; output;'}}}}");
	ASSERT_EQ(lb_dnat_mac_sync(m, r, ldp, 3), 1, "ours withdrawn for the SB's");
	ASSERT_EQ(lb_dnat_mac_count(m), 2, "2 left");
	ASSERT_FALSE(lb_dnat_mac_installed(m, 1, 55, M4("10.0.0.1")), "not doubled");

	test__start_subtest("incremental");
	dm_apply(r, "{'Logical_Flow': {" U(31) ": {'delete': null}}}");
	ASSERT_EQ(lb_dnat_mac_sync(m, r, ldp, 3), 1, "back when SB drops it");
	dm_apply(r, "{'Port_Binding': {" U(12) ": {'modify': {'mac': ['set', ["
		 "'0A:00:00:00:00:02 10.0.0.2/24', '0a:00:00:00:00:02 10.0.0.22']]}}}}");
	ASSERT_EQ(lb_dnat_mac_sync(m, r, ldp, 3), 2, "address change: old out, new in");
	ASSERT_TRUE(lb_dnat_mac_installed(m, 1, 55, M4("10.0.0.22")), "new address");
	dm_apply(r, "{'Port_Binding': {" U(20) ": {'insert': {'logical_port': 'ls1-r',"
		 " 'datapath': " REF(01) ", 'type': 'patch', 'tunnel_key': 7}}}}");
	ASSERT_EQ(lb_dnat_mac_sync(m, r, ldp, 3), 3, "a router port: all withdrawn");
	dm_apply(r, "{'Port_Binding': {" U(20) ": {'delete': null}}}");
	ASSERT_EQ(lb_dnat_mac_sync(m, r, ldp, 3), 3, "router port gone: back");
	dm_apply(r, "{'SB_Global': {" U(99) ": {'modify': {'options': ['map', ["
		 "['ls_dnat_mod_dl_dst', 'true']]]}}}}");
	ASSERT_EQ(lb_dnat_mac_sync(m, r, ldp, 3), 3, "option cleared: all withdrawn");
	ASSERT_EQ(lb_dnat_mac_count(m), 0, "nothing left");
	dm_apply(r, "{'SB_Global': {" U(99) ": {'modify': {'options': ['map', ["
		 "['ls_dnat_mod_dl_dst', 'true']]]}}}}");
	ASSERT_EQ(lb_dnat_mac_sync(m, r, ldp, 3), 3, "option back on");

	test__start_subtest("datapath");
	dm_packet(&f, c);
out:
	lb_dnat_mac_free(m);
	compiler_free(c);
	pl_fix_close(&f);
out_r:
	ovsdb_replica_destroy(r);
}
