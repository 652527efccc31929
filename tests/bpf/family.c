// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * Per-port flow families (loader/compile_family.c): logical flows that
 * differ only in `outport == "P"` (or inport) compile, from
 * COMPILE_FAMILY_MIN members on, to one writer flow testing an implicit
 * port group held in the member ports' records.  Through the datapath
 * with BPF_PROG_TEST_RUN: joining and leaving are record-member changes
 * (no recompile), below the threshold flows stay single, flows with other
 * actions or another match do not join, deleted and re-keyed ports, a
 * restart adopts the family's flow, and the same packets give the same
 * verdicts with families and without.
 */
#include <arpa/inet.h>
#include <limits.h>
#include <linux/pkt_cls.h>
#include <stdlib.h>
#include <string.h>

#include "loader/compile_int.h"
#include "tests/bpf/bpf_test.h"
#include "tests/bpf/pkt.h"
#include "tests/bpf/pl_flows.h"
#include "tests/test_progs.h"
#include "loader/trace.h"
#include "maps/trace.h"
#include "ovnbpf_vif.skel.h"

#define LO		1
#define FAM_PORTS	8	/* p1..p8, keys 1..8, all VIFs on LO */

static const uint8_t SMAC[6] = { 0x0a, 0, 0, 0, 0, 1 };

static void port_mac(unsigned int k, uint8_t mac[6])
{
	static const uint8_t base[6] = { 0x0a, 0, 0, 0, 0, 0 };

	memcpy(mac, base, 6);
	mac[5] = (uint8_t)k;
}

/* A logical flow with key UUID on datapath 1. */
static int fl(struct compiler *c, const char *uuid, uint8_t pl, uint8_t t, uint16_t prio,
	      const char *match, const char *actions)
{
	struct compile_lflow f = { .uuid = uuid, .dp = 1, .pipeline = pl, .table = t,
				   .priority = prio, .match = match, .actions = actions };

	return compile_flow_add(c, &f);
}

static int add_port(struct compiler *c, unsigned int k, uint32_t key)
{
	char name[8];
	struct compile_port p = { .name = name, .dp = 1, .key = key, .type = "",
				  .ifindex = LO, .ct_zone = key };

	snprintf(name, sizeof(name), "p%u", k);
	return compile_port_add(c, &p);
}

/* Switch 1 with p1..p8 (p1 added last: LO's VIF is p1), an l2 lookup by
 * destination MAC, every other stage next;, egress output;. */
static int setup(struct compiler *c)
{
	char m[64], a[64];
	int err = compile_datapath_add(c, 1, OVN_DP_SWITCH);

	for (unsigned int k = FAM_PORTS; k >= 1; k--)
		err |= add_port(c, k, k);
	for (unsigned int k = 1; k <= FAM_PORTS; k++) {
		snprintf(m, sizeof(m), "eth.dst == 0a:00:00:00:00:%02x", k);
		snprintf(a, sizeof(a), "outport = \"p%u\"; output;", k);
		err |= pl_flow(c, 1, OVN_PIPE_INGRESS, OVN_LS_IN_TABLES - 1, 50, m, a);
	}
	err |= pl_flow_fill(c, 1, OVN_PIPE_INGRESS, 0, OVN_LS_IN_TABLES - 1, "next;");
	err |= pl_flow(c, 1, OVN_PIPE_INGRESS, OVN_LS_IN_TABLES - 1, 0, "1", "drop;");
	err |= pl_flow_fill(c, 1, OVN_PIPE_EGRESS, 0, OVN_LS_OUT_TABLES, "output;");
	return err ?: compile_commit(c);
}

/* p1 -> port K (by MAC), UDP from SRC to DST (last bytes of 10.0.0.x).
 * The verdict, or -1; *REASON (if not NULL) the drop reason. */
static int run(struct pl_fix *f, unsigned int k, uint8_t src, uint8_t dst, int *reason)
{
	uint8_t pkt[128], mac[6];
	uint32_t ret = 0, len;
	struct ovn_ctx ctx;

	port_mac(k, mac);
	len = pkt_udp4(pkt, mac, SMAC, htonl(0x0a000000 | src), htonl(0x0a000000 | dst), 1, 2, 8);
	if (pl_run_ctx(f, pkt, len, &ret, &ctx))
		return -1;
	if (reason)
		*reason = (int)ctx.x.drop_reason;
	return (int)ret;
}

