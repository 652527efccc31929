// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * QoS actions through the compiler and BPF_PROG_TEST_RUN (bpf/lib/qos.h):
 * set_meter's bucket (burst, default burst, refill rate, drop reason and
 * counters, the exact-match cache never bypassing it, a meter per flow),
 * set_queue's skb->priority, and the meter freed with its flow.
 *
 * Switch dp 1, VIFs p1 (sender) and p2; every stage `next;` except:
 *   ls_in_qos_meter (10)  udp.dst == 1  set_meter(100, 80); next;
 *                         udp.dst == 2  set_meter(64); next;
 *                         udp.dst == 3  set_meter(100, 80); next;  (own meter)
 *   ls_in_qos_mark  (9)   udp.dst == 4  set_queue(5); next;
 *   ls_in_l2_lkup   (25)  1             outport = "p2"; output;
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "tests/test_progs.h"
#include "tests/bpf/bpf_test.h"
#include "tests/bpf/pkt.h"
#include "tests/bpf/pl_flows.h"
#include "loader/compile.h"
#include "loader/compile_qos.h"

#define LO	1
#define PKT	1000		/* bytes on the wire: 8 kbit */

static const uint8_t MAC1[6] = { 0x0a, 0, 0, 0, 0, 1 };
static const uint8_t MAC2[6] = { 0x0a, 0, 0, 0, 0, 2 };

#define flow(c, pl, t, prio, m, a) pl_flow(c, 1, pl, t, prio, m, a)

static char uuid_meter1[40];

static int setup(struct compiler *c)
{
	int err = 0, t;

	err |= compile_datapath_add(c, 1, OVN_DP_SWITCH);
	err |= compile_port_add(c, &(struct compile_port){ .name = "p2", .dp = 1, .key = 2,
							   .type = "", .ifindex = LO });
	err |= compile_port_add(c, &(struct compile_port){ .name = "p1", .dp = 1, .key = 1,
							   .type = "", .ifindex = LO });
	for (t = 0; t < 25; t++)
		err |= flow(c, 0, t, 0, "1", "next;");
	err |= flow(c, 0, 10, 100, "udp.dst == 1", "set_meter(100, 80); next;");
	snprintf(uuid_meter1, sizeof(uuid_meter1), "%s", pl_flow_last_uuid());
	err |= flow(c, 0, 10, 100, "udp.dst == 2", "set_meter(64); next;");
	err |= flow(c, 0, 10, 100, "udp.dst == 3", "set_meter(100, 80); next;");
	err |= flow(c, 0, 9, 100, "udp.dst == 4", "set_queue(5); next;");
	err |= flow(c, 0, 25, 0, "1", "outport = \"p2\"; output;");
	for (t = 0; t < 9; t++)
		err |= flow(c, 1, t, 0, "1", "next;");
	err |= flow(c, 1, 9, 0, "1", "output;");
	return err ?: compile_commit(c);
}

static struct ovn_ctx ctx;

/* Send a PKT-byte UDP packet to DPORT; *reason = its drop reason. */
static int send_udp(struct pl_fix *f, uint16_t dport, uint32_t *reason, __u32 *prio)
{
	uint8_t pkt[PKT];
	size_t len = pkt_udp4(pkt, MAC2, MAC1, htonl(0x0a000001), htonl(0x0a000002), 1000,
			      dport, PKT - 42);
	struct __sk_buff skb = { 0 };
	LIBBPF_OPTS(bpf_test_run_opts, o, .data_in = pkt, .data_size_in = len,
		    .ctx_in = &skb, .ctx_size_in = sizeof(skb),
		    .ctx_out = &skb, .ctx_size_out = sizeof(skb));
	int err = bpf_prog_test_run_opts(f->prog_fd, &o);

	if (err)
		return err;
	if (prio)
		*prio = skb.priority;
	err = pl_read_ctx(f, &ctx);
	*reason = ctx.x.drop_reason;
	return err;
}

/* Packets to DPORT sent back to back until one is dropped (at most MAX):
 * how many passed.  UINT32_MAX on a run error or another drop reason. */
static uint32_t pass_until_drop(struct pl_fix *f, uint16_t dport, uint32_t max)
{
	uint32_t n, r;

	for (n = 0; n < max; n++) {
		if (send_udp(f, dport, &r, NULL))
			return UINT32_MAX;
		if (r == DROP_QOS_METER)
			return n;
		if (r != DROP_NONE)
			return UINT32_MAX;
	}
	return n;
}

static int meter_of(struct pl_fix *f, uint32_t id, struct ovn_qos_meter *m)
{
	return qos_meter_read(f->m.qos_meters, id, m);
}

