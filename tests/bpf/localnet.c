// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * ovnbpf_from_phys through BPF_PROG_TEST_RUN (the test run's device is lo,
 * ifindex 1, and the VLAN tag stays in the frame: the program handles
 * both places): which localnet port a frame enters by its VLAN ID, the tag
 * stripped; frames for no localnet port, to the device's own MAC, or with
 * stacked tags go to the host untouched (TC_ACT_OK) and are counted.
 */
#include <arpa/inet.h>
#include <string.h>

#include "tests/test_progs.h"
#include "tests/bpf/bpf_test.h"
#include "maps/localnet.h"
#include "maps/ovnbpf_maps.h"
#include "ovnbpf_vif.skel.h"

#define LN_IFINDEX 1	/* the test run's device */

static const __u8 ln_dev_mac[6] = { 0x02, 0, 0, 0x4c, 0, 0x01 };

/* An IPv4/UDP frame from 02:..:64 to DST, with an 802.1Q tag VID (or
 * none: -1; VID 0 is a priority tag) and, when INNER >= 0, a second tag.
 * Returns its length. */
static __u32 ln_frame(__u8 *f, const __u8 dst[6], int vid, int inner)
{
	static const __u8 src[6] = { 0x02, 0, 0, 0x4c, 0, 0x64 };
	static const __u8 ip[28] = {
		0x45, 0, 0, 28, 0, 1, 0, 0, 64, 17, 0, 0,
		192, 168, 77, 100, 192, 168, 77, 10,
		0, 9, 0, 9, 0, 8, 0, 0,
	};
	__u32 n = 12;

	memset(f, 0, 128);
	memcpy(f, dst, 6);
	memcpy(f + 6, src, 6);
	if (vid >= 0) {
		f[n++] = 0x81, f[n++] = 0x00, f[n++] = vid >> 8, f[n++] = vid & 0xff;
		if (inner >= 0)
			f[n++] = 0x81, f[n++] = 0x00, f[n++] = inner >> 8, f[n++] = inner & 0xff;
	}
	f[n++] = 0x08, f[n++] = 0x00;
	memcpy(f + n, ip, sizeof(ip));
	return n + sizeof(ip) < 60 ? 60 : n + sizeof(ip);
}

static int ln_add(struct pl_fix *fx, __u32 vlan, __u32 dp, __u32 port)
{
	struct ovn_localnet_key k = { .ifindex = LN_IFINDEX, .vlan = vlan };
	struct ovn_localnet v = { .dp = dp, .port = port, .ct_zone = 7 };
	struct ovn_dp d = { .type = OVN_DP_SWITCH };

	memcpy(v.dev_mac, ln_dev_mac, 6);
	if (bpf_map_update_elem(bpf_map__fd(fx->skel->maps.ovn_dps), &dp, &d, BPF_ANY))
		return -errno;
	return bpf_map_update_elem(bpf_map__fd(fx->skel->maps.ovn_localnet), &k, &v, BPF_ANY)
		? -errno : 0;
}

static __u64 ln_count(struct pl_fix *fx, __u32 reason)
{
	struct ovnbpf_counter c;

	if (bpf_test_read_counter(fx->m.drops, reason, &c))
		return ~0ull;
	return c.packets;
}

/* Run FRAME; *retval the verdict, OUT the frame after the program. */
static int ln_run(struct pl_fix *fx, const __u8 *frame, __u32 len, __u32 *retval, __u8 *out,
		  __u32 *out_len)
{
	*out_len = 256;
	return bpf_test_run_skb(bpf_program__fd(fx->skel->progs.ovnbpf_from_phys), frame, len,
				retval, out, out_len);
}

