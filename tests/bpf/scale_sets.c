// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * Set members cost map entries only for sets a compiled flow tests
 * (northd writes e.g. "<pg>_ip4"/"<pg>_ip6" address sets that no ACL may
 * use), and a set update is a sorted diff: unchanged members are not
 * written again, and no flow is recompiled.
 */
#include "loader/compile.h"
#include "tests/bpf/bpf_test.h"
#include "tests/test_progs.h"

void test_scale_lazy_sets(void)
{
	static const char *const a3[] = { "10.0.0.3", "10.0.0.1", "10.0.0.2", "10.0.0.1" };
	static const char *const a2[] = { "10.0.0.2", "10.9.0.0/16" };
	struct compile_lflow f = { .uuid = "acl", .dp = 1, .pipeline = OVN_PIPE_INGRESS,
				   .table = 8, .priority = 100, .match = "ip4.src == $s1",
				   .actions = "next;" };
	struct compile_opts co = { 0 };
	struct compiler *c = NULL;
	struct compile_stats st, st2;
	struct pl_fix fx;

	if (!env.has_root) {
		test__skip("needs root to load BPF");
		return;
	}
	if (!ASSERT_OK(pl_fix_open(&fx), "pl_fix_open"))
		return;
	if (!ASSERT_OK(compiler_new(fx.w, &co, &c), "compiler"))
		goto out;
	compile_datapath_add(c, 1, OVN_DP_SWITCH);
	ASSERT_OK(compile_addr_set_set(c, "s1", a3, 4), "s1 = 3 addresses (one twice)");
	ASSERT_OK(compile_addr_set_set(c, "unused", a3, 3), "a set no flow tests");
	ASSERT_OK(compile_commit(c), "commit");
	compile_get_stats(c, &st);
	ASSERT_EQ(st.set_members, 0, "no flow tests them: no map entry");

	ASSERT_OK(compile_flow_add(c, &f), "flow testing $s1");
	ASSERT_OK(compile_commit(c), "commit");
	compile_get_stats(c, &st);
	ASSERT_EQ(st.set_members, 3, "s1's members written on first use, once each");

	ASSERT_OK(compile_addr_set_set(c, "s1", a2, 2), "s1 = 10.0.0.2, 10.9/16");
	ASSERT_OK(compile_commit(c), "commit");
	compile_get_stats(c, &st2);
	ASSERT_EQ(st2.set_members, 2, "two members");
	/* 10.0.0.1 and .3 deleted, 10.9/16 added; 10.0.0.2 untouched. */
	ASSERT_EQ(st2.set_members_written - st.set_members_written, 3, "only the diff written");
	ASSERT_EQ(st2.flows_compiled, st.flows_compiled, "no flow recompiled");
out:
	compiler_free(c);
	pl_fix_close(&fx);
}
