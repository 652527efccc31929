// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * ECMP symmetric reply ops through the compiler and BPF_PROG_TEST_RUN:
 * commit_ecmp_nh() remembers a connection's next hop (MAC entry for the
 * packet, REPLY entry for its replies), chk_ecmp_nh_mac() / chk_ecmp_nh()
 * find them within OVS's learn() timeouts; and push/pop.
 *
 * Topology: router datapath 2 with port lrp1 (key 1, the test's interface
 * lo).  Each check compiles one flow into lr_in_admission (table 0);
 * table 1 is empty, so the packet stops there and the context tells what
 * the flow did.
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "tests/test_progs.h"
#include "tests/bpf/bpf_test.h"
#include "tests/bpf/pkt.h"
#include "tests/bpf/pl_flows.h"
#include "loader/compile.h"
#include "maps/ecmp_nh.h"
#include "ovnbpf_vif.skel.h"

#define EDP	2
#define LO	1

static const uint8_t RMAC[6] = { 0x0a, 0, 0, 0, 0, 0xfe };
static const uint8_t NH1[6] = { 0x0a, 0, 0, 0, 0, 0x11 };
static const uint8_t NH2[6] = { 0x0a, 0, 0, 0, 0, 0x12 };

static struct ovn_ctx ctx;	/* big: not on the stack */

struct en {
	struct pl_fix f;
	struct compiler *c;
	int n_reports;
	int map_fd;
};

static void count_report(void *aux, enum compile_report_kind kind, const char *uuid,
			 const char *reason, const char *detail)
{
	struct en *t = aux;

	(void)kind;
	t->n_reports++;
	printf("  report %s: %s %s\n", uuid, reason, detail ? detail : "");
}

static int en_open(struct en *t)
{
	struct compile_opts o = { .report = count_report, .aux = t };
	struct compile_port p1 = { .name = "lrp1", .dp = EDP, .key = 1, .type = "",
				   .ifindex = LO };

	memset(t, 0, sizeof(*t));
	if (pl_fix_open(&t->f))
		return -1;
	t->map_fd = bpf_map__fd(t->f.skel->maps.ovn_ecmp_nh);
	if (compiler_new(t->f.w, &o, &t->c) || compile_datapath_add(t->c, EDP, OVN_DP_ROUTER) ||
	    compile_port_add(t->c, &p1))
		return -1;
	return 0;
}

static void en_close(struct en *t)
{
	compiler_free(t->c);
	pl_fix_close(&t->f);
}

static int en_flow(struct en *t, const char *match, const char *actions)
{
	return pl_flow_replace(t->c, "f0", EDP, 0, 100, match, actions) ?:
	       compile_commit(t->c);
}

static int en_run(struct en *t, const void *pkt, uint32_t len)
{
	return pl_run_ctx(&t->f, pkt, len, NULL, &ctx);
}

static size_t udp6(uint8_t *b, const uint8_t *smac, const uint8_t *sip, const uint8_t *dip,
		   uint16_t sport, uint16_t dport)
{
	return pkt_udp6(b, RMAC, smac, sip, dip, sport, dport);
}

static size_t udp4(uint8_t *b, const uint8_t *smac, uint32_t src, uint32_t dst, uint16_t sport,
		   uint16_t dport)
{
	return pkt_udp4(b, RMAC, smac, htonl(src), htonl(dst), sport, dport, 8);
}

static uint32_t reg9_bit(int b)
{
	return ntohl(ctx.md.reg[9]) >> b & 1;
}

static uint64_t mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + ts.tv_nsec;
}

#define OUT_IP		0xc0a80107	/* 192.168.1.7: outside client */
#define IN_IP		0x0a00000a	/* 10.0.0.10: inside server */
#define CHK		"reg9[5] = chk_ecmp_nh_mac(); reg9[6] = chk_ecmp_nh(); next;"

