// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * IP fragments through conntrack, ACLs and a load balancer
 * (bpf/lib/frag.h) with BPF_PROG_TEST_RUN, on flows compiled by the real
 * compiler.  Switch dp 1, every packet enters on p1 (zone 1):
 *
 *   ls_in t0 100 ip                         ct_next;
 *   ls_in t1 3000 ip4.dst == 10.0.0.100     next;          (LB traffic)
 *            2000 ct.inv                    drop;
 *            1000 ct.est                    next;
 *             500 ct.new && udp.dst == 53   reg0[1] = 1; next;
 *             500 ct.new && (icmp4 || icmp6) reg0[1] = 1; next;
 *               0 1                         drop;          (other ports)
 *   ls_in t2 100 ct.new && ip4.dst == 10.0.0.100 && udp.dst == 53
 *                            ct_lb_mark(backends=10.0.0.3:5353,10.0.0.4:5353);
 *             50 ct.est                     ct_lb_mark;    (un-DNAT replies)
 *   ls_in t3 100 reg0[1] == 1               ct_commit; next;
 *   ls_in t4   0 1                          outport = "p2"; output;
 *
 * Datagrams are cut into three fragments: the UDP header and 8 bytes,
 * then 8 and 8 bytes.
 */
#include <arpa/inet.h>
#include <time.h>

#include "tests/test_progs.h"
#include "tests/bpf/pl_flows.h"
#include "tests/bpf/bpf_test.h"
#include "tests/bpf/pkt.h"
#include "loader/compile.h"
#include "maps/frag.h"
#include "maps/cache.h"
#include "ovnbpf_vif.skel.h"

#define LO 1

static const uint8_t MAC1[6] = { 0x0a, 0, 0, 0, 0, 1 };
static const uint8_t MAC2[6] = { 0x0a, 0, 0, 0, 0, 2 };

#define S_NEW (1u << OVN_CS_NEW)
#define S_EST (1u << OVN_CS_EST)
#define S_RPL (1u << OVN_CS_RPL)
#define S_INV (1u << OVN_CS_INV)
#define S_TRK (1u << OVN_CS_TRK)
#define S_DNAT (1u << OVN_CS_DNAT)

/* The datagram: 8-byte UDP header + 24 bytes of data. */
#define DGRAM 32

static struct ovn_ctx ctx;

struct frag_fix {
	struct pl_fix f;
	struct compiler *c;
	int ct_fd, frag_fd;
	uint8_t out[256];
	uint32_t out_len;
	uint32_t ret;
};

static uint32_t ip4a(uint8_t a, uint8_t b, uint8_t c, uint8_t d)
{
	return htonl((uint32_t)a << 24 | (uint32_t)b << 16 | (uint32_t)c << 8 | d);
}

#define A ip4a(10, 0, 0, 1)
#define B ip4a(10, 0, 0, 2)
#define VIP ip4a(10, 0, 0, 100)
#define B1 ip4a(10, 0, 0, 3)
#define B2 ip4a(10, 0, 0, 4)

static const uint8_t A6[16] = { 0xfd, 0, [15] = 1 };
static const uint8_t B6[16] = { 0xfd, 0, [15] = 2 };

#define flow(x, t, prio, m, a) pl_flow((x)->c, 1, OVN_PIPE_INGRESS, t, prio, m, a)

