// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * NAT and ct_lb_mark through BPF_PROG_TEST_RUN (bpf/lib/nat.h, lb.h), on
 * logical flows compiled by the real compiler.  Switch dp 1, every packet
 * enters on p1 (zone 1):
 *
 *   ls_in t0 100 ip4.dst == 10.0.0.100 && tcp.dst == 80
 *                      ct_lb_mark(backends=10.0.0.3:8080,10.0.0.4:8080);
 *            100 ip4.dst == 10.0.0.101 && tcp.dst == 80
 *                      ct_lb_mark(backends=...; hash_fields="ip_src");
 *            100 ip6.dst == fd00::100 && udp.dst == 53
 *                      ct_lb_mark(backends=[fd00::3]:5353,[fd00::4]:5353);
 *             90 ip4.dst == 10.0.0.50          ct_dnat(10.0.0.5);
 *             80 ip4.dst == 10.0.0.60          ct_snat(192.168.0.1);
 *              0 1                             ct_lb_mark;
 *   ls_in t1   0 1                             outport = "p2"; output;
 *
 * The rewritten packet is read back from the test run's output.
 */
#include <arpa/inet.h>

#include "tests/test_progs.h"
#include "tests/bpf/pl_flows.h"
#include "tests/bpf/bpf_test.h"
#include "tests/bpf/pkt.h"
#include "loader/compile.h"
#include "loader/conntrack.h"
#include "ovnbpf_vif.skel.h"

#define LO 1

static const uint8_t MAC1[6] = { 0x0a, 0, 0, 0, 0, 1 };
static const uint8_t MAC2[6] = { 0x0a, 0, 0, 0, 0, 2 };

#define S_NEW (1u << OVN_CS_NEW)
#define S_EST (1u << OVN_CS_EST)
#define S_RPL (1u << OVN_CS_RPL)
#define S_TRK (1u << OVN_CS_TRK)
#define S_SNAT (1u << OVN_CS_SNAT)
#define S_DNAT (1u << OVN_CS_DNAT)

static struct ovn_ctx ctx;

struct nat_fix {
	struct pl_fix f;
	struct compiler *c;
	int ct_fd;
	uint8_t out[256];
	uint32_t out_len;
};

static uint32_t ip4a(uint8_t a, uint8_t b, uint8_t c, uint8_t d)
{
	return htonl((uint32_t)a << 24 | (uint32_t)b << 16 | (uint32_t)c << 8 | d);
}

/* The L4 checksum of the IPv4/IPv6 packet at IP (TCP/UDP) verifies. */
static int l4_ok(const uint8_t *ip)
{
	uint32_t s;
	uint16_t len;

	if ((ip[0] >> 4) == 4) {
		len = ((uint16_t)ip[2] << 8 | ip[3]) - 20;
		s = pkt_sum(ip + 12, 8, 0) + ip[9] + len;
		return pkt_fold(pkt_sum(ip + 20, len, s)) == 0;
	}
	len = (uint16_t)ip[4] << 8 | ip[5];
	s = pkt_sum(ip + 8, 32, 0) + ip[6] + len;
	return pkt_fold(pkt_sum(ip + 40, len, s)) == 0;
}

/* Fill the L4 checksum of the packet at IP (TCP offset 16, UDP 6). */
static void l4_fill(uint8_t *ip)
{
	bool v4 = (ip[0] >> 4) == 4;
	uint8_t proto = v4 ? ip[9] : ip[6], *l4 = ip + (v4 ? 20 : 40);
	uint16_t len = v4 ? ((uint16_t)ip[2] << 8 | ip[3]) - 20 : ((uint16_t)ip[4] << 8 | ip[5]);
	int co = proto == 6 ? 16 : 6;
	uint32_t s = (v4 ? pkt_sum(ip + 12, 8, 0) : pkt_sum(ip + 8, 32, 0)) + proto + len;
	uint16_t cs;

	l4[co] = l4[co + 1] = 0;
	cs = pkt_fold(pkt_sum(l4, len, s));
	l4[co] = cs >> 8;
	l4[co + 1] = cs & 0xff;
}

