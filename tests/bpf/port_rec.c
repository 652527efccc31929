// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * Port groups in the port records (maps/ports.h, loader/compile_sb.c):
 * `outport == @pg` / `inport == @pg` answered from the member ports'
 * ovn_ports values, through the datapath with BPF_PROG_TEST_RUN.  A
 * membership change is staged like a set member (invisible until the
 * commit), survives the port's entry being rewritten, frees its slot
 * after the grace period, and spills to the set map when the record is
 * full -- with the same verdicts.
 */
#include <arpa/inet.h>
#include <linux/pkt_cls.h>
#include <stdlib.h>
#include <string.h>

#include "loader/compile_int.h"
#include "tests/bpf/bpf_test.h"
#include "tests/bpf/pkt.h"
#include "tests/bpf/pl_flows.h"
#include "tests/test_progs.h"

#define LO	1

static const uint8_t MAC1[6] = { 0x0a, 0, 0, 0, 0, 1 };
static const uint8_t MAC2[6] = { 0x0a, 0, 0, 0, 0, 2 };

/* p1 -> p2, UDP; delivered? */
static bool delivered(struct pl_fix *f)
{
	uint8_t pkt[128];
	uint32_t ret = 0, len = pkt_udp4(pkt, MAC2, MAC1, htonl(0x0a000001), htonl(0x0a000002),
					 1, 2, 8);

	struct ovn_ctx ctx;

	if (!ASSERT_OK(pl_run_ctx(f, pkt, len, &ret, &ctx), "run"))
		return false;
	if (getenv("PREC_DEBUG"))
		printf("ret %u drop %u pipeline %u table %u\n", ret, ctx.x.drop_reason, ctx.x.pipeline, ctx.x.table);
	return ret == TC_ACT_REDIRECT;
}

/* Group members in port KEY's record visible now; *SPILL: its flag. */
static int rec_groups(struct pl_fix *f, uint32_t key, int *used, bool *spill)
{
	struct ovn_port_key k = { .dp = 1, .port = key };
	uint32_t ver = 0, zero = 0;
	struct ovn_port v;
	int n = 0;

	if (bpf_map_lookup_elem(f->m.ports, &k, &v) || bpf_map_lookup_elem(f->m.gen, &zero, &ver))
		return -1;
	*used = 0;
	for (int i = 0; i < OVN_PORT_MEMBERS; i++) {
		*used += v.member[i].kind != OVN_PM_FREE;
		n += v.member[i].kind == OVN_PM_GROUP && v.member[i].add_ver <= ver &&
		     ver < v.member[i].rm_ver;
	}
	if (spill)
		*spill = v.flags & OVN_PORT_F_SPILL;
	return n;
}

/* Is port KEY a member of set SET_ID in ovn_set_hash? */
static bool in_set_map(struct pl_fix *f, uint32_t set_id, uint32_t key)
{
	struct ovn_set_key k = { .set_id = set_id, .len = 4 };
	struct ovn_set_member m;
	uint32_t be = htonl(key);

	memcpy(k.v, &be, 4);
	return !bpf_map_lookup_elem(f->m.set_hash, &k, &m);
}

static int pg(struct compiler *c, const char *name, const char *port)
{
	const char *v[1] = { port };

	return compile_port_group_set(c, name, v, port ? 1 : 0);
}

static int add_port(struct compiler *c, const char *name, uint32_t key)
{
	struct compile_port p = { .name = name, .dp = 1, .key = key, .type = "", .ifindex = LO,
				  .ct_zone = key };

	return compile_port_add(c, &p);
}