static int setup(struct frag_fix *x)
{
	struct compile_opts o = { 0 };
	int err = 0;

	memset(x, 0, sizeof(*x));
	if (pl_fix_open(&x->f))
		return -1;
	x->ct_fd = bpf_map__fd(x->f.skel->maps.ovn_ct);
	x->frag_fd = bpf_map__fd(x->f.skel->maps.ovn_frag);
	if (compiler_new(x->f.w, &o, &x->c))
		return -1;
	err |= pl_switch_p1p2(x->c, LO);
	err |= compile_datapath_set_zones(x->c, 1, 1, 1);
	err |= flow(x, 0, 100, "ip", "ct_next;");
	err |= flow(x, 1, 3000, "ip4.dst == 10.0.0.100", "next;");
	err |= flow(x, 1, 2000, "ct.inv", "drop;");
	err |= flow(x, 1, 1000, "ct.est", "next;");
	err |= flow(x, 1, 500, "ct.new && udp.dst == 53", "reg0[1] = 1; next;");
	err |= flow(x, 1, 500, "ct.new && (icmp4 || icmp6)", "reg0[1] = 1; next;");
	err |= flow(x, 1, 0, "1", "drop;");
	err |= flow(x, 2, 100, "ct.new && ip4.dst == 10.0.0.100 && udp.dst == 53",
		    "ct_lb_mark(backends=10.0.0.3:5353,10.0.0.4:5353);");
	err |= flow(x, 2, 50, "ct.est", "ct_lb_mark;");
	err |= flow(x, 2, 0, "1", "next;");
	err |= flow(x, 3, 100, "reg0[1] == 1", "ct_commit; next;");
	err |= flow(x, 3, 0, "1", "next;");
	err |= flow(x, 4, 0, "1", "outport = \"p2\"; output;");
	err |= pl_flow_fill(x->c, 1, OVN_PIPE_INGRESS, 5, OVN_LS_IN_TABLES, "output;");
	err |= pl_flow_fill(x->c, 1, OVN_PIPE_EGRESS, 0, OVN_LS_OUT_TABLES, "output;");
	err |= compile_commit(x->c);
	return err ? -1 : 0;
}

static void teardown(struct frag_fix *x)
{
	compiler_free(x->c);
	pl_fix_close(&x->f);
}

/* A UDP datagram (IPv4 or IPv6 pseudo header) with a correct checksum:
 * D[0..DGRAM). */
static void udp_dgram(uint8_t *d, const uint8_t *src, const uint8_t *dst, int alen,
		      uint16_t sp, uint16_t dp)
{
	uint32_t s;
	uint16_t cs;
	int i;

	d[0] = sp >> 8; d[1] = sp & 0xff;
	d[2] = dp >> 8; d[3] = dp & 0xff;
	d[4] = 0; d[5] = DGRAM;
	d[6] = d[7] = 0;
	for (i = 8; i < DGRAM; i++)
		d[i] = (uint8_t)(0x40 + i);
	s = pkt_sum(src, alen, 0) + pkt_sum(dst, alen, 0) + 17 + DGRAM;
	cs = pkt_fold(pkt_sum(d, DGRAM, s));
	d[6] = cs >> 8;
	d[7] = cs & 0xff;
}

/* Fragment I (0: bytes 0..16, 1: 16..24, 2: 24..32) of datagram D of
 * protocol PROTO as an IPv4 frame with identification ID. */
static size_t frag4(uint8_t *b, uint32_t s, uint32_t d, uint8_t proto, uint16_t id,
		    const uint8_t *dg, int i)
{
	int off = i ? 8 + 8 * i : 0, len = i ? 8 : 16;
	uint16_t fo = (off / 8) | (i < 2 ? 0x2000 : 0), cs;
	uint8_t *ip = b + 14;

	pkt_eth(b, MAC2, MAC1, 0x0800);
	pkt_ip4(ip, proto, s, d, len);
	ip[4] = id >> 8; ip[5] = id & 0xff;
	ip[6] = fo >> 8; ip[7] = fo & 0xff;
	ip[10] = ip[11] = 0;
	cs = pkt_fold(pkt_sum(ip, 20, 0));
	ip[10] = cs >> 8; ip[11] = cs & 0xff;
	memcpy(ip + 20, dg + off, len);
	return 34 + len;
}

/* The same as IPv6 with a fragment header (identification ID). */
static size_t frag6p(uint8_t *b, const uint8_t *s, const uint8_t *d, uint8_t proto,
		     uint32_t id, const uint8_t *dg, int i)
{
	int off = i ? 8 + 8 * i : 0, len = i ? 8 : 16;
	uint16_t fo = off | (i < 2 ? 1 : 0);
	uint8_t *ip = b + 14, *fh = b + 54;

	pkt_eth(b, MAC2, MAC1, 0x86dd);
	memset(ip, 0, 40);
	ip[0] = 0x60;
	ip[5] = 8 + len;
	ip[6] = 44;
	ip[7] = 64;
	memcpy(ip + 8, s, 16);
	memcpy(ip + 24, d, 16);
	fh[0] = proto; fh[1] = 0;
	fh[2] = fo >> 8; fh[3] = fo & 0xff;
	fh[4] = id >> 24; fh[5] = id >> 16; fh[6] = id >> 8; fh[7] = id & 0xff;
	memcpy(fh + 8, dg + off, len);
	return 62 + len;
}

