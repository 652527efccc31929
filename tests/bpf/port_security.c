// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * Port security (loader/port_security.c) through the datapath: a switch
 * compiled from logical flows (check_in_port_sec/check_out_port_sec and
 * the apply stages), packets run with BPF_PROG_TEST_RUN.  The same packet
 * matrix is run with the port's port_security as set members (one entry)
 * and as per-port flows (the same entry twice, which means the same), and
 * the verdicts must be equal, besides the expected allow/drop of each.
 * Also: ports add set members, not flows.
 */
#include <arpa/inet.h>
#include <linux/pkt_cls.h>
#include <string.h>

#include "loader/compile.h"
#include "loader/port_security.h"
#include "maps/drop_reasons.h"
#include "tests/bpf/bpf_test.h"
#include "tests/bpf/pkt.h"
#include "tests/test_progs.h"

#define DP	1
#define LO	1

static const uint8_t MAC1[6] = { 0x0a, 0, 0, 0, 0, 1 };
static const uint8_t MAC2[6] = { 0x0a, 0, 0, 0, 0, 2 };
static const uint8_t MAC3[6] = { 0x0a, 0, 0, 0, 0, 3 };
static const uint8_t BCAST[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
static const uint8_t ZERO[6];

static struct ovn_ctx ctx;

static int flow(struct compiler *c, const char *uuid, bool egress, uint8_t table, uint16_t prio,
		const char *match, const char *actions)
{
	struct compile_lflow f = { .uuid = uuid, .dp = DP, .table = table, .priority = prio,
				   .pipeline = egress ? OVN_PIPE_EGRESS : OVN_PIPE_INGRESS,
				   .match = match, .actions = actions };

	return compile_flow_add(c, &f);
}

/* northd's port-security stages, l2 lookup, everything else `next;`. */
static int switch_setup(struct compiler *c)
{
	char u[32];
	int err = 0, t;

	err |= flow(c, "i0", false, 0, 50, "1", "reg0[15] = check_in_port_sec(); next;");
	err |= flow(c, "i1a", false, 1, 50, "reg0[15] == 1", "drop;");
	err |= flow(c, "i1b", false, 1, 0, "1", "next;");
	err |= flow(c, "l2a", false, 25, 50, "eth.dst == 0a:00:00:00:00:02",
		    "outport = \"p2\"; output;");
	err |= flow(c, "l2b", false, 25, 70, "eth.mcast", "outport = \"p2\"; output;");
	for (t = 2; t < 25; t++) {
		snprintf(u, sizeof(u), "in%d", t);
		err |= flow(c, u, false, t, 0, "1", "next;");
	}
	for (t = 0; t < 8; t++) {
		snprintf(u, sizeof(u), "out%d", t);
		err |= flow(c, u, true, t, 0, "1", "next;");
	}
	err |= flow(c, "o8", true, 8, 0, "1", "reg0[15] = check_out_port_sec(); next;");
	err |= flow(c, "o9a", true, 9, 50, "reg0[15] == 1", "drop;");
	err |= flow(c, "o9b", true, 9, 0, "1", "output;");
	return err;
}

static int port(struct compiler *c, const char *name, uint32_t key, const char *const *ps,
		size_t n)
{
	struct compile_port p = { .name = name, .dp = DP, .key = key, .type = "",
				  .port_security = ps, .n_port_security = n, .ifindex = LO };

	return compile_port_add(c, &p);
}

static size_t udp6(uint8_t *b, const uint8_t *dmac, const uint8_t *smac, const char *src,
		   const char *dst)
{
	uint8_t *ip = b + 14;

	pkt_eth(b, dmac, smac, 0x86dd);
	memset(ip, 0, 48);
	ip[0] = 0x60;
	ip[5] = 8;
	ip[6] = 17;
	ip[7] = 64;
	inet_pton(AF_INET6, src, ip + 8);
	inet_pton(AF_INET6, dst, ip + 24);
	ip[40] = 0x30; ip[41] = 0x39;	/* 12345 -> 53 */
	ip[43] = 53;
	ip[45] = 8;
	return 62;
}

static size_t nd(uint8_t *b, bool na, const uint8_t *smac, const char *src, const char *tgt,
		 const uint8_t *ll)
{
	uint8_t s6[16], d6[16], t6[16];
	size_t len;

	inet_pton(AF_INET6, src, s6);
	inet_pton(AF_INET6, "ff02::1:ff00:1", d6);
	inet_pton(AF_INET6, tgt, t6);
	len = pkt_ns(b, BCAST, smac, s6, d6, t6);
	if (na) {
		b[54] = 136;
		b[54 + 24] = 2;
	}
	memcpy(b + 54 + 26, ll, 6);
	return len;
}

static uint32_t ip4(const char *s)
{
	uint32_t a;

	inet_pton(AF_INET, s, &a);
	return a;
}

struct pcase {
	const char *name;
	bool pass;		/* expected: delivered to p2 */
	size_t (*build)(uint8_t *b);
};

#define P1_IP "10.0.0.1"
#define P1_NET "10.1.0.0/16"
#define P1_IP6 "fd00::1"
#define P1_LLA "fe80::800:ff:fe00:1"

static size_t c_udp_ok(uint8_t *b) { return pkt_udp4(b, MAC2, MAC1, ip4(P1_IP), ip4("10.0.0.2"), 1, 2, 8); }
static size_t c_udp_cidr(uint8_t *b) { return pkt_udp4(b, MAC2, MAC1, ip4("10.1.2.3"), ip4("10.0.0.2"), 1, 2, 8); }
static size_t c_udp_spoof_mac(uint8_t *b) { return pkt_udp4(b, MAC2, MAC3, ip4(P1_IP), ip4("10.0.0.2"), 1, 2, 8); }
static size_t c_udp_spoof_ip(uint8_t *b) { return pkt_udp4(b, MAC2, MAC1, ip4("10.0.0.9"), ip4("10.0.0.2"), 1, 2, 8); }
static size_t c_udp_wrong_dst(uint8_t *b) { return pkt_udp4(b, MAC2, MAC1, ip4(P1_IP), ip4("10.0.0.7"), 1, 2, 8); }
static size_t c_dhcp(uint8_t *b) { return pkt_udp4(b, BCAST, MAC1, 0, 0xffffffffu, 68, 67, 8); }
static size_t c_udp_zero_src(uint8_t *b) { return pkt_udp4(b, BCAST, MAC1, 0, 0xffffffffu, 68, 68, 8); }
static size_t c_arp_ok(uint8_t *b) { return pkt_arp(b, MAC2, MAC1, 1, MAC1, ip4(P1_IP), ZERO, ip4("10.0.0.2")); }
static size_t c_arp_cidr(uint8_t *b) { return pkt_arp(b, MAC2, MAC1, 1, MAC1, ip4("10.1.0.5"), ZERO, ip4("10.0.0.2")); }
static size_t c_arp_spa(uint8_t *b) { return pkt_arp(b, MAC2, MAC1, 1, MAC1, ip4("10.0.0.9"), ZERO, ip4("10.0.0.2")); }
static size_t c_arp_sha(uint8_t *b) { return pkt_arp(b, MAC2, MAC1, 1, MAC3, ip4(P1_IP), ZERO, ip4("10.0.0.2")); }
static size_t c_v6_ok(uint8_t *b) { return udp6(b, MAC2, MAC1, P1_IP6, "fd00::2"); }
static size_t c_v6_lla(uint8_t *b) { return udp6(b, MAC2, MAC1, P1_LLA, "fd00::2"); }
static size_t c_v6_spoof(uint8_t *b) { return udp6(b, MAC2, MAC1, "fd00::9", "fd00::2"); }
static size_t c_v6_wrong_dst(uint8_t *b) { return udp6(b, MAC2, MAC1, P1_IP6, "fd00::7"); }
static size_t c_v6_mcast_dst(uint8_t *b) { return udp6(b, BCAST, MAC1, P1_IP6, "ff02::1"); }
static size_t c_ns_ok(uint8_t *b) { return nd(b, false, MAC1, P1_LLA, "fd00::2", MAC1); }
static size_t c_ns_sll(uint8_t *b) { return nd(b, false, MAC1, P1_LLA, "fd00::2", MAC3); }
static size_t c_ns_sll0(uint8_t *b) { return nd(b, false, MAC1, P1_LLA, "fd00::2", ZERO); }
static size_t c_na_ok(uint8_t *b) { return nd(b, true, MAC1, P1_LLA, P1_IP6, MAC1); }
static size_t c_na_tgt(uint8_t *b) { return nd(b, true, MAC1, P1_LLA, "fd00::9", MAC1); }
static size_t c_na_tll(uint8_t *b) { return nd(b, true, MAC1, P1_LLA, P1_IP6, MAC3); }
/* ovn-trace's model (main's h-diffx): ND only after the IPv6 source check,
 * DAD from ::, an NA's source not checked, other ethertypes on the MAC. */
static size_t c_ns_src(uint8_t *b) { return nd(b, false, MAC1, "fd00::9", "fd00::2", MAC1); }
static size_t c_ns_dad(uint8_t *b) { return nd(b, false, MAC1, "::", P1_IP6, ZERO); }
static size_t c_na_src(uint8_t *b) { return nd(b, true, MAC1, "fd00::9", P1_IP6, MAC1); }
static size_t c_other_eth(uint8_t *b)
{
	pkt_eth(b, MAC2, MAC1, 0x88b5);
	memset(b + 14, 0, 46);
	return 60;
}

static const struct pcase cases[] = {
	{ "udp4", true, c_udp_ok },
	{ "udp4_from_cidr", true, c_udp_cidr },
	{ "udp4_spoofed_mac", false, c_udp_spoof_mac },
	{ "udp4_spoofed_ip", false, c_udp_spoof_ip },
	{ "udp4_to_unlisted_ip", false, c_udp_wrong_dst },
	{ "dhcp_discover", true, c_dhcp },
	{ "udp4_from_0_not_dhcp", false, c_udp_zero_src },
	{ "arp", true, c_arp_ok },
	{ "arp_spa_in_cidr", true, c_arp_cidr },
	{ "arp_spoofed_spa", false, c_arp_spa },
	{ "arp_spoofed_sha", false, c_arp_sha },
	{ "udp6", true, c_v6_ok },
	{ "udp6_from_lla", true, c_v6_lla },
	{ "udp6_spoofed", false, c_v6_spoof },
	{ "udp6_to_unlisted_ip", false, c_v6_wrong_dst },
	{ "udp6_to_multicast", true, c_v6_mcast_dst },
	{ "nd_ns", true, c_ns_ok },
	{ "nd_ns_spoofed_sll", false, c_ns_sll },
	{ "nd_ns_sll_zero", true, c_ns_sll0 },
	{ "nd_na", true, c_na_ok },
	{ "nd_na_spoofed_target", false, c_na_tgt },
	{ "nd_na_spoofed_tll", false, c_na_tll },
	{ "nd_ns_from_unlisted_src", false, c_ns_src },
	{ "nd_ns_dad_from_unspecified", true, c_ns_dad },
	{ "nd_na_from_unlisted_src", true, c_na_src },
	{ "other_ethertype", true, c_other_eth },
};
#define N_CASES (sizeof(cases) / sizeof(cases[0]))

/* Visible members of port KEY's record (maps/ports.h); *SPILL: its flag. */
static int rec_members(struct pl_fix *f, uint32_t key, bool *spill)
{
	struct ovn_port_key k = { .dp = DP, .port = key };
	struct ovn_port v;
	uint32_t ver = 0, zero = 0;
	int n = 0;

	if (bpf_map_lookup_elem(f->m.ports, &k, &v) || bpf_map_lookup_elem(f->m.gen, &zero, &ver))
		return -1;
	for (int i = 0; i < OVN_PORT_MEMBERS; i++)
		n += v.member[i].kind && v.member[i].add_ver <= ver && ver < v.member[i].rm_ver;
	if (spill)
		*spill = v.flags & OVN_PORT_F_SPILL;
	return n;
}

/* Set members (hash and LPM) in the per-port set blocks
 * (loader/port_security.c). */
static int block_members(struct pl_fix *f)
{
	struct ovn_set_lpm_key lk, plk;
	struct ovn_set_key k, pk;
	bool first = true;
	int n = 0;

	while (!bpf_map_get_next_key(f->m.set_hash, first ? NULL : &pk, &k)) {
		pk = k;
		first = false;
		n += k.set_id >= 0x80000000u;
	}
	first = true;
	while (!bpf_map_get_next_key(f->m.set_lpm, first ? NULL : &plk, &lk)) {
		plk = lk;
		first = false;
		n += ntohl(lk.set_id) >= 0x80000000u;
	}
	return n;
}

/* Run every case; VERDICT[i]: delivered? */
static bool run_cases(struct pl_fix *f, bool *verdict)
{
	uint8_t pkt[256];

	for (size_t i = 0; i < N_CASES; i++) {
		uint32_t ret, len = cases[i].build(pkt);

		if (!ASSERT_OK(bpf_test_run_skb(f->prog_fd, pkt, len, &ret, NULL, NULL), "run") ||
		    !ASSERT_OK(pl_read_ctx(f, &ctx), "ctx"))
			return false;
		verdict[i] = ret == TC_ACT_REDIRECT && ctx.x.n_out == 1 && ctx.x.out_port[0] == 2;
		if (!verdict[i] && ctx.x.drop_reason != DROP_STAGE_ACTION)
			printf("%s: drop reason %u table %u\n", cases[i].name, ctx.x.drop_reason,
			       ctx.x.table);
	}
	return true;
}

void test_port_security_sets(void)
{
	static const char *const p1_entry[] = {
		"0a:00:00:00:00:01 " P1_IP " " P1_NET " " P1_IP6,
		"0a:00:00:00:00:01 " P1_IP " " P1_NET " " P1_IP6,
	};
	static const char *const p2_ps[] = { "0a:00:00:00:00:02 10.0.0.2 fd00::2" };
	bool as_sets[N_CASES], as_flows[N_CASES];
	struct compile_opts co = { 0 };
	struct compiler *c = NULL;
	struct port_sec_stats ps;
	struct compile_stats st0, st1;
	struct pl_fix f;

	if (!env.has_root) {
		test__skip("needs root for BPF_PROG_TEST_RUN");
		return;
	}
	if (!ASSERT_OK(pl_fix_open(&f), "pl_fix_open"))
		return;
	if (!ASSERT_OK(compiler_new(f.w, &co, &c), "compiler") ||
	    !ASSERT_OK(compile_datapath_add(c, DP, OVN_DP_SWITCH), "datapath"))
		goto out;
	/* p2 first: the last port added on LO is the one LO's packets enter. */
	ASSERT_OK(port(c, "p2", 2, p2_ps, 1), "p2");
	ASSERT_OK(port(c, "p1", 1, p1_entry, 1), "p1 (sets)");
	if (!ASSERT_OK(switch_setup(c), "switch flows"))
		goto out;
	ASSERT_OK(compile_commit(c), "commit");
	port_sec_get_stats(c, &ps);
	ASSERT_EQ(ps.ports_sets, 2, "both ports as set members");
	ASSERT_EQ(ps.ports_flows, 0, "no per-port flows");
	/* p1: MAC, link-local, 10.0.0.1, 10.1/16, fd00::1; p2: MAC, lla, 2 IPs. */
	ASSERT_EQ(ps.members, 9, "port set members");
	/* ... all in the ports' records, with their class: no set-map entry. */
	{
		bool spill = true;

		ASSERT_EQ(rec_members(&f, 1, &spill), 6, "p1's record: class + 5 addresses");
		ASSERT_FALSE(spill, "p1 spilled nothing");
		ASSERT_EQ(rec_members(&f, 2, NULL), 5, "p2's record: class + 4 addresses");
		ASSERT_EQ(block_members(&f), 0, "no per-port set members");
	}

	test__start_subtest("sets");
	if (!run_cases(&f, as_sets))
		goto out;
	for (size_t i = 0; i < N_CASES; i++)
		if (!ASSERT_EQ(as_sets[i], cases[i].pass, cases[i].name))
			printf("  case %s (sets)\n", cases[i].name);

	test__start_subtest("flows_same_verdicts");
	ASSERT_OK(port(c, "p1", 1, p1_entry, 2), "p1 (two equal entries: per-port flows)");
	ASSERT_OK(compile_commit(c), "commit");
	port_sec_get_stats(c, &ps);
	ASSERT_EQ(ps.ports_flows, 1, "p1 has per-port flows");
	if (!run_cases(&f, as_flows))
		goto out;
	for (size_t i = 0; i < N_CASES; i++)
		if (!ASSERT_EQ(as_flows[i], as_sets[i], cases[i].name))
			printf("  case %s: flows %d sets %d\n", cases[i].name, as_flows[i],
			       as_sets[i]);

	test__start_subtest("spilled_same_verdicts");
	{
		/* 5 addresses before p1's own: class, MAC, link-local and
		 * these fill the record's 8 slots; 10.0.0.1, 10.1/16 and
		 * fd00::1 go to the set maps, and the verdicts stay.  p1 is
		 * deleted first so that its new record starts empty (a
		 * replaced entry keeps the unchanged members in place). */
		static const char *const big[] = {
			"0a:00:00:00:00:01 10.9.0.1 10.9.0.2 10.9.0.3 10.9.0.4 10.9.0.5 "
			P1_IP " " P1_NET " " P1_IP6,
		};
		bool as_spill[N_CASES], spill = false;

		ASSERT_OK(compile_port_del(c, "p1"), "p1 deleted");
		ASSERT_OK(port(c, "p1", 1, big, 1), "p1 with 8 addresses");
		ASSERT_OK(compile_commit(c), "commit");
		ASSERT_EQ(rec_members(&f, 1, &spill), OVN_PORT_MEMBERS, "p1's record is full");
		ASSERT_TRUE(spill, "p1 spilled");
		ASSERT_EQ(block_members(&f), 3, "three addresses in p1's set block");
		if (!run_cases(&f, as_spill))
			goto out;
		for (size_t i = 0; i < N_CASES; i++)
			if (!ASSERT_EQ(as_spill[i], as_sets[i], cases[i].name))
				printf("  case %s: spilled %d sets %d\n", cases[i].name,
				       as_spill[i], as_sets[i]);
	}

	test__start_subtest("ports_add_members_not_flows");
	ASSERT_OK(port(c, "p1", 1, p1_entry, 1), "p1 back to sets");
	ASSERT_OK(compile_commit(c), "commit");
	compile_get_stats(c, &st0);
	for (uint32_t k = 10; k < 60; k++) {
		char name[16], ps_s[64];
		const char *v[1] = { ps_s };

		snprintf(name, sizeof(name), "q%u", k);
		snprintf(ps_s, sizeof(ps_s), "0a:00:00:00:01:%02x 10.0.1.%u fd00::%x", k, k, k);
		port(c, name, k, v, 1);
	}
	ASSERT_OK(compile_commit(c), "commit");
	compile_get_stats(c, &st1);
	ASSERT_EQ(st1.writer_flows, st0.writer_flows, "50 more ports: no classifier flow");
	/* class member + MAC + link-local + IPv4 + IPv6 */
	ASSERT_EQ(st1.set_members - st0.set_members, 50 * 5, "5 set members per port");
	/* The same input again is no work. */
	port(c, "q10", 10, (const char *[]){ "0a:00:00:00:01:0a 10.0.1.10 fd00::a" }, 1);
	compile_get_stats(c, &st0);
	ASSERT_EQ(st0.set_members_written, st1.set_members_written, "unchanged port: no write");
	compile_port_del(c, "q10");
	compile_get_stats(c, &st0);
	ASSERT_EQ(st1.set_members - st0.set_members, 5, "deleted port: its members go");

	test__start_subtest("change_takes_effect");
	{
		static const char *const moved[] = { "0a:00:00:00:00:03 10.0.0.9" };
		uint8_t pkt[128];
		uint32_t ret, len;

		ASSERT_OK(port(c, "p1", 1, moved, 1), "p1 now MAC3 10.0.0.9");
		/* Staged, not committed: packets still see the old record
		 * (DESIGN 3.9: no packet sees half a change). */
		len = c_udp_ok(pkt);
		ASSERT_OK(bpf_test_run_skb(f.prog_fd, pkt, len, &ret, NULL, NULL), "run");
		ASSERT_EQ(ret, TC_ACT_REDIRECT, "before the commit: old MAC still delivered");
		len = pkt_udp4(pkt, MAC2, MAC3, ip4("10.0.0.9"), ip4("10.0.0.2"), 1, 2, 8);
		ASSERT_OK(bpf_test_run_skb(f.prog_fd, pkt, len, &ret, NULL, NULL), "run");
		ASSERT_EQ(ret, TC_ACT_SHOT, "before the commit: new MAC not yet");
		ASSERT_OK(compile_commit(c), "commit");
		len = c_udp_spoof_mac(pkt);	/* MAC3, 10.0.0.1 */
		ASSERT_OK(bpf_test_run_skb(f.prog_fd, pkt, len, &ret, NULL, NULL), "run");
		ASSERT_EQ(ret, TC_ACT_SHOT, "old IP from the new MAC: dropped");
		len = pkt_udp4(pkt, MAC2, MAC3, ip4("10.0.0.9"), ip4("10.0.0.2"), 1, 2, 8);
		ASSERT_OK(bpf_test_run_skb(f.prog_fd, pkt, len, &ret, NULL, NULL), "run");
		ASSERT_EQ(ret, TC_ACT_REDIRECT, "new MAC and IP: delivered");
		len = c_udp_ok(pkt);
		ASSERT_OK(bpf_test_run_skb(f.prog_fd, pkt, len, &ret, NULL, NULL), "run");
		ASSERT_EQ(ret, TC_ACT_SHOT, "old MAC: dropped");
		len = udp6(pkt, MAC2, MAC3, "fd00::5", "fd00::2");
		ASSERT_OK(bpf_test_run_skb(f.prog_fd, pkt, len, &ret, NULL, NULL), "run");
		ASSERT_EQ(ret, TC_ACT_SHOT, "IPv4-only port: IPv6 dropped");
		len = udp6(pkt, MAC2, MAC3, "fe80::800:ff:fe00:3", "fd00::2");
		ASSERT_OK(bpf_test_run_skb(f.prog_fd, pkt, len, &ret, NULL, NULL), "run");
		ASSERT_EQ(ret, TC_ACT_REDIRECT, "IPv4-only port: IPv6 from its link-local");
	}
out:
	compiler_free(c);
	pl_fix_close(&f);
}