static bool delivered(struct pl_fix *f, unsigned int k, uint8_t src)
{
	return run(f, k, src, 99, NULL) == TC_ACT_REDIRECT;
}

/* Visible GROUP members in port KEY's record. */
static int rec_groups(struct pl_fix *f, uint32_t key)
{
	struct ovn_port_key pk = { .dp = 1, .port = key };
	uint32_t ver = 0, zero = 0;
	struct ovn_port v;
	int n = 0;

	if (bpf_map_lookup_elem(f->m.ports, &pk, &v) || bpf_map_lookup_elem(f->m.gen, &zero, &ver))
		return -1;
	for (int i = 0; i < OVN_PORT_MEMBERS; i++)
		n += v.member[i].kind == OVN_PM_GROUP && v.member[i].add_ver <= ver &&
		     ver < v.member[i].rm_ver;
	return n;
}

/* The ACL of port K: outport == "pK" && ip4.src == 10.0.0.1 -> drop. */
static int acl(struct compiler *c, unsigned int k, const char *actions)
{
	char u[16], m[64];

	snprintf(u, sizeof(u), "acl-%u", k);
	snprintf(m, sizeof(m), "outport == \"p%u\" && ip4.src == 10.0.0.1", k);
	return fl(c, u, OVN_PIPE_EGRESS, 1, 100, m, actions);
}

static int acl_del(struct compiler *c, unsigned int k)
{
	char u[16];

	snprintf(u, sizeof(u), "acl-%u", k);
	return compile_flow_del(c, u);
}

static struct compile_stats stats(struct compiler *c)
{
	struct compile_stats s;

	compile_get_stats(c, &s);
	return s;
}

