// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * Multicast groups past one page (maps/ports.h, bpf/lib/mcgroup.h) through
 * BPF_PROG_TEST_RUN: a switch (dp 1) whose ports 1..N are VIFs on lo
 * (BPF_PROG_TEST_RUN's skb comes from lo; port 1 is the sender), a remote
 * member, and _MC_flood over all of them.  Broadcast goes to _MC_flood
 * in ls_in_l2_lkup; the egress pipeline has a few real (non-passthrough)
 * stages so that a fan-out to 200 members takes more steps than one copy
 * may (OVN_MAX_STEPS = 8192), and ls_out_apply_port_sec drops to port
 * DROPPED so that each member is seen to run its own egress.
 */
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "tests/test_progs.h"
#include "tests/bpf/bpf_test.h"
#include "tests/bpf/ops_build.h"
#include "tests/bpf/pkt.h"
#include "tests/bpf/pl_flows.h"
#include "build/bpf/ovnbpf_vif.skel.h"
#include "maps/trace.h"
#include "loader/compile.h"

#define DP		1
#define MC_FLOOD	32768
#define LO		1
#define REMOTE		9000	/* a member on another chassis */
#define DROPPED		150	/* its egress drops */
#define STEPS_PER_COPY	8192	/* OVN_MAX_STEPS, bpf/lib/pipeline.h */

#define IN	OVN_PIPE_INGRESS
#define OUT	OVN_PIPE_EGRESS

static const uint8_t MAC1[6] = { 0x0a, 0, 0, 0, 0, 1 };
static const uint8_t BCAST[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
static const uint8_t ZERO6[6];

static struct ovn_ctx ctx;	/* big: not on the stack */

/* Ports 1..nports on lo, the remote member, the flows of the file's top. */
static int mc_setup(struct pl_fix *f, uint32_t nports)
{
	struct ovn_port vif = { .ifindex = LO, .type = OVN_PORT_VIF };
	struct ovn_port rem = { .type = OVN_PORT_REMOTE };
	struct ovn_vif v = { .dp = DP, .port = 1, .ct_zone = 1 };
	int err = 0, t;

	err |= ovnbpf_datapath_add(f->w, DP, OVN_DP_SWITCH);
	for (uint32_t p = 1; p <= nports && !err; p++) {
		vif.ct_zone = p;
		err |= ovnbpf_port_add(f->w, DP, p, &vif);
	}
	err |= ovnbpf_port_add(f->w, DP, REMOTE, &rem);
	err |= ovnbpf_vif_add(f->w, LO, &v);
	/* ls_in_l2_lkup: eth.mcast -> _MC_flood; every other stage next. */
	err |= pl_add_raw(f, DP, IN, 25, 70, MATCH(m_bit(OVN_OFF_ETH_DST, 6, 40, 1)),
			  OPS(op_set32(OVN_OFF_OUTPORT, MC_FLOOD), op_code(OVN_OP_OUTPUT)));
	for (t = 0; t < OVN_LS_IN_TABLES - 1; t++)
		if (t != 25)
			err |= pl_add_raw(f, DP, IN, t, 0, NOMATCH, OPS(op_next(IN, t + 1)));
	/* Egress 0..8: five masked subtables each, so each member
	 * classifies there (a step probes one subtable; enough of them that
	 * the fan-out outlasts one copy's budget).  The prio-0 catch-all
	 * takes no probe: it is in the stage's descriptor. */
	for (t = 0; t < 9; t++) {
		err |= pl_add_raw(f, DP, OUT, t, 100, MATCH(m_eq32(OVN_OFF_OUTPORT, 99999)),
				  OPS(op_code(OVN_OP_DROP)));
		err |= pl_add_raw(f, DP, OUT, t, 90, MATCH(m_eq16(OVN_OFF_ETH_TYPE, 0x1234)),
				  OPS(op_code(OVN_OP_DROP)));
		err |= pl_add_raw(f, DP, OUT, t, 80, MATCH(m_eq32(OVN_OFF_INPORT, 99998)),
				  OPS(op_code(OVN_OP_DROP)));
		err |= pl_add_raw(f, DP, OUT, t, 70, MATCH(m_eq32(OVN_OFF_REG(9), 0x5a5a5a5a)),
				  OPS(op_code(OVN_OP_DROP)));
		err |= pl_add_raw(f, DP, OUT, t, 60, MATCH(m_eq32(OVN_OFF_REG(8), 0x5a5a5a5b)),
				  OPS(op_code(OVN_OP_DROP)));
		err |= pl_add_raw(f, DP, OUT, t, 0, NOMATCH, OPS(op_next(OUT, t + 1)));
	}
	/* ls_out_apply_port_sec */
	err |= pl_add_raw(f, DP, OUT, 9, 100, MATCH(m_eq32(OVN_OFF_OUTPORT, DROPPED)),
			  OPS(op_code(OVN_OP_DROP)));
	err |= pl_add_raw(f, DP, OUT, 9, 0, NOMATCH, OPS(op_code(OVN_OP_OUTPUT)));
	err |= ovnbpf_commit(f->w);
	return err;
}

/* _MC_flood = ports 1..n, then the remote member. */
static int set_flood(struct pl_fix *f, uint32_t n, bool remote)
{
	uint32_t *m = calloc(n + 1, sizeof(*m));
	int err;

	if (!m)
		return -ENOMEM;
	for (uint32_t i = 0; i < n; i++)
		m[i] = i + 1;
	if (remote)
		m[n++] = REMOTE;
	err = ovnbpf_mcgroup_set(f->w, DP, MC_FLOOD, m, n);
	free(m);
	return err;
}

static int arp_bcast(struct pl_fix *f)
{
	uint8_t pkt[64] = {};
	uint32_t ret, len;
	int err;

	len = pkt_arp(pkt, BCAST, MAC1, 1, MAC1, htonl(0x0a000001), ZERO6, htonl(0x0a000002));
	err = bpf_test_run_skb(f->prog_fd, pkt, len, &ret, NULL, NULL);
	return err ?: pl_read_ctx(f, &ctx);
}

static uint32_t count_keys(int fd, size_t ksz)
{
	char prev[64], cur[64];
	uint32_t n = 0;
	bool first = true;

	while (!bpf_map_get_next_key(fd, first ? NULL : prev, cur)) {
		memcpy(prev, cur, ksz);
		first = false;
		n++;
	}
	return n;
}

static int head(struct pl_fix *f, struct ovn_mcgroup *g)
{
	struct ovn_port_key k = { .dp = DP, .port = MC_FLOOD };

	return bpf_map_lookup_elem(f->m.mcgroups, &k, g) ? -errno : 0;
}

void test_mc_large_flood(void)
{
	struct ovn_mcgroup g1, g2;
	struct pl_fix f;
	uint64_t pages;

	if (!env.has_root) {
		test__skip("needs root for BPF_PROG_TEST_RUN");
		return;
	}
	if (!ASSERT_OK(pl_fix_open(&f), "pl_fix_open"))
		return;
	if (!ASSERT_OK(mc_setup(&f, 200), "setup"))
		goto cleanup;

	if (test__start_subtest("flood_200")) {
		ASSERT_OK(set_flood(&f, 200, true), "200 members + remote");
		ASSERT_EQ(count_keys(f.m.mcpages, sizeof(struct ovn_mcpage_key)), 4, "4 pages");
		ASSERT_OK(arp_bcast(&f), "run");
		/* Every local member but the sender (loopback rule), not the
		 * remote one, not DROPPED (its own egress dropped it). */
		ASSERT_EQ(ctx.x.drop_reason, DROP_NONE, "delivered");
		ASSERT_EQ(ctx.x.n_out, 198, "clones: 200 - inport - DROPPED");
		ASSERT_EQ(ctx.x.mc_sent, 198, "all sent");
		ASSERT_EQ(ctx.x.out_port[0], 2, "first member after the sender");
		ASSERT_EQ(ctx.x.out_port[7], 9, "in member order");
		ASSERT_EQ(ctx.x.out_ret[0], 0, "bpf_clone_redirect to lo ok");
		ASSERT_GT(ctx.x.steps, STEPS_PER_COPY, "more steps than one copy may take");
		ASSERT_EQ(ctx.x.mc_idx, 201, "walked every member");
	}
	if (test__start_subtest("loopback_flag")) {
		/* flags.loopback set before output: the sender gets a copy. */
		struct ovnbpf_flow_spec s = {
			.dp = DP, .pipeline = IN, .table = 25, .priority = 80,
			.match = MATCH(m_bit(OVN_OFF_ETH_DST, 6, 40, 1), m_eq16(OVN_OFF_ETH_TYPE, 0x0806)),
			.ops = OPS(op_set_bit(OVN_OFF_FLAGS, 4, OVN_MLF_LOOPBACK, 1),
				   op_set32(OVN_OFF_OUTPORT, MC_FLOOD), op_code(OVN_OP_OUTPUT)),
		};
		uint32_t id;

		if (ASSERT_OK(ovnbpf_flow_add(f.w, &s, &id), "flow") &&
		    ASSERT_OK(ovnbpf_commit(f.w), "commit")) {
			ASSERT_OK(arp_bcast(&f), "run");
			ASSERT_EQ(ctx.x.n_out, 199, "sender included");
			ASSERT_EQ(ctx.x.out_port[0], 1, "sender first");
			ASSERT_OK(ovnbpf_flow_del(f.w, id), "del");
			ASSERT_OK(ovnbpf_commit(f.w), "commit");
		}
	}
	if (test__start_subtest("uncached")) {
		struct ovn_cache_stats st0, st1;

		/* More outputs than a cache entry holds: every packet runs
		 * the pipeline, and delivers to all. */
		ASSERT_OK(ovnbpf_cache_read_stats(&f.m, &st0, NULL, NULL), "stats");
		ASSERT_OK(arp_bcast(&f), "run 1");
		ASSERT_OK(arp_bcast(&f), "run 2");
		ASSERT_OK(ovnbpf_cache_read_stats(&f.m, &st1, NULL, NULL), "stats");
		ASSERT_GT(ctx.x.steps, 0, "second run ran the pipeline");
		ASSERT_EQ(ctx.x.n_out, 198, "and delivered to all");
		ASSERT_EQ(st1.hits, st0.hits, "no cache hit");
		ASSERT_EQ(st1.inserts, st0.inserts, "nothing cached");
	}
	if (test__start_subtest("membership_change")) {
		ASSERT_OK(head(&f, &g1), "head");
		/* Same members: nothing written, the generation stays. */
		ASSERT_OK(set_flood(&f, 200, true), "same");
		ASSERT_OK(head(&f, &g2), "head");
		ASSERT_EQ(g2.gen, g1.gen, "unchanged group not rewritten");
		/* Ports 101..200 leave; the old pages wait out the grace. */
		ovnbpf_writer_set_grace(f.w, 60ULL * 1000000000ULL);
		ASSERT_OK(set_flood(&f, 100, false), "100 members");
		ASSERT_OK(head(&f, &g2), "head");
		ASSERT_NEQ(g2.gen, g1.gen, "new generation");
		ASSERT_EQ(g2.n, 100, "count");
		ASSERT_OK(ovnbpf_reclaim(f.w), "reclaim");
		pages = count_keys(f.m.mcpages, sizeof(struct ovn_mcpage_key));
		ASSERT_EQ(pages, 4 + 2, "old pages kept for in-flight fan-outs");
		ASSERT_OK(arp_bcast(&f), "run");
		ASSERT_EQ(ctx.x.n_out, 99, "ports 2..100 only");
		ASSERT_EQ(ctx.x.mc_idx, 100, "new group walked");
		ovnbpf_writer_set_grace(f.w, 0);
		ASSERT_OK(ovnbpf_reclaim(f.w), "reclaim");
		ASSERT_EQ(count_keys(f.m.mcpages, sizeof(struct ovn_mcpage_key)), 2,
			  "old pages gone after the grace");
	}
	if (test__start_subtest("too_big")) {
		uint64_t before = pl_drops(&f, DROP_MC_TOO_BIG);
		uint32_t n = OVN_MC_MAX_MEMBERS + 10;
		struct ovn_port vif = { .ifindex = LO, .type = OVN_PORT_VIF };
		int err = 0;

		for (uint32_t p = 201; p <= n && !err; p++)
			err = ovnbpf_port_add(f.w, DP, p, &vif);
		ASSERT_OK(err, "ports");
		ASSERT_EQ(set_flood(&f, n, false), -E2BIG, "over the maximum: reported");
		ASSERT_OK(ovnbpf_reclaim(f.w), "reclaim");
		ASSERT_OK(head(&f, &g1), "head");
		ASSERT_EQ(g1.n, n, "true count kept");
		ASSERT_EQ(count_keys(f.m.mcpages, sizeof(struct ovn_mcpage_key)),
			  OVN_MC_MAX_PAGES, "pages up to the maximum");
		ASSERT_OK(arp_bcast(&f), "run");
		ASSERT_EQ(ctx.x.n_out, OVN_MC_MAX_MEMBERS - 2, "first 8192 but sender, DROPPED");
		ASSERT_EQ(pl_drops(&f, DROP_MC_TOO_BIG), before + 1, "counted");
	}
	if (test__start_subtest("delete")) {
		ASSERT_OK(ovnbpf_mcgroup_del(f.w, DP, MC_FLOOD), "del");
		ASSERT_OK(ovnbpf_reclaim(f.w), "reclaim");
		ASSERT_EQ(count_keys(f.m.mcpages, sizeof(struct ovn_mcpage_key)), 0, "pages gone");
		ASSERT_EQ(count_keys(f.m.mcgroups, sizeof(struct ovn_port_key)), 0, "head gone");
		ASSERT_OK(arp_bcast(&f), "run");
		ASSERT_EQ(ctx.x.drop_reason, DROP_MC_EMPTY, "no group");
	}
cleanup:
	pl_fix_close(&f);
}

/* ovnbpfctl trace's recording: one output per member, remote ones too. */
void test_mc_large_trace(void)
{
	struct ovn_trace_buf *b = calloc(1, sizeof(*b));
	struct pl_fix f = {};
	uint32_t zero = 0, bad = 0;
	int fd;

	if (!env.has_root) {
		test__skip("needs root for BPF_PROG_TEST_RUN");
		goto out;
	}
	if (!ASSERT_OK_PTR(b, "alloc"))
		goto out;
	if (!ASSERT_OK(pl_fix_open_trace(&f, true), "open"))
		goto out;
	if (!ASSERT_OK(mc_setup(&f, 200), "setup") || !ASSERT_OK(set_flood(&f, 200, true), "group"))
		goto cleanup;
	fd = bpf_map__fd(f.skel->maps.ovn_trace);
	if (!ASSERT_OK(bpf_map_update_elem(fd, &zero, b, BPF_ANY), "clear") ||
	    !ASSERT_OK(arp_bcast(&f), "run") ||
	    !ASSERT_OK(bpf_map_lookup_elem(fd, &zero, b), "read"))
		goto cleanup;
	/* 200 members - sender - DROPPED + the remote one. */
	ASSERT_EQ(b->n_out, 199, "one output per member");
	for (uint32_t i = 0; i < OVN_TRACE_MAX_OUT; i++)
		if (b->out[i].port != i + 2)
			bad++;
	ASSERT_EQ(bad, 0, "recorded outputs are ports 2..65 in order");
cleanup:
	pl_fix_close(&f);
out:
	free(b);
}

static int reports;

static void count_report(void *aux, enum compile_report_kind kind, const char *uuid,
			 const char *reason, const char *detail)
{
	(void)aux; (void)kind; (void)uuid; (void)reason; (void)detail;
	reports++;
}

/* SB Multicast_Group through the compiler: members by name, no cut at a
 * page (it used to stop at 64), names it does not know left out. */
void test_mc_large_compile(void)
{
	struct compile_opts o = { .report = count_report };
	struct ovn_port_key k = { .dp = 2, .port = 32769 };
	const char *names[301];
	char buf[300][16];
	struct compiler *c = NULL;
	struct ovn_mcgroup g1, g2;
	struct pl_fix f;
	int err = 0;

	if (!env.has_root) {
		test__skip("needs root for BPF maps");
		return;
	}
	if (!ASSERT_OK(pl_fix_open(&f), "pl_fix_open"))
		return;
	if (!ASSERT_OK(compiler_new(f.w, &o, &c), "compiler_new"))
		goto cleanup;
	err |= compile_datapath_add(c, 2, OVN_DP_SWITCH);
	for (int i = 0; i < 300; i++) {
		snprintf(buf[i], sizeof(buf[i]), "mcc-%d", i);
		names[i] = buf[i];
		err |= compile_port_add(c, &(struct compile_port){ .name = buf[i], .dp = 2,
								   .key = i + 1, .type = "" });
	}
	names[300] = "not-a-port";
	ASSERT_OK(err, "ports");
	reports = 0;
	ASSERT_OK(compile_mcgroup_set(c, 2, 32769, "_MC_unknown", names, 301), "group");
	ASSERT_OK(bpf_map_lookup_elem(f.m.mcgroups, &k, &g1), "head");
	ASSERT_EQ(g1.n, 300, "300 members, the unknown name left out");
	ASSERT_EQ(count_keys(f.m.mcpages, sizeof(struct ovn_mcpage_key)), 5, "5 pages");
	ASSERT_EQ(reports, 0, "nothing to report");
	ASSERT_OK(compile_mcgroup_set(c, 2, 32769, "_MC_unknown", names, 301), "again");
	ASSERT_OK(bpf_map_lookup_elem(f.m.mcgroups, &k, &g2), "head");
	ASSERT_EQ(g2.gen, g1.gen, "same members: not rewritten");
	ASSERT_OK(compile_mcgroup_set(c, 2, 32769, "_MC_unknown", names, 64), "64");
	ASSERT_OK(bpf_map_lookup_elem(f.m.mcgroups, &k, &g2), "head");
	ASSERT_EQ(g2.n, 64, "shrunk to one page");
	ASSERT_OK(ovnbpf_reclaim(f.w), "reclaim");
	ASSERT_EQ(count_keys(f.m.mcpages, sizeof(struct ovn_mcpage_key)), 1, "1 page left");
cleanup:
	compiler_free(c);
	pl_fix_close(&f);
}
