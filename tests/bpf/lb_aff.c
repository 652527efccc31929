// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * Load-balancer session affinity through BPF_PROG_TEST_RUN (bpf/lib/lb_aff.h)
 * on the flows ovn-northd 23.03 writes for Load_Balancers with
 * options:affinity_timeout on a switch (dp 1, client on p1, everything
 * output to p2), compiled by the real compiler:
 *
 *   lb_aff1  10.96.0.10:80 udp -> 10.0.0.1:8080, 10.0.0.2:8080  timeout 5
 *   lb_aff2  10.96.0.11        -> 10.0.0.5, 10.0.0.6             timeout 7
 *   lb_aff6  [fd00::a]:80 udp  -> [fd00::1]:8080, [fd00::2]:8080  timeout 9
 *
 * ls_in_pre_stateful (6) saves the VIP in reg1/xxreg1 + reg2 and runs
 * ct_lb_mark; ls_in_lb_aff_check (11), ls_in_lb (12) and
 * ls_in_lb_aff_learn (13) are northd's flows verbatim (plus a marker on
 * the priority-150 ls_in_lb flows).
 */
#include <arpa/inet.h>
#include <time.h>

#include "tests/test_progs.h"
#include "tests/bpf/bpf_test.h"
#include "tests/bpf/pkt.h"
#include "tests/bpf/pl_flows.h"
#include "loader/compile.h"
#include "loader/conntrack.h"
#include "maps/lb_aff.h"
#include "ovnbpf_vif.skel.h"

#define LO 1

static const uint8_t MAC1[6] = { 0x0a, 0, 0, 0, 0, 1 };
static const uint8_t MAC2[6] = { 0x0a, 0, 0, 0, 0, 2 };

static struct ovn_ctx ctx;

struct aff_fix {
	struct pl_fix f;
	struct compiler *c;
	int aff_fd;
	uint8_t out[256];
	uint32_t out_len;
	uint32_t ret;
};

/* The priority-150 flows (they match the backend registers a hit loads)
 * also mark eth.src, so that a test sees which flow balanced the packet. */
#define AFF_MARK "eth.src = 0a:00:00:00:0a:ff; "
static const uint8_t MARK[6] = { 0x0a, 0, 0, 0, 0x0a, 0xff };

