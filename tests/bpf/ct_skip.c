// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * Kube-OVN conntrack skip (loader/ct_skip.h) over an SB replica: which
 * priority-105/110 flows the daemon adds per option, per switch kind (one
 * router port: the router's networks; localnet: its external_ids), none
 * without LB VIPs, none twice when the SB comes from the patched northd,
 * and every change applied incrementally.
 */
#include <stdio.h>
#include <string.h>

#include "loader/compile.h"
#include "loader/ct_skip.h"
#include "ovsdb-client/replica.h"
#include "tests/bpf/bpf_test.h"
#include "tests/test_progs.h"
#include "tests/unit/sb_replica_fix.h"

static const char *const tables[] = {
	"SB_Global", "Datapath_Binding", "Port_Binding", "Logical_Flow", "Logical_DP_Group", NULL,
};

#define U(n) "'00000000-0000-0000-0000-0000000000" #n "'"
#define REF(n) "['uuid'," U(n) "]"

static const char *const topo =
	"{'Datapath_Binding': {"
	U(01) ": {'insert': {'tunnel_key': 1}},"
	U(02) ": {'insert': {'tunnel_key': 2}},"
	U(03) ": {'insert': {'tunnel_key': 3, 'external_ids': ['map', [['logical-router', 'x']]]}},"
	U(04) ": {'insert': {'tunnel_key': 4}}},"
	"'Port_Binding': {"
	U(11) ": {'insert': {'logical_port': 'ls1-r', 'datapath': " REF(01) ", 'type': 'patch',"
	"  'tunnel_key': 1, 'options': ['map', [['peer', 'lrp1']]]}},"
	U(12) ": {'insert': {'logical_port': 'lrp1', 'datapath': " REF(03) ", 'type': 'patch',"
	"  'tunnel_key': 1, 'options': ['map', [['peer', 'ls1-r']]],"
	"  'mac': '00:00:00:00:00:01 10.16.0.1/16 fd00:10::1/64'}},"
	U(13) ": {'insert': {'logical_port': 'lrp2', 'datapath': " REF(03) ", 'type': 'patch',"
	"  'tunnel_key': 2, 'mac': '00:00:00:00:00:02 100.64.0.1/16'}},"
	U(14) ": {'insert': {'logical_port': 'lrp3', 'datapath': " REF(03) ", 'type': 'patch',"
	"  'tunnel_key': 3, 'mac': '00:00:00:00:00:03 169.254.0.1/16 fe80::1/64'}},"
	U(15) ": {'insert': {'logical_port': 'ln2', 'datapath': " REF(02) ", 'type': 'localnet',"
	"  'tunnel_key': 1, 'external_ids': ['map', [['ipv4_network', '192.168.7.0/24'],"
	"  ['ipv6_network', 'fd00:99::1/128']]]}}},"
	"'Logical_Flow': {"
	U(21) ": {'insert': {'logical_datapath': " REF(01) ", 'pipeline': 'ingress', 'table_id': 5,"
	"  'priority': 100, 'match': 'ip', 'actions': 'reg0[2] = 1; next;'}},"
	U(22) ": {'insert': {'logical_datapath': " REF(01) ", 'pipeline': 'ingress', 'table_id': 4,"
	"  'priority': 100, 'match': 'ip', 'actions': 'reg0[0] = 1; next;'}},"
	U(23) ": {'insert': {'logical_datapath': " REF(02) ", 'pipeline': 'ingress', 'table_id': 5,"
	"  'priority': 100, 'match': 'ip', 'actions': 'reg0[2] = 1; next;'}}},"
	"'SB_Global': {" U(99) ": {'insert': {'options': ['map', ["
	"  ['ls_ct_skip_dst_lport_ips', 'true'], ['node_local_dns_ip', '169.254.20.10,fd00::a,bogus'],"
	"  ['skip_conntrack_dst_cidrs', ' 10.96.0.0/12 ,1.2.3.4']]]}}}}";

#define IN4(x) "ip4 && ip4.dst == " x
#define IN6(x) "ip6 && ip6.dst == " x

void test_ct_skip(void)
{
	static const uint32_t ldp[] = { 1, 2, 3, 4 };
	struct compile_opts co = { 0 };
	struct compiler *c = NULL;
	struct ovsdb_replica *r;
	struct ct_skip *cs = NULL;
	struct compile_stats st;
	struct pl_fix f;

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
	    !ASSERT_OK(ct_skip_new(c, &cs), "ct_skip"))
		goto out;
	for (unsigned int i = 0; i < 4; i++)
		compile_datapath_add(c, ldp[i], i == 2 ? OVN_DP_ROUTER : OVN_DP_SWITCH);
	if (!sb_fix_apply(r, topo))
		goto out;

	test__start_subtest("options");
	ASSERT_TRUE(ct_skip_tracked(r), "the load concerns it");
	ASSERT_EQ(ct_skip_sync(cs, r, ldp, 4), 14, "14 flows");
	ovsdb_replica_clear_tracked(r);
	/* ls1: one router port, LBs, stateful ACLs. */
	ASSERT_TRUE(ct_skip_installed(cs, 1, "ls_in_pre_lb", 105, IN4("169.254.20.10")), "dns4");
	ASSERT_TRUE(ct_skip_installed(cs, 1, "ls_in_pre_lb", 105, IN6("fd00::a")), "dns6");
	ASSERT_TRUE(ct_skip_installed(cs, 1, "ls_in_pre_acl", 110, IN4("169.254.20.10")),
		    "dns skips ingress ACL ct");
	ASSERT_TRUE(ct_skip_installed(cs, 1, "ls_out_pre_acl", 110, IN6("fd00::a")),
		    "dns skips egress ACL ct");
	ASSERT_TRUE(ct_skip_installed(cs, 1, "ls_in_pre_lb", 105, IN4("10.96.0.0/12")), "cidr");
	ASSERT_FALSE(ct_skip_installed(cs, 1, "ls_in_pre_lb", 105, IN4("1.2.3.4")),
		     "cidr without /len dropped");
	ASSERT_TRUE(ct_skip_installed(cs, 1, "ls_in_pre_lb", 105, IN4("10.16.0.0/16")),
		    "router net (own subnet)");
	ASSERT_TRUE(ct_skip_installed(cs, 1, "ls_in_pre_lb", 105, IN6("fd00:10::/64")),
		    "router net v6");
	ASSERT_TRUE(ct_skip_installed(cs, 1, "ls_in_pre_lb", 105, IN4("100.64.0.0/16")),
		    "other router port's net (join)");
	ASSERT_FALSE(ct_skip_installed(cs, 1, "ls_in_pre_lb", 105, IN4("169.254.0.0/16")),
		     "link-local v4 skipped");
	ASSERT_FALSE(ct_skip_installed(cs, 1, "ls_in_pre_lb", 105, IN6("fe80::/64")),
		     "link-local v6 skipped");
	/* ls2: localnet, LBs, no stateful ACLs. */
	ASSERT_TRUE(ct_skip_installed(cs, 2, "ls_in_pre_lb", 105, IN4("192.168.7.0/24")),
		    "localnet ipv4_network");
	ASSERT_FALSE(ct_skip_installed(cs, 2, "ls_in_pre_lb", 105, IN6("fd00:99::1/128")),
		     "/128 ignored");
	ASSERT_FALSE(ct_skip_installed(cs, 2, "ls_in_pre_acl", 110, IN4("169.254.20.10")),
		     "no stateful ACLs: no pre_acl flow");
	ASSERT_FALSE(ct_skip_installed(cs, 4, "ls_in_pre_lb", 105, IN4("169.254.20.10")),
		     "no LB VIPs: nothing");
	compile_get_stats(c, &st);
	ASSERT_EQ(st.flows, 14, "compiled");
	ASSERT_EQ(st.errors, 0, "no errors");
	ASSERT_EQ(ct_skip_sync(cs, r, ldp, 4), 0, "idempotent");

	test__start_subtest("patched_northd");
	/* SB written by Kube-OVN's northd already has some of them. */
	sb_fix_apply(r, "{'Logical_Flow': {" U(31) ": {'insert': {'logical_datapath': " REF(01) ","
	      " 'pipeline': 'ingress', 'table_id': 5, 'priority': 105,"
	      " 'match': 'ip4 && ip4.dst == 169.254.20.10', 'actions': 'next;',"
	      " 'external_ids': ['map', [['kube-ovn-hint', 'kube-ovn: skip conntrack']]]}},"
	      U(32) ": {'insert': {'logical_datapath': " REF(01) ","
	      " 'pipeline': 'egress', 'table_id': 0, 'priority': 110,"
	      " 'match': 'ip4 && ip4.dst == 169.254.20.10', 'actions': 'next;'}}}}");
	ASSERT_TRUE(ct_skip_tracked(r), "pre_lb flow change concerns it");
	ASSERT_EQ(ct_skip_sync(cs, r, ldp, 4), 2, "two of ours withdrawn");
	ovsdb_replica_clear_tracked(r);
	ASSERT_EQ(ct_skip_count(cs), 12, "12 left");
	ASSERT_FALSE(ct_skip_installed(cs, 1, "ls_in_pre_lb", 105, IN4("169.254.20.10")),
		     "not doubled");
	ASSERT_TRUE(ct_skip_installed(cs, 1, "ls_in_pre_acl", 110, IN4("169.254.20.10")),
		    "the one SB lacks stays");

	test__start_subtest("incremental");
	sb_fix_apply(r, "{'Logical_Flow': {" U(31) ": {'delete': null}, " U(32) ": {'delete': null}}}");
	ASSERT_EQ(ct_skip_sync(cs, r, ldp, 4), 2, "back when SB drops them");
	ovsdb_replica_clear_tracked(r);
	/* A second router port on ls1: the localnet rule applies (none). */
	sb_fix_apply(r, "{'Port_Binding': {" U(16) ": {'insert': {'logical_port': 'ls1-r2', 'datapath': "
	      REF(01) ", 'type': 'patch', 'tunnel_key': 2, 'options': ['map', [['peer', 'x']]]}}}}");
	ASSERT_EQ(ct_skip_sync(cs, r, ldp, 4), 3, "router nets withdrawn");
	ovsdb_replica_clear_tracked(r);
	ASSERT_FALSE(ct_skip_installed(cs, 1, "ls_in_pre_lb", 105, IN4("10.16.0.0/16")),
		     "two router ports: no router nets");
	/* The localnet's network changes (update2 map diff: new value). */
	sb_fix_apply(r, "{'Port_Binding': {" U(15) ": {'modify': {'external_ids': ['map',"
	      " [['ipv4_network', '192.168.8.0/24']]]}}}}");
	ASSERT_EQ(ct_skip_sync(cs, r, ldp, 4), 2, "old net out, new net in");
	ovsdb_replica_clear_tracked(r);
	ASSERT_TRUE(ct_skip_installed(cs, 2, "ls_in_pre_lb", 105, IN4("192.168.8.0/24")),
		    "new localnet net");
	/* The switch loses its LB. */
	sb_fix_apply(r, "{'Logical_Flow': {" U(23) ": {'delete': null}}}");
	ASSERT_EQ(ct_skip_sync(cs, r, ldp, 4), 4, "ls2 flows withdrawn");
	ovsdb_replica_clear_tracked(r);
	ASSERT_EQ(ct_skip_count(cs), 7, "ls1: dns x2 + 4 pre_acl + cidr");
	/* Options off (a map diff with the same pairs deletes them). */
	sb_fix_apply(r, "{'SB_Global': {" U(99) ": {'modify': {'options': ['map', ["
	      "['ls_ct_skip_dst_lport_ips', 'true'], ['node_local_dns_ip', '169.254.20.10,fd00::a,bogus'],"
	      "['skip_conntrack_dst_cidrs', ' 10.96.0.0/12 ,1.2.3.4']]]}}}}");
	ASSERT_EQ(ct_skip_sync(cs, r, ldp, 4), 7, "options cleared: all withdrawn");
	ovsdb_replica_clear_tracked(r);
	ASSERT_EQ(ct_skip_count(cs), 0, "nothing left");
	compile_get_stats(c, &st);
	ASSERT_EQ(st.flows, 0, "every flow removed from the compiler");
	/* Not local: nothing. */
	sb_fix_apply(r, "{'SB_Global': {" U(99) ": {'modify': {'options': ['map', ["
	      "['node_local_dns_ip', '169.254.20.10']]]}}}}");
	ASSERT_EQ(ct_skip_sync(cs, r, ldp + 1, 3), 0, "ls1 not local: nothing");
	ASSERT_EQ(ct_skip_sync(cs, r, ldp, 4), 3, "ls1 local again: dns on 3 stages");
out:
	ct_skip_free(cs);
	compiler_free(c);
	pl_fix_close(&f);
out_r:
	ovsdb_replica_destroy(r);
}
