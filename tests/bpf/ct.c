// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * Conntrack through BPF_PROG_TEST_RUN (bpf/lib/ct.h), on logical flows
 * compiled by the real compiler.  Switch dp 1, VIF ports p1 (zone 1) and
 * p2 (zone 2), every packet enters on p1's interface; the "client" sends
 * with eth.src MAC1, the "server" with MAC2:
 *
 *   ls_in t0    0 1                                  ct_next;
 *   ls_in t1  100 ct.new && !ct.inv && eth.src==MAC1 ct_commit { ct_mark.blocked = 1;
 *                                                      ct_label.label = 7; }; next;
 *              90 ct.est && eth.src==MAC1 && ip4.dst==10.0.0.99
 *                                                    ct_commit { ct_label.label = 9; }; next;
 *   ls_in t2  100 ip4.dst == 10.0.0.98               ct_clear; next;
 *   ls_in t3    0 1                                  outport = "p2"; output;
 *   everything else: next; (output; in the last tables)
 *
 * ct_state/ct_mark/ct_label are read from the context after the run (what
 * ct_next set; the egress pipeline does not touch them here).
 */
#include <arpa/inet.h>

#include "tests/test_progs.h"
#include "tests/bpf/bpf_test.h"
#include "tests/bpf/pkt.h"
#include "tests/bpf/pl_flows.h"
#include "loader/compile.h"
#include "loader/conntrack.h"
#include "ovnbpf_vif.skel.h"

#define LO 1

static const uint8_t MAC1[6] = { 0x0a, 0, 0, 0, 0, 1 };
static const uint8_t MAC2[6] = { 0x0a, 0, 0, 0, 0, 2 };

#define A ip4a(10, 0, 0, 1)
#define B ip4a(10, 0, 0, 2)

static uint32_t ip4a(uint8_t a, uint8_t b, uint8_t c, uint8_t d)
{
	return htonl((uint32_t)a << 24 | (uint32_t)b << 16 | (uint32_t)c << 8 | d);
}

#define S_NEW (1u << OVN_CS_NEW)
#define S_EST (1u << OVN_CS_EST)
#define S_REL (1u << OVN_CS_REL)
#define S_RPL (1u << OVN_CS_RPL)
#define S_INV (1u << OVN_CS_INV)
#define S_TRK (1u << OVN_CS_TRK)

static struct ovn_ctx ctx;

struct ct_fix {
	struct pl_fix f;
	struct compiler *c;
	int ct_fd;
};

static size_t tcp4(uint8_t *b, const uint8_t *smac, uint32_t s, uint32_t d, uint16_t sp,
		   uint16_t dp, uint8_t flags)
{
	return pkt_tcp4(b, smac == MAC1 ? MAC2 : MAC1, smac, s, d, sp, dp, flags);
}

static size_t udp4(uint8_t *b, const uint8_t *smac, uint32_t s, uint32_t d, uint16_t sp,
		   uint16_t dp)
{
	return pkt_udp4(b, smac == MAC1 ? MAC2 : MAC1, smac, s, d, sp, dp, 8);
}

/* ICMP echo (type 8 request / 0 reply) with identifier ID. */
static size_t echo4(uint8_t *b, const uint8_t *smac, uint32_t s, uint32_t d, uint8_t type,
		    uint16_t id)
{
	return pkt_echo4(b, smac == MAC1 ? MAC2 : MAC1, smac, s, d, type, id);
}

/* ICMP destination unreachable from S to D quoting INNER (an IPv4 packet
 * starting at its IP header, 28 bytes used). */
static size_t unreach4(uint8_t *b, const uint8_t *smac, uint32_t s, uint32_t d,
		       const uint8_t *inner)
{
	uint8_t *t = b + 34;

	pkt_eth(b, smac == MAC1 ? MAC2 : MAC1, smac, 0x0800);
	pkt_ip4(b + 14, 1, s, d, 8 + 28);
	memset(t, 0, 8);
	t[0] = 3;
	t[1] = 3;
	memcpy(t + 8, inner, 28);
	return 34 + 8 + 28;
}

