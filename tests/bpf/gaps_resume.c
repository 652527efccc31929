// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * Punt meter defaults (loader/meter.c -> ovn_meters), FDB helper flows added,
 * moved and deleted (loader/compile_fdb.c), and a paused put_dhcp_opts
 * packet continued through ovnbpf_resume (loader/resume.c): the op after
 * the punt sets the result bit and the next stage delivers.
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/test_progs.h"
#include "tests/bpf/bpf_test.h"
#include "tests/bpf/pkt.h"
#include "loader/actions.h"
#include "loader/compile.h"
#include "loader/meter.h"
#include "loader/resume.h"
#include "maps/resume.h"
#include "ovnbpf_vif.skel.h"

#define LO	1

static const struct action_opt_def defs[] = {
	{ "offerip", 0, "ipv4" }, { "router", 3, "ipv4" }, { "server_id", 54, "ipv4" },
};
static const struct action_opt_table opts = { defs, 3 };
static const uint8_t MAC1[6] = { 0x0a, 0, 0, 0, 0, 1 };
static const uint8_t MACX[6] = { 0x0a, 0, 0, 0, 0, 0x77 };
static struct ovn_ctx ctx;

static int flow(struct compiler *c, int pl, int t, int prio, const char *m, const char *a)
{
	static int n;
	char uuid[32];

	snprintf(uuid, sizeof(uuid), "r%d", n++);
	return compile_flow_add(c, &(struct compile_lflow){ .uuid = uuid, .dp = 1,
		.pipeline = pl, .table = t, .priority = prio, .match = m, .actions = a });
}

static int setup(struct compiler *c)
{
	int err = 0, t;

	compile_set_opt_tables(c, &opts, NULL);
	err |= compile_datapath_add(c, 1, OVN_DP_SWITCH);
	err |= compile_port_add(c, &(struct compile_port){ .name = "p2", .dp = 1, .key = 2,
							   .type = "", .ifindex = LO });
	err |= compile_port_add(c, &(struct compile_port){ .name = "p3", .dp = 1, .key = 3,
							   .type = "", .ifindex = LO });
	err |= compile_port_add(c, &(struct compile_port){ .name = "p1", .dp = 1, .key = 1,
							   .type = "", .ifindex = LO });
	for (t = 0; t < 27; t++)
		if (t != 20 && t != 21 && t != 25 && t != 26)
			err |= flow(c, 0, t, 0, "1", "next;");
	err |= flow(c, 0, 20, 100, "udp.dst == 67",
		    "reg0[3] = put_dhcp_opts(offerip = 10.0.0.2, router = 10.0.0.1, "
		    "server_id = 10.0.0.1); next;");
	err |= flow(c, 0, 20, 0, "1", "next;");
	err |= flow(c, 0, 21, 100, "udp.dst == 67 && reg0[3]",
		    "outport = inport; flags.loopback = 1; output;");
	err |= flow(c, 0, 21, 0, "1", "next;");
	err |= flow(c, 0, 25, 0, "1", "outport = get_fdb(eth.dst); next;");
	err |= flow(c, 0, 26, 50, "outport == \"none\"", "drop;");
	err |= flow(c, 0, 26, 0, "1", "output;");
	for (t = 0; t < 9; t++)
		err |= flow(c, 1, t, 0, "1", "next;");
	err |= flow(c, 1, 9, 0, "1", "output;");
	return err ?: compile_commit(c);
}

static int read_meter(struct pl_fix *f, uint32_t id, struct ovn_meter *m)
{
	int ncpu = libbpf_num_possible_cpus();
	struct ovn_meter *v = calloc(ncpu > 0 ? ncpu : 1, sizeof(*v));
	int err = v && !bpf_map_lookup_elem(f->m.meters, &id, v) ? 0 : -1;

	if (!err)
		*m = v[0];
	free(v);
	return err;
}

static int read_ctx_at(struct pl_fix *f, uint32_t key, struct ovn_ctx *c)
{
	int ncpu = libbpf_num_possible_cpus();
	size_t sz = (sizeof(*c) + 7) & ~7UL;
	char *v = calloc(ncpu > 0 ? ncpu : 1, sz);
	int err = v && !bpf_map_lookup_elem(f->m.ctx, &key, v) ? 0 : -1;

	if (!err)
		memcpy(c, v, sizeof(*c));
	free(v);
	return err;
}

static uint32_t to(struct pl_fix *f, const uint8_t *dmac)
{
	uint8_t pkt[128];
	uint32_t ret, len = pkt_udp4(pkt, dmac, MAC1, htonl(0x0a000001), htonl(0x0a000002),
				     1000, 9, 8);

	if (bpf_test_run_skb(f->prog_fd, pkt, len, &ret, NULL, NULL) || pl_read_ctx(f, &ctx))
		return UINT32_MAX;
	return ctx.x.drop_reason ? 0 : ctx.x.out_port[0];
}