void test_port_rec_groups(void)
{
	struct compile_opts co = { 0 };
	struct compiler *c = NULL;
	uint32_t pg1_id;
	bool spill = true;
	int used = 0, err = 0;
	struct pl_fix f;
	char name[32], match[96];

	if (!env.has_root) {
		test__skip("needs root for BPF_PROG_TEST_RUN");
		return;
	}
	if (!ASSERT_OK(pl_fix_open(&f), "pl_fix_open"))
		return;
	ovnbpf_writer_set_grace(f.w, 0);
	if (!ASSERT_OK(compiler_new(f.w, &co, &c), "compiler") ||
	    !ASSERT_OK(pl_switch_p1p2(c, LO), "switch"))
		goto out;
	err |= pl_flow(c, 1, OVN_PIPE_INGRESS, 0, 100, "inport == @pg2", "drop;");
	err |= pl_flow_fill(c, 1, OVN_PIPE_INGRESS, 0, OVN_LS_IN_TABLES,
			    "outport = \"p2\"; output;");
	err |= pl_flow(c, 1, OVN_PIPE_EGRESS, 0, 100, "outport == @pg1", "drop;");
	/* Eight more groups, tested by flows that never match a packet. */
	for (int i = 0; i < OVN_PORT_MEMBERS; i++) {
		snprintf(match, sizeof(match), "outport == @f%d && ip4.src == 1.2.3.%d", i, i);
		err |= pl_flow(c, 1, OVN_PIPE_EGRESS, 1, 10 + i, match, "drop;");
	}
	err |= pl_flow_fill(c, 1, OVN_PIPE_EGRESS, 0, OVN_LS_OUT_TABLES, "output;");
	if (!ASSERT_OK(err, "flows"))
		goto out;
	ASSERT_OK(pg(c, "1_pg1", NULL), "pg1 empty");
	ASSERT_OK(compile_commit(c), "commit");
	pg1_id = cc_set_id(c, "@", "1_pg1");
	ASSERT_TRUE(delivered(&f), "no group member: delivered");

	test__start_subtest("outport_group_staged");
	ASSERT_OK(pg(c, "1_pg1", "p2"), "pg1 = {p2}");
	ovnbpf_reclaim(f.w);
	ASSERT_TRUE(delivered(&f), "staged, not committed: still delivered");
	ASSERT_OK(compile_commit(c), "commit");
	ASSERT_FALSE(delivered(&f), "committed: outport == @pg1 drops");
	ASSERT_EQ(rec_groups(&f, 2, &used, &spill), 1, "p2's record holds pg1");
	ASSERT_FALSE(spill, "nothing spilled");
	ASSERT_FALSE(in_set_map(&f, pg1_id, 2), "no set-map member");

	test__start_subtest("inport_group");
	ASSERT_OK(pg(c, "1_pg2", "p1"), "pg2 = {p1}");
	ASSERT_OK(pg(c, "1_pg1", NULL), "pg1 = {}");
	ASSERT_OK(compile_commit(c), "commit");
	ASSERT_FALSE(delivered(&f), "inport == @pg2 drops");
	ASSERT_OK(pg(c, "1_pg2", NULL), "pg2 = {}");
	ASSERT_OK(compile_commit(c), "commit");
	ASSERT_TRUE(delivered(&f), "pg2 emptied: delivered");
	ASSERT_EQ(rec_groups(&f, 1, &used, NULL), 0, "p1's record: no group");
	ASSERT_EQ(used, 0, "grace 0: the removed member's slot is free again");

	test__start_subtest("port_rewritten");
	ASSERT_OK(pg(c, "1_pg1", "p2"), "pg1 = {p2}");
	ASSERT_OK(compile_commit(c), "commit");
	/* The port's entry goes and comes back in one batch (its record
	 * with it): the group membership must be written again. */
	ASSERT_OK(compile_port_del(c, "p2"), "p2 deleted");
	ASSERT_OK(add_port(c, "p2", 2), "p2 back");
	/* LO's VIF is the port added last: p1 again. */
	ASSERT_OK(add_port(c, "p1", 1), "p1 rewritten");
	ASSERT_OK(compile_commit(c), "commit");
	ASSERT_EQ(rec_groups(&f, 2, &used, NULL), 1, "p2's record holds pg1 again");
	ASSERT_FALSE(delivered(&f), "still dropped");

	test__start_subtest("full_record_spills");
	ASSERT_OK(pg(c, "1_pg1", NULL), "pg1 = {}");
	ASSERT_OK(compile_commit(c), "commit");
	for (int i = 0; i < OVN_PORT_MEMBERS; i++) {
		snprintf(name, sizeof(name), "1_f%d", i);
		err |= pg(c, name, "p2");
	}
	ASSERT_OK(err, "f0..f7 = {p2}");
	ASSERT_OK(compile_commit(c), "commit");
	ASSERT_EQ(rec_groups(&f, 2, &used, &spill), OVN_PORT_MEMBERS, "p2's record is full");
	ASSERT_FALSE(spill, "nothing spilled yet");
	ASSERT_TRUE(delivered(&f), "delivered");
	ASSERT_OK(pg(c, "1_pg1", "p2"), "pg1 = {p2}");
	ASSERT_OK(compile_commit(c), "commit");
	rec_groups(&f, 2, &used, &spill);
	ASSERT_TRUE(spill, "p2 spilled");
	ASSERT_TRUE(in_set_map(&f, pg1_id, 2), "pg1's member is in the set map");
	ASSERT_FALSE(delivered(&f), "spilled member: dropped all the same");
	ASSERT_OK(pg(c, "1_pg1", NULL), "pg1 = {}");
	ASSERT_OK(compile_commit(c), "commit");
	ASSERT_FALSE(in_set_map(&f, pg1_id, 2), "spilled member deleted");
	ASSERT_TRUE(delivered(&f), "spilled member removed: delivered");
out:
	compiler_free(c);
	pl_fix_close(&f);
}