static size_t udp6(uint8_t *b, const uint8_t *smac, const uint8_t *s, const uint8_t *d,
		   uint16_t sp, uint16_t dp)
{
	return pkt_udp6(b, smac == MAC1 ? MAC2 : MAC1, smac, s, d, sp, dp);
}

static int setup(struct ct_fix *x)
{
	struct compile_opts o = { 0 };
	int err = 0;

	memset(x, 0, sizeof(*x));
	if (pl_fix_open(&x->f))
		return -1;
	x->ct_fd = bpf_map__fd(x->f.skel->maps.ovn_ct);
	if (compiler_new(x->f.w, &o, &x->c))
		return -1;
	err |= pl_switch_p1p2(x->c, LO);
	err |= pl_flow(x->c, 1, OVN_PIPE_INGRESS, 0, 0, "1", "ct_next;");
	err |= pl_flow(x->c, 1, OVN_PIPE_INGRESS, 1, 100,
		       "ct.new && !ct.inv && eth.src == 0a:00:00:00:00:01",
		       "ct_commit { ct_mark.blocked = 1; ct_label.label = 7; }; next;");
	err |= pl_flow(x->c, 1, OVN_PIPE_INGRESS, 1, 90,
		       "ct.est && eth.src == 0a:00:00:00:00:01 && ip4.dst == 10.0.0.99",
		       "ct_commit { ct_label.label = 9; }; next;");
	err |= pl_flow(x->c, 1, OVN_PIPE_INGRESS, 1, 0, "1", "next;");
	err |= pl_flow(x->c, 1, OVN_PIPE_INGRESS, 2, 100, "ip4.dst == 10.0.0.98", "ct_clear; next;");
	err |= pl_flow(x->c, 1, OVN_PIPE_INGRESS, 2, 0, "1", "next;");
	err |= pl_flow(x->c, 1, OVN_PIPE_INGRESS, 3, 0, "1", "outport = \"p2\"; output;");
	err |= pl_flow_fill(x->c, 1, OVN_PIPE_INGRESS, 4, OVN_LS_IN_TABLES, "output;");
	err |= pl_flow_fill(x->c, 1, OVN_PIPE_EGRESS, 0, OVN_LS_OUT_TABLES, "output;");
	err |= compile_commit(x->c);
	return err ? -1 : 0;
}

static void teardown(struct ct_fix *x)
{
	compiler_free(x->c);
	pl_fix_close(&x->f);
}

/* Run PKT; returns ct_state (host order) or UINT32_MAX. */
static uint32_t run(struct ct_fix *x, const uint8_t *pkt, size_t len)
{
	if (pl_run_ctx(&x->f, pkt, len, NULL, &ctx))
		return UINT32_MAX;
	return ntohl(ctx.md.ct_state);
}

static int entry(struct ct_fix *x, uint16_t zone, uint8_t proto, uint32_t s, uint32_t d,
		 uint16_t sp, uint16_t dp, struct ovn_ct_entry *e)
{
	struct ovn_ct_key k = { .zone = zone, .proto = proto, .family = 4,
				.sport = htons(sp), .dport = htons(dp) };

	memcpy(k.src, &s, 4);
	memcpy(k.dst, &d, 4);
	return bpf_map_lookup_elem(x->ct_fd, &k, e);
}

/* ct_label.label is ct_label[96..127]: the first 4 of the big-endian
 * 16 bytes. */
static uint32_t label_lo(const struct ovn_ct_entry *e)
{
	uint32_t v;

	memcpy(&v, e->label, 4);
	return ntohl(v);
}

static uint32_t ctx_label_lo(void)
{
	uint32_t v;

	memcpy(&v, ctx.md.ct_label, 4);
	return ntohl(v);
}

static int n_entries(struct ct_fix *x)
{
	struct ovn_ct_key k, nk;
	int n = 0;

	if (bpf_map_get_next_key(x->ct_fd, NULL, &k))
		return 0;
	do {
		n++;
	} while (!bpf_map_get_next_key(x->ct_fd, &k, &nk) && (k = nk, 1));
	return n;
}