void test_family_lifecycle(void)
{
	struct compile_opts co = { 0 };
	struct compile_stats s0, s;
	struct compiler *c = NULL;
	struct pl_fix f;

	if (pl_open_compiled(&f, &co, setup, &c))
		return;
	ovnbpf_writer_set_grace(f.w, 0);
	ASSERT_TRUE(delivered(&f, 2, 1), "no ACL: p1 -> p2 delivered");
	s0 = stats(c);

	test__start_subtest("below_threshold");
	for (unsigned int k = 3; k <= 5; k++)
		ASSERT_OK(acl(c, k, "drop;"), "acl p3..p5");
	ASSERT_OK(compile_commit(c), "commit");
	s = stats(c);
	ASSERT_EQ(s.families, 0, "3 members: no family yet");
	ASSERT_EQ(s.writer_flows - s0.writer_flows, 3, "3 flows of their own");
	ASSERT_FALSE(delivered(&f, 3, 1), "p3's own flow drops");
	ASSERT_TRUE(delivered(&f, 2, 1), "p2 has none");

	test__start_subtest("threshold_compiles_one_flow");
	ASSERT_OK(acl(c, 2, "drop;"), "acl p2");
	ASSERT_OK(compile_commit(c), "commit");
	s = stats(c);
	ASSERT_EQ(s.families, 1, "4 members: one family");
	ASSERT_EQ(s.family_members, 4, "4 member flows");
	ASSERT_EQ(s.writer_flows - s0.writer_flows, 1, "one writer flow for the 4");
	ASSERT_EQ(s.flows - s0.flows, 4, "4 logical flows counted");
	ASSERT_FALSE(delivered(&f, 2, 1), "p2 member: dropped");
	ASSERT_FALSE(delivered(&f, 5, 1), "p5 member: dropped");
	ASSERT_TRUE(delivered(&f, 6, 1), "p6 not a member: delivered");
	ASSERT_TRUE(delivered(&f, 2, 7), "another source: delivered");
	ASSERT_EQ(rec_groups(&f, 2), 1, "p2's record holds the family's group");
	ASSERT_EQ(rec_groups(&f, 6), 0, "p6's record none");

	test__start_subtest("join_is_a_member_add");
	s0 = stats(c);
	ASSERT_OK(acl(c, 6, "drop;"), "acl p6");
	ASSERT_ERR(acl(c, 6, "drop;"), "the same UUID twice: -EEXIST");
	ASSERT_OK(compile_commit(c), "commit");
	s = stats(c);
	ASSERT_EQ(s.flows_compiled, s0.flows_compiled, "nothing compiled");
	ASSERT_EQ(s.entries_written, s0.entries_written, "no writer flow written");
	ASSERT_GT(s.set_members_written, s0.set_members_written, "a member written");
	ASSERT_EQ(s.family_members, 5, "5 members");
	ASSERT_FALSE(delivered(&f, 6, 1), "p6 joined: dropped");

	test__start_subtest("leave_is_a_member_del");
	s0 = stats(c);
	ASSERT_OK(acl_del(c, 2), "p2's ACL deleted");
	ASSERT_OK(compile_commit(c), "commit");
	s = stats(c);
	ASSERT_EQ(s.entries_written, s0.entries_written, "no writer flow written");
	ASSERT_EQ(s.writer_flows, s0.writer_flows, "the family's flow stays");
	ASSERT_EQ(s.flows, s0.flows - 1, "one logical flow less");
	ASSERT_TRUE(delivered(&f, 2, 1), "p2 left: delivered");
	ASSERT_FALSE(delivered(&f, 6, 1), "p6 still dropped");
	ASSERT_EQ(rec_groups(&f, 2), 0, "p2's record: member gone");

	test__start_subtest("port_deleted_and_rekeyed");
	/* p5 goes (its record with it) and comes back with key 9. */
	ASSERT_OK(compile_port_del(c, "p5"), "p5 deleted");
	ASSERT_OK(compile_commit(c), "commit");
	ASSERT_EQ(rec_groups(&f, 5), -1, "p5's entry gone");
	ASSERT_OK(add_port(c, 5, 9), "p5 back as key 9");
	ASSERT_OK(add_port(c, 1, 1), "p1 rewritten (LO's VIF)");
	ASSERT_OK(compile_commit(c), "commit");
	ASSERT_EQ(rec_groups(&f, 9), 1, "p5's new record holds the group");
	s = stats(c);
	ASSERT_EQ(s.entries_written, s0.entries_written, "no writer flow written");
	ASSERT_OK(add_port(c, 5, 5), "p5 back as key 5");
	ASSERT_OK(add_port(c, 1, 1), "p1 rewritten (LO's VIF)");
	ASSERT_OK(compile_commit(c), "commit");
	ASSERT_EQ(rec_groups(&f, 5), 1, "key 5's record holds it again");
	ASSERT_FALSE(delivered(&f, 5, 1), "p5 dropped again");

	test__start_subtest("other_actions_or_match_do_not_join");
	s0 = stats(c);
	ASSERT_OK(acl(c, 7, "next;"), "p7's ACL with other actions");
	ASSERT_OK(fl(c, "acl-8b", OVN_PIPE_EGRESS, 1, 100,
		     "outport == \"p8\" && ip4.src == 10.0.0.2", "drop;"), "p8: other source");
	ASSERT_OK(fl(c, "acl-8c", OVN_PIPE_EGRESS, 1, 90,
		     "outport == \"p8\" && ip4.src == 10.0.0.1", "drop;"), "p8: other priority");
	ASSERT_OK(compile_commit(c), "commit");
	s = stats(c);
	ASSERT_EQ(s.family_members, s0.family_members, "no member joined");
	ASSERT_EQ(s.writer_flows - s0.writer_flows, 3, "3 flows of their own");
	ASSERT_TRUE(delivered(&f, 7, 1), "p7: next;");
	ASSERT_FALSE(delivered(&f, 8, 2), "p8 from .2: its own flow drops");
	ASSERT_FALSE(delivered(&f, 8, 1), "p8 from .1: the prio-90 flow drops");
	ASSERT_TRUE(delivered(&f, 8, 3), "p8 from .3: delivered");

	test__start_subtest("shrinks_then_goes");
	s0 = stats(c);
	ASSERT_OK(acl_del(c, 3), "p3 out");
	ASSERT_OK(acl_del(c, 4), "p4 out");
	ASSERT_OK(acl_del(c, 5), "p5 out");
	ASSERT_OK(compile_commit(c), "commit");
	s = stats(c);
	ASSERT_EQ(s.families, 1, "1 member: still a family (no thrashing)");
	ASSERT_EQ(s.entries_written, s0.entries_written, "no writer flow written");
	ASSERT_TRUE(delivered(&f, 3, 1), "p3 delivered");
	ASSERT_FALSE(delivered(&f, 6, 1), "p6 still dropped");
	ASSERT_OK(acl_del(c, 6), "last member out");
	ASSERT_OK(compile_commit(c), "commit");
	s = stats(c);
	ASSERT_EQ(s.families, 0, "family gone");
	ASSERT_EQ(s.writer_flows, s0.writer_flows - 1, "its flow gone");
	ASSERT_TRUE(delivered(&f, 6, 1), "p6 delivered");
	ASSERT_EQ(rec_groups(&f, 6), 0, "p6's record: member gone");
	ASSERT_EQ(acl_del(c, 6), -ENOENT, "deleted twice: -ENOENT");

	compiler_free(c);
	pl_fix_close(&f);
}