static size_t tcp4(uint8_t *b, const uint8_t *smac, uint32_t s, uint32_t d, uint16_t sp,
		   uint16_t dp, uint8_t flags)
{
	uint8_t *t = b + 34;

	pkt_eth(b, smac == MAC1 ? MAC2 : MAC1, smac, 0x0800);
	pkt_ip4(b + 14, 6, s, d, 24);
	memset(t, 0, 24);
	t[0] = sp >> 8; t[1] = sp & 0xff;
	t[2] = dp >> 8; t[3] = dp & 0xff;
	t[12] = 5 << 4;
	t[13] = flags;
	memcpy(t + 20, "data", 4);
	l4_fill(b + 14);
	return 58;
}

static size_t udp4(uint8_t *b, const uint8_t *smac, uint32_t s, uint32_t d, uint16_t sp,
		   uint16_t dp)
{
	return pkt_udp4(b, smac == MAC1 ? MAC2 : MAC1, smac, s, d, sp, dp, 8);
}

static size_t udp6(uint8_t *b, const uint8_t *smac, const uint8_t *s, const uint8_t *d,
		   uint16_t sp, uint16_t dp)
{
	uint8_t *ip = b + 14, *u = b + 54;

	pkt_eth(b, smac == MAC1 ? MAC2 : MAC1, smac, 0x86dd);
	memset(ip, 0, 40);
	ip[0] = 0x60;
	ip[5] = 16;
	ip[6] = 17;
	ip[7] = 64;
	memcpy(ip + 8, s, 16);
	memcpy(ip + 24, d, 16);
	memset(u, 0, 16);
	u[0] = sp >> 8; u[1] = sp & 0xff;
	u[2] = dp >> 8; u[3] = dp & 0xff;
	u[5] = 16;
	memcpy(u + 8, "payload!", 8);
	l4_fill(ip);
	return 70;
}

#define flow(x, pl, t, prio, m, a) pl_flow((x)->c, 1, pl, t, prio, m, a)

static int setup(struct nat_fix *x)
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
	/* ct_dnat/ct_snat use the datapath's DNAT/SNAT zones (as 23.03
	 * encodes them), ct_lb_mark the port's: one zone for all here, so
	 * that the bare ct_lb_mark finds what they committed. */
	err |= compile_datapath_set_zones(x->c, 1, 1, 1);
	err |= flow(x, OVN_PIPE_INGRESS, 0, 100, "ip4.dst == 10.0.0.100 && tcp.dst == 80",
		    "ct_lb_mark(backends=10.0.0.3:8080,10.0.0.4:8080);");
	err |= flow(x, OVN_PIPE_INGRESS, 0, 100, "ip4.dst == 10.0.0.101 && tcp.dst == 80",
		    "ct_lb_mark(backends=10.0.0.3:8080,10.0.0.4:8080,10.0.0.7:8080; "
		    "hash_fields=\"ip_src\");");
	err |= flow(x, OVN_PIPE_INGRESS, 0, 100, "ip6.dst == fd00::100 && udp.dst == 53",
		    "ct_lb_mark(backends=[fd00::3]:5353,[fd00::4]:5353);");
	err |= flow(x, OVN_PIPE_INGRESS, 0, 100, "ip4.dst == 10.0.0.102 && tcp.dst == 80",
		    "ct_lb(backends=10.0.0.3:8080; skip_snat);");
	err |= flow(x, OVN_PIPE_INGRESS, 0, 90, "ip4.dst == 10.0.0.50", "ct_dnat(10.0.0.5);");
	err |= flow(x, OVN_PIPE_INGRESS, 0, 80, "ip4.dst == 10.0.0.60",
		    "ct_snat(192.168.0.1);");
	err |= flow(x, OVN_PIPE_INGRESS, 0, 0, "1", "ct_lb_mark;");
	err |= flow(x, OVN_PIPE_INGRESS, 1, 0, "1", "outport = \"p2\"; output;");
	err |= pl_flow_fill(x->c, 1, OVN_PIPE_INGRESS, 2, OVN_LS_IN_TABLES, "output;");
	err |= pl_flow_fill(x->c, 1, OVN_PIPE_EGRESS, 0, OVN_LS_OUT_TABLES, "output;");
	err |= compile_commit(x->c);
	return err ? -1 : 0;
}