static void sub_udp(struct ct_fix *x)
{
	uint8_t p[128];
	struct ovn_ct_entry e;
	size_t n;

	n = udp4(p, MAC1, A, B, 1000, 2000);
	ASSERT_EQ(run(x, p, n), S_NEW | S_TRK, "first packet: new");
	ASSERT_OK(entry(x, 1, 17, A, B, 1000, 2000, &e), "committed in zone 1");
	ASSERT_EQ(e.mark, 1, "ct_mark.blocked committed");
	ASSERT_EQ(label_lo(&e), 7, "ct_label.label committed");
	ASSERT_EQ(ntohl(ctx.md.ct_mark), 0, "packet's own ct_mark unchanged by commit");
	ASSERT_EQ(run(x, p, n), S_NEW | S_TRK, "second original packet before a reply: new");
	ASSERT_EQ(ntohl(ctx.md.ct_mark), 1, "ct_mark loaded from the connection");
	n = udp4(p, MAC2, B, A, 2000, 1000);
	ASSERT_EQ(run(x, p, n), S_EST | S_RPL | S_TRK, "reply: est+rpl");
	ASSERT_EQ(ctx_label_lo(), 7, "reply sees ct_label");
	n = udp4(p, MAC1, A, B, 1000, 2000);
	ASSERT_EQ(run(x, p, n), S_EST | S_TRK, "original after reply: est");
	ASSERT_OK(entry(x, 1, 17, A, B, 1000, 2000, &e), "entry");
	ASSERT_EQ(e.packets[0], 3, "3 original packets");
	ASSERT_EQ(e.packets[1], 1, "1 reply packet");
	ASSERT_TRUE(e.expires_ns > e.last_seen_ns + 100ULL * 1000000000ULL,
		    "replied UDP: stream timeout (120 s)");
	/* a packet of another tuple is new again */
	n = udp4(p, MAC2, B, A, 2001, 1000);
	ASSERT_EQ(run(x, p, n), S_NEW | S_TRK, "other tuple, not committed (MAC2): new");
	ASSERT_EQ(run(x, p, n), S_NEW | S_TRK, "still new: never committed");
}

static void sub_tcp(struct ct_fix *x)
{
	struct ovn_ct_entry e;
	uint8_t p[128];
	size_t n;

	n = tcp4(p, MAC1, A, B, 40000, 80, 0x02);
	ASSERT_EQ(run(x, p, n), S_NEW | S_TRK, "SYN: new");
	ASSERT_OK(entry(x, 1, 6, A, B, 40000, 80, &e), "committed");
	ASSERT_EQ(e.tcp_state, OVN_TCP_SYN_SENT, "SYN_SENT");
	n = tcp4(p, MAC2, B, A, 80, 40000, 0x12);
	ASSERT_EQ(run(x, p, n), S_EST | S_RPL | S_TRK, "SYN-ACK: est+rpl");
	entry(x, 1, 6, A, B, 40000, 80, &e);
	ASSERT_EQ(e.tcp_state, OVN_TCP_SYN_RECV, "SYN_RECV");
	n = tcp4(p, MAC1, A, B, 40000, 80, 0x10);
	ASSERT_EQ(run(x, p, n), S_EST | S_TRK, "ACK: est");
	entry(x, 1, 6, A, B, 40000, 80, &e);
	ASSERT_EQ(e.tcp_state, OVN_TCP_ESTABLISHED, "ESTABLISHED");
	ASSERT_TRUE(e.expires_ns - e.last_seen_ns > 400000ULL * 1000000000ULL,
		    "established timeout 5 days");
	n = tcp4(p, MAC1, A, B, 40000, 80, 0x19);	/* FIN|PSH|ACK */
	ASSERT_EQ(run(x, p, n), S_EST | S_TRK, "FIN: est");
	entry(x, 1, 6, A, B, 40000, 80, &e);
	ASSERT_EQ(e.tcp_state, OVN_TCP_FIN_WAIT, "FIN_WAIT");
	n = tcp4(p, MAC2, B, A, 80, 40000, 0x11);
	ASSERT_EQ(run(x, p, n), S_EST | S_RPL | S_TRK, "FIN back: est+rpl");
	entry(x, 1, 6, A, B, 40000, 80, &e);
	ASSERT_EQ(e.tcp_state, OVN_TCP_LAST_ACK, "LAST_ACK");
	n = tcp4(p, MAC1, A, B, 40000, 80, 0x10);
	run(x, p, n);
	entry(x, 1, 6, A, B, 40000, 80, &e);
	ASSERT_EQ(e.tcp_state, OVN_TCP_TIME_WAIT, "TIME_WAIT");
	ASSERT_TRUE(e.expires_ns - e.last_seen_ns <= 120ULL * 1000000000ULL,
		    "time-wait timeout 120 s");
	/* the same tuple again: a new connection replaces the old one */
	n = tcp4(p, MAC1, A, B, 40000, 80, 0x02);
	ASSERT_EQ(run(x, p, n), S_NEW | S_TRK, "SYN on TIME_WAIT: new again");
	entry(x, 1, 6, A, B, 40000, 80, &e);
	ASSERT_EQ(e.tcp_state, OVN_TCP_SYN_SENT, "reopened: SYN_SENT");
	ASSERT_EQ(e.flags & OVN_CT_F_SEEN_REPLY, 0, "reopened: no reply seen yet");
	n = tcp4(p, MAC2, B, A, 80, 40000, 0x04);
	ASSERT_EQ(run(x, p, n), S_EST | S_RPL | S_TRK, "RST reply: est+rpl");
	entry(x, 1, 6, A, B, 40000, 80, &e);
	ASSERT_EQ(e.tcp_state, OVN_TCP_CLOSE, "RST: CLOSE");
	ASSERT_TRUE(e.expires_ns - e.last_seen_ns <= 10ULL * 1000000000ULL, "close timeout 10 s");
}

