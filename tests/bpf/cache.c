// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * The exact-match cache (bpf/lib/cache.h) through BPF_PROG_TEST_RUN.
 *
 * Topology: logical switch dp 1, VIF ports 1 (MAC1/IP1, port security), 2
 * (MAC2/IP2) and 3 (MAC3/IP3), _MC_flood = {1, 2, 3}, and flows as northd
 * writes them, reduced to what matters here:
 *
 *   ls_in_check_port_sec  100 eth.src[40]                   drop;
 *                          50 1      reg0[15] = check_in_port_sec(); next;
 *   helper port_sec_in     90 inport==1 && eth.src==MAC1     (allowed)
 *                          80 inport==1                      flags.check_port_sec = 1
 *   ls_in_apply_port_sec   50 reg0[15] == 1                  drop;   0 next;
 *   ls_in_acl              50 ip4.dst == $S && udp.dst==7777 drop;   0 next;
 *   ls_in_qos_mark        100 udp.dst == 5000   ip.dscp = 10; ip4.dst = IP3; ip.ttl--; next;
 *   ls_in_arp_rsp          50 arp.tpa==IP2 && arp.op==1      ARP reply to inport
 *   ls_in_l2_lkup          70 eth.mcast                      outport=_MC_flood; output;
 *                          50 eth.dst==MAC1/2/3              outport=1/2/3; output;
 *                          50 eth.dst==MAC5                  punt (controller action)
 *                          50 eth.dst==MAC6                  op 120 (unknown)
 *   ls_out_apply_port_sec   0 1                              output;
 *   every other stage       0 1                              next;
 *
 * Every check compares a packet answered from the cache with the same
 * packet run through the pipeline with the cache off: same verdict, same
 * drop reason, same deliveries, byte-identical output.
 */
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "tests/test_progs.h"
#include "tests/bpf/bpf_test.h"
#include "tests/bpf/ops_build.h"
#include "tests/bpf/pkt.h"

#define DP		1
#define MC_FLOOD	32768
#define LO		1	/* BPF_PROG_TEST_RUN's skb comes from lo */
#define SET_S		7