/* Flows for the equivalence run: an outport family past the threshold,
 * one below it, an inport family, a family whose match has an OR, and
 * flows naming two ports (not members). */
static int equiv_flows(struct compiler *c)
{
	char u[32], m[128];
	int err = 0;

	for (unsigned int k = 2; k <= 6; k++) {
		snprintf(u, sizeof(u), "a-%u", k);
		snprintf(m, sizeof(m), "outport == \"p%u\" && ip4.src == 10.0.0.1", k);
		err |= fl(c, u, OVN_PIPE_EGRESS, 1, 100, m, "drop;");
	}
	for (unsigned int k = 2; k <= 3; k++) {
		snprintf(u, sizeof(u), "b-%u", k);
		snprintf(m, sizeof(m), "outport == \"p%u\" && ip4.src == 10.0.0.2", k);
		err |= fl(c, u, OVN_PIPE_EGRESS, 1, 100, m, "drop;");
	}
	for (unsigned int k = 1; k <= 5; k += (k == 1 ? 2 : 1)) {
		snprintf(u, sizeof(u), "c-%u", k);
		snprintf(m, sizeof(m), "inport == \"p%u\" && ip4.dst == 10.0.0.50", k);
		err |= fl(c, u, OVN_PIPE_INGRESS, 2, 100, m, "drop;");
	}
	for (unsigned int k = 3; k <= 8; k++) {
		snprintf(u, sizeof(u), "d-%u", k);
		snprintf(m, sizeof(m), "(ip4.src == 10.0.0.3 || ip4.dst == 10.0.0.60) && "
			 "outport == \"p%u\"", k);
		err |= fl(c, u, OVN_PIPE_EGRESS, 2, 100, m, "drop;");
	}
	/* Two port names: never members (the port alone must differ). */
	for (unsigned int k = 2; k <= 6; k++) {
		snprintf(u, sizeof(u), "e-%u", k);
		snprintf(m, sizeof(m), "inport == \"p1\" && outport == \"p%u\" && "
			 "ip4.src == 10.0.0.4", k);
		err |= fl(c, u, OVN_PIPE_EGRESS, 3, 100, m, "drop;");
	}
	return err ?: compile_commit(c);
}

#define N_SRC	5
#define N_DST	3

static int equiv_run(unsigned int family_min, int out[FAM_PORTS + 1][N_SRC][N_DST],
		     int reason[FAM_PORTS + 1][N_SRC][N_DST], struct compile_stats *st)
{
	static const uint8_t src[N_SRC] = { 1, 2, 3, 4, 9 };
	static const uint8_t dst[N_DST] = { 50, 60, 99 };
	struct compile_opts co = { .family_min = family_min };
	struct compiler *c = NULL;
	struct pl_fix f;
	int err;

	if (pl_open_compiled(&f, &co, setup, &c))
		return -1;
	err = equiv_flows(c);
	for (unsigned int k = 1; !err && k <= FAM_PORTS; k++)
		for (int i = 0; i < N_SRC; i++)
			for (int j = 0; j < N_DST; j++)
				out[k][i][j] = run(&f, k, src[i], dst[j], &reason[k][i][j]);
	compile_get_stats(c, st);
	compiler_free(c);
	pl_fix_close(&f);
	return err;
}