static const struct { uint8_t t; uint16_t prio; const char *m, *a; } aff_flows[] = {
	{ 6, 120, "ip4.dst == 10.96.0.10 && udp.dst == 80",
	  "reg1 = 10.96.0.10; reg2[0..15] = 80; ct_lb_mark;" },
	{ 6, 120, "ip4.dst == 10.96.0.11", "reg1 = 10.96.0.11; ct_lb_mark;" },
	{ 6, 120, "ip6.dst == fd00::a && udp.dst == 80",
	  "xxreg1 = fd00::a; reg2[0..15] = 80; ct_lb_mark;" },
	{ 11, 100, "ct.new && ip4 && reg1 == 10.96.0.10 && reg2[0..15] == 80",
	  "reg9[6] = chk_lb_aff(); next;" },
	{ 11, 100, "ct.new && ip4 && reg1 == 10.96.0.11", "reg9[6] = chk_lb_aff(); next;" },
	{ 11, 100, "ct.new && ip6 && xxreg1 == fd00::a && reg2[0..15] == 80",
	  "reg9[6] = chk_lb_aff(); next;" },
	{ 12, 150, "reg9[6] == 1 && ct.new && ip4 && reg4 == 10.0.0.1 && reg8[0..15] == 8080",
	  AFF_MARK "reg0[1] = 0; reg1 = 10.96.0.10; reg2[0..15] = 80; ct_lb_mark(backends=10.0.0.1:8080);" },
	{ 12, 150, "reg9[6] == 1 && ct.new && ip4 && reg4 == 10.0.0.2 && reg8[0..15] == 8080",
	  AFF_MARK "reg0[1] = 0; reg1 = 10.96.0.10; reg2[0..15] = 80; ct_lb_mark(backends=10.0.0.2:8080);" },
	{ 12, 150, "reg9[6] == 1 && ct.new && ip4 && reg4 == 10.0.0.5",
	  AFF_MARK "reg0[1] = 0; reg1 = 10.96.0.11; ct_lb_mark(backends=10.0.0.5);" },
	{ 12, 150, "reg9[6] == 1 && ct.new && ip4 && reg4 == 10.0.0.6",
	  AFF_MARK "reg0[1] = 0; reg1 = 10.96.0.11; ct_lb_mark(backends=10.0.0.6);" },
	{ 12, 150, "reg9[6] == 1 && ct.new && ip6 && xxreg0 == fd00::1 && reg8[0..15] == 8080",
	  AFF_MARK "reg0[1] = 0; xxreg1 = fd00::a; reg2[0..15] = 80; "
	  "ct_lb_mark(backends=[fd00::1]:8080);" },
	{ 12, 150, "reg9[6] == 1 && ct.new && ip6 && xxreg0 == fd00::2 && reg8[0..15] == 8080",
	  AFF_MARK "reg0[1] = 0; xxreg1 = fd00::a; reg2[0..15] = 80; "
	  "ct_lb_mark(backends=[fd00::2]:8080);" },
	{ 12, 120, "ct.new && ip4.dst == 10.96.0.10 && udp.dst == 80",
	  "reg0[1] = 0; ct_lb_mark(backends=10.0.0.1:8080,10.0.0.2:8080);" },
	{ 12, 110, "ct.new && ip4.dst == 10.96.0.11",
	  "reg0[1] = 0; ct_lb_mark(backends=10.0.0.5,10.0.0.6);" },
	{ 12, 120, "ct.new && ip6.dst == fd00::a && udp.dst == 80",
	  "reg0[1] = 0; ct_lb_mark(backends=[fd00::1]:8080,[fd00::2]:8080);" },
	{ 13, 100, "reg9[6] == 0 && ct.new && ip4 && reg1 == 10.96.0.10 && reg2[0..15] == 80 && "
		   "ip4.dst == 10.0.0.1 && udp.dst == 8080",
	  "commit_lb_aff(vip = \"10.96.0.10:80\", backend = \"10.0.0.1:8080\", proto = udp, "
	  "timeout = 5); /* drop */" },
	{ 13, 100, "reg9[6] == 0 && ct.new && ip4 && reg1 == 10.96.0.10 && reg2[0..15] == 80 && "
		   "ip4.dst == 10.0.0.2 && udp.dst == 8080",
	  "commit_lb_aff(vip = \"10.96.0.10:80\", backend = \"10.0.0.2:8080\", proto = udp, "
	  "timeout = 5); /* drop */" },
	{ 13, 100, "reg9[6] == 0 && ct.new && ip4 && reg1 == 10.96.0.11 && ip4.dst == 10.0.0.5",
	  "commit_lb_aff(vip = \"10.96.0.11\", backend = \"10.0.0.5\", timeout = 7); /* drop */" },
	{ 13, 100, "reg9[6] == 0 && ct.new && ip4 && reg1 == 10.96.0.11 && ip4.dst == 10.0.0.6",
	  "commit_lb_aff(vip = \"10.96.0.11\", backend = \"10.0.0.6\", timeout = 7); /* drop */" },
	{ 13, 100, "reg9[6] == 0 && ct.new && ip6 && xxreg1 == fd00::a && reg2[0..15] == 80 && "
		   "ip6.dst == fd00::1 && udp.dst == 8080",
	  "commit_lb_aff(vip = \"[fd00::a]:80\", backend = \"[fd00::1]:8080\", proto = udp, "
	  "timeout = 9); /* drop */" },
	{ 13, 100, "reg9[6] == 0 && ct.new && ip6 && xxreg1 == fd00::a && reg2[0..15] == 80 && "
		   "ip6.dst == fd00::2 && udp.dst == 8080",
	  "commit_lb_aff(vip = \"[fd00::a]:80\", backend = \"[fd00::2]:8080\", proto = udp, "
	  "timeout = 9); /* drop */" },
};

