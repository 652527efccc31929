// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * Packet-generating actions (bpf/lib/pktgen.h, bpf/lib/nd_ns.h) through the
 * compiler and BPF_PROG_TEST_RUN: logical flows in OVN's syntax, compiled
 * into a one-port switch (port p1 on lo), every generated packet checked
 * against what OVN 23.03's pinctrl builds -- lengths, types and codes, the
 * quoted original, seq/ack, and every checksum recomputed here.
 */
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <stdlib.h>

#include "tests/test_progs.h"
#include "tests/bpf/bpf_test.h"
#include "tests/bpf/pkt.h"
#include "loader/compile.h"

#define LO	1

static const uint8_t CMAC[6] = { 0x0a, 0, 0, 0, 0, 1 };	/* client (p1) */
static const uint8_t SMAC[6] = { 0x0a, 0, 0, 0, 0, 2 };	/* whoever it sent to */

static uint32_t ip4(uint8_t a, uint8_t b, uint8_t c, uint8_t d)
{
	return htonl((uint32_t)a << 24 | (uint32_t)b << 16 | (uint32_t)c << 8 | d);
}

#define CIP	ip4(10, 0, 0, 1)
static const uint8_t CIP6[16] = { 0xfd, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1 };

/* fd00::1xx */
static void ip6addr(uint8_t *a, uint8_t last)
{
	memcpy(a, CIP6, 16);
	a[14] = 1;
	a[15] = last;
}

static const struct {
	const char *match, *actions;
} FLOWS[] = {
	/* ACL reject, as northd writes it (next(...) -> output here) */
	{ "ip4.dst == 10.0.0.100 || ip6.dst == fd00::100",
	  "reg0 = 0; reject { /* eth.dst <-> eth.src; ip.dst <-> ip.src; is implicit. */ "
	  "outport <-> inport; output; };" },
	/* router: tcp_reset for a TCP packet to a router IP */
	{ "ip4.dst == 10.0.0.101 && tcp",
	  "tcp_reset {eth.dst <-> eth.src; ip4.dst <-> ip4.src; outport <-> inport; output; };" },
	{ "ip6.dst == fd00::101 && tcp",
	  "tcp_reset {eth.dst <-> eth.src; ip6.dst <-> ip6.src; outport <-> inport; output; };" },
	/* router: TTL exceeded (a field changed before the action is quoted) */
	{ "ip4.dst == 10.0.0.102",
	  "ip.ttl = 7; icmp4_error {eth.dst <-> eth.src; icmp4.type = 11; icmp4.code = 0; "
	  "ip4.dst = ip4.src; ip4.src = 10.0.0.254; ip.ttl = 254; outport <-> inport; output; };" },
	/* router: port unreachable */
	{ "ip4.dst == 10.0.0.103",
	  "icmp4 {eth.dst <-> eth.src; ip4.dst <-> ip4.src; ip.ttl = 255; icmp4.type = 3; "
	  "icmp4.code = 3; outport <-> inport; output; };" },
	/* router: fragmentation needed (check_pkt_larger) */
	{ "ip4.dst == 10.0.0.104",
	  "icmp4_error {eth.dst <-> eth.src; icmp4.type = 3; icmp4.code = 4; "
	  "icmp4.frag_mtu = 1400; ip4.dst = ip4.src; ip4.src = 10.0.0.254; ip.ttl = 255; "
	  "outport <-> inport; output; };" },
	{ "ip6.dst == fd00::102",
	  "icmp6_error {eth.dst <-> eth.src; ip6.dst <-> ip6.src; icmp6.type = 2; "
	  "icmp6.code = 0; icmp6.frag_mtu = 1400; outport <-> inport; output; };" },
	{ "ip6.dst == fd00::103",
	  "icmp6 {eth.dst <-> eth.src; ip6.dst <-> ip6.src; ip.ttl = 255; icmp6.type = 1; "
	  "icmp6.code = 4; outport <-> inport; output; };" },
	/* router: sctp_abort for an SCTP packet to a router IP */
	{ "ip4.dst == 10.0.0.105 && sctp",
	  "sctp_abort {eth.dst <-> eth.src; ip4.dst <-> ip4.src; outport <-> inport; output; };" },
	/* router: neighbour resolution */
	{ "ip6.dst == fd00::104",
	  "xxreg0 = fd00::99; nd_ns { nd.target = xxreg0; outport <-> inport; output; };" },
};

struct pg_fix {
	struct pl_fix f;
	struct compiler *c;
	int reports;
};

static void report(void *aux, enum compile_report_kind kind, const char *uuid,
		   const char *reason, const char *detail)
{
	struct pg_fix *p = aux;

	printf("compile report %d %s: %s %s\n", kind, uuid, reason, detail ? detail : "");
	p->reports++;
}