static void teardown(struct nat_fix *x)
{
	compiler_free(x->c);
	pl_fix_close(&x->f);
}

/* Run PKT; ct_state (host order) of the ingress ct op, or UINT32_MAX.  The
 * output packet lands in x->out. */
static uint32_t run(struct nat_fix *x, const uint8_t *pkt, size_t len)
{
	uint32_t ret;

	x->out_len = sizeof(x->out);
	if (bpf_test_run_skb(x->f.prog_fd, pkt, len, &ret, x->out, &x->out_len) ||
	    pl_read_ctx(&x->f, &ctx))
		return UINT32_MAX;
	return ntohl(ctx.md.ct_state);
}

static uint32_t out_ip4(struct nat_fix *x, int dst)
{
	uint32_t a;

	memcpy(&a, x->out + 14 + (dst ? 16 : 12), 4);
	return a;
}

static uint16_t out_port(struct nat_fix *x, int l3len, int dst)
{
	const uint8_t *p = x->out + 14 + l3len + (dst ? 2 : 0);

	return (uint16_t)p[0] << 8 | p[1];
}

static int n_entries(struct nat_fix *x)
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

static struct ovnbpf_ct ct_of(struct nat_fix *x)
{
	struct ovnbpf_ct ct = { .ct = x->ct_fd,
				.stats = bpf_map__fd(x->f.skel->maps.ovn_ct_stats),
				.gc = bpf_map__fd(x->f.skel->maps.ovn_ct_gc) };

	return ct;
}

static void flush(struct nat_fix *x)
{
	struct ovnbpf_ct ct = ct_of(x);

	ovnbpf_ct_flush(&ct, -1);
}

#define A ip4a(10, 0, 0, 1)
#define VIP ip4a(10, 0, 0, 100)
#define B1 ip4a(10, 0, 0, 3)
#define B2 ip4a(10, 0, 0, 4)

static void sub_lb_tcp(struct nat_fix *x)
{
	uint8_t p[128];
	uint32_t be, st;
	size_t n;

	n = tcp4(p, MAC1, A, VIP, 40000, 80, 0x02);
	st = run(x, p, n);
	ASSERT_EQ(st, S_NEW | S_TRK | S_DNAT, "SYN to the VIP: new+trk+dnat");
	ASSERT_EQ(ntohl(ctx.md.ct_mark), OVN_CT_MARK_NATTED, "ct_mark.natted");
	be = out_ip4(x, 1);
	ASSERT_TRUE(be == B1 || be == B2, "DNAT to a backend");
	ASSERT_EQ(out_port(x, 20, 1), 8080, "backend port");
	ASSERT_EQ(out_ip4(x, 0), A, "source kept");
	ASSERT_TRUE(pkt_ip4_ok(x->out + 14), "IP checksum");
	ASSERT_TRUE(l4_ok(x->out + 14), "TCP checksum");
	ASSERT_EQ(n_entries(x), 2, "connection + NAT reverse entry");

	n = tcp4(p, MAC1, be, A, 8080, 40000, 0x12);
	st = run(x, p, n);
	ASSERT_EQ(st, S_EST | S_RPL | S_TRK | S_SNAT, "SYN+ACK: reply un-DNATed (+snat)");
	ASSERT_EQ(out_ip4(x, 0), VIP, "reply comes from the VIP");
	ASSERT_EQ(out_port(x, 20, 0), 80, "from port 80");
	ASSERT_EQ(out_ip4(x, 1), A, "to the client");
	ASSERT_TRUE(pkt_ip4_ok(x->out + 14), "reply IP checksum");
	ASSERT_TRUE(l4_ok(x->out + 14), "reply TCP checksum");

	n = tcp4(p, MAC1, A, VIP, 40000, 80, 0x10);
	st = run(x, p, n);
	ASSERT_EQ(st, S_EST | S_TRK | S_DNAT, "ACK: est, DNATed by the bare ct_lb_mark");
	ASSERT_EQ(out_ip4(x, 1), be, "same backend");
	ASSERT_TRUE(l4_ok(x->out + 14), "TCP checksum");

	/* The same ACK again is an exact-match cache hit whose conntrack
	 * guard re-applies the NAT: the packet must still be rewritten. */
	n = tcp4(p, MAC1, A, VIP, 40000, 80, 0x10);
	run(x, p, n);
	ASSERT_EQ(out_ip4(x, 1), be, "cache hit: DNATed to the same backend");
	ASSERT_EQ(out_port(x, 20, 1), 8080, "cache hit: backend port");
	ASSERT_TRUE(l4_ok(x->out + 14), "cache hit: TCP checksum");
	flush(x);
}