static size_t frag6(uint8_t *b, const uint8_t *s, const uint8_t *d, uint32_t id,
		    const uint8_t *dg, int i)
{
	return frag6p(b, s, d, 17, id, dg, i);
}

/* Run PKT: ct_state (host order) after the run, UINT32_MAX on error. */
static uint32_t run(struct frag_fix *x, const uint8_t *pkt, size_t len)
{
	x->out_len = sizeof(x->out);
	if (bpf_test_run_skb(x->f.prog_fd, pkt, len, &x->ret, x->out, &x->out_len) ||
	    pl_read_ctx(&x->f, &ctx))
		return UINT32_MAX;
	return ntohl(ctx.md.ct_state);
}

static bool delivered(void)
{
	return ctx.x.drop_reason == DROP_NONE && ctx.x.n_out == 1 && ctx.x.out_port[0] == 2;
}

static int n_map(int fd, size_t ksz)
{
	uint8_t k[64], nk[64];
	int n = 0;

	if (bpf_map_get_next_key(fd, NULL, k))
		return 0;
	do {
		n++;
	} while (!bpf_map_get_next_key(fd, k, nk) && (memcpy(k, nk, ksz), 1));
	return n;
}

static void flush(struct frag_fix *x)
{
	struct ovn_ct_key k;
	struct ovn_frag_key fk;

	while (!bpf_map_get_next_key(x->ct_fd, NULL, &k))
		bpf_map_delete_elem(x->ct_fd, &k);
	while (!bpf_map_get_next_key(x->frag_fd, NULL, &fk))
		bpf_map_delete_elem(x->frag_fd, &fk);
}

static uint16_t key_port(int dst)
{
	return ntohs(dst ? ctx.key.tp_dst : ctx.key.tp_src);
}

static void sub_udp4_allowed(struct frag_fix *x)
{
	uint8_t dg[DGRAM], p[128];
	uint32_t a = A, b = B, st;
	size_t n;

	udp_dgram(dg, (uint8_t *)&a, (uint8_t *)&b, 4, 1000, 53);
	n = frag4(p, A, B, 17, 0x1234, dg, 0);
	st = run(x, p, n);
	ASSERT_EQ(st, S_NEW | S_TRK, "first fragment: +new");
	ASSERT_TRUE(delivered(), "first fragment delivered");
	ASSERT_EQ(ctx.key.ip_frag, 1, "first fragment: ip.is_frag, not later");
	ASSERT_EQ(n_map(x->frag_fd, sizeof(struct ovn_frag_key)), 1, "datagram recorded");

	n = frag4(p, A, B, 17, 0x1234, dg, 1);
	st = run(x, p, n);
	ASSERT_EQ(st, S_NEW | S_TRK, "later fragment: +new, not +inv");
	ASSERT_TRUE(delivered(), "later fragment delivered");
	ASSERT_EQ(ctx.key.ip_frag, 3, "ip.later_frag kept");
	ASSERT_EQ(key_port(1), 53, "later fragment has the datagram's udp.dst");
	ASSERT_EQ(key_port(0), 1000, "... and udp.src");
	ASSERT_TRUE(ctx.x.parse & OVN_P_FRAG_L4, "L4 from the first fragment");
	ASSERT_FALSE(ctx.x.parse & OVN_P_L4, "no L4 header written back");
	ASSERT_MEMEQ(x->out + 34, dg + 16, 8, "payload untouched");
	ASSERT_EQ(n_map(x->ct_fd, sizeof(struct ovn_ct_key)), 1, "one connection for all");

	n = frag4(p, A, B, 17, 0x1234, dg, 2);
	st = run(x, p, n);
	ASSERT_EQ(st, S_NEW | S_TRK, "last fragment: +new");
	ASSERT_TRUE(delivered(), "last fragment delivered");

	/* The reply, whole; then another datagram's fragments are +est. */
	n = pkt_udp4(p, MAC1, MAC2, B, A, 53, 1000, 8);
	st = run(x, p, n);
	ASSERT_EQ(st, S_EST | S_RPL | S_TRK, "reply: +est+rpl");
	n = frag4(p, A, B, 17, 0x1235, dg, 0);
	st = run(x, p, n);
	ASSERT_EQ(st, S_EST | S_TRK, "next datagram, first fragment: +est");
	n = frag4(p, A, B, 17, 0x1235, dg, 2);
	st = run(x, p, n);
	ASSERT_EQ(st, S_EST | S_TRK, "next datagram, last fragment: +est");
	ASSERT_TRUE(delivered(), "delivered");
	flush(x);
}