static int pg_setup(struct pg_fix *p)
{
	struct compile_opts o = { .report = report, .aux = p };
	struct compile_port port = { .name = "p1", .dp = 1, .key = 1, .type = "",
				     .ifindex = LO, .ct_zone = 1 };
	struct compile_lflow fl = { .dp = 1, .pipeline = OVN_PIPE_EGRESS, .table = 0,
				    .match = "1", .actions = "output;" };
	char uuid[64];
	size_t i;
	int err;

	err = compiler_new(p->f.w, &o, &p->c);
	err = err ?: compile_datapath_add(p->c, 1, OVN_DP_SWITCH);
	err = err ?: compile_port_add(p->c, &port);
	fl.uuid = "egress";
	err = err ?: compile_flow_add(p->c, &fl);
	for (i = 0; !err && i < sizeof(FLOWS) / sizeof(FLOWS[0]); i++) {
		snprintf(uuid, sizeof(uuid), "flow-%zu", i);
		fl.uuid = uuid;
		fl.pipeline = OVN_PIPE_INGRESS;
		fl.priority = 100;
		fl.match = FLOWS[i].match;
		fl.actions = FLOWS[i].actions;
		err = compile_flow_add(p->c, &fl);
	}
	return err ?: compile_commit(p->c);
}

static int run(struct pg_fix *p, const void *pkt, uint32_t len, uint32_t *ret, void *out,
	       uint32_t *out_len, struct ovn_ctx *c)
{
	int err = bpf_test_run_skb(p->f.prog_fd, pkt, len, ret, out, out_len);

	if (!err && c)
		err = pl_read_ctx(&p->f, c);
	return err;
}

/* ---- packets ---- */

static size_t ip6_hdr(uint8_t *b, uint8_t nh, const uint8_t *src, const uint8_t *dst,
		      uint16_t plen)
{
	memset(b, 0, 40);
	b[0] = 0x60;
	b[1] = 0x0a;		/* some traffic class / label to lose */
	b[3] = 0x77;
	b[4] = plen >> 8;
	b[5] = plen;
	b[6] = nh;
	b[7] = 64;
	memcpy(b + 8, src, 16);
	memcpy(b + 24, dst, 16);
	return 40;
}

/* TCP header (+ OPT bytes of NOPs) with SEQ and FLAGS, checksum over the
 * pseudo-header sum PS. */
static size_t tcp_hdr(uint8_t *t, uint16_t sport, uint16_t dport, uint32_t seq, uint8_t flags,
		      uint8_t opt, uint32_t ps)
{
	uint16_t cs;

	memset(t, 0, 20 + opt);
	t[0] = sport >> 8; t[1] = sport;
	t[2] = dport >> 8; t[3] = dport;
	t[4] = seq >> 24; t[5] = seq >> 16; t[6] = seq >> 8; t[7] = seq;
	t[12] = ((20 + opt) / 4) << 4;
	t[13] = flags;
	t[14] = 0xff; t[15] = 0xff;
	memset(t + 20, 1, opt);
	cs = pkt_fold(pkt_sum(t, 20 + opt, ps));
	t[16] = cs >> 8;
	t[17] = cs;
	return 20 + opt;
}

static size_t tcp4(uint8_t *b, uint32_t dip, uint16_t dport, uint32_t seq, uint8_t flags)
{
	pkt_eth(b, SMAC, CMAC, 0x0800);
	pkt_ip4(b + 14, 6, CIP, dip, 40);
	return 34 + tcp_hdr(b + 34, 40000, dport, seq, flags, 20,
			    pkt_sum(b + 26, 8, 0) + 6 + 40);
}

static size_t tcp6(uint8_t *b, const uint8_t *dip, uint16_t dport, uint32_t seq, uint8_t flags)
{
	pkt_eth(b, SMAC, CMAC, 0x86dd);
	ip6_hdr(b + 14, 6, CIP6, dip, 20);
	return 54 + tcp_hdr(b + 54, 40000, dport, seq, flags, 0, pkt_sum(b + 22, 32, 0) + 6 + 20);
}

static size_t udp6(uint8_t *b, const uint8_t *dip, uint16_t plen)
{
	uint8_t *u = b + 54;
	uint16_t cs;

	pkt_eth(b, SMAC, CMAC, 0x86dd);
	ip6_hdr(b + 14, 17, CIP6, dip, 8 + plen);
	memset(u, 0, 8);
	u[0] = 0x9c; u[1] = 0x40;
	u[2] = 0x15; u[3] = 0xb3;
	u[4] = (8 + plen) >> 8; u[5] = 8 + plen;
	memset(u + 8, 0xcd, plen);
	cs = pkt_fold(pkt_sum(u, 8 + plen, pkt_sum(b + 22, 32, 0) + 17 + 8 + plen));
	u[6] = cs >> 8;
	u[7] = cs;
	return 54 + 8 + plen;
}