/* The legacy ct_lb (northd's form while a chassis lacks the ct_lb_mark
 * feature): the same DNAT, natted and skip_snat in ct_label, not ct_mark. */
static void sub_lb_legacy(struct nat_fix *x)
{
	uint8_t p[128];
	uint32_t st;
	size_t n;

	n = tcp4(p, MAC1, A, ip4a(10, 0, 0, 102), 40000, 80, 0x02);
	st = run(x, p, n);
	ASSERT_EQ(st, S_NEW | S_TRK | S_DNAT, "SYN to the VIP: new+trk+dnat");
	ASSERT_EQ(out_ip4(x, 1), B1, "DNAT to the backend");
	ASSERT_EQ(ntohl(ctx.md.ct_mark), 0, "ct_mark untouched");
	ASSERT_EQ(ctx.md.ct_label[15], OVN_CT_MARK_NATTED | OVN_CT_MARK_SKIP_SNAT,
		  "ct_label.natted and skip_snat");
	n = tcp4(p, MAC1, B1, A, 8080, 40000, 0x12);
	st = run(x, p, n);
	ASSERT_EQ(out_ip4(x, 0), ip4a(10, 0, 0, 102), "SYN+ACK: reply from the VIP");
	n = tcp4(p, MAC1, A, ip4a(10, 0, 0, 102), 40000, 80, 0x10);
	st = run(x, p, n);
	ASSERT_EQ(st, S_EST | S_TRK | S_DNAT, "ACK: est and DNATed");
	ASSERT_EQ(out_ip4(x, 1), B1, "same backend");
	ASSERT_EQ(ctx.md.ct_label[15], OVN_CT_MARK_NATTED | OVN_CT_MARK_SKIP_SNAT,
		  "the connection's ct_label");
	flush(x);
}

static void sub_lb_spread(struct nat_fix *x)
{
	uint8_t p[128];
	uint32_t be[64];
	int n1 = 0, n2 = 0, same = 0, i;
	size_t n;

	for (i = 0; i < 64; i++) {
		n = tcp4(p, MAC1, A, VIP, 20000 + 7 * i, 80, 0x02);
		run(x, p, n);
		be[i] = out_ip4(x, 1);
		n1 += be[i] == B1;
		n2 += be[i] == B2;
	}
	ASSERT_EQ(n1 + n2, 64, "every connection DNATed to a backend");
	ASSERT_GE(n1, 16, "backend 1 gets a fair share");
	ASSERT_GE(n2, 16, "backend 2 gets a fair share");
	for (i = 0; i < 64; i++) {
		n = tcp4(p, MAC1, A, VIP, 20000 + 7 * i, 80, 0x10);
		run(x, p, n);
		same += out_ip4(x, 1) == be[i];
	}
	ASSERT_EQ(same, 64, "each connection stays on its backend");
	ASSERT_EQ(n_entries(x), 128, "64 connections, 2 entries each");
	flush(x);
}