static void sub_udp4_denied(struct frag_fix *x)
{
	uint64_t d0 = pl_drops(&x->f, DROP_STAGE_ACTION), f0 = pl_drops(&x->f, DROP_FRAG_NO_FIRST);
	uint8_t dg[DGRAM], p[128];
	uint32_t a = A, b = B;
	size_t n;
	int i;

	udp_dgram(dg, (uint8_t *)&a, (uint8_t *)&b, 4, 1000, 54);
	for (i = 0; i < 3; i++) {
		n = frag4(p, A, B, 17, 0x2000, dg, i);
		run(x, p, n);
		ASSERT_EQ(ctx.x.drop_reason, DROP_STAGE_ACTION, "fragment dropped by the ACL");
		ASSERT_EQ(key_port(1), 54, "with the datagram's port");
	}
	ASSERT_EQ(pl_drops(&x->f, DROP_STAGE_ACTION) - d0, 3, "three ACL drops counted");
	ASSERT_EQ(pl_drops(&x->f, DROP_FRAG_NO_FIRST) - f0, 0, "none as unknown fragment");
	ASSERT_EQ(n_map(x->ct_fd, sizeof(struct ovn_ct_key)), 0, "nothing committed");
	flush(x);
}

static void sub_udp6(struct frag_fix *x)
{
	uint64_t d0 = pl_drops(&x->f, DROP_STAGE_ACTION);
	uint8_t dg[DGRAM], p[128];
	uint32_t st;
	size_t n;
	int i;

	udp_dgram(dg, A6, B6, 16, 2000, 53);
	for (i = 0; i < 3; i++) {
		n = frag6(p, A6, B6, 0xabcdef01, dg, i);
		st = run(x, p, n);
		ASSERT_EQ(st, S_NEW | S_TRK, "IPv6 fragment: +new");
		ASSERT_TRUE(delivered(), "IPv6 fragment delivered");
		ASSERT_EQ(key_port(1), 53, "IPv6 fragment: udp.dst");
		ASSERT_EQ(ctx.key.ip_proto, 17, "ip.proto of the datagram");
	}
	ASSERT_EQ(n_map(x->ct_fd, sizeof(struct ovn_ct_key)), 1, "one IPv6 connection");

	udp_dgram(dg, A6, B6, 16, 2000, 54);
	for (i = 0; i < 3; i++) {
		n = frag6(p, A6, B6, 0xabcdef02, dg, i);
		run(x, p, n);
		ASSERT_EQ(ctx.x.drop_reason, DROP_STAGE_ACTION, "IPv6 fragment to 54 dropped");
	}
	ASSERT_EQ(pl_drops(&x->f, DROP_STAGE_ACTION) - d0, 3, "three IPv6 ACL drops counted");
	flush(x);
}

