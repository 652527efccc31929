// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * The VIF entry program through BPF_PROG_TEST_RUN: a frame from an interface
 * that is bound to no logical port is dropped and counted under DROP_NO_VIF.
 * Proves the chain clang -> bpftool skeleton -> libbpf -> kernel.  The
 * pipeline itself is tested in pipeline.c, the parser in parse.c.
 */
#include "tests/test_progs.h"
#include "tests/bpf/bpf_test.h"
#include "ovnbpf_vif.skel.h"

void test_vif_entry(void)
{
	struct ovnbpf_vif *skel = NULL;
	struct ovnbpf_counter c;
	unsigned char pkt[64] = {
		0x00, 0x00, 0x00, 0x00, 0x00, 0x02,	/* dst */
		0x00, 0x00, 0x00, 0x00, 0x00, 0x01,	/* src */
		0x88, 0xb5,				/* local experimental */
	};
	__u32 retval = 0;
	int prog_fd, drops_fd;

	if (!env.has_root) {
		test__skip("needs root for BPF_PROG_TEST_RUN");
		return;
	}
	skel = ovnbpf_vif__open();
	if (!ASSERT_OK_PTR(skel, "ovnbpf_vif__open"))
		return;
	bpf_test_unpin_all(skel->obj);
	if (!ASSERT_OK(ovnbpf_vif__load(skel), "ovnbpf_vif__load"))
		goto cleanup;
	prog_fd = bpf_program__fd(skel->progs.ovnbpf_from_vif);
	drops_fd = bpf_map__fd(skel->maps.ovn_drops);

	if (test__start_subtest("unbound_vif")) {
		/* No ovn_vifs entry for the test device: parsed, then dropped
		 * and counted under DROP_NO_VIF, never accepted. */
		ASSERT_OK(bpf_test_run_skb(prog_fd, pkt, sizeof(pkt), &retval, NULL, NULL),
			  "test_run");
		ASSERT_EQ(retval, TC_ACT_SHOT, "verdict");
		ASSERT_OK(bpf_test_read_counter(drops_fd, DROP_NO_VIF, &c), "read no-vif");
		ASSERT_EQ(c.packets, 1, "no-vif packets");
		ASSERT_EQ(c.bytes, sizeof(pkt), "no-vif bytes");
		ASSERT_OK(bpf_test_read_counter(drops_fd, DROP_NONE, &c), "read accepted");
		ASSERT_EQ(c.packets, 0, "accepted packets");
	}
cleanup:
	ovnbpf_vif__destroy(skel);
}