static void sub_tcp_invalid(struct ct_fix *x)
{
	uint8_t p[128];
	size_t n;

	n = tcp4(p, MAC1, A, B, 40001, 80, 0x03);
	ASSERT_EQ(run(x, p, n), S_INV | S_TRK, "SYN+FIN: inv");
	n = tcp4(p, MAC1, A, B, 40001, 80, 0x00);
	ASSERT_EQ(run(x, p, n), S_INV | S_TRK, "no flags: inv");
	n = tcp4(p, MAC1, A, B, 40001, 80, 0x01);
	ASSERT_EQ(run(x, p, n), S_INV | S_TRK, "FIN without ACK: inv");
	n = tcp4(p, MAC2, B, A, 80, 40002, 0x12);
	ASSERT_EQ(run(x, p, n), S_INV | S_TRK, "SYN-ACK without a connection: inv");
	n = tcp4(p, MAC2, B, A, 80, 40002, 0x04);
	ASSERT_EQ(run(x, p, n), S_INV | S_TRK, "RST without a connection: inv");
	n = tcp4(p, MAC1, A, B, 40003, 80, 0x10);
	ASSERT_EQ(run(x, p, n), S_NEW | S_TRK, "bare ACK: new (loose pick-up)");
	{
		struct ovn_ct_entry e;

		ASSERT_OK(entry(x, 1, 6, A, B, 40003, 80, &e), "picked up");
		ASSERT_EQ(e.tcp_state, OVN_TCP_ESTABLISHED, "picked up as ESTABLISHED");
	}
	/* an invalid packet of a tracked connection is inv, state untouched */
	n = tcp4(p, MAC1, A, B, 40003, 80, 0x07);
	ASSERT_EQ(run(x, p, n), S_INV | S_TRK, "SYN+RST+FIN on a connection: inv");
}

static void sub_icmp(struct ct_fix *x)
{
	uint8_t p[128], inner[64];
	size_t n;

	n = echo4(p, MAC1, A, B, 8, 77);
	ASSERT_EQ(run(x, p, n), S_NEW | S_TRK, "echo request: new");
	n = echo4(p, MAC2, B, A, 0, 77);
	ASSERT_EQ(run(x, p, n), S_EST | S_RPL | S_TRK, "echo reply: est+rpl");
	n = echo4(p, MAC2, B, A, 0, 78);
	ASSERT_EQ(run(x, p, n), S_INV | S_TRK, "echo reply of no request: inv");
	/* UDP A:1000 -> B:2000 (committed by sub_udp) met an error on the
	 * way: B tells A, quoting the datagram */
	udp4(inner, MAC1, A, B, 1000, 2000);
	n = unreach4(p, MAC2, B, A, inner + 14);
	ASSERT_EQ(run(x, p, n), S_REL | S_RPL | S_TRK, "ICMP error about it: rel+rpl");
	ASSERT_EQ(ntohl(ctx.md.ct_mark), 1, "related packet sees the ct_mark");
	/* A tells B about B's reply */
	udp4(inner, MAC2, B, A, 2000, 1000);
	n = unreach4(p, MAC1, A, B, inner + 14);
	ASSERT_EQ(run(x, p, n), S_REL | S_TRK, "error about a reply: rel");
	udp4(inner, MAC1, A, B, 1555, 2000);
	n = unreach4(p, MAC2, B, A, inner + 14);
	ASSERT_EQ(run(x, p, n), S_INV | S_TRK, "error about nothing tracked: inv");
}