static void sub_orphan(struct frag_fix *x)
{
	uint64_t f0 = pl_drops(&x->f, DROP_FRAG_NO_FIRST);
	uint8_t dg[DGRAM], p[128];
	struct ovn_frag_key fk;
	struct ovn_frag_val fv;
	uint32_t a = A, b = B;
	size_t n;

	udp_dgram(dg, (uint8_t *)&a, (uint8_t *)&b, 4, 1000, 53);
	n = frag4(p, A, B, 17, 0x3000, dg, 1);
	run(x, p, n);
	ASSERT_EQ(ctx.x.drop_reason, DROP_FRAG_NO_FIRST, "later before first: dropped");
	ASSERT_EQ(pl_drops(&x->f, DROP_FRAG_NO_FIRST) - f0, 1, "counted");
	ASSERT_EQ(key_port(1), 0, "no ports invented");
	/* Again: maybe a cache hit now -- still the same drop. */
	run(x, p, n);
	ASSERT_EQ(ctx.x.drop_reason, DROP_FRAG_NO_FIRST, "again: dropped");
	ASSERT_EQ(pl_drops(&x->f, DROP_FRAG_NO_FIRST) - f0, 2, "counted twice");
	ASSERT_EQ(n_map(x->ct_fd, sizeof(struct ovn_ct_key)), 0, "no connection");

	/* The first fragment comes: the ones after it pass. */
	n = frag4(p, A, B, 17, 0x3000, dg, 0);
	run(x, p, n);
	ASSERT_TRUE(delivered(), "first fragment delivered");
	n = frag4(p, A, B, 17, 0x3000, dg, 2);
	run(x, p, n);
	ASSERT_TRUE(delivered(), "later fragment after its first delivered");

	/* An entry past the reassembly timeout is not trusted. */
	if (ASSERT_OK(bpf_map_get_next_key(x->frag_fd, NULL, &fk), "frag entry") &&
	    ASSERT_OK(bpf_map_lookup_elem(x->frag_fd, &fk, &fv), "frag value")) {
		ASSERT_EQ(fk.id, htonl(0x3000), "keyed by the IP identification");
		ASSERT_EQ(ntohs(fv.tp_dst), 53, "holds the ports");
		fv.seen_ns -= (uint64_t)(OVN_FRAG_TIMEOUT_S + 1) * 1000000000ULL;
		bpf_map_update_elem(x->frag_fd, &fk, &fv, BPF_EXIST);
		run(x, p, n);
		ASSERT_EQ(ctx.x.drop_reason, DROP_FRAG_NO_FIRST, "stale first fragment: dropped");
	}
	/* A switch that does not track connections passes it as OVS does. */
	flush(x);
}

static void sub_icmp4(struct frag_fix *x)
{
	uint8_t dg[DGRAM], p[128];
	uint32_t st;
	size_t n;
	int i;

	memset(dg, 0x5a, sizeof(dg));
	dg[0] = 8; dg[1] = 0; dg[2] = dg[3] = 0;	/* echo request */
	dg[4] = 0x07; dg[5] = 0x77;			/* identifier */
	for (i = 0; i < 3; i++) {
		n = frag4(p, A, B, 1, 0x4000, dg, i);
		st = run(x, p, n);
		ASSERT_EQ(st, S_NEW | S_TRK, "echo fragment: +new");
		ASSERT_TRUE(delivered(), "echo fragment delivered");
		ASSERT_EQ(ctx.key.icmp_type, 8, "icmp4.type of the datagram");
	}
	ASSERT_EQ(n_map(x->ct_fd, sizeof(struct ovn_ct_key)), 1, "one echo exchange");
	dg[0] = 0;	/* the reply, fragmented too */
	for (i = 0; i < 3; i++) {
		n = frag4(p, B, A, 1, 0x9000, dg, i);
		st = run(x, p, n);
		ASSERT_EQ(st, S_EST | S_RPL | S_TRK, "echo reply fragment: +est+rpl");
	}
	flush(x);
}

static void sub_icmp6(struct frag_fix *x)
{
	uint8_t dg[DGRAM], p[128];
	uint64_t t0;
	uint32_t st;
	size_t n;
	int i;

	memset(dg, 0x5a, sizeof(dg));
	dg[0] = 128; dg[1] = 0; dg[2] = dg[3] = 0;	/* echo request */
	dg[4] = 0x01; dg[5] = 0x66;			/* identifier */
	for (i = 0; i < 3; i++) {
		n = frag6p(p, A6, B6, 58, 0x11, dg, i);
		st = run(x, p, n);
		ASSERT_EQ(st, S_NEW | S_TRK, "echo6 fragment: +new");
		ASSERT_TRUE(delivered(), "echo6 fragment delivered");
		ASSERT_EQ(ctx.key.icmp_type, 128, "icmp6.type of the datagram");
	}
	ASSERT_EQ(n_map(x->ct_fd, sizeof(struct ovn_ct_key)), 1, "one echo6 exchange");
	/* Another identifier is another exchange. */
	dg[5] = 0x67;
	n = frag6p(p, A6, B6, 58, 0x12, dg, 0);
	run(x, p, n);
	n = frag6p(p, A6, B6, 58, 0x12, dg, 2);
	run(x, p, n);
	ASSERT_TRUE(delivered(), "second echo6 datagram delivered");
	ASSERT_EQ(n_map(x->ct_fd, sizeof(struct ovn_ct_key)), 2, "tracked by identifier");
	/* An echo request cut short of its identifier is malformed. */
	n = frag6p(p, A6, B6, 58, 0x13, dg, 0);
	p[14 + 6] = 58;				/* no fragment header ... */
	memmove(p + 54, p + 62, 4);		/* ... and 4 bytes of ICMPv6 */
	p[14 + 5] = 4;
	t0 = pl_drops(&x->f, DROP_TRUNC_ICMP6);
	run(x, p, 58);
	ASSERT_EQ(pl_drops(&x->f, DROP_TRUNC_ICMP6) - t0, 1, "truncated echo6 dropped by the parser");
	ASSERT_FALSE(ctx.x.parse & OVN_P_L4, "no ICMPv6 header");
	flush(x);
}