static const uint8_t MAC1[6] = { 0x0a, 0, 0, 0, 0, 1 };
static const uint8_t MAC2[6] = { 0x0a, 0, 0, 0, 0, 2 };
static const uint8_t MAC3[6] = { 0x0a, 0, 0, 0, 0, 3 };
static const uint8_t MAC5[6] = { 0x0a, 0, 0, 0, 0, 5 };
static const uint8_t MAC6[6] = { 0x0a, 0, 0, 0, 0, 6 };
static const uint8_t MAC9[6] = { 0x0a, 0, 0, 0, 0, 9 };
static const uint8_t BCAST[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
static const uint8_t ZERO6[6];

static uint32_t ip(uint8_t a, uint8_t b, uint8_t c, uint8_t d)
{
	return htonl((uint32_t)a << 24 | (uint32_t)b << 16 | (uint32_t)c << 8 | d);
}

#define IP1 ip(10, 0, 0, 1)
#define IP2 ip(10, 0, 0, 2)
#define IP3 ip(10, 0, 0, 3)
#define IP4 ip(10, 0, 0, 4)

#define IN	OVN_PIPE_INGRESS
#define OUT	OVN_PIPE_EGRESS
#define HELPER	OVN_PIPE_HELPER


static int add_f(struct pl_fix *f, uint8_t pl, uint8_t t, uint16_t prio,
		 const struct ovnbpf_match *m, uint32_t nm, const struct ovn_set_test *sets,
		 uint32_t ns, const struct ovn_op *ops, uint32_t nops, uint32_t *id)
{
	struct ovnbpf_flow_spec s = {
		.dp = DP, .pipeline = pl, .table = t, .priority = prio,
		.match = m, .n_match = nm, .sets = sets, .n_sets = ns,
		.ops = ops, .n_ops = nops,
	};
	uint32_t dummy;

	return ovnbpf_flow_add(f->w, &s, id ? id : &dummy);
}

#define add(f, pl, t, prio, m, ops, id) add_f(f, pl, t, prio, m, NULL, 0, ops, id)

static const struct ovn_port vif_port = { .ifindex = LO, .type = OVN_PORT_VIF, .ct_zone = 2 };

static int cache_setup(struct pl_fix *f)
{
	struct ovn_port p1 = { .ifindex = LO, .type = OVN_PORT_VIF, .ct_zone = 1 };
	struct ovn_port p3 = { .ifindex = LO, .type = OVN_PORT_VIF, .ct_zone = 3 };
	struct ovn_vif v = { .dp = DP, .port = 1, .ct_zone = 1 };
	struct ovn_set_test in_s = { .set_id = SET_S, .off = OVN_OFF_IP4_DST, .len = 4,
				     .flags = OVN_SET_T_USED };
	uint32_t flood[] = { 1, 2, 3 };
	uint8_t tos = 10 << 2;
	int err = 0, t;

	err |= ovnbpf_datapath_add(f->w, DP, OVN_DP_SWITCH);
	err |= ovnbpf_port_add(f->w, DP, 1, &p1);
	err |= ovnbpf_port_add(f->w, DP, 2, &vif_port);
	err |= ovnbpf_port_add(f->w, DP, 3, &p3);
	err |= ovnbpf_vif_add(f->w, LO, &v);
	err |= ovnbpf_mcgroup_set(f->w, DP, MC_FLOOD, flood, 3);
	err |= ovnbpf_meter_set(f->w, 0, 1000000, 1000000);
	err |= ovnbpf_set_add(f->w, SET_S, &(uint32_t){ IP4 }, 4, 32);

	/* ls_in_check_port_sec */
	err |= add(f, IN, 0, 100, MATCH(m_bit(OVN_OFF_ETH_SRC, 6, 40, 1)),
		   OPS(op_code(OVN_OP_DROP)), NULL);
	err |= add(f, IN, 0, 50, NOMATCH,
		   OPS(op_set_bit(OVN_OFF_FLAGS, 4, OVN_MLF_CHECK_PORT_SEC, 0),
		       (struct ovn_op){ .code = OVN_OP_CALL, .table = OVN_HT_PORT_SEC_IN },
		       (struct ovn_op){ .code = OVN_OP_MOVE_BITS, .dst = OVN_OFF_REG(0),
					.dst_len = 4, .dst_shift = 15, .src = OVN_OFF_FLAGS,
					.src_len = 4, .src_shift = OVN_MLF_CHECK_PORT_SEC, .n = 1 },
		       op_next(IN, 1)), NULL);
	err |= add(f, HELPER, OVN_HT_PORT_SEC_IN, 90,
		   MATCH(m_eq32(OVN_OFF_INPORT, 1), m_eq(OVN_OFF_ETH_SRC, 6, MAC1)),
		   OPS(op_code(OVN_OP_END)), NULL);
	err |= add(f, HELPER, OVN_HT_PORT_SEC_IN, 80, MATCH(m_eq32(OVN_OFF_INPORT, 1)),
		   OPS(op_set_bit(OVN_OFF_FLAGS, 4, OVN_MLF_CHECK_PORT_SEC, 1)), NULL);
	/* ls_in_apply_port_sec */
	err |= add(f, IN, 1, 50, MATCH(m_bit(OVN_OFF_REG(0), 4, 15, 1)),
		   OPS(op_code(OVN_OP_DROP)), NULL);
	err |= add(f, IN, 1, 0, NOMATCH, OPS(op_next(IN, 2)), NULL);
	/* ls_in_acl: ip4.dst == $S && udp.dst == 7777 -> drop */
	err |= add_f(f, IN, 8, 50,
		     MATCH(m_eq16(OVN_OFF_ETH_TYPE, 0x0800), m_eq8(OVN_OFF_IP_PROTO, 17),
			   m_eq16(OVN_OFF_TP_DST, 7777)), &in_s, 1,
		     OPS(op_code(OVN_OP_DROP)), NULL);
	err |= add(f, IN, 8, 0, NOMATCH, OPS(op_next(IN, 9)), NULL);
	/* ls_in_qos_mark: header rewrites */
	err |= add(f, IN, 9, 100,
		   MATCH(m_eq16(OVN_OFF_ETH_TYPE, 0x0800), m_eq8(OVN_OFF_IP_PROTO, 17),
			 m_eq16(OVN_OFF_TP_DST, 5000)),
		   OPS((struct ovn_op){ .code = OVN_OP_SET, .dst = OVN_OFF_IP_TOS, .n = 1,
					.value = { tos }, .mask = { 0xfc } },
		       op_set(OVN_OFF_IP4_DST, 4, &(uint32_t){ IP3 }),
		       op_code(OVN_OP_DEC_TTL),
		       op_next(IN, 10)), NULL);
	err |= add(f, IN, 9, 0, NOMATCH, OPS(op_next(IN, 10)), NULL);
	/* ls_in_arp_rsp */
	err |= add(f, IN, 19, 50,
		   MATCH(m_eq16(OVN_OFF_ETH_TYPE, 0x0806), m_eq(OVN_OFF_ARP_TPA, 4, &(uint32_t){ IP2 }),
			 m_eq16(OVN_OFF_ARP_OP, 1)),
		   OPS(op_move(OVN_OFF_ETH_DST, OVN_OFF_ETH_SRC, 6),
		       op_set(OVN_OFF_ETH_SRC, 6, MAC2),
		       op_set(OVN_OFF_ARP_OP, 2, &(uint16_t){ htons(2) }),
		       op_move(OVN_OFF_ARP_THA, OVN_OFF_ARP_SHA, 6),
		       op_set(OVN_OFF_ARP_SHA, 6, MAC2),
		       op_move(OVN_OFF_ARP_TPA, OVN_OFF_ARP_SPA, 4),
		       op_set(OVN_OFF_ARP_SPA, 4, &(uint32_t){ IP2 }),
		       op_move(OVN_OFF_OUTPORT, OVN_OFF_INPORT, 4),
		       op_set_bit(OVN_OFF_FLAGS, 4, OVN_MLF_LOOPBACK, 1),
		       op_code(OVN_OP_OUTPUT)), NULL);
	err |= add(f, IN, 19, 0, NOMATCH, OPS(op_next(IN, 20)), NULL);
	/* ls_in_l2_lkup */
	err |= add(f, IN, 25, 70, MATCH(m_bit(OVN_OFF_ETH_DST, 6, 40, 1)),
		   OPS(op_set32(OVN_OFF_OUTPORT, MC_FLOOD), op_code(OVN_OP_OUTPUT)), NULL);
	err |= add(f, IN, 25, 50, MATCH(m_eq(OVN_OFF_ETH_DST, 6, MAC1)),
		   OPS(op_set32(OVN_OFF_OUTPORT, 1), op_code(OVN_OP_OUTPUT)), NULL);
	err |= add(f, IN, 25, 50, MATCH(m_eq(OVN_OFF_ETH_DST, 6, MAC2)),
		   OPS(op_set32(OVN_OFF_OUTPORT, 2), op_code(OVN_OP_OUTPUT)), NULL);
	err |= add(f, IN, 25, 50, MATCH(m_eq(OVN_OFF_ETH_DST, 6, MAC3)),
		   OPS(op_set32(OVN_OFF_OUTPORT, 3), op_code(OVN_OP_OUTPUT)), NULL);
	err |= add(f, IN, 25, 50, MATCH(m_eq(OVN_OFF_ETH_DST, 6, MAC5)),
		   OPS((struct ovn_op){ .code = OVN_OP_PUNT, .arg = 42 }), NULL);
	err |= add(f, IN, 25, 50, MATCH(m_eq(OVN_OFF_ETH_DST, 6, MAC6)),
		   OPS(op_code(120)), NULL);
	/* ls_out_apply_port_sec */
	err |= add(f, OUT, 9, 0, NOMATCH, OPS(op_code(OVN_OP_OUTPUT)), NULL);
	for (t = 2; t < OVN_LS_IN_TABLES - 1; t++)
		if (t != 8 && t != 9 && t != 19 && t != 25)
			err |= add(f, IN, t, 0, NOMATCH, OPS(op_next(IN, t + 1)), NULL);
	for (t = 0; t < 9; t++)
		err |= add(f, OUT, t, 0, NOMATCH, OPS(op_next(OUT, t + 1)), NULL);
	err |= ovnbpf_commit(f->w);
	return err;
}

/* The result of one run. */
struct res {
	uint32_t ret, olen;
	uint8_t out[256];
	struct ovn_ctx c;
};

static struct res r_ref, r_miss, r_hit;

static int run(struct pl_fix *f, const void *pkt, uint32_t len, struct res *r)
{
	int err;

	r->olen = sizeof(r->out);
	err = bpf_test_run_skb(f->prog_fd, pkt, len, &r->ret, r->out, &r->olen);
	if (!err)
		err = pl_read_ctx(f, &r->c);
	return err;
}

static struct ovn_cache_stats cstats(struct pl_fix *f)
{
	struct ovn_cache_stats s;

	if (ovnbpf_cache_read_stats(&f->m, &s, NULL, NULL))
		memset(&s, 0xff, sizeof(s));
	return s;
}

static uint64_t drops(struct pl_fix *f, uint32_t reason)
{
	struct ovnbpf_counter c;

	if (bpf_test_read_counter(f->m.drops, reason, &c))
		return UINT64_MAX;
	return c.packets;
}

/* A and B did the same to the packet. */
static void same(const struct res *a, const struct res *b, const char *what)
{
	uint32_t i;

	printf("  %s: ret %u/%u reason %u/%u n_out %u/%u len %u/%u\n", what, a->ret, b->ret,
	       a->c.x.drop_reason, b->c.x.drop_reason, a->c.x.n_out, b->c.x.n_out, a->olen,
	       b->olen);
	ASSERT_EQ(a->ret, b->ret, "same verdict");
	ASSERT_EQ(a->c.x.drop_reason, b->c.x.drop_reason, "same drop reason");
	ASSERT_EQ(a->c.x.n_out, b->c.x.n_out, "same number of deliveries");
	for (i = 0; i < a->c.x.n_out && i < OVN_OUT_LOG; i++) {
		ASSERT_EQ(a->c.x.out_port[i], b->c.x.out_port[i], "same port");
		ASSERT_EQ(a->c.x.out_ifindex[i], b->c.x.out_ifindex[i], "same ifindex");
		ASSERT_EQ(a->c.x.out_ret[i], b->c.x.out_ret[i], "same helper result");
	}
	if (ASSERT_EQ(a->olen, b->olen, "same length"))
		ASSERT_MEMEQ(a->out, b->out, a->olen, "byte-identical output");
}

/* PKT through the pipeline with the cache off (reference), then with the
 * cache on: PRIME (a packet of the same key, NULL = PKT itself) misses and
 * fills the entry, PKT hits.  Both must equal the reference. */
static void check_cached(struct pl_fix *f, const void *prime, uint32_t plen, const void *pkt,
			 uint32_t len, const char *what)
{
	struct ovn_cache_stats s0, s1, s2;

	if (!prime) {
		prime = pkt;
		plen = len;
	}
	ASSERT_OK(ovnbpf_cache_enable(f->w, false), "cache off");
	ASSERT_OK(run(f, pkt, len, &r_ref), "reference run");
	ASSERT_GT(r_ref.c.x.steps, 0, "reference ran the pipeline");
	ASSERT_OK(ovnbpf_cache_enable(f->w, true), "cache on");
	s0 = cstats(f);
	ASSERT_OK(run(f, prime, plen, &r_miss), "miss run");
	s1 = cstats(f);
	ASSERT_EQ(s1.inserts, s0.inserts + 1, "miss inserted");
	ASSERT_OK(run(f, pkt, len, &r_hit), "hit run");
	s2 = cstats(f);
	ASSERT_EQ(s2.hits, s1.hits + 1, "second packet hit");
	ASSERT_EQ(r_hit.c.x.steps, 0, "hit ran no pipeline step");
	same(&r_ref, &r_hit, what);
	if (prime == pkt)
		same(&r_ref, &r_miss, what);
}

void test_cache_exact_match(void)
{
	uint8_t p1[256], p2[256];
	uint32_t l1, l2, id;
	struct ovn_cache_stats s0, s1;
	struct ovn_stage_stats ss0, ss1;
	struct pl_fix f;
	uint64_t d0, entries = 0, ehits = 0;

	if (!env.has_root) {
		test__skip("needs root for BPF_PROG_TEST_RUN");
		return;
	}
	if (!ASSERT_OK(pl_fix_open(&f), "pl_fix_open"))
		return;
	if (!ASSERT_OK(cache_setup(&f), "setup"))
		goto cleanup;

	if (test__start_subtest("unicast_hit")) {
		l1 = pkt_udp4(p1, MAC2, MAC1, IP1, IP2, 1000, 53, 16);
		check_cached(&f, NULL, 0, p1, l1, "unicast");
		ASSERT_EQ(r_hit.ret, TC_ACT_REDIRECT, "redirected");
		ASSERT_EQ(r_hit.c.x.out_port[0], 2, "to port 2");
	}
	if (test__start_subtest("rewrite_other_payload")) {
		/* Same key, other payload and length: the cached key is
		 * written back with this packet's checksums. */
		l1 = pkt_udp4(p1, MAC2, MAC1, IP1, IP2, 1000, 5000, 16);
		l2 = pkt_udp4(p2, MAC2, MAC1, IP1, IP2, 1000, 5000, 100);
		check_cached(&f, p1, l1, p2, l2, "rewrite");
		ASSERT_EQ(r_hit.ret, TC_ACT_REDIRECT, "redirected");
		ASSERT_EQ(r_hit.out[14 + 1], 10 << 2, "dscp rewritten");
		ASSERT_EQ(r_hit.out[14 + 8], 63, "ttl decremented");
		ASSERT_MEMEQ(&r_hit.out[14 + 16], &(uint32_t){ IP3 }, 4, "ip4.dst rewritten");
		ASSERT_TRUE(pkt_ip4_ok(r_hit.out + 14), "ip checksum");
		ASSERT_TRUE(pkt_udp4_ok(r_hit.out + 14), "udp checksum");
		ASSERT_EQ(l2, 34 + 8 + 100, "longer packet");
	}
	if (test__start_subtest("arp_responder")) {
		l1 = pkt_arp(p1, BCAST, MAC1, 1, MAC1, IP1, ZERO6, IP2);
		check_cached(&f, NULL, 0, p1, l1, "arp reply");
		ASSERT_EQ(r_hit.olen, 42, "reply");
		ASSERT_EQ(r_hit.out[14 + 7], 2, "arp op reply");
	}
	if (test__start_subtest("flood")) {
		/* ARP for an address nobody answers for: _MC_flood, inport
		 * skipped, ports 2 and 3 get clones. */
		l1 = pkt_arp(p1, BCAST, MAC1, 1, MAC1, IP1, ZERO6, IP3);
		check_cached(&f, NULL, 0, p1, l1, "flood");
		ASSERT_EQ(r_hit.c.x.n_out, 2, "two copies");
		ASSERT_EQ(r_hit.c.x.out_port[0], 2, "port 2");
		ASSERT_EQ(r_hit.c.x.out_port[1], 3, "port 3");
		ASSERT_EQ(r_hit.c.x.drop_reason, DROP_NONE, "delivered");
		/* mcgroup change invalidates: only port 2 left. */
		ASSERT_OK(ovnbpf_mcgroup_set(f.w, DP, MC_FLOOD, (uint32_t[]){ 1, 2 }, 2), "mc set");
		ASSERT_OK(run(&f, p1, l1, &r_hit), "run");
		ASSERT_GT(r_hit.c.x.steps, 0, "mcgroup change invalidated");
		ASSERT_EQ(r_hit.c.x.n_out, 1, "one copy now");
		ASSERT_OK(ovnbpf_mcgroup_set(f.w, DP, MC_FLOOD, (uint32_t[]){ 1, 2, 3 }, 3), "mc set");
	}
	if (test__start_subtest("cached_drop_counts")) {
		/* Spoofed source MAC from port 1: port security drops it,
		 * every packet counted, from the cache too. */
		l1 = pkt_udp4(p1, MAC2, MAC3, IP1, IP2, 1000, 53, 16);
		check_cached(&f, NULL, 0, p1, l1, "spoofed");
		ASSERT_EQ(r_hit.c.x.drop_reason, DROP_STAGE_ACTION, "port security drop");
		d0 = drops(&f, DROP_STAGE_ACTION);
		ASSERT_OK(pl_stage_stats(&f, OVN_STAGE_IDX(0, 0, 1), &ss0), "stats");
		for (int i = 0; i < 5; i++)
			ASSERT_OK(run(&f, p1, l1, &r_hit), "run");
		ASSERT_EQ(drops(&f, DROP_STAGE_ACTION), d0 + 5, "every cached drop counted");
		ASSERT_OK(pl_stage_stats(&f, OVN_STAGE_IDX(0, 0, 1), &ss1), "stats");
		ASSERT_EQ(ss1.drop_action, ss0.drop_action, "stage counters: misses only (documented)");
	}
	if (test__start_subtest("flow_add_remove_invalidates")) {
		l1 = pkt_udp4(p1, MAC2, MAC1, IP1, IP2, 1000, 53, 16);
		ASSERT_OK(run(&f, p1, l1, &r_miss), "prime");
		ASSERT_OK(run(&f, p1, l1, &r_hit), "hit");
		ASSERT_EQ(r_hit.c.x.steps, 0, "cached");
		ASSERT_OK(add(&f, IN, 25, 60, MATCH(m_eq(OVN_OFF_ETH_DST, 6, MAC2)),
			      OPS(op_code(OVN_OP_DROP)), &id), "add drop flow");
		ASSERT_OK(run(&f, p1, l1, &r_hit), "run");
		ASSERT_EQ(r_hit.ret, TC_ACT_REDIRECT, "staged flow invisible, cache still valid");
		s0 = cstats(&f);
		ASSERT_OK(ovnbpf_commit(f.w), "commit");
		ASSERT_OK(run(&f, p1, l1, &r_hit), "run");
		s1 = cstats(&f);
		ASSERT_EQ(s1.stale, s0.stale + 1, "entry stale after commit");
		ASSERT_EQ(r_hit.ret, TC_ACT_SHOT, "new flow drops");
		ASSERT_EQ(r_hit.c.x.drop_reason, DROP_STAGE_ACTION, "by drop;");
		ASSERT_OK(run(&f, p1, l1, &r_hit), "run");
		ASSERT_EQ(r_hit.c.x.steps, 0, "drop cached");
		ASSERT_OK(ovnbpf_flow_del(f.w, id), "del");
		ASSERT_OK(ovnbpf_commit(f.w), "commit");
		ASSERT_OK(run(&f, p1, l1, &r_hit), "run");
		ASSERT_EQ(r_hit.ret, TC_ACT_REDIRECT, "delivered again after removal");
	}
	if (test__start_subtest("set_member_invalidates")) {
		l1 = pkt_udp4(p1, MAC2, MAC1, IP1, IP2, 1000, 7777, 16);
		ASSERT_OK(run(&f, p1, l1, &r_miss), "prime");
		ASSERT_OK(run(&f, p1, l1, &r_hit), "hit");
		ASSERT_EQ(r_hit.c.x.steps, 0, "cached");
		ASSERT_EQ(r_hit.ret, TC_ACT_REDIRECT, "IP2 not in $S");
		ASSERT_OK(ovnbpf_set_add(f.w, SET_S, &(uint32_t){ IP2 }, 4, 32), "set add");
		ASSERT_OK(ovnbpf_commit(f.w), "commit");
		ASSERT_OK(run(&f, p1, l1, &r_hit), "run");
		ASSERT_EQ(r_hit.c.x.drop_reason, DROP_STAGE_ACTION, "now in $S: acl drop");
		ASSERT_OK(ovnbpf_set_del(f.w, SET_S, &(uint32_t){ IP2 }, 4, 32), "set del");
		ASSERT_OK(ovnbpf_commit(f.w), "commit");
		ASSERT_OK(run(&f, p1, l1, &r_hit), "run");
		ASSERT_EQ(r_hit.ret, TC_ACT_REDIRECT, "out of $S again");
	}
	if (test__start_subtest("port_delete_invalidates")) {
		l1 = pkt_udp4(p1, MAC2, MAC1, IP1, IP2, 1000, 53, 16);
		ASSERT_OK(run(&f, p1, l1, &r_miss), "prime");
		ASSERT_OK(run(&f, p1, l1, &r_hit), "hit");
		ASSERT_EQ(r_hit.c.x.steps, 0, "cached");
		ASSERT_OK(ovnbpf_port_del(f.w, DP, 2), "port del");
		ASSERT_OK(run(&f, p1, l1, &r_hit), "run");
		ASSERT_EQ(r_hit.c.x.drop_reason, DROP_NO_PORT, "port gone");
		ASSERT_OK(ovnbpf_port_add(f.w, DP, 2, &vif_port), "port add");
		ASSERT_OK(run(&f, p1, l1, &r_hit), "run");
		ASSERT_EQ(r_hit.ret, TC_ACT_REDIRECT, "port back");
		/* VIF change: the entry's ingress mapping is gone. */
		ASSERT_OK(run(&f, p1, l1, &r_hit), "run");
		ASSERT_EQ(r_hit.c.x.steps, 0, "cached again");
		d0 = drops(&f, DROP_NO_VIF);
		s0 = cstats(&f);
		ASSERT_OK(ovnbpf_vif_del(f.w, LO), "vif del");
		ASSERT_OK(run(&f, p1, l1, &r_hit), "run");
		s1 = cstats(&f);
		ASSERT_EQ(s1.hits, s0.hits, "no hit after vif change");
		ASSERT_EQ(r_hit.ret, TC_ACT_SHOT, "unbound interface: dropped");
		ASSERT_EQ(drops(&f, DROP_NO_VIF), d0 + 1, "as no-vif");
		ASSERT_OK(ovnbpf_vif_add(f.w, LO, &(struct ovn_vif){ .dp = DP, .port = 1,
								   .ct_zone = 1 }), "vif add");
		ASSERT_OK(run(&f, p1, l1, &r_hit), "run");
		ASSERT_EQ(r_hit.ret, TC_ACT_REDIRECT, "bound again");
	}
	if (test__start_subtest("uncacheable")) {
		/* punt and an unknown op: never cached. */
		const uint8_t *dst[] = { MAC5, MAC6 };
		const uint32_t why[] = { DROP_PUNT, DROP_UNSUPPORTED_OP };

		for (int k = 0; k < 2; k++) {
			l1 = pkt_udp4(p1, dst[k], MAC1, IP1, IP2, 1000, 53, 16);
			s0 = cstats(&f);
			for (int i = 0; i < 3; i++) {
				ASSERT_OK(run(&f, p1, l1, &r_hit), "run");
				ASSERT_GT(r_hit.c.x.steps, 0, "pipeline ran");
				ASSERT_EQ(r_hit.c.x.drop_reason, why[k], "reason");
			}
			s1 = cstats(&f);
			ASSERT_EQ(s1.hits, s0.hits, "no hit");
			ASSERT_EQ(s1.inserts, s0.inserts, "no insert");
			ASSERT_EQ(s1.uncacheable, s0.uncacheable + 3, "counted uncacheable");
		}
	}
	if (test__start_subtest("no_match_cached")) {
		/* unknown unicast dst: no flow in l2_lkup, drop cached. */
		l1 = pkt_udp4(p1, MAC9, MAC1, IP1, IP2, 1000, 53, 16);
		check_cached(&f, NULL, 0, p1, l1, "unknown dst");
		ASSERT_EQ(r_hit.c.x.drop_reason, DROP_STAGE_NO_MATCH, "no match");
	}
	if (test__start_subtest("stats_readable")) {
		s0 = cstats(&f);
		ASSERT_OK(ovnbpf_cache_read_stats(&f.m, &s0, &entries, &ehits), "read");
		printf("  hits %llu misses %llu stale %llu inserts %llu uncacheable %llu entries %llu entry-hits %llu\n",
		       (unsigned long long)s0.hits, (unsigned long long)s0.misses,
		       (unsigned long long)s0.stale, (unsigned long long)s0.inserts,
		       (unsigned long long)s0.uncacheable, (unsigned long long)entries,
		       (unsigned long long)ehits);
		ASSERT_GT(entries, 0, "entries");
		ASSERT_GT(ehits, 0, "per-entry hits");
		ASSERT_LE(ehits, s0.hits, "entry hits <= global hits");
	}
cleanup:
	pl_fix_close(&f);
}