void test_family_equivalence(void)
{
	static int fam[FAM_PORTS + 1][N_SRC][N_DST], single[FAM_PORTS + 1][N_SRC][N_DST];
	static int fam_r[FAM_PORTS + 1][N_SRC][N_DST], single_r[FAM_PORTS + 1][N_SRC][N_DST];
	struct compile_stats sf, ss;
	int n_same = 0, n_drop = 0, n_pass = 0;

	if (!env.has_root) {
		test__skip("needs root for BPF_PROG_TEST_RUN");
		return;
	}
	if (!ASSERT_OK(equiv_run(0, fam, fam_r, &sf), "with families") ||
	    !ASSERT_OK(equiv_run(UINT_MAX, single, single_r, &ss), "without"))
		return;
	ASSERT_EQ(sf.families, 3, "families a, c, d (b is below the threshold)");
	ASSERT_EQ(sf.family_members, 15, "5 + 4 + 6 members");
	ASSERT_EQ(ss.families, 0, "family_min UINT_MAX: none");
	/* a: 5 -> 1, c: 4 -> 1, d: 6 x 2 (its OR is two conjunctions) -> 2. */
	ASSERT_EQ(ss.writer_flows - sf.writer_flows, 4 + 3 + 10, "17 writer flows fewer");
	for (unsigned int k = 1; k <= FAM_PORTS; k++)
		for (int i = 0; i < N_SRC; i++)
			for (int j = 0; j < N_DST; j++) {
				n_same += fam[k][i][j] == single[k][i][j] &&
					  fam_r[k][i][j] == single_r[k][i][j];
				n_drop += single[k][i][j] == TC_ACT_SHOT;
				n_pass += single[k][i][j] == TC_ACT_REDIRECT;
				if (fam[k][i][j] != single[k][i][j] || fam_r[k][i][j] != single_r[k][i][j])
					printf("port %u src %d dst %d: %d/%d with families, %d/%d without\n",
					       k, i, j, fam[k][i][j], fam_r[k][i][j], single[k][i][j],
					       single_r[k][i][j]);
			}
	ASSERT_EQ(n_same, FAM_PORTS * N_SRC * N_DST, "same verdict and drop reason for every packet");
	ASSERT_GT(n_drop, 20, "many packets dropped by some ACL");
	ASSERT_GT(n_pass, 10, "some delivered");
	printf("%d packets, %d dropped, %d delivered, the same with families and without\n",
	       n_same, n_drop, n_pass);
}

/* A restart: a second writer on the same maps, a new compiler, the same
 * flows: the family's flow and its record members are adopted. */
void test_family_adoption(void)
{
	struct compile_opts co = { 0 };
	struct compiler *c = NULL;
	uint32_t adopted = 0, claimed = 0;
	struct pl_fix f;

	if (pl_open_compiled(&f, &co, setup, &c))
		return;
	ovnbpf_writer_set_grace(f.w, 0);
	if (!ASSERT_OK(equiv_flows(c), "flows"))
		goto out;
	ASSERT_FALSE(delivered(&f, 4, 1), "p4 dropped by family a");
	ASSERT_EQ(rec_groups(&f, 4), 3, "p4: in families a, c and d");
	compiler_free(c);
	c = NULL;
	ovnbpf_writer_free(f.w);	/* the daemon stops */
	f.w = NULL;
	if (!ASSERT_OK(ovnbpf_writer_new(&f.m, &f.w), "second writer") || !f.w)
		goto out;
	ovnbpf_writer_set_grace(f.w, 0);
	if (!ASSERT_OK(compiler_new(f.w, &co, &c), "compiler") ||
	    !ASSERT_OK(setup(c), "setup") || !ASSERT_OK(equiv_flows(c), "flows again"))
		goto out;
	ovnbpf_adopt_stats(f.w, &adopted, &claimed);
	ASSERT_GT(adopted, 0, "flows found pinned");
	ASSERT_EQ(claimed, adopted, "every flow adopted, the families' too");
	ASSERT_OK(ovnbpf_adopt_finish(f.w), "finish");
	ASSERT_OK(compile_commit(c), "commit");
	ASSERT_FALSE(delivered(&f, 4, 1), "p4 still dropped");
	ASSERT_TRUE(delivered(&f, 7, 1), "p7 delivered");
	ASSERT_EQ(rec_groups(&f, 4), 3, "p4: the three memberships, not doubled");
	/* After the restart the family is incremental as before. */
	ASSERT_OK(compile_flow_del(c, "a-4"), "a-4 deleted");
	ASSERT_OK(compile_commit(c), "commit");
	ASSERT_TRUE(delivered(&f, 4, 1), "p4 left family a: delivered");
out:
	compiler_free(c);
	pl_fix_close(&f);
}

/* The member a trace names: the STAGE event of a family's flow and the
 * packet's port give back the member's row (loader/trace_sb.c). */