/* Reassemble the three output fragments' payloads into D. */
static void put_frag(uint8_t *d, const uint8_t *out, int i)
{
	memcpy(d + (i ? 8 + 8 * i : 0), out + 34, i ? 8 : 16);
}

static void sub_lb(struct frag_fix *x)
{
	uint8_t dg[DGRAM], re[DGRAM], p[128], nb[2] = { 0, 0 };
	uint32_t a = A, vip = VIP, be, got, st;
	int i, d, same = 0;
	size_t n;

	for (d = 0; d < 8; d++) {
		udp_dgram(dg, (uint8_t *)&a, (uint8_t *)&vip, 4, 3000 + 11 * d, 53);
		be = 0;
		for (i = 0; i < 3; i++) {
			n = frag4(p, A, VIP, 17, 0x5000 + d, dg, i);
			st = run(x, p, n);
			if (!ASSERT_TRUE(delivered(), "fragment to the VIP delivered"))
				return;
			ASSERT_TRUE(st & S_DNAT, "fragment DNATed");
			memcpy(&got, x->out + 14 + 16, 4);
			if (!i)
				be = got;
			same += got == be;
			ASSERT_TRUE(pkt_ip4_ok(x->out + 14), "IP checksum");
			ASSERT_EQ(x->out[14 + 6] & 0x3f, p[14 + 6] & 0x3f, "fragment offset kept");
			put_frag(re, x->out, i);
		}
		nb[be == B2]++;
		ASSERT_TRUE(be == B1 || be == B2, "to a backend");
		/* The reassembled datagram: backend port, checksum right. */
		ASSERT_EQ((re[2] << 8 | re[3]), 5353, "backend port in the first fragment");
		{
			uint32_t s = pkt_sum((uint8_t *)&a, 4, 0) + pkt_sum((uint8_t *)&be, 4, 0) +
				     17 + DGRAM;

			ASSERT_EQ(pkt_fold(pkt_sum(re, DGRAM, s)), 0, "datagram UDP checksum");
		}
		ASSERT_MEMEQ(re + 8, dg + 8, DGRAM - 8, "payload intact");
		/* The reply comes back from the VIP. */
		n = pkt_udp4(p, MAC1, MAC2, be, A, 5353, 3000 + 11 * d, 8);
		st = run(x, p, n);
		memcpy(&got, x->out + 14 + 12, 4);
		ASSERT_EQ(got, VIP, "reply from the VIP");
	}
	ASSERT_EQ(same, 24, "every fragment to its datagram's backend");
	ASSERT_TRUE(nb[0] && nb[1], "datagrams spread over both backends");
	flush(x);
}

static struct ovn_cache_stats cstats(struct pl_fix *f)
{
	struct ovn_cache_stats s;

	if (ovnbpf_cache_read_stats(&f->m, &s, NULL, NULL))
		memset(&s, 0xff, sizeof(s));
	return s;
}

/* The exact-match cache: a later fragment's key holds its datagram's
 * ports, so a cached later fragment is never served to a later fragment
 * of another datagram with other ports, nor to one without a first. */
