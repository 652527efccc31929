// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * Router helpers through the compiler and BPF_PROG_TEST_RUN: select()
 * (Kube-OVN hash ECMP: spread, stickiness, weights, member removal, IPv6,
 * hash_fields, groups of more than 8) and the neighbour table
 * (get_arp/get_nd, lookup_arp/lookup_nd[_ip], static vs learnt bindings).
 *
 * Topology: router datapath 2 with ports lrp1 (key 1, the test's
 * interface lo, so packets enter its ingress) and lrp2 (key 2).  Each test
 * compiles one flow into lr_in_admission (table 0); table 1 is empty, so
 * the packet stops there and the context tells what the flow did.
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

#include "tests/test_progs.h"
#include "tests/bpf/bpf_test.h"
#include "tests/bpf/pkt.h"
#include "tests/bpf/pl_flows.h"
#include "loader/compile.h"
#include "loader/mac_binding.h"

#define RDP	2
#define LO	1

static const uint8_t RMAC[6] = { 0x0a, 0, 0, 0, 0, 0xfe };
static const uint8_t HMAC[6] = { 0x0a, 0, 0, 0, 0, 0x05 };
static const uint8_t HMAC2[6] = { 0x0a, 0, 0, 0, 0, 0x06 };
static const uint8_t HMAC3[6] = { 0x0a, 0, 0, 0, 0, 0x07 };

static struct ovn_ctx ctx;	/* big: not on the stack */

struct rt {
	struct pl_fix f;
	struct compiler *c;
	int n_reports;
};

static void count_report(void *aux, enum compile_report_kind kind, const char *uuid,
			 const char *reason, const char *detail)
{
	struct rt *t = aux;

	(void)kind;
	t->n_reports++;
	printf("  report %s: %s %s\n", uuid, reason, detail ? detail : "");
}

static int rt_open(struct rt *t)
{
	struct compile_opts o = { .report = count_report, .aux = t };
	struct compile_port p1 = { .name = "lrp1", .dp = RDP, .key = 1, .type = "",
				   .ifindex = LO };
	struct compile_port p2 = { .name = "lrp2", .dp = RDP, .key = 2, .type = "" };

	memset(t, 0, sizeof(*t));
	if (pl_fix_open(&t->f))
		return -1;
	if (compiler_new(t->f.w, &o, &t->c) ||
	    compile_datapath_add(t->c, RDP, OVN_DP_ROUTER) ||
	    compile_port_add(t->c, &p1) || compile_port_add(t->c, &p2))
		return -1;
	return 0;
}

static void rt_close(struct rt *t)
{
	compiler_free(t->c);
	pl_fix_close(&t->f);
}

/* Replace the one flow of lr_in_admission. */
static int rt_flow(struct rt *t, const char *match, const char *actions)
{
	return pl_flow_replace(t->c, "f0", RDP, 0, 100, match, actions) ?:
	       compile_commit(t->c);
}

/* Add (or replace) flow UUID in router table TABLE; no commit. */
static int rt_flow_at(struct rt *t, const char *uuid, uint8_t table, const char *match,
		      const char *actions)
{
	return pl_flow_replace(t->c, uuid, RDP, table, 100, match, actions);
}

static int rt_run(struct rt *t, const void *pkt, uint32_t len)
{
	return pl_run_ctx(&t->f, pkt, len, NULL, &ctx);
}

static size_t udp6(uint8_t *b, const uint8_t *sip, const uint8_t *dip, uint16_t sport)
{
	return pkt_udp6(b, RMAC, HMAC, sip, dip, sport, 80);
}

static uint32_t ip4n(uint32_t host)
{
	return htonl(host);
}

/* Member chosen for IPv4 source SRC (0: the select did not run). */
static int pick4(struct rt *t, uint32_t src, uint32_t dst, uint16_t sport)
{
	uint8_t pkt[128];
	size_t len = pkt_udp4(pkt, RMAC, HMAC, ip4n(src), ip4n(dst), sport, 80, 8);

	if (rt_run(t, pkt, len) || ctx.x.table != 1)
		return 0;
	return ntohl(ctx.md.reg[8]) >> 16;
}

