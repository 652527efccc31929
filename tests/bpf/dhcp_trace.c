// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * A pausing controller action (put_dhcp_opts) in a tracing copy of the
 * datapath: the trace goes on past the punt with the result bit set, as
 * ovn-trace assumes the daemon answered (OVN_PUNT_F_RESUMES), while the
 * daemon's copy stops the packet there (DROP_PUNT) and waits for the
 * reply to resume.
 */
#include <arpa/inet.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "tests/test_progs.h"
#include "tests/bpf/bpf_test.h"
#include "tests/bpf/pkt.h"
#include "loader/actions.h"
#include "loader/compile.h"
#include "loader/meter.h"
#include "maps/drop_reasons.h"
#include "maps/trace.h"
#include "ovnbpf_vif.skel.h"

#define LO	1

static const struct action_opt_def dt_defs[] = {
	{ "offerip", 0, "ipv4" }, { "router", 3, "ipv4" }, { "server_id", 54, "ipv4" },
};
static const struct action_opt_table dt_opts = { dt_defs, 3 };
static const uint8_t DT_MAC1[6] = { 0x0a, 0, 0, 0, 0xd7, 1 };
static const uint8_t DT_BCAST[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };

static int dt_flow(struct compiler *c, int pl, int t, int prio, const char *m, const char *a)
{
	static int n;
	char uuid[32];

	snprintf(uuid, sizeof(uuid), "dt%d", n++);
	return compile_flow_add(c, &(struct compile_lflow){ .uuid = uuid, .dp = 1,
		.pipeline = pl, .table = t, .priority = prio, .match = m, .actions = a });
}

/* Switch dp 1, ports p1 (client) and p2; table 20 pauses on DHCP, table
 * 21 answers only when the result bit is set, else the packet goes to
 * p2. */
static int dt_setup(struct compiler *c)
{
	int err = 0, t;

	compile_set_opt_tables(c, &dt_opts, NULL);
	err |= compile_datapath_add(c, 1, OVN_DP_SWITCH);
	err |= compile_port_add(c, &(struct compile_port){ .name = "p1", .dp = 1, .key = 1,
							   .type = "", .ifindex = LO });
	err |= compile_port_add(c, &(struct compile_port){ .name = "p2", .dp = 1, .key = 2,
							   .type = "", .ifindex = 0 });
	for (t = 0; t < 27; t++)
		if (t != 20 && t != 21 && t != 26)
			err |= dt_flow(c, 0, t, 0, "1", "next;");
	err |= dt_flow(c, 0, 20, 100, "udp.dst == 67",
		       "reg0[3] = put_dhcp_opts(offerip = 10.0.0.2, router = 10.0.0.1, "
		       "server_id = 10.0.0.1); next;");
	err |= dt_flow(c, 0, 20, 0, "1", "next;");
	err |= dt_flow(c, 0, 21, 100, "udp.dst == 67 && reg0[3]",
		       "eth.src = 0a:00:00:00:00:fe; udp.src = 67; udp.dst = 68; "
		       "outport = inport; flags.loopback = 1; output;");
	err |= dt_flow(c, 0, 21, 0, "1", "next;");
	err |= dt_flow(c, 0, 26, 0, "1", "outport = \"p2\"; output;");
	for (t = 0; t < 9; t++)
		err |= dt_flow(c, 1, t, 0, "1", "next;");
	err |= dt_flow(c, 1, 9, 0, "1", "output;");
	return err ?: compile_commit(c);
}

void test_dhcp_trace(void)
{
	struct ovn_trace_buf *b = calloc(1, sizeof(*b));
	struct compiler *c = NULL, *c2 = NULL;
	struct pl_fix f = { 0 }, d = { 0 };
	struct ovn_ctx ctx;
	uint8_t pkt[128];
	uint32_t ret, zero = 0, len, i;
	int fd, punts = 0, resumes = 0;

	if (!env.has_root) {
		test__skip("needs root for BPF_PROG_TEST_RUN");
		goto out;
	}
	if (!ASSERT_OK_PTR(b, "alloc") || !ASSERT_OK(pl_fix_open_trace(&f, true), "load tracing copy") ||
	    !ASSERT_OK(compiler_new(f.w, NULL, &c), "compiler") ||
	    !ASSERT_OK(dt_setup(c), "setup"))
		goto out;
	len = pkt_udp4(pkt, DT_BCAST, DT_MAC1, 0, 0xffffffff, 68, 67, 8);

	if (test__start_subtest("trace_goes_on_with_result_1")) {
		fd = bpf_map__fd(f.skel->maps.ovn_trace);
		ASSERT_OK(bpf_map_update_elem(fd, &zero, b, BPF_ANY), "clear");
		ASSERT_OK(bpf_test_run_skb(f.prog_fd, pkt, len, &ret, NULL, NULL), "run");
		ASSERT_OK(bpf_map_lookup_elem(fd, &zero, b), "read trace");
		for (i = 0; i < b->n_ev && i < OVN_TRACE_MAX_EV; i++) {
			if (b->ev[i].kind != OVN_TR_PUNT)
				continue;
			punts++;
			ASSERT_EQ(b->ev[i].arg, ACT_PUT_DHCPV4_OPTS, "punt of put_dhcp_opts");
			resumes += !!(b->ev[i].port & OVN_PUNT_F_RESUMES);
		}
		ASSERT_EQ(punts, 1, "one punt recorded");
		ASSERT_EQ(resumes, 1, "marked as resuming");
		/* Only table 21's reg0[3] flow sends it back to p1. */
		if (ASSERT_EQ(b->n_out, 1, "one output")) {
			ASSERT_EQ(b->out[0].port, 1, "back to the client (reg0[3] was set)");
			ASSERT_EQ(ntohs(b->out[0].key.tp_src), 67, "answer stage ran: udp.src");
			ASSERT_MEMEQ(b->out[0].key.eth_src, ((uint8_t[]){ 0x0a, 0, 0, 0, 0, 0xfe }),
				     6, "answer stage ran: eth.src");
		}
	}
	if (test__start_subtest("daemon_copy_stops")) {
		if (!ASSERT_OK(pl_fix_open(&d), "load daemon copy") ||
		    !ASSERT_OK(compiler_new(d.w, NULL, &c2), "compiler") ||
		    !ASSERT_OK(dt_setup(c2), "setup"))
			goto out;
		/* The default meter lets it through to the ring buffer. */
		meter_bind_writer(d.w);
		ASSERT_OK(bpf_test_run_skb(d.prog_fd, pkt, len, &ret, NULL, NULL), "run");
		meter_bind_writer(NULL);
		ASSERT_OK(pl_read_ctx(&d, &ctx), "ctx");
		ASSERT_EQ(ctx.x.drop_reason, DROP_PUNT, "paused: punted, not answered");
		ASSERT_EQ(ctx.x.n_out, 0, "nothing delivered before the daemon answers");
	}
out:
	compiler_free(c2);
	compiler_free(c);
	if (d.skel)
		pl_fix_close(&d);
	if (f.skel) {
		ovnbpf_writer_free(f.w);
		ovnbpf_vif__destroy(f.skel);
	}
	free(b);
}