static void sub_cache(struct frag_fix *x)
{
	uint8_t dg1[DGRAM], dg2[DGRAM], p[128];
	struct ovn_cache_stats s0, s1;
	uint32_t a = A, vip = VIP, be1, be2, got;
	size_t n;
	int i, k;

	/* Two datagrams to the VIP, A:4000 and A:4001, ids 1 and 2. */
	udp_dgram(dg1, (uint8_t *)&a, (uint8_t *)&vip, 4, 4000, 53);
	udp_dgram(dg2, (uint8_t *)&a, (uint8_t *)&vip, 4, 4001, 53);
	n = frag4(p, A, VIP, 17, 1, dg1, 0);
	run(x, p, n);
	memcpy(&be1, x->out + 30, 4);
	/* Find a second source port going to the other backend. */
	for (k = 0; k < 32; k++) {
		udp_dgram(dg2, (uint8_t *)&a, (uint8_t *)&vip, 4, 4001 + k, 53);
		n = frag4(p, A, VIP, 17, 2 + k, dg2, 0);
		run(x, p, n);
		memcpy(&be2, x->out + 30, 4);
		if (be2 != be1)
			break;
	}
	if (!ASSERT_NEQ(be1, be2, "two datagrams on different backends"))
		goto out;
	s0 = cstats(&x->f);
	/* Later fragments, alternating, twice each: the second round can
	 * hit the cache; each must keep its own backend. */
	for (i = 0; i < 2; i++) {
		n = frag4(p, A, VIP, 17, 1, dg1, 1);
		run(x, p, n);
		memcpy(&got, x->out + 30, 4);
		ASSERT_EQ(got, be1, "datagram 1's later fragment to backend 1");
		ASSERT_EQ(key_port(0), 4000, "with its own ports");
		n = frag4(p, A, VIP, 17, 2 + k, dg2, 1);
		run(x, p, n);
		memcpy(&got, x->out + 30, 4);
		ASSERT_EQ(got, be2, "datagram 2's later fragment to backend 2");
	}
	s1 = cstats(&x->f);
	ASSERT_GE(s1.hits - s0.hits, 2, "second round served by the cache");
	ASSERT_MEMEQ(x->out + 34, dg2 + 16, 8, "cache hit: payload untouched");
	ASSERT_TRUE(pkt_ip4_ok(x->out + 14), "cache hit: IP checksum");
	/* A later fragment without its first, same addresses: not served
	 * a cached later fragment's result. */
	n = frag4(p, A, VIP, 17, 0x7777, dg1, 1);
	run(x, p, n);
	ASSERT_EQ(ctx.x.drop_reason, DROP_FRAG_NO_FIRST, "unknown datagram not served");
	/* ... and that drop, cached, does not drop known ones. */
	n = frag4(p, A, VIP, 17, 1, dg1, 2);
	run(x, p, n);
	memcpy(&got, x->out + 30, 4);
	ASSERT_TRUE(delivered(), "known datagram still delivered");
	ASSERT_EQ(got, be1, "to its backend");
	/* A whole datagram of the same 5-tuple has its own entry. */
	n = pkt_udp4(p, MAC2, MAC1, A, VIP, 4000, 53, 8);
	run(x, p, n);
	ASSERT_TRUE(ctx.x.parse & OVN_P_L4, "whole datagram parsed as such");
	memcpy(&got, x->out + 30, 4);
	ASSERT_EQ(got, be1, "whole datagram of connection 1 to backend 1");
	ASSERT_EQ((x->out[36] << 8 | x->out[37]), 5353, "its port rewritten");
	ASSERT_TRUE(pkt_udp4_ok(x->out + 14), "its UDP checksum");
out:
	flush(x);
}

void test_ct_frag(void)
{
	struct frag_fix x;

	if (!env.has_root) {
		test__skip("needs root for BPF_PROG_TEST_RUN");
		return;
	}
	if (!ASSERT_OK(setup(&x), "setup"))
		goto out;
	if (test__start_subtest("udp4_first_later_allowed"))
		sub_udp4_allowed(&x);
	if (test__start_subtest("udp4_acl_denied_counted"))
		sub_udp4_denied(&x);
	if (test__start_subtest("udp6_allowed_and_denied"))
		sub_udp6(&x);
	if (test__start_subtest("later_before_first_dropped"))
		sub_orphan(&x);
	if (test__start_subtest("icmp4_echo_fragments"))
		sub_icmp4(&x);
	if (test__start_subtest("icmp6_echo_fragments"))
		sub_icmp6(&x);
	if (test__start_subtest("lb_all_fragments_one_backend"))
		sub_lb(&x);
	if (test__start_subtest("cache_keys_ports_no_poison"))
		sub_cache(&x);
out:
	teardown(&x);
}
