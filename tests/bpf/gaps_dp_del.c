// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * Datapath delete: a datapath that stops being local takes everything of
 * its own out of the maps (stages, classifier cells, flows, programs,
 * ports, VIFs, multicast groups, port-security and FDB helper flows, the
 * ovn_dps entry) with one commit, and the map usage returns to what it
 * was before the datapath came; the other datapath keeps forwarding.
 */
#include <stdio.h>
#include <string.h>

#include "tests/test_progs.h"
#include "tests/bpf/bpf_test.h"
#include "tests/bpf/pkt.h"
#include "loader/compile.h"

struct counts {
	uint32_t dps, stages, cls, ports, vifs, mcgroups;
	struct ovnbpf_writer_stats w;
};

static uint32_t map_count(int fd, size_t key_size)
{
	uint8_t k[128], nk[128];
	uint32_t n = 0;
	void *prev = NULL;

	if (key_size > sizeof(k))
		return UINT32_MAX;
	while (!bpf_map_get_next_key(fd, prev, nk)) {
		n++;
		memcpy(k, nk, key_size);
		prev = k;
	}
	return n;
}

static void counts_get(struct pl_fix *f, struct counts *c)
{
	c->dps = map_count(f->m.dps, sizeof(uint32_t));
	c->stages = map_count(f->m.stages, sizeof(struct ovn_stage_key));
	c->cls = map_count(f->m.cls, sizeof(struct ovn_cls_key));
	c->ports = map_count(f->m.ports, sizeof(struct ovn_port_key));
	c->vifs = map_count(f->m.vifs, sizeof(uint32_t));
	c->mcgroups = map_count(f->m.mcgroups, sizeof(struct ovn_port_key));
	ovnbpf_writer_stats(f->w, &c->w);
}

static void quiet(void *aux, enum compile_report_kind kind, const char *uuid,
		  const char *reason, const char *detail)
{
	(void)aux;
	if (kind != COMPILE_R_UNSUPPORTED)
		printf("  report %s: %s %s\n", uuid, reason, detail ? detail : "");
}

/* A logical switch as northd writes it, reduced: port security, FDB
 * lookup, L2 lookup with flood, egress port security; every other
 * stage `next;`.  Ports NAME1/NAME2 (keys 1, 2), VIF of port 1 on
 * IFINDEX, _MC_flood. */
static int ls(struct compiler *c, uint32_t dp, const char *pfx, uint32_t ifindex)
{
	static const char *const ps1[] = { "0a:00:00:00:00:01 10.0.0.1" };
	char n1[32], n2[32], uuid[64], m[128], a[160];
	const char *members[2] = { n1, n2 };
	uint8_t mac[6] = { 0x0a, 0, 0, 0, 0, 9 };
	int err = 0, t;

	snprintf(n1, sizeof(n1), "%s-p1", pfx);
	snprintf(n2, sizeof(n2), "%s-p2", pfx);
	err |= compile_datapath_add(c, dp, OVN_DP_SWITCH);
	err |= compile_port_add(c, &(struct compile_port){ .name = n1, .dp = dp, .key = 1,
							   .type = "", .port_security = ps1,
							   .n_port_security = 1,
							   .ifindex = ifindex, .ct_zone = 1 });
	err |= compile_port_add(c, &(struct compile_port){ .name = n2, .dp = dp, .key = 2,
							   .type = "" });
	err |= compile_mcgroup_set(c, dp, 32768, "_MC_flood", members, 2);
	err |= compile_fdb_add(c, dp, mac, 2);
#define FLOW(pl, tb, pr, M, A) do { \
		snprintf(uuid, sizeof(uuid), "%s-%d-%d-%d", pfx, pl, tb, pr); \
		err |= compile_flow_add(c, &(struct compile_lflow){ .uuid = uuid, .dp = dp, \
			.pipeline = pl, .table = tb, .priority = pr, .match = M, .actions = A }); \
	} while (0)
	FLOW(0, 0, 50, "1", "reg0[15] = check_in_port_sec(); next;");
	FLOW(0, 1, 50, "reg0[15] == 1", "drop;");
	FLOW(0, 1, 0, "1", "next;");
	FLOW(0, 2, 100, "inport == \"x\"", "reg0[11] = lookup_fdb(inport, eth.src); next;");
	for (t = 2; t < 25; t++)
		FLOW(0, t, 0, "1", "next;");
	snprintf(a, sizeof(a), "outport = \"%s\"; output;", n2);
	FLOW(0, 25, 50, "eth.dst == 0a:00:00:00:00:02", a);
	snprintf(a, sizeof(a), "outport = \"%s\"; output;", n1);
	snprintf(m, sizeof(m), "eth.dst == 0a:00:00:00:00:01");
	FLOW(0, 25, 51, m, a);
	FLOW(0, 25, 70, "eth.mcast", "outport = \"_MC_flood\"; output;");
	FLOW(0, 25, 0, "1", "outport = get_fdb(eth.dst); next;");
	FLOW(0, 26, 0, "1", "output;");
	for (t = 0; t < 8; t++)
		FLOW(1, t, 0, "1", "next;");
	FLOW(1, 8, 0, "1", "reg0[15] = check_out_port_sec(); next;");
	FLOW(1, 9, 0, "1", "output;");