static size_t icmp4(uint8_t *b, uint32_t dip, uint8_t type, uint8_t code)
{
	uint8_t *ic = b + 34;
	uint16_t cs;

	pkt_eth(b, SMAC, CMAC, 0x0800);
	pkt_ip4(b + 14, 1, CIP, dip, 16);
	memset(ic, 0, 16);
	ic[0] = type;
	ic[1] = code;
	ic[5] = 7;
	cs = pkt_fold(pkt_sum(ic, 16, 0));
	ic[2] = cs >> 8;
	ic[3] = cs;
	return 50;
}

/* Ethernet + IPv4 + SCTP with VTAG and one chunk of TYPE (an INIT carries
 * INIT_TAG). */
static size_t sctp4(uint8_t *b, uint32_t dip, uint32_t vtag, uint8_t type, uint32_t init_tag)
{
	uint8_t *s = b + 34;

	pkt_eth(b, SMAC, CMAC, 0x0800);
	pkt_ip4(b + 14, 132, CIP, dip, 32);
	memset(s, 0, 32);
	s[0] = 0x9c; s[1] = 0x41;		/* 40001 */
	s[2] = 0x0b; s[3] = 0xb8;		/* 3000 */
	s[4] = vtag >> 24; s[5] = vtag >> 16; s[6] = vtag >> 8; s[7] = vtag;
	s[12] = type;
	s[15] = 20;
	s[16] = init_tag >> 24; s[17] = init_tag >> 16; s[18] = init_tag >> 8; s[19] = init_tag;
	return 34 + 32;
}

static uint32_t crc32c(const uint8_t *b, size_t n)
{
	uint32_t crc = 0xffffffff;

	for (size_t i = 0; i < n; i++) {
		crc ^= b[i];
		for (int j = 0; j < 8; j++)
			crc = (crc >> 1) ^ (0x82f63b78 & -(crc & 1));
	}
	return ~crc;
}

/* SCTP checksum (stored least significant byte first) valid? */
static int sctp_crc_ok(const uint8_t *s, size_t n)
{
	uint8_t t[64];
	uint32_t crc;

	memcpy(t, s, n);
	memset(t + 8, 0, 4);
	crc = crc32c(t, n);
	return s[8] == (crc & 0xff) && s[9] == ((crc >> 8) & 0xff) &&
	       s[10] == ((crc >> 16) & 0xff) && s[11] == crc >> 24;
}

static int icmp4_csum_ok(const uint8_t *ip)
{
	uint16_t tot = (uint16_t)ip[2] << 8 | ip[3];

	return pkt_fold(pkt_sum(ip + 20, tot - 20, 0)) == 0;
}

static int tcp4_csum_ok(const uint8_t *ip)
{
	uint16_t tot = (uint16_t)ip[2] << 8 | ip[3];

	return pkt_fold(pkt_sum(ip + 20, tot - 20, pkt_sum(ip + 12, 8, 0) + 6 + tot - 20)) == 0;
}

static int tcp6_csum_ok(const uint8_t *ip)
{
	uint16_t len = (uint16_t)ip[4] << 8 | ip[5];

	return pkt_fold(pkt_sum(ip + 40, len, pkt_sum(ip + 8, 32, 0) + 6 + len)) == 0;
}

static uint32_t be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static uint32_t drops(struct pg_fix *p, uint32_t reason)
{
	struct ovnbpf_counter c;

	if (bpf_test_read_counter(p->f.m.drops, reason, &c))
		return UINT32_MAX;
	return c.packets;
}

/* The IPv4 header pinctrl writes: tos 0, id 0, DF, TTL, PROTO. */
static void check_ip4_hdr(const uint8_t *ip, uint16_t tot, uint8_t ttl, uint8_t proto,
			  uint32_t src, uint32_t dst)
{
	ASSERT_EQ(ip[0], 0x45, "ip version/ihl");
	ASSERT_EQ(ip[1], 0, "ip tos 0");
	ASSERT_EQ((uint16_t)ip[2] << 8 | ip[3], tot, "ip total length");
	ASSERT_EQ((uint16_t)ip[4] << 8 | ip[5], 0, "ip id 0");
	ASSERT_EQ((uint16_t)ip[6] << 8 | ip[7], 0x4000, "DF");
	ASSERT_EQ(ip[8], ttl, "ttl");
	ASSERT_EQ(ip[9], proto, "proto");
	ASSERT_MEMEQ(ip + 12, &src, 4, "ip src");
	ASSERT_MEMEQ(ip + 16, &dst, 4, "ip dst");
	ASSERT_TRUE(pkt_ip4_ok(ip), "ip checksum");
}