void test_localnet_from_phys(void)
{
	static const __u8 pod[6] = { 0, 0, 0, 0x4c, 0x01, 0x0a };
	__u8 f[128], g[128], out[256];
	__u32 len, glen, out_len, retval;
	struct ovn_ctx *c = NULL;
	struct pl_fix fx;
	__u64 before;

	if (!env.has_root) {
		test__skip("needs root for BPF_PROG_TEST_RUN");
		return;
	}
	if (!ASSERT_OK(pl_fix_open(&fx), "pl_fix_open"))
		return;
	c = calloc(1, sizeof(*c));
	if (!ASSERT_OK_PTR(c, "ctx"))
		goto out;

	if (test__start_subtest("no_port_to_host")) {
		/* Nothing mapped: every frame passes, untouched, counted. */
		len = ln_frame(f, pod, -1, -1);
		before = ln_count(&fx, DROP_LN_TO_HOST);
		ASSERT_OK(ln_run(&fx, f, len, &retval, out, &out_len), "run");
		ASSERT_EQ(retval, TC_ACT_OK, "verdict: to the host");
		ASSERT_EQ(out_len, len, "length kept");
		ASSERT_MEMEQ(out, f, len, "frame untouched");
		ASSERT_EQ(ln_count(&fx, DROP_LN_TO_HOST), before + 1, "counted to-host");
		ASSERT_EQ(ln_count(&fx, DROP_NONE), 0, "nothing accepted by a pipeline");
	}

	if (test__start_subtest("tag_selects_port")) {
		ASSERT_OK(ln_add(&fx, 0, 11, 1), "untagged port: dp 11");
		ASSERT_OK(ln_add(&fx, 20, 12, 3), "VLAN 20 port: dp 12");

		/* VLAN 20: enters dp 12 as port 3, the tag gone. */
		len = ln_frame(f, pod, 20, -1);
		glen = ln_frame(g, pod, -1, -1);
		ASSERT_OK(ln_run(&fx, f, len, &retval, out, &out_len), "run tagged");
		ASSERT_EQ(retval, TC_ACT_SHOT, "tagged: consumed by the pipeline");
		ASSERT_OK(pl_read_ctx(&fx, c), "ctx");
		ASSERT_EQ(c->x.dp_key, 12, "tagged: datapath of the VLAN 20 port");
		ASSERT_EQ(ntohl(c->md.inport), 3, "tagged: inport is the VLAN 20 port");
		ASSERT_EQ(ntohl(c->md.ct_zone), 7, "tagged: its conntrack zone");
		ASSERT_EQ(out_len, len - 4, "tag stripped");
		ASSERT_MEMEQ(out, g, 14 + 28, "frame as if untagged");

		/* Untagged and priority-tagged (VID 0): the untagged port. */
		ASSERT_OK(ln_run(&fx, g, glen, &retval, out, &out_len), "run untagged");
		ASSERT_OK(pl_read_ctx(&fx, c), "ctx");
		ASSERT_EQ(c->x.dp_key, 11, "untagged: datapath of the untagged port");
		ASSERT_EQ(ntohl(c->md.inport), 1, "untagged: inport");
		len = ln_frame(f, pod, 0, -1);
		ASSERT_OK(ln_run(&fx, f, len, &retval, out, &out_len), "run priority-tagged");
		ASSERT_OK(pl_read_ctx(&fx, c), "ctx");
		ASSERT_EQ(c->x.dp_key, 11, "VID 0: the untagged port's datapath");
		ASSERT_EQ(out_len, len - 4, "VID 0: tag stripped");

		/* VLAN 30: no port, to the host with its tag. */
		len = ln_frame(f, pod, 30, -1);
		before = ln_count(&fx, DROP_LN_TO_HOST);
		ASSERT_OK(ln_run(&fx, f, len, &retval, out, &out_len), "run VLAN 30");
		ASSERT_EQ(retval, TC_ACT_OK, "VLAN 30: to the host");
		ASSERT_EQ(out_len, len, "VLAN 30: length kept");
		ASSERT_MEMEQ(out, f, len, "VLAN 30: untouched, tag kept");
		ASSERT_EQ(ln_count(&fx, DROP_LN_TO_HOST), before + 1, "VLAN 30: counted");
	}

	if (test__start_subtest("host_mac_and_malformed")) {
		ASSERT_OK(ln_add(&fx, 0, 11, 1), "untagged port");
		/* To the device's own MAC: the host's, even with a port. */
		len = ln_frame(f, ln_dev_mac, -1, -1);
		before = ln_count(&fx, DROP_LN_TO_HOST);
		ASSERT_OK(ln_run(&fx, f, len, &retval, out, &out_len), "run to device MAC");
		ASSERT_EQ(retval, TC_ACT_OK, "device MAC: to the host");
		ASSERT_MEMEQ(out, f, len, "device MAC: untouched");
		ASSERT_EQ(ln_count(&fx, DROP_LN_TO_HOST), before + 1, "device MAC: counted");
		/* Two tags: no localnet port matches a stack. */
		len = ln_frame(f, pod, 20, 5);
		before = ln_count(&fx, DROP_LN_MALFORMED);
		ASSERT_OK(ln_run(&fx, f, len, &retval, out, &out_len), "run stacked tags");
		ASSERT_EQ(retval, TC_ACT_OK, "stacked: to the host");
		ASSERT_MEMEQ(out, f, len, "stacked: untouched");
		ASSERT_EQ(ln_count(&fx, DROP_LN_MALFORMED), before + 1, "stacked: counted malformed");
	}
out:
	free(c);
	pl_fix_close(&fx);
}