#undef FLOW
	return err;
}

void test_gaps_dp_del(void)
{
	struct compile_opts o = { .report = quiet };
	struct counts before, with, after;
	struct compiler *c = NULL;
	static struct ovn_ctx ctx;
	uint8_t pkt[128];
	uint32_t ret, len;
	struct pl_fix f;

	if (!env.has_root) {
		test__skip("needs root to load BPF");
		return;
	}
	if (!ASSERT_OK(pl_fix_open(&f), "pl_fix_open"))
		return;
	ovnbpf_writer_set_grace(f.w, 0);
	if (!ASSERT_OK(compiler_new(f.w, &o, &c), "compiler_new"))
		goto out;
	ASSERT_OK(ls(c, 1, "a", 1), "switch 1");
	ASSERT_OK(compile_commit(c), "commit 1");
	counts_get(&f, &before);

	ASSERT_OK(ls(c, 7, "b", 1000), "switch 7");
	ASSERT_OK(compile_commit(c), "commit 2");
	counts_get(&f, &with);
	ASSERT_EQ(with.dps, before.dps + 1, "dp 7 installed");
	ASSERT_GT(with.stages, before.stages, "its stages");
	ASSERT_GT(with.cls, before.cls, "its cells");
	ASSERT_EQ(with.ports, before.ports + 2, "its ports");
	ASSERT_EQ(with.vifs, before.vifs + 1, "its VIF");
	ASSERT_EQ(with.mcgroups, before.mcgroups + 1, "its group");
	ASSERT_GT(with.w.flows, before.w.flows, "its writer flows");

	ASSERT_OK(compile_datapath_del(c, 7), "delete dp 7");
	ASSERT_EQ(compile_datapath_del(c, 7), -ENOENT, "unknown now");
	/* Until the commit, packets still see dp 7 whole. */
	ASSERT_EQ(map_count(f.m.dps, 4), with.dps, "ovn_dps entry stays until the commit");
	ASSERT_OK(compile_commit(c), "commit 3");
	ASSERT_OK(compile_commit(c), "commit 4 (reclaim)");
	counts_get(&f, &after);
	ASSERT_EQ(after.dps, before.dps, "ovn_dps back");
	ASSERT_EQ(after.stages, before.stages, "ovn_stages back");
	ASSERT_EQ(after.cls, before.cls, "ovn_cls back");
	ASSERT_EQ(after.ports, before.ports, "ovn_ports back");
	ASSERT_EQ(after.vifs, before.vifs, "ovn_vifs back");
	ASSERT_EQ(after.mcgroups, before.mcgroups, "ovn_mcgroups back");
	ASSERT_EQ(after.w.flows, before.w.flows, "writer flows back");
	ASSERT_EQ(after.w.progs, before.w.progs, "programs back");
	ASSERT_EQ(after.w.subtables, before.w.subtables, "subtables back");
	ASSERT_EQ(after.w.stages, before.w.stages, "writer stages back");
	ASSERT_EQ(after.w.retired, 0, "nothing left to reclaim");

	/* Again: the same datapath comes back and goes, usage is stable. */
	ASSERT_OK(ls(c, 7, "b", 1000), "switch 7 again");
	ASSERT_OK(compile_commit(c), "commit 5");
	ASSERT_OK(compile_datapath_del(c, 7), "delete dp 7 again");
	ASSERT_OK(compile_commit(c), "commit 6");
	ASSERT_OK(compile_commit(c), "commit 7");
	counts_get(&f, &after);
	ASSERT_EQ(after.cls, before.cls, "ovn_cls back (2)");
	ASSERT_EQ(after.w.flows, before.w.flows, "writer flows back (2)");
	ASSERT_EQ(after.w.progs, before.w.progs, "programs back (2)");

	/* dp 1 still forwards: port 1 (lo) -> port 2 is a remote-less VIF
	 * without ifindex, so send to port 1's own MAC from port 1: the
	 * loopback rule drops it -- which proves the stages ran to l2_lkup. */
	len = pkt_udp4(pkt, (uint8_t[]){ 0x0a, 0, 0, 0, 0, 1 }, (uint8_t[]){ 0x0a, 0, 0, 0, 0, 1 },
		       htonl(0x0a000001), htonl(0x0a000002), 1, 2, 8);
	ASSERT_OK(bpf_test_run_skb(f.prog_fd, pkt, len, &ret, NULL, NULL), "run");
	ASSERT_OK(pl_read_ctx(&f, &ctx), "ctx");
	ASSERT_EQ(ctx.x.drop_reason, DROP_LOOPBACK, "dp 1 pipeline intact");
out:
	compiler_free(c);
	pl_fix_close(&f);
}