static void sub_lb_hash_fields(struct nat_fix *x)
{
	uint8_t p[128];
	uint32_t first = 0, b;
	int same = 0, i, distinct = 0;
	uint32_t seen[3] = { 0 };
	size_t n;

	for (i = 0; i < 16; i++) {
		n = tcp4(p, MAC1, A, ip4a(10, 0, 0, 101), 30000 + i, 80, 0x02);
		run(x, p, n);
		b = out_ip4(x, 1);
		if (!i)
			first = b;
		same += b == first;
	}
	ASSERT_EQ(same, 16, "hash_fields=ip_src: one source, one backend");
	for (i = 0; i < 32; i++) {
		n = tcp4(p, MAC1, ip4a(10, 0, 1, i + 1), ip4a(10, 0, 0, 101), 30000, 80, 0x02);
		run(x, p, n);
		b = out_ip4(x, 1);
		if (b == ip4a(10, 0, 0, 3)) seen[0] = 1;
		if (b == ip4a(10, 0, 0, 4)) seen[1] = 1;
		if (b == ip4a(10, 0, 0, 7)) seen[2] = 1;
	}
	distinct = seen[0] + seen[1] + seen[2];
	ASSERT_EQ(distinct, 3, "many sources use all three backends");
	flush(x);
}

static void sub_dnat_snat(struct nat_fix *x)
{
	uint32_t B = ip4a(10, 0, 0, 2), E = ip4a(192, 168, 0, 1), S = ip4a(10, 0, 0, 60);
	uint8_t p[128];
	uint16_t port2;
	uint32_t st;
	size_t n;

	n = udp4(p, MAC1, A, ip4a(10, 0, 0, 50), 1000, 2000);
	st = run(x, p, n);
	ASSERT_EQ(st, S_NEW | S_TRK | S_DNAT, "ct_dnat(IP): new+dnat");
	ASSERT_EQ(ntohl(ctx.md.ct_mark), 0, "ct_dnat does not set natted");
	ASSERT_EQ(out_ip4(x, 1), ip4a(10, 0, 0, 5), "DNATed");
	ASSERT_EQ(out_port(x, 20, 1), 2000, "port kept");
	ASSERT_TRUE(pkt_udp4_ok(x->out + 14), "UDP checksum");
	n = udp4(p, MAC2, ip4a(10, 0, 0, 5), A, 2000, 1000);
	st = run(x, p, n);
	ASSERT_EQ(st, S_EST | S_RPL | S_TRK | S_SNAT, "reply: un-DNAT");
	ASSERT_EQ(out_ip4(x, 0), ip4a(10, 0, 0, 50), "reply from the DNAT address");
	ASSERT_TRUE(pkt_udp4_ok(x->out + 14), "UDP checksum");

	n = udp4(p, MAC1, A, S, 1000, 2000);
	st = run(x, p, n);
	ASSERT_EQ(st, S_NEW | S_TRK | S_SNAT, "ct_snat(IP): new+snat");
	ASSERT_EQ(out_ip4(x, 0), E, "SNATed");
	ASSERT_EQ(out_port(x, 20, 0), 1000, "free source port kept");
	ASSERT_TRUE(pkt_udp4_ok(x->out + 14), "UDP checksum");
	n = udp4(p, MAC1, B, S, 1000, 2000);
	run(x, p, n);
	ASSERT_EQ(out_ip4(x, 0), E, "second client SNATed");
	port2 = out_port(x, 20, 0);
	ASSERT_NEQ(port2, 1000, "taken source port remapped");
	ASSERT_GE(port2, 1024, "to an unprivileged port");
	ASSERT_TRUE(pkt_udp4_ok(x->out + 14), "UDP checksum");
	n = udp4(p, MAC2, S, E, 2000, port2);
	st = run(x, p, n);
	ASSERT_EQ(st, S_EST | S_RPL | S_TRK | S_DNAT, "reply: un-SNAT (+dnat)");
	ASSERT_EQ(out_ip4(x, 1), B, "back to the second client");
	ASSERT_EQ(out_port(x, 20, 1), 1000, "its own port");
	ASSERT_TRUE(pkt_udp4_ok(x->out + 14), "UDP checksum");
	n = udp4(p, MAC2, S, E, 2000, 1000);
	run(x, p, n);
	ASSERT_EQ(out_ip4(x, 1), A, "and the first client's reply to the first");
	flush(x);
}