static int pick6(struct rt *t, uint32_t n)
{
	uint8_t pkt[128], s[16] = { 0xfd, 0, 0, 0, 0, 0, 0, 1 }, d[16] = { 0xfd, 0, 0, 2 };
	size_t len;

	s[12] = n >> 24; s[13] = n >> 16; s[14] = n >> 8; s[15] = n;
	d[15] = 1;
	len = udp6(pkt, s, d, 1000);
	if (rt_run(t, pkt, len) || ctx.x.table != 1)
		return 0;
	return ntohl(ctx.md.reg[8]) >> 16;
}

#define NSRC 3000
static uint8_t before[NSRC];

void test_router_select(void)
{
	int cnt[32], i, moved, wrong, k;
	struct rt t;

	if (!env.has_root) {
		test__skip("needs root for BPF_PROG_TEST_RUN");
		return;
	}
	if (!ASSERT_OK(rt_open(&t), "setup"))
		goto out;

	if (test__start_subtest("ipv4_spread_sticky")) {
		ASSERT_OK(rt_flow(&t, "ip", "reg8[0..15] = 7; reg8[16..31] = select(1, 2, 3);"),
			  "flow");
		memset(cnt, 0, sizeof(cnt));
		for (i = 0; i < NSRC; i++) {
			before[i] = pick4(&t, 0x0a000000 + i, 0x0a010001, 1000);
			cnt[before[i] & 31]++;
		}
		ASSERT_EQ(cnt[0], 0, "every packet selected");
		for (k = 1; k <= 3; k++)
			ASSERT_TRUE(cnt[k] > NSRC / 3 - 200 && cnt[k] < NSRC / 3 + 200,
				    "member share near 1/3");
		printf("  ipv4: %d %d %d of %d sources\n", cnt[1], cnt[2], cnt[3], NSRC);
		ASSERT_EQ(ntohl(ctx.md.reg[8]) & 0xffff, 7, "group id in reg8[0..15] kept");
		wrong = 0;
		for (i = 0; i < NSRC; i += 7)
			wrong += pick4(&t, 0x0a000000 + i, 0x0a020002, 2000 + i) != before[i];
		ASSERT_EQ(wrong, 0, "a source sticks whatever its ports and destination");

		/* Remove member 2: only its sources move. */
		ASSERT_OK(rt_flow(&t, "ip", "reg8[0..15] = 7; reg8[16..31] = select(1, 3);"),
			  "flow without 2");
		moved = wrong = 0;
		for (i = 0; i < NSRC; i++) {
			int now = pick4(&t, 0x0a000000 + i, 0x0a010001, 1000);

			if (before[i] != 2 && now != before[i])
				wrong++;
			if (before[i] == 2 && now != 1 && now != 3)
				wrong++;
			moved += now != before[i];
		}
		ASSERT_EQ(wrong, 0, "sources of kept members stay");
		ASSERT_EQ(moved, cnt[2], "exactly the removed member's sources moved");

		/* Add member 4: sources move only onto it. */
		ASSERT_OK(rt_flow(&t, "ip", "reg8[16..31] = select(1, 2, 3, 4);"), "flow + 4");
		wrong = moved = 0;
		for (i = 0; i < NSRC; i++) {
			int now = pick4(&t, 0x0a000000 + i, 0x0a010001, 1000);

			if (now != before[i]) {
				moved++;
				wrong += now != 4;
			}
		}
		ASSERT_EQ(wrong, 0, "a new member only takes sources");
		ASSERT_TRUE(moved > NSRC / 4 - 200 && moved < NSRC / 4 + 200,
			    "new member takes about 1/4");
	}

	if (test__start_subtest("renumbered_members")) {
		/* northd's ECMP: members are positions; removing the route via
		 * .12 renumbers .13 from 3 to 2.  Labels follow the next hop. */
		static const char *nh[] = { "10.9.0.11", "10.9.0.12", "10.9.0.13" };
		char m[96], a[96];
		uint32_t hop[NSRC];

		ASSERT_OK(rt_flow_at(&t, "f0", 0, "ip4", "reg8[0..15] = 7; "
				     "reg8[16..31] = select(1, 2, 3);"), "select");
		for (k = 0; k < 3; k++) {
			char u[8];

			snprintf(u, sizeof(u), "m%d", k + 1);
			snprintf(m, sizeof(m), "reg8[0..15] == 7 && reg8[16..31] == %d", k + 1);
			snprintf(a, sizeof(a), "reg0 = %s; next;", nh[k]);
			ASSERT_OK(rt_flow_at(&t, u, 1, m, a), "member flow");
		}
		ASSERT_OK(compile_commit(t.c), "commit");
		memset(cnt, 0, sizeof(cnt));
		for (i = 0; i < NSRC; i++) {
			pick4(&t, 0x0e000000 + i, 0x0a010001, 1000);
			hop[i] = ntohl(ctx.md.reg[0]) & 0xff;
			cnt[hop[i] & 31]++;
		}
		ASSERT_TRUE(cnt[11] > 800 && cnt[12] > 800 && cnt[13] > 800, "three next hops used");
		ASSERT_OK(rt_flow_at(&t, "f0", 0, "ip4", "reg8[0..15] = 7; "
				     "reg8[16..31] = select(1, 2);"), "select without .12");
		compile_flow_del(t.c, "m3");
		ASSERT_OK(rt_flow_at(&t, "m2", 1, "reg8[0..15] == 7 && reg8[16..31] == 2",
				     "reg0 = 10.9.0.13; next;"), "member 2 is now .13");
		ASSERT_OK(compile_commit(t.c), "commit");
		wrong = 0;
		for (i = 0; i < NSRC; i++) {
			uint32_t now;

			pick4(&t, 0x0e000000 + i, 0x0a010001, 1000);
			now = ntohl(ctx.md.reg[0]) & 0xff;
			if (hop[i] != 12 ? now != hop[i] : (now != 11 && now != 13))
				wrong++;
		}
		ASSERT_EQ(wrong, 0, "only the removed next hop's sources move");
		compile_flow_del(t.c, "m1");
		compile_flow_del(t.c, "m2");
	}

	if (test__start_subtest("weights")) {
		ASSERT_OK(rt_flow(&t, "ip", "reg8[16..31] = select(1=100, 2=300);"), "flow");
		memset(cnt, 0, sizeof(cnt));
		for (i = 0; i < 4000; i++)
			cnt[pick4(&t, 0x0b000000 + i * 7, 0x0a010001, 1000) & 31]++;
		printf("  weights 100:300 -> %d:%d\n", cnt[1], cnt[2]);
		ASSERT_TRUE(cnt[2] > 2800 && cnt[2] < 3200, "share follows the weights (3/4)");
	}

	if (test__start_subtest("ipv6_spread")) {
		ASSERT_OK(rt_flow(&t, "ip6", "reg8[16..31] = select(1, 2, 3);"), "flow");
		memset(cnt, 0, sizeof(cnt));
		for (i = 0; i < NSRC; i++)
			cnt[pick6(&t, 100 + i) & 31]++;
		printf("  ipv6: %d %d %d\n", cnt[1], cnt[2], cnt[3]);
		ASSERT_EQ(cnt[0], 0, "every packet selected");
		for (k = 1; k <= 3; k++)
			ASSERT_TRUE(cnt[k] > NSRC / 3 - 200 && cnt[k] < NSRC / 3 + 200,
				    "IPv6 sources spread (not collapsed)");
		ASSERT_EQ(pick6(&t, 555), pick6(&t, 555), "IPv6 source sticks");
	}

	if (test__start_subtest("hash_fields")) {
		ASSERT_OK(rt_flow(&t, "ip4",
				  "reg8[16..31] = select(values=(1, 2); hash_fields=\"ip_dst\");"),
			  "flow");
		memset(cnt, 0, sizeof(cnt));
		for (i = 0; i < 1000; i++)
			cnt[pick4(&t, 0x0a000001, 0x0c000000 + i, 1000) & 31]++;
		ASSERT_TRUE(cnt[1] > 350 && cnt[2] > 350, "one source spreads by destination");
		memset(cnt, 0, sizeof(cnt));
		for (i = 0; i < 200; i++)
			cnt[pick4(&t, 0x0a000000 + i, 0x0c000001, 1000 + i) & 31]++;
		ASSERT_TRUE(cnt[1] == 200 || cnt[2] == 200, "source and ports are not hashed");
		ASSERT_ERR(rt_flow(&t, "ip4",
				   "reg8[16..31] = select(values=(1, 2); hash_fields=\"bogus\");") |
			   (t.n_reports ? -1 : 0), "unknown hash field reported");
	}

	if (test__start_subtest("many_members")) {
		ASSERT_OK(rt_flow(&t, "ip", "reg8[16..31] = select(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, "
					 "11, 12, 13, 14, 15, 16, 17, 18, 19, 20);"), "flow");
		memset(cnt, 0, sizeof(cnt));
		for (i = 0; i < 4000; i++)
			cnt[pick4(&t, 0x0d000000 + i, 0x0a010001, 1000) & 31]++;
		ASSERT_EQ(cnt[0], 0, "every packet selected");
		for (k = 1, wrong = 0; k <= 20; k++)
			wrong += cnt[k] < 120 || cnt[k] > 280;
		ASSERT_EQ(wrong, 0, "20 members (3 ops) each near 1/20");
	}
out:
	rt_close(&t);
}