static int setup(struct aff_fix *x)
{
	struct compile_opts o = { 0 };
	struct compile_stats st;
	int err = 0;

	memset(x, 0, sizeof(*x));
	if (pl_fix_open(&x->f))
		return -1;
	x->aff_fd = bpf_map__fd(x->f.skel->maps.ovn_lb_aff);
	if (compiler_new(x->f.w, &o, &x->c))
		return -1;
	err |= pl_switch_p1p2(x->c, LO);
	for (size_t i = 0; i < sizeof(aff_flows) / sizeof(aff_flows[0]); i++)
		err |= pl_flow(x->c, 1, OVN_PIPE_INGRESS, aff_flows[i].t, aff_flows[i].prio,
			       aff_flows[i].m, aff_flows[i].a);
	err |= pl_flow_fill(x->c, 1, OVN_PIPE_INGRESS, 0, OVN_LS_IN_TABLES,
			    "outport = \"p2\"; output;");
	err |= pl_flow_fill(x->c, 1, OVN_PIPE_EGRESS, 0, OVN_LS_OUT_TABLES, "output;");
	err |= compile_commit(x->c);
	compile_get_stats(x->c, &st);
	if (!ASSERT_EQ(st.unsupported, 0, "every action compiles"))
		err = -1;
	return err ? -1 : 0;
}

static void teardown(struct aff_fix *x)
{
	compiler_free(x->c);
	pl_fix_close(&x->f);
}

static uint32_t ip4a(uint8_t a, uint8_t b, uint8_t c, uint8_t d)
{
	return htonl((uint32_t)a << 24 | (uint32_t)b << 16 | (uint32_t)c << 8 | d);
}

#define CL_A ip4a(10, 0, 0, 100)
#define CL_C ip4a(10, 0, 0, 101)
#define VIP ip4a(10, 96, 0, 10)
#define VIP2 ip4a(10, 96, 0, 11)
#define B1 ip4a(10, 0, 0, 1)
#define B2 ip4a(10, 0, 0, 2)
#define B5 ip4a(10, 0, 0, 5)
#define B6 ip4a(10, 0, 0, 6)

/* Run PKT: 1 delivered, 0 dropped, -1 on a harness failure. */
static int run(struct aff_fix *x, const uint8_t *pkt, size_t len)
{
	x->out_len = sizeof(x->out);
	if (bpf_test_run_skb(x->f.prog_fd, pkt, len, &x->ret, x->out, &x->out_len) ||
	    pl_read_ctx(&x->f, &ctx))
		return -1;
	return ctx.x.drop_reason == 0 && ctx.x.n_out > 0;
}

static int udp(struct aff_fix *x, uint32_t s, uint32_t d, uint16_t sp, uint16_t dp)
{
	uint8_t p[128];
	size_t n = pkt_udp4(p, MAC2, MAC1, s, d, sp, dp, 8);

	return run(x, p, n);
}

static int udp6(struct aff_fix *x, const uint8_t *s, const uint8_t *d, uint16_t sp, uint16_t dp)
{
	uint8_t p[128];

	return run(x, p, pkt_udp6(p, MAC2, MAC1, s, d, sp, dp));
}

static uint32_t out_dst4(struct aff_fix *x)
{
	uint32_t a;

	memcpy(&a, x->out + 30, 4);
	return a;
}

static uint16_t out_dport4(struct aff_fix *x)
{
	return (uint16_t)x->out[36] << 8 | x->out[37];
}

static int n_entries(int fd)
{
	struct ovn_lb_aff_key k, nk;
	int n = 0;

	if (bpf_map_get_next_key(fd, NULL, &k))
		return 0;
	do {
		n++;
	} while (!bpf_map_get_next_key(fd, &k, &nk) && (k = nk, 1));
	return n;
}