void test_qos_meter(void)
{
	int reports = 0;
	struct compile_opts o = { .report = pl_report_count, .aux = &reports };
	struct compiler *c = NULL;
	struct ovn_qos_meter m1, m3;
	struct pl_fix f;
	uint32_t n, r;

	if (pl_open_compiled(&f, &o, setup, &c))
		return;
	ASSERT_EQ(reports, 0, "set_meter and set_queue compile without reports");
	ASSERT_EQ(cc_qos_n_meters(c), 3, "one meter per set_meter flow");

	if (test__start_subtest("burst_then_drop")) {
		uint64_t d0 = pl_drops(&f, DROP_QOS_METER);

		/* 80 kbit of burst = 10 packets of 8 kbit; the refill while
		 * they run (100 kbit/s, well under 10 ms) adds at most one. */
		n = pass_until_drop(&f, 1, 100);
		ASSERT_GE(n, 10, "the burst passes");
		ASSERT_LE(n, 11, "and little more");
		ASSERT_OK(send_udp(&f, 1, &r, NULL), "run");
		ASSERT_EQ(r, DROP_QOS_METER, "over the rate: dropped");
		ASSERT_EQ(pl_drops(&f, DROP_QOS_METER) - d0, 2, "drop reason counted");
		ASSERT_EQ(ctx.x.verdict, TC_ACT_SHOT, "shot");
	}
	if (test__start_subtest("cache_does_not_bypass")) {
		struct ovn_cache_stats s0, s1;

		/* The fixture's cache is on: unmetered packets hit it. */
		ASSERT_OK(send_udp(&f, 9, &r, NULL), "unmetered 1");
		ASSERT_OK(ovnbpf_cache_read_stats(&f.m, &s0, NULL, NULL), "stats");
		ASSERT_OK(send_udp(&f, 9, &r, NULL), "unmetered 2");
		ASSERT_OK(ovnbpf_cache_read_stats(&f.m, &s1, NULL, NULL), "stats");
		ASSERT_EQ(s1.hits - s0.hits, 1, "cache is on for unmetered packets");
		ASSERT_EQ(r, DROP_NONE, "delivered");
		/* The drained meter keeps dropping: no run was cached. */
		ASSERT_OK(ovnbpf_cache_read_stats(&f.m, &s0, NULL, NULL), "stats");
		for (int i = 0; i < 5; i++) {
			ASSERT_OK(send_udp(&f, 1, &r, NULL), "metered");
			ASSERT_EQ(r, DROP_QOS_METER, "still over the rate");
		}
		ASSERT_OK(ovnbpf_cache_read_stats(&f.m, &s1, NULL, NULL), "stats");
		ASSERT_EQ(s1.hits, s0.hits, "no cache hit for metered packets");
		ASSERT_GE(s1.uncacheable - s0.uncacheable, 5, "metered runs not stored");
	}
	if (test__start_subtest("refill_rate")) {
		/* Drained above; 400 ms at 100 kbit/s = 40 kbit = 5 packets. */
		pass_until_drop(&f, 1, 100);
		usleep(400000);
		n = pass_until_drop(&f, 1, 100);
		ASSERT_GE(n, 4, "about rate x time passes");
		ASSERT_LE(n, 6, "and no more");
		ASSERT_OK(meter_of(&f, 1, &m1), "read meter 1");
		ASSERT_EQ(m1.rate_kbps, 100, "rate");
		ASSERT_GE(m1.pass_pkts, 14, "passed counted in the bucket");
		ASSERT_GE(m1.drop_pkts, 8, "drops counted in the bucket");
		ASSERT_EQ(m1.pass_bytes, m1.pass_pkts * PKT, "bytes");
	}
	if (test__start_subtest("default_burst_is_rate")) {
		/* set_meter(64): 64 kbit bucket = 8 packets. */
		n = pass_until_drop(&f, 2, 100);
		ASSERT_GE(n, 8, "burst = rate");
		ASSERT_LE(n, 9, "no more");
	}
	if (test__start_subtest("meter_per_flow")) {
		/* Same rate and burst, another flow: a full bucket of its own. */
		n = pass_until_drop(&f, 3, 100);
		ASSERT_GE(n, 10, "own burst");
		ASSERT_LE(n, 11, "own burst only");
		ASSERT_OK(meter_of(&f, 3, &m3), "read meter 3");
		ASSERT_EQ(m3.rate_kbps, 100, "meter 3 is this flow's");
		ASSERT_EQ(m3.pass_pkts, n, "its own counters");
	}
	if (test__start_subtest("set_queue_priority")) {
		__u32 prio = 0;

		ASSERT_OK(send_udp(&f, 4, &r, &prio), "run");
		ASSERT_EQ(r, DROP_NONE, "set_queue never drops");
		ASSERT_EQ(prio, 0x10006, "skb->priority = 1:(5 + 1)");
		ASSERT_OK(send_udp(&f, 9, &r, &prio), "run");
		ASSERT_EQ(prio, 0, "other packets keep priority 0");
	}
	if (test__start_subtest("meter_freed_with_flow")) {
		ASSERT_OK(compile_flow_del(c, uuid_meter1), "delete the flow");
		ASSERT_OK(compile_commit(c), "commit");
		ASSERT_EQ(cc_qos_n_meters(c), 2, "its meter freed");
		ASSERT_OK(meter_of(&f, 1, &m1), "read meter 1");
		ASSERT_EQ(m1.rate_kbps, 0, "entry cleared");
		ASSERT_OK(send_udp(&f, 1, &r, NULL), "run");
		ASSERT_EQ(r, DROP_NONE, "unmetered now");
	}
	compiler_free(c);
	pl_fix_close(&f);
}

/* Meter entries as the daemon writes them. */
void test_qos_meter_init(void)
{
	struct ovn_qos_meter m;

	qos_meter_init(&m, 10000, 0);
	ASSERT_EQ(m.rate_kbps, 10000, "rate");
	ASSERT_EQ(m.cap, 10000ULL * OVN_QOS_TOK_PER_KBIT, "burst defaults to the rate");
	ASSERT_EQ(m.tokens, m.cap, "starts full");
	ASSERT_GE(m.fill_ns * m.rate_kbps, m.cap, "fill time fills the bucket");
	ASSERT_LE(m.fill_ns, 1000000001ULL, "burst = rate: about a second");
	qos_meter_init(&m, OVN_QOS_MAX_KBPS, OVN_QOS_MAX_KBIT);
	ASSERT_GE(m.fill_ns * m.rate_kbps, m.cap, "largest: no overflow");
	qos_meter_init(&m, 0, 5);
	ASSERT_EQ(m.rate_kbps, 0, "rate 0 clears");
	ASSERT_EQ(m.cap, 0, "cap 0");
}