static int32_t traced_member(struct ovnbpf_vif *skel, struct trace_sb *sb, unsigned int k,
			     uint8_t src, uint8_t dst, uint8_t pipeline, uint8_t table,
			     struct ovn_trace_ev *out)
{
	static struct ovn_trace_buf b;
	uint8_t pkt[128], mac[6];
	int fd = bpf_map__fd(skel->maps.ovn_trace);
	__u32 zero = 0, ret, len;

	port_mac(k, mac);
	len = pkt_udp4(pkt, mac, SMAC, htonl(0x0a000000 | src), htonl(0x0a000000 | dst), 1, 2, 8);
	memset(&b, 0, sizeof(b));
	if (bpf_map_update_elem(fd, &zero, &b, BPF_ANY) ||
	    bpf_test_run_skb(bpf_program__fd(skel->progs.ovnbpf_from_vif), pkt, len, &ret, NULL,
			     NULL) ||
	    bpf_map_lookup_elem(fd, &zero, &b))
		return -2;
	for (__u32 i = 0; i < b.n_ev && i < OVN_TRACE_MAX_EV; i++)
		if (b.ev[i].kind == OVN_TR_STAGE && b.ev[i].pipeline == pipeline &&
		    b.ev[i].table == table) {
			*out = b.ev[i];
			return trace_sb_flow_lflow(sb, b.ev[i].flow, b.ev[i].port, b.ev[i].arg);
		}
	return -3;
}

void test_family_trace(void)
{
	static const char *const rows[] = { "a-2", "a-3", "a-4", "a-5", "a-6", "c-1", "c-3" };
	struct compile_opts co = { 0 };
	struct trace_sb sb = { 0 };
	struct ovnbpf_vif *skel = NULL;
	struct ovnbpf_maps m;
	struct ovnbpf_writer *w = NULL;
	struct compiler *c = NULL;
	struct ovn_trace_ev ev;
	int32_t lf;

	if (!env.has_root) {
		test__skip("needs root for BPF_PROG_TEST_RUN");
		return;
	}
	skel = ovnbpf_vif__open();
	if (!ASSERT_OK_PTR(skel, "open"))
		return;
	skel->rodata->ovn_trace_on = true;
	bpf_test_unpin_all(skel->obj);
	if (!ASSERT_OK(ovnbpf_vif__load(skel), "tracing load") ||
	    !ASSERT_OK(ovnbpf_maps_from_object(skel->obj, &m), "maps") ||
	    !ASSERT_OK(ovnbpf_writer_new(&m, &w), "writer") ||
	    !ASSERT_OK(compiler_new(w, &co, &c), "compiler") || !ASSERT_OK(setup(c), "setup") ||
	    !ASSERT_OK(equiv_flows(c), "flows"))
		goto out;
	/* The rows the trace knows (as trace_sb_load() reads them). */
	sb.lflows = calloc(7, sizeof(*sb.lflows));
	if (!ASSERT_OK_PTR(sb.lflows, "rows"))
		goto out;
	for (int i = 0; i < 7; i++) {
		snprintf(sb.lflows[i].uuid, sizeof(sb.lflows[i].uuid), "%s", rows[i]);
		sb.lflows[i].dp = 1;
	}
	sb.n_lflows = 7;
	trace_sb_index(&sb, c);

	lf = traced_member(skel, &sb, 4, 1, 99, OVN_PIPE_EGRESS, 1, &ev);
	ASSERT_EQ(ev.arg, 4, "the stage event carries the outport");
	if (ASSERT_GE(lf, 0, "egress ACL of p4: a row"))
		ASSERT_STREQ(sb.lflows[lf].uuid, "a-4", "the member flow of p4");
	lf = traced_member(skel, &sb, 6, 1, 99, OVN_PIPE_EGRESS, 1, &ev);
	if (ASSERT_GE(lf, 0, "egress ACL of p6: a row"))
		ASSERT_STREQ(sb.lflows[lf].uuid, "a-6", "the member flow of p6");
	lf = traced_member(skel, &sb, 2, 9, 50, OVN_PIPE_INGRESS, 2, &ev);
	ASSERT_EQ(ev.port, 1, "inport p1");
	if (ASSERT_GE(lf, 0, "ingress inport family: a row"))
		ASSERT_STREQ(sb.lflows[lf].uuid, "c-1", "the member flow of inport p1");
out:
	trace_sb_free(&sb);
	compiler_free(c);
	ovnbpf_writer_free(w);
	ovnbpf_vif__destroy(skel);
}