static void check_ip6_hdr(const uint8_t *ip, uint16_t plen, uint8_t hl, uint8_t nh,
			  const uint8_t *src, const uint8_t *dst)
{
	ASSERT_EQ(be32(ip), 0x60000000u, "ip6 version, tc 0, label 0");
	ASSERT_EQ((uint16_t)ip[4] << 8 | ip[5], plen, "ip6 payload length");
	ASSERT_EQ(ip[6], nh, "next header");
	ASSERT_EQ(ip[7], hl, "hop limit");
	ASSERT_MEMEQ(ip + 8, src, 16, "ip6 src");
	ASSERT_MEMEQ(ip + 24, dst, 16, "ip6 dst");
}

static struct ovn_ctx ctx;
static uint8_t pkt[2048], out[2048], orig[2048];

void test_pktgen(void)
{
	uint8_t a100[16], a101[16], a102[16], a103[16], a104[16];
	uint32_t ret, len, olen, before;
	struct pg_fix p = { 0 };

	if (!env.has_root) {
		test__skip("needs root for BPF_PROG_TEST_RUN");
		return;
	}
	if (!ASSERT_OK(pl_fix_open(&p.f), "pl_fix_open"))
		return;
	if (!ASSERT_OK(pg_setup(&p), "compile flows"))
		goto cleanup;
	ASSERT_EQ(p.reports, 0, "no flow reported unsupported");
	ip6addr(a100, 0x00);
	ip6addr(a101, 0x01);
	ip6addr(a102, 0x02);
	ip6addr(a103, 0x03);
	ip6addr(a104, 0x04);

	if (test__start_subtest("reject_tcp4_rst")) {
		len = tcp4(pkt, ip4(10, 0, 0, 100), 5555, 0x11223344, 0x02);
		olen = sizeof(out);
		ASSERT_OK(run(&p, pkt, len, &ret, out, &olen, &ctx), "run");
		ASSERT_EQ(ret, TC_ACT_REDIRECT, "verdict");
		ASSERT_EQ(ctx.x.out_port[0], 1, "back to the client");
		ASSERT_EQ(olen, 54, "RST length");
		ASSERT_MEMEQ(out, CMAC, 6, "eth.dst = client");
		ASSERT_MEMEQ(out + 6, SMAC, 6, "eth.src = server");
		check_ip4_hdr(out + 14, 40, 63, 6, ip4(10, 0, 0, 100), CIP);
		ASSERT_EQ((uint16_t)out[34] << 8 | out[35], 5555, "sport = original dport");
		ASSERT_EQ((uint16_t)out[36] << 8 | out[37], 40000, "dport = original sport");
		ASSERT_EQ(be32(out + 38), 0, "seq 0");
		ASSERT_EQ(be32(out + 42), 0x11223345u, "ack = seq + 1");
		ASSERT_EQ(out[46], 0x50, "data offset 5");
		ASSERT_EQ(out[47], 0x14, "RST|ACK");
		ASSERT_EQ((uint16_t)out[48] << 8 | out[49], 0, "window 0");
		ASSERT_TRUE(tcp4_csum_ok(out + 14), "TCP checksum");
	}
	if (test__start_subtest("reject_udp4_port_unreach")) {
		len = pkt_udp4(pkt, SMAC, CMAC, CIP, ip4(10, 0, 0, 100), 40000, 5555, 13);
		memcpy(orig, pkt, len);
		olen = sizeof(out);
		ASSERT_OK(run(&p, pkt, len, &ret, out, &olen, &ctx), "run");
		ASSERT_EQ(ret, TC_ACT_REDIRECT, "verdict");
		ASSERT_EQ(olen, 14 + 28 + (len - 14), "ICMP length: headers + whole IP packet");
		ASSERT_MEMEQ(out, CMAC, 6, "eth.dst = client");
		check_ip4_hdr(out + 14, 28 + len - 14, 255, 1, ip4(10, 0, 0, 100), CIP);
		ASSERT_EQ(out[34], 3, "dest unreachable");
		ASSERT_EQ(out[35], 3, "port unreachable for UDP");
		ASSERT_EQ(be32(out + 38), 0, "unused 0");
		ASSERT_MEMEQ(out + 42, orig + 14, len - 14, "original IP packet quoted");
		ASSERT_TRUE(icmp4_csum_ok(out + 14), "ICMP checksum");
	}
	if (test__start_subtest("reject_icmp4_host_unreach")) {
		len = icmp4(pkt, ip4(10, 0, 0, 100), 8, 0);
		memcpy(orig, pkt, len);
		olen = sizeof(out);
		ASSERT_OK(run(&p, pkt, len, &ret, out, &olen, &ctx), "run");
		ASSERT_EQ(olen, 42 + 36, "length");
		ASSERT_EQ(out[34], 3, "dest unreachable");
		ASSERT_EQ(out[35], 1, "code 1 for anything but UDP");
		ASSERT_MEMEQ(out + 42, orig + 14, 36, "quoted");
		ASSERT_TRUE(icmp4_csum_ok(out + 14), "ICMP checksum");
	}
	if (test__start_subtest("reject_ignores_rst_and_unreach")) {
		before = drops(&p, DROP_PKTGEN_REJECT_IGNORED);
		len = tcp4(pkt, ip4(10, 0, 0, 100), 5555, 1, 0x04);
		ASSERT_OK(run(&p, pkt, len, &ret, NULL, NULL, &ctx), "run rst");
		ASSERT_EQ(ret, TC_ACT_SHOT, "RST: nothing sent");
		ASSERT_EQ(ctx.x.drop_reason, DROP_PKTGEN_REJECT_IGNORED, "reason");
		len = icmp4(pkt, ip4(10, 0, 0, 100), 3, 3);
		ASSERT_OK(run(&p, pkt, len, &ret, NULL, NULL, &ctx), "run unreach");
		ASSERT_EQ(ret, TC_ACT_SHOT, "unreachable: nothing sent");
		ASSERT_EQ(drops(&p, DROP_PKTGEN_REJECT_IGNORED), before + 2, "counted");
	}
	if (test__start_subtest("reject_tcp6_rst")) {
		len = tcp6(pkt, a100, 5555, 0xfffffffe, 0x02);
		olen = sizeof(out);
		ASSERT_OK(run(&p, pkt, len, &ret, out, &olen, &ctx), "run");
		ASSERT_EQ(ret, TC_ACT_REDIRECT, "verdict");
		ASSERT_EQ(olen, 74, "RST length");
		ASSERT_MEMEQ(out, CMAC, 6, "eth.dst = client");
		check_ip6_hdr(out + 14, 20, 63, 6, a100, CIP6);
		ASSERT_EQ((uint16_t)out[54] << 8 | out[55], 5555, "sport");
		ASSERT_EQ(be32(out + 58), 0, "seq 0");
		ASSERT_EQ(be32(out + 62), 0xffffffffu, "ack = seq + 1");
		ASSERT_EQ(out[67], 0x14, "RST|ACK");
		ASSERT_TRUE(tcp6_csum_ok(out + 14), "TCP checksum");
	}
	if (test__start_subtest("reject_udp6_port_unreach")) {
		len = udp6(pkt, a100, 20);
		memcpy(orig, pkt, len);
		olen = sizeof(out);
		ASSERT_OK(run(&p, pkt, len, &ret, out, &olen, &ctx), "run");
		ASSERT_EQ(ret, TC_ACT_REDIRECT, "verdict");
		ASSERT_EQ(olen, 14 + 48 + (len - 14), "length");
		check_ip6_hdr(out + 14, 8 + len - 14, 255, 58, a100, CIP6);
		ASSERT_EQ(out[54], 1, "dest unreachable");
		ASSERT_EQ(out[55], 4, "port unreachable");
		ASSERT_MEMEQ(out + 62, orig + 14, len - 14, "original quoted");
		ASSERT_TRUE(pkt_icmp6_ok(out + 14), "ICMPv6 checksum");
	}
	if (test__start_subtest("quote_capped_576_1280")) {
		len = pkt_udp4(pkt, SMAC, CMAC, CIP, ip4(10, 0, 0, 100), 40000, 5555, 1000);
		memcpy(orig, pkt, len);
		olen = sizeof(out);
		ASSERT_OK(run(&p, pkt, len, &ret, out, &olen, &ctx), "run v4");
		ASSERT_EQ(olen, 576, "IPv4: a 576-byte frame");
		ASSERT_EQ((uint16_t)out[16] << 8 | out[17], 576 - 14, "ip total length");
		ASSERT_MEMEQ(out + 42, orig + 14, 534, "first 534 bytes quoted");
		ASSERT_TRUE(icmp4_csum_ok(out + 14), "ICMP checksum");
		len = udp6(pkt, a100, 1400);
		memcpy(orig, pkt, len);
		olen = sizeof(out);
		ASSERT_OK(run(&p, pkt, len, &ret, out, &olen, &ctx), "run v6");
		ASSERT_EQ(olen, 1280, "IPv6: a 1280-byte frame");
		ASSERT_MEMEQ(out + 62, orig + 14, 1218, "first 1218 bytes quoted");
		ASSERT_TRUE(pkt_icmp6_ok(out + 14), "ICMPv6 checksum");
	}
	if (test__start_subtest("vlan_kept_in_icmp")) {
		uint8_t tag[4] = { 0x81, 0x00, 0x20, 0x05 };	/* pcp 1, vid 5 */

		len = pkt_udp4(pkt + 4, SMAC, CMAC, CIP, ip4(10, 0, 0, 100), 40000, 5555, 9);
		memmove(pkt, pkt + 4, 12);
		memcpy(pkt + 12, tag, 4);
		len += 4;
		memcpy(orig, pkt, len);
		olen = sizeof(out);
		ASSERT_OK(run(&p, pkt, len, &ret, out, &olen, &ctx), "run");
		ASSERT_EQ(ret, TC_ACT_REDIRECT, "verdict");
		ASSERT_EQ(olen, 18 + 28 + (len - 18), "length");
		ASSERT_MEMEQ(out + 12, tag, 4, "802.1Q tag kept");
		ASSERT_EQ(out[16] << 8 | out[17], 0x0800, "IPv4 after the tag");
		check_ip4_hdr(out + 18, 28 + len - 18, 255, 1, ip4(10, 0, 0, 100), CIP);
		ASSERT_MEMEQ(out + 46, orig + 18, len - 18, "quoted");
		ASSERT_TRUE(icmp4_csum_ok(out + 18), "ICMP checksum");
	}
	if (test__start_subtest("tcp_reset")) {
		len = tcp4(pkt, ip4(10, 0, 0, 101), 80, 7, 0x18);
		olen = sizeof(out);
		ASSERT_OK(run(&p, pkt, len, &ret, out, &olen, &ctx), "run");
		ASSERT_EQ(ret, TC_ACT_REDIRECT, "verdict");
		ASSERT_EQ(olen, 54, "length");
		ASSERT_MEMEQ(out, CMAC, 6, "nested eth swap");
		check_ip4_hdr(out + 14, 40, 63, 6, ip4(10, 0, 0, 101), CIP);
		ASSERT_EQ((uint16_t)out[34] << 8 | out[35], 80, "sport");
		ASSERT_EQ((uint16_t)out[36] << 8 | out[37], 40000, "dport");
		ASSERT_EQ(be32(out + 42), 8, "ack");
		ASSERT_TRUE(tcp4_csum_ok(out + 14), "TCP checksum after nested swaps");
		len = tcp6(pkt, a101, 80, 7, 0x10);
		olen = sizeof(out);
		ASSERT_OK(run(&p, pkt, len, &ret, out, &olen, &ctx), "run v6");
		ASSERT_EQ(olen, 74, "v6 length");
		check_ip6_hdr(out + 14, 20, 63, 6, a101, CIP6);
		ASSERT_TRUE(tcp6_csum_ok(out + 14), "TCPv6 checksum after nested swaps");
	}
	if (test__start_subtest("tcp_reset_later_fragment")) {
		before = drops(&p, DROP_PKTGEN_PROTO);
		len = tcp4(pkt, ip4(10, 0, 0, 101), 80, 7, 0x18);
		pkt[14 + 7] = 0x10;	/* offset 128: no TCP header */
		pkt[14 + 10] = pkt[14 + 11] = 0;
		{
			uint16_t cs = pkt_fold(pkt_sum(pkt + 14, 20, 0));

			pkt[24] = cs >> 8;
			pkt[25] = cs;
		}
		ASSERT_OK(run(&p, pkt, len, &ret, NULL, NULL, &ctx), "run");
		ASSERT_EQ(ret, TC_ACT_SHOT, "dropped");
		ASSERT_EQ(ctx.x.drop_reason, DROP_PKTGEN_PROTO, "no TCP header");
		ASSERT_EQ(drops(&p, DROP_PKTGEN_PROTO), before + 1, "counted");
	}
	if (test__start_subtest("icmp4_error_ttl_exceeded")) {
		len = pkt_udp4(pkt, SMAC, CMAC, CIP, ip4(10, 0, 0, 102), 40000, 33434, 24);
		memcpy(orig, pkt, len);
		olen = sizeof(out);
		ASSERT_OK(run(&p, pkt, len, &ret, out, &olen, &ctx), "run");
		ASSERT_EQ(ret, TC_ACT_REDIRECT, "verdict");
		ASSERT_EQ(olen, 42 + len - 14, "length");
		ASSERT_MEMEQ(out, CMAC, 6, "eth.dst");
		check_ip4_hdr(out + 14, 28 + len - 14, 254, 1, ip4(10, 0, 0, 254), CIP);
		ASSERT_EQ(out[34], 11, "time exceeded");
		ASSERT_EQ(out[35], 0, "code 0");
		ASSERT_EQ(out[42 + 8], 7, "quoted header has the ttl set before the action");
		ASSERT_TRUE(pkt_ip4_ok(out + 42), "quoted header checksum updated");
		ASSERT_MEMEQ(out + 42 + 20, orig + 34, len - 34, "quoted payload");
		ASSERT_TRUE(icmp4_csum_ok(out + 14), "ICMP checksum after nested rewrites");
	}
	if (test__start_subtest("icmp4_port_unreach_and_frag_mtu")) {
		len = pkt_udp4(pkt, SMAC, CMAC, CIP, ip4(10, 0, 0, 103), 40000, 9, 4);
		olen = sizeof(out);
		ASSERT_OK(run(&p, pkt, len, &ret, out, &olen, &ctx), "run icmp4");
		check_ip4_hdr(out + 14, 28 + len - 14, 255, 1, ip4(10, 0, 0, 103), CIP);
		ASSERT_EQ(out[35], 3, "code");
		ASSERT_TRUE(icmp4_csum_ok(out + 14), "ICMP checksum");
		len = pkt_udp4(pkt, SMAC, CMAC, CIP, ip4(10, 0, 0, 104), 40000, 9, 1500);
		olen = sizeof(out);
		ASSERT_OK(run(&p, pkt, len, &ret, out, &olen, &ctx), "run frag needed");
		ASSERT_EQ(olen, 576, "capped");
		ASSERT_EQ(out[34], 3, "type 3");
		ASSERT_EQ(out[35], 4, "code 4");
		ASSERT_EQ((uint16_t)out[40] << 8 | out[41], 1400, "next-hop MTU");
		ASSERT_TRUE(icmp4_csum_ok(out + 14), "ICMP checksum");
	}
	if (test__start_subtest("icmp6_error_too_big")) {
		len = udp6(pkt, a102, 1500);
		memcpy(orig, pkt, len);
		olen = sizeof(out);
		ASSERT_OK(run(&p, pkt, len, &ret, out, &olen, &ctx), "run");
		ASSERT_EQ(ret, TC_ACT_REDIRECT, "verdict");
		ASSERT_EQ(olen, 1280, "length");
		check_ip6_hdr(out + 14, 1280 - 54, 255, 58, a102, CIP6);
		ASSERT_EQ(out[54], 2, "packet too big");
		ASSERT_EQ(out[55], 0, "code 0");
		ASSERT_EQ(be32(out + 58), 1400, "MTU");
		ASSERT_MEMEQ(out + 62, orig + 14, 1218, "quoted");
		ASSERT_TRUE(pkt_icmp6_ok(out + 14), "ICMPv6 checksum");
		len = udp6(pkt, a103, 0);
		olen = sizeof(out);
		ASSERT_OK(run(&p, pkt, len, &ret, out, &olen, &ctx), "run icmp6");
		ASSERT_EQ(out[54], 1, "type 1");
		ASSERT_EQ(out[55], 4, "code 4");
		ASSERT_TRUE(pkt_icmp6_ok(out + 14), "ICMPv6 checksum");
	}
	if (test__start_subtest("sctp_abort")) {
		/* crc32c check value of "123456789" (RFC 3720 test vector) */
		ASSERT_EQ(crc32c((const uint8_t *)"123456789", 9), 0xe3069283u, "test crc32c");
		len = sctp4(pkt, ip4(10, 0, 0, 105), 0, 1, 0xcafef00d);
		olen = sizeof(out);
		ASSERT_OK(run(&p, pkt, len, &ret, out, &olen, &ctx), "run INIT");
		ASSERT_EQ(ret, TC_ACT_REDIRECT, "verdict");
		ASSERT_EQ(olen, 50, "ABORT length");
		ASSERT_MEMEQ(out, CMAC, 6, "eth.dst");
		check_ip4_hdr(out + 14, 36, 63, 132, ip4(10, 0, 0, 105), CIP);
		ASSERT_EQ((uint16_t)out[34] << 8 | out[35], 3000, "sport");
		ASSERT_EQ((uint16_t)out[36] << 8 | out[37], 40001, "dport");
		ASSERT_EQ(be32(out + 38), 0xcafef00du, "vtag = INIT's initiate tag");
		ASSERT_EQ(out[46], 6, "ABORT chunk");
		ASSERT_EQ(out[47], 0, "T bit clear");
		ASSERT_EQ((uint16_t)out[48] << 8 | out[49], 4, "chunk length");
		ASSERT_TRUE(sctp_crc_ok(out + 34, 16), "CRC32c");
		/* reject {} on SCTP: an ABORT with the packet's own tag, T set */
		len = sctp4(pkt, ip4(10, 0, 0, 100), 0x01020304, 0 /* DATA */, 0);
		olen = sizeof(out);
		ASSERT_OK(run(&p, pkt, len, &ret, out, &olen, &ctx), "run reject DATA");
		ASSERT_EQ(ret, TC_ACT_REDIRECT, "verdict");
		ASSERT_EQ(olen, 50, "ABORT length");
		check_ip4_hdr(out + 14, 36, 63, 132, ip4(10, 0, 0, 100), CIP);
		ASSERT_EQ(be32(out + 38), 0x01020304u, "vtag reflected");
		ASSERT_EQ(out[47], 1, "T bit");
		ASSERT_TRUE(sctp_crc_ok(out + 34, 16), "CRC32c");
		/* no ABORT for an ABORT */
		len = sctp4(pkt, ip4(10, 0, 0, 105), 5, 6, 0);
		ASSERT_OK(run(&p, pkt, len, &ret, NULL, NULL, &ctx), "run ABORT");
		ASSERT_EQ(ret, TC_ACT_SHOT, "nothing sent");
		ASSERT_EQ(ctx.x.drop_reason, DROP_PKTGEN_PROTO, "reason");
	}
	if (test__start_subtest("nd_ns")) {
		static const uint8_t lla[16] = { 0xfe, 0x80, 0, 0, 0, 0, 0, 0,
						 0x08, 0, 0, 0xff, 0xfe, 0, 0, 1 };
		static const uint8_t sol[16] = { 0xff, 0x02, 0, 0, 0, 0, 0, 0,
						 0, 0, 0, 1, 0xff, 0, 0x01, 0x04 };
		static const uint8_t mmac[6] = { 0x33, 0x33, 0xff, 0, 0x01, 0x04 };
		uint8_t tgt[16];

		memcpy(tgt, CIP6, 16);
		tgt[15] = 0x99;
		len = udp6(pkt, a104, 100);
		olen = sizeof(out);
		ASSERT_OK(run(&p, pkt, len, &ret, out, &olen, &ctx), "run");
		ASSERT_EQ(ret, TC_ACT_REDIRECT, "verdict");
		ASSERT_EQ(olen, 86, "NS length");
		ASSERT_MEMEQ(out, mmac, 6, "eth.dst: solicited-node group of ip6.dst");
		ASSERT_MEMEQ(out + 6, CMAC, 6, "eth.src kept");
		check_ip6_hdr(out + 14, 32, 255, 58, lla, sol);
		ASSERT_EQ(out[54], 135, "NS");
		ASSERT_MEMEQ(out + 62, tgt, 16, "target set by the nested action");
		ASSERT_EQ(out[78], 1, "SLL option");
		ASSERT_EQ(out[79], 1, "length 1");
		ASSERT_MEMEQ(out + 80, CMAC, 6, "SLL = eth.src");
		ASSERT_TRUE(pkt_icmp6_ok(out + 14), "ICMPv6 checksum");
	}
	if (test__start_subtest("truncated_inputs")) {
		/* A UDP packet whose IP length claims more than there is: the
		 * parser drops it before any action can read past the end. */
		len = pkt_udp4(pkt, SMAC, CMAC, CIP, ip4(10, 0, 0, 100), 1, 2, 10);
		ASSERT_OK(run(&p, pkt, len - 5, &ret, NULL, NULL, &ctx), "run short");
		ASSERT_EQ(ret, TC_ACT_SHOT, "dropped");
		/* An IPv4 header with options: quoted whole. */
		{
			uint8_t *ip = pkt + 14;
			uint16_t cs;

			len = pkt_udp4(pkt, SMAC, CMAC, CIP, ip4(10, 0, 0, 100), 1, 2, 10);
			memmove(ip + 24, ip + 20, len - 34);
			memset(ip + 20, 1, 4);	/* 4 NOPs */
			ip[0] = 0x46;
			ip[3] += 4;
			ip[10] = ip[11] = 0;
			cs = pkt_fold(pkt_sum(ip, 24, 0));
			ip[10] = cs >> 8;
			ip[11] = cs;
			len += 4;
			memcpy(orig, pkt, len);
			olen = sizeof(out);
			ASSERT_OK(run(&p, pkt, len, &ret, out, &olen, &ctx), "run options");
			ASSERT_EQ(ret, TC_ACT_REDIRECT, "verdict");
			ASSERT_EQ(olen, 42 + len - 14, "length");
			ASSERT_EQ(out[35], 3, "UDP seen behind the options");
			ASSERT_MEMEQ(out + 42, orig + 14, len - 14, "quoted with options");
			ASSERT_TRUE(icmp4_csum_ok(out + 14), "ICMP checksum");
		}
	}
cleanup:
	compiler_free(p.c);
	pl_fix_close(&p.f);
}