static void sub_zones(struct ct_fix *x)
{
	struct ovn_vif v = { .dp = 1, .port = 1, .ct_zone = 5 };
	uint8_t p[128];
	size_t n;

	n = udp4(p, MAC1, A, B, 3000, 4000);
	ASSERT_EQ(run(x, p, n), S_NEW | S_TRK, "zone 1: new, committed");
	ASSERT_OK(ovnbpf_vif_add(x->f.w, LO, &v), "port now in zone 5");
	n = udp4(p, MAC2, B, A, 4000, 3000);
	ASSERT_EQ(run(x, p, n), S_NEW | S_TRK, "the reply in zone 5 is not zone 1's");
	ASSERT_EQ(ntohl(ctx.md.ct_zone), 2, "egress loaded outport's zone (p2)");
	v.ct_zone = 1;
	ASSERT_OK(ovnbpf_vif_add(x->f.w, LO, &v), "back to zone 1");
	ASSERT_EQ(run(x, p, n), S_EST | S_RPL | S_TRK, "zone 1: est+rpl");
}

static void sub_clear_update(struct ct_fix *x)
{
	struct ovn_ct_entry e;
	uint8_t p[128];
	uint32_t ip99 = ip4a(10, 0, 0, 99), ip98 = ip4a(10, 0, 0, 98);
	size_t n;

	n = udp4(p, MAC1, A, ip98, 5000, 6000);
	ASSERT_EQ(run(x, p, n), 0, "ct_clear: ct_state 0");
	ASSERT_EQ(ntohl(ctx.md.ct_mark), 0, "ct_clear: ct_mark 0");
	n = udp4(p, MAC1, A, ip99, 5000, 6000);
	run(x, p, n);
	n = udp4(p, MAC2, ip99, A, 6000, 5000);
	ASSERT_EQ(run(x, p, n), S_EST | S_RPL | S_TRK, "reply");
	n = udp4(p, MAC1, A, ip99, 5000, 6000);
	ASSERT_EQ(run(x, p, n), S_EST | S_TRK, "est");
	ASSERT_OK(entry(x, 1, 17, A, ip99, 5000, 6000, &e), "entry");
	ASSERT_EQ(label_lo(&e), 9, "ct_commit on est updated ct_label.label");
	ASSERT_EQ(e.mark, 1, "... and kept ct_mark");
	ASSERT_EQ(ctx_label_lo(), 7, "packet kept the label it was looked up with");
}