static void sub_lb_ip6(struct nat_fix *x)
{
	uint8_t c6[16] = { 0xfd, 0, [15] = 1 }, v6[16] = { 0xfd, 0, [14] = 1, [15] = 0 };
	uint8_t p[128], be[16];
	uint32_t st;
	size_t n;

	n = udp6(p, MAC1, c6, v6, 5000, 53);
	st = run(x, p, n);
	ASSERT_EQ(st, S_NEW | S_TRK | S_DNAT, "IPv6 VIP: new+dnat");
	memcpy(be, x->out + 14 + 24, 16);
	ASSERT_TRUE(be[0] == 0xfd && (be[15] == 3 || be[15] == 4) && !be[14],
		    "DNAT to fd00::3 or fd00::4");
	ASSERT_EQ(out_port(x, 40, 1), 5353, "backend port");
	ASSERT_TRUE(l4_ok(x->out + 14), "UDP/IPv6 checksum");
	n = udp6(p, MAC2, be, c6, 5353, 5000);
	st = run(x, p, n);
	ASSERT_EQ(st, S_EST | S_RPL | S_TRK | S_SNAT, "IPv6 reply un-DNATed");
	ASSERT_MEMEQ(x->out + 14 + 8, v6, 16, "reply from the VIP");
	ASSERT_EQ(out_port(x, 40, 0), 53, "port 53");
	ASSERT_TRUE(l4_ok(x->out + 14), "UDP/IPv6 checksum");
	flush(x);
}

static void sub_gc(struct nat_fix *x)
{
	struct ovnbpf_ct ct = ct_of(x);
	struct ovn_ct_key k = { .zone = 1, .proto = 17, .family = 4,
				.sport = htons(1000), .dport = htons(2000) };
	struct ovn_ct_entry e;
	uint32_t a = A, d = ip4a(10, 0, 0, 50);
	uint8_t p[128];
	size_t n;

	n = udp4(p, MAC1, A, d, 1000, 2000);
	run(x, p, n);
	ASSERT_EQ(n_entries(x), 2, "NAT connection: two entries");
	ASSERT_EQ(ovnbpf_ct_gc(&ct, 0), 0, "GC keeps a live NAT connection");
	memcpy(k.src, &a, 4);
	memcpy(k.dst, &d, 4);
	if (!ASSERT_OK(bpf_map_lookup_elem(x->ct_fd, &k, &e), "connection"))
		return;
	ASSERT_EQ(e.flags & OVN_CT_F_DNAT, OVN_CT_F_DNAT, "flagged DNAT");
	e.expires_ns = 1;
	bpf_map_update_elem(x->ct_fd, &k, &e, BPF_EXIST);
	ASSERT_EQ(ovnbpf_ct_gc(&ct, 0), 2, "GC deletes it with its reverse entry");
	ASSERT_EQ(n_entries(x), 0, "empty");
}

void test_nat_bpf(void)
{
	struct nat_fix x;

	if (!ASSERT_OK(setup(&x), "setup"))
		goto out;
	if (test__start_subtest("lb_tcp_dnat_reply"))
		sub_lb_tcp(&x);
	if (test__start_subtest("lb_legacy_ct_lb_label"))
		sub_lb_legacy(&x);
	if (test__start_subtest("lb_spread_sticky"))
		sub_lb_spread(&x);
	if (test__start_subtest("lb_hash_fields"))
		sub_lb_hash_fields(&x);
	if (test__start_subtest("dnat_snat_reply_ports"))
		sub_dnat_snat(&x);
	if (test__start_subtest("lb_ipv6"))
		sub_lb_ip6(&x);
	if (test__start_subtest("gc_nat_pairs"))
		sub_gc(&x);
out:
	teardown(&x);
}