void test_gaps_resume(void)
{
	struct compiler *c = NULL;
	struct ovn_meter m;
	struct pl_fix f;

	if (!env.has_root) {
		test__skip("needs root for BPF_PROG_TEST_RUN");
		return;
	}
	if (!ASSERT_OK(pl_fix_open(&f), "pl_fix_open"))
		return;
	if (!ASSERT_OK(compiler_new(f.w, NULL, &c), "compiler_new") ||
	    !ASSERT_OK(setup(c), "setup"))
		goto out;

	if (test__start_subtest("meters")) {
		uint16_t a, b;

		meter_set_default(5, 7);
		meter_bind_writer(f.w);
		ASSERT_OK(read_meter(&f, 0, &m), "read 0");
		ASSERT_EQ(m.rate_pps, 5, "default rate (--punt-rate)");
		ASSERT_EQ(m.burst, 7, "default burst (--punt-burst)");
		ASSERT_EQ(meter_id(NULL), 0, "no name: default");
		a = meter_id("gaps-copp-arp");
		b = meter_id("gaps-copp-dhcp");
		ASSERT_GT(a, 0, "a name gets an id");
		ASSERT_NEQ(a, b, "another name another id");
		ASSERT_EQ(meter_id("gaps-copp-arp"), a, "stable");
		ASSERT_OK(read_meter(&f, b, &m), "read b");
		ASSERT_EQ(m.rate_pps, 5, "a name without a row runs at the default");
		ASSERT_OK(meter_set_rate("gaps-copp-dhcp", 9, 3), "set");
		ASSERT_OK(read_meter(&f, b, &m), "read b again");
		ASSERT_EQ(m.rate_pps, 9, "SB rate");
		ASSERT_EQ(m.burst, 3, "SB burst");
		ASSERT_OK(meter_set_rate("gaps-copp-dhcp", -1, 0), "row gone");
		ASSERT_OK(read_meter(&f, b, &m), "read b once more");
		ASSERT_EQ(m.rate_pps, 5, "back to the default");
		meter_set_default(METER_DEFAULT_PPS, METER_DEFAULT_BURST);
		meter_bind_writer(NULL);
	}
	if (test__start_subtest("fdb_add_move_del")) {
		ASSERT_EQ(to(&f, MACX), 0, "unknown MAC: outport none, dropped");
		ASSERT_OK(compile_fdb_add(c, 1, MACX, 2), "learn on p2");
		ASSERT_OK(compile_commit(c), "commit");
		ASSERT_EQ(to(&f, MACX), 2, "get_fdb: p2");
		ASSERT_OK(compile_fdb_add(c, 1, MACX, 3), "moves to p3");
		ASSERT_OK(compile_commit(c), "commit");
		ASSERT_EQ(to(&f, MACX), 3, "get_fdb: p3");
		ASSERT_OK(compile_fdb_del(c, 1, MACX), "deleted");
		ASSERT_EQ(compile_fdb_del(c, 1, MACX), -ENOENT, "gone");
		ASSERT_OK(compile_commit(c), "commit");
		ASSERT_EQ(to(&f, MACX), 0, "dropped again");
	}
	if (test__start_subtest("dhcp_resume")) {
		static struct ovn_punt_event ev;
		const struct compile_pause *p;
		struct ovnbpf_counter bad0, bad1;
		uint8_t pkt[128], junk[200] = { 0 };
		uint32_t ret, len = pkt_udp4(pkt, (uint8_t[]){ 0xff, 0xff, 0xff, 0xff, 0xff, 0xff },
					     MAC1, 0, 0xffffffff, 68, 67, 8);
		int rfd = bpf_program__fd(f.skel->progs.ovnbpf_resume);

		ASSERT_OK(bpf_test_run_skb(f.prog_fd, pkt, len, &ret, NULL, NULL), "run");
		ASSERT_OK(pl_read_ctx(&f, &ctx), "ctx");
		ASSERT_EQ(ctx.x.drop_reason, DROP_PUNT, "paused: punted");
		p = compile_pause_find(c, ctx.x.best_flow);
		if (!ASSERT_OK_PTR(p, "the punting flow is known as pausing"))
			goto out;
		ASSERT_EQ(p->table, 20, "its table");
		ev.opcode = ACT_PUT_DHCPV4_OPTS;
		ev.flow = ctx.x.best_flow;
		memcpy(&ev.md, &ctx.md, sizeof(ev.md));
		resume_init(rfd, f.w);
		ASSERT_OK(resume_packet(&ev, p, pkt, len), "resume");
		ASSERT_OK(read_ctx_at(&f, OVN_CTX_RESUME, &ctx), "resume ctx");
		ASSERT_EQ(ctx.x.drop_reason, DROP_NONE, "continued and delivered");
		ASSERT_EQ(ctx.x.n_out, 1, "one delivery");
		/* Only table 21's `reg0[3]` flow outputs to the inport:
		 * the op after the punt set the result bit. */
		ASSERT_EQ(ctx.x.out_port[0], 1, "back to the client's port (reg0[3] was set)");
		ASSERT_EQ(ctx.x.out_ret[0], 0, "clone_redirect sent it");
		/* A bad header is refused and counted. */
		bpf_test_read_counter(f.m.drops, DROP_RESUME_BAD, &bad0);
		ASSERT_OK(bpf_test_run_skb(rfd, junk, sizeof(junk), &ret, NULL, NULL), "junk");
		bpf_test_read_counter(f.m.drops, DROP_RESUME_BAD, &bad1);
		ASSERT_EQ(bad1.packets - bad0.packets, 1, "resume-bad-header counted");
		resume_init(-1, NULL);
	}
out:
	compiler_free(c);
	pl_fix_close(&f);
}