static void sub_expiry(struct ct_fix *x)
{
	struct ovn_ct_key k = { .zone = 1, .proto = 17, .family = 4,
				.sport = htons(7000), .dport = htons(8000) };
	struct ovnbpf_ct ct = { .ct = x->ct_fd, .stats = bpf_map__fd(x->f.skel->maps.ovn_ct_stats),
				.gc = bpf_map__fd(x->f.skel->maps.ovn_ct_gc) };
	struct ovnbpf_ct_summary sum;
	struct ovn_ct_entry e;
	uint8_t p[128];
	uint32_t b2 = ip4a(10, 0, 0, 3);
	size_t n;
	int before;

	memcpy(k.src, &(uint32_t){ A }, 4);
	memcpy(k.dst, &b2, 4);
	n = udp4(p, MAC1, A, b2, 7000, 8000);
	run(x, p, n);
	ASSERT_OK(bpf_map_lookup_elem(x->ct_fd, &k, &e), "committed");
	e.expires_ns = 1;
	ASSERT_OK(bpf_map_update_elem(x->ct_fd, &k, &e, BPF_EXIST), "age it");
	ASSERT_EQ(run(x, p, n), S_NEW | S_TRK, "expired entry: new again (BPF deleted it)");
	ASSERT_OK(bpf_map_lookup_elem(x->ct_fd, &k, &e), "recommitted");
	/* GC: age two entries, run it */
	before = n_entries(x);
	e.expires_ns = 1;
	bpf_map_update_elem(x->ct_fd, &k, &e, BPF_EXIST);
	k.sport = htons(1000);
	k.dport = htons(2000);
	memcpy(k.dst, &(uint32_t){ B }, 4);
	ASSERT_OK(bpf_map_lookup_elem(x->ct_fd, &k, &e), "sub_udp's entry");
	e.expires_ns = 1;
	bpf_map_update_elem(x->ct_fd, &k, &e, BPF_EXIST);
	ASSERT_EQ(ovnbpf_ct_gc(&ct, 0), 2, "GC deleted the two expired entries");
	ASSERT_EQ(n_entries(x), before - 2, "two fewer");
	ASSERT_OK(ovnbpf_ct_summarize(&ct, &sum), "summary");
	ASSERT_EQ(sum.gc.gc_deleted, 2, "gc_deleted counted");
	ASSERT_EQ(sum.live, (uint64_t)before - 2, "live entries");
	ASSERT_EQ(sum.evicted, 0, "no LRU eviction");
	ASSERT_EQ(sum.stats.expired, 1, "one found expired by BPF");
	/* one entry in zone 5, then flush zone 1 only */
	{
		struct ovn_vif v = { .dp = 1, .port = 1, .ct_zone = 5 };

		ovnbpf_vif_add(x->f.w, LO, &v);
		n = udp4(p, MAC1, A, B, 9000, 9001);
		ASSERT_EQ(run(x, p, n), S_NEW | S_TRK, "zone 5: committed");
		v.ct_zone = 1;
		ovnbpf_vif_add(x->f.w, LO, &v);
	}
	ASSERT_TRUE(ovnbpf_ct_flush(&ct, 1) > 0, "flush zone 1");
	ASSERT_EQ(n_entries(x), 1, "zone 5's entry is left");
	ASSERT_TRUE(ovnbpf_ct_flush(&ct, -1) > 0, "flush all");
	ASSERT_EQ(n_entries(x), 0, "empty");
	ASSERT_OK(ovnbpf_ct_summarize(&ct, &sum), "summary");
	ASSERT_EQ(sum.evicted, 0, "still no eviction after flushes");
}

static void sub_ip6(struct ct_fix *x)
{
	uint8_t a6[16] = { 0xfd, 0, [15] = 1 }, b6[16] = { 0xfd, 0, [15] = 2 };
	uint8_t p[128];
	size_t n;

	n = udp6(p, MAC1, a6, b6, 1000, 53);
	ASSERT_EQ(run(x, p, n), S_NEW | S_TRK, "IPv6 UDP: new");
	n = udp6(p, MAC2, b6, a6, 53, 1000);
	ASSERT_EQ(run(x, p, n), S_EST | S_RPL | S_TRK, "IPv6 reply: est+rpl");
}

void test_ct_bpf(void)
{
	struct ct_fix x;

	if (!ASSERT_OK(setup(&x), "setup"))
		goto out;
	if (test__start_subtest("udp_new_est_rpl"))
		sub_udp(&x);
	if (test__start_subtest("tcp_states"))
		sub_tcp(&x);
	if (test__start_subtest("tcp_invalid"))
		sub_tcp_invalid(&x);
	if (test__start_subtest("icmp_echo_and_related"))
		sub_icmp(&x);
	if (test__start_subtest("zones_isolate"))
		sub_zones(&x);
	if (test__start_subtest("clear_and_update"))
		sub_clear_update(&x);
	if (test__start_subtest("ipv6"))
		sub_ip6(&x);
	if (test__start_subtest("expiry_gc_flush"))
		sub_expiry(&x);
out:
	teardown(&x);
}