/* Age every affinity entry past its timeout. */
static void expire_all(int fd)
{
	struct ovn_lb_aff_key k, nk;
	struct ovn_lb_aff_val v;
	struct timespec ts;
	uint64_t now;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	now = (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
	if (bpf_map_get_next_key(fd, NULL, &k))
		return;
	do {
		if (!bpf_map_lookup_elem(fd, &k, &v)) {
			v.last_ns = now - ((uint64_t)v.timeout_s + 1) * 1000000000ULL;
			bpf_map_update_elem(fd, &k, &v, BPF_EXIST);
		}
	} while (!bpf_map_get_next_key(fd, &k, &nk) && (k = nk, 1));
}

static void clear_all(struct aff_fix *x)
{
	struct ovnbpf_ct ct = { .ct = bpf_map__fd(x->f.skel->maps.ovn_ct),
				.stats = bpf_map__fd(x->f.skel->maps.ovn_ct_stats),
				.gc = bpf_map__fd(x->f.skel->maps.ovn_ct_gc) };
	struct ovn_lb_aff_key k;

	ovnbpf_ct_flush(&ct, -1);
	while (!bpf_map_get_next_key(x->aff_fd, NULL, &k))
		bpf_map_delete_elem(x->aff_fd, &k);
}

static void sub_learn_stick(struct aff_fix *x)
{
	struct ovn_lb_aff_key k = { .dp = 1, .family = 4, .proto = 17, .vip_port = htons(80) };
	struct ovn_lb_aff_val v;
	uint32_t be, a = CL_A, vip = VIP;
	int i, same = 0, delivered = 0;

	ASSERT_EQ(udp(x, CL_A, VIP, 40000, 80), 0, "first packet learns and is dropped");
	ASSERT_EQ(ctx.x.drop_reason, DROP_ACTIONS_END, "by the end of commit_lb_aff's actions");
	ASSERT_EQ(ctx.x.table, 13, "in ls_in_lb_aff_learn");
	memcpy(k.client, &a, 4);
	memcpy(k.vip, &vip, 4);
	if (!ASSERT_OK(bpf_map_lookup_elem(x->aff_fd, &k, &v), "session learned"))
		return;
	memcpy(&be, v.backend, 4);
	ASSERT_TRUE(be == B1 || be == B2, "a backend of the VIP");
	ASSERT_EQ(ntohs(v.backend_port), 8080, "backend port");
	ASSERT_EQ(v.timeout_s, 5, "timeout");
	ASSERT_EQ(v.reg_off, OVN_OFF_REG(4), "loads reg4");
	ASSERT_EQ(n_entries(x->aff_fd), 1, "one session");

	ASSERT_EQ(udp(x, CL_A, VIP, 40000, 80), 1, "the retransmission goes through");
	ASSERT_EQ(out_dst4(x), be, "to the learned backend");
	ASSERT_EQ(out_dport4(x), 8080, "port 8080");
	ASSERT_MEMEQ(x->out + 6, MARK, 6, "by the priority-150 flow (reg9[6], reg4, reg8)");
	ASSERT_EQ(ntohl(ctx.md.flags) >> OVN_MLF_USE_LB_AFF_SESSION & 1, 1,
		  "flags.use_lb_aff_session");
	for (i = 0; i < 24; i++) {
		int r = udp(x, CL_A, VIP, 41000 + 13 * i, 80);

		delivered += r == 1;
		same += r == 1 && out_dst4(x) == be && !memcmp(x->out + 6, MARK, 6);
	}
	ASSERT_EQ(delivered, 24, "every new connection delivered");
	ASSERT_EQ(same, 24, "all of them to the same backend");
	ASSERT_EQ(n_entries(x->aff_fd), 1, "still one session");

	/* Another client has a session of its own. */
	ASSERT_EQ(udp(x, CL_C, VIP, 40000, 80), 0, "client C learns");
	ASSERT_EQ(udp(x, CL_C, VIP, 40000, 80), 1, "and goes through");
	ASSERT_EQ(n_entries(x->aff_fd), 2, "two sessions");
	clear_all(x);
}

static void sub_expire_spread(struct aff_fix *x)
{
	int i, n1 = 0, n2 = 0, learned = 0;

	for (i = 0; i < 32; i++) {
		uint16_t sp = 20000 + 101 * i;

		expire_all(x->aff_fd);
		/* An expired session is a miss: this connection is balanced
		 * anew and learns (drop); its retransmission goes through. */
		learned += udp(x, CL_A, VIP, sp, 80) == 0;
		if (udp(x, CL_A, VIP, sp, 80) != 1)
			continue;
		n1 += out_dst4(x) == B1;
		n2 += out_dst4(x) == B2;
	}
	ASSERT_EQ(learned, 32, "every expired session re-learned");
	ASSERT_EQ(n1 + n2, 32, "all delivered");
	ASSERT_GT(n1, 0, "backend 1 used");
	ASSERT_GT(n2, 0, "backend 2 used");
	ASSERT_EQ(n_entries(x->aff_fd), 1, "re-learned in place");
	clear_all(x);
}

static void sub_portless(struct aff_fix *x)
{
	uint32_t be;

	ASSERT_EQ(udp(x, CL_A, VIP2, 30000, 1234), 0, "learns");
	ASSERT_EQ(udp(x, CL_A, VIP2, 30000, 1234), 1, "goes through");
	be = out_dst4(x);
	ASSERT_TRUE(be == B5 || be == B6, "a backend of the port-less VIP");
	ASSERT_EQ(out_dport4(x), 1234, "port kept");
	ASSERT_EQ(udp(x, CL_A, VIP2, 30001, 5555), 1, "another port: a hit at once");
	ASSERT_EQ(out_dst4(x), be, "same backend");
	ASSERT_MEMEQ(x->out + 6, MARK, 6, "by the priority-150 flow (reg4)");
	ASSERT_EQ(out_dport4(x), 5555, "its port kept");
	clear_all(x);
}

static void sub_ipv6(struct aff_fix *x)
{
	uint8_t cl[16] = { 0xfd, 0, [15] = 0x64 }, vip[16] = { 0xfd, 0, [15] = 0x0a };
	uint8_t b1[16] = { 0xfd, 0, [15] = 1 }, b2[16] = { 0xfd, 0, [15] = 2 }, be[16];
	int i, same = 0;

	ASSERT_EQ(udp6(x, cl, vip, 40000, 80), 0, "learns");
	ASSERT_EQ(udp6(x, cl, vip, 40000, 80), 1, "goes through");
	memcpy(be, x->out + 14 + 24, 16);
	ASSERT_TRUE(!memcmp(be, b1, 16) || !memcmp(be, b2, 16), "a backend");
	ASSERT_MEMEQ(x->out + 6, MARK, 6, "by the priority-150 flow (xxreg0, reg8)");
	for (i = 0; i < 8; i++)
		same += udp6(x, cl, vip, 42000 + i, 80) == 1 &&
			!memcmp(x->out + 14 + 24, be, 16) && !memcmp(x->out + 6, MARK, 6);
	ASSERT_EQ(same, 8, "new connections stick");
	clear_all(x);
}

void test_lb_aff_bpf(void)
{
	struct aff_fix x;

	if (!env.has_root) {
		test__skip("needs root to load BPF");
		return;
	}
	if (!ASSERT_OK(setup(&x), "setup"))
		goto out;
	if (test__start_subtest("learn_then_stick"))
		sub_learn_stick(&x);
	if (test__start_subtest("expire_spreads_again"))
		sub_expire_spread(&x);
	if (test__start_subtest("vip_without_port"))
		sub_portless(&x);
	if (test__start_subtest("ipv6_xxreg0"))
		sub_ipv6(&x);
out:
	teardown(&x);
}