void test_ecmp_sym_ops(void)
{
	uint8_t pkt[128], rep[128], s6[16] = { 0xfd, 0x99 }, d6[16] = { 0xfd, 0x01 };
	struct ovn_ecmp_nh_key k = { 0 }, nk;
	struct ovn_ecmp_nh v;
	size_t len, rlen;
	int n_entries = 0;
	struct en t;

	if (!env.has_root) {
		test__skip("needs root for BPF_PROG_TEST_RUN");
		return;
	}
	if (!ASSERT_OK(en_open(&t), "setup"))
		goto out;
	len = udp4(pkt, NH1, OUT_IP, IN_IP, 5000, 53);
	rlen = udp4(rep, RMAC, IN_IP, OUT_IP, 53, 5000);

	if (test__start_subtest("nothing_known")) {
		ASSERT_OK(en_flow(&t, "ip4", CHK), "flow");
		ASSERT_OK(en_run(&t, pkt, len), "run");
		ASSERT_EQ(ctx.x.table, 1, "went on");
		ASSERT_EQ(reg9_bit(5), 0, "chk_ecmp_nh_mac: unknown");
		ASSERT_EQ(reg9_bit(6), 0, "chk_ecmp_nh: unknown");
	}

	if (test__start_subtest("commit_then_check")) {
		ASSERT_OK(en_flow(&t, "ip4 && udp", "commit_ecmp_nh(ipv6 = false, proto = udp); "
						    "next;"), "commit flow");
		ASSERT_OK(en_run(&t, pkt, len), "run commit");
		ASSERT_EQ(ctx.x.table, 1, "commit went on");
		while (bpf_map_get_next_key(t.map_fd, n_entries ? &k : NULL, &nk) == 0) {
			k = nk;
			n_entries++;
		}
		ASSERT_EQ(n_entries, 2, "two entries: MAC and REPLY");

		ASSERT_OK(en_flow(&t, "ip4", CHK), "check flow");
		ASSERT_OK(en_run(&t, pkt, len), "run original");
		ASSERT_EQ(reg9_bit(5), 1, "same MAC, same tuple: known");
		ASSERT_EQ(reg9_bit(6), 0, "the original tuple is no reply");
		ASSERT_EQ(ntohl(ctx.md.flags) >> OVN_MLF_LOOKUP_COMMIT_ECMP_NH & 1, 0,
			  "flags bit = the last lookup");
		ASSERT_OK(en_run(&t, rep, rlen), "run reply");
		ASSERT_EQ(reg9_bit(6), 1, "reply: next hop known");
		ASSERT_EQ(reg9_bit(5), 0, "reply: no MAC entry");
		ASSERT_EQ(ntohl(ctx.md.flags) >> OVN_MLF_LOOKUP_COMMIT_ECMP_NH & 1, 1,
			  "flags.lookup_commit_ecmp_nh set by the hit");

		len = udp4(pkt, NH2, OUT_IP, IN_IP, 5000, 53);
		ASSERT_OK(en_run(&t, pkt, len), "run via other MAC");
		ASSERT_EQ(reg9_bit(5), 0, "same tuple from another next hop: unknown");
		len = udp4(pkt, NH1, OUT_IP, IN_IP, 5000, 53);

		rlen = udp4(rep, RMAC, IN_IP, OUT_IP, 53, 5001);
		ASSERT_OK(en_run(&t, rep, rlen), "run reply other port");
		ASSERT_EQ(reg9_bit(6), 0, "another connection's reply: unknown");
		rlen = udp4(rep, RMAC, IN_IP, OUT_IP, 53, 5000);
	}

	if (test__start_subtest("result_bit_only")) {
		ASSERT_OK(en_flow(&t, "ip4", "reg9 = 0xffffffff; reg9[5] = chk_ecmp_nh(); next;"),
			  "flow");
		ASSERT_OK(en_run(&t, pkt, len), "run");
		ASSERT_EQ(ntohl(ctx.md.reg[9]), 0xffffffdf, "only reg9[5] cleared");
		ASSERT_OK(en_flow(&t, "ip4", "reg8 = 0; reg8[17] = chk_ecmp_nh(); next;"), "flow");
		ASSERT_OK(en_run(&t, rep, rlen), "run");
		ASSERT_EQ(ntohl(ctx.md.reg[8]), 1u << 17, "hit written to reg8[17]");
	}

	if (test__start_subtest("timeouts")) {
		ASSERT_OK(en_flow(&t, "ip4", CHK), "flow");
		/* The REPLY entry: the reply's own tuple. */
		memset(&k, 0, sizeof(k));
		k.dp = EDP;
		k.kind = OVN_ECMP_NH_K_REPLY;
		k.family = 4;
		k.proto = 17;
		k.sport = htons(53);
		k.dport = htons(5000);
		{
			uint32_t a = htonl(IN_IP), b = htonl(OUT_IP);

			memcpy(k.src, &a, 4);
			memcpy(k.dst, &b, 4);
		}
		ASSERT_OK(bpf_map_lookup_elem(t.map_fd, &k, &v), "REPLY entry has the reply's tuple");
		v.used_ns = mono_ns() - (OVN_ECMP_NH_IDLE_S + 1) * 1000000000ull;
		ASSERT_OK(bpf_map_update_elem(t.map_fd, &k, &v, BPF_EXIST), "age: idle");
		ASSERT_OK(en_run(&t, rep, rlen), "run");
		ASSERT_EQ(reg9_bit(6), 0, "idle past 20 s: gone");
		v.used_ns = mono_ns() - (OVN_ECMP_NH_IDLE_S - 5) * 1000000000ull;
		v.created_ns = mono_ns() - (OVN_ECMP_NH_HARD_S + 1) * 1000000000ull;
		ASSERT_OK(bpf_map_update_elem(t.map_fd, &k, &v, BPF_EXIST), "age: hard");
		ASSERT_OK(en_run(&t, rep, rlen), "run");
		ASSERT_EQ(reg9_bit(6), 0, "created over 30 s ago: gone, even if used");
		v.created_ns = mono_ns() - (OVN_ECMP_NH_HARD_S - 5) * 1000000000ull;
		ASSERT_OK(bpf_map_update_elem(t.map_fd, &k, &v, BPF_EXIST), "age: fresh enough");
		ASSERT_OK(en_run(&t, rep, rlen), "run");
		ASSERT_EQ(reg9_bit(6), 1, "within both timeouts: known");
		ASSERT_OK(bpf_map_lookup_elem(t.map_fd, &k, &v), "entry");
		ASSERT_LT(mono_ns() - v.used_ns, 5000000000ull, "a hit refreshes the idle time");

		/* commit_ecmp_nh again restarts the hard timeout. */
		ASSERT_OK(en_flow(&t, "ip4 && udp", "commit_ecmp_nh(ipv6 = false, proto = udp); "
						    "next;"), "commit flow");
		ASSERT_OK(en_run(&t, pkt, len), "recommit");
		ASSERT_OK(bpf_map_lookup_elem(t.map_fd, &k, &v), "entry");
		ASSERT_LT(mono_ns() - v.created_ns, 5000000000ull, "commit restarts the hard time");
	}

	if (test__start_subtest("family_and_proto")) {
		len = udp4(pkt, NH1, OUT_IP + 1, IN_IP, 6000, 53);
		rlen = udp4(rep, RMAC, IN_IP, OUT_IP + 1, 53, 6000);
		ASSERT_OK(en_flow(&t, "ip4", "commit_ecmp_nh(ipv6 = false, proto = tcp); "
					     "commit_ecmp_nh(ipv6 = true, proto = udp); next;"),
			  "mismatching commits");
		ASSERT_OK(en_run(&t, pkt, len), "run");
		ASSERT_EQ(ctx.x.table, 1, "went on");
		ASSERT_OK(en_flow(&t, "ip4", CHK), "flow");
		ASSERT_OK(en_run(&t, pkt, len), "run");
		ASSERT_EQ(reg9_bit(5), 0, "tcp commit on a UDP packet learns nothing");
		ASSERT_OK(en_run(&t, rep, rlen), "run");
		ASSERT_EQ(reg9_bit(6), 0, "ipv6 commit on an IPv4 packet learns nothing");

		s6[15] = 7;
		d6[15] = 0x10;
		len = udp6(pkt, NH2, s6, d6, 7000, 80);
		rlen = udp6(rep, RMAC, d6, s6, 80, 7000);
		ASSERT_OK(en_flow(&t, "ip6 && udp", "commit_ecmp_nh(ipv6 = true, proto = udp); "
						    "next;"), "v6 commit");
		ASSERT_OK(en_run(&t, pkt, len), "run");
		ASSERT_OK(en_flow(&t, "ip6", CHK), "flow");
		ASSERT_OK(en_run(&t, pkt, len), "run v6");
		ASSERT_EQ(reg9_bit(5), 1, "IPv6 MAC entry");
		ASSERT_OK(en_run(&t, rep, rlen), "run v6 reply");
		ASSERT_EQ(reg9_bit(6), 1, "IPv6 reply known");
		d6[15] = 0x11;
		rlen = udp6(rep, RMAC, d6, s6, 80, 7000);
		ASSERT_OK(en_run(&t, rep, rlen), "run v6 reply from another address");
		ASSERT_EQ(reg9_bit(6), 0, "another IPv6 source: unknown");
	}

	if (test__start_subtest("push_pop")) {
		len = udp4(pkt, NH1, OUT_IP, IN_IP, 5000, 53);
		ASSERT_OK(en_flow(&t, "ip4", "reg0 = 5; push(reg0); reg0 = 7; reg1 = reg0; "
					     "pop(reg0); next;"), "flow");
		ASSERT_OK(en_run(&t, pkt, len), "run");
		ASSERT_EQ(ctx.x.table, 1, "went on");
		ASSERT_EQ(ntohl(ctx.md.reg[0]), 5, "pop restores reg0");
		ASSERT_EQ(ntohl(ctx.md.reg[1]), 7, "the value between push and pop");

		/* northd's lr_in_arp_resolve pattern, with another source. */
		ASSERT_OK(en_flow(&t, "ip4", "xxreg0 = 0x1234; xxreg1 = 0x0a000000004200000000; "
					     "push(xxreg0); xxreg0 = xxreg1; "
					     "eth.dst = xxreg0[32..79]; pop(xxreg0); next;"),
			  "flow");
		ASSERT_OK(en_run(&t, pkt, len), "run");
		{
			const uint8_t want[6] = { 0x0a, 0, 0, 0, 0, 0x42 };

			ASSERT_MEMEQ(ctx.key.eth_dst, want, 6, "eth.dst = the saved bits");
		}
		ASSERT_EQ(ntohl(ctx.md.reg[3]), 0x1234, "xxreg0 restored");
		ASSERT_EQ(ntohl(ctx.md.reg[0]), 0, "xxreg0 restored (top)");

		ASSERT_OK(en_flow(&t, "ip4", "reg2 = 0; reg2[1..3] = 5; reg4 = 1; push(reg4); "
					     "push(reg2[1..3]); reg2[1..3] = 2; reg3 = 0; "
					     "reg3[0..2] = reg2[1..3]; reg4 = 9; pop(reg2[1..3]); "
					     "pop(reg4); next;"), "nested, sub-byte");
		ASSERT_OK(en_run(&t, pkt, len), "run");
		ASSERT_EQ(ntohl(ctx.md.reg[2]), 5 << 1, "bit field restored");
		ASSERT_EQ(ntohl(ctx.md.reg[3]), 2, "between");
		ASSERT_EQ(ntohl(ctx.md.reg[4]), 1, "outer push restored last");

		t.n_reports = 0;
		ASSERT_OK(en_flow(&t, "ip4", "push(xxreg0); push(xxreg1); push(reg9); "
					     "pop(reg9); pop(xxreg1); pop(xxreg0); next;"),
			  "overflow flow");
		ASSERT_GT(t.n_reports, 0, "more than 32 bytes pushed is reported");
	}
out:
	en_close(&t);
}
