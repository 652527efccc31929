// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * The VIF entry program through BPF_PROG_TEST_RUN: a well-formed frame is
 * accepted, a runt is dropped and counted under DROP_RUNT_ETH.  Proves the
 * chain clang -> bpftool skeleton -> libbpf -> kernel.
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
		0x08, 0x00,				/* IPv4 */
		0x45, 0x00, 0x00, 0x32,
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

	if (test__start_subtest("accept_eth")) {
		ASSERT_OK(bpf_test_run_skb(prog_fd, pkt, sizeof(pkt), &retval, NULL, NULL),
			  "test_run");
		ASSERT_EQ(retval, TC_ACT_OK, "verdict");
		ASSERT_OK(bpf_test_read_counter(drops_fd, DROP_NONE, &c), "read accepted");
		ASSERT_EQ(c.packets, 1, "accepted packets");
		ASSERT_EQ(c.bytes, sizeof(pkt), "accepted bytes");
	}
	if (test__start_subtest("short_frame")) {
		/* A whole Ethernet header of an unknown ethertype and a short
		 * payload: not a runt, so it is accepted and counted with its
		 * real length.  (The kernel itself refuses a test skb with a
		 * cut IPv4 header.) */
		unsigned char short_pkt[20];

		memcpy(short_pkt, pkt, sizeof(short_pkt));
		short_pkt[12] = 0x88;
		short_pkt[13] = 0xb5;	/* IEEE local experimental */
		ASSERT_OK(bpf_test_run_skb(prog_fd, short_pkt, sizeof(short_pkt), &retval, NULL, NULL),
			  "test_run");
		ASSERT_EQ(retval, TC_ACT_OK, "verdict");
		ASSERT_OK(bpf_test_read_counter(drops_fd, DROP_RUNT_ETH, &c), "read runt");
		ASSERT_EQ(c.packets, 0, "runt drops");
		ASSERT_OK(bpf_test_read_counter(drops_fd, DROP_NONE, &c), "read accepted");
		ASSERT_EQ(c.packets, 2, "accepted packets");
		ASSERT_EQ(c.bytes, sizeof(pkt) + 20, "accepted bytes");
	}
cleanup:
	ovnbpf_vif__destroy(skel);
}