void test_router_mac_binding(void)
{
	struct ovn_mac_bind_key k = { .dp = RDP, .port = 2 };
	struct mac_bindings *mb = NULL;
	uint8_t pkt[128], tha[6] = { 0 };
	size_t len;
	struct rt t;
	uint32_t bit;

	if (!env.has_root) {
		test__skip("needs root for BPF_PROG_TEST_RUN");
		return;
	}
	if (!ASSERT_OK(rt_open(&t), "setup"))
		goto out;
	mb = mac_bindings_new(t.f.m.mac_bind);
	mac_bindings_set_cache(mb, t.f.w);
	ASSERT_OK(mac_binding_parse_ip("10.0.0.5", &k), "ip");
	ASSERT_OK(mac_bindings_set(mb, "mb1", &k, HMAC, MB_DYNAMIC), "binding on lrp2");
	k.port = 1;
	ASSERT_OK(mac_bindings_set(mb, "mb2", &k, HMAC, MB_DYNAMIC), "binding on lrp1");
	k.port = 2;
	ASSERT_OK(mac_binding_parse_ip("fd00::5", &k), "ip6");
	ASSERT_OK(mac_bindings_set(mb, "mb3", &k, HMAC2, MB_DYNAMIC), "v6 binding on lrp2");
	len = pkt_udp4(pkt, RMAC, HMAC, ip4n(0x0a000009), ip4n(0x0a000005), 1, 2, 8);

	if (test__start_subtest("get_arp")) {
		ASSERT_OK(rt_flow(&t, "ip4", "outport = \"lrp2\"; reg0 = 10.0.0.5; "
					    "get_arp(outport, reg0); next;"), "flow");
		ASSERT_OK(rt_run(&t, pkt, len), "run");
		ASSERT_EQ(ctx.x.table, 1, "went on");
		ASSERT_MEMEQ(ctx.key.eth_dst, HMAC, 6, "eth.dst from the binding");
		ASSERT_OK(rt_flow(&t, "ip4", "outport = \"lrp2\"; get_arp(outport, ip4.dst); next;"),
			  "flow on ip4.dst");
		ASSERT_OK(rt_run(&t, pkt, len), "run");
		ASSERT_MEMEQ(ctx.key.eth_dst, HMAC, 6, "any IPv4 field as argument");
		ASSERT_OK(rt_flow(&t, "ip4", "outport = \"lrp1\"; reg0 = 10.0.0.6; "
					    "get_arp(outport, reg0); next;"), "flow miss");
		ASSERT_OK(rt_run(&t, pkt, len), "run");
		ASSERT_MEMEQ(ctx.key.eth_dst, tha, 6, "no binding: eth.dst 00:00:00:00:00:00");
		ASSERT_OK(rt_flow(&t, "ip4", "outport = \"lrp1\"; reg0 = 10.0.0.5; "
					    "get_arp(outport, reg0); next;"), "flow other port");
		ASSERT_OK(rt_run(&t, pkt, len), "run");
		ASSERT_MEMEQ(ctx.key.eth_dst, HMAC, 6, "binding of lrp1");
	}

	if (test__start_subtest("get_nd")) {
		ASSERT_OK(rt_flow(&t, "ip4", "outport = \"lrp2\"; xxreg0 = fd00::5; "
					    "get_nd(outport, xxreg0); next;"), "flow");
		ASSERT_OK(rt_run(&t, pkt, len), "run");
		ASSERT_MEMEQ(ctx.key.eth_dst, HMAC2, 6, "eth.dst from the IPv6 binding");
		ASSERT_OK(rt_flow(&t, "ip4", "outport = \"lrp2\"; xxreg0 = fd00::6; "
					    "get_nd(outport, xxreg0); next;"), "flow");
		ASSERT_OK(rt_run(&t, pkt, len), "run");
		ASSERT_MEMEQ(ctx.key.eth_dst, tha, 6, "unknown IPv6 neighbour");
	}

	if (test__start_subtest("lookup_arp")) {
		len = pkt_arp(pkt, RMAC, HMAC, 1, HMAC, ip4n(0x0a000005), tha, ip4n(0x0a000001));
		ASSERT_OK(rt_flow(&t, "arp", "reg9[2] = lookup_arp(inport, arp.spa, arp.sha); "
					    "next;"), "flow");
		ASSERT_OK(rt_run(&t, pkt, len), "run");
		ASSERT_EQ(ctx.x.table, 1, "went on");
		bit = ntohl(ctx.md.reg[9]) >> 2 & 1;
		ASSERT_EQ(bit, 1, "known (port, ip, mac)");
		len = pkt_arp(pkt, RMAC, HMAC3, 1, HMAC3, ip4n(0x0a000005), tha, ip4n(0x0a000001));
		ASSERT_OK(rt_run(&t, pkt, len), "run");
		bit = ntohl(ctx.md.reg[9]) >> 2 & 1;
		ASSERT_EQ(bit, 0, "other MAC: not known");
		ASSERT_OK(rt_flow(&t, "arp", "reg9[3] = lookup_arp_ip(inport, arp.spa); next;"),
			  "flow _ip");
		ASSERT_OK(rt_run(&t, pkt, len), "run");
		bit = ntohl(ctx.md.reg[9]) >> 3 & 1;
		ASSERT_EQ(bit, 1, "lookup_arp_ip: the IP is known");
		ASSERT_MEMEQ(ctx.key.eth_dst, RMAC, 6, "lookup_arp_ip leaves eth.dst alone");
		len = pkt_arp(pkt, RMAC, HMAC, 1, HMAC, ip4n(0x0a000008), tha, ip4n(0x0a000001));
		ASSERT_OK(rt_run(&t, pkt, len), "run");
		bit = ntohl(ctx.md.reg[9]) >> 3 & 1;
		ASSERT_EQ(bit, 0, "lookup_arp_ip: unknown IP");
	}

	if (test__start_subtest("static_precedence")) {
		uint8_t m[6];

		k.port = 2;
		ASSERT_OK(mac_binding_parse_ip("10.0.0.5", &k), "ip");
		ASSERT_OK(mac_bindings_set(mb, "s1", &k, HMAC2, MB_STATIC_LOW), "static low");
		ASSERT_TRUE(mac_bindings_lookup(mb, &k, m) && !memcmp(m, HMAC, 6),
			    "learnt beats static without override");
		ASSERT_OK(mac_bindings_set(mb, "s1", &k, HMAC3, MB_STATIC_OVERRIDE), "override");
		len = pkt_udp4(pkt, RMAC, HMAC, ip4n(0x0a000009), ip4n(0x0a000005), 1, 2, 8);
		ASSERT_OK(rt_flow(&t, "ip4", "outport = \"lrp2\"; reg0 = 10.0.0.5; "
					    "get_arp(outport, reg0); next;"), "flow");
		ASSERT_OK(rt_run(&t, pkt, len), "run");
		ASSERT_MEMEQ(ctx.key.eth_dst, HMAC3, 6, "static override_dynamic_mac wins");
		ASSERT_OK(mac_bindings_del(mb, "s1"), "del static");
		ASSERT_OK(rt_run(&t, pkt, len), "run");
		ASSERT_MEMEQ(ctx.key.eth_dst, HMAC, 6, "back to the learnt MAC");
		ASSERT_OK(mac_bindings_del(mb, "mb1"), "del learnt");
		ASSERT_OK(rt_run(&t, pkt, len), "run");
		ASSERT_MEMEQ(ctx.key.eth_dst, tha, 6, "no binding left");
	}
out:
	mac_bindings_free(mb);
	rt_close(&t);
}
